/*
 * test_errors.c — the "bad input" promise of issue 2, item 8, through the
 * public API (include/smelt.h).
 *
 * Each bad input must give one clear error (NULL or a non-zero status, and
 * sm_last_error() saying what and where) and leave no partial output:
 *
 *   - a missing path (file, glob, one of a list): [PATH_NOT_FOUND] + the path;
 *   - an unknown column anywhere a column is named: [UNRESOLVED_COLUMN...],
 *     the name in backquotes and Spark's "Did you mean" list, closest first;
 *   - a malformed expression: [PARSE_SYNTAX_ERROR], "(line 1, pos N)" and
 *     the expression with a caret under column N (Spark's positions);
 *   - malformed CSV rows under PERMISSIVE (nulls), DROPMALFORMED (row gone)
 *     and FAILFAST ([MALFORMED_RECORD_IN_PARSING], file name and line
 *     number, also for a row deep in a file read as many splits);
 *   - an output that cannot be written (parent is a regular file, read-only
 *     directory, errorifexists on an existing path, unknown save mode), and a
 *     job that fails in the middle of writing (an ANSI cast or division
 *     failing on row 5000 of a multi-split input, a runtime regex error):
 *     the parent directory lists exactly the same entries before and after
 *     (no staging directory, no partial output), and an existing output
 *     that a failed overwrite targets is left intact.
 *
 * Expected messages were checked against PySpark 3.5.3; the checks look for
 * the essentials (error class, path, column names, positions, line numbers)
 * and not the exact wording around them.
 *
 * Files live in a fresh mkdtemp directory under /tmp, removed at exit.
 * csv_split_bytes (formats/csv.h) is lowered to make small files multi-split.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"
#include "formats/csv.h"
#include "fs/commit.h"
#include "smelt.h"
#include "test.h"

#define PU_TMP_TEMPLATE "/tmp/smelt-test-errors-XXXXXX"
#include "pipeline_util.h"

/* ---- helpers ----------------------------------------------------------- */

static bool has(const char *s, const char *piece) { return s && piece && strstr(s, piece) != NULL; }

#define CHECK_HAS(msg, piece)                                                                 \
    do {                                                                                      \
        const char *t_m = (msg), *t_p = (piece);                                              \
        if (!has(t_m, t_p)) T_FAIL("message lacks \"%s\":\n%s", t_p, t_m ? t_m : "(null)");   \
    } while (0)

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in directory `dir` (".", ".." left out), one per line,
 * in a static buffer ("<missing>" when the directory does not exist). */
static const char *listing(const char *dir, char *out, size_t cap) {
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(out, cap, "<missing>");
        return out;
    }
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 512) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s\n", names[i]);
        free(names[i]);
    }
    return out;
}

static bool exists(const char *p) {
    struct stat st;
    return lstat(p, &st) == 0;
}

/* The column of the first '^' on the line after the line equal to `expr`
 * in msg; -1 when there is no such pair of lines. */
static int caret_col(const char *msg, const char *expr) {
    size_t n = strlen(expr);
    for (const char *p = msg; p && *p;) {
        const char *eol = strchr(p, '\n');
        if (!eol) break;
        if ((size_t)(eol - p) == n && memcmp(p, expr, n) == 0) {
            const char *q = eol + 1, *qe = strchr(q, '\n');
            if (!qe) qe = q + strlen(q);
            for (const char *c = q; c < qe; c++)
                if (*c == '^') return (int)(c - q);
            return -1;
        }
        p = eol + 1;
    }
    return -1;
}

static const char *opts_hi[] = {"header", "true", "inferSchema", "true", NULL};

/* id,name,session_duration,email with four good rows. */
static sm_dataframe *people(sm_session *s) {
    write_file("people.csv",
               "id,name,session_duration,email\n"
               "1,ann,45,ann@example.com\n"
               "2,bob,12,bob@example.com\n"
               "3,cyd,130,cyd@example.com\n"
               "4,dan,31,dan@example.com\n");
    sm_dataframe *df = sm_read_csv(s, tpath("people.csv"), opts_hi, NULL);
    if (!df) T_FAIL("reading people.csv: %s", sm_last_error());
    return df;
}

/* A file of `rows` rows "i,<i*3>,name_i" with a header, whose value
 * column holds "oops" on data row `bad` (1-based; 0 for none). */
