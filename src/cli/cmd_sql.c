/*
 * cmd_sql.c — smelt sql [OPTIONS] "STATEMENTS" | -e STATEMENTS | -f FILE|-
 *
 * Statements are split at top-level ';' (output.c) and run one at a time
 * through sm_sql: commands (CREATE, INSERT, SET, ...) run inside sm_sql, a
 * query's DataFrame is run and printed here.  A failing statement prints
 * "Error in query: <message>" on standard error and ends the run with exit
 * status 1; the statements after it do not run.
 *
 * --last-only is the protocol of ../shared/conformance/run_spark_golden.py
 * --mode query: only the last statement's result is printed, earlier
 * statements are the setup of a case (their failures are reported on stderr
 * and the run goes on), and the exit status is the last statement's.
 *
 * Options shared with `smelt shell` (--conf, --warehouse, --format, ...) are
 * parsed by cli_parse_session_opts in this file.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* ---- options ----------------------------------------------------------------- */

typedef struct {
    const char **conf; /* key, value, ..., NULL */
    int nconf;
    cli_output out;
    bool format_set;
    const char *query;
    const char *file;
    bool last_only;
    bool timing;
} sql_opts;

static int add_conf(sql_opts *o, const char *key, const char *value) {
    const char **c = realloc(o->conf, (size_t)(2 * o->nconf + 3) * sizeof *c);
    if (!c) return -1;
    o->conf = c;
    c[2 * o->nconf] = key;
    c[2 * o->nconf + 1] = value;
    c[2 * o->nconf + 2] = NULL;
    o->nconf++;
    return 0;
}

/* Returns 0, or 2 after printing what is wrong with the command line. */
static int parse_opts(const char *cmd, int argc, char **argv, sql_opts *o, bool shell) {
    memset(o, 0, sizeof *o);
    o->out.truncate = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        /* --opt=value spelling too */
        char name[64];
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        if (eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = 0;
            a = name;
            val = eq + 1;
        } else {
            eq = NULL;
        }
        bool takes = strcmp(a, "-e") == 0 || strcmp(a, "-f") == 0 ||
                     strcmp(a, "--format") == 0 || strcmp(a, "--conf") == 0 ||
                     strcmp(a, "--warehouse") == 0 || strcmp(a, "--truncate") == 0 ||
                     strcmp(a, "--memory-limit") == 0 || strcmp(a, "--event-log") == 0;
        if (takes && !val) {
            fprintf(stderr, "smelt %s: %s needs a value; see 'smelt --help'\n", cmd, a);
            return 2;
        }
        if (takes && !eq) i++;
        if (!shell && strcmp(a, "-e") == 0) {
            o->query = val;
        } else if (!shell && strcmp(a, "-f") == 0) {
            o->file = val;
        } else if (strcmp(a, "--format") == 0) {
            int f = cli_format_parse(val);
            if (f < 0) {
                fprintf(stderr, "smelt %s: unknown format '%s' (table, tsv, csv or json)\n", cmd,
                        val);
                return 2;
            }
            o->out.format = (cli_format)f;
            o->format_set = true;
        } else if (strcmp(a, "--conf") == 0) {
            /* split the argument in place: argv strings are ours to modify,
             * and they live as long as the session */
            char *kv = (char *)val;
            char *e = kv ? strchr(kv, '=') : NULL;
            if (!e) {
                fprintf(stderr, "smelt %s: --conf '%s' is not KEY=VALUE\n", cmd, val);
                return 2;
            }
            *e = 0;
            if (add_conf(o, kv, e + 1)) return 2;
        } else if (strcmp(a, "--warehouse") == 0) {
            if (add_conf(o, "spark.sql.warehouse.dir", val)) return 2;
        } else if (strcmp(a, "--memory-limit") == 0) {
            if (add_conf(o, "smelt.memory.limit", val)) return 2;
        } else if (strcmp(a, "--event-log") == 0) {
            if (add_conf(o, "smelt.eventLog.path", val)) return 2;
        } else if (strcmp(a, "--truncate") == 0) {
            o->out.truncate = atoi(val);
        } else if (strcmp(a, "--header") == 0) {
            o->out.header = true;
        } else if (strcmp(a, "--schema") == 0) {
            o->out.schema = true;
        } else if (!shell && strcmp(a, "--last-only") == 0) {
            o->last_only = true;
        } else if (!shell && strcmp(a, "--time") == 0) {
            o->timing = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "smelt %s: unknown flag '%s'; see 'smelt --help'\n", cmd, a);
            return 2;
        } else if (!shell && !o->query) {
            o->query = a;
        } else {
            fprintf(stderr, "smelt %s: unexpected argument '%s'; quote the statements as one "
                            "argument\n", cmd, a);
            return 2;
        }
    }
    if (!o->format_set) o->out.format = isatty(STDOUT_FILENO) ? CLI_FMT_TABLE : CLI_FMT_TSV;
    return 0;
}

sm_session *cli_open_session(const char *cmd, int argc, char **argv, cli_output *out,
                             int *status) {
    sql_opts o;
    *status = parse_opts(cmd, argc, argv, &o, true);
    if (*status) return NULL;
    sm_session *s = sm_session_new(o.conf);
    free(o.conf);
    if (!s) {
        fprintf(stderr, "smelt %s: %s\n", cmd, sm_last_error());
        *status = 1;
        return NULL;
    }
    *out = o.out;
    return s;
}

