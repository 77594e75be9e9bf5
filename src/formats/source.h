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
} sm_source;

#endif
