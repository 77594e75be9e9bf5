/*
 * ops.c — SQL operators as functions (sm_funcs_operators): arithmetic,
 * comparison, boolean logic, null tests.
 *
 * Decimals (Spark's DecimalPrecision, allowPrecisionLoss=true; the result
 * types are in types/decimal.h): an operator with a DECIMAL operand and an
 * INT/BIGINT/DECIMAL other side is a decimal operator — ints convert to
 * decimal(10,0), bigints decimal(20,0), integer literals the smallest
 * decimal holding them — while a DOUBLE or STRING other side makes it a
 * double operator.  "/" of decimals is decimal.  Overflow past the result
 * precision is null, or [NUMERIC_VALUE_OUT_OF_RANGE] under ANSI.
 * Comparisons convert each side to its own decimal type and compare values
 * across scales.
 *
 * Resolution reproduces Spark 3.5's non-ANSI TypeCoercion (each rule checked
 * with PySpark; tests/unit/test_eval.c lists the cases):
 *   arithmetic (+ - * % pmod)  strings become DOUBLE; NULL with NULL is
 *       DOUBLE; otherwise the wider of int < bigint < double; booleans and
 *       datetimes are errors, except DATE + INT, INT + DATE and DATE - INT
 *       (Spark's date_add / date_sub).
 *   "/"      both sides DOUBLE (5 / 2 = 2.5).
 *   "div"    INT or BIGINT, as BIGINT (strings and doubles are errors); with
 *            a DECIMAL side both become their wider decimal and the
 *            truncated quotient is a BIGINT (Decimal.toLong: wraps).
 *   negative / positive   numeric keeps its type, string/NULL → DOUBLE.
 *   comparisons   findCommonTypeForBinaryComparison: STRING vs DATE → DATE,
 *       STRING vs TIMESTAMP → TIMESTAMP, DATE vs TIMESTAMP → TIMESTAMP,
 *       STRING vs any other atomic type → that type ('10.5' > 10 compares
 *       CAST('10.5' AS INT) = 10), numbers widen; BOOLEAN vs number only for
 *       = <=> != (BooleanEquality casts the boolean to the number's type).
 *   and / or / not   BOOLEAN (NULL allowed); no implicit string → boolean.
 *
 * Evaluation (the hot path of every query): after resolution both operands
 * have the same physical type, so each operator is one tight loop over raw
 * arrays per type, chosen once per batch.  Nulls: the result's bitmap is the
 * byte-wise AND of the inputs' bitmaps; values under null bits are garbage
 * and never read for decisions (division checks the divisor only where the
 * row is valid).  Integer arithmetic wraps like Java (computed unsigned, no
 * C overflow); ANSI mode reports [ARITHMETIC_OVERFLOW] instead.  Division and
 * remainder by zero give null, or [DIVIDE_BY_ZERO] in ANSI mode.  Doubles
 * compare as Spark does: NaN = NaN is true and NaN sorts above +Infinity;
 * -0.0 = 0.0.  Strings compare by UTF-8 bytes.
 *
 * No state; every function is safe to call from any number of threads.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "common/status.h"
#include "expr/eval_internal.h"
#include "expr/expr.h"
#include "expr/interval.h"
#include "types/decimal.h"

/* ---- resolution helpers ---------------------------------------------------- */

static int op_coerce(sm_bind_ctx *ctx, sm_expr *call, int i, sm_type to) {
    if (call->args[i]->type == to) return SM_OK;
    sm_expr *c = sm_expr_coerce(ctx, call->args[i], to);
    if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    call->args[i] = c;
    return SM_OK;
}

static bool op_nullable(const sm_expr *call) {
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->nullable || call->args[i]->type == SM_NULLTYPE) return true;
    return false;
}

static int op_err_diff(sm_bind_ctx *ctx, const sm_expr *call) {
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"%s\" due to data "
                        "type mismatch: the left and right operands of the binary operator have "
                        "incompatible types (\"%s\" and \"%s\").",
                        sm_bind_sql(ctx, call), ev_type_upper(call->args[0]->type),
                        ev_type_upper(call->args[1]->type));
}

static int op_err_wrong(sm_bind_ctx *ctx, const sm_expr *call, const char *required, sm_type got) {
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve \"%s\" due to data "
                        "type mismatch: the binary operator requires the input type %s, not \"%s\".",
                        sm_bind_sql(ctx, call), required, ev_type_upper(got));
}

static const char op_numeric_req[] =
    "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")";

static bool op_is_num(sm_type t) {
    return t == SM_INT || t == SM_BIGINT || t == SM_DOUBLE || t == SM_DECIMAL ||
           t == SM_TINYINT || t == SM_SMALLINT || t == SM_FLOAT;
}

/* Spark's numericPrecedence: tinyint < smallint < int < bigint < float <
 * double (decimal: below float, above the integrals). */
static int op_num_rank(sm_type t) {
    switch (t) {
    case SM_TINYINT: return 1;
    case SM_SMALLINT: return 2;
    case SM_INT: return 3;
    case SM_BIGINT: return 4;
    case SM_DECIMAL: return 5;
    case SM_FLOAT: return 6;
    case SM_DOUBLE: return 7;
    default: return 0;
    }
}

static sm_type op_wider_num(sm_type a, sm_type b) {
    if (a == SM_NULLTYPE) return b;
    if (b == SM_NULLTYPE) return a;
    if (a == SM_TINYINT || a == SM_SMALLINT || a == SM_FLOAT || b == SM_TINYINT ||
        b == SM_SMALLINT || b == SM_FLOAT) {
        if ((a == SM_DECIMAL && b == SM_FLOAT) || (b == SM_DECIMAL && a == SM_FLOAT))
            return SM_DOUBLE;
        return op_num_rank(a) >= op_num_rank(b) ? a : b;
    }
    if (a == SM_DOUBLE || b == SM_DOUBLE) return SM_DOUBLE;
    if (a == SM_DECIMAL || b == SM_DECIMAL) return SM_DECIMAL;
    return a > b ? a : b; /* INT < BIGINT in the enum */
}

/* Makes `call` a decimal operator `op` ('+', '-', '*', '/', '%'): both
 * operands cast to their decimal types (a NULL one to the other's), the
 * result type by Spark's rules. */
static int op_resolve_decimal(sm_bind_ctx *ctx, sm_expr *call, char op) {
    int p[2], s[2];
    for (int i = 0; i < 2; i++)
        if (!sm_expr_dec_type(call->args[i], true, &p[i], &s[i])) p[i] = -1;
    for (int i = 0; i < 2; i++)
        if (p[i] < 0) p[i] = p[1 - i], s[i] = s[1 - i];
    for (int i = 0; i < 2; i++) {
        sm_expr *c = sm_expr_coerce_dec(ctx, call->args[i], p[i], s[i]);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[i] = c;
    }
    int rp, rs;
    sm_dec_result_type(op, p[0], s[0], p[1], s[1], &rp, &rs);
    call->type = SM_DECIMAL;
    call->precision = (int8_t)rp;
    call->scale = (int8_t)rs;
    call->nullable = true; /* overflow is null */
    return SM_OK;
}

