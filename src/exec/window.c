/*
 * window.c — the WINDOW breaker (exec.h): f(args) OVER (PARTITION BY p
 * ORDER BY o frame) for every window expression of a SM_PLAN_WINDOW node.
 *
 * Output: every input row once, with the child's columns followed by one
 * column per window expression (plan.h).  Row order is not part of the
 * contract (Spark gives none); rows come out grouped by window partition.
 *
 * Algorithm, per group of expressions sharing PARTITION BY and ORDER BY
 * (usually one group; expressions are grouped by structural equality of
 * their keys, and each group is one pass whose output feeds the next, the
 * column indices of later groups staying valid because every pass only
 * appends columns):
 *   1. Gather: the input (exec_collect) is held as batches; for each batch
 *      the partition keys, order keys and the calls' arguments are
 *      evaluated (one task per input partition).
 *   2. Shuffle: rows are hash-partitioned on the partition keys
 *      (sm_keytab_hash, Spark's grouping equality: NULL = NULL, NaN = NaN)
 *      into ctx->shuffle_partitions tasks (a single task without PARTITION
 *      BY).  A row is a reference (input part, batch, row).
 *   3. Per task, in parallel: the references are sorted by (partition
 *      keys, order keys) with Spark's ordering (exec_compare_values plus
 *      the key's direction and null placement) by a stable merge sort; the
 *      order keys and arguments are gathered into contiguous vectors in that
 *      order; window partitions are the runs of equal partition keys, peer
 *      groups the runs of equal order keys.
 *   4. Functions, per window partition [ps, pe) of the sorted rows:
 *      ranking functions from row and peer positions; lag/lead by offset
 *      (IGNORE NULLS through a prefix count of non-null rows); nth_value
 *      by frame position.  Aggregates use the state machines of agg.h:
 *      one leaf state per row (a single update call with gids 0..n-1),
 *      then, depending on the frame,
 *        - whole partition: all leaves merged once;
 *        - UNBOUNDED PRECEDING start (growing frames, the default with
 *          ORDER BY): one running state, leaves merged as the end advances;
 *        - anything else (sliding, shrinking frames): a segment tree of
 *          merged states over the partition, each frame answered by
 *          O(log n) merges in row order (merge is order-aware, so first /
 *          last are right).
 *      No frame costs O(n^2).  Frame bounds: ROWS by position; RANGE
 *      CURRENT ROW by peer group; RANGE with offsets by a two-pointer scan
 *      comparing key ± offset with the sort order (nulls form their own
 *      peer group, as in Spark): integers exactly, a double key or
 *      offset as doubles (a decimal offset of an integer key too: exact
 *      for ints), a DECIMAL key with integer / decimal offsets exactly
 *      (int128 at the larger scale).
 *   5. Output: the sorted rows are cut into batches of SM_BATCH_ROWS, input
 *      columns gathered by reference and window columns copied.
 * The passes' added columns are finally permuted into expression order.
 *
 * Memory: the input mset is owned here and freed when the pass is done;
 * aggregate strings live in one arena per task, freed when the task's
 * output is built.  The output mset belongs to the caller.
 * Threading: tasks touch only their own task state; the bound expressions
 * are shared read-only.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "exec/exec.h"
#include "exec/hashtable.h"
#include "exec/spill.h"
#include "exec/windowspill.h"
#include "expr/agg.h"
#include "expr/window_funcs.h"
#include "types/decimal.h"

typedef struct {
    uint32_t part, batch, row;
} wn_ref;

/* One window expression of the pass. */
typedef struct {
    const sm_expr *win;  /* SM_EX_WINDOW (bound) */
    const sm_expr *call; /* win->args[0] */
    const sm_window_func_def *wf;
    const sm_agg_def *agg;
    int arg0;            /* index of its first argument among the evaluated values */
    int64_t start_off, end_off; /* ROWS offsets / integral RANGE offsets (signed: preceding < 0) */
    double start_offd, end_offd;
    bool range_double;   /* RANGE offsets compared as doubles */
    /* RANGE over a DECIMAL key with INT/BIGINT/DECIMAL offsets: exact,
     * offsets unscaled (signed like start_off) at scale start_offs/end_offs */
    bool range_dec;
    __int128 start_offu, end_offu;
    int start_offs, end_offs;
} wn_expr;

typedef struct wn_pass wn_pass;

typedef struct {
    wn_pass *ps;
    int id;
    wn_ref *refs;
    int64_t n, cap;
    sm_vector **okeys; /* contiguous sorted order keys */
    sm_vector **args;  /* contiguous sorted arguments */
    sm_vector **outs;  /* per expression, n rows */
    int64_t *pstart;   /* window partition start of each row */
    int64_t *pend;
    int64_t *gs, *ge;  /* peer group bounds of each row */
    sm_arena *arena;
    sm_batch **obatches;
    int nob;
} wn_task;

struct wn_pass {
    sm_exec_ctx *ctx;
    const sm_window_spec *spec; /* partition / order of the group */
    wn_expr *exprs;
    int nexprs;
    int nargs;            /* evaluated argument vectors per batch */
    int nvals;            /* npartition + norder + nargs */
    sm_mset *in;
    int in_ncols;
    sm_vector ***vals;    /* per input part: nbatches * nvals */
    int ntasks;
    wn_task *tasks;
};

/* ---- comparing ------------------------------------------------------------------ */

static inline int wn_cmp_key(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb,
                             bool desc, bool nulls_first) {
    bool na = sm_vector_is_null(a, ra), nb = sm_vector_is_null(b, rb);
    if (na || nb) {
        if (na == nb) return 0;
        int c = na ? -1 : 1;
        return nulls_first ? c : -c;
    }
    int c = exec_compare_values(a, ra, b, rb);
    return desc ? -c : c;
}

static inline sm_vector **wn_vals_of(const wn_pass *p, const wn_ref *r) {
    return p->vals[r->part] + (size_t)r->batch * p->nvals;
}

