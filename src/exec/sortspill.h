/*
 * sortspill.h — the external merge sort (exec/sortspill.c) and the two
 * comparison helpers of exec/sort.c it shares.
 */
#ifndef SM_EXEC_SORTSPILL_H
#define SM_EXEC_SORTSPILL_H

#include "exec/exec.h"
#include "exec/spill.h"

/* sort.c: an unsigned image of the first key's row (a smaller prefix sorts
 * first; equal prefixes say nothing), and the full comparison of two rows
 * by their evaluated key vectors kx[0..nsort) and ky[0..nsort) (<0, 0, >0). */
uint64_t exec_sort_prefix(const sm_sort_key *k, const sm_vector *v, int64_t row);
int exec_sort_cmp_rows(const sm_sort_key *sk, int nsort, sm_vector *const *kx, int64_t rx,
                       sm_vector *const *ky, int64_t ry);

/* sortspill.c: the SORT node p as an external merge sort under
 * ctx->memory_limit (exec_sort calls it when the in-memory sort would not
 * fit; it runs the child again). */
int exec_sort_external(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);

/* sortspill.c: the first k rows of the SORT node p, in its order (exactly
 * the in-memory sort's first k), holding about 2k rows per input partition
 * at a time: LIMIT over ORDER BY (exec.c) uses it instead of sorting
 * everything.  When the partitions' buffers together could pass 4M rows it
 * returns the whole sort (exec_sort) instead. */
int exec_sort_topk(sm_exec_ctx *ctx, const sm_plan *p, int64_t k, sm_mset **out);

#endif
