/*
 * test_json.c — the JSON lines reader and writer through the C API and the
 * tokenizer directly: nested user schemas, compressed input, split
 * alignment, FAILFAST messages, partitionBy round trips, inference rules.
 * Expected values were checked against PySpark 3.5 (docs/json.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "smelt.h"
#include "common/status.h"
#include "formats/json.h"
#include "test.h"

static char tmp_root[256];

static const char *tpath(const char *name) {
    static char buf[8][512];
    static int k;
    if (!tmp_root[0]) {
        snprintf(tmp_root, sizeof tmp_root, "/tmp/smelt_test_json_%d", (int)getpid());
        mkdir(tmp_root, 0777);
    }
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp_root, name);
    return buf[k];
}

static void put_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Every row as "v1|v2|..." (Hive strings, NULL for null), one line each. */
static char rows_buf[8192];
static const char *rows(sm_dataframe *df) {
    rows_buf[0] = 0;
    if (!df) {
        snprintf(rows_buf, sizeof rows_buf, "ERROR %s", sm_last_error());
        return rows_buf;
    }
    sm_result *r = sm_df_collect(df);
    if (!r) {
        snprintf(rows_buf, sizeof rows_buf, "ERROR %s", sm_last_error());
        return rows_buf;
    }
    size_t n = 0;
    for (int64_t i = 0; i < sm_result_num_rows(r); i++) {
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_hive_string(r, i, c);
            n += (size_t)snprintf(rows_buf + n, sizeof rows_buf - n, "%s%s", c ? "|" : "", v ? v : "NULL");
        }
        n += (size_t)snprintf(rows_buf + n, sizeof rows_buf - n, "\n");
    }
    sm_result_free(r);
    return rows_buf;
}

TEST(json_nested_user_schema) {
    sm_session *s = sm_session_new(NULL);
    const char *p = tpath("nested.jsonl");
    put_file(p, "{\"m\": {\"a\": [1, 2], \"b\": null}, \"s\": {\"x\": 1.5, \"y\": [{\"k\": \"v\"}]}}\n"
                "{\"m\": {\"c\": [\"bad\"]}, \"s\": {\"x\": \"nope\", \"y\": []}}\n");
    sm_dataframe *df = sm_read_json(s, p, NULL,
                                    "m MAP<STRING, ARRAY<INT>>, s STRUCT<x: DOUBLE, y: ARRAY<MAP<STRING, STRING>>>, "
                                    "_corrupt_record STRING");
    /* a value that does not convert is null; the record is malformed */
    CHECK_STR(rows(df), "{\"a\":[1,2],\"b\":null}|{\"x\":1.5,\"y\":[{\"k\":\"v\"}]}|NULL\n"
                        "{\"c\":[null]}|{\"x\":null,\"y\":[]}|{\"m\": {\"c\": [\"bad\"]}, \"s\": {\"x\": \"nope\", \"y\": []}}\n");
    sm_session_free(s);
}

TEST(json_gzip_input_and_multiline_array) {
    sm_session *s = sm_session_new(NULL);
    const char *p = tpath("in.json.gz");
    gzFile g = gzopen(p, "wb");
    gzputs(g, "{\"a\": 1, \"b\": [true]}\n{\"a\": 2}\n");
    gzclose(g);
    CHECK_STR(rows(sm_read_json(s, p, NULL, NULL)), "1|[true]\n2|NULL\n");
    const char *m = tpath("multi.json");
    put_file(m, "[\n {\"a\": 1},\n {\"a\": 2, \"c\": \"x\"}\n]\n");
    const char *ml[] = {"multiLine", "true", NULL};
    CHECK_STR(rows(sm_read_json(s, m, ml, NULL)), "1|NULL\n2|x\n");
    sm_session_free(s);
}

