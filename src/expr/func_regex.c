/*
 * func_regex.c — regexp_replace, regexp_extract, rlike (regexp, regexp_like),
 * regexp_count, regexp_substr, regexp_instr, like and ilike, with Spark 3.5
 * semantics.
 *
 * Patterns are Java regular expressions run on PCRE2 (expr/regex.c).  A
 * constant pattern (and a constant replacement) is compiled in resolve and
 * kept in call->state, which is read-only afterwards and shared by every
 * thread evaluating the query; release drops the compiled pattern.  A pattern
 * that varies per row goes through regex.c's process-wide cache, and each
 * eval call remembers the last pattern it used so runs of equal patterns do
 * not even take the cache lock.  PCRE2 match data is created per eval call,
 * never shared.
 *
 * Errors in constant arguments (an invalid pattern or replacement, a group
 * index out of range, a bad LIKE escape) are found in resolve but reported
 * when the expression is evaluated, as Spark reports them when the query
 * runs, not when the DataFrame is defined: the message is kept in the state
 * and returned by eval (see deferred_err).
 *
 * LIKE does not use a regex: the pattern is cut into tokens (one literal
 * character, `_`, or `%`) and matched with the classic greedy wildcard
 * algorithm that backtracks only to the last `%` — linear for patterns with
 * one `%`, O(n*m) at worst, never exponential.  `_` consumes one UTF-8
 * character.  The escape character (default `\`) may only precede `_`, `%` or
 * itself, as Spark requires.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <strings.h>

#include "expr/func_common.h"
#include "expr/regex.h"

/* From func_string.c: Spark's lower() into buf. */
int sm_utf8_lower(const char *s, int32_t len, sm_buf *out);

typedef struct {
    int code;              /* SM_OK, or an error kept for eval time */
    char *msg;             /* in the bind arena */
} deferred_err;

/* Records the current error for eval (returns SM_OK), or passes NOMEM on. */
static int defer_err(sm_bind_ctx *ctx, deferred_err *d, int rc) {
    if (rc == SM_OK || rc == SM_NOMEM) return rc;
    d->code = rc;
    d->msg = sm_arena_strdup(ctx->arena, sm_errmsg());
    return d->msg ? SM_OK : SM_NOMEM;
}

static int raise_deferred(const deferred_err *d) {
    return sm_err(d->code, "%s", d->msg ? d->msg : "invalid argument");
}

typedef struct {
    sm_regex *re;          /* constant pattern, or NULL */
    bool has_repl;
    sm_regex_repl repl;    /* constant replacement (parts in the bind arena) */
    deferred_err err;
} rx_state;

/* The start of an eval: the error deferred at bind time if there is one,
 * else the result vector (an empty STRING vector to append to, or n zeroed
 * rows of a fixed-width t). */
static int rx_begin(const rx_state *st, sm_type t, int64_t n, sm_vector **res) {
    if (st && st->err.code) return raise_deferred(&st->err);
    if (t != SM_STRING) return fx_new_fixed(t, n, res);
    *res = sm_vector_new(SM_STRING, n);
    return *res ? SM_OK : SM_NOMEM;
}

static void rx_state_release(void *p) {
    rx_state *st = p;
    if (st) sm_regex_release(st->re);
}

/* The function a pattern error names: Spark replaces regexp_count and
 * regexp_substr by regexp_extract_all / regexp_extract, whose errors show. */
static const char *rx_err_name(const char *fn) {
    if (fn && strcasecmp(fn, "regexp_count") == 0) return "regexp_extract_all";
    if (fn && strcasecmp(fn, "regexp_substr") == 0) return "regexp_extract";
    return fn;
}

/* Compiles a constant pattern argument at bind time.  A null pattern leaves
 * st->re NULL (every row is then null). */
static int rx_prepare(sm_bind_ctx *ctx, sm_expr *call, int pat_arg, rx_state **out) {
    *out = NULL;
    sm_value v;
    if (!fx_const_arg(ctx, call->args[pat_arg], &v)) return SM_OK;
    rx_state *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (!st) return SM_NOMEM;
    *out = st;
    call->state = st;
    if (!v.is_null && v.type == SM_STRING)
        return defer_err(ctx, &st->err,
                         sm_regex_get(v.v.str.ptr, (size_t)v.v.str.len, rx_err_name(call->name),
                                      &st->re));
    return SM_OK;
}

