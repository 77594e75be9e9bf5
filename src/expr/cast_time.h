/*
 * cast_time.h — CAST to and from TIME (Spark 4.1's TimeType): string ↔
 * time, time → time(p) (truncation), NULL → time.
 */
#ifndef SM_CAST_TIME_H
#define SM_CAST_TIME_H

#include <stdbool.h>

#include "expr/expr.h"
#include "types/types.h"

/* Is either side TIME (and the pair not the same type)? */
bool sm_cast_time_involved(sm_type from, sm_type to);
bool sm_cast_time_allowed(sm_type from, sm_type to);
/* The cast of `in` to `to`; slot is the target's precision slot (types.h,
 * sm_time_slot) when to is TIME. */
int sm_cast_time(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, int slot, sm_vector **out);

#endif
