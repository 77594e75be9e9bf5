/*
 * hashjoin.c — the JOIN breaker (exec.h): hash joins on equi-keys, nested
 * loops for everything else, every join type of plan.h.
 *
 * Algorithm:
 *   1. Build.  The right side (children[1]) is always the build side, so the
 *      output order is "left rows in order, their matches in build order"
 *      for every type (semi / anti need the right side built anyway).  It is
 *      materialized with exec_collect (its subtree runs in parallel), then
 *      concatenated into one batch `build` of nbuild rows plus one trailing
 *      all-null row (index nbuild), so gathering output columns is one
 *      sm_vector_take whether or not a left row found a match.  The right
 *      keys are evaluated over the concatenated rows and hashed.
 *   2. Hash table, partitioned for a parallel build: the hash space is cut
 *      into npieces (sm_keytab_piece); one task per piece inserts the rows of
 *      its piece, in build order, into its own sm_keytab (hashtable.h; the
 *      distinct keys are copied into the table) and chains the rows of each
 *      key: head[gid] → next[row] → ... → -1, in build order.  Rows with a
 *      null key are never inserted: null never equals anything in a join
 *      (null-safe <=> keys are rewritten by the analysis into non-null keys,
 *      coalesce(k, default) and isnull(k), as Spark's ExtractEquiJoinKeys
 *      does).  Key equality is the table's: NaN = NaN and -0.0 = 0.0, as
 *      Spark normalizes join keys.
 *   3. Probe: one task per left partition (exec_foreach_batch).  For each
 *      left batch the left keys are evaluated and hashed; each left row
 *      walks its chain (or, with no keys, every build row: nested loops)
 *      and produces candidate pairs, in chunks of HJ_CHUNK entries.  The
 *      residual condition (plan->cond, bound to left ++ right) is evaluated
 *      on a batch of the candidate pairs; then the chunk's entries are walked
 *      in order: a passing pair is output (inner/cross/left/right/full) and
 *      marks its left row and (right/full) its build row as matched; the
 *      end-of-row marker of a left row outputs it null-extended (left/full)
 *      if it matched nothing, or alone (semi if matched, anti if not).
 *      Output batches of a task go to partition `part` of the result.
 *   4. Right / full joins: after the probe, build rows no pair matched are
 *      output in build order, null-extended on the left, as one more
 *      partition.
 *
 * LEFT ANTI with null_aware (NOT IN): an empty build side keeps every left
 * row; a build side with a null key keeps none; otherwise a left row with a
 * null key is dropped and the others are anti-joined as usual.
 *
 * Invariants: left_keys[i] and right_keys[i] have the same type (checked);
 * next[] and the per-piece tables are written only by the piece that owns
 * the row's hash, then only read; matched[] bytes are set with relaxed
 * atomic stores by the probe tasks and read after they all finished.
 *
 * Under a memory budget with equi-keys, the right side is collected into a
 * spilling mset first; one that does not fit makes the join a grace hash
 * join (exec/joinspill.c), which calls exec_join_part (below) per partition.
 *
 * Column pruning (plan/prune.c marks the join's unread outputs): the
 * right side is collected with the columns that neither its keys, the
 * residual condition nor a used output reads replaced by SM_NULLTYPE
 * placeholders (exec_join_collect_right), the condition sees only its own
 * columns, and unread outputs are emitted as placeholders.
 *
 * Streaming (joinstream.h): inner, left, semi, anti and cross joins are
 * not materialized; exec_join_state_new builds the right side once per
 * action and each exec_join_state_open stream probes one left partition,
 * batch by batch, with hj_consume on its own copy of the run (out = a
 * one-part queue of the batch's output).
 *
 * Memory: the collected right side is freed once concatenated; build, key
 * vectors, hashes, tables and chains are freed before exec_join returns;
 * the output mset belongs to the caller.  Input left batches are freed by
 * the probe after use.
 */
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "exec/joinspill.h"
#include "exec/joinstream.h"
#include "exec/spill.h"

#define HJ_CHUNK 8192
#define HJ_END (-2) /* entry marker: the left row's candidates are done */

typedef struct {
    sm_keytab tab;
    int32_t *head, *tail; /* per group: first and last build row of its chain */
    int64_t cap;
} hj_piece;

typedef struct {
    sm_exec_ctx *ctx;
    const sm_plan *p;
    sm_join_type type;
    const sm_schema *ls, *rs;
    int nkeys;
    sm_batch *build;       /* nbuild rows + one all-null row */
    int64_t nbuild;
    sm_vector **bkeys;     /* right keys over build */
    uint64_t *bhash;
    uint8_t *bvalid;       /* row has no null key */
    bool build_null_key;   /* some build row has a null key */
    int32_t *next;         /* chains */
    hj_piece *pieces;
    int npieces;
    uint8_t *matched;      /* RIGHT / FULL */
    sm_mset *out;
    bool *cneed;           /* left ++ right columns the condition reads (NULL: no condition) */
} hj_run;

