/*
 * func_interval.c — INTERVAL literals and date/timestamp arithmetic with
 * them (sm_funcs_interval: "interval"; the operator hooks in interval.h).
 *
 * Spark 3.5 types INTERVAL literals as ANSI intervals: the year-month
 * family (INTERVAL '1' YEAR, '3' MONTH, '1-2' YEAR TO MONTH: a number of
 * months) and the day-time family (INTERVAL '90' DAY, '1 02' DAY TO HOUR,
 * '1.5' SECOND: a number of microseconds), each with a start and end field
 * that are part of the type ("interval day", "interval day to hour").
 * smelt has no interval type.  What it supports is what queries need: the
 * parser (expr/parse.c, "INTERVAL literals") makes every literal a call
 * "interval"(months, days, micros, spelling); this file resolves it to an
 * *interval value node* whose state (iv_val) holds the months or
 * microseconds and the start/end fields (read back from the spelling), and
 * the operators hand every call with such an operand to sm_iv_resolve_op,
 * which applies Spark's ResolveBinaryArithmetic rules at analysis time:
 *
 *   date ± year-month        → date      (add_months: 01-31 + 1 month = 02-28)
 *   date ± INTERVAL DAY      → date      (date_add by whole days; only when
 *                                         the type is exactly DAY)
 *   date ± other day-time    → timestamp (the date's midnight in the session
 *                                         zone, plus the interval as below)
 *   timestamp ± year-month   → timestamp (months added to the local date in
 *                                         the session zone, time kept)
 *   timestamp ± day-time     → timestamp (whole days move the local date in
 *                                         the session zone, keeping the wall
 *                                         clock; the rest is elapsed time)
 *   string ± day-time        → string    (CAST to timestamp, add, CAST back)
 *   interval ± interval (same family), -interval, +interval,
 *   interval * number, number * interval, interval / number
 *                            → a new interval value, folded now (the number
 *                              must be constant: Spark's HALF_UP rounding,
 *                              [INTERVAL_DIVIDED_BY_ZERO], overflow errors)
 *   NULL ± interval          → a NULL interval of the interval's type
 * and Spark's errors for the other mixes (int + INTERVAL '1' DAY,
 * INTERVAL '1' YEAR + INTERVAL '1' DAY, ...).  The rewritten call keeps its
 * name and arguments, so generated column names follow the tree
 * ("(DATE '1994-01-01' + INTERVAL '1' YEAR)"; Spark prints that one without
 * the parentheses and date - day intervals as date_add(...)); only call->fn
 * and call->state change.  Rebinding a bound tree re-resolves the same way.
 *
 * An interval value itself cannot be a result: its type is reported as
 * STRING, and evaluating it fails with [UNSUPPORTED_FEATURE] naming the
 * interval — unless an enclosing computation consumed it (iv_val.consumed,
 * set when resolving the parent), in which case it evaluates to an ignored
 * column of nulls.  So SELECT INTERVAL '1' DAY, comparisons of intervals and
 * interval arguments to functions are clear errors when they run.
 *
 * Memory: states live in the binder's arena (ctx->arena), like the bound
 * tree; no release function.  Evaluation reads only immutable state and is
 * thread-safe.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/eval_internal.h"
#include "expr/func_common.h"
#include "expr/interval.h"
#include "types/datetime.h"
#include "types/decimal.h"

/* ---- interval values ---------------------------------------------------------- */

enum { IVF_YEAR, IVF_MONTH, IVF_DAY, IVF_HOUR, IVF_MINUTE, IVF_SECOND, IVF_NONE };
static const char *const iv_fields[] = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};

typedef struct {
    bool ym;            /* year-month family (months) or day-time (micros) */
    bool null;          /* a NULL interval (NULL + INTERVAL ..., INTERVAL * NULL) */
    bool consumed;      /* an enclosing computation uses the value: eval gives nulls */
    int8_t start, end;  /* IVF_* fields of the type */
    int64_t months;     /* ym */
    int64_t micros;     /* day-time */
    const char *sql;    /* the expression's text, for the error when evaluated */
} iv_val;

static int iv_eval_value(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out);

static const sm_func_def iv_value_def = {"interval", 0, -1, NULL, iv_eval_value, NULL};

