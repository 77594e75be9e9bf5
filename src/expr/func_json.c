/*
 * func_json.c — Spark 3.5's JSON functions: from_json, to_json,
 * get_json_object, json_tuple (through __json_tuple, below), schema_of_json,
 * json_array_length and json_object_keys.
 *
 * No second JSON parser: every function parses with the reader's tokenizer
 * (formats/json_tok.c, one value into a json_doc tree), converts with the
 * reader's JacksonParser converters (json_convert), infers with
 * JsonInferSchema (json_infer.c) and writes with the writer's
 * JacksonGenerator (json_format_value).  Only the first value of a string
 * is read; anything after it is ignored, as Jackson's streaming parser does.
 *
 * from_json(str, schema[, options]): the schema is a constant — a DDL type
 * ("array<int>", "map<string,int>", "struct<...>") or a column list
 * ("a INT, b STRING"), for instance schema_of_json(...)'s text.  A null or
 * blank string gives null.  Struct targets (PERMISSIVE): a value that does
 * not parse or is not an object gives a struct whose fields are null (the
 * corrupt-record field, when the schema has columnNameOfCorruptRecord as a
 * string field, holds the text); a field that does not convert is null and
 * the others keep their values (Spark 3.5's partial results).  Array and
 * map targets give null when anything fails.  FAILFAST raises instead;
 * DROPMALFORMED is refused as Spark refuses it.
 *
 * get_json_object(json, path): Spark's JsonPathParser ($, .name, ['name'],
 * [n], [*], .* / ['*']) and GetJsonObject.evaluatePath, replayed over the
 * tree with a small JacksonGenerator model (fj_gen: commas between values
 * of an open array) so that the wildcard quirks match Hive's: a wildcard
 * matching one value gives it without brackets (a string then quoted),
 * [*][*] flattens, a top-level string comes unquoted.  The parser follows
 * Spark's SharedFactory: single quotes and raw control characters allowed,
 * NaN not.
 *
 * json_tuple(json, k1, ...) is a generator: the SQL analyzer plans it as
 * inline(array(__json_tuple(json, k1, ...))), __json_tuple returning
 * struct<c0:string, c1:string, ...> (JsonTuple.parseRow: strings
 * unquoted, other values as compact JSON, the last duplicate key winning,
 * a null row for anything that is not an object).
 *
 * State: from_json, to_json and schema_of_json keep their parsed options
 * (and compiled datetime patterns) in call->state, arena-allocated at bind
 * time and freed by fj_release; read-only during evaluation, so shared by
 * every thread.  Each eval owns its json_doc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr/eval_internal.h"
#include "expr/func_common.h"
#include "formats/json.h"

/* ---- shared ---------------------------------------------------------------------------- */

typedef struct {
    json_options opt;
    bool have_opt;
    json_write_opts wopt;
    bool have_wopt;
    sm_dtfmt *date_fmt, *ts_fmt;
    const sm_dtype *dt;     /* from_json: the target type */
    int corrupt;            /* from_json struct targets: the corrupt-record field or -1 */
} fj_state;

static void fj_release(void *p) {
    fj_state *st = p;
    if (!st) return;
    if (st->have_opt) json_options_free(&st->opt);
    if (st->have_wopt) json_write_opts_free(&st->wopt);
    if (st->date_fmt) sm_dtfmt_free(st->date_fmt);
    if (st->ts_fmt) sm_dtfmt_free(st->ts_fmt);
}

static fj_state *fj_new_state(sm_bind_ctx *ctx, sm_expr *call) {
    fj_state *st = sm_arena_alloc(ctx->arena, sizeof *st);
    if (st) {
        st->corrupt = -1;
        call->state = st;
    }
    return st;
}

/* Options of Spark's JSON functions: a constant map<string,string>
 * (map('k', 'v', ...)); *kv gets a NULL-terminated key/value list in the
 * arena (NULL when there is no such argument). */
static int fj_options_arg(sm_bind_ctx *ctx, sm_expr *call, int i, const char ***kv) {
    *kv = NULL;
    if (i >= call->nargs) return SM_OK;
    sm_value v;
    const sm_expr *a = call->args[i];
    if (a->type != SM_MAP || !fx_const_arg(ctx, a, &v))
        return sm_bind_fail(ctx, a, "[INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use "
                                    "the `map()` function for options.");
    if (v.is_null) return SM_OK;
    const sm_vector *m = v.v.ref.vec;
    int64_t s, e;
    sm_vector_list_range(m, v.v.ref.row, &s, &e);
    const char **out = sm_arena_alloc(ctx->arena, sizeof *out * (size_t)(2 * (e - s) + 1));
    if (!out) return SM_NOMEM;
    int n = 0;
    for (int64_t k = s; k < e; k++) {
        const sm_vector *kv2[2] = {m->children[0], m->children[1]};
        if (kv2[0]->type != SM_STRING || kv2[1]->type != SM_STRING || sm_vector_is_null(kv2[0], k) ||
            sm_vector_is_null(kv2[1], k))
            return sm_bind_fail(ctx, a, "[INVALID_OPTIONS.NON_STRING_TYPE] Invalid options: A type of "
                                        "keys and values in `map()` must be string.");
        for (int j = 0; j < 2; j++) {
            int32_t len;
            const char *p = fx_str(kv2[j], k, &len);
            out[n++] = sm_arena_strndup(ctx->arena, p, (size_t)len);
            if (!out[n - 1]) return SM_NOMEM;
        }
    }
    out[n] = NULL;
    *kv = out;
    return SM_OK;
}

