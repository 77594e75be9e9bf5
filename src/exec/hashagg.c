/*
 * hashagg.c — hash aggregation (GROUP BY keys, aggregate calls), the
 * AGGREGATE breaker (exec.h).
 *
 * Algorithm, in two phases (Spark's partial + final aggregation, on threads):
 *   1. Partial: one task per partition of the child (exec_foreach_batch).
 *      Each task owns a partial table: an sm_keytab of the group keys
 *      (hashtable.h) plus, per aggregate, a columnar array of fixed-size
 *      states indexed by group id (agg.h).  Per batch: evaluate the key
 *      expressions, hash the whole batch, insert/find every row (→ group
 *      ids), evaluate each aggregate's arguments and fold the batch into the
 *      states with the aggregate's vectorized update.  A single string key
 *      carrying dictionary codes (sm_vector.dict, from the Parquet reader)
 *      gets its group ids by code instead (dictkeys.c).
 *   2. Merge: the key space is cut by hash into `npieces` pieces
 *      (ctx->shuffle_partitions; 1 for a global aggregate).  One task per
 *      piece walks every partial, in partition order, takes the groups of
 *      its piece and merges their states into its own table; then it
 *      finalizes its groups into batches of at most SM_BATCH_ROWS rows,
 *      which become partition `piece` of the output mset.  Pieces share
 *      nothing, so no locks.
 *
 * FILTER: an aggregate call with a filter (agg(...) FILTER (WHERE cond),
 * bound by agg.c's resolvers) folds only the rows where cond is true: per
 * batch its arguments are narrowed to those rows before update (or before
 * the DISTINCT set insert).  Merging is unchanged.
 *
 * DISTINCT aggregates (count(DISTINCT x, y), sum(DISTINCT x), ...): a partial
 * table keeps, per such aggregate, a set of (group id, argument tuple) — a
 * second keytab — and no state.  Merging re-inserts each pair with the merged
 * group id; only pairs new to the merged set are fed to update, so every
 * distinct tuple of a group is counted once across partitions.
 *
 * Invariants:
 *   1. states[a] of a table has room for cap groups (>= keys.ngroups) and
 *      every state of a group that exists was zeroed before first use.
 *   2. Partials are merged in partition order and groups in insertion order,
 *      so first()/last() see rows in input order (partition 0's rows first).
 *   3. A global aggregate (no keys) yields exactly one row, also on empty
 *      input (count = 0, sum = NULL), as Spark does.
 *   4. Null keys form a group; -0.0/0.0 and NaNs group together (keytab).
 *
 * The driver (partial tables per partition, merge tasks per piece, output
 * batches) is shared with distinct.c in partials.c.
 *
 * Memory: keys live in the keytab's vectors (copied out of input batches,
 * which are freed after each batch); strings held by states live in the
 * table's arena.  Partial tables are freed after the merge; the output mset
 * belongs to the caller.
 *
 * Spilling (ctx->memory_limit, exec/spill.h): when the counted memory
 * passes the budget while the partial tables grow, the in-memory attempt is
 * abandoned (its tables freed) and the child is run again with every input
 * row routed by a hash of its group key into SM_SPILL_FANOUT spill files
 * (whole input rows: aggregate states need no serialization).  Then each
 * file is aggregated on its own into one table and emitted; a file whose
 * table would pass the working budget is re-partitioned with a different
 * hash seed (up to HA_SPILL_LEVELS deep; past that it is aggregated over
 * the budget).  The output mset spills too (exec/msetspill.c).
 *
 * Spilling DISTINCT: a file's table keeps the distinct sets; ha_fold_distinct
 * feeds them to update before the table is emitted.  Routed by the group key
 * alone, a group with many distinct tuples (a global aggregate: one group)
 * would not split, so when every DISTINCT aggregate takes the same arguments
 * (ha_shared_distinct) and the key is empty or the overflowing table held
 * more than 8 distinct tuples per group, rows are routed by the hash of key +
 * those arguments: a distinct tuple of a group lies in exactly one file, so
 * the files' per-group states (plain aggregates' rows are split among files,
 * which merge handles) merge into one accumulator table (acc, under the
 * output lock), emitted at the end.  The accumulator holds every group's
 * states, as an unspilled aggregation would.
 *
 * DISTINCT aggregates over different arguments (count(DISTINCT a),
 * sum(DISTINCT b) in one node): no one hash keeps every distinct tuple of
 * every aggregate in one file, so the aggregates are put in classes of equal
 * arguments (ha_distinct_classes) and, for a global aggregate or few groups,
 * the spilling run makes one pass per class (Spark's Expand does the same
 * work in one pass over rows repeated once per class): pass c runs the
 * child again, routes rows by key + class c's arguments and folds only
 * class c's DISTINCT aggregates (and, in pass 0, the plain ones) into the
 * files' tables, which merge into the one accumulator (an aggregate a pass
 * does not fold keeps its zeroed, empty state, which merges as nothing).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "common/status.h"
#include "exec/dictkeys.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "exec/metrics.h"
#include "exec/partials.h"
#include "exec/spill.h"
#include "expr/agg.h"

typedef struct {
    const sm_expr *call;
    const sm_agg_def *def;
    bool distinct;
    int nargs; /* arguments to evaluate (0 for count(*)) */
} ha_agg;

