/*
 * ddspill.c — dropDuplicates(subset) that spills (ddspill.h).
 *
 * The in-memory subset mode (distinct.c) keeps the first row of each key in
 * input order: partition 0's rows before partition 1's, batches and rows in
 * order.  When its partial tables pass three quarters of the budget,
 * distinct.c drops them and calls exec_distinct_subset_spill, which runs
 * the child again:
 *   1. Route: each row gets its place in the input, an ordinal
 *      (partition << 40 | row number within the partition; one task reads
 *      one partition, so a counter per partition numbers its rows), appended
 *      as one more BIGINT column, and the row goes to one of SM_SPILL_FANOUT
 *      files by a hash of its key (the keytab's hash, mixed per level).
 *   2. Each file, in parallel (one task per file), in two passes:
 *      (a) its keys go into a keytab, and each group keeps the smallest
 *          ordinal seen — the row the in-memory run keeps, since that one
 *          keeps the earliest (partition, row) of each key;
 *      (b) the file is read again, each row finds its group (inserting a
 *          key already there only looks it up), and the rows whose ordinal
 *          is their group's smallest are copied into output batches of up
 *          to SM_BATCH_ROWS rows, spread over the output partitions in turn.
 *      Only the keys and one ordinal per group are held (not the rows), so
 *      a file fits when its distinct keys do; when the table passes the
 *      file's share of the budget, the file is re-partitioned with the next
 *      level's hash (sm_spill_resplit, 4 levels at most; a key's rows all
 *      go to one file, so a file holding one huge key still finishes).
 *
 * Invariants: (1) every row of a key lands in the same file at every level;
 * (2) ordinals are unique, so exactly one row per key wins; (3) every file
 * is closed on every path (sm_spill_set_free, sm_spill_resplit), so a
 * failed query leaves nothing on disk.
 *
 * Output order: not the input order (the files interleave); the rows are
 * the in-memory run's.  The output mset spills past half the budget
 * (exec/msetspill.c).
 *
 * Threading: routing runs one task per input partition (a lock per file in
 * the spill set); the files are processed one task per file, each with its
 * own table; output batches are added under out_lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "common/status.h"
#include "exec/ddspill.h"
#include "exec/hashtable.h"
#include "exec/metrics.h"
#include "exec/spill.h"

#define DDS_LEVELS 4

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    int ncols; /* the child's; spilled batches have ncols + 1 (the ordinal last) */
    const int *key_cols;
    int nkeys;
    const sm_type *key_types;
    int64_t *rows_seen; /* per input partition: rows numbered so far */
    sm_spill_set *dst;
    int64_t work_budget; /* bytes of one file's table */
    sm_mset *out;
    int npieces;
    _Atomic int next_piece;
    pthread_mutex_t out_lock;
    _Atomic int64_t spill_bytes, spill_parts;
} dds_run;

/* Routes batch b (ncols + 1 columns) into ss by the hash of its key. */
static int dds_route(void *arg, sm_spill_set *ss, const sm_batch *b) {
    dds_run *r = arg;
    int64_t n = b->nrows;
    if (n == 0) return SM_OK;
    uint64_t *hashes = sm_malloc((size_t)n * sizeof *hashes);
    sm_vector **kv = sm_calloc((size_t)r->nkeys + 1, sizeof *kv);
    int rc = hashes && kv ? SM_OK : SM_NOMEM;
    if (rc == SM_OK) {
        for (int k = 0; k < r->nkeys; k++) kv[k] = b->cols[r->key_cols[k]];
        sm_keytab_hash(kv, r->nkeys, n, hashes);
        rc = sm_spill_set_route(ss, b, hashes);
    }
    sm_free(hashes);
    sm_free(kv);
    return rc;
}

/* The first pass's input: each batch of the child with its ordinals. */
static int dds_consume(void *arg, int part, sm_batch *b) {
    dds_run *r = arg;
    int64_t n = b->nrows;
    int rc = SM_OK;
    sm_batch *w = NULL;
    if (n == 0) goto done;
    w = sm_batch_new(r->ncols + 1, n);
    if (!w) {
        rc = SM_NOMEM;
        goto done;
    }
    for (int c = 0; c < r->ncols; c++) w->cols[c] = sm_vector_ref(b->cols[c]);
    sm_vector *ord = sm_vector_new(SM_BIGINT, n);
    if (!ord) {
        rc = SM_NOMEM;
        goto done;
    }
    w->cols[r->ncols] = ord;
    int64_t first = r->rows_seen[part];
    r->rows_seen[part] += n;
    for (int64_t i = 0; i < n; i++) SM_VEC_I64(ord)[i] = ((int64_t)part << 40) | (first + i);
    ord->length = n;
    rc = dds_route(r, r->dst, w);
done:
    sm_batch_free(w);
    sm_batch_free(b);
    return rc;
}

