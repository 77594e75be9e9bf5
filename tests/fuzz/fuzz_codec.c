/*
 * fuzz_codec.c — libFuzzer target for the text codecs (fs/compress.c).
 *
 * The first byte picks a codec; the rest is decompressed as that codec's
 * file (gzip / zlib members, bzip2 streams, zstd frames, LZ4 frames and
 * Hadoop's LZ4 / Snappy block framing), where only SM_OK, SM_MALFORMED
 * (with the file named in the message) or SM_NOMEM may come back.  The
 * rest is then compressed with the codec, in pieces, and must decompress
 * to itself.  Any crash, sanitizer report, leak or mismatch is a bug.
 * Seeds: tests/fuzz/corpus/fuzz_codec/.  Build: `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "fs/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    sm_fs_codec c = (sm_fs_codec)(1 + data[0] % (SM_FS_CODEC_COUNT - 1));
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    sm_buf out = {0};
    int rc = sm_fs_decompress(c, "fuzz.in", in, (int64_t)n, &out);
    if (rc != SM_OK && rc != SM_NOMEM && (rc != SM_MALFORMED || !strstr(sm_errmsg(), "fuzz.in")))
        abort();
    if (rc == SM_OK && (!out.data || out.data[out.len] != 0)) abort();
    sm_buf_free(&out);

    sm_fs_compressor *z;
    if (sm_fs_compressor_new(c, &z) != SM_OK) return 0;
    sm_buf comp = {0}, back = {0};
    size_t step = n / 3 + 1, off = 0;
    rc = SM_OK;
    while (rc == SM_OK && off < n) {
        size_t k = n - off < step ? n - off : step;
        rc = sm_fs_compress(z, in + off, k, false, &comp);
        off += k;
    }
    if (rc == SM_OK) rc = sm_fs_compress(z, NULL, 0, true, &comp);
    sm_fs_compressor_free(z);
    if (rc == SM_OK) {
        if (sm_fs_decompress(c, "fuzz.out", (const unsigned char *)comp.data, (int64_t)comp.len,
                             &back) != SM_OK)
            abort();
        if (back.len != n || (n && memcmp(back.data, in, n) != 0)) abort();
    }
    sm_buf_free(&comp);
    sm_buf_free(&back);
    return 0;
}
