/*
 * parquet_stats.c — may a column chunk hold a row that passes a pushed
 * filter?  (row-group pruning from statistics; parquet_read.c asks, for
 * every non-empty row group, each filter of set_filters.)
 *
 * Which statistics are trusted (parquet-mr's ParquetMetadataConverter and
 * Spark's ParquetFilters; when in doubt the answer is "may match"):
 *   - min_value / max_value (fields 6 / 5) are in the type's defined order:
 *     signed for ints, dates, timestamps, decimals (two's complement for
 *     binary decimals); unsigned for UINT_* annotations; unsigned bytewise
 *     for strings and binary.  Used for every kind below.  INT96, UUID,
 *     FLOAT16, unsigned 64-bit and the null type are never pruned.
 *   - the deprecated min / max (fields 2 / 1) were written in signed order
 *     by old parquet-mr, wrong for strings and binary (PARQUET-251) and for
 *     unsigned ints: used only for booleans, signed ints, dates, timestamps,
 *     int-backed decimals, floats and doubles, and only when both
 *     min_value and max_value are absent.
 *   - a statistic of the wrong byte length for its physical type is
 *     ignored.
 *   - floats and doubles: a NaN min or max drops min/max.  Writers leave
 *     NaN out of min/max, and in Spark NaN is greater than every number and
 *     equal to itself, so `x > c`, `x >= c`, `x = NaN` and IN lists with a
 *     NaN may match a NaN row the statistics do not show: never pruned from
 *     max; `x < c`, `x <= c`, `x = c` (c not NaN) use min/max.
 *   - null_count (when present): null_count == num_rows means every row is
 *     null, so no comparison, IN or IS NOT NULL can be true; IS NULL is
 *     false everywhere when null_count == 0 or the column is REQUIRED.
 * Truncated min/max (a prefix for min, a larger value for max) still bound
 * the data, so they are safe.
 *
 * Values are compared in one domain per kind: int64 (booleans, ints,
 * dates, timestamps converted to microseconds exactly as the reader
 * converts them, so the bounds stay bounds), double, __int128 (decimals,
 * unscaled; precision and scale already equal the column's), bytes.
 *
 * Pure functions, no allocation, any thread.
 */
#include <math.h>
#include <string.h>

#include "formats/parquet.h"

typedef struct {
    int dom; /* 0 int64, 1 double, 2 i128, 3 bytes */
    int64_t i;
    double d;
    __int128 x;
    const uint8_t *p;
    int32_t n;
} sv;

static bool decode(int kind, int ptype, const pq_bytes *b, sv *out) {
    if (!b->bytes) return false;
    const uint8_t *p = b->bytes;
    int32_t n = b->len;
    memset(out, 0, sizeof *out);
    switch (kind) {
    case PQ_SK_BOOL:
        if (n != 1) return false;
        out->i = p[0] ? 1 : 0;
        return true;
    case PQ_SK_INT:
    case PQ_SK_UINT32: {
        if (n != 4) return false;
        int32_t v;
        memcpy(&v, p, 4);
        out->i = kind == PQ_SK_UINT32 ? (int64_t)(uint32_t)v : v;
        return true;
    }
    case PQ_SK_I64:
    case PQ_SK_TS_MS:
    case PQ_SK_TS_NS: {
        if (n != 8) return false;
        int64_t v;
        memcpy(&v, p, 8);
        if (kind == PQ_SK_TS_MS) {
            if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000) return false;
            v *= 1000;
        } else if (kind == PQ_SK_TS_NS) {
            v = v / 1000 - (v % 1000 < 0);
        }
        out->i = v;
        return true;
    }
    case PQ_SK_FLOAT: {
        if (n != 4) return false;
        float f;
        memcpy(&f, p, 4);
        out->dom = 1;
        out->d = f;
        return !isnan(out->d);
    }
    case PQ_SK_DOUBLE: {
        if (n != 8) return false;
        memcpy(&out->d, p, 8);
        out->dom = 1;
        return !isnan(out->d);
    }
    case PQ_SK_BYTES:
        out->dom = 3;
        out->p = p;
        out->n = n;
        return n >= 0;
    case PQ_SK_DEC_INT:
        out->dom = 2;
        if (ptype == PQ_INT32 && n == 4) {
            int32_t v;
            memcpy(&v, p, 4);
            out->x = v;
            return true;
        }
        if (ptype == PQ_INT64 && n == 8) {
            int64_t v;
            memcpy(&v, p, 8);
            out->x = v;
            return true;
        }
        return false;
    case PQ_SK_DEC_BIN: {
        out->dom = 2;
        if (n < 1 || n > 16) return false;
        unsigned __int128 u = (p[0] & 0x80) ? ~(unsigned __int128)0 : 0;
        for (int32_t i = 0; i < n; i++) u = (u << 8) | p[i];
        out->x = (__int128)u;
        return true;
    }
    default: return false;
    }
}

