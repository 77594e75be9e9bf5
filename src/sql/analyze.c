/*
 * analyze.c — the SQL query analyzer: a sql_query (ast.h) becomes a
 * DataFrame, built through the DataFrame functions (smelt.h,
 * api_internal.h) so that SQL and the DataFrame API share one logical plan,
 * as in Spark.
 *
 * A query is analyzed in this order (Spark's logical order of clauses):
 *   WITH      each CTE analyzed once, in order; later ones and the body see
 *             earlier ones (innermost WITH first); every reference shares
 *             the same plan.
 *   FROM      relations resolved CTE → temporary view → catalog table/view
 *             of the current database; files (csv.`path`); subqueries,
 *             VALUES, range(), joins.  A relation's columns carry its name
 *             or alias as qualifier (sm_df_alias).  Comma-separated
 *             relations (cross joins) are joined greedily using the WHERE
 *             conjuncts that connect them as join conditions (after
 *             factoring conjuncts common to all branches out of ORs), and
 *             WHERE conjuncts over a single relation are applied to it
 *             before the joins (TPC-H's comma joins become equi-joins).
 *             The largest relation (a rough estimate) is the probe side,
 *             the smallest connected one joins next as the build side; a
 *             projection restores FROM order.
 *   WHERE     a filter; subquery conjuncts go to sql_plan_subqueries.
 *   GROUP BY  when there are group expressions, aggregates in the select
 *             list / HAVING / ORDER BY, or a HAVING: the aggregation is
 *             built over internal key columns __k<i> and aggregate columns
 *             __a<j>; every select/HAVING/ORDER BY expression is rewritten
 *             (on the unbound tree) so that subtrees equal to a group
 *             expression (compared after binding) and aggregate calls
 *             become references to those columns; what remains must not
 *             reference input columns ([MISSING_AGGREGATION]).  GROUPING
 *             SETS / ROLLUP / CUBE put an EXPAND below the aggregation with
 *             a grouping id (__gid) as an extra key; grouping() and
 *             grouping_id() read it.
 *   HAVING    a filter over the aggregation.
 *   SELECT    one projection (sm_df_select, so window expressions take the
 *             DataFrame path); select items get Spark's names (qualifiers
 *             dropped), as aliases.
 *   ORDER BY  keys that only use select-list names bind to the output;
 *             others (input columns, aggregates) are computed as hidden
 *             columns of the projection and dropped after the sort.
 *   DISTINCT, LIMIT / OFFSET (constant expressions) last.
 *
 * Memory: everything (AST copies, DataFrames, bound trees) lives in the
 * session arena; nothing is freed here.  Single-threaded, like all analysis.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "formats/source.h"
#include "sql/analyze.h"

/* ---- small helpers ---------------------------------------------------------- */

static sm_arena *A(sql_scope *sc) { return sc->s->arena; }

/* Appends Spark's "== SQL ==" caret block for byte range [pos, end). */
static int an_fail_at(sql_scope *sc, int pos, int end, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int an_fail_at(sql_scope *sc, int pos, int end, int code, const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *t = sc->text;
    if (!t || pos < 0) return sm_err(code, "%s", msg);
    size_t tl = strlen(t);
    size_t p = (size_t)pos > tl ? tl : (size_t)pos;
    size_t ls = p, le = p;
    while (ls > 0 && t[ls - 1] != '\n') ls--;
    while (le < tl && t[le] != '\n') le++;
    size_t e = end > pos ? (size_t)end : p + 1;
    if (e > le) e = le > p ? le : p + 1;
    sm_buf b = {0};
    sm_buf_appendf(&b, "%s\n== SQL ==\n%.*s\n", msg, (int)(le - ls), t + ls);
    for (size_t i = ls; i < p; i++) sm_buf_putc(&b, t[i] == '\t' ? '\t' : ' ');
    for (size_t i = p; i < e; i++) sm_buf_putc(&b, '^');
    int rc = sm_err(code, "%s", b.data ? sm_buf_cstr(&b) : msg);
    sm_buf_free(&b);
    return rc;
}

/* A DataFrame function returned NULL: its error is already set. */
static int an_df_failed(void) {
    int c = sm_errcode();
    return c != SM_OK ? c : sm_err(SM_INTERNAL, "a DataFrame operation failed without a message");
}

static sm_column *an_col(sql_scope *sc, sm_expr *e) {
    if (!e) return NULL;
    sm_column *c = sm_arena_alloc(A(sc), sizeof *c);
    if (!c) return NULL;
    c->session = sc->s;
    c->expr = e;
    c->text = sc->text;
    return c;
}

static bool an_name_eq(sql_scope *sc, const char *a, const char *b) {
    if (!a || !b) return false;
    return sc->s->case_sensitive ? strcmp(a, b) == 0 : strcasecmp(a, b) == 0;
}

/* Hidden columns: a USING / NATURAL join keeps every qualified column of
 * both sides after its visible ones, named "t.col" literally (so t.col
 * binds to it, a plain col does not) with this qualifier; * skips them and
 * t.* expands from them, as Spark's hidden join keys. */
static const char AN_HIDDEN[] = "\001using";

static bool an_is_hidden(const sm_field *f) {
    return f->qualifier && strcmp(f->qualifier, AN_HIDDEN) == 0;
}

static bool an_has_hidden(const sm_schema *s) {
    for (int i = 0; i < s->ncols; i++)
        if (an_is_hidden(&s->fields[i])) return true;
    return false;
}

static bool an_conf_true(sql_scope *sc, const char *key) {
    const char *v = sm_session_get(sc->s, key);
    return !v || strcasecmp(v, "false") != 0;
}

/* Binds e against schema; on failure returns the status (error set). */
static int an_bind(sql_scope *sc, const sm_schema *schema, const sm_expr *e, bool allow_agg,
                   sm_expr **out) {
    sm_bind_ctx bc;
    sm_session_bind_ctx(sc->s, schema, sc->text, &bc);
    bc.allow_agg = allow_agg;
    SM_TRY(sm_expr_bind(&bc, e, out));
    return sm_session_add_bound(sc->s, *out);
}

static bool an_is_int_literal(const sm_expr *e) {
    return e && e->kind == SM_EX_LITERAL && !e->lit.is_null &&
           (e->lit.type == SM_INT || e->lit.type == SM_BIGINT);
}

static int64_t an_int_literal(const sm_expr *e) {
    return e->lit.type == SM_INT ? e->lit.v.i32 : e->lit.v.i64;
}

/* An aggregate call at this node (not a scalar function of the same name). */
static bool an_is_agg_call(const sm_expr *e) {
    return e->kind == SM_EX_CALL && e->name && sm_agg_find(e->name) && !sm_func_find(e->name);
}

/* True if e has an aggregate call outside window functions (a group
 * aggregate); sum(x) OVER (...) is a window aggregate. */
static bool an_has_group_agg(const sm_expr *e) {
    if (!e) return false;
    if (e->kind == SM_EX_WINDOW) {
        const sm_expr *fn = e->nargs ? e->args[0] : NULL;
        if (fn)
            for (int i = 0; i < fn->nargs; i++)
                if (an_has_group_agg(fn->args[i])) return true;
        if (e->window) {
            for (int i = 0; i < e->window->npartition; i++)
                if (an_has_group_agg(e->window->partition[i])) return true;
            for (int i = 0; i < e->window->norder; i++)
                if (an_has_group_agg(e->window->order[i].expr)) return true;
        }
        return false;
    }
    if (e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS) return false;
    if (an_is_agg_call(e)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (an_has_group_agg(e->args[i])) return true;
    return false;
}

static bool an_has_window(const sm_expr *e) {
    if (!e) return false;
    if (e->kind == SM_EX_WINDOW) return true;
    for (int i = 0; i < e->nargs; i++)
        if (an_has_window(e->args[i])) return true;
    return false;
}

static bool an_value_eq(const sm_value *a, const sm_value *b) {
    if (a->type != b->type || a->is_null != b->is_null) return false;
    if (a->is_null) return true;
    switch (a->type) {
    case SM_BOOLEAN: return a->v.b == b->v.b;
    case SM_INT:
    case SM_DATE: return a->v.i32 == b->v.i32;
    case SM_BIGINT:
    case SM_TIMESTAMP: return a->v.i64 == b->v.i64;
    case SM_DOUBLE: return a->v.f64 == b->v.f64;
    case SM_STRING:
        return a->v.str.len == b->v.str.len &&
               memcmp(a->v.str.ptr, b->v.str.ptr, (size_t)a->v.str.len) == 0;
    default: return memcmp(&a->v, &b->v, sizeof a->v) == 0;
    }
}

/* Structural equality of two bound trees (Spark's semanticEquals, roughly). */
static bool an_bound_eq(const sm_expr *a, const sm_expr *b) {
    if (a == b) return true;
    if (!a || !b) return false;
    if (a->kind != b->kind || a->nargs != b->nargs || a->type != b->type) return false;
    switch (a->kind) {
    case SM_EX_COLUMN:
        if (a->col_index != b->col_index) return false;
        break;
    case SM_EX_LITERAL:
        if (!an_value_eq(&a->lit, &b->lit)) return false;
        break;
    case SM_EX_CALL:
        if (!a->name || !b->name || strcasecmp(a->name, b->name) != 0) return false;
        if (a->distinct != b->distinct || a->ignore_nulls != b->ignore_nulls) return false;
        if (!an_bound_eq(a->filter, b->filter)) return false; /* sum(x) vs sum(x) FILTER (...) */
        break;
    case SM_EX_CAST:
        if (a->cast_to != b->cast_to) return false;
        break;
    case SM_EX_IN:
        if (a->negated != b->negated) return false;
        break;
    case SM_EX_CASE:
        if (a->has_operand != b->has_operand || a->has_else != b->has_else) return false;
        break;
    case SM_EX_ALIAS: break;
    default: return false; /* windows, subqueries: never merged */
    }
    for (int i = 0; i < a->nargs; i++)
        if (!an_bound_eq(a->args[i], b->args[i])) return false;
    return true;
}

/* Column name as Spark shows it: "t.a" → "a" unless the schema really has a
 * column named "t.a". */
static const char *an_unqualified(const sm_schema *sc, const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return name;
    if (sc)
        for (int i = 0; i < sc->ncols; i++)
            if (sc->fields[i].name && !an_is_hidden(&sc->fields[i]) &&
                strcasecmp(sc->fields[i].name, name) == 0)
                return name;
    return dot + 1;
}

/* Inside an expression a struct field keeps its path: "t.s.a" → "s.a" when
 * s is a column (Spark prints GetStructField as s.a); else an_unqualified. */
static const char *an_unqualified_path(const sm_schema *sc, const char *name) {
    if (sc)
        for (const char *p = name; p && *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
            const char *dot = strchr(p, '.');
            if (!dot) break;
            for (int i = 0; i < sc->ncols; i++)
                if (sc->fields[i].name && sc->fields[i].type == SM_STRUCT &&
                    strlen(sc->fields[i].name) == (size_t)(dot - p) &&
                    strncasecmp(sc->fields[i].name, p, (size_t)(dot - p)) == 0)
                    return p;
        }
    return an_unqualified(sc, name);
}

/* A copy of e with qualifiers dropped from column names (for naming). */
static sm_expr *an_strip_qualifiers(sql_scope *sc, const sm_schema *in, const sm_expr *e) {
    sm_expr *c = sm_expr_copy(A(sc), e);
    if (!c) return NULL;
    /* iterative walk with an explicit stack would be overkill: trees are small */
    sm_expr *stack[256];
    int n = 0;
    stack[n++] = c;
    while (n > 0) {
        sm_expr *x = stack[--n];
        if (x->kind == SM_EX_COLUMN && x->name) x->name = (char *)an_unqualified_path(in, x->name);
        for (int i = 0; i < x->nargs && n < 256; i++) stack[n++] = x->args[i];
    }
    return c;
}

/* Spark's output name of a select item. */
static const char *an_item_name(sql_scope *sc, const sm_schema *in, const sm_expr *e) {
    if (e->kind == SM_EX_ALIAS) return e->name;
    if (e->kind == SM_EX_COLUMN && e->name) return an_unqualified(in, e->name);
    sm_expr *c = an_strip_qualifiers(sc, in, e);
    return c ? sm_expr_sql_name(A(sc), c) : NULL;
}

static sm_expr *an_alias(sql_scope *sc, sm_expr *e, const char *name) {
    sm_expr *a = sm_expr_alias(A(sc), e, name);
    if (a) {
        a->pos = e->pos;
        a->end = e->end;
    }
    return a;
}

static sm_expr *an_column(sql_scope *sc, const char *name, const sm_expr *at) {
    sm_expr *c = sm_expr_column(A(sc), name);
    if (c) {
        c->pos = at ? at->pos : -1;
        c->end = at ? at->end : -1;
    }
    return c;
}

static bool an_is_call(const sm_expr *e, const char *name) {
    return e->kind == SM_EX_CALL && e->name && e->nargs == 2 && strcasecmp(e->name, name) == 0;
}

/* Splits a tree of binary `op` calls ("and", "or") into its operands,
 * appended in order to the growable arena list (*list, *n, *cap). */
static int an_split(sql_scope *sc, sm_expr *e, const char *op, sm_expr ***list, int *n, int *cap) {
    if (an_is_call(e, op)) {
        SM_TRY(an_split(sc, e->args[0], op, list, n, cap));
        return an_split(sc, e->args[1], op, list, n, cap);
    }
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        sm_expr **nl = sm_arena_alloc(A(sc), (size_t)nc * sizeof *nl);
        if (!nl) return SM_NOMEM;
        if (*n) memcpy(nl, *list, (size_t)*n * sizeof *nl);
        *list = nl;
        *cap = nc;
    }
    (*list)[(*n)++] = e;
    return SM_OK;
}

/* Splits a condition into its AND-ed conjuncts. */
static int an_conjuncts(sql_scope *sc, sm_expr *e, sm_expr ***list, int *n, int *cap) {
    return an_split(sc, e, "and", list, n, cap);
}

static sm_expr *an_and(sql_scope *sc, sm_expr *a, sm_expr *b) {
    if (!a) return b;
    if (!b) return a;
    sm_expr *args[2] = {a, b};
    sm_expr *e = sm_expr_call(A(sc), "and", 2, args);
    if (e) {
        e->pos = a->pos;
        e->end = b->end;
    }
    return e;
}

/* Renames every column (bound projection); names must match the count. */
static int an_rename(sql_scope *sc, sm_dataframe **df, char **names, int n, int pos, int end) {
    const sm_schema *in = (*df)->plan->schema;
    if (n != in->ncols)
        return an_fail_at(sc, pos, end, SM_ANALYSIS,
                          "[ASSIGNMENT_ARITY_MISMATCH] Number of column aliases does not match "
                          "number of columns. Number of column aliases: %d; number of columns: "
                          "%d.",
                          n, in->ncols);
    sm_expr **ex = sm_arena_alloc(A(sc), (size_t)(n ? n : 1) * sizeof *ex);
    if (!ex) return SM_NOMEM;
    for (int i = 0; i < n; i++)
        if (!(ex[i] = sm_sql_column_ref(sc->s, in, i))) return SM_NOMEM;
    sm_dataframe *r = sm_df_project_bound(*df, n, ex, (const char **)names);
    if (!r) return an_df_failed();
    *df = r;
    return SM_OK;
}

/* ---- FROM -------------------------------------------------------------------- */

static int an_relation(sql_scope *sc, const sql_relation *r, sm_dataframe **out);

static sm_dataframe *an_lookup_cte(sql_scope *sc, const char *name) {
    for (sql_cte_binding *b = sc->ctes; b; b = b->next)
        if (an_name_eq(sc, b->name, name)) return b->df;
    return NULL;
}

/* The DDL text of a catalog schema, for sm_read_csv. */
static char *an_schema_ddl(sql_scope *sc, const sm_schema *schema) {
    sm_buf b = {0};
    char *r = sm_schema_ddl(schema, false, &b) == SM_OK ? sm_arena_strdup(A(sc), b.data) : NULL;
    sm_buf_free(&b);
    return r;
}

static int an_read_format(sql_scope *sc, const char *format, const char *path,
                          const char *const *options, const char *ddl, int pos, int end,
                          sm_dataframe **out) {
    if (!format || strcasecmp(format, "csv") == 0 || strcasecmp(format, "parquet") == 0 ||
        strcasecmp(format, "json") == 0) {
        sm_dataframe *df = format && strcasecmp(format, "parquet") == 0 ? sm_read_parquet(sc->s, path, options, ddl)
                           : format && strcasecmp(format, "json") == 0  ? sm_read_json(sc->s, path, options, ddl)
                                                                        : sm_read_csv(sc->s, path, options, ddl);
        if (!df) return an_df_failed();
        *out = df;
        return SM_OK;
    }
    return an_fail_at(sc, pos, end, SM_UNSUPPORTED,
                      "[UNSUPPORTED_DATASOURCE_FOR_DIRECT_QUERY] Unsupported data source type "
                      "for direct query on files: %s. smelt reads csv, json and parquet files so far; "
                      "convert the data or query it with another engine.",
                      format);
}

/* A catalog table or view of the current (or named) database. */
static int an_catalog_relation(sql_scope *sc, const sql_name *n, bool *found, sm_dataframe **out) {
    *found = false;
    sm_catalog *cat;
    int rc = sm_session_catalog(sc->s, &cat);
    if (rc != SM_OK) return rc;
    const char *db = n->db ? n->db : (sc->s->current_db ? sc->s->current_db : "default");
    sm_table_info *t = NULL;
    rc = sm_catalog_get_table(cat, db, n->name, &t);
    if (rc == SM_NOT_FOUND) return SM_OK;
    if (rc != SM_OK) return rc;
    *found = true;
    if (t->is_view) {
        char *text = sm_arena_strdup(A(sc), t->view_sql ? t->view_sql : "");
        sql_stmt *st = NULL;
        rc = text ? sql_parse_statement(A(sc), text, &st) : SM_NOMEM;
        if (rc == SM_OK && (!st || st->kind != SQL_STMT_QUERY || !st->query))
            rc = sm_err(SM_ANALYSIS, "view `%s`.`%s`: its stored text is not a query", db,
                        n->name);
        if (rc == SM_OK) {
            sql_scope root = {.s = sc->s, .text = text};
            rc = sql_analyze_query_in(&root, st->query, out);
        }
        /* a view created with a column list stores those names */
        if (rc == SM_OK && t->schema && t->schema->ncols == (*out)->plan->schema->ncols) {
            char **names = sm_arena_alloc(A(sc), (size_t)(t->schema->ncols + 1) * sizeof *names);
            bool differ = false;
            for (int i = 0; names && i < t->schema->ncols; i++) {
                names[i] = sm_arena_strdup(A(sc), t->schema->fields[i].name);
                if (strcmp(names[i] ? names[i] : "", (*out)->plan->schema->fields[i].name) != 0)
                    differ = true;
            }
            if (!names) rc = SM_NOMEM;
            else if (differ) rc = an_rename(sc, out, names, t->schema->ncols, n->pos, n->end);
        }
    } else {
        char *ddl = t->schema && t->schema->ncols ? an_schema_ddl(sc, t->schema) : NULL;
        rc = an_read_format(sc, t->format, t->location, (const char *const *)t->options, ddl,
                            n->pos, n->end, out);
    }
    sm_table_info_free(t);
    return rc;
}

static int an_table(sql_scope *sc, const sql_name *n, sm_dataframe **out) {
    sm_dataframe *df = NULL;
    if (!n->db) df = an_lookup_cte(sc, n->name);
    if (!df && !n->db) {
        sm_plan *p = sm_session_temp_view(sc->s, n->name);
        if (p) df = sm_df_wrap(sc->s, p);
    }
    if (!df) {
        bool found;
        SM_TRY(an_catalog_relation(sc, n, &found, &df));
        if (!found) {
            char full[512];
            if (n->db) snprintf(full, sizeof full, "`%s`.`%s`", n->db, n->name);
            else snprintf(full, sizeof full, "`%s`", n->name);
            return an_fail_at(sc, n->pos, n->end, SM_ANALYSIS,
                              "[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found. "
                              "Verify the spelling and correctness of the schema and catalog.\n"
                              "If you did not qualify the name with a schema, verify the "
                              "current_schema() output, or qualify the name with the correct "
                              "schema and catalog.\nTo tolerate the error on drop use DROP VIEW "
                              "IF EXISTS or DROP TABLE IF EXISTS.",
                              full);
        }
    }
    *out = df;
    return SM_OK;
}

/* Evaluates a constant expression (LIMIT, range() arguments). */
static int an_const(sql_scope *sc, const sm_expr *e, sm_value *v) {
    sm_expr *b;
    SM_TRY(an_bind(sc, NULL, e, false, &b));
    if (!sm_expr_is_const(b))
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The expression \"%s\" is "
                          "invalid: it must be a constant.",
                          sm_expr_sql_name(A(sc), e));
    sm_eval_ctx ec = {.tz = sc->s->tz, .ansi = sc->s->ansi};
    return sm_expr_eval_const(&ec, A(sc), b, v);
}

