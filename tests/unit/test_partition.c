/*
 * test_partition.c — partitioned datasets: escaping (fs/partition.c),
 * discovery and Spark's partition type inference (formats/dataset.c),
 * packing of small files, writing with partitionBy / maxRecordsPerFile
 * (exec/write.c) and partition pruning (plan/partition_prune.c).
 *
 * Expected directory names, inferred types and values come from PySpark
 * 3.5.3 (local[1], UTC): df.write.partitionBy("p").csv(...) and
 * spark.read.csv(dir).schema over hand-made key=value trees.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "api/api_internal.h"
#include "common/status.h"
#include "formats/dataset.h"
#include "fs/commit.h"
#include "fs/partition.h"
#include "rows_util.h"

static char tmp_root[256];

static const char *tmpdir(void) {
    if (!tmp_root[0]) {
        snprintf(tmp_root, sizeof tmp_root, "/tmp/smelt-test-partition-%d", (int)getpid());
        fs_remove_tree(tmp_root);
        mkdir(tmp_root, 0777);
    }
    return tmp_root;
}

static void write_file(const char *path, const char *text) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(dir, 0777); *p = '/'; }
    FILE *f = fopen(path, "w");
    if (f) { fputs(text, f); fclose(f); }
}

static const char *esc(const char *s) {
    static char out[256];
    sm_buf b = {0};
    fs_escape_path_name(s, (int32_t)strlen(s), &b);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? b.data : "");
    sm_buf_free(&b);
    return out;
}

static const char *unesc(const char *s) {
    static char out[256];
    sm_buf b = {0};
    fs_unescape_path_name(s, (int32_t)strlen(s), &b);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.data ? b.data : "");
    sm_buf_free(&b);
    return out;
}

TEST(escape_like_spark) {
    /* PySpark's directory names for these values (partitionBy("p")) */
    CHECK_STR(esc("a/b"), "a%2Fb");
    CHECK_STR(esc("c\\d"), "c%5Cd");
    CHECK_STR(esc("e:f"), "e%3Af");
    CHECK_STR(esc("g=h"), "g%3Dh");
    CHECK_STR(esc("i j"), "i j");
    CHECK_STR(esc("k%l"), "k%25l");
    CHECK_STR(esc("m#n"), "m%23n");
    CHECK_STR(esc("o?p"), "o%3Fp");
    CHECK_STR(esc("q*r"), "q%2Ar");
    CHECK_STR(esc("s\"t"), "s%22t");
    CHECK_STR(esc("u<v>w"), "u<v>w");
    CHECK_STR(esc("x|y"), "x|y");
    CHECK_STR(esc("z{}[]^"), "z%7B}%5B%5D%5E");
    CHECK_STR(esc("\xc3\xbc"), "\xc3\xbc");
    CHECK_STR(esc("'q'"), "%27q%27");
    CHECK_STR(esc("a\tb"), "a%09b");
    CHECK_STR(esc("2024-01-01 10:00:00"), "2024-01-01 10%3A00%3A00");
    CHECK_STR(unesc("a%2Fb"), "a/b");
    CHECK_STR(unesc("z%7B}%5B%5D%5E"), "z{}[]^");
    CHECK_STR(unesc("100%"), "100%");
    CHECK_STR(unesc("%zz%4"), "%zz%4");
    CHECK(fs_hidden_name("_SUCCESS"));
    CHECK(fs_hidden_name(".x.crc"));
    CHECK(!fs_hidden_name("_c=1"));
    CHECK(fs_hidden_name("f.csv._COPYING_"));
    CHECK(!fs_hidden_name("part-0.csv"));
}

static const char *ty(const char *raw) {
    static char out[64];
    int p;
    sm_type t = ds_infer_value_type(raw, sm_tz_utc(), &p);
    if (t == SM_DECIMAL) snprintf(out, sizeof out, "decimal(%d,0)", p);
    else snprintf(out, sizeof out, "%s", sm_type_name(t));
    return out;
}

