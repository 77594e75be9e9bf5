/*
 * func_conditional.c — coalesce, nvl, ifnull, nvl2, nullif, if, greatest,
 * least, isnan, nanvl.
 *
 * Result types follow Spark's findWiderCommonType: a bare NULL adopts the
 * other side's type, numbers widen int < bigint < double, date and timestamp
 * meet at timestamp, and — for coalesce / nvl / nvl2 / if, not for greatest
 * and least — any other mix with a string becomes a string
 * (coalesce(1, 'a') is the string '1').  greatest(1, '2') is an analysis
 * error, as in Spark.  The resolver casts every branch to the result type,
 * so eval copies values of one type.
 *
 * Decimals (findWiderTypeForDecimal): a decimal with an int / bigint or
 * another decimal gives the wider decimal (int as decimal(10,0), bigint
 * decimal(20,0): coalesce(decimal(5,2), 1) is decimal(12,2)); a decimal
 * with a double gives a double.  The result's precision and scale are the
 * call's and its vectors'.
 *
 * Ordering for greatest/least is Spark's: NaN is larger than any other
 * double, strings compare by UTF-8 bytes, false < true, decimals by value;
 * nulls are skipped and the result is null only when every argument is.
 */
#include <math.h>
#include <stdio.h>

#include "common/copy.h"
#include "expr/func_common.h"
#include "types/decimal.h"

static int cond_rank(sm_type t) {
    switch (t) { /* Spark's numericPrecedence (decimal apart) */
    case SM_TINYINT: return 1;
    case SM_SMALLINT: return 2;
    case SM_INT: return 3;
    case SM_BIGINT: return 4;
    case SM_FLOAT: return 5;
    case SM_DOUBLE: return 6;
    default: return 0;
    }
}

/* Wider common type of a and b; -1 when none. */
static int cond_wider(sm_type a, sm_type b, bool string_promotion) {
    if (a == b) return (int)a;
    if (a == SM_NULLTYPE) return (int)b;
    if (b == SM_NULLTYPE) return (int)a;
    if (cond_rank(a) && cond_rank(b)) return (int)(cond_rank(a) > cond_rank(b) ? a : b);
    if ((a == SM_DECIMAL && cond_rank(b)) || (b == SM_DECIMAL && cond_rank(a)))
        return a == SM_DOUBLE || b == SM_DOUBLE || a == SM_FLOAT || b == SM_FLOAT ? SM_DOUBLE
                                                                                : SM_DECIMAL;
    if ((a == SM_DATE && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_DATE))
        return SM_TIMESTAMP;
    if ((a == SM_TIMESTAMP_NTZ && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_TIMESTAMP_NTZ))
        return SM_TIMESTAMP;
    if ((a == SM_TIMESTAMP_NTZ && b == SM_DATE) || (a == SM_DATE && b == SM_TIMESTAMP_NTZ))
        return SM_TIMESTAMP_NTZ;
    if (a == SM_BINARY || b == SM_BINARY) return -1; /* binary mixes with nothing */
    if (string_promotion && (a == SM_STRING || b == SM_STRING)) return SM_STRING;
    return -1;
}

static int cond_types_error(const sm_expr *call, int first) {
    char list[256];
    size_t used = 0;
    list[0] = 0;
    for (int i = first; i < call->nargs && used < sizeof list - 32; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"", i > first ? ", " : "",
                                 sm_type_name(call->args[i]->type));
    return sm_err(SM_ANALYSIS,
                  "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due to data type "
                  "mismatch: Input to `%s` should all be the same type, but it's [%s].",
                  call->name, call->name, list);
}

/* Whether CAST(e AS decimal(p, s)) keeps every value, so the cast adds no
 * null (Spark's DecimalType.isWiderThan; sm_expr_coerce_dec assumes it may). */
static bool cond_dec_holds(const sm_expr *e, int p, int s) {
    int ep, es;
    if (!sm_expr_dec_type(e, false, &ep, &es)) return false;
    return p - s >= ep - es && s >= es;
}

