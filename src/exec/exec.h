/*
 * exec.h — running plans: streams of batches per partition, stages, tasks.
 *
 * Execution model (Spark's, on threads):
 *   - A plan is cut into stages at pipeline breakers (aggregate, distinct,
 *     sort, limit, union's repartition).  Inside a stage, scan → filter →
 *     project run as one pipeline per partition: a *stream* pulls a batch
 *     from its child, transforms it and hands it up, so nothing is
 *     materialized between them.
 *   - A stage runs as tasks, one per partition, on the session's thread pool
 *     (exec_foreach_batch).  A breaker consumes its child stage that way
 *     (for example hash aggregation builds one partial table per task, then
 *     merges) and materializes its result as an sm_mset: partitions of
 *     batches, which its parent then streams from.
 *   - Results of breakers are cached in the exec context for the duration of
 *     one action, so a node shared by two parents runs once.
 *
 * Every operator speaks the same protocol: exec_num_partitions tells how
 * many partitions a node produces, exec_open opens a stream over one of
 * them, stream->next yields batches (NULL at the end), stream->close frees.
 *
 * Ownership: batches returned by next belong to the caller.
 */
#ifndef SM_EXEC_H
#define SM_EXEC_H

#include "common/pool.h"
#include "expr/expr.h"
#include "plan/plan.h"

/* Materialized partitions of batches. */
typedef struct sm_mset {
    int nparts;
    struct sm_mpart {
        sm_batch **batches;
        int nbatches, cap;
        int64_t nrows; /* every row, in memory and spilled */
        /* batches after the in-memory ones, written to a spill file once
         * the budget was reached (exec/msetspill.c); NULL: none */
        struct sm_mspill *spill;
    } *parts;
    /* > 0: sm_mset_add writes a batch to its part's spill file instead of
     * keeping it when sm_mem_in_use() is above this (sm_mset_spill_under) */
    int64_t spill_at;
} sm_mset;

sm_mset *sm_mset_new(int nparts);
int sm_mset_add(sm_mset *m, int part, sm_batch *b); /* takes ownership */
int64_t sm_mset_rows(const sm_mset *m);
void sm_mset_free(sm_mset *m);

struct sm_exec_ctx;
struct fs_commit;

/* Distributed execution over ranks (src/exchange/dist.c, docs/mpi.md):
 * the hooks the executor calls when ctx->dist is set (more than one rank).
 * Scans read only their share of the splits (split i on rank i % nranks),
 * VALUES rows exist on rank 0 only, and every breaker and LIMIT is
 * materialized by `materialize`, which moves its input rows between the
 * ranks first.  Sources whose format is `local_format` (the exchange's own,
 * rows already on this rank) are not dealt. */
typedef struct sm_exec_dist {
    int rank, nranks;
    const char *local_format;
    int (*materialize)(struct sm_exec_ctx *ctx, const sm_plan *p, struct sm_mset **out);
    /* the write protocol (exec/write.c): rank 0 begins the commit, the others
     * join its staging directory; commit_end agrees on every rank's status,
     * then rank 0 finishes (or aborts) and every rank gets its result */
    int (*commit_begin)(struct sm_exec_ctx *ctx, const char *path, int mode, struct fs_commit **out);
    int (*commit_end)(struct sm_exec_ctx *ctx, struct fs_commit *c, int local_rc);
    /* agrees on a status and combines *flag with MAX over the ranks */
    int (*agree)(struct sm_exec_ctx *ctx, int local_rc, int64_t *flag);
    /* the action's result rows: every rank's parts, on rank 0 (in rank
     * order; empty elsewhere); the input mset is taken */
    int (*gather)(struct sm_exec_ctx *ctx, int local_rc, struct sm_mset *in, struct sm_mset **out);
    /* *v summed over the ranks */
    int (*sum)(struct sm_exec_ctx *ctx, int local_rc, int64_t *v);
} sm_exec_dist;

