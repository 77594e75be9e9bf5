/*
 * textout.h — a text output file for the row writers (CSV, JSON lines):
 * a buffer the writer appends to, flushed to a new file, optionally through
 * a compression codec (fs/codec.h: gzip, bzip2, deflate, lz4, snappy,
 * zstd).  The file is created exclusively (O_EXCL: part file names are
 * unique); fs_textout_close flushes and closes it, reporting a failed write
 * or close; fs_textout_abort closes and unlinks it.  Either frees it.
 */
#ifndef SM_FS_TEXTOUT_H
#define SM_FS_TEXTOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/mem.h"
#include "fs/codec.h"

/* Flush once the buffer holds this much. */
#define FS_TEXTOUT_BUF (1 << 20)

typedef struct {
    char *path;
    int fd;
    bool gzip;               /* codec == SM_FS_CODEC_GZIP */
    sm_fs_codec codec;
    sm_fs_compressor *comp;  /* NULL when uncompressed */
    sm_buf out; /* pending text: writers append here, then call fs_textout_maybe_flush */
    sm_buf zout;             /* compressed bytes on their way to the file */
} fs_textout;

/* Creates `path` (which must not exist). Errors: SM_NOMEM, SM_IO. On failure
 * *t is freed and the file does not exist. */
int fs_textout_open(fs_textout *t, const char *path, bool gzip);
/* The same with any codec (SM_FS_CODEC_NONE: plain text). */
int fs_textout_open_codec(fs_textout *t, const char *path, sm_fs_codec codec);
/* Writes the buffer out (through the codec when on). */
int fs_textout_flush(fs_textout *t, bool finish);
static inline int fs_textout_maybe_flush(fs_textout *t) {
    return t->out.len >= FS_TEXTOUT_BUF ? fs_textout_flush(t, false) : 0;
}
int fs_textout_close(fs_textout *t);
void fs_textout_abort(fs_textout *t);

#endif
