/*
 * interval.h — the hooks by which the operators (expr/ops.c) hand
 * arithmetic with an INTERVAL operand to expr/func_interval.c.  Internal to
 * the expr layer.
 */
#ifndef SM_EXPR_INTERVAL_H
#define SM_EXPR_INTERVAL_H

#include <stdbool.h>

#include "expr/expr.h"

/* True when an argument of the bound call `call` is an interval value (an
 * INTERVAL literal or interval arithmetic folded by sm_iv_resolve_op). */
bool sm_iv_involved(const sm_expr *call);

/* Resolves the operator call `call` ("+", "-", "*", "/", "%", "mod",
 * "pmod", "negative", "positive"; call->fn is the operator's definition,
 * the arguments are bound) of which an argument is an interval value, by
 * Spark 3.5's ResolveBinaryArithmetic: date/timestamp ± interval becomes a
 * date/timestamp computation, interval arithmetic is folded into a new
 * interval value; other mixes are Spark's errors.  Replaces call->fn and
 * call->state. */
int sm_iv_resolve_op(sm_bind_ctx *ctx, sm_expr *call);

#endif
