/*
 * dataframe.c — DataFrame transformations: each call analyses its
 * arguments against the input's schema and returns a new DataFrame over a
 * new plan node (plan.h).  Nothing runs here; actions live in actions.c.
 *
 * Analysis happens at call time, as in Spark: an unknown column or a
 * malformed expression is reported by the call that mentions it, with a
 * caret under the expression text, and the call returns NULL.  Every
 * function accepts NULL inputs and returns NULL, so a chain of calls can be
 * checked once.
 *
 * Spark rules implemented here (checked against PySpark 3.5):
 *   - withColumn replaces a column of the same name (case-insensitive) in
 *     place, otherwise appends;
 *   - withColumnRenamed and drop ignore names that do not exist;
 *   - na.fill(value) fills only columns whose type matches the value (a
 *     number fills numeric columns, cast to the column's type; a string
 *     fills string columns; a boolean boolean columns); na.fill(dict) casts
 *     each value to its column's type;
 *   - na.drop counts NaN as null;
 *   - groupBy().agg() outputs the grouping columns, then one column per
 *     aggregate expression; expressions over aggregates (sum(x) / 2) are
 *     computed by a projection above the aggregation;
 *   - union matches columns by position and widens types; unionByName by
 *     name, filling missing columns with nulls when allowed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api_internal.h"
#include "exec/reuse.h"
#include "expr/window_funcs.h" /* window: sm_expr_has_window */
#include "formats/csv.h"
#include "formats/dataset.h"
#include "formats/source.h"

/* ---- helpers ---------------------------------------------------------- */

static sm_plan *plan_new(sm_session *s, sm_plan_kind kind, sm_plan *child) {
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    if (!p) return NULL;
    p->kind = kind;
    p->child = child;
    return p;
}

/* Schemas of plan nodes are malloc'd (sm_schema_*) but live as long as the
 * session: they are registered in the arena through a tiny holder so that
 * sm_session_free releases them. */
static sm_schema *schema_for_session(sm_session *s, int ncols);

sm_dataframe *sm_df_wrap(sm_session *s, sm_plan *plan) {
    if (!plan) return NULL;
    sm_dataframe *df = sm_arena_alloc(s->arena, sizeof *df);
    if (!df) return NULL;
    df->session = s;
    df->plan = plan;
    return df;
}

/* Arena-owned schema: fields and names in the arena too. */
static sm_schema *schema_for_session(sm_session *s, int ncols) {
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    if (!sc) return NULL;
    sc->ncols = ncols;
    sc->fields = sm_arena_alloc(s->arena, (size_t)(ncols > 0 ? ncols : 1) * sizeof(sm_field));
    if (!sc->fields) return NULL;
    return sc;
}

static int schema_set(sm_session *s, sm_schema *sc, int col, const char *name, sm_type t,
                      bool nullable) {
    sc->fields[col].name = sm_arena_strdup(s->arena, name ? name : "");
    if (!sc->fields[col].name) return SM_NOMEM;
    sc->fields[col].type = t;
    sc->fields[col].nullable = nullable;
    return SM_OK;
}

static sm_schema *schema_clone(sm_session *s, const sm_schema *src) {
    sm_schema *sc = schema_for_session(s, src->ncols);
    if (!sc) return NULL;
    for (int i = 0; i < src->ncols; i++)
    {
        if (schema_set(s, sc, i, src->fields[i].name, src->fields[i].type,
                       src->fields[i].nullable) != SM_OK)
            return NULL;
        sc->fields[i].precision = src->fields[i].precision; /* DECIMAL */
        sc->fields[i].scale = src->fields[i].scale;
        sc->fields[i].dt = src->fields[i].dt;
    }
    return sc;
}

static int find_column(sm_session *s, const sm_schema *sc, const char *name) {
    if (s->case_sensitive) {
        for (int i = 0; i < sc->ncols; i++)
            if (strcmp(sc->fields[i].name, name) == 0) return i;
        return -1;
    }
    return sm_schema_find(sc, name);
}

/* Index of column `name`, or -1 with the binder's error (Spark's
 * UNRESOLVED_COLUMN, with "did you mean" suggestions). */
static int resolve_column(sm_session *s, const sm_schema *sc, const char *name) {
    int c = find_column(s, sc, name);
    if (c >= 0) return c;
    sm_expr *e = sm_expr_column(s->arena, name);
    sm_bind_ctx bc;
    sm_expr *b;
    if (!e) return -1;
    sm_session_bind_ctx(s, sc, NULL, &bc);
    if (sm_expr_bind(&bc, e, &b) == SM_OK) /* resolvable after all (e.g. ambiguous names) */
        sm_err(SM_ANALYSIS, "[AMBIGUOUS_REFERENCE] Reference `%s` is ambiguous.", name);
    return -1;
}

/* Parses `text` as one expression (aliases allowed) in the session arena. */
static int parse_text(sm_session *s, const char *text, sm_expr **out) {
    if (!text) return sm_err(SM_INVALID, "expression is NULL");
    return sm_expr_parse(s->arena, text, out);
}

static int bind_expr(sm_session *s, const sm_schema *sc, const sm_expr *e, const char *text,
                     bool allow_agg, sm_expr **out) {
    sm_bind_ctx bc;
    sm_session_bind_ctx(s, sc, text, &bc);
    bc.allow_agg = allow_agg;
    SM_TRY(sm_expr_bind(&bc, e, out));
    return sm_session_add_bound(s, *out);
}

/* Output name of a select-list expression: alias, column name as resolved,
 * or Spark's generated name. */
static const char *expr_output_name(sm_session *s, const sm_expr *unbound, const sm_expr *bound,
                                    const sm_schema *in) {
    if (unbound->kind == SM_EX_ALIAS) return unbound->name;
    /* Spark names a plain column reference as the user wrote it ("NAME"
     * for a column called name). */
    if (unbound->kind == SM_EX_COLUMN && unbound->name)
        return (bound->kind == SM_EX_COLUMN || bound->kind == SM_EX_CALL) && bound->name
                   ? bound->name /* a struct field s.f is named f */
                   : unbound->name;
    (void)in;
    /* Spark names select / agg items after resolution: from the bound tree's
     * types and column names ("(k + 1)" for r.k + 1, "date_add(d, 1)") */
    return sm_expr_sql_name_bound(s->arena, unbound, bound);
}

