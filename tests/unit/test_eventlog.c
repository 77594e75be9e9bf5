/*
 * test_eventlog.c — the event log (exec/eventlog.c, docs/event-log.md):
 * which settings turn it on, and that its lines add up — every stage's
 * TaskEnd lines match its StageStart's task count and rows, scans report
 * the rows of their input, a write reports the rows it committed, a failed
 * action ends with JobEnd "failed" and its error.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "smelt.h"

static char tmpdir[256];

static void setup(void) {
    if (tmpdir[0]) return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/smelt-test-eventlog-XXXXXX");
    if (!mkdtemp(tmpdir)) abort();
    char path[512];
    snprintf(path, sizeof path, "%s/in.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("k,v\n", f);
    for (int i = 0; i < 1000; i++) fprintf(f, "%d,%d\n", i % 7, i);
    fclose(f);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
    b[n] = 0;
    fclose(f);
    return b;
}

/* Counts lines containing every one of the NULL-terminated needles. */
static int count_lines(const char *text, ...) {
    int n = 0;
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *l = strndup(line, len);
        va_list ap;
        va_start(ap, text);
        bool all = true;
        for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
            if (!strstr(l, s)) all = false;
        va_end(ap);
        n += all;
        free(l);
        line = nl ? nl + 1 : NULL;
    }
    return n;
}

/* The integer after "key": in the first line containing all of needle. */
static long long field_of(const char *text, const char *needle, const char *key) {
    const char *l = strstr(text, needle);
    if (!l) return -1;
    const char *e = strchr(l, '\n');
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *k = strstr(l, pat);
    if (!k || (e && k > e)) return -1;
    return atoll(k + strlen(pat));
}

static sm_dataframe *input(sm_session *s) {
    char path[512];
    snprintf(path, sizeof path, "%s/in.csv", tmpdir);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    return sm_read_csv(s, path, opts, NULL);
}

TEST(eventlog_off_by_default) {
    setup();
    sm_session *s = sm_session_new(NULL);
    CHECK(sm_session_event_log_path(s) == NULL);
    int64_t n = 0;
    CHECK_OK(sm_df_count(input(s), &n));
    CHECK_INT(n, 1000);
    sm_session_free(s);
}

