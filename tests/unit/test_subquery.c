/*
 * test_subquery.c — subquery expressions (sql/subquery.c): scalar, EXISTS
 * and IN subqueries, correlated or not, in WHERE / HAVING / select items.
 * Expected rows come from PySpark 3.5 (ansi off, UTC); more cases, with
 * Spark's own output, in the .sql files of tests/sql/subquery.
 */
#include <stdlib.h>
#include <string.h>

#include "sql/analyze.h"
#include "rows_util.h"
#include "test.h"

static sm_session *S;

/* Rows of a query as "c1,c2|c1,c2" (NULL for null), sorted; "ERROR: msg". */
static char *Q(const char *sql) { return rows_of(sm_sql(S, sql), false); }

static bool has(const char *s, const char *part) { return strstr(s, part) != NULL; }

static void teardown(void) {
    sm_session_free(S);
    S = NULL;
}

static void setup(void) {
    if (S) return;
    S = sm_session_new(NULL);
    atexit(teardown);
    const char *views[] = {
        "CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 10), (2, 20), (3, NULL), "
        "(NULL, 40), (2, 25) AS t(a, b)",
        "CREATE TEMPORARY VIEW u AS SELECT * FROM VALUES (1, 'x', 5), (1, 'y', 7), "
        "(3, 'z', NULL), (5, NULL, 1) AS u(a, c, d)",
        "CREATE TEMPORARY VIEW n AS SELECT * FROM VALUES (1), (NULL) AS n(x)",
    };
    for (size_t i = 0; i < sizeof views / sizeof *views; i++)
        if (!sm_sql(S, views[i])) fprintf(stderr, "setup: %s\n", sm_last_error());
}

TEST(has_subquery) {
    setup();
    sm_expr *e = sm_expr_new(S->arena, SM_EX_EXISTS);
    sm_expr *c = sm_expr_column(S->arena, "a");
    sm_expr *args[2] = {c, e};
    sm_expr *call = sm_expr_call(S->arena, "or", 2, args);
    CHECK(sql_has_subquery(call));
    CHECK(!sql_has_subquery(c));
    CHECK(!sql_has_subquery(NULL));
}

TEST(scalar_uncorrelated) {
    setup();
    CHECK_STR(Q("SELECT a, b FROM t WHERE b > (SELECT avg(b) FROM t)"), "2,25|NULL,40");
    CHECK_STR(Q("SELECT a, (SELECT max(d) FROM u) AS m FROM t WHERE a = 1"), "1,7");
    /* no row: null; the input keeps every row */
    CHECK_STR(Q("SELECT a, (SELECT d FROM u WHERE c = 'none') FROM t WHERE a > 1"),
              "2,NULL|2,NULL|3,NULL");
    CHECK_STR(Q("SELECT a, (SELECT d FROM u WHERE c = 'x') FROM t WHERE a > 1"), "2,5|2,5|3,5");
    /* the added columns are not part of SELECT * */
    sm_dataframe *df = sm_sql(S, "SELECT * FROM t WHERE b > (SELECT min(d) FROM u)");
    CHECK(df && sm_df_num_columns(df) == 2);
    int64_t n = 0;
    CHECK_OK(sm_df_count(df, &n));
    CHECK_INT(n, 4);
    /* HAVING */
    CHECK_STR(Q("SELECT a, sum(b) FROM t GROUP BY a HAVING sum(b) > (SELECT min(d) * 3 FROM u)"),
              "1,10|2,45|NULL,40");
}

TEST(scalar_errors) {
    setup();
    CHECK(has(Q("SELECT (SELECT a FROM u)"), "[SCALAR_SUBQUERY_TOO_MANY_ROWS]"));
    CHECK(has(Q("SELECT a, (SELECT a, d FROM u) FROM t"),
              "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN]"));
    CHECK(has(Q("SELECT a, (SELECT d FROM u WHERE u.a = t.a) FROM t"),
              "MUST_AGGREGATE_CORRELATED_SCALAR_SUBQUERY"));
    CHECK(has(Q("SELECT a FROM t WHERE a IN (SELECT a, d FROM u)"),
              "[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH]"));
    /* a name that resolves nowhere stays the subquery's own error */
    CHECK(has(Q("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = nope)"),
              "UNRESOLVED_COLUMN"));
}

TEST(scalar_correlated_count_bug) {
    setup();
    /* count of no rows is 0, not null; sum of no rows is null */
    CHECK_STR(Q("SELECT a, (SELECT count(*) FROM u WHERE u.a = t.a) FROM t"),
              "1,2|2,0|2,0|3,1|NULL,0");
    CHECK_STR(Q("SELECT a, (SELECT sum(d) FROM u WHERE u.a = t.a) FROM t"),
              "1,12|2,NULL|2,NULL|3,NULL|NULL,NULL");
    CHECK_STR(Q("SELECT a, (SELECT coalesce(sum(d), 0) + 1 FROM u WHERE u.a = t.a) FROM t"),
              "1,13|2,1|2,1|3,1|NULL,1");
    CHECK_STR(Q("SELECT a, b FROM t WHERE b > (SELECT count(*) * 10 FROM u WHERE u.a = t.a)"),
              "2,20|2,25|NULL,40");
    /* TPC-H Q17's shape: the same table inside, an alias outside */
    CHECK_STR(Q("SELECT a, b FROM t WHERE b < (SELECT 2.0 * avg(b) FROM t t2 WHERE t2.a = t.a)"),
              "1,10|2,20|2,25");
}

