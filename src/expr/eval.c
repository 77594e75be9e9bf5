/*
 * eval.c — vectorized evaluation of bound expression trees.
 *
 * sm_expr_eval turns a bound tree and a batch into one vector of
 * batch->nrows rows, bottom-up:
 *   COLUMN   a new reference to the batch's own column (no copy);
 *   LITERAL  the value expanded to n rows (sm_vector_from_value);
 *   CAST     the child, then sm_cast_vector;
 *   CALL     the arguments, then the definition's eval (ops.c and the
 *            function libraries);
 *   a CAST or deterministic CALL whose arguments are all literals is
 *            evaluated on one row and the value expanded (the binder does
 *            not fold constants, so that bound trees keep Spark's names);
 *   CASE     conditions are evaluated on the whole batch in order; each row
 *            takes the first branch whose condition is true (null counts as
 *            false).  A branch value is evaluated only for the rows that
 *            chose it: on the whole batch when every row did or when the value
 *            is a plain column or literal (cheap), otherwise on the selected
 *            rows gathered with sm_batch_take.  So CASE WHEN x = 0 THEN NULL
 *            ELSE 1 / x END never evaluates 1 / x where x = 0, which matters
 *            for ANSI mode's errors.
 *   IN       v IN (e1, e2, ...) with SQL's three values: null when v is null;
 *            true when some element equals v; else null when some element is
 *            null; else false.  Literal elements are compared as scalars,
 *            without expansion.  NOT IN negates the non-null results.
 *   ALIAS    the child.
 *
 * Ownership: every returned vector is a new reference owned by the caller;
 * argument vectors are released here as soon as the call returns.  The tree
 * is read-only, so any number of threads may evaluate it at once, each on
 * its own batch.
 */
#include <math.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/interval.h"
#include "expr/cast_time.h"
#include "expr/eval_internal.h"
#include "expr/expr.h"
#include "types/decimal.h"

static sm_batch *eval_take_used(const sm_batch *in, const sm_expr *e, const int32_t *sel, int64_t k);
static bool eval_is_const_node(const sm_expr *e);

/* Argument k of a conditional call, evaluated only on the rows that need it
 * (sm_func_def.needs); the other rows are null. */
static int eval_lazy_arg(const sm_eval_ctx *ctx, const sm_expr *e, sm_func_needs needs, int k,
                         sm_vector **args, const sm_batch *in, sm_vector **out) {
    int64_t n = in->nrows, cnt = 0;
    int32_t *sel = sm_malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
    if (!sel) return SM_NOMEM;
    for (int64_t row = 0; row < n; row++)
        if (needs(e, k, args, row)) sel[cnt++] = (int32_t)row;
    const sm_expr *a = e->args[k];
    int rc = SM_OK;
    if (cnt == n || (cnt > 0 && a->kind == SM_EX_LITERAL)) {
        /* a literal costs no more on every row than on the needed ones (and
         * cannot fail): built whole, not on a sub-batch then widened row by
         * row (na.fill's coalesce(col, 'value') on every batch) */
        rc = sm_expr_eval(ctx, a, in, out);
    } else if (cnt == 0 || a->type == SM_NULLTYPE) {
        *out = sm_vector_new_nulls(a->type, n);
        if (*out) {
            (*out)->precision = a->precision;
            (*out)->scale = a->scale;
        } else {
            rc = SM_NOMEM;
        }
    } else {
        sm_batch *sub = eval_take_used(in, a, sel, cnt);
        sm_vector *part = NULL, *full = NULL;
        rc = sub ? sm_expr_eval(ctx, a, sub, &part) : SM_NOMEM;
        sm_batch_free(sub);
        if (rc == SM_OK && !(full = part->dt ? sm_vector_new_dt(part->dt, n) : sm_vector_new(part->type, n)))
            rc = SM_NOMEM;
        if (rc == SM_OK) {
            full->precision = part->precision;
            full->scale = part->scale;
            for (int64_t row = 0, j = 0; row < n && rc == SM_OK; row++) {
                if (j < cnt && sel[j] == row) rc = sm_vector_append_from(full, part, j++);
                else rc = sm_vector_append_null(full);
            }
        }
        sm_vector_unref(part);
        if (rc == SM_OK) *out = full;
        else sm_vector_unref(full);
    }
    sm_free(sel);
    return rc;
}