static iv_val *iv_of(const sm_expr *e) {
    return e && e->kind == SM_EX_CALL && e->fn && e->fn->eval == iv_eval_value ? e->state : NULL;
}

bool sm_iv_involved(const sm_expr *call) {
    for (int i = 0; i < call->nargs; i++)
        if (iv_of(call->args[i])) return true;
    return sm_iv_runtime_case(call);
}

/* Folding applies when every interval operand is an interval value node. */
static bool iv_foldable(const sm_expr *call) {
    bool any = false;
    for (int i = 0; i < call->nargs; i++) {
        if (iv_of(call->args[i])) any = true;
        else if (sm_iv_type(call->args[i]->type)) return false;
    }
    return any;
}

/* "INTERVAL DAY TO HOUR" */
static const char *iv_type_name(sm_bind_ctx *ctx, const iv_val *v) {
    if (v->start == v->end) return sm_arena_printf(ctx->arena, "INTERVAL %s", iv_fields[v->start]);
    return sm_arena_printf(ctx->arena, "INTERVAL %s TO %s", iv_fields[v->start], iv_fields[v->end]);
}

/* Spark's type name of an operand in messages: intervals by their type;
 * STRING reads DOUBLE outside ANSI (the implicit cast happens first). */
static const char *iv_operand_type(sm_bind_ctx *ctx, const sm_expr *e, bool string_as_double) {
    const iv_val *v = iv_of(e);
    if (v) return iv_type_name(ctx, v);
    if (e->type == SM_STRING && string_as_double && !ctx->ansi) return "DOUBLE";
    return ev_type_upper(e->type);
}

/* The field of a word of the spelling ("DAY"), IVF_NONE if none. */
static int iv_field(const char *w, size_t n) {
    for (int f = 0; f < IVF_NONE; f++)
        if (strlen(iv_fields[f]) == n && strncmp(w, iv_fields[f], n) == 0) return f;
    return IVF_NONE;
}

/* Reads the fields from the end of the spelling: "... ' DAY" or "... ' DAY TO HOUR". */
static bool iv_parse_fields(const char *s, int32_t len, int8_t *start, int8_t *end) {
    int32_t q = len - 1;
    while (q >= 0 && s[q] != '\'') q--;
    if (q < 0) return false;
    const char *p = s + q + 1, *stop = s + len;
    const char *words[3];
    size_t lens[3];
    int nw = 0;
    while (p < stop) {
        while (p < stop && *p == ' ') p++;
        if (p == stop) break;
        const char *w = p;
        while (p < stop && *p != ' ') p++;
        if (nw == 3) return false;
        words[nw] = w;
        lens[nw++] = (size_t)(p - w);
    }
    if (nw == 1) {
        *start = *end = (int8_t)iv_field(words[0], lens[0]);
    } else if (nw == 3 && lens[1] == 2 && strncmp(words[1], "TO", 2) == 0) {
        *start = (int8_t)iv_field(words[0], lens[0]);
        *end = (int8_t)iv_field(words[2], lens[2]);
    } else {
        return false;
    }
    return *start != IVF_NONE && *end != IVF_NONE && *start <= *end;
}

static int iv_set_value(sm_bind_ctx *ctx, sm_expr *call, const iv_val *v) {
    iv_val *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (!st) return SM_NOMEM;
    *st = *v;
    st->consumed = false;
    st->sql = sm_expr_sql_name(ctx->arena, call);
    if (!st->sql) return SM_NOMEM;
    call->fn = &iv_value_def;
    call->state = st;
    call->type = st->ym ? SM_INTERVAL_YM : SM_INTERVAL_DT;
    call->precision = (int8_t)(st->ym ? st->start : st->start - IVF_DAY);
    call->scale = (int8_t)(st->ym ? st->end : st->end - IVF_DAY);
    call->nullable = st->null;
    return SM_OK;
}

/* "interval"(months BIGINT, days BIGINT, micros BIGINT, spelling STRING),
 * all literals, as the parser builds it. */
