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
 *   sum(decimal(p,s)) → decimal(min(p+10, 38), s), exact on __int128, null
 *       when it overflows that precision; avg(decimal(p,s)) → decimal(
 *       min(p+4, 38), min(s+4, 38)): Spark's Divide(sum, count as
 *       decimal(20,0)) at the division's result type, then cast HALF_UP to
 *       the result type (two roundings, as Spark).  min/max/first/last keep
 *       decimal(p,s).
 *   min / max: any orderable type; NaN is greater than every double; strings
 *              by UTF-8 bytes.
 *   first / last (x [, ignoreNulls]): the first / last row seen, even when
 *              null, unless ignoreNulls is true.
 *   stddev/std/stddev_samp, stddev_pop, variance/var_samp, var_pop: double,
 *              by Spark's CentralMomentAgg recurrences (Welford update,
 *              Chan et al. merge); the sample forms give null for one row
 *              (spark.sql.legacy.statisticalAggregate=false).
 *   every / bool_and, any / some / bool_or (boolean): null without a
 *              non-null row.  count_if(boolean): bigint, never null.
 *   max_by / min_by (x, ord): x at the greatest / least non-null ord; on
 *              ties the later row wins (Spark compares strictly the old
 *              extremum against the new row); x's type.
 *   corr, covar_pop, covar_samp: double, Spark's Covariance /
 *              PearsonCorrelation recurrences over rows with both non-null;
 *              a zero divisor gives null (Spark's Divide), so corr of a
 *              constant column is null; the samp forms are null for 1 row.
 *   skewness, kurtosis: double, CentralMomentAgg of order 3 / 4; null when
 *              there is no row or m2 = 0.
 *   regr_count(y, x) = count(y, x); regr_avgx / regr_avgy: avg of x / y
 *              over rows where both are non-null (decimal stays decimal).
 *   approx_count_distinct(x [, rsd]): bigint, counted EXACTLY (Spark's
 *              HyperLogLog++ is exact on small inputs and within rsd else).
 *   percentile(x, p [, freq]) / median(x): double, exact, interpolated as
 *              Spark's Percentile.  percentile_approx / approx_percentile
 *              (x, p [, accuracy]): x's type; exact: the value of rank
 *              ceil(p * n), the minimum for p <= 1/accuracy and the maximum
 *              for p >= 1 - 1/accuracy (QuantileSummaries.query on an exact
 *              summary; Spark's answer may differ by its error bound once a
 *              group has more than about `accuracy` values).  A single
 *              percentage only (no arrays).
 *   mode(x [, deterministic]): the most frequent value; ties give the
 *              smallest (Spark 3.5 returns whichever its hash map iterates
 *              first; Spark 4's deterministic mode the smallest).
 *   These five keep all values of a group: a "bag" of (value, count) pairs
 *   in the table's arena, compacted by sorting when full (see below).
 *   agg(...) FILTER (WHERE cond): cond is bound by agg_prep (every resolver
 *   calls it) and applied by the operator before update.
 *   count(DISTINCT ...) and other DISTINCT aggregates are handled by the
 *   operator, which feeds each distinct argument tuple to update once.
 *
 * Memory: strings held by min/max/first/last states are copied into the
 * arena given to update/merge (one per table in hashagg.c).
 */
#define _GNU_SOURCE /* qsort_r */
#include "expr/agg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "types/decimal.h"

/* Kinds of the aggregates added after agg.h's enum (file-local: only this
 * file dispatches on them). */
enum {
    AGG_EVERY = 64,
    AGG_ANY,
    AGG_COUNT_IF,
    AGG_MAX_BY,
    AGG_MIN_BY,
    AGG_CORR,
    AGG_COVAR_POP,
    AGG_COVAR_SAMP,
    AGG_SKEWNESS,
    AGG_KURTOSIS,
    AGG_APPROX_COUNT_DISTINCT,
    AGG_PERCENTILE,
    AGG_MEDIAN,
    AGG_PERCENTILE_APPROX,
    AGG_MODE,
    AGG_COLLECT_LIST,
    AGG_COLLECT_SET,
    AGG_HISTOGRAM,
    AGG_REGR_COUNT,
    AGG_REGR_AVGX,
    AGG_REGR_AVGY,
};

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

/* agg(...) FILTER (WHERE cond): the parser leaves cond unbound on the call;
 * every resolver binds it here (no aggregates inside, boolean or NULL type)
 * so the operator (exec/hashagg.c) can evaluate it per row. */
static int agg_prep(sm_bind_ctx *ctx, sm_expr *call) {
    if (!call->filter) return SM_OK;
    sm_bind_ctx fc = *ctx;
    fc.allow_agg = false;
    sm_expr *f = NULL;
    SM_TRY(sm_expr_bind(&fc, call->filter, &f));
    if (f->type == SM_NULLTYPE && !(f = sm_expr_coerce(ctx, f, SM_BOOLEAN))) return SM_NOMEM;
    if (f->type != SM_BOOLEAN) {
        const char *fs = ctx->arena ? sm_expr_sql_name(ctx->arena, f) : NULL;
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] FILTER expression \"%s\" of type "
                      "\"%s\" is not a boolean; write FILTER (WHERE <condition>).",
                      fs ? fs : "?", sm_type_name(f->type));
    }
    call->filter = f;
    return SM_OK;
}

static int resolve_count(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    call->type = SM_BIGINT;
    call->nullable = false;
    return SM_OK;
}

