/*
 * func_datetime.c — Spark 3.5's date and time functions: to_date,
 * to_timestamp, date_format, year .. second, dayofweek, dayofyear, weekday,
 * quarter, weekofyear, last_day, date_add, date_sub, datediff, add_months,
 * months_between, trunc, date_trunc, unix_timestamp, from_unixtime,
 * to_utc_timestamp, from_utc_timestamp, current_date, current_timestamp,
 * now, make_date, unix_date, date_from_unix_date, timestamp_seconds,
 * timestampadd, timestampdiff.
 *
 * Resolution: arguments are cast implicitly as Spark does (year('2024-01-05')
 * reads the string as a date; hour() takes a timestamp; date_add's count
 * must be an integer or a string).  A constant pattern or zone argument is
 * compiled once in resolve and kept in call->state (dt_state, freed by
 * dt_release); a bad constant pattern is an error at bind time, as in Spark.
 * A non-constant pattern is compiled per row.
 *
 * Evaluation: every function is a loop over rows; null in → null out;
 * invalid input (an unparsable string, a non-existent date) → null
 * (non-ANSI); in ANSI mode Spark's errors: make_date →
 * [DATETIME_FIELD_OUT_OF_BOUNDS], to_date / to_timestamp / unix_timestamp
 * with a pattern → [CANNOT_PARSE_TIMESTAMP].  Conversions between instants and local dates use the session
 * time zone from the eval context.  Nothing here is mutable after resolve,
 * so evaluation is thread-safe.
 */
#include <math.h>
#include <stdio.h>
#include <strings.h>

#include "expr/func_common.h"
#include "types/datetime.h"
#include "types/decimal.h"

/* ---- state ----------------------------------------------------------------- */

typedef struct {
    sm_dtfmt *fmt;     /* constant pattern, compiled */
    bool const_null;   /* the constant pattern / unit / zone is NULL */
    bool has_const;    /* a constant was prepared */
    int unit;          /* trunc / date_trunc level */
    const sm_tz *zone; /* constant zone argument */
} dt_state;

static void dt_release(void *p) {
    dt_state *st = p;
    if (!st) return;
    sm_dtfmt_free(st->fmt);
    /* st itself lives in the bind arena */
}

static dt_state *dt_state_new(sm_bind_ctx *ctx, sm_expr *call) {
    dt_state *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (st) call->state = st;
    return st;
}

static const sm_tz *dt_tz(const sm_eval_ctx *ctx) { return ctx->tz ? ctx->tz : sm_tz_utc(); }

/* The local wall-clock time in tz of an instant, in micros since the epoch. */
static int64_t dt_utc_to_local(int64_t micros, const sm_tz *tz) {
    return micros + (int64_t)sm_tz_offset_at_utc(tz, micros) * SM_MICROS_PER_SECOND;
}

static int32_t dt_ts_to_date(int64_t micros, const sm_tz *tz) {
    return sm_micros_to_days(dt_utc_to_local(micros, tz));
}

static int64_t dt_local_to_utc(int64_t local, const sm_tz *tz) {
    return local - (int64_t)sm_tz_offset_at_local(tz, local) * SM_MICROS_PER_SECOND;
}

static int64_t dt_date_to_ts(int32_t days, const sm_tz *tz) {
    return dt_local_to_utc((int64_t)days * SM_MICROS_PER_DAY, tz);
}

/* Ends an eval loop: hands res to *out, or frees it and passes rc on. */
static int dt_finish(sm_vector *res, int rc, sm_vector **out) {
    if (rc) {
        sm_vector_unref(res);
        return rc;
    }
    *out = res;
    return SM_OK;
}

/* An eval function `name` that runs loop(..., arg): one shared loop serves
 * several SQL functions that differ by a mode argument. */
#define DT_EVAL_FN(loop, name, arg)                                                          \
    static int name(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n, \
                    sm_vector **out) {                                                       \
        return loop(ctx, call, args, n, out, arg);                                           \
    }

static int dt_type_err(sm_bind_ctx *ctx, sm_expr *call, int i, const char *required) {
    return sm_err(SM_ANALYSIS,
                  "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data "
                  "type mismatch: parameter %d requires %s type, however the argument has the "
                  "type \"%s\".",
                  call->name, i + 1, required, sm_type_name(call->args[i]->type));
}

/* Coerces a date-like argument (string, date, timestamp) to `to`. */
static int dt_coerce_datelike(sm_bind_ctx *ctx, sm_expr *call, int i, sm_type to) {
    sm_type t = call->args[i]->type;
    if (t != SM_STRING && t != SM_DATE && t != SM_TIMESTAMP && t != SM_NULLTYPE &&
        t != SM_TIMESTAMP_NTZ)
        return dt_type_err(ctx, call, i, to == SM_DATE ? "the \"DATE\"" : "the \"TIMESTAMP\"");
    return fx_coerce(ctx, call, i, to);
}

/* Integer count arguments (date_add, add_months): int or a string. */
static int dt_coerce_count(sm_bind_ctx *ctx, sm_expr *call, int i) {
    sm_type t = call->args[i]->type;
    if (t != SM_INT && t != SM_STRING && t != SM_NULLTYPE && t != SM_TINYINT && t != SM_SMALLINT)
        return dt_type_err(ctx, call, i, "the (\"INT\" or \"SMALLINT\" or \"TINYINT\")");
    return fx_coerce(ctx, call, i, SM_INT);
}

/* Prepares a constant pattern argument (compile now; errors now). */
static int dt_prepare_fmt(sm_bind_ctx *ctx, sm_expr *call, int i, bool parsing) {
    SM_TRY(fx_coerce(ctx, call, i, SM_STRING));
    dt_state *st = dt_state_new(ctx, call);
    if (!st) return SM_NOMEM;
    sm_value v;
    if (!fx_const_arg(ctx, call->args[i], &v)) return SM_OK;
    st->has_const = true;
    if (v.is_null || v.type == SM_NULLTYPE) {
        st->const_null = true;
        return SM_OK;
    }
    char *pat = sm_arena_strndup(ctx->arena, v.v.str.ptr, (size_t)v.v.str.len);
    if (!pat) return SM_NOMEM;
    SM_TRY(sm_dtfmt_compile(pat, &st->fmt));
    if (parsing) SM_TRY(sm_dtfmt_check_parsing(st->fmt));
    return SM_OK;
}

/* The pattern for a row: the constant one, or compiled from args[i] into
 * *tmp (the caller frees it).  NULL with rc 0 means a null pattern. */
