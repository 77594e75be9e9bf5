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
 *      of the keys (hashtable.h).  With every column as the key, the
 *      keytab's own key vectors are the rows (with Spark's normalized -0.0 /
 *      NaN).  When only a subset of columns is the key, the rows are not
 *      copied: a batch holding at least one new key is kept whole, and each
 *      group records where its first row lies (kept batch, row).
 *   2. Merge: one task per piece of the hash space (ctx->shuffle_partitions);
 *      it walks the partials in partition order, keeps the groups of its
 *      piece that are new to its merged table (so the earliest partition
 *      wins).  In the full-row mode it emits them as partition `piece` of
 *      the output, from the merged key vectors in batches of at most
 *      SM_BATCH_ROWS rows.  In the subset mode the merge runs in the
 *      finish step and is radix-partitioned (dd_merge_subset_all: every
 *      group is listed once in its bucket of (piece, sub-piece of more hash
 *      bits), in parallel over the partials; then one task per piece merges
 *      each of its buckets in a cache-sized table) and marks each winning
 *      group in its partial's `won` bytes (groups of different pieces are
 *      different bytes, so merge tasks never write the same one).  With
 *      one integer key column the partials move from tables to radix
 *      buckets of (key, ordinal) entries instead, so that each row is
 *      inserted once, in the finish step's merge, which marks the winners'
 *      keep bytes itself ("the radix path" below).
 *   3. Emit (subset mode, the two-phase driver's finish step): won groups
 *      mark their first rows in the kept batches' `keep` bytes (one task
 *      per partial, dd_mark_task); output partition j then takes a
 *      contiguous range of the kept batches (every partition's, in order),
 *      so the result keeps the input order, the ranges cut at the batch
 *      boundaries that give each output partition about the same number of
 *      kept rows (dd_emit_bounds).  A batch
 *      whose rows all won is handed over as it is; one that keeps at least
 *      half is compacted in place (vectors it alone references; shared ones
 *      are copied); one that keeps fewer has its winners copied out.  Most
 *      rows are therefore never copied: a deduplicated first day of data
 *      costs no copy and no new memory.
 *
 * The driver (partial tables per partition, merge tasks per piece, output
 * batches) is shared with hashagg.c in partials.c.
 *
 * Memory: keys are copied out of the input batches into vectors owned by
 * the tables; in the subset mode the kept input batches live until the
 * emit step hands them (or copies of their winners) to the output, and the
 * partial tables free the rest.
 *
 * Spilling (exec/spill.h): when counted memory passes three quarters of
 * ctx->memory_limit while the partial tables grow, they are dropped and the
 * child runs again with its rows routed by hash into spill files; each file
 * is then deduplicated on its own (in parallel), re-partitioned with another
 * hash seed when its table passes its share of the budget.  The subset mode
 * spills in exec/ddspill.c, which carries each row's place in the input
 * into the files so each key still keeps its first row.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "common/copy.h"
#include "common/status.h"
#include "exec/ddspill.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "exec/metrics.h"
#include "exec/partials.h"
#include "exec/spill.h"

#define DD_RADIX_BITS 8 /* the radix path's buckets: the top bits of the key's hash */
#define DD_NBUCKETS (1 << DD_RADIX_BITS)

/* The radix path: a list of entries (key, ordinal) of one hash bucket, in
 * ordinal order; a 4-byte key's entry is one word, (ordinal << 32) | key,
 * an 8-byte key's two, key then ordinal.  n and cap count words. */
typedef struct {
    uint64_t *e;
    int64_t n, cap;
} dd_bucket;

typedef struct {
    bool used;
    sm_keytab keys;
    /* subset mode: kept input batches and, per group, (batch << 32) | row
     * of its first row */
    sm_batch **batches;
    uint8_t **keep; /* per kept batch: 1 for the rows that won their key */
    uint8_t *won;   /* per group: 1 when its first row won (set by the merge) */
    int64_t *kept;  /* per kept batch: its winning rows (dd_mark_task) */
    int nbatches, capbatches;
    uint64_t *loc;
    int64_t caploc;
    uint8_t *keep_all; /* the keep bytes of every kept batch, batch after batch (dd_alloc_keep) */
    /* one integer key (dd_run.int_w, "the radix path"): */
    int64_t rows_seen; /* rows consumed */
    bool scatter;      /* rows go to bk; keys, loc and won are gone (dd_to_scatter) */
    dd_bucket *bk;     /* DD_NBUCKETS lists of (key, ordinal) entries */
    int64_t nrows;     /* scatter: rows of the kept batches (ordinals 0..nrows) */
    int64_t null_at;   /* scatter: 1 + the ordinal of the first null key; 0 when none */
} dd_table;

typedef struct {
    sm_exec_ctx *ctx;
    int ncols;       /* columns of the child */
    int nkeys;
    int *key_cols;   /* nkeys column indices */
    sm_type *key_types;
    bool subset;     /* a subset of the columns is the key */
    exec_two_phase tp; /* partials: dd_table[tp.npartials] */
    /* spilling under ctx->memory_limit (full-row mode; see "spilling") */
    const sm_plan *plan;
    bool can_spill;
    _Atomic bool overflow;
    int64_t mem_start; /* sm_mem_in_use when the breaker began */
    struct sm_spill_set *spill_dst;
    int64_t work_budget;
    pthread_mutex_t out_lock;
    _Atomic int64_t spill_bytes, spill_parts;
    int64_t *emit_bound; /* subset mode: npieces + 1 cuts of the kept batches (dd_emit_bounds) */
    int64_t *bstart;     /* subset mode: per partial, its first global batch index */
    _Atomic int64_t groups_hint; /* subset mode: most groups in one partial so far */
    /* subset mode, the radix merge (dd_merge_subset_all): buckets are
     * (piece, sub-piece); rcount[partial][bucket] counts, then offsets;
     * ent lists (partial << 32 | group) bucket by bucket from bstart_ent */
    int nsub, nbuckets;
    int64_t *rcount, *bstart_ent;
    uint64_t *ent;
    /* subset mode with one key column of 4- or 8-byte integer storage: its
     * width, and the radix path is used (see "the radix path"); else 0 */
    int int_w;
} dd_run;

static dd_table *dd_partial(dd_run *r, int part) { return (dd_table *)r->tp.partials + part; }

static void dd_table_free(dd_run *r, dd_table *t) {
    if (!t->used) return;
    (void)r;
    sm_keytab_free(&t->keys);
    for (int i = 0; i < t->nbatches; i++) sm_batch_free(t->batches[i]);
    if (t->bk)
        for (int i = 0; i < DD_NBUCKETS; i++) sm_free(t->bk[i].e);
    sm_free(t->bk);
    sm_free(t->keep_all);
    sm_free(t->batches);
    sm_free(t->keep);
    sm_free(t->loc);
    sm_free(t->won);
    sm_free(t->kept);
    memset(t, 0, sizeof *t);
}

static int dd_table_init(dd_run *r, dd_table *t) {
    memset(t, 0, sizeof *t);
    SM_TRY(sm_keytab_init(&t->keys, r->nkeys, r->key_types));
    t->used = true;
    return SM_OK;
}

/* Room in t->batches and t->keep for one more kept batch. */
static int dd_room_for_batch(dd_table *t) {
    if (t->nbatches < t->capbatches) return SM_OK;
    int cap = t->capbatches ? t->capbatches * 2 : 16;
    sm_batch **nb = sm_realloc(t->batches, (size_t)cap * sizeof *nb);
    if (!nb) return SM_NOMEM;
    t->batches = nb;
    uint8_t **nk = sm_realloc(t->keep, (size_t)cap * sizeof *nk);
    if (!nk) return SM_NOMEM;
    t->keep = nk;
    t->capbatches = cap;
    return SM_OK;
}

/* Allocates the keep bytes of t's kept batches, all zero, in one array:
 * t->keep[bi] points at batch bi's rows, which are the ordinals
 * [start, start + nrows) of the radix path.  Before the merge (radix path)
 * or the marking (dd_mark_task). */
static int dd_alloc_keep(dd_table *t) {
    int64_t total = 0;
    for (int bi = 0; bi < t->nbatches; bi++) total += t->batches[bi]->nrows;
    t->keep_all = sm_calloc((size_t)(total > 0 ? total : 1), 1);
    if (!t->keep_all) return SM_NOMEM;
    int64_t at = 0;
    for (int bi = 0; bi < t->nbatches; bi++) {
        t->keep[bi] = t->keep_all + at;
        at += t->batches[bi]->nrows;
    }
    return SM_OK;
}

/* Subset mode: keeps batch b (taking it) when some of its rows started a
 * group, recording where each new group's row lies. */
static int dd_keep_rows(dd_table *t, sm_batch *b, const uint32_t *gids, const uint8_t *is_new,
                        int64_t n, bool *kept) {
    *kept = false;
    int64_t nnew = 0;
    for (int64_t i = 0; i < n; i++) nnew += is_new[i];
    if (nnew == 0) return SM_OK;
    if (t->keys.ngroups > t->caploc) {
        int64_t cap = t->caploc ? t->caploc : 1024;
        while (cap < t->keys.ngroups) cap *= 2;
        uint64_t *l = sm_realloc(t->loc, (size_t)cap * sizeof *l);
        if (!l) return SM_NOMEM;
        t->loc = l;
        uint8_t *w = sm_realloc(t->won, (size_t)cap);
        if (!w) return SM_NOMEM;
        memset(w + t->caploc, 0, (size_t)(cap - t->caploc));
        t->won = w;
        t->caploc = cap;
    }
    SM_TRY(dd_room_for_batch(t));
    uint64_t bi = (uint64_t)t->nbatches;
    for (int64_t i = 0; i < n; i++)
        if (is_new[i]) t->loc[gids[i]] = (bi << 32) | (uint64_t)i;
    t->keep[t->nbatches] = NULL; /* set by dd_alloc_keep */
    t->batches[t->nbatches++] = b;
    *kept = true;
    return SM_OK;
}

/* ---- the radix path: one integer key, one insert per row -----------------------------
 *
 * dropDuplicates of one 4- or 8-byte integer column (an id) used to insert
 * every row twice: into its partition's table, then every group again into
 * the merge's tables.  On this path a partition's rows go, once its keys
 * look mostly distinct, straight into DD_NBUCKETS lists by the top bits of
 * their hash, as (key, ordinal) entries, where the ordinal numbers the rows
 * of the partition's kept batches; no table is built while consuming.  The
 * finish step then merges each bucket on its own, the partitions in order,
 * in a table sized for the bucket (small enough for the cache), and marks
 * the winners' keep bytes directly.  A partition starts with a table as
 * before (dd_consume) and moves to the buckets (dd_to_scatter) when it
 * holds at least exec_distinct_radix_groups groups and 15/16 of its rows
 * were new keys: with keys that repeat, the table stays small and drops
 * batches holding no new key at once, where the buckets would keep every
 * batch until the merge.  A partition that never moves has its groups put
 * into the buckets in the finish step (its first occurrences, in order).
 * (exec_distinct_radix_groups <= 0 sends every row to the buckets, for
 * tests.)
 *
 * Invariants:
 *   1. Each bucket's list holds its entries in ordinal order (rows are
 *      appended in input order; a moved table's groups, in group order,
 *      come before every later row), so the first entry of a key in the
 *      merge's walk (partitions in order, then the list) is its first row.
 *   2. A null key is not an entry: null_at keeps the partition's first one,
 *      and the first partition that has one keeps that row.
 *   3. Ordinals fit in 32 bits (a partition of more than 4G rows is an
 *      error, as a table of more than 4G groups is).
 *   4. Different buckets mark different rows' keep bytes (a row's key has
 *      one bucket), so the merge's tasks never write the same byte.
 */
#define DD_MERGE_TASKS 32 /* tasks of the radix merge, each a range of buckets */

int64_t exec_distinct_radix_groups = 32768;

static inline uint64_t dd_int_hash(int64_t x) {
    uint64_t h = (uint64_t)x * 0x9e3779b97f4a7c15ULL + 0x243f6a8885a308d3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static inline int dd_bucket_of(int64_t key) { return (int)(dd_int_hash(key) >> (64 - DD_RADIX_BITS)); }

static int dd_bucket_grow(dd_bucket *bb, int64_t words) {
    int64_t cap = bb->cap ? bb->cap * 2 : 64;
    while (cap < bb->n + words) cap *= 2;
    uint64_t *e = sm_realloc(bb->e, (size_t)cap * sizeof *e);
    if (!e) return SM_NOMEM;
    bb->e = e;
    bb->cap = cap;
    return SM_OK;
}

/* Appends (key, ord) to its bucket of t. */
static inline int dd_bucket_add(dd_table *t, int w, int64_t key, uint64_t ord) {
    dd_bucket *bb = &t->bk[dd_bucket_of(key)];
    if (bb->n + 2 > bb->cap) SM_TRY(dd_bucket_grow(bb, 2));
    if (w == 4) {
        bb->e[bb->n++] = ord << 32 | (uint32_t)(int32_t)key;
    } else {
        bb->e[bb->n] = (uint64_t)key;
        bb->e[bb->n + 1] = ord;
        bb->n += 2;
    }
    return SM_OK;
}

static int dd_check_ordinals(int64_t nrows) {
    if (nrows <= (int64_t)UINT32_MAX) return SM_OK;
    return sm_err(SM_UNSUPPORTED, "dropDuplicates: more than 4 billion rows in one partition; "
                                  "raise the number of partitions");
}

/* Moves partial t from its table to the buckets: each group becomes the
 * entry of its first row (ordinal = the rows of the kept batches before
 * its batch, plus its row), in group order; the table is freed. */
static int dd_to_scatter(dd_run *r, dd_table *t) {
    int64_t *start = sm_malloc(((size_t)t->nbatches + 1) * sizeof *start);
    if (!start) return SM_NOMEM;
    int64_t at = 0;
    for (int bi = 0; bi < t->nbatches; bi++) {
        start[bi] = at;
        at += t->batches[bi]->nrows;
    }
    int rc = dd_check_ordinals(at);
    if (rc == SM_OK && !t->bk && !(t->bk = sm_calloc(DD_NBUCKETS, sizeof *t->bk))) rc = SM_NOMEM;
    const sm_vector *k = t->keys.keys[0];
    for (int64_t g = 0; g < t->keys.ngroups && rc == SM_OK; g++) {
        uint64_t loc = t->loc[g];
        uint64_t ord = (uint64_t)start[loc >> 32] + (loc & 0xffffffffu);
        if (sm_vector_is_null(k, g)) t->null_at = (int64_t)ord + 1; /* one null group */
        else
            rc = dd_bucket_add(t, r->int_w, r->int_w == 4 ? SM_VEC_I32(k)[g] : SM_VEC_I64(k)[g], ord);
    }
    sm_free(start);
    if (rc != SM_OK) return rc;
    sm_keytab_free(&t->keys);
    sm_free(t->loc);
    sm_free(t->won);
    t->loc = NULL;
    t->won = NULL;
    t->caploc = 0;
    t->nrows = at;
    t->scatter = true;
    return SM_OK;
}

/* A batch of a partial in scatter mode: kept whole, each row an entry of
 * its bucket (null keys: null_at).  Takes b on success (*kept). */
static int dd_scatter_batch(dd_run *r, dd_table *t, sm_batch *b, bool *kept) {
    const sm_vector *v = b->cols[r->key_cols[0]];
    int64_t n = b->nrows;
    if (sm_keytab_int_width(v->type) != r->int_w)
        return sm_err(SM_INTERNAL, "distinct: key column of %d-byte storage, expected %d",
                      sm_keytab_int_width(v->type), r->int_w);
    SM_TRY(dd_check_ordinals(t->nrows + n));
    SM_TRY(dd_room_for_batch(t));
    uint64_t ord = (uint64_t)t->nrows;
    for (int64_t i = 0; i < n; i++, ord++) {
        if (v->validity && !(v->validity[i >> 3] & (1u << (i & 7)))) {
            if (!t->null_at) t->null_at = (int64_t)ord + 1;
            continue;
        }
        SM_TRY(dd_bucket_add(t, r->int_w, r->int_w == 4 ? SM_VEC_I32(v)[i] : SM_VEC_I64(v)[i], ord));
    }
    t->keep[t->nbatches] = NULL; /* set by dd_alloc_keep */
    t->batches[t->nbatches++] = b;
    t->nrows += n;
    *kept = true;
    return SM_OK;
}

static int dd_consume(void *arg, int part, sm_batch *b) {
    dd_run *r = arg;
    dd_table *t = dd_partial(r, part);
    int rc = SM_OK;
    int64_t n = b->nrows;
    bool kept = false;
    uint64_t *hashes = NULL;
    uint32_t *gids = NULL;
    uint8_t *is_new = NULL;
    sm_vector **kv = NULL;
    if (n == 0) goto done;
    if (!t->used && (rc = dd_table_init(r, t)) == SM_OK && r->int_w &&
        exec_distinct_radix_groups <= 0)
        rc = dd_to_scatter(r, t); /* straight to the buckets (tests) */
    else if (rc == SM_OK && !t->scatter && r->subset) {
        /* room for as many groups as the largest partial seen so far, so a
         * partition's table does not rehash and regrow its way up (subset
         * mode: it does not spill, the memory is used anyway) */
        int64_t hint = atomic_load(&r->groups_hint);
        if (hint > 0) rc = sm_keytab_reserve(&t->keys, hint);
    }
    if (rc != SM_OK) goto done;
    if (t->scatter) {
        rc = dd_scatter_batch(r, t, b, &kept);
        goto done;
    }
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
    if (rc == SM_OK && r->subset) rc = dd_keep_rows(t, b, gids, is_new, n, &kept);
    if (rc == SM_OK && r->subset) {
        int64_t g = t->keys.ngroups, h = atomic_load(&r->groups_hint);
        while (g > h && !atomic_compare_exchange_weak(&r->groups_hint, &h, g)) {
        }
    }
    t->rows_seen += n;
    if (rc == SM_OK && r->int_w && t->keys.ngroups >= exec_distinct_radix_groups &&
        t->keys.ngroups * 16 >= t->rows_seen * 15)
        rc = dd_to_scatter(r, t); /* mostly distinct keys: one insert per row from now on */
done:
    sm_free(hashes);
    sm_free(gids);
    sm_free(is_new);
    sm_free(kv);
    if (!kept) sm_batch_free(b);
    if (rc == SM_OK && r->can_spill &&
        sm_mem_in_use() > r->ctx->memory_limit - r->ctx->memory_limit / 4 &&
        sm_mem_in_use() - r->mem_start > r->ctx->memory_limit / 16) {
        atomic_store(&r->overflow, true); /* exec_distinct starts over, spilling */
        rc = sm_err(SM_INTERNAL, "distinct: memory budget reached");
    }
    return rc;
}

#define DD_CHUNK 4096

/* Subset mode: marks the groups new to the merged table (sel[i] with
 * is_new[i]) as won.  Each group belongs to one piece, so merge tasks
 * write disjoint bytes.  The emit step turns won groups into kept rows,
 * walking the groups in order (sequential, unlike the merge's order). */
static void dd_mark_winners(dd_table *t, const int32_t *sel, const uint8_t *is_new, int64_t ns) {
    for (int64_t i = 0; i < ns; i++)
        if (is_new[i]) t->won[sel[i]] = 1;
}

/* Moves rows sel[0..k) (ascending, sel[i] >= i) of v to rows [0, k), in
 * place: every read index is at or after every write index still to come,
 * so nothing is overwritten before it is read.  (String offsets: step i
 * writes off[i + 1] and step i + 1 reads off[sel[i + 1]]; when
 * sel[i + 1] == i + 1 no row before it was dropped, so the value written is
 * the one that was there.) */
static void dd_compact_vector(sm_vector *v, const int32_t *sel, int64_t k) {
    if (v->dict) sm_vector_drop_dict(v);
    if (v->type != SM_NULLTYPE) {
        size_t w = sm_type_width(v->type);
        if (sm_type_phys(v->type) == SM_STRING) {
            int32_t *off = SM_VEC_OFF(v);
            int32_t pos = off[0];
            for (int64_t i = 0; i < k; i++) {
                int64_t r = sel[i];
                int32_t a = off[r], e = off[r + 1];
                if (pos != a) sm_move_bytes(v->bytes + pos, v->bytes + a, (size_t)(e - a));
                pos += e - a;
                off[i + 1] = pos;
            }
            v->bytes_len = pos;
        } else if (w == 4) {
            int32_t *d = v->data;
            for (int64_t i = 0; i < k; i++) d[i] = d[sel[i]];
        } else if (w == 8) {
            int64_t *d = v->data;
            for (int64_t i = 0; i < k; i++) d[i] = d[sel[i]];
        } else if (w == 1) {
            uint8_t *d = v->data;
            for (int64_t i = 0; i < k; i++) d[i] = d[sel[i]];
        } else if (w == 16) {
            __int128 *d = v->data;
            for (int64_t i = 0; i < k; i++) d[i] = d[sel[i]];
        }
        if (v->validity) {
            uint8_t *bits = v->validity;
            for (int64_t i = 0; i < k; i++) {
                int64_t r = sel[i];
                if (bits[r >> 3] & (1u << (r & 7))) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
                else bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
            }
        }
    }
    v->length = k;
}

/* Subset mode, output: batch bi of partial t keeps its winning rows.  A
 * batch that keeps every row is handed over as it is; one that keeps at
 * least half of them is compacted in place (each vector it alone holds;
 * a shared one is copied); otherwise its winners are copied out.  *out is
 * NULL when no row won; t->batches[bi] is NULL when the batch was handed
 * over. */
static int dd_output_batch(dd_table *t, int bi, int32_t *sel, sm_batch **out) {
    *out = NULL;
    sm_batch *b = t->batches[bi];
    const uint8_t *keep = t->keep[bi];
    int64_t n = b->nrows, k = 0;
    for (int64_t i = 0; i < n; i++) {
        sel[k] = (int32_t)i;
        k += keep[i];
    }
    if (k == 0) return SM_OK;
    if (k * 2 < n) {
        *out = sm_batch_take(b, sel, k);
        return *out ? SM_OK : SM_NOMEM;
    }
    t->batches[bi] = NULL;
    *out = b;
    if (k == n) return SM_OK;
    for (int c = 0; c < b->ncols; c++) {
        sm_vector *v = b->cols[c];
        if (v->refcount == 1 && !sm_type_is_nested(v->type)) {
            dd_compact_vector(v, sel, k);
            continue;
        }
        sm_vector *nv = sm_vector_take(v, sel, k);
        if (!nv) return SM_NOMEM; /* *out is freed by the caller */
        sm_vector_unref(v);
        b->cols[c] = nv;
    }
    b->nrows = k;
    return SM_OK;
}

/* Subset mode, after the merge: marks the winning rows of partial p in its
 * kept batches' `keep` bytes and counts them per batch (kept[bi]). */
static int dd_mark_task(void *arg, int p) {
    dd_run *r = arg;
    dd_table *t = dd_partial(r, p);
    if (!t->used || t->nbatches == 0) return SM_OK;
    SM_TRY(dd_alloc_keep(t));
    t->kept = sm_calloc((size_t)t->nbatches, sizeof *t->kept);
    if (!t->kept) return SM_NOMEM;
    for (int64_t g = 0; g < t->keys.ngroups; g++) {
        if (!t->won[g]) continue;
        uint64_t loc = t->loc[g];
        t->keep[loc >> 32][loc & 0xffffffffu] = 1;
        t->kept[loc >> 32]++;
    }
    return SM_OK;
}

/* Subset mode: cuts the sequence of every partial's kept batches (partition
 * order, then batch order) into npieces contiguous ranges, one per output
 * partition, so the result keeps the input order.  Each cut is placed at
 * the batch boundary where the rows kept before it come closest to
 * j / npieces of all kept rows, so the output partitions, and the tasks
 * above them (a writer's part files), get about as many rows each.  (Cutting
 * by the number of partials instead left most rows in one output partition
 * when later partials lose most of theirs as duplicates of earlier ones, a
 * second day of data repeating the first, and one thread working alone at
 * the end.)  Sets r->bstart (first global batch index of each partial) and
 * r->emit_bound (npieces + 1 global batch indexes). */
static int dd_emit_bounds(dd_run *r) {
    int np = r->tp.npartials, npieces = r->tp.npieces;
    r->emit_bound = sm_malloc(((size_t)npieces + 1) * sizeof *r->emit_bound);
    r->bstart = sm_malloc(((size_t)np + 1) * sizeof *r->bstart);
    if (!r->emit_bound || !r->bstart) return SM_NOMEM;
    int64_t nb = 0, total = 0;
    for (int p = 0; p < np; p++) {
        const dd_table *t = dd_partial(r, p);
        r->bstart[p] = nb;
        if (!t->used) continue;
        nb += t->nbatches;
        for (int bi = 0; bi < t->nbatches; bi++) total += t->kept[bi];
    }
    r->bstart[np] = nb;
    r->emit_bound[0] = 0;
    int j = 1;
    int64_t before = 0, gb = 0; /* rows kept in global batches [0, gb) */
    for (int p = 0; p < np && j < npieces; p++) {
        const dd_table *t = dd_partial(r, p);
        if (!t->used) continue;
        for (int bi = 0; bi < t->nbatches && j < npieces; bi++, gb++) {
            int64_t after = before + t->kept[bi];
            /* cut j at gb (before this batch) or after it, whichever is
             * nearer to total * j / npieces; several cuts may share a place */
            while (j < npieces && (__int128)after * npieces >= (__int128)total * j) {
                __int128 want = (__int128)total * j;
                __int128 below = want - (__int128)before * npieces;
                __int128 above = (__int128)after * npieces - want;
                r->emit_bound[j++] = below <= above ? gb : gb + 1;
            }
            before = after;
        }
    }
    while (j <= npieces) r->emit_bound[j++] = nb;
    return SM_OK;
}

/* Subset mode: output partition j receives the winners of the global
 * batches [emit_bound[j], emit_bound[j + 1]) (dd_emit_bounds), in order. */
static int dd_emit_task(void *arg, int j) {
    dd_run *r = arg;
    int np = r->tp.npartials;
    int64_t lo = r->emit_bound[j], hi = r->emit_bound[j + 1];
    int32_t *sel = sm_malloc(SM_BATCH_ROWS * sizeof *sel);
    int rc = sel ? SM_OK : SM_NOMEM;
    int p = 0;
    while (p < np && r->bstart[p + 1] <= lo) p++;
    for (int64_t gb = lo; gb < hi && rc == SM_OK; gb++) {
        while (r->bstart[p + 1] <= gb) p++;
        dd_table *t = dd_partial(r, p);
        int bi = (int)(gb - r->bstart[p]);
        if (t->batches[bi]->nrows > SM_BATCH_ROWS) {
            sm_free(sel);
            sel = sm_malloc((size_t)t->batches[bi]->nrows * sizeof *sel);
            if (!sel) {
                rc = SM_NOMEM;
                break;
            }
        }
        sm_batch *ob = NULL;
        rc = dd_output_batch(t, bi, sel, &ob);
        if (rc != SM_OK) sm_batch_free(ob);
        else if (ob) rc = sm_mset_add(r->tp.out, j, ob);
        if (rc == SM_OK && sm_pool_cancelled()) break;
    }
    sm_free(sel);
    return rc;
}

static int dd_merge_subset_all(dd_run *r);

/* ---- the radix path's finish step (see "the radix path" above) ---- */

/* Partial p: its table's groups into the buckets (unless it moved while
 * consuming), and its keep bytes. */
static int dd_radix_prep_task(void *arg, int p) {
    dd_run *r = arg;
    dd_table *t = dd_partial(r, p);
    if (!t->used) return SM_OK;
    if (!t->scatter) SM_TRY(dd_to_scatter(r, t));
    return dd_alloc_keep(t);
}

/* Merges buckets [task * DD_NBUCKETS / DD_MERGE_TASKS, next task's): for
 * each, the partials' lists in partition order go through one table of
 * the bucket's size (slots hold 1 + the index of a distinct key in keys);
 * an entry whose key is new to it is its key's first row and is kept.
 * Each list is freed once merged. */
static int dd_radix_merge_task(void *arg, int task) {
    dd_run *r = arg;
    int np = r->tp.npartials, w = r->int_w;
    int lo = (int)((int64_t)task * DD_NBUCKETS / DD_MERGE_TASKS);
    int hi = (int)((int64_t)(task + 1) * DD_NBUCKETS / DD_MERGE_TASKS);
    uint32_t *slots = NULL;
    int64_t *keys = NULL;
    int64_t cap = 0; /* slots: 2 * cap, keys: cap */
    int rc = SM_OK;
    for (int bk = lo; bk < hi && rc == SM_OK && !sm_pool_cancelled(); bk++) {
        int64_t n = 0;
        for (int p = 0; p < np; p++) {
            const dd_table *t = dd_partial(r, p);
            if (t->bk) n += t->bk[bk].n / (w == 4 ? 1 : 2);
        }
        if (n == 0) continue;
        if (n > cap) {
            int64_t c = 1024;
            while (c < n) c *= 2;
            sm_free(slots);
            sm_free(keys);
            slots = sm_malloc((size_t)c * 2 * sizeof *slots);
            keys = sm_malloc((size_t)c * sizeof *keys);
            if (!slots || !keys) {
                rc = SM_NOMEM;
                break;
            }
            cap = c;
        }
        uint64_t nslots = 64;
        while (nslots < (uint64_t)n * 2) nslots *= 2;
        uint64_t mask = nslots - 1;
        memset(slots, 0, (size_t)nslots * sizeof *slots);
        uint32_t nkeys = 0;
        for (int p = 0; p < np; p++) {
            dd_table *t = dd_partial(r, p);
            if (!t->bk || t->bk[bk].n == 0) continue;
            const uint64_t *e = t->bk[bk].e;
            int64_t ne = t->bk[bk].n;
            uint8_t *keep = t->keep_all;
            for (int64_t i = 0; i < ne; i += (w == 4 ? 1 : 2)) {
                int64_t key = w == 4 ? (int64_t)(int32_t)(uint32_t)e[i] : (int64_t)e[i];
                uint64_t ord = w == 4 ? e[i] >> 32 : e[i + 1];
                uint64_t idx = dd_int_hash(key) & mask;
                for (;;) {
                    uint32_t s = slots[idx];
                    if (s == 0) { /* first row of this key */
                        keys[nkeys++] = key;
                        slots[idx] = nkeys;
                        keep[ord] = 1;
                        break;
                    }
                    if (keys[s - 1] == key) break;
                    idx = (idx + 1) & mask;
                }
            }
            sm_free(t->bk[bk].e);
            t->bk[bk].e = NULL;
            t->bk[bk].n = t->bk[bk].cap = 0;
        }
    }
    sm_free(slots);
    sm_free(keys);
    return rc;
}

/* Partial p: kept[bi] = the rows of its kept batch bi marked to keep. */
static int dd_count_task(void *arg, int p) {
    dd_run *r = arg;
    dd_table *t = dd_partial(r, p);
    if (!t->used || t->nbatches == 0) return SM_OK;
    t->kept = sm_calloc((size_t)t->nbatches, sizeof *t->kept);
    if (!t->kept) return SM_NOMEM;
    for (int bi = 0; bi < t->nbatches; bi++) {
        const uint8_t *keep = t->keep[bi];
        int64_t n = t->batches[bi]->nrows, k = 0;
        for (int64_t i = 0; i < n; i++) k += keep[i];
        t->kept[bi] = k;
    }
    return SM_OK;
}

/* The radix path's finish: buckets, merge, the null key, counts. */
static int dd_radix_finish(dd_run *r) {
    SM_TRY(sm_pool_run(r->ctx->pool, r->tp.npartials, dd_radix_prep_task, r));
    SM_TRY(sm_pool_run(r->ctx->pool, DD_MERGE_TASKS, dd_radix_merge_task, r));
    for (int p = 0; p < r->tp.npartials; p++) {
        dd_table *t = dd_partial(r, p);
        if (t->used && t->null_at) { /* the first partition with a null key keeps its first */
            t->keep_all[t->null_at - 1] = 1;
            break;
        }
    }
    return sm_pool_run(r->ctx->pool, r->tp.npartials, dd_count_task, r);
}


static int dd_finish(void *arg) {
    dd_run *r = arg;
    if (!r->subset) return SM_OK;
    if (r->int_w) {
        SM_TRY(dd_radix_finish(r));
    } else {
        SM_TRY(dd_merge_subset_all(r));
        SM_TRY(sm_pool_run(r->ctx->pool, r->tp.npartials, dd_mark_task, r));
    }
    SM_TRY(dd_emit_bounds(r));
    return sm_pool_run(r->ctx->pool, r->tp.npieces, dd_emit_task, r);
}

/* Subset mode: the merge, radix-partitioned.  Every group of every partial
 * is listed once as (partial << 32 | group) in its bucket: its piece, then
 * nsub sub-pieces of more hash bits (~16k groups each), each bucket's list
 * in partition then group order.  Listing is two passes over the partials,
 * in parallel (dd_radix_count_task, then dd_radix_scatter_task at offsets
 * prefix-summed over (bucket, partial)); then each piece merges its
 * sub-pieces, each into a table of its own small enough to stay in cache
 * (dd_merge_piece), instead of one table of millions of groups whose every
 * insert is a random memory access.  Winners are the same: in each
 * sub-piece the earliest (partition, first row) of a key wins.  (Before,
 * each piece scanned every partial's groups twice to find its own.) */
#define DD_BUCKET(r, h) \
    (sm_keytab_piece((h), (r)->tp.npieces) * (r)->nsub + (int)(((h) >> 20) & (uint64_t)((r)->nsub - 1)))

static int dd_radix_count_task(void *arg, int p) {
    dd_run *r = arg;
    const dd_table *t = dd_partial(r, p);
    int64_t *cnt = r->rcount + (size_t)p * (size_t)r->nbuckets;
    for (int64_t g = 0; g < t->keys.ngroups; g++) cnt[DD_BUCKET(r, t->keys.hashes[g])]++;
    return SM_OK;
}

/* r->rcount[p][b] holds the start of (bucket b, partial p) in r->ent */
static int dd_radix_scatter_task(void *arg, int p) {
    dd_run *r = arg;
    const dd_table *t = dd_partial(r, p);
    int64_t *pos = r->rcount + (size_t)p * (size_t)r->nbuckets;
    for (int64_t g = 0; g < t->keys.ngroups; g++)
        r->ent[pos[DD_BUCKET(r, t->keys.hashes[g])]++] = (uint64_t)p << 32 | (uint64_t)g;
    return SM_OK;
}

static int dd_merge_piece(void *arg, int piece) {
    dd_run *r = arg;
    int rc = SM_OK;
    int32_t *sel = sm_malloc(DD_CHUNK * sizeof *sel);
    uint32_t *gids = sm_malloc(DD_CHUNK * sizeof *gids);
    uint8_t *is_new = sm_malloc(DD_CHUNK);
    if (!sel || !gids || !is_new) rc = SM_NOMEM;
    for (int sub = 0; sub < r->nsub && rc == SM_OK && !sm_pool_cancelled(); sub++) {
        int bk = piece * r->nsub + sub;
        int64_t lo = r->bstart_ent[bk], hi = r->bstart_ent[bk + 1];
        if (lo == hi) continue;
        sm_keytab m;
        if ((rc = sm_keytab_init(&m, r->nkeys, r->key_types)) != SM_OK) break;
        rc = sm_keytab_reserve(&m, hi - lo);
        const uint64_t *ent = r->ent;
        for (int64_t i = lo; i < hi && rc == SM_OK;) {
            int p = (int)(ent[i] >> 32);
            int64_t ns = 0;
            while (i < hi && (int)(ent[i] >> 32) == p && ns < DD_CHUNK)
                sel[ns++] = (int32_t)(ent[i++] & 0xffffffffu);
            dd_table *t = dd_partial(r, p);
            rc = sm_keytab_insert(&m, t->keys.keys, t->keys.hashes, sel, ns, gids, is_new);
            if (rc == SM_OK) dd_mark_winners(t, sel, is_new, ns);
        }
        sm_keytab_free(&m);
    }
    sm_free(sel);
    sm_free(gids);
    sm_free(is_new);
    return rc;
}

static int dd_merge_subset_all(dd_run *r) {
    int np = r->tp.npartials, npieces = r->tp.npieces;
    int64_t all = 0;
    for (int p = 0; p < np; p++) all += dd_partial(r, p)->keys.ngroups;
    int64_t est = all / npieces + 1;
    r->nsub = 1;
    while (r->nsub < 1024 && est / r->nsub > 16384) r->nsub *= 2;
    r->nbuckets = npieces * r->nsub;
    r->rcount = sm_calloc((size_t)np * (size_t)r->nbuckets + 1, sizeof *r->rcount);
    r->bstart_ent = sm_calloc((size_t)r->nbuckets + 1, sizeof *r->bstart_ent);
    r->ent = sm_malloc((size_t)(all > 0 ? all : 1) * sizeof *r->ent);
    if (!r->rcount || !r->bstart_ent || !r->ent) return SM_NOMEM;
    SM_TRY(sm_pool_run(r->ctx->pool, np, dd_radix_count_task, r));
    int64_t at = 0; /* bucket-major, then partial: each bucket's list in partition order */
    for (int bk = 0; bk < r->nbuckets; bk++) {
        r->bstart_ent[bk] = at;
        for (int p = 0; p < np; p++) {
            int64_t *c = &r->rcount[(size_t)p * (size_t)r->nbuckets + (size_t)bk];
            int64_t k = *c;
            *c = at;
            at += k;
        }
    }
    r->bstart_ent[r->nbuckets] = at;
    SM_TRY(sm_pool_run(r->ctx->pool, np, dd_radix_scatter_task, r));
    sm_free(r->rcount);
    r->rcount = NULL;
    int rc = sm_pool_run(r->ctx->pool, npieces, dd_merge_piece, r);
    sm_free(r->ent);
    r->ent = NULL;
    return rc;
}

static int dd_merge_task(void *arg, int piece) {
    dd_run *r = arg;
    if (r->subset) return SM_OK; /* merged in dd_finish (dd_merge_subset_all) */
    dd_table m;
    int rc = dd_table_init(r, &m);
    if (rc != SM_OK) return rc;
    int32_t *sel = sm_malloc(DD_CHUNK * sizeof *sel);
    uint32_t *gids = sm_malloc(DD_CHUNK * sizeof *gids);
    uint8_t *is_new = sm_malloc(DD_CHUNK);
    if (!sel || !gids || !is_new) rc = SM_NOMEM;
    /* room for this piece's share of every partial's groups up front, so
     * the merged table does not rehash while it grows */
    int64_t all = 0;
    for (int p = 0; p < r->tp.npartials; p++) all += dd_partial(r, p)->keys.ngroups;
    if (rc == SM_OK && all > 0)
        rc = sm_keytab_reserve(&m.keys, all / r->tp.npieces + all / r->tp.npieces / 16 + 64);
    for (int p = 0; p < r->tp.npartials && rc == SM_OK; p++) {
        dd_table *t = dd_partial(r, p);
        if (!t->used || sm_pool_cancelled()) continue;
        for (int64_t start = 0; start < t->keys.ngroups && rc == SM_OK; start += DD_CHUNK) {
            int64_t end = start + DD_CHUNK < t->keys.ngroups ? start + DD_CHUNK : t->keys.ngroups;
            int64_t ns = exec_select_piece(&t->keys, start, end, piece, r->tp.npieces, sel);
            if (ns == 0) continue;
            rc = sm_keytab_insert(&m.keys, t->keys.keys, t->keys.hashes, sel, ns, gids, is_new);
            if (rc == SM_OK && r->subset) dd_mark_winners(t, sel, is_new, ns);
        }
    }
    if (rc == SM_OK) {
        if (!r->subset) /* the subset mode emits in dd_finish */
            rc = exec_emit_batches(r->tp.out, piece, m.keys.keys, r->ncols, 0, m.keys.ngroups,
                                   NULL, NULL);
    }
    sm_free(sel);
    sm_free(gids);
    sm_free(is_new);
    dd_table_free(r, &m);
    return rc;
}

static void dd_free_partial(void *arg, void *table) { dd_table_free(arg, table); }

/* ---- spilling ------------------------------------------------------------------------ */

#define DD_SPILL_LEVELS 4

static int dd_spill_route(dd_run *r, sm_spill_set *ss, const sm_batch *b) {
    uint64_t *hashes = sm_malloc((size_t)(b->nrows ? b->nrows : 1) * sizeof *hashes);
    if (!hashes) return SM_NOMEM;
    sm_keytab_hash(b->cols, b->ncols, b->nrows, hashes);
    int rc = sm_spill_set_route(ss, b, hashes);
    sm_free(hashes);
    return rc;
}

static int dd_spill_consume(void *arg, int part, sm_batch *b) {
    dd_run *r = arg;
    int rc = dd_spill_route(r, r->spill_dst, b);
    sm_batch_free(b);
    return rc;
}

/* Emits every row of t into the output partitions of their pieces. */
static int dd_emit_spilled(dd_run *r, dd_table *t) {
    int32_t *sel = sm_malloc(SM_BATCH_ROWS * sizeof *sel);
    if (!sel) return SM_NOMEM;
    int rc = SM_OK;
    int64_t ng = t->keys.ngroups;
    for (int piece = 0; piece < r->tp.npieces && rc == SM_OK; piece++) {
        for (int64_t st = 0; st < ng && rc == SM_OK; st += SM_BATCH_ROWS) {
            int64_t end = st + SM_BATCH_ROWS < ng ? st + SM_BATCH_ROWS : ng;
            int64_t ns = exec_select_piece(&t->keys, st, end, piece, r->tp.npieces, sel);
            if (ns == 0) continue;
            sm_batch *b = sm_batch_new(r->ncols, ns);
            if (!b) {
                rc = SM_NOMEM;
                break;
            }
            for (int c = 0; c < r->ncols && rc == SM_OK; c++)
                if (!(b->cols[c] = sm_vector_take(t->keys.keys[c], sel, ns))) rc = SM_NOMEM;
            if (rc != SM_OK) {
                sm_batch_free(b);
                break;
            }
            rc = sm_mset_add(r->tp.out, piece, b);
        }
    }
    sm_free(sel);
    return rc;
}

static int64_t dd_table_bytes(const dd_run *r, const dd_table *t) {
    int64_t n = (int64_t)t->keys.nslots * 8 + t->keys.cap_groups * 8;
    for (int k = 0; k < r->nkeys; k++) {
        const sm_vector *v = t->keys.keys[k];
        n += v->capacity * (int64_t)(sm_type_width(v->type) + 1) + v->bytes_cap;
    }
    return n;
}

static int dd_spill_process(dd_run *r, FILE *f, int level);
static int dd_resplit_route(void *r, sm_spill_set *ss, const sm_batch *b) { return dd_spill_route(r, ss, b); }
static int dd_resplit_process(void *r, FILE *f, int level) { return dd_spill_process(r, f, level); }

static int dd_spill_process(dd_run *r, FILE *f, int level) {
    if (fseek(f, 0, SEEK_SET) != 0) return sm_err(SM_IO, "rewinding a spill file");
    dd_table t;
    int rc = dd_table_init(r, &t);
    if (rc != SM_OK) return rc;
    bool over = false;
    uint64_t *hashes = NULL;
    uint32_t *gids = NULL;
    for (;;) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        sm_free(hashes);
        sm_free(gids);
        hashes = sm_malloc((size_t)(b->nrows ? b->nrows : 1) * sizeof *hashes);
        gids = sm_malloc((size_t)(b->nrows ? b->nrows : 1) * sizeof *gids);
        if (!hashes || !gids) rc = SM_NOMEM;
        if (rc == SM_OK) {
            sm_keytab_hash(b->cols, b->ncols, b->nrows, hashes);
            rc = sm_keytab_insert(&t.keys, b->cols, hashes, NULL, b->nrows, gids, NULL);
        }
        sm_batch_free(b);
        if (rc != SM_OK || sm_pool_cancelled()) break;
        if (level + 1 < DD_SPILL_LEVELS && dd_table_bytes(r, &t) > r->work_budget) {
            over = true;
            break;
        }
    }
    sm_free(hashes);
    sm_free(gids);
    if (rc == SM_OK && !over && !sm_pool_cancelled()) {
        pthread_mutex_lock(&r->out_lock);
        rc = dd_emit_spilled(r, &t);
        pthread_mutex_unlock(&r->out_lock);
    }
    dd_table_free(r, &t);
    if (rc != SM_OK || !over) return rc;
    /* too big: split this file again with the next level's hash */
    return sm_spill_resplit(f, level, dd_resplit_route, dd_resplit_process, r, &r->spill_bytes,
                            &r->spill_parts);
}

static int dd_spill_task(void *arg, int i) {
    dd_run *r = arg;
    int rc = dd_spill_process(r, sm_spill_set_file(r->spill_dst, i), 0);
    sm_spill_set_close_file(r->spill_dst, i);
    return rc;
}

static int dd_spill_run(dd_run *r, sm_mset **out) {
    int64_t limit = r->ctx->memory_limit;
    int64_t free_now = limit - sm_mem_in_use();
    int threads = sm_pool_threads(r->ctx->pool);
    r->work_budget = (free_now > limit / 4 ? free_now : limit / 4) / 2 / (threads > 0 ? threads : 1);
    pthread_mutex_init(&r->out_lock, NULL);
    r->tp.out = sm_mset_new(r->tp.npieces);
    sm_mset_spill_under(r->tp.out, limit); /* the output may spill too (exec/msetspill.c) */
    r->spill_dst = sm_spill_set_new(0);
    int rc = r->tp.out && r->spill_dst ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
    if (rc == SM_OK) rc = exec_foreach_batch(r->ctx, r->plan->child, dd_spill_consume, r);
    if (r->spill_dst) {
        atomic_fetch_add(&r->spill_bytes, sm_spill_set_bytes(r->spill_dst));
        atomic_fetch_add(&r->spill_parts, SM_SPILL_FANOUT);
    }
    if (rc == SM_OK) rc = sm_pool_run(r->ctx->pool, SM_SPILL_FANOUT, dd_spill_task, r);
    sm_spill_set_free(r->spill_dst);
    r->spill_dst = NULL;
    pthread_mutex_destroy(&r->out_lock);
    sm_exec_metrics_spilled(r->ctx, r->plan, atomic_load(&r->spill_bytes), atomic_load(&r->spill_parts));
    if (rc != SM_OK) {
        sm_mset_free(r->tp.out);
        r->tp.out = NULL;
        return rc;
    }
    *out = r->tp.out;
    r->tp.out = NULL;
    return SM_OK;
}

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
        .finish = dd_finish,
        .arg = &r,
    };
    int rc = SM_OK;
    r.key_cols = sm_calloc((size_t)r.nkeys + 1, sizeof *r.key_cols);
    r.key_types = sm_calloc((size_t)r.nkeys + 1, sizeof *r.key_types);
    if (!r.key_cols || !r.key_types) rc = SM_NOMEM;
    for (int k = 0; rc == SM_OK && k < r.nkeys; k++) {
        int c = r.subset ? p->key_cols[k] : k;
        if (c < 0 || c >= r.ncols) {
            rc = sm_err(SM_INTERNAL, "distinct: key column %d out of range (%d columns)", c, r.ncols);
            break;
        }
        r.key_cols[k] = c;
        r.key_types[k] = cs->fields[c].type;
    }
    if (rc == SM_OK && r.subset && r.nkeys == 1) r.int_w = sm_keytab_int_width(r.key_types[0]);
    r.plan = p;
    r.can_spill = rc == SM_OK && ctx->memory_limit > 0 && r.ncols > 0;
    r.mem_start = sm_mem_in_use(); /* memory others hold does not make a small table spill */
    if (rc == SM_OK) rc = exec_two_phase_run(ctx, p->child, &r.tp, out);
    if (rc != SM_OK && atomic_load(&r.overflow)) {
        sm_err_clear();
        rc = r.subset ? exec_distinct_subset_spill(ctx, p, r.key_cols, r.nkeys, r.key_types,
                                                   r.tp.npieces, out)
                      : dd_spill_run(&r, out);
    }
    sm_free(r.key_cols);
    sm_free(r.key_types);
    sm_free(r.emit_bound);
    sm_free(r.bstart);
    sm_free(r.rcount);
    sm_free(r.bstart_ent);
    sm_free(r.ent);
    return rc;
}
