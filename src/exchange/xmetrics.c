/*
 * xmetrics.c — per-rank, per-exchange metrics (xmetrics.h; docs/mpi.md,
 * "Metrics per rank and per exchange").
 *
 * Counting.  A shuffle's record (xm_exchange) lives from xch_shuffle_new
 * to the end of xch_shuffle_run, which reports this rank's rows and bytes
 * sent and received, rounds, and the time in the collectives (comm).  The
 * compute time of an exchange is this rank's time between the end of its
 * previous exchange (or the action's start, xm_job_begin) and the start of
 * this one's run: the stage that produced the rows, including any local
 * work in between.  Finished records are appended to one process-wide
 * array (main thread only: shuffles run on the main thread).
 *
 * The hottest key.  Hash routing (dist.c's routing callback) passes each
 * batch's key hashes to xm_route, which looks at every XM_SAMPLE-th row and
 * keeps a Misra–Gries summary of XM_SLOTS hashes per source partition (so
 * tasks never share one); when a slot's count reaches XM_NAME_AT the key's
 * value is formatted once from the current row.  At xm_done the parts'
 * summaries are merged by hash and the largest named one is kept: a cheap
 * estimate (a lower bound, times XM_SAMPLE) of the most frequent key, good
 * enough to name a key that holds a large share of the rows.
 *
 * Reports.  xm_gather is a collective: the ranks agree first (xch_sync),
 * then the number of records, then one SUM allreduce of a matrix in which
 * every rank fills only its own row (integers and the hot key's text packed
 * into int64s), so every rank gets every rank's numbers.  Record kinds and
 * keys are the same on every rank (every rank plans alike): rank 0's are
 * used.  Partition sizes are the rows each rank received (a rank is one
 * partition of the exchange); skew is reported when the largest is more
 * than XM_SKEW_FACTOR times the median (the lower median, so that with two
 * ranks one holding almost everything counts) and at least
 * SMELT_SKEW_MIN_ROWS rows (default 10,000), for hash and range
 * partitioning only (a broadcast or a gather is uneven by design).
 *
 * Memory: records and their strings are sm_malloc'd; the process list
 * lives until exit (a few hundred bytes per exchange).
 */
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "exchange/xmetrics.h"
#include "exec/eventlog.h"
#include "exec/metrics.h"

#define XM_SLOTS 8
#define XM_SAMPLE 8
#define XM_NAME_AT 32
#define XM_SKEW_FACTOR 4.0

typedef struct {
    uint64_t hash[XM_SLOTS];
    int64_t count[XM_SLOTS];
    char *name[XM_SLOTS];
    int64_t skip; /* rows until the next sampled one */
} xm_sketch;

typedef struct {
    char kind[24], keys[128], op[24];
    xm_rank_stats st;
} xm_rec;

struct xm_exchange {
    xm_rec r;
    int nparts;
    xm_sketch **sk; /* nparts, made by each part's own thread on first use */
};

static xm_rec *xm_recs;
static int xm_n, xm_cap;
static int64_t xm_last_end, xm_job_t0, xm_first_t0;
static int xm_job_from;
static char xm_cur_op[24];

