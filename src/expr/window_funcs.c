/*
 * window_funcs.c — window-only functions and the binding of window
 * expressions (see window_funcs.h for the bound shape).
 *
 * Binding f(args) OVER (PARTITION BY p ORDER BY o frame), as Spark 3.5's
 * analyzer does it (ResolveWindowFrame, ResolveWindowOrder, the checks of
 * WindowExpression / SpecifiedWindowFrame):
 *   1. PARTITION BY and ORDER BY expressions are bound like select items
 *      (no aggregates).
 *   2. The call: an aggregate of agg.h (bound by the ordinary binder with
 *      aggregates allowed; DISTINCT is rejected) or a window function of
 *      the table below (arguments bound here, then checked and typed).  Any
 *      other function is [UNSUPPORTED_EXPR_FOR_WINDOW].
 *   3. The frame: ranking functions (row_number, rank, dense_rank,
 *      percent_rank, ntile) need ORDER BY and own the frame ROWS BETWEEN
 *      UNBOUNDED PRECEDING AND CURRENT ROW (cume_dist: RANGE); an explicit
 *      different frame is an error.  lag/lead take no frame.  Others get
 *      the explicit frame or Spark's default.  A RANGE frame with value
 *      offsets needs exactly one numeric (or date) order key.  ROWS
 *      offsets are INTs; a BIGINT RANGE offset over an INT key is cast to
 *      INT as Spark's WindowFrameCoercion does (wrapping; ANSI: an error).
 *      An INTERVAL of whole days over a DATE key is that many days (Spark
 *      4.0's behaviour; 3.5 rejects it); other INTERVAL offsets are
 *      [UNSUPPORTED_FEATURE] (smelt has no interval values).
 *   any_value(x) is bound as first(x) (Spark replaces AnyValue by First);
 *   FILTER on a window aggregate is Spark's _LEGACY_ERROR_TEMP_1030.
 *
 * Memory: every bound node lives in ctx->arena.  Single-threaded.
 */
#include "expr/window_funcs.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "expr/agg.h"
#include "expr/eval_internal.h"
#include "types/decimal.h"

static const sm_window_func_def wf_table[] = {
    {"row_number", 0, 0, SM_WF_ROW_NUMBER},
    {"rank", 0, 0, SM_WF_RANK},
    {"dense_rank", 0, 0, SM_WF_DENSE_RANK},
    {"percent_rank", 0, 0, SM_WF_PERCENT_RANK},
    {"cume_dist", 0, 0, SM_WF_CUME_DIST},
    {"ntile", 1, 1, SM_WF_NTILE},
    {"lag", 1, 3, SM_WF_LAG},
    {"lead", 1, 3, SM_WF_LEAD},
    {"nth_value", 2, 2, SM_WF_NTH_VALUE},
    {NULL, 0, 0, 0},
};

const sm_window_func_def *sm_window_func_find(const char *name) {
    if (!name) return NULL;
    for (const sm_window_func_def *d = wf_table; d->name; d++)
        if (strcasecmp(d->name, name) == 0) return d;
    return NULL;
}

bool sm_expr_has_window(const sm_expr *e) {
    if (!e) return false;
    if (e->kind == SM_EX_WINDOW) return true;
    for (int i = 0; i < e->nargs; i++)
        if (sm_expr_has_window(e->args[i])) return true;
    return false;
}

static bool wf_is_ranking(sm_wf_kind k) {
    return k == SM_WF_ROW_NUMBER || k == SM_WF_RANK || k == SM_WF_DENSE_RANK ||
           k == SM_WF_PERCENT_RANK || k == SM_WF_CUME_DIST || k == SM_WF_NTILE;
}

/* ---- small builders ------------------------------------------------------------ */

static sm_expr *wf_lit(sm_arena *a, sm_value v, int pos, int end) {
    sm_expr *e = sm_expr_literal(a, &v);
    if (!e) return NULL;
    e->type = v.type; /* bound as the binder binds literals */
    e->nullable = v.is_null || v.type == SM_NULLTYPE;
    e->col_index = -1;
    e->pos = pos;
    e->end = end;
    return e;
}

static sm_expr *wf_lit_int(sm_arena *a, int32_t x) {
    return wf_lit(a, (sm_value){.type = SM_INT, .v.i32 = x}, -1, -1);
}