static int iv_resolve_literal(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < 4; i++) {
        const sm_expr *a = call->args[i];
        if (a->kind != SM_EX_LITERAL || a->lit.is_null ||
            a->lit.type != (i < 3 ? SM_BIGINT : SM_STRING))
            return sm_bind_fail(ctx, call,
                                "[UNSUPPORTED_FEATURE] \"interval\" is smelt's internal form of "
                                "INTERVAL literals and takes only the literals the parser gives "
                                "it; write INTERVAL '1' DAY instead of \"%s\".",
                                sm_bind_sql(ctx, call));
    }
    iv_val v = {0};
    const sm_value *sp = &call->args[3]->lit;
    if (!iv_parse_fields(sp->v.str.ptr, sp->v.str.len, &v.start, &v.end))
        return sm_bind_fail(ctx, call, "[INTERNAL_ERROR] malformed INTERVAL spelling \"%.*s\".",
                            (int)sp->v.str.len, sp->v.str.ptr);
    v.ym = v.start <= IVF_MONTH;
    int64_t days = call->args[1]->lit.v.i64, us = call->args[2]->lit.v.i64;
    v.months = call->args[0]->lit.v.i64;
    if (v.ym && (v.months > INT32_MAX || v.months < INT32_MIN))
        return sm_bind_fail(ctx, call, "[INVALID_TYPED_LITERAL] The value of the typed literal "
                                       "\"INTERVAL\" is out of the year-month interval range.");
    if (__builtin_mul_overflow(days, SM_MICROS_PER_DAY, &v.micros) ||
        __builtin_add_overflow(v.micros, us, &v.micros))
        return sm_bind_fail(ctx, call, "[INVALID_TYPED_LITERAL] The value of the typed literal "
                                       "\"INTERVAL\" is out of the day-time interval range.");
    return iv_set_value(ctx, call, &v);
}

static int iv_eval_value(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    (void)ctx;
    (void)args;
    const iv_val *st = call->state;
    sm_value v = {.type = call->type, .is_null = st->null, .precision = call->precision,
                  .scale = call->scale};
    if (st->ym) v.v.i32 = (int32_t)st->months;
    else v.v.i64 = st->micros;
    *out = sm_vector_from_value(&v, call->type, n);
    return *out ? SM_OK : SM_NOMEM;
}

/* ---- date / timestamp ± interval ------------------------------------------------- */

typedef enum {
    IVK_DATE_MONTHS, /* date → date */
    IVK_DATE_DAYS,   /* date → date */
    IVK_DATE_MICROS, /* date → timestamp */
    IVK_TS_MONTHS,   /* timestamp → timestamp */
    IVK_TS_MICROS,   /* timestamp → timestamp */
} iv_kind;

typedef struct {
    iv_kind kind;
    bool null;      /* the interval is NULL: every row is */
    bool to_string; /* string ± day-time: the timestamp cast back to STRING */
    int64_t months; /* signed: already negated for "-" */
    int64_t micros;
} iv_dt;

static int iv_eval_datetime(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                            int64_t n, sm_vector **out);
static const sm_func_def iv_datetime_def = {"datetime_add_interval", 2, 2, NULL, iv_eval_datetime,
                                             NULL};

/* LocalDate.plusMonths: the day clamped to the new month's length. */
static int64_t iv_add_months(int32_t days, int64_t months) {
    int y, m, d;
    sm_civil_from_days(days, &y, &m, &d);
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = (int)(total - ny * 12) + 1;
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
    int last = nm == 2 && leap ? 29 : dm[nm - 1];
    return sm_days_from_civil(ny, nm, d > last ? last : d);
}

/* An instant plus a day-time interval as Spark does it in the session zone:
 * the whole days move the local date (the wall-clock time is kept across a
 * daylight-saving change), the rest is added as elapsed time.  False on
 * overflow. */
static bool iv_add_day_time(const sm_tz *tz, int64_t ts, int64_t micros, int64_t *out) {
    int64_t days = micros / SM_MICROS_PER_DAY, rest = micros % SM_MICROS_PER_DAY;
    if (days != 0) {
        int64_t local, moved;
        if (__builtin_add_overflow(ts, (int64_t)sm_tz_offset_at_utc(tz, ts) * SM_MICROS_PER_SECOND,
                                   &local) ||
            __builtin_add_overflow(local, days * SM_MICROS_PER_DAY, &moved))
            return false;
        ts = moved - (int64_t)sm_tz_offset_at_local(tz, moved) * SM_MICROS_PER_SECOND;
    }
    return !__builtin_add_overflow(ts, rest, out);
}