/* The tokenizer settings of Spark's SharedFactory (get_json_object,
 * json_tuple, json_array_length, json_object_keys). */
static void fj_shared_options(json_options *o) {
    memset(o, 0, sizeof *o);
    o->allow_single_quotes = true;
    o->allow_control_chars = true;
    o->sampling_ratio = 1.0;
}

/* Parses row `row` of a string vector; the root node or -1 when the value
 * does not parse or the string is blank.  rc gets SM_NOMEM. */
static int32_t fj_parse(json_doc *d, const sm_vector *v, int64_t row, int *rc) {
    int32_t len;
    const char *s = fx_str(v, row, &len);
    int32_t root = -1;
    const char *next;
    int r = json_parse_value(d, s, s + len, &root, &next);
    if (r == -2) *rc = sm_err(SM_NOMEM, "out of memory parsing JSON");
    return r == 0 ? root : -1;
}

/* ---- from_json ----------------------------------------------------------------------------- */

static int fj_schema_type(const char *s, size_t len, const sm_dtype **out) {
    *out = NULL;
    if (sm_dtype_parse(s, len, out) >= 0 && *out) return SM_OK;
    *out = NULL;
    char *z = sm_malloc(len + 1);
    if (!z) return SM_NOMEM;
    memcpy(z, s, len);
    z[len] = 0;
    sm_schema *sc = NULL;
    int rc = sm_schema_parse_ddl(z, &sc);
    sm_free(z);
    if (rc) return rc;
    sm_dtype_field *f = sm_calloc((size_t)sc->ncols + 1, sizeof *f);
    if (!f) {
        sm_schema_free(sc);
        return SM_NOMEM;
    }
    rc = SM_OK;
    for (int i = 0; i < sc->ncols && rc == SM_OK; i++) {
        const sm_field *fd = &sc->fields[i];
        f[i].name = fd->name;
        f[i].nullable = true;
        f[i].type = fd->dt ? fd->dt : sm_dtype_scalar(fd->type, fd->precision, fd->scale);
        if (!f[i].type) rc = SM_NOMEM;
    }
    if (rc == SM_OK) {
        *out = sm_dtype_struct(sc->ncols, f);
        if (!*out) rc = SM_NOMEM;
    }
    sm_free(f);
    sm_schema_free(sc);
    return rc;
}

static void fj_upper_type(char *buf, size_t cap, const sm_dtype *t) {
    sm_dtype_format(buf, cap, t);
    for (char *p = buf; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
}

static int from_json_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    sm_value sv;
    if (!fx_const_arg(ctx, call->args[1], &sv) || sv.is_null || sv.type != SM_STRING)
        return sm_bind_fail(ctx, call->args[1],
                            "[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema \"%s\" is not a "
                            "valid schema string. The input expression must be string literal and "
                            "not null.",
                            sm_bind_sql(ctx, call->args[1]));
    const sm_dtype *dt = NULL;
    int rc = fj_schema_type(sv.v.str.ptr, (size_t)sv.v.str.len, &dt);
    if (rc == SM_NOMEM) return rc;
    if (rc || !dt)
        return sm_bind_fail(ctx, call->args[1],
                            "[PARSE_SYNTAX_ERROR] Syntax error in the schema of from_json: '%.*s' is "
                            "not a DDL type or column list.",
                            (int)sv.v.str.len, sv.v.str.ptr);
    char tn[512];
    if (dt->id != SM_STRUCT && dt->id != SM_ARRAY && dt->id != SM_MAP) {
        fj_upper_type(tn, sizeof tn, dt);
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA] Cannot resolve \"%s\" due to data "
                            "type mismatch: Input schema \"%s\" must be a struct, an array or a map.",
                            sm_bind_sql(ctx, call), tn);
    }
    if (dt->id == SM_MAP && dt->elem->id != SM_STRING) {
        fj_upper_type(tn, sizeof tn, dt);
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.INVALID_JSON_MAP_KEY_TYPE] Cannot resolve \"entries\" "
                            "due to data type mismatch: Input schema \"%s\" can only contain STRING "
                            "as a key type for a MAP.",
                            tn);
    }
    const char **kv;
    SM_TRY(fj_options_arg(ctx, call, 2, &kv));
    fj_state *st = fj_new_state(ctx, call);
    if (!st) return SM_NOMEM;
    SM_TRY(json_options_parse(kv, &st->opt));
    st->have_opt = true;
    if (st->opt.mode == JSON_DROPMALFORMED)
        return sm_bind_fail(ctx, call,
                            "[PARSE_MODE_UNSUPPORTED] The function from_json doesn't support the "
                            "DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.");
    if (st->opt.date_format && (rc = sm_dtfmt_compile(st->opt.date_format, &st->date_fmt))) return rc;
    if (st->opt.timestamp_format && (rc = sm_dtfmt_compile(st->opt.timestamp_format, &st->ts_fmt)))
        return rc;
    st->dt = dt;
    if (dt->id == SM_STRUCT)
        for (int f = 0; f < dt->nfields; f++)
            if (strcmp(dt->fields[f].name, st->opt.corrupt_col) == 0 && dt->fields[f].type->id == SM_STRING)
                st->corrupt = f;
    call->type = dt->id;
    call->dt = dt;
    call->nullable = true;
    return SM_OK;
}

