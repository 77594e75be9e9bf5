/*
 * eval_internal.h — helpers shared by the evaluation framework files
 * (expr/eval.c, expr/ops.c, expr/cast.c, expr/bind.c, expr/name.c): result
 * vectors written in place, validity bitmaps combined a byte at a time,
 * Spark's upper-case type names for messages and CAST(... AS T) names.
 *
 * Everything is static inline; nothing here is part of the public contract.
 * Bitmaps follow types.h: bit i set = row i valid, NULL = no nulls.  Bitmaps
 * allocated here use sm_malloc so that sm_vector_unref can free them.
 */
#ifndef SM_EVAL_INTERNAL_H
#define SM_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "types/types.h"

static inline size_t ev_bitmap_bytes(int64_t rows) { return (size_t)((rows + 7) / 8); }

/* A fixed-width vector of n rows whose values the caller writes in place
 * (data uninitialised, no validity).  NULL on NOMEM. */
static inline sm_vector *ev_new_fixed(sm_type t, int64_t n) {
    sm_vector *v = sm_vector_new(t, n > 0 ? n : 1);
    if (!v) return NULL;
    v->length = n;
    return v;
}

/* The vector's bitmap, created all-valid when absent.  NULL on NOMEM. */
static inline uint8_t *ev_validity(sm_vector *v) {
    if (!v->validity) {
        int64_t rows = v->capacity > v->length ? v->capacity : v->length;
        size_t nb = ev_bitmap_bytes(rows);
        v->validity = sm_malloc(nb ? nb : 1);
        if (!v->validity) return NULL;
        memset(v->validity, 0xff, nb ? nb : 1);
    }
    return v->validity;
}

static inline void ev_clear_bit(uint8_t *bm, int64_t row) {
    bm[row >> 3] &= (uint8_t)~(1u << (row & 7));
}
static inline bool ev_bit(const uint8_t *bm, int64_t row) {
    return (bm[row >> 3] >> (row & 7)) & 1u;
}

/* out's validity = AND of the inputs' (NULL inputs are all-valid; a
 * NULLTYPE input makes every row null).  n rows. */
static inline int ev_and_validity(sm_vector *out, const sm_vector *const *ins, int nin, int64_t n) {
    bool any = false;
    for (int k = 0; k < nin; k++)
        if (ins[k]->type == SM_NULLTYPE || ins[k]->validity) any = true;
    if (!any || n == 0) return SM_OK;
    uint8_t *bm = ev_validity(out);
    if (!bm) return SM_NOMEM;
    size_t nb = ev_bitmap_bytes(n);
    for (int k = 0; k < nin; k++) {
        if (ins[k]->type == SM_NULLTYPE) {
            memset(bm, 0, nb);
            return SM_OK;
        }
        if (!ins[k]->validity) continue;
        const uint8_t *src = ins[k]->validity;
        for (size_t i = 0; i < nb; i++) bm[i] &= src[i];
    }
    return SM_OK;
}

static inline int ev_and_validity2(sm_vector *out, const sm_vector *a, const sm_vector *b, int64_t n) {
    const sm_vector *ins[2] = {a, b};
    return ev_and_validity(out, ins, b ? 2 : 1, n);
}

/* Spark's upper-case type names in messages and in the names of CAST
 * expressions: "INT", "STRING", "VOID". */
static inline const char *ev_type_upper(sm_type t) {
    switch (t) {
    case SM_NULLTYPE: return "VOID";
    case SM_BOOLEAN: return "BOOLEAN";
    case SM_INT: return "INT";
    case SM_BIGINT: return "BIGINT";
    case SM_DOUBLE: return "DOUBLE";
    case SM_STRING: return "STRING";
    case SM_DATE: return "DATE";
    case SM_TIMESTAMP: return "TIMESTAMP";
    case SM_DECIMAL: return "DECIMAL";
    case SM_TINYINT: return "TINYINT";
    case SM_SMALLINT: return "SMALLINT";
    case SM_FLOAT: return "FLOAT";
    case SM_TIMESTAMP_NTZ: return "TIMESTAMP_NTZ";
    case SM_TIME: return "TIME";
    case SM_BINARY: return "BINARY";
    default: return "UNKNOWN";
    }
}

/* Functions whose value changes between calls or rows (random numbers,
 * clocks, ids): never evaluated once for a whole batch. */
static inline bool ev_nondeterministic(const char *name) {
    static const char *const names[] = {
        "rand", "randn", "random", "uuid", "shuffle", "now", "current_date", "curdate",
        "current_timestamp", "localtimestamp", "current_timezone", "unix_timestamp",
        "monotonically_increasing_id", "spark_partition_id", "input_file_name", "raise_error",
        "assert_true", NULL,
    };
    if (!name) return false;
    for (int i = 0; names[i]; i++) {
        const char *a = names[i], *b = name;
        while (*a && (*b == *a || (*b >= 'A' && *b <= 'Z' && *b - 'A' + 'a' == *a))) a++, b++;
        if (!*a && !*b) return true;
    }
    return false;
}

/* ---- binder helpers (expr/bind.c) ------------------------------------- */

/* Records an SM_ANALYSIS error (printf-style message, Spark's wording)
 * followed by "\n== Expression ==\n<text>\n<caret>" pointing at `at`
 * when ctx->text is set and `at` has a position.  Returns SM_ANALYSIS. */
int sm_bind_fail(const sm_bind_ctx *ctx, const sm_expr *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Spark's SQL text of an expression for messages: "(id + true)". */
const char *sm_bind_sql(const sm_bind_ctx *ctx, const sm_expr *e);
/* [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] for parameter `param` (1-based)
 * of `call`; `required` is Spark's rendering, e.g. "\"BOOLEAN\"". */
int sm_bind_fail_input(const sm_bind_ctx *ctx, const sm_expr *call, int param,
                       const char *required);

#endif