static int an_const_int(sql_scope *sc, const sm_expr *e, const char *what, int64_t *out) {
    sm_value v;
    SM_TRY(an_const(sc, e, &v));
    const char *name = sm_expr_sql_name(A(sc), e);
    if (v.type != SM_INT && v.type != SM_BIGINT && v.type != SM_NULLTYPE)
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE] The %s like expression "
                          "\"%s\" is invalid. The %s expression must be integer type, but got "
                          "\"%s\".",
                          what, name, what, sm_type_name(v.type));
    if (v.is_null || v.type == SM_NULLTYPE)
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NULL] The %s like expression \"%s\" "
                          "is invalid. The evaluated %s expression must not be null.",
                          what, name, what);
    *out = v.type == SM_INT ? v.v.i32 : v.v.i64;
    return SM_OK;
}

static int an_range(sql_scope *sc, const sql_relation *r, sm_dataframe **out) {
    if (r->nargs < 1 || r->nargs > 4)
        return an_fail_at(sc, r->pos, r->end, SM_ANALYSIS,
                          "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `range` requires [1, 2, 3, 4] "
                          "parameters but the actual number is %d.",
                          r->nargs);
    int64_t a[3] = {0, 0, 1};
    for (int i = 0; i < r->nargs && i < 3; i++) {
        int64_t v;
        SM_TRY(an_const_int(sc, r->args[i], "range", &v));
        a[i] = v;
    }
    sm_dataframe *df = r->nargs == 1 ? sm_df_range(sc->s, 0, a[0], 1)
                                     : sm_df_range(sc->s, a[0], a[1], a[2]);
    if (!df) return an_df_failed();
    *out = df;
    return SM_OK;
}

static int an_values(sql_scope *sc, const sql_query *q, sm_dataframe **out);

/* The join type name sm_df_join takes. */
static const char *an_join_how(sql_join_kind k) {
    switch (k) {
    case SQL_JOIN_INNER: return "inner";
    case SQL_JOIN_LEFT: return "left";
    case SQL_JOIN_RIGHT: return "right";
    case SQL_JOIN_FULL: return "full";
    case SQL_JOIN_LEFT_SEMI: return "left_semi";
    case SQL_JOIN_LEFT_ANTI: return "left_anti";
    case SQL_JOIN_CROSS: return "cross";
    }
    return "inner";
}

/* Appends the hidden columns to a USING join (a PROJECT over its JOIN). */
static int an_using_hidden(sql_scope *sc, sm_dataframe **df) {
    const sm_plan *p = (*df)->plan;
    if (p->kind != SM_PLAN_PROJECT || !p->child || p->child->kind != SM_PLAN_JOIN) return SM_OK;
    const sm_schema *js = p->child->schema;
    int nv = p->nexprs, nh = 0;
    for (int c = 0; c < js->ncols; c++)
        if (js->fields[c].qualifier && !an_is_hidden(&js->fields[c])) nh++;
    if (nh == 0) return SM_OK;
    sm_expr **ex = sm_arena_alloc(A(sc), (size_t)(nv + nh) * sizeof *ex);
    const char **names = sm_arena_alloc(A(sc), (size_t)(nv + nh) * sizeof *names);
    if (!ex || !names) return SM_NOMEM;
    for (int i = 0; i < nv; i++) {
        ex[i] = p->exprs[i];
        names[i] = p->schema->fields[i].name;
    }
    int k = nv;
    for (int c = 0; c < js->ncols; c++) {
        const sm_field *f = &js->fields[c];
        if (!f->qualifier || an_is_hidden(f)) continue;
        names[k] = sm_arena_printf(A(sc), "%s.%s", f->qualifier, f->name);
        if (!names[k]) return SM_NOMEM;
        /* an earlier USING join below already keeps this one hidden */
        bool dup = false;
        for (int h = 0; h < js->ncols && !dup; h++)
            dup = an_is_hidden(&js->fields[h]) && strcasecmp(js->fields[h].name, names[k]) == 0;
        if (dup) continue;
        if (!(ex[k] = sm_sql_column_ref(sc->s, js, c))) return SM_NOMEM;
        k++;
    }
    sm_dataframe *j = sm_df_wrap(sc->s, p->child);
    sm_dataframe *r = j ? sm_df_project_bound(j, k, ex, names) : NULL;
    if (!r) return an_df_failed();
    for (int i = 0; i < nv; i++) r->plan->schema->fields[i] = p->schema->fields[i];
    for (int i = nv; i < k; i++) r->plan->schema->fields[i].qualifier = (char *)AN_HIDDEN;
    *df = r;
    return SM_OK;
}

static double an_estimate(const sm_plan *p);

static int an_join(sql_scope *sc, const sql_relation *r, sm_dataframe **out) {
    sm_dataframe *l, *rt, *df;
    SM_TRY(an_relation(sc, r->left, &l));
    SM_TRY(an_relation(sc, r->right, &rt));
    const char *how = an_join_how(r->join);
    if (r->natural || r->nusing > 0) {
        const char **cols;
        int n = 0;
        if (r->natural) {
            const sm_schema *ls = l->plan->schema, *rs = rt->plan->schema;
            cols = sm_arena_alloc(A(sc), (size_t)(ls->ncols + 1) * sizeof *cols);
            if (!cols) return SM_NOMEM;
            for (int i = 0; i < ls->ncols; i++)
                for (int j = 0; j < rs->ncols; j++)
                    if (!an_is_hidden(&ls->fields[i]) && !an_is_hidden(&rs->fields[j]) &&
                        an_name_eq(sc, ls->fields[i].name, rs->fields[j].name)) {
                        cols[n++] = ls->fields[i].name;
                        break;
                    }
        } else {
            cols = (const char **)r->using_cols;
            n = r->nusing;
        }
        if (n == 0 && r->natural) {
            df = r->join == SQL_JOIN_INNER || r->join == SQL_JOIN_CROSS
                     ? sm_df_cross_join(l, rt)
                     : sm_df_join_col(l, rt, an_col(sc, an_and(sc, NULL, NULL)), how);
            if (!df && r->join != SQL_JOIN_INNER && r->join != SQL_JOIN_CROSS) {
                /* an outer natural join without common columns: condition true */
                sm_value t = {.type = SM_BOOLEAN};
                t.v.b = true;
                df = sm_df_join_col(l, rt, an_col(sc, sm_expr_literal(A(sc), &t)), how);
            }
        } else {
            df = sm_df_join_using(l, rt, n, cols, r->join == SQL_JOIN_CROSS ? "inner" : how);
            if (df && r->join != SQL_JOIN_LEFT_SEMI && r->join != SQL_JOIN_LEFT_ANTI)
                SM_TRY(an_using_hidden(sc, &df));
        }
    } else if (r->on) {
        if (sql_has_subquery(r->on))
            return an_fail_at(sc, r->on->pos, r->on->end, SM_UNSUPPORTED,
                              "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] Subqueries in a JOIN "
                              "condition are not supported; move the condition to WHERE.");
        df = sm_df_join_col(l, rt, an_col(sc, r->on),
                            r->join == SQL_JOIN_CROSS ? "inner" : how);
        /* the hash join builds on the right: a left outer join whose left
         * input is estimated at under half its right builds on the left
         * instead: TPC-H Q13's 150 K customers rather than its 1.5 M orders
         * (an_estimate counts splits, so "half" is coarse) */
        if (df && r->join == SQL_JOIN_LEFT &&
            an_estimate(l->plan) * 2 < an_estimate(rt->plan))
            df = sm_df_join_swap_build(df);
    } else if (r->join == SQL_JOIN_INNER || r->join == SQL_JOIN_CROSS) {
        df = sm_df_cross_join(l, rt);
    } else {
        sm_value t = {.type = SM_BOOLEAN};
        t.v.b = true;
        df = sm_df_join_col(l, rt, an_col(sc, sm_expr_literal(A(sc), &t)), how);
    }
    if (!df) return an_df_failed();
    *out = df;
    return SM_OK;
}

