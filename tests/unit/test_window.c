/*
 * test_window.c — window functions end to end through the public API:
 * trees built in C (SM_EX_WINDOW with an sm_window_spec) and parsed text,
 * Spark's results (checked with PySpark 3.5.3) on a small table, result
 * types and names, errors, and large partitions (sliding, shrinking and
 * RANGE frames compared with a brute-force computation; many partitions
 * across tasks; several window specifications in one select).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "api/api_internal.h"
#include "common/status.h"
#include "expr/window_funcs.h"

#define PU_TMP_TEMPLATE "/tmp/smelt-test-window-XXXXXX"
#include "pipeline_util.h"

/* g, o, v, s with nulls in partition and order keys and ties (the same
 * table as the PySpark checks). */
static const char *SMALL =
    "id,g,o,v,s\n"
    "1,a,1,1.0,\n"
    "2,a,2,2.0,x\n"
    "3,a,2,3.0,y\n"
    "4,b,,4.0,z\n"
    "5,b,5,,\n"
    "6,,6,6.0,w\n";

static sm_session *session(const char *threads) {
    const char *conf[] = {"smelt.threads", threads, "spark.sql.shuffle.partitions", threads, NULL};
    return sm_session_new(conf);
}

static sm_dataframe *small_df(sm_session *s) {
    write_file("small.csv", SMALL);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    return sm_read_csv(s, tpath("small.csv"), opts, NULL);
}

/* Runs df ordered by its first column and renders every row as
 * "c1,c2,...;" (NULL for null). */
static char *rows_by_first(sm_dataframe *df) {
    if (!df) return strdup("ERROR");
    const char *key[] = {sm_df_column_name(df, 0)};
    sm_result *r = sm_df_collect(sm_df_order_by(df, 1, key));
    if (!r) return strdup("ERROR");
    sm_buf b = {0};
    for (int64_t i = 0; i < sm_result_num_rows(r); i++) {
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_string(r, i, c);
            sm_buf_appendf(&b, "%s%s", c ? "," : "", v ? v : "NULL");
        }
        sm_buf_putc(&b, ';');
    }
    sm_result_free(r);
    char *out = strdup(b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    return out;
}

/* ---- trees built in C ---------------------------------------------------------- */

static sm_column *wrap(sm_session *s, sm_expr *e) {
    sm_column *c = sm_arena_alloc(s->arena, sizeof *c);
    c->session = s;
    c->expr = e;
    return c;
}

/* f(args) OVER (PARTITION BY part ORDER BY ord [DESC]) with the default frame. */
static sm_expr *win(sm_session *s, sm_expr *call, const char *part, const char *ord, bool desc) {
    sm_arena *a = s->arena;
    sm_window_spec *w = sm_arena_alloc(a, sizeof *w);
    if (part) {
        w->partition = sm_arena_alloc(a, sizeof(sm_expr *));
        w->partition[0] = sm_expr_column(a, part);
        w->npartition = 1;
    }
    if (ord) {
        w->order = sm_arena_alloc(a, sizeof(sm_sort_key));
        w->order[0].expr = sm_expr_column(a, ord);
        w->order[0].descending = desc;
        w->order[0].nulls_first = !desc;
        w->norder = 1;
    }
    sm_expr *e = sm_expr_new(a, SM_EX_WINDOW);
    e->args = sm_arena_alloc(a, sizeof(sm_expr *));
    e->args[0] = call;
    e->nargs = 1;
    e->window = w;
    return e;
}

static sm_expr *call0(sm_session *s, const char *name) { return sm_expr_call(s->arena, name, 0, NULL); }
static sm_expr *call1(sm_session *s, const char *name, const char *col) {
    sm_expr **a = sm_arena_alloc(s->arena, sizeof *a);
    a[0] = sm_expr_column(s->arena, col);
    return sm_expr_call(s->arena, name, 1, a);
}

