/*
 * test_time.c — the TIME type (Spark 4.1's TimeType; types/timeofday.c,
 * expr/cast_time.c, the Parquet reader and writer): text forms, DDL,
 * casts, literals, comparison / grouping / sorting / hashing, hour /
 * minute / second, CSV / JSON / Parquet output and Parquet round trips.
 *
 * Expected values are written by hand from Spark 4.1's documented rules
 * (PySpark 3.5, the reference elsewhere, has no TIME type): CAST to string
 * is "HH:mm:ss" plus the fraction without trailing zeros, microseconds at
 * most; values are nanoseconds since midnight.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"
#include "rows_util.h"
#include "smelt.h"
#include "test.h"
#include "types/decimal.h"
#include "types/timeofday.h"
#include "types/types.h"

static char t_dir[64];

static sm_session *open_session(void) {
    strcpy(t_dir, "/tmp/smelt-time-XXXXXX");
    if (!mkdtemp(t_dir)) return NULL;
    char wh[128];
    snprintf(wh, sizeof wh, "%s/wh", t_dir);
    const char *conf[] = {"spark.sql.warehouse.dir", wh, "smelt.threads", "2", NULL};
    return sm_session_new(conf);
}

static void close_session(sm_session *s) {
    sm_session_free(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", t_dir);
}

static char *q(sm_session *s, const char *sql, bool ordered) { return rows_of(sm_sql(s, sql), ordered); }

/* The text of the part files (prefix "part-") under dir, in name order. */
static char *read_parts(const char *dir) {
    static char buf[4096];
    buf[0] = 0;
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (strncmp(names[i]->d_name, "part-", 5) == 0) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, names[i]->d_name);
            FILE *f = fopen(p, "r");
            if (f) {
                len += fread(buf + len, 1, sizeof buf - 1 - len, f);
                fclose(f);
            }
        }
        free(names[i]);
    }
    free(names);
    buf[len] = 0;
    return buf;
}

TEST(time_text_forms) {
    char b[32];
    CHECK_INT(sm_format_time(0, b), 8);
    CHECK_STR(b, "00:00:00");
    sm_format_time(45296500000000, b); /* 12:34:56.5 */
    CHECK_STR(b, "12:34:56.5");
    sm_format_time(SM_NANOS_PER_DAY - 1000, b);
    CHECK_STR(b, "23:59:59.999999");
    sm_format_time(3723000001000, b);
    CHECK_STR(b, "01:02:03.000001");
    sm_format_time(3723000000999, b); /* below a microsecond: not shown */
    CHECK_STR(b, "01:02:03");

    int64_t ns = -1;
    CHECK(sm_parse_time("12:34:56.5", 10, 6, &ns));
    CHECK_INT(ns, 45296500000000);
    CHECK(sm_parse_time(" 1:2 ", 5, 6, &ns));
    CHECK_INT(ns, 3720000000000);
    CHECK(sm_parse_time("01:02:03.123456789", 18, 6, &ns)); /* truncated to p */
    CHECK_INT(ns, 3723123456000);
    CHECK(sm_parse_time("01:02:03.987", 12, 0, &ns));
    CHECK_INT(ns, 3723000000000);
    CHECK(sm_parse_time("01:02:03.987", 12, 2, &ns));
    CHECK_INT(ns, 3723980000000);
    CHECK(!sm_parse_time("24:00", 5, 6, &ns));
    CHECK(!sm_parse_time("12:60", 5, 6, &ns));
    CHECK(!sm_parse_time("12:00:60", 8, 6, &ns));
    CHECK(!sm_parse_time("12", 2, 6, &ns));
    CHECK(!sm_parse_time("12:00:00.", 9, 6, &ns));
    CHECK(!sm_parse_time("12:00:00.1234567890", 19, 6, &ns));
    CHECK(!sm_parse_time("12:00x", 6, 6, &ns));
    CHECK(!sm_parse_time("", 0, 6, &ns));
    CHECK_INT(sm_time_truncate(3723987654321, 3), 3723987000000);
}

