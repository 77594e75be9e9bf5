/*
 * partition_prune.c — partition pruning: filters on partition columns skip
 * whole partition directories before any file is opened (Spark's
 * PruneFileSourcePartitions / FileSourceStrategy partition filters).
 *
 * Algorithm: walk the plan from the root carrying the predicates that hold
 * on the rows flowing up from the current node.  A FILTER adds its
 * conjuncts (split on AND); a PROJECT translates each predicate's columns
 * through the projection (a column that is not a plain column reference
 * there becomes unknown); FILTER and PROJECT are the only nodes predicates
 * pass through — every other node restarts its children with none (a
 * filter above a LIMIT, a join or an aggregate says nothing about the
 * rows below it).  At a scan of a partitioned source, each predicate whose
 * columns all map to partition columns (at least one, and no
 * nondeterministic function or subquery) is evaluated over the source's
 * partition_values table (one row per directory); a directory is kept for
 * this path when every such predicate is true.  A scan reached along
 * several paths keeps the union of what each path keeps; a path with no
 * usable predicate keeps everything.  Finally each partitioned scan gets
 * set_partitions(keep, "pred, pred") — also when nothing is pruned, since
 * one source serves several actions.
 *
 * The same walk feeds statistics pruning: at a scan whose source has
 * set_filters, the predicates that are simple comparisons of a scan column
 * with constants (plan/scan_filters.c) are handed to it, and a Parquet
 * source skips the row groups whose statistics prove no row passes.  A
 * scan reached along several paths gets no filters (each path would need
 * its own); SMELT_NO_PRUNE=1 turns this off.  Filters stay in the plan.
 *
 * Predicates are kept as (bound expression, column map): map[k] is the
 * current node's column for column k of the predicate's own input, or -1;
 * expressions are never rewritten, and evaluation builds a batch in the
 * predicate's own column space with the partition value vectors placed at
 * the mapped positions.
 *
 * Memory: sm_malloc'd, freed before returning.  Threading: the action's
 * thread, before splits open (like column pruning).
 */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "formats/source.h"
#include "plan/plan.h"
#include "plan/prune.h"
#include "plan/scan_filters.h"

typedef struct {
    const sm_expr *e;
    int ncols;  /* columns of the predicate's input */
    int *map;   /* ncols entries: column of the current node, or -1 */
} pp_pred;

typedef struct {
    const sm_plan *scan;
    bool *keep;    /* npartitions */
    bool touched;  /* some path reached it */
    sm_buf filters;
    bool partitioned;
    /* statistics pruning (source->set_filters): the simple filters of the
     * first path; a scan reached along several paths gets none */
    int npaths;
    sm_scan_filter *sf;
    int nsf;
    sm_buf sf_text;
    sm_arena *arena;
} pp_scan;

typedef struct {
    pp_scan *scans;
    int nscans, cap;
    const sm_plan **visited_bare; /* nodes already walked with no predicates */
    int nvisited, vcap;
    int rc;
} pp_walk;

static bool pp_nondeterministic(const char *name) {
    static const char *const names[] = {"rand", "randn", "random", "uuid", "shuffle",
                                        "monotonically_increasing_id", "spark_partition_id",
                                        "input_file_name", "raise_error", "assert_true", NULL};
    for (int i = 0; name && names[i]; i++)
        if (!strcmp(name, names[i])) return true;
    return false;
}

/* Columns referenced by e, and whether e may be evaluated per partition. */
static bool pp_usable(const sm_expr *e, const int *map, int ncols, int first_pcol, int *ncolrefs) {
    if (!e) return true;
    switch (e->kind) {
    case SM_EX_COLUMN:
        if (e->col_index < 0 || e->col_index >= ncols) return false;
        if (map[e->col_index] < first_pcol) return false;
        (*ncolrefs)++;
        return true;
    case SM_EX_SUBQUERY: case SM_EX_EXISTS: case SM_EX_IN_SUBQUERY: case SM_EX_OUTER_REF:
    case SM_EX_WINDOW: case SM_EX_STAR:
        return false;
    case SM_EX_CALL:
        if (e->agg || pp_nondeterministic(e->name)) return false;
        break;
    default: break;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!pp_usable(e->args[i], map, ncols, first_pcol, ncolrefs)) return false;
    return true;
}

static pp_scan *pp_scan_for(pp_walk *w, const sm_plan *scan) {
    for (int i = 0; i < w->nscans; i++)
        if (w->scans[i].scan == scan) return &w->scans[i];
    if (w->nscans == w->cap) {
        int cap = w->cap ? w->cap * 2 : 4;
        pp_scan *ns = sm_realloc(w->scans, (size_t)cap * sizeof *ns);
        if (!ns) return NULL;
        w->scans = ns;
        w->cap = cap;
    }
    pp_scan *s = &w->scans[w->nscans];
    memset(s, 0, sizeof *s);
    s->scan = scan;
    s->keep = sm_calloc((size_t)scan->source->npartitions + 1, sizeof *s->keep);
    if (!s->keep) return NULL;
    w->nscans++;
    return s;
}

