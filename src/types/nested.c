/*
 * nested.c — vectors of ARRAY, MAP and STRUCT values (types.h, "nested
 * vectors"): construction from a type descriptor, the element-by-element
 * builder, row copies, and Spark's grouping equality, hash and ordering of
 * nested values.
 *
 * Layout (Arrow's): an ARRAY or MAP vector holds int32 offsets (length+1)
 * into its children — children[0] the elements (MAP: the keys),
 * children[1] (MAP) the values; row i spans children rows
 * [off[i], off[i+1]).  A STRUCT vector has no data; children[f] holds field
 * f with exactly one row per row of the struct (a null struct row still
 * has a — null — row in every child).
 *
 * Invariant: a nested vector either has its type (v->dt set and
 * nchildren children made from it) or has neither, in which case every row
 * is null.  Vectors made without a descriptor (sm_vector_new(SM_ARRAY, n),
 * sm_vector_new_nulls, the hash tables' key columns) adopt one from the
 * first non-null row appended to them (sm_vector_append_from), the way
 * decimal vectors adopt their precision and scale.
 *
 * Ordering (Spark's ArrayType / StructType interpreted orderings): arrays
 * compare element by element, a null element before any value, then the
 * shorter first; structs field by field, a null field first.  Doubles:
 * NaN after every number, -0.0 = 0.0.  Maps have no ordering in Spark 3.5
 * (the binder refuses them as sort or grouping keys); the functions here
 * still give them one (entries in order), which is only used for equality.
 *
 * Ownership: children are owned by their parent (one reference each) and
 * released by sm_vector_unref.  Nothing here is thread-safe for writing;
 * reading shared vectors is.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "types/decimal.h"
#include "types/types.h"

/* ---- construction ----------------------------------------------------------------- */

static int nested_make_children(sm_vector *v, const sm_dtype *dt);

sm_vector *sm_vector_new_dt(const sm_dtype *dt, int64_t capacity) {
    if (!dt) return NULL;
    sm_vector *v = sm_vector_new(dt->id, capacity);
    if (!v) return NULL;
    if (dt->id == SM_DECIMAL || dt->id == SM_INTERVAL_YM || dt->id == SM_INTERVAL_DT ||
        dt->id == SM_TIME) {
        v->precision = dt->precision;
        v->scale = dt->scale;
    }
    if (sm_type_is_nested(dt->id) && nested_make_children(v, dt) != SM_OK) {
        sm_vector_unref(v);
        return NULL;
    }
    return v;
}

static int nested_make_children(sm_vector *v, const sm_dtype *dt) {
    int n = dt->id == SM_ARRAY ? 1 : dt->id == SM_MAP ? 2 : dt->nfields;
    v->dt = dt;
    if (n == 0) return SM_OK;
    v->children = sm_calloc((size_t)n, sizeof *v->children);
    if (!v->children) return SM_NOMEM;
    for (int i = 0; i < n; i++) {
        const sm_dtype *c = dt->id == SM_ARRAY ? dt->elem
                            : dt->id == SM_MAP ? (i == 0 ? dt->elem : dt->value)
                                               : dt->fields[i].type;
        v->children[i] = sm_vector_new_dt(c, 16);
        if (!v->children[i]) return SM_NOMEM;
        v->nchildren = i + 1;
    }
    return SM_OK;
}

int sm_vector_set_dt(sm_vector *v, const sm_dtype *dt) {
    if (!dt || !sm_type_is_nested(v->type) || v->dt) return SM_OK;
    if (dt->id != v->type)
        return sm_err(SM_INTERNAL, "sm_vector_set_dt: a %s vector given a %s type",
                      sm_type_name(v->type), sm_type_name(dt->id));
    SM_TRY(nested_make_children(v, dt));
    /* the rows so far are null: a struct's children need one (null) row each */
    if (v->type == SM_STRUCT)
        for (int c = 0; c < v->nchildren; c++)
            for (int64_t r = 0; r < v->length; r++)
                SM_TRY(sm_vector_append_null(v->children[c]));
    return SM_OK;
}

