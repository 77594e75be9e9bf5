/*
 * compress.c — compressed text files: choosing the codec, decompressing
 * input files whole, and streaming compression for the writers (codec.h).
 *
 * Spark (through Hadoop's codecs) reads "x.csv.gz" as the text inside it,
 * choosing the codec by the file's extension, and writes part files
 * through the codec the `compression` option names.  smelt does the same
 * for every codec Spark 3.5 has for text, plus Zstandard:
 *
 *   codec    extension  file format
 *   gzip     .gz        RFC 1952 members (zlib)
 *   bzip2    .bz2       bzip2 streams (libbz2)
 *   deflate  .deflate   RFC 1950 zlib streams (Hadoop's DeflateCodec)
 *   lz4      .lz4       Hadoop's block framing of raw LZ4 blocks; an LZ4
 *                       frame (the lz4 tool's format, magic 04 22 4D 18) is
 *                       read too
 *   snappy   .snappy    Hadoop's block framing of raw Snappy blocks
 *   zstd     .zst       Zstandard frames
 *
 * Hadoop's block framing (BlockCompressorStream): the file is a sequence of
 * blocks, each a big-endian int32 holding the block's uncompressed length,
 * then compressed chunks — a big-endian int32 length and that many bytes
 * of one raw LZ4 / Snappy block — until the chunks decompress to the
 * block's length.  Hadoop's decompressor holds a chunk in a 256 KiB buffer
 * (io.compression.codec.{lz4,snappy}.buffersize), so the writer cuts the
 * text into blocks of 128 KiB, one chunk each, which both sides accept.
 *
 * Concatenated members (gzip, bzip2, zlib, zstd frames, LZ4 frames) are read
 * one after another, as Hadoop's DecompressorStream does; zero bytes after
 * the last gzip/zlib member are ignored.  A compressed file cannot be split:
 * it is read whole (bzip2, which Hadoop can split at block markers, too).
 *
 * Errors: corrupt data or a stream that ends early fail with SM_MALFORMED
 * and a message naming the file, the codec and the byte offset in the
 * compressed file where decoding stopped — never a partial result.  Sizes
 * read from the framing are checked before anything is allocated from them
 * (a chunk's output is bounded by its codec's expansion limit).
 *
 * Memory: the decompressed text is appended to the caller's sm_buf; the
 * compression libraries allocate their own state (malloc), freed on every
 * path.
 */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "common/mem.h"
#include "common/status.h"
#include "fs/codec.h"
#include "fs/fs.h"

/* ---- names ------------------------------------------------------------------ */

static const struct {
    const char *name, *ext, *hadoop_class;
} codecs[SM_FS_CODEC_COUNT] = {
    [SM_FS_CODEC_NONE] = {"none", "", NULL},
    [SM_FS_CODEC_GZIP] = {"gzip", ".gz", "org.apache.hadoop.io.compress.GzipCodec"},
    [SM_FS_CODEC_BZIP2] = {"bzip2", ".bz2", "org.apache.hadoop.io.compress.BZip2Codec"},
    [SM_FS_CODEC_DEFLATE] = {"deflate", ".deflate", "org.apache.hadoop.io.compress.DeflateCodec"},
    [SM_FS_CODEC_LZ4] = {"lz4", ".lz4", "org.apache.hadoop.io.compress.Lz4Codec"},
    [SM_FS_CODEC_SNAPPY] = {"snappy", ".snappy", "org.apache.hadoop.io.compress.SnappyCodec"},
    [SM_FS_CODEC_ZSTD] = {"zstd", ".zst", "org.apache.hadoop.io.compress.ZStandardCodec"},
};

sm_fs_codec sm_fs_codec_of_path(const char *path) {
    size_t n = strlen(path);
    for (int c = 1; c < SM_FS_CODEC_COUNT; c++) {
        size_t m = strlen(codecs[c].ext);
        if (n > m && strcmp(path + n - m, codecs[c].ext) == 0) return (sm_fs_codec)c;
    }
    return SM_FS_CODEC_NONE;
}

bool sm_fs_is_compressed(const char *path) { return sm_fs_codec_of_path(path) != SM_FS_CODEC_NONE; }

