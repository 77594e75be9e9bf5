/*
 * func_nested.c — Spark's functions over ARRAY, MAP and STRUCT values:
 * constructors (array, map, named_struct, struct, map_from_arrays), access
 * (x[i] / m[k], element_at, struct fields), collection functions (size,
 * array_contains, sort_array, array_distinct, array_join, array_min/max,
 * flatten, slice, array_position, array_remove, arrays_zip, map_keys,
 * map_values, map_entries, concat of arrays), and the text forms of nested
 * values (CAST AS STRING and the spark-sql shell's Hive form) plus CASTs
 * between nested types.
 *
 * Types: every call of a nested result type sets call->dt (an interned
 * descriptor, types.h); its elements' types come from the arguments'
 * (sm_nested_expr_dtype).  Constructors coerce their elements to one wider
 * type as Spark's CreateArray / CreateMap do (string promotion included).
 *
 * Evaluation builds results with the nested builder (types.h): elements
 * appended to the result's children, then sm_vector_end_list /
 * sm_vector_end_struct per row.  struct() shares its argument vectors as
 * the result's children (no copy); a struct field read shares the field's
 * child vector when the struct has no null rows.
 *
 * Semantics (Spark 3.5, checked with PySpark): x[i] is 0-based and null out
 * of range (ANSI: [INVALID_ARRAY_INDEX]); element_at is 1-based, negative
 * from the end, 0 is an error, out of range null (ANSI: error); a missing
 * map key is null.  size(null) is -1 unless ANSI mode (then null).  map()
 * refuses null and duplicate keys (mapKeyDedupPolicy EXCEPTION).  Text
 * forms: CAST gives "[1, 2]", "{a -> 1}", "{1, x}" with "null" inside; the
 * Hive form "[1,2]", {"a":1}? no: {1:"a"} for maps and {"f":1} for structs,
 * strings quoted and nulls "null" inside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr/eval_internal.h"
#include "expr/func_common.h"
#include "types/decimal.h"

/* ---- types ---------------------------------------------------------------------------- */

const sm_dtype *sm_nested_expr_dtype(const sm_expr *e) {
    if (sm_type_is_nested(e->type) && e->dt) return e->dt;
    return sm_dtype_scalar(e->type, e->precision, e->scale);
}

static void nz_set_type(sm_expr *e, const sm_dtype *dt) {
    e->type = dt->id;
    e->dt = sm_type_is_nested(dt->id) ? dt : NULL;
    e->precision = dt->precision;
    e->scale = dt->scale;
}

static int nz_type_error(sm_bind_ctx *ctx, const sm_expr *call, int param, const char *required) {
    char got[256];
    const sm_expr *a = call->args[param - 1];
    sm_type_format(got, sizeof got, a->type, a->precision, a->scale, a->dt);
    for (char *p = got; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data "
                        "type mismatch: Parameter %d requires the %s type, however \"%s\" has the "
                        "type \"%s\".",
                        sm_bind_sql(ctx, call), param, required, sm_bind_sql(ctx, a), got);
}

/* Coerces call->args[i] (every `step`-th from `first`) to one type; *out
 * the common type's descriptor (NULL type when every one is NULL). */
static int nz_unify(sm_bind_ctx *ctx, sm_expr *call, int first, int step, const sm_dtype **out) {
    int t = SM_NULLTYPE;
    const sm_dtype *nested = NULL;
    for (int pass = 0; pass < 2; pass++)
        for (int i = first; i < call->nargs; i += step) {
            sm_expr *a = call->args[i];
            if ((a->type == SM_STRING) != (pass == 0)) continue;
            if (sm_type_is_nested(a->type)) {
                if (nested && nested != a->dt && a->dt)
                    return sm_bind_fail(ctx, call,
                                        "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" "
                                        "due to data type mismatch: Input to `%s` should all be "
                                        "the same type.",
                                        sm_bind_sql(ctx, call), call->name);
                if (a->dt) nested = a->dt;
                if (t != SM_NULLTYPE && t != (int)a->type) t = -1;
                else t = a->type;
            } else {
                t = sm_type_wider((sm_type)t, a->type);
            }
            if (t < 0)
                return sm_bind_fail(ctx, call,
                                    "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due "
                                    "to data type mismatch: Input to `%s` should all be the same "
                                    "type.",
                                    sm_bind_sql(ctx, call), call->name);
        }
    if (sm_type_is_nested((sm_type)t)) {
        *out = nested ? nested : sm_dtype_scalar(SM_NULLTYPE, 0, 0);
        return SM_OK;
    }
    int p = 0, s = 0;
    if (t == SM_DECIMAL) {
        int n = 0;
        sm_expr *tmp[64];
        for (int i = first; i < call->nargs && n < 64; i += step) tmp[n++] = call->args[i];
        sm_expr_wider_decimal(tmp, n, &p, &s);
    }
    for (int i = first; i < call->nargs; i += step) {
        sm_expr *c = t == SM_DECIMAL ? sm_expr_coerce_dec(ctx, call->args[i], p, s)
                                     : sm_expr_coerce(ctx, call->args[i], (sm_type)t);
        if (!c) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        call->args[i] = c;
    }
    *out = sm_dtype_scalar((sm_type)t, p, s);
    return *out ? SM_OK : SM_NOMEM;
}

static bool nz_any_nullable(const sm_expr *call, int first, int step) {
    for (int i = first; i < call->nargs; i += step)
        if (call->args[i]->nullable || call->args[i]->type == SM_NULLTYPE) return true;
    return false;
}

static sm_vector *nz_new(const sm_expr *call, int64_t n) {
    if (call->dt) return sm_vector_new_dt(call->dt, n > 0 ? n : 1);
    sm_vector *v = sm_vector_new(call->type, n > 0 ? n : 1);
    if (v && call->type == SM_DECIMAL) v->precision = call->precision, v->scale = call->scale;
    return v;
}

/* The element / key / value child of a nested argument (NULL for a vector
 * without children: all rows null). */
static inline const sm_vector *nz_child(const sm_vector *v, int i) {
    return v->nchildren > i ? v->children[i] : NULL;
}

static inline bool nz_null(const sm_vector *v, int64_t row) {
    return sm_vector_is_null(v, row) || (sm_type_is_nested(v->type) && v->nchildren == 0);
}

/* ---- array(...) / map(...) / named_struct / struct ------------------------------------------ */

static int array_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    const sm_dtype *et;
    SM_TRY(nz_unify(ctx, call, 0, 1, &et));
    const sm_dtype *dt = sm_dtype_array(et, nz_any_nullable(call, 0, 1));
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = false;
    return SM_OK;
}

