/*
 * func_binary.c — Spark's BINARY type: its functions, its casts and its
 * text forms.
 *
 * Storage: a BINARY vector is laid out exactly as a STRING one (int32
 * offsets + bytes, types.h); only the type id differs, so the kernels that
 * move, hash, compare (unsigned bytewise, as Spark's
 * ByteArray.compareBinary) and sort strings serve binaries unchanged.
 *
 * Functions (Spark 3.5 semantics, checked with PySpark 3.5.3):
 *   unhex(s)             hex digits → bytes; an odd count gets a leading 0;
 *                        any other character → NULL.
 *   to_binary(s[, fmt])  fmt 'hex' (default), 'utf-8'/'utf8', 'base64', any
 *                        case, a constant; malformed input is the error
 *                        [CONVERSION_INVALID_INPUT]; try_to_binary gives
 *                        NULL instead.  A NULL fmt gives NULL.
 *   unbase64(s)          commons-codec's lenient decoder (characters outside
 *                        the alphabet skipped, padding optional).
 *   encode(s, charset) / decode(b, charset)
 *                        US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE,
 *                        UTF-16 (a BOM on encode; BOM-detected, default
 *                        big-endian, on decode), UTF-32; with
 *                        spark.sql.legacy.javaCharsets not false also some
 *                        Java aliases (utf8, latin1, ascii, windows-1252 /
 *                        cp1252).  Unknown → [INVALID_PARAMETER_VALUE.CHARSET].
 *                        Unmappable characters become '?', malformed bytes
 *                        U+FFFD, unless spark.sql.legacy.codingErrorAction is
 *                        false: then [MALFORMED_CHARACTER_CODING].
 *   hex, base64          accept binary (the bytes).
 *   length / char_length / character_length of binary: bytes.
 *   substring / substr / left of binary: byte positions, binary result.
 *   concat / || of binaries only: binary (otherwise strings, as before).
 *   lpad / rpad with a binary string and a binary (or no: X'00') pad:
 *                        binary, byte-wise.
 * Every other function that takes strings accepts binary through the
 * implicit BINARY → STRING cast (the bytes unchanged), as Spark's
 * ImplicitTypeCasts do (btrim, contains, sha2, md5, crc32, ...).
 *
 * Functions that exist for strings elsewhere (hex, length, substring, ...)
 * are registered here too, ahead of the other tables (registry.c): the
 * resolver handles binary arguments itself and otherwise hands the call to
 * the string table's definition (call->fn is replaced).
 *
 * Settings: the two legacy settings are kept process-wide (sm_binary_conf,
 * called by the session when they are SET); unset means Spark 3.5's
 * behaviour (Java charsets, replacement).
 *
 * Memory: results are new vectors; per-call state (to_binary's format) is
 * an int in the bind arena.  No locks: the settings are atomics.
 */
#include "expr/binary.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "expr/eval_internal.h"
#include "expr/func_common.h"

/* ---- settings ---------------------------------------------------------------- */

/* -1 unset, 0 false, 1 true */
static _Atomic int bin_java_charsets = -1;
static _Atomic int bin_coding_legacy = -1;

void sm_binary_conf(const char *key, const char *value) {
    if (!key || !value) return;
    int v = strcasecmp(value, "true") == 0 ? 1 : strcasecmp(value, "false") == 0 ? 0 : -1;
    if (strcasecmp(key, "spark.sql.legacy.javaCharsets") == 0) atomic_store(&bin_java_charsets, v);
    else if (strcasecmp(key, "spark.sql.legacy.codingErrorAction") == 0)
        atomic_store(&bin_coding_legacy, v);
}

/* ---- text forms ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (len > 0 bytes), or of the
 * maximal malformed subpart as a negative number. */
static int bin_u8_seq(const unsigned char *s, int64_t len) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    int need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else
        return -1;
    int k = 1;
    for (; k <= need; k++) {
        if (k >= len) return -k;
        unsigned char d = s[k];
        if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xbf)) return -k;
    }
    return need + 1;
}