/* Folds a bound constant to a value; false when it is not constant. */
static bool wf_const(sm_bind_ctx *ctx, const sm_expr *e, sm_value *out) {
    if (!sm_expr_is_const(e)) return false;
    sm_eval_ctx ec = {.tz = ctx->tz, .ansi = ctx->ansi};
    return sm_expr_eval_const(&ec, ctx->arena, e, out) == SM_OK;
}

/* ---- frames --------------------------------------------------------------------- */

/* Spark's rendering of a bound in WindowFrame messages. */
static void wf_bound_str(const sm_frame_bound *b, const sm_value *off, char *buf, size_t n) {
    long long v = 0;
    if (off && !off->is_null) {
        if (off->type == SM_INT) v = off->v.i32;
        else if (off->type == SM_BIGINT) v = off->v.i64;
        else if (off->type == SM_DOUBLE) v = (long long)off->v.f64;
    }
    switch (b->kind) {
    case SM_FRAME_UNBOUNDED_PRECEDING: snprintf(buf, n, "unboundedpreceding$()"); break;
    case SM_FRAME_UNBOUNDED_FOLLOWING: snprintf(buf, n, "unboundedfollowing$()"); break;
    case SM_FRAME_CURRENT_ROW: snprintf(buf, n, "currentrow$()"); break;
    case SM_FRAME_PRECEDING: snprintf(buf, n, "%lld", -v); break;
    case SM_FRAME_FOLLOWING: snprintf(buf, n, "%lld", v); break;
    }
}

static const char *wf_bound_sql(const sm_frame_bound *b, const sm_value *off, char *buf, size_t n) {
    switch (b->kind) {
    case SM_FRAME_UNBOUNDED_PRECEDING: return "UNBOUNDED PRECEDING";
    case SM_FRAME_UNBOUNDED_FOLLOWING: return "UNBOUNDED FOLLOWING";
    case SM_FRAME_CURRENT_ROW: return "CURRENT ROW";
    default: break;
    }
    char num[40] = "?";
    if (off && !off->is_null) {
        if (off->type == SM_INT) snprintf(num, sizeof num, "%d", off->v.i32);
        else if (off->type == SM_BIGINT) snprintf(num, sizeof num, "%lld", (long long)off->v.i64);
        else if (off->type == SM_DOUBLE) sm_format_double(off->v.f64, num);
        else if (off->type == SM_DECIMAL) sm_dec_format(off->v.dec, off->scale, num);
    }
    snprintf(buf, n, "%s %s", num, b->kind == SM_FRAME_PRECEDING ? "PRECEDING" : "FOLLOWING");
    return buf;
}

/* The signed position of a bound for the lower <= upper check. */
static double wf_bound_pos(const sm_frame_bound *b, const sm_value *off) {
    double v = 0;
    if (off && !off->is_null)
        v = off->type == SM_INT      ? off->v.i32
            : off->type == SM_BIGINT ? (double)off->v.i64
            : off->type == SM_DECIMAL ? sm_dec_to_double(off->v.dec, off->scale)
                                      : off->v.f64;
    return b->kind == SM_FRAME_PRECEDING ? -v : v;
}

/* An INTERVAL literal offset, as the parser spells it: a call
 * "interval"(months, days, micros, spelling) of literals, maybe negated.
 * True with its parts when `e` is one. */
static bool wf_interval_offset(const sm_expr *e, int64_t *months, int64_t *days, int64_t *micros) {
    bool neg = false;
    while (e && e->kind == SM_EX_CALL && e->name && e->nargs == 1 &&
           (strcmp(e->name, "negative") == 0 || strcmp(e->name, "-") == 0 ||
            strcmp(e->name, "positive") == 0 || strcmp(e->name, "+") == 0)) {
        if (e->name[0] == 'n' || e->name[0] == '-') neg = !neg;
        e = e->args[0];
    }
    if (!e || e->kind != SM_EX_CALL || !e->name || strcasecmp(e->name, "interval") != 0 ||
        e->nargs != 4)
        return false;
    int64_t part[3];
    for (int k = 0; k < 3; k++) {
        const sm_expr *a = e->args[k];
        if (a->kind != SM_EX_LITERAL || a->lit.is_null || a->lit.type != SM_BIGINT) return false;
        part[k] = a->lit.v.i64;
        if (neg && part[k] == INT64_MIN) return false;
        if (neg) part[k] = -part[k];
    }
    *months = part[0];
    *days = part[1];
    *micros = part[2];
    return true;
}

