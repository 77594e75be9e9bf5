/*
 * test_interval.c — INTERVAL literals in date/timestamp arithmetic
 * (src/expr/func_interval.c and its hooks in src/expr/ops.c).
 *
 * Expected types and values come from PySpark 3.5.3 (session time zone UTC
 * unless a test says otherwise, ANSI off), as
 *     spark.sql("SELECT <expr>")  →  schema simpleString, CAST(value AS STRING)
 * over literals, or over the table t below.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "types/datetime.h"
#include "types/types.h"

static char h_out[4096];
static const char *h_name;

/* Parses, binds against s and evaluates over b in zone tz; the rows as
 * "type:v1|v2" or "ERROR <message>".  h_name gets the generated name. */
static const char *h_eval_tz(const char *text, const sm_schema *s, const sm_batch *b, bool ansi,
                             const sm_tz *tz) {
    static char name[512];
    sm_arena *a = sm_arena_new();
    sm_expr *e = NULL, *bound = NULL;
    h_name = "";
    int rc = sm_expr_parse(a, text, &e);
    if (rc == SM_OK) {
        sm_bind_ctx bc = {.schema = s, .text = text, .tz = tz, .ansi = ansi, .arena = a};
        rc = sm_expr_bind(&bc, e, &bound);
    }
    sm_vector *v = NULL;
    if (rc == SM_OK) {
        char *nm = sm_expr_sql_name(a, bound);
        snprintf(name, sizeof name, "%s", nm ? nm : "?");
        h_name = name;
        sm_eval_ctx ec = {.tz = tz, .ansi = ansi};
        rc = sm_expr_eval(&ec, bound, b, &v);
    }
    if (rc != SM_OK) {
        snprintf(h_out, sizeof h_out, "ERROR %s", sm_errmsg());
    } else {
        sm_buf buf = {0};
        sm_buf_appendf(&buf, "%s:", sm_type_name(bound->type));
        for (int64_t r = 0; r < v->length; r++) {
            if (r) sm_buf_putc(&buf, '|');
            sm_value x;
            sm_vector_get(v, r, &x);
            if (sm_vector_is_null(v, r)) sm_buf_append(&buf, "NULL", 4);
            else sm_value_to_string(&x, tz, &buf);
        }
        snprintf(h_out, sizeof h_out, "%s", sm_buf_cstr(&buf));
        sm_buf_free(&buf);
        if (v->type != bound->type) snprintf(h_out, sizeof h_out, "BAD TYPE");
        sm_vector_unref(v);
    }
    if (bound) sm_expr_release(bound);
    sm_arena_free(a);
    return h_out;
}

static sm_schema *t_schema;
static sm_batch *t_batch;

/* t(d DATE, ts TIMESTAMP, s STRING): (1994-01-31, 1994-01-31 10:00:00, '2000-01-01'),
 * (2000-02-29, 2000-02-29 23:30:00.5, 'x'), (NULL, NULL, NULL). */
static void h_table(void) {
    if (t_batch) return;
    CHECK_OK(sm_schema_parse_ddl("d DATE, ts TIMESTAMP, s STRING", &t_schema));
    t_batch = sm_batch_new(3, 3);
    const char *cells[3][3] = {{"1994-01-31", "2000-02-29", NULL},
                               {"1994-01-31 10:00:00", "2000-02-29 23:30:00.5", NULL},
                               {"2000-01-01", "x", NULL}};
    sm_eval_ctx ec = {.tz = sm_tz_utc()};
    for (int c = 0; c < 3; c++) {
        sm_vector *sv = sm_vector_new(SM_STRING, 3);
        for (int r = 0; r < 3; r++) {
            if (cells[c][r]) sm_vector_append_str(sv, cells[c][r], (int32_t)strlen(cells[c][r]));
            else sm_vector_append_null(sv);
        }
        CHECK_OK(sm_cast_vector(&ec, sv, t_schema->fields[c].type, &t_batch->cols[c]));
        sm_vector_unref(sv);
    }
}

static const char *h_t(const char *text) {
    h_table();
    return h_eval_tz(text, t_schema, t_batch, false, sm_tz_utc());
}

/* One row, no columns. */
static const char *h_lit_ansi(const char *text, bool ansi) {
    static sm_schema empty = {0};
    sm_batch one = {.ncols = 0, .nrows = 1, .cols = NULL};
    return h_eval_tz(text, &empty, &one, ansi, sm_tz_utc());
}
static const char *h_lit(const char *text) { return h_lit_ansi(text, false); }

