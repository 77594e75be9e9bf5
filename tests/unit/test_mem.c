/* test_mem.c — malloc tuning (common/malloc_tune.c) and short copies (common/copy.h). */
#include "test.h"

#include <malloc.h>

#include "common/copy.h"
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

/* common/copy.h: sm_copy_bytes equals memcpy and sm_move_bytes memmove for
 * every length 0..40 (each length class of the inline copy and the calls
 * beyond), at every source offset 0..7, and for sm_move_bytes with the
 * destination before and after the source, overlapping by any amount;
 * bytes outside the destination stay as they were. */
TEST(copy_bytes_short_and_overlapping) {
    char src[128], ref[128], got[128];
    for (int i = 0; i < 128; i++) src[i] = (char)(i * 7 + 3);
    int bad = 0;
    for (size_t n = 0; n <= 40; n++) {
        for (int so = 0; so < 8; so++) {
            memset(ref, 0x55, sizeof ref);
            memset(got, 0x55, sizeof got);
            memcpy(ref + 40, src + so, n);
            sm_copy_bytes(got + 40, src + so, n);
            bad += memcmp(ref, got, sizeof ref) != 0;
        }
        for (int shift = -40; shift <= 40; shift++) {
            memcpy(ref, src, sizeof ref);
            memcpy(got, src, sizeof got);
            memmove(ref + 44 + shift, ref + 44, n);
            sm_move_bytes(got + 44 + shift, got + 44, n);
            bad += memcmp(ref, got, sizeof ref) != 0;
        }
    }
    CHECK_INT(bad, 0);
}