/* Casts args[first..] to their common type; returns it in *t. */
static int cond_unify(sm_bind_ctx *ctx, sm_expr *call, int first, int step, bool promote,
                      sm_type *t) {
    int w = SM_NULLTYPE;
    for (int i = first; i < call->nargs; i += step) {
        w = cond_wider((sm_type)w, call->args[i]->type, promote);
        if (w < 0) return cond_types_error(call, first);
    }
    if (w == SM_DECIMAL) { /* one decimal type for every branch (step is 1 here) */
        int p, sc;
        SM_TRY(sm_expr_wider_decimal(call->args + first, call->nargs - first, &p, &sc));
        for (int i = first; i < call->nargs; i += step) {
            sm_expr *e = call->args[i], *c = sm_expr_coerce_dec(ctx, e, p, sc);
            if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
            if (c != e && cond_dec_holds(e, p, sc)) c->nullable = e->nullable;
            call->args[i] = c;
        }
        call->precision = (int8_t)p;
        call->scale = (int8_t)sc;
    } else if (w != SM_NULLTYPE) {
        for (int i = first; i < call->nargs; i += step) SM_TRY(fx_coerce(ctx, call, i, (sm_type)w));
    }
    *t = (sm_type)w;
    return SM_OK;
}

/* Builds the result by copying, per row, the row of args[pick(row)] (or null
 * when pick returns -1). */
typedef int (*cond_pick)(const sm_expr *call, sm_vector **args, int64_t row);

static int cond_select(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                       cond_pick pick) {
    if (call->type == SM_NULLTYPE) {
        *out = sm_vector_new_nulls(SM_NULLTYPE, n);
        return *out ? SM_OK : SM_NOMEM;
    }
    sm_vector *res = sm_vector_new(call->type, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    if (call->type == SM_DECIMAL) {
        res->precision = call->precision;
        res->scale = call->scale;
    }
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int k = pick(call, args, row);
        if (k < 0 || sm_vector_is_null(args[k], row)) rc = sm_vector_append_null(res);
        else rc = sm_vector_append_from(res, args[k], row);
    }
    if (rc) {
        sm_vector_unref(res);
        return rc;
    }
    *out = res;
    return SM_OK;
}

/* ---- coalesce / nvl / ifnull ---------------------------------------------------- */

static int coalesce_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs < 1)
        return sm_err(SM_ANALYSIS,
                      "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `coalesce` requires at least 1 "
                      "parameters but the actual number is 0.");
    sm_type t;
    SM_TRY(cond_unify(ctx, call, 0, 1, true, &t));
    call->type = t;
    call->nullable = true;
    for (int i = 0; i < call->nargs; i++)
        if (!call->args[i]->nullable && call->args[i]->type != SM_NULLTYPE) call->nullable = false;
    return SM_OK;
}

static int pick_coalesce(const sm_expr *call, sm_vector **args, int64_t row) {
    for (int i = 0; i < call->nargs; i++)
        if (!sm_vector_is_null(args[i], row)) return i;
    return -1;
}

/* coalesce of strings (na.fill of a string column): the offsets and bytes
 * are sized in one pass and filled in a second, each row copied from its
 * first non-null argument, instead of one append call per row. */