static int array_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ctx;
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        for (int i = 0; i < call->nargs && rc == SM_OK; i++)
            rc = sm_vector_append_from(res->children[0], args[i], row);
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

static int map_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs % 2)
        return sm_bind_fail(ctx, call,
                            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `map` requires 2n (n > 0) "
                            "parameters but the actual number is %d.",
                            call->nargs);
    const sm_dtype *kt, *vt;
    SM_TRY(nz_unify(ctx, call, 0, 2, &kt));
    SM_TRY(nz_unify(ctx, call, 1, 2, &vt));
    if (kt->id == SM_MAP)
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.INVALID_MAP_KEY_TYPE] Cannot resolve \"%s\" due to "
                            "data type mismatch: The key of map cannot be/contain \"MAP\".",
                            sm_bind_sql(ctx, call));
    const sm_dtype *dt = sm_dtype_map(kt, vt, nz_any_nullable(call, 1, 2));
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = false;
    return SM_OK;
}

static int nz_null_key(void) {
    return sm_err(SM_INVALID, "[NULL_MAP_KEY] Cannot use null as map key.");
}

static int nz_dup_key(const sm_vector *keys, int64_t k) {
    sm_value v;
    sm_vector_get(keys, k, &v);
    sm_buf b = {0};
    sm_value_to_string(&v, NULL, &b);
    int rc = sm_err(SM_INVALID,
                    "[DUPLICATED_MAP_KEY] Duplicate map key %s was found, please check the input "
                    "data. If you want to remove the duplicated keys, you can set "
                    "\"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the key inserted at "
                    "last takes precedence.",
                    b.data ? sm_buf_cstr(&b) : "?");
    sm_buf_free(&b);
    return rc;
}

/* Checks the entries of the row being built (keys from `start`). */
static int nz_check_keys(const sm_vector *keys, int64_t start) {
    for (int64_t k = start; k < keys->length; k++) {
        if (nz_null(keys, k)) return nz_null_key();
        for (int64_t j = start; j < k; j++)
            if (sm_vector_rows_equal(keys, j, keys, k)) return nz_dup_key(keys, k);
    }
    return SM_OK;
}

static int map_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                    sm_vector **out) {
    (void)ctx;
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int64_t start = res->children[0]->length;
        for (int i = 0; i + 1 < call->nargs && rc == SM_OK; i += 2) {
            rc = sm_vector_append_from(res->children[0], args[i], row);
            if (rc == SM_OK) rc = sm_vector_append_from(res->children[1], args[i + 1], row);
        }
        if (rc == SM_OK) rc = nz_check_keys(res->children[0], start);
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

static int struct_finish(sm_bind_ctx *ctx, sm_expr *call, int nf, sm_dtype_field *f) {
    (void)ctx;
    const sm_dtype *dt = sm_dtype_struct(nf, f);
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = false;
    return SM_OK;
}

static int named_struct_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->nargs % 2 || call->nargs == 0)
        return sm_bind_fail(ctx, call,
                            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `named_struct` requires 2n "
                            "(n > 0) parameters but the actual number is %d.",
                            call->nargs);
    int nf = call->nargs / 2;
    sm_dtype_field *f = sm_arena_alloc(ctx->arena, sizeof *f * (size_t)nf);
    sm_expr **vals = sm_arena_alloc(ctx->arena, sizeof *vals * (size_t)nf);
    if (!f || !vals) return SM_NOMEM;
    for (int i = 0; i < nf; i++) {
        sm_value nm;
        const sm_expr *k = call->args[2 * i];
        if (k->type != SM_STRING || !fx_const_arg(ctx, k, &nm) || nm.is_null)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING] "
                                "Cannot resolve \"%s\" due to data type mismatch: Only foldable "
                                "`STRING` expressions are allowed to appear at odd position.",
                                sm_bind_sql(ctx, call));
        char *s = sm_arena_strndup(ctx->arena, nm.v.str.ptr, (size_t)nm.v.str.len);
        if (!s) return SM_NOMEM;
        f[i].name = s;
        f[i].type = sm_nested_expr_dtype(call->args[2 * i + 1]);
        f[i].nullable = call->args[2 * i + 1]->nullable || call->args[2 * i + 1]->type == SM_NULLTYPE;
        vals[i] = call->args[2 * i + 1];
    }
    /* evaluation needs only the values: the names live in the type */
    call->args = vals;
    call->nargs = nf;
    return struct_finish(ctx, call, nf, f);
}

static int struct_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    int nf = call->nargs;
    sm_dtype_field *f = sm_arena_alloc(ctx->arena, sizeof *f * (size_t)(nf ? nf : 1));
    if (!f) return SM_NOMEM;
    for (int i = 0; i < nf; i++) {
        sm_expr *a = call->args[i];
        const sm_expr *s = a;
        while (s->kind == SM_EX_CAST && s->implicit && s->nargs == 1) s = s->args[0];
        if ((s->kind == SM_EX_ALIAS || s->kind == SM_EX_COLUMN) && s->name) {
            f[i].name = s->name;
        } else if (s->kind == SM_EX_CALL && s->fn && strcmp(s->fn->name, "get_struct_field") == 0 &&
                   s->args[0]->dt) {
            f[i].name = s->args[0]->dt->fields[s->args[1]->lit.v.i32].name;
        } else {
            char *nm = sm_arena_printf(ctx->arena, "col%d", i + 1);
            if (!nm) return SM_NOMEM;
            f[i].name = nm;
        }
        f[i].type = sm_nested_expr_dtype(a);
        f[i].nullable = a->nullable || a->type == SM_NULLTYPE;
    }
    return struct_finish(ctx, call, nf, f);
}

static int struct_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out) {
    (void)ctx;
    sm_vector *res = sm_vector_new(SM_STRUCT, 0);
    if (!res) return SM_NOMEM;
    res->dt = call->dt;
    res->children = sm_calloc((size_t)(call->nargs ? call->nargs : 1), sizeof *res->children);
    if (!res->children) {
        sm_vector_unref(res);
        return SM_NOMEM;
    }
    for (int i = 0; i < call->nargs; i++) res->children[i] = sm_vector_ref(args[i]);
    res->nchildren = call->nargs;
    res->length = n;
    res->capacity = n;
    *out = res;
    return SM_OK;
}

/* ---- struct fields ----------------------------------------------------------------------- */

/* get_struct_field(s, i): field i of s; made by the binder for s.f. */
static int get_field_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    const sm_expr *s = call->args[0];
    int i = call->args[1]->lit.v.i32;
    if (s->type != SM_STRUCT || !s->dt || i < 0 || i >= s->dt->nfields)
        return sm_err(SM_INTERNAL, "get_struct_field on a %s", sm_type_name(s->type));
    nz_set_type(call, s->dt->fields[i].type);
    call->nullable = s->nullable || s->dt->fields[i].nullable;
    return SM_OK;
}

