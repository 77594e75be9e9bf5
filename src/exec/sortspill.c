/*
 * sortspill.c — the external merge sort: ORDER BY when the input does not
 * fit the memory budget (sortspill.h).
 *
 * When: exec_sort (sort.c) gathers its input in memory; once counted memory
 * plus the references the in-memory sort needs would pass three quarters of
 * ctx->memory_limit (and the sort itself holds a sixteenth of it), the
 * gather stops and exec_sort_external runs the child again.
 *
 * Algorithm:
 *   1. Runs: one task per child partition (exec_foreach_batch) keeps its
 *      batches and their evaluated sort keys in a buffer.  When counted
 *      memory plus the buffer's references pass three quarters of the
 *      budget (and the buffer holds at least a share of it), the task sorts
 *      its buffer (a stable merge sort of (batch, row) references, on the
 *      first key's prefix, then the keys in full: sort.c's ordering) and
 *      writes it to a spill file as batches of SM_BATCH_ROWS rows, every
 *      column followed by the key vectors, then frees the buffer.  At the
 *      end every non-empty buffer is written the same way (in parallel).
 *   2. Merge: a k-way merge reads each run one batch at a time (a cursor:
 *      the current batch and row), keeps the cursors in a binary heap
 *      ordered by (prefix, keys, run number) and appends the smallest row
 *      to the output.  With more runs than fit a pass — each cursor holds a
 *      batch; a pass merges at most a quarter of the budget's worth of
 *      batches, 4 to 256 runs — groups of runs are first merged into longer
 *      runs (with their keys), pass after pass.
 *   3. Output: the last pass writes batches of SM_BATCH_ROWS rows (the key
 *      vectors dropped) to a one-part mset that spills past half the budget
 *      (exec/msetspill.c), so the sorted result need not fit either.
 *
 * Order: equal keys keep run order, and within a run input order; runs of
 * different partitions interleave in time, so unlike the in-memory sort the
 * relative order of equal keys from different input partitions is not
 * "partition 0 first" (Spark does not promise one either).
 *
 * Memory: at most one buffer per pool thread grows at a time; the merge
 * holds one batch per cursor and one output batch.  Run files are closed
 * (disk space freed; the last one removes the spill directory) as soon as
 * they are merged, and on any error.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/metrics.h"
#include "exec/sortspill.h"

typedef struct {
    sm_batch **batches;
    sm_vector **keys; /* nbatches * nsort */
    int n, cap;
    int64_t rows, bytes;
} xs_buf;

typedef struct {
    FILE *f;
    int64_t rows;
} xs_runf;

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    const sm_sort_key *sk;
    int nsort, ncols, threads;
    xs_buf *bufs;
    int nbufs;
    pthread_mutex_t lock;
    xs_runf *runs;
    int nruns, cap;
    int64_t flush_min; /* a buffer smaller than this is not flushed (unless past the budget) */
    _Atomic int64_t bytes, batches_written, runs_made;
} xs_run;

typedef struct {
    uint64_t prefix;
    uint32_t batch, row;
} xs_ref;

/* ---- sizes --------------------------------------------------------------------- */

static int64_t xs_vec_bytes(const sm_vector *v) {
    int64_t b = v->length * 8 + (v->validity ? v->length / 8 : 0) + v->bytes_len;
    for (int c = 0; c < v->nchildren; c++) b += xs_vec_bytes(v->children[c]);
    return b;
}

static int64_t xs_batch_bytes(const sm_batch *b) {
    int64_t n = 0;
    for (int c = 0; c < b->ncols; c++) n += xs_vec_bytes(b->cols[c]);
    return n;
}

/* ---- runs ---------------------------------------------------------------------- */

