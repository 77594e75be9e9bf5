/*
 * show.c — DataFrame.show() and printSchema(): the text a user sees.
 *
 * show(n, truncate) reproduces Spark 3.5's Dataset.showString followed by
 * the println that Dataset.show / PySpark's show() add:
 *
 *   1. Rows: the plan under LIMIT n+1 is collected; one row more than asked
 *      tells whether the trailer "only showing top n row(s)" is printed.
 *   2. Cells: every value is cast to string (sm_value_to_string, i.e.
 *      CAST(x AS STRING) in the session time zone); null prints "NULL"
 *      (Spark 3.5 renders with ToPrettyString, which says NULL).  Control
 *      characters are escaped as SchemaUtils.escapeMetaCharacters does
 *      (\n \r \t \f \b \v \a become two-character sequences), in column
 *      names too.
 *   3. Truncation (truncate > 0, data cells only, never the header): a cell
 *      longer than `truncate` is cut to truncate-3 characters plus "...",
 *      or to `truncate` characters without the dots when truncate < 4.
 *      Lengths here are Java String lengths: UTF-16 code units, so a
 *      character outside the BMP counts 2; a cut through such a character
 *      leaves half of it, which Java prints as '?'.
 *   4. Widths: at least 3; a cell's width is its UTF-16 length plus one for
 *      every East Asian full-width character (Utils.stringHalfWidth and its
 *      fixed list of ranges), so 東京 is 4 columns wide.
 *   5. Alignment: right-aligned (left padding) when truncate > 0,
 *      left-aligned when truncate == 0; the header follows the same rule.
 *   6. Layout: border, header, border, rows, border, optional trailer, then
 *      an empty line (show() prints showString with println).  A frame with
 *      no columns prints "++" borders and "||" rows, as Spark does.
 *
 * printSchema prints StructType.treeString ("root" then " |-- name: type
 * (nullable = b)" per column) and the same trailing empty line.
 *
 * Memory: cell texts live in an arena freed before returning; the collected
 * batches are freed here.  Output is written to `out` only once every cell
 * has been formatted, so a failing action prints nothing.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "expr/binary.h"

/* Spark clamps numRows to ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH - 1. */
#define SHOW_MAX_ROWS ((int64_t)INT32_MAX - 16)

typedef struct {
    const char *text; /* NUL-terminated, escaped and truncated */
    size_t len;       /* bytes */
    int width;        /* display width (Spark's half-width count) */
} show_cell;

/* Decodes one UTF-8 sequence at s[0..len); returns its byte length (1 for
 * invalid bytes, taken as one character). */
static int utf8_next(const unsigned char *s, size_t len, uint32_t *cp) {
    unsigned char c = s[0];
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || (size_t)n > len) {
        *cp = c;
        return 1;
    }
    uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

/* Utils.fullWidthRegex of Spark 3.5 (BMP only: Java's regex character
 * class of \uXXXX ranges never matches a supplementary character). */
static bool show_full_width(uint32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
}

/* Length in UTF-16 code units (Java's String.length()). */
static int64_t utf16_len(const char *s, size_t len) {
    int64_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)utf8_next((const unsigned char *)s + i, len - i, &cp);
        n += cp >= 0x10000 ? 2 : 1;
    }
    return n;
}

/* Java's substring(0, units) of s, in bytes: the longest prefix holding at
 * most `units` UTF-16 code units.  When the cut falls inside a surrogate
 * pair Java keeps a lone high surrogate, which its UTF-8 encoder writes as
 * '?': *half_pair tells the caller to append that '?'. */
static size_t utf16_prefix(const char *s, size_t len, int64_t units, bool *half_pair) {
    size_t i = 0;
    int64_t n = 0;
    *half_pair = false;
    while (i < len) {
        uint32_t cp;
        int k = utf8_next((const unsigned char *)s + i, len - i, &cp);
        int u = cp >= 0x10000 ? 2 : 1;
        if (n + u > units) {
            *half_pair = n < units;
            break;
        }
        n += u;
        i += (size_t)k;
    }
    return i;
}

static int display_width(const char *s, size_t len) {
    int64_t w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)utf8_next((const unsigned char *)s + i, len - i, &cp);
        w += cp >= 0x10000 ? 2 : show_full_width(cp) ? 2 : 1;
    }
    return w > INT32_MAX ? INT32_MAX : (int)w;
}

/* SchemaUtils.escapeMetaCharacters. */
static int escape_meta(const char *s, size_t len, sm_buf *out) {
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        case '\f': rep = "\\f"; break;
        case '\b': rep = "\\b"; break;
        case '\v': rep = "\\v"; break;
        case '\a': rep = "\\a"; break;
        default: break;
        }
        int rc = rep ? sm_buf_append(out, rep, 2) : sm_buf_putc(out, s[i]);
        if (rc != SM_OK) return rc;
    }
    return SM_OK;
}

/* Escapes, truncates (when truncate > 0) and measures one cell; the text is
 * copied into `a`. */
