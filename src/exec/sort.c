/*
 * sort.c — ORDER BY, the SORT breaker (exec.h), and Spark's ordering of
 * single values (exec_compare_values).
 *
 * Algorithm:
 *   1. Gather: one task per partition of the child (exec_foreach_batch)
 *      keeps its batches and evaluates the sort keys of each (bound to the
 *      child) into key vectors stored beside the batch.
 *   2. Sort runs: every row becomes a reference (partition, batch, row);
 *      each partition's references form one run, sorted in parallel (one
 *      task per partition) with a stable merge sort.
 *   3. Merge runs: adjacent runs are merged pairwise, round after round,
 *      the merges of a round in parallel; the left run wins ties, so the
 *      whole sort is stable: equal keys keep input order (partition 0's rows
 *      first, then batch and row order).
 *   4. Output: the ordered references are cut into chunks of SM_BATCH_ROWS
 *      and each chunk is gathered into a new batch (in parallel); the result
 *      is one partition.
 *
 * Ordering (Spark's): ascending puts nulls first and descending nulls last
 * unless the key says otherwise (sm_sort_key.nulls_first); NaN is greater
 * than every other double and equal to itself; -0.0 equals 0.0; strings
 * compare as UTF-8 bytes (memcmp, then length); booleans false < true;
 * decimals by value (a decimal with an integer exactly, with a double as
 * doubles).
 *
 * Memory: every input batch is held until the output is built, then freed;
 * key vectors likewise.  The output mset belongs to the caller and spills past
 * half the budget (exec/msetspill.c).  Under a memory budget, a gather that
 * would not fit stops and the external merge sort (exec/sortspill.c) runs
 * instead.
 */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/exec.h"
#include "exec/sortspill.h"
#include "exec/spill.h"
#include "types/decimal.h"

typedef struct {
    uint64_t prefix; /* order-preserving image of the first key (see so_prefix) */
    uint32_t part, batch, row;
} so_ref;

typedef struct {
    sm_batch **batches;
    sm_vector **keys; /* nbatches * nsort */
    int nbatches, cap;
    int64_t nrows;
} so_part;

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *plan;
    int nsort, ncols;
    so_part *parts;
    int nparts;
    so_ref *refs, *tmp;
    int64_t *run_start; /* nparts + 1 boundaries of runs in refs */
    int64_t nrows;
    /* merge rounds */
    int64_t width_runs; /* runs merged per pair in this round */
    int nruns;
    /* output */
    sm_batch **out_batches;
    int64_t nout;
    /* under a memory budget: the gather stops and the external sort
     * (exec/sortspill.c) takes over when the in-memory sort would not fit */
    bool can_spill;
    int64_t mem_start;
    _Atomic int64_t rows_seen;
    _Atomic bool overflow;
} so_run;

/* ---- comparing ------------------------------------------------------------------ */

static inline int so_cmp_f64(double x, double y) {
    bool nx = isnan(x), ny = isnan(y);
    if (nx || ny) return nx == ny ? 0 : (nx ? 1 : -1);
    return x < y ? -1 : x > y;
}

static inline int so_cmp_i64(int64_t x, int64_t y) { return x < y ? -1 : x > y; }

