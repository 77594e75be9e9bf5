/*
 * joinstream.h — joins that stream (exec/hashjoin.c).
 *
 * An inner, left outer, left semi, left anti or cross join needs nothing
 * after its last probe, so it is not a breaker: exec_num_partitions builds
 * its right side once per action (the exec_join_state, kept in the action's
 * cache by exec.c) and exec_open of partition i probes the left side's
 * partition i batch by batch, in the task that reads it.  The output is the
 * one the materialized join gives (same partitions, same order), but a
 * chain of joins (TPC-H Q5, Q9: lineitem through five joins into an
 * aggregation) keeps no joined rows in memory: only the built sides.
 * Right and full outer joins (the unmatched build rows come after every
 * probe) and distributed runs stay breakers (exec_join).  A build side that
 * does not fit the memory budget makes the join a grace hash join
 * (joinspill.c), whose materialized result the state then streams.
 * SMELT_NO_STREAM_JOIN=1 in the environment materializes every join.
 *
 * Threading: the state is built on the driver thread; its streams run in
 * tasks at the same time and only read it.
 */
#ifndef SM_EXEC_JOINSTREAM_H
#define SM_EXEC_JOINSTREAM_H

#include "exec/exec.h"

typedef struct exec_join_state exec_join_state;

/* Whether join p runs as a stream. */
bool exec_join_streams(const sm_exec_ctx *ctx, const sm_plan *p);
/* Builds p's right side (and materializes every breaker under its left
 * side, as exec_num_partitions does). */
int exec_join_state_new(sm_exec_ctx *ctx, const sm_plan *p, exec_join_state **out);
/* The join's partitions: the left side's. */
int exec_join_state_parts(const exec_join_state *st);
/* A stream over partition `part` of the join. */
int exec_join_state_open(sm_exec_ctx *ctx, exec_join_state *st, int part, sm_stream **out);
void exec_join_state_free(exec_join_state *st);

#endif