TEST(time_type_names_and_ddl) {
    int p = -1, s = -1;
    CHECK_INT(sm_type_parse_ps("time", 4, &p, &s), SM_TIME);
    CHECK_INT(sm_time_prec(p), 6);
    CHECK_INT(sm_type_parse_ps("TIME(3)", 7, &p, &s), SM_TIME);
    CHECK_INT(sm_time_prec(p), 3);
    CHECK_INT(sm_type_parse_ps("time(0)", 7, &p, &s), SM_TIME);
    CHECK_INT(sm_time_prec(p), 0);
    CHECK_INT(sm_type_parse_ps("time(7)", 7, &p, &s), -1);
    char b[64];
    sm_type_format(b, sizeof b, SM_TIME, sm_time_slot(6), 0, NULL);
    CHECK_STR(b, "time(6)");
    sm_type_format(b, sizeof b, SM_TIME, sm_time_slot(2), 0, NULL);
    CHECK_STR(b, "time(2)");
    sm_type_format(b, sizeof b, SM_TIME, 0, 0, NULL); /* a zero slot is the default */
    CHECK_STR(b, "time(6)");
    CHECK(sm_type_phys(SM_TIME) == SM_BIGINT);
    const sm_dtype *dt = NULL;
    CHECK_INT(sm_dtype_parse("struct<a: time(3), b: array<time>>", 34, &dt), SM_STRUCT);
    if (dt) {
        sm_dtype_format(b, sizeof b, dt);
        CHECK_STR(b, "struct<a:time(3),b:array<time(6)>>");
    }
    /* an empty struct interns and prints */
    const sm_dtype *e = sm_dtype_struct(0, NULL);
    CHECK(e != NULL);
    if (e) {
        sm_dtype_format(b, sizeof b, e);
        CHECK_STR(b, "struct<>");
        CHECK(e == sm_dtype_struct(0, NULL));
    }
}

TEST(time_sql_literals_casts_and_functions) {
    sm_session *s = open_session();
    CHECK(s != NULL);
    if (!s) return;
    CHECK_STR(q(s, "SELECT TIME'12:34:56.5', TIME '00:00', CAST(TIME'07:08:09.100' AS STRING)", true),
              "12:34:56.5,00:00:00,07:08:09.1");
    CHECK_STR(q(s, "SELECT CAST('01:02:03.123456789' AS TIME), CAST('1:2' AS TIME(0)), "
                   "CAST('25:00' AS TIME), CAST(NULL AS TIME), CAST('23:59:59.987' AS TIME(1))", true),
              "01:02:03.123456,01:02:00,NULL,NULL,23:59:59.9");
    CHECK_STR(q(s, "SELECT typeof(TIME'10:00'), typeof(CAST('10:00' AS TIME(3))), "
                   "CAST(CAST(TIME'10:00:00.456' AS TIME(2)) AS STRING)", true),
              "time(6),time(3),10:00:00.45");
    CHECK_STR(q(s, "SELECT hour(TIME'13:14:15.5'), minute(TIME'13:14:15.5'), second(TIME'13:14:15.5')", true),
              "13,14,15");
    CHECK_STR(q(s, "SELECT TIME'10:00' < TIME'11:00', TIME'10:00' = CAST('10:00:00' AS TIME), "
                   "TIME'10:00:00.5' > TIME'10:00:00.25'", true),
              "true,true,true");
    /* column names as Spark 4.1 gives them */
    sm_dataframe *n = sm_sql(s, "SELECT TIME'12:34:56.50', CAST('10:00' AS TIME(3)), hour(TIME'01:02:03')");
    CHECK(n != NULL);
    if (n) {
        CHECK_STR(sm_df_column_name(n, 0), "TIME '12:34:56.5'");
        CHECK_STR(sm_df_column_name(n, 1), "CAST(10:00 AS TIME(3))");
        CHECK_STR(sm_df_column_name(n, 2), "hour(TIME '01:02:03')");
        CHECK_STR(sm_df_column_type(n, 1), "time(3)");
    }
    /* a malformed TIME literal is a parse error */
    CHECK(sm_sql(s, "SELECT TIME'25:00'") == NULL);
    CHECK(strstr(sm_last_error(), "INVALID_TYPED_LITERAL") != NULL);
    /* TIME casts only to and from strings (and other times) */
    CHECK(sm_sql(s, "SELECT CAST(TIME'10:00' AS INT)") == NULL);
    close_session(s);
}