static bool op_is(const sm_expr *call, const char *name) { return strcmp(call->fn->name, name) == 0; }

/* + - * % pmod */
static int op_resolve_arith(sm_bind_ctx *ctx, sm_expr *call) {
    /* ---- INTERVAL operands: expr/func_interval.c (date ± interval, ...) ---- */
    if (sm_iv_involved(call)) return sm_iv_resolve_op(ctx, call);
    /* ---- end INTERVAL ---- */
    sm_type l = call->args[0]->type, r = call->args[1]->type;
    bool add = op_is(call, "+"), sub = op_is(call, "-");
    /* DATE + INT, INT + DATE, DATE - INT: Spark rewrites to date_add/date_sub. */
    if ((add || sub) && (l == SM_DATE || (add && r == SM_DATE))) {
        int d = l == SM_DATE ? 0 : 1, k = 1 - d;
        sm_type kt = call->args[k]->type;
        if (kt == SM_DATE && sub)
            return sm_bind_fail(ctx, call,
                                "[UNSUPPORTED_FEATURE] Subtracting dates gives an interval, which "
                                "smelt does not support in \"%s\"; use datediff(end, start).",
                                sm_bind_sql(ctx, call));
        if (kt != SM_INT && kt != SM_NULLTYPE && kt != SM_TINYINT && kt != SM_SMALLINT)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                                "to data type mismatch: Parameter 2 requires the (\"INT\" or "
                                "\"SMALLINT\" or \"TINYINT\") type, however \"%s\" has the type "
                                "\"%s\".",
                                sm_bind_sql(ctx, call), sm_bind_sql(ctx, call->args[k]),
                                ev_type_upper(kt == SM_STRING ? SM_DOUBLE : kt));
        SM_TRY(op_coerce(ctx, call, k, SM_INT));
        call->type = SM_DATE;
        call->nullable = op_nullable(call);
        return SM_OK;
    }
    if (l == SM_STRING) l = SM_DOUBLE;
    if (r == SM_STRING) r = SM_DOUBLE;
    bool lok = op_is_num(l) || l == SM_NULLTYPE, rok = op_is_num(r) || r == SM_NULLTYPE;
    if (!lok || !rok) {
        if (l != r && l != SM_NULLTYPE && r != SM_NULLTYPE) return op_err_diff(ctx, call);
        return op_err_wrong(ctx, call, op_numeric_req, lok ? r : l);
    }
    sm_type t = op_wider_num(l, r);
    if (t == SM_NULLTYPE) t = SM_DOUBLE;
    if (t == SM_DECIMAL)
        return op_resolve_decimal(ctx, call, add ? '+' : sub ? '-' : op_is(call, "*") ? '*' : '%');
    SM_TRY(op_coerce(ctx, call, 0, t));
    SM_TRY(op_coerce(ctx, call, 1, t));
    call->type = t;
    /* Remainder by zero is null. */
    call->nullable = op_nullable(call) || op_is(call, "%") || op_is(call, "pmod");
    return SM_OK;
}

static int op_resolve_divide(sm_bind_ctx *ctx, sm_expr *call) {
    /* ---- INTERVAL operands: expr/func_interval.c (date ± interval, ...) ---- */
    if (sm_iv_involved(call)) return sm_iv_resolve_op(ctx, call);
    /* ---- end INTERVAL ---- */
    for (int i = 0; i < 2; i++) {
        sm_type t = call->args[i]->type;
        if (!(op_is_num(t) || t == SM_STRING || t == SM_NULLTYPE)) {
            sm_type o = call->args[1 - i]->type;
            if (o != t && o != SM_NULLTYPE) return op_err_diff(ctx, call);
            return op_err_wrong(ctx, call, "(\"DOUBLE\" or \"DECIMAL\")", t);
        }
    }
    sm_type l = call->args[0]->type, r = call->args[1]->type;
    if ((l == SM_DECIMAL || r == SM_DECIMAL) && l != SM_DOUBLE && r != SM_DOUBLE &&
        l != SM_STRING && r != SM_STRING && l != SM_FLOAT && r != SM_FLOAT)
        return op_resolve_decimal(ctx, call, '/');
    SM_TRY(op_coerce(ctx, call, 0, SM_DOUBLE));
    SM_TRY(op_coerce(ctx, call, 1, SM_DOUBLE));
    call->type = SM_DOUBLE;
    call->nullable = true;
    return SM_OK;
}

static int op_resolve_intdiv(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type l = call->args[0]->type, r = call->args[1]->type;
    if (l == SM_STRING) l = SM_DOUBLE;
    if (r == SM_STRING) r = SM_DOUBLE;
    bool lok = sm_type_is_integral(l) || l == SM_NULLTYPE;
    bool rok = sm_type_is_integral(r) || r == SM_NULLTYPE;
    if ((l == SM_DECIMAL || r == SM_DECIMAL) && (lok || l == SM_DECIMAL) &&
        (rok || r == SM_DECIMAL)) {
        /* decimal div: both sides as their wider decimal, the quotient
         * truncated to a BIGINT (Decimal.toLong, wrapping) */
        int p, sc;
        SM_TRY(sm_expr_wider_decimal(call->args, 2, &p, &sc));
        for (int i = 0; i < 2; i++) {
            sm_expr *c = sm_expr_coerce_dec(ctx, call->args[i], p, sc);
            if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
            call->args[i] = c;
        }
        call->type = SM_BIGINT;
        call->nullable = true;
        return SM_OK;
    }
    if (!lok || !rok) {
        sm_type lc = lok ? SM_BIGINT : l, rc = rok ? SM_BIGINT : r;
        if (lc != rc)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"%s\" due "
                                "to data type mismatch: the left and right operands of the binary "
                                "operator have incompatible types (\"%s\" and \"%s\").",
                                sm_bind_sql(ctx, call), ev_type_upper(lc), ev_type_upper(rc));
        return op_err_wrong(ctx, call,
                            "(\"BIGINT\" or \"DECIMAL\" or \"INTERVAL YEAR TO MONTH\" or "
                            "\"INTERVAL DAY TO SECOND\")",
                            lc);
    }
    SM_TRY(op_coerce(ctx, call, 0, SM_BIGINT));
    SM_TRY(op_coerce(ctx, call, 1, SM_BIGINT));
    call->type = SM_BIGINT;
    call->nullable = true;
    return SM_OK;
}

