/*
 * func_string2.c — the second batch of Spark 3.5 string functions: number
 * formats (to_number / try_to_number / to_char / to_varchar, format_number,
 * format_string / printf), Oracle's decode(expr, search, result, ...) and
 * decode(bytes, charset), elt, soundex, levenshtein, overlay, chr / char,
 * bit_length, space, substring_index, find_in_set, mask, base64, hex, bin,
 * conv, luhn_check and the UTF-8 validators (is_valid_utf8, make_valid_utf8,
 * validate_utf8, try_validate_utf8; Spark 4.0 names, same semantics).
 *
 * Conventions are those of func_string.c: positions and lengths count
 * characters (code points of the UTF-8 bytes); other argument types are cast
 * to string implicitly; null in → null out unless a function says otherwise.
 * smelt has no BINARY type, so the functions that take bytes (decode with a
 * charset, base64, hex) take a string's UTF-8 bytes, as Spark does after its
 * implicit string → binary cast; the ones that return bytes (encode, unbase64,
 * unhex, to_binary) are not here.
 *
 * Number format strings (to_number, to_char).  Spark's ToNumberParser: the
 * format is tokenised once at bind time (it must be a constant) into digit
 * runs ('0' / '9'), decimal point ('.' / 'D'), thousands separator (',' /
 * 'G'), '$', 'S', 'MI' and 'PR'; consecutive digit runs and separators form
 * a digit group.  Parsing walks the tokens over the input; a group matches
 * the input's digits and commas, comparing the input's group sizes with the
 * format's from the right (a run that starts with '0' before the point must
 * match exactly, others at most).  The result is decimal(digits, digits
 * after the point).  Formatting pads the value's digits to the format's
 * counts (leading spaces, or zeros under a leading '0'), prints '#'s when the
 * value has more digits than the format, and places signs next to the digits.
 * The parsed format lives in the bind arena (call->state; no release).
 *
 * Evaluation: each function is a row kernel over the evaluated argument
 * vectors; a string result is built in a scratch sm_buf and appended to a
 * new vector.  Kernels are pure, so evaluation is thread-safe.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "expr/eval_internal.h"
#include "expr/func_common.h"
#include "types/decimal.h"

/* ---- drivers --------------------------------------------------------------- */

typedef int (*s2_str_fn)(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                         int64_t row, sm_buf *out, bool *is_null);

/* A string result: fn per row (skipped, null, when an argument is null
 * unless handles_nulls). */
static int s2_map_str(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out, s2_str_fn fn, bool handles_nulls) {
    sm_vector *res = sm_vector_new(SM_STRING, n);
    if (!res) return SM_NOMEM;
    sm_buf buf = {0};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool is_null = false;
        if (!handles_nulls && fx_any_null(args, call->nargs, row)) {
            is_null = true;
        } else {
            buf.len = 0;
            rc = fn(ctx, call, args, row, &buf, &is_null);
            if (rc) break;
        }
        rc = fx_append_buf(res, &buf, is_null);
    }
    sm_buf_free(&buf);
    return fx_finish(res, rc, out);
}

typedef int (*s2_num_fn)(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                         int64_t row, int64_t *val, bool *is_null);

/* A BOOLEAN / INT / BIGINT result. */
static int s2_map_num(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out, s2_num_fn fn, bool handles_nulls) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(call->type, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool is_null = false;
        int64_t v = 0;
        if (!handles_nulls && fx_any_null(args, call->nargs, row)) is_null = true;
        else rc = fn(ctx, call, args, row, &v, &is_null);
        if (rc) break;
        if (is_null) rc = fx_set_null(res, row);
        else if (call->type == SM_BOOLEAN) SM_VEC_BOOL(res)[row] = (uint8_t)(v != 0);
        else if (call->type == SM_INT) SM_VEC_I32(res)[row] = (int32_t)v;
        else SM_VEC_I64(res)[row] = v;
    }
    return fx_finish(res, rc, out);
}

#define S2_STR(fname, sig, kernel, handles_nulls)                                            \
    static int fname##_resolve(sm_bind_ctx *ctx, sm_expr *call) {                            \
        return fx_resolve_sig(ctx, call, sig, SM_STRING);                                    \
    }                                                                                        \
    static int fname##_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,  \
                            int64_t n, sm_vector **out) {                                    \
        return s2_map_str(ectx, call, args, n, out, kernel, handles_nulls);                  \
    }

#define S2_NUM(fname, sig, ret, kernel, handles_nulls)                                       \
    static int fname##_resolve(sm_bind_ctx *ctx, sm_expr *call) {                            \
        return fx_resolve_sig(ctx, call, sig, ret);                                          \
    }                                                                                        \
    static int fname##_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,  \
                            int64_t n, sm_vector **out) {                                    \
        return s2_map_num(ectx, call, args, n, out, kernel, handles_nulls);                  \
    }

static inline const char *s2_str(sm_vector **args, int i, int64_t row, int32_t *len) {
    return fx_str(args[i], row, len);
}
static inline int32_t s2_i32(sm_vector **args, int i, int64_t row) { return SM_VEC_I32(args[i])[row]; }
static inline int64_t s2_i64(sm_vector **args, int i, int64_t row) { return SM_VEC_I64(args[i])[row]; }

static int s2_put(sm_buf *o, const char *s, size_t n) { return sm_buf_append(o, s, n) ? SM_NOMEM : SM_OK; }

/* The value of a constant argument at bind time; false when not constant. */
static bool s2_const_str(sm_bind_ctx *ctx, const sm_expr *arg, sm_value *v) {
    return fx_const_arg(ctx, arg, v);
}

/* ---- luhn_check, UTF-8 validation --------------------------------------------- */

