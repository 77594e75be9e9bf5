/*
 * window_funcs.h — the window functions (row_number, rank, lag, ...) and
 * the binding of window expressions (SM_EX_WINDOW: f(args) OVER (...)).
 *
 * A window expression binds to an SM_EX_WINDOW node whose args[0] is the
 * bound call and whose `window` is a new spec with every part bound
 * against the input schema and the frame made explicit:
 *   - has_frame is always true after binding: Spark's default frame is
 *     filled in (with ORDER BY: RANGE BETWEEN UNBOUNDED PRECEDING AND
 *     CURRENT ROW; without: ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED
 *     FOLLOWING), and ranking / offset functions get the frame Spark gives
 *     them (ROWS UNBOUNDED PRECEDING..CURRENT ROW; cume_dist RANGE ...);
 *   - frame offsets are bound constant expressions (literals or casts of
 *     literals) that the operator folds once.
 * The call is either an aggregate of expr/agg.h (call->agg set) or one of
 * the window functions below (call->agg and call->fn NULL; the definition
 * is found again by name with sm_window_func_find).
 *
 * Argument conventions of the bound calls (what exec/window.c reads):
 *   ntile(n)                    args[0] an INT constant > 0
 *   lag/lead(x, offset, default) always three args: offset an INT constant,
 *                               default coerced to x's type (NULL literal
 *                               when absent); ignore_nulls on the call
 *   nth_value(x, n)             n a BIGINT constant > 0; ignore_nulls
 *   first/last/first_value/last_value(x, ignoreNulls) (aggregates):
 *                               IGNORE NULLS becomes the second argument.
 */
#ifndef SM_WINDOW_FUNCS_H
#define SM_WINDOW_FUNCS_H

#include "expr/expr.h"

typedef enum {
    SM_WF_ROW_NUMBER = 1,
    SM_WF_RANK,
    SM_WF_DENSE_RANK,
    SM_WF_PERCENT_RANK,
    SM_WF_CUME_DIST,
    SM_WF_NTILE,
    SM_WF_LAG,
    SM_WF_LEAD,
    SM_WF_NTH_VALUE,
} sm_wf_kind;

typedef struct sm_window_func_def {
    const char *name; /* lower case */
    int min_args, max_args;
    sm_wf_kind kind;
} sm_window_func_def;

/* A window-only function by (case-insensitive) name; NULL when unknown. */
const sm_window_func_def *sm_window_func_find(const char *name);

/* Binds an SM_EX_WINDOW expression against ctx->schema (see above).
 * Errors are Spark's: ranking functions without ORDER BY, frames that do
 * not match the function's required frame, RANGE frames with offsets over
 * several or non-numeric order keys, DISTINCT, non-window functions used
 * with OVER ([UNSUPPORTED_EXPR_FOR_WINDOW]), named windows (ref_name) that
 * were not resolved by the SQL analyzer. */
int sm_window_bind(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out);

/* True if `e` contains an SM_EX_WINDOW node. */
bool sm_expr_has_window(const sm_expr *e);

#endif