TEST(exists_filters) {
    setup();
    CHECK_STR(Q("SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE u.a = t.a)"), "1|3");
    CHECK_STR(Q("SELECT a FROM t WHERE NOT EXISTS (SELECT * FROM u WHERE u.a = t.a)"), "2|2|NULL");
    CHECK_STR(Q("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE d > 100)"), "");
    CHECK_STR(Q("SELECT count(*) FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE d > 100)"), "5");
    /* TPC-H Q21's shape: a non-equality correlated predicate */
    CHECK_STR(Q("SELECT a, b FROM t WHERE EXISTS (SELECT 1 FROM t t2 WHERE t2.a = t.a AND "
                "t2.b <> t.b)"),
              "2,20|2,25");
    CHECK_STR(Q("SELECT a, b FROM t WHERE NOT EXISTS (SELECT 1 FROM t t2 WHERE t2.a = t.a AND "
                "t2.b > t.b)"),
              "1,10|2,25|3,NULL|NULL,40");
    /* the EXISTS conjunct is a LEFT SEMI join */
    sm_dataframe *df = sm_sql(S, "SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE u.a = t.a)");
    CHECK(df != NULL);
    bool semi = false;
    for (sm_plan *p = df ? df->plan : NULL; p; p = p->child ? p->child : (p->nchildren ? p->children[0] : NULL))
        if (p->kind == SM_PLAN_JOIN && p->join_type == SM_JOIN_LEFT_SEMI && p->njoin_keys == 1) semi = true;
    CHECK(semi);
}

/* The conjuncts without a subquery filter before the semi / anti joins (subquery.c): the
 * plan has the Filter below the join (TPC-H Q4: one quarter's orders meet lineitem, not all
 * of them), and the rows are the same. */
TEST(plain_conjuncts_filter_before_semi_join) {
    setup();
    const char *q = "SELECT a, b FROM t WHERE b > 5 AND EXISTS (SELECT * FROM u WHERE u.a = t.a) AND b < 100";
    CHECK_STR(Q(q), "1,10");
    CHECK_STR(Q("SELECT a, b FROM t WHERE b > 15 AND NOT EXISTS (SELECT * FROM u WHERE u.a = t.a)"),
              "2,20|2,25|NULL,40");
    CHECK_STR(Q("SELECT a FROM t WHERE a NOT IN (SELECT a FROM u) AND b >= 25"), "2");
    sm_dataframe *df = sm_sql(S, q);
    CHECK(df != NULL);
    bool below = false;
    for (sm_plan *p = df ? df->plan : NULL; p; p = p->child ? p->child : (p->nchildren ? p->children[0] : NULL))
        if (p->kind == SM_PLAN_JOIN && p->join_type == SM_JOIN_LEFT_SEMI)
            for (sm_plan *c = p->children[0]; c; c = c->child)
                if (c->kind == SM_PLAN_FILTER) below = true;
    CHECK(below);
}

TEST(in_filters) {
    setup();
    CHECK_STR(Q("SELECT a FROM t WHERE a IN (SELECT a FROM u)"), "1|3");
    CHECK_STR(Q("SELECT a FROM t WHERE a NOT IN (SELECT a FROM u)"), "2|2");
    /* a null in the subquery: NOT IN keeps nothing; empty subquery: everything */
    CHECK_STR(Q("SELECT a FROM t WHERE a NOT IN (SELECT x FROM n)"), "");
    CHECK_STR(Q("SELECT a FROM t WHERE a NOT IN (SELECT a FROM u WHERE d > 100)"),
              "1|2|2|3|NULL");
    CHECK_STR(Q("SELECT a FROM t WHERE a IN (SELECT a FROM u GROUP BY a HAVING count(*) > 1)"), "1");
    /* correlated IN / NOT IN */
    CHECK_STR(Q("SELECT a, b FROM t WHERE b IN (SELECT d * 5 FROM u WHERE u.a = t.a)"), "");
    CHECK_STR(Q("SELECT a, b FROM t WHERE b NOT IN (SELECT d * 2 FROM u WHERE u.a = t.a)"),
              "2,20|2,25|NULL,40");
    /* nested (TPC-H Q20's shape) */
    CHECK_STR(Q("SELECT a FROM t WHERE a IN (SELECT a FROM u WHERE c IN (SELECT c FROM u "
                "WHERE d > 6))"),
              "1");
    /* uncorrelated NOT IN is a null-aware anti join */
    sm_dataframe *df = sm_sql(S, "SELECT a FROM t WHERE a NOT IN (SELECT a FROM u)");
    bool na = false;
    for (sm_plan *p = df ? df->plan : NULL; p; p = p->child ? p->child : (p->nchildren ? p->children[0] : NULL))
        if (p->kind == SM_PLAN_JOIN && p->join_type == SM_JOIN_LEFT_ANTI && p->null_aware) na = true;
    CHECK(na);
}

TEST(existence_values) {
    setup();
    CHECK_STR(Q("SELECT a, EXISTS (SELECT 1 FROM u WHERE u.a = t.a) FROM t"),
              "1,true|2,false|2,false|3,true|NULL,false");
    /* Spark 3.5's existence join is two-valued */
    CHECK_STR(Q("SELECT a, a IN (SELECT a FROM u), a NOT IN (SELECT a FROM u) FROM t"),
              "1,true,false|2,false,true|2,false,true|3,true,false|NULL,false,false");
    CHECK_STR(Q("SELECT a, a IN (SELECT x FROM n), a NOT IN (SELECT x FROM n) FROM t"),
              "1,true,false|2,false,false|2,false,false|3,false,false|NULL,false,false");
    CHECK_STR(Q("SELECT a, b FROM t WHERE a = 3 OR EXISTS (SELECT 1 FROM u WHERE u.a = t.a "
                "AND d = 7)"),
              "1,10|3,NULL");
}

