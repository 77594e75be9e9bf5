/*
 * exec.c — the execution core: partitions, streams, stages and tasks
 * (exec.h).
 *
 * Narrow operators (scan, filter, project) are streams chained per
 * partition: a task opens the top stream of its partition and pulls; each
 * stream pulls from its child.  Nothing is materialized inside a stage.
 *
 * Breakers (aggregate, distinct, sort) are materialized into an sm_mset by
 * their operator (hashagg.c, distinct.c, sort.c) the first time anybody asks
 * how many partitions they have; the result is cached in the exec context for
 * the rest of the action.  Invariant: exec_num_partitions(p) materializes
 * every breaker reachable from p without crossing another breaker's
 * materialized output, so exec_open (called from tasks, concurrently) only
 * ever *reads* the cache.  The cache is still guarded by a mutex.
 *
 * LIMIT is one partition that opens its child's partitions in order and
 * stops pulling once it has enough rows, so show() on a huge file reads only
 * the first split.  UNION concatenates its children's partitions.
 */
#include "exec/exec.h"

#include <pthread.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/eventlog.h"
#include "exec/joinstream.h"
#include "exec/metrics.h"
#include "exec/reuse.h"
#include "exec/sortspill.h"
#include "exec/spill.h"
#include "formats/source.h"

/* ---- msets -------------------------------------------------------------- */

sm_mset *sm_mset_new(int nparts) {
    sm_mset *m = sm_calloc(1, sizeof *m);
    if (!m) return NULL;
    m->nparts = nparts;
    m->parts = sm_calloc(nparts > 0 ? (size_t)nparts : 1, sizeof(struct sm_mpart));
    if (!m->parts) {
        sm_free(m);
        return NULL;
    }
    return m;
}

int sm_mset_add(sm_mset *m, int part, sm_batch *b) {
    struct sm_mpart *p = &m->parts[part];
    if (m->spill_at > 0 && (p->spill || sm_mem_in_use() > m->spill_at))
        return sm_mset_spill_batch(m, part, b);
    if (p->nbatches == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        sm_batch **nb = sm_realloc(p->batches, (size_t)cap * sizeof *nb);
        if (!nb) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        p->batches = nb;
        p->cap = cap;
    }
    p->batches[p->nbatches++] = b;
    p->nrows += b->nrows;
    return SM_OK;
}

int64_t sm_mset_rows(const sm_mset *m) {
    int64_t n = 0;
    for (int i = 0; i < m->nparts; i++) n += m->parts[i].nrows;
    return n;
}

void sm_mset_free(sm_mset *m) {
    if (!m) return;
    for (int i = 0; i < m->nparts; i++) {
        for (int j = 0; j < m->parts[i].nbatches; j++) sm_batch_free(m->parts[i].batches[j]);
        sm_free(m->parts[i].batches);
        sm_mset_spill_free(m, i);
    }
    sm_free(m->parts);
    sm_free(m);
}

/* ---- the per-action cache of materialized breakers ---------------------- */

struct sm_exec_cache {
    pthread_mutex_t lock;
    struct cache_entry {
        const sm_plan *plan;
        sm_mset *mset;
        bool borrowed; /* pinned in ctx->reuse: released, not freed */
    } *entries;
    int n, cap;
    struct join_entry { /* built sides of streaming joins (joinstream.h) */
        const sm_plan *plan;
        exec_join_state *state;
    } *joins;
    int njoins, capjoins;
};

int sm_exec_ctx_init(sm_exec_ctx *ctx, sm_pool *pool, const sm_tz *tz, bool ansi) {
    memset(ctx, 0, sizeof *ctx);
    ctx->pool = pool;
    ctx->eval.tz = tz;
    ctx->eval.ansi = ansi;
    ctx->shuffle_partitions = sm_pool_threads(pool);
    ctx->memory_limit = sm_memory_limit_default();
    ctx->cache = sm_calloc(1, sizeof *ctx->cache);
    if (!ctx->cache) return SM_NOMEM;
    pthread_mutex_init(&ctx->cache->lock, NULL);
    return SM_OK;
}

void sm_exec_ctx_done(sm_exec_ctx *ctx) {
    if (!ctx->cache) return;
    for (int i = 0; i < ctx->cache->n; i++) {
        if (ctx->cache->entries[i].borrowed) sm_exec_reuse_release(ctx->reuse, ctx->cache->entries[i].mset);
        else sm_mset_free(ctx->cache->entries[i].mset);
    }
    sm_free(ctx->cache->entries);
    for (int i = 0; i < ctx->cache->njoins; i++) exec_join_state_free(ctx->cache->joins[i].state);
    sm_free(ctx->cache->joins);
    pthread_mutex_destroy(&ctx->cache->lock);
    sm_free(ctx->cache);
    ctx->cache = NULL;
}