int sm_fs_codec_parse(const char *name, sm_fs_codec *out) {
    if (!strcasecmp(name, "none") || !strcasecmp(name, "uncompressed")) {
        *out = SM_FS_CODEC_NONE;
        return SM_OK;
    }
    for (int c = 1; c < SM_FS_CODEC_COUNT; c++) {
        /* Spark lower-cases short names; a class name is matched exactly */
        if (!strcasecmp(name, codecs[c].name) || !strcmp(name, codecs[c].hadoop_class)) {
            *out = (sm_fs_codec)c;
            return SM_OK;
        }
    }
    if (!strcmp(name, "org.apache.hadoop.io.compress.DefaultCodec")) {
        *out = SM_FS_CODEC_DEFLATE; /* zlib, as DeflateCodec */
        return SM_OK;
    }
    return sm_err(SM_INVALID,
                  "Codec [%s] is not available. Known codecs are bzip2, deflate, uncompressed, "
                  "lz4, gzip, snappy, zstd, none.",
                  name);
}

const char *sm_fs_codec_name(sm_fs_codec c) {
    return c >= 0 && c < SM_FS_CODEC_COUNT ? codecs[c].name : "none";
}

const char *sm_fs_codec_extension(sm_fs_codec c) {
    return c >= 0 && c < SM_FS_CODEC_COUNT ? codecs[c].ext : "";
}

/* ---- errors ----------------------------------------------------------------- */

static int corrupt(const char *path, sm_fs_codec c, int64_t at, const char *why) {
    return sm_err(SM_MALFORMED,
                  "%s: corrupt %s data at byte %lld of the compressed file (%s); recreate the "
                  "file or remove it from the input",
                  path, codecs[c].name, (long long)at, why);
}

static int truncated(const char *path, sm_fs_codec c, int64_t at) {
    return sm_err(SM_MALFORMED,
                  "%s: %s data is truncated at byte %lld (unexpected end of input stream); the "
                  "file is incomplete — recreate it or remove it from the input",
                  path, codecs[c].name, (long long)at);
}

/* Room for at least `want` more bytes in out (plus the NUL); returns the
 * bytes free, at most `limit`. */
static int out_room(sm_buf *out, size_t want, size_t limit, size_t *room) {
    if (out->cap - out->len < want + 1) {
        size_t grow = out->len > want ? out->len : want; /* doubling */
        SM_TRY(sm_buf_reserve(out, grow));
    }
    size_t r = out->cap - out->len - 1;
    *room = r < limit ? r : limit;
    return SM_OK;
}

/* ---- decompression ---------------------------------------------------------- */

/* gzip members or zlib streams (deflate), one after another. */
static int dec_zlib(sm_fs_codec c, const char *path, const unsigned char *in, int64_t n,
                    sm_buf *out) {
    int wbits = c == SM_FS_CODEC_GZIP ? 16 + MAX_WBITS : MAX_WBITS;
    int64_t pos = 0;
    while (pos < n) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, wbits) != Z_OK)
            return sm_err(SM_NOMEM, "out of memory starting %s decompression of %s",
                          codecs[c].name, path);
        z.next_in = (Bytef *)in + pos;
        z.avail_in = (uInt)(n - pos > UINT_MAX ? UINT_MAX : n - pos);
        int rc = SM_OK;
        for (;;) {
            size_t room;
            if ((rc = out_room(out, 1 << 16, UINT_MAX, &room))) break;
            z.next_out = (Bytef *)out->data + out->len;
            z.avail_out = (uInt)room;
            int zr = inflate(&z, Z_NO_FLUSH);
            out->len += room - z.avail_out;
            int64_t at = (int64_t)(z.next_in - in);
            if (zr == Z_STREAM_END) break;
            if (zr == Z_MEM_ERROR) {
                rc = SM_NOMEM;
                break;
            }
            if (zr != Z_OK && zr != Z_BUF_ERROR) {
                rc = corrupt(path, c, at, z.msg ? z.msg : "invalid stream");
                break;
            }
            if (z.avail_in == 0) {
                if (at >= n) {
                    if (zr == Z_BUF_ERROR) {
                        rc = truncated(path, c, n);
                        break;
                    }
                } else {
                    z.avail_in = (uInt)(n - at > UINT_MAX ? UINT_MAX : n - at);
                }
            }
        }
        pos = (int64_t)(z.next_in - in);
        inflateEnd(&z);
        if (rc) return rc;
        while (pos < n && in[pos] == 0) pos++; /* zero padding after the last member */
    }
    return SM_OK;
}

