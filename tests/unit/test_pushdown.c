/*
 * test_pushdown.c — reading less from Parquet and showing it: column
 * pruning (bytes read), row-group pruning from statistics (plan filters
 * pushed to the scan, parquet_stats.c rules), and EXPLAIN ANALYZE.
 *
 * Every file is written by smelt; the counters come from EXPLAIN ANALYZE
 * (sm_df_explain_analyze), results are compared with SMELT_NO_PRUNE=1 runs.
 * NaN semantics (NaN > any number) are Spark's.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "api/api_internal.h"
#include "common/status.h"
#include "formats/parquet.h"
#include "fs/commit.h"
#include "rows_util.h"

static char tmp_root[256];

static const char *tmpdir(void) {
    if (!tmp_root[0]) {
        snprintf(tmp_root, sizeof tmp_root, "/tmp/smelt-test-pushdown-%d", (int)getpid());
        fs_remove_tree(tmp_root);
        mkdir(tmp_root, 0777);
    }
    return tmp_root;
}

static sm_session *session(void) {
    const char *cfg[] = {"smelt.threads", "2", NULL};
    return sm_session_new(cfg);
}

static const char *analyze(sm_dataframe *df) {
    static char out[16384];
    memset(out, 0, sizeof out);
    FILE *f = fmemopen(out, sizeof out - 1, "w");
    int rc = sm_df_explain_analyze(df, f);
    fclose(f);
    if (rc) snprintf(out, sizeof out, "ERROR: %s", sm_last_error());
    return out;
}

/* The number after `key` in text (-1 when absent). */
static long long counter(const char *text, const char *key) {
    const char *p = strstr(text, key);
    return p ? atoll(p + strlen(key)) : -1;
}

static void no_prune(bool on) {
    if (on) setenv("SMELT_NO_PRUNE", "1", 1);
    else unsetenv("SMELT_NO_PRUNE");
}

TEST(column_pruning_reads_two_of_ten) {
    char out[512];
    snprintf(out, sizeof out, "%s/ten", tmpdir());
    sm_session *s = session();
    sm_dataframe *df = sm_sql(s, "SELECT id * 7 AS c0, id * 11 AS c1, id * 13 AS c2, id * 17 AS c3, id * 19 AS c4, "
                                 "id * 23 AS c5, id * 29 AS c6, id * 31 AS c7, id * 37 AS c8, id * 41 AS c9 "
                                 "FROM range(200000)");
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", (const char *[]){"compression", "none", NULL}));
    sm_dataframe *r = sm_read_parquet(s, out, NULL, NULL);
    sm_dataframe *q = sm_df_agg(r, 2, (const char *[]){"sum(c3)", "max(c8)"});
    no_prune(false);
    long long pruned = counter(analyze(q), "bytes read=");
    char expect[256];
    snprintf(expect, sizeof expect, "%s", rows_of(q, false));
    no_prune(true);
    long long full = counter(analyze(q), "bytes read=");
    CHECK_STR(rows_of(q, false), expect);
    no_prune(false);
    CHECK(full > 0 && pruned > 0);
    CHECK(pruned * 100 < full * 35);
    fprintf(stderr, "  2 of 10 columns: %lld of %lld bytes (%.1f%%)\n", pruned, full, 100.0 * pruned / full);
    /* count(*) reads no column chunk at all */
    CHECK_INT(counter(analyze(sm_df_agg(r, 1, (const char *[]){"count(*)"})), "bytes read="), 0);
    CHECK_STR(rows_of(sm_df_agg(r, 1, (const char *[]){"count(*)"}), false), "200000");
    sm_session_free(s);
}

