/*
 * test_agg_more.c — the aggregates added after the first set (expr/agg.c):
 * every/any/count_if, max_by/min_by, corr/covar, skewness/kurtosis,
 * approx_count_distinct, percentile/median/percentile_approx, mode,
 * regr_count/avgx/avgy, and FILTER (WHERE ...) in hash aggregation
 * (exec/hashagg.c).  Plans are hand-built over several partitions and run
 * with 1 and 3 merge pieces, so every state goes through update and merge.
 * Expected values come from PySpark 3.5 (non-ANSI), checked when written.
 */
#include "test.h"

#include "agg_test_util.h"

/* An aggregate call parsed from SQL text and bound against child's schema
 * (columns c0, c1, ...). */
static sm_expr *t_agg_sql(const sm_plan *child, const char *text) {
    sm_expr *e = NULL, *b = NULL;
    if (sm_expr_parse(ta(), text, &e) != SM_OK) {
        fprintf(stderr, "parse %s: %s\n", text, sm_errmsg());
        return NULL;
    }
    sm_bind_ctx bc = {0};
    bc.schema = child->schema;
    bc.arena = ta();
    bc.allow_agg = true;
    bc.text = text;
    if (sm_expr_bind(&bc, e, &b) != SM_OK) {
        fprintf(stderr, "bind %s: %s\n", text, sm_errmsg());
        return NULL;
    }
    return b;
}

/* Binding that must fail; returns the error message. */
static const char *t_agg_sql_err(const sm_plan *child, const char *text) {
    sm_expr *e = NULL, *b = NULL;
    if (sm_expr_parse(ta(), text, &e) != SM_OK) return sm_errmsg();
    sm_bind_ctx bc = {0};
    bc.schema = child->schema;
    bc.arena = ta();
    bc.allow_agg = true;
    if (sm_expr_bind(&bc, e, &b) == SM_OK) return "bound";
    return sm_errmsg();
}

static char *run(sm_plan *p, int pieces) {
    sm_exec_ctx ctx;
    t_ctx(&ctx, pieces);
    sm_mset *m = NULL;
    int rc = exec_hashagg(&ctx, p, &m);
    if (rc != SM_OK) {
        fprintf(stderr, "exec_hashagg: %s\n", sm_errmsg());
        sm_exec_ctx_done(&ctx);
        return strdup("ERROR");
    }
    char *s = t_render(m, 1);
    sm_mset_free(m);
    sm_exec_ctx_done(&ctx);
    return s;
}

/* Runs aggs (SQL texts) grouped by c0 (or globally when grouped is false)
 * with 1 and 3 pieces; both must give `want`. */
static void check_aggs(sm_plan *in, bool grouped, int n, const char *const *texts, const char *want) {
    sm_expr *aggs[16];
    for (int i = 0; i < n; i++) {
        aggs[i] = t_agg_sql(in, texts[i]);
        CHECK(aggs[i] != NULL);
        if (!aggs[i]) return;
    }
    sm_expr **keys = sm_arena_alloc(ta(), sizeof *keys);
    keys[0] = t_col(in, 0);
    sm_plan *p = t_aggregate(in, grouped ? 1 : 0, grouped ? keys : NULL, n, aggs);
    for (int pieces = 1; pieces <= 3; pieces += 2) {
        char *s = run(p, pieces);
        CHECK_STR(s, want);
        free(s);
    }
}

/* PySpark's view t of the brief's checks, split over three partitions:
 *   c0 k, c1 i, c2 d, c3 s, c4 b */
static sm_plan *sample(void) {
    static const char *p0[] = {"1", "1", "10.5", "a", "true",  "1", "2", "20", "b", "false"};
    static const char *p1[] = {"1", "3", "NULL", "a", "NULL",  "2", "NULL", "7", "c", "true"};
    static const char *p2[] = {"2", "4", "7", "c", "true",  "3", "NULL", "NULL", "NULL", "NULL"};
    sm_batch *b0[] = {t_batch("iidsb", 2, p0)}, *b1[] = {t_batch("iidsb", 2, p1)},
             *b2[] = {t_batch("iidsb", 2, p2)};
    sm_plan *parts[] = {t_values("iidsb", 1, b0), t_values("iidsb", 1, b1), t_values("iidsb", 1, b2)};
    return t_union(3, parts);
}

