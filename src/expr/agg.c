/*
 * agg.c — the aggregate functions (agg.h): name lookup, resolution with
 * Spark 3.5's result types, and the per-group state machines that the hash
 * aggregation operator (exec/hashagg.c) drives.
 *
 * Each aggregate is a fixed-size state per group (zero bytes = initial) with
 * three operations:
 *   update   folds a batch of rows into the states of their groups;
 *   merge    folds one partial state into another (partials of a group are
 *            merged in partition order, so "src came after dst");
 *   finalize appends the result value to an output vector.
 *
 * Spark's semantics, non-ANSI:
 *   count(*) / count(x, y...)   rows (where every argument is non-null);
 *                               bigint, never null.  count(*) is a call with
 *                               no argument or one SM_EX_STAR argument.
 *   sum(int|bigint) → bigint, wrapping on overflow like Java's long;
 *   sum(double|string) → double (strings cast to double, as Spark does);
 *                               null when no non-null row.
 *   avg / mean → double: sum of the values cast to double / count.
 *   min / max: any orderable type; NaN is greater than every double; strings
 *              by UTF-8 bytes.
 *   first / last (x [, ignoreNulls]): the first / last row seen, even when
 *              null, unless ignoreNulls is true.
 *   stddev/std/stddev_samp, stddev_pop, variance/var_samp, var_pop: double,
 *              by Spark's CentralMomentAgg recurrences (Welford update,
 *              Chan et al. merge); the sample forms give null for one row
 *              (spark.sql.legacy.statisticalAggregate=false).
 *   count(DISTINCT ...) and other DISTINCT aggregates are handled by the
 *   operator, which feeds each distinct argument tuple to update once.
 *
 * Memory: strings held by min/max/first/last states are copied into the
 * arena given to update/merge (one per table in hashagg.c).
 */
#include "expr/agg.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"

/* ---- resolution ----------------------------------------------------------- */

static bool agg_is_star(const sm_expr *call) {
    return call->nargs == 0 || (call->nargs == 1 && call->args[0]->kind == SM_EX_STAR);
}

static int agg_type_error(sm_bind_ctx *ctx, sm_expr *call, int arg, const char *wanted) {
    const char *name = ctx->arena ? sm_expr_sql_name(ctx->arena, call) : call->name;
    const char *argname = ctx->arena ? sm_expr_sql_name(ctx->arena, call->args[arg]) : "?";
    const char *tn = sm_type_name(call->args[arg]->type);
    char up[32];
    size_t i = 0;
    for (; tn[i] && i < sizeof up - 1; i++) up[i] = (char)(tn[i] >= 'a' && tn[i] <= 'z' ? tn[i] - 32 : tn[i]);
    up[i] = 0;
    return sm_err(SM_ANALYSIS,
                  "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data "
                  "type mismatch: Parameter %d requires the %s type, however \"%s\" has the type "
                  "\"%s\".",
                  name ? name : "?", arg + 1, wanted, argname ? argname : "?", up);
}

static int resolve_count(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    call->type = SM_BIGINT;
    call->nullable = false;
    return SM_OK;
}

static int resolve_sum(sm_bind_ctx *ctx, sm_expr *call) {
    sm_expr *a = call->args[0];
    switch (a->type) {
    case SM_INT:
    case SM_BIGINT: call->type = SM_BIGINT; break;
    case SM_DOUBLE: call->type = SM_DOUBLE; break;
    case SM_STRING:
    case SM_NULLTYPE:
        call->args[0] = sm_expr_coerce(ctx, a, SM_DOUBLE);
        if (!call->args[0]) return SM_NOMEM;
        call->type = SM_DOUBLE;
        break;
    default: return agg_type_error(ctx, call, 0, "\"NUMERIC\" or \"ANSI INTERVAL\"");
    }
    call->nullable = true;
    return SM_OK;
}

