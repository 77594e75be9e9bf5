/*
 * test_parquet.c — the Parquet reader and writer: Thrift compact protocol,
 * encodings, codecs, write → read round trips, the public API and SQL, and
 * the conformance files (../shared/conformance/parquet/ against the values
 * pyarrow reads, tests/conformance/parquet/expected/, see gen_expected.py).
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smelt.h"
#include "common/status.h"
#include "formats/parquet.h"
#include "formats/thrift.h"
#include "types/decimal.h"
#include "../conformance/parquet/pq_canon.h"
#include "test.h"

/* ---- helpers ------------------------------------------------------------------- */

static char t_dir[64];

static const char *tmpdir(void) {
    if (!t_dir[0]) {
        strcpy(t_dir, "/tmp/smelt-pq-XXXXXX");
        if (!mkdtemp(t_dir)) return "/tmp";
    }
    return t_dir;
}

__attribute__((destructor)) static void cleanup(void) {
    if (t_dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", t_dir);
    }
}

/* A test-local DELTA_BINARY_PACKED encoder (block 128, 4 miniblocks). */
static void dbp_encode(const int64_t *v, int n, sm_buf *out) {
    uint8_t tmp[16];
    int k;
#define UVAR(x)                                                             \
    do {                                                                    \
        uint64_t u_ = (x);                                                  \
        k = 0;                                                              \
        do {                                                                \
            uint8_t c_ = u_ & 0x7f;                                         \
            u_ >>= 7;                                                       \
            tmp[k++] = (uint8_t)(c_ | (u_ ? 0x80 : 0));                     \
        } while (u_);                                                       \
        sm_buf_append(out, tmp, (size_t)k);                                 \
    } while (0)
#define ZZ(x) UVAR(((uint64_t)(x) << 1) ^ (uint64_t)((int64_t)(x) >> 63))
    UVAR(128);
    UVAR(4);
    UVAR((uint64_t)n);
    ZZ(n ? v[0] : 0);
    for (int start = 1; start < n; start += 128) {
        int cnt = n - start < 128 ? n - start : 128;
        int64_t d[128], mn = INT64_MAX;
        for (int i = 0; i < cnt; i++) {
            d[i] = v[start + i] - v[start + i - 1];
            if (d[i] < mn) mn = d[i];
        }
        ZZ(mn);
        int widths[4] = {0};
        for (int m = 0; m < 4; m++)
            for (int i = m * 32; i < cnt && i < m * 32 + 32; i++)
                widths[m] = widths[m] > pq_bit_width((uint64_t)(d[i] - mn)) ? widths[m] : pq_bit_width((uint64_t)(d[i] - mn));
        for (int m = 0; m < 4; m++) sm_buf_putc(out, (char)widths[m]);
        for (int m = 0; m * 32 < cnt; m++) {
            uint8_t bytes[32 * 8 + 8] = {0};
            for (int i = 0; i < 32; i++) {
                uint64_t x = m * 32 + i < cnt ? (uint64_t)(d[m * 32 + i] - mn) : 0;
                for (int b = 0; b < widths[m]; b++)
                    if (x >> b & 1) {
                        int bit = i * widths[m] + b;
                        bytes[bit >> 3] |= (uint8_t)(1u << (bit & 7));
                    }
            }
            sm_buf_append(out, bytes, (size_t)(32 * widths[m] / 8));
        }
    }
#undef UVAR
#undef ZZ
}

/* ---- Thrift -------------------------------------------------------------------- */

TEST(thrift_page_header_roundtrip) {
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA_V2;
    h.uncompressed_page_size = 123456;
    h.compressed_page_size = 777;
    h.has_crc = true;
    h.crc = -5;
    h.has_data_v2 = true;
    h.data_v2 = (pq_data_page_header_v2){.num_values = 10, .num_nulls = 2, .num_rows = 10,
                                         .encoding = PQ_ENC_RLE_DICTIONARY, .def_len = 3, .rep_len = 0,
                                         .is_compressed = false};
    h.data_v2.has_stats = true;
    h.data_v2.stats.has_null_count = true;
    h.data_v2.stats.null_count = 2;
    h.data_v2.stats.min_value = (pq_bytes){(const uint8_t *)"abc", 3};
    sm_buf b = {0};
    CHECK_OK(pq_encode_page_header(&h, &b));
    pq_page_header d;
    size_t used = 0;
    CHECK_OK(pq_decode_page_header((const uint8_t *)b.data, b.len, &d, &used));
    CHECK_INT(used, b.len);
    CHECK_INT(d.type, PQ_PAGE_DATA_V2);
    CHECK_INT(d.uncompressed_page_size, 123456);
    CHECK_INT(d.compressed_page_size, 777);
    CHECK_INT(d.crc, -5);
    CHECK(d.has_data_v2 && !d.data_v2.is_compressed);
    CHECK_INT(d.data_v2.num_nulls, 2);
    CHECK_INT(d.data_v2.encoding, PQ_ENC_RLE_DICTIONARY);
    CHECK_INT(d.data_v2.def_len, 3);
    CHECK(d.data_v2.has_stats && d.data_v2.stats.null_count == 2 && d.data_v2.stats.min_value.len == 3 &&
          memcmp(d.data_v2.stats.min_value.bytes, "abc", 3) == 0);
    /* every truncation fails cleanly */
    for (size_t n = 0; n < b.len; n++) CHECK(pq_decode_page_header((const uint8_t *)b.data, n, &d, &used) != SM_OK);
    sm_buf_free(&b);
}

