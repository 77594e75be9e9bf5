/*
 * test_faults.c — memory exhaustion is an error, never a crash.
 *
 * SQLite-style fault injection: for n = 1, 2, 3, ... a small pipeline runs
 * with sm_mem_fail_after(n), so that its n-th allocation through sm_malloc
 * and friends fails, until a run succeeds without the injected failure
 * having fired (sm_mem_fail_pending() > 0 afterwards).  Every run must either
 * succeed with the right result or fail with SM_NOMEM and a message; after
 * sm_session_free, sm_mem_in_use() must be back where it started (a leak
 * check that works without a sanitizer); a failed write must leave neither
 * the output directory nor a staging directory behind.  Under
 * `make SAN=1` AddressSanitizer also catches use-after-free and friends, and
 * LeakSanitizer anything allocated with plain malloc.
 *
 * Three pipelines:
 *   basic      read a CSV (header, inferSchema), filter, withColumn with
 *              regexp_replace, groupBy + agg, orderBy, collect, write_csv;
 *   drivendata the steps of examples/drivendata: na.fill, casts,
 *              dropDuplicates, when/otherwise, agg with a dict, show, count;
 *   more       a DDL schema with DROPMALFORMED, unionByName, distinct,
 *              na.drop, string/date/hash functions, limit, describe,
 *              printSchema, a gzip write and an append.
 * Each runs single-threaded (deterministic: the n-th allocation is always
 * the same one) and then with two threads (the failing allocation lands on
 * whichever thread takes it; still never a crash).
 *
 * To rerun one case: FAULT_N=123 build/tests/test_faults basic_1
 * (the test name filters by substring, FAULT_N fixes n).
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"
#include "exec/exec.h"
#include "fs/commit.h"
#include "smelt.h"
#include "test.h"

#define PU_TMP_TEMPLATE "/tmp/smelt-test-faults-XXXXXX"
#include "pipeline_util.h"

/* ---- set-up ----------------------------------------------------------------- */

static volatile sig_atomic_t g_n; /* the n being run, for the crash handler */
static const char *volatile g_case = "";

