/*
 * join.c — df.join / crossJoin / alias: analysis of joins into JOIN plan
 * nodes (plan.h), executed by exec/hashjoin.c.
 *
 * Analysis, as Spark's:
 *   - The ON condition is bound against the concatenated schema left ++
 *     right; every field keeps its qualifier (sm_field.qualifier), so
 *     "t.id = u.id" resolves through sm_df_alias and an unqualified name
 *     present on both sides is [AMBIGUOUS_REFERENCE].  It must be BOOLEAN
 *     ([JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE]).
 *   - Its top-level AND conjuncts are split (ExtractEquiJoinKeys): l = r
 *     with one side over left columns only and the other over right columns
 *     only becomes an equi-key pair (both cast to their wider type); l <=> r
 *     becomes two non-null keys, coalesce(x, default) and isnull(x), so null
 *     matches null; everything else is ANDed into the residual condition,
 *     evaluated on candidate pairs.  Right keys are rebased to the right
 *     schema.
 *   - Output: left ++ right (semi / anti: left only); the side that can be
 *     missing becomes nullable.  USING joins (sm_df_join_using) put a
 *     projection on top: the using columns once (the left's; the right's for
 *     a right join; coalesce(l, r) for a full join), then the rest of the
 *     left, then the rest of the right.
 *   - How names: Spark's JoinType.apply — lower-cased, underscores removed:
 *     inner, cross, outer/full/fullouter, left/leftouter, right/rightouter,
 *     semi/leftsemi, anti/leftanti; anything else is Spark's
 *     "Unsupported join type" message.
 *
 * Memory: plan nodes, schemas and expressions live in the session arena;
 * bound trees are registered with sm_session_add_bound.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "api/api_internal.h"

/* ---- helpers ------------------------------------------------------------ */

static sm_plan *jn_plan(sm_session *s, sm_plan_kind kind) {
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    if (p) p->kind = kind;
    return p;
}

static sm_schema *jn_schema(sm_session *s, int ncols) {
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    if (!sc) return NULL;
    sc->ncols = ncols;
    sc->fields = sm_arena_alloc(s->arena, (size_t)(ncols > 0 ? ncols : 1) * sizeof(sm_field));
    return sc->fields ? sc : NULL;
}

/* Copies field f (names and qualifiers are arena strings shared, never freed
 * alone) with the given nullability. */
static void jn_copy_field(sm_field *dst, const sm_field *f, bool nullable) {
    *dst = *f;
    dst->nullable = nullable;
}

static const char *jn_type_upper(sm_type t, char *buf, size_t n) {
    const char *nm = sm_type_name(t);
    size_t i = 0;
    for (; nm[i] && i + 1 < n; i++) buf[i] = (char)toupper((unsigned char)nm[i]);
    buf[i] = '\0';
    return buf;
}

static int jn_parse_how(const char *how, sm_join_type *out) {
    if (!how) {
        *out = SM_JOIN_INNER;
        return SM_OK;
    }
    char t[32];
    size_t k = 0;
    for (const char *p = how; *p && k + 1 < sizeof t; p++)
        if (*p != '_') t[k++] = (char)tolower((unsigned char)*p);
    t[k] = '\0';
    static const struct {
        const char *name;
        sm_join_type type;
    } names[] = {
        {"inner", SM_JOIN_INNER},     {"outer", SM_JOIN_FULL},      {"full", SM_JOIN_FULL},
        {"fullouter", SM_JOIN_FULL},  {"leftouter", SM_JOIN_LEFT},  {"left", SM_JOIN_LEFT},
        {"rightouter", SM_JOIN_RIGHT}, {"right", SM_JOIN_RIGHT},    {"leftsemi", SM_JOIN_LEFT_SEMI},
        {"semi", SM_JOIN_LEFT_SEMI},  {"leftanti", SM_JOIN_LEFT_ANTI}, {"anti", SM_JOIN_LEFT_ANTI},
        {"cross", SM_JOIN_CROSS},
    };
    if (strlen(how) < sizeof t)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(t, names[i].name) == 0) {
                *out = names[i].type;
                return SM_OK;
            }
    return sm_err(SM_INVALID,
                  "Unsupported join type '%s'. Supported join types include: 'inner', 'outer', "
                  "'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', "
                  "'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', "
                  "'leftanti', 'left_anti', 'anti', 'cross'.",
                  how);
}