int sm_vector_end_list(sm_vector *v) {
    if (v->type != SM_ARRAY && v->type != SM_MAP)
        return sm_err(SM_INTERNAL, "sm_vector_end_list on a %s vector", sm_type_name(v->type));
    if (!v->dt || v->nchildren < 1)
        return sm_err(SM_INTERNAL, "sm_vector_end_list: the vector has no element type");
    if (v->type == SM_MAP && v->children[0]->length != v->children[1]->length)
        return sm_err(SM_INTERNAL, "sm_vector_end_list: a map with %lld keys and %lld values",
                      (long long)v->children[0]->length, (long long)v->children[1]->length);
    if (v->children[0]->length > INT32_MAX)
        return sm_err(SM_UNSUPPORTED, "an array column holds more than 2^31 elements in one "
                                      "batch; use smaller batches");
    SM_TRY(sm_vector_reserve(v, v->length + 1));
    SM_VEC_OFF(v)[v->length + 1] = (int32_t)v->children[0]->length;
    v->length++;
    return SM_OK;
}

int sm_vector_end_struct(sm_vector *v) {
    if (v->type != SM_STRUCT)
        return sm_err(SM_INTERNAL, "sm_vector_end_struct on a %s vector", sm_type_name(v->type));
    for (int c = 0; c < v->nchildren; c++)
        if (v->children[c]->length != v->length + 1)
            return sm_err(SM_INTERNAL, "sm_vector_end_struct: field %d has %lld rows, not %lld", c,
                          (long long)v->children[c]->length, (long long)(v->length + 1));
    SM_TRY(sm_vector_reserve(v, v->length + 1));
    v->length++;
    return SM_OK;
}

int sm_nested_append_null(sm_vector *v) {
    /* the caller (sm_vector_append_null) has written the offsets and the bit */
    if (v->type == SM_STRUCT)
        for (int c = 0; c < v->nchildren; c++) SM_TRY(sm_vector_append_null(v->children[c]));
    return SM_OK;
}

int sm_nested_append_from(sm_vector *v, const sm_vector *src, int64_t row) {
    if (!src->dt || src->nchildren == 0 || sm_vector_is_null(src, row))
        return sm_vector_append_null(v);
    if (!v->dt) SM_TRY(sm_vector_set_dt(v, src->dt));
    if (v->nchildren != src->nchildren)
        return sm_err(SM_INTERNAL, "append_from: %s vectors of different shapes",
                      sm_type_name(v->type));
    if (v->type == SM_STRUCT) {
        for (int c = 0; c < v->nchildren; c++)
            SM_TRY(sm_vector_append_from(v->children[c], src->children[c], row));
        return sm_vector_end_struct(v);
    }
    const int32_t *off = SM_VEC_OFF(src);
    for (int c = 0; c < v->nchildren; c++)
        for (int64_t k = off[row]; k < off[row + 1]; k++)
            SM_TRY(sm_vector_append_from(v->children[c], src->children[c], k));
    return sm_vector_end_list(v);
}

sm_vector *sm_nested_take(const sm_vector *src, const int32_t *sel, int64_t n) {
    sm_vector *v = src->dt ? sm_vector_new_dt(src->dt, n) : sm_vector_new(src->type, n);
    if (!v) return NULL;
    for (int64_t i = 0; i < n; i++)
        if (sm_nested_append_from(v, src, sel[i]) != SM_OK) {
            sm_vector_unref(v);
            return NULL;
        }
    return v;
}

sm_vector *sm_nested_from_value(const sm_value *x, sm_type type, int64_t n) {
    const sm_vector *src = x->is_null ? NULL : x->v.ref.vec;
    if (!src || src->type != type) return sm_vector_new_nulls(type, n);
    sm_vector *v = src->dt ? sm_vector_new_dt(src->dt, n) : sm_vector_new(type, n);
    if (!v) return NULL;
    for (int64_t i = 0; i < n; i++)
        if (sm_nested_append_from(v, src, x->v.ref.row) != SM_OK) {
            sm_vector_unref(v);
            return NULL;
        }
    return v;
}

/* ---- equality, hash, ordering ------------------------------------------------------ */

static inline int nested_cmp_f64(double x, double y) {
    bool nx = isnan(x), ny = isnan(y);
    if (nx || ny) return nx == ny ? 0 : (nx ? 1 : -1);
    return x < y ? -1 : x > y; /* -0.0 == 0.0 */
}