static bool h_starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

TEST(interval_tpch_forms) {
    CHECK_STR(h_lit("DATE '1998-12-01' - INTERVAL '90' DAY"), "date:1998-09-02");
    CHECK_STR(h_lit("DATE '1994-01-01' + INTERVAL '1' YEAR"), "date:1995-01-01");
    CHECK_STR(h_lit("DATE '1993-10-01' + INTERVAL '3' MONTH"), "date:1994-01-01");
    CHECK_STR(h_lit("DATE '1995-09-01' + INTERVAL '1' MONTH"), "date:1995-10-01");
    for (int ansi = 0; ansi < 2; ansi++)
        CHECK_STR(h_lit_ansi("DATE '1996-01-01' + INTERVAL '3' MONTH", ansi), "date:1996-04-01");
}

TEST(interval_date_year_month_clamps_day) {
    CHECK_STR(h_lit("DATE '1994-01-31' + INTERVAL '1' MONTH"), "date:1994-02-28");
    CHECK_STR(h_lit("DATE '2000-02-29' + INTERVAL '1' YEAR"), "date:2001-02-28");
    CHECK_STR(h_lit("DATE '2000-03-31' - INTERVAL '1' MONTH"), "date:2000-02-29");
    CHECK_STR(h_lit("DATE '1994-01-01' - INTERVAL '1-2' YEAR TO MONTH"), "date:1992-11-01");
    CHECK_STR(h_lit("INTERVAL '3' MONTH + DATE '1994-01-01'"), "date:1994-04-01");
    CHECK_STR(h_name, "DATE '1994-01-01' + INTERVAL '3' MONTH"); /* operands swapped, as Spark */
    CHECK_STR(h_t("d + INTERVAL '1' MONTH"), "date:1994-02-28|2000-03-29|NULL");
    CHECK_STR(h_t("d - INTERVAL '1' YEAR"), "date:1993-01-31|1999-02-28|NULL");
}

TEST(interval_date_day_time_gives_date_only_for_day) {
    CHECK_STR(h_t("d + INTERVAL '10' DAY"), "date:1994-02-10|2000-03-10|NULL");
    CHECK_STR(h_t("d - INTERVAL 2 WEEKS"), "date:1994-01-17|2000-02-15|NULL");
    CHECK_STR(h_lit("DATE '1994-01-01' + INTERVAL '1' HOUR"), "timestamp:1994-01-01 01:00:00");
    CHECK_STR(h_lit("DATE '1994-01-01' + INTERVAL '24' HOUR"), "timestamp:1994-01-02 00:00:00");
    CHECK_STR(h_lit("DATE '1994-01-01' + INTERVAL '1 02:03:04.5' DAY TO SECOND"),
              "timestamp:1994-01-02 02:03:04.5");
    CHECK_STR(h_lit("DATE '2000-01-01' - INTERVAL '1' SECOND"), "timestamp:1999-12-31 23:59:59");
    CHECK_STR(h_lit("DATE '2000-01-01' + INTERVAL '1 day 2 hours'"), "timestamp:2000-01-02 02:00:00");
    CHECK_STR(h_lit("INTERVAL '1' HOUR + DATE '2000-01-01'"), "timestamp:2000-01-01 01:00:00");
}

TEST(interval_timestamp_arithmetic) {
    CHECK_STR(h_t("ts + INTERVAL '1' MONTH"), "timestamp:1994-02-28 10:00:00|2000-03-29 23:30:00.5|NULL");
    CHECK_STR(h_t("ts - INTERVAL '90' DAY"), "timestamp:1993-11-02 10:00:00|1999-12-01 23:30:00.5|NULL");
    CHECK_STR(h_t("ts + INTERVAL '1 2' DAY TO HOUR"),
              "timestamp:1994-02-01 12:00:00|2000-03-02 01:30:00.5|NULL");
    CHECK_STR(h_t("ts - INTERVAL '1.5' SECOND"),
              "timestamp:1994-01-31 09:59:58.5|2000-02-29 23:29:59|NULL");
    CHECK_STR(h_lit("TIMESTAMP '2000-02-29 12:30:00' + INTERVAL '1' YEAR"), "timestamp:2001-02-28 12:30:00");
    CHECK_STR(h_lit("TIMESTAMP '2000-02-29 12:30:00' - INTERVAL '1 1' DAY TO HOUR"),
              "timestamp:2000-02-28 11:30:00");
}

