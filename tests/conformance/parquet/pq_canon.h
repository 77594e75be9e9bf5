/*
 * pq_canon.h — the canonical text of a Parquet file as smelt reads it, in
 * the format of tests/conformance/parquet/expected/ (see gen_expected.py,
 * which writes the same text from pyarrow).  Header-only, included by
 * tests/unit/test_parquet.c (the conformance test) and pq_dump.c (a
 * debugging tool: `pq_dump FILE` prints the text).
 */
#ifndef PQ_CANON_H
#define PQ_CANON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "formats/parquet.h"
#include "types/decimal.h"

#define PQC_SHOW_ROWS 30

static void pqc_esc(sm_buf *b, const char *s, int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') sm_buf_append(b, "\\\\", 2);
        else if (c >= 0x20 && c <= 0x7e) sm_buf_putc(b, (char)c);
        else sm_buf_appendf(b, "\\x%02x", c);
    }
}

static void pqc_i128(sm_buf *b, __int128 v) {
    char tmp[48];
    int n = 0;
    unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0) sm_buf_putc(b, '-');
    while (n) sm_buf_putc(b, tmp[--n]);
}

static void pqc_cell(sm_buf *b, const sm_vector *v, int64_t row) {
    if (sm_vector_is_null(v, row)) {
        sm_buf_append(b, "NULL", 4);
        return;
    }
    switch (v->type) {
    case SM_BOOLEAN: sm_buf_appendf(b, "%s", SM_VEC_BOOL(v)[row] ? "true" : "false"); break;
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: sm_buf_appendf(b, "%d", SM_VEC_I32(v)[row]); break;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIMESTAMP:
    case SM_TIME: /* nanoseconds since midnight */
        sm_buf_appendf(b, "%lld", (long long)SM_VEC_I64(v)[row]);
        break;
    case SM_FLOAT:
    case SM_DOUBLE: {
        double d = SM_VEC_F64(v)[row];
        if (isnan(d)) sm_buf_appendf(b, "NaN");
        else if (isinf(d)) sm_buf_appendf(b, "%s", d > 0 ? "Infinity" : "-Infinity");
        else sm_buf_appendf(b, "%.17g", d);
        break;
    }
    case SM_STRING:
    case SM_BINARY: {
        int32_t n;
        const char *s = sm_vector_str(v, row, &n);
        pqc_esc(b, s, n);
        break;
    }
    case SM_DECIMAL: pqc_i128(b, SM_VEC_DEC(v)[row]); break;
    /* nested: lists [a,b], structs {a,b} (fields in order), maps {k:v,k:v} */
    case SM_ARRAY:
    case SM_MAP: {
        if (v->nchildren < 1) {
            sm_buf_appendf(b, "?");
            break;
        }
        int64_t s0, s1;
        sm_vector_list_range(v, row, &s0, &s1);
        sm_buf_putc(b, v->type == SM_ARRAY ? '[' : '{');
        for (int64_t k = s0; k < s1; k++) {
            if (k > s0) sm_buf_putc(b, ',');
            pqc_cell(b, v->children[0], k);
            if (v->type == SM_MAP && v->nchildren > 1) {
                sm_buf_putc(b, ':');
                pqc_cell(b, v->children[1], k);
            }
        }
        sm_buf_putc(b, v->type == SM_ARRAY ? ']' : '}');
        break;
    }
    case SM_STRUCT:
        sm_buf_putc(b, '{');
        for (int c = 0; c < v->nchildren; c++) {
            if (c) sm_buf_putc(b, ',');
            pqc_cell(b, v->children[c], row);
        }
        sm_buf_putc(b, '}');
        break;
    default: sm_buf_appendf(b, "?"); break;
    }
}

/* Appends Spark's simpleString of the column's type. */
static void pqc_type(sm_buf *out, const sm_field *f) {
    int n = sm_type_format(NULL, 0, f->type, f->precision, f->scale, f->dt);
    char *buf = malloc((size_t)n + 1);
    if (!buf) return;
    sm_type_format(buf, (size_t)n + 1, f->type, f->precision, f->scale, f->dt);
    sm_buf_append(out, buf, (size_t)n);
    free(buf);
}

/* Reads `path` through the Parquet source into the canonical text (without
 * the leading comment line).  Returns the status of the read; on failure
 * out holds nothing useful. */
static int pqc_dump(const char *path, sm_buf *out) {
    sm_source *src = NULL;
    int rc = parquet_source_create(&path, 1, NULL, NULL, NULL, NULL, &src);
    if (rc) return rc;
    const sm_schema *s = src->schema;
    int nc = s->ncols;
    uint64_t *h = calloc((size_t)nc + 1, sizeof *h);
    for (int c = 0; c < nc; c++) h[c] = 0xcbf29ce484222325ull;
    sm_buf rows = {0}, cell = {0};
    int64_t nrows = 0;
    for (int sp = 0; rc == SM_OK && sp < src->nsplits; sp++) {
        sm_reader *r;
        rc = src->open(src, sp, &r);
        if (rc) break;
        for (;;) {
            sm_batch *b;
            rc = r->next(r, &b);
            if (rc || !b) break;
            for (int64_t i = 0; i < b->nrows; i++, nrows++) {
                for (int c = 0; c < nc; c++) {
                    cell.len = 0;
                    pqc_cell(&cell, b->cols[c], i);
                    for (size_t k = 0; k < cell.len; k++) {
                        h[c] ^= (unsigned char)cell.data[k];
                        h[c] *= 0x100000001b3ull;
                    }
                    h[c] ^= '\n';
                    h[c] *= 0x100000001b3ull;
                    if (nrows < PQC_SHOW_ROWS) {
                        if (c) sm_buf_putc(&rows, '\t');
                        sm_buf_append(&rows, cell.data ? cell.data : "", cell.len);
                    }
                }
                if (nrows < PQC_SHOW_ROWS) sm_buf_putc(&rows, '\n');
            }
            sm_batch_free(b);
        }
        r->close(r);
    }
    if (rc == SM_OK) {
        sm_buf_appendf(out, "status: ok\nschema: ");
        for (int c = 0; c < nc; c++) {
            if (c) sm_buf_putc(out, '\t');
            pqc_esc(out, s->fields[c].name, (int32_t)strlen(s->fields[c].name));
            sm_buf_putc(out, ':');
            pqc_type(out, &s->fields[c]);
        }
        sm_buf_appendf(out, "\nrows: %lld\ndigest:", (long long)nrows);
        for (int c = 0; c < nc; c++) sm_buf_appendf(out, " %016llx", (unsigned long long)h[c]);
        if (nc == 0) sm_buf_putc(out, ' ');
        sm_buf_putc(out, '\n');
        if (rows.len) sm_buf_append(out, rows.data, rows.len);
    }
    sm_buf_free(&rows);
    sm_buf_free(&cell);
    free(h);
    src->free(src);
    return rc;
}

#endif