static int iv_overflow(void) {
    return sm_err(SM_INVALID, "[ARITHMETIC_OVERFLOW] long overflow. If necessary set "
                              "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
}

static int iv_eval_datetime(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                            int64_t n, sm_vector **out) {
    const iv_dt *st = call->state;
    bool ts_out = st->kind != IVK_DATE_MONTHS && st->kind != IVK_DATE_DAYS;
    sm_type t = ts_out ? SM_TIMESTAMP : SM_DATE;
    sm_vector *res = NULL;
    if (st->null || args[0]->type == SM_NULLTYPE) {
        res = sm_vector_new_nulls(t, n);
        if (!res) return SM_NOMEM;
    } else {
        res = ev_new_fixed(t, n);
        if (!res) return SM_NOMEM;
        if (ev_and_validity2(res, args[0], NULL, n) != SM_OK) {
            sm_vector_unref(res);
            return SM_NOMEM;
        }
        const sm_tz *tz = ctx->tz ? ctx->tz : sm_tz_utc();
        const sm_vector *in = args[0];
        for (int64_t row = 0; row < n; row++) {
            if (sm_vector_is_null(in, row)) {
                if (ts_out) SM_VEC_I64(res)[row] = 0;
                else SM_VEC_I32(res)[row] = 0;
                continue;
            }
            int64_t r = 0;
            switch (st->kind) {
            case IVK_DATE_MONTHS: SM_VEC_I32(res)[row] = (int32_t)iv_add_months(SM_VEC_I32(in)[row], st->months); continue;
            case IVK_DATE_DAYS:
                /* date_add wraps like Java's int addition */
                SM_VEC_I32(res)[row] = (int32_t)((uint32_t)SM_VEC_I32(in)[row] +
                                                 (uint32_t)(st->micros / SM_MICROS_PER_DAY));
                continue;
            case IVK_DATE_MICROS: {
                int64_t local = (int64_t)SM_VEC_I32(in)[row] * SM_MICROS_PER_DAY;
                int64_t utc = local - (int64_t)sm_tz_offset_at_local(tz, local) * SM_MICROS_PER_SECOND;
                if (!iv_add_day_time(tz, utc, st->micros, &r)) goto overflow;
                break;
            }
            case IVK_TS_MONTHS: {
                int64_t ts = SM_VEC_I64(in)[row];
                int64_t local = ts + (int64_t)sm_tz_offset_at_utc(tz, ts) * SM_MICROS_PER_SECOND;
                int32_t day = sm_micros_to_days(local);
                int64_t tod = local - (int64_t)day * SM_MICROS_PER_DAY;
                int64_t nl = iv_add_months(day, st->months) * SM_MICROS_PER_DAY + tod;
                r = nl - (int64_t)sm_tz_offset_at_local(tz, nl) * SM_MICROS_PER_SECOND;
                break;
            }
            case IVK_TS_MICROS:
                if (!iv_add_day_time(tz, SM_VEC_I64(in)[row], st->micros, &r)) goto overflow;
                break;
            }
            SM_VEC_I64(res)[row] = r;
        }
    }
    if (!st->to_string) {
        *out = res;
        return SM_OK;
    }
    int rc = sm_cast_vector(ctx, res, SM_STRING, out);
    sm_vector_unref(res);
    return rc;
overflow:
    sm_vector_unref(res);
    return iv_overflow();
}

/* ---- resolution ------------------------------------------------------------------ */

/* Spark's "l op r" text of TimeAdd / DateAddYMInterval (no parentheses). */
static const char *iv_plain_sql(sm_bind_ctx *ctx, const sm_expr *l, const char *op,
                                const sm_expr *r) {
    const char *a = sm_bind_sql(ctx, l), *b = sm_bind_sql(ctx, r);
    return sm_arena_printf(ctx->arena, "%s %s %s", a ? a : "?", op, b ? b : "?");
}

static int iv_err_diff(sm_bind_ctx *ctx, sm_expr *call) {
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"%s\" due to data "
                        "type mismatch: the left and right operands of the binary operator have "
                        "incompatible types (\"%s\" and \"%s\").",
                        sm_bind_sql(ctx, call), iv_operand_type(ctx, call->args[0], true),
                        iv_operand_type(ctx, call->args[1], true));
}

