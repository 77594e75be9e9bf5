/*
 * parse.c — Spark SQL statements and queries → the syntax tree of ast.h.
 *
 * A hand-written recursive-descent parser over the token array of
 * expr/lexer.c, following Spark 3.5's SqlBaseParser.g4.  Expressions are
 * parsed by the expression parser (expr/parse.c) through its internal
 * interface (expr/parse_internal.h), on the same token array; where an
 * expression holds a subquery the expression parser calls back into this
 * file through the `parse_query` hook, so the expression layer never sees
 * SQL types.
 *
 * Queries (loosest to tightest):
 *     query      := [WITH cte, ...] setop organization
 *     setop      := inter ((UNION | EXCEPT | MINUS) [ALL | DISTINCT] inter)*
 *     inter      := primary (INTERSECT [ALL | DISTINCT] primary)*
 *                   (read as one flat chain, see sq_setops)
 *     primary    := SELECT ... | VALUES ... | TABLE t | '(' query ')'
 *     organization := [ORDER|SORT|CLUSTER BY ...] [DISTRIBUTE BY ...]
 *                     [WINDOW ...] [LIMIT n|ALL] [OFFSET n]
 * INTERSECT binds tighter than UNION / EXCEPT, as Spark's default
 * (spark.sql.legacy.setopsPrecedence.enabled=false).  An organization (or
 * WITH) applied to a query that already has one — "(SELECT .. LIMIT 5)
 * LIMIT 2" — wraps the inner query as SELECT * FROM (inner).
 *
 * Tree conventions beyond ast.h:
 *   - GROUP BY: plain expressions, ROLLUP(..)/CUBE(..) of plain
 *     expressions and WITH ROLLUP/CUBE keep their kinds; anything mixed
 *     ("GROUP BY a, ROLLUP(b, c)", composite elements "ROLLUP((a, b))",
 *     GROUPING SETS) becomes SQL_GROUP_SETS with the sets expanded (their
 *     cross product, as Spark's GroupingAnalytics); group_by then holds the
 *     distinct expressions in order of first appearance (Spark's
 *     groupByExprs), or the explicit list of the Hive form "GROUP BY a, b
 *     GROUPING SETS (...)".
 *   - DISTRIBUTE BY is parsed and dropped (it only repartitions);
 *     CLUSTER BY x is ORDER BY x; SORT BY is ORDER BY.
 *   - The WINDOW clause may follow ORDER BY as well (Spark allows both).
 *   - A view's column list gives sql_column_def entries with only a name
 *     (type SM_NULLTYPE) and comment.
 *   - OPTIONS values are strings: string literals unquoted, numbers and
 *     identifiers as written, booleans lower case.  TBLPROPERTIES and
 *     DBPROPERTIES are parsed and ignored.
 *   - SET: key and value are the raw text (Spark's configKeyValueDef), the
 *     value trimmed and kept with any quotes ("SET k = 'x'" stores "'x'",
 *     as Spark); SET TIME ZONE 'z' is SET spark.sql.session.timeZone=z.
 *
 * Scripts: sql_parse_script lexes the whole text once to split it at ';'
 * tokens (so a ';' inside a string or comment does not split), then parses
 * each statement from its own trimmed text, as the spark-sql shell runs
 * each statement separately: error positions and the quoted text are the
 * statement's own, and every pos/end in a statement's tree is an offset
 * into stmt->text.
 *
 * Errors are Spark's ParseException layout (sm_lex_error_sql):
 *     [PARSE_SYNTAX_ERROR] Syntax error at or near 'x'.(line 1, pos 9)
 *
 *     == SQL ==
 *     SELECT a FORM t x
 *     ---------^^^
 * ANTLR's recovery is not reproduced in general.  The common shapes are:
 * a token that cannot continue the statement is "at or near 'tok'"; a
 * complete statement followed by one stray token is "...: extra input
 * 'tok'" (ANTLR's single-token deletion); truncated text is "at or near
 * end of input".  An unclosed bracketed comment is [UNCLOSED_BRACKETED_COMMENT].
 * Statements Spark has and smelt does not (ALTER, ANALYZE, MERGE, ...)
 * are SM_UNSUPPORTED with [UNSUPPORTED_FEATURE].
 *
 * Memory: everything lives in the caller's arena; nothing global, so the
 * parser is thread-safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "expr/lexer.h"
#include "expr/parse_internal.h"
#include "sql/sql.h"

typedef sm_parser parser;

#define SQ_MAX_GROUPING_SETS 4096

static int sq_query(parser *p, sql_query **out);
static int sq_relation(parser *p, sql_relation **out);
static int sq_statement(parser *p, sql_stmt **out);

/* ---- small helpers ---------------------------------------------------------- */

static sm_token *cur(parser *p) { return sm_ps_cur(p); }
static sm_token *peek(parser *p, int k) { return sm_ps_peek(p, k); }
static void adv(parser *p) { sm_ps_adv(p); }
static bool kw(parser *p, const char *w) { return sm_ps_kw(p, w); }
static bool op(parser *p, const char *o) { return sm_ps_op(p, o); }
static bool is_kw(parser *p, const char *w) { return sm_tok_kw(cur(p), w); }
static int syntax(parser *p) { return sm_ps_syntax(p, cur(p), false); }
static int expect_kw(parser *p, const char *w) { return kw(p, w) ? SM_OK : syntax(p); }
static int expect_op(parser *p, const char *o) { return op(p, o) ? SM_OK : syntax(p); }
static int prev_end(parser *p) { return p->i > 0 ? p->tk[p->i - 1].end : 0; }

static void *sq_alloc(parser *p, size_t n) { return sm_arena_alloc(p->a, n); }

/* Grows an arena array of `size`-byte elements so index n fits. */
static int sq_grow(parser *p, void **arr, int *cap, int n, size_t size) {
    if (n < *cap) return SM_OK;
    int ncap = *cap ? *cap * 2 : 4;
    void *na = sm_arena_alloc(p->a, (size_t)ncap * size);
    if (!na) return SM_NOMEM;
    if (n) memcpy(na, *arr, (size_t)n * size);
    *arr = na;
    *cap = ncap;
    return SM_OK;
}
#define SQ_PUSH(p, arr, n, cap, x)                                                  \
    do {                                                                           \
        void *arr_ = (arr);                                                        \
        SM_TRY(sq_grow((p), &arr_, &(cap), (n), sizeof *(arr)));                   \
        (arr) = arr_;                                                              \
        (arr)[(n)++] = (x);                                                        \
    } while (0)

static int unsupported(parser *p, int pos, const char *what) {
    return sm_ps_error(p, SM_UNSUPPORTED, pos,
                       "[UNSUPPORTED_FEATURE] %s is not supported by smelt yet.", what);
}

/* An identifier (bare or `quoted`). */
static int sq_ident(parser *p, char **out) {
    if (!sm_tok_is_name(cur(p))) return syntax(p);
    *out = cur(p)->str;
    adv(p);
    return SM_OK;
}

/* db.name, name, or catalog.db.name (the catalog is dropped). */
static int sq_name(parser *p, sql_name *out) {
    memset(out, 0, sizeof *out);
    out->pos = cur(p)->pos;
    char *parts[3];
    int n = 0;
    SM_TRY(sq_ident(p, &parts[n++]));
    while (sm_tok_op(cur(p), ".") && sm_tok_is_name(peek(p, 1))) {
        if (n == 3) return sm_ps_syntax(p, cur(p), false);
        adv(p);
        SM_TRY(sq_ident(p, &parts[n++]));
    }
    out->name = parts[n - 1];
    out->db = n >= 2 ? parts[n - 2] : NULL;
    out->end = prev_end(p);
    return SM_OK;
}

/* '(' ident, ... ')' */
static int sq_ident_list(parser *p, char ***out, int *count) {
    SM_TRY(expect_op(p, "("));
    char **items = NULL;
    int n = 0, cap = 0;
    do {
        char *s = NULL;
        SM_TRY(sq_ident(p, &s));
        SQ_PUSH(p, items, n, cap, s);
    } while (op(p, ","));
    SM_TRY(expect_op(p, ")"));
    *out = items;
    *count = n;
    return SM_OK;
}

/* One or more adjacent string literals, as a C string. */
static int sq_string(parser *p, char **out) {
    if (cur(p)->kind != SM_TK_STRING) return syntax(p);
    sm_expr *e;
    SM_TRY(sm_ps_string(p, &e));
    *out = (char *)e->lit.v.str.ptr;
    return SM_OK;
}

/* Words that end a relation or select item rather than name its alias. */
static bool sq_alias_stop(const sm_token *t) {
    static const char *const words[] = {"select", "values", "table",  "into", "pivot", "unpivot",
                                        "tablesample", "as", "by", "for", "options", "partitioned",
                                        "location", "comment", "tblproperties", NULL};
    if (t->kind != SM_TK_IDENT) return false;
    if (sm_lex_is_clause_word(t->str)) return true;
    for (int k = 0; words[k]; k++)
        if (sm_tok_kw(t, words[k])) return true;
    return false;
}