static sm_mset *cache_get(sm_exec_ctx *ctx, const sm_plan *p) {
    sm_mset *m = NULL;
    pthread_mutex_lock(&ctx->cache->lock);
    for (int i = 0; i < ctx->cache->n; i++)
        if (ctx->cache->entries[i].plan == p) m = ctx->cache->entries[i].mset;
    pthread_mutex_unlock(&ctx->cache->lock);
    return m;
}

static int cache_put(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *m, bool borrowed) {
    struct sm_exec_cache *c = ctx->cache;
    pthread_mutex_lock(&c->lock);
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 8;
        struct cache_entry *e = sm_realloc(c->entries, (size_t)cap * sizeof *e);
        if (!e) {
            pthread_mutex_unlock(&c->lock);
            if (borrowed) sm_exec_reuse_release(ctx->reuse, m);
            else sm_mset_free(m);
            return SM_NOMEM;
        }
        c->entries = e;
        c->cap = cap;
    }
    c->entries[c->n].plan = p;
    c->entries[c->n].mset = m;
    c->entries[c->n].borrowed = borrowed;
    c->n++;
    pthread_mutex_unlock(&c->lock);
    return SM_OK;
}

static int materialize(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    sm_mset *m = cache_get(ctx, p);
    if (m) {
        *out = m;
        return SM_OK;
    }
    /* kept from an earlier action of the session (not under EXPLAIN
     * ANALYZE, which must show the work) */
    bool reusable = ctx->reuse && !ctx->no_reuse && sm_exec_reuse_eligible(ctx->reuse, p);
    if (reusable) m = sm_exec_reuse_get(ctx->reuse, p);
    if (ctx->dist && ctx->reuse && !ctx->no_reuse &&
        (p->kind == SM_PLAN_DISTINCT || p->kind == SM_PLAN_AGGREGATE || p->kind == SM_PLAN_SETOP)) {
        /* distributed: recomputing runs collectives, so every rank takes the
         * same path — the kept part is used only when every rank has its
         * own (eviction and budgets are per rank) */
        int64_t missing = m == NULL;
        int arc = ctx->dist->agree(ctx, SM_OK, &missing);
        if ((arc != SM_OK || missing) && m) {
            sm_exec_reuse_release(ctx->reuse, m);
            m = NULL;
        }
        if (arc != SM_OK) return arc;
    }
    if (m) {
        exec_event_reused(ctx, p);
        SM_TRY(cache_put(ctx, p, m, true));
        *out = m;
        return SM_OK;
    }
    int rc;
    exec_metrics_span span;
    if (ctx->metrics) exec_metrics_breaker_begin(ctx, p, &span);
    if (ctx->dist) rc = ctx->dist->materialize(ctx, p, &m); /* exchange/dist.c */
    else switch (p->kind) {
    case SM_PLAN_AGGREGATE: rc = exec_hashagg(ctx, p, &m); break;
    case SM_PLAN_DISTINCT: rc = exec_distinct(ctx, p, &m); break;
    case SM_PLAN_SORT: rc = exec_sort(ctx, p, &m); break;
    case SM_PLAN_JOIN: rc = exec_join(ctx, p, &m); break;
    case SM_PLAN_WINDOW: rc = exec_window(ctx, p, &m); break;
    case SM_PLAN_SETOP: rc = exec_setop(ctx, p, &m); break;
    default: rc = sm_err(SM_INTERNAL, "materialize: node kind %d is not a breaker", p->kind); break;
    }
    if (ctx->metrics) exec_metrics_breaker_end(&span);
    if (rc != SM_OK) return rc;
    bool kept = reusable && !sm_mset_spilled(m) && sm_exec_reuse_put(ctx->reuse, p, m);
    SM_TRY(cache_put(ctx, p, m, kept));
    *out = m;
    return SM_OK;
}

/* A streaming join's state, built (on the driver thread) the first time:
 * the right side collected and hashed, breakers under the left side
 * materialized. */