static int k_luhn(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, int64_t *v,
                  bool *nul) {
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    *v = 0;
    if (l == 0) return SM_OK;
    int sum = 0;
    bool second = false;
    for (int32_t i = l - 1; i >= 0; i--) {
        int d = s[i] - '0';
        if (d < 0 || d > 9) return SM_OK;
        if (second) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        second = !second;
    }
    *v = sum % 10 == 0;
    return SM_OK;
}
S2_NUM(luhn_check, "S", SM_BOOLEAN, k_luhn, false)

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static int s2_utf8_valid_len(const unsigned char *s, int64_t n) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    int len;
    uint32_t min;
    if (c >= 0xc2 && c <= 0xdf) len = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) len = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) len = 4, min = 0x10000;
    else return 0;
    if (len > n) return 0;
    uint32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    for (int k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

static bool s2_utf8_valid(const char *s, int32_t l) {
    for (int32_t i = 0; i < l;) {
        int k = s2_utf8_valid_len((const unsigned char *)s + i, l - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

static int k_is_valid_utf8(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                           int64_t *v, bool *nul) {
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    *v = s2_utf8_valid(s, l);
    return SM_OK;
}
S2_NUM(is_valid_utf8, "S", SM_BOOLEAN, k_is_valid_utf8, false)

/* Invalid bytes become U+FFFD, one per byte. */
static int k_make_valid_utf8(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                             sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    for (int32_t i = 0; i < l;) {
        int k = s2_utf8_valid_len((const unsigned char *)s + i, l - i);
        if (k) {
            SM_TRY(s2_put(o, s + i, (size_t)k));
            i += k;
        } else {
            SM_TRY(s2_put(o, "\xef\xbf\xbd", 3));
            i++;
        }
    }
    return SM_OK;
}
S2_STR(make_valid_utf8, "S", k_make_valid_utf8, false)

static int k_validate_utf8(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                           sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    if (!s2_utf8_valid(s, l)) {
        if (strcmp(c->name, "try_validate_utf8") == 0) {
            *nul = true;
            return SM_OK;
        }
        sm_buf hex = {0};
        for (int32_t i = 0; i < l; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch >= 0x20 && ch < 0x7f) sm_buf_putc(&hex, (char)ch);
            else sm_buf_appendf(&hex, "\\x%02X", ch);
        }
        int rc = sm_err(SM_INVALID, "[INVALID_UTF8_STRING] Invalid UTF8 byte sequence found in "
                                    "string: %s.", hex.data ? sm_buf_cstr(&hex) : "");
        sm_buf_free(&hex);
        return rc;
    }
    return s2_put(o, s, (size_t)l);
}
S2_STR(validate_utf8, "S", k_validate_utf8, false)

static int try_validate_utf8_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(validate_utf8_resolve(ctx, call));
    call->nullable = true;
    return SM_OK;
}

/* ---- number formats: to_number / try_to_number / to_char --------------------- */

typedef enum {
    NF_DIGITS, /* n digits; exact when a '0' run before the point */
    NF_SEP,    /* , or G (inside a group) */
    NF_GROUP,  /* digit runs and separators: sub[first .. first+count) */
    NF_POINT,
    NF_DOLLAR,
    NF_SIGN,   /* S */
    NF_MINUS,  /* MI */
    NF_OPEN,   /* the < of PR */
    NF_CLOSE,  /* the > of PR */
    NF_BAD,
} nf_kind;

typedef struct {
    nf_kind kind;
    int n;
    bool exact;
    int first, count; /* NF_GROUP: range in nf_format.sub */
    char ch;          /* NF_BAD */
} nf_token;

typedef struct {
    nf_token *tok; /* top level: groups and the other tokens */
    int ntok;
    nf_token *sub; /* the groups' digit runs and separators, in format order */
    int nsub;
    int precision, scale;
    int digits_before, digits_after;
    const char *text;
    bool is_null; /* the format was NULL */
} nf_format;

static const char *nf_token_name(const nf_token *t) {
    switch (t->kind) {
    case NF_POINT: return ". or D";
    case NF_SEP: return ", or G";
    case NF_DOLLAR: return "$";
    case NF_SIGN: return "S";
    case NF_MINUS: return "MI";
    case NF_OPEN:
    case NF_CLOSE: return "PR";
    default: return "digit sequence";
    }
}

static int nf_bad_format(const char *sub, const char *fmt, const char *extra) {
    return sm_err(SM_ANALYSIS, "[INVALID_FORMAT.%s] The format is invalid: '%s'.%s", sub, fmt,
                  extra ? extra : "");
}

/* Tokenises and validates the (upper-cased) format (see the essay). */
static int nf_parse(sm_arena *arena, const char *fmt_in, nf_format *f) {
    size_t len = strlen(fmt_in);
    char *fmt = sm_arena_alloc(arena, len + 1);
    nf_token *raw = sm_arena_alloc(arena, (len + 2) * sizeof *raw);
    f->tok = sm_arena_alloc(arena, (len + 2) * sizeof *f->tok);
    f->sub = sm_arena_alloc(arena, (len + 2) * sizeof *f->sub);
    if (!fmt || !raw || !f->tok || !f->sub) return SM_NOMEM;
    for (size_t i = 0; i <= len; i++) fmt[i] = (char)toupper((unsigned char)fmt_in[i]);
    f->text = fmt_in;
    if (len == 0) return nf_bad_format("EMPTY", fmt_in, " The number format string cannot be empty.");
    int nraw = 0;
    bool point = false;
    bool has_open = false;
    for (size_t i = 0; i < len;) {
        char ch = fmt[i];
        nf_token t = {.kind = NF_BAD, .ch = ch};
        if (ch == '0' || ch == '9') {
            size_t st = i;
            do i++;
            while (i < len && (fmt[i] == '0' || fmt[i] == '9'));
            t.kind = NF_DIGITS;
            t.n = (int)(i - st);
            t.exact = ch == '0' && !point;
            raw[nraw++] = t;
            continue;
        }
        if (ch == '.' || ch == 'D') t.kind = NF_POINT, point = true;
        else if (ch == ',' || ch == 'G') t.kind = NF_SEP;
        else if (ch == '$') t.kind = NF_DOLLAR;
        else if (ch == 'S') t.kind = NF_SIGN;
        else if (ch == 'M' && i + 1 < len && fmt[i + 1] == 'I') t.kind = NF_MINUS, i++;
        else if (ch == 'P' && i + 1 < len && fmt[i + 1] == 'R') t.kind = NF_CLOSE, i++, has_open = true;
        i++;
        raw[nraw++] = t;
    }
    /* PR: an opening bracket token first. */
    f->ntok = 0;
    f->nsub = 0;
    if (has_open) f->tok[f->ntok++] = (nf_token){.kind = NF_OPEN};
    for (int i = 0; i < nraw;) {
        if (raw[i].kind == NF_DIGITS || raw[i].kind == NF_SEP) {
            nf_token g = {.kind = NF_GROUP, .first = f->nsub};
            while (i < nraw && (raw[i].kind == NF_DIGITS || raw[i].kind == NF_SEP))
                f->sub[f->nsub++] = raw[i++];
            g.count = f->nsub - g.first;
            f->tok[f->ntok++] = g;
        } else {
            f->tok[f->ntok++] = raw[i++];
        }
    }
    /* precision, scale */
    bool after = false;
    for (int i = 0; i < f->ntok; i++) {
        const nf_token *t = &f->tok[i];
        if (t->kind == NF_POINT) after = true;
        if (t->kind != NF_GROUP) continue;
        for (int k = 0; k < t->count; k++)
            if (f->sub[t->first + k].kind == NF_DIGITS) {
                if (after) f->digits_after += f->sub[t->first + k].n;
                else f->digits_before += f->sub[t->first + k].n;
            }
    }
    f->precision = f->digits_before + f->digits_after;
    f->scale = f->digits_after;

    /* Validation, in Spark's order. */
    int first_dollar = -1, first_digit = -1, first_point = -1;
    for (int i = 0; i < f->ntok; i++) {
        if (f->tok[i].kind == NF_DOLLAR && first_dollar < 0) first_dollar = i;
        if (f->tok[i].kind == NF_GROUP && first_digit < 0) first_digit = i;
        if (f->tok[i].kind == NF_POINT && first_point < 0) first_point = i;
    }
    if (first_digit < 0)
        return nf_bad_format("WRONG_NUM_DIGIT", fmt_in,
                             " The format string requires at least one number digit.");
    if (first_digit < first_dollar)
        return nf_bad_format("CUR_MUST_BEFORE_DIGIT", fmt_in,
                             " Currency characters must appear before any decimal point in the "
                             "number format.");
    if (first_point >= 0 && first_point < first_dollar)
        return nf_bad_format("CUR_MUST_BEFORE_DEC", fmt_in,
                             " Currency characters must appear before digits in the number format.");
    for (int i = 0; i < f->ntok; i++) {
        const nf_token *t = &f->tok[i];
        if (t->kind != NF_GROUP) continue;
        const nf_token *s = f->sub + t->first;
        bool before = first_point < 0 || i < first_point;
        for (int k = 0; k < t->count; k++) {
            if (s[k].kind != NF_SEP) continue;
            if (!before)
                return nf_bad_format("THOUSANDS_SEPS_MUST_BEFORE_DEC", fmt_in,
                                     " Thousands separators (, or G) may not appear after the "
                                     "decimal point in the number format.");
            if (k == 0 || k == t->count - 1 || s[k - 1].kind == NF_SEP || s[k + 1].kind == NF_SEP)
                return nf_bad_format("CONT_THOUSANDS_SEPS", fmt_in,
                                     " Thousands separators (, or G) must have digits in between "
                                     "them in the number format.");
        }
    }
    static const nf_kind once[] = {NF_POINT, NF_SIGN, NF_MINUS, NF_DOLLAR, NF_CLOSE};
    for (size_t k = 0; k < sizeof once / sizeof once[0]; k++) {
        int cnt = 0;
        const nf_token *which = NULL;
        for (int i = 0; i < f->ntok; i++)
            if (f->tok[i].kind == once[k]) cnt++, which = &f->tok[i];
        if (cnt > 1)
            return sm_err(SM_ANALYSIS, "[INVALID_FORMAT.WRONG_NUM_TOKEN] The format is invalid: "
                                       "'%s'. At most one %s is allowed in the number format.",
                          fmt_in, nf_token_name(which));
    }
    /* [ PR< ] [ MI | S ] [ $ ] [ digits ] [ . ] [ digits ] [ $ ] [ PR> | MI | S ] */
    static const unsigned slots[] = {
        1u << NF_OPEN, (1u << NF_MINUS) | (1u << NF_SIGN), 1u << NF_DOLLAR, 1u << NF_GROUP,
        1u << NF_POINT, 1u << NF_GROUP, 1u << NF_DOLLAR,
        (1u << NF_MINUS) | (1u << NF_SIGN) | (1u << NF_CLOSE)};
    int ti = 0;
    for (size_t k = 0; k < sizeof slots / sizeof slots[0]; k++)
        if (ti < f->ntok && (slots[k] & (1u << f->tok[ti].kind))) ti++;
    if (ti < f->ntok) {
        const nf_token *t = &f->tok[ti];
        if (t->kind == NF_BAD)
            return sm_err(SM_ANALYSIS, "[INVALID_FORMAT.UNEXPECTED_TOKEN] The format is invalid: "
                                       "'%s'. Found the unexpected character '%c'' in the format "
                                       "string; the structure of the format string must match: "
                                       "`[MI|S]` `[$]` `[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` "
                                       "`[PR|MI|S]`.",
                          fmt_in, t->ch);
        return sm_err(SM_ANALYSIS, "[INVALID_FORMAT.UNEXPECTED_TOKEN] The format is invalid: '%s'. "
                                   "Found the unexpected %s in the format string; the structure of "
                                   "the format string must match: `[MI|S]` `[$]` `[0|9|G|,]*` "
                                   "`[.|D]` `[0|9]*` `[$]` `[PR|MI|S]`.",
                      fmt_in, nf_token_name(t));
    }
    if (f->precision > SM_DEC_MAX_PRECISION)
        return sm_err(SM_ANALYSIS, "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision %d "
                                   "exceeds max precision %d (format '%s').",
                      f->precision, SM_DEC_MAX_PRECISION, fmt_in);
    return SM_OK;
}

static bool nf_isspace(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); }

/* Parses one input; false on a mismatch. */
static bool nf_parse_input(const nf_format *f, const char *in, int32_t len, __int128 *out) {
    char before[80], after[80];
    int nb = 0, na = 0;
    bool point = false, opened = false, closed = false, neg = false;
    int32_t ii = 0;
    for (int fi = 0; fi < f->ntok; fi++) {
        const nf_token *t = &f->tok[fi];
        bool have = ii < len;
        char ch = have ? in[ii] : 0;
        switch (t->kind) {
        case NF_GROUP: {
            int sizes[80], nsizes = 0, cur = 0;
            while (ii < len) {
                char c = in[ii];
                if (nf_isspace(c)) {
                } else if (c >= '0' && c <= '9') {
                    cur++;
                    if (point) {
                        if (na >= 78) return false;
                        after[na++] = c;
                    } else {
                        if (nb >= 78) return false;
                        before[nb++] = c;
                    }
                } else if (c == ',') {
                    if (nsizes >= 78) return false;
                    sizes[nsizes++] = cur;
                    cur = 0;
                } else {
                    break;
                }
                ii++;
            }
            sizes[nsizes++] = cur;
            /* Compare from the right: sizes[nsizes-1-k] with the k-th run from the end. */
            int nruns = 0;
            for (int k = 0; k < t->count; k++)
                if (f->sub[t->first + k].kind == NF_DIGITS) nruns++;
            if (nsizes > nruns) return false;
            int k = 0;
            for (int s = t->count - 1; s >= 0; s--) {
                const nf_token *d = &f->sub[t->first + s];
                if (d->kind != NF_DIGITS) continue;
                int actual = k < nsizes ? sizes[nsizes - 1 - k] : 0;
                if (d->exact ? actual != d->n : actual > d->n) return false;
                k++;
            }
            break;
        }
        case NF_POINT:
            if (have && ch == '.') point = true, ii++;
            break;
        case NF_DOLLAR:
            if (have) {
                if (ch != '$') return false;
                ii++;
            }
            break;
        case NF_SIGN:
            if (have && ch == '+') ii++;
            else if (have && ch == '-') neg = !neg, ii++;
            break;
        case NF_MINUS:
            if (have && ch == '-') neg = !neg, ii++;
            break;
        case NF_OPEN:
            if (have && ch == '<') {
                if (opened) return false;
                opened = true;
                ii++;
            }
            break;
        case NF_CLOSE:
            if (have && ch == '>') {
                if (!opened) return false;
                closed = true;
                neg = !neg;
                ii++;
            }
            break;
        default:
            return false;
        }
    }
    if (ii < len || opened != closed) return false;
    if (nb == 0 && na == 0) return false;
    __int128 u = 0;
    for (int i = 0; i < nb; i++) u = u * 10 + (before[i] - '0');
    for (int i = 0; i < f->scale; i++) u = u * 10 + (i < na ? after[i] - '0' : 0);
    *out = neg ? -u : u;
    return true;
}

/* Decimal → plain digits: "-12.50" style with exactly `scale` fraction digits. */
static int s2_dec_plain(__int128 u, int scale, char *buf) {
    char tmp[64];
    int n = 0;
    bool neg = u < 0;
    unsigned __int128 m = neg ? (unsigned __int128)(-(u + 1)) + 1 : (unsigned __int128)u;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    while (n <= scale) tmp[n++] = '0';
    int o = 0;
    if (neg) buf[o++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        buf[o++] = tmp[i];
        if (i == scale && scale > 0) buf[o++] = '.';
    }
    buf[o] = 0;
    return o;
}

static void nf_add_char_swap_spaces(sm_buf *r, char c) {
    sm_buf_putc(r, c);
    for (size_t i = r->len - 1; i >= 1 && r->data[i - 1] == ' ' && r->data[i] == c; i--) {
        r->data[i] = ' ';
        r->data[i - 1] = c;
    }
}

static void nf_add_space_swap_signs(sm_buf *r) {
    sm_buf_putc(r, ' ');
    for (size_t i = r->len - 1;
         i >= 1 && (r->data[i - 1] == '+' || r->data[i - 1] == '-' || r->data[i - 1] == '<') &&
         r->data[i] == ' ';
         i--) {
        r->data[i] = r->data[i - 1];
        r->data[i - 1] = ' ';
    }
}

static void nf_strip_lone_point(sm_buf *r) {
    char *p = r->data ? memchr(r->data, '.', r->len) : NULL;
    if (p && ((size_t)(p - r->data) == r->len - 1 || p[1] == ' ')) *p = ' ';
}

/* Formats decimal u (scale s) by f into o (see the essay); false on a
 * mismatch that Spark reports (never for valid formats). */
static int nf_format_value(const nf_format *f, __int128 u, int s, sm_buf *o) {
    char plain[96];
    s2_dec_plain(u, s, plain);
    bool neg = u < 0;
    char *p = plain;
    while (*p == '-' || *p == '0') p++;
    char *dot = strchr(p, '.');
    char bpart[96] = "", apart[96] = "";
    size_t bl = dot ? (size_t)(dot - p) : strlen(p);
    memcpy(bpart, p, bl);
    bpart[bl] = 0;
    if (dot) {
        strcpy(apart, dot + 1);
        size_t al = strlen(apart);
        while (al > 0 && apart[al - 1] == '0') apart[--al] = 0;
    }
    int nfb = f->digits_before, nfa = f->digits_after;
    char *before = sm_malloc((size_t)nfb + 2), *afterd = sm_malloc((size_t)nfa + 2);
    if (!before || !afterd) {
        sm_free(before);
        sm_free(afterd);
        return SM_NOMEM;
    }
    if ((int)strlen(bpart) > nfb || (int)strlen(apart) > nfa) {
        memset(before, '#', (size_t)nfb);
        memset(afterd, '#', (size_t)nfa);
    } else {
        int bl2 = (int)strlen(bpart), al2 = (int)strlen(apart);
        memset(before, ' ', (size_t)(nfb - bl2));
        memcpy(before + nfb - bl2, bpart, (size_t)bl2);
        memcpy(afterd, apart, (size_t)al2);
        memset(afterd + al2, '0', (size_t)(nfa - al2));
    }
    before[nfb] = 0;
    afterd[nfa] = 0;
    int bi = 0, ai = 0;
    bool point = false;
    sm_buf r = {0};
    for (int ti = 0; ti < f->ntok; ti++) {
        const nf_token *t = &f->tok[ti];
        switch (t->kind) {
        case NF_GROUP:
            for (int k = 0; k < t->count; k++) {
                const nf_token *d = &f->sub[t->first + k];
                if (d->kind == NF_SEP) {
                    if (r.len > 0 && isdigit((unsigned char)r.data[r.len - 1])) sm_buf_putc(&r, ',');
                    else nf_add_space_swap_signs(&r);
                    continue;
                }
                for (int j = 0; j < d->n; j++) {
                    if (!point) {
                        char c = before[bi++];
                        if (c == ' ' && d->exact) sm_buf_putc(&r, '0');
                        else if (c == ' ') nf_add_space_swap_signs(&r);
                        else sm_buf_putc(&r, c);
                    } else {
                        sm_buf_putc(&r, afterd[ai++]);
                    }
                }
            }
            break;
        case NF_POINT:
            if (r.len > 0 && r.data[r.len - 1] == ' ') r.data[r.len - 1] = '0';
            sm_buf_putc(&r, '.');
            point = true;
            break;
        case NF_DOLLAR: sm_buf_putc(&r, '$'); break;
        case NF_SIGN:
            nf_strip_lone_point(&r);
            nf_add_char_swap_spaces(&r, neg ? '-' : '+');
            break;
        case NF_MINUS:
            if (neg) {
                nf_strip_lone_point(&r);
                nf_add_char_swap_spaces(&r, '-');
            } else {
                sm_buf_putc(&r, ' ');
            }
            break;
        case NF_OPEN:
            if (neg) sm_buf_putc(&r, '<');
            break;
        case NF_CLOSE:
            nf_strip_lone_point(&r);
            if (neg) nf_add_char_swap_spaces(&r, '>');
            else sm_buf_append(&r, "  ", 2);
            break;
        default: break;
        }
    }
    sm_free(before);
    sm_free(afterd);
    nf_strip_lone_point(&r);
    int rc = SM_OK;
    if (r.len == 0 || (r.len == 1 && (r.data[0] == '+' || r.data[0] == '-'))) rc = s2_put(o, "0", 1);
    else rc = s2_put(o, r.data, r.len);
    sm_buf_free(&r);
    return rc;
}

static int nf_resolve_format(sm_bind_ctx *ctx, sm_expr *call, nf_format **out) {
    const sm_expr *fa = call->args[1];
    if (!sm_expr_is_const(fa))
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due to "
                            "data type mismatch: the input `format` should be a foldable "
                            "\"STRING\" expression; however, got \"%s\".",
                            sm_bind_sql(ctx, call), sm_bind_sql(ctx, fa));
    nf_format *f = sm_arena_alloc(ctx->arena, sizeof *f);
    if (!f) return SM_NOMEM;
    memset(f, 0, sizeof *f);
    sm_value v;
    if (!s2_const_str(ctx, fa, &v)) return sm_errcode() ? sm_errcode() : SM_INVALID;
    if (v.is_null || v.type == SM_NULLTYPE) {
        f->is_null = true;
    } else {
        char *text = sm_arena_alloc(ctx->arena, (size_t)v.v.str.len + 1);
        if (!text) return SM_NOMEM;
        memcpy(text, v.v.str.ptr, (size_t)v.v.str.len);
        text[v.v.str.len] = 0;
        SM_TRY(nf_parse(ctx->arena, text, f));
    }
    *out = f;
    return SM_OK;
}