typedef struct {
    bool used;
    sm_keytab keys;
    char **states;     /* per aggregate */
    int64_t cap;       /* groups the state arrays hold */
    sm_keytab *dsets;  /* per aggregate; initialized for distinct ones */
    sm_arena *arena;
    exec_dict_keys dk; /* a dictionary-encoded single key (dictkeys.h) */
} ha_table;

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *plan;
    int nkeys, naggs;
    sm_type *key_types;
    ha_agg *aggs;
    exec_two_phase tp; /* partials: ha_table[tp.npartials] */
    /* spilling under ctx->memory_limit (see "spilling" below) */
    bool can_spill;
    _Atomic bool overflow;          /* the in-memory attempt hit the budget */
    int64_t mem_start;              /* sm_mem_in_use when the breaker began */
    struct sm_spill_set *spill_dst; /* where ha_spill_consume routes batches */
    int64_t work_budget;            /* bytes one spill partition's table may use */
    /* DISTINCT aggregates (see "spilling DISTINCT" below): the aggregate whose
     * arguments join the group key in the spill hash (-1: the key alone) */
    int route_agg;
    int shared_distinct;            /* a distinct aggregate all others share arguments with; -1 */
    /* DISTINCT aggregates in classes of equal arguments (ha_distinct_classes):
     * agg_class[a] (-1 for plain aggregates), nclasses (-1: some DISTINCT
     * aggregate has no arguments), class_rep[c] an aggregate of class c */
    int *agg_class, *class_rep, nclasses;
    int pass_class; /* >= 0: the spilling pass folds only this class (plain ones in pass 0) */
    _Atomic int64_t ov_groups, ov_pairs; /* the overflowing table's groups, distinct pairs */
} ha_run;

static ha_table *ha_partial(ha_run *r, int part) { return (ha_table *)r->tp.partials + part; }

/* ---- tables ------------------------------------------------------------------ */

static void ha_table_free(ha_run *r, ha_table *t) {
    if (!t->used) return;
    sm_keytab_free(&t->keys);
    if (t->states)
        for (int a = 0; a < r->naggs; a++) sm_free(t->states[a]);
    sm_free(t->states);
    if (t->dsets)
        for (int a = 0; a < r->naggs; a++)
            if (r->aggs[a].distinct) sm_keytab_free(&t->dsets[a]);
    sm_free(t->dsets);
    if (t->arena) sm_arena_free(t->arena);
    exec_dict_keys_free(&t->dk);
    memset(t, 0, sizeof *t);
}

static int ha_table_init(ha_run *r, ha_table *t) {
    memset(t, 0, sizeof *t);
    t->used = true;
    int rc = sm_keytab_init(&t->keys, r->nkeys, r->key_types);
    if (rc != SM_OK) {
        t->used = false;
        return rc;
    }
    t->states = sm_calloc((size_t)r->naggs + 1, sizeof *t->states);
    t->dsets = sm_calloc((size_t)r->naggs + 1, sizeof *t->dsets);
    t->arena = sm_arena_new();
    if (!t->states || !t->dsets || !t->arena) {
        ha_table_free(r, t);
        return SM_NOMEM;
    }
    for (int a = 0; a < r->naggs; a++) {
        if (!r->aggs[a].distinct) continue;
        const sm_expr *call = r->aggs[a].call;
        sm_type types[64];
        int n = r->aggs[a].nargs;
        types[0] = SM_INT;
        for (int i = 0; i < n; i++) types[i + 1] = call->args[i]->type;
        rc = sm_keytab_init(&t->dsets[a], n + 1, types);
        if (rc != SM_OK) {
            ha_table_free(r, t);
            return rc;
        }
    }
    return SM_OK;
}

/* Grows the state arrays to hold every group of the table (zeroed). */
static int ha_table_reserve(ha_run *r, ha_table *t) {
    int64_t need = t->keys.ngroups;
    if (need <= t->cap) return SM_OK;
    int64_t cap = t->cap ? t->cap : 64;
    while (cap < need) cap *= 2;
    for (int a = 0; a < r->naggs; a++) {
        size_t sz = r->aggs[a].def->state_size;
        char *s = sm_realloc(t->states[a], (size_t)cap * sz);
        if (!s) return SM_NOMEM;
        memset(s + (size_t)t->cap * sz, 0, (size_t)(cap - t->cap) * sz);
        t->states[a] = s;
    }
    t->cap = cap;
    return SM_OK;
}

/* ---- partial aggregation ------------------------------------------------------- */

static void ha_unref_all(sm_vector **v, int n) {
    for (int i = 0; i < n; i++)
        if (v[i]) sm_vector_unref(v[i]);
}

/* Inserts (gids[i], args row i) for i in [0, n) into set `ds`; new_sel
 * receives the rows that were new (and *nnew their count) when non-NULL. */
static int ha_distinct_insert(sm_keytab *ds, const uint32_t *gids, sm_vector **args, int nargs,
                              int64_t n, int32_t *new_sel, int64_t *nnew) {
    int rc = SM_NOMEM;
    sm_vector *cols[65];
    uint64_t *hashes = sm_malloc((size_t)(n ? n : 1) * sizeof *hashes);
    uint32_t *dg = sm_malloc((size_t)(n ? n : 1) * sizeof *dg);
    uint8_t *is_new = sm_malloc((size_t)(n ? n : 1));
    sm_vector *gv = sm_vector_new(SM_INT, n ? n : 1);
    if (!hashes || !dg || !is_new || !gv) goto done;
    for (int64_t i = 0; i < n; i++) SM_VEC_I32(gv)[i] = (int32_t)gids[i];
    gv->length = n;
    cols[0] = gv;
    for (int a = 0; a < nargs; a++) cols[a + 1] = args[a];
    sm_keytab_hash(cols, nargs + 1, n, hashes);
    rc = sm_keytab_insert(ds, cols, hashes, NULL, n, dg, is_new);
    if (rc == SM_OK && new_sel) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++)
            if (is_new[i]) new_sel[k++] = (int32_t)i;
        *nnew = k;
    }