static int op_resolve_unary_num(sm_bind_ctx *ctx, sm_expr *call) {
    /* ---- INTERVAL operands: expr/func_interval.c (date ± interval, ...) ---- */
    if (sm_iv_involved(call)) return sm_iv_resolve_op(ctx, call);
    /* ---- end INTERVAL ---- */
    sm_type t = call->args[0]->type;
    if (t == SM_STRING || t == SM_NULLTYPE) t = SM_DOUBLE;
    if (!op_is_num(t)) return sm_bind_fail_input(ctx, call, 1, op_numeric_req);
    SM_TRY(op_coerce(ctx, call, 0, t));
    call->type = t;
    call->precision = call->args[0]->precision; /* DECIMAL keeps its type */
    call->scale = call->args[0]->scale;
    call->nullable = op_nullable(call);
    return SM_OK;
}

/* findCommonTypeForBinaryComparison followed by numeric widening; -1 when
 * the operands cannot be compared. */
static int op_compare_type(sm_type l, sm_type r, bool equality) {
    if (l == r) return l == SM_NULLTYPE ? SM_BOOLEAN : (int)l;
    if (l == SM_NULLTYPE) return r;
    if (r == SM_NULLTYPE) return l;
    if ((l == SM_STRING && r == SM_DATE) || (l == SM_DATE && r == SM_STRING)) return SM_DATE;
    if ((l == SM_STRING && r == SM_TIMESTAMP) || (l == SM_TIMESTAMP && r == SM_STRING))
        return SM_TIMESTAMP;
    if ((l == SM_DATE && r == SM_TIMESTAMP) || (l == SM_TIMESTAMP && r == SM_DATE))
        return SM_TIMESTAMP;
    if ((l == SM_TIMESTAMP_NTZ && r == SM_TIMESTAMP) || (l == SM_TIMESTAMP && r == SM_TIMESTAMP_NTZ))
        return SM_TIMESTAMP;
    if ((l == SM_TIMESTAMP_NTZ && r == SM_DATE) || (l == SM_DATE && r == SM_TIMESTAMP_NTZ))
        return SM_TIMESTAMP_NTZ;
    /* decimal with string: double (SPARK-22469, no decimal type fits) */
    if ((l == SM_STRING && r == SM_DECIMAL) || (l == SM_DECIMAL && r == SM_STRING)) return SM_DOUBLE;
    if (l == SM_STRING) return r;
    if (r == SM_STRING) return l;
    if (op_is_num(l) && op_is_num(r)) return op_wider_num(l, r);
    if (equality && ((l == SM_BOOLEAN && op_is_num(r)) || (r == SM_BOOLEAN && op_is_num(l))))
        return l == SM_BOOLEAN ? r : l;
    return -1;
}

static int op_resolve_compare(sm_bind_ctx *ctx, sm_expr *call) {
    const char *nm = call->fn->name;
    bool equality = !strcmp(nm, "=") || !strcmp(nm, "==") || !strcmp(nm, "<=>") ||
                    !strcmp(nm, "!=") || !strcmp(nm, "<>");
    int t = op_compare_type(call->args[0]->type, call->args[1]->type, equality);
    if (t < 0) return op_err_diff(ctx, call);
    if (t == SM_DECIMAL) { /* each side its own decimal type; values compare across scales */
        int p[2], s[2];
        for (int i = 0; i < 2; i++)
            if (!sm_expr_dec_type(call->args[i], true, &p[i], &s[i])) p[i] = -1;
        for (int i = 0; i < 2; i++) {
            if (p[i] < 0) p[i] = p[1 - i], s[i] = s[1 - i]; /* string, boolean, NULL */
            if (p[i] < 0) p[i] = SM_DEC_DEFAULT_PRECISION, s[i] = 0;
        }
        for (int i = 0; i < 2; i++) {
            sm_expr *c = sm_expr_coerce_dec(ctx, call->args[i], p[i], s[i]);
            if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
            call->args[i] = c;
        }
        call->type = SM_BOOLEAN;
        call->nullable = strcmp(nm, "<=>") != 0 && op_nullable(call);
        return SM_OK;
    }
    SM_TRY(op_coerce(ctx, call, 0, (sm_type)t));
    SM_TRY(op_coerce(ctx, call, 1, (sm_type)t));
    call->type = SM_BOOLEAN;
    call->nullable = strcmp(nm, "<=>") != 0 && op_nullable(call);
    return SM_OK;
}

static int op_resolve_logic(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type l = call->args[0]->type, r = call->args[1]->type;
    bool lok = l == SM_BOOLEAN || l == SM_NULLTYPE, rok = r == SM_BOOLEAN || r == SM_NULLTYPE;
    if (!lok || !rok) {
        if (l != r && l != SM_NULLTYPE && r != SM_NULLTYPE) return op_err_diff(ctx, call);
        return op_err_wrong(ctx, call, "\"BOOLEAN\"", lok ? r : l);
    }
    SM_TRY(op_coerce(ctx, call, 0, SM_BOOLEAN));
    SM_TRY(op_coerce(ctx, call, 1, SM_BOOLEAN));
    call->type = SM_BOOLEAN;
    call->nullable = op_nullable(call);
    return SM_OK;
}

static int op_resolve_not(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t != SM_BOOLEAN && t != SM_NULLTYPE) return sm_bind_fail_input(ctx, call, 1, "\"BOOLEAN\"");
    SM_TRY(op_coerce(ctx, call, 0, SM_BOOLEAN));
    call->type = SM_BOOLEAN;
    call->nullable = op_nullable(call);
    return SM_OK;
}

static int op_resolve_nulltest(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    call->type = SM_BOOLEAN;
    call->nullable = false;
    return SM_OK;
}

/* ---- evaluation helpers ------------------------------------------------------ */

static int op_div_zero(void) {
    return sm_err(SM_INVALID,
                  "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 "
                  "and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to "
                  "\"false\" to bypass this error.");
}

static int op_overflow(const char *what, const char *try_fn) {
    return sm_err(SM_INVALID,
                  "[ARITHMETIC_OVERFLOW] %s overflow. Use '%s' to tolerate overflow and return NULL "
                  "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                  "error.",
                  what, try_fn);
}

/* A result of n rows of type t with validity = AND of a and b. */
static sm_vector *op_result(sm_type t, const sm_vector *a, const sm_vector *b, int64_t n) {
    sm_vector *v = ev_new_fixed(t, n);
    if (!v) return NULL;
    if (ev_and_validity2(v, a, b, n) != SM_OK) {
        sm_vector_unref(v);
        return NULL;
    }
    return v;
}

static inline bool op_valid(const sm_vector *v, int64_t row) {
    return !v->validity || ev_bit(v->validity, row);
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_PMOD };

/* Wrapping integer arithmetic in unsigned types, as Java does. */
#define OP_WRAP32(x) ((int32_t)(uint32_t)(x))
#define OP_WRAP64(x) ((int64_t)(uint64_t)(x))

