/*
 * test_funcs2.c — the second batch of scalar functions (expr/func_string2.c,
 * expr/func_misc.c) end to end through sm_sql: each case is "SELECT expr"
 * and checks the generated column name, the type and the value as
 * CAST(value AS STRING) gives it, in the form
 *     <name> :: <type> = <value>
 * Expected values come from PySpark 3.5.3 (non-ANSI, UTC unless the test
 * says ANSI): tests/unit/gen_funcs2_expected.py prints the same lines.  A few
 * functions are Spark 4.0 ones (nullifzero, zeroifnull, the UTF-8
 * validators, to_char of a timestamp); those expectations come from Spark's
 * own golden files (../shared/conformance/spark-sql-tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "smelt.h"
#include "test.h"

static sm_session *session(bool ansi) {
    const char *conf[] = {"spark.sql.ansi.enabled", ansi ? "true" : "false",
                          "spark.sql.session.timeZone", "UTC", "smelt.threads", "1", NULL};
    return sm_session_new(conf);
}

/* "name :: type = value" of SELECT <expr>, or "ERROR <message>". */
static const char *q(sm_session *s, const char *expr) {
    static char out[4096];
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT %s", expr);
    sm_dataframe *df = sm_sql(s, sql);
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(out, sizeof out, "ERROR %s", sm_errmsg());
        return out;
    }
    const char *v = sm_result_num_rows(r) ? sm_result_get_string(r, 0, 0) : "(no rows)";
    snprintf(out, sizeof out, "%s :: %s = %s", sm_df_column_name(df, 0), sm_df_column_type(df, 0),
             v ? v : "NULL");
    sm_result_free(r);
    return out;
}

static bool starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

#define EXPECT(s, expr, want) CHECK_STR(q(s, expr), want)
#define EXPECT_ERR(s, expr, cls)                                                             \
    do {                                                                                     \
        const char *t_got = q(s, expr);                                                      \
        if (!starts(t_got, "ERROR " cls)) T_FAIL("%s gave \"%s\", expected %s", expr, t_got, cls); \
    } while (0)

TEST(funcs2_luhn_utf8) {
    sm_session *s = session(false);
    EXPECT(s, "luhn_check('4111111111111111')", "luhn_check(4111111111111111) :: boolean = true");
    EXPECT(s, "luhn_check('4111111111111112')", "luhn_check(4111111111111112) :: boolean = false");
    EXPECT(s, "luhn_check('')", "luhn_check() :: boolean = false");
    EXPECT(s, "luhn_check('41a1')", "luhn_check(41a1) :: boolean = false");
    EXPECT(s, "luhn_check(6011111111111117)", "luhn_check(6011111111111117) :: boolean = true");
    EXPECT(s, "luhn_check(NULL)", "luhn_check(NULL) :: boolean = NULL");
    /* Spark 4.0 (golden string-functions.sql.out) */
    EXPECT(s, "is_valid_utf8('abc')", "is_valid_utf8(abc) :: boolean = true");
    EXPECT(s, "make_valid_utf8('abc')", "make_valid_utf8(abc) :: string = abc");
    EXPECT(s, "validate_utf8('')", "validate_utf8() :: string = ");
    EXPECT(s, "try_validate_utf8('abc')", "try_validate_utf8(abc) :: string = abc");
    sm_session_free(s);
}

