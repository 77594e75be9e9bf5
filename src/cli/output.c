/*
 * output.c — how `smelt sql` and `smelt shell` print results, and the
 * statement splitter they share.
 *
 * Formats (every value comes from sm_result_get_string, which gives Spark's
 * CAST(x AS STRING) form in the session time zone):
 *   table  show()'s layout: +---+ borders, a header row, every row (no
 *          "only showing top" line).  With truncate > 0 cells are cut as
 *          show() cuts them and right-aligned; with 0 (the default here, as
 *          show(truncate=False)) they are left-aligned and whole.  Control
 *          characters are escaped as show() escapes them (\n, \t, ...).
 *   tsv    what the spark-sql shell prints: cells TAB-separated, NULL for
 *          null, no header unless asked.  This is also the format of the
 *          rows in Spark's SQL golden files.
 *   csv    RFC 4180 with a header line: a field is quoted when it holds a
 *          comma, a quote, CR or LF (quotes doubled); null is an empty field
 *          and the empty string is "" (as Spark's CSV writer writes them).
 *   json   JSON lines, one object per row, values as Spark's to_json writes
 *          them: numbers and booleans bare, null fields left out, NaN and
 *          Infinity as strings, timestamps as yyyy-MM-dd'T'HH:mm:ss.SSSXXX,
 *          binary as base64 (checked against PySpark's to_json).
 *
 * Nested values (arrays, maps, structs) print in their CAST AS STRING form,
 * except in tsv, which prints them as the spark-sql shell does (Hive style:
 * [1,2], {1:"a"}, {"f":1}; sm_result_get_hive_string).
 *
 * The splitter is a small state machine over the text: normal, '…' and "…"
 * strings (backslash escapes the next character, as Spark's lexer), `…`
 * identifiers (`` is a backquote), -- line comments and nested slash-star
 * comments.  A ';' in the normal state ends a statement.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"

int cli_format_parse(const char *name) {
    if (strcasecmp(name, "table") == 0) return CLI_FMT_TABLE;
    if (strcasecmp(name, "tsv") == 0) return CLI_FMT_TSV;
    if (strcasecmp(name, "csv") == 0) return CLI_FMT_CSV;
    if (strcasecmp(name, "json") == 0) return CLI_FMT_JSON;
    return -1;
}

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a growable string --------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

char *cli_schema_string(const sm_dataframe *df) {
    sbuf b = {0};
    sb_str(&b, "struct<");
    int n = sm_df_num_columns(df);
    for (int col = 0; col < n; col++) {
        if (col) sb_str(&b, ",");
        sb_str(&b, sm_df_column_name(df, col));
        sb_str(&b, ":");
        sb_str(&b, sm_df_column_type(df, col));
    }
    sb_str(&b, ">");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* ---- table --------------------------------------------------------------------- */

/* show() escapes these so a cell stays on one line (Spark 3.5 escapeMetaCharacters). */
static char *table_cell(const char *v, int truncate) {
    sbuf b = {0};
    for (const char *p = v; *p; p++) {
        switch (*p) {
        case '\n': sb_str(&b, "\\n"); break;
        case '\r': sb_str(&b, "\\r"); break;
        case '\t': sb_str(&b, "\\t"); break;
        case '\f': sb_str(&b, "\\f"); break;
        case '\b': sb_str(&b, "\\b"); break;
        case '\v': sb_str(&b, "\\v"); break;
        case '\a': sb_str(&b, "\\a"); break;
        default: sb_add(&b, p, 1);
        }
    }
    if (!b.p) sb_str(&b, "");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    if (truncate > 0) {
        /* cut by characters, not bytes */
        size_t chars = 0, cut = 0, cut3 = 0;
        for (size_t i = 0; i < b.len; i++) {
            if (((unsigned char)b.p[i] & 0xC0) == 0x80) continue;
            if (chars == (size_t)truncate) cut = i;
            if (chars == (size_t)(truncate - 3)) cut3 = i;
            chars++;
        }
        if (chars > (size_t)truncate) {
            if (truncate < 4) {
                b.p[cut] = 0;
            } else {
                b.p[cut3] = 0;
                b.len = cut3;
                sb_str(&b, "...");
            }
        }
    }
    return b.p;
}

