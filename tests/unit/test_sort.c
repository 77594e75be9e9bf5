/*
 * test_sort.c — ORDER BY (exec/sort.c) and exec_compare_values on
 * hand-built plans: Spark's null ordering, NaN and -0.0, UTF-8 byte order
 * of strings, stability across partitions, many rows.
 */
#include "test.h"

#include "agg_test_util.h"

static char *run_sort(sm_plan *in, int nkeys, const int *cols, const int *desc, const int *nulls_first) {
    sm_plan *p = sm_arena_alloc(ta(), sizeof *p);
    p->kind = SM_PLAN_SORT;
    p->child = in;
    p->schema = in->schema;
    p->sort_keys = sm_arena_alloc(ta(), (size_t)nkeys * sizeof *p->sort_keys);
    p->nsort = nkeys;
    for (int k = 0; k < nkeys; k++) {
        p->sort_keys[k].expr = t_col(in, cols[k]);
        p->sort_keys[k].descending = desc[k];
        p->sort_keys[k].nulls_first = nulls_first[k];
    }
    sm_exec_ctx ctx;
    t_ctx(&ctx, 3);
    sm_mset *m = NULL;
    if (exec_sort(&ctx, p, &m) != SM_OK) {
        fprintf(stderr, "exec_sort: %s\n", sm_errmsg());
        sm_exec_ctx_done(&ctx);
        return strdup("ERROR");
    }
    char *s = m->nparts == 1 ? t_render(m, 0) : strdup("NOT ONE PARTITION");
    sm_mset_free(m);
    sm_exec_ctx_done(&ctx);
    return s;
}

/* c0 int, c1 double, c2 string, c3 tag (input position) */
static sm_plan *sample(void) {
    static const char *a[] = {"2", "1.0", "b", "p0r0",  "NULL", "NaN", "a", "p0r1",  "1", "-0.0", "\xc3\xa9", "p0r2"};
    static const char *b[] = {"2", "0.0", "z", "p0r3"};
    static const char *c[] = {"1", "NULL", "B", "p1r0",  "NULL", "-5", "NULL", "p1r1",  "2", "1e300", "ab", "p1r2"};
    sm_batch *b0[] = {t_batch("idss", 3, a), t_batch("idss", 1, b)};
    sm_batch *b1[] = {t_batch("idss", 3, c)};
    sm_plan *parts[] = {t_values("idss", 2, b0), t_values("idss", 1, b1)};
    return t_union(2, parts);
}

static const char *tags(char *rendered) {
    /* keep only the last cell of each row */
    static char out[1024];
    out[0] = 0;
    for (char *row = strtok(rendered, ";"); row; row = strtok(NULL, ";")) {
        if (out[0]) strcat(out, ",");
        strcat(out, strrchr(row, '|') + 1);
    }
    return out;
}

TEST(sort_int_asc_nulls_first_and_stable) {
    int cols[] = {0}, desc[] = {0}, nf[] = {1};
    char *s = run_sort(sample(), 1, cols, desc, nf);
    CHECK_STR(tags(s), "p0r1,p1r1,p0r2,p1r0,p0r0,p0r3,p1r2");
    free(s);
}

TEST(sort_int_desc_nulls_last_and_overrides) {
    int cols[] = {0}, desc[] = {1}, nf[] = {0};
    char *s = run_sort(sample(), 1, cols, desc, nf);
    CHECK_STR(tags(s), "p0r0,p0r3,p1r2,p0r2,p1r0,p0r1,p1r1");
    free(s);
    nf[0] = 1; /* DESC NULLS FIRST */
    s = run_sort(sample(), 1, cols, desc, nf);
    CHECK_STR(tags(s), "p0r1,p1r1,p0r0,p0r3,p1r2,p0r2,p1r0");
    free(s);
    desc[0] = 0, nf[0] = 0; /* ASC NULLS LAST */
    s = run_sort(sample(), 1, cols, desc, nf);
    CHECK_STR(tags(s), "p0r2,p1r0,p0r0,p0r3,p1r2,p0r1,p1r1");
    free(s);
}

TEST(sort_double_nan_largest_negative_zero_equal) {
    int cols[] = {1}, desc[] = {0}, nf[] = {1};
    char *s = run_sort(sample(), 1, cols, desc, nf);
    /* NULL, -5, -0.0 = 0.0 (input order), 1.0, 1e300, NaN */
    CHECK_STR(tags(s), "p1r0,p1r1,p0r2,p0r3,p0r0,p1r2,p0r1");
    free(s);
    desc[0] = 1, nf[0] = 0;
    s = run_sort(sample(), 1, cols, desc, nf);
    CHECK_STR(tags(s), "p0r1,p1r2,p0r0,p0r2,p0r3,p1r1,p1r0");
    free(s);
}

TEST(sort_strings_by_utf8_bytes) {
    int cols[] = {2}, desc[] = {0}, nf[] = {1};
    char *s = run_sort(sample(), 1, cols, desc, nf);
    /* NULL, "B", "a", "ab", "b", "z", "é" */
    CHECK_STR(tags(s), "p1r1,p1r0,p0r1,p1r2,p0r0,p0r3,p0r2");
    free(s);
}