TEST(time_sql_sort_group_hash_filter) {
    sm_session *s = open_session();
    CHECK(s != NULL);
    if (!s) return;
    CHECK(sm_sql(s, "CREATE TEMPORARY VIEW tt AS SELECT * FROM VALUES (1, TIME'12:34:56.5'), "
                    "(2, TIME'00:00:01'), (3, NULL), (4, TIME'23:59:59.999999'), (5, TIME'00:00:01') "
                    "AS tt(id, t)") != NULL);
    CHECK_STR(q(s, "SELECT id, t FROM tt ORDER BY t, id", true),
              "3,NULL|2,00:00:01|5,00:00:01|1,12:34:56.5|4,23:59:59.999999");
    CHECK_STR(q(s, "SELECT id FROM tt ORDER BY t DESC NULLS LAST, id", true), "4|1|2|5|3");
    CHECK_STR(q(s, "SELECT t, count(*) FROM tt GROUP BY t", false),
              "00:00:01,2|12:34:56.5,1|23:59:59.999999,1|NULL,1");
    CHECK_STR(q(s, "SELECT count(DISTINCT t), min(t), max(t) FROM tt", true), "3,00:00:01,23:59:59.999999");
    CHECK_STR(q(s, "SELECT id FROM tt WHERE t > TIME'12:00' OR t IS NULL", false), "1|3|4");
    CHECK_STR(q(s, "SELECT id FROM tt WHERE t IN (TIME'00:00:01', TIME'12:34:56.5')", false), "1|2|5");
    /* Spark hashes a time as its long value (nanoseconds) */
    CHECK_STR(q(s, "SELECT hash(t) = hash(CAST(5000000000 AS BIGINT) / 5 * 5) FROM tt WHERE id = 2", true),
              "false");
    CHECK_STR(q(s, "SELECT hash(TIME'00:00:01') = hash(1000000000L)", true), "true");
    CHECK_STR(q(s, "SELECT a.id, b.id FROM tt a JOIN tt b ON a.t = b.t AND a.id < b.id", true), "2,5");
    CHECK_STR(q(s, "SELECT typeof(t) FROM tt WHERE id = 1", true), "time(6)");
    close_session(s);
}

TEST(time_csv_json_output) {
    sm_session *s = open_session();
    CHECK(s != NULL);
    if (!s) return;
    sm_dataframe *df = sm_sql(s, "SELECT 1 AS id, TIME'08:09:10.25' AS t UNION ALL SELECT 2, NULL");
    CHECK(df != NULL);
    char p[128];
    snprintf(p, sizeof p, "%s/csv", t_dir);
    const char *one[] = {"header", "false", NULL};
    CHECK_OK(sm_df_write_csv(df, p, "overwrite", one));
    CHECK_STR(read_parts(p), "1,08:09:10.25\n2,\n");
    snprintf(p, sizeof p, "%s/json", t_dir);
    CHECK_OK(sm_df_write_json(df, p, "overwrite", NULL));
    CHECK_STR(read_parts(p), "{\"id\":1,\"t\":\"08:09:10.25\"}\n{\"id\":2}\n");
    /* and read back with a TIME schema */
    sm_dataframe *j = sm_read_json(s, p, NULL, "id INT, t TIME(1)");
    CHECK_STR(rows_of(j, false), "1,08:09:10.2|2,NULL");
    snprintf(p, sizeof p, "%s/csv", t_dir);
    sm_dataframe *c = sm_read_csv(s, p, NULL, "id INT, t TIME");
    CHECK_STR(rows_of(c, false), "1,08:09:10.25|2,NULL");
    close_session(s);
}

TEST(time_parquet_round_trip) {
    sm_session *s = open_session();
    CHECK(s != NULL);
    if (!s) return;
    char p[128], sql[256];
    snprintf(p, sizeof p, "%s/pq", t_dir);
    sm_dataframe *df = sm_sql(s, "SELECT * FROM VALUES (1, TIME'12:34:56.5'), (2, NULL), "
                                 "(3, TIME'23:59:59.999999'), (4, CAST('00:00:00.000001' AS TIME(6))) AS v(id, t)");
    CHECK(df != NULL);
    CHECK_OK(sm_df_write_parquet(df, p, "overwrite", NULL));
    snprintf(sql, sizeof sql, "SELECT id, t, typeof(t) FROM parquet.`%s` ORDER BY id", p);
    CHECK_STR(q(s, sql, true),
              "1,12:34:56.5,time(6)|2,NULL,time(6)|3,23:59:59.999999,time(6)|4,00:00:00.000001,time(6)");
    /* statistics and filters on the written column */
    snprintf(sql, sizeof sql, "SELECT id FROM parquet.`%s` WHERE t >= TIME'12:00'", p);
    CHECK_STR(q(s, sql, false), "1|3");
    /* a table with a TIME column keeps its precision through the catalog */
    CHECK(sm_sql(s, "CREATE TABLE tp (id INT, t TIME(3)) USING parquet") != NULL);
    CHECK(sm_sql(s, "INSERT INTO tp VALUES (1, TIME'01:02:03.4567')") != NULL);
    CHECK_STR(q(s, "SELECT id, CAST(t AS STRING), typeof(t) FROM tp", true), "1,01:02:03.456,time(3)");
    close_session(s);
}