/* Session zone America/Los_Angeles (DST from 2021-03-14): year-month and
 * whole days keep the wall clock, the rest of a day-time interval is
 * elapsed time. */
TEST(interval_session_zone_daylight_saving) {
    const sm_tz *la = sm_tz_get("America/Los_Angeles");
    if (!la) return; /* no zoneinfo on this machine */
    static sm_schema empty = {0};
    sm_batch one = {.ncols = 0, .nrows = 1, .cols = NULL};
    CHECK_STR(h_eval_tz("TIMESTAMP '2021-03-01 10:00:00' + INTERVAL '1' MONTH", &empty, &one, false, la),
              "timestamp:2021-04-01 10:00:00");
    CHECK_STR(h_eval_tz("TIMESTAMP '2021-03-01 10:00:00' + INTERVAL '31' DAY", &empty, &one, false, la),
              "timestamp:2021-04-01 10:00:00");
    CHECK_STR(h_eval_tz("DATE '2021-03-14' + INTERVAL '3' HOUR", &empty, &one, false, la),
              "timestamp:2021-03-14 04:00:00");
    CHECK_STR(h_eval_tz("DATE '2021-03-14' + INTERVAL '1' DAY", &empty, &one, false, la),
              "date:2021-03-15");
    static const char *const cases[][2] = {
        {"TIMESTAMP '2021-03-13 10:00:00' + INTERVAL '25' HOUR", "timestamp:2021-03-14 11:00:00"},
        {"TIMESTAMP '2021-03-13 10:00:00' + INTERVAL '1 01' DAY TO HOUR", "timestamp:2021-03-14 11:00:00"},
        {"TIMESTAMP '2021-03-15 10:00:00' - INTERVAL '1 01' DAY TO HOUR", "timestamp:2021-03-14 09:00:00"},
        {"TIMESTAMP '2021-03-13 10:00:00' + INTERVAL '1' DAY * 1.5", "timestamp:2021-03-14 22:00:00"},
        {"DATE '2021-03-13' + INTERVAL '36' HOUR", "timestamp:2021-03-14 13:00:00"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        CHECK_STR(h_eval_tz(cases[k][0], &empty, &one, false, la), cases[k][1]);
}

TEST(interval_string_plus_day_time_is_string) {
    CHECK_STR(h_t("s + INTERVAL '1' DAY"), "string:2000-01-02 00:00:00|NULL|NULL");
    CHECK_STR(h_t("s - INTERVAL '36' HOUR"), "string:1999-12-30 12:00:00|NULL|NULL");
    CHECK(h_starts(h_lit_ansi("'abc' + INTERVAL '1' DAY", true), "ERROR [CAST_INVALID_INPUT]"));
    CHECK(h_starts(h_lit("'a' + INTERVAL '1' YEAR"),
                   "ERROR [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(a + INTERVAL '1' "
                   "YEAR)\" due to data type mismatch: the left and right operands of the binary "
                   "operator have incompatible types (\"DOUBLE\" and \"INTERVAL YEAR\")."));
}

TEST(interval_folded_arithmetic) {
    CHECK_STR(h_lit("DATE '2000-01-01' + INTERVAL '1' DAY * 3"), "timestamp:2000-01-04 00:00:00");
    CHECK_STR(h_lit("DATE '2000-01-01' + (INTERVAL '1' DAY + INTERVAL '2' DAY)"), "date:2000-01-04");
    CHECK_STR(h_lit("DATE '2000-01-01' - INTERVAL '1' DAY * 2"), "timestamp:1999-12-30 00:00:00");
    CHECK_STR(h_lit("INTERVAL '1' YEAR * 1.5 + DATE '2000-01-01'"), "date:2001-07-01");
    CHECK_STR(h_t("d + 2 * INTERVAL '1' MONTH"), "date:1994-03-31|2000-04-29|NULL");
    CHECK_STR(h_t("d + INTERVAL '3' DAY / 2"), "timestamp:1994-02-01 12:00:00|2000-03-01 12:00:00|NULL");
    CHECK_STR(h_lit("DATE '1994-01-31' + INTERVAL '1' DAY / 7"), "timestamp:1994-01-31 03:25:42.857143");
    CHECK_STR(h_lit("DATE '1994-01-31' - INTERVAL '1' DAY / 7"), "timestamp:1994-01-30 20:34:17.142857");
    CHECK_STR(h_lit("DATE '1994-01-31' + -INTERVAL '1' MONTH"), "date:1993-12-31");
    CHECK_STR(h_lit("DATE '1994-01-31' + INTERVAL '1' YEAR / 5"), "date:1994-03-31");     /* 2.4 → 2 */
    CHECK_STR(h_lit("DATE '1994-01-31' + INTERVAL '1' MONTH * 2.5"), "date:1994-04-30");  /* HALF_UP 3 */
    CHECK_STR(h_lit("DATE '1994-04-30' + INTERVAL '1' MONTH * -2.5"), "date:1994-01-30"); /* -3 */
    CHECK_STR(h_lit("DATE '1994-01-31' + INTERVAL '1' DAY * '2'"), "timestamp:1994-02-02 00:00:00");
    CHECK_STR(h_lit("DATE '2000-02-29' + INTERVAL '1' YEAR + INTERVAL '1' DAY"), "date:2001-03-01");
    CHECK_STR(h_lit("DATE '2000-02-29' + INTERVAL '1' DAY - INTERVAL '1' HOUR"),
              "timestamp:2000-02-29 23:00:00");
    CHECK_STR(h_lit("DATE '2000-02-29' + (INTERVAL '1' DAY - INTERVAL '3' DAY)"), "date:2000-02-27");
    CHECK_STR(h_lit("DATE '2000-02-29' + +INTERVAL '1' DAY"), "date:2000-03-01");
}

TEST(interval_nulls) {
    CHECK_STR(h_lit("DATE '2000-01-01' + INTERVAL '1' DAY * NULL"), "timestamp:NULL");
    CHECK_STR(h_lit("DATE '2000-01-01' + INTERVAL '1' DAY * CAST(NULL AS INT)"), "timestamp:NULL");
    CHECK_STR(h_lit("CAST(NULL AS DATE) + INTERVAL '1' DAY"), "date:NULL");
    CHECK_STR(h_lit("CAST(NULL AS TIMESTAMP) + INTERVAL '1' DAY"), "timestamp:NULL");
    CHECK_STR(h_lit("DATE '2000-01-01' + (NULL + INTERVAL '1' DAY)"), "date:NULL");
}

TEST(interval_spark_errors) {
    CHECK_STR(h_lit("1 + INTERVAL '1' DAY"),
              "ERROR [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"1 + INTERVAL '1' "
              "DAY\" due to data type mismatch: Parameter 1 requires the \"(TIMESTAMP OR TIMESTAMP "
              "WITHOUT TIME ZONE)\" type, however \"1\" has the type \"INT\".\n== Expression ==\n"
              "1 + INTERVAL '1' DAY\n^^^^^^^^^^^^^^^^^^^^");
    CHECK(h_starts(h_lit("true + INTERVAL '1' DAY"),
                   "ERROR [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"true + INTERVAL "
                   "'1' DAY\" due to data type mismatch: Parameter 1 requires the \"(TIMESTAMP OR "
                   "TIMESTAMP WITHOUT TIME ZONE)\" type, however \"true\" has the type \"BOOLEAN\"."));
    CHECK(h_starts(h_lit("INTERVAL '1' YEAR + 1"),
                   "ERROR [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(INTERVAL '1' "
                   "YEAR + 1)\" due to data type mismatch: the left and right operands of the binary "
                   "operator have incompatible types (\"INTERVAL YEAR\" and \"INT\")."));
    CHECK(h_starts(h_lit("INTERVAL '1' YEAR + INTERVAL '2' DAY"),
                   "ERROR [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"INTERVAL '1' "
                   "YEAR + INTERVAL '2' DAY\" due to data type mismatch: Parameter 1 requires the "
                   "\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" type, however \"INTERVAL '1' "
                   "YEAR\" has the type \"INTERVAL YEAR\"."));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY - INTERVAL '1' YEAR"),
                   "ERROR [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(INTERVAL '1' "
                   "DAY - INTERVAL '1' YEAR)\" due to data type mismatch: the left and right "
                   "operands of the binary operator have incompatible types (\"INTERVAL DAY\" and "
                   "\"INTERVAL YEAR\")."));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY - DATE '2000-01-01'"),
                   "ERROR [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"(INTERVAL '1' "
                   "DAY - DATE '2000-01-01')\" due to data type mismatch: Parameter 1 requires the "
                   "\"DATE\" type, however \"INTERVAL '1' DAY\" has the type \"INTERVAL DAY\"."));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY * INTERVAL '1' DAY"),
                   "ERROR [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"(INTERVAL '1' "
                   "DAY * INTERVAL '1' DAY)\" due to data type mismatch: Parameter 2 requires the "
                   "\"NUMERIC\" type, however \"INTERVAL '1' DAY\" has the type \"INTERVAL DAY\"."));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY / INTERVAL '1' HOUR"),
                   "ERROR [DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"(INTERVAL '1' "
                   "DAY / INTERVAL '01' HOUR)\" due to data type mismatch: Parameter 2 requires the "
                   "\"NUMERIC\" type, however \"INTERVAL '01' HOUR\" has the type \"INTERVAL HOUR\"."));
    CHECK(h_starts(h_lit("2 / INTERVAL '1' DAY"),
                   "ERROR [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(2 / INTERVAL "
                   "'1' DAY)\" due to data type mismatch: the left and right operands of the binary "
                   "operator have incompatible types (\"INT\" and \"INTERVAL DAY\")."));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY % 2"),
                   "ERROR [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(INTERVAL '1' "
                   "DAY % 2)\" due to data type mismatch: the left and right operands of the binary "
                   "operator have incompatible types (\"INTERVAL DAY\" and \"INT\")."));
    for (int ansi = 0; ansi < 2; ansi++) {
        CHECK(h_starts(h_lit_ansi("DATE '2000-01-01' + INTERVAL '10' DAY / 0", ansi),
                       "ERROR [INTERVAL_DIVIDED_BY_ZERO] Division by zero."));
        CHECK(h_starts(h_lit_ansi("DATE '2000-01-01' + INTERVAL '10' MONTH / 0.0", ansi),
                       "ERROR [INTERVAL_DIVIDED_BY_ZERO] Division by zero."));
    }
    CHECK(h_starts(h_lit("DATE '2000-01-01' + INTERVAL '100000000' YEAR * 100"),
                   "ERROR [ARITHMETIC_OVERFLOW] integer overflow"));
    CHECK(h_starts(h_lit("DATE '2000-01-01' + INTERVAL '1' DAY * 1e20"),
                   "ERROR [ARITHMETIC_OVERFLOW] long overflow"));
}