TEST(sort_two_keys) {
    int cols[] = {0, 2}, desc[] = {0, 1}, nf[] = {1, 0};
    char *s = run_sort(sample(), 2, cols, desc, nf);
    /* c0 NULL: a, NULL; 1: é, B; 2: z, b, ab */
    CHECK_STR(tags(s), "p0r1,p1r1,p0r2,p1r0,p0r3,p0r0,p1r2");
    free(s);
}

TEST(sort_many_rows_stable) {
    /* 4 partitions x 3 batches x 5000 rows; key = pseudo-random 0..999 with
     * duplicates; c1 = global input position */
    sm_plan *parts[4];
    int64_t pos = 0;
    uint32_t seed = 12345;
    for (int p = 0; p < 4; p++) {
        sm_batch *bs[3];
        for (int bi = 0; bi < 3; bi++) {
            sm_batch *b = sm_batch_new(2, 5000);
            b->cols[0] = sm_vector_new(SM_INT, 5000);
            b->cols[1] = sm_vector_new(SM_BIGINT, 5000);
            for (int i = 0; i < 5000; i++) {
                seed = seed * 1103515245u + 12345u;
                if ((seed >> 16) % 97 == 0) sm_vector_append_null(b->cols[0]);
                else sm_vector_append_i32(b->cols[0], (int32_t)((seed >> 8) % 1000));
                sm_vector_append_i64(b->cols[1], pos++);
            }
            bs[bi] = b;
        }
        parts[p] = t_values("il", 3, bs);
    }
    sm_plan *in = t_union(4, parts);
    sm_plan *p = sm_arena_alloc(ta(), sizeof *p);
    p->kind = SM_PLAN_SORT;
    p->child = in;
    p->schema = in->schema;
    p->sort_keys = sm_arena_alloc(ta(), sizeof *p->sort_keys);
    p->nsort = 1;
    p->sort_keys[0].expr = t_col(in, 0);
    p->sort_keys[0].descending = true;
    p->sort_keys[0].nulls_first = false;
    sm_exec_ctx ctx;
    t_ctx(&ctx, 3);
    sm_mset *m = NULL;
    CHECK_OK(exec_sort(&ctx, p, &m));
    if (!m) return;
    CHECK_INT(m->nparts, 1);
    CHECK_INT(sm_mset_rows(m), 60000);
    int bad = 0;
    int64_t prev_key = INT64_MAX, prev_pos = -1;
    bool seen_null = false;
    for (int bi = 0; bi < m->parts[0].nbatches; bi++) {
        sm_batch *b = m->parts[0].batches[bi];
        CHECK(b->nrows <= SM_BATCH_ROWS);
        for (int64_t r = 0; r < b->nrows; r++) {
            int64_t at = SM_VEC_I64(b->cols[1])[r];
            if (sm_vector_is_null(b->cols[0], r)) {
                if (seen_null && at <= prev_pos) bad++;
                seen_null = true;
                prev_pos = at;
                continue;
            }
            if (seen_null) bad++; /* nulls last */
            int64_t k = SM_VEC_I32(b->cols[0])[r];
            if (k > prev_key || (k == prev_key && at <= prev_pos)) bad++;
            prev_key = k;
            prev_pos = at;
        }
    }
    CHECK_INT(bad, 0);
    sm_mset_free(m);
    sm_exec_ctx_done(&ctx);
}

TEST(sort_empty_input) {
    sm_batch *none[] = {t_batch("i", 0, NULL)};
    int cols[] = {0}, desc[] = {0}, nf[] = {1};
    char *s = run_sort(t_values("i", 1, none), 1, cols, desc, nf);
    CHECK_STR(s, "");
    free(s);
}

TEST(compare_values_spark_order) {
    static const char *cells[] = {"NULL", "NaN", "-0.0", "0.0", "-1e308", "b"};
    sm_batch *b = t_batch("dddddd", 1, cells);
    sm_vector *nul = b->cols[0], *nan = b->cols[1], *nz = b->cols[2], *z = b->cols[3], *neg = b->cols[4];
    CHECK_INT(exec_compare_values(nul, 0, nul, 0), 0);
    CHECK(exec_compare_values(nul, 0, neg, 0) < 0);
    CHECK(exec_compare_values(nan, 0, z, 0) > 0);
    CHECK_INT(exec_compare_values(nan, 0, nan, 0), 0);
    CHECK_INT(exec_compare_values(nz, 0, z, 0), 0);
    CHECK(exec_compare_values(neg, 0, nz, 0) < 0);
    static const char *sc[] = {"a", "ab", "\xc3\xa9", "Z"};
    sm_batch *s = t_batch("ssss", 1, sc);
    CHECK(exec_compare_values(s->cols[0], 0, s->cols[1], 0) < 0);
    CHECK(exec_compare_values(s->cols[2], 0, s->cols[1], 0) > 0);
    CHECK(exec_compare_values(s->cols[3], 0, s->cols[0], 0) < 0);
    sm_batch_free(b);
    sm_batch_free(s);
}
