/*
 * func_math.c — Spark 3.5's numeric functions: abs, round/bround, floor/ceil,
 * sqrt, exp, ln/log/log10/log2, pow, signum, trigonometry, e(), pi().  mod and
 * pmod are operators (ops.c, beside %).
 *
 * Decimals: abs keeps decimal(p,s); round/bround(x, d) give
 * decimal(min(p - s + 1 + min(s, d), 38), min(s, d)) (d < 0: decimal(max(p - s
 * + 1, 1 - d), 0)) and round HALF_UP / HALF_EVEN exactly; floor/ceil give
 * decimal(min(p - s + 1, 38), 0) (decimal(p,0) unchanged); the other
 * functions take decimals as doubles.
 * Types follow Spark: strings are cast to double implicitly; abs, round,
 * bround keep their input type; floor and ceil return
 * bigint; the transcendental functions return double.  Logarithms of values
 * <= 0 are null (Spark's Logarithm), sqrt(-1) is NaN.
 *
 * Rounding doubles.  Spark rounds a double through Scala's BigDecimal(d),
 * which starts from the shortest decimal string that reads back as d
 * (Double.toString), so round(1.005, 2) = 1.01 although the binary value is
 * just below 1.005.  math_round_double does the same: find the shortest
 * round-trip digits (%.*e with increasing precision), round that digit string
 * HALF_UP or HALF_EVEN at the requested scale, and read the result back with
 * strtod (correctly rounded).  Integers round with exact 128-bit arithmetic
 * and wrap on overflow like BigDecimal.intValue / longValue
 * (round(2147483647, -1) = -2147483646).
 *
 * All kernels are pure loops over the input arrays; nulls come from the
 * validity bitmaps (a null row's value slot is ignored).
 */
#include "types/decimal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "expr/func_common.h"

/* ---- resolution helpers ---------------------------------------------------- */

/* The numeric type Spark evaluates an argument of type t as (strings and
 * nulls as double); -1 when not numeric. */
static int math_num_type(sm_type t) {
    switch (t) {
    case SM_INT:
    case SM_BIGINT:
    case SM_DOUBLE:
    case SM_DECIMAL:
        return (int)t;
    case SM_STRING:
    case SM_NULLTYPE:
        return SM_DOUBLE;
    default:
        return -1;
    }
}

static int math_type_error(const sm_expr *call, int i) {
    return sm_err(SM_ANALYSIS,
                  "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\": parameter "
                  "%d requires the \"NUMERIC\" type, however the argument has the type \"%s\".",
                  call->name, i + 1, sm_type_name(call->args[i]->type));
}

/* Every argument to double; result double. */
static int math_resolve_double(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < call->nargs; i++) {
        if (math_num_type(call->args[i]->type) < 0) return math_type_error(call, i);
        SM_TRY(fx_coerce(ctx, call, i, SM_DOUBLE));
    }
    call->type = SM_DOUBLE;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

/* Logarithms yield null for arguments <= 0. */
static int math_resolve_log(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(math_resolve_double(ctx, call));
    call->nullable = true;
    return SM_OK;
}

/* The first argument keeps its numeric type. */
static int math_resolve_same(sm_bind_ctx *ctx, sm_expr *call) {
    int t = math_num_type(call->args[0]->type);
    if (t < 0) return math_type_error(call, 0);
    SM_TRY(fx_coerce(ctx, call, 0, (sm_type)t));
    call->type = (sm_type)t;
    call->precision = call->args[0]->precision; /* DECIMAL keeps its type */
    call->scale = call->args[0]->scale;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

/* ---- unary double functions -------------------------------------------------- */

typedef double (*math_d1)(double);

static double m_signum(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
static double m_degrees(double x) { return x * (180.0 / M_PI); }
static double m_radians(double x) { return x / 180.0 * M_PI; }

static int math_eval_d1(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                        math_d1 f, bool log_domain) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    const double *x = SM_VEC_F64(args[0]);
    double *o = SM_VEC_F64(res);
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row) || (log_domain && !(x[row] > 0))) {
            /* NaN is not <= 0 in Spark: log(NaN) = NaN. */
            if (!fx_null(args[0], row) && isnan(x[row])) { o[row] = NAN; continue; }
            rc = fx_set_null(res, row);
            continue;
        }
        o[row] = f(x[row]);
    }
    if (rc) { sm_vector_unref(res); return rc; }
    *out = res;
    return SM_OK;
}

