/*
 * dist.c — distributed execution: the executor's hooks (sm_exec_dist in
 * exec.h) on the world communicator (comm.c), docs/mpi.md.
 *
 * Every rank plans the same job and runs the same actions in the same
 * order.  Scans read split i on rank i % nranks (exec.c).  A breaker is
 * materialized here, in three steps:
 *   1. each child whose rows must move runs as a local stage on this rank's
 *      threads, its batches routed to ranks (shuffle.c): by the hash of the
 *      breaker's key (aggregate keys, distinct columns, equi-join keys, set
 *      operation rows) to owner(hash) — so each key's rows meet on one rank —
 *      or all to rank 0 (global aggregates, sorts, windows, null-aware anti
 *      joins, outer joins without keys), or to every rank (the right side of
 *      an inner/left/semi/anti join without keys: a broadcast);
 *   2. the rows a rank receives become a rank-local scan (xd_source, format
 *      XD_LOCAL: exec.c does not deal its splits);
 *   3. the breaker's own operator (exec_hashagg, exec_join, ...) runs on a
 *      copy of the node whose children are those scans.  Breakers that ran
 *      on rank 0 alone give every other rank an empty result.
 * The breaker's output therefore lives spread over the ranks (or on rank
 * 0); narrow operators above it stream it per rank as usual.  LIMIT takes
 * up to limit + offset rows on each rank, gathers them to rank 0 and cuts
 * there.  Actions gather the final rows to every rank (gather): rank 0
 * prints them, and analysis-time actions (the SQL analyzer samples
 * relations to order joins, subqueries count) see the same rows everywhere,
 * so every rank keeps planning alike.
 *
 * Every collective starts with the status agreement (xch_sync), so a rank
 * that fails makes every rank fail at the next exchange with its message.
 *
 * Memory: the received msets belong to the scan sources, which live until
 * the breaker's operator has returned (its output references vectors, not
 * the sources).  Only the main thread calls these hooks (materialize runs
 * from exec_num_partitions, before tasks start).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "exchange/copart.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"
#include "exec/eventlog.h"
#include "exec/hashtable.h"
#include "exec/joinspill.h"
#include "formats/source.h"
#include "fs/commit.h"

static const char XD_LOCAL[] = "exchange";

/* ---- a rank-local scan over received rows ---------------------------------------- */

typedef struct {
    sm_source base;
    sm_mset *m;
} xd_source;

typedef struct {
    sm_reader base;
    sm_stream *s;
} xd_reader;

static int xd_reader_next(sm_reader *r, sm_batch **out) {
    xd_reader *x = (xd_reader *)r;
    return x->s->next(x->s, out);
}
static void xd_reader_close(sm_reader *r) {
    xd_reader *x = (xd_reader *)r;
    if (x->s) x->s->close(x->s);
    sm_free(x);
}
static int xd_source_open(sm_source *s, int split, sm_reader **out) {
    xd_source *xs = (xd_source *)s;
    xd_reader *r = sm_calloc(1, sizeof *r);
    if (!r) return SM_NOMEM;
    r->base.next = xd_reader_next;
    r->base.close = xd_reader_close;
    int rc = exec_mset_stream(xs->m, split, &r->s);
    if (rc != SM_OK) {
        sm_free(r);
        return rc;
    }
    *out = &r->base;
    return SM_OK;
}

/* A SCAN node over m (taken) with the schema of `like`. */
static sm_plan *xd_scan(const sm_plan *like, sm_mset *m) {
    xd_source *xs = sm_calloc(1, sizeof *xs);
    sm_plan *p = sm_calloc(1, sizeof *p);
    if (!xs || !p) {
        sm_free(xs);
        sm_free(p);
        sm_mset_free(m);
        return NULL;
    }
    xs->base.format = XD_LOCAL;
    xs->base.schema = like->schema;
    xs->base.nsplits = m->nparts;
    xs->base.open = xd_source_open;
    xs->base.impl = xs;
    xs->m = m;
    p->kind = SM_PLAN_SCAN;
    p->schema = like->schema;
    p->source = &xs->base;
    return p;
}

static void xd_scan_free(sm_plan *p) {
    if (!p) return;
    xd_source *xs = (xd_source *)p->source;
    sm_mset_free(xs->m);
    sm_free(xs);
    sm_free(p);
}

/* ---- routing a child stage ------------------------------------------------------ */

typedef struct {
    sm_exec_ctx *ctx;
    xch_shuffle *x;
    int to;                 /* a rank, XCH_ALL, or XCH_ROUTE_ROWS */
    sm_expr *const *keys;   /* by key expressions ... */
    int nkeys;
    const int *key_cols;    /* ... or by columns (NULL + nkeys 0: every column) */
    int nkey_cols;
    const bool *need;       /* NULL, or the columns the consumer reads (a join's side):
                             * the others become SM_NULLTYPE placeholders before the
                             * rows are routed, so they are neither sent nor kept */
    struct xd_keyset *collect; /* NULL, or where the routed rows' key hashes are kept */
    const struct xd_keyset *filter; /* NULL, or only rows whose key hash is in it move */
} xd_route;

/* ---- a join's right side filtered by the left side's key hashes ---------------------
 *
 * An inner / left / semi / anti equi-join whose two sides are shuffled by their keys:
 * the left side moves first and its routing keeps every row's key hash (the hash that
 * routes it: sm_keytab_hash, equal for equal keys on the two sides); when all ranks'
 * left rows are few (at most XD_KEYSET_MAX, and at most as many as the right
 * side's rows) every rank gets every left hash, and a right row whose key hash is
 * not among them — which no left row can match — is dropped where it is instead
 * of being sent (TPC-H Q21: of lineitem's 6 M rows only those of the 76 K late
 * orders move; Q4, Q22).  A collision keeps a row that then finds no match: the
 * join's result is the same.  SMELT_NO_JOIN_FILTER=1 turns it off. */
#define XD_KEYSET_MAX (1 << 20)

