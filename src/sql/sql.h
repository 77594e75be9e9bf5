/*
 * sql.h — entry points of the SQL layer: parse, analyze, execute.
 *
 *   sql_parse_script   text → statements (parse.c)
 *   sql_analyze_query  a query → a DataFrame, resolving names against the
 *                      session's temporary views, CTEs and the catalog
 *                      (analyze.c; subqueries in subquery.c)
 *   sql_execute        a statement → its result as a DataFrame (statements.c);
 *                      queries are analyzed, commands run at once and return
 *                      their rows (SHOW TABLES) or an empty DataFrame
 *
 * The public sm_sql / sm_sql_script (smelt.h) are built on these.  The SQL
 * layer sits above the api layer: it builds plans through the DataFrame
 * functions (the same logical plans PySpark's DataFrame API builds), with
 * api_internal.h for what the public API does not expose.
 */
#ifndef SM_SQL_H
#define SM_SQL_H

#include "api/api_internal.h"
#include "sql/ast.h"

/* Parses a script of statements separated by ';' (a trailing ';' is
 * optional; empty statements are skipped).  On a syntax error: SM_PARSE with
 * Spark's message:
 *   [PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'.(line 1, pos 9)
 *   == SQL ==
 *   SELECT a FORM t
 *   ---------^^^
 */
int sql_parse_script(sm_arena *a, const char *text, sql_stmt ***out, int *count);
/* Exactly one statement. */
int sql_parse_statement(sm_arena *a, const char *text, sql_stmt **out);

/* Analyzes a query (`text` is the statement text, for carets). */
int sql_analyze_query(sm_session *s, const sql_query *q, const char *text, sm_dataframe **out);

/* Executes a statement; *out is its result (never NULL on success). */
int sql_execute(sm_session *s, const sql_stmt *st, const char *text, sm_dataframe **out);

#endif