/* avg and the moments: the argument cast to double. */
static int resolve_double(sm_bind_ctx *ctx, sm_expr *call) {
    sm_expr *a = call->args[0];
    switch (a->type) {
    case SM_INT:
    case SM_BIGINT:
    case SM_DOUBLE:
    case SM_STRING:
    case SM_NULLTYPE:
        call->args[0] = sm_expr_coerce(ctx, a, SM_DOUBLE);
        if (!call->args[0]) return SM_NOMEM;
        break;
    default: return agg_type_error(ctx, call, 0, "\"NUMERIC\"");
    }
    call->type = SM_DOUBLE;
    call->nullable = true;
    return SM_OK;
}

static int resolve_same(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    call->type = call->args[0]->type;
    call->nullable = true;
    return SM_OK;
}

static int resolve_first(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs == 2) {
        sm_expr *ig = call->args[1];
        if (ig->type != SM_BOOLEAN || !sm_expr_is_const(ig)) {
            const char *name = ctx->arena ? sm_expr_sql_name(ctx->arena, call) : call->name;
            return sm_err(SM_ANALYSIS,
                          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\": the "
                          "second argument of %s (ignoreNulls) must be a boolean literal.",
                          name ? name : "?", call->name);
        }
    }
    return resolve_same(ctx, call);
}

/* ---- reading values ---------------------------------------------------------- */

typedef struct {
    int64_t i;       /* boolean, int, date, bigint, timestamp */
    double d;        /* double */
    const char *s;   /* string (arena copy) */
    int32_t len;
} agg_val;

static inline void agg_read(const sm_vector *v, int64_t row, agg_val *out) {
    switch (v->type) {
    case SM_BOOLEAN: out->i = SM_VEC_BOOL(v)[row]; break;
    case SM_INT:
    case SM_DATE: out->i = SM_VEC_I32(v)[row]; break;
    case SM_BIGINT:
    case SM_TIMESTAMP: out->i = SM_VEC_I64(v)[row]; break;
    case SM_DOUBLE: out->d = SM_VEC_F64(v)[row]; break;
    case SM_STRING: out->s = sm_vector_str(v, row, &out->len); break;
    default: break;
    }
}

/* Copies a string value into the arena (agg_val strings point into batches
 * until copied). */
static int agg_own(agg_val *v, sm_type t, sm_arena *arena) {
    if (t != SM_STRING) return SM_OK;
    char *p = sm_arena_alloc(arena, (size_t)v->len + 1);
    if (!p) return SM_NOMEM;
    memcpy(p, v->s, (size_t)v->len);
    v->s = p;
    return SM_OK;
}

/* Spark's ordering of two non-null values of type t. */
static inline int agg_cmp(sm_type t, const agg_val *a, const agg_val *b) {
    switch (t) {
    case SM_DOUBLE: {
        bool na = isnan(a->d), nb = isnan(b->d);
        if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
        return a->d < b->d ? -1 : a->d > b->d;
    }
    case SM_STRING: {
        int32_t m = a->len < b->len ? a->len : b->len;
        int c = m ? memcmp(a->s, b->s, (size_t)m) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->len < b->len ? -1 : a->len > b->len;
    }
    default: return a->i < b->i ? -1 : a->i > b->i;
    }
}

static int agg_append(sm_vector *out, sm_type t, bool is_null, const agg_val *v) {
    if (is_null || t == SM_NULLTYPE) return sm_vector_append_null(out);
    switch (t) {
    case SM_BOOLEAN: return sm_vector_append_bool(out, v->i != 0);
    case SM_INT:
    case SM_DATE: return sm_vector_append_i32(out, (int32_t)v->i);
    case SM_BIGINT:
    case SM_TIMESTAMP: return sm_vector_append_i64(out, v->i);
    case SM_DOUBLE: return sm_vector_append_f64(out, v->d);
    case SM_STRING: return sm_vector_append_str(out, v->s, v->len);
    default: return sm_err(SM_INTERNAL, "aggregate: unexpected result type %s", sm_type_name(t));
    }
}

