/*
 * agg_test_util.h — helpers shared by test_agg.c and test_sort.c: building
 * batches, bound expressions and plan nodes by hand, running a breaker and
 * rendering its output as text rows.
 *
 * Everything allocated here lives in one arena (t_arena) or is leaked on
 * purpose at test exit; tests are short programs.
 */
#ifndef AGG_TEST_UTIL_H
#define AGG_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pool.h"
#include "common/status.h"
#include "exec/exec.h"
#include "expr/agg.h"

static __attribute__((unused)) sm_arena *t_arena;
static __attribute__((unused)) sm_pool *t_pool;

static sm_arena *ta(void) {
    if (!t_arena) t_arena = sm_arena_new();
    return t_arena;
}

/* A batch from a format string: one char per column ('i' int, 'l' bigint,
 * 'd' double, 's' string, 'b' boolean), then nrows rows of cell strings
 * ("NULL" = null), row-major. */
static __attribute__((unused)) sm_batch *t_batch(const char *types, int nrows, const char *const *cells) {
    int ncols = (int)strlen(types);
    sm_batch *b = sm_batch_new(ncols, nrows);
    for (int c = 0; c < ncols; c++) {
        sm_type t = types[c] == 'i' ? SM_INT : types[c] == 'l' ? SM_BIGINT : types[c] == 'd' ? SM_DOUBLE
                  : types[c] == 'b' ? SM_BOOLEAN : SM_STRING;
        sm_vector *v = sm_vector_new(t, nrows ? nrows : 1);
        for (int r = 0; r < nrows; r++) {
            const char *s = cells[r * ncols + c];
            if (strcmp(s, "NULL") == 0) sm_vector_append_null(v);
            else if (t == SM_INT) sm_vector_append_i32(v, (int32_t)strtol(s, NULL, 10));
            else if (t == SM_BIGINT) sm_vector_append_i64(v, strtoll(s, NULL, 10));
            else if (t == SM_DOUBLE) sm_vector_append_f64(v, strtod(s, NULL));
            else if (t == SM_BOOLEAN) sm_vector_append_bool(v, strcmp(s, "true") == 0);
            else sm_vector_append_str(v, s, (int32_t)strlen(s));
        }
        b->cols[c] = v;
    }
    return b;
}

static __attribute__((unused)) sm_schema *t_schema(const char *types) {
    int n = (int)strlen(types);
    sm_schema *s = sm_schema_new(n);
    for (int c = 0; c < n; c++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", c);
        sm_type t = types[c] == 'i' ? SM_INT : types[c] == 'l' ? SM_BIGINT : types[c] == 'd' ? SM_DOUBLE
                  : types[c] == 'b' ? SM_BOOLEAN : SM_STRING;
        sm_schema_set(s, c, name, t, true);
    }
    return s;
}

/* VALUES node over the given batches (one partition). */
static __attribute__((unused)) sm_plan *t_values(const char *types, int nbatches, sm_batch **batches) {
    sm_plan *p = sm_arena_alloc(ta(), sizeof *p);
    p->kind = SM_PLAN_VALUES;
    p->schema = t_schema(types);
    p->batches = sm_arena_alloc(ta(), (size_t)(nbatches ? nbatches : 1) * sizeof *p->batches);
    for (int i = 0; i < nbatches; i++) p->batches[i] = batches[i];
    p->nbatches = nbatches;
    return p;
}

/* UNION of children: one partition per child. */
static __attribute__((unused)) sm_plan *t_union(int n, sm_plan **children) {
    sm_plan *p = sm_arena_alloc(ta(), sizeof *p);
    p->kind = SM_PLAN_UNION;
    p->schema = children[0]->schema;
    p->children = sm_arena_alloc(ta(), (size_t)n * sizeof *p->children);
    for (int i = 0; i < n; i++) p->children[i] = children[i];
    p->nchildren = n;
    return p;
}

static __attribute__((unused)) sm_expr *t_col(const sm_plan *child, int i) {
    sm_expr *e = sm_arena_alloc(ta(), sizeof *e);
    e->kind = SM_EX_COLUMN;
    e->col_index = i;
    e->type = child->schema->fields[i].type;
    e->nullable = true;
    e->name = child->schema->fields[i].name;
    e->pos = e->end = -1;
    return e;
}

/* A bound aggregate call over columns of child (col indices; -1 ends;
 * no columns = count(*)). */
