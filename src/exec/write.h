/*
 * write.h — the write operator: runs a plan and commits its rows as a
 * directory of part files (exec/write.c).
 */
#ifndef SM_EXEC_WRITE_H
#define SM_EXEC_WRITE_H

#include "exec/exec.h"
#include "fs/commit.h"
#include "types/datetime.h"

/* One output format: its parsed options and a writer of one part file.
 * open creates `path` (which must not exist) for rows of `schema`; write
 * appends a batch; close finishes the file and frees the writer (errors
 * reported there); abort removes the file and frees the writer. */
typedef struct exec_file_format {
    const char *name;      /* "csv", "parquet" */
    const void *opts;      /* the format's parsed options, passed to open */
    const char *extension; /* part file suffix: ".csv", ".snappy.parquet" */
    int (*open)(const void *opts, const char *path, const sm_schema *schema, const sm_tz *tz,
                void **out);
    int (*write)(void *w, const sm_batch *b);
    int (*close)(void *w);
    void (*abort)(void *w);
} exec_file_format;

/* Runs `plan` with one task per partition, each writing its rows to a part
 * file of `fmt` in a staging directory, then commits it under the save
 * mode.  On any failure nothing is left behind and the target is
 * unchanged.  The format-specific entry points below parse their options
 * first and then call this. */
int exec_write_files(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, fs_save_mode mode,
                     const exec_file_format *fmt, const sm_tz *tz);

/* How the rows are laid out and what an overwrite replaces. */
typedef struct {
    const char *partition_by;  /* "a,b" or NULL */
    int64_t max_records;       /* maxRecordsPerFile; 0 = no limit */
    /* mode overwrite of a partitioned write: replace only the partitions
     * the job writes (partitionOverwriteMode=dynamic) ... */
    bool dynamic_overwrite;
    /* ... or only the partitions under this directory ("p1=a": INSERT
     * OVERWRITE ... PARTITION (p1 = 'a'), Spark's static mode); NULL: the
     * whole output */
    const char *overwrite_prefix;
} exec_write_layout;

/* The same with Hive-style partitioning: partition_by "a,b" (columns of
 * the plan, case-insensitive; NULL/"" = none) writes each row, without
 * those columns, under a=<v>/b=<w>/ (Spark's escaping, null and "" as
 * __HIVE_DEFAULT_PARTITION__), files part-NNNNN-<uuid>.cNNN<ext>;
 * max_records > 0 starts a new file (c001, c002, ...) every max_records
 * rows (Spark's maxRecordsPerFile).  The CSV and Parquet entry points
 * below take both as the options partitionBy and maxRecordsPerFile, and
 * partitionOverwriteMode (static | dynamic) for mode overwrite.
 * layout NULL: one directory, the whole output replaced. */
int exec_write_files_ex(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, fs_save_mode mode,
                        const exec_file_format *fmt, const sm_tz *tz, const exec_write_layout *layout);

/* The directory of one partition ("a=1/b=x", Spark's escaping and
 * __HIVE_DEFAULT_PARTITION__ for null and ""), appended to out. */
int exec_partition_dir(const char *const *names, const sm_value *vals, int n, const sm_tz *tz,
                       sm_buf *out);

/* df.write.mode(mode).options(...).csv(path): runs `plan` with one task per
 * partition, each writing part-NNNNN-<uuid>-c000.csv (.csv.gz with gzip) in a
 * staging directory, then commits it atomically under the save mode (NULL =
 * errorifexists).  options: NULL-terminated key/value pairs (csv_write.h).
 * Timestamps are written in tz.  On any failure nothing is left behind and
 * the target is unchanged. */
int exec_write_csv(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                   const char *const *options, const sm_tz *tz);

/* df.write.mode(mode).options(...).parquet(path): the same with Parquet part
 * files part-NNNNN-<uuid>-c000.snappy.parquet (formats/parquet.h for the
 * options: compression, parquet.block.size, ...). */
int exec_write_parquet(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                       const char *const *options, const sm_tz *tz);
/* df.write.json(path): JSON lines part files part-NNNNN-<uuid>-c000.json
 * (formats/json.h: ignoreNullFields, dateFormat, timestampFormat,
 * compression, ...). */
int exec_write_json(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                    const char *const *options, const sm_tz *tz);

#endif
