/*
 * golden_run.c — runs one golden-test script (.case) through smelt and
 * prints what its actions produce, for comparison with the .expected file
 * that tests/golden/spark_golden.py wrote by running the same script
 * through PySpark.
 *
 *     build/tests/golden_run tests/golden/cases/dataframe/select.case
 *
 * Paths in the script are relative to the current directory (run it from
 * the repository root, as run_golden.sh does).
 *
 * Script syntax (docs/helpers-brief.md, "Golden tests"): one operation per
 * line, its name, a space, then arguments separated by " | "; blank lines
 * and lines starting with '#' are skipped.  The interpreter keeps:
 *   - the current DataFrame (set by read_csv / load, replaced by every
 *     transformation);
 *   - named DataFrames (save / load / union / union_by_name);
 *   - a pending group_by, consumed by the next agg / agg_dict / count_by.
 * join / cross_join / intersect / intersect_all / subtract / except_all take
 * the saved name of their right input; join's third argument is a
 * condition, or (a plain name, or several arguments) USING columns.
 * Actions print "-- <line>" then their output.  A failing line followed by
 * expect_error prints "-- expect_error" and "error" and leaves the state as
 * it was before the failing line; any other failure prints
 * "error: <message>" and exits 1.  A line that succeeds although
 * expect_error follows is a failure too.
 *
 * Only the public API (smelt.h) is used: this program is also an example
 * of driving smelt from C.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smelt.h"

#define MAX_ARGS 256
#define MAX_SAVED 64

typedef struct {
    char *op;
    char *args[MAX_ARGS];
    int nargs;
} gr_line;

typedef struct {
    sm_session *s;
    sm_dataframe *df;
    sm_grouped *grouped;
    struct {
        char *name;
        sm_dataframe *df;
    } saved[MAX_SAVED];
    int nsaved;
    char msg[512]; /* this program's own error message, when not smelt's */
} gr_state;

/* ---- parsing a line ------------------------------------------------------- */

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Splits `text` (modified in place) into op and " | "-separated arguments. */
static int split_line(char *text, gr_line *out) {
    out->nargs = 0;
    out->op = text;
    char *sp = strchr(text, ' ');
    if (!sp) return 0;
    *sp = '\0';
    char *rest = sp + 1;
    while (*rest == ' ') rest++;
    if (!*rest) return 0;
    for (;;) {
        if (out->nargs == MAX_ARGS) return -1;
        char *bar = strstr(rest, " | ");
        if (bar) *bar = '\0';
        out->args[out->nargs++] = rest;
        if (!bar) break;
        rest = bar + 3;
    }
    return 0;
}

/* ---- output helpers --------------------------------------------------------- */

/* Spark's StructType.simpleString, truncated past maxToStringFields (25)
 * as Spark's truncatedString does. */
static void put_simple_string(sm_dataframe *df, FILE *out) {
    int n = sm_df_num_columns(df);
    const int max_fields = 25;
    int shown = n > max_fields ? max_fields - 1 : n;
    fputs("struct<", out);
    for (int c = 0; c < shown; c++) {
        if (c) fputc(',', out);
        fprintf(out, "%s:%s", sm_df_column_name(df, c), sm_df_column_type(df, c));
    }
    if (n > max_fields) fprintf(out, ",... %d more fields", n - shown);
    fputs(">\n", out);
}

/* A cell of collect output: tabs, newlines and carriage returns escaped so
 * that a row stays one line. */
static char *cell_text(const char *v) {
    if (!v) return strdup("NULL");
    size_t n = strlen(v);
    char *o = malloc(2 * n + 1);
    if (!o) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '\t' || c == '\n' || c == '\r') {
            o[k++] = '\\';
            o[k++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
        } else {
            o[k++] = c;
        }
    }
    o[k] = '\0';
    return o;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* collect / collect_ordered (sorted unless `sorted` is false). */
