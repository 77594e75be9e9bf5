/*
 * partial_agg.c — hash aggregation across ranks with partial aggregation
 * before the exchange (Spark's partial / final HashAggregate pair).
 *
 * 1. Partial, on every rank: one task per partition of the child folds its
 *    rows into a table of its own (an sm_keytab of the group keys plus, per
 *    aggregate, an array of fixed-size states updated by the aggregate's
 *    vectorized update, as exec/hashagg.c does).  Each table becomes rows:
 *    the key columns and, per aggregate, a BINARY column holding the state's
 *    bytes; each row goes to owner(hash of its keys) — for a global
 *    aggregate (no keys), to rank 0.
 * 2. Final, on the owner: one task per piece of the hash space takes the
 *    received rows of its piece, merges their states (the aggregate's
 *    merge) into its own table and finalizes them into the output, keys
 *    then aggregates, as exec_hashagg lays it out.  A global aggregate gives
 *    exactly one row on rank 0 — also when no rank had input (zero states
 *    are the initial states) — and nothing elsewhere.
 *
 * So a rank sends one row per group it saw instead of every input row.
 *
 * Only states that are plain bytes can travel: xd_partial_agg_ok accepts
 * aggregates without DISTINCT or FILTER whose state holds no pointer —
 * count, sum, avg, the moment-based statistics, boolean and covariance
 * aggregates, and min/max of fixed-width (non-string, non-nested) types.
 * Anything else falls back to moving whole rows (dist.c), where exec_hashagg
 * runs unchanged on the owner.
 *
 * Memory: partial tables are freed once serialized into the shuffle; the
 * merge tables once finalized.  No spilling on this path yet (docs/mpi.md).
 * Threading: tasks touch only their own table; the main thread runs the
 * exchange.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"
#include "exec/hashtable.h"
#include "exec/partials.h"
#include "exec/spill.h"
#include "expr/agg.h"

typedef struct {
    bool used;
    sm_keytab keys;
    char **states; /* per aggregate: cap states */
    int64_t cap;
    sm_arena *arena;
} pa_table;

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    int nkeys, naggs;
    sm_type *key_types;
    const sm_expr **calls;
    const sm_agg_def **defs;
    int *nargs;
    pa_table *tabs; /* partial: per child partition; final: per piece */
    int ntabs;
    sm_mset *in;    /* final: the received partial rows */
    sm_mset *out;
    int npieces;
} pa_run;

static const char *const pa_plain[] = {
    "count", "sum", "avg", "mean", "stddev", "std", "stddev_samp", "stddev_pop", "variance",
    "var_samp", "var_pop", "count_if", "every", "bool_and", "any", "some", "bool_or", "corr",
    "covar_pop", "covar_samp", "skewness", "kurtosis", "regr_count", "regr_avgx", "regr_avgy", NULL};

static const sm_expr *pa_call(const sm_expr *e) {
    while (e && e->kind == SM_EX_ALIAS) e = e->args[0];
    return e && e->kind == SM_EX_CALL && e->agg ? e : NULL;
}

bool xd_partial_agg_ok(const sm_plan *p);
bool xd_partial_agg_ok(const sm_plan *p) {
    if (getenv("SMELT_NO_PARTIAL_AGG")) return false;
    for (int a = 0; a < p->naggs; a++) {
        const sm_expr *e = pa_call(p->aggs[a]);
        if (!e || e->distinct || e->filter || e->nargs > 63 || !e->agg->update || !e->agg->merge ||
            !e->agg->finalize)
            return false;
        const char *name = e->agg->name;
        bool ok = false;
        for (int i = 0; pa_plain[i] && !ok; i++) ok = strcasecmp(name, pa_plain[i]) == 0;
        if (!ok && (!strcasecmp(name, "min") || !strcasecmp(name, "max")) && e->nargs == 1) {
            sm_type t = sm_type_phys(e->args[0]->type);
            ok = t != SM_STRING && t != SM_BINARY && !sm_type_is_nested(t) && t != SM_NULLTYPE;
        }
        if (!ok) return false;
    }
    return true;
}

static void pa_table_free(pa_run *r, pa_table *t) {
    if (!t->used) return;
    sm_keytab_free(&t->keys);
    for (int a = 0; t->states && a < r->naggs; a++) sm_free(t->states[a]);
    sm_free(t->states);
    sm_arena_free(t->arena);
    memset(t, 0, sizeof *t);
}

