/*
 * test_agg.c — aggregate functions (expr/agg.c), hash aggregation
 * (exec/hashagg.c), distinct (exec/distinct.c) and the key hash table
 * (exec/hashtable.c), on hand-built plans.  Expected values follow
 * PySpark 3.5 (non-ANSI), checked when these tests were written.
 */
#include "test.h"

#include "agg_test_util.h"
#include "exec/hashtable.h"

/* Two partitions (a UNION of two VALUES nodes), two batches in the first:
 *   c0 key string, c1 int, c2 double, c3 string */
static sm_plan *sample(void) {
    static const char *p0a[] = {"a", "1", "1.5", "x",  "b", "NULL", "2", "y",  "a", "3", "NULL", "z"};
    static const char *p0b[] = {"NULL", "4", "4", "w",  "a", "NULL", "0.5", "NULL"};
    static const char *p1[] = {"b", "5", "3", "v",  "NULL", "NULL", "NULL", "u",  "a", "7", "1", "q"};
    sm_batch *b0[] = {t_batch("sids", 3, p0a), t_batch("sids", 2, p0b)};
    sm_batch *b1[] = {t_batch("sids", 3, p1)};
    sm_plan *parts[] = {t_values("sids", 2, b0), t_values("sids", 1, b1)};
    return t_union(2, parts);
}

