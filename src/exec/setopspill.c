/*
 * setopspill.c — INTERSECT / EXCEPT [ALL] that spill (setopspill.h).
 *
 * When the in-memory set operation (setop.c) passes three quarters of the
 * budget while its tables of counted rows grow or merge, it drops them and
 * calls exec_setop_spill, which runs both inputs again:
 *   1. Route: every row of the left input goes to one of SM_SPILL_FANOUT
 *      left files, every row of the right input to the right file of the
 *      same number, by a hash of the whole row (the keytab's hash, so rows
 *      equal under grouping equality — NULL = NULL, NaN = NaN, -0.0 = 0.0 —
 *      land in the same pair).
 *   2. Each file pair, in parallel (one task per pair): the left file's rows
 *      are counted in a keytab (cl per group); then the right file is read
 *      and each row that is one of those groups counts (cr); right rows that
 *      no left row equals are not kept, since they produce nothing.  Each
 *      group is emitted as often as the operation says (setop.c's table).
 *      When the left table passes the pair's share of the budget, both files
 *      are re-partitioned with the next level's hash into 32 new pairs
 *      (4 levels at most; a row repeated beyond the share still finishes:
 *      repeats are counted, not stored).
 *
 * Invariants: (1) equal rows of both sides meet in one pair at every level;
 * (2) every file is closed on every path, so a failed query leaves nothing.
 * Output values are the left's (as the tables store them); the output order
 * is not the in-memory run's.  The output mset spills past half the budget.
 *
 * Threading: routing runs one task per input partition (a lock per file);
 * pairs are processed one task per pair, each with its own table; output
 * batches are added under out_lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "common/status.h"
#include "exec/hashtable.h"
#include "exec/metrics.h"
#include "exec/setopspill.h"
#include "exec/spill.h"

#define SOS_LEVELS 4

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    int ncols;
    const sm_type *types;
    sm_spill_set *dst; /* the side being routed */
    int64_t work_budget;
    sm_mset *out;
    int npieces;
    _Atomic int next_piece;
    pthread_mutex_t out_lock;
    _Atomic int64_t spill_bytes, spill_parts;
} sos_run;

static int sos_route(sos_run *r, sm_spill_set *ss, const sm_batch *b) {
    if (b->nrows == 0) return SM_OK;
    uint64_t *hashes = sm_malloc((size_t)b->nrows * sizeof *hashes);
    if (!hashes) return SM_NOMEM;
    sm_keytab_hash(b->cols, r->ncols, b->nrows, hashes);
    int rc = sm_spill_set_route(ss, b, hashes);
    sm_free(hashes);
    return rc;
}

static int sos_consume(void *arg, int part, sm_batch *b) {
    sos_run *r = arg;
    int rc = sos_route(r, r->dst, b);
    sm_batch_free(b);
    return rc;
}

static int64_t sos_times(const sm_plan *p, int64_t cl, int64_t cr) {
    if (p->setop == SM_SETOP_INTERSECT) {
        if (!p->setop_all) return cl > 0 && cr > 0;
        return cl < cr ? cl : cr;
    }
    if (!p->setop_all) return cl > 0 && cr == 0;
    return cl > cr ? cl - cr : 0;
}

typedef struct {
    sm_keytab tab;
    int64_t *cl, *cr; /* per group */
    int64_t cap;
} sos_table;

static int64_t sos_table_bytes(const sos_run *r, const sos_table *t) {
    int64_t n = (int64_t)t->tab.nslots * 8 + t->tab.cap_groups * 8 + t->cap * 16;
    for (int c = 0; c < r->ncols; c++) {
        const sm_vector *v = t->tab.keys[c];
        n += v->capacity * (int64_t)(sm_type_width(v->type) + 1) + v->bytes_cap;
    }
    return n;
}