static int jn_same_session(sm_dataframe *df, sm_dataframe *other) {
    if (df->session == other->session) return SM_OK;
    return sm_err(SM_INVALID, "join: the two DataFrames belong to different sessions; read both "
                              "through one session");
}

/* Which sides an expression's columns come from: bit 1 left (index < nl),
 * bit 2 right. */
static int jn_sides(const sm_expr *e, int nl) {
    int m = 0;
    if (e->kind == SM_EX_COLUMN && e->col_index >= 0) m |= e->col_index < nl ? 1 : 2;
    for (int i = 0; i < e->nargs; i++) m |= jn_sides(e->args[i], nl);
    return m;
}

/* A copy of a bound tree over left ++ right rebased onto the right schema. */
static sm_expr *jn_rebase(sm_arena *a, const sm_expr *e, int nl) {
    sm_expr *c = sm_expr_copy(a, e);
    if (!c) return NULL;
    sm_expr *stack[256];
    int n = 0;
    stack[n++] = c;
    while (n > 0) {
        sm_expr *x = stack[--n];
        if (x->kind == SM_EX_COLUMN && x->col_index >= nl) x->col_index -= nl;
        for (int i = 0; i < x->nargs; i++) {
            if (n == 256) return NULL;
            stack[n++] = x->args[i];
        }
    }
    return c;
}

/* A bound call of a scalar function over bound args (resolved as the
 * binder does). */
static sm_expr *jn_call(sm_bind_ctx *bc, const char *name, int nargs, sm_expr **args) {
    const sm_func_def *fn = sm_func_find(name);
    sm_expr *c = sm_arena_alloc(bc->arena, sizeof *c);
    sm_expr **a = sm_arena_alloc(bc->arena, sizeof *a * (size_t)nargs);
    if (!fn || !c || !a) return NULL;
    memcpy(a, args, sizeof *a * (size_t)nargs);
    c->kind = SM_EX_CALL;
    c->pos = c->end = -1;
    c->name = (char *)fn->name;
    c->fn = fn;
    c->nargs = nargs;
    c->args = a;
    c->col_index = -1;
    c->type = SM_NULLTYPE;
    c->nullable = true;
    if (fn->resolve && fn->resolve(bc, c) != SM_OK) return NULL;
    return c;
}

/* Literal.default(t): the value null-safe keys replace null with. */
static sm_expr *jn_default(sm_arena *a, sm_type t) {
    sm_expr *l = sm_arena_alloc(a, sizeof *l);
    if (!l) return NULL;
    l->kind = SM_EX_LITERAL;
    l->pos = l->end = -1;
    l->col_index = -1;
    l->lit.type = t;
    if (t == SM_STRING) l->lit.v.str.ptr = "";
    l->type = t;
    return l;
}

typedef struct {
    sm_expr **lk, **rk;
    int nkeys, cap;
    sm_expr *residual;
} jn_split;

static int jn_add_key(sm_session *s, jn_split *sp, sm_expr *l, sm_expr *r) {
    if (sp->nkeys == sp->cap) {
        int cap = sp->cap ? sp->cap * 2 : 8;
        sm_expr **nl = sm_arena_alloc(s->arena, sizeof *nl * (size_t)cap);
        sm_expr **nr = sm_arena_alloc(s->arena, sizeof *nr * (size_t)cap);
        if (!nl || !nr) return SM_NOMEM;
        if (sp->nkeys) {
            memcpy(nl, sp->lk, sizeof *nl * (size_t)sp->nkeys);
            memcpy(nr, sp->rk, sizeof *nr * (size_t)sp->nkeys);
        }
        sp->lk = nl;
        sp->rk = nr;
        sp->cap = cap;
    }
    sp->lk[sp->nkeys] = l;
    sp->rk[sp->nkeys++] = r;
    return SM_OK;
}

static int jn_add_residual(sm_bind_ctx *bc, jn_split *sp, sm_expr *c) {
    if (!sp->residual) {
        sp->residual = c;
        return SM_OK;
    }
    sm_expr *args[2] = {sp->residual, c};
    sp->residual = jn_call(bc, "and", 2, args);
    return sp->residual ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
}

