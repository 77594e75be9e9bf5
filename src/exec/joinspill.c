/*
 * joinspill.c — the grace hash join: a hash join whose build side does not
 * fit the memory budget (joinspill.h).
 *
 * When: exec_join (hashjoin.c) collects the right (build) side into an mset
 * that spills past half the budget (exec/msetspill.c); if it spilled, or its
 * in-memory join (a copy of the rows, key vectors, hashes, chains and the
 * key table: about its bytes plus 48 bytes a row) would take counted memory
 * past three quarters of the budget, the join runs here instead.  Joins
 * without equi-keys (nested loops) never spill.
 *
 * Algorithm:
 *   1. Partition: every build row goes to one of SM_SPILL_FANOUT spill files
 *      by a hash of its join keys (sm_keytab_hash, the hash the in-memory
 *      join uses; the spill set mixes it with the level, exec/spill.c), in
 *      parallel over the build's parts; then the left (probe) side is run
 *      (exec_foreach_batch) and its rows routed the same way by their left
 *      keys into a second set.  Equal keys hash equally, so every match of
 *      a left row is in the build file of the same number.
 *   2. Join partition pairs, in parallel (one task per pair): a pair whose
 *      build file is small enough (three times its bytes within the task's
 *      share of half the budget) is joined in memory by exec_join_part
 *      (hashjoin.c: build from the file's rows, probe with the left file's
 *      batches, then, for right / full joins, the build rows nothing
 *      matched).  A larger one is re-partitioned: both files are routed one
 *      level down (another mix of the hash) into 32 new pairs, each handled
 *      the same way, up to 4 levels (past that, one key holds the rows and
 *      the pair is joined in memory whatever its size).
 *
 * Why every join type stays correct: a row with a null key never matches;
 * it lands in some partition (the hash of null is a number) and is treated
 * there exactly as in the one-table join: a left row is output
 * null-extended (left / full) or kept (anti) when it matched nothing, a
 * build row likewise (right / full) at the end of its partition.  The
 * residual condition is evaluated on candidate pairs, which are always in
 * the same partition.  Semi and anti joins ask whether a left row has a
 * passing match — all of which are in its partition.
 *
 * Null-aware anti join (NOT IN): its answer depends on the whole build side
 * (empty: keep every left row; any null key: keep none; otherwise drop left
 * rows with a null key).  The partitioning pass notes whether the build
 * side has a null key; if so the result is empty and the left side is not
 * read.  Otherwise left rows with a null key are dropped while routing
 * (the build side is not empty: it did not fit in memory), and each
 * partition is a plain anti join — a partition whose build file is empty
 * keeps its left rows, which is right since their keys are nowhere in the
 * build side.
 *
 * Output: partition i's rows go to part i of an mset that itself spills
 * past half the budget; the order of output rows differs from the
 * in-memory join's (Spark promises none).  EXPLAIN ANALYZE shows the bytes
 * and files written.
 *
 * Memory: at most one pair per pool thread is in memory; the build mset is
 * freed once partitioned; spill files are closed (their space freed) as
 * soon as their pair is done; on an error every set is freed, so the spill
 * directory goes with the last file.
 */
#include <stdatomic.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/hashtable.h"
#include "exec/joinspill.h"
#include "exec/metrics.h"
#include "exec/reuse.h"
#include "exec/spill.h"

#define GJ_MAX_LEVEL 4

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    bool null_aware;
    sm_mset *build;
    sm_spill_set *bset, *lset;
    sm_mset *out;
    bool *lneed; /* the left columns the join reads (NULL: all): only those are spilled */
    int64_t share; /* bytes one pair's in-memory join may use */
    _Atomic bool build_null_key;
    _Atomic int64_t bytes, parts;
} gj_run;

bool exec_join_can_spill(const sm_exec_ctx *ctx, const sm_plan *p) {
    return ctx->memory_limit > 0 && p->njoin_keys > 0;
}

int exec_join_collect_build(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    return exec_join_collect_right(ctx, p, true, out); /* hashjoin.c: unread columns dropped */
}

bool exec_join_must_spill(const sm_exec_ctx *ctx, const sm_plan *p, const sm_mset *build) {
    (void)p;
    if (sm_mset_spilled(build)) return true;
    int64_t need = sm_mset_bytes(build) + sm_mset_rows(build) * 48;
    int64_t limit = ctx->memory_limit;
    return sm_mem_in_use() + need > limit - limit / 4;
}

