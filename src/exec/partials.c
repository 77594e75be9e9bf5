/*
 * partials.c — the two-phase driver and the output batching shared by the
 * hash breakers (partials.h).
 *
 * exec_two_phase_run: counts the child's partitions, allocates one zeroed
 * partial table per partition and the output mset, runs consume over every
 * batch of the child, then merge once per piece on the pool, then the
 * optional finish callback; whatever happened, it frees every partial
 * table (free_table is called on tables that were never used, which are
 * still zeroed) and, on failure, the mset.
 *
 * exec_emit_batches: a merged table's rows [0, nrows) become batches of at
 * most SM_BATCH_ROWS rows; one batch holding every row shares the table's
 * vectors (a reference each), otherwise each batch takes a copy of its rows.
 */
#include "exec/partials.h"

#include <string.h>

#include "common/status.h"

int exec_two_phase_run(sm_exec_ctx *ctx, const sm_plan *child, exec_two_phase *tp, sm_mset **out) {
    int rc = SM_OK;
    tp->partials = NULL;
    tp->out = NULL;
    tp->npartials = exec_num_partitions(ctx, child);
    if (tp->npartials < 0) {
        tp->npartials = 0;
        rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    }
    if (rc == SM_OK) {
        tp->partials = sm_calloc((size_t)tp->npartials + 1, tp->table_size);
        tp->out = sm_mset_new(tp->npieces);
        if (!tp->partials || !tp->out) rc = SM_NOMEM;
    }
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, child, tp->consume, tp->arg);
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, tp->npieces, tp->merge, tp->arg);
    if (rc == SM_OK && tp->finish) rc = tp->finish(tp->arg);
    if (tp->partials)
        for (int i = 0; i < tp->npartials; i++)
            tp->free_table(tp->arg, (char *)tp->partials + (size_t)i * tp->table_size);
    sm_free(tp->partials);
    tp->partials = NULL;
    if (rc != SM_OK) {
        sm_mset_free(tp->out);
        tp->out = NULL;
        return rc;
    }
    *out = tp->out;
    return SM_OK;
}

int64_t exec_select_piece(const sm_keytab *t, int64_t start, int64_t end, int piece, int npieces,
                          int32_t *sel) {
    int64_t ns = 0;
    for (int64_t g = start; g < end; g++)
        if (sm_keytab_piece(t->hashes[g], npieces) == piece) sel[ns++] = (int32_t)g;
    return ns;
}

int exec_emit_batches(sm_mset *out, int piece, sm_vector *const *cols, int ncols, int nextra,
                      int64_t nrows, exec_fill_fn fill, void *arg) {
    int32_t *sel = NULL;
    if (nrows > SM_BATCH_ROWS && !(sel = sm_malloc(SM_BATCH_ROWS * sizeof *sel))) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t start = 0; start < nrows && rc == SM_OK; start += SM_BATCH_ROWS) {
        int64_t n = start + SM_BATCH_ROWS < nrows ? SM_BATCH_ROWS : nrows - start;
        sm_batch *b = sm_batch_new(ncols + nextra, n);
        if (!b) {
            rc = SM_NOMEM;
            break;
        }
        if (sel)
            for (int64_t i = 0; i < n; i++) sel[i] = (int32_t)(start + i);
        for (int c = 0; c < ncols && rc == SM_OK; c++) {
            b->cols[c] = sel ? sm_vector_take(cols[c], sel, n) : sm_vector_ref(cols[c]);
            if (!b->cols[c]) rc = SM_NOMEM;
        }
        if (rc == SM_OK && nextra > 0) rc = fill(arg, b, start, n);
        if (rc != SM_OK) {
            sm_batch_free(b);
            break;
        }
        rc = sm_mset_add(out, piece, b);
    }
    sm_free(sel);
    return rc;
}
