/*
 * json_tok.c — a JSON tokenizer with Jackson's feature switches, parsing one
 * value into a flat tree (json.h: json_doc).
 *
 * Grammar (RFC 8259 as Jackson 2.15 reads it with Spark's JSONOptions):
 *   - whitespace is space, tab, CR, LF; with allowComments also C and C++
 *     comments (/ * ... * / and // to the line end);
 *   - strings in double quotes, or single quotes with allowSingleQuotes;
 *     escapes \" \\ \/ \b \f \n \r \t \uXXXX (surrogate pairs joined into one
 *     UTF-8 sequence; a lone surrogate is kept as its 3-byte encoding, as
 *     Java strings hold it); any other escaped character only with
 *     allowBackslashEscapingAnyCharacter; raw control characters (< 0x20)
 *     only with allowUnquotedControlChars;
 *   - object keys as strings, or bare identifiers with allowUnquotedFieldNames;
 *   - numbers -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; leading zeros
 *     with allowNumericLeadingZeros (dropped from the text); NaN, Infinity,
 *     +Infinity, -Infinity, +INF, -INF with allowNonNumericNumbers; a number
 *     must end at a delimiter ("12ab" is an error);
 *   - true, false, null; nesting deeper than 1000 levels is an error
 *     (Jackson's StreamReadConstraints default).
 *
 * Tree: nodes in one growing array (indices, so growth never invalidates
 * links), text of scalars and keys in one growing byte buffer.  The doc is
 * reset by every parse and reused, so parsing a record allocates only when a
 * record is bigger than any before it.  Not thread-safe per doc; use one doc
 * per reader.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "formats/json.h"

#define JSON_MAX_DEPTH 1000

void json_doc_init(json_doc *d, const json_options *opt) {
    memset(d, 0, sizeof *d);
    d->opt = opt;
}

void json_doc_free(json_doc *d) {
    sm_free(d->nodes);
    sm_free(d->text);
    memset(d, 0, sizeof *d);
}

typedef struct {
    json_doc *d;
    const char *start, *p, *end;
    bool nomem;
} jp;

static int fail(jp *s, const char *msg) {
    if (!s->d->err) {
        s->d->err = msg;
        s->d->err_at = s->p - s->start;
    }
    return -1;
}

static int32_t new_node(jp *s, uint8_t kind) {
    json_doc *d = s->d;
    if (d->n == d->cap) {
        int32_t nc = d->cap ? d->cap * 2 : 64;
        json_node *nn = sm_realloc(d->nodes, (size_t)nc * sizeof *nn);
        if (!nn) { s->nomem = true; return -1; }
        d->nodes = nn;
        d->cap = nc;
    }
    json_node *n = &d->nodes[d->n];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->first = n->next = -1;
    return d->n++;
}

static bool text_reserve(jp *s, int64_t extra) {
    json_doc *d = s->d;
    if (d->text_len + extra <= d->text_cap) return true;
    int64_t nc = d->text_cap ? d->text_cap * 2 : 256;
    while (nc < d->text_len + extra) nc *= 2;
    if (nc > INT32_MAX) { s->nomem = true; return false; }
    char *t = sm_realloc(d->text, (size_t)nc);
    if (!t) { s->nomem = true; return false; }
    d->text = t;
    d->text_cap = nc;
    return true;
}

static bool text_put(jp *s, const char *b, int64_t n) {
    if (!text_reserve(s, n)) return false;
    memcpy(s->d->text + s->d->text_len, b, (size_t)n);
    s->d->text_len += n;
    return true;
}

static void skip_ws(jp *s) {
    const json_options *o = s->d->opt;
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { s->p++; continue; }
        if (c == '/' && o->allow_comments && s->p + 1 < s->end) {
            if (s->p[1] == '/') {
                s->p += 2;
                while (s->p < s->end && *s->p != '\n' && *s->p != '\r') s->p++;
                continue;
            }
            if (s->p[1] == '*') {
                const char *q = s->p + 2;
                while (q + 1 < s->end && !(q[0] == '*' && q[1] == '/')) q++;
                if (q + 1 >= s->end) return; /* unterminated: left for the caller to reject */
                s->p = q + 2;
                continue;
            }
        }
        return;
    }
}

bool json_only_blank(const json_options *opt, const char *p, const char *end) {
    json_doc d;
    json_doc_init(&d, opt);
    jp s = {&d, p, p, end, false};
    skip_ws(&s);
    return s.p >= s.end;
}

