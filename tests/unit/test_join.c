/*
 * test_join.c — joins, set operations, alias/qualified names and offset on
 * hand-built inputs: exact Spark error messages (from PySpark 3.5), output
 * order, every join type against a naive nested-loop count on inputs big
 * enough to span several batches and probe chunks, null-aware anti joins,
 * and set-operation multiplicities.
 */
#include "test.h"

#include "api/api_internal.h"
#include "common/status.h"
#include "expr/expr.h"

/* A frame of (k INT, s STRING) with rows k = keys[i] (INT32_MIN = null),
 * s = "<prefix><i>", cut into `nparts` VALUES inputs unioned together (so
 * it has nparts partitions). */
#define NULLK INT32_MIN
static sm_dataframe *kv_df(sm_session *s, const char *kname, const int *keys, int n, const char *prefix,
                           int nparts) {
    sm_dataframe *out = NULL;
    int per = (n + nparts - 1) / (nparts ? nparts : 1);
    for (int p = 0; p < nparts; p++) {
        int from = p * per, to = from + per < n ? from + per : n;
        if (from > to) from = to;
        sm_schema *sc = sm_schema_new(2);
        sm_schema_set(sc, 0, kname, SM_INT, true);
        sm_schema_set(sc, 1, "s", SM_STRING, true);
        sm_batch **bs = sm_malloc(sizeof *bs);
        bs[0] = sm_batch_new(2, to - from);
        bs[0]->cols[0] = sm_vector_new(SM_INT, to - from + 1);
        bs[0]->cols[1] = sm_vector_new(SM_STRING, to - from + 1);
        for (int i = from; i < to; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%s%d", prefix, i);
            if (keys[i] == NULLK) sm_vector_append_null(bs[0]->cols[0]);
            else sm_vector_append_i32(bs[0]->cols[0], keys[i]);
            sm_vector_append_str(bs[0]->cols[1], buf, (int32_t)strlen(buf));
        }
        sm_dataframe *d = sm_df_from_batches(s, sc, bs, 1);
        sm_schema_free(sc);
        sm_free(bs);
        out = out ? sm_df_union(out, d) : d;
    }
    return out;
}

static sm_session *new_session(void) {
    const char *conf[] = {"smelt.threads", "4", "spark.sql.shuffle.partitions", "3", NULL};
    return sm_session_new(conf);
}

static int64_t count_of(sm_dataframe *df) {
    int64_t n = -1;
    if (!df || sm_df_count(df, &n) != SM_OK) {
        fprintf(stderr, "  count failed: %s\n", sm_last_error());
        return -1;
    }
    return n;
}

TEST(join_order_left_rows_then_build_order) {
    sm_session *s = new_session();
    int lk[] = {2, 1, NULLK, 2, 3};
    int rk[] = {2, 1, 2, NULLK, 2};
    sm_dataframe *l = sm_df_alias(kv_df(s, "k", lk, 5, "l", 2), "l");
    sm_dataframe *r = sm_df_alias(kv_df(s, "k", rk, 5, "r", 2), "r");
    sm_dataframe *j = sm_df_join(l, r, "l.k = r.k", "left");
    sm_result *res = sm_df_collect(j);
    CHECK(res != NULL);
    if (res) {
        const char *want[][2] = {{"l0", "r0"}, {"l0", "r2"}, {"l0", "r4"}, {"l1", "r1"}, {"l2", NULL},
                                 {"l3", "r0"}, {"l3", "r2"}, {"l3", "r4"}, {"l4", NULL}};
        CHECK_INT(sm_result_num_rows(res), 9);
        CHECK_INT(sm_result_num_columns(res), 4);
        for (int i = 0; i < 9 && i < sm_result_num_rows(res); i++) {
            CHECK_STR(sm_result_get_string(res, i, 1), want[i][0]);
            if (want[i][1]) CHECK_STR(sm_result_get_string(res, i, 3), want[i][1]);
            else CHECK(sm_result_is_null(res, i, 3));
        }
        sm_result_free(res);
    }
    sm_session_free(s);
}

/* Naive counts of every join type for keys (null never matches) with an
 * optional residual "left s-number + right s-number is even". */