TEST(thrift_skips_unknown_fields) {
    /* PageHeader{1: 0, 99: struct{1: list<i64>[1,2,3], 2: map<binary,i32>{k: 1},
     * 3: double}, 2: 5, 3: 5} — field 99 is unknown and skipped */
    const uint8_t b[] = {
        0x15, 0x00,                         /* field 1 (delta 1), i32 0 */
        0x0c, 0xc6, 0x01,                   /* field 99 (long form: zigzag 198), struct */
        0x19, 0x36, 0x02, 0x04, 0x06,       /*   field 1: list of 3 i64 */
        0x1b, 0x01, 0x85, 0x01, 'k', 0x02,  /*   field 2: map<binary,i32> of 1 */
        0x17, 1, 2, 3, 4, 5, 6, 7, 8,       /*   field 3: double */
        0x00,                               /*   stop */
        0x05, 0x04, 0x0a,                   /* field 2 (long form after 99), i32 5 */
        0x15, 0x0a,                         /* field 3, i32 5 */
        0x00};
    pq_page_header h;
    size_t used;
    CHECK_OK(pq_decode_page_header(b, sizeof b, &h, &used));
    CHECK_INT(h.type, 0);
    CHECK_INT(h.uncompressed_page_size, 5);
    CHECK_INT(h.compressed_page_size, 5);
    CHECK_INT(used, sizeof b);
}

TEST(thrift_rejects_hostile_input) {
    pq_page_header h;
    size_t used;
    /* a list claiming 2^31 elements */
    const uint8_t big_list[] = {0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00};
    CHECK_INT(pq_decode_page_header(big_list, sizeof big_list, &h, &used), SM_MALFORMED);
    /* deeply nested structs */
    uint8_t deep[200];
    deep[0] = 0xfc; /* field 15 (unknown): a struct, skipped recursively */
    for (int i = 1; i < 200; i++) deep[i] = 0x1c; /* field +1, struct */
    CHECK_INT(pq_decode_page_header(deep, sizeof deep, &h, &used), SM_MALFORMED);
    CHECK(strstr(sm_errmsg(), "nested too deeply") != NULL);
    /* required fields missing */
    const uint8_t empty[] = {0x00};
    CHECK_INT(pq_decode_page_header(empty, 1, &h, &used), SM_MALFORMED);
    CHECK(strstr(sm_errmsg(), "PageHeader.type is missing") != NULL);
    /* file metadata: garbage */
    sm_arena *a = sm_arena_new();
    pq_file_meta m;
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    CHECK_INT(pq_decode_file_meta(junk, sizeof junk, a, &m), SM_MALFORMED);
    sm_arena_free(a);
}

TEST(thrift_file_meta_roundtrip) {
    pq_schema_elem sch[3] = {
        {.type = -1, .repetition = -1, .name = "root", .num_children = 2, .converted = -1},
        {.type = PQ_INT64, .repetition = PQ_OPTIONAL, .name = "ts", .converted = PQ_CT_TIMESTAMP_MICROS,
         .logical = {.kind = PQ_LT_TIMESTAMP, .utc = true, .unit = PQ_UNIT_MICROS}},
        {.type = PQ_FIXED_LEN_BYTE_ARRAY, .type_length = 9, .repetition = PQ_REQUIRED, .name = "d",
         .converted = PQ_CT_DECIMAL, .scale = 2, .precision = 20, .has_scale = true, .has_precision = true,
         .logical = {.kind = PQ_LT_DECIMAL, .scale = 2, .precision = 20}},
    };
    char *path[] = {"ts"};
    int enc[] = {PQ_ENC_PLAIN, PQ_ENC_RLE};
    pq_column_chunk cols[2];
    memset(cols, 0, sizeof cols);
    for (int i = 0; i < 2; i++) {
        cols[i].has_meta = true;
        cols[i].meta = (pq_column_meta){.type = PQ_INT64, .encodings = enc, .nencodings = 2, .path = path,
                                        .npath = 1, .codec = PQ_CODEC_ZSTD, .num_values = 3,
                                        .total_compressed_size = 100, .data_page_offset = 4 + i};
    }
    pq_row_group rg = {.columns = cols, .ncolumns = 2, .num_rows = 3, .total_byte_size = 10};
    pq_kv kv = {"k", "v"};
    pq_file_meta m = {.version = 1, .schema = sch, .nschema = 3, .num_rows = 3, .row_groups = &rg,
                      .nrow_groups = 1, .kv = &kv, .nkv = 1, .created_by = "me"};
    sm_buf b = {0};
    CHECK_OK(pq_encode_file_meta(&m, &b));
    sm_arena *a = sm_arena_new();
    pq_file_meta d;
    CHECK_OK(pq_decode_file_meta((const uint8_t *)b.data, b.len, a, &d));
    CHECK_INT(d.nschema, 3);
    CHECK_STR(d.schema[1].name, "ts");
    CHECK_INT(d.schema[1].logical.kind, PQ_LT_TIMESTAMP);
    CHECK(d.schema[1].logical.utc);
    CHECK_INT(d.schema[1].logical.unit, PQ_UNIT_MICROS);
    CHECK_INT(d.schema[2].type_length, 9);
    CHECK_INT(d.schema[2].logical.precision, 20);
    CHECK_INT(d.schema[2].logical.scale, 2);
    CHECK_INT(d.schema[2].repetition, PQ_REQUIRED);
    CHECK_INT(d.nrow_groups, 1);
    CHECK_INT(d.row_groups[0].columns[1].meta.data_page_offset, 5);
    CHECK_INT(d.row_groups[0].columns[0].meta.codec, PQ_CODEC_ZSTD);
    CHECK_STR(d.kv[0].value, "v");
    CHECK_STR(d.created_by, "me");
    sm_arena_free(a);
    sm_buf_free(&b);
}

/* ---- encodings ------------------------------------------------------------------ */