static int to_number_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce_all(ctx, call, 0, SM_STRING));
    nf_format *f;
    SM_TRY(nf_resolve_format(ctx, call, &f));
    call->state = f;
    call->type = SM_DECIMAL;
    call->precision = (int8_t)(f->is_null ? 10 : f->precision);
    call->scale = (int8_t)(f->is_null ? 0 : f->scale);
    call->nullable = true;
    return SM_OK;
}

static int to_number_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    const nf_format *f = call->state;
    bool try_ = strcmp(call->name, "try_to_number") == 0;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_DECIMAL, n, &res));
    res->precision = call->precision;
    res->scale = call->scale;
    for (int64_t row = 0; row < n; row++) {
        __int128 u = 0;
        bool nul = f->is_null || fx_any_null(args, 2, row);
        if (!nul) {
            int32_t l;
            const char *s = s2_str(args, 0, row, &l);
            if (!nf_parse_input(f, s, l, &u)) {
                if (!try_) {
                    sm_vector_unref(res);
                    return sm_err(SM_INVALID,
                                  "[INVALID_FORMAT.MISMATCH_INPUT] The format is invalid: '%s'. "
                                  "The input \"STRING\" '%.*s' does not match the format.",
                                  f->text, (int)l, s);
                }
                nul = true;
            }
        }
        if (nul) {
            if (fx_set_null(res, row)) {
                sm_vector_unref(res);
                return SM_NOMEM;
            }
            u = 0;
        }
        SM_VEC_DEC(res)[row] = u;
    }
    *out = res;
    return SM_OK;
}

/* to_char(number, format); to_char(date/timestamp, pattern) is date_format. */
static int to_char_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t == SM_DATE || t == SM_TIMESTAMP) {
        const sm_func_def *df = sm_func_find("date_format");
        if (!df) return sm_err(SM_INTERNAL, "to_char: date_format is not registered");
        call->fn = df;
        call->name = (char *)df->name;
        return df->resolve(ctx, call);
    }
    call->name = "to_char"; /* to_varchar prints as to_char */
    if (t != SM_DECIMAL && t != SM_INT && t != SM_BIGINT && t != SM_DOUBLE && t != SM_NULLTYPE)
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                            "to data type mismatch: Parameter 1 requires the \"DECIMAL\" type, "
                            "however \"%s\" has the type \"%s\".",
                            sm_bind_sql(ctx, call), sm_bind_sql(ctx, call->args[0]),
                            ev_type_upper(t));
    if (t == SM_DOUBLE) {
        sm_expr *c = sm_expr_coerce_dec(ctx, call->args[0], 30, 15);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[0] = c;
    } else if (t != SM_DECIMAL) {
        int p = 10, s = 0;
        if (t != SM_NULLTYPE) sm_expr_dec_type(call->args[0], false, &p, &s);
        sm_expr *c = sm_expr_coerce_dec(ctx, call->args[0], p, s);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[0] = c;
    }
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    nf_format *f;
    SM_TRY(nf_resolve_format(ctx, call, &f));
    call->state = f;
    call->type = SM_STRING;
    call->nullable = true;
    return SM_OK;
}

