/*
 * ddl.c — type names and DDL schema strings, as Spark 3.5 parses them.
 *
 * sm_type_parse maps a type name to smelt's types.  Spark's DDL accepts
 * more types than smelt has, so some map onto a wider smelt type:
 *     int integer → INT   smallint short → SMALLINT   tinyint byte → TINYINT
 *     bigint long                               → BIGINT
 *     double → DOUBLE   float real → FLOAT   timestamp_ntz → TIMESTAMP_NTZ
 *     time, time(p) → TIME (p = 0..6, default 6)
 *     string varchar(n) char(n) character(n)    → STRING
 *     boolean → BOOLEAN   date → DATE   timestamp timestamp_ltz → TIMESTAMP
 *     void → NULL type
 *     decimal(p,s) dec(p,s) numeric(p,s)         → DECIMAL (p <= 38, s <= p;
 *                        decimal = decimal(10,0), decimal(p) = decimal(p,0))
 * "bool" is not a Spark type name (Spark 3.5: UNSUPPORTED_DATATYPE) and is
 * rejected here too; binary, array<...>, map<...>,
 * struct<...> and intervals are unknown to smelt (-1).
 *
 * sm_schema_parse_ddl reads Spark's table-schema strings (what
 * spark.createDataFrame(data, "a INT, b STRING") and the CSV reader's
 * schema option take):
 *     column  := name [':'] type [NOT NULL] [COMMENT 'text']
 *     schema  := column (',' column)*  |  struct<schema>  |  (empty)
 *     name    := [A-Za-z0-9_]+ | `quoted` (`` for a backquote)
 * Names keep their case; duplicates are allowed (Spark allows them here).
 * An empty string is an empty schema, as in Spark.
 *
 * This file sits in the types layer, below expr, so it scans its small
 * grammar itself instead of using the SQL lexer in expr/lexer.c.
 *
 * Errors: SM_PARSE with Spark's error class, the position and a caret:
 *     [PARSE_SYNTAX_ERROR] Syntax error at or near 'b'.(line 1, pos 6)
 *     == DDL ==
 *     a int b int
 *           ^
 * Memory: the schema is heap-allocated (sm_schema_free); nothing else
 * outlives the call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "types/decimal.h"
#include "types/types.h"

static int ddl_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int ddl_is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}
static int ddl_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static bool ddl_word_eq(const char *s, size_t n, const char *w) {
    size_t k = 0;
    for (; k < n && w[k]; k++)
        if (ddl_lower((unsigned char)s[k]) != w[k]) return false;
    return k == n && w[k] == 0;
}

int sm_type_parse(const char *s, size_t len) { return sm_type_parse_ps(s, len, NULL, NULL); }

/* "interval", "interval day", "interval year to month" (any case, any
 * spacing): SM_INTERVAL_CAL / _YM / _DT with the fields in *precision /
 * *scale; -1 when not an interval type, -2 when malformed. */
static int ddl_interval(const char *s, size_t len, int *precision, int *scale) {
    static const char *const fields[] = {"year", "month", "day", "hour", "minute", "second"};
    const char *words[4];
    size_t lens[4];
    int nw = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && ddl_is_space(s[i])) i++;
        if (i == len) break;
        size_t b = i;
        while (i < len && ddl_is_word((unsigned char)s[i])) i++;
        if (i == b || nw == 4) return nw && ddl_word_eq(words[0], lens[0], "interval") ? -2 : -1;
        words[nw] = s + b;
        lens[nw++] = i - b;
    }
    if (nw == 0 || !ddl_word_eq(words[0], lens[0], "interval")) return -1;
    if (nw == 1) return SM_INTERVAL_CAL;
    int f[2] = {-1, -1};
    if (nw != 2 && !(nw == 4 && ddl_word_eq(words[2], lens[2], "to"))) return -2;
    for (int k = 0; k < 2; k++) {
        size_t wi = k == 0 ? 1 : (size_t)(nw - 1);
        for (int j = 0; j < 6; j++)
            if (ddl_word_eq(words[wi], lens[wi], fields[j])) f[k] = j;
        if (f[k] < 0) return -2;
    }
    bool ym = f[0] <= 1;
    if (ym != (f[1] <= 1) || f[0] > f[1]) return -2;
    if (precision) *precision = ym ? f[0] : f[0] - 2;
    if (scale) *scale = ym ? f[1] : f[1] - 2;
    return ym ? SM_INTERVAL_YM : SM_INTERVAL_DT;
}