static int do_collect(gr_state *st, bool sorted, FILE *out) {
    sm_result *r = sm_df_collect(st->df);
    if (!r) return -1;
    int64_t nrows = sm_result_num_rows(r);
    int ncols = sm_result_num_columns(r);
    char **lines = calloc((size_t)(nrows ? nrows : 1), sizeof *lines);
    if (!lines) {
        sm_result_free(r);
        snprintf(st->msg, sizeof st->msg, "collect: out of memory");
        return -1;
    }
    int rc = 0;
    for (int64_t row = 0; row < nrows && rc == 0; row++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m) {
            rc = -1;
            break;
        }
        for (int c = 0; c < ncols; c++) {
            const char *v = sm_result_is_null(r, row, c) ? NULL : sm_result_get_string(r, row, c);
            if (!v && !sm_result_is_null(r, row, c)) {
                rc = -1;
                break;
            }
            char *t = cell_text(v);
            if (!t) {
                rc = -1;
                break;
            }
            if (c) fputc('\t', m);
            fputs(t, m);
            free(t);
        }
        fclose(m);
        lines[row] = buf;
    }
    if (rc == 0) {
        if (sorted) qsort(lines, (size_t)nrows, sizeof *lines, cmp_str);
        put_simple_string(st->df, out);
        for (int64_t row = 0; row < nrows; row++) fprintf(out, "%s\n", lines[row]);
    } else if (!st->msg[0] && !sm_last_error()[0]) {
        snprintf(st->msg, sizeof st->msg, "collect: could not format a value");
    }
    for (int64_t row = 0; row < nrows; row++) free(lines[row]);
    free(lines);
    sm_result_free(r);
    return rc;
}

/* Runs an action writing to a FILE* into memory, and prints the header
 * and the text only on success. */
typedef int (*gr_writer)(gr_state *st, const gr_line *l, FILE *out);

static int run_to_memory(gr_state *st, const gr_line *l, const char *line, gr_writer w) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        snprintf(st->msg, sizeof st->msg, "cannot open a memory stream");
        return -1;
    }
    int rc = w(st, l, m);
    fclose(m);
    if (rc == 0) {
        printf("-- %s\n", line);
        fwrite(buf, 1, len, stdout);
    }
    free(buf);
    return rc;
}

static int parse_int(gr_state *st, const char *s, long long *out) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *trim(end)) {
        snprintf(st->msg, sizeof st->msg, "'%s' is not an integer", s);
        return -1;
    }
    *out = v;
    return 0;
}

static int write_show(gr_state *st, const gr_line *l, FILE *out) {
    long long n = 20, truncate = 20;
    if (l->nargs >= 1 && parse_int(st, l->args[0], &n)) return -1;
    if (l->nargs >= 2 && parse_int(st, l->args[1], &truncate)) return -1;
    return sm_df_show_to(st->df, n, (int)truncate, out) ? -1 : 0;
}

static int write_schema(gr_state *st, const gr_line *l, FILE *out) {
    (void)l;
    return sm_df_print_schema_to(st->df, out) ? -1 : 0;
}

static int write_collect(gr_state *st, const gr_line *l, FILE *out) {
    return do_collect(st, strcmp(l->op, "collect") == 0, out);
}

static int write_count(gr_state *st, const gr_line *l, FILE *out) {
    (void)l;
    int64_t n;
    if (sm_df_count(st->df, &n)) return -1;
    fprintf(out, "%lld\n", (long long)n);
    return 0;
}

/* ---- the operations ---------------------------------------------------------- */

static sm_dataframe *saved_get(gr_state *st, const char *name) {
    for (int i = 0; i < st->nsaved; i++)
        if (strcmp(st->saved[i].name, name) == 0) return st->saved[i].df;
    snprintf(st->msg, sizeof st->msg, "no DataFrame saved as '%s'", name);
    return NULL;
}

/* "key=value" arguments as a NULL-terminated key/value array (in place). */
static int kv_pairs(gr_state *st, char **args, int n, const char **pairs) {
    int k = 0;
    for (int i = 0; i < n; i++) {
        char *eq = strchr(args[i], '=');
        if (!eq) {
            snprintf(st->msg, sizeof st->msg, "'%s' is not key=value", args[i]);
            return -1;
        }
        *eq = '\0';
        pairs[k++] = args[i];
        pairs[k++] = eq + 1;
    }
    pairs[k] = NULL;
    return 0;
}

static const char *const *argv_of(const gr_line *l, int from) {
    return (const char *const *)(l->args + from);
}