static sm_expr *column_ref(sm_session *s, const sm_schema *sc, int col) {
    sm_expr *e = sm_expr_column(s->arena, sc->fields[col].name);
    if (!e) return NULL;
    e->col_index = col;
    e->type = sc->fields[col].type;
    e->nullable = sc->fields[col].nullable;
    e->precision = sc->fields[col].precision; /* DECIMAL */
    e->scale = sc->fields[col].scale;
    e->dt = sc->fields[col].dt;
    return e;
}

/* A projection node from bound expressions and names. */
static sm_dataframe *make_project(sm_dataframe *df, int n, sm_expr **exprs, const char **names) {
    sm_session *s = df->session;
    sm_plan *p = plan_new(s, SM_PLAN_PROJECT, df->plan);
    if (!p) return NULL;
    p->schema = schema_for_session(s, n);
    p->exprs = exprs;
    p->nexprs = n;
    if (!p->schema) return NULL;
    for (int i = 0; i < n; i++) {
        if (schema_set(s, p->schema, i, names[i], exprs[i]->type, exprs[i]->nullable) != SM_OK)
            return NULL;
        p->schema->fields[i].precision = exprs[i]->precision; /* DECIMAL */
        p->schema->fields[i].scale = exprs[i]->scale;
        p->schema->fields[i].dt = exprs[i]->dt;
        /* A plain column reference keeps its qualifier (t.col), as Spark keeps
         * the attribute's; a renamed one loses it. */
        const sm_schema *in = df->plan->schema;
        int c = exprs[i]->kind == SM_EX_COLUMN ? exprs[i]->col_index : -1;
        if (c >= 0 && c < in->ncols && in->fields[c].qualifier &&
            strcasecmp(in->fields[c].name, names[i]) == 0)
            p->schema->fields[i].qualifier = in->fields[c].qualifier;
    }
    return sm_df_wrap(s, p);
}

/* ---- reading ------------------------------------------------------------ */

/* A scan of files of one format ("csv", "parquet", "json"): the dataset
 * source (listing, partition discovery, the format's reader), registered
 * with the session (freed with it) and with the result cache (exec/reuse.c:
 * results over these paths may be kept across actions). */
