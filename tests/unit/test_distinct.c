/*
 * test_distinct.c — dropDuplicates(subset) (exec/distinct.c): the first row
 * of each key in input order wins, whichever way its batch is emitted
 * (handed over whole, compacted in place, winners copied out, vectors
 * shared by two columns copied), across splits and threads, with nulls in
 * the key and in the other columns.
 *
 * The expected rows are computed here from the generated input (first
 * occurrence per key, input order); both sides are compared as sorted
 * lines, since the output order is not part of the contract.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#include "api/api_internal.h"
#include "formats/csv.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted "c1|c2|..." lines of a collected DataFrame, joined by '\n'. */
static char *sorted_rows(sm_dataframe *df, int64_t *nrows) {
    sm_result *r = df ? sm_df_collect(df) : NULL;
    *nrows = -1;
    if (!r) return strdup("(error)");
    int64_t n = sm_result_num_rows(r);
    int nc = sm_result_num_columns(r);
    char **lines = calloc((size_t)n + 1, sizeof *lines);
    size_t total = 1;
    for (int64_t i = 0; i < n; i++) {
        char buf[256];
        size_t len = 0;
        for (int c = 0; c < nc; c++) {
            const char *v = sm_result_is_null(r, i, c) ? "NULL" : sm_result_get_string(r, i, c);
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", c ? "|" : "", v);
        }
        lines[i] = strdup(buf);
        total += len + 1;
    }
    sm_result_free(r);
    qsort(lines, (size_t)n, sizeof *lines, cmp_str);
    char *out = malloc(total);
    out[0] = '\0';
    size_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        at += (size_t)sprintf(out + at, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    *nrows = n;
    return out;
}

TEST(drop_duplicates_first_row_wins_every_emit_path) {
    char dir[] = "/tmp/smelt-test-distinct-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/in.csv", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    /* 40000 rows, batches of 4096: rows 0..8191 all new keys (batches
     * handed over), rows 8192..16383 every third row repeats an earlier
     * key (compacted in place), rows 16384..24575 three rows in four
     * repeat (winners copied out), rows 24576.. all repeats but a few;
     * k is null every 1000th row, v every 7th. */
    enum { N = 40000 };
    static int key[N];
    static char seen[N + 1];
    fprintf(f, "k,v\n");
    for (int i = 0; i < N; i++) {
        int k;
        if (i < 8192) k = i;
        else if (i < 16384) k = i % 3 == 0 ? i % 8192 : i;
        else if (i < 24576) k = i % 4 != 0 ? i % 16384 : i;
        else k = i % 997 == 0 ? i : i % 24576;
        key[i] = i % 1000 == 999 ? -1 : k;
        if (key[i] < 0) fprintf(f, ",%s\n", i % 7 == 0 ? "" : "w");
        else if (i % 7 == 0) fprintf(f, "%d,\n", k);
        else fprintf(f, "%d,v%d\n", k, i);
    }
    fclose(f);
    /* expected: the first row of each key (null is one key) */
    size_t cap = 64 * N, at = 0;
    char **lines = calloc(N, sizeof *lines);
    int nexp = 0;
    bool null_seen = false;
    for (int i = 0; i < N; i++) {
        char buf[64];
        if (key[i] < 0) {
            if (null_seen) continue;
            null_seen = true;
            snprintf(buf, sizeof buf, "NULL|%s|%s", i % 7 == 0 ? "NULL" : "w", i % 7 == 0 ? "NULL" : "w");
        } else {
            if (seen[key[i]]) continue;
            seen[key[i]] = 1;
            if (i % 7 == 0) snprintf(buf, sizeof buf, "%d|NULL|NULL", key[i]);
            else snprintf(buf, sizeof buf, "%d|v%d|v%d", key[i], i, i);
        }
        lines[nexp++] = strdup(buf);
    }
    qsort(lines, (size_t)nexp, sizeof *lines, cmp_str);
    char *want = malloc(cap);
    want[0] = '\0';
    for (int i = 0; i < nexp; i++) {
        at += (size_t)snprintf(want + at, cap - at, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);

    int64_t saved = csv_split_bytes;
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    const char *exprs[] = {"k", "v", "v AS v2"}; /* v2 shares v's vector */
    const char *keys[] = {"k"};
    for (int variant = 0; variant < 4; variant++) {
        csv_split_bytes = variant < 2 ? 100000 : 1 << 26;
        sm_session *s = sm_session_new(NULL);
        if (variant % 2) CHECK_OK(sm_session_set(s, "smelt.threads", "1"));
        sm_dataframe *df = sm_read_csv(s, path, opts, NULL);
        df = sm_df_drop_duplicates(sm_df_select_expr(df, 3, exprs), 1, keys);
        int64_t n;
        char *got = sorted_rows(df, &n);
        CHECK_INT(n, nexp);
        CHECK(strcmp(got, want) == 0);
        free(got);
        sm_session_free(s);
    }
    csv_split_bytes = saved;
    free(want);
    unlink(path);
    rmdir(dir);
}
