/*
 * test_catalog.c — the persistent catalog (src/catalog/catalog.c): databases
 * and tables survive close/open, Spark's error classes, and several
 * processes writing one warehouse at once without corrupting it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/status.h"
#include "test.h"

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static char *tmpdir(void) {
    static char buf[64];
    strcpy(buf, "/tmp/smelt-cat-XXXXXX");
    return mkdtemp(buf) ? buf : NULL;
}

static void rm_rf(const char *dir) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static sm_table_info *make_table(const char *db, const char *name) {
    static char *opts[] = {"header", "true", "sep", ";", NULL};
    static char *parts[] = {"b"};
    static sm_table_info t;
    static sm_schema s;
    static sm_field f[3];
    static char *comments[3] = {"the key", NULL, NULL};
    memset(&t, 0, sizeof t);
    f[0] = (sm_field){.name = "a", .type = SM_INT, .nullable = true};
    f[1] = (sm_field){.name = "d", .type = SM_DECIMAL, .nullable = false, .precision = 10, .scale = 2};
    f[2] = (sm_field){.name = "b", .type = SM_STRING, .nullable = true};
    s.ncols = 3;
    s.fields = f;
    t.db = (char *)db;
    t.name = (char *)name;
    t.format = "csv";
    t.location = "/data/x";
    t.managed = false;
    t.options = opts;
    t.schema = &s;
    t.partition_cols = parts;
    t.npartition = 1;
    t.comment = "a comment";
    t.column_comments = comments;
    return &t;
}

TEST(catalog_persists_across_open) {
    char *dir = tmpdir();
    CHECK(dir != NULL);
    char wh[256];
    snprintf(wh, sizeof wh, "%s/wh/nested", dir);
    sm_catalog *c;
    CHECK_OK(sm_catalog_open(wh, &c));
    if (!c) return;
    CHECK(sm_catalog_database_exists(c, "default"));
    CHECK(sm_catalog_database_exists(c, "DEFAULT"));
    CHECK_OK(sm_catalog_create_database(c, "Sales", NULL, "money", false));
    CHECK_OK(sm_catalog_create_table(c, make_table("SALES", "Orders"), false, false));
    sm_catalog_close(c);

    CHECK_OK(sm_catalog_open(wh, &c));
    if (!c) return;
    char **names;
    CHECK_OK(sm_catalog_list_databases(c, &names));
    CHECK_STR(names[0], "default");
    CHECK_STR(names[1], "sales");
    CHECK(names[2] == NULL);
    sm_catalog_free_names(names);
    CHECK_OK(sm_catalog_list_tables(c, "sales", &names));
    CHECK_STR(names[0], "orders");
    CHECK(names[1] == NULL);
    sm_catalog_free_names(names);

    sm_table_info *t;
    CHECK_OK(sm_catalog_get_table(c, "sales", "ORDERS", &t));
    if (t) {
        CHECK_STR(t->db, "sales");
        CHECK_STR(t->name, "orders");
        CHECK(!t->is_view);
        CHECK_STR(t->format, "csv");
        CHECK_STR(t->location, "/data/x");
        CHECK(!t->managed);
        CHECK_STR(t->options[0], "header");
        CHECK_STR(t->options[1], "true");
        CHECK_STR(t->options[2], "sep");
        CHECK_STR(t->options[3], ";");
        CHECK(t->options[4] == NULL);
        CHECK_INT(t->schema->ncols, 3);
        CHECK_STR(t->schema->fields[1].name, "d");
        CHECK_INT(t->schema->fields[1].type, SM_DECIMAL);
        CHECK_INT(t->schema->fields[1].precision, 10);
        CHECK_INT(t->schema->fields[1].scale, 2);
        CHECK(!t->schema->fields[1].nullable);
        CHECK_STR(t->column_comments[0], "the key");
        CHECK(t->column_comments[1] == NULL);
        CHECK_INT(t->npartition, 1);
        CHECK_STR(t->partition_cols[0], "b");
        CHECK_STR(t->comment, "a comment");
        CHECK(t->created > 0);
        sm_table_info_free(t);
    }
    /* the warehouse path is absolute and holds metastore.db */
    const char *w = sm_catalog_warehouse(c);
    CHECK(w && w[0] == '/');
    char p[512];
    snprintf(p, sizeof p, "%s/metastore.db", w);
    struct stat st;
    CHECK(stat(p, &st) == 0);
    char *tp = sm_catalog_table_path(c, "sales", "Orders");
    snprintf(p, sizeof p, "%s/sales.db/orders", w);
    CHECK_STR(tp, p);
    sm_free(tp);
    tp = sm_catalog_table_path(c, NULL, "t");
    snprintf(p, sizeof p, "%s/t", w);
    CHECK_STR(tp, p);
    sm_free(tp);
    sm_catalog_close(c);
    rm_rf(dir);
}