static bool hj_semi_like(sm_join_type t) { return t == SM_JOIN_LEFT_SEMI || t == SM_JOIN_LEFT_ANTI; }
static bool hj_keeps_build(sm_join_type t) { return t == SM_JOIN_RIGHT || t == SM_JOIN_FULL; }

/* ---- build ------------------------------------------------------------------- */

/* Appends all rows of src to v (same type, v's capacity already enough):
 * whole-array copies for fixed-width and string columns; false when the
 * column needs the row-by-row path (nested, intervals, another decimal
 * scale, a null-typed side). */
static bool hj_append_bulk(sm_vector *v, const sm_vector *src, int *rc) {
    *rc = SM_OK;
    if (src->type != v->type || sm_type_is_nested(v->type) || src->type == SM_NULLTYPE) return false;
    sm_type ph = sm_type_phys(v->type);
    size_t w = sm_type_width(v->type);
    if (ph == SM_DECIMAL) {
        if (v->precision == 0 && v->length == 0) {
            v->precision = src->precision;
            v->scale = src->scale;
        }
        if (v->precision != src->precision || v->scale != src->scale) return false;
    }
    int64_t n = src->length, base = v->length;
    if (base + n > v->capacity) return false;
    if (ph == SM_STRING) {
        const int32_t *so = SM_VEC_OFF(src);
        int64_t total = so[n] - so[0];
        if ((*rc = sm_vector_reserve_bytes(v, total)) != SM_OK) return true;
        if (total) memcpy(v->bytes + v->bytes_len, src->bytes + so[0], (size_t)total);
        int32_t *off = SM_VEC_OFF(v);
        int32_t shift = (int32_t)v->bytes_len - so[0];
        for (int64_t i = 1; i <= n; i++) off[base + i] = so[i] + shift;
        v->bytes_len += total;
    } else if (ph == SM_BOOLEAN || ph == SM_INT || ph == SM_BIGINT || ph == SM_DOUBLE ||
               ph == SM_DECIMAL) {
        if (w == 0) return false;
        if (n) memcpy((char *)v->data + (size_t)base * w, src->data, (size_t)n * w);
    } else {
        return false;
    }
    if (src->validity)
        for (int64_t r = 0; r < n; r++) {
            if (src->validity[r >> 3] == 0xff && (r & 7) == 0 && r + 8 <= n) {
                r += 7;
                continue;
            }
            if (!(src->validity[r >> 3] & (1u << (r & 7))) &&
                (*rc = sm_vector_set_null(v, base + r)) != SM_OK)
                return true;
        }
    v->length = base + n;
    return true;
}

/* Concatenates every batch of m (in partition order) into one batch with
 * an extra all-null row at the end. */
/* Marks the columns e reads at indexes [off, off + ncols) as need[i - off]. */
static void hj_mark_cols(const sm_expr *e, bool *need, int off, int ncols) {
    if (!e) return;
    if (e->kind == SM_EX_COLUMN && e->col_index >= off && e->col_index < off + ncols)
        need[e->col_index - off] = true;
    for (int i = 0; i < e->nargs; i++) hj_mark_cols(e->args[i], need, off, ncols);
    hj_mark_cols(e->filter, need, off, ncols);
}

/* The build columns join p reads, or NULL for all: its right keys, the
 * columns its residual condition reads and the right-side outputs the plan
 * above reads (none for a semi or anti join, whose output is the left
 * side's; the others per the pruning marks, plan/prune.c).  The others are
 * not kept (TPC-H Q4: only l_orderkey of lineitem's sixteen columns; Q21:
 * l_orderkey and l_suppkey; Q9: of partsupp only the two keys and
 * ps_supplycost).  sm_free the result. */
static bool *hj_needs_of(const sm_plan *p) {
    const char *off = getenv("SMELT_NO_PRUNE");
    if (off && *off && strcmp(off, "0") != 0) return NULL;
    int nl = p->children[0]->schema->ncols, n = p->children[1]->schema->ncols;
    bool *need = sm_calloc((size_t)(n ? n : 1), sizeof *need);
    if (!need) return NULL;
    for (int k = 0; k < p->njoin_keys; k++) hj_mark_cols(p->right_keys[k], need, 0, n);
    hj_mark_cols(p->cond, need, nl, n);
    if (!hj_semi_like(p->join_type))
        for (int c = 0; c < n; c++)
            if (!sm_plan_col_unused(p, nl + c)) need[c] = true;
    return need;
}

static bool *hj_build_needs(const hj_run *r) { return hj_needs_of(r->p); }

