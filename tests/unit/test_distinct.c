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
#include "exec/exec.h"
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

/* One run of the test below: keys offset by `off` (0: an int column;
 * 10^10: a bigint one), partitions moving to the radix buckets (distinct.c,
 * "the radix path") once they hold `radix` groups. */
static void first_row_wins(long long off, int64_t radix) {
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
    memset(seen, 0, sizeof seen);
    fprintf(f, "k,v\n");
    for (int i = 0; i < N; i++) {
        int k;
        if (i < 8192) k = i;
        else if (i < 16384) k = i % 3 == 0 ? i % 8192 : i;
        else if (i < 24576) k = i % 4 != 0 ? i % 16384 : i;
        else k = i % 997 == 0 ? i : i % 24576;
        key[i] = i % 1000 == 999 ? -1 : k;
        if (key[i] < 0) fprintf(f, ",%s\n", i % 7 == 0 ? "" : "w");
        else if (i % 7 == 0) fprintf(f, "%lld,\n", k + off);
        else fprintf(f, "%lld,v%d\n", k + off, i);
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
            if (i % 7 == 0) snprintf(buf, sizeof buf, "%lld|NULL|NULL", key[i] + off);
            else snprintf(buf, sizeof buf, "%lld|v%d|v%d", key[i] + off, i, i);
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

    int64_t saved = csv_split_bytes, saved_radix = exec_distinct_radix_groups;
    exec_distinct_radix_groups = radix;
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
    exec_distinct_radix_groups = saved_radix;
    free(want);
    unlink(path);
    rmdir(dir);
}

TEST(drop_duplicates_first_row_wins_every_emit_path) {
    /* the default: these partitions (at most ~25k groups) keep their tables */
    first_row_wins(0, exec_distinct_radix_groups);
    first_row_wins(10000000000LL, exec_distinct_radix_groups);
}

/* The radix path with partitions in the buckets from the start, moving to
 * them after their first batch (its 4096 rows nearly all new keys), after the second (rows
 * 0..8191 are distinct), or never: the same first rows, with duplicates of
 * the moved table's groups, of earlier partitions' keys and of rows
 * already in the buckets, and null keys before and after the move. */
TEST(drop_duplicates_radix_buckets_first_row_wins) {
    int64_t radix[] = {0, 1, 6000, INT64_MAX};
    for (int i = 0; i < 4; i++) {
        first_row_wins(0, radix[i]);
        first_row_wins(10000000000LL, radix[i]);
    }
}

/* Reads the part files of a CSV output directory in name order: the rows of
 * each file (header skipped) into counts[], all lines into *all (joined). */
static int read_parts(const char *dir, int64_t *counts, int maxparts, char **all) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s | grep '^part-' | sort", dir);
    FILE *ls = popen(cmd, "r");
    if (!ls) return -1;
    char name[256];
    int nparts = 0;
    size_t cap = 1 << 20, at = 0;
    *all = malloc(cap);
    (*all)[0] = '\0';
    while (fgets(name, sizeof name, ls) && nparts < maxparts) {
        name[strcspn(name, "\n")] = '\0';
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        char line[256];
        int64_t n = -1; /* the header */
        while (fgets(line, sizeof line, f)) {
            if (n >= 0) {
                size_t len = strlen(line);
                if (at + len + 1 > cap) *all = realloc(*all, cap *= 2);
                memcpy(*all + at, line, len + 1);
                at += len;
            }
            n++;
        }
        fclose(f);
        counts[nparts++] = n;
    }
    pclose(ls);
    return nparts;
}

/* A second "day" that repeats the first: every row of the later splits is
 * a duplicate.  The output partitions (and so the part files written from
 * them) still get about half of the kept rows each, and the part files read
 * in order give the first occurrences in input order. */
TEST(drop_duplicates_balances_output_partitions_by_kept_rows) {
    char dir[] = "/tmp/smelt-test-distinct-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128], out[160];
    snprintf(path, sizeof path, "%s/in.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    enum { HALF = 20000 };
    fprintf(f, "k,v\n");
    for (int i = 0; i < 2 * HALF; i++) fprintf(f, "%d,v%d\n", i % HALF, i);
    fclose(f);
    size_t cap = 32 * HALF, at = 0;
    char *want = malloc(cap);
    want[0] = '\0';
    for (int i = 0; i < HALF; i++) at += (size_t)snprintf(want + at, cap - at, "%d,v%d\n", i, i);

    int64_t saved = csv_split_bytes;
    csv_split_bytes = 20000; /* ~20 splits of ~1700 rows */
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    const char *keys[] = {"k"};
    const char *wopts[] = {"header", "true", NULL};
    int64_t saved_radix = exec_distinct_radix_groups;
    for (int variant = 0; variant < 4; variant++) {
        /* variants 2, 3: every partition moves to the radix buckets */
        exec_distinct_radix_groups = variant < 2 ? saved_radix : 1;
        sm_session *s = sm_session_new(NULL);
        CHECK_OK(sm_session_set(s, "smelt.threads", variant % 2 ? "1" : "2"));
        CHECK_OK(sm_session_set(s, "spark.sql.shuffle.partitions", "2"));
        sm_dataframe *df = sm_df_drop_duplicates(sm_read_csv(s, path, opts, NULL), 1, keys);
        CHECK(df != NULL);
        CHECK_OK(sm_df_write_csv(df, out, "overwrite", wopts));
        int64_t counts[8] = {0};
        char *all = NULL;
        int nparts = read_parts(out, counts, 8, &all);
        CHECK_INT(nparts, 2);
        CHECK_INT(counts[0] + counts[1], HALF);
        /* within one split's rows of half each */
        CHECK(counts[0] > HALF / 2 - 2000 && counts[0] < HALF / 2 + 2000);
        CHECK(all && strcmp(all, want) == 0);
        free(all);
        sm_session_free(s);
    }
    exec_distinct_radix_groups = saved_radix;
    csv_split_bytes = saved;
    free(want);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}