static int fj_failfast(const char *s, int32_t len) {
    (void)s;
    (void)len;
    return sm_err(SM_INVALID,
                  "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
                  "record parsing: [null]. Parse Mode: FAILFAST. To process malformed records as null "
                  "result, try setting the option 'mode' as 'PERMISSIVE'.");
}

/* Appends one struct row converted from object node obj (-1: malformed,
 * every field null), the corrupt field holding the text when bad. */
static int fj_struct_row(const fj_state *st, const json_conv_cfg *cfg, const json_doc *d, int32_t obj,
                         const char *text, int32_t tlen, sm_vector *res) {
    const sm_dtype *dt = st->dt;
    int nf = dt->nfields;
    bool bad = obj < 0;
    int rc = SM_OK;
    for (int f = 0; f < nf && rc == SM_OK; f++) {
        if (f == st->corrupt) continue;
        int32_t slot = -1;
        if (obj >= 0) {
            const char *name = dt->fields[f].name;
            int32_t nl = (int32_t)strlen(name);
            for (int32_t m = d->nodes[obj].first; m >= 0; m = d->nodes[m].next)
                if (d->nodes[m].key_len == nl && memcmp(json_key(d, &d->nodes[m]), name, (size_t)nl) == 0)
                    slot = m;
        }
        bool b = false;
        rc = json_convert(cfg, d, slot, dt->fields[f].type, res->children[f], &b);
        bad |= b;
    }
    if (rc == SM_OK && st->corrupt >= 0) {
        sm_vector *c = res->children[st->corrupt];
        rc = bad ? sm_vector_append_str(c, text, tlen) : sm_vector_append_null(c);
    }
    if (rc == SM_OK) rc = sm_vector_end_struct(res);
    if (rc == SM_OK && bad && st->opt.mode == JSON_FAILFAST) rc = fj_failfast(text, tlen);
    return rc;
}

static int from_json_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    const fj_state *st = call->state;
    sm_vector *res = sm_vector_new_dt(st->dt, n);
    if (!res) return SM_NOMEM;
    json_conv_cfg cfg = {&st->opt, ctx->tz ? ctx->tz : sm_tz_utc(), st->date_fmt, st->ts_fmt};
    json_doc d;
    json_doc_init(&d, &st->opt);
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t len;
        const char *s = fx_str(args[0], row, &len);
        int32_t root = -1;
        const char *next;
        int r = json_parse_value(&d, s, s + len, &root, &next);
        if (r == -2) {
            rc = sm_err(SM_NOMEM, "out of memory parsing JSON");
            break;
        }
        if (r == 1) { /* blank: null */
            rc = sm_vector_append_null(res);
            continue;
        }
        int kind = r == 0 ? d.nodes[root].kind : -1;
        if (st->dt->id == SM_STRUCT) {
            rc = fj_struct_row(st, &cfg, &d, kind == JN_OBJECT ? root : -1, s, len, res);
            continue;
        }
        /* arrays and maps: all or nothing */
        bool ok = false;
        const sm_dtype *conv_dt = st->dt;
        bool wrap = false;
        if (st->dt->id == SM_ARRAY && kind == JN_ARRAY) ok = true;
        else if (st->dt->id == SM_ARRAY && kind == JN_OBJECT && st->dt->elem->id == SM_STRUCT) {
            ok = true; /* an object read as a one-element array of structs */
            wrap = true;
            conv_dt = st->dt->elem;
        } else if (st->dt->id == SM_MAP && kind == JN_OBJECT) ok = true;
        if (ok) {
            bool bad = false;
            rc = json_convert(&cfg, &d, root, conv_dt, NULL, &bad);
            if (rc) break;
            ok = !bad;
        }
        if (!ok) {
            rc = st->opt.mode == JSON_FAILFAST ? fj_failfast(s, len) : sm_vector_append_null(res);
            continue;
        }
        if (wrap) {
            rc = json_convert(&cfg, &d, root, conv_dt, res->children[0], NULL);
            if (rc == SM_OK) rc = sm_vector_end_list(res);
        } else {
            rc = json_convert(&cfg, &d, root, conv_dt, res, NULL);
        }
    }
    json_doc_free(&d);
    return fx_finish(res, rc, out);
}