done:
    if (gv) sm_vector_unref(gv);
    sm_free(hashes);
    sm_free(dg);
    sm_free(is_new);
    return rc;
}

static int ha_eval_args(ha_run *r, int a, const sm_batch *b, sm_vector **argv) {
    const ha_agg *ag = &r->aggs[a];
    for (int i = 0; i < ag->nargs; i++) {
        int rc = sm_expr_eval(&r->ctx->eval, ag->call->args[i], b, &argv[i]);
        if (rc != SM_OK) {
            ha_unref_all(argv, i);
            memset(argv, 0, (size_t)ag->nargs * sizeof *argv);
            return rc;
        }
    }
    return SM_OK;
}

/* agg(...) FILTER (WHERE cond): keeps the rows of the batch where cond is
 * true — argv[] are replaced by their selected rows, fgids receives their
 * group ids and *nout their count. */
static int ha_filter_rows(ha_run *r, const ha_agg *ag, const sm_batch *b, sm_vector **argv,
                          const uint32_t *gids, int64_t n, int32_t *sel, uint32_t *fgids,
                          int64_t *nout) {
    sm_vector *fv = NULL;
    int rc = sm_expr_eval(&r->ctx->eval, ag->call->filter, b, &fv);
    if (rc != SM_OK) return rc;
    int64_t k = 0;
    if (fv->type == SM_BOOLEAN)
        for (int64_t i = 0; i < n; i++)
            if (!sm_vector_is_null(fv, i) && SM_VEC_BOOL(fv)[i]) {
                sel[k] = (int32_t)i;
                fgids[k++] = gids[i];
            }
    sm_vector_unref(fv);
    *nout = k;
    if (k == n || k == 0) return SM_OK;
    for (int i = 0; i < ag->nargs; i++) {
        sm_vector *taken = sm_vector_take(argv[i], sel, k);
        if (!taken) return SM_NOMEM;
        sm_vector_unref(argv[i]);
        argv[i] = taken;
    }
    return SM_OK;
}

static int ha_consume_batch(ha_run *r, ha_table *t, const sm_batch *b) {
    int64_t n = b->nrows;
    if (n == 0) return SM_OK;
    int rc = SM_OK;
    sm_vector **kv = sm_calloc((size_t)r->nkeys + 1, sizeof *kv);
    uint64_t *hashes = sm_malloc((size_t)n * sizeof *hashes);
    uint32_t *gids = sm_malloc((size_t)n * sizeof *gids);
    int32_t *fsel = NULL;  /* FILTER (WHERE ...): the rows that pass */
    uint32_t *fgids = NULL;
    sm_vector *argv[64] = {0};
    if (!kv || !hashes || !gids) {
        rc = SM_NOMEM;
        goto done;
    }
    for (int k = 0; k < r->nkeys; k++) {
        rc = sm_expr_eval(&r->ctx->eval, r->plan->keys[k], b, &kv[k]);
        if (rc != SM_OK) goto done;
    }
    if (r->nkeys == 1 && exec_dict_keys_usable(kv[0])) {
        rc = exec_dict_keys_groups(&t->dk, &t->keys, kv[0], n, gids);
    } else {
        sm_keytab_hash(kv, r->nkeys, n, hashes);
        rc = sm_keytab_insert(&t->keys, kv, hashes, NULL, n, gids, NULL);
    }
    if (rc == SM_OK) rc = ha_table_reserve(r, t);
    if (rc != SM_OK) goto done;
    for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
        const ha_agg *ag = &r->aggs[a];
        if (r->pass_class >= 0 && (ag->distinct ? r->agg_class[a] != r->pass_class : r->pass_class != 0))
            continue; /* another pass of the spilling run folds it */
        rc = ha_eval_args(r, a, b, argv);
        if (rc != SM_OK) break;
        const uint32_t *ug = gids;
        int64_t un = n;
        if (ag->call->filter) {
            if (!fsel) {
                fsel = sm_malloc((size_t)n * sizeof *fsel);
                fgids = sm_malloc((size_t)n * sizeof *fgids);
                if (!fsel || !fgids) rc = SM_NOMEM;
            }
            if (rc == SM_OK) rc = ha_filter_rows(r, ag, b, argv, gids, n, fsel, fgids, &un);
            ug = fgids;
        }
        if (rc != SM_OK || un == 0)
            ;
        else if (ag->distinct)
            rc = ha_distinct_insert(&t->dsets[a], ug, argv, ag->nargs, un, NULL, NULL);
        else
            rc = ag->def->update(ag->call, t->states[a], ug, argv, un, t->arena);
        ha_unref_all(argv, ag->nargs);
        memset(argv, 0, sizeof argv);
    }
done:
    if (kv) ha_unref_all(kv, r->nkeys);
    sm_free(kv);
    sm_free(hashes);
    sm_free(gids);
    sm_free(fsel);
    sm_free(fgids);
    return rc;
}

/* Past the budget (a quarter of headroom: a table's next growth doubles its
 * slots)?  Then flags the overflow, noting t's groups and distinct tuples
 * (ha_spill_run's routing), and fails: exec_hashagg starts over, spilling. */
static int ha_check_budget(ha_run *r, const ha_table *t) {
    if (!r->can_spill || sm_mem_in_use() <= r->ctx->memory_limit - r->ctx->memory_limit / 4 ||
        sm_mem_in_use() - r->mem_start <= r->ctx->memory_limit / 16)
        return SM_OK;
    int64_t pairs = 0;
    for (int a = 0; a < r->naggs; a++)
        if (r->aggs[a].distinct) pairs += t->dsets[a].ngroups;
    atomic_store(&r->ov_groups, t->keys.ngroups);
    atomic_store(&r->ov_pairs, pairs);
    atomic_store(&r->overflow, true);
    return sm_err(SM_INTERNAL, "hash aggregate: memory budget reached");
}