int sm_utf8_append_lossy(sm_buf *buf, const char *s, int32_t len) {
    const unsigned char *u = (const unsigned char *)s;
    int32_t i = 0, run = 0; /* valid bytes not yet copied start at i - run */
    while (i < len) {
        int n = bin_u8_seq(u + i, len - i);
        if (n > 0) {
            i += n;
            run += n;
            continue;
        }
        if (run && sm_buf_append(buf, s + i - run, (size_t)run)) return SM_NOMEM;
        run = 0;
        if (sm_buf_append(buf, "\xef\xbf\xbd", 3)) return SM_NOMEM;
        i += -n;
    }
    if (run && sm_buf_append(buf, s + i - run, (size_t)run)) return SM_NOMEM;
    return SM_OK;
}

int sm_binary_append_show(sm_buf *buf, const char *s, int32_t len) {
    static const char hx[] = "0123456789ABCDEF";
    if (sm_buf_putc(buf, '[')) return SM_NOMEM;
    for (int32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char t[3] = {hx[c >> 4], hx[c & 15], ' '};
        if (sm_buf_append(buf, t, i + 1 < len ? 3 : 2)) return SM_NOMEM;
    }
    return sm_buf_putc(buf, ']') ? SM_NOMEM : SM_OK;
}

/* ---- casts ------------------------------------------------------------------------ */

bool sm_cast_binary_allowed(sm_type from, sm_type to) {
    if (from == to || from == SM_NULLTYPE) return true;
    if (to == SM_BINARY) return from == SM_STRING || sm_type_is_integral(from);
    if (from == SM_BINARY) return to == SM_STRING;
    return false;
}

/* A copy of a string-layout vector under another type id. */
static int bin_retype(const sm_vector *in, sm_type to, sm_vector **out) {
    int64_t n = in->length;
    sm_vector *v = sm_vector_new(to, n);
    if (!v) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) {
            rc = sm_vector_append_null(v);
            continue;
        }
        int32_t len;
        const char *s = fx_str(in, row, &len);
        rc = sm_vector_append_str(v, s, len);
    }
    return fx_finish(v, rc, out);
}

int sm_cast_binary(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out) {
    (void)ctx;
    if (sm_type_phys(in->type) == SM_STRING) return bin_retype(in, to, out);
    int width = in->type == SM_TINYINT ? 1 : in->type == SM_SMALLINT ? 2 : in->type == SM_BIGINT ? 8 : 4;
    if (!sm_type_is_integral(in->type))
        return sm_err(SM_ANALYSIS, "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast \"%s\" to \"BINARY\".",
                      sm_type_name(in->type));
    int64_t n = in->length;
    sm_vector *v = sm_vector_new(SM_BINARY, n);
    if (!v) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) {
            rc = sm_vector_append_null(v);
            continue;
        }
        uint64_t x = width == 8 ? (uint64_t)SM_VEC_I64(in)[row] : (uint64_t)(int64_t)SM_VEC_I32(in)[row];
        char b[8];
        for (int k = 0; k < width; k++) b[k] = (char)(x >> (8 * (width - 1 - k)));
        rc = sm_vector_append_str(v, b, width);
    }
    return fx_finish(v, rc, out);
}

/* ---- delegation to the string tables ------------------------------------------------- */

static const sm_func_def *bin_orig(const char *name) {
    const sm_func_def *const tabs[] = {sm_funcs_operators, sm_funcs_string,  sm_funcs_regex,
                                       sm_funcs_datetime,  sm_funcs_math,    sm_funcs_hash,
                                       sm_funcs_conditional, sm_funcs_interval, sm_funcs_string2,
                                       sm_funcs_misc};
    for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++)
        for (const sm_func_def *f = tabs[t]; f->name; f++)
            if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

static int bin_delegate(sm_bind_ctx *ctx, sm_expr *call) {
    const sm_func_def *f = bin_orig(call->fn->name);
    if (!f)
        return sm_bind_fail(ctx, call, "[UNRESOLVED_ROUTINE] Cannot resolve function `%s`.",
                            call->fn->name);
    call->fn = f;
    return f->resolve ? f->resolve(ctx, call) : SM_OK;
}