TEST(rle_spec_example) {
    /* Encodings.md: values 0..7 bit-packed with width 3 → 0x03 0x88 0xC6 0xFA */
    const uint8_t bp[] = {0x03, 0x88, 0xc6, 0xfa};
    pq_rle_dec d;
    pq_rle_init(&d, bp, sizeof bp, 3);
    uint32_t out[8];
    CHECK_OK(pq_rle_get(&d, out, 8));
    for (int i = 0; i < 8; i++) CHECK_INT(out[i], i);
    CHECK_INT(pq_rle_get(&d, out, 1), SM_MALFORMED);
    /* an RLE run of 300 fives, width 3 */
    const uint8_t rle[] = {0xd8, 0x04, 0x05};
    pq_rle_init(&d, rle, sizeof rle, 3);
    uint32_t many[300];
    CHECK_OK(pq_rle_get(&d, many, 300));
    CHECK_INT(many[0], 5);
    CHECK_INT(many[299], 5);
}

TEST(rle_encode_decode) {
    static uint32_t v[5000], back[5000];
    for (int bw = 0; bw <= 20; bw += 1) {
        uint32_t mask = bw ? (bw == 32 ? ~0u : (1u << bw) - 1) : 0;
        for (int i = 0; i < 5000; i++) v[i] = (i / 37 % 3 == 0 ? 7u : (uint32_t)(i * 2654435761u)) & mask;
        sm_buf b = {0};
        CHECK_OK(pq_rle_encode(v, 5000, bw, &b));
        pq_rle_dec d;
        pq_rle_init(&d, (const uint8_t *)b.data, b.len, bw);
        for (int at = 0; at < 5000; at += 1000) CHECK_OK(pq_rle_get(&d, back + at, 1000));
        CHECK(memcmp(v, back, sizeof v) == 0);
        sm_buf_free(&b);
    }
}

TEST(delta_binary_packed_spec_examples) {
    /* 1 2 3 4 5: every delta 1 → min delta 1, widths 0 */
    const uint8_t a[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
    pq_dbp_dec d;
    int64_t out[8];
    CHECK_OK(pq_dbp_init(&d, a, sizeof a));
    CHECK_OK(pq_dbp_get(&d, out, 5));
    for (int i = 0; i < 5; i++) CHECK_INT(out[i], i + 1);
    CHECK_INT(pq_dbp_get(&d, out, 1), SM_MALFORMED);
    /* 7 5 3 1 2 3 4 5: min delta -2, relative 0 0 0 3 3 3 3, width 2 */
    uint8_t b[64] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 2, 0, 0, 0, 0xc0, 0x3f};
    CHECK_OK(pq_dbp_init(&d, b, 12 + 6));
    CHECK_OK(pq_dbp_get(&d, out, 8));
    const int64_t want[] = {7, 5, 3, 1, 2, 3, 4, 5};
    for (int i = 0; i < 8; i++) CHECK_INT(out[i], want[i]);
    const uint8_t *end;
    CHECK_OK(pq_dbp_init(&d, b, 12 + 6));
    CHECK_OK(pq_dbp_end(&d, &end));
    CHECK_INT(end - b, 10 + 8);
}

TEST(delta_binary_packed_roundtrip) {
    static int64_t v[1000], back[1000];
    for (int i = 0; i < 1000; i++) v[i] = (i % 10 == 0) ? INT64_MIN / 3 + i : (int64_t)i * i - 5000;
    sm_buf b = {0};
    dbp_encode(v, 1000, &b);
    pq_vdec vd = {0};
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_DELTA_BINARY_PACKED, PQ_INT64, 0, (const uint8_t *)b.data, b.len));
    CHECK_OK(pq_vdec_get(&vd, back, 333));
    CHECK_OK(pq_vdec_get(&vd, back + 333, 667));
    CHECK(memcmp(v, back, sizeof v) == 0);
    CHECK_INT(pq_vdec_get(&vd, back, 1), SM_MALFORMED);
    pq_vdec_free(&vd);
    sm_buf_free(&b);
}

TEST(delta_byte_arrays) {
    /* DELTA_LENGTH_BYTE_ARRAY of "Hello" "World" "Foobar" "ABCDEF" */
    const char *words[] = {"Hello", "World", "Foobar", "ABCDEF"};
    int64_t lens[4];
    sm_buf b = {0};
    for (int i = 0; i < 4; i++) lens[i] = (int64_t)strlen(words[i]);
    dbp_encode(lens, 4, &b);
    for (int i = 0; i < 4; i++) sm_buf_append(&b, words[i], strlen(words[i]));
    pq_vdec vd = {0};
    pq_bin out[4];
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_BYTE_ARRAY, 0, (const uint8_t *)b.data, b.len));
    CHECK_OK(pq_vdec_get(&vd, out, 4));
    for (int i = 0; i < 4; i++)
        CHECK(out[i].len == (int32_t)strlen(words[i]) && memcmp(out[i].ptr, words[i], (size_t)out[i].len) == 0);
    /* DELTA_BYTE_ARRAY of axis axle babble babyhood */
    const char *w2[] = {"axis", "axle", "babble", "babyhood"};
    int64_t pre[] = {0, 2, 0, 3}, suf[] = {4, 2, 6, 5};
    const char *sufs = "axislebabbleyhood";
    b.len = 0;
    dbp_encode(pre, 4, &b);
    dbp_encode(suf, 4, &b);
    sm_buf_append(&b, sufs, strlen(sufs));
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_DELTA_BYTE_ARRAY, PQ_BYTE_ARRAY, 0, (const uint8_t *)b.data, b.len));
    CHECK_OK(pq_vdec_get(&vd, out, 2));
    CHECK_OK(pq_vdec_get(&vd, out + 2, 2));
    for (int i = 2; i < 4; i++)
        CHECK(out[i].len == (int32_t)strlen(w2[i]) && memcmp(out[i].ptr, w2[i], (size_t)out[i].len) == 0);
    /* a prefix longer than the previous value is an error */
    int64_t badpre[] = {0, 9, 0, 0};
    b.len = 0;
    dbp_encode(badpre, 4, &b);
    dbp_encode(suf, 4, &b);
    sm_buf_append(&b, sufs, strlen(sufs));
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_DELTA_BYTE_ARRAY, PQ_BYTE_ARRAY, 0, (const uint8_t *)b.data, b.len));
    CHECK_INT(pq_vdec_get(&vd, out, 4), SM_MALFORMED);
    pq_vdec_free(&vd);
    sm_buf_free(&b);
}