static void xm_copy(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

xm_exchange *xm_new(int nsrc_parts) {
    xm_exchange *e = sm_calloc(1, sizeof *e);
    if (!e) return NULL;
    e->nparts = nsrc_parts > 0 ? nsrc_parts : 0;
    e->sk = sm_calloc((size_t)e->nparts + 1, sizeof *e->sk);
    if (!e->sk) {
        sm_free(e);
        return NULL;
    }
    xm_copy(e->r.kind, sizeof e->r.kind, "exchange");
    xm_copy(e->r.op, sizeof e->r.op, xm_cur_op);
    return e;
}

void xm_free(xm_exchange *e) {
    if (!e) return;
    for (int p = 0; p < e->nparts; p++) {
        if (!e->sk[p]) continue;
        for (int i = 0; i < XM_SLOTS; i++) sm_free(e->sk[p]->name[i]);
        sm_free(e->sk[p]);
    }
    sm_free(e->sk);
    sm_free(e);
}

void xm_set_operator(const char *op) { xm_copy(xm_cur_op, sizeof xm_cur_op, op); }
const char *xm_operator(void) { return xm_cur_op; }

void xm_label(xm_exchange *e, const char *kind, const char *keys, const char *op) {
    if (!e) return;
    if (kind) xm_copy(e->r.kind, sizeof e->r.kind, kind);
    if (keys) xm_copy(e->r.keys, sizeof e->r.keys, keys);
    if (op) xm_copy(e->r.op, sizeof e->r.op, op);
}

void xm_label_exprs(xm_exchange *e, const char *kind, sm_expr *const *keys, int n) {
    if (!e) return;
    sm_arena *a = sm_arena_new();
    sm_buf b = {0};
    for (int i = 0; a && i < n; i++) {
        char *s = sm_expr_sql_name(a, keys[i]);
        sm_buf_appendf(&b, "%s%s", i ? ", " : "", s ? s : "?");
    }
    xm_label(e, kind, sm_buf_cstr(&b) ? sm_buf_cstr(&b) : "", NULL);
    sm_buf_free(&b);
    sm_arena_free(a);
}

void xm_label_cols(xm_exchange *e, const char *kind, const sm_schema *schema, const int *cols, int n) {
    if (!e) return;
    sm_buf b = {0};
    int m = cols ? n : schema ? schema->ncols : 0;
    for (int i = 0; i < m; i++) {
        int c = cols ? cols[i] : i;
        const char *name = schema && c >= 0 && c < schema->ncols ? schema->fields[c].name : NULL;
        sm_buf_appendf(&b, "%s%s", i ? ", " : "", name ? name : "?");
    }
    xm_label(e, kind, sm_buf_cstr(&b) ? sm_buf_cstr(&b) : "", NULL);
    sm_buf_free(&b);
}

void xm_label_route(xm_exchange *e, int to, sm_expr *const *keys, int nkeys, const int *cols, int ncols,
                    const sm_schema *schema) {
    if (to == XCH_ALL) xm_label(e, "broadcast", NULL, NULL);
    else if (to >= 0) xm_label(e, "single", NULL, NULL);
    else if (keys) xm_label_exprs(e, "hashpartitioning", keys, nkeys);
    else xm_label_cols(e, "hashpartitioning", schema, ncols > 0 ? cols : NULL, ncols);
}

void xm_label_sort(xm_exchange *e, const sm_sort_key *keys, int n) {
    if (!e) return;
    sm_arena *a = sm_arena_new();
    sm_buf b = {0};
    for (int i = 0; a && i < n; i++) {
        char *s = sm_expr_sql_name(a, keys[i].expr);
        sm_buf_appendf(&b, "%s%s%s", i ? ", " : "", s ? s : "?", keys[i].descending ? " DESC" : "");
    }
    xm_label(e, "rangepartitioning", sm_buf_cstr(&b) ? sm_buf_cstr(&b) : "", NULL);
    sm_buf_free(&b);
    sm_arena_free(a);
}

/* ---- the hottest key ----------------------------------------------------------------- */

static char *xm_name_row(sm_vector *const *kv, int nk, int64_t row, const sm_tz *tz) {
    sm_buf b = {0};
    for (int k = 0; k < nk; k++) {
        sm_value v;
        sm_vector_get(kv[k], row, &v);
        if (k) sm_buf_appendf(&b, ", ");
        if (sm_value_to_show_string(&v, tz, &b) != SM_OK) sm_buf_appendf(&b, "?");
    }
    char *s = sm_buf_cstr(&b) ? sm_strdup(sm_buf_cstr(&b)) : NULL;
    sm_buf_free(&b);
    return s;
}

void xm_route(xm_exchange *e, int part, sm_vector *const *kv, int nk, const uint64_t *h, int64_t nrows,
              const sm_tz *tz) {
    if (!e || part < 0 || part >= e->nparts || nk <= 0) return;
    xm_sketch *s = e->sk[part];
    if (!s && !(s = e->sk[part] = sm_calloc(1, sizeof *s))) return;
    int64_t r = s->skip;
    for (; r < nrows; r += XM_SAMPLE) {
        uint64_t x = h[r];
        int hit = -1, empty = -1;
        for (int i = 0; i < XM_SLOTS; i++) {
            if (s->count[i] > 0 && s->hash[i] == x) hit = i;
            else if (s->count[i] == 0 && empty < 0) empty = i;
        }
        if (hit < 0 && empty >= 0) {
            hit = empty;
            s->hash[hit] = x;
            sm_free(s->name[hit]);
            s->name[hit] = NULL;
        }
        if (hit >= 0) {
            if (++s->count[hit] == XM_NAME_AT && !s->name[hit]) s->name[hit] = xm_name_row(kv, nk, r, tz);
        } else {
            for (int i = 0; i < XM_SLOTS; i++) s->count[i]--;
        }
    }
    s->skip = r - nrows;
}

/* The most frequent named key over the parts' summaries. */
static void xm_hottest(xm_exchange *e) {
    int64_t best = 0;
    for (int p = 0; p < e->nparts; p++) {
        xm_sketch *s = e->sk[p];
        for (int i = 0; s && i < XM_SLOTS; i++) {
            if (s->count[i] <= 0 || !s->name[i]) continue;
            int64_t sum = 0;
            for (int q = 0; q < e->nparts; q++)
                for (int j = 0; e->sk[q] && j < XM_SLOTS; j++)
                    if (e->sk[q]->count[j] > 0 && e->sk[q]->hash[j] == s->hash[i]) sum += e->sk[q]->count[j];
            if (sum > best) {
                best = sum;
                xm_copy(e->r.st.hot, sizeof e->r.st.hot, s->name[i]);
            }
        }
    }
    e->r.st.hot_count = best * XM_SAMPLE;
}

void xm_done(xm_exchange *e, int rc, int64_t rows_sent, int64_t bytes_sent, int64_t rows_received,
             int64_t bytes_received, int rounds, int64_t run_t0, int64_t comm_ns) {
    int64_t now = sm_exec_now_ns();
    if (!e) return;
    if (rc == SM_OK && xm_n == xm_cap) {
        int cap = xm_cap ? xm_cap * 2 : 64;
        xm_rec *n = sm_realloc(xm_recs, (size_t)cap * sizeof *n);
        if (n) {
            xm_recs = n;
            xm_cap = cap;
        }
    }
    if (rc == SM_OK && xm_n < xm_cap) {
        xm_rank_stats *st = &e->r.st;
        st->rows_sent = rows_sent;
        st->bytes_sent = bytes_sent;
        st->rows_received = rows_received;
        st->bytes_received = bytes_received;
        st->rounds = rounds;
        st->comm_ns = comm_ns;
        int64_t from = xm_last_end > 0 ? xm_last_end : run_t0;
        st->compute_ns = run_t0 > from ? run_t0 - from : 0;
        /* the run's decoding is computation too */
        if (now - run_t0 > comm_ns) st->compute_ns += now - run_t0 - comm_ns;
        xm_hottest(e);
        xm_recs[xm_n++] = e->r;
    }
    xm_last_end = now;
    xm_free(e);
}

void xm_spilled(xm_exchange *e, int64_t sent, int64_t received) {
    if (e) e->r.st.spilled = sent + received;
}

int xm_count(void) { return xm_n; }

void xm_job_begin(void) {
    xm_last_end = xm_job_t0 = sm_exec_now_ns();
    if (!xm_first_t0) xm_first_t0 = xm_job_t0;
    xm_job_from = xm_n;
}

/* ---- gathering ------------------------------------------------------------------------ */

#define XM_INTS 9
#define XM_TEXT ((int)(sizeof(((xm_rank_stats *)0)->hot) / sizeof(int64_t)))
#define XM_F (XM_INTS + XM_TEXT)

void xm_global_free(xm_global *g) {
    if (!g) return;
    for (int i = 0; g->recs && i < g->n; i++) sm_free(g->recs[i].ranks);
    sm_free(g->recs);
    sm_free(g->wall_ns);
    sm_free(g->comm_ns);
    sm_free(g);
}

int xm_gather(int from, int64_t t0_ns, xm_global **out) {
    *out = NULL;
    xch_comm *c = xch_world();
    SM_TRY(xch_sync(SM_OK, NULL));
    int size = c->size, me = c->rank;
    if (from < 0 || from > xm_n) from = xm_n;
    int64_t cnt[2] = {xm_n - from, -(int64_t)(xm_n - from)};
    int rc = c->allreduce(c, cnt, 2, XCH_MAX);
    if (rc != SM_OK) c->abort(c, 1);
    if (cnt[0] != -cnt[1])
        return sm_err(SM_INTERNAL, "exchange metrics: the ranks ran different numbers of exchanges "
                                   "(%lld to %lld)", (long long)-cnt[1], (long long)cnt[0]);
    int n = (int)cnt[0];
    /* one row per (record, rank) of XM_F int64s, plus per rank wall and comm */
    size_t cells = ((size_t)n * XM_F + 2) * (size_t)size;
    int64_t *m = sm_calloc(cells, sizeof *m);
    xm_global *g = sm_calloc(1, sizeof *g);
    if (g) {
        g->recs = sm_calloc((size_t)n + 1, sizeof *g->recs);
        g->wall_ns = sm_calloc((size_t)size, sizeof *g->wall_ns);
        g->comm_ns = sm_calloc((size_t)size, sizeof *g->comm_ns);
    }
    int lrc = m && g && g->recs && g->wall_ns && g->comm_ns ? SM_OK : sm_err(SM_NOMEM, "out of memory gathering exchange metrics");
    for (int i = 0; lrc == SM_OK && i < n; i++) {
        const xm_rank_stats *st = &xm_recs[from + i].st;
        int64_t *row = m + ((size_t)i * (size_t)size + (size_t)me) * XM_F;
        int64_t v[XM_INTS] = {st->rows_sent, st->bytes_sent, st->rows_received, st->bytes_received,
                              st->rounds, st->compute_ns, st->comm_ns, st->hot_count, st->spilled};
        memcpy(row, v, sizeof v);
        memcpy(row + XM_INTS, st->hot, sizeof st->hot);
    }
    int64_t comm = 0;
    for (int i = from; i < xm_n; i++) comm += xm_recs[i].st.comm_ns;
    int64_t t0 = t0_ns > 0 ? t0_ns : xm_first_t0;
    int64_t *tail = m ? m + (size_t)n * XM_F * (size_t)size : NULL;
    if (tail) {
        tail[2 * me] = t0 > 0 ? sm_exec_now_ns() - t0 : 0;
        tail[2 * me + 1] = comm;
    }
    rc = xch_sync(lrc, NULL);
    if (rc == SM_OK && cells > (size_t)INT32_MAX) rc = sm_err(SM_UNSUPPORTED, "too many exchanges to report");
    if (rc == SM_OK && (rc = c->allreduce(c, m, (int)cells, XCH_SUM)) != SM_OK) c->abort(c, 1);
    if (rc != SM_OK) {
        sm_free(m);
        xm_global_free(g);
        return rc;
    }
    g->nranks = size;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        xm_global_rec *gr = &g->recs[i];
        xm_copy(gr->kind, sizeof gr->kind, xm_recs[from + i].kind);
        xm_copy(gr->keys, sizeof gr->keys, xm_recs[from + i].keys);
        xm_copy(gr->op, sizeof gr->op, xm_recs[from + i].op);
        if (!(gr->ranks = sm_calloc((size_t)size, sizeof *gr->ranks))) {
            rc = SM_NOMEM;
            break;
        }
        g->n++;
        for (int r = 0; r < size; r++) {
            const int64_t *row = m + ((size_t)i * (size_t)size + (size_t)r) * XM_F;
            xm_rank_stats *st = &gr->ranks[r];
            st->rows_sent = row[0];
            st->bytes_sent = row[1];
            st->rows_received = row[2];
            st->bytes_received = row[3];
            st->rounds = row[4];
            st->compute_ns = row[5];
            st->comm_ns = row[6];
            st->hot_count = row[7];
            st->spilled = row[8];
            memcpy(st->hot, row + XM_INTS, sizeof st->hot);
            st->hot[sizeof st->hot - 1] = '\0';
        }
    }
    for (int r = 0; r < size; r++) {
        g->wall_ns[r] = tail[2 * r];
        g->comm_ns[r] = tail[2 * r + 1];
    }
    sm_free(m);
    if (rc != SM_OK) {
        xm_global_free(g);
        return sm_err(SM_NOMEM, "out of memory gathering exchange metrics");
    }
    *out = g;
    return SM_OK;
}