static int join_state(sm_exec_ctx *ctx, const sm_plan *p, exec_join_state **out) {
    struct sm_exec_cache *c = ctx->cache;
    *out = NULL;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->njoins; i++)
        if (c->joins[i].plan == p) *out = c->joins[i].state;
    pthread_mutex_unlock(&c->lock);
    if (*out) return SM_OK;
    exec_join_state *st = NULL;
    exec_metrics_span span;
    if (ctx->metrics) exec_metrics_breaker_begin(ctx, p, &span);
    int rc = exec_join_state_new(ctx, p, &st);
    if (ctx->metrics) exec_metrics_breaker_end(&span);
    if (rc != SM_OK) return rc;
    pthread_mutex_lock(&c->lock);
    if (c->njoins == c->capjoins) {
        int cap = c->capjoins ? c->capjoins * 2 : 8;
        struct join_entry *e = sm_realloc(c->joins, (size_t)cap * sizeof *e);
        if (!e) {
            pthread_mutex_unlock(&c->lock);
            exec_join_state_free(st);
            return SM_NOMEM;
        }
        c->joins = e;
        c->capjoins = cap;
    }
    c->joins[c->njoins].plan = p;
    c->joins[c->njoins++].state = st;
    pthread_mutex_unlock(&c->lock);
    *out = st;
    return SM_OK;
}

static int shared_scan_parts(sm_exec_ctx *ctx, const sm_plan *p);
/* Distributed: a scan's splits are dealt to the ranks, split i to rank
 * i % nranks (dist_split maps this rank's partition to its split). */
static bool dist_deals(const sm_exec_ctx *ctx, const sm_plan *p) {
    return ctx->dist && p->source->format != ctx->dist->local_format;
}
static int dist_nsplits(const sm_exec_ctx *ctx, const sm_plan *p) {
    int n = p->source->nsplits, r = ctx->dist->rank, k = ctx->dist->nranks;
    return n > r ? (n - r + k - 1) / k : 0;
}
static int dist_split(const sm_exec_ctx *ctx, int part) {
    return ctx->dist->rank + part * ctx->dist->nranks;
}

/* LIMIT n [OFFSET m] directly over a SORT (or over the LIMIT -1 OFFSET m
 * node SQL's OFFSET makes, over a SORT) that is not materialized yet, with
 * n plus the offsets at most a million rows: the sort keeps only its first
 * rows (exec_sort_topk), cached under the LIMIT node, so neither the whole
 * sort's memory nor its spill is needed.  Returns the SORT node (NULL: not
 * this case), the rows to keep and the rows the inner OFFSET skips. */
#define SM_TOPK_MAX_ROWS 1000000
static const sm_plan *limit_topk(sm_exec_ctx *ctx, const sm_plan *p, int64_t *k, int64_t *skip) {
    if (p->kind != SM_PLAN_LIMIT || p->limit < 0 || !p->child) return NULL;
    const sm_plan *c = p->child;
    int64_t inner = 0;
    if (c->kind == SM_PLAN_LIMIT && c->limit < 0 && c->child) {
        inner = c->offset > 0 ? c->offset : 0;
        c = c->child;
    }
    if (c->kind != SM_PLAN_SORT) return NULL;
    int64_t n = p->limit + (p->offset > 0 ? p->offset : 0) + inner;
    if (n > SM_TOPK_MAX_ROWS || n < 0) return NULL;
    if (cache_get(ctx, p) == NULL && cache_get(ctx, c) != NULL) return NULL; /* sorted already */
    if (k) *k = n;
    if (skip) *skip = inner;
    return c;
}

static int limit_topk_materialize(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    sm_mset *m = cache_get(ctx, p);
    if (m) {
        *out = m;
        return SM_OK;
    }
    int64_t k = 0;
    const sm_plan *sort = limit_topk(ctx, p, &k, NULL);
    if (!sort) return sm_err(SM_INTERNAL, "limit: not a top-k");
    exec_metrics_span span;
    if (ctx->metrics) exec_metrics_breaker_begin(ctx, sort, &span);
    int rc = exec_sort_topk(ctx, sort, k, &m);
    if (ctx->metrics) exec_metrics_breaker_end(&span);
    if (rc != SM_OK) return rc;
    SM_TRY(cache_put(ctx, p, m, false));
    *out = m;
    return SM_OK;
}