static int nested_cmp_nonnull(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb);

/* Whether two map rows hold the same entries (keys are unique in a map). */
static bool nested_map_same(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    const int32_t *oa = SM_VEC_OFF(a), *ob = SM_VEC_OFF(b);
    if (oa[ra + 1] - oa[ra] != ob[rb + 1] - ob[rb]) return false;
    for (int64_t i = oa[ra]; i < oa[ra + 1]; i++) {
        bool found = false;
        for (int64_t j = ob[rb]; j < ob[rb + 1] && !found; j++)
            if (sm_vector_compare_rows(a->children[0], i, b->children[0], j) == 0) {
                if (sm_vector_compare_rows(a->children[1], i, b->children[1], j) != 0) return false;
                found = true;
            }
        if (!found) return false;
    }
    return true;
}

int sm_vector_compare_rows(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    bool na = sm_vector_is_null(a, ra), nb = sm_vector_is_null(b, rb);
    if (sm_type_is_nested(a->type)) na = na || a->nchildren == 0;
    if (sm_type_is_nested(b->type)) nb = nb || b->nchildren == 0;
    if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
    return nested_cmp_nonnull(a, ra, b, rb);
}

static int nested_cmp_nonnull(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    switch (sm_type_phys(a->type)) {
    case SM_BOOLEAN: return (SM_VEC_BOOL(a)[ra] > SM_VEC_BOOL(b)[rb]) - (SM_VEC_BOOL(a)[ra] < SM_VEC_BOOL(b)[rb]);
    case SM_INT: return (SM_VEC_I32(a)[ra] > SM_VEC_I32(b)[rb]) - (SM_VEC_I32(a)[ra] < SM_VEC_I32(b)[rb]);
    case SM_BIGINT: return (SM_VEC_I64(a)[ra] > SM_VEC_I64(b)[rb]) - (SM_VEC_I64(a)[ra] < SM_VEC_I64(b)[rb]);
    case SM_DOUBLE: return nested_cmp_f64(SM_VEC_F64(a)[ra], SM_VEC_F64(b)[rb]);
    case SM_DECIMAL: {
        __int128 x = SM_VEC_DEC(a)[ra], y = SM_VEC_DEC(b)[rb];
        if (a->scale == b->scale) return (x > y) - (x < y);
        return sm_dec_cmp(x, a->scale, y, b->scale);
    }
    case SM_STRING: {
        int32_t la, lb;
        const char *sa = a->bytes ? sm_vector_str(a, ra, &la) : (la = 0, "");
        const char *sb = b->bytes ? sm_vector_str(b, rb, &lb) : (lb = 0, "");
        int32_t m = la < lb ? la : lb;
        int c = m ? memcmp(sa, sb, (size_t)m) : 0;
        if (c) return c < 0 ? -1 : 1;
        return (la > lb) - (la < lb);
    }
    case SM_INTERVAL_CAL: {
        const sm_cal_interval *x = (const sm_cal_interval *)a->data + ra;
        const sm_cal_interval *y = (const sm_cal_interval *)b->data + rb;
        if (x->months != y->months) return x->months < y->months ? -1 : 1;
        if (x->days != y->days) return x->days < y->days ? -1 : 1;
        return (x->micros > y->micros) - (x->micros < y->micros);
    }
    case SM_STRUCT: {
        int n = a->nchildren < b->nchildren ? a->nchildren : b->nchildren;
        for (int c = 0; c < n; c++) {
            int r = sm_vector_compare_rows(a->children[c], ra, b->children[c], rb);
            if (r) return r;
        }
        return 0;
    }
    case SM_MAP: /* equal as sets of entries, whatever their order */
        if (a->nchildren == 2 && b->nchildren == 2 && nested_map_same(a, ra, b, rb)) return 0;
        /* unequal maps order by their entries as stored */
        __attribute__((fallthrough));
    case SM_ARRAY: {
        const int32_t *oa = SM_VEC_OFF(a), *ob = SM_VEC_OFF(b);
        int64_t la = oa[ra + 1] - oa[ra], lb = ob[rb + 1] - ob[rb];
        int64_t m = la < lb ? la : lb;
        for (int64_t k = 0; k < m; k++)
            for (int c = 0; c < a->nchildren && c < b->nchildren; c++) {
                int r = sm_vector_compare_rows(a->children[c], oa[ra] + k, b->children[c], ob[rb] + k);
                if (r) return r;
            }
        return (la > lb) - (la < lb);
    }
    default: return 0;
    }
}

