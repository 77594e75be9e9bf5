/*
 * actions.c — the actions that run a DataFrame's plan: count, collect and
 * its results, batch iteration, explain.  (show / printSchema are in
 * show.c, describe in describe.c, write in write_api.c.)
 *
 * Each action makes one execution context (exec.h), which caches the
 * materialized breakers for the duration of the action only.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "formats/source.h"
#include "plan/prune.h"
#include "types/interval.h"

int sm_df_collect_batches(sm_dataframe *df, sm_batch ***out, int *nbatches) {
    if (!df) return sm_errcode() ? sm_errcode() : SM_INVALID;
    sm_exec_ctx ctx;
    SM_TRY(sm_plan_prune_columns(df->plan));
    SM_TRY(sm_session_job_begin(df->session, &ctx, df->plan, "collect"));
    sm_mset *m = NULL;
    int rc = exec_collect(&ctx, df->plan, &m);
    if (ctx.dist) { /* every rank's rows, on every rank (exchange/dist.c) */
        sm_mset *all = NULL;
        rc = ctx.dist->gather(&ctx, rc, rc == SM_OK ? m : NULL, &all);
        if (rc != SM_OK) sm_mset_free(m);
        m = all;
    }
    if (rc == SM_OK) {
        int total = 0;
        for (int p = 0; p < m->nparts; p++) total += m->parts[p].nbatches;
        sm_batch **arr = sm_malloc((size_t)(total ? total : 1) * sizeof *arr);
        if (!arr) {
            rc = SM_NOMEM;
        } else {
            int k = 0;
            for (int p = 0; p < m->nparts; p++) {
                for (int b = 0; b < m->parts[p].nbatches; b++) arr[k++] = m->parts[p].batches[b];
                m->parts[p].nbatches = 0;
            }
            *out = arr;
            *nbatches = total;
        }
    }
    sm_mset_free(m);
    sm_session_job_end(&ctx, df->plan, rc);
    return rc;
}

/* ---- count ------------------------------------------------------------------ */

typedef struct {
    int64_t *per_part;
} count_job;

static int count_consume(void *arg, int part, sm_batch *b) {
    count_job *job = arg;
    job->per_part[part] += b->nrows;
    sm_batch_free(b);
    return SM_OK;
}

int sm_df_count(sm_dataframe *df, int64_t *out) {
    if (!df) return sm_errcode() ? sm_errcode() : SM_INVALID;
    sm_exec_ctx ctx;
    SM_TRY(sm_plan_prune_columns_count(df->plan));
    SM_TRY(sm_session_job_begin(df->session, &ctx, df->plan, "count"));
    int rc = SM_OK;
    int n = exec_num_partitions(&ctx, df->plan);
    if (n < 0) {
        rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
        int64_t total = 0;
        if (ctx.dist) rc = ctx.dist->sum(&ctx, rc, &total); /* the others wait there */
    } else {
        count_job job = {sm_calloc((size_t)(n ? n : 1), sizeof(int64_t))};
        if (!job.per_part) {
            rc = SM_NOMEM;
            int64_t total = 0;
            if (ctx.dist) rc = ctx.dist->sum(&ctx, rc, &total); /* the others wait there */
        } else {
            rc = exec_foreach_batch(&ctx, df->plan, count_consume, &job);
            int64_t total = 0;
            for (int i = 0; i < n; i++) total += job.per_part[i];
            if (ctx.dist) rc = ctx.dist->sum(&ctx, rc, &total); /* over the ranks */
            if (rc == SM_OK) *out = total;
            sm_free(job.per_part);
        }
    }
    sm_session_job_end(&ctx, df->plan, rc);
    return rc;
}

/* ---- results ------------------------------------------------------------------ */

struct sm_result {
    sm_schema *schema;
    const sm_tz *tz;
    sm_batch **batches;
    int nbatches;
    bool owns_batches;
    int64_t *starts; /* first row of each batch; starts[nbatches] = total */
    sm_arena *strings;
};

