/*
 * ast.h — the syntax tree of Spark SQL statements and queries.
 *
 * The parser (sql/parse.c) produces it; the analyzer (sql/analyze.c) turns
 * queries into DataFrames (logical plans); statements (sql/statements.c)
 * act on the catalog and the session.  Expressions inside are ordinary
 * unbound sm_expr trees (expr/expr.h); subqueries inside expressions are
 * SM_EX_SUBQUERY / SM_EX_EXISTS / SM_EX_IN_SUBQUERY nodes whose `subquery`
 * field points at a sql_query.
 *
 * Every node lives in the arena given to the parser.  `pos`/`end` are byte
 * offsets into the statement text, for carets in error messages.
 */
#ifndef SM_SQL_AST_H
#define SM_SQL_AST_H

#include <stdbool.h>

#include "expr/expr.h"

typedef struct sql_query sql_query;

/* A possibly qualified name: db.name (db NULL when not given). */
typedef struct {
    char *db;
    char *name;
    int pos, end;
} sql_name;

/* ---- FROM ------------------------------------------------------------------ */

typedef enum {
    SQL_REL_TABLE,    /* a table or view by name */
    SQL_REL_FILE,     /* csv.`path`, parquet.`path`, json.`path` */
    SQL_REL_SUBQUERY, /* (query) [AS] alias */
    SQL_REL_VALUES,   /* VALUES (..), (..) [AS] alias(cols) */
    SQL_REL_JOIN,     /* left JOIN right ON / USING, NATURAL, CROSS, comma */
    SQL_REL_RANGE,    /* range(start, end[, step[, partitions]]) table function */
} sql_rel_kind;

typedef enum {
    SQL_JOIN_INNER,
    SQL_JOIN_LEFT,
    SQL_JOIN_RIGHT,
    SQL_JOIN_FULL,
    SQL_JOIN_LEFT_SEMI,
    SQL_JOIN_LEFT_ANTI,
    SQL_JOIN_CROSS,
} sql_join_kind;

typedef struct sql_relation {
    sql_rel_kind kind;
    int pos, end;
    sql_name table;               /* TABLE */
    char *format, *path;          /* FILE */
    sql_query *query;             /* SUBQUERY, VALUES (a query of kind SQL_Q_VALUES) */
    struct sql_relation *left, *right; /* JOIN */
    sql_join_kind join;
    sm_expr *on;                  /* JOIN ... ON */
    char **using_cols;            /* JOIN ... USING (a, b) */
    int nusing;
    bool natural;
    sm_expr **args;               /* RANGE arguments */
    int nargs;
    char *alias;                  /* [AS] alias */
    char **col_aliases;           /* [AS] alias(c1, c2) */
    int ncol_aliases;
} sql_relation;

/* ---- SELECT ---------------------------------------------------------------- */

typedef enum {
    SQL_GROUP_PLAIN,    /* GROUP BY a, b (or none) */
    SQL_GROUP_ROLLUP,   /* GROUP BY ROLLUP(a, b) or GROUP BY a, b WITH ROLLUP */
    SQL_GROUP_CUBE,     /* GROUP BY CUBE(a, b) or ... WITH CUBE */
    SQL_GROUP_SETS,     /* GROUP BY GROUPING SETS ((a, b), (a), ()) */
} sql_group_kind;

typedef struct {
    char *name;
    sm_window_spec *spec;
} sql_named_window;

/* FROM ... LATERAL VIEW [OUTER] explode(a) tv [AS] c1, c2 */
typedef struct sql_lateral_view {
    sm_expr *gen;  /* the generator call (explode, posexplode, inline and their _outer) */
    bool outer;
    char *table;   /* tv: the qualifier of the generated columns */
    char **cols;   /* the column aliases (ncols 0: Spark's default names) */
    int ncols;
} sql_lateral_view;