static void set_rows_frame(sm_expr *w, sm_frame_bound_kind sk, int64_t so, sm_frame_bound_kind ek,
                           int64_t eo, sm_session *s) {
    sm_window_spec *sp = w->window;
    sp->has_frame = true;
    sp->frame_rows = true;
    sm_value v = {.type = SM_BIGINT};
    sp->start.kind = sk;
    v.v.i64 = so;
    sp->start.offset = sm_expr_literal(s->arena, &v);
    sp->end.kind = ek;
    v.v.i64 = eo;
    sp->end.offset = sm_expr_literal(s->arena, &v);
}

TEST(window_ranking_built_in_c) {
    sm_session *s = session("3");
    sm_dataframe *df = small_df(s);
    sm_column *cols[] = {
        sm_col(s, "id"),
        wrap(s, win(s, call0(s, "row_number"), "g", "id", false)),
        wrap(s, win(s, call0(s, "rank"), "g", "o", true)),
        wrap(s, win(s, call0(s, "dense_rank"), NULL, "o", false)),
    };
    sm_dataframe *r = sm_df_select(df, 4, cols);
    CHECK(r != NULL);
    if (!r) fprintf(stderr, "%s\n", sm_errmsg());
    char *got = rows_by_first(r);
    /* PySpark: rank DESC NULLS LAST in a: 2,2 first; b: 5 then null */
    CHECK_STR(got, "1,1,3,2;2,2,1,3;3,3,1,3;4,1,2,1;5,2,1,4;6,1,1,5;");
    free(got);
    CHECK_STR(sm_df_column_type(r, 1), "int");
    CHECK_STR(sm_df_column_type(r, 3), "int");
    sm_session_free(s);
}

TEST(window_aggregates_default_frames) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    sm_column *cols[] = {
        sm_col(s, "id"),
        wrap(s, win(s, call1(s, "sum", "o"), "g", NULL, false)),   /* whole partition */
        wrap(s, win(s, call1(s, "sum", "v"), NULL, "o", false)),   /* running, peers included */
        wrap(s, win(s, call1(s, "count", "s"), "g", "o", false)),
    };
    sm_dataframe *r = sm_df_select(df, 4, cols);
    char *got = rows_by_first(r);
    /* order by o: null(4.0) 1(1.0) 2,2(2.0+3.0) 5(null) 6(6.0) */
    CHECK_STR(got, "1,5,5.0,0;2,5,10.0,2;3,5,10.0,2;4,5,4.0,1;5,5,10.0,1;6,6,16.0,1;");
    free(got);
    CHECK_STR(sm_df_column_type(r, 1), "bigint");
    CHECK_STR(sm_df_column_type(r, 3), "bigint");
    sm_session_free(s);
}

TEST(window_rows_frame_built_in_c) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    sm_expr *w = win(s, call1(s, "sum", "id"), NULL, "id", false);
    set_rows_frame(w, SM_FRAME_PRECEDING, 1, SM_FRAME_FOLLOWING, 1, s);
    sm_expr *w2 = win(s, call1(s, "max", "s"), NULL, "id", false);
    set_rows_frame(w2, SM_FRAME_FOLLOWING, 1, SM_FRAME_UNBOUNDED_FOLLOWING, 0, s);
    sm_column *cols[] = {sm_col(s, "id"), wrap(s, w), wrap(s, w2)};
    char *got = rows_by_first(sm_df_select(df, 3, cols));
    CHECK_STR(got, "1,3,z;2,6,z;3,9,z;4,12,w;5,15,w;6,11,NULL;");
    free(got);
    sm_session_free(s);
}

/* ---- parsed text ------------------------------------------------------------------- */

TEST(window_offsets_and_values) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    const char *e[] = {
        "id",
        "lag(v) OVER (PARTITION BY g ORDER BY id)",
        "lead(v, 1, -1.0) OVER (PARTITION BY g ORDER BY id)",
        "lag(s) IGNORE NULLS OVER (ORDER BY id)",
        "nth_value(s, 2) OVER (PARTITION BY g ORDER BY id)",
        "first_value(s, true) OVER (PARTITION BY g ORDER BY id)",
        "ntile(2) OVER (PARTITION BY g ORDER BY id)",
    };
    sm_dataframe *r = sm_df_select_expr(df, 7, e);
    char *got = rows_by_first(r);
    CHECK_STR(got, "1,NULL,2.0,NULL,NULL,NULL,1;2,1.0,3.0,NULL,x,x,1;3,2.0,-1.0,x,x,x,2;"
                   "4,NULL,NULL,y,NULL,z,1;5,4.0,-1.0,z,NULL,z,2;6,NULL,-1.0,z,NULL,w,1;");
    free(got);
    sm_session_free(s);
}

