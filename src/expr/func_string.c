/*
 * func_string.c — Spark 3.5's string functions: lower, upper, trim family,
 * length, substring, concat, concat_ws, lpad/rpad, replace, split_part,
 * initcap, reverse, repeat, instr, locate, left, right, translate, ascii,
 * startswith/endswith/contains, octet_length.
 *
 * Semantics are those of Spark's UTF8String: positions and lengths count
 * characters (Unicode code points of the UTF-8 bytes), never bytes; trim()
 * removes only ASCII spaces; arguments of other types are cast to string
 * implicitly (concat(1, 'a') = '1a'), integer arguments (positions, lengths,
 * counts) are cast to int.  Null in → null out unless the function says
 * otherwise (concat_ws skips nulls; locate's position null gives 0).
 *
 * Evaluation: each function is a row kernel (`str_row_fn`) writing one value
 * into a scratch buffer; str_map drives it over the batch and appends the
 * results to a new string vector.  Kernels are pure; the only state is the
 * per-call scratch buffer, so evaluation is thread-safe.
 *
 * Case mapping (lower/upper/initcap) takes an ASCII fast path; other
 * characters go through towlower_l/towupper_l in the C.UTF-8 locale, plus
 * Java's one special case that matters in practice (ß upper-cases to SS).
 */
#define _GNU_SOURCE
#include <locale.h>
#include <pthread.h>
#include <wctype.h>

#include "expr/func_common.h"

/* ---- case mapping ---------------------------------------------------------- */

static locale_t str_utf8_locale;
static pthread_once_t str_locale_once = PTHREAD_ONCE_INIT;

static void str_locale_init(void) {
    str_utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static uint32_t str_cp_lower(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    pthread_once(&str_locale_once, str_locale_init);
    return str_utf8_locale ? (uint32_t)towlower_l((wint_t)cp, str_utf8_locale) : cp;
}

static uint32_t str_cp_upper(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    pthread_once(&str_locale_once, str_locale_init);
    return str_utf8_locale ? (uint32_t)towupper_l((wint_t)cp, str_utf8_locale) : cp;
}

static int str_case(const char *s, int32_t len, sm_buf *out, bool upper) {
    if (sm_buf_reserve(out, (size_t)len + 8)) return SM_NOMEM;
    for (int32_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            char m = upper ? ((c >= 'a' && c <= 'z') ? (char)(c - 32) : (char)c)
                           : ((c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c);
            if (sm_buf_putc(out, m)) return SM_NOMEM;
            i++;
            continue;
        }
        int adv;
        uint32_t cp = fx_u8decode(s + i, len - i, &adv);
        char enc[8];
        int el;
        if (upper && cp == 0xdf) {
            enc[0] = 'S', enc[1] = 'S', el = 2;
        } else if (adv == 1) {
            enc[0] = (char)c, el = 1; /* stray byte: keep */
        } else {
            el = fx_u8encode(upper ? str_cp_upper(cp) : str_cp_lower(cp), enc);
        }
        if (sm_buf_append(out, enc, (size_t)el)) return SM_NOMEM;
        i += adv;
    }
    return SM_OK;
}

/* Spark's lower(): used by ilike too. */
int sm_utf8_lower(const char *s, int32_t len, sm_buf *out) { return str_case(s, len, out, false); }
int sm_utf8_upper(const char *s, int32_t len, sm_buf *out) { return str_case(s, len, out, true); }

/* ---- the driver ------------------------------------------------------------ */

/* One row: args' values are at `row`; writes the result into out, or sets
 * *is_null.  Called only when no argument is null unless the function's
 * table entry says it handles nulls itself. */
typedef int (*str_row_fn)(const sm_expr *call, sm_vector **args, int64_t row, sm_buf *out,
                          bool *is_null);

static int str_map(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                   str_row_fn fn, bool handles_nulls) {
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
            rc = fn(call, args, row, &buf, &is_null);
            if (rc) break;
        }
        rc = fx_append_buf(res, &buf, is_null);
    }
    sm_buf_free(&buf);
    return fx_finish(res, rc, out);
}