static bool bin_is(const sm_expr *e) { return e->type == SM_BINARY; }

/* ---- row helpers ---------------------------------------------------------------------- */

typedef int (*bin_row_fn)(const sm_expr *call, sm_vector **a, int64_t row, sm_buf *o, bool *nul);

/* A string-layout result of call->type, null when an argument is. */
static int bin_map(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out, bin_row_fn fn) {
    sm_vector *res = sm_vector_new(call->type, n);
    if (!res) return SM_NOMEM;
    sm_buf buf = {0};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool nul = fx_any_null(args, call->nargs, row);
        if (!nul) {
            buf.len = 0;
            rc = fn(call, args, row, &buf, &nul);
            if (rc) break;
        }
        rc = fx_append_buf(res, &buf, nul);
    }
    sm_buf_free(&buf);
    return fx_finish(res, rc, out);
}

static int bin_hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex digits → bytes (Spark's Hex.unhex); false when a character is no digit. */
static bool bin_unhex(const char *s, int32_t l, sm_buf *o) {
    int32_t i = 0;
    if (l & 1) {
        int v = bin_hexval((unsigned char)s[0]);
        if (v < 0) return false;
        sm_buf_putc(o, (char)v);
        i = 1;
    }
    for (; i < l; i += 2) {
        int hi = bin_hexval((unsigned char)s[i]), lo = bin_hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0) return false;
        sm_buf_putc(o, (char)(hi << 4 | lo));
    }
    return true;
}

static int bin_b64val(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

/* commons-codec Base64.decodeBase64: skips what is not in the alphabet,
 * stops at '=', decodes a trailing partial group. */
static void bin_unbase64(const char *s, int32_t l, sm_buf *o) {
    uint32_t acc = 0;
    int nb = 0;
    for (int32_t i = 0; i < l; i++) {
        int c = (unsigned char)s[i];
        if (c == '=') break;
        int v = bin_b64val(c);
        if (v < 0) continue;
        acc = acc << 6 | (uint32_t)v;
        if (++nb == 4) {
            char b[3] = {(char)(acc >> 16), (char)(acc >> 8), (char)acc};
            sm_buf_append(o, b, 3);
            acc = 0;
            nb = 0;
        }
    }
    if (nb == 2) sm_buf_putc(o, (char)(acc >> 4));
    else if (nb == 3) {
        char b[2] = {(char)(acc >> 10), (char)(acc >> 2)};
        sm_buf_append(o, b, 2);
    }
}

static bool bin_is_ws(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b; }

/* to_binary(s, 'base64')'s check (RFC 4648 with whitespace ignored; no
 * data and no whitespace after padding; complete 4-character groups). */
static bool bin_base64_valid(const char *s, int32_t l) {
    int64_t pos = 0;
    int pad = 0;
    for (int32_t i = 0; i < l; i++) {
        int c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
            c == '/') {
            if (pad) return false;
            pos++;
        } else if (c == '=') {
            if (++pad > 2) return false;
        } else if (bin_is_ws(c)) {
            if (pad) return false;
        } else {
            return false;
        }
    }
    if (pad) return pos % 4 + pad == 4 && pos % 4 >= 2;
    return pos % 4 == 0;
}

/* ---- hex / unhex / base64 / unbase64 -------------------------------------------------- */

static int hex_bin_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (bin_is(call->args[0])) SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    return bin_delegate(ctx, call);
}

static int unhex_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    call->type = SM_BINARY;
    call->nullable = true;
    return SM_OK;
}
static int k_unhex(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = fx_str(a[0], r, &l);
    if (!bin_unhex(s, l, o)) *nul = true;
    return o->len > 0 && !o->data ? SM_NOMEM : SM_OK;
}
static int unhex_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    return bin_map(call, args, n, out, k_unhex);
}

