/*
 * build.c — constructing expression trees from C, and deep copies.
 *
 * Every node and every string hangs off the caller's arena; nothing here
 * frees.  Nodes built from C have pos = end = -1 (no source text) and
 * col_index = -1 (unbound).  Constructors return NULL only on SM_NOMEM
 * (sm_err already set by the allocator).
 */
#include <string.h>

#include "common/status.h"
#include "expr/expr.h"

sm_expr *sm_expr_new(sm_arena *a, sm_expr_kind kind) {
    sm_expr *e = sm_arena_alloc(a, sizeof *e);
    if (!e) return NULL;
    e->kind = kind;
    e->pos = e->end = -1;
    e->col_index = -1;
    e->type = SM_NULLTYPE;
    e->nullable = true;
    return e;
}

sm_expr *sm_expr_column(sm_arena *a, const char *name) {
    sm_expr *e = sm_expr_new(a, SM_EX_COLUMN);
    if (!e) return NULL;
    e->name = sm_arena_strdup(a, name ? name : "");
    return e->name ? e : NULL;
}

/* Copies a value, giving strings an arena-owned, NUL-terminated copy. */
static int build_copy_value(sm_arena *a, const sm_value *v, sm_value *out) {
    *out = *v;
    if (sm_type_phys(v->type) == SM_STRING && !v->is_null) {
        int32_t len = v->v.str.len;
        char *s = sm_arena_strndup(a, v->v.str.ptr ? v->v.str.ptr : "", len > 0 ? (size_t)len : 0);
        if (!s) return SM_NOMEM;
        out->v.str.ptr = s;
        out->v.str.len = len > 0 ? len : 0;
    }
    return SM_OK;
}

sm_expr *sm_expr_literal(sm_arena *a, const sm_value *v) {
    sm_expr *e = sm_expr_new(a, SM_EX_LITERAL);
    if (!e) return NULL;
    if (build_copy_value(a, v, &e->lit) != SM_OK) return NULL;
    if (e->lit.type == SM_NULLTYPE) e->lit.is_null = true;
    e->type = e->lit.type;
    e->nullable = e->lit.is_null;
    return e;
}

sm_expr *sm_expr_call(sm_arena *a, const char *name, int nargs, sm_expr **args) {
    sm_expr *e = sm_expr_new(a, SM_EX_CALL);
    if (!e) return NULL;
    e->name = sm_arena_strdup(a, name ? name : "");
    if (!e->name) return NULL;
    if (nargs > 0) {
        e->args = sm_arena_alloc(a, (size_t)nargs * sizeof(sm_expr *));
        if (!e->args) return NULL;
        memcpy(e->args, args, (size_t)nargs * sizeof(sm_expr *));
    }
    e->nargs = nargs > 0 ? nargs : 0;
    return e;
}

sm_expr *sm_expr_cast(sm_arena *a, sm_expr *child, sm_type to) {
    sm_expr *e = sm_expr_new(a, SM_EX_CAST);
    if (!e) return NULL;
    e->args = sm_arena_alloc(a, sizeof(sm_expr *));
    if (!e->args) return NULL;
    e->args[0] = child;
    e->nargs = 1;
    e->cast_to = to;
    return e;
}

sm_expr *sm_expr_alias(sm_arena *a, sm_expr *child, const char *name) {
    sm_expr *e = sm_expr_new(a, SM_EX_ALIAS);
    if (!e) return NULL;
    e->name = sm_arena_strdup(a, name ? name : "");
    e->args = sm_arena_alloc(a, sizeof(sm_expr *));
    if (!e->name || !e->args) return NULL;
    e->args[0] = child;
    e->nargs = 1;
    return e;
}

/* Recursion is bounded by the parser's nesting limit for parsed trees; trees
 * built from C are as deep as their builder made them. */
sm_expr *sm_expr_copy(sm_arena *a, const sm_expr *e) {
    if (!e) return NULL;
    sm_expr *c = sm_arena_alloc(a, sizeof *c);
    if (!c) return NULL;
    *c = *e;
    if (e->name && !(c->name = sm_arena_strdup(a, e->name))) return NULL;
    if (e->kind == SM_EX_LITERAL && build_copy_value(a, &e->lit, &c->lit) != SM_OK) return NULL;
    c->args = NULL;
    if (e->nargs > 0) {
        c->args = sm_arena_alloc(a, (size_t)e->nargs * sizeof(sm_expr *));
        if (!c->args) return NULL;
        for (int i = 0; i < e->nargs; i++) {
            if (!e->args[i]) continue;
            if (!(c->args[i] = sm_expr_copy(a, e->args[i]))) return NULL;
        }
    }
    return c;
}