TEST(funcs2_to_number) {
    sm_session *s = session(false);
    EXPECT(s, "to_number('454', '000')", "to_number(454, 000) :: decimal(3,0) = 454");
    EXPECT(s, "to_number('12,454.8-', '00,000.9MI')",
           "to_number(12,454.8-, 00,000.9MI) :: decimal(6,1) = -12454.8");
    EXPECT(s, "to_number('<00,454.8>', '00,000.9PR')",
           "to_number(<00,454.8>, 00,000.9PR) :: decimal(6,1) = -454.8");
    EXPECT(s, "to_number('$78.12', '$00.00')", "to_number($78.12, $00.00) :: decimal(4,2) = 78.12");
    EXPECT(s, "to_number('-454', 'S999')", "to_number(-454, S999) :: decimal(3,0) = -454");
    EXPECT(s, "to_number('454', '999.99')", "to_number(454, 999.99) :: decimal(5,2) = 454.00");
    EXPECT(s, "to_number('4.54', '9D99')", "to_number(4.54, 9D99) :: decimal(3,2) = 4.54");
    EXPECT_ERR(s, "to_number('abc', '999')", "[INVALID_FORMAT.MISMATCH_INPUT]");
    EXPECT_ERR(s, "to_number('12454', '99,999')", "[INVALID_FORMAT.MISMATCH_INPUT]");
    EXPECT(s, "try_to_number('abc', '999')", "try_to_number(abc, 999) :: decimal(3,0) = NULL");
    EXPECT(s, "to_number(' 12 ', '999')", "to_number( 12 , 999) :: decimal(3,0) = 12");
    EXPECT(s, "to_number(NULL, '999')", "to_number(NULL, 999) :: decimal(3,0) = NULL");
    EXPECT_ERR(s, "to_number('1', 'x9')", "[INVALID_FORMAT.UNEXPECTED_TOKEN]");
    EXPECT_ERR(s, "to_number('1', '9.9.9')", "[INVALID_FORMAT.WRONG_NUM_TOKEN]");
    sm_session_free(s);
}

TEST(funcs2_to_char) {
    sm_session *s = session(false);
    EXPECT(s, "to_char(454, '999')", "to_char(454, 999) :: string = 454");
    EXPECT(s, "to_char(454.00, '000D00')", "to_char(454.00, 000D00) :: string = 454.00");
    EXPECT(s, "to_char(12454, '99G999')", "to_char(12454, 99G999) :: string = 12,454");
    EXPECT(s, "to_char(78.12, '$99.99')", "to_char(78.12, $99.99) :: string = $78.12");
    EXPECT(s, "to_char(-12454.8, '99G999D9S')", "to_char(-12454.8, 99G999D9S) :: string = 12,454.8-");
    EXPECT(s, "to_char(12454.8, '99G999D9S')", "to_char(12454.8, 99G999D9S) :: string = 12,454.8+");
    EXPECT(s, "to_char(-454, '999MI')", "to_char(-454, 999MI) :: string = 454-");
    EXPECT(s, "to_char(-454, '999PR')", "to_char(-454, 999PR) :: string = <454>");
    EXPECT(s, "to_char(454, '99')", "to_char(454, 99) :: string = ##");
    EXPECT(s, "to_char(5, '0000')", "to_char(5, 0000) :: string = 0005");
    EXPECT(s, "to_varchar(454, '999')", "to_char(454, 999) :: string = 454");
    EXPECT(s, "to_char(NULL, '999')", "to_char(NULL, 999) :: string = NULL");
    EXPECT(s, "to_char(0.5, '9.99')", "to_char(0.5, 9.99) :: string = 0.50");
    EXPECT(s, "to_char(-0.5, 'S9.99')", "to_char(-0.5, S9.99) :: string =  -.50");
    EXPECT(s, "to_char(12, '$999')", "to_char(12, $999) :: string = $ 12");
    /* Spark 4.0: a timestamp is date_format (golden datetime-formatting.sql.out) */
    EXPECT(s, "to_char(TIMESTAMP '2024-03-05 10:00:00', 'yyyy/MM/dd')",
           "date_format(TIMESTAMP '2024-03-05 10:00:00', yyyy/MM/dd) :: string = 2024/03/05");
    sm_session_free(s);
}

TEST(funcs2_decode) {
    sm_session *s = session(false);
    EXPECT(s, "decode(2, 1, 'a', 2, 'b', 'c')", "decode(2, 1, a, 2, b, c) :: string = b");
    EXPECT(s, "decode(3, 1, 'a', 2, 'b', 'c')", "decode(3, 1, a, 2, b, c) :: string = c");
    EXPECT(s, "decode(3, 1, 'a', 2, 'b')", "decode(3, 1, a, 2, b) :: string = NULL");
    EXPECT(s, "decode(NULL, 1, 'a', NULL, 'n')", "decode(NULL, 1, a, NULL, n) :: string = n");
    EXPECT(s, "decode(1, 1, 2.5D, 3)", "decode(1, 1, 2.5, 3) :: double = 2.5");
    EXPECT(s, "decode('abc', 'utf-8')", "decode(abc, utf-8) :: string = abc");
    EXPECT(s, "decode('h\xc3\xa9llo', 'US-ASCII')",
           "decode(h\xc3\xa9llo, US-ASCII) :: string = h\xef\xbf\xbd\xef\xbf\xbdllo");
    EXPECT(s, "decode('h\xc3\xa9llo', 'ISO-8859-1')",
           "decode(h\xc3\xa9llo, ISO-8859-1) :: string = h\xc3\x83\xc2\xa9llo");
    EXPECT_ERR(s, "decode('abc', 'bogus')", "[INVALID_PARAMETER_VALUE.CHARSET]");
    EXPECT_ERR(s, "decode('abc')", "[WRONG_NUM_ARGS");
    sm_session_free(s);
}