typedef struct sql_select {
    bool distinct;
    sm_expr **items;     /* the select list: SM_EX_ALIAS for "e AS x"; SM_EX_STAR
                            with name NULL for *, name "t" for t.* */
    int nitems;
    sql_relation *from;  /* NULL: SELECT without FROM (one row); comma-separated
                            items are SQL_REL_JOIN nodes of kind CROSS */
    sm_expr *where;
    sql_group_kind group_kind;
    sm_expr **group_by;  /* PLAIN/ROLLUP/CUBE: the expressions (ordinals are
                            integer literals; resolved by the analyzer) */
    int ngroup;
    sm_expr ***sets;     /* SETS: nsets lists of expressions */
    int *set_sizes;
    int nsets;
    sm_expr *having;
    sql_named_window *windows; /* WINDOW w AS (...) */
    int nwindows;
    sql_lateral_view *laterals; /* LATERAL VIEWs after FROM, in order */
    int nlaterals;
} sql_select;

/* ---- queries ----------------------------------------------------------------- */

typedef enum {
    SQL_Q_SELECT,  /* select */
    SQL_Q_SETOP,   /* left op right */
    SQL_Q_VALUES,  /* VALUES rows */
    SQL_Q_TABLE,   /* TABLE t (a whole table) */
} sql_query_kind;

typedef enum { SQL_SET_UNION, SQL_SET_INTERSECT, SQL_SET_EXCEPT } sql_setop_kind;

typedef struct {
    char *name;
    char **col_aliases; /* WITH t(a, b) AS (...) */
    int ncol_aliases;
    sql_query *query;
} sql_cte;

struct sql_query {
    sql_query_kind kind;
    int pos, end;
    sql_cte *ctes;        /* WITH ... (applies to this query and its parts) */
    int nctes;
    sql_select *select;   /* SELECT */
    sql_setop_kind setop; /* SETOP */
    bool setop_all;       /* UNION ALL / INTERSECT ALL / EXCEPT ALL */
    sql_query *left, *right;
    /* SETOP: the same chain read left to right without INTERSECT's higher
     * precedence, for spark.sql.legacy.setopsPrecedence.enabled (NULL when
     * the chain doesn't mix INTERSECT with the others) */
    sql_query *legacy;
    sm_expr ***rows;      /* VALUES: nrows rows of ncols expressions */
    int nrows, ncols;
    sql_name table;       /* TABLE t */
    sm_sort_key *order;   /* ORDER BY (also SORT BY / DISTRIBUTE BY treated alike) */
    int norder;
    sm_expr *limit;       /* LIMIT n (NULL: none; LIMIT ALL: NULL) */
    sm_expr *offset;      /* OFFSET m */
};

/* ---- statements ------------------------------------------------------------------ */