static int make_cell(sm_arena *a, const char *s, size_t len, int truncate, show_cell *out) {
    sm_buf esc = {0};
    int rc = escape_meta(s, len, &esc);
    if (rc != SM_OK) {
        sm_buf_free(&esc);
        return rc;
    }
    const char *t = esc.data ? esc.data : "";
    size_t tlen = esc.len;
    const char *suffix = "";
    if (truncate > 0 && utf16_len(t, tlen) > truncate) {
        bool half;
        tlen = utf16_prefix(t, tlen, truncate < 4 ? truncate : truncate - 3, &half);
        suffix = half ? (truncate < 4 ? "?" : "?...") : (truncate < 4 ? "" : "...");
    }
    size_t slen = strlen(suffix);
    char *copy = sm_arena_alloc(a, tlen + slen + 1);
    if (!copy) {
        sm_buf_free(&esc);
        return SM_NOMEM;
    }
    if (tlen) memcpy(copy, t, tlen);
    memcpy(copy + tlen, suffix, slen);
    size_t total = tlen + slen;
    copy[total] = '\0';
    sm_buf_free(&esc);
    out->text = copy;
    out->len = total;
    out->width = display_width(copy, total);
    return SM_OK;
}

static void put_padded(FILE *out, const show_cell *c, int width, bool right) {
    int pad = width - c->width;
    if (right)
        for (int i = 0; i < pad; i++) fputc(' ', out);
    fwrite(c->text, 1, c->len, out);
    if (!right)
        for (int i = 0; i < pad; i++) fputc(' ', out);
}

static void put_border(FILE *out, const int *widths, int ncols) {
    fputc('+', out);
    for (int c = 0; c < ncols; c++) {
        for (int i = 0; i < widths[c]; i++) fputc('-', out);
        fputc('+', out);
    }
    if (ncols == 0) fputc('+', out);
    fputc('\n', out);
}

static void put_row(FILE *out, const show_cell *cells, const int *widths, int ncols, bool right) {
    fputc('|', out);
    for (int c = 0; c < ncols; c++) {
        put_padded(out, &cells[c], widths[c], right);
        fputc('|', out);
    }
    if (ncols == 0) fputc('|', out);
    fputc('\n', out);
}

static void free_batches(sm_batch **batches, int nbatches) {
    for (int i = 0; i < nbatches; i++) sm_batch_free(batches[i]);
    sm_free(batches);
}

/* Formats rows [0, nrows) of the batches into cells[(row+1)*ncols + col];
 * row 0 of `cells` is the header. */
static int format_cells(sm_session *s, sm_arena *a, const sm_schema *schema, sm_batch **batches,
                        int nbatches, int64_t nrows, int truncate, show_cell *cells) {
    int ncols = schema->ncols;
    for (int c = 0; c < ncols; c++) {
        const char *name = schema->fields[c].name ? schema->fields[c].name : "";
        /* Column names are escaped but never truncated. */
        SM_TRY(make_cell(a, name, strlen(name), 0, &cells[c]));
    }
    sm_buf buf = {0};
    int64_t row = 0;
    int rc = SM_OK;
    for (int b = 0; b < nbatches && row < nrows && rc == SM_OK; b++) {
        const sm_batch *batch = batches[b];
        for (int64_t r = 0; r < batch->nrows && row < nrows && rc == SM_OK; r++, row++) {
            for (int c = 0; c < ncols && rc == SM_OK; c++) {
                show_cell *cell = &cells[(row + 1) * ncols + c];
                const sm_vector *v = batch->cols[c];
                if (sm_vector_is_null(v, r)) {
                    rc = make_cell(a, "NULL", 4, truncate, cell);
                    continue;
                }
                sm_value val;
                sm_vector_get(v, r, &val);
                buf.len = 0;
                if (val.type == SM_BINARY) /* show() prints bytes as hex: [41 42] */
                    rc = sm_binary_append_show(&buf, val.v.str.ptr, val.v.str.len);
                else
                    rc = sm_value_to_show_string(&val, s->tz, &buf);
                if (rc == SM_OK) rc = make_cell(a, buf.data ? buf.data : "", buf.len, truncate, cell);
            }
        }
    }
    sm_buf_free(&buf);
    return rc;
}

