/*
 * bind.c — binding: an unbound expression tree (names) becomes a bound one
 * (column indexes, result types, function definitions, explicit casts).
 *
 * The binder walks the input tree bottom-up and builds a fresh tree in
 * ctx->arena; the input is never modified, so one DataFrame expression can
 * be bound against several schemas.  Per node:
 *   COLUMN   looked up in ctx->schema (case-insensitively unless
 *            spark.sql.caseSensitive).  A dotted name "t.a" / "db.t.a"
 *            first matches fields whose qualifier (sm_field.qualifier) is,
 *            or ends with, the prefix (case-insensitive), then a field
 *            literally named "t.a"; two matches are Spark's
 *            [AMBIGUOUS_REFERENCE] listing `t`.`a`, `u`.`a`.  The bound
 *            node is named as written minus its qualifier ("ID" for t.ID),
 *            as Spark names the resolved attribute.  Unknown names get Spark's
 *            [UNRESOLVED_COLUMN.WITH_SUGGESTION] with up to five candidates
 *            ordered by Levenshtein distance (a stable sort, so ties keep the
 *            schema's order, as Spark's sortBy does).
 *   CALL     scalar functions first (sm_func_find), then aggregates
 *            (sm_agg_find, only where ctx->allow_agg, never nested).  The
 *            arguments are bound, the arity checked, then the definition's
 *            resolver checks types, inserts implicit casts (sm_expr_coerce)
 *            and sets the result type.
 *   CAST     checked with sm_cast_allowed.
 *   CASE     CASE x WHEN v THEN ... is rewritten to CASE WHEN x = v THEN ...
 *            (Spark's CaseKeyWhen), so each comparison gets the comparison
 *            coercion rules; conditions must be BOOLEAN; the branches are cast
 *            to their wider common type (findWiderCommonType).
 *   IN       every element cast to the wider common type of all of them.
 The bound tree keeps the shape of the input (implicit casts are extra
 * CAST nodes marked implicit), so sm_expr_sql_name gives Spark's names for
 * bound trees too; constants are not folded here but evaluated once per
 * batch by eval.c.
 *
 * Errors carry Spark's error class in brackets and, when ctx->text is set,
 * the expression with a caret line under the offending node (pos/end).
 *
 * Memory: every bound node, name and literal string lives in ctx->arena.
 * Prepared per-query state (call->state) belongs to the function and is
 * freed by sm_expr_release.  Binding is single-threaded; the bound tree is
 * read-only afterwards and shared by all tasks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/agg.h"
#include "types/decimal.h"
#include "expr/eval_internal.h"
#include "expr/expr.h"
#include "expr/window_funcs.h"

/* ---- messages ------------------------------------------------------------------- */

/* Appends "\n== Expression ==\n<line>\n<spaces>^^^" for `at`. */
static void bind_caret(const sm_bind_ctx *ctx, const sm_expr *at, sm_buf *b) {
    if (!ctx || !ctx->text || !at || at->pos < 0) return;
    const char *t = ctx->text;
    size_t tl = strlen(t);
    size_t pos = (size_t)at->pos > tl ? tl : (size_t)at->pos;
    size_t ls = pos, le = pos;
    while (ls > 0 && t[ls - 1] != '\n') ls--;
    while (le < tl && t[le] != '\n') le++;
    size_t end = at->end > at->pos ? (size_t)at->end : pos + 1;
    if (end > le) end = le > pos ? le : pos + 1;
    sm_buf_appendf(b, "\n== Expression ==\n%.*s\n", (int)(le - ls), t + ls);
    for (size_t i = ls; i < pos; i++) sm_buf_putc(b, t[i] == '\t' ? '\t' : ' ');
    for (size_t i = pos; i < end; i++) sm_buf_putc(b, '^');
}

int sm_bind_fail(const sm_bind_ctx *ctx, const sm_expr *at, const char *fmt, ...) {
    sm_buf b = {0};
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    sm_buf_append(&b, small, strlen(small));
    bind_caret(ctx, at, &b);
    int rc = sm_err(SM_ANALYSIS, "%s", b.data ? sm_buf_cstr(&b) : small);
    sm_buf_free(&b);
    return rc;
}

const char *sm_bind_sql(const sm_bind_ctx *ctx, const sm_expr *e) {
    /* sm_expr_sql_name gives a column's name for CAST(col AS T) (Spark's
     * naming rule); messages show the cast itself. */
    if (ctx && ctx->arena && e->kind == SM_EX_CAST && !e->implicit && !e->name && e->nargs == 1) {
        const char *inner = sm_bind_sql(ctx, e->args[0]);
        char *s = sm_arena_printf(ctx->arena, "CAST(%s AS %s)", inner, ev_type_upper(e->cast_to));
        if (s) return s;
    }
    char *s = ctx && ctx->arena ? sm_expr_sql_name(ctx->arena, e) : NULL;
    if (s) return s;
    return e->name ? e->name : "?";
}

int sm_bind_fail_input(const sm_bind_ctx *ctx, const sm_expr *call, int param, const char *required) {
    const sm_expr *arg = call->args[param - 1];
    return sm_bind_fail(ctx, call,
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data "
                        "type mismatch: Parameter %d requires the %s type, however \"%s\" has the "
                        "type \"%s\".",
                        sm_bind_sql(ctx, call), param, required, sm_bind_sql(ctx, arg),
                        ev_type_upper(arg->type));
}

/* ---- types ---------------------------------------------------------------------- */

/* Spark's numericPrecedence for the types without a place in the enum's
 * order: tinyint < smallint < int < bigint < float < double. */
