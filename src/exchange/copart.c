/*
 * copart.c — how the rows of a distributed breaker's output are spread over
 * the ranks, so that a later breaker that needs the same spreading skips its
 * shuffle (docs/mpi.md, "Skipping shuffles").
 *
 * A partitioning (xp_part) says: every row of the node's output lives on
 * rank xch_owner(sm_keytab_hash(columns c_1..c_m of the row)).  A node may
 * have several such descriptions at once (alternatives): an inner equi-join
 * shuffled by its keys is partitioned by its left key columns and by its
 * right key columns (equal values, hashed alike).
 *
 * Recording: dist.c records, for every breaker it materializes, the
 * partitioning of the result (none for sorts, gathers to rank 0, limits,
 * set operations and anything else).  The table is keyed by the plan node
 * and overwritten each time the node is materialized, so it always holds
 * the current action's decision (a broadcast join keeps its left input's
 * spreading, a shuffled one gets its keys').
 *
 * Looking up (xp_of): from a breaker's child, down through the narrow nodes
 * that keep rows on their rank — FILTER (same columns), PROJECT (an output
 * that is a column reference, possibly aliased, keeps its input's
 * spreading) — to the breaker below, whose record is then mapped up to the
 * child's columns.  Callers first run exec_num_partitions on the child,
 * which materializes that breaker in the current action, so the record
 * read is never one from an earlier action.  Anything else (a scan, a
 * union, a generate) has no partitioning: its rows are where its splits
 * were read.
 *
 * Using one: a consumer that needs rows equal on key columns K together
 * (aggregate, distinct, window) may skip its shuffle when the child is
 * partitioned by a subset of K (rows equal on K are equal on the subset,
 * so they already share a rank).  A join needs both sides spread by the same
 * function: a side partitioned by key columns at key positions k_1..k_m
 * lets the other side be shuffled by its keys at k_1..k_m alone (in that
 * order), or stay where it is when it is partitioned so too.  Hashes are
 * equal only for equal types, so key pairs must have the same type,
 * precision and scale.
 *
 * Threading: the main thread only (dist.c's hooks).  Memory: a static table
 * that grows with the number of distinct breaker nodes seen (freed never:
 * a process runs few plans; entries hold no pointers besides the key).
 */
#include <string.h>

#include "common/mem.h"
#include "exchange/copart.h"

typedef struct {
    const sm_plan *node;
    xp_part part;
} xp_entry;

static xp_entry *xp_tab;
static int xp_n, xp_cap;

void xp_record(const sm_plan *node, const xp_part *part) {
    xp_part none = {0};
    if (!part) part = &none;
    for (int i = 0; i < xp_n; i++)
        if (xp_tab[i].node == node) {
            xp_tab[i].part = *part;
            return;
        }
    if (part->nalts == 0) return; /* absent reads as none */
    if (xp_n == xp_cap) {
        int cap = xp_cap ? xp_cap * 2 : 32;
        xp_entry *t = sm_realloc(xp_tab, (size_t)cap * sizeof *t);
        if (!t) return; /* not recorded: the shuffle just happens */
        xp_tab = t;
        xp_cap = cap;
    }
    xp_tab[xp_n].node = node;
    xp_tab[xp_n].part = *part;
    xp_n++;
}

/* The input column an expression forwards unchanged, or -1. */
int xp_expr_col(const sm_expr *e) {
    while (e && e->kind == SM_EX_ALIAS && e->nargs == 1) e = e->args[0];
    return e && e->kind == SM_EX_COLUMN ? e->col_index : -1;
}

bool xp_of(const sm_plan *p, xp_part *out) {
    memset(out, 0, sizeof *out);
    if (!p) return false;
    switch (p->kind) {
    case SM_PLAN_FILTER: return xp_of(p->child, out);
    case SM_PLAN_PROJECT: {
        xp_part in;
        if (!xp_of(p->child, &in)) return false;
        for (int a = 0; a < in.nalts; a++) {
            xp_part_alt alt = {0};
            bool ok = true;
            for (int k = 0; k < in.alt[a].ncols && ok; k++) {
                int found = -1;
                for (int i = 0; i < p->nexprs && found < 0; i++)
                    if (xp_expr_col(p->exprs[i]) == in.alt[a].cols[k] &&
                        !(i < 64 && (p->unused_cols >> i & 1)))
                        found = i;
                ok = found >= 0;
                alt.cols[alt.ncols++] = found;
            }
            if (ok) out->alt[out->nalts++] = alt;
        }
        return out->nalts > 0;
    }
    case SM_PLAN_AGGREGATE:
    case SM_PLAN_DISTINCT:
    case SM_PLAN_JOIN:
    case SM_PLAN_WINDOW:
        for (int i = 0; i < xp_n; i++)
            if (xp_tab[i].node == p) {
                *out = xp_tab[i].part;
                return out->nalts > 0;
            }
        return false;
    default: return false;
    }
}

bool xp_subset_of(const xp_part *in, const int *cols, int n) {
    for (int a = 0; a < in->nalts; a++) {
        bool all = in->alt[a].ncols > 0;
        for (int k = 0; k < in->alt[a].ncols && all; k++) {
            bool found = false;
            for (int i = 0; i < n && !found; i++) found = cols[i] == in->alt[a].cols[k];
            all = found;
        }
        if (all) return true;
    }
    return false;
}

void xp_add(xp_part *p, const int *cols, int n) {
    if (n <= 0 || n > XP_MAX_KEYS || p->nalts >= XP_MAX_ALTS) return;
    for (int i = 0; i < n; i++)
        if (cols[i] < 0) return;
    p->alt[p->nalts].ncols = n;
    memcpy(p->alt[p->nalts].cols, cols, (size_t)n * sizeof *cols);
    p->nalts++;
}

bool xp_key_positions(const xp_part *in, sm_expr *const *keys, int nkeys, int *pos, int *npos) {
    for (int a = 0; a < in->nalts; a++) {
        bool all = in->alt[a].ncols > 0;
        for (int k = 0; k < in->alt[a].ncols && all; k++) {
            int found = -1;
            for (int i = 0; i < nkeys && found < 0; i++)
                if (xp_expr_col(keys[i]) == in->alt[a].cols[k]) found = i;
            all = found >= 0;
            pos[k] = found;
        }
        if (all) {
            *npos = in->alt[a].ncols;
            return true;
        }
    }
    *npos = 0;
    return false;
}
