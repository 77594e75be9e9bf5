/*
 * subquery.c — subquery expressions in SQL: scalar subqueries, [NOT]
 * EXISTS and [NOT] IN (subquery), correlated or not, planned as joins
 * (Spark 3.5's RewritePredicateSubquery / RewriteCorrelatedScalarSubquery,
 * done on the way into the plan instead of as optimizer rules).
 *
 * Decorrelation.  A subquery is first analyzed as written (its own scope
 * chained to the enclosing one).  When that fails, its WHERE conjuncts are
 * inspected: a column that does not resolve against the subquery's FROM
 * but does against the enclosing input (the DataFrame the enclosing
 * expression is bound to) is an outer reference, and a conjunct holding
 * one is a correlated predicate.  Those are taken out of the subquery:
 *   inner = outer    the inner side becomes an extra output column of the
 *                    subquery (a GROUP BY key when it aggregates), and
 *                    `outer = that column` a join condition;
 *   anything else    (l2.l_suppkey <> l1.l_suppkey) every inner column in
 *                    it becomes an extra output column and the conjunct,
 *                    rewritten over those columns, a residual join
 *                    condition (not allowed when the subquery aggregates).
 * The FROM of the subquery is analyzed once more on its own to learn which
 * names it binds (its schema with qualifiers: the child of a trivial
 * projection over it).
 *
 * Planning, with the subquery's output columns renamed __sq<N>_v<i>
 * (values), __sq<N>_k<i> (correlation keys), __sq<N>_r<j> (residual
 * columns), __sq<N>_m / _n / _c (markers and counts), unique per subquery:
 *   - conjunct of a filter EXISTS / NOT EXISTS: LEFT SEMI / LEFT ANTI join
 *     on the correlation conditions (an uncorrelated one joins against the
 *     subquery's first row only);
 *   - conjunct x IN (sub): LEFT SEMI on x = v AND correlation; x NOT IN
 *     (sub): a null-aware LEFT ANTI join when uncorrelated with an equi-key,
 *     else LEFT ANTI on (x = v OR isnull(x = v)) AND correlation (Spark's
 *     rewrite for the general case);
 *   - a scalar subquery: uncorrelated, a single-row relation joined to the
 *     input (cross join when it is a global aggregate, which always has one
 *     row; otherwise a left join on true after an eager check that it has
 *     at most one row, [SCALAR_SUBQUERY_TOO_MANY_ROWS], run at analysis —
 *     Spark runs scalar subqueries before the main query too); correlated,
 *     it must aggregate: grouped by the correlation keys and left-joined on
 *     them, and when the aggregate of no rows is not null (count: 0) the
 *     value is CASE WHEN no match THEN that ELSE value END (the "count bug");
 *   - EXISTS / IN anywhere else (select items, under OR / NOT): an existence
 *     join producing a boolean: a left join against the distinct subquery
 *     rows with a marker column.  As in Spark 3.5 the result is two-valued:
 *     x IN (sub) is "some row has v = x" (false, not null, for a null x or
 *     a null v); x NOT IN (sub) is "no row has v = x or v = x unknown",
 *     computed from the marker and per-key row / non-null counts.
 *     Correlation must be equalities there.
 * A filter's own remaining condition is applied here and the added columns
 * projected away, so *e_out is NULL for filters and the input keeps its
 * columns; select items get the extra columns and a rewritten expression.
 *
 * Memory: everything lives in the session arena.  Single-threaded, like the
 * rest of analysis.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/analyze.h"

bool sql_has_subquery(const sm_expr *e) {
    if (!e) return false;
    if (e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS || e->kind == SM_EX_IN_SUBQUERY)
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (sql_has_subquery(e->args[i])) return true;
    return false;
}

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
    sql_scope *sc;
    sm_arena *a;
} sq_ctx;

static atomic_int sq_counter;

static int sq_df_failed(void) {
    int c = sm_errcode();
    return c != SM_OK ? c : sm_err(SM_INTERNAL, "a DataFrame operation failed without a message");
}

static sm_column *sq_colobj(sq_ctx *x, sm_expr *e) {
    if (!e) return NULL;
    sm_column *c = sm_arena_alloc(x->a, sizeof *c);
    if (!c) return NULL;
    c->session = x->sc->s;
    c->expr = e;
    c->text = x->sc->text;
    return c;
}

static sm_expr *sq_col(sq_ctx *x, const char *name) {
    sm_expr *c = name ? sm_expr_column(x->a, name) : NULL;
    if (c) c->pos = c->end = -1;
    return c;
}

static sm_expr *sq_call(sq_ctx *x, const char *name, int n, sm_expr **args) {
    for (int i = 0; i < n; i++)
        if (!args[i]) return NULL;
    sm_expr *c = sm_expr_call(x->a, name, n, args);
    if (c) c->pos = c->end = -1;
    return c;
}

static sm_expr *sq_call1(sq_ctx *x, const char *name, sm_expr *a) { return sq_call(x, name, 1, &a); }

static sm_expr *sq_call2(sq_ctx *x, const char *name, sm_expr *a, sm_expr *b) {
    sm_expr *args[2] = {a, b};
    return sq_call(x, name, 2, args);
}

static sm_expr *sq_and(sq_ctx *x, sm_expr *a, sm_expr *b) {
    if (!a) return b;
    if (!b) return a;
    return sq_call2(x, "and", a, b);
}

static sm_expr *sq_bool(sq_ctx *x, bool v) {
    sm_value t = {.type = SM_BOOLEAN};
    t.v.b = v;
    sm_expr *e = sm_expr_literal(x->a, &t);
    if (e) e->pos = e->end = -1;
    return e;
}

static sm_expr *sq_int(sq_ctx *x, int64_t v) {
    sm_value t = {.type = SM_BIGINT};
    t.v.i64 = v;
    sm_expr *e = sm_expr_literal(x->a, &t);
    if (e) e->pos = e->end = -1;
    return e;
}

static sm_expr *sq_null(sq_ctx *x) {
    sm_value t = {.type = SM_NULLTYPE, .is_null = true};
    sm_expr *e = sm_expr_literal(x->a, &t);
    if (e) e->pos = e->end = -1;
    return e;
}

/* CASE WHEN w1 THEN t1 ... ELSE e END (n pairs). */
static sm_expr *sq_case(sq_ctx *x, int n, sm_expr **when, sm_expr **then, sm_expr *els) {
    sm_expr *c = sm_expr_new(x->a, SM_EX_CASE);
    if (!c) return NULL;
    c->pos = c->end = -1;
    c->nargs = 2 * n + (els ? 1 : 0);
    c->args = sm_arena_alloc(x->a, (size_t)c->nargs * sizeof *c->args);
    if (!c->args) return NULL;
    for (int i = 0; i < n; i++) {
        if (!when[i] || !then[i]) return NULL;
        c->args[2 * i] = when[i];
        c->args[2 * i + 1] = then[i];
    }
    if (els) {
        c->args[2 * n] = els;
        c->has_else = true;
    }
    return c;
}

