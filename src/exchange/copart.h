/*
 * copart.h — the partitioning of distributed breaker results (copart.c):
 * which shuffles can be skipped because their input is already spread over
 * the ranks by the keys they need.
 */
#ifndef SM_XCH_COPART_H
#define SM_XCH_COPART_H

#include <stdbool.h>

#include "plan/plan.h"

#define XP_MAX_KEYS 8
#define XP_MAX_ALTS 4

typedef struct {
    int ncols;
    int cols[XP_MAX_KEYS]; /* output columns hashed, in hash order */
} xp_part_alt;

/* Rows live on xch_owner(sm_keytab_hash(cols)) for each alternative. */
typedef struct {
    int nalts;
    xp_part_alt alt[XP_MAX_ALTS];
} xp_part;

/* Records (replaces) node's partitioning; NULL or nalts 0: none. */
void xp_record(const sm_plan *node, const xp_part *part);
/* The partitioning of p's output (through FILTER / PROJECT to the breaker
 * below); false when none is known. */
bool xp_of(const sm_plan *p, xp_part *out);
/* True when some alternative of `in` hashes only columns among cols[0..n). */
bool xp_subset_of(const xp_part *in, const int *cols, int n);
/* Adds an alternative (ignored past the limits or with a column < 0). */
void xp_add(xp_part *p, const int *cols, int n);
/* Some alternative of `in` whose every column is one of the key
 * expressions (column references): pos[k] = the key index of its k-th
 * column, *npos = its length. */
bool xp_key_positions(const xp_part *in, sm_expr *const *keys, int nkeys, int *pos, int *npos);
/* The input column an expression forwards unchanged (through aliases), or -1. */
int xp_expr_col(const sm_expr *e);

#endif