static int get_field_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    (void)ctx;
    const sm_vector *s = args[0];
    int i = call->args[1]->lit.v.i32;
    if (s->nchildren <= i) {
        *out = sm_vector_new_nulls(call->type, n);
        return *out ? SM_OK : SM_NOMEM;
    }
    sm_vector *c = s->children[i];
    if (!s->validity && c->length == n) {
        *out = sm_vector_ref(c);
        return SM_OK;
    }
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++)
        rc = sm_vector_is_null(s, row) ? sm_vector_append_null(res)
                                       : sm_vector_append_from(res, c, row);
    return fx_finish(res, rc, out);
}

/* __field(x, 'f'): (expr).f, resolved to get_struct_field(x, index) */
static int field_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_expr *s = call->args[0], *f = call->args[1];
    if (s->type != SM_STRUCT || !s->dt) {
        char got[256];
        sm_type_format(got, sizeof got, s->type, s->precision, s->scale, s->dt);
        for (char *q = got; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
        return sm_bind_fail(ctx, call,
                            "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"%s\". "
                            "Need a complex type [STRUCT, ARRAY, MAP] but got \"%s\".",
                            sm_bind_sql(ctx, s), got);
    }
    int fi = -1;
    for (int i = 0; i < s->dt->nfields && fi < 0; i++)
        if ((int32_t)strlen(s->dt->fields[i].name) == f->lit.v.str.len &&
            strncasecmp(s->dt->fields[i].name, f->lit.v.str.ptr, (size_t)f->lit.v.str.len) == 0)
            fi = i;
    if (fi < 0)
        return sm_bind_fail(ctx, call, "[FIELD_NOT_FOUND] No such struct field `%.*s`.",
                            (int)f->lit.v.str.len, f->lit.v.str.ptr);
    sm_expr *lit = sm_expr_new(ctx->arena, SM_EX_LITERAL);
    if (!lit) return SM_NOMEM;
    lit->lit = (sm_value){.type = SM_INT, .v.i32 = fi};
    lit->type = SM_INT;
    lit->col_index = -1;
    call->args[1] = lit;
    call->fn = sm_func_find("get_struct_field");
    if (!call->fn) return sm_err(SM_INTERNAL, "get_struct_field is not registered");
    return call->fn->resolve(ctx, call);
}

/* ---- element access ----------------------------------------------------------------------- */

/* Finds key row `row` of kv in map row `mrow`: the entry index, or -1. */
static int64_t nz_map_find(const sm_vector *m, int64_t mrow, const sm_vector *kv, int64_t row) {
    const sm_vector *keys = nz_child(m, 0);
    if (!keys) return -1;
    int64_t a, b;
    sm_vector_list_range(m, mrow, &a, &b);
    for (int64_t k = a; k < b; k++)
        if (sm_vector_compare_rows(keys, k, kv, row) == 0) return k;
    return -1;
}

static int subscript_resolve_common(sm_bind_ctx *ctx, sm_expr *call, bool one_based) {
    sm_expr *c = call->args[0];
    if (c->type == SM_ARRAY) {
        SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
        nz_set_type(call, c->dt ? c->dt->elem : sm_dtype_scalar(SM_NULLTYPE, 0, 0));
        call->nullable = true;
        (void)one_based;
        return SM_OK;
    }
    if (c->type == SM_MAP) {
        const sm_dtype *kt = c->dt ? c->dt->elem : NULL;
        if (kt && !sm_type_is_nested(kt->id)) {
            if (kt->id == SM_DECIMAL) {
                sm_expr *k = sm_expr_coerce_dec(ctx, call->args[1], kt->precision, kt->scale);
                if (!k) return SM_NOMEM;
                call->args[1] = k;
            } else {
                SM_TRY(fx_coerce(ctx, call, 1, kt->id));
            }
        }
        nz_set_type(call, c->dt ? c->dt->value : sm_dtype_scalar(SM_NULLTYPE, 0, 0));
        call->nullable = true;
        return SM_OK;
    }
    if (c->type == SM_NULLTYPE) {
        call->type = SM_NULLTYPE;
        call->nullable = true;
        return SM_OK;
    }
    return nz_type_error(ctx, call, 1, "(\"ARRAY\" or \"MAP\")");
}

static int subscript_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return subscript_resolve_common(ctx, call, false);
}
static int element_at_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    return subscript_resolve_common(ctx, call, true);
}

static int nz_index_error(bool element_at, int64_t idx, int64_t len) {
    if (element_at)
        return sm_err(SM_INVALID,
                      "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index %lld is out of bounds. The "
                      "array has %lld elements. Use `try_element_at` to tolerate accessing "
                      "element at invalid index and return NULL instead. If necessary set "
                      "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                      (long long)idx, (long long)len);
    return sm_err(SM_INVALID,
                  "[INVALID_ARRAY_INDEX] The index %lld is out of bounds. The array has %lld "
                  "elements. Use the SQL function `get()` to tolerate accessing element at "
                  "invalid index and return NULL instead. If necessary set "
                  "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                  (long long)idx, (long long)len);
}

static int access_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                       sm_vector **out, bool element_at) {
    const sm_vector *c = args[0], *k = args[1];
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (nz_null(c, row) || sm_vector_is_null(k, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        if (c->type == SM_MAP) {
            int64_t at = nz_map_find(c, row, k, row);
            rc = at < 0 ? sm_vector_append_null(res) : sm_vector_append_from(res, c->children[1], at);
            continue;
        }
        int64_t a, b;
        sm_vector_list_range(c, row, &a, &b);
        int64_t len = b - a, idx = SM_VEC_I32(k)[row], at;
        if (element_at) {
            if (idx == 0) {
                rc = sm_err(SM_INVALID, "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index "
                                        "shall be either < 0 or > 0 (the first element has index "
                                        "1).");
                break;
            }
            at = idx > 0 ? idx - 1 : len + idx;
        } else {
            at = idx;
        }
        if (at < 0 || at >= len) {
            if (ctx && ctx->ansi) rc = nz_index_error(element_at, idx, len);
            else rc = sm_vector_append_null(res);
            continue;
        }
        rc = sm_vector_append_from(res, c->children[0], a + at);
    }
    return fx_finish(res, rc, out);
}

static int subscript_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    return access_eval(ctx, call, args, n, out, false);
}
static int element_at_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    return access_eval(ctx, call, args, n, out, true);
}

/* ---- size ---------------------------------------------------------------------------------- */