/* One conjunct: an equi-key pair when it can be, else residual. */
static int jn_conjunct(sm_session *s, sm_bind_ctx *bc, int nl, sm_expr *c, jn_split *sp) {
    if (c->kind == SM_EX_CALL && c->name && strcmp(c->name, "and") == 0 && c->nargs == 2) {
        SM_TRY(jn_conjunct(s, bc, nl, c->args[0], sp));
        return jn_conjunct(s, bc, nl, c->args[1], sp);
    }
    bool eq = c->kind == SM_EX_CALL && c->name && c->nargs == 2 && strcmp(c->name, "=") == 0;
    bool null_safe = c->kind == SM_EX_CALL && c->name && c->nargs == 2 && strcmp(c->name, "<=>") == 0;
    if (eq || null_safe) {
        sm_expr *a = c->args[0], *b = c->args[1];
        int sa = jn_sides(a, nl), sb = jn_sides(b, nl);
        if ((sa == 1 && sb == 2) || (sa == 2 && sb == 1)) {
            sm_expr *l = sa == 1 ? a : b, *r = sa == 1 ? b : a;
            int w = sm_type_wider(l->type, r->type);
            if (w >= 0 && w != SM_NULLTYPE) {
                if (w == SM_DECIMAL) { /* one decimal type: keys hash by unscaled value */
                    int dp, ds;
                    sm_expr *lr[2] = {l, r};
                    SM_TRY(sm_expr_wider_decimal(lr, 2, &dp, &ds));
                    l = sm_expr_coerce_dec(bc, l, dp, ds);
                    r = sm_expr_coerce_dec(bc, r, dp, ds);
                } else {
                    l = sm_expr_coerce(bc, l, (sm_type)w);
                    r = sm_expr_coerce(bc, r, (sm_type)w);
                }
                if (!l || !r) return SM_NOMEM;
                if (null_safe) {
                    sm_expr *la[2] = {l, jn_default(s->arena, (sm_type)w)};
                    sm_expr *ra[2] = {r, jn_default(s->arena, (sm_type)w)};
                    if (!la[1] || !ra[1]) return SM_NOMEM;
                    if (w == SM_DECIMAL) { /* 0 of the key's decimal type */
                        la[1]->precision = ra[1]->precision = la[1]->lit.precision =
                            ra[1]->lit.precision = l->precision;
                        la[1]->scale = ra[1]->scale = la[1]->lit.scale = ra[1]->lit.scale =
                            l->scale;
                    }
                    sm_expr *lc = jn_call(bc, "coalesce", 2, la), *rc = jn_call(bc, "coalesce", 2, ra);
                    sm_expr *ln = jn_call(bc, "isnull", 1, &l), *rn = jn_call(bc, "isnull", 1, &r);
                    if (!lc || !rc || !ln || !rn) return sm_errcode() ? sm_errcode() : SM_NOMEM;
                    sm_expr *rcb = jn_rebase(s->arena, rc, nl), *rnb = jn_rebase(s->arena, rn, nl);
                    if (!rcb || !rnb) return SM_NOMEM;
                    SM_TRY(jn_add_key(s, sp, lc, rcb));
                    return jn_add_key(s, sp, ln, rnb);
                }
                sm_expr *rb = jn_rebase(s->arena, r, nl);
                if (!rb) return SM_NOMEM;
                return jn_add_key(s, sp, l, rb);
            }
        }
    }
    return jn_add_residual(bc, sp, c);
}

/* True when e can be evaluated below the join on the right side alone: it
 * reads right columns only, is deterministic and has no subquery. */
static bool jn_pushable(const sm_expr *e) {
    if (e->kind == SM_EX_SUBQUERY || e->kind == SM_EX_EXISTS || e->kind == SM_EX_IN_SUBQUERY ||
        e->kind == SM_EX_OUTER_REF || e->kind == SM_EX_WINDOW || e->agg)
        return false;
    if (e->kind == SM_EX_CALL && e->name) {
        static const char *const nondet[] = {"rand", "randn", "random", "uuid", "shuffle",
                                             "monotonically_increasing_id", "spark_partition_id",
                                             "input_file_name", "raise_error", NULL};
        for (int i = 0; nondet[i]; i++)
            if (strcasecmp(e->name, nondet[i]) == 0) return false;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!jn_pushable(e->args[i])) return false;
    return true;
}

/* Residual conjuncts over the right side only filter the right input before
 * the join when that cannot change the result: inner, left outer, left
 * semi and left anti joins (a right row failing them never matches, and
 * no join type here outputs unmatched right rows).  TPC-H Q13's
 * "o_comment NOT LIKE ..." in a LEFT JOIN's ON then runs once per order
 * instead of once per candidate pair. */