/* Per-eval matcher: a pattern and its match data, swapped when the row's
 * pattern changes. */
typedef struct {
    sm_regex *re;
    bool owned;               /* a reference this eval took */
    pcre2_match_data *md;
    const char *fn;
} rx_matcher;

static int rx_use(rx_matcher *m, sm_regex *fixed, const char *pat, int32_t plen) {
    if (fixed) {
        if (m->re != fixed) {
            m->re = fixed;
            m->md = sm_regex_match_data(fixed);
            if (!m->md) return SM_NOMEM;
        }
        return SM_OK;
    }
    if (m->re && m->re->java_len == (size_t)plen && memcmp(m->re->java, pat, (size_t)plen) == 0)
        return SM_OK;
    if (m->md) pcre2_match_data_free(m->md);
    if (m->owned) sm_regex_release(m->re);
    m->re = NULL;
    m->md = NULL;
    m->owned = false;
    SM_TRY(sm_regex_get(pat, (size_t)plen, m->fn, &m->re));
    m->owned = true;
    m->md = sm_regex_match_data(m->re);
    return m->md ? SM_OK : SM_NOMEM;
}

static void rx_done(rx_matcher *m) {
    if (m->md) pcre2_match_data_free(m->md);
    if (m->owned) sm_regex_release(m->re);
}

/* ---- regexp_replace(str, regexp, rep[, pos]) ------------------------------- */

static int regexp_replace_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 2, SM_STRING));
    if (call->nargs == 4) {
        SM_TRY(fx_coerce(ctx, call, 3, SM_INT));
        sm_value pos;
        if (fx_const_arg(ctx, call->args[3], &pos) && !pos.is_null && pos.v.i32 <= 0)
            return sm_err(SM_ANALYSIS,
                          "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve "
                          "\"regexp_replace\": the `position` must be positive, but got %d.",
                          pos.v.i32);
    }
    call->type = SM_STRING;
    call->nullable = fx_any_nullable(call);
    rx_state *st;
    SM_TRY(rx_prepare(ctx, call, 1, &st));
    sm_value rep;
    if (st && st->re && fx_const_arg(ctx, call->args[2], &rep) && !rep.is_null &&
        rep.type == SM_STRING) {
        int rc = sm_regex_parse_repl(ctx->arena, st->re, rep.v.str.ptr, (size_t)rep.v.str.len,
                                     &st->repl);
        if (rc == SM_OK) st->has_repl = true;
        else SM_TRY(defer_err(ctx, &st->err, rc));
    }
    return SM_OK;
}

static int regexp_replace_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    (void)ectx;
    const rx_state *st = call->state;
    sm_vector *res = NULL;
    SM_TRY(rx_begin(st, SM_STRING, n, &res));
    rx_matcher m = {.fn = "regexp_replace"};
    sm_buf buf = {0};
    sm_arena *scratch = NULL;
    const sm_regex *last_re = NULL;
    const char *last_rep = NULL;
    int32_t last_rep_len = -1;
    sm_regex_repl repl = {0};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t slen, plen, rlen;
        const char *s = fx_str(args[0], row, &slen);
        const char *p = fx_str(args[1], row, &plen);
        const char *r = fx_str(args[2], row, &rlen);
        if ((rc = rx_use(&m, st ? st->re : NULL, p, plen))) break;
        const sm_regex_repl *use;
        if (st && st->has_repl) {
            use = &st->repl;
        } else {
            if (m.re != last_re || rlen != last_rep_len || memcmp(r, last_rep, (size_t)rlen)) {
                if (!scratch && !(scratch = sm_arena_new())) { rc = SM_NOMEM; break; }
                sm_arena_reset(scratch);
                if ((rc = sm_regex_parse_repl(scratch, m.re, r, (size_t)rlen, &repl))) break;
                last_re = m.re, last_rep = r, last_rep_len = rlen;
            }
            use = &repl;
        }
        size_t start = 0;
        if (call->nargs == 4) {
            int32_t pos = SM_VEC_I32(args[3])[row];
            if (pos <= 0) {
                rc = sm_err(SM_INVALID,
                            "regexp_replace: the position must be positive, but got %d", pos);
                break;
            }
            /* Spark: unchanged unless position-1 is inside the string. */
            int64_t nch = fx_nchars(s, slen);
            if (pos - 1 != 0 && pos - 1 >= nch) {
                rc = sm_vector_append_str(res, s, slen);
                continue;
            }
            start = (size_t)fx_char_off(s, slen, pos - 1);
        }
        buf.len = 0;
        if ((rc = sm_regex_replace_all(m.re, m.md, use, s, (size_t)slen, start, &buf))) break;
        rc = sm_vector_append_str(res, buf.data ? buf.data : "", (int32_t)buf.len);
    }
    rx_done(&m);
    sm_buf_free(&buf);
    if (scratch) sm_arena_free(scratch);
    return fx_finish(res, rc, out);
}