sm_dataframe *sm_read_format_paths(sm_session *s, const char *format, const char *const *paths,
                                   int npaths, const char *const *options, const char *schema_ddl) {
    if (!s) return NULL;
    if (!paths || npaths <= 0 || !paths[0]) {
        sm_err(SM_INVALID, "read_%s: no path given; pass a file, a directory or a glob", format);
        return NULL;
    }
    sm_source *src;
    if (ds_source_create(format, paths, npaths, options, schema_ddl, s->tz, s->pool, &src) != SM_OK)
        return NULL;
    if (sm_session_add_source(s, src) != SM_OK) {
        if (src->free) src->free(src);
        return NULL;
    }
    if (sm_exec_reuse_add_source(s->reuse, src, paths, npaths) != SM_OK) return NULL;
    sm_plan *p = plan_new(s, SM_PLAN_SCAN, NULL);
    if (!p) return NULL;
    p->source = src;
    p->schema = schema_clone(s, src->schema);
    if (!p->schema) return NULL;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_read_csv_paths(sm_session *s, const char *const *paths, int npaths,
                                const char *const *options, const char *schema_ddl) {
    return sm_read_format_paths(s, "csv", paths, npaths, options, schema_ddl);
}

sm_dataframe *sm_read_csv(sm_session *s, const char *path, const char *const *options,
                          const char *schema_ddl) {
    const char *paths[1] = {path};
    return sm_read_csv_paths(s, paths, 1, options, schema_ddl);
}

sm_dataframe *sm_read_parquet_paths(sm_session *s, const char *const *paths, int npaths,
                                    const char *const *options, const char *schema_ddl) {
    return sm_read_format_paths(s, "parquet", paths, npaths, options, schema_ddl);
}

sm_dataframe *sm_read_parquet(sm_session *s, const char *path, const char *const *options,
                              const char *schema_ddl) {
    const char *paths[1] = {path};
    return sm_read_parquet_paths(s, paths, 1, options, schema_ddl);
}

sm_dataframe *sm_read_json_paths(sm_session *s, const char *const *paths, int npaths,
                                 const char *const *options, const char *schema_ddl) {
    return sm_read_format_paths(s, "json", paths, npaths, options, schema_ddl);
}

sm_dataframe *sm_read_json(sm_session *s, const char *path, const char *const *options,
                           const char *schema_ddl) {
    const char *paths[1] = {path};
    return sm_read_json_paths(s, paths, 1, options, schema_ddl);
}

sm_dataframe *sm_df_from_batches(sm_session *s, const sm_schema *schema, sm_batch **batches,
                                 int nbatches) {
    sm_plan *p = plan_new(s, SM_PLAN_VALUES, NULL);
    if (p) {
        p->schema = schema_clone(s, schema);
        p->batches = sm_arena_alloc(s->arena, (size_t)(nbatches > 0 ? nbatches : 1) * sizeof(sm_batch *));
    }
    if (!p || !p->schema || !p->batches) goto nomem;
    /* The session owns the batches from here on and frees them at the end. */
    if (s->nbatches + nbatches > s->capbatches) {
        int cap = s->capbatches ? s->capbatches : 8;
        while (cap < s->nbatches + nbatches) cap *= 2;
        sm_batch **nb = sm_realloc(s->batches, (size_t)cap * sizeof *nb);
        if (!nb) goto nomem;
        s->batches = nb;
        s->capbatches = cap;
    }
    for (int i = 0; i < nbatches; i++) {
        p->batches[i] = batches[i];
        s->batches[s->nbatches++] = batches[i];
    }
    p->nbatches = nbatches;
    return sm_df_wrap(s, p);
nomem:
    /* Taken on failure too, so callers never free them (no leak on NOMEM). */
    for (int i = 0; i < nbatches; i++) sm_batch_free(batches[i]);
    return NULL;
}

/* ---- columns -------------------------------------------------------------- */

static sm_column *column_new(sm_session *s, sm_expr *e, const char *text) {
    if (!e) return NULL;
    sm_column *c = sm_arena_alloc(s->arena, sizeof *c);
    if (!c) return NULL;
    c->session = s;
    c->expr = e;
    c->text = text;
    return c;
}

sm_column *sm_col(sm_session *s, const char *name) {
    if (!s || !name) return NULL;
    if (strcmp(name, "*") == 0) return column_new(s, sm_expr_new(s->arena, SM_EX_STAR), NULL);
    return column_new(s, sm_expr_column(s->arena, name), NULL);
}

sm_column *sm_col_expr(sm_session *s, const char *sql) {
    if (!s) return NULL;
    sm_expr *e;
    if (parse_text(s, sql, &e) != SM_OK) return NULL;
    return column_new(s, e, sm_arena_strdup(s->arena, sql));
}

static sm_column *lit(sm_session *s, sm_value v) {
    if (!s) return NULL;
    return column_new(s, sm_expr_literal(s->arena, &v), NULL);
}

sm_column *sm_lit_int(sm_session *s, int64_t v) {
    sm_value x = {0};
    if (v >= INT32_MIN && v <= INT32_MAX) {
        x.type = SM_INT;
        x.v.i32 = (int32_t)v;
    } else {
        x.type = SM_BIGINT;
        x.v.i64 = v;
    }
    return lit(s, x);
}
sm_column *sm_lit_double(sm_session *s, double v) {
    sm_value x = {.type = SM_DOUBLE};
    x.v.f64 = v;
    return lit(s, x);
}
sm_column *sm_lit_string(sm_session *s, const char *v) {
    sm_value x = {.type = SM_STRING};
    x.v.str.ptr = v;
    x.v.str.len = (int32_t)strlen(v);
    return lit(s, x);
}
sm_column *sm_lit_bool(sm_session *s, bool v) {
    sm_value x = {.type = SM_BOOLEAN};
    x.v.b = v;
    return lit(s, x);
}
sm_column *sm_lit_null(sm_session *s) {
    sm_value x = {.type = SM_NULLTYPE, .is_null = true};
    return lit(s, x);
}

sm_column *sm_call(sm_session *s, const char *name, int nargs, sm_column *const *args) {
    if (!s || !name) return NULL;
    sm_expr **a = sm_arena_alloc(s->arena, (size_t)(nargs > 0 ? nargs : 1) * sizeof *a);
    if (!a) return NULL;
    for (int i = 0; i < nargs; i++) {
        if (!args[i]) return NULL;
        a[i] = args[i]->expr;
    }
    return column_new(s, sm_expr_call(s->arena, name, nargs, a), NULL);
}

sm_column *sm_column_alias(sm_column *c, const char *name) {
    if (!c || !name) return NULL;
    return column_new(c->session, sm_expr_alias(c->session->arena, c->expr, name), c->text);
}

sm_column *sm_column_cast(sm_column *c, const char *type_name) {
    if (!c || !type_name) return NULL;
    int t = sm_type_parse(type_name, strlen(type_name));
    if (t < 0) {
        sm_err(SM_INVALID, "[UNSUPPORTED_DATATYPE] Unsupported data type \"%s\".", type_name);
        return NULL;
    }
    return column_new(c->session, sm_expr_cast(c->session->arena, c->expr, (sm_type)t), c->text);
}

sm_column *sm_when(sm_session *s, int n, sm_column *const *conds, sm_column *const *values,
                   sm_column *otherwise) {
    if (!s || n < 1) {
        sm_err(SM_INVALID, "when() needs at least one condition");
        return NULL;
    }
    sm_expr *e = sm_expr_new(s->arena, SM_EX_CASE);
    if (!e) return NULL;
    e->nargs = 2 * n + (otherwise ? 1 : 0);
    e->args = sm_arena_alloc(s->arena, (size_t)e->nargs * sizeof(sm_expr *));
    if (!e->args) return NULL;
    for (int i = 0; i < n; i++) {
        if (!conds[i] || !values[i]) return NULL;
        e->args[2 * i] = conds[i]->expr;
        e->args[2 * i + 1] = values[i]->expr;
    }
    if (otherwise) {
        e->args[2 * n] = otherwise->expr;
        e->has_else = true;
    }
    return column_new(s, e, NULL);
}

/* ---- projections ---------------------------------------------------------- */

/* Whether t.* (star named t; NULL for a bare *) takes a column qualified q:
 * q is t or ends with ".t", case-insensitively. */
static bool star_matches(const char *t, const char *q) {
    if (!t) return true;
    if (!q) return false;
    size_t lt = strlen(t), lq = strlen(q);
    return lq >= lt && strcasecmp(q + lq - lt, t) == 0 && (lq == lt || q[lq - lt - 1] == '.');
}

/* "`a`, `b`" for the CANNOT_RESOLVE_STAR_EXPAND message. */
static const char *star_columns(sm_session *s, const sm_schema *in) {
    sm_buf b = {0};
    for (int c = 0; c < in->ncols; c++) sm_buf_appendf(&b, "%s`%s`", c ? ", " : "", in->fields[c].name);
    char *r = sm_arena_strdup(s->arena, b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    return r ? r : "";
}

/* Expands a select list (STAR → every column) and binds it. */
static sm_dataframe *select_exprs(sm_dataframe *df, int n, sm_expr *const *unbound,
                                  const char *const *texts) {
    /* generators (explode & co): GENERATE nodes below the projection */
    sm_expr **gen_items;
    int gen_n;
    if (sm_df_plan_generators(&df, n, unbound, &gen_items, &gen_n) != SM_OK) return NULL;
    if (gen_items != (sm_expr **)unbound) {
        unbound = gen_items;
        n = gen_n;
        texts = NULL;
    }
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    /* window (api/window.c): OVER expressions become a WINDOW node under the
     * projection; the items are bound against it, named from the originals. */
    sm_dataframe *wdf;
    sm_expr **rw = sm_arena_alloc(s->arena, (size_t)(n > 0 ? n : 1) * sizeof *rw);
    if (!rw || sm_window_plan(df, n, unbound, texts, &wdf, rw) != SM_OK) return NULL;
    int total = 0;
    for (int i = 0; i < n; i++) total += unbound[i]->kind == SM_EX_STAR ? in->ncols : 1;
    sm_expr **exprs = sm_arena_alloc(s->arena, (size_t)(total ? total : 1) * sizeof *exprs);
    const char **names = sm_arena_alloc(s->arena, (size_t)(total ? total : 1) * sizeof *names);
    if (!exprs || !names) return NULL;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (unbound[i]->kind == SM_EX_STAR) {
            int k0 = k;
            for (int c = 0; c < in->ncols; c++) {
                if (!star_matches(unbound[i]->name, in->fields[c].qualifier)) continue; /* t.* */
                exprs[k] = column_ref(s, in, c);
                names[k++] = in->fields[c].name;
            }
            if (k == k0 && unbound[i]->name) {
                sm_err(SM_ANALYSIS, "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `%s`.* given input "
                       "columns %s. Please check that the specified table or struct exists and "
                       "is accessible in the input columns.", unbound[i]->name, star_columns(s, in));
                return NULL;
            }
            continue;
        }
        sm_expr *b;
        if (bind_expr(s, wdf->plan->schema, rw[i], texts ? texts[i] : NULL, false, &b) != SM_OK)
            return NULL; /* window: rw[i] against wdf */
        exprs[k] = b;
        names[k++] = expr_output_name(s, unbound[i], b, in);
    }
    return make_project(wdf, k, exprs, names);
}

sm_dataframe *sm_df_select(sm_dataframe *df, int n, sm_column *const *cols) {
    if (!df) return NULL;
    sm_expr **u = sm_arena_alloc(df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *u);
    const char **t = sm_arena_alloc(df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *t);
    if (!u || !t) return NULL;
    for (int i = 0; i < n; i++) {
        if (!cols[i]) return NULL;
        u[i] = cols[i]->expr;
        t[i] = cols[i]->text;
    }
    return select_exprs(df, n, u, t);
}

sm_dataframe *sm_df_select_expr(sm_dataframe *df, int n, const char *const *exprs) {
    if (!df) return NULL;
    sm_expr **u = sm_arena_alloc(df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *u);
    if (!u) return NULL;
    for (int i = 0; i < n; i++)
        if (parse_text(df->session, exprs[i], &u[i]) != SM_OK) return NULL;
    return select_exprs(df, n, u, exprs);
}

static sm_dataframe *filter_bound(sm_dataframe *df, sm_expr *cond, const char *text) {
    sm_session *s = df->session;
    if (cond->type == SM_NULLTYPE) {
        sm_bind_ctx bc;
        sm_session_bind_ctx(s, df->plan->schema, text, &bc);
        cond = sm_expr_coerce(&bc, cond, SM_BOOLEAN);
        if (!cond) return NULL;
    }
    if (cond->type != SM_BOOLEAN) {
        sm_err(SM_ANALYSIS,
               "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"%s\" due to data type "
               "mismatch: Filter expression \"%s\" of type \"%s\" is not a boolean.",
               text ? text : "condition", text ? text : "condition",
               sm_type_name(cond->type));
        return NULL;
    }
    sm_plan *p = plan_new(s, SM_PLAN_FILTER, df->plan);
    if (!p) return NULL;
    p->schema = df->plan->schema;
    p->cond = cond;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_filter(sm_dataframe *df, const char *condition) {
    if (!df) return NULL;
    sm_expr *u, *b;
    if (parse_text(df->session, condition, &u) != SM_OK) return NULL;
    if (sm_expr_has_window(u)) { /* window: Spark's message */
        sm_err(SM_ANALYSIS, "It is not allowed to use window functions inside WHERE clause.");
        return NULL;
    }
    if (bind_expr(df->session, df->plan->schema, u, condition, false, &b) != SM_OK) return NULL;
    return filter_bound(df, b, condition);
}

sm_dataframe *sm_df_filter_col(sm_dataframe *df, sm_column *c) {
    if (!df || !c) return NULL;
    sm_expr *b;
    if (sm_expr_has_window(c->expr)) { /* window: Spark's message */
        sm_err(SM_ANALYSIS, "It is not allowed to use window functions inside WHERE clause.");
        return NULL;
    }
    if (bind_expr(df->session, df->plan->schema, c->expr, c->text, false, &b) != SM_OK) return NULL;
    return filter_bound(df, b, c->text);
}

/* All columns of df as references, with one replaced/added. */
/* window: only the first `ncols` columns of df are kept (a WINDOW node
 * below adds internal ones). */
static sm_dataframe *with_column_bound(sm_dataframe *df, const char *name, sm_expr *b, int ncols) {
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    int at = find_column(s, in, name);
    if (at >= ncols) at = -1;
    int n = ncols + (at < 0 ? 1 : 0);
    sm_expr **exprs = sm_arena_alloc(s->arena, (size_t)n * sizeof *exprs);
    const char **names = sm_arena_alloc(s->arena, (size_t)n * sizeof *names);
    if (!exprs || !names) return NULL;
    for (int c = 0; c < ncols; c++) {
        if (c == at) {
            exprs[c] = b;
            names[c] = name;
        } else {
            exprs[c] = column_ref(s, in, c);
            names[c] = in->fields[c].name;
        }
        if (!exprs[c]) return NULL;
    }
    if (at < 0) {
        exprs[n - 1] = b;
        names[n - 1] = name;
    }
    return make_project(df, n, exprs, names);
}

/* window: withColumn of an unbound item that may contain OVER. */
static sm_dataframe *with_column_unbound(sm_dataframe *df, const char *name, sm_expr *u,
                                         const char *text) {
    sm_dataframe *wdf;
    sm_expr *rw, *b;
    if (sm_window_plan(df, 1, &u, &text, &wdf, &rw) != SM_OK) return NULL;
    if (bind_expr(df->session, wdf->plan->schema, rw, text, false, &b) != SM_OK) return NULL;
    return with_column_bound(wdf, name, b, df->plan->schema->ncols);
}

sm_dataframe *sm_df_with_column(sm_dataframe *df, const char *name, const char *expr) {
    if (!df || !name) return NULL;
    sm_expr *u;
    if (parse_text(df->session, expr, &u) != SM_OK) return NULL;
    return with_column_unbound(df, name, u, expr);
}

sm_dataframe *sm_df_with_column_col(sm_dataframe *df, const char *name, sm_column *c) {
    if (!df || !name || !c) return NULL;
    return with_column_unbound(df, name, c->expr, c->text); /* window-aware */
}

sm_dataframe *sm_df_with_column_renamed(sm_dataframe *df, const char *existing,
                                        const char *new_name) {
    if (!df || !existing || !new_name) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    int at = find_column(s, in, existing);
    if (at < 0) return df; /* Spark: a no-op when the column does not exist */
    sm_expr **exprs = sm_arena_alloc(s->arena, (size_t)in->ncols * sizeof *exprs);
    const char **names = sm_arena_alloc(s->arena, (size_t)in->ncols * sizeof *names);
    if (!exprs || !names) return NULL;
    for (int c = 0; c < in->ncols; c++) {
        exprs[c] = column_ref(s, in, c);
        names[c] = c == at ? new_name : in->fields[c].name;
        if (!exprs[c]) return NULL;
    }
    return make_project(df, in->ncols, exprs, names);
}

sm_dataframe *sm_df_drop(sm_dataframe *df, int n, const char *const *drop) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    sm_expr **exprs = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *exprs);
    const char **names = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *names);
    if (!exprs || !names) return NULL;
    int k = 0;
    for (int c = 0; c < in->ncols; c++) {
        bool dropped = false;
        for (int i = 0; i < n; i++) {
            if (s->case_sensitive ? strcmp(drop[i], in->fields[c].name) == 0
                                  : strcasecmp(drop[i], in->fields[c].name) == 0)
                dropped = true;
        }
        if (dropped) continue;
        exprs[k] = column_ref(s, in, c);
        names[k++] = in->fields[c].name;
    }
    return make_project(df, k, exprs, names);
}