/* Display width: code points, East Asian wide characters counting two (as show()). */
static int display_width(const char *s) {
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int n;
        if (*p < 0x80) { cp = *p; n = 1; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; n = 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; n = 3; }
        else { cp = *p & 0x07; n = 4; }
        for (int i = 1; i < n && p[i]; i++) cp = (cp << 6) | (p[i] & 0x3F);
        for (int i = 0; i < n && *p; i++) p++;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

static void pad(FILE *out, int n) {
    for (int i = 0; i < n; i++) fputc(' ', out);
}

static void table_rule(FILE *out, const int *widths, int ncols) {
    for (int col = 0; col < ncols; col++) {
        fputc('+', out);
        for (int i = 0; i < widths[col]; i++) fputc('-', out);
    }
    fputs("+\n", out);
}

static void table_row(FILE *out, char **cells, const int *widths, int ncols, bool right) {
    for (int col = 0; col < ncols; col++) {
        fputc('|', out);
        int w = display_width(cells[col]);
        if (right) pad(out, widths[col] - w);
        fputs(cells[col], out);
        if (!right) pad(out, widths[col] - w);
    }
    fputs("|\n", out);
}

static int print_table(sm_dataframe *df, sm_result *r, const cli_output *o, FILE *out) {
    int ncols = sm_result_num_columns(r);
    int64_t nrows = sm_result_num_rows(r);
    if (ncols == 0) return 0;
    size_t ncells = (size_t)(nrows + 1) * (size_t)ncols;
    char **cells = calloc(ncells, sizeof *cells);
    int *widths = calloc((size_t)ncols, sizeof *widths);
    int rc = 0;
    if (!cells || !widths) {
        rc = 1;
        goto done;
    }
    for (int col = 0; col < ncols; col++) {
        cells[col] = table_cell(sm_df_column_name(df, col), o->truncate);
        if (!cells[col]) { rc = 1; goto done; }
        widths[col] = display_width(cells[col]);
        if (widths[col] < 3) widths[col] = 3;
    }
    for (int64_t row = 0; row < nrows; row++) {
        for (int col = 0; col < ncols; col++) {
            const char *v = sm_result_get_string(r, row, col);
            char *c = table_cell(v ? v : "NULL", o->truncate);
            if (!c) { rc = 1; goto done; }
            cells[(size_t)(row + 1) * ncols + col] = c;
            int w = display_width(c);
            if (w > widths[col]) widths[col] = w;
        }
    }
    bool right = o->truncate > 0;
    table_rule(out, widths, ncols);
    table_row(out, cells, widths, ncols, right);
    table_rule(out, widths, ncols);
    for (int64_t row = 0; row < nrows; row++)
        table_row(out, cells + (size_t)(row + 1) * ncols, widths, ncols, right);
    table_rule(out, widths, ncols);
done:
    if (cells)
        for (size_t i = 0; i < ncells; i++) free(cells[i]);
    free(cells);
    free(widths);
    if (rc) fprintf(stderr, "smelt: out of memory printing the result\n");
    return rc;
}

/* ---- tsv / csv --------------------------------------------------------------------- */

static void csv_field(FILE *out, const char *v) {
    if (!v) return;
    if (*v == 0 || strpbrk(v, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = v; *p; p++) {
            if (*p == '"') fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(v, out);
    }
}

/* ---- json ------------------------------------------------------------------------ */

static void json_string(FILE *out, const char *v) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static bool is_numeric_type(const char *t) {
    static const char *const names[] = {"tinyint", "smallint", "int", "bigint", "float",
                                        "double", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(t, names[i]) == 0) return true;
    return strncmp(t, "decimal", 7) == 0;
}

/* "2020-01-02 03:04:05.5" in zone tz -> "2020-01-02T03:04:05.500-08:00" (to_json's
 * yyyy-MM-dd'T'HH:mm:ss.SSSXXX); with_offset false for timestamp_ntz, whose
 * pattern is yyyy-MM-dd'T'HH:mm:ss[.SSS] (which still prints .000). */
static void json_timestamp(FILE *out, const char *v, bool with_offset) {
    int y, mo, d, h, mi, s;
    int used = 0;
    if (sscanf(v, "%d-%d-%d %d:%d:%d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6) {
        json_string(out, v);
        return;
    }
    char frac[4] = "000";
    bool has_frac = false;
    if (v[used] == '.') {
        has_frac = true;
        for (int i = 0; i < 3 && v[used + 1 + i] >= '0' && v[used + 1 + i] <= '9'; i++)
            frac[i] = v[used + 1 + i];
    }
    char buf[80];
    int n = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
    (void)has_frac; /* both patterns print .SSS (PySpark: ...05.000) */
    n += snprintf(buf + n, sizeof buf - n, ".%s", frac);
    if (with_offset) {
        /* The offset of that local time in the process's TZ (set to the session zone
         * by cli_print_result). */
        struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                        .tm_min = mi, .tm_sec = s, .tm_isdst = -1};
        struct tm copy = tm;
        time_t local = mktime(&tm);
        long off = (long)(timegm(&copy) - local);
        if (off == 0) {
            snprintf(buf + n, sizeof buf - n, "Z");
        } else {
            long a = off < 0 ? -off : off;
            snprintf(buf + n, sizeof buf - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600,
                     (a / 60) % 60);
        }
    }
    json_string(out, buf);
}

/* Binary values come as their bytes (CAST AS STRING); to_json writes base64. */
static void json_base64(FILE *out, const char *v) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)v;
    size_t n = strlen(v);
    fputc('"', out);
    for (size_t i = 0; i < n; i += 3) {
        unsigned b = (unsigned)p[i] << 16;
        if (i + 1 < n) b |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) b |= p[i + 2];
        fputc(tab[(b >> 18) & 63], out);
        fputc(tab[(b >> 12) & 63], out);
        fputc(i + 1 < n ? tab[(b >> 6) & 63] : '=', out);
        fputc(i + 2 < n ? tab[b & 63] : '=', out);
    }
    fputc('"', out);
}

