/*
 * windowspill.c — window functions whose input does not fit the memory
 * budget (windowspill.h).
 *
 * A window function reads only the rows of its own window partition (the
 * rows with equal PARTITION BY keys), so when every window expression of the
 * node shares its PARTITION BY keys (exec_window_can_spill), the input can
 * be cut by a hash of those keys and each piece computed alone:
 *   1. The input is collected into an mset that spills past half the
 *      budget (exec_collect_spilling).  If it spilled, or the in-memory
 *      window would pass three quarters of the budget, it is routed by
 *      sm_keytab_hash of the partition keys (the hash the in-memory window
 *      shuffles with: NULL = NULL, NaN = NaN) into SM_SPILL_FANOUT spill
 *      files, and freed.
 *   2. Files are processed one after another (each window computation is
 *      itself parallel): a file whose rows fit (three times its bytes
 *      within half the budget) is read into memory and handed to
 *      exec_window_mset, the in-memory window; its output batches are
 *      moved into the result.  A bigger file is re-partitioned one level
 *      down (another mix of the same hash), up to 4 levels.
 *   3. The result is an mset of one part per file that spills past half
 *      the budget (exec/msetspill.c).  Row order is not part of a window's
 *      contract (Spark gives none).
 *
 * Windows without PARTITION BY (one window partition), or with expressions
 * over different PARTITION BY keys, stay in memory.
 *
 * Memory: one file's rows and its window output at a time, plus the result
 * up to half the budget.  Spill files are closed as soon as processed, and
 * on every error.
 */
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/hashtable.h"
#include "exec/metrics.h"
#include "exec/reuse.h"
#include "exec/spill.h"
#include "exec/windowspill.h"

#define WS_MAX_LEVEL 4

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_mset *out;
    int64_t bytes, parts;
} ws_run;

bool exec_window_must_spill(const sm_exec_ctx *ctx, const sm_plan *p, const sm_mset *in) {
    (void)p;
    if (sm_mset_spilled(in)) return true;
    int64_t need = 2 * sm_mset_bytes(in) + sm_mset_rows(in) * 64;
    int64_t limit = ctx->memory_limit;
    return sm_mem_in_use() + need > limit - limit / 4;
}

/* Routes b's rows into ss by the hash of the partition keys. */
static int ws_route(ws_run *r, sm_spill_set *ss, const sm_batch *b) {
    const sm_window_spec *w = r->p->exprs[0]->window;
    int nk = w->npartition;
    int64_t n = b->nrows;
    if (n == 0) return SM_OK;
    sm_vector **keys = sm_calloc((size_t)nk, sizeof *keys);
    uint64_t *h = sm_malloc((size_t)n * sizeof *h);
    int rc = keys && h ? SM_OK : SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < nk; k++) rc = sm_expr_eval(&r->ctx->eval, w->partition[k], b, &keys[k]);
    if (rc == SM_OK) {
        sm_keytab_hash(keys, nk, n, h);
        rc = sm_spill_set_route(ss, b, h);
    }
    if (keys)
        for (int k = 0; k < nk; k++)
            if (keys[k]) sm_vector_unref(keys[k]);
    sm_free(keys);
    sm_free(h);
    return rc;
}

static int ws_file(ws_run *r, FILE *f, int level, int outpart) {
    if (fseeko(f, 0, SEEK_END) != 0) return sm_err(SM_IO, "sizing a spill file");
    int64_t bytes = (int64_t)ftello(f);
    if (fseeko(f, 0, SEEK_SET) != 0) return sm_err(SM_IO, "rewinding a spill file");
    if (bytes == 0) return SM_OK;
    if (bytes * 3 > r->ctx->memory_limit / 2 && level < WS_MAX_LEVEL) {
        sm_spill_set *ss = sm_spill_set_new(level + 1);
        if (!ss) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        int rc = SM_OK;
        while (rc == SM_OK) {
            sm_batch *b = NULL;
            rc = sm_spill_read_batch(f, &b);
            if (rc != SM_OK || !b) break;
            rc = ws_route(r, ss, b);
            sm_batch_free(b);
        }
        r->bytes += sm_spill_set_bytes(ss);
        r->parts += SM_SPILL_FANOUT;
        for (int i = 0; rc == SM_OK && i < SM_SPILL_FANOUT; i++) {
            rc = ws_file(r, sm_spill_set_file(ss, i), level + 1, outpart);
            sm_spill_set_close_file(ss, i);
        }
        sm_spill_set_free(ss);
        return rc;
    }
    sm_mset *m = sm_mset_new(1);
    if (!m) return SM_NOMEM;
    int rc = SM_OK;
    while (rc == SM_OK) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        rc = sm_mset_add(m, 0, b);
    }
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    sm_mset *o = NULL;
    SM_TRY(exec_window_mset(r->ctx, r->p, m, &o));
    for (int part = 0; rc == SM_OK && part < o->nparts; part++) {
        for (int bi = 0; bi < o->parts[part].nbatches; bi++) {
            if (rc == SM_OK) rc = sm_mset_add(r->out, outpart, o->parts[part].batches[bi]);
            else sm_batch_free(o->parts[part].batches[bi]);
            o->parts[part].batches[bi] = NULL;
        }
        o->parts[part].nbatches = 0;
    }
    sm_mset_free(o);
    return rc;
}

int exec_window_grace(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *in, sm_mset **out) {
    ws_run r = {.ctx = ctx, .p = p};
    sm_spill_set *ss = sm_spill_set_new(0);
    r.out = sm_mset_new(SM_SPILL_FANOUT);
    int rc = ss ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
    if (rc == SM_OK && !r.out) rc = SM_NOMEM;
    sm_mset_spill_under(r.out, ctx->memory_limit);
    for (int part = 0; rc == SM_OK && part < in->nparts; part++) {
        sm_stream *s = NULL;
        rc = exec_mset_stream(in, part, &s);
        while (rc == SM_OK) {
            sm_batch *b = NULL;
            rc = s->next(s, &b);
            if (rc != SM_OK || !b) break;
            rc = ws_route(&r, ss, b);
            sm_batch_free(b);
        }
        if (s) s->close(s);
    }
    sm_mset_free(in);
    if (ss) {
        r.bytes += sm_spill_set_bytes(ss);
        r.parts += SM_SPILL_FANOUT;
    }
    for (int i = 0; rc == SM_OK && i < SM_SPILL_FANOUT; i++) {
        rc = ws_file(&r, sm_spill_set_file(ss, i), 0, i);
        sm_spill_set_close_file(ss, i);
    }
    sm_spill_set_free(ss);
    sm_exec_metrics_spilled(ctx, p, r.bytes, r.parts);
    if (rc != SM_OK) {
        sm_mset_free(r.out);
        return rc;
    }
    *out = r.out;
    return SM_OK;
}
