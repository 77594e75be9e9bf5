/*
 * vector.c — column vectors in the Arrow layout (types.h), batches.
 *
 * Growth: data and validity grow by doubling; a string vector's byte buffer
 * grows independently.  The validity bitmap is created lazily on the first
 * null, all bits set for the rows before it, so all-valid vectors never pay
 * for one.
 *
 * Refcounting: sm_vector_unref frees at zero.  Vectors are shared
 * read-only between batches and threads once built; the count is atomic.
 */
#include "types/types.h"

#include <stdatomic.h>
#include <string.h>

#include "common/copy.h"
#include "common/status.h"
#include "types/decimal.h"

static const char *const type_names[SM_TYPE_COUNT] = {
    "void",   "boolean",  "int",      "bigint", "double",        "string",
    "date",   "timestamp", "decimal", "tinyint", "smallint",     "float",
    "binary", "timestamp_ntz", "interval", "interval", "interval", "array",
    "map",    "struct", "time"};
static const char *const schema_names[SM_TYPE_COUNT] = {
    "void",   "boolean",  "integer",  "long",   "double",        "string",
    "date",   "timestamp", "decimal", "byte",   "short",         "float",
    "binary", "timestamp_ntz", "interval", "interval", "interval", "array",
    "map",    "struct", "time"};
/* bytes per value in `data` (offsets for STRING, BINARY, ARRAY, MAP) */
static const size_t type_widths[SM_TYPE_COUNT] = {0, 1, 4, 8, 8, 4, 4, 8, 16, 4,
                                                  4, 8, 4, 8, 4, 8, 16, 4, 4, 0, 8};
_Static_assert(sizeof(sm_cal_interval) == 16, "calendar intervals fill a 16-byte slot");

const char *sm_type_name(sm_type t) { return t < SM_TYPE_COUNT ? type_names[t] : "unknown"; }
const char *sm_type_schema_name(sm_type t) {
    return t < SM_TYPE_COUNT ? schema_names[t] : "unknown";
}
size_t sm_type_width(sm_type t) { return t < SM_TYPE_COUNT ? type_widths[t] : 0; }
bool sm_type_is_numeric(sm_type t) {
    return sm_type_is_integral(t) || t == SM_FLOAT || t == SM_DOUBLE || t == SM_DECIMAL;
}

static size_t bitmap_bytes(int64_t rows) { return (size_t)((rows + 7) / 8); }

static int grow_rows(sm_vector *v, int64_t rows) {
    if (rows <= v->capacity) return SM_OK;
    int64_t cap = v->capacity ? v->capacity : 16;
    while (cap < rows) cap *= 2;
    size_t w = sm_type_width(v->type);
    if (sm_type_has_offsets(v->type)) {
        int32_t *off = sm_realloc(v->data, (size_t)(cap + 1) * sizeof(int32_t));
        if (!off) return SM_NOMEM;
        if (v->capacity == 0) off[0] = 0;
        v->data = off;
    } else if (w) {
        void *d = sm_realloc(v->data, (size_t)cap * w);
        if (!d) return SM_NOMEM;
        v->data = d;
    }
    if (v->validity) {
        uint8_t *b = sm_realloc(v->validity, bitmap_bytes(cap));
        if (!b) return SM_NOMEM;
        memset(b + bitmap_bytes(v->capacity), 0xff, bitmap_bytes(cap) - bitmap_bytes(v->capacity));
        v->validity = b;
    }
    v->capacity = cap;
    return SM_OK;
}

sm_vector *sm_vector_new(sm_type type, int64_t capacity) {
    sm_vector *v = sm_calloc(1, sizeof *v);
    if (!v) return NULL;
    v->type = type;
    v->refcount = 1;
    if (sm_type_has_offsets(type) && capacity < 1) capacity = 1;
    if (capacity > 0 && grow_rows(v, capacity) != SM_OK) {
        sm_free(v);
        return NULL;
    }
    if (type == SM_STRING && !v->data) {
        v->data = sm_calloc(1, sizeof(int32_t));
        if (!v->data) {
            sm_free(v);
            return NULL;
        }
    }
    return v;
}