static int bind_num_rank(sm_type t) {
    switch (t) {
    case SM_TINYINT: return 1;
    case SM_SMALLINT: return 2;
    case SM_INT: return 3;
    case SM_BIGINT: return 4;
    case SM_FLOAT: return 6;
    case SM_DOUBLE: return 7;
    default: return 5;
    }
}

int sm_type_wider(sm_type a, sm_type b) {
    if (a == b) return a;
    if (a == SM_NULLTYPE) return b;
    if (b == SM_NULLTYPE) return a;
    /* tinyint, smallint, float, timestamp_ntz */
    if ((a == SM_DECIMAL && b == SM_FLOAT) || (a == SM_FLOAT && b == SM_DECIMAL)) return SM_DOUBLE;
    if (sm_type_is_numeric(a) && sm_type_is_numeric(b) && a != SM_DECIMAL && b != SM_DECIMAL)
        return bind_num_rank(a) >= bind_num_rank(b) ? a : b;
    if ((a == SM_TIMESTAMP_NTZ && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_TIMESTAMP_NTZ))
        return SM_TIMESTAMP;
    if ((a == SM_TIMESTAMP_NTZ && b == SM_DATE) || (a == SM_DATE && b == SM_TIMESTAMP_NTZ))
        return SM_TIMESTAMP_NTZ;
    /* findWiderTypeForDecimal: decimal with int/bigint → decimal, with double → double */
    if ((a == SM_DECIMAL && sm_type_is_numeric(b)) || (b == SM_DECIMAL && sm_type_is_numeric(a)))
        return a == SM_DOUBLE || b == SM_DOUBLE ? SM_DOUBLE : SM_DECIMAL;
    if (sm_type_is_numeric(a) && sm_type_is_numeric(b)) return a > b ? a : b;
    if ((a == SM_DATE && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_DATE))
        return SM_TIMESTAMP;
    if (a == SM_BINARY || b == SM_BINARY) return -1; /* no promotion to or from binary */
    /* stringPromotion: string with any atomic type but boolean */
    if ((a == SM_STRING && b != SM_BOOLEAN) || (b == SM_STRING && a != SM_BOOLEAN)) return SM_STRING;
    return -1;
}

/* findWiderCommonType: string types first, then a left fold from NULL. */
static int bind_wider_all(sm_expr **es, int n) {
    int t = SM_NULLTYPE;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            bool str = es[i]->type == SM_STRING;
            if (str != (pass == 0)) continue;
            t = sm_type_wider((sm_type)t, es[i]->type);
            if (t < 0) return -1;
        }
    return t;
}

/* ---- decimals ------------------------------------------------------------------ */

bool sm_expr_dec_type(const sm_expr *e, bool literal_min, int *p, int *s) {
    if (e->type == SM_DECIMAL) {
        *p = e->precision;
        *s = e->scale;
        return true;
    }
    if (literal_min && e->kind == SM_EX_LITERAL && !e->lit.is_null &&
        (e->type == SM_INT || e->type == SM_BIGINT || e->type == SM_SMALLINT)) {
        /* DecimalType.fromLiteral: the smallest decimal holding the value */
        *p = sm_dec_digits(e->type == SM_BIGINT ? e->lit.v.i64 : e->lit.v.i32);
        *s = 0;
        return true;
    }
    return sm_dec_for_type(e->type, p, s);
}

int sm_expr_wider_decimal(sm_expr *const *es, int n, int *p, int *s) {
    bool any = false;
    for (int i = 0; i < n; i++) {
        int ep, esc;
        if (!sm_expr_dec_type(es[i], false, &ep, &esc)) continue;
        if (!any) *p = ep, *s = esc;
        else sm_dec_wider(*p, *s, ep, esc, p, s);
        any = true;
    }
    if (!any) *p = SM_DEC_DEFAULT_PRECISION, *s = SM_DEC_DEFAULT_SCALE;
    return SM_OK;
}

sm_expr *sm_expr_coerce_dec(sm_bind_ctx *ctx, sm_expr *e, int p, int s) {
    if (!e || (e->type == SM_DECIMAL && e->precision == p && e->scale == s)) return e;
    sm_expr *c = sm_expr_coerce(ctx, e, SM_DECIMAL);
    if (!c) return NULL;
    if (c == e) { /* a decimal of another type: wrap it */
        c = sm_arena_alloc(ctx->arena, sizeof *c);
        sm_expr **args = sm_arena_alloc(ctx->arena, sizeof *args);
        if (!c || !args) return NULL;
        c->kind = SM_EX_CAST;
        c->pos = e->pos;
        c->end = e->end;
        c->name = e->name;
        c->cast_to = SM_DECIMAL;
        c->implicit = true;
        c->nargs = 1;
        c->args = args;
        args[0] = e;
        c->type = SM_DECIMAL;
        c->col_index = -1;
        c->nullable = true; /* a narrower decimal can overflow */
    }
    c->precision = (int8_t)p;
    c->scale = (int8_t)s;
    return c;
}

/* Whether CAST(from AS to) can make a null out of a non-null value. */
static bool bind_cast_may_null(sm_type from, sm_type to) {
    if (from == to) return false;
    if (from == SM_NULLTYPE) return true;
    if (to == SM_STRING) return false;
    if (from == SM_STRING) return true;
    if ((from == SM_DOUBLE || from == SM_FLOAT) && to == SM_TIMESTAMP) return true;
    if (to == SM_TINYINT || to == SM_SMALLINT) return from != SM_BOOLEAN; /* out of range → null */
    if (from == SM_DATE && to != SM_TIMESTAMP) return true;
    if (to == SM_DECIMAL || from == SM_DECIMAL) return to != SM_DOUBLE; /* out of range → null */
    return false;
}