static int an_relation(sql_scope *sc, const sql_relation *r, sm_dataframe **out) {
    sm_dataframe *df = NULL;
    const char *qual = r->alias;
    switch (r->kind) {
    case SQL_REL_TABLE:
        SM_TRY(an_table(sc, &r->table, &df));
        if (!qual) qual = r->table.name;
        break;
    case SQL_REL_FILE: {
        /* Spark reads csv.`path` with default options: no header, strings */
        SM_TRY(an_read_format(sc, r->format, r->path, NULL, NULL, r->pos, r->end, &df));
        break;
    }
    case SQL_REL_SUBQUERY: {
        sql_scope from = {.s = sc->s, .text = sc->text, .outer = sc->outer, .ctes = sc->ctes};
        SM_TRY(sql_analyze_query_in(&from, r->query, &df));
        break;
    }
    case SQL_REL_VALUES: SM_TRY(an_values(sc, r->query, &df)); break;
    case SQL_REL_JOIN: SM_TRY(an_join(sc, r, &df)); break;
    case SQL_REL_RANGE: SM_TRY(an_range(sc, r, &df)); break;
    }
    if (r->ncol_aliases > 0)
        SM_TRY(an_rename(sc, &df, r->col_aliases, r->ncol_aliases, r->pos, r->end));
    if (qual && r->kind != SQL_REL_JOIN) {
        sm_dataframe *a = sm_df_alias(df, qual);
        if (!a) return an_df_failed();
        df = a;
    }
    *out = df;
    return SM_OK;
}

/* ---- comma joins with WHERE conjuncts as join conditions ----------------------- */

static bool an_is_comma(const sql_relation *r) {
    return r->kind == SQL_REL_JOIN && r->join == SQL_JOIN_CROSS && !r->on && !r->natural &&
           r->nusing == 0 && !r->alias && r->ncol_aliases == 0;
}

static int an_flatten(const sql_relation *r, const sql_relation **leaves, int *n, int cap) {
    if (an_is_comma(r)) {
        SM_TRY(an_flatten(r->left, leaves, n, cap));
        return an_flatten(r->right, leaves, n, cap);
    }
    if (*n >= cap) return sm_err(SM_UNSUPPORTED, "more than %d relations in one FROM", cap);
    leaves[(*n)++] = r;
    return SM_OK;
}

/* Collects the column references of e (not inside subqueries). */
static void an_columns(sm_expr *e, sm_expr **cols, int *n, int cap, bool *other) {
    if (!e) return;
    if (e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS || e->kind == SM_EX_IN_SUBQUERY ||
        e->kind == SM_EX_OUTER_REF || e->kind == SM_EX_WINDOW || e->kind == SM_EX_STAR) {
        *other = true;
        return;
    }
    if (e->kind == SM_EX_COLUMN) {
        if (*n < cap) cols[(*n)++] = e;
        else *other = true;
        return;
    }
    for (int i = 0; i < e->nargs; i++) an_columns(e->args[i], cols, n, cap, other);
}

#define AN_MAX_LEAVES 64

/* Which leaves conjunct c needs (bit mask), or 0 when it cannot be placed
 * (unresolvable here, ambiguous, a subquery, an outer reference). */
static uint64_t an_conjunct_mask(sql_scope *sc, sm_dataframe **leaf, int nleaves, sm_expr *c) {
    sm_expr *cols[64];
    int n = 0;
    bool other = false;
    an_columns(c, cols, &n, 64, &other);
    if (other || sm_expr_has_agg(c)) return 0;
    uint64_t mask = 0;
    for (int i = 0; i < n; i++) {
        int found = -1;
        for (int l = 0; l < nleaves; l++) {
            sm_expr *b;
            sm_bind_ctx bc;
            sm_session_bind_ctx(sc->s, leaf[l]->plan->schema, NULL, &bc);
            if (sm_expr_bind(&bc, cols[i], &b) == SM_OK) {
                if (found >= 0) return 0; /* ambiguous: leave it to the filter */
                found = l;
            }
        }
        if (found < 0) return 0;
        mask |= (uint64_t)1 << found;
    }
    sm_err_clear();
    return mask;
}


/* (A AND B) OR (A AND C) → A AND (B OR C), as Spark's optimizer does, so a
 * join key repeated in every branch (TPC-H Q19) becomes a join condition.
 * Conjuncts compare by their generated SQL text. */
static int an_factor_or(sql_scope *sc, sm_expr *e, sm_expr **out) {
    *out = e;
    if (!an_is_call(e, "or") || sql_has_subquery(e)) return SM_OK;
    sm_expr **d = NULL;
    int nd = 0, capd = 0;
    SM_TRY(an_split(sc, e, "or", &d, &nd, &capd));
    sm_expr ***c = sm_arena_alloc(A(sc), (size_t)nd * sizeof *c);
    int *nc = sm_arena_alloc(A(sc), (size_t)nd * sizeof *nc);
    char ***names = sm_arena_alloc(A(sc), (size_t)nd * sizeof *names);
    if (!c || !nc || !names) return SM_NOMEM;
    for (int i = 0; i < nd; i++) {
        int cap = 0;
        nc[i] = 0;
        c[i] = NULL;
        SM_TRY(an_conjuncts(sc, d[i], &c[i], &nc[i], &cap));
        names[i] = sm_arena_alloc(A(sc), (size_t)nc[i] * sizeof **names);
        if (!names[i]) return SM_NOMEM;
        for (int j = 0; j < nc[i]; j++)
            if (!(names[i][j] = sm_expr_sql_name(A(sc), c[i][j]))) return SM_NOMEM;
    }
    sm_expr *common = NULL;
    bool *is_common0 = sm_arena_alloc(A(sc), (size_t)(nc[0] ? nc[0] : 1));
    if (!is_common0) return SM_NOMEM;
    for (int j = 0; j < nc[0]; j++) {
        bool all = true;
        for (int i = 1; i < nd && all; i++) {
            bool found = false;
            for (int k = 0; k < nc[i] && !found; k++) found = strcmp(names[0][j], names[i][k]) == 0;
            all = found;
        }
        is_common0[j] = all;
        if (all) common = an_and(sc, common, c[0][j]);
    }
    if (!common) return SM_OK;
    sm_expr *ors = NULL;
    bool always = false;
    for (int i = 0; i < nd && !always; i++) {
        sm_expr *rest = NULL;
        for (int k = 0; k < nc[i]; k++) {
            bool com = false;
            for (int j = 0; j < nc[0] && !com; j++)
                com = is_common0[j] && strcmp(names[0][j], names[i][k]) == 0;
            if (!com) rest = an_and(sc, rest, c[i][k]);
        }
        if (!rest) {
            always = true; /* a branch is just the common part */
            break;
        }
        if (!ors) {
            ors = rest;
        } else {
            sm_expr *args[2] = {ors, rest};
            if (!(ors = sm_expr_call(A(sc), "or", 2, args))) return SM_NOMEM;
            ors->pos = e->pos;
            ors->end = e->end;
        }
    }
    *out = always ? common : an_and(sc, common, ors);
    return *out ? SM_OK : SM_NOMEM;
}

/* A rough row-count estimate, to choose join order: the largest relation
 * probes, the smaller ones are the hash tables (the right side builds). */
static double an_estimate(const sm_plan *p) {
    if (!p) return 0;
    switch (p->kind) {
    case SM_PLAN_SCAN: return (p->source ? p->source->nsplits : 1) * 1e6;
    case SM_PLAN_VALUES: {
        double n = 0;
        for (int i = 0; i < p->nbatches; i++) n += (double)p->batches[i]->nrows;
        return n;
    }
    case SM_PLAN_FILTER: return an_estimate(p->child) / 2;
    case SM_PLAN_AGGREGATE: return an_estimate(p->child) / 10;
    case SM_PLAN_LIMIT: {
        double c = an_estimate(p->child);
        return p->limit >= 0 && (double)p->limit < c ? (double)p->limit : c;
    }
    default: break;
    }
    double m = p->child ? an_estimate(p->child) : 0;
    for (int i = 0; i < p->nchildren; i++) {
        double c = an_estimate(p->children[i]);
        if (c > m) m = c;
    }
    return m;
}

/* ---- join order from samples -------------------------------------------------------
 *
 * Without statistics, join order is chosen from a sample of each relation:
 * its first AN_SAMPLE_ROWS rows (LIMIT reads only the first split).  A
 * relation smaller than the sample is known exactly; a join column's number
 * of distinct values (NDV) is estimated from the sample — few distinct
 * values (below a tenth of the sample: c_nationkey) are taken as the true
 * NDV, many are scaled up with the relation's size (keys).  An equi-join's
 * output is then estimated as |L| * |R| / max(NDV_L, NDV_R), and the greedy
 * order joins next the relation giving the smallest estimated output, so a
 * many-to-many join on a low-cardinality column (TPC-H Q5's
 * c_nationkey = s_nationkey) comes after the key joins that shrink the
 * input.  Sampling failures fall back to the size-only estimates. */
#define AN_SAMPLE_ROWS 20000

static int an_cmp_str(const void *a, const void *b) {
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    if (!x || !y) return (x != NULL) - (y != NULL);
    return strcmp(x, y);
}

/* Distinct non-null values of `e` in the sample of `d`, and the sample's
 * row count; false when the sample could not be taken. */
static bool an_sample_ndv(sql_scope *sc, sm_dataframe *d, sm_expr *e, double *ndv,
                          double *rows) {
    sm_column *col = an_col(sc, sm_expr_copy(A(sc), e));
    sm_dataframe *smp = col ? sm_df_select(sm_df_limit(d, AN_SAMPLE_ROWS), 1, &col) : NULL;
    sm_result *r = smp ? sm_df_collect(smp) : NULL;
    if (!r) {
        sm_err_clear();
        return false;
    }
    int64_t n = sm_result_num_rows(r);
    const char **v = sm_malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v) {
        sm_result_free(r);
        sm_err_clear();
        return false;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (!sm_result_is_null(r, i, 0)) v[k++] = sm_result_get_string(r, i, 0);
    qsort(v, (size_t)k, sizeof *v, an_cmp_str);
    int64_t distinct = 0;
    for (int64_t i = 0; i < k; i++)
        if (i == 0 || an_cmp_str(&v[i], &v[i - 1]) != 0) distinct++;
    sm_free(v);
    sm_result_free(r);
    *ndv = (double)distinct;
    *rows = (double)n;
    return true;
}

typedef struct {
    int l, r;          /* relations of the two sides */
    sm_expr *le, *re;  /* the two sides */
    double lndv, rndv; /* estimated distinct values */
} an_equi;

/* A table as stored: a scan or inline rows under projections only (no
 * filter, join or aggregation that could drop some of its keys). */
static bool an_is_base(const sm_plan *p) {
    while (p && p->kind == SM_PLAN_PROJECT) p = p->child;
    return p && (p->kind == SM_PLAN_SCAN || p->kind == SM_PLAN_VALUES);
}

/* Estimated NDV of a join side from its sample, given the relation size. */
static double an_ndv_estimate(double sample_ndv, double sample_rows, double rel_rows) {
    if (sample_rows <= 0) return 1;
    if (sample_rows < AN_SAMPLE_ROWS) return sample_ndv > 0 ? sample_ndv : 1; /* exact */
    if (sample_ndv < sample_rows / 10) return sample_ndv > 0 ? sample_ndv : 1;
    return sample_ndv / sample_rows * rel_rows;
}

/* An OR over several relations implies, for each relation that every
 * branch constrains, the OR of those constraints alone:
 *   (n1.name = 'FRANCE' AND n2.name = 'GERMANY') OR (n1.name = 'GERMANY' AND n2.name = 'FRANCE')
 * implies n1.name = 'FRANCE' OR n1.name = 'GERMANY' (and the same for n2).
 * The implied conjuncts are appended (the OR itself stays, as the join
 * condition), so they filter their relation before the joins (TPC-H Q7,
 * Q19) and its size estimate sees them. */
static int an_derive_or(sql_scope *sc, sm_dataframe **df, int nl, sm_expr *e, uint64_t mask,
                        sm_expr ***conj, int *nc, int *capc) {
    if (!an_is_call(e, "or") || !mask || !(mask & (mask - 1)) || sql_has_subquery(e)) return SM_OK;
    sm_expr **d = NULL;
    int nd = 0, capd = 0;
    SM_TRY(an_split(sc, e, "or", &d, &nd, &capd));
    if (nd < 2) return SM_OK;
    for (int l = 0; l < nl; l++) {
        if (!(mask & ((uint64_t)1 << l))) continue;
        sm_expr *ors = NULL;
        bool all = true;
        for (int i = 0; i < nd && all; i++) {
            sm_expr **c = NULL;
            int ncj = 0, cap = 0;
            SM_TRY(an_conjuncts(sc, d[i], &c, &ncj, &cap));
            sm_expr *mine = NULL;
            for (int k = 0; k < ncj; k++)
                if (an_conjunct_mask(sc, df, nl, c[k]) == ((uint64_t)1 << l)) mine = an_and(sc, mine, c[k]);
            if (!mine) {
                all = false;
                break;
            }
            if (!ors) {
                ors = mine;
            } else {
                sm_expr *args[2] = {ors, mine};
                if (!(ors = sm_expr_call(A(sc), "or", 2, args))) return SM_NOMEM;
                ors->pos = e->pos;
                ors->end = e->end;
            }
        }
        if (all && ors) SM_TRY(an_split(sc, ors, "and", conj, nc, capc));
    }
    return SM_OK;
}

