/*
 * test_joinprune.c — joins keep only the columns the plan reads
 * (plan/prune.c marks, exec/hashjoin.c), and inner / left / semi / anti
 * joins stream their output instead of materializing it
 * (exec/joinstream.h).  Results are compared with SMELT_NO_PRUNE=1 and
 * SMELT_NO_STREAM_JOIN=1 runs; memory with sm_mem_peak.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "common/mem.h"
#include "rows_util.h"

static sm_session *session(void) { return sm_session_new(NULL); }

/* EXPLAIN text of q. */
static char *explain_of(sm_session *s, const char *q) {
    static char buf[16384];
    sm_dataframe *df = sm_sql(s, q);
    buf[0] = 0;
    if (!df) {
        snprintf(buf, sizeof buf, "ERROR: %s", sm_last_error());
        return buf;
    }
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    if (!f) return buf;
    sm_df_explain(df, f);
    fclose(f);
    return buf;
}

#define A "(SELECT id AS a_k, id * 10 AS a_x, concat('a', CAST(id AS STRING)) AS a_s, id % 7 AS a_y FROM range(100))"
#define B "(SELECT id % 50 AS b_k, id AS b_x, concat('b', CAST(id AS STRING)) AS b_s, id % 3 AS b_y FROM range(200))"

TEST(join_output_keeps_only_read_columns) {
    sm_session *s = session();
    CHECK(s != NULL);
    const char *plan = explain_of(s, "SELECT a_s, b_y FROM " A " JOIN " B " ON a_k = b_k");
    if (!strstr(plan, "output=[a_s, b_y]")) T_FAIL("plan: %s", plan);
    /* the residual condition's columns are read by the join, not output */
    plan = explain_of(s, "SELECT count(*) FROM " A " JOIN " B " ON a_k = b_k AND a_x > b_x");
    if (!strstr(plan, "output=[]")) T_FAIL("plan: %s", plan);
    /* everything read above: no marks */
    plan = explain_of(s, "SELECT * FROM " A " JOIN " B " ON a_k = b_k");
    if (strstr(plan, "output=")) T_FAIL("plan: %s", plan);
    sm_session_free(s);
}

/* Every join type gives the same rows pruned and streamed as with neither. */
TEST(join_pruned_streamed_rows_as_unpruned) {
    static const char *qs[] = {
        "SELECT a_s, b_y FROM " A " JOIN " B " ON a_k = b_k AND a_y <> b_y",
        "SELECT a_x, b_s FROM " A " LEFT JOIN " B " ON a_k = b_k AND b_y = 1",
        "SELECT a_y, b_s FROM " A " RIGHT JOIN " B " ON a_k = b_k AND a_y = 2",
        "SELECT a_s, b_x FROM " A " FULL JOIN " B " ON a_k = b_k + 60",
        "SELECT a_s FROM " A " LEFT SEMI JOIN " B " ON a_k = b_k AND a_y = b_y",
        "SELECT a_x FROM " A " LEFT ANTI JOIN " B " ON a_k = b_k AND b_x < 100",
        "SELECT a_s, b_s FROM " A " CROSS JOIN " B " WHERE a_x + b_x = 150",
        "SELECT count(*), sum(a.a_x), max(b_s) FROM " A " a JOIN " B " b ON a.a_k = b_k JOIN " A
        " c ON c.a_k = b_x",
        "SELECT a_k FROM " A " WHERE a_k NOT IN (SELECT b_x FROM " B " WHERE b_y = 0)",
        "SELECT a_s, b_s FROM " A " JOIN " B " ON a_k = b_k ORDER BY b_x DESC LIMIT 5",
    };
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        char plain[8192], got[8192];
        setenv("SMELT_NO_PRUNE", "1", 1);
        setenv("SMELT_NO_STREAM_JOIN", "1", 1);
        sm_session *s = session();
        snprintf(plain, sizeof plain, "%s", rows_of(sm_sql(s, qs[i]), strstr(qs[i], "ORDER BY") != NULL));
        sm_session_free(s);
        unsetenv("SMELT_NO_PRUNE");
        unsetenv("SMELT_NO_STREAM_JOIN");
        s = session();
        snprintf(got, sizeof got, "%s", rows_of(sm_sql(s, qs[i]), strstr(qs[i], "ORDER BY") != NULL));
        sm_session_free(s);
        if (strncmp(plain, "ERROR", 5) == 0) T_FAIL("%s: %s", qs[i], plain);
        if (strcmp(plain, got) != 0) T_FAIL("%s\n  expected %.300s\n  got      %.300s", qs[i], plain, got);
    }
}

/* A chain of joins into an aggregation keeps no joined rows: counted memory
 * grows by far less than the 2 million joined rows would take. */
TEST(join_chain_streams_without_materializing) {
    const char *q = "SELECT count(*), sum(v + w) FROM range(2000000) a "
                    "JOIN (SELECT id AS k, id * 2 AS v FROM range(1000)) b ON a.id % 1000 = b.k "
                    "JOIN (SELECT id AS k2, id * 3 AS w FROM range(1000)) c ON b.k = c.k2";
    int64_t grew[2];
    char res[2][256];
    for (int streamed = 0; streamed < 2; streamed++) {
        if (!streamed) setenv("SMELT_NO_STREAM_JOIN", "1", 1);
        sm_session *s = session();
        CHECK(s != NULL);
        sm_dataframe *df = sm_sql(s, q);
        int64_t base = sm_mem_in_use();
        sm_mem_peak_reset();
        snprintf(res[streamed], sizeof res[streamed], "%s", rows_of(df, false));
        grew[streamed] = sm_mem_peak() - base;
        sm_session_free(s);
        unsetenv("SMELT_NO_STREAM_JOIN");
    }
    CHECK_STR(res[1], res[0]);
    CHECK_STR(res[1], "2000000,4995000000");
    fprintf(stderr, "  counted memory grew by %lld bytes materialized, %lld streamed\n", (long long)grew[0],
            (long long)grew[1]);
    CHECK(grew[0] > (32 << 20));
    CHECK(grew[1] < (8 << 20));
}


/* Join order (sql/analyze.c): a column unique in its sample over an
 * unfiltered table is a key, and the other side a foreign key into it, so
 * joining that table does not shrink the fact rows; the filtered table
 * that does shrink them is joined first (TPC-H Q5: orders before
 * supplier). */
TEST(join_order_foreign_key_into_unfiltered_key) {
    sm_session *s = session();
    CHECK(s != NULL);
    const char *q = "SELECT count(*), sum(s_w), sum(o_w) FROM "
                    "(SELECT id AS f_id, (id * 7) % 10000 AS f_s, id DIV 4 AS f_o FROM range(100000)) f, "
                    "(SELECT id AS s_key, id % 3 AS s_w FROM range(10000)) s, "
                    "(SELECT id AS o_key, id % 5 AS o_w FROM range(25000)) o "
                    "WHERE f_s = s_key AND f_o = o_key AND o_key % 2 = 0";
    const char *plan = explain_of(s, q);
    /* the innermost join (printed last) is the one with the filtered table */
    const char *last = NULL;
    for (const char *p = strstr(plan, "Join "); p; p = strstr(p + 1, "Join ")) last = p;
    if (!last || strncmp(last, "Join Inner keys=[f_o = o_key]", 29) != 0) T_FAIL("plan: %s", plan);
    CHECK_STR(rows_of(sm_sql(s, q), false), "50000,50000,100000");
    sm_session_free(s);
}