static inline const char *str_arg(sm_vector **args, int i, int64_t row, int32_t *len) {
    return fx_str(args[i], row, len);
}
static inline int32_t int_arg(sm_vector **args, int i, int64_t row) {
    return SM_VEC_I32(args[i])[row];
}

#define STR_FUNC(fname, sig, kernel, handles_nulls)                                          \
    static int fname##_resolve(sm_bind_ctx *ctx, sm_expr *call) {                            \
        return fx_resolve_sig(ctx, call, sig, SM_STRING);                                   \
    }                                                                                        \
    static int fname##_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,  \
                            int64_t n, sm_vector **out) {                                    \
        (void)ectx;                                                                          \
        return str_map(call, args, n, out, kernel, handles_nulls);                           \
    }

/* ---- kernels ---------------------------------------------------------------- */

static int k_lower(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    return str_case(s, l, o, false);
}
static int k_upper(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    return str_case(s, l, o, true);
}

/* Does the character at s (l bytes) occur in set[0..sl)? */
static bool str_in_set(const char *s, int l, const char *set, int32_t sl) {
    for (int32_t i = 0; i < sl;) {
        int cl = fx_u8len((unsigned char)set[i]);
        if (cl == l && i + cl <= sl && memcmp(set + i, s, (size_t)l) == 0) return true;
        i += cl;
    }
    return false;
}

/* Trims characters of `set` (NULL: ASCII space only) from the chosen ends. */
static int str_trim(const char *s, int32_t l, const char *set, int32_t sl, bool left, bool right,
                    sm_buf *o) {
    int32_t b = 0, e = l;
    if (!set) {
        if (left) while (b < e && s[b] == ' ') b++;
        if (right) while (e > b && s[e - 1] == ' ') e--;
    } else {
        if (left)
            while (b < e) {
                int cl = fx_u8len((unsigned char)s[b]);
                if (b + cl > e || !str_in_set(s + b, cl, set, sl)) break;
                b += cl;
            }
        if (right)
            while (e > b) {
                int32_t st = e - 1;
                while (st > b && ((unsigned char)s[st] & 0xc0) == 0x80) st--;
                if (!str_in_set(s + st, e - st, set, sl)) break;
                e = st;
            }
    }
    return sm_buf_append(o, s + b, (size_t)(e - b)) ? SM_NOMEM : SM_OK;
}

/* trim(str) or trim(trimStr, str) (Spark's SQL argument order); btrim(str[,
 * trimStr]) has the other order. */
static int k_trim_common(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool left,
                         bool right, bool set_first) {
    int32_t l, sl = 0;
    const char *s, *set = NULL;
    if (c->nargs == 2) {
        s = str_arg(a, set_first ? 1 : 0, r, &l);
        set = str_arg(a, set_first ? 0 : 1, r, &sl);
    } else {
        s = str_arg(a, 0, r, &l);
    }
    return str_trim(s, l, set, sl, left, right, o);
}
static int k_trim(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return k_trim_common(c, a, r, o, true, true, true);
}
static int k_ltrim(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return k_trim_common(c, a, r, o, true, false, true);
}
static int k_rtrim(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return k_trim_common(c, a, r, o, false, true, true);
}
static int k_btrim(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return k_trim_common(c, a, r, o, true, true, false);
}

static int k_substring(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    int64_t len = c->nargs == 3 ? int_arg(a, 2, r) : INT32_MAX;
    return fx_substring_sql(s, l, int_arg(a, 1, r), len, o);
}

static int k_left(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    return fx_substring_sql(s, l, 1, int_arg(a, 1, r), o);
}

static int k_right(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    int32_t n = int_arg(a, 1, r);
    if (n <= 0) return SM_OK;
    return fx_substring_sql(s, l, -(int64_t)n, INT32_MAX, o);
}

static int k_concat(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    for (int i = 0; i < c->nargs; i++) {
        int32_t l;
        const char *s = str_arg(a, i, r, &l);
        if (sm_buf_append(o, s, (size_t)l)) return SM_NOMEM;
    }
    return SM_OK;
}