static int resolve_sum(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    sm_expr *a = call->args[0];
    switch (a->type) {
    case SM_DECIMAL:
        call->type = SM_DECIMAL;
        call->precision = (int8_t)(a->precision + 10 < SM_DEC_MAX_PRECISION ? a->precision + 10
                                                                             : SM_DEC_MAX_PRECISION);
        call->scale = a->scale;
        break;
    case SM_INT:
    case SM_BIGINT: call->type = SM_BIGINT; break;
    case SM_TINYINT: /* Spark: sum(tinyint / smallint) is a bigint, sum(float) a double */
    case SM_SMALLINT:
    case SM_FLOAT:
        call->args[0] = sm_expr_coerce(ctx, a, a->type == SM_FLOAT ? SM_DOUBLE : SM_BIGINT);
        if (!call->args[0]) return SM_NOMEM;
        call->type = a->type == SM_FLOAT ? SM_DOUBLE : SM_BIGINT;
        break;
    case SM_DOUBLE: call->type = SM_DOUBLE; break;
    case SM_STRING:
    case SM_TIMESTAMP: /* Spark casts a timestamp implicitly: seconds as a double */
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
    SM_TRY(agg_prep(ctx, call));
    sm_expr *a = call->args[0];
    if (a->type == SM_DECIMAL && call->agg && call->agg->kind == SM_AGG_AVG) {
        call->type = SM_DECIMAL;
        call->precision = (int8_t)(a->precision + 4 < SM_DEC_MAX_PRECISION ? a->precision + 4
                                                                           : SM_DEC_MAX_PRECISION);
        call->scale = (int8_t)(a->scale + 4 < SM_DEC_MAX_PRECISION ? a->scale + 4
                                                                   : SM_DEC_MAX_PRECISION);
        call->nullable = true;
        return SM_OK;
    }
    switch (a->type) {
    case SM_DECIMAL:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INT:
    case SM_BIGINT:
    case SM_FLOAT:
    case SM_DOUBLE:
    case SM_STRING:
    case SM_NULLTYPE:
        call->args[0] = sm_expr_coerce(ctx, a, SM_DOUBLE);
        if (!call->args[0]) return SM_NOMEM;
        break;
    case SM_TIMESTAMP: /* avg (not stddev...) casts a timestamp implicitly, as Spark */
        if (!call->agg || call->agg->kind != SM_AGG_AVG) return agg_type_error(ctx, call, 0, "\"NUMERIC\"");
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
    SM_TRY(agg_prep(ctx, call));
    call->type = call->args[0]->type;
    call->precision = call->args[0]->precision; /* DECIMAL */
    call->scale = call->args[0]->scale;
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
    sm_i128_a8 dec;  /* decimal (unscaled; the scale is the call's) */
    const sm_vector *nv; /* array / map / struct: row i of nv (a batch's vector until
                            agg_own copies it into a one-row vector the arena releases) */
} agg_val;

static inline void agg_read(const sm_vector *v, int64_t row, agg_val *out) {
    switch (sm_type_phys(v->type)) {
    case SM_BOOLEAN: out->i = SM_VEC_BOOL(v)[row]; break;
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INTERVAL_YM:
    case SM_DATE: out->i = SM_VEC_I32(v)[row]; break;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT:
    case SM_TIMESTAMP: out->i = SM_VEC_I64(v)[row]; break;
    case SM_FLOAT:
    case SM_DOUBLE: out->d = SM_VEC_F64(v)[row]; break;
    case SM_STRING: out->s = sm_vector_str(v, row, &out->len); break;
    case SM_DECIMAL: out->dec = SM_VEC_DEC(v)[row]; break;
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT:
        out->nv = v;
        out->i = row;
        break;
    default: break;
    }
}

static void agg_unref_vector(void *v) { sm_vector_unref(v); }

/* Copies a string value into the arena (agg_val strings point into batches
 * until copied). */
static int agg_own(agg_val *v, sm_type t, sm_arena *arena) {
    if (sm_type_is_nested(t) && v->nv) { /* a private one-row copy */
        sm_vector *c = v->nv->dt ? sm_vector_new_dt(v->nv->dt, 1) : sm_vector_new(t, 1);
        if (!c) return SM_NOMEM;
        if (sm_vector_append_from(c, v->nv, v->i) != SM_OK || sm_arena_on_free(arena, agg_unref_vector, c) != SM_OK) {
            sm_vector_unref(c);
            return SM_NOMEM;
        }
        v->nv = c;
        v->i = 0;
        return SM_OK;
    }
    if (sm_type_phys(t) != SM_STRING) return SM_OK;
    char *p = sm_arena_alloc(arena, (size_t)v->len + 1);
    if (!p) return SM_NOMEM;
    memcpy(p, v->s, (size_t)v->len);
    v->s = p;
    return SM_OK;
}

/* Spark's ordering of two non-null values of type t. */
static inline int agg_cmp(sm_type t, const agg_val *a, const agg_val *b) {
    switch (sm_type_phys(t)) {
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
    case SM_DECIMAL: return a->dec < b->dec ? -1 : a->dec > b->dec; /* one scale per column */
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT: return sm_vector_compare_rows(a->nv, a->i, b->nv, b->i);
    default: return a->i < b->i ? -1 : a->i > b->i;
    }
}

static int agg_append(sm_vector *out, sm_type t, bool is_null, const agg_val *v) {
    if (is_null || t == SM_NULLTYPE) return sm_vector_append_null(out);
    switch (sm_type_phys(t)) {
    case SM_BOOLEAN: return sm_vector_append_bool(out, v->i != 0);
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INTERVAL_YM:
    case SM_DATE: return sm_vector_append_i32(out, (int32_t)v->i);
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT:
    case SM_TIMESTAMP: return sm_vector_append_i64(out, v->i);
    case SM_FLOAT:
    case SM_DOUBLE: return sm_vector_append_f64(out, v->d);
    case SM_STRING: return sm_vector_append_str(out, v->s, v->len);
    case SM_DECIMAL: {
        sm_value x = {.type = SM_DECIMAL, .precision = out->precision, .scale = out->scale};
        x.v.dec = v->dec;
        return sm_vector_append_value(out, &x);
    }
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT: return v->nv ? sm_vector_append_from(out, v->nv, v->i) : sm_vector_append_null(out);
    default: return sm_err(SM_INTERNAL, "aggregate: unexpected result type %s", sm_type_name(t));
    }
}

#define STATE(type, states, gid) ((type *)((states) + (size_t)(gid) * sizeof(type)))

/* A DECIMAL result vector gets the call's type before its first value. */
static void agg_out_type(const sm_expr *call, sm_vector *out) {
    if (call->type == SM_DECIMAL && out->type == SM_DECIMAL && out->precision == 0) {
        out->precision = call->precision;
        out->scale = call->scale;
    }
}

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
    sm_i128_a8 dec;   /* DECIMAL: the exact sum at the argument's scale */
    uint8_t seen;
    uint8_t overflow; /* DECIMAL: the sum left 38 digits */
} sum_state;

/* Adds x to a decimal sum, noting an overflow of 38 digits. */
static inline void sum_dec_add(sum_state *s, __int128 x) {
    __int128 r;
    if (__builtin_add_overflow((__int128)s->dec, x, &r) || !sm_dec_fits(r, SM_DEC_MAX_PRECISION))
        s->overflow = 1;
    else
        s->dec = r;
}

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
    case SM_FLOAT:
    case SM_DOUBLE:
        for (int64_t i = 0; i < n; i++) {
            if (sm_vector_is_null(v, i)) continue;
            sum_state *s = STATE(sum_state, states, gids[i]);
            s->d += SM_VEC_F64(v)[i];
            s->seen = 1;
        }
        break;
    case SM_DECIMAL:
        for (int64_t i = 0; i < n; i++) {
            if (sm_vector_is_null(v, i)) continue;
            sum_state *s = STATE(sum_state, states, gids[i]);
            sum_dec_add(s, SM_VEC_DEC(v)[i]);
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
    if (s->overflow) d->overflow = 1;
    else sum_dec_add(d, s->dec);
    d->seen = 1;
    return SM_OK;
}
static int sum_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const sum_state *s = state;
    agg_out_type(call, out);
    if (!s->seen) return sm_vector_append_null(out);
    if (call->type == SM_DECIMAL) {
        if (s->overflow || !sm_dec_fits(s->dec, call->precision)) return sm_vector_append_null(out);
        sm_value x = {.type = SM_DECIMAL, .precision = call->precision, .scale = call->scale};
        x.v.dec = s->dec;
        return sm_vector_append_value(out, &x);
    }
    if (call->type == SM_BIGINT) return sm_vector_append_i64(out, s->i);
    return sm_vector_append_f64(out, s->d);
}

/* ---- avg --------------------------------------------------------------------- */

typedef struct {
    double sum;
    int64_t n;
    sm_i128_a8 dec;   /* DECIMAL: exact sum */
    uint8_t overflow;
} avg_state;

static int avg_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    if (v->type == SM_DECIMAL) {
        for (int64_t i = 0; i < n; i++) {
            if (sm_vector_is_null(v, i)) continue;
            avg_state *s = STATE(avg_state, states, gids[i]);
            __int128 r;
            if (__builtin_add_overflow((__int128)s->dec, SM_VEC_DEC(v)[i], &r) ||
                !sm_dec_fits(r, SM_DEC_MAX_PRECISION))
                s->overflow = 1;
            else
                s->dec = r;
            s->n++;
        }
        return SM_OK;
    }
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
    __int128 r;
    if (s->overflow || __builtin_add_overflow((__int128)d->dec, (__int128)s->dec, &r) ||
        !sm_dec_fits(r, SM_DEC_MAX_PRECISION))
        d->overflow = 1;
    else
        d->dec = r;
    return SM_OK;
}
static int avg_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const avg_state *s = state;
    agg_out_type(call, out);
    if (s->n == 0) return sm_vector_append_null(out);
    if (call->type == SM_DECIMAL) {
        /* Spark: Divide(sum: decimal(p+10,s), count: decimal(20,0)), then the cast;
         * regr_avgx(y, x) averages its second argument */
        const sm_expr *arg = call->args[call->agg && call->agg->kind == AGG_REGR_AVGX ? 1 : 0];
        int ap = arg->precision, as = arg->scale;
        int sp = ap + 10 < SM_DEC_MAX_PRECISION ? ap + 10 : SM_DEC_MAX_PRECISION, dp, ds;
        sm_dec_result_type('/', sp, as, 20, 0, &dp, &ds);
        __int128 q, r;
        if (s->overflow || !sm_dec_fits(s->dec, sp) ||
            !sm_dec_div(s->dec, as, s->n, 0, dp, ds, &q) ||
            !sm_dec_convert(q, ds, call->precision, call->scale, &r))
            return sm_vector_append_null(out);
        sm_value x = {.type = SM_DECIMAL, .precision = call->precision, .scale = call->scale};
        x.v.dec = r;
        return sm_vector_append_value(out, &x);
    }
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
        agg_val x = {0};
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
    agg_out_type(call, out);
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
    agg_out_type(call, out);
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