typedef struct xd_keyset {
    int nparts;
    uint64_t **h; /* per source partition: the hashes routed (tasks write their own) */
    int64_t *n, *cap;
    _Atomic int64_t total; /* over the partitions; past XD_KEYSET_MAX: stop */
    /* the set every rank agreed on: open addressing, 0 = empty slot */
    uint64_t *slots;
    uint64_t mask;
    bool has_zero;
} xd_keyset;

static void xd_keyset_free(xd_keyset *k) {
    for (int i = 0; k->h && i < k->nparts; i++) sm_free(k->h[i]);
    sm_free(k->h);
    sm_free(k->n);
    sm_free(k->cap);
    sm_free(k->slots);
    memset(k, 0, sizeof *k);
}

static int xd_keyset_init(xd_keyset *k, int nparts) {
    memset(k, 0, sizeof *k);
    k->nparts = nparts > 0 ? nparts : 1;
    k->h = sm_calloc((size_t)k->nparts, sizeof *k->h);
    k->n = sm_calloc((size_t)k->nparts, sizeof *k->n);
    k->cap = sm_calloc((size_t)k->nparts, sizeof *k->cap);
    return k->h && k->n && k->cap ? SM_OK : SM_NOMEM;
}

/* Keeps h[0..n) of partition `part` (its task only); false past the limit. */
static int xd_keyset_add(xd_keyset *k, int part, const uint64_t *h, int64_t n) {
    if (part < 0 || part >= k->nparts) return SM_OK;
    if (atomic_fetch_add(&k->total, n) + n > XD_KEYSET_MAX) return SM_OK; /* too many: unused */
    if (k->n[part] + n > k->cap[part]) {
        int64_t cap = k->cap[part] ? k->cap[part] : 4096;
        while (cap < k->n[part] + n) cap *= 2;
        uint64_t *g = sm_realloc(k->h[part], (size_t)cap * sizeof *g);
        if (!g) return SM_NOMEM;
        k->h[part] = g;
        k->cap[part] = cap;
    }
    memcpy(k->h[part] + k->n[part], h, (size_t)n * sizeof *h);
    k->n[part] += n;
    return SM_OK;
}

static bool xd_keyset_has(const xd_keyset *k, uint64_t h) {
    if (h == 0) return k->has_zero;
    for (uint64_t i = (h ^ (h >> 29)) & k->mask;; i = (i + 1) & k->mask) {
        if (k->slots[i] == h) return true;
        if (k->slots[i] == 0) return false;
    }
}

/* After the left side moved: the ranks agree whether to filter (every rank's
 * hashes kept, few enough against right_rows, this rank's right rows); if so
 * every rank gets every hash and *use is set.  Collective. */
static int xd_keyset_agree(sm_exec_ctx *ctx, int rc, xd_keyset *k, int64_t right_rows, bool *use) {
    *use = false;
    const char *off = getenv("SMELT_NO_JOIN_FILTER");
    bool disabled = off && *off && strcmp(off, "0") != 0;
    int64_t left = disabled || atomic_load(&k->total) > XD_KEYSET_MAX ? (int64_t)XD_KEYSET_MAX * 64
                                                                       : atomic_load(&k->total);
    SM_TRY(ctx->dist->sum(ctx, rc, &left));
    SM_TRY(ctx->dist->sum(ctx, SM_OK, &right_rows));
    if (left > XD_KEYSET_MAX || left > right_rows) return SM_OK;
    /* every rank's hashes to every rank */
    xch_shuffle *x = xch_shuffle_new(xch_world(), k->nparts);
    rc = x ? SM_OK : SM_NOMEM;
    xm_label(xch_shuffle_metrics(x), "broadcast", NULL, "Join key filter");
    for (int p = 0; rc == SM_OK && p < k->nparts; p++) {
        if (k->n[p] == 0) continue;
        sm_batch *b = sm_batch_new(1, k->n[p]);
        sm_vector *v = b ? sm_vector_new(SM_BIGINT, k->n[p]) : NULL;
        if (!v) {
            sm_batch_free(b);
            rc = SM_NOMEM;
            break;
        }
        memcpy(v->data, k->h[p], (size_t)k->n[p] * sizeof(uint64_t));
        v->length = k->n[p];
        b->cols[0] = v;
        sm_free(k->h[p]);
        k->h[p] = NULL;
        k->n[p] = k->cap[p] = 0;
        rc = xch_shuffle_add(x, p, b, XCH_ALL, NULL);
    }
    sm_mset *all = NULL;
    SM_TRY(xch_shuffle_run(x, rc, 1, &all));
    int64_t n = sm_mset_rows(all);
    uint64_t cap = 16;
    while (cap < (uint64_t)n * 2 + 2) cap *= 2;
    k->slots = sm_calloc(cap, sizeof *k->slots);
    rc = k->slots ? SM_OK : SM_NOMEM;
    k->mask = cap - 1;
    for (int p = 0; rc == SM_OK && p < all->nparts; p++)
        for (int b = 0; b < all->parts[p].nbatches; b++) {
            const sm_vector *v = all->parts[p].batches[b]->cols[0];
            const uint64_t *hv = v->data;
            for (int64_t r = 0; r < v->length; r++) {
                uint64_t h = hv[r];
                if (h == 0) {
                    k->has_zero = true;
                    continue;
                }
                uint64_t i = (h ^ (h >> 29)) & k->mask;
                while (k->slots[i] != 0 && k->slots[i] != h) i = (i + 1) & k->mask;
                k->slots[i] = h;
            }
        }
    sm_mset_free(all);
    /* every rank built the same set, or failed the same way (out of memory
     * here is local: agree on it) */
    SM_TRY(ctx->dist->agree(ctx, rc, NULL));
    *use = true;
    if (getenv("SMELT_EXCHANGE_TRACE"))
        fprintf(stderr, "smelt exchange: rank %d of %d: join: right side filtered by %lld left key hashes\n",
                ctx->dist->rank, ctx->dist->nranks, (long long)n);
    return SM_OK;
}