/* FROM a, b, c WHERE ...: *where_left is what remains for the filter. */
static int an_comma_join(sql_scope *sc, const sql_relation *from, sm_expr *where,
                         sm_dataframe **out, sm_expr **where_left) {
    const sql_relation *leaves[AN_MAX_LEAVES];
    int nl = 0;
    SM_TRY(an_flatten(from, leaves, &nl, AN_MAX_LEAVES));
    sm_dataframe *df[AN_MAX_LEAVES];
    for (int i = 0; i < nl; i++) SM_TRY(an_relation(sc, leaves[i], &df[i]));
    sm_expr **conj = NULL;
    int nc = 0, capc = 0;
    if (where) SM_TRY(an_conjuncts(sc, where, &conj, &nc, &capc));
    /* factor conjuncts common to every branch out of ORs */
    int nc0 = nc;
    for (int i = 0; i < nc0; i++) {
        sm_expr *f;
        SM_TRY(an_factor_or(sc, conj[i], &f));
        if (f != conj[i]) {
            sm_expr **parts = NULL;
            int np = 0, capp = 0;
            SM_TRY(an_conjuncts(sc, f, &parts, &np, &capp));
            conj[i] = parts[0];
            for (int k = 1; k < np; k++) {
                sm_expr *one = parts[k];
                SM_TRY(an_conjuncts(sc, one, &conj, &nc, &capc));
            }
        }
    }
    /* relations constrained in every branch of an OR get the implied filter */
    int nc1 = nc;
    for (int i = 0; i < nc1; i++)
        SM_TRY(an_derive_or(sc, df, nl, conj[i], an_conjunct_mask(sc, df, nl, conj[i]), &conj, &nc,
                            &capc));
    uint64_t *mask = sm_arena_alloc(A(sc), (size_t)(nc ? nc : 1) * sizeof *mask);
    bool *used = sm_arena_alloc(A(sc), (size_t)(nc ? nc : 1));
    if (!mask || !used) return SM_NOMEM;
    for (int i = 0; i < nc; i++) mask[i] = an_conjunct_mask(sc, df, nl, conj[i]);
    /* single-relation conjuncts filter their relation first */
    for (int i = 0; i < nc; i++) {
        if (!mask[i] || (mask[i] & (mask[i] - 1))) continue;
        int l = __builtin_ctzll(mask[i]);
        sm_dataframe *f = sm_df_filter_col(df[l], an_col(sc, conj[i]));
        if (!f) return an_df_failed();
        df[l] = f;
        used[i] = true;
    }
    /* x IN (subquery) over one relation's columns semi-joins that relation
     * before the joins (TPC-H Q18: the few orders with a large quantity),
     * when the subquery analyzes against that relation alone (it is not
     * correlated with the others).  NOT IN and EXISTS stay above the joins,
     * where the joins have usually shrunk their input. */
    for (int i = 0; i < nc; i++) {
        sm_expr *c = conj[i];
        if (used[i] || c->kind != SM_EX_IN_SUBQUERY || c->negated || c->nargs < 1 ||
            sql_has_subquery(c->args[0]))
            continue;
        uint64_t m = an_conjunct_mask(sc, df, nl, c->args[0]);
        if (!m || (m & (m - 1))) continue;
        int l = __builtin_ctzll(m);
        sm_dataframe *saved = sc->input, *nd = NULL;
        sm_expr *rest = NULL;
        sc->input = df[l];
        int rc = sql_plan_subqueries(sc, df[l], c, true, &nd, &rest);
        sc->input = saved;
        if (rc == SM_NOMEM) return rc;
        if (rc != SM_OK || !nd || rest) {
            sm_err_clear();
            continue;
        }
        df[l] = nd;
        used[i] = true;
    }
    /* greedy: start from the largest relation (it probes); then join the
     * connected relation with the smallest estimated output (it builds) */
    double est[AN_MAX_LEAVES];
    int first = 0;
    for (int i = 0; i < nl; i++) {
        est[i] = an_estimate(df[i]->plan);
        if (est[i] > est[first]) first = i;
    }
    /* equi-join conjuncts between two relations, with sampled NDVs */
    an_equi *eq = sm_arena_alloc(A(sc), (size_t)(nc ? nc : 1) * sizeof *eq);
    if (!eq) return SM_NOMEM;
    int neq = 0;
    if (nl > 2) {
        double exact[AN_MAX_LEAVES];
        for (int i = 0; i < nl; i++) exact[i] = -1;
        for (int i = 0; i < nc; i++) {
            sm_expr *c = conj[i];
            if (used[i] || c->kind != SM_EX_CALL || c->nargs != 2 || !c->name ||
                (strcmp(c->name, "=") != 0 && strcmp(c->name, "==") != 0))
                continue;
            uint64_t ma = an_conjunct_mask(sc, df, nl, c->args[0]);
            uint64_t mb = an_conjunct_mask(sc, df, nl, c->args[1]);
            if (!ma || !mb || (ma & (ma - 1)) || (mb & (mb - 1)) || ma == mb) continue;
            int l = __builtin_ctzll(ma), r = __builtin_ctzll(mb);
            double lnd, lrows, rnd, rrows;
            if (!an_sample_ndv(sc, df[l], c->args[0], &lnd, &lrows) ||
                !an_sample_ndv(sc, df[r], c->args[1], &rnd, &rrows))
                continue;
            if (lrows < AN_SAMPLE_ROWS) exact[l] = lrows;
            if (rrows < AN_SAMPLE_ROWS) exact[r] = rrows;
            eq[neq].l = l;
            eq[neq].r = r;
            eq[neq].le = c->args[0];
            eq[neq].re = c->args[1];
            eq[neq].lndv = an_ndv_estimate(lnd, lrows, exact[l] >= 0 ? exact[l] : est[l]);
            eq[neq].rndv = an_ndv_estimate(rnd, rrows, exact[r] >= 0 ? exact[r] : est[r]);
            /* a column unique in its sample over an unfiltered table is
             * taken as that table's key, and the other side as a foreign
             * key into it: its values are the key's, whatever the scaling
             * of its sample says (TPC-H Q5's l_suppkey = s_suppkey: 11 M
             * values scaled up from 20,000 lineitem rows made the 10 K
             * suppliers look selective, so Q5 joined them first and kept
             * all of lineitem; orders, filtered, is the one that shrinks) */
            if (rnd >= rrows && rrows > 0 && an_is_base(df[r]->plan) && eq[neq].lndv > eq[neq].rndv)
                eq[neq].lndv = eq[neq].rndv;
            if (lnd >= lrows && lrows > 0 && an_is_base(df[l]->plan) && eq[neq].rndv > eq[neq].lndv)
                eq[neq].rndv = eq[neq].lndv;
            neq++;
        }
        for (int i = 0; i < nl; i++)
            if (exact[i] >= 0) est[i] = exact[i] > 0 ? exact[i] : 1;
        first = 0;
        for (int i = 0; i < nl; i++)
            if (est[i] > est[first]) first = i;
    }
    uint64_t joined = (uint64_t)1 << first;
    double cur_est = est[first];
    int order[AN_MAX_LEAVES], offset[AN_MAX_LEAVES];
    order[0] = first;
    offset[0] = 0;
    sm_dataframe *cur = df[first];
    for (int k = 1; k < nl; k++) {
        int pick = -1;
        double pick_out = 0;
        for (int j = 0; j < nl; j++) {
            if (joined & ((uint64_t)1 << j)) continue;
            uint64_t with = joined | ((uint64_t)1 << j);
            bool connected = false;
            for (int i = 0; i < nc; i++)
                if (!used[i] && mask[i] && (mask[i] & ~with) == 0 &&
                    (mask[i] & ((uint64_t)1 << j))) {
                    connected = true;
                    break;
                }
            if (!connected) continue;
            /* estimated output: the most selective equi-join to j */
            double out_est = cur_est * est[j];
            bool have = false;
            for (int e = 0; e < neq; e++) {
                int other = eq[e].l == j ? eq[e].r : eq[e].r == j ? eq[e].l : -1;
                if (other < 0 || !(joined & ((uint64_t)1 << other))) continue;
                double nd = eq[e].lndv > eq[e].rndv ? eq[e].lndv : eq[e].rndv;
                double o = cur_est * est[j] / (nd > 1 ? nd : 1);
                if (!have || o < out_est) out_est = o;
                have = true;
            }
            if (!have) out_est = est[j]; /* no sampled key: the size-only rule */
            if (pick < 0 || out_est < pick_out || (out_est == pick_out && est[j] < est[pick])) {
                pick = j;
                pick_out = out_est;
            }
        }
        if (pick >= 0 && neq) cur_est = pick_out > 1 ? pick_out : 1;
        if (pick < 0)
            for (int j = 0; j < nl; j++)
                if (!(joined & ((uint64_t)1 << j))) {
                    pick = j;
                    break;
                }
        uint64_t with = joined | ((uint64_t)1 << pick);
        sm_expr *cond = NULL;
        for (int i = 0; i < nc; i++)
            if (!used[i] && mask[i] && (mask[i] & ~with) == 0) {
                cond = an_and(sc, cond, conj[i]);
                used[i] = true;
            }
        offset[k] = cur->plan->schema->ncols;
        order[k] = pick;
        cur = cond ? sm_df_join_col(cur, df[pick], an_col(sc, cond), "inner")
                   : sm_df_cross_join(cur, df[pick]);
        if (!cur) return an_df_failed();
        joined = with;
    }
    /* back to FROM order when the greedy order differs (SELECT * shows it) */
    bool reordered = false;
    for (int k = 0; k < nl; k++)
        if (order[k] != k) reordered = true;
    if (reordered) {
        const sm_schema *cs = cur->plan->schema;
        sm_expr **ex = sm_arena_alloc(A(sc), (size_t)(cs->ncols ? cs->ncols : 1) * sizeof *ex);
        const char **names = sm_arena_alloc(A(sc), (size_t)(cs->ncols ? cs->ncols : 1) * sizeof *names);
        if (!ex || !names) return SM_NOMEM;
        int m = 0;
        for (int l = 0; l < nl; l++) {
            int k = 0;
            while (order[k] != l) k++;
            int w = df[l]->plan->schema->ncols;
            for (int c = 0; c < w; c++, m++) {
                ex[m] = sm_sql_column_ref(sc->s, cs, offset[k] + c);
                if (!ex[m]) return SM_NOMEM;
                names[m] = cs->fields[offset[k] + c].name;
            }
        }
        cur = sm_df_project_bound(cur, m, ex, names);
        if (!cur) return an_df_failed();
    }
    sm_expr *rest = NULL;
    for (int i = 0; i < nc; i++)
        if (!used[i]) rest = an_and(sc, rest, conj[i]);
    *out = cur;
    *where_left = rest;
    return SM_OK;
}

/* ---- VALUES ----------------------------------------------------------------------- */

static int an_values(sql_scope *sc, const sql_query *q, sm_dataframe **out) {
    int nr = q->nrows, ncols = q->ncols;
    sm_expr ***b = sm_arena_alloc(A(sc), (size_t)(nr ? nr : 1) * sizeof *b);
    sm_type *types = sm_arena_alloc(A(sc), (size_t)(ncols ? ncols : 1) * sizeof *types);
    if (!b || !types) return SM_NOMEM;
    for (int c = 0; c < ncols; c++) types[c] = SM_NULLTYPE;
    for (int r = 0; r < nr; r++) {
        b[r] = sm_arena_alloc(A(sc), (size_t)(ncols ? ncols : 1) * sizeof **b);
        if (!b[r]) return SM_NOMEM;
        for (int c = 0; c < ncols; c++) {
            SM_TRY(an_bind(sc, NULL, q->rows[r][c], false, &b[r][c]));
            int w = sm_type_wider(types[c], b[r][c]->type);
            if (w < 0)
                return an_fail_at(sc, q->rows[r][c]->pos, q->rows[r][c]->end, SM_ANALYSIS,
                                  "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] "
                                  "Invalid inline table. Found incompatible types in the column "
                                  "`col%d` for inline table.",
                                  c + 1);
            types[c] = (sm_type)w;
        }
    }
    /* decimal columns: the wider decimal of the rows (widerDecimalType) */
    int *prec = sm_arena_alloc(A(sc), (size_t)(ncols ? ncols : 1) * sizeof *prec);
    int *scale = sm_arena_alloc(A(sc), (size_t)(ncols ? ncols : 1) * sizeof *scale);
    sm_expr **colx = sm_arena_alloc(A(sc), (size_t)(nr ? nr : 1) * sizeof *colx);
    if (!prec || !scale || !colx) return SM_NOMEM;
    for (int c = 0; c < ncols; c++) {
        if (types[c] != SM_DECIMAL) continue;
        int k = 0;
        for (int r = 0; r < nr; r++)
            if (b[r][c]->type != SM_NULLTYPE) colx[k++] = b[r][c];
        SM_TRY(sm_expr_wider_decimal(colx, k, &prec[c], &scale[c]));
    }
    /* interval columns: the union of the rows' fields (interval day + interval hour
     * → interval day to hour) */
    for (int c = 0; c < ncols; c++) {
        if (types[c] != SM_INTERVAL_YM && types[c] != SM_INTERVAL_DT) continue;
        prec[c] = 127, scale[c] = -1;
        for (int r = 0; r < nr; r++) {
            if (b[r][c]->type != types[c]) continue;
            if (b[r][c]->precision < prec[c]) prec[c] = b[r][c]->precision;
            if (b[r][c]->scale > scale[c]) scale[c] = b[r][c]->scale;
        }
    }
    sm_schema *schema = sm_schema_new(ncols);
    sm_batch *batch = sm_batch_new(ncols, nr);
    int rc = schema && batch ? SM_OK : SM_NOMEM;
    sm_eval_ctx ec = {.tz = sc->s->tz, .ansi = sc->s->ansi};
    for (int c = 0; c < ncols && rc == SM_OK; c++) {
        char name[32];
        snprintf(name, sizeof name, "col%d", c + 1);
        bool nullable = false;
        sm_vector *v = types[c] == SM_NULLTYPE ? sm_vector_new_nulls(SM_NULLTYPE, nr)
                                               : sm_vector_new(types[c], nr);
        if (!v) {
            rc = SM_NOMEM;
            break;
        }
        batch->cols[c] = v;
        bool iv = types[c] == SM_INTERVAL_YM || types[c] == SM_INTERVAL_DT;
        if (types[c] == SM_DECIMAL || iv) {
            v->precision = (int8_t)prec[c];
            v->scale = (int8_t)scale[c];
        }
        for (int r = 0; r < nr && rc == SM_OK && types[c] != SM_NULLTYPE; r++) {
            if (sm_type_is_nested(types[c])) { /* arrays, maps, structs: evaluated whole */
                sm_batch one = {.ncols = 0, .nrows = 1, .cols = NULL};
                sm_vector *ev = NULL;
                if (!sm_expr_is_const(b[r][c])) {
                    rc = an_fail_at(sc, q->rows[r][c]->pos, q->rows[r][c]->end, SM_ANALYSIS,
                                    "[INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_"
                                    "TABLE] Invalid inline table. Cannot evaluate the expression "
                                    "\"%s\" in inline table definition.",
                                    sm_expr_sql_name(A(sc), q->rows[r][c]));
                    break;
                }
                rc = sm_expr_eval(&ec, b[r][c], &one, &ev);
                if (rc != SM_OK) break;
                if (sm_vector_is_null(ev, 0) || ev->type != types[c]) nullable = true;
                rc = ev->type == types[c] ? sm_vector_append_from(v, ev, 0) : sm_vector_append_null(v);
                sm_vector_unref(ev);
                continue;
            }
            sm_bind_ctx bc;
            sm_session_bind_ctx(sc->s, NULL, sc->text, &bc);
            sm_expr *e = types[c] == SM_DECIMAL ? sm_expr_coerce_dec(&bc, b[r][c], prec[c], scale[c])
                                                : sm_expr_coerce(&bc, b[r][c], types[c]);
            sm_value val;
            if (!e) {
                rc = SM_NOMEM;
                break;
            }
            if (!sm_expr_is_const(e)) {
                rc = an_fail_at(sc, q->rows[r][c]->pos, q->rows[r][c]->end, SM_ANALYSIS,
                                "[INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE]"
                                " Invalid inline table. Cannot evaluate the expression \"%s\" in "
                                "inline table definition.",
                                sm_expr_sql_name(A(sc), q->rows[r][c]));
                break;
            }
            rc = sm_expr_eval_const(&ec, A(sc), e, &val);
            if (rc != SM_OK) break;
            if (val.is_null || val.type == SM_NULLTYPE) {
                nullable = true;
                rc = sm_vector_append_null(v);
            } else {
                val.type = types[c];
                rc = sm_vector_append_value(v, &val);
            }
        }
        if (types[c] == SM_NULLTYPE) nullable = true;
        if (rc == SM_OK) rc = sm_schema_set(schema, c, name, types[c], nullable);
        if (rc == SM_OK && (types[c] == SM_DECIMAL || iv)) {
            schema->fields[c].precision = (int8_t)prec[c];
            schema->fields[c].scale = (int8_t)scale[c];
        }
        if (rc == SM_OK && sm_type_is_nested(types[c])) {
            schema->fields[c].dt = v->dt;
            for (int r = 0; r < nr && !schema->fields[c].dt; r++) schema->fields[c].dt = b[r][c]->dt;
        }
    }
    if (rc != SM_OK) {
        if (batch) sm_batch_free(batch);
        sm_schema_free(schema);
        return rc == SM_NOMEM ? sm_err(SM_NOMEM, "out of memory building VALUES") : rc;
    }
    sm_dataframe *df = sm_df_from_batches(sc->s, schema, &batch, 1);
    sm_schema_free(schema);
    if (!df) return an_df_failed();
    *out = df;
    return SM_OK;
}