static int jn_push_right(sm_session *s, sm_bind_ctx *bc, int nl, sm_join_type type, jn_split *sp,
                         sm_plan **right) {
    if (!sp->residual || !(type == SM_JOIN_INNER || type == SM_JOIN_LEFT ||
                           type == SM_JOIN_LEFT_SEMI || type == SM_JOIN_LEFT_ANTI))
        return SM_OK;
    sm_expr *stack[64], *keep = NULL, *push = NULL;
    int n = 0;
    stack[n++] = sp->residual;
    while (n > 0) {
        sm_expr *c = stack[--n];
        if (c->kind == SM_EX_CALL && c->name && strcmp(c->name, "and") == 0 && c->nargs == 2 &&
            n + 2 <= 64) {
            stack[n++] = c->args[1];
            stack[n++] = c->args[0];
            continue;
        }
        bool right_only = jn_sides(c, nl) == 2 && jn_pushable(c);
        sm_expr *x = right_only ? jn_rebase(s->arena, c, nl) : c;
        if (!x) return SM_NOMEM;
        sm_expr **acc = right_only ? &push : &keep;
        if (!*acc) {
            *acc = x;
        } else {
            sm_expr *args[2] = {*acc, x};
            if (!(*acc = jn_call(bc, "and", 2, args))) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        }
    }
    if (!push) return SM_OK;
    sm_plan *f = jn_plan(s, SM_PLAN_FILTER);
    if (!f) return SM_NOMEM;
    f->child = *right;
    f->schema = (*right)->schema;
    f->cond = push;
    *right = f;
    sp->residual = keep;
    return SM_OK;
}

/* The JOIN node over df and other; cond (unbound, or NULL) with its text. */
static sm_plan *jn_node(sm_dataframe *df, sm_dataframe *other, const sm_expr *cond,
                        const char *text, sm_join_type type) {
    sm_session *s = df->session;
    const sm_schema *ls = df->plan->schema, *rs = other->plan->schema;
    int nl = ls->ncols, nr = rs->ncols;
    sm_schema *both = jn_schema(s, nl + nr);
    sm_plan *p = jn_plan(s, SM_PLAN_JOIN);
    sm_plan **children = sm_arena_alloc(s->arena, 2 * sizeof *children);
    if (!both || !p || !children) return NULL;
    for (int c = 0; c < nl; c++) both->fields[c] = ls->fields[c];
    for (int c = 0; c < nr; c++) both->fields[nl + c] = rs->fields[c];
    jn_split sp = {0};
    if (cond) {
        sm_bind_ctx bc;
        sm_expr *b;
        sm_session_bind_ctx(s, both, text, &bc);
        if (sm_expr_bind(&bc, cond, &b) != SM_OK || sm_session_add_bound(s, b) != SM_OK) return NULL;
        if (b->type == SM_NULLTYPE && !(b = sm_expr_coerce(&bc, b, SM_BOOLEAN))) return NULL;
        if (b->type != SM_BOOLEAN) {
            char tb[32];
            const char *nm = sm_expr_sql_name(s->arena, b);
            sm_err(SM_ANALYSIS,
                   "[JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE] The join condition \"%s\" has the "
                   "invalid type \"%s\", expected \"BOOLEAN\".",
                   nm ? nm : (text ? text : "?"), jn_type_upper(b->type, tb, sizeof tb));
            return NULL;
        }
        if (jn_conjunct(s, &bc, nl, b, &sp) != SM_OK) return NULL;
    }
    children[0] = df->plan;
    children[1] = other->plan;
    if (cond) {
        sm_bind_ctx bc;
        sm_session_bind_ctx(s, both, text, &bc);
        if (jn_push_right(s, &bc, nl, type, &sp, &children[1]) != SM_OK) return NULL;
    }
    p->children = children;
    p->nchildren = 2;
    p->join_type = type;
    p->left_keys = sp.lk;
    p->right_keys = sp.rk;
    p->njoin_keys = sp.nkeys;
    p->cond = sp.residual;
    bool semi = type == SM_JOIN_LEFT_SEMI || type == SM_JOIN_LEFT_ANTI;
    bool lnull = type == SM_JOIN_RIGHT || type == SM_JOIN_FULL;
    bool rnull = type == SM_JOIN_LEFT || type == SM_JOIN_FULL;
    if (!(p->schema = jn_schema(s, semi ? nl : nl + nr))) return NULL;
    for (int c = 0; c < nl; c++) jn_copy_field(&p->schema->fields[c], &ls->fields[c], ls->fields[c].nullable || lnull);
    if (!semi)
        for (int c = 0; c < nr; c++)
            jn_copy_field(&p->schema->fields[nl + c], &rs->fields[c], rs->fields[c].nullable || rnull);
    return p;
}

