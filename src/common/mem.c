/*
 * mem.c — counted allocation, fault injection, arenas and byte buffers.
 *
 * Counting: each block carries a 16-byte header holding its size, so
 * sm_free can subtract it without a lookup.  The counters are atomics shared
 * by all threads.  Fault injection (sm_mem_fail_after) counts down across
 * all threads; tests use it single-threaded.
 *
 * Arenas: a chain of blocks, bump-allocated; big requests get their own
 * block.  Memory is returned only by reset/free.
 */
#include "common/mem.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"

#define HDR 16

static atomic_llong mem_in_use, mem_peak, mem_fail_countdown;

int64_t sm_mem_in_use(void) { return atomic_load(&mem_in_use); }
int64_t sm_mem_peak(void) { return atomic_load(&mem_peak); }
void sm_mem_peak_reset(void) { atomic_store(&mem_peak, atomic_load(&mem_in_use)); }
void sm_mem_fail_after(int64_t n) { atomic_store(&mem_fail_countdown, n); }
int64_t sm_mem_fail_pending(void) {
    long long n = atomic_load(&mem_fail_countdown);
    return n > 0 ? n : 0;
}

static int injected_failure(void) {
    long long n = atomic_load(&mem_fail_countdown);
    if (n <= 0) return 0;
    return atomic_fetch_sub(&mem_fail_countdown, 1) == 1;
}

static void count(long long delta) {
    long long now = atomic_fetch_add(&mem_in_use, delta) + delta;
    long long peak = atomic_load(&mem_peak);
    while (now > peak && !atomic_compare_exchange_weak(&mem_peak, &peak, now)) {
    }
}

void *sm_malloc(size_t n) {
    if (injected_failure()) {
        sm_err(SM_NOMEM, "out of memory (injected failure allocating %zu bytes)", n);
        return NULL;
    }
    unsigned char *p = malloc(n + HDR);
    if (!p) {
        sm_err(SM_NOMEM, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    *(size_t *)p = n;
    count((long long)n);
    return p + HDR;
}

void *sm_calloc(size_t count_, size_t size) {
    if (size && count_ > (size_t)-1 / size) {
        sm_err(SM_NOMEM, "out of memory: %zu x %zu bytes overflows", count_, size);
        return NULL;
    }
    void *p = sm_malloc(count_ * size);
    if (p) memset(p, 0, count_ * size);
    return p;
}

void *sm_realloc(void *old, size_t n) {
    if (!old) return sm_malloc(n);
    if (injected_failure()) {
        sm_err(SM_NOMEM, "out of memory (injected failure allocating %zu bytes)", n);
        return NULL;
    }
    unsigned char *base = (unsigned char *)old - HDR;
    size_t was = *(size_t *)base;
    unsigned char *p = realloc(base, n + HDR);
    if (!p) {
        sm_err(SM_NOMEM, "out of memory allocating %zu bytes", n);
        return NULL;
    }
    *(size_t *)p = n;
    count((long long)n - (long long)was);
    return p + HDR;
}

void sm_free(void *p) {
    if (!p) return;
    unsigned char *base = (unsigned char *)p - HDR;
    count(-(long long)*(size_t *)base);
    free(base);
}

char *sm_strndup(const char *s, size_t n) {
    char *d = sm_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *sm_strdup(const char *s) { return sm_strndup(s, strlen(s)); }

/* ---- arenas ---------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} arena_block;

typedef struct arena_cleanup {
    struct arena_cleanup *next;
    void (*fn)(void *);
    void *arg;
} arena_cleanup;

struct sm_arena {
    arena_block *head;
    arena_cleanup *cleanups; /* run newest first by reset and free */
};

int sm_arena_on_free(sm_arena *a, void (*fn)(void *), void *arg) {
    arena_cleanup *c = sm_arena_alloc(a, sizeof *c);
    if (!c) return SM_NOMEM;
    c->fn = fn;
    c->arg = arg;
    c->next = a->cleanups;
    a->cleanups = c;
    return SM_OK;
}

static void arena_run_cleanups(sm_arena *a) {
    for (arena_cleanup *c = a->cleanups; c; c = c->next) c->fn(c->arg);
    a->cleanups = NULL;
}

#define ARENA_BLOCK 16384

sm_arena *sm_arena_new(void) { return sm_calloc(1, sizeof(sm_arena)); }

void *sm_arena_alloc(sm_arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
        arena_block *nb = sm_malloc(sizeof(arena_block) + size);
        if (!nb) return NULL;
        nb->used = 0;
        nb->size = size;
        if (size == n && b) { /* big block: keep the current one on top */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *sm_arena_strndup(sm_arena *a, const char *s, size_t n) {
    char *d = sm_arena_alloc(a, n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *sm_arena_strdup(sm_arena *a, const char *s) { return sm_arena_strndup(a, s, strlen(s)); }

char *sm_arena_printf(sm_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *d = sm_arena_alloc(a, (size_t)n + 1);
    if (!d) return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void sm_arena_reset(sm_arena *a) {
    arena_run_cleanups(a);
    arena_block *b = a->head;
    while (b && b->next) {
        arena_block *next = b->next;
        b->next = next->next;
        sm_free(next);
    }
    if (b) b->used = 0;
}

void sm_arena_free(sm_arena *a) {
    if (!a) return;
    arena_run_cleanups(a);
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        sm_free(b);
        b = next;
    }
    sm_free(a);
}

/* ---- byte buffers ---------------------------------------------------- */

int sm_buf_reserve(sm_buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return SM_OK;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *d = sm_realloc(b->data, cap);
    if (!d) return SM_NOMEM;
    b->data = d;
    b->cap = cap;
    return SM_OK;
}

int sm_buf_append(sm_buf *b, const void *p, size_t n) {
    SM_TRY(sm_buf_reserve(b, n));
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return SM_OK;
}

int sm_buf_putc(sm_buf *b, char c) {
    SM_TRY(sm_buf_reserve(b, 1));
    b->data[b->len++] = c;
    return SM_OK;
}

int sm_buf_appendf(sm_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return sm_err(SM_INTERNAL, "bad format string");
    SM_TRY(sm_buf_reserve(b, (size_t)n));
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return SM_OK;
}

const char *sm_buf_cstr(sm_buf *b) {
    if (sm_buf_reserve(b, 0) != SM_OK) return "";
    b->data[b->len] = 0;
    return b->data;
}

void sm_buf_free(sm_buf *b) {
    sm_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
