/*
 * prune.c — column pruning for scans.
 *
 * Before an action runs a plan, sm_plan_prune_columns walks it from the root
 * carrying the set of output columns the parent needs, and computes for
 * every node the columns it needs from its children (FILTER: needed ∪ the
 * condition's columns; PROJECT: the columns of every expression; AGGREGATE:
 * keys, aggregate arguments and FILTER clauses; SORT: needed ∪ sort keys;
 * JOIN: needed split by position between left and right, plus the keys and
 * the residual condition (bound to left ++ right); WINDOW: the child part
 * of needed plus everything the window expressions read; DISTINCT, SETOP:
 * all columns; EXPAND: every set's expressions; UNION: needed per child by
 * position).  The root needs all its columns, except for count()
 * (sm_plan_prune_columns_count), which needs none: as in Spark, a count of
 * a DROPMALFORMED scan then converts nothing and drops nothing.
 *
 * A scan reached along several paths (a shared sub-plan, a self-join)
 * accumulates the union of the requirements; after the walk every scan's
 * source whose set_required hook exists gets the mask (schema->ncols
 * entries).  The mask replaces the previous one: the same source serves
 * later actions with other needs.  Sources keep producing every column
 * (unrequired ones all-null), so bound column indexes stay valid.
 *
 * Shared sub-plans are walked once per path; a requirement already covered
 * by the node's earlier visits stops the walk there (the walk from a node
 * depends only on its need set), which keeps DAG walks linear in practice.
 *
 * Projections and filters: the outputs of a PROJECT or FILTER that nothing
 * above reads are marked in its unused_cols bits (the first 64 outputs),
 * and exec.c gives all-null columns for them instead of evaluating the
 * expressions or copying the filtered rows (as Spark's ColumnPruning drops
 * them), so a job's second action over the same DataFrame does not
 * recompute or copy columns only the first one wrote.
 *
 * Joins: the outputs of a JOIN that nothing above reads are marked the same
 * way (unused_cols, unused_hi: the first 256 outputs); exec/hashjoin.c then
 * keeps only the build-side columns the keys, the condition and the used
 * outputs read, and emits the unused outputs as SM_NULLTYPE placeholders
 * without storage, so a join's materialized result carries only what the
 * plan above reads (TPC-H Q5, Q9: the joined lineitem rows carry four of
 * the fifty columns of their six tables).
 *
 * SMELT_NO_PRUNE=1 in the environment tells every scan it needs all
 * columns, and every projection to evaluate everything (for comparison
 * runs and tests).
 *
 * Memory: everything is sm_malloc'd here and freed before returning.
 * Threading: called by the thread that starts an action, before any split
 * is opened; actions of a session run one at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "formats/source.h"
#include "plan/plan.h"
#include "plan/prune.h"

typedef struct {
    const sm_plan *node;
    bool *need; /* node->schema->ncols entries: union of needs seen so far */
} prune_seen;

typedef struct {
    prune_seen *seen;
    int n, cap;
} prune_walk;

static int prune_ncols(const sm_plan *p) { return p->schema ? p->schema->ncols : 0; }

static void prune_expr(const sm_expr *e, bool *need, int ncols) {
    if (!e) return;
    if (e->kind == SM_EX_COLUMN && e->col_index >= 0 && e->col_index < ncols) need[e->col_index] = true;
    for (int i = 0; i < e->nargs; i++) prune_expr(e->args[i], need, ncols);
    prune_expr(e->filter, need, ncols);
    if (e->window) {
        for (int i = 0; i < e->window->npartition; i++) prune_expr(e->window->partition[i], need, ncols);
        for (int i = 0; i < e->window->norder; i++) prune_expr(e->window->order[i].expr, need, ncols);
        prune_expr(e->window->start.offset, need, ncols);
        prune_expr(e->window->end.offset, need, ncols);
    }
}

/* Records `need` for p; *covered is set when it adds nothing to earlier
 * visits.  Returns a status (SM_NOMEM is 1: it must not read as "covered",
 * or the walk would stop there and leave stale masks below). */