#define D1(fname, cfn, logd)                                                                 \
    static int fname##_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,  \
                            int64_t n, sm_vector **out) {                                    \
        (void)ectx;                                                                          \
        return math_eval_d1(call, args, n, out, cfn, logd);                                  \
    }

D1(sqrt, sqrt, false)
D1(exp, exp, false)
D1(expm1, expm1, false)
D1(ln, log, true)
D1(log10, log10, true)
D1(log2, log2, true)
D1(signum, m_signum, false)
D1(sin, sin, false)
D1(cos, cos, false)
D1(tan, tan, false)
D1(asin, asin, false)
D1(acos, acos, false)
D1(atan, atan, false)
D1(sinh, sinh, false)
D1(cosh, cosh, false)
D1(tanh, tanh, false)
D1(cbrt, cbrt, false)
D1(degrees, m_degrees, false)
D1(radians, m_radians, false)

/* log1p is null for x <= -1. */
static int log1p_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    const double *x = SM_VEC_F64(args[0]);
    for (int64_t row = 0; row < n; row++) {
        if (fx_null(args[0], row) || x[row] <= -1.0) {
            if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
        } else {
            SM_VEC_F64(res)[row] = log1p(x[row]);
        }
    }
    *out = res;
    return SM_OK;
}

/* ---- binary double functions: pow, atan2, log(base, x) ------------------------- */

static int math_eval_d2(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                        int which) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    const double *a = SM_VEC_F64(args[0]), *b = SM_VEC_F64(args[1]);
    double *o = SM_VEC_F64(res);
    for (int64_t row = 0; row < n; row++) {
        bool nul = fx_null(args[0], row) || fx_null(args[1], row);
        if (!nul) {
            switch (which) {
            case 0: o[row] = pow(a[row], b[row]); break;
            case 1: o[row] = atan2(a[row], b[row]); break;
            default: /* log(base, x) */
                if (a[row] <= 0 || b[row] <= 0) nul = true;
                else o[row] = log(b[row]) / log(a[row]);
            }
        }
        if (nul && fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
    }
    *out = res;
    return SM_OK;
}

static int pow_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return math_eval_d2(c, a, n, o, 0);
}
static int atan2_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return math_eval_d2(c, a, n, o, 1);
}
static int log_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    if (c->nargs == 1) return math_eval_d1(c, a, n, o, log, true);
    return math_eval_d2(c, a, n, o, 2);
}

/* e() and pi(): constants, one row per input row. */
static int math_resolve_const(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    call->type = SM_DOUBLE;
    call->nullable = false;
    return SM_OK;
}
static int math_fill(int64_t n, double v, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    for (int64_t row = 0; row < n; row++) SM_VEC_F64(res)[row] = v;
    *out = res;
    return SM_OK;
}
static int e_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e, (void)c, (void)a;
    return math_fill(n, M_E, o);
}
static int pi_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e, (void)c, (void)a;
    return math_fill(n, M_PI, o);
}

/* ---- abs --------------------------------------------------------------------- */