TEST(byte_stream_split_and_plain) {
    float f[3] = {1.5f, -2.25f, 1e30f}, back[3];
    uint8_t split[12];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++) split[k * 3 + i] = ((uint8_t *)&f[i])[k];
    pq_vdec vd = {0};
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_BYTE_STREAM_SPLIT, PQ_FLOAT, 0, split, 12));
    CHECK_OK(pq_vdec_get(&vd, back, 3));
    CHECK(memcmp(f, back, sizeof f) == 0);
    CHECK_INT(pq_vdec_init(&vd, PQ_ENC_BYTE_STREAM_SPLIT, PQ_FLOAT, 0, split, 11), SM_MALFORMED);
    /* PLAIN booleans are bit-packed LSB first */
    const uint8_t bits[] = {0x05, 0x01};
    uint8_t bools[9];
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_PLAIN, PQ_BOOLEAN, 0, bits, 2));
    CHECK_OK(pq_vdec_get(&vd, bools, 3));
    CHECK_OK(pq_vdec_get(&vd, bools + 3, 6));
    CHECK(bools[0] == 1 && bools[1] == 0 && bools[2] == 1 && bools[3] == 0 && bools[8] == 1);
    CHECK_INT(pq_vdec_get(&vd, bools, 8), SM_MALFORMED);
    /* PLAIN byte arrays: a length past the end */
    const uint8_t ba[] = {3, 0, 0, 0, 'a', 'b', 'c', 200, 0, 0, 0, 'x'};
    pq_bin bin[2];
    CHECK_OK(pq_vdec_init(&vd, PQ_ENC_PLAIN, PQ_BYTE_ARRAY, 0, ba, sizeof ba));
    CHECK_OK(pq_vdec_get(&vd, bin, 1));
    CHECK(bin[0].len == 3 && memcmp(bin[0].ptr, "abc", 3) == 0);
    CHECK_INT(pq_vdec_get(&vd, bin, 1), SM_MALFORMED);
    /* an encoding that does not suit the type */
    CHECK_INT(pq_vdec_init(&vd, PQ_ENC_DELTA_BINARY_PACKED, PQ_DOUBLE, 0, ba, sizeof ba), SM_UNSUPPORTED);
    pq_vdec_free(&vd);
}

TEST(codecs_roundtrip_and_corruption) {
    static uint8_t src[100000], back[100000];
    for (int i = 0; i < 100000; i++) src[i] = (uint8_t)((i * 7) % 13 + (i / 1000));
    int codecs[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_ZSTD, PQ_CODEC_LZ4_RAW,
                    PQ_CODEC_LZ4, PQ_CODEC_BROTLI};
    for (size_t c = 0; c < sizeof codecs / sizeof *codecs; c++) {
        sm_buf b = {0};
        CHECK_OK(pq_compress(codecs[c], 0, src, sizeof src, &b));
        CHECK_OK(pq_decompress(codecs[c], (const uint8_t *)b.data, b.len, back, sizeof back));
        CHECK(memcmp(src, back, sizeof src) == 0);
        /* the wrong size, and flipped bytes, fail without crashing */
        CHECK(pq_decompress(codecs[c], (const uint8_t *)b.data, b.len, back, sizeof back - 1) != SM_OK);
        for (size_t i = 0; i < b.len; i += b.len / 7 + 1) b.data[i] ^= 0x5a;
        (void)pq_decompress(codecs[c], (const uint8_t *)b.data, b.len, back, sizeof back);
        sm_buf_free(&b);
    }
    CHECK_INT(pq_decompress(PQ_CODEC_LZO, src, 10, back, 10), SM_UNSUPPORTED);
}

/* ---- write → read -------------------------------------------------------------- */

static sm_schema *all_types_schema(void) {
    sm_schema *s = NULL;
    sm_schema_parse_ddl("b BOOLEAN, i INT, l BIGINT, d DOUBLE, s STRING, dt DATE, ts TIMESTAMP, "
                        "d1 DECIMAL(5,2), d2 DECIMAL(15,3), d3 DECIMAL(38,10)",
                        &s);
    return s;
}

/* Row r of the test data (null every 7th row in every column but b). */
static sm_batch *all_types_batch(const sm_schema *sc, int64_t first, int64_t n, int distinct) {
    sm_batch *b = sm_batch_new(sc->ncols, n);
    for (int c = 0; c < sc->ncols; c++) {
        sm_vector *v = sm_vector_new(sc->fields[c].type, n);
        v->precision = sc->fields[c].precision;
        v->scale = sc->fields[c].scale;
        for (int64_t k = 0; k < n; k++) {
            int64_t r = first + k, x = r % distinct;
            if (c > 0 && r % 7 == 3) {
                sm_vector_append_null(v);
                continue;
            }
            switch (c) {
            case 0: sm_vector_append_bool(v, r % 3 == 0); break;
            case 1: sm_vector_append_i32(v, (int32_t)(x * 37 - 1000)); break;
            case 2: sm_vector_append_i64(v, x * 1000000007LL - (1LL << 40)); break;
            case 3: sm_vector_append_f64(v, x == 5 ? -0.0 : (double)x / 3.0 - 7); break;
            case 4: {
                char buf[64];
                int len = snprintf(buf, sizeof buf, "str-%lld-%s", (long long)x, x % 2 ? "é" : "");
                sm_vector_append_str(v, buf, len);
                break;
            }
            case 5: sm_vector_append_i32(v, (int32_t)(x - 800000)); break;
            case 6: sm_vector_append_i64(v, x * 86400000123LL - 62135596800000000LL); break;
            default: {
                __int128 u = (__int128)(x * 12345 - 99999) * (c == 9 ? (__int128)1000000000000000000LL : 1);
                if (c == 7) u = x % 99999 - 50000;
                SM_VEC_DEC(v)[v->length++] = u;
                break;
            }
            }
        }
        b->cols[c] = v;
    }
    return b;
}

