/*
 * cast.c — CAST by Spark 3.5's rules, and Spark's text forms of values.
 *
 * sm_cast_vector converts a whole vector with one loop per (from, to) pair;
 * the type switch happens once per batch, never per row.  The rules, each
 * checked against PySpark 3.5.3 (tests/unit/test_cast.c lists the cases):
 *
 *   string → int/bigint   UTF8String.toInt/toLong: trim bytes <= 0x20 and
 *                         0x7f, optional sign, digits, optionally '.' and
 *                         more digits that are ignored ("1.9" → 1, "." → 0,
 *                         "-" → null); overflow → null.  ANSI mode allows
 *                         no fraction ("1.9" is malformed).
 *   string → double       java.lang.Double.parseDouble (trim, "1e3",
 *                         "1.5d", hex "0x1p3", "NaN", "Infinity"), then
 *                         Spark's special literals ("inf", "-inf", "nan",
 *                         any case) when that fails.
 *   string → boolean      t/true/y/yes/1 and f/false/n/no/0, any case,
 *                         trimmed.
 *   string → date/ts      types/datetime.h (sm_parse_date/_timestamp).
 *   double → int/bigint   Java's d2i/d2l: truncate, saturate, NaN → 0.
 *   bigint → int          Java's l2i: keep the low 32 bits.
 *   numeric → boolean     x != 0 (NaN → true);  boolean → numeric 1/0.
 *   date → numeric/bool   null (Spark 3.5 non-ANSI allows the cast).
 *   timestamp → bigint    floor(micros / 1e6); → int: that, wrapped;
 *                         → double: micros / 1e6; → boolean: micros != 0.
 *   numeric → timestamp   seconds since the epoch; double NaN/Inf → null;
 *                         boolean → 1 microsecond / 0.
 *   date ↔ timestamp      midnight in / the date in the session time zone.
 *   anything → string     sm_value_to_string.
 *
 * Invalid input gives null, or with ctx->ansi the SM_INVALID error
 * [CAST_INVALID_INPUT] (malformed text) / [CAST_OVERFLOW] (out of range),
 * worded as Spark words them.
 *
 * sm_format_double reproduces java.lang.Double.toString of Java 17 (Spark's
 * CAST(double AS STRING)), laid out as Java does ("1.0", "1.0E10", "1.0E-4",
 * "0.001").  The digits, as FloatingDecimal chooses them:
 *   - integral values below 2^63: every digit of the integer, except that
 *     above 2^55 the floor(log10(2^(binExp-54))) lowest digits are rounded
 *     off (so 3.4381766272495053E17 keeps 17 digits where 16 would
 *     round-trip);
 *   - otherwise the shortest decimal that reads back to the same double:
 *     %.15e always reproduces a double whose shortest form has at most 15
 *     digits (DBL_DIG), so trying 15, 16 and 17 digits and stripping
 *     trailing zeros finds it in at most three rounds; subnormals search
 *     from 2 digits.
 * Checked against Spark on 3000 random doubles (bit patterns, decimals,
 * ratios, integers); the one known divergence is integral values at or
 * above 2^63 where Java 17 prints a longer form (1e23 →
 * "9.999999999999999E22", 5e22 → "4.9999999999999996E22"); smelt prints
 * the shortest ("1.0E23").
 *
 * Memory: results are new vectors owned by the caller.  No state; safe from
 * any thread.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "expr/cast_small.h"
#include "expr/cast_time.h"
#include "types/timeofday.h"
#include "expr/binary.h"
#include "expr/eval_internal.h"
#include "expr/expr.h"
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/interval.h"
#include "expr/interval.h"

/* ---- double → text ------------------------------------------------------ */

/* The fast path of the shortest-digits search for values Java prints in
 * plain notation: the fewest fractional digits k for which the integer
 * m = round(a * 10^k) reads back as a, i.e. m / 10^k == a.  With m < 2^53
 * and 10^k exact, that IEEE division is correctly rounded exactly like
 * strtod("m e-k"), so the test is the round-trip test itself; trying k
 * upwards finds the shortest form first.  Only k <= 6 is tried (data with
 * a few decimals; a value needing more goes to format_double_exact, whose
 * 15-digit answer is the same digits when fewer suffice, without six more
 * rounds of division first).  Writes Java's layout, [-]int.frac with the
 * k fractional digits, to buf and returns its length; -1 when no k <= 6
 * fits (the other paths then decide). */