/* Spark's text of a frame for messages: "ROWS BETWEEN CURRENT ROW AND 5 FOLLOWING". */
static const char *wf_frame_sql(sm_bind_ctx *ctx, const sm_window_spec *w) {
    char part[2][160];
    for (int side = 0; side < 2; side++) {
        const sm_frame_bound *b = side ? &w->end : &w->start;
        switch (b->kind) {
        case SM_FRAME_UNBOUNDED_PRECEDING: snprintf(part[side], sizeof part[side], "UNBOUNDED PRECEDING"); break;
        case SM_FRAME_UNBOUNDED_FOLLOWING: snprintf(part[side], sizeof part[side], "UNBOUNDED FOLLOWING"); break;
        case SM_FRAME_CURRENT_ROW: snprintf(part[side], sizeof part[side], "CURRENT ROW"); break;
        default:
            snprintf(part[side], sizeof part[side], "%s %s",
                     b->offset ? sm_bind_sql(ctx, b->offset) : "?",
                     b->kind == SM_FRAME_PRECEDING ? "PRECEDING" : "FOLLOWING");
            break;
        }
    }
    const char *t = sm_arena_printf(ctx->arena, "%s BETWEEN %s AND %s", w->frame_rows ? "ROWS" : "RANGE",
                                    part[0], part[1]);
    return t ? t : "?";
}

/* Binds and checks one frame bound's offset (`upper`: the frame's end).
 * `key` is the type of the single order key (SM_NULLTYPE when there is not
 * exactly one): over a DATE key an INTERVAL of whole days is a number of
 * days, as Spark's date + INTERVAL DAY is date_add. */
