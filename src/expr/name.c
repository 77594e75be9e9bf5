/*
 * name.c — Spark 3.5's auto-generated column names (what
 * df.select(expr("...")).columns shows).
 *
 * Spark names an unaliased select item toPrettySQL(e): the expression's SQL
 * with column references printed bare, numeric literals by their value
 * (Java's toString: 1.5D → "1.5", 1e3 → "1000.0", decimals as written,
 * normalized: ".5" → "0.5"), string literals unquoted, NULL, true/false,
 * DATE '2024-01-01', and implicit casts left out.  Two rules apply only at
 * the top (ResolveAliases): an alias gives its name, and an explicit
 * CAST of a column or alias is named after that column ("CAST(a AS INT)"
 * gives "a", but "CAST((a + 1) AS INT)" keeps its SQL).
 *
 * Each operator prints as Spark's expression class does; the forms were
 * checked against PySpark 3.5.3 and are pinned in tests/unit/test_parse.c:
 *   (a + 1)  (a div b)  (NOT (a = 1)) for != and <>  (NOT x)  (- a)  (+ a)
 *   ~a  (a IS NULL)  (a IS NOT NULL)  concat(a, b) for ||  a LIKE x%
 *   RLIKE(a, x)  (IF(c, x, y))  (a IN (1, 2))  (NOT (a IN (1, 2)))
 *   CASE WHEN (x > 1) THEN a ELSE b END (and CASE x WHEN 1 → WHEN (x = 1))
 *   count(1) for count(*)  count(DISTINCT a)  first(a) for first(a, true)
 *   function names lower case, except Spark's upper-case pretty names
 *   (E(), PI(), POWER, CEIL, SQRT, ...; see nm_pretty_name), and the
 *   arguments Spark's builders fill in (round(x) → "round(x, 0)"; see
 *   nm_default_args).
 *
 * Before and after resolution.  sm_expr_sql_name names the tree as
 * written, as Spark's toPrettySQL names an unresolved expression (what
 * groupBy(expr("r.k + 1")) shows: "(r.k + 1)").  Select and aggregate items
 * are named after resolution, which sm_expr_sql_name_bound gives: it walks
 * the unbound tree together with the binder's result (nm_pair: the same
 * shape minus the casts the binder inserts; where shapes part, the rest is
 * named from the unbound tree alone) and takes from the bound partner
 *   - column names without their qualifier (r.k + 1 → "(k + 1)");
 *   - the types that decide Spark's analyzer rewrites (nm_datetime_arith):
 *     date + int → "date_add(d, 1)", date - int → "date_sub(d, 1)",
 *     date ± INTERVAL n DAY → "date_add(d, [(- ]extractansiintervaldays(..)[)])",
 *     date/timestamp ± other intervals → "d + INTERVAL '1' YEAR" (datetime
 *     first, no parentheses).
 * A bound call (fn set) passed to sm_expr_sql_name is its own partner.
 * Cast aliases (int(x), date(x), ...) are casts marked implicit by the
 * parser: Spark prints them as their argument, like its own casts.
 *
 * Limitations (smelt's narrower type system): SMALLINT/TINYINT/FLOAT casts
 * print as INT/DOUBLE;
 * TIMESTAMP literals print in UTC (Spark: the session time zone); the
 * function negative(a) prints "(- a)" like the operator -a (Spark:
 * "negative(a)"), both being the call "negative".
 *
 * Memory: the result is arena-allocated; a scratch sm_buf is used while
 * building.  Returns NULL only on SM_NOMEM.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "types/interval.h"
#include "expr/eval_internal.h"
#include "expr/cast_small.h"
#include "expr/expr.h"
#include "types/datetime.h"
#include "types/timeofday.h"
#include "types/decimal.h"

static int nm_sql(sm_buf *b, const sm_expr *e, const sm_expr *bd);
static int nm_window(sm_buf *b, const sm_expr *e, const sm_expr *bd);

static int nm_put(sm_buf *b, const char *s) { return sm_buf_append(b, s, strlen(s)); }

static int nm_lower(sm_buf *b, const char *s) {
    for (; *s; s++) SM_TRY(sm_buf_putc(b, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s)));
    return SM_OK;
}

static int nm_upper(sm_buf *b, const char *s) {
    for (; *s; s++) SM_TRY(sm_buf_putc(b, (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s)));
    return SM_OK;
}

static bool nm_is(const char *name, const char *what) { return name && strcasecmp(name, what) == 0; }

static int nm_literal(sm_buf *b, const sm_expr *e) {
    const sm_value *v = &e->lit;
    if (v->is_null || v->type == SM_NULLTYPE) return nm_put(b, "NULL");
    char tmp[64];
    switch (v->type) {
    case SM_BOOLEAN: return nm_put(b, v->v.b ? "true" : "false");
    case SM_INT: return sm_buf_appendf(b, "%d", v->v.i32);
    case SM_BIGINT: return sm_buf_appendf(b, "%lld", (long long)v->v.i64);
    case SM_TINYINT:
    case SM_SMALLINT: return sm_buf_appendf(b, "%d", v->v.i32);
    case SM_FLOAT:
        sm_format_float(v->v.f64, tmp);
        return nm_put(b, tmp);
    case SM_TIMESTAMP_NTZ:
        sm_format_timestamp(v->v.i64, sm_tz_utc(), tmp);
        return sm_buf_appendf(b, "TIMESTAMP_NTZ '%s'", tmp);
    case SM_TIME:
        sm_format_time(v->v.i64, tmp);
        return sm_buf_appendf(b, "TIME '%s'", tmp);
    case SM_DECIMAL: {
        if (e->name) return nm_put(b, e->name); /* as written, normalized */
        char d[48];
        sm_dec_format(v->v.dec, v->scale, d);
        return nm_put(b, d);
    }
    case SM_DOUBLE:
        if (e->name) return nm_put(b, e->name); /* a decimal literal's spelling */
        sm_format_double(v->v.f64, tmp);
        return nm_put(b, tmp);
    case SM_STRING:
    case SM_BINARY:
        if (e->name) return nm_put(b, e->name); /* a binary literal's spelling X'1F' */
        return sm_buf_append(b, v->v.str.ptr, v->v.str.len > 0 ? (size_t)v->v.str.len : 0);
    case SM_DATE:
        sm_format_date(v->v.i32, tmp);
        return sm_buf_appendf(b, "DATE '%s'", tmp);
    case SM_TIMESTAMP:
        sm_format_timestamp(v->v.i64, sm_tz_utc(), tmp);
        return sm_buf_appendf(b, "TIMESTAMP '%s'", tmp);
    default: return nm_put(b, "NULL");
    }
}

