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

/* Days from 1970-01-01 to January 1 of 1900 + i, i = 0..256 (csv_fast.h):
 * yd * 365 + yd / 4 - yd / 100 + yd / 400 - 719162 with yd = year - 1,
 * written out (test_csv_fast checks every date of years 1..2100 against
 * sm_parse_date). */
const int32_t csv_days_to_year[257] = {
    -25567, -25202, -24837, -24472, -24107, -23741, -23376, -23011, -22646, -22280,
    -21915, -21550, -21185, -20819, -20454, -20089, -19724, -19358, -18993, -18628,
    -18263, -17897, -17532, -17167, -16802, -16436, -16071, -15706, -15341, -14975,
    -14610, -14245, -13880, -13514, -13149, -12784, -12419, -12053, -11688, -11323,
    -10958, -10592, -10227, -9862, -9497, -9131, -8766, -8401, -8036, -7670,
    -7305, -6940, -6575, -6209, -5844, -5479, -5114, -4748, -4383, -4018,
    -3653, -3287, -2922, -2557, -2192, -1826, -1461, -1096, -731, -365,
    0, 365, 730, 1096, 1461, 1826, 2191, 2557, 2922, 3287,
    3652, 4018, 4383, 4748, 5113, 5479, 5844, 6209, 6574, 6940,
    7305, 7670, 8035, 8401, 8766, 9131, 9496, 9862, 10227, 10592,
    10957, 11323, 11688, 12053, 12418, 12784, 13149, 13514, 13879, 14245,
    14610, 14975, 15340, 15706, 16071, 16436, 16801, 17167, 17532, 17897,
    18262, 18628, 18993, 19358, 19723, 20089, 20454, 20819, 21184, 21550,
    21915, 22280, 22645, 23011, 23376, 23741, 24106, 24472, 24837, 25202,
    25567, 25933, 26298, 26663, 27028, 27394, 27759, 28124, 28489, 28855,
    29220, 29585, 29950, 30316, 30681, 31046, 31411, 31777, 32142, 32507,
    32872, 33238, 33603, 33968, 34333, 34699, 35064, 35429, 35794, 36160,
    36525, 36890, 37255, 37621, 37986, 38351, 38716, 39082, 39447, 39812,
    40177, 40543, 40908, 41273, 41638, 42004, 42369, 42734, 43099, 43465,
    43830, 44195, 44560, 44926, 45291, 45656, 46021, 46387, 46752, 47117,
    47482, 47847, 48212, 48577, 48942, 49308, 49673, 50038, 50403, 50769,
    51134, 51499, 51864, 52230, 52595, 52960, 53325, 53691, 54056, 54421,
    54786, 55152, 55517, 55882, 56247, 56613, 56978, 57343, 57708, 58074,
    58439, 58804, 59169, 59535, 59900, 60265, 60630, 60996, 61361, 61726,
    62091, 62457, 62822, 63187, 63552, 63918, 64283, 64648, 65013, 65379,
    65744, 66109, 66474, 66840, 67205, 67570, 67935,
};

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