static void big_file(const char *rel, int rows, int bad) {
    FILE *f = fopen(tpath(rel), "w");
    if (!f) {
        perror(rel);
        exit(2);
    }
    fputs("id,value,name\n", f);
    for (int i = 1; i <= rows; i++) {
        if (i == bad)
            fprintf(f, "%d,oops,name_%d\n", i, i);
        else
            fprintf(f, "%d,%d,name_%d\n", i, i * 3, i);
    }
    fclose(f);
}

/* ---- missing paths --------------------------------------------------------- */

TEST(missing_file) {
    sm_session *s = sm_session_new(NULL);
    const char *p = tpath("no/such/file.csv");
    CHECK(sm_read_csv(s, p, opts_hi, NULL) == NULL);
    const char *m = sm_last_error();
    CHECK_HAS(m, "[PATH_NOT_FOUND]");
    CHECK_HAS(m, "Path does not exist");
    CHECK_HAS(m, p);
    CHECK_INT(sm_errcode(), SM_NOT_FOUND);
    /* no directory was created on the way */
    CHECK(!exists(tpath("no")));
    sm_session_free(s);
}

TEST(missing_glob_and_list_member) {
    sm_session *s = sm_session_new(NULL);
    const char *g = tpath("nothing-here/*.csv");
    CHECK(sm_read_csv(s, g, opts_hi, NULL) == NULL);
    CHECK_HAS(sm_last_error(), "[PATH_NOT_FOUND]");
    CHECK_HAS(sm_last_error(), "nothing-here");

    write_file("present.csv", "a\n1\n");
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s", tpath("present.csv"));
    snprintf(p2, sizeof p2, "%s", tpath("absent.csv"));
    const char *paths[] = {p1, p2};
    CHECK(sm_read_csv_paths(s, paths, 2, opts_hi, NULL) == NULL);
    CHECK_HAS(sm_last_error(), "[PATH_NOT_FOUND]");
    CHECK_HAS(sm_last_error(), "absent.csv");
    CHECK(!has(sm_last_error(), "present.csv"));
    sm_session_free(s);
}

/* ---- unknown columns ------------------------------------------------------ */

/* Spark 3.5: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function
 * parameter with name `sesion_duration` cannot be resolved. Did you mean one
 * of the following? [`session_duration`, `email`, `id`, `name`]. */
static void check_unresolved(const char *m, const char *name, const char *closest) {
    CHECK_HAS(m, "[UNRESOLVED_COLUMN.WITH_SUGGESTION]");
    char q[128];
    snprintf(q, sizeof q, "`%s`", name);
    CHECK_HAS(m, q);
    CHECK_HAS(m, "Did you mean");
    snprintf(q, sizeof q, "[`%s`", closest); /* the closest name comes first */
    CHECK_HAS(m, q);
    CHECK_INT(sm_errcode(), SM_ANALYSIS);
}

TEST(unknown_column_did_you_mean) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = people(s);
    if (!df) { sm_session_free(s); return; }

    const char *sel[] = {"sesion_duration"};
    CHECK(sm_df_select_expr(df, 1, sel) == NULL);
    check_unresolved(sm_last_error(), "sesion_duration", "session_duration");
    /* every suggestion is a real column */
    CHECK_HAS(sm_last_error(), "`email`");
    CHECK_HAS(sm_last_error(), "`id`");

    CHECK(sm_df_filter(df, "sesion_duration > 30") == NULL);
    check_unresolved(sm_last_error(), "sesion_duration", "session_duration");

    CHECK(sm_df_with_column(df, "x", "upper(nme)") == NULL);
    check_unresolved(sm_last_error(), "nme", "name");

    CHECK(sm_df_with_column_col(df, "x", sm_col(s, "emial")) == NULL);
    check_unresolved(sm_last_error(), "emial", "email");

    const char *g[] = {"nme"};
    CHECK(sm_df_group_by(df, 1, g) == NULL);
    check_unresolved(sm_last_error(), "nme", "name");

    const char *aggs[] = {"avg(sesion_duration)"};
    CHECK(sm_df_agg(df, 1, aggs) == NULL);
    check_unresolved(sm_last_error(), "sesion_duration", "session_duration");

    const char *keys[] = {"id", "nme DESC"};
    CHECK(sm_df_order_by(df, 2, keys) == NULL);
    check_unresolved(sm_last_error(), "nme", "name");

    /* dropDuplicates: Spark says 'Cannot resolve column name "nme" among
     * (id, name, ...)'; the essentials are the name and an error. */
    const char *sub[] = {"nme"};
    CHECK(sm_df_drop_duplicates(df, 1, sub) == NULL);
    CHECK_HAS(sm_last_error(), "nme");

    /* a chain fails once, at the end */
    sm_dataframe *c = sm_df_filter(df, "nope > 1");
    c = sm_df_with_column(c, "y", "id + 1");
    CHECK(c == NULL);
    CHECK_HAS(sm_last_error(), "`nope`");

    /* names are case-insensitive, as in Spark: no error */
    CHECK(sm_df_filter(df, "SESSION_Duration > 30") != NULL);
    sm_session_free(s);
}