/* ---- regexp_extract(str, regexp[, idx]) ------------------------------------- */

static int rx_group_index_err(uint32_t ngroups, int32_t idx) {
    return sm_err(SM_INVALID,
                  "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` "
                  "in `regexp_extract` is invalid: Expects group index between 0 and %u, but "
                  "got %d.",
                  ngroups, idx);
}

static int regexp_extract_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    if (call->nargs == 3) SM_TRY(fx_coerce(ctx, call, 2, SM_INT));
    call->type = SM_STRING;
    call->nullable = fx_any_nullable(call);
    rx_state *st;
    SM_TRY(rx_prepare(ctx, call, 1, &st));
    sm_value idx;
    if (st && st->re && call->nargs == 3 && fx_const_arg(ctx, call->args[2], &idx) &&
        !idx.is_null && (idx.v.i32 < 0 || (uint32_t)idx.v.i32 > st->re->ngroups))
        return defer_err(ctx, &st->err, rx_group_index_err(st->re->ngroups, idx.v.i32));
    return SM_OK;
}

static int regexp_extract_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    (void)ectx;
    const rx_state *st = call->state;
    sm_vector *res = NULL;
    SM_TRY(rx_begin(st, SM_STRING, n, &res));
    rx_matcher m = {.fn = "regexp_extract"};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t slen, plen;
        const char *s = fx_str(args[0], row, &slen);
        const char *p = fx_str(args[1], row, &plen);
        if ((rc = rx_use(&m, st ? st->re : NULL, p, plen))) break;
        int32_t idx = call->nargs == 3 ? SM_VEC_I32(args[2])[row] : 1;
        if (idx < 0 || (uint32_t)idx > m.re->ngroups) {
            rc = rx_group_index_err(m.re->ngroups, idx);
            break;
        }
        int found = sm_regex_find(m.re, m.md, s, (size_t)slen, 0);
        if (found < 0) { rc = found; break; }
        if (!found) {
            rc = sm_vector_append_str(res, "", 0);
            continue;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m.md);
        if (ov[2 * idx] == PCRE2_UNSET)
            rc = sm_vector_append_str(res, "", 0);
        else
            rc = sm_vector_append_str(res, s + ov[2 * idx], (int32_t)(ov[2 * idx + 1] - ov[2 * idx]));
    }
    rx_done(&m);
    return fx_finish(res, rc, out);
}

/* ---- rlike(str, regexp) ------------------------------------------------------ */

/* (str, regexp) → ret: both arguments strings, the pattern prepared. */
static int rx_resolve_str_pattern(sm_bind_ctx *ctx, sm_expr *call, sm_type ret) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    call->type = ret;
    call->nullable = fx_any_nullable(call);
    rx_state *st;
    return rx_prepare(ctx, call, 1, &st);
}

static int rlike_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return rx_resolve_str_pattern(ctx, call, SM_BOOLEAN);
}

static int rlike_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx;
    const rx_state *st = call->state;
    sm_vector *res = NULL;
    SM_TRY(rx_begin(st, SM_BOOLEAN, n, &res));
    uint8_t *o = SM_VEC_BOOL(res);
    rx_matcher m = {.fn = "rlike"};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, 2, row)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t slen, plen;
        const char *s = fx_str(args[0], row, &slen);
        const char *p = fx_str(args[1], row, &plen);
        if ((rc = rx_use(&m, st ? st->re : NULL, p, plen))) break;
        int found = sm_regex_find(m.re, m.md, s, (size_t)slen, 0);
        if (found < 0) rc = found;
        else o[row] = (uint8_t)found;
    }
    rx_done(&m);
    return fx_finish(res, rc, out);
}

/* ---- regexp_count, regexp_substr, regexp_instr ------------------------------------ */

/* Java's Matcher.find() loop: the next match at or after *pos (1, offsets in
 * md), or 0.  After an empty match the search moves on one character, as
 * Java's find does, so '' matches at every position including the end. */
