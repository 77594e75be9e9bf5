/*
 * parse.c — Spark SQL expression text → unbound expression trees.
 *
 * A recursive-descent parser over the token array of expr/lexer.c that
 * follows the expression part of Spark 3.5's SqlBaseParser.g4.  Loosest to
 * tightest:
 *
 *     OR
 *     AND
 *     NOT x, !x                                  (prefix, right-recursive)
 *     predicate: v [NOT] BETWEEN v AND v | v [NOT] IN (e, ...) |
 *                v [NOT] LIKE|ILIKE v [ESCAPE 's'] | v [NOT] RLIKE|REGEXP v |
 *                v IS [NOT] NULL|TRUE|FALSE|UNKNOWN|DISTINCT FROM v
 *                (at most one per operand, as in Spark: "a IN (1) IN (true)"
 *                is a syntax error)
 *     v = comparison  = == <=> != <> < <= > >=   (a "valueExpression";
 *     |                                           left-associative binary
 *     ^                                           operators, climbed by
 *     &                                           ps_value(level))
 *     + - ||
 *     * / % DIV
 *     unary - + ~
 *     postfix: a.b (qualified names), t.*, x :: type (Spark 4's cast syntax,
 *              which Spark's golden files use; chainable)
 *     primary: literals, names, f(...), CAST, CASE, (e), *, typed literals
 *
 * Tree shapes (the contract with bind.c / eval.c, documented in expr.h):
 *   - "==" becomes "="; "a != b" and "a <> b" become not(=(a, b)), as Spark.
 *   - BETWEEN becomes and(>=(x, lo), <=(x', hi)) with x' a deep copy of x.
 *   - IS [NOT] NULL → isnull / isnotnull; IS UNKNOWN → isnull;
 *     IS TRUE → <=>(x, true), IS NOT TRUE → not(<=>(x, true)) (Spark's
 *     rewrite); IS [NOT] DISTINCT FROM → [not](<=>(a, b)).
 *   - [NOT] LIKE / ILIKE / RLIKE → [not](like|ilike|rlike(x, pattern)); an
 *     ESCAPE character is a third string argument of like.
 *   - NOT IN → SM_EX_IN with negated = true.
 *   - -<number> is a negative literal (Spark's grammar: number: MINUS? ...);
 *     -<other> → negative(x); +x → positive(x); ~x → "~"(x).
 *   - count(*) → count(1) exactly as Spark rewrites it (a call "count" with
 *     one INT literal 1), so its name is "count(1)".
 *   - function names are lower-cased (Spark's are case-insensitive).
 *   - Spark's cast functions string(x), int(x), bigint(x), double(x),
 *     float(x), boolean(x), date(x), timestamp(x), smallint(x), tinyint(x)
 *     become SM_EX_CAST nodes marked implicit (Spark names them as their
 *     argument: unix_date(date('1970-01-01')) is "unix_date(1970-01-01)").
 *   - TIMESTAMPADD|DATEADD|DATE_ADD(unit, n, ts) and
 *     TIMESTAMPDIFF|DATEDIFF|DATE_DIFF(unit, a, b) with a unit keyword
 *     (YEAR ... MICROSECOND) → call "timestampadd" / "timestampdiff" with
 *     the unit as a STRING literal as written; a quoted unit is Spark's
 *     [INVALID_PARAMETER_VALUE.DATETIME_UNIT] (except in timestampadd /
 *     timestampdiff, left ordinary calls whose string unit the function
 *     reads).
 *   - DATE 'x' / TIMESTAMP 'x' → SM_EX_CAST of a STRING literal to
 *     DATE / TIMESTAMP whose name is "DATE" / "TIMESTAMP" (validated here,
 *     converted by the binder like any cast, so the session time zone
 *     applies); named "DATE '2024-01-01'".
 *   - numbers: see ps_number.
 *
 * SQL-only forms, shared with sql/parse.c through parse_internal.h:
 * subqueries (through the parse_query hook; an error without one),
 * f(...) [FILTER (WHERE c)] [IGNORE|RESPECT NULLS] [OVER window],
 * INTERVAL literals (a call "interval"(months, days, micros, spelling)),
 * X'..' (a BINARY literal of the bytes named X'..'), and the special calls
 * EXTRACT(f FROM x), TRIM(BOTH c FROM s), SUBSTRING(s FROM a FOR b),
 * POSITION(a IN b).  Where parentheses may open either a query or an
 * expression ("((SELECT 1) + 1)") the parser tries the query and rewinds
 * (bounded in total by PS_WORK_PER_TOKEN).
 *
 * Errors: the first error stops the parse; the message has Spark's error
 * class and a caret under the offending token (sm_lex_error).  Recursion is
 * bounded (PS_MAX_DEPTH) so hostile input cannot exhaust the stack, and the
 * copies made for BETWEEN are bounded (PS_MAX_NODES) so nested BETWEENs
 * cannot blow up memory.
 *
 * Memory: tokens and nodes live in the caller's arena; on error the arena
 * holds garbage the caller frees with it.  No global state: thread-safe.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "expr/expr.h"
#include "expr/lexer.h"
#include "expr/parse_internal.h"
#include "types/datetime.h"
#include "types/timeofday.h"
#include "types/decimal.h"

#define PS_MAX_DEPTH 200
#define PS_MAX_NODES 200000
/* Tokens read in all, re-reads after backtracking included, per token of
 * input (plus a floor): nested parentheses that could open a query or an
 * expression could otherwise cost exponential time. */
#define PS_WORK_PER_TOKEN 16
#define PS_WORK_FLOOR 20000

typedef sm_parser parser;

static int ps_expr(parser *p, sm_expr **out);
static int ps_value(parser *p, int level, sm_expr **out);
static int ps_call(parser *p, sm_expr **out);

static sm_token *cur(parser *p) { return &p->tk[p->i]; }
static sm_token *peek(parser *p, int k) {
    int j = p->i + k;
    return &p->tk[j < p->ntk ? j : p->ntk - 1];
}
static void adv(parser *p) {
    if (p->tk[p->i].kind != SM_TK_EOF) p->i++;
    p->work++;
}
static bool ps_kw(parser *p, const char *kw) {
    if (!sm_tok_kw(cur(p), kw)) return false;
    adv(p);
    return true;
}
static bool ps_op(parser *p, const char *op) {
    if (!sm_tok_op(cur(p), op)) return false;
    adv(p);
    return true;
}

/* "Syntax error at or near 'tok'" at token t; `extra` adds Spark's
 * ": extra input 'tok'" used when a complete expression is followed by more. */
static int ps_syntax(parser *p, const sm_token *t, bool extra) {
    if (t->kind == SM_TK_EOF)
        return sm_ps_error(p, SM_PARSE, t->pos,
                            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
    int len = t->end - t->pos;
    if (len > 60) len = 60;
    const char *s = p->text + t->pos;
    if (extra)
        return sm_ps_error(p, SM_PARSE, t->pos,
                            "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s': extra input '%.*s'.",
                            len, s, len, s);
    return sm_ps_error(p, SM_PARSE, t->pos,
                        "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s'.", len, s);
}

static int ps_expect_op(parser *p, const char *op) {
    if (!ps_op(p, op)) return ps_syntax(p, cur(p), false);
    return SM_OK;
}

int sm_ps_check_work(parser *p) {
    if (p->work > PS_WORK_FLOOR + (long)p->ntk * PS_WORK_PER_TOKEN)
        return sm_ps_error(p, SM_PARSE, cur(p)->pos,
                           "[PARSE_SYNTAX_ERROR] The statement is too complex to parse (too many "
                           "nested parentheses); simplify it.");
    return SM_OK;
}

static int ps_enter(parser *p) {
    SM_TRY(sm_ps_check_work(p));
    if (++p->depth > PS_MAX_DEPTH)
        return sm_ps_error(p, SM_PARSE, cur(p)->pos,
                            "[PARSE_SYNTAX_ERROR] The expression is nested too deeply (more than "
                            "%d levels); simplify it.",
                            PS_MAX_DEPTH);
    return SM_OK;
}

/* ---- node helpers ------------------------------------------------------- */

static sm_expr *ps_span(sm_expr *e, int pos, int end) {
    if (e) {
        e->pos = pos;
        e->end = end;
    }
    return e;
}

static int ps_call1(parser *p, const char *name, sm_expr *x, int pos, sm_expr **out) {
    sm_expr *e = sm_expr_call(p->a, name, 1, &x);
    if (!e) return SM_NOMEM;
    *out = ps_span(e, pos, x->end);
    return SM_OK;
}

static int ps_call2(parser *p, const char *name, sm_expr *l, sm_expr *r, sm_expr **out) {
    sm_expr *e = sm_expr_call(p->a, name, 2, (sm_expr *[]){l, r});
    if (!e) return SM_NOMEM;
    *out = ps_span(e, l->pos, r->end);
    return SM_OK;
}

static int ps_not(parser *p, sm_expr *x, int pos, sm_expr **out) { return ps_call1(p, "not", x, pos, out); }

static sm_expr *ps_bool(parser *p, bool b, int pos, int end) {
    sm_value v = {.type = SM_BOOLEAN, .v.b = b};
    return ps_span(sm_expr_literal(p->a, &v), pos, end);
}

static long ps_size(const sm_expr *e) {
    long n = 1;
    for (int k = 0; k < e->nargs; k++)
        if (e->args[k]) n += ps_size(e->args[k]);
    return n;
}

/* A deep copy for the second use of BETWEEN's operand, bounded in total. */
static int ps_copy(parser *p, sm_expr *x, sm_expr **out) {
    p->nodes += ps_size(x);
    if (p->nodes > PS_MAX_NODES)
        return sm_ps_error(p, SM_PARSE, x->pos,
                            "[PARSE_SYNTAX_ERROR] The expression is too large (nested BETWEEN "
                            "copies more than %d nodes); simplify it.",
                            PS_MAX_NODES);
    *out = sm_expr_copy(p->a, x);
    return *out ? SM_OK : SM_NOMEM;
}

/* ---- numbers --------------------------------------------------------------- */

/* Spark's BigDecimal spelling of a decimal literal: "1.50" → "1.50",
 * ".5" → "0.5", "1." → "1", "1e3BD" → "1000", "-0.0" → "0.0". */
static char *ps_decimal_spelling(sm_arena *a, const char *s, bool neg) {
    size_t n = strlen(s);
    char *digits = sm_arena_alloc(a, n + 4);
    if (!digits) return NULL;
    size_t nd = 0;
    long frac = 0, expo = 0;
    bool in_frac = false;
    size_t i = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            in_frac = true;
        } else if (c >= '0' && c <= '9') {
            digits[nd++] = c;
            if (in_frac) frac++;
        } else {
            break; /* exponent */
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        char *endp;
        errno = 0;
        expo = strtol(s + i + 1, &endp, 10);
        if (errno || expo > 400 || expo < -400) return NULL; /* caller: out of range */
    }
    long scale = frac - expo;
    size_t extra_zeros = scale < 0 ? (size_t)-scale : 0;
    if (scale < 0) scale = 0;
    /* leading zeros needed so there is at least one integer digit */
    size_t width = nd + extra_zeros;
    size_t need = (size_t)scale + 1;
    size_t lead = width < need ? need - width : 0;
    char *out = sm_arena_alloc(a, width + lead + 4);
    if (!out) return NULL;
    char *body = sm_arena_alloc(a, width + lead + 1);
    if (!body) return NULL;
    size_t b = 0;
    for (size_t k = 0; k < lead; k++) body[b++] = '0';
    for (size_t k = 0; k < nd; k++) body[b++] = digits[k];
    for (size_t k = 0; k < extra_zeros; k++) body[b++] = '0';
    /* strip leading zeros beyond the one integer digit */
    size_t start = 0;
    while (b - start > (size_t)scale + 1 && body[start] == '0') start++;
    bool nonzero = false;
    for (size_t k = start; k < b; k++)
        if (body[k] != '0') nonzero = true;
    size_t o = 0;
    if (neg && nonzero) out[o++] = '-';
    size_t int_digits = b - start - (size_t)scale;
    for (size_t k = 0; k < int_digits; k++) out[o++] = body[start + k];
    if (scale > 0) {
        out[o++] = '.';
        for (size_t k = int_digits; k < b - start; k++) out[o++] = body[start + k];
    }
    out[o] = 0;
    return out;
}

