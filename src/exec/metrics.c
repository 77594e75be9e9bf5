/*
 * metrics.c — per-operator run-time metrics (metrics.h) and the EXPLAIN
 * ANALYZE text.
 *
 * Self time with one thread-local accumulator: every timed span saves the
 * thread's `nested` total, zeroes it, runs, and charges itself its elapsed
 * time minus what nested spans on the same thread charged; then it adds
 * its whole elapsed time to the saved total, so its parent excludes it.
 * Stages run as tasks are such spans too (for the driver thread), so a
 * breaker is not charged for the tasks it waits on; the breaker's
 * consume callbacks inside those tasks are charged to it explicitly.
 *
 * Nodes are registered up front (the plan is a DAG: each node once), so
 * tasks only read the table and update atomics.
 *
 * Memory: the table and its entries are sm_malloc'd, freed by
 * sm_exec_metrics_free.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/metrics.h"

static _Thread_local int64_t tl_nested;
static _Thread_local sm_op_metrics *tl_breaker;

int64_t sm_exec_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

sm_op_metrics *sm_exec_metrics_find(const sm_exec_metrics *m, const sm_plan *p) {
    if (!m) return NULL;
    for (int i = 0; i < m->n; i++)
        if (m->ops[i]->node == p) return m->ops[i];
    return NULL;
}

static int reg(sm_exec_metrics *m, const sm_plan *p) {
    if (!p || sm_exec_metrics_find(m, p)) return SM_OK;
    if (m->n == m->cap) {
        int cap = m->cap ? m->cap * 2 : 16;
        sm_op_metrics **o = sm_realloc(m->ops, (size_t)cap * sizeof *o);
        if (!o) return SM_NOMEM;
        m->ops = o;
        m->cap = cap;
    }
    sm_op_metrics *op = sm_calloc(1, sizeof *op);
    if (!op) return SM_NOMEM;
    op->node = p;
    if (p->kind == SM_PLAN_SCAN && p->source && p->source->metrics) {
        op->has_scan = true;
        p->source->metrics(p->source, &op->scan_before);
    }
    m->ops[m->n++] = op;
    SM_TRY(reg(m, p->child));
    for (int i = 0; i < p->nchildren; i++) SM_TRY(reg(m, p->children[i]));
    return SM_OK;
}

sm_exec_metrics *sm_exec_metrics_new(const sm_plan *root) {
    sm_exec_metrics *m = sm_calloc(1, sizeof *m);
    if (!m) return NULL;
    if (reg(m, root) != SM_OK) {
        sm_exec_metrics_free(m);
        return NULL;
    }
    m->start_ns = sm_exec_now_ns();
    return m;
}

void sm_exec_metrics_free(sm_exec_metrics *m) {
    if (!m) return;
    for (int i = 0; i < m->n; i++) sm_free(m->ops[i]);
    sm_free(m->ops);
    sm_free(m);
}

/* ---- the stream wrapper ------------------------------------------------------ */

typedef struct {
    sm_stream base;
    sm_stream *inner;
    sm_op_metrics *op;
} metered_stream;

static int metered_next(sm_stream *s, sm_batch **out) {
    metered_stream *ms = (metered_stream *)s;
    int64_t saved = tl_nested;
    tl_nested = 0;
    int64_t t0 = sm_exec_now_ns();
    int rc = ms->inner->next(ms->inner, out);
    int64_t el = sm_exec_now_ns() - t0;
    atomic_fetch_add(&ms->op->time_ns, el - tl_nested);
    tl_nested = saved + el;
    if (rc == SM_OK && *out) {
        atomic_fetch_add(&ms->op->rows, (*out)->nrows);
        atomic_fetch_add(&ms->op->batches, 1);
    }
    return rc;
}

static void metered_close(sm_stream *s) {
    metered_stream *ms = (metered_stream *)s;
    ms->inner->close(ms->inner);
    sm_free(ms);
}

int exec_metrics_wrap(sm_exec_ctx *ctx, const sm_plan *p, sm_stream **s) {
    sm_op_metrics *op = sm_exec_metrics_find(ctx->metrics, p);
    if (!op || !*s) return SM_OK;
    metered_stream *ms = sm_calloc(1, sizeof *ms);
    if (!ms) {
        (*s)->close(*s);
        *s = NULL;
        return sm_err(SM_NOMEM, "out of memory collecting metrics");
    }
    ms->base.next = metered_next;
    ms->base.close = metered_close;
    ms->inner = *s;
    ms->op = op;
    atomic_fetch_add(&op->streams, 1);
    *s = &ms->base;
    return SM_OK;
}

/* ---- breakers and stages ------------------------------------------------------- */

static void mem_sample(sm_op_metrics *op) {
    int64_t now = sm_mem_in_use();
    int64_t cur = atomic_load(&op->mem_peak);
    while (now > cur && !atomic_compare_exchange_weak(&op->mem_peak, &cur, now)) {
    }
}

void exec_metrics_breaker_begin(sm_exec_ctx *ctx, const sm_plan *p, exec_metrics_span *sp) {
    memset(sp, 0, sizeof *sp);
    sp->op = sm_exec_metrics_find(ctx->metrics, p);
    if (!sp->op) return;
    sp->op->breaker_ran = true;
    atomic_store(&sp->op->mem_base, sm_mem_in_use());
    atomic_store(&sp->op->mem_peak, sm_mem_in_use());
    sp->saved_nested = tl_nested;
    tl_nested = 0;
    sp->prev_breaker = tl_breaker;
    tl_breaker = sp->op;
    sp->t0 = sm_exec_now_ns();
}

