/*
 * codec.h — the compression codecs of text files (CSV, JSON lines), as
 * Spark reads and writes them through Hadoop's codecs.
 *
 * Reading: the codec is chosen by the file name's extension, as Hadoop's
 * CompressionCodecFactory does (case-sensitive suffixes): .gz gzip, .bz2
 * bzip2, .deflate zlib, .lz4 and .snappy Hadoop's block framing around raw
 * LZ4 / Snappy blocks, .zst Zstandard.  sm_fs_map_range (list.c) hands
 * readers the decompressed text of such a file, so formats never see the
 * codec; a compressed file is one split (sm_fs_is_compressed).
 *
 * Writing: the `compression` write option (Spark's names: none,
 * uncompressed, bzip2, deflate, gzip, lz4, snappy, their Hadoop class
 * names, and zstd, which Spark 3.5's local build refuses for text) picks
 * the codec; part files get its extension (part-...-c000.csv.bz2).
 *
 * Memory: decompressed text is one sm_malloc'd buffer (the caller owns
 * it); a compressor owns its library state (sm_fs_compressor_free).
 * Everything is thread-safe (no shared state).
 */
#ifndef SM_FS_CODEC_H
#define SM_FS_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mem.h"

typedef enum {
    SM_FS_CODEC_NONE = 0,
    SM_FS_CODEC_GZIP,
    SM_FS_CODEC_BZIP2,
    SM_FS_CODEC_DEFLATE,
    SM_FS_CODEC_LZ4,
    SM_FS_CODEC_SNAPPY,
    SM_FS_CODEC_ZSTD,
    SM_FS_CODEC_COUNT
} sm_fs_codec;

/* The codec a file name's extension names (SM_FS_CODEC_NONE: plain). */
sm_fs_codec sm_fs_codec_of_path(const char *path);
/* The codec a `compression` option value names (Spark's short names,
 * case-insensitive, or Hadoop codec class names).  Unknown: SM_INVALID with
 * Spark's message "Codec [x] is not available. Known codecs are ...". */
int sm_fs_codec_parse(const char *name, sm_fs_codec *out);
/* "gzip", "bzip2", ... ("none" for SM_FS_CODEC_NONE). */
const char *sm_fs_codec_name(sm_fs_codec c);
/* The file extension Hadoop gives the codec: ".gz", ".bz2", ".deflate",
 * ".lz4", ".snappy", ".zst"; "" for none. */
const char *sm_fs_codec_extension(sm_fs_codec c);

/* Decompresses in[0..n) (the whole contents of file `path`, named in
 * errors) into *out (appended; NUL-terminated past its len).  Concatenated
 * gzip / bzip2 / zstd / zlib members and LZ4 frames are read one after
 * another.  Corrupt or truncated input fails with SM_MALFORMED and a
 * message naming the file, the codec and the byte offset in the file. */
int sm_fs_decompress(sm_fs_codec c, const char *path, const unsigned char *in, int64_t n,
                     sm_buf *out);

/* A streaming compressor producing the codec's file format. */
typedef struct sm_fs_compressor sm_fs_compressor;
int sm_fs_compressor_new(sm_fs_codec c, sm_fs_compressor **out);
/* Compresses p[0..n), appending compressed bytes to *dst; finish ends the
 * stream (then the compressor takes no more input). */
int sm_fs_compress(sm_fs_compressor *z, const void *p, size_t n, bool finish, sm_buf *dst);
void sm_fs_compressor_free(sm_fs_compressor *z);

#endif
