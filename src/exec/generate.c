/*
 * generate.c — the GENERATE operator (plan.h; api/generate.c builds it):
 * per input batch, the generator's argument is evaluated, every row is
 * repeated once per element (outer: at least once, with nulls for a null or
 * empty collection) with sm_batch_take, and the generated columns are built
 * from the elements with sm_vector_append_from.  Streaming, one output
 * batch per input batch (an explosion can make it larger than
 * SM_BATCH_ROWS; operators do not depend on batch size).
 *
 * Ownership: the stream owns its child stream; input batches are freed as
 * soon as their output is built.
 */
#include <string.h>

#include "common/status.h"
#include "exec/exec.h"

typedef struct {
    sm_stream base;
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_stream *child;
} gen_stream;

static int gen_build(gen_stream *gs, sm_batch *in, sm_batch **out) {
    const sm_plan *p = gs->p;
    sm_vector *v = NULL;
    SM_TRY(sm_expr_eval(&gs->ctx->eval, p->exprs[0], in, &v));
    int64_t n = in->nrows, total = 0;
    bool has = v->nchildren > 0 && v->type != SM_NULLTYPE;
    for (int64_t r = 0; r < n; r++) {
        int64_t len = 0;
        if (has && !sm_vector_is_null(v, r)) len = SM_VEC_OFF(v)[r + 1] - SM_VEC_OFF(v)[r];
        total += len ? len : p->gen_outer ? 1 : 0;
    }
    int nin = in->ncols, ng = p->schema->ncols - nin;
    int32_t *sel = sm_malloc(sizeof(int32_t) * (size_t)(total ? total : 1));
    int64_t *elem = sm_malloc(sizeof(int64_t) * (size_t)(total ? total : 1));
    int32_t *pos = sm_malloc(sizeof(int32_t) * (size_t)(total ? total : 1));
    sm_batch *res = sm_batch_new(nin + ng, total);
    int rc = sel && elem && pos && res ? SM_OK : SM_NOMEM;
    int64_t k = 0;
    for (int64_t r = 0; r < n && rc == SM_OK; r++) {
        int64_t a = 0, b = 0;
        if (has && !sm_vector_is_null(v, r)) a = SM_VEC_OFF(v)[r], b = SM_VEC_OFF(v)[r + 1];
        for (int64_t e = a; e < b; e++, k++) sel[k] = (int32_t)r, elem[k] = e, pos[k] = (int32_t)(e - a);
        if (a == b && p->gen_outer) sel[k] = (int32_t)r, elem[k] = -1, pos[k] = -1, k++;
    }
    for (int c = 0; c < nin && rc == SM_OK; c++) {
        if (!in->cols[c]) continue; /* pruned */
        res->cols[c] = sm_vector_take(in->cols[c], sel, total);
        if (!res->cols[c]) rc = SM_NOMEM;
    }
    /* the generated columns */
    int g = 0;
    if (rc == SM_OK && p->gen_kind == SM_GEN_POSEXPLODE) {
        sm_vector *pv = sm_vector_new(SM_INT, total ? total : 1);
        if (!pv) rc = SM_NOMEM;
        for (int64_t i = 0; i < total && rc == SM_OK; i++)
            rc = pos[i] < 0 ? sm_vector_append_null(pv) : sm_vector_append_i32(pv, pos[i]);
        res->cols[nin + g++] = pv;
    }
    /* sources: the elements (explode of an array), keys and values (of a
     * map), or the fields of struct elements (inline) */
    const sm_vector *src[64];
    int nsrc = 0;
    const sm_vector *st = NULL; /* inline: the struct elements, for their nulls */
    if (rc == SM_OK && has) {
        if (p->gen_kind == SM_GEN_INLINE) {
            st = v->children[0];
            for (int f = 0; f < st->nchildren && nsrc < 64; f++) src[nsrc++] = st->children[f];
        } else {
            for (int c = 0; c < v->nchildren && nsrc < 64; c++) src[nsrc++] = v->children[c];
        }
    }
    for (; g < ng && rc == SM_OK; g++) {
        const sm_field *f = &p->schema->fields[nin + g];
        sm_vector *gv = f->dt ? sm_vector_new_dt(f->dt, total ? total : 1)
                              : sm_vector_new(f->type, total ? total : 1);
        if (!gv) {
            rc = SM_NOMEM;
            break;
        }
        if (f->type == SM_DECIMAL) gv->precision = f->precision, gv->scale = f->scale;
        int si = g - (p->gen_kind == SM_GEN_POSEXPLODE ? 1 : 0);
        const sm_vector *sv = si < nsrc ? src[si] : NULL;
        for (int64_t i = 0; i < total && rc == SM_OK; i++) {
            bool null = elem[i] < 0 || !sv || (st && sm_vector_is_null(st, elem[i]));
            rc = null ? sm_vector_append_null(gv) : sm_vector_append_from(gv, sv, elem[i]);
        }
        res->cols[nin + g] = gv;
    }
    sm_free(sel);
    sm_free(elem);
    sm_free(pos);
    sm_vector_unref(v);
    if (rc != SM_OK) {
        sm_batch_free(res);
        return rc;
    }
    *out = res;
    return SM_OK;
}

static int gen_next(sm_stream *s, sm_batch **out) {
    gen_stream *gs = (gen_stream *)s;
    *out = NULL;
    sm_batch *in = NULL;
    SM_TRY(gs->child->next(gs->child, &in));
    if (!in) return SM_OK;
    int rc = gen_build(gs, in, out);
    sm_batch_free(in);
    return rc;
}

static void gen_close(sm_stream *s) {
    gen_stream *gs = (gen_stream *)s;
    if (gs->child) gs->child->close(gs->child);
    sm_free(gs);
}

int exec_generate_open(sm_exec_ctx *ctx, const sm_plan *p, sm_stream *child, sm_stream **out) {
    gen_stream *gs = sm_calloc(1, sizeof *gs);
    if (!gs) return SM_NOMEM;
    gs->base.next = gen_next;
    gs->base.close = gen_close;
    gs->ctx = ctx;
    gs->p = p;
    gs->child = child;
    *out = &gs->base;
    return SM_OK;
}