static void naive(const int *lk, int nl, const int *rk, int nr, bool residual, int64_t out[6]) {
    int64_t inner = 0, lun = 0, run = 0, semi = 0;
    char *rmatched = calloc((size_t)nr, 1);
    for (int i = 0; i < nl; i++) {
        int m = 0;
        for (int j = 0; j < nr; j++)
            if (lk[i] != NULLK && lk[i] == rk[j] && (!residual || (i + j) % 2 == 0)) {
                m++;
                rmatched[j] = 1;
            }
        inner += m;
        lun += m == 0;
        semi += m > 0;
    }
    for (int j = 0; j < nr; j++) run += !rmatched[j];
    free(rmatched);
    out[0] = inner;
    out[1] = inner + lun;           /* left */
    out[2] = inner + run;           /* right */
    out[3] = inner + lun + run;     /* full */
    out[4] = semi;
    out[5] = nl - semi;             /* anti */
}

TEST(join_every_type_matches_naive_counts) {
    sm_session *s = new_session();
    enum { NL = 20000, NR = 3000 };
    int *lk = malloc(sizeof(int) * NL), *rk = malloc(sizeof(int) * NR);
    for (int i = 0; i < NL; i++) lk[i] = i % 97 == 0 ? NULLK : i % 1000;
    for (int j = 0; j < NR; j++) rk[j] = j % 50 == 0 ? NULLK : (j * 7) % 1500;
    sm_dataframe *l = sm_df_alias(kv_df(s, "k", lk, NL, "", 3), "l");
    sm_dataframe *r = sm_df_alias(kv_df(s, "k", rk, NR, "", 2), "r");
    const char *hows[] = {"inner", "left", "right", "full", "semi", "anti"};
    for (int res = 0; res < 2; res++) {
        int64_t want[6];
        naive(lk, NL, rk, NR, res == 1, want);
        const char *cond = res ? "l.k = r.k AND (int(l.s) + int(r.s)) % 2 = 0" : "l.k = r.k";
        for (int h = 0; h < 6; h++) {
            int64_t got = count_of(sm_df_join(l, r, cond, hows[h]));
            if (got != want[h]) T_FAIL("%s join (%s): %lld rows, expected %lld", hows[h], cond,
                                       (long long)got, (long long)want[h]);
        }
    }
    /* the same counts through nested loops (no equi-key): k <=> k would be a
     * key, so compare through an expression on both sides */
    int64_t want[6];
    naive(lk, 3000, rk, 300, false, want);
    sm_dataframe *l2 = sm_df_alias(kv_df(s, "k", lk, 3000, "", 2), "l");
    sm_dataframe *r2 = sm_df_alias(kv_df(s, "k", rk, 300, "", 2), "r");
    for (int h = 0; h < 6; h++) {
        int64_t got = count_of(sm_df_join(l2, r2, "l.k = r.k OR l.k + r.k < -1000", hows[h]));
        if (got != want[h]) T_FAIL("%s nested-loop join: %lld rows, expected %lld", hows[h],
                                   (long long)got, (long long)want[h]);
    }
    CHECK_INT(count_of(sm_df_cross_join(l2, r2)), 3000 * 300);
    free(lk);
    free(rk);
    sm_session_free(s);
}

TEST(join_null_aware_anti) {
    sm_session *s = new_session();
    int lk[] = {1, 2, NULLK, 4};
    int r_null[] = {1, NULLK}, r_plain[] = {1, 9};
    sm_dataframe *l = sm_df_alias(kv_df(s, "k", lk, 4, "l", 1), "l");
    sm_dataframe *rn = sm_df_alias(kv_df(s, "k", r_null, 2, "r", 1), "r");
    sm_dataframe *rp = sm_df_alias(kv_df(s, "k", r_plain, 2, "r", 1), "r");
    sm_dataframe *re = sm_df_filter(rp, "k < 0");
    sm_dataframe *a1 = sm_df_join(l, rn, "l.k = r.k", "anti");
    sm_dataframe *a2 = sm_df_join(l, rp, "l.k = r.k", "anti");
    sm_dataframe *a3 = sm_df_join(l, re, "l.k = r.k", "anti");
    CHECK(a1 && a2 && a3);
    if (a1 && a2 && a3) {
        /* plain anti: null keys never match, so the null row stays */
        CHECK_INT(count_of(a1), 3);
        CHECK_INT(count_of(a2), 3);
        a1->plan->null_aware = a2->plan->null_aware = a3->plan->null_aware = true;
        CHECK_INT(count_of(a1), 0); /* x NOT IN (1, NULL): never true */
        CHECK_INT(count_of(a2), 2); /* 2, 4; NULL NOT IN (1, 9) is unknown */
        CHECK_INT(count_of(a3), 4); /* NOT IN (empty): every row, the null one too */
    }
    sm_session_free(s);
}

