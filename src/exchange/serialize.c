/*
 * serialize.c — batches to bytes and back, for moving rows between ranks
 * (exchange.h: xch_batch_write / xch_batch_read).
 *
 * The layout follows exec/spill.c's (a vector is its buffers, copied), with
 * one difference: spill files never leave the process, so they may hold the
 * interned nested type descriptors as pointers; a message crosses processes,
 * so a descriptor is written out as a tree (id, precision, scale, nullability,
 * element / key / value types, struct fields with names) and interned again
 * by the reader (sm_dtype_array / _map / _struct / _scalar).
 *
 *   batch   := i32 ncols, i64 nrows, vector * ncols
 *   vector  := hdr {i32 type, i32 nchildren, i64 length, i64 bytes_len,
 *                   i8 precision, i8 scale, i8 has_validity, i8 has_dt}
 *              [dtype] [validity: (length+7)/8 bytes]
 *              [offsets: (length+1) * i32 | values: length * width]
 *              [bytes: bytes_len] vector * nchildren
 *   dtype   := i32 id, i8 precision, i8 scale, i8 contains_null,
 *              ARRAY: dtype; MAP: dtype dtype;
 *              STRUCT: i32 nfields, (i32 len, name, i8 nullable, dtype) * nfields
 *
 * Both ends run the same binary on the same architecture (one MPI job), so
 * integers are written in host order.  The reader checks every length
 * against the end of the message and fails with SM_MALFORMED, never reads
 * past it.  A dictionary side channel (sm_vector.dict) is not sent: the
 * vector is complete without it.
 *
 * Memory: xch_batch_write appends to the caller's sm_buf; xch_batch_read
 * returns a new batch owned by the caller.
 */
#include <string.h>

#include "common/status.h"
#include "exchange/exchange.h"

typedef struct {
    int32_t type, nchildren;
    int64_t length, bytes_len;
    int8_t precision, scale, has_validity, has_dt;
    int8_t pad[4];
} xv_hdr;

/* has_validity == XV_ALL_NULL: every row is null; nothing follows the header */
#define XV_ALL_NULL 2

static int put_dtype(sm_buf *o, const sm_dtype *t) {
    int32_t id = (int32_t)t->id;
    int8_t h[3] = {t->precision, t->scale, (int8_t)t->contains_null};
    SM_TRY(sm_buf_append(o, &id, sizeof id));
    SM_TRY(sm_buf_append(o, h, sizeof h));
    if (t->id == SM_ARRAY) return put_dtype(o, t->elem);
    if (t->id == SM_MAP) {
        SM_TRY(put_dtype(o, t->elem));
        return put_dtype(o, t->value);
    }
    if (t->id == SM_STRUCT) {
        int32_t nf = t->nfields;
        SM_TRY(sm_buf_append(o, &nf, sizeof nf));
        for (int i = 0; i < t->nfields; i++) {
            int32_t len = (int32_t)strlen(t->fields[i].name);
            int8_t nullable = (int8_t)t->fields[i].nullable;
            SM_TRY(sm_buf_append(o, &len, sizeof len));
            SM_TRY(sm_buf_append(o, t->fields[i].name, (size_t)len));
            SM_TRY(sm_buf_append(o, &nullable, 1));
            SM_TRY(put_dtype(o, t->fields[i].type));
        }
    }
    return SM_OK;
}

static int put_vec(sm_buf *o, const sm_vector *v) {
    xv_hdr h;
    memset(&h, 0, sizeof h);
    h.type = (int32_t)v->type;
    h.nchildren = v->nchildren;
    h.length = v->length;
    h.precision = v->precision;
    h.scale = v->scale;
    h.has_validity = v->validity != NULL;
    h.has_dt = v->dt != NULL;
    size_t w = sm_type_width(v->type);
    bool offs = sm_type_has_offsets(v->type);
    const int32_t *off = offs ? (const int32_t *)v->data : NULL;
    if (v->type == SM_STRING || v->type == SM_BINARY) h.bytes_len = v->length && off ? off[v->length] : 0;
    SM_TRY(sm_buf_append(o, &h, sizeof h));
    if (h.has_dt) SM_TRY(put_dtype(o, v->dt));
    if (h.has_validity) SM_TRY(sm_buf_append(o, v->validity, (size_t)(v->length + 7) / 8));
    if (offs) {
        size_t n = (size_t)(v->length + 1) * sizeof(int32_t);
        if (off) {
            SM_TRY(sm_buf_append(o, off, n));
        } else {
            SM_TRY(sm_buf_reserve(o, n));
            memset(o->data + o->len, 0, n);
            o->len += n;
        }
    } else if (w && v->length) {
        SM_TRY(sm_buf_append(o, v->data, (size_t)v->length * w));
    }
    if (h.bytes_len) SM_TRY(sm_buf_append(o, v->bytes, (size_t)h.bytes_len));
    for (int c = 0; c < v->nchildren; c++) SM_TRY(put_vec(o, v->children[c]));
    return SM_OK;
}