static int wn_cmp_refs(const wn_pass *p, const wn_ref *x, const wn_ref *y) {
    sm_vector **vx = wn_vals_of(p, x), **vy = wn_vals_of(p, y);
    int np = p->spec->npartition, no = p->spec->norder;
    for (int k = 0; k < np; k++) {
        int c = wn_cmp_key(vx[k], x->row, vy[k], y->row, false, true);
        if (c) return c;
    }
    for (int k = 0; k < no; k++) {
        const sm_sort_key *sk = &p->spec->order[k];
        int c = wn_cmp_key(vx[np + k], x->row, vy[np + k], y->row, sk->descending, sk->nulls_first);
        if (c) return c;
    }
    return 0;
}

static bool wn_same_partition(const wn_pass *p, const wn_ref *x, const wn_ref *y) {
    sm_vector **vx = wn_vals_of(p, x), **vy = wn_vals_of(p, y);
    for (int k = 0; k < p->spec->npartition; k++)
        if (wn_cmp_key(vx[k], x->row, vy[k], y->row, false, true)) return false;
    return true;
}

/* Stable merge sort of a[0, n) using tmp. */
static void wn_sort(const wn_pass *p, wn_ref *a, wn_ref *tmp, int64_t n) {
    const int64_t blk = 16;
    for (int64_t s = 0; s < n; s += blk) {
        int64_t e = s + blk < n ? s + blk : n;
        for (int64_t i = s + 1; i < e; i++) {
            wn_ref v = a[i];
            int64_t j = i;
            while (j > s && wn_cmp_refs(p, &v, &a[j - 1]) < 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
    }
    wn_ref *src = a, *dst = tmp;
    for (int64_t w = blk; w < n; w *= 2) {
        for (int64_t s = 0; s < n; s += 2 * w) {
            int64_t mid = s + w < n ? s + w : n, e = s + 2 * w < n ? s + 2 * w : n;
            int64_t i = s, j = mid, k = s;
            while (i < mid && j < e) dst[k++] = wn_cmp_refs(p, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < e) dst[k++] = src[j++];
        }
        wn_ref *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof *a);
}

/* Structural equality of two bound expressions (for grouping specs). */
static bool wn_expr_equal(const sm_expr *a, const sm_expr *b) {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || a->nargs != b->nargs || a->type != b->type) return false;
    switch (a->kind) {
    case SM_EX_COLUMN:
        if (a->col_index != b->col_index) return false;
        break;
    case SM_EX_LITERAL: {
        const sm_value *x = &a->lit, *y = &b->lit;
        if (x->is_null != y->is_null || x->type != y->type) return false;
        if (x->is_null) break;
        if (x->type == SM_STRING)
            return x->v.str.len == y->v.str.len && memcmp(x->v.str.ptr, y->v.str.ptr, (size_t)x->v.str.len) == 0;
        if (x->type == SM_DOUBLE) return memcmp(&x->v.f64, &y->v.f64, sizeof(double)) == 0;
        if (x->type == SM_BIGINT || x->type == SM_TIMESTAMP) return x->v.i64 == y->v.i64;
        if (x->type == SM_BOOLEAN) return x->v.b == y->v.b;
        return x->v.i32 == y->v.i32;
    }
    case SM_EX_CAST:
        if (a->cast_to != b->cast_to) return false;
        break;
    default:
        if ((a->name == NULL) != (b->name == NULL) || (a->name && strcasecmp(a->name, b->name)))
            return false;
        if (a->negated != b->negated || a->distinct != b->distinct) return false;
        break;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!wn_expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

static bool wn_same_keys(const sm_window_spec *a, const sm_window_spec *b) {
    if (a->npartition != b->npartition || a->norder != b->norder) return false;
    for (int i = 0; i < a->npartition; i++)
        if (!wn_expr_equal(a->partition[i], b->partition[i])) return false;
    for (int i = 0; i < a->norder; i++)
        if (a->order[i].descending != b->order[i].descending ||
            a->order[i].nulls_first != b->order[i].nulls_first ||
            !wn_expr_equal(a->order[i].expr, b->order[i].expr))
            return false;
    return true;
}

/* ---- phase 1: evaluate keys and arguments per batch ---------------------------- */

static int wn_eval_task(void *arg, int part) {
    wn_pass *p = arg;
    struct sm_mpart *mp = &p->in->parts[part];
    if (mp->nbatches == 0) return SM_OK;
    sm_vector **v = sm_calloc((size_t)mp->nbatches * (size_t)p->nvals + 1, sizeof *v);
    if (!v) return SM_NOMEM;
    p->vals[part] = v;
    const sm_window_spec *w = p->spec;
    for (int bi = 0; bi < mp->nbatches; bi++) {
        const sm_batch *b = mp->batches[bi];
        sm_vector **bv = v + (size_t)bi * p->nvals;
        int k = 0;
        for (int i = 0; i < w->npartition; i++) SM_TRY(sm_expr_eval(&p->ctx->eval, w->partition[i], b, &bv[k++]));
        for (int i = 0; i < w->norder; i++) SM_TRY(sm_expr_eval(&p->ctx->eval, w->order[i].expr, b, &bv[k++]));
        for (int e = 0; e < p->nexprs; e++) {
            const sm_expr *call = p->exprs[e].call;
            for (int a = 0; a < call->nargs; a++) SM_TRY(sm_expr_eval(&p->ctx->eval, call->args[a], b, &bv[k++]));
        }
    }
    return SM_OK;
}

/* ---- frames ------------------------------------------------------------------------ */

/* Compares the (single) order key at row j of `key` with a bound value in
 * sort order.  The bound is null when the current row's key is null. */
static int wn_cmp_bound(const sm_vector *key, int64_t j, bool bnull, int64_t bi, double bd,
                        bool use_double, const sm_sort_key *sk) {
    bool nj = sm_vector_is_null(key, j);
    if (nj || bnull) {
        if (nj == bnull) return 0;
        int c = nj ? -1 : 1;
        return sk->nulls_first ? c : -c;
    }
    int c;
    if (use_double) {
        double x;
        switch (key->type) {
        case SM_DOUBLE: x = SM_VEC_F64(key)[j]; break;
        case SM_DECIMAL: x = sm_dec_to_double(SM_VEC_DEC(key)[j], key->scale); break;
        case SM_BIGINT:
        case SM_TIMESTAMP: x = (double)SM_VEC_I64(key)[j]; break;
        default: x = SM_VEC_I32(key)[j]; break;
        }
        bool nx = isnan(x), nb = isnan(bd);
        if (nx || nb) c = nx == nb ? 0 : (nx ? 1 : -1);
        else c = x < bd ? -1 : x > bd;
    } else {
        int64_t x = key->type == SM_BIGINT || key->type == SM_TIMESTAMP ? SM_VEC_I64(key)[j] : SM_VEC_I32(key)[j];
        c = x < bi ? -1 : x > bi;
    }
    return sk->descending ? -c : c;
}

static int64_t wn_sat_add(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* The bound value key(i) + off in the sort direction (descending order
 * flips: n PRECEDING of a descending key is key + n). */
static void wn_bound_value(const sm_vector *key, int64_t i, const sm_sort_key *sk, int64_t off,
                           double offd, bool use_double, bool *bnull, int64_t *bi, double *bd) {
    *bnull = sm_vector_is_null(key, i);
    if (*bnull) return;
    if (sk->descending) {
        off = off == INT64_MIN ? INT64_MAX : -off;
        offd = -offd;
    }
    if (use_double) {
        double x = key->type == SM_DOUBLE ? SM_VEC_F64(key)[i]
                   : key->type == SM_DECIMAL ? sm_dec_to_double(SM_VEC_DEC(key)[i], key->scale)
                   : (key->type == SM_BIGINT || key->type == SM_TIMESTAMP) ? (double)SM_VEC_I64(key)[i]
                                                                           : SM_VEC_I32(key)[i];
        *bd = x + offd;
    } else {
        int64_t x = key->type == SM_BIGINT || key->type == SM_TIMESTAMP ? SM_VEC_I64(key)[i] : SM_VEC_I32(key)[i];
        *bi = wn_sat_add(x, off);
    }
}

/* A RANGE bound over a DECIMAL key, exactly: key(i) + off (off unscaled at
 * scale os, negated for a descending key) at scale bs = max(key scale, os);
 * *inf is -1 / 1 when that needs more than 38 digits (the bound lies below
 * / above every key). */
static void wn_bound_dec(const sm_vector *key, int64_t i, const sm_sort_key *sk, __int128 off,
                         int os, bool *bnull, __int128 *bu, int *bs, int *inf) {
    *bnull = sm_vector_is_null(key, i);
    *inf = 0;
    if (*bnull) return;
    if (sk->descending) off = -off;
    *bs = key->scale > os ? key->scale : os;
    if (!sm_dec_add(SM_VEC_DEC(key)[i], key->scale, off, os, SM_DEC_MAX_PRECISION, *bs, bu))
        *inf = off < 0 ? -1 : 1;
}

/* wn_cmp_bound for wn_bound_dec's bounds. */
static int wn_cmp_bound_dec(const sm_vector *key, int64_t j, bool bnull, __int128 bu, int bs,
                            int inf, const sm_sort_key *sk) {
    bool nj = sm_vector_is_null(key, j);
    if (nj || bnull) {
        if (nj == bnull) return 0;
        int c = nj ? -1 : 1;
        return sk->nulls_first ? c : -c;
    }
    int c = inf ? -inf : sm_dec_cmp(SM_VEC_DEC(key)[j], key->scale, bu, bs);
    return sk->descending ? -c : c;
}

/* Frame [fs[i], fe[i]) of every row of window partition [ps, pe). */
static void wn_frames(const wn_task *t, const wn_expr *x, int64_t ps, int64_t pe, int64_t *fs,
                      int64_t *fe) {
    const sm_window_spec *w = x->win->window;
    int64_t m = pe - ps;
    for (int side = 0; side < 2; side++) {
        const sm_frame_bound *b = side == 0 ? &w->start : &w->end;
        int64_t *f = side == 0 ? fs : fe;
        int64_t off = side == 0 ? x->start_off : x->end_off;
        double offd = side == 0 ? x->start_offd : x->end_offd;
        switch (b->kind) {
        case SM_FRAME_UNBOUNDED_PRECEDING:
            for (int64_t i = ps; i < pe; i++) f[i - ps] = ps;
            break;
        case SM_FRAME_UNBOUNDED_FOLLOWING:
            for (int64_t i = ps; i < pe; i++) f[i - ps] = pe;
            break;
        case SM_FRAME_CURRENT_ROW:
            for (int64_t i = ps; i < pe; i++)
                f[i - ps] = w->frame_rows ? (side == 0 ? i : i + 1) : (side == 0 ? t->gs[i] : t->ge[i]);
            break;
        default:
            if (w->frame_rows) {
                int64_t o = off > m ? m + 1 : off < -m ? -m - 1 : off;
                for (int64_t i = ps; i < pe; i++) {
                    int64_t v = i + o + (side == 1 ? 1 : 0);
                    f[i - ps] = v < ps ? ps : v > pe ? pe : v;
                }
            } else if (x->range_dec) {
                const sm_vector *key = t->okeys[0];
                const sm_sort_key *sk = &w->order[0];
                __int128 offu = side == 0 ? x->start_offu : x->end_offu;
                int os = side == 0 ? x->start_offs : x->end_offs;
                int64_t j = ps;
                for (int64_t i = ps; i < pe; i++) {
                    bool bnull;
                    __int128 bu = 0;
                    int bs = 0, inf;
                    wn_bound_dec(key, i, sk, offu, os, &bnull, &bu, &bs, &inf);
                    if (side == 0)
                        while (j < pe && wn_cmp_bound_dec(key, j, bnull, bu, bs, inf, sk) < 0) j++;
                    else
                        while (j < pe && wn_cmp_bound_dec(key, j, bnull, bu, bs, inf, sk) <= 0) j++;
                    f[i - ps] = j;
                }
            } else {
                const sm_vector *key = t->okeys[0];
                const sm_sort_key *sk = &w->order[0];
                int64_t j = ps;
                for (int64_t i = ps; i < pe; i++) {
                    bool bnull;
                    int64_t bi = 0;
                    double bd = 0;
                    wn_bound_value(key, i, sk, off, offd, x->range_double, &bnull, &bi, &bd);
                    if (side == 0)
                        while (j < pe && wn_cmp_bound(key, j, bnull, bi, bd, x->range_double, sk) < 0) j++;
                    else
                        while (j < pe && wn_cmp_bound(key, j, bnull, bi, bd, x->range_double, sk) <= 0) j++;
                    f[i - ps] = j;
                }
            }
            break;
        }
    }
    for (int64_t i = 0; i < m; i++)
        if (fe[i] < fs[i]) fe[i] = fs[i];
}

/* ---- functions ----------------------------------------------------------------------- */

static int wn_append_row(sm_vector *out, const sm_vector *src, int64_t row) {
    if (src->type == SM_NULLTYPE || out->type == SM_NULLTYPE || sm_vector_is_null(src, row))
        return sm_vector_append_null(out);
    return sm_vector_append_from(out, src, row);
}

/* Aggregates over frames (see the top of the file). */
static int wn_agg(wn_task *t, const wn_expr *x, sm_vector *out, int64_t *fs, int64_t *fe) {
    const sm_agg_def *ad = x->agg;
    size_t sz = ad->state_size ? ad->state_size : 1;
    int64_t n = t->n;
    const sm_expr *call = x->call;
    char *leaves = sm_calloc((size_t)n, sz);
    uint32_t *gids = sm_malloc((size_t)n * sizeof *gids);
    char *tree = NULL, *acc = sm_calloc(1, sz);
    int rc = SM_OK;
    if (!leaves || !gids || !acc) rc = SM_NOMEM;
    for (int64_t i = 0; rc == SM_OK && i < n; i++) gids[i] = (uint32_t)i;
    if (rc == SM_OK) rc = ad->update(call, leaves, gids, t->args + x->arg0, n, t->arena);
    const sm_window_spec *w = x->win->window;
    bool whole = w->start.kind == SM_FRAME_UNBOUNDED_PRECEDING && w->end.kind == SM_FRAME_UNBOUNDED_FOLLOWING;
    bool growing = w->start.kind == SM_FRAME_UNBOUNDED_PRECEDING;
    for (int64_t ps = 0; rc == SM_OK && ps < n;) {
        int64_t pe = t->pend[ps], m = pe - ps;
        if (whole) {
            memset(acc, 0, sz);
            for (int64_t i = ps; rc == SM_OK && i < pe; i++) rc = ad->merge(call, acc, leaves + (size_t)i * sz, t->arena);
            for (int64_t i = ps; rc == SM_OK && i < pe; i++) rc = ad->finalize(call, acc, out);
            ps = pe;
            continue;
        }
        wn_frames(t, x, ps, pe, fs, fe);
        if (growing) {
            memset(acc, 0, sz);
            int64_t at = ps;
            for (int64_t i = 0; rc == SM_OK && i < m; i++) {
                while (rc == SM_OK && at < fe[i]) rc = ad->merge(call, acc, leaves + (size_t)at++ * sz, t->arena);
                if (rc == SM_OK) rc = ad->finalize(call, acc, out);
            }
            ps = pe;
            continue;
        }
        /* segment tree: node k covers its children 2k, 2k+1; leaves at m + i */
        if (!tree) {
            int64_t maxm = 0;
            for (int64_t q = 0; q < n; q = t->pend[q])
                if (t->pend[q] - q > maxm) maxm = t->pend[q] - q;
            tree = sm_malloc((size_t)(2 * maxm) * sz);
            if (!tree) {
                rc = SM_NOMEM;
                break;
            }
        }
        memcpy(tree + (size_t)m * sz, leaves + (size_t)ps * sz, (size_t)m * sz);
        for (int64_t k = m - 1; rc == SM_OK && k >= 1; k--) {
            char *node = tree + (size_t)k * sz;
            memset(node, 0, sz);
            rc = ad->merge(call, node, tree + (size_t)(2 * k) * sz, t->arena);
            if (rc == SM_OK) rc = ad->merge(call, node, tree + (size_t)(2 * k + 1) * sz, t->arena);
        }
        for (int64_t i = 0; rc == SM_OK && i < m; i++) {
            memset(acc, 0, sz);
            int64_t l = fs[i] - ps + m, r = fe[i] - ps + m;
            int64_t right[130];
            int nright = 0;
            while (rc == SM_OK && l < r) {
                if (l & 1) rc = ad->merge(call, acc, tree + (size_t)l++ * sz, t->arena);
                if (r & 1) right[nright++] = --r;
                l >>= 1;
                r >>= 1;
            }
            while (rc == SM_OK && nright > 0) rc = ad->merge(call, acc, tree + (size_t)right[--nright] * sz, t->arena);
            if (rc == SM_OK) rc = ad->finalize(call, acc, out);
        }
        ps = pe;
    }
    sm_free(leaves);
    sm_free(gids);
    sm_free(tree);
    sm_free(acc);
    return rc;
}

static int64_t wn_const_i64(const sm_expr *e, const sm_eval_ctx *ec) {
    sm_value v;
    sm_arena *a = sm_arena_new();
    if (!a) return 0;
    int64_t r = 0;
    if (sm_expr_eval_const(ec, a, e, &v) == SM_OK && !v.is_null)
        r = v.type == SM_INT ? v.v.i32 : v.type == SM_BIGINT ? v.v.i64 : (int64_t)v.v.f64;
    sm_arena_free(a);
    return r;
}

/* Non-null positions of `v` ([0, n)): pc[i] = count in [0, i), nn[k] the
 * k-th position. */
static int wn_nonnull_index(const sm_vector *v, int64_t n, int64_t **pc_out, int64_t **nn_out) {
    int64_t *pc = sm_malloc((size_t)(n + 1) * sizeof *pc), *nn = sm_malloc((size_t)(n + 1) * sizeof *nn);
    if (!pc || !nn) {
        sm_free(pc);
        sm_free(nn);
        return SM_NOMEM;
    }
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++) {
        pc[i] = c;
        if (!sm_vector_is_null(v, i)) nn[c++] = i;
    }
    pc[n] = c;
    *pc_out = pc;
    *nn_out = nn;
    return SM_OK;
}

static int wn_func(wn_task *t, const wn_expr *x, sm_vector *out, int64_t *fs, int64_t *fe) {
    int64_t n = t->n;
    const sm_expr *call = x->call;
    sm_vector **args = t->args + x->arg0;
    int rc = SM_OK;
    switch (x->wf->kind) {
    case SM_WF_ROW_NUMBER:
        for (int64_t i = 0; rc == SM_OK && i < n; i++) rc = sm_vector_append_i32(out, (int32_t)(i - t->pstart[i] + 1));
        return rc;
    case SM_WF_RANK:
        for (int64_t i = 0; rc == SM_OK && i < n; i++) rc = sm_vector_append_i32(out, (int32_t)(t->gs[i] - t->pstart[i] + 1));
        return rc;
    case SM_WF_DENSE_RANK: {
        int32_t d = 0;
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            if (i == t->pstart[i]) d = 0;
            if (t->gs[i] == i) d++;
            rc = sm_vector_append_i32(out, d);
        }
        return rc;
    }
    case SM_WF_PERCENT_RANK:
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            int64_t m = t->pend[i] - t->pstart[i];
            rc = sm_vector_append_f64(out, m <= 1 ? 0.0 : (double)(t->gs[i] - t->pstart[i]) / (double)(m - 1));
        }
        return rc;
    case SM_WF_CUME_DIST:
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            int64_t m = t->pend[i] - t->pstart[i];
            rc = sm_vector_append_f64(out, (double)(t->ge[i] - t->pstart[i]) / (double)m);
        }
        return rc;
    case SM_WF_NTILE: {
        int64_t k = wn_const_i64(call->args[0], &t->ps->ctx->eval);
        if (k <= 0) k = 1;
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            int64_t m = t->pend[i] - t->pstart[i], r = i - t->pstart[i];
            int64_t q = m / k, rem = m % k, b;
            if (r < rem * (q + 1)) b = r / (q + 1) + 1;
            else b = rem + (r - rem * (q + 1)) / (q ? q : 1) + 1;
            rc = sm_vector_append_i32(out, (int32_t)b);
        }
        return rc;
    }
    case SM_WF_LAG:
    case SM_WF_LEAD: {
        int64_t o = wn_const_i64(call->args[1], &t->ps->ctx->eval);
        if (x->wf->kind == SM_WF_LAG) o = -o; /* now: the row o after the current one */
        const sm_vector *v = args[0], *dflt = args[2];
        int64_t *pc = NULL, *nn = NULL;
        if (call->ignore_nulls && o != 0) SM_TRY(wn_nonnull_index(v, n, &pc, &nn));
        for (int64_t i = 0; rc == SM_OK && i < n; i++) {
            int64_t ps = t->pstart[i], pe = t->pend[i], j = -1;
            if (!pc) {
                j = i + o;
                if (j < ps || j >= pe) j = -1;
            } else if (o < 0) {
                int64_t k = pc[i] + o;
                j = k >= pc[ps] ? nn[k] : -1;
            } else {
                int64_t k = pc[i + 1] + o - 1;
                j = k < pc[pe] ? nn[k] : -1;
            }
            rc = j >= 0 ? wn_append_row(out, v, j) : wn_append_row(out, dflt, i);
        }
        sm_free(pc);
        sm_free(nn);
        return rc;
    }
    case SM_WF_NTH_VALUE: {
        int64_t k = wn_const_i64(call->args[1], &t->ps->ctx->eval);
        const sm_vector *v = args[0];
        int64_t *pc = NULL, *nn = NULL;
        if (call->ignore_nulls) SM_TRY(wn_nonnull_index(v, n, &pc, &nn));
        for (int64_t ps = 0; rc == SM_OK && ps < n;) {
            int64_t pe = t->pend[ps];
            wn_frames(t, x, ps, pe, fs, fe);
            for (int64_t i = 0; rc == SM_OK && i < pe - ps; i++) {
                int64_t j = -1;
                if (!pc) {
                    if (k <= fe[i] - fs[i]) j = fs[i] + k - 1;
                } else if (pc[fs[i]] + k - 1 < pc[fe[i]]) {
                    j = nn[pc[fs[i]] + k - 1];
                }
                rc = j >= 0 ? wn_append_row(out, v, j) : sm_vector_append_null(out);
            }
            ps = pe;
        }
        sm_free(pc);
        sm_free(nn);
        return rc;
    }
    }
    return sm_err(SM_INTERNAL, "window: unknown function %s", call->name ? call->name : "?");
}