static void put_utf8(char *buf, int *n, uint32_t cp) {
    if (cp < 0x80) buf[(*n)++] = (char)cp;
    else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xC0 | (cp >> 6));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xE0 | (cp >> 12));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xF0 | (cp >> 18));
        buf[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(const char *p, const char *end, uint32_t *out) {
    if (end - p < 4) return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0) return -1;
        v = v * 16 + (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* A quoted string (s->p at the opening quote) into the text buffer. */
static int parse_string(jp *s, int32_t *off, int32_t *len) {
    char q = *s->p++;
    json_doc *d = s->d;
    *off = (int32_t)d->text_len;
    for (;;) {
        const char *r = s->p;
        while (r < s->end && *r != q && *r != '\\' && (unsigned char)*r >= 0x20) r++;
        if (!text_put(s, s->p, r - s->p)) return -2;
        s->p = r;
        if (r >= s->end) return fail(s, "unexpected end of input in a string");
        char c = *r;
        if (c == q) { s->p++; break; }
        if ((unsigned char)c < 0x20) {
            if (!d->opt->allow_control_chars)
                return fail(s, "illegal unquoted character in a string (control characters must be escaped)");
            if (!text_put(s, r, 1)) return -2;
            s->p++;
            continue;
        }
        /* backslash */
        if (r + 1 >= s->end) return fail(s, "unexpected end of input in a string escape");
        char e = r[1];
        char buf[8];
        int bn = 0;
        s->p = r + 2;
        switch (e) {
        case '"': buf[bn++] = '"'; break;
        case '\\': buf[bn++] = '\\'; break;
        case '/': buf[bn++] = '/'; break;
        case 'b': buf[bn++] = '\b'; break;
        case 'f': buf[bn++] = '\f'; break;
        case 'n': buf[bn++] = '\n'; break;
        case 'r': buf[bn++] = '\r'; break;
        case 't': buf[bn++] = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (hex4(s->p, s->end, &cp)) return fail(s, "bad \\u escape in a string");
            s->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u') {
                uint32_t lo;
                if (hex4(s->p + 2, s->end, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s->p += 6;
                }
            }
            put_utf8(buf, &bn, cp);
            break;
        }
        default:
            if (e == '\'' && q == '\'') { buf[bn++] = '\''; break; }
            if (!d->opt->allow_backslash_any)
                return fail(s, "unrecognized character escape in a string");
            buf[bn++] = e;
            break;
        }
        if (!text_put(s, buf, bn)) return -2;
    }
    *len = (int32_t)(d->text_len - *off);
    return 0;
}

static bool ident_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static bool match_word(jp *s, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0) return false;
    if (s->p + n < s->end && ident_char((unsigned char)s->p[n])) return false;
    s->p += n;
    return true;
}

