/*
 * func_misc.c — Spark 3.5's miscellaneous scalar functions that smelt's other
 * tables lack: null helpers (equal_null, nullifzero, zeroifnull), typeof,
 * assert_true, raise_error, the session constants (current_database,
 * current_schema, current_catalog, current_user, user, session_user), integer
 * math (factorial, shiftleft, shiftright, shiftrightunsigned, bit_count),
 * double math (rint, hypot, cot, sec, csc, asinh, acosh, atanh,
 * width_bucket) and the try_ arithmetic (try_add, try_subtract, try_multiply,
 * try_divide).
 *
 * Several functions are Spark rewrites of others, and resolve the same way
 * here: the resolver points call->fn at the other function's definition
 * (looked up in the registry) and runs its resolver, so evaluation and
 * release are that function's; call->name stays as written, which is what
 * error messages show.  equal_null(a, b) is a <=> b; nullifzero(x) is
 * nullif(x, 0) and zeroifnull(x) coalesce(x, 0), the literal 0 appended to
 * the bound call's arguments (column names come from the unbound tree, so
 * they keep the user's form).  The try_ functions keep their own definition:
 * integer + - * are computed here with overflow → null; every other case
 * (doubles, decimals, dates, division) runs the operator's kernel with ANSI
 * mode off, where Spark's operators already give null on overflow and
 * division by zero.
 *
 * Memory: no per-query state of its own; literals added by resolvers live in
 * the bind arena.  Kernels are pure loops, safe from any thread.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "expr/eval_internal.h"
#include "expr/func_common.h"
#include "types/decimal.h"

/* ---- delegation ---------------------------------------------------------------- */

/* Makes `call` a call of the registered function `target`. */
static int misc_delegate(sm_bind_ctx *ctx, sm_expr *call, const char *target) {
    const sm_func_def *f = sm_func_find(target);
    if (!f) return sm_err(SM_INTERNAL, "%s: function %s is not registered", call->name, target);
    call->fn = f;
    return f->resolve ? f->resolve(ctx, call) : SM_OK;
}

/* Appends an INT literal to the bound call's arguments. */
static int misc_append_int(sm_bind_ctx *ctx, sm_expr *call, int32_t v) {
    sm_expr **args = sm_arena_alloc(ctx->arena, (size_t)(call->nargs + 1) * sizeof *args);
    sm_value lit = {.type = SM_INT, .v.i32 = v};
    sm_expr *e = sm_expr_literal(ctx->arena, &lit);
    if (!args || !e) return SM_NOMEM;
    e->type = SM_INT;
    e->nullable = false;
    for (int i = 0; i < call->nargs; i++) args[i] = call->args[i];
    args[call->nargs] = e;
    call->args = args;
    call->nargs++;
    return SM_OK;
}

static int equal_null_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return misc_delegate(ctx, call, "<=>");
}

/* nullifzero(x) = nullif(x, 0): the zero takes x's numeric type, so a
 * decimal or double compares without a wider type; a string is cast to the
 * int (CAST_INVALID_INPUT in ANSI mode). */
static int nullifzero_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(misc_append_int(ctx, call, 0));
    sm_type t = call->args[0]->type;
    if (t == SM_BIGINT || t == SM_DOUBLE || t == SM_DECIMAL) {
        sm_expr *z = t == SM_DECIMAL ? sm_expr_coerce_dec(ctx, call->args[1], call->args[0]->precision,
                                                          call->args[0]->scale)
                                     : sm_expr_coerce(ctx, call->args[1], t);
        if (!z) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[1] = z;
    }
    SM_TRY(misc_delegate(ctx, call, "nullif"));
    call->precision = call->args[0]->precision; /* a decimal keeps its type */
    call->scale = call->args[0]->scale;
    return SM_OK;
}

/* zeroifnull(x) = coalesce(x, 0); in ANSI mode a string argument is cast to
 * a number (Spark's ANSI coercion), so zeroifnull('abc') fails. */
static int zeroifnull_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (ctx->ansi && call->args[0]->type == SM_STRING) {
        sm_expr *c = sm_expr_coerce(ctx, call->args[0], SM_BIGINT);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[0] = c;
    }
    SM_TRY(misc_append_int(ctx, call, 0));
    return misc_delegate(ctx, call, "coalesce");
}

static int date_diff_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return misc_delegate(ctx, call, "datediff");
}