static int wf_bind_bound(sm_bind_ctx *ctx, const sm_expr *at, const sm_window_spec *w, bool upper,
                         sm_type key, sm_frame_bound *out, sm_value *val) {
    const sm_frame_bound *in = upper ? &w->end : &w->start;
    bool rows = w->frame_rows;
    *out = *in;
    out->offset = NULL;
    val->is_null = true;
    val->type = SM_NULLTYPE;
    if (in->kind != SM_FRAME_PRECEDING && in->kind != SM_FRAME_FOLLOWING) return SM_OK;
    if (!in->offset) return sm_err(SM_INTERNAL, "window frame bound without an offset");
    int64_t months, days, micros;
    if (!rows && wf_interval_offset(in->offset, &months, &days, &micros) &&
        (key == SM_TIMESTAMP || key == SM_TIMESTAMP_NTZ) && months == 0 &&
        days > -106751991 && days < 106751991) {
        /* over a timestamp key a day-time interval is its microseconds
         * (Spark's timestamp + INTERVAL DAY TO SECOND adds them exactly) */
        int64_t us = days * 86400000000LL;
        if (__builtin_add_overflow(us, micros, &us))
            return sm_bind_fail(ctx, at, "[ARITHMETIC_OVERFLOW] window frame offset %s overflows.",
                                sm_bind_sql(ctx, in->offset));
        *val = (sm_value){.type = SM_BIGINT, .v.i64 = us};
    } else if (!rows && wf_interval_offset(in->offset, &months, &days, &micros)) {
        if (key != SM_DATE || months != 0 || micros != 0 || days < INT32_MIN || days > INT32_MAX)
            return sm_bind_fail(ctx, at,
                                "[UNSUPPORTED_FEATURE] The feature is not supported: a RANGE "
                                "window frame with the INTERVAL bound %s over a %s order key "
                                "(smelt supports whole-day intervals over a DATE key and day-time "
                                "intervals over a TIMESTAMP key; order by a number otherwise).",
                                sm_bind_sql(ctx, in->offset), ev_type_upper(key));
        *val = (sm_value){.type = SM_INT, .v.i32 = (int32_t)days};
    } else {
        sm_expr *b;
        SM_TRY(sm_expr_bind(ctx, in->offset, &b));
        if (!wf_const(ctx, b, val) || val->is_null)
            return sm_bind_fail(ctx, at,
                                "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WITHOUT_FOLDABLE] Cannot "
                                "resolve \"%s\" due to data type mismatch: Window frame bound \"%s\" "
                                "is not a literal.",
                                sm_bind_sql(ctx, at), sm_bind_sql(ctx, b));
    }
    /* a ROWS offset is an INT: 2147483648 FOLLOWING (a BIGINT) is an error;
     * a BIGINT within INT's range is the API's rowsBetween(long, long),
     * which Spark narrows to an INT literal */
    bool integral = val->type == SM_INT ||
                    (val->type == SM_BIGINT &&
                     (!rows || (val->v.i64 >= INT32_MIN && val->v.i64 <= INT32_MAX)));
    if (rows && !integral)
        return sm_bind_fail(ctx, at,
                            "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE] Cannot "
                            "resolve \"%s\" due to data type mismatch: The data type of the %s "
                            "bound \"%s\" does not match the expected data type \"INT\".",
                            wf_frame_sql(ctx, w), upper ? "upper" : "lower",
                            ev_type_upper(val->type));
    if (!integral && val->type != SM_DOUBLE && val->type != SM_DECIMAL)
        return sm_bind_fail(ctx, at,
                            "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE] Cannot "
                            "resolve \"%s\" due to data type mismatch: The data type of the bound "
                            "\"%s\" does not match the expected data type (\"NUMERIC\").",
                            sm_bind_sql(ctx, at), ev_type_upper(val->type));
    if (!rows && key == SM_INT && val->type == SM_BIGINT) {
        /* Spark's WindowFrameCoercion casts the (signed) offset to the INT
         * key's type: 2147483648 FOLLOWING wraps to -2147483648 (ANSI: a
         * CAST_OVERFLOW error); -2147483648 still fits */
        int64_t sv = out->kind == SM_FRAME_PRECEDING ? -val->v.i64 : val->v.i64;
        if (sv < INT32_MIN || sv > INT32_MAX) {
            if (ctx->ansi)
                return sm_bind_fail(ctx, at,
                                    "[CAST_OVERFLOW] The value %lldL of the type \"BIGINT\" cannot "
                                    "be cast to \"INT\" due to an overflow. Use `try_cast` to "
                                    "tolerate overflow and return NULL instead. If necessary set "
                                    "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                                    (long long)sv);
            sv = (int32_t)(uint32_t)(uint64_t)sv;
            out->kind = sv < 0 ? SM_FRAME_PRECEDING : SM_FRAME_FOLLOWING;
            val->v.i64 = sv < 0 ? -sv : sv;
        }
    }
    sm_expr *lit = wf_lit(ctx->arena, *val, in->offset->pos, in->offset->end);
    if (!lit) return SM_NOMEM;
    lit->type = val->type;
    if (val->type == SM_DECIMAL) { /* a decimal offset keeps its type (1.5: decimal(2,1)) */
        lit->precision = lit->lit.precision = val->precision;
        lit->scale = lit->lit.scale = val->scale;
    }
    out->offset = lit;
    return SM_OK;
}

static bool wf_same_frame(const sm_window_spec *w, bool rows, sm_frame_bound_kind s,
                          sm_frame_bound_kind e) {
    return w->frame_rows == rows && w->start.kind == s && w->end.kind == e;
}

/* ---- window functions ------------------------------------------------------------- */

static int wf_fail_foldable(sm_bind_ctx *ctx, const sm_expr *call, const char *what,
                            const char *type, const sm_expr *arg) {
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due to data "
                        "type mismatch: the input %s should be a foldable \"%s\" expression; "
                        "however, got \"%s\".",
                        sm_bind_sql(ctx, call), what, type, sm_bind_sql(ctx, arg));
}