static int rx_next(const sm_regex *re, pcre2_match_data *md, const char *s, size_t len,
                   size_t *pos) {
    if (*pos > len) return 0;
    int rc = sm_regex_find(re, md, s, len, *pos);
    if (rc <= 0) return rc;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[1] > ov[0]) *pos = ov[1];
    else *pos = ov[1] >= len ? len + 1 : ov[1] + (size_t)fx_u8len((unsigned char)s[ov[1]]);
    return 1;
}

/* The UTF-16 position (Java's String index) of byte offset `off` of s. */
static int64_t rx_utf16_index(const char *s, size_t off) {
    int64_t n = 0;
    for (size_t i = 0; i < off;) {
        int l = fx_u8len((unsigned char)s[i]);
        n += l == 4 ? 2 : 1;
        i += (size_t)l;
    }
    return n;
}

/* ---- regexp_extract_all(str, regexp[, idx]) / split(str, regexp[, limit]) -------------- */

static const sm_dtype *rx_string_array(void) {
    return sm_dtype_array(sm_dtype_scalar(SM_STRING, 0, 0), true);
}

static int regexp_extract_all_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    if (call->nargs == 3) SM_TRY(fx_coerce(ctx, call, 2, SM_INT));
    call->type = SM_ARRAY;
    call->dt = rx_string_array();
    if (!call->dt) return SM_NOMEM;
    call->nullable = fx_any_nullable(call);
    rx_state *st;
    return rx_prepare(ctx, call, 1, &st);
}

static int rx_all_group_err(uint32_t ngroups, int32_t idx) {
    return sm_err(SM_INVALID,
                  "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` "
                  "in `regexp_extract_all` is invalid: Expects group index between 0 and %u, "
                  "but got %d.",
                  ngroups, idx);
}

static int regexp_extract_all_eval(const sm_eval_ctx *ectx, const sm_expr *call,
                                   sm_vector **args, int64_t n, sm_vector **out) {
    (void)ectx;
    const rx_state *st = call->state;
    if (st && st->err.code) return raise_deferred(&st->err);
    sm_vector *res = sm_vector_new_dt(call->dt, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    sm_vector *el = res->children[0];
    rx_matcher m = {.fn = "regexp_extract_all"};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t slen, plen;
        const char *str = fx_str(args[0], row, &slen);
        const char *p = fx_str(args[1], row, &plen);
        if ((rc = rx_use(&m, st ? st->re : NULL, p, plen))) break;
        int32_t idx = call->nargs == 3 ? SM_VEC_I32(args[2])[row] : 1;
        if (idx < 0 || (uint32_t)idx > m.re->ngroups) {
            rc = rx_all_group_err(m.re->ngroups, idx);
            break;
        }
        size_t pos = 0;
        int found;
        while (rc == SM_OK && (found = rx_next(m.re, m.md, str, (size_t)slen, &pos)) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m.md);
            rc = ov[2 * idx] == PCRE2_UNSET
                     ? sm_vector_append_str(el, "", 0)
                     : sm_vector_append_str(el, str + ov[2 * idx],
                                            (int32_t)(ov[2 * idx + 1] - ov[2 * idx]));
        }
        if (rc == SM_OK && found < 0) rc = found;
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    rx_done(&m);
    return fx_finish(res, rc, out);
}

static int split_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    if (call->nargs == 3) SM_TRY(fx_coerce(ctx, call, 2, SM_INT));
    call->type = SM_ARRAY;
    call->dt = rx_string_array();
    if (!call->dt) return SM_NOMEM;
    call->nullable = fx_any_nullable(call);
    rx_state *st;
    return rx_prepare(ctx, call, 1, &st);
}

/* Spark's UTF8String.split: an empty pattern splits a non-empty string into
 * characters (at most limit pieces); otherwise Java's String.split(regex,
 * limit) with limit <= 0 meaning no limit and trailing empty pieces kept. */