static int unbase64_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    call->type = SM_BINARY;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
static int k_unbase64(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = fx_str(a[0], r, &l);
    bin_unbase64(s, l, o);
    return SM_OK;
}
static int unbase64_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    return bin_map(call, args, n, out, k_unbase64);
}

/* ---- to_binary / try_to_binary ------------------------------------------------------------ */

enum { TB_HEX, TB_UTF8, TB_BASE64, TB_NULL };
typedef struct {
    int fmt;
    bool try_;
} tb_state;

static int to_binary_resolve_common(sm_bind_ctx *ctx, sm_expr *call, bool try_) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    tb_state *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (!st) return SM_NOMEM;
    st->fmt = TB_HEX;
    st->try_ = try_;
    if (call->nargs == 2) {
        if (call->args[1]->type != SM_STRING && call->args[1]->type != SM_NULLTYPE)
            return sm_bind_fail_input(ctx, call, 2, "\"STRING\"");
        sm_value v;
        if (!fx_const_arg(ctx, call->args[1], &v))
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due "
                                "to data type mismatch: the input `fmt` should be a foldable "
                                "\"STRING\" expression; however, got \"%s\".",
                                sm_bind_sql(ctx, call), sm_bind_sql(ctx, call->args[1]));
        if (v.is_null || v.type == SM_NULLTYPE) st->fmt = TB_NULL;
        else {
            const char *f = v.v.str.ptr;
            int32_t fl = v.v.str.len;
            if (fl == 3 && strncasecmp(f, "hex", 3) == 0) st->fmt = TB_HEX;
            else if ((fl == 5 && strncasecmp(f, "utf-8", 5) == 0) ||
                     (fl == 4 && strncasecmp(f, "utf8", 4) == 0))
                st->fmt = TB_UTF8;
            else if (fl == 6 && strncasecmp(f, "base64", 6) == 0) st->fmt = TB_BASE64;
            else
                return sm_bind_fail(ctx, call,
                                    "[INVALID_PARAMETER_VALUE.BINARY_FORMAT] The value of "
                                    "parameter(s) `format` in `%s` is invalid: expects one of "
                                    "binary formats 'base64', 'hex', 'utf-8', but got '%.*s'.",
                                    try_ ? "try_to_binary" : "to_binary", (int)fl, f);
        }
    }
    call->state = st;
    call->type = SM_BINARY;
    call->nullable = true;
    return SM_OK;
}
static int to_binary_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return to_binary_resolve_common(ctx, call, false);
}
static int try_to_binary_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return to_binary_resolve_common(ctx, call, true);
}

static int k_to_binary(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    const tb_state *st = c->state;
    int32_t l;
    const char *s = fx_str(a[0], r, &l);
    bool ok = true;
    switch (st->fmt) {
    case TB_NULL: *nul = true; return SM_OK;
    case TB_UTF8: return sm_buf_append(o, s, (size_t)l) ? SM_NOMEM : SM_OK;
    case TB_HEX: ok = bin_unhex(s, l, o); break;
    case TB_BASE64:
        ok = bin_base64_valid(s, l);
        if (ok) bin_unbase64(s, l, o);
        break;
    }
    if (ok) return SM_OK;
    if (st->try_) {
        *nul = true;
        return SM_OK;
    }
    return sm_err(SM_INVALID,
                  "[CONVERSION_INVALID_INPUT] The value '%.*s' (\"STRING\") cannot be converted to "
                  "\"BINARY\" because it is malformed. Correct the value as per the syntax, or "
                  "change its format. Use `try_to_binary` to tolerate malformed input and return "
                  "NULL instead.",
                  (int)(l > 200 ? 200 : l), s);
}
static int to_binary_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    return bin_map(call, args, n, out, k_to_binary);
}

/* ---- encode / decode --------------------------------------------------------------------- */

enum { CS_ASCII, CS_LATIN1, CS_UTF8, CS_UTF16BE, CS_UTF16LE, CS_UTF16, CS_UTF32, CS_CP1252 };

static const char bin_charsets_list[] =
    "iso-8859-1, us-ascii, utf-16, utf-16be, utf-16le, utf-32, utf-8";