/* ---- collecting the build side, its unread columns dropped ------------------- */

typedef struct {
    sm_mset *m;
    const bool *need;
} hj_collect_job;

/* Replaces the columns of b that need[] does not mark with SM_NULLTYPE
 * placeholders (no storage); false on NOMEM. */
static bool hj_drop_cols(sm_batch *b, const bool *need) {
    for (int c = 0; need && c < b->ncols; c++) {
        if (need[c] || !b->cols[c] || b->cols[c]->type == SM_NULLTYPE) continue;
        sm_vector *v = sm_vector_new_nulls(SM_NULLTYPE, b->nrows);
        if (!v) return false;
        sm_vector_unref(b->cols[c]);
        b->cols[c] = v;
    }
    return true;
}

bool *exec_join_left_needs(const sm_plan *p) {
    const char *off = getenv("SMELT_NO_PRUNE");
    if (off && *off && strcmp(off, "0") != 0) return NULL;
    int n = p->children[0]->schema->ncols;
    bool *need = sm_calloc((size_t)(n ? n : 1), sizeof *need);
    if (!need) return NULL;
    for (int k = 0; k < p->njoin_keys; k++) hj_mark_cols(p->left_keys[k], need, 0, n);
    hj_mark_cols(p->cond, need, 0, n);
    for (int c = 0; c < n; c++)
        if (!sm_plan_col_unused(p, c)) need[c] = true;
    return need;
}

bool exec_join_drop_cols(sm_batch *b, const bool *need) { return hj_drop_cols(b, need); }

bool *exec_join_right_needs(const sm_plan *p) { return hj_needs_of(p); }

static int hj_collect_consume(void *arg, int part, sm_batch *b) {
    hj_collect_job *job = arg;
    if (!hj_drop_cols(b, job->need)) {
        sm_batch_free(b);
        return SM_NOMEM;
    }
    return sm_mset_add(job->m, part, b);
}

int exec_join_collect_right(sm_exec_ctx *ctx, const sm_plan *p, bool spilling, sm_mset **out) {
    const sm_plan *right = p->children[1];
    int n = exec_num_partitions(ctx, right);
    if (n < 0) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
    hj_collect_job job = {sm_mset_new(n), hj_needs_of(p)};
    if (!job.m) {
        sm_free((void *)job.need);
        return SM_NOMEM;
    }
    if (spilling) sm_mset_spill_under(job.m, ctx->memory_limit);
    int rc = exec_foreach_batch(ctx, right, hj_collect_consume, &job);
    sm_free((void *)job.need);
    if (rc != SM_OK) {
        sm_mset_free(job.m);
        return rc;
    }
    *out = job.m;
    return SM_OK;
}

static int hj_concat(const hj_run *run, const sm_mset *m, const sm_schema *s, int64_t nrows,
                     sm_batch **out) {
    sm_batch *b = sm_batch_new(s->ncols, nrows + 1);
    if (!b) return SM_NOMEM;
    bool *need = hj_build_needs(run);
    for (int c = 0; c < s->ncols; c++) {
        if (need && !need[c]) { /* never read: an all-null placeholder without storage */
            if (!(b->cols[c] = sm_vector_new_nulls(SM_NULLTYPE, nrows + 1))) {
                sm_free(need);
                sm_batch_free(b);
                return SM_NOMEM;
            }
            continue;
        }
        sm_vector *v = sm_vector_new(s->fields[c].type, nrows + 1);
        if (!v) {
            sm_free(need);
            sm_batch_free(b);
            return SM_NOMEM;
        }
        b->cols[c] = v;
        int rc = SM_OK;
        for (int pi = 0; pi < m->nparts && rc == SM_OK; pi++)
            for (int bi = 0; bi < m->parts[pi].nbatches && rc == SM_OK; bi++) {
                const sm_batch *in = m->parts[pi].batches[bi];
                const sm_vector *src = in->cols[c];
                if (src->length == in->nrows && !src->dict && hj_append_bulk(v, src, &rc)) continue;
                for (int64_t r = 0; r < in->nrows && rc == SM_OK; r++)
                    rc = src->type == SM_NULLTYPE || v->type == SM_NULLTYPE
                             ? sm_vector_append_null(v)
                             : sm_vector_append_from(v, src, r);
            }
        if (rc == SM_OK) rc = sm_vector_append_null(v);
        if (rc != SM_OK) {
            sm_free(need);
            sm_batch_free(b);
            return rc;
        }
    }
    sm_free(need);
    *out = b;
    return SM_OK;
}

