/*
 * fuzz_json.c — libFuzzer target for the JSON reader and writer.
 *
 * The input goes to a temp file which is read through json_source_create
 * with several option sets (inference in line mode and multiLine, every
 * Jackson feature switch, each parse mode, user schemas with nested and
 * converted types, tiny splits so line alignment is exercised); the first
 * batch of an inferred read is then formatted back as JSON rows, so the
 * writer sees every nested shape inference can produce.  The input is also
 * read as compressed files (feed_compressed: the raw bytes under every
 * codec's extension, and the input compressed with one codec).  Any crash,
 * sanitizer report or leak is a bug; errors (SM_MALFORMED under FAILFAST,
 * ...) are fine.  Build: `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"
#include "fs/codec.h"
#include "formats/json.h"

static void drain(const char *path, const char *const *opts, const char *ddl, bool write) {
    sm_source *src = NULL;
    if (json_source_create(&path, 1, opts, ddl, NULL, NULL, &src) != SM_OK) return;
    json_write_opts wo;
    static const char *wkv[] = {"ignoreNullFields", "false", NULL};
    bool have_wo = write && json_write_opts_parse(wkv, &wo) == SM_OK;
    for (int s = 0; s < src->nsplits; s++) {
        sm_reader *r;
        if (src->open(src, s, &r) != SM_OK) continue;
        for (;;) {
            sm_batch *b;
            if (r->next(r, &b) != SM_OK || !b) break;
            if (have_wo) {
                sm_buf out = {0};
                for (int64_t i = 0; i < b->nrows; i++)
                    if (json_format_row(&wo, src->schema, NULL, b, i, &out) != SM_OK) break;
                sm_buf_free(&out);
            }
            sm_batch_free(b);
        }
        r->close(r);
    }
    if (have_wo) json_write_opts_free(&wo);
    src->free(src);
}

/* The input as a compressed file: raw bytes under each codec's extension
 * (the decompressors meet every framing error), then the input compressed
 * with one codec (chosen by its first byte) so the text reaches the parser
 * through decompression. */
static void feed_compressed(const uint8_t *data, size_t size, const char *const *oa,
                            const char *const *ob) {
    static const char *const exts[] = {".gz", ".bz2", ".zst", ".lz4", ".snappy", ".deflate"};
    char path[96];
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "/tmp/fuzz_%s_%d%s%s", "json", (int)getpid(), ".json", exts[i]);
        FILE *f = fopen(path, "wb");
        if (!f) return;
        fwrite(data, 1, size, f);
        fclose(f);
        drain(path, oa, NULL , true);
        unlink(path);
    }
    sm_fs_codec c = (sm_fs_codec)(1 + (size ? data[0] : 0) % (SM_FS_CODEC_COUNT - 1));
    sm_fs_compressor *z;
    if (sm_fs_compressor_new(c, &z) != SM_OK) return;
    sm_buf out = {0};
    int rc = sm_fs_compress(z, data, size, true, &out);
    sm_fs_compressor_free(z);
    if (rc == SM_OK) {
        snprintf(path, sizeof path, "/tmp/fuzz_%s_%d%s%s", "json", (int)getpid(), ".json",
                 sm_fs_codec_extension(c));
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(out.data, 1, out.len, f);
            fclose(f);
            drain(path, oa, NULL , true);
            drain(path, ob, NULL , true);
            unlink(path);
        }
    }
    sm_buf_free(&out);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz_json_%d.json", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);

    static const char *o1[] = {NULL};
    static const char *o2[] = {"multiLine", "true", "prefersDecimal", "true", NULL};
    static const char *o3[] = {"allowComments", "true", "allowUnquotedFieldNames", "true",
                               "allowNumericLeadingZeros", "true", "allowBackslashEscapingAnyCharacter",
                               "true", "allowUnquotedControlChars", "true", "mode", "DROPMALFORMED", NULL};
    static const char *o4[] = {"mode", "FAILFAST", "primitivesAsString", "true", NULL};
    static const char *o5[] = {"lineSep", ";", "dropFieldIfAllNull", "true", "samplingRatio", "0.5", NULL};
    static const char *o6[] = {"dateFormat", "dd/MM/yyyy", "timestampFormat", "yyyy-MM-dd HH:mm", NULL};
    drain(path, o1, NULL, true);
    drain(path, o2, NULL, true);
    drain(path, o3, NULL, false);
    drain(path, o4, NULL, false);
    drain(path, o5, NULL, true);
    drain(path, o1, "a INT, b DOUBLE, c DECIMAL(10,2), d DATE, e TIMESTAMP, f BOOLEAN, g BINARY, "
                    "h ARRAY<STRUCT<x: BIGINT, y: MAP<STRING, FLOAT>>>, s STRING, _corrupt_record STRING",
          true);
    drain(path, o6, "d DATE, e TIMESTAMP, t TIMESTAMP_NTZ, s STRUCT<a: ARRAY<STRING>>", true);
    drain(path, o3, "a TINYINT, b SMALLINT, m MAP<STRING, ARRAY<INT>>", false);
    int64_t saved = json_split_bytes;
    json_split_bytes = 5;
    drain(path, o1, NULL, false);
    drain(path, o4, "a INT, b STRING", false);
    json_split_bytes = saved;
    feed_compressed(data, size, o1, o2);
    return 0;
}
