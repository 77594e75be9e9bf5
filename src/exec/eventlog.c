/*
 * eventlog.c — JSON lines for jobs, stages, tasks and operators (the
 * format and its vocabulary: eventlog.h; docs/event-log.md).
 *
 * Ids: jobs and stages are numbered from 1 per log (atomics), so one
 * session's log reads like Spark's: job 3 ran stages 5 and 6.  Operators
 * are numbered per job in the pre-order of the plan tree (the order
 * EXPLAIN ANALYZE prints them), with the parent's number, so a reader can
 * rebuild the tree.
 *
 * Times: "Timestamp" is wall-clock milliseconds since the epoch (job start
 * and end); durations are monotonic nanoseconds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/eventlog.h"
#include "exec/metrics.h"
#include "formats/json.h"

struct sm_event_log {
    FILE *f;
    char *path;
    pthread_mutex_t mu;
    _Atomic int64_t next_job, next_stage;
    bool failed;
    int rank; /* distributed runs: this process's rank, written on every line; -1: none */
};

sm_event_log *sm_event_log_open(const char *path) {
    FILE *f = fopen(path, "a");
    if (!f) {
        sm_err(SM_IO, "cannot open the event log %s: %s; check spark.eventLog.dir", path,
               strerror(errno));
        return NULL;
    }
    sm_event_log *log = sm_calloc(1, sizeof *log);
    char *p = sm_strdup(path);
    if (!log || !p) {
        fclose(f);
        sm_free(log);
        sm_free(p);
        sm_err(SM_NOMEM, "out of memory opening the event log");
        return NULL;
    }
    log->f = f;
    log->path = p;
    pthread_mutex_init(&log->mu, NULL);
    atomic_store(&log->next_job, 1);
    atomic_store(&log->next_stage, 1);
    log->rank = -1;
    return log;
}

const char *sm_event_log_path(const sm_event_log *log) { return log ? log->path : NULL; }

int sm_event_log_close(sm_event_log *log) {
    if (!log) return SM_OK;
    bool bad = log->failed;
    if (fclose(log->f) != 0) bad = true;
    int rc = bad ? sm_err(SM_IO, "writing the event log %s failed (disk full?)", log->path) : SM_OK;
    pthread_mutex_destroy(&log->mu);
    sm_free(log->path);
    sm_free(log);
    return rc;
}

/* ---- writing a line ---------------------------------------------------------------- */

static void put_str(sm_buf *b, const char *key, const char *v) {
    sm_buf_appendf(b, ",\"%s\":", key);
    json_escape_string(b, v ? v : "", (int32_t)strlen(v ? v : ""));
}

static void put_int(sm_buf *b, const char *key, int64_t v) {
    sm_buf_appendf(b, ",\"%s\":%lld", key, (long long)v);
}

/* Starts a line: {"Event":"<ev>","Job ID":<job> */
static void begin(sm_buf *b, const char *ev, int64_t job) {
    sm_buf_appendf(b, "{\"Event\":\"%s\",\"Job ID\":%lld", ev, (long long)job);
}

static void emit(sm_event_log *log, sm_buf *b, bool flush) {
    /* distributed runs: every rank may append to the same file, so each
     * line says whose it is and goes out whole at once (O_APPEND) */
    if (log->rank >= 0) {
        sm_buf_appendf(b, ",\"Rank\":%d", log->rank);
        flush = true;
    }
    sm_buf_appendf(b, "}\n");
    const char *s = sm_buf_cstr(b);
    pthread_mutex_lock(&log->mu);
    if (!s || fwrite(s, 1, b->len, log->f) != b->len) log->failed = true;
    if (flush && fflush(log->f) != 0) log->failed = true;
    pthread_mutex_unlock(&log->mu);
    sm_buf_free(b);
}

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- jobs ------------------------------------------------------------------------- */

