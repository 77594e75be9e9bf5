/*
 * cmd_shell.c — smelt shell: interactive Spark SQL with libedit.
 *
 * The loop reads lines into a buffer; after each line the buffer is split
 * at top-level ';' (output.c) and every complete statement runs at once;
 * what follows the last ';' stays in the buffer and the prompt becomes the
 * continuation prompt.  So:
 *   1. the buffer never holds a complete statement between two reads;
 *   2. `exit`, `quit` (with or without ';') and Ctrl-D end the shell only
 *      when no statement is being continued;
 *   3. a failing statement prints "Error in query: ..." and the shell goes
 *      on with the next one.
 *
 * Each result is printed as a table (show()'s layout, cells whole) followed
 * on standard error by spark-sql's "Time taken: 0.012 seconds, Fetched 3
 * row(s)".  History lives in ~/.smelt_history (one statement per entry).
 *
 * Progress: the public API runs a plan to completion in sm_df_collect and
 * exposes no stage or task counts, so the shell's progress line is the
 * elapsed time, redrawn on standard error every 0.5 s by a helper thread
 * once a statement has run for a second (only when standard error is a
 * terminal); it is erased before the result prints.
 *
 * Completion: SQL keywords, then table and view names (SHOW TABLES through
 * sm_sql) and their column names (sm_read_table), cached and refreshed after
 * each statement that is not a plain query.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <editline/readline.h>

#include "cli/cli.h"

#define PROMPT "smelt> "
#define PROMPT_MORE "     > "

/* ---- completion ------------------------------------------------------------ */

static const char *const keywords[] = {
    "ALL", "ALTER", "AND", "ANTI", "AS", "ASC", "BETWEEN", "BY", "CACHE", "CASE", "CAST",
    "COLUMNS", "CREATE", "CROSS", "CUBE", "CURRENT", "DATABASE", "DATABASES", "DATE",
    "DESC", "DESCRIBE", "DISTINCT", "DIRECTORY", "DROP", "ELSE", "END", "EXCEPT", "EXISTS",
    "EXPLAIN", "EXTENDED", "FALSE", "FIRST", "FOLLOWING", "FORMATTED", "FROM", "FULL",
    "FUNCTIONS", "GROUP", "GROUPING", "HAVING", "IF", "IN", "INNER", "INSERT", "INTERSECT",
    "INTERVAL", "INTO", "IS", "JOIN", "LAST", "LATERAL", "LEFT", "LIKE", "LIMIT", "LOCATION",
    "NATURAL", "NOT", "NULL", "NULLS", "OFFSET", "ON", "OPTIONS", "OR", "ORDER", "OUTER",
    "OVER", "OVERWRITE", "PARTITION", "PARTITIONED", "PRECEDING", "QUERY", "RANGE",
    "REPLACE", "RESET", "RIGHT", "RLIKE", "ROLLUP", "ROW", "ROWS", "SCHEMA", "SELECT",
    "SEMI", "SET", "SETS", "SHOW", "TABLE", "TABLES", "TEMP", "TEMPORARY", "THEN",
    "TIMESTAMP", "TRUE", "UNBOUNDED", "UNCACHE", "UNION", "USE", "USING", "VALUES", "VIEW",
    "VIEWS", "WHEN", "WHERE", "WINDOW", "WITH", NULL};

typedef struct {
    char **words;
    int n, cap;
} word_list;

static struct {
    sm_session *s;
    word_list names; /* tables, views and their columns */
    bool stale;
} shell;

static void words_add(word_list *w, const char *word) {
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->words[i], word) == 0) return;
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 64;
        char **nw = realloc(w->words, (size_t)cap * sizeof *nw);
        if (!nw) return;
        w->words = nw;
        w->cap = cap;
    }
    char *copy = strdup(word);
    if (copy) w->words[w->n++] = copy;
}

static void words_clear(word_list *w) {
    for (int i = 0; i < w->n; i++) free(w->words[i]);
    w->n = 0;
}

/* Re-reads table, view and column names.  Failures leave the list short: a
 * completion list is a convenience, not worth an error message. */
