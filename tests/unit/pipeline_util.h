/*
 * pipeline_util.h — scratch files for the end-to-end unit tests that run
 * pipelines through the public API (test_errors.c, test_faults.c).
 *
 * Define PU_TMP_TEMPLATE (a mkdtemp template such as
 * "/tmp/smelt-test-errors-XXXXXX") before including.  The directory is made
 * on first use and removed with everything in it at exit.  tpath() returns
 * one of a few rotating static buffers, so a handful of paths can be held
 * at once; nothing here is thread-safe (tests call it from the main thread).
 * Failing to make a file is a broken test machine, not a test failure: it
 * exits with status 2.
 */
#ifndef SM_TEST_PIPELINE_UTIL_H
#define SM_TEST_PIPELINE_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "fs/commit.h"

#ifndef PU_TMP_TEMPLATE
#error "define PU_TMP_TEMPLATE before including pipeline_util.h"
#endif

static char g_tmp[256];

static inline void cleanup_tmp(void) {
    if (g_tmp[0]) fs_remove_tree(g_tmp);
}

static inline const char *tmpdir(void) {
    if (!g_tmp[0]) {
        snprintf(g_tmp, sizeof g_tmp, "%s", PU_TMP_TEMPLATE);
        if (!mkdtemp(g_tmp)) {
            perror("mkdtemp");
            exit(2);
        }
        atexit(cleanup_tmp);
    }
    return g_tmp;
}

/* tmpdir()/rel in one of a few rotating buffers. */
static inline const char *tpath(const char *rel) {
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, 512, "%s/%s", tmpdir(), rel);
    return b;
}

/* Writes `text` to tmpdir()/rel. */
static inline void write_file(const char *rel, const char *text) {
    FILE *f = fopen(tpath(rel), "w");
    if (!f) {
        perror(rel);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

#endif