TEST(funcs2_format_string) {
    sm_session *s = session(false);
    EXPECT(s, "format_string('%s-%d', 'a', 5)", "format_string(%s-%d, a, 5) :: string = a-5");
    EXPECT(s, "format_string('%5.2f|%-5s|%05d', 3.14159D, 'ab', 42)",
           "format_string(%5.2f|%-5s|%05d, 3.14159, ab, 42) :: string =  3.14|ab   |00042");
    EXPECT(s, "format_string('%x %X %o %e %c %b %%', 255, 255, 8, 12345.678D, 65, true)",
           "format_string(%x %X %o %e %c %b %%, 255, 255, 8, 12345.678, 65, true) :: string = "
           "ff FF 10 1.234568e+04 A true %");
    EXPECT(s, "format_string('%2$s %1$s', 'a', 'b')", "format_string(%2$s %1$s, a, b) :: string = b a");
    EXPECT(s, "format_string('%s', NULL)", "format_string(%s, NULL) :: string = null");
    EXPECT(s, "format_string(NULL, 1)", "format_string(NULL, 1) :: string = NULL");
    EXPECT(s, "printf('%d items', 3L)", "printf(%d items, 3) :: string = 3 items");
    EXPECT(s, "format_string('%,d', 1234567)", "format_string(%,d, 1234567) :: string = 1,234,567");
    EXPECT(s, "format_string('%10.3e', 0.000123D)",
           "format_string(%10.3e, 1.23E-4) :: string =  1.230e-04");
    EXPECT(s, "format_string('%s', 1.5D)", "format_string(%s, 1.5) :: string = 1.5");
    EXPECT_ERR(s, "format_string()", "[WRONG_NUM_ARGS");
    sm_session_free(s);
}

TEST(funcs2_format_number) {
    sm_session *s = session(false);
    EXPECT(s, "format_number(12332.123456D, 4)", "format_number(12332.123456, 4) :: string = 12,332.1235");
    EXPECT(s, "format_number(12332.123456D, 0)", "format_number(12332.123456, 0) :: string = 12,332");
    EXPECT(s, "format_number(-0.5D, 0)", "format_number(-0.5, 0) :: string = -0");
    EXPECT(s, "format_number(12332.123456D, '##,###.###')",
           "format_number(12332.123456, ##,###.###) :: string = 12,332.123");
    EXPECT(s, "format_number(1234567, 2)", "format_number(1234567, 2) :: string = 1,234,567.00");
    EXPECT(s, "format_number(1.5D, -1)", "format_number(1.5, -1) :: string = NULL");
    EXPECT(s, "format_number(0.125D, 2)", "format_number(0.125, 2) :: string = 0.12");
    EXPECT(s, "format_number(1.005D, 2)", "format_number(1.005, 2) :: string = 1.00");
    EXPECT(s, "format_number(-1234.5678D, '#,##0.0#')",
           "format_number(-1234.5678, #,##0.0#) :: string = -1,234.57");
    EXPECT(s, "format_number(0.5D, '#.##')", "format_number(0.5, #.##) :: string = 0.5");
    EXPECT(s, "format_number(CAST(12.345 AS DECIMAL(5,3)), 2)",
           "format_number(CAST(12.345 AS DECIMAL(5,3)), 2) :: string = 12.34");
    sm_session_free(s);
}

