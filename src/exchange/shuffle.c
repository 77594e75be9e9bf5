/*
 * shuffle.c — moving rows between ranks in bounded rounds (exchange.h:
 * xch_shuffle_*).
 *
 * Sending side: the tasks of a stage hand their batches to xch_shuffle_add
 * with a destination (a rank, every rank, or a rank per row).  Rows are
 * cut by destination (sm_batch_take) and serialized (serialize.c) into a
 * buffer per (source partition, destination rank); each task writes only
 * its own partition's buffers, so no locks.
 *
 * xch_shuffle_run (main thread, every rank): first the status agreement
 * (a rank whose stage failed makes every rank fail here), then rounds.  In
 * a round each rank packs, for every destination d, whole serialized
 * batches from its buffers (source partitions in order, batches in order)
 * up to round_bytes (at least one batch, so a batch larger than the limit
 * still moves), exchanges the byte counts (alltoall) and the bytes
 * (alltoallv), and decodes what it received into batches.  An allreduce
 * says whether any rank has bytes left; the rounds end when none has.
 * Memory per round is bounded by round_bytes per destination on both sides;
 * the sending buffers hold this rank's share of the stage's output, in
 * memory or — under xch_shuffle_spill_under, past half the budget — in a
 * spill file (xspill.c; each spilled batch's offset in foff), and the
 * received rows may spill too (exec/msetspill.c).
 *
 * Receiving side: batches from rank s keep their order.  With nparts ==
 * the number of ranks (a gather), partition s holds exactly rank s's rows
 * in order, so concatenating the partitions gives rank order; otherwise
 * received batches are dealt round-robin over nparts partitions for the
 * local tasks that follow.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/status.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"
#include "exchange/xspill.h"
#include "exec/spill.h"

typedef struct {
    sm_buf buf;
    size_t *ends; /* end offset of each serialized batch */
    int64_t n, cap;
    int64_t rows;
    /* spilled (xspill.c): batches [0, nsp) are in the shuffle's spill file,
     * batch i at file offset foff[i]; buf holds the rest, from byte
     * ends[nsp - 1] of this output */
    int64_t nsp;
    int64_t *foff;
    /* the own rank's rows (dest == this rank) stay batches, never serialized:
     * keep[0..nkeep) come after every serialized batch of this output (a
     * spill serializes them first); keep_bytes: what they would be as bytes */
    sm_batch **keep;
    int64_t nkeep, capkeep, keep_bytes;
} xs_out;

struct xch_shuffle {
    xch_comm *c;
    int nsrc;
    xs_out *outs; /* nsrc * size: [part * size + dest] */
    int64_t rows_sent, bytes_sent;
    xm_exchange *xm; /* its metrics (xmetrics.c) */
    xch_xspill *sp;  /* NULL: everything stays in memory */
    /* per source partition, of its last batch: columns, and those that are
     * not SM_NULLTYPE placeholders (a join's unread columns: dist.c) — the trace */
    int *ncols, *carried;
};

size_t xch_round_bytes(const xch_comm *c) {
    size_t total = 64u << 20;
    const char *e = getenv("SMELT_EXCHANGE_ROUND_BYTES");
    if (e && *e) {
        long long v = atoll(e);
        if (v > 0) total = (size_t)v;
    }
    size_t per = total / (size_t)(c->size > 0 ? c->size : 1);
    if (per < 4096) per = 4096;
    if (per > (size_t)INT_MAX / 4) per = (size_t)INT_MAX / 4;
    return per;
}

xch_shuffle *xch_shuffle_new(xch_comm *c, int nsrc_parts) {
    xch_shuffle *x = sm_calloc(1, sizeof *x);
    if (!x) return NULL;
    x->c = c;
    x->nsrc = nsrc_parts;
    x->xm = xm_new(nsrc_parts);
    x->outs = sm_calloc((size_t)(nsrc_parts > 0 ? nsrc_parts : 1) * (size_t)c->size, sizeof *x->outs);
    x->ncols = sm_calloc((size_t)(nsrc_parts > 0 ? nsrc_parts : 1) * 2, sizeof *x->ncols);
    if (!x->outs || !x->ncols) {
        sm_free(x->outs);
        sm_free(x->ncols);
        xm_free(x->xm);
        sm_free(x);
        return NULL;
    }
    x->carried = x->ncols + (nsrc_parts > 0 ? nsrc_parts : 1);
    return x;
}

