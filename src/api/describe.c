/*
 * describe.c — DataFrame.describe(cols...): basic statistics as strings.
 *
 * Spark 3.5's describe(cols) is select(cols).summary("count", "mean",
 * "stddev", "min", "max"), and summary (StatFunctions.summary) works like
 * this, which is what we reproduce:
 *
 *   1. Only numeric and string columns take part (describe() with no names
 *      starts from every column; dates, timestamps and booleans are
 *      skipped even when named).  With none left the result is the
 *      "summary" column alone.
 *   2. Per column: count(c), avg(x), stddev(x), min(c), max(c), where x is
 *      c for numeric columns and CAST(c AS DOUBLE) for strings, so a string
 *      column of numbers has a mean and the others get null.
 *   3. Every statistic is cast to string (count "10", mean "37.375", min of
 *      an int "22"); the output has a "summary" column with the statistic
 *      names and one string column per described column, all nullable.
 *
 * Here the aggregates run as one global aggregation (sm_df_agg) whose single
 * row is turned into five rows of strings, which become an in-memory
 * DataFrame (sm_df_from_batches).  Unlike Spark, which stays lazy until an
 * action, describe() runs the aggregation when called; errors in the data
 * therefore surface here rather than at show().
 *
 * Memory: the aggregate text lives in the session arena; the collected
 * batches are freed here; the result batch is handed to the session.
 */
#include <string.h>

#include "api/api_internal.h"

#define DESCRIBE_NSTATS 5
static const char *const describe_stats[DESCRIBE_NSTATS] = {"count", "mean", "stddev", "min",
                                                             "max"};

/* `name` with backquotes doubled, in backquotes. */
static char *quote_name(sm_arena *a, const char *name) {
    size_t n = strlen(name), extra = 0;
    for (size_t i = 0; i < n; i++) extra += name[i] == '`';
    char *q = sm_arena_alloc(a, n + extra + 3);
    if (!q) return NULL;
    size_t k = 0;
    q[k++] = '`';
    for (size_t i = 0; i < n; i++) {
        q[k++] = name[i];
        if (name[i] == '`') q[k++] = '`';
    }
    q[k++] = '`';
    q[k] = '\0';
    return q;
}

static void free_batches(sm_batch **batches, int nbatches) {
    for (int i = 0; i < nbatches; i++) sm_batch_free(batches[i]);
    sm_free(batches);
}

/* Builds the 5-row string batch from the aggregate row (stats[5k+j]).
 * agg_batch may be NULL (every statistic null). */
static int describe_batch(sm_session *s, const sm_batch *agg_batch, int k, sm_batch **out) {
    sm_batch *b = sm_batch_new(k + 1, DESCRIBE_NSTATS);
    if (!b) return SM_NOMEM;
    sm_buf buf = {0};
    int rc = SM_OK;
    for (int c = 0; c <= k && rc == SM_OK; c++) {
        sm_vector *v = sm_vector_new(SM_STRING, DESCRIBE_NSTATS);
        if (!v) {
            rc = SM_NOMEM;
            break;
        }
        b->cols[c] = v;
        for (int j = 0; j < DESCRIBE_NSTATS && rc == SM_OK; j++) {
            if (c == 0) {
                rc = sm_vector_append_str(v, describe_stats[j], (int32_t)strlen(describe_stats[j]));
                continue;
            }
            const sm_vector *src = agg_batch ? agg_batch->cols[(c - 1) * DESCRIBE_NSTATS + j] : NULL;
            if (!src || agg_batch->nrows < 1 || sm_vector_is_null(src, 0)) {
                rc = sm_vector_append_null(v);
                continue;
            }
            sm_value val;
            sm_vector_get(src, 0, &val);
            buf.len = 0;
            rc = sm_value_to_string(&val, s->tz, &buf);
            if (rc == SM_OK) rc = sm_vector_append_str(v, buf.data ? buf.data : "", (int32_t)buf.len);
        }
    }
    sm_buf_free(&buf);
    if (rc != SM_OK) {
        sm_batch_free(b);
        return rc;
    }
    *out = b;
    return SM_OK;
}

sm_dataframe *sm_df_describe(sm_dataframe *df, int n, const char *const *cols) {
    if (!df) return NULL;
    sm_session *s = df->session;
    if (n > 0 && cols) {
        sm_column **sel = sm_arena_alloc(s->arena, (size_t)n * sizeof *sel);
        if (!sel) return NULL;
        for (int i = 0; i < n; i++)
            if (!(sel[i] = sm_col(s, cols[i]))) return NULL;
        df = sm_df_select(df, n, sel);
        if (!df) return NULL;
    }
    const sm_schema *in = df->plan->schema;

    /* The described columns and their aggregate expressions. */
    int *picked = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *picked);
    const char **exprs =
        sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * DESCRIBE_NSTATS * sizeof *exprs);
    if (!picked || !exprs) return NULL;
    int k = 0;
    for (int c = 0; c < in->ncols; c++) {
        sm_type t = in->fields[c].type;
        if (!sm_type_is_numeric(t) && t != SM_STRING) continue;
        char *q = quote_name(s->arena, in->fields[c].name);
        if (!q) return NULL;
        char *x = t == SM_STRING ? sm_arena_printf(s->arena, "CAST(%s AS DOUBLE)", q) : q;
        const char **e = &exprs[k * DESCRIBE_NSTATS];
        e[0] = sm_arena_printf(s->arena, "count(%s)", q);
        e[1] = x ? sm_arena_printf(s->arena, "avg(%s)", x) : NULL;
        e[2] = x ? sm_arena_printf(s->arena, "stddev(%s)", x) : NULL;
        e[3] = sm_arena_printf(s->arena, "min(%s)", q);
        e[4] = sm_arena_printf(s->arena, "max(%s)", q);
        for (int j = 0; j < DESCRIBE_NSTATS; j++)
            if (!e[j]) return NULL;
        picked[k++] = c;
    }

    sm_batch *agg_batch = NULL;
    sm_batch **batches = NULL;
    int nbatches = 0;
    if (k > 0) {
        sm_dataframe *agg = sm_df_agg(df, k * DESCRIBE_NSTATS, exprs);
        if (!agg) return NULL;
        if (sm_df_collect_batches(agg, &batches, &nbatches) != SM_OK) return NULL;
        for (int b = 0; b < nbatches; b++)
            if (batches[b]->nrows > 0) {
                agg_batch = batches[b];
                break;
            }
    }
    sm_batch *result = NULL;
    int rc = describe_batch(s, agg_batch, k, &result);
    free_batches(batches, nbatches);
    if (rc != SM_OK) return NULL;

    sm_schema *schema = sm_schema_new(k + 1);
    if (!schema) {
        sm_batch_free(result);
        return NULL;
    }
    rc = sm_schema_set(schema, 0, "summary", SM_STRING, true);
    for (int i = 0; i < k && rc == SM_OK; i++)
        rc = sm_schema_set(schema, i + 1, in->fields[picked[i]].name, SM_STRING, true);
    if (rc != SM_OK) {
        sm_schema_free(schema);
        sm_batch_free(result);
        return NULL;
    }
    sm_batch *one[1] = {result};
    sm_dataframe *out = sm_df_from_batches(s, schema, one, 1);
    sm_schema_free(schema);
    /* sm_df_from_batches takes the batch, also when it fails. */
    return out;
}