static int k_concat_ws(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    if (fx_null(a[0], r)) {
        *nul = true;
        return SM_OK;
    }
    int32_t sepl;
    const char *sep = str_arg(a, 0, r, &sepl);
    bool first = true;
    for (int i = 1; i < c->nargs; i++) {
        if (fx_null(a[i], r)) continue;
        int32_t l;
        const char *s = str_arg(a, i, r, &l);
        if (!first && sm_buf_append(o, sep, (size_t)sepl)) return SM_NOMEM;
        if (sm_buf_append(o, s, (size_t)l)) return SM_NOMEM;
        first = false;
    }
    return SM_OK;
}

/* Appends `count` characters taken cyclically from pad. */
static int str_fill(const char *pad, int32_t pl, int64_t count, sm_buf *o) {
    int32_t i = 0;
    while (count-- > 0) {
        int cl = fx_u8len((unsigned char)pad[i]);
        if (i + cl > pl) cl = pl - i;
        if (sm_buf_append(o, pad + i, (size_t)cl)) return SM_NOMEM;
        i += cl;
        if (i >= pl) i = 0;
    }
    return SM_OK;
}

static int str_pad(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool left) {
    int32_t l, pl = 1;
    const char *s = str_arg(a, 0, r, &l);
    int32_t len = int_arg(a, 1, r);
    const char *pad = " ";
    if (c->nargs == 3) pad = str_arg(a, 2, r, &pl);
    int64_t spaces = (int64_t)len - fx_nchars(s, l);
    if (spaces <= 0 || pl == 0) return fx_substring_sql(s, l, 1, len, o);
    if (left) SM_TRY(str_fill(pad, pl, spaces, o));
    if (sm_buf_append(o, s, (size_t)l)) return SM_NOMEM;
    if (!left) SM_TRY(str_fill(pad, pl, spaces, o));
    return SM_OK;
}
static int k_lpad(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return str_pad(c, a, r, o, true);
}
static int k_rpad(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return str_pad(c, a, r, o, false);
}

static const char *str_find(const char *h, int32_t hl, const char *nd, int32_t nl) {
    if (nl == 0) return h;
    if (nl > hl) return NULL;
    return memmem(h, (size_t)hl, nd, (size_t)nl);
}

static int k_replace(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l, sl, rl = 0;
    const char *s = str_arg(a, 0, r, &l);
    const char *search = str_arg(a, 1, r, &sl);
    const char *rep = "";
    if (c->nargs == 3) rep = str_arg(a, 2, r, &rl);
    if (sl == 0) return sm_buf_append(o, s, (size_t)l) ? SM_NOMEM : SM_OK;
    const char *p = s, *end = s + l, *hit;
    while ((hit = str_find(p, (int32_t)(end - p), search, sl))) {
        if (sm_buf_append(o, p, (size_t)(hit - p)) || sm_buf_append(o, rep, (size_t)rl))
            return SM_NOMEM;
        p = hit + sl;
    }
    return sm_buf_append(o, p, (size_t)(end - p)) ? SM_NOMEM : SM_OK;
}

static int k_split_part(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l, dl;
    const char *s = str_arg(a, 0, r, &l);
    const char *d = str_arg(a, 1, r, &dl);
    int32_t part = int_arg(a, 2, r);
    if (part == 0)
        return sm_err(SM_INVALID,
                      "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either "
                      "< 0 or > 0 (the first element has index 1).");
    /* Collect the pieces' bounds lazily: count first when indexing from the end. */
    int64_t npieces = 1;
    if (dl > 0) {
        const char *p = s, *end = s + l, *hit;
        while ((hit = str_find(p, (int32_t)(end - p), d, dl))) npieces++, p = hit + dl;
    }
    int64_t want = part > 0 ? part - 1 : npieces + part;
    if (want < 0 || want >= npieces) return SM_OK;
    if (dl == 0) return sm_buf_append(o, s, (size_t)l) ? SM_NOMEM : SM_OK;
    const char *p = s, *end = s + l;
    for (int64_t k = 0; k < want; k++) p = str_find(p, (int32_t)(end - p), d, dl) + dl;
    const char *hit = str_find(p, (int32_t)(end - p), d, dl);
    const char *stop = hit ? hit : end;
    return sm_buf_append(o, p, (size_t)(stop - p)) ? SM_NOMEM : SM_OK;
}