sm_vector *sm_vector_new_nulls(sm_type type, int64_t length) {
    sm_vector *v = sm_vector_new(type, length);
    if (!v) return NULL;
    if (type != SM_NULLTYPE) {
        size_t nb = bitmap_bytes(v->capacity > length ? v->capacity : length);
        v->validity = sm_calloc(1, nb ? nb : 1);
        if (!v->validity) {
            sm_vector_unref(v);
            return NULL;
        }
        size_t w = sm_type_width(type);
        if (sm_type_has_offsets(type))
            memset(v->data, 0, (size_t)(length + 1) * sizeof(int32_t));
        else if (w && length)
            memset(v->data, 0, (size_t)length * w);
    }
    v->length = length;
    return v;
}

sm_vector *sm_vector_ref(sm_vector *v) {
    if (v) atomic_fetch_add_explicit((_Atomic int32_t *)&v->refcount, 1, memory_order_relaxed);
    return v;
}

void sm_vector_unref(sm_vector *v) {
    if (!v) return;
    if (atomic_fetch_sub_explicit((_Atomic int32_t *)&v->refcount, 1, memory_order_acq_rel) != 1)
        return;
    sm_free(v->validity);
    sm_free(v->data);
    sm_free(v->bytes);
    for (int i = 0; i < v->nchildren; i++) sm_vector_unref(v->children[i]);
    sm_free(v->children);
    sm_vector_drop_dict(v);
    sm_free(v);
}

void sm_vector_drop_dict(sm_vector *v) {
    if (v->dict) sm_vector_unref(v->dict);
    sm_free(v->dict_codes);
    v->dict = NULL;
    v->dict_codes = NULL;
}

int sm_vector_reserve(sm_vector *v, int64_t rows) { return grow_rows(v, rows); }

int sm_vector_reserve_bytes(sm_vector *v, int64_t extra) {
    if (v->bytes_len + extra <= v->bytes_cap) return SM_OK;
    int64_t cap = v->bytes_cap ? v->bytes_cap : 256;
    while (cap < v->bytes_len + extra) cap *= 2;
    if (cap > INT32_MAX)
        return sm_err(SM_UNSUPPORTED,
                      "a string column holds more than 2 GiB in one batch; use smaller batches");
    char *b = sm_realloc(v->bytes, (size_t)cap);
    if (!b) return SM_NOMEM;
    v->bytes = b;
    v->bytes_cap = cap;
    return SM_OK;
}

int sm_vector_set_null(sm_vector *v, int64_t row) {
    if (v->type == SM_NULLTYPE) return SM_OK;
    if (!v->validity) {
        size_t nb = bitmap_bytes(v->capacity > row + 1 ? v->capacity : row + 1);
        v->validity = sm_malloc(nb ? nb : 1);
        if (!v->validity) return SM_NOMEM;
        memset(v->validity, 0xff, nb ? nb : 1);
    }
    v->validity[row >> 3] &= (uint8_t)~(1u << (row & 7));
    return SM_OK;
}

static inline int ensure_one(sm_vector *v) {
    if (v->length + 1 > v->capacity) return grow_rows(v, v->length + 1);
    return SM_OK;
}

int sm_vector_append_null(sm_vector *v) {
    SM_TRY(ensure_one(v));
    size_t w = sm_type_width(v->type);
    if (sm_type_has_offsets(v->type)) {
        int32_t *off = SM_VEC_OFF(v);
        off[v->length + 1] = off[v->length];
    } else if (w) {
        memset((char *)v->data + (size_t)v->length * w, 0, w);
    }
    SM_TRY(sm_vector_set_null(v, v->length));
    if (v->type == SM_STRUCT) SM_TRY(sm_nested_append_null(v));
    v->length++;
    return SM_OK;
}

int sm_vector_append_bool(sm_vector *v, bool x) {
    SM_TRY(ensure_one(v));
    SM_VEC_BOOL(v)[v->length++] = x ? 1 : 0;
    return SM_OK;
}
int sm_vector_append_i32(sm_vector *v, int32_t x) {
    SM_TRY(ensure_one(v));
    SM_VEC_I32(v)[v->length++] = x;
    return SM_OK;
}
int sm_vector_append_i64(sm_vector *v, int64_t x) {
    SM_TRY(ensure_one(v));
    SM_VEC_I64(v)[v->length++] = x;
    return SM_OK;
}
int sm_vector_append_f64(sm_vector *v, double x) {
    SM_TRY(ensure_one(v));
    SM_VEC_F64(v)[v->length++] = x;
    return SM_OK;
}
int sm_vector_append_str(sm_vector *v, const char *s, int32_t len) {
    SM_TRY(ensure_one(v));
    SM_TRY(sm_vector_reserve_bytes(v, len));
    sm_copy_bytes(v->bytes + v->bytes_len, s, (size_t)len);
    v->bytes_len += len;
    SM_VEC_OFF(v)[v->length + 1] = (int32_t)v->bytes_len;
    v->length++;
    return SM_OK;
}