static int pa_table_init(pa_run *r, pa_table *t) {
    memset(t, 0, sizeof *t);
    t->used = true;
    t->states = sm_calloc((size_t)r->naggs + 1, sizeof *t->states);
    t->arena = sm_arena_new();
    int rc = t->states && t->arena ? sm_keytab_init(&t->keys, r->nkeys, r->key_types) : SM_NOMEM;
    if (rc != SM_OK) {
        sm_free(t->states);
        sm_arena_free(t->arena);
        memset(t, 0, sizeof *t);
    }
    return rc;
}

/* Room for every group's states (new ones zeroed: the initial state). */
static int pa_reserve(pa_run *r, pa_table *t) {
    int64_t need = t->keys.ngroups;
    if (need <= t->cap) return SM_OK;
    int64_t cap = t->cap ? t->cap : 64;
    while (cap < need) cap *= 2;
    for (int a = 0; a < r->naggs; a++) {
        size_t sz = r->defs[a]->state_size;
        char *s = sm_realloc(t->states[a], (size_t)cap * sz + 1);
        if (!s) return SM_NOMEM;
        memset(s + (size_t)t->cap * sz, 0, (size_t)(cap - t->cap) * sz);
        t->states[a] = s;
    }
    t->cap = cap;
    return SM_OK;
}

/* ---- partial ------------------------------------------------------------------------ */

static int pa_consume(void *arg, int part, sm_batch *b) {
    pa_run *r = arg;
    pa_table *t = &r->tabs[part];
    int64_t n = b->nrows;
    int rc = SM_OK;
    if (!t->used) rc = pa_table_init(r, t);
    if (rc != SM_OK || n == 0) {
        sm_batch_free(b);
        return rc;
    }
    sm_vector **kv = sm_calloc((size_t)r->nkeys + 1, sizeof *kv);
    uint64_t *h = sm_malloc((size_t)n * sizeof *h);
    uint32_t *gids = sm_malloc((size_t)n * sizeof *gids);
    sm_vector *argv[64] = {0};
    if (!kv || !h || !gids) rc = SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < r->nkeys; k++) rc = sm_expr_eval(&r->ctx->eval, r->p->keys[k], b, &kv[k]);
    if (rc == SM_OK) {
        sm_keytab_hash(kv, r->nkeys, n, h);
        rc = sm_keytab_insert(&t->keys, kv, h, NULL, n, gids, NULL);
    }
    if (rc == SM_OK) rc = pa_reserve(r, t);
    for (int a = 0; rc == SM_OK && a < r->naggs; a++) {
        int na = r->nargs[a];
        for (int i = 0; rc == SM_OK && i < na; i++)
            rc = sm_expr_eval(&r->ctx->eval, r->calls[a]->args[i], b, &argv[i]);
        if (rc == SM_OK) rc = r->defs[a]->update(r->calls[a], t->states[a], gids, argv, n, t->arena);
        for (int i = 0; i < na; i++) {
            if (argv[i]) sm_vector_unref(argv[i]);
            argv[i] = NULL;
        }
    }
    for (int k = 0; kv && k < r->nkeys; k++)
        if (kv[k]) sm_vector_unref(kv[k]);
    sm_free(kv);
    sm_free(h);
    sm_free(gids);
    sm_batch_free(b);
    return rc;
}

#define PA_CHUNK 65536

/* Rows [start, start + n) of table t as a batch: keys, then each state as bytes. */
static sm_batch *pa_rows(pa_run *r, pa_table *t, int64_t start, int64_t n) {
    sm_batch *b = sm_batch_new(r->nkeys + r->naggs, n);
    int32_t *sel = sm_malloc((size_t)(n > 0 ? n : 1) * sizeof *sel);
    int rc = b && sel ? SM_OK : SM_NOMEM;
    for (int64_t i = 0; i < n; i++)
        if (sel) sel[i] = (int32_t)(start + i);
    for (int k = 0; rc == SM_OK && k < r->nkeys; k++)
        if (!(b->cols[k] = sm_vector_take(t->keys.keys[k], sel, n))) rc = SM_NOMEM;
    for (int a = 0; rc == SM_OK && a < r->naggs; a++) {
        size_t sz = r->defs[a]->state_size;
        sm_vector *v = sm_vector_new(SM_BINARY, n);
        b->cols[r->nkeys + a] = v;
        if (!v || sm_vector_reserve_bytes(v, (int64_t)(sz * (size_t)n)) != SM_OK) rc = SM_NOMEM;
        for (int64_t i = 0; rc == SM_OK && i < n; i++)
            rc = sm_vector_append_str(v, t->states[a] + (size_t)(start + i) * sz, (int32_t)sz);
    }
    sm_free(sel);
    if (rc != SM_OK) {
        sm_batch_free(b);
        return NULL;
    }
    return b;
}