/* ---- missing values -------------------------------------------------------- */

static bool fill_applies(sm_type value, sm_type col) {
    if (sm_type_is_numeric(value)) return sm_type_is_numeric(col);
    if (value == SM_STRING) return col == SM_STRING;
    if (value == SM_BOOLEAN) return col == SM_BOOLEAN;
    return false;
}

/* The fill expression for column `c`: coalesce(c, CAST(value AS type));
 * for doubles NaN is filled too (Spark's na.fill replaces NaN). */
static sm_expr *fill_expr(sm_session *s, const sm_schema *in, int c, const sm_expr *value) {
    const sm_field *f = &in->fields[c];
    sm_expr *v = sm_expr_cast(s->arena, sm_expr_copy(s->arena, value), f->type);
    sm_expr *col = sm_expr_column(s->arena, f->name);
    if (!v || !col) return NULL;
    if (f->type == SM_DOUBLE) {
        /* nanvl(c, NULL) turns NaN into null */
        sm_value null = {.type = SM_NULLTYPE, .is_null = true};
        sm_expr *nv[2] = {col, sm_expr_cast(s->arena, sm_expr_literal(s->arena, &null), SM_DOUBLE)};
        if (!nv[1]) return NULL;
        col = sm_expr_call(s->arena, "nanvl", 2, nv);
        if (!col) return NULL;
    }
    sm_expr *args[2] = {col, v};
    sm_expr *call = sm_expr_call(s->arena, "coalesce", 2, args);
    if (!call) return NULL;
    sm_expr *b;
    if (bind_expr(s, in, call, NULL, false, &b) != SM_OK) return NULL;
    return b;
}