static int hj_piece_grow(hj_piece *pc, int64_t need) {
    if (need <= pc->cap) return SM_OK;
    int64_t cap = pc->cap ? pc->cap : 64;
    while (cap < need) cap *= 2;
    int32_t *h = sm_realloc(pc->head, (size_t)cap * sizeof *h);
    if (!h) return SM_NOMEM;
    pc->head = h;
    int32_t *t = sm_realloc(pc->tail, (size_t)cap * sizeof *t);
    if (!t) return SM_NOMEM;
    pc->tail = t;
    pc->cap = cap;
    return SM_OK;
}

/* One piece of the hash space: inserts its rows in build order, chains them. */
static int hj_build_piece(void *arg, int piece) {
    hj_run *r = arg;
    hj_piece *pc = &r->pieces[piece];
    sm_type *types = sm_calloc((size_t)r->nkeys, sizeof *types);
    if (!types) return SM_NOMEM;
    for (int k = 0; k < r->nkeys; k++) types[k] = r->bkeys[k]->type;
    int rc = sm_keytab_init(&pc->tab, r->nkeys, types);
    sm_free(types);
    if (rc != SM_OK) return rc;
    int32_t *sel = sm_malloc(HJ_CHUNK * sizeof *sel);
    uint32_t *gids = sm_malloc(HJ_CHUNK * sizeof *gids);
    if (!sel || !gids) rc = SM_NOMEM;
    for (int64_t start = 0; rc == SM_OK && start < r->nbuild; start += HJ_CHUNK) {
        int64_t end = start + HJ_CHUNK < r->nbuild ? start + HJ_CHUNK : r->nbuild;
        int64_t ns = 0;
        for (int64_t row = start; row < end; row++)
            if (r->bvalid[row] && sm_keytab_piece(r->bhash[row], r->npieces) == piece)
                sel[ns++] = (int32_t)row;
        if (ns == 0) continue;
        int64_t before = pc->tab.ngroups;
        rc = sm_keytab_insert(&pc->tab, r->bkeys, r->bhash, sel, ns, gids, NULL);
        if (rc == SM_OK) rc = hj_piece_grow(pc, pc->tab.ngroups);
        for (int64_t i = 0; rc == SM_OK && i < ns; i++) {
            uint32_t g = gids[i];
            int32_t row = sel[i];
            if ((int64_t)g >= before) {
                pc->head[g] = row;
                before = (int64_t)g + 1;
            } else {
                r->next[pc->tail[g]] = row;
            }
            pc->tail[g] = row;
        }
    }
    sm_free(sel);
    sm_free(gids);
    return rc;
}

/* m: the right side already collected (taken), or NULL to collect it. */
static int hj_build(hj_run *r, sm_mset *m) {
    const sm_plan *p = r->p;
    if (!m) SM_TRY(exec_join_collect_right(r->ctx, p, false, &m));
    int64_t n = sm_mset_rows(m);
    if (n >= INT32_MAX - 1) {
        sm_mset_free(m);
        return sm_err(SM_UNSUPPORTED,
                      "join: the right side has %lld rows, more than one join can build (2^31); "
                      "put the smaller input on the right",
                      (long long)n);
    }
    int rc = hj_concat(r, m, r->rs, n, &r->build);
    sm_mset_free(m);
    if (rc != SM_OK) return rc;
    r->nbuild = n;
    if (hj_keeps_build(r->type) && !(r->matched = sm_calloc((size_t)n + 1, 1))) return SM_NOMEM;
    if (r->nkeys == 0) return SM_OK;

    r->bkeys = sm_calloc((size_t)r->nkeys, sizeof *r->bkeys);
    r->bhash = sm_malloc((size_t)(n + 1) * sizeof *r->bhash);
    r->bvalid = sm_malloc((size_t)n + 1);
    r->next = sm_malloc((size_t)(n + 1) * sizeof *r->next);
    r->pieces = sm_calloc((size_t)r->npieces, sizeof *r->pieces);
    if (!r->bkeys || !r->bhash || !r->bvalid || !r->next || !r->pieces) return SM_NOMEM;
    for (int k = 0; k < r->nkeys; k++) {
        SM_TRY(sm_expr_eval(&r->ctx->eval, p->right_keys[k], r->build, &r->bkeys[k]));
        if (r->bkeys[k]->type != p->left_keys[k]->type)
            return sm_err(SM_INTERNAL, "join: key %d has types %s (left) and %s (right)", k,
                          sm_type_name(p->left_keys[k]->type), sm_type_name(r->bkeys[k]->type));
    }
    sm_keytab_hash(r->bkeys, r->nkeys, n, r->bhash);
    for (int64_t row = 0; row < n; row++) {
        bool ok = true;
        for (int k = 0; k < r->nkeys && ok; k++) ok = !sm_vector_is_null(r->bkeys[k], row);
        r->bvalid[row] = ok;
        if (!ok) r->build_null_key = true;
        r->next[row] = -1;
    }
    return sm_pool_run(r->ctx->pool, r->npieces, hj_build_piece, r);
}