TEST(join_analysis_errors_match_spark) {
    sm_session *s = new_session();
    int k[] = {1, 2};
    sm_dataframe *l = sm_df_alias(kv_df(s, "id", k, 2, "l", 1), "t");
    sm_dataframe *r = sm_df_alias(kv_df(s, "id", k, 2, "r", 1), "u");
    CHECK(sm_df_join(l, r, "t.id = u.id", "sideways") == NULL);
    CHECK_STR(sm_last_error(),
              "Unsupported join type 'sideways'. Supported join types include: 'inner', 'outer', "
              "'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', "
              "'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', "
              "'anti', 'cross'.");
    CHECK(sm_df_join(l, r, "t.id + u.id", NULL) == NULL);
    CHECK_STR(sm_last_error(), "[JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE] The join condition \"(id + id)\" "
                               "has the invalid type \"INT\", expected \"BOOLEAN\".");
    sm_dataframe *j = sm_df_join(l, r, "t.id = u.id", "Left_Outer");
    CHECK(j != NULL);
    const char *sel[] = {"id"};
    CHECK(sm_df_select_expr(j, 1, sel) == NULL);
    CHECK(strncmp(sm_last_error(),
                  "[AMBIGUOUS_REFERENCE] Reference `id` is ambiguous, could be: [`t`.`id`, `u`.`id`].",
                  80) == 0);
    const char *sel2[] = {"idd"};
    CHECK(sm_df_select_expr(j, 1, sel2) == NULL);
    CHECK(strncmp(sm_last_error(),
                  "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name "
                  "`idd` cannot be resolved. Did you mean one of the following? [`t`.`id`, "
                  "`u`.`id`, `t`.`s`, `u`.`s`].",
                  170) == 0);
    const char *sel3[] = {"x.id"};
    CHECK(sm_df_select_expr(j, 1, sel3) == NULL);
    CHECK(strstr(sm_last_error(), "with name `x`.`id` cannot be resolved") != NULL);
    const char *cols[] = {"nope"};
    CHECK(sm_df_join_using(l, r, 1, cols, "inner") == NULL);
    CHECK_STR(sm_last_error(), "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `nope` cannot be "
                               "resolved on the left side of the join. The left-side columns: "
                               "[`id`, `s`].");
    sm_session_free(s);
}

TEST(join_qualified_names_and_alias) {
    sm_session *s = new_session();
    int k[] = {1, 2};
    sm_dataframe *l = sm_df_alias(kv_df(s, "id", k, 2, "l", 1), "t");
    CHECK_STR(l->plan->schema->fields[0].qualifier, "t");
    const char *sel[] = {"T.ID", "s"};
    sm_dataframe *p = sm_df_select_expr(l, 2, sel);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(sm_df_column_name(p, 0), "ID"); /* Spark: as written, no qualifier */
        CHECK_STR(p->plan->schema->fields[0].qualifier, "t");
        sm_dataframe *rn = sm_df_with_column_renamed(p, "ID", "id2");
        CHECK(rn && rn->plan->schema->fields[0].qualifier == NULL);
        CHECK(rn && rn->plan->schema->fields[1].qualifier != NULL);
    }
    /* a field literally named "a.b" still resolves */
    sm_schema *sc = sm_schema_new(2);
    sm_schema_set(sc, 0, "a.b", SM_INT, true);
    sm_schema_set(sc, 1, "c", SM_INT, true);
    sm_arena *a = sm_arena_new();
    sm_bind_ctx bc = {.schema = sc, .arena = a};
    sm_expr *e, *b;
    CHECK_OK(sm_expr_parse(a, "`a.b` + c", &e));
    CHECK_OK(sm_expr_bind(&bc, e, &b));
    sc->fields[1].qualifier = "a";
    sc->fields[1].name[0] = 'b';
    /* a.b now means qualifier a, column b, before the literal name */
    CHECK_OK(sm_expr_parse(a, "a.b", &e));
    CHECK_OK(sm_expr_bind(&bc, e, &b));
    CHECK_INT(b->col_index, 1);
    CHECK_STR(b->name, "b");
    sc->fields[1].qualifier = NULL;
    sm_arena_free(a);
    sm_schema_free(sc);
    sm_session_free(s);
}