/* Interval literals are values of Spark's ANSI interval types (their
 * CAST-to-string spelling here); a non-constant multiplier is still refused. */
TEST(interval_values) {
    CHECK_STR(h_lit("INTERVAL '90' DAY"), "interval:INTERVAL '90' DAY");
    CHECK_STR(h_lit("INTERVAL '1' DAY * 2"),
              "interval:INTERVAL '2 00:00:00' DAY TO SECOND");
    CHECK(h_starts(h_lit("-INTERVAL '1' YEAR"), "interval:INTERVAL '-1' YEAR"));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY > INTERVAL '2' HOUR"), "boolean:true"));
    CHECK(h_starts(h_lit("INTERVAL '1' DAY > INTERVAL '1' YEAR"),
                   "ERROR [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES]"));
    CHECK(h_starts(h_t("d + INTERVAL '1' DAY * year(d)"),
                   "ERROR [UNSUPPORTED_FEATURE] smelt computes interval arithmetic while analysing"));
    /* the parser's internal call is not a user function */
    CHECK(h_starts(h_lit("interval(1L, 2L, 3L, 4)"), "ERROR [UNSUPPORTED_FEATURE]"));
}

/* date - date, timestamp - timestamp and interval arithmetic per row. */
TEST(interval_runtime) {
    CHECK_STR(h_t("d - DATE '1994-01-01'"),
              "interval:INTERVAL '30' DAY|INTERVAL '2250' DAY|NULL");
    CHECK_STR(h_t("ts - TIMESTAMP '1994-01-31 00:00:00'"),
              "interval:INTERVAL '0 10:00:00' DAY TO SECOND|"
              "INTERVAL '2220 23:30:00.5' DAY TO SECOND|NULL");
    CHECK_STR(h_t("-(d - DATE '1994-01-01') + INTERVAL '1' HOUR"),
              "interval:INTERVAL '-29 23' DAY TO HOUR|INTERVAL '-2249 23' DAY TO HOUR|NULL");
    CHECK_STR(h_t("d - DATE '1994-01-01' > INTERVAL '31' DAY"), "boolean:false|true|NULL");
}

