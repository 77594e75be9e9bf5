/*
 * interval_ops.c — interval values computed per row (the operators'
 * runtime path) and CAST to, from and between interval types.
 *
 * func_interval.c folds arithmetic on INTERVAL literals while binding;
 * what it cannot fold comes here (sm_iv_resolve_runtime):
 *   date - date         → INTERVAL DAY     (Spark's SubtractDates; a string
 *                                           operand is cast to DATE — except
 *                                           date - string outside ANSI, which
 *                                           is date_sub(date, double): an error)
 *   timestamp - timestamp (or a date)
 *                       → INTERVAL DAY TO SECOND (SubtractTimestamps)
 *   interval ± interval (one family) → the family with the union of fields
 *   - interval, + interval
 * Overflow is [ARITHMETIC_OVERFLOW], ANSI or not, as Spark's Math.*Exact.
 *
 * CAST (sm_iv_cast), checked against PySpark 3.5.3:
 *   interval → string     the ANSI spelling (INTERVAL '1-2' YEAR TO MONTH);
 *                         calendar intervals "3 months 1 hours"
 *   string → interval     types/interval.c parsers; malformed text is an
 *                         error for ANSI types (even with ANSI off), null for
 *                         the calendar type
 *   interval → interval   truncated (toward zero) to the target's end field
 *   integral → interval   x units of the end field; [CAST_OVERFLOW] out of range
 *   decimal → interval    x units of the end field rounded HALF_UP to months /
 *                         microseconds, then truncated to the end field
 *   interval → integral   the value in units of the end field, truncated;
 *                         [CAST_OVERFLOW] when it does not fit
 *   interval → decimal    the value in units of the end field (seconds keep
 *                         six fraction digits), rounded HALF_UP to the scale;
 *                         [NUMERIC_VALUE_OUT_OF_RANGE] when it does not fit
 *
 * Memory: states live in the binder's arena; results are new vectors owned
 * by the caller.  No mutable state; thread-safe.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/eval_internal.h"
#include "expr/func_common.h"
#include "expr/interval.h"
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/interval.h"

bool sm_iv_type(sm_type t) {
    return t == SM_INTERVAL_YM || t == SM_INTERVAL_DT || t == SM_INTERVAL_CAL;
}

/* Months (YM) or microseconds (DT) per unit of a field. */
static int64_t ivo_unit(sm_type t, int field) {
    static const int64_t dt[] = {SM_MICROS_PER_DAY, 3600000000LL, 60000000LL, 1000000LL};
    if (t == SM_INTERVAL_YM) return field == SM_IV_YEAR ? 12 : 1;
    return field >= 0 && field <= 3 ? dt[field] : 1;
}

static const char *ivo_upper(const sm_expr *e, char *buf, size_t cap) {
    if (sm_iv_type(e->type)) return sm_iv_type_upper(e->type, e->precision, e->scale, buf, cap);
    snprintf(buf, cap, "%s", ev_type_upper(e->type));
    return buf;
}

/* ---- runtime arithmetic ------------------------------------------------------------- */

enum { IVO_SUB_DATES, IVO_SUB_TS, IVO_ADD, IVO_SUB, IVO_NEG, IVO_POS };

typedef struct {
    int op;
} ivo_state;

