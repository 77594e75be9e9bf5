/*
 * parse_internal.h — the expression parser's internals, shared with the SQL
 * parser (sql/parse.c), which parses statements over the same token array
 * and calls into the expression grammar for every expression it meets.
 *
 * The expression layer knows nothing of SQL queries: where an expression may
 * hold a subquery ("(SELECT ...)", EXISTS (...), x IN (SELECT ...)) it calls
 * the hook `parse_query` that the SQL parser installs.  Without a hook (the
 * DataFrame API's expr()/selectExpr()) a subquery is an
 * [UNSUPPORTED_FEATURE] error.
 *
 * Errors: p->sql selects Spark's SQL layout ("(line L, pos P)\n\n== SQL ==
 * \n<lines>\n----^^^") instead of the expression layout; sm_ps_error formats
 * either.
 */
#ifndef SM_EXPR_PARSE_INTERNAL_H
#define SM_EXPR_PARSE_INTERNAL_H

#include <stdbool.h>

#include "expr/expr.h"
#include "expr/lexer.h"

typedef struct sm_parser sm_parser;

struct sm_parser {
    sm_arena *a;
    const char *text; /* the text positions refer to (and errors quote) */
    sm_token *tk;
    int ntk, i;
    int depth;
    long nodes; /* nodes copied for BETWEEN, against PS_MAX_NODES */
    long work;  /* tokens read, re-reads included (sm_ps_check_work) */
    bool sql;   /* errors in the SQL layout */
    /* Parses a query starting at the current token (the caller consumed
     * the '(' before it and consumes the ')' after it).  *out is a
     * struct sql_query *. */
    int (*parse_query)(sm_parser *p, void **out);
    void *hook_data;
    const sm_dtype *type_dt; /* set by sm_ps_type: the full type when nested, else NULL */
    bool alias_args;         /* struct(x AS name, ...): aliases allowed in this call's list */
};

/* Lexes `text` into p (positions relative to text). */
int sm_ps_init(sm_parser *p, sm_arena *a, const char *text);

sm_token *sm_ps_cur(sm_parser *p);
sm_token *sm_ps_peek(sm_parser *p, int k);
void sm_ps_adv(sm_parser *p);
/* Consumes the keyword / operator when it is current. */
bool sm_ps_kw(sm_parser *p, const char *kw);
bool sm_ps_op(sm_parser *p, const char *op);

/* "[PARSE_SYNTAX_ERROR] Syntax error at or near 'tok'[: extra input 'tok']." */
int sm_ps_syntax(sm_parser *p, const sm_token *t, bool extra);
/* Any message at byte `pos`, in the parser's layout. */
int sm_ps_error(sm_parser *p, int code, int pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Bounds the total work of backtracking: SM_PARSE when exceeded. */
int sm_ps_check_work(sm_parser *p);
/* Depth guard (and work check): call before recursing, decrement p->depth after. */
int sm_ps_enter(sm_parser *p);

/* expression (no alias) */
int sm_ps_expr(sm_parser *p, sm_expr **out);
/* expression [[AS] alias] */
int sm_ps_named(sm_parser *p, sm_expr **out);
/* expression [ASC|DESC] [NULLS FIRST|LAST] */
int sm_ps_sort_item(sm_parser *p, sm_sort_key *out);
/* The body of a window specification after OVER: "w" or "( ... )". */
int sm_ps_window_spec(sm_parser *p, sm_window_spec **out);
/* A data type: the sm_type, and precision/scale for DECIMAL. */
int sm_ps_type(sm_parser *p, sm_type *out, int8_t *precision, int8_t *scale);
/* Adjacent string literals as one STRING literal node. */
int sm_ps_string(sm_parser *p, sm_expr **out);
/* True when the current token (after '(') starts a query: SELECT, WITH,
 * VALUES, TABLE, FROM, or a '(' whose contents start one. */
bool sm_ps_starts_query(sm_parser *p, int k);

#endif