TEST(row_group_pruning_sorted_column) {
    char out[512];
    snprintf(out, sizeof out, "%s/sorted", tmpdir());
    sm_session *s = session();
    sm_dataframe *df = sm_sql(s, "SELECT id, CAST(id AS STRING) AS s, id % 7 AS k FROM range(100000)");
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", (const char *[]){"parquet.block.size", "65536", NULL}));
    sm_dataframe *r = sm_read_parquet(s, out, NULL, NULL);
    const char *conds[] = {"id >= 5000 AND id < 5100", "id = 77777", "id IN (3, 99999)", "id < 10",
                           "100 > id", "id > 99990", "id <= 0", "id IS NULL", "id IS NOT NULL AND id > 50000",
                           "k = 3 AND id BETWEEN 20000 AND 20010", NULL};
    for (int i = 0; conds[i]; i++) {
        sm_dataframe *f = sm_df_filter(r, conds[i]);
        sm_dataframe *c = sm_df_agg(f, 3, (const char *[]){"count(*)", "sum(id)", "max(s)"});
        no_prune(true);
        char expect[256];
        snprintf(expect, sizeof expect, "%s", rows_of(c, false));
        no_prune(false);
        CHECK_STR(rows_of(c, false), expect);
        const char *a = analyze(c);
        long long skipped = counter(a, "skipped by statistics=");
        long long total = counter(a, " of ");
        if (i != 8) CHECK(skipped > 0);
        if (i == 7) CHECK(strstr(a, "row groups read=0,") != NULL);
        if (skipped <= 0 && i != 8) fprintf(stderr, "  %s\n%s\n", conds[i], a);
        (void)total;
    }
    /* the explain of a selective filter shows the pushed filter and the count */
    const char *a = analyze(sm_df_filter(r, "id = 123"));
    CHECK(strstr(a, "PushedFilters: [(id = 123)]") != NULL);
    CHECK(strstr(a, "rows=1,") != NULL);
    /* a filter on a cast column is not pushed (it would need the cast's rules) */
    a = analyze(sm_df_filter(r, "CAST(id AS STRING) = '5'"));
    CHECK(strstr(a, "skipped by statistics=0") != NULL);
    /* string column: lexicographic statistics */
    sm_dataframe *c = sm_df_agg(sm_df_filter(r, "s = '99999'"), 1, (const char *[]){"count(*)"});
    CHECK_STR(rows_of(c, false), "1");
    CHECK(counter(analyze(c), "skipped by statistics=") > 0);
    sm_session_free(s);
}

/* Two files, one row group each, appended to one directory. */
static sm_dataframe *two_files(sm_session *s, const char *name, const char *q1, const char *q2) {
    char out[512];
    snprintf(out, sizeof out, "%s/%s", tmpdir(), name);
    CHECK_OK(sm_df_write_parquet(sm_sql(s, q1), out, "overwrite", NULL));
    CHECK_OK(sm_df_write_parquet(sm_sql(s, q2), out, "append", NULL));
    return sm_read_parquet(s, out, NULL, NULL);
}

static void same_as_unpruned(sm_dataframe *r, const char *cond, long long want_skipped) {
    sm_dataframe *f = sm_df_filter(r, cond);
    no_prune(true);
    char expect[1024];
    snprintf(expect, sizeof expect, "%s", rows_of(f, false));
    no_prune(false);
    const char *got = rows_of(f, false);
    if (strcmp(got, expect)) fprintf(stderr, "  %s: got %s, expected %s\n", cond, got, expect);
    CHECK_STR(got, expect);
    long long sk = counter(analyze(f), "skipped by statistics=");
    if (sk != want_skipped) fprintf(stderr, "  %s: skipped %lld, expected %lld\n", cond, sk, want_skipped);
    CHECK_INT(sk, want_skipped);
}

TEST(statistics_edge_cases_end_to_end) {
    sm_session *s = session();
    /* NaN: writers leave it out of min/max, and NaN > every number in Spark */
    sm_dataframe *r = two_files(s, "nan", "SELECT * FROM VALUES (1.0D), (CAST('NaN' AS DOUBLE)), (3.0D) AS t(x)",
                                "SELECT * FROM VALUES (10.0D), (20.0D) AS t(x)");
    same_as_unpruned(r, "x > 15", 0);               /* the NaN row matches */
    same_as_unpruned(r, "x >= 15", 0);
    same_as_unpruned(r, "x < 5", 1);                /* NaN < 5 is false */
    same_as_unpruned(r, "x = 20", 1);
    same_as_unpruned(r, "x = CAST('NaN' AS DOUBLE)", 0);
    same_as_unpruned(r, "x IN (2.0D, 3.0D)", 1);
    CHECK_STR(rows_of(sm_df_filter(r, "x > 15"), false), "20.0|NaN");
    /* a column of nulls only in one file */
    r = two_files(s, "nulls", "SELECT CAST(NULL AS INT) AS x, 1 AS y FROM range(3)",
                  "SELECT CAST(id AS INT) AS x, 2 AS y FROM range(3)");
    same_as_unpruned(r, "x = 1", 1);
    same_as_unpruned(r, "x IS NULL", 1);            /* the other file has no null */
    same_as_unpruned(r, "x IS NOT NULL", 1);
    same_as_unpruned(r, "x < 100", 1);
    same_as_unpruned(r, "x IN (NULL)", 2);
    /* strings with bytes >= 0x80 compare unsigned (é = C3 A9 > z) */
    r = two_files(s, "utf8", "SELECT * FROM VALUES ('a'), ('b') AS t(s)",
                  "SELECT * FROM VALUES ('é'), ('zz') AS t(s)");
    same_as_unpruned(r, "s > 'z'", 1);
    same_as_unpruned(r, "s = 'é'", 1);
    same_as_unpruned(r, "s >= 'éa'", 2);
    same_as_unpruned(r, "s < 'c'", 1);
    /* dates and decimals */
    r = two_files(s, "typed", "SELECT DATE'2020-01-01' + CAST(id AS INT) AS d, CAST(id AS DECIMAL(10,2)) AS m FROM range(5)",
                  "SELECT DATE'2021-06-01' + CAST(id AS INT) AS d, CAST(id + 100 AS DECIMAL(10,2)) AS m FROM range(5)");
    same_as_unpruned(r, "d >= DATE'2021-01-01'", 1);
    same_as_unpruned(r, "m < CAST(3 AS DECIMAL(10,2))", 1);
    same_as_unpruned(r, "m > 3", 0); /* decimal(10,2) vs int: coerced, column side cast: not pushed */
    /* filters on the same scan through a self-union: both paths must agree, nothing pushed */
    sm_session_free(s);
}