/* ---- node construction ----------------------------------------------------------- */

static sm_expr *bind_node_copy(sm_bind_ctx *ctx, const sm_expr *e, int nargs) {
    sm_expr *b = sm_arena_alloc(ctx->arena, sizeof *b);
    if (!b) return NULL;
    *b = *e;
    b->name = NULL;
    b->args = NULL;
    b->nargs = nargs;
    b->fn = NULL;
    b->agg = NULL;
    b->state = NULL;
    b->col_index = -1;
    if (e->name && !(b->name = sm_arena_strdup(ctx->arena, e->name))) return NULL;
    if (nargs > 0 && !(b->args = sm_arena_alloc(ctx->arena, sizeof(sm_expr *) * (size_t)nargs)))
        return NULL;
    return b;
}

static bool bind_copy_lit_string(sm_bind_ctx *ctx, sm_value *v) {
    if (sm_type_phys(v->type) != SM_STRING || v->is_null) return true;
    char *s = sm_arena_alloc(ctx->arena, (size_t)v->v.str.len + 1);
    if (!s) return false;
    if (v->v.str.len) memcpy(s, v->v.str.ptr, (size_t)v->v.str.len);
    v->v.str.ptr = s;
    return true;
}

bool sm_expr_is_const(const sm_expr *e) {
    if (!e) return false;
    switch (e->kind) {
    case SM_EX_LITERAL: return true;
    case SM_EX_COLUMN:
    case SM_EX_STAR: return false;
    case SM_EX_CALL:
        if (e->agg || ev_nondeterministic(e->name)) return false;
        if (!e->fn && e->name && sm_agg_find(e->name) && !sm_func_find(e->name)) return false;
        break;
    default: break;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!sm_expr_is_const(e->args[i])) return false;
    return true;
}

bool sm_expr_has_agg(const sm_expr *e) {
    if (!e) return false;
    if (e->kind == SM_EX_CALL) {
        if (e->agg) return true;
        if (!e->fn && e->name && sm_agg_find(e->name) && !sm_func_find(e->name)) return true;
    }
    for (int i = 0; i < e->nargs; i++)
        if (sm_expr_has_agg(e->args[i])) return true;
    return false;
}

void sm_expr_release(sm_expr *e) {
    if (!e) return;
    for (int i = 0; i < e->nargs; i++) sm_expr_release(e->args[i]);
    if (e->kind == SM_EX_CALL && e->fn && e->fn->release && e->state) {
        e->fn->release(e->state);
        e->state = NULL;
    }
}

sm_expr *sm_expr_coerce(sm_bind_ctx *ctx, sm_expr *e, sm_type to) {
    if (!e || e->type == to) return e;
    sm_expr *c = sm_arena_alloc(ctx->arena, sizeof *c);
    sm_expr **args = sm_arena_alloc(ctx->arena, sizeof *args);
    if (!c || !args) return NULL;
    c->kind = SM_EX_CAST;
    c->pos = e->pos;
    c->end = e->end;
    c->name = e->name;
    c->cast_to = to;
    c->implicit = true;
    c->nargs = 1;
    c->args = args;
    args[0] = e;
    c->type = to;
    c->nullable = e->nullable || e->type == SM_NULLTYPE || bind_cast_may_null(e->type, to);
    c->col_index = -1;
    if (to == SM_DECIMAL) { /* the operand's own decimal type (int decimal(10,0), ...) */
        int p = SM_DEC_MAX_PRECISION, s = 18;
        sm_expr_dec_type(e, false, &p, &s);
        c->precision = (int8_t)p;
        c->scale = (int8_t)s;
    }
    return c;
}

/* ---- columns ---------------------------------------------------------------------- */

static int bind_levenshtein(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (lb > 255) lb = 255;
    int prev[256], cur[256];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int m = prev[j - 1] + cost;
            if (prev[j] + 1 < m) m = prev[j] + 1;
            if (cur[j - 1] + 1 < m) m = cur[j - 1] + 1;
            cur[j] = m;
        }
        memcpy(prev, cur, sizeof(int) * (lb + 1));
    }
    return prev[lb];
}

/* Appends `name` as Spark's toSQLId: backquoted, inner backquotes doubled. */
static void bind_quote_id(sm_buf *b, const char *name) {
    sm_buf_putc(b, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`') sm_buf_putc(b, '`');
        sm_buf_putc(b, *p);
    }
    sm_buf_putc(b, '`');
}

/* Appends a possibly qualified name ("t.a", "db.t.a") as Spark quotes its
 * name parts: `t`.`a`. */
static void bind_quote_parts(sm_buf *b, const char *name) {
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char *part = sm_strndup(p, n);
        bind_quote_id(b, part ? part : "");
        sm_free(part);
        if (!dot) break;
        sm_buf_putc(b, '.');
        p = dot + 1;
    }
}

/* Appends field f as `qualifier`.`name` (qualifier parts quoted one by one);
 * with keep_parts >= 0, only the last keep_parts parts of qualifier ++ name. */
static void bind_quote_field(sm_buf *b, const sm_field *f, int keep_parts) {
    const char *q = f->qualifier && *f->qualifier ? f->qualifier : NULL;
    if (q && keep_parts != 1) {
        /* qualifier parts to skip: all but the last keep_parts - 1 */
        int nq = 1;
        for (const char *p = q; *p; p++) nq += *p == '.';
        int skip = keep_parts < 0 ? 0 : nq - (keep_parts - 1);
        const char *p = q;
        for (int i = 0; i < skip && p; i++) {
            p = strchr(p, '.');
            if (p) p++;
        }
        if (p && *p) {
            bind_quote_parts(b, p);
            sm_buf_putc(b, '.');
        }
    }
    bind_quote_id(b, f->name ? f->name : "");
}

