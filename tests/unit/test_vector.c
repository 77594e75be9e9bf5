/* Unit tests: vectors, batches, schemas, memory accounting, the thread pool. */
#include "test.h"

#include "common/mem.h"
#include "common/pool.h"
#include "common/status.h"
#include "types/types.h"

TEST(vector_append_and_get) {
    sm_vector *v = sm_vector_new(SM_INT, 2);
    for (int i = 0; i < 100; i++) CHECK_OK(sm_vector_append_i32(v, i * 3));
    CHECK_OK(sm_vector_append_null(v));
    CHECK_INT(v->length, 101);
    CHECK_INT(SM_VEC_I32(v)[50], 150);
    CHECK(!sm_vector_is_null(v, 99));
    CHECK(sm_vector_is_null(v, 100));
    sm_value x;
    sm_vector_get(v, 7, &x);
    CHECK_INT(x.v.i32, 21);
    CHECK(!x.is_null);
    sm_vector_unref(v);
}

TEST(vector_strings_arrow_layout) {
    sm_vector *v = sm_vector_new(SM_STRING, 1);
    CHECK_OK(sm_vector_append_str(v, "héllo", 6));
    CHECK_OK(sm_vector_append_null(v));
    CHECK_OK(sm_vector_append_str(v, "", 0));
    CHECK_OK(sm_vector_append_str(v, "x", 1));
    CHECK_INT(SM_VEC_OFF(v)[0], 0);
    CHECK_INT(SM_VEC_OFF(v)[1], 6);
    CHECK_INT(SM_VEC_OFF(v)[2], 6); /* a null string has zero length */
    CHECK_INT(SM_VEC_OFF(v)[4], 7);
    int32_t len;
    const char *s = sm_vector_str(v, 3, &len);
    CHECK_INT(len, 1);
    CHECK(s[0] == 'x');
    CHECK(sm_vector_is_null(v, 1));
    CHECK(!sm_vector_is_null(v, 2));
    sm_vector_unref(v);
}

TEST(vector_take_keeps_nulls) {
    sm_vector *v = sm_vector_new(SM_STRING, 4);
    const char *words[] = {"a", NULL, "ccc", "dd"};
    for (int i = 0; i < 4; i++) {
        if (words[i])
            CHECK_OK(sm_vector_append_str(v, words[i], (int32_t)strlen(words[i])));
        else
            CHECK_OK(sm_vector_append_null(v));
    }
    int32_t sel[] = {3, 1, 0};
    sm_vector *t = sm_vector_take(v, sel, 3);
    CHECK_INT(t->length, 3);
    int32_t len;
    const char *s = sm_vector_str(t, 0, &len);
    CHECK_INT(len, 2);
    CHECK(memcmp(s, "dd", 2) == 0);
    CHECK(sm_vector_is_null(t, 1));
    CHECK(!sm_vector_is_null(t, 2));
    sm_vector_unref(t);
    sm_vector_unref(v);
}

TEST(vector_from_value_and_nulls) {
    sm_value x = {.type = SM_STRING};
    x.v.str.ptr = "ab";
    x.v.str.len = 2;
    sm_vector *v = sm_vector_from_value(&x, SM_STRING, 5);
    CHECK_INT(v->length, 5);
    CHECK_INT(v->bytes_len, 10);
    sm_vector_unref(v);
    sm_vector *n = sm_vector_new_nulls(SM_DOUBLE, 9);
    CHECK_INT(n->length, 9);
    for (int i = 0; i < 9; i++) CHECK(sm_vector_is_null(n, i));
    sm_vector_unref(n);
}

TEST(vector_refcount_shares) {
    sm_vector *v = sm_vector_new(SM_BIGINT, 1);
    CHECK_OK(sm_vector_append_i64(v, 1LL << 40));
    sm_vector *w = sm_vector_ref(v);
    CHECK(w == v);
    CHECK_INT(v->refcount, 2);
    sm_vector_unref(v);
    CHECK_INT(SM_VEC_I64(w)[0], 1LL << 40);
    sm_vector_unref(w);
}

TEST(schema_find_case_insensitive) {
    sm_schema *s = sm_schema_new(3);
    CHECK_OK(sm_schema_set(s, 0, "Email", SM_STRING, true));
    CHECK_OK(sm_schema_set(s, 1, "phone", SM_STRING, true));
    CHECK_OK(sm_schema_set(s, 2, "EMAIL", SM_STRING, true));
    CHECK_INT(sm_schema_find(s, "PHONE"), 1);
    CHECK_INT(sm_schema_find(s, "email"), -2);
    CHECK_INT(sm_schema_find(s, "nope"), -1);
    sm_schema *c = sm_schema_copy(s);
    CHECK_STR(c->fields[1].name, "phone");
    sm_schema_free(c);
    sm_schema_free(s);
}

TEST(memory_is_counted_and_failure_injectable) {
    int64_t before = sm_mem_in_use();
    void *p = sm_malloc(1000);
    CHECK(sm_mem_in_use() - before == 1000);
    sm_free(p);
    CHECK(sm_mem_in_use() == before);
    sm_mem_fail_after(1);
    void *q = sm_malloc(10);
    CHECK(q == NULL);
    CHECK_INT(sm_errcode(), SM_NOMEM);
    q = sm_malloc(10);
    CHECK(q != NULL);
    sm_free(q);
}

TEST(arena_and_buf) {
    sm_arena *a = sm_arena_new();
    char *s = sm_arena_printf(a, "%s-%d", "x", 42);
    CHECK_STR(s, "x-42");
    void *big = sm_arena_alloc(a, 100000);
    CHECK(big != NULL);
    sm_arena_free(a);
    sm_buf b = {0};
    for (int i = 0; i < 1000; i++) CHECK_OK(sm_buf_appendf(&b, "%d,", i));
    CHECK(strncmp(sm_buf_cstr(&b), "0,1,2,", 6) == 0);
    sm_buf_free(&b);
}

static int square_task(void *arg, int i) {
    long *out = arg;
    out[i] = (long)i * i;
    return 0;
}

static int failing_task(void *arg, int i) {
    (void)arg;
    if (i == 7) return sm_err(SM_MALFORMED, "task %d failed", i);
    return 0;
}

static int nested_task(void *arg, int i) {
    sm_pool *p = arg;
    long out[4];
    int rc = sm_pool_run(p, 4, square_task, out);
    return rc == 0 && out[3] == 9 ? 0 : sm_err(SM_INTERNAL, "nested run %d failed", i);
}

TEST(pool_runs_every_task) {
    sm_pool *p = sm_pool_new(4);
    for (int round = 0; round < 50; round++) {
        long out[100] = {0};
        CHECK_OK(sm_pool_run(p, 100, square_task, out));
        CHECK_INT(out[99], 99 * 99);
        CHECK_INT(out[0], 0);
    }
    sm_pool_free(p);
}

TEST(pool_propagates_errors_to_caller) {
    sm_pool *p = sm_pool_new(3);
    sm_err_clear();
    int rc = sm_pool_run(p, 20, failing_task, NULL);
    CHECK_INT(rc, SM_MALFORMED);
    CHECK_STR(sm_errmsg(), "task 7 failed");
    sm_pool_free(p);
}

TEST(pool_nested_runs_do_not_deadlock) {
    sm_pool *p = sm_pool_new(2);
    CHECK_OK(sm_pool_run(p, 8, nested_task, p));
    sm_pool_free(p);
}