/* ---- probe -------------------------------------------------------------------- */

typedef struct {
    int32_t *el, *eb;     /* entries: left row, build row or HJ_END */
    int64_t ne;
    int32_t *cl, *cb;     /* candidate pairs (entries with a build row) */
    uint8_t *row_matched; /* per left row of the batch */
    int32_t *ol, *ob;     /* output pairs (ob = nbuild: nulls) */
} hj_scratch;

/* Output batch of n pairs: left columns of `in` by ol, build columns by ob. */
static int hj_emit(hj_run *r, int part, const sm_batch *in, const int32_t *ol, const int32_t *ob,
                   int64_t n) {
    if (n == 0) return SM_OK;
    bool semi = hj_semi_like(r->type);
    int nl = r->ls->ncols, nc = semi ? nl : nl + r->rs->ncols;
    sm_batch *b = sm_batch_new(nc, n);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < nc; c++) {
        if (sm_plan_col_unused(r->p, c)) /* nothing above reads it (plan/prune.c) */
            b->cols[c] = sm_vector_new_nulls(SM_NULLTYPE, n);
        else
            b->cols[c] = c < nl ? (in ? sm_vector_take(in->cols[c], ol, n)
                                      : sm_vector_new_nulls(r->ls->fields[c].type, n))
                                : sm_vector_take(r->build->cols[c - nl], ob, n);
        if (!b->cols[c]) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
    }
    return sm_mset_add(r->out, part, b);
}

/* Evaluates the residual condition on the chunk's candidates, then walks the
 * entries in order and emits the output. */
static int hj_flush(hj_run *r, int part, const sm_batch *in, hj_scratch *sc) {
    const sm_plan *p = r->p;
    int64_t nc = 0;
    for (int64_t i = 0; i < sc->ne; i++)
        if (sc->eb[i] >= 0) {
            sc->cl[nc] = sc->el[i];
            sc->cb[nc++] = sc->eb[i];
        }
    sm_vector *mask = NULL;
    if (p->cond && nc > 0) {
        int nl = r->ls->ncols, nr = r->rs->ncols;
        sm_batch *pairs = sm_batch_new(nl + nr, nc);
        if (!pairs) return SM_NOMEM;
        for (int c = 0; c < nl + nr; c++) {
            if (r->cneed && !r->cneed[c]) { /* the condition does not read it */
                pairs->cols[c] = sm_vector_new_nulls(SM_NULLTYPE, nc);
            } else {
                pairs->cols[c] = c < nl ? sm_vector_take(in->cols[c], sc->cl, nc)
                                        : sm_vector_take(r->build->cols[c - nl], sc->cb, nc);
            }
            if (!pairs->cols[c]) {
                sm_batch_free(pairs);
                return SM_NOMEM;
            }
        }
        int rc = sm_expr_eval(&r->ctx->eval, p->cond, pairs, &mask);
        sm_batch_free(pairs);
        if (rc != SM_OK) return rc;
    }
    sm_join_type t = r->type;
    int64_t no = 0, ci = 0;
    for (int64_t i = 0; i < sc->ne; i++) {
        int32_t lr = sc->el[i], br = sc->eb[i];
        if (br >= 0) {
            int64_t k = ci++;
            bool pass = !mask || (mask->type == SM_BOOLEAN && !sm_vector_is_null(mask, k) &&
                                  SM_VEC_BOOL(mask)[k]);
            if (!pass) continue;
            sc->row_matched[lr] = 1;
            if (r->matched) __atomic_store_n(&r->matched[br], 1, __ATOMIC_RELAXED);
            if (!hj_semi_like(t)) {
                sc->ol[no] = lr;
                sc->ob[no++] = br;
            }
            continue;
        }
        bool m = sc->row_matched[lr];
        if ((t == SM_JOIN_LEFT || t == SM_JOIN_FULL) && !m) {
            sc->ol[no] = lr;
            sc->ob[no++] = (int32_t)r->nbuild;
        } else if ((t == SM_JOIN_LEFT_SEMI && m) || (t == SM_JOIN_LEFT_ANTI && !m)) {
            sc->ol[no] = lr;
            sc->ob[no++] = (int32_t)r->nbuild;
        }
    }
    if (mask) sm_vector_unref(mask);
    sc->ne = 0;
    return hj_emit(r, part, in, sc->ol, sc->ob, no);
}

