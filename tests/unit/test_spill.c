/*
 * test_spill.c — the memory budget (smelt.memory.limit) and hash
 * aggregation spilling (exec/spill.c, exec/hashagg.c): a group-by with many
 * distinct keys under an 8 MB budget gives the rows of an unconstrained run
 * while its counted memory stays near the budget, so do a DISTINCT and DISTINCT aggregates
 * (global, few groups, many groups; over one or several argument lists), dropDuplicates(subset)
 * and INTERSECT / EXCEPT [ALL]; the spill directory is
 * gone afterwards, also when the query fails midway; bad sizes are rejected.
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

/* The group-by's every row folded into a few numbers (order-free). */
static const char *GROUPBY_SUMMARY =
    "SELECT count(*), sum(c), sum(s), sum(hash(k, c, s, mn, mx)), min(k), max(k) FROM "
    "(SELECT k, count(*) AS c, sum(v) AS s, min(v) AS mn, max(v) AS mx FROM t GROUP BY k)";

TEST(spill_groupby_under_8mb_equals_unconstrained) {
    setup();
    sm_session *s = session(NULL);
    CHECK(s != NULL);
    char expected[1024];
    int64_t base = sm_mem_in_use();
    sm_mem_peak_reset();
    snprintf(expected, sizeof expected, "%s", rows_of(sm_sql(s, GROUPBY_SUMMARY), false));
    int64_t unconstrained = sm_mem_peak() - base;
    fprintf(stderr, "  unconstrained: counted memory grew by %lld bytes\n", (long long)unconstrained);
    sm_session_free(s);
    CHECK(strncmp(expected, "200000,600000,", 14) == 0);

    s = session("8m");
    CHECK(s != NULL);
    base = sm_mem_in_use();
    sm_mem_peak_reset();
    CHECK_STR(rows_of(sm_sql(s, GROUPBY_SUMMARY), false), expected);
    int64_t grew = sm_mem_peak() - base;
    fprintf(stderr, "  under 8m: counted memory grew by %lld bytes\n", (long long)grew);
    /* the budget + the materialized result of the group-by (200000 rows of
     * 5 columns, about 7 MB: breaker output is kept in memory) + a fixed
     * allowance (input batches in flight); unconstrained it grows ~100 MB */
    CHECK(unconstrained > (40 << 20));
    if (grew > (8 << 20) + (8 << 20)) T_FAIL("peak counted memory grew by %lld bytes", (long long)grew);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);

    /* EXPLAIN ANALYZE reports the spill */
    sm_dataframe *ex = sm_sql(s, "EXPLAIN ANALYZE SELECT k, count(*) FROM t GROUP BY k");
    const char *plan = rows_of(ex, true);
    CHECK(strstr(plan, "spilled=") != NULL);
    CHECK(strstr(plan, " in 32 partitions") != NULL || strstr(plan, " partitions]") != NULL);
    sm_session_free(s);
    teardown();
}