static int split_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx;
    const rx_state *st = call->state;
    if (st && st->err.code) return raise_deferred(&st->err);
    sm_vector *res = sm_vector_new_dt(call->dt, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    sm_vector *el = res->children[0];
    rx_matcher m = {.fn = "split"};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t slen, plen;
        const char *str = fx_str(args[0], row, &slen);
        const char *p = fx_str(args[1], row, &plen);
        int64_t limit = call->nargs == 3 ? SM_VEC_I32(args[2])[row] : -1;
        if (slen > 0 && plen == 0) {
            int64_t nch = fx_nchars(str, slen);
            int64_t lim = limit > nch || limit <= 0 ? nch : limit;
            int64_t at = 0;
            for (int64_t i = 0; i < lim - 1 && rc == SM_OK; i++) {
                int l = fx_u8len((unsigned char)str[at]);
                rc = sm_vector_append_str(el, str + at, l);
                at += l;
            }
            if (rc == SM_OK) rc = sm_vector_append_str(el, str + at, (int32_t)(slen - at));
            if (rc == SM_OK) rc = sm_vector_end_list(res);
            continue;
        }
        if ((rc = rx_use(&m, st ? st->re : NULL, p, plen))) break;
        int64_t start = el->length, count = 0;
        size_t index = 0, pos = 0;
        bool any = false;
        int found;
        while (rc == SM_OK && (found = rx_next(m.re, m.md, str, (size_t)slen, &pos)) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m.md);
            if (limit <= 0 || count < limit - 1) {
                if (index == 0 && ov[0] == 0 && ov[1] == 0) continue;
                rc = sm_vector_append_str(el, str + index, (int32_t)(ov[0] - index));
                count++;
                index = ov[1];
                any = true;
            } else if (count == limit - 1) {
                rc = sm_vector_append_str(el, str + index, (int32_t)(slen - index));
                count++;
                index = ov[1];
                any = true;
            }
        }
        if (rc == SM_OK && found < 0) rc = found;
        if (rc != SM_OK) break;
        if (!any) { /* no match: the whole string */
            el->length = start; /* nothing was appended */
            rc = sm_vector_append_str(el, str, slen);
        } else if (limit <= 0 || count < limit) {
            rc = sm_vector_append_str(el, str + index, (int32_t)(slen - (int64_t)index));
        }
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    rx_done(&m);
    return fx_finish(res, rc, out);
}

/* regexp_count(str, regexp) = size(regexp_extract_all(str, regexp, 0)), and
 * regexp_substr(str, regexp) = nullif(regexp_extract(str, regexp, 0), ''):
 * Spark's replacements, whose names the pattern errors carry. */
static int regexp_count_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return rx_resolve_str_pattern(ctx, call, SM_INT);
}

static int regexp_substr_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(regexp_count_resolve(ctx, call));
    call->type = SM_STRING;
    call->nullable = true; /* no match: null */
    return SM_OK;
}

/* regexp_instr(str, regexp[, idx]): the 1-based position of the first match
 * (Spark 3.5 reads idx only for its nullness: the position is the whole
 * match's), 0 when there is none. */
static int regexp_instr_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(regexp_count_resolve(ctx, call));
    if (call->nargs == 3) {
        SM_TRY(fx_coerce(ctx, call, 2, SM_INT));
        call->nullable = fx_any_nullable(call);
    }
    return SM_OK;
}

typedef enum { RX_COUNT, RX_SUBSTR, RX_INSTR } rx_find_kind;

static int rx_find_eval(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                        rx_find_kind kind, const char *fn) {
    const rx_state *st = call->state;
    sm_vector *res = NULL;
    SM_TRY(rx_begin(st, kind == RX_SUBSTR ? SM_STRING : SM_INT, n, &res));
    rx_matcher m = {.fn = fn};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, call->nargs, row)) {
            rc = kind == RX_SUBSTR ? sm_vector_append_null(res) : fx_set_null(res, row);
            continue;
        }
        int32_t slen, plen;
        const char *s = fx_str(args[0], row, &slen);
        const char *p = fx_str(args[1], row, &plen);
        if ((rc = rx_use(&m, st ? st->re : NULL, p, plen))) break;
        size_t pos = 0;
        if (kind == RX_COUNT) {
            int32_t count = 0;
            int found;
            while ((found = rx_next(m.re, m.md, s, (size_t)slen, &pos)) > 0) count++;
            if (found < 0) rc = found;
            else SM_VEC_I32(res)[row] = count;
            continue;
        }
        int found = rx_next(m.re, m.md, s, (size_t)slen, &pos);
        if (found < 0) {
            rc = found;
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m.md);
        if (kind == RX_INSTR)
            SM_VEC_I32(res)[row] = found ? (int32_t)rx_utf16_index(s, ov[0]) + 1 : 0;
        else if (!found || ov[1] == ov[0])
            rc = sm_vector_append_null(res);
        else
            rc = sm_vector_append_str(res, s + ov[0], (int32_t)(ov[1] - ov[0]));
    }
    rx_done(&m);
    return fx_finish(res, rc, out);
}