/* ---- public ------------------------------------------------------------------- */

sm_dataframe *sm_df_join(sm_dataframe *df, sm_dataframe *other, const char *on, const char *how) {
    if (!df || !other) return NULL;
    sm_join_type t;
    if (jn_same_session(df, other) != SM_OK || jn_parse_how(how, &t) != SM_OK) return NULL;
    sm_expr *u = NULL;
    if (on && sm_expr_parse(df->session->arena, on, &u) != SM_OK) return NULL;
    return sm_df_wrap(df->session, jn_node(df, other, u, on, t));
}

sm_dataframe *sm_df_join_col(sm_dataframe *df, sm_dataframe *other, sm_column *on, const char *how) {
    if (!df || !other) return NULL;
    sm_join_type t;
    if (jn_same_session(df, other) != SM_OK || jn_parse_how(how, &t) != SM_OK) return NULL;
    return sm_df_wrap(df->session, jn_node(df, other, on ? on->expr : NULL, on ? on->text : NULL, t));
}

sm_dataframe *sm_df_cross_join(sm_dataframe *df, sm_dataframe *other) {
    if (!df || !other || jn_same_session(df, other) != SM_OK) return NULL;
    return sm_df_wrap(df->session, jn_node(df, other, NULL, NULL, SM_JOIN_CROSS));
}

