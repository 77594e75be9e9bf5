/*
 * setopspill.h — INTERSECT / EXCEPT [ALL] under the memory budget
 * (exec/setopspill.c).
 */
#ifndef SM_EXEC_SETOPSPILL_H
#define SM_EXEC_SETOPSPILL_H

#include "exec/exec.h"

/* Runs the SETOP node p (ncols columns of types `types` on both sides) over
 * its children again, spilling: both sides' rows go to SM_SPILL_FANOUT file
 * pairs by a hash of the whole row and each pair is counted and emitted on
 * its own.  The rows are those of the in-memory run (setop.c), in another
 * order; *out has npieces parts.  Every spill file is closed before it
 * returns, also on error; EXPLAIN ANALYZE's spill counters are set. */
int exec_setop_spill(sm_exec_ctx *ctx, const sm_plan *p, int ncols, const sm_type *types, int npieces,
                     sm_mset **out);

#endif
