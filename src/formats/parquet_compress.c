/*
 * parquet_compress.c — page compression codecs through the system
 * libraries: snappy (libsnappy), gzip (zlib), zstd (libzstd), lz4
 * (liblz4: LZ4_RAW blocks, and the deprecated LZ4 codec in both its Hadoop
 * framing and as a bare block, as Arrow accepts it) and brotli
 * (libbrotlidec / libbrotlienc).  LZO is refused.
 *
 * Decompression always targets a buffer of exactly the page's
 * uncompressed_page_size: producing fewer or more bytes is SM_MALFORMED, so
 * a lying page header cannot make the reader look at uninitialised bytes.
 * gzip input may hold several concatenated members (some writers emit them).
 *
 * Thread-safe: no shared state (each call makes its own library context).
 */
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "common/status.h"
#include "formats/parquet.h"

const char *pq_codec_name(int codec) {
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED: return "UNCOMPRESSED";
    case PQ_CODEC_SNAPPY: return "SNAPPY";
    case PQ_CODEC_GZIP: return "GZIP";
    case PQ_CODEC_LZO: return "LZO";
    case PQ_CODEC_BROTLI: return "BROTLI";
    case PQ_CODEC_LZ4: return "LZ4";
    case PQ_CODEC_ZSTD: return "ZSTD";
    case PQ_CODEC_LZ4_RAW: return "LZ4_RAW";
    default: return "an unknown codec";
    }
}

bool pq_codec_supported(int codec) {
    return codec >= PQ_CODEC_UNCOMPRESSED && codec <= PQ_CODEC_LZ4_RAW && codec != PQ_CODEC_LZO;
}

static int bad(int codec, const char *why) {
    return sm_err(SM_MALFORMED, "%s page data is corrupt: %s", pq_codec_name(codec), why);
}

static int gunzip(const uint8_t *src, size_t n, uint8_t *out, size_t out_len) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) return sm_err(SM_NOMEM, "out of memory starting zlib");
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)out_len;
    int rc = SM_OK;
    for (;;) {
        int zr = inflate(&z, Z_FINISH);
        if (zr == Z_STREAM_END) {
            /* another member may follow */
            if (z.avail_in > 0 && z.avail_out > 0) {
                if (inflateReset(&z) != Z_OK) { rc = bad(PQ_CODEC_GZIP, "reset failed"); break; }
                continue;
            }
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_out == 0) { rc = bad(PQ_CODEC_GZIP, "more data than the page size"); break; }
        if (zr != Z_OK) { rc = bad(PQ_CODEC_GZIP, z.msg ? z.msg : "inflate failed"); break; }
    }
    if (rc == SM_OK && z.avail_out != 0) rc = bad(PQ_CODEC_GZIP, "less data than the page size");
    inflateEnd(&z);
    return rc;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's Lz4Codec framing: blocks of [BE u32 raw size][BE u32 compressed
 * size][lz4 data].  false when src does not look like that. */
static bool lz4_hadoop(const uint8_t *src, size_t n, uint8_t *out, size_t out_len) {
    size_t in = 0, done = 0;
    while (in < n) {
        if (n - in < 8) return false;
        uint32_t raw = be32(src + in), comp = be32(src + in + 4);
        in += 8;
        if (comp > n - in || raw > out_len - done) return false;
        int got = LZ4_decompress_safe((const char *)src + in, (char *)out + done, (int)comp, (int)raw);
        if (got < 0 || (uint32_t)got != raw) return false;
        in += comp;
        done += raw;
    }
    return done == out_len;
}

int pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *out, size_t out_len) {
    if (n > INT32_MAX || out_len > INT32_MAX)
        return sm_err(SM_MALFORMED, "a page of more than 2 GiB");
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        if (n != out_len) return sm_err(SM_MALFORMED, "an uncompressed page of %zu bytes declares %zu", n, out_len);
        if (n) memcpy(out, src, n);
        return SM_OK;
    case PQ_CODEC_SNAPPY: {
        size_t len;
        if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK)
            return bad(codec, "invalid header");
        if (len != out_len) return bad(codec, "its length differs from the page size");
        size_t got = out_len;
        if (snappy_uncompress((const char *)src, n, (char *)out, &got) != SNAPPY_OK || got != out_len)
            return bad(codec, "invalid data");
        return SM_OK;
    }
    case PQ_CODEC_GZIP: return gunzip(src, n, out, out_len);
    case PQ_CODEC_ZSTD: {
        size_t got = ZSTD_decompress(out, out_len, src, n);
        if (ZSTD_isError(got)) return bad(codec, ZSTD_getErrorName(got));
        if (got != out_len) return bad(codec, "less data than the page size");
        return SM_OK;
    }
    case PQ_CODEC_LZ4_RAW: {
        int got = LZ4_decompress_safe((const char *)src, (char *)out, (int)n, (int)out_len);
        if (got < 0 || (size_t)got != out_len) return bad(codec, "invalid block");
        return SM_OK;
    }
    case PQ_CODEC_LZ4: {
        if (lz4_hadoop(src, n, out, out_len)) return SM_OK;
        int got = LZ4_decompress_safe((const char *)src, (char *)out, (int)n, (int)out_len);
        if (got < 0 || (size_t)got != out_len) return bad(codec, "neither Hadoop-framed nor a raw block");
        return SM_OK;
    }
    case PQ_CODEC_BROTLI: {
        size_t got = out_len;
        if (BrotliDecoderDecompress(n, src, &got, out) != BROTLI_DECODER_RESULT_SUCCESS)
            return bad(codec, "invalid stream");
        if (got != out_len) return bad(codec, "less data than the page size");
        return SM_OK;
    }
    default:
        return sm_err(SM_UNSUPPORTED, "compression codec %s (%d) is not supported; smelt reads "
                      "UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4, LZ4_RAW and BROTLI",
                      pq_codec_name(codec), codec);
    }
}