static int ha_consume(void *arg, int part, sm_batch *b) {
    ha_run *r = arg;
    ha_table *t = ha_partial(r, part);
    int rc = SM_OK;
    if (!t->used) rc = ha_table_init(r, t);
    if (rc == SM_OK) rc = ha_consume_batch(r, t, b);
    sm_batch_free(b);
    if (rc == SM_OK) rc = ha_check_budget(r, t);
    return rc;
}

/* ---- merge -------------------------------------------------------------------- */

#define HA_CHUNK 4096

/* Moves the distinct pairs of partial p whose group maps into merged table m
 * (map[g] = merged gid or UINT32_MAX), updating m's states with new ones. */
static int ha_merge_distinct(ha_run *r, int a, ha_table *m, const ha_table *p, const uint32_t *map) {
    const ha_agg *ag = &r->aggs[a];
    const sm_keytab *ds = &p->dsets[a];
    int nargs = ag->nargs;
    int rc = SM_OK;
    int32_t *sel = sm_malloc(HA_CHUNK * sizeof *sel);
    int32_t *new_sel = sm_malloc(HA_CHUNK * sizeof *new_sel);
    uint32_t *gids = sm_malloc(HA_CHUNK * sizeof *gids);
    uint32_t *ngids = sm_malloc(HA_CHUNK * sizeof *ngids);
    sm_vector *args[64] = {0}, *nargsv[64] = {0};
    if (!sel || !new_sel || !gids || !ngids) {
        rc = SM_NOMEM;
        goto done;
    }
    const int32_t *pg = SM_VEC_I32(ds->keys[0]);
    for (int64_t start = 0; start < ds->ngroups && rc == SM_OK; start += HA_CHUNK) {
        int64_t end = start + HA_CHUNK < ds->ngroups ? start + HA_CHUNK : ds->ngroups;
        int64_t ns = 0;
        for (int64_t row = start; row < end; row++) {
            uint32_t mg = map[pg[row]];
            if (mg == UINT32_MAX) continue;
            gids[ns] = mg;
            sel[ns++] = (int32_t)row;
        }
        if (ns == 0) continue;
        for (int i = 0; i < nargs; i++) {
            args[i] = sm_vector_take(ds->keys[i + 1], sel, ns);
            if (!args[i]) rc = SM_NOMEM;
        }
        int64_t nnew = 0;
        if (rc == SM_OK) rc = ha_distinct_insert(&m->dsets[a], gids, args, nargs, ns, new_sel, &nnew);
        if (rc == SM_OK && nnew > 0) {
            for (int64_t i = 0; i < nnew; i++) ngids[i] = gids[new_sel[i]];
            for (int i = 0; i < nargs && rc == SM_OK; i++) {
                nargsv[i] = sm_vector_take(args[i], new_sel, nnew);
                if (!nargsv[i]) rc = SM_NOMEM;
            }
            if (rc == SM_OK) rc = ag->def->update(ag->call, m->states[a], ngids, nargsv, nnew, m->arena);
        }
        ha_unref_all(args, nargs);
        ha_unref_all(nargsv, nargs);
        memset(args, 0, sizeof args);
        memset(nargsv, 0, sizeof nargsv);
    }
done:
    sm_free(sel);
    sm_free(new_sel);
    sm_free(gids);
    sm_free(ngids);
    return rc;
}

static int ha_merge_partial(ha_run *r, int piece, ha_table *m, const ha_table *p) {
    int64_t ng = p->keys.ngroups;
    if (ng == 0) return SM_OK;
    int rc = SM_OK;
    bool any_distinct = false;
    for (int a = 0; a < r->naggs; a++) any_distinct |= r->aggs[a].distinct;
    int32_t *sel = sm_malloc(HA_CHUNK * sizeof *sel);
    uint32_t *mg = sm_malloc(HA_CHUNK * sizeof *mg);
    uint32_t *map = any_distinct ? sm_malloc((size_t)ng * sizeof *map) : NULL;
    if (!sel || !mg || (any_distinct && !map)) {
        rc = SM_NOMEM;
        goto done;
    }
    for (int64_t start = 0; start < ng && rc == SM_OK; start += HA_CHUNK) {
        int64_t end = start + HA_CHUNK < ng ? start + HA_CHUNK : ng;
        int64_t ns = exec_select_piece(&p->keys, start, end, piece, r->tp.npieces, sel);
        if (map) /* groups of other pieces map nowhere; this piece's are set below */
            for (int64_t g = start; g < end; g++) map[g] = UINT32_MAX;
        if (ns == 0) continue;
        rc = sm_keytab_insert(&m->keys, p->keys.keys, p->keys.hashes, sel, ns, mg, NULL);
        if (rc == SM_OK) rc = ha_table_reserve(r, m);
        if (rc != SM_OK) break;
        for (int64_t i = 0; i < ns; i++)
            if (map) map[sel[i]] = mg[i];
        for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
            const ha_agg *ag = &r->aggs[a];
            if (ag->distinct) continue;
            size_t sz = ag->def->state_size;
            for (int64_t i = 0; i < ns && rc == SM_OK; i++)
                rc = ag->def->merge(ag->call, m->states[a] + (size_t)mg[i] * sz,
                                    p->states[a] + (size_t)sel[i] * sz, m->arena);
        }
    }
    for (int a = 0; a < r->naggs && rc == SM_OK; a++)
        if (r->aggs[a].distinct) rc = ha_merge_distinct(r, a, m, p, map);