static int k_initcap(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    bool cap = true;
    for (int32_t i = 0; i < l;) {
        int adv;
        uint32_t cp = fx_u8decode(s + i, l - i, &adv);
        char enc[4];
        int el;
        if (adv == 1 && (unsigned char)s[i] >= 0x80) {
            enc[0] = s[i], el = 1;
        } else {
            el = fx_u8encode(cap ? str_cp_upper(cp) : str_cp_lower(cp), enc);
        }
        if (sm_buf_append(o, enc, (size_t)el)) return SM_NOMEM;
        cap = cp == ' ';
        i += adv;
    }
    return SM_OK;
}

static int k_reverse(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    if (sm_buf_reserve(o, (size_t)l)) return SM_NOMEM;
    int32_t e = l;
    while (e > 0) {
        int32_t st = e - 1;
        while (st > 0 && ((unsigned char)s[st] & 0xc0) == 0x80 && e - st < 4) st--;
        memcpy(o->data + o->len, s + st, (size_t)(e - st));
        o->len += (size_t)(e - st);
        e = st;
    }
    return SM_OK;
}

static int k_repeat(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    int32_t n = int_arg(a, 1, r);
    if (n <= 0 || l == 0) return SM_OK;
    if ((int64_t)l * n > INT32_MAX)
        return sm_err(SM_INVALID, "repeat: the result would be %lld bytes, over the 2 GiB limit",
                      (long long)l * n);
    if (sm_buf_reserve(o, (size_t)l * (size_t)n)) return SM_NOMEM;
    for (int32_t k = 0; k < n; k++) sm_buf_append(o, s, (size_t)l);
    return SM_OK;
}

static int k_translate(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l, fl, tl;
    const char *s = str_arg(a, 0, r, &l);
    const char *from = str_arg(a, 1, r, &fl);
    const char *to = str_arg(a, 2, r, &tl);
    for (int32_t i = 0; i < l;) {
        int cl = fx_u8len((unsigned char)s[i]);
        if (i + cl > l) cl = l - i;
        /* The first occurrence in `from` decides; its index picks from `to`. */
        int64_t idx = 0;
        int32_t f = 0;
        bool found = false;
        while (f < fl) {
            int fcl = fx_u8len((unsigned char)from[f]);
            if (fcl == cl && memcmp(from + f, s + i, (size_t)cl) == 0) { found = true; break; }
            f += fcl;
            idx++;
        }
        if (!found) {
            if (sm_buf_append(o, s + i, (size_t)cl)) return SM_NOMEM;
        } else {
            int64_t toff = fx_char_off(to, tl, idx);
            if (toff < tl) {
                int tcl = fx_u8len((unsigned char)to[toff]);
                if (toff + tcl > tl) tcl = (int)(tl - toff);
                if (sm_buf_append(o, to + toff, (size_t)tcl)) return SM_NOMEM;
            }
        }
        i += cl;
    }
    return SM_OK;
}

STR_FUNC(lower, "S", k_lower, false)
STR_FUNC(upper, "S", k_upper, false)
STR_FUNC(trim, "S", k_trim, false)
STR_FUNC(ltrim, "S", k_ltrim, false)
STR_FUNC(rtrim, "S", k_rtrim, false)
STR_FUNC(btrim, "S", k_btrim, false)
STR_FUNC(substring, "SII", k_substring, false)
STR_FUNC(left, "SI", k_left, false)
STR_FUNC(right, "SI", k_right, false)
STR_FUNC(concat, "S", k_concat, false)
STR_FUNC(lpad, "SIS", k_lpad, false)
STR_FUNC(rpad, "SIS", k_rpad, false)
STR_FUNC(replace, "S", k_replace, false)
STR_FUNC(split_part, "SSI", k_split_part, false)
STR_FUNC(initcap, "S", k_initcap, false)
STR_FUNC(reverse, "S", k_reverse, false)
STR_FUNC(repeat, "SI", k_repeat, false)
STR_FUNC(translate, "S", k_translate, false)