static int k_to_char(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                     bool *nul) {
    const nf_format *f = c->state;
    if (f->is_null) {
        *nul = true;
        return SM_OK;
    }
    return nf_format_value(f, SM_VEC_DEC(a[0])[r], a[0]->scale, o);
}

static int to_char_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                        sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_to_char, false);
}

/* ---- decode ---------------------------------------------------------------------- */

/* The charsets decode(bytes, charset) knows (Java's names, any case). */
typedef enum { CS_UTF8, CS_ASCII, CS_LATIN1, CS_UTF16BE, CS_UTF16LE, CS_UTF16, CS_UTF32 } s2_charset;

static bool s2_charset_of(const char *s, int32_t l, s2_charset *cs) {
    static const struct {
        const char *name;
        s2_charset cs;
    } names[] = {
        {"utf-8", CS_UTF8},        {"utf8", CS_UTF8},         {"us-ascii", CS_ASCII},
        {"ascii", CS_ASCII},       {"iso-8859-1", CS_LATIN1}, {"latin1", CS_LATIN1},
        {"iso8859-1", CS_LATIN1},  {"utf-16be", CS_UTF16BE},  {"utf-16le", CS_UTF16LE},
        {"utf-16", CS_UTF16},      {"utf16", CS_UTF16},       {"utf-32", CS_UTF32},
        {"utf32", CS_UTF32},
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if ((int32_t)strlen(names[k].name) == l && strncasecmp(names[k].name, s, (size_t)l) == 0) {
            *cs = names[k].cs;
            return true;
        }
    return false;
}

static int s2_put_cp(sm_buf *o, uint32_t cp) {
    char enc[4];
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    return s2_put(o, enc, (size_t)fx_u8encode(cp, enc));
}

static int s2_decode_bytes(const unsigned char *b, int32_t l, s2_charset cs, sm_buf *o) {
    switch (cs) {
    case CS_UTF8:
        for (int32_t i = 0; i < l;) {
            int k = s2_utf8_valid_len(b + i, l - i);
            if (k) {
                SM_TRY(s2_put(o, (const char *)b + i, (size_t)k));
                i += k;
            } else {
                SM_TRY(s2_put(o, "\xef\xbf\xbd", 3));
                i++;
            }
        }
        return SM_OK;
    case CS_ASCII:
        for (int32_t i = 0; i < l; i++) SM_TRY(s2_put_cp(o, b[i] < 0x80 ? b[i] : 0xfffd));
        return SM_OK;
    case CS_LATIN1:
        for (int32_t i = 0; i < l; i++) SM_TRY(s2_put_cp(o, b[i]));
        return SM_OK;
    case CS_UTF32:
        for (int32_t i = 0; i + 3 < l; i += 4)
            SM_TRY(s2_put_cp(o, (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 |
                                    (uint32_t)b[i + 2] << 8 | b[i + 3]));
        if (l % 4) SM_TRY(s2_put_cp(o, 0xfffd));
        return SM_OK;
    default: {
        bool le = cs == CS_UTF16LE;
        int32_t i = 0;
        if (cs == CS_UTF16 && l >= 2) {
            if (b[0] == 0xff && b[1] == 0xfe) le = true, i = 2;
            else if (b[0] == 0xfe && b[1] == 0xff) i = 2;
        }
        for (; i + 1 < l; i += 2) {
            uint32_t u = le ? (uint32_t)b[i + 1] << 8 | b[i] : (uint32_t)b[i] << 8 | b[i + 1];
            if (u >= 0xd800 && u <= 0xdbff && i + 3 < l) {
                uint32_t v = le ? (uint32_t)b[i + 3] << 8 | b[i + 2] : (uint32_t)b[i + 2] << 8 | b[i + 3];
                if (v >= 0xdc00 && v <= 0xdfff) {
                    SM_TRY(s2_put_cp(o, 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00)));
                    i += 2;
                    continue;
                }
            }
            SM_TRY(s2_put_cp(o, u));
        }
        if (l % 2) SM_TRY(s2_put_cp(o, 0xfffd));
        return SM_OK;
    }
    }
}

static int k_decode_charset(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                            sm_buf *o, bool *nul) {
    int32_t l, cl;
    const char *s = s2_str(a, 0, r, &l);
    const char *cname = s2_str(a, 1, r, &cl);
    s2_charset cs;
    if (!s2_charset_of(cname, cl, &cs))
        return sm_err(SM_INVALID,
                      "[INVALID_PARAMETER_VALUE.CHARSET] The value of parameter(s) `charset` in "
                      "`decode` is invalid: expects one of the US-ASCII, ISO-8859-1, UTF-8, "
                      "UTF-16BE, UTF-16LE, UTF-16, UTF-32, but got %.*s.",
                      (int)cl, cname);
    return s2_decode_bytes((const unsigned char *)s, l, cs, o);
}

/* decode(expr, search1, result1, ..., [default]): the first search equal
 * to expr (null-safe) gives its result. */
static int decode_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs == 2) {
        SM_TRY(fx_coerce_all(ctx, call, 0, SM_STRING));
        call->type = SM_STRING;
        call->nullable = fx_any_nullable(call);
        return SM_OK;
    }
    if (call->nargs < 3)
        return sm_bind_fail(ctx, call,
                            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `decode` requires > 1 "
                            "parameters but the actual number is %d. Please, refer to "
                            "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                            call->nargs);
    int nres = (call->nargs - 1) / 2 + ((call->nargs - 1) % 2);
    sm_expr **keys = sm_arena_alloc(ctx->arena, (size_t)call->nargs * sizeof *keys);
    sm_expr **vals = sm_arena_alloc(ctx->arena, (size_t)call->nargs * sizeof *vals);
    if (!keys || !vals) return SM_NOMEM;
    int nk = 0, nv = 0;
    keys[nk++] = call->args[0];
    for (int i = 1; i < call->nargs; i++) {
        bool is_default = i == call->nargs - 1 && (call->nargs - 1) % 2 == 1;
        if (is_default || i % 2 == 0) vals[nv++] = call->args[i];
        else keys[nk++] = call->args[i];
    }
    (void)nres;
    /* Common type of each side. */
    sm_type kt = SM_NULLTYPE, vt = SM_NULLTYPE;
    for (int pass = 0; pass < 2; pass++) {
        sm_expr **es = pass ? vals : keys;
        int ne = pass ? nv : nk;
        sm_type t = SM_NULLTYPE;
        for (int i = 0; i < ne; i++) {
            int w = sm_type_wider(t, es[i]->type);
            if (w < 0)
                return sm_bind_fail(ctx, call,
                                    "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due "
                                    "to data type mismatch: Input to `decode` should all be the "
                                    "same type.",
                                    sm_bind_sql(ctx, call));
            t = (sm_type)w;
        }
        if (pass) vt = t;
        else kt = t;
    }
    int kp = 0, ks = 0, vp = 0, vs = 0;
    if (kt == SM_DECIMAL) SM_TRY(sm_expr_wider_decimal(keys, nk, &kp, &ks));
    if (vt == SM_DECIMAL) SM_TRY(sm_expr_wider_decimal(vals, nv, &vp, &vs));
    for (int i = 0; i < call->nargs; i++) {
        bool is_default = i == call->nargs - 1 && (call->nargs - 1) % 2 == 1;
        bool is_key = i == 0 || (!is_default && i % 2 == 1);
        sm_type t = is_key ? kt : vt;
        if (t == SM_NULLTYPE) continue;
        sm_expr *c = t == SM_DECIMAL ? sm_expr_coerce_dec(ctx, call->args[i], is_key ? kp : vp,
                                                           is_key ? ks : vs)
                                     : sm_expr_coerce(ctx, call->args[i], t);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[i] = c;
    }
    call->type = vt;
    call->precision = (int8_t)vp;
    call->scale = (int8_t)vs;
    call->nullable = true;
    return SM_OK;
}

static bool s2_equal(const sm_vector *a, const sm_vector *b, int64_t row) {
    switch (a->type) {
    case SM_BOOLEAN: return SM_VEC_BOOL(a)[row] == SM_VEC_BOOL(b)[row];
    case SM_INT:
    case SM_DATE: return SM_VEC_I32(a)[row] == SM_VEC_I32(b)[row];
    case SM_BIGINT:
    case SM_TIMESTAMP: return SM_VEC_I64(a)[row] == SM_VEC_I64(b)[row];
    case SM_DOUBLE: {
        double x = SM_VEC_F64(a)[row], y = SM_VEC_F64(b)[row];
        return x == y || (isnan(x) && isnan(y));
    }
    case SM_DECIMAL: return SM_VEC_DEC(a)[row] == SM_VEC_DEC(b)[row];
    case SM_STRING: {
        int32_t la, lb;
        const char *sa = fx_str(a, row, &la), *sb = fx_str(b, row, &lb);
        return la == lb && memcmp(sa, sb, (size_t)la) == 0;
    }
    default: return true; /* NULL type: both null, handled by the caller */
    }
}