/* Parameter `param` of the expression `sql` must be `required`; `arg` is it. */
static int iv_err_param(sm_bind_ctx *ctx, sm_expr *call, const char *sql, int param,
                        const char *required, const sm_expr *arg) {
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to "
                        "data type mismatch: Parameter %d requires the \"%s\" type, however \"%s\" "
                        "has the type \"%s\".",
                        sql ? sql : "?", param, required, sm_bind_sql(ctx, arg),
                        iv_operand_type(ctx, arg, false));
}

static const char iv_ts_req[] = "(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)";

static int iv_overflow_at(sm_bind_ctx *ctx, sm_expr *call, bool ym) {
    return sm_bind_fail(ctx, call, "[ARITHMETIC_OVERFLOW] %s overflow in \"%s\".",
                        ym ? "integer" : "long", sm_bind_sql(ctx, call));
}

static bool iv_fits(const iv_val *v) {
    return !v->ym || (v->months >= INT32_MIN && v->months <= INT32_MAX);
}

/* date/timestamp/string `dt` (args[d]) ± the interval args[1-d]. */
static int iv_resolve_datetime(sm_bind_ctx *ctx, sm_expr *call, int d, bool sub) {
    iv_val *iv = iv_of(call->args[1 - d]);
    if (d == 1) { /* INTERVAL + date: Spark names it date + INTERVAL */
        sm_expr *tmp = call->args[0];
        call->args[0] = call->args[1];
        call->args[1] = tmp;
    }
    sm_type t = call->args[0]->type;
    iv_dt *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (!st) return SM_NOMEM;
    memset(st, 0, sizeof *st);
    st->null = iv->null;
    if ((sub && iv->months == INT64_MIN) || (sub && iv->micros == INT64_MIN))
        return iv_overflow_at(ctx, call, iv->ym);
    st->months = sub ? -iv->months : iv->months;
    st->micros = sub ? -iv->micros : iv->micros;
    if (t == SM_DATE && iv->ym) st->kind = IVK_DATE_MONTHS;
    else if (t == SM_DATE && iv->start == IVF_DAY && iv->end == IVF_DAY) st->kind = IVK_DATE_DAYS;
    else if (t == SM_DATE) st->kind = IVK_DATE_MICROS;
    else if (iv->ym) st->kind = IVK_TS_MONTHS;
    else st->kind = IVK_TS_MICROS;
    if (t == SM_STRING) {
        sm_expr *c = sm_expr_coerce(ctx, call->args[0], SM_TIMESTAMP);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[0] = c;
        st->to_string = true;
    }
    iv->consumed = true;
    call->fn = &iv_datetime_def;
    call->state = st;
    call->type = st->to_string ? SM_STRING
                 : st->kind == IVK_DATE_MONTHS || st->kind == IVK_DATE_DAYS ? SM_DATE
                                                                             : SM_TIMESTAMP;
    call->nullable = call->args[0]->nullable || st->null || st->to_string;
    return SM_OK;
}

/* A NULL interval of `like`'s family and fields. */
static int iv_resolve_null(sm_bind_ctx *ctx, sm_expr *call, iv_val *like) {
    iv_val r = *like;
    r.null = true;
    r.months = r.micros = 0;
    like->consumed = true;
    return iv_set_value(ctx, call, &r);
}

/* HALF_UP (away from zero) a / b for integers, b != 0. */
static int64_t iv_div_half_up(__int128 a, __int128 b, bool *ok) {
    __int128 q = a / b, r = a % b;
    if (r < 0) r = -r;
    __int128 bb = b < 0 ? -b : b;
    if (2 * r >= bb) q += ((a < 0) != (b < 0)) ? -1 : 1;
    *ok = q >= INT64_MIN && q <= INT64_MAX;
    return (int64_t)q;
}

static const __int128 iv_pow10_18 = (__int128)1000000000000000000LL;