static int eval_call(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out) {
    if (e->agg)
        return sm_err(SM_INTERNAL,
                      "aggregate %s evaluated outside an aggregation (the planner must extract it)",
                      e->name ? e->name : "?");
    if (!e->fn || !e->fn->eval)
        return sm_err(SM_INTERNAL, "call to %s is not bound", e->name ? e->name : "?");
    sm_vector *small[8];
    sm_vector **args = small;
    if (e->nargs > 8) {
        args = sm_calloc((size_t)e->nargs, sizeof *args);
        if (!args) return SM_NOMEM;
    }
    int rc = SM_OK;
    int got = 0;
    sm_func_needs needs = sm_func_lazy_args(e->fn);
    for (; got < e->nargs; got++) {
        rc = got > 0 && needs ? eval_lazy_arg(ctx, e, needs, got, args, in, &args[got])
                                     : sm_expr_eval(ctx, e->args[got], in, &args[got]);
        if (rc != SM_OK) break;
    }
    if (rc == SM_OK) rc = e->fn->eval(ctx, e, args, in->nrows, out);
    for (int i = 0; i < got; i++) sm_vector_unref(args[i]);
    if (args != small) sm_free(args);
    return rc;
}

static int eval_cast(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out) {
    sm_vector *c = NULL;
    SM_TRY(sm_expr_eval(ctx, e->args[0], in, &c));
    if (sm_type_is_nested(e->cast_to) || sm_type_is_nested(c->type)) {
        const sm_dtype *to = sm_type_is_nested(e->cast_to) ? e->dt
                                                            : sm_dtype_scalar(e->cast_to, e->precision, e->scale);
        int rc;
        if (!to && c->type == SM_NULLTYPE) /* NULL coerced to a nested type */
            rc = (*out = sm_vector_new_nulls(e->cast_to, c->length)) ? SM_OK : SM_NOMEM;
        else if (!to)
            rc = sm_err(SM_INTERNAL, "CAST to %s without its element types", sm_type_name(e->cast_to));
        else
            rc = sm_nested_cast(ctx, c, to, out);
        sm_vector_unref(c);
        return rc;
    }
    bool iv_ok;
    int rc = sm_iv_cast_allowed(e->args[0]->type, e->cast_to, &iv_ok)
                 ? sm_iv_cast(ctx, c, e->args[0], e, out) /* expr/interval_ops.c */
             : sm_cast_time_involved(c->type, e->cast_to) || (e->cast_to == SM_TIME && c->precision != e->precision)
                 ? sm_cast_time(ctx, c, e->cast_to, e->precision, out) /* expr/cast_time.c */
             : e->cast_to == SM_DECIMAL ? sm_cast_vector_dec(ctx, c, e->precision, e->scale, out)
                                        : sm_cast_vector(ctx, c, e->cast_to, out);
    sm_vector_unref(c);
    return rc;
}

/* ---- CASE ------------------------------------------------------------------------ */

static void eval_mark_columns(const sm_expr *e, bool *used, int ncols) {
    if (e->kind == SM_EX_COLUMN && e->col_index >= 0 && e->col_index < ncols) used[e->col_index] = true;
    for (int i = 0; i < e->nargs; i++) eval_mark_columns(e->args[i], used, ncols);
}

/* Rows sel[0..k) of the columns `e` reads (the others left NULL). */
static sm_batch *eval_take_used(const sm_batch *in, const sm_expr *e, const int32_t *sel, int64_t k) {
    bool small[64] = {false};
    bool *used = in->ncols <= 64 ? small : sm_calloc((size_t)in->ncols, sizeof *used);
    if (!used) return NULL;
    eval_mark_columns(e, used, in->ncols);
    sm_batch *sub = sm_batch_new(in->ncols, k);
    for (int c = 0; sub && c < in->ncols; c++) {
        if (!used[c] || !in->cols[c]) continue;
        if (!(sub->cols[c] = sm_vector_take(in->cols[c], sel, k))) {
            sm_batch_free(sub);
            sub = NULL;
        }
    }
    if (used != small) sm_free(used);
    return sub;
}