static int format_double_fast(double a, bool neg, char *buf) {
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    static const uint64_t p10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    for (int k = 1; k <= 6; k++) {
        double scaled = a * p10[k];
        if (scaled >= 9007199254740992.0) return -1;
        /* nearbyint(scaled) without the libm call: below 2^52, adding and
         * subtracting 2^52 rounds to an integer in the current (nearest,
         * ties to even) mode, as nearbyint does; from 2^52 on every double
         * is an integer */
        double m = scaled < 4503599627370496.0 ? (scaled + 4503599627370496.0) - 4503599627370496.0
                                                : scaled;
        if (m / p10[k] != a) continue;
        uint64_t mv = (uint64_t)m, ip;
        switch (k) { /* constant divisors: multiplications, not a 64-bit divide */
        case 1: ip = mv / 10; break;
        case 2: ip = mv / 100; break;
        case 3: ip = mv / 1000; break;
        case 4: ip = mv / 10000; break;
        case 5: ip = mv / 100000; break;
        default: ip = mv / 1000000; break;
        }
        uint64_t fp = mv - ip * p10u[k];
        int kk = k;
        while (kk > 1 && fp % 10 == 0) { /* not expected (k is the fewest), but as Java */
            fp /= 10;
            kk--;
        }
        char *o = buf;
        if (neg) *o++ = '-';
        char tmp[24];
        int n = 0;
        do {
            tmp[n++] = (char)('0' + ip % 10);
            ip /= 10;
        } while (ip);
        while (n) *o++ = tmp[--n];
        *o++ = '.';
        for (int i = kk - 1; i >= 0; i--) {
            o[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        o += kk;
        *o = '\0';
        return (int)(o - buf);
    }
    return -1;
}

/* The printf search below (%.{p-1}e for p = 15, 16, 17 until strtod reads
 * the text back as a) done exactly in 128-bit integers, without printf or
 * strtod, for normal values in Java's plain-notation range [1e-3, 1e7),
 * where a = M / 2^s with 29 <= s <= 62.  For each p: n = a * 10^k rounded
 * to nearest (k = p - 1 - floor(log10 a) fractional digits, so n has p
 * digits) is exactly what printf prints, and n / 10^k reads back as a iff
 * it lies strictly inside a's rounding interval, |n/10^k - a| < 2^-(s+1).
 * Gives up (false) on every case whose answer depends on a tie rule or on
 * an interval that is not symmetric: a decimal half-way in rounding, a
 * decimal exactly on the interval's edge, a power of two (whose lower
 * neighbour is closer), a rounding that carries into another digit; the
 * printf search then decides, so results are identical to it. */
static bool format_double_exact(double a, char *digits, int *nd, int *exp10) {
    static const uint64_t p10[] = {1ULL,
                                   10ULL,
                                   100ULL,
                                   1000ULL,
                                   10000ULL,
                                   100000ULL,
                                   1000000ULL,
                                   10000000ULL,
                                   100000000ULL,
                                   1000000000ULL,
                                   10000000000ULL,
                                   100000000000ULL,
                                   1000000000000ULL,
                                   10000000000000ULL,
                                   100000000000000ULL,
                                   1000000000000000ULL,
                                   10000000000000000ULL,
                                   100000000000000000ULL,
                                   1000000000000000000ULL,
                                   10000000000000000000ULL};
    typedef unsigned __int128 u128;
    uint64_t bits;
    memcpy(&bits, &a, 8);
    int be = (int)((bits >> 52) & 0x7ff);
    uint64_t frac = bits & ((1ULL << 52) - 1);
    if (be == 0 || frac == 0) return false; /* subnormal / power of two */
    uint64_t m = frac | (1ULL << 52);
    int s = 1075 - be;
    if (s < 29 || s > 62) return false;
    int e10 = 7;
    for (int j = 6; j >= -3; j--) {
        bool ge = j >= 0 ? (u128)m >= ((u128)p10[j] << s) : ((u128)m * p10[-j]) >= ((u128)1 << s);
        if (ge) {
            e10 = j;
            break;
        }
    }
    if (e10 == 7) return false; /* below 1e-3 */
    u128 mask = ((u128)1 << s) - 1, half = (u128)1 << (s - 1);
    for (int p = 15; p <= 17; p++) {
        int k = p - 1 - e10; /* 8 .. 19 */
        u128 num = (u128)m * p10[k];
        u128 r = num & mask;
        uint64_t n = (uint64_t)(num >> s);
        if (r == half) return false;
        if (r > half) n++;
        if (n >= p10[p]) return false;
        u128 ns = (u128)n << s;
        u128 diff = ns > num ? ns - num : num - ns;
        if (diff * 2 == (u128)p10[k]) return false;
        if (diff * 2 > (u128)p10[k]) continue;
        for (int i = p - 1; i >= 0; i--) {
            digits[i] = (char)('0' + n % 10);
            n /= 10;
        }
        *nd = p;
        *exp10 = e10;
        return true;
    }
    return false;
}

/* Java's Double.toString / Float.toString layout of a decimal significand
 * (digits[0..nd), one digit before the point) times 10^exp10: plain
 * between 10^-3 and 10^7, "d.dddE<exp>" outside; trailing zeros dropped
 * but one kept after the point.  buf needs nd + 16 bytes. */
int sm_format_java_digits(char *buf, bool neg, const char *digits, int nd, int exp10) {
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    char *o = buf;
    if (neg) *o++ = '-';
    if (exp10 >= -3 && exp10 < 7) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++) *o++ = i < nd ? digits[i] : '0';
            *o++ = '.';
            if (nd > exp10 + 1)
                for (int i = exp10 + 1; i < nd; i++) *o++ = digits[i];
            else
                *o++ = '0';
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -exp10 - 1; i++) *o++ = '0';
            for (int i = 0; i < nd; i++) *o++ = digits[i];
        }
    } else {
        *o++ = digits[0];
        *o++ = '.';
        if (nd > 1)
            for (int i = 1; i < nd; i++) *o++ = digits[i];
        else
            *o++ = '0';
        o += sprintf(o, "E%d", exp10);
    }
    *o = '\0';
    return (int)(o - buf);
}