/* Counts the rows of batch b into t (left side). */
static int sos_count_left(sos_run *r, sos_table *t, const sm_batch *b) {
    int64_t n = b->nrows;
    uint64_t *hashes = sm_malloc((size_t)(n ? n : 1) * sizeof *hashes);
    uint32_t *gids = sm_malloc((size_t)(n ? n : 1) * sizeof *gids);
    int rc = hashes && gids ? SM_OK : SM_NOMEM;
    if (rc == SM_OK) {
        sm_keytab_hash(b->cols, r->ncols, n, hashes);
        rc = sm_keytab_insert(&t->tab, b->cols, hashes, NULL, n, gids, NULL);
    }
    if (rc == SM_OK && t->tab.ngroups > t->cap) {
        int64_t cap = t->cap ? t->cap : 1024;
        while (cap < t->tab.ngroups) cap *= 2;
        int64_t *c = sm_realloc(t->cl, (size_t)cap * sizeof *c);
        if (!c) rc = SM_NOMEM;
        else {
            memset(c + t->cap, 0, (size_t)(cap - t->cap) * sizeof *c);
            t->cl = c;
            t->cap = cap;
        }
    }
    for (int64_t i = 0; rc == SM_OK && i < n; i++) t->cl[gids[i]]++;
    sm_free(hashes);
    sm_free(gids);
    return rc;
}

/* Counts the rows of batch b (right side) that are groups of t. */
static int sos_count_right(sos_run *r, sos_table *t, const sm_batch *b) {
    int64_t n = b->nrows;
    uint64_t *hashes = sm_malloc((size_t)(n ? n : 1) * sizeof *hashes);
    if (!hashes) return SM_NOMEM;
    sm_keytab_hash(b->cols, r->ncols, n, hashes);
    for (int64_t i = 0; i < n; i++) {
        int64_t g = sm_keytab_find(&t->tab, b->cols, i, hashes[i]);
        if (g >= 0) t->cr[g]++;
    }
    sm_free(hashes);
    return SM_OK;
}

/* Emits rows sel[0..n) of t's keys as one batch. */
static int sos_emit(sos_run *r, const sos_table *t, const int32_t *sel, int64_t n) {
    if (n == 0) return SM_OK;
    sm_batch *b = sm_batch_new(r->ncols, n);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < r->ncols; c++)
        if (!(b->cols[c] = sm_vector_take(t->tab.keys[c], sel, n))) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
    int piece = atomic_fetch_add(&r->next_piece, 1) % r->npieces;
    pthread_mutex_lock(&r->out_lock);
    int rc = sm_mset_add(r->out, piece, b);
    pthread_mutex_unlock(&r->out_lock);
    return rc;
}

static int sos_rewind(FILE *f) {
    return fseek(f, 0, SEEK_SET) == 0 ? SM_OK : sm_err(SM_IO, "rewinding a spill file");
}

static int sos_pair(sos_run *r, FILE *lf, FILE *rf, int level);

/* Both files of a pair too big at `level` go into new pairs at level + 1. */
static int sos_resplit(sos_run *r, FILE *lf, FILE *rf, int level) {
    sm_spill_set *ls = sm_spill_set_new(level + 1);
    sm_spill_set *rs = ls ? sm_spill_set_new(level + 1) : NULL;
    int rc = rs ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
    for (int side = 0; side < 2 && rc == SM_OK; side++) {
        FILE *f = side ? rf : lf;
        rc = sos_rewind(f);
        while (rc == SM_OK) {
            sm_batch *b = NULL;
            rc = sm_spill_read_batch(f, &b);
            if (rc != SM_OK || !b) break;
            rc = sos_route(r, side ? rs : ls, b);
            sm_batch_free(b);
        }
    }
    if (rs) {
        atomic_fetch_add(&r->spill_bytes, sm_spill_set_bytes(ls) + sm_spill_set_bytes(rs));
        atomic_fetch_add(&r->spill_parts, 2 * SM_SPILL_FANOUT);
    }
    for (int i = 0; i < SM_SPILL_FANOUT && rc == SM_OK && !sm_pool_cancelled(); i++) {
        rc = sos_pair(r, sm_spill_set_file(ls, i), sm_spill_set_file(rs, i), level + 1);
        sm_spill_set_close_file(ls, i);
        sm_spill_set_close_file(rs, i);
    }
    sm_spill_set_free(ls);
    sm_spill_set_free(rs);
    return rc;
}