static int ivo_overflow(bool ym) {
    return sm_err(SM_INVALID, "[ARITHMETIC_OVERFLOW] %s overflow. If necessary set "
                              "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                  ym ? "integer" : "long");
}

static int ivo_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out) {
    (void)ctx;
    const ivo_state *st = call->state;
    bool unary = st->op == IVO_NEG || st->op == IVO_POS;
    for (int i = 0; i < (unary ? 1 : 2); i++)
        if (args[i]->type == SM_NULLTYPE) {
            *out = sm_vector_new_nulls(call->type, n);
            return *out ? SM_OK : SM_NOMEM;
        }
    sm_vector *r = ev_new_fixed(call->type, n);
    if (!r) return SM_NOMEM;
    r->precision = call->precision;
    r->scale = call->scale;
    if (ev_and_validity2(r, args[0], unary ? NULL : args[1], n) != SM_OK) {
        sm_vector_unref(r);
        return SM_NOMEM;
    }
    bool ym = call->type == SM_INTERVAL_YM;
    for (int64_t row = 0; row < n; row++) {
        if (sm_vector_is_null(r, row)) {
            if (ym) SM_VEC_I32(r)[row] = 0;
            else SM_VEC_I64(r)[row] = 0;
            continue;
        }
        bool of = false;
        switch (st->op) {
        case IVO_SUB_DATES:
            SM_VEC_I64(r)[row] = ((int64_t)SM_VEC_I32(args[0])[row] - SM_VEC_I32(args[1])[row]) *
                                 SM_MICROS_PER_DAY;
            break;
        case IVO_SUB_TS:
            of = __builtin_sub_overflow(SM_VEC_I64(args[0])[row], SM_VEC_I64(args[1])[row],
                                        &SM_VEC_I64(r)[row]);
            break;
        case IVO_ADD:
        case IVO_SUB:
            if (ym)
                of = st->op == IVO_ADD ? __builtin_add_overflow(SM_VEC_I32(args[0])[row], SM_VEC_I32(args[1])[row], &SM_VEC_I32(r)[row])
                                       : __builtin_sub_overflow(SM_VEC_I32(args[0])[row], SM_VEC_I32(args[1])[row], &SM_VEC_I32(r)[row]);
            else
                of = st->op == IVO_ADD ? __builtin_add_overflow(SM_VEC_I64(args[0])[row], SM_VEC_I64(args[1])[row], &SM_VEC_I64(r)[row])
                                       : __builtin_sub_overflow(SM_VEC_I64(args[0])[row], SM_VEC_I64(args[1])[row], &SM_VEC_I64(r)[row]);
            break;
        case IVO_NEG:
            if (ym) of = __builtin_sub_overflow(0, SM_VEC_I32(args[0])[row], &SM_VEC_I32(r)[row]);
            else of = __builtin_sub_overflow((int64_t)0, SM_VEC_I64(args[0])[row], &SM_VEC_I64(r)[row]);
            break;
        default:
            if (ym) SM_VEC_I32(r)[row] = SM_VEC_I32(args[0])[row];
            else SM_VEC_I64(r)[row] = SM_VEC_I64(args[0])[row];
            break;
        }
        if (of) {
            sm_vector_unref(r);
            return ivo_overflow(ym);
        }
    }
    *out = r;
    return SM_OK;
}

static const sm_func_def ivo_def = {"interval_arith", 1, 2, NULL, ivo_eval, NULL};

static int ivo_set(sm_bind_ctx *ctx, sm_expr *call, int op, sm_type t, int start, int end) {
    ivo_state *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (!st) return SM_NOMEM;
    st->op = op;
    call->fn = &ivo_def;
    call->state = st;
    call->type = t;
    call->precision = (int8_t)start;
    call->scale = (int8_t)end;
    call->nullable = false;
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->nullable || call->args[i]->type == SM_NULLTYPE) call->nullable = true;
    return SM_OK;
}

static int ivo_coerce(sm_bind_ctx *ctx, sm_expr *call, int i, sm_type t) {
    if (call->args[i]->type == SM_NULLTYPE) return SM_OK;
    sm_expr *c = sm_expr_coerce(ctx, call->args[i], t);
    if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    call->args[i] = c;
    return SM_OK;
}

static int ivo_err_diff(sm_bind_ctx *ctx, sm_expr *call) {
    char a[48], b[48];
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"%s\" due to data "
                        "type mismatch: the left and right operands of the binary operator have "
                        "incompatible types (\"%s\" and \"%s\").",
                        sm_bind_sql(ctx, call), ivo_upper(call->args[0], a, sizeof a),
                        ivo_upper(call->args[1], b, sizeof b));
}

bool sm_iv_runtime_case(const sm_expr *call) {
    const char *op = call->fn ? call->fn->name : call->name;
    if (!op) return false;
    for (int i = 0; i < call->nargs; i++)
        if (sm_iv_type(call->args[i]->type)) return true;
    if (call->nargs == 2 && strcmp(op, "-") == 0) {
        sm_type l = call->args[0]->type, r = call->args[1]->type;
        if (r == SM_DATE && (l == SM_DATE || l == SM_STRING || l == SM_NULLTYPE)) return true;
        if (l == SM_DATE && r == SM_STRING) return true;
        if ((l == SM_TIMESTAMP && (r == SM_TIMESTAMP || r == SM_DATE || r == SM_NULLTYPE)) ||
            (r == SM_TIMESTAMP && (l == SM_DATE || l == SM_NULLTYPE)))
            return true;
    }
    return false;
}

