/*
 * fuzz_sql.c — libFuzzer target for the SQL parser (sql/parse.c) and the
 * SQL-only expression forms it shares with expr/parse.c (subqueries,
 * windows, intervals, special calls).
 *
 *     make fuzz && build-fuzz/fuzz_sql -max_total_time=120 tests/fuzz/corpus/fuzz_sql
 *
 * Properties checked beyond "no crash, no sanitizer report":
 *   1. parsing either succeeds or returns SM_PARSE / SM_UNSUPPORTED /
 *      SM_ANALYSIS (inline-table shape, grouping-set limits) with a
 *      non-empty message;
 *   2. every select item of a parsed query has a generated name (walks
 *      the query tree, CTEs, set operations and subqueries in FROM).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "sql/sql.h"

static void fz_check_error(int rc) {
    if (rc != SM_PARSE && rc != SM_UNSUPPORTED && rc != SM_ANALYSIS) {
        fprintf(stderr, "unexpected status %d: %s\n", rc, sm_errmsg());
        abort();
    }
    if (!sm_errmsg()[0]) abort();
}

static void fz_query(sm_arena *a, const sql_query *q, int depth);

static void fz_relation(sm_arena *a, const sql_relation *r, int depth) {
    if (!r || depth > 400) return;
    if (r->query) fz_query(a, r->query, depth + 1);
    fz_relation(a, r->left, depth + 1);
    fz_relation(a, r->right, depth + 1);
}

static void fz_query(sm_arena *a, const sql_query *q, int depth) {
    if (!q || depth > 400) return;
    for (int k = 0; k < q->nctes; k++) fz_query(a, q->ctes[k].query, depth + 1);
    if (q->select) {
        for (int k = 0; k < q->select->nitems; k++)
            if (!sm_expr_sql_name(a, q->select->items[k])) abort();
        fz_relation(a, q->select->from, depth + 1);
    }
    fz_query(a, q->left, depth + 1);
    fz_query(a, q->right, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0; /* embedded NULs just end the text early */

    sm_arena *a = sm_arena_new();
    sql_stmt **sts;
    int n;
    int rc = sql_parse_script(a, text, &sts, &n);
    if (rc == SM_OK) {
        for (int k = 0; k < n; k++) {
            if (!sts[k]->text) abort();
            fz_query(a, sts[k]->query, 0);
        }
    } else {
        fz_check_error(rc);
    }
    sql_stmt *st;
    rc = sql_parse_statement(a, text, &st);
    if (rc == SM_OK) fz_query(a, st->query, 0);
    else fz_check_error(rc);
    sm_arena_free(a);
    free(text);
    return 0;
}