static int xd_route_consume(void *arg, int part, sm_batch *b) {
    xd_route *r = arg;
    if (r->need && !exec_join_drop_cols(b, r->need)) {
        sm_batch_free(b);
        return SM_NOMEM;
    }
    if (r->to != XCH_ROUTE_ROWS || r->ctx->dist->nranks == 1)
        return xch_shuffle_add(r->x, part, b, r->to == XCH_ROUTE_ROWS ? 0 : r->to, NULL);
    int n = r->keys ? r->nkeys : r->key_cols ? r->nkey_cols : b->ncols;
    sm_vector **kv = sm_calloc((size_t)n + 1, sizeof *kv);
    uint64_t *h = sm_malloc((size_t)(b->nrows + 1) * sizeof *h);
    int *dest = sm_malloc((size_t)(b->nrows + 1) * sizeof *dest);
    int rc = kv && h && dest ? SM_OK : SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < n; k++) {
        if (r->keys) rc = sm_expr_eval(&r->ctx->eval, r->keys[k], b, &kv[k]);
        else kv[k] = sm_vector_ref(b->cols[r->key_cols ? r->key_cols[k] : k]);
    }
    if (rc == SM_OK) {
        sm_keytab_hash(kv, n, b->nrows, h);
        xm_route(xch_shuffle_metrics(r->x), part, kv, n, h, b->nrows, r->ctx->eval.tz);
        for (int64_t i = 0; i < b->nrows; i++) dest[i] = xch_owner(h[i], r->ctx->dist->nranks);
        if (r->collect) rc = xd_keyset_add(r->collect, part, h, b->nrows);
        if (r->filter) /* no left row has this key: the row goes nowhere */
            for (int64_t i = 0; i < b->nrows; i++)
                if (!xd_keyset_has(r->filter, h[i])) dest[i] = -1;
    }
    if (rc == SM_OK && b) {
        rc = xch_shuffle_add(r->x, part, b, XCH_ROUTE_ROWS, dest);
        b = NULL;
    }
    for (int k = 0; kv && k < n; k++)
        if (kv[k]) sm_vector_unref(kv[k]);
    sm_free(kv);
    sm_free(h);
    sm_free(dest);
    if (b) sm_batch_free(b);
    return rc;
}

/* Runs `child` on this rank and moves its rows as `r` says; *out = a scan
 * of the rows this rank received (nparts partitions: the pool's threads). */
static int xd_exchange(sm_exec_ctx *ctx, const sm_plan *child, xd_route r, sm_plan **out) {
    *out = NULL;
    int n = exec_num_partitions(ctx, child);
    int rc = n < 0 ? (sm_errcode() ? sm_errcode() : SM_INTERNAL) : SM_OK;
    r.ctx = ctx;
    r.x = xch_shuffle_new(xch_world(), n > 0 ? n : 0);
    if (rc == SM_OK && !r.x) rc = SM_NOMEM;
    xch_shuffle_spill_under(r.x, ctx->memory_limit); /* xspill.c */
    xm_label_route(xch_shuffle_metrics(r.x), r.to, r.keys, r.nkeys, r.key_cols, r.nkey_cols, child->schema);
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, child, xd_route_consume, &r);
    int nparts = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1;
    sm_mset *m = NULL;
    SM_TRY(xch_shuffle_run(r.x, rc, nparts, &m));
    if (!(*out = xd_scan(child, m))) return SM_NOMEM;
    return SM_OK;
}

static xd_route route_to(int rank) { return (xd_route){.to = rank}; }
static xd_route route_exprs(sm_expr *const *keys, int n) {
    return (xd_route){.to = XCH_ROUTE_ROWS, .keys = keys, .nkeys = n};
}
static xd_route route_cols(const int *cols, int n) {
    return (xd_route){.to = XCH_ROUTE_ROWS, .key_cols = n > 0 ? cols : NULL, .nkey_cols = n};
}

/* ---- breakers ----------------------------------------------------------------------- */

static int xd_run_breaker(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    switch (p->kind) {
    case SM_PLAN_AGGREGATE: return exec_hashagg(ctx, p, out);
    case SM_PLAN_DISTINCT: return exec_distinct(ctx, p, out);
    case SM_PLAN_SORT: return exec_sort(ctx, p, out);
    case SM_PLAN_JOIN: return exec_join(ctx, p, out);
    case SM_PLAN_WINDOW: return exec_window(ctx, p, out);
    case SM_PLAN_SETOP: return exec_setop(ctx, p, out);
    default: return sm_err(SM_INTERNAL, "distributed: node kind %d is not a breaker", p->kind);
    }
}

/* An equi-join's side i routed by keys, carrying only the columns the join
 * reads (hashjoin.c's needs: keys, condition, used outputs).  *need is
 * sm_free'd by the caller. */
static xd_route route_join_side(const sm_plan *p, int i, sm_expr *const *keys, int n, bool **need) {
    xd_route r = route_exprs(keys, n);
    *need = i == 0 ? exec_join_left_needs(p) : exec_join_right_needs(p);
    r.need = *need;
    return r;
}

