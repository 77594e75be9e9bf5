/*
 * grouping_api.c — df.rollup(...) and df.cube(...) of the DataFrame API.
 *
 * Spark plans DataFrame rollup/cube and SQL GROUP BY ROLLUP/CUBE the same
 * way (an Expand below the Aggregate, grouping() / grouping_id() reading the
 * grouping id).  smelt keeps one implementation: the aggregation of a
 * rolled-up or cubed DataFrame is analyzed as the equivalent SQL over a
 * temporary view of the DataFrame — SELECT keys, aggs FROM v GROUP BY
 * ROLLUP(keys) — so the two APIs cannot drift apart.  The view exists only
 * while the query is analyzed (the resulting plan points at the DataFrame's
 * plan directly).
 */
#include <stdio.h>
#include <string.h>

#include "sql/sql.h"

static sm_dataframe *grouping_agg(sm_grouped *g, int n, const char *const *exprs) {
    sm_session *s = g->df->session;
    static int counter;
    char view[64];
    snprintf(view, sizeof view, "__smelt_grouping_%d", __atomic_add_fetch(&counter, 1, 0));
    sm_buf b = {0};
    int rc = sm_buf_appendf(&b, "SELECT ");
    for (int k = 0; rc == SM_OK && k < g->nkeys; k++)
        rc = sm_buf_appendf(&b, "%s%s", k ? ", " : "", g->key_texts[k]);
    for (int i = 0; rc == SM_OK && i < n; i++)
        rc = sm_buf_appendf(&b, "%s%s", g->nkeys || i ? ", " : "", exprs[i]);
    if (rc == SM_OK)
        rc = sm_buf_appendf(&b, " FROM `%s` GROUP BY %s(", view, g->grouping == 1 ? "ROLLUP" : "CUBE");
    for (int k = 0; rc == SM_OK && k < g->nkeys; k++)
        rc = sm_buf_appendf(&b, "%s%s", k ? ", " : "", g->key_texts[k]);
    if (rc == SM_OK) rc = sm_buf_appendf(&b, ")");
    sm_dataframe *out = NULL;
    if (rc == SM_OK && sm_session_set_temp_view(s, view, g->df->plan) == SM_OK) {
        out = sm_sql(s, sm_buf_cstr(&b));
        sm_session_drop_temp_view(s, view);
    }
    sm_buf_free(&b);
    return out;
}

static sm_grouped *grouping_new(sm_dataframe *df, int n, const char *const *cols, int kind) {
    sm_grouped *g = sm_df_group_by(df, n, cols); /* checks the columns */
    if (!g) return NULL;
    const char **texts = sm_arena_alloc(df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *texts);
    if (!texts) return NULL;
    for (int i = 0; i < n; i++) {
        texts[i] = sm_arena_strdup(df->session->arena, cols[i]);
        if (!texts[i]) return NULL;
    }
    g->key_texts = texts;
    g->grouping = kind;
    g->agg_text = grouping_agg;
    return g;
}

sm_grouped *sm_df_rollup(sm_dataframe *df, int n, const char *const *cols) {
    return grouping_new(df, n, cols, 1);
}

sm_grouped *sm_df_cube(sm_dataframe *df, int n, const char *const *cols) {
    return grouping_new(df, n, cols, 2);
}