int exec_event_job_begin(sm_exec_ctx *ctx, sm_event_log *log, const sm_plan *root, const char *action) {
    if (!log) return SM_OK;
    ctx->events = log;
    if (ctx->dist && log->rank < 0) {
        pthread_mutex_lock(&log->mu);
        log->rank = ctx->dist->rank;
        setvbuf(log->f, NULL, _IOFBF, 1 << 16); /* a line per write (nothing written yet) */
        pthread_mutex_unlock(&log->mu);
    }
    ctx->job_id = atomic_fetch_add(&log->next_job, 1);
    ctx->job_t0 = sm_exec_now_ns();
    if (!ctx->metrics && root) {
        ctx->metrics = sm_exec_metrics_new(root);
        if (!ctx->metrics) return sm_err(SM_NOMEM, "out of memory collecting metrics for the event log");
        ctx->metrics_for_log = true;
    }
    sm_buf b = {0};
    begin(&b, "JobStart", ctx->job_id);
    put_str(&b, "Action", action);
    put_int(&b, "Timestamp", wall_ms());
    emit(log, &b, false);
    return SM_OK;
}

const char *exec_event_kind_name(const sm_plan *p) {
    switch (p->kind) {
    case SM_PLAN_SCAN: return "Scan";
    case SM_PLAN_VALUES: return "Values";
    case SM_PLAN_FILTER: return "Filter";
    case SM_PLAN_PROJECT: return "Project";
    case SM_PLAN_AGGREGATE: return "Aggregate";
    case SM_PLAN_DISTINCT: return "Distinct";
    case SM_PLAN_SORT: return "Sort";
    case SM_PLAN_LIMIT: return "Limit";
    case SM_PLAN_UNION: return "Union";
    case SM_PLAN_JOIN: return "Join";
    case SM_PLAN_WINDOW: return "Window";
    case SM_PLAN_SETOP: return "SetOperation";
    case SM_PLAN_EXPAND: return "Expand";
    case SM_PLAN_GENERATE: return "Generate";
    default: return "Operator";
    }
}

/* Writes one OperatorMetrics line per node, pre-order; *next numbers them. */
static void op_lines(sm_exec_ctx *ctx, sm_arena *a, const sm_plan *p, int parent, int *next) {
    int id = (*next)++;
    const sm_op_metrics *op = sm_exec_metrics_find(ctx->metrics, p);
    sm_buf b = {0};
    begin(&b, "OperatorMetrics", ctx->job_id);
    put_int(&b, "Operator ID", id);
    put_int(&b, "Parent ID", parent);
    put_str(&b, "Kind", exec_event_kind_name(p));
    put_str(&b, "Operator", sm_plan_describe(a, p));
    if (op) {
        put_int(&b, "Rows", atomic_load(&op->rows));
        put_int(&b, "Batches", atomic_load(&op->batches));
        put_int(&b, "Time ns", atomic_load(&op->time_ns));
        put_int(&b, "Tasks", atomic_load(&op->streams));
        if (op->breaker_ran) {
            int64_t grow = atomic_load(&op->mem_peak) - atomic_load(&op->mem_base);
            put_int(&b, "Peak memory", grow > 0 ? grow : 0);
        }
        put_int(&b, "Spill bytes", atomic_load(&op->spill_bytes));
        put_int(&b, "Spill partitions", atomic_load(&op->spill_partitions));
        if (op->has_scan) {
            sm_scan_metrics now = {0};
            p->source->metrics(p->source, &now);
            put_int(&b, "Files", now.files);
            put_int(&b, "Bytes read", now.bytes_read - op->scan_before.bytes_read);
            if (now.row_groups_total > 0) {
                put_int(&b, "Row groups read", now.row_groups_read - op->scan_before.row_groups_read);
                put_int(&b, "Row groups skipped", now.row_groups_skipped);
            }
            if (now.partitions_total > 0) {
                put_int(&b, "Partitions read", now.partitions_read);
                put_int(&b, "Partitions skipped", now.partitions_total - now.partitions_read);
            }
        }
    }
    emit(ctx->events, &b, false);
    if (p->child) op_lines(ctx, a, p->child, id, next);
    for (int i = 0; i < p->nchildren; i++) op_lines(ctx, a, p->children[i], id, next);
}