typedef enum {
    SQL_STMT_QUERY,
    SQL_STMT_CREATE_VIEW,       /* CREATE [OR REPLACE] [GLOBAL] [TEMPORARY] VIEW [IF NOT EXISTS]
                                   name [(cols)] AS query  |  ... USING fmt OPTIONS (...) */
    SQL_STMT_CREATE_TABLE,      /* CREATE TABLE [IF NOT EXISTS] name [(cols)] USING fmt
                                   [OPTIONS] [PARTITIONED BY] [LOCATION] [COMMENT] [AS query];
                                   also CREATE TABLE ... AS query without USING */
    SQL_STMT_CREATE_DATABASE,   /* CREATE DATABASE|SCHEMA [IF NOT EXISTS] name [LOCATION] */
    SQL_STMT_INSERT,            /* INSERT INTO|OVERWRITE [TABLE] name [(cols)] query|VALUES */
    SQL_STMT_INSERT_DIRECTORY,  /* INSERT OVERWRITE [LOCAL] DIRECTORY 'path' USING fmt
                                   [OPTIONS (...)] query */
    SQL_STMT_DROP_TABLE,
    SQL_STMT_DROP_VIEW,
    SQL_STMT_DROP_DATABASE,     /* [CASCADE] */
    SQL_STMT_SHOW_DATABASES,    /* [LIKE 'pattern'] */
    SQL_STMT_SHOW_TABLES,       /* [IN db] [LIKE 'pattern'] */
    SQL_STMT_SHOW_VIEWS,
    SQL_STMT_SHOW_COLUMNS,      /* IN table [IN db] */
    SQL_STMT_SHOW_FUNCTIONS,    /* [LIKE 'pattern'] */
    SQL_STMT_SHOW_CREATE_TABLE,
    SQL_STMT_DESCRIBE_TABLE,    /* DESCRIBE [TABLE] [EXTENDED|FORMATTED] name */
    SQL_STMT_DESCRIBE_QUERY,    /* DESCRIBE QUERY query */
    SQL_STMT_DESCRIBE_DATABASE,
    SQL_STMT_EXPLAIN,           /* EXPLAIN [EXTENDED|FORMATTED|CODEGEN|COST] statement */
    SQL_STMT_SET,               /* SET; SET key; SET key=value; SET -v */
    SQL_STMT_RESET,             /* RESET [key] */
    SQL_STMT_USE,               /* USE [DATABASE] name */
    SQL_STMT_CACHE_TABLE,       /* CACHE [LAZY] TABLE name [AS query] */
    SQL_STMT_UNCACHE_TABLE,     /* UNCACHE TABLE [IF EXISTS] name */
    SQL_STMT_CLEAR_CACHE,
    SQL_STMT_REFRESH_TABLE,
    SQL_STMT_TRUNCATE_TABLE,
    SQL_STMT_SHOW_PARTITIONS,   /* SHOW PARTITIONS name */
} sql_stmt_kind;

typedef struct {
    char *name;
    sm_type type;
    int8_t precision, scale;
    const struct sm_dtype *dt; /* ARRAY / MAP / STRUCT: the whole type */
    bool not_null;
    char *comment;
} sql_column_def;

typedef struct sql_stmt {
    sql_stmt_kind kind;
    int pos, end;          /* the statement's byte range in the script */
    char *text;            /* the statement's own text (script[pos, end), arena copy):
                              every other pos/end in the tree is an offset into it */
    sql_query *query;      /* QUERY, views AS, CTAS, INSERT, INSERT DIRECTORY, DESCRIBE
                              QUERY, CACHE TABLE ... AS */
    struct sql_stmt *inner; /* EXPLAIN */
    sql_name target;       /* the table / view / database named */
    bool or_replace, temporary, global, if_not_exists, if_exists;
    bool extended, formatted, cost, codegen; /* DESCRIBE / EXPLAIN modes */
    bool analyze;                            /* EXPLAIN ANALYZE */
    char *format;          /* USING fmt */
    char **options;        /* OPTIONS (k 'v', ...): key/value pairs, NULL-terminated */
    int noptions;          /* pairs */
    char *location;
    char *comment;
    sql_column_def *columns; /* (col type, ...) */
    int ncolumns;
    char **partition_cols; /* PARTITIONED BY (a, b) */
    int npartition;
    bool overwrite;        /* INSERT OVERWRITE */
    char **insert_cols;    /* INSERT INTO t (a, b) */
    int ninsert_cols;
    char **insert_part;    /* INSERT INTO t PARTITION (p1 = v, p2): the names ... */
    char **insert_part_val; /* ... and the SQL text of static values (NULL: dynamic) */
    int ninsert_part;
    char *path;            /* INSERT OVERWRITE DIRECTORY 'path' */
    char *key, *value;     /* SET key=value (value NULL: show it); RESET key */
    bool set_verbose;      /* SET -v */
    char *pattern;         /* SHOW ... LIKE 'pattern' */
    sql_name in_db;        /* SHOW TABLES IN db, SHOW COLUMNS ... IN db */
    bool cascade;          /* DROP DATABASE ... CASCADE */
    bool lazy;             /* CACHE LAZY TABLE */
} sql_stmt;

#endif