TEST(json_splits_align_to_lines) {
    sm_session *s = sm_session_new(NULL);
    const char *p = tpath("many.jsonl");
    FILE *f = fopen(p, "wb");
    for (int i = 0; i < 1000; i++) fprintf(f, "{\"i\": %d, \"pad\": \"%*s\"}%s", i, i % 17, "", i % 3 ? "\n" : "\r\n");
    fclose(f);
    int64_t saved = json_split_bytes;
    json_split_bytes = 97; /* many splits, boundaries inside lines */
    sm_dataframe *d = sm_read_json(s, p, NULL, NULL);
    CHECK_OK(sm_df_create_or_replace_temp_view(d, "many"));
    CHECK_STR(rows(sm_sql(s, "SELECT count(*), sum(i), count(DISTINCT i), count(pad) FROM many")),
              "1000|499500|1000|1000\n");
    json_split_bytes = saved;
    sm_session_free(s);
}

TEST(json_failfast_names_file_and_line) {
    sm_session *s = sm_session_new(NULL);
    const char *p = tpath("bad.jsonl");
    put_file(p, "{\"a\": 1}\n{\"a\": 2}\n{\"a\": oops}\n");
    const char *ff[] = {"mode", "FAILFAST", NULL};
    const char *r = rows(sm_read_json(s, p, ff, "a INT"));
    CHECK(strstr(r, "ERROR [MALFORMED_RECORD_IN_PARSING") != NULL);
    CHECK(strstr(r, "bad.jsonl:3") != NULL);
    CHECK(strstr(r, "Parse Mode: FAILFAST") != NULL);
    /* inference fails the same way */
    r = rows(sm_read_json(s, p, ff, NULL));
    CHECK(strstr(r, "schema inference") != NULL && strstr(r, "bad.jsonl:3") != NULL);
    sm_session_free(s);
}

TEST(json_write_partitioned_round_trip) {
    sm_session *s = sm_session_new(NULL);
    sm_dataframe *df = sm_sql(s, "SELECT * FROM VALUES (1, 'x', array(1,2)), (2, 'y', NULL), (3, 'x', array()) "
                                 "AS t(id, k, arr)");
    const char *out = tpath("out_part");
    const char *opts[] = {"partitionBy", "k", "compression", "gzip", NULL};
    CHECK_OK(sm_df_write_json(df, out, "overwrite", opts));
    char marker[600];
    snprintf(marker, sizeof marker, "%s/_SUCCESS", out);
    CHECK(access(marker, F_OK) == 0);
    snprintf(marker, sizeof marker, "%s/k=x", out);
    CHECK(access(marker, F_OK) == 0);
    sm_dataframe *back = sm_read_json(s, out, NULL, NULL);
    const char *cols[] = {"id", "arr", "k"};
    sm_dataframe *sel = sm_df_select_expr(back, 3, cols);
    const char *order[] = {"id"};
    CHECK_STR(rows(sm_df_order_by(sel, 1, order)), "1|[1,2]|x\n2|NULL|y\n3|[]|x\n");
    /* errorifexists refuses an existing path */
    CHECK_INT(sm_df_write_json(df, out, NULL, NULL), SM_EXISTS);
    sm_session_free(s);
}

TEST(json_format_row_as_jackson) {
    sm_session *s = sm_session_new(NULL);
    (void)s;
    json_write_opts o;
    CHECK_OK(json_write_opts_parse(NULL, &o));
    sm_buf b = {0};
    CHECK_OK(json_escape_string(&b, "a\"\\\n\x01/é", 8));
    CHECK_STR(sm_buf_cstr(&b), "\"a\\\"\\\\\\n\\u0001/é\"");
    sm_buf_free(&b);
    const char *bad[] = {"compression", "lz77", NULL};
    json_write_opts o2;
    CHECK_INT(json_write_opts_parse(bad, &o2), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "Codec [lz77] is not available") != NULL);
    json_write_opts_free(&o);
    sm_session_free(s);
}

