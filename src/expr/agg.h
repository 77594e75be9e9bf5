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
} sm_agg_def;

extern const sm_agg_def sm_aggs[]; /* terminated by name == NULL */

#endif
