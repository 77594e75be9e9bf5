/*
 * json_infer.c — schema inference for JSON as Spark 3.5's JsonInferSchema.
 *
 * Each record's value gets a type (json_infer_node = inferField):
 *   null and ""                → void (NullType)
 *   a string                   → string (decimal(p,s) with prefersDecimal
 *                                when it reads as a BigDecimal)
 *   an integer                 → bigint; beyond a long decimal(digits, 0);
 *                                beyond 38 digits double
 *   a float, NaN, Infinity     → double (decimal(max(p,s), s) with
 *                                prefersDecimal when that fits 38 digits)
 *   true / false               → boolean
 *   any scalar with primitivesAsString → string
 *   an object                  → struct of its members sorted by name
 *   an array                   → array of the merged element type
 * Records merge (json_merge_root = compatibleRootType): a top-level array's
 * element type stands for it, void documents are skipped, a non-object next
 * to an object adds the corrupt-record column in PERMISSIVE mode, anything
 * else merges with compatibleType (json_merge_types):
 *   equal types; void with anything; bigint+double → double;
 *   double+decimal → double; decimal+decimal → the wider decimal (double
 *   past 38 digits); bigint+decimal as decimal(20,0)+decimal; structs merge
 *   field by field by name; arrays merge their elements; otherwise string.
 * The result is canonicalized (canonicalizeType): void becomes string (or the
 * field is dropped with dropFieldIfAllNull), empty structs and fields with
 * empty names are dropped.
 *
 * Types are interned sm_dtype descriptors (types/dtype.c), so merging
 * compares pointers and nothing here frees anything.
 */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "formats/json.h"
#include "types/decimal.h"

static const sm_dtype *t_null(void) { return sm_dtype_scalar(SM_NULLTYPE, 0, 0); }
static const sm_dtype *t_string(void) { return sm_dtype_scalar(SM_STRING, 0, 0); }
static const sm_dtype *t_double(void) { return sm_dtype_scalar(SM_DOUBLE, 0, 0); }
static const sm_dtype *t_bigint(void) { return sm_dtype_scalar(SM_BIGINT, 0, 0); }

/* java.math.BigDecimal(text): precision and scale; false when it is no
 * number.  Scale may be negative (1E3: precision 1, scale -3). */
static bool bigdecimal_shape(const char *s, int32_t n, int *precision, int *scale) {
    int32_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    int digits = 0, frac = 0, lead = 0;
    bool dot = false, any = false, nonzero = false;
    for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            if (dot) return false;
            dot = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9') return false;
        any = true;
        if (dot) frac++;
        if (!nonzero && s[i] == '0') { lead++; continue; }
        nonzero = true;
        digits++;
    }
    if (!any) return false;
    long exp = 0;
    if (i < n) {
        i++;
        bool neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        if (i >= n) return false;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9') return false;
            if (exp < 100000) exp = exp * 10 + (s[i] - '0');
        }
        if (neg) exp = -exp;
    }
    (void)lead;
    *precision = digits ? digits : 1;
    long sc = (long)frac - exp;
    if (sc > 100000) sc = 100000;
    if (sc < -100000) sc = -100000;
    *scale = (int)sc;
    return true;
}

static const sm_dtype *decimal_or(int p, int s, const sm_dtype *fallback) {
    if (s < 0) return fallback;
    int prec = p > s ? p : s;
    if (prec > SM_DEC_MAX_PRECISION) return fallback;
    return sm_dtype_scalar(SM_DECIMAL, prec, s);
}

static int cmp_field(const void *a, const void *b) {
    const sm_dtype_field *x = a, *y = b;
    return strcmp(x->name, y->name);
}

