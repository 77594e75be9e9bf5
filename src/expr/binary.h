/*
 * binary.h — Spark's BINARY type beyond storage (expr/func_binary.c): the
 * casts to and from it, its text form, and the session settings its
 * functions read.
 */
#ifndef SM_EXPR_BINARY_H
#define SM_EXPR_BINARY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mem.h"
#include "expr/expr.h"
#include "types/types.h"

/* CAST between BINARY and STRING (the bytes as they are) and from the
 * integral types to BINARY (big-endian, the type's width).  `in` or `to`
 * is BINARY; the pair must be sm_cast_allowed. */
int sm_cast_binary(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out);
/* Whether Spark's Cast.canCast allows from → to where one is BINARY. */
bool sm_cast_binary_allowed(sm_type from, sm_type to);
/* Appends s[0..len) decoded as UTF-8 the way Java's new String(bytes,
 * UTF_8) does: each maximal malformed subpart becomes U+FFFD. */
int sm_utf8_append_lossy(sm_buf *buf, const char *s, int32_t len);
/* show()'s form of a binary value: "[41 42 FF]". */
int sm_binary_append_show(sm_buf *buf, const char *s, int32_t len);
/* Records a session setting the binary functions read
 * (spark.sql.legacy.javaCharsets, spark.sql.legacy.codingErrorAction);
 * other keys are ignored.  Process-wide: the last SET wins. */
void sm_binary_conf(const char *key, const char *value);
/* The function table of func_binary.c (registered ahead of the others). */
extern const sm_func_def sm_funcs_binary[];

#endif
