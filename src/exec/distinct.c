/*
 * distinct.c — DISTINCT and dropDuplicates(subset), the DISTINCT breaker
 * (exec.h).
 *
 * The node keeps one row per key (plan->key_cols, or every column when
 * nkey_cols == 0): the first row in input order, where partition 0's rows
 * come before partition 1's and batches keep their order, so the result is
 * deterministic.
 *
 * Algorithm (the same two phases as hashagg.c):
 *   1. Partial: one task per partition of the child; each keeps an sm_keytab
 *      of the keys (hashtable.h) and, when only a subset of columns is the
 *      key, "payload" vectors holding the whole first row of each key, in
 *      insertion order.  With every column as the key, the keytab's own key
 *      vectors are the rows (with Spark's normalized -0.0 / NaN).
 *   2. Merge: one task per piece of the hash space (ctx->shuffle_partitions);
 *      it walks the partials in partition order, keeps the groups of its
 *      piece that are new to its merged table (so the earliest partition
 *      wins), then emits batches of at most SM_BATCH_ROWS rows as
 *      partition `piece` of the output.
 *
 * The driver (partial tables per partition, merge tasks per piece, output
 * batches) is shared with hashagg.c in partials.c.
 *
 * Memory: keys and payload rows are copied out of the input batches (freed
 * after each batch) into vectors owned by the tables; partial tables are
 * freed after the merge.  State is partitioned by hash for later spilling.
 */
#include <string.h>

#include "common/status.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "exec/partials.h"

typedef struct {
    bool used;
    sm_keytab keys;
    sm_vector **payload; /* ncols vectors (subset mode only) */
} dd_table;

typedef struct {
    sm_exec_ctx *ctx;
    int ncols;       /* columns of the child */
    int nkeys;
    int *key_cols;   /* nkeys column indices */
    sm_type *col_types, *key_types;
    bool subset;     /* payload kept apart from the keys */
    exec_two_phase tp; /* partials: dd_table[tp.npartials] */
} dd_run;

static dd_table *dd_partial(dd_run *r, int part) { return (dd_table *)r->tp.partials + part; }

static void dd_table_free(dd_run *r, dd_table *t) {
    if (!t->used) return;
    sm_keytab_free(&t->keys);
    if (t->payload)
        for (int c = 0; c < r->ncols; c++)
            if (t->payload[c]) sm_vector_unref(t->payload[c]);
    sm_free(t->payload);
    memset(t, 0, sizeof *t);
}

static int dd_table_init(dd_run *r, dd_table *t) {
    memset(t, 0, sizeof *t);
    SM_TRY(sm_keytab_init(&t->keys, r->nkeys, r->key_types));
    t->used = true;
    if (!r->subset) return SM_OK;
    t->payload = sm_calloc((size_t)r->ncols + 1, sizeof *t->payload);
    if (!t->payload) {
        dd_table_free(r, t);
        return SM_NOMEM;
    }
    for (int c = 0; c < r->ncols; c++) {
        t->payload[c] = sm_vector_new(r->col_types[c], 64);
        if (!t->payload[c]) {
            dd_table_free(r, t);
            return SM_NOMEM;
        }
    }
    return SM_OK;
}

/* Appends rows sel[i] with is_new[i] of `src` columns to t's payload. */
static int dd_append_payload(dd_run *r, dd_table *t, sm_vector *const *src, const int32_t *sel,
                             const uint8_t *is_new, int64_t n) {
    for (int c = 0; c < r->ncols; c++) {
        sm_vector *dst = t->payload[c];
        for (int64_t i = 0; i < n; i++) {
            if (!is_new[i]) continue;
            int64_t row = sel ? sel[i] : i;
            int rc = src[c]->type == SM_NULLTYPE || sm_vector_is_null(src[c], row)
                         ? sm_vector_append_null(dst)
                         : sm_vector_append_from(dst, src[c], row);
            if (rc != SM_OK) return rc;
        }
    }
    return SM_OK;
}

