/*
 * test_binary.c — Spark's BINARY type: show()'s hex form, the text form of
 * malformed UTF-8 (Java's replacement), and the legacy settings that
 * encode/decode read (spark.sql.legacy.javaCharsets / codingErrorAction).
 * Expected values from PySpark 3.5.3 and Spark's own golden files.
 */
#include <stdio.h>
#include <string.h>

#include "expr/binary.h"
#include "rows_util.h"
#include "smelt.h"
#include "test.h"

static char *show_text(sm_dataframe *df) {
    static char out[4096];
    FILE *f = fmemopen(out, sizeof out - 1, "w");
    sm_df_show_to(df, 20, 20, f);
    fclose(f);
    return out;
}

TEST(show_prints_binary_as_hex) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = sm_sql(s, "SELECT X'4142FF' AS b, CAST(NULL AS BINARY) AS n, X'' AS e");
    CHECK_STR(show_text(df),
              "+----------+----+---+\n"
              "|         b|   n|  e|\n"
              "+----------+----+---+\n"
              "|[41 42 FF]|NULL| []|\n"
              "+----------+----+---+\n\n");
    sm_session_free(s);
}

TEST(binary_text_replaces_malformed_utf8) {
    sm_buf b = {0};
    CHECK_OK(sm_utf8_append_lossy(&b, "\xff" "A\xe4\xb8" "B\xc3\xa9", 7));
    CHECK_INT((int)b.len, 10);
    CHECK(memcmp(b.data, "\xef\xbf\xbd" "A\xef\xbf\xbd" "B\xc3\xa9", 10) == 0);
    sm_buf_free(&b);
}

TEST(legacy_charset_settings) {
    sm_session *s = sm_session_new(NULL);
    /* unset: Spark 3.5 (Java charsets, replacement) */
    CHECK_STR(rows_of(sm_sql(s, "SELECT decode(X'68656c6c6f', 'WINDOWS-1252'), hex(encode('é', 'US-ASCII'))"), false),
              "hello,3F");
    CHECK_OK(sm_session_set(s, "spark.sql.legacy.javaCharsets", "false"));
    CHECK(strstr(rows_of(sm_sql(s, "SELECT encode('a', 'WINDOWS-1252')"), false),
                 "INVALID_PARAMETER_VALUE.CHARSET") != NULL);
    CHECK_OK(sm_session_set(s, "spark.sql.legacy.codingErrorAction", "false"));
    CHECK(strstr(rows_of(sm_sql(s, "SELECT encode('é', 'US-ASCII')"), false),
                 "MALFORMED_CHARACTER_CODING") != NULL);
    CHECK(strstr(rows_of(sm_sql(s, "SELECT decode(X'FF', 'UTF-8')"), false),
                 "MALFORMED_CHARACTER_CODING") != NULL);
    CHECK_OK(sm_session_set(s, "spark.sql.legacy.codingErrorAction", "true"));
    CHECK_OK(sm_session_set(s, "spark.sql.legacy.javaCharsets", "true"));
    CHECK_STR(rows_of(sm_sql(s, "SELECT hex(encode('é', 'US-ASCII'))"), false), "3F");
    sm_session_free(s);
}
