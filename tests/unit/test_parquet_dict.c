/*
 * test_parquet_dict.c — dictionary-encoded strings kept as codes: the Parquet
 * reader's side channel (sm_vector.dict / dict_codes) and hash aggregation
 * grouping by codes (exec/dictkeys.c) give the same results as the plain
 * path (SMELT_PARQUET_DICT=0, SMELT_HASHAGG_DICT=0): nulls, several row
 * groups with different dictionaries, a chunk that falls back from
 * dictionary to PLAIN pages, a filter before the group-by.
 */
#include <stdlib.h>
#include <unistd.h>

#include "smelt.h"
#include "common/mem.h"
#include "common/status.h"
#include "formats/parquet.h"
#include "test.h"

static char t_dir[64];

static const char *tmpdir(void) {
    if (!t_dir[0]) {
        strcpy(t_dir, "/tmp/smelt-pqd-XXXXXX");
        if (!mkdtemp(t_dir)) return "/tmp";
    }
    return t_dir;
}

__attribute__((destructor)) static void cleanup(void) {
    if (t_dir[0] && !getenv("SMELT_TEST_KEEP")) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", t_dir);
    }
}

static char *sql_rows(sm_session *s, const char *sql) {
    size_t cap = 1 << 20, len = 0;
    char *out = malloc(cap);
    sm_dataframe *df = sm_sql(s, sql);
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(out, cap, "ERROR %s", sm_errmsg());
        return out;
    }
    out[0] = 0;
    for (int64_t i = 0; i < sm_result_num_rows(r); i++)
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_string(r, i, c);
            int k = snprintf(out + len, cap - len, "%s%s", v ? v : "NULL",
                             c + 1 == sm_result_num_columns(r) ? "\n" : "|");
            if (k > 0 && (size_t)k < cap - len) len += (size_t)k;
        }
    sm_result_free(r);
    return out;
}

/* k: ~300 names per row group, a different set in each 10000 rows, every
 * 17th null; f: 10 values for the first 3000 rows of each 10000, then all
 * distinct (the dictionary overflows: later pages PLAIN). */
static const char *T_DATA =
    "SELECT CASE WHEN id % 17 = 0 THEN NULL ELSE concat('name-', CAST((id * 7919) % 300 + "
    "(id DIV 10000) * 100 AS STRING)) END AS k, "
    "CASE WHEN id % 20000 < 12000 THEN concat('a', CAST(id % 10 AS STRING)) ELSE concat('b', CAST(id AS STRING)) "
    "END AS f, id AS v FROM range(0, 60000)";

static const char *write_data(sm_session *s) {
    static char path[160];
    snprintf(path, sizeof path, "%s/data", tmpdir());
    if (access(path, F_OK) == 0) return path;
    sm_dataframe *df = sm_sql(s, T_DATA);
    const char *opts[] = {"parquet.block.size", "200000", "parquet.page.size", "4096",
                          "parquet.dictionary.page.size", "8000", NULL};
    CHECK(df != NULL);
    if (df) CHECK_OK(sm_df_write_parquet(df, path, "overwrite", opts));
    return path;
}

static sm_session *session(void) {
    const char *conf[] = {"smelt.threads", "2", "spark.sql.shuffle.partitions", "3", NULL};
    return sm_session_new(conf);
}

/* The reader attaches codes to dictionary-encoded batches: each valid row
 * equals its dictionary entry, nulls have code -1; batches with PLAIN pages
 * have none; SMELT_PARQUET_DICT=0 turns it off. */
TEST(reader_keeps_dictionary_codes) {
    sm_session *s = session();
    CHECK(s != NULL);
    if (!s) return;
    const char *dir = write_data(s);
    char glob[200];
    snprintf(glob, sizeof glob, "%s/*.parquet", dir);
    const char *paths[] = {glob};
    for (int off = 0; off < 2; off++) {
        if (off) setenv("SMELT_PARQUET_DICT", "0", 1);
        sm_source *src = NULL;
        CHECK_OK(parquet_source_create(paths, 1, NULL, NULL, NULL, NULL, &src));
        if (!src) break;
        int64_t with[2] = {0}, without[2] = {0}, nulls = 0, bad = 0;
        sm_vector *first_dict = NULL; /* a reference: its address stays unique */
        bool dicts_differ = false;
        for (int sp = 0; sp < src->nsplits; sp++) {
            sm_reader *r;
            CHECK_OK(src->open(src, sp, &r));
            for (;;) {
                sm_batch *b = NULL;
                CHECK_OK(r->next(r, &b));
                if (!b) break;
                for (int c = 0; c < 2; c++) {
                    sm_vector *v = b->cols[c];
                    if (!v->dict) {
                        without[c]++;
                        continue;
                    }
                    with[c]++;
                    if (c == 0 && !first_dict) first_dict = sm_vector_ref(v->dict);
                    if (c == 0 && v->dict != first_dict) dicts_differ = true;
                    for (int64_t i = 0; i < v->length; i++) {
                        if (sm_vector_is_null(v, i)) {
                            nulls++;
                            bad += v->dict_codes[i] != -1;
                            continue;
                        }
                        int32_t la, lb, code = v->dict_codes[i];
                        if (code < 0 || code >= v->dict->length) {
                            bad++;
                            continue;
                        }
                        const char *a = sm_vector_str(v, i, &la), *d = sm_vector_str(v->dict, code, &lb);
                        bad += la != lb || memcmp(a, d, (size_t)la) != 0;
                    }
                }
                sm_batch_free(b);
            }
            r->close(r);
        }
        src->free(src);
        if (first_dict) sm_vector_unref(first_dict);
        CHECK_INT(bad, 0);
        if (!off) {
            CHECK(src != NULL && with[0] > 0 && without[0] == 0); /* k: always dictionary */
            CHECK(with[1] > 0 && without[1] > 0); /* f: falls back to PLAIN */
            if (!(with[1] > 0 && without[1] > 0)) fprintf(stderr, "f: %lld with, %lld without\n", (long long)with[1], (long long)without[1]);
            CHECK(nulls > 0);
            CHECK(dicts_differ); /* several row groups, each with its dictionary */
        } else {
            CHECK_INT(with[0] + with[1], 0);
        }
    }
    unsetenv("SMELT_PARQUET_DICT");
    sm_session_free(s);
}