/* The name of the try_ function Spark's overflow message suggests for op. */
static const char *op_try_fn(int op) {
    return op == OP_ADD ? "try_add" : op == OP_SUB ? "try_subtract" : "try_multiply";
}

/* A zero divisor at `row`: null if the row is valid, or [DIVIDE_BY_ZERO]
 * under ANSI.  *bm is v's bitmap, made on first use. */
static int op_zero_divisor(sm_vector *v, int64_t row, bool ansi, uint8_t **bm) {
    if (!op_valid(v, row)) return SM_OK;
    if (ansi) return op_div_zero();
    if (!*bm && !(*bm = ev_validity(v))) return SM_NOMEM;
    ev_clear_bit(*bm, row);
    return SM_OK;
}

/* Clears the validity bit of every valid row whose divisor (b, of type t:
 * INT, BIGINT or DOUBLE) is zero, so the row is null; under ANSI fails with
 * [DIVIDE_BY_ZERO] instead.  One scan per type.  The caller frees v on
 * failure. */
static int op_null_zero_divisors(sm_vector *v, const sm_vector *b, sm_type t, int64_t n,
                                 bool ansi) {
    uint8_t *bm = NULL;
    int rc = SM_OK;
    int64_t row;
#define OP_SCAN_ZEROS(GET)                                                                  \
    for (row = 0; row < n && rc == SM_OK; row++)                                             \
        if (GET(b)[row] == 0) rc = op_zero_divisor(v, row, ansi, &bm)
    switch (t) {
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INT: OP_SCAN_ZEROS(SM_VEC_I32); break;
    case SM_BIGINT: OP_SCAN_ZEROS(SM_VEC_I64); break;
    default: OP_SCAN_ZEROS(SM_VEC_F64); break;
    }
#undef OP_SCAN_ZEROS
    return rc;
}

/* Integer + - * % pmod over T (int32_t or int64_t, unsigned UT), one tight
 * loop per operator: wrapping like Java, or under ANSI (+ - * only) failing
 * with [ARITHMETIC_OVERFLOW] naming WHAT ("integer", "long") on a valid row.
 * Zero divisors were made null before; % and pmod by 0 or -1 give 0 (-1
 * avoids the C overflow of MIN % -1).  Defines a function NAME returning a
 * status; the caller frees v on failure. */
#define OP_ARITH_INT_FN(NAME, T, UT, GET, WRAP, WHAT)                                       \
    static int NAME(sm_vector *v, const sm_vector *a, const sm_vector *b, int64_t n, int op, \
                    bool ansi) {                                                             \
        const T *x = GET(a), *y = GET(b);                                                    \
        T *r = GET(v);                                                                       \
        int64_t row;                                                                         \
        if (ansi && op <= OP_MUL) {                                                          \
            for (row = 0; row < n; row++) {                                                  \
                T z;                                                                         \
                bool of = op == OP_ADD   ? __builtin_add_overflow(x[row], y[row], &z)        \
                          : op == OP_SUB ? __builtin_sub_overflow(x[row], y[row], &z)        \
                                         : __builtin_mul_overflow(x[row], y[row], &z);       \
                if (of && op_valid(v, row)) return op_overflow(WHAT, op_try_fn(op));         \
                r[row] = z;                                                                  \
            }                                                                                \
            return SM_OK;                                                                    \
        }                                                                                    \
        switch (op) {                                                                        \
        case OP_ADD:                                                                         \
            for (row = 0; row < n; row++) r[row] = WRAP((UT)x[row] + (UT)y[row]);            \
            break;                                                                           \
        case OP_SUB:                                                                         \
            for (row = 0; row < n; row++) r[row] = WRAP((UT)x[row] - (UT)y[row]);            \
            break;                                                                           \
        case OP_MUL:                                                                         \
            for (row = 0; row < n; row++) r[row] = WRAP((UT)x[row] * (UT)y[row]);            \
            break;                                                                           \
        case OP_MOD:                                                                         \
            for (row = 0; row < n; row++)                                                    \
                r[row] = (y[row] == 0 || y[row] == -1) ? 0 : x[row] % y[row];                \
            break;                                                                           \
        case OP_PMOD:                                                                        \
            for (row = 0; row < n; row++) {                                                  \
                if (y[row] == 0 || y[row] == -1) {                                           \
                    r[row] = 0;                                                              \
                    continue;                                                                \
                }                                                                            \
                T m = x[row] % y[row];                                                       \
                if (m < 0) {                                                                 \
                    m = WRAP((UT)m + (UT)y[row]);                                            \
                    m = m % y[row];                                                          \
                }                                                                            \
                r[row] = m;                                                                  \
            }                                                                                \
            break;                                                                           \
        }                                                                                    \
        return SM_OK;                                                                        \
    }
OP_ARITH_INT_FN(op_arith_i32, int32_t, uint32_t, SM_VEC_I32, OP_WRAP32, "integer")
OP_ARITH_INT_FN(op_arith_i64, int64_t, uint64_t, SM_VEC_I64, OP_WRAP64, "long")

/* Narrows int32 results of tinyint / smallint arithmetic to the type's
 * range: Java's (byte) / (short) wrap, or under ANSI Spark's
 * [BINARY_ARITHMETIC_OVERFLOW] on a valid row whose result does not fit. */
static int op_narrow(sm_vector *v, const sm_vector *a, const sm_vector *b, int64_t n, int op,
                     bool ansi) {
    int32_t *r = SM_VEC_I32(v);
    bool tiny = v->type == SM_TINYINT;
    for (int64_t row = 0; row < n; row++) {
        int32_t x = r[row];
        int32_t w = tiny ? (int32_t)(int8_t)(uint8_t)(uint32_t)x : (int32_t)(int16_t)(uint16_t)(uint32_t)x;
        if (w != x && ansi && op_valid(v, row)) {
            static const char *const sym[] = {"+", "-", "*", "%", "pmod"};
            const char *fn = op == OP_ADD ? "try_add" : op == OP_SUB ? "try_subtract"
                              : op == OP_MUL ? "try_multiply" : "";
            return sm_err(SM_INVALID,
                          "[BINARY_ARITHMETIC_OVERFLOW] %" PRId32 "S %s %" PRId32 "S caused "
                          "overflow. Use '%s' to tolerate overflow and return NULL instead. If "
                          "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                          "error.",
                          SM_VEC_I32(a)[row], op >= 0 && op <= 4 ? sym[op] : "?", SM_VEC_I32(b)[row], fn);
        }
        r[row] = w;
    }
    return SM_OK;
}

/* Decimal + - * / % pmod: every valid row through decimal.c; a zero divisor
 * or an overflow is null (ANSI: [DIVIDE_BY_ZERO] / [NUMERIC_VALUE_OUT_OF_RANGE]). */