static int decode_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    if (call->nargs == 2) return s2_map_str(ctx, call, args, n, out, k_decode_charset, false);
    sm_vector *res = sm_vector_new(call->type, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    res->precision = call->precision;
    res->scale = call->scale;
    bool has_default = (call->nargs - 1) % 2 == 1;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int pick = -1;
        bool knull = fx_null(args[0], row);
        for (int i = 1; i + 1 < call->nargs; i += 2) {
            bool snull = fx_null(args[i], row);
            if (knull || snull ? (knull && snull) : s2_equal(args[0], args[i], row)) {
                pick = i + 1;
                break;
            }
        }
        if (pick < 0 && has_default) pick = call->nargs - 1;
        if (pick < 0 || call->type == SM_NULLTYPE) rc = sm_vector_append_null(res);
        else rc = sm_vector_append_from(res, args[pick], row);
    }
    return fx_finish(res, rc, out);
}

/* ---- format_string / printf ------------------------------------------------------- */

/* Java's Formatter over Spark values (strings, numbers; dates as their int
 * days, timestamps as microseconds, as Spark passes them). */
static int fs_arg_text(const sm_vector *v, int64_t row, sm_buf *o) {
    char tmp[64];
    switch (v->type) {
    case SM_BOOLEAN: return s2_put(o, SM_VEC_BOOL(v)[row] ? "true" : "false", SM_VEC_BOOL(v)[row] ? 4 : 5);
    case SM_INT:
    case SM_DATE: return sm_buf_appendf(o, "%d", SM_VEC_I32(v)[row]) ? SM_NOMEM : SM_OK;
    case SM_BIGINT:
    case SM_TIMESTAMP: return sm_buf_appendf(o, "%lld", (long long)SM_VEC_I64(v)[row]) ? SM_NOMEM : SM_OK;
    case SM_DOUBLE: sm_format_double(SM_VEC_F64(v)[row], tmp); return s2_put(o, tmp, strlen(tmp));
    case SM_DECIMAL: {
        char d[96];
        int dl = s2_dec_plain(SM_VEC_DEC(v)[row], v->scale, d);
        return s2_put(o, d, (size_t)dl);
    }
    case SM_STRING: {
        int32_t l;
        const char *s = fx_str(v, row, &l);
        return s2_put(o, s, (size_t)l);
    }
    default: return s2_put(o, "null", 4);
    }
}

static int fs_bad_conversion(char conv, const sm_vector *v) {
    static const char *const java[] = {"null", "java.lang.Boolean", "java.lang.Integer",
                                       "java.lang.Long", "java.lang.Double",
                                       "org.apache.spark.unsafe.types.UTF8String",
                                       "java.lang.Integer", "java.lang.Long",
                                       "org.apache.spark.sql.types.Decimal"};
    return sm_err(SM_INVALID, "[FORMAT_STRING] %c != %s (java.util.IllegalFormatConversionException)",
                  conv, v->type <= SM_DECIMAL ? java[v->type] : "?");
}

/* Inserts ',' every three digits into the integer digits at o[start..]. */
static int fs_group(sm_buf *o, size_t start) {
    size_t digits_end = start;
    while (digits_end < o->len && isdigit((unsigned char)o->data[digits_end])) digits_end++;
    size_t nd = digits_end - start;
    if (nd <= 3) return SM_OK;
    size_t ncomma = (nd - 1) / 3;
    if (sm_buf_reserve(o, ncomma)) return SM_NOMEM;
    memmove(o->data + digits_end + ncomma, o->data + digits_end, o->len - digits_end);
    o->len += ncomma;
    size_t src = digits_end, dst = digits_end + ncomma;
    int cnt = 0;
    while (src > start) {
        o->data[--dst] = o->data[--src];
        if (++cnt % 3 == 0 && src > start) o->data[--dst] = ',';
    }
    return SM_OK;
}

static int k_format_string(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                           sm_buf *o, bool *nul) {
    if (fx_null(a[0], r)) {
        *nul = true;
        return SM_OK;
    }
    int32_t fl;
    const char *f = s2_str(a, 0, r, &fl);
    int nargs = c->nargs - 1, next = 0, last = -1;
    sm_buf piece = {0};
    int rc = SM_OK;
    for (int32_t i = 0; i < fl && rc == SM_OK;) {
        if (f[i] != '%') {
            int32_t j = i;
            while (j < fl && f[j] != '%') j++;
            rc = s2_put(o, f + i, (size_t)(j - i));
            i = j;
            continue;
        }
        int32_t st = i++;
        /* %[index$][flags][width][.precision]conversion */
        int index = -1;
        int32_t j = i;
        while (j < fl && isdigit((unsigned char)f[j])) j++;
        if (j < fl && f[j] == '$' && j > i) {
            index = atoi(f + i) - 1;
            i = j + 1;
        }
        bool left = false, plus = false, space = false, zero = false, comma = false, alt = false,
             paren = false, rel = false;
        for (; i < fl; i++) {
            char ch = f[i];
            if (ch == '-') left = true;
            else if (ch == '+') plus = true;
            else if (ch == ' ') space = true;
            else if (ch == '0') zero = true;
            else if (ch == ',') comma = true;
            else if (ch == '#') alt = true;
            else if (ch == '(') paren = true;
            else if (ch == '<') rel = true;
            else break;
        }
        int width = -1, prec = -1;
        if (i < fl && isdigit((unsigned char)f[i])) {
            width = atoi(f + i);
            while (i < fl && isdigit((unsigned char)f[i])) i++;
        }
        if (i < fl && f[i] == '.') {
            i++;
            prec = atoi(f + i);
            while (i < fl && isdigit((unsigned char)f[i])) i++;
        }
        if (i >= fl) {
            rc = sm_err(SM_INVALID, "[FORMAT_STRING] Format specifier '%.*s' is incomplete "
                                    "(java.util.UnknownFormatConversionException)",
                        (int)(fl - st), f + st);
            break;
        }
        char conv = f[i++];
        if (conv == '%') {
            rc = s2_put(o, "%", 1);
            continue;
        }
        if (conv == 'n') {
            rc = s2_put(o, "\n", 1);
            continue;
        }
        int ai = rel ? last : index >= 0 ? index : next++;
        if (ai < 0 || ai >= nargs) {
            rc = sm_err(SM_INVALID, "[FORMAT_STRING] Format specifier '%.*s' has no argument "
                                    "(java.util.MissingFormatArgumentException)",
                        (int)(i - st), f + st);
            break;
        }
        last = ai;
        const sm_vector *v = a[ai + 1];
        bool vnull = fx_null(v, r);
        piece.len = 0;
        char lc = (char)tolower((unsigned char)conv);
        bool upper = conv != lc;
        if (vnull && lc != 'b') {
            rc = s2_put(&piece, "null", 4);
        } else if (lc == 's') {
            rc = fs_arg_text(v, r, &piece);
            if (rc == SM_OK && prec >= 0) {
                int64_t off = fx_char_off(piece.data ? piece.data : "", (int64_t)piece.len, prec);
                piece.len = (size_t)off;
            }
        } else if (lc == 'b') {
            bool bv = !vnull && (v->type != SM_BOOLEAN || SM_VEC_BOOL(v)[r]);
            rc = s2_put(&piece, bv ? "true" : "false", bv ? 4 : 5);
            if (rc == SM_OK && prec >= 0 && (size_t)prec < piece.len) piece.len = (size_t)prec;
        } else if (lc == 'c') {
            if (v->type != SM_INT && v->type != SM_STRING) {
                rc = fs_bad_conversion(conv, v);
            } else if (v->type == SM_INT) {
                rc = s2_put_cp(&piece, (uint32_t)SM_VEC_I32(v)[r]);
            } else {
                rc = fs_bad_conversion(conv, v);
            }
        } else if (lc == 'd' || lc == 'x' || lc == 'o') {
            if (v->type != SM_INT && v->type != SM_BIGINT) {
                rc = fs_bad_conversion(conv, v);
            } else {
                bool is64 = v->type == SM_BIGINT;
                int64_t iv = is64 ? SM_VEC_I64(v)[r] : SM_VEC_I32(v)[r];
                if (lc == 'd') {
                    bool neg = iv < 0;
                    uint64_t m = neg ? 0 - (uint64_t)iv : (uint64_t)iv;
                    if (neg) rc = s2_put(&piece, paren ? "(" : "-", 1);
                    else if (plus) rc = s2_put(&piece, "+", 1);
                    else if (space) rc = s2_put(&piece, " ", 1);
                    size_t dstart = piece.len;
                    if (rc == SM_OK) rc = sm_buf_appendf(&piece, "%llu", (unsigned long long)m) ? SM_NOMEM : SM_OK;
                    if (rc == SM_OK && comma) rc = fs_group(&piece, dstart);
                    if (rc == SM_OK && zero && width > 0 && (int)piece.len < width + (neg && paren ? -1 : 0)) {
                        size_t pad = (size_t)(width - (int)piece.len - (neg && paren ? 1 : 0));
                        if (sm_buf_reserve(&piece, pad)) rc = SM_NOMEM;
                        else {
                            memmove(piece.data + dstart + pad, piece.data + dstart, piece.len - dstart);
                            memset(piece.data + dstart, '0', pad);
                            piece.len += pad;
                        }
                    }
                    if (rc == SM_OK && neg && paren) rc = s2_put(&piece, ")", 1);
                } else {
                    uint64_t m = is64 ? (uint64_t)iv : (uint64_t)(uint32_t)iv;
                    const char *pre = alt ? (lc == 'x' ? (upper ? "0X" : "0x") : "0") : "";
                    rc = sm_buf_appendf(&piece, lc == 'o' ? "%s%llo" : upper ? "%s%llX" : "%s%llx",
                                        pre, (unsigned long long)m) ? SM_NOMEM : SM_OK;
                    if (rc == SM_OK && zero && width > 0 && (int)piece.len < width) {
                        size_t pad = (size_t)(width - (int)piece.len), at = strlen(pre);
                        if (sm_buf_reserve(&piece, pad)) rc = SM_NOMEM;
                        else {
                            memmove(piece.data + at + pad, piece.data + at, piece.len - at);
                            memset(piece.data + at, '0', pad);
                            piece.len += pad;
                        }
                    }
                }
            }
        } else if (lc == 'f' || lc == 'e' || lc == 'g' || lc == 'a') {
            double d;
            if (v->type == SM_DOUBLE) d = SM_VEC_F64(v)[r];
            else if (v->type == SM_DECIMAL) d = sm_dec_to_double(SM_VEC_DEC(v)[r], v->scale);
            else {
                rc = fs_bad_conversion(conv, v);
                break;
            }
            if (isnan(d) || isinf(d)) {
                rc = s2_put(&piece, isnan(d) ? "NaN" : d > 0 ? (plus ? "+Infinity" : "Infinity")
                                                             : (paren ? "(Infinity)" : "-Infinity"),
                            isnan(d) ? 3 : d > 0 ? (plus ? 9 : 8) : (paren ? 10 : 9));
            } else {
                char spec[32];
                int p = prec < 0 ? 6 : prec;
                char cc = lc;
                if (lc == 'g') {
                    /* Java: scientific unless 10^-4 <= |x| < 10^p after rounding; no
                     * trailing-zero removal. */
                    if (p == 0) p = 1;
                    double ad = fabs(d);
                    char probe[64];
                    snprintf(probe, sizeof probe, "%.*e", p - 1, ad);
                    double rounded = strtod(probe, NULL);
                    if (ad != 0 && (rounded < 1e-4 || rounded >= pow(10, p))) {
                        cc = 'e';
                        p = p - 1;
                    } else {
                        int e10 = ad == 0 ? 0 : (int)floor(log10(rounded));
                        cc = 'f';
                        p = p - 1 - e10;
                        if (p < 0) p = 0;
                    }
                }
                snprintf(spec, sizeof spec, "%%%s%s%s.%d%c", plus ? "+" : "", space ? " " : "",
                         alt ? "#" : "", p, cc == 'a' ? 'a' : cc);
                bool neg = d < 0 || (d == 0 && signbit(d));
                if (paren && neg) d = -d;
                if (paren && neg) rc = s2_put(&piece, "(", 1);
                size_t nstart = piece.len;
                if (rc == SM_OK) rc = sm_buf_appendf(&piece, spec, d) ? SM_NOMEM : SM_OK;
                if (rc == SM_OK && upper)
                    for (size_t k = nstart; k < piece.len; k++)
                        piece.data[k] = (char)toupper((unsigned char)piece.data[k]);
                size_t ds = nstart;
                while (ds < piece.len && !isdigit((unsigned char)piece.data[ds])) ds++;
                if (rc == SM_OK && comma && cc == 'f') rc = fs_group(&piece, ds);
                if (rc == SM_OK && zero && width > 0 && (int)piece.len < width - (paren && neg)) {
                    size_t pad = (size_t)(width - (int)piece.len - (paren && neg));
                    if (sm_buf_reserve(&piece, pad)) rc = SM_NOMEM;
                    else {
                        memmove(piece.data + ds + pad, piece.data + ds, piece.len - ds);
                        memset(piece.data + ds, '0', pad);
                        piece.len += pad;
                    }
                }
                if (rc == SM_OK && paren && neg) rc = s2_put(&piece, ")", 1);
            }
        } else {
            rc = sm_err(SM_INVALID, "[FORMAT_STRING] Conversion = '%c' is not supported "
                                    "(java.util.UnknownFormatConversionException)",
                        conv);
            break;
        }
        if (rc) break;
        if (upper && (lc == 's' || lc == 'b'))
            for (size_t k = 0; k < piece.len; k++) piece.data[k] = (char)toupper((unsigned char)piece.data[k]);
        int64_t plen = fx_nchars(piece.data ? piece.data : "", (int64_t)piece.len);
        int64_t pad = width > plen ? width - plen : 0;
        if (!left)
            for (int64_t k = 0; k < pad && rc == SM_OK; k++) rc = s2_put(o, " ", 1);
        if (rc == SM_OK) rc = s2_put(o, piece.data ? piece.data : "", piece.len);
        if (left)
            for (int64_t k = 0; k < pad && rc == SM_OK; k++) rc = s2_put(o, " ", 1);
    }
    sm_buf_free(&piece);
    return rc;
}