static int ps_range_error(parser *p, int pos, const char *num, bool neg, const char *type,
                          const char *min, const char *max) {
    return sm_ps_error(p, SM_PARSE, pos,
                        "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s%s is outside the valid "
                        "range for %s with minimum value of %s and maximum value of %s. Please "
                        "adjust the value accordingly.",
                        neg ? "-" : "", num, type, min, max);
}

/* A decimal literal's digits ("1.50", "123", no sign or exponent) as
 * Spark's DECIMAL(p, s) value, when it fits 38 digits; otherwise *v stays
 * the DOUBLE it is (Spark too falls back to DOUBLE beyond 38 digits). */
static void ps_as_decimal(const char *digits, bool neg, sm_value *v) {
    __int128 u;
    int prec, scale;
    if (!sm_dec_parse_literal(digits, strlen(digits), &u, &prec, &scale)) return;
    v->type = SM_DECIMAL;
    v->precision = (int8_t)prec;
    v->scale = (int8_t)scale;
    v->v.dec = neg ? -u : u;
}

/* Number token t (preceded by a minus when neg, starting at pos).  Spark 3.5:
 *   123      INT if it fits, else BIGINT, else DECIMAL(n,0)
 *   123L     BIGINT (range-checked); 123S / 123Y: SMALLINT / TINYINT
 *   1.5 1.5BD DECIMAL;  1e3 1.5D  DOUBLE;  1.5F FLOAT
 * (range-checked as Spark; a FLOAT literal is the nearest float, held in
 * a double).  DECIMAL literals are
 * SM_DECIMAL (ps_as_decimal; DOUBLE beyond 38 digits) and node->name holds
 * Spark's decimal spelling ("1.50") so that names match Spark. */
static int ps_number(parser *p, const sm_token *t, bool neg, int pos, sm_expr **out) {
    sm_value v = {0};
    const char *decimal_name = NULL;
    switch (t->num) {
    case SM_NUM_INT:
    case SM_NUM_BIGINT:
    case SM_NUM_SMALLINT:
    case SM_NUM_TINYINT: {
        /* magnitude, saturating beyond 2^63 */
        unsigned long long mag = 0;
        bool over = false;
        for (const char *s = t->str; *s; s++) {
            unsigned d = (unsigned)(*s - '0');
            if (mag > (~0ULL - d) / 10) over = true;
            else mag = mag * 10 + d;
        }
        const unsigned long long lim = neg ? (1ULL << 63) : (1ULL << 63) - 1;
        bool fits64 = !over && mag <= lim;
        long long val = fits64 ? (neg ? (long long)(0 - mag) : (long long)mag) : 0;
        if (t->num == SM_NUM_BIGINT) {
            if (!fits64)
                return ps_range_error(p, pos, t->str, neg, "bigint", "-9223372036854775808",
                                      "9223372036854775807");
            v.type = SM_BIGINT;
            v.v.i64 = val;
        } else if (t->num == SM_NUM_SMALLINT) {
            if (!fits64 || val < -32768 || val > 32767)
                return ps_range_error(p, pos, t->str, neg, "smallint", "-32768", "32767");
            v.type = SM_SMALLINT;
            v.v.i32 = (int32_t)val;
        } else if (t->num == SM_NUM_TINYINT) {
            if (!fits64 || val < -128 || val > 127)
                return ps_range_error(p, pos, t->str, neg, "tinyint", "-128", "127");
            v.type = SM_TINYINT;
            v.v.i32 = (int32_t)val;
        } else if (fits64 && val >= INT32_MIN && val <= INT32_MAX) {
            v.type = SM_INT;
            v.v.i32 = (int32_t)val;
        } else if (fits64) {
            v.type = SM_BIGINT;
            v.v.i64 = val;
        } else { /* DECIMAL(n,0) in Spark */
            v.type = SM_DOUBLE;
            v.v.f64 = strtod(t->str, NULL) * (neg ? -1 : 1);
            decimal_name = ps_decimal_spelling(p->a, t->str, neg);
            if (!decimal_name) return SM_NOMEM;
            ps_as_decimal(t->str, neg, &v);
        }
        break;
    }
    case SM_NUM_DECIMAL:
    case SM_NUM_BIGDECIMAL: {
        v.type = SM_DOUBLE;
        v.v.f64 = strtod(t->str, NULL);
        if (neg) v.v.f64 = -v.v.f64;
        decimal_name = ps_decimal_spelling(p->a, t->str, neg);
        if (!decimal_name || isinf(v.v.f64))
            return sm_ps_error(p, SM_PARSE, pos,
                                "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s%s is outside "
                                "the range smelt supports for decimal literals.",
                                neg ? "-" : "", t->str);
        ps_as_decimal(t->str, neg, &v);
        break;
    }
    case SM_NUM_EXPONENT:
    case SM_NUM_DOUBLE:
    case SM_NUM_FLOAT: {
        v.type = t->num == SM_NUM_FLOAT ? SM_FLOAT : SM_DOUBLE;
        v.v.f64 = t->num == SM_NUM_FLOAT ? (double)strtof(t->str, NULL) : strtod(t->str, NULL);
        if (neg) v.v.f64 = -v.v.f64;
        if (isinf(v.v.f64)) {
            if (t->num == SM_NUM_FLOAT)
                return ps_range_error(p, pos, t->str, neg, "float", "-3.4028234663852886E+38",
                                      "3.4028234663852886E+38");
            return ps_range_error(p, pos, t->str, neg, "double", "-1.7976931348623157E+308",
                                  "1.7976931348623157E+308");
        }
        break;
    }
    }
    sm_expr *e = sm_expr_literal(p->a, &v);
    if (!e) return SM_NOMEM;
    e->name = (char *)decimal_name;
    if (v.type == SM_DECIMAL) {
        e->precision = v.precision;
        e->scale = v.scale;
    }
    *out = ps_span(e, pos, t->end);
    return SM_OK;
}

/* ---- primary expressions ------------------------------------------------ */

/* Words that cannot start an operand: using them as column names would
 * only turn syntax errors into confusing "unknown column" errors. */
static bool ps_is_stop_word(const sm_token *t) {
    static const char *const words[] = {"and",  "or",   "is",   "in",       "between", "like",
                                        "rlike", "ilike", "then", "when",    "else",    "end",
                                        "as",   "distinct", "escape", NULL};
    for (int k = 0; words[k]; k++)
        if (sm_tok_kw(t, words[k])) return true;
    return false;
}

/* Adjacent string literals are one value ('a' 'b' = 'ab'), as Spark. */
static int ps_string(parser *p, sm_expr **out) {
    int pos = cur(p)->pos, end = pos;
    size_t total = 0;
    int j = p->i;
    while (p->tk[j].kind == SM_TK_STRING) total += (size_t)p->tk[j++].len;
    char *s = sm_arena_alloc(p->a, total + 1);
    if (!s) return SM_NOMEM;
    size_t o = 0;
    while (cur(p)->kind == SM_TK_STRING) {
        memcpy(s + o, cur(p)->str, (size_t)cur(p)->len);
        o += (size_t)cur(p)->len;
        end = cur(p)->end;
        adv(p);
    }
    sm_value v = {.type = SM_STRING, .v.str = {s, (int32_t)total}};
    sm_expr *e = sm_expr_literal(p->a, &v);
    if (!e) return SM_NOMEM;
    *out = ps_span(e, pos, end);
    return SM_OK;
}

/* DECIMAL / DEC / NUMERIC [(p[, s])]: the word is current. */
static int ps_decimal_type(parser *p, int8_t *precision, int8_t *scale) {
    sm_token *t = cur(p);
    adv(p);
    long prec = 10, sc = 0;
    if (ps_op(p, "(")) {
        sm_token *a = cur(p);
        if (a->kind != SM_TK_NUMBER || a->num != SM_NUM_INT) return ps_syntax(p, a, false);
        prec = strtol(a->str, NULL, 10);
        adv(p);
        if (ps_op(p, ",")) {
            sm_token *b = cur(p);
            if (b->kind != SM_TK_NUMBER || b->num != SM_NUM_INT) return ps_syntax(p, b, false);
            sc = strtol(b->str, NULL, 10);
            adv(p);
        }
        SM_TRY(ps_expect_op(p, ")"));
    }
    if (prec < 1 || prec > 38)
        return sm_ps_error(p, SM_PARSE, t->pos,
                           "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision %ld exceeds "
                           "max precision 38.",
                           prec);
    if (sc > prec)
        return sm_ps_error(p, SM_PARSE, t->pos,
                           "[PARSE_SYNTAX_ERROR] Decimal scale (%ld) cannot be greater than "
                           "precision (%ld).",
                           sc, prec);
    *precision = (int8_t)prec;
    *scale = (int8_t)sc;
    return SM_OK;
}

