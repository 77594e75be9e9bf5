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
 * No state, no allocation: safe from any thread.
 */
#include "formats/csv.h"

static const int64_t fast_pow10[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

bool csv_fast_date(const char *s, int32_t n, int32_t *days) {
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    unsigned d0 = (unsigned char)s[0] - '0', d1 = (unsigned char)s[1] - '0';
    unsigned d2 = (unsigned char)s[2] - '0', d3 = (unsigned char)s[3] - '0';
    unsigned m0 = (unsigned char)s[5] - '0', m1 = (unsigned char)s[6] - '0';
    unsigned a0 = (unsigned char)s[8] - '0', a1 = (unsigned char)s[9] - '0';
    if (d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9 || m0 > 9 || m1 > 9 || a0 > 9 || a1 > 9) return false;
    int y = (int)(d0 * 1000 + d1 * 100 + d2 * 10 + d3);
    int m = (int)(m0 * 10 + m1), d = (int)(a0 * 10 + a1);
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    static const unsigned char mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m] + (m == 2 && leap)) return false;
    /* days_from_civil (Howard Hinnant), years >= 0 only */
    int yy = y - (m <= 2);
    int era = yy / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return true;
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
    if (n != 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
    int32_t days;
    if (!csv_fast_date(s, 10, &days)) return false;
    unsigned h0 = (unsigned char)s[11] - '0', h1 = (unsigned char)s[12] - '0';
    unsigned m0 = (unsigned char)s[14] - '0', m1 = (unsigned char)s[15] - '0';
    unsigned s0 = (unsigned char)s[17] - '0', s1 = (unsigned char)s[18] - '0';
    if (h0 > 9 || h1 > 9 || m0 > 9 || m1 > 9 || s0 > 9 || s1 > 9) return false;
    unsigned hh = h0 * 10 + h1, mi = m0 * 10 + m1, ss = s0 * 10 + s1;
    if (hh > 23 || mi > 59 || ss > 59) return false;
    *micros = ((int64_t)days * 86400 + hh * 3600 + mi * 60 + ss) * 1000000;
    return true;
}