static int eval_case(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out) {
    int64_t n = in->nrows;
    int nbranch = (e->nargs - (e->has_else ? 1 : 0)) / 2;
    int nvals = nbranch + (e->has_else ? 1 : 0);
    if (e->type == SM_NULLTYPE || n == 0) {
        *out = sm_vector_new_nulls(e->type, n);
        return *out ? SM_OK : SM_NOMEM;
    }
    /* choice[row]: branch index, nbranch = ELSE, -1 = undecided */
    int32_t *choice = sm_malloc(sizeof(int32_t) * (size_t)n * 3);
    sm_vector **vals = sm_calloc((size_t)nvals, sizeof *vals);
    bool *full = sm_calloc((size_t)nvals, sizeof *full);
    int rc = SM_OK;
    if (!choice || !vals || !full) {
        rc = SM_NOMEM;
        goto done;
    }
    int32_t *sel = choice + n;     /* rows of one branch */
    int32_t *pos = choice + 2 * n; /* row → index in its branch's vector */
    for (int64_t row = 0; row < n; row++) choice[row] = -1;
    int64_t undecided = n;
    for (int br = 0; br < nbranch && undecided > 0; br++) {
        sm_vector *cv = NULL;
        rc = sm_expr_eval(ctx, e->args[2 * br], in, &cv);
        if (rc != SM_OK) goto done;
        const uint8_t *c = SM_VEC_BOOL(cv);
        for (int64_t row = 0; row < n; row++)
            if (choice[row] < 0 && !sm_vector_is_null(cv, row) && c[row]) {
                choice[row] = br;
                undecided--;
            }
        sm_vector_unref(cv);
    }
    if (e->has_else)
        for (int64_t row = 0; row < n; row++)
            if (choice[row] < 0) choice[row] = nbranch;
    /* evaluate each value on the rows that chose it */
    for (int v = 0; v < nvals; v++) {
        int64_t k = 0;
        for (int64_t row = 0; row < n; row++)
            if (choice[row] == v) {
                pos[row] = (int32_t)k;
                sel[k++] = (int32_t)row;
            }
        if (k == 0) continue;
        const sm_expr *ve = v < nbranch ? e->args[2 * v + 1] : e->args[e->nargs - 1];
        if (k == n || ve->kind == SM_EX_COLUMN || ve->kind == SM_EX_LITERAL ||
            eval_is_const_node(ve)) {
            full[v] = true;
            rc = sm_expr_eval(ctx, ve, in, &vals[v]);
        } else {
            sm_batch *sub = eval_take_used(in, ve, sel, k);
            if (!sub) {
                rc = SM_NOMEM;
                goto done;
            }
            rc = sm_expr_eval(ctx, ve, sub, &vals[v]);
            sm_batch_free(sub);
        }
        if (rc != SM_OK) goto done;
    }
    /* assemble */
    sm_vector *r;
    if (sm_type_phys(e->type) == SM_STRING || sm_type_is_nested(e->type)) {
        r = e->dt ? sm_vector_new_dt(e->dt, n) : sm_vector_new(e->type, n);
        if (!r) {
            rc = SM_NOMEM;
            goto done;
        }
        for (int64_t row = 0; row < n && rc == SM_OK; row++) {
            int v = choice[row];
            if (v < 0) {
                rc = sm_vector_append_null(r);
                continue;
            }
            int64_t src = full[v] ? row : pos[row];
            if (sm_vector_is_null(vals[v], src)) rc = sm_vector_append_null(r);
            else if (sm_type_is_nested(e->type)) rc = sm_vector_append_from(r, vals[v], src);
            else {
                int32_t len;
                const char *s = sm_vector_str(vals[v], src, &len);
                rc = sm_vector_append_str(r, s, len);
            }
        }
    } else {
        size_t w = sm_type_width(e->type);
        r = ev_new_fixed(e->type, n);
        if (!r) {
            rc = SM_NOMEM;
            goto done;
        }
        uint8_t *bm = ev_validity(r);
        if (!bm) {
            rc = SM_NOMEM;
            goto done_r;
        }
        /* typed copies (doubles move as their 8 bytes); null bits cleared */
#define EVAL_ASSEMBLE(T)                                                                 \
    for (int64_t row = 0; row < n; row++) {                                              \
        int v = choice[row];                                                             \
        const sm_vector *sv = v < 0 ? NULL : vals[v];                                    \
        int64_t src = v < 0 ? 0 : full[v] ? row : pos[row];                              \
        if (!sv || sv->type == SM_NULLTYPE || (sv->validity && !ev_bit(sv->validity, src))) { \
            ((T *)r->data)[row] = 0;                                                     \
            ev_clear_bit(bm, row);                                                       \
        } else {                                                                         \
            ((T *)r->data)[row] = ((const T *)sv->data)[src];                            \
        }                                                                                \
    }
        switch (w) {
        case 1: EVAL_ASSEMBLE(uint8_t); break;
        case 4: EVAL_ASSEMBLE(int32_t); break;
        case 16: EVAL_ASSEMBLE(__int128); break; /* DECIMAL */
        default: EVAL_ASSEMBLE(int64_t); break;
        }
#undef EVAL_ASSEMBLE
    }
done_r:
    if (rc != SM_OK) sm_vector_unref(r);
    else *out = r;
done:
    if (vals)
        for (int v = 0; v < nvals; v++) sm_vector_unref(vals[v]);
    sm_free(vals);
    sm_free(full);
    sm_free(choice);
    return rc;
}