/* DATE 'x' / TIMESTAMP 'x' typed literals (a cast node named "DATE" /
 * "TIMESTAMP" over a string literal, see parse.c): Spark prints the value
 * normalized. */
static int nm_typed_literal(sm_buf *b, const sm_expr *e) {
    const sm_expr *s = e->args[0];
    const char *str = s->lit.v.str.ptr;
    int32_t len = s->lit.v.str.len;
    char tmp[64];
    if (e->cast_to == SM_DATE) {
        int32_t days;
        if (sm_parse_date(str, len, &days)) {
            sm_format_date(days, tmp);
            return sm_buf_appendf(b, "DATE '%s'", tmp);
        }
        return sm_buf_appendf(b, "DATE '%.*s'", (int)len, str);
    }
    if (e->cast_to == SM_TIME) {
        int64_t nanos;
        if (sm_parse_time(str, len, SM_TIME_DEFAULT_PRECISION, &nanos)) {
            sm_format_time(nanos, tmp);
            return sm_buf_appendf(b, "TIME '%s'", tmp);
        }
        return sm_buf_appendf(b, "TIME '%.*s'", (int)len, str);
    }
    int64_t micros;
    if (e->cast_to == SM_TIMESTAMP_NTZ) {
        if (sm_parse_timestamp_ntz(str, len, false, &micros)) {
            sm_format_timestamp(micros, sm_tz_utc(), tmp);
            return sm_buf_appendf(b, "TIMESTAMP_NTZ '%s'", tmp);
        }
        return sm_buf_appendf(b, "TIMESTAMP_NTZ '%.*s'", (int)len, str);
    }
    if (sm_parse_timestamp(str, len, sm_tz_utc(), &micros)) {
        sm_format_timestamp(micros, sm_tz_utc(), tmp);
        return sm_buf_appendf(b, "TIMESTAMP '%s'", tmp);
    }
    return sm_buf_appendf(b, "TIMESTAMP '%.*s'", (int)len, str);
}

/* Skips the casts the binder inserted. */
static const sm_expr *nm_strip(const sm_expr *e) {
    while (e && e->kind == SM_EX_CAST && e->implicit && e->nargs == 1) e = e->args[0];
    return e;
}

/* c (a bound node, minus the binder's casts) as the partner of the unbound
 * uc, or NULL when their kinds differ. */
static const sm_expr *nm_match(const sm_expr *uc, const sm_expr *c) {
    if (!uc || !c) return NULL;
    if (!(uc->kind == SM_EX_CAST && uc->implicit)) c = nm_strip(c);
    return c && c->kind == uc->kind ? c : NULL;
}

/* The bound node paired with argument k of the unbound node u (bd is u's
 * partner), or NULL: the binder keeps the shape of the tree apart from
 * the casts it inserts, so the partner of u->args[k] is bd->args[k] minus
 * those casts, provided kinds and arities agree (where they do not, e.g.
 * a window the DataFrame layer replaced by a column, naming goes on from
 * the unbound tree alone). */
static const sm_expr *nm_pair(const sm_expr *u, const sm_expr *bd, int k) {
    if (!bd || !u || bd->kind != u->kind || bd->nargs != u->nargs || k >= u->nargs) return NULL;
    return nm_match(u->args[k], bd->args[k]);
}