static int dec_bzip2(const char *path, const unsigned char *in, int64_t n, sm_buf *out) {
    const sm_fs_codec c = SM_FS_CODEC_BZIP2;
    int64_t pos = 0;
    while (pos < n) {
        bz_stream b;
        memset(&b, 0, sizeof b);
        if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
            return sm_err(SM_NOMEM, "out of memory starting bzip2 decompression of %s", path);
        b.next_in = (char *)in + pos;
        b.avail_in = (unsigned)(n - pos > UINT_MAX ? UINT_MAX : n - pos);
        int rc = SM_OK;
        for (;;) {
            size_t room;
            if ((rc = out_room(out, 1 << 16, UINT_MAX, &room))) break;
            b.next_out = out->data + out->len;
            b.avail_out = (unsigned)room;
            int br = BZ2_bzDecompress(&b);
            out->len += room - b.avail_out;
            int64_t at = (int64_t)((const unsigned char *)b.next_in - in);
            if (br == BZ_STREAM_END) break;
            if (br == BZ_MEM_ERROR) {
                rc = SM_NOMEM;
                break;
            }
            if (br != BZ_OK) {
                rc = corrupt(path, c, at,
                             br == BZ_DATA_ERROR_MAGIC ? "not a bzip2 stream: bad magic"
                                                       : "bad block or CRC mismatch");
                break;
            }
            if (b.avail_in == 0) {
                if (at >= n) {
                    if (b.avail_out > 0) { /* wants input and there is none */
                        rc = truncated(path, c, n);
                        break;
                    }
                } else {
                    b.avail_in = (unsigned)(n - at > UINT_MAX ? UINT_MAX : n - at);
                }
            }
        }
        pos = (int64_t)((const unsigned char *)b.next_in - in);
        BZ2_bzDecompressEnd(&b);
        if (rc) return rc;
    }
    return SM_OK;
}

static int dec_zstd(const char *path, const unsigned char *in, int64_t n, sm_buf *out) {
    const sm_fs_codec c = SM_FS_CODEC_ZSTD;
    if (n == 0) return SM_OK;
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (!d) return sm_err(SM_NOMEM, "out of memory starting zstd decompression of %s", path);
    ZSTD_inBuffer ib = {in, (size_t)n, 0};
    int rc = SM_OK;
    for (;;) {
        size_t room;
        if ((rc = out_room(out, 1 << 17, SIZE_MAX, &room))) break;
        ZSTD_outBuffer ob = {out->data + out->len, room, 0};
        size_t r = ZSTD_decompressStream(d, &ob, &ib);
        out->len += ob.pos;
        if (ZSTD_isError(r)) {
            rc = corrupt(path, c, (int64_t)ib.pos, ZSTD_getErrorName(r));
            break;
        }
        if (ib.pos == ib.size) {
            if (r == 0) break;                 /* the last frame is complete */
            if (ob.pos < ob.size) {            /* it wants more input */
                rc = truncated(path, c, n);
                break;
            }
        }
    }
    ZSTD_freeDCtx(d);
    return rc;
}

