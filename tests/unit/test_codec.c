/*
 * test_codec.c — compressed text files (fs/codec.h, fs/compress.c,
 * fs/textout.c): codec names as Spark and Hadoop spell them, every codec
 * both ways, concatenated members, truncated and corrupted streams (a clear
 * SM_MALFORMED naming the file and the byte offset, never a crash or a
 * silently short result), and end to end through the CSV and JSON readers
 * and writers (part file names, the codec alias, zstd fixtures against the
 * gzip ones written by PySpark in tests/sql/codec/data).
 *
 * Runs from the repository root (tests/run.sh does).
 */
#include <dirent.h>
#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smelt.h"
#include "api/api_internal.h"
#include "common/mem.h"
#include "common/status.h"
#include "formats/csv_write.h"
#include "formats/json.h"
#include "fs/codec.h"
#include "fs/fs.h"
#include "fs/textout.h"
#include "test.h"

static char tmp_root[256];

static const char *tpath(const char *name) {
    static char buf[8][512];
    static int k;
    if (!tmp_root[0]) {
        snprintf(tmp_root, sizeof tmp_root, "/tmp/smelt_test_codec_%d", (int)getpid());
        mkdir(tmp_root, 0777);
    }
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp_root, name);
    return buf[k];
}

static void put_bytes(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(p, 1, n, f);
    fclose(f);
}

static char rows_buf[16384];
static const char *rows(sm_dataframe *df) {
    rows_buf[0] = 0;
    if (!df) {
        snprintf(rows_buf, sizeof rows_buf, "ERROR %s", sm_last_error());
        return rows_buf;
    }
    sm_result *r = sm_df_collect(df);
    if (!r) {
        snprintf(rows_buf, sizeof rows_buf, "ERROR %s", sm_last_error());
        return rows_buf;
    }
    size_t n = 0;
    for (int64_t i = 0; i < sm_result_num_rows(r) && n < sizeof rows_buf - 256; i++) {
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_hive_string(r, i, c);
            n += (size_t)snprintf(rows_buf + n, sizeof rows_buf - n, "%s%s", c ? "|" : "", v ? v : "NULL");
        }
        n += (size_t)snprintf(rows_buf + n, sizeof rows_buf - n, "\n");
    }
    sm_result_free(r);
    return rows_buf;
}

/* Some text: lines of mixed, partly repetitive content. */
static void make_text(sm_buf *b, size_t n, unsigned seed) {
    b->len = 0;
    while (b->len < n) {
        seed = seed * 1103515245u + 12345u;
        sm_buf_appendf(b, "%u,row %u,%s\n", seed >> 8, (seed >> 16) % 97,
                       (seed >> 12) % 3 ? "lorem ipsum dolor sit amet" : "\"quoted, text\"");
    }
    b->len = n;
}

/* Compresses text in pieces of `step` bytes. */
static int compress_all(sm_fs_codec c, const char *p, size_t n, size_t step, sm_buf *out) {
    sm_fs_compressor *z;
    int rc = sm_fs_compressor_new(c, &z);
    if (rc) return rc;
    out->len = 0;
    size_t off = 0;
    while (!rc && off < n) {
        size_t k = n - off < step ? n - off : step;
        rc = sm_fs_compress(z, p + off, k, false, out);
        off += k;
    }
    if (!rc) rc = sm_fs_compress(z, NULL, 0, true, out);
    sm_fs_compressor_free(z);
    return rc;
}

static const sm_fs_codec all_codecs[] = {SM_FS_CODEC_GZIP, SM_FS_CODEC_BZIP2, SM_FS_CODEC_DEFLATE,
                                         SM_FS_CODEC_LZ4,  SM_FS_CODEC_SNAPPY, SM_FS_CODEC_ZSTD};
#define NCODECS (int)(sizeof all_codecs / sizeof all_codecs[0])

