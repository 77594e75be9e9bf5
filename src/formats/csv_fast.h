/*
 * csv_fast.h — the CSV fast converters as inline functions, for the loops
 * that convert a column of a window at a time (csv_infer.c win_column) and
 * for csv_fast.c / csv_read.c, which wrap them.
 *
 * Each recognises one strict spelling and answers false for anything else
 * (then the caller runs the general converter, which owns every semantic),
 * so for the texts it accepts it gives exactly what the general converter
 * gives:
 *
 *   csv_fast_i32_inline   [-]d{1,9}    → int (csv_parse_int32 / parseInt)
 *   csv_fast_i64_inline   [-]d{1,18}   → long (csv_parse_int64 / parseLong)
 *   csv_fast_f64_inline   [-]d*[.d*], 1..19 digits, at most 22 after the
 *                         point, mantissa <= 2^53 → the double (Clinger's
 *                         exact case of csv_parse_double; the caller first
 *                         rules out the nanValue / positiveInf / negativeInf
 *                         spellings, see csv_f64_special_possible)
 *   csv_fast_date_inline  yyyy-MM-dd   → days (csv_fast_date)
 *   csv_fast_ts_inline    yyyy-MM-dd HH:mm:ss (or 'T') → UTC micros
 *                         (csv_fast_ts)
 *
 * No state, no allocation: safe from any thread.
 */
#ifndef SM_CSV_FAST_H
#define SM_CSV_FAST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "formats/csv.h"

/* A field's text for conversion: false for a null (an unquoted empty field,
 * or the nullValue text); a quoted empty field reads as emptyValue.  The
 * inlined body of csv_field_text, for the readers' per-value loops. */
static inline __attribute__((always_inline)) bool csv_field_text_inline(const csv_options *o,
                                                                      const csv_field *f,
                                                                      const char **s, int32_t *n) {
    if (f->len == 0) {
        if (!f->quoted) return false;
        *s = o->empty_value;
        *n = o->empty_len;
    } else {
        *s = f->ptr;
        *n = f->len;
    }
    if (*n == o->null_len && memcmp(*s, o->null_value, (size_t)o->null_len) == 0) return false;
    return true;
}

static inline __attribute__((always_inline)) bool csv_fast_i64_digits(const char *s, int32_t n,
                                                                     int32_t maxd, int64_t *out) {
    int32_t i = n > 0 && s[0] == '-';
    if (n - i < 1 || n - i > maxd) return false;
    uint64_t v = 0;
    for (int32_t k = i; k < n; k++) {
        unsigned d = (unsigned char)s[k] - '0';
        if (d > 9) return false;
        v = v * 10 + d;
    }
    *out = i ? -(int64_t)v : (int64_t)v;
    return true;
}

static inline __attribute__((always_inline)) bool csv_fast_i32_inline(const char *s, int32_t n,
                                                                     int32_t *out) {
    int64_t v;
    if (!csv_fast_i64_digits(s, n, 9, &v)) return false;
    *out = (int32_t)v;
    return true;
}

static inline __attribute__((always_inline)) bool csv_fast_i64_inline(const char *s, int32_t n,
                                                                     int64_t *out) {
    return csv_fast_i64_digits(s, n, 18, out);
}

/* Whether text s (n bytes) could be one of the special double spellings
 * of the options (then the caller must use csv_parse_double). */
static inline __attribute__((always_inline)) bool csv_f64_special_possible(const csv_options *o,
                                                                          const char *s, int32_t n) {
    /* csv_parse_double compares a special only at its length, first byte first */
    if (n > o->special_max_len) return false;
    if (n == 0) return true;
    return (o->nan_len == n && s[0] == o->nan_value[0]) || (o->pos_inf_len == n && s[0] == o->pos_inf[0]) ||
           (o->neg_inf_len == n && s[0] == o->neg_inf[0]);
}

static inline __attribute__((always_inline)) bool csv_fast_f64_inline(const char *s, int32_t n,
                                                                     double *out) {
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *q = s, *e = s + n;
    bool neg = q < e && *q == '-';
    q += neg;
    const char *d0 = q;
    uint64_t m = 0;
    unsigned dg;
    while (q < e && (dg = (unsigned char)*q - '0') <= 9) { m = m * 10 + dg; q++; }
    int32_t ni = (int32_t)(q - d0), nf = 0;
    if (q < e && *q == '.') {
        const char *f0 = ++q;
        while (q < e && (dg = (unsigned char)*q - '0') <= 9 && q - f0 < 22) { m = m * 10 + dg; q++; }
        nf = (int32_t)(q - f0);
    }
    /* (19 digits cannot overflow m) */
    if (q != e || ni + nf == 0 || ni + nf > 19 || m > (1ULL << 53)) return false;
    double d = (double)m;
    if (nf) d /= p10[nf];
    *out = neg ? -d : d;
    return true;
}

/* Days from 1970-01-01 to January 1 of 1900 + i, i = 0..256 (csv_fast.c):
 * the usual years without the leap-year arithmetic. */
extern const int32_t csv_days_to_year[257];

static inline __attribute__((always_inline)) bool csv_fast_date_inline(const char *s, int32_t n,
                                                                      int32_t *days) {
    static const int16_t cum_days[2][12] = {
        {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
        {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}};
    static const unsigned char month_days[2][13] = {
        {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
        {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
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
    if ((unsigned)(y - 1900) < 256) {
        const int32_t *ty = csv_days_to_year + (y - 1900);
        int lp = ty[1] - ty[0] - 365;
        if (d > month_days[lp][m]) return false;
        *days = ty[0] + cum_days[lp][m - 1] + d - 1;
        return true;
    }
    int leap = (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
    if (d > month_days[leap][m]) return false;
    int yd = y - 1; /* days from 0001-01-01 to Jan 1 of y, minus those to 1970-01-01 */
    *days = yd * 365 + yd / 4 - yd / 100 + yd / 400 - 719162 + cum_days[leap][m - 1] + d - 1;
    return true;
}

static inline __attribute__((always_inline)) bool csv_fast_ts_inline(const char *s, int32_t n,
                                                                    int64_t *micros) {
    if (n != 19 || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
    int32_t days;
    if (!csv_fast_date_inline(s, 10, &days)) return false;
    unsigned h0 = (unsigned char)s[11] - '0', h1 = (unsigned char)s[12] - '0';
    unsigned m0 = (unsigned char)s[14] - '0', m1 = (unsigned char)s[15] - '0';
    unsigned s0 = (unsigned char)s[17] - '0', s1 = (unsigned char)s[18] - '0';
    if (h0 > 9 || h1 > 9 || m0 > 9 || m1 > 9 || s0 > 9 || s1 > 9) return false;
    unsigned hh = h0 * 10 + h1, mi = m0 * 10 + m1, ss = s0 * 10 + s1;
    if (hh > 23 || mi > 59 || ss > 59) return false;
    *micros = ((int64_t)days * 86400 + hh * 3600 + mi * 60 + ss) * 1000000;
    return true;
}

#endif