/* ---- to_json ------------------------------------------------------------------------------ */

static int to_json_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    const sm_expr *a = call->args[0];
    if (a->type != SM_STRUCT && a->type != SM_ARRAY && a->type != SM_MAP) {
        char tn[512];
        sm_type_format(tn, sizeof tn, a->type, a->precision, a->scale, a->dt);
        for (char *p = tn; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA] Cannot resolve \"%s\" due to data "
                            "type mismatch: Input schema \"%s\" must be a struct, an array or a map.",
                            sm_bind_sql(ctx, call), tn);
    }
    const char **kv;
    SM_TRY(fj_options_arg(ctx, call, 1, &kv));
    fj_state *st = fj_new_state(ctx, call);
    if (!st) return SM_NOMEM;
    SM_TRY(json_write_opts_parse(kv, &st->wopt));
    st->have_wopt = true;
    st->dt = sm_nested_expr_dtype(a);
    if (!st->dt) return SM_NOMEM;
    call->type = SM_STRING;
    call->nullable = a->nullable;
    return SM_OK;
}

static int to_json_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                        sm_vector **out) {
    const fj_state *st = call->state;
    sm_vector *res = sm_vector_new(SM_STRING, n);
    if (!res) return SM_NOMEM;
    sm_buf b = {0};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_null(args[0], row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        b.len = 0;
        rc = json_format_value(&st->wopt, ctx->tz, args[0], row, st->dt, &b);
        if (rc == SM_OK) rc = fx_append_buf(res, &b, false);
    }
    sm_buf_free(&b);
    return fx_finish(res, rc, out);
}

/* ---- get_json_object ------------------------------------------------------------------------ */

enum { PI_KEY, PI_SUBSCRIPT, PI_WILDCARD, PI_INDEX, PI_NAMED };

typedef struct {
    int kind;
    int64_t index;
    const char *name;
    int32_t name_len;
} fj_pi;

static const char *fj_ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')) p++;
    return p;
}

/* JsonPathParser: $ then (.* | ['*'] | .name | ['name'] | [*] | [n])*;
 * whitespace skipped before each token (RegexParsers).  Returns the number
 * of instructions, or -1 when the path does not parse. */
static int fj_parse_path(const char *p, int32_t len, fj_pi *pi, int cap) {
    const char *e = p + len;
    p = fj_ws(p, e);
    if (p >= e || *p != '$') return -1;
    p++;
    int n = 0;
    for (;;) {
        p = fj_ws(p, e);
        if (p >= e) return n;
        if (n + 2 > cap) return -1;
        if (e - p >= 2 && p[0] == '.' && p[1] == '*') {
            pi[n++].kind = PI_WILDCARD;
            p += 2;
        } else if (e - p >= 5 && memcmp(p, "['*']", 5) == 0) {
            pi[n++].kind = PI_WILDCARD;
            p += 5;
        } else if (*p == '.') {
            p = fj_ws(p + 1, e);
            const char *s = p;
            while (p < e && *p != '.' && *p != '[') p++;
            if (p == s) return -1;
            pi[n++].kind = PI_KEY;
            pi[n] = (fj_pi){PI_NAMED, 0, s, (int32_t)(p - s)};
            n++;
        } else if (e - p >= 2 && p[0] == '[' && p[1] == '\'') {
            p = fj_ws(p + 2, e);
            const char *s = p;
            while (p < e && *p != '\'') p++;
            if (p == s || e - p < 2 || p[1] != ']') return -1;
            pi[n++].kind = PI_KEY;
            pi[n] = (fj_pi){PI_NAMED, 0, s, (int32_t)(p - s)};
            n++;
            p += 2;
        } else if (*p == '[') {
            p = fj_ws(p + 1, e);
            pi[n++].kind = PI_SUBSCRIPT;
            if (p < e && *p == '*') {
                pi[n++].kind = PI_WILDCARD;
                p++;
            } else {
                int64_t v = 0;
                const char *s = p;
                while (p < e && *p >= '0' && *p <= '9') {
                    if (v > (INT64_MAX - 9) / 10) return -1;
                    v = v * 10 + (*p++ - '0');
                }
                if (p == s) return -1;
                pi[n++] = (fj_pi){PI_INDEX, v, NULL, 0};
            }
            p = fj_ws(p, e);
            if (p >= e || *p != ']') return -1;
            p++;
        } else {
            return -1;
        }
    }
}