static int parse_literal(sm_session *s, const char *text, sm_expr **out) {
    SM_TRY(parse_text(s, text, out));
    if ((*out)->kind != SM_EX_LITERAL)
        return sm_err(SM_INVALID,
                      "na.fill: '%s' is not a literal value; use a number, a quoted string or "
                      "true/false",
                      text);
    return SM_OK;
}

sm_dataframe *sm_df_na_fill(sm_dataframe *df, const char *value_sql, int n,
                            const char *const *subset) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    sm_expr *value;
    if (parse_literal(s, value_sql, &value) != SM_OK) return NULL;
    bool *chosen = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1));
    if (!chosen) return NULL;
    if (subset && n > 0) {
        for (int i = 0; i < n; i++) {
            int c = resolve_column(s, in, subset[i]);
            if (c < 0) return NULL;
            chosen[c] = true;
        }
    } else {
        for (int c = 0; c < in->ncols; c++) chosen[c] = true;
    }
    sm_expr **exprs = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *exprs);
    const char **names = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *names);
    if (!exprs || !names) return NULL;
    for (int c = 0; c < in->ncols; c++) {
        names[c] = in->fields[c].name;
        if (chosen[c] && !value->lit.is_null && fill_applies(value->lit.type, in->fields[c].type))
            exprs[c] = fill_expr(s, in, c, value);
        else
            exprs[c] = column_ref(s, in, c);
        if (!exprs[c]) return NULL;
    }
    return make_project(df, in->ncols, exprs, names);
}

sm_dataframe *sm_df_na_fill_map(sm_dataframe *df, const char *const *pairs) {
    if (!df || !pairs) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    sm_expr **exprs = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *exprs);
    const char **names = sm_arena_alloc(s->arena, (size_t)(in->ncols ? in->ncols : 1) * sizeof *names);
    if (!exprs || !names) return NULL;
    for (int c = 0; c < in->ncols; c++) {
        exprs[c] = NULL;
        names[c] = in->fields[c].name;
    }
    for (int i = 0; pairs[i] && pairs[i + 1]; i += 2) {
        int c = resolve_column(s, in, pairs[i]);
        if (c < 0) return NULL;
        sm_expr *value;
        if (parse_literal(s, pairs[i + 1], &value) != SM_OK) return NULL;
        exprs[c] = fill_expr(s, in, c, value);
        if (!exprs[c]) return NULL;
    }
    for (int c = 0; c < in->ncols; c++)
        if (!exprs[c] && !(exprs[c] = column_ref(s, in, c))) return NULL;
    return make_project(df, in->ncols, exprs, names);
}

sm_dataframe *sm_df_na_drop(sm_dataframe *df, const char *how, int thresh, int n,
                            const char *const *subset) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    int *cols = sm_arena_alloc(s->arena, (size_t)(in->ncols + n + 1) * sizeof(int));
    if (!cols) return NULL;
    int ncols = 0;
    if (subset && n > 0) {
        for (int i = 0; i < n; i++) {
            int c = resolve_column(s, in, subset[i]);
            if (c < 0) return NULL;
            cols[ncols++] = c;
        }
    } else {
        for (int c = 0; c < in->ncols; c++) cols[ncols++] = c;
    }
    int min_non_null;
    if (thresh >= 0) {
        min_non_null = thresh;
    } else if (!how || strcasecmp(how, "any") == 0) {
        min_non_null = ncols;
    } else if (strcasecmp(how, "all") == 0) {
        min_non_null = 1;
    } else {
        sm_err(SM_INVALID, "na.drop: how must be 'any' or 'all', not '%s'", how);
        return NULL;
    }
    /* Sum of (CASE WHEN c IS NOT NULL [AND NOT isnan(c)] THEN 1 ELSE 0 END) >= min. */
    sm_buf b = {0};
    int brc = ncols == 0 ? sm_buf_appendf(&b, "0") : SM_OK;
    for (int i = 0; i < ncols && brc == SM_OK; i++) {
        const sm_field *f = &in->fields[cols[i]];
        brc = sm_buf_appendf(&b, "%s(CASE WHEN `%s` IS NOT NULL%s%s%s THEN 1 ELSE 0 END)",
                             i ? " + " : "", f->name, f->type == SM_DOUBLE ? " AND NOT isnan(`" : "",
                             f->type == SM_DOUBLE ? f->name : "", f->type == SM_DOUBLE ? "`)" : "");
    }
    if (brc == SM_OK) brc = sm_buf_appendf(&b, " >= %d", min_non_null);
    /* A failed append must not leave a shorter, still valid condition. */
    const char *text = brc == SM_OK ? sm_arena_strdup(s->arena, sm_buf_cstr(&b)) : NULL;
    sm_buf_free(&b);
    if (!text) return NULL;
    return sm_df_filter(df, text);
}

