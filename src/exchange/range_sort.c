/*
 * range_sort.c — a global ORDER BY across ranks by range partitioning, and
 * the routing of window functions by their PARTITION BY columns.
 *
 * Sort (Spark's RangePartitioner, on ranks):
 *   1. Every rank runs the sort's child into memory (its share) and
 *      evaluates the sort keys.
 *   2. Sample: each rank takes up to XR_SAMPLES rows of keys, evenly spaced
 *      over its rows; the samples go to every rank (in rank order), so every
 *      rank computes the same N-1 splitters: the samples sorted with the
 *      query's ordering (nulls first/last, descending), cut at i * S / N.
 *   3. Each row goes to the first rank whose splitter is >= its key (the
 *      last rank after the last splitter): equal keys land on one rank, and
 *      rank r holds only keys ordered before rank r + 1's.
 *   4. Each rank sorts what it received (exec_sort, unchanged).  Reading the
 *      ranks in order — gathers and LIMIT keep rank order — gives the global
 *      order; written part files are numbered in rank order too.
 *   Skew: a key that fills more than a rank's share still lands on one rank.
 *
 * Windows: rows are hashed on the PARTITION BY columns that every window
 * expression of the node partitions by (plain column references); rows of
 * one window partition then meet on one rank.  Without such a column the
 * node runs on rank 0 (dist.c).
 *
 * Memory: the child's rows on this rank are held until routed (as the
 * one-process sort holds them); samples are small (N * XR_SAMPLES rows).
 */
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"

#define XR_SAMPLES 256

typedef struct {
    const sm_sort_key *sk;
    int nsort;
} xr_order;

/* The query's ordering of row ra of key columns a against row rb of b. */
static int xr_cmp(const xr_order *o, sm_vector *const *a, int64_t ra, sm_vector *const *b, int64_t rb) {
    for (int k = 0; k < o->nsort; k++) {
        bool na = sm_vector_is_null(a[k], ra), nb = sm_vector_is_null(b[k], rb);
        if (na || nb) {
            if (na == nb) continue;
            int c = na ? -1 : 1;
            return o->sk[k].nulls_first ? c : -c;
        }
        int c = exec_compare_values(a[k], ra, b[k], rb);
        if (c) return o->sk[k].descending ? -c : c;
    }
    return 0;
}

/* The samples, all ranks' keys concatenated, and their sorted order. */
typedef struct {
    const xr_order *o;
    sm_vector **cols; /* nsort columns of n rows */
    int64_t n;
} xr_samples;

static const xr_samples *xr_sort_ctx; /* qsort's comparator context (main thread only) */
static int xr_sample_cmp(const void *x, const void *y) {
    int64_t i = *(const int64_t *)x, j = *(const int64_t *)y;
    int c = xr_cmp(xr_sort_ctx->o, xr_sort_ctx->cols, i, xr_sort_ctx->cols, j);
    return c ? c : (i < j ? -1 : i > j);
}

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    xr_order o;
    sm_mset *local;          /* this rank's rows */
    sm_vector ***keys;       /* per part, per batch: nsort key vectors */
    sm_vector **split;       /* nsort columns holding the nranks - 1 splitters */
    int nsplit;
    xch_shuffle *x;
} xr_run;

static int xr_eval_keys(xr_run *r, const sm_batch *b, sm_vector **out) {
    for (int k = 0; k < r->o.nsort; k++) {
        int rc = sm_expr_eval(&r->ctx->eval, r->o.sk[k].expr, b, &out[k]);
        if (rc != SM_OK) return rc;
    }
    return SM_OK;
}