int sm_type_parse_ps(const char *s, size_t len, int *precision, int *scale) {
    if (!s) return -1;
    while (len && ddl_is_space(*s)) s++, len--;
    while (len && ddl_is_space(s[len - 1])) len--;
    size_t w = 0;
    while (w < len && ddl_is_word((unsigned char)s[w])) w++;
    if (ddl_word_eq(s, w, "interval")) {
        int it = ddl_interval(s, len, precision, scale);
        return it >= 0 ? it : -1;
    }
    /* parameters: "(n)" or none */
    size_t k = w;
    while (k < len && ddl_is_space(s[k])) k++;
    bool has_len = false;
    int nparams = 0;
    long params[2] = {0, 0};
    if (k < len) {
        if (s[k] != '(' || s[len - 1] != ')') return -1;
        size_t q = k + 1;
        for (;;) { /* (n) or (p, s) */
            size_t digits = 0;
            long val = 0;
            while (q < len - 1 && ddl_is_space(s[q])) q++;
            while (q < len - 1 && s[q] >= '0' && s[q] <= '9') {
                if (val < 1000) val = val * 10 + (s[q] - '0');
                q++, digits++;
            }
            while (q < len - 1 && ddl_is_space(s[q])) q++;
            if (digits == 0 || nparams == 2) return -1;
            params[nparams++] = val;
            if (q < len - 1 && s[q] == ',') {
                q++;
                continue;
            }
            break;
        }
        if (q != len - 1) return -1;
        has_len = true;
    }
    if (ddl_word_eq(s, w, "decimal") || ddl_word_eq(s, w, "dec") || ddl_word_eq(s, w, "numeric")) {
        long p = has_len ? params[0] : SM_DEC_DEFAULT_PRECISION;
        long sc = nparams == 2 ? params[1] : 0;
        if (p < 1 || p > SM_DEC_MAX_PRECISION || sc > p) return -1;
        if (precision) *precision = (int)p;
        if (scale) *scale = (int)sc;
        return SM_DECIMAL;
    }
    if (nparams > 1) return -1;
    if (ddl_word_eq(s, w, "time")) { /* Spark 4.1's TimeType: time(p), p = 0..6, default 6 */
        long p = has_len ? params[0] : 6;
        if (p < 0 || p > 6) return -1;
        if (precision) *precision = sm_time_slot((int)p);
        if (scale) *scale = 0;
        return SM_TIME;
    }
    static const struct {
        const char *name;
        sm_type type;
    } names[] = {
        {"int", SM_INT},          {"integer", SM_INT},         {"smallint", SM_SMALLINT},
        {"short", SM_SMALLINT},   {"tinyint", SM_TINYINT},     {"byte", SM_TINYINT},
        {"bigint", SM_BIGINT},    {"long", SM_BIGINT},         {"double", SM_DOUBLE},
        {"float", SM_FLOAT},      {"real", SM_FLOAT},          {"string", SM_STRING},
        {"timestamp_ntz", SM_TIMESTAMP_NTZ},
        {"boolean", SM_BOOLEAN},  {"date", SM_DATE},           {"timestamp", SM_TIMESTAMP},
        {"timestamp_ltz", SM_TIMESTAMP}, {"void", SM_NULLTYPE},
        {"binary", SM_BINARY},
    };
    if (has_len) { /* only the character types take a length */
        if (ddl_word_eq(s, w, "varchar") || ddl_word_eq(s, w, "char") ||
            ddl_word_eq(s, w, "character"))
            return SM_STRING;
        return -1;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ddl_word_eq(s, w, names[i].name)) return (int)names[i].type;
    return -1;
}

/* ---- the schema parser -------------------------------------------------- */

typedef struct {
    const char *text;
    int n, i;
} ddl_scan;

static int ddl_error(const ddl_scan *sc, int pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Spark's layout (see expr/lexer.c sm_lex_error, which the types layer
 * cannot use): message, (line, pos), the text and a caret. */