static int dt_row_fmt(const sm_expr *call, sm_vector **args, int i, int64_t row, bool parsing,
                      sm_dtfmt **tmp, const sm_dtfmt **out) {
    const dt_state *st = call->state;
    *out = NULL;
    if (st && st->has_const) {
        *out = st->fmt;
        return SM_OK;
    }
    if (fx_null(args[i], row)) return SM_OK;
    int32_t len;
    const char *s = sm_vector_str(args[i], row, &len);
    char *pat = sm_strndup(s, (size_t)len);
    if (!pat) return SM_NOMEM;
    int rc = sm_dtfmt_compile(pat, tmp);
    sm_free(pat);
    if (rc) return rc;
    if (parsing && (rc = sm_dtfmt_check_parsing(*tmp))) {
        sm_dtfmt_free(*tmp);
        *tmp = NULL;
        return rc;
    }
    *out = *tmp;
    return SM_OK;
}

static const char DEFAULT_TS_PATTERN[] = "yyyy-MM-dd HH:mm:ss";

static int dt_default_fmt(sm_bind_ctx *ctx, sm_expr *call) {
    dt_state *st = dt_state_new(ctx, call);
    if (!st) return SM_NOMEM;
    st->has_const = true;
    return sm_dtfmt_compile(DEFAULT_TS_PATTERN, &st->fmt);
}

/* ---- to_date / to_timestamp / unix_timestamp ---------------------------------- */

/* Parses row `row` of args[0] (string, date or timestamp) to an instant. */
static int dt_parse_row(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t row,
                        bool *ok, int64_t *micros) {
    *ok = false;
    if (fx_null(args[0], row)) return SM_OK;
    sm_type t = args[0]->type;
    if (t == SM_TIMESTAMP) {
        *micros = SM_VEC_I64(args[0])[row];
        *ok = true;
        return SM_OK;
    }
    if (t == SM_DATE) {
        *micros = dt_date_to_ts(SM_VEC_I32(args[0])[row], dt_tz(ctx));
        *ok = true;
        return SM_OK;
    }
    sm_dtfmt *tmp = NULL;
    const sm_dtfmt *f;
    SM_TRY(dt_row_fmt(call, args, 1, row, true, &tmp, &f));
    int rc = SM_OK;
    if (f) {
        int32_t len;
        const char *s = sm_vector_str(args[0], row, &len);
        char why[320];
        *ok = sm_dtfmt_parse_why(f, s, len, dt_tz(ctx), micros, why, sizeof why);
        if (!*ok && ctx->ansi) /* Spark's ANSI mode: text that does not match is an error */
            rc = sm_err(SM_INVALID,
                        "[CANNOT_PARSE_TIMESTAMP] %s. If necessary set \"spark.sql.ansi.enabled\" "
                        "to \"false\" to bypass this error.",
                        why);
    }
    sm_dtfmt_free(tmp);
    return rc;
}

static int resolve_parse_fmt(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t != SM_DATE && t != SM_TIMESTAMP) SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    return dt_prepare_fmt(ctx, call, 1, true);
}

static int resolve_to_date(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = true;
    if (call->nargs == 2) return resolve_parse_fmt(ctx, call);
    sm_type t = call->args[0]->type;
    if (sm_type_is_numeric(t) || t == SM_BOOLEAN) return SM_OK; /* Spark: always null */
    return dt_coerce_datelike(ctx, call, 0, SM_DATE);
}

/* to_date, to_timestamp, unix_timestamp with arguments: parses every row
 * (dt_parse_row) into a DATE, a TIMESTAMP or, for `to` = BIGINT, seconds. */
static int dt_parse_loop(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out, sm_type to) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(to, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool ok;
        int64_t us;
        rc = dt_parse_row(ctx, call, args, row, &ok, &us);
        if (rc == SM_OK && !ok) rc = fx_set_null(res, row);
        else if (rc == SM_OK && to == SM_DATE) SM_VEC_I32(res)[row] = dt_ts_to_date(us, dt_tz(ctx));
        else if (rc == SM_OK)
            /* Spark divides (truncates toward zero), it does not floor:
             * unix_timestamp(TIMESTAMP'1969-12-31 23:00:00.5') = -3599. */
            SM_VEC_I64(res)[row] = to == SM_BIGINT ? us / SM_MICROS_PER_SECOND : us;
    }
    return dt_finish(res, rc, out);
}

static int eval_to_date(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                        sm_vector **out) {
    if (call->nargs == 1 && args[0]->type != SM_DATE) {
        sm_vector *v = sm_vector_new_nulls(SM_DATE, n);
        if (!v) return SM_NOMEM;
        *out = v;
        return SM_OK;
    }
    if (call->nargs == 1) {
        *out = sm_vector_ref(args[0]);
        return SM_OK;
    }
    return dt_parse_loop(ctx, call, args, n, out, SM_DATE);
}

static int resolve_to_timestamp(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP;
    call->nullable = true;
    if (call->nargs == 2) return resolve_parse_fmt(ctx, call);
    return fx_coerce(ctx, call, 0, SM_TIMESTAMP);
}

static int eval_to_timestamp(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    if (call->nargs == 1) {
        *out = sm_vector_ref(args[0]);
        return SM_OK;
    }
    return dt_parse_loop(ctx, call, args, n, out, SM_TIMESTAMP);
}

static int resolve_unix_timestamp(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_BIGINT;
    call->nullable = call->nargs > 0;
    if (call->nargs == 0) return SM_OK;
    sm_type t = call->args[0]->type;
    if (t != SM_DATE && t != SM_TIMESTAMP) SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    if (call->nargs == 2) return dt_prepare_fmt(ctx, call, 1, true);
    return dt_default_fmt(ctx, call);
}

static int eval_unix_timestamp(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    if (call->nargs == 0) {
        sm_vector *res;
        SM_TRY(fx_new_fixed(SM_BIGINT, n, &res));
        int64_t s = ctx->now_micros / SM_MICROS_PER_SECOND;
        for (int64_t r = 0; r < n; r++) SM_VEC_I64(res)[r] = s;
        *out = res;
        return SM_OK;
    }
    return dt_parse_loop(ctx, call, args, n, out, SM_BIGINT);
}

/* ---- date_format / from_unixtime --------------------------------------------- */

static int resolve_date_format(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_STRING;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 0, SM_TIMESTAMP));
    return dt_prepare_fmt(ctx, call, 1, false);
}

static int dt_format_loop(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out, bool from_seconds) {
    sm_vector *res = sm_vector_new(SM_STRING, n);
    if (!res) return SM_NOMEM;
    sm_buf buf = {0};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        sm_dtfmt *tmp = NULL;
        const sm_dtfmt *f;
        if (call->nargs < 2) f = ((const dt_state *)call->state)->fmt;
        else if ((rc = dt_row_fmt(call, args, 1, row, false, &tmp, &f))) break;
        if (!f) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int64_t us;
        if (from_seconds) {
            int64_t s = SM_VEC_I64(args[0])[row];
            if (s > INT64_MAX / SM_MICROS_PER_SECOND || s < INT64_MIN / SM_MICROS_PER_SECOND) {
                sm_dtfmt_free(tmp);
                rc = sm_vector_append_null(res);
                continue;
            }
            us = s * SM_MICROS_PER_SECOND;
        } else {
            us = SM_VEC_I64(args[0])[row];
        }
        buf.len = 0;
        rc = sm_dtfmt_format(f, us, dt_tz(ctx), &buf);
        sm_dtfmt_free(tmp);
        if (rc == SM_OK) rc = sm_vector_append_str(res, buf.data ? buf.data : "", (int32_t)buf.len);
    }
    sm_buf_free(&buf);
    return dt_finish(res, rc, out);
}

