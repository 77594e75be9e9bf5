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
 */
#include <string.h>

#include "test.h"

#include "common/mem.h"
#include "common/status.h"
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