/* LZ4 frames (the lz4 tool's format), one after another. */
static int dec_lz4_frame(const char *path, const unsigned char *in, int64_t n, sm_buf *out) {
    const sm_fs_codec c = SM_FS_CODEC_LZ4;
    LZ4F_dctx *d = NULL;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
        return sm_err(SM_NOMEM, "out of memory starting lz4 decompression of %s", path);
    size_t pos = 0;
    int rc = SM_OK;
    for (;;) {
        size_t room;
        if ((rc = out_room(out, 1 << 17, SIZE_MAX, &room))) break;
        size_t dst = room, src = (size_t)n - pos;
        size_t r = LZ4F_decompress(d, out->data + out->len, &dst, in + pos, &src, NULL);
        out->len += dst;
        pos += src;
        if (LZ4F_isError(r)) {
            rc = corrupt(path, c, (int64_t)pos, LZ4F_getErrorName(r));
            break;
        }
        if (pos == (size_t)n) {
            if (r == 0) break; /* the last frame is complete */
            if (dst == 0) {
                rc = truncated(path, c, n);
                break;
            }
        }
    }
    LZ4F_freeDecompressionContext(d);
    return rc;
}

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's block framing of raw LZ4 or Snappy blocks (see the essay). */
static int dec_hadoop_blocks(sm_fs_codec c, const char *path, const unsigned char *in, int64_t n,
                             sm_buf *out) {
    int64_t pos = 0;
    while (pos < n) {
        if (n - pos < 4) return truncated(path, c, n);
        uint32_t raw = be32(in + pos);
        if (raw > INT32_MAX) return corrupt(path, c, pos, "negative block length");
        pos += 4;
        int64_t got = 0;
        while (got < raw) {
            if (n - pos < 4) return truncated(path, c, n);
            int64_t chunk_at = pos;
            uint32_t clen = be32(in + pos);
            pos += 4;
            if (clen > INT32_MAX) return corrupt(path, c, chunk_at, "negative chunk length");
            if (clen == 0) return corrupt(path, c, chunk_at, "empty chunk in a non-empty block");
            if (n - pos < clen) return truncated(path, c, n);
            int64_t left = raw - got;
            size_t made;
            if (c == SM_FS_CODEC_LZ4) {
                /* LZ4 expands at most 255:1 */
                int64_t cap = (int64_t)clen * 255 + 16;
                if (cap > left) cap = left;
                SM_TRY(sm_buf_reserve(out, (size_t)cap));
                int r = LZ4_decompress_safe((const char *)in + pos, out->data + out->len,
                                            (int)clen, (int)cap);
                if (r < 0)
                    return corrupt(path, c, chunk_at,
                                   "invalid LZ4 block, or it is longer than its block header says");
                made = (size_t)r;
            } else {
                size_t ulen;
                if (snappy_uncompressed_length((const char *)in + pos, clen, &ulen) != SNAPPY_OK)
                    return corrupt(path, c, chunk_at, "invalid Snappy block header");
                if (ulen > (size_t)left)
                    return corrupt(path, c, chunk_at, "chunk longer than its block header says");
                SM_TRY(sm_buf_reserve(out, ulen));
                size_t ol = ulen;
                if (snappy_uncompress((const char *)in + pos, clen, out->data + out->len, &ol) !=
                        SNAPPY_OK ||
                    ol != ulen)
                    return corrupt(path, c, chunk_at, "invalid Snappy block");
                made = ol;
            }
            out->len += made;
            got += (int64_t)made;
            pos += clen;
        }
    }
    return SM_OK;
}

int sm_fs_decompress(sm_fs_codec c, const char *path, const unsigned char *in, int64_t n,
                     sm_buf *out) {
    int rc;
    switch (c) {
    case SM_FS_CODEC_GZIP:
    case SM_FS_CODEC_DEFLATE: rc = dec_zlib(c, path, in, n, out); break;
    case SM_FS_CODEC_BZIP2: rc = dec_bzip2(path, in, n, out); break;
    case SM_FS_CODEC_ZSTD: rc = dec_zstd(path, in, n, out); break;
    case SM_FS_CODEC_LZ4:
        rc = n >= 4 && in[0] == 0x04 && in[1] == 0x22 && in[2] == 0x4D && in[3] == 0x18
                 ? dec_lz4_frame(path, in, n, out)
                 : dec_hadoop_blocks(c, path, in, n, out);
        break;
    case SM_FS_CODEC_SNAPPY: rc = dec_hadoop_blocks(c, path, in, n, out); break;
    default: rc = sm_buf_append(out, in, (size_t)n); break;
    }
    if (!rc) rc = sm_buf_reserve(out, 0); /* room for the NUL */
    if (!rc) out->data[out->len] = 0;
    return rc;
}

/* ---- reading a file ----------------------------------------------------------- */

static int read_whole(const char *path, unsigned char **out, int64_t *out_len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return sm_err(SM_IO, "cannot open %s: %s", path, strerror(errno));
    int64_t cap = 1 << 16, len = 0;
    unsigned char *buf = sm_malloc((size_t)cap);
    if (!buf) {
        close(fd);
        return SM_NOMEM;
    }
    for (;;) {
        if (len == cap) {
            unsigned char *nb = sm_realloc(buf, (size_t)(cap *= 2));
            if (!nb) {
                sm_free(buf);
                close(fd);
                return SM_NOMEM;
            }
            buf = nb;
        }
        ssize_t got = read(fd, buf + len, (size_t)(cap - len));
        if (got < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            sm_free(buf);
            close(fd);
            return sm_err(SM_IO, "cannot read %s: %s", path, strerror(e));
        }
        if (got == 0) break;
        len += got;
    }
    close(fd);
    *out = buf;
    *out_len = len;
    return SM_OK;
}