static int regexp_count_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    (void)ectx;
    return rx_find_eval(call, args, n, out, RX_COUNT, "regexp_extract_all");
}

static int regexp_substr_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                              int64_t n, sm_vector **out) {
    (void)ectx;
    return rx_find_eval(call, args, n, out, RX_SUBSTR, "regexp_extract");
}

static int regexp_instr_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    (void)ectx;
    return rx_find_eval(call, args, n, out, RX_INSTR, "regexp_instr");
}

/* ---- like / ilike -------------------------------------------------------------- */

enum { LK_LIT, LK_ONE, LK_ANY };

typedef struct {
    uint8_t kind;
    uint8_t len;     /* LK_LIT: bytes of the character */
    char ch[4];
} lk_tok;

typedef struct {
    int ntok;
    lk_tok *tok;
} lk_pattern;

/* Cuts a LIKE pattern into tokens (tok needs room for plen entries). */
static int lk_compile(const char *p, int32_t plen, char esc, lk_tok *tok, int *ntok) {
    int nt = 0;
    for (int32_t i = 0; i < plen;) {
        char c = p[i];
        if (c == esc) {
            if (i + 1 >= plen)
                return sm_err(SM_INVALID,
                              "[INVALID_FORMAT.ESC_AT_THE_END] The format is invalid: '%.*s'. "
                              "The escape character is not allowed to end with.",
                              (int)plen, p);
            char e = p[i + 1];
            if (e != '_' && e != '%' && e != esc)
                return sm_err(SM_INVALID,
                              "[INVALID_FORMAT.ESC_IN_THE_MIDDLE] The format is invalid: "
                              "'%.*s'. The escape character is not allowed to precede '%c'.",
                              (int)plen, p, e);
            tok[nt].kind = LK_LIT;
            tok[nt].len = 1;
            tok[nt].ch[0] = e;
            nt++;
            i += 2;
        } else if (c == '%') {
            if (nt == 0 || tok[nt - 1].kind != LK_ANY) tok[nt++].kind = LK_ANY;
            i++;
        } else if (c == '_') {
            tok[nt++].kind = LK_ONE;
            i++;
        } else {
            int l = fx_u8len((unsigned char)c);
            if (i + l > plen) l = plen - i;
            tok[nt].kind = LK_LIT;
            tok[nt].len = (uint8_t)l;
            memcpy(tok[nt].ch, p + i, (size_t)l);
            nt++;
            i += l;
        }
    }
    *ntok = nt;
    return SM_OK;
}

static bool lk_match(const lk_tok *tok, int nt, const char *s, int32_t len) {
    int t = 0, star = -1;
    int32_t i = 0, star_i = 0;
    while (i < len) {
        if (t < nt && tok[t].kind == LK_ONE) {
            i += fx_u8len((unsigned char)s[i]);
            t++;
        } else if (t < nt && tok[t].kind == LK_LIT && i + tok[t].len <= len &&
                   memcmp(s + i, tok[t].ch, tok[t].len) == 0) {
            i += tok[t].len;
            t++;
        } else if (t < nt && tok[t].kind == LK_ANY) {
            star = t++;
            star_i = i;
        } else if (star >= 0) {
            t = star + 1;
            star_i += fx_u8len((unsigned char)s[star_i]);
            i = star_i;
        } else {
            return false;
        }
    }
    if (i > len) return false; /* a truncated character at the end */
    while (t < nt && tok[t].kind == LK_ANY) t++;
    return t == nt;
}

/* Patterns of literals and % only ('%special%requests%', 'abc%', '%xyz'):
 * the literal runs must appear in order, the first at the start unless the
 * pattern starts with %, the last at the end unless it ends with %.
 * Leftmost matching with memmem decides it without backtracking.  UTF-8 is
 * self-synchronizing, so byte search never matches inside a character. */
typedef struct {
    char *bytes;    /* the literal runs, back to back */
    int32_t *len;   /* nseg run lengths */
    int nseg;
    bool open_start, open_end;
} lk_segs;

static void lk_segs_free(lk_segs *g) {
    sm_free(g->bytes);
    sm_free(g->len);
    memset(g, 0, sizeof *g);
}

