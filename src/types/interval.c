/*
 * interval.c — the text forms of interval values (see interval.h): Spark
 * 3.5's IntervalUtils.toYearMonthIntervalString / toDayTimeIntervalString
 * (ANSI_STYLE and HIVE_STYLE), CalendarInterval.toString, and the string
 * parsers behind CAST(string AS INTERVAL ...).
 *
 * Day-time values are formatted from their magnitude as an unsigned 64-bit
 * number, so INT64_MIN needs no special case.  No state; thread-safe.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "types/datetime.h"
#include "types/interval.h"

static const char *const iv_ym_up[] = {"YEAR", "MONTH"};
static const char *const iv_dt_up[] = {"DAY", "HOUR", "MINUTE", "SECOND"};

const char *sm_iv_type_upper(sm_type t, int start, int end, char *buf, size_t cap) {
    const char *const *n = t == SM_INTERVAL_YM ? iv_ym_up : iv_dt_up;
    int max = t == SM_INTERVAL_YM ? 1 : 3;
    if (t == SM_INTERVAL_CAL || start < 0 || end > max || start > end) {
        snprintf(buf, cap, "INTERVAL");
    } else if (start == end) {
        snprintf(buf, cap, "INTERVAL %s", n[start]);
    } else {
        snprintf(buf, cap, "INTERVAL %s TO %s", n[start], n[end]);
    }
    return buf;
}

int sm_iv_format_ym(int32_t months, int start, int end, bool hive, sm_buf *buf) {
    const char *sign = months < 0 ? "-" : "";
    uint32_t a = months < 0 ? (uint32_t)0 - (uint32_t)months : (uint32_t)months;
    if (hive) return sm_buf_appendf(buf, "%s%" PRIu32 "-%" PRIu32, sign, a / 12, a % 12);
    int rc;
    if (start == end && start == SM_IV_YEAR)
        rc = sm_buf_appendf(buf, "INTERVAL '%s%" PRIu32 "' YEAR", sign, a / 12);
    else if (start == end)
        rc = sm_buf_appendf(buf, "INTERVAL '%" PRId32 "' MONTH", months);
    else
        rc = sm_buf_appendf(buf, "INTERVAL '%s%" PRIu32 "-%" PRIu32 "' YEAR TO MONTH", sign, a / 12,
                            a % 12);
    return rc;
}

/* "s" or "s.ffffff" with trailing zeros stripped, seconds zero-padded to 2. */
static int iv_append_seconds(sm_buf *buf, uint64_t us, bool pad) {
    uint64_t s = us / 1000000, f = us % 1000000;
    int rc = sm_buf_appendf(buf, pad ? "%02" PRIu64 : "%" PRIu64, s);
    if (rc != SM_OK || f == 0) return rc;
    char frac[8];
    snprintf(frac, sizeof frac, "%06" PRIu64, f);
    int n = 6;
    while (n > 0 && frac[n - 1] == '0') n--;
    frac[n] = 0;
    return sm_buf_appendf(buf, ".%s", frac);
}

int sm_iv_format_dt(int64_t micros, int start, int end, bool hive, sm_buf *buf) {
    const char *sign = micros < 0 ? "-" : "";
    uint64_t rest = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
    const uint64_t MD = 86400000000ULL, MH = 3600000000ULL, MM = 60000000ULL;
    if (hive) {
        uint64_t secf = rest % MM, mins = rest / MM;
        return sm_buf_appendf(buf, "%s%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%09" PRIu64,
                              sign, mins / 60 / 24, mins / 60 % 24, mins % 60, secf / 1000000,
                              secf % 1000000 * 1000);
    }
    int rc = sm_buf_appendf(buf, "INTERVAL '%s", sign);
    switch (start) {
    case SM_IV_DAY: rc = rc ? rc : sm_buf_appendf(buf, "%" PRIu64, rest / MD), rest %= MD; break;
    case SM_IV_HOUR: rc = rc ? rc : sm_buf_appendf(buf, "%02" PRIu64, rest / MH), rest %= MH; break;
    case SM_IV_MINUTE: rc = rc ? rc : sm_buf_appendf(buf, "%02" PRIu64, rest / MM), rest %= MM; break;
    default: rc = rc ? rc : iv_append_seconds(buf, rest, true), rest = 0; break;
    }
    if (rc == SM_OK && start < SM_IV_HOUR && SM_IV_HOUR <= end)
        rc = sm_buf_appendf(buf, " %02" PRIu64, rest / MH), rest %= MH;
    if (rc == SM_OK && start < SM_IV_MINUTE && SM_IV_MINUTE <= end)
        rc = sm_buf_appendf(buf, ":%02" PRIu64, rest / MM), rest %= MM;
    if (rc == SM_OK && start < SM_IV_SECOND && SM_IV_SECOND <= end) {
        rc = sm_buf_appendf(buf, ":");
        if (rc == SM_OK) rc = iv_append_seconds(buf, rest, true);
    }
    if (rc != SM_OK) return rc;
    if (start == end) return sm_buf_appendf(buf, "' %s", iv_dt_up[start]);
    return sm_buf_appendf(buf, "' %s TO %s", iv_dt_up[start], iv_dt_up[end]);
}