/* A JacksonGenerator model: values inside an open array get commas. */
typedef struct {
    sm_buf *out;
    int depth;
    int32_t *cnt; /* per open array: values written */
    int rc;
} fj_gen;

enum { ST_RAW, ST_QUOTED, ST_FLATTEN };

static void g_sep(fj_gen *g) {
    if (g->depth > 0 && g->cnt[g->depth - 1]++ > 0 && !g->rc) g->rc = sm_buf_putc(g->out, ',');
}
static void g_put(fj_gen *g, const char *s, size_t n) {
    if (!g->rc && n) g->rc = sm_buf_append(g->out, s, n);
}
static void g_start(fj_gen *g) {
    g_sep(g);
    g_put(g, "[", 1);
    g->cnt[g->depth++] = 0;
}
static void g_end(fj_gen *g) {
    g->depth--;
    g_put(g, "]", 1);
}
static void g_copy(fj_gen *g, const json_doc *d, int32_t n) {
    g_sep(g);
    if (!g->rc) g->rc = json_node_serialize(d, n, g->out);
}

typedef struct {
    const json_doc *d;
    const fj_pi *pi;
    int np;
} fj_walk;

static bool fj_eval(const fj_walk *w, fj_gen *g, int32_t n, int p, int style);

static bool fj_eval_field(const fj_walk *w, fj_gen *g, int32_t m, int p, int style) {
    const json_node *mn = &w->d->nodes[m];
    if (p >= w->np) return false;
    const fj_pi *ins = &w->pi[p];
    if (ins->kind == PI_NAMED && mn->key_len == ins->name_len &&
        memcmp(json_key(w->d, mn), ins->name, (size_t)ins->name_len) == 0) {
        if (mn->kind == JN_NULL) return false;
        return fj_eval(w, g, m, p + 1, style);
    }
    if (ins->kind == PI_WILDCARD) return fj_eval(w, g, m, p + 1, style);
    return false;
}

static bool fj_eval(const fj_walk *w, fj_gen *g, int32_t n, int p, int style) {
    const json_doc *d = w->d;
    const json_node *nd = &d->nodes[n];
    if (g->rc) return false;
    if (p >= w->np) {
        if (nd->kind == JN_STRING && style == ST_RAW) {
            g_put(g, json_text(d, nd), (size_t)nd->len);
            return true;
        }
        if (nd->kind == JN_ARRAY && style == ST_FLATTEN) {
            bool dirty = false;
            for (int32_t c = nd->first; c >= 0; c = d->nodes[c].next) dirty |= fj_eval(w, g, c, p, style);
            return dirty;
        }
        g_copy(g, d, n);
        return true;
    }
    const fj_pi *ins = &w->pi[p];
    if (nd->kind == JN_OBJECT && ins->kind == PI_KEY) {
        bool dirty = false;
        for (int32_t m = nd->first; m >= 0 && !dirty; m = d->nodes[m].next)
            dirty = fj_eval_field(w, g, m, p + 1, style);
        return dirty;
    }
    if (nd->kind != JN_ARRAY || ins->kind != PI_SUBSCRIPT || p + 1 >= w->np) return false;
    const fj_pi *nx = &w->pi[p + 1];
    if (nx->kind == PI_WILDCARD) {
        if (p + 3 < w->np && w->pi[p + 2].kind == PI_SUBSCRIPT && w->pi[p + 3].kind == PI_WILDCARD) {
            bool dirty = false;
            g_start(g);
            for (int32_t c = nd->first; c >= 0; c = d->nodes[c].next)
                dirty |= fj_eval(w, g, c, p + 4, ST_FLATTEN);
            g_end(g);
            return dirty;
        }
        if (style != ST_QUOTED) {
            int next = style == ST_RAW ? ST_QUOTED : ST_FLATTEN;
            sm_buf tmp = {0};
            int32_t *cnt = sm_malloc(sizeof *cnt * (size_t)(w->np + 2));
            if (!cnt) {
                g->rc = SM_NOMEM;
                return false;
            }
            fj_gen sub = {&tmp, 0, cnt, SM_OK};
            int dirty = 0;
            g_start(&sub);
            for (int32_t c = nd->first; c >= 0; c = d->nodes[c].next)
                dirty += fj_eval(w, &sub, c, p + 2, next) ? 1 : 0;
            g_end(&sub);
            sm_free(cnt);
            if (sub.rc) g->rc = sub.rc;
            else if (dirty > 1) {
                g_sep(g);
                g_put(g, tmp.data, tmp.len);
            } else if (dirty == 1) {
                g_sep(g);
                g_put(g, tmp.data + 1, tmp.len - 2);
            }
            sm_buf_free(&tmp);
            return dirty > 0;
        }
        bool dirty = false;
        g_start(g);
        for (int32_t c = nd->first; c >= 0; c = d->nodes[c].next) dirty |= fj_eval(w, g, c, p + 2, ST_QUOTED);
        g_end(g);
        return dirty;
    }
    if (nx->kind != PI_INDEX) return false;
    int st2 = (p + 3 < w->np && w->pi[p + 2].kind == PI_SUBSCRIPT && w->pi[p + 3].kind == PI_WILDCARD)
                  ? ST_QUOTED
                  : style;
    int64_t i = 0;
    for (int32_t c = nd->first; c >= 0; c = d->nodes[c].next, i++)
        if (i == nx->index) return fj_eval(w, g, c, p + 2, st2);
    return false;
}

