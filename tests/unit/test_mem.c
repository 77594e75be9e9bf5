/* test_mem.c — malloc tuning (common/malloc_tune.c). */
#include "test.h"

#include <malloc.h>

#include "common/mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif

/* After tuning, an 8 MB block (above glibc's default 128 KB mmap
 * threshold) comes from the heap, not from its own mmap, so freeing and
 * allocating it again reuses pages instead of faulting in fresh ones. */
TEST(malloc_tune_keeps_big_blocks_in_the_heap) {
#ifdef T_ASAN
    CHECK_INT(sm_mem_tune_malloc(), 0); /* ASan's allocator: nothing to tune */
#else
    CHECK_INT(sm_mem_tune_malloc(), 1);
    CHECK_INT(sm_mem_tune_malloc(), 1); /* once per process, idempotent */
    struct mallinfo2 before = mallinfo2();
    void *p = sm_malloc(8u << 20);
    CHECK(p != NULL);
    struct mallinfo2 during = mallinfo2();
    CHECK_INT((long long)(during.hblks - before.hblks), 0);
    sm_free(p);
#endif
}