/* ---- shared helpers of the aggregates below ------------------------------------ */

static const char *agg_call_name(sm_bind_ctx *ctx, sm_expr *call) {
    const char *n = ctx->arena ? sm_expr_sql_name(ctx->arena, call) : NULL;
    return n ? n : call->name;
}

static bool agg_is_numeric(sm_type t) {
    return t == SM_INT || t == SM_BIGINT || t == SM_DOUBLE || t == SM_DECIMAL ||
           t == SM_TINYINT || t == SM_SMALLINT || t == SM_FLOAT;
}

/* Argument i cast to double, accepting what Spark casts implicitly to a
 * numeric parameter (numbers, strings, NULL). */
static int agg_arg_double(sm_bind_ctx *ctx, sm_expr *call, int i) {
    sm_type t = call->args[i]->type;
    if (!agg_is_numeric(t) && t != SM_STRING && t != SM_NULLTYPE)
        return agg_type_error(ctx, call, i, "\"NUMERIC\"");
    call->args[i] = sm_expr_coerce(ctx, call->args[i], SM_DOUBLE);
    return call->args[i] ? SM_OK : SM_NOMEM;
}

/* A boolean argument (NULL literals are cast; nothing else is). */
static int agg_arg_bool(sm_bind_ctx *ctx, sm_expr *call, int i) {
    /* null arguments cast implicitly; strings too under ANSI mode, whose type
     * coercion casts strings to the expected type (every('true') is true) */
    if (call->args[i]->type == SM_NULLTYPE || (ctx->ansi && call->args[i]->type == SM_STRING)) {
        call->args[i] = sm_expr_coerce(ctx, call->args[i], SM_BOOLEAN);
        return call->args[i] ? SM_OK : SM_NOMEM;
    }
    if (call->args[i]->type != SM_BOOLEAN) return agg_type_error(ctx, call, i, "\"BOOLEAN\"");
    return SM_OK;
}

/* A constant double argument (percentage, relative error): checked and
 * evaluated at resolution; *null set when it is NULL. */
static int agg_const_double(sm_bind_ctx *ctx, sm_expr *call, int i, double *out, bool *null) {
    sm_expr *a = call->args[i];
    if (!sm_expr_is_const(a))
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due to data "
                      "type mismatch: the input argument %d should be a foldable \"DOUBLE\" "
                      "expression; however, got \"%s\".",
                      agg_call_name(ctx, call), i + 1,
                      ctx->arena ? sm_expr_sql_name(ctx->arena, a) : "?");
    if (!agg_is_numeric(a->type) && a->type != SM_NULLTYPE)
        return agg_type_error(ctx, call, i, "\"DOUBLE\"");
    SM_TRY(agg_arg_double(ctx, call, i));
    sm_eval_ctx ev = {.tz = ctx->tz, .ansi = ctx->ansi};
    sm_value v;
    SM_TRY(sm_expr_eval_const(&ev, ctx->arena, call->args[i], &v));
    *null = v.is_null;
    *out = v.is_null ? 0.0 : v.v.f64;
    return SM_OK;
}

/* Reads a double from an evaluated constant argument (any row). */
static double agg_row_double(const sm_vector *v, int64_t row, double dflt) {
    if (!v || sm_vector_is_null(v, row)) return dflt;
    switch (v->type) {
    case SM_FLOAT:
    case SM_DOUBLE: return SM_VEC_F64(v)[row];
    case SM_INT: return SM_VEC_I32(v)[row];
    case SM_BIGINT: return (double)SM_VEC_I64(v)[row];
    default: return dflt;
    }
}

/* ---- every / bool_and, any / some / bool_or, count_if ------------------------------ */

typedef struct {
    uint8_t seen, all, any;
} bool_state;

static int resolve_bool_agg(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    SM_TRY(agg_arg_bool(ctx, call, 0));
    bool count = call->agg && call->agg->kind == AGG_COUNT_IF;
    call->type = count ? SM_BIGINT : SM_BOOLEAN;
    call->nullable = !count;
    return SM_OK;
}

static int bool_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                       int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    if (v->type != SM_BOOLEAN) return SM_OK; /* all null */
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i)) continue;
        bool_state *s = STATE(bool_state, states, gids[i]);
        bool x = SM_VEC_BOOL(v)[i];
        if (!s->seen) s->all = 1;
        s->seen = 1;
        if (!x) s->all = 0;
        if (x) s->any = 1;
    }
    return SM_OK;
}
static int bool_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    bool_state *d = dst;
    const bool_state *s = src;
    if (!s->seen) return SM_OK;
    d->all = d->seen ? (d->all && s->all) : s->all;
    d->any |= s->any;
    d->seen = 1;
    return SM_OK;
}
static int bool_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const bool_state *s = state;
    if (!s->seen) return sm_vector_append_null(out);
    return sm_vector_append_bool(out, call->agg->kind == AGG_EVERY ? s->all : s->any);
}

static int count_if_update(const sm_expr *call, char *states, const uint32_t *gids,
                           sm_vector **args, int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    if (v->type != SM_BOOLEAN) return SM_OK;
    for (int64_t i = 0; i < n; i++)
        if (!sm_vector_is_null(v, i) && SM_VEC_BOOL(v)[i]) (*STATE(int64_t, states, gids[i]))++;
    return SM_OK;
}

/* ---- max_by / min_by ------------------------------------------------------------ */

/* The value at the greatest (least) ordering; on ties the later row wins,
 * as in Spark; rows whose ordering is null are skipped. */
typedef struct {
    agg_val v, ord;
    uint8_t seen, v_null;
} by_state;

static int resolve_by(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    sm_type ot = call->args[1]->type;
    if (ot != SM_BOOLEAN && ot != SM_INT && ot != SM_BIGINT && ot != SM_DOUBLE &&
        ot != SM_DECIMAL && sm_type_phys(ot) != SM_STRING && ot != SM_DATE && ot != SM_TIMESTAMP &&
        ot != SM_NULLTYPE)
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"%s\" due to "
                      "data type mismatch: the %s does not support ordering on type \"%s\".",
                      agg_call_name(ctx, call), call->name, sm_type_name(ot));
    call->type = call->args[0]->type;
    call->precision = call->args[0]->precision;
    call->scale = call->args[0]->scale;
    call->nullable = true;
    return SM_OK;
}

static int by_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                     int64_t n, sm_arena *arena) {
    int sign = call->agg->kind == AGG_MAX_BY ? 1 : -1;
    const sm_vector *v = args[0], *o = args[1];
    if (o->type == SM_NULLTYPE) return SM_OK;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(o, i)) continue;
        by_state *s = STATE(by_state, states, gids[i]);
        agg_val ord = {0}, x = {0};
        agg_read(o, i, &ord);
        if (s->seen && agg_cmp(o->type, &ord, &s->ord) * sign < 0) continue;
        bool xnull = sm_vector_is_null(v, i);
        if (!xnull) agg_read(v, i, &x);
        SM_TRY(agg_own(&ord, o->type, arena));
        if (!xnull) SM_TRY(agg_own(&x, v->type, arena));
        s->ord = ord;
        s->v = x;
        s->v_null = xnull;
        s->seen = 1;
    }
    return SM_OK;
}
static int by_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    int sign = call->agg->kind == AGG_MAX_BY ? 1 : -1;
    sm_type ot = call->args[1]->type;
    by_state *d = dst;
    const by_state *s = src;
    if (!s->seen) return SM_OK;
    if (d->seen && agg_cmp(ot, &s->ord, &d->ord) * sign < 0) return SM_OK;
    by_state x = *s;
    SM_TRY(agg_own(&x.ord, ot, arena));
    if (!x.v_null) SM_TRY(agg_own(&x.v, call->type, arena));
    *d = x;
    return SM_OK;
}
static int by_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const by_state *s = state;
    agg_out_type(call, out);
    return agg_append(out, call->type, !s->seen || s->v_null, &s->v);
}