/* [AS] alias [(c1, c2)] after a relation. */
static int sq_table_alias(parser *p, sql_relation *r) {
    bool as = kw(p, "as");
    sm_token *t = cur(p);
    if (!sm_tok_is_name(t) || (!as && sq_alias_stop(t))) {
        if (as) return syntax(p);
        return SM_OK;
    }
    adv(p);
    r->alias = t->str;
    if (sm_tok_op(cur(p), "(")) SM_TRY(sq_ident_list(p, &r->col_aliases, &r->ncol_aliases));
    r->end = prev_end(p);
    return SM_OK;
}

static sql_query *sq_new_query(parser *p, sql_query_kind kind, int pos) {
    sql_query *q = sq_alloc(p, sizeof *q);
    if (q) {
        q->kind = kind;
        q->pos = pos;
        q->end = pos;
    }
    return q;
}

/* SELECT * FROM (inner): for an ORDER BY / LIMIT / WITH over a query that
 * already has its own. */
static int sq_wrap(parser *p, sql_query *inner, sql_query **out) {
    sql_query *q = sq_new_query(p, SQL_Q_SELECT, inner->pos);
    sql_select *s = sq_alloc(p, sizeof *s);
    sql_relation *r = sq_alloc(p, sizeof *r);
    sm_expr *star = sm_expr_new(p->a, SM_EX_STAR);
    if (!q || !s || !r || !star) return SM_NOMEM;
    star->pos = inner->pos;
    star->end = inner->pos;
    r->kind = SQL_REL_SUBQUERY;
    r->query = inner;
    r->pos = inner->pos;
    r->end = inner->end;
    s->items = sq_alloc(p, sizeof *s->items);
    if (!s->items) return SM_NOMEM;
    s->items[0] = star;
    s->nitems = 1;
    s->from = r;
    q->select = s;
    q->end = inner->end;
    *out = q;
    return SM_OK;
}

/* ---- VALUES ----------------------------------------------------------------- */

/* VALUES row, row ...: a row is (e, ...) or a single expression. */
static int sq_values(parser *p, sql_query **out) {
    int pos = cur(p)->pos;
    SM_TRY(expect_kw(p, "values"));
    sql_query *q = sq_new_query(p, SQL_Q_VALUES, pos);
    if (!q) return SM_NOMEM;
    int cap = 0;
    do {
        sm_expr **row = NULL;
        int n = 0, rcap = 0;
        bool done = false;
        if (sm_tok_op(cur(p), "(") && !sm_ps_starts_query(p, 1)) {
            int save = p->i;
            adv(p);
            do {
                sm_expr *e;
                SM_TRY(sm_ps_named(p, &e));
                SQ_PUSH(p, row, n, rcap, e);
            } while (op(p, ","));
            SM_TRY(expect_op(p, ")"));
            done = n > 1 || sm_tok_op(cur(p), ",") || cur(p)->kind == SM_TK_EOF ||
                   sm_tok_op(cur(p), ";") || sm_tok_op(cur(p), ")") || sq_alias_stop(cur(p)) ||
                   sm_tok_is_name(cur(p));
            if (!done) { /* "(1) + 2": the parentheses group an expression */
                p->i = save;
                n = 0;
            }
        }
        if (!done) {
            sm_expr *e;
            SM_TRY(sm_ps_expr(p, &e));
            SQ_PUSH(p, row, n, rcap, e);
        }
        if (q->nrows == 0) {
            q->ncols = n;
        } else if (n != q->ncols) {
            return sm_ps_error(p, SM_ANALYSIS, pos,
                               "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. "
                               "Inline table expected %d columns but found %d columns in row %d.",
                               q->ncols, n, q->nrows);
        }
        SQ_PUSH(p, q->rows, q->nrows, cap, row);
    } while (op(p, ","));
    q->end = prev_end(p);
    *out = q;
    return SM_OK;
}

/* ---- FROM ------------------------------------------------------------------- */

static bool sq_is_file_format(const char *s) {
    static const char *const fmts[] = {"csv", "json", "parquet", "orc", "text", "avro",
                                       "binaryfile", NULL};
    for (int k = 0; fmts[k]; k++)
        if (strcasecmp(s, fmts[k]) == 0) return true;
    return false;
}

