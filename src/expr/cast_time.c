/*
 * cast_time.c — CAST to and from TIME by Spark 4.1's rules (its TimeType;
 * Spark 3.5, the reference elsewhere, has no time type):
 *
 *   string → time(p)   sm_parse_time ("[h]h:[m]m[:[s]s[.fraction]]"),
 *                      truncated to p digits; malformed text is NULL, or
 *                      [CAST_INVALID_INPUT] under ANSI
 *   time → string      "HH:mm:ss" and the fraction without trailing zeros
 *   time → time(p)     truncation to p digits
 *   NULL → time        nulls
 *
 * Nothing else casts to or from TIME here.  Results are new vectors owned
 * by the caller; no state.
 */
#include "expr/cast_time.h"

#include <stdio.h>

#include "common/status.h"
#include "expr/eval_internal.h"
#include "types/timeofday.h"

bool sm_cast_time_involved(sm_type from, sm_type to) {
    return (from == SM_TIME || to == SM_TIME) && from != to;
}

bool sm_cast_time_allowed(sm_type from, sm_type to) {
    if (from == to || from == SM_NULLTYPE) return true;
    sm_type o = from == SM_TIME ? to : from;
    return o == SM_STRING;
}

static int ct_to_string(const sm_vector *in, sm_vector **out) {
    int64_t n = in->length;
    sm_vector *v = sm_vector_new(SM_STRING, n);
    if (!v) return SM_NOMEM;
    char tmp[32];
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) rc = sm_vector_append_null(v);
        else rc = sm_vector_append_str(v, tmp, sm_format_time(SM_VEC_I64(in)[row], tmp));
    }
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

int sm_cast_time(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, int slot, sm_vector **out) {
    sm_type from = in->type;
    if (!sm_cast_time_allowed(from, to))
        return sm_err(SM_ANALYSIS, "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast \"%s\" to \"%s\".",
                      ev_type_upper(from), ev_type_upper(to));
    if (to == SM_STRING) return ct_to_string(in, out);
    if (to != SM_TIME) return sm_err(SM_INTERNAL, "cannot cast TIME to %s", sm_type_name(to));
    int precision = sm_time_prec(slot);
    int64_t n = in->length;
    if (from == SM_NULLTYPE) {
        sm_vector *v = sm_vector_new_nulls(SM_TIME, n);
        if (!v) return SM_NOMEM;
        v->precision = sm_time_slot(precision);
        *out = v;
        return SM_OK;
    }
    bool ansi = ctx && ctx->ansi;
    sm_vector *v = ev_new_fixed(SM_TIME, n);
    if (!v || ev_and_validity2(v, in, NULL, n) != SM_OK) {
        if (v) sm_vector_unref(v);
        return SM_NOMEM;
    }
    v->precision = sm_time_slot(precision);
    for (int64_t row = 0; row < n; row++) {
        int64_t r = 0;
        if (sm_vector_is_null(in, row)) {
            SM_VEC_I64(v)[row] = 0;
            continue;
        }
        if (from == SM_TIME) {
            r = sm_time_truncate(SM_VEC_I64(in)[row], precision);
        } else { /* string */
            int32_t len;
            const char *s = sm_vector_str(in, row, &len);
            if (!sm_parse_time(s, len, precision, &r)) {
                if (ansi) {
                    sm_vector_unref(v);
                    return sm_err(SM_INVALID,
                                  "[CAST_INVALID_INPUT] The value '%.*s' of the type \"STRING\" cannot be "
                                  "cast to \"TIME(%d)\" because it is malformed. Correct the value as per "
                                  "the syntax, or change its target type. Use `try_cast` to tolerate "
                                  "malformed input and return NULL instead.",
                                  len > 200 ? 200 : (int)len, s, precision);
                }
                uint8_t *bm = ev_validity(v);
                if (!bm) {
                    sm_vector_unref(v);
                    return SM_NOMEM;
                }
                ev_clear_bit(bm, row);
                r = 0;
            }
        }
        SM_VEC_I64(v)[row] = r;
    }
    *out = v;
    return SM_OK;
}