typedef struct {
    sm_keytab keys;
    int64_t *best; /* per group: the smallest ordinal */
    int64_t cap;
} dds_table;

static int64_t dds_table_bytes(const dds_run *r, const dds_table *t) {
    int64_t n = (int64_t)t->keys.nslots * 8 + t->keys.cap_groups * 8 + t->cap * 8;
    for (int k = 0; k < r->nkeys; k++) {
        const sm_vector *v = t->keys.keys[k];
        n += v->capacity * (int64_t)(sm_type_width(v->type) + 1) + v->bytes_cap;
    }
    return n;
}

/* gids[0..n) of batch b's keys in t (inserted when new). */
static int dds_groups(dds_run *r, dds_table *t, const sm_batch *b, uint64_t *hashes, uint32_t *gids) {
    sm_vector *kv[64] = {0};
    sm_vector **keys = r->nkeys <= 64 ? kv : sm_calloc((size_t)r->nkeys, sizeof *keys);
    if (!keys) return SM_NOMEM;
    for (int k = 0; k < r->nkeys; k++) keys[k] = b->cols[r->key_cols[k]];
    sm_keytab_hash(keys, r->nkeys, b->nrows, hashes);
    int rc = sm_keytab_insert(&t->keys, keys, hashes, NULL, b->nrows, gids, NULL);
    if (keys != kv) sm_free(keys);
    return rc;
}

/* Adds the winners collected in cols (lengths n) as one output batch. */
static int dds_flush(dds_run *r, sm_vector **cols, int64_t n) {
    if (n == 0) return SM_OK;
    sm_batch *b = sm_batch_new(r->ncols, n);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < r->ncols; c++) {
        b->cols[c] = cols[c];
        cols[c] = NULL;
    }
    int piece = atomic_fetch_add(&r->next_piece, 1) % r->npieces;
    pthread_mutex_lock(&r->out_lock);
    int rc = sm_mset_add(r->out, piece, b);
    pthread_mutex_unlock(&r->out_lock);
    return rc;
}

static int dds_process(void *arg, FILE *f, int level);

/* Pass (b): copies each key's winning row of file f to the output. */
static int dds_emit(dds_run *r, dds_table *t, FILE *f) {
    if (fseek(f, 0, SEEK_SET) != 0) return sm_err(SM_IO, "rewinding a spill file");
    sm_vector **cols = sm_calloc((size_t)r->ncols + 1, sizeof *cols);
    if (!cols) return SM_NOMEM;
    int rc = SM_OK;
    int64_t have = 0;
    uint64_t *hashes = NULL;
    uint32_t *gids = NULL;
    while (rc == SM_OK && !sm_pool_cancelled()) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        int64_t n = b->nrows;
        sm_free(hashes);
        sm_free(gids);
        hashes = sm_malloc((size_t)(n ? n : 1) * sizeof *hashes);
        gids = sm_malloc((size_t)(n ? n : 1) * sizeof *gids);
        if (!hashes || !gids) rc = SM_NOMEM;
        if (rc == SM_OK) rc = dds_groups(r, t, b, hashes, gids);
        const int64_t *ord = rc == SM_OK ? SM_VEC_I64(b->cols[r->ncols]) : NULL;
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            if (ord[i] != t->best[gids[i]]) continue;
            for (int c = 0; c < r->ncols && rc == SM_OK; c++) {
                if (!cols[c]) { /* an empty vector of the column's type */
                    int32_t none = 0;
                    if (!(cols[c] = sm_vector_take(b->cols[c], &none, 0))) rc = SM_NOMEM;
                }
                if (rc == SM_OK) rc = sm_vector_append_from(cols[c], b->cols[c], i);
            }
            if (rc == SM_OK && ++have == SM_BATCH_ROWS) {
                rc = dds_flush(r, cols, have);
                have = 0;
            }
        }
        sm_batch_free(b);
    }
    if (rc == SM_OK) rc = dds_flush(r, cols, have);
    for (int c = 0; c < r->ncols; c++)
        if (cols[c]) sm_vector_unref(cols[c]);
    sm_free(cols);
    sm_free(hashes);
    sm_free(gids);
    return rc;
}

