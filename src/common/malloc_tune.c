/*
 * malloc_tune.c — glibc malloc settings for an engine that allocates and
 * frees many large, short-lived blocks (mem.h: sm_mem_tune_malloc).
 *
 * Why: a batch's vectors, a writer's output buffer and a hash table's slot
 * array are typically 64 KB–32 MB.  glibc serves blocks above its mmap
 * threshold (128 KB at start, raised dynamically only up to what was freed)
 * with a fresh mmap and returns them with munmap, and trims the heap's top
 * above 128 KB: every such block then costs page faults and the kernel's
 * zeroing of every page on its next use.  On the chapter-9 job at 10 M rows
 * that was ~13% of the process's CPU (examples/drivendata;
 * docs/performance.md).  With the threshold at glibc's maximum (32 MB) and
 * a trim threshold of 1 GB, freed blocks go back to malloc's free lists and
 * are reused by the next batch without a fault.
 *
 * The cost: up to the trim threshold of freed memory can stay mapped in
 * the process (it is reused by later allocations).  SMELT_MALLOC_TUNE=0
 * leaves glibc's defaults (for A/B runs).  Applied once per process, by
 * the first session; a no-op where mallopt does not exist (non-glibc C
 * libraries) or is intercepted (AddressSanitizer).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

static pthread_once_t tune_once = PTHREAD_ONCE_INIT;
static int tune_applied;

static void tune(void) {
    const char *e = getenv("SMELT_MALLOC_TUNE");
    if (e && strcmp(e, "0") == 0) return;
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && \
    !defined(__SANITIZE_ADDRESS__)
    int ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    ok &= mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    tune_applied = ok == 1;
#endif
}

int sm_mem_tune_malloc(void) {
    pthread_once(&tune_once, tune);
    return tune_applied;
}