/* ---- distinct, union ---------------------------------------------------------- */

sm_dataframe *sm_df_drop_duplicates(sm_dataframe *df, int n, const char *const *subset) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    sm_plan *p = plan_new(s, SM_PLAN_DISTINCT, df->plan);
    if (!p) return NULL;
    p->schema = df->plan->schema;
    if (subset && n > 0) {
        p->key_cols = sm_arena_alloc(s->arena, (size_t)n * sizeof(int));
        if (!p->key_cols) return NULL;
        for (int i = 0; i < n; i++) {
            int c = resolve_column(s, in, subset[i]);
            if (c < 0) return NULL;
            p->key_cols[p->nkey_cols++] = c;
        }
    }
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_distinct(sm_dataframe *df) { return sm_df_drop_duplicates(df, 0, NULL); }

/* sm_df_union: src/api/setops.c (one widening rule for every set operation). */

sm_dataframe *sm_df_union_by_name(sm_dataframe *df, sm_dataframe *other, bool allow_missing) {
    if (!df || !other) return NULL;
    sm_session *s = df->session;
    const sm_schema *a = df->plan->schema, *b = other->plan->schema;
    /* Output: a's columns, then b's columns missing from a (when allowed). */
    int extra = 0;
    for (int c = 0; c < b->ncols; c++)
        if (find_column(s, a, b->fields[c].name) < 0) {
            if (!allow_missing) {
                sm_err(SM_ANALYSIS,
                       "[NUM_COLUMNS_MISMATCH] unionByName: column `%s` of the second input is "
                       "not in the first; pass allowMissingColumns=true to fill it with nulls.",
                       b->fields[c].name);
                return NULL;
            }
            extra++;
        }
    int n = a->ncols + extra;
    sm_column **lcols = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *lcols);
    sm_column **rcols = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *rcols);
    if (!lcols || !rcols) return NULL;
    int k = 0;
    for (int c = 0; c < a->ncols; c++, k++) {
        lcols[k] = sm_col(s, a->fields[c].name);
        int rc = find_column(s, b, a->fields[c].name);
        if (rc < 0) {
            if (!allow_missing) {
                sm_err(SM_ANALYSIS,
                       "[NUM_COLUMNS_MISMATCH] unionByName: column `%s` of the first input is "
                       "not in the second; pass allowMissingColumns=true to fill it with nulls.",
                       a->fields[c].name);
                return NULL;
            }
            rcols[k] = sm_column_alias(sm_lit_null(s), a->fields[c].name);
        } else {
            rcols[k] = sm_col(s, b->fields[rc].name);
        }
    }
    for (int c = 0; c < b->ncols; c++)
        if (find_column(s, a, b->fields[c].name) < 0) {
            lcols[k] = sm_column_alias(sm_lit_null(s), b->fields[c].name);
            rcols[k++] = sm_col(s, b->fields[c].name);
        }
    sm_dataframe *l = sm_df_select(df, n, lcols), *r = sm_df_select(other, n, rcols);
    if (!l || !r) return NULL;
    return sm_df_union(l, r);
}

/* ---- sort, limit ------------------------------------------------------------ */