static int dd_consume(void *arg, int part, sm_batch *b) {
    dd_run *r = arg;
    dd_table *t = dd_partial(r, part);
    int rc = SM_OK;
    int64_t n = b->nrows;
    uint64_t *hashes = NULL;
    uint32_t *gids = NULL;
    uint8_t *is_new = NULL;
    sm_vector **kv = NULL;
    if (n == 0) goto done;
    if (!t->used && (rc = dd_table_init(r, t)) != SM_OK) goto done;
    hashes = sm_malloc((size_t)n * sizeof *hashes);
    gids = sm_malloc((size_t)n * sizeof *gids);
    is_new = sm_malloc((size_t)n);
    kv = sm_calloc((size_t)r->nkeys + 1, sizeof *kv);
    if (!hashes || !gids || !is_new || !kv) {
        rc = SM_NOMEM;
        goto done;
    }
    for (int k = 0; k < r->nkeys; k++) kv[k] = b->cols[r->key_cols[k]];
    sm_keytab_hash(kv, r->nkeys, n, hashes);
    rc = sm_keytab_insert(&t->keys, kv, hashes, NULL, n, gids, is_new);
    if (rc == SM_OK && r->subset) rc = dd_append_payload(r, t, b->cols, NULL, is_new, n);
done:
    sm_free(hashes);
    sm_free(gids);
    sm_free(is_new);
    sm_free(kv);
    sm_batch_free(b);
    return rc;
}

#define DD_CHUNK 4096

static int dd_emit(dd_run *r, int piece, dd_table *m) {
    sm_vector **cols = r->subset ? m->payload : m->keys.keys;
    return exec_emit_batches(r->tp.out, piece, cols, r->ncols, 0, m->keys.ngroups, NULL, NULL);
}

static int dd_merge_task(void *arg, int piece) {
    dd_run *r = arg;
    dd_table m;
    int rc = dd_table_init(r, &m);
    if (rc != SM_OK) return rc;
    int32_t *sel = sm_malloc(DD_CHUNK * sizeof *sel);
    uint32_t *gids = sm_malloc(DD_CHUNK * sizeof *gids);
    uint8_t *is_new = sm_malloc(DD_CHUNK);
    if (!sel || !gids || !is_new) rc = SM_NOMEM;
    for (int p = 0; p < r->tp.npartials && rc == SM_OK; p++) {
        dd_table *t = dd_partial(r, p);
        if (!t->used || sm_pool_cancelled()) continue;
        for (int64_t start = 0; start < t->keys.ngroups && rc == SM_OK; start += DD_CHUNK) {
            int64_t end = start + DD_CHUNK < t->keys.ngroups ? start + DD_CHUNK : t->keys.ngroups;
            int64_t ns = exec_select_piece(&t->keys, start, end, piece, r->tp.npieces, sel);
            if (ns == 0) continue;
            rc = sm_keytab_insert(&m.keys, t->keys.keys, t->keys.hashes, sel, ns, gids, is_new);
            if (rc == SM_OK && r->subset) rc = dd_append_payload(r, &m, t->payload, sel, is_new, ns);
        }
    }
    if (rc == SM_OK) rc = dd_emit(r, piece, &m);
    sm_free(sel);
    sm_free(gids);
    sm_free(is_new);
    dd_table_free(r, &m);
    return rc;
}

static void dd_free_partial(void *arg, void *table) { dd_table_free(arg, table); }

int exec_distinct(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    dd_run r = {0};
    r.ctx = ctx;
    const sm_schema *cs = p->child->schema;
    r.ncols = cs->ncols;
    r.subset = p->nkey_cols > 0;
    r.nkeys = r.subset ? p->nkey_cols : r.ncols;
    r.tp = (exec_two_phase){
        .table_size = sizeof(dd_table),
        .npieces = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1,
        .consume = dd_consume,
        .merge = dd_merge_task,
        .free_table = dd_free_partial,
        .arg = &r,
    };
    int rc = SM_OK;
    r.key_cols = sm_calloc((size_t)r.nkeys + 1, sizeof *r.key_cols);
    r.key_types = sm_calloc((size_t)r.nkeys + 1, sizeof *r.key_types);
    r.col_types = sm_calloc((size_t)r.ncols + 1, sizeof *r.col_types);
    if (!r.key_cols || !r.key_types || !r.col_types) rc = SM_NOMEM;
    for (int c = 0; rc == SM_OK && c < r.ncols; c++) r.col_types[c] = cs->fields[c].type;
    for (int k = 0; rc == SM_OK && k < r.nkeys; k++) {
        int c = r.subset ? p->key_cols[k] : k;
        if (c < 0 || c >= r.ncols) {
            rc = sm_err(SM_INTERNAL, "distinct: key column %d out of range (%d columns)", c, r.ncols);
            break;
        }
        r.key_cols[k] = c;
        r.key_types[k] = cs->fields[c].type;
    }
    if (rc == SM_OK) rc = exec_two_phase_run(ctx, p->child, &r.tp, out);
    sm_free(r.key_cols);
    sm_free(r.key_types);
    sm_free(r.col_types);
    return rc;
}