/* Binds a window-only function call. */
static int wf_bind_call(sm_bind_ctx *ctx, const sm_window_func_def *def, const sm_expr *call,
                        bool ignore_nulls, sm_expr **out) {
    int nargs = call->nargs;
    if (nargs < def->min_args || nargs > def->max_args) {
        char expected[48];
        if (def->min_args == def->max_args) snprintf(expected, sizeof expected, "%d", def->min_args);
        else snprintf(expected, sizeof expected, "[%d, %d]", def->min_args, def->max_args);
        return sm_bind_fail(ctx, call,
                            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `%s` requires %s parameters "
                            "but the actual number is %d. Please, refer to "
                            "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a "
                            "fix.",
                            def->name, expected, nargs);
    }
    if (call->distinct)
        return sm_bind_fail(ctx, call,
                            "[INVALID_SQL_SYNTAX] DISTINCT is only allowed in aggregate functions, "
                            "not in `%s`.",
                            def->name);
    int outn = def->kind == SM_WF_LAG || def->kind == SM_WF_LEAD ? 3 : nargs;
    if (def->kind == SM_WF_NTH_VALUE) outn = 2;
    sm_expr *b = sm_arena_alloc(ctx->arena, sizeof *b);
    sm_expr **args = sm_arena_alloc(ctx->arena, sizeof *args * (size_t)(outn ? outn : 1));
    if (!b || !args) return SM_NOMEM;
    *b = *call;
    b->name = (char *)def->name;
    b->args = args;
    b->nargs = outn;
    b->fn = NULL;
    b->agg = NULL;
    b->state = NULL;
    b->col_index = -1;
    b->ignore_nulls = ignore_nulls;
    int nbind = nargs < outn ? nargs : outn;
    for (int i = 0; i < nbind; i++) SM_TRY(sm_expr_bind(ctx, call->args[i], &args[i]));
    sm_value v;
    switch (def->kind) {
    case SM_WF_ROW_NUMBER:
    case SM_WF_RANK:
    case SM_WF_DENSE_RANK:
        b->type = SM_INT;
        b->nullable = false;
        break;
    case SM_WF_PERCENT_RANK:
    case SM_WF_CUME_DIST:
        b->type = SM_DOUBLE;
        b->nullable = false;
        break;
    case SM_WF_NTILE:
        if (!wf_const(ctx, args[0], &v)) return wf_fail_foldable(ctx, b, "buckets", "INT", args[0]);
        if (v.type != SM_INT)
            return sm_bind_fail_input(ctx, b, 1, "\"INT\"");
        if (v.is_null || v.v.i32 <= 0)
            return sm_bind_fail(ctx, b,
                                "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"%s\" due "
                                "to data type mismatch: The buckets must be between (0, 2147483647] "
                                "(current value = %s).",
                                sm_bind_sql(ctx, b), v.is_null ? "null" : sm_bind_sql(ctx, args[0]));
        b->type = SM_INT;
        b->nullable = false;
        break;
    case SM_WF_LAG:
    case SM_WF_LEAD: {
        if (nargs < 2 && !(args[1] = wf_lit_int(ctx->arena, 1))) return SM_NOMEM;
        if (nargs < 3) {
            sm_expr *nl = wf_lit(ctx->arena, (sm_value){.type = SM_NULLTYPE, .is_null = true}, -1, -1);
            if (!nl) return SM_NOMEM;
            nl->type = SM_NULLTYPE;
            nl->nullable = true;
            args[2] = nl;
        }
        if (!wf_const(ctx, args[1], &v) || v.is_null) {
            /* Spark shows lag's offset negated: "(- o)" */
            sm_expr *shown = args[1];
            if (def->kind == SM_WF_LAG) {
                sm_expr **na = sm_arena_alloc(ctx->arena, sizeof *na);
                if (!na) return SM_NOMEM;
                na[0] = args[1];
                shown = sm_expr_call(ctx->arena, "negative", 1, na);
                if (!shown) return SM_NOMEM;
            }
            return wf_fail_foldable(ctx, b, "offset", "INT", shown);
        }
        if (v.type != SM_INT) return sm_bind_fail_input(ctx, b, 2, "\"INT\"");
        sm_type t = args[0]->type;
        if (args[2]->type != t && t != SM_NULLTYPE) {
            if (!sm_cast_allowed(args[2]->type, t))
                return sm_bind_fail_input(ctx, b, 3, ev_type_upper(t));
            if (!(args[2] = sm_expr_coerce(ctx, args[2], t))) return SM_NOMEM;
        }
        b->type = t;
        b->nullable = true;
        break;
    }
    case SM_WF_NTH_VALUE: {
        if (nargs == 3) {
            sm_expr *ig;
            SM_TRY(sm_expr_bind(ctx, call->args[2], &ig));
            sm_value iv;
            if (ig->type != SM_BOOLEAN || !wf_const(ctx, ig, &iv))
                return sm_bind_fail_input(ctx, b, 3, "\"BOOLEAN\"");
            if (!iv.is_null && iv.v.b) b->ignore_nulls = true;
        }
        if (!wf_const(ctx, args[1], &v) || v.is_null)
            return wf_fail_foldable(ctx, b, "offset", "INT", args[1]);
        int64_t n;
        if (v.type == SM_INT) n = v.v.i32;
        else if (v.type == SM_BIGINT) n = v.v.i64;
        else return sm_bind_fail_input(ctx, b, 2, "\"BIGINT\"");
        if (n <= 0)
            return sm_bind_fail(ctx, b,
                                "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"%s\" due "
                                "to data type mismatch: The offset must be between (0, "
                                "9223372036854775807] (current value = %lldL).",
                                sm_bind_sql(ctx, b), (long long)n);
        b->type = args[0]->type;
        b->nullable = true;
        break;
    }
    }
    *out = b;
    return SM_OK;
}