TEST(agg_more_boolean_aggregates) {
    sm_plan *in = sample();
    const char *t[] = {"every(c4)", "bool_and(c4)", "any(c4)", "some(c4)", "bool_or(c4)", "count_if(c4)"};
    check_aggs(in, true, 6, t,
               "1|false|false|true|true|true|1;2|true|true|true|true|true|2;3|NULL|NULL|NULL|NULL|NULL|0");
    sm_expr *e = t_agg_sql(in, "count_if(c4)");
    CHECK(e && e->type == SM_BIGINT && !e->nullable);
    e = t_agg_sql(in, "every(c4)");
    CHECK(e && e->type == SM_BOOLEAN && e->nullable);
    CHECK(strstr(t_agg_sql_err(in, "every(c1)"), "requires the \"BOOLEAN\" type") != NULL);
    CHECK(strstr(t_agg_sql_err(in, "count_if(c1)"), "UNEXPECTED_INPUT_TYPE") != NULL);
}

TEST(agg_more_max_by_min_by) {
    sm_plan *in = sample();
    const char *t[] = {"max_by(c3, c1)", "min_by(c3, c1)", "max_by(c1, c2)", "min_by(c2, c1)"};
    /* k=2: max_by(i, d) ties on d = 7.0: the later row wins (Spark) → 4 */
    check_aggs(in, true, 4, t, "1|a|a|2|10.5;2|c|c|4|7;3|NULL|NULL|NULL|NULL");
    /* ties across partitions: the later partition wins */
    static const char *a[] = {"0", "1", "5",  "0", "3", "1"};
    static const char *b[] = {"0", "2", "5",  "0", "4", "1"};
    sm_batch *ba[] = {t_batch("iii", 2, a)}, *bb[] = {t_batch("iii", 2, b)};
    sm_plan *parts[] = {t_values("iii", 1, ba), t_values("iii", 1, bb)};
    const char *t2[] = {"max_by(c1, c2)", "min_by(c1, c2)"};
    check_aggs(t_union(2, parts), false, 2, t2, "2|4");
}

TEST(agg_more_covariance_and_correlation) {
    sm_plan *in = sample();
    const char *t[] = {"corr(c1, c2)", "covar_pop(c1, c2)", "covar_samp(c1, c2)"};
    check_aggs(in, true, 3, t, "1|1|2.375|4.75;2|NULL|0|NULL;3|NULL|NULL|NULL");
    /* PySpark: covar_pop 6.265625, corr 0.7758376432847126 */
    static const char *a[] = {"0", "1", "2.5",  "0", "2", "3.75"};
    static const char *b[] = {"0", "4", "1.0",  "0", "8", "9.0"};
    sm_batch *ba[] = {t_batch("iid", 2, a)}, *bb[] = {t_batch("iid", 2, b)};
    sm_plan *parts[] = {t_values("iid", 1, ba), t_values("iid", 1, bb)};
    const char *t2[] = {"covar_pop(c1, c2)", "corr(c1, c2)"};
    check_aggs(t_union(2, parts), false, 2, t2, "6.265625|0.7758376433");
    /* a constant column: corr is null (Spark's Divide by zero), covar 0 */
    static const char *c[] = {"0", "1", "2",  "0", "1", "3",  "0", "1", "4"};
    sm_batch *bc[] = {t_batch("iid", 3, c)};
    sm_plan *vc = t_values("iid", 1, bc);
    const char *t3[] = {"corr(c1, c2)", "covar_pop(c1, c2)", "covar_samp(c1, c2)"};
    check_aggs(vc, false, 3, t3, "NULL|0|0");
}