static int nm_args(sm_buf *b, const sm_expr *e, const sm_expr *bd, int from, int to) {
    for (int k = from; k < to; k++) {
        if (k > from) SM_TRY(nm_put(b, ", "));
        SM_TRY(nm_sql(b, e->args[k], nm_pair(e, bd, k)));
    }
    return SM_OK;
}

/* Binary operators printed "(l op r)": call name → printed operator. */
static const char *nm_infix(const char *name) {
    static const char *const map[][2] = {
        {"+", "+"},   {"-", "-"},     {"*", "*"},   {"/", "/"},   {"%", "%"},   {"div", "div"},
        {"=", "="},   {"==", "="},    {"<=>", "<=>"}, {"<", "<"}, {"<=", "<="}, {">", ">"},
        {">=", ">="}, {"and", "AND"}, {"or", "OR"}, {"&", "&"},   {"|", "|"},   {"^", "^"},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (nm_is(name, map[k][0])) return map[k][1];
    return NULL;
}

/* Functions whose Spark prettyName is not the lower-cased name typed
 * (the math functions carry an upper-case name in Spark's classes). */
static const char *nm_pretty_name(const char *name) {
    static const char *const upper[] = {
        "e",     "pi",    "power", "ceil",  "floor", "sqrt",  "cbrt",   "exp",   "expm1",
        "log",   "log10", "log2",  "log1p", "signum", "sin",  "cos",    "tan",   "asin",
        "acos",  "atan",  "sinh",  "cosh",  "tanh",  "asinh", "acosh",  "atanh", "cot",
        "sec",   "csc",   "atan2", "hypot", "degrees", "radians", "rlike", "if",
        "regexp_like", "regexp", "rank", "dense_rank", "percent_rank", NULL};
    for (int k = 0; upper[k]; k++)
        if (nm_is(name, upper[k])) return upper[k];
    return NULL;
}

/* Arguments Spark's function builders fill in, which show in the name:
 * round(x) is named "round(x, 0)", substr(s, 2) "substr(s, 2, 2147483647)".
 * Keyed by name and the number of arguments given. */
static const char *nm_default_args(const char *name, int nargs) {
    static const struct {
        const char *name;
        int nargs;
        const char *extra;
    } defs[] = {
        {"round", 1, ", 0"},
        {"bround", 1, ", 0"},
        {"substr", 2, ", 2147483647"},
        {"substring", 2, ", 2147483647"},
        {"lpad", 2, ",  "},
        {"rpad", 2, ",  "},
        {"regexp_replace", 3, ", 1"},
        {"regexp_extract", 2, ", 1"},
        {"locate", 2, ", 1"},
        {"position", 2, ", 1"},
        {"unix_timestamp", 1, ", yyyy-MM-dd HH:mm:ss"},
        {"to_unix_timestamp", 1, ", yyyy-MM-dd HH:mm:ss"},
        {"from_unixtime", 1, ", yyyy-MM-dd HH:mm:ss"},
        {"months_between", 2, ", true"},
        {"overlay", 3, ", -1"},
        {"mask", 1, ", X, x, n, NULL"},
        {"mask", 2, ", x, n, NULL"},
        {"mask", 3, ", n, NULL"},
        {"mask", 4, ", NULL"},
        {"percentile", 2, ", 1"},
        {"percentile_approx", 2, ", 10000"},
        {"approx_percentile", 2, ", 10000"},
        {"sort_array", 1, ", true"},
        {"split", 2, ", -1"},
        {"regexp_extract_all", 2, ", 1"},
        {"sentences", 1, ", , "},
    };
    for (size_t k = 0; k < sizeof defs / sizeof defs[0]; k++)
        if (defs[k].nargs == nargs && nm_is(name, defs[k].name)) return defs[k].extra;
    return NULL;
}

/* The family of an INTERVAL expression of the unbound tree: 'Y' year-month,
 * 'D' an interval of exactly DAY, 'T' another day-time interval; 0 when e
 * is no interval.  Read from the literal's spelling ("INTERVAL '90' DAY",
 * "INTERVAL '1-2' YEAR TO MONTH": the last field decides) through the
 * interval arithmetic func_interval.c folds. */
static char nm_iv_family(const sm_expr *e) {
    e = nm_strip(e);
    if (!e || e->kind != SM_EX_CALL || !e->name) return 0;
    const char *n = e->name;
    if (nm_is(n, "interval") && e->nargs == 4) {
        const sm_expr *sp = e->args[3];
        if (!sp || sp->kind != SM_EX_LITERAL || sp->lit.type != SM_STRING || sp->lit.is_null) return 0;
        const char *t = sp->lit.v.str.ptr;
        int32_t len = sp->lit.v.str.len, k = len;
        while (k > 0 && t[k - 1] != ' ' && t[k - 1] != '\'') k--;
        const char *last = t + k;
        size_t ll = (size_t)(len - k);
        if ((ll == 4 && strncasecmp(last, "YEAR", 4) == 0) || (ll == 5 && strncasecmp(last, "MONTH", 5) == 0))
            return 'Y';
        bool to = false;
        for (int32_t i = 0; i + 4 <= len; i++)
            if (strncasecmp(t + i, " TO ", 4) == 0) to = true;
        return ll == 3 && strncasecmp(last, "DAY", 3) == 0 && !to ? 'D' : 'T';
    }
    if (e->nargs == 1 && (nm_is(n, "negative") || nm_is(n, "positive") || nm_is(n, "-") || nm_is(n, "+")))
        return nm_iv_family(e->args[0]);
    if (e->nargs != 2) return 0;
    char f0 = nm_iv_family(e->args[0]), f1 = nm_iv_family(e->args[1]);
    if (nm_is(n, "+") || nm_is(n, "-")) {
        if (f0 == f1) return f0;
        return f0 && f1 && f0 != 'Y' && f1 != 'Y' ? 'T' : 0;
    }
    /* Multiply/DivideDTInterval give DAY TO SECOND: "d + (INTERVAL '1' DAY * 3)"
     * is a timestamp, named without date_add */
    char f = nm_is(n, "*") ? (f0 ? f0 : f1) : nm_is(n, "/") ? f0 : 0;
    return f == 'D' ? 'T' : f;
    return 0;
}

/* Date/time arithmetic that Spark's analyzer rewrites (ResolveBinaryArithmetic,
 * checked against PySpark 3.5.3), told apart by the types of the bound
 * partner bd — only after binding does "d + 1" mean date_add:
 *   date + int, int + date    date_add(<date>, <int>)   (date first)
 *   date - int                date_sub(<date>, <int>)
 *   date ± INTERVAL n DAY     date_add(<date>, extractansiintervaldays(<iv>)),
 *                             minus: date_add(<date>, (- extractansiintervaldays(<iv>)))
 *   date/timestamp ± other interval, string ± day-time interval
 *                             <x> + <iv>, <x> - <iv>  (no parentheses; datetime first)
 * *done is false (nothing written) for anything else. */
static int nm_datetime_arith(sm_buf *b, const sm_expr *e, const sm_expr *bd, bool *done) {
    *done = false;
    bool add = nm_is(e->name, "+");
    char f0 = nm_iv_family(e->args[0]), f1 = nm_iv_family(e->args[1]);
    /* func_interval.c puts the interval second in the bound call */
    bool swap = (nm_iv_family(bd->args[0]) != 0) != (f0 != 0);
    const sm_expr *p0 = nm_match(e->args[0], bd->args[swap ? 1 : 0]);
    const sm_expr *p1 = nm_match(e->args[1], bd->args[swap ? 0 : 1]);
    const sm_expr *b0 = nm_strip(bd->args[swap ? 1 : 0]), *b1 = nm_strip(bd->args[swap ? 0 : 1]);
    sm_type t0 = b0 ? b0->type : SM_NULLTYPE, t1 = b1 ? b1->type : SM_NULLTYPE;
    const sm_expr *pa[2] = {p0, p1};
    int dk; /* the date/time operand */
    if (f0 || f1) {
        if ((f0 && f1) || (f0 && !add)) return SM_OK;
        dk = f1 ? 0 : 1;
        char fam = f1 ? f1 : f0;
        sm_type dt = dk == 0 ? t0 : t1;
        if (dt == SM_DATE && fam == 'D') {
            SM_TRY(nm_put(b, "date_add("));
            SM_TRY(nm_sql(b, e->args[dk], pa[dk]));
            SM_TRY(nm_put(b, add ? ", extractansiintervaldays(" : ", (- extractansiintervaldays("));
            SM_TRY(nm_sql(b, e->args[1 - dk], pa[1 - dk]));
            SM_TRY(nm_put(b, add ? "))" : ")))"));
        } else if (dt == SM_DATE || dt == SM_TIMESTAMP || (dt == SM_STRING && fam != 'Y')) {
            SM_TRY(nm_sql(b, e->args[dk], pa[dk]));
            SM_TRY(nm_put(b, add ? " + " : " - "));
            SM_TRY(nm_sql(b, e->args[1 - dk], pa[1 - dk]));
        } else {
            return SM_OK;
        }
        *done = true;
        return SM_OK;
    }
    if (bd->type != SM_DATE) return SM_OK;
    if (t0 == SM_DATE && t1 != SM_DATE) dk = 0;
    else if (add && t1 == SM_DATE && t0 != SM_DATE) dk = 1;
    else return SM_OK;
    SM_TRY(nm_put(b, add ? "date_add(" : "date_sub("));
    SM_TRY(nm_sql(b, e->args[dk], pa[dk]));
    SM_TRY(nm_put(b, ", "));
    SM_TRY(nm_sql(b, e->args[1 - dk], pa[1 - dk]));
    *done = true;
    return nm_put(b, ")");
}

static int nm_call(sm_buf *b, const sm_expr *e, const sm_expr *bd) {
    const char *n = e->name ? e->name : "";
    int na = e->nargs;
    if (!bd && e->fn) bd = e; /* a bound call is its own partner */
    if ((nm_is(n, "+") || nm_is(n, "-")) && na == 2 && bd) {
        bool done;
        SM_TRY(nm_datetime_arith(b, e, bd, &done));
        if (done) return SM_OK;
    }
    const char *op = nm_infix(n);
    if (op && na == 2) {
        SM_TRY(nm_put(b, "("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(sm_buf_appendf(b, " %s ", op));
        SM_TRY(nm_sql(b, e->args[1], nm_pair(e, bd, 1)));
        return nm_put(b, ")");
    }
    if ((nm_is(n, "!=") || nm_is(n, "<>")) && na == 2) {
        SM_TRY(nm_put(b, "(NOT ("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, " = "));
        SM_TRY(nm_sql(b, e->args[1], nm_pair(e, bd, 1)));
        return nm_put(b, "))");
    }
    if (na == 1) {
        const char *pre = nm_is(n, "not")                           ? "(NOT "
                          : nm_is(n, "negative") || nm_is(n, "-") ? "(- "
                          : nm_is(n, "positive") || nm_is(n, "+") ? "(+ "
                                                                  : NULL;
        if (pre) {
            SM_TRY(nm_put(b, pre));
            SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
            return nm_put(b, ")");
        }
        if (nm_is(n, "~")) {
            SM_TRY(nm_put(b, "~"));
            return nm_sql(b, e->args[0], nm_pair(e, bd, 0));
        }
        if (nm_is(n, "isnull") || nm_is(n, "isnotnull")) {
            SM_TRY(nm_put(b, "("));
            SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
            return nm_put(b, nm_is(n, "isnull") ? " IS NULL)" : " IS NOT NULL)");
        }
    }
    if (nm_is(n, "like") && (na == 2 || na == 3)) {
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, " LIKE "));
        return nm_sql(b, e->args[1], nm_pair(e, bd, 1));
    }
    if (nm_is(n, "interval") && na == 4 && e->args[3]->kind == SM_EX_LITERAL &&
        e->args[3]->lit.type == SM_STRING)
        return nm_literal(b, e->args[3]); /* INTERVAL '90' DAY */
    if (nm_is(n, "extract") && na == 2) {
        SM_TRY(nm_put(b, "extract("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, " FROM "));
        SM_TRY(nm_sql(b, e->args[1], nm_pair(e, bd, 1)));
        return nm_put(b, ")");
    }
    if ((nm_is(n, "trim") || nm_is(n, "ltrim") || nm_is(n, "rtrim")) && na == 2) {
        SM_TRY(nm_put(b, nm_is(n, "trim") ? "TRIM(BOTH " : nm_is(n, "ltrim") ? "TRIM(LEADING " : "TRIM(TRAILING "));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, " FROM "));
        SM_TRY(nm_sql(b, e->args[1], nm_pair(e, bd, 1)));
        return nm_put(b, ")");
    }
    if ((nm_is(n, "lag") || nm_is(n, "lead")) && na >= 1 && na < 3) {
        /* Spark fills in offset 1 and default NULL */
        SM_TRY(nm_lower(b, n));
        SM_TRY(nm_put(b, "("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, ", "));
        if (na == 2) SM_TRY(nm_sql(b, e->args[1], nm_pair(e, bd, 1)));
        else SM_TRY(nm_put(b, "1"));
        return nm_put(b, ", NULL)");
    }
    if (nm_is(n, "__subscript") && na == 2) { /* x[i] */
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, "["));
        SM_TRY(nm_sql(b, e->args[1], nm_pair(e, bd, 1)));
        return nm_put(b, "]");
    }
    if (nm_is(n, "__field") && na == 2 && e->args[1]->kind == SM_EX_LITERAL) { /* (x).f */
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        return sm_buf_appendf(b, ".%.*s", (int)e->args[1]->lit.v.str.len, e->args[1]->lit.v.str.ptr);
    }
    if (nm_is(n, "||")) n = "concat";
    /* Spark's builders (func_string2.c, func_misc.c): to_varchar is to_char,
     * and to_char of a date/timestamp is date_format (told apart here by the
     * pattern: a number format has a 0/9 digit and only format letters);
     * current_schema is current_database; assert_true fills in its message. */
    if ((nm_is(n, "to_char") || nm_is(n, "to_varchar")) && na == 2) {
        const sm_expr *f = e->args[1];
        bool number = true;
        if (f->kind == SM_EX_LITERAL && f->lit.type == SM_STRING && !f->lit.is_null) {
            bool digit = false;
            for (int32_t i = 0; i < f->lit.v.str.len; i++) {
                char c = f->lit.v.str.ptr[i];
                if (c == '0' || c == '9') digit = true;
                else if (!strchr(".,$DdGgSsMmIiPpRr", c) || !c) number = false;
            }
            number = number && digit;
        }
        n = number ? "to_char" : "date_format";
    }
    if (nm_is(n, "current_schema")) n = "current_database";
    if (nm_is(n, "random")) n = "rand";
    if (nm_is(n, "array_agg")) n = "collect_list"; /* Spark's alias prints as collect_list */
    if (nm_is(n, "dateadd") && na == 2) n = "date_add"; /* the alias prints as date_add */
    if (nm_is(n, "assert_true") && na == 1) {
        SM_TRY(nm_put(b, "assert_true("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, ", '"));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        return nm_put(b, "' is not true!)");
    }
    /* first(x, ignoreNulls) / last(x, ignoreNulls) print only x, as does
     * approx_count_distinct(x, relativeSD) */
    if ((nm_is(n, "first") || nm_is(n, "last") || nm_is(n, "first_value") ||
         nm_is(n, "last_value") || nm_is(n, "any_value") || nm_is(n, "approx_count_distinct")) &&
        na == 2)
        na = 1;
    /* from_json / to_json / schema_of_json print only their input (the
     * schema and options are not children); a map target is "entries" */
    if (nm_is(n, "from_json") && bd && bd->fn && bd->type == SM_MAP) return nm_put(b, "entries");
    if ((nm_is(n, "from_json") || nm_is(n, "to_json") || nm_is(n, "schema_of_json")) && na >= 2) na = 1;
    bool paren = nm_is(n, "if");
    if (paren) SM_TRY(nm_put(b, "("));
    const char *pretty = nm_pretty_name(n);
    SM_TRY(pretty ? nm_upper(b, pretty) : nm_lower(b, n));
    SM_TRY(nm_put(b, e->distinct ? "(DISTINCT " : "("));
    if (nm_is(n, "log") && na == 1) SM_TRY(nm_put(b, "E(), ")); /* log(x) = LOG(E(), x) */
    SM_TRY(nm_args(b, e, bd, 0, na));
    const char *extra = nm_default_args(n, na);
    if (extra && na == 2 && (nm_is(n, "lpad") || nm_is(n, "rpad")) && bd && bd->nargs == 2 &&
        bd->args[0]->type == SM_BINARY)
        extra = ", X'00'"; /* a binary's default pad */
    if (extra) SM_TRY(nm_put(b, extra));
    SM_TRY(nm_put(b, ")"));
    if (e->filter) {
        SM_TRY(nm_put(b, " FILTER (WHERE "));
        SM_TRY(nm_sql(b, e->filter, NULL));
        SM_TRY(nm_put(b, ")"));
    }
    return paren ? nm_put(b, ")") : SM_OK;
}