sm_dataframe *sm_df_order_by(sm_dataframe *df, int n, const char *const *keys) {
    if (!df) return NULL;
    sm_session *s = df->session;
    sm_plan *p = plan_new(s, SM_PLAN_SORT, df->plan);
    if (!p) return NULL;
    p->schema = df->plan->schema;
    p->sort_keys = sm_arena_alloc(s->arena, (size_t)(n > 0 ? n : 1) * sizeof(sm_sort_key));
    if (!p->sort_keys) return NULL;
    for (int i = 0; i < n; i++) {
        sm_sort_key k;
        if (sm_sort_parse(s->arena, keys[i], &k) != SM_OK) return NULL;
        if (bind_expr(s, df->plan->schema, k.expr, keys[i], false, &k.expr) != SM_OK) return NULL;
        p->sort_keys[i] = k;
    }
    p->nsort = n;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_limit(sm_dataframe *df, int64_t n) {
    if (!df) return NULL;
    if (n < 0) {
        sm_err(SM_INVALID, "limit: the number of rows must be >= 0, got %lld", (long long)n);
        return NULL;
    }
    sm_plan *p = plan_new(df->session, SM_PLAN_LIMIT, df->plan);
    if (!p) return NULL;
    p->schema = df->plan->schema;
    p->limit = n;
    return sm_df_wrap(df->session, p);
}

/* ---- aggregation ---------------------------------------------------------------- */

sm_grouped *sm_df_group_by(sm_dataframe *df, int n, const char *const *cols) {
    if (!df) return NULL;
    sm_session *s = df->session;
    sm_grouped *g = sm_arena_alloc(s->arena, sizeof *g);
    if (!g) return NULL;
    g->df = df;
    g->keys = sm_arena_alloc(s->arena, (size_t)(n > 0 ? n : 1) * sizeof(sm_expr *));
    g->key_names = sm_arena_alloc(s->arena, (size_t)(n > 0 ? n : 1) * sizeof(char *));
    if (!g->keys || !g->key_names) return NULL;
    for (int i = 0; i < n; i++) {
        sm_expr *u;
        if (parse_text(s, cols[i], &u) != SM_OK) return NULL;
        if (bind_expr(s, df->plan->schema, u, cols[i], false, &g->keys[i]) != SM_OK) return NULL;
        /* an expression key is named before resolution (Spark's
         * toPrettySQL of the unresolved key: "(r.k + 1)") */
        g->key_names[i] = u->kind == SM_EX_COLUMN || u->kind == SM_EX_ALIAS
                              ? expr_output_name(s, u, g->keys[i], df->plan->schema)
                              : sm_expr_sql_name(s->arena, u);
    }
    g->nkeys = n;
    return g;
}

typedef struct {
    sm_session *s;
    sm_grouped *g;
    sm_expr **aggs;
    int naggs, capaggs;
    const char *text;
} agg_split;

/* Same bound key expression?  Column references compare by index; anything
 * else by its generated name (good enough for groupBy("x") style keys). */
static int key_position(agg_split *as, const sm_expr *e) {
    for (int k = 0; k < as->g->nkeys; k++) {
        const sm_expr *key = as->g->keys[k];
        if (key->kind == SM_EX_COLUMN && e->kind == SM_EX_COLUMN && key->col_index == e->col_index)
            return k;
    }
    return -1;
}

/* Copies bound tree `e`, replacing aggregate calls by references to the
 * aggregation's output and group-key references by key positions. */
static int split_aggs(agg_split *as, const sm_expr *e, sm_expr **out) {
    sm_session *s = as->s;
    if (e->kind == SM_EX_CALL && e->agg) {
        if (as->naggs == as->capaggs) {
            int cap = as->capaggs ? as->capaggs * 2 : 8;
            sm_expr **na = sm_arena_alloc(s->arena, (size_t)cap * sizeof *na);
            if (!na) return SM_NOMEM;
            if (as->naggs) memcpy(na, as->aggs, (size_t)as->naggs * sizeof *na);
            as->aggs = na;
            as->capaggs = cap;
        }
        as->aggs[as->naggs] = (sm_expr *)e;
        sm_expr *ref = sm_expr_new(s->arena, SM_EX_COLUMN);
        if (!ref) return SM_NOMEM;
        ref->name = sm_expr_sql_name(s->arena, e);
        ref->col_index = as->g->nkeys + as->naggs;
        ref->type = e->type;
        ref->nullable = e->nullable;
        ref->precision = e->precision; /* DECIMAL */
        ref->scale = e->scale;
        ref->dt = e->dt;
        as->naggs++;
        *out = ref;
        return SM_OK;
    }
    if (e->kind == SM_EX_COLUMN) {
        int k = key_position(as, e);
        if (k < 0)
            return sm_err(SM_ANALYSIS,
                          "[MISSING_AGGREGATION] The non-aggregating expression `%s` is based on "
                          "columns which are not participating in the GROUP BY clause. Add the "
                          "columns or the expression to the GROUP BY, aggregate the expression, or "
                          "use \"first(%s)\" if you do not care which value is returned.",
                          e->name, e->name);
        sm_expr *ref = sm_expr_copy(s->arena, e);
        if (!ref) return SM_NOMEM;
        ref->col_index = k;
        *out = ref;
        return SM_OK;
    }
    sm_expr *c = sm_arena_alloc(s->arena, sizeof *c);
    if (!c) return SM_NOMEM;
    *c = *e;
    if (e->nargs) {
        c->args = sm_arena_alloc(s->arena, (size_t)e->nargs * sizeof(sm_expr *));
        if (!c->args) return SM_NOMEM;
        for (int i = 0; i < e->nargs; i++) SM_TRY(split_aggs(as, e->args[i], &c->args[i]));
    }
    *out = c;
    return SM_OK;
}

static sm_dataframe *agg_exprs(sm_grouped *g, int n, sm_expr *const *unbound,
                               const char *const *texts) {
    sm_dataframe *df = g->df;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    agg_split as = {.s = s, .g = g};
    int nout = g->nkeys + n;
    sm_expr **finals = sm_arena_alloc(s->arena, (size_t)(nout ? nout : 1) * sizeof *finals);
    const char **names = sm_arena_alloc(s->arena, (size_t)(nout ? nout : 1) * sizeof *names);
    if (!finals || !names) return NULL;
    for (int i = 0; i < n; i++) {
        sm_expr *b;
        if (bind_expr(s, in, unbound[i], texts ? texts[i] : NULL, true, &b) != SM_OK) return NULL;
        if (split_aggs(&as, b, &finals[g->nkeys + i]) != SM_OK) return NULL;
        names[g->nkeys + i] = expr_output_name(s, unbound[i], b, in);
    }
    /* The aggregation node: keys then aggregate calls. */
    sm_plan *p = plan_new(s, SM_PLAN_AGGREGATE, df->plan);
    if (!p) return NULL;
    p->keys = g->keys;
    p->nkeys = g->nkeys;
    p->aggs = as.aggs;
    p->naggs = as.naggs;
    p->schema = schema_for_session(s, g->nkeys + as.naggs);
    if (!p->schema) return NULL;
    for (int k = 0; k < g->nkeys; k++) {
        const sm_expr *key = g->keys[k];
        const char *name = g->key_names[k];
        if (schema_set(s, p->schema, k, name, key->type, key->nullable) != SM_OK) return NULL;
        p->schema->fields[k].precision = key->precision; /* DECIMAL */
        p->schema->fields[k].scale = key->scale;
        p->schema->fields[k].dt = key->dt;
        finals[k] = column_ref(s, p->schema, k);
        names[k] = name;
        if (!finals[k]) return NULL;
    }
    for (int a = 0; a < as.naggs; a++) {
        if (schema_set(s, p->schema, g->nkeys + a, sm_expr_sql_name(s->arena, as.aggs[a]),
                       as.aggs[a]->type, as.aggs[a]->nullable) != SM_OK)
            return NULL;
        p->schema->fields[g->nkeys + a].precision = as.aggs[a]->precision; /* DECIMAL */
        p->schema->fields[g->nkeys + a].scale = as.aggs[a]->scale;
        p->schema->fields[g->nkeys + a].dt = as.aggs[a]->dt;
    }
    sm_dataframe *agg = sm_df_wrap(s, p);
    if (!agg) return NULL;
    /* The projection computing the requested expressions. */
    return make_project(agg, nout, finals, names);
}

sm_dataframe *sm_grouped_agg(sm_grouped *g, int n, const char *const *exprs) {
    if (!g) return NULL;
    if (g->agg_text) return g->agg_text(g, n, exprs);
    sm_expr **u = sm_arena_alloc(g->df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *u);
    if (!u) return NULL;
    for (int i = 0; i < n; i++)
        if (parse_text(g->df->session, exprs[i], &u[i]) != SM_OK) return NULL;
    return agg_exprs(g, n, u, exprs);
}

sm_dataframe *sm_grouped_agg_cols(sm_grouped *g, int n, sm_column *const *cols) {
    if (!g) return NULL;
    if (g->agg_text) {
        sm_err(SM_UNSUPPORTED, "rollup/cube aggregation takes expressions as text "
                               "(sm_grouped_agg); columns built in C are not supported there yet");
        return NULL;
    }
    sm_expr **u = sm_arena_alloc(g->df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *u);
    const char **t = sm_arena_alloc(g->df->session->arena, (size_t)(n > 0 ? n : 1) * sizeof *t);
    if (!u || !t) return NULL;
    for (int i = 0; i < n; i++) {
        if (!cols[i]) return NULL;
        u[i] = cols[i]->expr;
        t[i] = cols[i]->text;
    }
    return agg_exprs(g, n, u, t);
}

/* Java's String.hashCode over the UTF-16 code units of a UTF-8 string. */
static int32_t java_string_hash(const char *s) {
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int len = 1;
        if (*p < 0x80) {
            cp = *p;
        } else if ((*p & 0xE0) == 0xC0 && p[1]) {
            cp = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
            len = 2;
        } else if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
            cp = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            len = 3;
        } else if ((*p & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
            cp = ((uint32_t)(*p & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                 ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
            len = 4;
        } else {
            cp = *p;
        }
        if (cp >= 0x10000) { /* surrogate pair */
            cp -= 0x10000;
            h = h * 31 + (0xD800 + (cp >> 10));
            h = h * 31 + (0xDC00 + (cp & 0x3FF));
        } else {
            h = h * 31 + cp;
        }
        p += len;
    }
    return (int32_t)h;
}

/* PySpark hands agg({...}) to the JVM as a java.util.HashMap, and Spark
 * turns it into a Scala Map: the output columns come in the HashMap's
 * iteration order (bucket by bucket, insertion order within a bucket), not
 * in the dict's order.  We reproduce that order so that column positions
 * match Spark's.  (Above four entries Scala builds a hash trie whose order
 * differs again; that case keeps the Java order.) */
static void java_hashmap_order(const char *const *keys, int n, int *order) {
    int cap = 16;
    while (n > cap * 3 / 4) cap *= 2;
    int k = 0;
    for (int bucket = 0; bucket < cap; bucket++)
        for (int i = 0; i < n; i++) {
            uint32_t h = (uint32_t)java_string_hash(keys[i]);
            h ^= h >> 16;
            if ((int)(h & (uint32_t)(cap - 1)) == bucket) order[k++] = i;
        }
}

sm_dataframe *sm_grouped_agg_dict(sm_grouped *g, const char *const *pairs) {
    if (!g || !pairs) return NULL;
    sm_session *s = g->df->session;
    int n = 0;
    while (pairs[2 * n] && pairs[2 * n + 1]) n++;
    const char **exprs = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *exprs);
    const char **keys = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *keys);
    int *order = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *order);
    if (!exprs || !keys || !order) return NULL;
    for (int i = 0; i < n; i++) {
        /* a later duplicate key replaces the earlier value in the map */
        keys[i] = pairs[2 * i];
    }
    java_hashmap_order(keys, n, order);
    int m = 0;
    for (int j = 0; j < n; j++) {
        int i = order[j];
        bool replaced = false;
        for (int later = i + 1; later < n; later++)
            if (strcmp(pairs[2 * later], pairs[2 * i]) == 0) replaced = true;
        if (replaced) continue;
        order[m++] = i;
    }
    n = m;
    for (int j = 0; j < n; j++) {
        int i = order[j];
        const char *col = pairs[2 * i], *fn = pairs[2 * i + 1];
        /* Spark accepts "mean" for avg and names the column avg(x) */
        if (strcasecmp(fn, "mean") == 0) fn = "avg";
        exprs[j] = strcmp(col, "*") == 0 ? sm_arena_printf(s->arena, "%s(*)", fn)
                                         : sm_arena_printf(s->arena, "%s(`%s`)", fn, col);
        if (!exprs[j]) return NULL;
    }
    return sm_grouped_agg(g, n, exprs);
}

