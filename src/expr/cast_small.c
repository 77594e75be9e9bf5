/*
 * cast_small.c — CAST to and from TINYINT, SMALLINT, FLOAT and
 * TIMESTAMP_NTZ by Spark 3.5's rules, and Java's Float.toString.
 *
 * The small types share storage with INT (tinyint, smallint) and DOUBLE
 * (float), so most casts are the INT / DOUBLE cast of cast.c applied to a
 * relabelled view of the input (a stack copy of the vector header whose
 * type is the storage class; never referenced beyond the call), followed by
 * the narrowing Spark does:
 *
 *   x → tinyint/smallint   non-ANSI: Spark's numeric.toInt(x).toByte /
 *                          toShort: the INT cast, then Java's (byte) /
 *                          (short) wrap-around.  string: UTF8String.toByte:
 *                          an int in the type's range, else null.  ANSI:
 *                          [CAST_OVERFLOW] for numbers out of range
 *                          (message names the source type and value as
 *                          Spark's literal: 1000S, 3.0E9D, 1.0E10),
 *                          [CAST_INVALID_INPUT] for strings.
 *   x → float              (float) of the exact value: ints and bigints
 *                          convert directly (one rounding, as Java's
 *                          l2f); strings use strtof on Java's grammar
 *                          (Float.parseFloat), falling back to the double
 *                          parse for Spark's special words; others go
 *                          through the DOUBLE cast.
 *   float → x              the DOUBLE cast of the float's exact value,
 *                          except string (Float.toString) and the ANSI
 *                          overflow message (names FLOAT).
 *   timestamp_ntz          string ↔ (a zone in the text is ignored), date
 *                          ↔ (midnight / floor), timestamp ↔ (the local
 *                          date-time in the session time zone).  Nothing
 *                          else casts to or from it (Spark's canCast).
 *
 * sm_format_float reproduces java.lang.Float.toString (Java 17): integral
 * values below 2^63 print every digit of the integer less
 * floor(log10(2^(binExp-25))) rounded low-order ones (FloatingDecimal's
 * integer path, as for doubles); others the shortest decimal that reads
 * back to the same float (subnormals: at least 2 digits); laid out as
 * Double.toString.
 *
 * Memory: results are new vectors owned by the caller; no state.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "expr/cast_small.h"
#include "expr/eval_internal.h"
#include "expr/expr.h"
#include "types/datetime.h"
#include "types/decimal.h"

/* ---- float → text ------------------------------------------------------------ */

int sm_format_float(double d, char *buf) {
    float f = (float)d;
    if (isnan(f)) return (int)(strcpy(buf, "NaN"), 3);
    if (isinf(f)) {
        strcpy(buf, f > 0 ? "Infinity" : "-Infinity");
        return f > 0 ? 8 : 9;
    }
    if (f == 0) {
        strcpy(buf, signbit(f) ? "-0.0" : "0.0");
        return signbit(f) ? 4 : 3;
    }
    char digits[48];
    int nd = 0, exp10 = 0;
    bool neg = signbit(f);
    float a = fabsf(f);
    if (a < 9223372036854775808.0f && a == floorf(a)) {
        uint64_t lv = (uint64_t)a;
        int bin_exp = 63 - __builtin_clzll(lv);
        int insig = 0;
        if (bin_exp > 24) {
            int p2 = bin_exp - 25;
            if (p2 > 1)
                for (uint64_t pw = 1ULL << p2; pw >= 10; pw /= 10) insig++;
        }
        if (insig) {
            uint64_t pow10 = 1;
            for (int i = 0; i < insig; i++) pow10 *= 10;
            uint64_t residue = lv % pow10;
            lv /= pow10;
            if (residue >= pow10 / 2) lv++;
        }
        char tmp[24];
        int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)lv);
        memcpy(digits, tmp, (size_t)len);
        nd = len;
        exp10 = len - 1 + insig;
    } else {
        char tmp[48];
        int first = a < 1.17549435e-38f ? 2 : 1;
        for (int prec = first; prec <= 9; prec++) {
            snprintf(tmp, sizeof tmp, "%.*e", prec - 1, (double)a);
            if (strtof(tmp, NULL) == a) break;
        }
        const char *p = tmp;
        for (; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9') digits[nd++] = *p;
        exp10 = (*p == 'e') ? atoi(p + 1) : 0;
    }
    return sm_format_java_digits(buf, neg, digits, nd, exp10);
}

