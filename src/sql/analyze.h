/*
 * analyze.h — shared by the SQL analyzer's files (analyze.c: queries;
 * subquery.c: subquery expressions).
 *
 * A scope is one SELECT being analyzed: its input (the DataFrame built
 * from FROM, then WHERE/GROUP BY ...), the CTEs visible to it, and the
 * enclosing scope, whose columns a correlated subquery may reference.
 */
#ifndef SM_SQL_ANALYZE_H
#define SM_SQL_ANALYZE_H

#include "sql/sql.h"

typedef struct sql_cte_binding {
    const char *name;             /* as written in WITH */
    sm_dataframe *df;             /* analyzed once, reused by every reference */
    struct sql_cte_binding *next; /* inner WITHs shadow outer ones */
} sql_cte_binding;

typedef struct sql_scope {
    sm_session *s;
    const char *text;            /* the statement text, for carets */
    struct sql_scope *outer;     /* the enclosing query, or NULL */
    sql_cte_binding *ctes;       /* visible CTEs (innermost first) */
    sm_dataframe *input;         /* what this scope's expressions are bound against */
} sql_scope;

/* Analyzes `q` as a query nested in `parent` (subqueries, CTE bodies, FROM
 * subqueries).  parent may be NULL for a top-level query. */
int sql_analyze_query_in(sql_scope *parent, const sql_query *q, sm_dataframe **out);

/* Plans the subquery expressions inside `e`, an expression over
 * scope->input (a WHERE or HAVING condition when is_filter, else a select
 * item):
 *   - uncorrelated scalar subqueries: evaluated as a single-row relation
 *     joined to the input (error [SCALAR_SUBQUERY_TOO_MANY_ROWS] at run time
 *     for more than one row);
 *   - [NOT] EXISTS and [NOT] IN (subquery) conjuncts of a filter: left semi /
 *     left anti joins (NOT IN null-aware), correlated predicates becoming
 *     join conditions;
 *   - correlated scalar subqueries with aggregates (TPC-H Q2, Q17, Q20):
 *     the subquery grouped by its correlation columns, left-joined.
 * On return *df_out is the new input (columns of scope->input first, then
 * any added ones) and *e_out the expression with subqueries replaced by
 * column references (NULL when the whole condition became joins). */
int sql_plan_subqueries(sql_scope *scope, sm_dataframe *df, const sm_expr *e, bool is_filter,
                        sm_dataframe **df_out, sm_expr **e_out);

/* True if `e` contains a subquery expression. */
bool sql_has_subquery(const sm_expr *e);

#endif