/* ---- next_day -------------------------------------------------------------------------- */

/* Spark's DateTimeUtils.getDayOfWeekFromString: 0 = Sunday; -1 unknown. */
static int misc_day_of_week(const char *s, int32_t l) {
    static const char *const names[7][3] = {
        {"SU", "SUN", "SUNDAY"},   {"MO", "MON", "MONDAY"}, {"TU", "TUE", "TUESDAY"},
        {"WE", "WED", "WEDNESDAY"}, {"TH", "THU", "THURSDAY"}, {"FR", "FRI", "FRIDAY"},
        {"SA", "SAT", "SATURDAY"}};
    char up[16];
    if (l <= 0 || l >= (int32_t)sizeof up) return -1;
    for (int32_t i = 0; i < l; i++) up[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    up[l] = 0;
    for (int d = 0; d < 7; d++)
        for (int k = 0; k < 3; k++)
            if (strcmp(up, names[d][k]) == 0) return d;
    return -1;
}

static int next_day_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t != SM_DATE && t != SM_TIMESTAMP && t != SM_STRING && t != SM_NULLTYPE)
        return sm_bind_fail_input(ctx, call, 1, "\"DATE\"");
    SM_TRY(fx_coerce(ctx, call, 0, SM_DATE));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    call->type = SM_DATE;
    call->nullable = true;
    return SM_OK;
}

static int next_day_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DATE, n, &res));
    for (int64_t row = 0; row < n; row++) {
        int dow = -1;
        if (!fx_any_null(args, 2, row)) {
            int32_t l;
            const char *s = fx_str(args[1], row, &l);
            dow = misc_day_of_week(s, l);
            if (dow < 0 && ctx->ansi) {
                sm_vector_unref(res);
                return sm_err(SM_INVALID, "[ILLEGAL_DAY_OF_WEEK] Illegal input for day of week: %.*s.",
                              (int)l, s);
            }
        }
        if (dow < 0) {
            if (fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
            continue;
        }
        int32_t d = SM_VEC_I32(args[0])[row];
        int cur = (int)(((d % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
        int ahead = (dow - cur + 7) % 7;
        SM_VEC_I32(res)[row] = d + (ahead ? ahead : 7);
    }
    *out = res;
    return SM_OK;
}

/* ---- uuid, rand -------------------------------------------------------------------------- */

static uint64_t misc_random64(void) {
    uint64_t v;
    if (getrandom(&v, sizeof v, 0) == (ssize_t)sizeof v) return v;
    static _Thread_local uint64_t x = 0x9e3779b97f4a7c15ULL;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
}

static int uuid_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    call->type = SM_STRING;
    call->nullable = false;
    return SM_OK;
}

/* A random (version 4) UUID per row. */
static int uuid_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    (void)ctx, (void)call, (void)args;
    sm_vector *res = sm_vector_new(SM_STRING, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    for (int64_t row = 0; row < n; row++) {
        uint64_t hi = misc_random64(), lo = misc_random64();
        hi = (hi & ~0xf000ULL) | 0x4000ULL;
        lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
        char buf[40];
        snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
                 (unsigned)((hi >> 16) & 0xffff), (unsigned)(hi & 0xffff), (unsigned)(lo >> 48),
                 (unsigned long long)(lo & 0xffffffffffffULL));
        if (sm_vector_append_str(res, buf, 36)) {
            sm_vector_unref(res);
            return SM_NOMEM;
        }
    }
    *out = res;
    return SM_OK;
}

/* Scala's MurmurHash3.bytesHash (XORShiftRandom.hashSeed uses it). */
static uint32_t misc_rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
static uint32_t misc_mix_last(uint32_t h, uint32_t k) {
    k *= 0xcc9e2d51u;
    k = misc_rotl(k, 15);
    k *= 0x1b873593u;
    return h ^ k;
}
static uint32_t misc_bytes_hash(const unsigned char *d, int len, uint32_t seed) {
    uint32_t h = seed;
    int i = 0;
    for (; len - i >= 4; i += 4) {
        uint32_t k = d[i] | (uint32_t)d[i + 1] << 8 | (uint32_t)d[i + 2] << 16 | (uint32_t)d[i + 3] << 24;
        h = misc_mix_last(h, k);
        h = misc_rotl(h, 13) * 5 + 0xe6546b64u;
    }
    uint32_t k = 0;
    int rest = len - i;
    if (rest == 3) k ^= (uint32_t)d[i + 2] << 16;
    if (rest >= 2) k ^= (uint32_t)d[i + 1] << 8;
    if (rest >= 1) {
        k ^= d[i];
        h = misc_mix_last(h, k);
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* Spark's XORShiftRandom(seed): hashSeed, then java.util.Random.nextDouble
 * over next(bits). */
typedef struct {
    uint64_t s;
} misc_xorshift;

static void misc_xs_init(misc_xorshift *x, int64_t seed) {
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)seed >> (56 - 8 * i));
    uint32_t lo = misc_bytes_hash(b, 8, 0x3c074a61u);
    uint32_t hi = misc_bytes_hash(b, 8, lo);
    x->s = (uint64_t)hi << 32 | lo;
}

static uint32_t misc_xs_next(misc_xorshift *x, int bits) {
    uint64_t n = x->s ^ (x->s << 21);
    n ^= n >> 35;
    n ^= n << 4;
    x->s = n;
    return (uint32_t)(n & ((1ULL << bits) - 1));
}

static double misc_xs_double(misc_xorshift *x) {
    uint64_t a = misc_xs_next(x, 26), b = misc_xs_next(x, 27);
    return (double)((a << 27) + b) * 0x1.0p-53;
}

static int rand_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs == 1) {
        sm_type t = call->args[0]->type;
        if (!sm_expr_is_const(call->args[0]) || (t != SM_INT && t != SM_BIGINT && t != SM_NULLTYPE))
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" "
                                "due to data type mismatch: the seed of %s must be an INT or BIGINT "
                                "constant.",
                                sm_bind_sql(ctx, call), call->name);
        SM_TRY(fx_coerce(ctx, call, 0, SM_BIGINT));
    }
    call->type = SM_DOUBLE;
    call->nullable = false;
    return SM_OK;
}