int pq_compress(int codec, int level, const uint8_t *src, size_t n, sm_buf *out) {
    out->len = 0;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        return sm_buf_append(out, src, n);
    case PQ_CODEC_SNAPPY: {
        size_t cap = snappy_max_compressed_length(n);
        SM_TRY(sm_buf_reserve(out, cap));
        size_t got = cap;
        if (snappy_compress((const char *)src, n, out->data, &got) != SNAPPY_OK)
            return sm_err(SM_INTERNAL, "snappy compression failed");
        out->len = got;
        return SM_OK;
    }
    case PQ_CODEC_GZIP: {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (deflateInit2(&z, level ? level : Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            return sm_err(SM_NOMEM, "out of memory starting zlib");
        size_t cap = deflateBound(&z, (uLong)n) + 32;
        if (sm_buf_reserve(out, cap) != SM_OK) {
            deflateEnd(&z);
            return SM_NOMEM;
        }
        z.next_in = (Bytef *)src;
        z.avail_in = (uInt)n;
        z.next_out = (Bytef *)out->data;
        z.avail_out = (uInt)cap;
        int zr = deflate(&z, Z_FINISH);
        out->len = cap - z.avail_out;
        deflateEnd(&z);
        return zr == Z_STREAM_END ? SM_OK : sm_err(SM_INTERNAL, "gzip compression failed");
    }
    case PQ_CODEC_ZSTD: {
        size_t cap = ZSTD_compressBound(n);
        SM_TRY(sm_buf_reserve(out, cap));
        size_t got = ZSTD_compress(out->data, cap, src, n, level ? level : 3);
        if (ZSTD_isError(got)) return sm_err(SM_INTERNAL, "zstd compression failed: %s", ZSTD_getErrorName(got));
        out->len = got;
        return SM_OK;
    }
    case PQ_CODEC_LZ4_RAW: {
        if (n > LZ4_MAX_INPUT_SIZE) return sm_err(SM_UNSUPPORTED, "page too large for LZ4");
        int cap = LZ4_compressBound((int)n);
        SM_TRY(sm_buf_reserve(out, (size_t)cap));
        int got = LZ4_compress_default((const char *)src, out->data, (int)n, cap);
        if (got <= 0) return sm_err(SM_INTERNAL, "lz4 compression failed");
        out->len = (size_t)got;
        return SM_OK;
    }
    case PQ_CODEC_LZ4: {
        /* Hadoop's Lz4Codec framing: one block [BE raw size][BE size][lz4] */
        if (n > LZ4_MAX_INPUT_SIZE) return sm_err(SM_UNSUPPORTED, "page too large for LZ4");
        int cap = LZ4_compressBound((int)n);
        SM_TRY(sm_buf_reserve(out, (size_t)cap + 8));
        int got = LZ4_compress_default((const char *)src, out->data + 8, (int)n, cap);
        if (got <= 0) return sm_err(SM_INTERNAL, "lz4 compression failed");
        uint8_t *h = (uint8_t *)out->data;
        for (int i = 0; i < 4; i++) {
            h[i] = (uint8_t)((uint32_t)n >> (24 - 8 * i));
            h[4 + i] = (uint8_t)((uint32_t)got >> (24 - 8 * i));
        }
        out->len = (size_t)got + 8;
        return SM_OK;
    }
    case PQ_CODEC_BROTLI: {
        size_t cap = BrotliEncoderMaxCompressedSize(n);
        if (cap == 0) cap = n + 1024;
        SM_TRY(sm_buf_reserve(out, cap));
        size_t got = cap;
        if (!BrotliEncoderCompress(level ? level : 1, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, src,
                                   &got, (uint8_t *)out->data))
            return sm_err(SM_INTERNAL, "brotli compression failed");
        out->len = got;
        return SM_OK;
    }
    default:
        return sm_err(SM_UNSUPPORTED, "smelt cannot write %s-compressed Parquet", pq_codec_name(codec));
    }
}
