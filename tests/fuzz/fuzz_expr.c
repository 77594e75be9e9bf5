/*
 * fuzz_expr.c — libFuzzer target for the expression lexer/parser, generated
 * names, deep copies, sort keys, DDL schemas and type names.
 *
 *     make fuzz && build-fuzz/fuzz_expr -max_total_time=60
 *
 * Properties checked beyond "no crash, no sanitizer report":
 *   1. a parse either succeeds or returns SM_PARSE / SM_UNSUPPORTED with a
 *      non-empty message;
 *   2. a deep copy has the same generated name as its original.
 * Crashers found here are kept as unit tests in tests/unit/test_parse.c
 * (errors_no_crash_on_hostile_input).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "types/types.h"

static void fz_check_error(int rc) {
    if (rc != SM_PARSE && rc != SM_UNSUPPORTED) {
        fprintf(stderr, "unexpected status %d: %s\n", rc, sm_errmsg());
        abort();
    }
    if (!sm_errmsg()[0]) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0; /* embedded NULs just end the text early */

    sm_arena *a = sm_arena_new();
    sm_expr *e = NULL;
    int rc = sm_expr_parse(a, text, &e);
    if (rc == SM_OK) {
        char *n1 = sm_expr_sql_name(a, e);
        sm_arena *b = sm_arena_new();
        sm_expr *c = sm_expr_copy(b, e);
        char *n2 = c ? sm_expr_sql_name(b, c) : NULL;
        if (!n1 || !n2 || strcmp(n1, n2) != 0) abort();
        sm_arena_free(b);
    } else {
        fz_check_error(rc);
    }

    sm_expr **items;
    int n;
    rc = sm_expr_parse_list(a, text, &items, &n);
    if (rc == SM_OK) {
        for (int k = 0; k < n; k++)
            if (!sm_expr_sql_name(a, items[k])) abort();
    } else {
        fz_check_error(rc);
    }

    sm_sort_key key;
    rc = sm_sort_parse(a, text, &key);
    if (rc != SM_OK) fz_check_error(rc);
    sm_arena_free(a);

    sm_schema *s = NULL;
    rc = sm_schema_parse_ddl(text, &s);
    if (rc == SM_OK) sm_schema_free(s);
    else if (rc != SM_PARSE) abort();

    (void)sm_type_parse(text, strlen(text));
    free(text);
    return 0;
}