static int size_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    sm_type t = call->args[0]->type;
    if (t != SM_ARRAY && t != SM_MAP && t != SM_NULLTYPE)
        return nz_type_error(ctx, call, 1, "(\"ARRAY\" or \"MAP\")");
    call->type = SM_INT;
    call->nullable = ctx->ansi && call->args[0]->nullable;
    return SM_OK;
}

static int size_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    (void)call;
    sm_vector *res = NULL;
    SM_TRY(fx_new_fixed(SM_INT, n, &res));
    for (int64_t row = 0; row < n; row++) {
        if (nz_null(args[0], row)) {
            if (ctx && ctx->ansi) SM_TRY(fx_set_null(res, row));
            else SM_VEC_I32(res)[row] = -1;
            continue;
        }
        int64_t a, b;
        sm_vector_list_range(args[0], row, &a, &b);
        SM_VEC_I32(res)[row] = (int32_t)(b - a);
    }
    *out = res;
    return SM_OK;
}

/* ---- array functions ------------------------------------------------------------------------ */

static int nz_need_array(sm_bind_ctx *ctx, sm_expr *call, int i) {
    if (call->args[i]->type == SM_ARRAY) return SM_OK;
    if (call->args[i]->type == SM_NULLTYPE) {
        /* NULL as an array: array<void> */
        const sm_dtype *dt = sm_dtype_array(sm_dtype_scalar(SM_NULLTYPE, 0, 0), true);
        sm_expr *c = sm_expr_coerce(ctx, call->args[i], SM_ARRAY);
        if (!c || !dt) return SM_NOMEM;
        c->dt = dt;
        call->args[i] = c;
        return SM_OK;
    }
    return nz_type_error(ctx, call, i + 1, "\"ARRAY\"");
}

/* Coerces argument i to the element type of args[0] (an array). */
static int nz_coerce_to_elem(sm_bind_ctx *ctx, sm_expr *call, int i) {
    const sm_dtype *et = call->args[0]->dt ? call->args[0]->dt->elem : NULL;
    if (!et) return SM_OK;
    sm_expr *a = call->args[i];
    if (sm_type_is_nested(et->id)) return SM_OK;
    if (a->type != et->id && et->id != SM_NULLTYPE) {
        int w = sm_type_wider(et->id, a->type);
        if (w < 0)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES] Cannot resolve \"%s\" "
                                "due to data type mismatch: Input to `%s` should have been "
                                "\"ARRAY\" followed by a value with same element type.",
                                sm_bind_sql(ctx, call), call->name);
    }
    if (et->id == SM_DECIMAL) {
        sm_expr *c = sm_expr_coerce_dec(ctx, a, et->precision, et->scale);
        if (!c) return SM_NOMEM;
        call->args[i] = c;
        return SM_OK;
    }
    if (et->id == SM_NULLTYPE) return SM_OK;
    return fx_coerce(ctx, call, i, et->id);
}

static int array_contains_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_array(ctx, call, 0));
    if (call->args[1]->type == SM_NULLTYPE)
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.NULL_TYPE] Cannot resolve \"%s\" due to data type "
                            "mismatch: Null typed values cannot be used as arguments of `%s`.",
                            sm_bind_sql(ctx, call), call->name);
    SM_TRY(nz_coerce_to_elem(ctx, call, 1));
    call->type = SM_BOOLEAN;
    call->nullable = true;
    return SM_OK;
}

static int array_contains_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    (void)ctx, (void)call;
    sm_vector *res = NULL;
    SM_TRY(fx_new_fixed(SM_BOOLEAN, n, &res));
    const sm_vector *c = args[0], *v = args[1], *el = nz_child(c, 0);
    for (int64_t row = 0; row < n; row++) {
        if (nz_null(c, row) || sm_vector_is_null(v, row)) {
            SM_TRY(fx_set_null(res, row));
            continue;
        }
        int64_t a, b;
        sm_vector_list_range(c, row, &a, &b);
        bool found = false, saw_null = false;
        for (int64_t k = a; k < b && !found; k++) {
            if (nz_null(el, k)) saw_null = true;
            else if (sm_vector_compare_rows(el, k, v, row) == 0) found = true;
        }
        if (!found && saw_null) SM_TRY(fx_set_null(res, row));
        else SM_VEC_BOOL(res)[row] = found;
    }
    *out = res;
    return SM_OK;
}

static int array_position_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(array_contains_resolve(ctx, call));
    call->type = SM_BIGINT;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int array_position_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    (void)ctx, (void)call;
    sm_vector *res = NULL;
    SM_TRY(fx_new_fixed(SM_BIGINT, n, &res));
    const sm_vector *c = args[0], *v = args[1], *el = nz_child(c, 0);
    for (int64_t row = 0; row < n; row++) {
        if (nz_null(c, row) || sm_vector_is_null(v, row)) {
            SM_TRY(fx_set_null(res, row));
            continue;
        }
        int64_t a, b, pos = 0;
        sm_vector_list_range(c, row, &a, &b);
        for (int64_t k = a; k < b; k++)
            if (!nz_null(el, k) && sm_vector_compare_rows(el, k, v, row) == 0) {
                pos = k - a + 1;
                break;
            }
        SM_VEC_I64(res)[row] = pos;
    }
    *out = res;
    return SM_OK;
}

/* Result type = the first argument's (an array). */
static int same_array_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_array(ctx, call, 0));
    nz_set_type(call, call->args[0]->dt ? call->args[0]->dt
                                         : sm_dtype_array(sm_dtype_scalar(SM_NULLTYPE, 0, 0), true));
    call->nullable = call->args[0]->nullable;
    return SM_OK;
}

static int array_remove_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(same_array_resolve(ctx, call));
    SM_TRY(nz_coerce_to_elem(ctx, call, 1));
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int sort_array_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(same_array_resolve(ctx, call));
    if (call->nargs == 2) {
        sm_value v;
        if (call->args[1]->type != SM_BOOLEAN || !fx_const_arg(ctx, call->args[1], &v))
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" "
                                "due to data type mismatch: Parameter 2 requires the \"BOOLEAN\" "
                                "type and must be a constant.",
                                sm_bind_sql(ctx, call));
    }
    if (call->dt && call->dt->elem->id == SM_MAP)
        return sm_bind_fail(ctx, call,
                            "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"%s\" due "
                            "to data type mismatch: The `sort_array` does not support ordering on "
                            "type \"ARRAY<MAP>\".",
                            sm_bind_sql(ctx, call));
    return SM_OK;
}

typedef struct {
    const sm_vector *el;
    bool desc;
} nz_sort_ctx;
static _Thread_local nz_sort_ctx nz_sc;

