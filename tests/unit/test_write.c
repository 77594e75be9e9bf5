/*
 * test_write.c — CSV writing (formats/csv_write.c), the output commit
 * protocol (fs/commit.c) and the write operator (exec/write.c).
 *
 * Every expected string below was produced by PySpark 3.5.3
 * (df.coalesce(1).write.csv(...), local[1], UTC) and read back byte for byte.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "test.h"

#include "api/api_internal.h"
#include "common/status.h"
#include "exec/write.h"
#include "formats/csv_write.h"
#include "fs/commit.h"
#include "types/datetime.h"

/* ---- helpers ---------------------------------------------------------------- */

#define NUL_VALUE (-2)

typedef struct {
    const char *in;
    int len; /* -1: strlen; NUL_VALUE: a null */
    const char *out;
} field_case;

static char fmt_out[4096];

/* Formats one value with the given options; returns the text (static). */
static const char *fmt(const char *const *options, int col, const char *s, int len) {
    csv_write_opts o;
    if (csv_write_opts_parse(options, &o) != 0) return "(options failed)";
    sm_buf b = {0};
    int rc = csv_format_field(&o, col, s, len == NUL_VALUE ? 0 : len < 0 ? (int)strlen(s) : len,
                              len == NUL_VALUE, &b);
    csv_write_opts_free(&o);
    if (rc) { sm_buf_free(&b); return "(format failed)"; }
    snprintf(fmt_out, sizeof fmt_out, "%.*s", (int)b.len, b.data ? b.data : "");
    sm_buf_free(&b);
    return fmt_out;
}

static void check_cases(const char *const *options, const field_case *cases, int n) {
    for (int i = 0; i < n; i++) {
        const char *got = fmt(options, 0, cases[i].in, cases[i].len);
        if (strcmp(got, cases[i].out) != 0)
            T_FAIL("case %d: got [%s], expected [%s]", i, got, cases[i].out);
    }
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    sm_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sm_buf_append(&b, chunk, n);
    fclose(f);
    sm_buf_cstr(&b);
    if (len) *len = b.len;
    return b.data ? b.data : sm_strdup("");
}

/* Names in a directory, sorted, '|'-joined, with part file UUIDs replaced by U. */
static const char *listing(const char *dir) {
    static char out[4096];
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    out[0] = '\0';
    if (n < 0) return "(missing)";
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            char shown[512];
            if (!strncmp(name, "part-", 5) && strlen(name) > 47)
                snprintf(shown, sizeof shown, "%.11sU%s", name, name + 47);
            else
                snprintf(shown, sizeof shown, "%s", name);
            if (out[0]) strcat(out, "|");
            strcat(out, shown);
        }
        free(ents[i]);
    }
    free(ents);
    return out;
}

/* Concatenated contents of the part files of dir, in name order. */
static char *parts_text(const char *dir) {
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    sm_buf b = {0};
    sm_buf_cstr(&b);
    for (int i = 0; i < n; i++) {
        if (!strncmp(ents[i]->d_name, "part-", 5)) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, ents[i]->d_name);
            size_t len;
            char *t = read_all(p, &len);
            if (t) sm_buf_append(&b, t, len);
            sm_free(t);
        }
        free(ents[i]);
    }
    if (n >= 0) free(ents);
    sm_buf_cstr(&b);
    return b.data;
}

static char tmp_root[256];

static void cleanup_tmp(void) {
    char ro[300];
    snprintf(ro, sizeof ro, "%s/ro", tmp_root);
    chmod(ro, 0755);
    fs_remove_tree(tmp_root);
}

static const char *tmpdir(void) {
    if (!tmp_root[0]) {
        snprintf(tmp_root, sizeof tmp_root, "/tmp/smelt-test-write-XXXXXX");
        if (!mkdtemp(tmp_root)) abort();
        atexit(cleanup_tmp);
    }
    return tmp_root;
}

static const char *tpath(const char *name) {
    static char p[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir(), name);
    return p[k];
}

/* True when dir holds no hidden staging directories. */
static int no_staging_left(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 1;
    struct dirent *e;
    int ok = 1;
    while ((e = readdir(d)))
        if (strstr(e->d_name, "smelt-staging")) ok = 0;
    closedir(d);
    return ok;
}

/* ---- quoting and escaping -------------------------------------------------- */

TEST(csv_field_default_rules) {
    const field_case c[] = {
        {"plain", -1, "plain"},
        {"a,b", -1, "\"a,b\""},
        {"a\"b", -1, "\"a\\\"b\""},
        {"a\nb", -1, "\"a\nb\""},
        {"a\rb", -1, "\"a\rb\""},
        {" lead", -1, "lead"},
        {"trail ", -1, "trail"},
        {"", -1, "\"\""},
        {NULL, NUL_VALUE, ""},
        {"#hash", -1, "\"#hash\""},
        {"a\\b", -1, "a\\b"},
        {"a\\\"b", -1, "\"a\\\\\\\"b\""},
        {"\\", -1, "\\"},
        {"tab\tx", -1, "tab\tx"},
        {"x'y", -1, "x'y"},
        {"\"", -1, "\"\\\"\""},
        {"a;b", -1, "a;b"},
        {"\xc3\xa9t\xc3\xa9", -1, "\xc3\xa9t\xc3\xa9"},
        {" ", -1, "\"\""},
        {"\0z", 2, "z"},
        {"\nabc", -1, "abc"},
        {"abc\n", -1, "\"abc\""},
        {" a,b ", -1, "\"a,b\""},
        {"a\\,b", -1, "\"a\\\\,b\""},
        {"\tx", -1, "x"},
        {"%x", -1, "%x"},
        {"a\\", -1, "a\\"},
        {"\\\"", -1, "\"\\\\\\\"\""},
        {"x\xc2\xa0", -1, "x\xc2\xa0"},
        {"a\r\nb", -1, "\"a\r\nb\""},
        {"a\"", -1, "\"a\\\"\""},
        {"\"a", -1, "\"\\\"a\""},
    };
    check_cases(NULL, c, N(c));
}