static int xd_limit(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
static int xd_join_adaptive(sm_exec_ctx *ctx, const sm_plan *p, const xp_part *shuffled, const int *rpos, int rn,
                            sm_mset **out);

/* The session's spark.sql.autoBroadcastJoinThreshold, else SMELT_BROADCAST_THRESHOLD
 * (bytes), else Spark's default, 10 MB; negative: broadcasting off. */
static int64_t xd_broadcast_threshold(const sm_exec_ctx *ctx) {
    if (ctx->broadcast_threshold_set) return ctx->broadcast_threshold;
    const char *e = getenv("SMELT_BROADCAST_THRESHOLD");
    return e && *e ? (int64_t)atoll(e) : 10 * 1024 * 1024;
}
bool xd_partial_agg_ok(const sm_plan *p);                          /* partial_agg.c */
int xd_range_sort_input(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **received); /* range_sort.c */
int xd_window_cols(const sm_plan *p, int **cols);                   /* range_sort.c */
int xd_partial_agg(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out); /* partial_agg.c */

/* ---- skipping shuffles (copart.c) ------------------------------------------------------- */

static bool xd_copart_off(void) {
    const char *e = getenv("SMELT_NO_COPARTITION");
    return e && *e && strcmp(e, "0") != 0;
}

/* The partitioning of child's rows (its breakers below run first: this is
 * what makes the record current); false when none is known. */
static bool xd_child_part(sm_exec_ctx *ctx, const sm_plan *child, xp_part *out) {
    memset(out, 0, sizeof *out);
    if (xd_copart_off() || exec_num_partitions(ctx, child) < 0) {
        sm_err_clear();
        return false;
    }
    return xp_of(child, out);
}

/* An equi-join's key pairs hash alike only with equal types. */
static bool xd_keys_alike(const sm_plan *p) {
    for (int i = 0; i < p->njoin_keys; i++) {
        const sm_expr *l = p->left_keys[i], *r = p->right_keys[i];
        if (l->type != r->type || l->precision != r->precision || l->scale != r->scale ||
            l->dt != r->dt || sm_type_is_nested(l->type))
            return false;
    }
    return p->njoin_keys > 0 && p->njoin_keys <= XP_MAX_KEYS;
}

/* The partitioning of an equi-join's output whose two sides met by the hash
 * of their keys at positions pos[0..n) (key order). */
static void xd_join_part(const sm_plan *p, const int *pos, int n, xp_part *out) {
    memset(out, 0, sizeof *out);
    int nl = p->children[0]->schema->ncols, lc[XP_MAX_KEYS], rc[XP_MAX_KEYS];
    if (n > XP_MAX_KEYS) return;
    for (int k = 0; k < n; k++) {
        lc[k] = xp_expr_col(p->left_keys[pos[k]]);
        int r = xp_expr_col(p->right_keys[pos[k]]);
        rc[k] = r < 0 ? -1 : nl + r;
    }
    switch (p->join_type) {
    case SM_JOIN_INNER: xp_add(out, lc, n); xp_add(out, rc, n); break;
    case SM_JOIN_LEFT:
    case SM_JOIN_LEFT_SEMI:
    case SM_JOIN_LEFT_ANTI: xp_add(out, lc, n); break;
    case SM_JOIN_RIGHT: xp_add(out, rc, n); break;
    default: break;
    }
}

/* Runs p's operator on children whose rows are where the operator needs
 * them (scans[i] or, when NULL, the original child). */
static int xd_run_on(sm_exec_ctx *ctx, const sm_plan *p, sm_plan *const *scans, sm_mset **out) {
    sm_plan copy = *p;
    sm_plan *children[2] = {scans[0] ? scans[0] : p->children[0], scans[1] ? scans[1] : p->children[1]};
    copy.children = children;
    if (p->child == p->children[0]) copy.child = children[0];
    return exec_join(ctx, &copy, out);
}

/* An equi-join one or both of whose sides are already spread by (a subset
 * of) the join keys: those stay, the other side moves by the matching keys.
 * *done = false when neither side is (the caller shuffles as usual). */
/* True when running `p` again is cheap: narrow nodes over a breaker this
 * action already materialized (its rows are kept: exec.c's cache). */
static bool xd_rerun_cheap(const sm_plan *p) {
    while (p && (p->kind == SM_PLAN_PROJECT || p->kind == SM_PLAN_FILTER)) p = p->child;
    return p && (p->kind == SM_PLAN_JOIN || p->kind == SM_PLAN_AGGREGATE || p->kind == SM_PLAN_DISTINCT ||
                 p->kind == SM_PLAN_SETOP || p->kind == SM_PLAN_WINDOW);
}

typedef struct {
    sm_exec_ctx *ctx;
    sm_expr *const *keys;
    int n;
    xd_keyset *ks;
} xd_hash_job;

static int xd_hash_consume(void *arg, int part, sm_batch *b) {
    xd_hash_job *j = arg;
    sm_vector *kv[XP_MAX_KEYS] = {NULL};
    uint64_t *h = sm_malloc((size_t)(b->nrows + 1) * sizeof *h);
    int rc = h ? SM_OK : SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < j->n; k++) rc = sm_expr_eval(&j->ctx->eval, j->keys[k], b, &kv[k]);
    if (rc == SM_OK) {
        sm_keytab_hash(kv, j->n, b->nrows, h);
        rc = xd_keyset_add(j->ks, part, h, b->nrows);
    }
    for (int k = 0; k < j->n; k++)
        if (kv[k]) sm_vector_unref(kv[k]);
    sm_free(h);
    sm_batch_free(b);
    return rc;
}