/* concat of arrays is func_nested.c's */
static int concat_any_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->type == SM_ARRAY) return sm_nested_concat_resolve(ctx, call);
    return concat_resolve(ctx, call);
}

static int concat_any_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    if (call->type == SM_ARRAY) return sm_nested_concat_eval(ectx, call, args, n, out);
    return concat_eval(ectx, call, args, n, out);
}

static int concat_ws_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce_all(ctx, call, 0, SM_STRING));
    call->type = SM_STRING;
    call->nullable = call->args[0]->nullable || call->args[0]->type == SM_NULLTYPE;
    return SM_OK;
}
static int concat_ws_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                          int64_t n, sm_vector **out) {
    (void)ectx;
    return str_map(call, args, n, out, k_concat_ws, true);
}

/* ---- int-valued functions ----------------------------------------------------- */

typedef int32_t (*str_int_fn)(const sm_expr *call, sm_vector **args, int64_t row, bool *is_null);

static int str_map_int(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                       str_int_fn fn, bool handles_nulls) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(call->type, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool is_null = false;
        if (!handles_nulls && fx_any_null(args, call->nargs, row)) is_null = true;
        else if (call->type == SM_BOOLEAN) SM_VEC_BOOL(res)[row] = (uint8_t)fn(call, args, row, &is_null);
        else SM_VEC_I32(res)[row] = fn(call, args, row, &is_null);
        if (is_null) rc = fx_set_null(res, row);
    }
    return fx_finish(res, rc, out);
}

static int32_t ki_length(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    return (int32_t)fx_nchars(s, l);
}

static int32_t ki_octet_length(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l;
    (void)str_arg(a, 0, r, &l);
    return l;
}

/* UTF8String.indexOf(v, start) + 1: character position, 0 when absent. */
static int32_t str_index_of(const char *s, int32_t l, const char *v, int32_t vl, int64_t start) {
    if (vl == 0) return 1;
    int64_t off = fx_char_off(s, l, start);
    if (start > 0 && off >= l) return 0;
    const char *hit = str_find(s + off, (int32_t)(l - off), v, vl);
    if (!hit) return 0;
    return (int32_t)(start + fx_nchars(s + off, (int32_t)(hit - (s + off))) + 1);
}

static int32_t ki_instr(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l, vl;
    const char *s = str_arg(a, 0, r, &l);
    const char *v = str_arg(a, 1, r, &vl);
    return str_index_of(s, l, v, vl, 0);
}

/* locate(substr, str[, pos]): pos null → 0; substr/str null → null. */
static int32_t ki_locate(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t pos = 1;
    if (c->nargs == 3) {
        if (fx_null(a[2], r)) return 0;
        pos = int_arg(a, 2, r);
    }
    if (fx_null(a[0], r) || fx_null(a[1], r)) {
        *nul = true;
        return 0;
    }
    if (pos < 1) return 0;
    int32_t l, vl;
    const char *v = str_arg(a, 0, r, &vl);
    const char *s = str_arg(a, 1, r, &l);
    return str_index_of(s, l, v, vl, pos - 1);
}

static int32_t ki_ascii(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l;
    const char *s = str_arg(a, 0, r, &l);
    if (l == 0) return 0;
    int adv;
    return (int32_t)fx_u8decode(s, l, &adv);
}

static int32_t kb_startswith(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l, pl;
    const char *s = str_arg(a, 0, r, &l);
    const char *p = str_arg(a, 1, r, &pl);
    return pl <= l && memcmp(s, p, (size_t)pl) == 0;
}
static int32_t kb_endswith(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l, pl;
    const char *s = str_arg(a, 0, r, &l);
    const char *p = str_arg(a, 1, r, &pl);
    return pl <= l && memcmp(s + l - pl, p, (size_t)pl) == 0;
}
static int32_t kb_contains(const sm_expr *c, sm_vector **a, int64_t r, bool *nul) {
    int32_t l, pl;
    const char *s = str_arg(a, 0, r, &l);
    const char *p = str_arg(a, 1, r, &pl);
    return str_find(s, l, p, pl) != NULL;
}

