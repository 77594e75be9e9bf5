/*
 * sql_support.c — DataFrame builders the SQL analyzer (sql/analyze.c) needs
 * and the public API does not offer: projections of already-bound
 * expressions, sorts by expression trees, EXPAND (grouping sets), a
 * one-row relation (SELECT without FROM), and range().
 *
 * Like dataframe.c, each function builds one plan node in the session
 * arena; expressions stored in nodes are bound against the child's schema.
 * Schemas are arena-owned (freed with the session).  A column reference
 * projected unchanged keeps its input field's qualifier, as Spark's
 * attribute references keep theirs through a Project (a renamed one loses
 * it).
 *
 * Every function accepts a NULL DataFrame and returns NULL, with the error
 * set by whoever failed first.
 */
#include <string.h>

#include "api/api_internal.h"

static sm_plan *ss_plan_new(sm_session *s, sm_plan_kind kind, sm_plan *child) {
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    if (!p) return NULL;
    p->kind = kind;
    p->child = child;
    return p;
}

static sm_schema *ss_schema(sm_session *s, int ncols) {
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    if (!sc) return NULL;
    sc->ncols = ncols;
    sc->fields = sm_arena_alloc(s->arena, (size_t)(ncols > 0 ? ncols : 1) * sizeof(sm_field));
    return sc->fields ? sc : NULL;
}

static int ss_field(sm_session *s, sm_field *f, const char *name, const sm_expr *e,
                    const char *qualifier) {
    f->name = sm_arena_strdup(s->arena, name ? name : "");
    if (!f->name) return SM_NOMEM;
    f->type = e->type;
    f->nullable = e->nullable;
    f->precision = e->precision;
    f->scale = e->scale;
    f->dt = e->dt;
    if (qualifier && !(f->qualifier = sm_arena_strdup(s->arena, qualifier))) return SM_NOMEM;
    return SM_OK;
}

sm_expr *sm_sql_column_ref(sm_session *s, const sm_schema *sc, int col) {
    sm_expr *e = sm_expr_column(s->arena, sc->fields[col].name);
    if (!e) return NULL;
    e->pos = e->end = -1;
    e->col_index = col;
    e->type = sc->fields[col].type;
    e->nullable = sc->fields[col].nullable;
    e->precision = sc->fields[col].precision;
    e->scale = sc->fields[col].scale;
    e->dt = sc->fields[col].dt;
    return e;
}