static char *sq_lower(parser *p, const char *s) {
    char *d = sm_arena_strdup(p->a, s);
    if (d)
        for (char *c = d; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c += 32;
    return d;
}

static int sq_relation_primary(parser *p, sql_relation **out) {
    sm_token *t = cur(p);
    sql_relation *r = sq_alloc(p, sizeof *r);
    if (!r) return SM_NOMEM;
    r->pos = t->pos;
    SM_TRY(sm_ps_enter(p));
    if (sm_tok_op(t, "(")) {
        bool done = false;
        if (sm_ps_starts_query(p, 1)) {
            int save = p->i, depth = p->depth;
            adv(p);
            int rc = sq_query(p, &r->query);
            if (rc == SM_OK) rc = expect_op(p, ")");
            if (rc == SM_OK) {
                r->kind = SQL_REL_SUBQUERY;
                done = true;
            } else if (rc == SM_NOMEM || !sm_tok_op(&p->tk[save + 1], "(")) {
                return rc;
            } else {
                SM_TRY(sm_ps_check_work(p));
                p->i = save;
                p->depth = depth;
            }
        }
        if (!done) { /* '(' relation ')' */
            adv(p);
            sql_relation *inner;
            SM_TRY(sq_relation(p, &inner));
            SM_TRY(expect_op(p, ")"));
            r = inner;
        }
    } else if (sm_tok_kw(t, "values")) {
        r->kind = SQL_REL_VALUES;
        SM_TRY(sq_values(p, &r->query));
    } else if (sm_tok_kw(t, "lateral")) {
        return unsupported(p, t->pos, "A LATERAL subquery");
    } else if (sm_tok_is_name(t) && sm_tok_op(peek(p, 1), "(")) {
        if (!sm_tok_kw(t, "range"))
            return sm_ps_error(p, SM_UNSUPPORTED, t->pos,
                               "[UNSUPPORTED_FEATURE] The table function %s is not supported by "
                               "smelt yet (only range).",
                               t->str);
        adv(p);
        adv(p);
        r->kind = SQL_REL_RANGE;
        int cap = 0;
        if (!sm_tok_op(cur(p), ")")) {
            do {
                sm_expr *e;
                SM_TRY(sm_ps_expr(p, &e));
                SQ_PUSH(p, r->args, r->nargs, cap, e);
            } while (op(p, ","));
        }
        SM_TRY(expect_op(p, ")"));
    } else if (sm_tok_is_name(t)) {
        SM_TRY(sq_name(p, &r->table));
        if (r->table.db && p->tk[p->i - 1].kind == SM_TK_QIDENT && sq_is_file_format(r->table.db)) {
            r->kind = SQL_REL_FILE;
            r->format = sq_lower(p, r->table.db);
            if (!r->format) return SM_NOMEM;
            r->path = r->table.name;
        } else {
            r->kind = SQL_REL_TABLE;
        }
    } else {
        return syntax(p);
    }
    p->depth--;
    r->end = prev_end(p);
    SM_TRY(sq_table_alias(p, r));
    *out = r;
    return SM_OK;
}

/* relation_primary (join)* */
static int sq_relation(parser *p, sql_relation **out) {
    sql_relation *left;
    SM_TRY(sq_relation_primary(p, &left));
    for (;;) {
        int pos = cur(p)->pos;
        bool natural = kw(p, "natural");
        sql_join_kind jk = SQL_JOIN_INNER;
        bool typed = false;
        if (kw(p, "inner")) typed = true;
        else if (kw(p, "cross")) jk = SQL_JOIN_CROSS, typed = true;
        else if (kw(p, "left")) {
            typed = true;
            if (kw(p, "semi")) jk = SQL_JOIN_LEFT_SEMI;
            else if (kw(p, "anti")) jk = SQL_JOIN_LEFT_ANTI;
            else {
                kw(p, "outer");
                jk = SQL_JOIN_LEFT;
            }
        } else if (kw(p, "right")) {
            kw(p, "outer");
            jk = SQL_JOIN_RIGHT, typed = true;
        } else if (kw(p, "full")) {
            kw(p, "outer");
            jk = SQL_JOIN_FULL, typed = true;
        } else if (kw(p, "semi")) jk = SQL_JOIN_LEFT_SEMI, typed = true;
        else if (kw(p, "anti")) jk = SQL_JOIN_LEFT_ANTI, typed = true;
        if (!typed && !natural && !is_kw(p, "join")) break;
        SM_TRY(expect_kw(p, "join"));
        sql_relation *j = sq_alloc(p, sizeof *j);
        if (!j) return SM_NOMEM;
        j->kind = SQL_REL_JOIN;
        j->join = jk;
        j->natural = natural;
        j->left = left;
        j->pos = left->pos;
        (void)pos;
        SM_TRY(sq_relation_primary(p, &j->right));
        if (!natural && kw(p, "on")) {
            SM_TRY(sm_ps_expr(p, &j->on));
        } else if (!natural && is_kw(p, "using")) {
            adv(p);
            SM_TRY(sq_ident_list(p, &j->using_cols, &j->nusing));
        }
        j->end = prev_end(p);
        left = j;
    }
    *out = left;
    return SM_OK;
}

/* FROM relation (, relation)*: comma joins are CROSS joins. */
static int sq_from(parser *p, sql_relation **out) {
    sql_relation *left;
    SM_TRY(sq_relation(p, &left));
    while (op(p, ",")) {
        sql_relation *j = sq_alloc(p, sizeof *j);
        if (!j) return SM_NOMEM;
        j->kind = SQL_REL_JOIN;
        j->join = SQL_JOIN_CROSS;
        j->left = left;
        j->pos = left->pos;
        SM_TRY(sq_relation(p, &j->right));
        j->end = prev_end(p);
        left = j;
    }
    *out = left;
    return SM_OK;
}

/* ---- GROUP BY ------------------------------------------------------------------ */

typedef struct {
    sm_expr **items;
    int n;
} sq_set;

typedef struct {
    sq_set *sets;
    int n, cap;
} sq_setlist;

static int sq_setlist_add(parser *p, sq_setlist *l, sm_expr **items, int n) {
    if (l->n >= SQ_MAX_GROUPING_SETS)
        return sm_ps_error(p, SM_ANALYSIS, cur(p)->pos,
                           "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be greater "
                           "than %d.",
                           SQ_MAX_GROUPING_SETS);
    sq_set s = {items, n};
    SQ_PUSH(p, l->sets, l->n, l->cap, s);
    return SM_OK;
}

/* '(' [e, ...] ')' or e: one grouping set's expressions. */
static int sq_grouping_set(parser *p, sm_expr ***out, int *count) {
    sm_expr **items = NULL;
    int n = 0, cap = 0;
    if (sm_tok_op(cur(p), "(")) {
        /* "(a, b)" is a set; "(a + 1)" an expression: try the set form */
        int save = p->i;
        adv(p);
        if (op(p, ")")) {
            *out = NULL;
            *count = 0;
            return SM_OK;
        }
        do {
            sm_expr *e;
            SM_TRY(sm_ps_expr(p, &e));
            SQ_PUSH(p, items, n, cap, e);
        } while (op(p, ","));
        if (op(p, ")") && (sm_tok_op(cur(p), ",") || sm_tok_op(cur(p), ")"))) {
            *out = items;
            *count = n;
            return SM_OK;
        }
        p->i = save;
        n = 0;
    }
    sm_expr *e;
    SM_TRY(sm_ps_expr(p, &e));
    SQ_PUSH(p, items, n, cap, e);
    *out = items;
    *count = n;
    return SM_OK;
}

/* The grouping sets of one GROUP BY element. */
static int sq_group_element(parser *p, sq_setlist *sets, bool *analytic, bool *simple_flat) {
    memset(sets, 0, sizeof *sets);
    bool rollup = sm_tok_kw(cur(p), "rollup") && sm_tok_op(peek(p, 1), "(");
    bool cube = sm_tok_kw(cur(p), "cube") && sm_tok_op(peek(p, 1), "(");
    if (rollup || cube) {
        adv(p);
        adv(p);
        *analytic = true;
        sq_set parts[64];
        int np = 0;
        do {
            if (np == 64)
                return sm_ps_error(p, SM_ANALYSIS, cur(p)->pos,
                                   "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be "
                                   "greater than 64.");
            SM_TRY(sq_grouping_set(p, &parts[np].items, &parts[np].n));
            if (parts[np].n != 1) *simple_flat = false;
            np++;
        } while (op(p, ","));
        SM_TRY(expect_op(p, ")"));
        if (rollup) {
            for (int k = np; k >= 0; k--) {
                int tot = 0;
                for (int j = 0; j < k; j++) tot += parts[j].n;
                sm_expr **items = sq_alloc(p, (size_t)(tot + 1) * sizeof *items);
                if (!items) return SM_NOMEM;
                int o = 0;
                for (int j = 0; j < k; j++)
                    for (int m = 0; m < parts[j].n; m++) items[o++] = parts[j].items[m];
                SM_TRY(sq_setlist_add(p, sets, items, o));
            }
        } else {
            if (np > 12)
                return sm_ps_error(p, SM_ANALYSIS, cur(p)->pos,
                                   "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be "
                                   "greater than %d.",
                                   SQ_MAX_GROUPING_SETS);
            /* Spark's cube order: subsets by the bits of a descending mask */
            for (int mask = (1 << np) - 1; mask >= 0; mask--) {
                int tot = 0;
                for (int j = 0; j < np; j++)
                    if (mask & (1 << (np - 1 - j))) tot += parts[j].n;
                sm_expr **items = sq_alloc(p, (size_t)(tot + 1) * sizeof *items);
                if (!items) return SM_NOMEM;
                int o = 0;
                for (int j = 0; j < np; j++)
                    if (mask & (1 << (np - 1 - j)))
                        for (int m = 0; m < parts[j].n; m++) items[o++] = parts[j].items[m];
                SM_TRY(sq_setlist_add(p, sets, items, o));
            }
        }
        return SM_OK;
    }
    if (sm_tok_kw(cur(p), "grouping") && sm_tok_kw(peek(p, 1), "sets")) {
        adv(p);
        adv(p);
        *analytic = true;
        *simple_flat = false;
        SM_TRY(expect_op(p, "("));
        do {
            if ((sm_tok_kw(cur(p), "rollup") || sm_tok_kw(cur(p), "cube")) &&
                sm_tok_op(peek(p, 1), "(")) {
                sq_setlist inner;
                bool a2 = false, f2 = true;
                SM_TRY(sq_group_element(p, &inner, &a2, &f2));
                for (int k = 0; k < inner.n; k++)
                    SM_TRY(sq_setlist_add(p, sets, inner.sets[k].items, inner.sets[k].n));
                continue;
            }
            sm_expr **items;
            int n;
            SM_TRY(sq_grouping_set(p, &items, &n));
            SM_TRY(sq_setlist_add(p, sets, items, n));
        } while (op(p, ","));
        return expect_op(p, ")");
    }
    sm_expr *e;
    SM_TRY(sm_ps_expr(p, &e));
    sm_expr **items = sq_alloc(p, sizeof *items);
    if (!items) return SM_NOMEM;
    items[0] = e;
    return sq_setlist_add(p, sets, items, 1);
}

static bool sq_same_expr(parser *p, const sm_expr *a, const sm_expr *b) {
    if (a == b) return true;
    char *x = sm_expr_sql_name(p->a, a), *y = sm_expr_sql_name(p->a, b);
    return x && y && strcasecmp(x, y) == 0;
}

static int sq_add_distinct(parser *p, sm_expr ***list, int *n, int *cap, sm_expr *e) {
    for (int k = 0; k < *n; k++)
        if (sq_same_expr(p, (*list)[k], e)) return SM_OK;
    SQ_PUSH(p, *list, *n, *cap, e);
    return SM_OK;
}

static int sq_group_by(parser *p, sql_select *s) {
    /* GROUP BY already consumed */
    sq_setlist total = {0};
    bool analytic = false, simple_flat = true;
    int nelem = 0, first_kind = -1; /* 0 plain, 1 rollup, 2 cube */
    sm_expr **plain = NULL;
    int nplain = 0, pcap = 0;
    SM_TRY(sq_setlist_add(p, &total, NULL, 0));
    do {
        int kind = sm_tok_kw(cur(p), "rollup") && sm_tok_op(peek(p, 1), "(")  ? 1
                   : sm_tok_kw(cur(p), "cube") && sm_tok_op(peek(p, 1), "(") ? 2
                   : sm_tok_kw(cur(p), "grouping") && sm_tok_kw(peek(p, 1), "sets") ? 3
                                                                                   : 0;
        if (nelem == 0) first_kind = kind;
        sq_setlist el;
        bool an = false;
        SM_TRY(sq_group_element(p, &el, &an, &simple_flat));
        if (an) analytic = true;
        if (!an) SQ_PUSH(p, plain, nplain, pcap, el.sets[0].items[0]);
        else if (kind == 1 || kind == 2) {
            /* the flat list of a simple ROLLUP/CUBE: its largest set */
            for (int k = 0; k < el.n; k++)
                if (el.sets[k].n > 0 && (k == 0 || kind == 1)) {
                    for (int m = 0; m < el.sets[k].n; m++)
                        SM_TRY(sq_add_distinct(p, &plain, &nplain, &pcap, el.sets[k].items[m]));
                    break;
                }
        }
        /* cross product */
        sq_setlist next = {0};
        for (int a = 0; a < total.n; a++)
            for (int b = 0; b < el.n; b++) {
                int n = total.sets[a].n + el.sets[b].n;
                sm_expr **items = sq_alloc(p, (size_t)(n + 1) * sizeof *items);
                if (!items) return SM_NOMEM;
                if (total.sets[a].n) memcpy(items, total.sets[a].items, (size_t)total.sets[a].n * sizeof *items);
                if (el.sets[b].n)
                    memcpy(items + total.sets[a].n, el.sets[b].items, (size_t)el.sets[b].n * sizeof *items);
                SM_TRY(sq_setlist_add(p, &next, items, n));
            }
        total = next;
        nelem++;
        if (kind == 3 && nelem == 1 && nplain == 0) break; /* GROUPING SETS alone */
    } while (op(p, ","));

    /* Hive forms: GROUP BY a, b WITH ROLLUP | WITH CUBE | GROUPING SETS (...) */
    if (!analytic && sm_tok_kw(cur(p), "with") &&
        (sm_tok_kw(peek(p, 1), "rollup") || sm_tok_kw(peek(p, 1), "cube"))) {
        adv(p);
        s->group_kind = kw(p, "rollup") ? SQL_GROUP_ROLLUP : (adv(p), SQL_GROUP_CUBE);
        s->group_by = plain;
        s->ngroup = nplain;
        return SM_OK;
    }
    if (!analytic && sm_tok_kw(cur(p), "grouping") && sm_tok_kw(peek(p, 1), "sets")) {
        sq_setlist el;
        bool an = false, fl = true;
        SM_TRY(sq_group_element(p, &el, &an, &fl));
        s->group_kind = SQL_GROUP_SETS;
        s->group_by = plain;
        s->ngroup = nplain;
        total = el;
    } else if (!analytic) {
        s->group_kind = SQL_GROUP_PLAIN;
        s->group_by = plain;
        s->ngroup = nplain;
        return SM_OK;
    } else if (nelem == 1 && simple_flat && (first_kind == 1 || first_kind == 2)) {
        s->group_kind = first_kind == 1 ? SQL_GROUP_ROLLUP : SQL_GROUP_CUBE;
        s->group_by = plain;
        s->ngroup = nplain;
        return SM_OK;
    } else {
        s->group_kind = SQL_GROUP_SETS;
        sm_expr **all = NULL;
        int nall = 0, acap = 0;
        for (int k = 0; k < total.n; k++)
            for (int m = 0; m < total.sets[k].n; m++)
                SM_TRY(sq_add_distinct(p, &all, &nall, &acap, total.sets[k].items[m]));
        s->group_by = all;
        s->ngroup = nall;
    }
    s->nsets = total.n;
    s->sets = sq_alloc(p, (size_t)(total.n + 1) * sizeof *s->sets);
    s->set_sizes = sq_alloc(p, (size_t)(total.n + 1) * sizeof *s->set_sizes);
    if (!s->sets || !s->set_sizes) return SM_NOMEM;
    for (int k = 0; k < total.n; k++) {
        s->sets[k] = total.sets[k].items;
        s->set_sizes[k] = total.sets[k].n;
    }
    return SM_OK;
}

/* ---- SELECT ---------------------------------------------------------------------- */

static int sq_windows(parser *p, sql_select *s) {
    /* WINDOW already consumed */
    int cap = s->nwindows;
    do {
        sql_named_window w = {0};
        SM_TRY(sq_ident(p, &w.name));
        SM_TRY(expect_kw(p, "as"));
        SM_TRY(sm_ps_window_spec(p, &w.spec));
        SQ_PUSH(p, s->windows, s->nwindows, cap, w);
    } while (op(p, ","));
    return SM_OK;
}

static int sq_select(parser *p, sql_query **out) {
    int pos = cur(p)->pos;
    SM_TRY(expect_kw(p, "select"));
    sql_query *q = sq_new_query(p, SQL_Q_SELECT, pos);
    sql_select *s = sq_alloc(p, sizeof *s);
    if (!q || !s) return SM_NOMEM;
    q->select = s;
    if (kw(p, "distinct")) s->distinct = true;
    else kw(p, "all");
    int cap = 0;
    do {
        sm_expr *e;
        SM_TRY(sm_ps_named(p, &e));
        SQ_PUSH(p, s->items, s->nitems, cap, e);
    } while (op(p, ","));
    if (kw(p, "from")) SM_TRY(sq_from(p, &s->from));
    int lcap = 0;
    while (is_kw(p, "lateral") && sm_tok_kw(peek(p, 1), "view")) {
        adv(p);
        adv(p);
        sql_lateral_view lv = {0};
        lv.outer = kw(p, "outer");
        SM_TRY(sm_ps_expr(p, &lv.gen));
        SM_TRY(sq_ident(p, &lv.table));
        bool as = kw(p, "as");
        int ccap = 0;
        if (as || (cur(p)->kind == SM_TK_IDENT && !sm_lex_is_clause_word(cur(p)->str) &&
                   !is_kw(p, "lateral"))) {
            do {
                char *c;
                SM_TRY(sq_ident(p, &c));
                SQ_PUSH(p, lv.cols, lv.ncols, ccap, c);
            } while (op(p, ","));
        }
        SQ_PUSH(p, s->laterals, s->nlaterals, lcap, lv);
    }
    if (kw(p, "where")) SM_TRY(sm_ps_expr(p, &s->where));
    if (sm_tok_kw(cur(p), "group") && sm_tok_kw(peek(p, 1), "by")) {
        adv(p);
        adv(p);
        SM_TRY(sq_group_by(p, s));
    }
    if (kw(p, "having")) SM_TRY(sm_ps_expr(p, &s->having));
    if (kw(p, "window")) SM_TRY(sq_windows(p, s));
    if (is_kw(p, "qualify")) return unsupported(p, cur(p)->pos, "QUALIFY");
    q->end = prev_end(p);
    *out = q;
    return SM_OK;
}

/* ---- queries ---------------------------------------------------------------------- */

static int sq_query_primary(parser *p, sql_query **out) {
    sm_token *t = cur(p);
    SM_TRY(sm_ps_enter(p));
    if (sm_tok_kw(t, "select")) {
        SM_TRY(sq_select(p, out));
    } else if (sm_tok_kw(t, "values")) {
        SM_TRY(sq_values(p, out));
        if (sm_tok_is_name(cur(p)) && (is_kw(p, "as") || !sq_alias_stop(cur(p)))) {
            /* VALUES ... AS t(a, b) as a query: SELECT * FROM (VALUES ...) t(a, b) */
            sql_relation *r = sq_alloc(p, sizeof *r);
            if (!r) return SM_NOMEM;
            r->kind = SQL_REL_VALUES;
            r->query = *out;
            r->pos = (*out)->pos;
            SM_TRY(sq_table_alias(p, r));
            SM_TRY(sq_wrap(p, *out, out));
            (*out)->select->from = r;
            (*out)->end = r->end;
        }
    } else if (sm_tok_kw(t, "table") && sm_tok_is_name(peek(p, 1))) {
        adv(p);
        sql_query *q = sq_new_query(p, SQL_Q_TABLE, t->pos);
        if (!q) return SM_NOMEM;
        SM_TRY(sq_name(p, &q->table));
        q->end = prev_end(p);
        *out = q;
    } else if (sm_tok_op(t, "(")) {
        adv(p);
        SM_TRY(sq_query(p, out));
        SM_TRY(expect_op(p, ")"));
    } else if (sm_tok_kw(t, "from")) {
        return unsupported(p, t->pos, "The FROM-first query form (FROM t SELECT ...)");
    } else {
        return syntax(p);
    }
    p->depth--;
    return SM_OK;
}

static int sq_setop_node(parser *p, sql_setop_kind k, bool all, sql_query *l, sql_query *r,
                         sql_query **out) {
    sql_query *q = sq_new_query(p, SQL_Q_SETOP, l->pos);
    if (!q) return SM_NOMEM;
    q->setop = k;
    q->setop_all = all;
    q->left = l;
    q->right = r;
    q->end = r->end;
    *out = q;
    return SM_OK;
}

/* ALL → true; DISTINCT or nothing → false */
static bool sq_quantifier(parser *p) {
    if (kw(p, "all")) return true;
    kw(p, "distinct");
    return false;
}

/* A chain of set operations: read flat, then built twice — with INTERSECT
 * binding tighter (Spark's default) and, when the chain mixes INTERSECT with
 * UNION / EXCEPT, left to right as well (q->legacy, for
 * spark.sql.legacy.setopsPrecedence.enabled). */
static int sq_setops(parser *p, sql_query **out) {
    enum { MAXCHAIN = 256 };
    sql_query *opd[MAXCHAIN];
    sql_setop_kind kind[MAXCHAIN];
    bool all[MAXCHAIN];
    int n = 0;
    bool has_inter = false, has_other = false;
    SM_TRY(sq_query_primary(p, &opd[n++]));
    for (;;) {
        sql_setop_kind k;
        if (kw(p, "union")) k = SQL_SET_UNION;
        else if (kw(p, "except") || kw(p, "minus")) k = SQL_SET_EXCEPT;
        else if (kw(p, "intersect")) k = SQL_SET_INTERSECT;
        else break;
        if (n == MAXCHAIN) return syntax(p);
        kind[n] = k;
        all[n] = sq_quantifier(p);
        if (k == SQL_SET_INTERSECT) has_inter = true;
        else has_other = true;
        SM_TRY(sq_query_primary(p, &opd[n++]));
    }
    /* precedence: runs of INTERSECT first, then the rest left to right */
    sql_query *l = NULL, *run = opd[0];
    sql_setop_kind pend = SQL_SET_UNION;
    bool pend_all = false;
    for (int i = 1; i <= n; i++) {
        if (i < n && kind[i] == SQL_SET_INTERSECT) {
            SM_TRY(sq_setop_node(p, SQL_SET_INTERSECT, all[i], run, opd[i], &run));
            continue;
        }
        if (!l) l = run;
        else SM_TRY(sq_setop_node(p, pend, pend_all, l, run, &l));
        if (i < n) {
            pend = kind[i];
            pend_all = all[i];
            run = opd[i];
        }
    }
    if (has_inter && has_other) {
        sql_query *lg = opd[0];
        for (int i = 1; i < n; i++) SM_TRY(sq_setop_node(p, kind[i], all[i], lg, opd[i], &lg));
        l->legacy = lg;
    }
    *out = l;
    return SM_OK;
}

static int sq_sort_list(parser *p, sm_sort_key **out, int *count) {
    int cap = 0, n = 0;
    sm_sort_key *keys = NULL;
    do {
        sm_sort_key k;
        SM_TRY(sm_ps_sort_item(p, &k));
        SQ_PUSH(p, keys, n, cap, k);
    } while (op(p, ","));
    *out = keys;
    *count = n;
    return SM_OK;
}

static bool sq_clause(parser *p, const char *w) {
    return sm_tok_kw(cur(p), w) && sm_tok_kw(peek(p, 1), "by");
}

/* ORDER BY / SORT BY / CLUSTER BY / DISTRIBUTE BY, WINDOW, LIMIT, OFFSET */
static int sq_organization(parser *p, sql_query **qp) {
    sql_query *q = *qp;
    bool any = sq_clause(p, "order") || sq_clause(p, "sort") || sq_clause(p, "cluster") ||
               sq_clause(p, "distribute") || is_kw(p, "limit") || is_kw(p, "offset") ||
               is_kw(p, "window");
    if (!any) return SM_OK;
    if (q->norder || q->limit || q->offset || q->kind != SQL_Q_SELECT) {
        /* a set operation keeps its order on the node itself */
        if (q->norder || q->limit || q->offset) SM_TRY(sq_wrap(p, q, &q));
    }
    sm_sort_key *order = NULL;
    int norder = 0;
    if (sq_clause(p, "order") || sq_clause(p, "sort")) {
        adv(p);
        adv(p);
        SM_TRY(sq_sort_list(p, &order, &norder));
    } else if (sq_clause(p, "cluster")) {
        adv(p);
        adv(p);
        sm_expr **es;
        int n;
        int cap = 0;
        es = NULL;
        n = 0;
        do {
            sm_expr *e;
            SM_TRY(sm_ps_expr(p, &e));
            SQ_PUSH(p, es, n, cap, e);
        } while (op(p, ","));
        order = sq_alloc(p, (size_t)n * sizeof *order);
        if (!order) return SM_NOMEM;
        for (int k = 0; k < n; k++) order[k] = (sm_sort_key){es[k], false, true};
        norder = n;
    } else if (sq_clause(p, "distribute")) {
        adv(p);
        adv(p);
        do {
            sm_expr *e;
            SM_TRY(sm_ps_expr(p, &e));
        } while (op(p, ","));
        if (sq_clause(p, "sort")) {
            adv(p);
            adv(p);
            SM_TRY(sq_sort_list(p, &order, &norder));
        }
    }
    q->order = order;
    q->norder = norder;
    if (kw(p, "window")) {
        if (q->kind != SQL_Q_SELECT) return unsupported(p, prev_end(p), "WINDOW after a set operation");
        SM_TRY(sq_windows(p, q->select));
    }
    if (kw(p, "limit")) {
        if (!kw(p, "all")) SM_TRY(sm_ps_expr(p, &q->limit));
    }
    if (kw(p, "offset")) SM_TRY(sm_ps_expr(p, &q->offset));
    q->end = prev_end(p);
    *qp = q;
    return SM_OK;
}

static int sq_ctes(parser *p, sql_cte **out, int *count) {
    /* WITH already consumed */
    if (is_kw(p, "recursive")) return unsupported(p, cur(p)->pos, "WITH RECURSIVE");
    sql_cte *ctes = NULL;
    int n = 0, cap = 0;
    do {
        sql_cte c = {0};
        SM_TRY(sq_ident(p, &c.name));
        if (sm_tok_op(cur(p), "(") && !sm_ps_starts_query(p, 1))
            SM_TRY(sq_ident_list(p, &c.col_aliases, &c.ncol_aliases));
        kw(p, "as");
        SM_TRY(expect_op(p, "("));
        SM_TRY(sq_query(p, &c.query));
        SM_TRY(expect_op(p, ")"));
        SQ_PUSH(p, ctes, n, cap, c);
    } while (op(p, ","));
    *out = ctes;
    *count = n;
    return SM_OK;
}

static int sq_query(parser *p, sql_query **out) {
    int pos = cur(p)->pos;
    SM_TRY(sm_ps_enter(p));
    sql_cte *ctes = NULL;
    int nctes = 0;
    if (kw(p, "with")) SM_TRY(sq_ctes(p, &ctes, &nctes));
    sql_query *q;
    SM_TRY(sq_setops(p, &q));
    SM_TRY(sq_organization(p, &q));
    if (nctes) {
        if (q->nctes) SM_TRY(sq_wrap(p, q, &q));
        q->ctes = ctes;
        q->nctes = nctes;
        q->pos = pos;
    }
    p->depth--;
    *out = q;
    return SM_OK;
}

/* The expression parser's hook for subqueries. */
static int sq_query_hook(sm_parser *p, void **out) {
    sql_query *q;
    SM_TRY(sq_query(p, &q));
    *out = q;
    return SM_OK;
}

/* ---- statements -------------------------------------------------------------------- */

/* OPTIONS ( key [=] value, ... ) into a NULL-terminated key/value array. */
static int sq_properties(parser *p, char ***out, int *npairs) {
    SM_TRY(expect_op(p, "("));
    char **kv = NULL;
    int n = 0, cap = 0;
    if (!sm_tok_op(cur(p), ")")) {
        do {
            char *key;
            if (cur(p)->kind == SM_TK_STRING) {
                SM_TRY(sq_string(p, &key));
            } else {
                int kpos = cur(p)->pos, ki = p->i;
                SM_TRY(sq_ident(p, &key));
                while (sm_tok_op(cur(p), ".") && sm_tok_is_name(peek(p, 1))) {
                    adv(p);
                    adv(p);
                }
                if (p->i - ki > 1) {
                    key = sm_arena_strndup(p->a, p->text + kpos, (size_t)(prev_end(p) - kpos));
                    if (!key) return SM_NOMEM;
                    /* drop backquotes of quoted parts */
                    char *w = key;
                    for (char *r = key; *r; r++)
                        if (*r != '`') *w++ = *r;
                    *w = 0;
                }
            }
            op(p, "=");
            char *val = NULL;
            sm_token *v = cur(p);
            if (v->kind == SM_TK_STRING) {
                SM_TRY(sq_string(p, &val));
            } else if (v->kind == SM_TK_NUMBER ||
                       (sm_tok_op(v, "-") && peek(p, 1)->kind == SM_TK_NUMBER)) {
                int vpos = v->pos;
                if (sm_tok_op(v, "-")) adv(p);
                adv(p);
                val = sm_arena_strndup(p->a, p->text + vpos, (size_t)(prev_end(p) - vpos));
                if (!val) return SM_NOMEM;
            } else if (sm_tok_kw(v, "true") || sm_tok_kw(v, "false")) {
                val = sq_lower(p, v->str);
                if (!val) return SM_NOMEM;
                adv(p);
            } else if (sm_tok_is_name(v)) {
                val = v->str;
                adv(p);
            } else if (sm_tok_op(v, ",") || sm_tok_op(v, ")")) {
                val = NULL; /* a key without a value */
            } else {
                return syntax(p);
            }
            SQ_PUSH(p, kv, n, cap, key);
            SQ_PUSH(p, kv, n, cap, val);
        } while (op(p, ","));
    }
    SM_TRY(expect_op(p, ")"));
    SQ_PUSH(p, kv, n, cap, NULL);
    *out = kv;
    *npairs = (n - 1) / 2;
    return SM_OK;
}

/* (name type [NOT NULL] [COMMENT 'c'] [DEFAULT e], ...) — names only when
 * !typed (view column lists). */
static int sq_columns(parser *p, bool typed, sql_column_def **out, int *count) {
    SM_TRY(expect_op(p, "("));
    sql_column_def *cols = NULL;
    int n = 0, cap = 0;
    do {
        sql_column_def c = {0};
        SM_TRY(sq_ident(p, &c.name));
        if (typed) {
            op(p, ":");
            SM_TRY(sm_ps_type(p, &c.type, &c.precision, &c.scale));
            c.dt = p->type_dt;
        }
        for (;;) {
            if (sm_tok_kw(cur(p), "not") && sm_tok_kw(peek(p, 1), "null")) {
                adv(p);
                adv(p);
                c.not_null = true;
            } else if (kw(p, "comment")) {
                SM_TRY(sq_string(p, &c.comment));
            } else if (kw(p, "default")) {
                sm_expr *e;
                SM_TRY(sm_ps_expr(p, &e));
            } else {
                break;
            }
        }
        SQ_PUSH(p, cols, n, cap, c);
    } while (op(p, ","));
    SM_TRY(expect_op(p, ")"));
    *out = cols;
    *count = n;
    return SM_OK;
}

static bool sq_if_not_exists(parser *p) {
    if (sm_tok_kw(cur(p), "if") && sm_tok_kw(peek(p, 1), "not") && sm_tok_kw(peek(p, 2), "exists")) {
        adv(p);
        adv(p);
        adv(p);
        return true;
    }
    return false;
}

static bool sq_if_exists(parser *p) {
    if (sm_tok_kw(cur(p), "if") && sm_tok_kw(peek(p, 1), "exists")) {
        adv(p);
        adv(p);
        return true;
    }
    return false;
}

static bool sq_starts_query_here(parser *p) {
    sm_token *t = cur(p);
    if (sm_tok_op(t, "(")) return sm_ps_starts_query(p, 1);
    return sm_tok_kw(t, "select") || sm_tok_kw(t, "with") || sm_tok_kw(t, "values") ||
           (sm_tok_kw(t, "table") && sm_tok_is_name(peek(p, 1)));
}

/* CREATE TABLE / VIEW clauses: USING, OPTIONS, PARTITIONED BY, LOCATION,
 * COMMENT, TBLPROPERTIES, STORED AS, in any order. */
static int sq_create_clauses(parser *p, sql_stmt *st) {
    for (;;) {
        if (kw(p, "using")) {
            char *f = NULL;
            SM_TRY(sq_ident(p, &f));
            st->format = sq_lower(p, f);
            if (!st->format) return SM_NOMEM;
        } else if (sm_tok_kw(cur(p), "stored") && sm_tok_kw(peek(p, 1), "as")) {
            adv(p);
            adv(p);
            char *f = NULL;
            SM_TRY(sq_ident(p, &f));
            st->format = sq_lower(p, f);
            if (!st->format) return SM_NOMEM;
        } else if (kw(p, "options")) {
            SM_TRY(sq_properties(p, &st->options, &st->noptions));
        } else if (sm_tok_kw(cur(p), "partitioned") && sm_tok_kw(peek(p, 1), "by")) {
            adv(p);
            adv(p);
            SM_TRY(sq_ident_list(p, &st->partition_cols, &st->npartition));
        } else if (kw(p, "location")) {
            SM_TRY(sq_string(p, &st->location));
        } else if (kw(p, "comment")) {
            SM_TRY(sq_string(p, &st->comment));
        } else if (kw(p, "tblproperties")) {
            char **ignored;
            int n;
            SM_TRY(sq_properties(p, &ignored, &n));
        } else if ((sm_tok_kw(cur(p), "clustered") || sm_tok_kw(cur(p), "row")) &&
                   sm_tok_kw(peek(p, 1), sm_tok_kw(cur(p), "row") ? "format" : "by")) {
            return unsupported(p, cur(p)->pos, sm_tok_kw(cur(p), "row") ? "ROW FORMAT" : "CLUSTERED BY");
        } else {
            return SM_OK;
        }
    }
}

static int sq_create(parser *p, sql_stmt *st) {
    int start = cur(p)->pos;
    adv(p); /* CREATE */
    if (sm_tok_kw(cur(p), "or") && sm_tok_kw(peek(p, 1), "replace")) {
        adv(p);
        adv(p);
        st->or_replace = true;
    }
    if (kw(p, "global")) st->global = true;
    if (kw(p, "temporary") || kw(p, "temp")) st->temporary = true;
    kw(p, "external");
    if (kw(p, "view")) {
        st->kind = SQL_STMT_CREATE_VIEW;
        st->if_not_exists = sq_if_not_exists(p);
        SM_TRY(sq_name(p, &st->target));
        if (sm_tok_op(cur(p), "(") && !sm_ps_starts_query(p, 1)) {
            /* (a, b) names only; (a INT, ...) typed for ... USING */
            bool typed = sm_tok_is_name(peek(p, 2)) && !sm_tok_kw(peek(p, 2), "comment");
            SM_TRY(sq_columns(p, typed, &st->columns, &st->ncolumns));
        }
        SM_TRY(sq_create_clauses(p, st));
        if (st->format && !kw(p, "as")) return SM_OK; /* ... USING fmt OPTIONS (...) */
        if (!st->format) SM_TRY(expect_kw(p, "as"));
        return sq_query(p, &st->query);
    }
    if (kw(p, "table")) {
        st->kind = SQL_STMT_CREATE_TABLE;
        st->if_not_exists = sq_if_not_exists(p);
        SM_TRY(sq_name(p, &st->target));
        if (is_kw(p, "like")) return unsupported(p, cur(p)->pos, "CREATE TABLE ... LIKE");
        if (sm_tok_op(cur(p), "(") && !sm_ps_starts_query(p, 1))
            SM_TRY(sq_columns(p, true, &st->columns, &st->ncolumns));
        SM_TRY(sq_create_clauses(p, st));
        bool as = kw(p, "as");
        if (as || sq_starts_query_here(p)) SM_TRY(sq_query(p, &st->query));
        return SM_OK;
    }
    if (kw(p, "database") || kw(p, "schema") || kw(p, "namespace")) {
        st->kind = SQL_STMT_CREATE_DATABASE;
        st->if_not_exists = sq_if_not_exists(p);
        SM_TRY(sq_name(p, &st->target));
        for (;;) {
            if (kw(p, "comment")) SM_TRY(sq_string(p, &st->comment));
            else if (kw(p, "location")) SM_TRY(sq_string(p, &st->location));
            else if (sm_tok_kw(cur(p), "with") &&
                     (sm_tok_kw(peek(p, 1), "dbproperties") || sm_tok_kw(peek(p, 1), "properties"))) {
                adv(p);
                adv(p);
                char **ignored;
                int n;
                SM_TRY(sq_properties(p, &ignored, &n));
            } else
                break;
        }
        return SM_OK;
    }
    if (is_kw(p, "function")) return unsupported(p, start, "CREATE FUNCTION");
    return syntax(p);
}

static int sq_insert(parser *p, sql_stmt *st) {
    adv(p); /* INSERT */
    if (kw(p, "overwrite")) {
        st->overwrite = true;
        bool local = kw(p, "local");
        if (kw(p, "directory")) {
            st->kind = SQL_STMT_INSERT_DIRECTORY;
            if (local) return unsupported(p, prev_end(p), "INSERT OVERWRITE LOCAL DIRECTORY");
            if (cur(p)->kind == SM_TK_STRING) SM_TRY(sq_string(p, &st->path));
            if (sm_tok_kw(cur(p), "row") || sm_tok_kw(cur(p), "stored"))
                return unsupported(p, cur(p)->pos, "Hive-format INSERT OVERWRITE DIRECTORY");
            SM_TRY(expect_kw(p, "using"));
            char *f = NULL;
            SM_TRY(sq_ident(p, &f));
            st->format = sq_lower(p, f);
            if (!st->format) return SM_NOMEM;
            if (kw(p, "options")) SM_TRY(sq_properties(p, &st->options, &st->noptions));
            return sq_query(p, &st->query);
        }
        if (local) return syntax(p);
    } else {
        SM_TRY(expect_kw(p, "into"));
    }
    st->kind = SQL_STMT_INSERT;
    kw(p, "table");
    SM_TRY(sq_name(p, &st->target));
    if (kw(p, "partition")) {
        /* PARTITION (p1 = 'v', p2): static values kept as their SQL text */
        SM_TRY(expect_op(p, "("));
        int cap = 8;
        st->insert_part = sq_alloc(p, sizeof(char *) * (size_t)cap);
        st->insert_part_val = sq_alloc(p, sizeof(char *) * (size_t)cap);
        if (!st->insert_part || !st->insert_part_val) return SM_NOMEM;
        do {
            if (st->ninsert_part == cap) return unsupported(p, cur(p)->pos, "more than 8 partition columns");
            char *name;
            SM_TRY(sq_ident(p, &name));
            char *val = NULL;
            if (op(p, "=")) {
                int from = cur(p)->pos;
                sm_expr *e;
                SM_TRY(sm_ps_expr(p, &e));
                int to = p->tk[p->i - 1].end;
                val = sm_arena_strndup(p->a, p->text + from, (size_t)(to - from));
                if (!val) return SM_NOMEM;
            }
            st->insert_part[st->ninsert_part] = name;
            st->insert_part_val[st->ninsert_part++] = val;
        } while (op(p, ","));
        SM_TRY(expect_op(p, ")"));
    }
    if (sm_tok_op(cur(p), "(") && !sm_ps_starts_query(p, 1))
        SM_TRY(sq_ident_list(p, &st->insert_cols, &st->ninsert_cols));
    return sq_query(p, &st->query);
}

static int sq_drop(parser *p, sql_stmt *st) {
    int start = cur(p)->pos;
    adv(p); /* DROP */
    if (kw(p, "table")) st->kind = SQL_STMT_DROP_TABLE;
    else if (kw(p, "view")) st->kind = SQL_STMT_DROP_VIEW;
    else if (kw(p, "database") || kw(p, "schema") || kw(p, "namespace")) st->kind = SQL_STMT_DROP_DATABASE;
    else if (is_kw(p, "function") || is_kw(p, "temporary")) return unsupported(p, start, "DROP FUNCTION");
    else return syntax(p);
    st->if_exists = sq_if_exists(p);
    SM_TRY(sq_name(p, &st->target));
    if (st->kind == SQL_STMT_DROP_DATABASE) {
        if (kw(p, "cascade")) st->cascade = true;
        else kw(p, "restrict");
    } else if (st->kind == SQL_STMT_DROP_TABLE) {
        kw(p, "purge");
    }
    return SM_OK;
}

/* [LIKE] 'pattern' */
static int sq_like_pattern(parser *p, sql_stmt *st) {
    bool like = kw(p, "like");
    if (cur(p)->kind == SM_TK_STRING) return sq_string(p, &st->pattern);
    if (like) return syntax(p);
    return SM_OK;
}

static int sq_show(parser *p, sql_stmt *st) {
    int start = cur(p)->pos;
    adv(p); /* SHOW */
    if (kw(p, "databases") || kw(p, "schemas") || kw(p, "namespaces")) {
        st->kind = SQL_STMT_SHOW_DATABASES;
        if (kw(p, "from") || kw(p, "in")) SM_TRY(sq_name(p, &st->in_db));
        return sq_like_pattern(p, st);
    }
    if (kw(p, "tables") || kw(p, "views")) {
        st->kind = sm_tok_kw(&p->tk[p->i - 1], "tables") ? SQL_STMT_SHOW_TABLES : SQL_STMT_SHOW_VIEWS;
        if (kw(p, "from") || kw(p, "in")) SM_TRY(sq_name(p, &st->in_db));
        return sq_like_pattern(p, st);
    }
    if (kw(p, "columns")) {
        st->kind = SQL_STMT_SHOW_COLUMNS;
        if (!kw(p, "from") && !kw(p, "in")) return syntax(p);
        SM_TRY(sq_name(p, &st->target));
        if (kw(p, "from") || kw(p, "in")) SM_TRY(sq_name(p, &st->in_db));
        return SM_OK;
    }
    if (kw(p, "user") || kw(p, "system") || kw(p, "all") || is_kw(p, "functions")) {
        SM_TRY(expect_kw(p, "functions"));
        st->kind = SQL_STMT_SHOW_FUNCTIONS;
        if (kw(p, "from") || kw(p, "in")) SM_TRY(sq_name(p, &st->in_db));
        bool like = kw(p, "like");
        if (cur(p)->kind == SM_TK_STRING) return sq_string(p, &st->pattern);
        if (sm_tok_is_name(cur(p))) {
            sql_name n;
            SM_TRY(sq_name(p, &n));
            st->pattern = n.name;
            return SM_OK;
        }
        return like ? syntax(p) : SM_OK;
    }
    if (kw(p, "create")) {
        SM_TRY(expect_kw(p, "table"));
        st->kind = SQL_STMT_SHOW_CREATE_TABLE;
        SM_TRY(sq_name(p, &st->target));
        if (kw(p, "as")) SM_TRY(expect_kw(p, "serde"));
        return SM_OK;
    }
    if (kw(p, "partitions")) {
        st->kind = SQL_STMT_SHOW_PARTITIONS;
        return sq_name(p, &st->target);
    }
    if (is_kw(p, "tblproperties") || is_kw(p, "table") ||
        is_kw(p, "current") || is_kw(p, "catalogs"))
        return unsupported(p, start, "This SHOW statement");
    return syntax(p);
}

static int sq_describe(parser *p, sql_stmt *st) {
    int start = cur(p)->pos;
    adv(p); /* DESC / DESCRIBE */
    if (is_kw(p, "function")) return unsupported(p, start, "DESCRIBE FUNCTION");
    if ((is_kw(p, "database") || is_kw(p, "schema") || is_kw(p, "namespace")) &&
        sm_tok_is_name(peek(p, 1))) {
        adv(p);
        st->kind = SQL_STMT_DESCRIBE_DATABASE;
        if (kw(p, "extended")) st->extended = true;
        return sq_name(p, &st->target);
    }
    if (kw(p, "query")) {
        st->kind = SQL_STMT_DESCRIBE_QUERY;
        return sq_query(p, &st->query);
    }
    if (!is_kw(p, "table") && sq_starts_query_here(p)) {
        st->kind = SQL_STMT_DESCRIBE_QUERY;
        return sq_query(p, &st->query);
    }
    st->kind = SQL_STMT_DESCRIBE_TABLE;
    kw(p, "table");
    if ((is_kw(p, "extended") || is_kw(p, "formatted")) && sm_tok_is_name(peek(p, 1))) {
        if (is_kw(p, "extended")) st->extended = true;
        else st->formatted = true;
        adv(p);
    }
    SM_TRY(sq_name(p, &st->target));
    if (is_kw(p, "partition")) return unsupported(p, cur(p)->pos, "DESCRIBE ... PARTITION");
    if (sm_tok_is_name(cur(p))) return unsupported(p, cur(p)->pos, "DESCRIBE of a single column");
    return SM_OK;
}

/* The end of the statement's raw text: the first ';' token at or after the
 * current one (or the end). */
static int sq_raw_end(parser *p, int *tok_index) {
    int j = p->i;
    while (p->tk[j].kind != SM_TK_EOF && !sm_tok_op(&p->tk[j], ";")) j++;
    *tok_index = j;
    return p->tk[j].pos;
}

static char *sq_trim_dup(parser *p, int b, int e) {
    while (b < e && strchr(" \t\r\n\f\v", p->text[b])) b++;
    while (e > b && strchr(" \t\r\n\f\v", p->text[e - 1])) e--;
    return sm_arena_strndup(p->a, p->text + b, (size_t)(e - b));
}

static bool sq_is_key(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':' || c == '\\'))
            return false;
    }
    return true;
}