static int write_file(const char *path, const sm_schema *sc, const char *const *opts, int64_t rows,
                      int distinct) {
    parquet_write_opts o;
    SM_TRY(parquet_write_opts_parse(opts, &o));
    parquet_writer *w;
    SM_TRY(parquet_writer_open(path, sc, &o, NULL, &w));
    for (int64_t at = 0; at < rows; at += 3000) {
        int64_t n = rows - at < 3000 ? rows - at : 3000;
        sm_batch *b = all_types_batch(sc, at, n, distinct);
        int rc = parquet_writer_write_batch(w, b);
        sm_batch_free(b);
        if (rc) {
            parquet_writer_abort(w);
            return rc;
        }
    }
    return parquet_writer_close(w);
}

/* Reads the file back and compares every row with the generator. */
static void check_file(const char *path, const sm_schema *sc, int64_t rows, int distinct, int *nsplits) {
    sm_source *src = NULL;
    CHECK_OK(parquet_source_create(&path, 1, NULL, NULL, NULL, NULL, &src));
    if (!src) return;
    CHECK_INT(src->schema->ncols, sc->ncols);
    for (int c = 0; c < sc->ncols && c < src->schema->ncols; c++) {
        CHECK_STR(src->schema->fields[c].name, sc->fields[c].name);
        CHECK_INT(src->schema->fields[c].type, sc->fields[c].type);
        CHECK_INT(src->schema->fields[c].precision, sc->fields[c].precision);
    }
    *nsplits = src->nsplits;
    int64_t row = 0;
    bool same = true;
    for (int s = 0; s < src->nsplits; s++) {
        sm_reader *r;
        CHECK_OK(src->open(src, s, &r));
        for (;;) {
            sm_batch *b;
            CHECK_OK(r->next(r, &b));
            if (!b) break;
            sm_batch *want = all_types_batch(sc, row, b->nrows, distinct);
            for (int c = 0; c < sc->ncols; c++)
                for (int64_t i = 0; i < b->nrows; i++) {
                    sm_buf x = {0}, y = {0};
                    pqc_cell(&x, b->cols[c], i);
                    pqc_cell(&y, want->cols[c], i);
                    if (x.len != y.len || memcmp(x.data, y.data, x.len) != 0) {
                        if (same) T_FAIL("row %lld col %d: %.*s != %.*s", (long long)(row + i), c, (int)x.len, x.data,
                                         (int)y.len, y.data);
                        same = false;
                    }
                    sm_buf_free(&x);
                    sm_buf_free(&y);
                }
            row += b->nrows;
            sm_batch_free(want);
            sm_batch_free(b);
        }
        r->close(r);
    }
    CHECK_INT(row, rows);
    src->free(src);
}

TEST(write_read_all_types_every_codec) {
    sm_schema *sc = all_types_schema();
    const char *codecs[] = {"snappy", "none", "gzip", "zstd", "lz4_raw", "lz4", "brotli"};
    for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/all-%s.parquet", tmpdir(), codecs[i]);
        const char *opts[] = {"compression", codecs[i], NULL};
        CHECK_OK(write_file(path, sc, opts, 10000, 50));
        int ns = 0;
        check_file(path, sc, 10000, 50, &ns);
        CHECK_INT(ns, 1);
    }
    sm_schema_free(sc);
}

TEST(write_read_pages_row_groups_and_dictionary_fallback) {
    sm_schema *sc = all_types_schema();
    char path[128];
    snprintf(path, sizeof path, "%s/multi.parquet", tmpdir());
    /* small pages and row groups, and a dictionary that overflows (many
     * distinct values) so later pages fall back to PLAIN */
    const char *opts[] = {"parquet.block.size", "200000", "parquet.page.size", "4096",
                          "parquet.dictionary.page.size", "20000", NULL};
    CHECK_OK(write_file(path, sc, opts, 30000, 1 << 30));
    int ns = 0;
    check_file(path, sc, 30000, 1 << 30, &ns);
    CHECK(ns > 3);
    /* without dictionaries */
    snprintf(path, sizeof path, "%s/plain.parquet", tmpdir());
    const char *o2[] = {"parquet.enable.dictionary", "false", NULL};
    CHECK_OK(write_file(path, sc, o2, 5000, 100));
    check_file(path, sc, 5000, 100, &ns);
    sm_schema_free(sc);
}