/* ---- corr, covar_pop, covar_samp ----------------------------------------------------- */

/* Spark's Covariance / PearsonCorrelation recurrences over the rows where
 * both arguments are non-null; the final divisions are Spark's Divide,
 * which gives null for a zero divisor (a constant column: corr is null). */
typedef struct {
    double n, xavg, yavg, ck, xmk, ymk;
} cov_state;

static int resolve_cov(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    SM_TRY(agg_arg_double(ctx, call, 0));
    SM_TRY(agg_arg_double(ctx, call, 1));
    call->type = SM_DOUBLE;
    call->nullable = true;
    return SM_OK;
}

static int cov_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *xv = args[0], *yv = args[1];
    if (xv->type != SM_DOUBLE || yv->type != SM_DOUBLE) return SM_OK;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(xv, i) || sm_vector_is_null(yv, i)) continue;
        cov_state *s = STATE(cov_state, states, gids[i]);
        double x = SM_VEC_F64(xv)[i], y = SM_VEC_F64(yv)[i];
        double nn = s->n + 1.0;
        double dx = x - s->xavg, dy = y - s->yavg;
        double xavg = s->xavg + dx / nn, yavg = s->yavg + dy / nn;
        s->ck += dx * (y - yavg);
        s->xmk += dx * (x - xavg);
        s->ymk += dy * (y - yavg);
        s->xavg = xavg;
        s->yavg = yavg;
        s->n = nn;
    }
    return SM_OK;
}
static int cov_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    cov_state *d = dst;
    const cov_state *s = src;
    if (s->n == 0) return SM_OK;
    double n1 = d->n, n2 = s->n, nn = n1 + n2;
    double dx = s->xavg - d->xavg, dy = s->yavg - d->yavg;
    double dxn = nn == 0 ? 0.0 : dx / nn, dyn = nn == 0 ? 0.0 : dy / nn;
    d->xavg += dxn * n2;
    d->yavg += dyn * n2;
    d->ck += s->ck + dx * dyn * n1 * n2;
    d->xmk += s->xmk + dx * dxn * n1 * n2;
    d->ymk += s->ymk + dy * dyn * n1 * n2;
    d->n = nn;
    return SM_OK;
}
static int cov_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const cov_state *s = state;
    if (s->n == 0) return sm_vector_append_null(out);
    switch (call->agg->kind) {
    case AGG_COVAR_POP: return sm_vector_append_f64(out, s->ck / s->n);
    case AGG_COVAR_SAMP:
        if (s->n == 1.0) return sm_vector_append_null(out);
        return sm_vector_append_f64(out, s->ck / (s->n - 1.0));
    default: {
        if (s->n == 1.0) return sm_vector_append_null(out);
        double den = sqrt(s->xmk * s->ymk);
        if (den == 0.0) return sm_vector_append_null(out);
        return sm_vector_append_f64(out, s->ck / den);
    }
    }
}

/* ---- skewness, kurtosis ---------------------------------------------------------------- */

/* Spark's CentralMomentAgg with moments up to 4 (its exact update and merge
 * formulas, so results match to the last bit on one partition). */
typedef struct {
    double n, avg, m2, m3, m4;
} mom4_state;

static int mom4_update(const sm_expr *call, char *states, const uint32_t *gids,
                       sm_vector **args, int64_t n, sm_arena *arena) {
    (void)call, (void)arena;
    const sm_vector *v = args[0];
    if (v->type != SM_DOUBLE) return SM_OK;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i)) continue;
        mom4_state *s = STATE(mom4_state, states, gids[i]);
        double x = SM_VEC_F64(v)[i];
        double nn = s->n + 1.0;
        double delta = x - s->avg;
        double dn = delta / nn;
        double m2 = s->m2 + delta * (delta - dn);
        double delta2 = delta * delta, dn2 = dn * dn;
        double m3 = s->m3 - 3.0 * dn * m2 + delta * (delta2 - dn2);
        double m4 = s->m4 - 4.0 * dn * m3 - 6.0 * dn2 * m2 + delta * (delta * delta2 - dn * dn2);
        s->avg += dn;
        s->m2 = m2;
        s->m3 = m3;
        s->m4 = m4;
        s->n = nn;
    }
    return SM_OK;
}
static int mom4_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call, (void)arena;
    mom4_state *d = dst;
    const mom4_state *s = src;
    if (s->n == 0) return SM_OK;
    double n1 = d->n, n2 = s->n, nn = n1 + n2;
    double delta = s->avg - d->avg;
    double dn = nn == 0 ? 0.0 : delta / nn;
    double m2 = d->m2 + s->m2 + delta * dn * n1 * n2;
    double m3 = d->m3 + s->m3 + dn * dn * delta * n1 * n2 * (n1 - n2) +
                3.0 * dn * (n1 * s->m2 - n2 * d->m2);
    double m4 = d->m4 + s->m4 + dn * dn * dn * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
                6.0 * dn * dn * (n1 * n1 * s->m2 + n2 * n2 * d->m2) +
                4.0 * dn * (n1 * s->m3 - n2 * d->m3);
    d->avg += dn * n2;
    d->m2 = m2;
    d->m3 = m3;
    d->m4 = m4;
    d->n = nn;
    return SM_OK;
}
static int mom4_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const mom4_state *s = state;
    if (s->n == 0 || s->m2 == 0.0) return sm_vector_append_null(out);
    if (call->agg->kind == AGG_SKEWNESS)
        return sm_vector_append_f64(out, sqrt(s->n) * s->m3 / sqrt(s->m2 * s->m2 * s->m2));
    return sm_vector_append_f64(out, s->n * s->m4 / (s->m2 * s->m2) - 3.0);
}

/* ---- regr_count, regr_avgx, regr_avgy ------------------------------------------------- */

/* regr_count(y, x) is count(y, x).  regr_avgx(y, x) / regr_avgy(y, x) are
 * avg(x) / avg(y) over the rows where both are non-null (Spark rewrites
 * them to Average(If(both not null, arg, null))): a decimal argument keeps
 * avg's decimal result type. */
static int resolve_regr_count(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    for (int i = 0; i < 2; i++) {
        sm_type t = call->args[i]->type;
        if (!agg_is_numeric(t) && t != SM_STRING && t != SM_NULLTYPE)
            return agg_type_error(ctx, call, i, "\"NUMERIC\"");
    }
    call->type = SM_BIGINT;
    call->nullable = false;
    return SM_OK;
}

static int resolve_regr_avg(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    int use = call->agg->kind == AGG_REGR_AVGX ? 1 : 0;
    for (int i = 0; i < 2; i++) {
        sm_type t = call->args[i]->type;
        if (t == SM_DECIMAL) continue;
        SM_TRY(agg_arg_double(ctx, call, i));
    }
    const sm_expr *a = call->args[use];
    if (a->type == SM_DECIMAL) {
        call->type = SM_DECIMAL;
        call->precision = (int8_t)(a->precision + 4 < SM_DEC_MAX_PRECISION ? a->precision + 4
                                                                           : SM_DEC_MAX_PRECISION);
        call->scale = (int8_t)(a->scale + 4 < SM_DEC_MAX_PRECISION ? a->scale + 4
                                                                   : SM_DEC_MAX_PRECISION);
    } else {
        call->type = SM_DOUBLE;
    }
    call->nullable = true;
    return SM_OK;
}