/* rand([seed]): Spark's sequence for its partition 0, restarted at each
 * batch (the values of a one-batch input match Spark's). */
static int rand_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    (void)ctx;
    int64_t seed;
    if (call->nargs == 1 && n > 0) seed = fx_null(args[0], 0) ? 0 : SM_VEC_I64(args[0])[0];
    else seed = (int64_t)misc_random64();
    misc_xorshift x;
    misc_xs_init(&x, seed);
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    for (int64_t row = 0; row < n; row++) SM_VEC_F64(res)[row] = misc_xs_double(&x);
    *out = res;
    return SM_OK;
}

/* ---- typeof, session constants ---------------------------------------------------------- */

static int misc_const_string(int64_t n, const char *s, sm_vector **out) {
    sm_vector *res = sm_vector_new(SM_STRING, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    int32_t l = (int32_t)strlen(s);
    for (int64_t i = 0; i < n; i++)
        if (sm_vector_append_str(res, s, l)) {
            sm_vector_unref(res);
            return SM_NOMEM;
        }
    *out = res;
    return SM_OK;
}

static int misc_resolve_string_const(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    call->type = SM_STRING;
    call->nullable = false;
    return SM_OK;
}

/* Spark's DataType.simpleString / catalogString. */
static int misc_type_string(const sm_expr *e, char *buf, size_t cap) {
    switch (e->type) {
    case SM_NULLTYPE: return snprintf(buf, cap, "void");
    case SM_BOOLEAN: return snprintf(buf, cap, "boolean");
    case SM_INT: return snprintf(buf, cap, "int");
    case SM_BIGINT: return snprintf(buf, cap, "bigint");
    case SM_DOUBLE: return snprintf(buf, cap, "double");
    case SM_STRING: return snprintf(buf, cap, "string");
    case SM_DATE: return snprintf(buf, cap, "date");
    case SM_TIMESTAMP: return snprintf(buf, cap, "timestamp");
    case SM_DECIMAL: return snprintf(buf, cap, "decimal(%d,%d)", e->precision, e->scale);
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT:
    case SM_TIME: return sm_type_format(buf, cap, e->type, e->precision, e->scale, e->dt);
    default: return snprintf(buf, cap, "%s", sm_type_name(e->type));
    }
}

static int typeof_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    (void)ctx, (void)args;
    char buf[1024];
    misc_type_string(call->args[0], buf, sizeof buf);
    return misc_const_string(n, buf, out);
}