/* ---- partitioning -------------------------------------------------------------- */

/* Routes the rows of b into ss by a hash of its keys (right keys when
 * `right`); drops left rows with a null key for a null-aware anti join and
 * notes build rows with one. */
static int gj_route(gj_run *r, sm_spill_set *ss, const sm_batch *b, bool right) {
    const sm_plan *p = r->p;
    int nk = p->njoin_keys;
    int64_t n = b->nrows;
    if (n == 0) return SM_OK;
    sm_vector **keys = sm_calloc((size_t)nk, sizeof *keys);
    uint64_t *h = sm_malloc((size_t)n * sizeof *h);
    int32_t *sel = NULL;
    int rc = keys && h ? SM_OK : SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < nk; k++)
        rc = sm_expr_eval(&r->ctx->eval, right ? p->right_keys[k] : p->left_keys[k], b, &keys[k]);
    if (rc == SM_OK) sm_keytab_hash(keys, nk, n, h);
    const sm_batch *src = b;
    sm_batch *kept = NULL;
    if (rc == SM_OK && r->null_aware) {
        int64_t ns = 0;
        sel = sm_malloc((size_t)n * sizeof *sel);
        if (!sel) rc = SM_NOMEM;
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            bool null_key = false;
            for (int k = 0; k < nk && !null_key; k++) null_key = sm_vector_is_null(keys[k], i);
            if (null_key && right) atomic_store(&r->build_null_key, true);
            if (!null_key) {
                h[ns] = h[i];
                sel[ns++] = (int32_t)i;
            }
        }
        if (rc == SM_OK && !right && ns < n) {
            if (ns == 0) goto done;
            if (!(kept = sm_batch_take(b, sel, ns))) rc = SM_NOMEM;
            src = kept;
        } else if (rc == SM_OK && right && ns < n) {
            /* build rows are routed whole (they are never used: the result
             * is empty), with hashes in row order again */
            sm_keytab_hash(keys, nk, n, h);
        }
    }
    if (rc == SM_OK) rc = sm_spill_set_route(ss, src, h);
done:
    if (keys)
        for (int k = 0; k < nk; k++)
            if (keys[k]) sm_vector_unref(keys[k]);
    sm_free(keys);
    sm_free(h);
    sm_free(sel);
    if (kept) sm_batch_free(kept);
    return rc;
}

static int gj_build_task(void *arg, int part) {
    gj_run *r = arg;
    sm_stream *s = NULL;
    SM_TRY(exec_mset_stream(r->build, part, &s));
    int rc = SM_OK;
    while (rc == SM_OK) {
        sm_batch *b = NULL;
        rc = s->next(s, &b);
        if (rc != SM_OK || !b) break;
        rc = gj_route(r, r->bset, b, true);
        sm_batch_free(b);
    }
    s->close(s);
    return rc;
}

static int gj_left_consume(void *arg, int part, sm_batch *b) {
    (void)part;
    gj_run *r = arg;
    if (!exec_join_drop_cols(b, r->lneed)) {
        sm_batch_free(b);
        return SM_NOMEM;
    }
    int rc = gj_route(r, r->lset, b, false);
    sm_batch_free(b);
    return rc;
}

/* ---- joining pairs ------------------------------------------------------------- */

static int gj_rewind(FILE *f) {
    return fseeko(f, 0, SEEK_SET) == 0 ? SM_OK : sm_err(SM_IO, "rewinding a spill file");
}

static int64_t gj_file_bytes(FILE *f) {
    if (fseeko(f, 0, SEEK_END) != 0) return -1;
    return (int64_t)ftello(f);
}

static int gj_next_from_file(void *arg, sm_batch **out) { return sm_spill_read_batch(arg, out); }

/* Routes every batch of f into ss (right keys when `right`). */
static int gj_reroute(gj_run *r, FILE *f, sm_spill_set *ss, bool right) {
    int rc = gj_rewind(f);
    while (rc == SM_OK) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        rc = gj_route(r, ss, b, right);
        sm_batch_free(b);
        if (sm_pool_cancelled()) break;
    }
    return rc;
}