int sm_format_double(double d, char *buf) {
    if (isnan(d)) return (int)(strcpy(buf, "NaN"), 3);
    if (isinf(d)) {
        strcpy(buf, d > 0 ? "Infinity" : "-Infinity");
        return d > 0 ? 8 : 9;
    }
    if (d == 0) {
        strcpy(buf, signbit(d) ? "-0.0" : "0.0");
        return signbit(d) ? 4 : 3;
    }
    char digits[32];
    int nd = 0, exp10 = 0;
    bool neg = signbit(d);
    double a = fabs(d);
    if (a < 9223372036854775808.0 && a == floor(a)) {
        /* FloatingDecimal's integer path: all the digits of the integer,
         * less floor(log10(2^(binExp-54))) low-order ones (rounded half
         * up) above 2^55. */
        uint64_t lv = (uint64_t)a;
        int bin_exp = 63 - __builtin_clzll(lv);
        int insig = 0;
        if (bin_exp > 53) {
            int p2 = bin_exp - 54;
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
        char tmp[24]; /* the digits of lv, as %llu (without printf: 12.0 is common data) */
        int len = 0;
        do {
            tmp[len++] = (char)('0' + lv % 10);
            lv /= 10;
        } while (lv);
        for (int i = 0; i < len; i++) digits[i] = tmp[len - 1 - i];
        nd = len;
        exp10 = len - 1 + insig;
    } else if (a >= 1e-3 && a < 1e7 && (nd = format_double_fast(a, neg, buf)) >= 0) {
        return nd; /* plain notation, a few decimals */
    } else if (a >= 1e-3 && a < 1e7 && (nd = 0, format_double_exact(a, digits, &nd, &exp10))) {
        /* plain-notation range, found without printf */
    } else {
        char tmp[48];
        /* Subnormals carry fewer than 15 significant digits: search from
         * the two digits Java always shows ("4.9E-324"). */
        int first = a < DBL_MIN ? 2 : 15;
        for (int prec = first; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*e", prec - 1, a);
            if (strtod(tmp, NULL) == a) break;
        }
        /* tmp: d.ddddde[+-]xx */
        const char *p = tmp;
        for (; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9') digits[nd++] = *p;
        exp10 = (*p == 'e') ? atoi(p + 1) : 0;
    }
    return sm_format_java_digits(buf, neg, digits, nd, exp10);
}

/* ---- values → text --------------------------------------------------------- */

static const sm_tz *cast_tz(const sm_tz *tz) { return tz ? tz : sm_tz_utc(); }

int sm_value_to_string(const sm_value *v, const sm_tz *tz, sm_buf *buf) {
    char tmp[64];
    int n;
    if (v->is_null || v->type == SM_NULLTYPE) return sm_buf_append(buf, "NULL", 4);
    switch (v->type) {
    case SM_BOOLEAN: return v->v.b ? sm_buf_append(buf, "true", 4) : sm_buf_append(buf, "false", 5);
    case SM_INT: n = snprintf(tmp, sizeof tmp, "%" PRId32, v->v.i32); break;
    case SM_BIGINT: n = snprintf(tmp, sizeof tmp, "%" PRId64, v->v.i64); break;
    case SM_DOUBLE: n = sm_format_double(v->v.f64, tmp); break;
    case SM_STRING: return sm_buf_append(buf, v->v.str.ptr, (size_t)v->v.str.len);
    case SM_BINARY: return sm_utf8_append_lossy(buf, v->v.str.ptr, v->v.str.len);
    case SM_DATE: n = sm_format_date(v->v.i32, tmp); break;
    case SM_TIMESTAMP: n = sm_format_timestamp(v->v.i64, cast_tz(tz), tmp); break;
    case SM_DECIMAL: n = sm_dec_format(v->v.dec, v->scale, tmp); break;
    case SM_TINYINT:
    case SM_SMALLINT: n = snprintf(tmp, sizeof tmp, "%" PRId32, v->v.i32); break;
    case SM_FLOAT: n = sm_format_float(v->v.f64, tmp); break;
    case SM_TIMESTAMP_NTZ: n = sm_format_timestamp(v->v.i64, sm_tz_utc(), tmp); break;
    case SM_TIME: n = sm_format_time(v->v.i64, tmp); break;
    case SM_INTERVAL_YM: return sm_iv_format_ym(v->v.i32, v->precision, v->scale, false, buf);
    case SM_INTERVAL_DT: return sm_iv_format_dt(v->v.i64, v->precision, v->scale, false, buf);
    case SM_INTERVAL_CAL: return sm_cal_format(&v->v.cal, buf);
    case SM_ARRAY:
    case SM_MAP:
    case SM_STRUCT:
        if (!v->v.ref.vec) return sm_buf_append(buf, "NULL", 4);
        return sm_nested_format(v->v.ref.vec, v->v.ref.row, tz, false, buf);
    default: return sm_err(SM_INTERNAL, "sm_value_to_string: unknown type %d", (int)v->type);
    }
    return sm_buf_append(buf, tmp, (size_t)n);
}

/* Spark's SQL literal form of a value in overflow messages: 3000000000L,
 * 1.0E10D, TIMESTAMP '...'. */
static void cast_sql_literal(const sm_value *v, const sm_tz *tz, char *out, size_t cap) {
    char tmp[64];
    switch (v->type) {
    case SM_BIGINT: snprintf(out, cap, "%" PRId64 "L", v->v.i64); return;
    case SM_DOUBLE:
        sm_format_double(v->v.f64, tmp);
        snprintf(out, cap, isnan(v->v.f64) || isinf(v->v.f64) ? "%s" : "%sD", tmp);
        return;
    case SM_TIMESTAMP:
        sm_format_timestamp(v->v.i64, cast_tz(tz), tmp);
        snprintf(out, cap, "TIMESTAMP '%s'", tmp);
        return;
    case SM_INT: snprintf(out, cap, "%" PRId32, v->v.i32); return;
    default: snprintf(out, cap, "?"); return;
    }
}

static int cast_err_invalid(const char *s, int32_t len, sm_type to) {
    if (len > 200) len = 200;
    return sm_err(SM_INVALID,
                  "[CAST_INVALID_INPUT] The value '%.*s' of the type \"STRING\" cannot be cast to "
                  "\"%s\" because it is malformed. Correct the value as per the syntax, or change "
                  "its target type. Use `try_cast` to tolerate malformed input and return NULL "
                  "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                  "this error.",
                  (int)len, s, ev_type_upper(to));
}

static int cast_err_overflow(const sm_value *v, const sm_tz *tz, sm_type to) {
    char lit[96];
    cast_sql_literal(v, tz, lit, sizeof lit);
    return sm_err(SM_INVALID,
                  "[CAST_OVERFLOW] The value %s of the type \"%s\" cannot be cast to \"%s\" due "
                  "to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. "
                  "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                  lit, ev_type_upper(v->type), ev_type_upper(to));
}

/* ANSI: NaN / Infinity have no timestamp (Spark's doubleToTimestamp). */
static int cast_err_nonfinite_ts(double x) {
    return sm_err(SM_INVALID,
                  "[CAST_INVALID_INPUT] The value %s of the type \"DOUBLE\" cannot be cast to "
                  "\"TIMESTAMP\" because it is malformed. Correct the value as per the syntax, or "
                  "change its target type. Use `try_cast` to tolerate malformed input and return "
                  "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                  "bypass this error.",
                  isnan(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
}

/* ---- text → values ----------------------------------------------------------- */

/* UTF8String.trimAll: bytes that are Java whitespace or ISO control. */
static inline bool cast_is_ws_ctl(unsigned char c) { return c <= 0x20 || c == 0x7f; }

static void cast_trim(const char **s, int32_t *len) {
    const char *p = *s;
    int32_t n = *len;
    while (n > 0 && cast_is_ws_ctl((unsigned char)p[0])) {
        p++;
        n--;
    }
    while (n > 0 && cast_is_ws_ctl((unsigned char)p[n - 1])) n--;
    *s = p;
    *len = n;
}

/* UTF8String.toLong(allowDecimal = true), bounded to [lo, hi] with lo = -hi-1.
 * Accumulates negatively, as Java does, so the most negative value fits. */
static bool cast_parse_integral(const char *s, int32_t len, int64_t lo, bool allow_decimal,
                                int64_t *out) {
    cast_trim(&s, &len);
    if (len == 0) return false;
    int32_t i = 0;
    bool negative = s[0] == '-';
    if (negative || s[0] == '+') {
        if (len == 1) return false;
        i++;
    }
    int64_t stop = lo / 10;
    int64_t result = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && allow_decimal) {
            i++;
            for (; i < len; i++)
                if (s[i] < '0' || s[i] > '9') return false;
            break;
        }
        if (c < '0' || c > '9') return false;
        int digit = c - '0';
        if (result < stop) return false;
        int64_t r10 = result * 10;
        if (r10 < lo + digit) return false;
        result = r10 - digit;
    }
    if (!negative) {
        if (result == lo) return false;
        result = -result;
    }
    *out = result;
    return true;
}

static bool cast_is_digit(char c) { return c >= '0' && c <= '9'; }
static bool cast_is_hex(char c) {
    return cast_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool cast_is_suffix(char c) { return c == 'f' || c == 'F' || c == 'd' || c == 'D'; }

static bool cast_ieq(const char *s, int32_t len, const char *word) {
    size_t wl = strlen(word);
    if ((size_t)len != wl) return false;
    for (size_t i = 0; i < wl; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return false;
    }
    return true;
}

/* java.lang.Double.parseDouble's grammar, then Spark's special literals. */
static bool cast_parse_double(const char *s, int32_t len, double *out) {
    cast_trim(&s, &len);
    if (len == 0) return false;
    int32_t i = 0;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i++;
    }
    int32_t rest = len - i;
    if (rest == 3 && memcmp(s + i, "NaN", 3) == 0) {
        *out = NAN;
        return true;
    }
    if (rest == 8 && memcmp(s + i, "Infinity", 8) == 0) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    int32_t end = len; /* numeric part ends here (before a d/f suffix) */
    bool ok = false;
    if (rest >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        int32_t j = i + 2, nd = 0;
        while (j < len && cast_is_hex(s[j])) j++, nd++;
        if (j < len && s[j] == '.') {
            j++;
            while (j < len && cast_is_hex(s[j])) j++, nd++;
        }
        if (nd > 0 && j < len && (s[j] == 'p' || s[j] == 'P')) {
            j++;
            if (j < len && (s[j] == '+' || s[j] == '-')) j++;
            int32_t ne = 0;
            while (j < len && cast_is_digit(s[j])) j++, ne++;
            if (ne > 0) {
                end = j;
                if (j < len && cast_is_suffix(s[j])) j++;
                ok = j == len;
            }
        }
    } else {
        int32_t j = i, nd = 0;
        while (j < len && cast_is_digit(s[j])) j++, nd++;
        if (j < len && s[j] == '.') {
            j++;
            while (j < len && cast_is_digit(s[j])) j++, nd++;
        }
        if (nd > 0) {
            ok = true;
            if (j < len && (s[j] == 'e' || s[j] == 'E')) {
                j++;
                if (j < len && (s[j] == '+' || s[j] == '-')) j++;
                int32_t ne = 0;
                while (j < len && cast_is_digit(s[j])) j++, ne++;
                if (ne == 0) ok = false;
            }
            end = j;
            if (ok && j < len && cast_is_suffix(s[j])) j++;
            if (j != len) ok = false;
        }
    }
    if (ok) {
        char small[128];
        char *tmp = small;
        if (end >= (int32_t)sizeof small) {
            tmp = sm_malloc((size_t)end + 1);
            if (!tmp) return false;
        }
        memcpy(tmp, s, (size_t)end);
        tmp[end] = '\0';
        *out = strtod(tmp, NULL);
        if (tmp != small) sm_free(tmp);
        return true;
    }
    /* Cast.processFloatingPointSpecialLiterals */
    if (cast_ieq(s, len, "inf") || cast_ieq(s, len, "+inf") || cast_ieq(s, len, "infinity") ||
        cast_ieq(s, len, "+infinity")) {
        *out = INFINITY;
        return true;
    }
    if (cast_ieq(s, len, "-inf") || cast_ieq(s, len, "-infinity")) {
        *out = -INFINITY;
        return true;
    }
    if (cast_ieq(s, len, "nan")) {
        *out = NAN;
        return true;
    }
    return false;
}

static bool cast_parse_bool(const char *s, int32_t len, bool *out) {
    cast_trim(&s, &len);
    if (cast_ieq(s, len, "t") || cast_ieq(s, len, "true") || cast_ieq(s, len, "y") ||
        cast_ieq(s, len, "yes") || cast_ieq(s, len, "1")) {
        *out = true;
        return true;
    }
    if (cast_ieq(s, len, "f") || cast_ieq(s, len, "false") || cast_ieq(s, len, "n") ||
        cast_ieq(s, len, "no") || cast_ieq(s, len, "0")) {
        *out = false;
        return true;
    }
    return false;
}

/* ---- Java numeric conversions ------------------------------------------------- */

static inline int32_t cast_d2i(double d) {
    if (isnan(d)) return 0;
    if (d >= 2147483647.0) return INT32_MAX;
    if (d <= -2147483648.0) return INT32_MIN;
    return (int32_t)d;
}
static inline int64_t cast_d2l(double d) {
    if (isnan(d)) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}
static inline int64_t cast_floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}
/* Seconds → micros with Java's Math.multiplyExact semantics replaced by
 * saturation (SECONDS.toMicros saturates). */
static inline int64_t cast_sec_to_micros(int64_t s) {
    if (s > INT64_MAX / SM_MICROS_PER_SECOND) return INT64_MAX;
    if (s < INT64_MIN / SM_MICROS_PER_SECOND) return INT64_MIN;
    return s * SM_MICROS_PER_SECOND;
}

static int32_t cast_ts_to_date(int64_t micros, const sm_tz *tz) {
    int64_t local = micros + (int64_t)sm_tz_offset_at_utc(tz, micros) * SM_MICROS_PER_SECOND;
    return sm_micros_to_days(local);
}
static int64_t cast_date_to_ts(int32_t days, const sm_tz *tz) {
    int64_t local = (int64_t)days * SM_MICROS_PER_DAY;
    return local - (int64_t)sm_tz_offset_at_local(tz, local) * SM_MICROS_PER_SECOND;
}

/* ---- the cast table --------------------------------------------------------- */

bool sm_cast_allowed(sm_type from, sm_type to) {
    bool iv_ok;
    if (sm_iv_cast_allowed(from, to, &iv_ok)) return iv_ok; /* expr/interval_ops.c */
    if (from == to || from == SM_NULLTYPE) return true;
    if (sm_cast_time_involved(from, to)) return sm_cast_time_allowed(from, to);
    if (to == SM_BINARY || from == SM_BINARY) return sm_cast_binary_allowed(from, to);
    if (sm_cast_small_involved(from, to) || (to == SM_DECIMAL && from == SM_TIMESTAMP_NTZ))
        return sm_cast_small_allowed(from, to);
    if (sm_type_is_nested(to)) return false; /* nested casts: sm_nested_cast_allowed */
    if (sm_type_is_nested(from)) return to == SM_STRING;
    if (to == SM_STRING || from == SM_STRING) return to != SM_NULLTYPE;
    switch (to) {
    case SM_DECIMAL:
        return from == SM_BOOLEAN || sm_type_is_numeric(from) || from == SM_TIMESTAMP;
    case SM_BOOLEAN:
    case SM_INT:
    case SM_BIGINT:
    case SM_DOUBLE:
        return from == SM_BOOLEAN || sm_type_is_numeric(from) || from == SM_DATE ||
               from == SM_TIMESTAMP;
    case SM_DATE: return from == SM_TIMESTAMP;
    case SM_TIMESTAMP:
        return from == SM_DATE || from == SM_BOOLEAN || sm_type_is_numeric(from);
    default: return false;
    }
}

/* Reads row `row` of a fixed-width numeric-like vector as double/int64. */
static inline double cast_get_f64(const sm_vector *in, int64_t row) {
    switch (in->type) {
    case SM_BOOLEAN: return SM_VEC_BOOL(in)[row] ? 1.0 : 0.0;
    case SM_INT: return (double)SM_VEC_I32(in)[row];
    case SM_BIGINT: return (double)SM_VEC_I64(in)[row];
    case SM_DOUBLE: return SM_VEC_F64(in)[row];
    default: return 0;
    }
}

static int cast_to_string(const sm_eval_ctx *ctx, const sm_vector *in, int64_t n, sm_vector **out) {
    sm_vector *v = sm_vector_new(SM_STRING, n);
    if (!v) return SM_NOMEM;
    const sm_tz *tz = cast_tz(ctx ? ctx->tz : NULL);
    char tmp[64];
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) {
            rc = sm_vector_append_null(v);
            continue;
        }
        int len;
        switch (in->type) {
        case SM_BOOLEAN:
            if (SM_VEC_BOOL(in)[row]) len = 4, memcpy(tmp, "true", 4);
            else len = 5, memcpy(tmp, "false", 5);
            break;
        case SM_INT: len = snprintf(tmp, sizeof tmp, "%" PRId32, SM_VEC_I32(in)[row]); break;
        case SM_BIGINT: len = snprintf(tmp, sizeof tmp, "%" PRId64, SM_VEC_I64(in)[row]); break;
        case SM_DOUBLE: len = sm_format_double(SM_VEC_F64(in)[row], tmp); break;
        case SM_DATE: len = sm_format_date(SM_VEC_I32(in)[row], tmp); break;
        case SM_TIMESTAMP: len = sm_format_timestamp(SM_VEC_I64(in)[row], tz, tmp); break;
        case SM_DECIMAL: len = sm_dec_format(SM_VEC_DEC(in)[row], in->scale, tmp); break;
        default: len = 0; break;
        }
        rc = sm_vector_append_str(v, tmp, len);
    }
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

/* Parses strings into a fixed-width vector of `to`. */
static int cast_from_string(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, int64_t n,
                            sm_vector **out) {
    sm_vector *v = ev_new_fixed(to, n);
    if (!v) return SM_NOMEM;
    if (n > 0) memset(v->data, 0, (size_t)n * sm_type_width(to));
    const sm_tz *tz = cast_tz(ctx ? ctx->tz : NULL);
    bool ansi = ctx && ctx->ansi;
    uint8_t *bm = NULL;
    for (int64_t row = 0; row < n; row++) {
        bool ok = false;
        if (!sm_vector_is_null(in, row)) {
            int32_t len;
            const char *s = sm_vector_str(in, row, &len);
            int64_t i64;
            switch (to) {
            case SM_INT:
                ok = cast_parse_integral(s, len, INT32_MIN, !ansi, &i64);
                if (ok) SM_VEC_I32(v)[row] = (int32_t)i64;
                break;
            case SM_BIGINT:
                ok = cast_parse_integral(s, len, INT64_MIN, !ansi, &i64);
                if (ok) SM_VEC_I64(v)[row] = i64;
                break;
            case SM_DOUBLE: ok = cast_parse_double(s, len, &SM_VEC_F64(v)[row]); break;
            case SM_BOOLEAN: {
                bool b = false;
                ok = cast_parse_bool(s, len, &b);
                SM_VEC_BOOL(v)[row] = b;
                break;
            }
            case SM_DATE: ok = sm_parse_date(s, len, &SM_VEC_I32(v)[row]); break;
            case SM_TIMESTAMP: ok = sm_parse_timestamp(s, len, tz, &SM_VEC_I64(v)[row]); break;
            default: break;
            }
            if (!ok && ansi) {
                sm_vector_unref(v);
                return cast_err_invalid(s, len, to);
            }
        }
        if (!ok) {
            if (!bm && !(bm = ev_validity(v))) {
                sm_vector_unref(v);
                return SM_NOMEM;
            }
            ev_clear_bit(bm, row);
        }
    }
    *out = v;
    return SM_OK;
}

/* A fixed-width vector of n rows of `to`, null where in is null (for the
 * row-wise casts, which fill in the values). */
static int cast_new_keep_nulls(const sm_vector *in, sm_type to, int64_t n, sm_vector **out) {
    sm_vector *v = ev_new_fixed(to, n);
    if (!v) return SM_NOMEM;
    if (ev_and_validity2(v, in, NULL, n) != SM_OK) {
        sm_vector_unref(v);
        return SM_NOMEM;
    }
    *out = v;
    return SM_OK;
}

/* Every fixed-width → fixed-width conversion.  Nulls copy over; rows whose
 * result is null (date → number) or that overflow in ANSI mode are handled
 * inline. */
static int cast_fixed(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, int64_t n,
                      sm_vector **out) {
    sm_type from = in->type;
    const sm_tz *tz = cast_tz(ctx ? ctx->tz : NULL);
    bool ansi = ctx && ctx->ansi;
    sm_vector *v;
    SM_TRY(cast_new_keep_nulls(in, to, n, &v));
    /* date → numeric / boolean: every row null. */
    if (from == SM_DATE && to != SM_TIMESTAMP) {
        sm_vector_unref(v);
        v = sm_vector_new_nulls(to, n);
        if (!v) return SM_NOMEM;
        *out = v;
        return SM_OK;
    }
    int rc = SM_OK;
    int64_t row = 0;
#define CAST_LOOP(DST, EXPR)                                                 \
    for (row = 0; row < n; row++) DST(v)[row] = (EXPR)
    switch (to) {
    case SM_BOOLEAN:
        switch (from) {
        case SM_INT: CAST_LOOP(SM_VEC_BOOL, SM_VEC_I32(in)[row] != 0); break;
        case SM_BIGINT:
        case SM_TIMESTAMP: CAST_LOOP(SM_VEC_BOOL, SM_VEC_I64(in)[row] != 0); break;
        case SM_DOUBLE: CAST_LOOP(SM_VEC_BOOL, SM_VEC_F64(in)[row] != 0); break;
        default: rc = SM_INTERNAL; break;
        }
        break;
    case SM_INT:
        switch (from) {
        case SM_BOOLEAN: CAST_LOOP(SM_VEC_I32, SM_VEC_BOOL(in)[row] ? 1 : 0); break;
        case SM_BIGINT:
            if (ansi)
                for (row = 0; row < n; row++) {
                    int64_t x = SM_VEC_I64(in)[row];
                    if ((x < INT32_MIN || x > INT32_MAX) && !sm_vector_is_null(in, row)) {
                        sm_value val = {.type = SM_BIGINT, .v.i64 = x};
                        rc = cast_err_overflow(&val, tz, to);
                        break;
                    }
                    SM_VEC_I32(v)[row] = (int32_t)x;
                }
            else
                CAST_LOOP(SM_VEC_I32, (int32_t)(uint32_t)(uint64_t)SM_VEC_I64(in)[row]);
            break;
        case SM_DOUBLE:
            if (ansi)
                for (row = 0; row < n; row++) {
                    double x = SM_VEC_F64(in)[row];
                    if (!(floor(x) <= 2147483647.0 && ceil(x) >= -2147483648.0) &&
                        !sm_vector_is_null(in, row)) {
                        sm_value val = {.type = SM_DOUBLE, .v.f64 = x};
                        rc = cast_err_overflow(&val, tz, to);
                        break;
                    }
                    SM_VEC_I32(v)[row] = cast_d2i(x);
                }
            else
                CAST_LOOP(SM_VEC_I32, cast_d2i(SM_VEC_F64(in)[row]));
            break;
        case SM_TIMESTAMP:
            for (row = 0; row < n; row++) {
                int64_t s = cast_floor_div(SM_VEC_I64(in)[row], SM_MICROS_PER_SECOND);
                if (ansi && (s < INT32_MIN || s > INT32_MAX) && !sm_vector_is_null(in, row)) {
                    sm_value val = {.type = SM_TIMESTAMP, .v.i64 = SM_VEC_I64(in)[row]};
                    rc = cast_err_overflow(&val, tz, to);
                    break;
                }
                SM_VEC_I32(v)[row] = (int32_t)(uint32_t)(uint64_t)s;
            }
            break;
        default: rc = SM_INTERNAL; break;
        }
        break;
    case SM_BIGINT:
        switch (from) {
        case SM_BOOLEAN: CAST_LOOP(SM_VEC_I64, SM_VEC_BOOL(in)[row] ? 1 : 0); break;
        case SM_INT: CAST_LOOP(SM_VEC_I64, SM_VEC_I32(in)[row]); break;
        case SM_DOUBLE:
            if (ansi)
                for (row = 0; row < n; row++) {
                    double x = SM_VEC_F64(in)[row];
                    if (!(floor(x) <= 9223372036854775807.0 && ceil(x) >= -9223372036854775808.0) &&
                        !sm_vector_is_null(in, row)) {
                        sm_value val = {.type = SM_DOUBLE, .v.f64 = x};
                        rc = cast_err_overflow(&val, tz, to);
                        break;
                    }
                    SM_VEC_I64(v)[row] = cast_d2l(x);
                }
            else
                CAST_LOOP(SM_VEC_I64, cast_d2l(SM_VEC_F64(in)[row]));
            break;
        case SM_TIMESTAMP:
            CAST_LOOP(SM_VEC_I64, cast_floor_div(SM_VEC_I64(in)[row], SM_MICROS_PER_SECOND));
            break;
        default: rc = SM_INTERNAL; break;
        }
        break;
    case SM_DOUBLE:
        switch (from) {
        case SM_BOOLEAN:
        case SM_INT:
        case SM_BIGINT: CAST_LOOP(SM_VEC_F64, cast_get_f64(in, row)); break;
        case SM_TIMESTAMP:
            CAST_LOOP(SM_VEC_F64, (double)SM_VEC_I64(in)[row] / (double)SM_MICROS_PER_SECOND);
            break;
        default: rc = SM_INTERNAL; break;
        }
        break;
    case SM_DATE:
        if (from == SM_TIMESTAMP) {
            CAST_LOOP(SM_VEC_I32, cast_ts_to_date(SM_VEC_I64(in)[row], tz));
        } else {
            rc = SM_INTERNAL;
        }
        break;
    case SM_TIMESTAMP:
        switch (from) {
        case SM_BOOLEAN: CAST_LOOP(SM_VEC_I64, SM_VEC_BOOL(in)[row] ? 1 : 0); break;
        case SM_INT: CAST_LOOP(SM_VEC_I64, (int64_t)SM_VEC_I32(in)[row] * SM_MICROS_PER_SECOND); break;
        case SM_BIGINT: CAST_LOOP(SM_VEC_I64, cast_sec_to_micros(SM_VEC_I64(in)[row])); break;
        case SM_DATE: CAST_LOOP(SM_VEC_I64, cast_date_to_ts(SM_VEC_I32(in)[row], tz)); break;
        case SM_DOUBLE: {
            uint8_t *bm = NULL;
            for (row = 0; row < n; row++) {
                double x = SM_VEC_F64(in)[row];
                if (isnan(x) || isinf(x)) {
                    if (ansi && !sm_vector_is_null(in, row)) {
                        rc = cast_err_nonfinite_ts(x);
                        break;
                    }
                    SM_VEC_I64(v)[row] = 0;
                    if (!bm && !(bm = ev_validity(v))) {
                        rc = SM_NOMEM;
                        break;
                    }
                    ev_clear_bit(bm, row);
                } else {
                    SM_VEC_I64(v)[row] = cast_d2l(x * (double)SM_MICROS_PER_SECOND);
                }
            }
            break;
        }
        default: rc = SM_INTERNAL; break;
        }
        break;
    default: rc = SM_INTERNAL; break;
    }
#undef CAST_LOOP
    if (rc != SM_OK) {
        sm_vector_unref(v);
        if (rc == SM_INTERNAL)
            return sm_err(SM_INTERNAL, "cannot cast %s to %s", sm_type_name(from), sm_type_name(to));
        return rc;
    }
    *out = v;
    return SM_OK;
}

/* ---- decimals ------------------------------------------------------------------ */

/* [NUMERIC_VALUE_OUT_OF_RANGE] (ANSI) for a value that does not fit
 * decimal(p, s); `text` is the value as Spark prints it. */
static int cast_err_dec_range(const char *text, int p, int s) {
    return sm_err(SM_INVALID,
                  "[NUMERIC_VALUE_OUT_OF_RANGE] %s cannot be represented as Decimal(%d, %d). If "
                  "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, "
                  "and return NULL instead.",
                  text, p, s);
}

/* Anything → decimal(p, s).  Non-ANSI: invalid or out of range → null;
 * ANSI: [CAST_INVALID_INPUT] / [NUMERIC_VALUE_OUT_OF_RANGE]. */
int sm_cast_vector_dec(const sm_eval_ctx *ctx, const sm_vector *in, int p, int s,
                       sm_vector **out) {
    int64_t n = in->length;
    bool ansi = ctx && ctx->ansi;
    if (in->type == SM_NULLTYPE) {
        sm_vector *v = sm_vector_new_nulls(SM_DECIMAL, n);
        if (!v) return SM_NOMEM;
        v->precision = (int8_t)p;
        v->scale = (int8_t)s;
        *out = v;
        return SM_OK;
    }
    if (in->type == SM_DECIMAL && in->precision == p && in->scale == s) {
        *out = sm_vector_ref((sm_vector *)in);
        return SM_OK;
    }
    if (in->type == SM_TINYINT || in->type == SM_SMALLINT || in->type == SM_FLOAT)
        return sm_cast_small_dec(ctx, in, p, s, out);
    if (!sm_cast_allowed(in->type, SM_DECIMAL))
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast \"%s\" to "
                      "\"DECIMAL(%d,%d)\".",
                      ev_type_upper(in->type), p, s);
    sm_vector *v = ev_new_fixed(SM_DECIMAL, n);
    if (!v) return SM_NOMEM;
    v->precision = (int8_t)p;
    v->scale = (int8_t)s;
    if (n > 0) memset(v->data, 0, (size_t)n * 16);
    uint8_t *bm = NULL;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        if (sm_vector_is_null(in, row)) {
            if (!bm && !(bm = ev_validity(v))) rc = SM_NOMEM;
            else ev_clear_bit(bm, row);
            continue;
        }
        __int128 u = 0;
        bool ok = false;
        char text[64];
        text[0] = 0;
        switch (in->type) {
        case SM_BOOLEAN: ok = sm_dec_convert(SM_VEC_BOOL(in)[row] ? 1 : 0, 0, p, s, &u); break;
        case SM_INT:
            ok = sm_dec_convert(SM_VEC_I32(in)[row], 0, p, s, &u);
            if (!ok) snprintf(text, sizeof text, "%" PRId32, SM_VEC_I32(in)[row]);
            break;
        case SM_BIGINT:
            ok = sm_dec_convert(SM_VEC_I64(in)[row], 0, p, s, &u);
            if (!ok) snprintf(text, sizeof text, "%" PRId64, SM_VEC_I64(in)[row]);
            break;
        case SM_TIMESTAMP: /* seconds, with the microseconds as fraction digits */
            ok = sm_dec_convert(SM_VEC_I64(in)[row], 6, p, s, &u);
            break;
        case SM_DOUBLE: {
            double d = SM_VEC_F64(in)[row];
            ok = sm_dec_from_double(d, p, s, &u);
            if (!ok) sm_format_double(d, text);
            break;
        }
        case SM_DECIMAL:
            ok = sm_dec_convert(SM_VEC_DEC(in)[row], in->scale, p, s, &u);
            if (!ok) sm_dec_format(SM_VEC_DEC(in)[row], in->scale, text);
            break;
        case SM_STRING: {
            int32_t len;
            const char *str = sm_vector_str(in, row, &len);
            const char *t = str;
            int32_t tl = len;
            while (tl > 0 && cast_is_ws_ctl((unsigned char)t[0])) t++, tl--;
            while (tl > 0 && cast_is_ws_ctl((unsigned char)t[tl - 1])) tl--;
            int r = sm_dec_parse(t, (size_t)tl, s, &u);
            ok = r == 0 && sm_dec_fits(u, p);
            if (!ok && ansi) {
                if (r == 1) rc = cast_err_invalid(str, len, SM_DECIMAL);
                else snprintf(text, sizeof text, "%.*s", tl > 60 ? 60 : (int)tl, t);
            }
            break;
        }
        default: break;
        }
        if (ok) {
            SM_VEC_DEC(v)[row] = u;
            continue;
        }
        if (rc != SM_OK) break;
        if (ansi && text[0]) {
            rc = cast_err_dec_range(text, p, s);
            break;
        }
        if (in->type == SM_DOUBLE && ansi) { /* NaN / Infinity */
            rc = cast_err_dec_range(text, p, s);
            break;
        }
        if (!bm && !(bm = ev_validity(v))) rc = SM_NOMEM;
        else ev_clear_bit(bm, row);
    }
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