int sm_vector_append_value(sm_vector *v, const sm_value *x) {
    if (x->is_null || x->type == SM_NULLTYPE) return sm_vector_append_null(v);
    if (sm_type_is_nested(v->type))
        return x->type == v->type && x->v.ref.vec ? sm_nested_append_from(v, x->v.ref.vec, x->v.ref.row)
                                                  : sm_vector_append_null(v);
    switch (sm_type_phys(v->type)) {
    case SM_BOOLEAN: return sm_vector_append_bool(v, x->v.b);
    case SM_INT: return sm_vector_append_i32(v, x->v.i32);
    case SM_BIGINT: return sm_vector_append_i64(v, x->v.i64);
    case SM_DOUBLE: return sm_vector_append_f64(v, x->v.f64);
    case SM_INTERVAL_CAL:
        SM_TRY(ensure_one(v));
        ((sm_cal_interval *)v->data)[v->length++] = x->v.cal;
        return SM_OK;
    case SM_STRING: return sm_vector_append_str(v, x->v.str.ptr, x->v.str.len);
    case SM_DECIMAL: {
        /* rescaled to the vector's type when the value's scale differs */
        __int128 u = x->v.dec;
        if (v->precision == 0) { /* a vector made without a type adopts the first value's */
            v->precision = x->precision;
            v->scale = x->scale;
        }
        if (x->type == SM_DECIMAL && x->scale != v->scale &&
            !sm_dec_convert(u, x->scale, v->precision ? v->precision : 38, v->scale, &u))
            return sm_vector_append_null(v);
        SM_TRY(ensure_one(v));
        SM_VEC_DEC(v)[v->length++] = u;
        return SM_OK;
    }
    default: return sm_vector_append_null(v);
    }
}

int sm_vector_append_from(sm_vector *v, const sm_vector *src, int64_t row) {
    if (v->type == SM_DECIMAL && v->precision == 0 && src->type == SM_DECIMAL) {
        v->precision = src->precision;
        v->scale = src->scale;
    }
    if (sm_vector_is_null(src, row)) return sm_vector_append_null(v);
    if (sm_type_is_nested(v->type)) return sm_nested_append_from(v, src, row);
    switch (sm_type_phys(v->type)) {
    case SM_BOOLEAN: return sm_vector_append_bool(v, SM_VEC_BOOL(src)[row]);
    case SM_INT: return sm_vector_append_i32(v, SM_VEC_I32(src)[row]);
    case SM_BIGINT: return sm_vector_append_i64(v, SM_VEC_I64(src)[row]);
    case SM_DOUBLE: return sm_vector_append_f64(v, SM_VEC_F64(src)[row]);
    case SM_INTERVAL_CAL:
        SM_TRY(ensure_one(v));
        ((sm_cal_interval *)v->data)[v->length++] = ((const sm_cal_interval *)src->data)[row];
        return SM_OK;
    case SM_STRING: {
        int32_t len;
        const char *s = sm_vector_str(src, row, &len);
        return sm_vector_append_str(v, s, len);
    }
    case SM_DECIMAL: {
        __int128 u = SM_VEC_DEC(src)[row];
        if (v->precision == 0) {
            v->precision = src->precision;
            v->scale = src->scale;
        }
        if (src->scale != v->scale &&
            !sm_dec_convert(u, src->scale, v->precision ? v->precision : 38, v->scale, &u))
            return sm_vector_append_null(v);
        SM_TRY(ensure_one(v));
        SM_VEC_DEC(v)[v->length++] = u;
        return SM_OK;
    }
    default: return sm_vector_append_null(v);
    }
}

