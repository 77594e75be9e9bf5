/*
 * setop.c — the SETOP breaker (exec.h): INTERSECT [ALL] and EXCEPT [ALL].
 *
 * Semantics (Spark's): rows are compared on every column with grouping
 * equality — NULL equals NULL, NaN equals NaN, -0.0 equals 0.0 — so the
 * key of a row is the whole row.  With cl = how often a row occurs on the
 * left and cr on the right, the output holds it
 *     INTERSECT      once if cl > 0 and cr > 0      INTERSECT ALL  min(cl, cr) times
 *     EXCEPT         once if cl > 0 and cr == 0     EXCEPT ALL     max(cl - cr, 0) times
 * Output values are the left's (doubles normalized as the table stores them).
 *
 * Algorithm (the two phases of partials.h, twice):
 *   1. Right partials: one task per partition of children[1] counts its
 *      rows in an sm_keytab (hashtable.h) with a count per group.
 *   2. Left: exec_two_phase_run over children[0] does the same (partials),
 *      then one merge task per piece of the hash space merges the left
 *      partials of its piece, in partition order (so rows come out in the
 *      order they were first seen), and the right partials of its piece into
 *      a table of its own, looks every left group up in it and emits the
 *      group `times` times as partition `piece` of the output.
 *
 * Memory: the tables copy the rows (strings included), so input batches are
 * freed as soon as they are counted; every table is freed before
 * exec_setop returns; the output mset belongs to the caller.
 *
 * Spilling: when counted memory passes three quarters of ctx->memory_limit
 * (having grown by a sixteenth of it here) while the tables count or merge,
 * every table is dropped and exec_setop_spill (setopspill.c) runs both
 * inputs again through pairs of spill files.
 */
#include <stdatomic.h>
#include <string.h>

#include "common/status.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "exec/partials.h"
#include "exec/setopspill.h"

#define SO_CHUNK 4096

typedef struct {
    bool used;
    sm_keytab tab;
    int64_t *counts; /* per group */
    int64_t cap;
} so_table;

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    int ncols;
    sm_type *types;
    so_table *right; /* one per partition of children[1] */
    int nright;
    exec_two_phase tp; /* left partials: so_table[] */
    bool can_spill;      /* a memory budget is set */
    _Atomic bool overflow; /* it was reached: exec_setop starts over, spilling */
    int64_t mem_start;   /* sm_mem_in_use when the set operation began */
} so_run;

/* Past three quarters of the budget, having grown by a sixteenth of it:
 * marks the overflow and fails the task (exec_setop then spills). */
static int so_check_budget(so_run *r) {
    int64_t limit = r->ctx->memory_limit, used = sm_mem_in_use();
    if (!r->can_spill || used <= limit - limit / 4 || used - r->mem_start <= limit / 16) return SM_OK;
    atomic_store(&r->overflow, true);
    return sm_err(SM_INTERNAL, "set operation: memory budget reached");
}

static void so_table_free(so_table *t) {
    if (!t->used) return;
    sm_keytab_free(&t->tab);
    sm_free(t->counts);
    memset(t, 0, sizeof *t);
}

static int so_table_init(so_run *r, so_table *t) {
    memset(t, 0, sizeof *t);
    SM_TRY(sm_keytab_init(&t->tab, r->ncols, r->types));
    t->used = true;
    return SM_OK;
}

/* Inserts rows sel[0..n) (or 0..n) of cols, adding add[i] (or 1) to each count. */
static int so_add(so_table *t, sm_vector *const *cols, const uint64_t *hashes, const int32_t *sel,
                  int64_t n, const int64_t *add, uint32_t *gids) {
    SM_TRY(sm_keytab_insert(&t->tab, cols, hashes, sel, n, gids, NULL));
    if (t->tab.ngroups > t->cap) {
        int64_t cap = t->cap ? t->cap : 64;
        while (cap < t->tab.ngroups) cap *= 2;
        int64_t *c = sm_realloc(t->counts, (size_t)cap * sizeof *c);
        if (!c) return SM_NOMEM;
        memset(c + t->cap, 0, (size_t)(cap - t->cap) * sizeof *c);
        t->counts = c;
        t->cap = cap;
    }
    for (int64_t i = 0; i < n; i++) t->counts[gids[i]] += add ? add[sel ? sel[i] : i] : 1;
    return SM_OK;
}

/* Counts the rows of batch b into t (b is freed). */
static int so_count_batch(so_run *r, so_table *t, sm_batch *b) {
    int rc = SM_OK;
    int64_t n = b->nrows;
    uint64_t *hashes = NULL;
    uint32_t *gids = NULL;
    if (n == 0) goto done;
    if (!t->used && (rc = so_table_init(r, t)) != SM_OK) goto done;
    hashes = sm_malloc((size_t)n * sizeof *hashes);
    gids = sm_malloc((size_t)n * sizeof *gids);
    if (!hashes || !gids) {
        rc = SM_NOMEM;
        goto done;
    }
    sm_keytab_hash(b->cols, r->ncols, n, hashes);
    rc = so_add(t, b->cols, hashes, NULL, n, NULL, gids);
done:
    sm_free(hashes);
    sm_free(gids);
    sm_batch_free(b);
    return rc == SM_OK ? so_check_budget(r) : rc;
}

static int so_consume_right(void *arg, int part, sm_batch *b) {
    so_run *r = arg;
    return so_count_batch(r, &r->right[part], b);
}

static int so_consume_left(void *arg, int part, sm_batch *b) {
    so_run *r = arg;
    return so_count_batch(r, (so_table *)r->tp.partials + part, b);
}