static sm_result *result_new(const sm_schema *schema, const sm_tz *tz, sm_batch **batches,
                             int nbatches, bool owns) {
    sm_result *r = sm_calloc(1, sizeof *r);
    if (!r) return NULL;
    r->schema = sm_schema_copy(schema);
    r->tz = tz;
    r->batches = batches;
    r->nbatches = nbatches;
    r->owns_batches = owns;
    r->starts = sm_malloc((size_t)(nbatches + 1) * sizeof(int64_t));
    r->strings = sm_arena_new();
    if (!r->schema || !r->starts || !r->strings) {
        r->owns_batches = false;
        sm_result_free(r);
        return NULL;
    }
    int64_t at = 0;
    for (int i = 0; i < nbatches; i++) {
        r->starts[i] = at;
        at += batches[i]->nrows;
    }
    r->starts[nbatches] = at;
    return r;
}

void sm_result_free(sm_result *r) {
    if (!r) return;
    if (r->owns_batches) {
        for (int i = 0; i < r->nbatches; i++) sm_batch_free(r->batches[i]);
        sm_free(r->batches);
    }
    sm_schema_free(r->schema);
    sm_free(r->starts);
    sm_arena_free(r->strings);
    sm_free(r);
}

sm_result *sm_df_collect(sm_dataframe *df) {
    sm_batch **batches;
    int n;
    if (sm_df_collect_batches(df, &batches, &n) != SM_OK) return NULL;
    sm_result *r = result_new(df->plan->schema, df->session->tz, batches, n, true);
    if (!r) {
        for (int i = 0; i < n; i++) sm_batch_free(batches[i]);
        sm_free(batches);
    }
    return r;
}

int64_t sm_result_num_rows(const sm_result *r) { return r ? r->starts[r->nbatches] : 0; }
int sm_result_num_columns(const sm_result *r) { return r ? r->schema->ncols : 0; }

/* Locates a row: binary search over batch starts. */
static const sm_vector *locate(const sm_result *r, int64_t row, int col, int64_t *in_batch) {
    if (!r || row < 0 || row >= r->starts[r->nbatches] || col < 0 || col >= r->schema->ncols)
        return NULL;
    int lo = 0, hi = r->nbatches - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (r->starts[mid] <= row)
            lo = mid;
        else
            hi = mid - 1;
    }
    *in_batch = row - r->starts[lo];
    return r->batches[lo]->cols[col];
}

bool sm_result_is_null(const sm_result *r, int64_t row, int col) {
    int64_t i;
    const sm_vector *v = locate(r, row, col, &i);
    return !v || sm_vector_is_null(v, i);
}

int64_t sm_result_get_int(const sm_result *r, int64_t row, int col) {
    int64_t i;
    const sm_vector *v = locate(r, row, col, &i);
    if (!v || sm_vector_is_null(v, i)) return 0;
    switch (v->type) {
    case SM_BOOLEAN: return SM_VEC_BOOL(v)[i];
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: return SM_VEC_I32(v)[i];
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_TIMESTAMP: return SM_VEC_I64(v)[i];
    case SM_FLOAT:
    case SM_DOUBLE: return (int64_t)SM_VEC_F64(v)[i];
    default: return 0;
    }
}

double sm_result_get_double(const sm_result *r, int64_t row, int col) {
    int64_t i;
    const sm_vector *v = locate(r, row, col, &i);
    if (!v || sm_vector_is_null(v, i)) return 0;
    if (v->type == SM_DOUBLE) return SM_VEC_F64(v)[i];
    return (double)sm_result_get_int(r, row, col);
}

bool sm_result_get_bool(const sm_result *r, int64_t row, int col) {
    return sm_result_get_int(r, row, col) != 0;
}