static int gj_pair(gj_run *r, FILE *bf, FILE *lf, int level, int outpart) {
    int64_t bbytes = gj_file_bytes(bf);
    if (bbytes < 0) return sm_err(SM_IO, "sizing a spill file");
    if (sm_pool_cancelled()) return SM_OK;
    if (bbytes * 3 > r->share && level < GJ_MAX_LEVEL) {
        /* too big: re-partition both files one level down */
        sm_spill_set *nb = sm_spill_set_new(level + 1);
        sm_spill_set *nl = nb ? sm_spill_set_new(level + 1) : NULL;
        int rc = nb && nl ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
        if (rc == SM_OK) rc = gj_reroute(r, bf, nb, true);
        if (rc == SM_OK) rc = gj_reroute(r, lf, nl, false);
        if (nb && nl) {
            atomic_fetch_add(&r->bytes, sm_spill_set_bytes(nb) + sm_spill_set_bytes(nl));
            atomic_fetch_add(&r->parts, 2 * SM_SPILL_FANOUT);
        }
        for (int i = 0; rc == SM_OK && i < SM_SPILL_FANOUT; i++) {
            rc = gj_pair(r, sm_spill_set_file(nb, i), sm_spill_set_file(nl, i), level + 1, outpart);
            sm_spill_set_close_file(nb, i);
            sm_spill_set_close_file(nl, i);
        }
        sm_spill_set_free(nb);
        sm_spill_set_free(nl);
        return rc;
    }
    /* the build file into memory, then the in-memory join */
    sm_mset *m = sm_mset_new(1);
    if (!m) return SM_NOMEM;
    int rc = gj_rewind(bf);
    while (rc == SM_OK) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(bf, &b);
        if (rc != SM_OK || !b) break;
        rc = sm_mset_add(m, 0, b);
    }
    if (rc == SM_OK) rc = gj_rewind(lf);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    return exec_join_part(r->ctx, r->p, m, gj_next_from_file, lf, r->out, outpart);
}

static int gj_pair_task(void *arg, int i) {
    gj_run *r = arg;
    int rc = gj_pair(r, sm_spill_set_file(r->bset, i), sm_spill_set_file(r->lset, i), 0, i);
    sm_spill_set_close_file(r->bset, i);
    sm_spill_set_close_file(r->lset, i);
    return rc;
}

int exec_join_grace(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *build, sm_mset **out) {
    gj_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.build = build;
    r.null_aware = p->null_aware && p->join_type == SM_JOIN_LEFT_ANTI;
    int threads = ctx->pool ? sm_pool_threads(ctx->pool) : 1;
    r.share = ctx->memory_limit / 2 / (threads > 0 ? threads : 1);
    r.bset = sm_spill_set_new(0);
    r.lset = r.bset ? sm_spill_set_new(0) : NULL;
    r.out = sm_mset_new(SM_SPILL_FANOUT);
    r.lneed = exec_join_left_needs(p);
    int rc = r.bset && r.lset ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
    if (rc == SM_OK && !r.out) rc = SM_NOMEM;
    sm_mset_spill_under(r.out, ctx->memory_limit);
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, build->nparts, gj_build_task, &r);
    sm_mset_free(build);
    r.build = NULL;
    bool empty = r.null_aware && atomic_load(&r.build_null_key); /* NOT IN (.., NULL, ..) */
    if (rc == SM_OK && !empty) rc = exec_foreach_batch(ctx, p->children[0], gj_left_consume, &r);
    if (r.bset && r.lset) {
        atomic_fetch_add(&r.bytes, sm_spill_set_bytes(r.bset) + sm_spill_set_bytes(r.lset));
        atomic_fetch_add(&r.parts, 2 * SM_SPILL_FANOUT);
    }
    if (rc == SM_OK && !empty) rc = sm_pool_run(ctx->pool, SM_SPILL_FANOUT, gj_pair_task, &r);
    sm_spill_set_free(r.bset);
    sm_spill_set_free(r.lset);
    sm_free(r.lneed);
    sm_exec_metrics_spilled(ctx, p, atomic_load(&r.bytes), atomic_load(&r.parts));
    if (rc != SM_OK) {
        sm_mset_free(r.out);
        return rc;
    }
    *out = r.out;
    return SM_OK;
}