#define STATE(type, states, gid) ((type *)((states) + (size_t)(gid) * sizeof(type)))

/* ---- count ------------------------------------------------------------------ */

static int count_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                        int64_t n, sm_arena *arena) {
    (void)arena;
    if (agg_is_star(call)) {
        for (int64_t i = 0; i < n; i++) (*STATE(int64_t, states, gids[i]))++;
        return SM_OK;
    }
    for (int64_t i = 0; i < n; i++) {
        bool ok = true;
        for (int a = 0; a < call->nargs && ok; a++) ok = !sm_vector_is_null(args[a], i);
        if (ok) (*STATE(int64_t, states, gids[i]))++;
    }
    return SM_OK;
}
static int count_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    *(int64_t *)dst += *(const int64_t *)src;
    return SM_OK;
}
static int count_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    (void)call;
    return sm_vector_append_i64(out, *(const int64_t *)state);
}

/* ---- sum --------------------------------------------------------------------- */

typedef struct {
    int64_t i;
    double d;
    uint8_t seen;
} sum_state;

static int sum_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    switch (v->type) {
    case SM_INT:
        for (int64_t i = 0; i < n; i++) {
            if (sm_vector_is_null(v, i)) continue;
            sum_state *s = STATE(sum_state, states, gids[i]);
            s->i = (int64_t)((uint64_t)s->i + (uint64_t)(int64_t)SM_VEC_I32(v)[i]);
            s->seen = 1;
        }
        break;
    case SM_BIGINT:
        for (int64_t i = 0; i < n; i++) {
            if (sm_vector_is_null(v, i)) continue;
            sum_state *s = STATE(sum_state, states, gids[i]);
            s->i = (int64_t)((uint64_t)s->i + (uint64_t)SM_VEC_I64(v)[i]);
            s->seen = 1;
        }
        break;
    case SM_DOUBLE:
        for (int64_t i = 0; i < n; i++) {
            if (sm_vector_is_null(v, i)) continue;
            sum_state *s = STATE(sum_state, states, gids[i]);
            s->d += SM_VEC_F64(v)[i];
            s->seen = 1;
        }
        break;
    default: break; /* NULL type: nothing to add */
    }
    return SM_OK;
}
static int sum_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    sum_state *d = dst;
    const sum_state *s = src;
    if (!s->seen) return SM_OK;
    d->i = (int64_t)((uint64_t)d->i + (uint64_t)s->i);
    d->d += s->d;
    d->seen = 1;
    return SM_OK;
}
static int sum_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const sum_state *s = state;
    if (!s->seen) return sm_vector_append_null(out);
    if (call->type == SM_BIGINT) return sm_vector_append_i64(out, s->i);
    return sm_vector_append_f64(out, s->d);
}

/* ---- avg --------------------------------------------------------------------- */

typedef struct {
    double sum;
    int64_t n;
} avg_state;

static int avg_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    if (v->type != SM_DOUBLE) return SM_OK; /* all null */
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i)) continue;
        avg_state *s = STATE(avg_state, states, gids[i]);
        s->sum += SM_VEC_F64(v)[i];
        s->n++;
    }
    return SM_OK;
}
static int avg_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    avg_state *d = dst;
    const avg_state *s = src;
    d->sum += s->sum;
    d->n += s->n;
    return SM_OK;
}
static int avg_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    (void)call;
    const avg_state *s = state;
    if (s->n == 0) return sm_vector_append_null(out);
    return sm_vector_append_f64(out, s->sum / (double)s->n);
}

/* ---- min / max --------------------------------------------------------------- */

typedef struct {
    agg_val v;
    uint8_t seen;
} mm_state;