TEST(window_ranking_percent_cume) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    const char *e[] = {"id", "percent_rank() OVER (PARTITION BY g ORDER BY o)",
                       "cume_dist() OVER (PARTITION BY g ORDER BY o)"};
    sm_dataframe *r = sm_df_select_expr(df, 3, e);
    char *got = rows_by_first(r);
    CHECK_STR(got, "1,0.0,0.3333333333333333;2,0.5,1.0;3,0.5,1.0;4,0.0,0.5;5,1.0,1.0;6,0.0,1.0;");
    free(got);
    CHECK_STR(sm_df_column_type(r, 1), "double");
    sm_session_free(s);
}

TEST(window_nested_and_with_column) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    const char *e[] = {"id", "o - lag(o) OVER (ORDER BY id)", "sum(o) OVER () / 2",
                       "row_number() OVER (ORDER BY id DESC) AS rn"};
    sm_dataframe *r = sm_df_select_expr(df, 4, e);
    CHECK(r && sm_df_num_columns(r) == 4);
    CHECK_STR(sm_df_column_name(r, 3), "rn");
    CHECK_STR(sm_df_column_name(r, 2),
              "(sum(o) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) / 2)");
    char *got = rows_by_first(r);
    CHECK_STR(got, "1,NULL,8.0,6;2,1,8.0,5;3,0,8.0,4;4,NULL,8.0,3;5,NULL,8.0,2;6,1,8.0,1;");
    free(got);
    /* withColumn keeps the input's columns only (no internal window columns) */
    sm_dataframe *w = sm_df_with_column(df, "c", "count(*) OVER (PARTITION BY g)");
    CHECK(w && sm_df_num_columns(w) == 6);
    w = sm_df_with_column(w, "o", "coalesce(o, max(o) OVER (PARTITION BY g))");
    CHECK(w && sm_df_num_columns(w) == 6);
    const char *sel[] = {"id", "o", "c"};
    got = rows_by_first(sm_df_select_expr(w, 3, sel));
    CHECK_STR(got, "1,1,3;2,2,3;3,2,3;4,5,2;5,5,2;6,6,1;");
    free(got);
    sm_session_free(s);
}

TEST(window_specs_interleaved_keep_select_order) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    /* two expressions share (g, o), one in between does not: the operator
     * computes them in two passes and must put the columns back in order */
    const char *e[] = {"id", "rank() OVER (PARTITION BY g ORDER BY o DESC)",
                       "row_number() OVER (ORDER BY id DESC)",
                       "sum(id) OVER (PARTITION BY g ORDER BY o DESC)"};
    char *got = rows_by_first(sm_df_select_expr(df, 4, e));
    CHECK_STR(got, "1,3,6,6;2,1,5,5;3,1,4,5;4,2,3,9;5,1,2,5;6,1,1,6;");
    free(got);
    sm_session_free(s);
}

