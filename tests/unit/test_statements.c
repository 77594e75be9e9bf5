/*
 * test_statements.c — SQL statements through sm_sql (sql/statements.c,
 * api/tables.c): databases, tables, views, INSERT, SHOW / DESCRIBE / SET
 * output, with Spark 3.5's column names and error classes.  Each test runs
 * in its own temporary warehouse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "common/status.h"
#include "test.h"

static char t_dir[64];

static sm_session *open_session(void) {
    strcpy(t_dir, "/tmp/smelt-stmt-XXXXXX");
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

static int run(sm_session *s, const char *sql) {
    sm_dataframe *df = sm_sql(s, sql);
    if (!df) return sm_errcode() ? sm_errcode() : -1;
    return 0;
}

/* All rows of a statement's result as "a|b\n" lines (sorted unless ordered),
 * with the schema as the first line "name:type,...". */
static char *rows_of(sm_session *s, const char *sql, bool sort) {
    static char out[8192];
    sm_dataframe *df = sm_sql(s, sql);
    if (!df) {
        snprintf(out, sizeof out, "ERROR %s", sm_errmsg());
        return out;
    }
    sm_result *r = sm_df_collect(df);
    if (!r) {
        snprintf(out, sizeof out, "ERROR %s", sm_errmsg());
        return out;
    }
    int n = (int)sm_result_num_rows(r), nc = sm_result_num_columns(r);
    char **lines = calloc((size_t)n + 1, sizeof *lines);
    for (int i = 0; i < n; i++) {
        char buf[1024] = "";
        for (int c = 0; c < nc; c++) {
            const char *v = sm_result_get_string(r, i, c);
            strncat(buf, c ? "|" : "", sizeof buf - strlen(buf) - 1);
            strncat(buf, v ? v : "NULL", sizeof buf - strlen(buf) - 1);
        }
        lines[i] = strdup(buf);
    }
    if (sort)
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (strcmp(lines[i], lines[j]) > 0) {
                    char *t = lines[i];
                    lines[i] = lines[j];
                    lines[j] = t;
                }
    out[0] = 0;
    for (int c = 0; c < sm_df_num_columns(df); c++) {
        strncat(out, c ? "," : "", sizeof out - strlen(out) - 1);
        strncat(out, sm_df_column_name(df, c), sizeof out - strlen(out) - 1);
        strncat(out, ":", sizeof out - strlen(out) - 1);
        strncat(out, sm_df_column_type(df, c), sizeof out - strlen(out) - 1);
    }
    strncat(out, "\n", sizeof out - strlen(out) - 1);
    for (int i = 0; i < n; i++) {
        strncat(out, lines[i], sizeof out - strlen(out) - 1);
        strncat(out, "\n", sizeof out - strlen(out) - 1);
        free(lines[i]);
    }
    free(lines);
    sm_result_free(r);
    return out;
}

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