static int nz_cmp_idx(const void *x, const void *y) {
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    int c = sm_vector_compare_rows(nz_sc.el, a, nz_sc.el, b);
    if (nz_sc.desc) c = -c;
    if (c == 0) c = (a > b) - (a < b);
    return c;
}

/* Builds each row's array from a list of element indexes chosen by `pick`
 * (which fills idx, returns the count, or -1 for a null row). */
typedef int64_t (*nz_pick)(const sm_expr *call, sm_vector **args, int64_t row, int64_t *idx,
                           int *rc);

static int nz_rebuild(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                      nz_pick pick) {
    const sm_vector *c = args[0], *el = nz_child(c, 0);
    sm_vector *res = nz_new(call, n);
    int64_t cap = 0;
    int64_t *idx = NULL;
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (nz_null(c, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int64_t a, b;
        sm_vector_list_range(c, row, &a, &b);
        if (b - a > cap) {
            cap = b - a;
            int64_t *ni = sm_realloc(idx, sizeof *idx * (size_t)cap);
            if (!ni) {
                rc = SM_NOMEM;
                break;
            }
            idx = ni;
        }
        int64_t k = pick(call, args, row, idx, &rc);
        if (rc != SM_OK) break;
        if (k < 0) {
            rc = sm_vector_append_null(res);
            continue;
        }
        for (int64_t i = 0; i < k && rc == SM_OK; i++)
            rc = sm_vector_append_from(res->children[0], el, idx[i]);
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    sm_free(idx);
    return fx_finish(res, rc, out);
}

static int64_t pick_sorted(const sm_expr *call, sm_vector **args, int64_t row, int64_t *idx,
                           int *rc) {
    (void)rc;
    int64_t a, b;
    sm_vector_list_range(args[0], row, &a, &b);
    for (int64_t k = a; k < b; k++) idx[k - a] = k;
    nz_sc.el = nz_child(args[0], 0);
    nz_sc.desc = false;
    if (call->nargs == 2) {
        if (sm_vector_is_null(args[1], row)) return -1;
        nz_sc.desc = !SM_VEC_BOOL(args[1])[row];
    }
    qsort(idx, (size_t)(b - a), sizeof *idx, nz_cmp_idx);
    return b - a;
}

static int sort_array_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    (void)ctx;
    return nz_rebuild(call, args, n, out, pick_sorted);
}

static int64_t pick_distinct(const sm_expr *call, sm_vector **args, int64_t row, int64_t *idx,
                             int *rc) {
    (void)call, (void)rc;
    const sm_vector *el = nz_child(args[0], 0);
    int64_t a, b, m = 0;
    sm_vector_list_range(args[0], row, &a, &b);
    for (int64_t k = a; k < b; k++) {
        bool seen = false;
        for (int64_t j = 0; j < m && !seen; j++) seen = sm_vector_rows_equal(el, idx[j], el, k);
        if (!seen) idx[m++] = k;
    }
    return m;
}

static int array_distinct_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                               int64_t n, sm_vector **out) {
    (void)ctx;
    return nz_rebuild(call, args, n, out, pick_distinct);
}

static int64_t pick_remove(const sm_expr *call, sm_vector **args, int64_t row, int64_t *idx,
                           int *rc) {
    (void)call, (void)rc;
    const sm_vector *el = nz_child(args[0], 0);
    if (sm_vector_is_null(args[1], row)) return -1;
    int64_t a, b, m = 0;
    sm_vector_list_range(args[0], row, &a, &b);
    for (int64_t k = a; k < b; k++)
        if (nz_null(el, k) || sm_vector_compare_rows(el, k, args[1], row) != 0) idx[m++] = k;
    return m;
}

static int array_remove_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                             int64_t n, sm_vector **out) {
    (void)ctx;
    return nz_rebuild(call, args, n, out, pick_remove);
}

/* slice(x, start, length) */
static int slice_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(same_array_resolve(ctx, call));
    SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    SM_TRY(fx_coerce(ctx, call, 2, SM_INT));
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int64_t pick_slice(const sm_expr *call, sm_vector **args, int64_t row, int64_t *idx,
                          int *rc) {
    (void)call;
    if (sm_vector_is_null(args[1], row) || sm_vector_is_null(args[2], row)) return -1;
    int64_t a, b;
    sm_vector_list_range(args[0], row, &a, &b);
    int64_t start = SM_VEC_I32(args[1])[row], len = SM_VEC_I32(args[2])[row], n = b - a;
    if (start == 0) {
        *rc = sm_err(SM_INVALID, "[INVALID_PARAMETER_VALUE.START] The value of parameter(s) "
                                 "`start` in `slice` is invalid: Expects a positive or a negative "
                                 "value for `start`, but got 0.");
        return -1;
    }
    if (len < 0) {
        *rc = sm_err(SM_INVALID,
                     "[INVALID_PARAMETER_VALUE.LENGTH] The value of parameter(s) `length` in "
                     "`slice` is invalid: Expects `length` greater than or equal to 0, but got "
                     "%lld.",
                     (long long)len);
        return -1;
    }
    int64_t s = start > 0 ? start - 1 : n + start;
    if (s < 0 || s >= n) return 0;
    int64_t m = 0;
    for (int64_t k = s; k < n && m < len; k++) idx[m++] = a + k;
    return m;
}

static int slice_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ctx;
    return nz_rebuild(call, args, n, out, pick_slice);
}

/* array_min / array_max */
static int array_minmax_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_array(ctx, call, 0));
    nz_set_type(call, call->args[0]->dt->elem);
    call->nullable = true;
    return SM_OK;
}

static int array_minmax_eval(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                             int sign) {
    const sm_vector *c = args[0], *el = nz_child(c, 0);
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int64_t best = -1;
        if (!nz_null(c, row)) {
            int64_t a, b;
            sm_vector_list_range(c, row, &a, &b);
            for (int64_t k = a; k < b; k++)
                if (!nz_null(el, k) &&
                    (best < 0 || sign * sm_vector_compare_rows(el, k, el, best) > 0))
                    best = k;
        }
        rc = best < 0 ? sm_vector_append_null(res) : sm_vector_append_from(res, el, best);
    }
    return fx_finish(res, rc, out);
}

static int array_min_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    (void)ctx;
    return array_minmax_eval(call, args, n, out, -1);
}
static int array_max_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    (void)ctx;
    return array_minmax_eval(call, args, n, out, 1);
}