static int xs_cmp_ref(const xs_run *r, const xs_buf *bf, const xs_ref *x, const xs_ref *y) {
    if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
    int c = exec_sort_cmp_rows(r->sk, r->nsort, bf->keys + (size_t)x->batch * r->nsort, x->row,
                               bf->keys + (size_t)y->batch * r->nsort, y->row);
    if (c) return c;
    if (x->batch != y->batch) return x->batch < y->batch ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Bottom-up merge sort of a[0, n) (tmp: scratch of n); the result ends in a. */
static void xs_sort(const xs_run *r, const xs_buf *bf, xs_ref *a, xs_ref *tmp, int64_t n) {
    xs_ref *src = a, *dst = tmp;
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = xs_cmp_ref(r, bf, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        xs_ref *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof *a);
}

/* New empty vectors shaped like the columns of `like` (data then keys). */
static int xs_new_cols(const sm_batch *like, sm_vector *const *likekeys, int ncols, int nsort,
                       int64_t cap, sm_vector **cols) {
    for (int c = 0; c < ncols + nsort; c++) {
        const sm_vector *src = c < ncols ? like->cols[c] : likekeys[c - ncols];
        cols[c] = src->dt ? sm_vector_new_dt(src->dt, cap) : sm_vector_new(src->type, cap);
        if (!cols[c]) return SM_NOMEM;
        cols[c]->precision = src->precision;
        cols[c]->scale = src->scale;
    }
    return SM_OK;
}

/* Sorts a task's buffer: refs[0, n) (tmp: scratch of n) end up in key order. */
static void xs_sort_buf(const xs_run *r, const xs_buf *bf, xs_ref *refs, xs_ref *tmp, int64_t n) {
    int64_t at = 0;
    for (int bi = 0; bi < bf->n; bi++) {
        const sm_vector *k0 = r->nsort ? bf->keys[(size_t)bi * r->nsort] : NULL;
        for (int64_t row = 0; row < bf->batches[bi]->nrows; row++)
            refs[at++] = (xs_ref){k0 ? exec_sort_prefix(&r->sk[0], k0, row) : 0, (uint32_t)bi,
                                  (uint32_t)row};
    }
    xs_sort(r, bf, refs, tmp, n);
}

/* New columns (data then keys) holding the rows refs[0, m) in order. */
static int xs_gather(const xs_run *r, const xs_buf *bf, const xs_ref *refs, int64_t m, sm_vector **cols) {
    int nc = r->ncols + r->nsort;
    int rc = xs_new_cols(bf->batches[0], bf->keys, r->ncols, r->nsort, m, cols);
    for (int c = 0; rc == SM_OK && c < nc; c++)
        for (int64_t i = 0; rc == SM_OK && i < m; i++) {
            const xs_ref *x = &refs[i];
            const sm_vector *src = c < r->ncols ? bf->batches[x->batch]->cols[c]
                                                : bf->keys[(size_t)x->batch * r->nsort + (c - r->ncols)];
            rc = sm_vector_append_from(cols[c], src, x->row);
        }
    return rc;
}

static void xs_unref_cols(sm_vector **cols, int n) {
    for (int c = 0; c < n; c++)
        if (cols[c]) sm_vector_unref(cols[c]);
    memset(cols, 0, (size_t)n * sizeof *cols);
}

static void xs_buf_clear(xs_run *r, xs_buf *bf) {
    for (int i = 0; i < bf->n; i++) {
        if (!bf->batches[i]) continue; /* moved elsewhere with its keys (top-k) */
        sm_batch_free(bf->batches[i]);
        for (int k = 0; k < r->nsort; k++) sm_vector_unref(bf->keys[(size_t)i * r->nsort + k]);
    }
    bf->n = 0;
    bf->rows = bf->bytes = 0;
}

static int xs_add_run(xs_run *r, FILE *f, int64_t rows) {
    pthread_mutex_lock(&r->lock);
    int rc = SM_OK;
    if (r->nruns == r->cap) {
        int cap = r->cap ? r->cap * 2 : 16;
        xs_runf *nr = sm_realloc(r->runs, (size_t)cap * sizeof *nr);
        if (!nr) rc = SM_NOMEM;
        else {
            r->runs = nr;
            r->cap = cap;
        }
    }
    if (rc == SM_OK) r->runs[r->nruns++] = (xs_runf){f, rows};
    atomic_fetch_add(&r->runs_made, 1);
    pthread_mutex_unlock(&r->lock);
    if (rc != SM_OK) sm_spill_close(f);
    return rc;
}

/* Sorts buffer bf and writes it as a run; empties it. */
static int xs_flush(xs_run *r, xs_buf *bf) {
    int64_t n = bf->rows;
    if (n == 0) return SM_OK;
    int nc = r->ncols + r->nsort;
    xs_ref *refs = sm_malloc((size_t)n * sizeof *refs), *tmp = sm_malloc((size_t)n * sizeof *tmp);
    sm_vector **cols = sm_calloc((size_t)nc, sizeof *cols);
    FILE *f = NULL;
    int rc = refs && tmp && cols ? SM_OK : SM_NOMEM;
    if (rc == SM_OK && !(f = sm_spill_open())) rc = sm_errcode() ? sm_errcode() : SM_IO;
    if (rc == SM_OK) {
        xs_sort_buf(r, bf, refs, tmp, n);
    }
    int64_t bytes = 0;
    for (int64_t start = 0; rc == SM_OK && start < n; start += SM_BATCH_ROWS) {
        int64_t m = n - start < SM_BATCH_ROWS ? n - start : SM_BATCH_ROWS;
        rc = xs_gather(r, bf, refs + start, m, cols);
        if (rc == SM_OK) rc = sm_spill_write_cols(f, cols, nc, &bytes);
        xs_unref_cols(cols, nc);
        atomic_fetch_add(&r->batches_written, 1);
    }
    atomic_fetch_add(&r->bytes, bytes);
    sm_free(refs);
    sm_free(tmp);
    sm_free(cols);
    xs_buf_clear(r, bf);
    if (rc != SM_OK) {
        sm_spill_close(f);
        return rc;
    }
    return f ? xs_add_run(r, f, n) : SM_OK;
}

/* Appends b (taken) to a task's buffer with its evaluated sort keys;
 * *kv_out: the keys.  On failure b is freed. */
static int xs_buf_push(xs_run *r, xs_buf *bf, sm_batch *b, sm_vector ***kv_out) {
    if (bf->n == bf->cap) {
        int cap = bf->cap ? bf->cap * 2 : 16;
        sm_batch **nb = sm_realloc(bf->batches, (size_t)cap * sizeof *nb);
        if (nb) bf->batches = nb;
        sm_vector **nk = nb ? sm_realloc(bf->keys, (size_t)cap * (size_t)(r->nsort ? r->nsort : 1) * sizeof *nk) : NULL;
        if (!nb || !nk) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        bf->keys = nk;
        bf->cap = cap;
    }
    sm_vector **kv = bf->keys + (size_t)bf->n * r->nsort;
    for (int k = 0; k < r->nsort; k++) {
        int rc = sm_expr_eval(&r->ctx->eval, r->sk[k].expr, b, &kv[k]);
        if (rc != SM_OK) {
            for (int j = 0; j < k; j++) sm_vector_unref(kv[j]);
            sm_batch_free(b);
            return rc;
        }
    }
    bf->batches[bf->n++] = b;
    bf->rows += b->nrows;
    *kv_out = kv;
    return SM_OK;
}

static int xs_consume(void *arg, int part, sm_batch *b) {
    xs_run *r = arg;
    xs_buf *bf = &r->bufs[part];
    if (b->nrows == 0) {
        sm_batch_free(b);
        return SM_OK;
    }
    sm_vector **kv;
    SM_TRY(xs_buf_push(r, bf, b, &kv));
    bf->bytes += xs_batch_bytes(b);
    for (int k = 0; k < r->nsort; k++) bf->bytes += xs_vec_bytes(kv[k]);
    int64_t limit = r->ctx->memory_limit, used = sm_mem_in_use();
    if ((used + bf->rows * 32 > limit - limit / 4 && bf->bytes >= r->flush_min) || used > limit)
        return xs_flush(r, bf);
    return SM_OK;
}

static int xs_flush_task(void *arg, int part) {
    xs_run *r = arg;
    return xs_flush(r, &r->bufs[part]);
}

/* ---- merging ------------------------------------------------------------------- */

typedef struct {
    FILE *f;
    sm_batch *b;
    int64_t row;
    uint64_t prefix;
    int run;
} xs_cursor;

typedef struct {
    xs_run *r;
    xs_cursor *cur;
    int *heap, nheap;
} xs_merge;

static int xs_cursor_load(xs_run *r, xs_cursor *c) {
    for (;;) {
        if (c->b && c->row < c->b->nrows) break;
        if (c->b) sm_batch_free(c->b);
        c->b = NULL;
        c->row = 0;
        SM_TRY(sm_spill_read_batch(c->f, &c->b));
        if (!c->b) return SM_OK; /* exhausted */
    }
    c->prefix = r->nsort ? exec_sort_prefix(&r->sk[0], c->b->cols[r->ncols], c->row) : 0;
    return SM_OK;
}

static int xs_cursor_cmp(const xs_run *r, const xs_cursor *x, const xs_cursor *y) {
    if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
    int c = exec_sort_cmp_rows(r->sk, r->nsort, x->b->cols + r->ncols, x->row, y->b->cols + r->ncols,
                               y->row);
    if (c) return c;
    return x->run < y->run ? -1 : x->run > y->run;
}

static void xs_sift_down(xs_merge *m, int i) {
    for (;;) {
        int l = 2 * i + 1, s = i;
        if (l < m->nheap && xs_cursor_cmp(m->r, &m->cur[m->heap[l]], &m->cur[m->heap[s]]) < 0) s = l;
        if (l + 1 < m->nheap && xs_cursor_cmp(m->r, &m->cur[m->heap[l + 1]], &m->cur[m->heap[s]]) < 0)
            s = l + 1;
        if (s == i) return;
        int t = m->heap[i];
        m->heap[i] = m->heap[s];
        m->heap[s] = t;
        i = s;
    }
}

/* Merges runs[lo, hi) (closing them) into a new run file (out_f, keys
 * kept) or, when out_f is NULL, into part 0 of `out` (keys dropped). */
static int xs_merge_runs(xs_run *r, xs_runf *runs, int nrun, FILE *out_f, sm_mset *out) {
    int nc = r->ncols + r->nsort, keep = out_f ? nc : r->ncols;
    xs_merge m = {.r = r};
    m.cur = sm_calloc((size_t)nrun, sizeof *m.cur);
    m.heap = sm_calloc((size_t)nrun, sizeof *m.heap);
    sm_vector **cols = sm_calloc((size_t)nc, sizeof *cols);
    int rc = m.cur && m.heap && cols ? SM_OK : SM_NOMEM;
    for (int i = 0; rc == SM_OK && i < nrun; i++) {
        m.cur[i].f = runs[i].f;
        m.cur[i].run = i;
        rc = fseeko(runs[i].f, 0, SEEK_SET) == 0 ? SM_OK : sm_err(SM_IO, "rewinding a spill file");
        if (rc == SM_OK) rc = xs_cursor_load(r, &m.cur[i]);
        if (rc == SM_OK && m.cur[i].b) m.heap[m.nheap++] = i;
    }
    for (int i = m.nheap / 2 - 1; rc == SM_OK && i >= 0; i--) xs_sift_down(&m, i);
    int64_t fill = 0, bytes = 0;
    while (rc == SM_OK && m.nheap > 0) {
        xs_cursor *c = &m.cur[m.heap[0]];
        if (!cols[0]) rc = xs_new_cols(c->b, c->b->cols + r->ncols, r->ncols, out_f ? r->nsort : 0,
                                       SM_BATCH_ROWS, cols);
        for (int k = 0; rc == SM_OK && k < keep; k++) rc = sm_vector_append_from(cols[k], c->b->cols[k], c->row);
        fill++;
        c->row++;
        if (rc == SM_OK) rc = xs_cursor_load(r, c);
        if (rc != SM_OK) break;
        if (!c->b) m.heap[0] = m.heap[--m.nheap];
        if (m.nheap > 0) xs_sift_down(&m, 0);
        if (fill == SM_BATCH_ROWS || m.nheap == 0) {
            if (out_f) {
                rc = sm_spill_write_cols(out_f, cols, keep, &bytes);
                xs_unref_cols(cols, nc);
            } else {
                sm_batch *b = sm_batch_new(keep, fill);
                if (!b) rc = SM_NOMEM;
                else {
                    memcpy(b->cols, cols, (size_t)keep * sizeof *cols);
                    memset(cols, 0, (size_t)keep * sizeof *cols);
                    rc = sm_mset_add(out, 0, b);
                }
            }
            fill = 0;
            if ((rc == SM_OK) && sm_pool_cancelled()) break;
        }
    }
    atomic_fetch_add(&r->bytes, bytes);
    if (cols) xs_unref_cols(cols, nc);
    sm_free(cols);
    for (int i = 0; m.cur && i < nrun; i++)
        if (m.cur[i].b) sm_batch_free(m.cur[i].b);
    for (int i = 0; i < nrun; i++) {
        sm_spill_close(runs[i].f);
        runs[i].f = NULL;
    }
    sm_free(m.cur);
    sm_free(m.heap);
    return rc;
}

static void xs_free(xs_run *r) {
    if (r->bufs)
        for (int i = 0; i < r->nbufs; i++) {
            xs_buf_clear(r, &r->bufs[i]);
            sm_free(r->bufs[i].batches);
            sm_free(r->bufs[i].keys);
        }
    sm_free(r->bufs);
    for (int i = 0; i < r->nruns; i++) sm_spill_close(r->runs[i].f);
    sm_free(r->runs);
    pthread_mutex_destroy(&r->lock);
}

int exec_sort_external(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    xs_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.sk = p->sort_keys;
    r.nsort = p->nsort;
    r.ncols = p->child->schema->ncols;
    r.threads = ctx->pool ? sm_pool_threads(ctx->pool) : 1;
    if (r.threads < 1) r.threads = 1;
    int64_t limit = ctx->memory_limit;
    r.flush_min = limit / 16 / r.threads;
    pthread_mutex_init(&r.lock, NULL);
    int rc = SM_OK;
    r.nbufs = exec_num_partitions(ctx, p->child);
    if (r.nbufs < 0) {
        r.nbufs = 0;
        rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    }
    if (rc == SM_OK && !(r.bufs = sm_calloc((size_t)r.nbufs + 1, sizeof *r.bufs))) rc = SM_NOMEM;
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->child, xs_consume, &r);
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, r.nbufs, xs_flush_task, &r);
    /* merge passes until one fits */
    int64_t nb = atomic_load(&r.batches_written);
    int64_t per_batch = nb > 0 ? atomic_load(&r.bytes) / nb : 1;
    int64_t fanin = (limit / 4) / (per_batch > 0 ? per_batch : 1);
    if (fanin < 4) fanin = 4;
    if (fanin > 256) fanin = 256;
    while (rc == SM_OK && r.nruns > fanin) {
        int groups = (int)((r.nruns + fanin - 1) / fanin);
        xs_runf *next = sm_calloc((size_t)groups, sizeof *next);
        if (!next) {
            rc = SM_NOMEM;
            break;
        }
        int made = 0;
        for (int g = 0; rc == SM_OK && g < groups; g++) {
            int lo = (int)(g * fanin), hi = (int)((g + 1) * fanin < r.nruns ? (g + 1) * fanin : r.nruns);
            FILE *f = sm_spill_open();
            if (!f) {
                rc = sm_errcode() ? sm_errcode() : SM_IO;
                break;
            }
            next[made].f = f;
            for (int i = lo; i < hi; i++) next[made].rows += r.runs[i].rows;
            made++;
            rc = xs_merge_runs(&r, r.runs + lo, hi - lo, f, NULL);
        }
        /* the merged (closed) runs go; the new ones replace them */
        for (int i = 0; i < r.nruns; i++) sm_spill_close(r.runs[i].f);
        sm_free(r.runs);
        r.runs = next;
        r.nruns = r.cap = made;
        atomic_fetch_add(&r.runs_made, made);
    }
    sm_mset *m = NULL;
    if (rc == SM_OK && !(m = sm_mset_new(1))) rc = SM_NOMEM;
    if (m) sm_mset_spill_under(m, limit);
    if (rc == SM_OK && r.nruns > 0) rc = xs_merge_runs(&r, r.runs, r.nruns, NULL, m);
    sm_exec_metrics_spilled(ctx, p, atomic_load(&r.bytes), atomic_load(&r.runs_made));
    xs_free(&r);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}