static int format_string_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs < 1)
        return sm_bind_fail(ctx, call,
                            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `%s` requires > 0 parameters "
                            "but the actual number is 0. Please, refer to "
                            "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                            call->name);
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    call->type = SM_STRING;
    call->nullable = call->args[0]->nullable || call->args[0]->type == SM_NULLTYPE;
    return SM_OK;
}
static int format_string_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                              int64_t n, sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_format_string, true);
}

/* ---- format_number ------------------------------------------------------------------ */

typedef struct {
    int min_frac, max_frac, min_int, group; /* group 0: no grouping */
    bool bad;
} fn_pattern;

/* A DecimalFormat pattern's essentials: "#,##0.00#" → grouping 3, min int
 * 1, 2..3 fraction digits. */
static fn_pattern fn_parse_pattern(const char *p, int32_t l) {
    fn_pattern fp = {0, 0, 0, 0, false}; /* min_int at least 1 below (Spark prints "0.5" for "#.##") */
    int32_t i = 0;
    int since_comma = -1;
    for (; i < l && p[i] != '.' && p[i] != ';'; i++) {
        if (p[i] == '#' || p[i] == '0') {
            if (p[i] == '0') fp.min_int++;
            if (since_comma >= 0) since_comma++;
        } else if (p[i] == ',') {
            since_comma = 0;
        }
    }
    if (since_comma > 0) fp.group = since_comma;
    if (fp.min_int == 0) fp.min_int = 1;
    if (i < l && p[i] == '.')
        for (i++; i < l && p[i] != ';'; i++) {
            if (p[i] == '0') fp.min_frac++, fp.max_frac++;
            else if (p[i] == '#') fp.max_frac++;
        }
    return fp;
}

/* Rounds decimal digits HALF_EVEN and formats with the pattern. Input is an
 * exact decimal u × 10^-s. */
static int fn_format_dec(__int128 u, int s, const fn_pattern *fp, sm_buf *o) {
    bool neg = u < 0;
    unsigned __int128 m = neg ? (unsigned __int128)(-(u + 1)) + 1 : (unsigned __int128)u;
    int frac = fp->max_frac;
    if (s > frac) {
        unsigned __int128 p = 1;
        for (int k = 0; k < s - frac; k++) p *= 10;
        unsigned __int128 q = m / p, rmd = m % p;
        if (rmd * 2 > p || (rmd * 2 == p && (q & 1))) q++;
        m = q;
        s = frac;
    }
    char digits[64];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    while (n <= s) digits[n++] = '0';
    /* digits reversed; integer part digits[s..n), fraction digits[0..s). */
    int fstart = 0;
    while (fstart < s - fp->min_frac && digits[fstart] == '0') fstart++;
    int nint = n - s;
    while (nint > 1 && digits[s + nint - 1] == '0') nint--;
    bool int_zero = nint == 1 && digits[s] == '0';
    if (neg) SM_TRY(s2_put(o, "-", 1));
    int show_int = int_zero && fp->min_int == 0 && s - fstart > 0 ? 0 : nint;
    if (show_int < fp->min_int) {
        for (int k = fp->min_int; k > show_int; k--) {
            SM_TRY(s2_put(o, "0", 1));
            if (fp->group && (k - 1) % fp->group == 0 && k - 1 > 0) SM_TRY(s2_put(o, ",", 1));
        }
    }
    for (int k = show_int - 1; k >= 0; k--) {
        SM_TRY(s2_put(o, &digits[s + k], 1));
        if (fp->group && k > 0 && k % fp->group == 0) SM_TRY(s2_put(o, ",", 1));
    }
    int pad = fp->min_frac > s ? fp->min_frac - s : 0;
    if (s - fstart > 0 || pad > 0) {
        SM_TRY(s2_put(o, ".", 1));
        for (int k = s - 1; k >= fstart; k--) SM_TRY(s2_put(o, &digits[k], 1));
        for (int k = 0; k < pad; k++) SM_TRY(s2_put(o, "0", 1));
    }
    if (o->len == 0 || (o->len == 1 && o->data[0] == '-')) SM_TRY(s2_put(o, "0", 1));
    return SM_OK;
}

static int k_format_number(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                           sm_buf *o, bool *nul) {
    fn_pattern fp;
    if (a[1]->type == SM_STRING) {
        int32_t pl;
        const char *p = s2_str(a, 1, r, &pl);
        if (pl == 0) fp = (fn_pattern){0, 0, 1, 3, false}; /* Spark: the default pattern */
        else fp = fn_parse_pattern(p, pl);
    } else {
        int32_t d = s2_i32(a, 1, r);
        if (d < 0) {
            *nul = true;
            return SM_OK;
        }
        fp = (fn_pattern){d, d, 1, 3, false};
    }
    const sm_vector *v = a[0];
    switch (v->type) {
    case SM_INT: return fn_format_dec(SM_VEC_I32(v)[r], 0, &fp, o);
    case SM_BIGINT: return fn_format_dec(SM_VEC_I64(v)[r], 0, &fp, o);
    case SM_DECIMAL: return fn_format_dec(SM_VEC_DEC(v)[r], v->scale, &fp, o);
    default: {
        double d = SM_VEC_F64(v)[r];
        if (isnan(d)) return s2_put(o, "NaN", 3);
        if (isinf(d)) return s2_put(o, d > 0 ? "∞" : "-∞", d > 0 ? 3 : 4);
        /* The exact binary value, as DecimalFormat rounds it: %.*f is exact
         * with glibc; then round that decimal string HALF_EVEN again (a no-op
         * here) and format. */
        int frac = fp.max_frac > 340 ? 340 : fp.max_frac;
        char *buf = sm_malloc(400 + (size_t)frac);
        if (!buf) return SM_NOMEM;
        snprintf(buf, 400 + (size_t)frac, "%.*f", frac, d);
        bool neg = buf[0] == '-';
        const char *p = buf + neg;
        const char *dot = strchr(p, '.');
        int il = dot ? (int)(dot - p) : (int)strlen(p);
        /* Trim the fraction to min_frac; integer grouping. */
        int fl = dot ? (int)strlen(dot + 1) : 0;
        while (fl > fp.min_frac && dot[fl] == '0') fl--;
        bool all_zero = true;
        for (const char *q = p; *q; q++)
            if (*q >= '1' && *q <= '9') all_zero = false;
        int rc = SM_OK;
        if (neg && (!all_zero || signbit(d))) rc = s2_put(o, "-", 1);
        int show_int = il;
        if (il == 1 && p[0] == '0' && fp.min_int == 0 && fl > 0) show_int = 0;
        for (int k = fp.min_int; k > show_int && rc == SM_OK; k--) {
            rc = s2_put(o, "0", 1);
            if (rc == SM_OK && fp.group && (k - 1) % fp.group == 0 && k - 1 > 0) rc = s2_put(o, ",", 1);
        }
        for (int k = 0; k < show_int && rc == SM_OK; k++) {
            rc = s2_put(o, p + (il - show_int) + k, 1);
            int rem = show_int - 1 - k;
            if (rc == SM_OK && fp.group && rem > 0 && rem % fp.group == 0) rc = s2_put(o, ",", 1);
        }
        if (rc == SM_OK && fl > 0) rc = s2_put(o, ".", 1), rc = rc ? rc : s2_put(o, dot + 1, (size_t)fl);
        sm_free(buf);
        return rc;
    }
    }
}

