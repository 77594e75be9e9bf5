/*
 * source.h — the interface every input format implements.
 *
 * A source is a scan of one dataset (a set of files) with a known schema,
 * cut into splits (byte ranges of files, whole files, later Parquet row
 * groups).  Each split becomes one partition, read by one task.  Readers
 * produce batches of at most SM_BATCH_ROWS rows, in file order.
 *
 * Sources are created by the format (formats/csv.h: csv_source_create) and
 * owned by the session; sources and readers must be usable from any thread,
 * and different splits are read concurrently.
 */
#ifndef SM_SOURCE_H
#define SM_SOURCE_H

#include "types/types.h"

typedef struct sm_reader {
    /* *out = next batch (caller owns it), or NULL at the end of the split. */
    int (*next)(struct sm_reader *r, sm_batch **out);
    void (*close)(struct sm_reader *r);
} sm_reader;

/* A simple filter pushed to a scan (plan/scan_filters.c): column `col` of the
 * scan's schema compared with literal values of exactly that column's type
 * (strings point into memory valid only during set_filters).  Sources use
 * them only to skip whole units (Parquet row groups) that statistics prove
 * cannot hold a matching row; the filter stays in the plan, so rows are
 * never dropped because of them. */
typedef enum {
    SM_SF_EQ, SM_SF_LT, SM_SF_LE, SM_SF_GT, SM_SF_GE, /* col OP vals[0] */
    SM_SF_IN,                                          /* col IN (vals[0..nvals)) */
    SM_SF_IS_NULL, SM_SF_NOT_NULL,
} sm_scan_filter_op;

typedef struct sm_scan_filter {
    int col;
    sm_scan_filter_op op;
    int nvals;
    const sm_value *vals;
} sm_scan_filter;

/* What a scan read (EXPLAIN ANALYZE).  Counters (bytes_read,
 * row_groups_read) only grow: take the difference around an action.  The
 * others describe the current pruning state (set by set_filters /
 * set_partitions before the action). */
typedef struct sm_scan_metrics {
    int64_t bytes_read;          /* counter: bytes of file data read (Parquet: column chunks) */
    int64_t row_groups_read;     /* counter: Parquet row groups opened */
    int64_t files;               /* files the scan reads after pruning */
    int64_t row_groups_total;    /* Parquet: non-empty row groups before pruning */
    int64_t row_groups_skipped;  /* Parquet: skipped by statistics */
    int64_t partitions_read, partitions_total; /* partitioned datasets */
} sm_scan_metrics;

typedef struct sm_source {
    const char *format;  /* "csv" */
    sm_schema *schema;   /* output schema of every reader */
    int nsplits;
    int (*open)(struct sm_source *s, int split, sm_reader **out);
    void (*free)(struct sm_source *s);
    char *description;   /* for EXPLAIN: "csv [a.csv, b.csv] 2 files, 4 splits" */
    void *impl;
    /* Optional (NULL = unsupported): which columns the running plan reads
     * (schema->ncols entries; plan/prune.c).  Called before any split of an
     * action is opened; the source keeps a copy, replacing the previous
     * mask.  Readers still produce every column; unrequired ones may come
     * back all-null (and their fields unconverted). */
    int (*set_required)(struct sm_source *s, const bool *required);

    /* Optional (file sources, formats/dataset.h): the file split `split`
     * reads, as an index into the file list the source was created from,
     * and the split's size in bytes (for packing small files into tasks). */
    int (*split_file)(struct sm_source *s, int split, int *file, int64_t *bytes);

    /* Partitioned datasets (formats/dataset.c; 0 / NULL otherwise): the last
     * partition_ncols columns of schema are partition columns, and
     * partition_values holds one row per partition directory (npartitions
     * rows, partition_ncols columns).  set_partitions (plan/prune.c, before
     * any split of an action is opened) keeps only the partitions with
     * keep[p] (NULL = all) and re-packs the splits, so nsplits may change;
     * filters is the pruning predicates' text for EXPLAIN (NULL = none). */
    int partition_ncols;
    int npartitions;
    const sm_batch *partition_values;
    int (*set_partitions)(struct sm_source *s, const bool *keep, const char *filters);

    /* Optional (NULL = no statistics pruning): the simple filters every row
     * this scan produces must pass, for skipping splits by statistics
     * (plan/partition_prune.c calls it before set_partitions, before any
     * split opens; nf == 0 clears).  `text` is their SQL for EXPLAIN
     * ("PushedFilters: [...]").  Afterwards split_skipped (NULL or nsplits
     * entries) marks the splits proven empty; they open as empty readers. */
    int (*set_filters)(struct sm_source *s, const sm_scan_filter *f, int nf, const char *text);
    const bool *split_skipped;
    /* Optional: fills *out (zeroed by the caller) for EXPLAIN ANALYZE. */
    void (*metrics)(struct sm_source *s, sm_scan_metrics *out);
} sm_source;

#endif