/* ---- phase 3: one task ------------------------------------------------------------------ */

static sm_vector *wn_gather(const wn_task *t, int val) {
    const wn_pass *p = t->ps;
    sm_type ty = SM_NULLTYPE;
    for (int64_t i = 0; i < t->n && i < 1; i++) ty = wn_vals_of(p, &t->refs[i])[val]->type;
    sm_vector *v = sm_vector_new(ty, t->n ? t->n : 1);
    if (!v) return NULL;
    for (int64_t i = 0; i < t->n; i++) {
        const wn_ref *r = &t->refs[i];
        if (sm_vector_append_from(v, wn_vals_of(p, r)[val], r->row) != SM_OK) {
            sm_vector_unref(v);
            return NULL;
        }
    }
    return v;
}

static int wn_build_output(wn_task *t) {
    wn_pass *p = t->ps;
    int64_t n = t->n;
    int ncols = p->in_ncols + p->nexprs;
    t->nob = (int)((n + SM_BATCH_ROWS - 1) / SM_BATCH_ROWS);
    t->obatches = sm_calloc((size_t)(t->nob ? t->nob : 1), sizeof *t->obatches);
    if (!t->obatches) return SM_NOMEM;
    for (int c = 0; c < t->nob; c++) {
        int64_t start = (int64_t)c * SM_BATCH_ROWS, m = n - start < SM_BATCH_ROWS ? n - start : SM_BATCH_ROWS;
        sm_batch *b = sm_batch_new(ncols, m);
        if (!b) return SM_NOMEM;
        t->obatches[c] = b;
        for (int col = 0; col < ncols; col++) {
            const sm_vector *any = col < p->in_ncols ? p->in->parts[t->refs[start].part].batches[t->refs[start].batch]->cols[col]
                                                     : t->outs[col - p->in_ncols];
            sm_vector *v = sm_vector_new(any->type, m);
            if (!v) return SM_NOMEM;
            b->cols[col] = v;
            v->precision = any->precision;
            v->scale = any->scale;
            for (int64_t i = start; i < start + m; i++) {
                int rc;
                if (col < p->in_ncols) {
                    const wn_ref *r = &t->refs[i];
                    rc = sm_vector_append_from(v, p->in->parts[r->part].batches[r->batch]->cols[col], r->row);
                } else {
                    rc = wn_append_row(v, t->outs[col - p->in_ncols], i);
                }
                if (rc != SM_OK) return rc;
            }
        }
    }
    return SM_OK;
}