static int format_number_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t == SM_STRING || t == SM_NULLTYPE) SM_TRY(fx_coerce(ctx, call, 0, SM_DOUBLE));
    else if (t != SM_INT && t != SM_BIGINT && t != SM_DOUBLE && t != SM_DECIMAL)
        return sm_bind_fail_input(ctx, call, 1, "\"NUMERIC\"");
    sm_type ft = call->args[1]->type;
    if (ft != SM_STRING) SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    call->type = SM_STRING;
    call->nullable = true;
    return SM_OK;
}
static int format_number_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                              int64_t n, sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_format_number, false);
}

/* ---- elt ---------------------------------------------------------------------------------- */

static int elt_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs < 2)
        return sm_bind_fail(ctx, call,
                            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `elt` requires > 1 parameters "
                            "but the actual number is %d. Please, refer to "
                            "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                            call->nargs);
    SM_TRY(fx_coerce(ctx, call, 0, SM_INT));
    SM_TRY(fx_coerce_all(ctx, call, 1, SM_STRING));
    call->type = SM_STRING;
    call->nullable = true;
    return SM_OK;
}

static int k_elt(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                 bool *nul) {
    if (fx_null(a[0], r)) {
        *nul = true;
        return SM_OK;
    }
    int32_t idx = s2_i32(a, 0, r);
    if (idx < 1 || idx >= c->nargs) {
        if (x && x->ansi)
            return sm_err(SM_INVALID,
                          "[INVALID_ARRAY_INDEX] The index %d is out of bounds. The array has %d "
                          "elements. Use the SQL function `get()` to tolerate accessing element at "
                          "invalid index and return NULL instead. If necessary set "
                          "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                          idx, c->nargs - 1);
        *nul = true;
        return SM_OK;
    }
    if (fx_null(a[idx], r)) {
        *nul = true;
        return SM_OK;
    }
    int32_t l;
    const char *s = s2_str(a, idx, r, &l);
    return s2_put(o, s, (size_t)l);
}
static int elt_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_elt, true);
}

/* ---- soundex, levenshtein --------------------------------------------------------------- */

static int k_soundex(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                     bool *nul) {
    static const char map[] = "01230127022455012623017202"; /* A..Z; 7 = H, W */
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    if (l == 0) return SM_OK;
    char b = s[0];
    if (b >= 'a' && b <= 'z') b = (char)(b - 32);
    else if (b < 'A' || b > 'Z') return s2_put(o, s, (size_t)l);
    char sx[4] = {b, '0', '0', '0'};
    int si = 1;
    char last = map[b - 'A'];
    for (int32_t i = 1; i < l && si < 4; i++) {
        char ch = s[i];
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
        else if (ch < 'A' || ch > 'Z') continue;
        char code = map[ch - 'A'];
        if (code == '7') continue;
        if (code != '0' && code != last) sx[si++] = code;
        last = code;
    }
    return s2_put(o, sx, 4);
}
S2_STR(soundex, "S", k_soundex, false)

/* Levenshtein distance over code points (two rows of the DP table). */
static int k_levenshtein(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                         int64_t *v, bool *nul) {
    int32_t la, lb;
    const char *sa = s2_str(a, 0, r, &la), *sb = s2_str(a, 1, r, &lb);
    int64_t na = fx_nchars(sa, la), nb = fx_nchars(sb, lb);
    uint32_t *ca = sm_malloc(sizeof *ca * (size_t)(na + 1)), *cb = sm_malloc(sizeof *cb * (size_t)(nb + 1));
    int64_t *prev = sm_malloc(sizeof *prev * (size_t)(nb + 1)), *cur = sm_malloc(sizeof *cur * (size_t)(nb + 1));
    if (!ca || !cb || !prev || !cur) {
        sm_free(ca), sm_free(cb), sm_free(prev), sm_free(cur);
        return SM_NOMEM;
    }
    int adv;
    for (int64_t i = 0, off = 0; i < na; i++, off += adv) ca[i] = fx_u8decode(sa + off, la - off, &adv);
    for (int64_t i = 0, off = 0; i < nb; i++, off += adv) cb[i] = fx_u8decode(sb + off, lb - off, &adv);
    for (int64_t j = 0; j <= nb; j++) prev[j] = j;
    for (int64_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (int64_t j = 1; j <= nb; j++) {
            int64_t d = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
            if (prev[j] + 1 < d) d = prev[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            cur[j] = d;
        }
        int64_t *t = prev;
        prev = cur;
        cur = t;
    }
    int64_t dist = prev[nb];
    sm_free(ca), sm_free(cb), sm_free(prev), sm_free(cur);
    if (c->nargs == 3 && dist > s2_i32(a, 2, r)) dist = -1;
    *v = dist;
    return SM_OK;
}
S2_NUM(levenshtein, "SSI", SM_INT, k_levenshtein, false)

/* ---- overlay, chr, bit_length, space, substring_index, find_in_set ------------------- */

static int k_overlay(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                     bool *nul) {
    int32_t l, rl;
    const char *s = s2_str(a, 0, r, &l);
    const char *rep = s2_str(a, 1, r, &rl);
    int64_t pos = s2_i32(a, 2, r);
    int64_t len = c->nargs == 4 ? s2_i32(a, 3, r) : -1;
    if (len < 0) len = fx_nchars(rep, rl);
    SM_TRY(fx_substring_sql(s, l, 1, pos - 1, o));
    SM_TRY(s2_put(o, rep, (size_t)rl));
    return fx_substring_sql(s, l, pos + len, INT32_MAX, o);
}
S2_STR(overlay, "SSII", k_overlay, false)

static int k_chr(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                 bool *nul) {
    int64_t v = s2_i64(a, 0, r);
    if (v < 0) return SM_OK;
    if ((v & 0xff) == 0) return s2_put(o, "\0", 1);
    return s2_put_cp(o, (uint32_t)(v & 0xff));
}
S2_STR(chr, "L", k_chr, false)

static int k_bit_length(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                        int64_t *v, bool *nul) {
    int32_t l;
    (void)s2_str(a, 0, r, &l);
    *v = (int64_t)l * 8;
    return SM_OK;
}
S2_NUM(bit_length, "S", SM_INT, k_bit_length, false)

static int k_space(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                   bool *nul) {
    int32_t n = s2_i32(a, 0, r);
    if (n <= 0) return SM_OK;
    if (sm_buf_reserve(o, (size_t)n)) return SM_NOMEM;
    memset(o->data + o->len, ' ', (size_t)n);
    o->len += (size_t)n;
    return SM_OK;
}
S2_STR(space, "I", k_space, false)

static int k_substring_index(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                             sm_buf *o, bool *nul) {
    int32_t l, dl;
    const char *s = s2_str(a, 0, r, &l);
    const char *d = s2_str(a, 1, r, &dl);
    int32_t count = s2_i32(a, 2, r);
    if (dl == 0 || count == 0) return SM_OK;
    if (count > 0) {
        int32_t idx = -1, from = 0;
        for (int32_t k = 0; k < count; k++) {
            const char *hit = dl <= l - from ? memmem(s + from, (size_t)(l - from), d, (size_t)dl) : NULL;
            if (!hit) return s2_put(o, s, (size_t)l);
            idx = (int32_t)(hit - s);
            from = idx + dl;
        }
        return s2_put(o, s, (size_t)idx);
    }
    int32_t end = l; /* search for occurrences starting before `end` */
    int32_t idx = l;
    for (int32_t k = 0; k < -(int64_t)count; k++) {
        int32_t found = -1;
        for (int32_t p = (end - dl < l - dl ? end - dl : l - dl); p >= 0; p--)
            if (memcmp(s + p, d, (size_t)dl) == 0) {
                found = p;
                break;
            }
        if (found < 0) return s2_put(o, s, (size_t)l);
        idx = found;
        end = found - 1 + dl;
        if (end < 0) end = 0;
        if (found == 0 && k + 1 < -(int64_t)count) return s2_put(o, s, (size_t)l);
    }
    return s2_put(o, s + idx + dl, (size_t)(l - idx - dl));
}
S2_STR(substring_index, "SSI", k_substring_index, false)

static int k_find_in_set(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r,
                         int64_t *v, bool *nul) {
    int32_t l, ll;
    const char *s = s2_str(a, 0, r, &l);
    const char *list = s2_str(a, 1, r, &ll);
    *v = 0;
    if (memchr(s, ',', (size_t)l)) return SM_OK;
    int64_t idx = 1;
    int32_t st = 0;
    for (int32_t i = 0; i <= ll; i++) {
        if (i == ll || list[i] == ',') {
            if (i - st == l && memcmp(list + st, s, (size_t)l) == 0) {
                *v = idx;
                return SM_OK;
            }
            idx++;
            st = i + 1;
        }
    }
    return SM_OK;
}
S2_NUM(find_in_set, "S", SM_INT, k_find_in_set, false)

/* ---- mask -------------------------------------------------------------------------------- */

static int mask_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce_all(ctx, call, 0, SM_STRING));
    for (int i = 1; i < call->nargs; i++) {
        sm_value v;
        if (!sm_expr_is_const(call->args[i]))
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due "
                                "to data type mismatch: the input `%s` should be a foldable "
                                "\"STRING\" expression; however, got \"%s\".",
                                sm_bind_sql(ctx, call),
                                i == 1 ? "upperChar" : i == 2 ? "lowerChar" : i == 3 ? "digitChar" : "otherChar",
                                sm_bind_sql(ctx, call->args[i]));
        if (fx_const_arg(ctx, call->args[i], &v) && !v.is_null && v.type == SM_STRING &&
            fx_nchars(v.v.str.ptr, v.v.str.len) != 1)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.INPUT_SIZE_NOT_ONE] Cannot resolve \"%s\" due "
                                "to data type mismatch: Length of `%s` should be 1.",
                                sm_bind_sql(ctx, call),
                                i == 1 ? "upperChar" : i == 2 ? "lowerChar" : i == 3 ? "digitChar" : "otherChar");
    }
    call->type = SM_STRING;
    call->nullable = call->args[0]->nullable || call->args[0]->type == SM_NULLTYPE;
    return SM_OK;
}