TEST(agg_more_skewness_kurtosis) {
    /* PySpark: 0.941656244636087, -0.8387471765619532; over 1 row / a
     * constant: NULL */
    static const char *a[] = {"0", "1", "0", "2"};
    static const char *b[] = {"0", "10", "0", "3.5", "1", "4"};
    sm_batch *ba[] = {t_batch("id", 2, a)}, *bb[] = {t_batch("id", 3, b)};
    sm_plan *parts[] = {t_values("id", 1, ba), t_values("id", 1, bb)};
    sm_plan *in = t_union(2, parts);
    const char *t[] = {"skewness(c1)", "kurtosis(c1)"};
    check_aggs(in, true, 2, t, "0|0.9416562446|-0.8387471766;1|NULL|NULL");
    /* exact bits on one partition (Spark's update formulas) */
    sm_expr *aggs[] = {t_agg_sql(in, "skewness(c1)"), t_agg_sql(in, "kurtosis(c1)")};
    static const char *one[] = {"0", "1", "0", "2", "0", "10", "0", "3.5"};
    sm_batch *bo[] = {t_batch("id", 4, one)};
    sm_plan *p = t_aggregate(t_values("id", 1, bo), 0, NULL, 2, aggs);
    sm_exec_ctx ctx;
    t_ctx(&ctx, 1);
    sm_mset *m = NULL;
    CHECK_OK(exec_hashagg(&ctx, p, &m));
    const sm_batch *r = m->parts[0].batches[0];
    CHECK(SM_VEC_F64(r->cols[0])[0] == 0.941656244636087);
    CHECK(SM_VEC_F64(r->cols[1])[0] == -0.8387471765619532);
    sm_mset_free(m);
    sm_exec_ctx_done(&ctx);
}

TEST(agg_more_percentiles) {
    sm_plan *in = sample();
    const char *t[] = {"median(c1)", "percentile(c1, 0.5)", "percentile(c2, 0.25)",
                       "percentile_approx(c1, 0.5)", "approx_percentile(c2, 0.5)"};
    check_aggs(in, true, 5, t, "1|2|2|12.875|2|10.5;2|4|4|7|4|7;3|NULL|NULL|NULL|NULL|NULL");
    sm_expr *e = t_agg_sql(in, "percentile_approx(c1, 0.5)");
    CHECK(e && e->type == SM_INT);
    e = t_agg_sql(in, "median(c1)");
    CHECK(e && e->type == SM_DOUBLE);
    CHECK(strstr(t_agg_sql_err(in, "percentile(c1, 1.5)"), "VALUE_OUT_OF_RANGE") != NULL);
    CHECK(strstr(t_agg_sql_err(in, "percentile_approx(c1, c2)"), "NON_FOLDABLE_INPUT") != NULL);

    /* 1..10 over two partitions: PySpark's values */
    static const char *a[] = {"0", "3", "0", "1", "0", "7", "0", "5", "0", "9"};
    static const char *b[] = {"0", "2", "0", "10", "0", "4", "0", "8", "0", "6"};
    sm_batch *ba[] = {t_batch("il", 5, a)}, *bb[] = {t_batch("il", 5, b)};
    sm_plan *parts[] = {t_values("il", 1, ba), t_values("il", 1, bb)};
    sm_plan *r10 = t_union(2, parts);
    const char *t2[] = {"percentile_approx(c1, 0.0)", "percentile_approx(c1, 0.1)",
                        "percentile_approx(c1, 0.25)", "percentile_approx(c1, 0.5)",
                        "percentile_approx(c1, 0.55)", "percentile_approx(c1, 0.9)",
                        "percentile_approx(c1, 1.0)", "percentile_approx(c1, 0.3, 100)"};
    check_aggs(r10, false, 8, t2, "1|1|3|5|6|9|10|3");
    const char *t3[] = {"percentile(c1, 0.0)", "percentile(c1, 0.1)", "percentile(c1, 0.25)",
                        "percentile(c1, 0.33)", "percentile(c1, 1.0)", "percentile(c1, 0.5, 2)",
                        "median(c1)"};
    check_aggs(r10, false, 7, t3, "1|1.9|3.25|3.97|10|5.5|5.5");
}