static int sq_invalid_set(parser *p, int pos) {
    return sm_ps_error(p, SM_PARSE, pos,
                       "[INVALID_SET_SYNTAX] Expected format is 'SET', 'SET key', or 'SET "
                       "key=value'. If you want to include special characters in key, or include "
                       "semicolon in value, please use backquotes, e.g., SET `key`=`value`.");
}

/* A backquoted `x` loses its quotes. */
static char *sq_unquote(parser *p, char *s) {
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '`' && s[n - 1] == '`') return sm_arena_strndup(p->a, s + 1, n - 2);
    return s;
}

static int sq_set_stmt(parser *p, sql_stmt *st) {
    sm_token *set = cur(p);
    adv(p);
    st->kind = SQL_STMT_SET;
    if (sm_tok_kw(cur(p), "time") && sm_tok_kw(peek(p, 1), "zone")) {
        adv(p);
        adv(p);
        st->key = "spark.sql.session.timeZone";
        if (kw(p, "local")) st->value = "LOCAL";
        else if (cur(p)->kind == SM_TK_STRING) SM_TRY(sq_string(p, &st->value));
        else return unsupported(p, cur(p)->pos, "SET TIME ZONE with an interval");
        return SM_OK;
    }
    int endtok;
    int end = sq_raw_end(p, &endtok);
    char *raw = sq_trim_dup(p, set->end, end);
    if (!raw) return SM_NOMEM;
    p->i = endtok;
    if (!*raw) return SM_OK; /* SET: list */
    if (strcmp(raw, "-v") == 0) {
        st->set_verbose = true;
        return SM_OK;
    }
    char *eq = NULL;
    if (raw[0] == '`') { /* SET `key` [= value] */
        char *close = strchr(raw + 1, '`');
        if (!close) return sq_invalid_set(p, set->pos);
        st->key = sm_arena_strndup(p->a, raw + 1, (size_t)(close - raw - 1));
        if (!st->key) return SM_NOMEM;
        char *rest = close + 1;
        while (*rest == ' ' || *rest == '\t' || *rest == '\n' || *rest == '\r') rest++;
        if (!*rest) return SM_OK;
        if (*rest != '=') return sq_invalid_set(p, set->pos);
        eq = rest;
    } else {
        eq = strchr(raw, '=');
        size_t klen = eq ? (size_t)(eq - raw) : strlen(raw);
        while (klen > 0 && strchr(" \t\r\n", raw[klen - 1])) klen--;
        if (!sq_is_key(raw, klen)) return sq_invalid_set(p, set->pos);
        st->key = sm_arena_strndup(p->a, raw, klen);
        if (!st->key) return SM_NOMEM;
        if (!eq) return SM_OK;
    }
    char *v = eq + 1;
    while (*v && strchr(" \t\r\n", *v)) v++;
    st->value = sq_unquote(p, v);
    return st->value ? SM_OK : SM_NOMEM;
}