TEST(join_using_output_order) {
    sm_session *s = new_session();
    int lk[] = {1, 2, NULLK}, rk[] = {2, 3, NULLK};
    sm_dataframe *l = kv_df(s, "k", lk, 3, "l", 1), *r = kv_df(s, "k", rk, 3, "r", 1);
    const char *cols[] = {"K"};
    sm_dataframe *full = sm_df_join_using(l, r, 1, cols, "full_outer");
    CHECK(full != NULL);
    if (!full) return;
    CHECK_INT(sm_df_num_columns(full), 3);
    CHECK_STR(sm_df_column_name(full, 0), "k");
    CHECK_INT(count_of(full), 5);
    sm_dataframe *right = sm_df_join_using(l, r, 1, cols, "right");
    sm_result *res = sm_df_collect(right);
    CHECK(res != NULL);
    if (res) {
        CHECK_INT(sm_result_num_rows(res), 3);
        /* right join: the right's key, even where the left is missing */
        int nulls = 0;
        for (int i = 0; i < sm_result_num_rows(res); i++) nulls += sm_result_is_null(res, i, 0);
        CHECK_INT(nulls, 1);
        sm_result_free(res);
    }
    sm_dataframe *semi = sm_df_join_using(l, r, 1, cols, "semi");
    CHECK(semi && sm_df_num_columns(semi) == 2);
    CHECK_INT(count_of(semi), 1);
    sm_session_free(s);
}

TEST(setops_multiplicities_and_errors) {
    sm_session *s = new_session();
    int a[] = {1, 1, 1, 2, NULLK, NULLK, 3}, b[] = {1, 1, 2, 2, NULLK, 4};
    /* s differs per row, so compare keys only */
    const char *k[] = {"k"};
    sm_dataframe *da = sm_df_select_expr(kv_df(s, "k", a, 7, "a", 2), 1, k);
    sm_dataframe *db = sm_df_select_expr(kv_df(s, "k", b, 6, "b", 2), 1, k);
    CHECK_INT(count_of(sm_df_intersect(da, db)), 3);     /* 1, 2, null */
    CHECK_INT(count_of(sm_df_intersect_all(da, db)), 4); /* 1, 1, 2, null */
    CHECK_INT(count_of(sm_df_subtract(da, db)), 1);      /* 3 */
    CHECK_INT(count_of(sm_df_except_all(da, db)), 3);    /* 1, null, 3 */
    CHECK_INT(count_of(sm_df_except_all(db, da)), 2);    /* 2, 4 */
    sm_dataframe *two = kv_df(s, "k", a, 7, "a", 1);
    CHECK(sm_df_intersect(two, db) == NULL);
    CHECK_STR(sm_last_error(), "[NUM_COLUMNS_MISMATCH] INTERSECT can only be performed on inputs "
                               "with the same number of columns, but the first input has 2 columns "
                               "and the second input has 1 columns.");
    CHECK(sm_df_except_all(two, db) == NULL);
    CHECK(strncmp(sm_last_error(), "[NUM_COLUMNS_MISMATCH] EXCEPT ALL can", 37) == 0);
    const char *bexpr[] = {"k = 1 AS k"};
    CHECK(sm_df_intersect(sm_df_select_expr(da, 1, bexpr), db) == NULL);
    CHECK_STR(sm_last_error(), "[INCOMPATIBLE_COLUMN_TYPE] INTERSECT can only be performed on tables "
                               "with compatible column types. The first column of the second table "
                               "is \"INT\" type which is not compatible with \"BOOLEAN\" at the same "
                               "column of the first table..");
    /* offset */
    CHECK_INT(count_of(sm_df_offset(da, 5)), 2);
    CHECK_INT(count_of(sm_df_offset(da, 50)), 0);
    CHECK(sm_df_offset(da, -1) == NULL);
    sm_session_free(s);
}

TEST(select_qualified_star) {
    sm_session *s = new_session();
    int k[] = {1, 2};
    sm_dataframe *l = sm_df_alias(kv_df(s, "id", k, 2, "l", 1), "t");
    sm_dataframe *r = sm_df_alias(kv_df(s, "rid", k, 2, "r", 1), "u");
    sm_dataframe *j = sm_df_join(l, r, "t.id = u.rid", "inner");
    const char *star[] = {"U.*"};
    sm_dataframe *p = sm_df_select_expr(j, 1, star);
    CHECK(p && sm_df_num_columns(p) == 2);
    if (p) CHECK_STR(sm_df_column_name(p, 0), "rid");
    const char *bad[] = {"x.*"};
    CHECK(sm_df_select_expr(l, 1, bad) == NULL);
    CHECK_STR(sm_last_error(), "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `x`.* given input "
                               "columns `id`, `s`. Please check that the specified table or struct "
                               "exists and is accessible in the input columns.");
    sm_session_free(s);
}