/* ---- select lists -------------------------------------------------------------------- */

/* Named windows: OVER w / OVER (w ORDER BY ...) take w's specification. */
static int an_subst_windows(sql_scope *sc, const sql_select *sel, const sm_expr *e, sm_expr **out) {
    if (!e || (!sel->nwindows && !an_has_window(e))) {
        *out = (sm_expr *)e;
        return SM_OK;
    }
    sm_expr *c = sm_arena_alloc(A(sc), sizeof *c);
    if (!c) return SM_NOMEM;
    *c = *e;
    if (e->nargs) {
        c->args = sm_arena_alloc(A(sc), (size_t)e->nargs * sizeof *c->args);
        if (!c->args) return SM_NOMEM;
        for (int i = 0; i < e->nargs; i++) SM_TRY(an_subst_windows(sc, sel, e->args[i], &c->args[i]));
    }
    if (e->kind == SM_EX_WINDOW && e->window && e->window->ref_name) {
        sm_window_spec *w = sm_arena_alloc(A(sc), sizeof *w);
        if (!w) return SM_NOMEM;
        *w = *e->window;
        w->ref_name = NULL;
        const char *ref = e->window->ref_name;
        /* a named window may itself refer to another (WINDOW w2 AS w1): each
         * step of the chain fills what the nearer ones left out */
        for (int depth = 0; depth < 16 && ref; depth++) {
            const sm_window_spec *named = NULL;
            /* looked up as written, as Spark's WindowsSubstitution does */
            for (int i = 0; i < sel->nwindows && !named; i++)
                if (sel->windows[i].name && strcmp(sel->windows[i].name, ref) == 0)
                    named = sel->windows[i].spec;
            if (!named)
                return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                                  "[MISSING_WINDOW_SPECIFICATION] Window specification %s is not "
                                  "defined in the WINDOW clause. Add it: WINDOW %s AS (...).",
                                  ref, ref);
            if (w->npartition == 0) {
                w->partition = named->partition;
                w->npartition = named->npartition;
            }
            if (w->norder == 0) {
                w->order = named->order;
                w->norder = named->norder;
            }
            if (!w->has_frame && named->has_frame) {
                w->has_frame = true;
                w->frame_rows = named->frame_rows;
                w->start = named->start;
                w->end = named->end;
            }
            ref = named->ref_name;
        }
        c->window = w;
    }
    *out = c;
    return SM_OK;
}

typedef struct {
    sm_expr **e;     /* unbound items, stars expanded where asked */
    const char **names;
    int n, cap;
} an_list;

static int an_list_add(sql_scope *sc, an_list *l, sm_expr *e, const char *name) {
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 16;
        sm_expr **ne = sm_arena_alloc(A(sc), (size_t)nc * sizeof *ne);
        const char **nn = sm_arena_alloc(A(sc), (size_t)nc * sizeof *nn);
        if (!ne || !nn) return SM_NOMEM;
        if (l->n) {
            memcpy(ne, l->e, (size_t)l->n * sizeof *ne);
            memcpy(nn, l->names, (size_t)l->n * sizeof *nn);
        }
        l->e = ne;
        l->names = nn;
        l->cap = nc;
    }
    l->e[l->n] = e;
    l->names[l->n++] = name;
    return SM_OK;
}

/* A reference to column i of `in` that binds to exactly that column:
 * "qualifier.name" when the plain name is ambiguous. */
static sm_expr *an_ref_for(sql_scope *sc, const sm_schema *in, int i, const sm_expr *at) {
    const sm_field *f = &in->fields[i];
    int same = 0;
    for (int j = 0; j < in->ncols; j++)
        if (an_name_eq(sc, in->fields[j].name, f->name)) same++;
    const char *name = f->name;
    if (same > 1 && f->qualifier) name = sm_arena_printf(A(sc), "%s.%s", f->qualifier, f->name);
    return name ? an_column(sc, name, at) : NULL;
}

/* Expands * and t.* into column references (each aliased to its name). */
static int an_expand_star(sql_scope *sc, const sm_schema *in, const sm_expr *star, an_list *l) {
    int added = 0;
    if (star->name) {
        /* t.* of a side of a USING join: that side's columns, in its order */
        size_t ql = strlen(star->name);
        for (int i = 0; i < in->ncols; i++) {
            const sm_field *f = &in->fields[i];
            if (!an_is_hidden(f) || strncasecmp(f->name, star->name, ql) != 0 || f->name[ql] != '.')
                continue;
            sm_expr *r = an_column(sc, f->name, star);
            if (!r || !(r = an_alias(sc, r, f->name + ql + 1))) return SM_NOMEM;
            SM_TRY(an_list_add(sc, l, r, f->name + ql + 1));
            added++;
        }
        if (added) return SM_OK;
    }
    for (int i = 0; i < in->ncols; i++) {
        if (an_is_hidden(&in->fields[i])) continue;
        if (star->name && !an_name_eq(sc, in->fields[i].qualifier, star->name)) continue;
        sm_expr *r = an_ref_for(sc, in, i, star);
        if (!r) return SM_NOMEM;
        SM_TRY(an_list_add(sc, l, r, in->fields[i].name));
        added++;
    }
    if (star->name && added == 0) {
        sm_buf b = {0};
        for (int i = 0; i < in->ncols; i++)
            sm_buf_appendf(&b, "%s`%s`", i ? ", " : "", in->fields[i].name);
        int rc = an_fail_at(sc, star->pos, star->end, SM_ANALYSIS,
                            "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `%s`.* given input "
                            "columns %s. Please check that the specified table or struct exists "
                            "and is accessible in the input columns.",
                            star->name, b.data ? sm_buf_cstr(&b) : "");
        sm_buf_free(&b);
        return rc;
    }
    return SM_OK;
}

/* Stars among a function's arguments expand to the columns, as in Spark
 * (count(DISTINCT *), concat(t.*)); count(t.*) alone is refused unless
 * spark.sql.legacy.allowStarWithSingleTableIdentifierInCount, and count()
 * unless spark.sql.legacy.allowParameterlessCount (then it is 0).  Rewrites
 * `e` in place (idempotent). */
static bool an_conf_set(sql_scope *sc, const char *key) {
    const char *v = sm_session_get(sc->s, key);
    return v && strcasecmp(v, "true") == 0;
}

static int an_call_stars(sql_scope *sc, const sm_schema *in, sm_expr *e) {
    if (e->kind == SM_EX_SUBQUERY) return SM_OK;
    for (int i = 0; i < e->nargs; i++) SM_TRY(an_call_stars(sc, in, e->args[i]));
    if (e->kind != SM_EX_CALL || !e->name) return SM_OK;
    bool is_count = strcasecmp(e->name, "count") == 0 && !e->window;
    if (is_count && e->nargs == 0) {
        if (!an_conf_set(sc, "spark.sql.legacy.allowParameterlessCount"))
            return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                              "[WRONG_NUM_ARGS.WITH_SUGGESTION] The `count` requires >= 1 "
                              "parameters but the actual number is 0. Please update the function "
                              "call, or set \"spark.sql.legacy.allowParameterlessCount\" to "
                              "\"true\" to allow it.");
        /* Spark's legacy count() is 0: count(NULL) named count() */
        sm_value null = {.type = SM_NULLTYPE, .is_null = true};
        sm_expr *lit = sm_expr_literal(A(sc), &null);
        sm_expr *call = sm_expr_call(A(sc), "count", 1, &lit);
        sm_expr **args = sm_arena_alloc(A(sc), sizeof *args);
        if (!lit || !call || !args) return SM_NOMEM;
        call->pos = e->pos;
        call->end = e->end;
        args[0] = call;
        e->kind = SM_EX_ALIAS; /* e becomes count(NULL) AS `count()` */
        e->name = "count()";
        e->args = args;
        e->nargs = 1;
        return SM_OK;
    }
    int nstar = 0;
    for (int i = 0; i < e->nargs; i++) nstar += e->args[i]->kind == SM_EX_STAR;
    if (!nstar) return SM_OK;
    if (is_count && e->nargs == 1 && e->args[0]->name &&
        !an_conf_set(sc, "spark.sql.legacy.allowStarWithSingleTableIdentifierInCount"))
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[_LEGACY_ERROR_TEMP_1021] count(%s.*) is not allowed. Please use "
                          "count(*) or expand the columns manually, e.g. count(col1, col2).",
                          e->args[0]->name);
    an_list l = {0};
    for (int i = 0; i < e->nargs; i++) {
        if (e->args[i]->kind != SM_EX_STAR) {
            SM_TRY(an_list_add(sc, &l, e->args[i], NULL));
            continue;
        }
        int from = l.n;
        SM_TRY(an_expand_star(sc, in, e->args[i], &l));
        for (int k = from; k < l.n; k++) /* arguments carry no aliases */
            if (l.e[k]->kind == SM_EX_ALIAS) l.e[k] = l.e[k]->args[0];
    }
    e->args = l.e;
    e->nargs = l.n;
    return SM_OK;
}

/* ---- aggregation ---------------------------------------------------------------------- */

typedef struct {
    sql_scope *sc;
    const sm_schema *in;  /* what keys and aggregates are bound against */
    sm_expr **keys;       /* bound group expressions */
    int nkeys;            /* group expressions (not counting the grouping id) */
    bool sets;            /* GROUPING SETS: key nkeys is the grouping id */
    sm_expr **agg_b, **agg_u; /* bound / unbound aggregate calls, deduplicated */
    int naggs, capaggs;
} an_agg;

static int an_agg_rewrite(an_agg *ag, const sm_expr *e, sm_expr **out);

static sm_expr *an_key_ref(an_agg *ag, int k, const sm_expr *at) {
    char *name = sm_arena_printf(A(ag->sc), "__k%d", k);
    return name ? an_column(ag->sc, name, at) : NULL;
}

/* grouping(col) / grouping_id() over the grouping id key. */
static int an_grouping_call(an_agg *ag, const sm_expr *e, sm_expr **out) {
    sql_scope *sc = ag->sc;
    if (!ag->sets)
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[UNSUPPORTED_GROUPING_EXPRESSION] grouping()/grouping_id() can only be "
                          "used with GroupingSets/Cube/Rollup.");
    sm_expr *gid = an_key_ref(ag, ag->nkeys, e);
    if (!gid) return SM_NOMEM;
    if (strcasecmp(e->name, "grouping_id") == 0) {
        *out = gid;
        return SM_OK;
    }
    if (e->nargs != 1)
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `grouping` requires 1 "
                          "parameters but the actual number is %d.",
                          e->nargs);
    sm_expr *b;
    int k = -1;
    if (an_bind(sc, ag->in, e->args[0], false, &b) == SM_OK)
        for (int i = 0; i < ag->nkeys && k < 0; i++)
            if (an_bound_eq(b, ag->keys[i])) k = i;
    if (k < 0)
        return an_fail_at(sc, e->args[0]->pos, e->args[0]->end, SM_ANALYSIS,
                          "[GROUPING_COLUMN_MISMATCH] Column of grouping (%s) can't be found in "
                          "grouping columns.",
                          sm_expr_sql_name(A(sc), e->args[0]));
    /* (gid div 2^(n-1-k)) & 1, as an INT */
    sm_value p = {.type = SM_BIGINT}, one = {.type = SM_BIGINT};
    p.v.i64 = (int64_t)1 << (ag->nkeys - 1 - k);
    one.v.i64 = 1;
    sm_expr *a1[2] = {gid, sm_expr_literal(A(sc), &p)};
    if (!a1[1]) return SM_NOMEM;
    sm_expr *d = sm_expr_call(A(sc), "div", 2, a1);
    sm_expr *a2[2] = {d, sm_expr_literal(A(sc), &one)};
    if (!d || !a2[1]) return SM_NOMEM;
    sm_expr *m = sm_expr_call(A(sc), "&", 2, a2);
    sm_expr *c = m ? sm_expr_cast(A(sc), m, SM_INT) : NULL;
    if (!c) return SM_NOMEM;
    *out = c;
    return SM_OK;
}