TEST(unknown_function) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = people(s);
    if (!df) { sm_session_free(s); return; }
    const char *sel[] = {"uper(name)"};
    CHECK(sm_df_select_expr(df, 1, sel) == NULL);
    CHECK_HAS(sm_last_error(), "[UNRESOLVED_ROUTINE]");
    CHECK_HAS(sm_last_error(), "`uper`");
    sm_session_free(s);
}

/* ---- malformed expressions ----------------------------------------------- */

/* Spark: [PARSE_SYNTAX_ERROR] Syntax error at or near '>'.(line 1, pos 19)
 *        == SQL ==
 *        session_duration > > 30
 *        -------------------^^^                                             */
static void check_parse(const char *m, const char *expr, int pos) {
    CHECK_HAS(m, "[PARSE_SYNTAX_ERROR]");
    char want[64];
    snprintf(want, sizeof want, "(line 1, pos %d)", pos);
    CHECK_HAS(m, want);
    int col = caret_col(m, expr);
    if (col != pos) T_FAIL("caret under column %d, expected %d, in:\n%s", col, pos, m);
    CHECK_INT(sm_errcode(), SM_PARSE);
}

TEST(malformed_expression_caret) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = people(s);
    if (!df) { sm_session_free(s); return; }

    CHECK(sm_df_filter(df, "session_duration > > 30") == NULL);
    check_parse(sm_last_error(), "session_duration > > 30", 19);
    CHECK_HAS(sm_last_error(), "at or near '>'");

    const char *sel[] = {"upper(name"};
    CHECK(sm_df_select_expr(df, 1, sel) == NULL);
    check_parse(sm_last_error(), "upper(name", 10);
    CHECK_HAS(sm_last_error(), "end of input");

    CHECK(sm_df_filter(df, "name = 'abc") == NULL);
    check_parse(sm_last_error(), "name = 'abc", 7);

    CHECK(sm_df_with_column(df, "x", "id +* 2") == NULL);
    /* Spark: at or near '2': extra input '2'.(line 1, pos 6) */
    check_parse(sm_last_error(), "id +* 2", 6);

    CHECK(sm_col_expr(s, "CASE WHEN id > 1 THEN 'a' ELSE") == NULL);
    CHECK_HAS(sm_last_error(), "[PARSE_SYNTAX_ERROR]");
    CHECK(caret_col(sm_last_error(), "CASE WHEN id > 1 THEN 'a' ELSE") >= 0);

    const char *aggs[] = {"sum(session_duration"};
    const char *g[] = {"name"};
    CHECK(sm_grouped_agg(sm_df_group_by(df, 1, g), 1, aggs) == NULL);
    check_parse(sm_last_error(), "sum(session_duration", 20);
    sm_session_free(s);
}

/* ---- malformed CSV rows under each mode ----------------------------------- */

/* Line 1 header; line 3 has a non-integer duration; line 5 has an extra
 * field (a malformed record for Spark when a schema is given). */
static const char *bad_csv =
    "id,name,session_duration,email\n"
    "1,ann,45,a@x.com\n"
    "2,bob,abc,b@y.com\n"
    "3,cyd,7,c@y.com\n"
    "4,dan,12,d@z.com,extra\n";
static const char *bad_schema = "id INT, name STRING, session_duration INT, email STRING";

static sm_dataframe *read_mode(sm_session *s, const char *mode) {
    const char *o[] = {"header", "true", "mode", mode, NULL};
    return sm_read_csv(s, tpath("bad.csv"), o, bad_schema);
}