TEST(write_statistics_and_spark_metadata) {
    sm_schema *sc = all_types_schema();
    char path[128];
    snprintf(path, sizeof path, "%s/stats.parquet", tmpdir());
    CHECK_OK(write_file(path, sc, NULL, 100, 50));
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    uint8_t *buf = malloc((size_t)n);
    fseek(f, 0, SEEK_SET);
    CHECK_INT(fread(buf, 1, (size_t)n, f), n);
    fclose(f);
    CHECK(memcmp(buf, "PAR1", 4) == 0 && memcmp(buf + n - 4, "PAR1", 4) == 0);
    uint32_t flen;
    memcpy(&flen, buf + n - 8, 4);
    sm_arena *a = sm_arena_new();
    pq_file_meta m;
    CHECK_OK(pq_decode_file_meta(buf + n - 8 - flen, flen, a, &m));
    CHECK_INT(m.num_rows, 100);
    CHECK_STR(m.schema[0].name, "spark_schema");
    CHECK_INT(m.schema[7].logical.kind, PQ_LT_TIMESTAMP);
    CHECK(m.schema[7].logical.utc);
    CHECK_INT(m.schema[8].type, PQ_INT32);  /* decimal(5,2) */
    CHECK_INT(m.schema[9].type, PQ_INT64);  /* decimal(15,3) */
    CHECK_INT(m.schema[10].type, PQ_FIXED_LEN_BYTE_ARRAY);
    CHECK_INT(m.schema[10].type_length, 16); /* Spark's minBytesForPrecision(38) */
    const pq_column_meta *cm = &m.row_groups[0].columns[1].meta; /* i INT */
    CHECK(cm->has_stats && cm->stats.has_null_count);
    CHECK_INT(cm->stats.null_count, 14); /* rows 3, 10, ..., 94 */
    int32_t lo, hi;
    memcpy(&lo, cm->stats.min_value.bytes, 4);
    memcpy(&hi, cm->stats.max_value.bytes, 4);
    CHECK_INT(lo, -1000);
    CHECK_INT(hi, 49 * 37 - 1000);
    const pq_column_meta *sm = &m.row_groups[0].columns[4].meta; /* s STRING: unsigned order */
    CHECK(sm->stats.min_value.len > 0 && memcmp(sm->stats.min_value.bytes, "str-0", 5) == 0);
    bool found = false;
    for (int i = 0; i < m.nkv; i++)
        if (strcmp(m.kv[i].key, "org.apache.spark.sql.parquet.row.metadata") == 0) {
            found = true;
            CHECK(strstr(m.kv[i].value, "{\"name\":\"d3\",\"type\":\"decimal(38,10)\",\"nullable\":true") != NULL);
            CHECK(strstr(m.kv[i].value, "\"type\":\"timestamp\"") != NULL);
        }
    CHECK(found);
    sm_arena_free(a);
    free(buf);
    sm_schema_free(sc);
}

TEST(read_projection_and_missing_columns) {
    sm_schema *sc = all_types_schema();
    char path[128];
    snprintf(path, sizeof path, "%s/proj.parquet", tmpdir());
    CHECK_OK(write_file(path, sc, NULL, 50, 50));
    sm_source *src;
    const char *p = path;
    CHECK_OK(parquet_source_create(&p, 1, NULL, NULL, NULL, NULL, &src));
    int cols[] = {4, 1};
    CHECK_OK(parquet_source_project(src, 2, cols));
    CHECK_INT(src->schema->ncols, 2);
    CHECK_STR(src->schema->fields[0].name, "s");
    int64_t before = parquet_source_bytes_read(src);
    sm_reader *r;
    CHECK_OK(src->open(src, 0, &r));
    sm_batch *b;
    CHECK_OK(r->next(r, &b));
    CHECK(b && b->ncols == 2 && b->nrows == 50);
    int32_t n;
    const char *s = sm_vector_str(b->cols[0], 2, &n);
    CHECK(n == 6 && memcmp(s, "str-2-", 6) == 0);
    CHECK_INT(SM_VEC_I32(b->cols[1])[2], 2 * 37 - 1000);
    sm_batch_free(b);
    r->close(r);
    CHECK(parquet_source_bytes_read(src) > before);
    int dup[] = {0, 0};
    CHECK_INT(parquet_source_project(src, 2, dup), SM_INVALID);
    src->free(src);
    /* a user schema: a missing column reads as nulls, int widens to bigint */
    CHECK_OK(parquet_source_create(&p, 1, NULL, "I BIGINT, nothere STRING", NULL, NULL, &src));
    CHECK_OK(src->open(src, 0, &r));
    CHECK_OK(r->next(r, &b));
    CHECK(b && b->cols[0]->type == SM_BIGINT && SM_VEC_I64(b->cols[0])[1] == 37 - 1000);
    CHECK(sm_vector_is_null(b->cols[1], 0) && sm_vector_is_null(b->cols[0], 3));
    sm_batch_free(b);
    r->close(r);
    src->free(src);
    /* an incompatible user type */
    CHECK_OK(parquet_source_create(&p, 1, NULL, "s INT", NULL, NULL, &src));
    CHECK_INT(src->open(src, 0, &r), SM_ANALYSIS);
    CHECK(strstr(sm_errmsg(), "Column: [s], Expected: int, Found: string") != NULL);
    src->free(src);
    /* the columns option */
    const char *opts[] = {"columns", "dt, b", NULL};
    CHECK_OK(parquet_source_create(&p, 1, opts, NULL, NULL, NULL, &src));
    CHECK_INT(src->schema->ncols, 2);
    CHECK_STR(src->schema->fields[0].name, "dt");
    src->free(src);
    sm_schema_free(sc);
}

