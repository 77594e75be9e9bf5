/*
 * decimal.c — Spark's DecimalType arithmetic on __int128 unscaled values
 * (see decimal.h for the representation and the type rules).
 *
 * Exactness.  Every operation computes the exact BigDecimal result and
 * rounds it once, HALF_UP (half away from zero), to the result scale, as
 * Spark's Decimal operations followed by CheckOverflow/changePrecision do.
 * The fast paths stay in __int128 (checked with __builtin_*_overflow); when
 * an intermediate does not fit — a 38-digit product, a dividend scaled by
 * 10^40 — the operation is redone on `big`, a fixed 512-bit magnitude of
 * sixteen 32-bit limbs (10^114, the largest intermediate, needs 379 bits),
 * with schoolbook multiplication and Knuth's algorithm D for division
 * (Hacker's Delight's divmnu).  Signs are handled outside the magnitudes.
 *
 * Text.  sm_dec_parse streams the digits of a BigDecimal string straight
 * into the unscaled value at the wanted scale: digits past the scale are
 * only looked at for the rounding digit, so inputs of any length work
 * without a bignum.  sm_dec_format writes plain notation.
 *
 * No allocation, no state: safe from any thread.
 */
#include "types/decimal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;


/* 10^0 .. 10^38, computed at compile time (sm_dec_pow10 is on the hot path of
 * parsing, rescaling and every precision check). */
#define DEC_P19 ((__int128)10000000000000000000ull)
static const __int128 dec_pow10_tab[39] = {
    1ll, 10ll, 100ll, 1000ll, 10000ll, 100000ll, 1000000ll, 10000000ll, 100000000ll,
    1000000000ll, 10000000000ll, 100000000000ll, 1000000000000ll, 10000000000000ll,
    100000000000000ll, 1000000000000000ll, 10000000000000000ll, 100000000000000000ll,
    1000000000000000000ll, DEC_P19, DEC_P19 * 10, DEC_P19 * 100, DEC_P19 * 1000,
    DEC_P19 * 10000, DEC_P19 * 100000, DEC_P19 * 1000000, DEC_P19 * 10000000,
    DEC_P19 * 100000000, DEC_P19 * 1000000000, DEC_P19 * 10000000000ll,
    DEC_P19 * 100000000000ll, DEC_P19 * 1000000000000ll, DEC_P19 * 10000000000000ll,
    DEC_P19 * 100000000000000ll, DEC_P19 * 1000000000000000ll,
    DEC_P19 * 10000000000000000ll, DEC_P19 * 100000000000000000ll,
    DEC_P19 * 1000000000000000000ll, DEC_P19 * DEC_P19,
};

__int128 sm_dec_pow10(int n) {
    if (n <= 0) return 1;
    if (n > 38) n = 38;
    return dec_pow10_tab[n];
}

static u128 dec_abs(__int128 u) { return u < 0 ? (u128)0 - (u128)u : (u128)u; }

int sm_dec_digits(__int128 u) {
    u128 a = dec_abs(u);
    int d = 1;
    while (a >= 10) {
        a /= 10;
        d++;
    }
    return d;
}

bool sm_dec_fits(__int128 u, int precision) {
    if (precision >= 39) return true;
    __int128 lim = sm_dec_pow10(precision);
    return u < lim && u > -lim;
}

/* ---- the 512-bit magnitude (slow paths) ------------------------------------ */

#define BIG_LIMBS 16
typedef struct {
    uint32_t d[BIG_LIMBS]; /* little-endian limbs */
} big;

static void big_from(big *b, u128 x) {
    memset(b, 0, sizeof *b);
    for (int i = 0; i < 4; i++) b->d[i] = (uint32_t)(x >> (32 * i));
}

static int big_len(const big *b) {
    int n = BIG_LIMBS;
    while (n > 0 && b->d[n - 1] == 0) n--;
    return n;
}