TEST(csv_permissive_gives_nulls) {
    write_file("bad.csv", bad_csv);
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = read_mode(s, "PERMISSIVE");
    CHECK(df != NULL);
    const char *k[] = {"id"};
    sm_result *r = sm_df_collect(sm_df_order_by(df, 1, k));
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(sm_result_num_rows(r), 4);
        /* Spark: Row(id=2, name='bob', session_duration=None, ...) */
        CHECK(sm_result_is_null(r, 1, 2));
        CHECK_STR(sm_result_get_string(r, 1, 1), "bob");
        /* the extra field is dropped, the row kept: Row(id=4, ..., 12, d@z.com) */
        CHECK_INT(sm_result_get_int(r, 3, 2), 12);
        CHECK_STR(sm_result_get_string(r, 3, 3), "d@z.com");
        sm_result_free(r);
    }
    sm_session_free(s);
}

TEST(csv_dropmalformed_drops_rows) {
    write_file("bad.csv", bad_csv);
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = read_mode(s, "DROPMALFORMED");
    CHECK(df != NULL);
    /* Spark keeps ids 1 and 3 */
    sm_result *r = sm_df_collect(df);
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(sm_result_num_rows(r), 2);
        CHECK_INT(sm_result_get_int(r, 0, 0), 1);
        CHECK_INT(sm_result_get_int(r, 1, 0), 3);
        sm_result_free(r);
    }
    sm_session_free(s);
}

/* Spark: [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records
 * are detected in record parsing: [2,bob,null,b@y.com]. Parse Mode:
 * FAILFAST. ...  smelt adds where: the file and the line. */
TEST(csv_failfast_names_file_and_line) {
    write_file("bad.csv", bad_csv);
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = read_mode(s, "FAILFAST");
    CHECK(df != NULL);
    /* (count() is not used: Spark's count() skips parsing the fields and
     * so does not see malformed rows.) */
    CHECK(sm_df_collect(df) == NULL);
    const char *m = sm_last_error();
    CHECK_HAS(m, "[MALFORMED_RECORD_IN_PARSING");
    CHECK_HAS(m, "FAILFAST");
    CHECK_HAS(m, "bad.csv:3");
    CHECK_INT(sm_errcode(), SM_MALFORMED);
    /* show() fails without printing part of a table */
    FILE *f = tmpfile();
    if (f) {
        CHECK(sm_df_show_to(df, 20, 20, f) != 0);
        CHECK_HAS(sm_last_error(), "bad.csv:3");
        CHECK_INT(ftell(f), 0);
        fclose(f);
    }

    /* the extra-field row alone (line 3 fixed) fails at line 5 */
    write_file("bad2.csv",
               "id,name,session_duration,email\n1,ann,45,a@x.com\n2,bob,9,b@y.com\n"
               "3,cyd,7,c@y.com\n4,dan,12,d@z.com,extra\n");
    const char *o[] = {"header", "true", "mode", "FAILFAST", NULL};
    df = sm_read_csv(s, tpath("bad2.csv"), o, bad_schema);
    CHECK(df != NULL);
    CHECK(sm_df_collect(df) == NULL);
    CHECK_HAS(sm_last_error(), "bad2.csv:5");
    CHECK_HAS(sm_last_error(), "[MALFORMED_RECORD_IN_PARSING");
    sm_session_free(s);
}

TEST(csv_failfast_line_in_a_later_split) {
    int64_t saved = csv_split_bytes;
    csv_split_bytes = 4096; /* ~100 KB file: ~25 splits */
    big_file("big_ff.csv", 6000, 5000);
    sm_session *s = sm_session_new(NULL);
    const char *o[] = {"header", "true", "mode", "FAILFAST", NULL};
    sm_dataframe *df = sm_read_csv(s, tpath("big_ff.csv"), o, "id INT, value INT, name STRING");
    CHECK(df != NULL);
    CHECK(sm_df_collect(df) == NULL);
    /* data row 5000 is line 5001 */
    CHECK_HAS(sm_last_error(), "big_ff.csv:5001");
    CHECK_HAS(sm_last_error(), "5000,oops,name_5000");
    sm_session_free(s);
    csv_split_bytes = saved;
}

TEST(csv_unknown_parse_mode_is_permissive_as_in_spark) {
    /* Spark 3.5 logs "FOO is not a valid parse mode. Using PERMISSIVE." and
     * reads on; smelt does the same rather than failing. */
    write_file("bad.csv", bad_csv);
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = read_mode(s, "FOO");
    CHECK(df != NULL);
    int64_t n = -1;
    CHECK_OK(sm_df_count(df, &n));
    CHECK_INT(n, 4);
    sm_session_free(s);
}