TEST(infer_value_types_like_spark) {
    CHECK_STR(ty("1"), "int");
    CHECK_STR(ty("-5"), "int");
    CHECK_STR(ty("+2"), "int");
    CHECK_STR(ty("3000000000"), "bigint");
    CHECK_STR(ty("123456789012345678901"), "decimal(21,0)");
    CHECK_STR(ty("1.5e3"), "decimal(4,0)");
    CHECK_STR(ty("1e5"), "decimal(6,0)");
    CHECK_STR(ty("1.5"), "double");
    CHECK_STR(ty("1.5d"), "double");
    CHECK_STR(ty(" 1"), "double");
    CHECK_STR(ty("NaN"), "double");
    CHECK_STR(ty("2024-01-01"), "date");
    CHECK_STR(ty("2024-02-30"), "string");
    CHECK_STR(ty("2024-01-01 10%3A00%3A00"), "timestamp");
    CHECK_STR(ty("2024-01-01 10%3A00%3A00.5"), "timestamp");
    CHECK_STR(ty("true"), "string");
    CHECK_STR(ty("0x10"), "string");
    CHECK_STR(ty("x"), "string");
    CHECK_STR(ty(NULL), "void");
}

static const char *wide(sm_type a, int pa, sm_type b, int pb) {
    static char out[64];
    int p;
    sm_type t = ds_wider_type(a, pa, b, pb, &p);
    if (t == SM_DECIMAL) snprintf(out, sizeof out, "decimal(%d,0)", p);
    else snprintf(out, sizeof out, "%s", sm_type_name(t));
    return out;
}

TEST(wider_partition_types_like_spark) {
    CHECK_STR(wide(SM_INT, 0, SM_BIGINT, 0), "bigint");
    CHECK_STR(wide(SM_INT, 0, SM_DOUBLE, 0), "double");
    CHECK_STR(wide(SM_INT, 0, SM_DECIMAL, 21), "decimal(21,0)");
    CHECK_STR(wide(SM_DOUBLE, 0, SM_DECIMAL, 21), "string");
    CHECK_STR(wide(SM_INT, 0, SM_DATE, 0), "string");
    CHECK_STR(wide(SM_DATE, 0, SM_TIMESTAMP, 0), "timestamp");
    CHECK_STR(wide(SM_NULLTYPE, 0, SM_INT, 0), "int");
    CHECK_STR(wide(SM_INT, 0, SM_STRING, 0), "string");
}

TEST(pack_small_files_like_spark) {
    /* 10 files of 1 KiB, 2 cores: total = 10 * (1 KiB + 4 MiB);
     * maxSplit = min(128 MiB, max(4 MiB, total / 2)) ~ 20 MiB: 5 per group */
    int64_t sizes[10];
    for (int i = 0; i < 10; i++) sizes[i] = 1024;
    int start[11], ng = 0;
    fs_pack_splits(sizes, 10, 128LL << 20, 4LL << 20, 2, start, &ng);
    CHECK_INT(ng, 2);
    CHECK_INT(start[1], 5);
    CHECK_INT(start[2], 10);
    /* big splits stay alone */
    int64_t big[3] = {100LL << 20, 100LL << 20, 1};
    fs_pack_splits(big, 3, 128LL << 20, 4LL << 20, 1, start, &ng);
    CHECK_INT(ng, 2);
    CHECK_INT(start[1], 1);
    /* 1000 tiny files on 16 cores still pack */
    int64_t tiny[1000];
    for (int i = 0; i < 1000; i++) tiny[i] = 100;
    int st[1001];
    fs_pack_splits(tiny, 1000, 128LL << 20, 4LL << 20, 16, st, &ng);
    CHECK_INT(ng, 32); /* 128 MiB / (4 MiB + 100 B): 32 files a task */
}

static sm_session *session(void) {
    const char *cfg[] = {"smelt.threads", "2", NULL};
    return sm_session_new(cfg);
}

static char *schema_of(sm_dataframe *df) {
    static char out[1024];
    out[0] = 0;
    if (!df) { snprintf(out, sizeof out, "ERROR: %s", sm_last_error()); return out; }
    const sm_schema *s = df->plan->schema;
    for (int i = 0; i < s->ncols; i++) {
        char t[64];
        sm_type_format(t, sizeof t, s->fields[i].type, s->fields[i].precision, s->fields[i].scale,
                       s->fields[i].dt);
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s:%s", i ? "," : "", s->fields[i].name, t);
    }
    return out;
}