/* ---- IN ---------------------------------------------------------------------------- */

static inline bool eval_f64_eq(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

/* found[row] |= (a[row] == x) for a scalar x of a's type. */
static void eval_in_scalar(const sm_vector *a, const sm_value *x, int64_t n, uint8_t *found) {
    int64_t row;
    switch (sm_type_phys(a->type)) {
    case SM_BOOLEAN:
        for (row = 0; row < n; row++) found[row] |= SM_VEC_BOOL(a)[row] == (uint8_t)x->v.b;
        break;
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INTERVAL_YM:
    case SM_DATE:
        for (row = 0; row < n; row++) found[row] |= SM_VEC_I32(a)[row] == x->v.i32;
        break;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT:
    case SM_TIMESTAMP:
        for (row = 0; row < n; row++) found[row] |= SM_VEC_I64(a)[row] == x->v.i64;
        break;
    case SM_FLOAT:
    case SM_DOUBLE:
        for (row = 0; row < n; row++) found[row] |= eval_f64_eq(SM_VEC_F64(a)[row], x->v.f64);
        break;
    case SM_STRING:
        for (row = 0; row < n; row++) {
            int32_t len;
            const char *s = sm_vector_str(a, row, &len);
            if (len == x->v.str.len && (len == 0 || memcmp(s, x->v.str.ptr, (size_t)len) == 0))
                found[row] = 1;
        }
        break;
    case SM_DECIMAL: /* bind_in gave every member one decimal type */
        for (row = 0; row < n; row++)
            found[row] |= x->scale == a->scale ? SM_VEC_DEC(a)[row] == x->v.dec
                                               : sm_dec_cmp(SM_VEC_DEC(a)[row], a->scale,
                                                            x->v.dec, x->scale) == 0;
        break;
    default: break;
    }
}

/* found[row] |= (a[row] == b[row]); has_null[row] |= b null. */
static void eval_in_vector(const sm_vector *a, const sm_vector *b, int64_t n, uint8_t *found,
                           uint8_t *has_null) {
    for (int64_t row = 0; row < n; row++) {
        if (sm_vector_is_null(b, row)) {
            has_null[row] = 1;
            continue;
        }
        bool eq = false;
        switch (sm_type_phys(a->type)) {
        case SM_BOOLEAN: eq = SM_VEC_BOOL(a)[row] == SM_VEC_BOOL(b)[row]; break;
        case SM_INT:
        case SM_TINYINT:
        case SM_SMALLINT:
        case SM_INTERVAL_YM:
        case SM_DATE: eq = SM_VEC_I32(a)[row] == SM_VEC_I32(b)[row]; break;
        case SM_BIGINT:
        case SM_TIMESTAMP_NTZ:
        case SM_TIME:
        case SM_INTERVAL_DT:
        case SM_TIMESTAMP: eq = SM_VEC_I64(a)[row] == SM_VEC_I64(b)[row]; break;
        case SM_FLOAT:
        case SM_DOUBLE: eq = eval_f64_eq(SM_VEC_F64(a)[row], SM_VEC_F64(b)[row]); break;
        case SM_STRING: {
            int32_t la, lb;
            const char *sa = sm_vector_str(a, row, &la);
            const char *sb = sm_vector_str(b, row, &lb);
            eq = la == lb && (la == 0 || memcmp(sa, sb, (size_t)la) == 0);
            break;
        }
        case SM_DECIMAL:
            eq = a->scale == b->scale
                     ? SM_VEC_DEC(a)[row] == SM_VEC_DEC(b)[row]
                     : sm_dec_cmp(SM_VEC_DEC(a)[row], a->scale, SM_VEC_DEC(b)[row], b->scale) == 0;
            break;
        default: break;
        }
        if (eq) found[row] = 1;
    }
}

static int eval_in(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out) {
    int64_t n = in->nrows;
    sm_vector *a = NULL;
    SM_TRY(sm_expr_eval(ctx, e->args[0], in, &a));
    sm_vector *r = ev_new_fixed(SM_BOOLEAN, n);
    uint8_t *has_null = sm_calloc((size_t)(n > 0 ? n : 1), 1);
    int rc = SM_OK;
    if (!r || !has_null) {
        rc = SM_NOMEM;
        goto fail;
    }
    uint8_t *found = SM_VEC_BOOL(r);
    memset(found, 0, (size_t)n);
    if (a->type != SM_NULLTYPE)
        for (int i = 1; i < e->nargs; i++) {
            const sm_expr *it = e->args[i];
            if (it->kind == SM_EX_LITERAL) {
                if (it->lit.is_null || it->lit.type == SM_NULLTYPE) memset(has_null, 1, (size_t)n);
                else eval_in_scalar(a, &it->lit, n, found);
                continue;
            }
            sm_vector *b = NULL;
            rc = sm_expr_eval(ctx, it, in, &b);
            if (rc != SM_OK) goto fail;
            if (b->type == SM_NULLTYPE) memset(has_null, 1, (size_t)n);
            else eval_in_vector(a, b, n, found, has_null);
            sm_vector_unref(b);
        }
    uint8_t *bm = NULL;
    for (int64_t row = 0; row < n; row++) {
        bool null = sm_vector_is_null(a, row) || (!found[row] && has_null[row]);
        if (null) {
            if (!bm && !(bm = ev_validity(r))) {
                rc = SM_NOMEM;
                goto fail;
            }
            ev_clear_bit(bm, row);
            found[row] = 0;
        } else if (e->negated) {
            found[row] = !found[row];
        }
    }
    sm_free(has_null);
    sm_vector_unref(a);
    *out = r;
    return SM_OK;
fail:
    sm_free(has_null);
    sm_vector_unref(r);
    sm_vector_unref(a);
    return rc;
}

/* ---- constants ------------------------------------------------------------------------ */

/* A cast or deterministic call whose arguments are all literals
 * ('2024-01-01' cast to DATE for a comparison, upper('x')). */
static bool eval_is_const_node(const sm_expr *e) {
    if (e->kind != SM_EX_CAST && e->kind != SM_EX_CALL) return false;
    if (e->kind == SM_EX_CALL && (e->agg || !e->fn || ev_nondeterministic(e->fn->name)))
        return false;
    if (e->nargs < 1) return false;
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i]->kind != SM_EX_LITERAL) return false;
    return true;
}