/* The qualifier of f without its last part ("db" for "db.t"), for grouping. */
static size_t bind_qual_head_len(const sm_field *f) {
    const char *q = f->qualifier;
    if (!q) return 0;
    const char *dot = strrchr(q, '.');
    return dot ? (size_t)(dot - q) : 0;
}

static bool bind_same_str(const char *a, size_t la, const char *b, size_t lb) {
    return la == lb && (la == 0 || memcmp(a, b, la) == 0);
}

static int bind_unresolved_column(sm_bind_ctx *ctx, const sm_expr *e) {
    const sm_schema *s = ctx->schema;
    int n = s ? s->ncols : 0;
    sm_buf b = {0};
    sm_buf_append(&b, "[UNRESOLVED_COLUMN.", 19);
    sm_buf_append(&b, n ? "WITH_SUGGESTION" : "WITHOUT_SUGGESTION", n ? 15 : 18);
    sm_buf_append(&b, "] A column or function parameter with name ", 43);
    bind_quote_parts(&b, e->name);
    sm_buf_append(&b, " cannot be resolved.", 20);
    if (n) {
        /* Spark's orderSuggestedIdentifiersBySimilarity: candidates are
         * qualifier parts ++ name; with a one-part name and one common
         * qualifier only names are shown, else (a name of at most two parts
         * and one common qualifier head) the last two parts, else all. */
        int base_parts = 1;
        for (const char *p = e->name; *p; p++) base_parts += *p == '.';
        bool same_qual = true, same_head = true;
        for (int i = 1; i < n; i++) {
            const sm_field *f0 = &s->fields[0], *fi = &s->fields[i];
            const char *q0 = f0->qualifier ? f0->qualifier : "", *qi = fi->qualifier ? fi->qualifier : "";
            if (strcmp(q0, qi) != 0) same_qual = false;
            if (!bind_same_str(q0, bind_qual_head_len(f0), qi, bind_qual_head_len(fi))) same_head = false;
        }
        int keep = base_parts == 1 && same_qual ? 1 : base_parts <= 2 && same_head ? 2 : -1;
        int *order = sm_malloc(sizeof(int) * (size_t)n * 2);
        if (!order) {
            sm_buf_free(&b);
            return SM_NOMEM;
        }
        int *dist = order + n;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (keep == 1) {
                dist[i] = bind_levenshtein(s->fields[i].name ? s->fields[i].name : "", e->name);
            } else {
                sm_buf q = {0};
                bind_quote_field(&q, &s->fields[i], keep);
                dist[i] = bind_levenshtein(q.data ? sm_buf_cstr(&q) : "", e->name);
                sm_buf_free(&q);
            }
        }
        /* stable insertion sort by distance */
        for (int i = 1; i < n; i++) {
            int k = order[i], j = i - 1;
            while (j >= 0 && dist[order[j]] > dist[k]) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = k;
        }
        sm_buf_append(&b, " Did you mean one of the following? [", 37);
        for (int i = 0; i < n && i < 5; i++) {
            if (i) sm_buf_append(&b, ", ", 2);
            bind_quote_field(&b, &s->fields[order[i]], keep);
        }
        sm_buf_append(&b, "].", 2);
        sm_free(order);
    }
    int rc = sm_bind_fail(ctx, e, "%s", b.data ? sm_buf_cstr(&b) : "[UNRESOLVED_COLUMN]");
    sm_buf_free(&b);
    return rc;
}

static bool bind_name_eq(const sm_bind_ctx *ctx, const char *a, const char *b) {
    return a && (ctx->case_sensitive ? strcmp(a, b) == 0 : strcasecmp(a, b) == 0);
}

/* Whether qualifier q matches the written prefix p[0..n): equal, or its last
 * parts ("t" and "db.t" both match a field qualified "db.t");
 * case-insensitive. */
static bool bind_qual_matches(const char *q, const char *p, size_t n) {
    if (!q) return false;
    size_t lq = strlen(q);
    if (lq < n || strncasecmp(q + lq - n, p, n) != 0) return false;
    return lq == n || q[lq - n - 1] == '.';
}

/* Fields matching `name`, a column name or qualifier.column.  Appends their
 * indexes to idx (room for s->ncols); *col_at = where the column part of
 * the name starts.  Qualified matches win, then a field literally named
 * `name` (a dotted name). */
static int bind_find_fields(const sm_bind_ctx *ctx, const char *name, int *idx, size_t *col_at) {
    const sm_schema *s = ctx->schema;
    int n = 0;
    *col_at = 0;
    /* qualifier.column, longest qualifier first */
    for (const char *dot = strrchr(name, '.'); dot; ) {
        size_t plen = (size_t)(dot - name);
        for (int i = 0; i < s->ncols; i++)
            if (bind_qual_matches(s->fields[i].qualifier, name, plen) &&
                bind_name_eq(ctx, s->fields[i].name, dot + 1))
                idx[n++] = i;
        if (n) {
            *col_at = plen + 1;
            return n;
        }
        const char *prev = NULL;
        for (const char *p = name; p < dot; p++)
            if (*p == '.') prev = p;
        dot = prev;
    }
    for (int i = 0; i < s->ncols; i++)
        if (bind_name_eq(ctx, s->fields[i].name, name)) idx[n++] = i;
    return n;
}