static int regr_avg_update(const sm_expr *call, char *states, const uint32_t *gids,
                           sm_vector **args, int64_t n, sm_arena *arena) {
    (void)arena;
    int use = call->agg->kind == AGG_REGR_AVGX ? 1 : 0;
    const sm_vector *v = args[use], *other = args[1 - use];
    if (other->type == SM_NULLTYPE || (v->type != SM_DOUBLE && v->type != SM_DECIMAL))
        return SM_OK;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i) || sm_vector_is_null(other, i)) continue;
        avg_state *s = STATE(avg_state, states, gids[i]);
        if (v->type == SM_DECIMAL) {
            __int128 r;
            if (__builtin_add_overflow((__int128)s->dec, SM_VEC_DEC(v)[i], &r) ||
                !sm_dec_fits(r, SM_DEC_MAX_PRECISION))
                s->overflow = 1;
            else
                s->dec = r;
        } else {
            s->sum += SM_VEC_F64(v)[i];
        }
        s->n++;
    }
    return SM_OK;
}

/* ---- value bags: percentile, median, percentile_approx, mode, approx_count_distinct ---- */

/* These need every value of a group.  A bag is a growable array of (value,
 * count) pairs in the table's arena.  When it is full it is sorted and equal
 * values are folded together; only if that frees less than half does it
 * grow (to twice the size; the old array stays in the arena until the
 * table is freed, so a bag costs at most about twice its final size).  So a
 * bag holds O(distinct values) pairs, not O(rows).  Merge appends the
 * other bag's pairs (copying strings into the destination arena).  Finalize
 * sorts in place and reads runs of equal values.
 *
 * Orders and equality are agg_cmp's (NaN is largest and equal to NaN; 0.0
 * and -0.0 are equal).
 *
 * The parameters that Spark requires to be constant (percentage, accuracy)
 * are checked at resolution and copied into the state by update (from the
 * evaluated constant argument), so finalize needs nothing else. */
typedef struct {
    agg_val v;
    int64_t cnt;
} bag_item;

typedef struct {
    bag_item *items;
    int64_t len, cap;
    double p;        /* percentage */
    double accuracy; /* percentile_approx's accuracy (10000 by default) */
    uint8_t p_null;
    uint8_t set;     /* p and accuracy were read */
} bag_state;

static int bag_cmp(const void *a, const void *b, void *type) {
    return agg_cmp(*(const sm_type *)type, &((const bag_item *)a)->v, &((const bag_item *)b)->v);
}

/* Sorts the items and folds equal values together. */
static void bag_compact(bag_item *items, int64_t *len, sm_type t) {
    if (*len < 2) return;
    qsort_r(items, (size_t)*len, sizeof *items, bag_cmp, &t);
    int64_t k = 0;
    for (int64_t i = 1; i < *len; i++) {
        if (agg_cmp(t, &items[k].v, &items[i].v) == 0)
            items[k].cnt += items[i].cnt;
        else
            items[++k] = items[i];
    }
    *len = k + 1;
}

static int bag_add(bag_state *s, const agg_val *x, int64_t cnt, sm_type t, sm_arena *arena) {
    if (s->len == s->cap) {
        bag_compact(s->items, &s->len, t);
        if (s->cap == 0 || s->len > s->cap / 2) {
            int64_t cap = s->cap ? s->cap * 2 : 8;
            bag_item *ni = sm_arena_alloc(arena, (size_t)cap * sizeof *ni);
            if (!ni) return SM_NOMEM;
            if (s->len) memcpy(ni, s->items, (size_t)s->len * sizeof *ni);
            s->items = ni;
            s->cap = cap;
        }
    }
    bag_item *it = &s->items[s->len];
    it->v = *x;
    it->cnt = cnt;
    SM_TRY(agg_own(&it->v, t, arena));
    s->len++;
    return SM_OK;
}

/* The type of the values a bag holds (the first argument's). */
static sm_type bag_type(const sm_expr *call) { return call->args[0]->type; }

static int bag_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                      int64_t n, sm_arena *arena) {
    const sm_vector *v = args[0];
    int kind = call->agg->kind;
    const sm_vector *pv = (kind == AGG_PERCENTILE || kind == AGG_PERCENTILE_APPROX) ? args[1] : NULL;
    const sm_vector *fv = kind == AGG_PERCENTILE && call->nargs > 2 ? args[2] : NULL;
    const sm_vector *av = kind == AGG_PERCENTILE_APPROX && call->nargs > 2 ? args[2] : NULL;
    sm_type t = bag_type(call);
    for (int64_t i = 0; i < n; i++) {
        bag_state *s = STATE(bag_state, states, gids[i]);
        if (pv) {
            s->p = agg_row_double(pv, i, 0.0);
            s->p_null = sm_vector_is_null(pv, i);
        } else if (kind == AGG_MEDIAN) {
            s->p = 0.5;
        }
        s->accuracy = agg_row_double(av, i, 10000.0);
        s->set = 1;
        if (v->type == SM_NULLTYPE || sm_vector_is_null(v, i)) continue;
        int64_t cnt = 1;
        if (fv) {
            if (sm_vector_is_null(fv, i)) continue;
            cnt = fv->type == SM_INT ? SM_VEC_I32(fv)[i] : SM_VEC_I64(fv)[i];
            if (cnt < 0)
                return sm_err(SM_INVALID, "percentile: negative frequency %lld; frequencies must "
                              "be >= 0", (long long)cnt);
            if (cnt == 0) continue;
        }
        agg_val x = {0};
        agg_read(v, i, &x);
        SM_TRY(bag_add(s, &x, cnt, t, arena));
    }
    return SM_OK;
}
static int bag_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    bag_state *d = dst;
    const bag_state *s = src;
    sm_type t = bag_type(call);
    if (s->set) {
        d->p = s->p;
        d->p_null = s->p_null;
        d->accuracy = s->accuracy;
        d->set = 1;
    }
    for (int64_t i = 0; i < s->len; i++) SM_TRY(bag_add(d, &s->items[i].v, s->items[i].cnt, t, arena));
    return SM_OK;
}

/* Spark's Percentile.getPercentile: the value at position (n - 1) * p of
 * the sorted values, interpolating linearly between neighbours. */
static double bag_percentile(const bag_item *it, int64_t len, int64_t total, double p) {
    double pos = (double)(total - 1) * p;
    int64_t lower = (int64_t)floor(pos), higher = (int64_t)ceil(pos);
    int64_t li = 0, hi = 0, acc = 0;
    bool lfound = false;
    for (int64_t i = 0; i < len; i++) {
        acc += it[i].cnt;
        if (!lfound && acc > lower) {
            li = i;
            lfound = true;
        }
        if (acc > higher) {
            hi = i;
            break;
        }
    }
    double lv = it[li].v.d, hv = it[hi].v.d;
    if (higher == lower || li == hi) return lv;
    return ((double)higher - pos) * lv + (pos - (double)lower) * hv;
}

static int bag_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const bag_state *s = state;
    int kind = call->agg->kind;
    sm_type t = bag_type(call);
    agg_out_type(call, out);
    int64_t len = s->len;
    bag_compact(s->items, &len, t); /* sorts the arena array in place */
    if (kind == AGG_APPROX_COUNT_DISTINCT) return sm_vector_append_i64(out, len);
    if (len == 0 || s->p_null) return sm_vector_append_null(out);
    const bag_item *it = s->items;
    if (kind == AGG_MODE) { /* ties: the smallest value (Spark 4's deterministic mode) */
        int64_t best = 0;
        for (int64_t i = 1; i < len; i++)
            if (it[i].cnt > it[best].cnt) best = i;
        return agg_append(out, call->type, false, &it[best].v);
    }
    int64_t total = 0;
    for (int64_t i = 0; i < len; i++) total += it[i].cnt;
    if (kind == AGG_PERCENTILE_APPROX) {
        /* Spark's QuantileSummaries.query on an exact summary: the minimum
         * for p <= 1/accuracy, the maximum for p >= 1 - 1/accuracy, else
         * the value of rank ceil(p * n) */
        double err = s->accuracy > 0 ? 1.0 / s->accuracy : 1e-4;
        int64_t idx = len - 1;
        if (s->p <= err) {
            idx = 0;
        } else if (s->p < 1.0 - err) {
            int64_t rank = (int64_t)ceil(s->p * (double)total), acc = 0;
            for (int64_t i = 0; i < len; i++) {
                acc += it[i].cnt;
                if (acc >= rank) {
                    idx = i;
                    break;
                }
            }
        }
        return agg_append(out, call->type, false, &it[idx].v);
    }
    return sm_vector_append_f64(out, bag_percentile(it, len, total, s->p));
}