int sm_iv_resolve_runtime(sm_bind_ctx *ctx, sm_expr *call) {
    const char *op = call->fn ? call->fn->name : call->name;
    if (call->nargs == 1) {
        sm_expr *a = call->args[0];
        if (a->type == SM_INTERVAL_CAL) goto unsupported;
        return ivo_set(ctx, call, strcmp(op, "negative") == 0 ? IVO_NEG : IVO_POS, a->type,
                       a->precision, a->scale);
    }
    sm_type l = call->args[0]->type, r = call->args[1]->type;
    bool add = strcmp(op, "+") == 0, sub = strcmp(op, "-") == 0;
    if (sub && l == SM_DATE && r == SM_STRING && !ctx->ansi) /* date_sub(date, double) */
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                            "to data type mismatch: Parameter 2 requires the (\"INT\" or "
                            "\"SMALLINT\" or \"TINYINT\") type, however \"%s\" has the type "
                            "\"DOUBLE\".",
                            sm_bind_sql(ctx, call), sm_bind_sql(ctx, call->args[1]));
    if (sub && !sm_iv_type(l) && !sm_iv_type(r)) {
        if (l == SM_TIMESTAMP || r == SM_TIMESTAMP) {
            SM_TRY(ivo_coerce(ctx, call, 0, SM_TIMESTAMP));
            SM_TRY(ivo_coerce(ctx, call, 1, SM_TIMESTAMP));
            return ivo_set(ctx, call, IVO_SUB_TS, SM_INTERVAL_DT, SM_IV_DAY, SM_IV_SECOND);
        }
        SM_TRY(ivo_coerce(ctx, call, 0, SM_DATE));
        SM_TRY(ivo_coerce(ctx, call, 1, SM_DATE));
        return ivo_set(ctx, call, IVO_SUB_DATES, SM_INTERVAL_DT, SM_IV_DAY, SM_IV_DAY);
    }
    if ((add || sub) && l == r && (l == SM_INTERVAL_YM || l == SM_INTERVAL_DT)) {
        const sm_expr *a = call->args[0], *b = call->args[1];
        int s = a->precision < b->precision ? a->precision : b->precision;
        int e = a->scale > b->scale ? a->scale : b->scale;
        return ivo_set(ctx, call, add ? IVO_ADD : IVO_SUB, l, s, e);
    }
    if ((add || sub) && (l == SM_NULLTYPE || r == SM_NULLTYPE) &&
        (l == SM_INTERVAL_YM || l == SM_INTERVAL_DT || r == SM_INTERVAL_YM || r == SM_INTERVAL_DT)) {
        const sm_expr *a = l == SM_NULLTYPE ? call->args[1] : call->args[0];
        return ivo_set(ctx, call, add ? IVO_ADD : IVO_SUB, a->type, a->precision, a->scale);
    }
    if ((add || sub) && sm_iv_type(l) != sm_iv_type(r)) {
        sm_type o = sm_iv_type(l) ? r : l;
        if (o == SM_DATE || o == SM_TIMESTAMP || o == SM_STRING) goto unsupported;
    }
    if ((add || sub) || !(sm_iv_type(l) && sm_iv_type(r))) return ivo_err_diff(ctx, call);
unsupported:
    return sm_bind_fail(ctx, call,
                        "[UNSUPPORTED_FEATURE] smelt computes \"%s\" only when the interval is a "
                        "constant (INTERVAL '1' DAY, or arithmetic on such literals).",
                        sm_bind_sql(ctx, call));
}

/* ---- CAST ----------------------------------------------------------------------------- */

bool sm_iv_cast_allowed(sm_type from, sm_type to, bool *allowed) {
    if (!sm_iv_type(from) && !sm_iv_type(to)) return false;
    if (from == to || from == SM_NULLTYPE || from == SM_STRING || to == SM_STRING) {
        *allowed = true;
        return true;
    }
    bool ansi_from = from == SM_INTERVAL_YM || from == SM_INTERVAL_DT;
    bool ansi_to = to == SM_INTERVAL_YM || to == SM_INTERVAL_DT;
    if (ansi_to) *allowed = sm_type_is_integral(from) || from == SM_DECIMAL;
    else if (ansi_from) *allowed = sm_type_is_integral(to) || to == SM_DECIMAL;
    else *allowed = false;
    return true;
}