/* b *= m (m < 2^32); false on overflow of 512 bits. */
static bool big_mul_small(big *b, uint32_t m) {
    uint64_t carry = 0;
    for (int i = 0; i < BIG_LIMBS; i++) {
        uint64_t t = (uint64_t)b->d[i] * m + carry;
        b->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    return carry == 0;
}

static bool big_mul_pow10(big *b, int n) {
    while (n >= 9) {
        if (!big_mul_small(b, 1000000000u)) return false;
        n -= 9;
    }
    static const uint32_t small[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    return n > 0 ? big_mul_small(b, small[n]) : true;
}

static void big_mul(big *r, const big *a, const big *b) {
    uint32_t t[2 * BIG_LIMBS] = {0};
    int la = big_len(a), lb = big_len(b);
    for (int i = 0; i < la; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < lb; j++) {
            uint64_t x = (uint64_t)a->d[i] * b->d[j] + t[i + j] + carry;
            t[i + j] = (uint32_t)x;
            carry = x >> 32;
        }
        t[i + lb] = (uint32_t)carry;
    }
    memcpy(r->d, t, sizeof r->d); /* operands are < 10^77: the top half is zero */
}

static int big_cmp(const big *a, const big *b) {
    for (int i = BIG_LIMBS - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static void big_add(big *a, const big *b) {
    uint64_t carry = 0;
    for (int i = 0; i < BIG_LIMBS; i++) {
        uint64_t t = (uint64_t)a->d[i] + b->d[i] + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

static void big_sub(big *a, const big *b) { /* a >= b */
    int64_t borrow = 0;
    for (int i = 0; i < BIG_LIMBS; i++) {
        int64_t t = (int64_t)a->d[i] - b->d[i] - borrow;
        borrow = t < 0;
        a->d[i] = (uint32_t)(t + (borrow ? ((int64_t)1 << 32) : 0));
    }
}

static int nlz32(uint32_t x) { return x ? __builtin_clz(x) : 32; }

/* q = u / v, r = u % v (Knuth D); v != 0. */
static void big_divmod(const big *u, const big *v, big *q, big *r) {
    int m = big_len(u), n = big_len(v);
    memset(q, 0, sizeof *q);
    memset(r, 0, sizeof *r);
    if (m < n) {
        *r = *u;
        return;
    }
    if (n == 1) {
        uint64_t k = 0;
        for (int j = m - 1; j >= 0; j--) {
            uint64_t t = (k << 32) | u->d[j];
            q->d[j] = (uint32_t)(t / v->d[0]);
            k = t % v->d[0];
        }
        r->d[0] = (uint32_t)k;
        return;
    }
    int s = nlz32(v->d[n - 1]);
    uint32_t vn[BIG_LIMBS], un[BIG_LIMBS + 1];
    for (int i = n - 1; i > 0; i--)
        vn[i] = (v->d[i] << s) | (s ? (uint32_t)((uint64_t)v->d[i - 1] >> (32 - s)) : 0);
    vn[0] = v->d[0] << s;
    un[m] = s ? (uint32_t)((uint64_t)u->d[m - 1] >> (32 - s)) : 0;
    for (int i = m - 1; i > 0; i--)
        un[i] = (u->d[i] << s) | (s ? (uint32_t)((uint64_t)u->d[i - 1] >> (32 - s)) : 0);
    un[0] = u->d[0] << s;
    const uint64_t b = (uint64_t)1 << 32;
    for (int j = m - n; j >= 0; j--) {
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1], rhat = num % vn[n - 1];
        while (qhat >= b || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >= b) break;
        }
        int64_t k = 0, t;
        for (int i = 0; i < n; i++) {
            uint64_t p = qhat * vn[i];
            t = (int64_t)un[i + j] - k - (int64_t)(p & 0xffffffffu);
            un[i + j] = (uint32_t)t;
            k = (int64_t)(p >> 32) - (t >> 32);
        }
        t = (int64_t)un[j + n] - k;
        un[j + n] = (uint32_t)t;
        q->d[j] = (uint32_t)qhat;
        if (t < 0) {
            q->d[j]--;
            k = 0;
            for (int i = 0; i < n; i++) {
                t = (int64_t)un[i + j] + vn[i] + k;
                un[i + j] = (uint32_t)t;
                k = t >> 32;
            }
            un[j + n] = (uint32_t)((int64_t)un[j + n] + k);
        }
    }
    for (int i = 0; i < n; i++)
        r->d[i] = (un[i] >> s) | (s ? (uint32_t)((uint64_t)un[i + 1] << (32 - s)) : 0);
}

/* round_half_up(n / d) as a magnitude < 10^38; false when larger. */
static bool big_div_round(const big *n, const big *d, u128 *out) {
    big q, r, r2;
    big_divmod(n, d, &q, &r);
    r2 = r;
    big_add(&r2, &r);
    if (big_cmp(&r2, d) >= 0) {
        big one;
        big_from(&one, 1);
        big_add(&q, &one);
    }
    for (int i = 4; i < BIG_LIMBS; i++)
        if (q.d[i]) return false;
    u128 x = 0;
    for (int i = 3; i >= 0; i--) x = (x << 32) | q.d[i];
    if (x >= (u128)sm_dec_pow10(38)) return false;
    *out = x;
    return true;
}

/* ---- rounding -------------------------------------------------------------- */

/* |u| at scale s → scale t (HALF_UP); false when it exceeds int128. */
static bool dec_rescale(__int128 u, int s, int t, __int128 *out) {
    if (t == s) {
        *out = u;
        return true;
    }
    if (t > s) {
        int k = t - s;
        if (k > 38) {
            if (u == 0) {
                *out = 0;
                return true;
            }
            return false;
        }
        return !__builtin_mul_overflow(u, sm_dec_pow10(k), out);
    }
    int k = s - t;
    if (k > 38) {
        *out = 0; /* |u| < 10^39 / 2 * 10^38: rounds to 0 */
        return true;
    }
    __int128 p = sm_dec_pow10(k);
    __int128 q = u / p, r = u % p;
    if (r < 0) r = -r;
    if (r >= p - r) q += u < 0 ? -1 : 1;
    *out = q;
    return true;
}

bool sm_dec_convert(__int128 u, int scale, int to_precision, int to_scale, __int128 *out) {
    __int128 r;
    if (!dec_rescale(u, scale, to_scale, &r)) return false;
    if (!sm_dec_fits(r, to_precision)) return false;
    *out = r;
    return true;
}

/* Signed magnitude m (negative when neg) at scale s → result type. */
static bool dec_finish_big(const big *n, const big *d, bool neg, int rp, __int128 *out) {
    u128 m;
    if (!big_div_round(n, d, &m)) return false;
    __int128 r = neg ? -(__int128)m : (__int128)m;
    if (!sm_dec_fits(r, rp)) return false;
    *out = r;
    return true;
}

/* ---- arithmetic ----------------------------------------------------------- */

static bool dec_addsub(__int128 a, int sa, __int128 b, int sb, bool sub, int rp, int rs,
                       __int128 *out) {
    int s = sa > sb ? sa : sb;
    __int128 x, y, z;
    if (dec_rescale(a, sa, s, &x) && dec_rescale(b, sb, s, &y) &&
        !(sub ? __builtin_sub_overflow(x, y, &z) : __builtin_add_overflow(x, y, &z))) {
        return sm_dec_convert(z, s, rp, rs, out);
    }
    /* slow path: magnitudes scaled to s in 512 bits */
    big ma, mb, one;
    big_from(&ma, dec_abs(a));
    big_from(&mb, dec_abs(b));
    big_mul_pow10(&ma, s - sa);
    big_mul_pow10(&mb, s - sb);
    bool na = a < 0, nb = (b < 0) != sub, neg;
    if (na == nb) {
        big_add(&ma, &mb);
        neg = na;
    } else if (big_cmp(&ma, &mb) >= 0) {
        big_sub(&ma, &mb);
        neg = na;
    } else {
        big_sub(&mb, &ma);
        ma = mb;
        neg = nb;
    }
    if (rs > s) { /* cannot happen for Spark's result types; keep it exact anyway */
        big_mul_pow10(&ma, rs - s);
        big_from(&one, 1);
    } else {
        big_from(&one, 1);
        big_mul_pow10(&one, s - rs);
    }
    return dec_finish_big(&ma, &one, neg, rp, out);
}

bool sm_dec_add(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out) {
    return dec_addsub(a, sa, b, sb, false, rp, rs, out);
}
bool sm_dec_sub(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out) {
    return dec_addsub(a, sa, b, sb, true, rp, rs, out);
}

bool sm_dec_mul(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out) {
    __int128 z;
    if (!__builtin_mul_overflow(a, b, &z)) return sm_dec_convert(z, sa + sb, rp, rs, out);
    big ma, mb, p, d;
    big_from(&ma, dec_abs(a));
    big_from(&mb, dec_abs(b));
    big_mul(&p, &ma, &mb);
    big_from(&d, 1);
    int s = sa + sb;
    if (rs > s) big_mul_pow10(&p, rs - s);
    else big_mul_pow10(&d, s - rs);
    return dec_finish_big(&p, &d, (a < 0) != (b < 0), rp, out);
}

bool sm_dec_div(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out) {
    /* a/b × 10^rs = A × 10^(rs + sb - sa) / B */
    int k = rs + sb - sa;
    bool neg = (a < 0) != (b < 0);
    if (k >= 0 && k <= 38) {
        __int128 n;
        if (!__builtin_mul_overflow(a, sm_dec_pow10(k), &n)) {
            __int128 q = n / b, r = n % b;
            u128 ar = dec_abs(r), ab = dec_abs(b);
            if (ar >= ab - ar) q += neg ? -1 : 1;
            if (!sm_dec_fits(q, rp)) return false;
            *out = q;
            return true;
        }
    }
    big n, d;
    big_from(&n, dec_abs(a));
    big_from(&d, dec_abs(b));
    if (k >= 0) big_mul_pow10(&n, k);
    else big_mul_pow10(&d, -k);
    return dec_finish_big(&n, &d, neg, rp, out);
}

/* Exact a % b at scale max(sa, sb) as a big magnitude; sign of a. */
static bool dec_rem_exact(__int128 a, int sa, __int128 b, int sb, __int128 *r, int *s) {
    *s = sa > sb ? sa : sb;
    __int128 x, y;
    if (!dec_rescale(a, sa, *s, &x) || !dec_rescale(b, sb, *s, &y)) {
        big ma, mb, q, mr;
        big_from(&ma, dec_abs(a));
        big_from(&mb, dec_abs(b));
        big_mul_pow10(&ma, *s - sa);
        big_mul_pow10(&mb, *s - sb);
        big_divmod(&ma, &mb, &q, &mr);
        /* the remainder is below |b| × 10^(s - sb) ... which may still
         * exceed int128 only when b does; then it is |a| rescaled, < 10^77 */
        for (int i = 4; i < BIG_LIMBS; i++)
            if (mr.d[i]) return false;
        u128 m = 0;
        for (int i = 3; i >= 0; i--) m = (m << 32) | mr.d[i];
        if (m > (u128)(((u128)1 << 127) - 1)) return false;
        *r = a < 0 ? -(__int128)m : (__int128)m;
        return true;
    }
    *r = x % y;
    return true;
}

bool sm_dec_rem(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out) {
    __int128 r;
    int s;
    if (!dec_rem_exact(a, sa, b, sb, &r, &s)) return false;
    return sm_dec_convert(r, s, rp, rs, out);
}

bool sm_dec_pmod(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out) {
    __int128 r;
    int s;
    if (!dec_rem_exact(a, sa, b, sb, &r, &s)) return false;
    if (r < 0) { /* Spark: r = a % n; if (r < 0) (r + n) % n */
        __int128 t;
        if (!sm_dec_add(r, s, b, sb, 39, s, &t)) return false;
        if (!dec_rem_exact(t, s, b, sb, &r, &s)) return false;
    }
    return sm_dec_convert(r, s, rp, rs, out);
}

int sm_dec_cmp(__int128 a, int sa, __int128 b, int sb) {
    if (sa != sb) {
        int s = sa > sb ? sa : sb;
        __int128 x, y;
        if (dec_rescale(a, sa, s, &x) && dec_rescale(b, sb, s, &y)) {
            a = x;
            b = y;
        } else { /* one side is far out of the other's range: compare via the sign and big */
            if ((a < 0) != (b < 0)) return a < 0 ? -1 : 1;
            big ma, mb;
            big_from(&ma, dec_abs(a));
            big_from(&mb, dec_abs(b));
            big_mul_pow10(&ma, s - sa);
            big_mul_pow10(&mb, s - sb);
            int c = big_cmp(&ma, &mb);
            return a < 0 ? -c : c;
        }
    }
    return a < b ? -1 : a > b ? 1 : 0;
}

/* ---- text -------------------------------------------------------------------- */

/* The common text "[-]ddd[.dd]" with at most `scale` fraction digits and
 * at most 18 digits at the target scale: exact in int64, no rounding.
 * Returns false to let the general path decide (it gives the same value
 * whenever this one answers). */
static bool dec_parse_short(const char *s, size_t len, int scale, __int128 *out) {
    if (len == 0 || len > 18 || scale < 0 || scale > 18) return false;
    size_t i = 0;
    bool neg = s[0] == '-';
    if (s[0] == '-' || s[0] == '+') i++;
    int64_t acc = 0;
    size_t nint = 0, nfrac = 0;
    while (i < len && (unsigned)(s[i] - '0') <= 9) acc = acc * 10 + (s[i++] - '0'), nint++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && (unsigned)(s[i] - '0') <= 9) acc = acc * 10 + (s[i++] - '0'), nfrac++;
    }
    if (i != len || nint + nfrac == 0 || (int)nfrac > scale || nint + (size_t)scale > 18)
        return false;
    acc *= (int64_t)dec_pow10_tab[scale - (int)nfrac];
    *out = neg ? -(__int128)acc : (__int128)acc;
    return true;
}

int sm_dec_parse(const char *s, size_t len, int scale, __int128 *out) {
    if (dec_parse_short(s, len, scale, out)) return 0;
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
        frac_end = i;
    }
    if (int_end == int_start && frac_end == frac_start) return 1;
    long long expo = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        size_t e0 = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (expo < 100000000) expo = expo * 10 + (s[i] - '0');
            i++;
        }
        if (i == e0) return 1;
        if (eneg) expo = -expo;
    }
    if (i != len) return 1;
    /* value = digits (int part then fraction) × 10^(expo - nfrac); the
     * unscaled result keeps the digits at positions up to `scale` after the
     * point: the first `keep` digits of the digit string. */
    long long nfrac = (long long)(frac_end - frac_start);
    long long nint = (long long)(int_end - int_start);
    long long shift = expo - nfrac + scale; /* value × 10^scale = D × 10^shift */
    long long keep = nint + nfrac + (shift < 0 ? shift : 0);
    __int128 acc = 0;
    const __int128 lim = sm_dec_pow10(38);
    long long pos = 0;
    int round_digit = 0;
    for (int part = 0; part < 2; part++) {
        size_t a = part ? frac_start : int_start, b = part ? frac_end : int_end;
        for (size_t k = a; k < b; k++, pos++) {
            int d = s[k] - '0';
            if (pos < keep) {
                if (acc == 0 && d == 0) continue;
                acc = acc * 10 + d;
                if (acc >= lim) return 2;
            } else if (pos == keep) {
                round_digit = d;
            }
        }
    }
    if (shift > 0 && acc != 0) {
        if (shift > 38) return 2;
        if (__builtin_mul_overflow(acc, sm_dec_pow10((int)shift), &acc) || acc >= lim) return 2;
    }
    if (round_digit >= 5) {
        acc += 1;
        if (acc >= lim) return 2;
    }
    *out = neg ? -acc : acc;
    return 0;
}

