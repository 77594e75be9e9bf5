/* Unit tests of the exchange metrics (exchange/xmetrics.c) on the
 * one-process backend, and of spark.sql.autoBroadcastJoinThreshold as a
 * session setting.  Under MPI the same reports are checked end to end by
 * tests/mpi/run_mpi_metrics.sh. */
#include "test.h"

#include <stdlib.h>

#include "api/api_internal.h"
#include "common/status.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"
#include "exec/hashtable.h"

/* A report of one exchange over `n` ranks that received recv[r] rows. */
static char *report(const char *kind, const char *keys, int n, const int64_t *recv, const char *hot) {
    xm_global g = {0};
    xm_global_rec rec = {0};
    snprintf(rec.kind, sizeof rec.kind, "%s", kind);
    snprintf(rec.keys, sizeof rec.keys, "%s", keys);
    snprintf(rec.op, sizeof rec.op, "Join");
    xm_rank_stats st[8] = {{0}};
    int64_t wall[8] = {0}, comm[8] = {0};
    for (int r = 0; r < n; r++) {
        st[r].rows_received = recv[r];
        st[r].rows_sent = 100;
        st[r].bytes_sent = 1000;
        if (hot && recv[r] > 10000) {
            st[r].hot_count = recv[r] / 2;
            snprintf(st[r].hot, sizeof st[r].hot, "%s", hot);
        }
        wall[r] = 2000000000;
        comm[r] = 500000000;
    }
    rec.ranks = st;
    g.nranks = n;
    g.n = 1;
    g.recs = &rec;
    g.wall_ns = wall;
    g.comm_ns = comm;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xm_print(&g, true, false, f);
    fclose(f);
    return buf;
}

TEST(skew_warning_names_key) {
    int64_t recv[2] = {200, 50000};
    char *s = report("hashpartitioning", "k", 2, recv, "7");
    CHECK(strstr(s, "Exchange hashpartitioning(k) for Join: rows sent 200") != NULL);
    CHECK(strstr(s, "min/median/max 200/200/50.0K") != NULL);
    CHECK(strstr(s, "rank 1: sent 100 rows") != NULL);
    CHECK(strstr(s, "warning: skewed exchange hashpartitioning(k) for Join: rank 1 received 50000 rows") != NULL);
    CHECK(strstr(s, "hottest key (k) = 7") != NULL);
    CHECK(strstr(s, "Per rank comm / compute: rank 0 0.500 s / 1.500 s; rank 1 0.500 s / 1.500 s") != NULL);
    free(s);
}

TEST(no_warning_when_uniform_small_or_broadcast) {
    int64_t even[3] = {30000, 31000, 29000};
    char *s = report("hashpartitioning", "k", 3, even, NULL);
    CHECK(strstr(s, "warning") == NULL);
    free(s);
    int64_t small[2] = {1, 900}; /* skewed, but below SMELT_SKEW_MIN_ROWS */
    s = report("hashpartitioning", "k", 2, small, NULL);
    CHECK(strstr(s, "warning") == NULL);
    free(s);
    int64_t bc[2] = {0, 90000}; /* a gather / single partition is uneven by design */
    s = report("single", "", 2, bc, NULL);
    CHECK(strstr(s, "warning") == NULL);
    free(s);
    setenv("SMELT_SKEW_MIN_ROWS", "500", 1);
    s = report("rangepartitioning", "x DESC", 2, small, NULL);
    CHECK(strstr(s, "warning: skewed exchange rangepartitioning(x DESC)") != NULL);
    free(s);
    unsetenv("SMELT_SKEW_MIN_ROWS");
}

TEST(hottest_key_sampled_from_routing) {
    /* a shuffle whose rows are mostly key 7: the record names it */
    int before = xm_count();
    xch_shuffle *x = xch_shuffle_new(xch_world(), 1);
    xm_label(xch_shuffle_metrics(x), "hashpartitioning", "k", "Join");
    int64_t n = 4000;
    sm_batch *b = sm_batch_new(1, n);
    b->cols[0] = sm_vector_new(SM_INT, n);
    for (int64_t i = 0; i < n; i++) sm_vector_append_i32(b->cols[0], i % 10 ? 7 : (int32_t)i);
    b->nrows = n;
    uint64_t *h = malloc((size_t)n * sizeof *h);
    sm_keytab_hash(b->cols, 1, n, h);
    xm_route(xch_shuffle_metrics(x), 0, b->cols, 1, h, n, NULL);
    free(h);
    CHECK_OK(xch_shuffle_add(x, 0, b, 0, NULL));
    sm_mset *m = NULL;
    CHECK_OK(xch_shuffle_run(x, SM_OK, 1, &m));
    CHECK_INT(sm_mset_rows(m), n);
    sm_mset_free(m);
    CHECK_INT(xm_count(), before + 1);
    /* one rank: the report is empty, the gather is local */
    xm_global *g = NULL;
    CHECK_OK(xm_gather(before, 0, &g));
    CHECK_INT(g->n, 1);
    CHECK_STR(g->recs[0].kind, "hashpartitioning");
    CHECK_INT(g->recs[0].ranks[0].rows_sent, n);
    CHECK_INT(g->recs[0].ranks[0].rows_received, n);
    CHECK_STR(g->recs[0].ranks[0].hot, "7");
    CHECK(g->recs[0].ranks[0].hot_count >= 3000);
    xm_global_free(g);
}

TEST(broadcast_threshold_setting) {
    int64_t v = 0;
    CHECK_OK(sm_parse_byte_conf("t", "10m", &v));
    CHECK_INT(v, 10 * 1024 * 1024);
    CHECK_OK(sm_parse_byte_conf("t", "10MB", &v));
    CHECK_INT(v, 10 * 1024 * 1024);
    CHECK_OK(sm_parse_byte_conf("t", "-1", &v));
    CHECK_INT(v, -1);
    CHECK_OK(sm_parse_byte_conf("t", "1048576", &v));
    CHECK_INT(v, 1048576);
    CHECK_OK(sm_parse_byte_conf("t", "2k", &v));
    CHECK_INT(v, 2048);
    CHECK(sm_parse_byte_conf("t", "ten", &v) == SM_INVALID);
    CHECK(sm_parse_byte_conf("t", "10q", &v) == SM_INVALID);
    CHECK(sm_parse_byte_conf("t", "", &v) == SM_INVALID);

    sm_session *s = sm_session_new(NULL);
    sm_exec_ctx ctx;
    CHECK_OK(sm_session_exec_ctx(s, &ctx));
    CHECK(!ctx.broadcast_threshold_set);
    sm_exec_ctx_done(&ctx);
    CHECK(sm_session_set(s, "spark.sql.autoBroadcastJoinThreshold", "lots") == SM_INVALID);
    CHECK(strstr(sm_last_error(), "spark.sql.autoBroadcastJoinThreshold") != NULL);
    CHECK_OK(sm_session_set(s, "spark.sql.autoBroadcastJoinThreshold", "-1"));
    CHECK_OK(sm_session_exec_ctx(s, &ctx));
    CHECK(ctx.broadcast_threshold_set);
    CHECK_INT(ctx.broadcast_threshold, -1);
    sm_exec_ctx_done(&ctx);
    CHECK_OK(sm_session_set(s, "spark.sql.autoBroadcastJoinThreshold", "20m"));
    CHECK_OK(sm_session_exec_ctx(s, &ctx));
    CHECK_INT(ctx.broadcast_threshold, 20 * 1024 * 1024);
    sm_exec_ctx_done(&ctx);
    sm_session_free(s);
}