static int xd_join_copart(sm_exec_ctx *ctx, const sm_plan *p, bool *done, sm_mset **out) {
    *done = false;
    if (!xd_keys_alike(p) || p->join_type == SM_JOIN_FULL) return SM_OK;
    xp_part lp, rp;
    bool hl = xd_child_part(ctx, p->children[0], &lp), hr = xd_child_part(ctx, p->children[1], &rp);
    if (!hl && !hr) return SM_OK;
    int pos[XP_MAX_KEYS], n = 0, stay = -1; /* stay: 0 left, 1 right, 2 both */
    if (hl && xp_key_positions(&lp, p->left_keys, p->njoin_keys, pos, &n)) {
        stay = 0;
        /* is the right side spread by the same keys? */
        sm_expr *rk[XP_MAX_KEYS];
        for (int k = 0; k < n; k++) rk[k] = p->right_keys[pos[k]];
        int rpos[XP_MAX_KEYS], rn = 0;
        if (hr && xp_key_positions(&rp, rk, n, rpos, &rn) && rn == n) {
            bool same = true;
            for (int k = 0; k < n; k++) same &= rpos[k] == k;
            if (same) stay = 2;
        }
    } else if (hr && xp_key_positions(&rp, p->right_keys, p->njoin_keys, pos, &n)) {
        stay = 1;
    }
    if (stay < 0) return SM_OK;
    *done = true;
    if (stay == 1 && xd_broadcast_threshold(ctx) >= 0 &&
        (p->join_type == SM_JOIN_INNER || p->join_type == SM_JOIN_LEFT ||
         p->join_type == SM_JOIN_LEFT_SEMI || p->join_type == SM_JOIN_LEFT_ANTI))
        /* only the right side is in place: when it is small, broadcasting it
         * moves less than shuffling the left side */
        return xd_join_adaptive(ctx, p, NULL, pos, n, out);
    if (getenv("SMELT_EXCHANGE_TRACE"))
        fprintf(stderr, "smelt exchange: rank %d of %d: join on %d key%s: %s already partitioned, not shuffled\n",
                ctx->dist->rank, ctx->dist->nranks, n, n == 1 ? "" : "s",
                stay == 2 ? "both sides" : stay == 0 ? "left side" : "right side");
    sm_expr *keys[2][XP_MAX_KEYS];
    for (int k = 0; k < n; k++) {
        keys[0][k] = p->left_keys[pos[k]];
        keys[1][k] = p->right_keys[pos[k]];
    }
    sm_plan *scans[2] = {NULL, NULL};
    int rc = SM_OK;
    /* the left side in place and cheap to read again (over a breaker): its
     * key hashes may filter the right side before it moves (xd_keyset) */
    xd_keyset ks;
    memset(&ks, 0, sizeof ks);
    bool filt = false;
    if (stay == 0 && xd_rerun_cheap(p->children[0]) && n <= XP_MAX_KEYS &&
        (p->join_type == SM_JOIN_INNER || p->join_type == SM_JOIN_LEFT || p->join_type == SM_JOIN_LEFT_SEMI ||
         p->join_type == SM_JOIN_LEFT_ANTI)) {
        bool have = xd_keyset_init(&ks, exec_num_partitions(ctx, p->children[0])) == SM_OK;
        if (!have) atomic_store(&ks.total, (int64_t)XD_KEYSET_MAX + 1);
        xd_hash_job job = {ctx, keys[0], n, &ks};
        if (have) rc = exec_foreach_batch(ctx, p->children[0], xd_hash_consume, &job);
        /* the right side's size is not known before it runs: the left's must be
         * small on its own (a quarter of the limit: the ranks' sum of the
         * "right rows" below is XD_KEYSET_MAX / 4) */
        rc = xd_keyset_agree(ctx, rc, &ks, (int64_t)XD_KEYSET_MAX / 4 / ctx->dist->nranks, &filt);
        if (rc != SM_OK) {
            xd_keyset_free(&ks);
            return rc;
        }
    }
    for (int i = 0; i < 2 && rc == SM_OK; i++)
        if (stay != 2 && stay != i) {
            bool *need = NULL;
            xd_route r = route_join_side(p, i, keys[i], n, &need);
            if (i == 1 && filt) r.filter = &ks;
            rc = xd_exchange(ctx, p->children[i], r, &scans[i]);
            sm_free(need);
        }
    xd_keyset_free(&ks);
    if (rc == SM_OK) rc = xd_run_on(ctx, p, scans, out);
    xd_scan_free(scans[0]);
    xd_scan_free(scans[1]);
    if (rc == SM_OK) {
        xp_part part;
        xd_join_part(p, pos, n, &part);
        xp_record(p, &part);
    }
    return rc;
}

/* An aggregate with keys, a distinct or a window whose input is already
 * spread by a subset of its key columns: the operator runs where the rows
 * are.  *done = false otherwise. */
static int xd_single_copart(sm_exec_ctx *ctx, const sm_plan *p, const int *cols, int n, bool *done,
                            sm_mset **out) {
    *done = false;
    xp_part cp;
    if (n <= 0 || !xd_child_part(ctx, p->child, &cp) || !xp_subset_of(&cp, cols, n)) return SM_OK;
    *done = true;
    if (getenv("SMELT_EXCHANGE_TRACE"))
        fprintf(stderr, "smelt exchange: rank %d of %d: %s: input already partitioned, not shuffled\n",
                ctx->dist->rank, ctx->dist->nranks,
                p->kind == SM_PLAN_AGGREGATE ? "aggregate" : p->kind == SM_PLAN_DISTINCT ? "distinct" : "window");
    SM_TRY(xd_run_breaker(ctx, p, out));
    xp_part part = {0};
    if (p->kind == SM_PLAN_AGGREGATE) {
        /* key i is output column i */
        int pos[XP_MAX_KEYS], np = 0;
        if (xp_key_positions(&cp, p->keys, p->nkeys, pos, &np)) xp_add(&part, pos, np);
    } else {
        part = cp; /* distinct and window keep the input's columns in place */
    }
    xp_record(p, &part);
    return SM_OK;
}