static void json_value(FILE *out, const char *type, const char *v) {
    if (is_numeric_type(type)) {
        if (strcmp(v, "NaN") == 0 || strstr(v, "Infinity"))
            json_string(out, v);
        else
            fputs(v, out);
    } else if (strcmp(type, "boolean") == 0) {
        fputs(v, out);
    } else if (strcmp(type, "timestamp") == 0) {
        json_timestamp(out, v, true);
    } else if (strcmp(type, "timestamp_ntz") == 0) {
        json_timestamp(out, v, false);
    } else if (strcmp(type, "binary") == 0) {
        json_base64(out, v);
    } else {
        json_string(out, v);
    }
}

/* ---- HiveResult's special forms ---------------------------------------------------- */

/* Advances over blanks; returns the next word (letters) lower-cased in w. */
static const char *next_word(const char *p, char *w, size_t cap) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    size_t n = 0;
    while (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) && n + 1 < cap) {
        w[n++] = (char)(*p | 0x20);
        p++;
    }
    w[n] = 0;
    return p;
}

int cli_hive_form(const char *stmt) {
    char w1[16], w2[16], w3[16];
    const char *p = next_word(stmt, w1, sizeof w1);
    p = next_word(p, w2, sizeof w2);
    next_word(p, w3, sizeof w3);
    if (strcmp(w1, "show") == 0 && (strcmp(w2, "tables") == 0 || strcmp(w2, "views") == 0))
        return CLI_HIVE_SHOW_TABLES;
    /* DESCRIBE [TABLE|EXTENDED|FORMATTED|QUERY] ..., not DESCRIBE FUNCTION/DATABASE */
    if ((strcmp(w1, "describe") == 0 || strcmp(w1, "desc") == 0) &&
        strcmp(w2, "function") != 0 && strcmp(w2, "database") != 0 &&
        strcmp(w2, "schema") != 0 && strcmp(w2, "namespace") != 0 &&
        strcmp(w2, "catalog") != 0)
        return CLI_HIVE_DESCRIBE;
    return CLI_HIVE_NONE;
}

/* ---- dispatch -------------------------------------------------------------------- */