bool sm_dec_parse_literal(const char *s, size_t len, __int128 *unscaled, int *precision,
                          int *scale) {
    size_t dot = len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (dot != len) return false;
            dot = i;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    int sc = dot == len ? 0 : (int)(len - dot - 1);
    if (sc > SM_DEC_MAX_PRECISION || (dot == 0 && len == 1) || len == 0) return false;
    __int128 u;
    if (sm_dec_parse(s, len, sc, &u) != 0) return false;
    int p = sm_dec_digits(u); /* BigDecimal.precision: digits of the unscaled value */
    if (p < sc) p = sc;
    if (p > SM_DEC_MAX_PRECISION) return false;
    *unscaled = u;
    *precision = p;
    *scale = sc;
    return true;
}

int sm_dec_format(__int128 u, int scale, char *buf) {
    char dig[48];
    int n = 0;
    u128 a = dec_abs(u);
    char tmp[48];
    do {
        tmp[n++] = (char)('0' + (int)(a % 10));
        a /= 10;
    } while (a);
    for (int i = 0; i < n; i++) dig[i] = tmp[n - 1 - i];
    int len = 0;
    if (u < 0) buf[len++] = '-';
    int adjusted = -scale + (n - 1);
    if (scale == 0 || adjusted >= -6) { /* plain */
        if (n > scale) {
            for (int i = 0; i < n; i++) {
                if (i == n - scale) buf[len++] = '.';
                buf[len++] = dig[i];
            }
        } else {
            buf[len++] = '0';
            buf[len++] = '.';
            for (int i = 0; i < scale - n; i++) buf[len++] = '0';
            for (int i = 0; i < n; i++) buf[len++] = dig[i];
        }
    } else { /* BigDecimal.toString's scientific form: 1.00E-8, 0E-10 */
        buf[len++] = dig[0];
        if (n > 1) {
            buf[len++] = '.';
            for (int i = 1; i < n; i++) buf[len++] = dig[i];
        }
        len += snprintf(buf + len, 16, "E%d", adjusted);
    }
    buf[len] = 0;
    return len;
}