static int get_json_object_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_resolve_sig(ctx, call, "SS", SM_STRING));
    call->nullable = true;
    return SM_OK;
}

static int get_json_object_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                                sm_vector **out) {
    (void)ctx;
    json_options o;
    fj_shared_options(&o);
    sm_vector *res = sm_vector_new(SM_STRING, n);
    if (!res) return SM_NOMEM;
    json_doc d;
    json_doc_init(&d, &o);
    sm_buf b = {0};
    fj_pi *pi = NULL;
    int32_t *cnt = NULL;
    int picap = 0;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (fx_any_null(args, 2, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t plen;
        const char *ps = fx_str(args[1], row, &plen);
        if (plen + 2 > picap) {
            sm_free(pi);
            sm_free(cnt);
            picap = plen + 2;
            pi = sm_malloc(sizeof *pi * (size_t)picap);
            cnt = sm_malloc(sizeof *cnt * (size_t)(picap + 2));
            if (!pi || !cnt) {
                rc = sm_err(SM_NOMEM, "out of memory in get_json_object");
                break;
            }
        }
        int np = fj_parse_path(ps, plen, pi, picap);
        int32_t root = np < 0 ? -1 : fj_parse(&d, args[0], row, &rc);
        if (rc) break;
        if (root < 0) {
            rc = sm_vector_append_null(res);
            continue;
        }
        b.len = 0;
        fj_gen g = {&b, 0, cnt, SM_OK};
        fj_walk w = {&d, pi, np};
        bool m = fj_eval(&w, &g, root, 0, ST_RAW);
        if (g.rc) rc = g.rc;
        else rc = fx_append_buf(res, &b, !m);
    }
    sm_free(pi);
    sm_free(cnt);
    sm_buf_free(&b);
    json_doc_free(&d);
    return fx_finish(res, rc, out);
}

/* ---- __json_tuple (json_tuple's struct) --------------------------------------------------- */

static int json_tuple_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->type != SM_STRING && call->args[i]->type != SM_NULLTYPE)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.NON_STRING_TYPE] Cannot resolve \"%s\" due to data "
                                "type mismatch: all arguments must be strings.",
                                sm_bind_sql(ctx, call));
    SM_TRY(fx_coerce_all(ctx, call, 0, SM_STRING));
    int nf = call->nargs - 1;
    sm_dtype_field *f = sm_arena_alloc(ctx->arena, sizeof *f * (size_t)(nf + 1));
    if (!f) return SM_NOMEM;
    const sm_dtype *s = sm_dtype_scalar(SM_STRING, 0, 0);
    for (int i = 0; i < nf; i++) {
        char nm[24];
        snprintf(nm, sizeof nm, "c%d", i);
        f[i] = (sm_dtype_field){sm_arena_strdup(ctx->arena, nm), s, true};
        if (!f[i].name) return SM_NOMEM;
    }
    const sm_dtype *dt = sm_dtype_struct(nf, f);
    if (!dt) return SM_NOMEM;
    call->type = SM_STRUCT;
    call->dt = dt;
    call->nullable = false;
    return SM_OK;
}