static int hj_probe_batch(hj_run *r, int part, const sm_batch *in, hj_scratch *sc) {
    const sm_plan *p = r->p;
    int64_t n = in->nrows;
    int rc = SM_OK;
    sm_vector **lk = NULL;
    uint64_t *lh = NULL;
    bool null_aware = p->null_aware && r->type == SM_JOIN_LEFT_ANTI;
    if (null_aware && r->nbuild > 0 && r->build_null_key) return SM_OK; /* NOT IN (.., NULL) */
    if (r->nkeys > 0) {
        lk = sm_calloc((size_t)r->nkeys, sizeof *lk);
        lh = sm_malloc((size_t)n * sizeof *lh);
        if (!lk || !lh) rc = SM_NOMEM;
        for (int k = 0; rc == SM_OK && k < r->nkeys; k++) {
            rc = sm_expr_eval(&r->ctx->eval, p->left_keys[k], in, &lk[k]);
            if (rc == SM_OK && lk[k]->type != r->bkeys[k]->type)
                rc = sm_err(SM_INTERNAL, "join: key %d has types %s (left) and %s (right)", k,
                            sm_type_name(lk[k]->type), sm_type_name(r->bkeys[k]->type));
        }
        if (rc == SM_OK) sm_keytab_hash(lk, r->nkeys, n, lh);
    }
    memset(sc->row_matched, 0, (size_t)n);
    /* semi / anti without a residual condition need one candidate per row */
    bool one = hj_semi_like(r->type) && !p->cond;
    for (int64_t i = 0; rc == SM_OK && i < n; i++) {
        int32_t b = -1;
        bool null_key = false;
        if (r->nkeys > 0) {
            for (int k = 0; k < r->nkeys && !null_key; k++) null_key = sm_vector_is_null(lk[k], i);
            if (!null_key) {
                hj_piece *pc = &r->pieces[sm_keytab_piece(lh[i], r->npieces)];
                int64_t g = sm_keytab_find(&pc->tab, lk, i, lh[i]);
                if (g >= 0) b = pc->head[g];
            }
        } else if (r->nbuild > 0) {
            b = 0;
        }
        if (null_aware && null_key && r->nbuild > 0) continue; /* NULL NOT IN (non-empty) */
        while (b >= 0) {
            sc->el[sc->ne] = (int32_t)i;
            sc->eb[sc->ne++] = b;
            if (sc->ne == HJ_CHUNK && (rc = hj_flush(r, part, in, sc)) != SM_OK) break;
            if (one) break;
            if (r->nkeys > 0) b = r->next[b];
            else b = b + 1 < r->nbuild ? b + 1 : -1;
        }
        if (rc != SM_OK) break;
        sc->el[sc->ne] = (int32_t)i;
        sc->eb[sc->ne++] = HJ_END;
        if (sc->ne == HJ_CHUNK) rc = hj_flush(r, part, in, sc);
        if ((i & 1023) == 0 && sm_pool_cancelled()) break;
    }
    if (rc == SM_OK && sc->ne > 0) rc = hj_flush(r, part, in, sc);
    sc->ne = 0;
    if (lk)
        for (int k = 0; k < r->nkeys; k++)
            if (lk[k]) sm_vector_unref(lk[k]);
    sm_free(lk);
    sm_free(lh);
    return rc;
}

static int hj_consume(void *arg, int part, sm_batch *b) {
    hj_run *r = arg;
    hj_scratch sc = {0};
    int rc = SM_OK;
    int64_t n = b->nrows;
    if (n == 0) goto done;
    sc.el = sm_malloc(HJ_CHUNK * sizeof(int32_t));
    sc.eb = sm_malloc(HJ_CHUNK * sizeof(int32_t));
    sc.cl = sm_malloc(HJ_CHUNK * sizeof(int32_t));
    sc.cb = sm_malloc(HJ_CHUNK * sizeof(int32_t));
    sc.ol = sm_malloc(HJ_CHUNK * sizeof(int32_t));
    sc.ob = sm_malloc(HJ_CHUNK * sizeof(int32_t));
    sc.row_matched = sm_malloc((size_t)n);
    if (!sc.el || !sc.eb || !sc.cl || !sc.cb || !sc.ol || !sc.ob || !sc.row_matched) {
        rc = SM_NOMEM;
        goto done;
    }
    rc = hj_probe_batch(r, part, b, &sc);
done:
    sm_free(sc.el);
    sm_free(sc.eb);
    sm_free(sc.cl);
    sm_free(sc.cb);
    sm_free(sc.ol);
    sm_free(sc.ob);
    sm_free(sc.row_matched);
    sm_batch_free(b);
    return rc;
}