bool sm_vector_rows_equal(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    return sm_vector_compare_rows(a, ra, b, rb) == 0;
}

static inline uint64_t nested_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
}

uint64_t sm_vector_hash_row(const sm_vector *v, int64_t row) {
    if (sm_vector_is_null(v, row) || (sm_type_is_nested(v->type) && v->nchildren == 0))
        return 0x6a09e667f3bcc908ULL;
    uint64_t h = 0;
    switch (sm_type_phys(v->type)) {
    case SM_BOOLEAN: return SM_VEC_BOOL(v)[row] ? 3 : 2;
    case SM_INT: return nested_mix(0, (uint64_t)(int64_t)SM_VEC_I32(v)[row]);
    case SM_BIGINT: return nested_mix(0, (uint64_t)SM_VEC_I64(v)[row]);
    case SM_DOUBLE: {
        double d = SM_VEC_F64(v)[row];
        if (d == 0.0) d = 0.0;
        if (isnan(d)) return 0x7ff8000000000000ULL;
        memcpy(&h, &d, 8);
        return nested_mix(0, h);
    }
    case SM_DECIMAL: {
        __int128 x = SM_VEC_DEC(v)[row];
        return nested_mix(nested_mix(0, (uint64_t)x), (uint64_t)(x >> 64));
    }
    case SM_STRING: {
        int32_t len = 0;
        const char *s = v->bytes ? sm_vector_str(v, row, &len) : "";
        h = 1469598103934665603ULL;
        for (int32_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
        return nested_mix(h, (uint64_t)len);
    }
    case SM_INTERVAL_CAL: {
        const sm_cal_interval *x = (const sm_cal_interval *)v->data + row;
        return nested_mix(nested_mix(nested_mix(0, (uint64_t)x->months), (uint64_t)x->days),
                          (uint64_t)x->micros);
    }
    case SM_STRUCT:
        h = 0x510e527fade682d1ULL;
        for (int c = 0; c < v->nchildren; c++) h = nested_mix(h, sm_vector_hash_row(v->children[c], row));
        return h;
    case SM_MAP: { /* order-independent: a sum of the entries' hashes */
        const int32_t *off = SM_VEC_OFF(v);
        uint64_t sum = 0;
        for (int64_t k = off[row]; k < off[row + 1]; k++) {
            uint64_t e = 0x3c6ef372fe94f82bULL;
            for (int c = 0; c < v->nchildren; c++) e = nested_mix(e, sm_vector_hash_row(v->children[c], k));
            sum += e;
        }
        return nested_mix(nested_mix(0x1f83d9abfb41bd6bULL, (uint64_t)(off[row + 1] - off[row])), sum);
    }
    case SM_ARRAY: {
        const int32_t *off = SM_VEC_OFF(v);
        h = nested_mix(0x9b05688c2b3e6c1fULL, (uint64_t)(off[row + 1] - off[row]));
        for (int64_t k = off[row]; k < off[row + 1]; k++)
            for (int c = 0; c < v->nchildren; c++) h = nested_mix(h, sm_vector_hash_row(v->children[c], k));
        return h;
    }
    default: return 0;
    }
}

/* ---- type text ------------------------------------------------------------------------ */

/* Parses one type at s[*i..len): array<T>, map<K,V>, struct<name[:] T, ...>
 * or a scalar (sm_type_parse_ps: decimal(p,s), varchar(n), ...). */
static int dt_parse(const char *s, size_t len, size_t *i, int depth, const sm_dtype **out);

static void dt_space(const char *s, size_t len, size_t *i) {
    while (*i < len && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r')) (*i)++;
}

static bool dt_word(const char *s, size_t len, size_t *i, const char *w) {
    size_t n = strlen(w);
    if (*i + n > len || strncasecmp(s + *i, w, n) != 0) return false;
    char c = *i + n < len ? s[*i + n] : ' ';
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
        return false;
    *i += n;
    return true;
}

static bool dt_char(const char *s, size_t len, size_t *i, char c) {
    dt_space(s, len, i);
    if (*i < len && s[*i] == c) {
        (*i)++;
        return true;
    }
    return false;
}

static int dt_parse(const char *s, size_t len, size_t *i, int depth, const sm_dtype **out) {
    if (depth > 64) return -1;
    dt_space(s, len, i);
    if (dt_word(s, len, i, "array")) {
        const sm_dtype *e;
        if (!dt_char(s, len, i, '<') || dt_parse(s, len, i, depth + 1, &e) || !dt_char(s, len, i, '>'))
            return -1;
        *out = sm_dtype_array(e, true);
        return *out ? 0 : -1;
    }
    if (dt_word(s, len, i, "map")) {
        const sm_dtype *k, *v;
        if (!dt_char(s, len, i, '<') || dt_parse(s, len, i, depth + 1, &k) ||
            !dt_char(s, len, i, ',') || dt_parse(s, len, i, depth + 1, &v) || !dt_char(s, len, i, '>'))
            return -1;
        *out = sm_dtype_map(k, v, true);
        return *out ? 0 : -1;
    }
    if (dt_word(s, len, i, "struct")) {
        if (!dt_char(s, len, i, '<')) return -1;
        sm_dtype_field f[256];
        char names[256][128];
        int n = 0;
        if (!dt_char(s, len, i, '>')) {
            for (;;) {
                dt_space(s, len, i);
                size_t st = *i, nl = 0;
                if (*i < len && s[*i] == '`') {
                    (*i)++;
                    st = *i;
                    while (*i < len && s[*i] != '`') (*i)++;
                    nl = *i - st;
                    if (*i < len) (*i)++;
                } else {
                    while (*i < len && s[*i] != ':' && s[*i] != ' ' && s[*i] != '<' && s[*i] != '>' &&
                           s[*i] != ',')
                        (*i)++;
                    nl = *i - st;
                }
                if (nl == 0 || nl >= sizeof names[0] || n >= 256) return -1;
                memcpy(names[n], s + st, nl);
                names[n][nl] = 0;
                dt_char(s, len, i, ':');
                if (dt_parse(s, len, i, depth + 1, &f[n].type)) return -1;
                f[n].name = names[n];
                f[n].nullable = true;
                dt_space(s, len, i);
                if (dt_word(s, len, i, "not")) { /* NOT NULL */
                    dt_space(s, len, i);
                    if (!dt_word(s, len, i, "null")) return -1;
                    f[n].nullable = false;
                }
                n++;
                if (dt_char(s, len, i, ',')) continue;
                if (dt_char(s, len, i, '>')) break;
                return -1;
            }
        }
        *out = sm_dtype_struct(n, f);
        return *out ? 0 : -1;
    }
    /* a scalar: up to the next , < > : at depth 0 of parentheses */
    size_t st = *i;
    int par = 0;
    while (*i < len) {
        char c = s[*i];
        if (c == '(') par++;
        else if (c == ')') par--;
        else if (par == 0 && (c == ',' || c == '<' || c == '>')) break;
        (*i)++;
    }
    size_t e = *i;
    while (e > st && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    /* NOT NULL after a struct field's type is handled by the caller */
    if (e - st > 9 && strncasecmp(s + e - 8, "not null", 8) == 0) {
        e -= 8;
        *i = e;
        while (e > st && s[e - 1] == ' ') e--;
    }
    int p = 0, sc = 0;
    int t = sm_type_parse_ps(s + st, e - st, &p, &sc);
    if (t < 0) return -1;
    *out = sm_dtype_scalar((sm_type)t, p, sc);
    return *out ? 0 : -1;
}

int sm_dtype_parse(const char *s, size_t len, const sm_dtype **out) {
    size_t i = 0;
    const sm_dtype *t = NULL;
    if (dt_parse(s, len, &i, 0, &t)) return -1;
    dt_space(s, len, &i);
    if (i != len) return -1;
    *out = t;
    return (int)t->id;
}