/* Index of `name` in sc, or -1 with Spark's USING error for `side`. */
static int jn_using_col(sm_session *s, const sm_schema *sc, const char *name, const char *side) {
    int found = -1;
    for (int i = 0; i < sc->ncols && found < 0; i++)
        if (s->case_sensitive ? strcmp(sc->fields[i].name, name) == 0
                              : strcasecmp(sc->fields[i].name, name) == 0)
            found = i;
    if (found >= 0) return found;
    sm_buf b = {0};
    for (int i = 0; i < sc->ncols; i++)
        sm_buf_appendf(&b, "%s`%s`", i ? ", " : "", sc->fields[i].name);
    sm_err(SM_ANALYSIS,
           "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `%s` cannot be resolved on the %s "
           "side of the join. The %s-side columns: [%s].",
           name, side, side, b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    return -1;
}

static sm_expr *jn_colref(sm_arena *a, const sm_schema *sc, int col) {
    sm_expr *e = sm_expr_column(a, sc->fields[col].name);
    if (!e) return NULL;
    e->col_index = col;
    e->type = sc->fields[col].type;
    e->nullable = sc->fields[col].nullable;
    e->precision = sc->fields[col].precision;
    e->scale = sc->fields[col].scale;
    e->dt = sc->fields[col].dt;
    return e;
}

sm_dataframe *sm_df_join_using(sm_dataframe *df, sm_dataframe *other, int n,
                               const char *const *cols, const char *how) {
    if (!df || !other) return NULL;
    sm_join_type t;
    if (jn_same_session(df, other) != SM_OK || jn_parse_how(how, &t) != SM_OK) return NULL;
    sm_session *s = df->session;
    const sm_schema *ls = df->plan->schema, *rs = other->plan->schema;
    int nl = ls->ncols, nr = rs->ncols;
    int *li = sm_arena_alloc(s->arena, sizeof(int) * (size_t)(n > 0 ? n : 1));
    int *ri = sm_arena_alloc(s->arena, sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!li || !ri) return NULL;
    for (int i = 0; i < n; i++) {
        if (!cols[i]) return NULL;
        if ((li[i] = jn_using_col(s, ls, cols[i], "left")) < 0) return NULL;
        if ((ri[i] = jn_using_col(s, rs, cols[i], "right")) < 0) return NULL;
    }
    /* the join itself: keys l = r, no residual */
    sm_plan *jp = jn_node(df, other, NULL, NULL, t);
    if (!jp) return NULL;
    sm_bind_ctx bc;
    sm_session_bind_ctx(s, jp->schema, NULL, &bc);
    jn_split sp = {0};
    for (int i = 0; i < n; i++) {
        sm_expr *l = jn_colref(s->arena, ls, li[i]), *r = jn_colref(s->arena, rs, ri[i]);
        if (!l || !r) return NULL;
        int w = sm_type_wider(l->type, r->type);
        if (w < 0) {
            char ta[32], tb[32];
            sm_err(SM_ANALYSIS,
                   "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(%s = %s)\" due to "
                   "data type mismatch: the left and right operands of the binary operator have "
                   "incompatible types (\"%s\" and \"%s\").",
                   ls->fields[li[i]].name, rs->fields[ri[i]].name, jn_type_upper(l->type, ta, 32),
                   jn_type_upper(r->type, tb, 32));
            return NULL;
        }
        if (!(l = sm_expr_coerce(&bc, l, (sm_type)w)) || !(r = sm_expr_coerce(&bc, r, (sm_type)w)))
            return NULL;
        if (jn_add_key(s, &sp, l, r) != SM_OK) return NULL;
    }
    jp->left_keys = sp.lk;
    jp->right_keys = sp.rk;
    jp->njoin_keys = sp.nkeys;

    /* the projection: using columns, rest of left, rest of right */
    bool semi = t == SM_JOIN_LEFT_SEMI || t == SM_JOIN_LEFT_ANTI;
    const sm_schema *js = jp->schema;
    int total = n, k = 0;
    for (int c = 0; c < nl; c++) {
        bool used = false;
        for (int i = 0; i < n; i++) used = used || li[i] == c;
        total += !used;
    }
    if (!semi)
        for (int c = 0; c < nr; c++) {
            bool used = false;
            for (int i = 0; i < n; i++) used = used || ri[i] == c;
            total += !used;
        }
    sm_plan *pp = jn_plan(s, SM_PLAN_PROJECT);
    sm_expr **exprs = sm_arena_alloc(s->arena, sizeof *exprs * (size_t)(total ? total : 1));
    if (!pp || !exprs || !(pp->schema = jn_schema(s, total))) return NULL;
    for (int i = 0; i < n; i++) {
        int src = t == SM_JOIN_RIGHT ? nl + ri[i] : li[i];
        sm_field *f = &pp->schema->fields[k];
        if (t == SM_JOIN_FULL) {
            sm_expr *a[2] = {jn_colref(s->arena, js, li[i]), jn_colref(s->arena, js, nl + ri[i])};
            if (!a[0] || !a[1]) return NULL;
            sm_expr *e = jn_call(&bc, "coalesce", 2, a);
            if (!e) return NULL;
            exprs[k] = e;
            *f = js->fields[li[i]];
            f->qualifier = NULL;
            f->type = e->type;
            f->nullable = e->nullable;
        } else {
            if (!(exprs[k] = jn_colref(s->arena, js, src))) return NULL;
            *f = js->fields[src];
        }
        k++;
    }
    for (int c = 0; c < nl; c++) {
        bool used = false;
        for (int i = 0; i < n; i++) used = used || li[i] == c;
        if (used) continue;
        if (!(exprs[k] = jn_colref(s->arena, js, c))) return NULL;
        pp->schema->fields[k++] = js->fields[c];
    }
    if (!semi)
        for (int c = 0; c < nr; c++) {
            bool used = false;
            for (int i = 0; i < n; i++) used = used || ri[i] == c;
            if (used) continue;
            if (!(exprs[k] = jn_colref(s->arena, js, nl + c))) return NULL;
            pp->schema->fields[k++] = js->fields[nl + c];
        }
    pp->child = jp;
    pp->exprs = exprs;
    pp->nexprs = total;
    return sm_df_wrap(s, pp);
}

sm_dataframe *sm_df_alias(sm_dataframe *df, const char *alias) {
    if (!df) return NULL;
    sm_session *s = df->session;
    if (!alias || !*alias) {
        sm_err(SM_INVALID, "alias: the name is empty; give a name such as \"t\"");
        return NULL;
    }
    const sm_schema *in = df->plan->schema;
    char *q = sm_arena_strdup(s->arena, alias);
    sm_plan *p = jn_plan(s, SM_PLAN_PROJECT);
    sm_expr **exprs = sm_arena_alloc(s->arena, sizeof *exprs * (size_t)(in->ncols ? in->ncols : 1));
    if (!q || !p || !exprs || !(p->schema = jn_schema(s, in->ncols))) return NULL;
    for (int c = 0; c < in->ncols; c++) {
        if (!(exprs[c] = jn_colref(s->arena, in, c))) return NULL;
        p->schema->fields[c] = in->fields[c];
        p->schema->fields[c].qualifier = q;
    }
    p->child = df->plan;
    p->exprs = exprs;
    p->nexprs = in->ncols;
    return sm_df_wrap(s, p);
}

/* ---- build-side choice for left outer joins --------------------------------------
 *
 * The hash join always builds on its right input.  A LEFT OUTER join whose
 * left input is much smaller than its right (TPC-H Q13: 150 K customers left
 * join 1.5 M orders) is cheaper as the equivalent RIGHT OUTER join with the
 * children swapped: the small side becomes the hash table, and a RIGHT join
 * emits its unmatched build rows null-extended, which is exactly what LEFT
 * emitted for its unmatched left rows.  Null keys never match on either
 * side; the residual condition is the same predicate with its column indexes
 * remapped from left ++ right to right ++ left; a conjunct over the right
 * side already pushed below the join (jn_push_right) stays valid, since it
 * filters the non-preserved side.  A projection on top restores the column
 * order and the schema (names, qualifiers, nullability) of the LEFT join.
 * Only the row order differs, which Spark never promised. */

/* A copy of a bound tree over left ++ right (nl left, nr right columns)
 * rebased onto right ++ left; NULL when out of memory or too deep. */
static sm_expr *jn_swap_cols(sm_arena *a, const sm_expr *e, int nl, int nr) {
    sm_expr *c = sm_expr_copy(a, e);
    if (!c) return NULL;
    sm_expr *stack[256];
    int n = 0;
    stack[n++] = c;
    while (n > 0) {
        sm_expr *x = stack[--n];
        if (x->kind == SM_EX_COLUMN && x->col_index >= 0)
            x->col_index = x->col_index < nl ? x->col_index + nr : x->col_index - nl;
        for (int i = 0; i < x->nargs; i++) {
            if (n == 256) return NULL;
            stack[n++] = x->args[i];
        }
    }
    return c;
}

sm_dataframe *sm_df_join_swap_build(sm_dataframe *j) {
    if (!j || !j->plan) return j;
    sm_plan *p = j->plan;
    if (p->kind != SM_PLAN_JOIN || p->join_type != SM_JOIN_LEFT || p->nchildren != 2 ||
        p->njoin_keys == 0 || p->null_aware)
        return j;
    sm_session *s = j->session;
    const sm_schema *ls = p->children[0]->schema, *rs = p->children[1]->schema;
    int nl = ls->ncols, nr = rs->ncols;
    if (p->schema->ncols != nl + nr) return j;
    sm_plan *q = jn_plan(s, SM_PLAN_JOIN);
    sm_plan *proj = jn_plan(s, SM_PLAN_PROJECT);
    sm_plan **children = sm_arena_alloc(s->arena, 2 * sizeof *children);
    sm_schema *qs = jn_schema(s, nl + nr);
    sm_expr **ex = sm_arena_alloc(s->arena, (size_t)(nl + nr) * sizeof *ex);
    if (!q || !proj || !children || !qs || !ex) goto keep;
    children[0] = p->children[1];
    children[1] = p->children[0];
    q->children = children;
    q->nchildren = 2;
    q->join_type = SM_JOIN_RIGHT;
    q->left_keys = p->right_keys;
    q->right_keys = p->left_keys;
    q->njoin_keys = p->njoin_keys;
    if (p->cond && !(q->cond = jn_swap_cols(s->arena, p->cond, nl, nr))) goto keep;
    /* output: right ++ left, the fields of the LEFT join's schema */
    for (int c = 0; c < nr; c++) qs->fields[c] = p->schema->fields[nl + c];
    for (int c = 0; c < nl; c++) qs->fields[nr + c] = p->schema->fields[c];
    q->schema = qs;
    for (int c = 0; c < nl + nr; c++)
        if (!(ex[c] = jn_colref(s->arena, qs, c < nl ? nr + c : c - nl))) goto keep;
    proj->child = q;
    proj->exprs = ex;
    proj->nexprs = nl + nr;
    proj->schema = p->schema;
    sm_dataframe *out = sm_df_wrap(s, proj);
    if (out) return out;
keep:
    sm_err_clear();
    return j;
}