TEST(funcs2_strings) {
    sm_session *s = session(false);
    EXPECT(s, "elt(2, 'a', 'b', 'c')", "elt(2, a, b, c) :: string = b");
    EXPECT(s, "elt(4, 'a', 'b', 'c')", "elt(4, a, b, c) :: string = NULL");
    EXPECT(s, "elt(0, 'a', 'b')", "elt(0, a, b) :: string = NULL");
    EXPECT(s, "elt(NULL, 'a')", "elt(NULL, a) :: string = NULL");
    EXPECT(s, "elt(1, 2, 3)", "elt(1, 2, 3) :: string = 2");
    EXPECT(s, "soundex('Robert')", "soundex(Robert) :: string = R163");
    EXPECT(s, "soundex('Tymczak')", "soundex(Tymczak) :: string = T522");
    EXPECT(s, "soundex('')", "soundex() :: string = ");
    EXPECT(s, "soundex('123')", "soundex(123) :: string = 123");
    EXPECT(s, "soundex('Ashcraft')", "soundex(Ashcraft) :: string = A261");
    EXPECT(s, "levenshtein('kitten', 'sitting')", "levenshtein(kitten, sitting) :: int = 3");
    EXPECT(s, "levenshtein('kitten', 'sitting', 2)", "levenshtein(kitten, sitting, 2) :: int = -1");
    EXPECT(s, "levenshtein('kitten', 'sitting', 3)", "levenshtein(kitten, sitting, 3) :: int = 3");
    EXPECT(s, "levenshtein('', 'abc')", "levenshtein(, abc) :: int = 3");
    EXPECT(s, "overlay('Spark SQL', '_', 6)", "overlay(Spark SQL, _, 6, -1) :: string = Spark_SQL");
    EXPECT(s, "overlay('Spark SQL', 'CORE', 7)", "overlay(Spark SQL, CORE, 7, -1) :: string = Spark CORE");
    EXPECT(s, "overlay('Spark SQL', 'ANSI ', 7, 0)",
           "overlay(Spark SQL, ANSI , 7, 0) :: string = Spark ANSI SQL");
    EXPECT(s, "overlay('Spark SQL', 'tructured', 2, 4)",
           "overlay(Spark SQL, tructured, 2, 4) :: string = Structured SQL");
    EXPECT(s, "char(65)", "char(65) :: string = A");
    EXPECT(s, "chr(321)", "chr(321) :: string = A");
    EXPECT(s, "chr(-1)", "chr(-1) :: string = ");
    EXPECT(s, "bit_length('h\xc3\xa9llo')", "bit_length(h\xc3\xa9llo) :: int = 48");
    EXPECT(s, "space(3)", "space(3) :: string =    ");
    EXPECT(s, "space(-1)", "space(-1) :: string = ");
    EXPECT(s, "substring_index('www.apache.org', '.', 2)",
           "substring_index(www.apache.org, ., 2) :: string = www.apache");
    EXPECT(s, "substring_index('www.apache.org', '.', -2)",
           "substring_index(www.apache.org, ., -2) :: string = apache.org");
    EXPECT(s, "substring_index('www.apache.org', '.', 0)",
           "substring_index(www.apache.org, ., 0) :: string = ");
    EXPECT(s, "substring_index('www.apache.org', '', 1)",
           "substring_index(www.apache.org, , 1) :: string = ");
    EXPECT(s, "substring_index('www.apache.org', '.', 10)",
           "substring_index(www.apache.org, ., 10) :: string = www.apache.org");
    EXPECT(s, "find_in_set('ab', 'abc,b,ab,c,def')", "find_in_set(ab, abc,b,ab,c,def) :: int = 3");
    EXPECT(s, "find_in_set('x', 'abc,b')", "find_in_set(x, abc,b) :: int = 0");
    EXPECT(s, "find_in_set('a,b', 'a,b')", "find_in_set(a,b, a,b) :: int = 0");
    EXPECT(s, "find_in_set('', ',a')", "find_in_set(, ,a) :: int = 1");
    EXPECT(s, "mask('AbCD123-@$#')", "mask(AbCD123-@$#, X, x, n, NULL) :: string = XxXXnnn-@$#");
    EXPECT(s, "mask('AbCD123-@$#', 'Q', 'q', 'd', 'o')",
           "mask(AbCD123-@$#, Q, q, d, o) :: string = QqQQdddoooo");
    EXPECT(s, "mask('AbCD123-@$#', NULL, NULL, NULL, NULL)",
           "mask(AbCD123-@$#, NULL, NULL, NULL, NULL) :: string = AbCD123-@$#");
    EXPECT(s, "mask('abcd-EFGH-8765-4321', 'Z', 'z', 'd')",
           "mask(abcd-EFGH-8765-4321, Z, z, d, NULL) :: string = zzzz-ZZZZ-dddd-dddd");
    EXPECT(s, "base64('Spark SQL')", "base64(Spark SQL) :: string = U3BhcmsgU1FM");
    EXPECT(s, "base64('')", "base64() :: string = ");
    EXPECT(s, "base64(repeat('a', 60))",
           "base64(repeat(a, 60)) :: string = "
           "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\r\nYWFh");
    EXPECT(s, "hex(17)", "hex(17) :: string = 11");
    EXPECT(s, "hex(-1)", "hex(-1) :: string = FFFFFFFFFFFFFFFF");
    EXPECT(s, "hex('Spark SQL')", "hex(Spark SQL) :: string = 537061726B2053514C");
    EXPECT(s, "hex(17L)", "hex(17) :: string = 11");
    EXPECT(s, "bin(13)", "bin(13) :: string = 1101");
    EXPECT(s, "bin(-13)",
           "bin(-13) :: string = 1111111111111111111111111111111111111111111111111111111111110011");
    EXPECT(s, "conv('100', 2, 10)", "conv(100, 2, 10) :: string = 4");
    EXPECT(s, "conv('-10', 16, -10)", "conv(-10, 16, -10) :: string = -16");
    EXPECT(s, "conv('ff', 16, 2)", "conv(ff, 16, 2) :: string = 11111111");
    EXPECT(s, "conv('zz', 36, 16)", "conv(zz, 36, 16) :: string = 50F");
    EXPECT(s, "conv('-1', 10, 16)", "conv(-1, 10, 16) :: string = FFFFFFFFFFFFFFFF");
    EXPECT(s, "conv('123', 1, 10)", "conv(123, 1, 10) :: string = NULL");
    EXPECT(s, "conv('12x', 10, 16)", "conv(12x, 10, 16) :: string = C");
    sm_session_free(s);
}

