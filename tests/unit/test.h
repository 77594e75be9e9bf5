/*
 * test.h — a tiny unit-test harness (one file, no dependencies).
 *
 *     #include "test.h"
 *     TEST(vector_append) { CHECK(v != NULL); CHECK_INT(v->length, 3); }
 *
 * Each TEST registers itself before main(); main() (defined here, so include
 * this header from exactly one file per test program) runs them all and
 * prints "PASS name" / "FAIL name" per test, then "N passed, N failed".  The
 * exit status is non-zero when any test failed.  tests/run.sh adds the
 * counts of every program up.
 */
#ifndef SM_TEST_H
#define SM_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*t_fn)(void);
static struct { const char *name; t_fn fn; } t_tests[1024];
static int t_ntests, t_failed_now;

static void t_register(const char *name, t_fn fn) { t_tests[t_ntests].name = name; t_tests[t_ntests++].fn = fn; }

#define TEST(name)                                                                  \
    static void name(void);                                                         \
    __attribute__((constructor)) static void t_reg_##name(void) { t_register(#name, name); } \
    static void name(void)

#define T_FAIL(...)                                                                 \
    do {                                                                            \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                           \
        fprintf(stderr, __VA_ARGS__);                                               \
        fprintf(stderr, "\n");                                                      \
        t_failed_now = 1;                                                           \
    } while (0)

#define CHECK(c) do { if (!(c)) T_FAIL("CHECK(%s) failed", #c); } while (0)
#define CHECK_INT(a, b)                                                             \
    do {                                                                            \
        long long t_a = (long long)(a), t_b = (long long)(b);                       \
        if (t_a != t_b) T_FAIL("%s == %lld, expected %lld", #a, t_a, t_b);          \
    } while (0)
#define CHECK_DBL(a, b, tol)                                                        \
    do {                                                                            \
        double t_a = (a), t_b = (b);                                                \
        if (!(fabs(t_a - t_b) <= (tol))) T_FAIL("%s == %.17g, expected %.17g", #a, t_a, t_b); \
    } while (0)
#define CHECK_STR(a, b)                                                             \
    do {                                                                            \
        const char *t_a = (a), *t_b = (b);                                          \
        if (!t_a || !t_b || strcmp(t_a, t_b) != 0)                                  \
            T_FAIL("%s == \"%s\", expected \"%s\"", #a, t_a ? t_a : "(null)", t_b ? t_b : "(null)"); \
    } while (0)
/* Status check: prints the library's error message on failure. */
#define CHECK_OK(expr)                                                              \
    do {                                                                            \
        int t_rc = (expr);                                                          \
        if (t_rc != 0) T_FAIL("%s returned %d: %s", #expr, t_rc, t_errmsg());       \
    } while (0)

const char *sm_errmsg(void);
static __attribute__((unused)) const char *t_errmsg(void) { return sm_errmsg(); }

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    const char *only = argc > 1 ? argv[1] : NULL;
    for (int i = 0; i < t_ntests; i++) {
        if (only && !strstr(t_tests[i].name, only)) continue;
        t_failed_now = 0;
        t_tests[i].fn();
        if (t_failed_now) { failed++; printf("FAIL %s\n", t_tests[i].name); }
        else { passed++; printf("PASS %s\n", t_tests[i].name); }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
