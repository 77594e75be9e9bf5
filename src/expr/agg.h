/*
 * agg.h — aggregate functions: count, count(DISTINCT), sum, avg, min, max,
 * first, last (and more later).
 *
 * The binder (expr/bind.c) only needs the head of sm_agg_def: a name, arity
 * and a resolver that checks argument types and sets call->type with Spark's
 * result types (sum(int) → bigint, avg → double, count → bigint, min/max/
 * first/last → the argument's type).  The rest of the definition — state
 * layout, update, merge, finalize — is used by the hash aggregation operator
 * (exec/hashagg.c) and documented there.
 */
#ifndef SM_AGG_H
#define SM_AGG_H

#include "expr/expr.h"

typedef struct sm_agg_def {
    const char *name;       /* lower case */
    int min_args, max_args;
    int (*resolve)(sm_bind_ctx *ctx, sm_expr *call);
    /* Fields below belong to the aggregation operator (see exec/hashagg.c). */
    int kind;
    /* Per-group state: state_size bytes; all zero bytes is the initial
     * state.  Strings referenced by a state live in the arena passed to
     * update/merge (the operator's, one per partial table). */
    size_t state_size;
    /* Folds rows [0, n) into states: row i goes to the state at
     * states + gids[i] * state_size.  args are the call's evaluated
     * arguments (n rows each). */
    int (*update)(const sm_expr *call, char *states, const uint32_t *gids, sm_vector **args,
                  int64_t n, sm_arena *arena);
    /* Folds state `src` into `dst` (src's rows came after dst's). */
    int (*merge)(const sm_expr *call, void *dst, const void *src, sm_arena *arena);
    /* Appends the final value of `state` to `out` (a vector of call->type). */
    int (*finalize)(const sm_expr *call, const void *state, sm_vector *out);
} sm_agg_def;

enum {
    SM_AGG_COUNT = 1,
    SM_AGG_SUM,
    SM_AGG_AVG,
    SM_AGG_MIN,
    SM_AGG_MAX,
    SM_AGG_FIRST,
    SM_AGG_LAST,
    SM_AGG_STDDEV_SAMP,
    SM_AGG_STDDEV_POP,
    SM_AGG_VAR_SAMP,
    SM_AGG_VAR_POP,
};

extern const sm_agg_def sm_aggs[]; /* terminated by name == NULL */

#endif