static int current_database_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                 int64_t n, sm_vector **out) {
    (void)ctx, (void)call, (void)args;
    return misc_const_string(n, "default", out);
}

static int current_catalog_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                int64_t n, sm_vector **out) {
    (void)ctx, (void)call, (void)args;
    return misc_const_string(n, "spark_catalog", out);
}

/* The user running the process, as Spark's Hadoop user name. */
static int current_user_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    (void)ctx, (void)call, (void)args;
    const char *u = getenv("USER");
    if (!u || !*u) u = getlogin();
    return misc_const_string(n, u && *u ? u : "unknown", out);
}

/* ---- assert_true, raise_error ----------------------------------------------------------- */

static int assert_true_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t != SM_BOOLEAN && t != SM_NULLTYPE)
        return sm_bind_fail_input(ctx, call, 1, "\"BOOLEAN\"");
    if (call->nargs == 1) {
        /* Spark's default message: '<condition>' is not true! */
        const char *sql = sm_bind_sql(ctx, call->args[0]);
        size_t l = strlen(sql ? sql : "") + 32;
        char *msg = sm_arena_alloc(ctx->arena, l);
        sm_expr **args = sm_arena_alloc(ctx->arena, 2 * sizeof *args);
        if (!msg || !args) return SM_NOMEM;
        snprintf(msg, l, "'%s' is not true!", sql ? sql : "");
        sm_value lit = {.type = SM_STRING, .v.str = {msg, (int32_t)strlen(msg)}};
        sm_expr *e = sm_expr_literal(ctx->arena, &lit);
        if (!e) return SM_NOMEM;
        e->type = SM_STRING;
        e->nullable = false;
        args[0] = call->args[0];
        args[1] = e;
        call->args = args;
        call->nargs = 2;
    } else {
        SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    }
    call->type = SM_NULLTYPE;
    call->nullable = true;
    return SM_OK;
}

static int misc_user_error(const sm_vector *msg, int64_t row) {
    if (fx_null(msg, row)) return sm_err(SM_INVALID, "[USER_RAISED_EXCEPTION] null");
    int32_t l;
    const char *s = fx_str(msg, row, &l);
    return sm_err(SM_INVALID, "[USER_RAISED_EXCEPTION] %.*s", (int)l, s);
}

static int assert_true_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                            int64_t n, sm_vector **out) {
    (void)ctx;
    for (int64_t row = 0; row < n; row++) {
        bool ok = args[0]->type == SM_BOOLEAN && !fx_null(args[0], row) && SM_VEC_BOOL(args[0])[row];
        if (!ok) return misc_user_error(args[1], row);
    }
    *out = sm_vector_new_nulls(SM_NULLTYPE, n);
    return *out ? SM_OK : SM_NOMEM;
}

static int raise_error_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    call->type = SM_NULLTYPE;
    call->nullable = true;
    return SM_OK;
}

static int raise_error_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                            int64_t n, sm_vector **out) {
    (void)ctx, (void)call;
    if (n > 0) return misc_user_error(args[0], 0);
    *out = sm_vector_new_nulls(SM_NULLTYPE, 0);
    return *out ? SM_OK : SM_NOMEM;
}

/* ---- integer functions ------------------------------------------------------------------ */

static bool misc_is_int(sm_type t) { return t == SM_INT || t == SM_BIGINT; }

static int factorial_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t != SM_INT && t != SM_NULLTYPE) {
        if (t == SM_BIGINT || t == SM_DOUBLE || t == SM_DECIMAL || t == SM_BOOLEAN ||
            t == SM_DATE || t == SM_TIMESTAMP)
            return sm_bind_fail_input(ctx, call, 1, "\"INT\"");
    }
    SM_TRY(fx_coerce(ctx, call, 0, SM_INT));
    call->type = SM_BIGINT;
    call->nullable = true;
    return SM_OK;
}

static int factorial_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    (void)ctx, (void)call;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_BIGINT, n, &res));
    for (int64_t row = 0; row < n; row++) {
        int32_t v = fx_null(args[0], row) ? -1 : SM_VEC_I32(args[0])[row];
        if (v < 0 || v > 20) {
            if (fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
            continue;
        }
        int64_t f = 1;
        for (int k = 2; k <= v; k++) f *= k;
        SM_VEC_I64(res)[row] = f;
    }
    *out = res;
    return SM_OK;
}