/* True when every row of v is null (a column the consumer does not read:
 * prune.c makes scans and projections give such columns all-null). */
static bool all_null(const sm_vector *v) {
    if (!v->validity || v->nchildren > 0 || v->dt || v->length == 0) return false;
    size_t full = (size_t)v->length / 8;
    const uint8_t *b = v->validity;
    for (size_t i = 0; i < full; i++)
        if (b[i]) return false;
    int rest = (int)(v->length % 8);
    return rest == 0 || (b[full] & ((1u << rest) - 1)) == 0;
}

static int put_nulls(sm_buf *o, const sm_vector *v, int64_t rows) {
    xv_hdr h;
    memset(&h, 0, sizeof h);
    h.type = (int32_t)v->type;
    h.length = rows;
    h.precision = v->precision;
    h.scale = v->scale;
    h.has_validity = XV_ALL_NULL;
    return sm_buf_append(o, &h, sizeof h);
}

/* Rows sel[0..n) of a flat vector (no children, no nested type), gathered
 * straight into the message: the same bytes put_vec writes for
 * sm_vector_take(v, sel, n), without building that vector first. */
static int put_vec_sel(sm_buf *o, const sm_vector *v, const int32_t *sel, int64_t n) {
    xv_hdr h;
    memset(&h, 0, sizeof h);
    h.type = (int32_t)v->type;
    h.length = n;
    h.precision = v->precision;
    h.scale = v->scale;
    h.has_validity = v->validity != NULL;
    size_t w = sm_type_width(v->type);
    bool offs = sm_type_has_offsets(v->type);
    const int32_t *off = offs ? (const int32_t *)v->data : NULL;
    bool strs = v->type == SM_STRING || v->type == SM_BINARY;
    if (strs && off)
        for (int64_t i = 0; i < n; i++) h.bytes_len += off[sel[i] + 1] - off[sel[i]];
    size_t vb = h.has_validity ? (size_t)(n + 7) / 8 : 0;
    size_t need = sizeof h + vb + (offs ? (size_t)(n + 1) * 4 : w * (size_t)n) + (size_t)h.bytes_len;
    SM_TRY(sm_buf_reserve(o, need));
    char *p = o->data + o->len;
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    if (vb) {
        uint8_t *bits = (uint8_t *)p;
        memset(bits, 0, vb);
        for (int64_t i = 0; i < n; i++)
            if (v->validity[sel[i] >> 3] >> (sel[i] & 7) & 1) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
        p += vb;
    }
    if (offs) { /* the message is not aligned: offsets are stored with memcpy */
        int32_t at = 0;
        char *bytes = p + (size_t)(n + 1) * 4;
        memcpy(p, &at, 4);
        for (int64_t i = 0; i < n; i++) {
            int32_t len = off ? off[sel[i] + 1] - off[sel[i]] : 0;
            if (strs && len) memcpy(bytes + at, v->bytes + off[sel[i]], (size_t)len);
            at += strs ? len : 0;
            memcpy(p + 4 * (i + 1), &at, 4);
        }
        p = bytes + at;
    } else if (w) {
        const char *d = v->data;
        switch (w) {
        case 1: for (int64_t i = 0; i < n; i++) p[i] = d[sel[i]]; break;
        case 4: for (int64_t i = 0; i < n; i++) memcpy(p + 4 * i, d + 4 * (size_t)sel[i], 4); break;
        case 8: for (int64_t i = 0; i < n; i++) memcpy(p + 8 * i, d + 8 * (size_t)sel[i], 8); break;
        case 16: for (int64_t i = 0; i < n; i++) memcpy(p + 16 * i, d + 16 * (size_t)sel[i], 16); break;
        default: for (int64_t i = 0; i < n; i++) memcpy(p + w * (size_t)i, d + w * (size_t)sel[i], w); break;
        }
        p += w * (size_t)n;
    }
    o->len = (size_t)(p - o->data);
    return SM_OK;
}