/* Evaluates a constant node on one row and expands the value to n rows, so
 * CAST('2024-01-01' AS DATE) is parsed once per batch, not once per row.
 * No rows: no evaluation (and no ANSI error), as Spark. */
static int eval_const_node(const sm_eval_ctx *ctx, const sm_expr *e, int64_t n, sm_vector **out) {
    if (n == 0) {
        *out = sm_vector_new_nulls(e->type, 0);
        return *out ? SM_OK : SM_NOMEM;
    }
    sm_batch one = {.ncols = 0, .nrows = 1, .cols = NULL};
    sm_vector *v = NULL;
    int rc = e->kind == SM_EX_CAST ? eval_cast(ctx, e, &one, &v) : eval_call(ctx, e, &one, &v);
    if (rc != SM_OK) return rc;
    sm_value x;
    sm_vector_get(v, 0, &x);
    *out = sm_vector_from_value(&x, e->type, n);
    sm_vector_unref(v);
    return *out ? SM_OK : SM_NOMEM;
}

/* ---- entry points --------------------------------------------------------------------- */

static int eval_node(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out) {
    int64_t n = in->nrows;
    switch (e->kind) {
    case SM_EX_COLUMN:
        if (e->col_index < 0 || e->col_index >= in->ncols || !in->cols[e->col_index])
            return sm_err(SM_INTERNAL, "column %s (index %d) is not in the batch (%d columns)",
                          e->name ? e->name : "?", e->col_index, in->ncols);
        *out = sm_vector_ref(in->cols[e->col_index]);
        return SM_OK;
    case SM_EX_LITERAL: {
        sm_vector *v = sm_vector_from_value(&e->lit, e->type, n);
        if (!v) return SM_NOMEM;
        *out = v;
        return SM_OK;
    }
    case SM_EX_ALIAS: return sm_expr_eval(ctx, e->args[0], in, out);
    case SM_EX_WINDOW:
    case SM_EX_SUBQUERY:
    case SM_EX_EXISTS:
    case SM_EX_IN_SUBQUERY:
    case SM_EX_OUTER_REF:
        return sm_err(SM_INTERNAL, "expression kind %d must be planned, not evaluated", e->kind);
    case SM_EX_CAST:
        if (n > 1 && eval_is_const_node(e)) return eval_const_node(ctx, e, n, out);
        return eval_cast(ctx, e, in, out);
    case SM_EX_CALL:
        if (n > 1 && eval_is_const_node(e)) return eval_const_node(ctx, e, n, out);
        return eval_call(ctx, e, in, out);
    case SM_EX_CASE: return eval_case(ctx, e, in, out);
    case SM_EX_IN: return eval_in(ctx, e, in, out);
    case SM_EX_STAR: break;
    }
    return sm_err(SM_INTERNAL, "cannot evaluate expression kind %d", (int)e->kind);
}