/* array_join(x, delimiter[, nullReplacement]) */
static int array_join_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_array(ctx, call, 0));
    for (int i = 1; i < call->nargs; i++) SM_TRY(fx_coerce(ctx, call, i, SM_STRING));
    call->type = SM_STRING;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int array_join_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    const sm_vector *c = args[0];
    sm_vector *strs = NULL;
    if (nz_child(c, 0)) SM_TRY(sm_cast_vector(ctx, c->children[0], SM_STRING, &strs));
    sm_vector *res = sm_vector_new(SM_STRING, n > 0 ? n : 1);
    sm_buf b = {0};
    int rc = res ? SM_OK : SM_NOMEM;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (nz_null(c, row) || fx_any_null(args + 1, call->nargs - 1, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        b.len = 0;
        int32_t dl, nl = 0;
        const char *d = fx_str(args[1], row, &dl), *nr = NULL;
        if (call->nargs == 3) nr = fx_str(args[2], row, &nl);
        int64_t s, e;
        sm_vector_list_range(c, row, &s, &e);
        bool first = true;
        for (int64_t k = s; k < e; k++) {
            int32_t l;
            const char *p;
            if (sm_vector_is_null(strs, k)) {
                if (!nr) continue;
                p = nr, l = nl;
            } else {
                p = fx_str(strs, k, &l);
            }
            if (!first) sm_buf_append(&b, d, (size_t)dl);
            sm_buf_append(&b, p, (size_t)l);
            first = false;
        }
        rc = fx_append_buf(res, &b, false);
    }
    sm_buf_free(&b);
    sm_vector_unref(strs);
    return fx_finish(res, rc, out);
}

/* flatten(array<array<T>>) */
static int flatten_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_array(ctx, call, 0));
    const sm_dtype *dt = call->args[0]->dt;
    if (dt->elem->id != SM_ARRAY)
        return nz_type_error(ctx, call, 1, "\"ARRAY\" of \"ARRAY\"");
    nz_set_type(call, dt->elem);
    call->nullable = call->args[0]->nullable || dt->contains_null;
    return SM_OK;
}

static int flatten_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                        sm_vector **out) {
    (void)ctx;
    const sm_vector *c = args[0], *inner = nz_child(c, 0);
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool null = nz_null(c, row);
        int64_t a = 0, b = 0;
        if (!null) {
            sm_vector_list_range(c, row, &a, &b);
            for (int64_t k = a; k < b && !null; k++) null = nz_null(inner, k);
        }
        if (null) {
            rc = sm_vector_append_null(res);
            continue;
        }
        for (int64_t k = a; k < b && rc == SM_OK; k++) {
            int64_t x, y;
            sm_vector_list_range(inner, k, &x, &y);
            for (int64_t j = x; j < y && rc == SM_OK; j++)
                rc = sm_vector_append_from(res->children[0], inner->children[0], j);
        }
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

/* concat of arrays (func_string.c's concat hands arrays here) */
int sm_nested_concat_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    const sm_dtype *dt = NULL;
    bool contains_null = false;
    for (int i = 0; i < call->nargs; i++) {
        sm_expr *a = call->args[i];
        if (a->type != SM_ARRAY)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due to "
                                "data type mismatch: Input to `concat` should all be the same "
                                "type.",
                                sm_bind_sql(ctx, call));
        if (dt && a->dt != dt && a->dt->elem != dt->elem)
            return sm_bind_fail(ctx, call,
                                "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due to "
                                "data type mismatch: Input to `concat` should all be the same "
                                "type.",
                                sm_bind_sql(ctx, call));
        if (!dt) dt = a->dt;
        contains_null = contains_null || a->dt->contains_null;
    }
    dt = sm_dtype_array(dt->elem, contains_null);
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

int sm_nested_concat_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out) {
    (void)ctx;
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        bool null = false;
        for (int i = 0; i < call->nargs; i++) null = null || nz_null(args[i], row);
        if (null) {
            rc = sm_vector_append_null(res);
            continue;
        }
        for (int i = 0; i < call->nargs && rc == SM_OK; i++) {
            int64_t a, b;
            sm_vector_list_range(args[i], row, &a, &b);
            for (int64_t k = a; k < b && rc == SM_OK; k++)
                rc = sm_vector_append_from(res->children[0], args[i]->children[0], k);
        }
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

/* arrays_zip(a, b, ...): array<struct<name_i: elem_i>> */
static int arrays_zip_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    int nf = call->nargs;
    sm_dtype_field *f = sm_arena_alloc(ctx->arena, sizeof *f * (size_t)(nf ? nf : 1));
    if (!f) return SM_NOMEM;
    for (int i = 0; i < nf; i++) {
        SM_TRY(nz_need_array(ctx, call, i));
        const sm_expr *a = call->args[i];
        char *nm = a->kind == SM_EX_COLUMN && a->name ? a->name
                                                      : sm_arena_printf(ctx->arena, "%d", i);
        if (!nm) return SM_NOMEM;
        f[i].name = nm;
        f[i].type = a->dt->elem;
        f[i].nullable = true;
    }
    const sm_dtype *st = sm_dtype_struct(nf, f);
    const sm_dtype *dt = st ? sm_dtype_array(st, false) : NULL;
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int arrays_zip_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                           int64_t n, sm_vector **out) {
    (void)ctx;
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    sm_vector *st = res->children[0];
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        int64_t len = 0;
        bool null = false;
        for (int i = 0; i < call->nargs; i++) {
            if (nz_null(args[i], row)) {
                null = true;
                break;
            }
            int64_t a, b;
            sm_vector_list_range(args[i], row, &a, &b);
            if (b - a > len) len = b - a;
        }
        if (null) {
            rc = sm_vector_append_null(res);
            continue;
        }
        for (int64_t k = 0; k < len && rc == SM_OK; k++) {
            for (int i = 0; i < call->nargs && rc == SM_OK; i++) {
                int64_t a, b;
                sm_vector_list_range(args[i], row, &a, &b);
                rc = a + k < b ? sm_vector_append_from(st->children[i], args[i]->children[0], a + k)
                               : sm_vector_append_null(st->children[i]);
            }
            if (rc == SM_OK) rc = sm_vector_end_struct(st);
        }
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

/* ---- maps ------------------------------------------------------------------------------------ */

static int nz_need_map(sm_bind_ctx *ctx, sm_expr *call) {
    if (call->args[0]->type == SM_MAP && call->args[0]->dt) return SM_OK;
    return nz_type_error(ctx, call, 1, "\"MAP\"");
}

static int map_keys_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_map(ctx, call));
    const sm_dtype *m = call->args[0]->dt;
    bool keys = strcmp(call->name, "map_keys") == 0;
    const sm_dtype *dt = sm_dtype_array(keys ? m->elem : m->value, keys ? false : m->contains_null);
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = call->args[0]->nullable;
    return SM_OK;
}