int64_t xch_vector_bytes(const sm_vector *v) {
    if (all_null(v)) return (int64_t)sizeof(xv_hdr);
    int64_t n = (int64_t)sizeof(xv_hdr) + v->length * (int64_t)sm_type_width(v->type) +
                (v->validity ? (v->length + 7) / 8 : 0);
    if (sm_type_has_offsets(v->type)) n += 4;
    if (v->type == SM_STRING || v->type == SM_BINARY) n += v->bytes_len;
    for (int c = 0; c < v->nchildren; c++) n += xch_vector_bytes(v->children[c]);
    return n;
}

int xch_batch_write(sm_buf *out, const sm_batch *b) { return xch_batch_write_sel(out, b, NULL, b->nrows); }

int xch_batch_write_sel(sm_buf *out, const sm_batch *b, const int32_t *sel, int64_t nsel) {
    int32_t n = b->ncols;
    int64_t rows = sel ? nsel : b->nrows;
    SM_TRY(sm_buf_append(out, &n, sizeof n));
    SM_TRY(sm_buf_append(out, &rows, sizeof rows));
    for (int c = 0; c < b->ncols; c++) {
        const sm_vector *v = b->cols[c];
        if (all_null(v)) {
            SM_TRY(put_nulls(out, v, rows));
        } else if (!sel) {
            SM_TRY(put_vec(out, v));
        } else if (v->nchildren == 0 && !v->dt) {
            SM_TRY(put_vec_sel(out, v, sel, nsel));
        } else {
            sm_vector *t = sm_vector_take(v, sel, nsel);
            if (!t) return SM_NOMEM;
            int rc = put_vec(out, t);
            sm_vector_unref(t);
            SM_TRY(rc);
        }
    }
    return SM_OK;
}

/* ---- reading ----------------------------------------------------------------- */

typedef struct {
    const char *p, *end;
} xrd;

static int get(xrd *r, void *dst, size_t n) {
    if ((size_t)(r->end - r->p) < n)
        return sm_err(SM_MALFORMED, "exchange: a message from another rank is truncated");
    if (n) memcpy(dst, r->p, n);
    r->p += n;
    return SM_OK;
}

static int get_dtype(xrd *r, int depth, const sm_dtype **out) {
    int32_t id = 0;
    int8_t h[3] = {0, 0, 0};
    if (depth > 64) return sm_err(SM_MALFORMED, "exchange: a type nests too deep");
    SM_TRY(get(r, &id, sizeof id));
    SM_TRY(get(r, h, sizeof h));
    const sm_dtype *t = NULL;
    if (id == SM_ARRAY) {
        const sm_dtype *e;
        SM_TRY(get_dtype(r, depth + 1, &e));
        t = sm_dtype_array(e, h[2] != 0);
    } else if (id == SM_MAP) {
        const sm_dtype *k, *v;
        SM_TRY(get_dtype(r, depth + 1, &k));
        SM_TRY(get_dtype(r, depth + 1, &v));
        t = sm_dtype_map(k, v, h[2] != 0);
    } else if (id == SM_STRUCT) {
        int32_t nf = 0;
        SM_TRY(get(r, &nf, sizeof nf));
        if (nf < 0 || nf > 1 << 20) return sm_err(SM_MALFORMED, "exchange: bad struct type");
        sm_dtype_field *f = sm_calloc((size_t)nf + 1, sizeof *f);
        char **names = sm_calloc((size_t)nf + 1, sizeof *names);
        int rc = f && names ? SM_OK : SM_NOMEM;
        for (int i = 0; rc == SM_OK && i < nf; i++) {
            int32_t len = 0;
            int8_t nullable = 0;
            rc = get(r, &len, sizeof len);
            if (rc == SM_OK && (len < 0 || len > r->end - r->p))
                rc = sm_err(SM_MALFORMED, "exchange: bad struct field name");
            if (rc == SM_OK && !(names[i] = sm_malloc((size_t)len + 1))) rc = SM_NOMEM;
            if (rc == SM_OK) rc = get(r, names[i], (size_t)len);
            if (rc == SM_OK) {
                names[i][len] = 0;
                rc = get(r, &nullable, 1);
            }
            if (rc == SM_OK) rc = get_dtype(r, depth + 1, &f[i].type);
            f[i].name = names[i];
            f[i].nullable = nullable != 0;
        }
        if (rc == SM_OK) t = sm_dtype_struct(nf, f);
        for (int i = 0; names && i < nf; i++) sm_free(names[i]);
        sm_free(names);
        sm_free(f);
        if (rc != SM_OK) return rc;
    } else {
        t = sm_dtype_scalar((sm_type)id, h[0], h[1]);
    }
    if (!t) return SM_NOMEM;
    *out = t;
    return SM_OK;
}