static int an_agg_rewrite_args(an_agg *ag, const sm_expr *e, sm_expr **out) {
    sm_expr *c = sm_arena_alloc(A(ag->sc), sizeof *c);
    if (!c) return SM_NOMEM;
    *c = *e;
    if (e->nargs) {
        c->args = sm_arena_alloc(A(ag->sc), (size_t)e->nargs * sizeof *c->args);
        if (!c->args) return SM_NOMEM;
        for (int i = 0; i < e->nargs; i++) SM_TRY(an_agg_rewrite(ag, e->args[i], &c->args[i]));
    }
    *out = c;
    return SM_OK;
}

static int an_agg_rewrite(an_agg *ag, const sm_expr *e, sm_expr **out) {
    sql_scope *sc = ag->sc;
    switch (e->kind) {
    case SM_EX_LITERAL:
    case SM_EX_STAR:
    case SM_EX_SUBQUERY:
    case SM_EX_EXISTS:
    case SM_EX_OUTER_REF:
        *out = (sm_expr *)e;
        return SM_OK;
    case SM_EX_ALIAS: return an_agg_rewrite_args(ag, e, out);
    case SM_EX_WINDOW: {
        /* the window function itself runs after the aggregation: rewrite its
         * arguments and its specification */
        sm_expr *c = sm_arena_alloc(A(sc), sizeof *c);
        if (!c) return SM_NOMEM;
        *c = *e;
        if (e->nargs) {
            c->args = sm_arena_alloc(A(sc), (size_t)e->nargs * sizeof *c->args);
            if (!c->args) return SM_NOMEM;
            SM_TRY(an_agg_rewrite_args(ag, e->args[0], &c->args[0]));
            for (int i = 1; i < e->nargs; i++) SM_TRY(an_agg_rewrite(ag, e->args[i], &c->args[i]));
        }
        if (e->window) {
            sm_window_spec *w = sm_arena_alloc(A(sc), sizeof *w);
            if (!w) return SM_NOMEM;
            *w = *e->window;
            if (w->npartition) {
                w->partition = sm_arena_alloc(A(sc), (size_t)w->npartition * sizeof *w->partition);
                if (!w->partition) return SM_NOMEM;
                for (int i = 0; i < w->npartition; i++)
                    SM_TRY(an_agg_rewrite(ag, e->window->partition[i], &w->partition[i]));
            }
            if (w->norder) {
                w->order = sm_arena_alloc(A(sc), (size_t)w->norder * sizeof *w->order);
                if (!w->order) return SM_NOMEM;
                for (int i = 0; i < w->norder; i++) {
                    w->order[i] = e->window->order[i];
                    SM_TRY(an_agg_rewrite(ag, e->window->order[i].expr, &w->order[i].expr));
                }
            }
            c->window = w;
        }
        *out = c;
        return SM_OK;
    }
    default: break;
    }
    if (e->kind == SM_EX_CALL && e->name &&
        (strcasecmp(e->name, "grouping") == 0 || strcasecmp(e->name, "grouping_id") == 0))
        return an_grouping_call(ag, e, out);
    /* a group expression? */
    if (e->kind != SM_EX_IN_SUBQUERY) {
        sm_expr *b;
        if (an_bind(sc, ag->in, e, false, &b) == SM_OK) {
            for (int k = 0; k < ag->nkeys; k++)
                if (an_bound_eq(b, ag->keys[k])) {
                    *out = an_key_ref(ag, k, e);
                    return *out ? SM_OK : SM_NOMEM;
                }
        }
    }
    if (an_is_agg_call(e)) {
        sm_expr *b;
        SM_TRY(an_bind(sc, ag->in, e, true, &b));
        int j = -1;
        for (int i = 0; i < ag->naggs && j < 0; i++)
            if (an_bound_eq(b, ag->agg_b[i])) j = i;
        if (j < 0) {
            if (ag->naggs == ag->capaggs) {
                int nc = ag->capaggs ? ag->capaggs * 2 : 8;
                sm_expr **nb = sm_arena_alloc(A(sc), (size_t)nc * sizeof *nb);
                sm_expr **nu = sm_arena_alloc(A(sc), (size_t)nc * sizeof *nu);
                if (!nb || !nu) return SM_NOMEM;
                if (ag->naggs) {
                    memcpy(nb, ag->agg_b, (size_t)ag->naggs * sizeof *nb);
                    memcpy(nu, ag->agg_u, (size_t)ag->naggs * sizeof *nu);
                }
                ag->agg_b = nb;
                ag->agg_u = nu;
                ag->capaggs = nc;
            }
            j = ag->naggs++;
            ag->agg_b[j] = b;
            ag->agg_u[j] = (sm_expr *)e;
        }
        char *name = sm_arena_printf(A(sc), "__a%d", j);
        *out = name ? an_column(sc, name, e) : NULL;
        return *out ? SM_OK : SM_NOMEM;
    }
    if (e->kind == SM_EX_CALL && e->name && !sm_func_find(e->name) && !sm_agg_find(e->name)) {
        /* an unknown function: the binder's [UNRESOLVED_ROUTINE] rather than
         * a complaint about its arguments */
        sm_expr *b;
        SM_TRY(an_bind(sc, ag->in, e, true, &b));
    }
    if (e->kind == SM_EX_COLUMN) {
        sm_expr *b;
        SM_TRY(an_bind(sc, ag->in, e, false, &b));
        const char *n = an_item_name(sc, ag->in, e);
        if (ag->nkeys == 0 && !ag->sets)
            return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                              "[MISSING_GROUP_BY] The query does not include a GROUP BY clause. "
                              "Add GROUP BY or turn it into the window functions using OVER "
                              "clauses.");
        return an_fail_at(sc, e->pos, e->end, SM_ANALYSIS,
                          "[MISSING_AGGREGATION] The non-aggregating expression \"%s\" is based "
                          "on columns which are not participating in the GROUP BY clause.\nAdd "
                          "the columns or the expression to the GROUP BY, aggregate the "
                          "expression, or use \"any_value(%s)\" if you do not care which of the "
                          "values within a group is returned.",
                          n, n);
    }
    return an_agg_rewrite_args(ag, e, out);
}

/* Column references to select-list aliases that are not input columns
 * become the aliased expressions (GROUP BY / HAVING / ORDER BY k). */
static int an_subst_aliases(sql_scope *sc, const sm_schema *in, const an_list *items,
                            const sm_expr *e, bool top_only, sm_expr **out) {
    *out = (sm_expr *)e;
    if (!e) return SM_OK;
    if (e->kind == SM_EX_COLUMN && e->name && !strchr(e->name, '.')) {
        sm_expr *b;
        sm_bind_ctx bc;
        sm_session_bind_ctx(sc->s, in, NULL, &bc);
        if (sm_expr_bind(&bc, e, &b) == SM_OK) return SM_OK;
        for (int i = 0; i < items->n; i++)
            if (items->e[i]->kind == SM_EX_ALIAS && an_name_eq(sc, items->e[i]->name, e->name)) {
                sm_err_clear();
                *out = items->e[i]->args[0];
                return SM_OK;
            }
        return SM_OK;
    }
    if (top_only || !e->nargs || e->kind == SM_EX_WINDOW || e->kind == SM_EX_SUBQUERY ||
        e->kind == SM_EX_EXISTS || e->kind == SM_EX_IN_SUBQUERY)
        return SM_OK;
    sm_expr *c = sm_arena_alloc(A(sc), sizeof *c);
    if (!c) return SM_NOMEM;
    *c = *e;
    c->args = sm_arena_alloc(A(sc), (size_t)e->nargs * sizeof *c->args);
    if (!c->args) return SM_NOMEM;
    for (int i = 0; i < e->nargs; i++)
        SM_TRY(an_subst_aliases(sc, in, items, e->args[i], false, &c->args[i]));
    *out = c;
    return SM_OK;
}

static sm_expr *an_unalias(sm_expr *e) {
    while (e && e->kind == SM_EX_ALIAS && e->nargs == 1) e = e->args[0];
    return e;
}

/* The GROUP BY expressions with ordinals and select aliases resolved. */
static int an_group_expr(sql_scope *sc, const sm_schema *in, const an_list *items, sm_expr *g,
                         sm_expr **out) {
    if (an_is_int_literal(g) && an_conf_true(sc, "spark.sql.groupByOrdinal")) {
        int64_t k = an_int_literal(g);
        if (k < 1 || k > items->n)
            return an_fail_at(sc, g->pos, g->end, SM_ANALYSIS,
                              "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position %lld is not in "
                              "select list (valid range is [1, %d]).",
                              (long long)k, items->n);
        sm_expr *item = items->e[k - 1];
        if (an_has_group_agg(item))
            return an_fail_at(sc, g->pos, g->end, SM_ANALYSIS,
                              "[GROUP_BY_POS_AGGREGATE] GROUP BY %lld refers to an expression %s "
                              "that contains an aggregate function. Aggregate functions are not "
                              "allowed in GROUP BY.",
                              (long long)k, items->names[k - 1]);
        *out = an_unalias(item);
        return SM_OK;
    }
    if (an_conf_true(sc, "spark.sql.groupByAliases"))
        return an_subst_aliases(sc, in, items, g, true, out);
    *out = g;
    return SM_OK;
}

/* ---- ORDER BY ------------------------------------------------------------------------ */

/* True if every column e references is one of the output names and e has
 * no aggregate: the key is evaluated over the select output. */
static bool an_over_output(sql_scope *sc, const sm_expr *e, const an_list *items) {
    if (!e) return true;
    if (e->kind == SM_EX_COLUMN) {
        if (!e->name || strchr(e->name, '.')) return false;
        for (int i = 0; i < items->n; i++)
            if (an_name_eq(sc, items->names[i], e->name)) return true;
        return false;
    }
    if (e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS || e->kind == SM_EX_IN_SUBQUERY ||
        e->kind == SM_EX_WINDOW || e->kind == SM_EX_STAR || e->kind == SM_EX_OUTER_REF)
        return false;
    if (an_is_agg_call(e)) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!an_over_output(sc, e->args[i], items)) return false;
    return true;
}

/* ---- SELECT ------------------------------------------------------------------------------ */

static int an_grouping_sets(sql_scope *sc, const sql_select *sel, const an_list *items,
                            sm_dataframe *df, an_agg *ag, sm_dataframe **agg_input) {
    const sm_schema *in = df->plan->schema;
    /* the distinct group expressions, and each set as a bit mask over them */
    int total = sel->ngroup;
    for (int s = 0; s < sel->nsets; s++) total += sel->set_sizes[s];
    sm_expr **g = sm_arena_alloc(A(sc), (size_t)(total ? total : 1) * sizeof *g);
    sm_expr **gb = sm_arena_alloc(A(sc), (size_t)(total ? total : 1) * sizeof *gb);
    if (!g || !gb) return SM_NOMEM;
    int m = 0;
    int nsets = 0;
    uint64_t *sets;
    /* index of each written expression in g */
    int *idx = sm_arena_alloc(A(sc), (size_t)(total ? total : 1) * sizeof *idx);
    if (!idx) return SM_NOMEM;
    sm_expr **written = sel->group_kind == SQL_GROUP_SETS ? NULL : sel->group_by;
    int nwritten = sel->group_kind == SQL_GROUP_SETS ? 0 : sel->ngroup;
    sm_expr **flat = sm_arena_alloc(A(sc), (size_t)(total ? total : 1) * sizeof *flat);
    if (!flat) return SM_NOMEM;
    if (sel->group_kind == SQL_GROUP_SETS) {
        for (int s = 0; s < sel->nsets; s++)
            for (int i = 0; i < sel->set_sizes[s]; i++) flat[nwritten++] = sel->sets[s][i];
        written = flat;
    }
    for (int i = 0; i < nwritten; i++) {
        sm_expr *u, *b;
        SM_TRY(an_group_expr(sc, in, items, written[i], &u));
        SM_TRY(an_bind(sc, in, u, false, &b));
        int k = -1;
        for (int j = 0; j < m && k < 0; j++)
            if (an_bound_eq(b, gb[j])) k = j;
        if (k < 0) {
            k = m++;
            g[k] = u;
            gb[k] = b;
        }
        idx[i] = k;
    }
    if (m > 62) return sm_err(SM_UNSUPPORTED, "GROUPING SETS over more than 62 expressions");
    if (sel->group_kind == SQL_GROUP_ROLLUP) {
        nsets = nwritten + 1;
        sets = sm_arena_alloc(A(sc), (size_t)nsets * sizeof *sets);
        if (!sets) return SM_NOMEM;
        for (int s = 0; s < nsets; s++) {
            sets[s] = 0;
            for (int i = 0; i < nwritten - s; i++) sets[s] |= (uint64_t)1 << idx[i];
        }
    } else if (sel->group_kind == SQL_GROUP_CUBE) {
        if (nwritten > 12) return sm_err(SM_UNSUPPORTED, "CUBE over more than 12 expressions");
        nsets = 1 << nwritten;
        sets = sm_arena_alloc(A(sc), (size_t)nsets * sizeof *sets);
        if (!sets) return SM_NOMEM;
        for (int s = 0; s < nsets; s++) {
            /* Spark's order: all columns first, the empty set last */
            int bits = (nsets - 1) & ~s;
            sets[s] = 0;
            for (int i = 0; i < nwritten; i++)
                if (bits & (1 << (nwritten - 1 - i))) sets[s] |= (uint64_t)1 << idx[i];
        }
    } else {
        nsets = sel->nsets;
        sets = sm_arena_alloc(A(sc), (size_t)(nsets ? nsets : 1) * sizeof *sets);
        if (!sets) return SM_NOMEM;
        int p = 0;
        for (int s = 0; s < nsets; s++) {
            sets[s] = 0;
            for (int i = 0; i < sel->set_sizes[s]; i++) sets[s] |= (uint64_t)1 << idx[p++];
        }
    }
    /* EXPAND: input columns, the group expressions (null when not in the
     * set), the grouping id (bit m-1-i set when expression i is not) */
    int nout = in->ncols + m + 1;
    sm_expr ***proj = sm_arena_alloc(A(sc), (size_t)nsets * sizeof *proj);
    const char **names = sm_arena_alloc(A(sc), (size_t)nout * sizeof *names);
    if (!proj || !names) return SM_NOMEM;
    for (int c = 0; c < in->ncols; c++) names[c] = in->fields[c].name;
    for (int i = 0; i < m; i++)
        if (!(names[in->ncols + i] = sm_arena_printf(A(sc), "__g%d", i))) return SM_NOMEM;
    names[nout - 1] = "__gid";
    sm_bind_ctx bc;
    sm_session_bind_ctx(sc->s, in, sc->text, &bc);
    for (int s = 0; s < nsets; s++) {
        proj[s] = sm_arena_alloc(A(sc), (size_t)nout * sizeof **proj);
        if (!proj[s]) return SM_NOMEM;
        for (int c = 0; c < in->ncols; c++)
            if (!(proj[s][c] = sm_sql_column_ref(sc->s, in, c))) return SM_NOMEM;
        int64_t gid = 0;
        for (int i = 0; i < m; i++) {
            sm_expr *e;
            if (sets[s] & ((uint64_t)1 << i)) {
                e = gb[i];
            } else {
                sm_value nul = {.type = SM_NULLTYPE, .is_null = true};
                sm_expr *lit = sm_expr_literal(A(sc), &nul);
                if (!lit) return SM_NOMEM;
                lit->type = SM_NULLTYPE;
                lit->nullable = true;
                lit->col_index = -1;
                e = sm_expr_coerce(&bc, lit, gb[i]->type);
                if (!e) return SM_NOMEM;
                e->nullable = true;
                e->precision = gb[i]->precision;
                e->scale = gb[i]->scale;
                e->dt = gb[i]->dt;
                gid |= (int64_t)1 << (m - 1 - i);
            }
            proj[s][in->ncols + i] = e;
        }
        sm_value gv = {.type = SM_BIGINT};
        gv.v.i64 = gid;
        sm_expr *gl = sm_expr_literal(A(sc), &gv);
        if (!gl) return SM_NOMEM;
        gl->type = SM_BIGINT;
        gl->col_index = -1;
        proj[s][nout - 1] = gl;
    }
    sm_dataframe *ex = sm_df_expand(df, nsets, nout, proj, names);
    if (!ex) return an_df_failed();
    ag->in = in;
    ag->keys = gb;
    ag->nkeys = m;
    ag->sets = true;
    *agg_input = ex;
    return SM_OK;
}

