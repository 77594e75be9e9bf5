/*
 * dataset.h — file datasets as Spark's file index sees them: partition
 * discovery, typed partition columns, partition pruning and packing of
 * small files into tasks, around any file format's source (CSV, Parquet).
 *
 *     sm_source *src;
 *     ds_source_create("csv", paths, 1, opts, NULL, tz, pool, &src);
 *
 * The paths are listed by fs_dataset_list (fs/partition.h: parallel,
 * recursive into key=value directories); the format's source is created
 * over the listed files; the dataset source's schema is the format's
 * columns followed by the partition columns (typed as Spark infers them,
 * spark.sql.sources.partitionColumnTypeInference.enabled=true, or all
 * strings when ds_partition_type_inference is false), and its
 * splits are groups of the format's splits packed as Spark packs files
 * (maxPartitionBytes 128 MiB, openCostInBytes 4 MiB, minimum parallelism
 * the pool's threads).  Options it reads (and hides from the format):
 * basePath, maxPartitionBytes, openCostInBytes.
 *
 * Ownership/threading: as any source (source.h).  set_partitions and
 * set_required are called by the action's thread before splits open.
 */
#ifndef SM_FORMATS_DATASET_H
#define SM_FORMATS_DATASET_H

#include "common/pool.h"
#include "formats/source.h"
#include "fs/partition.h"
#include "types/datetime.h"

/* Packing and inference settings (Spark's defaults; tests change them). */
extern int64_t ds_max_partition_bytes, ds_open_cost_bytes;
/* Ranks of a distributed run (exchange/comm.c): with more than one, splits
 * are not packed together (ranks get splits i % ranks; the formats cut
 * them evenly, csv.h: csv_split_ranks). */
extern int ds_dist_ranks;
extern bool ds_partition_type_inference;

int ds_source_create(const char *format, const char *const *paths, int npaths,
                     const char *const *options_kv, const char *schema_ddl, const sm_tz *tz,
                     sm_pool *pool, sm_source **out);

/* Spark's type of one raw (escaped) partition value: SM_INT, SM_BIGINT,
 * SM_DECIMAL (*precision, scale 0), SM_DOUBLE, SM_TIMESTAMP, SM_DATE,
 * SM_STRING, or SM_NULLTYPE for NULL (the default partition). */
sm_type ds_infer_value_type(const char *raw, const sm_tz *tz, int *precision);
/* The common type of two (findWiderTypeForPartitionColumn). */
sm_type ds_wider_type(sm_type a, int pa, sm_type b, int pb, int *precision);
/* Types and values of every partition column of d (one vector per column,
 * d->nparts rows); infer=false makes every column a string.  fields gets
 * d->ncols entries (names borrowed from d). */
int ds_partition_values(const fs_dataset *d, bool infer, const sm_tz *tz, sm_field *fields,
                        sm_vector **cols);

#endif