int exec_num_partitions(sm_exec_ctx *ctx, const sm_plan *p) {
    if (ctx->dist && p->kind == SM_PLAN_LIMIT) goto breaker; /* gathered to rank 0 */
    switch (p->kind) {
    case SM_PLAN_SCAN:
        if (p->shared_scan) return shared_scan_parts(ctx, p); /* distributed: this rank's splits */
        if (dist_deals(ctx, p)) return dist_nsplits(ctx, p);
        return p->source->nsplits;
    case SM_PLAN_VALUES: return ctx->dist && ctx->dist->rank != 0 ? 0 : 1;
    case SM_PLAN_FILTER:
    case SM_PLAN_PROJECT:
    case SM_PLAN_GENERATE:
    case SM_PLAN_EXPAND: return exec_num_partitions(ctx, p->child);
    case SM_PLAN_LIMIT: {
        if (limit_topk(ctx, p, NULL, NULL)) { /* LIMIT over ORDER BY: the first rows only */
            sm_mset *m;
            return limit_topk_materialize(ctx, p, &m) == SM_OK ? 1 : -1;
        }
        int n = exec_num_partitions(ctx, p->child);
        return n < 0 ? n : 1;
    }
    case SM_PLAN_UNION: {
        int total = 0;
        for (int i = 0; i < p->nchildren; i++) {
            int n = exec_num_partitions(ctx, p->children[i]);
            if (n < 0) return n;
            total += n;
        }
        return total;
    }
    case SM_PLAN_JOIN:
        if (exec_join_streams(ctx, p)) { /* inner, left, semi, anti, cross (joinstream.h) */
            exec_join_state *st;
            return join_state(ctx, p, &st) == SM_OK ? exec_join_state_parts(st) : -1;
        }
        goto breaker;
    default:
    breaker: {
        sm_mset *m;
        if (materialize(ctx, p, &m) != SM_OK) return -1;
        return m->nparts;
    }
    }
}

/* ---- scans read more than once (plan/scan_share.c) ---------------------- */

typedef struct {
    const sm_plan *p;
    sm_mset *m;
    const sm_exec_ctx *ctx; /* distributed: part i reads this rank's split (dist_split) */
} shared_scan_job;

/* True when v is a plain vector whose rows are all null: a column the
 * scan was told not to produce (column pruning), or one with no values. */
static bool all_null_plain(const sm_vector *v) {
    if (!v || !v->validity || v->nchildren || v->dict || v->type == SM_NULLTYPE) return false;
    int64_t full = v->length / 8;
    for (int64_t i = 0; i < full; i++)
        if (v->validity[i]) return false;
    for (int64_t r = full * 8; r < v->length; r++)
        if (v->validity[r >> 3] & (1u << (r & 7))) return false;
    return true;
}

static int shared_scan_task(void *arg, int part) {
    shared_scan_job *job = arg;
    sm_reader *rd = NULL;
    int ncols = job->p->schema->ncols;
    /* Kept batches share one all-null vector per column and length instead
     * of each holding its own (pruned columns of a wide table). */
    sm_vector **nulls = sm_calloc((size_t)(ncols ? ncols : 1), sizeof *nulls);
    if (!nulls) return sm_err(SM_NOMEM, "out of memory reading a shared scan");
    int rc = job->p->source->open(job->p->source, dist_deals(job->ctx, job->p) ? dist_split(job->ctx, part) : part, &rd);
    for (; rc == SM_OK;) {
        sm_batch *b = NULL;
        if ((rc = rd->next(rd, &b)) != SM_OK || !b) break;
        for (int c = 0; c < b->ncols && c < ncols; c++) {
            sm_vector *v = b->cols[c];
            if (!all_null_plain(v)) continue;
            sm_vector *n = nulls[c];
            if (n && n->length == v->length && n->type == v->type &&
                n->precision == v->precision && n->scale == v->scale && n->dt == v->dt) {
                b->cols[c] = sm_vector_ref(n);
                sm_vector_unref(v);
            } else {
                sm_vector_unref(n);
                nulls[c] = sm_vector_ref(v);
            }
        }
        if ((rc = sm_mset_add(job->m, part, b)) != SM_OK) break;
        if (sm_pool_cancelled()) break;
    }
    if (rd) rd->close(rd);
    for (int c = 0; c < ncols; c++) sm_vector_unref(nulls[c]);
    sm_free(nulls);
    return rc;
}

/* A shared scan is read once per action, all splits in parallel, into the
 * action's cache; its readers stream the kept batches (exec_open_raw). */
static int shared_scan_parts(sm_exec_ctx *ctx, const sm_plan *p) {
    sm_mset *m = cache_get(ctx, p);
    if (m) return m->nparts;
    int n = dist_deals(ctx, p) ? dist_nsplits(ctx, p) : p->source->nsplits;
    shared_scan_job job = {p, sm_mset_new(n > 0 ? n : 1), ctx};
    if (!job.m) {
        sm_err(SM_NOMEM, "out of memory reading a shared scan");
        return -1;
    }
    exec_metrics_span span;
    if (ctx->metrics) exec_metrics_breaker_begin(ctx, p, &span);
    int rc = sm_pool_run(ctx->pool, n, shared_scan_task, &job);
    if (ctx->metrics) exec_metrics_breaker_end(&span);
    if (rc == SM_OK) rc = cache_put(ctx, p, job.m, false);
    if (rc != SM_OK) {
        sm_mset_free(job.m);
        return -1;
    }
    return n;
}

/* ---- streams -------------------------------------------------------------- */