/* decimal → boolean, int, bigint, double, timestamp. */
static int cast_from_decimal(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to,
                             sm_vector **out) {
    int64_t n = in->length;
    bool ansi = ctx && ctx->ansi;
    sm_vector *v;
    SM_TRY(cast_new_keep_nulls(in, to, n, &v));
    int sc = in->scale;
    for (int64_t row = 0; row < n; row++) {
        __int128 u = SM_VEC_DEC(in)[row];
        bool fits = true;
        switch (to) {
        case SM_BOOLEAN: SM_VEC_BOOL(v)[row] = u != 0; break;
        case SM_DOUBLE: SM_VEC_F64(v)[row] = sm_dec_to_double(u, sc); break;
        case SM_INT: {
            int64_t x = sm_dec_to_i64(u, sc, &fits);
            fits = fits && x >= INT32_MIN && x <= INT32_MAX;
            SM_VEC_I32(v)[row] = (int32_t)(uint32_t)(uint64_t)x;
            break;
        }
        case SM_BIGINT: SM_VEC_I64(v)[row] = sm_dec_to_i64(u, sc, &fits); break;
        case SM_TIMESTAMP: {
            __int128 us;
            fits = sm_dec_convert(u, sc, 38, 6, &us) && us >= INT64_MIN && us <= INT64_MAX;
            SM_VEC_I64(v)[row] = fits ? (int64_t)us : 0;
            break;
        }
        default:
            sm_vector_unref(v);
            return sm_err(SM_INTERNAL, "cannot cast decimal to %s", sm_type_name(to));
        }
        if (!fits && ansi && !sm_vector_is_null(in, row)) {
            char tmp[64], lit[72];
            sm_dec_format(u, sc, tmp);
            snprintf(lit, sizeof lit, "%sBD", tmp);
            sm_vector_unref(v);
            return sm_err(SM_INVALID,
                          "[CAST_OVERFLOW] The value %s of the type \"DECIMAL(%d,%d)\" cannot be "
                          "cast to \"%s\" due to an overflow. Use `try_cast` to tolerate overflow "
                          "and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" "
                          "to \"false\" to bypass this error.",
                          lit, in->precision, sc, ev_type_upper(to));
        }
    }
    *out = v;
    return SM_OK;
}

