/*
 * test_reuse.c — breaker results kept across the actions of a session
 * (exec/reuse.c): a second action over a shared dropDuplicates does not
 * recompute it, a write into an input's directory drops it, and plans with
 * nondeterministic expressions are never kept.
 *
 * A kept result is a snapshot: the tests detect recomputation by changing
 * the input file behind the session's back between two actions.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "api/api_internal.h"
#include "exec/reuse.h"

static char tmpdir[256];

static void put_file(const char *rel, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static sm_dataframe *read_in(sm_session *s) {
    char path[512];
    snprintf(path, sizeof path, "%s/in", tmpdir);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    return sm_read_csv(s, path, opts, NULL);
}

static int64_t count(sm_dataframe *df) {
    int64_t n = -1;
    if (!df || sm_df_count(df, &n) != SM_OK) return -1;
    return n;
}

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/smelt-test-reuse-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    char path[512];
    snprintf(path, sizeof path, "%s/in", tmpdir);
    mkdir(path, 0755);
    put_file("in/a.csv", "k,v\n1,a\n1,b\n2,c\n");
}

static void teardown(void) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

TEST(reuse_second_action_reads_kept_distinct) {
    setup();
    sm_session *s = sm_session_new(NULL);
    CHECK(s != NULL);
    const char *key[] = {"k"};
    sm_dataframe *d = sm_df_drop_duplicates(read_in(s), 1, key);
    CHECK(d != NULL);
    CHECK_INT(count(d), 2);
    CHECK_INT(sm_exec_reuse_entries(s->reuse), 1);
    CHECK(sm_exec_reuse_bytes(s->reuse) > 0);
    /* the input changes behind the session's back: the kept result is used */
    put_file("in/a.csv", "k,v\n1,a\n2,b\n3,c\n"); /* same length */
    CHECK_INT(count(sm_df_filter(d, "k > 1")), 1);
    CHECK_INT(count(d), 2);
    /* a write elsewhere keeps it */
    char out[512];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    CHECK_OK(sm_df_write_csv(d, out, "overwrite", NULL));
    CHECK_INT(sm_exec_reuse_entries(s->reuse), 1);
    /* a write into the input directory drops it: the next action recomputes */
    snprintf(out, sizeof out, "%s/in/sub", tmpdir);
    CHECK_OK(sm_df_write_csv(d, out, "overwrite", NULL));
    CHECK_INT(sm_exec_reuse_entries(s->reuse), 0);
    CHECK_INT(count(d), 3);
    sm_session_free(s);
    teardown();
}

TEST(reuse_aggregate_shared_by_two_actions) {
    setup();
    sm_session *s = sm_session_new(NULL);
    const char *gk[] = {"k"};
    const char *aggs[] = {"v", "count", NULL};
    sm_dataframe *g = sm_grouped_agg_dict(sm_df_group_by(read_in(s), 1, gk), aggs);
    CHECK(g != NULL);
    CHECK_INT(count(g), 2);
    CHECK_INT(sm_exec_reuse_entries(s->reuse), 1);
    put_file("in/a.csv", "k,v\n7,a\n8,b\n9,c\n");
    CHECK_INT(count(sm_df_filter(g, "k = 1")), 1);
    sm_session_free(s);
    teardown();
}

TEST(reuse_never_keeps_nondeterministic_plans) {
    setup();
    sm_session *s = sm_session_new(NULL);
    const char *exprs[] = {"k", "rand() AS r"};
    const char *key[] = {"k"};
    sm_dataframe *d = sm_df_drop_duplicates(sm_df_select_expr(read_in(s), 2, exprs), 1, key);
    CHECK(d != NULL);
    CHECK_INT(count(d), 2);
    CHECK_INT(sm_exec_reuse_entries(s->reuse), 0);
    put_file("in/a.csv", "k,v\n1,a\n2,b\n3,c\n");
    CHECK_INT(count(d), 3);
    sm_session_free(s);
    teardown();
}

TEST(reuse_budget_zero_disables) {
    setenv("SMELT_REUSE_MEMORY", "0", 1);
    setup();
    sm_session *s = sm_session_new(NULL);
    const char *key[] = {"k"};
    sm_dataframe *d = sm_df_drop_duplicates(read_in(s), 1, key);
    CHECK_INT(count(d), 2);
    CHECK_INT(sm_exec_reuse_entries(s->reuse), 0);
    put_file("in/a.csv", "k,v\n1,a\n2,b\n3,c\n");
    CHECK_INT(count(d), 3);
    sm_session_free(s);
    teardown();
    unsetenv("SMELT_REUSE_MEMORY");
}
