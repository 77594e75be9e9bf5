/*
 * lexer.c — Spark SQL tokens (see lexer.h for the token grammar).
 *
 * One pass, left to right, longest match, as ANTLR's lexer does for
 * SqlBaseLexer.g4.  The subtle part is numbers: Spark's IDENTIFIER rule is
 * ([A-Z] | [0-9] | '_')+, so "12abc", "1e" and "0x1F" are identifiers, while
 * "1L", "1e3" and "1.5BD" are numbers because a number rule matches the same
 * whole run and number rules come first.  We therefore take the maximal run
 * of word characters and call it a number only when a number form covers all
 * of it.  A decimal point changes that (it is not a word character): "1.5x"
 * matches no rule in full and becomes an error token, "1.5.5" is "1.5" then
 * ".5".
 *
 * Strings are decoded here with Spark's unescapeSQLString rules, so the
 * parser sees values, not spellings.  A \uXXXX escape becomes UTF-8.
 *
 * Invariants:
 *   1. Tokens cover the input in order; pos < end except for EOF.
 *   2. Every token's str is NUL-terminated and arena-owned.
 *   3. The array ends with exactly one SM_TK_EOF token.
 */
#include "expr/lexer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/status.h"

typedef struct {
    sm_arena *arena;
    const char *src;
    int n;
    sm_token *toks;
    int ntoks, cap;
} lexer;