/* ---- printing ---------------------------------------------------------------------------- */

static void put_count(sm_buf *b, int64_t n) {
    if (n < 10000) sm_buf_appendf(b, "%lld", (long long)n);
    else if (n < 10000000) sm_buf_appendf(b, "%.1fK", n / 1e3);
    else sm_buf_appendf(b, "%.1fM", n / 1e6);
}

static void put_bytes(sm_buf *b, int64_t n, bool mask) {
    if (mask) sm_buf_appendf(b, "* B");
    else if (n < 1024) sm_buf_appendf(b, "%lld B", (long long)n);
    else if (n < 1024 * 1024) sm_buf_appendf(b, "%.1f KiB", n / 1024.0);
    else if (n < 1024LL * 1024 * 1024) sm_buf_appendf(b, "%.1f MiB", n / 1048576.0);
    else sm_buf_appendf(b, "%.2f GiB", n / 1073741824.0);
}

static void put_secs(sm_buf *b, int64_t ns, bool mask) {
    if (mask) sm_buf_appendf(b, "* s");
    else sm_buf_appendf(b, "%.3f s", ns / 1e9);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static bool xm_partitioned(const char *kind) {
    return strcmp(kind, "hashpartitioning") == 0 || strcmp(kind, "rangepartitioning") == 0;
}

static int64_t xm_skew_min(void) {
    const char *e = getenv("SMELT_SKEW_MIN_ROWS");
    return e && *e ? atoll(e) : 10000;
}

void xm_print(const xm_global *g, bool detail, bool mask, FILE *out) {
    if (!g || !out) return;
    int size = g->nranks;
    int64_t *v = sm_calloc((size_t)size + 1, sizeof *v);
    if (!v) return;
    sm_buf warn = {0};
    fprintf(out, "== Exchanges (%d ranks) ==\n", size);
    for (int i = 0; i < g->n; i++) {
        const xm_global_rec *gr = &g->recs[i];
        int64_t rs = 0, bs = 0, maxcomm = 0, maxcomp = 0;
        int big = 0;
        for (int r = 0; r < size; r++) {
            const xm_rank_stats *st = &gr->ranks[r];
            rs += st->rows_sent;
            bs += st->bytes_sent;
            if (st->comm_ns > maxcomm) maxcomm = st->comm_ns;
            if (st->compute_ns > maxcomp) maxcomp = st->compute_ns;
            v[r] = st->rows_received;
            if (st->rows_received > gr->ranks[big].rows_received) big = r;
        }
        qsort(v, (size_t)size, sizeof *v, cmp_i64);
        int64_t mn = v[0], med = v[(size - 1) / 2], mx = v[size - 1];
        sm_buf b = {0};
        sm_buf_appendf(&b, "Exchange %s", gr->kind);
        if (gr->keys[0]) sm_buf_appendf(&b, "(%s)", gr->keys);
        if (gr->op[0]) sm_buf_appendf(&b, " for %s", gr->op);
        sm_buf_appendf(&b, ": rows sent ");
        put_count(&b, rs);
        sm_buf_appendf(&b, " / bytes ");
        put_bytes(&b, bs, mask);
        sm_buf_appendf(&b, "; rows received per rank min/median/max ");
        put_count(&b, mn);
        sm_buf_appendf(&b, "/");
        put_count(&b, med);
        sm_buf_appendf(&b, "/");
        put_count(&b, mx);
        if (med > 0) sm_buf_appendf(&b, " (max/median %.1f)", (double)mx / (double)med);
        sm_buf_appendf(&b, "; comm ");
        put_secs(&b, maxcomm, mask);
        sm_buf_appendf(&b, " / compute ");
        put_secs(&b, maxcomp, mask);
        sm_buf_appendf(&b, " (slowest rank)");
        fprintf(out, "%s\n", sm_buf_cstr(&b) ? sm_buf_cstr(&b) : "");
        sm_buf_free(&b);
        for (int r = 0; detail && r < size; r++) {
            const xm_rank_stats *st = &gr->ranks[r];
            sm_buf l = {0};
            sm_buf_appendf(&l, "   rank %d: sent %lld rows / ", r, (long long)st->rows_sent);
            put_bytes(&l, st->bytes_sent, mask);
            sm_buf_appendf(&l, ", received %lld rows / ", (long long)st->rows_received);
            put_bytes(&l, st->bytes_received, mask);
            sm_buf_appendf(&l, ", %lld round%s, comm ", (long long)st->rounds, st->rounds == 1 ? "" : "s");
            put_secs(&l, st->comm_ns, mask);
            sm_buf_appendf(&l, " / compute ");
            put_secs(&l, st->compute_ns, mask);
            if (st->spilled > 0) {
                sm_buf_appendf(&l, ", spilled ");
                put_bytes(&l, st->spilled, mask);
            }
            fprintf(out, "%s\n", sm_buf_cstr(&l) ? sm_buf_cstr(&l) : "");
            sm_buf_free(&l);
        }
        if (xm_partitioned(gr->kind) && mx >= xm_skew_min() && (double)mx > XM_SKEW_FACTOR * (double)med) {
            sm_buf_appendf(&warn, "warning: skewed exchange %s(%s)%s%s: rank %d received %lld rows, ", gr->kind,
                           gr->keys, gr->op[0] ? " for " : "", gr->op, big, (long long)mx);
            if (med > 0) sm_buf_appendf(&warn, "%.1fx the median (%lld)", (double)mx / (double)med, (long long)med);
            else sm_buf_appendf(&warn, "the median is 0");
            sm_buf_appendf(&warn, "; partitioned by %s", gr->keys[0] ? gr->keys : "every column");
            /* the hottest key: the ranks' estimates of the same key add up */
            int64_t best = 0;
            const char *hot = NULL;
            for (int r = 0; r < size; r++) {
                const xm_rank_stats *st = &gr->ranks[r];
                if (!st->hot_count || !st->hot[0]) continue;
                int64_t sum = 0;
                for (int q = 0; q < size; q++)
                    if (gr->ranks[q].hot_count && strcmp(gr->ranks[q].hot, st->hot) == 0) sum += gr->ranks[q].hot_count;
                if (sum > best) {
                    best = sum;
                    hot = st->hot;
                }
            }
            if (hot) sm_buf_appendf(&warn, ", hottest key (%s) = %s (about %lld rows)", gr->keys, hot, (long long)best);
            sm_buf_appendf(&warn, "\n");
        }
    }
    sm_buf t = {0};
    sm_buf_appendf(&t, "Per rank comm / compute:");
    for (int r = 0; r < size; r++) {
        int64_t comp = g->wall_ns[r] - g->comm_ns[r];
        sm_buf_appendf(&t, "%s rank %d ", r ? ";" : "", r);
        put_secs(&t, g->comm_ns[r], mask);
        sm_buf_appendf(&t, " / ");
        put_secs(&t, comp > 0 ? comp : 0, mask);
    }
    fprintf(out, "%s\n", sm_buf_cstr(&t) ? sm_buf_cstr(&t) : "");
    sm_buf_free(&t);
    if (warn.len) fprintf(out, "%s", sm_buf_cstr(&warn));
    sm_buf_free(&warn);
    sm_free(v);
}

int xm_report(int from, int64_t t0_ns, bool detail, bool mask, FILE *out) {
    if (xch_world()->size < 2) return SM_OK;
    xm_global *g = NULL;
    SM_TRY(xm_gather(from, t0_ns, &g));
    if (xch_world()->rank == 0) xm_print(g, detail, mask, out);
    xm_global_free(g);
    return SM_OK;
}

/* ---- the event log ------------------------------------------------------------------------ */

void xm_log_job(sm_exec_ctx *ctx) {
    if (!ctx || !ctx->events) return;
    for (int i = xm_job_from; i < xm_n; i++) {
        const xm_rec *r = &xm_recs[i];
        const char *sk[] = {"Kind", "Keys", "Operator", "Hottest key"};
        const char *sv[] = {r->kind, r->keys, r->op, r->st.hot};
        const char *ik[] = {"Exchange ID", "Rows sent", "Bytes sent", "Rows received", "Bytes received",
                            "Rounds", "Compute ns", "Comm ns", "Hottest key rows"};
        int64_t iv[] = {i - xm_job_from + 1, r->st.rows_sent, r->st.bytes_sent, r->st.rows_received,
                        r->st.bytes_received, r->st.rounds, r->st.compute_ns, r->st.comm_ns,
                        r->st.hot_count};
        exec_event_record(ctx, "Exchange", sk, sv, r->st.hot[0] ? 4 : 3, ik, iv, r->st.hot[0] ? 9 : 8);
    }
    xm_job_from = xm_n;
}