static int prune_record(prune_walk *w, const sm_plan *p, const bool *need, int ncols,
                        bool *covered) {
    *covered = false;
    for (int i = 0; i < w->n; i++) {
        if (w->seen[i].node != p) continue;
        bool added = false;
        for (int c = 0; c < ncols; c++)
            if (need[c] && !w->seen[i].need[c]) { w->seen[i].need[c] = true; added = true; }
        *covered = !added;
        return SM_OK;
    }
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 16;
        prune_seen *s = sm_realloc(w->seen, (size_t)cap * sizeof *s);
        if (!s) return sm_err(SM_NOMEM, "out of memory pruning columns");
        w->seen = s;
        w->cap = cap;
    }
    bool *copy = sm_calloc((size_t)(ncols ? ncols : 1), sizeof *copy);
    if (!copy) return sm_err(SM_NOMEM, "out of memory pruning columns");
    if (ncols) memcpy(copy, need, (size_t)ncols * sizeof *copy);
    w->seen[w->n].node = p;
    w->seen[w->n].need = copy;
    w->n++;
    return 0;
}

static int prune_node(prune_walk *w, const sm_plan *p, const bool *need);

/* Walks child with a fresh need array filled by fill(). */
static int prune_child_all(prune_walk *w, const sm_plan *child) {
    int n = prune_ncols(child);
    bool *need = sm_malloc((size_t)(n ? n : 1) * sizeof *need);
    if (!need) return sm_err(SM_NOMEM, "out of memory pruning columns");
    for (int c = 0; c < n; c++) need[c] = true;
    int rc = prune_node(w, child, need);
    sm_free(need);
    return rc;
}

static int prune_node(prune_walk *w, const sm_plan *p, const bool *need) {
    if (!p) return SM_OK;
    int ncols = prune_ncols(p);
    bool covered;
    int rc = prune_record(w, p, need, ncols, &covered);
    if (rc != SM_OK) return rc;
    if (covered) return SM_OK;
    if (p->kind == SM_PLAN_SCAN || p->kind == SM_PLAN_VALUES) return SM_OK;
    if (p->kind == SM_PLAN_DISTINCT || p->kind == SM_PLAN_SETOP) {
        if (p->child) SM_TRY(prune_child_all(w, p->child));
        for (int i = 0; i < p->nchildren; i++) SM_TRY(prune_child_all(w, p->children[i]));
        return SM_OK;
    }
    if (p->kind == SM_PLAN_UNION) {
        for (int i = 0; i < p->nchildren; i++) {
            int n = prune_ncols(p->children[i]);
            bool *cn = sm_calloc((size_t)(n ? n : 1), sizeof *cn);
            if (!cn) return sm_err(SM_NOMEM, "out of memory pruning columns");
            for (int c = 0; c < n; c++) cn[c] = c < ncols ? need[c] : true;
            rc = prune_node(w, p->children[i], cn);
            sm_free(cn);
            SM_TRY(rc);
        }
        return SM_OK;
    }
    if (p->kind == SM_PLAN_JOIN) {
        const sm_plan *l = p->nchildren > 0 ? p->children[0] : NULL;
        const sm_plan *r = p->nchildren > 1 ? p->children[1] : NULL;
        int nl = l ? prune_ncols(l) : 0, nr = r ? prune_ncols(r) : 0;
        bool *both = sm_calloc((size_t)(nl + nr + 1), sizeof *both);
        if (!both) return sm_err(SM_NOMEM, "out of memory pruning columns");
        for (int c = 0; c < ncols && c < nl + nr; c++) both[c] = need[c];
        for (int i = 0; i < p->njoin_keys; i++) {
            prune_expr(p->left_keys[i], both, nl);
            prune_expr(p->right_keys[i], both + nl, nr);
        }
        prune_expr(p->cond, both, nl + nr);
        rc = prune_node(w, l, both);
        if (rc == SM_OK) rc = prune_node(w, r, both + nl);
        sm_free(both);
        return rc;
    }
    const sm_plan *child = p->child;
    if (!child) return SM_OK;
    int n = prune_ncols(child);
    bool *cn = sm_calloc((size_t)(n ? n : 1), sizeof *cn);
    if (!cn) return sm_err(SM_NOMEM, "out of memory pruning columns");
    switch (p->kind) {
    case SM_PLAN_FILTER:
        for (int c = 0; c < n && c < ncols; c++) cn[c] = need[c];
        prune_expr(p->cond, cn, n);
        break;
    case SM_PLAN_PROJECT:
        for (int i = 0; i < p->nexprs; i++)
            if (i >= ncols || need[i]) prune_expr(p->exprs[i], cn, n);
        break;
    case SM_PLAN_AGGREGATE:
        for (int i = 0; i < p->nkeys; i++) prune_expr(p->keys[i], cn, n);
        for (int i = 0; i < p->naggs; i++) prune_expr(p->aggs[i], cn, n);
        break;
    case SM_PLAN_SORT:
        for (int c = 0; c < n && c < ncols; c++) cn[c] = need[c];
        for (int i = 0; i < p->nsort; i++) prune_expr(p->sort_keys[i].expr, cn, n);
        break;
    case SM_PLAN_LIMIT:
        for (int c = 0; c < n && c < ncols; c++) cn[c] = need[c];
        break;
    case SM_PLAN_WINDOW:
        for (int c = 0; c < n && c < ncols; c++) cn[c] = need[c];
        for (int i = 0; i < p->nexprs; i++) prune_expr(p->exprs[i], cn, n);
        break;
    case SM_PLAN_GENERATE: /* the child's columns pass through first */
        for (int c = 0; c < n && c < ncols; c++) cn[c] = need[c];
        prune_expr(p->exprs[0], cn, n);
        break;
    case SM_PLAN_EXPAND:
        for (int s = 0; s < p->nsets; s++)
            for (int i = 0; i < p->nexprs; i++) prune_expr(p->sets[s][i], cn, n);
        break;
    default: /* unknown kinds: everything */
        for (int c = 0; c < n; c++) cn[c] = true;
        break;
    }
    rc = prune_node(w, child, cn);
    sm_free(cn);
    return rc;
}