/* explode / explode_outer / posexplode / posexplode_outer / inline /
 * inline_outer as a select item (optionally aliased): its kind. */
static int an_generator_kind(const sm_expr *e, bool *outer) {
    if (e && e->kind == SM_EX_CALL && e->name && e->nargs >= 2 && strcasecmp(e->name, "json_tuple") == 0) {
        *outer = false; /* planned as inline(array(__json_tuple(...))): func_json.c */
        return SM_GEN_INLINE;
    }
    if (!e || e->kind != SM_EX_CALL || !e->name || e->nargs != 1) return 0;
    static const struct {
        const char *name;
        int kind;
        bool outer;
    } gens[] = {{"explode", SM_GEN_EXPLODE, false},       {"explode_outer", SM_GEN_EXPLODE, true},
                {"posexplode", SM_GEN_POSEXPLODE, false}, {"posexplode_outer", SM_GEN_POSEXPLODE, true},
                {"inline", SM_GEN_INLINE, false},         {"inline_outer", SM_GEN_INLINE, true}};
    for (size_t i = 0; i < sizeof gens / sizeof gens[0]; i++)
        if (strcasecmp(e->name, gens[i].name) == 0) {
            *outer = gens[i].outer;
            return gens[i].kind;
        }
    return 0;
}

/* Spark's Generate: SELECT a, explode(arr) AS x FROM t.  The generator's
 * input is bound against the FROM relation, a GENERATE node appends its
 * columns, and the item becomes references to them (named as Spark names
 * them: col, pos, key, value, the struct's fields, or the alias).  *copy
 * gets the select with the rewritten items (items NULL when there is no
 * generator). */
static int an_generators(sql_scope *sc, const sql_select *sel, sm_dataframe **df,
                         sql_select *copy) {
    memset(copy, 0, sizeof *copy);
    int ngen = 0;
    for (int i = 0; i < sel->nitems; i++) {
        const sm_expr *e = sel->items[i];
        if (e->kind == SM_EX_ALIAS && e->nargs == 1) e = e->args[0];
        bool outer;
        if (an_generator_kind(e, &outer)) ngen++;
    }
    if (ngen == 0) return SM_OK;
    if (sel->ngroup > 0 || sel->nsets > 0 || sel->group_kind != SQL_GROUP_PLAIN)
        return an_fail_at(sc, -1, -1, SM_UNSUPPORTED,
                          "[UNSUPPORTED_FEATURE] A generator in an aggregating SELECT is not "
                          "supported by smelt yet.");
    sm_expr **items = NULL;
    int n = 0, cap = sel->nitems;
    sm_dataframe *cur = *df;
    for (int i = 0; i < sel->nitems; i++) {
        const sm_expr *item = sel->items[i];
        const sm_expr *g = item->kind == SM_EX_ALIAS && item->nargs == 1 ? item->args[0] : item;
        bool outer = false;
        int kind = an_generator_kind(g, &outer);
        if (!kind) {
            if (items) items[n++] = sel->items[i];
            continue;
        }
        /* one GENERATE per generator, left to right (Spark nests them) */
        sm_expr *arg = NULL, *input = g->args[0];
        if (strcasecmp(g->name, "json_tuple") == 0) {
            sm_expr *t = sm_expr_call(A(sc), "__json_tuple", g->nargs, g->args);
            input = t ? sm_expr_call(A(sc), "array", 1, &t) : NULL;
            if (!input) return SM_NOMEM;
            input->pos = g->pos, input->end = g->end;
        }
        SM_TRY(an_bind(sc, cur->plan->schema, input, false, &arg));
        int nin = cur->plan->schema->ncols;
        const char *alias = item->kind == SM_EX_ALIAS ? item->name : NULL;
        sm_dataframe *gdf = sm_df_generate(cur, arg, kind, outer, alias ? 1 : 0, &alias);
        if (!gdf) {
            int rc = sm_errcode() ? sm_errcode() : SM_NOMEM;
            return rc == SM_NOMEM ? rc : an_fail_at(sc, g->pos, g->end, rc, "%s", sm_errmsg());
        }
        sm_schema *gs = gdf->plan->schema;
        int ng = gs->ncols - nin;
        sm_expr **ni = sm_arena_alloc(A(sc), sizeof *ni * (size_t)(cap + ng));
        if (!ni) return SM_NOMEM;
        if (items) memcpy(ni, items, sizeof *ni * (size_t)n);
        else
            for (int k = 0; k < i; k++) ni[n++] = sel->items[k];
        items = ni;
        cap += ng;
        for (int c = nin; c < gs->ncols; c++) {
            /* a generated name that repeats an earlier column's gets a
             * private one; the item keeps Spark's through its alias */
            const char *shown = gs->fields[c].name;
            for (int k = 0; k < nin; k++)
                if (gs->fields[k].name && strcasecmp(gs->fields[k].name, shown) == 0) {
                    char *priv = sm_arena_printf(A(sc), "__generated%d_%s", c, shown);
                    if (!priv) return SM_NOMEM;
                    gs->fields[c].name = priv;
                    break;
                }
            sm_expr *ref = sm_expr_column(A(sc), gs->fields[c].name);
            sm_expr *al = ref ? sm_expr_alias(A(sc), ref, shown) : NULL;
            if (!al) return SM_NOMEM;
            items[n++] = al;
        }
        cur = gdf;
    }
    *copy = *sel;
    copy->items = items;
    copy->nitems = n;
    *df = cur;
    return SM_OK;
}