static int json_tuple_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                           sm_vector **out) {
    (void)ctx;
    json_options o;
    fj_shared_options(&o);
    sm_vector *res = sm_vector_new_dt(call->dt, n);
    if (!res) return SM_NOMEM;
    int nf = call->nargs - 1;
    int32_t *slot = sm_malloc(sizeof *slot * (size_t)(nf + 1));
    json_doc d;
    json_doc_init(&d, &o);
    sm_buf b = {0};
    int rc = slot ? SM_OK : sm_err(SM_NOMEM, "out of memory in json_tuple");
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        for (int f = 0; f < nf; f++) slot[f] = -1;
        int32_t root = fx_null(args[0], row) ? -1 : fj_parse(&d, args[0], row, &rc);
        if (rc) break;
        if (root >= 0 && d.nodes[root].kind == JN_OBJECT) {
            for (int32_t m = d.nodes[root].first; m >= 0; m = d.nodes[m].next) {
                const json_node *mn = &d.nodes[m];
                if (mn->kind == JN_NULL) continue;
                for (int f = 0; f < nf; f++) {
                    if (fx_null(args[f + 1], row)) continue;
                    int32_t kl;
                    const char *k = fx_str(args[f + 1], row, &kl);
                    if (kl == mn->key_len && memcmp(k, json_key(&d, mn), (size_t)kl) == 0) slot[f] = m;
                }
            }
        }
        for (int f = 0; f < nf && rc == SM_OK; f++) {
            sm_vector *c = res->children[f];
            int32_t m = slot[f];
            if (m < 0) rc = sm_vector_append_null(c);
            else if (d.nodes[m].kind == JN_STRING)
                rc = sm_vector_append_str(c, json_text(&d, &d.nodes[m]), d.nodes[m].len);
            else {
                b.len = 0;
                rc = json_node_serialize(&d, m, &b);
                if (rc == SM_OK) rc = fx_append_buf(c, &b, false);
            }
        }
        if (rc == SM_OK) rc = sm_vector_end_struct(res);
    }
    sm_free(slot);
    sm_buf_free(&b);
    json_doc_free(&d);
    return fx_finish(res, rc, out);
}

/* ---- schema_of_json ------------------------------------------------------------------------ */

/* DataType.sql: STRUCT<a: BIGINT, `a b`: ARRAY<STRING>>. */
static int fj_type_sql(const sm_dtype *t, sm_buf *b) {
    switch (t->id) {
    case SM_ARRAY:
        SM_TRY(sm_buf_append(b, "ARRAY<", 6));
        SM_TRY(fj_type_sql(t->elem, b));
        return sm_buf_putc(b, '>');
    case SM_MAP:
        SM_TRY(sm_buf_append(b, "MAP<", 4));
        SM_TRY(fj_type_sql(t->elem, b));
        SM_TRY(sm_buf_append(b, ", ", 2));
        SM_TRY(fj_type_sql(t->value, b));
        return sm_buf_putc(b, '>');
    case SM_STRUCT:
        SM_TRY(sm_buf_append(b, "STRUCT<", 7));
        for (int i = 0; i < t->nfields; i++) {
            if (i) SM_TRY(sm_buf_append(b, ", ", 2));
            const char *nm = t->fields[i].name;
            bool plain = (nm[0] >= 'a' && nm[0] <= 'z') || (nm[0] >= 'A' && nm[0] <= 'Z') || nm[0] == '_';
            for (const char *q = nm; *q && plain; q++)
                plain = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                        *q == '_';
            if (plain) SM_TRY(sm_buf_append(b, nm, strlen(nm)));
            else {
                SM_TRY(sm_buf_putc(b, '`'));
                for (const char *q = nm; *q; q++) {
                    if (*q == '`') SM_TRY(sm_buf_putc(b, '`'));
                    SM_TRY(sm_buf_putc(b, *q));
                }
                SM_TRY(sm_buf_putc(b, '`'));
            }
            SM_TRY(sm_buf_append(b, ": ", 2));
            SM_TRY(fj_type_sql(t->fields[i].type, b));
            if (!t->fields[i].nullable) SM_TRY(sm_buf_append(b, " NOT NULL", 9));
        }
        return sm_buf_putc(b, '>');
    default: {
        char tn[128];
        sm_dtype_format(tn, sizeof tn, t);
        for (char *p = tn; *p; p++)
            if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
        return sm_buf_append(b, tn, strlen(tn));
    }
    }
}

/* canonicalizeType of a non-struct root: a wrapper struct reuses the
 * struct canonicalization (null → string, empty structs dropped). */
static const sm_dtype *fj_canonical(const json_options *o, const sm_dtype *t, bool *kept) {
    sm_dtype_field f = {"x", t, true};
    const sm_dtype *w = sm_dtype_struct(1, &f);
    const sm_dtype *c = w ? json_canonical_root(o, w) : NULL;
    *kept = c && c->nfields == 1;
    return c && c->nfields == 1 ? c->fields[0].type : c;
}

static int schema_of_json_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    if (!sm_expr_is_const(call->args[0]))
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due to data "
                            "type mismatch: the input json should be a foldable \"STRING\" expression; "
                            "however, got \"%s\".",
                            sm_bind_sql(ctx, call), sm_bind_sql(ctx, call->args[0]));
    const char **kv;
    SM_TRY(fj_options_arg(ctx, call, 1, &kv));
    fj_state *st = fj_new_state(ctx, call);
    if (!st) return SM_NOMEM;
    SM_TRY(json_options_parse(kv, &st->opt));
    st->have_opt = true;
    call->type = SM_STRING;
    call->nullable = false;
    return SM_OK;
}