static int iv_unit(sm_buf *buf, int64_t v, const char *unit) {
    if (v == 0) return SM_OK;
    return sm_buf_appendf(buf, "%" PRId64 " %s ", v, unit);
}

int sm_cal_format(const sm_cal_interval *c, sm_buf *buf) {
    if (c->months == 0 && c->days == 0 && c->micros == 0) return sm_buf_append(buf, "0 seconds", 9);
    size_t start = buf->len;
    int rc = SM_OK;
    if (c->months != 0) {
        rc = iv_unit(buf, c->months / 12, "years");
        if (rc == SM_OK) rc = iv_unit(buf, c->months % 12, "months");
    }
    if (rc == SM_OK) rc = iv_unit(buf, c->days, "days");
    if (rc == SM_OK && c->micros != 0) {
        int64_t rest = c->micros;
        rc = iv_unit(buf, rest / 3600000000LL, "hours");
        rest %= 3600000000LL;
        if (rc == SM_OK) rc = iv_unit(buf, rest / 60000000LL, "minutes");
        rest %= 60000000LL;
        if (rc == SM_OK && rest != 0) {
            uint64_t a = rest < 0 ? (uint64_t)-rest : (uint64_t)rest;
            if (rest < 0) rc = sm_buf_append(buf, "-", 1);
            if (rc == SM_OK) rc = iv_append_seconds(buf, a, false);
            if (rc == SM_OK) rc = sm_buf_append(buf, " seconds ", 9);
        }
    }
    if (rc == SM_OK && buf->len > start) buf->len--; /* the trailing space */
    if (rc == SM_OK && buf->data) buf->data[buf->len] = 0;
    return rc;
}

/* ---- parsing ------------------------------------------------------------------- */

typedef struct {
    const char *p, *e;
} iv_sc;

static void iv_ws(iv_sc *s) {
    while (s->p < s->e && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) s->p++;
}

static bool iv_word(iv_sc *s, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(s->e - s->p) < n || strncasecmp(s->p, w, n) != 0) return false;
    if (s->p + n < s->e && ((s->p[n] | 32) >= 'a' && (s->p[n] | 32) <= 'z')) return false;
    s->p += n;
    return true;
}

/* Unsigned digits into *v (false when none or over 18 digits). */
static bool iv_digits(iv_sc *s, uint64_t *v, int *nd) {
    uint64_t x = 0;
    int n = 0;
    while (s->p < s->e && *s->p >= '0' && *s->p <= '9') {
        if (n == 18) return false;
        x = x * 10 + (uint64_t)(*s->p++ - '0');
        n++;
    }
    *v = x;
    if (nd) *nd = n;
    return n > 0;
}

/* The body of a value of fields (start, end): "y-m", "d h:m:s.f", ... with
 * an optional sign; sets *out (months or micros). */
static bool iv_body(iv_sc *s, bool ym, int start, int end, int64_t *out) {
    bool neg = false;
    if (s->p < s->e && (*s->p == '+' || *s->p == '-')) neg = *s->p++ == '-';
    uint64_t total = 0;
    if (ym) {
        uint64_t a, b = 0;
        if (!iv_digits(s, &a, NULL)) return false;
        if (start == SM_IV_YEAR && end == SM_IV_MONTH) {
            if (s->p >= s->e || *s->p++ != '-' || !iv_digits(s, &b, NULL) || b > 11) return false;
            total = a * 12 + b;
        } else {
            total = start == SM_IV_YEAR ? a * 12 : a;
        }
        if (total > 2147483648ULL || (!neg && total > INT32_MAX)) return false;
    } else {
        static const uint64_t unit[] = {86400000000ULL, 3600000000ULL, 60000000ULL, 1000000ULL};
        static const uint64_t lim[] = {0, 23, 59, 59};
        for (int f = start; f <= end; f++) {
            if (f > start && (s->p >= s->e || *s->p++ != (f == SM_IV_HOUR ? ' ' : ':'))) return false;
            uint64_t v;
            if (!iv_digits(s, &v, NULL)) return false;
            if (f > start && v > lim[f]) return false;
            if (v > UINT64_MAX / unit[f]) return false;
            uint64_t add = v * unit[f];
            if (f == SM_IV_SECOND && s->p < s->e && *s->p == '.') {
                s->p++;
                uint64_t fr = 0;
                int nd = 0;
                while (s->p < s->e && *s->p >= '0' && *s->p <= '9') {
                    if (nd < 6) fr = fr * 10 + (uint64_t)(*s->p - '0');
                    else if (nd >= 9) return false;
                    s->p++, nd++;
                }
                for (int k = nd; k < 6; k++) fr *= 10;
                add += fr;
            }
            total += add;
            if (total > (uint64_t)INT64_MAX + 1) return false;
        }
        if (!neg && total > (uint64_t)INT64_MAX) return false;
    }
    *out = neg ? (int64_t)(0 - total) : (int64_t)total;
    return true;
}