TEST(csv_field_comment_only_first_column) {
    CHECK_STR(fmt(NULL, 0, "#x", -1), "\"#x\"");
    CHECK_STR(fmt(NULL, 1, "#x", -1), "#x");
    const char *o[] = {"comment", "%", NULL};
    CHECK_STR(fmt(o, 0, "%x", -1), "\"%x\"");
    CHECK_STR(fmt(o, 0, "#x", -1), "#x");
}

TEST(csv_field_quote_all) {
    const char *o[] = {"quoteAll", "true", NULL};
    const field_case c[] = {
        {"plain", -1, "\"plain\""}, {" lead", -1, "\"lead\""}, {"", -1, "\"\""},
        {NULL, NUL_VALUE, "\"\""},  {"a\\b", -1, "\"a\\\\b\""}, {"\\", -1, "\"\\\\\""},
        {"\0z", 2, "\"z\""},        {"tab\tx", -1, "\"tab\tx\""},
    };
    check_cases(o, c, N(c));
    const char *o2[] = {"quoteAll", "true", "nullValue", "NULL", "emptyValue", "EMPTY", NULL};
    const field_case c2[] = {
        {"", -1, "\"EMPTY\""}, {" ", -1, "\"EMPTY\""}, {NULL, NUL_VALUE, "\"NULL\""},
    };
    check_cases(o2, c2, N(c2));
}

TEST(csv_field_escape_quotes_false) {
    const char *o[] = {"escapeQuotes", "false", NULL};
    const field_case c[] = {
        {"a\"b", -1, "a\"b"}, {"a\\\"b", -1, "a\\\"b"}, {"\"", -1, "\"\\\"\""},
        {"a,b", -1, "\"a,b\""}, {"\\\"", -1, "\\\""}, {"\"a", -1, "\"\\\"a\""},
    };
    check_cases(o, c, N(c));
}

TEST(csv_field_null_and_empty_values) {
    const char *o[] = {"nullValue", "NULL", "emptyValue", "EMPTY", NULL};
    const field_case c[] = {{"", -1, "EMPTY"}, {NULL, NUL_VALUE, "NULL"}, {" ", -1, "EMPTY"}};
    check_cases(o, c, N(c));
    const char *o2[] = {"nullValue", "a,b", NULL};
    CHECK_STR(fmt(o2, 1, NULL, NUL_VALUE), "\"a,b\"");
    const char *o3[] = {"emptyValue", "x y,z", NULL};
    CHECK_STR(fmt(o3, 1, "", -1), "\"x y,z\"");
}

TEST(csv_field_other_sep_quote_escape) {
    const char *o[] = {"sep", ";", "quote", "'", "escape", "~", NULL};
    const field_case c[] = {
        {"a,b", -1, "a,b"},      {"a\"b", -1, "a\"b"},   {"a\nb", -1, "'a\nb'"},
        {"x'y", -1, "'x~'y'"},   {"\"", -1, "\""},       {"a;b", -1, "'a;b'"},
        {"", -1, "\"\""},        {"#hash", -1, "'#hash'"}, {"a\\\"b", -1, "a\\\"b"},
    };
    check_cases(o, c, N(c));
    const char *o2[] = {"escape", "\"", NULL};
    const field_case c2[] = {
        {"a\"b", -1, "\"a\"\"b\""}, {"a\\\"b", -1, "\"a\\\"\"b\""}, {"\"", -1, "\"\"\"\""},
        {"a\\b", -1, "a\\b"},
    };
    check_cases(o2, c2, N(c2));
    const char *o3[] = {"charToEscapeQuoteEscaping", "~", NULL};
    CHECK_STR(fmt(o3, 1, "a\\,b", -1), "\"a~\\,b\"");
    CHECK_STR(fmt(o3, 1, "\\\"", -1), "\"~\\\\\"\"");
}

TEST(csv_field_multichar_sep) {
    const char *o[] = {"sep", "ab", NULL};
    const field_case c[] = {
        {"\nabc", -1, "\"abc\""}, {"xaby", -1, "\"xaby\""}, {" a,b ", -1, "a,b"},
        {"xa", -1, "xa"},         {"a\\,b", -1, "a\\,b"},
    };
    check_cases(o, c, N(c));
}

TEST(csv_field_whitespace_kept_when_asked) {
    const char *o[] = {"ignoreLeadingWhiteSpace", "false", "ignoreTrailingWhiteSpace", "false",
                       NULL};
    const field_case c[] = {{" lead", -1, " lead"}, {"trail ", -1, "trail "}, {" ", -1, " "},
                            {"\0z", 2, "\0z"}};
    for (int i = 0; i < N(c); i++) {
        csv_write_opts op;
        CHECK_OK(csv_write_opts_parse(o, &op));
        sm_buf b = {0};
        CHECK_OK(csv_format_field(&op, 0, c[i].in, c[i].len < 0 ? (int)strlen(c[i].in) : c[i].len,
                                  false, &b));
        size_t want = c[i].len < 0 ? strlen(c[i].out) : 2;
        CHECK_INT(b.len, want);
        CHECK(b.data && memcmp(b.data, c[i].out, want) == 0);
        sm_buf_free(&b);
        csv_write_opts_free(&op);
    }
}

