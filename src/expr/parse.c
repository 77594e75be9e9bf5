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
 *     postfix: a.b (qualified names), t.*
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
 *     become SM_EX_CAST nodes.
 *   - DATE 'x' / TIMESTAMP 'x' → SM_EX_CAST of a STRING literal to
 *     DATE / TIMESTAMP whose name is "DATE" / "TIMESTAMP" (validated here,
 *     converted by the binder like any cast, so the session time zone
 *     applies); named "DATE '2024-01-01'".
 *   - numbers: see ps_number.
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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "expr/expr.h"
#include "expr/lexer.h"
#include "types/datetime.h"

#define PS_MAX_DEPTH 200
#define PS_MAX_NODES 200000

typedef struct {
    sm_arena *a;
    const char *text;
    sm_token *tk;
    int ntk, i;
    int depth;
    long nodes; /* nodes copied for BETWEEN, against PS_MAX_NODES */
} parser;

static int ps_expr(parser *p, sm_expr **out);
static int ps_value(parser *p, int level, sm_expr **out);

static sm_token *cur(parser *p) { return &p->tk[p->i]; }
static sm_token *peek(parser *p, int k) {
    int j = p->i + k;
    return &p->tk[j < p->ntk ? j : p->ntk - 1];
}
static void adv(parser *p) {
    if (p->tk[p->i].kind != SM_TK_EOF) p->i++;
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
        return sm_lex_error(SM_PARSE, p->text, t->pos, "Expression",
                            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
    int len = t->end - t->pos;
    if (len > 60) len = 60;
    const char *s = p->text + t->pos;
    if (extra)
        return sm_lex_error(SM_PARSE, p->text, t->pos, "Expression",
                            "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s': extra input '%.*s'.",
                            len, s, len, s);
    return sm_lex_error(SM_PARSE, p->text, t->pos, "Expression",
                        "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s'.", len, s);
}

static int ps_expect_op(parser *p, const char *op) {
    if (!ps_op(p, op)) return ps_syntax(p, cur(p), false);
    return SM_OK;
}

static int ps_enter(parser *p) {
    if (++p->depth > PS_MAX_DEPTH)
        return sm_lex_error(SM_PARSE, p->text, cur(p)->pos, "Expression",
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
        return sm_lex_error(SM_PARSE, p->text, x->pos, "Expression",
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
    return sm_lex_error(SM_PARSE, p->text, pos, "Expression",
                        "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s%s is outside the valid "
                        "range for %s with minimum value of %s and maximum value of %s. Please "
                        "adjust the value accordingly.",
                        neg ? "-" : "", num, type, min, max);
}

/* Number token t (preceded by a minus when neg, starting at pos).  Spark 3.5:
 *   123      INT if it fits, else BIGINT, else DECIMAL(n,0)
 *   123L     BIGINT (range-checked); 123S / 123Y: SMALLINT / TINYINT
 *   1.5 1.5BD DECIMAL;  1e3 1.5D  DOUBLE;  1.5F FLOAT
 * smelt has no SMALLINT/TINYINT/FLOAT/DECIMAL yet: SMALLINT and TINYINT
 * literals are INT (range-checked as Spark), FLOAT is DOUBLE, and DECIMAL
 * literals are DOUBLE whose node->name holds Spark's decimal spelling
 * ("1.50") so that names match Spark. */
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
            v.type = SM_INT;
            v.v.i32 = (int32_t)val;
        } else if (t->num == SM_NUM_TINYINT) {
            if (!fits64 || val < -128 || val > 127)
                return ps_range_error(p, pos, t->str, neg, "tinyint", "-128", "127");
            v.type = SM_INT;
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
            return sm_lex_error(SM_PARSE, p->text, pos, "Expression",
                                "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s%s is outside "
                                "the range smelt supports for decimal literals.",
                                neg ? "-" : "", t->str);
        break;
    }
    case SM_NUM_EXPONENT:
    case SM_NUM_DOUBLE:
    case SM_NUM_FLOAT: {
        v.type = SM_DOUBLE;
        v.v.f64 = strtod(t->str, NULL);
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

/* The type in CAST(x AS type): a word, optionally with (n[, m]) or <...>. */
static int ps_type(parser *p, sm_type *out) {
    sm_token *t = cur(p);
    if (!sm_tok_is_name(t)) return ps_syntax(p, t, false);
    int pos = t->pos, end = t->end;
    adv(p);
    if (sm_tok_op(cur(p), "(")) {
        while (cur(p)->kind != SM_TK_EOF && !sm_tok_op(cur(p), ")")) adv(p);
        if (!sm_tok_op(cur(p), ")")) return ps_syntax(p, cur(p), false);
        end = cur(p)->end;
        adv(p);
    } else if (sm_tok_op(cur(p), "<")) {
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
    int ty = sm_type_parse(p->text + pos, (size_t)(end - pos));
    if (ty < 0) {
        char up[64];
        int n = 0;
        for (int k = pos; k < end && n < 63; k++) {
            char c = p->text[k];
            if (c == '(' || c == '<') break;
            up[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        up[n] = 0;
        return sm_lex_error(SM_PARSE, p->text, pos, "Expression",
                            "[UNSUPPORTED_DATATYPE] Unsupported data type \"%s\".", up);
    }
    *out = (sm_type)ty;
    return SM_OK;
}

static int ps_cast(parser *p, int pos, sm_expr **out) {
    /* CAST already consumed; at '(' */
    SM_TRY(ps_expect_op(p, "("));
    sm_expr *x;
    SM_TRY(ps_expr(p, &x));
    if (!ps_kw(p, "as")) return ps_syntax(p, cur(p), false);
    sm_type to = SM_NULLTYPE;
    SM_TRY(ps_type(p, &to));
    int end = cur(p)->end;
    SM_TRY(ps_expect_op(p, ")"));
    sm_expr *e = sm_expr_cast(p->a, x, to);
    if (!e) return SM_NOMEM;
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
        SM_TRY(ps_list(p, NULL, &e->args, &e->nargs, &end));
    }
    /* first(x) IGNORE NULLS = first(x, true) */
    if (sm_tok_kw(cur(p), "ignore") && sm_tok_kw(peek(p, 1), "nulls")) {
        end = peek(p, 1)->end;
        adv(p);
        adv(p);
        sm_expr **na = sm_arena_alloc(p->a, (size_t)(e->nargs + 1) * sizeof *na);
        if (!na) return SM_NOMEM;
        if (e->nargs) memcpy(na, e->args, (size_t)e->nargs * sizeof *na);
        if (!(na[e->nargs] = ps_bool(p, true, -1, -1))) return SM_NOMEM;
        e->args = na;
        e->nargs++;
    } else if (sm_tok_kw(cur(p), "respect") && sm_tok_kw(peek(p, 1), "nulls")) {
        end = peek(p, 1)->end;
        adv(p);
        adv(p);
    }
    if (sm_tok_kw(cur(p), "over") || (sm_tok_kw(cur(p), "filter") && sm_tok_op(peek(p, 1), "(")))
        return sm_lex_error(SM_UNSUPPORTED, p->text, cur(p)->pos, "Expression",
                            "[UNSUPPORTED_FEATURE] %s clauses on function calls are not supported "
                            "by smelt yet.",
                            sm_tok_kw(cur(p), "over") ? "Window (OVER)" : "FILTER");
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
        e = c;
        break;
    }
    *out = ps_span(e, pos, end);
    return SM_OK;
}

/* DATE '...' / TIMESTAMP '...': current token is the type word, next a string. */
static int ps_typed_literal(parser *p, sm_expr **out) {
    sm_token *kw = cur(p);
    int pos = kw->pos;
    bool is_date = sm_tok_kw(kw, "date");
    adv(p);
    sm_expr *s;
    SM_TRY(ps_string(p, &s));
    const char *str = s->lit.v.str.ptr;
    int32_t len = s->lit.v.str.len;
    bool ok;
    if (is_date) {
        int32_t days;
        ok = sm_parse_date(str, len, &days);
    } else {
        int64_t micros;
        ok = sm_parse_timestamp(str, len, sm_tz_utc(), &micros);
    }
    if (!ok)
        return sm_lex_error(SM_PARSE, p->text, pos, "Expression",
                            "[INVALID_TYPED_LITERAL] The value of the typed literal \"%s\" is "
                            "invalid: '%.*s'.",
                            is_date ? "DATE" : "TIMESTAMP", len > 100 ? 100 : (int)len, str);
    sm_expr *e = sm_expr_cast(p->a, s, is_date ? SM_DATE : SM_TIMESTAMP);
    if (!e) return SM_NOMEM;
    e->name = sm_arena_strdup(p->a, is_date ? "DATE" : "TIMESTAMP");
    if (!e->name) return SM_NOMEM;
    *out = ps_span(e, pos, s->end);
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
            adv(p);
            sm_expr *x;
            SM_TRY(ps_expr(p, &x));
            if (sm_tok_op(cur(p), ","))
                return sm_lex_error(SM_UNSUPPORTED, p->text, t->pos, "Expression",
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
                    return sm_lex_error(SM_UNSUPPORTED, p->text, t->pos, "Expression",
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
            if (next->kind == SM_TK_STRING) {
                if (sm_tok_kw(t, "date") || sm_tok_kw(t, "timestamp") ||
                    sm_tok_kw(t, "timestamp_ltz"))
                    return ps_typed_literal(p, out);
                if (sm_tok_kw(t, "timestamp_ntz") || sm_tok_kw(t, "interval") ||
                    sm_tok_kw(t, "x"))
                    return sm_lex_error(SM_UNSUPPORTED, p->text, t->pos, "Expression",
                                        "[UNSUPPORTED_FEATURE] %s literals are not supported by "
                                        "smelt yet.",
                                        t->str);
            }
            if (sm_tok_kw(t, "interval"))
                return sm_lex_error(SM_UNSUPPORTED, p->text, t->pos, "Expression",
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

/* primary, then ".name" parts (qualified column names) and ".*". */
static int ps_postfix(parser *p, sm_expr **out) {
    sm_expr *x;
    SM_TRY(ps_primary(p, &x));
    while (sm_tok_op(cur(p), ".") || sm_tok_op(cur(p), "[")) {
        sm_token *dot = cur(p), *next = peek(p, 1);
        if (sm_tok_op(dot, "["))
            return sm_lex_error(SM_UNSUPPORTED, p->text, dot->pos, "Expression",
                                "[UNSUPPORTED_FEATURE] Subscripts (x[i]) are not supported by "
                                "smelt yet: it has no array or map types.");
        if (x->kind != SM_EX_COLUMN)
            return sm_lex_error(SM_UNSUPPORTED, p->text, dot->pos, "Expression",
                                "[UNSUPPORTED_FEATURE] Field access on an expression is not "
                                "supported by smelt yet: it has no struct types.");
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
        return ps_number(p, num, true, t->pos, out);
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
                return sm_lex_error(SM_UNSUPPORTED, p->text, cur(p)->pos, "Expression",
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
        SM_TRY(ps_notexpr(p, &x));
        p->depth--;
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