static int lx_is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}
static int lx_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int lx_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static sm_token *lx_push(lexer *lx, sm_tok_kind kind, int pos, int end) {
    if (lx->ntoks == lx->cap) {
        int ncap = lx->cap ? lx->cap * 2 : 32;
        sm_token *nt = sm_arena_alloc(lx->arena, (size_t)ncap * sizeof(sm_token));
        if (!nt) return NULL;
        if (lx->ntoks) memcpy(nt, lx->toks, (size_t)lx->ntoks * sizeof(sm_token));
        lx->toks = nt;
        lx->cap = ncap;
    }
    sm_token *t = &lx->toks[lx->ntoks++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    t->end = end;
    return t;
}

/* A token whose str is its source spelling. */
static int lx_push_raw(lexer *lx, sm_tok_kind kind, int pos, int end) {
    sm_token *t = lx_push(lx, kind, pos, end);
    if (!t) return SM_NOMEM;
    t->str = sm_arena_strndup(lx->arena, lx->src + pos, (size_t)(end - pos));
    if (!t->str) return SM_NOMEM;
    t->len = end - pos;
    return SM_OK;
}

static int lx_hex(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lx_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static int lx_put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF) cp = 0xFFFD;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the body of a string literal [b, e) (quotes excluded) by Spark's
 * ParserUtils.unescapeSQLString.  Output is never longer than the input. */
static int lx_unescape(lexer *lx, sm_token *t, int b, int e, bool raw) {
    const char *s = lx->src;
    char *out = sm_arena_alloc(lx->arena, (size_t)(e - b) + 1);
    if (!out) return SM_NOMEM;
    int o = 0, i = b;
    while (i < e) {
        char c = s[i];
        if (raw || c != '\\' || i + 1 == e) {
            out[o++] = c;
            i++;
            continue;
        }
        char n = s[++i];
        if (n == 'u' && i + 1 + 4 <= e) {
            int v = 0, ok = 1;
            for (int k = 1; k <= 4; k++) {
                int h = lx_hex((unsigned char)s[i + k]);
                if (h < 0) ok = 0;
                v = v * 16 + (h < 0 ? 0 : h);
            }
            if (ok) {
                o += lx_put_utf8(out + o, (unsigned)v);
                i += 5;
                continue;
            }
        }
        if (n == 'U' && i + 1 + 8 <= e) {
            unsigned v = 0;
            int ok = 1;
            for (int k = 1; k <= 8; k++) {
                int h = lx_hex((unsigned char)s[i + k]);
                if (h < 0) ok = 0;
                v = v * 16 + (unsigned)(h < 0 ? 0 : h);
            }
            if (ok) {
                /* 10 bytes of input, at most 4 of output */
                o += lx_put_utf8(out + o, v);
                i += 9;
                continue;
            }
        }
        if (i + 3 <= e && s[i] >= '0' && s[i] <= '3' && s[i + 1] >= '0' && s[i + 1] <= '7' &&
            s[i + 2] >= '0' && s[i + 2] <= '7') {
            /* \ooo: 4 bytes in, at most 2 out (values < 256) */
            int v = (s[i] - '0') * 64 + (s[i + 1] - '0') * 8 + (s[i + 2] - '0');
            o += lx_put_utf8(out + o, (unsigned)v);
            i += 3;
            continue;
        }
        switch (n) {
        case '0': out[o++] = '\0'; break;
        case 'b': out[o++] = '\b'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'Z': out[o++] = '\x1A'; break;
        case '%': out[o++] = '\\'; out[o++] = '%'; break;
        case '_': out[o++] = '\\'; out[o++] = '_'; break;
        default: out[o++] = n; break;
        }
        i++;
    }
    out[o] = 0;
    t->str = out;
    t->len = o;
    return SM_OK;
}

/* Quoted string starting at i (the quote, or the r before it). */
static int lx_string(lexer *lx, int *ip) {
    int start = *ip, i = *ip;
    bool raw = false;
    if (lx->src[i] == 'r' || lx->src[i] == 'R') {
        raw = true;
        i++;
    }
    char q = lx->src[i++];
    int body = i;
    while (i < lx->n && lx->src[i] != q) {
        if (lx->src[i] == '\\' && !raw && i + 1 < lx->n) i++;
        i++;
    }
    if (i >= lx->n) { /* unterminated: an error token at the quote */
        SM_TRY(lx_push_raw(lx, SM_TK_ERROR, raw ? start + 1 : start, raw ? start + 2 : start + 1));
        *ip = lx->n;
        return SM_OK;
    }
    sm_token *t = lx_push(lx, SM_TK_STRING, start, i + 1);
    if (!t) return SM_NOMEM;
    SM_TRY(lx_unescape(lx, t, body, i, raw));
    *ip = i + 1;
    return SM_OK;
}

static int lx_qident(lexer *lx, int *ip) {
    int start = *ip, i = start + 1;
    for (;;) {
        if (i >= lx->n) {
            SM_TRY(lx_push_raw(lx, SM_TK_ERROR, start, start + 1));
            *ip = lx->n;
            return SM_OK;
        }
        if (lx->src[i] == '`') {
            if (i + 1 < lx->n && lx->src[i + 1] == '`') {
                i += 2;
                continue;
            }
            break;
        }
        i++;
    }
    sm_token *t = lx_push(lx, SM_TK_QIDENT, start, i + 1);
    if (!t) return SM_NOMEM;
    char *out = sm_arena_alloc(lx->arena, (size_t)(i - start));
    if (!out) return SM_NOMEM;
    int o = 0;
    for (int k = start + 1; k < i; k++) {
        out[o++] = lx->src[k];
        if (lx->src[k] == '`') k++; /* `` → ` */
    }
    out[o] = 0;
    t->str = out;
    t->len = o;
    *ip = i + 1;
    return SM_OK;
}

/* Tries to read a number form at i that ends at a non-word character.
 * Returns the end (exclusive) or -1; *kind and *body_end (end of the digits
 * without suffix) are set on success. */
static int lx_number_at(const lexer *lx, int i, sm_num_kind *kind, int *body_end) {
    const char *s = lx->src;
    int n = lx->n, j = i;
    bool dot = false, expo = false;
    int digits = 0;
    while (j < n && lx_is_digit((unsigned char)s[j])) j++, digits++;
    if (j < n && s[j] == '.') {
        dot = true;
        j++;
        while (j < n && lx_is_digit((unsigned char)s[j])) j++, digits++;
    }
    if (digits == 0) return -1;
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        int k = j + 1;
        if (k < n && (s[k] == '+' || s[k] == '-')) k++;
        if (k < n && lx_is_digit((unsigned char)s[k])) {
            while (k < n && lx_is_digit((unsigned char)s[k])) k++;
            j = k;
            expo = true;
        }
    }
    *body_end = j;
    sm_num_kind kd = expo ? SM_NUM_EXPONENT : dot ? SM_NUM_DECIMAL : SM_NUM_INT;
    if (j < n) {
        int c = lx_lower((unsigned char)s[j]);
        if (c == 'b' && j + 1 < n && lx_lower((unsigned char)s[j + 1]) == 'd') {
            kd = SM_NUM_BIGDECIMAL;
            j += 2;
        } else if (c == 'd') {
            kd = SM_NUM_DOUBLE;
            j++;
        } else if (c == 'f') {
            kd = SM_NUM_FLOAT;
            j++;
        } else if (!dot && !expo && (c == 'l' || c == 's' || c == 'y')) {
            kd = c == 'l' ? SM_NUM_BIGINT : c == 's' ? SM_NUM_SMALLINT : SM_NUM_TINYINT;
            j++;
        }
    }
    if (j < n && lx_is_word((unsigned char)s[j])) return -1;
    *kind = kd;
    return j;
}