static int mm_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                     int64_t n, sm_arena *arena, int sign) {
    (void)call;
    const sm_vector *v = args[0];
    if (v->type == SM_NULLTYPE) return SM_OK;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i)) continue;
        mm_state *s = STATE(mm_state, states, gids[i]);
        agg_val x;
        agg_read(v, i, &x);
        if (s->seen && agg_cmp(v->type, &x, &s->v) * sign <= 0) continue;
        SM_TRY(agg_own(&x, v->type, arena));
        s->v = x;
        s->seen = 1;
    }
    return SM_OK;
}
static int min_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    return mm_update(call, states, gids, args, n, arena, -1);
}
static int max_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    return mm_update(call, states, gids, args, n, arena, 1);
}
static int mm_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena, int sign) {
    mm_state *d = dst;
    const mm_state *s = src;
    if (!s->seen) return SM_OK;
    if (d->seen && agg_cmp(call->type, &s->v, &d->v) * sign <= 0) return SM_OK;
    agg_val x = s->v;
    SM_TRY(agg_own(&x, call->type, arena));
    d->v = x;
    d->seen = 1;
    return SM_OK;
}
static int min_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    return mm_merge(call, dst, src, arena, -1);
}
static int max_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    return mm_merge(call, dst, src, arena, 1);
}
static int mm_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const mm_state *s = state;
    return agg_append(out, call->type, !s->seen, &s->v);
}

/* ---- first / last -------------------------------------------------------------- */

typedef struct {
    agg_val v;
    uint8_t set;
    uint8_t is_null;
} fl_state;

static bool fl_ignore_nulls(sm_vector **args, const sm_expr *call, int64_t row) {
    if (call->nargs < 2) return false;
    const sm_vector *ig = args[1];
    return ig->type == SM_BOOLEAN && !sm_vector_is_null(ig, row) && SM_VEC_BOOL(ig)[row];
}

static int fl_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                     int64_t n, sm_arena *arena, bool last) {
    const sm_vector *v = args[0];
    for (int64_t i = 0; i < n; i++) {
        fl_state *s = STATE(fl_state, states, gids[i]);
        if (s->set && !last) continue;
        bool isnull = sm_vector_is_null(v, i);
        if (isnull && fl_ignore_nulls(args, call, i)) continue;
        agg_val x = {0};
        if (!isnull) {
            agg_read(v, i, &x);
            SM_TRY(agg_own(&x, v->type, arena));
        }
        s->v = x;
        s->is_null = isnull;
        s->set = 1;
    }
    return SM_OK;
}
static int first_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                        int64_t n, sm_arena *arena) {
    return fl_update(call, states, gids, args, n, arena, false);
}
static int last_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                       int64_t n, sm_arena *arena) {
    return fl_update(call, states, gids, args, n, arena, true);
}
static int fl_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena, bool last) {
    fl_state *d = dst;
    const fl_state *s = src;
    if (!s->set || (d->set && !last)) return SM_OK;
    fl_state x = *s;
    if (!x.is_null) SM_TRY(agg_own(&x.v, call->type, arena));
    *d = x;
    return SM_OK;
}
static int first_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    return fl_merge(call, dst, src, arena, false);
}
static int last_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    return fl_merge(call, dst, src, arena, true);
}
static int fl_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const fl_state *s = state;
    return agg_append(out, call->type, !s->set || s->is_null, &s->v);
}

/* ---- central moments (stddev, variance) ------------------------------------- */

typedef struct {
    double n, avg, m2;
} mom_state;