typedef struct sm_exec_ctx {
    sm_eval_ctx eval;
    sm_pool *pool;
    int shuffle_partitions; /* partitions a breaker produces (default: threads) */
    /* cache of materialized breaker results for this action */
    struct sm_exec_cache *cache;
    /* per-operator metrics for EXPLAIN ANALYZE (exec/metrics.h); NULL: none */
    struct sm_exec_metrics *metrics;
    /* the session's breaker results kept across actions (exec/reuse.h);
     * NULL: none */
    struct sm_exec_reuse *reuse;
    /* memory budget in bytes of counted memory (sm_mem_in_use): breakers
     * spill to disk past it (exec/spill.h); 0: no limit */
    int64_t memory_limit;
    /* the session's event log (exec/eventlog.h); NULL: none.  job_id and
     * job_t0 number and time the current action; metrics_for_log: metrics
     * were made for the log (not by EXPLAIN ANALYZE) */
    struct sm_event_log *events;
    int64_t job_id, job_t0;
    bool metrics_for_log;
    /* EXPLAIN ANALYZE: compute every breaker (no results kept from earlier
     * actions), so the metrics show the work */
    bool no_reuse;
    /* distributed execution (above); NULL: this process alone */
    const sm_exec_dist *dist;
    /* spark.sql.autoBroadcastJoinThreshold from the session (bytes; < 0:
     * never broadcast); unset: $SMELT_BROADCAST_THRESHOLD or 10 MB */
    bool broadcast_threshold_set;
    int64_t broadcast_threshold;
} sm_exec_ctx;

int sm_exec_ctx_init(sm_exec_ctx *ctx, sm_pool *pool, const sm_tz *tz, bool ansi);
void sm_exec_ctx_done(sm_exec_ctx *ctx);

typedef struct sm_stream {
    int (*next)(struct sm_stream *s, sm_batch **out);
    void (*close)(struct sm_stream *s);
} sm_stream;

int exec_num_partitions(sm_exec_ctx *ctx, const sm_plan *p);
/* GENERATE's stream over an opened child stream (exec/generate.c; takes it). */
int exec_generate_open(sm_exec_ctx *ctx, const sm_plan *p, sm_stream *child, sm_stream **out);
int exec_open(sm_exec_ctx *ctx, const sm_plan *p, int part, sm_stream **out);

/* Runs one task per partition of `p` on the pool; each pulls every batch of
 * its partition and calls consume(arg, part, batch), which takes ownership
 * of the batch.  consume is called concurrently for different `part`s, never
 * concurrently for the same one.  Returns the first error. */
int exec_foreach_batch(sm_exec_ctx *ctx, const sm_plan *p,
                       int (*consume)(void *arg, int part, sm_batch *b), void *arg);

/* Materializes `p` (any node) into an mset with exec_num_partitions parts. */
int exec_collect(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);

/* A stream over a materialized partition (the mset stays owned by the
 * caller / cache and must outlive the stream). */
int exec_mset_stream(const sm_mset *m, int part, sm_stream **out);

/* Breakers: each materializes its node's output.  Implemented in
 * hashagg.c, distinct.c, sort.c, hashjoin.c (all join types; nested loops
 * for joins without equi-keys), window.c, setop.c. */
int exec_hashagg(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
int exec_distinct(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
/* dropDuplicates of one integer column: a partition moves from its hash
 * table to radix buckets once it holds this many groups, nearly all of its
 * rows so far (distinct.c, "the radix path"); 0: from the first row.  For
 * tests. */
extern int64_t exec_distinct_radix_groups;
int exec_sort(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
int exec_join(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
int exec_window(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
int exec_setop(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);

/* Compares row ra of batch a with row rb of batch b on the sort keys'
 * evaluated vectors (Spark's ordering: nulls first for ASC by default,
 * NaN greater than any number, strings by UTF-8 bytes). */
int exec_compare_values(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb);

#endif