static int parse_number(jp *s, int32_t *node) {
    const char *p = s->p, *end = s->end;
    const json_options *o = s->d->opt;
    bool neg = false;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        if (o->allow_nonnumeric && p + 1 < end && (p[1] == 'I')) {
            s->p = p + 1;
            if (match_word(s, "Infinity") || match_word(s, "INF")) {
                *node = new_node(s, neg ? JN_NEG_INF : JN_POS_INF);
                return *node < 0 ? -2 : 0;
            }
            s->p = p;
        }
        if (*p == '+') return fail(s, "unexpected character '+' (a number cannot start with '+')");
        p++;
    }
    if (p >= end || *p < '0' || *p > '9') {
        s->p = p;
        return fail(s, "expected a digit after '-'");
    }
    const char *ds = p;
    if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9') {
        if (!o->allow_leading_zeros) {
            s->p = p;
            return fail(s, "invalid numeric value: leading zeros not allowed");
        }
        while (p + 1 < end && *p == '0' && p[1] >= '0' && p[1] <= '9') p++;
        ds = p;
    }
    while (p < end && *p >= '0' && *p <= '9') p++;
    bool is_float = false;
    if (p < end && *p == '.') {
        is_float = true;
        p++;
        if (p >= end || *p < '0' || *p > '9') { s->p = p; return fail(s, "decimal point not followed by a digit"); }
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_float = true;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') { s->p = p; return fail(s, "exponent indicator not followed by a digit"); }
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (ident_char((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+')) {
        s->p = p;
        return fail(s, "unexpected character after a number");
    }
    int32_t n = new_node(s, is_float ? JN_FLOAT : JN_INT);
    if (n < 0) return -2;
    json_node *nd = &s->d->nodes[n];
    nd->off = (int32_t)s->d->text_len;
    if (neg && !text_put(s, "-", 1)) return -2;
    if (!text_put(s, ds, p - ds)) return -2;
    s->d->nodes[n].len = (int32_t)(s->d->text_len - s->d->nodes[n].off);
    s->p = p;
    *node = n;
    return 0;
}

static int parse_val(jp *s, int32_t *node);

static int parse_key(jp *s, int32_t *off, int32_t *len) {
    const json_options *o = s->d->opt;
    char c = *s->p;
    if (c == '"' || (c == '\'' && o->allow_single_quotes)) return parse_string(s, off, len);
    if (o->allow_unquoted_names && ident_char((unsigned char)c) && !(c >= '0' && c <= '9')) {
        const char *q = s->p;
        while (q < s->end && ident_char((unsigned char)*q)) q++;
        *off = (int32_t)s->d->text_len;
        if (!text_put(s, s->p, q - s->p)) return -2;
        *len = (int32_t)(q - s->p);
        s->p = q;
        return 0;
    }
    return fail(s, "was expecting double-quote to start a field name");
}

static int parse_container(jp *s, bool obj, int32_t *node) {
    if (++s->d->depth > JSON_MAX_DEPTH) return fail(s, "document nesting depth exceeds the maximum allowed (1000)");
    s->p++;
    int32_t me = new_node(s, obj ? JN_OBJECT : JN_ARRAY);
    if (me < 0) return -2;
    int32_t last = -1;
    char close = obj ? '}' : ']';
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->d->depth--;
        *node = me;
        return 0;
    }
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end) return fail(s, obj ? "unexpected end of input in an object" : "unexpected end of input in an array");
        int32_t koff = 0, klen = 0;
        if (obj) {
            int rc = parse_key(s, &koff, &klen);
            if (rc) return rc;
            skip_ws(s);
            if (s->p >= s->end || *s->p != ':') return fail(s, "was expecting a colon to separate field name and value");
            s->p++;
            skip_ws(s);
        }
        int32_t child;
        int rc = parse_val(s, &child);
        if (rc) return rc;
        json_node *cn = &s->d->nodes[child];
        cn->key_off = koff;
        cn->key_len = klen;
        if (last < 0) s->d->nodes[me].first = child;
        else s->d->nodes[last].next = child;
        last = child;
        s->d->nodes[me].nkids++;
        skip_ws(s);
        if (s->p >= s->end) return fail(s, obj ? "unexpected end of input in an object" : "unexpected end of input in an array");
        if (*s->p == ',') { s->p++; continue; }
        if (*s->p == close) { s->p++; break; }
        return fail(s, obj ? "was expecting comma to separate object entries" : "was expecting comma to separate array values");
    }
    s->d->depth--;
    *node = me;
    return 0;
}

static int parse_val(jp *s, int32_t *node) {
    const json_options *o = s->d->opt;
    if (s->p >= s->end) return fail(s, "unexpected end of input");
    char c = *s->p;
    switch (c) {
    case '{': return parse_container(s, true, node);
    case '[': return parse_container(s, false, node);
    case '"':
    case '\'': {
        if (c == '\'' && !o->allow_single_quotes) return fail(s, "unexpected character ''' (single quotes are not allowed)");
        int32_t off, len;
        int rc = parse_string(s, &off, &len);
        if (rc) return rc;
        int32_t n = new_node(s, JN_STRING);
        if (n < 0) return -2;
        s->d->nodes[n].off = off;
        s->d->nodes[n].len = len;
        *node = n;
        return 0;
    }
    case 't':
        if (match_word(s, "true")) { *node = new_node(s, JN_TRUE); return *node < 0 ? -2 : 0; }
        break;
    case 'f':
        if (match_word(s, "false")) { *node = new_node(s, JN_FALSE); return *node < 0 ? -2 : 0; }
        break;
    case 'n':
        if (match_word(s, "null")) { *node = new_node(s, JN_NULL); return *node < 0 ? -2 : 0; }
        break;
    case 'N':
        if (o->allow_nonnumeric && match_word(s, "NaN")) { *node = new_node(s, JN_NAN); return *node < 0 ? -2 : 0; }
        break;
    case 'I':
        if (o->allow_nonnumeric && match_word(s, "Infinity")) { *node = new_node(s, JN_POS_INF); return *node < 0 ? -2 : 0; }
        break;
    default:
        if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return parse_number(s, node);
        break;
    }
    return fail(s, "unrecognized token (expected a JSON value: string, number, array, object, true, false or null)");
}