const char *sm_result_get_string(sm_result *r, int64_t row, int col) {
    int64_t i;
    const sm_vector *v = locate(r, row, col, &i);
    if (!v || sm_vector_is_null(v, i)) return NULL;
    sm_value x;
    sm_vector_get(v, i, &x);
    sm_buf b = {0};
    /* ANSI intervals read as spark-sql prints them (HiveResult): 1-2, 3 00:00:01.000000000 */
    int frc = x.type == SM_INTERVAL_YM   ? sm_iv_format_ym(x.v.i32, 0, 1, true, &b)
              : x.type == SM_INTERVAL_DT ? sm_iv_format_dt(x.v.i64, 0, 3, true, &b)
                                         : sm_value_to_string(&x, r->tz, &b);
    if (frc != SM_OK) {
        sm_buf_free(&b);
        return NULL;
    }
    char *s = sm_arena_strndup(r->strings, b.data ? b.data : "", b.len);
    sm_buf_free(&b);
    return s;
}

const char *sm_result_get_hive_string(sm_result *r, int64_t row, int col) {
    int64_t i;
    const sm_vector *v = locate(r, row, col, &i);
    if (!v || sm_vector_is_null(v, i)) return NULL;
    if (!sm_type_is_nested(v->type)) return sm_result_get_string(r, row, col);
    sm_buf b = {0};
    if (sm_nested_format(v, i, r->tz, true, &b) != SM_OK) {
        sm_buf_free(&b);
        return NULL;
    }
    char *s = sm_arena_strndup(r->strings, b.data ? b.data : "", b.len);
    sm_buf_free(&b);
    return s;
}

/* ---- iteration --------------------------------------------------------------- */

int sm_df_foreach_batch(sm_dataframe *df, sm_batch_callback cb, void *arg) {
    sm_batch **batches;
    int n;
    SM_TRY(sm_df_collect_batches(df, &batches, &n));
    int rc = SM_OK;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        sm_result *r = result_new(df->plan->schema, df->session->tz, &batches[i], 1, false);
        if (!r) {
            rc = SM_NOMEM;
            break;
        }
        rc = cb(arg, r);
        sm_result_free(r);
    }
    for (int i = 0; i < n; i++) sm_batch_free(batches[i]);
    sm_free(batches);
    return rc;
}

/* ---- explain ------------------------------------------------------------------ */

static const char *kind_name(sm_plan_kind k) {
    switch (k) {
    case SM_PLAN_SCAN: return "Scan";
    case SM_PLAN_VALUES: return "LocalTableScan";
    case SM_PLAN_FILTER: return "Filter";
    case SM_PLAN_PROJECT: return "Project";
    case SM_PLAN_AGGREGATE: return "HashAggregate";
    case SM_PLAN_DISTINCT: return "Deduplicate";
    case SM_PLAN_SORT: return "Sort";
    case SM_PLAN_LIMIT: return "Limit";
    case SM_PLAN_UNION: return "Union";
    case SM_PLAN_JOIN: return "Join";
    case SM_PLAN_WINDOW: return "Window";
    case SM_PLAN_SETOP: return "SetOperation";
    case SM_PLAN_EXPAND: return "Expand";
    case SM_PLAN_GENERATE: return "Generate";
    }
    return "?";
}