static int op_arith_dec(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                        sm_vector **out, int op) {
    const sm_vector *a = args[0], *b = args[1];
    sm_vector *v = op_result(SM_DECIMAL, a, b, n);
    if (!v) return SM_NOMEM;
    v->precision = call->precision;
    v->scale = call->scale;
    bool ansi = ctx && ctx->ansi;
    int rp = call->precision, rs = call->scale, sa = a->scale, sb = b->scale;
    const __int128 *x = SM_VEC_DEC(a), *y = SM_VEC_DEC(b);
    __int128 *r = SM_VEC_DEC(v);
    uint8_t *bm = NULL;
    for (int64_t row = 0; row < n; row++) {
        r[row] = 0;
        if (!op_valid(v, row)) continue;
        bool ok;
        if (op >= OP_MOD && y[row] == 0) {
            if (ansi) {
                sm_vector_unref(v);
                return op_div_zero();
            }
            ok = false;
        } else {
            switch (op) {
            case OP_ADD: ok = sm_dec_add(x[row], sa, y[row], sb, rp, rs, &r[row]); break;
            case OP_SUB: ok = sm_dec_sub(x[row], sa, y[row], sb, rp, rs, &r[row]); break;
            case OP_MUL: ok = sm_dec_mul(x[row], sa, y[row], sb, rp, rs, &r[row]); break;
            case OP_MOD: ok = sm_dec_rem(x[row], sa, y[row], sb, rp, rs, &r[row]); break;
            case OP_PMOD: ok = sm_dec_pmod(x[row], sa, y[row], sb, rp, rs, &r[row]); break;
            default: ok = sm_dec_div(x[row], sa, y[row], sb, rp, rs, &r[row]); break;
            }
            if (!ok && ansi) {
                sm_vector_unref(v);
                return sm_err(SM_INVALID,
                              "[NUMERIC_VALUE_OUT_OF_RANGE] The result of %s cannot be represented "
                              "as Decimal(%d, %d). If necessary set \"spark.sql.ansi.enabled\" to "
                              "\"false\" to bypass this error, and return NULL instead.",
                              call->fn->name, rp, rs);
            }
        }
        if (!ok) {
            r[row] = 0;
            if (!bm && !(bm = ev_validity(v))) {
                sm_vector_unref(v);
                return SM_NOMEM;
            }
            ev_clear_bit(bm, row);
        }
    }
    *out = v;
    return SM_OK;
}

enum { OP_DIV = OP_PMOD + 1 };

static int op_arith(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out, int op) {
    if (call->type == SM_DECIMAL) return op_arith_dec(ctx, call, args, n, out, op);
    const sm_vector *a = args[0], *b = args[1];
    sm_vector *v = op_result(call->type, a, b, n);
    if (!v) return SM_NOMEM;
    bool ansi = ctx && ctx->ansi;
    int rc = SM_OK;
    if (op == OP_MOD || op == OP_PMOD)
        rc = op_null_zero_divisors(v, b, call->type, n, ansi);
    if (rc == SM_OK) {
        switch (call->type) {
        /* date_add / date_sub: (DATE, INT) or (INT, DATE), wrapping, never ANSI */
        case SM_DATE: rc = op_arith_i32(v, a, b, n, op, false); break;
        case SM_INT: rc = op_arith_i32(v, a, b, n, op, ansi); break;
        case SM_BIGINT: rc = op_arith_i64(v, a, b, n, op, ansi); break;
        case SM_TINYINT:
        case SM_SMALLINT: /* in int32, then narrowed (Java's wrap; ANSI: overflow error) */
            rc = op_arith_i32(v, a, b, n, op, false);
            if (rc == SM_OK) rc = op_narrow(v, a, b, n, op, ansi);
            break;
        case SM_FLOAT:
        case SM_DOUBLE: {
            const double *x = SM_VEC_F64(a), *y = SM_VEC_F64(b);
            double *r = SM_VEC_F64(v);
            int64_t row;
            switch (op) {
            case OP_ADD: for (row = 0; row < n; row++) r[row] = x[row] + y[row]; break;
            case OP_SUB: for (row = 0; row < n; row++) r[row] = x[row] - y[row]; break;
            case OP_MUL: for (row = 0; row < n; row++) r[row] = x[row] * y[row]; break;
            case OP_MOD: for (row = 0; row < n; row++) r[row] = fmod(x[row], y[row]); break;
            case OP_PMOD:
                for (row = 0; row < n; row++) {
                    double m = fmod(x[row], y[row]);
                    if (m < 0) m = fmod(m + y[row], y[row]);
                    r[row] = m;
                }
                break;
            }
            if (call->type == SM_FLOAT)
                for (row = 0; row < n; row++) r[row] = (double)(float)r[row];
            break;
        }
        default:
            rc = sm_err(SM_INTERNAL, "operator %s on %s", call->fn->name, sm_type_name(call->type));
        }
    }
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

static int op_add(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    return op_arith(c, e, a, n, o, OP_ADD);
}
static int op_sub(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    return op_arith(c, e, a, n, o, OP_SUB);
}
static int op_mul(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    return op_arith(c, e, a, n, o, OP_MUL);
}
static int op_mod(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    return op_arith(c, e, a, n, o, OP_MOD);
}
static int op_pmod(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    return op_arith(c, e, a, n, o, OP_PMOD);
}

/* "div" on two decimals of one type: the quotient truncated toward zero,
 * wrapped to 64 bits as Decimal.toLong does; a zero divisor is null
 * (ANSI: [DIVIDE_BY_ZERO]). */
static int op_intdiv_dec(const sm_eval_ctx *ctx, sm_vector **args, int64_t n, sm_vector **out) {
    const sm_vector *a = args[0], *b = args[1];
    if (a->scale != b->scale)
        return sm_err(SM_INTERNAL, "div: decimal operands of scales %d and %d; the binder casts "
                                   "both to one type", a->scale, b->scale);
    sm_vector *v = op_result(SM_BIGINT, a, b, n);
    if (!v) return SM_NOMEM;
    const __int128 *x = SM_VEC_DEC(a), *y = SM_VEC_DEC(b);
    int64_t *r = SM_VEC_I64(v);
    uint8_t *bm = NULL;
    for (int64_t row = 0; row < n; row++) {
        r[row] = 0;
        if (y[row] == 0) {
            int rc = op_zero_divisor(v, row, ctx && ctx->ansi, &bm);
            if (rc != SM_OK) {
                sm_vector_unref(v);
                return rc;
            }
            continue;
        }
        __int128 q = x[row] / y[row]; /* |x| < 10^38: no overflow */
        r[row] = (int64_t)(uint64_t)(unsigned __int128)q;
    }
    *out = v;
    return SM_OK;
}

/* "/" on doubles and "div" on bigints: zero divisors give null. */
static int op_divide(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    if (call->type == SM_DECIMAL) return op_arith_dec(ctx, call, args, n, out, OP_DIV);
    if (call->type == SM_BIGINT && args[0]->type == SM_DECIMAL && args[1]->type == SM_DECIMAL)
        return op_intdiv_dec(ctx, args, n, out);
    const sm_vector *a = args[0], *b = args[1];
    sm_vector *v = op_result(call->type, a, b, n);
    if (!v) return SM_NOMEM;
    int64_t row;
    int rc = op_null_zero_divisors(v, b, call->type, n, ctx && ctx->ansi);
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    if (call->type == SM_DOUBLE) {
        const double *x = SM_VEC_F64(a), *y = SM_VEC_F64(b);
        double *r = SM_VEC_F64(v);
        for (row = 0; row < n; row++) r[row] = y[row] == 0 ? 0 : x[row] / y[row];
    } else {
        const int64_t *x = SM_VEC_I64(a), *y = SM_VEC_I64(b);
        int64_t *r = SM_VEC_I64(v);
        for (row = 0; row < n; row++) {
            int64_t d = y[row];
            if (d == 0) r[row] = 0;
            else if (d == -1) {
                if (x[row] == INT64_MIN && ctx && ctx->ansi && op_valid(v, row)) {
                    sm_vector_unref(v);
                    return op_overflow("long", "try_divide");
                }
                r[row] = OP_WRAP64(0 - (uint64_t)x[row]);
            } else
                r[row] = x[row] / d;
        }
    }
    *out = v;
    return SM_OK;
}

/* Spark's message for -MIN under ANSI (no try_ function to suggest). */
static int op_neg_overflow(const char *what) {
    return sm_err(SM_INVALID,
                  "[ARITHMETIC_OVERFLOW] %s overflow. If necessary set \"spark.sql.ansi.enabled\" "
                  "to \"false\" to bypass this error.",
                  what);
}

static int op_negative(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    const sm_vector *a = args[0];
    sm_vector *v = op_result(call->type, a, NULL, n);
    if (!v) return SM_NOMEM;
    int64_t row;
    switch (call->type) {
    case SM_INT:
        for (row = 0; row < n; row++) {
            int32_t x = SM_VEC_I32(a)[row];
            if (x == INT32_MIN && ctx && ctx->ansi && op_valid(v, row)) {
                sm_vector_unref(v);
                return op_neg_overflow("integer");
            }
            SM_VEC_I32(v)[row] = OP_WRAP32(0u - (uint32_t)x);
        }
        break;
    case SM_BIGINT:
        for (row = 0; row < n; row++) {
            int64_t x = SM_VEC_I64(a)[row];
            if (x == INT64_MIN && ctx && ctx->ansi && op_valid(v, row)) {
                sm_vector_unref(v);
                return op_neg_overflow("long");
            }
            SM_VEC_I64(v)[row] = OP_WRAP64(0u - (uint64_t)x);
        }
        break;
    case SM_FLOAT:
    case SM_DOUBLE:
        for (row = 0; row < n; row++) SM_VEC_F64(v)[row] = -SM_VEC_F64(a)[row];
        break;
    case SM_TINYINT:
    case SM_SMALLINT:
        for (row = 0; row < n; row++) {
            int32_t x = SM_VEC_I32(a)[row];
            if (x == (call->type == SM_TINYINT ? -128 : -32768)) {
                if (ctx && ctx->ansi && op_valid(v, row)) {
                    sm_vector_unref(v);
                    return sm_err(SM_INVALID, "[ARITHMETIC_OVERFLOW] - %" PRId32 " caused overflow.", x);
                }
                SM_VEC_I32(v)[row] = x;
            } else {
                SM_VEC_I32(v)[row] = -x;
            }
        }
        break;
    case SM_DECIMAL: /* |u| < 10^38: never overflows */
        v->precision = a->precision;
        v->scale = a->scale;
        for (row = 0; row < n; row++) SM_VEC_DEC(v)[row] = -SM_VEC_DEC(a)[row];
        break;
    default:
        sm_vector_unref(v);
        return sm_err(SM_INTERNAL, "negative on %s", sm_type_name(call->type));
    }
    *out = v;
    return SM_OK;
}

static int op_positive(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    (void)ctx, (void)call, (void)n;
    *out = sm_vector_ref(args[0]);
    return SM_OK;
}

/* ---- comparisons ------------------------------------------------------------------ */

enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_NSEQ };