done:
    sm_free(sel);
    sm_free(mg);
    sm_free(map);
    return rc;
}

typedef struct {
    ha_run *r;
    ha_table *m;
} ha_emit_arg;

/* Finalizes the states of groups [start, start + n) into the aggregate
 * columns of b (exec_emit_batches' fill). */
static int ha_fill_aggs(void *arg, sm_batch *b, int64_t start, int64_t n) {
    ha_run *r = ((ha_emit_arg *)arg)->r;
    ha_table *m = ((ha_emit_arg *)arg)->m;
    int rc = SM_OK;
    for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
        const ha_agg *ag = &r->aggs[a];
        sm_vector *v = sm_vector_new(ag->call->type, n);
        b->cols[r->nkeys + a] = v;
        if (!v) return SM_NOMEM;
        size_t sz = ag->def->state_size;
        for (int64_t i = 0; i < n && rc == SM_OK; i++)
            rc = ag->def->finalize(ag->call, m->states[a] + (size_t)(start + i) * sz, v);
    }
    return rc;
}

/* Finalizes merged table m into batches of partition `piece` of the output. */
static int ha_emit(ha_run *r, int piece, ha_table *m) {
    ha_emit_arg ea = {r, m};
    return exec_emit_batches(r->tp.out, piece, m->keys.keys, r->nkeys, r->naggs, m->keys.ngroups,
                             ha_fill_aggs, &ea);
}

static int ha_merge_task(void *arg, int piece) {
    ha_run *r = arg;
    ha_table m;
    int rc = ha_table_init(r, &m);
    if (rc != SM_OK) return rc;
    for (int p = 0; p < r->tp.npartials && rc == SM_OK; p++) {
        if (sm_pool_cancelled()) break;
        if (ha_partial(r, p)->used) rc = ha_merge_partial(r, piece, &m, ha_partial(r, p));
        if (rc == SM_OK) rc = ha_check_budget(r, &m); /* merging can pass it too */
    }
    if (rc == SM_OK && r->nkeys == 0 && m.keys.ngroups == 0) {
        /* global aggregate over empty input: one row of initial states */
        uint64_t h = 0;
        uint32_t g;
        sm_keytab_hash(NULL, 0, 1, &h);
        rc = sm_keytab_insert(&m.keys, NULL, &h, NULL, 1, &g, NULL);
        if (rc == SM_OK) rc = ha_table_reserve(r, &m);
    }
    if (rc == SM_OK) rc = ha_emit(r, piece, &m);
    ha_table_free(r, &m);
    return rc;
}

/* ---- entry point ------------------------------------------------------------------- */

static int ha_prepare(ha_run *r) {
    const sm_plan *p = r->plan;
    r->key_types = sm_calloc((size_t)r->nkeys + 1, sizeof *r->key_types);
    r->aggs = sm_calloc((size_t)r->naggs + 1, sizeof *r->aggs);
    if (!r->key_types || !r->aggs) return SM_NOMEM;
    for (int k = 0; k < r->nkeys; k++) r->key_types[k] = p->keys[k]->type;
    for (int a = 0; a < r->naggs; a++) {
        const sm_expr *e = p->aggs[a];
        while (e && e->kind == SM_EX_ALIAS) e = e->args[0];
        if (!e || e->kind != SM_EX_CALL || !e->agg)
            return sm_err(SM_INTERNAL,
                          "hash aggregate: output %d is not an aggregate call; the plan must "
                          "compute expressions over aggregates in a projection above it",
                          a + 1);
        ha_agg *ag = &r->aggs[a];
        ag->call = e;
        ag->def = e->agg;
        ag->distinct = e->distinct;
        bool star = e->nargs == 0 || (e->nargs == 1 && e->args[0]->kind == SM_EX_STAR);
        ag->nargs = star ? 0 : e->nargs;
        if (ag->nargs > 63)
            return sm_err(SM_UNSUPPORTED, "aggregate %s: more than 63 arguments", e->name);
        if (!ag->def->update || !ag->def->merge || !ag->def->finalize)
            return sm_err(SM_UNSUPPORTED, "aggregate %s cannot run in a hash aggregation yet",
                          ag->def->name);
    }
    return SM_OK;
}

static void ha_free_partial(void *arg, void *table) { ha_table_free(arg, table); }

/* ---- spilling ------------------------------------------------------------------------ */

#define HA_SPILL_LEVELS 4

/* Writes the rows of b into ss's files by the hash of their group keys. */
static int ha_spill_route(ha_run *r, sm_spill_set *ss, const sm_batch *b) {
    int64_t n = b->nrows;
    if (n == 0) return SM_OK;
    int rc = SM_OK;
    sm_vector **kv = sm_calloc((size_t)r->nkeys + 1, sizeof *kv);
    uint64_t *hashes = sm_malloc((size_t)n * sizeof *hashes);
    if (!kv || !hashes) rc = SM_NOMEM;
    int nra = r->route_agg >= 0 ? r->aggs[r->route_agg].nargs : 0;
    int nk = r->nkeys + nra;
    sm_vector *argv[64] = {0};
    for (int k = 0; k < r->nkeys && rc == SM_OK; k++)
        rc = sm_expr_eval(&r->ctx->eval, r->plan->keys[k], b, &kv[k]);
    if (rc == SM_OK && nra > 0) {
        sm_vector **all = sm_calloc((size_t)nk, sizeof *all);
        if (!all) rc = SM_NOMEM;
        if (rc == SM_OK) rc = ha_eval_args(r, r->route_agg, b, argv);
        if (rc == SM_OK) {
            for (int k = 0; k < r->nkeys; k++) all[k] = kv[k];
            for (int i = 0; i < nra; i++) all[r->nkeys + i] = argv[i];
            sm_keytab_hash(all, nk, n, hashes);
            rc = sm_spill_set_route(ss, b, hashes);
        }
        sm_free(all);
        ha_unref_all(argv, nra);
    } else if (rc == SM_OK) {
        sm_keytab_hash(kv, r->nkeys, n, hashes);
        rc = sm_spill_set_route(ss, b, hashes);
    }
    if (kv) ha_unref_all(kv, r->nkeys);
    sm_free(kv);
    sm_free(hashes);
    return rc;
}