sm_dataframe *sm_grouped_count(sm_grouped *g) {
    const char *e[1] = {"count(1) AS count"};
    return sm_grouped_agg(g, 1, e);
}

sm_dataframe *sm_df_agg(sm_dataframe *df, int n, const char *const *exprs) {
    return sm_grouped_agg(sm_df_group_by(df, 0, NULL), n, exprs);
}

sm_dataframe *sm_df_agg_dict(sm_dataframe *df, const char *const *pairs) {
    return sm_grouped_agg_dict(sm_df_group_by(df, 0, NULL), pairs);
}

/* ---- schema access ------------------------------------------------------------ */

int sm_df_num_columns(const sm_dataframe *df) { return df ? df->plan->schema->ncols : 0; }

const char *sm_df_column_name(const sm_dataframe *df, int col) {
    if (!df || col < 0 || col >= df->plan->schema->ncols) return NULL;
    return df->plan->schema->fields[col].name;
}

const char *sm_df_column_type(const sm_dataframe *df, int col) {
    if (!df || col < 0 || col >= df->plan->schema->ncols) return NULL;
    const sm_field *f = &df->plan->schema->fields[col];
    if (f->type == SM_DECIMAL) /* "decimal(10,2)", kept with the session */
        return sm_arena_printf(df->session->arena, "decimal(%d,%d)", f->precision, f->scale);
    if (f->type == SM_INTERVAL_YM || f->type == SM_INTERVAL_DT || f->type == SM_TIME) { /* "interval day to second", "time(6)" */
        char ty[48];
        sm_type_format(ty, sizeof ty, f->type, f->precision, f->scale, f->dt);
        return sm_arena_strdup(df->session->arena, ty);
    }
    if (sm_type_is_nested(f->type) && f->dt) { /* "array<int>", "struct<a:int>" */
        int n = sm_type_format(NULL, 0, f->type, f->precision, f->scale, f->dt);
        char *buf = sm_arena_alloc(df->session->arena, (size_t)n + 1);
        if (!buf) return sm_type_name(f->type);
        sm_type_format(buf, (size_t)n + 1, f->type, f->precision, f->scale, f->dt);
        return buf;
    }
    return sm_type_name(f->type);
}