TEST(discover_partitions_typed) {
    char base[512], p[1024];
    snprintf(base, sizeof base, "%s/disc", tmpdir());
    const char *dirs[] = {"a=1/b=x", "a=2/b=y%2Fz", "a=__HIVE_DEFAULT_PARTITION__/b=x"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s/f.csv", base, dirs[i]);
        char row[16];
        snprintf(row, sizeof row, "%d\n", i);
        write_file(p, row);
    }
    snprintf(p, sizeof p, "%s/_SUCCESS", base);
    write_file(p, "");
    snprintf(p, sizeof p, "%s/a=1/b=x/.f.csv.crc", base);
    write_file(p, "junk");
    snprintf(p, sizeof p, "%s/plain/g.csv", base); /* not a partition dir: ignored as Spark */
    write_file(p, "99\n");
    sm_session *s = session();
    sm_dataframe *df = sm_read_csv(s, base, NULL, NULL);
    CHECK_STR(schema_of(df), "_c0:string,a:int,b:string");
    CHECK_STR(rows_of(df, false), "0,1,x|1,2,y/z|2,NULL,x");
    /* a partition directory read alone has no partition columns ... */
    snprintf(p, sizeof p, "%s/a=1", base);
    CHECK_STR(schema_of(sm_read_csv(s, p, NULL, NULL)), "_c0:string,b:string");
    /* ... unless basePath says where the table starts */
    const char *bp[] = {"basePath", base, NULL};
    CHECK_STR(schema_of(sm_read_csv(s, p, bp, NULL)), "_c0:string,a:int,b:string");
    /* a user schema may type a partition column */
    CHECK_STR(schema_of(sm_read_csv(s, base, NULL, "v INT, a STRING")), "v:int,a:string,b:string");
    sm_session_free(s);
}

TEST(discover_conflicting_names_fail) {
    char base[512], p[1024];
    snprintf(base, sizeof base, "%s/conf", tmpdir());
    snprintf(p, sizeof p, "%s/a=1/f.csv", base);
    write_file(p, "1\n");
    snprintf(p, sizeof p, "%s/b=2/f.csv", base);
    write_file(p, "1\n");
    sm_session *s = session();
    CHECK(sm_read_csv(s, base, NULL, NULL) == NULL);
    CHECK(strstr(sm_last_error(), "Conflicting partition column names detected") != NULL);
    sm_session_free(s);
}

static int count_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strlen(de->d_name) > strlen(suffix) &&
            !strcmp(de->d_name + strlen(de->d_name) - strlen(suffix), suffix))
            n++;
    closedir(d);
    return n;
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

TEST(write_partitioned_and_read_back) {
    char out[512], p[1024];
    snprintf(out, sizeof out, "%s/wr", tmpdir());
    sm_session *s = session();
    sm_dataframe *df = sm_sql(s, "SELECT * FROM VALUES (1, 'a/b', 1.5), (2, NULL, 2.5), (3, '', 1.5), "
                                 "(4, 'x', 1.5) AS t(id, p, d)");
    const char *o[] = {"partitionBy", "p,d", "header", "true", NULL};
    CHECK_OK(sm_df_write_csv(df, out, "overwrite", o));
    snprintf(p, sizeof p, "%s/p=a%%2Fb/d=1.5", out);
    CHECK_INT(count_files(p, ".csv"), 1);
    snprintf(p, sizeof p, "%s/p=__HIVE_DEFAULT_PARTITION__/d=1.5", out);
    CHECK_INT(count_files(p, ".csv"), 1);
    snprintf(p, sizeof p, "%s/p=__HIVE_DEFAULT_PARTITION__/d=2.5", out);
    CHECK_INT(count_files(p, ".csv"), 1);
    snprintf(p, sizeof p, "%s/_SUCCESS", out);
    CHECK(exists(p));
    /* the partition columns are not in the files */
    snprintf(p, sizeof p, "%s/p=x/d=1.5", out);
    const char *hdr[] = {"header", "true", NULL};
    CHECK_STR(schema_of(sm_read_csv(s, p, hdr, NULL)), "id:string");
    const char *ro[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *r = sm_read_csv(s, out, ro, NULL);
    CHECK_STR(schema_of(r), "id:int,p:string,d:double");
    CHECK_STR(rows_of(r, false), "1,a/b,1.5|2,NULL,2.5|3,NULL,1.5|4,x,1.5");
    /* Parquet too, in partitionBy order */
    snprintf(out, sizeof out, "%s/wrpq", tmpdir());
    const char *o2[] = {"partitionBy", "d,p", NULL};
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", o2));
    snprintf(p, sizeof p, "%s/d=1.5/p=x", out);
    CHECK_INT(count_files(p, ".snappy.parquet"), 1);
    r = sm_read_parquet(s, out, NULL, NULL);
    CHECK_STR(schema_of(r), "id:int,d:double,p:string");
    CHECK_STR(rows_of(r, false), "1,1.5,a/b|2,2.5,NULL|3,1.5,NULL|4,1.5,x");
    /* errors as Spark */
    const char *bad[] = {"partitionBy", "nope", NULL};
    CHECK(sm_df_write_csv(df, out, "overwrite", bad) != 0);
    CHECK(strstr(sm_last_error(), "Partition column `nope` not found") != NULL);
    const char *all[] = {"partitionBy", "id,p,d", NULL};
    CHECK(sm_df_write_csv(df, out, "overwrite", all) != 0);
    CHECK(strstr(sm_last_error(), "ALL_PARTITION_COLUMNS_NOT_ALLOWED") != NULL);
    sm_session_free(s);
}

TEST(write_append_merges_partition_dirs) {
    char out[512], p[1024];
    snprintf(out, sizeof out, "%s/app", tmpdir());
    sm_session *s = session();
    sm_dataframe *a = sm_sql(s, "SELECT * FROM VALUES (1, 'x'), (2, 'y') AS t(id, p)");
    sm_dataframe *b = sm_sql(s, "SELECT * FROM VALUES (3, 'x'), (4, 'z') AS t(id, p)");
    const char *o[] = {"partitionBy", "p", NULL};
    CHECK_OK(sm_df_write_csv(a, out, "overwrite", o));
    CHECK_OK(sm_df_write_csv(b, out, "append", o));
    snprintf(p, sizeof p, "%s/p=x", out);
    CHECK_INT(count_files(p, ".csv"), 2);
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "1,x|2,y|3,x|4,z");
    CHECK_OK(sm_df_write_csv(b, out, "overwrite", o));
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "3,x|4,z");
    sm_session_free(s);
}