/* RIGHT / FULL: build rows nothing matched, null-extended on the left. */
static int hj_emit_unmatched(hj_run *r, int part) {
    int32_t *ob = sm_malloc(SM_BATCH_ROWS * sizeof *ob);
    if (!ob) return SM_NOMEM;
    int rc = SM_OK;
    int64_t n = 0;
    for (int64_t row = 0; row < r->nbuild && rc == SM_OK; row++) {
        if (r->matched[row]) continue;
        ob[n++] = (int32_t)row;
        if (n == SM_BATCH_ROWS) {
            rc = hj_emit(r, part, NULL, NULL, ob, n);
            n = 0;
        }
    }
    if (rc == SM_OK) rc = hj_emit(r, part, NULL, NULL, ob, n);
    sm_free(ob);
    return rc;
}

static void hj_free(hj_run *r) {
    if (r->bkeys)
        for (int k = 0; k < r->nkeys; k++)
            if (r->bkeys[k]) sm_vector_unref(r->bkeys[k]);
    sm_free(r->bkeys);
    if (r->pieces)
        for (int i = 0; i < r->npieces; i++) {
            sm_keytab_free(&r->pieces[i].tab);
            sm_free(r->pieces[i].head);
            sm_free(r->pieces[i].tail);
        }
    sm_free(r->pieces);
    sm_free(r->bhash);
    sm_free(r->bvalid);
    sm_free(r->next);
    sm_free(r->matched);
    sm_free(r->cneed);
    sm_batch_free(r->build);
}

/* r->cneed: the columns of left ++ right the residual condition reads. */
static int hj_cond_needs(hj_run *r) {
    if (!r->p->cond) return SM_OK;
    int n = r->ls->ncols + r->rs->ncols;
    if (!(r->cneed = sm_calloc((size_t)(n ? n : 1), sizeof *r->cneed))) return SM_NOMEM;
    hj_mark_cols(r->p->cond, r->cneed, 0, n);
    return SM_OK;
}

int exec_join(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    if (p->nchildren != 2 || !p->children)
        return sm_err(SM_INTERNAL, "join: expected 2 inputs, got %d", p->nchildren);
    hj_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.type = p->join_type;
    r.ls = p->children[0]->schema;
    r.rs = p->children[1]->schema;
    r.nkeys = p->njoin_keys;
    r.npieces = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1;
    /* under a memory budget, a build side that does not fit makes it a
     * grace hash join (exec/joinspill.c) */
    sm_mset *bm = NULL;
    SM_TRY(hj_cond_needs(&r));
    if (exec_join_can_spill(ctx, p)) {
        int src = exec_join_collect_build(ctx, p, &bm);
        if (src != SM_OK || exec_join_must_spill(ctx, p, bm)) {
            sm_free(r.cneed);
            return src != SM_OK ? src : exec_join_grace(ctx, p, bm, out);
        }
    }
    int rc = hj_build(&r, bm);
    int nleft = rc == SM_OK ? exec_num_partitions(ctx, p->children[0]) : 0;
    if (rc == SM_OK && nleft < 0) rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    if (rc == SM_OK) {
        r.out = sm_mset_new(nleft + (hj_keeps_build(r.type) ? 1 : 0));
        if (!r.out) rc = SM_NOMEM;
        sm_mset_spill_under(r.out, ctx->memory_limit);
    }
    if (rc == SM_OK) rc = exec_foreach_batch(ctx, p->children[0], hj_consume, &r);
    if (rc == SM_OK && hj_keeps_build(r.type)) rc = hj_emit_unmatched(&r, nleft);
    hj_free(&r);
    if (rc != SM_OK) {
        sm_mset_free(r.out);
        return rc;
    }
    *out = r.out;
    return SM_OK;
}

int exec_join_part(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *build, sm_join_next_fn next,
                   void *arg, sm_mset *out, int outpart) {
    hj_run r = {0};
    r.ctx = ctx;
    r.p = p;
    r.type = p->join_type;
    r.ls = p->children[0]->schema;
    r.rs = p->children[1]->schema;
    r.nkeys = p->njoin_keys;
    r.npieces = 1;
    r.out = out;
    int rc = hj_cond_needs(&r);
    if (rc != SM_OK) {
        sm_mset_free(build);
        return rc;
    }
    rc = hj_build(&r, build);
    /* inside a task, the build's pieces run inline and are skipped once
     * another task failed: the tables are then not there to probe */
    bool cancelled = sm_pool_cancelled();
    while (rc == SM_OK && !cancelled) {
        sm_batch *b = NULL;
        rc = next(arg, &b);
        if (rc != SM_OK || !b) break;
        rc = hj_consume(&r, outpart, b);
    }
    if (rc == SM_OK && !cancelled && hj_keeps_build(r.type)) rc = hj_emit_unmatched(&r, outpart);
    hj_free(&r);
    return rc;
}

/* ---- streaming joins (joinstream.h) ------------------------------------------- */

struct exec_join_state {
    hj_run run;    /* the built side; run.out unused */
    sm_mset *done; /* the whole result when it ran as a grace join, else NULL */
    int nparts;
};