static void refresh_names(void) {
    words_clear(&shell.names);
    shell.stale = false;
    sm_dataframe *df = sm_sql(shell.s, "SHOW TABLES");
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) return;
    int name_col = -1;
    for (int col = 0; col < sm_df_num_columns(df); col++)
        if (strcasecmp(sm_df_column_name(df, col), "tableName") == 0) name_col = col;
    if (name_col < 0) name_col = sm_result_num_columns(r) > 1 ? 1 : 0;
    for (int64_t row = 0; row < sm_result_num_rows(r); row++) {
        const char *name = sm_result_get_string(r, row, name_col);
        if (!name) continue;
        words_add(&shell.names, name);
        sm_dataframe *t = sm_read_table(shell.s, name);
        if (!t) continue;
        for (int col = 0; col < sm_df_num_columns(t); col++)
            words_add(&shell.names, sm_df_column_name(t, col));
    }
    sm_result_free(r);
}

static char *completion_next(const char *text, int state) {
    static int kw, nm;
    static size_t len;
    if (state == 0) {
        kw = nm = 0;
        len = strlen(text);
        if (shell.stale) refresh_names();
    }
    while (nm < shell.names.n) {
        const char *w = shell.names.words[nm++];
        if (strncasecmp(w, text, len) == 0) return strdup(w);
    }
    bool lower = len > 0 && islower((unsigned char)text[0]);
    while (keywords[kw]) {
        const char *w = keywords[kw++];
        if (strncasecmp(w, text, len) == 0) {
            char *c = strdup(w);
            if (c && lower)
                for (char *p = c; *p; p++) *p = (char)tolower((unsigned char)*p);
            return c;
        }
    }
    return NULL;
}

static char **complete(const char *text, int start, int end) {
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1; /* no file-name completion */
    return rl_completion_matches(text, completion_next);
}

/* ---- progress ------------------------------------------------------------------ */

typedef struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool running, drawn, started;
    double t0;
} progress;

static void *progress_main(void *arg) {
    progress *p = arg;
    pthread_mutex_lock(&p->mu);
    while (p->running) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 500000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cv, &p->mu, &ts);
        double el = cli_now() - p->t0;
        if (p->running && el >= 1.0) {
            fprintf(stderr, "\r[running: %.1f s]", el);
            fflush(stderr);
            p->drawn = true;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void progress_start(progress *p) {
    memset(p, 0, sizeof *p);
    p->t0 = cli_now();
    if (!isatty(STDERR_FILENO)) return;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->running = true;
    p->started = pthread_create(&p->thread, NULL, progress_main, p) == 0;
    if (!p->started) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
    }
}

/* Stops the helper and erases its line; safe to call twice. */
static void progress_stop(void *arg) {
    progress *p = arg;
    if (!p->started) return;
    pthread_mutex_lock(&p->mu);
    p->running = false;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    p->started = false;
    if (p->drawn) fputs("\r\033[K", stderr);
}

/* ---- statements ------------------------------------------------------------------ */

typedef struct {
    cli_output out;
} shell_ctx;

static bool starts_with_word(const char *text, const char *word) {
    while (isspace((unsigned char)*text)) text++;
    size_t n = strlen(word);
    return strncasecmp(text, word, n) == 0 &&
           (text[n] == 0 || isspace((unsigned char)text[n]) || text[n] == '(');
}

static int run_statement(void *arg, const char *text, size_t len) {
    shell_ctx *ctx = arg;
    size_t skip = cli_sql_skip_blank(text, len);
    text += skip;
    len -= skip;
    while (len && isspace((unsigned char)text[len - 1])) len--;
    char *stmt = strndup(text, len);
    if (!stmt) return 0;
    progress p;
    progress_start(&p);
    sm_dataframe *df = sm_sql(shell.s, stmt);
    int64_t rows = 0;
    int rc = 1;
    if (df) {
        cli_output out = ctx->out;
        out.time_zone = sm_session_get(shell.s, "spark.sql.session.timeZone");
        out.before_print = progress_stop;
        out.hook_arg = &p;
        rc = cli_print_result(df, &out, stdout, &rows);
    }
    progress_stop(&p);
    if (rc)
        fprintf(stderr, "Error in query: %s\n", sm_last_error());
    else
        cli_print_time(stderr, cli_now() - p.t0, rows, sm_df_num_columns(df) > 0);
    fflush(stderr);
    /* Anything but a query may have changed the tables. */
    if (!starts_with_word(stmt, "SELECT") && !starts_with_word(stmt, "WITH") &&
        !starts_with_word(stmt, "VALUES"))
        shell.stale = true;
    free(stmt);
    return 0;
}