/* ---- helpers ------------------------------------------------------------------ */

static bool cs_small(sm_type t) {
    return t == SM_TINYINT || t == SM_SMALLINT || t == SM_FLOAT || t == SM_TIMESTAMP_NTZ;
}
static sm_type cs_base(sm_type t) {
    return t == SM_TINYINT || t == SM_SMALLINT ? SM_INT : t == SM_FLOAT ? SM_DOUBLE : t;
}

bool sm_cast_small_involved(sm_type from, sm_type to) {
    return from != to && from != SM_NULLTYPE && to != SM_NULLTYPE && to != SM_DECIMAL &&
           (cs_small(from) || cs_small(to));
}

bool sm_cast_small_allowed(sm_type from, sm_type to) {
    if (from == to || from == SM_NULLTYPE) return true;
    if (from == SM_TIMESTAMP_NTZ || to == SM_TIMESTAMP_NTZ) {
        sm_type o = from == SM_TIMESTAMP_NTZ ? to : from;
        return o == SM_STRING || o == SM_DATE || o == SM_TIMESTAMP || o == SM_TIMESTAMP_NTZ;
    }
    return sm_cast_allowed(cs_base(from), cs_base(to));
}

static int cs_err_invalid(const char *s, int32_t len, sm_type to) {
    if (len > 200) len = 200;
    return sm_err(SM_INVALID,
                  "[CAST_INVALID_INPUT] The value '%.*s' of the type \"STRING\" cannot be cast to "
                  "\"%s\" because it is malformed. Correct the value as per the syntax, or change "
                  "its target type. Use `try_cast` to tolerate malformed input and return NULL "
                  "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                  "this error.",
                  (int)len, s, ev_type_upper(to));
}