static int need_args(gr_state *st, const gr_line *l, int min) {
    if (l->nargs >= min) return 0;
    snprintf(st->msg, sizeof st->msg, "%s needs %d argument(s)", l->op, min);
    return -1;
}

/* A plain column name ([A-Za-z_][A-Za-z0-9_]*): join's USING form. */
static bool is_identifier(const char *s) {
    if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))) return false;
    for (s++; *s; s++)
        if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

/* Executes one line; 0 on success.  On failure the message is st->msg or
 * smelt's last error. */
static int execute(gr_state *st, gr_line *l, const char *line) {
    const char *op = l->op;
    static const char *pairs[2 * MAX_ARGS + 1];
    st->msg[0] = '\0';

    if (strcmp(op, "read_csv") == 0) {
        if (need_args(st, l, 1)) return -1;
        const char *schema = NULL;
        int k = 0;
        for (int i = 1; i < l->nargs; i++) {
            char *eq = strchr(l->args[i], '=');
            if (!eq) {
                snprintf(st->msg, sizeof st->msg, "option '%s' is not key=value", l->args[i]);
                return -1;
            }
            *eq = '\0';
            if (strcmp(l->args[i], "schema") == 0) {
                schema = eq + 1;
                continue;
            }
            pairs[k++] = l->args[i];
            pairs[k++] = eq + 1;
        }
        pairs[k] = NULL;
        sm_dataframe *d = sm_read_csv(st->s, l->args[0], pairs, schema);
        if (!d) return -1;
        st->df = d;
        st->grouped = NULL;
        return 0;
    }
    if (strcmp(op, "load") == 0) {
        if (need_args(st, l, 1)) return -1;
        sm_dataframe *d = saved_get(st, l->args[0]);
        if (!d) return -1;
        st->df = d;
        return 0;
    }
    if (!st->df) {
        snprintf(st->msg, sizeof st->msg, "no DataFrame yet: start with read_csv");
        return -1;
    }

    sm_dataframe *d = NULL;
    if (strcmp(op, "filter") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = sm_df_filter(st->df, l->args[0]);
    } else if (strcmp(op, "select") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = sm_df_select_expr(st->df, l->nargs, argv_of(l, 0));
    } else if (strcmp(op, "with_column") == 0) {
        if (need_args(st, l, 2)) return -1;
        d = sm_df_with_column(st->df, l->args[0], l->args[1]);
    } else if (strcmp(op, "with_column_renamed") == 0) {
        if (need_args(st, l, 2)) return -1;
        d = sm_df_with_column_renamed(st->df, l->args[0], l->args[1]);
    } else if (strcmp(op, "drop") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = sm_df_drop(st->df, l->nargs, argv_of(l, 0));
    } else if (strcmp(op, "distinct") == 0) {
        d = sm_df_distinct(st->df);
    } else if (strcmp(op, "limit") == 0) {
        long long n;
        if (need_args(st, l, 1) || parse_int(st, l->args[0], &n)) return -1;
        d = sm_df_limit(st->df, n);
    } else if (strcmp(op, "na_fill") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = sm_df_na_fill(st->df, l->args[0], l->nargs - 1, l->nargs > 1 ? argv_of(l, 1) : NULL);
    } else if (strcmp(op, "na_fill_map") == 0) {
        if (need_args(st, l, 1) || kv_pairs(st, l->args, l->nargs, pairs)) return -1;
        d = sm_df_na_fill_map(st->df, pairs);
    } else if (strcmp(op, "na_drop") == 0) {
        long long thresh;
        if (need_args(st, l, 2) || parse_int(st, l->args[1], &thresh)) return -1;
        d = sm_df_na_drop(st->df, l->args[0], (int)thresh, l->nargs - 2,
                          l->nargs > 2 ? argv_of(l, 2) : NULL);
    } else if (strcmp(op, "drop_duplicates") == 0) {
        d = sm_df_drop_duplicates(st->df, l->nargs, l->nargs ? argv_of(l, 0) : NULL);
    } else if (strcmp(op, "save") == 0) {
        if (need_args(st, l, 1)) return -1;
        for (int i = 0; i < st->nsaved; i++)
            if (strcmp(st->saved[i].name, l->args[0]) == 0) {
                st->saved[i].df = st->df;
                return 0;
            }
        if (st->nsaved == MAX_SAVED) {
            snprintf(st->msg, sizeof st->msg, "too many saved DataFrames");
            return -1;
        }
        st->saved[st->nsaved].name = strdup(l->args[0]);
        if (!st->saved[st->nsaved].name) return -1;
        st->saved[st->nsaved++].df = st->df;
        return 0;
    } else if (strcmp(op, "union") == 0 || strcmp(op, "union_by_name") == 0) {
        if (need_args(st, l, 1)) return -1;
        sm_dataframe *other = saved_get(st, l->args[0]);
        if (!other) return -1;
        if (op[5] == '\0') {
            d = sm_df_union(st->df, other);
        } else {
            bool allow = l->nargs > 1 && strcmp(l->args[1], "true") == 0;
            d = sm_df_union_by_name(st->df, other, allow);
        }
    } else if (strcmp(op, "join") == 0) {
        /* join <name> | <how> [| <condition> | <col> [| <col> ...]] */
        if (need_args(st, l, 2)) return -1;
        sm_dataframe *other = saved_get(st, l->args[0]);
        if (!other) return -1;
        if (l->nargs == 2)
            d = sm_df_join(st->df, other, NULL, l->args[1]);
        else if (l->nargs > 3 || is_identifier(l->args[2]))
            d = sm_df_join_using(st->df, other, l->nargs - 2, argv_of(l, 2), l->args[1]);
        else
            d = sm_df_join(st->df, other, l->args[2], l->args[1]);
    } else if (strcmp(op, "cross_join") == 0) {
        if (need_args(st, l, 1)) return -1;
        sm_dataframe *other = saved_get(st, l->args[0]);
        if (!other) return -1;
        d = sm_df_cross_join(st->df, other);
    } else if (strcmp(op, "alias") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = sm_df_alias(st->df, l->args[0]);
    } else if (strcmp(op, "intersect") == 0 || strcmp(op, "intersect_all") == 0 ||
               strcmp(op, "subtract") == 0 || strcmp(op, "except_all") == 0) {
        if (need_args(st, l, 1)) return -1;
        sm_dataframe *other = saved_get(st, l->args[0]);
        if (!other) return -1;
        d = strcmp(op, "intersect") == 0       ? sm_df_intersect(st->df, other)
            : strcmp(op, "intersect_all") == 0 ? sm_df_intersect_all(st->df, other)
            : strcmp(op, "subtract") == 0      ? sm_df_subtract(st->df, other)
                                               : sm_df_except_all(st->df, other);
    } else if (strcmp(op, "offset") == 0) {
        long long n;
        if (need_args(st, l, 1) || parse_int(st, l->args[0], &n)) return -1;
        d = sm_df_offset(st->df, n);
    } else if (strcmp(op, "group_by") == 0 || strcmp(op, "rollup") == 0 ||
               strcmp(op, "cube") == 0) {
        if (need_args(st, l, 1)) return -1;
        sm_grouped *g = op[0] == 'g'   ? sm_df_group_by(st->df, l->nargs, argv_of(l, 0))
                        : op[0] == 'r' ? sm_df_rollup(st->df, l->nargs, argv_of(l, 0))
                                       : sm_df_cube(st->df, l->nargs, argv_of(l, 0));
        if (!g) return -1;
        st->grouped = g;
        return 0;
    } else if (strcmp(op, "agg") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = st->grouped ? sm_grouped_agg(st->grouped, l->nargs, argv_of(l, 0))
                        : sm_df_agg(st->df, l->nargs, argv_of(l, 0));
        st->grouped = NULL;
    } else if (strcmp(op, "agg_dict") == 0) {
        if (need_args(st, l, 1) || kv_pairs(st, l->args, l->nargs, pairs)) return -1;
        d = st->grouped ? sm_grouped_agg_dict(st->grouped, pairs) : sm_df_agg_dict(st->df, pairs);
        st->grouped = NULL;
    } else if (strcmp(op, "count_by") == 0) {
        if (!st->grouped) {
            snprintf(st->msg, sizeof st->msg, "count_by needs a group_by before it");
            return -1;
        }
        d = sm_grouped_count(st->grouped);
        st->grouped = NULL;
    } else if (strcmp(op, "order_by") == 0) {
        if (need_args(st, l, 1)) return -1;
        d = sm_df_order_by(st->df, l->nargs, argv_of(l, 0));
    } else if (strcmp(op, "describe") == 0) {
        d = sm_df_describe(st->df, l->nargs, l->nargs ? argv_of(l, 0) : NULL);
    } else if (strcmp(op, "show") == 0) {
        return run_to_memory(st, l, line, write_show);
    } else if (strcmp(op, "print_schema") == 0) {
        return run_to_memory(st, l, line, write_schema);
    } else if (strcmp(op, "count") == 0) {
        return run_to_memory(st, l, line, write_count);
    } else if (strcmp(op, "collect") == 0 || strcmp(op, "collect_ordered") == 0) {
        return run_to_memory(st, l, line, write_collect);
    } else {
        snprintf(st->msg, sizeof st->msg, "unknown operation '%s'", op);
        return -1;
    }
    if (!d) return -1;
    st->df = d;
    return 0;
}