TEST(codec_names_as_spark_and_hadoop) {
    CHECK_INT(sm_fs_codec_of_path("/a/x.csv.gz"), SM_FS_CODEC_GZIP);
    CHECK_INT(sm_fs_codec_of_path("x.json.bz2"), SM_FS_CODEC_BZIP2);
    CHECK_INT(sm_fs_codec_of_path("x.deflate"), SM_FS_CODEC_DEFLATE);
    CHECK_INT(sm_fs_codec_of_path("x.csv.lz4"), SM_FS_CODEC_LZ4);
    CHECK_INT(sm_fs_codec_of_path("x.csv.snappy"), SM_FS_CODEC_SNAPPY);
    CHECK_INT(sm_fs_codec_of_path("x.csv.zst"), SM_FS_CODEC_ZSTD);
    /* Hadoop's suffixes are case-sensitive: Spark reads X.CSV.GZ as plain text */
    CHECK_INT(sm_fs_codec_of_path("X.CSV.GZ"), SM_FS_CODEC_NONE);
    CHECK_INT(sm_fs_codec_of_path("x.csv"), SM_FS_CODEC_NONE);
    CHECK_INT(sm_fs_codec_of_path(".gz"), SM_FS_CODEC_NONE);
    CHECK(sm_fs_is_compressed("a.bz2") && !sm_fs_is_compressed("a.xz"));

    sm_fs_codec c = SM_FS_CODEC_COUNT;
    CHECK_OK(sm_fs_codec_parse("GZIP", &c));
    CHECK_INT(c, SM_FS_CODEC_GZIP);
    CHECK_OK(sm_fs_codec_parse("Snappy", &c));
    CHECK_INT(c, SM_FS_CODEC_SNAPPY);
    CHECK_OK(sm_fs_codec_parse("uncompressed", &c));
    CHECK_INT(c, SM_FS_CODEC_NONE);
    CHECK_OK(sm_fs_codec_parse("org.apache.hadoop.io.compress.BZip2Codec", &c));
    CHECK_INT(c, SM_FS_CODEC_BZIP2);
    CHECK_OK(sm_fs_codec_parse("zstd", &c));
    CHECK_INT(c, SM_FS_CODEC_ZSTD);
    CHECK_INT(sm_fs_codec_parse("lzo", &c), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "Codec [lzo] is not available. Known codecs are") != NULL);
    /* class names are Java's: case matters */
    CHECK_INT(sm_fs_codec_parse("org.apache.hadoop.io.compress.gzipcodec", &c), SM_INVALID);
    CHECK_STR(sm_fs_codec_extension(SM_FS_CODEC_BZIP2), ".bz2");
    CHECK_STR(sm_fs_codec_extension(SM_FS_CODEC_NONE), "");
    CHECK_STR(sm_fs_codec_name(SM_FS_CODEC_DEFLATE), "deflate");
}

TEST(codec_round_trip_every_codec) {
    static const size_t sizes[] = {0, 1, 100, 70000, 600000};
    static const size_t steps[] = {7, 4096, 1 << 20};
    sm_buf text = {0}, comp = {0}, back = {0};
    for (int ci = 0; ci < NCODECS; ci++) {
        for (int si = 0; si < 5; si++) {
            make_text(&text, sizes[si], (unsigned)si);
            for (int st = 0; st < 3; st++) {
                if (sizes[si] > 100000 && st == 0) continue; /* 7-byte pieces of 600 KB: slow */
                CHECK_OK(compress_all(all_codecs[ci], text.data, text.len, steps[st], &comp));
                back.len = 0;
                CHECK_OK(sm_fs_decompress(all_codecs[ci], "x", (unsigned char *)comp.data,
                                          (int64_t)comp.len, &back));
                if (back.len != text.len || (text.len && memcmp(back.data, text.data, text.len) != 0)) {
                    T_FAIL("%s size %zu step %zu: round trip differs (%zu bytes back)",
                           sm_fs_codec_name(all_codecs[ci]), sizes[si], steps[st], back.len);
                }
                CHECK(back.data && back.data[back.len] == 0);
            }
        }
    }
    sm_buf_free(&text);
    sm_buf_free(&comp);
    sm_buf_free(&back);
}

