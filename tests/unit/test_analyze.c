/*
 * test_analyze.c — the SQL query analyzer (sql/analyze.c): statements are
 * parsed (sql/parse.c), analyzed into DataFrames and run.  Expected rows
 * come from PySpark 3.5 (ansi off, UTC); see also the .sql files of tests/sql/query.
 */
#include <stdlib.h>
#include <string.h>

#include "sql/analyze.h"
#include "rows_util.h"
#include "test.h"

static sm_session *S;

/* Parses and analyzes one query; NULL on failure (sm_last_error). */
static sm_dataframe *an(const char *sql) {
    sql_stmt *st;
    if (sql_parse_statement(S->arena, sql, &st) != SM_OK) return NULL;
    if (st->kind != SQL_STMT_QUERY) return NULL;
    sm_dataframe *df;
    if (sql_analyze_query(S, st->query, sql, &df) != SM_OK) return NULL;
    return df;
}

/* Rows as "c1,c2|c1,c2" (NULL for null), sorted unless `ordered`. */
static char *rows(const char *sql, bool ordered) { return rows_of(an(sql), ordered); }

/* "name:type,name:type" of a query's schema. */
static char *schema(const char *sql) {
    static char out[1024];
    sm_dataframe *df = an(sql);
    if (!df) {
        snprintf(out, sizeof out, "ERROR: %s", sm_last_error());
        return out;
    }
    out[0] = 0;
    for (int c = 0; c < sm_df_num_columns(df); c++) {
        if (c) strcat(out, ",");
        strncat(out, sm_df_column_name(df, c), sizeof out - strlen(out) - 40);
        strcat(out, ":");
        strcat(out, sm_df_column_type(df, c));
    }
    return out;
}

/* The error message of a query that must fail ("" if it did not). */
static const char *error_of(const char *sql) {
    sm_dataframe *df = an(sql);
    if (df) return "";
    return sm_last_error();
}

static void view(const char *name, const char *sql) {
    sm_dataframe *df = an(sql);
    if (!df) fprintf(stderr, "view %s: %s\n", name, sm_last_error());
    sm_df_create_or_replace_temp_view(df, name);
}

static void teardown(void) {
    sm_session_free(S);
    S = NULL;
}

static void setup(void) {
    if (S) return;
    S = sm_session_new(NULL);
    atexit(teardown);
    view("t", "SELECT * FROM VALUES (1, 2, 'x'), (1, 3, 'y'), (2, 5, NULL), (3, NULL, 'z') "
              "AS t(a, b, c)");
    view("u", "SELECT * FROM VALUES (1, 'one'), (2, 'two'), (4, 'four') AS u(a, name)");
    view("v", "SELECT * FROM VALUES ('one', 10), ('two', 20), ('four', 40) AS v(name, score)");
}

#define Q(sql) rows(sql, false)
#define QO(sql) rows(sql, true)

TEST(select_names_and_qualifiers) {
    setup();
    CHECK_STR(schema("SELECT a, t.c, t.a + 1, T.A, b * 2 AS twice FROM t"),
              "a:int,c:string,(a + 1):int,A:int,twice:int");
    CHECK_STR(Q("SELECT a, t.c, t.a + 1 FROM t WHERE a = 1"), "1,x,2|1,y,2");
    CHECK_STR(schema("SELECT 1, 'a', NULL, true"), "1:int,a:string,NULL:void,true:boolean");
    CHECK_STR(Q("SELECT 1 + 1, 'a'"), "2,a");
}

TEST(select_star_expansion) {
    setup();
    CHECK_STR(schema("SELECT * FROM t"), "a:int,b:int,c:string");
    CHECK_STR(Q("SELECT t.* FROM t WHERE b > 2"), "1,3,y|2,5,NULL");
    CHECK_STR(Q("SELECT x.* FROM t AS x WHERE x.c IS NULL"), "2,5,NULL");
    CHECK(strstr(error_of("SELECT q.* FROM t"), "[CANNOT_RESOLVE_STAR_EXPAND]") != NULL);
    sql_stmt *st;
    sm_dataframe *df;
    const char *sql = "SELECT t.* FROM t";
    CHECK_OK(sql_parse_statement(S->arena, sql, &st));
    CHECK_OK(sql_analyze_query(S, st->query, sql, &df));
}