static int ha_spill_consume(void *arg, int part, sm_batch *b) {
    ha_run *r = arg;
    int rc = ha_spill_route(r, r->spill_dst, b);
    sm_batch_free(b);
    return rc;
}

/* Emits every group of t into the output partitions of their pieces. */
static int ha_emit_spilled(ha_run *r, ha_table *t, sm_mset *out) {
    int npieces = r->tp.npieces;
    int64_t ng = t->keys.ngroups;
    int32_t *sel = sm_malloc(SM_BATCH_ROWS * sizeof *sel);
    if (!sel) return SM_NOMEM;
    int rc = SM_OK;
    for (int piece = 0; piece < npieces && rc == SM_OK; piece++) {
        for (int64_t st = 0; st < ng && rc == SM_OK; st += SM_BATCH_ROWS) {
            int64_t end = st + SM_BATCH_ROWS < ng ? st + SM_BATCH_ROWS : ng;
            int64_t ns = exec_select_piece(&t->keys, st, end, piece, npieces, sel);
            if (ns == 0) continue;
            sm_batch *b = sm_batch_new(r->nkeys + r->naggs, ns);
            if (!b) {
                rc = SM_NOMEM;
                break;
            }
            for (int k = 0; k < r->nkeys && rc == SM_OK; k++)
                if (!(b->cols[k] = sm_vector_take(t->keys.keys[k], sel, ns))) rc = SM_NOMEM;
            for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
                const ha_agg *ag = &r->aggs[a];
                sm_vector *v = sm_vector_new(ag->call->type, ns);
                b->cols[r->nkeys + a] = v;
                if (!v) {
                    rc = SM_NOMEM;
                    break;
                }
                size_t sz = ag->def->state_size;
                for (int64_t i = 0; i < ns && rc == SM_OK; i++)
                    rc = ag->def->finalize(ag->call, t->states[a] + (size_t)sel[i] * sz, v);
            }
            if (rc != SM_OK) {
                sm_batch_free(b);
                break;
            }
            rc = sm_mset_add(out, piece, b);
        }
    }
    sm_free(sel);
    return rc;
}

/* Bytes a table holds (slots, keys, hashes, states; not strings its
 * states keep in the arena): what a spill partition's table is held to. */
static int64_t ha_table_bytes(const ha_run *r, const ha_table *t) {
    int64_t n = (int64_t)t->keys.nslots * 8 + t->keys.cap_groups * 8;
    for (int k = 0; k < r->nkeys; k++) {
        const sm_vector *v = t->keys.keys[k];
        n += v->capacity * (int64_t)(sm_type_width(v->type) + 1) + v->bytes_cap;
    }
    for (int a = 0; a < r->naggs; a++) n += t->cap * (int64_t)r->aggs[a].def->state_size;
    for (int a = 0; a < r->naggs; a++) {
        if (!r->aggs[a].distinct) continue;
        const sm_keytab *ds = &t->dsets[a];
        n += (int64_t)ds->nslots * 8 + ds->cap_groups * 8;
        for (int k = 0; k < ds->nkeys; k++) {
            const sm_vector *v = ds->keys[k];
            n += v->capacity * (int64_t)(sm_type_width(v->type) + 1) + v->bytes_cap;
        }
    }
    return n;
}

typedef struct {
    ha_run *r;
    sm_spill_set *ss;
    sm_mset *out;
    pthread_mutex_t out_lock;
    _Atomic int64_t bytes, parts; /* re-partitioned ones */
    bool acc_mode; /* files hold parts of groups: their tables merge into acc */
    ha_table acc;
} ha_spill_job;

/* Folds the distinct tuples of each DISTINCT aggregate of t into its states
 * (a table filled by ha_consume_batch keeps only the sets). */
static int ha_fold_distinct(ha_run *r, ha_table *t) {
    int rc = SM_OK;
    int32_t *sel = sm_malloc(HA_CHUNK * sizeof *sel);
    uint32_t *gids = sm_malloc(HA_CHUNK * sizeof *gids);
    if (!sel || !gids) rc = SM_NOMEM;
    for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
        const ha_agg *ag = &r->aggs[a];
        if (!ag->distinct) continue;
        const sm_keytab *ds = &t->dsets[a];
        const int32_t *pg = ds->ngroups ? SM_VEC_I32(ds->keys[0]) : NULL;
        for (int64_t st = 0; st < ds->ngroups && rc == SM_OK; st += HA_CHUNK) {
            int64_t ns = st + HA_CHUNK < ds->ngroups ? HA_CHUNK : ds->ngroups - st;
            sm_vector *args[64] = {0};
            for (int64_t i = 0; i < ns; i++) {
                sel[i] = (int32_t)(st + i);
                gids[i] = (uint32_t)pg[st + i];
            }
            for (int i = 0; i < ag->nargs && rc == SM_OK; i++)
                if (!(args[i] = sm_vector_take(ds->keys[i + 1], sel, ns))) rc = SM_NOMEM;
            if (rc == SM_OK) rc = ag->def->update(ag->call, t->states[a], gids, args, ns, t->arena);
            ha_unref_all(args, ag->nargs);
        }
    }
    sm_free(sel);
    sm_free(gids);
    return rc;
}