void exec_metrics_breaker_end(exec_metrics_span *sp) {
    if (!sp->op) return;
    int64_t el = sm_exec_now_ns() - sp->t0;
    atomic_fetch_add(&sp->op->time_ns, el - tl_nested);
    tl_nested = sp->saved_nested + el;
    tl_breaker = sp->prev_breaker;
    mem_sample(sp->op);
}

sm_op_metrics *exec_metrics_stage_begin(exec_metrics_span *sp) {
    memset(sp, 0, sizeof *sp);
    sp->saved_nested = tl_nested;
    sp->prev_breaker = tl_breaker;
    sp->t0 = sm_exec_now_ns();
    return tl_breaker;
}

void exec_metrics_stage_end(exec_metrics_span *sp) {
    int64_t el = sm_exec_now_ns() - sp->t0;
    tl_nested = sp->saved_nested + el;
    tl_breaker = sp->prev_breaker;
}

void exec_metrics_consumed(sm_op_metrics *op, int64_t ns) {
    if (!op) return;
    atomic_fetch_add(&op->time_ns, ns);
    tl_nested += ns; /* a stream wrapper around this task (none today) excludes it */
    mem_sample(op);
}

/* ---- EXPLAIN ANALYZE text ---------------------------------------------------------- */

void sm_exec_metrics_spilled(sm_exec_ctx *ctx, const sm_plan *p, int64_t bytes, int64_t partitions) {
    sm_op_metrics *op = ctx->metrics ? sm_exec_metrics_find(ctx->metrics, p) : NULL;
    if (!op) return;
    atomic_fetch_add(&op->spill_bytes, bytes);
    atomic_fetch_add(&op->spill_partitions, partitions);
}

static void put_bytes(sm_buf *b, int64_t n) {
    if (n < 1024) sm_buf_appendf(b, "%lld B", (long long)n);
    else if (n < 1024 * 1024) sm_buf_appendf(b, "%.1f KiB", n / 1024.0);
    else if (n < 1024LL * 1024 * 1024) sm_buf_appendf(b, "%.1f MiB", n / 1048576.0);
    else sm_buf_appendf(b, "%.2f GiB", n / 1073741824.0);
}

static void put_time(sm_buf *b, int64_t ns, bool mask) {
    if (mask) sm_buf_appendf(b, "* ms");
    else sm_buf_appendf(b, "%.3f ms", ns / 1e6);
}

static void print_node(const sm_exec_metrics *m, sm_arena *a, const sm_plan *p, int depth, bool mask, FILE *out) {
    const sm_op_metrics *op = sm_exec_metrics_find(m, p);
    fprintf(out, "%*s%s%s\n", depth * 3, "", depth ? "+- " : "", sm_plan_describe(a, p));
    sm_buf b = {0};
    if (op) {
        sm_buf_appendf(&b, "rows=%lld, time=", (long long)atomic_load(&op->rows));
        put_time(&b, atomic_load(&op->time_ns), mask);
        sm_buf_appendf(&b, ", tasks=%lld", (long long)atomic_load(&op->streams));
        if (op->breaker_ran) {
            int64_t grow = atomic_load(&op->mem_peak) - atomic_load(&op->mem_base);
            sm_buf_appendf(&b, ", peak memory=");
            if (mask) sm_buf_appendf(&b, "*");
            else put_bytes(&b, grow > 0 ? grow : 0);
        }
        int64_t spilled = atomic_load(&op->spill_bytes);
        if (spilled > 0 || atomic_load(&op->spill_partitions) > 0) {
            sm_buf_appendf(&b, ", spilled=");
            if (mask) sm_buf_appendf(&b, "*");
            else put_bytes(&b, spilled);
            sm_buf_appendf(&b, " in %lld partitions", (long long)atomic_load(&op->spill_partitions));
        }
        if (op->has_scan) {
            sm_scan_metrics now = {0};
            p->source->metrics(p->source, &now);
            sm_buf_appendf(&b, ", files=%lld, bytes read=%lld", (long long)now.files,
                           (long long)(now.bytes_read - op->scan_before.bytes_read));
            if (now.row_groups_total > 0)
                sm_buf_appendf(&b, ", row groups read=%lld, skipped by statistics=%lld of %lld",
                               (long long)(now.row_groups_read - op->scan_before.row_groups_read),
                               (long long)now.row_groups_skipped, (long long)now.row_groups_total);
            if (now.partitions_total > 0)
                sm_buf_appendf(&b, ", partitions read=%lld, skipped=%lld", (long long)now.partitions_read,
                               (long long)(now.partitions_total - now.partitions_read));
        }
        if (p->kind == SM_PLAN_SCAN) sm_buf_appendf(&b, ", rows scanned=%lld", (long long)atomic_load(&op->rows));
    }
    if (b.len) fprintf(out, "%*s%s   [%s]\n", depth * 3, "", depth ? "   " : "", sm_buf_cstr(&b));
    sm_buf_free(&b);
    if (p->child) print_node(m, a, p->child, depth + 1, mask, out);
    for (int i = 0; i < p->nchildren; i++) print_node(m, a, p->children[i], depth + 1, mask, out);
}

void sm_exec_metrics_print(const sm_exec_metrics *m, const sm_plan *root, bool mask, FILE *out) {
    sm_arena *a = sm_arena_new();
    if (!a) return;
    fprintf(out, "== Physical Plan (analyzed) ==\n");
    print_node(m, a, root, 0, mask, out);
    sm_buf b = {0};
    sm_buf_appendf(&b, "Total time: ");
    put_time(&b, m->wall_ns, mask);
    fprintf(out, "%s\n", sm_buf_cstr(&b) ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    sm_arena_free(a);
}