static inline int so_cmp_nonnull(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    if (a->type == b->type) {
        switch (sm_type_phys(a->type)) {
        case SM_BOOLEAN: return so_cmp_i64(SM_VEC_BOOL(a)[ra], SM_VEC_BOOL(b)[rb]);
        case SM_INT:
        case SM_TINYINT:
        case SM_SMALLINT:
        case SM_INTERVAL_YM:
        case SM_DATE: return so_cmp_i64(SM_VEC_I32(a)[ra], SM_VEC_I32(b)[rb]);
        case SM_BIGINT:
        case SM_TIMESTAMP_NTZ:
        case SM_TIME:
        case SM_INTERVAL_DT:
        case SM_TIMESTAMP: return so_cmp_i64(SM_VEC_I64(a)[ra], SM_VEC_I64(b)[rb]);
        case SM_FLOAT:
        case SM_DOUBLE: return so_cmp_f64(SM_VEC_F64(a)[ra], SM_VEC_F64(b)[rb]);
        case SM_STRING: {
            int32_t la, lb;
            const char *sa = sm_vector_str(a, ra, &la), *sb = sm_vector_str(b, rb, &lb);
            int32_t m = la < lb ? la : lb;
            int c = m ? memcmp(sa, sb, (size_t)m) : 0;
            if (c) return c < 0 ? -1 : 1;
            return so_cmp_i64(la, lb);
        }
        case SM_DECIMAL: {
            __int128 x = SM_VEC_DEC(a)[ra], y = SM_VEC_DEC(b)[rb];
            if (a->scale == b->scale) return x < y ? -1 : x > y;
            return sm_dec_cmp(x, a->scale, y, b->scale);
        }
        case SM_ARRAY:
        case SM_MAP:
        case SM_STRUCT: return sm_vector_compare_rows(a, ra, b, rb);
        default: return 0;
        }
    }
    sm_value va, vb;
    sm_vector_get(a, ra, &va);
    sm_vector_get(b, rb, &vb);
    if ((va.type == SM_DECIMAL || vb.type == SM_DECIMAL) && va.type != SM_DOUBLE &&
        vb.type != SM_DOUBLE) { /* decimal with an integral type: exactly */
        __int128 x, y;
        int sx = 0, sy = 0;
        if (va.type == SM_DECIMAL) x = va.v.dec, sx = va.scale;
        else x = va.type == SM_INT || va.type == SM_DATE ? va.v.i32 : va.v.i64;
        if (vb.type == SM_DECIMAL) y = vb.v.dec, sy = vb.scale;
        else y = vb.type == SM_INT || vb.type == SM_DATE ? vb.v.i32 : vb.v.i64;
        return sm_dec_cmp(x, sx, y, sy);
    }
    /* mixed numeric types: compare as doubles (exact for int and most bigints) */
    double x = va.type == SM_DOUBLE ? va.v.f64 : va.type == SM_DECIMAL ? sm_dec_to_double(va.v.dec, va.scale) : (va.type == SM_BIGINT || va.type == SM_TIMESTAMP) ? (double)va.v.i64 : (double)va.v.i32;
    double y = vb.type == SM_DOUBLE ? vb.v.f64 : vb.type == SM_DECIMAL ? sm_dec_to_double(vb.v.dec, vb.scale) : (vb.type == SM_BIGINT || vb.type == SM_TIMESTAMP) ? (double)vb.v.i64 : (double)vb.v.i32;
    return so_cmp_f64(x, y);
}

int exec_compare_values(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb) {
    bool na = sm_vector_is_null(a, ra), nb = sm_vector_is_null(b, rb);
    if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
    return so_cmp_nonnull(a, ra, b, rb);
}

/* An unsigned 64-bit image of row `row` of the first sort key such that
 * prefix(a) < prefix(b) implies a sorts before b; equal prefixes say
 * nothing (the rows are then compared in full).  Integers are exact;
 * doubles are exact after -0.0 → 0.0 (NaN maps to the top); strings keep
 * their first 8 bytes.  Descending keys invert it; nulls go to the end the
 * key asks for. */
static uint64_t so_prefix(const sm_sort_key *k, const sm_vector *v, int64_t row) {
    if (sm_vector_is_null(v, row)) return k->nulls_first ? 0 : UINT64_MAX;
    uint64_t p;
    const uint64_t top = 1ULL << 63;
    switch (sm_type_phys(v->type)) {
    case SM_BOOLEAN: p = SM_VEC_BOOL(v)[row] ? top + 1 : top; break;
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INTERVAL_YM:
    case SM_DATE: p = (uint64_t)(int64_t)SM_VEC_I32(v)[row] ^ top; break;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT:
    case SM_TIMESTAMP: p = (uint64_t)SM_VEC_I64(v)[row] ^ top; break;
    case SM_FLOAT:
    case SM_DOUBLE: {
        double d = SM_VEC_F64(v)[row];
        if (isnan(d)) {
            p = UINT64_MAX;
            break;
        }
        if (d == 0.0) d = 0.0;
        uint64_t bits;
        memcpy(&bits, &d, 8);
        p = (bits & top) ? ~bits : bits | top;
        break;
    }
    case SM_STRING: {
        int32_t len;
        const unsigned char *s = (const unsigned char *)sm_vector_str(v, row, &len);
        p = 0;
        for (int i = 0; i < 8; i++) p = (p << 8) | (i < len ? s[i] : 0);
        break;
    }
    case SM_DECIMAL: { /* the unscaled value clamped to int64: still monotone */
        __int128 u = SM_VEC_DEC(v)[row];
        int64_t c = u > INT64_MAX ? INT64_MAX : u < INT64_MIN ? INT64_MIN : (int64_t)u;
        p = (uint64_t)c ^ top;
        break;
    }
    default: p = 0; break;
    }
    return k->descending ? ~p : p;
}