/* x * num or x / num (num a constant value) with Spark's rounding. */
static int iv_scale(sm_bind_ctx *ctx, sm_expr *call, int64_t x, const sm_value *num, bool divide,
                    bool ym, int64_t *out) {
    bool ok = true;
    switch (num->type) {
    case SM_INT:
    case SM_BIGINT: {
        int64_t k = num->type == SM_INT ? num->v.i32 : num->v.i64;
        if (divide) {
            if (k == 0) goto div0;
            *out = iv_div_half_up(x, k, &ok);
        } else {
            ok = !__builtin_mul_overflow(x, k, out);
        }
        break;
    }
    case SM_DOUBLE: {
        double d = num->v.f64;
        if (divide && d == 0) goto div0;
        double r = round(divide ? (double)x / d : (double)x * d);
        ok = isfinite(r) && r >= -9223372036854775808.0 && r < 9223372036854775808.0;
        if (ok) *out = (int64_t)r;
        break;
    }
    case SM_DECIMAL: {
        __int128 u = num->v.dec, p10 = 1;
        for (int i = 0; i < num->scale; i++) p10 *= 10;
        if (divide && u == 0) goto div0;
        if (u < iv_pow10_18 && u > -iv_pow10_18 && num->scale <= 18) {
            /* exact: x * u / 10^s, or x * 10^s / u */
            *out = divide ? iv_div_half_up((__int128)x * p10, u, &ok)
                          : iv_div_half_up((__int128)x * u, p10, &ok);
        } else {
            long double d = (long double)sm_dec_to_double(u, num->scale);
            long double r = roundl(divide ? (long double)x / d : (long double)x * d);
            ok = r >= -9223372036854775808.0L && r < 9223372036854775808.0L;
            if (ok) *out = (int64_t)r;
        }
        break;
    }
    default:
        return sm_err(SM_INTERNAL, "interval scaling by a %s", sm_type_name(num->type));
    }
    if (!ok || (ym && (*out < INT32_MIN || *out > INT32_MAX))) return iv_overflow_at(ctx, call, ym);
    return SM_OK;
div0:
    return sm_bind_fail(ctx, call,
                        "[INTERVAL_DIVIDED_BY_ZERO] Division by zero. Use `try_divide` to tolerate "
                        "divisor being 0 and return NULL instead.");
}

/* interval * num, num * interval (swapped to interval first), interval / num. */
static int iv_resolve_scale(sm_bind_ctx *ctx, sm_expr *call, int k, bool divide) {
    if (k == 1) { /* Spark names 2 * INTERVAL '1' DAY as (INTERVAL '1' DAY * 2) */
        sm_expr *tmp = call->args[0];
        call->args[0] = call->args[1];
        call->args[1] = tmp;
    }
    iv_val *iv = iv_of(call->args[0]);
    sm_expr *num = call->args[1];
    sm_type t = num->type;
    if (iv_of(num) || !(t == SM_INT || t == SM_BIGINT || t == SM_DOUBLE || t == SM_DECIMAL ||
                        t == SM_STRING || t == SM_NULLTYPE))
        return iv_err_param(ctx, call, sm_bind_sql(ctx, call), 2, "NUMERIC", num);
    iv_val r = *iv;
    r.start = iv->ym ? IVF_YEAR : IVF_DAY;
    r.end = iv->ym ? IVF_MONTH : IVF_SECOND;
    iv->consumed = true;
    if (t == SM_STRING) {
        sm_expr *c = sm_expr_coerce(ctx, num, SM_DOUBLE);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[1] = num = c;
    }
    sm_value v;
    if (t == SM_NULLTYPE) {
        r.null = true;
    } else {
        if (!fx_const_arg(ctx, num, &v)) {
            if (sm_expr_is_const(num)) return sm_errcode() ? sm_errcode() : SM_INVALID;
            return sm_bind_fail(ctx, call,
                                "[UNSUPPORTED_FEATURE] smelt computes interval arithmetic while "
                                "analysing the query and needs a constant in \"%s\"; \"%s\" is "
                                "not constant.",
                                sm_bind_sql(ctx, call), sm_bind_sql(ctx, num));
        }
        if (v.is_null) r.null = true;
        if (!r.null && !iv->null) {
            int64_t *x = iv->ym ? &r.months : &r.micros;
            SM_TRY(iv_scale(ctx, call, *x, &v, divide, iv->ym, x));
        }
    }
    if (r.null) r.months = r.micros = 0;
    return iv_set_value(ctx, call, &r);
}