int sm_expr_eval(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out) {
    SM_TRY(eval_node(ctx, e, in, out));
    /* A DECIMAL result carries its type (precision, scale) in the vector;
     * vectors built without it (CASE, constants, functions) get it here. */
    if (e->type == SM_DECIMAL && (*out)->type == SM_DECIMAL && (*out)->precision == 0)
        (*out)->precision = e->precision, (*out)->scale = e->scale;
    /* so do interval results (their fields), where the vector is ours */
    if ((e->type == SM_INTERVAL_YM || e->type == SM_INTERVAL_DT) && (*out)->type == e->type &&
        (*out)->refcount == 1)
        (*out)->precision = e->precision, (*out)->scale = e->scale;
    return SM_OK;
}

static void eval_unref_vector(void *v) { sm_vector_unref(v); }

int sm_expr_eval_const(const sm_eval_ctx *ctx, sm_arena *a, const sm_expr *e, sm_value *out) {
    sm_batch one = {.ncols = 0, .nrows = 1, .cols = NULL};
    sm_vector *v = NULL;
    SM_TRY(sm_expr_eval(ctx, e, &one, &v));
    sm_value x;
    sm_vector_get(v, 0, &x);
    x.type = v->type;
    if (sm_vector_is_null(v, 0)) x.is_null = true;
    if (sm_type_phys(x.type) == SM_STRING && !x.is_null) {
        char *s = sm_arena_alloc(a, (size_t)x.v.str.len + 1);
        if (!s) {
            sm_vector_unref(v);
            return SM_NOMEM;
        }
        if (x.v.str.len) memcpy(s, x.v.str.ptr, (size_t)x.v.str.len);
        x.v.str.ptr = s;
    }
    if (sm_type_is_nested(x.type) && !x.is_null) {
        /* the value refers to row 0 of v: v lives as long as the arena */
        if (sm_arena_on_free(a, eval_unref_vector, v) != SM_OK) {
            sm_vector_unref(v);
            return SM_NOMEM;
        }
        *out = x;
        return SM_OK;
    }
    sm_vector_unref(v);
    *out = x;
    return SM_OK;
}
