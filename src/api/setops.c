/*
 * setops.c — union / intersect / intersectAll / subtract / exceptAll and
 * offset: analysis into UNION, SETOP and LIMIT plan nodes (plan.h),
 * executed by exec.c's UNION and LIMIT streams and exec/setop.c.
 *
 * Analysis, as Spark's (checked against PySpark 3.5):
 *   - both inputs need the same number of columns ([NUM_COLUMNS_MISMATCH]);
 *   - column types are widened pairwise (WidenSetOperationTypes: int and
 *     double → double, int and string → string; decimals, and a decimal
 *     with an int / bigint, meet at the wider decimal); a pair without a
 *     wider type is [INCOMPATIBLE_COLUMN_TYPE];
 *   - the output has the left's names and qualifiers; a column is nullable
 *     for INTERSECT when it is on both sides, for EXCEPT when it is on the
 *     left.
 * Memory: nodes, schemas and casts live in the session arena.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "types/decimal.h"

static const char *so_ordinal(int i, char *buf, size_t n) {
    static const char *names[] = {"first", "second", "third"};
    if (i < 3) return names[i];
    snprintf(buf, n, "%dth", i + 1);
    return buf;
}

static const char *so_upper(sm_type t, char *buf, size_t n) {
    const char *nm = sm_type_name(t);
    size_t i = 0;
    for (; nm[i] && i + 1 < n; i++) buf[i] = (char)toupper((unsigned char)nm[i]);
    buf[i] = '\0';
    return buf;
}

/* df itself when its types are `types` (DECIMAL: decimal(prec, scale)),
 * else a projection casting to them. */
static sm_plan *so_cast(sm_session *s, sm_plan *in, const sm_type *types, const int8_t *prec,
                        const int8_t *scale) {
    const sm_schema *sc = in->schema;
    bool same = true;
    for (int c = 0; c < sc->ncols; c++)
        same = same && sc->fields[c].type == types[c] &&
               (types[c] != SM_DECIMAL ||
                (sc->fields[c].precision == prec[c] && sc->fields[c].scale == scale[c]));
    if (same) return in;
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    sm_schema *os = sm_arena_alloc(s->arena, sizeof *os);
    sm_expr **exprs = sm_arena_alloc(s->arena, sizeof *exprs * (size_t)(sc->ncols ? sc->ncols : 1));
    if (!p || !os || !exprs) return NULL;
    os->ncols = sc->ncols;
    if (!(os->fields = sm_arena_alloc(s->arena, sizeof(sm_field) * (size_t)(sc->ncols ? sc->ncols : 1))))
        return NULL;
    sm_bind_ctx bc;
    sm_session_bind_ctx(s, sc, NULL, &bc);
    for (int c = 0; c < sc->ncols; c++) {
        sm_expr *e = sm_expr_column(s->arena, sc->fields[c].name);
        if (!e) return NULL;
        e->col_index = c;
        e->type = sc->fields[c].type;
        e->nullable = sc->fields[c].nullable;
        e->precision = sc->fields[c].precision;
        e->scale = sc->fields[c].scale;
        e->dt = sc->fields[c].dt;
        exprs[c] = types[c] == SM_DECIMAL ? sm_expr_coerce_dec(&bc, e, prec[c], scale[c])
                                          : sm_expr_coerce(&bc, e, types[c]);
        if (!exprs[c]) return NULL;
        os->fields[c] = sc->fields[c];
        os->fields[c].type = types[c];
        os->fields[c].precision = exprs[c]->precision;
        os->fields[c].scale = exprs[c]->scale;
        os->fields[c].dt = exprs[c]->dt;
        os->fields[c].nullable = exprs[c]->nullable;
        if (exprs[c] != e) os->fields[c].qualifier = NULL;
    }
    p->kind = SM_PLAN_PROJECT;
    p->child = in;
    p->exprs = exprs;
    p->nexprs = sc->ncols;
    p->schema = os;
    return p;
}