static int xd_materialize(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    xp_record(p, NULL); /* until this materialization says otherwise */
    if (p->kind == SM_PLAN_LIMIT) return xd_limit(ctx, p, out);
    int rank = ctx->dist->rank;
    xp_part part = {0}; /* the partitioning of the result, when shuffled by keys */
    bool done = false;
    /* how each child's rows move; root_only: the operator runs on rank 0 */
    xd_route routes[2];
    bool moves[2] = {true, true}, root_only = false;
    int *win_cols = NULL; /* WINDOW: the routing columns (freed at the end) */
    bool *needs[2] = {NULL, NULL}; /* JOIN: the columns each side's rows carry (freed at the end) */
    int nch = 1;
    const sm_plan *kids[2] = {p->child, NULL};
    switch (p->kind) {
    case SM_PLAN_AGGREGATE:
        if (p->nkeys > 0 && p->nkeys <= 64) {
            int kc[64], pos[64];
            for (int i = 0; i < p->nkeys; i++) {
                kc[i] = xp_expr_col(p->keys[i]);
                pos[i] = i;
            }
            SM_TRY(xd_single_copart(ctx, p, kc, p->nkeys, &done, out));
            if (done) return SM_OK;
            xp_add(&part, pos, p->nkeys); /* key i is output column i */
        }
        if (xd_partial_agg_ok(p)) {
            SM_TRY(xd_partial_agg(ctx, p, out)); /* partial_agg.c */
            xp_record(p, &part);
            return SM_OK;
        }
        if (p->nkeys == 0) {
            routes[0] = route_to(0);
            root_only = true;
        } else {
            routes[0] = route_exprs(p->keys, p->nkeys);
        }
        break;
    case SM_PLAN_DISTINCT: {
        int n = p->nkey_cols > 0 ? p->nkey_cols : p->child->schema->ncols, all[XP_MAX_KEYS];
        const int *cols = p->nkey_cols > 0 ? p->key_cols : all;
        if (p->nkey_cols == 0 && n > XP_MAX_KEYS) n = 0; /* too wide to track */
        for (int i = 0; p->nkey_cols == 0 && i < n; i++) all[i] = i;
        SM_TRY(xd_single_copart(ctx, p, cols, n, &done, out));
        if (done) return SM_OK;
        xp_add(&part, cols, n);
        routes[0] = route_cols(p->key_cols, p->nkey_cols);
        break;
    }
    case SM_PLAN_SORT:
        if (p->nsort > 0 && !getenv("SMELT_SORT_ON_RANK0")) {
            /* range partitioning (range_sort.c): each rank sorts its range */
            sm_mset *m = NULL;
            SM_TRY(xd_range_sort_input(ctx, p, &m));
            sm_plan *scan = xd_scan(p->child, m);
            if (!scan) return SM_NOMEM;
            sm_plan copy = *p;
            copy.child = scan;
            int rc = exec_sort(ctx, &copy, out);
            xd_scan_free(scan);
            return rc;
        }
        routes[0] = route_to(0);
        root_only = true;
        break;
    case SM_PLAN_WINDOW: {
        int *cols = NULL;
        int nc = xd_window_cols(p, &cols); /* range_sort.c */
        if (nc > 0) {
            int rc = xd_single_copart(ctx, p, cols, nc, &done, out);
            if (rc != SM_OK || done) {
                sm_free(cols);
                return rc;
            }
            xp_add(&part, cols, nc);
            win_cols = cols;
            routes[0] = route_cols(cols, nc);
        } else {
            routes[0] = route_to(0);
            root_only = true;
        }
        break;
    }
    case SM_PLAN_SETOP:
        nch = 2;
        kids[0] = p->children[0];
        kids[1] = p->children[1];
        routes[0] = routes[1] = route_cols(NULL, 0);
        break;
    case SM_PLAN_JOIN:
        nch = 2;
        kids[0] = p->children[0];
        kids[1] = p->children[1];
        if (p->njoin_keys > 0 && !p->null_aware) {
            SM_TRY(xd_join_copart(ctx, p, &done, out));
            if (done) return SM_OK;
            if (xd_keys_alike(p)) {
                int pos[XP_MAX_KEYS];
                for (int i = 0; i < p->njoin_keys; i++) pos[i] = i;
                xd_join_part(p, pos, p->njoin_keys, &part);
            }
        }
        if (p->njoin_keys > 0 && !p->null_aware && xd_broadcast_threshold(ctx) >= 0 &&
            (p->join_type == SM_JOIN_INNER || p->join_type == SM_JOIN_LEFT ||
             p->join_type == SM_JOIN_LEFT_SEMI || p->join_type == SM_JOIN_LEFT_ANTI))
            return xd_join_adaptive(ctx, p, &part, NULL, 0, out);
        if (p->njoin_keys > 0 && !p->null_aware) {
            routes[0] = route_join_side(p, 0, p->left_keys, p->njoin_keys, &needs[0]);
            routes[1] = route_join_side(p, 1, p->right_keys, p->njoin_keys, &needs[1]);
        } else if (p->join_type != SM_JOIN_RIGHT && p->join_type != SM_JOIN_FULL) {
            /* left rows stay, the right side goes everywhere; also a null-aware
             * anti join (NOT IN): whether a left row is kept depends on that
             * row and the whole right side (its keys, whether it is empty or
             * holds a null), which every rank then has — the left rows need
             * not meet on rank 0 (TPC-H Q16) */
            moves[0] = false;
            routes[1] = (xd_route){.to = XCH_ALL};
        } else {
            routes[0] = routes[1] = route_to(0);
            root_only = true;
        }
        break;
    default: return xd_run_breaker(ctx, p, out);
    }
    sm_plan *scans[2] = {NULL, NULL};
    int rc = SM_OK;
    for (int i = 0; i < nch && rc == SM_OK; i++)
        if (moves[i]) rc = xd_exchange(ctx, kids[i], routes[i], &scans[i]);
    if (rc == SM_OK && root_only && rank != 0) {
        *out = sm_mset_new(1);
        if (!*out) rc = SM_NOMEM;
    } else if (rc == SM_OK) {
        sm_plan copy = *p;
        sm_plan *children[2] = {NULL, NULL};
        if (nch == 1) {
            copy.child = scans[0];
        } else {
            for (int i = 0; i < 2; i++) children[i] = scans[i] ? scans[i] : p->children[i];
            copy.children = children;
            if (p->child == p->children[0]) copy.child = children[0];
        }
        rc = xd_run_breaker(ctx, &copy, out);
    }
    for (int i = 0; i < 2; i++) xd_scan_free(scans[i]);
    sm_free(win_cols);
    sm_free(needs[0]);
    sm_free(needs[1]);
    if (rc == SM_OK && !root_only) xp_record(p, &part);
    return rc;
}

/* What sending a vector costs: its serialized bytes (serialize.c; a column
 * nothing reads, all null after pruning, costs nothing). */
static int64_t xd_vec_bytes(const sm_vector *v) { return xch_vector_bytes(v); }

/* An inner / left / semi / anti equi-join: the right side runs first on
 * every rank; when it is small in all (below the broadcast threshold, the
 * ranks agree on the sum), it goes to every rank and the left rows stay
 * where they are — no shuffle of the large side; otherwise both sides move
 * by the hash of their keys. */