static int sq_reset(parser *p, sql_stmt *st) {
    sm_token *rs = cur(p);
    adv(p);
    st->kind = SQL_STMT_RESET;
    int endtok;
    int end = sq_raw_end(p, &endtok);
    char *raw = sq_trim_dup(p, rs->end, end);
    if (!raw) return SM_NOMEM;
    p->i = endtok;
    if (*raw) {
        st->key = sq_unquote(p, raw);
        if (!st->key) return SM_NOMEM;
    }
    return SM_OK;
}

static int sq_statement(parser *p, sql_stmt **out) {
    sm_token *t = cur(p);
    sql_stmt *st = sq_alloc(p, sizeof *st);
    if (!st) return SM_NOMEM;
    st->pos = t->pos;
    SM_TRY(sm_ps_enter(p));
    if (sq_starts_query_here(p)) {
        st->kind = SQL_STMT_QUERY;
        SM_TRY(sq_query(p, &st->query));
    } else if (sm_tok_kw(t, "create")) {
        SM_TRY(sq_create(p, st));
    } else if (sm_tok_kw(t, "insert")) {
        SM_TRY(sq_insert(p, st));
    } else if (sm_tok_kw(t, "drop")) {
        SM_TRY(sq_drop(p, st));
    } else if (sm_tok_kw(t, "show")) {
        SM_TRY(sq_show(p, st));
    } else if (sm_tok_kw(t, "describe") || sm_tok_kw(t, "desc")) {
        SM_TRY(sq_describe(p, st));
    } else if (sm_tok_kw(t, "explain")) {
        adv(p);
        st->kind = SQL_STMT_EXPLAIN;
        if (kw(p, "extended")) st->extended = true;
        else if (kw(p, "formatted")) st->formatted = true;
        else if (kw(p, "codegen")) st->codegen = true;
        else if (kw(p, "cost")) st->cost = true;
        else if (kw(p, "analyze")) st->analyze = true;
        else kw(p, "logical");
        SM_TRY(sq_statement(p, &st->inner));
    } else if (sm_tok_kw(t, "set")) {
        SM_TRY(sq_set_stmt(p, st));
    } else if (sm_tok_kw(t, "reset")) {
        SM_TRY(sq_reset(p, st));
    } else if (sm_tok_kw(t, "use")) {
        adv(p);
        st->kind = SQL_STMT_USE;
        if ((is_kw(p, "database") || is_kw(p, "schema") || is_kw(p, "namespace")) &&
            sm_tok_is_name(peek(p, 1)))
            adv(p);
        SM_TRY(sq_name(p, &st->target));
    } else if (sm_tok_kw(t, "cache")) {
        adv(p);
        st->kind = SQL_STMT_CACHE_TABLE;
        if (kw(p, "lazy")) st->lazy = true;
        SM_TRY(expect_kw(p, "table"));
        SM_TRY(sq_name(p, &st->target));
        if (kw(p, "options")) SM_TRY(sq_properties(p, &st->options, &st->noptions));
        bool as = kw(p, "as");
        if (as || sq_starts_query_here(p)) SM_TRY(sq_query(p, &st->query));
    } else if (sm_tok_kw(t, "uncache")) {
        adv(p);
        st->kind = SQL_STMT_UNCACHE_TABLE;
        SM_TRY(expect_kw(p, "table"));
        st->if_exists = sq_if_exists(p);
        SM_TRY(sq_name(p, &st->target));
    } else if (sm_tok_kw(t, "clear")) {
        adv(p);
        st->kind = SQL_STMT_CLEAR_CACHE;
        SM_TRY(expect_kw(p, "cache"));
    } else if (sm_tok_kw(t, "refresh")) {
        adv(p);
        st->kind = SQL_STMT_REFRESH_TABLE;
        if (is_kw(p, "function") || cur(p)->kind == SM_TK_STRING)
            return unsupported(p, t->pos, "REFRESH of a function or path");
        kw(p, "table");
        SM_TRY(sq_name(p, &st->target));
    } else if (sm_tok_kw(t, "truncate")) {
        adv(p);
        st->kind = SQL_STMT_TRUNCATE_TABLE;
        SM_TRY(expect_kw(p, "table"));
        SM_TRY(sq_name(p, &st->target));
        if (is_kw(p, "partition")) return unsupported(p, cur(p)->pos, "TRUNCATE TABLE ... PARTITION");
    } else {
        static const char *const known[] = {"alter", "analyze", "msck", "load", "add", "list",
                                            "merge", "update", "delete", "comment", "replace",
                                            "repair", "declare", "execute", "call", "from",
                                            "map", "reduce", "rollback", "commit", "grant",
                                            "revoke", NULL};
        for (int k = 0; known[k]; k++)
            if (sm_tok_kw(t, known[k]) && peek(p, 1)->kind != SM_TK_EOF) {
                char what[64];
                snprintf(what, sizeof what, "The %s statement", t->str);
                for (char *c = what + 4; *c && *c != ' '; c++)
                    if (*c >= 'a' && *c <= 'z') *c -= 32;
                return unsupported(p, t->pos, what);
            }
        return syntax(p);
    }
    p->depth--;
    st->end = prev_end(p);
    *out = st;
    return SM_OK;
}