TEST(csv_field_two_char_line_sep) {
    const char *o[] = {"lineSep", "\r\n", NULL};
    CHECK_STR(fmt(o, 1, "a\r\nb", -1), "\"a\r\r\nb\"");
    const char *o2[] = {"lineSep", "|", NULL};
    CHECK_STR(fmt(o2, 1, "a|b", -1), "\"a|b\"");
    CHECK_STR(fmt(o2, 1, "a\r\nb", -1), "\"a\r\nb\"");
}

TEST(csv_write_options_rejected) {
    csv_write_opts o;
    const char *bad1[] = {"compression", "zstdx", NULL};
    CHECK_INT(csv_write_opts_parse(bad1, &o), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "Codec [zstdx] is not available") != NULL);
    const char *bad2[] = {"sep", "", NULL};
    CHECK_INT(csv_write_opts_parse(bad2, &o), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "Delimiter cannot be empty") != NULL);
    const char *bad3[] = {"quote", "ab", NULL};
    CHECK_INT(csv_write_opts_parse(bad3, &o), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "quote cannot be more than one character") != NULL);
    const char *bad4[] = {"header", "maybe", NULL};
    CHECK_INT(csv_write_opts_parse(bad4, &o), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "header") != NULL);
    const char *bad5[] = {"encoding", "UTF-16", NULL};
    CHECK_INT(csv_write_opts_parse(bad5, &o), SM_UNSUPPORTED);
    const char *ok[] = {"HEADER", "TRUE", "compression", "GZIP", "unknownOption", "1", NULL};
    CHECK_OK(csv_write_opts_parse(ok, &o));
    CHECK(o.header && o.gzip);
    CHECK_STR(csv_write_extension(&o), ".csv.gz");
    csv_write_opts_free(&o);
}

/* ---- typed values through a writer ----------------------------------------- */

static int64_t ts_of(int y, int mo, int d, int h, int mi, int s, int us) {
    return (int64_t)sm_days_from_civil(y, mo, d) * SM_MICROS_PER_DAY +
           ((int64_t)h * 3600 + mi * 60 + s) * SM_MICROS_PER_SECOND + us;
}

static sm_schema *types_schema(void) {
    sm_schema *s = sm_schema_new(7);
    sm_schema_set(s, 0, "i", SM_INT, true);
    sm_schema_set(s, 1, "l", SM_BIGINT, true);
    sm_schema_set(s, 2, "d", SM_DOUBLE, true);
    sm_schema_set(s, 3, "b", SM_BOOLEAN, true);
    sm_schema_set(s, 4, "dt", SM_DATE, true);
    sm_schema_set(s, 5, "ts", SM_TIMESTAMP, true);
    sm_schema_set(s, 6, "s", SM_STRING, true);
    return s;
}

static sm_batch *types_batch(void) {
    sm_batch *b = sm_batch_new(7, 4);
    sm_schema *s = types_schema();
    for (int c = 0; c < 7; c++) b->cols[c] = sm_vector_new(s->fields[c].type, 4);
    sm_schema_free(s);
    sm_vector **v = b->cols;
    sm_vector_append_i32(v[0], 1);
    sm_vector_append_i64(v[1], 1099511627776LL);
    sm_vector_append_f64(v[2], 1.0);
    sm_vector_append_bool(v[3], true);
    sm_vector_append_i32(v[4], sm_days_from_civil(2024, 1, 5));
    sm_vector_append_i64(v[5], ts_of(2024, 1, 5, 10, 20, 30, 123456));
    sm_vector_append_str(v[6], "x", 1);
    for (int c = 0; c < 7; c++) sm_vector_append_null(v[c]);
    sm_vector_append_i32(v[0], -5);
    sm_vector_append_i64(v[1], -1);
    sm_vector_append_f64(v[2], 1e10);
    sm_vector_append_bool(v[3], false);
    sm_vector_append_i32(v[4], sm_days_from_civil(1, 1, 1));
    sm_vector_append_i64(v[5], ts_of(2024, 1, 5, 0, 0, 0, 0));
    sm_vector_append_str(v[6], "y", 1);
    sm_vector_append_i32(v[0], 0);
    sm_vector_append_i64(v[1], 0);
    sm_vector_append_f64(v[2], NAN);
    sm_vector_append_bool(v[3], true);
    sm_vector_append_i32(v[4], sm_days_from_civil(9999, 12, 31));
    sm_vector_append_i64(v[5], -1); /* 1969-12-31T23:59:59.999999 */
    sm_vector_append_str(v[6], "z", 1);
    b->nrows = 4;
    return b;
}

static char *write_one(const char *name, const char *const *options, const sm_tz *tz) {
    csv_write_opts o;
    if (csv_write_opts_parse(options, &o)) return NULL;
    sm_schema *s = types_schema();
    sm_batch *b = types_batch();
    csv_writer *w;
    const char *p = tpath(name);
    char *text = NULL;
    if (csv_writer_open(p, s, &o, tz, &w) == 0) {
        int rc = csv_writer_write_batch(w, b);
        rc |= csv_writer_close(w);
        if (rc == 0) text = read_all(p, NULL);
    }
    sm_batch_free(b);
    sm_schema_free(s);
    csv_write_opts_free(&o);
    return text;
}