TEST(spill_distinct_under_8mb_equals_unconstrained) {
    setup();
    const char *q = "SELECT count(*), sum(hash(k, m)), min(k), max(k) FROM "
                    "(SELECT DISTINCT k, v % 7 AS m FROM t)";
    sm_session *s = session(NULL);
    CHECK(s != NULL);
    char expected[1024];
    snprintf(expected, sizeof expected, "%s", rows_of(sm_sql(s, q), false));
    sm_session_free(s);
    CHECK(strncmp(expected, "600000,", 7) == 0);
    s = session("8m");
    CHECK(s != NULL);
    CHECK_STR(rows_of(sm_sql(s, q), false), expected);
    const char *plan = rows_of(sm_sql(s, "EXPLAIN ANALYZE SELECT DISTINCT k, v % 7 FROM t"), true);
    CHECK(strstr(plan, "spilled=") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
    teardown();
}

TEST(spill_dir_removed_after_failed_query) {
    setup();
    sm_session *s = session("8m");
    CHECK(s != NULL);
    /* fails while the spilled partitions are aggregated (row 599999's
     * key is read back from a spill file) */
    sm_dataframe *df = sm_sql(s,
                              "SELECT k, sum(CASE WHEN v = 599999 THEN raise_error('boom') ELSE v "
                              "END) FROM t GROUP BY k");
    const char *r = rows_of(df, false);
    CHECK(strstr(r, "ERROR") != NULL && strstr(r, "boom") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    /* and an injected allocation failure midway */
    int failed = 0;
    for (int64_t n = 2000; n <= 64000; n *= 2) {
        sm_mem_fail_after(n);
        const char *r2 = rows_of(sm_sql(s, "SELECT k, count(*) FROM t GROUP BY k"), false);
        bool pending = sm_mem_fail_pending() > 0;
        sm_mem_fail_after(0);
        if (!pending && strncmp(r2, "ERROR", 5) == 0) failed++;
        CHECK_STR(sm_spill_dir(), "");
        CHECK_INT(leftovers(), 0);
    }
    CHECK(failed > 0);
    sm_session_free(s);
    teardown();
}

TEST(memory_limit_setting_parses_sizes) {
    sm_session *s = sm_session_new(NULL);
    CHECK(s != NULL);
    CHECK_OK(sm_session_set(s, "smelt.memory.limit", "64MB"));
    CHECK_STR(rows_of(sm_sql(s, "SET smelt.memory.limit"), false), "smelt.memory.limit,67108864");
    CHECK_OK(sm_session_set(s, "smelt.memory.limit", "2g"));
    CHECK_STR(rows_of(sm_sql(s, "SET smelt.memory.limit"), false),
              "smelt.memory.limit,2147483648");
    CHECK_OK(sm_session_set(s, "smelt.memory.limit", "1048576"));
    CHECK(sm_session_set(s, "smelt.memory.limit", "12q") == SM_INVALID);
    CHECK(strstr(sm_last_error(), "'12q' is not a size") != NULL);
    CHECK(sm_session_set(s, "smelt.memory.limit", "-5m") == SM_INVALID);
    CHECK(sm_session_set(s, "smelt.memory.limit", "") == SM_INVALID);
    CHECK(sm_session_set(s, "smelt.memory.limit", "99999999999999t") == SM_INVALID);
    CHECK(sm_session_set(s, "smelt.memory.limit", "100k") == SM_INVALID);
    CHECK(strstr(sm_last_error(), "below the smallest memory limit") != NULL);
    int64_t v = 0;
    CHECK(sm_parse_mem_size("x", "400MiB", &v) == SM_OK);
    CHECK_INT(v, 400LL << 20);
    CHECK(sm_memory_limit_default() > 0);
    /* SMELT_MEMORY_LIMIT: a bad value fails the session with a message */
    setenv("SMELT_MEMORY_LIMIT", "lots", 1);
    sm_session *bad = sm_session_new(NULL);
    CHECK(bad == NULL);
    CHECK(strstr(sm_last_error(), "SMELT_MEMORY_LIMIT") != NULL);
    setenv("SMELT_MEMORY_LIMIT", "32m", 1);
    sm_session *good = sm_session_new(NULL);
    CHECK(good != NULL);
    CHECK_STR(rows_of(sm_sql(good, "SET smelt.memory.limit"), false), "smelt.memory.limit,33554432");
    unsetenv("SMELT_MEMORY_LIMIT");
    sm_session_free(good);
    sm_session_free(s);
}

/* DISTINCT aggregates (hashagg.c, "spilling DISTINCT"): a global count(DISTINCT v), a
 * GROUP BY over few groups with many distinct values each, and one over many groups. */
/* Runs q unconstrained and under 8m: equal rows, bounded memory, spilled.
 * prep (when set) prepares each session (views the queries read). */
static void check_query_with(const char *q, const char *explain, void (*prep)(sm_session *));
static void check_query(const char *q, const char *explain) { check_query_with(q, explain, NULL); }

static void check_query_with(const char *q, const char *explain, void (*prep)(sm_session *)) {
    sm_session *s = session(NULL);
    CHECK(s != NULL);
    if (prep) prep(s);
    char expected[1024];
    int64_t base = sm_mem_in_use();
    sm_mem_peak_reset();
    snprintf(expected, sizeof expected, "%s", rows_of(sm_sql(s, q), false));
    int64_t unconstrained = sm_mem_peak() - base;
    sm_session_free(s);
    CHECK(strlen(expected) > 0);
    s = session("8m");
    CHECK(s != NULL);
    if (prep) prep(s);
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

/* Runs q under 8m with an allocation failure injected at ever later points
 * (also inside the spilling run): each run fails cleanly or gives the
 * answer, some fail, and no spill file or directory stays behind. */
static void fails_cleanly(const char *q, void (*prep)(sm_session *)) {
    sm_session *s = session("8m");
    CHECK(s != NULL);
    if (prep) prep(s);
    char expected[1024];
    snprintf(expected, sizeof expected, "%s", rows_of(sm_sql(s, q), false));
    int failed = 0;
    bool pending = false;
    /* later and later, until the query makes fewer allocations than n */
    for (int64_t n = 1000; !pending; n = n * 3 / 2) {
        sm_mem_fail_after(n);
        const char *r = rows_of(sm_sql(s, q), false);
        pending = sm_mem_fail_pending() > 0;
        sm_mem_fail_after(0);
        if (!pending && strncmp(r, "ERROR", 5) == 0) failed++;
        else if (strcmp(r, expected) != 0) T_FAIL("%s: got %s, expected %s", q, r, expected);
        CHECK_STR(sm_spill_dir(), "");
        CHECK_INT(leftovers(), 0);
    }
    fprintf(stderr, "  %s: %d runs failed cleanly\n", q, failed);
    CHECK(failed > 0);
    sm_session_free(s);
}

/* dropDuplicates(subset) (exec/ddspill.c): view `dd` keeps the first row of
 * each key k of t (200000 keys, 3 rows each) followed by t again with v
 * shifted, so the input has two partitions and every key's winner must come
 * from the first (v < 1000000) and be the earliest row of that key there. */
static void dd_view(sm_session *s) {
    sm_dataframe *u = sm_sql(s, "SELECT k, v, concat(k, '/', CAST(v AS STRING)) AS s FROM t UNION ALL "
                                "SELECT k, v + 1000000, concat('x', k) FROM t");
    const char *subset[] = {"k"};
    sm_dataframe *dd = u ? sm_df_drop_duplicates(u, 1, subset) : NULL;
    if (!dd || sm_df_create_or_replace_temp_view(dd, "dd") != SM_OK)
        fprintf(stderr, "dd_view: %s\n", sm_last_error());
}

TEST(spill_drop_duplicates_subset) {
    setup();
    check_query_with("SELECT count(*), sum(v), max(v), sum(hash(k, v, s)) FROM dd",
                     "EXPLAIN ANALYZE SELECT * FROM dd", dd_view);
    /* the winners are the first rows: v is the smallest of each key */
    sm_session *s = session("8m");
    CHECK(s != NULL);
    dd_view(s);
    CHECK_STR(rows_of(sm_sql(s, "SELECT count(*) FROM dd JOIN (SELECT k, min(v) AS mv FROM t GROUP BY k) m "
                                "ON dd.k = m.k AND dd.v = m.mv"),
                      false),
              "200000");
    /* a failure while the rows are routed to spill files leaves nothing */
    sm_dataframe *u = sm_sql(s, "SELECT k, CASE WHEN v = 599999 THEN raise_error('boom') ELSE v END AS v FROM t");
    const char *subset[] = {"k"};
    const char *r = rows_of(u ? sm_df_drop_duplicates(u, 1, subset) : NULL, false);
    CHECK(strstr(r, "boom") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
    fails_cleanly("SELECT count(*), sum(v) FROM dd", dd_view);
    teardown();
}

/* INTERSECT / EXCEPT [ALL] (exec/setopspill.c): rows repeated on both sides
 * (the ALL forms count them), nulls, -0.0 against 0.0 and NaN. */
#define SO_L "SELECT k, v % 4 AS m, CASE WHEN v % 10 = 0 THEN NULL ELSE CAST(v % 3 AS DOUBLE) END AS d FROM t " \
             "UNION ALL SELECT k, v % 4, CASE WHEN v % 10 = 0 THEN NULL ELSE CAST(v % 3 AS DOUBLE) END FROM t WHERE v % 2 = 0"
#define SO_R "SELECT k, v % 4, CASE WHEN v % 10 = 0 THEN NULL WHEN v % 3 = 0 THEN -0.0 ELSE CAST(v % 3 AS DOUBLE) END FROM t " \
             "WHERE v % 3 = 0 UNION ALL SELECT k, v % 4, CASE WHEN v % 10 = 0 THEN NULL ELSE CAST(v % 3 AS DOUBLE) END " \
             "FROM t WHERE v % 5 = 0 UNION ALL SELECT k, v % 4, CAST('NaN' AS DOUBLE) FROM t WHERE v % 7 = 0"

TEST(spill_set_operations) {
    setup();
    static const char *ops[] = {"INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"};
    for (int i = 0; i < 4; i++) {
        char q[2048], ex[2048];
        snprintf(q, sizeof q, "SELECT count(*), sum(hash(k, m, d)), sum(m), count(d) FROM "
                 "(SELECT * FROM (%s) %s SELECT * FROM (%s))", SO_L, ops[i], SO_R);
        snprintf(ex, sizeof ex, "EXPLAIN ANALYZE SELECT * FROM (%s) %s SELECT * FROM (%s)", SO_L, ops[i], SO_R);
        check_query(q, ex);
    }
    /* a failure while the rows are routed to spill files leaves nothing */
    sm_session *s = session("8m");
    CHECK(s != NULL);
    const char *r = rows_of(sm_sql(s, "SELECT count(*) FROM (SELECT k, v FROM t EXCEPT SELECT k, CASE WHEN v = "
                                      "599999 THEN raise_error('boom') ELSE v END FROM t)"),
                            false);
    CHECK(strstr(r, "boom") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
    fails_cleanly("SELECT count(*), sum(v) FROM (SELECT k, v % 4 AS v FROM t INTERSECT ALL SELECT k, v % 4 FROM t "
                  "WHERE v % 3 = 0)", NULL);
    teardown();
}

/* The budget is checked while the partial tables of a DISTINCT aggregate
 * merge, not only while they grow (hashagg.c ha_merge_task, commit
 * 1ab493c): four input partitions of 25000 disjoint values each, whose
 * partial tables together stay below three quarters of a 16 MB budget,
 * merge into one table that holds every value again.  Without the check the
 * merge alone takes counted memory to ~20 MB, past the budget, and nothing
 * spills; with it the aggregate spills and stays near 13 MB. */
TEST(spill_distinct_aggregate_merge_checks_budget) {
    setup();
    const char *q = "SELECT count(DISTINCT id), sum(DISTINCT id) FROM (SELECT id FROM range(0, 25000) UNION ALL "
                    "SELECT id + 25000 FROM range(0, 25000) UNION ALL SELECT id + 50000 FROM range(0, 25000) "
                    "UNION ALL SELECT id + 75000 FROM range(0, 25000))";
    const char *conf[] = {"smelt.memory.limit", "16m", NULL};
    sm_session *s = sm_session_new(conf);
    CHECK(s != NULL);
    int64_t base = sm_mem_in_use();
    sm_mem_peak_reset();
    CHECK_STR(rows_of(sm_sql(s, q), false), "100000,4999950000");
    int64_t grew = sm_mem_peak() - base;
    fprintf(stderr, "  counted memory grew by %lld bytes under 16m\n", (long long)grew);
    if (grew > (16 << 20)) T_FAIL("peak counted memory grew by %lld bytes under a 16 MB budget", (long long)grew);
    char ex[1100];
    snprintf(ex, sizeof ex, "EXPLAIN ANALYZE %s", q);
    CHECK(strstr(rows_of(sm_sql(s, ex), true), "spilled=") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
    teardown();
}

/* DISTINCT aggregates over different arguments (hashagg.c, one spilling
 * pass per class of arguments): global, and a GROUP BY of few groups, mixed
 * with plain aggregates and a FILTER. */
TEST(spill_distinct_aggregates_different_arguments) {
    setup();
    check_query("SELECT count(DISTINCT v), sum(DISTINCT v % 100000), count(DISTINCT k), "
                "count(DISTINCT k, v % 2), avg(DISTINCT v) FILTER (WHERE v % 3 = 0), count(*), sum(v), "
                "min(k), max(v) FROM t",
                "EXPLAIN ANALYZE SELECT count(DISTINCT v), count(DISTINCT k) FROM t");
    check_query("SELECT v % 3 AS g, count(DISTINCT v), sum(DISTINCT v % 1000), count(DISTINCT k), max(k), "
                "count(*) FROM t GROUP BY v % 3",
                "EXPLAIN ANALYZE SELECT v % 3, count(DISTINCT v), count(DISTINCT k) FROM t GROUP BY v % 3");
    fails_cleanly("SELECT count(DISTINCT v), count(DISTINCT k), sum(v) FROM t", NULL);
    teardown();
}