#ifndef __SANITIZE_ADDRESS__
/* Without ASan (which reports crashes itself), name the case that crashed. */
static void on_crash(int sig) {
    char msg[160];
    int len = snprintf(msg, sizeof msg, "CRASH in fault case %s with n=%d (signal %d)\n",
                       (const char *)g_case, (int)g_n, sig);
    if (write(2, msg, (size_t)len) < 0) {
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

__attribute__((constructor)) static void install_handler(void) {
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGABRT, on_crash);
    signal(SIGFPE, on_crash);
}
#endif

static const char *sessions_csv =
    "unique_id,person_name,email,phone,session_duration,accessed_at,download_speed,"
    "upload_speed,consumed_traffic,birth_date\n"
    "1,Ann Lee,ann.lee@mail.com,555-1234,45,2024-02-01 10:00:00,10.5,2.5,100,1990-01-02\n"
    "2,Bob Ray,,555-2222,150,2024-03-05 11:30:00,20.0,5.0,300,1985-06-07\n"
    "3,Ann Lee,annlee@mail.com,,31,2024-01-15 08:00:00,8.25,1.75,50,1990-01-02\n"
    "4,Cy Dunn,cy@dunn.org,555-9999,12,2024-04-01 09:00:00,5.0,1.0,20,2000-12-31\n"
    "2,Bob Ray,,555-2222,150,2024-03-05 11:30:00,20.0,5.0,300,1985-06-07\n"
    "5,Dee Fox,deefox@example.net,555-0000,,2023-12-31 23:59:59,,3.0,75,\n"
    "6,Bob Ray,bobray@mail.com,555-2223,95,2024-05-06 07:07:07,12.0,4.0,120,1985-06-07\n"
    "7,Eve Ng,eve_ng@mail.com,555-3333,60,2024-06-01 00:00:01,30.0,10.0,500,1999-09-09\n";

static void write_input(void) { write_file("in.csv", sessions_csv); }

/* ---- the pipelines ---------------------------------------------------- */

/* Runs one pipeline; 0 on success (results checked), else the status. */
typedef int (*pipeline_fn)(int threads, const char *out);

static sm_session *new_session(int threads) {
    char t[8];
    snprintf(t, sizeof t, "%d", threads);
    const char *conf[] = {"smelt.threads", t, NULL};
    return sm_session_new(conf);
}

static int fail_code(void) {
    int c = sm_errcode();
    return c ? c : SM_INTERNAL;
}

static int pipeline_basic(int threads, const char *out) {
    sm_session *s = new_session(threads);
    if (!s) return fail_code();
    int rc = 0;
    const char *ro[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df = sm_read_csv(s, tpath("in.csv"), ro, NULL);
    df = sm_df_filter(df, "session_duration > 30 AND person_name IS NOT NULL");
    df = sm_df_with_column(df, "masked_email",
                           "regexp_replace(email, '(\\\\w{3})\\\\w+@(\\\\w+)', '$1***@$2')");
    const char *keys[] = {"person_name"};
    const char *aggs[] = {"avg(session_duration) AS avg_d", "sum(consumed_traffic) AS traffic",
                          "min(masked_email) AS m", "count(*) AS n"};
    df = sm_grouped_agg(sm_df_group_by(df, 1, keys), 4, aggs);
    const char *order[] = {"person_name DESC"};
    df = sm_df_order_by(df, 1, order);
    if (!df) {
        rc = fail_code();
        goto done;
    }
    sm_result *r = sm_df_collect(df);
    if (!r) {
        rc = fail_code();
        goto done;
    }
    /* Eve Ng | Bob Ray (150, 150, 95) | Ann Lee (45, 31) */
    if (sm_result_num_rows(r) != 3) {
        T_FAIL("basic: %lld rows, expected 3", (long long)sm_result_num_rows(r));
    } else {
        /* get_string formats on demand: NULL for a non-null value means it
         * could not allocate (sm_last_error says so). */
        const char *n0 = sm_result_get_string(r, 0, 0);
        const char *m2 = n0 ? sm_result_get_string(r, 2, 3) : NULL;
        if (!n0 || !m2) {
            rc = fail_code();
            sm_result_free(r);
            goto done;
        }
        if (!n0 || strcmp(n0, "Eve Ng") != 0) T_FAIL("basic: first row %s", n0 ? n0 : "(null)");
        if (sm_result_get_double(r, 1, 1) < 131.6 || sm_result_get_double(r, 1, 1) > 131.7)
            T_FAIL("basic: avg for Bob Ray %g", sm_result_get_double(r, 1, 1));
        if (sm_result_get_int(r, 1, 4) != 3) T_FAIL("basic: count for Bob Ray");
        if (!m2 || strcmp(m2, "ann***@mail.com") != 0) T_FAIL("basic: masked %s", m2 ? m2 : "(null)");
    }
    sm_result_free(r);
    const char *wo[] = {"header", "true", NULL};
    rc = sm_df_write_csv(df, out, NULL, wo);
done:
    sm_session_free(s);
    return rc;
}

static int count_rows_cb(void *arg, const sm_result *batch) {
    *(int64_t *)arg += sm_result_num_rows(batch);
    return 0;
}

static int pipeline_drivendata(int threads, const char *out) {
    sm_session *s = new_session(threads);
    if (!s) return fail_code();
    int rc = 0;
    const char *paths[] = {tpath("in.csv")};
    const char *ro[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df = sm_read_csv_paths(s, paths, 1, ro, NULL);
    const char *fill[] = {"email", "'unknown@example.com'", "phone", "'000-000-0000'", NULL};
    df = sm_df_na_fill_map(df, fill);
    df = sm_df_with_column_col(df, "birth_date", sm_column_cast(sm_col(s, "birth_date"), "date"));
    df = sm_df_with_column_col(df, "session_duration",
                               sm_column_cast(sm_col(s, "session_duration"), "int"));
    const char *key[] = {"unique_id"};
    df = sm_df_drop_duplicates(df, 1, key);
    df = sm_df_filter(df, "session_duration > 30 AND to_date(accessed_at) > '2024-01-01'");
    df = sm_df_with_column(df, "total_bandwidth", "download_speed + upload_speed");
    sm_column *conds[] = {sm_col_expr(s, "session_duration > 120"),
                          sm_col_expr(s, "session_duration BETWEEN 30 AND 120")};
    sm_column *values[] = {sm_lit_string(s, "active"), sm_lit_string(s, "moderate")};
    df = sm_df_with_column_col(df, "activity_level",
                               sm_when(s, 2, conds, values, sm_lit_string(s, "less_active")));
    const char *gcols[] = {"person_name"};
    const char *aggs[] = {"session_duration", "avg", "consumed_traffic", "sum", NULL};
    sm_dataframe *grouped = sm_grouped_agg_dict(sm_df_group_by(df, 1, gcols), aggs);
    if (!df || !grouped) {
        rc = fail_code();
        goto done;
    }
    int64_t n = 0;
    if ((rc = sm_df_count(df, &n)) != 0) goto done;
    if (n != 5) T_FAIL("drivendata: %lld filtered rows, expected 5", (long long)n);
    int64_t seen = 0;
    if ((rc = sm_df_foreach_batch(grouped, count_rows_cb, &seen)) != 0) goto done;
    if (seen != 3) T_FAIL("drivendata: %lld groups, expected 3 (n=%d)", (long long)seen, g_n);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        rc = sm_df_show_to(df, 20, 20, devnull);
        fclose(devnull);
        if (rc) goto done;
    }
    const char *wo[] = {"header", "true", NULL};
    rc = sm_df_write_csv(grouped, out, "overwrite", wo);
done:
    sm_session_free(s);
    return rc;
}

/* More operators: union_by_name, distinct, na.drop, select_expr with
 * string/date/hash functions, limit, describe, print_schema, and a gzip
 * write with append. */
static int pipeline_more(int threads, const char *out) {
    sm_session *s = new_session(threads);
    if (!s) return fail_code();
    int rc = 0;
    const char *ro[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *a = sm_read_csv(s, tpath("in.csv"), ro, NULL);
    const char *ro2[] = {"header", "true", "mode", "DROPMALFORMED", NULL};
    sm_dataframe *b = sm_read_csv(s, tpath("in.csv"), ro2,
                                  "unique_id INT, person_name STRING, email STRING, phone STRING, "
                                  "session_duration INT, accessed_at TIMESTAMP, download_speed DOUBLE, "
                                  "upload_speed DOUBLE, consumed_traffic BIGINT, birth_date DATE");
    sm_dataframe *df = sm_df_distinct(sm_df_union_by_name(a, b, false));
    const char *sub[] = {"email", "download_speed"};
    df = sm_df_na_drop(df, "any", -1, 2, sub);
    const char *sel[] = {"unique_id",
                         "upper(person_name) AS who",
                         "concat_ws('-', split_part(email, '@', 1), lpad(CAST(unique_id AS STRING), 3, '0')) AS tag",
                         "date_format(accessed_at, 'yyyy/MM/dd HH:mm') AS at",
                         "datediff(to_date(accessed_at), birth_date) AS days",
                         "sha2(email, 256) AS h",
                         "CASE WHEN download_speed > 10 THEN round(download_speed / upload_speed, 2) "
                         "ELSE coalesce(nullif(upload_speed, 1.0), -1.0) END AS ratio"};
    df = sm_df_select_expr(df, 7, sel);
    const char *keys[] = {"days DESC NULLS LAST", "unique_id"};
    df = sm_df_limit(sm_df_order_by(df, 2, keys), 4);
    sm_dataframe *desc = sm_df_describe(df, 0, NULL);
    if (!df || !desc) {
        rc = fail_code();
        goto done;
    }
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        rc = sm_df_show_to(desc, 20, 20, devnull);
        if (rc == 0) rc = sm_df_print_schema_to(df, devnull);
        fclose(devnull);
        if (rc) goto done;
    }
    int64_t n = -1;
    if ((rc = sm_df_count(df, &n)) != 0) goto done;
    if (n != 4) T_FAIL("more (n=%d): %lld rows, expected 4", (int)g_n, (long long)n);
    const char *wo[] = {"header", "true", "compression", "gzip", NULL};
    if ((rc = sm_df_write_csv(df, out, NULL, wo)) != 0) goto done;
    rc = sm_df_write_csv(df, out, "append", wo);
done:
    sm_session_free(s);
    return rc;
}

/* ---- the driver ---------------------------------------------------------- */

/* After a failed run the parent of the output may hold only the output
 * itself, complete (an earlier write of the same run succeeded): no staging
 * directory, nothing else, no output without _SUCCESS. */
static bool only_complete_output(const char *dir, char *bad, size_t cap) {
    DIR *d = opendir(dir);
    if (!d) return true;
    struct dirent *e;
    bool ok = true;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char success[1024];
        struct stat st;
        snprintf(success, sizeof success, "%s/%s/_SUCCESS", dir, e->d_name);
        if (strcmp(e->d_name, "out") == 0 && stat(success, &st) == 0) continue;
        snprintf(bad, cap, "%s", e->d_name);
        ok = false;
        break;
    }
    closedir(d);
    return ok;
}

/* Runs `fn` for n = 1, 2, ... until a run succeeds with the fault not hit.
 * Reports at most a few failures in detail. */
static void fault_loop(const char *name, pipeline_fn fn, int threads) {
    g_case = name;
    write_input();
    char parent[512], out[600], first[256];
    snprintf(parent, sizeof parent, "%s", tpath(name));
    snprintf(out, sizeof out, "%s/out", parent);
    fs_remove_tree(parent);
    mkdir(parent, 0755);

    /* A clean run first: the pipeline works, and one-time global set-up
     * (time-zone tables, ...) is not counted as a leak below. */
    sm_mem_fail_after(0);
    int rc = fn(threads, out);
    if (rc != 0) {
        T_FAIL("%s: the pipeline fails without injected faults: %s", name, sm_errmsg());
        return;
    }
    fs_remove_tree(out);
    int64_t base = sm_mem_in_use();

    const char *only = getenv("FAULT_N");
    int start = only ? atoi(only) : 1, reported = 0, failures = 0, n;
    const int max_n = 1000000;
    for (n = start; n < max_n; n++) {
        g_n = n;
        sm_err_clear();
        sm_mem_fail_after(n);
        rc = fn(threads, out);
        bool fired = sm_mem_fail_pending() == 0;
        sm_mem_fail_after(0);
        const char *why = NULL;
        char buf[512];
        if (rc != 0 && rc != SM_NOMEM) {
            snprintf(buf, sizeof buf, "failed with %s, not NOMEM", sm_status_name(rc));
            why = buf;
        } else if (rc != 0 && sm_errmsg()[0] == 0) {
            why = "failed with no message";
        } else if (rc != 0 && !fired) {
            why = "failed although no fault was injected";
        }
        int64_t now = sm_mem_in_use();
        if (!why && now != base) {
            snprintf(buf, sizeof buf, "%lld bytes still allocated after sm_session_free",
                     (long long)(now - base));
            why = buf;
        }
        if (!why && rc != 0 && !only_complete_output(parent, first, sizeof first)) {
            snprintf(buf, sizeof buf, "a failed run left '%s' behind", first);
            why = buf;
        }
        if (why) {
            failures++;
            if (reported++ < 8)
                T_FAIL("%s: n=%d: %s (message: %s)", name, n, why, sm_errmsg());
            base = now; /* report each leak once */
        }
        fs_remove_tree(out);
        if (only || (rc == 0 && !fired)) break;
    }
    if (failures > 8) T_FAIL("%s: %d failing values of n in all", name, failures);
    if (!only) fprintf(stderr, "  %s: %d allocation sites tried\n", name, n - 1);
    if (n >= max_n) T_FAIL("%s: never finished", name);
    fs_remove_tree(parent);
}

TEST(faults_basic_1_thread) { fault_loop("basic_1", pipeline_basic, 1); }
TEST(faults_basic_2_threads) { fault_loop("basic_2", pipeline_basic, 2); }
TEST(faults_drivendata_1_thread) { fault_loop("drivendata_1", pipeline_drivendata, 1); }
TEST(faults_drivendata_2_threads) { fault_loop("drivendata_2", pipeline_drivendata, 2); }
/* dropDuplicates(unique_id) with every row in the radix buckets from the
 * start (exec/distinct.c, "the radix path"), instead of a table first */
TEST(faults_drivendata_radix_2_threads) {
    int64_t saved = exec_distinct_radix_groups;
    exec_distinct_radix_groups = 0;
    fault_loop("drivendata_radix_2", pipeline_drivendata, 2);
    exec_distinct_radix_groups = saved;
}
TEST(faults_more_1_thread) { fault_loop("more_1", pipeline_more, 1); }
TEST(faults_more_2_threads) { fault_loop("more_2", pipeline_more, 2); }

/* The injection hook itself: the n-th allocation fails with a message. */
TEST(faults_hook) {
    sm_mem_fail_after(2);
    CHECK_INT(sm_mem_fail_pending(), 2);
    void *a = sm_malloc(8);
    void *b = sm_malloc(8);
    CHECK(a != NULL);
    CHECK(b == NULL);
    CHECK_INT(sm_errcode(), SM_NOMEM);
    CHECK(strstr(sm_errmsg(), "out of memory") != NULL);
    CHECK_INT(sm_mem_fail_pending(), 0);
    void *c = sm_malloc(8);
    CHECK(c != NULL);
    sm_free(a);
    sm_free(c);
    sm_mem_fail_after(0);
    CHECK_OK(sm_mem_fail_pending() == 0 ? SM_OK : SM_INTERNAL);
}