static char *run_agg(sm_plan *p, int pieces) {
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

TEST(agg_group_by_every_function) {
    sm_plan *in = sample();
    sm_expr *keys[] = {t_col(in, 0)};
    sm_expr *aggs[] = {
        t_agg(in, "count", 0, -1),    t_agg(in, "count", 0, 1, -1), t_agg(in, "sum", 0, 1, -1),
        t_agg(in, "avg", 0, 2, -1),   t_agg(in, "min", 0, 3, -1),   t_agg(in, "max", 0, 3, -1),
        t_agg(in, "first", 0, 1, -1), t_agg(in, "last", 0, 3, -1),  t_agg(in, "max", 0, 1, -1),
    };
    CHECK_INT(aggs[0]->type, SM_BIGINT);
    CHECK(!aggs[0]->nullable);
    CHECK_INT(aggs[2]->type, SM_BIGINT);
    CHECK_INT(aggs[4]->type, SM_STRING);
    sm_plan *p = t_aggregate(in, 1, keys, 9, aggs);
    for (int pieces = 1; pieces <= 4; pieces += 3) {
        char *s = run_agg(p, pieces);
        /* a: rows (1,1.5,x) (3,NULL,z) (NULL,0.5,NULL) (7,1,q)
         * b: (NULL,2,y) (5,3,v);  NULL key: (4,4,w) (NULL,NULL,u) */
        CHECK_STR(s, "NULL|2|1|4|4|u|w|4|u|4;"
                     "a|4|3|11|1|q|z|1|q|7;"
                     "b|2|1|5|2.5|v|y|NULL|v|5");
        free(s);
    }
}

TEST(agg_global_empty_input_gives_one_row) {
    sm_batch *none[] = {t_batch("sids", 0, NULL)};
    sm_plan *in = t_values("sids", 1, none);
    sm_expr *aggs[] = {t_agg(in, "count", 0, -1), t_agg(in, "sum", 0, 1, -1), t_agg(in, "avg", 0, 2, -1),
                       t_agg(in, "min", 0, 3, -1), t_agg(in, "count", 1, 1, -1)};
    char *s = run_agg(t_aggregate(in, 0, NULL, 5, aggs), 4);
    CHECK_STR(s, "0|NULL|NULL|NULL|0");
    free(s);
    /* grouped aggregation over empty input: no rows */
    sm_expr *keys[] = {t_col(in, 0)};
    s = run_agg(t_aggregate(in, 1, keys, 1, aggs), 4);
    CHECK_STR(s, "");
    free(s);
}

TEST(agg_global_over_partitions) {
    sm_plan *in = sample();
    sm_expr *aggs[] = {t_agg(in, "count", 0, -1), t_agg(in, "sum", 0, 1, -1), t_agg(in, "first", 0, 3, -1),
                       t_agg(in, "last", 0, 3, -1), t_agg(in, "count", 1, 0, -1)};
    char *s = run_agg(t_aggregate(in, 0, NULL, 5, aggs), 3);
    CHECK_STR(s, "8|20|x|q|2");
    free(s);
}

TEST(agg_count_distinct_across_partitions) {
    static const char *a[] = {"g", "1", "x",  "g", "1", "x",  "g", "2", "NULL",  "h", "NULL", "x"};
    static const char *b[] = {"g", "1", "x",  "g", "2", "y",  "h", "3", "x",  "h", "3", "x"};
    sm_batch *ba[] = {t_batch("sis", 4, a)}, *bb[] = {t_batch("sis", 4, b)};
    sm_plan *parts[] = {t_values("sis", 1, ba), t_values("sis", 1, bb)};
    sm_plan *in = t_union(2, parts);
    sm_expr *keys[] = {t_col(in, 0)};
    sm_expr *aggs[] = {t_agg(in, "count", 1, 1, -1), t_agg(in, "count", 1, 1, 2, -1),
                       t_agg(in, "sum", 1, 1, -1), t_agg(in, "count", 0, 1, 2, -1)};
    for (int pieces = 1; pieces <= 3; pieces++) {
        char *s = run_agg(t_aggregate(in, 1, keys, 4, aggs), pieces);
        /* g: ints {1,2} → 2; pairs {(1,x),(2,y)} ((2,NULL) skipped) → 2;
         * sum distinct 3; count(c1,c2) non-null rows: 1x,1x,1x,2y → 4
         * h: {3} → 1; pairs {(3,x)} → 1; sum 3; count 2 */
        CHECK_STR(s, "g|2|2|3|4;h|1|1|3|2");
        free(s);
    }
}

TEST(agg_sum_wraps_like_java) {
    static const char *a[] = {"9223372036854775807", "2147483647"};
    static const char *b[] = {"1", "1"};
    sm_batch *ba[] = {t_batch("li", 1, a)}, *bb[] = {t_batch("li", 1, b)};
    sm_plan *parts[] = {t_values("li", 1, ba), t_values("li", 1, bb)};
    sm_plan *in = t_union(2, parts);
    sm_expr *aggs[] = {t_agg(in, "sum", 0, 0, -1), t_agg(in, "sum", 0, 1, -1)};
    char *s = run_agg(t_aggregate(in, 0, NULL, 2, aggs), 2);
    CHECK_STR(s, "-9223372036854775808|2147483648");
    free(s);
}

TEST(agg_moments) {
    static const char *a[] = {"g", "0", "h", "5"};
    static const char *b[] = {"g", "1", "g", "2"};
    sm_batch *ba[] = {t_batch("sd", 2, a)}, *bb[] = {t_batch("sd", 2, b)};
    sm_plan *parts[] = {t_values("sd", 1, ba), t_values("sd", 1, bb)};
    sm_plan *in = t_union(2, parts);
    sm_expr *keys[] = {t_col(in, 0)};
    sm_expr *aggs[] = {t_agg(in, "stddev", 0, 1, -1), t_agg(in, "stddev_pop", 0, 1, -1),
                       t_agg(in, "variance", 0, 1, -1), t_agg(in, "var_pop", 0, 1, -1),
                       t_agg(in, "std", 0, 1, -1), t_agg(in, "var_samp", 0, 1, -1)};
    char *s = run_agg(t_aggregate(in, 1, keys, 6, aggs), 2);
    CHECK_STR(s, "g|1|0.8164965809|1|0.6666666667|1|1;h|NULL|0|NULL|0|NULL|NULL");
    free(s);
}

TEST(agg_double_keys_and_nan) {
    static const char *a[] = {"0.0", "1", "-0.0", "2", "NaN", "3"};
    static const char *b[] = {"nan", "4", "1.5", "5", "NULL", "6"};
    sm_batch *ba[] = {t_batch("di", 3, a)}, *bb[] = {t_batch("di", 3, b)};
    sm_plan *parts[] = {t_values("di", 1, ba), t_values("di", 1, bb)};
    sm_plan *in = t_union(2, parts);
    sm_expr *keys[] = {t_col(in, 0)};
    sm_expr *aggs[] = {t_agg(in, "count", 0, -1), t_agg(in, "sum", 0, 1, -1)};
    char *s = run_agg(t_aggregate(in, 1, keys, 2, aggs), 3);
    CHECK_STR(s, "0|2|3;1.5|1|5;NULL|1|6;nan|2|7");
    free(s);
    /* max over doubles: NaN is the largest; min ignores it */
    sm_expr *mm[] = {t_agg(in, "max", 0, 0, -1), t_agg(in, "min", 0, 0, -1), t_agg(in, "count", 1, 0, -1)};
    s = run_agg(t_aggregate(in, 0, NULL, 3, mm), 1);
    CHECK_STR(s, "nan|0|3");
    free(s);
}

TEST(agg_many_groups) {
    /* 3 partitions x 5 batches x 3000 rows, key = row % 7919 over all */
    sm_plan *parts[3];
    int64_t expect_sum[7919] = {0};
    int64_t expect_cnt[7919] = {0};
    int row = 0;
    for (int p = 0; p < 3; p++) {
        sm_batch *bs[5];
        for (int bi = 0; bi < 5; bi++) {
            sm_batch *b = sm_batch_new(2, 3000);
            b->cols[0] = sm_vector_new(SM_STRING, 3000);
            b->cols[1] = sm_vector_new(SM_BIGINT, 3000);
            for (int i = 0; i < 3000; i++, row++) {
                char k[32];
                int key = (row * 31) % 7919;
                int n = snprintf(k, sizeof k, "key-%d", key);
                sm_vector_append_str(b->cols[0], k, n);
                sm_vector_append_i64(b->cols[1], row);
                expect_sum[key] += row;
                expect_cnt[key]++;
            }
            bs[bi] = b;
        }
        parts[p] = t_values("sl", 5, bs);
    }
    sm_plan *in = t_union(3, parts);
    sm_expr *keys[] = {t_col(in, 0)};
    sm_expr *aggs[] = {t_agg(in, "sum", 0, 1, -1), t_agg(in, "count", 0, -1)};
    sm_plan *p = t_aggregate(in, 1, keys, 2, aggs);
    sm_exec_ctx ctx;
    t_ctx(&ctx, 4);
    sm_mset *m = NULL;
    CHECK_OK(exec_hashagg(&ctx, p, &m));
    if (!m) return;
    CHECK_INT(m->nparts, 4);
    CHECK_INT(sm_mset_rows(m), 7919);
    int bad = 0;
    for (int pi = 0; pi < m->nparts; pi++)
        for (int bi = 0; bi < m->parts[pi].nbatches; bi++) {
            sm_batch *b = m->parts[pi].batches[bi];
            CHECK(b->nrows <= SM_BATCH_ROWS);
            for (int64_t r = 0; r < b->nrows; r++) {
                int32_t len;
                const char *s = sm_vector_str(b->cols[0], r, &len);
                char kb[32] = {0}; /* the bytes are not NUL-terminated */
                memcpy(kb, s, len < 31 ? (size_t)len : 31);
                int key = atoi(kb + 4);
                if (key < 0 || key >= 7919) {
                    bad++;
                    continue;
                }
                if (SM_VEC_I64(b->cols[1])[r] != expect_sum[key] || SM_VEC_I64(b->cols[2])[r] != expect_cnt[key])
                    bad++;
            }
        }
    CHECK_INT(bad, 0);
    sm_mset_free(m);
    sm_exec_ctx_done(&ctx);
}

TEST(agg_first_last_follow_partition_order) {
    static const char *a[] = {"k", "NULL", "k", "2"};
    static const char *b[] = {"k", "3", "k", "NULL"};
    sm_batch *ba[] = {t_batch("si", 2, a)}, *bb[] = {t_batch("si", 2, b)};
    sm_plan *parts[] = {t_values("si", 1, ba), t_values("si", 1, bb)};
    sm_plan *in = t_union(2, parts);
    sm_expr *keys[] = {t_col(in, 0)};
    sm_expr *aggs[] = {t_agg(in, "first", 0, 1, -1), t_agg(in, "last", 0, 1, -1), t_agg(in, "min", 0, 1, -1)};
    char *s = run_agg(t_aggregate(in, 1, keys, 3, aggs), 2);
    CHECK_STR(s, "k|NULL|NULL|2"); /* first row is null, last row is null */
    free(s);
}

TEST(agg_resolve_types) {
    sm_batch *none[] = {t_batch("ildsb", 0, NULL)};
    sm_plan *in = t_values("ildsb", 1, none);
    CHECK_INT(t_agg(in, "sum", 0, 0, -1)->type, SM_BIGINT);
    CHECK_INT(t_agg(in, "sum", 0, 1, -1)->type, SM_BIGINT);
    CHECK_INT(t_agg(in, "sum", 0, 2, -1)->type, SM_DOUBLE);
    CHECK_INT(t_agg(in, "max", 0, 4, -1)->type, SM_BOOLEAN);
    CHECK_INT(t_agg(in, "first", 0, 3, -1)->type, SM_STRING);
    CHECK_INT(t_agg(in, "avg", 0, 2, -1)->type, SM_DOUBLE);
    CHECK(sm_agg_find("MEAN") != NULL);
    CHECK(sm_agg_find("collect_list") != NULL); /* array results (func_nested) */
    CHECK(sm_agg_find("no_such_agg") == NULL);
    /* sum(boolean) is an analysis error, as in Spark */
    sm_expr *e = sm_arena_alloc(ta(), sizeof *e);
    e->kind = SM_EX_CALL;
    e->name = "sum";
    e->nargs = 1;
    e->args = sm_arena_alloc(ta(), sizeof *e->args);
    e->args[0] = t_col(in, 4);
    e->pos = e->end = -1;
    sm_bind_ctx bc = {0};
    bc.arena = ta();
    CHECK_INT(sm_agg_find("sum")->resolve(&bc, e), SM_ANALYSIS);
    CHECK(strstr(sm_errmsg(), "DATATYPE_MISMATCH") != NULL);
}

/* ---- distinct ------------------------------------------------------------- */

static char *run_distinct(sm_plan *in, int nkey_cols, int *key_cols, int pieces, int sorted) {
    sm_plan *p = sm_arena_alloc(ta(), sizeof *p);
    p->kind = SM_PLAN_DISTINCT;
    p->child = in;
    p->schema = in->schema;
    p->key_cols = key_cols;
    p->nkey_cols = nkey_cols;
    sm_exec_ctx ctx;
    t_ctx(&ctx, pieces);
    sm_mset *m = NULL;
    if (exec_distinct(&ctx, p, &m) != SM_OK) {
        fprintf(stderr, "exec_distinct: %s\n", sm_errmsg());
        sm_exec_ctx_done(&ctx);
        return strdup("ERROR");
    }
    char *s = t_render(m, sorted);
    sm_mset_free(m);
    sm_exec_ctx_done(&ctx);
    return s;
}

TEST(distinct_all_columns) {
    sm_plan *in = sample();
    int k0[] = {0};
    for (int pieces = 1; pieces <= 3; pieces++) {
        char *s = run_distinct(in, 0, NULL, pieces, 1);
        CHECK_STR(s, "NULL|4|4|w;NULL|NULL|NULL|u;a|1|1.5|x;a|3|NULL|z;a|7|1|q;a|NULL|0.5|NULL;"
                     "b|5|3|v;b|NULL|2|y");
        free(s);
        /* drop_duplicates(c0): the first row of each key in input order */
        s = run_distinct(in, 1, k0, pieces, 1);
        CHECK_STR(s, "NULL|4|4|w;a|1|1.5|x;b|NULL|2|y");
        free(s);
    }
    static const char *a[] = {"1", "x", "1", "x", "-0.0", "y"};
    static const char *b[] = {"1", "x", "0.0", "y", "NaN", "z", "nan", "z"};
    sm_batch *ba[] = {t_batch("ds", 3, a)}, *bb[] = {t_batch("ds", 4, b)};
    sm_plan *parts[] = {t_values("ds", 1, ba), t_values("ds", 1, bb)};
    char *s = run_distinct(t_union(2, parts), 0, NULL, 2, 1);
    CHECK_STR(s, "0|y;1|x;nan|z");
    free(s);
}

TEST(distinct_subset_keeps_first_row_of_lowest_partition) {
    static const char *a[] = {"k1", "a1", "k2", "a2"};
    static const char *b[] = {"k2", "b1", "k3", "b2", "k1", "b3"};
    sm_batch *ba[] = {t_batch("ss", 2, a)}, *bb[] = {t_batch("ss", 3, b)};
    sm_plan *parts[] = {t_values("ss", 1, ba), t_values("ss", 1, bb)};
    int k0[] = {0};
    for (int pieces = 1; pieces <= 4; pieces++) {
        char *s = run_distinct(t_union(2, parts), 1, k0, pieces, 1);
        CHECK_STR(s, "k1|a1;k2|a2;k3|b2");
        free(s);
    }
}

TEST(keytab_grows_and_finds) {
    sm_type types[] = {SM_BIGINT};
    sm_keytab t;
    CHECK_OK(sm_keytab_init(&t, 1, types));
    sm_vector *v = sm_vector_new(SM_BIGINT, 100000);
    for (int i = 0; i < 100000; i++) sm_vector_append_i64(v, i % 50000);
    uint64_t *h = malloc(100000 * sizeof *h);
    uint32_t *g = malloc(100000 * sizeof *g);
    sm_keytab_hash(&v, 1, 100000, h);
    CHECK_OK(sm_keytab_insert(&t, &v, h, NULL, 100000, g, NULL));
    CHECK_INT(t.ngroups, 50000);
    int bad = 0;
    for (int i = 0; i < 100000; i++) bad += g[i] != (uint32_t)(i % 50000);
    CHECK_INT(bad, 0);
    free(h);
    free(g);
    sm_vector_unref(v);
    sm_keytab_free(&t);
}