TEST(from_subquery_values_range) {
    setup();
    CHECK_STR(Q("SELECT * FROM (SELECT a, b FROM t WHERE b IS NOT NULL) s(x, y) WHERE s.x = 1"),
              "1,2|1,3");
    CHECK_STR(schema("SELECT * FROM VALUES (1, 2), (3L, 4) AS v(x, y)"), "x:bigint,y:int");
    CHECK_STR(Q("SELECT * FROM VALUES (1, 'a'), (2, NULL)"), "1,a|2,NULL");
    CHECK_STR(schema("SELECT * FROM VALUES (1, 'a')"), "col1:int,col2:string");
    CHECK_STR(QO("SELECT * FROM range(1, 10, 3)"), "1|4|7");
    CHECK_STR(QO("SELECT id FROM range(3)"), "0|1|2");
    CHECK_STR(QO("SELECT * FROM range(5, 0, -2)"), "5|3|1");
}

TEST(from_table_not_found_has_caret) {
    setup();
    const char *e = error_of("SELECT * FROM nosuch");
    CHECK(strstr(e, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nosuch` cannot be found.") != NULL);
    CHECK(strstr(e, "SELECT * FROM nosuch\n              ^^^^^^") != NULL);
}

TEST(ctes) {
    setup();
    CHECK_STR(Q("WITH w AS (SELECT a, b FROM t WHERE b IS NOT NULL) SELECT * FROM w WHERE a = 1"),
              "1,2|1,3");
    CHECK_STR(Q("WITH w(k, v) AS (SELECT a, b FROM t), w2 AS (SELECT k FROM w WHERE v > 2) "
                "SELECT * FROM w2"),
              "1|2");
    CHECK_STR(Q("WITH w AS (SELECT 1 AS one) SELECT * FROM w, w AS w2"), "1,1");
    /* a CTE shadows a view of the same name */
    CHECK_STR(Q("WITH t AS (SELECT 7 AS a) SELECT a FROM t"), "7");
}

TEST(group_by_expressions_ordinals_aliases) {
    setup();
    CHECK_STR(Q("SELECT a, sum(b), count(*) FROM t GROUP BY a"), "1,5,2|2,5,1|3,NULL,1");
    CHECK_STR(schema("SELECT a + b, count(1), count(*) FROM t GROUP BY a + b"),
              "(a + b):int,count(1):bigint,count(1):bigint");
    CHECK_STR(Q("SELECT (a + b) * 2 AS d, count(*) FROM t GROUP BY a + b"),
              "14,1|6,1|8,1|NULL,1");
    CHECK_STR(QO("SELECT c, sum(b) FROM t GROUP BY 1 ORDER BY 2"), "z,NULL|x,2|y,3|NULL,5");
    CHECK_STR(Q("SELECT a AS k, count(*) FROM t GROUP BY k HAVING count(*) > 1"), "1,2");
}

TEST(having_and_global_aggregates) {
    setup();
    CHECK_STR(QO("SELECT a, sum(b) s FROM t GROUP BY a HAVING s > 2 ORDER BY s DESC, a"),
              "1,5|2,5");
    CHECK_STR(Q("SELECT a FROM t GROUP BY a HAVING max(b) > 4"), "2");
    CHECK_STR(Q("SELECT count(*), sum(b), min(c), max(c) FROM t"), "4,10,x,z");
    CHECK_STR(Q("SELECT sum(b) FROM t HAVING sum(b) > 1"), "10");
    CHECK_STR(Q("SELECT sum(b) FROM t HAVING sum(b) > 100"), "");
}

TEST(aggregate_errors) {
    setup();
    CHECK(strstr(error_of("SELECT a, b FROM t GROUP BY a"),
                 "[MISSING_AGGREGATION] The non-aggregating expression \"b\" is based on "
                 "columns which are not participating in the GROUP BY clause.") != NULL);
    CHECK(strstr(error_of("SELECT a, sum(b) FROM t"), "[MISSING_GROUP_BY]") != NULL);
    CHECK(strstr(error_of("SELECT a FROM t GROUP BY 3"),
                 "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position 3 is not in select list "
                 "(valid range is [1, 1]).") != NULL);
    CHECK(strstr(error_of("SELECT a, sum(b) FROM t GROUP BY 2"), "[GROUP_BY_POS_AGGREGATE]") != NULL);
    CHECK(strstr(error_of("SELECT a FROM t WHERE sum(b) > 1 GROUP BY a"),
                 "[INVALID_WHERE_CONDITION]") != NULL);
}

TEST(order_by_output_hidden_aggregate) {
    setup();
    CHECK_STR(QO("SELECT a, b FROM t ORDER BY a DESC, b"), "3,NULL|2,5|1,2|1,3");
    CHECK_STR(QO("SELECT b FROM t ORDER BY a DESC, b"), "NULL|5|2|3");
    CHECK_STR(schema("SELECT b FROM t ORDER BY a DESC, b"), "b:int");
    CHECK_STR(QO("SELECT a AS x, b FROM t ORDER BY x DESC, b NULLS LAST"), "3,NULL|2,5|1,2|1,3");
    CHECK_STR(QO("SELECT a AS b, b AS a FROM t ORDER BY a"), "3,NULL|1,2|1,3|2,5");
    CHECK_STR(QO("SELECT c FROM t ORDER BY a + b"), "z|x|y|NULL");
    CHECK_STR(QO("SELECT a, b FROM t ORDER BY 2 DESC"), "2,5|1,3|1,2|3,NULL");
    CHECK_STR(QO("SELECT a FROM t GROUP BY a ORDER BY sum(b) DESC NULLS LAST, a"), "1|2|3");
    CHECK_STR(QO("SELECT max(b) FROM t GROUP BY a ORDER BY a"), "3|5|NULL");
    CHECK(strstr(error_of("SELECT a FROM t ORDER BY 3"), "[ORDER_BY_POS_OUT_OF_RANGE]") != NULL);
    CHECK(strstr(error_of("SELECT DISTINCT a FROM t ORDER BY b"), "[UNRESOLVED_COLUMN") != NULL);
}

TEST(grouping_sets) {
    setup();
    CHECK_STR(QO("SELECT a, sum(b) FROM t GROUP BY ROLLUP(a) ORDER BY 1"),
              "NULL,10|1,5|2,5|3,NULL");
    CHECK_STR(QO("SELECT a, c, grouping(a), grouping_id(), count(*) FROM t GROUP BY CUBE(a, c) "
                 "ORDER BY 1, 2, 3, 4"),
              "NULL,NULL,1,2,1|NULL,NULL,1,3,4|NULL,x,1,2,1|NULL,y,1,2,1|NULL,z,1,2,1|"
              "1,NULL,0,1,2|1,x,0,0,1|1,y,0,0,1|2,NULL,0,0,1|2,NULL,0,1,1|3,NULL,0,1,1|"
              "3,z,0,0,1");
    CHECK_STR(schema("SELECT a, grouping_id(), sum(b) FROM t GROUP BY CUBE(a)"),
              "a:int,grouping_id():bigint,sum(b):bigint");
    CHECK_STR(Q("SELECT a, c, count(*) FROM t GROUP BY GROUPING SETS ((a), (c), ())"),
              "1,NULL,2|2,NULL,1|3,NULL,1|NULL,NULL,1|NULL,NULL,4|NULL,x,1|NULL,y,1|NULL,z,1");
    CHECK(strstr(error_of("SELECT grouping(a) FROM t GROUP BY a"),
                 "[UNSUPPORTED_GROUPING_EXPRESSION]") != NULL);
}

TEST(limit_offset_distinct) {
    setup();
    CHECK_STR(QO("SELECT a, b FROM t ORDER BY a, b LIMIT 2 OFFSET 1"), "1,3|2,5");
    CHECK_STR(QO("SELECT a FROM t ORDER BY a LIMIT 1 + 1"), "1|1");
    CHECK_STR(Q("SELECT * FROM t LIMIT 0"), "");
    CHECK_STR(Q("SELECT DISTINCT a FROM t"), "1|2|3");
    CHECK(strstr(error_of("SELECT * FROM t LIMIT -1"), "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE]") != NULL);
    CHECK(strstr(error_of("SELECT * FROM t LIMIT a"), "INVALID_LIMIT_LIKE_EXPRESSION") != NULL ||
          strstr(error_of("SELECT * FROM t LIMIT a"), "UNRESOLVED_COLUMN") != NULL);
}

TEST(set_operations) {
    setup();
    CHECK_STR(QO("SELECT a FROM t UNION ALL SELECT b FROM t ORDER BY 1"),
              "NULL|1|1|2|2|3|3|5");
    CHECK_STR(Q("SELECT a FROM t UNION SELECT b FROM t"), "1|2|3|5|NULL");
    CHECK_STR(Q("SELECT a FROM t INTERSECT SELECT b FROM t"), "2|3");
    CHECK_STR(Q("SELECT a FROM t EXCEPT SELECT b FROM t"), "1");
    CHECK_STR(schema("SELECT a, 'x' FROM t UNION ALL SELECT 1.5D, 2"), "a:double,x:string");
}

/* Comma joins: WHERE equalities become join keys, single-relation
 * conjuncts filter below the join, and no cross join remains. */
static bool has_cross(const sm_plan *p) {
    if (!p) return false;
    if (p->kind == SM_PLAN_JOIN && p->njoin_keys == 0) return true;
    if (has_cross(p->child)) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (has_cross(p->children[i])) return true;
    return false;
}

TEST(comma_joins_use_where_equalities) {
    setup();
    const char *q = "SELECT t.c, v.score FROM t, v, u WHERE u.name = v.name AND t.a = u.a AND b > 2";
    sm_dataframe *df = an(q);
    CHECK(df != NULL);
    if (df) CHECK(!has_cross(df->plan));
    CHECK_STR(Q(q), "NULL,20|y,10");
    /* SELECT * keeps FROM order even when joined in another order */
    CHECK_STR(schema("SELECT * FROM v, t, u WHERE t.a = u.a AND u.name = v.name"),
              "name:string,score:int,a:int,b:int,c:string,a:int,name:string");
    CHECK_STR(Q("SELECT * FROM v, t, u WHERE t.a = u.a AND u.name = v.name AND t.b = 2"),
              "one,10,1,2,x,1,one");
    CHECK_STR(Q("SELECT count(*) FROM t, u"), "12");
    CHECK_STR(Q("SELECT x.a, y.a FROM t x, t y WHERE x.b = y.b + 1"), "1,1");
    CHECK(strstr(error_of("SELECT a FROM t, u"), "[AMBIGUOUS_REFERENCE]") != NULL);
}

/* True when some FILTER of the plan is below a JOIN. */
static bool has_filter_below_join(const sm_plan *p, bool below) {
    if (!p) return false;
    if (p->kind == SM_PLAN_FILTER && below) return true;
    bool b = below || p->kind == SM_PLAN_JOIN;
    if (has_filter_below_join(p->child, b)) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (has_filter_below_join(p->children[i], b)) return true;
    return false;
}

/* An OR over two relations implies a filter on each relation every branch
 * constrains (TPC-H Q7); the rows are those of the OR alone. */
TEST(comma_join_or_implies_filters) {
    setup();
    const char *q = "SELECT t.a, u.name FROM t, u WHERE (t.b = 2 AND u.name = 'one') OR "
                    "(t.b = 5 AND u.name = 'two')";
    sm_dataframe *df = an(q);
    CHECK(df != NULL);
    if (df) CHECK(has_filter_below_join(df->plan, false));
    CHECK_STR(Q(q), "1,one|2,two");
    CHECK_STR(Q("SELECT t.a, u.name FROM t, u WHERE (t.b = 2 AND u.name = 'one') OR t.b = 5"),
              "1,one|2,four|2,one|2,two");
}

/* A LEFT JOIN's ON conjunct over the right side only filters the right input
 * first (TPC-H Q13); unmatched left rows stay. */
TEST(left_join_on_right_only_conjunct) {
    setup();
    const char *q = "SELECT t.a, u.name FROM t LEFT JOIN u ON t.a = u.a AND u.name <> 'two'";
    sm_dataframe *df = an(q);
    CHECK(df != NULL);
    if (df) CHECK(has_filter_below_join(df->plan, false));
    CHECK_STR(Q(q), "1,one|1,one|2,NULL|3,NULL");
    CHECK_STR(Q("SELECT t.a, u.name FROM t RIGHT JOIN u ON t.a = u.a AND u.name <> 'two'"),
              "1,one|1,one|NULL,four|NULL,two");
    CHECK_STR(Q("SELECT t.a FROM t LEFT ANTI JOIN u ON t.a = u.a AND u.name <> 'two'"), "2|3");
}

/* Constant LIKE patterns of literals and % take the segment matcher. */
TEST(like_constant_patterns) {
    setup();
    CHECK_STR(QO("SELECT s LIKE 'abc', s LIKE 'a%c', s LIKE '%bc', s LIKE 'ab%', s LIKE '%', "
                 "s LIKE '%b%', s LIKE 'a%a', s LIKE '%special%requests%' FROM VALUES ('abc'), "
                 "('ab'), (''), ('xabcx'), (NULL), ('a special, requests') AS w(s)"),
              "true,true,true,true,true,true,false,false|"
              "false,false,false,true,true,true,false,false|"
              "false,false,false,false,true,false,false,false|"
              "false,false,false,false,true,true,false,false|"
              "NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL|"
              "false,false,false,false,true,false,false,true");
}

/* The build side is concatenated column by column (decimals, strings and
 * their nulls keep their rows). */
TEST(join_build_keeps_decimals_and_nulls) {
    setup();
    CHECK_STR(Q("SELECT t.a, x.d, x.s FROM t JOIN (SELECT * FROM VALUES "
                "(1, CAST(1.50 AS DECIMAL(15,2)), 'p'), (2, NULL, NULL), "
                "(3, CAST(-2.25 AS DECIMAL(15,2)), 'q') AS x(k, d, s)) x ON t.a = x.k"),
              "1,1.50,p|1,1.50,p|2,NULL,NULL|3,-2.25,q");
}

/* Semi / anti joins copy only the build columns their keys and residual
 * condition read. */
TEST(semi_anti_join_build_columns) {
    setup();
    CHECK_STR(Q("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a AND u.name <> 'one')"),
              "2");
    CHECK_STR(Q("SELECT a, b FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.a = t.a AND "
                "u.name <> 'one')"),
              "1,2|1,3|3,NULL");
    CHECK_STR(Q("SELECT a FROM t WHERE a IN (SELECT a FROM u)"), "1|1|2");
}

TEST(explicit_joins) {
    setup();
    CHECK_STR(Q("SELECT * FROM t JOIN u ON t.a = u.a"), "1,2,x,1,one|1,3,y,1,one|2,5,NULL,2,two");
    CHECK_STR(schema("SELECT * FROM t JOIN u USING (a)"), "a:int,b:int,c:string,name:string");
    CHECK_STR(Q("SELECT * FROM t NATURAL JOIN u"), "1,2,x,one|1,3,y,one|2,5,NULL,two");
    CHECK_STR(QO("SELECT u.name, sum(b) FROM t JOIN u ON t.a = u.a GROUP BY u.name ORDER BY 1"),
              "one,5|two,5");
}

/* USING / NATURAL joins keep both sides' keys reachable as t.k and in t.*
 * (Spark's hidden columns), while * shows the key once. */
TEST(using_join_hidden_keys) {
    setup();
    CHECK_STR(schema("SELECT * FROM t LEFT JOIN u USING (a)"), "a:int,b:int,c:string,name:string");
    CHECK_STR(Q("SELECT u.a, t.*, u.* FROM t LEFT JOIN u USING (a)"),
              "1,1,2,x,1,one|1,1,3,y,1,one|2,2,5,NULL,2,two|NULL,3,NULL,z,NULL,NULL");
    CHECK_STR(Q("SELECT t.a, u.a FROM t FULL JOIN u USING (a) WHERE t.a IS NULL"), "NULL,4");
    CHECK_STR(Q("SELECT u.a FROM t NATURAL JOIN u NATURAL JOIN v"), "1|1|2");
}

TEST(named_windows) {
    setup();
    CHECK_STR(QO("SELECT a, b, rank() OVER w FROM t WHERE b IS NOT NULL WINDOW w AS (ORDER BY b)"
                 " ORDER BY b"),
              "1,2,1|1,3,2|2,5,3");
}