TEST(agg_more_bags_grow_and_merge) {
    /* 3000 rows over three partitions, value v = i % 97 (strings "s<v>"):
     * bags compact and grow; the answers must not depend on the split. */
    enum { N = 1000 };
    sm_plan *parts[3];
    for (int p = 0; p < 3; p++) {
        const char **cells = malloc(sizeof(char *) * 3 * N);
        for (int r = 0; r < N; r++) {
            int i = p * N + r, v = (i * 31) % 97;
            char *k = malloc(4), *x = malloc(16), *s = malloc(16);
            snprintf(k, 4, "%d", i % 2);
            snprintf(x, 16, "%d", v);
            snprintf(s, 16, "s%d", v % 50);
            cells[3 * r] = k, cells[3 * r + 1] = x, cells[3 * r + 2] = s;
        }
        sm_batch *b[] = {t_batch("iis", N, cells)};
        parts[p] = t_values("iis", 1, b);
        for (int c = 0; c < 3 * N; c++) free((void *)cells[c]);
        free(cells);
    }
    sm_plan *in = t_union(3, parts);
    /* global: 3000 values, each of 0..96 about 31 times; (i*31)%97 walks
     * every residue, so counts are 30 or 31 (3000 = 97 * 30 + 90) */
    const char *t[] = {"approx_count_distinct(c1)", "approx_count_distinct(c2)", "median(c1)",
                       "percentile_approx(c1, 0.5)", "percentile(c1, 0.99)", "mode(c2)"};
    /* sorted: value v occupies ranks by count; the median of 0..96 with
     * 90 values counted 31 times and 7 counted 30 is 48 */
    check_aggs(in, false, 6, t, "97|50|48|48|96|s0");
}

TEST(agg_more_mode_and_distinct_count) {
    static const char *a[] = {"0", "1", "a",  "0", "2", "b"};
    static const char *b[] = {"0", "2", "b",  "0", "3", "c",  "0", "NULL", "NULL"};
    sm_batch *ba[] = {t_batch("iis", 2, a)}, *bb[] = {t_batch("iis", 3, b)};
    sm_plan *parts[] = {t_values("iis", 1, ba), t_values("iis", 1, bb)};
    sm_plan *in = t_union(2, parts);
    const char *t[] = {"mode(c1)", "mode(c2)", "approx_count_distinct(c2)",
                       "approx_count_distinct(c1, 0.1)"};
    check_aggs(in, false, 4, t, "2|b|3|3");
    /* all null: mode null, distinct count 0 */
    static const char *n[] = {"0", "NULL", "NULL"};
    sm_batch *bn[] = {t_batch("iis", 1, n)};
    check_aggs(t_values("iis", 1, bn), false, 4, t, "NULL|NULL|0|0");
    sm_expr *e = t_agg_sql(in, "approx_count_distinct(c1)");
    CHECK(e && e->type == SM_BIGINT && !e->nullable);
}

TEST(agg_more_regr) {
    sm_plan *in = sample();
    /* PySpark: regr_count(i, d) 3, regr_avgx 12.5, regr_avgy 2.3333333333333335 */
    const char *t[] = {"regr_count(c1, c2)", "regr_avgx(c1, c2)", "regr_avgy(c1, c2)"};
    check_aggs(in, false, 3, t, "3|12.5|2.333333333");
}

TEST(agg_more_filter_clause) {
    sm_plan *in = sample();
    /* PySpark: 1|3|2|1.0; 2|NULL|0|4.0; 3|NULL|0|NULL */
    const char *t[] = {"sum(c1) FILTER (WHERE c2 > 8)", "count(*) FILTER (WHERE c3 = 'a')",
                       "avg(c1) FILTER (WHERE c4)", "count(DISTINCT c3) FILTER (WHERE c0 = 1)"};
    check_aggs(in, true, 4, t, "1|3|2|1|2;2|NULL|0|4|0;3|NULL|0|NULL|0");
    CHECK(strstr(t_agg_sql_err(in, "sum(c1) FILTER (WHERE c1)"), "FILTER_NOT_BOOLEAN") != NULL);
    CHECK(strstr(t_agg_sql_err(in, "sum(c1) FILTER (WHERE max(c1) > 1)"), "aggregate") != NULL);
}