/* Evaluates pred over the partition table: *out[p] &= pred is true. */
static int pp_eval(const sm_source *src, int first_pcol, const pp_pred *pr, bool *ok) {
    int n = src->npartitions;
    sm_batch *b = sm_batch_new(pr->ncols, n);
    if (!b) return sm_err(SM_NOMEM, "out of memory pruning partitions");
    int rc = SM_OK;
    for (int k = 0; k < pr->ncols && rc == SM_OK; k++) {
        if (pr->map[k] >= first_pcol) b->cols[k] = sm_vector_ref(src->partition_values->cols[pr->map[k] - first_pcol]);
        else b->cols[k] = sm_vector_new_nulls(SM_NULLTYPE, n);
        if (!b->cols[k]) rc = sm_err(SM_NOMEM, "out of memory pruning partitions");
    }
    sm_vector *v = NULL;
    sm_eval_ctx ctx = {sm_tz_utc(), false, 0};
    if (rc == SM_OK) rc = sm_expr_eval(&ctx, pr->e, b, &v);
    if (rc == SM_OK && v->type == SM_BOOLEAN) {
        for (int p = 0; p < n; p++)
            if (sm_vector_is_null(v, p) || !SM_VEC_BOOL(v)[p]) ok[p] = false;
    }
    sm_vector_unref(v);
    sm_batch_free(b);
    return rc;
}

static void pp_node(pp_walk *w, const sm_plan *p, pp_pred *preds, int npreds);

static void pp_bare(pp_walk *w, const sm_plan *p) {
    if (!p) return;
    for (int i = 0; i < w->nvisited; i++)
        if (w->visited_bare[i] == p) return;
    if (w->nvisited == w->vcap) {
        int cap = w->vcap ? w->vcap * 2 : 16;
        const sm_plan **nv = sm_realloc(w->visited_bare, (size_t)cap * sizeof *nv);
        if (!nv) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
        w->visited_bare = nv;
        w->vcap = cap;
    }
    w->visited_bare[w->nvisited++] = p;
    pp_node(w, p, NULL, 0);
}

/* Statistics pruning: the predicates that are simple filters on scan columns
 * (scan_filters.c), for source->set_filters. */
static void pp_scan_filters(pp_walk *w, const sm_plan *p, pp_pred *preds, int npreds) {
    pp_scan *s = pp_scan_for(w, p);
    if (!s) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
    if (s->npaths++ > 0) { /* a second path: keep it simple and push nothing */
        s->nsf = 0;
        return;
    }
    if (npreds == 0) return;
    if (!s->arena && !(s->arena = sm_arena_new())) { w->rc = sm_err(SM_NOMEM, "out of memory"); return; }
    s->sf = sm_arena_alloc(s->arena, (size_t)npreds * sizeof *s->sf);
    if (!s->sf) { w->rc = sm_err(SM_NOMEM, "out of memory"); return; }
    for (int i = 0; i < npreds; i++) {
        if (!sm_scan_filter_from_expr(s->arena, preds[i].e, preds[i].map, preds[i].ncols, p->source->schema,
                                      &s->sf[s->nsf]))
            continue;
        s->nsf++;
        const char *name = sm_expr_sql_name(s->arena, preds[i].e);
        if (name) sm_buf_appendf(&s->sf_text, "%s%s", s->sf_text.len ? ", " : "", name);
    }
}

static void pp_scan_node(pp_walk *w, const sm_plan *p, pp_pred *preds, int npreds) {
    const sm_source *src = p->source;
    if (src && src->set_filters) pp_scan_filters(w, p, preds, npreds);
    if (w->rc) return;
    if (!src || src->partition_ncols <= 0 || !src->set_partitions || !src->partition_values) return;
    pp_scan *s = pp_scan_for(w, p);
    if (!s) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
    s->touched = true;
    s->partitioned = true;
    int n = src->npartitions;
    int first = src->schema->ncols - src->partition_ncols;
    bool *ok = sm_malloc((size_t)n + 1);
    sm_arena *a = sm_arena_new();
    if (!ok || !a) {
        sm_free(ok);
        sm_arena_free(a);
        w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions");
        return;
    }
    for (int i = 0; i < n; i++) ok[i] = true;
    for (int i = 0; i < npreds && w->rc == SM_OK; i++) {
        int refs = 0;
        if (!pp_usable(preds[i].e, preds[i].map, preds[i].ncols, first, &refs) || refs == 0) continue;
        if (pp_eval(src, first, &preds[i], ok) != SM_OK) {
            /* a predicate that cannot be evaluated here prunes nothing */
            sm_err_clear();
            continue;
        }
        const char *name = sm_expr_sql_name(a, preds[i].e);
        if (name) sm_buf_appendf(&s->filters, "%s%s", s->filters.len ? ", " : "", name);
    }
    for (int i = 0; i < n; i++) s->keep[i] |= ok[i];
    sm_free(ok);
    sm_arena_free(a);
}