static int ddl_error(const ddl_scan *sc, int pos, const char *fmt, ...) {
    char head[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    const char *t = sc->text;
    int line = 1, line_start = 0;
    for (int k = 0; k < pos && k < sc->n; k++)
        if (t[k] == '\n') line++, line_start = k + 1;
    int line_end = pos;
    while (line_end < sc->n && t[line_end] != '\n') line_end++;
    int col = 0;
    for (int k = line_start; k < pos; k++)
        if (((unsigned char)t[k] & 0xC0) != 0x80) col++;
    return sm_err(SM_PARSE, "%s(line %d, pos %d)\n== DDL ==\n%.*s\n%*s^%s", head, line, col,
                  line_end, t, col, "", t + line_end);
}

static void ddl_skip(ddl_scan *sc) {
    for (;;) {
        while (sc->i < sc->n && ddl_is_space(sc->text[sc->i])) sc->i++;
        if (sc->i + 1 < sc->n && sc->text[sc->i] == '-' && sc->text[sc->i + 1] == '-') {
            while (sc->i < sc->n && sc->text[sc->i] != '\n') sc->i++;
            continue;
        }
        return;
    }
}

/* The token at the cursor, for "at or near" messages. */
static int ddl_near(ddl_scan *sc) {
    ddl_skip(sc);
    if (sc->i >= sc->n)
        return ddl_error(sc, sc->i, "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
    int e = sc->i;
    if (ddl_is_word((unsigned char)sc->text[e]))
        while (e < sc->n && ddl_is_word((unsigned char)sc->text[e])) e++;
    else
        e++;
    return ddl_error(sc, sc->i, "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s'.", e - sc->i,
                     sc->text + sc->i);
}

/* A bare word at the cursor: its [pos, end), or pos == end when none. */
static void ddl_word(ddl_scan *sc, int *pos, int *end) {
    ddl_skip(sc);
    *pos = sc->i;
    while (sc->i < sc->n && ddl_is_word((unsigned char)sc->text[sc->i])) sc->i++;
    *end = sc->i;
}

static bool ddl_keyword(ddl_scan *sc, const char *kw) {
    ddl_skip(sc);
    int save = sc->i, pos, end;
    ddl_word(sc, &pos, &end);
    if (end > pos && ddl_word_eq(sc->text + pos, (size_t)(end - pos), kw)) return true;
    sc->i = save;
    return false;
}

static bool ddl_char(ddl_scan *sc, char c) {
    ddl_skip(sc);
    if (sc->i < sc->n && sc->text[sc->i] == c) {
        sc->i++;
        return true;
    }
    return false;
}

/* Column name → heap string. */
static int ddl_name(ddl_scan *sc, char **out) {
    ddl_skip(sc);
    if (sc->i < sc->n && sc->text[sc->i] == '`') {
        int start = sc->i;
        sm_buf b = {0};
        int k = sc->i + 1;
        for (;;) {
            if (k >= sc->n) {
                sm_buf_free(&b);
                return ddl_error(sc, start, "[PARSE_SYNTAX_ERROR] Syntax error at or near '`'.");
            }
            if (sc->text[k] == '`') {
                if (k + 1 < sc->n && sc->text[k + 1] == '`') {
                    k++;
                } else {
                    break;
                }
            }
            if (sm_buf_putc(&b, sc->text[k]) != SM_OK) {
                sm_buf_free(&b);
                return SM_NOMEM;
            }
            k++;
        }
        sc->i = k + 1;
        char *s = sm_strdup(b.data ? sm_buf_cstr(&b) : "");
        sm_buf_free(&b);
        if (!s) return SM_NOMEM;
        *out = s;
        return SM_OK;
    }
    int pos, end;
    ddl_word(sc, &pos, &end);
    if (pos == end) return ddl_near(sc);
    if (sc->i < sc->n && sc->text[sc->i] == '-') {
        int e = sc->i;
        while (e < sc->n && (ddl_is_word((unsigned char)sc->text[e]) || sc->text[e] == '-')) e++;
        return ddl_error(sc, sc->i,
                         "[INVALID_IDENTIFIER] The identifier %.*s is invalid. Please, consider "
                         "quoting it with back-quotes as `%.*s`.",
                         e - pos, sc->text + pos, e - pos, sc->text + pos);
    }
    *out = sm_strndup(sc->text + pos, (size_t)(end - pos));
    return *out ? SM_OK : SM_NOMEM;
}

static int ddl_type(ddl_scan *sc, sm_type *out, int *prec, int *scale, const sm_dtype **dt) {
    int pos, end;
    ddl_word(sc, &pos, &end);
    if (pos == end) return ddl_near(sc);
    int save = sc->i;
    if (ddl_word_eq(sc->text + pos, (size_t)(end - pos), "interval")) {
        /* INTERVAL [field [TO field]]: the words that name fields */
        for (;;) {
            int s2 = sc->i, wp, we;
            ddl_skip(sc);
            ddl_word(sc, &wp, &we);
            size_t wl = (size_t)(we - wp);
            const char *wt = sc->text + wp;
            if (wl && (ddl_word_eq(wt, wl, "year") || ddl_word_eq(wt, wl, "month") ||
                       ddl_word_eq(wt, wl, "day") || ddl_word_eq(wt, wl, "hour") ||
                       ddl_word_eq(wt, wl, "minute") || ddl_word_eq(wt, wl, "second") ||
                       ddl_word_eq(wt, wl, "to"))) {
                end = we;
                continue;
            }
            sc->i = s2;
            break;
        }
        save = sc->i;
    }
    ddl_skip(sc);
    if (sc->i < sc->n && (sc->text[sc->i] == '(' || sc->text[sc->i] == '<')) {
        /* parameters: up to the matching bracket */
        char open = sc->text[sc->i], close = open == '(' ? ')' : '>';
        int depth = 0;
        while (sc->i < sc->n) {
            char c = sc->text[sc->i++];
            if (c == open) depth++;
            if (c == close && --depth == 0) break;
        }
        if (depth != 0) return ddl_error(sc, sc->n, "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.");
        end = sc->i;
    } else {
        sc->i = save;
    }
    int t = sm_type_parse_ps(sc->text + pos, (size_t)(end - pos), prec, scale);
    if (t < 0 && dt && end > pos && sc->text[end - 1] == '>') { /* array<..>, map<..>, struct<..> */
        t = sm_dtype_parse(sc->text + pos, (size_t)(end - pos), dt);
        if (t >= 0 && !sm_type_is_nested((sm_type)t)) *dt = NULL;
    }
    if (t >= 0) {
        *out = (sm_type)t;
        return SM_OK;
    }
    int wlen = 0;
    while (pos + wlen < end && ddl_is_word((unsigned char)sc->text[pos + wlen])) wlen++;
    char up[64];
    int n = 0;
    for (int k = 0; k < wlen && n < 63; k++) {
        char c = sc->text[pos + k];
        up[n++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    up[n] = 0;
    if (strcmp(up, "DECIMAL") == 0 || strcmp(up, "DEC") == 0 || strcmp(up, "NUMERIC") == 0) {
        long p = 0, scl = 0; /* decimal(p, s) out of range: Spark's messages */
        const char *q = sc->text + pos + wlen, *qe = sc->text + end;
        while (q < qe && (*q < '0' || *q > '9')) q++;
        while (q < qe && *q >= '0' && *q <= '9' && p < 100000) p = p * 10 + (*q++ - '0');
        while (q < qe && (*q < '0' || *q > '9')) q++;
        while (q < qe && *q >= '0' && *q <= '9' && scl < 100000) scl = scl * 10 + (*q++ - '0');
        if (p > SM_DEC_MAX_PRECISION)
            return ddl_error(sc, pos,
                             "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision %ld "
                             "exceeds max precision %d.",
                             p, SM_DEC_MAX_PRECISION);
        if (scl > p)
            return ddl_error(sc, pos,
                             "[PARSE_SYNTAX_ERROR] Decimal scale (%ld) cannot be greater than "
                             "precision (%ld).",
                             scl, p);
    }
    if (end == pos + wlen && (strcmp(up, "VARCHAR") == 0 || strcmp(up, "CHAR") == 0))
        return ddl_error(sc, pos,
                         "[DATATYPE_MISSING_SIZE] DataType \"%s\" requires a length parameter, for "
                         "example \"%s\"(10). Please specify the length.",
                         up, up);
    return ddl_error(sc, pos, "[UNSUPPORTED_DATATYPE] Unsupported data type \"%s\".", up);
}

/* COMMENT 'text' (or "text"): validated and dropped (schemas keep no
 * comments). */
static int ddl_comment(ddl_scan *sc) {
    ddl_skip(sc);
    if (sc->i >= sc->n || (sc->text[sc->i] != '\'' && sc->text[sc->i] != '"')) return ddl_near(sc);
    char q = sc->text[sc->i];
    int start = sc->i++;
    while (sc->i < sc->n && sc->text[sc->i] != q) {
        if (sc->text[sc->i] == '\\' && sc->i + 1 < sc->n) sc->i++;
        sc->i++;
    }
    if (sc->i >= sc->n)
        return ddl_error(sc, start, "[PARSE_SYNTAX_ERROR] Syntax error at or near '%c'.", q);
    sc->i++;
    return SM_OK;
}

typedef struct {
    char *name;
    sm_type type;
    bool nullable;
    int precision, scale; /* DECIMAL */
    const sm_dtype *dt;   /* ARRAY / MAP / STRUCT */
} ddl_col;

static int ddl_columns(ddl_scan *sc, ddl_col **cols, int *ncols, int *cap) {
    for (;;) {
        char *name = NULL;
        SM_TRY(ddl_name(sc, &name));
        if (*ncols == *cap) {
            int ncap = *cap ? *cap * 2 : 8;
            ddl_col *nc = sm_realloc(*cols, (size_t)ncap * sizeof *nc);
            if (!nc) {
                sm_free(name);
                return SM_NOMEM;
            }
            *cols = nc;
            *cap = ncap;
        }
        ddl_col *c = &(*cols)[(*ncols)++];
        c->name = name;
        c->nullable = true;
        c->precision = c->scale = 0;
        c->dt = NULL;
        ddl_char(sc, ':');
        SM_TRY(ddl_type(sc, &c->type, &c->precision, &c->scale, &c->dt));
        if (ddl_keyword(sc, "not")) {
            if (!ddl_keyword(sc, "null")) {
                ddl_skip(sc);
                if (sc->i >= sc->n)
                    return ddl_error(sc, sc->i,
                                     "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: "
                                     "missing 'NULL'.");
                return ddl_near(sc);
            }
            c->nullable = false;
        }
        if (ddl_keyword(sc, "comment")) SM_TRY(ddl_comment(sc));
        if (!ddl_char(sc, ',')) return SM_OK;
    }
}

int sm_schema_parse_ddl(const char *ddl, sm_schema **out) {
    ddl_scan sc = {.text = ddl ? ddl : "", .n = ddl ? (int)strlen(ddl) : 0};
    ddl_col *cols = NULL;
    int ncols = 0, cap = 0, rc = SM_OK;
    ddl_skip(&sc);
    if (sc.i < sc.n) {
        /* struct<a:int, b:string> is accepted too (Spark's fallback) */
        int save = sc.i;
        bool is_struct = ddl_keyword(&sc, "struct") && ddl_char(&sc, '<');
        if (!is_struct) sc.i = save;
        rc = ddl_columns(&sc, &cols, &ncols, &cap);
        if (rc == SM_OK && is_struct && !ddl_char(&sc, '>')) rc = ddl_near(&sc);
        if (rc == SM_OK) {
            ddl_skip(&sc);
            if (sc.i < sc.n) {
                int e = sc.i;
                if (ddl_is_word((unsigned char)sc.text[e]))
                    while (e < sc.n && ddl_is_word((unsigned char)sc.text[e])) e++;
                else
                    e++;
                /* "a int b int": Spark reports a stray word without "extra input" */
                int len = e - sc.i;
                const char *at = sc.text + sc.i;
                if (ddl_is_word((unsigned char)*at))
                    rc = ddl_error(&sc, sc.i, "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s'.",
                                   len, at);
                else
                    rc = ddl_error(&sc, sc.i,
                                   "[PARSE_SYNTAX_ERROR] Syntax error at or near '%.*s': extra "
                                   "input '%.*s'.",
                                   len, at, len, at);
            }
        }
    }
    sm_schema *s = NULL;
    if (rc == SM_OK) {
        s = sm_schema_new(ncols);
        if (!s) rc = SM_NOMEM;
        for (int k = 0; rc == SM_OK && k < ncols; k++)
        {
            rc = sm_schema_set(s, k, cols[k].name, cols[k].type, cols[k].nullable);
            s->fields[k].precision = (int8_t)cols[k].precision;
            s->fields[k].scale = (int8_t)cols[k].scale;
            s->fields[k].dt = cols[k].dt;
        }
        if (rc != SM_OK) {
            sm_schema_free(s);
            s = NULL;
        }
    }
    for (int k = 0; k < ncols; k++) sm_free(cols[k].name);
    sm_free(cols);
    if (rc == SM_OK) *out = s;
    return rc;
}