/* Argument 1, the percentage, when constant and not null, must lie in [0, 1]. */
static int agg_check_percentage(sm_bind_ctx *ctx, sm_expr *call) {
    double p;
    bool null;
    SM_TRY(agg_const_double(ctx, call, 1, &p, &null));
    if (!null && (p < 0.0 || p > 1.0))
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"%s\" due to data "
                      "type mismatch: The percentage must be between [0.0, 1.0] (current value "
                      "= %gD).",
                      agg_call_name(ctx, call), p);
    return SM_OK;
}

/* percentile(x, p [, frequency]) and median(x): double, x cast to double. */
static int resolve_percentile(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    SM_TRY(agg_arg_double(ctx, call, 0));
    if (call->agg->kind == AGG_PERCENTILE) {
        SM_TRY(agg_check_percentage(ctx, call));
        if (call->nargs > 2 && call->args[2]->type != SM_INT && call->args[2]->type != SM_BIGINT)
            return agg_type_error(ctx, call, 2, "\"INTEGRAL\"");
    }
    call->type = SM_DOUBLE;
    call->nullable = true;
    return SM_OK;
}

/* percentile_approx(x, p [, accuracy]): x's type (strings cast to double). */
static int resolve_percentile_approx(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    sm_type t = call->args[0]->type;
    if (t == SM_STRING || t == SM_NULLTYPE)
        SM_TRY(agg_arg_double(ctx, call, 0));
    else if (!agg_is_numeric(t) && t != SM_DATE && t != SM_TIMESTAMP)
        return agg_type_error(ctx, call, 0, "(\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\")");
    SM_TRY(agg_check_percentage(ctx, call));
    if (call->nargs > 2) {
        double acc;
        bool null;
        if (!sm_expr_is_const(call->args[2]) ||
            (call->args[2]->type != SM_INT && call->args[2]->type != SM_BIGINT))
            return agg_type_error(ctx, call, 2, "\"INTEGRAL\" (a literal)");
        SM_TRY(agg_const_double(ctx, call, 2, &acc, &null));
        if (null || acc <= 0 || acc > 2147483647.0)
            return sm_err(SM_ANALYSIS,
                          "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"%s\" due to "
                          "data type mismatch: The accuracy must be a positive integer literal "
                          "(current value = %g).",
                          agg_call_name(ctx, call), acc);
    }
    call->type = call->args[0]->type;
    call->precision = call->args[0]->precision;
    call->scale = call->args[0]->scale;
    call->nullable = true;
    return SM_OK;
}

/* mode(x [, deterministic]): x's type. */
static int resolve_mode(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    if (call->nargs == 2 && (call->args[1]->type != SM_BOOLEAN || !sm_expr_is_const(call->args[1])))
        return agg_type_error(ctx, call, 1, "\"BOOLEAN\" (a literal)");
    call->type = call->args[0]->type;
    call->precision = call->args[0]->precision;
    call->scale = call->args[0]->scale;
    call->nullable = true;
    return SM_OK;
}

/* approx_count_distinct(x [, relativeSD]): bigint, never null.  smelt
 * counts exactly (Spark's HyperLogLog++ estimate equals the exact count on
 * small inputs and is within relativeSD of it otherwise). */
static int resolve_acd(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    if (call->nargs == 2) {
        double rsd;
        bool null;
        SM_TRY(agg_const_double(ctx, call, 1, &rsd, &null));
    }
    call->type = SM_BIGINT;
    call->nullable = false;
    return SM_OK;
}

/* ---- the table ---------------------------------------------------------------- */

#define AGG_COUNT(nm) {nm, 0, -1, resolve_count, SM_AGG_COUNT, sizeof(int64_t), count_update, count_merge, count_finalize}
#define AGG_BOOL(nm, k) {nm, 1, 1, resolve_bool_agg, k, sizeof(bool_state), bool_update, bool_merge, bool_finalize}
#define AGG_BAG(nm, lo, hi, res, k) {nm, lo, hi, res, k, sizeof(bag_state), bag_update, bag_merge, bag_finalize}
#define AGG_MOM(nm, k) {nm, 1, 1, resolve_double, k, sizeof(mom_state), mom_update, mom_merge, mom_finalize}

/* ---- collect_list / collect_set ---------------------------------------------------- */

/* Every non-null value of the group (strings copied into the table's
 * arena, nested values into one-row vectors it releases), in arrival order; the array grows by doubling in the
 * arena.  collect_set drops repeats at finalize, keeping first
 * occurrences.  The result is array<T> without null elements. */
typedef struct {
    agg_val *items;
    int64_t len, cap;
} coll_state;

static int coll_add(coll_state *s, const agg_val *x, sm_type t, sm_arena *arena) {
    if (s->len == s->cap) {
        int64_t cap = s->cap ? s->cap * 2 : 8;
        agg_val *ni = sm_arena_alloc(arena, (size_t)cap * sizeof *ni);
        if (!ni) return SM_NOMEM;
        if (s->len) memcpy(ni, s->items, (size_t)s->len * sizeof *ni);
        s->items = ni;
        s->cap = cap;
    }
    s->items[s->len] = *x;
    SM_TRY(agg_own(&s->items[s->len], t, arena));
    s->len++;
    return SM_OK;
}

static int resolve_collect(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    const sm_expr *a = call->args[0];
    if (a->type == SM_INTERVAL_CAL)
        return sm_err(SM_UNSUPPORTED,
                      "[UNSUPPORTED_FEATURE] %s of %s values is not supported by smelt yet.",
                      call->name, sm_type_name(a->type));
    if (call->agg->kind == AGG_COLLECT_SET && a->type == SM_MAP)
        return agg_type_error(ctx, call, 0, "non-MAP");
    call->type = SM_ARRAY;
    call->dt = sm_dtype_array(sm_nested_expr_dtype(a), false);
    if (!call->dt) return SM_NOMEM;
    call->nullable = false;
    return SM_OK;
}

static int coll_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                       int64_t n, sm_arena *arena) {
    const sm_vector *v = args[0];
    sm_type t = sm_type_phys(call->args[0]->type);
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(v, i)) continue;
        agg_val x = {0};
        agg_read(v, i, &x);
        SM_TRY(coll_add(STATE(coll_state, states, gids[i]), &x, t, arena));
    }
    return SM_OK;
}

static int coll_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    const coll_state *s = src;
    sm_type t = sm_type_phys(call->args[0]->type);
    for (int64_t i = 0; i < s->len; i++) SM_TRY(coll_add(dst, &s->items[i], t, arena));
    return SM_OK;
}

typedef struct {
    const agg_val *v;
    int64_t at;
} coll_ref;

static int coll_ref_cmp(const void *a, const void *b, void *type) {
    const coll_ref *x = a, *y = b;
    int c = agg_cmp(*(const sm_type *)type, x->v, y->v);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}
static int coll_at_cmp(const void *a, const void *b) {
    const coll_ref *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

static int coll_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const coll_state *s = state;
    sm_type t = sm_type_phys(call->args[0]->type);
    SM_TRY(sm_vector_set_dt(out, call->dt));
    sm_vector *el = out->children[0];
    if (call->agg->kind != AGG_COLLECT_SET || s->len < 2) {
        for (int64_t i = 0; i < s->len; i++) SM_TRY(agg_append(el, t, false, &s->items[i]));
        return sm_vector_end_list(out);
    }
    coll_ref *r = sm_malloc((size_t)s->len * sizeof *r);
    if (!r) return SM_NOMEM;
    for (int64_t i = 0; i < s->len; i++) r[i] = (coll_ref){&s->items[i], i};
    qsort_r(r, (size_t)s->len, sizeof *r, coll_ref_cmp, &t);
    int64_t k = 0;
    for (int64_t i = 0; i < s->len; i++)
        if (k == 0 || agg_cmp(t, r[k - 1].v, r[i].v) != 0) r[k++] = r[i];
    qsort(r, (size_t)k, sizeof *r, coll_at_cmp);
    int rc = SM_OK;
    for (int64_t i = 0; i < k && rc == SM_OK; i++) rc = agg_append(el, t, false, r[i].v);
    sm_free(r);
    return rc == SM_OK ? sm_vector_end_list(out) : rc;
}