static bool sq_is_call(const sm_expr *e, const char *name, int nargs) {
    return e && e->kind == SM_EX_CALL && e->name && e->nargs == nargs &&
           strcasecmp(e->name, name) == 0;
}

/* Does column expression `col` bind against `schema` (ambiguity counts as
 * binding: the analyzer reports it)? */
static bool sq_binds(sq_ctx *x, const sm_schema *schema, const sm_expr *col) {
    if (!schema) return false;
    sm_bind_ctx bc;
    sm_expr *b;
    sm_session_bind_ctx(x->sc->s, schema, NULL, &bc);
    bool ok = sm_expr_bind(&bc, col, &b) == SM_OK;
    if (ok) {
        sm_expr_release(b);
    } else {
        const char *m = sm_last_error();
        ok = m && strstr(m, "AMBIGUOUS") != NULL;
    }
    sm_err_clear();
    return ok;
}

/* Renames every column of df (bound projection, qualifiers dropped). */
static int sq_rename(sq_ctx *x, sm_dataframe **df, const char **names) {
    const sm_schema *in = (*df)->plan->schema;
    int n = in->ncols;
    sm_expr **ex = sm_arena_alloc(x->a, (size_t)(n ? n : 1) * sizeof *ex);
    if (!ex) return SM_NOMEM;
    for (int i = 0; i < n; i++)
        if (!(ex[i] = sm_sql_column_ref(x->sc->s, in, i))) return SM_NOMEM;
    sm_dataframe *r = sm_df_project_bound(*df, n, ex, names);
    if (!r) return sq_df_failed();
    for (int i = 0; i < n; i++) r->plan->schema->fields[i].qualifier = NULL;
    *df = r;
    return SM_OK;
}

/* The first n columns of df (drops what planning added). */
static int sq_keep_first(sq_ctx *x, sm_dataframe **df, const sm_schema *orig) {
    const sm_schema *in = (*df)->plan->schema;
    int n = orig->ncols;
    if (in->ncols == n) return SM_OK;
    sm_expr **ex = sm_arena_alloc(x->a, (size_t)(n ? n : 1) * sizeof *ex);
    const char **names = sm_arena_alloc(x->a, (size_t)(n ? n : 1) * sizeof *names);
    if (!ex || !names) return SM_NOMEM;
    for (int i = 0; i < n; i++) {
        if (!(ex[i] = sm_sql_column_ref(x->sc->s, in, i))) return SM_NOMEM;
        names[i] = in->fields[i].name;
    }
    sm_dataframe *r = sm_df_project_bound(*df, n, ex, names);
    if (!r) return sq_df_failed();
    for (int i = 0; i < n; i++) r->plan->schema->fields[i] = orig->fields[i];
    *df = r;
    return SM_OK;
}

/* Projects df to some of its columns (by index) plus a literal true marker
 * named `marker` (NULL: none). */
static int sq_project_marker(sq_ctx *x, sm_dataframe **df, const int *cols, int n,
                             const char *marker) {
    const sm_schema *in = (*df)->plan->schema;
    int total = n + (marker ? 1 : 0);
    sm_expr **ex = sm_arena_alloc(x->a, (size_t)(total ? total : 1) * sizeof *ex);
    const char **names = sm_arena_alloc(x->a, (size_t)(total ? total : 1) * sizeof *names);
    if (!ex || !names) return SM_NOMEM;
    for (int i = 0; i < n; i++) {
        if (!(ex[i] = sm_sql_column_ref(x->sc->s, in, cols[i]))) return SM_NOMEM;
        names[i] = in->fields[cols[i]].name;
    }
    if (marker) {
        sm_bind_ctx bc;
        sm_session_bind_ctx(x->sc->s, in, NULL, &bc);
        sm_expr *t = sq_bool(x, true), *b;
        if (!t) return SM_NOMEM;
        SM_TRY(sm_expr_bind(&bc, t, &b));
        ex[n] = b;
        names[n] = marker;
    }
    sm_dataframe *r = sm_df_project_bound(*df, total, ex, names);
    if (!r) return sq_df_failed();
    *df = r;
    return SM_OK;
}