/* ---- the window expression ------------------------------------------------------------ */

static bool wf_is_first_last(const char *name) {
    return name && (strcasecmp(name, "first") == 0 || strcasecmp(name, "last") == 0 ||
                    strcasecmp(name, "first_value") == 0 || strcasecmp(name, "last_value") == 0);
}

int sm_window_bind(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out) {
    if (!ctx || !ctx->arena || !e || e->kind != SM_EX_WINDOW || e->nargs != 1 || !e->window)
        return sm_err(SM_INTERNAL, "sm_window_bind: not a window expression");
    const sm_window_spec *w = e->window;
    const sm_expr *call = e->args[0];
    if (w->ref_name && w->npartition == 0 && w->norder == 0 && !w->has_frame)
        return sm_bind_fail(ctx, e,
                            "[MISSING_WINDOW_SPECIFICATION] Window specification %s is not defined "
                            "in the WINDOW clause for %s.",
                            w->ref_name, call->name ? call->name : "?");
    const sm_window_func_def *def = NULL;
    const struct sm_agg_def *agg = NULL;
    sm_expr *any_value = NULL;
    if (call->kind == SM_EX_CALL && call->name && strcasecmp(call->name, "any_value") == 0 &&
        !sm_agg_find("any_value")) {
        /* Spark's AnyValue is replaced by First(x, ignoreNulls): bind it as
         * first, keeping the name any_value for the column name */
        if (!(any_value = sm_arena_alloc(ctx->arena, sizeof *any_value))) return SM_NOMEM;
        *any_value = *call;
        any_value->name = "first";
        call = any_value;
    }
    if (call->kind == SM_EX_CALL && call->name) {
        def = sm_window_func_find(call->name);
        if (!def && !sm_func_find(call->name)) agg = sm_agg_find(call->name);
    }
    if (!def && !agg) {
        if (call->kind == SM_EX_CALL && call->name && !sm_func_find(call->name)) {
            sm_expr *tmp; /* unknown function: the binder's UNRESOLVED_ROUTINE */
            return sm_expr_bind(ctx, call, &tmp);
        }
        return sm_bind_fail(ctx, call,
                            "[UNSUPPORTED_EXPR_FOR_WINDOW] Expression \"%s\" not supported within a "
                            "window function.",
                            sm_bind_sql(ctx, call));
    }
    if (agg && call->filter)
        return sm_bind_fail(ctx, e,
                            "[_LEGACY_ERROR_TEMP_1030] Window aggregate function with filter "
                            "predicate is not supported yet.");
    if (agg && call->distinct)
        return sm_bind_fail(ctx, e,
                            "[DISTINCT_WINDOW_FUNCTION_UNSUPPORTED] Distinct window functions are "
                            "not supported: \"%s\".",
                            sm_bind_sql(ctx, e));

    sm_expr *b = sm_arena_alloc(ctx->arena, sizeof *b);
    sm_window_spec *bw = sm_arena_alloc(ctx->arena, sizeof *bw);
    sm_expr **bargs = sm_arena_alloc(ctx->arena, sizeof *bargs);
    if (!b || !bw || !bargs) return SM_NOMEM;
    *b = *e;
    b->args = bargs;
    b->window = bw;
    b->state = NULL;
    b->col_index = -1;
    *bw = *w;
    bw->ref_name = NULL;

    /* partition and order keys: plain expressions */
    bool save_agg = ctx->allow_agg;
    ctx->allow_agg = false;
    int rc = SM_OK;
    if (w->npartition > 0) {
        bw->partition = sm_arena_alloc(ctx->arena, sizeof(sm_expr *) * (size_t)w->npartition);
        if (!bw->partition) rc = SM_NOMEM;
        for (int i = 0; rc == SM_OK && i < w->npartition; i++)
            rc = sm_expr_bind(ctx, w->partition[i], &bw->partition[i]);
    }
    if (rc == SM_OK && w->norder > 0) {
        bw->order = sm_arena_alloc(ctx->arena, sizeof(sm_sort_key) * (size_t)w->norder);
        if (!bw->order) rc = SM_NOMEM;
        for (int i = 0; rc == SM_OK && i < w->norder; i++) {
            bw->order[i] = w->order[i];
            rc = sm_expr_bind(ctx, w->order[i].expr, &bw->order[i].expr);
        }
    }
    /* the call */
    bool ignore_nulls = call->ignore_nulls || e->ignore_nulls;
    if (rc == SM_OK && agg) {
        const sm_expr *c = call;
        if (ignore_nulls && wf_is_first_last(call->name) && call->nargs == 1) {
            sm_expr *cc = sm_arena_alloc(ctx->arena, sizeof *cc);
            sm_expr **ca = sm_arena_alloc(ctx->arena, 2 * sizeof *ca);
            if (!cc || !ca) {
                rc = SM_NOMEM;
            } else {
                *cc = *call;
                ca[0] = call->args[0];
                ca[1] = wf_lit(ctx->arena, (sm_value){.type = SM_BOOLEAN, .v.b = true}, -1, -1);
                if (!ca[1]) rc = SM_NOMEM;
                cc->args = ca;
                cc->nargs = 2;
                cc->ignore_nulls = false;
                c = cc;
            }
        }
        ctx->allow_agg = true;
        if (rc == SM_OK) rc = sm_expr_bind(ctx, c, &bargs[0]);
    } else if (rc == SM_OK) {
        rc = wf_bind_call(ctx, def, call, ignore_nulls, &bargs[0]);
    }
    ctx->allow_agg = save_agg;
    SM_TRY(rc);
    b->type = bargs[0]->type;
    b->nullable = bargs[0]->nullable;

    /* the frame */
    sm_value sv = {.is_null = true}, ev = {.is_null = true};
    if (w->has_frame) {
        sm_type key = w->norder == 1 && bw->order ? bw->order[0].expr->type : SM_NULLTYPE;
        SM_TRY(wf_bind_bound(ctx, e, w, false, key, &bw->start, &sv));
        SM_TRY(wf_bind_bound(ctx, e, w, true, key, &bw->end, &ev));
    }
    if (def && (wf_is_ranking(def->kind))) {
        if (w->norder == 0)
            return sm_bind_fail(ctx, e,
                                "Window function %s requires window to be ordered, please add ORDER "
                                "BY clause. For example SELECT %s(value_expr) OVER (PARTITION BY "
                                "window_partition ORDER BY window_ordering) from table.",
                                sm_bind_sql(ctx, bargs[0]), sm_bind_sql(ctx, bargs[0]));
        bool rows = def->kind != SM_WF_CUME_DIST;
        if (w->has_frame &&
            !wf_same_frame(w, rows, SM_FRAME_UNBOUNDED_PRECEDING, SM_FRAME_CURRENT_ROW)) {
            char s1[48], s2[48];
            wf_bound_str(&w->start, &sv, s1, sizeof s1);
            wf_bound_str(&w->end, &ev, s2, sizeof s2);
            return sm_bind_fail(ctx, e,
                                "Window Frame specifiedwindowframe(%s, %s, %s) must match the "
                                "required frame specifiedwindowframe(%s, unboundedpreceding$(), "
                                "currentrow$()).",
                                w->frame_rows ? "RowFrame" : "RangeFrame", s1, s2,
                                rows ? "RowFrame" : "RangeFrame");
        }
        bw->has_frame = true;
        bw->frame_rows = rows;
        bw->start = (sm_frame_bound){SM_FRAME_UNBOUNDED_PRECEDING, NULL};
        bw->end = (sm_frame_bound){SM_FRAME_CURRENT_ROW, NULL};
    } else if (def && (def->kind == SM_WF_LAG || def->kind == SM_WF_LEAD)) {
        if (w->has_frame)
            return sm_bind_fail(ctx, e, "Cannot specify window frame for %s function.", def->name);
        if (w->norder == 0)
            return sm_bind_fail(ctx, e,
                                "Window function %s requires window to be ordered, please add ORDER "
                                "BY clause. For example SELECT %s(value_expr) OVER (PARTITION BY "
                                "window_partition ORDER BY window_ordering) from table.",
                                sm_bind_sql(ctx, bargs[0]), sm_bind_sql(ctx, bargs[0]));
        bw->has_frame = true;
        bw->frame_rows = true;
        bw->start = (sm_frame_bound){SM_FRAME_FOLLOWING, bargs[0]->args[1]};
        bw->end = bw->start;
    } else if (!w->has_frame) {
        bw->has_frame = true;
        bw->frame_rows = w->norder == 0;
        bw->start = (sm_frame_bound){SM_FRAME_UNBOUNDED_PRECEDING, NULL};
        bw->end = (sm_frame_bound){w->norder ? SM_FRAME_CURRENT_ROW : SM_FRAME_UNBOUNDED_FOLLOWING,
                                   NULL};
    } else {
        /* an explicit frame for an aggregate / nth_value: Spark's checks */
        const sm_frame_bound *s = &bw->start, *en = &bw->end;
        char b1[64], b2[64];
        if (s->kind == SM_FRAME_UNBOUNDED_FOLLOWING || en->kind == SM_FRAME_UNBOUNDED_PRECEDING)
            return sm_bind_fail(ctx, e,
                                "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_INVALID_BOUND] Cannot "
                                "resolve \"%s BETWEEN %s AND %s\" due to data type mismatch: Window "
                                "frame upper bound \"%s\" does not follow the lower bound \"%s\".",
                                w->frame_rows ? "ROWS" : "RANGE", wf_bound_sql(s, &sv, b1, sizeof b1),
                                wf_bound_sql(en, &ev, b2, sizeof b2), wf_bound_sql(en, &ev, b2, sizeof b2),
                                wf_bound_sql(s, &sv, b1, sizeof b1));
        bool s_off = s->kind == SM_FRAME_PRECEDING || s->kind == SM_FRAME_FOLLOWING;
        bool e_off = en->kind == SM_FRAME_PRECEDING || en->kind == SM_FRAME_FOLLOWING;
        if (s_off && e_off && wf_bound_pos(s, &sv) > wf_bound_pos(en, &ev))
            return sm_bind_fail(ctx, e,
                                "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON] Cannot "
                                "resolve \"%s BETWEEN %s AND %s\" due to data type mismatch: The "
                                "lower bound of a window frame must be less than or equal to the "
                                "upper bound.",
                                w->frame_rows ? "ROWS" : "RANGE", wf_bound_sql(s, &sv, b1, sizeof b1),
                                wf_bound_sql(en, &ev, b2, sizeof b2));
        if (!w->frame_rows && (s_off || e_off)) {
            if (w->norder == 0)
                return sm_bind_fail(ctx, e,
                                    "[DATATYPE_MISMATCH.RANGE_FRAME_WITHOUT_ORDER] Cannot resolve "
                                    "\"(RANGE BETWEEN %s AND %s)\" due to data type mismatch: A "
                                    "range window frame cannot be used in an unordered window "
                                    "specification.",
                                    wf_bound_sql(s, &sv, b1, sizeof b1),
                                    wf_bound_sql(en, &ev, b2, sizeof b2));
            if (w->norder > 1)
                return sm_bind_fail(ctx, e,
                                    "[DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER] A range window "
                                    "frame with value boundaries cannot be used in a window "
                                    "specification with multiple order by expressions.");
            sm_type kt = bw->order[0].expr->type;
            bool integral_off = (!s_off || (sv.type != SM_DOUBLE && sv.type != SM_DECIMAL)) &&
                                (!e_off || (ev.type != SM_DOUBLE && ev.type != SM_DECIMAL));
            int64_t m_, d_, u_;
            bool iv_off = (!s_off || wf_interval_offset(w->start.offset, &m_, &d_, &u_)) &&
                          (!e_off || wf_interval_offset(w->end.offset, &m_, &d_, &u_));
            bool ok = kt == SM_INT || kt == SM_BIGINT || kt == SM_DOUBLE || kt == SM_DECIMAL ||
                      (kt == SM_DATE && integral_off) ||
                      ((kt == SM_TIMESTAMP || kt == SM_TIMESTAMP_NTZ) && iv_off);
            if (!ok)
                return sm_bind_fail(ctx, e,
                                    "[DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE] "
                                    "Cannot resolve \"RANGE BETWEEN %s AND %s\" due to data type "
                                    "mismatch: The data type of the lower bound \"%s\" does not "
                                    "match the expected data type (\"NUMERIC\" or \"INTERVAL DAY TO "
                                    "SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\").",
                                    wf_bound_sql(s, &sv, b1, sizeof b1),
                                    wf_bound_sql(en, &ev, b2, sizeof b2), ev_type_upper(kt));
        }
    }
    *out = b;
    return SM_OK;
}