/* Merges the groups of `piece` of the partials tabs[0..n) into m. */
static int so_merge_into(so_run *r, so_table *m, so_table *tabs, int n, int piece, int32_t *sel,
                         uint32_t *gids) {
    for (int p = 0; p < n; p++) {
        so_table *t = &tabs[p];
        if (!t->used) continue;
        for (int64_t start = 0; start < t->tab.ngroups; start += SO_CHUNK) {
            int64_t end = start + SO_CHUNK < t->tab.ngroups ? start + SO_CHUNK : t->tab.ngroups;
            int64_t ns = exec_select_piece(&t->tab, start, end, piece, r->tp.npieces, sel);
            if (ns == 0) continue;
            SM_TRY(so_add(m, t->tab.keys, t->tab.hashes, sel, ns, t->counts, gids));
        }
    }
    return SM_OK;
}

static int64_t so_times(const sm_plan *p, int64_t cl, int64_t cr) {
    if (p->setop == SM_SETOP_INTERSECT) {
        if (!p->setop_all) return cl > 0 && cr > 0;
        return cl < cr ? cl : cr;
    }
    if (!p->setop_all) return cl > 0 && cr == 0;
    return cl > cr ? cl - cr : 0;
}

/* Emits rows of l's keys by sel[0..n) as one batch. */
static int so_emit(so_run *r, int piece, const so_table *l, const int32_t *sel, int64_t n) {
    if (n == 0) return SM_OK;
    sm_batch *b = sm_batch_new(r->ncols, n);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < r->ncols; c++)
        if (!(b->cols[c] = sm_vector_take(l->tab.keys[c], sel, n))) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
    return sm_mset_add(r->tp.out, piece, b);
}

static int so_merge_task(void *arg, int piece) {
    so_run *r = arg;
    so_table l, rt;
    int rc = so_table_init(r, &l);
    if (rc != SM_OK) return rc;
    if ((rc = so_table_init(r, &rt)) != SM_OK) {
        so_table_free(&l);
        return rc;
    }
    int32_t *sel = sm_malloc(SO_CHUNK * sizeof *sel);
    uint32_t *gids = sm_malloc(SO_CHUNK * sizeof *gids);
    int32_t *out = sm_malloc(SM_BATCH_ROWS * sizeof *out);
    if (!sel || !gids || !out) rc = SM_NOMEM;
    if (rc == SM_OK) rc = so_merge_into(r, &l, (so_table *)r->tp.partials, r->tp.npartials, piece, sel, gids);
    if (rc == SM_OK) rc = so_merge_into(r, &rt, r->right, r->nright, piece, sel, gids);
    if (rc == SM_OK) rc = so_check_budget(r); /* the merged tables hold the rows again */
    int64_t no = 0;
    for (int64_t g = 0; rc == SM_OK && g < l.tab.ngroups; g++) {
        int64_t f = sm_keytab_find(&rt.tab, l.tab.keys, g, l.tab.hashes[g]);
        int64_t times = so_times(r->p, l.counts[g], f >= 0 ? rt.counts[f] : 0);
        for (int64_t k = 0; k < times && rc == SM_OK; k++) {
            out[no++] = (int32_t)g;
            if (no == SM_BATCH_ROWS) {
                rc = so_emit(r, piece, &l, out, no);
                no = 0;
            }
        }
    }
    if (rc == SM_OK) rc = so_emit(r, piece, &l, out, no);
    sm_free(sel);
    sm_free(gids);
    sm_free(out);
    so_table_free(&l);
    so_table_free(&rt);
    return rc;
}

static void so_free_partial(void *arg, void *table) {
    (void)arg;
    so_table_free(table);
}

int exec_setop(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    if (p->nchildren != 2 || !p->children)
        return sm_err(SM_INTERNAL, "set operation: expected 2 inputs, got %d", p->nchildren);
    const sm_schema *ls = p->children[0]->schema, *rs = p->children[1]->schema;
    if (ls->ncols != rs->ncols)
        return sm_err(SM_INTERNAL, "set operation: %d and %d columns", ls->ncols, rs->ncols);
    so_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.ncols = ls->ncols;
    r.can_spill = ctx->memory_limit > 0 && r.ncols > 0;
    r.mem_start = sm_mem_in_use();
    int rc = SM_OK;
    r.types = sm_calloc((size_t)r.ncols + 1, sizeof *r.types);
    if (!r.types) return SM_NOMEM;
    for (int c = 0; c < r.ncols; c++) {
        r.types[c] = ls->fields[c].type;
        if (rs->fields[c].type != r.types[c])
            rc = sm_err(SM_INTERNAL, "set operation: column %d has types %s and %s", c + 1,
                        sm_type_name(r.types[c]), sm_type_name(rs->fields[c].type));
    }
    if (rc == SM_OK) {
        r.nright = exec_num_partitions(ctx, p->children[1]);
        if (r.nright < 0) rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    }
    if (rc == SM_OK && !(r.right = sm_calloc((size_t)r.nright + 1, sizeof *r.right))) rc = SM_NOMEM;
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->children[1], so_consume_right, &r);
    if (rc == SM_OK) {
        r.tp = (exec_two_phase){
            .table_size = sizeof(so_table),
            .npieces = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1,
            .consume = so_consume_left,
            .merge = so_merge_task,
            .free_table = so_free_partial,
            .arg = &r,
        };
        rc = exec_two_phase_run(ctx, p->children[0], &r.tp, out);
    }
    if (r.right)
        for (int i = 0; i < r.nright; i++) so_table_free(&r.right[i]);
    sm_free(r.right);
    if (rc != SM_OK && atomic_load(&r.overflow)) {
        sm_err_clear(); /* every table is gone: start over through spill files */
        rc = exec_setop_spill(ctx, p, r.ncols, r.types,
                              ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1, out);
    }
    sm_free(r.types);
    return rc;
}
