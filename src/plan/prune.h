/*
 * prune.h — column pruning for scans (prune.c).
 */
#ifndef SM_PRUNE_H
#define SM_PRUNE_H

#include <stdbool.h>

#include "plan/plan.h"

/* Tells every scan under root (through source->set_required, when the
 * source has it) which of its columns the plan reads.  Call at the start of
 * an action, before any split is opened.  SMELT_NO_PRUNE=1 requires all. */
int sm_plan_prune_columns(const sm_plan *root);
/* The same for count(): the root's columns are not read. */
int sm_plan_prune_columns_count(const sm_plan *root);

/* The mask sm_plan_prune_columns would give `scan` (scan->schema->ncols
 * entries in out); all false when scan is not under root.  For tests. */
int sm_plan_required_columns(const sm_plan *root, const sm_plan *scan, bool *out);

/* Partition pruning (plan/partition_prune.c): filters on the partition
 * columns of partitioned scans (source->set_partitions) choose the
 * directories each scan reads.  sm_plan_prune_columns runs it first;
 * EXPLAIN runs it to show "partitions read K of N". */
int sm_plan_prune_partitions(const sm_plan *root);

#endif