static int xd_join_adaptive(sm_exec_ctx *ctx, const sm_plan *p, const xp_part *shuffled, const int *rpos, int rn,
                            sm_mset **out) {
    sm_mset *rm = NULL;
    /* the right rows with only the columns the join reads (the others are
     * placeholders: neither counted, sent nor kept) */
    int rc = exec_join_collect_right(ctx, p, false, &rm);
    int64_t bytes = 0;
    for (int i = 0; rc == SM_OK && i < rm->nparts; i++)
        for (int b = 0; b < rm->parts[i].nbatches; b++)
            for (int c = 0; c < rm->parts[i].batches[b]->ncols; c++) bytes += xd_vec_bytes(rm->parts[i].batches[b]->cols[c]);
    rc = ctx->dist->sum(ctx, rc, &bytes);
    if (rc != SM_OK) {
        sm_mset_free(rm);
        return rc;
    }
    bool bcast = bytes <= xd_broadcast_threshold(ctx);
    if (!bcast && rn > 0) {
        /* too large to broadcast, but already spread by the keys at rpos
         * (copart.c): it stays, the left side moves by the matching keys */
        sm_expr *lk[XP_MAX_KEYS];
        for (int k = 0; k < rn; k++) lk[k] = p->left_keys[rpos[k]];
        sm_plan *scans[2] = {NULL, xd_scan(p->children[1], rm)};
        if (!scans[1]) return SM_NOMEM;
        if (getenv("SMELT_EXCHANGE_TRACE"))
            fprintf(stderr, "smelt exchange: rank %d of %d: join on %d key%s: right side already partitioned, not shuffled\n",
                    ctx->dist->rank, ctx->dist->nranks, rn, rn == 1 ? "" : "s");
        bool *need = NULL;
        rc = xd_exchange(ctx, p->children[0], route_join_side(p, 0, lk, rn, &need), &scans[0]);
        sm_free(need);
        if (rc == SM_OK) rc = xd_run_on(ctx, p, scans, out);
        xd_scan_free(scans[0]);
        xd_scan_free(scans[1]);
        if (rc == SM_OK) {
            xp_part part;
            xd_join_part(p, rpos, rn, &part);
            xp_record(p, &part);
        }
        return rc;
    }
    /* shuffled: the left side moves first, keeping its key hashes, which
     * may then filter the right side (xd_keyset above) */
    sm_plan *scans[2] = {NULL, NULL};
    xd_keyset ks;
    memset(&ks, 0, sizeof ks);
    bool filt = false;
    if (!bcast) {
        bool have = xd_keyset_init(&ks, exec_num_partitions(ctx, p->children[0])) == SM_OK;
        if (!have) atomic_store(&ks.total, (int64_t)XD_KEYSET_MAX + 1); /* no filter here */
        bool *need = NULL;
        xd_route lr = route_join_side(p, 0, p->left_keys, p->njoin_keys, &need);
        if (have) lr.collect = &ks;
        rc = xd_exchange(ctx, p->children[0], lr, &scans[0]);
        sm_free(need);
        if (rc == SM_OK) rc = xd_keyset_agree(ctx, rc, &ks, sm_mset_rows(rm), &filt);
        if (rc != SM_OK) {
            xd_keyset_free(&ks);
            sm_mset_free(rm);
            xd_scan_free(scans[0]);
            return rc;
        }
    }
    /* the right side's rows: to every rank, or by key */
    xd_route r = bcast ? (xd_route){.to = XCH_ALL} : route_exprs(p->right_keys, p->njoin_keys);
    if (filt) r.filter = &ks;
    r.ctx = ctx;
    r.x = xch_shuffle_new(xch_world(), rm->nparts);
    xch_shuffle_spill_under(r.x, ctx->memory_limit); /* xspill.c */
    if (!r.x) rc = SM_NOMEM;
    xm_label_route(xch_shuffle_metrics(r.x), r.to, r.keys, r.nkeys, NULL, 0, NULL);
    for (int i = 0; i < rm->nparts; i++) {
        for (int b = 0; b < rm->parts[i].nbatches; b++) {
            sm_batch *batch = rm->parts[i].batches[b];
            rm->parts[i].batches[b] = NULL;
            if (rc == SM_OK) rc = xd_route_consume(&r, i, batch);
            else sm_batch_free(batch);
        }
    }
    sm_mset_free(rm);
    int nparts = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1;
    sm_mset *got = NULL;
    rc = xch_shuffle_run(r.x, rc, nparts, &got);
    xd_keyset_free(&ks);
    if (rc != SM_OK) {
        xd_scan_free(scans[0]);
        return rc;
    }
    scans[1] = xd_scan(p->children[1], got);
    if (!scans[1]) {
        xd_scan_free(scans[0]);
        return SM_NOMEM;
    }
    if (rc == SM_OK) {
        sm_plan copy = *p;
        sm_plan *children[2] = {scans[0] ? scans[0] : p->children[0], scans[1]};
        copy.children = children;
        if (p->child == p->children[0]) copy.child = children[0];
        rc = exec_join(ctx, &copy, out);
    }
    xd_scan_free(scans[0]);
    xd_scan_free(scans[1]);
    if (rc == SM_OK) {
        /* broadcast: the left rows stayed, and so did their spreading (left
         * columns come first in the output) */
        xp_part left;
        if (!bcast) xp_record(p, shuffled);
        else if (!xd_copart_off() && xp_of(p->children[0], &left)) xp_record(p, &left);
    }
    return rc;
}

/* LIMIT n OFFSET k: up to n + k rows from each rank, in partition order,
 * gathered to rank 0 in rank order, where the offset and limit are cut. */