static int sq_join(sq_ctx *x, sm_dataframe **df, sm_dataframe *right, sm_expr *cond,
                   const char *how) {
    sm_dataframe *r;
    if (!cond && strcmp(how, "inner") == 0) r = sm_df_cross_join(*df, right);
    else r = sm_df_join_col(*df, right, cond ? sq_colobj(x, cond) : NULL, how);
    if (!r) return sq_df_failed();
    *df = r;
    return SM_OK;
}

/* ---- aggregates ----------------------------------------------------------------- */

static bool sq_is_agg_call(const sm_expr *e) {
    return e->kind == SM_EX_CALL && e->name && sm_agg_find(e->name) && !sm_func_find(e->name);
}

/* An aggregate call outside window functions and nested subqueries. */
static bool sq_has_agg(const sm_expr *e) {
    if (!e || e->kind == SM_EX_WINDOW || e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS ||
        e->kind == SM_EX_IN_SUBQUERY)
        return false;
    if (sq_is_agg_call(e)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (sq_has_agg(e->args[i])) return true;
    return false;
}

static bool sq_select_aggregates(const sql_select *sel) {
    if (sel->ngroup > 0 || sel->nsets > 0 || sel->group_kind != SQL_GROUP_PLAIN || sel->having)
        return true;
    for (int i = 0; i < sel->nitems; i++)
        if (sq_has_agg(sel->items[i])) return true;
    return false;
}

/* The value of an aggregate expression over no rows (Spark's
 * evalAggregateOnEmpty): count-like aggregates are 0, others null. */
static sm_expr *sq_on_empty(sq_ctx *x, const sm_expr *e) {
    if (e->kind == SM_EX_ALIAS && e->nargs == 1) return sq_on_empty(x, e->args[0]);
    if (sq_is_agg_call(e)) {
        if (strcasecmp(e->name, "count") == 0 || strcasecmp(e->name, "count_if") == 0 ||
            strcasecmp(e->name, "approx_count_distinct") == 0)
            return sq_int(x, 0);
        return sq_null(x);
    }
    sm_expr *c = sm_arena_alloc(x->a, sizeof *c);
    if (!c) return NULL;
    *c = *e;
    if (e->nargs) {
        c->args = sm_arena_alloc(x->a, (size_t)e->nargs * sizeof *c->args);
        if (!c->args) return NULL;
        for (int i = 0; i < e->nargs; i++)
            if (!(c->args[i] = sq_on_empty(x, e->args[i]))) return NULL;
    }
    return c;
}

/* ---- analysis and decorrelation ------------------------------------------------------ */

/* A subquery analyzed for planning. */
typedef struct {
    int id;
    sm_dataframe *df;   /* columns renamed: v0.., k0.., r0.. */
    int nvals;          /* the subquery's own output columns */
    int nkeys;          /* correlation keys: outer_keys[i] = __sq<id>_k<i> */
    sm_expr **outer_keys;
    sm_expr *residual;  /* over the outer input and __sq<id>_r<j>, or NULL */
    int nres;
    bool correlated;
    bool aggregated;    /* the subquery (as written) aggregates */
    bool grouped;       /* ... with GROUP BY / HAVING (may have no row) */
    bool one_row;       /* surely exactly one row (a global aggregate) */
    const sm_expr *item0; /* its first select item as written (SELECT only) */
} sq_sub;

static const char *sq_name(sq_ctx *x, int id, char kind, int i) {
    return i >= 0 ? sm_arena_printf(x->a, "__sq%d_%c%d", id, kind, i)
                  : sm_arena_printf(x->a, "__sq%d_%c", id, kind);
}

typedef struct {
    sq_ctx *x;
    const sm_schema *inner, *outer;
} sq_cls;

/* Bit 1: e references inner columns; bit 2: outer ones (not looking into
 * nested subqueries, whose own planning sees them). */
static int sq_classify(sq_cls *c, const sm_expr *e) {
    if (!e) return 0;
    if (e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS) return 0;
    if (e->kind == SM_EX_IN_SUBQUERY) return e->nargs ? sq_classify(c, e->args[0]) : 0;
    if (e->kind == SM_EX_COLUMN) {
        if (sq_binds(c->x, c->inner, e)) return 1;
        if (sq_binds(c->x, c->outer, e)) return 2;
        return 1; /* unresolvable: the subquery's analysis reports it */
    }
    int m = 0;
    for (int i = 0; i < e->nargs; i++) m |= sq_classify(c, e->args[i]);
    return m;
}

typedef struct {
    sm_expr **e;
    int n, cap;
} sq_list;

static int sq_push(sq_ctx *x, sq_list *l, sm_expr *e) {
    if (!e) return SM_NOMEM;
    if (l->n == l->cap) {
        int nc = l->cap ? 2 * l->cap : 8;
        sm_expr **ne = sm_arena_alloc(x->a, (size_t)nc * sizeof *ne);
        if (!ne) return SM_NOMEM;
        if (l->n) memcpy(ne, l->e, (size_t)l->n * sizeof *ne);
        l->e = ne;
        l->cap = nc;
    }
    l->e[l->n++] = e;
    return SM_OK;
}

static int sq_conjuncts(sq_ctx *x, sm_expr *e, sq_list *out) {
    if (sq_is_call(e, "and", 2)) {
        SM_TRY(sq_conjuncts(x, e->args[0], out));
        return sq_conjuncts(x, e->args[1], out);
    }
    return sq_push(x, out, e);
}

/* A copy of residual conjunct e with its inner columns replaced by
 * __sq<id>_r<j> references; the inner columns are appended to `exposed`. */
static int sq_residual_copy(sq_cls *c, int id, const sm_expr *e, sq_list *exposed, int *nres,
                            sm_expr **out) {
    sq_ctx *x = c->x;
    if (e->kind == SM_EX_COLUMN && sq_classify(c, e) == 1) {
        SM_TRY(sq_push(x, exposed, sm_expr_copy(x->a, e)));
        *out = sq_col(x, sq_name(x, id, 'r', (*nres)++));
        return *out ? SM_OK : SM_NOMEM;
    }
    sm_expr *cp = sm_arena_alloc(x->a, sizeof *cp);
    if (!cp) return SM_NOMEM;
    *cp = *e;
    if (e->kind != SM_EX_SUBQUERY && e->kind != SM_EX_EXISTS && e->nargs) {
        cp->args = sm_arena_alloc(x->a, (size_t)e->nargs * sizeof *cp->args);
        if (!cp->args) return SM_NOMEM;
        for (int i = 0; i < e->nargs; i++) {
            if (e->kind == SM_EX_IN_SUBQUERY && i > 0) cp->args[i] = e->args[i];
            else SM_TRY(sq_residual_copy(c, id, e->args[i], exposed, nres, &cp->args[i]));
        }
    }
    *out = cp;
    return SM_OK;
}

/* The schema of sel's FROM, with qualifiers. */
static int sq_from_schema(sq_ctx *x, const sql_query *q, const sm_schema **out) {
    const sql_select *sel = q->select;
    *out = NULL;
    if (!sel->from) return SM_OK;
    sql_select *ps = sm_arena_alloc(x->a, sizeof *ps);
    sql_query *pq = sm_arena_alloc(x->a, sizeof *pq);
    sm_expr **items = sm_arena_alloc(x->a, sizeof *items);
    if (!ps || !pq || !items || !(items[0] = sq_int(x, 1))) return SM_NOMEM;
    memset(ps, 0, sizeof *ps);
    memset(pq, 0, sizeof *pq);
    ps->items = items;
    ps->nitems = 1;
    ps->from = sel->from;
    pq->kind = SQL_Q_SELECT;
    pq->pos = q->pos;
    pq->end = q->end;
    pq->ctes = q->ctes;
    pq->nctes = q->nctes;
    pq->select = ps;
    sm_dataframe *df;
    SM_TRY(sql_analyze_query_in(x->sc, pq, &df));
    const sm_plan *p = df->plan;
    *out = p->kind == SM_PLAN_PROJECT && p->child ? p->child->schema : p->schema;
    return SM_OK;
}

static bool sq_is_global_agg(const sql_query *q) {
    if (q->kind != SQL_Q_SELECT || q->limit || q->offset) return false;
    const sql_select *sel = q->select;
    if (sel->ngroup > 0 || sel->nsets > 0 || sel->group_kind != SQL_GROUP_PLAIN || sel->having)
        return false;
    return sq_select_aggregates(sel);
}

/* Analyzes the subquery of expression `at`, decorrelating it against the
 * enclosing input's schema `outer`; the select list is kept as written
 * (EXISTS too: it may aggregate) and the exposed columns appended. */
static int sq_analyze(sq_ctx *x, const sm_expr *at, const sm_schema *outer, sq_sub *sub) {
    const sql_query *q = at->subquery;
    memset(sub, 0, sizeof *sub);
    sub->id = atomic_fetch_add(&sq_counter, 1) + 1;
    if (!q) return sm_err(SM_INTERNAL, "a subquery expression without its query");
    if (q->kind == SQL_Q_SELECT) {
        sub->aggregated = sq_select_aggregates(q->select);
        sub->grouped = q->select->ngroup > 0 || q->select->nsets > 0 ||
                       q->select->group_kind != SQL_GROUP_PLAIN || q->select->having;
        sub->item0 = q->select->nitems > 0 ? q->select->items[0] : NULL;
    }
    sub->one_row = sq_is_global_agg(q);

    sm_dataframe *df = NULL;
    int rc = sql_analyze_query_in(x->sc, q, &df);
    if (rc != SM_OK && rc != SM_ANALYSIS) return rc;
    if (rc == SM_OK) {
        sub->nvals = df->plan->schema->ncols;
    } else {
        /* correlated?  Split the WHERE of a SELECT into local and correlated
         * conjuncts; without any outer reference the error stands. */
        if (q->kind != SQL_Q_SELECT || !q->select->where) return rc;
        char *saved = sm_arena_strdup(x->a, sm_last_error());
        const sql_select *sel = q->select;
        const sm_schema *inner = NULL;
        int frc = sq_from_schema(x, q, &inner);
        if (frc != SM_OK) return frc;
        sq_cls cls = {.x = x, .inner = inner, .outer = outer};
        sq_list conj = {0}, local = {0}, exposed = {0}, residual = {0};
        SM_TRY(sq_conjuncts(x, sel->where, &conj));
        sq_list okeys = {0};
        int nres = 0;
        for (int i = 0; i < conj.n; i++) {
            sm_expr *c = conj.e[i];
            int m = sq_classify(&cls, c);
            if (!(m & 2)) {
                SM_TRY(sq_push(x, &local, c));
                continue;
            }
            if (sq_is_call(c, "=", 2)) {
                int ma = sq_classify(&cls, c->args[0]), mb = sq_classify(&cls, c->args[1]);
                if ((ma == 1 && mb == 2) || (ma == 2 && mb == 1)) {
                    SM_TRY(sq_push(x, &exposed, sm_expr_copy(x->a, ma == 1 ? c->args[0] : c->args[1])));
                    SM_TRY(sq_push(x, &okeys, ma == 1 ? c->args[1] : c->args[0]));
                    continue;
                }
            }
            SM_TRY(sq_push(x, &residual, c));
        }
        if (okeys.n == 0 && residual.n == 0) {
            sm_err(SM_ANALYSIS, "%s", saved ? saved : "subquery analysis failed");
            return rc;
        }
        sub->correlated = true;
        sub->nkeys = okeys.n;
        sub->outer_keys = okeys.e;
        /* residual conjuncts: their inner columns exposed after the keys */
        for (int i = 0; i < residual.n; i++) {
            sm_expr *r;
            SM_TRY(sq_residual_copy(&cls, sub->id, residual.e[i], &exposed, &nres, &r));
            sub->residual = sq_and(x, sub->residual, r);
            if (!sub->residual) return SM_NOMEM;
        }
        sub->nres = nres;
        if (sub->aggregated && nres > 0)
            return sm_err(SM_ANALYSIS,
                           "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_"
                           "ALLOWED_IN_PREDICATE] Unsupported subquery expression: Correlated "
                           "column is not allowed in predicate of an aggregating subquery: only "
                           "equality predicates (inner = outer) can correlate it.");
        if (sub->aggregated && sel->group_kind != SQL_GROUP_PLAIN)
            return sm_err(SM_UNSUPPORTED,
                          "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] A correlated subquery with "
                          "GROUPING SETS / ROLLUP / CUBE is not supported.");
        /* the rewritten SELECT: local WHERE, exposed columns appended */
        sql_select *ns = sm_arena_alloc(x->a, sizeof *ns);
        sql_query *nq = sm_arena_alloc(x->a, sizeof *nq);
        if (!ns || !nq) return SM_NOMEM;
        *ns = *sel;
        *nq = *q;
        nq->select = ns;
        ns->where = NULL;
        for (int i = 0; i < local.n; i++)
            if (!(ns->where = sq_and(x, ns->where, local.e[i]))) return SM_NOMEM;
        ns->nitems = sel->nitems + exposed.n;
        ns->items = sm_arena_alloc(x->a, (size_t)ns->nitems * sizeof *ns->items);
        if (!ns->items) return SM_NOMEM;
        memcpy(ns->items, sel->items, (size_t)sel->nitems * sizeof *ns->items);
        for (int i = 0; i < exposed.n; i++) {
            const char *nm = i < okeys.n ? sq_name(x, sub->id, 'k', i)
                                         : sq_name(x, sub->id, 'r', i - okeys.n);
            sm_expr *al = nm ? sm_expr_alias(x->a, exposed.e[i], nm) : NULL;
            if (!al) return SM_NOMEM;
            al->pos = exposed.e[i]->pos;
            al->end = exposed.e[i]->end;
            ns->items[sel->nitems + i] = al;
        }
        if (sub->aggregated) {
            ns->ngroup = sel->ngroup + okeys.n;
            ns->group_by = sm_arena_alloc(x->a, (size_t)ns->ngroup * sizeof *ns->group_by);
            if (!ns->group_by) return SM_NOMEM;
            if (sel->ngroup) memcpy(ns->group_by, sel->group_by, (size_t)sel->ngroup * sizeof *ns->group_by);
            for (int i = 0; i < okeys.n; i++)
                if (!(ns->group_by[sel->ngroup + i] = sm_expr_copy(x->a, exposed.e[i]))) return SM_NOMEM;
        }
        SM_TRY(sql_analyze_query_in(x->sc, nq, &df));
        sub->nvals = df->plan->schema->ncols - exposed.n;
        if (sub->nvals < 0) return sm_err(SM_INTERNAL, "correlated subquery: lost columns");
    }
    /* rename: v0.., k0.., r0.. */
    int n = df->plan->schema->ncols;
    const char **names = sm_arena_alloc(x->a, (size_t)(n ? n : 1) * sizeof *names);
    if (!names) return SM_NOMEM;
    for (int i = 0; i < n; i++) {
        if (i < sub->nvals) names[i] = sq_name(x, sub->id, 'v', i);
        else if (i < sub->nvals + sub->nkeys) names[i] = sq_name(x, sub->id, 'k', i - sub->nvals);
        else names[i] = sq_name(x, sub->id, 'r', i - sub->nvals - sub->nkeys);
        if (!names[i]) return SM_NOMEM;
    }
    SM_TRY(sq_rename(x, &df, names));
    sub->df = df;
    return SM_OK;
}

/* AND of outer_key_i = __sq_k<i>, and the residual. */
static sm_expr *sq_corr_cond(sq_ctx *x, const sq_sub *sub, bool *nomem) {
    sm_expr *c = NULL;
    *nomem = false;
    for (int i = 0; i < sub->nkeys; i++) {
        sm_expr *o = sm_expr_copy(x->a, sub->outer_keys[i]);
        sm_expr *eq = sq_call2(x, "=", o, sq_col(x, sq_name(x, sub->id, 'k', i)));
        if (!eq || !(c = sq_and(x, c, eq))) {
            *nomem = true;
            return NULL;
        }
    }
    if (sub->residual && !(c = sq_and(x, c, sub->residual))) *nomem = true;
    return c;
}

/* ---- scalar subqueries ------------------------------------------------------------ */

static int sq_scalar(sq_ctx *x, const sm_expr *at, sm_dataframe **df, sm_expr **out) {
    sq_sub sub;
    SM_TRY(sq_analyze(x, at, (*df)->plan->schema, &sub));
    if (sub.nvals != 1)
        return sm_err(SM_ANALYSIS,
                      "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_"
                      "COLUMN] Invalid subquery: Scalar subquery must return only one column, but "
                      "got %d.",
                      sub.nvals);
    const char *v = sq_name(x, sub.id, 'v', 0);
    if (!v) return SM_NOMEM;
    if (!sub.correlated) {
        if (sub.one_row) {
            SM_TRY(sq_join(x, df, sub.df, NULL, "inner"));
        } else {
            /* at most one row: checked now (Spark runs it before the query) */
            int64_t n = 0;
            sm_dataframe *lim = sm_df_limit(sub.df, 2);
            if (!lim) return sq_df_failed();
            SM_TRY(sm_df_count(lim, &n));
            if (n > 1)
                return sm_err(SM_INVALID, "[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row "
                                          "returned by a subquery used as an expression.");
            SM_TRY(sq_join(x, df, sub.df, NULL, "left"));
        }
        *out = sq_col(x, v);
        return *out ? SM_OK : SM_NOMEM;
    }
    if (!sub.aggregated)
        return sm_err(SM_ANALYSIS,
                      "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_"
                      "SUBQUERY] Unsupported subquery expression: Correlated scalar subqueries "
                      "must be aggregated to return at most one row.");
    if (sub.residual)
        return sm_err(SM_ANALYSIS,
                      "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_"
                      "IN_PREDICATE] Unsupported subquery expression: only equality predicates "
                      "(inner = outer) can correlate a scalar subquery.");
    bool nomem;
    sm_expr *cond = sq_corr_cond(x, &sub, &nomem);
    if (nomem) return SM_NOMEM;
    SM_TRY(sq_join(x, df, sub.df, cond, "left"));
    sm_expr *val = sq_col(x, v);
    if (!val) return SM_NOMEM;
    /* the count bug: no matching group means the aggregate over no rows */
    if (!sub.grouped && sub.item0) {
        sm_expr *empty = sq_on_empty(x, sub.item0);
        if (!empty) return SM_NOMEM;
        sm_bind_ctx bc;
        sm_expr *b;
        sm_value cv;
        sm_session_bind_ctx(x->sc->s, NULL, NULL, &bc);
        sm_eval_ctx ec = {.tz = x->sc->s->tz, .ansi = x->sc->s->ansi};
        bool nonnull = sm_expr_bind(&bc, empty, &b) == SM_OK && sm_expr_is_const(b) &&
                       sm_expr_eval_const(&ec, x->a, b, &cv) == SM_OK && !cv.is_null &&
                       cv.type != SM_NULLTYPE;
        sm_err_clear();
        if (nonnull) {
            sm_expr *w = sq_call1(x, "isnull", sq_col(x, sq_name(x, sub.id, 'k', 0)));
            val = sq_case(x, 1, &w, &empty, val);
            if (!val) return SM_NOMEM;
        }
    }
    *out = val;
    return SM_OK;
}

/* ---- EXISTS / IN as filters ---------------------------------------------------------- */

static int sq_in_arity(const sm_expr *at, const sq_sub *sub) {
    if (sub->nvals != 1)
        return sm_err(SM_ANALYSIS,
                      "[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH] Cannot resolve \"(%s IN "
                      "(listquery()))\" due to data type mismatch: The number of columns in the "
                      "left hand side of an IN subquery does not match the number of columns in "
                      "the output of subquery. Left hand side columns(length: 1), right hand "
                      "side columns(length: %d).",
                      at->args[0]->name ? at->args[0]->name : "value", sub->nvals);
    return SM_OK;
}

/* EXISTS / IN conjunct of a filter (negated: NOT EXISTS / NOT IN). */
static int sq_filter_join(sq_ctx *x, const sm_expr *at, bool negated, sm_dataframe **df) {
    sq_sub sub;
    SM_TRY(sq_analyze(x, at, (*df)->plan->schema, &sub));
    bool nomem;
    sm_expr *corr = sq_corr_cond(x, &sub, &nomem);
    if (nomem) return SM_NOMEM;
    const char *how = negated ? "left_anti" : "left_semi";
    if (at->kind == SM_EX_EXISTS) {
        sm_dataframe *right = sub.df;
        if (!corr && !(right = sm_df_limit(right, 1))) return sq_df_failed();
        return sq_join(x, df, right, corr, how);
    }
    SM_TRY(sq_in_arity(at, &sub));
    sm_expr *lhs = sm_expr_copy(x->a, at->args[0]);
    sm_expr *eq = sq_call2(x, "=", lhs, sq_col(x, sq_name(x, sub.id, 'v', 0)));
    if (!eq) return SM_NOMEM;
    if (!negated) return sq_join(x, df, sub.df, sq_and(x, eq, corr), how);
    if (!corr) {
        sm_dataframe *r = sm_df_join_col(*df, sub.df, sq_colobj(x, eq), how);
        if (!r) return sq_df_failed();
        if (r->plan->kind == SM_PLAN_JOIN && r->plan->njoin_keys == 1 && !r->plan->cond) {
            r->plan->null_aware = true;
            *df = r;
            return SM_OK;
        }
    }
    /* (x = v OR isnull(x = v)) AND correlation */
    sm_expr *eq2 = sm_expr_copy(x->a, eq);
    sm_expr *c = sq_call2(x, "or", eq, sq_call1(x, "isnull", eq2));
    if (!c) return SM_NOMEM;
    return sq_join(x, df, sub.df, sq_and(x, c, corr), how);
}

/* ---- EXISTS / IN as values (existence joins) ------------------------------------------- */

static int sq_existence(sq_ctx *x, const sm_expr *at, sm_dataframe **df, sm_expr **out) {
    sq_sub sub;
    SM_TRY(sq_analyze(x, at, (*df)->plan->schema, &sub));
    if (sub.residual)
        return sm_err(SM_UNSUPPORTED,
                      "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] A correlated EXISTS / IN "
                      "subquery outside a WHERE conjunct can only correlate through equalities "
                      "(inner = outer); move it to a WHERE / HAVING conjunct.");
    bool is_in = at->kind == SM_EX_IN_SUBQUERY;
    if (is_in) SM_TRY(sq_in_arity(at, &sub));
    const char *m = sq_name(x, sub.id, 'm', -1);
    if (!m) return SM_NOMEM;
    /* distinct (value,) keys with a marker */
    int nc = (is_in ? 1 : 0) + sub.nkeys;
    int *cols = sm_arena_alloc(x->a, (size_t)(nc ? nc : 1) * sizeof *cols);
    if (!cols) return SM_NOMEM;
    int k = 0;
    if (is_in) cols[k++] = 0;
    for (int i = 0; i < sub.nkeys; i++) cols[k++] = sub.nvals + i;
    sm_dataframe *right = sub.df;
    SM_TRY(sq_project_marker(x, &right, cols, nc, m));
    if (nc == 0) right = sm_df_limit(right, 1);
    else right = sm_df_distinct(right);
    if (!right) return sq_df_failed();
    bool nomem;
    sm_expr *cond = sq_corr_cond(x, &sub, &nomem);
    if (nomem) return SM_NOMEM;
    if (is_in) {
        sm_expr *eq = sq_call2(x, "=", sm_expr_copy(x->a, at->args[0]),
                               sq_col(x, sq_name(x, sub.id, 'v', 0)));
        if (!eq || !(cond = sq_and(x, eq, cond))) return SM_NOMEM;
    }
    SM_TRY(sq_join(x, df, right, cond, "left"));
    sm_expr *found = sq_call1(x, "isnotnull", sq_col(x, m));
    if (!found) return SM_NOMEM;
    if (!is_in || !at->negated) {
        /* Spark 3.5's existence join is two-valued: x IN (sub) is false,
         * never null, when no row equals x */
        *out = at->negated ? sq_call1(x, "not", found) : found;
        return *out ? SM_OK : SM_NOMEM;
    }
    /* NOT IN: not exists((x = v OR isnull(x = v)) AND correlation), from
     * per-key counts of rows (n) and non-null values (c) */
    const char *nn = sq_name(x, sub.id, 'n', -1), *cn = sq_name(x, sub.id, 'c', -1);
    if (!nn || !cn) return SM_NOMEM;
    sm_dataframe *counts;
    {
        sm_expr *cnt1 = sq_call1(x, "count", sq_int(x, 1));
        sm_expr *cntv = sq_call1(x, "count", sq_col(x, sq_name(x, sub.id, 'v', 0)));
        sm_column *aggs[2] = {sq_colobj(x, cnt1 ? sm_expr_alias(x->a, cnt1, nn) : NULL),
                              sq_colobj(x, cntv ? sm_expr_alias(x->a, cntv, cn) : NULL)};
        if (!aggs[0] || !aggs[1]) return SM_NOMEM;
        const char **keys = sm_arena_alloc(x->a, (size_t)(sub.nkeys ? sub.nkeys : 1) * sizeof *keys);
        if (!keys) return SM_NOMEM;
        for (int i = 0; i < sub.nkeys; i++) keys[i] = sq_name(x, sub.id, 'k', i);
        sm_grouped *g = sm_df_group_by(sub.df, sub.nkeys, keys);
        counts = g ? sm_grouped_agg_cols(g, 2, aggs) : NULL;
        if (!counts) return sq_df_failed();
        /* the keys again under other names, for the join */
        int ncols = counts->plan->schema->ncols;
        const char **names = sm_arena_alloc(x->a, (size_t)ncols * sizeof *names);
        if (!names) return SM_NOMEM;
        for (int i = 0; i < sub.nkeys; i++) names[i] = sq_name(x, sub.id, 'g', i);
        names[ncols - 2] = nn;
        names[ncols - 1] = cn;
        SM_TRY(sq_rename(x, &counts, names));
    }
    sm_expr *kc = NULL;
    for (int i = 0; i < sub.nkeys; i++) {
        sm_expr *eq = sq_call2(x, "=", sm_expr_copy(x->a, sub.outer_keys[i]),
                               sq_col(x, sq_name(x, sub.id, 'g', i)));
        if (!eq || !(kc = sq_and(x, kc, eq))) return SM_NOMEM;
    }
    if (sub.nkeys == 0) SM_TRY(sq_join(x, df, counts, NULL, "inner"));
    else SM_TRY(sq_join(x, df, counts, kc, "left"));
    /* CASE WHEN found THEN false WHEN coalesce(n, 0) = 0 THEN true
     *      WHEN isnull(x) OR n > c THEN false ELSE true END */
    sm_expr *when[3], *then[3];
    when[0] = found;
    then[0] = sq_bool(x, false);
    when[1] = sq_call2(x, "=", sq_call2(x, "coalesce", sq_col(x, nn), sq_int(x, 0)), sq_int(x, 0));
    then[1] = sq_bool(x, true);
    when[2] = sq_call2(x, "or", sq_call1(x, "isnull", sm_expr_copy(x->a, at->args[0])),
                       sq_call2(x, ">", sq_col(x, nn), sq_col(x, cn)));
    then[2] = sq_bool(x, false);
    *out = sq_case(x, 3, when, then, sq_bool(x, true));
    return *out ? SM_OK : SM_NOMEM;
}

/* ---- the rewrite ------------------------------------------------------------------------ */

/* A copy of e with every subquery replaced by a reference to a column that
 * planning adds to *df. */
static int sq_rewrite(sq_ctx *x, const sm_expr *e, sm_dataframe **df, sm_expr **out) {
    if (!sql_has_subquery(e)) {
        *out = (sm_expr *)e;
        return SM_OK;
    }
    switch (e->kind) {
    case SM_EX_SUBQUERY: return sq_scalar(x, e, df, out);
    case SM_EX_EXISTS: return sq_existence(x, e, df, out);
    case SM_EX_IN_SUBQUERY: {
        sm_expr *lhs;
        SM_TRY(sq_rewrite(x, e->args[0], df, &lhs));
        sm_expr *c = sm_arena_alloc(x->a, sizeof *c);
        if (!c) return SM_NOMEM;
        *c = *e;
        c->args = sm_arena_alloc(x->a, sizeof *c->args);
        if (!c->args) return SM_NOMEM;
        c->args[0] = lhs;
        return sq_existence(x, c, df, out);
    }
    default: break;
    }
    sm_expr *c = sm_arena_alloc(x->a, sizeof *c);
    if (!c) return SM_NOMEM;
    *c = *e;
    c->args = sm_arena_alloc(x->a, (size_t)e->nargs * sizeof *c->args);
    if (!c->args) return SM_NOMEM;
    for (int i = 0; i < e->nargs; i++) SM_TRY(sq_rewrite(x, e->args[i], df, &c->args[i]));
    *out = c;
    return SM_OK;
}

int sql_plan_subqueries(sql_scope *scope, sm_dataframe *df, const sm_expr *e, bool is_filter,
                        sm_dataframe **df_out, sm_expr **e_out) {
    if (!scope || !df || !e || !df_out || !e_out)
        return sm_err(SM_INVALID, "sql_plan_subqueries: missing argument");
    sq_ctx x = {.sc = scope, .a = scope->s->arena};
    sm_dataframe *cur = df;
    if (!is_filter) {
        sm_expr *r;
        SM_TRY(sq_rewrite(&x, e, &cur, &r));
        *df_out = cur;
        *e_out = r;
        return SM_OK;
    }
    /* a filter: EXISTS / IN conjuncts become semi / anti joins, the rest is
     * rewritten, applied here, and the added columns dropped */
    sq_list conj = {0};
    SM_TRY(sq_conjuncts(&x, (sm_expr *)e, &conj));
    /* the conjuncts without a subquery filter first, so the semi / anti
     * joins below see only the rows that pass (a filter commutes with them:
     * each keeps or drops a row by that row alone).  TPC-H Q4: one
     * quarter's orders, not all 1.5 M, meet lineitem; Q22: the customers
     * of seven country codes */
    sm_expr *pre = NULL;
    for (int i = 0; i < conj.n; i++) {
        if (sql_has_subquery(conj.e[i])) continue;
        sm_expr *r;
        SM_TRY(sq_rewrite(&x, conj.e[i], &cur, &r));
        if (!(pre = sq_and(&x, pre, r))) return SM_NOMEM;
    }
    if (pre) {
        sm_dataframe *f = sm_df_filter_col(cur, sq_colobj(&x, pre));
        if (!f) return sq_df_failed();
        cur = f;
    }
    sm_expr *rest = NULL;
    for (int i = 0; i < conj.n; i++) {
        if (!sql_has_subquery(conj.e[i])) continue; /* applied above */
        const sm_expr *c = conj.e[i];
        bool neg = false;
        while (sq_is_call(c, "not", 1) &&
               (c->args[0]->kind == SM_EX_EXISTS || c->args[0]->kind == SM_EX_IN_SUBQUERY ||
                sq_is_call(c->args[0], "not", 1))) {
            neg = !neg;
            c = c->args[0];
        }
        if ((c->kind == SM_EX_EXISTS ||
             (c->kind == SM_EX_IN_SUBQUERY && !sql_has_subquery(c->args[0])))) {
            SM_TRY(sq_filter_join(&x, c, c->negated != neg, &cur));
            continue;
        }
        sm_expr *r;
        SM_TRY(sq_rewrite(&x, conj.e[i], &cur, &r));
        if (!(rest = sq_and(&x, rest, r))) return SM_NOMEM;
    }
    if (rest) {
        sm_dataframe *f = sm_df_filter_col(cur, sq_colobj(&x, rest));
        if (!f) return sq_df_failed();
        cur = f;
    }
    SM_TRY(sq_keep_first(&x, &cur, df->plan->schema));
    *df_out = cur;
    *e_out = NULL;
    return SM_OK;
}