DT_EVAL_FN(dt_format_loop, eval_date_format, false)

static int resolve_from_unixtime(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_STRING;
    call->nullable = true;
    sm_type t = call->args[0]->type;
    if (t == SM_DATE || t == SM_TIMESTAMP || t == SM_BOOLEAN)
        return dt_type_err(ctx, call, 0, "the \"BIGINT\"");
    SM_TRY(fx_coerce(ctx, call, 0, SM_BIGINT));
    if (call->nargs == 2) return dt_prepare_fmt(ctx, call, 1, false);
    return dt_default_fmt(ctx, call);
}

DT_EVAL_FN(dt_format_loop, eval_from_unixtime, true)

/* ---- field extraction ------------------------------------------------------------ */

typedef enum {
    DF_YEAR, DF_MONTH, DF_DAY, DF_DOW, DF_DOY, DF_QUARTER, DF_WEEK, DF_WEEKDAY, DF_UNIX_DATE,
    DF_HOUR, DF_MINUTE, DF_SECOND
} dt_field;

static int dt_iso_week(int32_t days) {
    int wd = (int)(((int64_t)days % 7 + 7 + 3) % 7) + 1; /* Monday = 1 */
    int32_t thu = days - wd + 4;
    int y, m, d;
    sm_civil_from_days(thu, &y, &m, &d);
    return (thu - sm_days_from_civil(y, 1, 1)) / 7 + 1;
}

static int32_t dt_date_field(int32_t days, dt_field f) {
    int y, m, d;
    sm_civil_from_days(days, &y, &m, &d);
    int iso = (int)(((int64_t)days % 7 + 7 + 3) % 7) + 1; /* Monday = 1 */
    switch (f) {
    case DF_YEAR: return y;
    case DF_MONTH: return m;
    case DF_DAY: return d;
    case DF_DOW: return iso % 7 + 1; /* Sunday = 1 */
    case DF_DOY: return days - sm_days_from_civil(y, 1, 1) + 1;
    case DF_QUARTER: return (m - 1) / 3 + 1;
    case DF_WEEK: return dt_iso_week(days);
    case DF_WEEKDAY: return iso - 1;
    case DF_UNIX_DATE: return days;
    default: return 0;
    }
}

static int dt_extract(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out, dt_field f) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_INT, n, &res));
    const sm_tz *tz = dt_tz(ctx);
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t v;
        if (f >= DF_HOUR && args[0]->type == SM_TIME) { /* Spark 4.1: nanoseconds since midnight */
            int64_t secs = SM_VEC_I64(args[0])[row] / 1000000000;
            v = (int32_t)(f == DF_HOUR ? secs / 3600 : f == DF_MINUTE ? secs / 60 % 60 : secs % 60);
        } else if (f >= DF_HOUR) {
            int64_t us = SM_VEC_I64(args[0])[row];
            int64_t local = dt_utc_to_local(us, tz);
            int64_t tod = local - (int64_t)sm_micros_to_days(local) * SM_MICROS_PER_DAY;
            int64_t secs = tod / SM_MICROS_PER_SECOND;
            v = (int32_t)(f == DF_HOUR ? secs / 3600 : f == DF_MINUTE ? secs / 60 % 60 : secs % 60);
        } else {
            v = dt_date_field(SM_VEC_I32(args[0])[row], f);
        }
        SM_VEC_I32(res)[row] = v;
    }
    return dt_finish(res, rc, out);
}

static int resolve_date_int(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_INT;
    call->nullable = true;
    return dt_coerce_datelike(ctx, call, 0, SM_DATE);
}

static int resolve_time_int(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_INT;
    call->nullable = true;
    if (call->args[0]->type == SM_TIME) return SM_OK; /* hour/minute/second of a time (Spark 4.1) */
    return dt_coerce_datelike(ctx, call, 0, SM_TIMESTAMP);
}

DT_EVAL_FN(dt_extract, eval_year, DF_YEAR)
DT_EVAL_FN(dt_extract, eval_month, DF_MONTH)
DT_EVAL_FN(dt_extract, eval_day, DF_DAY)
DT_EVAL_FN(dt_extract, eval_dayofweek, DF_DOW)
DT_EVAL_FN(dt_extract, eval_dayofyear, DF_DOY)
DT_EVAL_FN(dt_extract, eval_quarter, DF_QUARTER)
DT_EVAL_FN(dt_extract, eval_weekofyear, DF_WEEK)
DT_EVAL_FN(dt_extract, eval_weekday, DF_WEEKDAY)
DT_EVAL_FN(dt_extract, eval_unix_date, DF_UNIX_DATE)
DT_EVAL_FN(dt_extract, eval_hour, DF_HOUR)
DT_EVAL_FN(dt_extract, eval_minute, DF_MINUTE)
DT_EVAL_FN(dt_extract, eval_second, DF_SECOND)

/* ---- date arithmetic -------------------------------------------------------------- */

/* date_add / date_sub with a string count, ANSI off (Spark's TypeCoercion
 * DateTimeOperations): a constant string is read as an integer the strict
 * (ANSI) way at bind time, [SECOND_FUNCTION_ARGUMENT_NOT_INTEGER] when it is
 * not one; any other string expression is a type mismatch.  ANSI on, the
 * string is simply cast (and an invalid one fails at run time). */
static int dt_string_count(sm_bind_ctx *ctx, sm_expr *call) {
    const char *fn = call->name && strcasecmp(call->name, "date_sub") == 0 ? "date_sub" : "date_add";
    if (!sm_expr_is_const(call->args[1])) {
        char *whole = sm_expr_sql_name(ctx->arena, call);
        char *arg = sm_expr_sql_name(ctx->arena, call->args[1]);
        if (!whole || !arg) return SM_NOMEM;
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data "
                      "type mismatch: Parameter 2 requires the (\"INT\" or \"SMALLINT\" or "
                      "\"TINYINT\") type, however \"%s\" has the type \"STRING\".",
                      whole, arg);
    }
    SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    sm_eval_ctx ec = {.tz = ctx->tz, .ansi = true, .now_micros = 0};
    sm_value v;
    if (sm_expr_eval_const(&ec, ctx->arena, call->args[1], &v) != SM_OK)
        return sm_err(SM_ANALYSIS,
                      "[SECOND_FUNCTION_ARGUMENT_NOT_INTEGER] The second argument of %s function "
                      "needs to be an integer.",
                      fn);
    sm_expr *lit = sm_expr_literal(ctx->arena, &v);
    if (!lit) return SM_NOMEM;
    lit->type = SM_INT;
    lit->nullable = v.is_null;
    call->args[1] = lit;
    return SM_OK;
}