/* Spark's SQLOrderingUtil.compareDoubles: -0.0 == 0.0, NaN above all. */
static inline int op_cmp_f64(double x, double y) {
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    bool xn = isnan(x), yn = isnan(y);
    return xn == yn ? 0 : xn ? 1 : -1;
}

static inline int op_cmp_str(const sm_vector *a, const sm_vector *b, int64_t row) {
    int32_t la, lb;
    const char *pa = sm_vector_str(a, row, &la);
    const char *pb = sm_vector_str(b, row, &lb);
    int32_t m = la < lb ? la : lb;
    int c = m ? memcmp(pa, pb, (size_t)m) : 0;
    if (c) return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb ? 1 : 0;
}

/* r[row] = (cmp(row) OP 0) for a three-way compare expression CMP. */
#define OP_CMP_LOOP(CMP)                                                               \
    switch (op) {                                                                        \
    case CMP_EQ: for (row = 0; row < n; row++) r[row] = (CMP) == 0; break;               \
    case CMP_NE: for (row = 0; row < n; row++) r[row] = (CMP) != 0; break;               \
    case CMP_LT: for (row = 0; row < n; row++) r[row] = (CMP) < 0; break;                \
    case CMP_LE: for (row = 0; row < n; row++) r[row] = (CMP) <= 0; break;               \
    case CMP_GT: for (row = 0; row < n; row++) r[row] = (CMP) > 0; break;                \
    case CMP_GE: for (row = 0; row < n; row++) r[row] = (CMP) >= 0; break;               \
    }

/* Direct comparisons of primitive values (compilers vectorise these). */
#define OP_CMP_PRIM(T, GET)                                                            \
    do {                                                                                 \
        const T *x = GET(a), *y = GET(b);                                                \
        switch (op) {                                                                    \
        case CMP_EQ: for (row = 0; row < n; row++) r[row] = x[row] == y[row]; break;     \
        case CMP_NE: for (row = 0; row < n; row++) r[row] = x[row] != y[row]; break;     \
        case CMP_LT: for (row = 0; row < n; row++) r[row] = x[row] < y[row]; break;      \
        case CMP_LE: for (row = 0; row < n; row++) r[row] = x[row] <= y[row]; break;     \
        case CMP_GT: for (row = 0; row < n; row++) r[row] = x[row] > y[row]; break;      \
        case CMP_GE: for (row = 0; row < n; row++) r[row] = x[row] >= y[row]; break;     \
        }                                                                                \
    } while (0)