static int wn_task_run(void *arg, int id) {
    wn_pass *p = arg;
    wn_task *t = &p->tasks[id];
    int64_t n = t->n;
    if (n == 0) return SM_OK;
    wn_ref *tmp = sm_malloc((size_t)n * sizeof *tmp);
    if (!tmp) return SM_NOMEM;
    wn_sort(p, t->refs, tmp, n);
    sm_free(tmp);
    const sm_window_spec *w = p->spec;
    int np = w->npartition, no = w->norder;
    t->okeys = sm_calloc((size_t)no + 1, sizeof *t->okeys);
    t->args = sm_calloc((size_t)p->nargs + 1, sizeof *t->args);
    t->outs = sm_calloc((size_t)p->nexprs + 1, sizeof *t->outs);
    t->pstart = sm_malloc((size_t)n * sizeof(int64_t));
    t->pend = sm_malloc((size_t)n * sizeof(int64_t));
    t->gs = sm_malloc((size_t)n * sizeof(int64_t));
    t->ge = sm_malloc((size_t)n * sizeof(int64_t));
    t->arena = sm_arena_new();
    if (!t->okeys || !t->args || !t->outs || !t->pstart || !t->pend || !t->gs || !t->ge || !t->arena)
        return SM_NOMEM;
    for (int k = 0; k < no; k++)
        if (!(t->okeys[k] = wn_gather(t, np + k))) return SM_NOMEM;
    for (int a = 0; a < p->nargs; a++)
        if (!(t->args[a] = wn_gather(t, np + no + a))) return SM_NOMEM;
    /* window partitions and peer groups */
    for (int64_t i = 0; i < n; i++) {
        bool newp = i == 0 || !wn_same_partition(p, &t->refs[i - 1], &t->refs[i]);
        t->pstart[i] = newp ? i : t->pstart[i - 1];
        bool newg = newp;
        for (int k = 0; !newg && k < no; k++)
            newg = wn_cmp_key(t->okeys[k], i - 1, t->okeys[k], i, false, true) != 0;
        t->gs[i] = newg ? i : t->gs[i - 1];
    }
    for (int64_t i = n - 1; i >= 0; i--) {
        bool lastp = i == n - 1 || t->pstart[i + 1] != t->pstart[i];
        t->pend[i] = lastp ? i + 1 : t->pend[i + 1];
        bool lastg = lastp || t->gs[i + 1] != t->gs[i];
        t->ge[i] = lastg ? i + 1 : t->ge[i + 1];
    }
    int64_t *fs = sm_malloc((size_t)n * sizeof *fs), *fe = sm_malloc((size_t)n * sizeof *fe);
    int rc = fs && fe ? SM_OK : SM_NOMEM;
    for (int e = 0; rc == SM_OK && e < p->nexprs; e++) {
        const wn_expr *x = &p->exprs[e];
        sm_vector *out = sm_vector_new(x->call->type, n);
        if (!out) {
            rc = SM_NOMEM;
            break;
        }
        t->outs[e] = out;
        rc = x->agg ? wn_agg(t, x, out, fs, fe) : wn_func(t, x, out, fs, fe);
    }
    sm_free(fs);
    sm_free(fe);
    if (rc == SM_OK) rc = wn_build_output(t);
    return rc;
}