/* The charset named s[0..l), or -1. */
static int bin_charset(const char *s, int32_t l) {
    static const struct {
        const char *name;
        int cs;
        bool java_only;
    } names[] = {
        {"us-ascii", CS_ASCII, false},    {"iso-8859-1", CS_LATIN1, false},
        {"utf-8", CS_UTF8, false},        {"utf-16be", CS_UTF16BE, false},
        {"utf-16le", CS_UTF16LE, false},  {"utf-16", CS_UTF16, false},
        {"utf-32", CS_UTF32, false},      {"ascii", CS_ASCII, true},
        {"utf8", CS_UTF8, true},          {"latin1", CS_LATIN1, true},
        {"iso8859_1", CS_LATIN1, true},   {"iso-latin-1", CS_LATIN1, true},
        {"windows-1252", CS_CP1252, true}, {"cp1252", CS_CP1252, true},
        {"utf_16be", CS_UTF16BE, true},   {"utf_16le", CS_UTF16LE, true},
        {"utf_16", CS_UTF16, true},       {"utf_32", CS_UTF32, true},
        {"utf-32be", CS_UTF32, true},     {"utf_8", CS_UTF8, true},
    };
    bool java = atomic_load(&bin_java_charsets) != 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if ((int32_t)strlen(names[k].name) == l && strncasecmp(names[k].name, s, (size_t)l) == 0 &&
            (java || !names[k].java_only))
            return names[k].cs;
    return -1;
}

static int bin_err_charset(const char *fn, const char *s, int32_t l) {
    return sm_err(SM_INVALID,
                  "[INVALID_PARAMETER_VALUE.CHARSET] The value of parameter(s) `charset` in `%s` "
                  "is invalid: expects one of the %s, but got %.*s.",
                  fn, bin_charsets_list, (int)(l > 100 ? 100 : l), s);
}
static int bin_err_coding(const char *fn, const char *cs, int32_t l) {
    return sm_err(SM_INVALID,
                  "[MALFORMED_CHARACTER_CODING] Invalid value found when performing `%s` with "
                  "`%.*s`",
                  fn, (int)(l > 100 ? 100 : l), cs);
}

/* windows-1252's 0x80..0x9f (0 = unmapped). */
static const uint16_t bin_cp1252_hi[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017d, 0,      0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178};

static int bin_put_cp(sm_buf *o, uint32_t cp) {
    char t[4];
    int n = fx_u8encode(cp, t);
    return sm_buf_append(o, t, (size_t)n) ? SM_NOMEM : SM_OK;
}

static int bin_put_unit(sm_buf *o, uint32_t u, int bytes, bool le) {
    char t[4];
    for (int k = 0; k < bytes; k++) {
        int shift = le ? 8 * k : 8 * (bytes - 1 - k);
        t[k] = (char)(u >> shift);
    }
    return sm_buf_append(o, t, (size_t)bytes) ? SM_NOMEM : SM_OK;
}

/* Encodes UTF-8 text (invalid bytes read as U+FFFD, as Java's String has
 * them) into cs; *bad set when a character is unmappable ('?' written). */
