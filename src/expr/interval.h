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

/* ---- typed interval values (expr/interval_ops.c) ---- */

/* INTERVAL_YM, INTERVAL_DT or INTERVAL_CAL. */
bool sm_iv_type(sm_type t);

/* True when the operator call `call` has an interval-typed operand or is a
 * date/timestamp subtraction (which gives an interval). */
bool sm_iv_runtime_case(const sm_expr *call);

/* Resolves such a call to a per-row computation (date - date, interval ±
 * interval, -interval, ...) or Spark's error. */
int sm_iv_resolve_runtime(sm_bind_ctx *ctx, sm_expr *call);

/* Whether CAST(from AS to) involves an interval type (true: *allowed says
 * whether Spark allows it; false: not an interval cast). */
bool sm_iv_cast_allowed(sm_type from, sm_type to, bool *allowed);

/* CAST of `in` (the value of the bound expression `from`) by the bound
 * CAST node `cast` (cast_to, precision, scale), one side an interval. */
int sm_iv_cast(const sm_eval_ctx *ctx, const sm_vector *in, const sm_expr *from,
               const sm_expr *cast, sm_vector **out);

#endif