/* ---- entry points ---------------------------------------------------------------------- */

/* Errors found by the lexer that Spark reports before parsing. */
static int sq_lex_errors(parser *p) {
    for (int k = 0; k < p->ntk; k++) {
        sm_token *t = &p->tk[k];
        if (t->kind == SM_TK_ERROR && p->text[t->pos] == '/' && p->text[t->pos + 1] == '*')
            return sm_err(SM_PARSE,
                          "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. "
                          "Please, append */ at the end of the comment.\n== SQL ==\n%s",
                          p->text);
    }
    return SM_OK;
}

static int sq_init(parser *p, sm_arena *a, const char *text) {
    SM_TRY(sm_ps_init(p, a, text));
    p->sql = true;
    p->parse_query = sq_query_hook;
    return sq_lex_errors(p);
}

/* After a complete statement: the next token must end it.  One stray token
 * before the end is ANTLR's "extra input". */
static int sq_end_of_statement(parser *p) {
    sm_token *t = cur(p);
    if (t->kind == SM_TK_EOF || sm_tok_op(t, ";")) return SM_OK;
    sm_token *n = peek(p, 1);
    bool extra = t->kind != SM_TK_ERROR && (n->kind == SM_TK_EOF || sm_tok_op(n, ";"));
    return sm_ps_syntax(p, t, extra);
}

