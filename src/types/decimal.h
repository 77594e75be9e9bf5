/*
 * decimal.h — Spark's DecimalType(p, s): values, arithmetic and type rules.
 *
 * A decimal value is an unscaled __int128 u with a scale s: the number is
 * u × 10^-s.  Its type decimal(p, s) (1 <= p <= 38, 0 <= s <= p) admits
 * |u| < 10^p.  Vectors store the unscaled values (16 bytes a row,
 * SM_VEC_DEC) and carry p and s in sm_vector.precision / .scale; fields and
 * expressions carry them the same way; an sm_value carries them in
 * sm_value.precision / .scale with the unscaled value in v.dec.
 *
 * Arithmetic follows Spark 3.5 (spark.sql.decimalOperations.
 * allowPrecisionLoss=true): the exact result (java.math.BigDecimal) rounded
 * HALF_UP to the result type's scale, then null (non-ANSI) or an error
 * (ANSI) when it has more than the type's precision digits.  Exact
 * intermediates can need up to ~115 digits (a 38-digit dividend scaled by
 * 10^76); the common cases run on __int128 and the rest on a small fixed
 * bignum (decimal.c).
 *
 * Result types (sm_dec_result_type), from Spark's DecimalPrecision and the
 * arithmetic expressions' resultDecimalType:
 *   a + b, a - b   scale max(s1,s2), precision max(p1-s1, p2-s2) + scale + 1
 *   a * b          p1 + p2 + 1, s1 + s2
 *   a / b          scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale
 *   a % b, pmod    min(p1-s1, p2-s2) + max(s1,s2), max(s1,s2)
 * each then adjusted (sm_dec_adjust) to fit 38 digits: intDigits = p - s
 * keep priority, the scale shrinks to no less than min(s, 6).
 * Integer operands are decimal(10,0) (int) or decimal(20,0) (bigint);
 * integer *literals* are the smallest decimal holding them (decimal(1,0)
 * for 7: spark.sql.legacy.literal.pickMinimumPrecision).
 *
 * Everything here is pure and thread-safe.
 */
#ifndef SM_DECIMAL_H
#define SM_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types/types.h"

#define SM_DEC_MAX_PRECISION 38
/* decimal's default type in DDL: DECIMAL = decimal(10,0). */
#define SM_DEC_DEFAULT_PRECISION 10
#define SM_DEC_DEFAULT_SCALE 0

/* Unscaled values of a DECIMAL vector. */
#define SM_VEC_DEC(v) ((__int128 *)(v)->data)

/* 10^n for 0 <= n <= 38. */
__int128 sm_dec_pow10(int n);
/* Number of decimal digits of |u| (1 for 0). */
int sm_dec_digits(__int128 u);
/* |u| < 10^precision. */
bool sm_dec_fits(__int128 u, int precision);

/* Spark's Decimal.changePrecision with ROUND_HALF_UP: u at scale `scale`
 * rescaled to `to_scale` (rounding half away from zero when digits drop)
 * and checked against `to_precision`.  false when it does not fit. */
bool sm_dec_convert(__int128 u, int scale, int to_precision, int to_scale, __int128 *out);

/* Arithmetic on a (scale sa) and b (scale sb) into the result type
 * (rp, rs): the exact value rounded HALF_UP to rs.  Returns false on
 * overflow (more than rp digits).  div/rem/pmod: b must be non-zero (the
 * caller gives null / DIVIDE_BY_ZERO). */
bool sm_dec_add(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
bool sm_dec_sub(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
bool sm_dec_mul(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
bool sm_dec_div(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
bool sm_dec_rem(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
bool sm_dec_pmod(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
/* a <=> b by value (scales may differ): -1, 0, 1. */
int sm_dec_cmp(__int128 a, int sa, __int128 b, int sb);

/* ---- text ------------------------------------------------------------- */

/* Parses java.math.BigDecimal's syntax ([+-] digits [. digits] [(e|E)
 * [+-] digits], at least one digit; no blanks) and rounds it HALF_UP to
 * `scale`; any number of digits.  Returns 0 ok, 1 not a number, 2 out of
 * range (|value| needs more than 38 digits at that scale). */
int sm_dec_parse(const char *s, size_t len, int scale, __int128 *out);
/* A decimal literal as written in SQL ("1.50", ".5", "1.", "123", with no
 * sign, suffix or exponent; the parser handles "-" and "BD"): its unscaled
 * value and Spark's literal type decimal(max(digits, scale), scale) — 1.5
 * is decimal(2,1), 1.50 decimal(3,2), 0.001 decimal(3,3), 123.
 * decimal(3,0).  Returns false when it needs more than 38 digits (Spark:
 * the literal is then a DOUBLE). */
bool sm_dec_parse_literal(const char *s, size_t len, __int128 *unscaled, int *precision,
                          int *scale);
/* Spark's CAST(d AS STRING), java.math.BigDecimal.toString: plain notation
 * with exactly `scale` fraction digits ("1.50", "-0.05", "100") unless
 * the adjusted exponent is below -6, then scientific ("1.00E-8", "0E-10").
 * buf needs 48 bytes; returns the length. */
int sm_dec_format(__int128 u, int scale, char *buf);

/* ---- conversions ------------------------------------------------------- */

/* The nearest double (BigDecimal.doubleValue: correctly rounded). */
double sm_dec_to_double(__int128 u, int scale);
/* Spark's Decimal(d) then changePrecision: Double.toString(d)'s digits
 * rounded HALF_UP to `scale`.  false for NaN / Infinity / overflow. */
bool sm_dec_from_double(double d, int precision, int scale, __int128 *out);
/* Truncation toward zero to an integer (Decimal.toLong: wraps like Java
 * when it does not fit; *fits says whether it did). */
int64_t sm_dec_to_i64(__int128 u, int scale, bool *fits);

/* ---- types ------------------------------------------------------------- */

/* Spark's DecimalType.adjustPrecisionScale (allowPrecisionLoss=true). */
void sm_dec_adjust(int p, int s, int *rp, int *rs);
/* Result type of a decimal binary operator op ('+', '-', '*', '/', '%')
 * on decimal(p1,s1) and decimal(p2,s2). */
void sm_dec_result_type(char op, int p1, int s1, int p2, int s2, int *rp, int *rs);
/* DecimalPrecision.widerDecimalType: the type holding both (bounded to
 * 38): scale max(s1,s2), integer digits max(p1-s1, p2-s2). */
void sm_dec_wider(int p1, int s1, int p2, int s2, int *rp, int *rs);
/* The decimal type an integral type converts to implicitly: INT
 * decimal(10,0), BIGINT decimal(20,0); false for other types. */
bool sm_dec_for_type(sm_type t, int *precision, int *scale);
/* sm_type_parse (types.h) that also gives a DECIMAL's precision and scale
 * ("decimal(10,2)", "dec(5)", "numeric", "decimal" = decimal(10,0));
 * precision/scale may be NULL.  -1 when unknown or out of range. */
int sm_type_parse_ps(const char *s, size_t len, int *precision, int *scale);
/* "decimal(10,2)" into buf (needs 16 bytes); returns the length. */
int sm_dec_type_name(int precision, int scale, char *buf);

#endif