static int resolve_date_add(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 0, SM_DATE));
    bool add_sub = call->name && strcasecmp(call->name, "add_months") != 0;
    if (add_sub && !ctx->ansi && call->args[1]->type == SM_STRING) return dt_string_count(ctx, call);
    return dt_coerce_count(ctx, call, 1);
}

static int32_t dt_add_months(int32_t days, int32_t months) {
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

typedef enum { DA_ADD, DA_SUB, DA_DIFF, DA_MONTHS } dt_arith;

static int dt_arith_loop(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out, dt_arith op) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(op == DA_DIFF ? SM_INT : SM_DATE, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, 2, row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t a = SM_VEC_I32(args[0])[row], b = SM_VEC_I32(args[1])[row];
        int32_t v;
        switch (op) {
        case DA_ADD: v = (int32_t)((uint32_t)a + (uint32_t)b); break;
        case DA_SUB: v = (int32_t)((uint32_t)a - (uint32_t)b); break;
        case DA_DIFF: v = (int32_t)((uint32_t)a - (uint32_t)b); break;
        default: v = dt_add_months(a, b); break;
        }
        SM_VEC_I32(res)[row] = v;
    }
    (void)ctx;
    return dt_finish(res, rc, out);
}

DT_EVAL_FN(dt_arith_loop, eval_date_add, DA_ADD)
DT_EVAL_FN(dt_arith_loop, eval_date_sub, DA_SUB)
DT_EVAL_FN(dt_arith_loop, eval_add_months, DA_MONTHS)

static int resolve_datediff(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_INT;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 0, SM_DATE));
    return dt_coerce_datelike(ctx, call, 1, SM_DATE);
}
DT_EVAL_FN(dt_arith_loop, eval_datediff, DA_DIFF)

/* ---- timestampadd / timestampdiff ------------------------------------------------------
 * TIMESTAMPADD(unit, n, ts) and TIMESTAMPDIFF(unit, start, end) (Spark's parser also
 * spells them DATEADD / DATE_ADD and DATEDIFF / DATE_DIFF with a unit first).  The unit
 * is a constant string, kept in dt_state.unit.  As DateTimeUtils.timestampAdd does, DAY,
 * WEEK, MONTH, QUARTER and YEAR move the local wall-clock time in the session zone (one
 * DAY across a DST change is 23 or 25 hours), mapped back keeping the original offset when
 * it is still valid (ZonedDateTime.plus); HOUR and smaller add exact time.  The difference is ChronoUnit.between on the
 * two local times: time units truncate toward zero; date units count whole days, months
 * or years, a partial last day not counting. */

typedef enum { TA_MICRO, TA_MILLI, TA_SECOND, TA_MINUTE, TA_HOUR, TA_DAY, TA_WEEK,
               TA_MONTH, TA_QUARTER, TA_YEAR } dt_tsa_unit;

static const int64_t dt_unit_micros[] = {1, 1000, SM_MICROS_PER_SECOND, 60 * SM_MICROS_PER_SECOND,
                                         3600 * SM_MICROS_PER_SECOND};

static int dt_prepare_ts_unit(sm_bind_ctx *ctx, sm_expr *call, const char *fn) {
    static const struct {
        const char *name;
        dt_tsa_unit unit;
    } units[] = {{"YEAR", TA_YEAR},     {"QUARTER", TA_QUARTER}, {"MONTH", TA_MONTH},
                 {"WEEK", TA_WEEK},     {"DAY", TA_DAY},         {"DAYOFYEAR", TA_DAY},
                 {"HOUR", TA_HOUR},     {"MINUTE", TA_MINUTE},   {"SECOND", TA_SECOND},
                 {"MILLISECOND", TA_MILLI}, {"MICROSECOND", TA_MICRO}};
    dt_state *st = dt_state_new(ctx, call);
    if (!st) return SM_NOMEM;
    sm_value v;
    if (call->args[0]->type == SM_STRING && fx_const_arg(ctx, call->args[0], &v) && !v.is_null)
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
            if ((size_t)v.v.str.len == strlen(units[k].name) &&
                strncasecmp(v.v.str.ptr, units[k].name, (size_t)v.v.str.len) == 0) {
                st->unit = (int)units[k].unit;
                return SM_OK;
            }
    char *got = sm_expr_sql_name(ctx->arena, call->args[0]);
    return sm_err(SM_ANALYSIS,
                  "[INVALID_PARAMETER_VALUE.DATETIME_UNIT] The value of parameter(s) `unit` in `%s` "
                  "is invalid: expects one of the units without quotes YEAR, QUARTER, MONTH, WEEK, "
                  "DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, but got the "
                  "string literal '%s'.",
                  fn, got ? got : "?");
}

/* A date, timestamp or string argument, read as a timestamp. */
static int dt_coerce_ts_arg(sm_bind_ctx *ctx, sm_expr *call, int i) {
    sm_type t = call->args[i]->type;
    if (t != SM_STRING && t != SM_DATE && t != SM_TIMESTAMP && t != SM_NULLTYPE)
        return dt_type_err(ctx, call, i, "the \"TIMESTAMP\"");
    return fx_coerce(ctx, call, i, SM_TIMESTAMP);
}

static int resolve_timestampadd(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP;
    call->nullable = true;
    SM_TRY(dt_prepare_ts_unit(ctx, call, "timestampadd"));
    SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    return dt_coerce_ts_arg(ctx, call, 2);
}

static int resolve_timestampdiff(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_BIGINT;
    call->nullable = true;
    SM_TRY(dt_prepare_ts_unit(ctx, call, "timestampdiff"));
    SM_TRY(dt_coerce_ts_arg(ctx, call, 1));
    return dt_coerce_ts_arg(ctx, call, 2);
}

