/*
 * test_parquet_nested.c — nested Parquet columns: lists, maps and structs
 * written by smelt (Spark's layout) and read back, with nulls at every
 * level; the reader's schema mapping on the conformance files (legacy
 * 2-level lists, repeated fields without annotations, MAP_KEY_VALUE);
 * column pruning of nested columns; malformed levels.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smelt.h"
#include "common/status.h"
#include "formats/parquet.h"
#include "../conformance/parquet/pq_canon.h"
#include "test.h"

static char t_dir[64];

static const char *tmpdir(void) {
    if (!t_dir[0]) {
        strcpy(t_dir, "/tmp/smelt-pqn-XXXXXX");
        if (!mkdtemp(t_dir)) return "/tmp";
    }
    return t_dir;
}

__attribute__((destructor)) static void cleanup(void) {
    if (t_dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", t_dir);
    }
}

static char *sql_rows(sm_session *s, const char *sql) {
    static char out[8192];
    sm_dataframe *df = sm_sql(s, sql);
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(out, sizeof out, "ERROR %s", sm_errmsg());
        return out;
    }
    out[0] = 0;
    for (int64_t i = 0; i < sm_result_num_rows(r); i++) {
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_string(r, i, c);
            strncat(out, c ? "|" : "", sizeof out - strlen(out) - 1);
            strncat(out, v ? v : "NULL", sizeof out - strlen(out) - 1);
        }
        strncat(out, "\n", sizeof out - strlen(out) - 1);
    }
    sm_result_free(r);
    return out;
}

static sm_session *session(void) {
    char wh[160];
    snprintf(wh, sizeof wh, "%s/wh", tmpdir());
    const char *conf[] = {"spark.sql.warehouse.dir", wh, "smelt.threads", "2", NULL};
    return sm_session_new(conf);
}

/* Every kind of null: a null list, an empty list, a null element; a null
 * struct and a struct of nulls; a null map, an empty map, a null value. */
#define NESTED_SELECT                                                                                       \
    "SELECT 1 AS id, array(1, NULL, 3) AS a, map('x', 1, 'y', CAST(NULL AS INT)) AS m, "                    \
    "named_struct('p', 'u', 'q', concat(array(array(1.5D), NULL), "                                     \
    "array(array_remove(array(0D), 0D)))) AS s, "         \
    "array(named_struct('k', 1L, 'v', 'one'), NULL) AS ls "                                                 \
    "UNION ALL SELECT 2, CAST(array() AS ARRAY<INT>), CAST(map() AS MAP<STRING, INT>), "                   \
    "named_struct('p', CAST(NULL AS STRING), 'q', CAST(NULL AS ARRAY<ARRAY<DOUBLE>>)), "                    \
    "CAST(array() AS ARRAY<STRUCT<k: BIGINT, v: STRING>>) "                                                                      \
    "UNION ALL SELECT 3, NULL, NULL, NULL, NULL "                                                           \
    "UNION ALL SELECT 4, array(CAST(NULL AS INT)), map('z', 7), "                                          \
    "named_struct('p', 'w', 'q', CAST(array() AS ARRAY<ARRAY<DOUBLE>>)), "    \
    "array(named_struct('k', CAST(NULL AS BIGINT), 'v', CAST(NULL AS STRING)))"

static const char *const NESTED_ROWS =
    "1|[1, null, 3]|{x -> 1, y -> null}|{u, [[1.5], null, []]}|[{1, one}, null]\n"
    "2|[]|{}|{null, null}|[]\n"
    "3|NULL|NULL|NULL|NULL\n"
    "4|[null]|{z -> 7}|{w, []}|[{null, null}]\n";

TEST(nested_write_read_roundtrip) {
    sm_session *s = session();
    CHECK(s != NULL);
    if (!s) return;
    CHECK_STR(sql_rows(s, NESTED_SELECT " ORDER BY id"), NESTED_ROWS);
    const char *codecs[] = {"snappy", "none", "zstd"};
    for (int k = 0; k < 3; k++) {
        char out[256], q[512];
        snprintf(out, sizeof out, "%s/rt-%s", tmpdir(), codecs[k]);
        sm_dataframe *df = sm_sql(s, NESTED_SELECT);
        CHECK(df != NULL);
        /* tiny pages: records cut across many pages */
        const char *opts[] = {"compression", codecs[k], "parquet.page.size", "1", NULL};
        CHECK_OK(sm_df_write_parquet(df, out, "overwrite", opts));
        snprintf(q, sizeof q, "SELECT * FROM parquet.`%s` ORDER BY id", out);
        CHECK_STR(sql_rows(s, q), NESTED_ROWS);
        snprintf(q, sizeof q, "SELECT typeof(a), typeof(m), typeof(s), typeof(ls) FROM parquet.`%s` LIMIT 1", out);
        CHECK_STR(sql_rows(s, q), "array<int>|map<string,int>|struct<p:string,q:array<array<double>>>|"
                                  "array<struct<k:bigint,v:string>>\n");
        /* pruning: only the struct's leaves are read */
        snprintf(q, sizeof q, "SELECT s.p FROM parquet.`%s` WHERE id = 4", out);
        CHECK_STR(sql_rows(s, q), "w\n");
    }
    sm_session_free(s);
}