static void pp_split(pp_walk *w, const sm_expr *e, int ncols, pp_pred **preds, int *npreds, int *cap) {
    if (!e || w->rc) return;
    if (e->kind == SM_EX_CALL && e->name && !strcmp(e->name, "and") && e->nargs == 2) {
        pp_split(w, e->args[0], ncols, preds, npreds, cap);
        pp_split(w, e->args[1], ncols, preds, npreds, cap);
        return;
    }
    if (*npreds == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        pp_pred *np = sm_realloc(*preds, (size_t)*cap * sizeof *np);
        if (!np) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
        *preds = np;
    }
    int *map = sm_malloc((size_t)(ncols + 1) * sizeof *map);
    if (!map) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
    for (int k = 0; k < ncols; k++) map[k] = k;
    (*preds)[(*npreds)++] = (pp_pred){e, ncols, map};
}

static void pp_free_preds(pp_pred *preds, int n) {
    for (int i = 0; i < n; i++) sm_free(preds[i].map);
    sm_free(preds);
}

static void pp_node(pp_walk *w, const sm_plan *p, pp_pred *preds, int npreds) {
    if (!p || w->rc) return;
    switch (p->kind) {
    case SM_PLAN_SCAN:
        pp_scan_node(w, p, preds, npreds);
        return;
    case SM_PLAN_FILTER: {
        /* this filter's conjuncts (over the child's columns, = ours) plus ours */
        int cap = npreds + 8, n = 0;
        pp_pred *all = sm_malloc((size_t)cap * sizeof *all);
        if (!all) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
        int ncols = p->child && p->child->schema ? p->child->schema->ncols : 0;
        for (int i = 0; i < npreds; i++) {
            int *map = sm_malloc((size_t)(preds[i].ncols + 1) * sizeof *map);
            if (!map) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); break; }
            memcpy(map, preds[i].map, (size_t)preds[i].ncols * sizeof *map);
            all[n++] = (pp_pred){preds[i].e, preds[i].ncols, map};
        }
        pp_split(w, p->cond, ncols, &all, &n, &cap);
        if (w->rc == SM_OK) pp_node(w, p->child, all, n);
        pp_free_preds(all, n);
        return;
    }
    case SM_PLAN_PROJECT: {
        pp_pred *down = sm_calloc((size_t)npreds + 1, sizeof *down);
        if (!down) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); return; }
        int n = 0;
        for (int i = 0; i < npreds; i++) {
            int *map = sm_malloc((size_t)(preds[i].ncols + 1) * sizeof *map);
            if (!map) { w->rc = sm_err(SM_NOMEM, "out of memory pruning partitions"); break; }
            for (int k = 0; k < preds[i].ncols; k++) {
                int c = preds[i].map[k];
                const sm_expr *x = c >= 0 && c < p->nexprs ? p->exprs[c] : NULL;
                while (x && x->kind == SM_EX_ALIAS && x->nargs == 1) x = x->args[0];
                map[k] = x && x->kind == SM_EX_COLUMN ? x->col_index : -1;
            }
            down[n++] = (pp_pred){preds[i].e, preds[i].ncols, map};
        }
        if (w->rc == SM_OK) {
            if (n == 0) pp_bare(w, p->child);
            else pp_node(w, p->child, down, n);
        }
        pp_free_preds(down, n);
        return;
    }
    default:
        pp_bare(w, p->child);
        for (int i = 0; i < p->nchildren; i++) pp_bare(w, p->children[i]);
        return;
    }
}

int sm_plan_prune_partitions(const sm_plan *root) {
    if (!root) return SM_OK;
    pp_walk w = {0};
    pp_bare(&w, root);
    int rc = w.rc;
    const char *off = getenv("SMELT_NO_PRUNE"); /* also turns statistics pruning off */
    bool no_stats = off && *off && strcmp(off, "0") != 0;
    for (int i = 0; i < w.nscans; i++) {
        pp_scan *s = &w.scans[i];
        sm_source *src = s->scan->source;
        if (rc == SM_OK && src->set_filters) {
            int n = s->npaths == 1 && !no_stats ? s->nsf : 0;
            rc = src->set_filters(src, s->sf, n, n && s->sf_text.len ? sm_buf_cstr(&s->sf_text) : NULL);
        }
        if (rc == SM_OK && s->partitioned) {
            const char *f = s->filters.len ? sm_buf_cstr(&s->filters) : NULL;
            rc = src->set_partitions(src, s->keep, f);
        }
        sm_free(s->keep);
        sm_buf_free(&s->filters);
        sm_buf_free(&s->sf_text);
        if (s->arena) sm_arena_free(s->arena);
    }
    sm_free(w.scans);
    sm_free(w.visited_bare);
    return rc;
}