/* Group-bys over the file give the plain path's rows and those of the same
 * data generated in memory. */
TEST(group_by_dictionary_key_same_results) {
    sm_session *s = session();
    CHECK(s != NULL);
    if (!s) return;
    const char *dir = write_data(s);
    const char *tails[] = {
        "SELECT k, count(*), sum(v), min(v), max(v), min(f) FROM %s GROUP BY k ORDER BY k",
        "SELECT f, count(*), sum(v) FROM %s GROUP BY f ORDER BY f",
        "SELECT k, count(*), avg(v) FROM %s WHERE v %% 3 = 1 AND k IS NOT NULL GROUP BY k ORDER BY k",
        "SELECT k, count(DISTINCT f), first(v) FROM %s GROUP BY k ORDER BY k",
        "SELECT upper(k) AS u, count(*) FROM %s GROUP BY upper(k) ORDER BY u",
        "SELECT k, f, count(*) FROM %s GROUP BY k, f ORDER BY k, f LIMIT 50",
    };
    char pq[256], mem[1024], q[2048];
    snprintf(pq, sizeof pq, "parquet.`%s`", dir);
    snprintf(mem, sizeof mem, "(%s)", T_DATA);
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
        snprintf(q, sizeof q, tails[t], pq);
        char *fast = sql_rows(s, q);
        setenv("SMELT_PARQUET_DICT", "0", 1);
        char *plain = sql_rows(s, q);
        unsetenv("SMELT_PARQUET_DICT");
        setenv("SMELT_HASHAGG_DICT", "0", 1);
        char *noagg = sql_rows(s, q);
        unsetenv("SMELT_HASHAGG_DICT");
        CHECK(strncmp(fast, "ERROR", 5) != 0);
        CHECK(strlen(fast) > 10);
        CHECK_STR(fast, plain);
        CHECK_STR(fast, noagg);
        if (t != 3) { /* first(v) depends on the file's row order */
            snprintf(q, sizeof q, tails[t], mem);
            char *ref = sql_rows(s, q);
            CHECK_STR(fast, ref);
            free(ref);
        }
        free(fast);
        free(plain);
        free(noagg);
    }
    sm_session_free(s);
}

/* sm_vector_take carries the side channel with the rows it gathers (a filter
 * before the group-by keeps the codes); unref frees it. */
TEST(take_keeps_dictionary_codes) {
    sm_vector *d = sm_vector_new(SM_STRING, 3);
    sm_vector *v = sm_vector_new(SM_STRING, 5);
    const char *names[] = {"x", "yy", "zzz"};
    const int32_t codes[] = {2, 0, -1, 1, 2};
    for (int i = 0; i < 3; i++) sm_vector_append_str(d, names[i], (int32_t)strlen(names[i]));
    for (int i = 0; i < 5; i++) {
        if (codes[i] < 0) sm_vector_append_null(v);
        else sm_vector_append_str(v, names[codes[i]], (int32_t)strlen(names[codes[i]]));
    }
    v->dict = sm_vector_ref(d);
    v->dict_codes = sm_malloc(5 * sizeof(int32_t));
    memcpy(v->dict_codes, codes, sizeof codes);
    const int32_t sel[] = {4, 2, 3};
    sm_vector *t = sm_vector_take(v, sel, 3);
    CHECK(t && t->dict == d && t->dict_codes);
    if (t && t->dict_codes) {
        CHECK_INT(t->dict_codes[0], 2);
        CHECK_INT(t->dict_codes[1], -1);
        CHECK_INT(t->dict_codes[2], 1);
        CHECK(sm_vector_is_null(t, 1));
    }
    sm_vector_drop_dict(v);
    CHECK(v->dict == NULL && v->dict_codes == NULL);
    sm_vector_unref(t);
    sm_vector_unref(v);
    CHECK_INT(d->refcount, 1);
    sm_vector_unref(d);
}