static int bin_encode(const char *s, int32_t l, int cs, sm_buf *o, bool *bad) {
    const unsigned char *u = (const unsigned char *)s;
    if (cs == CS_UTF16 && bin_put_unit(o, 0xfeff, 2, false)) return SM_NOMEM;
    for (int32_t i = 0; i < l;) {
        int n = bin_u8_seq(u + i, l - i);
        uint32_t cp;
        if (n < 0) {
            cp = 0xfffd;
            i += -n;
        } else {
            int adv;
            cp = fx_u8decode(s + i, l - i, &adv);
            i += n;
        }
        switch (cs) {
        case CS_UTF8: SM_TRY(bin_put_cp(o, cp)); break;
        case CS_ASCII:
        case CS_LATIN1:
        case CS_CP1252: {
            int b = -1;
            if (cp < 0x80 || (cs != CS_ASCII && cp >= 0xa0 && cp < 0x100) ||
                (cs == CS_LATIN1 && cp < 0x100))
                b = (int)cp;
            else if (cs == CS_CP1252)
                for (int k = 0; k < 32; k++)
                    if (bin_cp1252_hi[k] && bin_cp1252_hi[k] == cp) b = 0x80 + k;
            if (b < 0) {
                *bad = true;
                b = '?';
            }
            if (sm_buf_putc(o, (char)b)) return SM_NOMEM;
            break;
        }
        case CS_UTF32: SM_TRY(bin_put_unit(o, cp, 4, false)); break;
        default: { /* UTF-16 */
            bool le = cs == CS_UTF16LE;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                SM_TRY(bin_put_unit(o, 0xd800 + (cp >> 10), 2, le));
                SM_TRY(bin_put_unit(o, 0xdc00 + (cp & 0x3ff), 2, le));
            } else {
                SM_TRY(bin_put_unit(o, cp, 2, le));
            }
        }
        }
    }
    return SM_OK;
}

/* Decodes bytes in cs to UTF-8; malformed input → U+FFFD and *bad set. */
static int bin_decode(const unsigned char *b, int32_t l, int cs, sm_buf *o, bool *bad) {
    switch (cs) {
    case CS_UTF8: {
        /* valid UTF-8 is copied; malformed subparts replaced */
        for (int32_t i = 0; i < l;) {
            int n = bin_u8_seq(b + i, l - i);
            if (n > 0) {
                if (sm_buf_append(o, (const char *)b + i, (size_t)n)) return SM_NOMEM;
                i += n;
            } else {
                *bad = true;
                SM_TRY(bin_put_cp(o, 0xfffd));
                i += -n;
            }
        }
        return SM_OK;
    }
    case CS_ASCII:
    case CS_LATIN1:
    case CS_CP1252:
        for (int32_t i = 0; i < l; i++) {
            uint32_t cp = b[i];
            if (cs == CS_ASCII && cp >= 0x80) cp = 0xfffd, *bad = true;
            else if (cs == CS_CP1252 && cp >= 0x80 && cp < 0xa0) {
                cp = bin_cp1252_hi[cp - 0x80];
                if (!cp) cp = 0xfffd, *bad = true;
            }
            SM_TRY(bin_put_cp(o, cp));
        }
        return SM_OK;
    case CS_UTF32: {
        int32_t i = 0;
        bool le = false;
        if (l >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xfe && b[3] == 0xff) i = 4;
        else if (l >= 4 && b[0] == 0xff && b[1] == 0xfe && b[2] == 0 && b[3] == 0) i = 4, le = true;
        for (; i + 3 < l; i += 4) {
            uint32_t cp = le ? (uint32_t)b[i + 3] << 24 | (uint32_t)b[i + 2] << 16 |
                                   (uint32_t)b[i + 1] << 8 | b[i]
                             : (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 |
                                   (uint32_t)b[i + 2] << 8 | b[i + 3];
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd, *bad = true;
            SM_TRY(bin_put_cp(o, cp));
        }
        if (l - i > 0 && l % 4) {
            *bad = true;
            SM_TRY(bin_put_cp(o, 0xfffd));
        }
        return SM_OK;
    }
    default: { /* UTF-16 */
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
                    SM_TRY(bin_put_cp(o, 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00)));
                    i += 2;
                    continue;
                }
            }
            if (u >= 0xd800 && u <= 0xdfff) u = 0xfffd, *bad = true;
            SM_TRY(bin_put_cp(o, u));
        }
        if (l % 2 && l - i > 0) {
            *bad = true;
            SM_TRY(bin_put_cp(o, 0xfffd));
        }
        return SM_OK;
    }
    }
}

static int encode_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce_all(ctx, call, 0, SM_STRING));
    call->type = SM_BINARY;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