/* shiftleft / shiftright / shiftrightunsigned (int|bigint, int): Java's
 * shifts, the count taken modulo the width. */
static int shift_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t == SM_NULLTYPE || t == SM_STRING) t = SM_INT;
    if (!misc_is_int(t)) return sm_bind_fail_input(ctx, call, 1, "(\"INT\" or \"BIGINT\")");
    SM_TRY(fx_coerce(ctx, call, 0, t));
    SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    call->type = t;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int shift_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ctx;
    char kind = call->fn->name[5] == 'l' ? 'l' : strcmp(call->fn->name, "shiftright") == 0 ? 'r' : 'u';
    sm_vector *res;
    SM_TRY(fx_new_fixed(call->type, n, &res));
    for (int64_t row = 0; row < n; row++) {
        if (fx_any_null(args, 2, row)) {
            if (fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
            continue;
        }
        int32_t s = SM_VEC_I32(args[1])[row];
        if (call->type == SM_INT) {
            int32_t v = SM_VEC_I32(args[0])[row];
            int k = s & 31;
            SM_VEC_I32(res)[row] = kind == 'l'   ? (int32_t)((uint32_t)v << k)
                                   : kind == 'r' ? v >> k
                                                 : (int32_t)((uint32_t)v >> k);
        } else {
            int64_t v = SM_VEC_I64(args[0])[row];
            int k = s & 63;
            SM_VEC_I64(res)[row] = kind == 'l'   ? (int64_t)((uint64_t)v << k)
                                   : kind == 'r' ? v >> k
                                                 : (int64_t)((uint64_t)v >> k);
        }
    }
    *out = res;
    return SM_OK;
}

static int bit_count_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t == SM_NULLTYPE) SM_TRY(fx_coerce(ctx, call, 0, SM_INT));
    else if (!misc_is_int(t) && t != SM_BOOLEAN)
        return sm_bind_fail_input(ctx, call, 1, "(\"INTEGRAL\" or \"BOOLEAN\")");
    call->type = SM_INT;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int bit_count_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    (void)ctx, (void)call;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_INT, n, &res));
    for (int64_t row = 0; row < n; row++) {
        if (fx_null(args[0], row)) {
            if (fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
            continue;
        }
        switch (args[0]->type) {
        case SM_BOOLEAN: SM_VEC_I32(res)[row] = SM_VEC_BOOL(args[0])[row] ? 1 : 0; break;
        case SM_INT: SM_VEC_I32(res)[row] = __builtin_popcount((uint32_t)SM_VEC_I32(args[0])[row]); break;
        default: SM_VEC_I32(res)[row] = __builtin_popcountll((uint64_t)SM_VEC_I64(args[0])[row]);
        }
    }
    *out = res;
    return SM_OK;
}

/* ---- double functions ----------------------------------------------------------------------- */

static bool misc_numeric(sm_type t) {
    return t == SM_INT || t == SM_BIGINT || t == SM_DOUBLE || t == SM_DECIMAL || t == SM_STRING ||
           t == SM_NULLTYPE;
}

static int misc_resolve_double(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < call->nargs; i++) {
        if (!misc_numeric(call->args[i]->type)) return sm_bind_fail_input(ctx, call, i + 1, "\"DOUBLE\"");
        SM_TRY(fx_coerce(ctx, call, i, SM_DOUBLE));
    }
    call->type = SM_DOUBLE;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

/* Spark's formulas (not libm's asinh etc.), for the same last bits. */
static double m_cot(double x) { return 1.0 / tan(x); }
static double m_sec(double x) { return 1.0 / cos(x); }
static double m_csc(double x) { return 1.0 / sin(x); }
static double m_asinh(double x) { return isinf(x) && x < 0 ? x : log(x + sqrt(x * x + 1.0)); }
static double m_acosh(double x) { return log(x + sqrt(x * x - 1.0)); }
static double m_atanh(double x) { return 0.5 * (log1p(x) - log1p(-x)); }
static double m_rint(double x) { return nearbyint(x); }
static double m_hypot(double x, double y) { return hypot(x, y); }

typedef double (*misc_d1)(double);