TEST(csv_bad_options_are_errors) {
    write_file("ok.csv", "a\n1\n");
    sm_session *s = sm_session_new(NULL);
    const char *o1[] = {"header", "maybe", NULL};
    CHECK(sm_read_csv(s, tpath("ok.csv"), o1, NULL) == NULL);
    CHECK_HAS(sm_last_error(), "header flag can be true or false");
    const char *o2[] = {"sep", "", NULL};
    CHECK(sm_read_csv(s, tpath("ok.csv"), o2, NULL) == NULL);
    CHECK_HAS(sm_last_error(), "Delimiter cannot be empty");
    CHECK(sm_read_csv(s, tpath("ok.csv"), NULL, "id INT, name") == NULL);
    CHECK(sm_last_error()[0] != 0);
    sm_session_free(s);
}

/* ---- outputs that cannot be written -------------------------------------- */

TEST(write_under_a_regular_file) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = people(s);
    if (!df) { sm_session_free(s); return; }
    mkdir(tpath("w1"), 0755);
    write_file("w1/plain", "x");
    char before[8192], after[8192];
    listing(tpath("w1"), before, sizeof before);
    for (int i = 0; i < 2; i++) {
        const char *target = i == 0 ? tpath("w1/plain/out") : tpath("w1/plain/deeper/out");
        CHECK(sm_df_write_csv(df, target, "overwrite", NULL) != 0);
        CHECK_HAS(sm_last_error(), "plain");
        CHECK_INT(sm_errcode(), SM_IO);
    }
    CHECK_STR(listing(tpath("w1"), after, sizeof after), before);
    sm_session_free(s);
}

TEST(write_into_read_only_directory) {
    if (geteuid() == 0) return; /* root writes anywhere; covered above */
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = people(s);
    if (!df) { sm_session_free(s); return; }
    mkdir(tpath("ro"), 0555);
    char before[8192], after[8192];
    listing(tpath("ro"), before, sizeof before);
    CHECK(sm_df_write_csv(df, tpath("ro/out"), NULL, NULL) != 0);
    CHECK_HAS(sm_last_error(), "ro/out");
    CHECK_STR(listing(tpath("ro"), after, sizeof after), before);
    chmod(tpath("ro"), 0755);
    sm_session_free(s);
}

TEST(write_errorifexists_and_bad_mode) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = people(s);
    if (!df) { sm_session_free(s); return; }
    mkdir(tpath("w2"), 0755);
    CHECK_OK(sm_df_write_csv(df, tpath("w2/out"), NULL, NULL));
    char before[8192], after[8192], inner_before[8192], inner_after[8192];
    listing(tpath("w2"), before, sizeof before);
    listing(tpath("w2/out"), inner_before, sizeof inner_before);
    const char *modes[] = {NULL, "error", "errorifexists", "default"};
    for (int i = 0; i < 4; i++) {
        CHECK(sm_df_write_csv(df, tpath("w2/out"), modes[i], NULL) != 0);
        /* Spark: [PATH_ALREADY_EXISTS] Path file:/.../out already exists. Set
         * mode as "overwrite" to overwrite the existing path. */
        CHECK_HAS(sm_last_error(), "[PATH_ALREADY_EXISTS]");
        CHECK_HAS(sm_last_error(), tpath("w2/out"));
        CHECK_HAS(sm_last_error(), "overwrite");
        CHECK_INT(sm_errcode(), SM_EXISTS);
    }
    /* Spark: Unknown save mode: foo. Accepted save modes are ... */
    CHECK(sm_df_write_csv(df, tpath("w2/new"), "foo", NULL) != 0);
    CHECK_HAS(sm_last_error(), "Unknown save mode: foo");
    CHECK_STR(listing(tpath("w2"), after, sizeof after), before);
    CHECK_STR(listing(tpath("w2/out"), inner_after, sizeof inner_after), inner_before);
    sm_session_free(s);
}

/* A job that fails while its files are being written: the output directory
 * never appears, the parent lists what it listed before, and an existing
 * output targeted by overwrite keeps its files. */