TEST(codec_hadoop_block_framing) {
    /* 300 KB of text: three blocks of at most 128 KiB, each one chunk */
    sm_buf text = {0}, comp = {0};
    make_text(&text, 300000, 9);
    CHECK_OK(compress_all(SM_FS_CODEC_LZ4, text.data, text.len, 1 << 20, &comp));
    const unsigned char *p = (const unsigned char *)comp.data;
    size_t pos = 0;
    int blocks = 0;
    uint32_t total = 0;
    while (pos + 8 <= comp.len) {
        uint32_t raw = (uint32_t)p[pos] << 24 | p[pos + 1] << 16 | p[pos + 2] << 8 | p[pos + 3];
        uint32_t clen = (uint32_t)p[pos + 4] << 24 | p[pos + 5] << 16 | p[pos + 6] << 8 | p[pos + 7];
        CHECK(raw <= 128 * 1024 && clen <= 256 * 1024);
        total += raw;
        pos += 8 + clen;
        blocks++;
    }
    CHECK_INT(pos, comp.len);
    CHECK_INT(blocks, 3);
    CHECK_INT(total, 300000);
    sm_buf_free(&text);
    sm_buf_free(&comp);
}

TEST(codec_concatenated_members) {
    sm_buf a = {0}, b = {0}, both = {0}, back = {0};
    for (int ci = 0; ci < NCODECS; ci++) {
        sm_fs_codec c = all_codecs[ci];
        CHECK_OK(compress_all(c, "a,1\nb,2\n", 8, 100, &a));
        CHECK_OK(compress_all(c, "c,3\n", 4, 100, &b));
        both.len = 0;
        sm_buf_append(&both, a.data, a.len);
        sm_buf_append(&both, b.data, b.len);
        back.len = 0;
        CHECK_OK(sm_fs_decompress(c, "cat", (unsigned char *)both.data, (int64_t)both.len, &back));
        CHECK_STR(sm_buf_cstr(&back), "a,1\nb,2\nc,3\n");
    }
    /* gzip: zero padding after the last member is ignored */
    CHECK_OK(compress_all(SM_FS_CODEC_GZIP, "x\n", 2, 100, &a));
    sm_buf_append(&a, "\0\0\0\0", 4);
    back.len = 0;
    CHECK_OK(sm_fs_decompress(SM_FS_CODEC_GZIP, "pad", (unsigned char *)a.data, (int64_t)a.len, &back));
    CHECK_STR(sm_buf_cstr(&back), "x\n");
    /* an LZ4 frame (the lz4 tool's format) in a .lz4 file, twice */
    char frame[256];
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    size_t fl = LZ4F_compressFrame(frame, sizeof frame, "hello\n", 6, &prefs);
    CHECK(!LZ4F_isError(fl));
    both.len = 0;
    sm_buf_append(&both, frame, fl);
    sm_buf_append(&both, frame, fl);
    back.len = 0;
    CHECK_OK(sm_fs_decompress(SM_FS_CODEC_LZ4, "f.lz4", (unsigned char *)both.data, (int64_t)both.len, &back));
    CHECK_STR(sm_buf_cstr(&back), "hello\nhello\n");
    back.len = 0;
    CHECK_INT(sm_fs_decompress(SM_FS_CODEC_LZ4, "f.lz4", (unsigned char *)frame, (int64_t)fl - 3, &back),
              SM_MALFORMED);
    sm_buf_free(&a);
    sm_buf_free(&b);
    sm_buf_free(&both);
    sm_buf_free(&back);
}