void sm_vector_get(const sm_vector *v, int64_t row, sm_value *out) {
    memset(out, 0, sizeof *out);
    out->type = v->type;
    out->precision = v->precision;
    out->scale = v->scale;
    if (sm_vector_is_null(v, row)) {
        out->is_null = true;
        return;
    }
    switch (sm_type_phys(v->type)) {
    case SM_BOOLEAN: out->v.b = SM_VEC_BOOL(v)[row] != 0; break;
    case SM_INT: out->v.i32 = SM_VEC_I32(v)[row]; break;
    case SM_BIGINT: out->v.i64 = SM_VEC_I64(v)[row]; break;
    case SM_DOUBLE: out->v.f64 = SM_VEC_F64(v)[row]; break;
    case SM_INTERVAL_CAL: out->v.cal = ((const sm_cal_interval *)v->data)[row]; break;
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT:
        out->v.ref.vec = v;
        out->v.ref.row = row;
        break;
    case SM_STRING: out->v.str.ptr = sm_vector_str(v, row, &out->v.str.len); break;
    case SM_DECIMAL: out->v.dec = SM_VEC_DEC(v)[row]; break;
    default: out->is_null = true; break;
    }
}

sm_vector *sm_vector_take(const sm_vector *src, const int32_t *sel, int64_t n) {
    if (sm_type_is_nested(src->type)) return sm_nested_take(src, sel, n);
    sm_vector *v = sm_vector_new(src->type, n);
    if (!v) return NULL;
    v->precision = src->precision;
    v->scale = src->scale;
    if (src->type == SM_NULLTYPE) {
        v->length = n;
        return v;
    }
    size_t w = sm_type_width(src->type);
    /* the validity bits in one pass, allocated at the first null */
    if (src->validity && !src->dict) {
        const uint8_t *sv = src->validity;
        uint8_t *vb = NULL;
        for (int64_t i = 0; i < n; i++) {
            int32_t r = sel[i];
            if (sv[r >> 3] & (1u << (r & 7))) continue;
            if (!vb) {
                size_t nb = bitmap_bytes(v->capacity > n ? v->capacity : n);
                vb = sm_malloc(nb ? nb : 1);
                if (!vb) {
                    sm_vector_unref(v);
                    return NULL;
                }
                memset(vb, 0xff, nb ? nb : 1);
            }
            vb[i >> 3] &= (uint8_t)~(1u << (i & 7));
        }
        v->validity = vb;
        if (vb) { /* all null (a pruned column): the values are never read */
            int64_t full = n / 8;
            bool any = false;
            for (int64_t i = 0; i < full && !any; i++) any = vb[i] != 0;
            for (int64_t i = full * 8; i < n && !any; i++) any = (vb[i >> 3] >> (i & 7)) & 1;
            if (!any) {
                if (sm_type_phys(src->type) == SM_STRING)
                    memset(v->data, 0, (size_t)(n + 1) * sizeof(int32_t));
                else if (w && n)
                    memset(v->data, 0, (size_t)n * w);
                v->length = n;
                return v;
            }
        }
    }
    if (sm_type_phys(src->type) == SM_STRING) {
        const int32_t *so = SM_VEC_OFF(src);
        int64_t total = 0;
        for (int64_t i = 0; i < n; i++) total += so[sel[i] + 1] - so[sel[i]];
        if (sm_vector_reserve_bytes(v, total) != SM_OK) {
            sm_vector_unref(v);
            return NULL;
        }
        int32_t *off = SM_VEC_OFF(v);
        int32_t pos = 0;
        for (int64_t i = 0; i < n; i++) {
            int32_t a = so[sel[i]], len = so[sel[i] + 1] - a;
            sm_copy_bytes(v->bytes + pos, src->bytes + a, (size_t)len);
            pos += len;
            off[i + 1] = pos;
        }
        v->bytes_len = pos;
    } else if (w == 4) {
        const int32_t *s = src->data;
        int32_t *d = v->data;
        for (int64_t i = 0; i < n; i++) d[i] = s[sel[i]];
    } else if (w == 8) {
        const int64_t *s = src->data;
        int64_t *d = v->data;
        for (int64_t i = 0; i < n; i++) d[i] = s[sel[i]];
    } else if (w == 1) {
        const uint8_t *s = src->data;
        uint8_t *d = v->data;
        for (int64_t i = 0; i < n; i++) d[i] = s[sel[i]];
    } else if (w == 16) {
        const __int128 *s = src->data;
        __int128 *d = v->data;
        for (int64_t i = 0; i < n; i++) d[i] = s[sel[i]];
    }
    if (src->validity && src->dict) {
        for (int64_t i = 0; i < n; i++)
            if (sm_vector_is_null(src, sel[i]) && sm_vector_set_null(v, i) != SM_OK) {
                sm_vector_unref(v);
                return NULL;
            }
    }
    v->length = n;
    if (src->dict && src->dict_codes) { /* the dictionary side channel follows the rows */
        int32_t *codes = sm_malloc((size_t)(n ? n : 1) * sizeof *codes);
        if (codes) { /* without memory the copy is a plain vector, still correct */
            for (int64_t i = 0; i < n; i++) codes[i] = src->dict_codes[sel[i]];
            v->dict = sm_vector_ref(src->dict);
            v->dict_codes = codes;
        }
    }
    return v;
}