TEST(csv_writer_types_as_spark) {
    const char *o[] = {"header", "true", NULL};
    char *t = write_one("types.csv", o, sm_tz_utc());
    CHECK_STR(t,
              "i,l,d,b,dt,ts,s\n"
              "1,1099511627776,1.0,true,2024-01-05,2024-01-05T10:20:30.123Z,x\n"
              ",,,,,,\n"
              "-5,-1,1.0E10,false,0001-01-01,2024-01-05T00:00:00.000Z,y\n"
              "0,0,NaN,true,9999-12-31,1969-12-31T23:59:59.999Z,z\n");
    sm_free(t);
}

TEST(csv_writer_formats_and_zone) {
    const char *o[] = {"dateFormat", "dd/MM/yyyy", "timestampFormat", "yyyy-MM-dd HH:mm:ss", NULL};
    char *t = write_one("types_fmt.csv", o, sm_tz_utc());
    CHECK_STR(t,
              "1,1099511627776,1.0,true,05/01/2024,2024-01-05 10:20:30,x\n"
              ",,,,,,\n"
              "-5,-1,1.0E10,false,01/01/0001,2024-01-05 00:00:00,y\n"
              "0,0,NaN,true,31/12/9999,1969-12-31 23:59:59,z\n");
    sm_free(t);
    const sm_tz *la = sm_tz_get("America/Los_Angeles");
    CHECK(la != NULL);
    if (!la) return;
    char *t2 = write_one("types_la.csv", NULL, la);
    CHECK(t2 && strstr(t2, "2024-01-05T02:20:30.123-08:00") != NULL);
    CHECK(t2 && strstr(t2, "2024-01-04T16:00:00.000-08:00") != NULL);
    CHECK(t2 && strstr(t2, "1969-12-31T15:59:59.999-08:00") != NULL);
    sm_free(t2);
}

TEST(csv_writer_doubles_as_java) {
    const double d[] = {INFINITY, -0.0, 1e-4, 0.001, 1e7, 123456.789, 1e21, -INFINITY};
    const char *want = "Infinity\n-0.0\n1.0E-4\n0.001\n1.0E7\n123456.789\n1.0E21\n-Infinity\n";
    sm_schema *s = sm_schema_new(1);
    sm_schema_set(s, 0, "d", SM_DOUBLE, true);
    sm_batch *b = sm_batch_new(1, 8);
    b->cols[0] = sm_vector_new(SM_DOUBLE, 8);
    for (int i = 0; i < 8; i++) sm_vector_append_f64(b->cols[0], d[i]);
    csv_write_opts o;
    CHECK_OK(csv_write_opts_parse(NULL, &o));
    csv_writer *w;
    const char *p = tpath("doubles.csv");
    CHECK_OK(csv_writer_open(p, s, &o, NULL, &w));
    CHECK_OK(csv_writer_write_batch(w, b));
    CHECK_OK(csv_writer_close(w));
    char *t = read_all(p, NULL);
    CHECK_STR(t, want);
    sm_free(t);
    csv_write_opts_free(&o);
    sm_batch_free(b);
    sm_schema_free(s);
}

TEST(csv_writer_gzip) {
    const char *o[] = {"compression", "gzip", "header", "true", NULL};
    csv_write_opts op;
    CHECK_OK(csv_write_opts_parse(o, &op));
    sm_schema *s = types_schema();
    sm_batch *b = types_batch();
    csv_writer *w;
    const char *p = tpath("types.csv.gz");
    CHECK_OK(csv_writer_open(p, s, &op, NULL, &w));
    for (int i = 0; i < 1000; i++) CHECK_OK(csv_writer_write_batch(w, b));
    CHECK_OK(csv_writer_close(w));
    gzFile g = gzopen(p, "rb");
    CHECK(g != NULL);
    static char buf[1 << 18];
    int n = g ? gzread(g, buf, sizeof buf - 1) : 0;
    if (g) gzclose(g);
    buf[n > 0 ? n : 0] = '\0';
    CHECK(n > 41 && memcmp(buf, "i,l,d,b,dt,ts,s\n1,1099511627776,1.0,true,", 41) == 0);
    int lines = 0;
    for (int i = 0; i < n; i++) lines += buf[i] == '\n';
    CHECK_INT(lines, 4001);
    sm_batch_free(b);
    sm_schema_free(s);
    csv_write_opts_free(&op);
}

TEST(csv_writer_header_quoted) {
    sm_schema *s = sm_schema_new(2);
    sm_schema_set(s, 0, "a,b", SM_INT, true);
    sm_schema_set(s, 1, "c\"d", SM_INT, true);
    const char *o[] = {"header", "true", NULL};
    csv_write_opts op;
    CHECK_OK(csv_write_opts_parse(o, &op));
    csv_writer *w;
    const char *p = tpath("hdr.csv");
    CHECK_OK(csv_writer_open(p, s, &op, NULL, &w));
    CHECK_OK(csv_writer_close(w));
    char *t = read_all(p, NULL);
    CHECK_STR(t, "\"a,b\",\"c\\\"d\"\n");
    sm_free(t);
    csv_write_opts_free(&op);
    sm_schema_free(s);
}

/* ---- commit protocol ----------------------------------------------------------- */

static void make_file(const char *dir, const char *name, const char *text) {
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) { fputs(text, f); fclose(f); }
}