static int coalesce_strings(sm_vector **a, int nargs, int64_t n, sm_vector **o) {
    int64_t bytes = 0, nulls = 0;
    for (int64_t row = 0; row < n; row++) {
        int k = 0;
        while (k < nargs && sm_vector_is_null(a[k], row)) k++;
        if (k == nargs) {
            nulls++;
            continue;
        }
        const int32_t *off = SM_VEC_OFF(a[k]);
        bytes += off[row + 1] - off[row];
    }
    if (bytes > INT32_MAX)
        return sm_err(SM_UNSUPPORTED,
                      "a string column holds more than 2 GiB in one batch; use smaller batches");
    sm_vector *res = sm_vector_new(SM_STRING, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    int rc = sm_vector_reserve_bytes(res, bytes > 0 ? bytes : 1);
    if (rc == SM_OK && nulls > 0) rc = sm_vector_set_null(res, 0); /* allocates the bitmap */
    if (rc != SM_OK) {
        sm_vector_unref(res);
        return rc;
    }
    int32_t *roff = SM_VEC_OFF(res);
    int32_t pos = roff[0] = 0;
    for (int64_t row = 0; row < n; row++) {
        int k = 0;
        while (k < nargs && sm_vector_is_null(a[k], row)) k++;
        if (k < nargs) {
            const int32_t *off = SM_VEC_OFF(a[k]);
            int32_t len = off[row + 1] - off[row];
            sm_copy_bytes(res->bytes + pos, a[k]->bytes + off[row], (size_t)len);
            pos += len;
            if (res->validity) res->validity[row >> 3] |= (uint8_t)(1u << (row & 7));
        } else {
            res->validity[row >> 3] &= (uint8_t)~(1u << (row & 7));
        }
        roff[row + 1] = pos;
    }
    res->bytes_len = pos;
    res->length = n;
    *o = res;
    return SM_OK;
}

static int coalesce_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n,
                         sm_vector **o) {
    (void)e;
    /* the first argument has no null: it is the result (shared) */
    if (c->nargs >= 1 && c->type != SM_NULLTYPE && c->type != SM_DECIMAL &&
        !sm_type_is_nested(c->type) && a[0]->type == c->type && !a[0]->validity &&
        a[0]->length == n) {
        *o = sm_vector_ref(a[0]);
        return SM_OK;
    }
    if (c->type == SM_STRING) {
        bool plain = true;
        for (int i = 0; i < c->nargs; i++)
            if (a[i]->type != SM_STRING && a[i]->type != SM_NULLTYPE) plain = false;
        if (plain) return coalesce_strings(a, c->nargs, n, o);
    }
    return cond_select(c, a, n, o, pick_coalesce);
}

/* ---- nvl2(a, b, c) ------------------------------------------------------------------ */

static int nvl2_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t;
    SM_TRY(cond_unify(ctx, call, 1, 1, true, &t));
    call->type = t;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int pick_nvl2(const sm_expr *call, sm_vector **args, int64_t row) {
    return sm_vector_is_null(args[0], row) ? 2 : 1;
}

static int nvl2_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n,
                     sm_vector **o) {
    (void)e;
    return cond_select(c, a, n, o, pick_nvl2);
}

/* ---- if(cond, a, b) ----------------------------------------------------------------- */

static int if_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->args[0]->type != SM_BOOLEAN && call->args[0]->type != SM_NULLTYPE)
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"if\": the "
                      "first argument must be a \"BOOLEAN\", but it has the type \"%s\".",
                      sm_type_name(call->args[0]->type));
    SM_TRY(fx_coerce(ctx, call, 0, SM_BOOLEAN));
    sm_type t;
    SM_TRY(cond_unify(ctx, call, 1, 1, true, &t));
    call->type = t;
    call->nullable = call->args[1]->nullable || call->args[2]->nullable ||
                     call->args[1]->type == SM_NULLTYPE || call->args[2]->type == SM_NULLTYPE;
    return SM_OK;
}

static int pick_if(const sm_expr *call, sm_vector **args, int64_t row) {
    return !sm_vector_is_null(args[0], row) && SM_VEC_BOOL(args[0])[row] ? 1 : 2;
}

static int if_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return cond_select(c, a, n, o, pick_if);
}

/* ---- comparison of two rows of one type ------------------------------------------------ */

static int cond_cmp(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    switch (a->type) {
    case SM_BOOLEAN: return (int)SM_VEC_BOOL(a)[ra] - (int)SM_VEC_BOOL(b)[rb];
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: {
        int32_t x = SM_VEC_I32(a)[ra], y = SM_VEC_I32(b)[rb];
        return (x > y) - (x < y);
    }
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_TIMESTAMP: {
        int64_t x = SM_VEC_I64(a)[ra], y = SM_VEC_I64(b)[rb];
        return (x > y) - (x < y);
    }
    case SM_FLOAT:
    case SM_DOUBLE: {
        double x = SM_VEC_F64(a)[ra], y = SM_VEC_F64(b)[rb];
        bool xn = isnan(x), yn = isnan(y);
        if (xn || yn) return (int)xn - (int)yn;
        return (x > y) - (x < y);
    }
    case SM_STRING: {
        int32_t la, lb;
        const char *x = fx_str(a, ra, &la), *y = fx_str(b, rb, &lb);
        int c = memcmp(x, y, (size_t)(la < lb ? la : lb));
        return c ? (c > 0 ? 1 : -1) : (la > lb) - (la < lb);
    }
    case SM_DECIMAL: return sm_dec_cmp(SM_VEC_DEC(a)[ra], a->scale, SM_VEC_DEC(b)[rb], b->scale);
    default: return 0;
    }
}