sm_vector *sm_vector_from_value(const sm_value *x, sm_type type, int64_t n) {
    if (sm_type_is_nested(type)) return sm_nested_from_value(x, type, n);
    sm_vector *v = x->is_null || x->type == SM_NULLTYPE ? sm_vector_new_nulls(type, n)
                                                        : sm_vector_new(type, n);
    if (!v) return NULL;
    if (type == SM_DECIMAL || type == SM_INTERVAL_YM || type == SM_INTERVAL_DT || type == SM_TIME) {
        /* the value's type is the vector's */
        v->precision = x->precision;
        v->scale = x->scale;
    }
    if (x->is_null || x->type == SM_NULLTYPE) return v;
    switch (sm_type_phys(type)) {
    case SM_BOOLEAN: memset(v->data, x->v.b ? 1 : 0, (size_t)n); break;
    case SM_INT:
        for (int64_t i = 0; i < n; i++) SM_VEC_I32(v)[i] = x->v.i32;
        break;
    case SM_BIGINT:
        for (int64_t i = 0; i < n; i++) SM_VEC_I64(v)[i] = x->v.i64;
        break;
    case SM_INTERVAL_CAL:
        for (int64_t i = 0; i < n; i++) ((sm_cal_interval *)v->data)[i] = x->v.cal;
        break;
    case SM_DOUBLE:
        for (int64_t i = 0; i < n; i++) SM_VEC_F64(v)[i] = x->v.f64;
        break;
    case SM_STRING: {
        int32_t len = x->v.str.len;
        if (sm_vector_reserve_bytes(v, (int64_t)len * n) != SM_OK) {
            sm_vector_unref(v);
            return NULL;
        }
        int32_t *off = SM_VEC_OFF(v);
        for (int64_t i = 0; i < n; i++) {
            sm_copy_bytes(v->bytes + (int64_t)len * i, x->v.str.ptr, (size_t)len);
            off[i + 1] = (int32_t)(len * (i + 1));
        }
        v->bytes_len = (int64_t)len * n;
        break;
    }
    case SM_DECIMAL:
        for (int64_t i = 0; i < n; i++) SM_VEC_DEC(v)[i] = x->v.dec;
        break;
    default: break;
    }
    v->length = n;
    return v;
}

/* ---- batches ---------------------------------------------------------- */

sm_batch *sm_batch_new(int ncols, int64_t nrows) {
    sm_batch *b = sm_calloc(1, sizeof *b);
    if (!b) return NULL;
    b->ncols = ncols;
    b->nrows = nrows;
    b->cols = sm_calloc(ncols > 0 ? (size_t)ncols : 1, sizeof(sm_vector *));
    if (!b->cols) {
        sm_free(b);
        return NULL;
    }
    return b;
}

void sm_batch_free(sm_batch *b) {
    if (!b) return;
    for (int i = 0; i < b->ncols; i++) sm_vector_unref(b->cols[i]);
    sm_free(b->cols);
    sm_free(b);
}

sm_batch *sm_batch_take(const sm_batch *b, const int32_t *sel, int64_t n) {
    sm_batch *out = sm_batch_new(b->ncols, n);
    if (!out) return NULL;
    for (int c = 0; c < b->ncols; c++) {
        out->cols[c] = sm_vector_take(b->cols[c], sel, n);
        if (!out->cols[c]) {
            sm_batch_free(out);
            return NULL;
        }
    }
    return out;
}
