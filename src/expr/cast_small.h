/*
 * cast_small.h — casts involving TINYINT, SMALLINT, FLOAT and TIMESTAMP_NTZ
 * (expr/cast_small.c), and Java's Float.toString.  cast.c dispatches here;
 * the output code (show, CLI, CSV) formats floats with sm_format_float.
 */
#ifndef SM_CAST_SMALL_H
#define SM_CAST_SMALL_H

#include <stdbool.h>

#include "expr/expr.h"
#include "types/types.h"

/* java.lang.Float.toString of a float-valued double ("1.1", "1.0E10");
 * buf needs 32.  Returns the length. */
int sm_format_float(double f, char *buf);
/* Whether CAST(from AS to) is one sm_cast_small handles (either side a
 * small type, neither NULL, target not DECIMAL, from != to). */
bool sm_cast_small_involved(sm_type from, sm_type to);
/* Spark's canCast for casts involving the small types. */
bool sm_cast_small_allowed(sm_type from, sm_type to);
int sm_cast_small(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out);
/* CAST(tinyint / smallint / float AS DECIMAL(p, s)). */
int sm_cast_small_dec(const sm_eval_ctx *ctx, const sm_vector *in, int p, int s, sm_vector **out);

#endif