/* Rank of a row: the first splitter >= it (binary search). */
static int xr_dest(const xr_run *r, sm_vector *const *kv, int64_t row) {
    int lo = 0, hi = r->nsplit;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (xr_cmp(&r->o, r->split, mid, kv, row) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void xr_free_keys(xr_run *r) {
    for (int p = 0; r->local && r->keys && p < r->local->nparts; p++) {
        for (int b = 0; r->keys[p] && b < r->local->parts[p].nbatches; b++)
            for (int k = 0; k < r->o.nsort; k++)
                if (r->keys[p][(size_t)b * r->o.nsort + k]) sm_vector_unref(r->keys[p][(size_t)b * r->o.nsort + k]);
        if (r->keys) sm_free(r->keys[p]);
    }
    sm_free(r->keys);
    r->keys = NULL;
}

int xd_range_sort_input(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **received);
int xd_range_sort_input(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **received) {
    xr_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.o.sk = p->sort_keys;
    r.o.nsort = p->nsort;
    int size = ctx->dist->nranks;
    int nparts = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1;
    *received = NULL;
    /* 1. this rank's rows and their keys */
    int rc = exec_collect(ctx, p->child, &r.local);
    int64_t total = 0;
    if (rc == SM_OK) {
        total = sm_mset_rows(r.local);
        r.keys = sm_calloc((size_t)r.local->nparts + 1, sizeof *r.keys);
        if (!r.keys) rc = SM_NOMEM;
    }
    for (int pi = 0; rc == SM_OK && pi < r.local->nparts; pi++) {
        struct sm_mpart *mp = &r.local->parts[pi];
        r.keys[pi] = sm_calloc((size_t)mp->nbatches * (size_t)r.o.nsort + 1, sizeof **r.keys);
        if (!r.keys[pi]) rc = SM_NOMEM;
        for (int bi = 0; rc == SM_OK && bi < mp->nbatches; bi++)
            rc = xr_eval_keys(&r, mp->batches[bi], r.keys[pi] + (size_t)bi * r.o.nsort);
    }
    /* 2. samples to every rank */
    xch_shuffle *sx = xch_shuffle_new(xch_world(), 1);
    if (rc == SM_OK && !sx) rc = SM_NOMEM;
    xm_label(xch_shuffle_metrics(sx), "samples", NULL, NULL);
    if (rc == SM_OK && total > 0) {
        int64_t want = total < XR_SAMPLES ? total : XR_SAMPLES, got = 0, at = 0;
        sm_batch *s = sm_batch_new(r.o.nsort, want);
        int32_t *sel = sm_malloc((size_t)want * sizeof *sel);
        if (!s || !sel) rc = SM_NOMEM;
        for (int k = 0; rc == SM_OK && k < r.o.nsort; k++) {
            /* the key column of every sampled row, batch by batch */
            sm_vector *col = NULL;
            got = 0;
            at = 0;
            for (int pi = 0; rc == SM_OK && pi < r.local->nparts; pi++)
                for (int bi = 0; rc == SM_OK && bi < r.local->parts[pi].nbatches; bi++) {
                    sm_vector *kv = r.keys[pi][(size_t)bi * r.o.nsort + k];
                    int64_t n = r.local->parts[pi].batches[bi]->nrows, ns = 0;
                    /* sample j sits at row floor(j * total / want) */
                    while (got + ns < want && (got + ns) * total / want < at + n) {
                        sel[ns] = (int32_t)((got + ns) * total / want - at);
                        ns++;
                    }
                    if (ns > 0) {
                        sm_vector *t = sm_vector_take(kv, sel, ns);
                        if (!t) rc = SM_NOMEM;
                        else if (!col) col = t;
                        else {
                            for (int64_t i = 0; rc == SM_OK && i < ns; i++) rc = sm_vector_append_from(col, t, i);
                            sm_vector_unref(t);
                        }
                    }
                    got += ns;
                    at += n;
                }
            s->cols[k] = col;
            if (rc == SM_OK && !col) rc = sm_err(SM_INTERNAL, "range sort: no sample taken");
        }
        sm_free(sel);
        if (rc == SM_OK) rc = xch_shuffle_add(sx, 0, s, XCH_ALL, NULL);
        else sm_batch_free(s);
    }
    sm_mset *samples = NULL;
    rc = xch_shuffle_run(sx, rc, size, &samples);
    /* every rank: the same splitters from the same samples */
    xr_samples xs = {&r.o, NULL, 0};
    int64_t *idx = NULL;
    if (rc == SM_OK) {
        xs.cols = sm_calloc((size_t)r.o.nsort + 1, sizeof *xs.cols);
        r.split = sm_calloc((size_t)r.o.nsort + 1, sizeof *r.split);
        if (!xs.cols || !r.split) rc = SM_NOMEM;
        for (int pi = 0; rc == SM_OK && pi < samples->nparts; pi++)
            for (int bi = 0; rc == SM_OK && bi < samples->parts[pi].nbatches; bi++) {
                sm_batch *b = samples->parts[pi].batches[bi];
                for (int k = 0; rc == SM_OK && k < r.o.nsort; k++) {
                    if (!xs.cols[k]) {
                        const sm_vector *v = b->cols[k];
                        xs.cols[k] = v->dt ? sm_vector_new_dt(v->dt, 16) : sm_vector_new(v->type, 16);
                        if (!xs.cols[k]) {
                            rc = SM_NOMEM;
                            break;
                        }
                        xs.cols[k]->precision = v->precision;
                        xs.cols[k]->scale = v->scale;
                    }
                    for (int64_t i = 0; rc == SM_OK && i < b->nrows; i++) rc = sm_vector_append_from(xs.cols[k], b->cols[k], i);
                }
                xs.n += b->nrows;
            }
    }
    if (rc == SM_OK && xs.n > 0) {
        idx = sm_malloc((size_t)xs.n * sizeof *idx);
        if (!idx) rc = SM_NOMEM;
        for (int64_t i = 0; rc == SM_OK && i < xs.n; i++) idx[i] = i;
        if (rc == SM_OK) {
            xr_sort_ctx = &xs;
            qsort(idx, (size_t)xs.n, sizeof *idx, xr_sample_cmp);
            xr_sort_ctx = NULL;
            int32_t cut[1024];
            int nc = 0;
            for (int i = 1; i < size && nc < 1024; i++) cut[nc++] = (int32_t)idx[(int64_t)i * xs.n / size];
            for (int k = 0; rc == SM_OK && k < r.o.nsort; k++)
                if (!(r.split[k] = sm_vector_take(xs.cols[k], cut, nc))) rc = SM_NOMEM;
            r.nsplit = nc;
        }
    }
    sm_free(idx);
    for (int k = 0; xs.cols && k < r.o.nsort; k++)
        if (xs.cols[k]) sm_vector_unref(xs.cols[k]);
    sm_free(xs.cols);
    sm_mset_free(samples);
    /* 3. every row to its range's rank */
    r.x = xch_shuffle_new(xch_world(), r.local ? r.local->nparts : 0);
    xch_shuffle_spill_under(r.x, ctx->memory_limit); /* xspill.c */
    if (rc == SM_OK && !r.x) rc = SM_NOMEM;
    xm_label_sort(xch_shuffle_metrics(r.x), r.o.sk, r.o.nsort);
    for (int pi = 0; rc == SM_OK && pi < r.local->nparts; pi++) {
        struct sm_mpart *mp = &r.local->parts[pi];
        for (int bi = 0; rc == SM_OK && bi < mp->nbatches; bi++) {
            sm_batch *b = mp->batches[bi];
            sm_vector **kv = r.keys[pi] + (size_t)bi * r.o.nsort;
            int *dest = sm_malloc((size_t)(b->nrows + 1) * sizeof *dest);
            if (!dest) {
                rc = SM_NOMEM;
                break;
            }
            for (int64_t i = 0; i < b->nrows; i++) dest[i] = r.nsplit ? xr_dest(&r, kv, i) : 0;
            mp->batches[bi] = NULL;
            rc = xch_shuffle_add(r.x, pi, b, XCH_ROUTE_ROWS, dest);
            sm_free(dest);
        }
    }
    xr_free_keys(&r);
    for (int k = 0; r.split && k < r.o.nsort; k++)
        if (r.split[k]) sm_vector_unref(r.split[k]);
    sm_free(r.split);
    sm_mset_free(r.local); /* routed batches were taken (NULL) */
    return xch_shuffle_run(r.x, rc, nparts, received);
}

/* ---- windows -------------------------------------------------------------------------- */

static bool xr_has_col(const sm_window_spec *w, int col) {
    for (int i = 0; i < w->npartition; i++) {
        const sm_expr *e = w->partition[i];
        if (e && e->kind == SM_EX_COLUMN && e->col_index == col) return true;
    }
    return false;
}

/* The child columns every window expression of p partitions by: *cols
 * (allocated) and their count; 0 when none. */
int xd_window_cols(const sm_plan *p, int **cols);
int xd_window_cols(const sm_plan *p, int **cols) {
    *cols = NULL;
    if (p->nexprs == 0 || !p->exprs[0] || !p->exprs[0]->window) return 0;
    const sm_window_spec *w0 = p->exprs[0]->window;
    int *c = sm_malloc((size_t)(w0->npartition + 1) * sizeof *c);
    if (!c) return 0;
    int n = 0;
    for (int i = 0; i < w0->npartition; i++) {
        const sm_expr *e = w0->partition[i];
        if (!e || e->kind != SM_EX_COLUMN) continue;
        bool all = true;
        for (int j = 1; j < p->nexprs && all; j++)
            all = p->exprs[j] && p->exprs[j]->window && xr_has_col(p->exprs[j]->window, e->col_index);
        bool dup = false;
        for (int k = 0; k < n; k++) dup |= c[k] == e->col_index;
        if (all && !dup) c[n++] = e->col_index;
    }
    if (n == 0) {
        sm_free(c);
        return 0;
    }
    *cols = c;
    return n;
}
