/*
 * fs.h — local file system access: expanding user paths into files, and
 * reading byte ranges of files.
 *
 * Path expansion follows Spark's file index (InMemoryFileIndex) for the
 * cases smelt supports:
 *   - a regular file is itself;
 *   - a directory stands for its regular files (not recursive), skipping
 *     names that start with '_' or '.' (Spark's hidden/metadata files);
 *   - a glob (fnmatch-style '*', '?', '[..]' and '{a,b}' in any component)
 *     stands for every match, each expanded as above;
 *   - several paths are the concatenation, duplicates removed.
 * Files come out sorted by path.  A path (or glob) matching nothing fails
 * with SM_NOT_FOUND and Spark's message
 *     "[PATH_NOT_FOUND] Path does not exist: file:/abs/path."
 *
 * Ownership: sm_fs_list owns its strings; free with sm_fs_list_free.
 * Mapped ranges (sm_fs_map) own their mapping or buffer; release with
 * sm_fs_unmap.  Everything here is thread-safe (no shared state).
 */
#ifndef SM_FS_H
#define SM_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *path;   /* absolute path */
    int64_t size; /* bytes */
} sm_fs_file;

typedef struct {
    int nfiles;
    sm_fs_file *files;
} sm_fs_list;

/* Expands `paths[0..npaths)` into files as described above.  On success
 * *out holds at least one file... or zero when a directory is empty (Spark
 * then fails schema inference; callers decide). */
int sm_fs_expand(const char *const *paths, int npaths, sm_fs_list *out);
void sm_fs_list_free(sm_fs_list *l);

/* Absolute form of `path` (relative paths are resolved against the current
 * directory; "." and ".." components removed).  Caller frees with sm_free. */
char *sm_fs_abspath(const char *path);

/* A read-only view of bytes [offset, offset+len) of a file. */
typedef struct {
    const char *data; /* first byte of the range */
    int64_t len;      /* bytes available at data */
    void *base;       /* mmap base or malloc'd buffer */
    size_t map_len;
    bool mapped;
} sm_fs_map;

/* Maps the range (clamped to the file's size) with mmap, falling back to
 * read(2) into a buffer when mmap is unavailable (pipes, special files).
 * len < 0 means "to the end of the file".  An empty range gives data != NULL,
 * len 0. */
int sm_fs_map_range(const char *path, int64_t offset, int64_t len, sm_fs_map *out);
void sm_fs_unmap(sm_fs_map *m);

/* True when `path` names a compressed file smelt decompresses on reading
 * (by extension, as Hadoop: .gz .bz2 .deflate .lz4 .snappy .zst; see
 * fs/codec.h).  Such files are read whole, as one split. */
bool sm_fs_is_compressed(const char *path);

/* ---- splits of text files (fs/splits.c) ------------------------------------ */

/* A byte range of input file `file`; end = INT64_MAX: to the end of a
 * compressed file's decompressed text. */
typedef struct sm_fs_split {
    int file;
    int64_t start, end;
} sm_fs_split;
/* Orders files largest first, stably, as Spark packs them. */
void sm_fs_order_like_spark(char **files, int64_t *sizes, int n);
/* Cuts files into ranges of split_bytes (whole_files: one split a file, as
 * for multiLine records); *out (sm_free) holds *nout splits. */
int sm_fs_text_splits(char *const *files, const int64_t *sizes, int nfiles, int64_t split_bytes,
                      bool whole_files, sm_fs_split **out, int *nout);
/* "csv [a.csv, b.csv, ...] 5 files, 9 splits" for EXPLAIN (sm_free'd by the
 * caller; NULL on NOMEM). */
char *sm_fs_describe_files(const char *format, char *const *files, int nfiles, int nsplits);
/* The decompressed contents of a compressed file (compress.c); offsets
 * given to sm_fs_map_range for such a file are offsets in this text. */
int sm_fs_inflate_file(const char *path, sm_fs_map *out);

/* Reads up to `len` bytes at `offset` into buf; *nread = bytes read (short
 * only at end of file). */
int sm_fs_read_range(const char *path, int64_t offset, int64_t len, void *buf, int64_t *nread);

#endif