TEST(nested_writer_layout_is_sparks) {
    sm_session *s = session();
    if (!s) return;
    char out[256];
    snprintf(out, sizeof out, "%s/layout", tmpdir());
    sm_dataframe *df = sm_sql(s, "SELECT array(1) AS a, map('k', 2L) AS m, named_struct('x', true) AS t");
    const char *opts[] = {"compression", "none", NULL};
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", opts));
    /* the footer: 3-level list, key_value map, a group */
    char cmd[512], path[512] = "";
    snprintf(cmd, sizeof cmd, "ls %s/*.parquet", out);
    FILE *p = popen(cmd, "r");
    if (p && fgets(path, sizeof path, p)) path[strcspn(path, "\n")] = 0;
    if (p) pclose(p);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    uint8_t *buf = malloc((size_t)n);
    fseek(f, 0, SEEK_SET);
    CHECK((long)fread(buf, 1, (size_t)n, f) == n);
    fclose(f);
    uint32_t flen;
    memcpy(&flen, buf + n - 8, 4);
    sm_arena *a = sm_arena_new();
    pq_file_meta m;
    CHECK_OK(pq_decode_file_meta(buf + n - 8 - flen, flen, a, &m));
    const char *want[] = {"spark_schema", "a", "list", "element", "m", "key_value", "key", "value", "t", "x"};
    /* top-level literals are not nullable (REQUIRED); nested fields are
     * always OPTIONAL, map keys REQUIRED */
    const int reps[] = {-1, PQ_REQUIRED, PQ_REPEATED, PQ_OPTIONAL, PQ_REQUIRED, PQ_REPEATED, PQ_REQUIRED,
                        PQ_OPTIONAL, PQ_REQUIRED, PQ_OPTIONAL};
    CHECK_INT(m.nschema, 10);
    for (int i = 0; i < m.nschema && i < 10; i++) {
        CHECK_STR(m.schema[i].name, want[i]);
        CHECK_INT(m.schema[i].repetition, reps[i]);
    }
    CHECK_INT(m.schema[1].converted, PQ_CT_LIST);
    CHECK_INT(m.schema[4].converted, PQ_CT_MAP);
    CHECK_INT(m.row_groups[0].ncolumns, 4);
    /* statistics for leaves; the path in the schema */
    const pq_column_meta *cm = &m.row_groups[0].columns[0].meta;
    CHECK_INT(cm->npath, 3);
    CHECK_STR(cm->path[1], "list");
    CHECK(cm->has_stats && cm->stats.min_value.len == 4);
    CHECK(strstr(m.kv[1].value, "\"elementType\":\"integer\"") != NULL);
    sm_arena_free(a);
    free(buf);
    sm_session_free(s);
}

#define CONF "../shared/conformance/parquet/"

static const char *canon(const char *file) {
    static sm_buf b;
    b.len = 0;
    if (pqc_dump(file, &b) != SM_OK) return sm_errmsg();
    sm_buf_putc(&b, 0);
    return b.data;
}

TEST(reader_schema_forms) {
    if (access(CONF "struct.parquet", R_OK) != 0) return;
    /* repeated group without a LIST annotation inside a struct: array<struct> */
    CHECK(strstr(canon(CONF "arrow/repeated_no_annotation.parquet"),
                 "phoneNumbers:struct<phone:array<struct<number:bigint,kind:string>>>") != NULL);
    CHECK(strstr(canon(CONF "arrow/repeated_no_annotation.parquet"), "\n3\t{[]}\n4\t{[{5555555555,NULL}]}\n"));
    /* legacy 2-level lists (impala: repeated int32 / repeated group) */
    CHECK(strstr(canon(CONF "arrow/nonnullable.impala.parquet"), "Int_Array:array<int>") != NULL);
    /* maps of maps, null and empty values */
    CHECK(strstr(canon(CONF "arrow/nested_maps.snappy.parquet"), "{c:NULL}\t1\t1\n{d:{}}") != NULL);
    /* lists of lists of lists with a null inner list */
    CHECK(strstr(canon(CONF "arrow/nested_lists.snappy.parquet"), "[[[a,b],[c]],[NULL,[d]]]\t1") != NULL);
    /* a group without leaves (nested { inner {} }) is left out, as pyarrow
     * leaves it out: the columns around it read as usual */
    const char *e = canon(CONF "empty-group/empty_group_test.parquet");
    CHECK(strstr(e, "schema: id:bigint\toptional_data:int\nrows: 1\n") != NULL);
    CHECK(strstr(e, "\n1\t100\n") != NULL);
}