static void wn_task_free(wn_pass *p, wn_task *t) {
    sm_free(t->refs);
    if (t->okeys)
        for (int k = 0; k < p->spec->norder; k++)
            if (t->okeys[k]) sm_vector_unref(t->okeys[k]);
    if (t->args)
        for (int a = 0; a < p->nargs; a++)
            if (t->args[a]) sm_vector_unref(t->args[a]);
    if (t->outs)
        for (int e = 0; e < p->nexprs; e++)
            if (t->outs[e]) sm_vector_unref(t->outs[e]);
    sm_free(t->okeys);
    sm_free(t->args);
    sm_free(t->outs);
    sm_free(t->pstart);
    sm_free(t->pend);
    sm_free(t->gs);
    sm_free(t->ge);
    if (t->arena) sm_arena_free(t->arena);
    if (t->obatches) {
        for (int i = 0; i < t->nob; i++)
            if (t->obatches[i]) sm_batch_free(t->obatches[i]);
        sm_free(t->obatches);
    }
    memset(t, 0, sizeof *t);
}

/* ---- one pass ---------------------------------------------------------------------------- */

static int wn_prepare_expr(sm_exec_ctx *ctx, wn_expr *x) {
    const sm_expr *call = x->call;
    const sm_window_spec *w = x->win->window;
    if (call->agg) {
        x->agg = call->agg;
    } else {
        x->wf = sm_window_func_find(call->name);
        if (!x->wf) return sm_err(SM_INTERNAL, "window: %s is not a window function", call->name ? call->name : "?");
    }
    for (int side = 0; side < 2; side++) {
        const sm_frame_bound *b = side ? &w->end : &w->start;
        if (b->kind != SM_FRAME_PRECEDING && b->kind != SM_FRAME_FOLLOWING) continue;
        sm_value v = {0};
        sm_arena *a = sm_arena_new();
        if (!a) return SM_NOMEM;
        int rc = b->offset ? sm_expr_eval_const(&ctx->eval, a, b->offset, &v) : SM_INTERNAL;
        sm_arena_free(a);
        if (rc != SM_OK) return rc == SM_INTERNAL ? sm_err(SM_INTERNAL, "window: frame bound without offset") : rc;
        int64_t oi = 0;
        double od = 0;
        bool dec_key = !w->frame_rows && w->norder > 0 && w->order[0].expr->type == SM_DECIMAL;
        if (dec_key && v.type != SM_DOUBLE) { /* decimal key ± int / decimal: exact */
            __int128 u = v.type == SM_DECIMAL ? v.v.dec : v.type == SM_INT ? v.v.i32 : v.v.i64;
            if (b->kind == SM_FRAME_PRECEDING) u = -u;
            x->range_dec = true;
            if (side) x->end_offu = u, x->end_offs = v.type == SM_DECIMAL ? v.scale : 0;
            else x->start_offu = u, x->start_offs = v.type == SM_DECIMAL ? v.scale : 0;
        }
        if (v.type == SM_DECIMAL) { /* int / double key ± decimal: as doubles (exact for ints) */
            od = sm_dec_to_double(v.v.dec, v.scale);
            oi = od >= 9.2e18 ? INT64_MAX : od <= -9.2e18 ? INT64_MIN : (int64_t)od;
            if (!dec_key) x->range_double = true;
        } else if (v.type == SM_DOUBLE) {
            od = v.v.f64;
            oi = isnan(od) ? 0 : od >= 9.2e18 ? INT64_MAX : od <= -9.2e18 ? INT64_MIN : (int64_t)od;
            x->range_double = true;
        } else {
            oi = v.type == SM_INT ? v.v.i32 : v.v.i64;
            od = (double)oi;
        }
        if (b->kind == SM_FRAME_PRECEDING) {
            oi = oi == INT64_MIN ? INT64_MAX : -oi;
            od = -od;
        }
        if (side) {
            x->end_off = oi;
            x->end_offd = od;
        } else {
            x->start_off = oi;
            x->start_offd = od;
        }
    }
    if (!w->frame_rows && w->norder > 0 && w->order[0].expr->type == SM_DOUBLE) x->range_double = true;
    /* a decimal key with a double offset: Spark's decimal + double is a double */
    if (x->range_double) x->range_dec = false;
    return SM_OK;
}

