/*
 * ddspill.h — dropDuplicates(subset) under the memory budget (exec/ddspill.c).
 */
#ifndef SM_EXEC_DDSPILL_H
#define SM_EXEC_DDSPILL_H

#include <stdint.h>

#include "exec/exec.h"

/* Runs the DISTINCT node p (a subset of the columns is the key:
 * key_cols[0..nkeys), of types key_types) over its child again, spilling:
 * every row goes, with its place in the input, to one of SM_SPILL_FANOUT
 * files by a hash of its key, and each file keeps the first row (in input
 * order: partition, then row) of each of its keys.  The rows are those of
 * the in-memory run; their order is not the input order.  *out has npieces
 * parts (the caller's).  Every spill file is closed before it returns,
 * also on error; EXPLAIN ANALYZE's spill counters are set. */
int exec_distinct_subset_spill(sm_exec_ctx *ctx, const sm_plan *p, const int *key_cols, int nkeys,
                               const sm_type *key_types, int npieces, sm_mset **out);

#endif