/* ts plus `months` and `days` of local time, then `micros`; false on overflow. */
static bool dt_ts_add(int64_t ts, int64_t months, int64_t days, int64_t micros, const sm_tz *tz,
                      int64_t *out) {
    if (months == 0 && days == 0) return !__builtin_add_overflow(ts, micros, out);
    int32_t off = sm_tz_offset_at_utc(tz, ts);
    int64_t local = ts + (int64_t)off * SM_MICROS_PER_SECOND;
    int64_t day = local >= 0 ? local / SM_MICROS_PER_DAY : -((-local + SM_MICROS_PER_DAY - 1) / SM_MICROS_PER_DAY);
    int64_t tod = local - day * SM_MICROS_PER_DAY;
    if (months) {
        int y, m, d;
        sm_civil_from_days((int32_t)day, &y, &m, &d);
        int64_t total = y * 12 + (m - 1) + months;
        int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
        int nm = (int)(total - ny * 12) + 1;
        if (ny < -300000 || ny > 300000) return false; /* beyond any timestamp */
        static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0;
        int last = nm == 2 && leap ? 29 : dm[nm - 1];
        day = sm_days_from_civil(ny, nm, d > last ? last : d);
    }
    day += days;
    if (__builtin_mul_overflow(day, SM_MICROS_PER_DAY, &local) ||
        __builtin_add_overflow(local, tod, &local))
        return false;
    /* keep the old offset if the new local time still has it (ZonedDateTime.plus) */
    int64_t utc = local - (int64_t)off * SM_MICROS_PER_SECOND;
    if (sm_tz_offset_at_utc(tz, utc) != off) utc = dt_local_to_utc(local, tz);
    return !__builtin_add_overflow(utc, micros, out);
}

static int dt_overflow_err(int32_t q, int unit, int64_t ts, const sm_tz *tz) {
    static const char *const names[] = {"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR",
                                        "DAY",         "WEEK",        "MONTH",  "QUARTER", "YEAR"};
    char buf[48];
    sm_format_timestamp(ts, tz, buf);
    return sm_err(SM_INVALID, "[DATETIME_OVERFLOW] Datetime operation overflow: add %d %s to TIMESTAMP '%s'.",
                  q, names[unit], buf);
}

static int eval_timestampadd(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    const dt_state *st = call->state;
    const sm_tz *tz = dt_tz(ctx);
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[1], row) || fx_null(args[2], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t q = SM_VEC_I32(args[1])[row];
        int64_t ts = SM_VEC_I64(args[2])[row], months = 0, days = 0, micros = 0;
        switch (st->unit) {
        case TA_DAY: days = q; break;
        case TA_WEEK: days = (int64_t)q * 7; break;
        case TA_MONTH: months = q; break;
        case TA_QUARTER: months = (int64_t)q * 3; break;
        case TA_YEAR: months = (int64_t)q * 12; break;
        default: micros = (int64_t)q * dt_unit_micros[st->unit]; break; /* exact time */
        }
        /* Spark multiplies in Int (multiplyExact): a count beyond it overflows */
        bool ok = months >= INT32_MIN && months <= INT32_MAX && days >= INT32_MIN && days <= INT32_MAX &&
                  dt_ts_add(ts, months, days, micros, tz, &SM_VEC_I64(res)[row]);
        if (!ok) rc = dt_overflow_err(q, st->unit, ts, tz);
    }
    return dt_finish(res, rc, out);
}

/* LocalDate.until in months: (packed end - packed start) / 32, packed = month * 32 + day. */
static int64_t dt_months_until(int64_t d0, int64_t d1) {
    int y0, y1, m0, dd0, m1, dd1;
    sm_civil_from_days((int32_t)d0, &y0, &m0, &dd0);
    sm_civil_from_days((int32_t)d1, &y1, &m1, &dd1);
    int64_t p0 = ((int64_t)y0 * 12 + m0 - 1) * 32 + dd0, p1 = ((int64_t)y1 * 12 + m1 - 1) * 32 + dd1;
    return (p1 - p0) / 32;
}

static int eval_timestampdiff(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                              int64_t n, sm_vector **out) {
    const dt_state *st = call->state;
    const sm_tz *tz = dt_tz(ctx);
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_BIGINT, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[1], row) || fx_null(args[2], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int64_t ls = dt_utc_to_local(SM_VEC_I64(args[1])[row], tz);
        int64_t le = dt_utc_to_local(SM_VEC_I64(args[2])[row], tz);
        int64_t v;
        if (st->unit <= TA_HOUR) {
            v = (le - ls) / dt_unit_micros[st->unit];
        } else {
            int64_t sd = sm_micros_to_days(ls), ed = sm_micros_to_days(le);
            int64_t stod = ls - sd * SM_MICROS_PER_DAY, etod = le - ed * SM_MICROS_PER_DAY;
            if (ed > sd && etod < stod) ed--;
            else if (ed < sd && etod > stod) ed++;
            switch (st->unit) {
            case TA_DAY: v = ed - sd; break;
            case TA_WEEK: v = (ed - sd) / 7; break;
            case TA_MONTH: v = dt_months_until(sd, ed); break;
            case TA_QUARTER: v = dt_months_until(sd, ed) / 3; break;
            default: v = dt_months_until(sd, ed) / 12; break;
            }
        }
        SM_VEC_I64(res)[row] = v;
    }
    return dt_finish(res, rc, out);
}

static int resolve_last_day(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = true;
    return dt_coerce_datelike(ctx, call, 0, SM_DATE);
}

static int eval_last_day(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DATE, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t d = SM_VEC_I32(args[0])[row];
        int y, m, dd;
        sm_civil_from_days(d, &y, &m, &dd);
        SM_VEC_I32(res)[row] = dt_add_months(sm_days_from_civil(y, m, 1), 1) - 1;
    }
    return dt_finish(res, rc, out);
}

static int resolve_months_between(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DOUBLE;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 0, SM_TIMESTAMP));
    SM_TRY(dt_coerce_datelike(ctx, call, 1, SM_TIMESTAMP));
    if (call->nargs == 3) SM_TRY(fx_coerce(ctx, call, 2, SM_BOOLEAN));
    return SM_OK;
}

/* Spark's DateTimeUtils.monthsBetween. */
static double dt_months_between(int64_t t1, int64_t t2, bool round_off, const sm_tz *tz) {
    int32_t d1 = dt_ts_to_date(t1, tz), d2 = dt_ts_to_date(t2, tz);
    int y1, m1, dd1, y2, m2, dd2;
    sm_civil_from_days(d1, &y1, &m1, &dd1);
    sm_civil_from_days(d2, &y2, &m2, &dd2);
    bool end1 = dt_add_months(d1 - dd1 + 1, 1) - 1 == d1;
    bool end2 = dt_add_months(d2 - dd2 + 1, 1) - 1 == d2;
    double month_diff = (double)(((int64_t)y1 * 12 + m1) - ((int64_t)y2 * 12 + m2));
    if (dd1 == dd2 || (end1 && end2)) return month_diff;
    int64_t s1 = (t1 - dt_date_to_ts(d1, tz)) / SM_MICROS_PER_SECOND;
    int64_t s2 = (t2 - dt_date_to_ts(d2, tz)) / SM_MICROS_PER_SECOND;
    int64_t sdiff = (int64_t)(dd1 - dd2) * 86400 + s1 - s2;
    double diff = month_diff + (double)sdiff / (31.0 * 86400);
    if (round_off) diff = floor(diff * 1e8 + 0.5) / 1e8;
    return diff;
}