static int xd_limit(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    int64_t off = p->offset > 0 ? p->offset : 0;
    int64_t want = p->limit < 0 ? INT64_MAX : p->limit + off;
    xch_shuffle *x = xch_shuffle_new(xch_world(), 1);
    int rc = x ? SM_OK : SM_NOMEM;
    xm_label(xch_shuffle_metrics(x), "limit", NULL, NULL);
    int n = rc == SM_OK ? exec_num_partitions(ctx, p->child) : 0;
    if (n < 0) rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    int64_t got = 0;
    for (int part = 0; rc == SM_OK && part < n && got < want; part++) {
        sm_stream *s = NULL;
        rc = exec_open(ctx, p->child, part, &s);
        while (rc == SM_OK && got < want) {
            sm_batch *b;
            rc = s->next(s, &b);
            if (rc != SM_OK || !b) break;
            if (b->nrows > want - got) {
                int64_t k = want - got;
                int32_t *sel = sm_malloc((size_t)k * sizeof *sel);
                sm_batch *t = NULL;
                if (sel) {
                    for (int64_t i = 0; i < k; i++) sel[i] = (int32_t)i;
                    t = sm_batch_take(b, sel, k);
                }
                sm_free(sel);
                sm_batch_free(b);
                if (!t) {
                    rc = SM_NOMEM;
                    break;
                }
                b = t;
            }
            got += b->nrows;
            rc = xch_shuffle_add(x, 0, b, 0, NULL);
        }
        if (s) s->close(s);
    }
    int size = ctx->dist->nranks;
    sm_mset *all = NULL;
    SM_TRY(xch_shuffle_run(x, rc, size, &all));
    sm_mset *m = sm_mset_new(1);
    if (!m) {
        sm_mset_free(all);
        return SM_NOMEM;
    }
    int64_t skip = off, left = p->limit < 0 ? INT64_MAX : p->limit;
    for (int s = 0; s < all->nparts && rc == SM_OK; s++) {
        struct sm_mpart *mp = &all->parts[s];
        for (int i = 0; i < mp->nbatches && rc == SM_OK; i++) {
            sm_batch *b = mp->batches[i];
            mp->batches[i] = NULL;
            if (skip >= b->nrows || left == 0) {
                skip -= skip >= b->nrows ? b->nrows : 0;
                sm_batch_free(b);
                continue;
            }
            int64_t k = b->nrows - skip < left ? b->nrows - skip : left;
            if (skip > 0 || k < b->nrows) {
                int32_t *sel = sm_malloc((size_t)k * sizeof *sel);
                sm_batch *t = NULL;
                if (sel) {
                    for (int64_t j = 0; j < k; j++) sel[j] = (int32_t)(skip + j);
                    t = sm_batch_take(b, sel, k);
                }
                sm_free(sel);
                sm_batch_free(b);
                if (!t) {
                    rc = SM_NOMEM;
                    break;
                }
                b = t;
            }
            skip = 0;
            left -= b->nrows;
            rc = sm_mset_add(m, 0, b);
        }
        mp->nbatches = 0;
    }
    sm_mset_free(all);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}

/* ---- actions and writes ------------------------------------------------------------ */

static int xd_agree(sm_exec_ctx *ctx, int local_rc, int64_t *flag) { return xch_sync(local_rc, flag); }

static int xd_gather(sm_exec_ctx *ctx, int local_rc, sm_mset *in, sm_mset **out) {
    *out = NULL;
    xch_shuffle *x = xch_shuffle_new(xch_world(), 1);
    int rc = local_rc == SM_OK && !x ? SM_NOMEM : local_rc;
    xm_label(xch_shuffle_metrics(x), "gather", NULL, "Result");
    for (int p = 0; in && p < in->nparts; p++) {
        for (int i = 0; i < in->parts[p].nbatches; i++) {
            sm_batch *b = in->parts[p].batches[i];
            in->parts[p].batches[i] = NULL;
            if (rc == SM_OK) rc = xch_shuffle_add(x, 0, b, xch_results_root() ? 0 : XCH_ALL, NULL);
            else sm_batch_free(b);
        }
        in->parts[p].nbatches = 0;
    }
    sm_mset_free(in);
    return xch_shuffle_run(x, rc, ctx->dist->nranks, out);
}

static int xd_sum(sm_exec_ctx *ctx, int local_rc, int64_t *v) {
    SM_TRY(xch_sync(local_rc, NULL));
    xch_comm *c = xch_world();
    int rc = c->allreduce(c, v, 1, XCH_SUM);
    if (rc != SM_OK) c->abort(c, 1);
    return rc;
}

static int xd_commit_begin(sm_exec_ctx *ctx, const char *path, int mode, fs_commit **out) {
    xch_comm *c = xch_world();
    fs_commit *fc = NULL;
    *out = NULL;
    int rc = c->rank == 0 ? fs_commit_begin(path, (fs_save_mode)mode, &fc) : SM_OK;
    /* from here a killed job must not leave the staging directory behind */
    if (rc == SM_OK && fc && !fs_commit_skip(fc)) xch_cleanup_arm(fs_commit_staging(fc));
    rc = xch_sync(rc, NULL);
    if (rc != SM_OK) {
        fs_commit_abort(fc);
        xch_cleanup_disarm();
        return rc;
    }
    struct {
        int32_t skip;
        char uuid[40];
        char staging[4096];
    } info;
    memset(&info, 0, sizeof info);
    if (c->rank == 0) {
        info.skip = fs_commit_skip(fc);
        snprintf(info.uuid, sizeof info.uuid, "%s", fs_commit_uuid(fc));
        const char *st = fs_commit_staging(fc);
        snprintf(info.staging, sizeof info.staging, "%s", st ? st : "");
    }
    rc = c->bcast(c, &info, sizeof info, 0);
    if (rc != SM_OK) c->abort(c, 1);
    if (c->rank == 0) {
        *out = fc;
        return SM_OK;
    }
    /* any rank that is terminated removes the staging directory (rank 0 may
     * be killed outright) */
    if (!info.skip) xch_cleanup_arm(info.staging);
    return fs_commit_join(info.staging, info.uuid, info.skip != 0, out);
}

static int xd_commit_end(sm_exec_ctx *ctx, fs_commit *fc, int local_rc) {
    int rc = xch_sync(local_rc, NULL);
    if (rc != SM_OK) {
        fs_commit_abort(fc); /* rank 0 removes the staging directory: every rank is done */
        xch_cleanup_disarm();
        return rc;
    }
    int frc = fs_commit_finish(fc); /* rank 0 moves the files; the others only free */
    xch_cleanup_disarm();
    return xch_sync(frc, NULL);
}

/* xd_materialize, naming p in the metrics of the exchanges it runs (the
 * name is restored after, since children materialize inside). */
static int xd_materialize_named(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    char prev[32];
    snprintf(prev, sizeof prev, "%s", xm_operator());
    xm_set_operator(exec_event_kind_name(p));
    int rc = xd_materialize(ctx, p, out);
    xm_set_operator(prev);
    return rc;
}

void xch_dist_fill(sm_exec_dist *d, xch_comm *c);
void xch_dist_fill(sm_exec_dist *d, xch_comm *c) {
    memset(d, 0, sizeof *d);
    d->rank = c->rank;
    d->nranks = c->size;
    d->local_format = XD_LOCAL;
    d->materialize = xd_materialize_named;
    d->commit_begin = xd_commit_begin;
    d->commit_end = xd_commit_end;
    d->agree = xd_agree;
    d->gather = xd_gather;
    d->sum = xd_sum;
}