static void check_failing_write(sm_session *s, sm_dataframe *failing, const char *dir,
                                const char *class_) {
    char before[8192], after[8192];
    char target[512], keep[512], keep_before[8192], keep_after[8192];
    snprintf(target, sizeof target, "%s/out", dir);
    snprintf(keep, sizeof keep, "%s/keep", dir);
    /* an existing good output */
    sm_dataframe *good = people(s);
    CHECK_OK(sm_df_write_csv(good, keep, NULL, NULL));
    listing(dir, before, sizeof before);
    listing(keep, keep_before, sizeof keep_before);

    const char *hdr[] = {"header", "true", NULL};
    CHECK(sm_df_write_csv(failing, target, NULL, hdr) != 0);
    CHECK_HAS(sm_last_error(), class_);
    CHECK(!exists(target));
    CHECK(sm_df_write_csv(failing, target, "overwrite", hdr) != 0);
    CHECK(!exists(target));
    CHECK(sm_df_write_csv(failing, keep, "overwrite", hdr) != 0);
    CHECK_HAS(sm_last_error(), class_);
    CHECK(sm_df_write_csv(failing, keep, "append", hdr) != 0);
    CHECK_STR(listing(keep, keep_after, sizeof keep_after), keep_before);
    CHECK_STR(listing(dir, after, sizeof after), before);
}

TEST(write_fails_midway_ansi_cast) {
    int64_t saved = csv_split_bytes;
    csv_split_bytes = 4096;
    big_file("big_cast.csv", 6000, 5000);
    mkdir(tpath("w3"), 0755);
    sm_session *s = sm_session_new(NULL);
    CHECK_OK(sm_session_set(s, "spark.sql.ansi.enabled", "true"));
    const char *o[] = {"header", "true", NULL}; /* value read as a string */
    sm_dataframe *df = sm_read_csv(s, tpath("big_cast.csv"), o, NULL);
    CHECK(df != NULL);
    const char *sel[] = {"id", "CAST(value AS INT) AS v", "name"};
    df = sm_df_select_expr(df, 3, sel);
    CHECK(df != NULL);
    if (df) {
        /* Spark: [CAST_INVALID_INPUT] The value 'oops' of the type "STRING"
         * cannot be cast to "INT" because it is malformed. */
        check_failing_write(s, df, tpath("w3"), "[CAST_INVALID_INPUT]");
        CHECK_HAS(sm_last_error(), "'oops'");
    }
    sm_session_free(s);
    csv_split_bytes = saved;
}

TEST(write_fails_midway_ansi_divide_by_zero) {
    int64_t saved = csv_split_bytes;
    csv_split_bytes = 4096;
    big_file("big_div.csv", 6000, 0);
    mkdir(tpath("w4"), 0755);
    sm_session *s = sm_session_new(NULL);
    CHECK_OK(sm_session_set(s, "spark.sql.ansi.enabled", "true"));
    sm_dataframe *df = sm_read_csv(s, tpath("big_div.csv"), opts_hi, NULL);
    df = sm_df_with_column(df, "q", "value div (id - 5000)");
    CHECK(df != NULL);
    if (df) check_failing_write(s, df, tpath("w4"), "[DIVIDE_BY_ZERO]");
    sm_session_free(s);
    csv_split_bytes = saved;
}

TEST(write_fails_midway_runtime_regex_error) {
    /* Spark fails at run time: [INVALID_PARAMETER_VALUE.PATTERN] The value
     * of parameter(s) `regexp` in `regexp_replace` is invalid: '('. */
    write_file("re.csv", "id,name,pat\n1,ann,a\n2,bob,(\n3,cyd,d\n");
    mkdir(tpath("w5"), 0755);
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = sm_read_csv(s, tpath("re.csv"), opts_hi, NULL);
    df = sm_df_with_column(df, "r", "regexp_replace(name, pat, 'x')");
    CHECK(df != NULL);
    if (df) check_failing_write(s, df, tpath("w5"), "regexp");
    sm_session_free(s);
}

TEST(write_from_failfast_input_leaves_nothing) {
    write_file("bad.csv", bad_csv);
    mkdir(tpath("w6"), 0755);
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = read_mode(s, "FAILFAST");
    CHECK(df != NULL);
    if (df) check_failing_write(s, sm_df_filter(df, "id > 0"), tpath("w6"),
                                "[MALFORMED_RECORD_IN_PARSING");
    sm_session_free(s);
}