/* ---- greatest / least -------------------------------------------------------------------- */

static int greatest_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs < 2)
        return sm_err(SM_ANALYSIS,
                      "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `%s` requires at least 2 "
                      "parameters but the actual number is %d.",
                      call->name, call->nargs);
    sm_type t;
    SM_TRY(cond_unify(ctx, call, 0, 1, false, &t));
    call->type = t;
    call->nullable = true;
    for (int i = 0; i < call->nargs; i++)
        if (!call->args[i]->nullable && call->args[i]->type != SM_NULLTYPE) call->nullable = false;
    return SM_OK;
}

static int cond_extreme(const sm_expr *call, sm_vector **args, int64_t row, int sign) {
    int best = -1;
    for (int i = 0; i < call->nargs; i++) {
        if (sm_vector_is_null(args[i], row)) continue;
        if (best < 0 || sign * cond_cmp(args[i], row, args[best], row) > 0) best = i;
    }
    return best;
}
static int pick_greatest(const sm_expr *c, sm_vector **a, int64_t row) { return cond_extreme(c, a, row, 1); }
static int pick_least(const sm_expr *c, sm_vector **a, int64_t row) { return cond_extreme(c, a, row, -1); }

static int greatest_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n,
                         sm_vector **o) {
    (void)e;
    return cond_select(c, a, n, o, pick_greatest);
}
static int least_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n,
                      sm_vector **o) {
    (void)e;
    return cond_select(c, a, n, o, pick_least);
}

/* ---- nullif(a, b) --------------------------------------------------------------------------- */

/* Spark rewrites nullif(a, b) as if(a = b, null, a); the comparison casts a
 * string side to the other side's type (PromoteStrings), numbers widen. */
static int nullif_cmp_type(sm_type a, sm_type b) {
    if (a == b) return (int)a;
    if (a == SM_NULLTYPE || b == SM_NULLTYPE) return SM_NULLTYPE;
    /* decimal with string: double (SPARK-22469) */
    if ((a == SM_STRING && b == SM_DECIMAL) || (a == SM_DECIMAL && b == SM_STRING)) return SM_DOUBLE;
    if (a == SM_STRING) return (int)b;
    if (b == SM_STRING) return (int)a;
    return cond_wider(a, b, false);
}

static int nullif_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (nullif_cmp_type(call->args[0]->type, call->args[1]->type) < 0)
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"nullif\": the "
                      "left and right operands of the comparison have incompatible types "
                      "(\"%s\" and \"%s\").",
                      sm_type_name(call->args[0]->type), sm_type_name(call->args[1]->type));
    call->type = call->args[0]->type;
    call->precision = call->args[0]->precision;
    call->scale = call->args[0]->scale;
    call->nullable = true;
    return SM_OK;
}

static int nullif_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    sm_type ct = (sm_type)nullif_cmp_type(args[0]->type, args[1]->type);
    if (call->type == SM_NULLTYPE) {
        *out = sm_vector_new_nulls(SM_NULLTYPE, n);
        return *out ? SM_OK : SM_NOMEM;
    }
    sm_vector *ca = args[0], *cb = args[1];
    int rc = SM_OK;
    if (ct != SM_NULLTYPE && ca->type != ct) rc = sm_cast_vector(ectx, args[0], ct, &ca);
    if (!rc && ct != SM_NULLTYPE && cb->type != ct) rc = sm_cast_vector(ectx, args[1], ct, &cb);
    sm_vector *res = rc ? NULL : sm_vector_new(call->type, n > 0 ? n : 1);
    if (!rc && !res) rc = SM_NOMEM;
    if (res && res->type == SM_DECIMAL) {
        res->precision = args[0]->precision;
        res->scale = args[0]->scale;
    }
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool eq = ct != SM_NULLTYPE && !sm_vector_is_null(ca, row) && !sm_vector_is_null(cb, row) &&
                  cond_cmp(ca, row, cb, row) == 0;
        /* NaN = NaN is true in Spark. */
        rc = eq ? sm_vector_append_null(res) : sm_vector_append_from(res, args[0], row);
    }
    if (ca != args[0]) sm_vector_unref(ca);
    if (cb && cb != args[1]) sm_vector_unref(cb);
    if (rc) {
        if (res) sm_vector_unref(res);
        return rc;
    }
    *out = res;
    return SM_OK;
}

