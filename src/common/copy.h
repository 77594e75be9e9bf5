/*
 * copy.h — sm_copy_bytes: memcpy for the short, variable-length copies of
 * per-row loops (a string value into a vector or an output buffer).
 *
 * Most values are a few to a few dozen bytes, where a call to memcpy (its
 * length dispatch, through the PLT) costs more than the copy; the writer's
 * and the filter's per-row memcpy calls were several percent of the
 * chapter-9 job.  Up to 32 bytes the copy is done inline with two loads and
 * two stores of the widest size that fits, overlapping in the middle (both
 * loads before the stores), never touching a byte outside s[0, n) or
 * d[0, n); longer copies call memcpy (sm_copy_bytes, whose ranges must
 * not overlap) or memmove (sm_move_bytes).
 */
#ifndef SM_COMMON_COPY_H
#define SM_COMMON_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* n <= 32 bytes: every load is done before the first store, so the
 * ranges may overlap (memmove's semantics). */
static inline void sm_copy_upto32(char *d, const char *s, size_t n) {
    if (n >= 16) {
#if defined(__SSE2__)
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i z = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        _mm_storeu_si128((__m128i *)(void *)d, a);
        _mm_storeu_si128((__m128i *)(void *)(d + n - 16), z);
#else
        memmove(d, s, n);
#endif
    } else if (n >= 8) {
        uint64_t a, z;
        memcpy(&a, s, 8);
        memcpy(&z, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &z, 8);
    } else if (n >= 4) {
        uint32_t a, z;
        memcpy(&a, s, 4);
        memcpy(&z, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &z, 4);
    } else if (n > 0) {
        char a = s[0], m = s[n / 2], z = s[n - 1];
        d[0] = a;
        d[n / 2] = m;
        d[n - 1] = z;
    }
}

/* memcpy(d, s, n): the ranges must not overlap. */
static inline void sm_copy_bytes(char *d, const char *s, size_t n) {
    if (n > 32) memcpy(d, s, n);
    else sm_copy_upto32(d, s, n);
}

/* memmove(d, s, n): the ranges may overlap. */
static inline void sm_move_bytes(char *d, const char *s, size_t n) {
    if (n > 32) memmove(d, s, n);
    else sm_copy_upto32(d, s, n);
}

#endif