static int commit_with(const char *path, fs_save_mode mode, const char *file, const char *text) {
    fs_commit *c;
    int rc = fs_commit_begin(path, mode, &c);
    if (rc) return rc;
    if (!fs_commit_skip(c)) make_file(fs_commit_staging(c), file, text);
    return fs_commit_finish(c);
}

TEST(commit_uuid_format) {
    char a[37], b[37];
    CHECK_OK(fs_uuid(a));
    CHECK_OK(fs_uuid(b));
    CHECK_INT(strlen(a), 36);
    CHECK(a[8] == '-' && a[13] == '-' && a[14] == '4' && a[18] == '-' && a[23] == '-');
    CHECK(strchr("89ab", a[19]) != NULL);
    CHECK(strcmp(a, b) != 0);
}

TEST(commit_save_modes) {
    const char *out = tpath("modes/out");
    CHECK_OK(commit_with(out, FS_SAVE_ERROR_IF_EXISTS, "part-1", "one"));
    CHECK_STR(listing(out), "_SUCCESS|part-1");
    CHECK(no_staging_left(tpath("modes")));

    /* errorifexists: Spark's message, nothing changed */
    int rc = commit_with(out, FS_SAVE_ERROR_IF_EXISTS, "part-2", "two");
    CHECK_INT(rc, SM_EXISTS);
    char want[1024];
    snprintf(want, sizeof want,
             "[PATH_ALREADY_EXISTS] Path file:%s already exists. Set mode as \"overwrite\" to "
             "overwrite the existing path.",
             out);
    CHECK_STR(sm_errmsg(), want);
    CHECK_STR(listing(out), "_SUCCESS|part-1");

    /* append adds files and keeps _SUCCESS */
    CHECK_OK(commit_with(out, FS_SAVE_APPEND, "part-3", "three"));
    CHECK_STR(listing(out), "_SUCCESS|part-1|part-3");

    /* ignore leaves it alone */
    CHECK_OK(commit_with(out, FS_SAVE_IGNORE, "part-4", "four"));
    CHECK_STR(listing(out), "_SUCCESS|part-1|part-3");

    /* overwrite replaces the whole directory */
    CHECK_OK(commit_with(out, FS_SAVE_OVERWRITE, "part-5", "five"));
    CHECK_STR(listing(out), "_SUCCESS|part-5");
    CHECK_STR(listing(tpath("modes")), "out");

    /* append and ignore on a new path create it */
    CHECK_OK(commit_with(tpath("modes/new1"), FS_SAVE_APPEND, "p", "x"));
    CHECK_STR(listing(tpath("modes/new1")), "_SUCCESS|p");
    CHECK_OK(commit_with(tpath("modes/new2"), FS_SAVE_IGNORE, "p", "x"));
    CHECK_STR(listing(tpath("modes/new2")), "_SUCCESS|p");
}

TEST(commit_overwrite_replaces_a_file) {
    const char *p = tpath("afile");
    FILE *f = fopen(p, "w");
    if (f) { fputs("x", f); fclose(f); }
    CHECK_INT(commit_with(p, FS_SAVE_ERROR_IF_EXISTS, "a", "a"), SM_EXISTS);
    CHECK_INT(commit_with(p, FS_SAVE_APPEND, "a", "a"), SM_IO);
    CHECK_OK(commit_with(p, FS_SAVE_OVERWRITE, "a", "a"));
    CHECK_STR(listing(p), "_SUCCESS|a");
}

TEST(commit_abort_leaves_nothing) {
    const char *p = tpath("abort/deep/er/out");
    fs_commit *c;
    CHECK_OK(fs_commit_begin(p, FS_SAVE_OVERWRITE, &c));
    make_file(fs_commit_staging(c), "part-0", "data");
    fs_commit_abort(c);
    struct stat st;
    CHECK(stat(tpath("abort"), &st) != 0); /* parents made by begin are gone */
}

TEST(commit_relative_and_odd_paths) {
    char cwd[1024];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_OK(chdir(tmpdir()));
    fs_commit *c;
    CHECK_OK(fs_commit_begin("./rel/../rel2//out/", FS_SAVE_ERROR_IF_EXISTS, &c));
    char want[600];
    snprintf(want, sizeof want, "file:%s/rel2/out", tmpdir());
    CHECK_STR(fs_commit_display(c), want);
    CHECK_OK(fs_commit_finish(c));
    CHECK_STR(listing(tpath("rel2/out")), "_SUCCESS");
    CHECK_OK(chdir(cwd));
    CHECK_INT(fs_commit_begin("s3://bucket/x", FS_SAVE_OVERWRITE, &c), SM_UNSUPPORTED);
    CHECK_INT(fs_commit_begin("", FS_SAVE_OVERWRITE, &c), SM_INVALID);
    /* parent is a file */
    make_file(tmpdir(), "plainfile", "x");
    CHECK_INT(fs_commit_begin(tpath("plainfile/out"), FS_SAVE_OVERWRITE, &c), SM_IO);
    CHECK(strstr(sm_errmsg(), "is a file, not a directory") != NULL);
}