/* ---- conversions ------------------------------------------------------------- */

double sm_dec_to_double(__int128 u, int scale) {
    if (scale == 0 && u > -((__int128)1 << 53) && u < ((__int128)1 << 53)) return (double)u;
    char buf[64];
    int n = sm_dec_format(u, 0, buf);
    snprintf(buf + n, sizeof buf - (size_t)n, "e-%d", scale);
    return strtod(buf, NULL); /* correctly rounded, like BigDecimal.doubleValue */
}

int sm_format_double(double d, char *buf); /* expr/cast.c: Java's Double.toString */

bool sm_dec_from_double(double d, int precision, int scale, __int128 *out) {
    if (d != d || d > 1e300 || d < -1e300) return false;
    char buf[40];
    sm_format_double(d, buf);
    __int128 u;
    if (sm_dec_parse(buf, strlen(buf), scale, &u) != 0) return false;
    if (!sm_dec_fits(u, precision)) return false;
    *out = u;
    return true;
}

int64_t sm_dec_to_i64(__int128 u, int scale, bool *fits) {
    __int128 q = scale > 0 ? u / sm_dec_pow10(scale) : u;
    if (fits) *fits = q >= INT64_MIN && q <= INT64_MAX;
    return (int64_t)(uint64_t)(u128)q; /* BigInteger.longValue: the low 64 bits */
}