static int sos_pair(sos_run *r, FILE *lf, FILE *rf, int level) {
    sos_table t;
    memset(&t, 0, sizeof t);
    int rc = sm_keytab_init(&t.tab, r->ncols, r->types);
    if (rc != SM_OK) return rc;
    bool over = false;
    rc = sos_rewind(lf);
    while (rc == SM_OK && !over && !sm_pool_cancelled()) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(lf, &b);
        if (rc != SM_OK || !b) break;
        rc = sos_count_left(r, &t, b);
        sm_batch_free(b);
        over = rc == SM_OK && level + 1 < SOS_LEVELS && sos_table_bytes(r, &t) > r->work_budget;
    }
    if (rc == SM_OK && !over && t.tab.ngroups > 0) {
        t.cr = sm_calloc((size_t)t.tab.ngroups, sizeof *t.cr);
        if (!t.cr) rc = SM_NOMEM;
        if (rc == SM_OK) rc = sos_rewind(rf);
        while (rc == SM_OK && !sm_pool_cancelled()) {
            sm_batch *b = NULL;
            rc = sm_spill_read_batch(rf, &b);
            if (rc != SM_OK || !b) break;
            rc = sos_count_right(r, &t, b);
            sm_batch_free(b);
        }
        int32_t *sel = rc == SM_OK ? sm_malloc(SM_BATCH_ROWS * sizeof *sel) : NULL;
        if (rc == SM_OK && !sel) rc = SM_NOMEM;
        int64_t ns = 0;
        for (int64_t g = 0; rc == SM_OK && g < t.tab.ngroups; g++) {
            int64_t times = sos_times(r->p, t.cl[g], t.cr[g]);
            for (int64_t k = 0; k < times && rc == SM_OK; k++) {
                sel[ns++] = (int32_t)g;
                if (ns == SM_BATCH_ROWS) {
                    rc = sos_emit(r, &t, sel, ns);
                    ns = 0;
                }
            }
        }
        if (rc == SM_OK) rc = sos_emit(r, &t, sel, ns);
        sm_free(sel);
    }
    sm_keytab_free(&t.tab);
    sm_free(t.cl);
    sm_free(t.cr);
    if (rc != SM_OK || !over) return rc;
    return sos_resplit(r, lf, rf, level);
}

typedef struct {
    sos_run *r;
    sm_spill_set *ls, *rs;
} sos_pairs;

static int sos_task(void *arg, int i) {
    sos_pairs *pp = arg;
    int rc = sos_pair(pp->r, sm_spill_set_file(pp->ls, i), sm_spill_set_file(pp->rs, i), 0);
    sm_spill_set_close_file(pp->ls, i); /* their disk space goes now */
    sm_spill_set_close_file(pp->rs, i);
    return rc;
}

int exec_setop_spill(sm_exec_ctx *ctx, const sm_plan *p, int ncols, const sm_type *types, int npieces,
                     sm_mset **out) {
    sos_run r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.p = p;
    r.ncols = ncols;
    r.types = types;
    r.npieces = npieces > 0 ? npieces : 1;
    int64_t limit = ctx->memory_limit;
    int64_t free_now = limit - sm_mem_in_use();
    int threads = sm_pool_threads(ctx->pool);
    r.work_budget = (free_now > limit / 4 ? free_now : limit / 4) / 2 / (threads > 0 ? threads : 1);
    pthread_mutex_init(&r.out_lock, NULL);
    sos_pairs pp = {&r, NULL, NULL};
    r.out = sm_mset_new(r.npieces);
    if (r.out) sm_mset_spill_under(r.out, limit); /* the output may spill too */
    pp.ls = r.out ? sm_spill_set_new(0) : NULL;
    pp.rs = pp.ls ? sm_spill_set_new(0) : NULL;
    int rc = pp.rs ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
    for (int side = 0; side < 2 && rc == SM_OK; side++) {
        r.dst = side ? pp.rs : pp.ls;
        rc = exec_foreach_batch(ctx, p->children[side], sos_consume, &r);
    }
    if (pp.rs) {
        atomic_fetch_add(&r.spill_bytes, sm_spill_set_bytes(pp.ls) + sm_spill_set_bytes(pp.rs));
        atomic_fetch_add(&r.spill_parts, 2 * SM_SPILL_FANOUT);
    }
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, SM_SPILL_FANOUT, sos_task, &pp);
    sm_spill_set_free(pp.ls);
    sm_spill_set_free(pp.rs);
    pthread_mutex_destroy(&r.out_lock);
    sm_exec_metrics_spilled(ctx, p, atomic_load(&r.spill_bytes), atomic_load(&r.spill_parts));
    if (rc != SM_OK) {
        sm_mset_free(r.out);
        return rc;
    }
    *out = r.out;
    return SM_OK;
}