/* ---- top-k: LIMIT over ORDER BY -------------------------------------------------- */

/* Sorts buffer bf and keeps its first k rows (data and key columns), in
 * order, as its new content. */
static int xs_compact(xs_run *r, xs_buf *bf, int64_t k) {
    int64_t n = bf->rows;
    if (n == 0) return SM_OK;
    int64_t keep = n < k ? n : k;
    int nc = r->ncols + r->nsort;
    xs_ref *refs = sm_malloc((size_t)n * sizeof *refs), *tmp = sm_malloc((size_t)n * sizeof *tmp);
    sm_vector **cols = sm_calloc((size_t)nc, sizeof *cols);
    int nout = (int)((keep + SM_BATCH_ROWS - 1) / SM_BATCH_ROWS);
    sm_batch **ob = sm_calloc((size_t)(nout > 0 ? nout : 1), sizeof *ob);
    sm_vector **ok = sm_calloc((size_t)(nout > 0 ? nout : 1) * (size_t)(r->nsort ? r->nsort : 1), sizeof *ok);
    int rc = refs && tmp && cols && ob && ok ? SM_OK : SM_NOMEM;
    if (rc == SM_OK) {
        xs_sort_buf(r, bf, refs, tmp, n);
    }
    int made = 0;
    for (int64_t start = 0; rc == SM_OK && start < keep; start += SM_BATCH_ROWS) {
        int64_t m = keep - start < SM_BATCH_ROWS ? keep - start : SM_BATCH_ROWS;
        rc = xs_gather(r, bf, refs + start, m, cols);
        sm_batch *b = rc == SM_OK ? sm_batch_new(r->ncols, m) : NULL;
        if (rc == SM_OK && !b) rc = SM_NOMEM;
        if (rc != SM_OK) {
            xs_unref_cols(cols, nc);
            break;
        }
        memcpy(b->cols, cols, (size_t)r->ncols * sizeof *cols);
        memcpy(ok + (size_t)made * r->nsort, cols + r->ncols, (size_t)r->nsort * sizeof *cols);
        memset(cols, 0, (size_t)nc * sizeof *cols);
        ob[made++] = b;
    }
    sm_free(refs);
    sm_free(tmp);
    sm_free(cols);
    if (rc != SM_OK) {
        for (int i = 0; i < made; i++) {
            sm_batch_free(ob[i]);
            for (int j = 0; j < r->nsort; j++) sm_vector_unref(ok[(size_t)i * r->nsort + j]);
        }
        sm_free(ob);
        sm_free(ok);
        return rc;
    }
    xs_buf_clear(r, bf);
    sm_free(bf->batches);
    sm_free(bf->keys);
    bf->batches = ob;
    bf->keys = ok;
    bf->n = made;
    bf->cap = nout > 0 ? nout : 1;
    bf->rows = keep;
    return SM_OK;
}