static int nm_case(sm_buf *b, const sm_expr *e, const sm_expr *bd) {
    int k = e->has_operand ? 1 : 0;
    int pairs_end = e->nargs - (e->has_else ? 1 : 0);
    SM_TRY(nm_put(b, "CASE"));
    for (; k + 1 < pairs_end; k += 2) {
        SM_TRY(nm_put(b, " WHEN "));
        if (e->has_operand) { /* Spark rewrites CASE x WHEN v to WHEN (x = v) */
            SM_TRY(nm_put(b, "("));
            SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
            SM_TRY(nm_put(b, " = "));
            SM_TRY(nm_sql(b, e->args[k], nm_pair(e, bd, k)));
            SM_TRY(nm_put(b, ")"));
        } else {
            SM_TRY(nm_sql(b, e->args[k], nm_pair(e, bd, k)));
        }
        SM_TRY(nm_put(b, " THEN "));
        SM_TRY(nm_sql(b, e->args[k + 1], nm_pair(e, bd, k + 1)));
    }
    if (e->has_else && e->nargs > 0) {
        SM_TRY(nm_put(b, " ELSE "));
        SM_TRY(nm_sql(b, e->args[e->nargs - 1], nm_pair(e, bd, e->nargs - 1)));
    }
    return nm_put(b, " END");
}