TEST(codec_truncated_input_fails_at_every_cut) {
    sm_buf text = {0}, comp = {0}, back = {0};
    make_text(&text, 3000, 3);
    for (int ci = 0; ci < NCODECS; ci++) {
        sm_fs_codec c = all_codecs[ci];
        CHECK_OK(compress_all(c, text.data, text.len, 1 << 20, &comp));
        int bad = 0;
        for (size_t cut = 1; cut < comp.len; cut++) {
            back.len = 0;
            int rc = sm_fs_decompress(c, "/data/t.csv", (unsigned char *)comp.data, (int64_t)cut, &back);
            if (rc != SM_MALFORMED || !strstr(sm_errmsg(), "/data/t.csv") ||
                !strstr(sm_errmsg(), " at byte ")) {
                if (!bad++)
                    T_FAIL("%s cut at %zu of %zu: rc %d, %s", sm_fs_codec_name(c), cut, comp.len, rc,
                           rc ? sm_errmsg() : "(no error)");
            }
        }
        /* the end of the file is reported as the offset */
        back.len = 0;
        CHECK_INT(sm_fs_decompress(c, "t", (unsigned char *)comp.data, (int64_t)comp.len - 1, &back),
                  SM_MALFORMED);
        char want[64];
        snprintf(want, sizeof want, "at byte %zu", comp.len - 1);
        if (c != SM_FS_CODEC_ZSTD) CHECK(strstr(sm_errmsg(), want) != NULL);
    }
    sm_buf_free(&text);
    sm_buf_free(&comp);
    sm_buf_free(&back);
}

TEST(codec_corrupt_input_is_an_error_or_exact) {
    /* Every byte flipped in turn: no crash (ASan), and for the codecs with
     * a checksum (gzip, deflate, bzip2, zstd) either an error or the exact
     * text (a flipped gzip header mtime byte changes nothing).  Raw LZ4 and
     * Snappy blocks have no checksum: only "no crash" holds for them. */
    sm_buf text = {0}, comp = {0}, back = {0};
    make_text(&text, 2000, 5);
    for (int ci = 0; ci < NCODECS; ci++) {
        sm_fs_codec c = all_codecs[ci];
        CHECK_OK(compress_all(c, text.data, text.len, 1 << 20, &comp));
        bool checked = c != SM_FS_CODEC_LZ4 && c != SM_FS_CODEC_SNAPPY;
        int bad = 0;
        for (size_t i = 0; i < comp.len; i++) {
            comp.data[i] ^= 0x5a;
            back.len = 0;
            int rc = sm_fs_decompress(c, "bad.gz", (unsigned char *)comp.data, (int64_t)comp.len, &back);
            comp.data[i] ^= 0x5a;
            if (rc == SM_OK && checked && (back.len != text.len || memcmp(back.data, text.data, text.len))) {
                if (!bad++) T_FAIL("%s: byte %zu flipped decodes to other text", sm_fs_codec_name(c), i);
            }
            if (rc != SM_OK && (rc != SM_MALFORMED || !strstr(sm_errmsg(), "bad.gz"))) {
                if (!bad++) T_FAIL("%s: byte %zu flipped: rc %d %s", sm_fs_codec_name(c), i, rc, sm_errmsg());
            }
        }
    }
    /* lengths in Hadoop's framing that cannot be right */
    static const unsigned char neg[] = {0x80, 0, 0, 0};
    back.len = 0;
    CHECK_INT(sm_fs_decompress(SM_FS_CODEC_SNAPPY, "n.snappy", neg, 4, &back), SM_MALFORMED);
    CHECK(strstr(sm_errmsg(), "n.snappy: corrupt snappy data at byte 0") != NULL);
    static const unsigned char big[] = {0, 0, 0, 4, 0, 0, 0, 2, 0x20, 0x00}; /* says 32 bytes, block says 4 */
    back.len = 0;
    CHECK_INT(sm_fs_decompress(SM_FS_CODEC_SNAPPY, "b.snappy", big, sizeof big, &back), SM_MALFORMED);
    CHECK(strstr(sm_errmsg(), "at byte 4") != NULL);
    /* plain text named .gz */
    back.len = 0;
    CHECK_INT(sm_fs_decompress(SM_FS_CODEC_GZIP, "p.gz", (const unsigned char *)"a,b\n", 4, &back), SM_MALFORMED);
    CHECK(strstr(sm_errmsg(), "p.gz: corrupt gzip data at byte") != NULL);
    sm_buf_free(&text);
    sm_buf_free(&comp);
    sm_buf_free(&back);
}

