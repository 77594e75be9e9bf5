/*
 * msetspill.c — materialized results (sm_mset) that spill to disk under
 * the memory budget (declared in exec/spill.h).
 *
 * A breaker that calls sm_mset_spill_under(out, ctx->memory_limit) on its
 * output mset has sm_mset_add keep batches in memory only while counted
 * memory (sm_mem_in_use) is below half the budget (the other half is the
 * operators' working memory: hash tables, sort runs).  Past it, the batch is
 * appended to its part's spill file (exec/spill.c's encoding) and freed;
 * from then on every batch of that part goes to the file, so a part reads
 * as its in-memory batches followed by the spilled ones, in the order they
 * were added.  Each spilled batch's file offset is recorded; a stream reads
 * batch i by seeking there under the part's lock, so concurrent streams
 * over one part are safe.
 *
 * Threading: sm_mset_add is called for a given part by one task at a time
 * (the exec contract), so the writer side needs no lock; reads happen after
 * the producer finished.  Memory: the part's spill record is freed, and its
 * file closed (so its disk space and, with the last file, the spill
 * directory go), by sm_mset_free.
 */
#include <pthread.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/exec.h"
#include "exec/spill.h"

typedef struct sm_mspill {
    FILE *f;
    pthread_mutex_t lock;
    int64_t *offs; /* file offset of spilled batch i */
    int n, cap;
    int64_t bytes;
} sm_mspill;

void sm_mset_spill_under(sm_mset *m, int64_t limit) {
    if (m) m->spill_at = limit > 0 ? limit / 2 : 0;
}

int sm_mset_spill_batch(sm_mset *m, int part, sm_batch *b) {
    struct sm_mpart *p = &m->parts[part];
    int rc = SM_OK;
    if (!p->spill) {
        sm_mspill *s = sm_calloc(1, sizeof *s);
        if (!s) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        s->f = sm_spill_open();
        if (!s->f) {
            sm_free(s);
            sm_batch_free(b);
            return sm_errcode() ? sm_errcode() : SM_IO;
        }
        pthread_mutex_init(&s->lock, NULL);
        p->spill = s;
    }
    sm_mspill *s = p->spill;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        int64_t *no = sm_realloc(s->offs, (size_t)cap * sizeof *no);
        if (!no) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        s->offs = no;
        s->cap = cap;
    }
    int64_t at = s->bytes;
    rc = sm_spill_write_cols(s->f, b->cols, b->ncols, &s->bytes);
    if (rc == SM_OK) {
        s->offs[s->n++] = at;
        p->nrows += b->nrows;
    }
    sm_batch_free(b);
    return rc;
}

int sm_mset_read_spilled(const sm_mset *m, int part, int i, sm_batch **out) {
    sm_mspill *s = m->parts[part].spill;
    *out = NULL;
    if (!s || i < 0 || i >= s->n) return SM_OK;
    pthread_mutex_lock(&s->lock);
    int rc = fseeko(s->f, (off_t)s->offs[i], SEEK_SET) != 0
                 ? sm_err(SM_IO, "seeking in a spill file")
                 : sm_spill_read_batch(s->f, out);
    pthread_mutex_unlock(&s->lock);
    if (rc == SM_OK && !*out) rc = sm_err(SM_IO, "reading a spill file: a batch is missing");
    return rc;
}

bool sm_mset_spilled(const sm_mset *m) {
    for (int i = 0; m && i < m->nparts; i++)
        if (m->parts[i].spill) return true;
    return false;
}

int64_t sm_mset_spilled_bytes(const sm_mset *m) {
    int64_t b = 0;
    for (int i = 0; m && i < m->nparts; i++)
        if (m->parts[i].spill) b += m->parts[i].spill->bytes;
    return b;
}

void sm_mset_spill_free(sm_mset *m, int part) {
    sm_mspill *s = m->parts[part].spill;
    if (!s) return;
    sm_spill_close(s->f);
    pthread_mutex_destroy(&s->lock);
    sm_free(s->offs);
    sm_free(s);
    m->parts[part].spill = NULL;
}

int sm_mset_unspill(sm_mset *m) {
    m->spill_at = 0; /* sm_mset_add keeps everything in memory now */
    for (int part = 0; part < m->nparts; part++) {
        sm_mspill *s = m->parts[part].spill;
        if (!s) continue;
        for (int i = 0; i < s->n; i++) {
            sm_batch *b = NULL;
            SM_TRY(sm_mset_read_spilled(m, part, i, &b));
            m->parts[part].nrows -= b->nrows; /* sm_mset_add counts it again */
            SM_TRY(sm_mset_add(m, part, b));
        }
        sm_mset_spill_free(m, part);
    }
    return SM_OK;
}

static int mset_collect_consume(void *arg, int part, sm_batch *b) { return sm_mset_add(arg, part, b); }

int exec_collect_spilling(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    int n = exec_num_partitions(ctx, p);
    if (n < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
    sm_mset *m = sm_mset_new(n);
    if (!m) return SM_NOMEM;
    sm_mset_spill_under(m, ctx->memory_limit);
    int rc = exec_foreach_batch(ctx, p, mset_collect_consume, m);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}