TEST(nested_user_schema_and_projection) {
    if (access(CONF "arrow/nullable.impala.parquet", R_OK) != 0) return;
    const char *path = CONF "arrow/nullable.impala.parquet";
    sm_source *src = NULL;
    CHECK_OK(parquet_source_create(&path, 1, NULL, NULL, NULL, NULL, &src));
    if (!src) return;
    /* project the map and the id only; nested dt must follow */
    CHECK_OK(parquet_source_project(src, 2, (int[]){3, 0}));
    CHECK_INT(src->schema->fields[0].type, SM_MAP);
    CHECK(src->schema->fields[0].dt != NULL);
    sm_reader *r;
    CHECK_OK(src->open(src, 0, &r));
    sm_batch *b = NULL;
    CHECK_OK(r->next(r, &b));
    CHECK(b && b->nrows == 7 && b->cols[0]->type == SM_MAP);
    if (b) {
        sm_buf t = {0};
        pqc_cell(&t, b->cols[0], 1);
        sm_buf_putc(&t, 0);
        CHECK_STR(t.data, "{k1:2,k2:NULL}");
        sm_buf_free(&t);
        sm_batch_free(b);
    }
    r->close(r);
    src->free(src);
    /* a user schema of another nested type is refused like Spark */
    CHECK(parquet_source_create(&path, 1, NULL, "id BIGINT, int_array ARRAY<STRING>", NULL, NULL, &src) == SM_OK);
    CHECK(src->open(src, 0, &r) == SM_ANALYSIS);
    CHECK(strstr(sm_errmsg(), "array<string>") != NULL);
    src->free(src);
}

TEST(nested_writer_refuses_void_leaves) {
    sm_session *s = session();
    if (!s) return;
    char out[256];
    snprintf(out, sizeof out, "%s/void", tmpdir());
    sm_dataframe *df = sm_sql(s, "SELECT array(NULL) AS a");
    CHECK(sm_df_write_parquet(df, out, "overwrite", NULL) != SM_OK);
    CHECK(strstr(sm_errmsg(), "VOID") != NULL);
    sm_session_free(s);
}


/* Groups without any primitive leaf are left out, as pyarrow leaves them
 * out: a smelt-written file whose footer is rewritten to hold an empty
 * top-level group and an empty group inside a struct reads as the file
 * without them (the column chunks are untouched). */
TEST(reader_leaves_out_groups_without_leaves) {
    sm_session *s = session();
    if (!s) return;
    char out[256], path[512] = "", cmd[600];
    snprintf(out, sizeof out, "%s/leafless", tmpdir());
    sm_dataframe *df = sm_sql(s, "SELECT id, named_struct('a', id) AS s FROM range(0, 3)");
    const char *opts[] = {"compression", "none", NULL};
    CHECK_OK(sm_df_write_parquet(df, out, "overwrite", opts));
    snprintf(cmd, sizeof cmd, "ls %s/*.parquet", out);
    FILE *p = popen(cmd, "r");
    if (p && fgets(path, sizeof path, p)) path[strcspn(path, "\n")] = 0;
    if (p) pclose(p);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) {
        sm_session_free(s);
        return;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    uint8_t *buf = malloc((size_t)n);
    fseek(f, 0, SEEK_SET);
    CHECK((long)fread(buf, 1, (size_t)n, f) == n);
    fclose(f);
    uint32_t flen;
    memcpy(&flen, buf + n - 8, 4);
    sm_arena *a = sm_arena_new();
    pq_file_meta m;
    CHECK_OK(pq_decode_file_meta(buf + n - 8 - flen, flen, a, &m));
    CHECK_INT(m.nschema, 4); /* root, id, s, a */
    if (m.nschema == 4) {
        pq_schema_elem e = {.type = -1, .repetition = PQ_OPTIONAL, .name = "e", .num_children = 0, .converted = -1};
        pq_schema_elem inner = e;
        inner.name = "inner";
        pq_schema_elem g = e; /* a group of an empty group */
        g.name = "g";
        g.num_children = 1;
        pq_schema_elem sch[8] = {m.schema[0], m.schema[1], e, m.schema[2], m.schema[3], g, inner, inner};
        sch[0].num_children = 3;  /* id, e, s */
        sch[3].num_children = 3;  /* s { a, g { inner }, inner } */
        m.schema = sch;
        m.nschema = 8;
        sm_buf b = {0};
        CHECK_OK(pq_encode_file_meta(&m, &b));
        char p2[300];
        snprintf(p2, sizeof p2, "%s/leafless.parquet", tmpdir());
        FILE *w = fopen(p2, "wb");
        CHECK(w != NULL);
        if (w) {
            uint32_t len = (uint32_t)b.len;
            fwrite(buf, 1, (size_t)(n - 8 - flen), w);
            fwrite(b.data, 1, b.len, w);
            fwrite(&len, 4, 1, w);
            fwrite("PAR1", 1, 4, w);
            fclose(w);
            const char *t = canon(p2);
            CHECK(strstr(t, "schema: id:bigint\ts:struct<a:bigint>\nrows: 3\n") != NULL);
            CHECK(strstr(t, "\n0\t{0}\n1\t{1}\n2\t{2}\n") != NULL);
        }
        sm_buf_free(&b);
    }
    sm_arena_free(a);
    free(buf);
    sm_session_free(s);
}