uint64_t exec_sort_prefix(const sm_sort_key *k, const sm_vector *v, int64_t row) {
    return so_prefix(k, v, row);
}

int exec_sort_cmp_rows(const sm_sort_key *sk, int nsort, sm_vector *const *kx, int64_t rx,
                       sm_vector *const *ky, int64_t ry) {
    for (int k = 0; k < nsort; k++) {
        const sm_vector *a = kx[k], *b = ky[k];
        bool na = sm_vector_is_null(a, rx), nb = sm_vector_is_null(b, ry);
        if (na || nb) {
            if (na == nb) continue;
            int c = na ? -1 : 1;
            return sk[k].nulls_first ? c : -c;
        }
        int c = so_cmp_nonnull(a, rx, b, ry);
        if (c) return sk[k].descending ? -c : c;
    }
    return 0;
}

static inline int so_cmp_refs(const so_run *r, const so_ref *x, const so_ref *y) {
    if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
    const sm_sort_key *sk = r->plan->sort_keys;
    sm_vector *const *kx = r->parts[x->part].keys + (size_t)x->batch * r->nsort;
    sm_vector *const *ky = r->parts[y->part].keys + (size_t)y->batch * r->nsort;
    for (int k = 0; k < r->nsort; k++) {
        const sm_vector *a = kx[k], *b = ky[k];
        bool na = sm_vector_is_null(a, x->row), nb = sm_vector_is_null(b, y->row);
        if (na || nb) {
            if (na == nb) continue;
            int c = na ? -1 : 1;
            return sk[k].nulls_first ? c : -c;
        }
        int c = so_cmp_nonnull(a, x->row, b, y->row);
        if (c) return sk[k].descending ? -c : c;
    }
    return 0;
}

/* Stable merge of src[lo, mid) and src[mid, hi) into dst[lo, hi). */
static void so_merge(const so_run *r, const so_ref *src, so_ref *dst, int64_t lo, int64_t mid,
                     int64_t hi) {
    int64_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (so_cmp_refs(r, &src[j], &src[i]) < 0) dst[k++] = src[j++];
        else dst[k++] = src[i++];
    }
    while (i < mid) dst[k++] = src[i++];
    while (j < hi) dst[k++] = src[j++];
}

