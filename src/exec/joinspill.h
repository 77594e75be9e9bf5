/*
 * joinspill.h — the grace hash join (exec/joinspill.c) and the hook into
 * exec/hashjoin.c it uses: one in-memory hash join of a build mset against
 * a stream of probe batches.
 */
#ifndef SM_EXEC_JOINSPILL_H
#define SM_EXEC_JOINSPILL_H

#include "exec/exec.h"

/* The next probe (left) batch, *out = NULL at the end; the batch is the
 * caller's. */
typedef int (*sm_join_next_fn)(void *arg, sm_batch **out);

/* hashjoin.c: joins build (the right side's rows, taken) with every batch
 * next() gives, on one thread, adding the output to part `outpart` of out
 * (for right / full joins the unmatched build rows too, at the end). */
int exec_join_part(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *build, sm_join_next_fn next,
                   void *arg, sm_mset *out, int outpart);

/* hashjoin.c: collects the right side of join p into an mset (one that
 * spills past the budget when `spilling`), its columns that neither the
 * keys, the condition nor the join's used outputs read replaced by
 * SM_NULLTYPE placeholders (plan/prune.c marks the unused outputs). */
int exec_join_collect_right(sm_exec_ctx *ctx, const sm_plan *p, bool spilling, sm_mset **out);

/* hashjoin.c: the left columns join p reads (its keys, its condition, its
 * used outputs), or NULL for all (sm_free it); and the replacement of a
 * batch's other columns by SM_NULLTYPE placeholders (false: no memory). */
bool *exec_join_left_needs(const sm_plan *p);
/* The same for the right (build) side: hj_needs_of (exchange/dist.c drops
 * the other columns before rows move between ranks). */
bool *exec_join_right_needs(const sm_plan *p);
bool exec_join_drop_cols(sm_batch *b, const bool *need);

/* joinspill.c */
/* A budget is set and the join has equi-keys (nested loops never spill). */
bool exec_join_can_spill(const sm_exec_ctx *ctx, const sm_plan *p);
/* Collects the right side into an mset that spills past the budget. */
int exec_join_collect_build(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
/* The collected build side spilled, or its hash table would pass three
 * quarters of the budget. */
bool exec_join_must_spill(const sm_exec_ctx *ctx, const sm_plan *p, const sm_mset *build);
/* The whole join as a grace hash join (takes build). */
int exec_join_grace(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *build, sm_mset **out);

#endif