static void xs_free(xch_shuffle *x) {
    if (!x) return;
    for (int i = 0; i < x->nsrc * x->c->size; i++) {
        sm_buf_free(&x->outs[i].buf);
        sm_free(x->outs[i].ends);
        sm_free(x->outs[i].foff);
        for (int64_t k = 0; k < x->outs[i].nkeep; k++) sm_batch_free(x->outs[i].keep[k]);
        sm_free(x->outs[i].keep);
    }
    xsp_free(x->sp);
    xm_free(x->xm);
    sm_free(x->outs);
    sm_free(x->ncols);
    sm_free(x);
}

void xch_shuffle_spill_under(xch_shuffle *x, int64_t limit) {
    if (x && !x->sp) x->sp = xsp_new(limit);
}

/* Bytes of o before its in-memory buffer (those in the spill file). */
static size_t xs_base(const xs_out *o) { return o->nsp ? o->ends[o->nsp - 1] : 0; }
/* Every byte of o, spilled or not. */
static size_t xs_len(const xs_out *o) { return xs_base(o) + o->buf.len; }

/* Moves o's in-memory batches to the spill file (xspill.c) and frees them. */
static int xs_spill(xch_xspill *sp, xs_out *o) {
    if (o->buf.len == 0) return SM_OK;
    int64_t *f = sm_realloc(o->foff, (size_t)o->cap * sizeof *f), off = 0;
    if (!f) return SM_NOMEM;
    o->foff = f;
    SM_TRY(xsp_write(sp, o->buf.data, o->buf.len, o->n - o->nsp, &off));
    size_t base = xs_base(o);
    for (int64_t i = o->nsp; i < o->n; i++) f[i] = off + (int64_t)((i ? o->ends[i - 1] : 0) - base);
    o->nsp = o->n;
    sm_buf_free(&o->buf);
    return SM_OK;
}

/* Serializes rows sel[0..n) of b (sel NULL: every row) into o. */
static int xs_put_sel(xs_out *o, const sm_batch *b, const int32_t *sel, int64_t n) {
    if (n == 0) return SM_OK;
    if (o->n == o->cap) {
        int64_t cap = o->cap ? o->cap * 2 : 16;
        size_t *e = sm_realloc(o->ends, (size_t)cap * sizeof *e);
        if (!e) return SM_NOMEM;
        o->ends = e;
        o->cap = cap;
    }
    SM_TRY(xch_batch_write_sel(&o->buf, b, sel, n));
    o->ends[o->n++] = xs_len(o);
    o->rows += n;
    return SM_OK;
}

static int xs_put(xs_out *o, const sm_batch *b) { return xs_put_sel(o, b, NULL, b->nrows); }

/* After a batch went into o: past half the budget, o goes to the file. */
static int xs_after_put(xch_shuffle *x, xs_out *o, int rc) {
    if (rc != SM_OK || !x->sp || o->buf.len == 0 || !xsp_over(x->sp)) return rc;
    return xs_spill(x->sp, o);
}

/* The bytes b would be as a message (xch_batch_write): the metrics of kept rows. */
static int64_t xs_batch_bytes(const sm_batch *b) {
    int64_t n = (int64_t)(sizeof(int32_t) + sizeof(int64_t));
    for (int c = 0; c < b->ncols; c++) n += xch_vector_bytes(b->cols[c]);
    return n;
}

/* Serializes o's kept batches (in order, after its serialized ones) and frees them. */
static int xs_unkeep(xs_out *o) {
    int rc = SM_OK;
    for (int64_t k = 0; k < o->nkeep; k++) {
        if (rc == SM_OK) {
            o->rows -= o->keep[k]->nrows;
            rc = xs_put(o, o->keep[k]);
        }
        sm_batch_free(o->keep[k]);
    }
    o->nkeep = 0;
    o->keep_bytes = 0;
    return rc;
}

/* Rows for this rank itself: b (taken) stays a batch — no serialization, no
 * copy into a message, no decoding (half of a 2-rank hash shuffle's rows).
 * Past half the budget (xspill.c) the kept batches and b are serialized
 * and spilled like any destination's. */
static int xs_keep(xch_shuffle *x, xs_out *o, sm_batch *b) {
    if (x->sp && xsp_over(x->sp)) {
        int rc = xs_unkeep(o);
        if (rc == SM_OK) rc = xs_after_put(x, o, xs_put(o, b));
        sm_batch_free(b);
        return rc;
    }
    if (o->nkeep == o->capkeep) {
        int64_t cap = o->capkeep ? o->capkeep * 2 : 16;
        sm_batch **k = sm_realloc(o->keep, (size_t)cap * sizeof *k);
        if (!k) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        o->keep = k;
        o->capkeep = cap;
    }
    o->keep[o->nkeep++] = b;
    o->rows += b->nrows;
    o->keep_bytes += xs_batch_bytes(b);
    return SM_OK;
}