/* ---- the script ----------------------------------------------------------------- */

typedef struct {
    char **lines; /* trimmed, meaningful lines only */
    int *numbers; /* their line numbers in the file */
    int n;
} gr_script;

static int read_script(const char *path, gr_script *out) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, capl = 0;
    out->n = 0;
    out->lines = NULL;
    out->numbers = NULL;
    while ((got = getline(&buf, &cap, f)) >= 0) {
        lineno++;
        char *t = trim(buf);
        if (!*t || *t == '#') continue;
        if (out->n == capl) {
            capl = capl ? 2 * capl : 64;
            char **nl = realloc(out->lines, (size_t)capl * sizeof *nl);
            int *nn = nl ? realloc(out->numbers, (size_t)capl * sizeof *nn) : NULL;
            if (!nl || !nn) {
                free(buf);
                fclose(f);
                return -1;
            }
            out->lines = nl;
            out->numbers = nn;
        }
        out->numbers[out->n] = lineno;
        out->lines[out->n++] = strdup(t);
    }
    free(buf);
    fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <script.case>\n", argv[0]);
        return 2;
    }
    gr_script sc;
    if (read_script(argv[1], &sc)) {
        printf("error: cannot read %s\n", argv[1]);
        return 2;
    }
    const char *conf[] = {"spark.sql.session.timeZone", "UTC", "spark.sql.ansi.enabled", "false",
                          "spark.sql.shuffle.partitions", "2", NULL};
    gr_state st = {0};
    st.s = sm_session_new(conf);
    if (!st.s) {
        printf("error: %s\n", sm_last_error());
        return 1;
    }
    int status = 0;
    for (int i = 0; i < sc.n; i++) {
        const char *line = sc.lines[i];
        bool expect_error = i + 1 < sc.n && strcmp(sc.lines[i + 1], "expect_error") == 0;
        if (strcmp(line, "expect_error") == 0) {
            printf("error: %s:%d: expect_error follows no line\n", argv[1], sc.numbers[i]);
            status = 1;
            break;
        }
        char *copy = strdup(line);
        gr_line l;
        int rc = copy ? split_line(copy, &l) : -1;
        sm_dataframe *before_df = st.df;
        sm_grouped *before_g = st.grouped;
        if (rc == 0) rc = execute(&st, &l, line);
        free(copy);
        fflush(stdout);
        if (rc != 0) {
            if (expect_error) {
                st.df = before_df;
                st.grouped = before_g;
                printf("-- expect_error\nerror\n");
                i++;
                continue;
            }
            const char *msg = st.msg[0] ? st.msg : sm_last_error();
            printf("error: %s:%d: %s\n", argv[1], sc.numbers[i], msg && *msg ? msg : "failed");
            status = 1;
            break;
        }
        if (expect_error) {
            printf("error: %s:%d: expected an error, but '%s' succeeded\n", argv[1], sc.numbers[i],
                   line);
            status = 1;
            break;
        }
    }
    fflush(stdout);
    for (int i = 0; i < sc.n; i++) free(sc.lines[i]);
    free(sc.lines);
    free(sc.numbers);
    for (int i = 0; i < st.nsaved; i++) free(st.saved[i].name);
    sm_session_free(st.s);
    return status;
}