bool exec_join_streams(const sm_exec_ctx *ctx, const sm_plan *p) {
    if (ctx->dist || p->nchildren != 2 || !p->children) return false;
    const char *off = getenv("SMELT_NO_STREAM_JOIN");
    if (off && *off && strcmp(off, "0") != 0) return false;
    switch (p->join_type) {
    case SM_JOIN_INNER:
    case SM_JOIN_LEFT:
    case SM_JOIN_LEFT_SEMI:
    case SM_JOIN_LEFT_ANTI:
    case SM_JOIN_CROSS: return true;
    default: return false; /* right / full: the unmatched build rows come after every probe */
    }
}

void exec_join_state_free(exec_join_state *st) {
    if (!st) return;
    hj_free(&st->run);
    sm_mset_free(st->done);
    sm_free(st);
}

int exec_join_state_new(sm_exec_ctx *ctx, const sm_plan *p, exec_join_state **out) {
    *out = NULL;
    exec_join_state *st = sm_calloc(1, sizeof *st);
    if (!st) return SM_NOMEM;
    hj_run *r = &st->run;
    r->ctx = ctx;
    r->p = p;
    r->type = p->join_type;
    r->ls = p->children[0]->schema;
    r->rs = p->children[1]->schema;
    r->nkeys = p->njoin_keys;
    r->npieces = ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1;
    int rc = hj_cond_needs(r);
    sm_mset *bm = NULL;
    if (rc == SM_OK && exec_join_can_spill(ctx, p)) {
        rc = exec_join_collect_build(ctx, p, &bm);
        if (rc == SM_OK && exec_join_must_spill(ctx, p, bm)) { /* the build side does not fit */
            rc = exec_join_grace(ctx, p, bm, &st->done);
            if (rc == SM_OK) {
                st->nparts = st->done->nparts;
                *out = st;
                return SM_OK;
            }
            exec_join_state_free(st);
            return rc;
        }
    }
    if (rc == SM_OK) rc = hj_build(r, bm);
    else sm_mset_free(bm);
    int nleft = rc == SM_OK ? exec_num_partitions(ctx, p->children[0]) : 0;
    if (rc == SM_OK && nleft < 0) rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    if (rc != SM_OK) {
        exec_join_state_free(st);
        return rc;
    }
    st->nparts = nleft;
    *out = st;
    return SM_OK;
}

int exec_join_state_parts(const exec_join_state *st) { return st->nparts; }

typedef struct {
    sm_stream base;
    hj_run run;        /* a copy of the state's, with out = q */
    sm_stream *child;  /* the left side's partition */
    sm_mset *q;        /* output of the last probed batch, returned from qpos on */
    int qpos;
} hj_stream;

static int hj_stream_next(sm_stream *s, sm_batch **out) {
    hj_stream *hs = (hj_stream *)s;
    struct sm_mpart *qp = &hs->q->parts[0];
    *out = NULL;
    for (;;) {
        if (hs->qpos < qp->nbatches) {
            *out = qp->batches[hs->qpos];
            qp->batches[hs->qpos++] = NULL;
            return SM_OK;
        }
        qp->nbatches = 0;
        qp->nrows = 0;
        hs->qpos = 0;
        sm_batch *in = NULL;
        SM_TRY(hs->child->next(hs->child, &in));
        if (!in) return SM_OK;
        SM_TRY(hj_consume(&hs->run, 0, in)); /* frees in */
    }
}

static void hj_stream_close(sm_stream *s) {
    hj_stream *hs = (hj_stream *)s;
    if (hs->child) hs->child->close(hs->child);
    if (hs->q) {
        struct sm_mpart *qp = &hs->q->parts[0];
        for (int i = hs->qpos; i < qp->nbatches; i++) sm_batch_free(qp->batches[i]);
        qp->nbatches = 0;
        sm_mset_free(hs->q);
    }
    sm_free(hs);
}

int exec_join_state_open(sm_exec_ctx *ctx, exec_join_state *st, int part, sm_stream **out) {
    *out = NULL;
    if (st->done) return exec_mset_stream(st->done, part, out);
    hj_stream *hs = sm_calloc(1, sizeof *hs);
    if (!hs) return SM_NOMEM;
    hs->base.next = hj_stream_next;
    hs->base.close = hj_stream_close;
    hs->run = st->run;
    hs->run.ctx = ctx;
    hs->q = sm_mset_new(1);
    hs->run.out = hs->q;
    int rc = hs->q ? exec_open(ctx, st->run.p->children[0], part, &hs->child) : SM_NOMEM;
    if (rc != SM_OK) {
        hj_stream_close(&hs->base);
        return rc;
    }
    *out = &hs->base;
    return SM_OK;
}