/* ---- histogram_numeric(x, nb) ---------------------------------------------------- */

/* Spark's (Hive's) NumericHistogram, after Ben-Haim & Tom-Tov: at most nb
 * bins (x, y) sorted by x; a value equal to a bin's x adds 1 to its y,
 * otherwise it becomes a new bin of height 1, and while there are more
 * than nb bins the two closest neighbours merge into one at their weighted
 * mean.  Ties between equally close pairs are broken as Hive does, with
 * java.util.Random(31183) (a per-histogram generator, reproduced here).
 * Merge concatenates, sorts and trims.  The result is
 * array<struct<x: T, y: double>> (x cast back to the input's type), null
 * for a group without values. */
typedef struct {
    double x, y;
} hist_bin;

typedef struct {
    hist_bin *bins;
    int32_t used, cap, nb;
    uint64_t seed; /* java.util.Random's state (48 bits); 0 = not seeded yet */
} hist_state;

#define HIST_MULT 0x5DEECE66DULL
#define HIST_MASK ((1ULL << 48) - 1)

static int32_t hist_next(hist_state *h, int bits) {
    h->seed = (h->seed * HIST_MULT + 0xBULL) & HIST_MASK; /* modulo 2^64, then 48 bits */
    return (int32_t)(uint32_t)(h->seed >> (48 - bits));
}
static double hist_next_double(hist_state *h) {
    int64_t a = hist_next(h, 26), b = hist_next(h, 27);
    return (double)((a << 27) + b) * 0x1.0p-53;
}

static void hist_init(hist_state *h, int32_t nb) {
    if (h->seed) return;
    h->seed = (31183ULL ^ HIST_MULT) & HIST_MASK;
    h->nb = nb;
}

static void hist_trim(hist_state *h) {
    while (h->used > h->nb && h->used >= 2) {
        double smallest = h->bins[1].x - h->bins[0].x;
        int loc = 0, count = 1;
        for (int i = 1; i < h->used - 1; i++) {
            double d = h->bins[i + 1].x - h->bins[i].x;
            if (d < smallest) {
                smallest = d;
                loc = i;
                count = 1;
            } else if (d == smallest && hist_next_double(h) <= 1.0 / ++count) {
                loc = i;
            }
        }
        hist_bin *a = &h->bins[loc], *b = &h->bins[loc + 1];
        double d = a->y + b->y;
        a->x *= a->y / d;
        a->x += b->x / d * b->y;
        a->y = d;
        memmove(b, b + 1, (size_t)(h->used - loc - 2) * sizeof *b);
        h->used--;
    }
}

static int hist_reserve(hist_state *h, int32_t need, sm_arena *arena) {
    if (need <= h->cap) return SM_OK;
    int32_t cap = h->cap ? h->cap : 8;
    while (cap < need) cap *= 2;
    hist_bin *nb = sm_arena_alloc(arena, (size_t)cap * sizeof *nb);
    if (!nb) return SM_NOMEM;
    if (h->used) memcpy(nb, h->bins, (size_t)h->used * sizeof *nb);
    h->bins = nb;
    h->cap = cap;
    return SM_OK;
}

static int hist_add(hist_state *h, double v, sm_arena *arena) {
    int bin = 0;
    for (int l = 0, r = h->used; l < r;) {
        bin = (l + r) / 2;
        if (h->bins[bin].x > v) {
            r = bin;
        } else {
            if (h->bins[bin].x < v) l = ++bin;
            else break;
        }
    }
    if (bin < h->used && h->bins[bin].x == v) {
        h->bins[bin].y++;
        return SM_OK;
    }
    SM_TRY(hist_reserve(h, h->used + 1, arena));
    memmove(&h->bins[bin + 1], &h->bins[bin], (size_t)(h->used - bin) * sizeof *h->bins);
    h->bins[bin] = (hist_bin){v, 1.0};
    if (++h->used > h->nb) hist_trim(h);
    return SM_OK;
}

static double hist_value(const sm_vector *v, int64_t i) {
    switch (v->type) {
    case SM_DOUBLE:
    case SM_FLOAT: return SM_VEC_F64(v)[i];
    case SM_DECIMAL: return sm_dec_to_double(SM_VEC_DEC(v)[i], v->scale);
    default: {
        sm_type p = sm_type_phys(v->type);
        return p == SM_INT ? (double)SM_VEC_I32(v)[i] : (double)SM_VEC_I64(v)[i];
    }
    }
}

static int resolve_histogram(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(agg_prep(ctx, call));
    sm_expr *a = call->args[0];
    sm_type t = a->type;
    if (t == SM_NULLTYPE || t == SM_STRING) {
        SM_TRY(agg_arg_double(ctx, call, 0));
        a = call->args[0];
        t = a->type;
    }
    if (!sm_type_is_numeric(t) && t != SM_DATE && t != SM_TIMESTAMP && t != SM_TIMESTAMP_NTZ &&
        t != SM_INTERVAL_YM && t != SM_INTERVAL_DT)
        return agg_type_error(ctx, call, 0, "(\"NUMERIC\" or \"TIMESTAMP\" or \"INTERVAL\")");
    double nb;
    bool null;
    if (!sm_expr_is_const(call->args[1]) || !sm_type_is_integral(call->args[1]->type))
        return agg_type_error(ctx, call, 1, "\"INT\" (a literal)");
    SM_TRY(agg_const_double(ctx, call, 1, &nb, &null));
    if (null || nb < 2)
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"%s\" due to data "
                      "type mismatch: The `nb` must be between [2, 2147483647], but got %.0f.",
                      sm_expr_sql_name(ctx->arena, call), null ? 0.0 : nb);
    sm_dtype_field f[2] = {{"x", sm_dtype_scalar(t, a->precision, a->scale), true},
                           {"y", sm_dtype_scalar(SM_DOUBLE, 0, 0), true}};
    const sm_dtype *st = sm_dtype_struct(2, f);
    call->dt = st ? sm_dtype_array(st, true) : NULL;
    if (!call->dt) return SM_NOMEM;
    call->type = SM_ARRAY;
    call->nullable = true;
    return SM_OK;
}

static int hist_update(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                       int64_t n, sm_arena *arena) {
    const sm_vector *v = args[0];
    for (int64_t i = 0; i < n; i++) {
        hist_state *h = STATE(hist_state, states, gids[i]);
        hist_init(h, (int32_t)agg_row_double(args[1], i, 2.0));
        if (sm_vector_is_null(v, i)) continue;
        SM_TRY(hist_add(h, hist_value(v, i), arena));
    }
    return SM_OK;
}

static int hist_merge(const sm_expr *call, void *dst, const void *src, sm_arena *arena) {
    (void)call;
    hist_state *d = dst;
    const hist_state *s = src;
    if (!s->seed || s->used == 0) {
        if (!d->seed && s->seed) hist_init(d, s->nb);
        return SM_OK;
    }
    hist_init(d, s->nb);
    if (d->used == 0) {
        SM_TRY(hist_reserve(d, s->used, arena));
        memcpy(d->bins, s->bins, (size_t)s->used * sizeof *d->bins);
        d->used = s->used;
        d->nb = s->nb;
        return SM_OK;
    }
    SM_TRY(hist_reserve(d, d->used + s->used, arena));
    /* concatenate and sort by x (a stable merge of two sorted runs) */
    hist_bin *tmp = sm_arena_alloc(arena, (size_t)(d->used + s->used) * sizeof *tmp);
    if (!tmp) return SM_NOMEM;
    int i = 0, j = 0, k = 0;
    while (i < d->used || j < s->used)
        tmp[k++] = j >= s->used || (i < d->used && d->bins[i].x <= s->bins[j].x) ? d->bins[i++]
                                                                                   : s->bins[j++];
    memcpy(d->bins, tmp, (size_t)k * sizeof *tmp);
    d->used = k;
    hist_trim(d);
    return SM_OK;
}