/* Direct checks of the trust rules (parquet_stats.c). */
static pq_column_meta meta_of(const void *mn, const void *mx, int len, bool legacy) {
    pq_column_meta m;
    memset(&m, 0, sizeof m);
    m.has_stats = true;
    pq_bytes a = {mn, len}, b = {mx, len};
    if (legacy) {
        m.stats.min = a;
        m.stats.max = b;
    } else {
        m.stats.min_value = a;
        m.stats.max_value = b;
    }
    return m;
}

TEST(statistics_trust_rules) {
    sm_value v;
    memset(&v, 0, sizeof v);
    sm_scan_filter f = {0, SM_SF_EQ, 1, &v};
    /* strings: legacy min/max (signed order in old writers) are never used */
    v.type = SM_STRING;
    v.v.str.ptr = "m";
    v.v.str.len = 1;
    pq_column_meta m = meta_of("a", "c", 1, true);
    CHECK(pq_stats_may_match(PQ_SK_BYTES, PQ_BYTE_ARRAY, false, &m, 10, &f));
    m = meta_of("a", "c", 1, false);
    CHECK(!pq_stats_may_match(PQ_SK_BYTES, PQ_BYTE_ARRAY, false, &m, 10, &f));
    /* unsigned byte order: 0xC3 sorts after 'z' */
    m = meta_of("a", "\xc3\xa9", 0, false);
    m.stats.min_value.len = 1;
    m.stats.max_value.len = 2;
    v.v.str.ptr = "z";
    CHECK(pq_stats_may_match(PQ_SK_BYTES, PQ_BYTE_ARRAY, false, &m, 10, &f));
    v.v.str.ptr = "\xc3\xaa";
    v.v.str.len = 2;
    CHECK(!pq_stats_may_match(PQ_SK_BYTES, PQ_BYTE_ARRAY, false, &m, 10, &f));
    /* doubles: a NaN bound drops the statistics; x > c never pruned */
    double lo = 1, hi = NAN, c = 100;
    v.type = SM_DOUBLE;
    v.v.f64 = c;
    m = meta_of(&lo, &hi, 8, false);
    CHECK(pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    hi = 5;
    m = meta_of(&lo, &hi, 8, false);
    CHECK(!pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    f.op = SM_SF_GT;
    CHECK(pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    f.op = SM_SF_LT;
    v.v.f64 = 0.5;
    CHECK(!pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    /* -0.0 and +0.0 are equal */
    lo = 0.0, hi = 0.0, v.v.f64 = -0.0, f.op = SM_SF_EQ;
    m = meta_of(&lo, &hi, 8, false);
    CHECK(pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    /* doubles: legacy min/max are trusted (signed order is right) */
    lo = 1, hi = 5, v.v.f64 = 7;
    m = meta_of(&lo, &hi, 8, true);
    CHECK(!pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    /* nulls only: no comparison can be true, IS NULL can */
    m = meta_of(&lo, &hi, 0, false);
    m.stats.min_value.bytes = m.stats.max_value.bytes = NULL;
    m.stats.has_null_count = true;
    m.stats.null_count = 10;
    v.v.f64 = 3;
    CHECK(!pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    f.op = SM_SF_IS_NULL;
    CHECK(pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    f.op = SM_SF_NOT_NULL;
    CHECK(!pq_stats_may_match(PQ_SK_DOUBLE, PQ_DOUBLE, false, &m, 10, &f));
    /* unsigned ints: min_value in unsigned order; legacy ignored */
    uint32_t ulo = 1, uhi = 3000000000u;
    v.type = SM_BIGINT;
    v.v.i64 = 2500000000LL;
    f.op = SM_SF_EQ;
    m = meta_of(&ulo, &uhi, 4, false);
    CHECK(pq_stats_may_match(PQ_SK_UINT32, PQ_INT32, false, &m, 10, &f));
    v.v.i64 = 3500000000LL;
    CHECK(!pq_stats_may_match(PQ_SK_UINT32, PQ_INT32, false, &m, 10, &f));
    m = meta_of(&ulo, &uhi, 4, true);
    CHECK(pq_stats_may_match(PQ_SK_UINT32, PQ_INT32, false, &m, 10, &f));
    /* binary decimals: two's complement, big-endian */
    uint8_t dlo[2] = {0xff, 0x00}, dhi[2] = {0x01, 0x00}; /* -256 .. 256 */
    v.type = SM_DECIMAL;
    v.v.dec = -300;
    m = meta_of(dlo, dhi, 2, false);
    CHECK(!pq_stats_may_match(PQ_SK_DEC_BIN, PQ_FIXED_LEN_BYTE_ARRAY, false, &m, 10, &f));
    v.v.dec = -200;
    CHECK(pq_stats_may_match(PQ_SK_DEC_BIN, PQ_FIXED_LEN_BYTE_ARRAY, false, &m, 10, &f));
    /* a wrong-length statistic is ignored */
    int32_t ilo = 1, ihi = 2;
    v.type = SM_INT;
    v.v.i32 = 50;
    m = meta_of(&ilo, &ihi, 3, false);
    CHECK(pq_stats_may_match(PQ_SK_INT, PQ_INT32, false, &m, 10, &f));
    m = meta_of(&ilo, &ihi, 4, false);
    CHECK(!pq_stats_may_match(PQ_SK_INT, PQ_INT32, false, &m, 10, &f));
    /* INT96 and others never prune */
    CHECK(pq_stats_may_match(PQ_SK_NONE, PQ_INT96, false, &m, 10, &f));
}

/* EXPLAIN ANALYZE text, times and memory masked. */
TEST(explain_analyze_golden) {
    sm_session *s = session();
    sm_dataframe *df = sm_sql(s, "SELECT k, count(*) AS n FROM VALUES (1), (2), (2), (3), (3), (3) AS t(k) "
                                 "WHERE k > 1 GROUP BY k ORDER BY k");
    CHECK(df != NULL);
    setenv("SMELT_EXPLAIN_MASK_TIMES", "1", 1);
    const char *a = analyze(df);
    unsetenv("SMELT_EXPLAIN_MASK_TIMES");
    const char *want =
        "== Physical Plan (analyzed) ==\n"
        "Sort [k ASC NULLS FIRST]\n"
        "   [rows=2, time=* ms, tasks=1, peak memory=*]\n"
        "   +- Project [k AS k, n AS n]\n"
        "         [rows=2, time=* ms, tasks=2]\n"
        "      +- Project [__k0 AS __k0, __a0 AS __a0]\n"
        "            [rows=2, time=* ms, tasks=2]\n"
        "         +- HashAggregate keys=[__k0], functions=[count(1)]\n"
        "               [rows=2, time=* ms, tasks=2, peak memory=*]\n"
        "            +- Filter (k > 1)\n"
        "                  [rows=5, time=* ms, tasks=1]\n"
        "               +- Project [k AS k]\n"
        "                     [rows=6, time=* ms, tasks=1]\n"
        "                  +- Project [col1 AS k]\n"
        "                        [rows=6, time=* ms, tasks=1]\n"
        "                     +- LocalTableScan\n"
        "                           [rows=6, time=* ms, tasks=1]\n"
        "Total time: * ms\n";
    if (strcmp(a, want)) fprintf(stderr, "%s", a);
    CHECK_STR(a, want);
    /* SQL: one row holding the text; the scan line has the scan counters */
    char out[512], q[1024];
    snprintf(out, sizeof out, "%s/ea", tmpdir());
    CHECK_OK(sm_df_write_parquet(sm_sql(s, "SELECT id, id % 3 AS p FROM range(1000)"), out, "overwrite",
                                 (const char *[]){"partitionBy", "p", NULL}));
    snprintf(q, sizeof q, "EXPLAIN ANALYZE SELECT count(*) FROM parquet.`%s` WHERE p = 1 AND id < 10", out);
    const char *text = rows_of(sm_sql(s, q), true);
    CHECK(strstr(text, "PartitionFilters: [(p = 1)]") != NULL);
    CHECK(strstr(text, "files=1, bytes read=") != NULL);
    CHECK(strstr(text, "partitions read=1, skipped=2") != NULL);
    CHECK(strstr(text, "rows scanned=333") != NULL);
    CHECK(strstr(text, "HashAggregate") != NULL);
    sm_session_free(s);
}