/* Merges the groups of file table t (distinct sets folded) into acc. */
static int ha_acc_merge(ha_run *r, ha_table *acc, const ha_table *t) {
    int64_t n = t->keys.ngroups;
    if (n == 0) return SM_OK;
    uint32_t *gids = sm_malloc((size_t)n * sizeof *gids);
    if (!gids) return SM_NOMEM;
    int rc = sm_keytab_insert(&acc->keys, t->keys.keys, t->keys.hashes, NULL, n, gids, NULL);
    if (rc == SM_OK) rc = ha_table_reserve(r, acc);
    for (int a = 0; a < r->naggs && rc == SM_OK; a++) {
        const ha_agg *ag = &r->aggs[a];
        size_t sz = ag->def->state_size;
        for (int64_t g = 0; g < n && rc == SM_OK; g++)
            rc = ag->def->merge(ag->call, acc->states[a] + (size_t)gids[g] * sz,
                                t->states[a] + (size_t)g * sz, acc->arena);
    }
    sm_free(gids);
    return rc;
}

/* Aggregates the rows of spill file f (level `level`) into j->out,
 * re-partitioning it when its table would pass the working budget. */
static int ha_spill_process(ha_spill_job *j, FILE *f, int level);
static int ha_resplit_route(void *j, sm_spill_set *ss, const sm_batch *b) {
    return ha_spill_route(((ha_spill_job *)j)->r, ss, b);
}
static int ha_resplit_process(void *j, FILE *f, int level) { return ha_spill_process(j, f, level); }

static int ha_spill_process(ha_spill_job *j, FILE *f, int level) {
    ha_run *r = j->r;
    if (fseek(f, 0, SEEK_SET) != 0) return sm_err(SM_IO, "rewinding a spill file");
    ha_table t;
    int rc = ha_table_init(r, &t);
    if (rc != SM_OK) return rc;
    bool over = false;
    for (;;) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        rc = ha_consume_batch(r, &t, b);
        sm_batch_free(b);
        if (rc != SM_OK) break;
        if (sm_pool_cancelled()) break;
        if (level + 1 < HA_SPILL_LEVELS && ha_table_bytes(r, &t) > r->work_budget) {
            over = true;
            break;
        }
    }
    if (rc == SM_OK && !over && !sm_pool_cancelled()) rc = ha_fold_distinct(r, &t);
    if (rc == SM_OK && !over && !sm_pool_cancelled()) {
        pthread_mutex_lock(&j->out_lock);
        rc = j->acc_mode ? ha_acc_merge(r, &j->acc, &t) : ha_emit_spilled(r, &t, j->out);
        pthread_mutex_unlock(&j->out_lock);
    }
    ha_table_free(r, &t);
    if (rc != SM_OK || !over) return rc;
    /* too big: split this file again with the next level's hash */
    return sm_spill_resplit(f, level, ha_resplit_route, ha_resplit_process, j, &j->bytes, &j->parts);
}

static int ha_spill_task(void *arg, int i) {
    ha_spill_job *j = arg;
    int rc = ha_spill_process(j, sm_spill_set_file(j->ss, i), 0);
    sm_spill_set_close_file(j->ss, i);
    return rc;
}

/* Whether a and b are the same bound expression (conservatively). */
static bool ha_same_expr(const sm_expr *a, const sm_expr *b) {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || a->type != b->type || a->nargs != b->nargs) return false;
    if (a->kind == SM_EX_COLUMN) return a->col_index == b->col_index;
    for (int i = 0; i < a->nargs; i++)
        if (!ha_same_expr(a->args[i], b->args[i])) return false;
    sm_arena *ar = sm_arena_new();
    if (!ar) return false;
    const char *na = sm_expr_sql_name(ar, a), *nb = sm_expr_sql_name(ar, b);
    bool same = na && nb && strcmp(na, nb) == 0;
    sm_arena_free(ar);
    return same;
}

/* A DISTINCT aggregate whose arguments every other DISTINCT aggregate
 * shares (so one hash of them keeps each distinct tuple in one spill
 * file), or -1 (none, or several argument lists). */
static int ha_shared_distinct(const ha_run *r) {
    int first = -1;
    for (int a = 0; a < r->naggs; a++) {
        const ha_agg *ag = &r->aggs[a];
        if (!ag->distinct) continue;
        if (first < 0) {
            if (ag->nargs == 0) return -1;
            first = a;
            continue;
        }
        const ha_agg *f = &r->aggs[first];
        if (ag->nargs != f->nargs) return -1;
        for (int i = 0; i < ag->nargs; i++)
            if (!ha_same_expr(ag->call->args[i], f->call->args[i])) return -1;
    }
    return first;
}

/* Puts the DISTINCT aggregates in classes of equal arguments: sets
 * agg_class, class_rep and nclasses (-1 when a DISTINCT aggregate has no
 * arguments: such a node does not spill by classes). */
