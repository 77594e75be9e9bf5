/*
 * func_common.h — small helpers shared by the scalar function files
 * (func_string.c, func_regex.c, func_math.c, func_hash.c, func_conditional.c):
 * argument coercion in resolvers, output vectors, null propagation and UTF-8
 * stepping.  Everything is static inline; no state.
 */
#ifndef SM_FUNC_COMMON_H
#define SM_FUNC_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/status.h"
#include "expr/expr.h"
#include "types/types.h"

/* Wraps call->args[i] in an implicit cast to `to`. */
static inline int fx_coerce(sm_bind_ctx *ctx, sm_expr *call, int i, sm_type to) {
    if (call->args[i]->type == to) return SM_OK;
    if (call->args[i]->type != SM_NULLTYPE && !sm_cast_allowed(call->args[i]->type, to))
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\": "
                      "parameter %d requires the \"%s\" type, however the argument has the "
                      "type \"%s\".",
                      call->name, i + 1, sm_type_name(to), sm_type_name(call->args[i]->type));
    sm_expr *c = sm_expr_coerce(ctx, call->args[i], to);
    if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    call->args[i] = c;
    return SM_OK;
}

/* Coerces every argument from `first` on to `to`. */
static inline int fx_coerce_all(sm_bind_ctx *ctx, sm_expr *call, int first, sm_type to) {
    for (int i = first; i < call->nargs; i++) SM_TRY(fx_coerce(ctx, call, i, to));
    return SM_OK;
}

static inline bool fx_any_nullable(const sm_expr *call) {
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->nullable || call->args[i]->type == SM_NULLTYPE) return true;
    return false;
}

/* A resolver by signature: argument i is coerced to the type sig[i] names
 * ('S' string, 'I' int, 'L' bigint; the last letter repeats); the result
 * is `ret`, nullable when an argument is. */
static inline int fx_resolve_sig(sm_bind_ctx *ctx, sm_expr *call, const char *sig, sm_type ret) {
    size_t ns = strlen(sig);
    for (int i = 0; i < call->nargs; i++) {
        char k = sig[(size_t)i < ns ? (size_t)i : ns - 1];
        SM_TRY(fx_coerce(ctx, call, i, k == 'I' ? SM_INT : k == 'L' ? SM_BIGINT : SM_STRING));
    }
    call->type = ret;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

/* Evaluates a constant argument at bind time (false when not constant or on
 * failure; *v is then untouched). */
static inline bool fx_const_arg(sm_bind_ctx *ctx, const sm_expr *arg, sm_value *v) {
    if (!sm_expr_is_const(arg)) return false;
    sm_eval_ctx ec = {.tz = ctx->tz, .ansi = ctx->ansi, .now_micros = 0};
    return sm_expr_eval_const(&ec, ctx->arena, arg, v) == SM_OK;
}

static inline bool fx_null(const sm_vector *v, int64_t row) { return sm_vector_is_null(v, row); }

static inline bool fx_any_null(sm_vector **args, int nargs, int64_t row) {
    for (int i = 0; i < nargs; i++)
        if (sm_vector_is_null(args[i], row)) return true;
    return false;
}

/* Row `row` of a STRING vector; never a NULL pointer (a vector holding only
 * empty strings may have no byte buffer, and memcpy/memcmp want non-NULL). */
static inline const char *fx_str(const sm_vector *v, int64_t row, int32_t *len) {
    if (!v->bytes) {
        *len = 0;
        return "";
    }
    return sm_vector_str(v, row, len);
}

/* A fixed-width vector of n rows (values to be written in place). */
static inline int fx_new_fixed(sm_type t, int64_t n, sm_vector **out) {
    sm_vector *v = sm_vector_new(t, n > 0 ? n : 1);
    if (!v) return SM_NOMEM;
    v->length = n;
    if (n > 0) memset(v->data, 0, (size_t)n * sm_type_width(t));
    *out = v;
    return SM_OK;
}

/* Marks row null in a vector built with fx_new_fixed. */
static inline int fx_set_null(sm_vector *v, int64_t row) { return sm_vector_set_null(v, row); }

/* Appends one row of a string result built in buf (a null row when is_null). */
static inline int fx_append_buf(sm_vector *res, const sm_buf *buf, bool is_null) {
    return is_null ? sm_vector_append_null(res)
                   : sm_vector_append_str(res, buf->data ? buf->data : "", (int32_t)buf->len);
}

/* The end of an eval that built res: on success hands it to *out, on
 * failure (rc != SM_OK) frees it and returns rc. */
static inline int fx_finish(sm_vector *res, int rc, sm_vector **out) {
    if (rc) {
        sm_vector_unref(res);
        return rc;
    }
    *out = res;
    return SM_OK;
}


/* ---- UTF-8 --------------------------------------------------------------- */

/* Bytes of the character starting with lead byte c (1 for stray bytes). */
static inline int fx_u8len(unsigned char c) {
    if (c < 0xc0) return 1;
    if (c < 0xe0) return 2;
    if (c < 0xf0) return 3;
    return 4;
}

/* Number of characters (code points) in s[0..len). */
static inline int64_t fx_nchars(const char *s, int64_t len) {
    int64_t n = 0;
    for (int64_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80) n++;
    return n;
}

/* Byte offset of character index `ch` (clamped to len). */
static inline int64_t fx_char_off(const char *s, int64_t len, int64_t ch) {
    int64_t i = 0;
    while (ch > 0 && i < len) {
        i += fx_u8len((unsigned char)s[i]);
        ch--;
    }
    return i < len ? i : len;
}

/* Decodes one code point at s (len > 0 bytes available); *adv = bytes used.
 * Invalid sequences decode as the single byte. */
static inline uint32_t fx_u8decode(const char *s, int64_t len, int *adv) {
    const unsigned char *u = (const unsigned char *)s;
    int n = fx_u8len(u[0]);
    if (n == 1 || n > len) {
        *adv = 1;
        return u[0];
    }
    uint32_t cp = n == 2 ? (u[0] & 0x1fu) : n == 3 ? (u[0] & 0x0fu) : (u[0] & 0x07u);
    for (int k = 1; k < n; k++) {
        if ((u[k] & 0xc0) != 0x80) {
            *adv = 1;
            return u[0];
        }
        cp = (cp << 6) | (u[k] & 0x3fu);
    }
    *adv = n;
    return cp;
}

/* Encodes cp into buf (4 bytes room); returns bytes written. */
static inline int fx_u8encode(uint32_t cp, char *buf) {
    if (cp < 0x80) { buf[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        buf[0] = (char)(0xc0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xe0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    buf[0] = (char)(0xf0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    buf[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* UTF8String.substringSQL(pos, length) (1-based pos, negative counts from
 * the end) appended to o: characters [start, end). */
static inline int fx_substring_sql(const char *s, int32_t l, int64_t pos, int64_t length, sm_buf *o) {
    int64_t nch = fx_nchars(s, l);
    int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? nch + pos : 0);
    int64_t end = length > INT32_MAX ? INT32_MAX : start + length;
    if (end > INT32_MAX) end = INT32_MAX;
    if (start < 0) start = 0;
    if (start >= end || start >= nch) return SM_OK;
    if (end > nch) end = nch;
    int64_t bs = fx_char_off(s, l, start);
    int64_t be = bs + fx_char_off(s + bs, l - bs, end - start);
    return sm_buf_append(o, s + bs, (size_t)(be - bs)) ? SM_NOMEM : SM_OK;
}

#endif