/* CAST to, from and between interval types (PySpark 3.5.3). */
TEST(interval_casts) {
    CHECK(h_starts(h_lit("CAST(INTERVAL '3-1' YEAR TO MONTH AS STRING)"),
                   "string:INTERVAL '3-1' YEAR TO MONTH"));
    CHECK(h_starts(h_lit("CAST('interval \\'-1-2\\' year to month' AS INTERVAL YEAR TO MONTH)"),
                   "interval:INTERVAL '-1-2' YEAR TO MONTH"));
    CHECK(h_starts(h_lit("CAST('1 02:03:04.5' AS INTERVAL DAY TO SECOND)"),
                   "interval:INTERVAL '1 02:03:04.5' DAY TO SECOND"));
    CHECK(h_starts(h_lit("CAST('1 02:03:04' AS INTERVAL DAY)"), "ERROR Interval string does not match"));
    CHECK(h_starts(h_lit("CAST('3 month 1 hour -2 days 1.5 seconds' AS INTERVAL)"),
                   "interval:3 months -2 days 1 hours 1.5 seconds"));
    CHECK(h_starts(h_lit("CAST(INTERVAL '1 02:03:04.5' DAY TO SECOND AS INTERVAL HOUR)"),
                   "interval:INTERVAL '26' HOUR"));
    CHECK(h_starts(h_lit("CAST(INTERVAL '-3-7' YEAR TO MONTH AS INTERVAL YEAR)"),
                   "interval:INTERVAL '-3' YEAR"));
    CHECK(h_starts(h_lit("CAST(INTERVAL '-36' HOUR AS INT)"), "int:-36"));
    CHECK(h_starts(h_lit("CAST(INTERVAL '-1 02:03:04.123' DAY TO SECOND AS BIGINT)"), "bigint:-93784"));
    CHECK(h_starts(h_lit("CAST(INTERVAL '10.005' SECOND AS DECIMAL(4, 2))"), "decimal:10.01"));
    CHECK(h_starts(h_lit("CAST(1000 AS INTERVAL MONTH)"), "interval:INTERVAL '1000' MONTH"));
    CHECK(h_starts(h_lit("CAST(80.654321BD AS INTERVAL HOUR TO MINUTE)"),
                   "interval:INTERVAL '01:20' HOUR TO MINUTE"));
    CHECK(h_starts(h_lit("CAST(10.123456BD AS INTERVAL SECOND)"), "interval:INTERVAL '10.123456' SECOND"));
    CHECK(h_starts(h_lit("CAST(2147483647 AS INTERVAL YEAR)"), "ERROR [CAST_OVERFLOW] The value 2147483647"));
    CHECK(h_starts(h_lit("CAST(2.5D AS INTERVAL SECOND)"),
                   "ERROR [DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION]"));
}