int cli_print_result(sm_dataframe *df, const cli_output *o, FILE *out, int64_t *rows_out) {
    if (rows_out) *rows_out = 0;
    sm_result *r = sm_df_collect(df);
    if (!r) {
        if (o->before_print) o->before_print(o->hook_arg);
        return 1;
    }
    if (o->before_print) o->before_print(o->hook_arg);
    if (o->schema) {
        char *schema = cli_schema_string(df);
        if (!schema) {
            fprintf(stderr, "smelt: out of memory\n");
            sm_result_free(r);
            return 1;
        }
        fprintf(out, "%s\n", schema);
        free(schema);
    }
    int ncols = sm_result_num_columns(r);
    int64_t nrows = sm_result_num_rows(r);
    if (rows_out) *rows_out = nrows;
    int rc = 0;
    switch (o->format) {
    case CLI_FMT_TABLE:
        rc = print_table(df, r, o, out);
        break;
    case CLI_FMT_TSV:
        if (o->header && ncols > 0) {
            for (int col = 0; col < ncols; col++)
                fprintf(out, "%s%s", col ? "\t" : "", sm_df_column_name(df, col));
            fputc('\n', out);
        }
        if (o->hive == CLI_HIVE_SHOW_TABLES && ncols >= 2) {
            int name_col = 1;
            for (int col = 0; col < ncols; col++)
                if (strcasecmp(sm_df_column_name(df, col), "tableName") == 0 ||
                    strcasecmp(sm_df_column_name(df, col), "viewName") == 0)
                    name_col = col;
            for (int64_t row = 0; row < nrows; row++) {
                const char *v = sm_result_get_string(r, row, name_col);
                fprintf(out, "%s\n", v ? v : "NULL");
            }
            break;
        }
        for (int64_t row = 0; row < nrows; row++) {
            for (int col = 0; col < ncols; col++) {
                const char *v = sm_result_get_hive_string(r, row, col);
                if (col) fputc('\t', out);
                if (o->hive == CLI_HIVE_DESCRIBE)
                    fprintf(out, "%-20s", v ? v : "");
                else
                    fputs(v ? v : "NULL", out);
            }
            fputc('\n', out);
        }
        break;
    case CLI_FMT_CSV:
        if (ncols > 0) {
            for (int col = 0; col < ncols; col++) {
                if (col) fputc(',', out);
                csv_field(out, sm_df_column_name(df, col));
            }
            fputs("\r\n", out);
        }
        for (int64_t row = 0; row < nrows; row++) {
            for (int col = 0; col < ncols; col++) {
                if (col) fputc(',', out);
                csv_field(out, sm_result_get_string(r, row, col));
            }
            fputs("\r\n", out);
        }
        break;
    case CLI_FMT_JSON: {
        /* Timestamps need the session zone's offsets: point TZ at it for the
         * duration (restored after). */
        char *old_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
        const char *zone = o->time_zone ? o->time_zone : "UTC";
        setenv("TZ", zone, 1);
        tzset();
        for (int64_t row = 0; row < nrows; row++) {
            fputc('{', out);
            bool first = true;
            for (int col = 0; col < ncols; col++) {
                const char *v = sm_result_get_string(r, row, col);
                if (!v) continue;
                if (!first) fputc(',', out);
                first = false;
                json_string(out, sm_df_column_name(df, col));
                fputc(':', out);
                json_value(out, sm_df_column_type(df, col), v);
            }
            fputs("}\n", out);
        }
        if (old_tz) {
            setenv("TZ", old_tz, 1);
            free(old_tz);
        } else {
            unsetenv("TZ");
        }
        tzset();
        break;
    }
    }
    sm_result_free(r);
    fflush(out);
    return rc;
}

/* ---- statement splitting --------------------------------------------------------- */

/* Advances over one lexical unit at p that is not a ';' or plain character:
 * a string, a quoted identifier or a comment.  Returns the position after it,
 * or NULL when it is not closed before the end of the text. */
static const char *skip_unit(const char *p) {
    if (*p == '\'' || *p == '"') {
        char q = *p++;
        for (; *p; p++) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == q) return p + 1;
        }
        return NULL;
    }
    if (*p == '`') {
        for (p++; *p; p++) {
            if (*p == '`') {
                if (p[1] == '`') p++;
                else return p + 1;
            }
        }
        return NULL;
    }
    if (p[0] == '-' && p[1] == '-') {
        const char *e = strchr(p, '\n');
        return e ? e + 1 : p + strlen(p);
    }
    if (p[0] == '/' && p[1] == '*') {
        int depth = 1;
        for (p += 2; *p; p++) {
            if (p[0] == '/' && p[1] == '*') { depth++; p++; }
            else if (p[0] == '*' && p[1] == '/') {
                p++;
                if (--depth == 0) return p + 1;
            }
        }
        return NULL;
    }
    return p + 1;
}

size_t cli_sql_skip_blank(const char *text, size_t len) {
    const char *p = text, *end = text + len;
    while (p < end) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
            p++;
        } else if ((p[0] == '-' && p + 1 < end && p[1] == '-') ||
                   (p[0] == '/' && p + 1 < end && p[1] == '*')) {
            const char *q = skip_unit(p);
            if (!q || q > end) return len; /* an unclosed comment is blank so far */
            p = q;
        } else {
            break;
        }
    }
    return (size_t)(p - text);
}

bool cli_sql_is_blank(const char *text, size_t len) {
    return cli_sql_skip_blank(text, len) == len;
}

int cli_split_statements(const char *text, cli_stmt_cb cb, void *arg, size_t *rest) {
    const char *start = text, *p = text;
    while (*p) {
        if (*p == ';') {
            size_t len = (size_t)(p - start);
            if (cb && !cli_sql_is_blank(start, len)) {
                int rc = cb(arg, start, len);
                if (rc) return rc;
            }
            start = ++p;
            continue;
        }
        const char *q = skip_unit(p);
        if (!q) break; /* unclosed string or comment: the rest is one unit */
        p = q;
    }
    size_t len = strlen(start);
    if (rest) {
        *rest = (size_t)(start - text);
        return 0;
    }
    if (cb && !cli_sql_is_blank(start, len)) return cb(arg, start, len);
    return 0;
}