/* Fills r[0..n) with the comparison ignoring nulls. */
static int op_compare_values(const sm_vector *a, const sm_vector *b, int op, int64_t n, uint8_t *r) {
    int64_t row;
    switch (sm_type_phys(a->type)) {
    case SM_BOOLEAN: OP_CMP_PRIM(uint8_t, SM_VEC_BOOL); break;
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INTERVAL_YM:
    case SM_DATE: OP_CMP_PRIM(int32_t, SM_VEC_I32); break;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT:
    case SM_TIMESTAMP: OP_CMP_PRIM(int64_t, SM_VEC_I64); break;
    case SM_FLOAT:
    case SM_DOUBLE: {
        const double *x = SM_VEC_F64(a), *y = SM_VEC_F64(b);
        OP_CMP_LOOP(op_cmp_f64(x[row], y[row]));
        break;
    }
    case SM_STRING: {
        if (op == CMP_EQ || op == CMP_NE) {
            /* equality: lengths first, then bytes */
            const int32_t *oa = SM_VEC_OFF(a), *ob = SM_VEC_OFF(b);
            for (row = 0; row < n; row++) {
                int32_t la = oa[row + 1] - oa[row], lb = ob[row + 1] - ob[row];
                bool eq = la == lb && (la == 0 || memcmp(a->bytes + oa[row], b->bytes + ob[row],
                                                         (size_t)la) == 0);
                r[row] = op == CMP_EQ ? eq : !eq;
            }
        } else {
            OP_CMP_LOOP(op_cmp_str(a, b, row));
        }
        break;
    }
    case SM_DECIMAL:
        if (a->scale == b->scale) {
            OP_CMP_PRIM(__int128, SM_VEC_DEC);
        } else {
            const __int128 *x = SM_VEC_DEC(a), *y = SM_VEC_DEC(b);
            int sa = a->scale, sb = b->scale;
            OP_CMP_LOOP(sm_dec_cmp(x[row], sa, y[row], sb));
        }
        break;
    case SM_NULLTYPE: memset(r, 0, (size_t)n); break;
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT: OP_CMP_LOOP(sm_vector_compare_rows(a, row, b, row)); break;
    default: return sm_err(SM_INTERNAL, "comparison of %s", sm_type_name(a->type));
    }
    return SM_OK;
}