TEST(window_errors) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    const char *e1[] = {"row_number() OVER (PARTITION BY g)"};
    CHECK(sm_df_select_expr(df, 1, e1) == NULL);
    CHECK(strstr(sm_errmsg(), "requires window to be ordered") != NULL);
    const char *e2[] = {"row_number()"};
    CHECK(sm_df_select_expr(df, 1, e2) == NULL);
    CHECK(strstr(sm_errmsg(), "[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE]") != NULL);
    CHECK(sm_df_filter(df, "rank() OVER (ORDER BY o) = 1") == NULL);
    CHECK(strstr(sm_errmsg(), "inside WHERE clause") != NULL);
    const char *e3[] = {"count(DISTINCT o) OVER ()"};
    CHECK(sm_df_select_expr(df, 1, e3) == NULL);
    CHECK(strstr(sm_errmsg(), "[DISTINCT_WINDOW_FUNCTION_UNSUPPORTED]") != NULL);
    const char *e4[] = {"sum(o) OVER (ORDER BY s RANGE BETWEEN 1 PRECEDING AND CURRENT ROW)"};
    CHECK(sm_df_select_expr(df, 1, e4) == NULL);
    CHECK(strstr(sm_errmsg(), "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE") != NULL);
    const char *e5[] = {"rank() OVER (ORDER BY o ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)"};
    CHECK(sm_df_select_expr(df, 1, e5) == NULL);
    CHECK(strstr(sm_errmsg(), "must match the required frame") != NULL);
    const char *e6[] = {"upper(s) OVER (ORDER BY o)"};
    CHECK(sm_df_select_expr(df, 1, e6) == NULL);
    CHECK(strstr(sm_errmsg(), "[UNSUPPORTED_EXPR_FOR_WINDOW]") != NULL);
    const char *e7[] = {"lag(o, o) OVER (ORDER BY o)"};
    CHECK(sm_df_select_expr(df, 1, e7) == NULL);
    CHECK(strstr(sm_errmsg(), "NON_FOLDABLE_INPUT") != NULL);
    sm_session_free(s);
}

/* ---- large partitions against brute force ----------------------------------------------- */

#define BIG 6000

TEST(window_large_frames_match_brute_force) {
    sm_session *s = session("4");
    /* id, p (7 partitions), k (order key with ties and nulls), x */
    sm_buf b = {0};
    sm_buf_appendf(&b, "id,p,k,x\n");
    static int p[BIG], k[BIG], x[BIG];
    static bool knull[BIG], xnull[BIG];
    unsigned seed = 12345;
    for (int i = 0; i < BIG; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (int)((seed >> 16) % 7);
        seed = seed * 1103515245u + 12345u;
        k[i] = (int)((seed >> 16) % 500);
        knull[i] = (seed >> 8) % 50 == 0;
        seed = seed * 1103515245u + 12345u;
        x[i] = (int)((seed >> 16) % 1000) - 500;
        xnull[i] = (seed >> 4) % 20 == 0;
        sm_buf_appendf(&b, "%d,%d,", i, p[i]);
        if (!knull[i]) sm_buf_appendf(&b, "%d", k[i]);
        sm_buf_putc(&b, ',');
        if (!xnull[i]) sm_buf_appendf(&b, "%d", x[i]);
        sm_buf_putc(&b, '\n');
    }
    write_file("big.csv", sm_buf_cstr(&b));
    sm_buf_free(&b);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df = sm_read_csv(s, tpath("big.csv"), opts, NULL);
    const char *e[] = {
        "id",
        "sum(x) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 30 PRECEDING AND 20 FOLLOWING)",
        "min(x) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 5 FOLLOWING AND UNBOUNDED FOLLOWING)",
        "count(x) OVER (PARTITION BY p ORDER BY k RANGE BETWEEN 10 PRECEDING AND 3 FOLLOWING)",
        "max(x) OVER (PARTITION BY p ORDER BY k DESC RANGE BETWEEN 4 PRECEDING AND CURRENT ROW)",
        "rank() OVER (PARTITION BY p ORDER BY k)",
    };
    sm_dataframe *r = sm_df_select_expr(df, 6, e);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", sm_errmsg());
        sm_session_free(s);
        return;
    }
    sm_result *res = sm_df_collect(r);
    CHECK(res && sm_result_num_rows(res) == BIG);
    int bad = 0;
    for (int64_t row = 0; res && row < sm_result_num_rows(res) && bad < 5; row++) {
        int i = (int)sm_result_get_int(res, row, 0);
        /* brute force */
        long long sum = 0;
        bool any = false;
        int mn = 0;
        bool anymin = false;
        long long cnt = 0;
        int mx = 0;
        bool anymax = false;
        int rank = 1;
        /* position of j among p's rows in id order */
        int before = 0, after = 0;
        for (int j = 0; j < BIG; j++) {
            if (p[j] != p[i]) continue;
            if (j < i) before++;
            if (j > i) after++;
        }
        int pos_i = before;
        int pos = 0;
        for (int j = 0; j < BIG; j++) {
            if (p[j] != p[i]) continue;
            int d = pos - pos_i;
            if (d >= -30 && d <= 20 && !xnull[j]) sum += x[j], any = true;
            if (d >= 5 && !xnull[j] && (!anymin || x[j] < mn)) mn = x[j], anymin = true;
            /* RANGE over k ascending (nulls first: a null row's frame is the nulls) */
            bool in_range = knull[i] ? knull[j] : (!knull[j] && k[j] >= k[i] - 10 && k[j] <= k[i] + 3);
            if (in_range && !xnull[j]) cnt++;
            /* k DESC: 4 PRECEDING = k + 4 down to k */
            bool in_desc = knull[i] ? knull[j] : (!knull[j] && k[j] <= k[i] + 4 && k[j] >= k[i]);
            if (in_desc && !xnull[j] && (!anymax || x[j] > mx)) mx = x[j], anymax = true;
            /* rank: rows strictly before in (k asc, nulls first) */
            bool less = knull[i] ? false : (knull[j] || k[j] < k[i]);
            if (less) rank++;
            pos++;
        }
        (void)after;
        bool ok = true;
        if (any != !sm_result_is_null(res, row, 1) || (any && sm_result_get_int(res, row, 1) != sum)) ok = false;
        if (anymin != !sm_result_is_null(res, row, 2) || (anymin && sm_result_get_int(res, row, 2) != mn)) ok = false;
        if (sm_result_get_int(res, row, 3) != cnt) ok = false;
        if (anymax != !sm_result_is_null(res, row, 4) || (anymax && sm_result_get_int(res, row, 4) != mx)) ok = false;
        if (sm_result_get_int(res, row, 5) != rank) ok = false;
        if (!ok) {
            bad++;
            T_FAIL("row id %d: got %s %s %s %s %s, expected %lld %d %lld %d %d", i,
                   sm_result_get_string(res, row, 1), sm_result_get_string(res, row, 2),
                   sm_result_get_string(res, row, 3), sm_result_get_string(res, row, 4),
                   sm_result_get_string(res, row, 5), sum, mn, cnt, mx, rank);
        }
    }
    sm_result_free(res);
    sm_session_free(s);
}