static int ha_distinct_classes(ha_run *r) {
    r->agg_class = sm_calloc((size_t)r->naggs + 1, sizeof *r->agg_class);
    r->class_rep = sm_calloc((size_t)r->naggs + 1, sizeof *r->class_rep);
    if (!r->agg_class || !r->class_rep) return SM_NOMEM;
    r->nclasses = 0;
    for (int a = 0; a < r->naggs; a++) {
        const ha_agg *ag = &r->aggs[a];
        r->agg_class[a] = -1;
        if (!ag->distinct) continue;
        if (ag->nargs == 0) {
            r->nclasses = -1;
            return SM_OK;
        }
        for (int c = 0; c < r->nclasses && r->agg_class[a] < 0; c++) {
            const ha_agg *f = &r->aggs[r->class_rep[c]];
            bool same = f->nargs == ag->nargs;
            for (int i = 0; same && i < ag->nargs; i++) same = ha_same_expr(ag->call->args[i], f->call->args[i]);
            if (same) r->agg_class[a] = c;
        }
        if (r->agg_class[a] < 0) {
            r->class_rep[r->nclasses] = a;
            r->agg_class[a] = r->nclasses++;
        }
    }
    return SM_OK;
}

/* The spilling run: routes the child's rows into spill files, then
 * aggregates them, one file per task, each table held to a share of the
 * budget. */
static int ha_spill_run(ha_run *r, sm_mset **out) {
    int64_t limit = r->ctx->memory_limit;
    int64_t free_now = limit - sm_mem_in_use();
    int threads = sm_pool_threads(r->ctx->pool);
    r->work_budget = (free_now > limit / 4 ? free_now : limit / 4) / 2 / (threads > 0 ? threads : 1);
    ha_spill_job j = {.r = r};
    /* DISTINCT: a global aggregate, or groups that are few next to their
     * distinct tuples, route by key + the shared distinct arguments, or
     * make one pass per class of arguments when they differ */
    r->route_agg = -1;
    int npasses = 1;
    bool few_groups = r->nkeys == 0 || atomic_load(&r->ov_pairs) > 8 * atomic_load(&r->ov_groups);
    if (r->shared_distinct >= 0 && few_groups) {
        r->route_agg = r->shared_distinct;
        j.acc_mode = true;
    } else if (r->shared_distinct < 0 && r->nclasses > 1 && few_groups) {
        npasses = r->nclasses;
        j.acc_mode = true;
    }
    pthread_mutex_init(&j.out_lock, NULL);
    j.out = sm_mset_new(r->tp.npieces);
    if (j.out) sm_mset_spill_under(j.out, limit); /* the output may spill too (exec/msetspill.c) */
    int rc = j.out ? SM_OK : SM_NOMEM;
    if (rc == SM_OK && j.acc_mode) rc = ha_table_init(r, &j.acc);
    for (int pass = 0; pass < npasses && rc == SM_OK; pass++) {
        if (npasses > 1) {
            r->pass_class = pass;
            r->route_agg = r->class_rep[pass];
        }
        j.ss = sm_spill_set_new(0);
        if (!j.ss) rc = sm_errcode() ? sm_errcode() : SM_NOMEM;
        r->spill_dst = j.ss;
        if (rc == SM_OK) rc = exec_foreach_batch(r->ctx, r->plan->child, ha_spill_consume, r);
        if (j.ss) {
            atomic_fetch_add(&j.bytes, sm_spill_set_bytes(j.ss));
            atomic_fetch_add(&j.parts, SM_SPILL_FANOUT);
        }
        if (rc == SM_OK) rc = sm_pool_run(r->ctx->pool, SM_SPILL_FANOUT, ha_spill_task, &j);
        sm_spill_set_free(j.ss);
        j.ss = NULL;
    }
    r->pass_class = -1;
    if (rc == SM_OK && j.acc_mode) {
        /* a global aggregate yields its one row even if every file was empty */
        if (r->nkeys == 0 && j.acc.keys.ngroups == 0) {
            uint64_t h = 0;
            uint32_t g;
            rc = sm_keytab_insert(&j.acc.keys, NULL, &h, NULL, 1, &g, NULL);
            if (rc == SM_OK) rc = ha_table_reserve(r, &j.acc);
        }
        if (rc == SM_OK) rc = ha_emit_spilled(r, &j.acc, j.out);
    }
    if (j.acc_mode) ha_table_free(r, &j.acc);
    r->spill_dst = NULL;
    pthread_mutex_destroy(&j.out_lock);
    sm_exec_metrics_spilled(r->ctx, r->plan, atomic_load(&j.bytes), atomic_load(&j.parts));
    if (rc != SM_OK) {
        sm_mset_free(j.out);
        return rc;
    }
    *out = j.out;
    return SM_OK;
}

int exec_hashagg(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    ha_run r = {0};
    r.ctx = ctx;
    r.plan = p;
    r.nkeys = p->nkeys;
    r.naggs = p->naggs;
    r.tp = (exec_two_phase){
        .table_size = sizeof(ha_table),
        .npieces = p->nkeys == 0 ? 1 : (ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1),
        .consume = ha_consume,
        .merge = ha_merge_task,
        .free_table = ha_free_partial,
        .arg = &r,
    };
    r.pass_class = -1;
    int rc = ha_prepare(&r);
    r.shared_distinct = rc == SM_OK ? ha_shared_distinct(&r) : -1;
    if (rc == SM_OK) rc = ha_distinct_classes(&r);
    r.can_spill = rc == SM_OK && ctx->memory_limit > 0 &&
                  (r.nkeys > 0 || r.shared_distinct >= 0 || r.nclasses > 1);
    r.mem_start = sm_mem_in_use(); /* memory others hold does not make a small table spill */
    if (rc == SM_OK) rc = exec_two_phase_run(ctx, p->child, &r.tp, out);
    if (rc != SM_OK && atomic_load(&r.overflow)) {
        sm_err_clear();
        rc = ha_spill_run(&r, out);
    }
    sm_free(r.key_types);
    sm_free(r.aggs);
    sm_free(r.agg_class);
    sm_free(r.class_rep);
    return rc;
}
