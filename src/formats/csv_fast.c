/*
 * csv_fast.c — fast paths for the CSV reader's most common value shapes.
 *
 * Each function recognises one strict, common spelling and answers false
 * for anything else; the caller then runs the general converter, which
 * owns every semantic (trimming, signs, exponents, rounding, Spark's lenient
 * date forms, errors).  So a fast path can only ever be a subset: for the
 * texts it accepts it returns exactly what the general converter returns.
 *
 *   csv_fast_date   "yyyy-MM-dd" (ten bytes, a valid calendar date) →
 *                   days since 1970-01-01, as sm_parse_date gives.
 *   csv_fast_dec    [-]digits[.digits] with at most `scale` fraction digits
 *                   and at most 18 digits in all → the unscaled value at
 *                   `scale`, when it fits `precision` (what java.math.
 *                   BigDecimal + setScale + the precision check of
 *                   convert_decimal give; no rounding is needed there).
 *   csv_fast_ts     "yyyy-MM-dd HH:mm:ss" (or 'T') → microseconds of that
 *                   wall-clock time read in UTC (callers use it only for UTC
 *                   and TIMESTAMP_NTZ), as Spark's stringToTimestamp gives.
 *
 * (The date and timestamp bodies, and the integer and double fast paths,
 * are inline functions in csv_fast.h, for column loops.)
 *
 * No state, no allocation: safe from any thread.
 */
#include <string.h>

#include "formats/csv.h"
#include "formats/csv_fast.h"

static const int64_t fast_pow10[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

bool csv_fast_date(const char *s, int32_t n, int32_t *days) {
    return csv_fast_date_inline(s, n, days);
}

bool csv_fast_dec(const char *s, int32_t n, int precision, int scale, int64_t *out) {
    if (n <= 0 || n > 21 || scale < 0 || scale > 18) return false;
    int32_t i = 0;
    bool neg = false;
    if (s[0] == '-') { neg = true; i = 1; }
    uint64_t v = 0;
    int32_t ndig = 0, nfrac = 0;
    int32_t i0 = i;
    for (; i < n; i++) {
        unsigned c = (unsigned char)s[i] - '0';
        if (c > 9) break;
        v = v * 10 + c;
    }
    ndig = i - i0;
    if (ndig == 0) return false;
    if (i < n) {
        if (s[i] != '.') return false;
        i++;
        int32_t f0 = i;
        for (; i < n; i++) {
            unsigned c = (unsigned char)s[i] - '0';
            if (c > 9) return false;
            v = v * 10 + c;
        }
        nfrac = i - f0;
        if (nfrac > scale) return false;
        ndig += nfrac;
    }
    if (ndig + (scale - nfrac) > 18) return false;
    v *= (uint64_t)fast_pow10[scale - nfrac];
    if (precision < 18 && v >= (uint64_t)fast_pow10[precision]) return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

bool csv_fast_ts(const char *s, int32_t n, int64_t *micros) {
    return csv_fast_ts_inline(s, n, micros);
}