TEST(codec_textout_files) {
    for (int ci = 0; ci < NCODECS; ci++) {
        char name[64];
        snprintf(name, sizeof name, "out%s", sm_fs_codec_extension(all_codecs[ci]));
        const char *p = tpath(name);
        fs_textout t;
        CHECK_OK(fs_textout_open_codec(&t, p, all_codecs[ci]));
        for (int i = 0; i < 50000; i++) {
            sm_buf_appendf(&t.out, "line %d\n", i);
            CHECK_OK(fs_textout_maybe_flush(&t));
        }
        CHECK_OK(fs_textout_close(&t));
        sm_fs_map m;
        CHECK_OK(sm_fs_map_range(p, 0, -1, &m));
        CHECK(m.len > 0 && memcmp(m.data, "line 0\nline 1\n", 14) == 0);
        CHECK(m.len > 10 && memcmp(m.data + m.len - 11, "line 49999\n", 11) == 0);
        sm_fs_unmap(&m);
        /* the file itself is compressed */
        struct stat st;
        CHECK(stat(p, &st) == 0 && st.st_size < 300000);
    }
}

/* The part files under dir whose names end with `ext` (0 when none). */
static int count_parts(const char *dir, const char *ext) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name), m = strlen(ext);
        if (!strncmp(e->d_name, "part-", 5) && l > m && !strcmp(e->d_name + l - m, ext) &&
            strstr(e->d_name, "-c000"))
            n++;
    }
    closedir(d);
    return n;
}

TEST(codec_csv_and_json_writers) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = sm_sql(s, "SELECT id, concat('v', id) AS s FROM range(0, 5000)");
    static const char *names[] = {"bzip2", "gzip", "deflate", "lz4", "snappy", "zstd", "none"};
    static const char *exts[] = {".csv.bz2", ".csv.gz", ".csv.deflate", ".csv.lz4", ".csv.snappy", ".csv.zst", "0.csv"};
    for (int i = 0; i < 7; i++) {
        char dir[64];
        snprintf(dir, sizeof dir, "w_%s", names[i]);
        const char *out = tpath(dir);
        const char *o[] = {"compression", names[i], "header", "true", NULL};
        CHECK_OK(sm_df_write_csv(df, out, "overwrite", o));
        if (count_parts(out, exts[i]) < 1) T_FAIL("no part file %s in %s", exts[i], out);
        const char *ro[] = {"header", "true", "inferSchema", "true", NULL};
        sm_dataframe *back = sm_read_csv(s, out, ro, NULL);
        CHECK_STR(rows(sm_df_agg(back, 3, (const char *[]){"count(*)", "sum(id)", "max(s)"})), "5000|12497500|v999\n");
        /* JSON with the same codec */
        snprintf(dir, sizeof dir, "j_%s", names[i]);
        out = tpath(dir);
        const char *jo[] = {"compression", names[i], NULL};
        CHECK_OK(sm_df_write_json(df, out, "overwrite", jo));
        char jext[32];
        snprintf(jext, sizeof jext, ".json%s", strchr(exts[i] + 1, '.') ? strchr(exts[i] + 1, '.') : "");
        if (i == 6) snprintf(jext, sizeof jext, "0.json");
        if (count_parts(out, jext) < 1) T_FAIL("no part file %s in %s", jext, out);
        back = sm_read_json(s, out, NULL, NULL);
        CHECK_STR(rows(sm_df_agg(back, 3, (const char *[]){"count(*)", "sum(id)", "max(s)"})), "5000|12497500|v999\n");
    }
    /* CSV takes `codec` as an alias of `compression` (compression wins); JSON ignores it, as Spark */
    const char *alias[] = {"codec", "bzip2", NULL};
    CHECK_OK(sm_df_write_csv(df, tpath("alias_csv"), "overwrite", alias));
    CHECK(count_parts(tpath("alias_csv"), ".csv.bz2") >= 1);
    const char *both[] = {"codec", "bzip2", "compression", "gzip", NULL};
    CHECK_OK(sm_df_write_csv(df, tpath("both_csv"), "overwrite", both));
    CHECK(count_parts(tpath("both_csv"), ".csv.gz") >= 1);
    CHECK_OK(sm_df_write_json(df, tpath("alias_json"), "overwrite", alias));
    CHECK(count_parts(tpath("alias_json"), "0.json") >= 1);
    /* options parse to the codec and the extension */
    csv_write_opts co;
    const char *cls[] = {"compression", "org.apache.hadoop.io.compress.Lz4Codec", NULL};
    CHECK_OK(csv_write_opts_parse(cls, &co));
    CHECK_STR(csv_write_extension(&co), ".csv.lz4");
    csv_write_opts_free(&co);
    json_write_opts jo;
    const char *z[] = {"compression", "ZSTD", NULL};
    CHECK_OK(json_write_opts_parse(z, &jo));
    CHECK_STR(json_write_extension(&jo), ".json.zst");
    json_write_opts_free(&jo);
    /* an unknown codec fails before anything is written */
    const char *bad[] = {"compression", "brotli", NULL};
    CHECK_INT(sm_df_write_csv(df, tpath("bad_codec"), NULL, bad), SM_INVALID);
    CHECK(strstr(sm_last_error(), "Codec [brotli] is not available") != NULL);
    CHECK(access(tpath("bad_codec"), F_OK) != 0);
    CHECK_INT(sm_df_write_json(df, tpath("bad_codec"), NULL, bad), SM_INVALID);
    sm_session_free(s);
}