int xch_shuffle_add(xch_shuffle *x, int part, sm_batch *b, int to, const int *dest) {
    int size = x->c->size, self = x->c->rank, rc = SM_OK;
    xs_out *outs = &x->outs[(size_t)part * (size_t)size];
    x->ncols[part] = b->ncols;
    x->carried[part] = 0;
    for (int c = 0; c < b->ncols; c++) x->carried[part] += b->cols[c]->type != SM_NULLTYPE;
    if (to >= 0) {
        if (to == self) return xs_keep(x, &outs[to], b);
        rc = xs_after_put(x, &outs[to], xs_put(&outs[to], b));
    } else if (to == XCH_ALL) {
        for (int d = 0; d < size && rc == SM_OK; d++)
            if (d != self) rc = xs_after_put(x, &outs[d], xs_put(&outs[d], b));
        if (rc == SM_OK) return xs_keep(x, &outs[self], b);
    } else {
        int32_t *sel = sm_malloc((size_t)(b->nrows > 0 ? b->nrows : 1) * sizeof *sel);
        if (!sel) rc = SM_NOMEM;
        int64_t nself = 0;
        for (int d = 0; d < size && rc == SM_OK; d++) {
            int64_t n = 0;
            for (int64_t r = 0; r < b->nrows; r++)
                if (dest[r] == d) sel[n++] = (int32_t)r;
            if (n == 0) continue;
            if (d == self) {
                nself = n;
                continue;
            }
            rc = n == b->nrows ? xs_put(&outs[d], b) : xs_put_sel(&outs[d], b, sel, n);
            rc = xs_after_put(x, &outs[d], rc);
        }
        if (rc == SM_OK && nself == b->nrows && nself > 0) {
            sm_free(sel);
            return xs_keep(x, &outs[self], b);
        }
        if (rc == SM_OK && nself > 0) {
            int64_t n = 0;
            for (int64_t r = 0; r < b->nrows; r++)
                if (dest[r] == self) sel[n++] = (int32_t)r;
            sm_batch *t = sm_batch_take(b, sel, n);
            rc = t ? xs_keep(x, &outs[self], t) : SM_NOMEM;
        }
        sm_free(sel);
    }
    sm_batch_free(b);
    return rc;
}

/* The cursor of one destination: the source partition and batch next to send. */
typedef struct {
    int part;
    int64_t batch;
} xs_cursor;

/* Bytes of whole batches from cursor cu for destination d, up to limit (at
 * least one batch when any is left); advances a copy in *next. */
static size_t xs_pack_size(xch_shuffle *x, int d, xs_cursor cu, size_t limit, xs_cursor *next) {
    size_t total = 0;
    int size = x->c->size;
    while (cu.part < x->nsrc) {
        xs_out *o = &x->outs[(size_t)cu.part * (size_t)size + (size_t)d];
        if (cu.batch >= o->n) {
            cu.part++;
            cu.batch = 0;
            continue;
        }
        size_t start = cu.batch ? o->ends[cu.batch - 1] : 0;
        size_t len = o->ends[cu.batch] - start;
        if (total > 0 && total + len > limit) break;
        total += len;
        cu.batch++;
    }
    *next = cu;
    return total;
}

static int xs_pack_copy(xch_shuffle *x, int d, xs_cursor cu, xs_cursor end, char *dst) {
    int size = x->c->size;
    while (cu.part < end.part || (cu.part == end.part && cu.batch < end.batch)) {
        xs_out *o = &x->outs[(size_t)cu.part * (size_t)size + (size_t)d];
        if (cu.batch >= o->n) {
            cu.part++;
            cu.batch = 0;
            continue;
        }
        size_t start = cu.batch ? o->ends[cu.batch - 1] : 0;
        size_t len = o->ends[cu.batch] - start;
        if (cu.batch < o->nsp) SM_TRY(xsp_read(x->sp, o->foff[cu.batch], dst, len));
        else memcpy(dst, o->buf.data + (start - xs_base(o)), len);
        dst += len;
        cu.batch++;
    }
    return SM_OK;
}