/* Fills g when the pattern has no '_'; false otherwise (or out of memory). */
static bool lk_segs_make(const lk_tok *tok, int nt, lk_segs *g) {
    memset(g, 0, sizeof *g);
    if (nt == 0) return false;
    for (int t = 0; t < nt; t++)
        if (tok[t].kind == LK_ONE) return false;
    g->bytes = sm_malloc((size_t)nt * 4 + 1);
    g->len = sm_malloc((size_t)nt * sizeof *g->len);
    if (!g->bytes || !g->len) {
        lk_segs_free(g);
        return false;
    }
    g->open_start = tok[0].kind == LK_ANY;
    g->open_end = tok[nt - 1].kind == LK_ANY;
    int32_t pos = 0;
    bool in_run = false;
    for (int t = 0; t < nt; t++) {
        if (tok[t].kind == LK_ANY) {
            in_run = false;
            continue;
        }
        if (!in_run) g->len[g->nseg++] = 0;
        in_run = true;
        memcpy(g->bytes + pos, tok[t].ch, tok[t].len);
        pos += tok[t].len;
        g->len[g->nseg - 1] += tok[t].len;
    }
    return true;
}

static bool lk_segs_match(const lk_segs *g, const char *s, int32_t len) {
    const char *b = g->bytes;
    int32_t pos = 0;
    for (int i = 0; i < g->nseg; i++) {
        int32_t l = g->len[i];
        bool first = i == 0, last = i == g->nseg - 1;
        if (last && !g->open_end) {
            if (len - pos < l || memcmp(s + len - l, b, (size_t)l) != 0) return false;
            if (first && !g->open_start && len != l) return false;
            return true;
        }
        if (first && !g->open_start) {
            if (len < l || memcmp(s, b, (size_t)l) != 0) return false;
            pos = l;
        } else {
            const char *hit = l <= len - pos ? memmem(s + pos, (size_t)(len - pos), b, (size_t)l) : NULL;
            if (!hit) return false;
            pos = (int32_t)(hit - s) + l;
        }
        b += l;
    }
    return g->nseg > 0 || g->open_start || len == 0;
}

typedef struct {
    bool fixed;         /* pattern constant (and non-null) */
    bool null_pattern;  /* constant NULL pattern */
    lk_pattern pat;
    deferred_err err;
} lk_state;

static int lk_escape(sm_bind_ctx *ctx, const sm_expr *call, char *esc) {
    *esc = '\\';
    if (call->nargs < 3) return SM_OK;
    sm_value v;
    if (!fx_const_arg(ctx, call->args[2], &v) || v.is_null || v.type != SM_STRING ||
        v.v.str.len != 1)
        return sm_err(SM_ANALYSIS,
                      "[INVALID_ESCAPE_CHAR] The escape character of LIKE must be a constant "
                      "string of one character.");
    *esc = v.v.str.ptr[0];
    return SM_OK;
}

static int like_resolve_common(sm_bind_ctx *ctx, sm_expr *call, bool ci) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    SM_TRY(fx_coerce(ctx, call, 1, SM_STRING));
    if (call->nargs == 3) SM_TRY(fx_coerce(ctx, call, 2, SM_STRING));
    char esc;
    SM_TRY(lk_escape(ctx, call, &esc));
    call->type = SM_BOOLEAN;
    call->nullable = call->args[0]->nullable || call->args[0]->type == SM_NULLTYPE ||
                     call->args[1]->nullable || call->args[1]->type == SM_NULLTYPE;
    sm_value v;
    if (!fx_const_arg(ctx, call->args[1], &v)) return SM_OK;
    lk_state *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (!st) return SM_NOMEM;
    if (v.is_null || v.type != SM_STRING) {
        st->null_pattern = true;
    } else {
        const char *p = v.v.str.ptr;
        int32_t plen = v.v.str.len;
        sm_buf low = {0};
        if (ci) {
            if (sm_utf8_lower(p, plen, &low)) return SM_NOMEM;
            p = low.data ? low.data : "";
            plen = (int32_t)low.len;
        }
        st->pat.tok = sm_arena_alloc(ctx->arena, ((size_t)plen + 1) * sizeof(lk_tok));
        int rc = st->pat.tok ? lk_compile(p, plen, esc, st->pat.tok, &st->pat.ntok) : SM_NOMEM;
        sm_buf_free(&low);
        if (rc == SM_OK) st->fixed = true;
        else SM_TRY(defer_err(ctx, &st->err, rc));
    }
    call->state = st;
    return SM_OK;
}