static int abs_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out) {
    (void)ectx;
    sm_vector *res;
    SM_TRY(fx_new_fixed(call->type, n, &res));
    for (int64_t row = 0; row < n; row++) {
        if (fx_null(args[0], row)) {
            if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
            continue;
        }
        switch (call->type) {
        case SM_INT: {
            int32_t x = SM_VEC_I32(args[0])[row];
            /* abs(INT_MIN) wraps to INT_MIN, as Java's Math.abs. */
            SM_VEC_I32(res)[row] = x < 0 ? (int32_t)(0u - (uint32_t)x) : x;
            break;
        }
        case SM_BIGINT: {
            int64_t x = SM_VEC_I64(args[0])[row];
            SM_VEC_I64(res)[row] = x < 0 ? (int64_t)(0ull - (uint64_t)x) : x;
            break;
        }
        case SM_DECIMAL: {
            __int128 x = SM_VEC_DEC(args[0])[row];
            SM_VEC_DEC(res)[row] = x < 0 ? -x : x;
            break;
        }
        default:
            SM_VEC_F64(res)[row] = fabs(SM_VEC_F64(args[0])[row]);
        }
    }
    *out = res;
    return SM_OK;
}

/* ---- round / bround ------------------------------------------------------------ */

/* Spark's round(x, scale) of a double (see the essay). */
double sm_math_round_double(double x, int scale, bool half_even) {
    if (isnan(x) || isinf(x) || x == 0) return x;
    char buf[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, x);
        if (strtod(buf, NULL) == x) break;
    }
    /* buf = [-]d.ddde[+-]xx */
    const char *p = buf;
    bool neg = false;
    if (*p == '-') neg = true, p++;
    char digits[24];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    int exp10 = atoi(p + 1); /* value = 0.d1d2.. × 10^(exp10+1) */
    /* Trailing zeros carry no information. */
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    long k = (long)exp10 + 1 + scale; /* digits kept */
    if (k >= nd) return x;
    if (k < 0) return 0.0;
    int next = digits[k] - '0';
    bool rest = false;
    for (int i = (int)k + 1; i < nd; i++)
        if (digits[i] != '0') rest = true;
    int last = k > 0 ? digits[k - 1] - '0' : 0;
    bool up = half_even ? (next > 5 || (next == 5 && (rest || (last & 1)))) : next >= 5;
    char kept[24];
    int nk = (int)k;
    memcpy(kept + 1, digits, (size_t)nk);
    kept[0] = '0';
    if (up) {
        int i = nk;
        while (i >= 1) {
            if (kept[i] == '9') { kept[i] = '0'; i--; }
            else { kept[i]++; break; }
        }
        if (i == 0) kept[0] = '1';
    }
    /* kept[0..nk] is the integer; value = integer × 10^(exp10 + 1 - k). */
    char out[64];
    int len = snprintf(out, sizeof out, "%s%.*se%ld", neg ? "-" : "", nk + 1, kept,
                       (long)exp10 + 1 - k);
    (void)len;
    double r = strtod(out, NULL);
    return r == 0 ? 0.0 : r; /* BigDecimal has no negative zero */
}

/* round for integers: HALF_UP / HALF_EVEN at 10^-scale, exact. */
static __int128 math_round_int(__int128 x, int scale, bool half_even) {
    if (scale >= 0) return x;
    if (scale < -38) return 0;
    __int128 p = 1;
    for (int i = 0; i < -scale; i++) p *= 10;
    __int128 q = x / p, r = x % p;
    __int128 ar = r < 0 ? -r : r;
    bool up = half_even ? (2 * ar > p || (2 * ar == p && (q & 1))) : 2 * ar >= p;
    if (up) q += x < 0 ? -1 : 1;
    return q * p;
}

static int round_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(math_resolve_same(ctx, call));
    if (call->nargs == 2) {
        SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
        if (!sm_expr_is_const(call->args[1]))
            return sm_err(SM_ANALYSIS,
                          "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\": the "
                          "input `scale` should be a foldable \"INT\" expression.",
                          call->name);
    }
    if (call->type == SM_DECIMAL) { /* Spark's RoundBase result type */
        int p = call->args[0]->precision, sc = call->args[0]->scale, d = 0;
        sm_value v;
        if (call->nargs == 2 && fx_const_arg(ctx, call->args[1], &v) && !v.is_null) d = v.v.i32;
        int least = p - sc + 1;
        if (d < 0) {
            p = least > 1 - d ? least : 1 - d;
            sc = 0;
        } else {
            sc = sc < d ? sc : d;
            p = least + sc;
        }
        call->precision = (int8_t)(p < SM_DEC_MAX_PRECISION ? p : SM_DEC_MAX_PRECISION);
        call->scale = (int8_t)sc;
        call->nullable = true;
    }
    return SM_OK;
}

