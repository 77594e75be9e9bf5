/*
 * test_decimal.c — DecimalType(p, s): the int128 arithmetic of
 * types/decimal.c, parsing and formatting, the type rules, and decimals
 * through binding and evaluation (casts, operators, comparisons, CASE,
 * round/floor/ceil/abs) and the aggregates sum/avg/min/max.
 *
 * Spark's answers (the tables below) come from PySpark 3.5.3, non-ANSI,
 * session time zone UTC:  spark.sql("SELECT <expr> AS x") gives the type
 * (df.schema simpleString) and CAST(x AS STRING) the value (None → NULL).
 * The expressions use CAST(... AS DECIMAL(p,s)) so that they mean the same
 * in smelt whether decimal literals parse as DECIMAL or not.
 *
 * The second half covers decimals as keys and in the engine's other corners:
 * hashing and equality in sm_keytab (group by, distinct, joins, set
 * operations), ordering (exec_compare_values), IN lists, the conditional
 * functions, div, RANGE window frames and CSV schema inference, the last
 * ones end to end through sm_sql / sm_read_csv with PySpark's answers.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#include "smelt.h"
#include "common/mem.h"
#include "common/status.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "expr/agg.h"
#include "expr/expr.h"
#include "types/datetime.h"
#include "types/decimal.h"
#include "types/types.h"

/* ---- decimal.c ------------------------------------------------------------------- */

static const char *fmt(__int128 u, int s) {
    static char buf[64];
    sm_dec_format(u, s, buf);
    return buf;
}

TEST(dec_format_is_bigdecimal_tostring) {
    CHECK_STR(fmt(150, 2), "1.50");
    CHECK_STR(fmt(-50, 2), "-0.50");
    CHECK_STR(fmt(5, 3), "0.005");
    CHECK_STR(fmt(100, 0), "100");
    CHECK_STR(fmt(0, 0), "0");
    CHECK_STR(fmt(0, 2), "0.00");
    /* adjusted exponent below -6: scientific, as Spark prints */
    CHECK_STR(fmt(100, 10), "1.00E-8");
    CHECK_STR(fmt(0, 10), "0E-10");
    CHECK_STR(fmt(1, 7), "1E-7");
    CHECK_STR(fmt(1, 6), "0.000001");
    __int128 max = sm_dec_pow10(38) - 1;
    CHECK_STR(fmt(max, 0), "99999999999999999999999999999999999999");
    CHECK_STR(fmt(-max, 38), "-0.99999999999999999999999999999999999999");
}

/* The short path (at most 18 digits at the target scale, no rounding) and
 * the general path agree at their boundary. */