static __attribute__((unused)) sm_expr *t_agg(const sm_plan *child, const char *name, int distinct, ...) {
    sm_expr *e = sm_arena_alloc(ta(), sizeof *e);
    e->kind = SM_EX_CALL;
    e->name = (char *)name;
    e->distinct = distinct != 0;
    e->pos = e->end = -1;
    e->args = sm_arena_alloc(ta(), 8 * sizeof *e->args);
    va_list ap;
    va_start(ap, distinct);
    for (int c; (c = va_arg(ap, int)) >= 0;) e->args[e->nargs++] = t_col(child, c);
    va_end(ap);
    e->agg = sm_agg_find(name);
    sm_bind_ctx bc = {0};
    bc.schema = child->schema;
    bc.arena = ta();
    if (!e->agg || e->agg->resolve(&bc, e) != SM_OK) {
        fprintf(stderr, "cannot resolve %s: %s\n", name, sm_errmsg());
        return NULL;
    }
    return e;
}

static __attribute__((unused)) sm_plan *t_aggregate(sm_plan *child, int nkeys, sm_expr **keys, int naggs, sm_expr **aggs) {
    sm_plan *p = sm_arena_alloc(ta(), sizeof *p);
    p->kind = SM_PLAN_AGGREGATE;
    p->child = child;
    p->keys = keys;
    p->nkeys = nkeys;
    p->aggs = aggs;
    p->naggs = naggs;
    p->schema = sm_schema_new(nkeys + naggs);
    for (int i = 0; i < nkeys; i++) sm_schema_set(p->schema, i, "k", keys[i]->type, true);
    for (int i = 0; i < naggs; i++) sm_schema_set(p->schema, nkeys + i, "a", aggs[i]->type, true);
    return p;
}

static __attribute__((unused)) void t_ctx(sm_exec_ctx *ctx, int pieces) {
    if (!t_pool) t_pool = sm_pool_new(4);
    sm_exec_ctx_init(ctx, t_pool, NULL, false);
    ctx->shuffle_partitions = pieces;
}

static __attribute__((unused)) void t_fmt_cell(const sm_vector *v, int64_t r, char *out, size_t cap) {
    if (sm_vector_is_null(v, r)) {
        snprintf(out, cap, "NULL");
        return;
    }
    switch (v->type) {
    case SM_BOOLEAN: snprintf(out, cap, "%s", SM_VEC_BOOL(v)[r] ? "true" : "false"); break;
    case SM_INT:
    case SM_DATE: snprintf(out, cap, "%d", SM_VEC_I32(v)[r]); break;
    case SM_BIGINT:
    case SM_TIMESTAMP: snprintf(out, cap, "%lld", (long long)SM_VEC_I64(v)[r]); break;
    case SM_DOUBLE: snprintf(out, cap, "%.10g", SM_VEC_F64(v)[r]); break;
    case SM_STRING: {
        int32_t len;
        const char *s = sm_vector_str(v, r, &len);
        snprintf(out, cap, "%.*s", (int)len, s);
        break;
    }
    default: snprintf(out, cap, "?");
    }
}

static __attribute__((unused)) int t_strcmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Renders every row of m ("a|b|c"), rows joined by ';', sorted when `sort`. */
static __attribute__((unused)) char *t_render(const sm_mset *m, int sort) {
    int64_t n = sm_mset_rows(m), k = 0;
    char **rows = calloc((size_t)n + 1, sizeof *rows);
    for (int p = 0; p < m->nparts; p++)
        for (int bi = 0; bi < m->parts[p].nbatches; bi++) {
            const sm_batch *b = m->parts[p].batches[bi];
            for (int64_t r = 0; r < b->nrows; r++) {
                char line[1024] = "";
                for (int c = 0; c < b->ncols; c++) {
                    char cell[256];
                    t_fmt_cell(b->cols[c], r, cell, sizeof cell);
                    if (c) strcat(line, "|");
                    strncat(line, cell, sizeof line - strlen(line) - 1);
                }
                rows[k++] = strdup(line);
            }
        }
    if (sort) qsort(rows, (size_t)k, sizeof *rows, t_strcmp);
    size_t total = 1;
    for (int64_t i = 0; i < k; i++) total += strlen(rows[i]) + 1;
    char *out = calloc(total, 1);
    for (int64_t i = 0; i < k; i++) {
        if (i) strcat(out, ";");
        strcat(out, rows[i]);
        free(rows[i]);
    }
    free(rows);
    return out;
}

#endif