/* Stable bottom-up merge sort of a[lo, hi) using tmp; the result ends in a. */
static void so_sort_range(const so_run *r, so_ref *a, so_ref *tmp, int64_t lo, int64_t hi) {
    int64_t n = hi - lo;
    if (n < 2) return;
    /* insertion sort small blocks */
    const int64_t blk = 16;
    for (int64_t s = lo; s < hi; s += blk) {
        int64_t e = s + blk < hi ? s + blk : hi;
        for (int64_t i = s + 1; i < e; i++) {
            so_ref v = a[i];
            int64_t j = i;
            while (j > s && so_cmp_refs(r, &v, &a[j - 1]) < 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
    }
    so_ref *src = a, *dst = tmp;
    for (int64_t w = blk; w < n; w *= 2) {
        for (int64_t s = lo; s < hi; s += 2 * w) {
            int64_t mid = s + w < hi ? s + w : hi;
            int64_t e = s + 2 * w < hi ? s + 2 * w : hi;
            so_merge(r, src, dst, s, mid, e);
        }
        so_ref *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a + lo, src + lo, (size_t)n * sizeof *a);
}

/* ---- phases ----------------------------------------------------------------------- */

static int so_consume(void *arg, int part, sm_batch *b) {
    so_run *r = arg;
    so_part *p = &r->parts[part];
    if (b->nrows == 0) {
        sm_batch_free(b);
        return SM_OK;
    }
    if (p->nbatches == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        sm_batch **nb = sm_realloc(p->batches, (size_t)cap * sizeof *nb);
        if (!nb) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        p->batches = nb;
        sm_vector **nk = sm_realloc(p->keys, (size_t)cap * (size_t)(r->nsort ? r->nsort : 1) * sizeof *nk);
        if (!nk) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        p->keys = nk;
        p->cap = cap;
    }
    sm_vector **kv = p->keys + (size_t)p->nbatches * r->nsort;
    for (int k = 0; k < r->nsort; k++) {
        int rc = sm_expr_eval(&r->ctx->eval, r->plan->sort_keys[k].expr, b, &kv[k]);
        if (rc != SM_OK) {
            for (int j = 0; j < k; j++) sm_vector_unref(kv[j]);
            sm_batch_free(b);
            return rc;
        }
    }
    p->batches[p->nbatches++] = b;
    p->nrows += b->nrows;
    if (r->can_spill) { /* references (2 x 16 bytes a row) must fit too */
        int64_t rows = atomic_fetch_add(&r->rows_seen, b->nrows) + b->nrows;
        int64_t limit = r->ctx->memory_limit, used = sm_mem_in_use();
        if (used + rows * 32 > limit - limit / 4 && used - r->mem_start > limit / 16) {
            atomic_store(&r->overflow, true); /* exec_sort starts over, spilling */
            return sm_err(SM_INTERNAL, "sort: memory budget reached");
        }
    }
    return SM_OK;
}

static int so_sort_task(void *arg, int part) {
    so_run *r = arg;
    so_part *p = &r->parts[part];
    int64_t at = r->run_start[part];
    const sm_sort_key *k0 = r->nsort > 0 ? &r->plan->sort_keys[0] : NULL;
    for (int bi = 0; bi < p->nbatches; bi++) {
        const sm_vector *kv = k0 ? p->keys[(size_t)bi * r->nsort] : NULL;
        for (int64_t row = 0; row < p->batches[bi]->nrows; row++)
            r->refs[at++] = (so_ref){kv ? so_prefix(k0, kv, row) : 0, (uint32_t)part, (uint32_t)bi,
                                     (uint32_t)row};
    }
    so_sort_range(r, r->refs, r->tmp, r->run_start[part], r->run_start[part + 1]);
    return SM_OK;
}

/* One merge of a round: runs [2t*w, 2t*w + w) and [.., 2t*w + 2w) → tmp. */
static int so_merge_task(void *arg, int t) {
    so_run *r = arg;
    int64_t w = r->width_runs;
    int first = (int)(2 * t * w);
    int mid = (int)(first + w < r->nruns ? first + w : r->nruns);
    int last = (int)(first + 2 * w < r->nruns ? first + 2 * w : r->nruns);
    so_merge(r, r->refs, r->tmp, r->run_start[first], r->run_start[mid], r->run_start[last]);
    return SM_OK;
}

static int so_output_task(void *arg, int chunk) {
    so_run *r = arg;
    int64_t start = (int64_t)chunk * SM_BATCH_ROWS;
    int64_t n = start + SM_BATCH_ROWS < r->nrows ? SM_BATCH_ROWS : r->nrows - start;
    sm_batch *b = sm_batch_new(r->ncols, n);
    if (!b) return SM_NOMEM;
    const sm_schema *s = r->plan->child->schema;
    for (int c = 0; c < r->ncols; c++) {
        sm_vector *v = sm_vector_new(s->fields[c].type, n);
        b->cols[c] = v;
        if (!v) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        for (int64_t i = 0; i < n; i++) {
            const so_ref *ref = &r->refs[start + i];
            const sm_vector *src = r->parts[ref->part].batches[ref->batch]->cols[c];
            int rc = sm_vector_append_from(v, src, ref->row);
            if (rc != SM_OK) {
                sm_batch_free(b);
                return rc;
            }
        }
    }
    r->out_batches[chunk] = b;
    return SM_OK;
}

static void so_free(so_run *r) {
    if (r->parts) {
        for (int i = 0; i < r->nparts; i++) {
            so_part *p = &r->parts[i];
            for (int bi = 0; bi < p->nbatches; bi++) {
                sm_batch_free(p->batches[bi]);
                for (int k = 0; k < r->nsort; k++) sm_vector_unref(p->keys[(size_t)bi * r->nsort + k]);
            }
            sm_free(p->batches);
            sm_free(p->keys);
        }
    }
    sm_free(r->parts);
    sm_free(r->refs);
    sm_free(r->tmp);
    sm_free(r->run_start);
    if (r->out_batches) {
        for (int64_t i = 0; i < r->nout; i++)
            if (r->out_batches[i]) sm_batch_free(r->out_batches[i]);
        sm_free(r->out_batches);
    }
}

int exec_sort(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    so_run r = {0};
    r.ctx = ctx;
    r.plan = p;
    r.nsort = p->nsort;
    r.ncols = p->child->schema->ncols;
    int rc = SM_OK;
    r.nparts = exec_num_partitions(ctx, p->child);
    if (r.nparts < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
    r.parts = sm_calloc((size_t)r.nparts + 1, sizeof *r.parts);
    r.run_start = sm_calloc((size_t)r.nparts + 1, sizeof *r.run_start);
    if (!r.parts || !r.run_start) rc = SM_NOMEM;
    r.can_spill = ctx->memory_limit > 0;
    r.mem_start = sm_mem_in_use();
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->child, so_consume, &r);
    if (rc != SM_OK && atomic_load(&r.overflow)) {
        so_free(&r);
        sm_err_clear();
        return exec_sort_external(ctx, p, out);
    }
    if (rc == SM_OK) {
        for (int i = 0; i < r.nparts; i++) {
            r.run_start[i] = r.nrows;
            r.nrows += r.parts[i].nrows;
            if (r.parts[i].nbatches > 0 &&
                (r.parts[i].nrows >= UINT32_MAX || r.nparts >= INT32_MAX))
                rc = sm_err(SM_UNSUPPORTED, "sort: a partition of more than 4 billion rows");
        }
        r.run_start[r.nparts] = r.nrows;
    }
    if (rc == SM_OK && r.nrows > 0) {
        r.refs = sm_malloc((size_t)r.nrows * sizeof *r.refs);
        r.tmp = sm_malloc((size_t)r.nrows * sizeof *r.tmp);
        if (!r.refs || !r.tmp) rc = SM_NOMEM;
        if (rc == SM_OK) rc = sm_pool_run(ctx->pool, r.nparts, so_sort_task, &r);
        /* pairwise merge rounds over the runs */
        r.nruns = r.nparts;
        for (r.width_runs = 1; rc == SM_OK && r.width_runs < r.nruns; r.width_runs *= 2) {
            int ntasks = (int)((r.nruns + 2 * r.width_runs - 1) / (2 * r.width_runs));
            rc = sm_pool_run(ctx->pool, ntasks, so_merge_task, &r);
            so_ref *t = r.refs;
            r.refs = r.tmp;
            r.tmp = t;
        }
        if (rc == SM_OK) {
            r.nout = (r.nrows + SM_BATCH_ROWS - 1) / SM_BATCH_ROWS;
            r.out_batches = sm_calloc((size_t)r.nout, sizeof *r.out_batches);
            if (!r.out_batches) rc = SM_NOMEM;
        }
        if (rc == SM_OK) rc = sm_pool_run(ctx->pool, (int)r.nout, so_output_task, &r);
    }
    sm_mset *m = NULL;
    if (rc == SM_OK && !(m = sm_mset_new(1))) rc = SM_NOMEM;
    if (m && r.can_spill) sm_mset_spill_under(m, ctx->memory_limit);
    for (int64_t i = 0; rc == SM_OK && i < r.nout; i++) {
        rc = sm_mset_add(m, 0, r.out_batches[i]);
        r.out_batches[i] = NULL;
    }
    so_free(&r);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}