typedef struct {
    sm_stream base;
    sm_reader *reader;
} scan_stream;

static int scan_next(sm_stream *s, sm_batch **out) {
    scan_stream *ss = (scan_stream *)s;
    return ss->reader->next(ss->reader, out);
}
static void scan_close(sm_stream *s) {
    scan_stream *ss = (scan_stream *)s;
    if (ss->reader) ss->reader->close(ss->reader);
    sm_free(ss);
}

typedef struct {
    sm_stream base;
    const sm_mset *m;
    int part, next;
    sm_batch *const *values; /* VALUES node batches instead of an mset */
    int nvalues;
} mset_stream;

static sm_batch *batch_share(const sm_batch *b) {
    sm_batch *c = sm_batch_new(b->ncols, b->nrows);
    if (!c) return NULL;
    for (int i = 0; i < b->ncols; i++) c->cols[i] = sm_vector_ref(b->cols[i]);
    return c;
}

static int mset_next(sm_stream *s, sm_batch **out) {
    mset_stream *ms = (mset_stream *)s;
    sm_batch *const *arr = ms->values ? ms->values : ms->m->parts[ms->part].batches;
    int n = ms->values ? ms->nvalues : ms->m->parts[ms->part].nbatches;
    *out = NULL;
    if (ms->next >= n && !ms->values && ms->m->parts[ms->part].spill)
        return sm_mset_read_spilled(ms->m, ms->part, ms->next++ - n, out);
    if (ms->next >= n) return SM_OK;
    *out = batch_share(arr[ms->next++]);
    return *out ? SM_OK : SM_NOMEM;
}
static void mset_close(sm_stream *s) { sm_free(s); }

int exec_mset_stream(const sm_mset *m, int part, sm_stream **out) {
    mset_stream *ms = sm_calloc(1, sizeof *ms);
    if (!ms) return SM_NOMEM;
    ms->base.next = mset_next;
    ms->base.close = mset_close;
    ms->m = m;
    ms->part = part;
    *out = &ms->base;
    return SM_OK;
}

typedef struct {
    sm_stream base;
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_stream *child;
    int32_t *sel;
    int64_t selcap;
} filter_stream;

static int filter_next(sm_stream *s, sm_batch **out) {
    filter_stream *fs = (filter_stream *)s;
    for (;;) {
        sm_batch *in;
        SM_TRY(fs->child->next(fs->child, &in));
        if (!in) {
            *out = NULL;
            return SM_OK;
        }
        sm_vector *mask;
        int rc = sm_expr_eval(&fs->ctx->eval, fs->p->cond, in, &mask);
        if (rc != SM_OK) {
            sm_batch_free(in);
            return rc;
        }
        if (fs->selcap < in->nrows) {
            sm_free(fs->sel);
            fs->sel = sm_malloc((size_t)in->nrows * sizeof(int32_t));
            if (!fs->sel) {
                sm_vector_unref(mask);
                sm_batch_free(in);
                return SM_NOMEM;
            }
            fs->selcap = in->nrows;
        }
        int64_t n = 0;
        const uint8_t *m = SM_VEC_BOOL(mask);
        if (mask->type == SM_NULLTYPE) {
            n = 0;
        } else if (mask->validity) {
            for (int64_t r = 0; r < in->nrows; r++)
                if (m[r] && !sm_vector_is_null(mask, r)) fs->sel[n++] = (int32_t)r;
        } else {
            for (int64_t r = 0; r < in->nrows; r++) {
                fs->sel[n] = (int32_t)r;
                n += m[r] != 0;
            }
        }
        sm_vector_unref(mask);
        if (n == in->nrows) {
            *out = in;
            return SM_OK;
        }
        if (n == 0) {
            sm_batch_free(in);
            continue;
        }
        sm_batch *res;
        if (fs->p->unused_cols) { /* columns nothing above reads stay null (prune.c) */
            res = sm_batch_new(in->ncols, n);
            for (int c = 0; res && c < in->ncols; c++) {
                res->cols[c] = c < 64 && (fs->p->unused_cols >> c & 1)
                                   ? sm_vector_new_nulls(in->cols[c]->type, n)
                                   : sm_vector_take(in->cols[c], fs->sel, n);
                if (!res->cols[c]) {
                    sm_batch_free(res);
                    res = NULL;
                    break;
                }
                res->cols[c]->precision = in->cols[c]->precision;
                res->cols[c]->scale = in->cols[c]->scale;
            }
        } else {
            res = sm_batch_take(in, fs->sel, n);
        }
        sm_batch_free(in);
        if (!res) return SM_NOMEM;
        *out = res;
        return SM_OK;
    }
}