static int k_mask(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                  bool *nul) {
    if (fx_null(a[0], r)) {
        *nul = true;
        return SM_OK;
    }
    const char *repl[4] = {"X", "x", "n", NULL};
    int32_t rl[4] = {1, 1, 1, 0};
    for (int i = 1; i < c->nargs && i <= 4; i++) {
        if (fx_null(a[i], r)) repl[i - 1] = NULL;
        else repl[i - 1] = s2_str(a, i, r, &rl[i - 1]);
    }
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    for (int32_t i = 0; i < l;) {
        int adv;
        uint32_t cp = fx_u8decode(s + i, l - i, &adv);
        int cls = cp >= 'A' && cp <= 'Z' ? 0 : cp >= 'a' && cp <= 'z' ? 1 : cp >= '0' && cp <= '9' ? 2 : 3;
        if (cp >= 0x80) cls = 3;
        if (repl[cls]) SM_TRY(s2_put(o, repl[cls], (size_t)rl[cls]));
        else SM_TRY(s2_put(o, s + i, (size_t)adv));
        i += adv;
    }
    return SM_OK;
}
static int mask_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_mask, true);
}

/* ---- base64, hex, bin, conv ----------------------------------------------------------- */

/* Java's MIME encoder (Spark 3.5's base64): lines of 76 characters joined by CRLF. */
static int k_base64(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                    bool *nul) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int32_t l;
    const unsigned char *s = (const unsigned char *)s2_str(a, 0, r, &l);
    int line = 0;
    for (int32_t i = 0; i < l; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < l) v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < l) v |= s[i + 2];
        char q[4] = {tab[(v >> 18) & 63], tab[(v >> 12) & 63], i + 1 < l ? tab[(v >> 6) & 63] : '=',
                     i + 2 < l ? tab[v & 63] : '='};
        if (line == 76) {
            SM_TRY(s2_put(o, "\r\n", 2));
            line = 0;
        }
        SM_TRY(s2_put(o, q, 4));
        line += 4;
    }
    return SM_OK;
}
S2_STR(base64, "S", k_base64, false)

static int hex_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t == SM_INT || t == SM_DOUBLE || t == SM_DECIMAL || t == SM_BIGINT)
        SM_TRY(fx_coerce(ctx, call, 0, SM_BIGINT));
    else if (t == SM_STRING || t == SM_NULLTYPE)
        SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    else
        return sm_bind_fail_input(ctx, call, 1, "(\"BIGINT\" or \"BINARY\" or \"STRING\")");
    call->type = SM_STRING;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
static int k_hex(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                 bool *nul) {
    if (a[0]->type == SM_BIGINT)
        return sm_buf_appendf(o, "%llX", (unsigned long long)s2_i64(a, 0, r)) ? SM_NOMEM : SM_OK;
    int32_t l;
    const unsigned char *s = (const unsigned char *)s2_str(a, 0, r, &l);
    for (int32_t i = 0; i < l; i++)
        if (sm_buf_appendf(o, "%02X", s[i])) return SM_NOMEM;
    return SM_OK;
}
static int hex_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_hex, false);
}

static int k_bin(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                 bool *nul) {
    uint64_t v = (uint64_t)s2_i64(a, 0, r);
    char buf[65];
    int n = 0;
    do {
        buf[n++] = (char)('0' + (int)(v & 1));
        v >>= 1;
    } while (v);
    for (int i = n - 1; i >= 0; i--) SM_TRY(s2_put(o, &buf[i], 1));
    return SM_OK;
}
S2_STR(bin, "L", k_bin, false)

/* NumberConverter.convert (Spark): unsigned 64-bit arithmetic, overflow to
 * all ones (an error in ANSI mode), invalid digits end the number. */
static uint64_t conv_udiv(int64_t x, int m) {
    if (x >= 0) return (uint64_t)x / (uint64_t)m;
    return (uint64_t)((uint64_t)x / 2 / (uint64_t)m * 2 + (((uint64_t)x / 2 % (uint64_t)m) * 2 + ((uint64_t)x & 1)) / (uint64_t)m);
}

static int k_conv(const sm_eval_ctx *x, const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o,
                  bool *nul) {
    int32_t l;
    const char *s = s2_str(a, 0, r, &l);
    int from = s2_i32(a, 1, r), to = s2_i32(a, 2, r);
    while (l > 0 && (unsigned char)*s <= ' ') s++, l--;
    while (l > 0 && (unsigned char)s[l - 1] <= ' ') l--;
    int ato = to < 0 ? -to : to;
    if (from < 2 || from > 36 || ato < 2 || ato > 36 || l == 0) {
        *nul = true;
        return SM_OK;
    }
    bool neg = s[0] == '-';
    int32_t i = neg ? 1 : 0;
    int64_t v = 0;
    int64_t bound = (int64_t)conv_udiv(-1 - from, from);
    bool overflow = false;
    for (; i < l; i++) {
        int ch = (unsigned char)s[i], d;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (ch >= 'a' && ch <= 'z') d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'Z') d = ch - 'A' + 10;
        else break;
        if (d >= from) break;
        if (v >= bound && (int64_t)conv_udiv(-1 - d, from) < v) {
            overflow = true;
            break;
        }
        v = (int64_t)((uint64_t)v * (uint64_t)from + (uint64_t)d);
    }
    if (overflow) {
        if (x && x->ansi)
            return sm_err(SM_INVALID,
                          "[ARITHMETIC_OVERFLOW] Overflow in function conv(). If necessary set "
                          "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
        v = -1;
    }
    if (neg && to > 0) v = v < 0 ? -1 : -v;
    if (to < 0 && v < 0) {
        v = -v;
        neg = true;
    }
    char buf[70];
    int n = 0;
    uint64_t u = (uint64_t)v;
    do {
        int d = (int)(u % (uint64_t)ato);
        buf[n++] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
        u /= (uint64_t)ato;
    } while (u);
    if (neg && to < 0) buf[n++] = '-';
    for (int k = n - 1; k >= 0; k--) SM_TRY(s2_put(o, &buf[k], 1));
    return SM_OK;
}
static int conv_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_resolve_sig(ctx, call, "SII", SM_STRING));
    call->nullable = true;
    return SM_OK;
}
static int conv_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    return s2_map_str(ctx, call, args, n, out, k_conv, false);
}


const sm_func_def sm_funcs_string2[] = {
    {"luhn_check", 1, 1, luhn_check_resolve, luhn_check_eval, NULL},
    {"is_valid_utf8", 1, 1, is_valid_utf8_resolve, is_valid_utf8_eval, NULL},
    {"make_valid_utf8", 1, 1, make_valid_utf8_resolve, make_valid_utf8_eval, NULL},
    {"validate_utf8", 1, 1, validate_utf8_resolve, validate_utf8_eval, NULL},
    {"try_validate_utf8", 1, 1, try_validate_utf8_resolve, validate_utf8_eval, NULL},
    {"to_number", 2, 2, to_number_resolve, to_number_eval, NULL},
    {"try_to_number", 2, 2, to_number_resolve, to_number_eval, NULL},
    {"to_char", 2, 2, to_char_resolve, to_char_eval, NULL},
    {"to_varchar", 2, 2, to_char_resolve, to_char_eval, NULL},
    {"decode", 0, -1, decode_resolve, decode_eval, NULL},
    {"format_string", 0, -1, format_string_resolve, format_string_eval, NULL},
    {"printf", 0, -1, format_string_resolve, format_string_eval, NULL},
    {"format_number", 2, 2, format_number_resolve, format_number_eval, NULL},
    {"elt", 0, -1, elt_resolve, elt_eval, NULL},
    {"soundex", 1, 1, soundex_resolve, soundex_eval, NULL},
    {"levenshtein", 2, 3, levenshtein_resolve, levenshtein_eval, NULL},
    {"overlay", 3, 4, overlay_resolve, overlay_eval, NULL},
    {"chr", 1, 1, chr_resolve, chr_eval, NULL},
    {"char", 1, 1, chr_resolve, chr_eval, NULL},
    {"bit_length", 1, 1, bit_length_resolve, bit_length_eval, NULL},
    {"space", 1, 1, space_resolve, space_eval, NULL},
    {"substring_index", 3, 3, substring_index_resolve, substring_index_eval, NULL},
    {"find_in_set", 2, 2, find_in_set_resolve, find_in_set_eval, NULL},
    {"mask", 1, 5, mask_resolve, mask_eval, NULL},
    {"base64", 1, 1, base64_resolve, base64_eval, NULL},
    {"hex", 1, 1, hex_resolve, hex_eval, NULL},
    {"bin", 1, 1, bin_resolve, bin_eval, NULL},
    {"conv", 3, 3, conv_resolve, conv_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