int sm_cast_vector(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out) {
    int64_t n = in->length;
    if (to == SM_DECIMAL) { /* without a target type: keep decimals, else Spark's defaults */
        int p = 38, s = 18;
        if (in->type == SM_DECIMAL) p = in->precision, s = in->scale;
        else if (sm_dec_for_type(in->type, &p, &s)) {
        }
        return sm_cast_vector_dec(ctx, in, p, s, out);
    }
    if (sm_cast_time_involved(in->type, to))
        return sm_cast_time(ctx, in, to, in->type == SM_TIME ? in->precision : sm_time_slot(6), out);
    /* before the small types: CAST(1Y AS BINARY) is one byte */
    if ((to == SM_BINARY || in->type == SM_BINARY) && in->type != to && in->type != SM_NULLTYPE &&
        to != SM_NULLTYPE)
        return sm_cast_binary(ctx, in, to, out);
    if (sm_cast_small_involved(in->type, to)) return sm_cast_small(ctx, in, to, out);
    if (in->type == SM_DECIMAL && to != SM_STRING && to != SM_DECIMAL && to != SM_NULLTYPE &&
        sm_cast_allowed(SM_DECIMAL, to))
        return cast_from_decimal(ctx, in, to, out);
    if (in->type == to) {
        *out = sm_vector_ref((sm_vector *)in);
        return SM_OK;
    }
    if (in->type == SM_NULLTYPE || to == SM_NULLTYPE) {
        sm_vector *v = sm_vector_new_nulls(to, n);
        if (!v) return SM_NOMEM;
        *out = v;
        return SM_OK;
    }
    if (!sm_cast_allowed(in->type, to))
        return sm_err(SM_ANALYSIS, "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast \"%s\" to \"%s\".",
                      ev_type_upper(in->type), ev_type_upper(to));
    if (to == SM_STRING && sm_type_is_nested(in->type)) {
        const sm_dtype *st = sm_dtype_scalar(SM_STRING, 0, 0);
        return st ? sm_nested_cast(ctx, in, st, out) : SM_NOMEM;
    }
    if (to == SM_STRING) return cast_to_string(ctx, in, n, out);
    if (in->type == SM_STRING) return cast_from_string(ctx, in, to, n, out);
    return cast_fixed(ctx, in, to, n, out);
}