/* Every row of res as "c0|c1|..." (null as "N"), sorted: a multiset. */
static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}
static char **sorted_rows(sm_result *res, int64_t *n) {
    *n = sm_result_num_rows(res);
    char **rows = calloc((size_t)(*n ? *n : 1), sizeof *rows);
    for (int64_t i = 0; i < *n; i++) {
        char buf[256] = "";
        for (int c = 0; c < sm_result_num_columns(res); c++) {
            const char *v = sm_result_is_null(res, i, c) ? "N" : sm_result_get_string(res, i, c);
            strncat(buf, v, sizeof buf - strlen(buf) - 2);
            strcat(buf, "|");
        }
        rows[i] = strdup(buf);
    }
    qsort(rows, (size_t)*n, sizeof *rows, cmp_str);
    return rows;
}

static const sm_plan *first_join(const sm_plan *p) {
    while (p && p->kind != SM_PLAN_JOIN) p = p->child;
    return p;
}

/* SQL LEFT OUTER join with a left input estimated much smaller than its
 * right builds on the left (RIGHT join, children swapped, projection on
 * top): the same rows as the DataFrame join (which always builds on the
 * right), with null keys on both sides, a residual over both sides, a
 * right-only conjunct pushed below the join and left rows without matches;
 * the column names and order stay the LEFT join's. */
TEST(join_left_outer_builds_on_small_left) {
    sm_session *s = new_session();
    int lk[20], rk[300];
    for (int i = 0; i < 20; i++) lk[i] = i % 7 == 3 ? NULLK : i; /* 16..19: no match */
    for (int j = 0; j < 300; j++) rk[j] = j % 11 == 5 ? NULLK : j % 16;
    sm_dataframe *l = kv_df(s, "k", lk, 20, "l", 2);
    sm_dataframe *r = kv_df(s, "k", rk, 300, "r", 3);
    CHECK_OK(sm_df_create_or_replace_temp_view(l, "lt"));
    CHECK_OK(sm_df_create_or_replace_temp_view(r, "rt"));
    const char *on = "l.k = r.k AND r.s <> 'r5' AND "
                     "(cast(substr(l.s, 2) as int) + cast(substr(r.s, 2) as int)) % 2 = 0";
    char q[512];
    snprintf(q, sizeof q, "SELECT * FROM lt l LEFT JOIN rt r ON %s", on);
    sm_dataframe *j = sm_sql(s, q);
    CHECK(j != NULL);
    if (j) {
        const sm_plan *jp = first_join(j->plan);
        CHECK(jp != NULL && jp->join_type == SM_JOIN_RIGHT);
        CHECK_INT(j->plan->schema->ncols, 4);
        CHECK_STR(j->plan->schema->fields[0].name, "k");
        CHECK_STR(j->plan->schema->fields[0].qualifier, "l");
        CHECK_STR(j->plan->schema->fields[3].qualifier, "r");
        CHECK(j->plan->schema->fields[2].nullable);
    }
    sm_dataframe *ref = sm_df_join(sm_df_alias(l, "l"), sm_df_alias(r, "r"), on, "left");
    CHECK(ref != NULL && ref->plan->kind == SM_PLAN_JOIN);
    sm_result *a = j ? sm_df_collect(j) : NULL, *b = ref ? sm_df_collect(ref) : NULL;
    CHECK(a != NULL && b != NULL);
    if (a && b) {
        int64_t na, nb;
        char **ra = sorted_rows(a, &na), **rb = sorted_rows(b, &nb);
        CHECK_INT(na, nb);
        CHECK(na > 20);
        int same = 0, unmatched = 0;
        for (int64_t i = 0; i < na && i < nb; i++) {
            same += strcmp(ra[i], rb[i]) == 0;
            unmatched += strstr(ra[i], "|N|N|") != NULL;
        }
        CHECK_INT(same, na);
        CHECK(unmatched >= 6); /* keys 16, 18, 19 and the null keys 3, 10, 17 */
        for (int64_t i = 0; i < na; i++) free(ra[i]);
        for (int64_t i = 0; i < nb; i++) free(rb[i]);
        free(ra);
        free(rb);
    }
    sm_result_free(a);
    sm_result_free(b);
    /* the other way round (big left) keeps the LEFT join */
    sm_dataframe *k = sm_sql(s, "SELECT * FROM rt r LEFT JOIN lt l ON l.k = r.k");
    CHECK(k != NULL && first_join(k->plan) && first_join(k->plan)->join_type == SM_JOIN_LEFT);
    sm_session_free(s);
}