TEST(funcs2_misc) {
    sm_session *s = session(false);
    EXPECT(s, "equal_null(1, 1)", "equal_null(1, 1) :: boolean = true");
    EXPECT(s, "equal_null(NULL, NULL)", "equal_null(NULL, NULL) :: boolean = true");
    EXPECT(s, "equal_null(1, NULL)", "equal_null(1, NULL) :: boolean = false");
    EXPECT(s, "equal_null('a', 'b')", "equal_null(a, b) :: boolean = false");
    EXPECT(s, "typeof(1)", "typeof(1) :: string = int");
    EXPECT(s, "typeof(1L)", "typeof(1) :: string = bigint");
    EXPECT(s, "typeof('a')", "typeof(a) :: string = string");
    EXPECT(s, "typeof(1.5)", "typeof(1.5) :: string = decimal(2,1)");
    EXPECT(s, "typeof(1.5D)", "typeof(1.5) :: string = double");
    EXPECT(s, "typeof(NULL)", "typeof(NULL) :: string = void");
    EXPECT(s, "typeof(DATE '2024-01-01')", "typeof(DATE '2024-01-01') :: string = date");
    EXPECT(s, "typeof(true)", "typeof(true) :: string = boolean");
    EXPECT(s, "assert_true(1 < 2)", "assert_true((1 < 2), '(1 < 2)' is not true!) :: void = NULL");
    EXPECT_ERR(s, "assert_true(1 > 2)", "[USER_RAISED_EXCEPTION] '(1 > 2)' is not true!");
    EXPECT_ERR(s, "assert_true(1 > 2, 'nope')", "[USER_RAISED_EXCEPTION] nope");
    EXPECT_ERR(s, "raise_error('boom')", "[USER_RAISED_EXCEPTION] boom");
    EXPECT(s, "current_database()", "current_database() :: string = default");
    EXPECT(s, "current_schema()", "current_database() :: string = default");
    EXPECT(s, "rand(42)", "rand(42) :: double = 0.619189370225301");
    EXPECT(s, "rand(0)", "rand(0) :: double = 0.7604953758285915");
    EXPECT(s, "random(7)", "rand(7) :: double = 0.28188121484885875");
    EXPECT(s, "length(uuid())", "length(uuid()) :: int = 36");
    EXPECT(s, "next_day('2015-07-23', 'Mon')", "next_day(2015-07-23, Mon) :: date = 2015-07-27");
    EXPECT(s, "next_day('2015-07-23', 'xx')", "next_day(2015-07-23, xx) :: date = NULL");
    EXPECT(s, "date_diff('2024-01-05', '2024-01-01')", "date_diff(2024-01-05, 2024-01-01) :: int = 4");
    EXPECT(s, "nullifzero(0.0)", "nullifzero(0.0) :: decimal(1,1) = NULL");
    EXPECT(s, "current_catalog()", "current_catalog() :: string = spark_catalog");
    /* Spark 4.0 (golden conditional-functions.sql.out) */
    EXPECT(s, "nullifzero(0)", "nullifzero(0) :: int = NULL");
    EXPECT(s, "nullifzero(1)", "nullifzero(1) :: int = 1");
    EXPECT(s, "zeroifnull(NULL)", "zeroifnull(NULL) :: int = 0");
    EXPECT(s, "zeroifnull(CAST(1 AS BIGINT))", "zeroifnull(CAST(1 AS BIGINT)) :: bigint = 1");
    sm_session_free(s);
}

