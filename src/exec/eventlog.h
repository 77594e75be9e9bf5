/*
 * eventlog.h — the event log: one JSON object per line for every job,
 * stage, task and operator a session runs (exec/eventlog.c).
 *
 * Spark writes a listener event log (spark.eventLog.enabled,
 * spark.eventLog.dir) that its history server and tools read; smelt writes
 * the same kind of record, in the same vocabulary, as JSON lines:
 *
 *   JobStart        {"Event":"JobStart","Job ID":1,"Action":"write_csv","Timestamp":ms}
 *   StageStart      {"Event":"StageStart","Job ID":1,"Stage ID":2,"Operator":"Aggregate","Tasks":2,...}
 *   TaskEnd         {"Event":"TaskEnd","Job ID":1,"Stage ID":2,"Partition":0,"Rows":..,"Batches":..,
 *                    "Duration ns":..,"Result":"succeeded"}
 *   StageEnd        {"Event":"StageEnd","Job ID":1,"Stage ID":2,"Rows":..,"Duration ns":..}
 *   OperatorMetrics {"Event":"OperatorMetrics","Job ID":1,"Operator ID":3,"Parent ID":2,
 *                    "Operator":"Scan csv ...","Rows":..,"Time ns":..,"Tasks":..,
 *                    "Peak memory":..,"Spill bytes":..,"Spill partitions":..,
 *                    scans: "Files","Bytes read","Row groups read"/"skipped",
 *                    "Partitions read"/"skipped"}
 *   OutputCommitted {"Event":"OutputCommitted","Job ID":1,"Path":"out/","Rows":..,"Files":..}
 *   ResultReused    {"Event":"ResultReused","Job ID":2,"Kind":"Distinct"} (a breaker's
 *                    result kept from an earlier action: its input is not read again)
 *   Exchange        {"Event":"Exchange","Job ID":1,"Exchange ID":1,"Rows sent":..,"Bytes sent":..,
 *                    "Rows received":..,"Bytes received":..,"Rounds":..,"Compute ns":..,"Comm ns":..,
 *                    "Kind":"hashpartitioning","Keys":"k","Operator":"Aggregate"} (distributed
 *                    runs: one per exchange per rank, at the job's end; exchange/xmetrics.c)
 *   JobEnd          {"Event":"JobEnd","Job ID":1,"Result":"succeeded"|"failed","Error":"...",
 *                    "Duration ns":..}
 *
 * Distributed runs: every line ends with "Rank":r (the writing process's
 * rank) and is written whole with one write, since the ranks may append to
 * the same file.
 *
 * A job is one action (count, collect, show, a write); a stage is one run
 * of tasks over a plan's partitions (exec_foreach_batch), named after the
 * breaker it feeds ("Result" for the action's own stage); a task is one
 * partition of a stage.  Operator metrics are those of EXPLAIN ANALYZE
 * (exec/metrics.h), written once per job at its end.
 *
 * Threading: tasks write from the pool's threads; every line is formatted
 * into a private buffer and written under the log's mutex with one fwrite,
 * so lines never interleave.  The log is flushed at every job's end.
 * Failures to write the log are ignored (they never fail a job); the first
 * is remembered and reported by sm_event_log_close.
 */
#ifndef SM_EXEC_EVENTLOG_H
#define SM_EXEC_EVENTLOG_H

#include <stdint.h>

#include "exec/exec.h"

typedef struct sm_event_log sm_event_log;

/* Opens (appends to) the log at path.  NULL with the error set on failure. */
sm_event_log *sm_event_log_open(const char *path);
/* Closes the log; SM_IO when any write failed.  NULL is fine. */
int sm_event_log_close(sm_event_log *log);
const char *sm_event_log_path(const sm_event_log *log);

/* A job (action) on ctx: sets ctx->events, ctx->job_id and, when ctx has no
 * metrics yet, per-operator metrics for root; writes JobStart. */
int exec_event_job_begin(sm_exec_ctx *ctx, sm_event_log *log, const sm_plan *root, const char *action);
/* Writes the operator metrics and JobEnd (rc: the action's status; the
 * error text is sm_last_error's) and frees the metrics it made. */
void exec_event_job_end(sm_exec_ctx *ctx, const sm_plan *root, int rc);

/* exec.c's hooks for stages and tasks (no-ops without ctx->events). */
typedef struct {
    int64_t stage_id, t0, rows;
} exec_event_stage;
void exec_event_stage_begin(sm_exec_ctx *ctx, const sm_plan *p, const char *op, int ntasks,
                            exec_event_stage *st);
void exec_event_task_end(sm_exec_ctx *ctx, exec_event_stage *st, int part, int64_t rows,
                         int64_t batches, int64_t ns, int rc);
void exec_event_stage_end(sm_exec_ctx *ctx, exec_event_stage *st, int rc);

/* A node's operator name ("Aggregate", "Scan", ...). */
const char *exec_event_kind_name(const sm_plan *p);

/* exec.c: a breaker's result kept from an earlier action (exec/reuse.h). */
void exec_event_reused(sm_exec_ctx *ctx, const sm_plan *p);

/* Another layer's record (exchange/xmetrics.c: "Exchange"): the event name,
 * then string and integer fields, written after "Job ID". */
void exec_event_record(sm_exec_ctx *ctx, const char *event, const char *const *skeys,
                       const char *const *svals, int ns, const char *const *ikeys, const int64_t *ivals,
                       int ni);

/* write.c: a committed output. */
void exec_event_output(sm_exec_ctx *ctx, const char *path, int64_t rows, int64_t files);

#endif