static int op_compare(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out, int op) {
    (void)ctx, (void)call;
    const sm_vector *a = args[0], *b = args[1];
    if (op == CMP_NSEQ) {
        sm_vector *v = ev_new_fixed(SM_BOOLEAN, n);
        if (!v) return SM_NOMEM;
        uint8_t *r = SM_VEC_BOOL(v);
        int rc = op_compare_values(a, b, CMP_EQ, n, r);
        if (rc != SM_OK) {
            sm_vector_unref(v);
            return rc;
        }
        if (a->validity || b->validity || a->type == SM_NULLTYPE)
            for (int64_t row = 0; row < n; row++) {
                bool na = sm_vector_is_null(a, row), nb = sm_vector_is_null(b, row);
                if (na || nb) r[row] = na && nb;
            }
        *out = v;
        return SM_OK;
    }
    sm_vector *v = op_result(SM_BOOLEAN, a, b, n);
    if (!v) return SM_NOMEM;
    int rc = op_compare_values(a, b, op, n, SM_VEC_BOOL(v));
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

#define OP_CMP_FN(NAME, OP)                                                                 \
    static int NAME(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n,      \
                    sm_vector **o) {                                                        \
        return op_compare(c, e, a, n, o, OP);                                               \
    }
OP_CMP_FN(op_eq, CMP_EQ)
OP_CMP_FN(op_ne, CMP_NE)
OP_CMP_FN(op_lt, CMP_LT)
OP_CMP_FN(op_le, CMP_LE)
OP_CMP_FN(op_gt, CMP_GT)
OP_CMP_FN(op_ge, CMP_GE)
OP_CMP_FN(op_nseq, CMP_NSEQ)

/* ---- boolean logic ------------------------------------------------------------------ */

/* Three-valued AND/OR: a definite false (AND) / true (OR) on either side
 * decides; otherwise any null makes the row null. */
static int op_logic(const sm_vector *a, const sm_vector *b, int64_t n, bool is_and, sm_vector **out) {
    sm_vector *v = ev_new_fixed(SM_BOOLEAN, n);
    if (!v) return SM_NOMEM;
    const uint8_t *x = SM_VEC_BOOL(a), *y = SM_VEC_BOOL(b);
    uint8_t *r = SM_VEC_BOOL(v);
    int64_t row;
    if (!a->validity && !b->validity && a->type != SM_NULLTYPE && b->type != SM_NULLTYPE) {
        if (is_and)
            for (row = 0; row < n; row++) r[row] = x[row] & y[row];
        else
            for (row = 0; row < n; row++) r[row] = x[row] | y[row];
        *out = v;
        return SM_OK;
    }
    uint8_t *bm = ev_validity(v);
    if (!bm) {
        sm_vector_unref(v);
        return SM_NOMEM;
    }
    /* Eight rows (one validity byte) at a time, as bit masks: va/vb = the
     * side is not null, xa/xb = it is true; AND is true when both are true
     * and known when either is a known false or both are known; OR is true
     * when either is true and known when either is true or both are known.
     * The values' eight bytes are folded to bits (any non-zero byte is
     * true) with a multiply, and the result spread back to 0/1 bytes. */
    bool a_all_null = a->type == SM_NULLTYPE, b_all_null = b->type == SM_NULLTYPE;
    const uint8_t *abm = a_all_null ? NULL : a->validity, *bbm = b_all_null ? NULL : b->validity;
    for (int64_t base = 0; base < n; base += 8) {
        int64_t m = n - base < 8 ? n - base : 8;
        uint64_t wx = 0, wy = 0;
        memcpy(&wx, x + base, (size_t)m);
        memcpy(&wy, y + base, (size_t)m);
        wx |= wx >> 4, wx |= wx >> 2, wx |= wx >> 1, wx &= 0x0101010101010101ull;
        wy |= wy >> 4, wy |= wy >> 2, wy |= wy >> 1, wy &= 0x0101010101010101ull;
        unsigned bx = (unsigned)((wx * 0x0102040810204080ull) >> 56);
        unsigned by = (unsigned)((wy * 0x0102040810204080ull) >> 56);
        unsigned va = a_all_null ? 0u : abm ? abm[base >> 3] : 0xffu;
        unsigned vb = b_all_null ? 0u : bbm ? bbm[base >> 3] : 0xffu;
        unsigned xa = va & bx, xb = vb & by, res, known;
        if (is_and) {
            res = xa & xb;
            known = (va & ~xa) | (vb & ~xb) | (va & vb);
        } else {
            res = xa | xb;
            known = res | (va & vb);
        }
        res &= known;
        uint64_t spread = ((uint64_t)(res & 0xffu) * 0x0101010101010101ull) & 0x8040201008040201ull;
        spread = ((spread + 0x7f7f7f7f7f7f7f7full) & 0x8080808080808080ull) >> 7;
        memcpy(r + base, &spread, (size_t)m);
        uint8_t mask = m == 8 ? 0xffu : (uint8_t)((1u << m) - 1u);
        bm[base >> 3] = (uint8_t)((bm[base >> 3] & ~mask) | (known & mask));
    }
    *out = v;
    return SM_OK;
}

static int op_and(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    (void)c, (void)e;
    return op_logic(a[0], a[1], n, true, o);
}
static int op_or(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n, sm_vector **o) {
    (void)c, (void)e;
    return op_logic(a[0], a[1], n, false, o);
}

static int op_not(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                  sm_vector **out) {
    (void)ctx, (void)call;
    sm_vector *v = op_result(SM_BOOLEAN, args[0], NULL, n);
    if (!v) return SM_NOMEM;
    const uint8_t *x = SM_VEC_BOOL(args[0]);
    uint8_t *r = SM_VEC_BOOL(v);
    if (args[0]->type == SM_NULLTYPE) memset(r, 0, (size_t)n);
    else
        for (int64_t row = 0; row < n; row++) r[row] = !x[row];
    *out = v;
    return SM_OK;
}

static int op_nulltest(const sm_vector *a, int64_t n, bool want_null, sm_vector **out) {
    sm_vector *v = ev_new_fixed(SM_BOOLEAN, n);
    if (!v) return SM_NOMEM;
    uint8_t *r = SM_VEC_BOOL(v);
    if (a->type == SM_NULLTYPE) memset(r, want_null, (size_t)n);
    else if (!a->validity) memset(r, !want_null, (size_t)n);
    else
        for (int64_t row = 0; row < n; row++) r[row] = ev_bit(a->validity, row) != want_null;
    *out = v;
    return SM_OK;
}

static int op_isnull(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n,
                     sm_vector **o) {
    (void)c, (void)e;
    return op_nulltest(a[0], n, true, o);
}
static int op_isnotnull(const sm_eval_ctx *c, const sm_expr *e, sm_vector **a, int64_t n,
                        sm_vector **o) {
    (void)c, (void)e;
    return op_nulltest(a[0], n, false, o);
}

/* ---- bitwise: & | ^ ~ on int and bigint (Spark's IntegralType) -------- */

static int op_resolve_bitwise(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = SM_NULLTYPE;
    for (int i = 0; i < call->nargs; i++) {
        sm_type a = call->args[i]->type;
        if (a == SM_NULLTYPE) continue;
        if (a != SM_INT && a != SM_BIGINT)
            return sm_bind_fail_input(ctx, call, i + 1, "\"INTEGRAL\"");
        t = t == SM_NULLTYPE ? a : op_wider_num(t, a);
    }
    if (t == SM_NULLTYPE) t = SM_INT;
    for (int i = 0; i < call->nargs; i++) SM_TRY(op_coerce(ctx, call, i, t));
    call->type = t;
    call->nullable = op_nullable(call);
    return SM_OK;
}

#define OP_BITWISE(fname, OP)                                                              \
    static int fname(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,       \
                     int64_t n, sm_vector **out) {                                         \
        (void)ctx;                                                                          \
        sm_vector *v = op_result(call->type, args[0], args[1], n);                          \
        if (!v) return SM_NOMEM;                                                            \
        if (call->type == SM_INT)                                                           \
            for (int64_t row = 0; row < n; row++)                                           \
                SM_VEC_I32(v)[row] = SM_VEC_I32(args[0])[row] OP SM_VEC_I32(args[1])[row];  \
        else                                                                                \
            for (int64_t row = 0; row < n; row++)                                           \
                SM_VEC_I64(v)[row] = SM_VEC_I64(args[0])[row] OP SM_VEC_I64(args[1])[row];  \
        *out = v;                                                                           \
        return SM_OK;                                                                       \
    }
OP_BITWISE(op_bitand, &)
OP_BITWISE(op_bitor, |)
OP_BITWISE(op_bitxor, ^)

static int op_bitnot(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    (void)ctx;
    sm_vector *v = op_result(call->type, args[0], NULL, n);
    if (!v) return SM_NOMEM;
    if (call->type == SM_INT)
        for (int64_t row = 0; row < n; row++) SM_VEC_I32(v)[row] = ~SM_VEC_I32(args[0])[row];
    else
        for (int64_t row = 0; row < n; row++) SM_VEC_I64(v)[row] = ~SM_VEC_I64(args[0])[row];
    *out = v;
    return SM_OK;
}

const sm_func_def sm_funcs_operators[] = {
    {"+", 2, 2, op_resolve_arith, op_add, NULL},
    {"-", 2, 2, op_resolve_arith, op_sub, NULL},
    {"*", 2, 2, op_resolve_arith, op_mul, NULL},
    {"%", 2, 2, op_resolve_arith, op_mod, NULL},
    {"mod", 2, 2, op_resolve_arith, op_mod, NULL},
    {"pmod", 2, 2, op_resolve_arith, op_pmod, NULL},
    {"/", 2, 2, op_resolve_divide, op_divide, NULL},
    {"div", 2, 2, op_resolve_intdiv, op_divide, NULL},
    {"negative", 1, 1, op_resolve_unary_num, op_negative, NULL},
    {"positive", 1, 1, op_resolve_unary_num, op_positive, NULL},
    {"=", 2, 2, op_resolve_compare, op_eq, NULL},
    {"==", 2, 2, op_resolve_compare, op_eq, NULL},
    {"<=>", 2, 2, op_resolve_compare, op_nseq, NULL},
    {"!=", 2, 2, op_resolve_compare, op_ne, NULL},
    {"<>", 2, 2, op_resolve_compare, op_ne, NULL},
    {"<", 2, 2, op_resolve_compare, op_lt, NULL},
    {"<=", 2, 2, op_resolve_compare, op_le, NULL},
    {">", 2, 2, op_resolve_compare, op_gt, NULL},
    {">=", 2, 2, op_resolve_compare, op_ge, NULL},
    {"and", 2, 2, op_resolve_logic, op_and, NULL},
    {"or", 2, 2, op_resolve_logic, op_or, NULL},
    {"not", 1, 1, op_resolve_not, op_not, NULL},
    {"!", 1, 1, op_resolve_not, op_not, NULL},
    {"&", 2, 2, op_resolve_bitwise, op_bitand, NULL},
    {"|", 2, 2, op_resolve_bitwise, op_bitor, NULL},
    {"^", 2, 2, op_resolve_bitwise, op_bitxor, NULL},
    {"~", 1, 1, op_resolve_bitwise, op_bitnot, NULL},
    {"isnull", 1, 1, op_resolve_nulltest, op_isnull, NULL},
    {"isnotnull", 1, 1, op_resolve_nulltest, op_isnotnull, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