/* Runs the expressions `idx[0..n)` of p over `in` (taken), producing *out
 * with in's columns ++ one column per expression. */
static int wn_run_pass(sm_exec_ctx *ctx, const sm_plan *plan, const int *idx, int n, sm_mset *in,
                       int in_ncols, sm_mset **out) {
    wn_pass p = {0};
    p.ctx = ctx;
    p.in = in;
    p.in_ncols = in_ncols;
    p.nexprs = n;
    p.spec = plan->exprs[idx[0]]->window;
    int rc = SM_OK;
    p.exprs = sm_calloc((size_t)n, sizeof *p.exprs);
    if (!p.exprs) rc = SM_NOMEM;
    for (int i = 0; rc == SM_OK && i < n; i++) {
        wn_expr *x = &p.exprs[i];
        x->win = plan->exprs[idx[i]];
        x->call = x->win->args[0];
        x->arg0 = p.nargs;
        p.nargs += x->call->nargs;
        rc = wn_prepare_expr(ctx, x);
    }
    p.nvals = p.spec->npartition + p.spec->norder + p.nargs;
    p.vals = sm_calloc((size_t)in->nparts + 1, sizeof *p.vals);
    if (rc == SM_OK && !p.vals) rc = SM_NOMEM;
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, in->nparts, wn_eval_task, &p);
    /* shuffle */
    p.ntasks = p.spec->npartition == 0 ? 1 : (ctx->shuffle_partitions > 0 ? ctx->shuffle_partitions : 1);
    p.tasks = sm_calloc((size_t)p.ntasks, sizeof *p.tasks);
    if (rc == SM_OK && !p.tasks) rc = SM_NOMEM;
    uint64_t *hashes = NULL;
    for (int part = 0; rc == SM_OK && part < in->nparts; part++) {
        for (int bi = 0; rc == SM_OK && bi < in->parts[part].nbatches; bi++) {
            const sm_batch *b = in->parts[part].batches[bi];
            if (b->nrows == 0) continue;
            if (b->nrows > UINT32_MAX) {
                rc = sm_err(SM_UNSUPPORTED, "window: batch too large");
                break;
            }
            if (p.ntasks > 1) {
                uint64_t *h = sm_realloc(hashes, (size_t)b->nrows * sizeof *h);
                if (!h) {
                    rc = SM_NOMEM;
                    break;
                }
                hashes = h;
                sm_keytab_hash(p.vals[part] + (size_t)bi * p.nvals, p.spec->npartition, b->nrows, hashes);
            }
            for (int64_t r = 0; r < b->nrows; r++) {
                wn_task *t = &p.tasks[p.ntasks > 1 ? sm_keytab_piece(hashes[r], p.ntasks) : 0];
                if (t->n == t->cap) {
                    int64_t cap = t->cap ? t->cap * 2 : 1024;
                    wn_ref *nr = sm_realloc(t->refs, (size_t)cap * sizeof *nr);
                    if (!nr) {
                        rc = SM_NOMEM;
                        break;
                    }
                    t->refs = nr;
                    t->cap = cap;
                }
                t->refs[t->n++] = (wn_ref){(uint32_t)part, (uint32_t)bi, (uint32_t)r};
            }
        }
    }
    sm_free(hashes);
    for (int i = 0; p.tasks && i < p.ntasks; i++) {
        p.tasks[i].ps = &p;
        p.tasks[i].id = i;
    }
    if (rc == SM_OK) rc = sm_pool_run(ctx->pool, p.ntasks, wn_task_run, &p);
    sm_mset *m = NULL;
    if (rc == SM_OK && !(m = sm_mset_new(p.ntasks))) rc = SM_NOMEM;
    for (int i = 0; rc == SM_OK && i < p.ntasks; i++) {
        wn_task *t = &p.tasks[i];
        for (int c = 0; rc == SM_OK && c < t->nob; c++) {
            rc = sm_mset_add(m, i, t->obatches[c]);
            t->obatches[c] = NULL;
        }
    }
    /* cleanup */
    for (int i = 0; p.tasks && i < p.ntasks; i++) wn_task_free(&p, &p.tasks[i]);
    sm_free(p.tasks);
    if (p.vals) {
        for (int part = 0; part < in->nparts; part++) {
            if (!p.vals[part]) continue;
            size_t nv = (size_t)in->parts[part].nbatches * (size_t)p.nvals;
            for (size_t k = 0; k < nv; k++)
                if (p.vals[part][k]) sm_vector_unref(p.vals[part][k]);
            sm_free(p.vals[part]);
        }
        sm_free(p.vals);
    }
    sm_free(p.exprs);
    sm_mset_free(in);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}