static int lx_number(lexer *lx, int *ip) {
    int i = *ip;
    sm_num_kind kind;
    int body_end;
    int end = lx_number_at(lx, i, &kind, &body_end);
    if (end < 0) {
        /* No number form covers the run.  Without a '.', the run of word
         * characters is an identifier (12abc); with one, it is an error. */
        int j = lx->src[i] == '.' ? i + 1 : i; /* always make progress */
        while (j < lx->n && lx_is_word((unsigned char)lx->src[j])) j++;
        if (j < lx->n && lx->src[j] == '.' && lx->src[i] != '.') {
            /* "1.5x": take the longest decimal prefix as an error token */
            int k = j + 1;
            while (k < lx->n && lx_is_word((unsigned char)lx->src[k])) k++;
            SM_TRY(lx_push_raw(lx, SM_TK_ERROR, i, k));
            *ip = k;
            return SM_OK;
        }
        if (lx->src[i] == '.') {
            SM_TRY(lx_push_raw(lx, SM_TK_ERROR, i, j));
            *ip = j;
            return SM_OK;
        }
        SM_TRY(lx_push_raw(lx, SM_TK_IDENT, i, j));
        *ip = j;
        return SM_OK;
    }
    sm_token *t = lx_push(lx, SM_TK_NUMBER, i, end);
    if (!t) return SM_NOMEM;
    t->num = kind;
    t->str = sm_arena_strndup(lx->arena, lx->src + i, (size_t)(body_end - i));
    if (!t->str) return SM_NOMEM;
    t->len = body_end - i;
    *ip = end;
    return SM_OK;
}

static const char *const lx_ops3[] = {"<=>", NULL};
static const char *const lx_ops2[] = {"<>", "<=", ">=", "==", "!=", "||", "::", "->", "=>", NULL};
static const char lx_ops1[] = "+-*/%~&|^=<>!(),.[]:;{}?";

int sm_lex(sm_arena *a, const char *text, sm_token **out, int *count) {
    lexer lx = {.arena = a, .src = text, .n = (int)strlen(text)};
    int i = 0;
    while (i < lx.n) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == '-' && text[i + 1] == '-') { /* line comment */
            while (i < lx.n && text[i] != '\n') i++;
            continue;
        }
        if (c == '/' && text[i + 1] == '*') { /* bracketed comment, nested */
            int depth = 0, j = i;
            while (j < lx.n) {
                if (text[j] == '/' && text[j + 1] == '*') {
                    depth++;
                    j += 2;
                } else if (text[j] == '*' && text[j + 1] == '/') {
                    j += 2;
                    if (--depth == 0) break;
                } else {
                    j++;
                }
            }
            if (depth > 0) {
                SM_TRY(lx_push_raw(&lx, SM_TK_ERROR, i, i + 1));
                i = lx.n;
            } else {
                i = j;
            }
            continue;
        }
        if ((c == 'r' || c == 'R') && (text[i + 1] == '\'' || text[i + 1] == '"')) {
            SM_TRY(lx_string(&lx, &i));
            continue;
        }
        if (c == '\'' || c == '"') {
            SM_TRY(lx_string(&lx, &i));
            continue;
        }
        if (c == '`') {
            SM_TRY(lx_qident(&lx, &i));
            continue;
        }
        if (lx_is_digit(c) || (c == '.' && lx_is_digit((unsigned char)text[i + 1]))) {
            SM_TRY(lx_number(&lx, &i));
            continue;
        }
        if (lx_is_word(c)) {
            int j = i;
            while (j < lx.n && lx_is_word((unsigned char)text[j])) j++;
            SM_TRY(lx_push_raw(&lx, SM_TK_IDENT, i, j));
            i = j;
            continue;
        }
        int len = 0;
        for (int k = 0; lx_ops3[k] && !len; k++)
            if (strncmp(text + i, lx_ops3[k], 3) == 0) len = 3;
        for (int k = 0; lx_ops2[k] && !len; k++)
            if (strncmp(text + i, lx_ops2[k], 2) == 0) len = 2;
        if (!len && c && strchr(lx_ops1, c)) len = 1;
        if (len) {
            SM_TRY(lx_push_raw(&lx, SM_TK_OP, i, i + len));
            i += len;
            continue;
        }
        /* A stray character: one error token (a whole UTF-8 sequence). */
        int j = i + 1;
        while (j < lx.n && ((unsigned char)text[j] & 0xC0) == 0x80) j++;
        SM_TRY(lx_push_raw(&lx, SM_TK_ERROR, i, j));
        i = j;
    }
    sm_token *t = lx_push(&lx, SM_TK_EOF, lx.n, lx.n);
    if (!t) return SM_NOMEM;
    t->str = "";
    *out = lx.toks;
    *count = lx.ntoks;
    return SM_OK;
}

bool sm_tok_kw(const sm_token *t, const char *kw) {
    if (t->kind != SM_TK_IDENT) return false;
    const char *s = t->str;
    for (; *s && *kw; s++, kw++)
        if (lx_lower((unsigned char)*s) != lx_lower((unsigned char)*kw)) return false;
    return *s == 0 && *kw == 0;
}