/* ---- types --------------------------------------------------------------------- */

void sm_dec_adjust(int p, int s, int *rp, int *rs) {
    if (p <= SM_DEC_MAX_PRECISION) {
        *rp = p;
        *rs = s;
        return;
    }
    int int_digits = p - s;
    int min_scale = s < 6 ? s : 6;
    int adj = SM_DEC_MAX_PRECISION - int_digits;
    *rp = SM_DEC_MAX_PRECISION;
    *rs = adj > min_scale ? adj : min_scale;
}

static int dec_max(int a, int b) { return a > b ? a : b; }
static int dec_min(int a, int b) { return a < b ? a : b; }

void sm_dec_result_type(char op, int p1, int s1, int p2, int s2, int *rp, int *rs) {
    int p, s;
    switch (op) {
    case '+':
    case '-':
        s = dec_max(s1, s2);
        p = dec_max(p1 - s1, p2 - s2) + s + 1;
        break;
    case '*':
        p = p1 + p2 + 1;
        s = s1 + s2;
        break;
    case '/':
        s = dec_max(6, s1 + p2 + 1);
        p = p1 - s1 + s2 + s;
        break;
    default: /* % pmod */
        s = dec_max(s1, s2);
        p = dec_min(p1 - s1, p2 - s2) + s;
        break;
    }
    sm_dec_adjust(p, s, rp, rs);
}

void sm_dec_wider(int p1, int s1, int p2, int s2, int *rp, int *rs) {
    int s = dec_max(s1, s2);
    int range = dec_max(p1 - s1, p2 - s2);
    *rp = dec_min(range + s, SM_DEC_MAX_PRECISION);
    *rs = dec_min(s, SM_DEC_MAX_PRECISION);
}

bool sm_dec_for_type(sm_type t, int *precision, int *scale) {
    switch (t) {
    case SM_INT: *precision = 10; break;
    case SM_TINYINT: *precision = 3; break;
    case SM_SMALLINT: *precision = 5; break;
    case SM_BIGINT: *precision = 20; break;
    default: return false;
    }
    *scale = 0;
    return true;
}

int sm_dec_type_name(int precision, int scale, char *buf) {
    return snprintf(buf, 16, "decimal(%d,%d)", precision, scale);
}
