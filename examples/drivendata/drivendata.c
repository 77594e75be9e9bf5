/*
 * drivendata.c — the chapter-9 Glue job of the DrivenData seed, in C.
 *
 *     build/drivendata RAW_DIR OUT_DIR
 *
 * Step by step as the seed's Glue script (PySpark version beside this file:
 * drivendata_spark.py):
 *
 *   df = spark.read.csv(<the *.csv files of RAW_DIR>, header=True, inferSchema=True)
 *   df = df.na.fill({"email": "unknown@example.com", "phone": "000-000-0000"})
 *   df = df.withColumn("birth_date", col("birth_date").cast(DateType()))
 *   df = df.withColumn("session_duration", col("session_duration").cast(IntegerType()))
 *   df = df.dropDuplicates(subset=["unique_id"])
 *   df_filtered = df.filter((df["session_duration"] > 30) &
 *                           (to_date(df["accessed_at"]) > "2024-01-01"))
 *   df_filtered = df_filtered.withColumn("total_bandwidth",
 *                                        col("download_speed") + col("upload_speed"))
 *   df_filtered = df_filtered.withColumn("activity_level",
 *       when(col("session_duration") > 120, "active")
 *       .when(col("session_duration").between(30, 120), "moderate")
 *       .otherwise("less_active"))
 *   df_filtered = df_filtered.withColumn("masked_email",
 *       regexp_replace("email", "(\\w{3})\\w+@(\\w+)", "$1***@$2"))
 *   df_grouped = df_filtered.groupBy("person_name").agg(
 *       {"session_duration": "avg", "consumed_traffic": "sum"})
 *   write OUT_DIR/filtered and OUT_DIR/grouped as CSV with a header, overwriting
 *
 * Both styles of the C API appear: expressions as Spark SQL text (as
 * PySpark's expr()), and columns built in C (sm_col, sm_when, sm_call).
 * Every step is checked, so a failure names the step and exits non-zero;
 * the outputs are committed atomically, so a failed run leaves no partial
 * output behind.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "smelt.h"

static int fail(const char *step) {
    fprintf(stderr, "drivendata: %s failed:\n%s\n", step, sm_last_error());
    return 1;
}

#define STEP(var, call, what)             \
    do {                                  \
        var = (call);                     \
        if (!(var)) return fail(what);    \
    } while (0)

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The CSV files of raw_dir (names ending in .csv or .csv.gz, skipping names
 * that start with '.' or '_'), sorted.  Returns the count, -1 on error. */