/* Decimal u at scale s rounded to `digits` fraction digits (HALF_UP or
 * HALF_EVEN; digits < 0 rounds to tens, hundreds...), placed at the result
 * scale rs.  false when it does not fit precision rp (Spark: null). */
static bool math_round_dec(__int128 u, int s, int digits, bool half_even, int rp, int rs,
                           __int128 *out) {
    __int128 q = u;
    if (digits < s) {
        int k = s - digits;
        if (k > 38) q = 0;
        else {
            __int128 p = sm_dec_pow10(k), r;
            q = u / p;
            r = u % p;
            __int128 ar = r < 0 ? -r : r;
            bool up = half_even ? (ar > p - ar || (ar == p - ar && (q & 1))) : ar >= p - ar;
            if (up) q += u < 0 ? -1 : 1;
        }
        s = digits; /* q is at scale `digits` (negative: q × 10^-digits) */
    }
    if (s < 0) {
        if (q != 0 && (-s > 38 || __builtin_mul_overflow(q, sm_dec_pow10(-s), &q))) return false;
        s = 0;
    }
    return sm_dec_convert(q, s, rp, rs, out);
}

static int math_round_eval(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                           bool half_even) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(call->type, n, &res));
    for (int64_t row = 0; row < n; row++) {
        bool nul = fx_null(args[0], row);
        int scale = 0;
        if (call->nargs == 2) {
            if (fx_null(args[1], row)) nul = true;
            else scale = SM_VEC_I32(args[1])[row];
        }
        if (nul) {
            if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
            continue;
        }
        switch (call->type) {
        case SM_DECIMAL: {
            __int128 r;
            if (!math_round_dec(SM_VEC_DEC(args[0])[row], args[0]->scale, scale, half_even,
                                call->precision, call->scale, &r)) {
                if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
                r = 0;
            }
            SM_VEC_DEC(res)[row] = r;
            break;
        }
        case SM_INT:
            SM_VEC_I32(res)[row] =
                (int32_t)(uint32_t)(unsigned __int128)math_round_int(SM_VEC_I32(args[0])[row], scale, half_even);
            break;
        case SM_BIGINT:
            SM_VEC_I64(res)[row] =
                (int64_t)(uint64_t)(unsigned __int128)math_round_int(SM_VEC_I64(args[0])[row], scale, half_even);
            break;
        default:
            SM_VEC_F64(res)[row] = sm_math_round_double(SM_VEC_F64(args[0])[row], scale, half_even);
        }
    }
    *out = res;
    return SM_OK;
}

static int round_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return math_round_eval(c, a, n, o, false);
}
static int bround_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return math_round_eval(c, a, n, o, true);
}

/* ---- floor / ceil ------------------------------------------------------------- */

static int floor_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(math_resolve_same(ctx, call));
    if (call->type == SM_DECIMAL) {
        int p = call->precision - call->scale + 1;
        if (call->scale > 0) {
            call->precision = (int8_t)(p < SM_DEC_MAX_PRECISION ? p : SM_DEC_MAX_PRECISION);
            call->scale = 0;
        }
        return SM_OK;
    }
    call->type = SM_BIGINT;
    return SM_OK;
}