const sm_dtype *json_infer_node(const json_options *o, const json_doc *d, int32_t ni) {
    const json_node *n = &d->nodes[ni];
    switch (n->kind) {
    case JN_NULL: return t_null();
    case JN_TRUE:
    case JN_FALSE: return o->primitives_as_string ? t_string() : sm_dtype_scalar(SM_BOOLEAN, 0, 0);
    case JN_STRING: {
        if (n->len < 1) return t_null();
        int p, s;
        if (o->prefers_decimal && bigdecimal_shape(json_text(d, n), n->len, &p, &s)) {
            const sm_dtype *t = decimal_or(p, s, NULL);
            if (t) return t;
        }
        return t_string();
    }
    case JN_INT: {
        if (o->primitives_as_string) return t_string();
        const char *t = json_text(d, n);
        int32_t len = n->len, i = t[0] == '-';
        int digits = len - i;
        if (digits < 19) return t_bigint();
        if (digits == 19) {
            /* long range: compare with 9223372036854775807 / ...808 */
            const char *lim = t[0] == '-' ? "9223372036854775808" : "9223372036854775807";
            if (memcmp(t + i, lim, 19) <= 0) return t_bigint();
        }
        return decimal_or(digits, 0, t_double());
    }
    case JN_FLOAT: {
        if (o->primitives_as_string) return t_string();
        int p, s;
        if (o->prefers_decimal && bigdecimal_shape(json_text(d, n), n->len, &p, &s))
            return decimal_or(p, s, t_double());
        return t_double();
    }
    case JN_NAN:
    case JN_POS_INF:
    case JN_NEG_INF: return o->primitives_as_string ? t_string() : t_double();
    case JN_ARRAY: {
        const sm_dtype *e = t_null();
        for (int32_t c = n->first; c >= 0 && e; c = d->nodes[c].next) {
            const sm_dtype *ct = json_infer_node(o, d, c);
            e = ct ? json_merge_types(e, ct) : NULL;
        }
        return e ? sm_dtype_array(e, true) : NULL;
    }
    case JN_OBJECT: {
        int k = n->nkids;
        sm_dtype_field *f = sm_calloc((size_t)k + 1, sizeof *f);
        char **names = sm_calloc((size_t)k + 1, sizeof *names);
        const sm_dtype *res = NULL;
        if (!f || !names) goto done;
        int i = 0;
        for (int32_t c = n->first; c >= 0; c = d->nodes[c].next, i++) {
            const json_node *cn = &d->nodes[c];
            names[i] = sm_strndup(json_key(d, cn), (size_t)cn->key_len);
            if (!names[i]) goto done;
            f[i].name = names[i];
            f[i].nullable = true;
            f[i].type = json_infer_node(o, d, c);
            if (!f[i].type) goto done;
        }
        qsort(f, (size_t)k, sizeof *f, cmp_field);
        /* duplicate keys: one field, the types merged */
        int w = 0;
        for (int r = 0; r < k; r++) {
            if (w > 0 && strcmp(f[w - 1].name, f[r].name) == 0) {
                f[w - 1].type = json_merge_types(f[w - 1].type, f[r].type);
                if (!f[w - 1].type) goto done;
                continue;
            }
            f[w++] = f[r];
        }
        res = sm_dtype_struct(w, f);
    done:
        for (int j = 0; names && j < k; j++) sm_free(names[j]);
        sm_free(names);
        sm_free(f);
        return res;
    }
    default: return t_string();
    }
}

static int num_rank(sm_type t) {
    switch (t) {
    case SM_TINYINT: return 1;
    case SM_SMALLINT: return 2;
    case SM_INT: return 3;
    case SM_BIGINT: return 4;
    case SM_FLOAT: return 5;
    case SM_DOUBLE: return 6;
    default: return 0;
    }
}

static const sm_dtype *decimal_for(const sm_dtype *t) {
    switch (t->id) {
    case SM_TINYINT: return sm_dtype_scalar(SM_DECIMAL, 3, 0);
    case SM_SMALLINT: return sm_dtype_scalar(SM_DECIMAL, 5, 0);
    case SM_INT: return sm_dtype_scalar(SM_DECIMAL, 10, 0);
    case SM_BIGINT: return sm_dtype_scalar(SM_DECIMAL, 20, 0);
    default: return NULL;
    }
}

const sm_dtype *json_merge_types(const sm_dtype *a, const sm_dtype *b) {
    if (!a || !b) return NULL;
    if (a == b) return a;
    if (a->id == SM_NULLTYPE) return b;
    if (b->id == SM_NULLTYPE) return a;
    int ra = num_rank(a->id), rb = num_rank(b->id);
    if (ra && rb) return ra > rb ? a : b;
    if ((a->id == SM_DOUBLE && b->id == SM_DECIMAL) || (a->id == SM_DECIMAL && b->id == SM_DOUBLE))
        return t_double();
    if (a->id == SM_DECIMAL && b->id == SM_DECIMAL) {
        int scale = a->scale > b->scale ? a->scale : b->scale;
        int ra2 = a->precision - a->scale, rb2 = b->precision - b->scale;
        int range = ra2 > rb2 ? ra2 : rb2;
        if (range + scale > SM_DEC_MAX_PRECISION) return t_double();
        return sm_dtype_scalar(SM_DECIMAL, range + scale, scale);
    }
    if (a->id == SM_DECIMAL && decimal_for(b)) return json_merge_types(a, decimal_for(b));
    if (b->id == SM_DECIMAL && decimal_for(a)) return json_merge_types(decimal_for(a), b);
    if (a->id == SM_ARRAY && b->id == SM_ARRAY) {
        const sm_dtype *e = json_merge_types(a->elem, b->elem);
        return e ? sm_dtype_array(e, a->contains_null || b->contains_null) : NULL;
    }
    if (a->id == SM_STRUCT && b->id == SM_STRUCT) {
        /* both sorted by name: a merge */
        int cap = a->nfields + b->nfields;
        sm_dtype_field *f = sm_calloc((size_t)cap + 1, sizeof *f);
        if (!f) return NULL;
        int i = 0, j = 0, n = 0;
        while (i < a->nfields || j < b->nfields) {
            int c = i >= a->nfields ? 1 : j >= b->nfields ? -1 : strcmp(a->fields[i].name, b->fields[j].name);
            if (c < 0) f[n++] = a->fields[i++];
            else if (c > 0) f[n++] = b->fields[j++];
            else {
                f[n] = a->fields[i];
                f[n].nullable = true;
                f[n].type = json_merge_types(a->fields[i].type, b->fields[j].type);
                if (!f[n].type) { sm_free(f); return NULL; }
                n++, i++, j++;
            }
        }
        const sm_dtype *r = sm_dtype_struct(n, f);
        sm_free(f);
        return r;
    }
    return t_string();
}