static void filter_close(sm_stream *s) {
    filter_stream *fs = (filter_stream *)s;
    if (fs->child) fs->child->close(fs->child);
    sm_free(fs->sel);
    sm_free(fs);
}

typedef struct {
    sm_stream base;
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_stream *child;
} project_stream;

static int project_next(sm_stream *s, sm_batch **out) {
    project_stream *ps = (project_stream *)s;
    sm_batch *in;
    *out = NULL;
    SM_TRY(ps->child->next(ps->child, &in));
    if (!in) return SM_OK;
    sm_batch *res = sm_batch_new(ps->p->nexprs, in->nrows);
    if (!res) {
        sm_batch_free(in);
        return SM_NOMEM;
    }
    for (int i = 0; i < ps->p->nexprs; i++) {
        int rc;
        if (i < 64 && (ps->p->unused_cols >> i & 1)) { /* nothing above reads it (prune.c) */
            const sm_field *f = &ps->p->schema->fields[i];
            res->cols[i] = sm_vector_new_nulls(f->type, in->nrows);
            if (res->cols[i]) {
                res->cols[i]->precision = f->precision;
                res->cols[i]->scale = f->scale;
            }
            rc = res->cols[i] ? SM_OK : SM_NOMEM;
        } else {
            rc = sm_expr_eval(&ps->ctx->eval, ps->p->exprs[i], in, &res->cols[i]);
        }
        if (rc != SM_OK) {
            sm_batch_free(res);
            sm_batch_free(in);
            return rc;
        }
    }
    sm_batch_free(in);
    *out = res;
    return SM_OK;
}

static void project_close(sm_stream *s) {
    project_stream *ps = (project_stream *)s;
    if (ps->child) ps->child->close(ps->child);
    sm_free(ps);
}

typedef struct {
    sm_stream base;
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_stream *child;
    int child_part, nchild_parts;
    int64_t remaining; /* rows still to return (INT64_MAX: no limit) */
    int64_t skip;      /* rows of OFFSET still to skip */
    const sm_mset *topk; /* LIMIT over ORDER BY: the sort's first rows (limit_topk) */
} limit_stream;

/* Rows [from, from + n) of `in` as a new batch. */
static sm_batch *batch_slice(const sm_batch *in, int64_t from, int64_t n) {
    int32_t *sel = sm_malloc((size_t)(n > 0 ? n : 1) * sizeof(int32_t));
    if (!sel) return NULL;
    for (int64_t i = 0; i < n; i++) sel[i] = (int32_t)(from + i);
    sm_batch *b = sm_batch_take(in, sel, n);
    sm_free(sel);
    return b;
}

static int limit_next(sm_stream *s, sm_batch **out) {
    limit_stream *ls = (limit_stream *)s;
    *out = NULL;
    while (ls->remaining > 0) {
        if (!ls->child) {
            if (ls->child_part >= ls->nchild_parts) return SM_OK;
            if (ls->topk) SM_TRY(exec_mset_stream(ls->topk, ls->child_part++, &ls->child));
            else SM_TRY(exec_open(ls->ctx, ls->p->child, ls->child_part++, &ls->child));
        }
        sm_batch *in;
        SM_TRY(ls->child->next(ls->child, &in));
        if (!in) {
            ls->child->close(ls->child);
            ls->child = NULL;
            continue;
        }
        if (in->nrows <= ls->skip) {
            ls->skip -= in->nrows;
            sm_batch_free(in);
            continue;
        }
        if (ls->skip > 0 || in->nrows > ls->remaining) {
            int64_t n = in->nrows - ls->skip;
            if (n > ls->remaining) n = ls->remaining;
            sm_batch *cut = batch_slice(in, ls->skip, n);
            sm_batch_free(in);
            if (!cut) return SM_NOMEM;
            ls->skip = 0;
            in = cut;
        }
        ls->remaining -= in->nrows;
        *out = in;
        return SM_OK;
    }
    return SM_OK;
}

static void limit_close(sm_stream *s) {
    limit_stream *ls = (limit_stream *)s;
    if (ls->child) ls->child->close(ls->child);
    sm_free(ls);
}

/* EXPAND: every input batch comes out once per grouping set, projected by
 * that set's expressions. */
typedef struct {
    sm_stream base;
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_stream *child;
    sm_batch *in; /* current input batch */
    int next_set;
} expand_stream;