TEST(save_mode_names) {
    fs_save_mode m;
    CHECK_OK(fs_save_mode_parse(NULL, &m));
    CHECK_INT(m, FS_SAVE_ERROR_IF_EXISTS);
    CHECK_OK(fs_save_mode_parse("ErrorIfExists", &m));
    CHECK_OK(fs_save_mode_parse("default", &m));
    CHECK_OK(fs_save_mode_parse("OVERWRITE", &m));
    CHECK_INT(m, FS_SAVE_OVERWRITE);
    CHECK_INT(fs_save_mode_parse("nonsense", &m), SM_INVALID);
    CHECK_STR(sm_errmsg(), "Unknown save mode: nonsense. Accepted save modes are 'overwrite', "
                           "'append', 'ignore', 'error', 'errorifexists', 'default'.");
}

/* ---- the write operator through the public API --------------------------------- */

static sm_dataframe *small_df(sm_session *s, int nbatches, int rows_each) {
    sm_schema *sc = sm_schema_new(2);
    sm_schema_set(sc, 0, "id", SM_INT, true);
    sm_schema_set(sc, 1, "name", SM_STRING, true);
    sm_batch **bs = sm_malloc(sizeof(sm_batch *) * (size_t)(nbatches ? nbatches : 1));
    int id = 0;
    for (int k = 0; k < nbatches; k++) {
        bs[k] = sm_batch_new(2, rows_each);
        bs[k]->cols[0] = sm_vector_new(SM_INT, rows_each);
        bs[k]->cols[1] = sm_vector_new(SM_STRING, rows_each);
        for (int r = 0; r < rows_each; r++, id++) {
            char name[32];
            snprintf(name, sizeof name, id % 3 ? "n%d" : "n,%d", id);
            sm_vector_append_i32(bs[k]->cols[0], id);
            sm_vector_append_str(bs[k]->cols[1], name, (int32_t)strlen(name));
        }
    }
    sm_dataframe *df = sm_df_from_batches(s, sc, bs, nbatches);
    sm_schema_free(sc);
    sm_free(bs);
    return df;
}

TEST(write_csv_end_to_end) {
    sm_session *s = sm_session_new(NULL);
    CHECK(s != NULL);
    if (!s) return;
    sm_dataframe *df = small_df(s, 3, 2);
    CHECK(df != NULL);
    const char *out = tpath("e2e/out");
    const char *o[] = {"header", "true", NULL};
    CHECK_OK(sm_df_write_csv(df, out, NULL, o));
    const char *l = listing(out);
    CHECK(strncmp(l, "_SUCCESS|part-0000", 18) == 0);
    CHECK(strstr(l, "-c000.csv") != NULL);
    char *t = parts_text(out);
    /* every row once; each file starts with the header */
    CHECK(t && strstr(t, "\"n,0\"") && strstr(t, "1,n1\n") && strstr(t, "5,n5\n"));
    sm_free(t);
    CHECK(no_staging_left(tpath("e2e")));

    /* errorifexists fails without touching it; overwrite replaces */
    CHECK_INT(sm_df_write_csv(df, out, "errorifexists", o), SM_EXISTS);
    CHECK(no_staging_left(tpath("e2e")));
    sm_dataframe *one = small_df(s, 1, 1);
    CHECK_OK(sm_df_write_csv(one, out, "overwrite", NULL));
    t = parts_text(out);
    CHECK_STR(t, "0,\"n,0\"\n");
    sm_free(t);
    /* append adds a file */
    CHECK_OK(sm_df_write_csv(one, out, "append", NULL));
    t = parts_text(out);
    CHECK_STR(t, "0,\"n,0\"\n0,\"n,0\"\n");
    sm_free(t);
    CHECK_INT(sm_df_write_csv(one, out, "sideways", NULL), SM_INVALID);
    const char *odd[] = {"header", NULL};
    CHECK_INT(sm_df_write_csv(one, out, "overwrite", odd), SM_INVALID);
    CHECK_INT(sm_df_write_csv(NULL, out, "overwrite", NULL) != 0, 1);
    sm_session_free(s);
}

TEST(write_csv_empty_dataframe) {
    sm_session *s = sm_session_new(NULL);
    if (!s) { CHECK(s != NULL); return; }
    sm_dataframe *df = small_df(s, 0, 0);
    const char *o[] = {"header", "true", NULL};
    const char *out = tpath("empty/h");
    CHECK_OK(sm_df_write_csv(df, out, NULL, o));
    CHECK_STR(listing(out), "_SUCCESS|part-00000-U-c000.csv");
    char *t = parts_text(out);
    CHECK_STR(t, "id,name\n");
    sm_free(t);
    const char *out2 = tpath("empty/n");
    CHECK_OK(sm_df_write_csv(df, out2, NULL, NULL));
    t = parts_text(out2);
    CHECK_STR(t, "");
    sm_free(t);
    sm_session_free(s);
}

