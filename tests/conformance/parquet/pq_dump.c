/*
 * pq_dump.c — prints a Parquet file as smelt reads it, in the canonical text
 * of expected/*.txt (pq_canon.h); on failure prints "error: <code>: <message>".
 * A debugging aid for the conformance test:
 *     cc -std=gnu17 -Iinclude -Isrc -Itests/conformance/parquet \
 *        tests/conformance/parquet/pq_dump.c build/libsmelt.a $(LIBS) -o /tmp/pq_dump
 */
#include <stdlib.h>

#include "pq_canon.h"

int main(int argc, char **argv) {
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        sm_buf b = {0};
        int rc = pqc_dump(argv[i], &b);
        if (rc) {
            printf("error: %s: %s\n", sm_status_name(rc), sm_errmsg());
            bad = 1;
        } else {
            fwrite(b.data, 1, b.len, stdout);
        }
        sm_buf_free(&b);
    }
    return bad;
}