#define BIND_NO_FIELD (-1000)
static int bind_column(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out);

/* a.b.c where a (or t.a) is a struct column: get_struct_field calls over
 * the longest prefix that names a column.  SM_NOT_FOUND when none does. */
static int bind_struct_field(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out) {
    size_t len = strlen(e->name);
    for (size_t cut = len; cut > 0; cut--) {
        if (e->name[cut - 1] != '.' || cut == len) continue;
        char *prefix = sm_arena_strndup(ctx->arena, e->name, cut - 1);
        if (!prefix) return SM_NOMEM;
        int idx[1];
        size_t col_at;
        /* a prefix must resolve to exactly one column */
        int *all = sm_malloc(sizeof(int) * (size_t)(ctx->schema->ncols + 1));
        if (!all) return SM_NOMEM;
        int n = bind_find_fields(ctx, prefix, all, &col_at);
        idx[0] = n == 1 ? all[0] : -1;
        sm_free(all);
        if (idx[0] < 0) continue;
        sm_expr col = *e;
        col.name = prefix;
        sm_expr *x = NULL;
        SM_TRY(bind_column(ctx, &col, &x));
        const char *p = e->name + cut;
        while (*p) {
            const char *dot = strchr(p, '.');
            size_t fl = dot ? (size_t)(dot - p) : strlen(p);
            if (x->type != SM_STRUCT || !x->dt)
                return sm_bind_fail(ctx, e,
                                    "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from "
                                    "\"%s\". Need a complex type [STRUCT, ARRAY, MAP] but got "
                                    "\"%s\".",
                                    x->name ? x->name : prefix, ev_type_upper(x->type));
            int fi = -1;
            for (int f = 0; f < x->dt->nfields && fi < 0; f++) {
                const char *fn = x->dt->fields[f].name;
                if (strlen(fn) == fl &&
                    (ctx->case_sensitive ? strncmp(fn, p, fl) : strncasecmp(fn, p, fl)) == 0)
                    fi = f;
            }
            if (fi < 0) {
                sm_buf b = {0};
                for (int f = 0; f < x->dt->nfields; f++)
                    sm_buf_appendf(&b, "%s`%s`", f ? ", " : "", x->dt->fields[f].name);
                int rc = sm_bind_fail(ctx, e,
                                      "[FIELD_NOT_FOUND] No such struct field `%.*s` in %s.",
                                      (int)fl, p, b.data ? sm_buf_cstr(&b) : "");
                sm_buf_free(&b);
                return rc;
            }
            sm_expr *lit = sm_expr_new(ctx->arena, SM_EX_LITERAL);
            sm_expr *call = sm_expr_new(ctx->arena, SM_EX_CALL);
            sm_expr **args = sm_arena_alloc(ctx->arena, 2 * sizeof *args);
            if (!lit || !call || !args) return SM_NOMEM;
            lit->lit = (sm_value){.type = SM_INT, .v.i32 = fi};
            lit->type = SM_INT;
            lit->col_index = -1;
            call->pos = e->pos;
            call->end = e->end;
            call->name = (char *)x->dt->fields[fi].name;
            call->fn = sm_func_find("get_struct_field");
            call->col_index = -1;
            call->nargs = 2;
            call->args = args;
            args[0] = x;
            args[1] = lit;
            if (!call->fn) return sm_err(SM_INTERNAL, "get_struct_field is not registered");
            SM_TRY(call->fn->resolve(ctx, call));
            call->name = (char *)x->dt->fields[fi].name;
            x = call;
            p += fl;
            if (*p == '.') p++;
        }
        *out = x;
        return SM_OK;
    }
    return BIND_NO_FIELD;
}

static int bind_column(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out) {
    const sm_schema *s = ctx->schema;
    if (!e->name) return sm_err(SM_INTERNAL, "column reference without a name");
    if (!s || s->ncols == 0) return bind_unresolved_column(ctx, e);
    int *idx = sm_malloc(sizeof(int) * (size_t)s->ncols);
    if (!idx) return SM_NOMEM;
    size_t col_at;
    int n = bind_find_fields(ctx, e->name, idx, &col_at);
    if (n > 1) {
        sm_buf b = {0};
        sm_buf_append(&b, "[AMBIGUOUS_REFERENCE] Reference ", 32);
        bind_quote_parts(&b, e->name);
        sm_buf_append(&b, " is ambiguous, could be: [", 26);
        for (int i = 0; i < n; i++) {
            if (i) sm_buf_append(&b, ", ", 2);
            bind_quote_field(&b, &s->fields[idx[i]], -1);
        }
        sm_buf_append(&b, "].", 2);
        sm_free(idx);
        int rc = sm_bind_fail(ctx, e, "%s", b.data ? sm_buf_cstr(&b) : "[AMBIGUOUS_REFERENCE]");
        sm_buf_free(&b);
        return rc;
    }
    int at = n == 1 ? idx[0] : -1;
    sm_free(idx);
    if (at < 0 && strchr(e->name, '.')) {
        int rc = bind_struct_field(ctx, e, out);
        if (rc != BIND_NO_FIELD) return rc;
    }
    if (at < 0) return bind_unresolved_column(ctx, e);
    sm_expr *b = bind_node_copy(ctx, e, 0);
    if (!b) return SM_NOMEM;
    /* Spark names the resolved column as written, without its qualifier
     * (t.ID → "ID"). */
    if (col_at > 0 && !(b->name = sm_arena_strdup(ctx->arena, e->name + col_at))) return SM_NOMEM;
    b->col_index = at;
    b->type = s->fields[at].type;
    b->nullable = s->fields[at].nullable;
    b->precision = s->fields[at].precision; /* DECIMAL */
    b->scale = s->fields[at].scale;
    b->dt = s->fields[at].dt;
    *out = b;
    return SM_OK;
}