int sm_iv_resolve_op(sm_bind_ctx *ctx, sm_expr *call) {
    const char *op = call->fn ? call->fn->name : call->name;
    if (!iv_foldable(call)) return sm_iv_resolve_runtime(ctx, call);
    if (call->nargs == 1) { /* negative, positive */
        iv_val *iv = iv_of(call->args[0]), r = *iv;
        iv->consumed = true;
        if (strcmp(op, "negative") == 0 && !r.null) {
            if (r.months == INT32_MIN || r.micros == INT64_MIN) return iv_overflow_at(ctx, call, r.ym);
            r.months = -r.months;
            r.micros = -r.micros;
        }
        return iv_set_value(ctx, call, &r);
    }
    sm_expr *l = call->args[0], *r = call->args[1];
    iv_val *li = iv_of(l), *ri = iv_of(r);
    bool add = strcmp(op, "+") == 0, sub = strcmp(op, "-") == 0;
    if (strcmp(op, "*") == 0) {
        if (li && ri) return iv_err_param(ctx, call, sm_bind_sql(ctx, call), 2, "NUMERIC", r);
        return iv_resolve_scale(ctx, call, li ? 0 : 1, false);
    }
    if (strcmp(op, "/") == 0) {
        if (!li) return iv_err_diff(ctx, call);
        if (ri) return iv_err_param(ctx, call, sm_bind_sql(ctx, call), 2, "NUMERIC", r);
        return iv_resolve_scale(ctx, call, 0, true);
    }
    if (!add && !sub) return iv_err_diff(ctx, call); /* % mod pmod */
    if (li && ri) {
        if (li->ym != ri->ym) {
            /* Spark: (_, day-time) becomes TimeAdd(l, r), which wants a
             * timestamp first; day-time - year-month stays a Subtract */
            const sm_expr *ym = li->ym ? l : r, *dt = li->ym ? r : l;
            if (sub && !li->ym) return iv_err_diff(ctx, call);
            return iv_err_param(ctx, call, iv_plain_sql(ctx, ym, op, dt), 1, iv_ts_req, ym);
        }
        iv_val s = *li;
        s.start = li->start < ri->start ? li->start : ri->start;
        s.end = li->end > ri->end ? li->end : ri->end;
        s.null = li->null || ri->null;
        li->consumed = ri->consumed = true;
        if (!s.null) {
            bool of = li->ym ? (sub ? __builtin_sub_overflow(li->months, ri->months, &s.months)
                                    : __builtin_add_overflow(li->months, ri->months, &s.months))
                             : (sub ? __builtin_sub_overflow(li->micros, ri->micros, &s.micros)
                                    : __builtin_add_overflow(li->micros, ri->micros, &s.micros));
            if (of || !iv_fits(&s)) return iv_overflow_at(ctx, call, s.ym);
        } else {
            s.months = s.micros = 0;
        }
        return iv_set_value(ctx, call, &s);
    }
    int k = li ? 0 : 1; /* the interval's side */
    iv_val *iv = li ? li : ri;
    sm_expr *o = call->args[1 - k];
    sm_type ot = o->type;
    if (ot == SM_NULLTYPE) return iv_resolve_null(ctx, call, iv);
    if (sub && k == 0) { /* INTERVAL - x */
        if (ot == SM_DATE) return iv_err_param(ctx, call, sm_bind_sql(ctx, call), 1, "DATE", l);
        if (ot == SM_TIMESTAMP)
            return iv_err_param(ctx, call, sm_bind_sql(ctx, call), 1, iv_ts_req, l);
        return iv_err_diff(ctx, call);
    }
    if (ot == SM_DATE || ot == SM_TIMESTAMP || (ot == SM_STRING && !iv->ym))
        return iv_resolve_datetime(ctx, call, 1 - k, sub);
    if (iv->ym) return iv_err_diff(ctx, call);
    return iv_err_param(ctx, call, iv_plain_sql(ctx, o, op, call->args[k]), 1, iv_ts_req, o);
}

const sm_func_def sm_funcs_interval[] = {
    {"interval", 4, 4, iv_resolve_literal, iv_eval_value, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