static int k_encode(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l, cl;
    const char *s = fx_str(a[0], r, &l);
    const char *cname = fx_str(a[1], r, &cl);
    int cs = bin_charset(cname, cl);
    if (cs < 0) return bin_err_charset("encode", cname, cl);
    bool bad = false;
    SM_TRY(bin_encode(s, l, cs, o, &bad));
    if (bad && atomic_load(&bin_coding_legacy) == 0) return bin_err_coding("encode", cname, cl);
    return SM_OK;
}
static int encode_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    return bin_map(call, args, n, out, k_encode);
}

static int decode_bin_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs != 2) return bin_delegate(ctx, call);
    SM_TRY(fx_coerce(ctx, call, 0, SM_BINARY));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    call->type = SM_STRING;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
static int k_decode(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l, cl;
    const char *s = fx_str(a[0], r, &l);
    const char *cname = fx_str(a[1], r, &cl);
    int cs = bin_charset(cname, cl);
    if (cs < 0) return bin_err_charset("decode", cname, cl);
    bool bad = false;
    SM_TRY(bin_decode((const unsigned char *)s, l, cs, o, &bad));
    if (bad && atomic_load(&bin_coding_legacy) == 0) return bin_err_coding("decode", cname, cl);
    return SM_OK;
}
static int decode_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    return bin_map(call, args, n, out, k_decode);
}

/* ---- length / substring / left ----------------------------------------------------------- */

static int length_bin_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (!bin_is(call->args[0])) return bin_delegate(ctx, call);
    call->type = SM_INT;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
static int length_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_INT, n, &res));
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t l;
        fx_str(args[0], row, &l);
        SM_VEC_I32(res)[row] = l;
    }
    return fx_finish(res, rc, out);
}

static int substring_bin_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (!bin_is(call->args[0])) return bin_delegate(ctx, call);
    for (int i = 1; i < call->nargs; i++) SM_TRY(fx_coerce(ctx, call, i, SM_INT));
    call->type = SM_BINARY;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
/* ByteArray.subStringSQL(bytes, pos, len). */
static void bin_substr(const char *s, int32_t l, int64_t pos, int64_t len, sm_buf *o) {
    int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? l + pos : 0);
    int64_t end = len >= INT32_MAX ? INT32_MAX : start + len;
    if (start < 0) start = 0;
    if (end > l) end = l;
    if (start < end) sm_buf_append(o, s + start, (size_t)(end - start));
}
static int k_substring_bin(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = fx_str(a[0], r, &l);
    int64_t pos = SM_VEC_I32(a[1])[r];
    int64_t len = c->nargs > 2 ? SM_VEC_I32(a[2])[r] : INT32_MAX;
    bin_substr(s, l, pos, len, o);
    return SM_OK;
}
static int substring_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                              int64_t n, sm_vector **out) {
    return bin_map(call, args, n, out, k_substring_bin);
}
static int k_left_bin(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    int32_t l;
    const char *s = fx_str(a[0], r, &l);
    int64_t len = SM_VEC_I32(a[1])[r];
    if (len > 0) bin_substr(s, l, 1, len, o);
    return SM_OK;
}
static int left_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    return bin_map(call, args, n, out, k_left_bin);
}

/* ---- concat ---------------------------------------------------------------------------------- */

static int concat_bin_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    bool all = call->nargs > 0;
    for (int i = 0; i < call->nargs; i++)
        if (!bin_is(call->args[i])) all = false;
    if (!all) {
        /* mixed: the string function, with binaries read as their bytes */
        for (int i = 0; i < call->nargs; i++)
            if (bin_is(call->args[i])) SM_TRY(fx_coerce(ctx, call, i, SM_STRING));
        return bin_delegate(ctx, call);
    }
    call->type = SM_BINARY;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
static int k_concat_bin(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    for (int i = 0; i < c->nargs; i++) {
        int32_t l;
        const char *s = fx_str(a[i], r, &l);
        if (l && sm_buf_append(o, s, (size_t)l)) return SM_NOMEM;
    }
    return SM_OK;
}
static int concat_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    return bin_map(call, args, n, out, k_concat_bin);
}

/* ---- lpad / rpad ----------------------------------------------------------------------------- */