void exec_event_job_end(sm_exec_ctx *ctx, const sm_plan *root, int rc) {
    if (!ctx->events) return;
    if (ctx->metrics && root) {
        sm_arena *a = sm_arena_new();
        int next = 1;
        if (a) op_lines(ctx, a, root, 0, &next);
        sm_arena_free(a);
    }
    sm_buf b = {0};
    begin(&b, "JobEnd", ctx->job_id);
    put_str(&b, "Result", rc == SM_OK ? "succeeded" : "failed");
    if (rc != SM_OK) put_str(&b, "Error", sm_errmsg());
    put_int(&b, "Duration ns", sm_exec_now_ns() - ctx->job_t0);
    put_int(&b, "Timestamp", wall_ms());
    emit(ctx->events, &b, true);
    if (ctx->metrics_for_log) {
        sm_exec_metrics_free(ctx->metrics);
        ctx->metrics = NULL;
        ctx->metrics_for_log = false;
    }
    ctx->events = NULL;
}

/* ---- stages and tasks ---------------------------------------------------------------- */

void exec_event_stage_begin(sm_exec_ctx *ctx, const sm_plan *p, const char *op, int ntasks,
                            exec_event_stage *st) {
    memset(st, 0, sizeof *st);
    if (!ctx->events) return;
    st->stage_id = atomic_fetch_add(&ctx->events->next_stage, 1);
    st->t0 = sm_exec_now_ns();
    sm_buf b = {0};
    begin(&b, "StageStart", ctx->job_id);
    put_int(&b, "Stage ID", st->stage_id);
    put_str(&b, "Operator", op ? op : "Result");
    put_str(&b, "Input", exec_event_kind_name(p));
    put_int(&b, "Tasks", ntasks);
    emit(ctx->events, &b, false);
}

void exec_event_task_end(sm_exec_ctx *ctx, exec_event_stage *st, int part, int64_t rows,
                         int64_t batches, int64_t ns, int rc) {
    if (!ctx->events) return;
    __atomic_fetch_add(&st->rows, rows, __ATOMIC_RELAXED);
    sm_buf b = {0};
    begin(&b, "TaskEnd", ctx->job_id);
    put_int(&b, "Stage ID", st->stage_id);
    put_int(&b, "Partition", part);
    put_int(&b, "Rows", rows);
    put_int(&b, "Batches", batches);
    put_int(&b, "Duration ns", ns);
    put_str(&b, "Result", rc == SM_OK ? "succeeded" : "failed");
    emit(ctx->events, &b, false);
}

void exec_event_stage_end(sm_exec_ctx *ctx, exec_event_stage *st, int rc) {
    if (!ctx->events) return;
    sm_buf b = {0};
    begin(&b, "StageEnd", ctx->job_id);
    put_int(&b, "Stage ID", st->stage_id);
    put_int(&b, "Rows", __atomic_load_n(&st->rows, __ATOMIC_RELAXED));
    put_int(&b, "Duration ns", sm_exec_now_ns() - st->t0);
    put_str(&b, "Result", rc == SM_OK ? "succeeded" : "failed");
    emit(ctx->events, &b, false);
}

void exec_event_output(sm_exec_ctx *ctx, const char *path, int64_t rows, int64_t files) {
    if (!ctx->events) return;
    sm_buf b = {0};
    begin(&b, "OutputCommitted", ctx->job_id);
    put_str(&b, "Path", path);
    put_int(&b, "Rows", rows);
    put_int(&b, "Files", files);
    emit(ctx->events, &b, false);
}

void exec_event_reused(sm_exec_ctx *ctx, const sm_plan *p) {
    if (!ctx->events) return;
    sm_buf b = {0};
    begin(&b, "ResultReused", ctx->job_id);
    put_str(&b, "Kind", exec_event_kind_name(p));
    emit(ctx->events, &b, false);
}

void exec_event_record(sm_exec_ctx *ctx, const char *event, const char *const *skeys,
                       const char *const *svals, int ns, const char *const *ikeys, const int64_t *ivals,
                       int ni) {
    if (!ctx->events) return;
    sm_buf b = {0};
    begin(&b, event, ctx->job_id);
    for (int i = 0; i < ni; i++) put_int(&b, ikeys[i], ivals[i]);
    for (int i = 0; i < ns; i++) put_str(&b, skeys[i], svals[i]);
    emit(ctx->events, &b, false);
}
