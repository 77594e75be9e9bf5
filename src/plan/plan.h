/*
 * plan.h — the logical plan that DataFrames (and later SQL) build.
 *
 * A DataFrame is a pointer to a plan node; nodes are immutable once made and
 * may be shared by many DataFrames (df2 = df.filter(...) points at df's node
 * as its child).  Every expression stored in a node is already bound against
 * the child's schema, so building a DataFrame is also analysing it: an
 * unknown column is reported by the call that mentions it, as in Spark.
 *
 * Nodes live in the session's arena and are freed with the session.
 *
 * Node kinds and their fields:
 *   SCAN      source (formats layer); schema = the file schema
 *   VALUES    in-memory batches (tests, describe())
 *   FILTER    child, cond (boolean)
 *   PROJECT   child, exprs[nexprs] (output column i = exprs[i], named in schema)
 *   AGGREGATE child, keys[nkeys] (group expressions), aggs[naggs] (aggregate
 *             calls whose arguments are bound to the child);
 *             output = keys then aggs
 *   DISTINCT  child, key_cols[nkey_cols] (column indices; all columns when
 *             nkey_cols == 0); keeps the first row seen of each key
 *   SORT      child, sort_keys[nsort] (bound to the child)
 *   LIMIT     child, limit
 *   UNION     children[nchildren], same column count and types (the
 *             DataFrame layer inserts casts to the wider types)
 *   JOIN      children[0] (left), children[1] (right), join_type;
 *             left_keys[i] = right_keys[i] are the equi-join keys (bound to
 *             the left / right schema, same types); cond is the rest of the
 *             ON condition (or NULL), bound to the concatenated schema
 *             left ++ right.  Output: left ++ right (a side that can be
 *             missing becomes nullable); LEFT SEMI / LEFT ANTI: left only.
 *             null_aware: NOT IN semantics for LEFT ANTI (a null key on
 *             either side means "unknown", so the row is dropped).
 *   WINDOW    child, exprs[nexprs] (SM_EX_WINDOW, bound to the child);
 *             output = the child's columns ++ one column per window expr
 *   SETOP     children[0], children[1]: INTERSECT or EXCEPT (setop_all for
 *             the ALL variants), same column types; output = left's schema
 *   EXPAND    child, nsets projections of nexprs bound expressions each
 *             (sets[s][i]); every input row yields one row per set
 *             (GROUPING SETS / ROLLUP / CUBE before the aggregation)
 *
 * LIMIT also has offset (rows skipped first: LIMIT n OFFSET m; limit < 0
 * means none).
 */
#ifndef SM_PLAN_H
#define SM_PLAN_H

#include "expr/expr.h"
#include "types/types.h"

typedef enum {
    SM_PLAN_SCAN,
    SM_PLAN_VALUES,
    SM_PLAN_FILTER,
    SM_PLAN_PROJECT,
    SM_PLAN_AGGREGATE,
    SM_PLAN_DISTINCT,
    SM_PLAN_SORT,
    SM_PLAN_LIMIT,
    SM_PLAN_UNION,
    SM_PLAN_JOIN,
    SM_PLAN_WINDOW,
    SM_PLAN_SETOP,
    SM_PLAN_EXPAND,
    SM_PLAN_GENERATE, /* explode & co: the child's columns, then the generated ones, one
                         output row per element of exprs[0] (exec/generate.c) */
} sm_plan_kind;

typedef enum {
    SM_JOIN_INNER,
    SM_JOIN_LEFT,
    SM_JOIN_RIGHT,
    SM_JOIN_FULL,
    SM_JOIN_LEFT_SEMI,
    SM_JOIN_LEFT_ANTI,
    SM_JOIN_CROSS,
} sm_join_type;

typedef enum { SM_SETOP_INTERSECT, SM_SETOP_EXCEPT } sm_setop_kind;

struct sm_source; /* formats/source.h */

/* GENERATE's generators (Spark's explode, posexplode, inline). */
enum { SM_GEN_EXPLODE = 1, SM_GEN_POSEXPLODE, SM_GEN_INLINE };

typedef struct sm_plan {
    sm_plan_kind kind;
    sm_schema *schema; /* output schema (arena-owned copy semantics: never freed alone) */
    struct sm_plan *child;
    struct sm_plan **children;
    int nchildren;

    struct sm_source *source; /* SCAN */
    sm_batch **batches;       /* VALUES */
    int nbatches;

    sm_expr *cond;     /* FILTER */
    sm_expr **exprs;   /* PROJECT */
    int nexprs;
    sm_expr **keys;    /* AGGREGATE */
    int nkeys;
    sm_expr **aggs;
    int naggs;
    int *key_cols;     /* DISTINCT */
    int nkey_cols;
    sm_sort_key *sort_keys; /* SORT */
    int nsort;
    int64_t limit;     /* LIMIT (< 0: no limit, only an offset) */
    int64_t offset;    /* LIMIT ... OFFSET */

    sm_join_type join_type; /* JOIN */
    sm_expr **left_keys, **right_keys;
    int njoin_keys;
    bool null_aware;
    bool shared_scan;       /* SCAN: read more than once by the running action, so it is
                               read once and kept (set by sm_plan_mark_shared_scans) */
    sm_setop_kind setop;    /* SETOP */
    bool setop_all;
    sm_expr ***sets;        /* EXPAND: nsets arrays of nexprs expressions */
    int nsets;
    bool cached;            /* CACHE TABLE / df.cache(): materialized once per session */
    int gen_kind;           /* GENERATE: SM_GEN_EXPLODE / POSEXPLODE / INLINE on exprs[0] */
    bool gen_outer;         /* GENERATE: a null or empty collection still gives one row */
    /* PROJECT, FILTER: bit i set = output column i (i < 64) is not read
     * by the action being run, which then gets an all-null column instead
     * of evaluating exprs[i] (PROJECT) or copying the column's passing rows
     * (FILTER); set by plan/prune.c before each action, like a scan's
     * required columns (0: produce everything) */
    uint64_t unused_cols;
    /* JOIN: the same for output columns 64..255 (bit i of word w = column
     * 64 + 64 * w + i); a JOIN's unused output columns come out as
     * SM_NULLTYPE placeholders without storage, and build-side columns that
     * neither they, the keys nor the condition read are not kept
     * (exec/hashjoin.c) */
    uint64_t unused_hi[3];
} sm_plan;

/* Whether output column c of p is marked unused (unused_cols / unused_hi). */
static inline bool sm_plan_col_unused(const sm_plan *p, int c) {
    if (c < 0 || c >= 256) return false;
    if (c < 64) return p->unused_cols >> c & 1;
    return p->unused_hi[(c - 64) >> 6] >> ((c - 64) & 63) & 1;
}

/* A one-line description of a node for EXPLAIN ("Filter (x > 1)"). */
char *sm_plan_describe(sm_arena *a, const sm_plan *p);

#endif
