/*
 * window.c (api) — planning window expressions of select lists and
 * withColumn: f(args) OVER (...) anywhere in an item, also nested
 * ("x - lag(x) OVER (ORDER BY t)", "sum(x) OVER () / 2").
 *
 * sm_window_plan walks the unbound items, binds every SM_EX_WINDOW node it
 * finds (window nodes are not searched inside: Spark rejects a window
 * inside a window function's arguments, and the binder reports it) against
 * the input with sm_window_bind, and builds one SM_PLAN_WINDOW node over
 * the input: output = the input's columns ++ one column per window
 * expression, named "__window_<k>" (internal names; the projection that the
 * caller builds on top keeps only the select list).  Each item is copied
 * with its window nodes replaced by references to those columns (as
 * Spark's ExtractWindowExpressions does), to be bound against the new node
 * by the caller; the items' output names must still come from the original
 * items (the copies keep positions, so carets still point into the text).
 * Window expressions are not deduplicated; exec_window groups those with
 * the same PARTITION BY / ORDER BY into one sort.
 *
 * Memory: everything lives in the session arena; bound window trees are
 * registered with the session so their prepared state is released.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "expr/window_funcs.h"

typedef struct {
    sm_session *s;
    const sm_schema *in;
    const char *text;
    sm_expr **bound; /* window expressions found so far, bound */
    int nbound, cap;
} wp_ctx;

/* Copies `e` with its window nodes replaced by column references. */
static int wp_rewrite(wp_ctx *w, const sm_expr *e, sm_expr **out) {
    sm_arena *a = w->s->arena;
    if (e->kind == SM_EX_WINDOW) {
        sm_bind_ctx bc;
        sm_session_bind_ctx(w->s, w->in, w->text, &bc);
        sm_expr *b;
        SM_TRY(sm_window_bind(&bc, e, &b));
        SM_TRY(sm_session_add_bound(w->s, b));
        if (w->nbound == w->cap) {
            int cap = w->cap ? w->cap * 2 : 8;
            sm_expr **nb = sm_arena_alloc(a, (size_t)cap * sizeof *nb);
            if (!nb) return SM_NOMEM;
            if (w->nbound) memcpy(nb, w->bound, (size_t)w->nbound * sizeof *nb);
            w->bound = nb;
            w->cap = cap;
        }
        char name[32];
        snprintf(name, sizeof name, "__window_%d", w->nbound);
        w->bound[w->nbound++] = b;
        sm_expr *c = sm_expr_column(a, name);
        if (!c) return SM_NOMEM;
        c->pos = e->pos;
        c->end = e->end;
        *out = c;
        return SM_OK;
    }
    if (!sm_expr_has_window(e)) {
        *out = (sm_expr *)e;
        return SM_OK;
    }
    sm_expr *c = sm_arena_alloc(a, sizeof *c);
    if (!c) return SM_NOMEM;
    *c = *e;
    c->args = sm_arena_alloc(a, (size_t)(e->nargs > 0 ? e->nargs : 1) * sizeof *c->args);
    if (!c->args) return SM_NOMEM;
    for (int i = 0; i < e->nargs; i++) SM_TRY(wp_rewrite(w, e->args[i], &c->args[i]));
    *out = c;
    return SM_OK;
}

int sm_window_plan(sm_dataframe *df, int n, sm_expr *const *unbound, const char *const *texts,
                   sm_dataframe **df_out, sm_expr **rewritten) {
    sm_session *s = df->session;
    bool any = false;
    for (int i = 0; i < n; i++) {
        rewritten[i] = unbound[i];
        if (unbound[i] && sm_expr_has_window(unbound[i])) any = true;
    }
    *df_out = df;
    if (!any) return SM_OK;
    wp_ctx w = {.s = s, .in = df->plan->schema};
    for (int i = 0; i < n; i++) {
        if (!unbound[i] || !sm_expr_has_window(unbound[i])) continue;
        w.text = texts ? texts[i] : NULL;
        SM_TRY(wp_rewrite(&w, unbound[i], &rewritten[i]));
    }
    const sm_schema *in = df->plan->schema;
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    if (!p || !sc) return SM_NOMEM;
    sc->ncols = in->ncols + w.nbound;
    sc->fields = sm_arena_alloc(s->arena, (size_t)sc->ncols * sizeof *sc->fields);
    if (!sc->fields) return SM_NOMEM;
    memcpy(sc->fields, in->fields, (size_t)in->ncols * sizeof *sc->fields);
    for (int k = 0; k < w.nbound; k++) {
        sm_field *f = &sc->fields[in->ncols + k];
        f->name = sm_arena_printf(s->arena, "__window_%d", k);
        if (!f->name) return SM_NOMEM;
        f->type = w.bound[k]->type;
        f->nullable = w.bound[k]->nullable;
        f->precision = w.bound[k]->args[0]->precision;
        f->scale = w.bound[k]->args[0]->scale;
        f->dt = w.bound[k]->args[0]->dt;
    }
    p->kind = SM_PLAN_WINDOW;
    p->child = df->plan;
    p->schema = sc;
    p->exprs = w.bound;
    p->nexprs = w.nbound;
    sm_dataframe *out = sm_df_wrap(s, p);
    if (!out) return SM_NOMEM;
    *df_out = out;
    return SM_OK;
}