TEST(stmt_databases) {
    sm_session *s = open_session();
    CHECK(s != NULL);
    CHECK_OK(run(s, "CREATE DATABASE db1"));
    CHECK_INT(run(s, "CREATE DATABASE DB1"), SM_EXISTS);
    CHECK(starts(sm_errmsg(), "[SCHEMA_ALREADY_EXISTS] Cannot create schema `db1`"));
    CHECK_OK(run(s, "CREATE SCHEMA IF NOT EXISTS db1"));
    CHECK_STR(rows_of(s, "SHOW DATABASES", true), "namespace:string\ndb1\ndefault\n");
    CHECK_STR(rows_of(s, "SHOW DATABASES LIKE 'def*'", true), "namespace:string\ndefault\n");
    CHECK_INT(run(s, "USE nosuch"), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[SCHEMA_NOT_FOUND] The schema `nosuch` cannot be found."));
    CHECK_OK(run(s, "USE db1"));
    CHECK_STR(s->current_db, "db1");
    CHECK_OK(run(s, "CREATE TABLE t (a INT) USING csv"));
    CHECK_STR(rows_of(s, "SHOW TABLES", true), "namespace:string,tableName:string,isTemporary:boolean\ndb1|t|false\n");
    CHECK_OK(run(s, "USE default"));
    CHECK_INT(run(s, "DROP DATABASE db1"), SM_ANALYSIS);
    CHECK(starts(sm_errmsg(), "[SCHEMA_NOT_EMPTY] Cannot drop a schema `db1` because it contains objects."));
    CHECK_OK(run(s, "DROP DATABASE db1 CASCADE"));
    CHECK_INT(run(s, "DROP DATABASE db1"), SM_NOT_FOUND);
    CHECK_OK(run(s, "DROP DATABASE IF EXISTS db1"));
    char p[160];
    snprintf(p, sizeof p, "%s/wh/db1.db", t_dir);
    struct stat st;
    CHECK(stat(p, &st) != 0); /* the database directory went with it */
    close_session(s);
}

TEST(stmt_create_insert_select) {
    sm_session *s = open_session();
    CHECK(s != NULL);
    CHECK_OK(run(s, "CREATE TABLE t (a INT, b STRING, c DOUBLE) USING csv"));
    CHECK_STR(rows_of(s, "SELECT * FROM t", true), "a:int,b:string,c:double\n");
    CHECK_OK(run(s, "INSERT INTO t VALUES (1, 'x', 2.5), (2, 'y', NULL)"));
    CHECK_OK(run(s, "INSERT INTO TABLE t SELECT 3L, 'z', 1"));
    CHECK_STR(rows_of(s, "SELECT * FROM t", true),
              "a:int,b:string,c:double\n1|x|2.5\n2|y|NULL\n3|z|1.0\n");
    CHECK_OK(run(s, "INSERT INTO t (c, a) VALUES (9.5, 4)"));
    CHECK_STR(rows_of(s, "SELECT * FROM t WHERE a = 4", true), "a:int,b:string,c:double\n4|NULL|9.5\n");
    CHECK_OK(run(s, "INSERT OVERWRITE TABLE t VALUES (7, 'n', 1.0)"));
    CHECK_STR(rows_of(s, "SELECT * FROM t", true), "a:int,b:string,c:double\n7|n|1.0\n");
    /* the table survives the session */
    char wh[128];
    snprintf(wh, sizeof wh, "%s/wh", t_dir);
    sm_session_free(s);
    const char *conf[] = {"spark.sql.warehouse.dir", wh, NULL};
    s = sm_session_new(conf);
    CHECK_STR(rows_of(s, "SELECT * FROM t", true), "a:int,b:string,c:double\n7|n|1.0\n");
    sm_dataframe *df = sm_read_table(s, "default.t");
    CHECK(df != NULL);
    int64_t n = 0;
    if (df) CHECK_OK(sm_df_count(df, &n));
    CHECK_INT(n, 1);
    /* TRUNCATE keeps the table, drops the rows */
    CHECK_OK(run(s, "TRUNCATE TABLE t"));
    CHECK_STR(rows_of(s, "SELECT count(*) FROM t", true), "count(1):bigint\n0\n");
    CHECK_OK(run(s, "DROP TABLE t"));
    char p[160];
    snprintf(p, sizeof p, "%s/wh/t", t_dir);
    struct stat st;
    CHECK(stat(p, &st) != 0); /* managed data deleted */
    CHECK_INT(run(s, "DROP TABLE t"), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_NOT_FOUND] The table or view `spark_catalog`.`default`.`t` cannot be found."));
    CHECK_OK(run(s, "DROP TABLE IF EXISTS t"));
    close_session(s);
}

TEST(stmt_insert_store_assignment) {
    sm_session *s = open_session();
    CHECK_OK(run(s, "CREATE TABLE t (a INT, b BIGINT, d STRING, e DATE) USING csv"));
    CHECK_INT(run(s, "INSERT INTO t (a) VALUES ('1')"), SM_ANALYSIS);
    CHECK_STR(sm_errmsg(), "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write "
                           "incompatible data for the table `spark_catalog`.`default`.`t`: Cannot "
                           "safely cast `a` \"STRING\" to \"INT\".");
    CHECK_INT(run(s, "INSERT INTO t (a) VALUES (true)"), SM_ANALYSIS);
    CHECK_INT(run(s, "INSERT INTO t (e) VALUES (1)"), SM_ANALYSIS);
    CHECK(strstr(sm_errmsg(), "Cannot safely cast `e` \"INT\" to \"DATE\".") != NULL);
    CHECK_OK(run(s, "INSERT INTO t (a, d) VALUES (1.5, 2)")); /* numeric → int, anything → string */
    CHECK_OK(run(s, "INSERT INTO t (e) VALUES (TIMESTAMP '2020-01-02 03:04:05')"));
    CHECK_STR(rows_of(s, "SELECT * FROM t", true),
              "a:int,b:bigint,d:string,e:date\n1|NULL|2|NULL\nNULL|NULL|NULL|2020-01-02\n");
    CHECK_INT(run(s, "INSERT INTO t VALUES (1, 2)"), SM_ANALYSIS);
    CHECK_STR(sm_errmsg(), "[INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot write to "
                           "`spark_catalog`.`default`.`t`, the reason is not enough data columns:\n"
                           "Table columns: `a`, `b`, `d`, `e`.\nData columns: `col1`, `col2`.");
    CHECK_INT(run(s, "INSERT INTO t (a, zz) VALUES (1, 2)"), SM_ANALYSIS);
    CHECK(starts(sm_errmsg(), "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `zz`"));
    CHECK_INT(run(s, "INSERT INTO nosuch VALUES (1)"), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nosuch` cannot be found."));
    close_session(s);
}

TEST(stmt_ctas_and_formats) {
    sm_session *s = open_session();
    CHECK_OK(run(s, "CREATE TABLE c1 USING csv AS SELECT 1 AS a, 'x' AS b"));
    CHECK_INT(run(s, "CREATE TABLE c1 USING csv AS SELECT 1 AS a"), SM_EXISTS);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `spark_catalog`.`default`.`c1` because it already exists."));
    CHECK_OK(run(s, "CREATE TABLE IF NOT EXISTS c1 USING csv AS SELECT 2 AS a"));
    CHECK_OK(run(s, "CREATE TABLE c2 AS SELECT 5 AS n")); /* no USING: csv for now */
    CHECK_STR(rows_of(s, "SELECT * FROM c1", true), "a:int,b:string\n1|x\n");
    CHECK_STR(rows_of(s, "SELECT * FROM c2", true), "n:int\n5\n");
    CHECK_INT(run(s, "CREATE TABLE p (a INT) USING orc"), SM_UNSUPPORTED);
    CHECK(starts(sm_errmsg(), "[UNSUPPORTED_DATASOURCE]"));
    CHECK(strstr(sm_errmsg(), "csv") != NULL);
    CHECK_INT(run(s, "CREATE TABLE p (a INT) USING nosuchformat"), SM_INVALID);
    CHECK(starts(sm_errmsg(), "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: nosuchformat."));
    /* partition columns go last */
    CHECK_OK(run(s, "CREATE TABLE pt (a INT, b STRING, c DOUBLE) USING csv PARTITIONED BY (b) COMMENT 'hi'"));
    CHECK_STR(rows_of(s, "DESCRIBE pt", false),
              "col_name:string,data_type:string,comment:string\n"
              "a|int|NULL\nc|double|NULL\nb|string|NULL\n"
              "# Partition Information||\n# col_name|data_type|comment\nb|string|NULL\n");
    CHECK_OK(run(s, "INSERT INTO pt VALUES (1, 2.5, 'x')"));
    CHECK_STR(rows_of(s, "SELECT * FROM pt", true), "a:int,c:double,b:string\n1|2.5|x\n");
    /* external table: data stays after DROP */
    char sql[512], p[256];
    snprintf(p, sizeof p, "%s/ext", t_dir);
    snprintf(sql, sizeof sql, "CREATE TABLE e1 (a INT) USING csv OPTIONS (header 'true') LOCATION '%s'", p);
    CHECK_OK(run(s, sql));
    CHECK_OK(run(s, "INSERT INTO e1 VALUES (5)"));
    CHECK_OK(run(s, "DROP TABLE e1"));
    snprintf(sql, sizeof sql, "CREATE TABLE e2 USING csv OPTIONS (header 'true', inferSchema 'true') LOCATION '%s'", p);
    CHECK_OK(run(s, sql)); /* schema from the files */
    CHECK_STR(rows_of(s, "SELECT * FROM e2", true), "a:int\n5\n");
    CHECK_INT(run(s, "TRUNCATE TABLE e2"), SM_ANALYSIS);
    close_session(s);
}

TEST(stmt_views) {
    sm_session *s = open_session();
    CHECK_OK(run(s, "CREATE TABLE c1 USING csv AS SELECT 1 AS a, 'x' AS b"));
    CHECK_OK(run(s, "CREATE VIEW pv COMMENT 'vc' AS SELECT a FROM c1"));
    CHECK_INT(run(s, "CREATE VIEW pv AS SELECT a FROM c1"), SM_EXISTS);
    CHECK_OK(run(s, "CREATE OR REPLACE VIEW pv AS SELECT a, b FROM c1"));
    CHECK_STR(rows_of(s, "SELECT * FROM pv", true), "a:int,b:string\n1|x\n");
    CHECK_OK(run(s, "CREATE TEMPORARY VIEW tv AS SELECT 1 AS x"));
    CHECK_INT(run(s, "CREATE TEMPORARY VIEW tv AS SELECT 2 AS x"), SM_EXISTS);
    CHECK(starts(sm_errmsg(), "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `tv` because it already exists."));
    CHECK_OK(run(s, "CREATE OR REPLACE TEMPORARY VIEW tv AS SELECT 2 AS x"));
    CHECK_STR(rows_of(s, "SELECT * FROM tv", true), "x:int\n2\n");
    /* the database's tables, then the temporary views (Spark's order) */
    CHECK_STR(rows_of(s, "SHOW TABLES", false),
              "namespace:string,tableName:string,isTemporary:boolean\ndefault|c1|false\ndefault|pv|false\n|tv|true\n");
    CHECK_STR(rows_of(s, "SHOW VIEWS", false),
              "namespace:string,viewName:string,isTemporary:boolean\ndefault|pv|false\n|tv|true\n");
    CHECK_INT(run(s, "INSERT INTO pv VALUES (1, 'a')"), SM_ANALYSIS);
    CHECK_STR(sm_errmsg(), "Inserting into a view is not allowed. View: `spark_catalog`.`default`.`pv`.");
    CHECK_INT(run(s, "INSERT INTO tv VALUES (1)"), SM_ANALYSIS);
    CHECK_INT(run(s, "DROP VIEW c1"), SM_ANALYSIS);
    CHECK(starts(sm_errmsg(), "[WRONG_COMMAND_FOR_OBJECT_TYPE] The operation DROP VIEW requires a VIEW."));
    CHECK_INT(run(s, "DROP TABLE pv"), SM_ANALYSIS);
    CHECK_OK(run(s, "DROP VIEW pv"));
    CHECK_OK(run(s, "DROP TABLE tv")); /* DROP TABLE drops a temporary view too, as Spark */
    CHECK(sm_session_temp_view(s, "tv") == NULL);
    /* a temporary view over files */
    char sql[512], p[256];
    snprintf(p, sizeof p, "%s/out", t_dir);
    snprintf(sql, sizeof sql, "INSERT OVERWRITE DIRECTORY '%s' USING csv OPTIONS (header 'true') SELECT 1 AS a", p);
    CHECK_OK(run(s, sql));
    snprintf(sql, sizeof sql, "CREATE TEMPORARY VIEW cv USING csv OPTIONS (path '%s', header 'true')", p);
    CHECK_OK(run(s, sql));
    CHECK_STR(rows_of(s, "SELECT * FROM cv", true), "a:string\n1\n");
    /* CACHE TABLE ... AS registers a temporary view */
    CHECK_OK(run(s, "CACHE TABLE ct AS SELECT 3 AS y"));
    CHECK_STR(rows_of(s, "SELECT * FROM ct", true), "y:int\n3\n");
    CHECK_OK(run(s, "UNCACHE TABLE ct"));
    CHECK_INT(run(s, "UNCACHE TABLE nosuch"), SM_NOT_FOUND);
    CHECK_OK(run(s, "UNCACHE TABLE IF EXISTS nosuch"));
    CHECK_OK(run(s, "CLEAR CACHE"));
    CHECK_OK(run(s, "REFRESH TABLE c1"));
    close_session(s);
}

TEST(stmt_describe_show) {
    sm_session *s = open_session();
    CHECK_OK(run(s, "CREATE TABLE t (a INT COMMENT 'key', g DECIMAL(10,2)) USING csv OPTIONS (sep ';')"));
    CHECK_STR(rows_of(s, "DESCRIBE t", false),
              "col_name:string,data_type:string,comment:string\na|int|key\ng|decimal(10,2)|NULL\n");
    char *ext = rows_of(s, "DESCRIBE EXTENDED t", false);
    CHECK(strstr(ext, "\n||\n# Detailed Table Information||\nCatalog|spark_catalog|\nDatabase|default|\nTable|t|\n") != NULL);
    CHECK(strstr(ext, "\nType|MANAGED|\nProvider|csv|\n") != NULL);
    CHECK(strstr(ext, "\nStorage Properties|[sep=;]|\n") != NULL);
    CHECK_STR(rows_of(s, "SHOW COLUMNS IN t", false), "col_name:string\na\ng\n");
    CHECK_STR(rows_of(s, "SHOW CREATE TABLE t", false),
              "createtab_stmt:string\nCREATE TABLE spark_catalog.default.t (\n  a INT COMMENT 'key',\n  g DECIMAL(10,2))\n"
              "USING csv\nOPTIONS (\n  'sep' = ';')\n\n");
    CHECK_STR(rows_of(s, "DESCRIBE QUERY SELECT 1 AS x, 'a' AS y", false),
              "col_name:string,data_type:string,comment:string\nx|int|NULL\ny|string|NULL\n");
    CHECK_STR(rows_of(s, "SHOW FUNCTIONS LIKE 'abs'", false), "function:string\nabs\n");
    CHECK_STR(rows_of(s, "DESCRIBE DATABASE default", false) + strlen("info_name:string,info_value:string\n"),
              rows_of(s, "DESCRIBE DATABASE default", false) + strlen("info_name:string,info_value:string\n"));
    CHECK(starts(rows_of(s, "DESCRIBE DATABASE default", false),
                 "info_name:string,info_value:string\nCatalog Name|spark_catalog\nNamespace Name|default\nComment|default database\nLocation|file:/"));
    CHECK(starts(rows_of(s, "EXPLAIN SELECT 1", false), "plan:string\n"));
    CHECK_INT(run(s, "DESCRIBE nosuch"), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nosuch` cannot be found."));
    close_session(s);
}

TEST(stmt_set_reset) {
    sm_session *s = open_session();
    CHECK_STR(rows_of(s, "SET spark.sql.shuffle.partitions", false),
              "key:string,value:string\nspark.sql.shuffle.partitions|200\n");
    CHECK_STR(rows_of(s, "SET spark.sql.shuffle.partitions=4", false),
              "key:string,value:string\nspark.sql.shuffle.partitions|4\n");
    CHECK_INT(s->shuffle_partitions, 4);
    CHECK_STR(rows_of(s, "SET foo.bar=baz", false), "key:string,value:string\nfoo.bar|baz\n");
    CHECK_STR(rows_of(s, "SET foo.bar", false), "key:string,value:string\nfoo.bar|baz\n");
    CHECK_STR(rows_of(s, "SET nosuch.key", false), "key:string,value:string\nnosuch.key|<undefined>\n");
    CHECK_OK(run(s, "SET spark.sql.ansi.enabled=true"));
    CHECK(s->ansi);
    CHECK(strstr(rows_of(s, "SET", false), "\nfoo.bar|baz\n") != NULL);
    CHECK(starts(rows_of(s, "SET -v", false), "key:string,value:string,meaning:string,Since version:string\n"));
    CHECK_OK(run(s, "RESET spark.sql.ansi.enabled"));
    CHECK(!s->ansi);
    CHECK_OK(run(s, "RESET"));
    CHECK_INT(s->shuffle_partitions, 0);
    CHECK_STR(rows_of(s, "SET foo.bar", false), "key:string,value:string\nfoo.bar|<undefined>\n");
    close_session(s);
}

TEST(stmt_tables_api) {
    sm_session *s = open_session();
    sm_dataframe *df = sm_sql(s, "SELECT 1 AS id, 'a' AS name UNION ALL SELECT 2, 'b'");
    CHECK(df != NULL);
    CHECK_OK(sm_df_save_as_table(df, "people", NULL, NULL, NULL));
    CHECK_INT(sm_df_save_as_table(df, "people", NULL, "error", NULL), SM_EXISTS);
    CHECK_OK(sm_df_save_as_table(df, "people", NULL, "ignore", NULL));
    CHECK_OK(sm_df_save_as_table(df, "people", "csv", "append", NULL));
    CHECK_STR(rows_of(s, "SELECT count(*) FROM people", false), "count(1):bigint\n4\n");
    CHECK_OK(sm_df_insert_into(df, "people", true));
    CHECK_STR(rows_of(s, "SELECT * FROM people", true), "id:int,name:string\n1|a\n2|b\n");
    /* overwrite reading the table itself */
    CHECK_OK(sm_df_save_as_table(sm_read_table(s, "people"), "people", NULL, "overwrite", NULL));
    CHECK_STR(rows_of(s, "SELECT * FROM people", true), "id:int,name:string\n1|a\n2|b\n");
    CHECK_INT(sm_df_save_as_table(df, "p2", "orc", NULL, NULL), SM_UNSUPPORTED);
    CHECK(sm_read_table(s, "nosuch") == NULL);
    CHECK(starts(sm_last_error(), "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nosuch` cannot be found."));
    CHECK_OK(sm_df_create_or_replace_temp_view(df, "tmp"));
    CHECK(sm_read_table(s, "tmp") != NULL);
    CHECK(sm_read_table(s, "`default`.`people`") != NULL);
    close_session(s);
}

static int count_cb(void *arg, const char *stmt, sm_dataframe *result) {
    (void)stmt;
    (void)result;
    (*(int *)arg)++;
    return 0;
}

TEST(stmt_script) {
    sm_session *s = open_session();
    int n = 0;
    CHECK_OK(sm_sql_script(s, "CREATE TABLE t (a INT) USING csv; INSERT INTO t VALUES (1); SELECT * FROM t;", count_cb, &n));
    CHECK_INT(n, 3);
    n = 0;
    CHECK(sm_sql_script(s, "INSERT INTO t VALUES (2); SELECT * FROM nosuch; INSERT INTO t VALUES (3)", count_cb, &n) != 0);
    CHECK_INT(n, 1); /* stops at the failing statement */
    CHECK_STR(rows_of(s, "SELECT * FROM t", true), "a:int\n1\n2\n");
    close_session(s);
}