static int schema_of_json_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                               sm_vector **out) {
    (void)ctx;
    const fj_state *st = call->state;
    sm_vector *res = sm_vector_new(SM_STRING, n);
    if (!res) return SM_NOMEM;
    json_doc d;
    json_doc_init(&d, &st->opt);
    sm_buf b = {0};
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int32_t len = 0;
        const char *s = fx_null(args[0], row) ? "" : fx_str(args[0], row, &len);
        int32_t root = -1;
        const char *next;
        int r = json_parse_value(&d, s, s + len, &root, &next);
        if (r == -2) {
            rc = sm_err(SM_NOMEM, "out of memory parsing JSON");
            break;
        }
        if (r != 0) {
            rc = sm_err(SM_INVALID,
                        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                        "detected in record parsing: [%.*s]. Parse Mode: FAILFAST. To process malformed "
                        "records as null result, try setting the option 'mode' as 'PERMISSIVE'.",
                        (int)(len > 200 ? 200 : len), s);
            break;
        }
        const sm_dtype *t = json_infer_node(&st->opt, &d, root);
        if (!t) {
            rc = SM_NOMEM;
            break;
        }
        bool kept;
        const sm_dtype *c;
        if (t->id == SM_STRUCT) {
            c = json_canonical_root(&st->opt, t);
        } else if (t->id == SM_ARRAY && t->elem->id == SM_STRUCT) {
            const sm_dtype *e = json_canonical_root(&st->opt, t->elem);
            c = e ? sm_dtype_array(e, t->contains_null) : NULL;
        } else {
            c = fj_canonical(&st->opt, t, &kept);
            if (c && !kept) c = sm_dtype_scalar(SM_STRING, 0, 0);
        }
        if (!c) {
            rc = SM_NOMEM;
            break;
        }
        b.len = 0;
        rc = fj_type_sql(c, &b);
        if (rc == SM_OK) rc = fx_append_buf(res, &b, false);
    }
    sm_buf_free(&b);
    json_doc_free(&d);
    return fx_finish(res, rc, out);
}

/* ---- json_array_length, json_object_keys ------------------------------------------------- */

static int json_array_length_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_resolve_sig(ctx, call, "S", SM_INT));
    call->nullable = true;
    return SM_OK;
}

static int json_array_length_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                                  sm_vector **out) {
    (void)ctx;
    (void)call;
    json_options o;
    fj_shared_options(&o);
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_INT, n, &res));
    json_doc d;
    json_doc_init(&d, &o);
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int32_t root = fx_null(args[0], row) ? -1 : fj_parse(&d, args[0], row, &rc);
        if (rc) break;
        if (root < 0 || d.nodes[root].kind != JN_ARRAY) rc = fx_set_null(res, row);
        else SM_VEC_I32(res)[row] = d.nodes[root].nkids;
    }
    json_doc_free(&d);
    return fx_finish(res, rc, out);
}

static int json_object_keys_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    const sm_dtype *dt = sm_dtype_array(sm_dtype_scalar(SM_STRING, 0, 0), false);
    if (!dt) return SM_NOMEM;
    call->type = SM_ARRAY;
    call->dt = dt;
    call->nullable = true;
    return SM_OK;
}

static int json_object_keys_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                                 sm_vector **out) {
    (void)ctx;
    json_options o;
    fj_shared_options(&o);
    sm_vector *res = sm_vector_new_dt(call->dt, n);
    if (!res) return SM_NOMEM;
    json_doc d;
    json_doc_init(&d, &o);
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int32_t root = fx_null(args[0], row) ? -1 : fj_parse(&d, args[0], row, &rc);
        if (rc) break;
        if (root < 0 || d.nodes[root].kind != JN_OBJECT) {
            rc = sm_vector_append_null(res);
            continue;
        }
        for (int32_t m = d.nodes[root].first; m >= 0 && rc == SM_OK; m = d.nodes[m].next)
            rc = sm_vector_append_str(res->children[0], json_key(&d, &d.nodes[m]), d.nodes[m].key_len);
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    json_doc_free(&d);
    return fx_finish(res, rc, out);
}

/* ---- the table ----------------------------------------------------------------------------- */

const sm_func_def sm_funcs_json[] = {
    {"from_json", 2, 3, from_json_resolve, from_json_eval, fj_release},
    {"to_json", 1, 2, to_json_resolve, to_json_eval, fj_release},
    {"get_json_object", 2, 2, get_json_object_resolve, get_json_object_eval, NULL},
    {"__json_tuple", 2, -1, json_tuple_resolve, json_tuple_eval, NULL},
    {"schema_of_json", 1, 2, schema_of_json_resolve, schema_of_json_eval, fj_release},
    {"json_array_length", 1, 1, json_array_length_resolve, json_array_length_eval, NULL},
    {"json_object_keys", 1, 1, json_object_keys_resolve, json_object_keys_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
