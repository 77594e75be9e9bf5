/*
 * fuzz_jsonfn.c — libFuzzer target for the JSON functions (expr/func_json.c)
 * on arbitrary strings: get_json_object (path and document), json_tuple's
 * struct, json_array_length and json_object_keys.
 *
 *     make fuzz && build-fuzz/fuzz_jsonfn -max_total_time=60
 *
 * Input: "<path>\n<json>" (no newline: the whole input is the document and
 * "$.a[*]" the path).  Property: no crash, no sanitizer report, and every
 * call returns SM_OK (these functions give null, never an error, on bad
 * input).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "expr/expr.h"
#include "types/types.h"

static void fz_call(const char *name, sm_vector **args, int nargs, sm_type t, const sm_dtype *dt) {
    const sm_func_def *fn = sm_func_find(name);
    if (!fn) abort();
    sm_expr call;
    memset(&call, 0, sizeof call);
    call.kind = SM_EX_CALL;
    call.name = (char *)name;
    call.nargs = nargs;
    call.type = t;
    call.dt = dt;
    call.fn = fn;
    sm_eval_ctx ctx = {0};
    sm_vector *out = NULL;
    int rc = fn->eval(&ctx, &call, args, 1, &out);
    if (rc != SM_OK) abort();
    sm_vector_unref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    const char *path = nl ? s : "$.a[*]";
    int32_t plen = nl ? (int32_t)(nl - s) : 6;
    const char *doc = nl ? nl + 1 : s;
    int32_t dlen = (int32_t)(nl ? size - (size_t)(nl + 1 - s) : size);
    sm_vector *vp = sm_vector_new(SM_STRING, 1), *vd = sm_vector_new(SM_STRING, 1);
    sm_vector *vk = sm_vector_new(SM_STRING, 1);
    if (!vp || !vd || !vk || sm_vector_append_str(vp, path, plen) || sm_vector_append_str(vd, doc, dlen) ||
        sm_vector_append_str(vk, "a", 1))
        abort();
    sm_vector *args[3] = {vd, vp, vk};
    fz_call("get_json_object", args, 2, SM_STRING, NULL);
    fz_call("json_array_length", args, 1, SM_INT, NULL);
    const sm_dtype *str = sm_dtype_scalar(SM_STRING, 0, 0);
    fz_call("json_object_keys", args, 1, SM_ARRAY, sm_dtype_array(str, false));
    sm_dtype_field f[2] = {{"c0", str, true}, {"c1", str, true}};
    sm_vector *targs[3] = {vd, vk, vp};
    fz_call("__json_tuple", targs, 3, SM_STRUCT, sm_dtype_struct(2, f));
    sm_vector_unref(vp);
    sm_vector_unref(vd);
    sm_vector_unref(vk);
    return 0;
}