/* The type in CAST(x AS type): a word, optionally with (n[, m]) or <...>. */
static int ps_type(parser *p, sm_type *out, int8_t *precision, int8_t *scale) {
    sm_token *t = cur(p);
    if (!sm_tok_is_name(t)) return ps_syntax(p, t, false);
    *precision = *scale = 0;
    if (sm_tok_kw(t, "decimal") || sm_tok_kw(t, "dec") || sm_tok_kw(t, "numeric")) {
        *out = SM_DECIMAL;
        return ps_decimal_type(p, precision, scale);
    }
    int pos = t->pos, end = t->end;
    bool complex = sm_tok_kw(t, "array") || sm_tok_kw(t, "map") || sm_tok_kw(t, "struct");
    if (sm_tok_kw(t, "interval")) { /* INTERVAL [field [TO field]] */
        adv(p);
        static const char *const fw[] = {"year", "month", "day", "hour", "minute", "second", "to"};
        for (bool more = true; more;) {
            more = false;
            for (int k = 0; k < 7 && !more; k++)
                if (sm_tok_kw(cur(p), fw[k])) more = true;
            if (more) end = cur(p)->end, adv(p);
        }
        int ip = 0, is = 0;
        int ty = sm_type_parse_ps(p->text + pos, (size_t)(end - pos), &ip, &is);
        if (ty < 0) return ps_syntax(p, t, false);
        *out = (sm_type)ty;
        *precision = (int8_t)ip;
        *scale = (int8_t)is;
        return SM_OK;
    }
    adv(p);
    if (sm_tok_op(cur(p), "(")) {
        while (cur(p)->kind != SM_TK_EOF && !sm_tok_op(cur(p), ")")) adv(p);
        if (!sm_tok_op(cur(p), ")")) return ps_syntax(p, cur(p), false);
        end = cur(p)->end;
        adv(p);
    } else if (complex && sm_tok_op(cur(p), "<")) {
        int depth = 0;
        while (cur(p)->kind != SM_TK_EOF) {
            if (sm_tok_op(cur(p), "<")) depth++;
            if (sm_tok_op(cur(p), ">") && --depth == 0) break;
            adv(p);
        }
        if (depth) return ps_syntax(p, cur(p), false);
        end = cur(p)->end;
        adv(p);
    }
    p->type_dt = NULL;
    int ty = complex ? sm_dtype_parse(p->text + pos, (size_t)(end - pos), &p->type_dt)
                     : sm_type_parse(p->text + pos, (size_t)(end - pos));
    if (ty < 0) {
        char up[64];
        int n = 0;
        for (int k = pos; k < end && n < 63; k++) {
            char c = p->text[k];
            if (c == '(' || c == '<') break;
            up[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        up[n] = 0;
        return sm_ps_error(p, SM_PARSE, pos,
                            "[UNSUPPORTED_DATATYPE] Unsupported data type \"%s\".", up);
    }
    *out = (sm_type)ty;
    if (ty == SM_TIME) { /* time(p): the precision */
        int ip = 0, is = 0;
        sm_type_parse_ps(p->text + pos, (size_t)(end - pos), &ip, &is);
        *precision = (int8_t)ip;
    }
    return SM_OK;
}

static int ps_cast(parser *p, int pos, sm_expr **out) {
    /* CAST already consumed; at '(' */
    SM_TRY(ps_expect_op(p, "("));
    sm_expr *x;
    SM_TRY(ps_expr(p, &x));
    if (!ps_kw(p, "as")) return ps_syntax(p, cur(p), false);
    sm_type to = SM_NULLTYPE;
    int8_t prec, scale;
    SM_TRY(ps_type(p, &to, &prec, &scale));
    const sm_dtype *dt = p->type_dt;
    int end = cur(p)->end;
    SM_TRY(ps_expect_op(p, ")"));
    sm_expr *e = sm_expr_cast(p->a, x, to);
    if (!e) return SM_NOMEM;
    e->dt = dt;
    e->precision = prec;
    e->scale = scale;
    *out = ps_span(e, pos, end);
    return SM_OK;
}

static int ps_case(parser *p, int pos, sm_expr **out) {
    /* CASE already consumed */
    sm_expr *items[16], **args = items;
    int n = 0, cap = 16;
    bool has_operand = false, has_else = false;
#define PS_PUSH(x)                                                                  \
    do {                                                                            \
        if (n == cap) {                                                             \
            sm_expr **na = sm_arena_alloc(p->a, (size_t)cap * 2 * sizeof *na);      \
            if (!na) return SM_NOMEM;                                               \
            memcpy(na, args, (size_t)n * sizeof *na);                               \
            args = na;                                                              \
            cap *= 2;                                                               \
        }                                                                           \
        args[n++] = (x);                                                            \
    } while (0)
    if (!sm_tok_kw(cur(p), "when")) {
        sm_expr *operand;
        SM_TRY(ps_expr(p, &operand));
        PS_PUSH(operand);
        has_operand = true;
    }
    if (!sm_tok_kw(cur(p), "when")) return ps_syntax(p, cur(p), false);
    while (ps_kw(p, "when")) {
        sm_expr *w, *t;
        SM_TRY(ps_expr(p, &w));
        if (!ps_kw(p, "then")) return ps_syntax(p, cur(p), false);
        SM_TRY(ps_expr(p, &t));
        PS_PUSH(w);
        PS_PUSH(t);
    }
    if (ps_kw(p, "else")) {
        sm_expr *e;
        SM_TRY(ps_expr(p, &e));
        PS_PUSH(e);
        has_else = true;
    }
    int end = cur(p)->end;
    if (!ps_kw(p, "end")) return ps_syntax(p, cur(p), false);
#undef PS_PUSH
    sm_expr *e = sm_expr_new(p->a, SM_EX_CASE);
    if (!e) return SM_NOMEM;
    e->args = sm_arena_alloc(p->a, (size_t)n * sizeof *e->args);
    if (!e->args) return SM_NOMEM;
    memcpy(e->args, args, (size_t)n * sizeof *e->args);
    e->nargs = n;
    e->has_operand = has_operand;
    e->has_else = has_else;
    *out = ps_span(e, pos, end);
    return SM_OK;
}

/* Comma-separated expressions up to ')' (consumed).  `first` may already be
 * parsed (NULL otherwise).  Returns an arena array. */
static int ps_list(parser *p, sm_expr *first, sm_expr ***out, int *count, int *end) {
    sm_expr *items[16], **args = items;
    int n = 0, cap = 16;
    if (first) args[n++] = first;
    if (!first || ps_op(p, ",")) {
        for (;;) {
            sm_expr *x;
            SM_TRY(ps_expr(p, &x));
            if (p->alias_args && sm_tok_kw(cur(p), "as") && sm_tok_is_name(peek(p, 1))) {
                sm_token *t = peek(p, 1); /* struct(a + 1 AS k) */
                adv(p);
                adv(p);
                sm_expr *al = sm_expr_alias(p->a, x, t->str);
                if (!al) return SM_NOMEM;
                x = ps_span(al, x->pos, t->end);
            }
            if (n == cap) {
                sm_expr **na = sm_arena_alloc(p->a, (size_t)cap * 2 * sizeof *na);
                if (!na) return SM_NOMEM;
                memcpy(na, args, (size_t)n * sizeof *na);
                args = na;
                cap *= 2;
            }
            args[n++] = x;
            if (!ps_op(p, ",")) break;
        }
    }
    *end = cur(p)->end;
    SM_TRY(ps_expect_op(p, ")"));
    sm_expr **arr = sm_arena_alloc(p->a, (size_t)n * sizeof *arr);
    if (!arr) return SM_NOMEM;
    memcpy(arr, args, (size_t)n * sizeof *arr);
    *out = arr;
    *count = n;
    return SM_OK;
}

static char *ps_lower(sm_arena *a, const char *s) {
    char *d = sm_arena_strdup(a, s);
    if (d)
        for (char *c = d; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c += 32;
    return d;
}

/* name '(' ... ')': the name token is current. */
static int ps_call(parser *p, sm_expr **out) {
    sm_token *nt = cur(p);
    int pos = nt->pos;
    char *name = ps_lower(p->a, nt->str);
    if (!name) return SM_NOMEM;
    adv(p);
    adv(p); /* '(' */
    sm_expr *e = sm_expr_call(p->a, name, 0, NULL);
    if (!e) return SM_NOMEM;
    int end = cur(p)->end;
    if (strcmp(name, "count") == 0 && sm_tok_op(cur(p), "*") && sm_tok_op(peek(p, 1), ")")) {
        /* count(*) is count(1) in Spark, name and all */
        sm_value one = {.type = SM_INT, .v.i32 = 1};
        sm_expr *lit = ps_span(sm_expr_literal(p->a, &one), cur(p)->pos, cur(p)->end);
        if (!lit) return SM_NOMEM;
        adv(p);
        end = cur(p)->end;
        adv(p);
        e->args = sm_arena_alloc(p->a, sizeof *e->args);
        if (!e->args) return SM_NOMEM;
        e->args[0] = lit;
        e->nargs = 1;
    } else if (ps_op(p, ")")) {
        /* no arguments */
    } else {
        if (ps_kw(p, "distinct")) e->distinct = true;
        else ps_kw(p, "all");
        bool outer_alias = p->alias_args;
        p->alias_args = strcmp(name, "struct") == 0;
        int lrc = ps_list(p, NULL, &e->args, &e->nargs, &end);
        p->alias_args = outer_alias;
        SM_TRY(lrc);
    }
    if (sm_tok_kw(cur(p), "filter") && sm_tok_op(peek(p, 1), "(")) {
        /* agg(x) FILTER (WHERE cond); Spark's grammar puts it before IGNORE NULLS */
        adv(p);
        adv(p);
        if (!ps_kw(p, "where")) return ps_syntax(p, cur(p), false);
        SM_TRY(ps_expr(p, &e->filter));
        end = cur(p)->end;
        SM_TRY(ps_expect_op(p, ")"));
    }
    /* first(x) IGNORE NULLS = first(x, true) */
    if (sm_tok_kw(cur(p), "ignore") && sm_tok_kw(peek(p, 1), "nulls")) {
        end = peek(p, 1)->end;
        adv(p);
        adv(p);
        static const char *const with_flag_arg[] = {"first", "last", "first_value", "last_value",
                                                     "any_value", NULL};
        bool flag_arg = false;
        for (int k = 0; with_flag_arg[k]; k++)
            if (strcmp(name, with_flag_arg[k]) == 0) flag_arg = true;
        if (flag_arg && e->nargs == 1) {
            /* Spark's builder turns first_value(x) IGNORE NULLS into first(x, true) */
            if (strcmp(name, "first_value") == 0) e->name = name = "first";
            else if (strcmp(name, "last_value") == 0) e->name = name = "last";
            sm_expr **na = sm_arena_alloc(p->a, (size_t)(e->nargs + 1) * sizeof *na);
            if (!na) return SM_NOMEM;
            if (e->nargs) memcpy(na, e->args, (size_t)e->nargs * sizeof *na);
            if (!(na[e->nargs] = ps_bool(p, true, -1, -1))) return SM_NOMEM;
            e->args = na;
            e->nargs++;
        } else {
            e->ignore_nulls = true; /* lag/lead/nth_value ... IGNORE NULLS */
        }
    } else if (sm_tok_kw(cur(p), "respect") && sm_tok_kw(peek(p, 1), "nulls")) {
        end = peek(p, 1)->end;
        adv(p);
        adv(p);
    }
    sm_window_spec *win = NULL;
    if (ps_kw(p, "over")) {
        SM_TRY(sm_ps_window_spec(p, &win));
        end = p->tk[p->i - 1].end;
    }
    /* string(x), int(x), ... are Spark's cast functions: CAST(x AS type). */
    static const char *const cast_fns[] = {"string", "int",    "bigint",   "double",  "float",
                                           "boolean", "date",  "timestamp", "smallint", "tinyint",
                                           NULL};
    for (int k = 0; cast_fns[k] && e->nargs == 1 && !e->distinct; k++) {
        if (strcmp(name, cast_fns[k]) != 0) continue;
        int ty = sm_type_parse(name, strlen(name));
        if (ty < 0) break;
        sm_expr *c = sm_expr_cast(p->a, e->args[0], (sm_type)ty);
        if (!c) return SM_NOMEM;
        /* Spark's cast aliases build a Cast without the user-specified tag,
         * which toPrettySQL prints as its child ("unix_date(1970-01-01)" for
         * unix_date(date('1970-01-01'))): marked like the binder's casts */
        c->implicit = true;
        e = c;
        break;
    }
    /* decimal(x) is CAST(x AS DECIMAL(10,0)), Spark's default decimal */
    if (e->kind == SM_EX_CALL && e->nargs == 1 && !e->distinct && strcmp(name, "decimal") == 0) {
        sm_expr *c = sm_expr_cast(p->a, e->args[0], SM_DECIMAL);
        if (!c) return SM_NOMEM;
        c->precision = 10;
        c->scale = 0;
        c->implicit = true;
        e = c;
    }
    ps_span(e, pos, end);
    if (win) {
        sm_expr *w = sm_expr_new(p->a, SM_EX_WINDOW);
        if (!w) return SM_NOMEM;
        w->args = sm_arena_alloc(p->a, sizeof *w->args);
        if (!w->args) return SM_NOMEM;
        w->args[0] = e;
        w->nargs = 1;
        w->window = win;
        e = ps_span(w, pos, end);
    }
    *out = e;
    return SM_OK;
}

/* DATE '...' / TIMESTAMP '...': current token is the type word, next a string. */
static int ps_typed_literal(parser *p, sm_expr **out) {
    sm_token *kw = cur(p);
    int pos = kw->pos;
    bool is_date = sm_tok_kw(kw, "date");
    bool is_ntz = sm_tok_kw(kw, "timestamp_ntz");
    bool is_time = sm_tok_kw(kw, "time");
    adv(p);
    sm_expr *s;
    SM_TRY(ps_string(p, &s));
    const char *str = s->lit.v.str.ptr;
    int32_t len = s->lit.v.str.len;
    bool ok;
    if (is_date) {
        int32_t days;
        ok = sm_parse_date(str, len, &days);
    } else if (is_time) { /* Spark 4.1's TIME '...' literal: time(6) */
        int64_t nanos;
        ok = sm_parse_time(str, len, SM_TIME_DEFAULT_PRECISION, &nanos);
    } else if (is_ntz) {
        int64_t micros;
        ok = sm_parse_timestamp_ntz(str, len, false, &micros);
    } else {
        int64_t micros;
        ok = sm_parse_timestamp(str, len, sm_tz_utc(), &micros);
    }
    const char *tyname = is_date ? "DATE" : is_time ? "TIME" : is_ntz ? "TIMESTAMP_NTZ" : "TIMESTAMP";
    if (!ok)
        return sm_ps_error(p, SM_PARSE, pos,
                            "[INVALID_TYPED_LITERAL] The value of the typed literal \"%s\" is "
                            "invalid: '%.*s'.",
                            tyname, len > 100 ? 100 : (int)len, str);
    sm_expr *e = sm_expr_cast(p->a, s, is_date ? SM_DATE : is_time ? SM_TIME : is_ntz ? SM_TIMESTAMP_NTZ : SM_TIMESTAMP);
    if (!e) return SM_NOMEM;
    if (is_time) e->precision = sm_time_slot(SM_TIME_DEFAULT_PRECISION);
    e->name = sm_arena_strdup(p->a, tyname);
    if (!e->name) return SM_NOMEM;
    *out = ps_span(e, pos, s->end);
    return SM_OK;
}

/* ---- SQL-only forms: subqueries, windows, intervals, special calls ------- */


bool sm_ps_starts_query(parser *p, int k) {
    int n = 0;
    while (sm_tok_op(peek(p, k), "(") && n < 1000) k++, n++;
    sm_token *t = peek(p, k);
    return sm_tok_kw(t, "select") || sm_tok_kw(t, "with") || sm_tok_kw(t, "values") ||
           (sm_tok_kw(t, "table") && sm_tok_is_name(peek(p, k + 1))) ||
           (sm_tok_kw(t, "from") && n == 0);
}

/* '(' query ')' at the current '(' → a node of `kind` holding the query. */
static int ps_subquery(parser *p, sm_expr_kind kind, int pos, sm_expr **out) {
    sm_token *open = cur(p);
    if (!p->parse_query)
        return sm_ps_error(p, SM_UNSUPPORTED, open->pos,
                           "[UNSUPPORTED_FEATURE] Subqueries are supported only in SQL queries "
                           "(sm_sql, smelt sql), not in DataFrame expressions.");
    adv(p);
    void *q = NULL;
    SM_TRY(ps_enter(p));
    SM_TRY(p->parse_query(p, &q));
    p->depth--;
    int end = cur(p)->end;
    SM_TRY(ps_expect_op(p, ")"));
    sm_expr *e = sm_expr_new(p->a, kind);
    if (!e) return SM_NOMEM;
    e->subquery = q;
    *out = ps_span(e, pos, end);
    return SM_OK;
}

/* Tries ps_subquery; when the query's text began with '(' and the parse
 * fails, rewinds (the parentheses may group an expression instead:
 * "((SELECT 1) + 1)") and returns SM_NOT_FOUND-like 1 without an error. */
static int ps_try_subquery(parser *p, sm_expr_kind kind, int pos, sm_expr **out, bool *taken) {
    int save = p->i, depth = p->depth;
    bool nested = sm_tok_op(peek(p, 1), "(");
    int rc = ps_subquery(p, kind, pos, out);
    *taken = true;
    if (rc == SM_OK || rc == SM_NOMEM || !nested || !p->parse_query) return rc;
    SM_TRY(sm_ps_check_work(p));
    p->i = save;
    p->depth = depth;
    *taken = false;
    return SM_OK;
}

static int ps_frame_bound(parser *p, sm_frame_bound *b) {
    if (ps_kw(p, "unbounded")) {
        if (ps_kw(p, "preceding")) b->kind = SM_FRAME_UNBOUNDED_PRECEDING;
        else if (ps_kw(p, "following")) b->kind = SM_FRAME_UNBOUNDED_FOLLOWING;
        else return ps_syntax(p, cur(p), false);
        return SM_OK;
    }
    if (sm_tok_kw(cur(p), "current") && sm_tok_kw(peek(p, 1), "row")) {
        adv(p);
        adv(p);
        b->kind = SM_FRAME_CURRENT_ROW;
        return SM_OK;
    }
    SM_TRY(ps_expr(p, &b->offset));
    if (ps_kw(p, "preceding")) b->kind = SM_FRAME_PRECEDING;
    else if (ps_kw(p, "following")) b->kind = SM_FRAME_FOLLOWING;
    else return ps_syntax(p, cur(p), false);
    return SM_OK;
}

static int ps_expr_list_until(parser *p, sm_expr ***out, int *count) {
    int n = 0, cap = 4;
    sm_expr **items = sm_arena_alloc(p->a, (size_t)cap * sizeof *items);
    if (!items) return SM_NOMEM;
    do {
        if (n == cap) {
            sm_expr **ni = sm_arena_alloc(p->a, (size_t)cap * 2 * sizeof *ni);
            if (!ni) return SM_NOMEM;
            memcpy(ni, items, (size_t)n * sizeof *ni);
            items = ni;
            cap *= 2;
        }
        SM_TRY(ps_expr(p, &items[n]));
        n++;
    } while (ps_op(p, ","));
    *out = items;
    *count = n;
    return SM_OK;
}

int sm_ps_window_spec(parser *p, sm_window_spec **out) {
    sm_window_spec *w = sm_arena_alloc(p->a, sizeof *w);
    if (!w) return SM_NOMEM;
    *out = w;
    if (sm_tok_is_name(cur(p))) { /* OVER w */
        w->ref_name = cur(p)->str;
        adv(p);
        return SM_OK;
    }
    SM_TRY(ps_expect_op(p, "("));
    SM_TRY(ps_enter(p));
    if (sm_tok_is_name(cur(p)) && !sm_tok_kw(cur(p), "partition") &&
        !sm_tok_kw(cur(p), "distribute") && !sm_tok_kw(cur(p), "cluster") &&
        !sm_tok_kw(cur(p), "order") && !sm_tok_kw(cur(p), "sort") && !sm_tok_kw(cur(p), "rows") &&
        !sm_tok_kw(cur(p), "range")) {
        w->ref_name = cur(p)->str; /* (w) or (w ORDER BY ...) */
        adv(p);
    }
    if ((sm_tok_kw(cur(p), "partition") || sm_tok_kw(cur(p), "distribute") ||
         sm_tok_kw(cur(p), "cluster")) &&
        sm_tok_kw(peek(p, 1), "by")) {
        adv(p);
        adv(p);
        SM_TRY(ps_expr_list_until(p, &w->partition, &w->npartition));
    }
    if ((sm_tok_kw(cur(p), "order") || sm_tok_kw(cur(p), "sort")) && sm_tok_kw(peek(p, 1), "by")) {
        adv(p);
        adv(p);
        int cap = 4;
        w->order = sm_arena_alloc(p->a, (size_t)cap * sizeof *w->order);
        if (!w->order) return SM_NOMEM;
        do {
            if (w->norder == cap) {
                sm_sort_key *no = sm_arena_alloc(p->a, (size_t)cap * 2 * sizeof *no);
                if (!no) return SM_NOMEM;
                memcpy(no, w->order, (size_t)w->norder * sizeof *no);
                w->order = no;
                cap *= 2;
            }
            SM_TRY(sm_ps_sort_item(p, &w->order[w->norder]));
            w->norder++;
        } while (ps_op(p, ","));
    }
    if (sm_tok_kw(cur(p), "rows") || sm_tok_kw(cur(p), "range")) {
        w->has_frame = true;
        w->frame_rows = sm_tok_kw(cur(p), "rows");
        adv(p);
        if (ps_kw(p, "between")) {
            SM_TRY(ps_frame_bound(p, &w->start));
            if (!ps_kw(p, "and")) return ps_syntax(p, cur(p), false);
            SM_TRY(ps_frame_bound(p, &w->end));
        } else {
            SM_TRY(ps_frame_bound(p, &w->start));
            w->end.kind = SM_FRAME_CURRENT_ROW;
        }
    }
    p->depth--;
    return ps_expect_op(p, ")");
}

/* ---- INTERVAL literals ----------------------------------------------------- */

/* INTERVAL literals become a call "interval" with four arguments: BIGINT
 * literals months, days, microseconds, and a STRING literal holding Spark's
 * spelling of the literal ("INTERVAL '90' DAY"), which is its generated
 * name.  Spark 3.5 types them as ANSI intervals (YEAR TO MONTH or DAY TO
 * SECOND); smelt has no interval type yet, so the binder reports them
 * unless it rewrites date ± interval. */

typedef enum { IV_YEAR, IV_MONTH, IV_WEEK, IV_DAY, IV_HOUR, IV_MINUTE, IV_SECOND, IV_MILLI, IV_MICRO, IV_NONE } iv_unit;

static iv_unit ps_iv_unit(const sm_token *t) {
    static const char *const names[] = {"year", "month", "week", "day", "hour", "minute", "second",
                                        "millisecond", "microsecond"};
    if (t->kind != SM_TK_IDENT) return IV_NONE;
    for (int k = 0; k < 9; k++) {
        size_t n = strlen(names[k]);
        if (strncasecmp(t->str, names[k], n) == 0 &&
            (t->str[n] == 0 || ((t->str[n] == 's' || t->str[n] == 'S') && t->str[n + 1] == 0)))
            return (iv_unit)k;
    }
    return IV_NONE;
}

static const char *const iv_upper[] = {"YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND",
                                       "MILLISECOND", "MICROSECOND"};

/* Adds value (text, maybe fractional for seconds) of `unit` to the totals. */
static bool ps_iv_add(const char *v, iv_unit u, int64_t *months, int64_t *days, int64_t *micros) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    while (*end == ' ') end++;
    if (end == v || *end || errno || d > 1e15 || d < -1e15) return false;
    int64_t i = (int64_t)d;
    if (u != IV_SECOND && (double)i != d) return false;
    switch (u) {
    case IV_YEAR: *months += i * 12; break;
    case IV_MONTH: *months += i; break;
    case IV_WEEK: *days += i * 7; break;
    case IV_DAY: *days += i; break;
    case IV_HOUR: *micros += i * 3600000000LL; break;
    case IV_MINUTE: *micros += i * 60000000LL; break;
    case IV_SECOND: *micros += (int64_t)llround(d * 1e6); break;
    case IV_MILLI: *micros += i * 1000; break;
    case IV_MICRO: *micros += i; break;
    default: return false;
    }
    return true;
}

/* 'a-b' YEAR TO MONTH, 'd h:m:s' DAY TO SECOND and the like. */
static bool ps_iv_fields(const char *s, iv_unit from, iv_unit to, int64_t *months, int64_t *days,
                         int64_t *micros) {
    bool neg = false;
    while (*s == ' ') s++;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    double parts[4] = {0};
    int np = 0;
    const char *q = s;
    while (*q && np < 4) {
        char *end;
        parts[np++] = strtod(q, &end);
        if (end == q) return false;
        q = end;
        if (*q == '-' || *q == ' ' || *q == ':') q++;
        else if (*q) return false;
    }
    int64_t m = 0, d = 0, us = 0;
    if (from == IV_YEAR && to == IV_MONTH) {
        if (np != 2) return false;
        m = (int64_t)parts[0] * 12 + (int64_t)parts[1];
    } else {
        iv_unit u = from;
        for (int k = 0; k < np; k++, u = (iv_unit)(u == IV_DAY ? IV_HOUR : u + 1)) {
            if (u > to) return false;
            char buf[64];
            snprintf(buf, sizeof buf, "%.9g", parts[k]);
            if (!ps_iv_add(buf, u, &m, &d, &us)) return false;
        }
    }
    *months += neg ? -m : m;
    *days += neg ? -d : d;
    *micros += neg ? -us : us;
    return true;
}

static int ps_interval(parser *p, sm_expr **out) {
    sm_token *kw = cur(p);
    adv(p);
    int64_t months = 0, days = 0, micros = 0;
    bool ym = false, dt = false;
    iv_unit lo = IV_NONE, hi = IV_NONE; /* the fields named, for the spelling */
    int end = kw->end;
    const char *single = NULL;          /* the value of a single-unit literal */
    int units = 0;
    for (;;) {
        sm_token *v = cur(p), *u;
        bool neg = false;
        if (sm_tok_op(v, "-") && (peek(p, 1)->kind == SM_TK_NUMBER || peek(p, 1)->kind == SM_TK_STRING)) {
            neg = true;
            adv(p);
            v = cur(p);
        }
        if (v->kind != SM_TK_NUMBER && v->kind != SM_TK_STRING) break;
        u = peek(p, 1);
        iv_unit un = ps_iv_unit(u);
        if (un == IV_NONE) {
            if (units == 0 && v->kind == SM_TK_STRING) { /* INTERVAL '1 day 2 hours' */
                adv(p);
                end = v->end;
                char *str = v->str, *save = NULL;
                for (char *w = strtok_r(str, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                    char *uw = strtok_r(NULL, " ", &save);
                    sm_token ut = {.kind = SM_TK_IDENT, .str = uw ? uw : ""};
                    iv_unit uu = ps_iv_unit(&ut);
                    if (uu == IV_NONE || !ps_iv_add(w, uu, &months, &days, &micros))
                        return sm_ps_error(p, SM_PARSE, v->pos,
                                           "[INVALID_TYPED_LITERAL] The value of the typed literal "
                                           "\"INTERVAL\" is invalid: '%s'.",
                                           v->str);
                    if (uu <= IV_MONTH) ym = true;
                    else dt = true;
                    if (lo == IV_NONE || uu < lo) lo = uu;
                    if (hi == IV_NONE || uu > hi) hi = uu;
                    units++;
                }
                break;
            }
            break;
        }
        adv(p);
        adv(p);
        end = u->end;
        units++;
        if (units == 1 && sm_tok_kw(cur(p), "to")) { /* 'a-b' YEAR TO MONTH */
            iv_unit to = ps_iv_unit(peek(p, 1));
            if (to == IV_NONE || v->kind != SM_TK_STRING) return ps_syntax(p, peek(p, 1), false);
            end = peek(p, 1)->end;
            adv(p);
            adv(p);
            if (!ps_iv_fields(v->str, un, to, &months, &days, &micros))
                return sm_ps_error(p, SM_PARSE, v->pos,
                                   "[INVALID_TYPED_LITERAL] The value of the typed literal "
                                   "\"INTERVAL\" is invalid: '%s'.",
                                   v->str);
            if (neg) months = -months, days = -days, micros = -micros;
            lo = un;
            hi = to;
            if (un <= IV_MONTH) ym = true;
            else dt = true;
            single = v->str;
            units = 2;
            break;
        }
        char *val = neg ? sm_arena_printf(p->a, "-%s", v->str) : v->str;
        if (!val) return SM_NOMEM;
        if (!ps_iv_add(val, un, &months, &days, &micros))
            return sm_ps_error(p, SM_PARSE, v->pos,
                               "[INVALID_TYPED_LITERAL] The value of the typed literal \"INTERVAL\" "
                               "is invalid: '%s'.",
                               val);
        if (un <= IV_MONTH) ym = true;
        else dt = true;
        if (lo == IV_NONE || un < lo) lo = un;
        if (hi == IV_NONE || un > hi) hi = un;
        single = val;
    }
    if (units == 0) return ps_syntax(p, cur(p), false);
    if (ym && dt)
        return sm_ps_error(p, SM_PARSE, kw->pos,
                           "Cannot mix year-month and day-time fields: %.*s.", end - kw->pos,
                           p->text + kw->pos);
    /* Spark's spelling */
    char *spell;
    if (lo == IV_WEEK) lo = IV_DAY;
    if (hi == IV_WEEK) hi = IV_DAY;
    if (lo >= IV_MILLI) lo = IV_SECOND;
    if (hi >= IV_MILLI) hi = IV_SECOND;
    if (ym) {
        if (lo == hi && lo == IV_YEAR)
            spell = sm_arena_printf(p->a, "INTERVAL '%lld' YEAR", (long long)(months / 12));
        else if (lo == hi)
            spell = sm_arena_printf(p->a, "INTERVAL '%lld' MONTH", (long long)months);
        else
            spell = sm_arena_printf(p->a, "INTERVAL '%s%lld-%lld' YEAR TO MONTH",
                                    months < 0 ? "-" : "", (long long)(llabs(months) / 12),
                                    (long long)(llabs(months) % 12));
    } else {
        int64_t total = days * 86400000000LL + micros;
        bool neg = total < 0;
        uint64_t t = neg ? (uint64_t)(-total) : (uint64_t)total;
        uint64_t us = t % 1000000, secs = t / 1000000;
        uint64_t s = secs % 60, mi = secs / 60 % 60, h = secs / 3600 % 24, d = secs / 86400;
        char frac[16] = "";
        if (us) {
            snprintf(frac, sizeof frac, ".%06llu", (unsigned long long)us);
            for (int k = (int)strlen(frac) - 1; k > 0 && frac[k] == '0'; k--) frac[k] = 0;
        }
        sm_buf b = {0};
        int rc = sm_buf_appendf(&b, "INTERVAL '%s", neg ? "-" : "");
        /* the leading field unpadded and holding everything above it */
        uint64_t lead = lo == IV_DAY ? d : lo == IV_HOUR ? secs / 3600 : lo == IV_MINUTE ? secs / 60 : secs;
        if (rc == SM_OK) rc = sm_buf_appendf(&b, lo != IV_DAY ? "%02llu" : "%llu",
                                             (unsigned long long)lead);
        for (iv_unit u = (iv_unit)(lo == IV_DAY ? IV_HOUR : lo + 1); rc == SM_OK && u <= hi;
             u = (iv_unit)(u + 1)) {
            uint64_t f = u == IV_HOUR ? h : u == IV_MINUTE ? mi : s;
            rc = sm_buf_appendf(&b, "%s%02llu", u == IV_HOUR ? " " : ":", (unsigned long long)f);
        }
        if (rc == SM_OK && hi == IV_SECOND) rc = sm_buf_appendf(&b, "%s", frac);
        if (rc == SM_OK && lo == hi) rc = sm_buf_appendf(&b, "' %s", iv_upper[lo]);
        else if (rc == SM_OK) rc = sm_buf_appendf(&b, "' %s TO %s", iv_upper[lo], iv_upper[hi]);
        if (rc != SM_OK) {
            sm_buf_free(&b);
            return SM_NOMEM;
        }
        spell = sm_arena_strdup(p->a, sm_buf_cstr(&b));
        sm_buf_free(&b);
    }
    (void)single;
    if (!spell) return SM_NOMEM;
    sm_value vm = {.type = SM_BIGINT, .v.i64 = months}, vd = {.type = SM_BIGINT, .v.i64 = days},
             vu = {.type = SM_BIGINT, .v.i64 = micros},
             vs = {.type = SM_STRING, .v.str = {spell, (int32_t)strlen(spell)}};
    sm_expr *args[4] = {sm_expr_literal(p->a, &vm), sm_expr_literal(p->a, &vd),
                        sm_expr_literal(p->a, &vu), sm_expr_literal(p->a, &vs)};
    for (int k = 0; k < 4; k++)
        if (!args[k]) return SM_NOMEM;
    sm_expr *e = sm_expr_call(p->a, "interval", 4, args);
    if (!e) return SM_NOMEM;
    *out = ps_span(e, kw->pos, end);
    return SM_OK;
}

/* X'1F': a BINARY literal holding the bytes; its name is Spark's spelling
 * X'01F' with an even number of digits. */
static int ps_binary_literal(parser *p, sm_expr **out) {
    sm_token *x = cur(p), *s = peek(p, 1);
    const char *h = s->str;
    int n = s->len, odd = n & 1;
    char *bytes = sm_arena_alloc(p->a, (size_t)(n / 2 + 2));
    char *spell = sm_arena_alloc(p->a, (size_t)n + 5);
    if (!bytes || !spell) return SM_NOMEM;
    int o = 0, sp = 0;
    spell[sp++] = 'X';
    spell[sp++] = '\'';
    if (odd) spell[sp++] = '0';
    int acc = 0, nd = odd;
    for (int k = 0; k < n; k++) {
        int c = (unsigned char)h[k], v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else
            return sm_ps_error(p, SM_PARSE, x->pos,
                               "[INVALID_TYPED_LITERAL] The value of the typed literal \"X\" is "
                               "invalid: '%.*s'.",
                               n > 100 ? 100 : n, h);
        spell[sp++] = (char)(c >= 'a' ? c - 32 : c);
        acc = acc * 16 + v;
        if (++nd == 2) {
            bytes[o++] = (char)acc;
            acc = nd = 0;
        }
    }
    spell[sp++] = '\'';
    spell[sp] = 0;
    adv(p);
    adv(p);
    sm_value v = {.type = SM_BINARY, .v.str = {bytes, o}};
    sm_expr *e = sm_expr_literal(p->a, &v);
    if (!e) return SM_NOMEM;
    e->name = spell;
    *out = ps_span(e, x->pos, s->end);
    return SM_OK;
}

/* The names with a TIMESTAMPADD / TIMESTAMPDIFF form. */
static bool ps_ts_fn(const sm_token *t) {
    static const char *const names[] = {"timestampadd", "dateadd",  "date_add",
                                        "timestampdiff", "datediff", "date_diff", NULL};
    for (int k = 0; names[k]; k++)
        if (sm_tok_kw(t, names[k])) return true;
    return false;
}

/* Spark's datetimeUnit keywords (the units func_datetime.c implements). */
static bool ps_ts_unit(const sm_token *t) {
    static const char *const units[] = {"year",   "quarter", "month",  "week",        "day",
                                        "dayofyear", "hour", "minute", "second", "millisecond",
                                        "microsecond", NULL};
    for (int k = 0; units[k]; k++)
        if (sm_tok_kw(t, units[k])) return true;
    return false;
}

/* EXTRACT(f FROM x), TRIM([BOTH|LEADING|TRAILING] [c] FROM s),
 * SUBSTRING(s FROM a [FOR b]), POSITION(a IN b).  The name token is
 * current and '(' next.  *done false: not the special form (nothing
 * consumed); the caller parses an ordinary call. */
static int ps_special_call(parser *p, sm_expr **out, bool *done) {
    sm_token *nt = cur(p);
    int save = p->i, depth = p->depth;
    *done = false;
    sm_expr *args[3];
    int nargs = 0;
    const char *fn = NULL;
    adv(p);
    adv(p);
    SM_TRY(ps_enter(p));
    if (sm_tok_kw(nt, "extract")) {
        sm_token *f = cur(p);
        if (!sm_tok_is_name(f) || !sm_tok_kw(peek(p, 1), "from")) goto fallback;
        adv(p);
        adv(p);
        sm_value v = {.type = SM_STRING, .v.str = {f->str, f->len}};
        args[0] = ps_span(sm_expr_literal(p->a, &v), f->pos, f->end);
        if (!args[0]) return SM_NOMEM;
        SM_TRY(ps_expr(p, &args[1]));
        nargs = 2;
        fn = "extract";
    } else if (sm_tok_kw(nt, "trim")) {
        const char *mode = "trim";
        bool kw = false;
        if (sm_tok_kw(cur(p), "both") || sm_tok_kw(cur(p), "leading") || sm_tok_kw(cur(p), "trailing")) {
            mode = sm_tok_kw(cur(p), "both") ? "trim" : sm_tok_kw(cur(p), "leading") ? "ltrim" : "rtrim";
            kw = true;
            adv(p);
        }
        sm_expr *chars = NULL;
        if (!sm_tok_kw(cur(p), "from")) {
            if (!kw && sm_tok_op(cur(p), ")")) goto fallback;
            SM_TRY(ps_expr(p, &chars));
        }
        if (!ps_kw(p, "from")) {
            if (!kw) goto fallback;
            return ps_syntax(p, cur(p), false);
        }
        sm_expr *src;
        SM_TRY(ps_expr(p, &src));
        fn = mode;
        if (chars) { /* Spark's SQL argument order: trim(trimStr, str) */
            args[0] = chars;
            args[1] = src;
            nargs = 2;
        } else {
            args[0] = src;
            nargs = 1;
        }
    } else if (sm_tok_kw(nt, "substring") || sm_tok_kw(nt, "substr")) {
        SM_TRY(ps_expr(p, &args[0]));
        if (!ps_kw(p, "from")) goto fallback;
        SM_TRY(ps_expr(p, &args[1]));
        nargs = 2;
        if (ps_kw(p, "for")) SM_TRY(ps_expr(p, &args[nargs++]));
        fn = sm_tok_kw(nt, "substr") ? "substr" : "substring";
    } else if (ps_ts_fn(nt)) {
        /* TIMESTAMPADD(unit, n, ts) / TIMESTAMPDIFF(unit, a, b), also spelled
         * DATEADD / DATE_ADD and DATEDIFF / DATE_DIFF: a unit keyword first
         * (else an ordinary call, date_add(d, 1)); the unit becomes a STRING
         * literal as written, which Spark prints unquoted:
         * "timestampadd(MICROSECOND, 1001, TIMESTAMP '...')". */
        sm_token *u = cur(p);
        bool quoted = u->kind == SM_TK_STRING;
        if (!(quoted || (u->kind == SM_TK_IDENT && ps_ts_unit(u))) || !sm_tok_op(peek(p, 1), ","))
            goto fallback;
        adv(p);
        adv(p);
        SM_TRY(ps_value(p, 0, &args[1]));
        if (!ps_op(p, ",")) goto fallback;
        SM_TRY(ps_value(p, 0, &args[2]));
        if (!sm_tok_op(cur(p), ")")) goto fallback;
        /* a quoted unit: Spark's parse error; timestampadd('MONTH', ...) /
         * timestampdiff stay ordinary calls (smelt's functions take the unit
         * as a constant string, which the expression tests use) */
        if (quoted && (sm_tok_kw(nt, "timestampadd") || sm_tok_kw(nt, "timestampdiff"))) goto fallback;
        if (quoted)
            return sm_ps_error(p, SM_PARSE, nt->pos,
                               "[INVALID_PARAMETER_VALUE.DATETIME_UNIT] The value of parameter(s) "
                               "`unit` in `%s` is invalid: expects one of the units without quotes "
                               "YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, "
                               "MILLISECOND, MICROSECOND, but got the string literal '%.*s'.",
                               nt->str, (int)u->len, u->str);
        sm_value v = {.type = SM_STRING, .v.str = {u->str, (int32_t)strlen(u->str)}};
        args[0] = ps_span(sm_expr_literal(p->a, &v), u->pos, u->end);
        if (!args[0]) return SM_NOMEM;
        nargs = 3;
        fn = sm_tok_kw(nt, "timestampadd") || sm_tok_kw(nt, "dateadd") || sm_tok_kw(nt, "date_add")
                 ? "timestampadd"
                 : "timestampdiff";
    } else if (sm_tok_kw(nt, "position")) {
        SM_TRY(ps_value(p, 0, &args[0]));
        if (!ps_kw(p, "in")) goto fallback;
        SM_TRY(ps_expr(p, &args[1]));
        nargs = 2;
        fn = "locate";
    } else {
        goto fallback;
    }
    int end = cur(p)->end;
    SM_TRY(ps_expect_op(p, ")"));
    p->depth--;
    sm_expr *e = sm_expr_call(p->a, fn, nargs, args);
    if (!e) return SM_NOMEM;
    *out = ps_span(e, nt->pos, end);
    *done = true;
    return SM_OK;
fallback:
    p->i = save;
    p->depth = depth;
    return SM_OK;
}

static int ps_primary(parser *p, sm_expr **out) {
    sm_token *t = cur(p);
    switch (t->kind) {
    case SM_TK_NUMBER:
        adv(p);
        return ps_number(p, t, false, t->pos, out);
    case SM_TK_STRING:
        return ps_string(p, out);
    case SM_TK_OP:
        if (sm_tok_op(t, "(")) {
            if (sm_ps_starts_query(p, 1)) {
                bool taken;
                SM_TRY(ps_try_subquery(p, SM_EX_SUBQUERY, t->pos, out, &taken));
                if (taken) return SM_OK;
            }
            adv(p);
            sm_expr *x;
            SM_TRY(ps_expr(p, &x));
            if (sm_tok_op(cur(p), ","))
                return sm_ps_error(p, SM_UNSUPPORTED, t->pos,
                                    "[UNSUPPORTED_FEATURE] Row constructors such as (a, b) are not "
                                    "supported by smelt yet.");
            SM_TRY(ps_expect_op(p, ")"));
            *out = x;
            return SM_OK;
        }
        if (sm_tok_op(t, "*")) {
            adv(p);
            sm_expr *e = sm_expr_new(p->a, SM_EX_STAR);
            if (!e) return SM_NOMEM;
            *out = ps_span(e, t->pos, t->end);
            return SM_OK;
        }
        return ps_syntax(p, t, false);
    case SM_TK_QIDENT:
    case SM_TK_IDENT: {
        sm_token *next = peek(p, 1);
        if (t->kind == SM_TK_IDENT) {
            bool fn_like = sm_tok_op(next, "(") &&
                           (sm_tok_kw(t, "like") || sm_tok_kw(t, "ilike") || sm_tok_kw(t, "rlike"));
            if (ps_is_stop_word(t) && !fn_like) return ps_syntax(p, t, false);
            if ((sm_tok_kw(t, "cast") || sm_tok_kw(t, "try_cast")) && sm_tok_op(next, "(")) {
                if (sm_tok_kw(t, "try_cast"))
                    return sm_ps_error(p, SM_UNSUPPORTED, t->pos,
                                        "[UNSUPPORTED_FEATURE] TRY_CAST is not supported by smelt "
                                        "yet; use CAST (the same outside ANSI mode).");
                adv(p);
                return ps_cast(p, t->pos, out);
            }
            if (sm_tok_kw(t, "case")) {
                adv(p);
                return ps_case(p, t->pos, out);
            }
            if (sm_tok_kw(t, "null") && !sm_tok_op(next, "(")) {
                adv(p);
                sm_value v = {.type = SM_NULLTYPE, .is_null = true};
                *out = ps_span(sm_expr_literal(p->a, &v), t->pos, t->end);
                return *out ? SM_OK : SM_NOMEM;
            }
            if ((sm_tok_kw(t, "true") || sm_tok_kw(t, "false")) && !sm_tok_op(next, "(")) {
                adv(p);
                *out = ps_bool(p, sm_tok_kw(t, "true"), t->pos, t->end);
                return *out ? SM_OK : SM_NOMEM;
            }
            if (sm_tok_kw(t, "exists") && sm_tok_op(next, "(") && sm_ps_starts_query(p, 2)) {
                adv(p);
                return ps_subquery(p, SM_EX_EXISTS, t->pos, out);
            }
            if (sm_tok_kw(t, "interval") &&
                (next->kind == SM_TK_STRING || next->kind == SM_TK_NUMBER ||
                 (sm_tok_op(next, "-") && peek(p, 2)->kind != SM_TK_IDENT)))
                return ps_interval(p, out);
            if (sm_tok_kw(t, "x") && next->kind == SM_TK_STRING && next->pos == t->end)
                return ps_binary_literal(p, out);
            if (sm_tok_op(next, "(") &&
                (sm_tok_kw(t, "extract") || sm_tok_kw(t, "trim") || sm_tok_kw(t, "substring") ||
                 sm_tok_kw(t, "substr") || sm_tok_kw(t, "position") || ps_ts_fn(t))) {
                bool done;
                SM_TRY(ps_special_call(p, out, &done));
                if (done) return SM_OK;
            }
            if (next->kind == SM_TK_STRING) {
                if (sm_tok_kw(t, "date") || sm_tok_kw(t, "timestamp") || sm_tok_kw(t, "time") ||
                    sm_tok_kw(t, "timestamp_ltz") || sm_tok_kw(t, "timestamp_ntz"))
                    return ps_typed_literal(p, out);
                if (sm_tok_kw(t, "timestamp_ntz") || sm_tok_kw(t, "interval") ||
                    sm_tok_kw(t, "x"))
                    return sm_ps_error(p, SM_UNSUPPORTED, t->pos,
                                        "[UNSUPPORTED_FEATURE] %s literals are not supported by "
                                        "smelt yet.",
                                        t->str);
            }
            if (sm_tok_kw(t, "interval"))
                return sm_ps_error(p, SM_UNSUPPORTED, t->pos,
                                    "[UNSUPPORTED_FEATURE] INTERVAL literals are not supported by "
                                    "smelt yet.");
            if ((sm_tok_kw(t, "current_date") || sm_tok_kw(t, "current_timestamp")) &&
                !sm_tok_op(next, "(")) {
                adv(p);
                char *name = ps_lower(p->a, t->str);
                sm_expr *e = name ? sm_expr_call(p->a, name, 0, NULL) : NULL;
                if (!e) return SM_NOMEM;
                *out = ps_span(e, t->pos, t->end);
                return SM_OK;
            }
        }
        if (sm_tok_op(next, "(")) return ps_call(p, out);
        adv(p);
        sm_expr *e = sm_expr_column(p->a, t->str);
        if (!e) return SM_NOMEM;
        *out = ps_span(e, t->pos, t->end);
        return SM_OK;
    }
    default:
        return ps_syntax(p, t, false);
    }
}

/* x :: type (Spark 4's castByColon, used by Spark's golden files): CAST(x
 * AS type), named like it.  The "::" is current. */
static int ps_colon_cast(parser *p, sm_expr **x) {
    adv(p);
    sm_type to = SM_NULLTYPE;
    int8_t prec, scale;
    SM_TRY(ps_type(p, &to, &prec, &scale));
    sm_expr *c = sm_expr_cast(p->a, *x, to);
    if (!c) return SM_NOMEM;
    c->dt = p->type_dt;
    c->precision = prec;
    c->scale = scale;
    *x = ps_span(c, (*x)->pos, p->tk[p->i - 1].end);
    return SM_OK;
}

/* primary, then ".name" parts (qualified column names), ".*" and
 * ":: type" casts (chainable: '1.23' :: int :: long). */
static int ps_postfix(parser *p, sm_expr **out) {
    sm_expr *x;
    SM_TRY(ps_primary(p, &x));
    while (sm_tok_op(cur(p), ".") || sm_tok_op(cur(p), "[") || sm_tok_op(cur(p), "::")) {
        if (sm_tok_op(cur(p), "::")) {
            SM_TRY(ps_colon_cast(p, &x));
            continue;
        }
        sm_token *dot = cur(p), *next = peek(p, 1);
        if (sm_tok_op(dot, "[")) { /* x[i]: element of an array, value of a map */
            adv(p);
            sm_expr *idx;
            SM_TRY(ps_expr(p, &idx));
            int end = cur(p)->end;
            SM_TRY(ps_expect_op(p, "]"));
            sm_expr *args[2] = {x, idx};
            sm_expr *c = sm_expr_call(p->a, "__subscript", 2, args);
            if (!c) return SM_NOMEM;
            x = ps_span(c, x->pos, end);
            continue;
        }
        if (x->kind != SM_EX_COLUMN) {
            /* (expr).field: a struct field of any expression */
            if (!sm_tok_is_name(next)) return ps_syntax(p, next, false);
            adv(p);
            adv(p);
            sm_value f = {.type = SM_STRING, .v.str = {next->str, (int32_t)strlen(next->str)}};
            sm_expr *args[2] = {x, sm_expr_literal(p->a, &f)};
            if (!args[1]) return SM_NOMEM;
            sm_expr *c = sm_expr_call(p->a, "__field", 2, args);
            if (!c) return SM_NOMEM;
            x = ps_span(c, x->pos, next->end);
            continue;
        }
        if (sm_tok_op(next, "*")) { /* t.* */
            adv(p);
            adv(p);
            sm_expr *s = sm_expr_new(p->a, SM_EX_STAR);
            if (!s) return SM_NOMEM;
            s->name = x->name;
            x = ps_span(s, x->pos, next->end);
            break;
        }
        if (!sm_tok_is_name(next)) return ps_syntax(p, next, false);
        adv(p);
        adv(p);
        char *name = sm_arena_printf(p->a, "%s.%s", x->name, next->str);
        if (!name) return SM_NOMEM;
        x->name = name;
        x->end = next->end;
    }
    *out = x;
    return SM_OK;
}

static int ps_unary(parser *p, sm_expr **out) {
    sm_token *t = cur(p);
    if (sm_tok_op(t, "-") && peek(p, 1)->kind == SM_TK_NUMBER) {
        sm_token *num = peek(p, 1);
        adv(p);
        adv(p);
        SM_TRY(ps_number(p, num, true, t->pos, out));
        while (sm_tok_op(cur(p), "::")) SM_TRY(ps_colon_cast(p, out)); /* -1 :: int */
        return SM_OK;
    }
    const char *fn = sm_tok_op(t, "-")   ? "negative"
                     : sm_tok_op(t, "+") ? "positive"
                     : sm_tok_op(t, "~") ? "~"
                                         : NULL;
    if (!fn) return ps_postfix(p, out);
    adv(p);
    SM_TRY(ps_enter(p));
    sm_expr *x;
    SM_TRY(ps_unary(p, &x));
    p->depth--;
    return ps_call1(p, fn, x, t->pos, out);
}

/* The binary operator at the current token for precedence level `level`
 * (0 = comparison ... 5 = multiplicative); its call name, or NULL. */
static const char *ps_binop(parser *p, int level) {
    static const char *const ops[6][10] = {
        {"=", "==", "<=>", "!=", "<>", "<", "<=", ">", ">=", NULL},
        {"|", NULL},
        {"^", NULL},
        {"&", NULL},
        {"+", "-", "||", NULL},
        {"*", "/", "%", NULL},
    };
    sm_token *t = cur(p);
    if (level == 5 && sm_tok_kw(t, "div")) return "div";
    if (t->kind != SM_TK_OP) return NULL;
    for (int k = 0; ops[level][k]; k++)
        if (strcmp(t->str, ops[level][k]) == 0) return ops[level][k];
    return NULL;
}

static int ps_value(parser *p, int level, sm_expr **out) {
    sm_expr *l;
    if (level == 5) SM_TRY(ps_unary(p, &l));
    else SM_TRY(ps_value(p, level + 1, &l));
    const char *op;
    while ((op = ps_binop(p, level))) {
        adv(p);
        sm_expr *r;
        if (level == 5) SM_TRY(ps_unary(p, &r));
        else SM_TRY(ps_value(p, level + 1, &r));
        if (strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0) {
            SM_TRY(ps_call2(p, "=", l, r, &l));
            SM_TRY(ps_not(p, l, l->pos, &l));
        } else {
            SM_TRY(ps_call2(p, strcmp(op, "==") == 0 ? "=" : op, l, r, &l));
        }
    }
    *out = l;
    return SM_OK;
}

static bool ps_is_pred_word(const sm_token *t) {
    return sm_tok_kw(t, "between") || sm_tok_kw(t, "in") || sm_tok_kw(t, "like") ||
           sm_tok_kw(t, "ilike") || sm_tok_kw(t, "rlike") || sm_tok_kw(t, "regexp");
}

/* valueExpression predicate? */
static int ps_predicated(parser *p, sm_expr **out) {
    sm_expr *v;
    SM_TRY(ps_value(p, 0, &v));
    int pos = v->pos;
    bool neg = false;
    if (sm_tok_kw(cur(p), "not") && ps_is_pred_word(peek(p, 1))) {
        adv(p);
        neg = true;
    }
    sm_token *t = cur(p);
    sm_expr *e = NULL;
    if (ps_kw(p, "between")) {
        sm_expr *lo = NULL, *hi = NULL, *v2 = NULL, *ge = NULL, *le = NULL;
        SM_TRY(ps_value(p, 0, &lo));
        if (!ps_kw(p, "and")) return ps_syntax(p, cur(p), false);
        SM_TRY(ps_value(p, 0, &hi));
        SM_TRY(ps_copy(p, v, &v2));
        SM_TRY(ps_call2(p, ">=", v, lo, &ge));
        SM_TRY(ps_call2(p, "<=", v2, hi, &le));
        SM_TRY(ps_call2(p, "and", ge, le, &e));
    } else if (ps_kw(p, "in")) {
        if (!sm_tok_op(cur(p), "(") || sm_tok_op(peek(p, 1), ")"))
            return ps_syntax(p, cur(p), false);
        if (sm_ps_starts_query(p, 1)) {
            bool taken;
            sm_expr *sq;
            SM_TRY(ps_try_subquery(p, SM_EX_IN_SUBQUERY, pos, &sq, &taken));
            if (taken) {
                sq->args = sm_arena_alloc(p->a, sizeof *sq->args);
                if (!sq->args) return SM_NOMEM;
                sq->args[0] = v;
                sq->nargs = 1;
                sq->negated = neg;
                *out = sq;
                return SM_OK;
            }
        }
        adv(p);
        sm_expr **items;
        int n, end;
        SM_TRY(ps_list(p, NULL, &items, &n, &end));
        e = sm_expr_new(p->a, SM_EX_IN);
        if (!e) return SM_NOMEM;
        e->args = sm_arena_alloc(p->a, (size_t)(n + 1) * sizeof *e->args);
        if (!e->args) return SM_NOMEM;
        e->args[0] = v;
        memcpy(e->args + 1, items, (size_t)n * sizeof *items);
        e->nargs = n + 1;
        e->negated = neg;
        ps_span(e, pos, end);
        neg = false; /* carried by the node */
    } else if (ps_kw(p, "like") || ps_kw(p, "ilike")) {
        const char *fn = sm_tok_kw(t, "like") ? "like" : "ilike";
        if (sm_tok_kw(cur(p), "any") || sm_tok_kw(cur(p), "some") || sm_tok_kw(cur(p), "all"))
            if (sm_tok_op(peek(p, 1), "("))
                return sm_ps_error(p, SM_UNSUPPORTED, cur(p)->pos,
                                    "[UNSUPPORTED_FEATURE] LIKE ANY / SOME / ALL is not supported "
                                    "by smelt yet.");
        sm_expr *pat;
        SM_TRY(ps_value(p, 0, &pat));
        if (ps_kw(p, "escape")) {
            if (cur(p)->kind != SM_TK_STRING) return ps_syntax(p, cur(p), false);
            sm_expr *esc;
            SM_TRY(ps_string(p, &esc));
            e = sm_expr_call(p->a, fn, 3, (sm_expr *[]){v, pat, esc});
            if (!e) return SM_NOMEM;
            ps_span(e, pos, esc->end);
        } else {
            SM_TRY(ps_call2(p, fn, v, pat, &e));
        }
    } else if (ps_kw(p, "rlike") || ps_kw(p, "regexp")) {
        sm_expr *pat;
        SM_TRY(ps_value(p, 0, &pat));
        SM_TRY(ps_call2(p, "rlike", v, pat, &e));
    } else if (ps_kw(p, "is")) {
        bool is_not = ps_kw(p, "not");
        sm_token *k = cur(p);
        if (ps_kw(p, "null") || ps_kw(p, "unknown")) {
            SM_TRY(ps_call1(p, is_not ? "isnotnull" : "isnull", v, pos, &e));
            e->end = k->end;
        } else if (ps_kw(p, "true") || ps_kw(p, "false")) {
            sm_expr *b = ps_bool(p, sm_tok_kw(k, "true"), k->pos, k->end);
            if (!b) return SM_NOMEM;
            SM_TRY(ps_call2(p, "<=>", v, b, &e));
            if (is_not) SM_TRY(ps_not(p, e, pos, &e));
        } else if (ps_kw(p, "distinct")) {
            if (!ps_kw(p, "from")) return ps_syntax(p, cur(p), false);
            sm_expr *r;
            SM_TRY(ps_value(p, 0, &r));
            SM_TRY(ps_call2(p, "<=>", v, r, &e));
            if (!is_not) SM_TRY(ps_not(p, e, pos, &e));
        } else {
            return ps_syntax(p, k, false);
        }
    } else {
        *out = v;
        return SM_OK;
    }
    if (neg) SM_TRY(ps_not(p, e, pos, &e));
    *out = e;
    return SM_OK;
}

/* NOT binds looser than predicates, tighter than AND. */
static int ps_notexpr(parser *p, sm_expr **out) {
    sm_token *t = cur(p);
    if (sm_tok_kw(t, "not") || sm_tok_op(t, "!")) {
        adv(p);
        SM_TRY(ps_enter(p));
        sm_expr *x;
        sm_token *next = cur(p);
        SM_TRY(ps_notexpr(p, &x));
        p->depth--;
        if (x->kind == SM_EX_EXISTS && !x->negated && sm_tok_kw(next, "exists") &&
            x->pos == next->pos) {
            x->negated = true; /* NOT EXISTS (...) */
            x->pos = t->pos;
            *out = x;
            return SM_OK;
        }
        return ps_not(p, x, t->pos, out);
    }
    return ps_predicated(p, out);
}

static int ps_and(parser *p, sm_expr **out) {
    sm_expr *l;
    SM_TRY(ps_notexpr(p, &l));
    while (ps_kw(p, "and")) {
        sm_expr *r;
        SM_TRY(ps_notexpr(p, &r));
        SM_TRY(ps_call2(p, "and", l, r, &l));
    }
    *out = l;
    return SM_OK;
}

static int ps_expr(parser *p, sm_expr **out) {
    SM_TRY(ps_enter(p));
    sm_expr *l;
    SM_TRY(ps_and(p, &l));
    while (ps_kw(p, "or")) {
        sm_expr *r;
        SM_TRY(ps_and(p, &r));
        SM_TRY(ps_call2(p, "or", l, r, &l));
    }
    p->depth--;
    *out = l;
    return SM_OK;
}

/* expression [[AS] alias] */
static int ps_named(parser *p, sm_expr **out) {
    sm_expr *e;
    SM_TRY(ps_expr(p, &e));
    sm_token *t = cur(p);
    bool as = false;
    if (sm_tok_kw(t, "as")) {
        adv(p);
        t = cur(p);
        as = true;
        if (!sm_tok_is_name(t)) return ps_syntax(p, t, false);
    }
    if (as || t->kind == SM_TK_QIDENT ||
        (t->kind == SM_TK_IDENT && !sm_lex_is_clause_word(t->str) && !ps_is_stop_word(t))) {
        adv(p);
        sm_expr *al = sm_expr_alias(p->a, e, t->str);
        if (!al) return SM_NOMEM;
        e = ps_span(al, e->pos, t->end);
    }
    *out = e;
    return SM_OK;
}

static int ps_init(parser *p, sm_arena *a, const char *text) {
    memset(p, 0, sizeof *p);
    p->a = a;
    p->text = text ? text : "";
    return sm_lex(a, p->text, &p->tk, &p->ntk);
}

static int ps_finish(parser *p) {
    /* a lexer error (an unterminated string) is not "extra input" */
    if (cur(p)->kind != SM_TK_EOF) return ps_syntax(p, cur(p), cur(p)->kind != SM_TK_ERROR);
    return SM_OK;
}

int sm_expr_parse(sm_arena *a, const char *text, sm_expr **out) {
    parser p;
    SM_TRY(ps_init(&p, a, text));
    sm_expr *e;
    SM_TRY(ps_named(&p, &e));
    SM_TRY(ps_finish(&p));
    *out = e;
    return SM_OK;
}

int sm_expr_parse_list(sm_arena *a, const char *text, sm_expr ***out, int *count) {
    parser p;
    SM_TRY(ps_init(&p, a, text));
    int n = 0, cap = 8;
    sm_expr **items = sm_arena_alloc(a, (size_t)cap * sizeof *items);
    if (!items) return SM_NOMEM;
    for (;;) {
        sm_expr *e;
        SM_TRY(ps_named(&p, &e));
        if (n == cap) {
            sm_expr **ni = sm_arena_alloc(a, (size_t)cap * 2 * sizeof *ni);
            if (!ni) return SM_NOMEM;
            memcpy(ni, items, (size_t)n * sizeof *ni);
            items = ni;
            cap *= 2;
        }
        items[n++] = e;
        if (!ps_op(&p, ",")) break;
    }
    SM_TRY(ps_finish(&p));
    *out = items;
    *count = n;
    return SM_OK;
}

int sm_sort_parse(sm_arena *a, const char *text, sm_sort_key *out) {
    parser p;
    SM_TRY(ps_init(&p, a, text));
    sm_expr *e;
    SM_TRY(ps_expr(&p, &e));
    bool desc = false;
    if (ps_kw(&p, "desc")) desc = true;
    else ps_kw(&p, "asc");
    bool nulls_first = !desc;
    if (ps_kw(&p, "nulls")) {
        if (ps_kw(&p, "first")) nulls_first = true;
        else if (ps_kw(&p, "last")) nulls_first = false;
        else return ps_syntax(&p, cur(&p), false);
    }
    SM_TRY(ps_finish(&p));
    out->expr = e;
    out->descending = desc;
    out->nulls_first = nulls_first;
    return SM_OK;
}

/* ---- the interface for the SQL parser (parse_internal.h) ---------------- */

int sm_ps_init(sm_parser *p, sm_arena *a, const char *text) { return ps_init(p, a, text); }
sm_token *sm_ps_cur(sm_parser *p) { return cur(p); }
sm_token *sm_ps_peek(sm_parser *p, int k) { return peek(p, k); }
void sm_ps_adv(sm_parser *p) { adv(p); }
bool sm_ps_kw(sm_parser *p, const char *kw) { return ps_kw(p, kw); }
bool sm_ps_op(sm_parser *p, const char *op) { return ps_op(p, op); }
int sm_ps_syntax(sm_parser *p, const sm_token *t, bool extra) { return ps_syntax(p, t, extra); }
int sm_ps_enter(sm_parser *p) { return ps_enter(p); }
int sm_ps_expr(sm_parser *p, sm_expr **out) { return ps_expr(p, out); }
int sm_ps_named(sm_parser *p, sm_expr **out) { return ps_named(p, out); }
int sm_ps_string(sm_parser *p, sm_expr **out) { return ps_string(p, out); }
int sm_ps_type(sm_parser *p, sm_type *out, int8_t *precision, int8_t *scale) {
    return ps_type(p, out, precision, scale);
}

int sm_ps_sort_item(sm_parser *p, sm_sort_key *out) {
    sm_expr *e;
    SM_TRY(ps_expr(p, &e));
    bool desc = false;
    if (ps_kw(p, "desc")) desc = true;
    else ps_kw(p, "asc");
    bool nulls_first = !desc;
    if (ps_kw(p, "nulls")) {
        if (ps_kw(p, "first")) nulls_first = true;
        else if (ps_kw(p, "last")) nulls_first = false;
        else return ps_syntax(p, cur(p), false);
    }
    out->expr = e;
    out->descending = desc;
    out->nulls_first = nulls_first;
    return SM_OK;
}

int sm_ps_error(sm_parser *p, int code, int pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = sm_lex_verror(code, p->text, pos, p->sql, fmt, ap);
    va_end(ap);
    return rc;
}
