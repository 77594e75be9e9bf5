/*
 * scan_share.c — which scans an action reads more than once.
 *
 * A scan node is a stream: every parent that opens it parses its files
 * again.  Plans share nodes (a temporary view used twice, a self-join, an
 * EXISTS subquery over the table of the outer query: TPC-H Q21 reads
 * lineitem three times, Q17/Q18/Q15 twice), so before an action runs,
 * sm_plan_mark_shared_scans counts how often each scan would be opened and
 * sets plan->shared_scan on those opened more than once; exec.c then reads
 * a shared scan once into the action's cache and streams the kept batches
 * to every reader (same partitions, same rows, same order).
 *
 * The count follows execution: streaming nodes (filter, project, union,
 * generate, expand, limit) open their children once per path that reaches
 * them, so the walk goes through them on every path; a breaker (aggregate,
 * distinct, sort, join, window, set operation) is materialized once per
 * action, so the walk descends into it on its first visit only.  A scan
 * reached under a LIMIT is never shared: the limit stops reading early,
 * and keeping the scan would read it all.  The walk gives up (sharing
 * nothing more) after SS_MAX_VISITS visits, so pathological DAGs stay cheap.
 *
 * Memory: a small sm_malloc'd table, freed before returning; on allocation
 * failure nothing is shared (the plan runs as before).  Threading: the
 * action's thread, before any split is opened (like column pruning).
 */
#include <string.h>

#include "common/mem.h"
#include "plan/prune.h"

#define SS_MAX_VISITS 10000

typedef struct {
    const sm_plan **node; /* scans and visited breakers */
    int *count;           /* scans: opens seen (-1: under a limit somewhere) */
    int n, cap;
    int visits;
    bool failed;
} ss_walk;

static int ss_find(ss_walk *w, const sm_plan *p) {
    for (int i = 0; i < w->n; i++)
        if (w->node[i] == p) return i;
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 32;
        const sm_plan **nn = sm_realloc(w->node, (size_t)cap * sizeof *nn);
        if (!nn) return -1;
        w->node = nn;
        int *nc = sm_realloc(w->count, (size_t)cap * sizeof *nc);
        if (!nc) return -1;
        w->count = nc;
        w->cap = cap;
    }
    w->node[w->n] = p;
    w->count[w->n] = 0;
    return w->n++;
}

static bool ss_breaker(sm_plan_kind k) {
    return k == SM_PLAN_AGGREGATE || k == SM_PLAN_DISTINCT || k == SM_PLAN_SORT ||
           k == SM_PLAN_JOIN || k == SM_PLAN_WINDOW || k == SM_PLAN_SETOP;
}

static void ss_visit(ss_walk *w, const sm_plan *p, bool under_limit) {
    if (!p || w->failed) return;
    if (++w->visits > SS_MAX_VISITS) {
        w->failed = true;
        return;
    }
    if (p->kind == SM_PLAN_SCAN) {
        int i = ss_find(w, p);
        if (i < 0) {
            w->failed = true;
            return;
        }
        if (under_limit) w->count[i] = -1;
        else if (w->count[i] >= 0) w->count[i]++;
        return;
    }
    if (ss_breaker(p->kind)) {
        int n0 = w->n;
        int i = ss_find(w, p);
        if (i < 0) {
            w->failed = true;
            return;
        }
        if (i < n0) return; /* materialized once: its inputs are read once */
        under_limit = false;
    }
    if (p->kind == SM_PLAN_LIMIT) under_limit = true;
    ss_visit(w, p->child, under_limit);
    for (int i = 0; i < p->nchildren; i++) ss_visit(w, p->children[i], under_limit);
}

void sm_plan_mark_shared_scans(const sm_plan *root) {
    ss_walk w = {0};
    ss_visit(&w, root, false);
    for (int i = 0; i < w.n; i++)
        if (w.node[i]->kind == SM_PLAN_SCAN)
            ((sm_plan *)w.node[i])->shared_scan = !w.failed && w.count[i] > 1;
    if (w.failed) /* nodes never reached keep their old mark: clear what we saw */
        for (int i = 0; i < w.n; i++)
            if (w.node[i]->kind == SM_PLAN_SCAN) ((sm_plan *)w.node[i])->shared_scan = false;
    sm_free(w.node);
    sm_free(w.count);
}