/* ---- isnan / nanvl ----------------------------------------------------------------------- */

static int isnan_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_DOUBLE));
    call->type = SM_BOOLEAN;
    call->nullable = false;
    return SM_OK;
}

static int isnan_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx, (void)call;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_BOOLEAN, n, &res));
    for (int64_t row = 0; row < n; row++)
        SM_VEC_BOOL(res)[row] = !sm_vector_is_null(args[0], row) && isnan(SM_VEC_F64(args[0])[row]);
    *out = res;
    return SM_OK;
}

static int nanvl_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce_all(ctx, call, 0, SM_DOUBLE));
    call->type = SM_DOUBLE;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int pick_nanvl(const sm_expr *call, sm_vector **args, int64_t row) {
    if (sm_vector_is_null(args[0], row)) return -1;
    return isnan(SM_VEC_F64(args[0])[row]) ? 1 : 0;
}

static int nanvl_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n,
                      sm_vector **o) {
    (void)e;
    return cond_select(c, a, n, o, pick_nanvl);
}

/* ---- lazy arguments (sm_func_def.needs) ---------------------------------------------------- */

/* coalesce: argument k only where every earlier one is null */
static bool coalesce_needs(const sm_expr *call, int k, sm_vector **args, int64_t row) {
    (void)call;
    for (int i = 0; i < k; i++)
        if (!sm_vector_is_null(args[i], row)) return false;
    return true;
}
/* if, nvl2, nanvl: the branch their pick (which reads only args[0]) chooses */
static bool if_needs(const sm_expr *c, int k, sm_vector **a, int64_t row) { return pick_if(c, a, row) == k; }
static bool nvl2_needs(const sm_expr *c, int k, sm_vector **a, int64_t row) { return pick_nvl2(c, a, row) == k; }
static bool nanvl_needs(const sm_expr *c, int k, sm_vector **a, int64_t row) { return pick_nanvl(c, a, row) == k; }

const sm_func_def sm_funcs_conditional[] = {
    {"coalesce", 1, -1, coalesce_resolve, coalesce_eval, NULL},
    {"nvl", 2, 2, coalesce_resolve, coalesce_eval, NULL},
    {"ifnull", 2, 2, coalesce_resolve, coalesce_eval, NULL},
    {"nvl2", 3, 3, nvl2_resolve, nvl2_eval, NULL},
    {"nullif", 2, 2, nullif_resolve, nullif_eval, NULL},
    {"if", 3, 3, if_resolve, if_eval, NULL},
    {"greatest", 2, -1, greatest_resolve, greatest_eval, NULL},
    {"least", 2, -1, greatest_resolve, least_eval, NULL},
    {"isnan", 1, 1, isnan_resolve, isnan_eval, NULL},
    {"nanvl", 2, 2, nanvl_resolve, nanvl_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};

sm_func_needs sm_func_lazy_args(const sm_func_def *fn) {
    const sm_func_def *d = sm_funcs_conditional;
    while (d->name && d != fn) d++;
    if (!d->name) return NULL; /* not one of this file's */
    const char *n = fn->name;
    if (!strcmp(n, "coalesce") || !strcmp(n, "nvl") || !strcmp(n, "ifnull")) return coalesce_needs;
    if (!strcmp(n, "if")) return if_needs;
    if (!strcmp(n, "nvl2")) return nvl2_needs;
    if (!strcmp(n, "nanvl")) return nanvl_needs;
    return NULL;
}