static int get_vec(xrd *r, int depth, sm_vector **out) {
    xv_hdr h;
    memset(&h, 0, sizeof h);
    SM_TRY(get(r, &h, sizeof h));
    if (h.length < 0 || h.bytes_len < 0 || h.nchildren < 0 || h.nchildren > 1 << 20 ||
        h.type < 0 || h.type >= SM_TYPE_COUNT || depth > 64)
        return sm_err(SM_MALFORMED, "exchange: bad vector header in a message from another rank");
    if (h.has_validity == XV_ALL_NULL) {
        sm_vector *v = sm_vector_new_nulls((sm_type)h.type, h.length);
        if (!v) return SM_NOMEM;
        v->precision = h.precision;
        v->scale = h.scale;
        *out = v;
        return SM_OK;
    }
    const sm_dtype *dt = NULL;
    if (h.has_dt) SM_TRY(get_dtype(r, 0, &dt));
    sm_vector *v = sm_vector_new((sm_type)h.type, h.length > 0 ? h.length : 1);
    if (!v) return SM_NOMEM;
    int rc = SM_OK;
    v->precision = h.precision;
    v->scale = h.scale;
    size_t w = sm_type_width(v->type);
    if (h.has_validity) {
        size_t nb = (size_t)(v->capacity + 7) / 8;
        v->validity = sm_malloc(nb ? nb : 1);
        if (!v->validity) rc = SM_NOMEM;
        else {
            memset(v->validity, 0xff, nb);
            rc = get(r, v->validity, (size_t)(h.length + 7) / 8);
        }
    }
    if (rc == SM_OK && sm_type_has_offsets(v->type))
        rc = get(r, v->data, (size_t)(h.length + 1) * sizeof(int32_t));
    else if (rc == SM_OK && w && h.length)
        rc = get(r, v->data, (size_t)h.length * w);
    if (rc == SM_OK && h.bytes_len) {
        if (h.bytes_len > r->end - r->p)
            rc = sm_err(SM_MALFORMED, "exchange: a message from another rank is truncated");
        if (rc == SM_OK) rc = sm_vector_reserve_bytes(v, h.bytes_len);
        if (rc == SM_OK) {
            rc = get(r, v->bytes, (size_t)h.bytes_len);
            v->bytes_len = h.bytes_len;
        }
    }
    v->dt = dt;
    if (rc == SM_OK && h.nchildren > 0) {
        v->children = sm_calloc((size_t)h.nchildren, sizeof *v->children);
        if (!v->children) rc = SM_NOMEM;
        for (int c = 0; rc == SM_OK && c < h.nchildren; c++) {
            rc = get_vec(r, depth + 1, &v->children[c]);
            if (rc == SM_OK) v->nchildren = c + 1;
        }
    }
    v->length = h.length;
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

int xch_batch_read(const char *data, size_t len, size_t *used, sm_batch **out) {
    xrd r = {data, data + len};
    int32_t n = 0;
    int64_t rows = 0;
    *out = NULL;
    SM_TRY(get(&r, &n, sizeof n));
    SM_TRY(get(&r, &rows, sizeof rows));
    if (n < 0 || rows < 0) return sm_err(SM_MALFORMED, "exchange: bad batch header");
    sm_batch *b = sm_batch_new(n, rows);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < n; c++) {
        int rc = get_vec(&r, 0, &b->cols[c]);
        if (rc != SM_OK) {
            sm_batch_free(b);
            return rc;
        }
    }
    *used = (size_t)(r.p - data);
    *out = b;
    return SM_OK;
}
