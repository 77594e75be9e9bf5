/*
 * explain_analyze.c — EXPLAIN ANALYZE: run a DataFrame's plan, discarding
 * its rows, with per-operator metrics (exec/metrics.h), then print the plan
 * tree with what every operator did: output rows, self time summed over
 * tasks, tasks, peak memory of breakers, and for scans the files, bytes
 * read, Parquet row groups read / skipped by statistics and partitions read
 * / skipped.
 *
 * Distributed runs (docs/mpi.md): every rank runs the plan; the tree shows
 * rank 0's operators, followed by every exchange's rows and bytes per rank,
 * partition sizes, comm / compute times and skew warnings (xmetrics.c).
 *
 * Pruning runs first exactly as for collect() (columns, partitions,
 * statistics), so the counts are those of a real run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api_internal.h"
#include "exchange/xmetrics.h"
#include "exec/eventlog.h"
#include "exec/metrics.h"
#include "plan/prune.h"

static int ea_consume(void *arg, int part, sm_batch *b) {
    (void)arg;
    (void)part;
    sm_batch_free(b);
    return SM_OK;
}

int sm_df_explain_analyze_opts(sm_dataframe *df, bool mask_times, FILE *out) {
    if (!df) return sm_errcode() ? sm_errcode() : SM_INVALID;
    SM_TRY(sm_plan_prune_columns(df->plan));
    sm_exec_ctx ctx;
    SM_TRY(sm_session_exec_ctx(df->session, &ctx));
    ctx.no_reuse = true;
    ctx.metrics = sm_exec_metrics_new(df->plan);
    if (!ctx.metrics) {
        sm_exec_ctx_done(&ctx);
        return sm_err(SM_NOMEM, "out of memory collecting metrics");
    }
    struct sm_event_log *log;
    int xm_from = xm_count(); /* distributed: this run's exchanges (docs/mpi.md) */
    int64_t xm_t0 = sm_exec_now_ns();
    xm_job_begin();
    int rc = sm_session_event_log(df->session, &log);
    if (rc == SM_OK) rc = exec_event_job_begin(&ctx, log, df->plan, "explain_analyze");
    if (rc == SM_OK) rc = exec_foreach_batch(&ctx, df->plan, ea_consume, NULL);
    ctx.metrics->wall_ns = sm_exec_now_ns() - ctx.metrics->start_ns;
    if (rc == SM_OK) sm_exec_metrics_print(ctx.metrics, df->plan, mask_times, out);
    /* every rank's exchanges, printed by rank 0 (a collective) */
    if (rc == SM_OK && ctx.dist) rc = xm_report(xm_from, xm_t0, true, mask_times, out);
    xm_log_job(&ctx);
    exec_event_job_end(&ctx, df->plan, rc);
    sm_exec_metrics_free(ctx.metrics);
    ctx.metrics = NULL;
    sm_exec_ctx_done(&ctx);
    return rc;
}

int sm_df_explain_analyze(sm_dataframe *df, FILE *out) {
    const char *m = getenv("SMELT_EXPLAIN_MASK_TIMES");
    return sm_df_explain_analyze_opts(df, m && *m && *m != '0', out);
}