int exec_window(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    if (p->nexprs == 0) return exec_collect(ctx, p->child, out);
    for (int i = 0; i < p->nexprs; i++) {
        const sm_expr *e = p->exprs[i];
        if (!e || e->kind != SM_EX_WINDOW || !e->window || e->nargs != 1 || !e->window->has_frame)
            return sm_err(SM_INTERNAL, "window: expression %d is not a bound window expression", i);
    }
    /* under a memory budget, an input that does not fit is partitioned by
     * the PARTITION BY keys into spill files (exec/windowspill.c) */
    sm_mset *m = NULL;
    if (!exec_window_can_spill(ctx, p)) SM_TRY(exec_collect(ctx, p->child, &m));
    else {
        SM_TRY(exec_collect_spilling(ctx, p->child, &m));
        if (exec_window_must_spill(ctx, p, m)) return exec_window_grace(ctx, p, m, out);
    }
    return exec_window_mset(ctx, p, m, out);
}

int exec_window_mset(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *m, sm_mset **out) {
    int nin = p->child->schema->ncols;
    int *order = sm_malloc((size_t)p->nexprs * sizeof *order); /* expressions in pass order */
    int *pos = sm_malloc((size_t)p->nexprs * sizeof *pos);     /* pass position of each expression */
    bool *done = sm_calloc((size_t)p->nexprs, sizeof *done);
    int rc = order && pos && done ? SM_OK : SM_NOMEM;
    int placed = 0, ncols = nin;
    for (int i = 0; rc == SM_OK && i < p->nexprs; i++) {
        if (done[i]) continue;
        int start = placed;
        for (int j = i; j < p->nexprs; j++)
            if (!done[j] && wn_same_keys(p->exprs[i]->window, p->exprs[j]->window)) {
                done[j] = true;
                pos[j] = placed;
                order[placed++] = j;
            }
        sm_mset *next = NULL;
        rc = wn_run_pass(ctx, p, order + start, placed - start, m, ncols, &next);
        m = next; /* the pass took m */
        ncols += placed - start;
    }
    /* permute the added columns into expression order */
    bool permuted = false;
    for (int i = 0; i < p->nexprs; i++)
        if (pos && pos[i] != i) permuted = true;
    if (rc == SM_OK && permuted) {
        sm_vector **tmp = sm_malloc((size_t)p->nexprs * sizeof *tmp);
        if (!tmp) rc = SM_NOMEM;
        for (int part = 0; rc == SM_OK && part < m->nparts; part++)
            for (int bi = 0; bi < m->parts[part].nbatches; bi++) {
                sm_batch *b = m->parts[part].batches[bi];
                for (int i = 0; i < p->nexprs; i++) tmp[i] = b->cols[nin + pos[i]];
                memcpy(b->cols + nin, tmp, (size_t)p->nexprs * sizeof *tmp);
            }
        sm_free(tmp);
    }
    sm_free(order);
    sm_free(pos);
    sm_free(done);
    if (rc != SM_OK) {
        sm_mset_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}

bool exec_window_can_spill(const sm_exec_ctx *ctx, const sm_plan *p) {
    if (ctx->memory_limit <= 0 || p->nexprs == 0) return false;
    const sm_window_spec *w0 = p->exprs[0]->window;
    if (w0->npartition == 0) return false; /* one window partition: nothing to split */
    for (int i = 1; i < p->nexprs; i++) {
        const sm_window_spec *w = p->exprs[i]->window;
        if (w->npartition != w0->npartition) return false;
        for (int k = 0; k < w0->npartition; k++)
            if (!wn_expr_equal(w->partition[k], w0->partition[k])) return false;
    }
    return true;
}