static int expand_next(sm_stream *s, sm_batch **out) {
    expand_stream *es = (expand_stream *)s;
    *out = NULL;
    if (!es->in || es->next_set >= es->p->nsets) {
        sm_batch_free(es->in);
        es->in = NULL;
        SM_TRY(es->child->next(es->child, &es->in));
        if (!es->in) return SM_OK;
        es->next_set = 0;
    }
    const sm_expr *const *set = (const sm_expr *const *)es->p->sets[es->next_set++];
    sm_batch *res = sm_batch_new(es->p->nexprs, es->in->nrows);
    if (!res) return SM_NOMEM;
    for (int i = 0; i < es->p->nexprs; i++) {
        int rc = sm_expr_eval(&es->ctx->eval, set[i], es->in, &res->cols[i]);
        if (rc != SM_OK) {
            sm_batch_free(res);
            return rc;
        }
    }
    *out = res;
    return SM_OK;
}

static void expand_close(sm_stream *s) {
    expand_stream *es = (expand_stream *)s;
    if (es->child) es->child->close(es->child);
    sm_batch_free(es->in);
    sm_free(es);
}

static int exec_open_raw(sm_exec_ctx *ctx, const sm_plan *p, int part, sm_stream **out);

int exec_open(sm_exec_ctx *ctx, const sm_plan *p, int part, sm_stream **out) {
    int rc = exec_open_raw(ctx, p, part, out);
    if (rc == SM_OK && ctx->metrics) rc = exec_metrics_wrap(ctx, p, out);
    return rc;
}

static int exec_open_raw(sm_exec_ctx *ctx, const sm_plan *p, int part, sm_stream **out) {
    *out = NULL;
    if (ctx->dist && p->kind == SM_PLAN_LIMIT) goto breaker; /* gathered to rank 0 */
    switch (p->kind) {
    case SM_PLAN_SCAN: {
        const sm_mset *kept = p->shared_scan ? cache_get(ctx, p) : NULL;
        if (kept) return exec_mset_stream(kept, part, out);
        scan_stream *ss = sm_calloc(1, sizeof *ss);
        if (!ss) return SM_NOMEM;
        ss->base.next = scan_next;
        ss->base.close = scan_close;
        int rc = p->source->open(p->source, dist_deals(ctx, p) ? dist_split(ctx, part) : part, &ss->reader);
        if (rc != SM_OK) {
            sm_free(ss);
            return rc;
        }
        *out = &ss->base;
        return SM_OK;
    }
    case SM_PLAN_VALUES: {
        mset_stream *ms = sm_calloc(1, sizeof *ms);
        if (!ms) return SM_NOMEM;
        ms->base.next = mset_next;
        ms->base.close = mset_close;
        ms->values = p->batches;
        ms->nvalues = p->nbatches;
        *out = &ms->base;
        return SM_OK;
    }
    case SM_PLAN_FILTER: {
        filter_stream *fs = sm_calloc(1, sizeof *fs);
        if (!fs) return SM_NOMEM;
        fs->base.next = filter_next;
        fs->base.close = filter_close;
        fs->ctx = ctx;
        fs->p = p;
        int rc = exec_open(ctx, p->child, part, &fs->child);
        if (rc != SM_OK) {
            filter_close(&fs->base);
            return rc;
        }
        *out = &fs->base;
        return SM_OK;
    }
    case SM_PLAN_PROJECT: {
        project_stream *ps = sm_calloc(1, sizeof *ps);
        if (!ps) return SM_NOMEM;
        ps->base.next = project_next;
        ps->base.close = project_close;
        ps->ctx = ctx;
        ps->p = p;
        int rc = exec_open(ctx, p->child, part, &ps->child);
        if (rc != SM_OK) {
            project_close(&ps->base);
            return rc;
        }
        *out = &ps->base;
        return SM_OK;
    }
    case SM_PLAN_GENERATE: {
        sm_stream *child = NULL;
        SM_TRY(exec_open(ctx, p->child, part, &child));
        int rc = exec_generate_open(ctx, p, child, out);
        if (rc != SM_OK) child->close(child);
        return rc;
    }
    case SM_PLAN_EXPAND: {
        expand_stream *es = sm_calloc(1, sizeof *es);
        if (!es) return SM_NOMEM;
        es->base.next = expand_next;
        es->base.close = expand_close;
        es->ctx = ctx;
        es->p = p;
        int rc = exec_open(ctx, p->child, part, &es->child);
        if (rc != SM_OK) {
            expand_close(&es->base);
            return rc;
        }
        *out = &es->base;
        return SM_OK;
    }
    case SM_PLAN_LIMIT: {
        limit_stream *ls = sm_calloc(1, sizeof *ls);
        if (!ls) return SM_NOMEM;
        ls->base.next = limit_next;
        ls->base.close = limit_close;
        ls->ctx = ctx;
        ls->p = p;
        ls->remaining = p->limit < 0 ? INT64_MAX : p->limit;
        ls->skip = p->offset > 0 ? p->offset : 0;
        int64_t inner_skip = 0;
        if (limit_topk(ctx, p, NULL, &inner_skip)) { /* read the first rows kept by the top-k sort */
            ls->skip += inner_skip;
            sm_mset *m;
            int rc = limit_topk_materialize(ctx, p, &m);
            if (rc != SM_OK) {
                sm_free(ls);
                return rc;
            }
            ls->topk = m;
            ls->nchild_parts = 1;
            *out = &ls->base;
            return SM_OK;
        }
        ls->nchild_parts = exec_num_partitions(ctx, p->child);
        if (ls->nchild_parts < 0) {
            sm_free(ls);
            return sm_errcode() ? sm_errcode() : SM_INTERNAL;
        }
        *out = &ls->base;
        return SM_OK;
    }
    case SM_PLAN_UNION: {
        for (int i = 0; i < p->nchildren; i++) {
            int n = exec_num_partitions(ctx, p->children[i]);
            if (n < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
            if (part < n) return exec_open(ctx, p->children[i], part, out);
            part -= n;
        }
        return sm_err(SM_INTERNAL, "union: partition out of range");
    }
    case SM_PLAN_JOIN:
        if (exec_join_streams(ctx, p)) {
            exec_join_state *st;
            SM_TRY(join_state(ctx, p, &st));
            if (part >= exec_join_state_parts(st)) return sm_err(SM_INTERNAL, "partition %d out of range", part);
            return exec_join_state_open(ctx, st, part, out);
        }
        goto breaker;
    default:
    breaker: {
        sm_mset *m;
        SM_TRY(materialize(ctx, p, &m));
        if (part >= m->nparts) return sm_err(SM_INTERNAL, "partition %d out of range", part);
        return exec_mset_stream(m, part, out);
    }
    }
}

/* ---- tasks ---------------------------------------------------------------- */

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    int (*consume)(void *, int, sm_batch *);
    void *arg;
    struct sm_op_metrics *consumer; /* metrics: the breaker consume works for */
    exec_event_stage *events;       /* event log: the stage these tasks run in */
} foreach_job;