/* partitionOverwriteMode=dynamic (the write option, or the session's
 * spark.sql.sources.partitionOverwriteMode): an overwrite replaces only the
 * partitions it writes; static (the default) replaces the whole output. */
TEST(dynamic_partition_overwrite) {
    char out[512], p[1024];
    snprintf(out, sizeof out, "%s/dyn", tmpdir());
    sm_session *s = session();
    sm_dataframe *a = sm_sql(s, "SELECT * FROM VALUES (1, 'x', 1), (2, 'y', 1), (3, 'y', 2) AS t(id, p, q)");
    sm_dataframe *b = sm_sql(s, "SELECT * FROM VALUES (4, 'y', 1), (5, 'z', 1) AS t(id, p, q)");
    const char *o[] = {"partitionBy", "p,q", NULL};
    const char *dyn[] = {"partitionBy", "p,q", "partitionOverwriteMode", "DYNAMIC", NULL};
    CHECK_OK(sm_df_write_csv(a, out, "overwrite", o));
    CHECK_OK(sm_df_write_csv(b, out, "overwrite", dyn));
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "1,x,1|3,y,2|4,y,1|5,z,1");
    snprintf(p, sizeof p, "%s/p=y/q=1", out);
    CHECK_INT(count_files(p, ".csv"), 1);
    snprintf(p, sizeof p, "%s/_SUCCESS", out);
    CHECK(exists(p));
    /* no hidden leftovers (staging, the replaced partitions) */
    DIR *d = opendir(out);
    int hidden = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        hidden += de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    if (d) closedir(d);
    CHECK_INT(hidden, 0);
    /* the session's setting; an option saying static wins over it */
    CHECK_OK(sm_session_set(s, "spark.sql.sources.partitionOverwriteMode", "dynamic"));
    sm_dataframe *c = sm_sql(s, "SELECT * FROM VALUES (6, 'x', 1) AS t(id, p, q)");
    CHECK_OK(sm_df_write_csv(c, out, "overwrite", o));
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "3,y,2|4,y,1|5,z,1|6,x,1");
    const char *st[] = {"partitionBy", "p,q", "partitionOverwriteMode", "static", NULL};
    CHECK_OK(sm_df_write_csv(c, out, "overwrite", st));
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "6,x,1");
    /* a mode that does not exist */
    const char *bad[] = {"partitionBy", "p,q", "partitionOverwriteMode", "sometimes", NULL};
    CHECK(sm_df_write_csv(c, out, "overwrite", bad) != 0);
    CHECK(strstr(sm_last_error(), "partitionOverwriteMode: 'sometimes' is not a mode") != NULL);
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "6,x,1");
    sm_session_free(s);
}