TEST(write_csv_failure_leaves_nothing) {
    sm_session *s = sm_session_new(NULL);
    if (!s) { CHECK(s != NULL); return; }
    sm_dataframe *df = small_df(s, 2, 2);
    /* a bad option fails before anything is made */
    const char *bad[] = {"compression", "zstdx", NULL};
    CHECK_INT(sm_df_write_csv(df, tpath("fail/out"), NULL, bad), SM_INVALID);
    struct stat st;
    CHECK(stat(tpath("fail"), &st) != 0);
    /* a task that fails half-way (FAILFAST on a malformed row) */
    make_file(tmpdir(), "bad_input.csv", "a\n1\n2\nnot a number\n");
    const char *ro[] = {"header", "true", "mode", "FAILFAST", NULL};
    sm_dataframe *in = sm_read_csv(s, tpath("bad_input.csv"), ro, "a INT");
    CHECK(in != NULL);
    if (in) {
        CHECK(sm_df_write_csv(in, tpath("fail2/out"), NULL, NULL) != 0);
        CHECK(stat(tpath("fail2"), &st) != 0);
        /* and an existing output survives a failed overwrite */
        CHECK_OK(sm_df_write_csv(df, tpath("keep"), NULL, NULL));
        CHECK(sm_df_write_csv(in, tpath("keep"), "overwrite", NULL) != 0);
        char *t = parts_text(tpath("keep"));
        CHECK(t && strstr(t, "0,\"n,0\"\n") != NULL);
        sm_free(t);
        CHECK(no_staging_left(tmpdir()));
    }
    /* an unwritable parent */
    if (geteuid() != 0) {
        mkdir(tpath("ro"), 0555);
        CHECK_INT(sm_df_write_csv(df, tpath("ro/out"), NULL, NULL), SM_IO);
        CHECK(strstr(sm_errmsg(), "ro") != NULL);
    }
    sm_session_free(s);
}

TEST(write_csv_duplicate_columns) {
    sm_session *s = sm_session_new(NULL);
    if (!s) { CHECK(s != NULL); return; }
    sm_dataframe *df = small_df(s, 1, 1);
    const char *exprs[] = {"id", "ID"};
    sm_dataframe *d2 = sm_df_select_expr(df, 2, exprs);
    if (d2) {
        CHECK_INT(sm_df_write_csv(d2, tpath("dup"), NULL, NULL), SM_ANALYSIS);
        CHECK(strstr(sm_errmsg(), "COLUMN_ALREADY_EXISTS") != NULL);
    }
    sm_session_free(s);
}


/* The column-wide scan for special bytes (csv_write.c first_special): rows
 * before the first special byte of a column are written without the
 * per-value scan, rows from it on with it.  Every row must come out as
 * csv_format_field writes that value alone, for the default options and
 * for options whose special bytes differ (sep ';', quote '\''). */
TEST(csv_writer_column_scan_equals_per_value) {
    enum { N = 300 };
    static char vals[N][64];
    for (int i = 0; i < N; i++) {
        const char *base = "some.long.text_value-0123456789@example.com";
        if (i == 0) snprintf(vals[i], sizeof vals[i], "#comment start %d", i);
        else if (i == 100) snprintf(vals[i], sizeof vals[i], "has, a comma %d and more text", i);
        else if (i == 150) snprintf(vals[i], sizeof vals[i], "has \"quote\" %d", i);
        else if (i == 160) snprintf(vals[i], sizeof vals[i], "semi;colon 'single' %d", i);
        else if (i == 170) snprintf(vals[i], sizeof vals[i], "  leading space %d", i);
        else if (i == 180) snprintf(vals[i], sizeof vals[i], "trailing space %d ", i);
        else if (i == 190) snprintf(vals[i], sizeof vals[i], "new\nline %d", i);
        else if (i == 200) vals[i][0] = '\0';
        else snprintf(vals[i], sizeof vals[i], "%.*s%d", i % 40, base, i);
    }
    const char *optsets[2][5] = {{NULL}, {"sep", ";", "quote", "'", NULL}};
    for (int os = 0; os < 2; os++) {
        csv_write_opts o;
        CHECK_OK(csv_write_opts_parse(optsets[os], &o));
        sm_schema *s = sm_schema_new(2);
        sm_schema_set(s, 0, "a", SM_STRING, true);
        sm_schema_set(s, 1, "b", SM_STRING, true);
        sm_batch *b = sm_batch_new(2, N);
        b->cols[0] = sm_vector_new(SM_STRING, N);
        b->cols[1] = sm_vector_new(SM_STRING, N);
        sm_buf want = {0};
        for (int i = 0; i < N; i++) {
            const char *a = vals[i], *c = vals[(i * 7) % N];
            sm_vector_append_str(b->cols[0], a, (int32_t)strlen(a));
            if (i % 50 == 49) sm_vector_append_null(b->cols[1]);
            else sm_vector_append_str(b->cols[1], c, (int32_t)strlen(c));
            CHECK_OK(csv_format_field(&o, 0, a, (int)strlen(a), false, &want));
            sm_buf_append(&want, o.sep, (size_t)o.sep_len);
            if (i % 50 == 49) CHECK_OK(csv_format_field(&o, 1, NULL, 0, true, &want));
            else CHECK_OK(csv_format_field(&o, 1, c, (int)strlen(c), false, &want));
            sm_buf_append(&want, "\n", 1);
        }
        b->nrows = N;
        csv_writer *w;
        const char *p = tpath(os ? "scan_semi.csv" : "scan.csv");
        CHECK_OK(csv_writer_open(p, s, &o, NULL, &w));
        CHECK_OK(csv_writer_write_batch(w, b));
        CHECK_OK(csv_writer_close(w));
        char *t = read_all(p, NULL);
        CHECK_STR(t, sm_buf_cstr(&want));
        sm_free(t);
        sm_buf_free(&want);
        csv_write_opts_free(&o);
        sm_batch_free(b);
        sm_schema_free(s);
    }
}

/* Integers two digits at a time and dates through the writer's day cache
 * (csv_write.c fmt_i64, fmt_day): days that share a cache slot (d and
 * d + 1024), repeats, negative days and years outside 0..9999 (not cached),
 * and timestamps whose date part comes from the same cache, all as
 * sm_format_date / printf write them. */