bool sm_tok_op(const sm_token *t, const char *op) {
    return t->kind == SM_TK_OP && strcmp(t->str, op) == 0;
}

bool sm_tok_is_name(const sm_token *t) { return t->kind == SM_TK_IDENT || t->kind == SM_TK_QIDENT; }

bool sm_lex_is_clause_word(const char *word) {
    static const char *const words[] = {
        "from",  "where", "group",  "having", "order",     "limit",  "union", "except",
        "intersect", "minus", "join", "inner", "left", "right", "full", "cross",
        "natural", "on", "using", "window", "cluster", "distribute", "sort", "lateral",
        "semi", "anti", "offset", "qualify", NULL};
    for (int k = 0; words[k]; k++) {
        const char *w = words[k], *s = word;
        while (*s && *w && lx_lower((unsigned char)*s) == *w) s++, w++;
        if (!*s && !*w) return true;
    }
    return false;
}

int sm_lex_error(int code, const char *text, int pos, const char *section, const char *fmt, ...) {
    char head[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    int n = (int)strlen(text);
    if (pos < 0) pos = 0;
    if (pos > n) pos = n;
    int line = 1, line_start = 0;
    for (int k = 0; k < pos; k++)
        if (text[k] == '\n') line++, line_start = k + 1;
    int line_end = pos;
    while (line_end < n && text[line_end] != '\n') line_end++;
    /* Column in characters, not bytes, so the caret lines up under UTF-8. */
    int col = 0;
    for (int k = line_start; k < pos; k++)
        if (((unsigned char)text[k] & 0xC0) != 0x80) col++;
    sm_buf b = {0};
    int rc = sm_buf_appendf(&b, "%s(line %d, pos %d)\n== %s ==\n%.*s\n%*s^", head, line, col,
                            section, line_end, text, col, "");
    if (rc == SM_OK && line_end < n) rc = sm_buf_appendf(&b, "%s", text + line_end);
    if (rc != SM_OK) {
        sm_buf_free(&b);
        return sm_err(code, "%s(line %d, pos %d)", head, line, col);
    }
    sm_err(code, "%s", sm_buf_cstr(&b));
    sm_buf_free(&b);
    return code;
}

/* Spark's ParseException.getMessage layout (less its leading newline and
 * trailing newline): the lines are Java's text.split("\n"), which drops
 * trailing empty strings (but keeps one "" for an empty text). */
static int lx_vsql_error(int code, const char *text, int pos, const char *head) {
    int n = (int)strlen(text);
    if (pos < 0) pos = 0;
    if (pos > n) pos = n;
    int line = 1, line_start = 0;
    for (int k = 0; k < pos; k++)
        if (text[k] == '\n') line++, line_start = k + 1;
    int col = 0;
    for (int k = line_start; k < pos; k++)
        if (((unsigned char)text[k] & 0xC0) != 0x80) col++;
    int tn = n; /* drop trailing newlines: Java's split drops trailing "" */
    while (tn > 0 && text[tn - 1] == '\n') tn--;
    sm_buf b = {0};
    int rc = sm_buf_appendf(&b, "%s(line %d, pos %d)\n\n== SQL ==\n", head, line, col);
    /* the lines up to and including line `line` (when they exist) */
    int k = 0, ln = 1;
    while (rc == SM_OK && k < tn && ln <= line) {
        int e = k;
        while (e < tn && text[e] != '\n') e++;
        rc = sm_buf_appendf(&b, "%.*s\n", e - k, text + k);
        k = e + 1;
        ln++;
    }
    if (rc == SM_OK && tn == 0) rc = sm_buf_appendf(&b, "\n");
    for (int c = 0; rc == SM_OK && c < col; c++) rc = sm_buf_putc(&b, '-');
    if (rc == SM_OK) rc = sm_buf_appendf(&b, "^^^");
    while (rc == SM_OK && k < tn) {
        int e = k;
        while (e < tn && text[e] != '\n') e++;
        rc = sm_buf_appendf(&b, "\n%.*s", e - k, text + k);
        k = e + 1;
    }
    if (rc != SM_OK) {
        sm_buf_free(&b);
        return sm_err(code, "%s(line %d, pos %d)", head, line, col);
    }
    sm_err(code, "%s", sm_buf_cstr(&b));
    sm_buf_free(&b);
    return code;
}

int sm_lex_error_sql(int code, const char *text, int pos, const char *fmt, ...) {
    char head[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    return lx_vsql_error(code, text, pos, head);
}

int sm_lex_verror(int code, const char *text, int pos, bool sql, const char *fmt, va_list ap) {
    char head[1024];
    vsnprintf(head, sizeof head, fmt, ap);
    if (sql) return lx_vsql_error(code, text, pos, head);
    return sm_lex_error(code, text, pos, "Expression", "%s", head);
}