static int map_part_eval(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out,
                         int part) {
    const sm_vector *m = args[0];
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (nz_null(m, row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int64_t a, b;
        sm_vector_list_range(m, row, &a, &b);
        sm_vector *dst = res->children[0];
        for (int64_t k = a; k < b && rc == SM_OK; k++) {
            if (part < 2) {
                rc = sm_vector_append_from(dst, m->children[part], k);
            } else {
                rc = sm_vector_append_from(dst->children[0], m->children[0], k);
                if (rc == SM_OK) rc = sm_vector_append_from(dst->children[1], m->children[1], k);
                if (rc == SM_OK) rc = sm_vector_end_struct(dst);
            }
        }
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

static int map_keys_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                         sm_vector **out) {
    (void)ctx;
    return map_part_eval(call, args, n, out, strcmp(call->name, "map_keys") == 0 ? 0 : 1);
}

static int map_entries_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_map(ctx, call));
    const sm_dtype *m = call->args[0]->dt;
    sm_dtype_field f[2] = {{"key", m->elem, false}, {"value", m->value, m->contains_null}};
    const sm_dtype *st = sm_dtype_struct(2, f);
    const sm_dtype *dt = st ? sm_dtype_array(st, false) : NULL;
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = call->args[0]->nullable;
    return SM_OK;
}

static int map_entries_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                            int64_t n, sm_vector **out) {
    (void)ctx;
    return map_part_eval(call, args, n, out, 2);
}

static int map_from_arrays_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(nz_need_array(ctx, call, 0));
    SM_TRY(nz_need_array(ctx, call, 1));
    const sm_dtype *dt = sm_dtype_map(call->args[0]->dt->elem, call->args[1]->dt->elem,
                                      call->args[1]->dt->contains_null);
    if (!dt) return SM_NOMEM;
    nz_set_type(call, dt);
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int map_from_arrays_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args,
                                int64_t n, sm_vector **out) {
    (void)ctx;
    sm_vector *res = nz_new(call, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (nz_null(args[0], row) || nz_null(args[1], row)) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int64_t a, b, x, y;
        sm_vector_list_range(args[0], row, &a, &b);
        sm_vector_list_range(args[1], row, &x, &y);
        if (b - a != y - x) {
            rc = sm_err(SM_INVALID, "[INVALID_PARAMETER_VALUE] The key array and value array of "
                                    "MapData must have the same length.");
            break;
        }
        int64_t start = res->children[0]->length;
        for (int64_t k = 0; k < b - a && rc == SM_OK; k++) {
            rc = sm_vector_append_from(res->children[0], args[0]->children[0], a + k);
            if (rc == SM_OK) rc = sm_vector_append_from(res->children[1], args[1]->children[0], x + k);
        }
        if (rc == SM_OK) rc = nz_check_keys(res->children[0], start);
        if (rc == SM_OK) rc = sm_vector_end_list(res);
    }
    return fx_finish(res, rc, out);
}

/* ---- text forms -------------------------------------------------------------------------------- */

/* Text styles: CAST AS STRING (nested nulls "null"), the spark-sql shell's
 * Hive form, and show()'s (ToPrettyString: nested nulls "NULL"). */
enum { NZ_CAST, NZ_HIVE, NZ_SHOW };

static int nz_format_row(const sm_vector *v, int64_t row, const sm_tz *tz, int style, bool nested,
                         sm_buf *b);

static int nz_format_elem(const sm_vector *v, int64_t row, const sm_tz *tz, int style, sm_buf *b) {
    if (nz_null(v, row)) return sm_buf_append(b, style == NZ_SHOW ? "NULL" : "null", 4);
    return nz_format_row(v, row, tz, style, true, b);
}

static int nz_format_row(const sm_vector *v, int64_t row, const sm_tz *tz, int style, bool nested,
                         sm_buf *b) {
    bool hive = style == NZ_HIVE;
    if (nz_null(v, row)) return sm_buf_append(b, nested ? "null" : "NULL", 4);
    switch (v->type) {
    case SM_ARRAY: {
        int64_t s, e;
        sm_vector_list_range(v, row, &s, &e);
        SM_TRY(sm_buf_putc(b, '['));
        for (int64_t k = s; k < e; k++) {
            if (k > s) SM_TRY(hive ? sm_buf_putc(b, ',') : sm_buf_append(b, ", ", 2));
            SM_TRY(nz_format_elem(v->children[0], k, tz, style, b));
        }
        return sm_buf_putc(b, ']');
    }
    case SM_MAP: {
        int64_t s, e;
        sm_vector_list_range(v, row, &s, &e);
        SM_TRY(sm_buf_putc(b, '{'));
        for (int64_t k = s; k < e; k++) {
            if (k > s) SM_TRY(hive ? sm_buf_putc(b, ',') : sm_buf_append(b, ", ", 2));
            SM_TRY(nz_format_elem(v->children[0], k, tz, style, b));
            SM_TRY(hive ? sm_buf_putc(b, ':') : sm_buf_append(b, " -> ", 4));
            SM_TRY(nz_format_elem(v->children[1], k, tz, style, b));
        }
        return sm_buf_putc(b, '}');
    }
    case SM_STRUCT: {
        SM_TRY(sm_buf_putc(b, '{'));
        for (int c = 0; c < v->nchildren; c++) {
            if (c) SM_TRY(hive ? sm_buf_putc(b, ',') : sm_buf_append(b, ", ", 2));
            if (hive) SM_TRY(sm_buf_appendf(b, "\"%s\":", v->dt->fields[c].name));
            SM_TRY(nz_format_elem(v->children[c], row, tz, style, b));
        }
        return sm_buf_putc(b, '}');
    }
    default: {
        sm_value x;
        sm_vector_get(v, row, &x);
        bool quote = hive && nested && (v->type == SM_STRING);
        if (quote) SM_TRY(sm_buf_putc(b, '"'));
        SM_TRY(sm_value_to_string(&x, tz, b));
        return quote ? sm_buf_putc(b, '"') : SM_OK;
    }
    }
}

int sm_nested_format(const sm_vector *v, int64_t row, const sm_tz *tz, bool hive, sm_buf *b) {
    return nz_format_row(v, row, tz, hive ? NZ_HIVE : NZ_CAST, false, b);
}

int sm_value_to_show_string(const sm_value *v, const sm_tz *tz, sm_buf *buf) {
    if (!v->is_null && sm_type_is_nested(v->type) && v->v.ref.vec)
        return nz_format_row(v->v.ref.vec, v->v.ref.row, tz, NZ_SHOW, false, buf);
    return sm_value_to_string(v, tz, buf);
}