TEST(window_many_partitions_two_specs) {
    sm_session *s = session("4");
    sm_buf b = {0};
    sm_buf_appendf(&b, "id\n");
    for (int i = 0; i < 20000; i++) sm_buf_appendf(&b, "%d\n", i);
    write_file("ids.csv", sm_buf_cstr(&b));
    sm_buf_free(&b);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df = sm_read_csv(s, tpath("ids.csv"), opts, NULL);
    /* two specifications: the columns must come back in select order */
    const char *e[] = {"id", "row_number() OVER (ORDER BY id DESC)",
                       "row_number() OVER (PARTITION BY id % 101 ORDER BY id)",
                       "sum(id) OVER (PARTITION BY id % 101)"};
    sm_result *res = sm_df_collect(sm_df_select_expr(df, 4, e));
    CHECK(res && sm_result_num_rows(res) == 20000);
    int bad = 0;
    for (int64_t r = 0; res && r < sm_result_num_rows(res); r++) {
        int64_t id = sm_result_get_int(res, r, 0);
        int64_t m = id % 101;
        int64_t last = m + 101 * ((19999 - m) / 101), cnt = (last - m) / 101 + 1;
        if (sm_result_get_int(res, r, 1) != 20000 - id || sm_result_get_int(res, r, 2) != id / 101 + 1 ||
            sm_result_get_int(res, r, 3) != (m + last) * cnt / 2)
            bad++;
    }
    CHECK_INT(bad, 0);
    sm_result_free(res);
    sm_session_free(s);
}

TEST(window_empty_input) {
    sm_session *s = session("3");
    write_file("empty.csv", "id,g\n");
    const char *opts[] = {"header", "true", NULL};
    sm_dataframe *df = sm_read_csv(s, tpath("empty.csv"), opts, "id INT, g STRING");
    const char *e[] = {"id", "rank() OVER (PARTITION BY g ORDER BY id)", "sum(id) OVER ()"};
    int64_t n = -1;
    CHECK_OK(sm_df_count(sm_df_select_expr(df, 3, e), &n));
    CHECK_INT(n, 0);
    sm_session_free(s);
}