TEST(read_errors_name_the_file) {
    char path[128];
    snprintf(path, sizeof path, "%s/notparquet.parquet", tmpdir());
    FILE *f = fopen(path, "w");
    fputs("a,b\n1,2\n", f);
    fclose(f);
    sm_source *src;
    const char *p = path;
    CHECK_INT(parquet_source_create(&p, 1, NULL, NULL, NULL, NULL, &src), SM_MALFORMED);
    CHECK(strstr(sm_errmsg(), "notparquet.parquet: not a Parquet file") != NULL);
    /* truncate a real file's pages: the error names column and row group */
    sm_schema *sc = all_types_schema();
    snprintf(path, sizeof path, "%s/corrupt.parquet", tmpdir());
    const char *o[] = {"compression", "none", NULL};
    CHECK_OK(write_file(path, sc, o, 1000, 1000));
    f = fopen(path, "r+b");
    fseek(f, 4, SEEK_SET); /* the first page header */
    for (int i = 0; i < 40; i++) fputc(0xff, f);
    fclose(f);
    int rc = parquet_source_create(&p, 1, NULL, NULL, NULL, NULL, &src);
    if (rc == SM_OK) {
        bool failed = false;
        for (int s = 0; s < src->nsplits; s++) {
            sm_reader *r;
            if (src->open(src, s, &r)) { failed = true; continue; }
            sm_batch *b;
            while ((rc = r->next(r, &b)) == SM_OK && b) sm_batch_free(b);
            if (rc) {
                failed = true;
                CHECK(strstr(sm_errmsg(), "corrupt.parquet, column `") != NULL);
            }
            r->close(r);
        }
        CHECK(failed);
        src->free(src);
    }
    sm_schema_free(sc);
}

TEST(writer_refuses_void_and_existing_files) {
    sm_schema *sc = NULL;
    CHECK_OK(sm_schema_parse_ddl("a INT", &sc));
    sc->fields[0].type = SM_NULLTYPE;
    parquet_write_opts o;
    CHECK_OK(parquet_write_opts_parse(NULL, &o));
    CHECK_INT(o.codec, PQ_CODEC_SNAPPY);
    CHECK_STR(parquet_write_extension(&o), ".snappy.parquet");
    parquet_writer *w;
    char path[128];
    snprintf(path, sizeof path, "%s/void.parquet", tmpdir());
    CHECK_INT(parquet_writer_open(path, sc, &o, NULL, &w), SM_UNSUPPORTED);
    CHECK(strstr(sm_errmsg(), "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE") != NULL);
    sc->fields[0].type = SM_INT;
    CHECK_OK(parquet_writer_open(path, sc, &o, NULL, &w));
    CHECK_OK(parquet_writer_close(w));
    CHECK_INT(parquet_writer_open(path, sc, &o, NULL, &w), SM_EXISTS);
    const char *bad[] = {"compression", "lzo", NULL};
    CHECK_INT(parquet_write_opts_parse(bad, &o), SM_INVALID);
    /* an empty file (no row groups) reads as zero rows */
    sm_source *src;
    const char *p = path;
    CHECK_OK(parquet_source_create(&p, 1, NULL, NULL, NULL, NULL, &src));
    CHECK_INT(src->nsplits, 0);
    CHECK_INT(src->schema->ncols, 1);
    src->free(src);
    sm_schema_free(sc);
}

/* ---- the public API and SQL ----------------------------------------------------- */

static char *sql_rows(sm_session *s, const char *sql) {
    static char out[4096];
    sm_dataframe *df = sm_sql(s, sql);
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(out, sizeof out, "ERROR %s", sm_errmsg());
        return out;
    }
    out[0] = 0;
    for (int64_t i = 0; i < sm_result_num_rows(r); i++) {
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_string(r, i, c);
            strncat(out, c ? "|" : "", sizeof out - strlen(out) - 1);
            strncat(out, v ? v : "NULL", sizeof out - strlen(out) - 1);
        }
        strncat(out, "\n", sizeof out - strlen(out) - 1);
    }
    sm_result_free(r);
    return out;
}

TEST(api_and_sql) {
    char wh[160], out[160], q[400];
    snprintf(wh, sizeof wh, "%s/wh", tmpdir());
    snprintf(out, sizeof out, "%s/api-out", tmpdir());
    const char *conf[] = {"spark.sql.warehouse.dir", wh, "smelt.threads", "2", NULL};
    sm_session *s = sm_session_new(conf);
    CHECK(s != NULL);
    if (!s) return;
    sm_dataframe *df = sm_sql(s, "SELECT id, CAST(id AS STRING) AS s, CAST(id AS DECIMAL(12,2)) AS d, "
                                 "DATE'2024-01-01' + CAST(id AS INT) AS dt FROM range(0, 5)");
    CHECK(df != NULL);
    CHECK_OK(sm_df_write_parquet(df, out, NULL, NULL));
    CHECK_INT(sm_df_write_parquet(df, out, NULL, NULL), SM_EXISTS);
    const char *opts[] = {"compression", "zstd", NULL};
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", opts));
    sm_dataframe *back = sm_read_parquet(s, out, NULL, NULL);
    CHECK(back != NULL);
    int64_t n = 0;
    CHECK_OK(sm_df_count(back, &n));
    CHECK_INT(n, 5);
    snprintf(q, sizeof q, "SELECT s, d, dt FROM parquet.`%s` WHERE id = 3", out);
    CHECK_STR(sql_rows(s, q), "3|3.00|2024-01-04\n");
    /* USING parquet tables: CTAS, INSERT, SELECT */
    CHECK_STR(sql_rows(s, "CREATE TABLE pt USING parquet AS SELECT 1 AS a, 'x' AS b"), "");
    CHECK_STR(sql_rows(s, "INSERT INTO pt VALUES (2, 'y')"), "");
    CHECK_STR(sql_rows(s, "SELECT * FROM pt ORDER BY a"), "1|x\n2|y\n");
    CHECK_STR(sql_rows(s, "CREATE TABLE pe (a INT, b DATE) USING parquet"), "");
    CHECK_STR(sql_rows(s, "INSERT INTO pe VALUES (7, DATE'2020-02-29')"), "");
    CHECK_STR(sql_rows(s, "SELECT a, b FROM pe"), "7|2020-02-29\n");
    /* a nested file reads into struct / array / map columns */
    if (access("../shared/conformance/parquet/struct.parquet", R_OK) == 0) {
        CHECK_STR(sql_rows(s, "SELECT `inner`.str_field, `inner`.f64_field, `inner` FROM "
                              "parquet.`../shared/conformance/parquet/struct.parquet`"),
                  "hello|NULL|{hello, null}\nNULL|1.23|{null, 1.23}\n");
        CHECK_STR(sql_rows(s, "SELECT id, size(int_array), int_array[1], int_map['k1'] FROM "
                              "parquet.`../shared/conformance/parquet/arrow/nullable.impala.parquet` ORDER BY id"),
                  "1|3|2|1\n2|6|1|2\n3|0|NULL|NULL\n4|-1|NULL|NULL\n5|-1|NULL|NULL\n6|-1|NULL|NULL\n"
                  "7|-1|NULL|NULL\n");
    }
    sm_session_free(s);
}