TEST(dec_parse_short_and_long_agree) {
    __int128 u;
    CHECK_INT(sm_dec_parse("-0.07", 5, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "-0.07");
    CHECK_INT(sm_dec_parse("-0", 2, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "0.00");
    CHECK_INT(sm_dec_parse("9999999999999999.9", 18, 2, &u), 0); /* 18 digits: short */
    CHECK_STR(fmt(u, 2), "9999999999999999.90");
    CHECK_INT(sm_dec_parse("99999999999999999.9", 19, 2, &u), 0); /* 19: general */
    CHECK_STR(fmt(u, 2), "99999999999999999.90");
    CHECK_INT(sm_dec_parse("123456789012345678", 18, 1, &u), 0); /* 19 at scale 1 */
    CHECK_STR(fmt(u, 1), "123456789012345678.0");
    CHECK_INT(sm_dec_parse("0.125", 5, 2, &u), 0); /* more fraction digits: rounds */
    CHECK_STR(fmt(u, 2), "0.13");
    CHECK_INT(sm_dec_parse("-", 1, 2, &u), 1);
    CHECK_INT(sm_dec_parse("1.2.3", 5, 2, &u), 1);
    CHECK_INT(sm_dec_parse("12", 2, 0, &u), 0);
    CHECK_STR(fmt(u, 0), "12");
    CHECK(sm_dec_pow10(38) / sm_dec_pow10(19) == sm_dec_pow10(19));
    CHECK(sm_dec_pow10(20) == sm_dec_pow10(19) * 10);
}

TEST(dec_parse_rounds_half_up) {
    __int128 u;
    CHECK_INT(sm_dec_parse("1.255", 5, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "1.26");
    CHECK_INT(sm_dec_parse("-1.255", 6, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "-1.26");
    CHECK_INT(sm_dec_parse("1.254999", 8, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "1.25");
    CHECK_INT(sm_dec_parse("1e2", 3, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "100.00");
    CHECK_INT(sm_dec_parse("1.5e-3", 6, 4, &u), 0);
    CHECK_STR(fmt(u, 4), "0.0015");
    CHECK_INT(sm_dec_parse(".5", 2, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "0.50");
    CHECK_INT(sm_dec_parse("5.", 2, 2, &u), 0);
    CHECK_STR(fmt(u, 2), "5.00");
    CHECK_INT(sm_dec_parse("+5", 2, 0, &u), 0);
    CHECK_INT(sm_dec_parse("", 0, 2, &u), 1);
    CHECK_INT(sm_dec_parse(".", 1, 2, &u), 1);
    CHECK_INT(sm_dec_parse("1,5", 3, 2, &u), 1);
    CHECK_INT(sm_dec_parse("1e", 2, 2, &u), 1);
    CHECK_INT(sm_dec_parse("Infinity", 8, 2, &u), 1);
    /* many digits: only the rounding digit past the scale matters */
    const char *longs = "0.123456789012345678901234567890123456789012345678901234567890";
    CHECK_INT(sm_dec_parse(longs, strlen(longs), 5, &u), 0);
    CHECK_STR(fmt(u, 5), "0.12346");
    CHECK_INT(sm_dec_parse("123456789012345678901234567890123456789", 39, 0, &u), 2);
    CHECK_INT(sm_dec_parse("1e40", 4, 0, &u), 2);
    CHECK_INT(sm_dec_parse("0e40", 4, 0, &u), 0);
}

TEST(dec_literal_types) {
    /* Spark: 1.5 decimal(2,1), 1.50 decimal(3,2), .5 decimal(1,1), 1. decimal(1,0),
     * 0.000 decimal(3,3), 123456789012345678901234567890 decimal(30,0) */
    static const struct {
        const char *text;
        int p, s;
        const char *value;
    } cases[] = {
        {"1.5", 2, 1, "1.5"},     {"1.50", 3, 2, "1.50"}, {".5", 1, 1, "0.5"},
        {"1.", 1, 0, "1"},        {"0.000", 3, 3, "0.000"},
        {"123456789012345678901234567890", 30, 0, "123456789012345678901234567890"},
        {"0.001", 3, 3, "0.001"}, {"12.345", 5, 3, "12.345"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        __int128 u;
        int p, s;
        CHECK(sm_dec_parse_literal(cases[i].text, strlen(cases[i].text), &u, &p, &s));
        CHECK_INT(p, cases[i].p);
        CHECK_INT(s, cases[i].s);
        CHECK_STR(fmt(u, s), cases[i].value);
    }
    __int128 u;
    int p, s;
    CHECK(!sm_dec_parse_literal("1234567890123456789012345678901234567890", 40, &u, &p, &s));
    CHECK(!sm_dec_parse_literal("1e3", 3, &u, &p, &s));
    CHECK(!sm_dec_parse_literal(".", 1, &u, &p, &s));
}

TEST(dec_result_types_follow_spark) {
    int p, s;
    sm_dec_result_type('+', 10, 2, 10, 2, &p, &s);
    CHECK(p == 11 && s == 2);
    sm_dec_result_type('-', 10, 2, 5, 3, &p, &s);
    CHECK(p == 12 && s == 3);
    sm_dec_result_type('*', 10, 2, 5, 3, &p, &s);
    CHECK(p == 16 && s == 5);
    sm_dec_result_type('/', 10, 2, 5, 3, &p, &s);
    CHECK(p == 19 && s == 8);
    sm_dec_result_type('/', 10, 2, 10, 2, &p, &s);
    CHECK(p == 23 && s == 13);
    sm_dec_result_type('%', 10, 2, 5, 3, &p, &s);
    CHECK(p == 5 && s == 3);
    sm_dec_result_type('*', 38, 10, 38, 10, &p, &s);
    CHECK(p == 38 && s == 6);
    sm_dec_result_type('/', 38, 10, 38, 10, &p, &s);
    CHECK(p == 38 && s == 6);
    sm_dec_result_type('+', 38, 0, 38, 38, &p, &s);
    CHECK(p == 38 && s == 6);
    sm_dec_wider(10, 2, 5, 3, &p, &s);
    CHECK(p == 11 && s == 3);
    sm_dec_wider(10, 2, 38, 1, &p, &s);
    CHECK(p == 38 && s == 2);
    int t = sm_type_parse_ps("decimal(10,2)", 13, &p, &s);
    CHECK(t == SM_DECIMAL && p == 10 && s == 2);
    t = sm_type_parse_ps("DECIMAL", 7, &p, &s);
    CHECK(t == SM_DECIMAL && p == 10 && s == 0);
    t = sm_type_parse_ps("numeric(5, 1)", 13, &p, &s);
    CHECK(t == SM_DECIMAL && p == 5 && s == 1);
    t = sm_type_parse_ps("dec(5)", 6, &p, &s);
    CHECK(t == SM_DECIMAL && p == 5 && s == 0);
    CHECK_INT(sm_type_parse("decimal(39,0)", 13), -1);
    CHECK_INT(sm_type_parse("decimal(5,6)", 12), -1);
    CHECK_INT(sm_type_parse("int(5,6)", 8), -1);
}

TEST(dec_arithmetic_exact_and_wide) {
    __int128 r;
    /* 1/3 at decimal(38,6) from decimal(38,10) operands (slow path) */
    __int128 one10 = sm_dec_pow10(10);
    CHECK(sm_dec_div(one10, 10, 3 * one10, 10, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "0.333333");
    CHECK(sm_dec_div(2, 0, 3, 0, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "0.666667");
    CHECK(sm_dec_div(-2, 0, 3, 0, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "-0.666667");
    /* 38-digit products need the 256-bit path */
    __int128 big = sm_dec_pow10(37) + 7;
    CHECK(!sm_dec_mul(big, 0, big, 0, 38, 0, &r));
    CHECK(!sm_dec_mul(big, 20, big, 20, 38, 6, &r)); /* 10^34.xx: 41 digits at scale 6 */
    CHECK(sm_dec_mul(big, 25, big, 25, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "1000000000000000000000000.000000");
    __int128 b2 = sm_dec_pow10(37) + 5 * sm_dec_pow10(30); /* (1 + 5e-7)^2 = 1 + 1e-6 + 2.5e-13 */
    CHECK(sm_dec_mul(b2, 37, b2, 37, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "1.000001");
    CHECK(sm_dec_mul(-b2, 37, b2, 37, 38, 12, &r));
    CHECK_STR(fmt(r, 12), "-1.000001000000");
    CHECK(!sm_dec_div(sm_dec_pow10(37), 0, 3, 37, 38, 6, &r)); /* 10^37 / 3e-37: overflow */
    CHECK(sm_dec_div(sm_dec_pow10(37), 0, 3 * sm_dec_pow10(37), 0, 38, 6, &r)); /* 256-bit path */
    CHECK_STR(fmt(r, 6), "0.333333");
    CHECK(sm_dec_div(2 * sm_dec_pow10(37), 0, -3 * sm_dec_pow10(37), 0, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "-0.666667");
    CHECK(sm_dec_mul(123456, 4, 11000, 4, 38, 6, &r)); /* 12.3456 * 1.1 */
    CHECK_STR(fmt(r, 6), "13.580160");
    /* 38,0 + 38,38 → 38,6 */
    CHECK(sm_dec_add(1, 0, sm_dec_pow10(38) - 1, 38, 38, 6, &r));
    CHECK_STR(fmt(r, 6), "2.000000");
    __int128 max = sm_dec_pow10(38) - 1;
    CHECK(!sm_dec_add(max, 0, 1, 0, 38, 0, &r));
    CHECK(sm_dec_sub(max, 0, max, 0, 38, 0, &r) && r == 0);
    /* remainder and pmod */
    CHECK(sm_dec_rem(-750, 2, 2000, 3, 5, 3, &r));
    CHECK_STR(fmt(r, 3), "-1.500");
    CHECK(sm_dec_pmod(-750, 2, 2000, 3, 5, 3, &r));
    CHECK_STR(fmt(r, 3), "0.500");
    /* comparisons across scales and far apart */
    CHECK_INT(sm_dec_cmp(150, 2, 15, 1), 0);
    CHECK_INT(sm_dec_cmp(151, 2, 15, 1), 1);
    CHECK_INT(sm_dec_cmp(-max, 0, 1, 38), -1);
    CHECK_INT(sm_dec_cmp(max, 0, max, 38), 1);
    /* conversions */
    CHECK(sm_dec_convert(1555, 3, 10, 2, &r));
    CHECK_STR(fmt(r, 2), "1.56");
    CHECK(!sm_dec_convert(12345, 2, 3, 1, &r));
    CHECK(sm_dec_from_double(1.005, 10, 2, &r));
    CHECK_STR(fmt(r, 2), "1.01");
    CHECK(sm_dec_from_double(-2.5, 10, 0, &r));
    CHECK_STR(fmt(r, 0), "-3");
    CHECK(!sm_dec_from_double(1e20, 10, 2, &r));
    CHECK_DBL(sm_dec_to_double(1, 1), 0.1, 0);
    bool fits;
    CHECK_INT(sm_dec_to_i64(-270, 2, &fits), -2);
    CHECK((int32_t)sm_dec_to_i64(12345678901, 0, &fits) == -539222987);
}

/* ---- through the binder and evaluator --------------------------------------------- */

static char h_out[4096];
static char h_type[64];

static const char *h_eval(const char *text, const sm_schema *s, const sm_batch *b, bool ansi) {
    static sm_batch one = {.ncols = 0, .nrows = 1, .cols = NULL};
    if (!b) b = &one;
    sm_arena *a = sm_arena_new();
    sm_expr *e = NULL, *bound = NULL;
    h_out[0] = h_type[0] = 0;
    int rc = sm_expr_parse(a, text, &e);
    if (rc == SM_OK) {
        sm_bind_ctx bc = {.schema = s, .text = text, .tz = sm_tz_utc(), .ansi = ansi, .arena = a};
        rc = sm_expr_bind(&bc, e, &bound);
    }
    sm_vector *v = NULL;
    if (rc == SM_OK) {
        if (bound->type == SM_DECIMAL) sm_dec_type_name(bound->precision, bound->scale, h_type);
        else snprintf(h_type, sizeof h_type, "%s", sm_type_name(bound->type));
        sm_eval_ctx ec = {.tz = sm_tz_utc(), .ansi = ansi};
        rc = sm_expr_eval(&ec, bound, b, &v);
    }
    if (rc != SM_OK) {
        snprintf(h_out, sizeof h_out, "ERROR %s", sm_errmsg());
    } else {
        sm_buf buf = {0};
        for (int64_t r = 0; r < v->length; r++) {
            if (r) sm_buf_putc(&buf, '|');
            sm_value x;
            sm_vector_get(v, r, &x);
            sm_value_to_string(&x, sm_tz_utc(), &buf);
        }
        snprintf(h_out, sizeof h_out, "%s", buf.data ? sm_buf_cstr(&buf) : "");
        sm_buf_free(&buf);
        if (v->type == SM_DECIMAL && (v->precision != bound->precision || v->scale != bound->scale))
            snprintf(h_out, sizeof h_out, "BAD VECTOR TYPE decimal(%d,%d)", v->precision, v->scale);
        sm_vector_unref(v);
    }
    if (bound) sm_expr_release(bound);
    sm_arena_free(a);
    return h_out;
}

static const struct {
    const char *expr, *type, *value;
} spark_cases[] = {
    {"CAST(1.5 AS DECIMAL(10,2)) + CAST(2.25 AS DECIMAL(10,2))", "decimal(11,2)", "3.75"},
    {"CAST(1.5 AS DECIMAL(10,2)) - CAST(2.25 AS DECIMAL(5,3))", "decimal(12,3)", "-0.750"},
    {"CAST(1.5 AS DECIMAL(10,2)) * CAST(2.25 AS DECIMAL(5,3))", "decimal(16,5)", "3.37500"},
    {"CAST(1 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(5,3))", "decimal(19,8)", "0.33333333"},
    {"CAST(2 AS DECIMAL(10,2)) / CAST(3 AS DECIMAL(10,2))", "decimal(23,13)", "0.6666666666667"},
    {"CAST(7.5 AS DECIMAL(10,2)) % CAST(2 AS DECIMAL(5,3))", "decimal(5,3)", "1.500"},
    {"CAST(-7.5 AS DECIMAL(10,2)) % CAST(2 AS DECIMAL(5,3))", "decimal(5,3)", "-1.500"},
    {"pmod(CAST(-7.5 AS DECIMAL(10,2)), CAST(2 AS DECIMAL(5,3)))", "decimal(5,3)", "0.500"},
    {"CAST(1.5 AS DECIMAL(10,2)) + 1", "decimal(11,2)", "2.50"},
    {"CAST(1.5 AS DECIMAL(10,2)) + 100000", "decimal(11,2)", "100001.50"},
    {"CAST(1.5 AS DECIMAL(10,2)) + CAST(1 AS INT)", "decimal(13,2)", "2.50"},
    {"CAST(1.5 AS DECIMAL(10,2)) + CAST(1 AS BIGINT)", "decimal(23,2)", "2.50"},
    {"CAST(1.5 AS DECIMAL(10,2)) + 1L", "decimal(11,2)", "2.50"},
    {"CAST(1.5 AS DECIMAL(10,2)) + 1.5D", "double", "3.0"},
    {"CAST(1.5 AS DECIMAL(10,2)) + '1.5'", "double", "3.0"},
    {"CAST(1.5 AS DECIMAL(10,2)) * 3", "decimal(12,2)", "4.50"},
    {"CAST(10 AS DECIMAL(10,2)) / 4", "decimal(14,6)", "2.500000"},
    {"10 / CAST(4 AS DECIMAL(3,1))", "decimal(9,6)", "2.500000"},
    {"CAST(1 AS DECIMAL(38,10)) * CAST(1 AS DECIMAL(38,10))", "decimal(38,6)", "1.000000"},
    {"CAST(1 AS DECIMAL(38,10)) / CAST(3 AS DECIMAL(38,10))", "decimal(38,6)", "0.333333"},
    {"CAST('12345678901234567890123456789012345678' AS DECIMAL(38,0)) + "
     "CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0))",
     "decimal(38,0)", "NULL"},
    {"CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)) * 10", "decimal(38,0)",
     "NULL"},
    {"CAST(1 AS DECIMAL(10,2)) / 0", "decimal(14,6)", "NULL"},
    {"CAST(1 AS DECIMAL(10,2)) % 0", "decimal(3,2)", "NULL"},
    {"-CAST(1.5 AS DECIMAL(10,2))", "decimal(10,2)", "-1.50"},
    {"abs(CAST(-1.5 AS DECIMAL(10,2)))", "decimal(10,2)", "1.50"},
    {"CAST(1.5 AS DECIMAL(10,2)) > 1", "boolean", "true"},
    {"CAST(1.5 AS DECIMAL(10,2)) < 1.6D", "boolean", "true"},
    {"CAST(1.5 AS DECIMAL(10,2)) = '1.50'", "boolean", "true"},
    {"CAST(1.5 AS DECIMAL(10,2)) > CAST(1 AS DECIMAL(20,10))", "boolean", "true"},
    {"CAST(1.5 AS DECIMAL(10,2)) = CAST(1.5 AS DECIMAL(3,1))", "boolean", "true"},
    {"CAST('1.255' AS DECIMAL(10,2))", "decimal(10,2)", "1.26"},
    {"CAST('-1.255' AS DECIMAL(10,2))", "decimal(10,2)", "-1.26"},
    {"CAST(' 1.5 ' AS DECIMAL(10,2))", "decimal(10,2)", "1.50"},
    {"CAST('1e2' AS DECIMAL(10,2))", "decimal(10,2)", "100.00"},
    {"CAST('abc' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST('123456789.1' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST('.5' AS DECIMAL(10,2))", "decimal(10,2)", "0.50"},
    {"CAST('5.' AS DECIMAL(10,2))", "decimal(10,2)", "5.00"},
    {"CAST('+5' AS DECIMAL(10,2))", "decimal(10,2)", "5.00"},
    {"CAST('' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST('1.5e-3' AS DECIMAL(10,4))", "decimal(10,4)", "0.0015"},
    {"CAST('1,5' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST('Infinity' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST('1.5d' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST('0x10' AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST(123 AS DECIMAL(2,0))", "decimal(2,0)", "NULL"},
    {"CAST(123 AS DECIMAL(3,0))", "decimal(3,0)", "123"},
    {"CAST(123 AS DECIMAL(4,2))", "decimal(4,2)", "NULL"},
    {"CAST(2147483647 AS DECIMAL(10,0))", "decimal(10,0)", "2147483647"},
    {"CAST(1.005D AS DECIMAL(10,2))", "decimal(10,2)", "1.01"},
    {"CAST(0.1D AS DECIMAL(10,2))", "decimal(10,2)", "0.10"},
    {"CAST(1e20D AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST(CAST('NaN' AS DOUBLE) AS DECIMAL(10,2))", "decimal(10,2)", "NULL"},
    {"CAST(2.5D AS DECIMAL(10,0))", "decimal(10,0)", "3"},
    {"CAST(-2.5D AS DECIMAL(10,0))", "decimal(10,0)", "-3"},
    {"CAST(1e-10D AS DECIMAL(10,2))", "decimal(10,2)", "0.00"},
    {"CAST(123.456D AS DECIMAL(38,20))", "decimal(38,20)", "123.45600000000000000000"},
    {"CAST(CAST(1.5 AS DECIMAL(10,2)) AS STRING)", "string", "1.50"},
    {"CAST(CAST('0.00000001' AS DECIMAL(20,10)) AS STRING)", "string", "1.00E-8"},
    {"CAST(CAST(0 AS DECIMAL(20,10)) AS STRING)", "string", "0E-10"},
    {"CAST(CAST(-0.5 AS DECIMAL(3,2)) AS STRING)", "string", "-0.50"},
    {"CAST(CAST(100 AS DECIMAL(5,0)) AS STRING)", "string", "100"},
    {"CAST(CAST(1.5 AS DECIMAL(10,2)) AS DOUBLE)", "double", "1.5"},
    {"CAST(CAST(0.1 AS DECIMAL(10,2)) AS DOUBLE)", "double", "0.1"},
    {"CAST(CAST(-2.7 AS DECIMAL(10,2)) AS INT)", "int", "-2"},
    {"CAST(CAST(12345678901 AS DECIMAL(11,0)) AS INT)", "int", "-539222987"},
    {"CAST(CAST('123456789012345678901' AS DECIMAL(21,0)) AS BIGINT)", "bigint",
     "-5670419503621182411"},
    {"CAST(CAST(2.7 AS DECIMAL(10,2)) AS BIGINT)", "bigint", "2"},
    {"CAST(CAST(1.5 AS DECIMAL(10,2)) AS BOOLEAN)", "boolean", "true"},
    {"CAST(true AS DECIMAL(10,2))", "decimal(10,2)", "1.00"},
    {"CAST(CAST(1.555 AS DECIMAL(10,3)) AS DECIMAL(10,2))", "decimal(10,2)", "1.56"},
    {"CAST(CAST(123.45 AS DECIMAL(10,2)) AS DECIMAL(3,1))", "decimal(3,1)", "NULL"},
    {"CAST(CAST(-1.555 AS DECIMAL(10,3)) AS DECIMAL(4,2))", "decimal(4,2)", "-1.56"},
    {"round(CAST(1.255 AS DECIMAL(10,3)), 2)", "decimal(10,2)", "1.26"},
    {"round(CAST(1.255 AS DECIMAL(10,3)))", "decimal(8,0)", "1"},
    {"round(CAST(-1.5 AS DECIMAL(10,1)))", "decimal(10,0)", "-2"},
    {"round(CAST(125 AS DECIMAL(10,0)), -1)", "decimal(11,0)", "130"},
    {"bround(CAST(1.25 AS DECIMAL(10,2)), 1)", "decimal(10,1)", "1.2"},
    {"floor(CAST(-1.5 AS DECIMAL(10,1)))", "decimal(10,0)", "-2"},
    {"ceil(CAST(-1.5 AS DECIMAL(10,1)))", "decimal(10,0)", "-1"},
    {"ceil(CAST(1.2 AS DECIMAL(10,1)))", "decimal(10,0)", "2"},
    {"floor(CAST(1.5 AS DECIMAL(38,1)))", "decimal(38,0)", "1"},
    {"round(CAST(1.255 AS DECIMAL(10,3)), 5)", "decimal(11,3)", "1.255"},
    {"floor(CAST(1.5 AS DECIMAL(10,0)))", "decimal(10,0)", "2"},
    {"CASE WHEN true THEN CAST(1.5 AS DECIMAL(10,2)) ELSE CAST(2 AS DECIMAL(38,1)) END",
     "decimal(38,2)", "1.50"},
    {"CAST(CAST(1 AS DECIMAL) AS STRING)", "string", "1"},
    {"CAST(1 AS DECIMAL)", "decimal(10,0)", "1"},
    {"CAST(1 AS NUMERIC(5,1))", "decimal(5,1)", "1.0"},
    {"CAST(1 AS DEC(5))", "decimal(5,0)", "1"},
    {"sqrt(CAST(4 AS DECIMAL(10,2)))", "double", "2.0"},
    {"CAST(1.5 AS DECIMAL(10,2)) + NULL", "decimal(11,2)", "NULL"},
    {"CAST(1 AS DECIMAL(10,2)) / CAST(3 AS INT)", "decimal(21,13)", "0.3333333333333"},
    {"CAST(1 AS DECIMAL(38,2)) / CAST(3 AS DECIMAL(38,2))", "decimal(38,6)", "0.333333"},
    {"CAST(12.3456 AS DECIMAL(38,4)) * CAST(1.1 AS DECIMAL(38,4))", "decimal(38,6)", "13.580160"},
};

TEST(dec_expressions_match_spark) {
    for (size_t i = 0; i < sizeof spark_cases / sizeof spark_cases[0]; i++) {
        const char *got = h_eval(spark_cases[i].expr, NULL, NULL, false);
        if (strcmp(got, spark_cases[i].value) != 0 || strcmp(h_type, spark_cases[i].type) != 0)
            T_FAIL("%s: got %s %s, want %s %s", spark_cases[i].expr, h_type, got,
                   spark_cases[i].type, spark_cases[i].value);
    }
}

TEST(dec_ansi_errors) {
    const char *got = h_eval("CAST(123 AS DECIMAL(2,0))", NULL, NULL, true);
    CHECK(strstr(got, "[NUMERIC_VALUE_OUT_OF_RANGE]") != NULL);
    got = h_eval("CAST('abc' AS DECIMAL(10,2))", NULL, NULL, true);
    CHECK(strstr(got, "[CAST_INVALID_INPUT]") != NULL);
    got = h_eval("CAST(1 AS DECIMAL(10,2)) / 0", NULL, NULL, true);
    CHECK(strstr(got, "[DIVIDE_BY_ZERO]") != NULL);
    got = h_eval("CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)) * 10", NULL, NULL,
                 true);
    CHECK(strstr(got, "[NUMERIC_VALUE_OUT_OF_RANGE]") != NULL);
}

/* Columns: a decimal(10,2) with nulls, rows through the vector paths. */
static sm_schema *c_schema;
static sm_batch *c_batch;

static void h_table(void) {
    if (c_batch) return;
    CHECK_OK(sm_schema_parse_ddl("a DECIMAL(10,2), b DECIMAL(5,3), i INT", &c_schema));
    CHECK(c_schema->fields[0].type == SM_DECIMAL && c_schema->fields[0].precision == 10 &&
          c_schema->fields[0].scale == 2);
    const char *a[] = {"1.50", NULL, "-3.25", "100"};
    const char *b[] = {"2.250", "1", NULL, "0"};
    c_batch = sm_batch_new(3, 4);
    sm_eval_ctx ec = {.tz = sm_tz_utc()};
    for (int c = 0; c < 3; c++) {
        sm_vector *sv = sm_vector_new(SM_STRING, 4);
        for (int r = 0; r < 4; r++) {
            const char *x = c == 0 ? a[r] : c == 1 ? b[r] : "7";
            if (x) sm_vector_append_str(sv, x, (int32_t)strlen(x));
            else sm_vector_append_null(sv);
        }
        const sm_field *f = &c_schema->fields[c];
        if (f->type == SM_DECIMAL) CHECK_OK(sm_cast_vector_dec(&ec, sv, f->precision, f->scale, &c_batch->cols[c]));
        else CHECK_OK(sm_cast_vector(&ec, sv, f->type, &c_batch->cols[c]));
        sm_vector_unref(sv);
    }
}

TEST(dec_columns_with_nulls) {
    h_table();
    CHECK_STR(h_eval("a + b", c_schema, c_batch, false), "3.750|NULL|NULL|100.000");
    CHECK_STR(h_type, "decimal(12,3)");
    CHECK_STR(h_eval("a + i", c_schema, c_batch, false), "8.50|NULL|3.75|107.00");
    CHECK_STR(h_type, "decimal(13,2)");
    CHECK_STR(h_eval("a / b", c_schema, c_batch, false), "0.66666667|NULL|NULL|NULL");
    CHECK_STR(h_eval("a > b", c_schema, c_batch, false), "false|NULL|NULL|true");
    CHECK_STR(h_eval("a <=> b", c_schema, c_batch, false), "false|false|false|false");
    CHECK_STR(h_eval("CASE WHEN a IS NULL THEN b ELSE a END", c_schema, c_batch, false),
              "1.500|1.000|-3.250|100.000");
    CHECK_STR(h_type, "decimal(11,3)");
    CHECK_STR(h_eval("CAST(a AS STRING)", c_schema, c_batch, false), "1.50|NULL|-3.25|100.00");
    CHECK_STR(h_eval("CAST(a AS DOUBLE)", c_schema, c_batch, false), "1.5|NULL|-3.25|100.0");
    CHECK_STR(h_eval("floor(a)", c_schema, c_batch, false), "1|NULL|-4|100");
    CHECK_STR(h_eval("round(a, 1)", c_schema, c_batch, false), "1.5|NULL|-3.3|100.0");
}

/* An aggregate over column a of the table in two partial states merged, one
 * group: "type value". */
static const char *h_agg(const char *text) {
    h_table();
    sm_arena *a = sm_arena_new();
    sm_expr *e = NULL, *bound = NULL;
    static char out[128];
    out[0] = 0;
    CHECK_OK(sm_expr_parse(a, text, &e));
    sm_bind_ctx bc = {.schema = c_schema, .tz = sm_tz_utc(), .allow_agg = true, .arena = a};
    CHECK_OK(sm_expr_bind(&bc, e, &bound));
    const sm_agg_def *d = bound->agg;
    CHECK(d != NULL);
    if (!d) return "";
    char *st = sm_calloc(2, d->state_size);
    sm_eval_ctx ec = {.tz = sm_tz_utc()};
    sm_vector *arg = NULL;
    CHECK_OK(sm_expr_eval(&ec, bound->args[0], c_batch, &arg));
    /* rows 0-1 into state 0, rows 2-3 into state 1, then merge */
    uint32_t gids[4] = {0, 0, 1, 1};
    CHECK_OK(d->update(bound, st, gids, &arg, 4, a));
    CHECK_OK(d->merge(bound, st, st + d->state_size, a));
    sm_vector *res = sm_vector_new(bound->type, 1);
    CHECK_OK(d->finalize(bound, st, res));
    sm_value x;
    sm_vector_get(res, 0, &x);
    sm_buf buf = {0};
    sm_value_to_string(&x, sm_tz_utc(), &buf);
    char tn[32];
    if (bound->type == SM_DECIMAL) sm_dec_type_name(bound->precision, bound->scale, tn);
    else snprintf(tn, sizeof tn, "%s", sm_type_name(bound->type));
    snprintf(out, sizeof out, "%s %s", tn, sm_buf_cstr(&buf));
    sm_buf_free(&buf);
    sm_vector_unref(res);
    sm_vector_unref(arg);
    sm_free(st);
    sm_arena_free(a);
    return out;
}

TEST(dec_aggregates_follow_spark) {
    /* Spark: sum(decimal(10,2)) decimal(20,2); avg decimal(14,6); min/max keep the type.
     * a = 1.50, NULL, -3.25, 100.00 */
    CHECK_STR(h_agg("sum(a)"), "decimal(20,2) 98.25");
    CHECK_STR(h_agg("avg(a)"), "decimal(14,6) 32.750000");
    CHECK_STR(h_agg("min(a)"), "decimal(10,2) -3.25");
    CHECK_STR(h_agg("max(a)"), "decimal(10,2) 100.00");
    CHECK_STR(h_agg("sum(b)"), "decimal(15,3) 3.250");
    CHECK_STR(h_agg("avg(b)"), "decimal(9,7) 1.0833333");
    CHECK_STR(h_agg("first(a)"), "decimal(10,2) 1.50");
    CHECK_STR(h_agg("count(a)"), "bigint 3");
}

/* ---- decimals as keys and in the engine ------------------------------------------- */

/* A decimal(p,s) vector of unscaled values; `nulls` marks null rows. */
static sm_vector *h_decvec(int p, int s, const __int128 *u, const bool *nulls, int n) {
    sm_vector *v = sm_vector_new(SM_DECIMAL, n);
    v->precision = (int8_t)p;
    v->scale = (int8_t)s;
    for (int i = 0; i < n; i++) {
        sm_value x = {.type = SM_DECIMAL, .is_null = nulls && nulls[i], .precision = (int8_t)p,
                      .scale = (int8_t)s};
        x.v.dec = u[i];
        CHECK_OK(sm_vector_append_value(v, &x));
    }
    return v;
}

TEST(dec_keytab_hashes_and_compares_all_16_bytes) {
    /* 5 and 2^64 + 5 share their low 64 bits; 150 twice; a null twice */
    __int128 two64 = (__int128)1 << 64;
    __int128 u[] = {150, 5, two64 + 5, 150, 0, -150, 0, -(two64 + 5)};
    bool nulls[] = {false, false, false, false, true, false, true, false};
    sm_vector *v = h_decvec(21, 2, u, nulls, 8);
    uint64_t h[8];
    sm_keytab_hash(&v, 1, 8, h);
    CHECK(h[0] == h[3]);
    CHECK(h[4] == h[6]);
    CHECK(h[1] != h[2]);
    CHECK(h[0] != h[5]);
    sm_keytab t;
    sm_type ty = SM_DECIMAL;
    CHECK_OK(sm_keytab_init(&t, 1, &ty));
    uint32_t gids[8];
    CHECK_OK(sm_keytab_insert(&t, &v, h, NULL, 8, gids, NULL));
    CHECK_INT(t.ngroups, 6);
    CHECK_INT(gids[3], gids[0]);
    CHECK_INT(gids[6], gids[4]);
    CHECK(gids[1] != gids[2]);
    CHECK(gids[7] != gids[2]);
    /* the stored keys keep the column's decimal type and values */
    CHECK_INT(t.keys[0]->precision, 21);
    CHECK_INT(t.keys[0]->scale, 2);
    CHECK(SM_VEC_DEC(t.keys[0])[gids[2]] == two64 + 5);
    CHECK_INT(sm_keytab_find(&t, &v, 7, h[7]), gids[7]);
    sm_keytab_free(&t);
    sm_vector_unref(v);
}

TEST(dec_compare_values_orders_by_value) {
    __int128 a[] = {150, -25, (__int128)1 << 70, 105};
    __int128 b[] = {1500, 1};
    sm_vector *va = h_decvec(38, 2, a, NULL, 4); /* 1.50, -0.25, 2^70/100, 1.05 */
    sm_vector *vb = h_decvec(10, 3, b, NULL, 2); /* 1.500, 0.001 */
    CHECK_INT(exec_compare_values(va, 0, va, 1), 1);
    CHECK_INT(exec_compare_values(va, 1, va, 0), -1);
    CHECK_INT(exec_compare_values(va, 2, va, 0), 1); /* beyond 64 bits */
    CHECK_INT(exec_compare_values(va, 3, va, 0), -1);
    CHECK_INT(exec_compare_values(va, 0, vb, 0), 0); /* 1.50 = 1.500 across scales */
    CHECK_INT(exec_compare_values(va, 1, vb, 1), -1);
    sm_vector *vi = sm_vector_new(SM_INT, 1), *vd = sm_vector_new(SM_DOUBLE, 1);
    sm_vector_append_i32(vi, 1);
    sm_vector_append_f64(vd, 1.25);
    CHECK_INT(exec_compare_values(va, 0, vi, 0), 1);
    CHECK_INT(exec_compare_values(vi, 0, va, 3), -1);
    CHECK_INT(exec_compare_values(va, 0, vd, 0), 1);
    CHECK_INT(exec_compare_values(vd, 0, va, 3), 1);
    sm_vector_unref(va);
    sm_vector_unref(vb);
    sm_vector_unref(vi);
    sm_vector_unref(vd);
}

/* Spark 3.5 (PySpark, non-ANSI): conditional functions, div, IN, comparisons. */
static const struct {
    const char *expr, *type, *value;
} gap_cases[] = {
    {"coalesce(CAST(1.5 AS DECIMAL(5,2)), 1)", "decimal(12,2)", "1.50"},
    {"coalesce(CAST(1.5 AS DECIMAL(5,2)), 1L)", "decimal(22,2)", "1.50"},
    {"coalesce(CAST(1.5 AS DECIMAL(5,2)), 1.0D)", "double", "1.5"},
    {"coalesce(CAST(NULL AS DECIMAL(5,2)), CAST(2.125 AS DECIMAL(10,3)))", "decimal(10,3)", "2.125"},
    {"nvl(CAST(NULL AS DECIMAL(5,2)), 7)", "decimal(12,2)", "7.00"},
    {"nvl2(1, CAST(1.5 AS DECIMAL(3,1)), 2)", "decimal(11,1)", "1.5"},
    {"if(true, 1.5, 2)", "decimal(11,1)", "1.5"},
    {"if(false, 1.5, CAST(3 AS BIGINT))", "decimal(21,1)", "3.0"},
    {"greatest(1.5, 2, CAST(1.25 AS DECIMAL(4,2)))", "decimal(12,2)", "2.00"},
    {"least(1.5, 2.5D)", "double", "1.5"},
    {"least(CAST(-1 AS DECIMAL(3,0)), CAST(2.75 AS DECIMAL(5,2)))", "decimal(5,2)", "-1.00"},
    {"nullif(2.5D, 2.5)", "double", "NULL"},
    {"nullif(2.5, 2.5D)", "decimal(2,1)", "NULL"},
    {"nullif(1.50, 1.5)", "decimal(3,2)", "NULL"},
    {"nullif(CAST(3 AS DECIMAL(5,2)), 3)", "decimal(5,2)", "NULL"},
    {"nullif(1.5, '1.5')", "decimal(2,1)", "NULL"},
    {"nullif(1.5, 2)", "decimal(2,1)", "1.5"},
    {"nanvl(1.5, 2.0)", "double", "1.5"},
    {"7.5 div 2", "bigint", "3"},
    {"CAST(7.5 AS DECIMAL(5,1)) div 2.5", "bigint", "3"},
    {"7 div 2.5", "bigint", "2"},
    {"-7.5 div 2", "bigint", "-3"},
    {"7.5 div 0", "bigint", "NULL"},
    {"CAST(1e20 AS DECIMAL(38,0)) div 3", "bigint", "-3560154814085769899"},
    {"CAST(99999999999999999999 AS DECIMAL(20,0)) div 0.1", "bigint", "3875820019684212726"},
    {"7.5 % 2", "decimal(2,1)", "1.5"},
    {"7 % 2.5", "decimal(2,1)", "2.0"},
    {"pmod(-7.5, 2)", "decimal(2,1)", "0.5"},
    {"7.5 % 0", "decimal(2,1)", "NULL"},
    {"1.5 = 1.50", "boolean", "true"},
    {"2 < 2.5", "boolean", "true"},
    {"CAST(1 AS BIGINT) = 1.0", "boolean", "true"},
    {"1.5 = '1.5'", "boolean", "true"},
    {"1.5 in (1.50, 2)", "boolean", "true"},
    {"2 in (1.5, 2.0)", "boolean", "true"},
    {"1.5 in (1.5D)", "boolean", "true"},
    {"1.5 in ('1.5')", "boolean", "true"},
    {"1.5 in (1, 2)", "boolean", "false"},
    {"CAST(2 AS DECIMAL(3,0)) in (1L, 2L)", "boolean", "true"},
    {"3 not in (1.5, 2.5)", "boolean", "true"},
    {"CAST(NULL AS DECIMAL(3,1)) in (1.5)", "boolean", "NULL"},
    {"1.5 in (2.5, NULL)", "boolean", "NULL"},
};

TEST(dec_conditional_div_in_match_spark) {
    for (size_t i = 0; i < sizeof gap_cases / sizeof gap_cases[0]; i++) {
        const char *got = h_eval(gap_cases[i].expr, NULL, NULL, false);
        if (strcmp(got, gap_cases[i].value) != 0 || strcmp(h_type, gap_cases[i].type) != 0)
            T_FAIL("%s: got %s %s, want %s %s", gap_cases[i].expr, h_type, got, gap_cases[i].type,
                   gap_cases[i].value);
    }
}

TEST(dec_columns_in_conditionals) {
    h_table(); /* a = 1.50, NULL, -3.25, 100.00; b = 2.250, 1.000, NULL, 0.000; i = 7 */
    CHECK_STR(h_eval("coalesce(a, b)", c_schema, c_batch, false), "1.500|1.000|-3.250|100.000");
    CHECK_STR(h_type, "decimal(11,3)");
    CHECK_STR(h_eval("greatest(a, b, i)", c_schema, c_batch, false), "7.000|7.000|7.000|100.000");
    CHECK_STR(h_eval("least(a, b)", c_schema, c_batch, false), "1.500|1.000|-3.250|0.000");
    CHECK_STR(h_eval("nullif(a, 1.5)", c_schema, c_batch, false), "NULL|NULL|-3.25|100.00");
    CHECK_STR(h_eval("a IN (b, 100)", c_schema, c_batch, false), "false|NULL|NULL|true");
    CHECK_STR(h_eval("a div b", c_schema, c_batch, false), "0|NULL|NULL|NULL");
    CHECK_STR(h_eval("a div 0.7", c_schema, c_batch, false), "2|NULL|-4|142");
}

/* Runs a SQL query: "type,type:row;row" with cells joined by '|'. */
static char h_sql_out[1024];
static const char *h_sql(sm_session *s, const char *q) {
    h_sql_out[0] = 0;
    sm_dataframe *df = sm_sql(s, q);
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(h_sql_out, sizeof h_sql_out, "ERROR %s", sm_errmsg());
        return h_sql_out;
    }
    size_t k = 0;
    for (int c = 0; c < sm_df_num_columns(df); c++)
        k += (size_t)snprintf(h_sql_out + k, sizeof h_sql_out - k, "%s%s", c ? "," : "",
                              sm_df_column_type(df, c));
    for (int64_t row = 0; row < sm_result_num_rows(r) && k < sizeof h_sql_out; row++)
        for (int c = 0; c < sm_result_num_columns(r) && k < sizeof h_sql_out; c++) {
            const char *v = sm_result_get_string(r, row, c);
            k += (size_t)snprintf(h_sql_out + k, sizeof h_sql_out - k, "%s%s",
                                  c ? "|" : row ? ";" : ":", v ? v : "NULL");
        }
    sm_result_free(r);
    return h_sql_out;
}

TEST(dec_keys_end_to_end_match_spark) {
    const char *conf[] = {"spark.sql.shuffle.partitions", "2", NULL};
    sm_session *s = sm_session_new(conf);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_STR(h_sql(s, "SELECT k, count(*) AS n FROM VALUES (1.50), (1.5), (-0.25), (NULL), "
                       "(2.05), (1.05), (2.05) AS t(k) GROUP BY k ORDER BY k"),
              "decimal(3,2),bigint:NULL|1;-0.25|1;1.05|1;1.50|2;2.05|2");
    CHECK_STR(h_sql(s, "SELECT DISTINCT b FROM VALUES (CAST('18446744073709551621' AS "
                       "DECIMAL(21,0))), (CAST(5 AS DECIMAL(21,0))), "
                       "(CAST('18446744073709551621' AS DECIMAL(21,0))) AS t(b) ORDER BY b"),
              "decimal(21,0):5;18446744073709551621");
    CHECK_STR(h_sql(s, "SELECT l.id, r.rid FROM VALUES (1, 1.5), (2, 2.05), (3, NULL) AS l(id, k) "
                       "JOIN VALUES (10, CAST(1.500 AS DECIMAL(8,3))), (11, CAST(2.050 AS "
                       "DECIMAL(8,3))), (12, NULL) AS r(rid, k2) ON l.k = r.k2 ORDER BY l.id"),
              "int,int:1|10;2|11");
    CHECK_STR(h_sql(s, "SELECT l.id, r.rid FROM VALUES (1, 1.5), (2, 2.05), (3, NULL) AS l(id, k) "
                       "JOIN VALUES (10, CAST(1.500 AS DECIMAL(8,3))), (11, CAST(2.050 AS "
                       "DECIMAL(8,3))), (12, NULL) AS r(rid, k2) ON l.k <=> r.k2 ORDER BY l.id"),
              "int,int:1|10;2|11;3|12");
    CHECK_STR(h_sql(s, "SELECT k FROM VALUES (2.05), (-10), (1.5), (NULL), (1.049) AS t(k) "
                       "ORDER BY k DESC NULLS LAST"),
              "decimal(13,3):2.050;1.500;1.049;-10.000;NULL");
    CHECK_STR(h_sql(s, "SELECT * FROM (SELECT k FROM VALUES (1.5), (2.25), (NULL) AS a(k) "
                       "INTERSECT SELECT k FROM VALUES (CAST(1.5 AS DECIMAL(8,3))), (NULL) AS "
                       "b(k)) ORDER BY k"),
              "decimal(8,3):NULL;1.500");
    CHECK_STR(h_sql(s, "SELECT * FROM (SELECT k FROM VALUES (1.5), (2.25), (NULL) AS a(k) "
                       "EXCEPT SELECT k FROM VALUES (CAST(1.5 AS DECIMAL(8,3))) AS b(k)) ORDER BY k"),
              "decimal(8,3):NULL;2.250");
    CHECK_STR(h_sql(s, "SELECT k, sum(v) OVER (ORDER BY k RANGE BETWEEN 0.5 PRECEDING AND "
                       "CURRENT ROW) AS s FROM VALUES (1.0, 1), (1.4, 2), (1.6, 4), (2.2, 8) AS "
                       "t(k, v) ORDER BY k"),
              "decimal(2,1),bigint:1.0|1;1.4|3;1.6|6;2.2|8");
    CHECK_STR(h_sql(s, "SELECT k, sum(v) OVER (ORDER BY k DESC RANGE BETWEEN 1 PRECEDING AND 1 "
                       "FOLLOWING) AS s FROM VALUES (1.0, 1), (1.4, 2), (2.6, 4), (3.6, 8) AS "
                       "t(k, v) ORDER BY k"),
              "decimal(2,1),bigint:1.0|3;1.4|3;2.6|12;3.6|12");
    CHECK_STR(h_sql(s, "SELECT k FROM VALUES (1.5), (2.05), (3) AS t(k) WHERE k IN (1.50, 3)"),
              "decimal(12,2):1.50;3.00");
    CHECK_STR(h_sql(s, "SELECT k, count(*) AS n FROM VALUES (1.5), (2.05), (1.5) AS t(k) GROUP "
                       "BY ROLLUP(k) ORDER BY k"),
              "decimal(3,2),bigint:NULL|3;1.50|2;2.05|1");
    sm_session_free(s);
}

TEST(dec_csv_infers_big_integers_as_decimal) {
    char path[] = "/tmp/smelt_test_decimal_XXXXXX.csv";
    int fd = mkstemps(path, 4);
    CHECK(fd >= 0);
    if (fd < 0) return;
    const char text[] = "a,b\n1,12345678901234567890\n2,3\n3,\n";
    CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    close(fd);
    sm_session *s = sm_session_new(NULL);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df = sm_read_csv(s, path, opts, NULL);
    CHECK(df != NULL);
    if (df) {
        CHECK_STR(sm_df_column_type(df, 1), "decimal(20,0)");
        sm_result *r = sm_df_collect(df);
        CHECK(r != NULL);
        if (r) {
            CHECK_INT(sm_result_num_rows(r), 3);
            CHECK_STR(sm_result_get_string(r, 0, 1), "12345678901234567890");
            CHECK_STR(sm_result_get_string(r, 1, 1), "3");
            CHECK(sm_result_is_null(r, 2, 1));
            sm_result_free(r);
        }
    }
    sm_session_free(s);
    unlink(path);
}