TEST(eventlog_jobs_stages_tasks_operators) {
    setup();
    char log[512], out[512];
    snprintf(log, sizeof log, "%s/events.jsonl", tmpdir);
    snprintf(out, sizeof out, "%s/out", tmpdir);
    unlink(log);
    const char *conf[] = {"smelt.eventLog.path", log, "spark.sql.shuffle.partitions", "3", NULL};
    sm_session *s = sm_session_new(conf);
    CHECK_STR(sm_session_event_log_path(s), log);
    sm_dataframe *df = input(s);
    int64_t n = 0;
    CHECK_OK(sm_df_count(df, &n));
    sm_dataframe *g = sm_grouped_agg(sm_df_group_by(df, 1, (const char *[]){"k"}), 1,
                                      (const char *[]){"sum(v) AS s"});
    CHECK_OK(sm_df_write_csv(g, out, "overwrite", (const char *[]){"header", "true", NULL}));
    /* a failing action: the output exists and the mode says error */
    CHECK(sm_df_write_csv(g, out, "error", NULL) != 0);
    sm_session_free(s);

    char *t = slurp(log);
    CHECK(t != NULL);
    if (!t) return;
    CHECK_INT(count_lines(t, "\"Event\":\"JobStart\"", NULL), 3);
    CHECK_INT(count_lines(t, "\"Event\":\"JobEnd\"", "\"Result\":\"succeeded\"", NULL), 2);
    CHECK_INT(count_lines(t, "\"Event\":\"JobEnd\"", "\"Result\":\"failed\"", "already exists", NULL), 1);
    CHECK_INT(count_lines(t, "\"Job ID\":1", "\"Action\":\"count\"", NULL), 1);
    /* count: the scan read every row */
    CHECK_INT(count_lines(t, "\"Job ID\":1,", "\"Kind\":\"Scan\"", "\"Rows\":1000,", NULL), 1);
    /* the write: 7 groups committed, a stage feeding the aggregate with its
     * tasks, and the final stage over 3 shuffle partitions */
    CHECK_INT(count_lines(t, "\"Event\":\"OutputCommitted\"", "\"Job ID\":2,", "\"Rows\":7,", NULL), 1);
    CHECK_INT(count_lines(t, "\"Event\":\"StageStart\"", "\"Job ID\":2,", "\"Operator\":\"Aggregate\"", NULL), 1);
    CHECK_INT(count_lines(t, "\"Event\":\"StageStart\"", "\"Job ID\":2,", "\"Operator\":\"Result\"",
                          "\"Tasks\":3", NULL), 1);
    /* every stage: its TaskEnd lines are its task count, and their rows add
     * up to the stage's */
    for (int stage = 1; stage <= 64; stage++) {
        char id[48];
        snprintf(id, sizeof id, "\"Stage ID\":%d,", stage);
        int starts = count_lines(t, "\"Event\":\"StageStart\"", id, NULL);
        if (!starts) break;
        CHECK_INT(starts, 1);
        const char *ss = strstr(t, id);
        long long tasks = ss ? field_of(ss, id, "Tasks") : -1;
        CHECK_INT(count_lines(t, "\"Event\":\"TaskEnd\"", id, NULL), tasks);
        long long rows = 0;
        for (const char *p = t; (p = strstr(p, "\"Event\":\"TaskEnd\"")) != NULL; p++) {
            const char *e = strchr(p, '\n');
            const char *q = strstr(p, id);
            if (q && (!e || q < e)) rows += field_of(p, "\"Event\":\"TaskEnd\"", "Rows");
        }
        char send[96];
        snprintf(send, sizeof send, "\"Event\":\"StageEnd\",\"Job ID\":");
        const char *se = t;
        long long stage_rows = -2;
        while ((se = strstr(se, send)) != NULL) {
            const char *e = strchr(se, '\n');
            const char *q = strstr(se, id);
            if (q && (!e || q < e)) { stage_rows = field_of(se, send, "Rows"); break; }
            se++;
        }
        CHECK_INT(rows, stage_rows);
    }
    free(t);
}

TEST(eventlog_spark_settings) {
    setup();
    char dir[512];
    snprintf(dir, sizeof dir, "%s/events", tmpdir);
    mkdir(dir, 0755);
    char url[600];
    snprintf(url, sizeof url, "file://%s", dir);
    const char *conf[] = {"spark.eventLog.enabled", "true", "spark.eventLog.dir", url, NULL};
    sm_session *s = sm_session_new(conf);
    const char *p = sm_session_event_log_path(s);
    CHECK(p != NULL && strncmp(p, dir, strlen(dir)) == 0 && strstr(p, ".jsonl"));
    int64_t n;
    CHECK_OK(sm_df_count(input(s), &n));
    struct stat sb;
    CHECK(p && stat(p, &sb) == 0 && sb.st_size > 0);
    sm_session_free(s);

    /* a bad boolean, and a directory that does not exist */
    sm_session *s2 = sm_session_new(NULL);
    CHECK(sm_session_set(s2, "spark.eventLog.enabled", "yes") != 0);
    CHECK(strstr(sm_last_error(), "not a boolean") != NULL);
    CHECK_OK(sm_session_set(s2, "spark.eventLog.enabled", "true"));
    CHECK_OK(sm_session_set(s2, "spark.eventLog.dir", "/nonexistent/smelt-events"));
    CHECK(sm_df_count(input(s2), &n) != 0);
    CHECK(strstr(sm_last_error(), "event log") != NULL);
    sm_session_free(s2);
}