/* kind < 0: UNION ALL (an SM_PLAN_UNION node), else INTERSECT / EXCEPT. */
static sm_dataframe *so_make(sm_dataframe *df, sm_dataframe *other, int kind, bool all,
                             const char *opname) {
    if (!df || !other) return NULL;
    sm_session *s = df->session;
    if (other->session != s) {
        sm_err(SM_INVALID, "%s: the two DataFrames belong to different sessions", opname);
        return NULL;
    }
    const sm_schema *ls = df->plan->schema, *rs = other->plan->schema;
    if (ls->ncols != rs->ncols) {
        sm_err(SM_ANALYSIS,
               "[NUM_COLUMNS_MISMATCH] %s can only be performed on inputs with the same number of "
               "columns, but the first input has %d columns and the second input has %d columns.",
               opname, ls->ncols, rs->ncols);
        return NULL;
    }
    int n = ls->ncols;
    sm_type *types = sm_arena_alloc(s->arena, sizeof *types * (size_t)(n ? n : 1));
    int8_t *prec = sm_arena_alloc(s->arena, (size_t)(n ? n : 1));
    int8_t *scale = sm_arena_alloc(s->arena, (size_t)(n ? n : 1));
    if (!types || !prec || !scale) return NULL;
    for (int c = 0; c < n; c++) {
        int w = sm_type_wider(ls->fields[c].type, rs->fields[c].type);
        if (w == SM_DECIMAL) { /* widerDecimalType of the two (int decimal(10,0), ...) */
            const sm_field *f[2] = {&ls->fields[c], &rs->fields[c]};
            int p = -1, sc = 0;
            for (int i = 0; i < 2; i++) {
                int fp = f[i]->precision, fs = f[i]->scale;
                if (f[i]->type != SM_DECIMAL && !sm_dec_for_type(f[i]->type, &fp, &fs)) continue;
                if (p < 0) p = fp, sc = fs;
                else sm_dec_wider(p, sc, fp, fs, &p, &sc);
            }
            types[c] = SM_DECIMAL;
            prec[c] = (int8_t)p;
            scale[c] = (int8_t)sc;
            continue;
        }
        if (w < 0) {
            char ob[16], ta[32], tb[32];
            sm_err(SM_ANALYSIS,
                   "[INCOMPATIBLE_COLUMN_TYPE] %s can only be performed on tables with compatible "
                   "column types. The %s column of the second table is \"%s\" type which is not "
                   "compatible with \"%s\" at the same column of the first table..",
                   opname, so_ordinal(c, ob, sizeof ob), so_upper(rs->fields[c].type, ta, sizeof ta),
                   so_upper(ls->fields[c].type, tb, sizeof tb));
            return NULL;
        }
        types[c] = (sm_type)w;
    }
    sm_plan *l = so_cast(s, df->plan, types, prec, scale);
    sm_plan *r = so_cast(s, other->plan, types, prec, scale);
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    sm_plan **children = sm_arena_alloc(s->arena, 2 * sizeof *children);
    sm_schema *os = sm_arena_alloc(s->arena, sizeof *os);
    if (!l || !r || !p || !children || !os) return NULL;
    os->ncols = n;
    if (!(os->fields = sm_arena_alloc(s->arena, sizeof(sm_field) * (size_t)(n ? n : 1)))) return NULL;
    for (int c = 0; c < n; c++) {
        os->fields[c] = l->schema->fields[c];
        if (kind == SM_SETOP_INTERSECT)
            os->fields[c].nullable = l->schema->fields[c].nullable && r->schema->fields[c].nullable;
        else if (kind < 0)
            os->fields[c].nullable = l->schema->fields[c].nullable || r->schema->fields[c].nullable;
    }
    children[0] = l;
    children[1] = r;
    p->kind = kind < 0 ? SM_PLAN_UNION : SM_PLAN_SETOP;
    p->children = children;
    p->nchildren = 2;
    p->setop = kind < 0 ? SM_SETOP_INTERSECT : (sm_setop_kind)kind;
    p->setop_all = all;
    p->schema = os;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_df_union(sm_dataframe *df, sm_dataframe *other) {
    return so_make(df, other, -1, true, "UNION");
}

sm_dataframe *sm_df_intersect(sm_dataframe *df, sm_dataframe *other) {
    return so_make(df, other, SM_SETOP_INTERSECT, false, "INTERSECT");
}

sm_dataframe *sm_df_intersect_all(sm_dataframe *df, sm_dataframe *other) {
    return so_make(df, other, SM_SETOP_INTERSECT, true, "INTERSECT ALL");
}

sm_dataframe *sm_df_subtract(sm_dataframe *df, sm_dataframe *other) {
    return so_make(df, other, SM_SETOP_EXCEPT, false, "EXCEPT");
}

sm_dataframe *sm_df_except_all(sm_dataframe *df, sm_dataframe *other) {
    return so_make(df, other, SM_SETOP_EXCEPT, true, "EXCEPT ALL");
}

sm_dataframe *sm_df_offset(sm_dataframe *df, int64_t n) {
    if (!df) return NULL;
    if (n < 0) {
        sm_err(SM_ANALYSIS,
               "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The offset like expression \"%lld\" is "
               "invalid. The offset expression must be equal to or greater than 0, but got %lld.",
               (long long)n, (long long)n);
        return NULL;
    }
    sm_session *s = df->session;
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    if (!p) return NULL;
    p->kind = SM_PLAN_LIMIT;
    p->child = df->plan;
    p->schema = df->plan->schema;
    p->limit = -1;
    p->offset = n;
    return sm_df_wrap(s, p);
}