sm_dataframe *sm_df_project_bound(sm_dataframe *df, int n, sm_expr **exprs, const char **names) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    sm_plan *p = ss_plan_new(s, SM_PLAN_PROJECT, df->plan);
    if (!p || !(p->schema = ss_schema(s, n))) return NULL;
    p->exprs = sm_arena_alloc(s->arena, (size_t)(n > 0 ? n : 1) * sizeof(sm_expr *));
    if (!p->exprs) return NULL;
    for (int i = 0; i < n; i++) {
        const char *q = NULL;
        if (exprs[i]->kind == SM_EX_COLUMN && exprs[i]->col_index >= 0 &&
            exprs[i]->col_index < in->ncols && names[i] &&
            strcmp(in->fields[exprs[i]->col_index].name, names[i]) == 0)
            q = in->fields[exprs[i]->col_index].qualifier;
        if (ss_field(s, &p->schema->fields[i], names[i], exprs[i], q) != SM_OK) return NULL;
        p->exprs[i] = exprs[i];
    }
    p->nexprs = n;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_sort_exprs(sm_dataframe *df, int n, const sm_sort_key *keys,
                               const bool *prebound, const char *text) {
    if (!df) return NULL;
    sm_session *s = df->session;
    sm_plan *p = ss_plan_new(s, SM_PLAN_SORT, df->plan);
    if (!p) return NULL;
    p->schema = df->plan->schema;
    p->sort_keys = sm_arena_alloc(s->arena, (size_t)(n > 0 ? n : 1) * sizeof(sm_sort_key));
    if (!p->sort_keys) return NULL;
    for (int i = 0; i < n; i++) {
        p->sort_keys[i] = keys[i];
        if (prebound && prebound[i]) continue;
        sm_bind_ctx bc;
        sm_session_bind_ctx(s, df->plan->schema, text, &bc);
        if (sm_expr_bind(&bc, keys[i].expr, &p->sort_keys[i].expr) != SM_OK) return NULL;
        if (sm_session_add_bound(s, p->sort_keys[i].expr) != SM_OK) return NULL;
    }
    p->nsort = n;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_expand(sm_dataframe *df, int nsets, int nexprs, sm_expr ***sets,
                           const char **names) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    if (nsets < 1) {
        sm_err(SM_INTERNAL, "EXPAND without grouping sets");
        return NULL;
    }
    sm_plan *p = ss_plan_new(s, SM_PLAN_EXPAND, df->plan);
    if (!p || !(p->schema = ss_schema(s, nexprs))) return NULL;
    p->sets = sets;
    p->nsets = nsets;
    p->nexprs = nexprs;
    for (int i = 0; i < nexprs; i++) {
        const sm_expr *e = sets[0][i];
        const char *q = NULL;
        if (e->kind == SM_EX_COLUMN && e->col_index >= 0 && e->col_index < in->ncols)
            q = in->fields[e->col_index].qualifier;
        if (ss_field(s, &p->schema->fields[i], names[i], e, q) != SM_OK) return NULL;
        for (int k = 1; k < nsets; k++)
            if (sets[k][i]->nullable) p->schema->fields[i].nullable = true;
    }
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_one_row(sm_session *s) {
    if (!s) return NULL;
    sm_schema *sc = sm_schema_new(0);
    sm_batch *b = sm_batch_new(0, 1);
    if (!sc || !b) {
        sm_schema_free(sc);
        if (b) sm_batch_free(b);
        sm_err(SM_NOMEM, "out of memory building a one-row relation");
        return NULL;
    }
    sm_dataframe *df = sm_df_from_batches(s, sc, &b, 1);
    sm_schema_free(sc);
    return df;
}

sm_dataframe *sm_df_range(sm_session *s, int64_t start, int64_t end, int64_t step) {
    if (!s) return NULL;
    if (step == 0) {
        sm_err(SM_INVALID, "range: the step must not be 0");
        return NULL;
    }
    int64_t count = 0;
    if (step > 0 && end > start) count = (int64_t)(((__int128)end - start + step - 1) / step);
    if (step < 0 && end < start) count = (int64_t)(((__int128)start - end - step - 1) / -step);
    sm_schema *sc = sm_schema_new(1);
    if (!sc || sm_schema_set(sc, 0, "id", SM_BIGINT, false) != SM_OK) {
        sm_schema_free(sc);
        sm_err(SM_NOMEM, "out of memory building range()");
        return NULL;
    }
    int nb = (int)((count + SM_BATCH_ROWS - 1) / SM_BATCH_ROWS);
    sm_batch **bs = sm_calloc((size_t)(nb > 0 ? nb : 1), sizeof *bs);
    int rc = bs ? SM_OK : SM_NOMEM;
    int64_t v = start;
    for (int i = 0; i < nb && rc == SM_OK; i++) {
        int64_t rows = count - (int64_t)i * SM_BATCH_ROWS;
        if (rows > SM_BATCH_ROWS) rows = SM_BATCH_ROWS;
        sm_vector *vec = sm_vector_new(SM_BIGINT, rows);
        bs[i] = sm_batch_new(1, rows);
        if (!vec || !bs[i]) {
            if (vec) sm_vector_unref(vec);
            rc = SM_NOMEM;
            break;
        }
        for (int64_t r = 0; r < rows; r++, v += step) SM_VEC_I64(vec)[r] = v;
        vec->length = rows;
        bs[i]->cols[0] = vec;
    }
    if (rc != SM_OK) {
        for (int i = 0; bs && i < nb; i++)
            if (bs[i]) sm_batch_free(bs[i]);
        sm_free(bs);
        sm_schema_free(sc);
        sm_err(SM_NOMEM, "out of memory building range()");
        return NULL;
    }
    sm_dataframe *df = sm_df_from_batches(s, sc, bs, nb);
    sm_free(bs);
    sm_schema_free(sc);
    return df;
}