/* Scala's Double.toLong: NaN → 0, saturating. */
static int64_t math_d2l(double d) {
    if (isnan(d)) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

static int math_floor_ceil(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                           bool ceiling) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(call->type == SM_DECIMAL ? SM_DECIMAL : SM_BIGINT, n, &res));
    sm_type in = args[0]->type;
    if (in == SM_DECIMAL) {
        res->precision = call->precision;
        res->scale = call->scale;
        int s = args[0]->scale;
        __int128 p = sm_dec_pow10(s);
        for (int64_t row = 0; row < n; row++) {
            if (fx_null(args[0], row)) {
                if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
                SM_VEC_DEC(res)[row] = 0;
                continue;
            }
            __int128 u = SM_VEC_DEC(args[0])[row], q = u / p, r = u % p;
            if (r != 0 && (u < 0) != ceiling) q += ceiling ? 1 : -1;
            SM_VEC_DEC(res)[row] = q;
        }
        *out = res;
        return SM_OK;
    }
    for (int64_t row = 0; row < n; row++) {
        if (fx_null(args[0], row)) {
            if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
            continue;
        }
        int64_t v;
        if (in == SM_INT) v = SM_VEC_I32(args[0])[row];
        else if (in == SM_BIGINT) v = SM_VEC_I64(args[0])[row];
        else {
            double d = SM_VEC_F64(args[0])[row];
            v = math_d2l(ceiling ? ceil(d) : floor(d));
        }
        SM_VEC_I64(res)[row] = v;
    }
    *out = res;
    return SM_OK;
}
static int floor_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return math_floor_ceil(c, a, n, o, false);
}
static int ceil_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return math_floor_ceil(c, a, n, o, true);
}

const sm_func_def sm_funcs_math[] = {
    {"abs", 1, 1, math_resolve_same, abs_eval, NULL},
    {"round", 1, 2, round_resolve, round_eval, NULL},
    {"bround", 1, 2, round_resolve, bround_eval, NULL},
    {"floor", 1, 1, floor_resolve, floor_eval, NULL},
    {"ceil", 1, 1, floor_resolve, ceil_eval, NULL},
    {"ceiling", 1, 1, floor_resolve, ceil_eval, NULL},
    {"sqrt", 1, 1, math_resolve_double, sqrt_eval, NULL},
    {"cbrt", 1, 1, math_resolve_double, cbrt_eval, NULL},
    {"exp", 1, 1, math_resolve_double, exp_eval, NULL},
    {"expm1", 1, 1, math_resolve_double, expm1_eval, NULL},
    {"ln", 1, 1, math_resolve_log, ln_eval, NULL},
    {"log", 1, 2, math_resolve_log, log_eval, NULL},
    {"log10", 1, 1, math_resolve_log, log10_eval, NULL},
    {"log2", 1, 1, math_resolve_log, log2_eval, NULL},
    {"log1p", 1, 1, math_resolve_log, log1p_eval, NULL},
    {"pow", 2, 2, math_resolve_double, pow_eval, NULL},
    {"power", 2, 2, math_resolve_double, pow_eval, NULL},
    {"signum", 1, 1, math_resolve_double, signum_eval, NULL},
    {"sign", 1, 1, math_resolve_double, signum_eval, NULL},
    {"sin", 1, 1, math_resolve_double, sin_eval, NULL},
    {"cos", 1, 1, math_resolve_double, cos_eval, NULL},
    {"tan", 1, 1, math_resolve_double, tan_eval, NULL},
    {"asin", 1, 1, math_resolve_double, asin_eval, NULL},
    {"acos", 1, 1, math_resolve_double, acos_eval, NULL},
    {"atan", 1, 1, math_resolve_double, atan_eval, NULL},
    {"atan2", 2, 2, math_resolve_double, atan2_eval, NULL},
    {"sinh", 1, 1, math_resolve_double, sinh_eval, NULL},
    {"cosh", 1, 1, math_resolve_double, cosh_eval, NULL},
    {"tanh", 1, 1, math_resolve_double, tanh_eval, NULL},
    {"degrees", 1, 1, math_resolve_double, degrees_eval, NULL},
    {"radians", 1, 1, math_resolve_double, radians_eval, NULL},
    {"e", 0, 0, math_resolve_const, e_eval, NULL},
    {"pi", 0, 0, math_resolve_const, pi_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