static int eval_months_between(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DOUBLE, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        bool round_off = call->nargs < 3 || SM_VEC_BOOL(args[2])[row];
        SM_VEC_F64(res)[row] = dt_months_between(SM_VEC_I64(args[0])[row],
                                                 SM_VEC_I64(args[1])[row], round_off, dt_tz(ctx));
    }
    return dt_finish(res, rc, out);
}

/* ---- trunc / date_trunc ----------------------------------------------------------- */

enum { TU_NONE, TU_MICRO, TU_MILLI, TU_SECOND, TU_MINUTE, TU_HOUR, TU_DAY, TU_WEEK, TU_MONTH,
       TU_QUARTER, TU_YEAR };

static int dt_parse_unit(const char *s, int32_t len, bool for_date) {
    static const struct { const char *name; int unit; } units[] = {
        {"YEAR", TU_YEAR}, {"YYYY", TU_YEAR}, {"YY", TU_YEAR}, {"QUARTER", TU_QUARTER},
        {"MONTH", TU_MONTH}, {"MM", TU_MONTH}, {"MON", TU_MONTH}, {"WEEK", TU_WEEK},
        {"DAY", TU_DAY}, {"DD", TU_DAY}, {"HOUR", TU_HOUR}, {"MINUTE", TU_MINUTE},
        {"SECOND", TU_SECOND}, {"MILLISECOND", TU_MILLI}, {"MICROSECOND", TU_MICRO},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if ((int32_t)strlen(units[i].name) == len && strncasecmp(s, units[i].name, (size_t)len) == 0) {
            if (for_date && units[i].unit < TU_WEEK) return TU_NONE;
            return units[i].unit;
        }
    }
    return TU_NONE;
}

static int32_t dt_trunc_days(int32_t days, int unit) {
    int y, m, d;
    sm_civil_from_days(days, &y, &m, &d);
    switch (unit) {
    case TU_YEAR: return sm_days_from_civil(y, 1, 1);
    case TU_QUARTER: return sm_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    case TU_MONTH: return sm_days_from_civil(y, m, 1);
    case TU_WEEK: return days - (int32_t)(((int64_t)days % 7 + 7 + 3) % 7);
    default: return days;
    }
}

static int dt_prepare_unit(sm_bind_ctx *ctx, sm_expr *call, int i, bool for_date) {
    SM_TRY(fx_coerce(ctx, call, i, SM_STRING));
    dt_state *st = dt_state_new(ctx, call);
    if (!st) return SM_NOMEM;
    sm_value v;
    if (!fx_const_arg(ctx, call->args[i], &v)) return SM_OK;
    st->has_const = true;
    if (v.is_null || v.type == SM_NULLTYPE) st->const_null = true;
    else st->unit = dt_parse_unit(v.v.str.ptr, v.v.str.len, for_date);
    return SM_OK;
}

static int dt_row_unit(const sm_expr *call, sm_vector **args, int i, int64_t row, bool for_date) {
    const dt_state *st = call->state;
    if (st->has_const) return st->const_null ? TU_NONE : st->unit;
    if (fx_null(args[i], row)) return TU_NONE;
    int32_t len;
    const char *s = sm_vector_str(args[i], row, &len);
    return dt_parse_unit(s, len, for_date);
}

static int resolve_trunc(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 0, SM_DATE));
    return dt_prepare_unit(ctx, call, 1, true);
}

static int eval_trunc(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DATE, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int unit = dt_row_unit(call, args, 1, row, true);
        if (fx_null(args[0], row) || unit == TU_NONE) {
            rc = fx_set_null(res, row);
            continue;
        }
        SM_VEC_I32(res)[row] = dt_trunc_days(SM_VEC_I32(args[0])[row], unit);
    }
    return dt_finish(res, rc, out);
}

static int resolve_date_trunc(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 1, SM_TIMESTAMP));
    return dt_prepare_unit(ctx, call, 0, false);
}

static int eval_date_trunc(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP, n, &res));
    const sm_tz *tz = dt_tz(ctx);
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int unit = dt_row_unit(call, args, 0, row, false);
        if (fx_null(args[1], row) || unit == TU_NONE) {
            rc = fx_set_null(res, row);
            continue;
        }
        int64_t us = SM_VEC_I64(args[1])[row], v;
        if (unit <= TU_SECOND) {
            int64_t q = unit == TU_MICRO ? 1 : unit == TU_MILLI ? 1000 : SM_MICROS_PER_SECOND;
            v = us - (((us % q) + q) % q);
        } else {
            int64_t local = dt_utc_to_local(us, tz);
            int32_t day = sm_micros_to_days(local);
            int64_t tod = local - (int64_t)day * SM_MICROS_PER_DAY;
            int64_t t;
            if (unit == TU_HOUR) t = (int64_t)day * SM_MICROS_PER_DAY + tod - tod % (3600 * SM_MICROS_PER_SECOND);
            else if (unit == TU_MINUTE) t = (int64_t)day * SM_MICROS_PER_DAY + tod - tod % (60 * SM_MICROS_PER_SECOND);
            else t = (int64_t)dt_trunc_days(day, unit) * SM_MICROS_PER_DAY;
            v = dt_local_to_utc(t, tz);
        }
        SM_VEC_I64(res)[row] = v;
    }
    return dt_finish(res, rc, out);
}

/* ---- time zone conversion --------------------------------------------------------- */

static int resolve_tz_convert(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP;
    call->nullable = true;
    SM_TRY(dt_coerce_datelike(ctx, call, 0, SM_TIMESTAMP));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    dt_state *st = dt_state_new(ctx, call);
    if (!st) return SM_NOMEM;
    sm_value v;
    if (!fx_const_arg(ctx, call->args[1], &v)) return SM_OK;
    st->has_const = true;
    if (v.is_null || v.type == SM_NULLTYPE) {
        st->const_null = true;
        return SM_OK;
    }
    char *name = sm_arena_strndup(ctx->arena, v.v.str.ptr, (size_t)v.v.str.len);
    if (!name) return SM_NOMEM;
    st->zone = sm_tz_get(name);
    return st->zone ? SM_OK : SM_INVALID;
}

static int dt_tz_convert(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out, bool to_utc) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP, n, &res));
    const dt_state *st = call->state;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        const sm_tz *z = NULL;
        if (st->has_const) {
            z = st->zone;
        } else if (!fx_null(args[1], row)) {
            int32_t len;
            const char *s = sm_vector_str(args[1], row, &len);
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)(len < 255 ? len : 255), s);
            z = sm_tz_get(name);
            if (!z) rc = SM_INVALID;
        }
        if (rc) break;
        if (!z || fx_null(args[0], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int64_t us = SM_VEC_I64(args[0])[row];
        SM_VEC_I64(res)[row] = to_utc ? dt_local_to_utc(us, z) : dt_utc_to_local(us, z);
    }
    (void)ctx;
    return dt_finish(res, rc, out);
}