TEST(catalog_errors_as_spark) {
    char *dir = tmpdir();
    sm_catalog *c;
    CHECK_OK(sm_catalog_open(dir, &c));
    if (!c) return;
    CHECK_OK(sm_catalog_create_database(c, "db1", NULL, NULL, false));
    CHECK_INT(sm_catalog_create_database(c, "DB1", NULL, NULL, false), SM_EXISTS);
    CHECK(starts(sm_errmsg(), "[SCHEMA_ALREADY_EXISTS] Cannot create schema `db1` because it already exists."));
    CHECK_OK(sm_catalog_create_database(c, "db1", NULL, NULL, true));
    CHECK_INT(sm_catalog_drop_database(c, "nosuch", false, false), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[SCHEMA_NOT_FOUND] The schema `nosuch` cannot be found."));
    CHECK_OK(sm_catalog_drop_database(c, "nosuch", true, false));

    CHECK_OK(sm_catalog_create_table(c, make_table("db1", "t"), false, false));
    CHECK_INT(sm_catalog_create_table(c, make_table("db1", "T"), false, false), SM_EXISTS);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `spark_catalog`.`db1`.`t`"));
    CHECK_OK(sm_catalog_create_table(c, make_table("db1", "t"), true, false));
    CHECK_OK(sm_catalog_create_table(c, make_table("db1", "t"), false, true)); /* replace */
    CHECK_INT(sm_catalog_create_table(c, make_table("nodb", "t"), false, false), SM_NOT_FOUND);
    CHECK(strstr(sm_errmsg(), "[SCHEMA_NOT_FOUND]") != NULL);

    CHECK_INT(sm_catalog_drop_database(c, "db1", false, false), SM_ANALYSIS);
    CHECK(starts(sm_errmsg(), "[SCHEMA_NOT_EMPTY] Cannot drop a schema `db1` because it contains objects."));

    sm_table_info *t;
    CHECK_INT(sm_catalog_get_table(c, "db1", "nosuch", &t), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_NOT_FOUND] The table or view `db1`.`nosuch` cannot be found. "
                  "Verify the spelling and correctness of the schema and catalog."));
    CHECK(t == NULL);
    CHECK_INT(sm_catalog_drop_table(c, "db1", "nosuch", false, false), SM_NOT_FOUND);
    CHECK(starts(sm_errmsg(), "[TABLE_OR_VIEW_NOT_FOUND] The table or view "
                              "`spark_catalog`.`db1`.`nosuch` cannot be found."));
    CHECK_OK(sm_catalog_drop_table(c, "db1", "nosuch", true, false));
    CHECK_INT(sm_catalog_drop_table(c, "db1", "t", false, true), SM_ANALYSIS); /* not a view */
    CHECK(strstr(sm_errmsg(), "[WRONG_COMMAND_FOR_OBJECT_TYPE]") != NULL);
    CHECK_INT(sm_catalog_drop_database(c, "default", false, true), SM_ANALYSIS);

    /* CASCADE drops the tables too */
    CHECK_OK(sm_catalog_drop_database(c, "db1", false, true));
    CHECK(!sm_catalog_database_exists(c, "db1"));
    CHECK_OK(sm_catalog_create_database(c, "db1", NULL, NULL, false));
    char **names;
    CHECK_OK(sm_catalog_list_tables(c, "db1", &names));
    CHECK(names && names[0] == NULL);
    sm_catalog_free_names(names);
    CHECK_INT(sm_catalog_list_tables(c, "nodb", &names), SM_NOT_FOUND);
    sm_catalog_close(c);
    rm_rf(dir);
}

TEST(catalog_views) {
    char *dir = tmpdir();
    sm_catalog *c;
    CHECK_OK(sm_catalog_open(dir, &c));
    if (!c) return;
    sm_table_info v = {0};
    sm_schema s = {0};
    sm_field f = {.name = "x", .type = SM_BIGINT, .nullable = true};
    s.ncols = 1;
    s.fields = &f;
    v.name = "V";
    v.is_view = true;
    v.view_sql = "SELECT 1 AS x";
    v.schema = &s;
    CHECK_OK(sm_catalog_create_table(c, &v, false, false));
    sm_table_info *t;
    CHECK_OK(sm_catalog_get_table(c, NULL, "v", &t));
    if (t) {
        CHECK(t->is_view);
        CHECK_STR(t->view_sql, "SELECT 1 AS x");
        CHECK_STR(t->db, "default");
        CHECK(t->options && t->options[0] == NULL);
        CHECK_INT(t->npartition, 0);
        sm_table_info_free(t);
    }
    CHECK_INT(sm_catalog_drop_table(c, NULL, "v", false, false), SM_ANALYSIS); /* DROP TABLE on a view */
    CHECK_OK(sm_catalog_drop_table(c, NULL, "v", false, true));
    sm_catalog_close(c);
    rm_rf(dir);
}

