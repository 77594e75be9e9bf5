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

/* Sets shared_scan on every scan under root that the action would read more
 * than once (a self-join, a view or CTE used twice, EXISTS over the same
 * table: TPC-H Q21 reads lineitem three times) and clears it on the others;
 * exec then reads such a scan once per action and streams the kept batches
 * to each reader.  Scans under a LIMIT are never shared (the limit stops
 * early).  sm_plan_prune_columns runs it (plan/scan_share.c). */
void sm_plan_mark_shared_scans(const sm_plan *root);

/* Partition pruning (plan/partition_prune.c): filters on the partition
 * columns of partitioned scans (source->set_partitions) choose the
 * directories each scan reads.  sm_plan_prune_columns runs it first;
 * EXPLAIN runs it to show "partitions read K of N". */
int sm_plan_prune_partitions(const sm_plan *root);

#endif