DT_EVAL_FN(dt_tz_convert, eval_to_utc, true)
DT_EVAL_FN(dt_tz_convert, eval_from_utc, false)

/* ---- current_date / current_timestamp ---------------------------------------------- */

static int resolve_current_date(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = false;
    return SM_OK;
}
static int eval_current_date(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DATE, n, &res));
    int32_t d = dt_ts_to_date(ctx->now_micros, dt_tz(ctx));
    for (int64_t r = 0; r < n; r++) SM_VEC_I32(res)[r] = d;
    *out = res;
    return SM_OK;
}
static int resolve_current_timestamp(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP;
    call->nullable = false;
    return SM_OK;
}
static int eval_current_timestamp(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                  int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP, n, &res));
    for (int64_t r = 0; r < n; r++) SM_VEC_I64(res)[r] = ctx->now_micros;
    *out = res;
    return SM_OK;
}

/* ---- make_date / unix_date / date_from_unix_date / timestamp_seconds ----------------- */

static int resolve_make_date(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = true;
    return fx_coerce_all(ctx, call, 0, SM_INT);
}

/* Why java.time.LocalDate.of(y, m, d) rejects a date, in its words (the
 * checks run in its order: year, month, day of month, then the length of
 * the month); NULL when the date exists.  buf holds the text. */
static const char *dt_make_date_problem(int32_t y, int32_t m, int32_t d, char *buf, size_t cap) {
    static const char *const months[] = {"JANUARY", "FEBRUARY", "MARCH",     "APRIL",
                                         "MAY",     "JUNE",     "JULY",      "AUGUST",
                                         "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
    if (y < -999999999 || y > 999999999)
        snprintf(buf, cap, "Invalid value for Year (valid values -999999999 - 999999999): %d", y);
    else if (m < 1 || m > 12)
        snprintf(buf, cap, "Invalid value for MonthOfYear (valid values 1 - 12): %d", m);
    else if (d < 1 || d > 31)
        snprintf(buf, cap, "Invalid value for DayOfMonth (valid values 1 - 28/31): %d", d);
    else if (d > sm_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                     sm_days_from_civil(y, m, 1)) {
        if (d == 29)
            snprintf(buf, cap, "Invalid date 'February 29' as '%d' is not a leap year", y);
        else
            snprintf(buf, cap, "Invalid date '%s %d'", months[m - 1], d);
    } else
        return NULL;
    return buf;
}

/* make_date: an impossible date is null, or in ANSI mode Spark's
 * [DATETIME_FIELD_OUT_OF_BOUNDS] with java.time's reason. */
static int eval_make_date(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DATE, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int32_t y = 0, m = 0, d = 0;
        bool ok = !fx_any_null(args, 3, row);
        if (ok) {
            y = SM_VEC_I32(args[0])[row], m = SM_VEC_I32(args[1])[row], d = SM_VEC_I32(args[2])[row];
            char why[128];
            const char *problem = dt_make_date_problem(y, m, d, why, sizeof why);
            if (problem && ctx->ansi) {
                rc = sm_err(SM_INVALID,
                            "[DATETIME_FIELD_OUT_OF_BOUNDS] %s. If necessary set "
                            "\"spark.sql.ansi.enabled\" to false to bypass this error.",
                            problem);
                break;
            }
            ok = problem == NULL;
        }
        if (!ok) {
            rc = fx_set_null(res, row);
            continue;
        }
        SM_VEC_I32(res)[row] = sm_days_from_civil(y, m, d);
    }
    return dt_finish(res, rc, out);
}

static int resolve_unix_date(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_INT;
    call->nullable = true;
    if (call->args[0]->type != SM_DATE && call->args[0]->type != SM_NULLTYPE)
        return dt_type_err(ctx, call, 0, "the \"DATE\"");
    return fx_coerce(ctx, call, 0, SM_DATE);
}

static int resolve_date_from_unix_date(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_DATE;
    call->nullable = true;
    if (call->args[0]->type != SM_INT && call->args[0]->type != SM_NULLTYPE)
        return dt_type_err(ctx, call, 0, "the \"INT\"");
    return fx_coerce(ctx, call, 0, SM_INT);
}
static int eval_identity_date(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                              int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DATE, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        SM_VEC_I32(res)[row] = SM_VEC_I32(args[0])[row];
    }
    return dt_finish(res, rc, out);
}

static int resolve_timestamp_seconds(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP;
    call->nullable = true;
    if (!sm_type_is_numeric(call->args[0]->type) && call->args[0]->type != SM_NULLTYPE)
        return dt_type_err(ctx, call, 0, "the \"NUMERIC\"");
    return fx_coerce(ctx, call, 0, SM_DOUBLE);
}
static int eval_timestamp_seconds(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                  int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        double s = fx_null(args[0], row) ? NAN : SM_VEC_F64(args[0])[row];
        if (!isfinite(s) || fabs(s) > 9.2e12) {
            rc = fx_set_null(res, row);
            continue;
        }
        SM_VEC_I64(res)[row] = (int64_t)(s * 1e6);
    }
    return dt_finish(res, rc, out);
}

/* ---- TIMESTAMP_NTZ: to_timestamp_ntz / localtimestamp / make_timestamp_ntz ---------- */

static int resolve_to_timestamp_ntz(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP_NTZ;
    call->nullable = true;
    sm_type t = call->args[0]->type;
    if (call->nargs == 2 && t != SM_DATE && t != SM_TIMESTAMP && t != SM_TIMESTAMP_NTZ)
        return resolve_parse_fmt(ctx, call);
    if (call->nargs == 2) SM_TRY(dt_prepare_fmt(ctx, call, 1, true));
    return fx_coerce(ctx, call, 0, SM_TIMESTAMP_NTZ);
}

/* With a format: the text parsed as a local date-time (no zone: the
 * pattern's fields as written, UTC arithmetic). */
static int eval_to_timestamp_ntz(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                 int64_t n, sm_vector **out) {
    if (args[0]->type == SM_TIMESTAMP_NTZ) {
        *out = sm_vector_ref(args[0]);
        return SM_OK;
    }
    sm_eval_ctx local = *ctx;
    local.tz = sm_tz_utc();
    sm_vector *v;
    SM_TRY(dt_parse_loop(&local, call, args, n, &v, SM_TIMESTAMP));
    v->type = SM_TIMESTAMP_NTZ; /* a fresh vector: same storage */
    *out = v;
    return SM_OK;
}