static const sm_dtype *with_corrupt(const json_options *o, const sm_dtype *st) {
    if (o->mode != JSON_PERMISSIVE) return st;
    for (int i = 0; i < st->nfields; i++)
        if (strcmp(st->fields[i].name, o->corrupt_col) == 0) return st;
    sm_dtype_field *f = sm_calloc((size_t)st->nfields + 2, sizeof *f);
    if (!f) return NULL;
    memcpy(f, st->fields, (size_t)st->nfields * sizeof *f);
    f[st->nfields] = (sm_dtype_field){o->corrupt_col, t_string(), true};
    qsort(f, (size_t)st->nfields + 1, sizeof *f, cmp_field);
    const sm_dtype *r = sm_dtype_struct(st->nfields + 1, f);
    sm_free(f);
    return r;
}

const sm_dtype *json_merge_root(const json_options *o, const sm_dtype *a, const sm_dtype *b) {
    if (!a || !b) return NULL;
    if (a->id == SM_ARRAY) return json_merge_root(o, a->elem, b);
    if (b->id == SM_ARRAY) return json_merge_root(o, a, b->elem);
    if (a->id == SM_STRUCT && b->id == SM_NULLTYPE) return a;
    if (b->id == SM_STRUCT && a->id == SM_NULLTYPE) return b;
    if (a->id == SM_STRUCT && b->id != SM_STRUCT) return with_corrupt(o, a);
    if (b->id == SM_STRUCT && a->id != SM_STRUCT) return with_corrupt(o, b);
    return json_merge_types(a, b);
}

/* canonicalizeType; *keep false = the type is dropped. */
static const sm_dtype *canonical(const json_options *o, const sm_dtype *t, bool *keep, bool *nomem) {
    *keep = true;
    switch (t->id) {
    case SM_NULLTYPE:
        if (o->drop_field_if_all_null) { *keep = false; return NULL; }
        return t_string();
    case SM_ARRAY: {
        bool k;
        const sm_dtype *e = canonical(o, t->elem, &k, nomem);
        if (!k) { *keep = false; return NULL; }
        const sm_dtype *r = e ? sm_dtype_array(e, t->contains_null) : NULL;
        if (!r) *nomem = true;
        return r;
    }
    case SM_STRUCT: {
        sm_dtype_field *f = sm_calloc((size_t)t->nfields + 1, sizeof *f);
        if (!f) { *nomem = true; return NULL; }
        int n = 0;
        for (int i = 0; i < t->nfields; i++) {
            if (!t->fields[i].name[0]) continue;
            bool k;
            const sm_dtype *ft = canonical(o, t->fields[i].type, &k, nomem);
            if (*nomem) { sm_free(f); return NULL; }
            if (!k) continue;
            f[n] = t->fields[i];
            f[n].type = ft;
            n++;
        }
        if (n == 0) {
            sm_free(f);
            *keep = false;
            return NULL;
        }
        const sm_dtype *r = sm_dtype_struct(n, f);
        sm_free(f);
        if (!r) *nomem = true;
        return r;
    }
    default: return t;
    }
}

const sm_dtype *json_canonical_root(const json_options *o, const sm_dtype *root) {
    if (!root) return NULL;
    bool keep = true, nomem = false;
    const sm_dtype *r = canonical(o, root, &keep, &nomem);
    if (nomem) return NULL;
    if (!keep || !r || r->id != SM_STRUCT) return sm_dtype_struct(0, NULL);
    return r;
}