/* ---- conformance ---------------------------------------------------------------- */

#define CONF_EXPECTED "tests/conformance/parquet/expected"
#define CONF_DATA "../shared/conformance/parquet"

static int conf_ok, conf_bad, conf_files;

static void conf_walk(const char *rel) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", CONF_EXPECTED, rel);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char **names = NULL;
    int n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (size_t)(n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        char sub[1024], full[2048];
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        snprintf(full, sizeof full, "%s/%s", CONF_EXPECTED, sub);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            conf_walk(sub);
            free(names[i]);
            continue;
        }
        size_t L = strlen(sub);
        if (L < 5 || strcmp(sub + L - 4, ".txt") != 0) {
            free(names[i]);
            continue;
        }
        /* expected text without the comment lines */
        FILE *f = fopen(full, "rb");
        sm_buf want = {0};
        char line[65536];
        while (f && fgets(line, sizeof line, f))
            if (line[0] != '#') sm_buf_append(&want, line, strlen(line));
        if (f) fclose(f);
        char data[2048];
        snprintf(data, sizeof data, "%s/%.*s", CONF_DATA, (int)(L - 4), sub);
        sm_buf got = {0};
        int rc = pqc_dump(data, &got);
        conf_files++;
        const char *status = want.data ? want.data : "";
        if (strncmp(status, "status: ok", 10) == 0) {
            if (rc == SM_OK && got.len == want.len && memcmp(got.data, want.data, got.len) == 0) {
                conf_ok++;
            } else {
                conf_bad++;
                T_FAIL("%s: %s", data, rc ? sm_errmsg() : "values differ from pyarrow's");
            }
        } else {
            bool refused = strncmp(status, "status: refused", 15) == 0;
            if (rc == SM_OK || (refused && rc != SM_UNSUPPORTED) || !strstr(sm_errmsg(), "reading ")) {
                conf_bad++;
                T_FAIL("%s: expected a clean %s, got rc %d: %s", data, refused ? "refusal" : "error", rc,
                       sm_errmsg());
            } else {
                conf_ok++;
            }
        }
        sm_buf_free(&want);
        sm_buf_free(&got);
        free(names[i]);
    }
    free(names);
}

TEST(conformance_files) {
    if (access(CONF_DATA, R_OK) != 0) {
        printf("  (skipped: %s not present)\n", CONF_DATA);
        return;
    }
    conf_walk("");
    printf("  conformance: %d files, %d as expected, %d not\n", conf_files, conf_ok, conf_bad);
    CHECK(conf_files > 300);
}

/* The writer's dictionary gives up early on a column whose values are nearly
 * all distinct (PQW_DICT_PROBE): its data pages turn PLAIN long before the
 * dictionary reaches parquet.dictionary.page.size, while a column of few
 * distinct values stays dictionary-encoded; both read back the same. */
static bool chunk_has_encoding(const char *path, int col, int enc) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    uint8_t *buf = malloc((size_t)n);
    fseek(f, 0, SEEK_SET);
    bool ok = buf && fread(buf, 1, (size_t)n, f) == (size_t)n, found = false;
    fclose(f);
    uint32_t flen = 0;
    if (ok) memcpy(&flen, buf + n - 8, 4);
    sm_arena *a = sm_arena_new();
    pq_file_meta m;
    if (ok && pq_decode_file_meta(buf + n - 8 - flen, flen, a, &m) == SM_OK) {
        const pq_column_meta *cm = &m.row_groups[0].columns[col].meta;
        for (int i = 0; i < cm->nencodings; i++) found |= cm->encodings[i] == enc;
    }
    sm_arena_free(a);
    free(buf);
    return found;
}

TEST(write_dictionary_early_fallback_for_distinct_values) {
    sm_schema *sc = all_types_schema();
    char path[128];
    int ns;
    snprintf(path, sizeof path, "%s/distinct.parquet", tmpdir());
    CHECK_OK(write_file(path, sc, NULL, 40000, 1 << 30)); /* 160 KB of ints: under 1 MiB */
    check_file(path, sc, 40000, 1 << 30, &ns);
    CHECK(chunk_has_encoding(path, 1, PQ_ENC_PLAIN));            /* i INT: fell back */
    /* the check at 16384 values came before the first 1 MiB page was cut */
    CHECK(!chunk_has_encoding(path, 1, PQ_ENC_PLAIN_DICTIONARY));
    snprintf(path, sizeof path, "%s/few.parquet", tmpdir());
    CHECK_OK(write_file(path, sc, NULL, 40000, 50));
    check_file(path, sc, 40000, 50, &ns);
    CHECK(!chunk_has_encoding(path, 1, PQ_ENC_PLAIN));
    CHECK(chunk_has_encoding(path, 1, PQ_ENC_PLAIN_DICTIONARY));
    sm_schema_free(sc);
}
