/*
 * fuzz_parquet.c — libFuzzer target for the Parquet reader.
 *
 * The first byte picks what the rest of the input feeds:
 *   0..127    a whole file: written to a temp file and read through
 *             parquet_source_create, every split drained, then again with
 *             a projection (footer, schema mapping, page headers, levels,
 *             every encoding and codec the file names);
 *   128..159  a page header (Thrift compact protocol), then a FileMetaData;
 *   160..191  RLE / bit-packed hybrid levels (bit width from the next byte);
 *   192..223  a data page's values: encoding and physical type from the
 *             next bytes, values drained in uneven steps;
 *   224..255  decompression with a codec from the next byte.
 * Any crash, sanitizer report or leak is a bug; errors are fine.  Build:
 * `make fuzz`; seeds in tests/fuzz/corpus/fuzz_parquet/ (small conformance
 * files and the crashers found so far; file_nested_* hold lists, maps,
 * structs, legacy 2-level lists and repeated fields, so the schema-tree
 * mapping and the level assembly of parquet_nested.c are exercised).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"
#include "formats/parquet.h"
#include "formats/thrift.h"

static void drain(const char *path, bool project) {
    sm_source *src = NULL;
    if (parquet_source_create(&path, 1, NULL, NULL, NULL, NULL, &src) != SM_OK) return;
    if (project && src->schema->ncols > 1) {
        int cols[2] = {src->schema->ncols - 1, 0};
        if (parquet_source_project(src, 2, cols) != SM_OK) {
            src->free(src);
            return;
        }
    }
    for (int s = 0; s < src->nsplits && s < 64; s++) {
        sm_reader *r;
        if (src->open(src, s, &r) != SM_OK) continue;
        for (int n = 0; n < 256; n++) {
            sm_batch *b;
            if (r->next(r, &b) != SM_OK || !b) break;
            sm_batch_free(b);
        }
        r->close(r);
    }
    src->free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    if (mode < 128) {
        static char path[64];
        if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz_parquet_%d.parquet", (int)getpid());
        FILE *f = fopen(path, "wb");
        if (!f) return 0;
        fwrite(p, 1, n, f);
        fclose(f);
        drain(path, false);
        drain(path, true);
    } else if (mode < 160) {
        pq_page_header h;
        size_t used;
        (void)pq_decode_page_header(p, n, &h, &used);
        sm_arena *a = sm_arena_new();
        pq_file_meta m;
        if (a && pq_decode_file_meta(p, n, a, &m) == SM_OK) {
            sm_buf b = {0};
            (void)pq_encode_file_meta(&m, &b);
            sm_buf_free(&b);
        }
        if (a) sm_arena_free(a);
    } else if (mode < 192) {
        int bw = p[0] % 33;
        pq_rle_dec d;
        pq_rle_init(&d, p + 1, n - 1, bw);
        uint32_t out[1000];
        for (int step = 1; step < 1000; step = step * 3 + 1)
            if (pq_rle_get(&d, out, step) != SM_OK) break;
    } else if (mode < 224) {
        if (n < 3) return 0;
        static const int encs[] = {PQ_ENC_PLAIN, PQ_ENC_RLE, PQ_ENC_DELTA_BINARY_PACKED,
                                   PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, PQ_ENC_DELTA_BYTE_ARRAY,
                                   PQ_ENC_BYTE_STREAM_SPLIT};
        int enc = encs[p[0] % 6], ptype = p[1] % 8, tlen = p[2] % 20 + 1;
        pq_vdec d;
        memset(&d, 0, sizeof d);
        if (pq_vdec_init(&d, enc, ptype, tlen, p + 3, n - 3) == SM_OK) {
            static uint8_t out[600 * 16];
            for (int step = 1; step <= 600; step = step * 2 + 1)
                if (pq_vdec_get(&d, out, step) != SM_OK) break;
        }
        pq_vdec_free(&d);
    } else {
        if (n < 3) return 0;
        int codec = p[0] % 8;
        size_t out_len = (size_t)(p[1] | p[2] << 8) * 4;
        uint8_t *out = malloc(out_len + 1);
        if (out) (void)pq_decompress(codec, p + 3, n - 3, out, out_len);
        free(out);
    }
    sm_err_clear();
    return 0;
}