typedef struct {
    xs_run *r;
    int64_t k;
} xs_topk;

#define XS_TOPK_MAX_HELD (4 << 20) /* rows all partitions' buffers may hold together */

static int xs_topk_consume(void *arg, int part, sm_batch *b) {
    xs_topk *t = arg;
    xs_run *r = t->r;
    xs_buf *bf = &r->bufs[part];
    if (b->nrows == 0) {
        sm_batch_free(b);
        return SM_OK;
    }
    sm_vector **kv;
    SM_TRY(xs_buf_push(r, bf, b, &kv));
    (void)kv;
    if (bf->rows >= 2 * t->k + SM_BATCH_ROWS) return xs_compact(r, bf, t->k);
    return SM_OK;
}

int exec_sort_topk(sm_exec_ctx *ctx, const sm_plan *p, int64_t k, sm_mset **out) {
    xs_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.sk = p->sort_keys;
    r.nsort = p->nsort;
    r.ncols = p->child->schema->ncols;
    pthread_mutex_init(&r.lock, NULL);
    xs_topk t = {&r, k};
    int rc = SM_OK;
    r.nbufs = exec_num_partitions(ctx, p->child);
    if (r.nbufs < 0) {
        r.nbufs = 0;
        rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    }
    /* every partition's buffer lives until the end: with many partitions
     * and a large k, the whole sort (which spills) is the better deal */
    if (rc == SM_OK && (2 * k + SM_BATCH_ROWS) * (int64_t)r.nbufs > XS_TOPK_MAX_HELD) {
        pthread_mutex_destroy(&r.lock);
        return exec_sort(ctx, p, out);
    }
    if (rc == SM_OK && !(r.bufs = sm_calloc((size_t)r.nbufs + 1, sizeof *r.bufs))) rc = SM_NOMEM;
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->child, xs_topk_consume, &t);
    /* every partition's survivors into one buffer, in partition order (equal
     * keys then keep the in-memory sort's order), and its first k rows */
    xs_buf *all = r.bufs ? &r.bufs[r.nbufs] : NULL; /* the spare slot */
    for (int i = 0; rc == SM_OK && all && i < r.nbufs; i++) {
        xs_buf *bf = &r.bufs[i];
        for (int bi = 0; rc == SM_OK && bi < bf->n; bi++) {
            if (all->n == all->cap) {
                int cap = all->cap ? all->cap * 2 : 16;
                sm_batch **nb = sm_realloc(all->batches, (size_t)cap * sizeof *nb);
                if (nb) all->batches = nb;
                sm_vector **nk = nb ? sm_realloc(all->keys, (size_t)cap * (size_t)(r.nsort ? r.nsort : 1) * sizeof *nk) : NULL;
                if (!nb || !nk) {
                    rc = SM_NOMEM;
                    break;
                }
                all->keys = nk;
                all->cap = cap;
            }
            all->batches[all->n] = bf->batches[bi];
            memcpy(all->keys + (size_t)all->n * r.nsort, bf->keys + (size_t)bi * r.nsort,
                   (size_t)r.nsort * sizeof *all->keys);
            all->n++;
            all->rows += bf->batches[bi]->nrows;
            bf->batches[bi] = NULL;
        }
        if (rc == SM_OK) {
            bf->n = 0;
            bf->rows = 0;
        }
    }
    if (rc == SM_OK && all) rc = xs_compact(&r, all, k);
    sm_mset *m = NULL;
    if (rc == SM_OK && !(m = sm_mset_new(1))) rc = SM_NOMEM;
    for (int bi = 0; rc == SM_OK && all && bi < all->n; bi++) {
        rc = sm_mset_add(m, 0, all->batches[bi]);
        all->batches[bi] = NULL;
    }
    if (all) { /* the kept batches went to m; their keys are freed with the rest */
        int nb = all->n;
        for (int bi = 0; bi < nb; bi++)
            if (!all->batches[bi]) {
                for (int j = 0; j < r.nsort; j++) sm_vector_unref(all->keys[(size_t)bi * r.nsort + j]);
            }
        int w = 0;
        for (int bi = 0; bi < nb; bi++)
            if (all->batches[bi]) {
                all->batches[w] = all->batches[bi];
                memmove(all->keys + (size_t)w * r.nsort, all->keys + (size_t)bi * r.nsort,
                        (size_t)r.nsort * sizeof *all->keys);
                w++;
            }
        all->n = w;
    }
    r.nbufs += 1; /* xs_free frees the spare slot too */
    xs_free(&r);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}