static int ivo_cast_overflow(const char *value, const char *from, const char *to) {
    return sm_err(SM_INVALID,
                  "[CAST_OVERFLOW] The value %s of the type \"%s\" cannot be cast to \"%s\" due to "
                  "an overflow. Use `try_cast` to tolerate overflow and return NULL instead. If "
                  "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                  value, from, to);
}

static int ivo_bad_string(const char *s, int32_t len, sm_type t, int start, int end) {
    static const char *const ymf[2][2] = {{"`[+|-]y`, `INTERVAL [+|-]'[+|-]y' YEAR`",
                                           "`[+|-]y-m`, `INTERVAL [+|-]'[+|-]y-m' YEAR TO MONTH`"},
                                          {"", "`[+|-]m`, `INTERVAL [+|-]'[+|-]m' MONTH`"}};
    char ty[48];
    sm_iv_type_upper(t, start, end, ty, sizeof ty);
    for (char *p = ty; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    if (t == SM_INTERVAL_YM)
        return sm_err(SM_INVALID,
                      "Error parsing interval year-month string: Interval string does not match "
                      "year-month format of %s when cast to %s: %.*s",
                      ymf[start][end], ty, (int)len, s);
    return sm_err(SM_INVALID,
                  "Interval string does not match day-time format of the %s type when cast to "
                  "%s: %.*s, set spark.sql.legacy.fromDayTimeString.enabled to true to restore "
                  "the behavior before Spark 3.0.",
                  ty, ty, (int)len, s);
}

static int64_t ivo_trunc(int64_t v, int64_t unit) { return v / unit * unit; }

int sm_iv_cast(const sm_eval_ctx *ctx, const sm_vector *in, const sm_expr *from,
               const sm_expr *cast, sm_vector **out) {
    sm_type ft = in->type, tt = cast->cast_to;
    int fs = from->precision, fe = from->scale, ts = cast->precision, te = cast->scale;
    int64_t n = in->length;
    if (ft == SM_NULLTYPE) {
        *out = sm_vector_new_nulls(tt, n);
        return *out ? SM_OK : SM_NOMEM;
    }
    sm_vector *r;
    if (tt == SM_STRING) {
        r = sm_vector_new(SM_STRING, n > 0 ? n : 1);
        if (!r) return SM_NOMEM;
        sm_buf b = {0};
        int rc = SM_OK;
        for (int64_t row = 0; row < n && rc == SM_OK; row++) {
            if (sm_vector_is_null(in, row)) {
                rc = sm_vector_append_null(r);
                continue;
            }
            b.len = 0;
            if (ft == SM_INTERVAL_YM) rc = sm_iv_format_ym(SM_VEC_I32(in)[row], fs, fe, false, &b);
            else if (ft == SM_INTERVAL_DT) rc = sm_iv_format_dt(SM_VEC_I64(in)[row], fs, fe, false, &b);
            else rc = sm_cal_format(&((const sm_cal_interval *)in->data)[row], &b);
            if (rc == SM_OK) rc = sm_vector_append_str(r, b.data ? b.data : "", (int32_t)b.len);
        }
        sm_buf_free(&b);
        if (rc != SM_OK) {
            sm_vector_unref(r);
            return rc;
        }
        *out = r;
        return SM_OK;
    }
    if (tt == SM_DECIMAL) {
        r = ev_new_fixed(SM_DECIMAL, n);
        if (!r) return SM_NOMEM;
        r->precision = (int8_t)ts;
        r->scale = (int8_t)te;
    } else {
        r = ev_new_fixed(tt, n);
        if (!r) return SM_NOMEM;
        if (tt == SM_INTERVAL_YM || tt == SM_INTERVAL_DT) {
            r->precision = (int8_t)ts;
            r->scale = (int8_t)te;
        }
    }
    if (ev_and_validity2(r, in, NULL, n) != SM_OK) {
        sm_vector_unref(r);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    char fty[48], tty[48], val[128];
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) {
            memset((char *)r->data + (size_t)row * sm_type_width(r->type), 0, sm_type_width(r->type));
            continue;
        }
        if (ft == SM_STRING) {
            int32_t len;
            const char *s = sm_vector_str(in, row, &len);
            if (tt == SM_INTERVAL_CAL) {
                if (!sm_cal_parse(s, len, &((sm_cal_interval *)r->data)[row])) {
                    memset(&((sm_cal_interval *)r->data)[row], 0, sizeof(sm_cal_interval));
                    rc = sm_vector_set_null(r, row);
                }
                continue;
            }
            int64_t v;
            if (!sm_iv_parse(s, len, tt, ts, te, &v)) {
                rc = ivo_bad_string(s, len, tt, ts, te);
                break;
            }
            if (tt == SM_INTERVAL_YM) SM_VEC_I32(r)[row] = (int32_t)v;
            else SM_VEC_I64(r)[row] = v;
            continue;
        }
        if (ft == SM_INTERVAL_YM || ft == SM_INTERVAL_DT) {
            int64_t v = ft == SM_INTERVAL_YM ? SM_VEC_I32(in)[row] : SM_VEC_I64(in)[row];
            if (tt == ft) { /* fewer fields: truncated */
                v = ivo_trunc(v, ivo_unit(tt, te));
                if (tt == SM_INTERVAL_YM) SM_VEC_I32(r)[row] = (int32_t)v;
                else SM_VEC_I64(r)[row] = v;
                continue;
            }
            int64_t unit = ivo_unit(ft, fe);
            if (tt == SM_DECIMAL) {
                __int128 u = ft == SM_INTERVAL_DT && fe == SM_IV_SECOND ? (__int128)v : v / unit;
                int sc = ft == SM_INTERVAL_DT && fe == SM_IV_SECOND ? 6 : 0;
                if (!sm_dec_convert(u, sc, ts, te, &SM_VEC_DEC(r)[row])) {
                    /* an error with ANSI off too (Spark's IntervalUtils) */
                    char d[64];
                    sm_dec_format(u, sc, d);
                    rc = sm_err(SM_INVALID,
                                "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]  %s cannot be "
                                "represented as Decimal(%d, %d). If necessary set "
                                "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and "
                                "return NULL instead.",
                                d, ts, te);
                    break;
                }
                continue;
            }
            int64_t x = v / unit, lo = INT32_MIN, hi = INT32_MAX;
            if (tt == SM_TINYINT) lo = -128, hi = 127;
            else if (tt == SM_SMALLINT) lo = -32768, hi = 32767;
            else if (tt == SM_BIGINT) lo = INT64_MIN, hi = INT64_MAX;
            if (x < lo || x > hi) {
                sm_buf b = {0};
                if (ft == SM_INTERVAL_YM) sm_iv_format_ym((int32_t)v, fs, fe, false, &b);
                else sm_iv_format_dt(v, fs, fe, false, &b);
                snprintf(val, sizeof val, "%s", b.data ? b.data : "");
                sm_buf_free(&b);
                rc = ivo_cast_overflow(val, sm_iv_type_upper(ft, fs, fe, fty, sizeof fty),
                                       ev_type_upper(sm_type_phys(tt) == SM_INT && tt != SM_INT ? SM_INT : tt));
                break;
            }
            if (tt == SM_BIGINT) SM_VEC_I64(r)[row] = x;
            else SM_VEC_I32(r)[row] = (int32_t)x;
            continue;
        }
        /* a number → an ANSI interval */
        int64_t unit = ivo_unit(tt, te), v = 0;
        bool ok = true;
        if (ft == SM_DECIMAL) {
            __int128 u = SM_VEC_DEC(in)[row] * unit, q;
            ok = sm_dec_convert(u, in->scale, 38, 0, &q) && q >= INT64_MIN && q <= INT64_MAX;
            if (ok) v = tt == SM_INTERVAL_DT && te != SM_IV_SECOND ? ivo_trunc((int64_t)q, unit) : (int64_t)q;
            if (ok) snprintf(val, sizeof val, "%s", "");
        } else {
            int64_t x = sm_type_phys(ft) == SM_BIGINT ? SM_VEC_I64(in)[row] : SM_VEC_I32(in)[row];
            ok = !__builtin_mul_overflow(x, unit, &v);
            snprintf(val, sizeof val, ft == SM_BIGINT ? "%" PRId64 "L" : "%" PRId64, x);
        }
        if (ok && tt == SM_INTERVAL_YM && (v < INT32_MIN || v > INT32_MAX)) ok = false;
        if (!ok) {
            if (ft == SM_DECIMAL) {
                char d[64];
                sm_dec_format(SM_VEC_DEC(in)[row], in->scale, d);
                snprintf(val, sizeof val, "%sBD", d);
            }
            rc = ivo_cast_overflow(val, ft == SM_DECIMAL ? "DECIMAL" : ev_type_upper(ft),
                                   sm_iv_type_upper(tt, ts, te, tty, sizeof tty));
            break;
        }
        if (tt == SM_INTERVAL_YM) SM_VEC_I32(r)[row] = (int32_t)v;
        else SM_VEC_I64(r)[row] = v;
    }
    if (rc != SM_OK) {
        sm_vector_unref(r);
        return rc;
    }
    *out = r;
    return SM_OK;
}