/* Serializes every partial table into the shuffle, freeing each. */
static int pa_send(pa_run *r, xch_shuffle *x) {
    int nranks = r->ctx->dist ? r->ctx->dist->nranks : 1;
    int rc = SM_OK;
    int *dest = sm_malloc(PA_CHUNK * sizeof *dest);
    if (!dest) rc = SM_NOMEM;
    for (int part = 0; part < r->ntabs; part++) {
        pa_table *t = &r->tabs[part];
        for (int64_t s = 0; rc == SM_OK && t->used && s < t->keys.ngroups; s += PA_CHUNK) {
            int64_t n = t->keys.ngroups - s < PA_CHUNK ? t->keys.ngroups - s : PA_CHUNK;
            sm_batch *b = pa_rows(r, t, s, n);
            if (!b) {
                rc = SM_NOMEM;
                break;
            }
            if (r->nkeys == 0) {
                rc = xch_shuffle_add(x, part, b, 0, NULL);
            } else {
                for (int64_t i = 0; i < n; i++) dest[i] = xch_owner(t->keys.hashes[s + i], nranks);
                rc = xch_shuffle_add(x, part, b, XCH_ROUTE_ROWS, dest);
            }
        }
        pa_table_free(r, t);
    }
    sm_free(dest);
    return rc;
}

/* ---- final --------------------------------------------------------------------------- */

static int pa_fill(void *arg, sm_batch *b, int64_t start, int64_t n) {
    pa_run *r = ((void **)arg)[0];
    pa_table *t = ((void **)arg)[1];
    int rc = SM_OK;
    for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
        sm_vector *v = sm_vector_new(r->calls[a]->type, n);
        b->cols[r->nkeys + a] = v;
        if (!v) return SM_NOMEM;
        size_t sz = r->defs[a]->state_size;
        for (int64_t i = 0; i < n && rc == SM_OK; i++)
            rc = r->defs[a]->finalize(r->calls[a], t->states[a] + (size_t)(start + i) * sz, v);
    }
    return rc;
}

static int pa_merge_task(void *arg, int piece) {
    pa_run *r = arg;
    pa_table *t = &r->tabs[piece];
    int rc = pa_table_init(r, t);
    uint64_t *h = NULL;
    uint32_t *gids = NULL;
    int32_t *sel = NULL;
    sm_batch *owned = NULL; /* a batch read back from the received rows' spill file */
    for (int p = 0; rc == SM_OK && p < r->in->nparts; p++) {
        for (int bi = 0; rc == SM_OK; bi++) {
            if (owned) sm_batch_free(owned);
            owned = NULL;
            int nb = r->in->parts[p].nbatches;
            if (bi >= nb && ((rc = sm_mset_read_spilled(r->in, p, bi - nb, &owned)) != SM_OK || !owned)) break;
            const sm_batch *b = bi < nb ? r->in->parts[p].batches[bi] : owned;
            int64_t n = b->nrows;
            sm_free(h);
            sm_free(gids);
            sm_free(sel);
            h = sm_malloc((size_t)(n + 1) * sizeof *h);
            gids = sm_malloc((size_t)(n + 1) * sizeof *gids);
            sel = sm_malloc((size_t)(n + 1) * sizeof *sel);
            if (!h || !gids || !sel) {
                rc = SM_NOMEM;
                break;
            }
            sm_keytab_hash(b->cols, r->nkeys, n, h);
            int64_t ns = 0;
            for (int64_t i = 0; i < n; i++)
                if (r->npieces == 1 || sm_keytab_piece(h[i], r->npieces) == piece) sel[ns++] = (int32_t)i;
            if (ns == 0) continue;
            rc = sm_keytab_insert(&t->keys, b->cols, h, sel, ns, gids, NULL);
            if (rc == SM_OK) rc = pa_reserve(r, t);
            for (int a = 0; rc == SM_OK && a < r->naggs; a++) {
                const sm_vector *v = b->cols[r->nkeys + a];
                size_t sz = r->defs[a]->state_size;
                for (int64_t i = 0; rc == SM_OK && i < ns; i++) {
                    int32_t len;
                    const char *src = sm_vector_str(v, sel[i], &len);
                    if ((size_t)len != sz) {
                        rc = sm_err(SM_INTERNAL, "exchange: a partial aggregate state of %d bytes, "
                                                 "expected %zu", len, sz);
                        break;
                    }
                    rc = r->defs[a]->merge(r->calls[a], t->states[a] + (size_t)gids[i] * sz, src, t->arena);
                }
            }
        }
    }
    if (owned) sm_batch_free(owned);
    sm_free(h);
    sm_free(gids);
    sm_free(sel);
    if (rc == SM_OK && r->nkeys == 0 && t->keys.ngroups == 0) {
        /* a global aggregate over no rows at all: one row of initial states */
        uint64_t h0 = 0;
        uint32_t g0;
        sm_keytab_hash(NULL, 0, 1, &h0);
        rc = sm_keytab_insert(&t->keys, NULL, &h0, NULL, 1, &g0, NULL);
        if (rc == SM_OK) rc = pa_reserve(r, t);
    }
    if (rc == SM_OK) {
        void *fa[2] = {r, t};
        rc = exec_emit_batches(r->out, piece, t->keys.keys, r->nkeys, r->naggs, t->keys.ngroups, pa_fill, fa);
    }
    pa_table_free(r, t);
    return rc;
}