TEST(max_records_per_file) {
    char out[512], p[1024];
    snprintf(out, sizeof out, "%s/mrpf", tmpdir());
    sm_session *s = session();
    sm_dataframe *df = sm_sql(s, "SELECT * FROM VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9) AS t(id)");
    const char *o[] = {"maxRecordsPerFile", "3", NULL};
    CHECK_OK(sm_df_write_csv(df, out, "overwrite", o));
    CHECK_INT(count_files(out, ".csv"), 4); /* 3+3+3+1: c000..c003, as Spark */
    DIR *d = opendir(out);
    bool c003 = false;
    struct dirent *de;
    while (d && (de = readdir(d))) c003 |= strstr(de->d_name, "-c003.csv") != NULL;
    if (d) closedir(d);
    CHECK(c003);
    CHECK_STR(rows_of(sm_read_csv(s, out, NULL, NULL), false), "0|1|2|3|4|5|6|7|8|9");
    /* partitioned: k=0 gets 4 rows in 2 files, named .c000 / .c001 */
    snprintf(out, sizeof out, "%s/mrpf2", tmpdir());
    df = sm_sql(s, "SELECT id, id % 2 AS k FROM VALUES (0),(1),(2),(3),(4),(5),(6) AS t(id)");
    const char *o2[] = {"maxRecordsPerFile", "2", "partitionBy", "k", NULL};
    CHECK_OK(sm_df_write_csv(df, out, "overwrite", o2));
    snprintf(p, sizeof p, "%s/k=0", out);
    CHECK_INT(count_files(p, ".csv"), 2);
    CHECK_INT(count_files(p, ".c001.csv"), 1);
    sm_session_free(s);
}

static const char *explain(sm_dataframe *df) {
    static char out[4096];
    FILE *f = fmemopen(out, sizeof out, "w");
    sm_df_explain(df, f);
    fclose(f);
    return out;
}

TEST(partition_pruning) {
    char out[512];
    snprintf(out, sizeof out, "%s/prune", tmpdir());
    sm_session *s = session();
    sm_dataframe *df = sm_sql(s, "SELECT id, id % 10 AS k, CAST(id % 3 AS STRING) AS j FROM range(100)");
    const char *o[] = {"partitionBy", "k", NULL};
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", o));
    sm_dataframe *r = sm_read_parquet(s, out, NULL, NULL);
    sm_dataframe *f = sm_df_filter(r, "k IN (2, 7) AND id > 50");
    CHECK(strstr(explain(f), "partitions read 2 of 10") != NULL);
    CHECK(strstr(explain(f), "PartitionFilters: [(k IN (2, 7))]") != NULL);
    CHECK_STR(rows_of(sm_df_agg(f, 1, (const char *[]){"count(*)"}), false), "10");
    /* through a projection that renames the column */
    sm_dataframe *pj = sm_df_filter(sm_df_select_expr(r, 2, (const char *[]){"k AS kk", "id"}), "kk = 3");
    CHECK(strstr(explain(pj), "partitions read 1 of 10") != NULL);
    CHECK_STR(rows_of(sm_df_agg(pj, 1, (const char *[]){"count(*)"}), false), "10");
    /* a filter on a data column prunes nothing; nor does one above a limit */
    CHECK(strstr(explain(sm_df_filter(r, "id = 3")), "partitions read 10 of 10") != NULL);
    CHECK(strstr(explain(sm_df_filter(sm_df_limit(r, 5), "k = 3")), "partitions read 10 of 10") != NULL);
    /* the same source serves an unfiltered action afterwards */
    CHECK_STR(rows_of(sm_df_agg(r, 1, (const char *[]){"count(*)"}), false), "100");
    /* nondeterministic predicates are not used */
    CHECK(strstr(explain(sm_df_filter(r, "rand() < 2 AND k = 1")), "partitions read 1 of 10") != NULL);
    sm_session_free(s);
}

TEST(many_small_files_pack) {
    char base[512], p[1024];
    snprintf(base, sizeof base, "%s/small", tmpdir());
    for (int i = 0; i < 200; i++) {
        snprintf(p, sizeof p, "%s/f%03d.csv", base, i);
        char row[32];
        snprintf(row, sizeof row, "%d,x\n", i);
        write_file(p, row);
    }
    sm_session *s = session();
    sm_dataframe *df = sm_read_csv(s, base, NULL, NULL);
    CHECK(df != NULL);
    /* 200 files: tasks of up to 32 files (128 MiB / 4 MiB open cost), not 200 */
    CHECK(df && df->plan->source->nsplits == 7);
    CHECK_STR(rows_of(sm_df_agg(df, 2, (const char *[]){"count(*)", "sum(_c0)"}), false),
              "200,19900.0");
    sm_session_free(s);
}

TEST(cleanup) { fs_remove_tree(tmpdir()); }