static int misc_eval_d(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                       misc_d1 f1, double (*f2)(double, double)) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    for (int64_t row = 0; row < n; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            if (fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
            continue;
        }
        double x = SM_VEC_F64(args[0])[row];
        SM_VEC_F64(res)[row] = f2 ? f2(x, SM_VEC_F64(args[1])[row]) : f1(x);
    }
    *out = res;
    return SM_OK;
}

#define MISC_D1(fname, cfn)                                                                  \
    static int fname##_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,  \
                            int64_t n, sm_vector **out) {                                    \
        (void)ectx;                                                                          \
        return misc_eval_d(call, args, n, out, cfn, NULL);                                   \
    }
MISC_D1(cot, m_cot)
MISC_D1(sec, m_sec)
MISC_D1(csc, m_csc)
MISC_D1(asinh, m_asinh)
MISC_D1(acosh, m_acosh)
MISC_D1(atanh, m_atanh)
MISC_D1(rint, m_rint)

static int hypot_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx;
    return misc_eval_d(call, args, n, out, NULL, m_hypot);
}

/* width_bucket(value, min, max, buckets) (WidthBucket.computeBucketNumber). */
static int width_bucket_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < 3; i++) {
        if (!misc_numeric(call->args[i]->type)) return sm_bind_fail_input(ctx, call, i + 1, "\"DOUBLE\"");
        SM_TRY(fx_coerce(ctx, call, i, SM_DOUBLE));
    }
    sm_type t = call->args[3]->type;
    if (!misc_is_int(t) && t != SM_NULLTYPE && t != SM_STRING)
        return sm_bind_fail_input(ctx, call, 4, "\"BIGINT\"");
    SM_TRY(fx_coerce(ctx, call, 3, SM_BIGINT));
    call->type = SM_BIGINT;
    call->nullable = true;
    return SM_OK;
}

static int width_bucket_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    (void)ctx;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_BIGINT, n, &res));
    for (int64_t row = 0; row < n; row++) {
        bool nul = fx_any_null(args, 4, row);
        int64_t b = 0;
        if (!nul) {
            double v = SM_VEC_F64(args[0])[row], mn = SM_VEC_F64(args[1])[row],
                   mx = SM_VEC_F64(args[2])[row];
            int64_t nb = SM_VEC_I64(args[3])[row];
            if (nb <= 0 || nb == INT64_MAX || isnan(v) || mn == mx || isnan(mn) || isinf(mn) ||
                isnan(mx) || isinf(mx)) {
                nul = true;
            } else {
                double lo = mn < mx ? mn : mx, hi = mn < mx ? mx : mn;
                if (mn < mx) {
                    if (v < lo) b = 0;
                    else if (v >= hi) b = nb + 1;
                    else b = (int64_t)((double)nb * (v - lo) / (hi - lo)) + 1;
                } else {
                    if (v > hi) b = 0;
                    else if (v <= lo) b = nb + 1;
                    else b = (int64_t)((double)nb * (hi - v) / (hi - lo)) + 1;
                }
            }
        }
        if (nul && fx_set_null(res, row)) {
            sm_vector_unref(res);
            return SM_NOMEM;
        }
        SM_VEC_I64(res)[row] = b;
    }
    *out = res;
    return SM_OK;
}

/* ---- try_add / try_subtract / try_multiply / try_divide ------------------------------- */

static const char *try_op(const char *name) {
    if (strcmp(name, "try_add") == 0) return "+";
    if (strcmp(name, "try_subtract") == 0) return "-";
    if (strcmp(name, "try_multiply") == 0) return "*";
    return "/";
}

static int try_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    const sm_func_def *self = call->fn;
    const char *op = try_op(self->name);
    SM_TRY(misc_delegate(ctx, call, op));
    call->fn = self; /* evaluation stays here (ANSI off, integer overflow → null) */
    call->nullable = true;
    return SM_OK;
}