static xch_stats xs_stats;
const xch_stats *xch_stats_get(void) { return &xs_stats; }

static int64_t xs_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Tests (tests/mpi): SMELT_TEST_KILL_RANK=r kills rank r with SIGKILL at its
 * SMELT_TEST_KILL_AT-th exchange (default the first), as a crash would. */
static void xs_test_kill(const xch_comm *c) {
    static int count;
    const char *r = getenv("SMELT_TEST_KILL_RANK");
    if (!r || atoi(r) != c->rank || c->size < 2) return;
    const char *at = getenv("SMELT_TEST_KILL_AT");
    if (++count >= (at ? atoi(at) : 1)) raise(SIGKILL);
}

xm_exchange *xch_shuffle_metrics(xch_shuffle *x) { return x ? x->xm : NULL; }

int xch_shuffle_run(xch_shuffle *x, int local_rc, int nparts, sm_mset **out) {
    *out = NULL;
    int64_t xm_t0 = xs_now_ns(), xm_comm0 = xs_stats.comm_ns;
    xs_test_kill(xch_world());
    int rc = xch_sync(local_rc, NULL);
    if (rc != SM_OK || !x) {
        xs_free(x);
        return rc != SM_OK ? rc : SM_NOMEM;
    }
    xch_comm *c = x->c;
    int size = c->size;
    bool gather = nparts == size;
    size_t limit = xch_round_bytes(c);
    sm_mset *m = sm_mset_new(nparts);
    if (m && x->sp) sm_mset_spill_under(m, xsp_limit(x->sp)); /* received rows past the budget: exec/msetspill.c */
    xs_cursor *cur = sm_calloc((size_t)size, sizeof *cur), *nxt = sm_calloc((size_t)size, sizeof *nxt);
    int *sc = sm_calloc((size_t)size * 4, sizeof *sc);
    if (!m || !cur || !nxt || !sc) rc = SM_NOMEM;
    int *sd = sc + size, *rcn = sc + 2 * size, *rd = sc + 3 * size;
    char *sbuf = NULL, *rbuf = NULL;
    int64_t dealt = 0, kept_rows = 0, rows_in = 0, bytes_in = 0, rows_out = 0, bytes_out = 0;
    int rounds = 0;
    int64_t bytes_remote = 0, comm0 = xs_stats.comm_ns, start = xs_now_ns(); /* to other ranks */
    for (int i = 0; i < x->nsrc * size; i++) {
        rows_out += x->outs[i].rows;
        bytes_out += (int64_t)xs_len(&x->outs[i]) + x->outs[i].keep_bytes;
        if (i % size != c->rank) bytes_remote += (int64_t)xs_len(&x->outs[i]);
    }
    for (int round = 0;; round++) {
        /* what this rank sends this round (a failed rank sends nothing but
         * still takes part, so that every rank sees the error) */
        size_t stotal = 0;
        int64_t more = 0;
        for (int d = 0; d < size; d++) {
            size_t n = rc == SM_OK ? xs_pack_size(x, d, cur[d], limit, &nxt[d]) : 0;
            if (rc != SM_OK) nxt[d] = cur[d];
            if (n > (size_t)INT_MAX - stotal) {
                rc = sm_err(SM_UNSUPPORTED, "exchange: one batch is larger than 2 GiB");
                n = 0;
            }
            sc[d] = (int)n;
            sd[d] = (int)stotal;
            stotal += n;
        }
        if (rc == SM_OK) {
            sm_free(sbuf);
            sbuf = sm_malloc(stotal ? stotal : 1);
            if (!sbuf) rc = SM_NOMEM;
        }
        if (rc == SM_OK)
            for (int d = 0; d < size && rc == SM_OK; d++) {
                rc = xs_pack_copy(x, d, cur[d], nxt[d], sbuf + sd[d]);
                cur[d] = nxt[d];
                xs_cursor probe;
                if (xs_pack_size(x, d, cur[d], 1, &probe) > 0) more = 1;
            }
        if (rc != SM_OK)
            for (int d = 0; d < size; d++) sc[d] = 0;
        /* the agreement doubles as "does anyone have more?" */
        int64_t flag = more;
        int64_t t0 = xs_now_ns();
        int arc = xch_sync(rc, &flag);
        if (arc != SM_OK) {
            rc = arc;
            break;
        }
        rc = c->alltoall_int(c, sc, rcn);
        size_t rtotal = 0;
        for (int s = 0; rc == SM_OK && s < size; s++) {
            rd[s] = (int)rtotal;
            rtotal += (size_t)rcn[s];
        }
        if (rc == SM_OK) {
            sm_free(rbuf);
            rbuf = sm_malloc(rtotal ? rtotal : 1);
            if (!rbuf) rc = SM_NOMEM;
        }
        if (rc == SM_OK) rc = c->alltoallv(c, sbuf ? sbuf : "", sc, sd, rbuf, rcn, rd);
        xs_stats.comm_ns += xs_now_ns() - t0;
        if (rc != SM_OK) {
            c->abort(c, 1); /* a broken communicator cannot agree on anything */
            break;
        }
        rounds++;
        bytes_in += (int64_t)rtotal;
        for (int s = 0; s < size && rc == SM_OK; s++) {
            size_t at = (size_t)rd[s], end = at + (size_t)rcn[s];
            while (at < end && rc == SM_OK) {
                sm_batch *b;
                size_t used;
                rc = xch_batch_read(rbuf + at, end - at, &used, &b);
                if (rc != SM_OK) break;
                at += used;
                rows_in += b->nrows;
                int part = gather ? s : (int)(dealt++ % nparts);
                rc = sm_mset_add(m, part, b);
            }
            if (s == c->rank && !flag)
                /* the last round: this rank's kept rows, after its serialized ones */
                for (int p = 0; p < x->nsrc && rc == SM_OK; p++) {
                    xs_out *o = &x->outs[(size_t)p * (size_t)size + (size_t)s];
                    for (int64_t k = 0; k < o->nkeep; k++) {
                        sm_batch *b = o->keep[k];
                        o->keep[k] = NULL;
                        if (rc != SM_OK) {
                            sm_batch_free(b);
                            continue;
                        }
                        rows_in += b->nrows;
                        kept_rows += b->nrows;
                        int part = gather ? s : (int)(dealt++ % nparts);
                        rc = sm_mset_add(m, part, b);
                    }
                    bytes_in += o->keep_bytes;
                    o->nkeep = 0;
                }
        }
        if (!flag) {
            /* nobody had more; still agree on the decoding above */
            rc = xch_sync(rc, NULL);
            break;
        }
    }
    xs_stats.exchanges++;
    xs_stats.rounds += rounds;
    xs_stats.rows_sent += rows_out;
    xs_stats.bytes_sent += bytes_out;
    xs_stats.rows_received += rows_in;
    xs_stats.bytes_received += bytes_in;
    if (getenv("SMELT_EXCHANGE_TRACE")) {
        int nc = 0, carried = 0;
        for (int p = 0; p < x->nsrc; p++)
            if (x->ncols[p] > nc || x->carried[p] > carried) nc = x->ncols[p], carried = x->carried[p];
        fprintf(stderr, "smelt exchange: rank %d of %d sent %lld rows (%lld bytes), received %lld rows "
                        "(%lld bytes) in %d round%s (%lld to other ranks; %.1f ms, %.1f in collectives); "
                        "kept %lld rows unserialized; %d of %d columns\n", c->rank,
                size, (long long)rows_out, (long long)bytes_out, (long long)rows_in, (long long)bytes_in,
                rounds, rounds == 1 ? "" : "s", (long long)bytes_remote, (xs_now_ns() - start) / 1e6,
                (xs_stats.comm_ns - comm0) / 1e6, (long long)kept_rows, carried, nc);
    }
    int64_t sp_sent = xsp_bytes(x->sp), sp_recv = sm_mset_spilled_bytes(m);
    xs_stats.spilled_bytes += sp_sent + sp_recv;
    if (sp_sent + sp_recv > 0 && (getenv("SMELT_EXCHANGE_TRACE") || getenv("SMELT_EXCHANGE_SPILL_TRACE")))
        fprintf(stderr, "smelt exchange: rank %d of %d spilled %lld bytes sent (%lld batches) and %lld bytes "
                        "received to disk (memory limit %lld)\n", c->rank, size, (long long)sp_sent,
                (long long)xsp_batches(x->sp), (long long)sp_recv, (long long)xsp_limit(x->sp));
    xm_spilled(x->xm, sp_sent, sp_recv);
    xm_done(x->xm, rc, rows_out, bytes_out, rows_in, bytes_in, rounds, xm_t0, xs_stats.comm_ns - xm_comm0);
    x->xm = NULL;
    sm_free(sbuf);
    sm_free(rbuf);
    sm_free(cur);
    sm_free(nxt);
    sm_free(sc);
    xs_free(x);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}
