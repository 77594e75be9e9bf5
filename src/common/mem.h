/*
 * mem.h — the one allocator entry point, and arenas.
 *
 * Every allocation in smelt goes through sm_malloc / sm_calloc / sm_realloc /
 * sm_free so that (1) bytes in use can be counted against a budget, and (2)
 * tests can inject an allocation failure at the N-th call (SQLite's
 * fault-injection tests).  On failure they return NULL after recording an
 * SM_NOMEM message; callers return SM_NOMEM.  Nothing in smelt aborts on
 * memory exhaustion.
 *
 * Arenas (sm_arena) serve objects that share a lifetime — a parsed
 * expression tree, a query's plan, a batch's scratch strings — and are freed
 * at once with sm_arena_free (PostgreSQL memory contexts).
 */
#ifndef SM_MEM_H
#define SM_MEM_H

#include <stddef.h>
#include <stdint.h>

void *sm_malloc(size_t n);
void *sm_calloc(size_t count, size_t size);
void *sm_realloc(void *p, size_t n);
void sm_free(void *p);
char *sm_strdup(const char *s);
char *sm_strndup(const char *s, size_t n);

/* Bytes currently allocated through sm_malloc and friends (all threads). */
int64_t sm_mem_in_use(void);
/* Peak of sm_mem_in_use since start (or since sm_mem_peak_reset). */
int64_t sm_mem_peak(void);
/* Restarts the peak at the current sm_mem_in_use (tests, benchmarks). */
void sm_mem_peak_reset(void);
/* Test hook: make the n-th allocation from now fail (0 disables). */
void sm_mem_fail_after(int64_t n);
/* Test hook: allocations left before the injected failure fires; 0 when none
 * is pending (it fired, or injection is off). */
int64_t sm_mem_fail_pending(void);
/* Raises glibc's mmap and trim thresholds (32 MB, 1 GB) once per process,
 * so large blocks freed by one batch are reused by the next without page
 * faults (malloc_tune.c).  SMELT_MALLOC_TUNE=0 turns it off.  Returns 1 when
 * the settings were applied, 0 otherwise (turned off, not glibc, ASan). */
int sm_mem_tune_malloc(void);

typedef struct sm_arena sm_arena;

sm_arena *sm_arena_new(void);
void *sm_arena_alloc(sm_arena *a, size_t n);       /* 16-byte aligned, zeroed */
char *sm_arena_strdup(sm_arena *a, const char *s);
char *sm_arena_strndup(sm_arena *a, const char *s, size_t n);
char *sm_arena_printf(sm_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sm_arena_reset(sm_arena *a);                  /* keep first block, drop contents */
/* Calls fn(arg) when the arena is reset or freed (newest first): for
 * objects an arena's contents own that live outside it (vectors that
 * aggregate states hold).  SM_NOMEM. */
int sm_arena_on_free(sm_arena *a, void (*fn)(void *), void *arg);
void sm_arena_free(sm_arena *a);

/* Growable byte buffer (strings, output lines). */
typedef struct {
    char *data;
    size_t len, cap;
} sm_buf;

int sm_buf_reserve(sm_buf *b, size_t extra);
int sm_buf_append(sm_buf *b, const void *p, size_t n);
int sm_buf_appendf(sm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sm_buf_putc(sm_buf *b, char c);
void sm_buf_free(sm_buf *b);
/* NUL-terminated view (appends a NUL not counted in len). */
const char *sm_buf_cstr(sm_buf *b);

#endif