bool sm_iv_parse(const char *str, int32_t len, sm_type t, int start, int end, int64_t *out) {
    iv_sc s = {str, str + len};
    bool ym = t == SM_INTERVAL_YM;
    iv_ws(&s);
    if (iv_word(&s, "interval")) {
        iv_ws(&s);
        bool neg = false;
        if (s.p < s.e && (*s.p == '+' || *s.p == '-')) neg = *s.p++ == '-';
        if (s.p >= s.e || *s.p++ != '\'') return false;
        int64_t v;
        if (!iv_body(&s, ym, start, end, &v)) return false;
        if (s.p >= s.e || *s.p++ != '\'') return false;
        iv_ws(&s);
        const char *const *n = ym ? iv_ym_up : iv_dt_up;
        if (!iv_word(&s, n[start])) return false;
        iv_ws(&s);
        if (start != end) {
            if (!iv_word(&s, "to")) return false;
            iv_ws(&s);
            if (!iv_word(&s, n[end])) return false;
            iv_ws(&s);
        }
        if (s.p != s.e) return false;
        if (neg) {
            if (v == INT64_MIN || (ym && v == INT32_MIN)) return false;
            v = -v;
        }
        *out = v;
        return true;
    }
    if (!iv_body(&s, ym, start, end, out)) return false;
    iv_ws(&s);
    return s.p == s.e;
}

bool sm_cal_parse(const char *str, int32_t len, sm_cal_interval *out) {
    iv_sc s = {str, str + len};
    int64_t months = 0, days = 0, micros = 0;
    iv_ws(&s);
    if (iv_word(&s, "interval")) iv_ws(&s);
    int units = 0;
    while (s.p < s.e) {
        bool neg = false;
        if (*s.p == '+' || *s.p == '-') neg = *s.p++ == '-';
        uint64_t v, fr = 0;
        int nd = 0;
        if (!iv_digits(&s, &v, NULL)) return false;
        bool has_frac = false;
        if (s.p < s.e && *s.p == '.') {
            s.p++;
            has_frac = true;
            while (s.p < s.e && *s.p >= '0' && *s.p <= '9') {
                if (nd < 6) fr = fr * 10 + (uint64_t)(*s.p - '0');
                else if (nd >= 9) return false;
                s.p++, nd++;
            }
            for (int k = nd; k < 6; k++) fr *= 10;
        }
        iv_ws(&s);
        static const char *const names[] = {"year", "month", "week", "day", "hour", "minute",
                                            "second", "millisecond", "microsecond"};
        int u = -1;
        for (int k = 0; k < 9 && u < 0; k++) {
            size_t n = strlen(names[k]);
            if ((size_t)(s.e - s.p) >= n && strncasecmp(s.p, names[k], n) == 0) {
                const char *q = s.p + n;
                if (q < s.e && (*q == 's' || *q == 'S')) q++;
                if (q < s.e && *q != ' ' && *q != '\t') continue;
                s.p = q;
                u = k;
            }
        }
        if (u < 0 || (has_frac && u != 6) || v > (uint64_t)INT64_MAX / 86400000000ULL) return false;
        int64_t x = neg ? -(int64_t)v : (int64_t)v;
        switch (u) {
        case 0: months += x * 12; break;
        case 1: months += x; break;
        case 2: days += x * 7; break;
        case 3: days += x; break;
        case 4: micros += x * 3600000000LL; break;
        case 5: micros += x * 60000000LL; break;
        case 6: micros += x * 1000000LL + (neg ? -(int64_t)fr : (int64_t)fr); break;
        case 7: micros += x * 1000; break;
        default: micros += x; break;
        }
        units++;
        iv_ws(&s);
    }
    if (units == 0 || months > INT32_MAX || months < INT32_MIN || days > INT32_MAX ||
        days < INT32_MIN)
        return false;
    out->months = (int32_t)months;
    out->days = (int32_t)days;
    out->micros = micros;
    return true;
}