TEST(catalog_database_location) {
    char *dir = tmpdir();
    char wh[256], loc[256];
    snprintf(wh, sizeof wh, "%s/wh", dir);
    snprintf(loc, sizeof loc, "%s/elsewhere", dir);
    sm_catalog *c;
    CHECK_OK(sm_catalog_open(wh, &c));
    if (!c) return;
    CHECK_OK(sm_catalog_create_database(c, "s2", loc, "c", false));
    char *l, *cm;
    CHECK_OK(sm_catalog_database_info(c, "S2", &l, &cm));
    CHECK_STR(l, loc);
    CHECK_STR(cm, "c");
    sm_free(l);
    sm_free(cm);
    char *tp = sm_catalog_table_path(c, "s2", "t");
    char want[300];
    snprintf(want, sizeof want, "%s/t", loc);
    CHECK_STR(tp, want);
    sm_free(tp);
    /* the database directory of a database without LOCATION exists */
    CHECK_OK(sm_catalog_create_database(c, "s3", NULL, NULL, false));
    snprintf(want, sizeof want, "%s/s3.db", wh);
    struct stat st;
    CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK_INT(sm_catalog_database_info(c, "nope", &l, &cm), SM_NOT_FOUND);
    sm_catalog_close(c);
    rm_rf(dir);
}

/* Several processes open the same warehouse and create tables and
 * databases at once; afterwards every table is there exactly once and
 * SQLite's integrity check passes. */
TEST(catalog_concurrent_processes) {
    char *dir = tmpdir();
    enum { NPROC = 6, NTABLES = 25 };
    pid_t pids[NPROC];
    for (int p = 0; p < NPROC; p++) {
        pids[p] = fork();
        if (pids[p] == 0) {
            sm_catalog *c;
            if (sm_catalog_open(dir, &c) != SM_OK) {
                fprintf(stderr, "child %d: %s\n", p, sm_errmsg());
                _exit(1);
            }
            int bad = 0;
            /* every process races to create the same shared database */
            if (sm_catalog_create_database(c, "shared", NULL, NULL, true) != SM_OK) bad++;
            for (int i = 0; i < NTABLES; i++) {
                char name[32];
                snprintf(name, sizeof name, "t_%d_%d", p, i);
                if (sm_catalog_create_table(c, make_table(i % 2 ? "shared" : "default", name),
                                            false, false) != SM_OK) {
                    fprintf(stderr, "child %d: %s\n", p, sm_errmsg());
                    bad++;
                }
                /* and contend on one name: exactly one wins each round */
                snprintf(name, sizeof name, "race_%d", i);
                int rc = sm_catalog_create_table(c, make_table("default", name), false, false);
                if (rc != SM_OK && rc != SM_EXISTS) bad++;
            }
            sm_catalog_close(c);
            _exit(bad ? 1 : 0);
        }
    }
    for (int p = 0; p < NPROC; p++) {
        int status = 0;
        waitpid(pids[p], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    sm_catalog *c;
    CHECK_OK(sm_catalog_open(dir, &c));
    if (!c) return;
    char **names;
    int n = 0;
    CHECK_OK(sm_catalog_list_tables(c, "default", &names));
    while (names && names[n]) n++;
    sm_catalog_free_names(names);
    CHECK_INT(n, NPROC * ((NTABLES + 1) / 2) + NTABLES); /* even i per process + race_* */
    n = 0;
    CHECK_OK(sm_catalog_list_tables(c, "shared", &names));
    while (names && names[n]) n++;
    sm_catalog_free_names(names);
    CHECK_INT(n, NPROC * (NTABLES / 2));
    sm_table_info *t;
    CHECK_OK(sm_catalog_get_table(c, "shared", "t_3_7", &t));
    if (t) {
        CHECK_INT(t->schema->ncols, 3);
        sm_table_info_free(t);
    }
    sm_catalog_close(c);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "command -v sqlite3 >/dev/null || exit 0; "
             "test \"$(sqlite3 '%s/metastore.db' 'PRAGMA integrity_check')\" = ok",
             dir);
    CHECK(system(cmd) == 0);
    rm_rf(dir);
}

TEST(catalog_open_fails_cleanly) {
    sm_catalog *c = (sm_catalog *)1;
    CHECK_INT(sm_catalog_open("/proc/self/nope/wh", &c), SM_IO);
    CHECK(c == NULL);
    CHECK(strstr(sm_errmsg(), "/proc/self/nope/wh") != NULL);
    CHECK(sm_catalog_open("", &c) != SM_OK);
}
