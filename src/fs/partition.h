/*
 * partition.h — Hive-style partitioned directory trees, as Spark lays them
 * out and discovers them (fs/partition.c).
 *
 *   table/
 *     year=2024/month=01/part-00000-<uuid>.c000.csv
 *     year=2024/month=__HIVE_DEFAULT_PARTITION__/part-...
 *
 * Escaping (Spark's ExternalCatalogUtils.escapePathName): control bytes
 * 0x01-0x1F, 0x7F and  " # % ' * / : = ? \ { [ ] ^  become %XX (upper-case
 * hex); everything else (UTF-8 included) is kept.  A null or empty value is
 * the directory __HIVE_DEFAULT_PARTITION__.  Unescaping turns %XX (two hex
 * digits) back into the byte and keeps any other '%'.
 *
 * Listing (fs_dataset_list): each input path (file, directory or glob, as
 * sm_fs_expand) is a "base path" (a file's base is its directory) unless
 * the basePath option names one.  Directories are walked level by level,
 * every directory of a level listed in parallel on the pool, then the
 * regular files stat'ed in parallel.  As Spark: names starting with '.' or
 * '_' (but not '_x=y') and names ending in "._COPYING_" are skipped;
 * subdirectories are entered only when their name holds '=' (Spark ignores
 * files under other subdirectories).  Each file's directory, relative to
 * its base path, is parsed into key=value pairs from the leaf upwards
 * (Spark's PartitioningUtils.parsePartition): non key=value names below
 * the first pair are skipped, one above it stops the walk.  Every file
 * must then have the same column names, or the listing fails with Spark's
 * "Conflicting partition column names detected".
 *
 * Output: files sorted by path, each with its partition index; partitions
 * (distinct directories) sorted by path, each with raw (still escaped)
 * values, NULL for __HIVE_DEFAULT_PARTITION__.
 *
 * Ownership: an fs_dataset owns everything in it; fs_dataset_free.
 * Threading: the pool runs the listing tasks; nothing else is shared.
 */
#ifndef SM_FS_PARTITION_H
#define SM_FS_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mem.h"
#include "common/pool.h"

#define FS_DEFAULT_PARTITION "__HIVE_DEFAULT_PARTITION__"

/* Appends the escaped form of s[0..len) to out (Spark's escapePathName). */
int fs_escape_path_name(const char *s, int32_t len, sm_buf *out);
/* Appends the unescaped form of s[0..len) to out (unescapePathName). */
int fs_unescape_path_name(const char *s, int32_t len, sm_buf *out);
/* True for a name Spark's file index skips ("_x" without '=', ".x", "x._COPYING_"). */
bool fs_hidden_name(const char *name);

typedef struct {
    char *path;   /* absolute */
    int64_t size;
    int part;     /* index into fs_dataset.parts, -1 when not partitioned */
} fs_dataset_file;

typedef struct {
    char *dir;     /* the directory relative to its base: "a=1/b=x" */
    char **raw;    /* ncols raw values (escaped), NULL = __HIVE_DEFAULT_PARTITION__ */
} fs_dataset_part;

typedef struct {
    int ncols;            /* partition columns (0: not partitioned) */
    char **names;         /* their names (unescaped) */
    int nparts;
    fs_dataset_part *parts;
    int nfiles;
    fs_dataset_file *files;
} fs_dataset;

/* Lists `paths` as described above; base_path: Spark's basePath option or
 * NULL.  pool may be NULL (serial). */
int fs_dataset_list(const char *const *paths, int npaths, const char *base_path, sm_pool *pool,
                    fs_dataset *out);
void fs_dataset_free(fs_dataset *d);

/* Spark's file packing (FilePartition.getFilePartitions): splits of
 * sizes[0..n) (already in reading order, largest files first) are cut into
 * groups of consecutive splits; out_start[g] is the first split of group g,
 * *ngroups the count (out_start must have n+1 entries).
 * maxSplitBytes = min(max_partition_bytes, max(open_cost, total / parallelism))
 * with total = Σ(size + open_cost); a group is closed when adding the next
 * split would pass maxSplitBytes; each split costs size + open_cost. */
void fs_pack_splits(const int64_t *sizes, int n, int64_t max_partition_bytes, int64_t open_cost,
                    int parallelism, int *out_start, int *ngroups);

#endif