int sql_parse_statement(sm_arena *a, const char *text, sql_stmt **out) {
    parser p;
    SM_TRY(sq_init(&p, a, text ? text : ""));
    sql_stmt *st;
    SM_TRY(sq_statement(&p, &st));
    SM_TRY(sq_end_of_statement(&p));
    while (op(&p, ";")) {
    }
    if (cur(&p)->kind != SM_TK_EOF) return sm_ps_syntax(&p, cur(&p), cur(&p)->kind != SM_TK_ERROR);
    st->text = (char *)p.text;
    st->pos = 0;
    st->end = (int)strlen(p.text);
    *out = st;
    return SM_OK;
}

int sql_parse_script(sm_arena *a, const char *text, sql_stmt ***out, int *count) {
    if (!text) text = "";
    sm_token *tk;
    int ntk;
    SM_TRY(sm_lex(a, text, &tk, &ntk));
    sql_stmt **stmts = NULL;
    int n = 0, cap = 0;
    int seg_start = 0, first_tok = 0;
    parser dummy = {.a = a};
    for (int k = 0; k < ntk; k++) {
        bool sep = tk[k].kind == SM_TK_OP && strcmp(tk[k].str, ";") == 0;
        bool eof = tk[k].kind == SM_TK_EOF;
        /* an unclosed comment swallows the rest of the script */
        if (!sep && !eof) continue;
        if (k > first_tok) {
            int b = seg_start, e = tk[k].pos;
            while (b < e && strchr(" \t\r\n\f\v", text[b])) b++;
            while (e > b && strchr(" \t\r\n\f\v", text[e - 1])) e--;
            char *stext = sm_arena_strndup(a, text + b, (size_t)(e - b));
            if (!stext) return SM_NOMEM;
            parser p;
            SM_TRY(sq_init(&p, a, stext));
            if (p.tk[0].kind != SM_TK_EOF) {
                sql_stmt *st;
                SM_TRY(sq_statement(&p, &st));
                SM_TRY(sq_end_of_statement(&p));
                st->text = stext;
                st->pos = b;
                st->end = e;
                SQ_PUSH(&dummy, stmts, n, cap, st);
            }
        }
        seg_start = tk[k].end;
        first_tok = k + 1;
    }
    *out = stmts;
    *count = n;
    return SM_OK;
}