int xd_partial_agg(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out);
int xd_partial_agg(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    pa_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.nkeys = p->nkeys;
    r.naggs = p->naggs;
    r.key_types = sm_calloc((size_t)r.nkeys + 1, sizeof *r.key_types);
    r.calls = sm_calloc((size_t)r.naggs + 1, sizeof *r.calls);
    r.defs = sm_calloc((size_t)r.naggs + 1, sizeof *r.defs);
    r.nargs = sm_calloc((size_t)r.naggs + 1, sizeof *r.nargs);
    int rc = r.key_types && r.calls && r.defs && r.nargs ? SM_OK : SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < r.nkeys; k++) r.key_types[k] = p->keys[k]->type;
    for (int a = 0; rc == SM_OK && a < r.naggs; a++) {
        const sm_expr *e = pa_call(p->aggs[a]);
        r.calls[a] = e;
        r.defs[a] = e->agg;
        bool star = e->nargs == 0 || (e->nargs == 1 && e->args[0]->kind == SM_EX_STAR);
        r.nargs[a] = star ? 0 : e->nargs;
    }
    /* 1. partial tables on this rank's threads */
    int n = rc == SM_OK ? exec_num_partitions(ctx, p->child) : 0;
    if (n < 0) rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    r.ntabs = n > 0 ? n : 0;
    if (rc == SM_OK && !(r.tabs = sm_calloc((size_t)r.ntabs + 1, sizeof *r.tabs))) rc = SM_NOMEM;
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->child, pa_consume, &r);
    /* 2. their rows to the keys' owners */
    xch_shuffle *x = xch_shuffle_new(xch_world(), r.ntabs);
    if (rc == SM_OK && !x) rc = SM_NOMEM;
    xch_shuffle_spill_under(x, ctx->memory_limit); /* xspill.c; the merge below reads spilled rows back */
    if (r.nkeys > 0) xm_label_exprs(xch_shuffle_metrics(x), "hashpartitioning", p->keys, p->nkeys);
    else xm_label(xch_shuffle_metrics(x), "single", NULL, NULL);
    xm_label(xch_shuffle_metrics(x), NULL, NULL, "partial Aggregate");
    if (rc == SM_OK) rc = pa_send(&r, x);
    for (int i = 0; r.tabs && i < r.ntabs; i++) pa_table_free(&r, &r.tabs[i]);
    sm_free(r.tabs);
    r.tabs = NULL;
    int nparts = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1;
    rc = xch_shuffle_run(x, rc, nparts, &r.in);
    /* 3. merge and finalize what this rank owns */
    bool here = rc == SM_OK && (r.nkeys > 0 || !ctx->dist || ctx->dist->rank == 0);
    r.npieces = r.nkeys == 0 ? 1 : nparts;
    if (rc == SM_OK && !here) {
        if (!(*out = sm_mset_new(1))) rc = SM_NOMEM;
    } else if (rc == SM_OK) {
        r.out = sm_mset_new(r.npieces);
        r.tabs = sm_calloc((size_t)r.npieces + 1, sizeof *r.tabs);
        r.ntabs = r.npieces;
        rc = r.out && r.tabs ? SM_OK : SM_NOMEM;
        if (rc == SM_OK) rc = sm_pool_run(ctx->pool, r.npieces, pa_merge_task, &r);
        for (int i = 0; r.tabs && i < r.ntabs; i++) pa_table_free(&r, &r.tabs[i]);
        sm_free(r.tabs);
        if (rc == SM_OK) *out = r.out;
        else sm_mset_free(r.out);
    }
    sm_mset_free(r.in);
    sm_free(r.key_types);
    sm_free(r.calls);
    sm_free(r.defs);
    sm_free(r.nargs);
    return rc;
}