static int cs_err_overflow(const char *lit, const char *from, sm_type to) {
    return sm_err(SM_INVALID,
                  "[CAST_OVERFLOW] The value %s of the type \"%s\" cannot be cast to \"%s\" due "
                  "to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. "
                  "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                  lit, from, ev_type_upper(to));
}

/* ANSI range check of row `row` of `in` against [lo, hi] (integral
 * targets): SM_OK when it fits, else [CAST_OVERFLOW] naming the value as
 * Spark writes the literal. */
static int cs_check_range(const sm_eval_ctx *ctx, const sm_vector *in, int64_t row, double lo,
                          double hi, sm_type to) {
    char lit[96], tmp[64];
    char from[32];
    snprintf(from, sizeof from, "%s", ev_type_upper(in->type));
    bool fits = true;
    switch (in->type) {
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INT: {
        int32_t x = SM_VEC_I32(in)[row];
        fits = x >= lo && x <= hi;
        snprintf(lit, sizeof lit, "%" PRId32 "%s", x,
                 in->type == SM_TINYINT ? "Y" : in->type == SM_SMALLINT ? "S" : "");
        break;
    }
    case SM_BIGINT: {
        int64_t x = SM_VEC_I64(in)[row];
        fits = (double)x >= lo && (double)x <= hi;
        snprintf(lit, sizeof lit, "%" PRId64 "L", x);
        break;
    }
    case SM_FLOAT:
    case SM_DOUBLE: {
        double x = SM_VEC_F64(in)[row];
        fits = floor(x) <= hi && ceil(x) >= lo;
        if (in->type == SM_FLOAT) {
            sm_format_float(x, lit);
        } else {
            sm_format_double(x, tmp);
            snprintf(lit, sizeof lit, isnan(x) || isinf(x) ? "%s" : "%sD", tmp);
        }
        break;
    }
    case SM_DECIMAL: {
        bool ok = true;
        int64_t x = sm_dec_to_i64(SM_VEC_DEC(in)[row], in->scale, &ok);
        fits = ok && (double)x >= lo && (double)x <= hi;
        sm_dec_format(SM_VEC_DEC(in)[row], in->scale, tmp);
        snprintf(lit, sizeof lit, "%sBD", tmp);
        snprintf(from, sizeof from, "DECIMAL(%d,%d)", in->precision, in->scale);
        break;
    }
    case SM_TIMESTAMP: {
        int64_t us = SM_VEC_I64(in)[row];
        int64_t s = us / SM_MICROS_PER_SECOND - (us % SM_MICROS_PER_SECOND < 0);
        fits = (double)s >= lo && (double)s <= hi;
        sm_format_timestamp(us, ctx && ctx->tz ? ctx->tz : sm_tz_utc(), tmp);
        snprintf(lit, sizeof lit, "TIMESTAMP '%s'", tmp);
        break;
    }
    default: return SM_OK;
    }
    return fits ? SM_OK : cs_err_overflow(lit, from, to);
}

/* A new vector of `to` with in's values copied (same storage width). */
static int cs_copy_as(const sm_vector *in, sm_type to, sm_vector **out) {
    int64_t n = in->length;
    sm_vector *v = ev_new_fixed(to, n);
    if (!v) return SM_NOMEM;
    if (n > 0) memcpy(v->data, in->data, (size_t)n * sm_type_width(to));
    if (ev_and_validity2(v, in, NULL, n) != SM_OK) {
        sm_vector_unref(v);
        return SM_NOMEM;
    }
    *out = v;
    return SM_OK;
}

/* The CAST of cast.c on `in` seen as its storage class (never returns
 * the view itself). */
static int cs_cast_base(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out) {
    sm_vector view = *in;
    view.type = cs_base(in->type);
    view.refcount = 1;
    if (view.type == to) return cs_copy_as(in, to, out);
    return sm_cast_vector(ctx, &view, to, out);
}

/* ---- the casts ------------------------------------------------------------------ */

static int cs_to_string(const sm_eval_ctx *ctx, const sm_vector *in, sm_vector **out) {
    if (in->type != SM_FLOAT && in->type != SM_TIMESTAMP_NTZ) return cs_cast_base(ctx, in, SM_STRING, out);
    int64_t n = in->length;
    sm_vector *v = sm_vector_new(SM_STRING, n);
    if (!v) return SM_NOMEM;
    char tmp[64];
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) {
            rc = sm_vector_append_null(v);
            continue;
        }
        int len = in->type == SM_FLOAT ? sm_format_float(SM_VEC_F64(in)[row], tmp)
                                       : sm_format_timestamp(SM_VEC_I64(in)[row], sm_tz_utc(), tmp);
        rc = sm_vector_append_str(v, tmp, len);
    }
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

