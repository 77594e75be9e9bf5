/*
 * metrics.h — per-operator run-time metrics for EXPLAIN ANALYZE
 * (exec/metrics.c).
 *
 * An action that wants metrics sets ctx->metrics = sm_exec_metrics_new(root)
 * before running; exec.c then wraps every stream it opens (one counter
 * update per batch, never per row) and times breakers.  Counters are
 * atomics shared by the tasks of a node.
 *
 * Time is self time, wall clock summed over the threads that worked for the
 * node: a stream's time in next() minus its children's; a breaker's time
 * on the driver thread (less the stages it runs as tasks) plus the time of
 * its consume callbacks inside those tasks.  Memory is the largest growth
 * of the process's counted memory (sm_mem_in_use) seen while a breaker
 * ran, sampled per batch: an estimate of its hash table or sort buffer
 * (concurrent work is included).  A breaker that spilled under the memory
 * budget adds the bytes it wrote to spill files and the number of spill
 * partitions (re-partitioned ones counted again): sm_exec_metrics_spilled.
 */
#ifndef SM_EXEC_METRICS_H
#define SM_EXEC_METRICS_H

#include <stdatomic.h>
#include <stdio.h>

#include "exec/exec.h"
#include "formats/source.h"

typedef struct sm_op_metrics {
    const sm_plan *node;
    _Atomic int64_t rows, batches, time_ns, streams;
    _Atomic int64_t mem_base, mem_peak; /* breakers: in-use at start, largest seen */
    _Atomic int64_t spill_bytes, spill_partitions; /* breakers that spilled (exec/spill.h) */
    bool breaker_ran;
    bool has_scan;
    sm_scan_metrics scan_before; /* source metrics when the action started */
} sm_op_metrics;

typedef struct sm_exec_metrics {
    int n, cap;
    sm_op_metrics **ops; /* one per distinct plan node under the root */
    int64_t start_ns, wall_ns;
} sm_exec_metrics;

/* Registers every node under root (so lookups never allocate) and takes the
 * scans' "before" snapshots.  NULL on out of memory. */
sm_exec_metrics *sm_exec_metrics_new(const sm_plan *root);
void sm_exec_metrics_free(sm_exec_metrics *m);
sm_op_metrics *sm_exec_metrics_find(const sm_exec_metrics *m, const sm_plan *p);

int64_t sm_exec_now_ns(void);

/* Adds spilled bytes and partitions to p's counters (no-op without metrics). */
void sm_exec_metrics_spilled(sm_exec_ctx *ctx, const sm_plan *p, int64_t bytes, int64_t partitions);

/* exec.c's hooks. */
int exec_metrics_wrap(sm_exec_ctx *ctx, const sm_plan *p, sm_stream **s);
typedef struct {
    int64_t t0, saved_nested;
    sm_op_metrics *prev_breaker;
    sm_op_metrics *op;
} exec_metrics_span;
/* Around a breaker's materialization (driver thread). */
void exec_metrics_breaker_begin(sm_exec_ctx *ctx, const sm_plan *p, exec_metrics_span *sp);
void exec_metrics_breaker_end(exec_metrics_span *sp);
/* Around a stage run as tasks (exec_foreach_batch): excluded from the
 * calling breaker's driver time; returns the breaker its consume callbacks
 * work for. */
sm_op_metrics *exec_metrics_stage_begin(exec_metrics_span *sp);
void exec_metrics_stage_end(exec_metrics_span *sp);
/* A consume callback's time inside a task. */
void exec_metrics_consumed(sm_op_metrics *op, int64_t ns);

/* Writes the plan tree with the metrics (EXPLAIN ANALYZE text).  mask_times
 * prints times and memory as "*" (golden tests). */
void sm_exec_metrics_print(const sm_exec_metrics *m, const sm_plan *root, bool mask_times, FILE *out);

#endif
