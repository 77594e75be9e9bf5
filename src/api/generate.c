/*
 * generate.c — the GENERATE plan node (Spark's Generate): explode,
 * posexplode and inline, with or without _outer.  The output is the
 * child's columns (qualifiers kept) followed by the generated columns:
 *   explode(array)      col            explode(map)      key, value
 *   posexplode(array)   pos, col       posexplode(map)   pos, key, value
 *   inline(array<struct>) the struct's fields
 * pos is an int; generated columns are nullable when the elements may be
 * (always for _outer).  Execution is exec/generate.c.  Everything lives in
 * the session arena, like the other plan builders.
 */
#include <string.h>
#include <strings.h>

#include "api/api_internal.h"

static int gen_fail(const sm_expr *arg, const char *fn) {
    char t[256];
    sm_type_format(t, sizeof t, arg->type, arg->precision, arg->scale, arg->dt);
    for (char *q = t; *q; q++) *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
    return sm_err(SM_ANALYSIS,
                  "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s(%s)\" due to data "
                  "type mismatch: Parameter 1 requires the %s type, however \"%s\" has the type "
                  "\"%s\".",
                  fn, arg->name ? arg->name : "?",
                  strcmp(fn, "inline") == 0 ? "\"ARRAY<STRUCT>\"" : "(\"ARRAY\" or \"MAP\")",
                  arg->name ? arg->name : "?", t);
}

sm_dataframe *sm_df_generate(sm_dataframe *df, sm_expr *arg, int kind, bool outer, int nnames,
                             const char *const *names) {
    if (!df || !arg) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    const sm_dtype *dt = arg->dt;
    const char *fn = kind == SM_GEN_EXPLODE ? "explode" : kind == SM_GEN_POSEXPLODE ? "posexplode" : "inline";
    /* the generated columns: names, types, nullability */
    const char *gn[64];
    const sm_dtype *gt[64];
    bool gnull[64];
    int ng = 0;
    if (kind == SM_GEN_POSEXPLODE) {
        gn[ng] = "pos", gt[ng] = sm_dtype_scalar(SM_INT, 0, 0), gnull[ng++] = outer;
    }
    if (kind == SM_GEN_INLINE) {
        if (arg->type != SM_ARRAY || !dt || dt->elem->id != SM_STRUCT || dt->elem->nfields > 64) {
            gen_fail(arg, fn);
            return NULL;
        }
        for (int i = 0; i < dt->elem->nfields; i++) {
            gn[ng] = dt->elem->fields[i].name;
            gt[ng] = dt->elem->fields[i].type;
            gnull[ng++] = true;
        }
    } else if (arg->type == SM_ARRAY && dt) {
        gn[ng] = "col", gt[ng] = dt->elem, gnull[ng++] = outer || dt->contains_null;
    } else if (arg->type == SM_MAP && dt) {
        gn[ng] = "key", gt[ng] = dt->elem, gnull[ng++] = outer;
        gn[ng] = "value", gt[ng] = dt->value, gnull[ng++] = outer || dt->contains_null;
    } else {
        gen_fail(arg, fn);
        return NULL;
    }
    if (nnames > 0 && nnames != ng) {
        sm_err(SM_ANALYSIS,
               "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS clause does "
               "not match the number of columns output by the UDTF. Expected %d aliases, but got "
               "%d.",
               ng, nnames);
        return NULL;
    }
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    sm_expr **ex = sm_arena_alloc(s->arena, sizeof *ex);
    if (!p || !sc || !ex) return NULL;
    sc->ncols = in->ncols + ng;
    sc->fields = sm_arena_alloc(s->arena, (size_t)sc->ncols * sizeof(sm_field));
    if (!sc->fields) return NULL;
    for (int c = 0; c < in->ncols; c++) sc->fields[c] = in->fields[c];
    for (int g = 0; g < ng; g++) {
        sm_field *f = &sc->fields[in->ncols + g];
        f->name = sm_arena_strdup(s->arena, nnames > 0 ? names[g] : gn[g]);
        if (!f->name) return NULL;
        f->type = gt[g]->id;
        f->precision = gt[g]->precision;
        f->scale = gt[g]->scale;
        f->dt = sm_type_is_nested(gt[g]->id) ? gt[g] : NULL;
        f->nullable = gnull[g];
    }
    p->kind = SM_PLAN_GENERATE;
    p->child = df->plan;
    p->schema = sc;
    ex[0] = arg;
    p->exprs = ex;
    p->nexprs = 1;
    p->gen_kind = kind;
    p->gen_outer = outer;
    return sm_df_wrap(s, p);
}

/* explode / explode_outer / posexplode(_outer) / inline(_outer) */
static int gen_kind_of(const sm_expr *e, bool *outer) {
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

int sm_df_plan_generators(sm_dataframe **df, int n, sm_expr *const *items, sm_expr ***out,
                          int *nout) {
    sm_session *s = (*df)->session;
    *out = (sm_expr **)items;
    *nout = n;
    sm_expr **res = NULL;
    int k = 0, cap = n;
    sm_dataframe *cur = *df;
    for (int i = 0; i < n; i++) {
        const sm_expr *item = items[i];
        const sm_expr *g = item->kind == SM_EX_ALIAS && item->nargs == 1 ? item->args[0] : item;
        bool outer = false;
        int kind = gen_kind_of(g, &outer);
        if (!kind) {
            if (res) res[k++] = items[i];
            continue;
        }
        sm_bind_ctx bc;
        sm_session_bind_ctx(s, cur->plan->schema, NULL, &bc);
        sm_expr *arg = NULL;
        SM_TRY(sm_expr_bind(&bc, g->args[0], &arg));
        SM_TRY(sm_session_add_bound(s, arg));
        int nin = cur->plan->schema->ncols;
        const char *alias = item->kind == SM_EX_ALIAS ? item->name : NULL;
        sm_dataframe *gdf = sm_df_generate(cur, arg, kind, outer, alias ? 1 : 0, &alias);
        if (!gdf) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        sm_schema *gs = gdf->plan->schema;
        int ng = gs->ncols - nin;
        sm_expr **ni = sm_arena_alloc(s->arena, sizeof *ni * (size_t)(cap + ng));
        if (!ni) return SM_NOMEM;
        if (res) memcpy(ni, res, sizeof *ni * (size_t)k);
        else
            for (int j = 0; j < i; j++) ni[k++] = items[j];
        res = ni;
        cap += ng;
        for (int c = nin; c < gs->ncols; c++) {
            const char *shown = gs->fields[c].name;
            for (int j = 0; j < nin; j++)
                if (gs->fields[j].name && strcasecmp(gs->fields[j].name, shown) == 0) {
                    char *priv = sm_arena_printf(s->arena, "__generated%d_%s", c, shown);
                    if (!priv) return SM_NOMEM;
                    gs->fields[c].name = priv;
                    break;
                }
            sm_expr *ref = sm_expr_column(s->arena, gs->fields[c].name);
            sm_expr *al = ref ? sm_expr_alias(s->arena, ref, shown) : NULL;
            if (!al) return SM_NOMEM;
            res[k++] = al;
        }
        cur = gdf;
    }
    if (!res) return SM_OK;
    *out = res;
    *nout = k;
    *df = cur;
    return SM_OK;
}
