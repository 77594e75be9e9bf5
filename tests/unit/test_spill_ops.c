/*
 * test_spill_ops.c — sort, join, window and materialized results under a
 * tiny memory budget (exec/sortspill.c, exec/joinspill.c,
 * exec/windowspill.c, exec/msetspill.c): every query gives what it gives
 * without a budget (an order-sensitive digest of sorted output, an
 * order-free summary of joins and windows), EXPLAIN ANALYZE shows the spill,
 * counted memory stays near the budget, LIMIT over ORDER BY does not spill,
 * and the spill directory is gone afterwards, also after a failed query and
 * when the process is killed while spilling.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#include "common/mem.h"
#include "common/status.h"
#include "exec/spill.h"
#include "rows_util.h"

static char tmpdir[256];

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/smelt-test-spillops-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    setenv("TMPDIR", tmpdir, 1); /* the spill directory goes here */
}

static void teardown(void) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    unsetenv("TMPDIR");
}

static int leftovers(void) {
    DIR *d = opendir(tmpdir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static sm_session *session(const char *limit) {
    const char *conf[] = {"smelt.memory.limit", limit, NULL};
    return sm_session_new(limit ? conf : NULL);
}

/* Row count and an FNV-1a digest of every cell in output order. */
static char *ordered_digest(sm_dataframe *df) {
    static char out[256];
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(out, sizeof out, "ERROR: %s", sm_last_error());
        return out;
    }
    uint64_t h = 1469598103934665603ULL;
    int64_t n = sm_result_num_rows(r);
    for (int64_t i = 0; i < n; i++)
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_string(r, i, c);
            for (const char *p = v ? v : "\x01NULL"; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
            h = (h ^ 0xff) * 1099511628211ULL;
        }
    snprintf(out, sizeof out, "%lld rows, %016llx", (long long)n, (unsigned long long)h);
    sm_result_free(r);
    return out;
}

/* Runs q without a budget and under 1 MB; the digests must match and the
 * plan under 1 MB must show a spill. */
static void same_under_budget(const char *q, bool ordered, const char *must_contain, bool spills) {
    sm_session *s = session(NULL);
    CHECK(s != NULL);
    char expected[8192];
    snprintf(expected, sizeof expected, "%s",
             ordered ? ordered_digest(sm_sql(s, q)) : rows_of(sm_sql(s, q), false));
    sm_session_free(s);
    CHECK(strncmp(expected, "ERROR", 5) != 0);
    if (must_contain && !strstr(expected, must_contain)) T_FAIL("%s: got %s", q, expected);
    s = session("1m");
    CHECK(s != NULL);
    const char *got = ordered ? ordered_digest(sm_sql(s, q)) : rows_of(sm_sql(s, q), false);
    if (strcmp(got, expected) != 0) T_FAIL("%s\n  expected %s\n  got      %s", q, expected, got);
    char ex[4096];
    snprintf(ex, sizeof ex, "EXPLAIN ANALYZE %s", q);
    const char *plan = rows_of(sm_sql(s, ex), true);
    if (spills && !strstr(plan, "spilled=")) T_FAIL("no spill under 1m: %s", plan);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
}

static void same_under_1mb(const char *q, bool ordered, const char *must_contain) {
    same_under_budget(q, ordered, must_contain, true);
}

/* 60000 rows: id, an int key with nulls and repeats, a string, a double
 * with NaN and nulls. */
#define T "(SELECT id, CASE WHEN id % 13 = 0 THEN NULL ELSE (id * 7919) % 50021 END AS k, " \
          "concat('s', CAST((id * 31) % 977 AS STRING)) AS s, " \
          "CASE WHEN id % 101 = 0 THEN CAST('NaN' AS DOUBLE) WHEN id % 103 = 0 THEN NULL " \
          "ELSE (id % 1000) / 7.0 END AS d FROM range(60000))"

TEST(spill_sort_orders_as_in_memory) {
    setup();
    same_under_1mb("SELECT * FROM " T " ORDER BY k, id", true, "60000 rows");
    same_under_1mb("SELECT * FROM " T " ORDER BY k DESC, id DESC", true, NULL);
    same_under_1mb("SELECT * FROM " T " ORDER BY k ASC NULLS LAST, s DESC, id", true, NULL);
    same_under_1mb("SELECT * FROM " T " ORDER BY k DESC NULLS FIRST, id", true, NULL);
    same_under_1mb("SELECT * FROM " T " ORDER BY s, d DESC NULLS LAST, id", true, NULL);
    same_under_1mb("SELECT * FROM " T " ORDER BY d, id DESC", true, NULL);
    /* ties: only the keys are compared (equal keys may come in another order) */
    same_under_1mb("SELECT k, s FROM (SELECT * FROM " T " ORDER BY s DESC, k)", true, NULL);
    teardown();
}

#define L "(SELECT id, CASE WHEN id % 11 = 0 THEN NULL ELSE id % 45000 END AS lk, " \
          "concat('l', CAST(id AS STRING)) AS ls FROM range(60000))"
#define R "(SELECT id AS rid, CASE WHEN id % 17 = 0 THEN NULL ELSE id END AS rk, " \
          "id % 5 AS rv, concat('r', CAST(id % 977 AS STRING)) AS rs FROM range(40000) WHERE id % 4 <> 1)"
#define SUMMARY(cols) "SELECT count(*), sum(hash(" cols ")), min(hash(" cols ")), max(hash(" cols "))"

TEST(spill_join_every_type_as_in_memory) {
    setup();
    static const char *types[] = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"};
    char q[4096];
    for (int i = 0; i < 4; i++) {
        snprintf(q, sizeof q, "%s FROM %s a %s %s b ON a.lk = b.rk",
                 SUMMARY("id, lk, ls, rid, rk, rv, rs"), L, types[i], R);
        same_under_1mb(q, false, NULL);
        /* with a residual (non-equi) condition */
        snprintf(q, sizeof q, "%s FROM %s a %s %s b ON a.lk = b.rk AND b.rv < a.id %% 4",
                 SUMMARY("id, lk, ls, rid, rk, rv, rs"), L, types[i], R);
        same_under_1mb(q, false, NULL);
    }
    static const char *semi[] = {"LEFT SEMI JOIN", "LEFT ANTI JOIN"};
    for (int i = 0; i < 2; i++) {
        snprintf(q, sizeof q, "%s FROM %s a %s %s b ON a.lk = b.rk", SUMMARY("id, lk, ls"), L,
                 semi[i], R);
        same_under_1mb(q, false, NULL);
        snprintf(q, sizeof q, "%s FROM %s a %s %s b ON a.lk = b.rk AND b.rv <> a.id %% 5",
                 SUMMARY("id, lk, ls"), L, semi[i], R);
        same_under_1mb(q, false, NULL);
    }
    /* two keys */
    same_under_1mb(SUMMARY("id, lk, rid") " FROM " L " a JOIN " R
                   " b ON a.lk = b.rk AND a.id % 5 = b.rv", false, NULL);
    teardown();
}

TEST(spill_not_in_keeps_null_semantics) {
    setup();
    /* no null in the subquery: left rows with a null key are dropped */
    same_under_1mb("SELECT count(*), sum(lk) FROM " L " WHERE lk NOT IN (SELECT rk FROM " R
                   " WHERE rk IS NOT NULL)", false, NULL);
    /* a null in the subquery: nothing is kept */
    sm_session *s = session("1m");
    CHECK(s != NULL);
    CHECK_STR(rows_of(sm_sql(s, "SELECT count(*) FROM " L " WHERE lk NOT IN (SELECT rk FROM " R ")"), false),
              "0");
    CHECK_STR(sm_spill_dir(), "");
    sm_session_free(s);
    teardown();
}

TEST(spill_window_under_budget) {
    setup();
    /* a window's output is materialized: it must read back in order */
    /* many window partitions: the input is cut by PARTITION BY into spill files */
    same_under_budget("SELECT count(*), sum(r), sum(hash(id, r, lg, rs, mx)) FROM (SELECT id, "
                   "row_number() OVER (PARTITION BY k ORDER BY id DESC) AS r, "
                   "lag(s, 1, 'none') OVER (PARTITION BY k ORDER BY id) AS lg, "
                   "sum(id) OVER (PARTITION BY k ORDER BY d ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS rs, "
                   "max(d) OVER (PARTITION BY k) AS mx FROM " T ")",
                   false, "60000,", true);
    /* few, large window partitions (re-partitioning cannot split them) */
    same_under_budget("SELECT id, k, r FROM (SELECT id, k, row_number() OVER (PARTITION BY k % 7 "
                      "ORDER BY id) AS r FROM " T ") ORDER BY id",
                      true, NULL, true);
    teardown();
}

TEST(spill_topk_limit_over_sort_does_not_spill) {
    setup();
    sm_session *s = session("1m");
    CHECK(s != NULL);
    /* LIMIT over ORDER BY keeps only the first rows: the same rows as the
     * window numbering of the whole sort, and no spill */
    char expected[256];
    snprintf(expected, sizeof expected, "%s",
             ordered_digest(sm_sql(s, "SELECT id, k, s FROM (SELECT id, k, s, row_number() OVER "
                                      "(ORDER BY s DESC, k NULLS LAST, id) AS rn FROM " T
                                      ") WHERE rn > 30 AND rn <= 5030 ORDER BY rn")));
    CHECK(strncmp(expected, "5000 rows", 9) == 0);
    const char *q = "SELECT id, k, s FROM " T " ORDER BY s DESC, k NULLS LAST, id LIMIT 5000 OFFSET 30";
    CHECK_STR(ordered_digest(sm_sql(s, q)), expected);
    char ex[2048];
    snprintf(ex, sizeof ex, "EXPLAIN ANALYZE %s", q);
    const char *plan = rows_of(sm_sql(s, ex), true);
    if (strstr(plan, "spilled=")) T_FAIL("top-k spilled: %s", plan);
    CHECK_STR(rows_of(sm_sql(s, "SELECT id FROM " T " ORDER BY id DESC LIMIT 3"), true), "59999|59998|59997");
    CHECK_STR(rows_of(sm_sql(s, "SELECT id FROM " T " ORDER BY id LIMIT 0"), true), "");
    CHECK_STR(sm_spill_dir(), "");
    sm_session_free(s);
    teardown();
}

TEST(spill_files_removed_after_failed_sort_and_join) {
    setup();
    sm_session *s = session("1m");
    CHECK(s != NULL);
    const char *r = rows_of(sm_sql(s, "SELECT count(*) FROM (SELECT * FROM " T
                                      " ORDER BY CASE WHEN id = 59999 THEN raise_error('boom') ELSE k END)"),
                            false);
    CHECK(strstr(r, "boom") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    r = rows_of(sm_sql(s, "SELECT count(*) FROM " L " a JOIN " R
                          " b ON a.lk = b.rk AND (CASE WHEN a.id = 59990 THEN raise_error('bang') ELSE true END)"),
                false);
    CHECK(strstr(r, "bang") != NULL);
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    sm_session_free(s);
    teardown();
}

/* Counted memory under an 8 MB budget stays near it for a join and a sort
 * whose inputs and outputs are several times larger. */
TEST(spill_peak_memory_near_budget) {
    setup();
    static const char *qs[] = {
        "SELECT count(*), sum(hash(id, lk, ls, rid, rv, rs)) FROM (SELECT * FROM " L " a JOIN "
        "(SELECT * FROM " R " UNION ALL SELECT * FROM " R " UNION ALL SELECT * FROM " R
        " UNION ALL SELECT * FROM " R " UNION ALL SELECT * FROM " R ") b "
        "ON a.lk = b.rk)", /* the build side: the join streams its output (joinstream.h) */
        "SELECT count(*), sum(hash(id, k, s)) FROM (SELECT * FROM (SELECT id, k, s FROM " T
        " UNION ALL SELECT id, k, s FROM " T " UNION ALL SELECT id, k, s FROM " T ") ORDER BY s, k, id)",
    };
    for (int i = 0; i < 2; i++) {
        sm_session *s = session(NULL);
        CHECK(s != NULL);
        char expected[1024];
        int64_t base = sm_mem_in_use();
        sm_mem_peak_reset();
        snprintf(expected, sizeof expected, "%s", rows_of(sm_sql(s, qs[i]), false));
        int64_t unconstrained = sm_mem_peak() - base;
        sm_session_free(s);
        s = session("8m");
        CHECK(s != NULL);
        base = sm_mem_in_use();
        sm_mem_peak_reset();
        CHECK_STR(rows_of(sm_sql(s, qs[i]), false), expected);
        int64_t grew = sm_mem_peak() - base;
        fprintf(stderr, "  query %d: counted memory grew by %lld bytes unconstrained, %lld under 8m\n", i,
                (long long)unconstrained, (long long)grew);
        /* the budget + a fixed allowance (batches in flight, the inputs of
         * range() the test builds in memory: ~3 MB) */
        if (grew > (8 << 20) + (8 << 20)) T_FAIL("query %d: peak counted memory grew by %lld bytes", i, (long long)grew);
        CHECK(unconstrained > (12 << 20)); /* the budget is binding */
        sm_session_free(s);
    }
    CHECK_STR(sm_spill_dir(), "");
    CHECK_INT(leftovers(), 0);
    teardown();
}

TEST(spill_dir_removed_when_killed) {
    setup();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) { /* the child spills until it is killed */
        sm_session *s = session("1m");
        for (int i = 0; s && i < 1000; i++)
            rows_of(sm_sql(s, "SELECT count(*) FROM " L " a FULL JOIN " R " b ON a.lk = b.rk"), false);
        _exit(0);
    }
    /* wait for its spill directory, then SIGTERM it while it spills */
    bool seen = false;
    for (int i = 0; i < 2000 && !seen; i++) {
        seen = leftovers() > 0;
        if (!seen) nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    CHECK(seen);
    kill(pid, SIGTERM);
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    CHECK_INT(leftovers(), 0);
    teardown();
}