static int foreach_task(void *argp, int part) {
    foreach_job *job = argp;
    sm_stream *s;
    int64_t t0 = job->events ? sm_exec_now_ns() : 0, rows = 0, batches = 0;
    int rc = exec_open(job->ctx, job->p, part, &s);
    if (rc != SM_OK) {
        if (job->events) exec_event_task_end(job->ctx, job->events, part, 0, 0, sm_exec_now_ns() - t0, rc);
        return rc;
    }
    for (;;) {
        sm_batch *b;
        rc = s->next(s, &b);
        if (rc != SM_OK || !b) break;
        rows += b->nrows;
        batches++;
        if (job->consumer) {
            int64_t c0 = sm_exec_now_ns();
            rc = job->consume(job->arg, part, b);
            exec_metrics_consumed(job->consumer, sm_exec_now_ns() - c0);
        } else {
            rc = job->consume(job->arg, part, b);
        }
        if (rc != SM_OK) break;
        if (sm_pool_cancelled()) break;
    }
    s->close(s);
    if (job->events) exec_event_task_end(job->ctx, job->events, part, rows, batches, sm_exec_now_ns() - t0, rc);
    return rc;
}

int exec_foreach_batch(sm_exec_ctx *ctx, const sm_plan *p,
                       int (*consume)(void *arg, int part, sm_batch *b), void *arg) {
    int n = exec_num_partitions(ctx, p);
    if (n < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
    foreach_job job = {ctx, p, consume, arg, NULL, NULL};
    if (!ctx->metrics) return sm_pool_run(ctx->pool, n, foreach_task, &job);
    exec_metrics_span span;
    job.consumer = exec_metrics_stage_begin(&span);
    exec_event_stage st;
    if (ctx->events) {
        exec_event_stage_begin(ctx, p, job.consumer ? exec_event_kind_name(job.consumer->node) : NULL, n, &st);
        job.events = &st;
    }
    int rc = sm_pool_run(ctx->pool, n, foreach_task, &job);
    if (ctx->events) exec_event_stage_end(ctx, &st, rc);
    exec_metrics_stage_end(&span);
    return rc;
}

static int collect_consume(void *arg, int part, sm_batch *b) {
    return sm_mset_add((sm_mset *)arg, part, b);
}

int exec_collect(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    int n = exec_num_partitions(ctx, p);
    if (n < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
    sm_mset *m = sm_mset_new(n);
    if (!m) return SM_NOMEM;
    int rc = exec_foreach_batch(ctx, p, collect_consume, m);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}
