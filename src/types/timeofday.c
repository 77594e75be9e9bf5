/*
 * timeofday.c — TIME values (timeofday.h): Spark 4.1's text forms.
 *
 * Parsing follows DateTimeUtils.stringToTime's accepted shapes (hours and
 * minutes of one or two digits, optional seconds, optional fraction);
 * formatting follows the fraction formatter "HH:mm:ss.[..fff..]" used by
 * CAST(time AS STRING) and show().  No state, no allocation.
 */
#include "types/timeofday.h"

#include <string.h>

static const int64_t pow10_ns[] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                   10000,      1000,      100,      10,      1};

int64_t sm_time_truncate(int64_t nanos, int precision) {
    if (precision < 0) precision = 0;
    if (precision > 9) precision = 9;
    int64_t unit = pow10_ns[precision];
    return nanos - nanos % unit;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* One or two digits at *i into *out. */
static bool two_digits(const char *s, int32_t len, int32_t *i, int *out) {
    int v = 0, n = 0;
    while (*i < len && n < 2 && s[*i] >= '0' && s[*i] <= '9') v = v * 10 + (s[(*i)++] - '0'), n++;
    *out = v;
    return n > 0;
}

bool sm_parse_time(const char *s, int32_t len, int precision, int64_t *out_nanos) {
    while (len > 0 && is_space(*s)) s++, len--;
    while (len > 0 && is_space(s[len - 1])) len--;
    int32_t i = 0;
    int h, m, sec = 0;
    int64_t frac = 0;
    if (!two_digits(s, len, &i, &h) || i >= len || s[i++] != ':') return false;
    if (!two_digits(s, len, &i, &m)) return false;
    if (i < len) {
        if (s[i++] != ':' || !two_digits(s, len, &i, &sec)) return false;
        if (i < len) {
            if (s[i++] != '.') return false;
            int nd = 0;
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                if (nd < 9) frac += (s[i] - '0') * pow10_ns[nd + 1];
                nd++, i++;
            }
            if (nd == 0 || nd > 9 || i != len) return false;
        }
    }
    if (h > 23 || m > 59 || sec > 59) return false;
    int64_t ns = ((int64_t)h * 3600 + m * 60 + sec) * 1000000000 + frac;
    *out_nanos = sm_time_truncate(ns, precision);
    return true;
}

int sm_format_time(int64_t nanos, char *buf) {
    if (nanos < 0 || nanos >= SM_NANOS_PER_DAY) nanos = ((nanos % SM_NANOS_PER_DAY) + SM_NANOS_PER_DAY) % SM_NANOS_PER_DAY;
    int64_t secs = nanos / 1000000000;
    int micros = (int)(nanos % 1000000000 / 1000);
    int h = (int)(secs / 3600), m = (int)(secs / 60 % 60), sc = (int)(secs % 60);
    int n = 0;
    buf[n++] = (char)('0' + h / 10), buf[n++] = (char)('0' + h % 10), buf[n++] = ':';
    buf[n++] = (char)('0' + m / 10), buf[n++] = (char)('0' + m % 10), buf[n++] = ':';
    buf[n++] = (char)('0' + sc / 10), buf[n++] = (char)('0' + sc % 10);
    if (micros) {
        char d[6];
        for (int k = 5; k >= 0; k--) d[k] = (char)('0' + micros % 10), micros /= 10;
        int nd = 6;
        while (nd > 0 && d[nd - 1] == '0') nd--;
        buf[n++] = '.';
        memcpy(buf + n, d, (size_t)nd);
        n += nd;
    }
    buf[n] = '\0';
    return n;
}