TEST(codec_zstd_fixtures_read_as_the_gzip_ones) {
    /* Spark 3.5 (local) cannot read .zst; the same text as gzip is its reference */
    sm_session *s = sm_session_new(NULL);
    const char *ro[] = {"header", "true", "inferSchema", "true", NULL};
    char want[16384];
    snprintf(want, sizeof want, "%s", rows(sm_read_csv(s, "tests/sql/codec/data/small.csv.gz", ro, NULL)));
    CHECK(strstr(want, "Ada Lovelace") != NULL);
    CHECK_STR(rows(sm_read_csv(s, "tests/sql/codec/data/small.csv.zst", ro, NULL)), want);
    snprintf(want, sizeof want, "%s", rows(sm_read_json(s, "tests/sql/codec/data/small.json.gz", NULL, NULL)));
    CHECK(strstr(want, "Grace") != NULL);
    CHECK_STR(rows(sm_read_json(s, "tests/sql/codec/data/small.json.zst", NULL, NULL)), want);
    sm_session_free(s);
}

TEST(codec_corrupt_file_in_a_read_fails_naming_it) {
    sm_session *s = sm_session_new(NULL);
    const char *dir = tpath("mixed");
    mkdir(dir, 0777);
    char p[600];
    sm_buf comp = {0};
    CHECK_OK(compress_all(SM_FS_CODEC_BZIP2, "a\n1\n2\n", 6, 100, &comp));
    snprintf(p, sizeof p, "%s/good.csv.bz2", dir);
    put_bytes(p, comp.data, comp.len);
    snprintf(p, sizeof p, "%s/cut.csv.bz2", dir);
    put_bytes(p, comp.data, comp.len - 5);
    const char *ro[] = {"header", "true", NULL};
    const char *r = rows(sm_read_csv(s, dir, ro, "a INT"));
    CHECK(strncmp(r, "ERROR ", 6) == 0);
    CHECK(strstr(r, "cut.csv.bz2: bzip2 data is truncated at byte") != NULL);
    /* inference reads it too */
    r = rows(sm_read_json(s, p, NULL, NULL));
    CHECK(strstr(r, "ERROR ") && strstr(r, "cut.csv.bz2"));
    sm_buf_free(&comp);
    sm_session_free(s);
}