#define INT_FUNC(fname, sig, ret, kernel, handles_nulls)                                     \
    static int fname##_resolve(sm_bind_ctx *ctx, sm_expr *call) {                            \
        return fx_resolve_sig(ctx, call, sig, ret);                                         \
    }                                                                                        \
    static int fname##_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,  \
                            int64_t n, sm_vector **out) {                                    \
        (void)ectx;                                                                          \
        return str_map_int(call, args, n, out, kernel, handles_nulls);                       \
    }

INT_FUNC(length, "S", SM_INT, ki_length, false)
INT_FUNC(octet_length, "S", SM_INT, ki_octet_length, false)
INT_FUNC(instr, "S", SM_INT, ki_instr, false)
INT_FUNC(locate, "SSI", SM_INT, ki_locate, true)
INT_FUNC(ascii, "S", SM_INT, ki_ascii, false)
INT_FUNC(startswith, "S", SM_BOOLEAN, kb_startswith, false)
INT_FUNC(endswith, "S", SM_BOOLEAN, kb_endswith, false)
INT_FUNC(contains, "S", SM_BOOLEAN, kb_contains, false)

const sm_func_def sm_funcs_string[] = {
    {"lower", 1, 1, lower_resolve, lower_eval, NULL},
    {"lcase", 1, 1, lower_resolve, lower_eval, NULL},
    {"upper", 1, 1, upper_resolve, upper_eval, NULL},
    {"ucase", 1, 1, upper_resolve, upper_eval, NULL},
    {"trim", 1, 2, trim_resolve, trim_eval, NULL},
    {"ltrim", 1, 2, ltrim_resolve, ltrim_eval, NULL},
    {"rtrim", 1, 2, rtrim_resolve, rtrim_eval, NULL},
    {"btrim", 1, 2, btrim_resolve, btrim_eval, NULL},
    {"length", 1, 1, length_resolve, length_eval, NULL},
    {"char_length", 1, 1, length_resolve, length_eval, NULL},
    {"character_length", 1, 1, length_resolve, length_eval, NULL},
    {"len", 1, 1, length_resolve, length_eval, NULL},
    {"octet_length", 1, 1, octet_length_resolve, octet_length_eval, NULL},
    {"substring", 2, 3, substring_resolve, substring_eval, NULL},
    {"substr", 2, 3, substring_resolve, substring_eval, NULL},
    {"left", 2, 2, left_resolve, left_eval, NULL},
    {"right", 2, 2, right_resolve, right_eval, NULL},
    {"concat", 0, -1, concat_any_resolve, concat_any_eval, NULL},
    {"||", 2, 2, concat_any_resolve, concat_any_eval, NULL},
    {"concat_ws", 1, -1, concat_ws_resolve, concat_ws_eval, NULL},
    {"lpad", 2, 3, lpad_resolve, lpad_eval, NULL},
    {"rpad", 2, 3, rpad_resolve, rpad_eval, NULL},
    {"replace", 2, 3, replace_resolve, replace_eval, NULL},
    {"split_part", 3, 3, split_part_resolve, split_part_eval, NULL},
    {"initcap", 1, 1, initcap_resolve, initcap_eval, NULL},
    {"reverse", 1, 1, reverse_resolve, reverse_eval, NULL},
    {"repeat", 2, 2, repeat_resolve, repeat_eval, NULL},
    {"translate", 3, 3, translate_resolve, translate_eval, NULL},
    {"instr", 2, 2, instr_resolve, instr_eval, NULL},
    {"locate", 2, 3, locate_resolve, locate_eval, NULL},
    {"position", 2, 3, locate_resolve, locate_eval, NULL},
    {"ascii", 1, 1, ascii_resolve, ascii_eval, NULL},
    {"startswith", 2, 2, startswith_resolve, startswith_eval, NULL},
    {"endswith", 2, 2, endswith_resolve, endswith_eval, NULL},
    {"contains", 2, 2, contains_resolve, contains_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
