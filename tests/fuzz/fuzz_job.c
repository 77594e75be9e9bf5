/*
 * fuzz_job.c — libFuzzer target for job files (src/job/): the YAML reader
 * (libyaml, then the tree copy with its alias and depth limits) and every
 * check that needs no data (job_check: substitution, keys, parameters,
 * references, cycles).  job_build is left out: it reads the files a job
 * names, and a fuzzer must not read /dev/zero or the disk at large.
 *
 *     make fuzz && build-fuzz/fuzz_job -max_total_time=60 tests/fuzz/corpus/fuzz_job
 *
 * Properties checked beyond "no crash, no sanitizer report, no leak":
 *   1. a failing phase leaves at least one diagnostic, each with a
 *      non-empty message and a line/column that is 0 (no place) or >= 1;
 *   2. printing the diagnostics works (sorted copy, no overflow).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "job/job.h"

static FILE *fz_null;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fz_null) fz_null = fopen("/dev/null", "w");
    job *j = job_new("fuzz.yaml");
    if (!j) return 0;
    int rc = job_parse(j, (const char *)data, size);
    if (rc != SM_NOMEM) {
        job_set_arg(j, "input", "in/");   /* may be undeclared: a diagnostic */
        job_set_arg(j, "output", "out/");
        int rc2 = job_check(j);
        if (rc2 != SM_OK && rc2 != SM_NOMEM && job_ndiags(j) == 0) abort();
    }
    if (rc != SM_OK && rc != SM_NOMEM && job_ndiags(j) == 0) abort();
    for (int i = 0; i < job_ndiags(j); i++) {
        const job_diag *d = job_diag_at(j, i);
        if (!d->msg || !d->msg[0] || d->line < 0 || d->col < 0) abort();
        if ((d->line == 0) != (d->col == 0)) abort();
    }
    if (fz_null) job_print_diags(j, fz_null);
    job_free(j);
    return 0;
}