/* → tinyint / smallint */
static int cs_to_narrow(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out) {
    int64_t n = in->length;
    bool ansi = ctx && ctx->ansi;
    double lo = to == SM_TINYINT ? -128 : -32768, hi = to == SM_TINYINT ? 127 : 32767;
    sm_eval_ctx na = {.tz = ctx ? ctx->tz : NULL, .ansi = false,
                      .now_micros = ctx ? ctx->now_micros : 0};
    sm_vector *iv = NULL;
    if (in->type == SM_STRING) {
        SM_TRY(sm_cast_vector(&na, in, SM_INT, &iv));
    } else {
        if (ansi)
            for (int64_t row = 0; row < n; row++)
                if (!sm_vector_is_null(in, row)) SM_TRY(cs_check_range(ctx, in, row, lo, hi, to));
        SM_TRY(cs_cast_base(&na, in, SM_INT, &iv));
    }
    sm_vector *v = ev_new_fixed(to, n);
    if (!v || ev_and_validity2(v, iv, NULL, n) != SM_OK) {
        if (v) sm_vector_unref(v);
        sm_vector_unref(iv);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    for (int64_t row = 0; row < n; row++) {
        int32_t x = SM_VEC_I32(iv)[row];
        if (in->type == SM_STRING && !sm_vector_is_null(in, row)) {
            int32_t len;
            const char *s = sm_vector_str(in, row, &len);
            bool bad = sm_vector_is_null(iv, row) || x < lo || x > hi ||
                       (ansi && memchr(s, '.', (size_t)len));
            if (bad) {
                if (ansi) {
                    rc = cs_err_invalid(s, len, to);
                    break;
                }
                uint8_t *bm = ev_validity(v);
                if (!bm) {
                    rc = SM_NOMEM;
                    break;
                }
                ev_clear_bit(bm, row);
                x = 0;
            }
        }
        SM_VEC_I32(v)[row] = to == SM_TINYINT ? (int32_t)(int8_t)(uint8_t)(uint32_t)x
                                              : (int32_t)(int16_t)(uint16_t)(uint32_t)x;
    }
    sm_vector_unref(iv);
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

/* Float.parseFloat of a string the double parse accepted: strtof on the
 * trimmed text less a type suffix; false when strtof does not take it all
 * (Spark's special words: the double value is used). */
static bool cs_parse_float(const char *s, int32_t len, float *out) {
    while (len > 0 && ((unsigned char)s[0] <= 0x20 || s[0] == 0x7f)) s++, len--;
    while (len > 0 && ((unsigned char)s[len - 1] <= 0x20 || s[len - 1] == 0x7f)) len--;
    if (len > 0 && strchr("fFdD", s[len - 1])) len--;
    if (len <= 0 || len > 400) return false;
    char tmp[404];
    memcpy(tmp, s, (size_t)len);
    tmp[len] = 0;
    char *end;
    float f = strtof(tmp, &end);
    if (end != tmp + len) return false;
    *out = f;
    return true;
}

static int cs_to_float(const sm_eval_ctx *ctx, const sm_vector *in, sm_vector **out) {
    int64_t n = in->length;
    bool ansi = ctx && ctx->ansi;
    if (in->type == SM_BIGINT) {
        sm_vector *v = ev_new_fixed(SM_FLOAT, n);
        if (!v || ev_and_validity2(v, in, NULL, n) != SM_OK) {
            if (v) sm_vector_unref(v);
            return SM_NOMEM;
        }
        for (int64_t row = 0; row < n; row++) SM_VEC_F64(v)[row] = (double)(float)SM_VEC_I64(in)[row];
        *out = v;
        return SM_OK;
    }
    sm_eval_ctx na = {.tz = ctx ? ctx->tz : NULL, .ansi = false,
                      .now_micros = ctx ? ctx->now_micros : 0};
    sm_vector *dv;
    SM_TRY(cs_cast_base(in->type == SM_STRING ? &na : ctx, in, SM_DOUBLE, &dv));
    sm_vector *v = ev_new_fixed(SM_FLOAT, n);
    if (!v || ev_and_validity2(v, dv, NULL, n) != SM_OK) {
        if (v) sm_vector_unref(v);
        sm_vector_unref(dv);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    for (int64_t row = 0; row < n; row++) {
        double d = SM_VEC_F64(dv)[row];
        float f = (float)d;
        if (in->type == SM_STRING && !sm_vector_is_null(in, row)) {
            int32_t len;
            const char *s = sm_vector_str(in, row, &len);
            if (sm_vector_is_null(dv, row)) {
                if (ansi) {
                    rc = cs_err_invalid(s, len, SM_FLOAT);
                    break;
                }
                f = 0;
            } else {
                float g;
                if (cs_parse_float(s, len, &g)) f = g;
            }
        }
        SM_VEC_F64(v)[row] = (double)f;
    }
    sm_vector_unref(dv);
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

static int cs_ntz(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out) {
    int64_t n = in->length;
    bool ansi = ctx && ctx->ansi;
    const sm_tz *tz = ctx && ctx->tz ? ctx->tz : sm_tz_utc();
    sm_type from = in->type;
    if (to == SM_STRING) return cs_to_string(ctx, in, out);
    sm_vector *v = ev_new_fixed(to, n);
    if (!v || ev_and_validity2(v, in, NULL, n) != SM_OK) {
        if (v) sm_vector_unref(v);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    for (int64_t row = 0; row < n; row++) {
        if (sm_vector_is_null(in, row)) {
            if (sm_type_width(to) == 8) SM_VEC_I64(v)[row] = 0;
            else SM_VEC_I32(v)[row] = 0;
            continue;
        }
        if (to == SM_TIMESTAMP_NTZ) {
            int64_t r = 0;
            if (from == SM_STRING) {
                int32_t len;
                const char *s = sm_vector_str(in, row, &len);
                if (!sm_parse_timestamp_ntz(s, len, true, &r)) {
                    if (ansi) {
                        rc = cs_err_invalid(s, len, to);
                        break;
                    }
                    uint8_t *bm = ev_validity(v);
                    if (!bm) {
                        rc = SM_NOMEM;
                        break;
                    }
                    ev_clear_bit(bm, row);
                    r = 0;
                }
            } else if (from == SM_DATE) {
                r = (int64_t)SM_VEC_I32(in)[row] * SM_MICROS_PER_DAY;
            } else if (from == SM_TIMESTAMP) {
                int64_t u = SM_VEC_I64(in)[row];
                r = u + (int64_t)sm_tz_offset_at_utc(tz, u) * SM_MICROS_PER_SECOND;
            } else {
                rc = SM_INTERNAL;
                break;
            }
            SM_VEC_I64(v)[row] = r;
        } else {
            int64_t l = SM_VEC_I64(in)[row];
            if (to == SM_DATE) SM_VEC_I32(v)[row] = sm_micros_to_days(l);
            else if (to == SM_TIMESTAMP)
                SM_VEC_I64(v)[row] = l - (int64_t)sm_tz_offset_at_local(tz, l) * SM_MICROS_PER_SECOND;
            else {
                rc = SM_INTERNAL;
                break;
            }
        }
    }
    if (rc != SM_OK) {
        sm_vector_unref(v);
        if (rc == SM_INTERNAL)
            return sm_err(SM_INTERNAL, "cannot cast %s to %s", sm_type_name(from), sm_type_name(to));
        return rc;
    }
    *out = v;
    return SM_OK;
}

int sm_cast_small(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out) {
    sm_type from = in->type;
    if (!sm_cast_small_allowed(from, to))
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast \"%s\" to \"%s\".",
                      ev_type_upper(from), ev_type_upper(to));
    if (from == SM_TIMESTAMP_NTZ || to == SM_TIMESTAMP_NTZ) return cs_ntz(ctx, in, to, out);
    if (to == SM_STRING) return cs_to_string(ctx, in, out);
    if (to == SM_TINYINT || to == SM_SMALLINT) return cs_to_narrow(ctx, in, to, out);
    if (to == SM_FLOAT) return cs_to_float(ctx, in, out);
    /* tinyint / smallint / float → a type of cast.c */
    if (from == SM_FLOAT && ctx && ctx->ansi && (to == SM_INT || to == SM_BIGINT)) {
        double lo = to == SM_INT ? -2147483648.0 : -9223372036854775808.0;
        double hi = to == SM_INT ? 2147483647.0 : 9223372036854775807.0;
        for (int64_t row = 0; row < in->length; row++)
            if (!sm_vector_is_null(in, row)) SM_TRY(cs_check_range(ctx, in, row, lo, hi, to));
    }
    return cs_cast_base(ctx, in, to, out);
}

/* decimal(p, s) from a small type: the storage class's conversion. */
int sm_cast_small_dec(const sm_eval_ctx *ctx, const sm_vector *in, int p, int s, sm_vector **out) {
    sm_vector view = *in;
    view.type = cs_base(in->type);
    view.refcount = 1;
    return sm_cast_vector_dec(ctx, &view, p, s, out);
}