/* A bound tree's names are Spark's (expr/name.c), and binding the same parsed tree
 * twice resolves it twice (the rewrite never touches the parsed tree). */
TEST(interval_names_and_rebinding) {
    CHECK_STR(h_t("d + INTERVAL '1' DAY"), "date:1994-02-01|2000-03-01|NULL");
    CHECK_STR(h_name, "date_add(d, extractansiintervaldays(INTERVAL '1' DAY))"); /* PySpark 3.5.3 */
    CHECK_STR(h_lit("DATE '2000-01-01' + INTERVAL '1' DAY * 3"), "timestamp:2000-01-04 00:00:00");
    CHECK_STR(h_name, "DATE '2000-01-01' + (INTERVAL '1' DAY * 3)");
    h_table();
    sm_arena *a = sm_arena_new();
    sm_expr *e = NULL, *b1 = NULL, *b2 = NULL;
    CHECK_OK(sm_expr_parse(a, "ts - INTERVAL '1' MONTH", &e));
    sm_bind_ctx bc = {.schema = t_schema, .tz = sm_tz_utc(), .arena = a};
    CHECK_OK(sm_expr_bind(&bc, e, &b1));
    CHECK_OK(sm_expr_bind(&bc, e, &b2));
    CHECK_OK(sm_expr_bind(&bc, b1, &b2)); /* a bound tree binds again */
    sm_eval_ctx ec = {.tz = sm_tz_utc()};
    sm_vector *v = NULL;
    CHECK_OK(sm_expr_eval(&ec, b2, t_batch, &v));
    CHECK_INT(v->type, SM_TIMESTAMP);
    sm_buf buf = {0};
    sm_value x;
    sm_vector_get(v, 0, &x);
    sm_value_to_string(&x, sm_tz_utc(), &buf);
    CHECK_STR(sm_buf_cstr(&buf), "1993-12-31 10:00:00");
    sm_buf_free(&buf);
    sm_vector_unref(v);
    sm_arena_free(a);
}