static int pad_bin_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    bool bin = bin_is(call->args[0]) && (call->nargs == 2 || bin_is(call->args[2]) ||
                                         call->args[2]->type == SM_NULLTYPE);
    if (!bin) {
        for (int i = 0; i < call->nargs; i += 2)
            if (bin_is(call->args[i])) SM_TRY(fx_coerce(ctx, call, i, SM_STRING));
        return bin_delegate(ctx, call);
    }
    SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    if (call->nargs == 3) SM_TRY(fx_coerce(ctx, call, 2, SM_BINARY));
    call->type = SM_BINARY;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}
/* ByteArray.lpad / rpad. */
static int k_pad_bin(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool left) {
    int32_t l, pl = 1;
    const char *s = fx_str(a[0], r, &l);
    const char *p = "\0";
    if (c->nargs > 2) p = fx_str(a[2], r, &pl);
    int64_t len = SM_VEC_I32(a[1])[r];
    if (len <= 0) return SM_OK;
    if (len <= l || pl == 0) {
        int64_t keep = len < l ? len : l;
        return sm_buf_append(o, s, (size_t)keep) ? SM_NOMEM : SM_OK;
    }
    int64_t fill = len - l;
    if (!left && sm_buf_append(o, s, (size_t)l)) return SM_NOMEM;
    for (int64_t k = 0; k < fill; k++)
        if (sm_buf_putc(o, p[k % pl])) return SM_NOMEM;
    if (left && sm_buf_append(o, s, (size_t)l)) return SM_NOMEM;
    return SM_OK;
}
static int k_lpad_bin(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return k_pad_bin(c, a, r, o, true);
}
static int k_rpad_bin(const sm_expr *c, sm_vector **a, int64_t r, sm_buf *o, bool *nul) {
    return k_pad_bin(c, a, r, o, false);
}
static int lpad_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    return bin_map(call, args, n, out, k_lpad_bin);
}
static int rpad_bin_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    return bin_map(call, args, n, out, k_rpad_bin);
}

/* Functions whose binary arguments are read as strings (their bytes): the
 * resolver inserts the BINARY → STRING cast the string definition does not
 * ask for itself. */
static int as_string_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < call->nargs; i++)
        if (bin_is(call->args[i])) SM_TRY(fx_coerce(ctx, call, i, SM_STRING));
    return bin_delegate(ctx, call);
}

const sm_func_def sm_funcs_binary[] = {
    {"unhex", 1, 1, unhex_resolve, unhex_eval, NULL},
    {"unbase64", 1, 1, unbase64_resolve, unbase64_eval, NULL},
    {"to_binary", 1, 2, to_binary_resolve, to_binary_eval, NULL},
    {"try_to_binary", 1, 2, try_to_binary_resolve, to_binary_eval, NULL},
    {"encode", 2, 2, encode_resolve, encode_eval, NULL},
    {"decode", 0, -1, decode_bin_resolve, decode_bin_eval, NULL},
    {"hex", 1, 1, hex_bin_resolve, NULL, NULL},
    {"base64", 1, 1, as_string_resolve, NULL, NULL},
    {"length", 1, 1, length_bin_resolve, length_bin_eval, NULL},
    {"char_length", 1, 1, length_bin_resolve, length_bin_eval, NULL},
    {"character_length", 1, 1, length_bin_resolve, length_bin_eval, NULL},
    {"len", 1, 1, length_bin_resolve, length_bin_eval, NULL},
    {"substring", 2, 3, substring_bin_resolve, substring_bin_eval, NULL},
    {"substr", 2, 3, substring_bin_resolve, substring_bin_eval, NULL},
    {"left", 2, 2, substring_bin_resolve, left_bin_eval, NULL},
    {"concat", 0, -1, concat_bin_resolve, concat_bin_eval, NULL},
    {"||", 2, 2, concat_bin_resolve, concat_bin_eval, NULL},
    {"lpad", 2, 3, pad_bin_resolve, lpad_bin_eval, NULL},
    {"rpad", 2, 3, pad_bin_resolve, rpad_bin_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