int sm_df_show_to(sm_dataframe *df, int64_t n, int truncate, FILE *out) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "show: the DataFrame is NULL");
    if (!out) return sm_err(SM_INVALID, "show: the output stream is NULL");
    if (n < 0) n = 0;
    if (n > SHOW_MAX_ROWS) n = SHOW_MAX_ROWS;
    if (truncate < 0) truncate = 0;
    sm_session *s = df->session;
    const sm_schema *schema = df->plan->schema;
    int ncols = schema->ncols;

    sm_dataframe *limited = sm_df_limit(df, n + 1);
    if (!limited) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    sm_batch **batches = NULL;
    int nbatches = 0;
    SM_TRY(sm_df_collect_batches(limited, &batches, &nbatches));

    int64_t total = 0;
    for (int b = 0; b < nbatches; b++) total += batches[b]->nrows;
    bool more = total > n;
    int64_t nrows = more ? n : total;

    sm_arena *a = sm_arena_new();
    show_cell *cells = a ? sm_arena_alloc(a, (size_t)(nrows + 1) * (size_t)(ncols ? ncols : 1) *
                                                 sizeof *cells)
                         : NULL;
    int *widths = a ? sm_arena_alloc(a, (size_t)(ncols ? ncols : 1) * sizeof *widths) : NULL;
    if (!cells || !widths) {
        free_batches(batches, nbatches);
        sm_arena_free(a);
        return sm_err(SM_NOMEM, "show: out of memory formatting %lld rows", (long long)nrows);
    }
    int rc = format_cells(s, a, schema, batches, nbatches, nrows, truncate, cells);
    free_batches(batches, nbatches);
    if (rc != SM_OK) {
        sm_arena_free(a);
        return rc;
    }

    for (int c = 0; c < ncols; c++) {
        widths[c] = 3;
        for (int64_t r = 0; r <= nrows; r++)
            if (cells[r * ncols + c].width > widths[c]) widths[c] = cells[r * ncols + c].width;
    }
    bool right = truncate > 0;
    put_border(out, widths, ncols);
    put_row(out, cells, widths, ncols, right);
    put_border(out, widths, ncols);
    for (int64_t r = 1; r <= nrows; r++) put_row(out, &cells[r * ncols], widths, ncols, right);
    put_border(out, widths, ncols);
    if (more) fprintf(out, "only showing top %lld %s\n", (long long)n, n == 1 ? "row" : "rows");
    fputc('\n', out);
    sm_arena_free(a);
    if (ferror(out)) return sm_err(SM_IO, "show: writing the output failed");
    return SM_OK;
}

int sm_df_show(sm_dataframe *df, int64_t n, int truncate) {
    int rc = sm_df_show_to(df, n, truncate, stdout);
    fflush(stdout);
    return rc;
}

/* printSchema's lines under a nested field (Spark's StructType.treeString):
 * " |    |-- element: integer (containsNull = true)", key / value for maps,
 * one line per field for structs; `level` bars of indentation. */
static void show_schema_line(FILE *out, int level, const char *name, const sm_dtype *t,
                             const char *flag, bool val) {
    fputs(" ", out);
    for (int i = 0; i < level; i++) fputs("|    ", out);
    char dec[32];
    if (t->id == SM_DECIMAL) snprintf(dec, sizeof dec, "decimal(%d,%d)", t->precision, t->scale);
    if (t->id == SM_TIME) snprintf(dec, sizeof dec, "time(%d)", sm_time_prec(t->precision));
    fprintf(out, "|-- %s: %s", name, t->id == SM_DECIMAL || t->id == SM_TIME ? dec : sm_type_schema_name(t->id));
    if (flag) fprintf(out, " (%s = %s)", flag, val ? "true" : "false");
    fputc('\n', out);
}

static void show_schema_tree(FILE *out, const sm_dtype *t, int level) {
    switch (t->id) {
    case SM_ARRAY:
        show_schema_line(out, level, "element", t->elem, "containsNull", t->contains_null);
        show_schema_tree(out, t->elem, level + 1);
        break;
    case SM_MAP:
        show_schema_line(out, level, "key", t->elem, NULL, false);
        show_schema_tree(out, t->elem, level + 1);
        show_schema_line(out, level, "value", t->value, "valueContainsNull", t->contains_null);
        show_schema_tree(out, t->value, level + 1);
        break;
    case SM_STRUCT:
        for (int i = 0; i < t->nfields; i++) {
            show_schema_line(out, level, t->fields[i].name, t->fields[i].type, "nullable",
                             t->fields[i].nullable);
            show_schema_tree(out, t->fields[i].type, level + 1);
        }
        break;
    default: break;
    }
}

int sm_df_print_schema_to(sm_dataframe *df, FILE *out) {
    if (!df)
        return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "printSchema: the DataFrame is NULL");
    if (!out) return sm_err(SM_INVALID, "printSchema: the output stream is NULL");
    const sm_schema *schema = df->plan->schema;
    fputs("root\n", out);
    for (int c = 0; c < schema->ncols; c++) {
        const sm_field *f = &schema->fields[c];
        char dec[32];
        if (f->type == SM_DECIMAL) snprintf(dec, sizeof dec, "decimal(%d,%d)", f->precision, f->scale);
        if (f->type == SM_TIME) snprintf(dec, sizeof dec, "time(%d)", sm_time_prec(f->precision));
        fprintf(out, " |-- %s: %s (nullable = %s)\n", f->name ? f->name : "",
                f->type == SM_DECIMAL || f->type == SM_TIME ? dec : sm_type_schema_name(f->type),
                f->nullable ? "true" : "false");
        if (sm_type_is_nested(f->type) && f->dt) show_schema_tree(out, f->dt, 1);
    }
    fputc('\n', out);
    if (ferror(out)) return sm_err(SM_IO, "printSchema: writing the output failed");
    return SM_OK;
}

int sm_df_print_schema(sm_dataframe *df) {
    int rc = sm_df_print_schema_to(df, stdout);
    fflush(stdout);
    return rc;
}