char *sm_plan_describe(sm_arena *a, const sm_plan *p) {
    sm_buf b = {0};
    sm_buf_appendf(&b, "%s", kind_name(p->kind));
    switch (p->kind) {
    case SM_PLAN_SCAN:
        sm_buf_appendf(&b, " %s", p->source->description ? p->source->description : p->source->format);
        break;
    case SM_PLAN_FILTER: sm_buf_appendf(&b, " %s", sm_expr_sql_name(a, p->cond)); break;
    case SM_PLAN_PROJECT:
        sm_buf_appendf(&b, " [");
        for (int i = 0; i < p->nexprs; i++)
            sm_buf_appendf(&b, "%s%s AS %s", i ? ", " : "", sm_expr_sql_name(a, p->exprs[i]),
                           p->schema->fields[i].name);
        sm_buf_appendf(&b, "]");
        break;
    case SM_PLAN_AGGREGATE:
        sm_buf_appendf(&b, " keys=[");
        for (int i = 0; i < p->nkeys; i++)
            sm_buf_appendf(&b, "%s%s", i ? ", " : "", p->schema->fields[i].name);
        sm_buf_appendf(&b, "], functions=[");
        for (int i = 0; i < p->naggs; i++)
            sm_buf_appendf(&b, "%s%s", i ? ", " : "", p->schema->fields[p->nkeys + i].name);
        sm_buf_appendf(&b, "]");
        break;
    case SM_PLAN_DISTINCT:
        sm_buf_appendf(&b, " [");
        for (int i = 0; i < p->nkey_cols; i++)
            sm_buf_appendf(&b, "%s%s", i ? ", " : "", p->schema->fields[p->key_cols[i]].name);
        sm_buf_appendf(&b, "]");
        break;
    case SM_PLAN_SORT:
        sm_buf_appendf(&b, " [");
        for (int i = 0; i < p->nsort; i++)
            sm_buf_appendf(&b, "%s%s %s NULLS %s", i ? ", " : "",
                           sm_expr_sql_name(a, p->sort_keys[i].expr),
                           p->sort_keys[i].descending ? "DESC" : "ASC",
                           p->sort_keys[i].nulls_first ? "FIRST" : "LAST");
        sm_buf_appendf(&b, "]");
        break;
    case SM_PLAN_LIMIT: sm_buf_appendf(&b, " %lld", (long long)p->limit); break;
    case SM_PLAN_JOIN: {
        static const char *const how[] = {"Inner", "LeftOuter", "RightOuter", "FullOuter",
                                          "LeftSemi", "LeftAnti", "Cross"};
        sm_buf_appendf(&b, " %s%s", how[p->join_type], p->null_aware ? " (null-aware)" : "");
        if (p->njoin_keys) {
            sm_buf_appendf(&b, " keys=[");
            for (int i = 0; i < p->njoin_keys; i++)
                sm_buf_appendf(&b, "%s%s = %s", i ? ", " : "", sm_expr_sql_name(a, p->left_keys[i]),
                               sm_expr_sql_name(a, p->right_keys[i]));
            sm_buf_appendf(&b, "]");
        }
        if (p->cond) sm_buf_appendf(&b, " condition=%s", sm_expr_sql_name(a, p->cond));
        /* column pruning (plan/prune.c) left only these outputs */
        int nout = p->schema ? p->schema->ncols : 0, kept = 0;
        bool pruned = false;
        for (int c = 0; c < nout; c++) pruned = pruned || sm_plan_col_unused(p, c);
        if (pruned) {
            sm_buf_appendf(&b, " output=[");
            for (int c = 0; c < nout; c++)
                if (!sm_plan_col_unused(p, c))
                    sm_buf_appendf(&b, "%s%s", kept++ ? ", " : "", p->schema->fields[c].name);
            sm_buf_appendf(&b, "]");
        }
        break;
    }
    default: break;
    }
    char *s = sm_arena_strndup(a, b.data ? b.data : "", b.len);
    sm_buf_free(&b);
    return s;
}

static void explain_node(sm_arena *a, const sm_plan *p, int depth, FILE *out) {
    fprintf(out, "%*s%s%s\n", depth * 3, "", depth ? "+- " : "", sm_plan_describe(a, p));
    if (p->child) explain_node(a, p->child, depth + 1, out);
    for (int i = 0; i < p->nchildren; i++) explain_node(a, p->children[i], depth + 1, out);
}

int sm_df_explain(sm_dataframe *df, FILE *out) {
    if (!df) return sm_errcode() ? sm_errcode() : SM_INVALID;
    /* "partitions read K of N"; the columns joins keep ("output=[...]") */
    SM_TRY(sm_plan_prune_columns(df->plan));
    sm_arena *a = sm_arena_new();
    if (!a) return SM_NOMEM;
    fprintf(out, "== Physical Plan ==\n");
    explain_node(a, df->plan, 0, out);
    sm_arena_free(a);
    return SM_OK;
}