TEST(funcs2_math) {
    sm_session *s = session(false);
    EXPECT(s, "factorial(5)", "factorial(5) :: bigint = 120");
    EXPECT(s, "factorial(20)", "factorial(20) :: bigint = 2432902008176640000");
    EXPECT(s, "factorial(21)", "factorial(21) :: bigint = NULL");
    EXPECT(s, "factorial(-1)", "factorial(-1) :: bigint = NULL");
    EXPECT(s, "factorial(0)", "factorial(0) :: bigint = 1");
    EXPECT(s, "shiftleft(1, 3)", "shiftleft(1, 3) :: int = 8");
    EXPECT(s, "shiftleft(1L, 63)", "shiftleft(1, 63) :: bigint = -9223372036854775808");
    EXPECT(s, "shiftright(-8, 1)", "shiftright(-8, 1) :: int = -4");
    EXPECT(s, "shiftrightunsigned(-8, 1)", "shiftrightunsigned(-8, 1) :: int = 2147483644");
    EXPECT(s, "shiftrightunsigned(-8L, 1)", "shiftrightunsigned(-8, 1) :: bigint = 9223372036854775804");
    EXPECT(s, "shiftleft(1, 33)", "shiftleft(1, 33) :: int = 2");
    EXPECT(s, "rint(2.5D)", "rint(2.5) :: double = 2.0");
    EXPECT(s, "rint(-3.5D)", "rint(-3.5) :: double = -4.0");
    EXPECT(s, "rint(12.3456)", "rint(12.3456) :: double = 12.0");
    EXPECT(s, "hypot(3, 4)", "HYPOT(3, 4) :: double = 5.0");
    EXPECT(s, "cot(1.0D)", "COT(1.0) :: double = 0.6420926159343306");
    EXPECT(s, "sec(0.0D)", "SEC(0.0) :: double = 1.0");
    EXPECT(s, "csc(1.0D)", "CSC(1.0) :: double = 1.1883951057781212");
    EXPECT(s, "asinh(1.0D)", "ASINH(1.0) :: double = 0.8813735870195429");
    EXPECT(s, "acosh(1.0D)", "ACOSH(1.0) :: double = 0.0");
    EXPECT(s, "atanh(0.5D)", "ATANH(0.5) :: double = 0.5493061443340548");
    EXPECT(s, "width_bucket(5.3D, 0.2D, 10.6D, 5)", "width_bucket(5.3, 0.2, 10.6, 5) :: bigint = 3");
    EXPECT(s, "width_bucket(-2.1D, 1.3D, 3.4D, 3)", "width_bucket(-2.1, 1.3, 3.4, 3) :: bigint = 0");
    EXPECT(s, "width_bucket(8.1D, 0.0D, 5.7D, 4)", "width_bucket(8.1, 0.0, 5.7, 4) :: bigint = 5");
    EXPECT(s, "width_bucket(-0.9D, 5.2D, 0.5D, 2)", "width_bucket(-0.9, 5.2, 0.5, 2) :: bigint = 3");
    EXPECT(s, "width_bucket(1, 0, 10, 0)", "width_bucket(1, 0, 10, 0) :: bigint = NULL");
    EXPECT(s, "width_bucket(5, 0, 10, NULL)", "width_bucket(5, 0, 10, NULL) :: bigint = NULL");
    EXPECT(s, "bit_count(7)", "bit_count(7) :: int = 3");
    EXPECT(s, "bit_count(-1L)", "bit_count(-1) :: int = 64");
    sm_session_free(s);
}