int sm_value_to_hive_string(const sm_value *v, const sm_tz *tz, sm_buf *buf) {
    if (!v->is_null && sm_type_is_nested(v->type) && v->v.ref.vec)
        return sm_nested_format(v->v.ref.vec, v->v.ref.row, tz, true, buf);
    return sm_value_to_string(v, tz, buf);
}

/* ---- casts ---------------------------------------------------------------------------------------- */

bool sm_nested_cast_allowed(const sm_dtype *from, const sm_dtype *to) {
    if (!from || !to) return true;
    if (from == to || from->id == SM_NULLTYPE) return true;
    if (to->id == SM_STRING) return true;
    if (from->id != to->id) {
        if (sm_type_is_nested(from->id) || sm_type_is_nested(to->id)) return false;
        return sm_cast_allowed(from->id, to->id);
    }
    switch (to->id) {
    case SM_ARRAY: return sm_nested_cast_allowed(from->elem, to->elem);
    case SM_MAP:
        return sm_nested_cast_allowed(from->elem, to->elem) &&
               sm_nested_cast_allowed(from->value, to->value);
    case SM_STRUCT:
        if (from->nfields != to->nfields) return false;
        for (int i = 0; i < to->nfields; i++)
            if (!sm_nested_cast_allowed(from->fields[i].type, to->fields[i].type)) return false;
        return true;
    default: return true;
    }
}

static int nz_cast_child(const sm_eval_ctx *ctx, const sm_vector *in, const sm_dtype *to,
                         sm_vector **out);

/* CAST of a whole vector to the type `to` (nested or not). */
int sm_nested_cast(const sm_eval_ctx *ctx, const sm_vector *in, const sm_dtype *to, sm_vector **out) {
    int64_t n = in->length;
    if (to->id == SM_STRING && sm_type_is_nested(in->type)) {
        sm_vector *res = sm_vector_new(SM_STRING, n > 0 ? n : 1);
        if (!res) return SM_NOMEM;
        sm_buf b = {0};
        int rc = SM_OK;
        for (int64_t row = 0; row < n && rc == SM_OK; row++) {
            if (nz_null(in, row)) {
                rc = sm_vector_append_null(res);
                continue;
            }
            b.len = 0;
            rc = nz_format_row(in, row, ctx ? ctx->tz : NULL, NZ_CAST, false, &b);
            if (rc == SM_OK) rc = fx_append_buf(res, &b, false);
        }
        sm_buf_free(&b);
        return fx_finish(res, rc, out);
    }
    if (!sm_type_is_nested(to->id)) {
        if (to->id == SM_DECIMAL) return sm_cast_vector_dec(ctx, in, to->precision, to->scale, out);
        return sm_cast_vector(ctx, in, to->id, out);
    }
    if (in->type == SM_NULLTYPE || in->nchildren == 0 || in->type != to->id) {
        *out = sm_vector_new_nulls(to->id, n);
        return *out ? SM_OK : SM_NOMEM;
    }
    if (in->dt == to) {
        *out = sm_vector_ref((sm_vector *)in);
        return SM_OK;
    }
    /* same shape: offsets and validity copied, children cast */
    sm_vector *res = sm_vector_new(to->id, n > 0 ? n : 1);
    if (!res) return SM_NOMEM;
    res->dt = to;
    int nc = in->nchildren;
    res->children = sm_calloc((size_t)nc, sizeof *res->children);
    int rc = res->children ? SM_OK : SM_NOMEM;
    for (int c = 0; c < nc && rc == SM_OK; c++) {
        const sm_dtype *ct = to->id == SM_ARRAY ? to->elem
                             : to->id == SM_MAP ? (c == 0 ? to->elem : to->value)
                                                : to->fields[c].type;
        rc = nz_cast_child(ctx, in->children[c], ct, &res->children[c]);
        if (rc == SM_OK) res->nchildren = c + 1;
    }
    if (rc == SM_OK && to->id != SM_STRUCT) memcpy(res->data, in->data, sizeof(int32_t) * (size_t)(n + 1));
    for (int64_t row = 0; row < n && rc == SM_OK; row++)
        if (sm_vector_is_null(in, row)) rc = sm_vector_set_null(res, row);
    res->length = n;
    return fx_finish(res, rc, out);
}

static int nz_cast_child(const sm_eval_ctx *ctx, const sm_vector *in, const sm_dtype *to,
                         sm_vector **out) {
    if (to->id == SM_STRING && sm_type_is_nested(in->type)) return sm_nested_cast(ctx, in, to, out);
    return sm_nested_cast(ctx, in, to, out);
}

/* ---- the table ----------------------------------------------------------------------------------- */

const sm_func_def sm_funcs_nested[] = {
    {"array", 0, -1, array_resolve, array_eval, NULL},
    {"map", 0, -1, map_resolve, map_eval, NULL},
    {"named_struct", 0, -1, named_struct_resolve, struct_eval, NULL},
    {"struct", 0, -1, struct_resolve, struct_eval, NULL},
    {"get_struct_field", 2, 2, get_field_resolve, get_field_eval, NULL},
    {"__field", 2, 2, field_resolve, get_field_eval, NULL},
    {"__subscript", 2, 2, subscript_resolve, subscript_eval, NULL},
    {"element_at", 2, 2, element_at_resolve, element_at_eval, NULL},
    {"size", 1, 1, size_resolve, size_eval, NULL},
    {"cardinality", 1, 1, size_resolve, size_eval, NULL},
    {"array_contains", 2, 2, array_contains_resolve, array_contains_eval, NULL},
    {"array_position", 2, 2, array_position_resolve, array_position_eval, NULL},
    {"sort_array", 1, 2, sort_array_resolve, sort_array_eval, NULL},
    {"array_distinct", 1, 1, same_array_resolve, array_distinct_eval, NULL},
    {"array_remove", 2, 2, array_remove_resolve, array_remove_eval, NULL},
    {"slice", 3, 3, slice_resolve, slice_eval, NULL},
    {"array_min", 1, 1, array_minmax_resolve, array_min_eval, NULL},
    {"array_max", 1, 1, array_minmax_resolve, array_max_eval, NULL},
    {"array_join", 2, 3, array_join_resolve, array_join_eval, NULL},
    {"flatten", 1, 1, flatten_resolve, flatten_eval, NULL},
    {"arrays_zip", 1, -1, arrays_zip_resolve, arrays_zip_eval, NULL},
    {"map_keys", 1, 1, map_keys_resolve, map_keys_eval, NULL},
    {"map_values", 1, 1, map_keys_resolve, map_keys_eval, NULL},
    {"map_entries", 1, 1, map_entries_resolve, map_entries_eval, NULL},
    {"map_from_arrays", 2, 2, map_from_arrays_resolve, map_from_arrays_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