static int an_select(sql_scope *sc, const sql_select *sel, const sm_sort_key *order, int norder,
                     sm_dataframe **out) {
    sm_dataframe *df;
    /* WINDOW w AS (...), w AS (...): Spark's parser rejects a name defined
     * twice (compared as written, like its groupBy on the name's text) */
    for (int i = 1; i < sel->nwindows; i++)
        for (int j = 0; j < i; j++)
            if (sel->windows[i].name && sel->windows[j].name &&
                strcmp(sel->windows[i].name, sel->windows[j].name) == 0)
                return an_fail_at(sc, -1, -1, SM_PARSE,
                                  "[INVALID_SQL_SYNTAX.REPETITIVE_WINDOW_DEFINITION] Invalid SQL "
                                  "syntax: The definition of window `%s` is repetitive.",
                                  sel->windows[i].name);
    sm_expr *where = sel->where;
    sm_expr *having_in = sel->having;
    /* spark.sql.legacy.parser.havingWithoutGroupByAsWhere: HAVING without
     * GROUP BY is a WHERE */
    if (having_in && sel->ngroup == 0 && sel->nsets == 0 && sel->group_kind == SQL_GROUP_PLAIN) {
        const char *v = sm_session_get(sc->s, "spark.sql.legacy.parser.havingWithoutGroupByAsWhere");
        if (v && strcasecmp(v, "true") == 0) {
            where = an_and(sc, where, having_in);
            if (!where) return SM_NOMEM;
            having_in = NULL;
        }
    }
    /* FROM (and the part of WHERE that joins comma-separated relations) */
    if (!sel->from) {
        df = sm_df_one_row(sc->s);
        if (!df) return an_df_failed();
    } else if (an_is_comma(sel->from) && where) {
        SM_TRY(an_comma_join(sc, sel->from, where, &df, &where));
    } else {
        SM_TRY(an_relation(sc, sel->from, &df));
    }
    /* LATERAL VIEW gen(...) tv AS c1, ...: GENERATE nodes whose columns are
     * qualified by tv */
    for (int i = 0; i < sel->nlaterals; i++) {
        const sql_lateral_view *lv = &sel->laterals[i];
        bool outer = false;
        int kind = an_generator_kind(lv->gen, &outer);
        if (!kind)
            return an_fail_at(sc, lv->gen->pos, lv->gen->end, SM_ANALYSIS,
                              "[UNSUPPORTED_GENERATOR.NOT_GENERATOR] The generator is not "
                              "supported: `%s` is expected to be a generator. However, its class "
                              "is not a generator.",
                              lv->gen->name ? lv->gen->name : "?");
        sm_expr *arg = NULL;
        SM_TRY(an_bind(sc, df->plan->schema, lv->gen->args[0], false, &arg));
        int nin = df->plan->schema->ncols;
        sm_dataframe *gdf = sm_df_generate(df, arg, kind, outer || lv->outer, lv->ncols,
                                           (const char *const *)lv->cols);
        if (!gdf) {
            int rc = sm_errcode() ? sm_errcode() : SM_NOMEM;
            return rc == SM_NOMEM ? rc
                                  : an_fail_at(sc, lv->gen->pos, lv->gen->end, rc, "%s", sm_errmsg());
        }
        sm_schema *gs = gdf->plan->schema;
        for (int c = nin; c < gs->ncols; c++)
            if (!(gs->fields[c].qualifier = sm_arena_strdup(A(sc), lv->table))) return SM_NOMEM;
        df = gdf;
    }
    /* WHERE */
    if (where) {
        sc->input = df;
        if (sql_has_subquery(where)) {
            sm_expr *rest = NULL;
            SM_TRY(sql_plan_subqueries(sc, df, where, true, &df, &rest));
            where = rest;
        }
        if (where) {
            if (an_has_group_agg(where))
                return an_fail_at(sc, where->pos, where->end, SM_ANALYSIS,
                                  "[INVALID_WHERE_CONDITION] The WHERE condition %s contains "
                                  "invalid expressions: aggregate functions are not allowed in "
                                  "WHERE.\nRewrite the query to avoid window functions, "
                                  "aggregate functions, and generator functions in the WHERE "
                                  "clause.",
                                  sm_expr_sql_name(A(sc), where));
            sm_dataframe *f = sm_df_filter_col(df, an_col(sc, where));
            if (!f) return an_df_failed();
            df = f;
        }
    }
    /* a generator in the select list (explode & co): a GENERATE below the
     * projection, the item replaced by references to its columns */
    sql_select gen_sel;
    SM_TRY(an_generators(sc, sel, &df, &gen_sel));
    if (gen_sel.items) sel = &gen_sel;
    sc->input = df;
    const sm_schema *in = df->plan->schema;

    /* the select list: named windows substituted, stars expanded, names */
    bool is_agg = sel->ngroup > 0 || sel->nsets > 0 || sel->group_kind != SQL_GROUP_PLAIN ||
                  having_in != NULL;
    bool any_subq = false;
    for (int i = 0; i < sel->nitems; i++) SM_TRY(an_call_stars(sc, in, sel->items[i]));
    for (int i = 0; i < sel->nitems; i++) {
        if (an_has_group_agg(sel->items[i])) is_agg = true;
        if (sql_has_subquery(sel->items[i])) any_subq = true;
    }
    an_list items = {0};
    bool keep_star = !is_agg && !any_subq && !an_has_hidden(in);
    for (int i = 0; i < sel->nitems; i++) {
        sm_expr *e;
        SM_TRY(an_subst_windows(sc, sel, sel->items[i], &e));
        if (e->kind == SM_EX_STAR) {
            if (!e->name && keep_star) {
                /* sm_df_select expands a bare * by position (duplicate
                 * names from joins stay distinct) */
                SM_TRY(an_list_add(sc, &items, e, NULL));
                continue;
            }
            SM_TRY(an_expand_star(sc, in, e, &items));
            continue;
        }
        const char *name = an_item_name(sc, in, e);
        if (!name) return SM_NOMEM;
        SM_TRY(an_list_add(sc, &items, e, name));
    }
    /* names for the bare-star entries: not needed by ORDER BY lookups except
     * by name; give them the input's names */
    an_list visible = {0}; /* items with * expanded, for ordinals and names */
    for (int i = 0; i < items.n; i++) {
        if (items.e[i]->kind == SM_EX_STAR) {
            for (int c = 0; c < in->ncols; c++) {
                if (an_is_hidden(&in->fields[c])) continue;
                sm_expr *r = an_ref_for(sc, in, c, items.e[i]);
                if (!r) return SM_NOMEM;
                SM_TRY(an_list_add(sc, &visible, r, in->fields[c].name));
            }
        } else {
            SM_TRY(an_list_add(sc, &visible, items.e[i], items.names[i]));
        }
    }

    /* subqueries in the select list (not in aggregate queries) */
    if (any_subq && !is_agg) {
        for (int i = 0; i < items.n; i++) {
            if (!sql_has_subquery(items.e[i])) continue;
            sm_expr *ne = NULL;
            sc->input = df;
            SM_TRY(sql_plan_subqueries(sc, df, items.e[i], false, &df, &ne));
            items.e[i] = ne;
            visible.e[i] = ne; /* no stars here: the lists line up */
        }
        sc->input = df;
    }

    /* aggregation */
    sm_dataframe *base = df;
    an_agg ag = {.sc = sc, .in = in};
    an_list final = {0};
    if (is_agg) {
        sm_dataframe *agg_input = df;
        if (sel->group_kind != SQL_GROUP_PLAIN) {
            SM_TRY(an_grouping_sets(sc, sel, &visible, df, &ag, &agg_input));
        } else {
            ag.keys = sm_arena_alloc(A(sc), (size_t)(sel->ngroup ? sel->ngroup : 1) * sizeof *ag.keys);
            if (!ag.keys) return SM_NOMEM;
            for (int i = 0; i < sel->ngroup; i++) {
                sm_expr *u, *b;
                SM_TRY(an_group_expr(sc, in, &visible, sel->group_by[i], &u));
                if (an_has_group_agg(u))
                    return an_fail_at(sc, sel->group_by[i]->pos, sel->group_by[i]->end,
                                      SM_ANALYSIS,
                                      "[GROUP_BY_AGGREGATE] Aggregate functions are not allowed "
                                      "in GROUP BY, but found %s.",
                                      sm_expr_sql_name(A(sc), u));
                SM_TRY(an_bind(sc, in, u, false, &b));
                ag.keys[ag.nkeys++] = b;
            }
        }
        for (int i = 0; i < visible.n; i++) {
            sm_expr *r;
            SM_TRY(an_agg_rewrite(&ag, visible.e[i], &r));
            sm_expr *a = r->kind == SM_EX_ALIAS ? r : an_alias(sc, r, visible.names[i]);
            if (!a) return SM_NOMEM;
            SM_TRY(an_list_add(sc, &final, a, visible.names[i]));
        }
        sm_expr *having = NULL;
        if (having_in) {
            sm_expr *h;
            SM_TRY(an_subst_windows(sc, sel, having_in, &h));
            SM_TRY(an_subst_aliases(sc, in, &visible, h, false, &h));
            SM_TRY(an_agg_rewrite(&ag, h, &having));
        }
        /* ORDER BY keys that need the aggregation are rewritten now (they
         * may add aggregates); those over the output are bound later */
        sm_sort_key *okeys = NULL;
        if (norder) {
            okeys = sm_arena_alloc(A(sc), (size_t)norder * sizeof *okeys);
            if (!okeys) return SM_NOMEM;
        }
        for (int i = 0; i < norder; i++) {
            okeys[i] = order[i];
            sm_expr *k;
            SM_TRY(an_subst_windows(sc, sel, order[i].expr, &k));
            okeys[i].expr = k;
            if (an_is_int_literal(k) || an_over_output(sc, k, &visible)) continue;
            SM_TRY(an_subst_aliases(sc, in, &visible, k, false, &k));
            SM_TRY(an_agg_rewrite(&ag, k, &okeys[i].expr));
            okeys[i].expr->pos = order[i].expr->pos;
        }
        order = okeys;
        /* the aggregation node: keys __k<i> (+ grouping id), aggregates __a<j> */
        const sm_schema *ain = agg_input->plan->schema;
        sm_grouped *g = sm_arena_alloc(A(sc), sizeof *g);
        if (!g) return SM_NOMEM;
        g->df = agg_input;
        g->nkeys = ag.nkeys + (ag.sets ? 1 : 0);
        g->keys = sm_arena_alloc(A(sc), (size_t)(g->nkeys ? g->nkeys : 1) * sizeof *g->keys);
        g->key_names = sm_arena_alloc(A(sc), (size_t)(g->nkeys ? g->nkeys : 1) * sizeof *g->key_names);
        if (!g->keys || !g->key_names) return SM_NOMEM;
        for (int k = 0; k < g->nkeys; k++) {
            g->keys[k] = ag.sets ? sm_sql_column_ref(sc->s, ain, in->ncols + k) : ag.keys[k];
            g->key_names[k] = sm_arena_printf(A(sc), "__k%d", k);
            if (!g->keys[k] || !g->key_names[k]) return SM_NOMEM;
        }
        sm_column **acols = sm_arena_alloc(A(sc), (size_t)(ag.naggs ? ag.naggs : 1) * sizeof *acols);
        if (!acols) return SM_NOMEM;
        for (int j = 0; j < ag.naggs; j++) {
            char *nm = sm_arena_printf(A(sc), "__a%d", j);
            if (!nm || !(acols[j] = an_col(sc, an_alias(sc, ag.agg_u[j], nm)))) return SM_NOMEM;
        }
        base = sm_grouped_agg_cols(g, ag.naggs, acols);
        if (!base) return an_df_failed();
        if (having) {
            sc->input = base;
            if (sql_has_subquery(having)) {
                sm_expr *rest = NULL;
                SM_TRY(sql_plan_subqueries(sc, base, having, true, &base, &rest));
                having = rest;
            }
            if (having) {
                sm_dataframe *f = sm_df_filter_col(base, an_col(sc, having));
                if (!f) return an_df_failed();
                base = f;
            }
        }
    } else {
        for (int i = 0; i < items.n; i++) {
            sm_expr *e = items.e[i];
            if (e->kind != SM_EX_STAR && e->kind != SM_EX_ALIAS) {
                /* Spark's name without qualifiers; sm_df_select would keep them */
                const char *plain = sm_expr_sql_name(A(sc), e);
                if (!plain || strcmp(plain, items.names[i]) != 0) {
                    e = an_alias(sc, e, items.names[i]);
                    if (!e) return SM_NOMEM;
                }
            }
            SM_TRY(an_list_add(sc, &final, e, items.names[i]));
        }
    }

    /* ORDER BY: keys over the output, or hidden columns computed with it */
    int nvis = visible.n;
    sm_sort_key *keys = norder ? sm_arena_alloc(A(sc), (size_t)norder * sizeof *keys) : NULL;
    bool *pre = norder ? sm_arena_alloc(A(sc), (size_t)norder) : NULL;
    int *ordinal = norder ? sm_arena_alloc(A(sc), (size_t)norder * sizeof *ordinal) : NULL;
    if (norder && (!keys || !pre || !ordinal)) return SM_NOMEM;
    int nhidden = 0;
    for (int i = 0; i < norder; i++) {
        sm_expr *k = order[i].expr;
        keys[i] = order[i];
        ordinal[i] = -1;
        if (an_is_int_literal(k) && an_conf_true(sc, "spark.sql.orderByOrdinal")) {
            int64_t p = an_int_literal(k);
            if (p < 1 || p > nvis)
                return an_fail_at(sc, k->pos, k->end, SM_ANALYSIS,
                                  "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position %lld is not in "
                                  "select list (valid range is [1, %d]).",
                                  (long long)p, nvis);
            ordinal[i] = (int)p - 1;
            continue;
        }
        if (!is_agg) {
            SM_TRY(an_subst_windows(sc, sel, k, &k));
            keys[i].expr = k;
        }
        /* SELECT DISTINCT sorts its output only: other names fail to bind
         * there with Spark's UNRESOLVED_COLUMN */
        if (sel->distinct || an_over_output(sc, k, &visible)) continue;
        if (!is_agg) SM_TRY(an_subst_aliases(sc, in, &visible, k, false, &k));
        char *hn = sm_arena_printf(A(sc), "__s%d", nhidden++);
        sm_expr *h = hn ? an_alias(sc, k, hn) : NULL;
        if (!h) return SM_NOMEM;
        SM_TRY(an_list_add(sc, &final, h, hn));
        keys[i].expr = an_column(sc, hn, order[i].expr);
        if (!keys[i].expr) return SM_NOMEM;
    }

    /* the projection */
    sm_column **cols = sm_arena_alloc(A(sc), (size_t)(final.n ? final.n : 1) * sizeof *cols);
    if (!cols) return SM_NOMEM;
    for (int i = 0; i < final.n; i++)
        if (!(cols[i] = an_col(sc, final.e[i]))) return SM_NOMEM;
    sm_dataframe *p = sm_df_select(base, final.n, cols);
    if (!p) return an_df_failed();
    if (sel->distinct) {
        p = sm_df_distinct(p);
        if (!p) return an_df_failed();
    }
    if (norder) {
        const sm_schema *ps = p->plan->schema;
        for (int i = 0; i < norder; i++) {
            pre[i] = ordinal[i] >= 0;
            if (pre[i] && !(keys[i].expr = sm_sql_column_ref(sc->s, ps, ordinal[i])))
                return SM_NOMEM;
        }
        p = sm_df_sort_exprs(p, norder, keys, pre, sc->text);
        if (!p) return an_df_failed();
        if (nhidden) {
            int nv = ps->ncols - nhidden;
            sm_expr **ex = sm_arena_alloc(A(sc), (size_t)(nv ? nv : 1) * sizeof *ex);
            const char **names = sm_arena_alloc(A(sc), (size_t)(nv ? nv : 1) * sizeof *names);
            if (!ex || !names) return SM_NOMEM;
            for (int c = 0; c < nv; c++) {
                if (!(ex[c] = sm_sql_column_ref(sc->s, ps, c))) return SM_NOMEM;
                names[c] = ps->fields[c].name;
            }
            p = sm_df_project_bound(p, nv, ex, names);
            if (!p) return an_df_failed();
        }
    }
    *out = p;
    return SM_OK;
}

/* ORDER BY over a query that is not a SELECT (set operations, VALUES,
 * TABLE): ordinals and output columns only. */
static int an_order_output(sql_scope *sc, sm_dataframe **df, const sm_sort_key *order, int n) {
    sm_sort_key *keys = sm_arena_alloc(A(sc), (size_t)n * sizeof *keys);
    bool *pre = sm_arena_alloc(A(sc), (size_t)n);
    if (!keys || !pre) return SM_NOMEM;
    const sm_schema *s = (*df)->plan->schema;
    for (int i = 0; i < n; i++) {
        keys[i] = order[i];
        if (an_is_int_literal(order[i].expr) && an_conf_true(sc, "spark.sql.orderByOrdinal")) {
            int64_t p = an_int_literal(order[i].expr);
            if (p < 1 || p > s->ncols)
                return an_fail_at(sc, order[i].expr->pos, order[i].expr->end, SM_ANALYSIS,
                                  "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position %lld is not in "
                                  "select list (valid range is [1, %d]).",
                                  (long long)p, s->ncols);
            keys[i].expr = sm_sql_column_ref(sc->s, s, (int)p - 1);
            if (!keys[i].expr) return SM_NOMEM;
            pre[i] = true;
        }
    }
    sm_dataframe *r = sm_df_sort_exprs(*df, n, keys, pre, sc->text);
    if (!r) return an_df_failed();
    *df = r;
    return SM_OK;
}

/* ---- queries ------------------------------------------------------------------------------ */

static int an_setop(sql_scope *sc, const sql_query *q, sm_dataframe **out) {
    sm_dataframe *l, *r, *df = NULL;
    if (q->legacy && an_conf_set(sc, "spark.sql.legacy.setopsPrecedence.enabled"))
        q = q->legacy; /* the chain left to right; ORDER BY / LIMIT stay the caller's */
    SM_TRY(sql_analyze_query_in(sc, q->left, &l));
    SM_TRY(sql_analyze_query_in(sc, q->right, &r));
    switch (q->setop) {
    case SQL_SET_UNION:
        df = sm_df_union(l, r);
        if (df && !q->setop_all) df = sm_df_distinct(df);
        break;
    case SQL_SET_INTERSECT: df = q->setop_all ? sm_df_intersect_all(l, r) : sm_df_intersect(l, r); break;
    case SQL_SET_EXCEPT: df = q->setop_all ? sm_df_except_all(l, r) : sm_df_subtract(l, r); break;
    }
    if (!df) return an_df_failed();
    *out = df;
    return SM_OK;
}

int sql_analyze_query_in(sql_scope *parent, const sql_query *q, sm_dataframe **out) {
    if (!parent || !parent->s || !q) return sm_err(SM_INVALID, "sql_analyze_query_in: missing argument");
    sql_scope sc = {.s = parent->s, .text = parent->text, .outer = parent, .ctes = parent->ctes};
    /* WITH: each CTE analyzed once; later ones see earlier ones */
    for (int i = 0; i < q->nctes; i++) {
        const sql_cte *c = &q->ctes[i];
        sql_scope body = {.s = sc.s, .text = sc.text, .outer = parent, .ctes = sc.ctes};
        sm_dataframe *df;
        SM_TRY(sql_analyze_query_in(&body, c->query, &df));
        if (c->ncol_aliases > 0)
            SM_TRY(an_rename(&sc, &df, c->col_aliases, c->ncol_aliases, c->query->pos, c->query->end));
        sql_cte_binding *b = sm_arena_alloc(A(&sc), sizeof *b);
        if (!b) return SM_NOMEM;
        b->name = c->name;
        b->df = df;
        b->next = sc.ctes;
        sc.ctes = b;
    }
    sm_dataframe *df = NULL;
    bool ordered = false;
    switch (q->kind) {
    case SQL_Q_SELECT:
        SM_TRY(an_select(&sc, q->select, q->order, q->norder, &df));
        ordered = true;
        break;
    case SQL_Q_SETOP: SM_TRY(an_setop(&sc, q, &df)); break;
    case SQL_Q_VALUES: SM_TRY(an_values(&sc, q, &df)); break;
    case SQL_Q_TABLE: SM_TRY(an_table(&sc, &q->table, &df)); break;
    }
    if (!ordered && q->norder > 0) SM_TRY(an_order_output(&sc, &df, q->order, q->norder));
    if (q->offset) {
        int64_t m;
        SM_TRY(an_const_int(&sc, q->offset, "offset", &m));
        if (m < 0)
            return an_fail_at(&sc, q->offset->pos, q->offset->end, SM_ANALYSIS,
                              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The offset like "
                              "expression \"%s\" is invalid. The offset expression must be equal "
                              "to or greater than 0, but got %lld.",
                              sm_expr_sql_name(A(&sc), q->offset), (long long)m);
        if (m > 0 && !(df = sm_df_offset(df, m))) return an_df_failed();
    }
    if (q->limit) {
        int64_t n;
        SM_TRY(an_const_int(&sc, q->limit, "limit", &n));
        if (n < 0)
            return an_fail_at(&sc, q->limit->pos, q->limit->end, SM_ANALYSIS,
                              "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like "
                              "expression \"%s\" is invalid. The limit expression must be equal "
                              "to or greater than 0, but got %lld.",
                              sm_expr_sql_name(A(&sc), q->limit), (long long)n);
        if (!(df = sm_df_limit(df, n))) return an_df_failed();
    }
    *out = df;
    return SM_OK;
}

int sql_analyze_query(sm_session *s, const sql_query *q, const char *text, sm_dataframe **out) {
    if (!s || !q || !out) return sm_err(SM_INVALID, "sql_analyze_query: missing argument");
    sql_scope root = {.s = s, .text = text};
    return sql_analyze_query_in(&root, q, out);
}