/* The literal in the kind's domain; false when the type does not fit. */
static bool literal(int kind, const sm_value *v, sv *out) {
    memset(out, 0, sizeof *out);
    if (v->is_null) return false;
    sm_type t = sm_type_phys(v->type);
    switch (kind) {
    case PQ_SK_BOOL:
        if (t != SM_BOOLEAN) return false;
        out->i = v->v.b ? 1 : 0;
        return true;
    case PQ_SK_INT:
    case PQ_SK_UINT32:
    case PQ_SK_I64:
    case PQ_SK_TS_MS:
    case PQ_SK_TS_NS:
        if (t == SM_INT) out->i = v->v.i32;
        else if (t == SM_BIGINT) out->i = v->v.i64;
        else return false;
        return true;
    case PQ_SK_FLOAT:
    case PQ_SK_DOUBLE:
        if (t != SM_DOUBLE) return false;
        out->dom = 1;
        out->d = v->v.f64;
        return true;
    case PQ_SK_BYTES:
        if (t != SM_STRING) return false;
        out->dom = 3;
        out->p = (const uint8_t *)v->v.str.ptr;
        out->n = v->v.str.len;
        return true;
    case PQ_SK_DEC_INT:
    case PQ_SK_DEC_BIN:
        if (t != SM_DECIMAL) return false;
        out->dom = 2;
        out->x = v->v.dec;
        return true;
    default: return false;
    }
}

static int cmp(const sv *a, const sv *b) {
    switch (a->dom) {
    case 0: return a->i < b->i ? -1 : a->i > b->i;
    case 1: return a->d < b->d ? -1 : a->d > b->d;
    case 2: return a->x < b->x ? -1 : a->x > b->x;
    default: {
        int32_t n = a->n < b->n ? a->n : b->n;
        int c = n ? memcmp(a->p, b->p, (size_t)n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->n < b->n ? -1 : a->n > b->n;
    }
    }
}

static bool legacy_ok(int kind) {
    switch (kind) {
    case PQ_SK_BOOL: case PQ_SK_INT: case PQ_SK_I64: case PQ_SK_TS_MS: case PQ_SK_TS_NS:
    case PQ_SK_DEC_INT: case PQ_SK_FLOAT: case PQ_SK_DOUBLE:
        return true;
    default:
        return false; /* strings, binary decimals, unsigned: signed-order legacy stats */
    }
}

/* c may equal a value in [mn, mx]? (for floats, c NaN: yes) */
static bool eq_may(int kind, const sv *mn, const sv *mx, const sv *c) {
    if (c->dom == 1 && isnan(c->d)) return true;
    (void)kind;
    return cmp(c, mn) >= 0 && cmp(c, mx) <= 0;
}

bool pq_stats_may_match(int kind, int ptype, bool required_col, const pq_column_meta *m, int64_t nrows,
                        const sm_scan_filter *f) {
    if (kind == PQ_SK_NONE || !m) return true;
    bool has_nc = m->has_stats && m->stats.has_null_count;
    int64_t nc = has_nc ? m->stats.null_count : -1;
    if (required_col) nc = 0, has_nc = true;
    bool all_null = has_nc && nrows > 0 && nc >= nrows;
    if (f->op == SM_SF_IS_NULL) return !(has_nc && nc == 0);
    if (all_null) return false; /* comparisons, IN and IS NOT NULL are never true */
    if (f->op == SM_SF_NOT_NULL) return true;
    if (!m->has_stats) return true;
    const pq_stats *s = &m->stats;
    sv mn, mx;
    bool have;
    if (s->min_value.bytes || s->max_value.bytes)
        have = decode(kind, ptype, &s->min_value, &mn) && decode(kind, ptype, &s->max_value, &mx);
    else
        have = legacy_ok(kind) && decode(kind, ptype, &s->min, &mn) && decode(kind, ptype, &s->max, &mx);
    if (!have) return true;
    bool fl = kind == PQ_SK_FLOAT || kind == PQ_SK_DOUBLE;
    if (fl) {
        /* -0.0 / +0.0: a zero min may stand for -0.0 and a zero max for +0.0 */
        if (mn.d == 0) mn.d = -0.0;
        if (mx.d == 0) mx.d = 0.0;
    }
    if (cmp(&mn, &mx) > 0) return true; /* inconsistent statistics: trust nothing */
    if (f->op == SM_SF_IN) {
        for (int i = 0; i < f->nvals; i++) {
            sv c;
            if (!literal(kind, &f->vals[i], &c)) {
                if (f->vals[i].is_null) continue; /* x IN (NULL) is never true */
                return true;
            }
            if (eq_may(kind, &mn, &mx, &c)) return true;
        }
        return false;
    }
    if (f->nvals < 1) return true;
    sv c;
    if (!literal(kind, &f->vals[0], &c)) return !f->vals[0].is_null; /* x < NULL: never true */
    if (fl && isnan(c.d)) return true;
    switch (f->op) {
    case SM_SF_EQ: return eq_may(kind, &mn, &mx, &c);
    case SM_SF_LT: return cmp(&mn, &c) < 0;
    case SM_SF_LE: return cmp(&mn, &c) <= 0;
    case SM_SF_GT: return fl || cmp(&mx, &c) > 0;   /* NaN rows are > everything */
    case SM_SF_GE: return fl || cmp(&mx, &c) >= 0;
    default: return true;
    }
}