static int dds_process(void *arg, FILE *f, int level) {
    dds_run *r = arg;
    if (fseek(f, 0, SEEK_SET) != 0) return sm_err(SM_IO, "rewinding a spill file");
    dds_table t;
    memset(&t, 0, sizeof t);
    int rc = sm_keytab_init(&t.keys, r->nkeys, r->key_types);
    if (rc != SM_OK) return rc;
    bool over = false;
    uint64_t *hashes = NULL;
    uint32_t *gids = NULL;
    /* pass (a): the smallest ordinal of every key */
    while (rc == SM_OK && !sm_pool_cancelled()) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        int64_t n = b->nrows;
        sm_free(hashes);
        sm_free(gids);
        hashes = sm_malloc((size_t)(n ? n : 1) * sizeof *hashes);
        gids = sm_malloc((size_t)(n ? n : 1) * sizeof *gids);
        if (!hashes || !gids) rc = SM_NOMEM;
        if (rc == SM_OK) rc = dds_groups(r, &t, b, hashes, gids);
        if (rc == SM_OK && t.keys.ngroups > t.cap) {
            int64_t cap = t.cap ? t.cap : 1024;
            while (cap < t.keys.ngroups) cap *= 2;
            int64_t *nb = sm_realloc(t.best, (size_t)cap * sizeof *nb);
            if (!nb) rc = SM_NOMEM;
            else {
                for (int64_t g = t.cap; g < cap; g++) nb[g] = INT64_MAX;
                t.best = nb;
                t.cap = cap;
            }
        }
        if (rc == SM_OK) {
            const int64_t *ord = SM_VEC_I64(b->cols[r->ncols]);
            for (int64_t i = 0; i < n; i++)
                if (ord[i] < t.best[gids[i]]) t.best[gids[i]] = ord[i];
        }
        sm_batch_free(b);
        if (rc == SM_OK && level + 1 < DDS_LEVELS && dds_table_bytes(r, &t) > r->work_budget) over = true;
        if (over) break;
    }
    sm_free(hashes);
    sm_free(gids);
    if (rc == SM_OK && !over && !sm_pool_cancelled()) rc = dds_emit(r, &t, f);
    sm_keytab_free(&t.keys);
    sm_free(t.best);
    if (rc != SM_OK || !over) return rc;
    /* too many keys for this file's share: split it again with the next level's hash */
    return sm_spill_resplit(f, level, dds_route, dds_process, r, &r->spill_bytes, &r->spill_parts);
}

static int dds_task(void *arg, int i) {
    dds_run *r = arg;
    int rc = dds_process(r, sm_spill_set_file(r->dst, i), 0);
    sm_spill_set_close_file(r->dst, i); /* its disk space goes now */
    return rc;
}

int exec_distinct_subset_spill(sm_exec_ctx *ctx, const sm_plan *p, const int *key_cols, int nkeys,
                               const sm_type *key_types, int npieces, sm_mset **out) {
    dds_run r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.p = p;
    r.ncols = p->child->schema->ncols;
    r.key_cols = key_cols;
    r.nkeys = nkeys;
    r.key_types = key_types;
    r.npieces = npieces > 0 ? npieces : 1;
    int64_t limit = ctx->memory_limit;
    int64_t free_now = limit - sm_mem_in_use();
    int threads = sm_pool_threads(ctx->pool);
    r.work_budget = (free_now > limit / 4 ? free_now : limit / 4) / 2 / (threads > 0 ? threads : 1);
    int nparts = exec_num_partitions(ctx, p->child);
    if (nparts < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
    pthread_mutex_init(&r.out_lock, NULL);
    r.rows_seen = sm_calloc((size_t)nparts + 1, sizeof *r.rows_seen);
    r.out = sm_mset_new(r.npieces);
    if (r.out) sm_mset_spill_under(r.out, limit); /* the output may spill too */
    r.dst = r.rows_seen && r.out ? sm_spill_set_new(0) : NULL;
    int rc = r.dst ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->child, dds_consume, &r);
    if (r.dst) {
        atomic_fetch_add(&r.spill_bytes, sm_spill_set_bytes(r.dst));
        atomic_fetch_add(&r.spill_parts, SM_SPILL_FANOUT);
    }
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, SM_SPILL_FANOUT, dds_task, &r);
    sm_spill_set_free(r.dst);
    sm_free(r.rows_seen);
    pthread_mutex_destroy(&r.out_lock);
    sm_exec_metrics_spilled(ctx, p, atomic_load(&r.spill_bytes), atomic_load(&r.spill_parts));
    if (rc != SM_OK) {
        sm_mset_free(r.out);
        return rc;
    }
    *out = r.out;
    return SM_OK;
}