/* ---- the walk ----------------------------------------------------------------------- */

static int bind_rec(sm_bind_ctx *ctx, const sm_expr *e, bool in_agg, sm_expr **out);

static int bind_args(sm_bind_ctx *ctx, const sm_expr *e, sm_expr *b, bool in_agg) {
    for (int i = 0; i < e->nargs; i++) SM_TRY(bind_rec(ctx, e->args[i], in_agg, &b->args[i]));
    return SM_OK;
}

static int bind_arity(sm_bind_ctx *ctx, const sm_expr *e, const char *name, int min, int max) {
    if (e->nargs >= min && (max < 0 || e->nargs <= max)) return SM_OK;
    char expected[48];
    if (max < 0) snprintf(expected, sizeof expected, "> %d", min - 1);
    else if (min == max) snprintf(expected, sizeof expected, "%d", min);
    else snprintf(expected, sizeof expected, "[%d, %d]", min, max);
    return sm_bind_fail(ctx, e,
                        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `%s` requires %s parameters but "
                        "the actual number is %d. Please, refer to "
                        "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                        name, expected, e->nargs);
}

static int bind_call(sm_bind_ctx *ctx, const sm_expr *e, bool in_agg, sm_expr **out) {
    const sm_func_def *fn = e->name ? sm_func_find(e->name) : NULL;
    const sm_agg_def *agg = fn || !e->name ? NULL : sm_agg_find(e->name);
    if (!fn && !agg && sm_window_func_find(e->name)) /* window functions (window_funcs.c) */
        return sm_bind_fail(ctx, e,
                            "[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function \"%s\" requires "
                            "an OVER clause.",
                            sm_bind_sql(ctx, e));
    if (!fn && !agg)
        return sm_bind_fail(ctx, e,
                            "[UNRESOLVED_ROUTINE] Cannot resolve function `%s` on search path "
                            "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].",
                            e->name ? e->name : "?");
    if (agg) {
        if (in_agg)
            return sm_bind_fail(ctx, e,
                                "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate "
                                "function in the argument of another aggregate function. Please use "
                                "the inner aggregate function in a sub-query.");
        if (!ctx->allow_agg)
            return sm_bind_fail(ctx, e,
                                "[UNSUPPORTED_EXPR_FOR_OPERATOR] The aggregate function %s is not "
                                "allowed here. Use it in agg(), groupBy().agg() or a select list "
                                "that aggregates.",
                                sm_bind_sql(ctx, e));
    } else if (e->distinct) {
        return sm_bind_fail(ctx, e,
                            "[INVALID_SQL_SYNTAX] DISTINCT is only allowed in aggregate functions, "
                            "not in `%s`.",
                            fn->name);
    }
    SM_TRY(bind_arity(ctx, e, fn ? fn->name : agg->name, fn ? fn->min_args : agg->min_args,
                      fn ? fn->max_args : agg->max_args));
    sm_expr *b = bind_node_copy(ctx, e, e->nargs);
    if (!b) return SM_NOMEM;
    b->name = (char *)(fn ? fn->name : agg->name);
    if (agg && e->nargs == 1 && e->args[0]->kind == SM_EX_STAR) {
        /* count(*) is count(1) */
        sm_expr *one = bind_node_copy(ctx, e->args[0], 0);
        if (!one) return SM_NOMEM;
        one->kind = SM_EX_LITERAL;
        one->name = NULL;
        one->lit = (sm_value){.type = SM_INT, .v.i32 = 1};
        one->type = SM_INT;
        one->nullable = false;
        b->args[0] = one;
    } else {
        SM_TRY(bind_args(ctx, e, b, agg != NULL));
    }
    b->fn = fn;
    b->agg = agg;
    b->type = SM_NULLTYPE;
    b->nullable = true;
    int (*resolve)(sm_bind_ctx *, sm_expr *) = fn ? fn->resolve : agg->resolve;
    if (resolve) SM_TRY(resolve(ctx, b));
    /* a nested result typed like an argument (coalesce, if, min, first...):
     * its full type is that argument's */
    for (int i = 0; i < b->nargs && sm_type_is_nested(b->type) && !b->dt; i++) {
        const sm_expr *a = b->args[i];
        while (a->kind == SM_EX_CAST && a->implicit && !a->dt && a->nargs == 1) a = a->args[0];
        if (a->type == b->type && a->dt) b->dt = a->dt;
    }
    *out = b;
    return SM_OK;
}

static int bind_cast(sm_bind_ctx *ctx, const sm_expr *e, bool in_agg, sm_expr **out) {
    if (e->nargs != 1) return sm_err(SM_INTERNAL, "CAST node with %d children", e->nargs);
    sm_expr *b = bind_node_copy(ctx, e, 1);
    if (!b) return SM_NOMEM;
    SM_TRY(bind_args(ctx, e, b, in_agg));
    sm_type from = b->args[0]->type;
    if (ctx->ansi && e->cast_to == SM_BINARY && sm_type_is_integral(from))
        return sm_bind_fail(ctx, e,
                            "[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] Cannot resolve \"%s\" due "
                            "to data type mismatch: cannot cast \"%s\" to \"BINARY\" with ANSI "
                            "mode on. If you have to cast \"%s\" to \"BINARY\", you can set "
                            "\"spark.sql.ansi.enabled\" as 'false'.",
                            sm_bind_sql(ctx, b), ev_type_upper(from), ev_type_upper(from));
    if (sm_type_is_nested(from) || sm_type_is_nested(e->cast_to)) {
        const sm_dtype *to = sm_type_is_nested(e->cast_to) ? e->dt : sm_dtype_scalar(e->cast_to, e->precision, e->scale);
        if (!to || (from != SM_NULLTYPE && !sm_nested_cast_allowed(sm_nested_expr_dtype(b->args[0]), to))) {
            char f[256], t[256];
            sm_type_format(f, sizeof f, from, b->args[0]->precision, b->args[0]->scale, b->args[0]->dt);
            sm_type_format(t, sizeof t, e->cast_to, e->precision, e->scale, e->dt);
            for (char *q = f; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
            for (char *q = t; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
            return sm_bind_fail(ctx, e,
                                "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"%s\" "
                                "due to data type mismatch: cannot cast \"%s\" to \"%s\".",
                                sm_bind_sql(ctx, b), f, t);
        }
        b->type = e->cast_to;
        b->dt = sm_type_is_nested(e->cast_to) ? e->dt : NULL;
        b->nullable = true;
        *out = b;
        return SM_OK;
    }
    if (!sm_cast_allowed(from, e->cast_to))
        return sm_bind_fail(ctx, e,
                            "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"%s\" due "
                            "to data type mismatch: cannot cast \"%s\" to \"%s\".",
                            sm_bind_sql(ctx, b), ev_type_upper(from), ev_type_upper(e->cast_to));
    b->type = e->cast_to;
    b->nullable = b->args[0]->nullable || bind_cast_may_null(from, e->cast_to);
    /* A typed literal (DATE '...', TIMESTAMP '...') is a Literal in Spark:
     * the parser has already checked the text, so it is never null. */
    if (e->name && b->args[0]->kind == SM_EX_LITERAL && !b->args[0]->lit.is_null) b->nullable = false;
    *out = b;
    return SM_OK;
}

static int bind_types_list(sm_buf *b, sm_expr **es, int n) {
    sm_buf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        if (i) sm_buf_append(b, ", ", 2);
        sm_buf_appendf(b, "\"%s\"", ev_type_upper(es[i]->type));
    }
    return sm_buf_putc(b, ']');
}

static int bind_diff_types(sm_bind_ctx *ctx, const sm_expr *node, const char *fname, sm_expr **es,
                           int n) {
    sm_buf b = {0};
    bind_types_list(&b, es, n);
    int rc = sm_bind_fail(ctx, node,
                          "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due to data "
                          "type mismatch: Input to `%s` should all be the same type, but it's %s.",
                          sm_bind_sql(ctx, node), fname, b.data ? sm_buf_cstr(&b) : "[]");
    sm_buf_free(&b);
    return rc;
}

static int bind_case(sm_bind_ctx *ctx, const sm_expr *e, bool in_agg, sm_expr **out) {
    int first = e->has_operand ? 1 : 0;
    int nbranch = (e->nargs - first - (e->has_else ? 1 : 0)) / 2;
    int nargs = nbranch * 2 + (e->has_else ? 1 : 0);
    if (nbranch < 1) return sm_err(SM_INTERNAL, "CASE without WHEN");
    sm_expr *b = bind_node_copy(ctx, e, nargs);
    if (!b) return SM_NOMEM;
    b->has_operand = false;
    for (int i = 0; i < nbranch; i++) {
        const sm_expr *w = e->args[first + 2 * i];
        if (e->has_operand) {
            /* CASE x WHEN v → CASE WHEN x = v */
            sm_expr *eq = sm_arena_alloc(ctx->arena, sizeof *eq);
            sm_expr **eargs = sm_arena_alloc(ctx->arena, 2 * sizeof *eargs);
            char *nm = sm_arena_strdup(ctx->arena, "=");
            if (!eq || !eargs || !nm) return SM_NOMEM;
            eq->kind = SM_EX_CALL;
            eq->pos = w->pos;
            eq->end = w->end;
            eq->name = nm;
            eq->nargs = 2;
            eq->args = eargs;
            eargs[0] = e->args[0];
            eargs[1] = (sm_expr *)w;
            SM_TRY(bind_rec(ctx, eq, in_agg, &b->args[2 * i]));
        } else {
            SM_TRY(bind_rec(ctx, w, in_agg, &b->args[2 * i]));
        }
        SM_TRY(bind_rec(ctx, e->args[first + 2 * i + 1], in_agg, &b->args[2 * i + 1]));
    }
    if (e->has_else) SM_TRY(bind_rec(ctx, e->args[e->nargs - 1], in_agg, &b->args[nargs - 1]));
    for (int i = 0; i < nbranch; i++) {
        sm_expr *c = b->args[2 * i];
        if (c->type != SM_BOOLEAN)
            return sm_bind_fail(ctx, c,
                                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                                "to data type mismatch: Parameter %d requires the \"BOOLEAN\" type, "
                                "however \"%s\" has the type \"%s\".",
                                sm_bind_sql(ctx, b), 2 * i + 1, sm_bind_sql(ctx, c),
                                ev_type_upper(c->type));
    }
    /* values: THEN branches then ELSE */
    int nvals = nbranch + (e->has_else ? 1 : 0);
    sm_expr **vals = sm_arena_alloc(ctx->arena, sizeof *vals * (size_t)nvals);
    if (!vals) return SM_NOMEM;
    for (int i = 0; i < nbranch; i++) vals[i] = b->args[2 * i + 1];
    if (e->has_else) vals[nbranch] = b->args[nargs - 1];
    int t = bind_wider_all(vals, nvals);
    if (t < 0) return bind_diff_types(ctx, b, "casewhen", vals, nvals);
    bool nullable = !e->has_else;
    int dp = 0, ds = 0;
    if (t == SM_DECIMAL) sm_expr_wider_decimal(vals, nvals, &dp, &ds);
    for (int i = 0; i < nvals; i++) {
        sm_expr *c = t == SM_DECIMAL ? sm_expr_coerce_dec(ctx, vals[i], dp, ds)
                                     : sm_expr_coerce(ctx, vals[i], (sm_type)t);
        if (!c) return SM_NOMEM;
        if (i < nbranch) b->args[2 * i + 1] = c;
        else b->args[nargs - 1] = c;
        nullable = nullable || c->nullable || c->type == SM_NULLTYPE;
    }
    b->type = (sm_type)t;
    b->precision = (int8_t)dp;
    b->scale = (int8_t)ds;
    b->nullable = nullable;
    b->dt = NULL;
    for (int i = 0; i < nvals && sm_type_is_nested(b->type); i++)
        if (vals[i]->dt) b->dt = vals[i]->dt;
    *out = b;
    return SM_OK;
}

static int bind_in(sm_bind_ctx *ctx, const sm_expr *e, bool in_agg, sm_expr **out) {
    if (e->nargs < 1) return sm_err(SM_INTERNAL, "IN without a value");
    sm_expr *b = bind_node_copy(ctx, e, e->nargs);
    if (!b) return SM_NOMEM;
    SM_TRY(bind_args(ctx, e, b, in_agg));
    int t = bind_wider_all(b->args, b->nargs);
    if (t < 0) return bind_diff_types(ctx, b, "in", b->args, b->nargs);
    if (t == SM_NULLTYPE) t = SM_BOOLEAN;
    bool nullable = false;
    int dp = 0, ds = 0;
    if (t == SM_DECIMAL) sm_expr_wider_decimal(b->args, b->nargs, &dp, &ds);
    for (int i = 0; i < b->nargs; i++) {
        sm_expr *c = t == SM_DECIMAL ? sm_expr_coerce_dec(ctx, b->args[i], dp, ds)
                                     : sm_expr_coerce(ctx, b->args[i], (sm_type)t);
        if (!c) return SM_NOMEM;
        b->args[i] = c;
        nullable = nullable || c->nullable;
    }
    b->type = SM_BOOLEAN;
    b->nullable = nullable;
    *out = b;
    return SM_OK;
}

static int bind_rec(sm_bind_ctx *ctx, const sm_expr *e, bool in_agg, sm_expr **out) {
    switch (e->kind) {
    case SM_EX_COLUMN: return bind_column(ctx, e, out);
    case SM_EX_LITERAL: {
        sm_expr *b = bind_node_copy(ctx, e, 0);
        if (!b) return SM_NOMEM;
        if (!bind_copy_lit_string(ctx, &b->lit)) return SM_NOMEM;
        if (b->lit.is_null && b->lit.type != SM_NULLTYPE) {
            /* a typed NULL stays typed */
        }
        b->type = b->lit.type;
        b->nullable = b->lit.is_null || b->lit.type == SM_NULLTYPE;
        if (b->type == SM_DECIMAL) {
            b->precision = b->lit.precision;
            b->scale = b->lit.scale;
        }
        *out = b;
        return SM_OK;
    }
    case SM_EX_WINDOW:
        return sm_bind_fail(ctx, e,
                            "[UNSUPPORTED_EXPR_FOR_WINDOW] A window function is not allowed "
                            "here; use it in a SELECT list.");
    case SM_EX_SUBQUERY:
    case SM_EX_EXISTS:
    case SM_EX_IN_SUBQUERY:
    case SM_EX_OUTER_REF:
        return sm_bind_fail(ctx, e,
                            "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] A subquery is not "
                            "allowed here.");
    case SM_EX_CALL: return bind_call(ctx, e, in_agg, out);
    case SM_EX_CAST: return bind_cast(ctx, e, in_agg, out);
    case SM_EX_CASE: return bind_case(ctx, e, in_agg, out);
    case SM_EX_IN: return bind_in(ctx, e, in_agg, out);
    case SM_EX_ALIAS: {
        if (e->nargs != 1) return sm_err(SM_INTERNAL, "alias with %d children", e->nargs);
        sm_expr *b = bind_node_copy(ctx, e, 1);
        if (!b) return SM_NOMEM;
        SM_TRY(bind_args(ctx, e, b, in_agg));
        b->type = b->args[0]->type;
        b->nullable = b->args[0]->nullable;
        b->precision = b->args[0]->precision;
        b->scale = b->args[0]->scale;
        b->dt = b->args[0]->dt;
        *out = b;
        return SM_OK;
    }
    case SM_EX_STAR:
        return sm_bind_fail(ctx, e,
                            "[INVALID_USAGE_OF_STAR_OR_REGEX] Invalid usage of '*' in expression; "
                            "'*' is allowed only in a select list or count(*).");
    }
    return sm_err(SM_INTERNAL, "unknown expression kind %d", (int)e->kind);
}

int sm_expr_bind(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out) {
    if (!ctx || !ctx->arena || !e) return sm_err(SM_INVALID, "sm_expr_bind: missing argument");
    sm_expr *b = NULL;
    SM_TRY(bind_rec(ctx, e, false, &b));
    *out = b;
    return SM_OK;
}
