/*
 * test_spill_distagg.c — DISTINCT aggregates under a memory budget
 * (exec/hashagg.c, "spilling DISTINCT"): a global count(DISTINCT v), a
 * GROUP BY over few groups with many distinct values each, and one over many
 * groups, each under an 8 MB budget, give an unconstrained run's rows while
 * counted memory stays near the budget, report spilled= in EXPLAIN ANALYZE
 * and leave no spill directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "common/mem.h"
#include "common/status.h"
#include "exec/spill.h"
#include "rows_util.h"

static char tmpdir[256];

#define NROWS 600000
#define NKEYS 200000

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/smelt-test-spill-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    char path[512];
    snprintf(path, sizeof path, "%s/in.csv", tmpdir);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("k,v\n", f);
    for (int i = 0; i < NROWS; i++) fprintf(f, "key-%d,%d\n", (int)(((long long)i * 7919) % NKEYS), i);
    fclose(f);
    setenv("TMPDIR", tmpdir, 1); /* the spill directory goes here */
}

static void teardown(void) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    unsetenv("TMPDIR");
}

/* Entries of tmpdir other than in.csv (a spill directory left behind). */
static int leftovers(void) {
    DIR *d = opendir(tmpdir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "in.csv")) n++;
    closedir(d);
    return n;
}

static sm_session *session(const char *limit) {
    const char *conf[] = {"smelt.memory.limit", limit, NULL};
    sm_session *s = sm_session_new(limit ? conf : NULL);
    if (!s) return NULL;
    char sql[600];
    snprintf(sql, sizeof sql,
             "CREATE TEMP VIEW t USING csv OPTIONS (path '%s/in.csv', header true, inferSchema "
             "true)",
             tmpdir);
    sm_dataframe *df = sm_sql(s, sql);
    if (!df || sm_df_count(df, &(int64_t){0}) != SM_OK) fprintf(stderr, "%s\n", sm_last_error());
    return s;
}


/* Runs q unconstrained and under 8m: equal rows, bounded memory, spilled. */
static void check_query(const char *q, const char *explain) {
    sm_session *s = session(NULL);
    CHECK(s != NULL);
    char expected[1024];
    int64_t base = sm_mem_in_use();
    sm_mem_peak_reset();
    snprintf(expected, sizeof expected, "%s", rows_of(sm_sql(s, q), false));
    int64_t unconstrained = sm_mem_peak() - base;
    sm_session_free(s);
    CHECK(strlen(expected) > 0);
    s = session("8m");
    CHECK(s != NULL);
    base = sm_mem_in_use();
    sm_mem_peak_reset();
    CHECK_STR(rows_of(sm_sql(s, q), false), expected);
    int64_t grew = sm_mem_peak() - base;
    fprintf(stderr, "  %s\n    unconstrained %lld, under 8m %lld bytes\n", q,
            (long long)unconstrained, (long long)grew);
    CHECK(unconstrained > (16 << 20));
    if (grew > (8 << 20) + (8 << 20)) T_FAIL("peak counted memory grew by %lld bytes", (long long)grew);
    const char *plan = rows_of(sm_sql(s, explain), true);
    CHECK(strstr(plan, "spilled=") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
}

TEST(spill_global_count_distinct) {
    setup();
    check_query("SELECT count(DISTINCT v), sum(DISTINCT v), count(*), max(k) FROM t",
                "EXPLAIN ANALYZE SELECT count(DISTINCT v) FROM t");
    teardown();
}

TEST(spill_groupby_few_groups_count_distinct) {
    setup();
    check_query("SELECT v % 3 AS g, count(DISTINCT v), sum(DISTINCT v), count(*), min(k) FROM t "
                "GROUP BY v % 3",
                "EXPLAIN ANALYZE SELECT v % 3, count(DISTINCT v) FROM t GROUP BY v % 3");
    teardown();
}

TEST(spill_groupby_many_groups_count_distinct) {
    setup();
    check_query("SELECT count(*), sum(c), sum(hash(k, c, s)) FROM (SELECT k, count(DISTINCT v % 5) "
                "AS c, sum(DISTINCT v) AS s FROM t GROUP BY k)",
                "EXPLAIN ANALYZE SELECT k, count(DISTINCT v % 5) FROM t GROUP BY k");
    teardown();
}