static int hist_finalize(const sm_expr *call, const void *state, sm_vector *out) {
    const hist_state *h = state;
    if (h->used < 1) return sm_vector_append_null(out);
    SM_TRY(sm_vector_set_dt(out, call->dt));
    sm_vector *st = out->children[0];
    sm_vector *xs = st->children[0], *ys = st->children[1];
    /* x back to the input's type: integers and temporal values truncated
     * (Spark's bin.x.toLong / toInt), decimals rounded, floats narrowed */
    const sm_dtype *xt = call->dt->elem->fields[0].type;
    sm_vector *xc = sm_vector_new_dt(xt, h->used);
    if (!xc) return SM_NOMEM;
    int rc = SM_OK;
    for (int i = 0; i < h->used && rc == SM_OK; i++) {
        double x = h->bins[i].x;
        switch (sm_type_phys(xt->id)) {
        case SM_INT: rc = sm_vector_append_i32(xc, (int32_t)x); break;
        case SM_BIGINT: rc = sm_vector_append_i64(xc, (int64_t)x); break;
        case SM_DECIMAL: {
            __int128 u;
            if (!sm_dec_from_double(x, xt->precision, xt->scale, &u)) rc = sm_vector_append_null(xc);
            else rc = sm_vector_append_value(xc, &(sm_value){.type = SM_DECIMAL, .precision = xt->precision, .scale = xt->scale, .v.dec = u});
            break;
        }
        default: rc = sm_vector_append_f64(xc, xt->id == SM_FLOAT ? (double)(float)x : x); break;
        }
    }
    for (int i = 0; i < h->used && rc == SM_OK; i++) {
        rc = sm_vector_append_from(xs, xc, i);
        if (rc == SM_OK) rc = sm_vector_append_f64(ys, h->bins[i].y);
        if (rc == SM_OK) rc = sm_vector_end_struct(st);
    }
    sm_vector_unref(xc);
    return rc == SM_OK ? sm_vector_end_list(out) : rc;
}

const sm_agg_def sm_aggs[] = {
    AGG_COUNT("count"),
    {"sum", 1, 1, resolve_sum, SM_AGG_SUM, sizeof(sum_state), sum_update, sum_merge, sum_finalize},
    {"avg", 1, 1, resolve_double, SM_AGG_AVG, sizeof(avg_state), avg_update, avg_merge, avg_finalize},
    {"mean", 1, 1, resolve_double, SM_AGG_AVG, sizeof(avg_state), avg_update, avg_merge, avg_finalize},
    {"min", 1, 1, resolve_same, SM_AGG_MIN, sizeof(mm_state), min_update, min_merge, mm_finalize},
    {"max", 1, 1, resolve_same, SM_AGG_MAX, sizeof(mm_state), max_update, max_merge, mm_finalize},
    {"first", 1, 2, resolve_first, SM_AGG_FIRST, sizeof(fl_state), first_update, first_merge, fl_finalize},
    {"first_value", 1, 2, resolve_first, SM_AGG_FIRST, sizeof(fl_state), first_update, first_merge, fl_finalize},
    {"any_value", 1, 2, resolve_first, SM_AGG_FIRST, sizeof(fl_state), first_update, first_merge, fl_finalize},
    {"last", 1, 2, resolve_first, SM_AGG_LAST, sizeof(fl_state), last_update, last_merge, fl_finalize},
    {"last_value", 1, 2, resolve_first, SM_AGG_LAST, sizeof(fl_state), last_update, last_merge, fl_finalize},
    AGG_MOM("stddev", SM_AGG_STDDEV_SAMP),
    AGG_MOM("std", SM_AGG_STDDEV_SAMP),
    AGG_MOM("stddev_samp", SM_AGG_STDDEV_SAMP),
    AGG_MOM("stddev_pop", SM_AGG_STDDEV_POP),
    AGG_MOM("variance", SM_AGG_VAR_SAMP),
    AGG_MOM("var_samp", SM_AGG_VAR_SAMP),
    AGG_MOM("var_pop", SM_AGG_VAR_POP),
    AGG_BOOL("every", AGG_EVERY),
    AGG_BOOL("bool_and", AGG_EVERY),
    AGG_BOOL("any", AGG_ANY),
    AGG_BOOL("some", AGG_ANY),
    AGG_BOOL("bool_or", AGG_ANY),
    {"count_if", 1, 1, resolve_bool_agg, AGG_COUNT_IF, sizeof(int64_t), count_if_update, count_merge, count_finalize},
    {"max_by", 2, 2, resolve_by, AGG_MAX_BY, sizeof(by_state), by_update, by_merge, by_finalize},
    {"min_by", 2, 2, resolve_by, AGG_MIN_BY, sizeof(by_state), by_update, by_merge, by_finalize},
    {"corr", 2, 2, resolve_cov, AGG_CORR, sizeof(cov_state), cov_update, cov_merge, cov_finalize},
    {"covar_pop", 2, 2, resolve_cov, AGG_COVAR_POP, sizeof(cov_state), cov_update, cov_merge, cov_finalize},
    {"covar_samp", 2, 2, resolve_cov, AGG_COVAR_SAMP, sizeof(cov_state), cov_update, cov_merge, cov_finalize},
    {"skewness", 1, 1, resolve_double, AGG_SKEWNESS, sizeof(mom4_state), mom4_update, mom4_merge, mom4_finalize},
    {"kurtosis", 1, 1, resolve_double, AGG_KURTOSIS, sizeof(mom4_state), mom4_update, mom4_merge, mom4_finalize},
    {"regr_count", 2, 2, resolve_regr_count, AGG_REGR_COUNT, sizeof(int64_t), count_update, count_merge, count_finalize},
    {"regr_avgx", 2, 2, resolve_regr_avg, AGG_REGR_AVGX, sizeof(avg_state), regr_avg_update, avg_merge, avg_finalize},
    {"regr_avgy", 2, 2, resolve_regr_avg, AGG_REGR_AVGY, sizeof(avg_state), regr_avg_update, avg_merge, avg_finalize},
    AGG_BAG("approx_count_distinct", 1, 2, resolve_acd, AGG_APPROX_COUNT_DISTINCT),
    AGG_BAG("percentile", 2, 3, resolve_percentile, AGG_PERCENTILE),
    AGG_BAG("median", 1, 1, resolve_percentile, AGG_MEDIAN),
    AGG_BAG("percentile_approx", 2, 3, resolve_percentile_approx, AGG_PERCENTILE_APPROX),
    AGG_BAG("approx_percentile", 2, 3, resolve_percentile_approx, AGG_PERCENTILE_APPROX),
    AGG_BAG("mode", 1, 2, resolve_mode, AGG_MODE),
    {"collect_list", 1, 1, resolve_collect, AGG_COLLECT_LIST, sizeof(coll_state), coll_update, coll_merge, coll_finalize},
    {"array_agg", 1, 1, resolve_collect, AGG_COLLECT_LIST, sizeof(coll_state), coll_update, coll_merge, coll_finalize},
    {"collect_set", 1, 1, resolve_collect, AGG_COLLECT_SET, sizeof(coll_state), coll_update, coll_merge, coll_finalize},
    {"histogram_numeric", 2, 2, resolve_histogram, AGG_HISTOGRAM, sizeof(hist_state), hist_update, hist_merge, hist_finalize},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL},
};

const struct sm_agg_def *sm_agg_find(const char *name) {
    if (!name) return NULL;
    for (const sm_agg_def *d = sm_aggs; d->name; d++)
        if (strcasecmp(d->name, name) == 0) return d;
    return NULL;
}