int json_parse_value(json_doc *d, const char *p, const char *end, int32_t *root, const char **next) {
    d->n = 0;
    d->text_len = 0;
    d->depth = 0;
    d->err = NULL;
    d->err_at = 0;
    jp s = {d, p, p, end, false};
    skip_ws(&s);
    if (s.p >= s.end) {
        *next = s.p;
        return 1;
    }
    int rc = parse_val(&s, root);
    *next = s.p;
    if (s.nomem) return -2;
    return rc;
}

/* ---- serialization ------------------------------------------------------- */

int json_escape_string(sm_buf *out, const char *s, int32_t len) {
    static const char hex[] = "0123456789ABCDEF";
    int rc = sm_buf_append(out, "\"", 1);
    int32_t i = 0, run = 0;
    for (; rc == SM_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        if (i > run) rc = sm_buf_append(out, s + run, (size_t)(i - run));
        run = i + 1;
        char e[8];
        int en = 0;
        switch (c) {
        case '"': e[0] = '\\'; e[1] = '"'; en = 2; break;
        case '\\': e[0] = '\\'; e[1] = '\\'; en = 2; break;
        case '\b': e[0] = '\\'; e[1] = 'b'; en = 2; break;
        case '\f': e[0] = '\\'; e[1] = 'f'; en = 2; break;
        case '\n': e[0] = '\\'; e[1] = 'n'; en = 2; break;
        case '\r': e[0] = '\\'; e[1] = 'r'; en = 2; break;
        case '\t': e[0] = '\\'; e[1] = 't'; en = 2; break;
        default:
            memcpy(e, "\\u00", 4);
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            en = 6;
            break;
        }
        if (rc == SM_OK) rc = sm_buf_append(out, e, (size_t)en);
    }
    if (rc == SM_OK && len > run) rc = sm_buf_append(out, s + run, (size_t)(len - run));
    if (rc == SM_OK) rc = sm_buf_append(out, "\"", 1);
    return rc;
}

/* A JSON float literal as Jackson re-writes it: Double.toString of its
 * value (1.50 -> 1.5, 1E3 -> 1000.0, 1e400 -> Infinity). */
static int append_float_text(sm_buf *out, const char *s, int32_t len) {
    char tmp[512];
    if (len >= (int32_t)sizeof tmp) len = (int32_t)sizeof tmp - 1;
    memcpy(tmp, s, (size_t)len);
    tmp[len] = 0;
    double v = strtod(tmp, NULL);
    if (isinf(v)) return sm_buf_appendf(out, "%s", v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    char buf[40];
    int n = sm_format_double(v, buf);
    return sm_buf_append(out, buf, (size_t)n);
}

int json_node_serialize(const json_doc *d, int32_t ni, sm_buf *out) {
    const json_node *n = &d->nodes[ni];
    switch (n->kind) {
    case JN_NULL: return sm_buf_append(out, "null", 4);
    case JN_TRUE: return sm_buf_append(out, "true", 4);
    case JN_FALSE: return sm_buf_append(out, "false", 5);
    case JN_INT: {
        /* BigInteger/long text: "-0" is 0 */
        const char *t = json_text(d, n);
        if (n->len == 2 && t[0] == '-' && t[1] == '0') return sm_buf_append(out, "0", 1);
        return sm_buf_append(out, t, (size_t)n->len);
    }
    case JN_FLOAT: return append_float_text(out, json_text(d, n), n->len);
    case JN_NAN: return sm_buf_append(out, "\"NaN\"", 5);
    case JN_POS_INF: return sm_buf_append(out, "\"Infinity\"", 10);
    case JN_NEG_INF: return sm_buf_append(out, "\"-Infinity\"", 11);
    case JN_STRING: return json_escape_string(out, json_text(d, n), n->len);
    case JN_ARRAY:
    case JN_OBJECT: {
        bool obj = n->kind == JN_OBJECT;
        int rc = sm_buf_append(out, obj ? "{" : "[", 1);
        bool first = true;
        for (int32_t c = n->first; rc == SM_OK && c >= 0; c = d->nodes[c].next) {
            if (!first) rc = sm_buf_append(out, ",", 1);
            first = false;
            if (obj && rc == SM_OK) {
                rc = json_escape_string(out, json_key(d, &d->nodes[c]), d->nodes[c].key_len);
                if (rc == SM_OK) rc = sm_buf_append(out, ":", 1);
            }
            if (rc == SM_OK) rc = json_node_serialize(d, c, out);
        }
        if (rc == SM_OK) rc = sm_buf_append(out, obj ? "}" : "]", 1);
        return rc;
    }
    default: return SM_OK;
    }
}