/* ---- running ------------------------------------------------------------------ */

/* Whole contents of a file ("-" = standard input), NUL-terminated. */
static char *read_all(const char *path) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    while (buf) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        if (n == 0) break;
        len += n;
    }
    if (buf) buf[len] = 0;
    if (f != stdin) fclose(f);
    return buf;
}

/* "Time taken: 0.012 seconds" as spark-sql prints it (a Java double of the
 * milliseconds rounded, divided by 1000: no trailing zeros past one). */
void cli_print_time(FILE *out, double seconds, int64_t rows, bool fetched) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", seconds);
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0' && buf[n - 2] != '.') buf[--n] = 0;
    if (fetched)
        fprintf(out, "Time taken: %s seconds, Fetched %lld row(s)\n", buf, (long long)rows);
    else
        fprintf(out, "Time taken: %s seconds\n", buf);
}

typedef struct {
    sm_session *s;
    sql_opts *o;
    const char *source; /* for messages: a file name, or NULL */
    const char *text;   /* the whole script, for line numbers */
    int nstmts, index;
    int status;
} sql_run;

static int count_cb(void *arg, const char *text, size_t len) {
    (void)text;
    (void)len;
    ((sql_run *)arg)->nstmts++;
    return 0;
}

static int line_of(const char *text, const char *at) {
    int line = 1;
    for (const char *p = text; p < at; p++) line += *p == '\n';
    return line;
}

static int run_cb(void *arg, const char *text, size_t len) {
    sql_run *run = arg;
    bool last = ++run->index == run->nstmts;
    /* Leading comments and blanks go, so the parser's positions (line, pos)
     * and our line number are those of the statement itself. */
    size_t skip = cli_sql_skip_blank(text, len);
    text += skip;
    len -= skip;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n' ||
                   text[len - 1] == '\r'))
        len--;
    char *stmt = strndup(text, len);
    if (!stmt) {
        fprintf(stderr, "smelt: out of memory\n");
        return run->status = 1;
    }
    double t0 = cli_now();
    sm_dataframe *df = sm_sql(run->s, stmt);
    int rc = df ? 0 : 1;
    int64_t rows = 0;
    bool print = !run->o->last_only || last;
    if (df && print) {
        cli_output out = run->o->out;
        out.time_zone = sm_session_get(run->s, "spark.sql.session.timeZone");
        out.hive = cli_hive_form(stmt);
        sm_dist_results_on_rank0(true); /* only rank 0 prints (docs/mpi.md) */
        rc = cli_print_result(df, &out, stdout, &rows);
        sm_dist_results_on_rank0(false);
    }
    /* distributed: the ranks agree on each statement's outcome */
    if (sm_dist_size() > 1 && sm_dist_step_end(rc) != 0) rc = 1;
    if (rc) {
        if (run->nstmts > 1 && run->source)
            fprintf(stderr, "Error in query at line %d of %s: %s\n",
                    line_of(run->text, text), run->source, sm_last_error());
        else
            fprintf(stderr, "Error in query: %s\n", sm_last_error());
    } else if (run->o->timing) {
        cli_print_time(stderr, cli_now() - t0, rows, sm_df_num_columns(df) > 0);
    }
    free(stmt);
    if (run->o->last_only) {
        run->status = rc;
        return 0; /* go on: the last statement decides */
    }
    if (rc) run->status = 1;
    return rc;
}

int cli_cmd_sql(int argc, char **argv) {
    sql_opts o;
    int rc = parse_opts("sql", argc, argv, &o, false);
    if (rc) return rc;
    if (!o.query && !o.file) {
        fprintf(stderr, "smelt sql: give the statements as an argument, with -e, or with "
                        "-f FILE ('-f -' reads standard input); see 'smelt --help'\n");
        free(o.conf);
        return 2;
    }
    if (o.query && o.file) {
        fprintf(stderr, "smelt sql: give either statements or -f FILE, not both\n");
        free(o.conf);
        return 2;
    }
    char *text = NULL;
    if (o.file) {
        text = sm_dist_rank() == 0 || strcmp(o.file, "-") ? read_all(o.file) : NULL;
        /* under mpirun standard input reaches rank 0 only: it shares what it read */
        if (sm_dist_size() > 1 && strcmp(o.file, "-") == 0) sm_dist_share_text(&text);
        if (!text) {
            fprintf(stderr, "smelt sql: cannot read '%s': %m\n", o.file);
            free(o.conf);
            return 1;
        }
    }
    sm_session *s = sm_session_new(o.conf);
    if (!s) {
        fprintf(stderr, "smelt sql: %s\n", sm_last_error());
        free(o.conf);
        free(text);
        return 1;
    }
    sql_run run = {.s = s, .o = &o, .text = text ? text : o.query};
    run.source = o.file ? (strcmp(o.file, "-") == 0 ? "standard input" : o.file) : NULL;
    cli_split_statements(run.text, count_cb, &run, NULL);
    cli_split_statements(run.text, run_cb, &run, NULL);
    sm_session_free(s);
    free(o.conf);
    free(text);
    return run.status;
}
