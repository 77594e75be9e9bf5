/*
 * lexer.h — the Spark SQL lexer, shared by the expression parser
 * (expr/parse.c), the DDL schema parser (types/ddl.c) and the SQL parser.
 *
 * sm_lex() turns a whole text into an array of tokens up front (expressions
 * and statements are short; random access makes look-ahead trivial).  It
 * follows Spark 3.5's SqlBaseLexer.g4:
 *
 *   - identifiers: [A-Za-z0-9_]+ not starting as a number, plus any byte
 *     >= 0x80 (lenient: Spark needs backquotes for non-ASCII letters);
 *     keywords are identifiers — compare with sm_tok_kw(), Spark's keywords
 *     are case-insensitive and almost all non-reserved;
 *   - `quoted identifiers`, `` for a backquote inside;
 *   - string literals '...' and "..." with Spark's backslash escapes
 *     (\n \t \r \b \0 \Z \\ \' \" \uXXXX \UXXXXXXXX \ooo octal; \% and \_
 *     keep their backslash; any other \c is c) and raw strings r'...';
 *     adjacent literals are separate tokens (the parser joins them, as
 *     Spark's stringLit+ does);
 *   - numbers: 1 (INT), 1L, 1S, 1Y, 1.5 / .5 / 1. (DECIMAL), 1e3 / 1.5E-2
 *     (EXPONENT), 1.5D, 1.5F, 1.5BD; suffixes are case-insensitive.  A run
 *     like 12abc or 1e is an identifier, as in Spark (longest match);
 *   - comments: -- to end of line, and (nested) bracketed comments;
 *   - operators: <=> <> <= >= == != || :: -> => and single characters
 *     + - * / % ~ & | ^ = < > ! ( ) , . [ ] : ; { } ?
 *
 * Errors: lexing never fails on bad input (only SM_NOMEM).  An unterminated
 * string, identifier or comment, or a stray character, becomes one
 * SM_TK_ERROR token whose text is its first character, so the parser
 * reports "Syntax error at or near '''" at the right position, as Spark.
 *
 * Memory: tokens and their decoded text live in the caller's arena.
 */
#ifndef SM_EXPR_LEXER_H
#define SM_EXPR_LEXER_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

#include "common/mem.h"

typedef enum {
    SM_TK_EOF,    /* always the last token; pos = end = strlen(text) */
    SM_TK_IDENT,  /* bare word (keywords included) */
    SM_TK_QIDENT, /* `quoted identifier` (str is unquoted) */
    SM_TK_STRING, /* '...' or "..." (str is unescaped; may hold NULs: use len) */
    SM_TK_NUMBER, /* see num */
    SM_TK_OP,     /* operator / punctuation (str is its spelling) */
    SM_TK_ERROR,  /* unterminated literal or stray character */
} sm_tok_kind;

typedef enum {
    SM_NUM_INT,        /* 123 */
    SM_NUM_BIGINT,     /* 123L */
    SM_NUM_SMALLINT,   /* 123S */
    SM_NUM_TINYINT,    /* 123Y */
    SM_NUM_DECIMAL,    /* 1.5, .5, 1. */
    SM_NUM_EXPONENT,   /* 1e3, 1.5E-2 (a DOUBLE in Spark 3.5) */
    SM_NUM_DOUBLE,     /* 1.5D */
    SM_NUM_FLOAT,      /* 1.5F */
    SM_NUM_BIGDECIMAL, /* 1.5BD */
} sm_num_kind;

typedef struct {
    sm_tok_kind kind;
    sm_num_kind num; /* SM_TK_NUMBER only */
    int pos, end;    /* byte range in the source text */
    char *str;       /* decoded text, NUL-terminated (numbers: without suffix) */
    int len;         /* bytes in str */
} sm_token;

/* Tokenizes `text` (NUL-terminated) into *out (arena-allocated), the last
 * token being SM_TK_EOF.  Returns SM_OK or SM_NOMEM. */
int sm_lex(sm_arena *a, const char *text, sm_token **out, int *count);

/* True when t is a bare identifier equal to `kw` ignoring ASCII case. */
bool sm_tok_kw(const sm_token *t, const char *kw);
/* True when t is the operator `op`. */
bool sm_tok_op(const sm_token *t, const char *op);
/* True when t can name something: an identifier or a quoted identifier. */
bool sm_tok_is_name(const sm_token *t);
/* Words that end an expression in a SQL statement and so never serve as an
 * implicit alias ("SELECT a FROM t": FROM is not an alias of a). */
bool sm_lex_is_clause_word(const char *word);

/* Records a parse error for text `text` at byte `pos` and returns `code`:
 *     <message>(line L, pos P)
 *     == <section> ==
 *     <the text's lines up to the one holding pos>
 *     <spaces>^
 *     <the remaining lines>
 * (Spark's layout, with a single caret as expr.h shows.)  `section` is
 * "Expression", "SQL" or "DDL". */
int sm_lex_error(int code, const char *text, int pos, const char *section, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The same in Spark's SQL layout (ParseException.getMessage, without its
 * leading and trailing newline):
 *     <message>(line L, pos P)
 *
 *     == SQL ==
 *     <the text's lines up to the one holding pos>
 *     <P dashes>^^^
 *     <the remaining lines>                                              */
int sm_lex_error_sql(int code, const char *text, int pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Either layout (sql true: SQL), from a va_list. */
int sm_lex_verror(int code, const char *text, int pos, bool sql, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

#endif