TEST(csv_writer_integers_and_day_cache) {
    const int64_t ints[] = {0, 9, 10, 99, 100, 101, 999, 1000, -1, -9, -10, -99, -100, 12345678901LL,
                            INT64_MAX, INT64_MIN};
    const int32_t days[] = {0, 1024, 0, 1024, -1, -1025, 19723, 20747, 19723, 2932896, -719529,
                            -719528, 2932897, 5, 1029, 5};
    enum { N = 16 };
    sm_schema *s = sm_schema_new(3);
    sm_schema_set(s, 0, "i", SM_BIGINT, true);
    sm_schema_set(s, 1, "d", SM_DATE, true);
    sm_schema_set(s, 2, "t", SM_TIMESTAMP, true);
    sm_batch *b = sm_batch_new(3, N);
    b->cols[0] = sm_vector_new(SM_BIGINT, N);
    b->cols[1] = sm_vector_new(SM_DATE, N);
    b->cols[2] = sm_vector_new(SM_TIMESTAMP, N);
    sm_buf want = {0};
    for (int i = 0; i < N; i++) {
        sm_vector_append_i64(b->cols[0], ints[i]);
        sm_vector_append_i32(b->cols[1], days[i]);
        bool ts_ok = days[i] > -719000 && days[i] < 2900000;
        if (ts_ok) sm_vector_append_i64(b->cols[2], (int64_t)days[i] * 86400000000LL + 3723004000LL);
        else sm_vector_append_null(b->cols[2]);
        char dbuf[64];
        int dn = sm_format_date(days[i], dbuf);
        sm_buf_appendf(&want, "%lld,", (long long)ints[i]);
        sm_buf_append(&want, dbuf, (size_t)dn);
        if (ts_ok) sm_buf_appendf(&want, ",%.*sT01:02:03.004Z\n", dn, dbuf);
        else sm_buf_appendf(&want, ",\n");
    }
    b->nrows = N;
    csv_write_opts o;
    CHECK_OK(csv_write_opts_parse(NULL, &o));
    csv_writer *w;
    const char *p = tpath("ints_days.csv");
    CHECK_OK(csv_writer_open(p, s, &o, NULL, &w));
    CHECK_OK(csv_writer_write_batch(w, b));
    CHECK_OK(csv_writer_close(w));
    char *t = read_all(p, NULL);
    CHECK_STR(t, sm_buf_cstr(&want));
    sm_free(t);
    sm_buf_free(&want);
    csv_write_opts_free(&o);
    sm_batch_free(b);
    sm_schema_free(s);
}

/* The writer's copies and digits (common/copy.h sm_copy_bytes, csv_write.c
 * fmt_i64): every string length 0..40 (the short copies use overlapping
 * loads and stores by length class) and every power of ten, its neighbours and
 * their negations (the digit count comes from the bit length), as
 * printf writes them, under a one-byte and a two-byte separator. */
TEST(csv_writer_short_copies_and_digit_counts) {
    enum { N = 41 * 3 };
    const char *alpha = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    int64_t ints[N];
    int n = 0;
    uint64_t p = 1;
    for (int k = 0; k <= 18; k++, p *= 10) {
        int64_t v[3] = {(int64_t)p - 1, (int64_t)p, (int64_t)p + 1};
        for (int j = 0; j < 3; j++) {
            ints[n++] = v[j];
            ints[n++] = -v[j];
        }
    }
    ints[n++] = INT64_MAX;
    ints[n++] = INT64_MIN;
    while (n < N) ints[n] = n * 37, n++;
    const char *optsets[2][3] = {{NULL}, {"sep", "::", NULL}};
    for (int os = 0; os < 2; os++) {
        csv_write_opts o;
        CHECK_OK(csv_write_opts_parse(optsets[os], &o));
        sm_schema *s = sm_schema_new(3);
        sm_schema_set(s, 0, "s", SM_STRING, true);
        sm_schema_set(s, 1, "i", SM_BIGINT, true);
        sm_schema_set(s, 2, "j", SM_INT, true);
        sm_batch *b = sm_batch_new(3, N);
        b->cols[0] = sm_vector_new(SM_STRING, N);
        b->cols[1] = sm_vector_new(SM_BIGINT, N);
        b->cols[2] = sm_vector_new(SM_INT, N);
        sm_buf want = {0};
        for (int i = 0; i < N; i++) {
            int len = i % 41;
            const char *str = alpha + i % 11;
            sm_vector_append_str(b->cols[0], str, len);
            sm_vector_append_i64(b->cols[1], ints[i]);
            int32_t j = (int32_t)(ints[i] % 2147483647);
            sm_vector_append_i32(b->cols[2], j);
            if (len == 0) sm_buf_append(&want, "\"\"", 2); /* Spark's emptyValue */
            else sm_buf_append(&want, str, (size_t)len);
            sm_buf_appendf(&want, "%s%lld%s%d\n", o.sep, (long long)ints[i], o.sep, (int)j);
        }
        b->nrows = N;
        csv_writer *w;
        const char *path = tpath(os ? "short_sep2.csv" : "short.csv");
        CHECK_OK(csv_writer_open(path, s, &o, NULL, &w));
        CHECK_OK(csv_writer_write_batch(w, b));
        CHECK_OK(csv_writer_close(w));
        char *t = read_all(path, NULL);
        CHECK_STR(t, sm_buf_cstr(&want));
        sm_free(t);
        sm_buf_free(&want);
        csv_write_opts_free(&o);
        sm_batch_free(b);
        sm_schema_free(s);
    }
}