static int resolve_localtimestamp(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP_NTZ;
    call->nullable = false;
    return SM_OK;
}
static int eval_localtimestamp(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP_NTZ, n, &res));
    int64_t now = ctx->now_micros;
    int64_t l = now + (int64_t)sm_tz_offset_at_utc(dt_tz(ctx), now) * SM_MICROS_PER_SECOND;
    for (int64_t r = 0; r < n; r++) SM_VEC_I64(res)[r] = l;
    *out = res;
    return SM_OK;
}

/* make_timestamp_ntz(year, month, day, hour, min, sec): sec a
 * decimal(16,6); 60 seconds with no fraction is the next minute (Spark);
 * an invalid field → null (ANSI: an error). */
static int resolve_make_timestamp_ntz(sm_bind_ctx *ctx, sm_expr *call) {
    call->type = SM_TIMESTAMP_NTZ;
    call->nullable = true;
    for (int i = 0; i < 5; i++) SM_TRY(fx_coerce(ctx, call, i, SM_INT));
    sm_expr *c = sm_expr_coerce_dec(ctx, call->args[5], 16, 6);
    if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    call->args[5] = c;
    return SM_OK;
}
static int eval_make_timestamp_ntz(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                   int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_TIMESTAMP_NTZ, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool null = false;
        for (int i = 0; i < 6; i++) null = null || fx_null(args[i], row);
        int32_t y = 0, mo = 0, d = 0, h = 0, mi = 0;
        int64_t us = 0;
        if (!null) {
            y = SM_VEC_I32(args[0])[row], mo = SM_VEC_I32(args[1])[row];
            d = SM_VEC_I32(args[2])[row], h = SM_VEC_I32(args[3])[row];
            mi = SM_VEC_I32(args[4])[row];
            __int128 sec = SM_VEC_DEC(args[5])[row]; /* micros */
            bool ok = y >= -290000 && y <= 290000 && mo >= 1 && mo <= 12 && d >= 1 && h >= 0 &&
                      h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 60000000 &&
                      (sec < 60000000 || sec % 1000000 == 0);
            if (ok) {
                int32_t days = sm_days_from_civil(y, mo, 1) + d - 1;
                int y2, m2, d2;
                sm_civil_from_days(days, &y2, &m2, &d2);
                ok = m2 == mo;
                us = (int64_t)days * SM_MICROS_PER_DAY +
                     ((int64_t)h * 3600 + (int64_t)mi * 60) * SM_MICROS_PER_SECOND + (int64_t)sec;
            }
            if (!ok) {
                if (ctx->ansi) {
                    rc = sm_err(SM_INVALID,
                                "[DATETIME_FIELD_OUT_OF_BOUNDS] Invalid value for a field of "
                                "make_timestamp_ntz(%d, %d, %d, %d, %d, ...). If necessary set "
                                "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                                y, mo, d, h, mi);
                    break;
                }
                null = true;
            }
        }
        if (null) rc = fx_set_null(res, row);
        else SM_VEC_I64(res)[row] = us;
    }
    return dt_finish(res, rc, out);
}

/* ---- the table --------------------------------------------------------------------- */

const sm_func_def sm_funcs_datetime[] = {
    {"to_date", 1, 2, resolve_to_date, eval_to_date, dt_release},
    {"to_timestamp", 1, 2, resolve_to_timestamp, eval_to_timestamp, dt_release},
    {"date_format", 2, 2, resolve_date_format, eval_date_format, dt_release},
    {"unix_timestamp", 0, 2, resolve_unix_timestamp, eval_unix_timestamp, dt_release},
    {"to_unix_timestamp", 1, 2, resolve_unix_timestamp, eval_unix_timestamp, dt_release},
    {"from_unixtime", 1, 2, resolve_from_unixtime, eval_from_unixtime, dt_release},
    {"year", 1, 1, resolve_date_int, eval_year, NULL},
    {"month", 1, 1, resolve_date_int, eval_month, NULL},
    {"day", 1, 1, resolve_date_int, eval_day, NULL},
    {"dayofmonth", 1, 1, resolve_date_int, eval_day, NULL},
    {"dayofweek", 1, 1, resolve_date_int, eval_dayofweek, NULL},
    {"dayofyear", 1, 1, resolve_date_int, eval_dayofyear, NULL},
    {"weekday", 1, 1, resolve_date_int, eval_weekday, NULL},
    {"quarter", 1, 1, resolve_date_int, eval_quarter, NULL},
    {"weekofyear", 1, 1, resolve_date_int, eval_weekofyear, NULL},
    {"hour", 1, 1, resolve_time_int, eval_hour, NULL},
    {"minute", 1, 1, resolve_time_int, eval_minute, NULL},
    {"second", 1, 1, resolve_time_int, eval_second, NULL},
    {"date_add", 2, 2, resolve_date_add, eval_date_add, NULL},
    {"dateadd", 2, 2, resolve_date_add, eval_date_add, NULL},
    {"date_sub", 2, 2, resolve_date_add, eval_date_sub, NULL},
    {"add_months", 2, 2, resolve_date_add, eval_add_months, NULL},
    {"datediff", 2, 2, resolve_datediff, eval_datediff, NULL},
    {"timestampadd", 3, 3, resolve_timestampadd, eval_timestampadd, NULL},
    {"timestampdiff", 3, 3, resolve_timestampdiff, eval_timestampdiff, NULL},
    {"last_day", 1, 1, resolve_last_day, eval_last_day, NULL},
    {"months_between", 2, 3, resolve_months_between, eval_months_between, NULL},
    {"trunc", 2, 2, resolve_trunc, eval_trunc, NULL},
    {"date_trunc", 2, 2, resolve_date_trunc, eval_date_trunc, NULL},
    {"to_utc_timestamp", 2, 2, resolve_tz_convert, eval_to_utc, NULL},
    {"from_utc_timestamp", 2, 2, resolve_tz_convert, eval_from_utc, NULL},
    {"current_date", 0, 0, resolve_current_date, eval_current_date, NULL},
    {"curdate", 0, 0, resolve_current_date, eval_current_date, NULL},
    {"current_timestamp", 0, 0, resolve_current_timestamp, eval_current_timestamp, NULL},
    {"now", 0, 0, resolve_current_timestamp, eval_current_timestamp, NULL},
    {"make_date", 3, 3, resolve_make_date, eval_make_date, NULL},
    {"unix_date", 1, 1, resolve_unix_date, eval_unix_date, NULL},
    {"date_from_unix_date", 1, 1, resolve_date_from_unix_date, eval_identity_date, NULL},
    {"timestamp_seconds", 1, 1, resolve_timestamp_seconds, eval_timestamp_seconds, NULL},
    {"to_timestamp_ntz", 1, 2, resolve_to_timestamp_ntz, eval_to_timestamp_ntz, dt_release},
    {"localtimestamp", 0, 0, resolve_localtimestamp, eval_localtimestamp, NULL},
    {"make_timestamp_ntz", 6, 6, resolve_make_timestamp_ntz, eval_make_timestamp_ntz, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