static const char *infer(const char *text, const char *const *kv) {
    static char buf[1024];
    json_options o;
    if (json_options_parse(kv, &o)) return "options?";
    json_doc d;
    json_doc_init(&d, &o);
    int32_t root;
    const char *next;
    int rc = json_parse_value(&d, text, text + strlen(text), &root, &next);
    if (rc) snprintf(buf, sizeof buf, "error %d: %s", rc, d.err ? d.err : "");
    else sm_dtype_format(buf, sizeof buf, json_canonical_root(&o, json_infer_node(&o, &d, root)));
    json_doc_free(&d);
    json_options_free(&o);
    return buf;
}

TEST(json_inference_rules) {
    CHECK_STR(infer("{\"b\": 1, \"a\": 1.5, \"c\": true, \"d\": null, \"e\": \"\"}", NULL),
              "struct<a:double,b:bigint,c:boolean,d:string,e:string>");
    CHECK_STR(infer("{\"x\": 99999999999999999999, \"y\": [1, 2.5], \"z\": [1, \"a\"], \"w\": {}}", NULL),
              "struct<x:decimal(20,0),y:array<double>,z:array<string>>");
    const char *pd[] = {"prefersDecimal", "true", NULL};
    CHECK_STR(infer("{\"a\": 1.50, \"b\": \"2.5\", \"c\": 0.001}", pd), "struct<a:decimal(3,2),b:decimal(2,1),c:decimal(3,3)>");
    const char *pas[] = {"primitivesAsString", "true", NULL};
    CHECK_STR(infer("{\"a\": 1, \"b\": [false]}", pas), "struct<a:string,b:array<string>>");
    const char *drop[] = {"dropFieldIfAllNull", "true", NULL};
    CHECK_STR(infer("{\"a\": 1, \"b\": null, \"c\": [null], \"d\": {\"e\": null}}", drop), "struct<a:bigint>");
    /* Jackson's switches */
    CHECK(strncmp(infer("{a: 1}", NULL), "error", 5) == 0);
    const char *uq[] = {"allowUnquotedFieldNames", "true", NULL};
    CHECK_STR(infer("{a: 1}", uq), "struct<a:bigint>");
    CHECK(strncmp(infer("{\"a\": 01}", NULL), "error", 5) == 0);
    const char *lz[] = {"allowNumericLeadingZeros", "true", NULL};
    CHECK_STR(infer("{\"a\": 01}", lz), "struct<a:bigint>");
    const char *nonum[] = {"allowNonNumericNumbers", "false", NULL};
    CHECK(strncmp(infer("{\"a\": NaN}", nonum), "error", 5) == 0);
    CHECK_STR(infer("{\"a\": -Infinity}", NULL), "struct<a:double>");
    const char *sq[] = {"allowSingleQuotes", "false", NULL};
    CHECK(strncmp(infer("{'a': 1}", sq), "error", 5) == 0);
    CHECK(strncmp(infer("{\"a\": /* c */ 1}", NULL), "error", 5) == 0);
    const char *cm[] = {"allowComments", "true", NULL};
    CHECK_STR(infer("{\"a\": /* c */ 1} // end", cm), "struct<a:bigint>");
    CHECK(strncmp(infer("{\"a\": \"x\\qy\"}", NULL), "error", 5) == 0);
    const char *bs[] = {"allowBackslashEscapingAnyCharacter", "true", NULL};
    CHECK_STR(infer("{\"a\": \"x\\qy\"}", bs), "struct<a:string>");
    CHECK(strncmp(infer("{\"a\": 1", NULL), "error", 5) == 0);
    CHECK(strncmp(infer("{\"a\": 12ab}", NULL), "error", 5) == 0);
}

TEST(json_bad_options) {
    json_options o;
    const char *b1[] = {"multiLine", "maybe", NULL};
    CHECK_INT(json_options_parse(b1, &o), SM_INVALID);
    const char *b2[] = {"encoding", "UTF-16", NULL};
    CHECK_INT(json_options_parse(b2, &o), SM_UNSUPPORTED);
    const char *b3[] = {"samplingRatio", "0", NULL};
    CHECK_INT(json_options_parse(b3, &o), SM_INVALID);
}
