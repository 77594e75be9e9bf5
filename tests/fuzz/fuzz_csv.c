/*
 * fuzz_csv.c — libFuzzer target for the CSV reader.
 *
 * The input goes to a temp file which is read through csv_source_create with
 * several option sets (line mode / multiLine, inference, escapes equal to
 * the quote, multi-character separator, comments, tiny splits so split
 * alignment is exercised), then as compressed files (feed_compressed: the
 * raw bytes under every codec's extension, and the input compressed with
 * one codec).  Any crash, sanitizer report or leak is a bug;
 * errors (SM_MALFORMED under FAILFAST, ...) are fine.  Build: `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"
#include "fs/codec.h"
#include "formats/csv.h"

/* required: NULL for every column, else one flag per schema column
 * (pruned reading: the tokenizer may stop after the last required field). */
static void drain_required(const char *path, const char *const *opts, const char *ddl,
                           const bool *required) {
    sm_source *src = NULL;
    if (csv_source_create(&path, 1, opts, ddl, NULL, NULL, &src) != SM_OK) return;
    if (required && src->set_required(src, required) != SM_OK) { src->free(src); return; }
    for (int s = 0; s < src->nsplits; s++) {
        sm_reader *r;
        if (src->open(src, s, &r) != SM_OK) continue;
        for (;;) {
            sm_batch *b;
            if (r->next(r, &b) != SM_OK || !b) break;
            sm_batch_free(b);
        }
        r->close(r);
    }
    src->free(src);
}

static void drain(const char *path, const char *const *opts, const char *ddl) {
    drain_required(path, opts, ddl, NULL);
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
        snprintf(path, sizeof path, "/tmp/fuzz_%s_%d%s%s", "csv", (int)getpid(), ".csv", exts[i]);
        FILE *f = fopen(path, "wb");
        if (!f) return;
        fwrite(data, 1, size, f);
        fclose(f);
        drain(path, oa, NULL );
        unlink(path);
    }
    sm_fs_codec c = (sm_fs_codec)(1 + (size ? data[0] : 0) % (SM_FS_CODEC_COUNT - 1));
    sm_fs_compressor *z;
    if (sm_fs_compressor_new(c, &z) != SM_OK) return;
    sm_buf out = {0};
    int rc = sm_fs_compress(z, data, size, true, &out);
    sm_fs_compressor_free(z);
    if (rc == SM_OK) {
        snprintf(path, sizeof path, "/tmp/fuzz_%s_%d%s%s", "csv", (int)getpid(), ".csv",
                 sm_fs_codec_extension(c));
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(out.data, 1, out.len, f);
            fclose(f);
            drain(path, oa, NULL );
            drain(path, ob, NULL );
            unlink(path);
        }
    }
    sm_buf_free(&out);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz_csv_%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);

    static const char *o1[] = {"header", "true", "inferSchema", "true", NULL};
    static const char *o2[] = {"multiLine", "true", "inferSchema", "true", "escape", "\"", NULL};
    static const char *o3[] = {"sep", "||", "comment", "#", "mode", "DROPMALFORMED",
                               "ignoreLeadingWhiteSpace", "true", "ignoreTrailingWhiteSpace", "true", NULL};
    static const char *o4[] = {"header", "true", "mode", "FAILFAST", "nullValue", "NA", NULL};
    static const char *o5[] = {"lineSep", ";", "quote", "", "encoding", "latin1", NULL};
    static const char *o6[] = {"multiLine", "true", "header", "true", NULL};
    drain(path, o1, NULL);
    drain(path, o2, NULL);
    drain(path, o3, NULL);
    drain(path, o4, "a INT, b DOUBLE, c DATE, d TIMESTAMP, e BOOLEAN, _corrupt_record STRING");
    drain(path, o5, NULL);
    drain(path, o6, "a BIGINT, b STRING");
    /* typed columns converted in place (DROPMALFORMED drops rows after
     * some of their fields were written), and a pruned scan */
    static const char *o7[] = {"mode", "DROPMALFORMED", NULL};
    static const char *typed = "a STRING, b BIGINT, c DECIMAL(10,2), d DATE, e TIMESTAMP, f DOUBLE";
    static const bool req7[] = {true, false, true, false, false, false};
    drain(path, o7, typed);
    drain_required(path, o7, typed, req7);
    drain_required(path, o1 + 2, typed, req7);
    int64_t saved = csv_split_bytes;
    csv_split_bytes = 5;
    drain(path, o1, NULL);
    drain(path, o4, "a INT, b STRING");
    csv_split_bytes = saved;
    feed_compressed(data, size, o1, o4);
    return 0;
}