int sm_plan_required_columns(const sm_plan *root, const sm_plan *scan, bool *out) {
    prune_walk w = {0};
    int rc = root ? prune_child_all(&w, root) : SM_OK;
    int n = prune_ncols(scan);
    for (int c = 0; c < n; c++) out[c] = false;
    for (int i = 0; rc == SM_OK && i < w.n; i++)
        if (w.seen[i].node == scan) memcpy(out, w.seen[i].need, (size_t)n * sizeof *out);
    for (int i = 0; i < w.n; i++) sm_free(w.seen[i].need);
    sm_free(w.seen);
    return rc;
}

static int prune_run(const sm_plan *root, bool rows_only) {
    if (!root) return SM_OK;
    SM_TRY(sm_plan_prune_partitions(root));
    sm_plan_mark_shared_scans(root);
    const char *off = getenv("SMELT_NO_PRUNE");
    bool all = off && *off && strcmp(off, "0") != 0;
    prune_walk w = {0};
    int rc;
    if (rows_only) {
        int n = prune_ncols(root);
        bool *none = sm_calloc((size_t)(n ? n : 1), sizeof *none);
        rc = none ? prune_node(&w, root, none) : sm_err(SM_NOMEM, "out of memory pruning columns");
        sm_free(none);
    } else {
        rc = prune_child_all(&w, root);
    }
    for (int i = 0; rc == SM_OK && i < w.n; i++) {
        const sm_plan *p = w.seen[i].node;
        if (p->kind == SM_PLAN_PROJECT || p->kind == SM_PLAN_FILTER) {
            /* the plan is the session's; actions run one at a time */
            uint64_t unused = 0;
            for (int c = 0; !all && c < 64 && c < prune_ncols(p); c++)
                if (!w.seen[i].need[c] && !sm_type_is_nested(p->schema->fields[c].type))
                    unused |= 1ULL << c;
            ((sm_plan *)p)->unused_cols = unused;
            continue;
        }
        if (p->kind == SM_PLAN_JOIN) { /* its first 256 outputs (plan.h) */
            sm_plan *jp = (sm_plan *)p;
            jp->unused_cols = 0;
            memset(jp->unused_hi, 0, sizeof jp->unused_hi);
            for (int c = 0; !all && c < 256 && c < prune_ncols(p); c++) {
                if (w.seen[i].need[c]) continue;
                if (c < 64) jp->unused_cols |= 1ULL << c;
                else jp->unused_hi[(c - 64) >> 6] |= 1ULL << ((c - 64) & 63);
            }
            continue;
        }
        if (p->kind != SM_PLAN_SCAN || !p->source || !p->source->set_required) continue;
        if (all)
            for (int c = 0; c < prune_ncols(p); c++) w.seen[i].need[c] = true;
        rc = p->source->set_required(p->source, w.seen[i].need);
    }
    for (int i = 0; i < w.n; i++) sm_free(w.seen[i].need);
    sm_free(w.seen);
    return rc;
}

int sm_plan_prune_columns(const sm_plan *root) { return prune_run(root, false); }

int sm_plan_prune_columns_count(const sm_plan *root) { return prune_run(root, true); }