TEST(codec_small_compressed_files_pack_like_spark) {
    /* Spark packs an unsplittable file by its (compressed) length: 200 tiny
     * .csv.gz files are 7 tasks of up to 32 files, not 200 */
    const char *dir = tpath("small_gz");
    mkdir(dir, 0777);
    const char *jdir = tpath("small_bz2");
    mkdir(jdir, 0777);
    sm_buf comp = {0};
    char p[600], row[64];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(row, sizeof row, "%d,x\n", i);
        CHECK_OK(compress_all(SM_FS_CODEC_GZIP, row, (size_t)n, 100, &comp));
        snprintf(p, sizeof p, "%s/f%03d.csv.gz", dir, i);
        put_bytes(p, comp.data, comp.len);
        n = snprintf(row, sizeof row, "{\"i\": %d}\n", i);
        CHECK_OK(compress_all(SM_FS_CODEC_BZIP2, row, (size_t)n, 100, &comp));
        snprintf(p, sizeof p, "%s/f%03d.json.bz2", jdir, i);
        put_bytes(p, comp.data, comp.len);
    }
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = sm_read_csv(s, dir, NULL, "a INT, b STRING");
    CHECK(df && df->plan->source->nsplits == 7);
    CHECK_STR(rows(sm_df_agg(df, 2, (const char *[]){"count(*)", "sum(a)"})), "200|19900\n");
    df = sm_read_json(s, jdir, NULL, NULL);
    CHECK(df && df->plan->source->nsplits == 7);
    CHECK_STR(rows(sm_df_agg(df, 2, (const char *[]){"count(*)", "sum(i)"})), "200|19900\n");
    sm_buf_free(&comp);
    sm_session_free(s);
}

TEST(codec_allocation_failures_are_clean) {
    /* SQLite-style: the n-th allocation fails, for every n, in compressing
     * (through a text output file) and decompressing (through
     * sm_fs_map_range) with each codec: SM_NOMEM or success, no crash or
     * leak (ASan), no partial file left by an aborted output */
    sm_buf text = {0};
    make_text(&text, 200000, 11);
    for (int ci = 0; ci < NCODECS; ci++) {
        char name[64];
        snprintf(name, sizeof name, "fault%s", sm_fs_codec_extension(all_codecs[ci]));
        const char *p = tpath(name);
        int runs = 0;
        for (int64_t n = 1; n < 10000; n++, runs++) {
            unlink(p);
            sm_mem_fail_after(n);
            fs_textout t;
            int rc = fs_textout_open_codec(&t, p, all_codecs[ci]);
            if (rc == SM_OK) {
                rc = sm_buf_append(&t.out, text.data, text.len);
                if (!rc) rc = fs_textout_flush(&t, false);
                if (!rc) rc = sm_buf_append(&t.out, "end\n", 4);
                if (rc) fs_textout_abort(&t);
                else rc = fs_textout_close(&t);
            }
            bool fired = sm_mem_fail_pending() == 0;
            sm_mem_fail_after(0);
            if (rc != SM_OK && rc != SM_NOMEM) T_FAIL("%s write n=%lld: rc %d %s", name, (long long)n, rc, sm_errmsg());
            if (rc != SM_OK && access(p, F_OK) == 0) T_FAIL("%s write n=%lld left a file", name, (long long)n);
            if (!fired) break;
        }
        CHECK(runs > 1);
        for (int64_t n = 1; n < 10000; n++) {
            sm_mem_fail_after(n);
            sm_fs_map m;
            int rc = sm_fs_map_range(p, 0, -1, &m);
            bool fired = sm_mem_fail_pending() == 0;
            sm_mem_fail_after(0);
            if (rc == SM_OK) {
                CHECK_INT(m.len, (int64_t)text.len + 4);
                sm_fs_unmap(&m);
            } else if (rc != SM_NOMEM) {
                T_FAIL("%s read n=%lld: rc %d %s", name, (long long)n, rc, sm_errmsg());
            }
            if (!fired) break;
        }
    }
    sm_buf_free(&text);
}