static int list_csv(const char *raw_dir, char ***out) {
    DIR *d = opendir(raw_dir);
    if (!d) {
        fprintf(stderr, "drivendata: cannot open RAW_DIR '%s': ", raw_dir);
        perror(NULL);
        return -1;
    }
    char **paths = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        if (name[0] == '.' || name[0] == '_') continue;
        int is_csv = (len > 4 && !strcmp(name + len - 4, ".csv")) ||
                     (len > 7 && !strcmp(name + len - 7, ".csv.gz"));
        if (!is_csv) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **p = realloc(paths, sizeof(char *) * (size_t)cap);
            if (!p) { closedir(d); return -1; }
            paths = p;
        }
        size_t plen = strlen(raw_dir) + len + 2;
        paths[n] = malloc(plen);
        if (!paths[n]) { closedir(d); return -1; }
        snprintf(paths[n], plen, "%s/%s", raw_dir, name);
        n++;
    }
    closedir(d);
    if (n > 1) qsort(paths, (size_t)n, sizeof(char *), by_name);
    *out = paths;
    return n;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(sm_session *s, const char *raw_dir, const char *out_dir) {
    char **files = NULL;
    int nfiles = list_csv(raw_dir, &files);
    if (nfiles < 0) return 1;
    if (nfiles == 0) {
        fprintf(stderr, "drivendata: no CSV files (*.csv, *.csv.gz) in RAW_DIR '%s'\n", raw_dir);
        return 1;
    }

    /* Read every daily batch with header and schema inference. */
    const char *read_opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *df;
    df = sm_read_csv_paths(s, (const char *const *)files, nfiles, read_opts, NULL);
    for (int i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    if (!df) return fail("reading the raw CSV files");

    /* Missing emails and phones. */
    const char *fill[] = {"email", "'unknown@example.com'", "phone", "'000-000-0000'", NULL};
    STEP(df, sm_df_na_fill_map(df, fill), "na.fill of email and phone");

    /* Types of birth_date and session_duration. */
    STEP(df, sm_df_with_column_col(df, "birth_date",
                                   sm_column_cast(sm_col(s, "birth_date"), "date")),
         "casting birth_date to date");
    STEP(df, sm_df_with_column_col(df, "session_duration",
                                   sm_column_cast(sm_col(s, "session_duration"), "int")),
         "casting session_duration to int");

    /* Duplicate records. */
    const char *key[] = {"unique_id"};
    STEP(df, sm_df_drop_duplicates(df, 1, key), "dropDuplicates on unique_id");

    /* 2024 sessions longer than 30 minutes. */
    sm_dataframe *filtered;
    STEP(filtered,
         sm_df_filter(df, "session_duration > 30 AND to_date(accessed_at) > '2024-01-01'"),
         "filtering sessions");

    /* Total bandwidth. */
    STEP(filtered, sm_df_with_column(filtered, "total_bandwidth", "download_speed + upload_speed"),
         "adding total_bandwidth");

    /* Activity level: when(...).when(...).otherwise(...). */
    sm_column *conds[] = {sm_col_expr(s, "session_duration > 120"),
                          sm_col_expr(s, "session_duration BETWEEN 30 AND 120")};
    sm_column *values[] = {sm_lit_string(s, "active"), sm_lit_string(s, "moderate")};
    STEP(filtered,
         sm_df_with_column_col(filtered, "activity_level",
                               sm_when(s, 2, conds, values, sm_lit_string(s, "less_active"))),
         "adding activity_level");

    /* Masked email. */
    sm_column *re_args[] = {sm_col(s, "email"), sm_lit_string(s, "(\\w{3})\\w+@(\\w+)"),
                            sm_lit_string(s, "$1***@$2")};
    STEP(filtered,
         sm_df_with_column_col(filtered, "masked_email", sm_call(s, "regexp_replace", 3, re_args)),
         "adding masked_email");

    /* Per-person summary. */
    const char *group_cols[] = {"person_name"};
    const char *aggs[] = {"session_duration", "avg", "consumed_traffic", "sum", NULL};
    sm_grouped *g;
    STEP(g, sm_df_group_by(filtered, 1, group_cols), "groupBy person_name");
    sm_dataframe *grouped;
    STEP(grouped, sm_grouped_agg_dict(g, aggs), "agg avg(session_duration), sum(consumed_traffic)");

    /* Write both results. */
    size_t n = strlen(out_dir) + 16;
    char *filtered_path = malloc(n), *grouped_path = malloc(n);
    if (!filtered_path || !grouped_path) return fail("allocating paths");
    snprintf(filtered_path, n, "%s/filtered", out_dir);
    snprintf(grouped_path, n, "%s/grouped", out_dir);
    const char *write_opts[] = {"header", "true", NULL};
    int rc = 0;
    if (sm_df_write_csv(filtered, filtered_path, "overwrite", write_opts) != 0)
        rc = fail("writing OUT_DIR/filtered");
    else if (sm_df_write_csv(grouped, grouped_path, "overwrite", write_opts) != 0)
        rc = fail("writing OUT_DIR/grouped");
    free(filtered_path);
    free(grouped_path);
    return rc;
}

int main(int argc, char **argv) {
    bool help = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
    if (argc != 3 || help) {
        fprintf(help ? stdout : stderr,
                "usage: %s RAW_DIR OUT_DIR\n"
                "  Runs the DrivenData chapter-9 job: reads every CSV file in RAW_DIR\n"
                "  (header, inferSchema) and writes OUT_DIR/filtered and OUT_DIR/grouped\n"
                "  as CSV with a header, replacing earlier outputs.\n",
                argv[0]);
        return help ? 0 : 2;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "drivendata: RAW_DIR '%s' is not a directory\n", argv[1]);
        return 1;
    }
    double t0 = now_s();
    sm_session *s = sm_session_new(NULL);
    if (!s) return fail("starting a session");
    int rc = run(s, argv[1], argv[2]);
    sm_session_free(s);
    if (rc == 0)
        fprintf(stderr, "drivendata: wrote %s/filtered and %s/grouped in %.2f s\n", argv[2],
                argv[2], now_s() - t0);
    return rc;
}