TEST(funcs2_try_arith) {
    sm_session *s = session(false);
    EXPECT(s, "try_add(1, 2)", "try_add(1, 2) :: int = 3");
    EXPECT(s, "try_add(2147483647, 1)", "try_add(2147483647, 1) :: int = NULL");
    EXPECT(s, "try_add(9223372036854775807L, 1)", "try_add(9223372036854775807, 1) :: bigint = NULL");
    EXPECT(s, "try_add(1.5D, 2)", "try_add(1.5, 2) :: double = 3.5");
    EXPECT(s, "try_add(DATE '2024-01-01', 1)", "try_add(DATE '2024-01-01', 1) :: date = 2024-01-02");
    EXPECT(s, "try_add(CAST(1.5 AS DECIMAL(3,1)), 1)",
           "try_add(CAST(1.5 AS DECIMAL(3,1)), 1) :: decimal(4,1) = 2.5");
    EXPECT(s, "try_subtract(-2147483648, 1)", "try_subtract(-2147483648, 1) :: int = NULL");
    EXPECT(s, "try_subtract(5, 3)", "try_subtract(5, 3) :: int = 2");
    EXPECT(s, "try_multiply(2147483647, 2)", "try_multiply(2147483647, 2) :: int = NULL");
    EXPECT(s, "try_multiply(3, 4L)", "try_multiply(3, 4) :: bigint = 12");
    EXPECT(s, "try_divide(1, 0)", "try_divide(1, 0) :: double = NULL");
    EXPECT(s, "try_divide(6, 4)", "try_divide(6, 4) :: double = 1.5");
    EXPECT(s, "try_divide(CAST(1 AS DECIMAL(3,0)), 3)",
           "try_divide(CAST(1 AS DECIMAL(3,0)), 3) :: decimal(9,6) = 0.333333");
    EXPECT(s, "try_divide(1.0D, 0.0D)", "try_divide(1.0, 0.0) :: double = NULL");
    sm_session_free(s);
}

TEST(funcs2_ansi) {
    sm_session *s = session(true);
    EXPECT_ERR(s, "elt(4, 'a', 'b', 'c')", "[INVALID_ARRAY_INDEX]");
    EXPECT(s, "try_add(2147483647, 1)", "try_add(2147483647, 1) :: int = NULL");
    EXPECT(s, "try_divide(1, 0)", "try_divide(1, 0) :: double = NULL");
    EXPECT(s, "factorial(21)", "factorial(21) :: bigint = NULL");
    EXPECT(s, "conv('12x', 10, 16)", "conv(12x, 10, 16) :: string = C");
    EXPECT_ERR(s, "to_number('abc', '999')", "[INVALID_FORMAT.MISMATCH_INPUT]");
    EXPECT(s, "width_bucket(5, 0, 10, 0)", "width_bucket(5, 0, 10, 0) :: bigint = NULL");
    EXPECT(s, "format_number(-0.5D, 0)", "format_number(-0.5, 0) :: string = -0");
    EXPECT(s, "shiftleft(1, 33)", "shiftleft(1, 33) :: int = 2");
    /* Spark 4.0 golden (conditional-functions.sql.out): CAST_INVALID_INPUT */
    EXPECT_ERR(s, "nullifzero('abc')", "[CAST_INVALID_INPUT]");
    EXPECT_ERR(s, "zeroifnull('abc')", "[CAST_INVALID_INPUT]");
    EXPECT_ERR(s, "next_day('2015-07-23', 'xx')", "[ILLEGAL_DAY_OF_WEEK]");
    sm_session_free(s);
}