static int mom_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    if (v->type != SM_DOUBLE) return SM_OK;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i)) continue;
        mom_state *s = STATE(mom_state, states, gids[i]);
        double x = SM_VEC_F64(v)[i];
        double n1 = s->n + 1.0;
        double delta = x - s->avg;
        double delta_n = delta / n1;
        s->avg += delta_n;
        s->m2 += delta * (delta - delta_n);
        s->n = n1;
    }
    return SM_OK;
}
static int mom_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    mom_state *d = dst;
    const mom_state *s = src;
    if (s->n == 0) return SM_OK;
    double n = d->n + s->n;
    double delta = s->avg - d->avg;
    double delta_n = n == 0 ? 0.0 : delta / n;
    double avg = d->avg + delta_n * s->n;
    double m2 = d->m2 + s->m2 + delta * delta_n * d->n * s->n;
    d->n = n;
    d->avg = avg;
    d->m2 = m2;
    return SM_OK;
}
static int mom_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const mom_state *s = state;
    const struct sm_agg_def *def = call->agg;
    int kind = def ? def->kind : SM_AGG_STDDEV_SAMP;
    if (s->n == 0) return sm_vector_append_null(out);
    double r;
    switch (kind) {
    case SM_AGG_STDDEV_POP: r = sqrt(s->m2 / s->n); break;
    case SM_AGG_VAR_POP: r = s->m2 / s->n; break;
    case SM_AGG_VAR_SAMP:
        if (s->n == 1.0) return sm_vector_append_null(out);
        r = s->m2 / (s->n - 1.0);
        break;
    default:
        if (s->n == 1.0) return sm_vector_append_null(out);
        r = sqrt(s->m2 / (s->n - 1.0));
        break;
    }
    return sm_vector_append_f64(out, r);
}

/* ---- the table ---------------------------------------------------------------- */

#define AGG_COUNT(nm) {nm, 0, -1, resolve_count, SM_AGG_COUNT, sizeof(int64_t), count_update, count_merge, count_finalize}
#define AGG_MOM(nm, k) {nm, 1, 1, resolve_double, k, sizeof(mom_state), mom_update, mom_merge, mom_finalize}

const sm_agg_def sm_aggs[] = {
    AGG_COUNT("count"),
    {"sum", 1, 1, resolve_sum, SM_AGG_SUM, sizeof(sum_state), sum_update, sum_merge, sum_finalize},
    {"avg", 1, 1, resolve_double, SM_AGG_AVG, sizeof(avg_state), avg_update, avg_merge, avg_finalize},
    {"mean", 1, 1, resolve_double, SM_AGG_AVG, sizeof(avg_state), avg_update, avg_merge, avg_finalize},
    {"min", 1, 1, resolve_same, SM_AGG_MIN, sizeof(mm_state), min_update, min_merge, mm_finalize},
    {"max", 1, 1, resolve_same, SM_AGG_MAX, sizeof(mm_state), max_update, max_merge, mm_finalize},
    {"first", 1, 2, resolve_first, SM_AGG_FIRST, sizeof(fl_state), first_update, first_merge, fl_finalize},
    {"first_value", 1, 2, resolve_first, SM_AGG_FIRST, sizeof(fl_state), first_update, first_merge, fl_finalize},
    {"last", 1, 2, resolve_first, SM_AGG_LAST, sizeof(fl_state), last_update, last_merge, fl_finalize},
    {"last_value", 1, 2, resolve_first, SM_AGG_LAST, sizeof(fl_state), last_update, last_merge, fl_finalize},
    AGG_MOM("stddev", SM_AGG_STDDEV_SAMP),
    AGG_MOM("std", SM_AGG_STDDEV_SAMP),
    AGG_MOM("stddev_samp", SM_AGG_STDDEV_SAMP),
    AGG_MOM("stddev_pop", SM_AGG_STDDEV_POP),
    AGG_MOM("variance", SM_AGG_VAR_SAMP),
    AGG_MOM("var_samp", SM_AGG_VAR_SAMP),
    AGG_MOM("var_pop", SM_AGG_VAR_POP),
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL},
};

const struct sm_agg_def *sm_agg_find(const char *name) {
    if (!name) return NULL;
    for (const sm_agg_def *d = sm_aggs; d->name; d++)
        if (strcasecmp(d->name, name) == 0) return d;
    return NULL;
}