static int try_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out) {
    const char *op = try_op(call->fn->name);
    if ((call->type == SM_INT || call->type == SM_BIGINT) && op[0] != '/' &&
        args[0]->type == call->type && args[1]->type == call->type) {
        sm_vector *res;
        SM_TRY(fx_new_fixed(call->type, n, &res));
        for (int64_t row = 0; row < n; row++) {
            bool nul = fx_any_null(args, 2, row);
            if (!nul) {
                if (call->type == SM_INT) {
                    int32_t a = SM_VEC_I32(args[0])[row], b = SM_VEC_I32(args[1])[row], r = 0;
                    nul = op[0] == '+'   ? __builtin_add_overflow(a, b, &r)
                          : op[0] == '-' ? __builtin_sub_overflow(a, b, &r)
                                         : __builtin_mul_overflow(a, b, &r);
                    SM_VEC_I32(res)[row] = r;
                } else {
                    int64_t a = SM_VEC_I64(args[0])[row], b = SM_VEC_I64(args[1])[row], r = 0;
                    nul = op[0] == '+'   ? __builtin_add_overflow(a, b, &r)
                          : op[0] == '-' ? __builtin_sub_overflow(a, b, &r)
                                         : __builtin_mul_overflow(a, b, &r);
                    SM_VEC_I64(res)[row] = r;
                }
            }
            if (nul && fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
        }
        *out = res;
        return SM_OK;
    }
    const sm_func_def *f = sm_func_find(op);
    if (!f) return sm_err(SM_INTERNAL, "%s: operator %s is not registered", call->name, op);
    sm_expr tmp = *call;
    tmp.fn = f;
    sm_eval_ctx lenient = *ctx;
    lenient.ansi = false;
    return f->eval(&lenient, &tmp, args, n, out);
}

/* ---- the table ------------------------------------------------------------------------------ */

static int misc_resolve_typeof(sm_bind_ctx *ctx, sm_expr *call) {
    return misc_resolve_string_const(ctx, call);
}

const sm_func_def sm_funcs_misc[] = {
    {"equal_null", 2, 2, equal_null_resolve, NULL, NULL},
    {"nullifzero", 1, 1, nullifzero_resolve, NULL, NULL},
    {"zeroifnull", 1, 1, zeroifnull_resolve, NULL, NULL},
    {"typeof", 1, 1, misc_resolve_typeof, typeof_eval, NULL},
    {"current_database", 0, 0, misc_resolve_string_const, current_database_eval, NULL},
    {"current_schema", 0, 0, misc_resolve_string_const, current_database_eval, NULL},
    {"current_catalog", 0, 0, misc_resolve_string_const, current_catalog_eval, NULL},
    {"current_user", 0, 0, misc_resolve_string_const, current_user_eval, NULL},
    {"user", 0, 0, misc_resolve_string_const, current_user_eval, NULL},
    {"session_user", 0, 0, misc_resolve_string_const, current_user_eval, NULL},
    {"assert_true", 1, 2, assert_true_resolve, assert_true_eval, NULL},
    {"raise_error", 1, 1, raise_error_resolve, raise_error_eval, NULL},
    {"factorial", 1, 1, factorial_resolve, factorial_eval, NULL},
    {"shiftleft", 2, 2, shift_resolve, shift_eval, NULL},
    {"shiftright", 2, 2, shift_resolve, shift_eval, NULL},
    {"shiftrightunsigned", 2, 2, shift_resolve, shift_eval, NULL},
    {"bit_count", 1, 1, bit_count_resolve, bit_count_eval, NULL},
    {"rint", 1, 1, misc_resolve_double, rint_eval, NULL},
    {"hypot", 2, 2, misc_resolve_double, hypot_eval, NULL},
    {"cot", 1, 1, misc_resolve_double, cot_eval, NULL},
    {"sec", 1, 1, misc_resolve_double, sec_eval, NULL},
    {"csc", 1, 1, misc_resolve_double, csc_eval, NULL},
    {"asinh", 1, 1, misc_resolve_double, asinh_eval, NULL},
    {"acosh", 1, 1, misc_resolve_double, acosh_eval, NULL},
    {"atanh", 1, 1, misc_resolve_double, atanh_eval, NULL},
    {"width_bucket", 4, 4, width_bucket_resolve, width_bucket_eval, NULL},
    {"try_add", 2, 2, try_resolve, try_eval, NULL},
    {"try_subtract", 2, 2, try_resolve, try_eval, NULL},
    {"try_multiply", 2, 2, try_resolve, try_eval, NULL},
    {"try_divide", 2, 2, try_resolve, try_eval, NULL},
    {"date_diff", 2, 2, date_diff_resolve, NULL, NULL},
    {"next_day", 2, 2, next_day_resolve, next_day_eval, NULL},
    {"uuid", 0, 0, uuid_resolve, uuid_eval, NULL},
    {"rand", 0, 1, rand_resolve, rand_eval, NULL},
    {"random", 0, 1, rand_resolve, rand_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