static int nm_sql(sm_buf *b, const sm_expr *e, const sm_expr *bd) {
    if (!e) return nm_put(b, "NULL");
    switch (e->kind) {
    case SM_EX_COLUMN: /* the bound name: as written minus the qualifier */
        if (bd && bd->name) return nm_put(b, bd->name);
        return nm_put(b, e->name ? e->name : "");
    case SM_EX_LITERAL: return nm_literal(b, e);
    case SM_EX_CALL: return nm_call(b, e, bd);
    case SM_EX_CAST:
        if (e->nargs < 1) return nm_put(b, "NULL");
        if (e->implicit) return nm_sql(b, e->args[0], nm_pair(e, bd, 0));
        if (e->name && e->args[0]->kind == SM_EX_LITERAL && e->args[0]->lit.type == SM_STRING &&
            !e->args[0]->lit.is_null)
            return nm_typed_literal(b, e);
        SM_TRY(nm_put(b, "CAST("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        if (e->cast_to == SM_DECIMAL)
            return sm_buf_appendf(b, " AS DECIMAL(%d,%d))", e->precision, e->scale);
        if (e->cast_to == SM_TIME) return sm_buf_appendf(b, " AS TIME(%d))", sm_time_prec(e->precision));
        if (e->cast_to == SM_INTERVAL_YM || e->cast_to == SM_INTERVAL_DT ||
            e->cast_to == SM_INTERVAL_CAL) {
            char ty[48];
            return sm_buf_appendf(b, " AS %s)",
                                  sm_iv_type_upper(e->cast_to, e->precision, e->scale, ty, sizeof ty));
        }
        if (sm_type_is_nested(e->cast_to) && e->dt) { /* CAST(x AS ARRAY<STRING>) */
            char t[512];
            sm_dtype_format(t, sizeof t, e->dt);
            for (char *q = t; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
            return sm_buf_appendf(b, " AS %s)", t);
        }
        return sm_buf_appendf(b, " AS %s)", ev_type_upper(e->cast_to));
    case SM_EX_CASE: return nm_case(b, e, bd);
    case SM_EX_IN:
        if (e->nargs < 1) return nm_put(b, "NULL");
        SM_TRY(nm_put(b, e->negated ? "(NOT (" : "("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, " IN ("));
        SM_TRY(nm_args(b, e, bd, 1, e->nargs));
        return nm_put(b, e->negated ? ")))" : "))");
    case SM_EX_STAR:
        if (e->name) return sm_buf_appendf(b, "%s.*", e->name);
        return nm_put(b, "*");
    case SM_EX_ALIAS:
        if (e->nargs < 1) return nm_put(b, e->name ? e->name : "");
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        return sm_buf_appendf(b, " AS %s", e->name ? e->name : "");
    case SM_EX_WINDOW: return nm_window(b, e, bd);
    case SM_EX_SUBQUERY: /* args: the outer references (set by the analyzer) */
        SM_TRY(nm_put(b, "scalarsubquery("));
        SM_TRY(nm_args(b, e, bd, 0, e->nargs));
        return nm_put(b, ")");
    case SM_EX_EXISTS:
        SM_TRY(nm_put(b, e->negated ? "(NOT exists(" : "exists("));
        SM_TRY(nm_args(b, e, bd, 0, e->nargs));
        return nm_put(b, e->negated ? "))" : ")");
    case SM_EX_IN_SUBQUERY: /* args[0] the value, args[1..] outer references */
        if (e->nargs < 1) return nm_put(b, "NULL");
        SM_TRY(nm_put(b, e->negated ? "(NOT (" : "("));
        SM_TRY(nm_sql(b, e->args[0], nm_pair(e, bd, 0)));
        SM_TRY(nm_put(b, " IN (listquery("));
        SM_TRY(nm_args(b, e, bd, 1, e->nargs));
        return nm_put(b, e->negated ? "))))" : ")))");
    case SM_EX_OUTER_REF: return nm_put(b, e->name ? e->name : "");
    }
    return SM_OK;
}

static int nm_bound(sm_buf *b, const sm_frame_bound *f) {
    switch (f->kind) {
    case SM_FRAME_UNBOUNDED_PRECEDING: return nm_put(b, "UNBOUNDED PRECEDING");
    case SM_FRAME_UNBOUNDED_FOLLOWING: return nm_put(b, "UNBOUNDED FOLLOWING");
    case SM_FRAME_CURRENT_ROW: return nm_put(b, "CURRENT ROW");
    case SM_FRAME_PRECEDING:
        /* Spark keeps "n PRECEDING" for integer literals only; any other
         * offset x is UnaryMinus(x) FOLLOWING: "(- 1.5) FOLLOWING" */
        if (!(f->offset && f->offset->kind == SM_EX_LITERAL &&
              (f->offset->lit.type == SM_INT || f->offset->lit.type == SM_BIGINT))) {
            SM_TRY(nm_put(b, "(- "));
            SM_TRY(nm_sql(b, f->offset, NULL));
            return nm_put(b, ") FOLLOWING");
        }
        SM_TRY(nm_sql(b, f->offset, NULL));
        return nm_put(b, " PRECEDING");
    case SM_FRAME_FOLLOWING:
        SM_TRY(nm_sql(b, f->offset, NULL));
        return nm_put(b, " FOLLOWING");
    }
    return SM_OK;
}

/* f(...) OVER (PARTITION BY .. ORDER BY .. frame), with the frame Spark
 * resolves when none is given: ranking functions ROWS UNBOUNDED PRECEDING
 * to CURRENT ROW, lag/lead ROWS BETWEEN -n/n FOLLOWING (both bounds), else
 * RANGE UNBOUNDED PRECEDING to CURRENT ROW with an ORDER BY and ROWS
 * UNBOUNDED PRECEDING to UNBOUNDED FOLLOWING without.  A named window
 * (OVER w) prints its own spec: the analyzer substitutes the definition
 * before naming. */
static int nm_window(sm_buf *b, const sm_expr *e, const sm_expr *bd) {
    const sm_window_spec *w = e->window;
    const sm_expr *f = e->nargs > 0 ? e->args[0] : NULL;
    SM_TRY(nm_sql(b, f, nm_pair(e, bd, 0)));
    if (f && f->ignore_nulls && nm_is(f->name, "nth_value")) SM_TRY(nm_put(b, " ignore nulls"));
    SM_TRY(nm_put(b, " OVER ("));
    if (!w) return nm_put(b, ")");
    if (w->npartition > 0) {
        SM_TRY(nm_put(b, "PARTITION BY "));
        for (int k = 0; k < w->npartition; k++) {
            if (k) SM_TRY(nm_put(b, ", "));
            SM_TRY(nm_sql(b, w->partition[k], NULL));
        }
        SM_TRY(nm_put(b, " "));
    }
    if (w->norder > 0) {
        SM_TRY(nm_put(b, "ORDER BY "));
        for (int k = 0; k < w->norder; k++) {
            if (k) SM_TRY(nm_put(b, ", "));
            SM_TRY(nm_sql(b, w->order[k].expr, NULL));
            SM_TRY(nm_put(b, w->order[k].descending ? " DESC" : " ASC"));
            SM_TRY(nm_put(b, w->order[k].nulls_first ? " NULLS FIRST" : " NULLS LAST"));
        }
        SM_TRY(nm_put(b, " "));
    }
    const char *fn = f && f->kind == SM_EX_CALL ? f->name : NULL;
    if (nm_is(fn, "lag") || nm_is(fn, "lead")) {
        bool lag = nm_is(fn, "lag");
        char off[64] = "1";
        if (f->nargs >= 2 && f->args[1]->kind == SM_EX_LITERAL && f->args[1]->lit.type == SM_INT)
            snprintf(off, sizeof off, "%d", f->args[1]->lit.v.i32);
        const char *neg = lag ? (off[0] == '-' ? "" : "-") : "";
        const char *o = lag && off[0] == '-' ? off + 1 : off;
        return sm_buf_appendf(b, "ROWS BETWEEN %s%s FOLLOWING AND %s%s FOLLOWING)", neg, o, neg, o);
    }
    if (nm_is(fn, "row_number") || nm_is(fn, "rank") || nm_is(fn, "dense_rank") ||
        nm_is(fn, "percent_rank") || nm_is(fn, "ntile"))
        return nm_put(b, "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
    if (nm_is(fn, "cume_dist")) return nm_put(b, "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
    if (!w->has_frame)
        return nm_put(b, w->norder > 0 ? "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
                                       : "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)");
    SM_TRY(nm_put(b, w->frame_rows ? "ROWS BETWEEN " : "RANGE BETWEEN "));
    SM_TRY(nm_bound(b, &w->start));
    SM_TRY(nm_put(b, " AND "));
    SM_TRY(nm_bound(b, &w->end));
    return nm_put(b, ")");
}

/* The top-level rules of ResolveAliases, then the SQL text. */
char *sm_expr_sql_name_bound(sm_arena *a, const sm_expr *e, const sm_expr *bound) {
    e = nm_strip(e);
    bound = nm_strip(bound);
    if (!e) return sm_arena_strdup(a, "NULL");
    if (e->kind == SM_EX_ALIAS) return sm_arena_strdup(a, e->name ? e->name : "");
    if (e->kind == SM_EX_COLUMN && bound && bound->kind == SM_EX_CALL && bound->name)
        return sm_arena_strdup(a, bound->name); /* s.f (a struct field): named f */
    if (bound && bound->kind != e->kind) bound = NULL;
    if (e->kind == SM_EX_COLUMN)
        return sm_arena_strdup(a, bound && bound->name ? bound->name : e->name ? e->name : "");
    if (e->kind == SM_EX_CAST && !e->name && e->nargs == 1 && e->args[0] &&
        sm_type_is_nested(e->cast_to) && e->args[0]->kind != SM_EX_COLUMN &&
        e->args[0]->kind != SM_EX_ALIAS) /* Spark names a top-level cast to a nested type as its operand */
        return sm_expr_sql_name_bound(a, e->args[0], bound ? nm_pair(e, bound, 0) : NULL);
    if (e->kind == SM_EX_CAST && !e->name && e->nargs == 1 && e->args[0] &&
        (e->args[0]->kind == SM_EX_COLUMN || e->args[0]->kind == SM_EX_ALIAS)) {
        const sm_expr *c = e->args[0]->kind == SM_EX_COLUMN ? nm_pair(e, bound, 0) : NULL;
        const char *n = c && c->name ? c->name : e->args[0]->name;
        return sm_arena_strdup(a, n ? n : "");
    }
    sm_buf b = {0};
    if (nm_sql(&b, e, bound) != SM_OK) {
        sm_buf_free(&b);
        return NULL;
    }
    char *s = sm_arena_strndup(a, b.data ? b.data : "", b.len);
    sm_buf_free(&b);
    return s;
}

char *sm_expr_sql_name(sm_arena *a, const sm_expr *e) { return sm_expr_sql_name_bound(a, e, NULL); }