int sm_fs_inflate_file(const char *path, sm_fs_map *out) {
    memset(out, 0, sizeof *out);
    unsigned char *in = NULL;
    int64_t in_len = 0;
    SM_TRY(read_whole(path, &in, &in_len));
    sm_buf b = {0};
    /* a first guess at the size; the buffer doubles from there */
    int rc = sm_buf_reserve(&b, (size_t)(in_len < (1 << 26) ? in_len * 4 : in_len) + 4096);
    if (!rc) rc = sm_fs_decompress(sm_fs_codec_of_path(path), path, in, in_len, &b);
    sm_free(in);
    if (rc == SM_NOMEM)
        sm_err(SM_NOMEM, "out of memory decompressing %s (%lld bytes of text so far): a "
               "compressed file is read whole into memory; decompress it first or raise the "
               "memory available", path, (long long)b.len);
    if (rc) {
        sm_buf_free(&b);
        return rc;
    }
    out->data = b.data;
    out->len = (int64_t)b.len;
    out->base = b.data;
    out->map_len = b.len;
    out->mapped = false;
    return SM_OK;
}

/* ---- compression -------------------------------------------------------------- */

/* Raw bytes per Hadoop block (see the essay). */
#define HADOOP_BLOCK (128 << 10)

struct sm_fs_compressor {
    sm_fs_codec codec;
    bool open; /* library state initialised */
    z_stream z;
    bz_stream bz;
    ZSTD_CCtx *zs;
    sm_buf pend; /* lz4/snappy: raw bytes of the block being filled */
};

int sm_fs_compressor_new(sm_fs_codec c, sm_fs_compressor **out) {
    *out = NULL;
    sm_fs_compressor *z = sm_calloc(1, sizeof *z);
    if (!z) return SM_NOMEM;
    z->codec = c;
    int ok = 1;
    switch (c) {
    case SM_FS_CODEC_GZIP:
    case SM_FS_CODEC_DEFLATE:
        ok = deflateInit2(&z->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                          c == SM_FS_CODEC_GZIP ? 16 + MAX_WBITS : MAX_WBITS, 8,
                          Z_DEFAULT_STRATEGY) == Z_OK;
        break;
    case SM_FS_CODEC_BZIP2: ok = BZ2_bzCompressInit(&z->bz, 9, 0, 0) == BZ_OK; break;
    case SM_FS_CODEC_ZSTD:
        /* level 3: Hadoop's io.compression.codec.zstd.level; a content
         * checksum, as the zstd tool writes, so corruption is caught */
        ok = (z->zs = ZSTD_createCCtx()) != NULL &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(z->zs, ZSTD_c_compressionLevel, 3)) &&
             !ZSTD_isError(ZSTD_CCtx_setParameter(z->zs, ZSTD_c_checksumFlag, 1));
        break;
    case SM_FS_CODEC_LZ4:
    case SM_FS_CODEC_SNAPPY: ok = sm_buf_reserve(&z->pend, HADOOP_BLOCK) == SM_OK; break;
    default: break;
    }
    z->open = ok;
    if (!ok) {
        sm_fs_compressor_free(z);
        return sm_err(SM_NOMEM, "out of memory starting %s compression", sm_fs_codec_name(c));
    }
    *out = z;
    return SM_OK;
}

static void put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One Hadoop block of z->pend: raw length, chunk length, the chunk. */
static int emit_block(sm_fs_compressor *z, sm_buf *dst) {
    size_t n = z->pend.len;
    if (n == 0) return SM_OK;
    size_t bound = z->codec == SM_FS_CODEC_LZ4 ? (size_t)LZ4_compressBound((int)n)
                                               : snappy_max_compressed_length(n);
    SM_TRY(sm_buf_reserve(dst, bound + 8));
    unsigned char *h = (unsigned char *)dst->data + dst->len;
    char *body = dst->data + dst->len + 8;
    size_t clen;
    if (z->codec == SM_FS_CODEC_LZ4) {
        int r = LZ4_compress_default(z->pend.data, body, (int)n, (int)bound);
        if (r <= 0) return sm_err(SM_INTERNAL, "lz4 compression failed");
        clen = (size_t)r;
    } else {
        clen = bound;
        if (snappy_compress(z->pend.data, n, body, &clen) != SNAPPY_OK)
            return sm_err(SM_INTERNAL, "snappy compression failed");
    }
    put_be32(h, (uint32_t)n);
    put_be32(h + 4, (uint32_t)clen);
    dst->len += 8 + clen;
    z->pend.len = 0;
    return SM_OK;
}