static int like_resolve(sm_bind_ctx *ctx, sm_expr *call) { return like_resolve_common(ctx, call, false); }
static int ilike_resolve(sm_bind_ctx *ctx, sm_expr *call) { return like_resolve_common(ctx, call, true); }

static int like_eval_common(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                            bool ci) {
    const lk_state *st = call->state;
    if (st && st->err.code) return raise_deferred(&st->err);
    char esc = '\\';
    if (call->nargs == 3 && !fx_null(args[2], 0) && n > 0) {
        int32_t el;
        const char *e = fx_str(args[2], 0, &el);
        if (el == 1) esc = e[0];
    }
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_BOOLEAN, n, &res));
    uint8_t *o = SM_VEC_BOOL(res);
    lk_tok *tok = NULL;
    int32_t tok_cap = 0;
    sm_buf low = {0}, lowp = {0};
    int rc = SM_OK;
    lk_segs segs;
    bool fast = !ci && st && st->fixed && !st->null_pattern && lk_segs_make(st->pat.tok, st->pat.ntok, &segs);
    for (int64_t row = 0; fast && row < n; row++) {
        if (fx_null(args[0], row) || fx_null(args[1], row)) {
            if ((rc = fx_set_null(res, row))) break;
            continue;
        }
        int32_t slen;
        const char *s = fx_str(args[0], row, &slen);
        o[row] = lk_segs_match(&segs, s, slen);
    }
    if (fast) {
        lk_segs_free(&segs);
        return fx_finish(res, rc, out);
    }
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row) || fx_null(args[1], row) || (st && st->null_pattern)) {
            rc = fx_set_null(res, row);
            continue;
        }
        int32_t slen;
        const char *s = fx_str(args[0], row, &slen);
        if (ci) {
            low.len = 0;
            if ((rc = sm_utf8_lower(s, slen, &low))) break;
            s = low.data ? low.data : "";
            slen = (int32_t)low.len;
        }
        const lk_tok *tk;
        int nt;
        if (st && st->fixed) {
            tk = st->pat.tok;
            nt = st->pat.ntok;
        } else {
            int32_t plen;
            const char *p = fx_str(args[1], row, &plen);
            if (ci) {
                lowp.len = 0;
                if ((rc = sm_utf8_lower(p, plen, &lowp))) break;
                p = lowp.data ? lowp.data : "";
                plen = (int32_t)lowp.len;
            }
            if (plen + 1 > tok_cap) {
                sm_free(tok);
                tok_cap = plen + 1;
                if (!(tok = sm_malloc((size_t)tok_cap * sizeof *tok))) { rc = SM_NOMEM; break; }
            }
            if ((rc = lk_compile(p, plen, esc, tok, &nt))) break;
            tk = tok;
        }
        o[row] = lk_match(tk, nt, s, slen);
    }
    sm_free(tok);
    sm_buf_free(&low);
    sm_buf_free(&lowp);
    return fx_finish(res, rc, out);
}

static int like_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    (void)ectx;
    return like_eval_common(call, args, n, out, false);
}

static int ilike_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx;
    return like_eval_common(call, args, n, out, true);
}

const sm_func_def sm_funcs_regex[] = {
    {"regexp_replace", 3, 4, regexp_replace_resolve, regexp_replace_eval, rx_state_release},
    {"regexp_extract", 2, 3, regexp_extract_resolve, regexp_extract_eval, rx_state_release},
    {"regexp_extract_all", 2, 3, regexp_extract_all_resolve, regexp_extract_all_eval, rx_state_release},
    {"split", 2, 3, split_resolve, split_eval, rx_state_release},
    {"rlike", 2, 2, rlike_resolve, rlike_eval, rx_state_release},
    {"regexp", 2, 2, rlike_resolve, rlike_eval, rx_state_release},
    {"regexp_like", 2, 2, rlike_resolve, rlike_eval, rx_state_release},
    {"regexp_count", 2, 2, regexp_count_resolve, regexp_count_eval, rx_state_release},
    {"regexp_substr", 2, 2, regexp_substr_resolve, regexp_substr_eval, rx_state_release},
    {"regexp_instr", 2, 3, regexp_instr_resolve, regexp_instr_eval, rx_state_release},
    {"like", 2, 3, like_resolve, like_eval, NULL},
    {"ilike", 2, 3, ilike_resolve, ilike_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
