/* Unit tests: nested vectors (types/nested.c) — the builder, copies, take,
 * constants, equality / hash / ordering, type text, and their text forms. */
#include "test.h"

#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "types/types.h"

static const sm_dtype *int_t(void) { return sm_dtype_scalar(SM_INT, 0, 0); }
static const sm_dtype *str_t(void) { return sm_dtype_scalar(SM_STRING, 0, 0); }

/* [1, 2], null, [], [3, null] */
static sm_vector *make_int_arrays(void) {
    sm_vector *v = sm_vector_new_dt(sm_dtype_array(int_t(), true), 4);
    sm_vector_append_i32(v->children[0], 1);
    sm_vector_append_i32(v->children[0], 2);
    sm_vector_end_list(v);
    sm_vector_append_null(v);
    sm_vector_end_list(v);
    sm_vector_append_i32(v->children[0], 3);
    sm_vector_append_null(v->children[0]);
    sm_vector_end_list(v);
    return v;
}

static char *fmt(const sm_vector *v, int64_t row, bool hive) {
    static char out[256];
    sm_buf b = {0};
    sm_nested_format(v, row, NULL, hive, &b);
    snprintf(out, sizeof out, "%s", b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    return out;
}

TEST(nested_array_builder_layout) {
    sm_vector *v = make_int_arrays();
    CHECK_INT(v->length, 4);
    CHECK(v->dt && v->nchildren == 1);
    CHECK_INT(SM_VEC_OFF(v)[0], 0);
    CHECK_INT(SM_VEC_OFF(v)[1], 2);
    CHECK_INT(SM_VEC_OFF(v)[2], 2); /* a null array has no elements */
    CHECK_INT(SM_VEC_OFF(v)[3], 2);
    CHECK_INT(SM_VEC_OFF(v)[4], 4);
    CHECK(sm_vector_is_null(v, 1));
    CHECK(!sm_vector_is_null(v, 2));
    CHECK_STR(fmt(v, 0, false), "[1, 2]");
    CHECK_STR(fmt(v, 3, false), "[3, null]");
    CHECK_STR(fmt(v, 3, true), "[3,null]");
    CHECK_STR(fmt(v, 2, true), "[]");
    sm_value x;
    sm_vector_get(v, 3, &x);
    CHECK(x.type == SM_ARRAY && x.v.ref.vec == v && x.v.ref.row == 3);
    sm_vector_unref(v);
}

TEST(nested_struct_builder_nulls_reach_children) {
    sm_dtype_field f[2] = {{"a", int_t(), true}, {"b", str_t(), true}};
    sm_vector *v = sm_vector_new_dt(sm_dtype_struct(2, f), 2);
    CHECK_OK(sm_vector_append_i32(v->children[0], 7));
    CHECK_OK(sm_vector_append_str(v->children[1], "x", 1));
    CHECK_OK(sm_vector_end_struct(v));
    CHECK_OK(sm_vector_append_null(v));
    CHECK_INT(v->children[0]->length, 2); /* the null row has a row in each field */
    CHECK_INT(v->children[1]->length, 2);
    CHECK(sm_vector_end_struct(v) != SM_OK); /* fields not appended: refused */
    CHECK_STR(fmt(v, 0, false), "{7, x}");
    CHECK_STR(fmt(v, 0, true), "{\"a\":7,\"b\":\"x\"}");
    sm_vector_unref(v);
}

TEST(nested_map_builder_and_text) {
    sm_vector *v = sm_vector_new_dt(sm_dtype_map(str_t(), int_t(), true), 1);
    sm_vector_append_str(v->children[0], "a", 1);
    sm_vector_append_i32(v->children[1], 1);
    sm_vector_append_str(v->children[0], "b", 1);
    sm_vector_append_null(v->children[1]);
    CHECK_OK(sm_vector_end_list(v));
    CHECK_STR(fmt(v, 0, false), "{a -> 1, b -> null}");
    CHECK_STR(fmt(v, 0, true), "{\"a\":1,\"b\":null}");
    sm_vector_append_str(v->children[0], "c", 1); /* a key without its value */
    CHECK(sm_vector_end_list(v) != SM_OK);
    sm_vector_unref(v);
}

TEST(nested_take_copy_and_constant) {
    sm_vector *v = make_int_arrays();
    int32_t sel[3] = {3, 1, 0};
    sm_vector *t = sm_vector_take(v, sel, 3);
    CHECK(t && t->dt == v->dt);
    CHECK_INT(t->length, 3);
    CHECK_STR(fmt(t, 0, false), "[3, null]");
    CHECK(sm_vector_is_null(t, 1));
    CHECK_STR(fmt(t, 2, false), "[1, 2]");
    /* a vector made without its type adopts the source's on the first row */
    sm_vector *u = sm_vector_new(SM_ARRAY, 1);
    CHECK_OK(sm_vector_append_null(u));
    CHECK_OK(sm_vector_append_from(u, v, 0));
    CHECK(u->dt == v->dt);
    CHECK(sm_vector_is_null(u, 0));
    CHECK_STR(fmt(u, 1, false), "[1, 2]");
    sm_value x;
    sm_vector_get(v, 0, &x);
    sm_vector *c = sm_vector_from_value(&x, SM_ARRAY, 3);
    CHECK(c && c->length == 3);
    CHECK_STR(fmt(c, 2, false), "[1, 2]");
    sm_vector_unref(c);
    sm_vector_unref(u);
    sm_vector_unref(t);
    sm_vector_unref(v);
}

TEST(nested_struct_adopts_type_after_nulls) {
    sm_dtype_field f[1] = {{"a", int_t(), true}};
    sm_vector *src = sm_vector_new_dt(sm_dtype_struct(1, f), 1);
    sm_vector_append_i32(src->children[0], 5);
    sm_vector_end_struct(src);
    sm_vector *v = sm_vector_new(SM_STRUCT, 1);
    CHECK_OK(sm_vector_append_null(v));
    CHECK_OK(sm_vector_append_null(v));
    CHECK_OK(sm_vector_append_from(v, src, 0));
    CHECK_INT(v->children[0]->length, 3);
    CHECK(sm_vector_is_null(v->children[0], 0));
    CHECK_INT(SM_VEC_I32(v->children[0])[2], 5);
    sm_vector_unref(v);
    sm_vector_unref(src);
}

TEST(nested_compare_equal_hash) {
    sm_vector *v = make_int_arrays();
    sm_vector *w = make_int_arrays();
    CHECK(sm_vector_rows_equal(v, 0, w, 0));
    CHECK(sm_vector_hash_row(v, 0) == sm_vector_hash_row(w, 0));
    CHECK(sm_vector_rows_equal(v, 1, w, 1)); /* null = null when grouping */
    CHECK(!sm_vector_rows_equal(v, 0, w, 3));
    /* Spark's order: null first, [] < [1, 2] < [3, null]; a null element first */
    CHECK(sm_vector_compare_rows(v, 1, w, 2) < 0);
    CHECK(sm_vector_compare_rows(v, 2, w, 0) < 0);
    CHECK(sm_vector_compare_rows(v, 0, w, 3) < 0);
    sm_vector *p = sm_vector_new_dt(sm_dtype_array(int_t(), true), 2);
    sm_vector_append_i32(p->children[0], 1); /* [1] is a prefix of [1, 2] */
    sm_vector_end_list(p);
    sm_vector_append_null(p->children[0]); /* [null] < [1] */
    sm_vector_end_list(p);
    CHECK(sm_vector_compare_rows(p, 0, v, 0) < 0);
    CHECK(sm_vector_compare_rows(p, 1, p, 0) < 0);
    sm_vector_unref(p);
    sm_vector_unref(w);
    sm_vector_unref(v);
}

TEST(nested_ddl_schema_types) {
    sm_schema *s = NULL;
    CHECK_OK(sm_schema_parse_ddl("id INT, a ARRAY<INT>, m map<string, array<bigint>> NOT NULL, "
                                 "s struct<x: int, `y z`: string>",
                                 &s));
    CHECK_INT(s->ncols, 4);
    CHECK(s->fields[1].type == SM_ARRAY && s->fields[1].dt == sm_dtype_array(int_t(), true));
    char buf[128];
    sm_dtype_format(buf, sizeof buf, s->fields[2].dt);
    CHECK_STR(buf, "map<string,array<bigint>>");
    CHECK(!s->fields[2].nullable);
    sm_dtype_format(buf, sizeof buf, s->fields[3].dt);
    CHECK_STR(buf, "struct<x:int,y z:string>");
    CHECK(s->fields[0].dt == NULL);
    sm_schema_free(s);
}

TEST(nested_maps_equal_in_any_order) {
    sm_vector *v = sm_vector_new_dt(sm_dtype_map(int_t(), int_t(), true), 2);
    int rows[2][2][2] = {{{1, 2}, {2, 3}}, {{2, 3}, {1, 2}}}; /* {1:2, 2:3} and {2:3, 1:2} */
    for (int r = 0; r < 2; r++) {
        for (int e = 0; e < 2; e++) {
            sm_vector_append_i32(v->children[0], rows[r][e][0]);
            sm_vector_append_i32(v->children[1], rows[r][e][1]);
        }
        CHECK_OK(sm_vector_end_list(v));
    }
    CHECK(sm_vector_rows_equal(v, 0, v, 1));
    CHECK(sm_vector_hash_row(v, 0) == sm_vector_hash_row(v, 1));
    sm_vector_unref(v);
}

TEST(nested_dtype_parse_and_format) {
    const sm_dtype *t = NULL;
    CHECK_INT(sm_dtype_parse("array<int>", 10, &t), SM_ARRAY);
    CHECK(t == sm_dtype_array(int_t(), true));
    const char *s = "map<string, array<struct<a: int, `b c`: decimal(10,2)>>>";
    CHECK_INT(sm_dtype_parse(s, strlen(s), &t), SM_MAP);
    char buf[128];
    sm_dtype_format(buf, sizeof buf, t);
    CHECK_STR(buf, "map<string,array<struct<a:int,b c:decimal(10,2)>>>");
    CHECK(sm_dtype_parse("array<int", 9, &t) < 0);
    CHECK(sm_dtype_parse("struct<>", 8, &t) == SM_STRUCT);
}