/* RANGE frames with an INTERVAL offset over a DATE key.  Spark 3.5 rejects
 * them ([DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE]); Spark 4.0 (the
 * golden file window.sql.out of ../shared/conformance/spark-sql-tests:
 * "RANGE INTERVAL '5' DAY PRECEDING" over val_date) takes a whole-day
 * interval as that many days, which smelt follows.  Other intervals are a
 * clear UNSUPPORTED_FEATURE error. */
TEST(window_date_range_interval_days) {
    sm_session *s = session("2");
    write_file("dates.csv",
               "id,d,v\n"
               "1,2024-01-01,1\n"
               "2,2024-01-03,2\n"
               "3,2024-01-09,4\n"
               "4,2024-01-10,8\n"
               "5,,16\n");
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df = sm_read_csv(s, tpath("dates.csv"), opts, NULL);
    CHECK(df != NULL);
    /* id, then sum over [d - 2 days, d] and over [d - 3 days, d + 1 day] ordered
     * descending (PRECEDING then means later dates) */
    const char *e[] = {"id",
                       "sum(v) OVER (ORDER BY d RANGE INTERVAL '2' DAY PRECEDING)",
                       "sum(v) OVER (ORDER BY d DESC RANGE BETWEEN INTERVAL '3' DAY PRECEDING AND "
                       "INTERVAL 1 DAY FOLLOWING)",
                       "sum(v) OVER (ORDER BY d RANGE BETWEEN -INTERVAL '2' DAY FOLLOWING AND "
                       "CURRENT ROW)"};
    char *got = rows_by_first(sm_df_select_expr(df, 4, e));
    CHECK_STR(got, "1,1,3,1;2,3,2,3;3,4,12,4;4,12,12,12;5,16,16,16;");
    free(got);
    const char *bad[] = {"sum(v) OVER (ORDER BY d RANGE INTERVAL '1 02:00' DAY TO MINUTE PRECEDING)"};
    CHECK(sm_df_select_expr(df, 1, bad) == NULL);
    CHECK(strstr(sm_errmsg(), "[UNSUPPORTED_FEATURE]") != NULL);
    const char *bad2[] = {"sum(v) OVER (ORDER BY v RANGE INTERVAL '1' DAY PRECEDING)"};
    CHECK(sm_df_select_expr(df, 1, bad2) == NULL);
    CHECK(strstr(sm_errmsg(), "[UNSUPPORTED_FEATURE]") != NULL);
    sm_session_free(s);
}

/* any_value(x) OVER is first(x) (Spark's AnyValue replacement), FILTER on a
 * window aggregate and a BIGINT ROWS offset are errors (PySpark 3.5.3). */
TEST(window_any_value_and_frame_errors) {
    sm_session *s = session("2");
    sm_dataframe *df = small_df(s);
    const char *e[] = {"id", "any_value(v) OVER (PARTITION BY g ORDER BY id)",
                       "any_value(s) IGNORE NULLS OVER (PARTITION BY g ORDER BY id DESC)"};
    char *got = rows_by_first(sm_df_select_expr(df, 3, e));
    CHECK_STR(got, "1,1.0,y;2,1.0,y;3,1.0,y;4,4.0,z;5,4.0,NULL;6,6.0,w;");
    free(got);
    const char *e1[] = {"count(v) FILTER (WHERE v > 1) OVER (PARTITION BY g)"};
    CHECK(sm_df_select_expr(df, 1, e1) == NULL);
    CHECK(strstr(sm_errmsg(), "[_LEGACY_ERROR_TEMP_1030]") != NULL);
    const char *e2[] = {"sum(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2147483648 FOLLOWING)"};
    CHECK(sm_df_select_expr(df, 1, e2) == NULL);
    CHECK(strstr(sm_errmsg(), "upper bound \"BIGINT\"") != NULL);
    sm_session_free(s);
}