static bool is_exit(const char *buf) {
    char word[8];
    size_t n = 0;
    const char *p = buf;
    while (isspace((unsigned char)*p)) p++;
    while (*p && !isspace((unsigned char)*p) && *p != ';' && n < sizeof word - 1)
        word[n++] = (char)tolower((unsigned char)*p++);
    word[n] = 0;
    while (isspace((unsigned char)*p) || *p == ';') p++;
    return *p == 0 && (strcmp(word, "exit") == 0 || strcmp(word, "quit") == 0);
}

/* History entries are whole statements on one line. */
static void remember(const char *stmt) {
    char *h = strdup(stmt);
    if (!h) return;
    for (char *p = h; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
    char *s = h;
    while (*s == ' ') s++;
    if (*s) add_history(s);
    free(h);
}

int cli_cmd_shell(int argc, char **argv) {
    shell_ctx ctx;
    int status;
    bool format_given = false;
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], "--format", 8) == 0) format_given = true;
    shell.s = cli_open_session("shell", argc, argv, &ctx.out, &status);
    if (!shell.s) return status;
    if (!format_given) ctx.out.format = CLI_FMT_TABLE;
    shell.stale = true;

    char hist[4096] = "";
    const char *home = getenv("HOME");
    if (home) snprintf(hist, sizeof hist, "%s/.smelt_history", home);
    rl_readline_name = "smelt";
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = " \t\n\"'`@$><=;|&{(,.+-*/%";
    stifle_history(1000);
    if (*hist) read_history(hist);
    bool tty = isatty(STDIN_FILENO);
    if (tty)
        fprintf(stderr, "smelt %s SQL shell. Statements end with ';'. exit or Ctrl-D quits; "
                        "Tab completes.\n", SMELT_VERSION);

    size_t len = 0, cap = 0;
    char *buf = NULL;
    for (;;) {
        char *line = readline(len ? PROMPT_MORE : PROMPT);
        if (!line) break; /* Ctrl-D or end of input */
        if (len == 0 && is_exit(line)) {
            free(line);
            break;
        }
        size_t n = strlen(line);
        if (len + n + 2 > cap) {
            size_t ncap = cap ? cap : 256;
            while (ncap < len + n + 2) ncap *= 2;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(line);
                fprintf(stderr, "smelt shell: out of memory\n");
                break;
            }
            buf = nb;
            cap = ncap;
        }
        memcpy(buf + len, line, n);
        len += n;
        buf[len++] = '\n';
        buf[len] = 0;
        free(line);
        if (cli_sql_is_blank(buf, len) && !strchr(buf, ';')) {
            len = 0; /* an empty line or a lone comment: nothing to continue */
            continue;
        }
        size_t rest = 0;
        /* remember the complete part before running (a crash keeps history) */
        cli_split_statements(buf, NULL, NULL, &rest);
        if (rest > 0) {
            char saved = buf[rest];
            buf[rest] = 0;
            remember(buf);
            buf[rest] = saved;
            cli_split_statements(buf, run_statement, &ctx, &rest);
            memmove(buf, buf + rest, len - rest + 1);
            len -= rest;
            if (cli_sql_is_blank(buf, len)) len = 0;
        }
    }
    if (len && !cli_sql_is_blank(buf, len))
        fprintf(stderr, "smelt shell: the unfinished statement was not run (end it with ';')\n");
    if (tty) fputc('\n', stderr);
    if (*hist) write_history(hist);
    free(buf);
    words_clear(&shell.names);
    free(shell.names.words);
    sm_session_free(shell.s);
    return 0;
}
