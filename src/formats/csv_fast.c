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
#include <string.h>

#include "formats/csv.h"

static const int64_t fast_pow10[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

/* Days before month m (1-based index m-1), non-leap and leap years. */
static const int16_t cum_days[2][12] = {
    {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
    {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}};
static const unsigned char month_days[2][13] = {
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};

bool csv_fast_date(const char *s, int32_t n, int32_t *days) {
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* the eight digits gathered into one word, y y y y M M d d, and
     * checked at once (SWAR: no byte below '0' or above '9') */
    uint64_t w;
    uint16_t w2;
    memcpy(&w, s, 8);
    memcpy(&w2, s + 8, 2);
    uint64_t all = (w & 0x0000FFFFFFFFFFFFULL) | ((uint64_t)w2 << 48);
    all = (all & 0xFFFF0000FFFFFFFFULL) | (((w >> 40) & 0xFFFF) << 32); /* y y y y M M d d */
    if (((all + 0x4646464646464646ULL) | (all - 0x3030303030303030ULL)) & 0x8080808080808080ULL)
        return false;
    uint64_t x = all - 0x3030303030303030ULL;
    int y = (int)((x & 0xFF) * 1000 + ((x >> 8) & 0xFF) * 100 + ((x >> 16) & 0xFF) * 10 +
                  ((x >> 24) & 0xFF));
    int m = (int)(((x >> 32) & 0xFF) * 10 + ((x >> 40) & 0xFF));
    int d = (int)(((x >> 48) & 0xFF) * 10 + ((x >> 56) & 0xFF));
#else
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (unsigned)((unsigned char)s[i] - '0') > 9) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
#endif
    if (y < 1 || m < 1 || m > 12 || d < 1) return false;
    int leap = (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
    if (d > month_days[leap][m]) return false;
    int yd = y - 1; /* days from 0001-01-01 to Jan 1 of y, minus those to 1970-01-01 */
    *days = yd * 365 + yd / 4 - yd / 100 + yd / 400 - 719162 + cum_days[leap][m - 1] + d - 1;
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