int sm_fs_compress(sm_fs_compressor *z, const void *p, size_t n, bool finish, sm_buf *dst) {
    const char *src = p;
    if (n == 0 && !finish) return SM_OK; /* (bzip2 calls a call without progress an error) */
    switch (z->codec) {
    case SM_FS_CODEC_GZIP:
    case SM_FS_CODEC_DEFLATE: {
        z->z.next_in = (Bytef *)src;
        z->z.avail_in = (uInt)n; /* callers give at most a few MiB */
        for (;;) {
            size_t room;
            SM_TRY(out_room(dst, 1 << 16, UINT_MAX, &room));
            z->z.next_out = (Bytef *)dst->data + dst->len;
            z->z.avail_out = (uInt)room;
            int zr = deflate(&z->z, finish ? Z_FINISH : Z_NO_FLUSH);
            dst->len += room - z->z.avail_out;
            if (zr == Z_STREAM_ERROR) return sm_err(SM_INTERNAL, "%s compression failed", sm_fs_codec_name(z->codec));
            if (finish ? zr == Z_STREAM_END : z->z.avail_in == 0 && z->z.avail_out > 0) break;
        }
        return SM_OK;
    }
    case SM_FS_CODEC_BZIP2: {
        z->bz.next_in = (char *)src;
        z->bz.avail_in = (unsigned)n;
        for (;;) {
            size_t room;
            SM_TRY(out_room(dst, 1 << 16, UINT_MAX, &room));
            z->bz.next_out = dst->data + dst->len;
            z->bz.avail_out = (unsigned)room;
            int br = BZ2_bzCompress(&z->bz, finish ? BZ_FINISH : BZ_RUN);
            dst->len += room - z->bz.avail_out;
            if (br < 0) return sm_err(SM_INTERNAL, "bzip2 compression failed (%d)", br);
            if (finish ? br == BZ_STREAM_END : z->bz.avail_in == 0) break;
        }
        return SM_OK;
    }
    case SM_FS_CODEC_ZSTD: {
        ZSTD_inBuffer ib = {src, n, 0};
        for (;;) {
            size_t room;
            SM_TRY(out_room(dst, 1 << 17, SIZE_MAX, &room));
            ZSTD_outBuffer ob = {dst->data + dst->len, room, 0};
            size_t r = ZSTD_compressStream2(z->zs, &ob, &ib, finish ? ZSTD_e_end : ZSTD_e_continue);
            dst->len += ob.pos;
            if (ZSTD_isError(r)) return sm_err(SM_INTERNAL, "zstd compression failed: %s", ZSTD_getErrorName(r));
            if (finish ? r == 0 : ib.pos == ib.size) break;
        }
        return SM_OK;
    }
    case SM_FS_CODEC_LZ4:
    case SM_FS_CODEC_SNAPPY:
        while (n > 0) {
            size_t take = HADOOP_BLOCK - z->pend.len;
            if (take > n) take = n;
            memcpy(z->pend.data + z->pend.len, src, take);
            z->pend.len += take;
            src += take;
            n -= take;
            if (z->pend.len == HADOOP_BLOCK) SM_TRY(emit_block(z, dst));
        }
        return finish ? emit_block(z, dst) : SM_OK;
    default: return sm_buf_append(dst, src, n);
    }
}

void sm_fs_compressor_free(sm_fs_compressor *z) {
    if (!z) return;
    if (z->open) {
        switch (z->codec) {
        case SM_FS_CODEC_GZIP:
        case SM_FS_CODEC_DEFLATE: deflateEnd(&z->z); break;
        case SM_FS_CODEC_BZIP2: BZ2_bzCompressEnd(&z->bz); break;
        default: break;
        }
    }
    if (z->zs) ZSTD_freeCCtx(z->zs);
    sm_buf_free(&z->pend);
    sm_free(z);
}
