/*
 * cli.h — what the files of the `smelt` program share.
 *
 * The program is a client of the public API (include/smelt.h) and nothing
 * else: it never includes an internal header, so everything it does a user
 * of libsmelt could do too.  It allocates with the C library's malloc (the
 * counted allocator is internal to the library).
 *
 *   main.c       argument dispatch and `smelt --help`
 *   cmd_file.c   smelt head | schema | count FILE
 *   cmd_convert.c smelt convert IN OUT
 *   file_format.c which format (csv, parquet) a path is, by flag or extension
 *   cmd_sql.c    smelt sql (one statement, a file, standard input)
 *   cmd_shell.c  smelt shell (libedit)
 *   output.c     result printing (table, tsv, csv, json), the schema line,
 *                and the statement splitter the sql and shell commands share
 */
#ifndef SM_CLI_H
#define SM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smelt.h"

#define SMELT_VERSION "0.1.0"

int cli_cmd_file(const char *cmd, int argc, char **argv);
int cli_cmd_sql(int argc, char **argv);
int cli_cmd_shell(int argc, char **argv);
int cli_cmd_run(int argc, char **argv);   /* cmd_run.c: smelt run JOB.yaml */
/* launch.c: `run|sql --ranks N [--hosts H | --hostfile F]` re-executes the
 * command under mpirun (returns only on failure: the exit status); under an
 * MPI launcher the options are dropped from argv (*argc updated) and -1
 * returned, as when they are absent.  cli_rank_setup: ranks other than 0
 * print nothing (stdout and stderr to /dev/null; SMELT_RANK_OUTPUT=1 keeps
 * them). */
int cli_launch_ranks(int *argc, char **argv);
int cli_rank_setup(void);
/* retry.c: `run ... --retries N` (not under an MPI launcher) runs the
 * command as a child process (the same arguments without --retries; from the
 * second attempt on with --resume when --checkpoint is given) until it
 * succeeds or N retries failed; returns the exit status.  -1 without
 * --retries. */
int cli_retry(int argc, char **argv);
int cli_cmd_convert(int argc, char **argv); /* cmd_convert.c: smelt convert IN OUT */

/* ---- file_format.c -------------------------------------------------------------- */

typedef struct {
    const char *name;          /* "csv", "parquet" */
    const char *exts[4];       /* extensions, NULL-terminated */
    bool text;                 /* read with header/inferSchema true unless told */
    sm_dataframe *(*read)(sm_session *, const char *, const char *const *, const char *);
    int (*write)(sm_dataframe *, const char *, const char *, const char *const *);
} cli_file_format;

/* The format called name (case-insensitive), or NULL. */
const cli_file_format *cli_file_format_named(const char *name);
/* "csv, parquet": the names, for messages. */
const char *cli_file_format_names(void);
/* The format of a path from its extension; for an input (output false) a
 * directory's first data file, a glob's first match, or a file's "PAR1"
 * magic.  NULL when nothing says. */
const cli_file_format *cli_file_format_of_path(const char *path, bool output);

/* ---- output.c --------------------------------------------------------------- */

typedef enum { CLI_FMT_TABLE, CLI_FMT_TSV, CLI_FMT_CSV, CLI_FMT_JSON } cli_format;

typedef struct {
    cli_format format;
    bool header;   /* tsv: print the column names first (csv always does) */
    bool schema;   /* print "struct<...>" before each result */
    int truncate;  /* table: cut cells to this width (0 = never), as show() */
    const char *time_zone; /* session time zone, for json timestamps */
    /* Called once the rows are computed, before anything is printed (the
     * shell clears its progress line there); may be NULL. */
    void (*before_print)(void *arg);
    void *hook_arg;
    /* tsv: spark-sql's (HiveResult's) special forms of some commands: SHOW
     * TABLES and SHOW VIEWS print only the names, DESCRIBE pads its cells to 20. */
    enum { CLI_HIVE_NONE, CLI_HIVE_SHOW_TABLES, CLI_HIVE_DESCRIBE } hive;
} cli_output;

/* ---- cmd_sql.c ---------------------------------------------------------------- */

/* Parses the options `smelt shell` shares with `smelt sql` (--conf,
 * --warehouse, --format, --header, --schema, --truncate) and opens a session.
 * NULL with *status 2 (bad command line) or 1 (the session failed). */
sm_session *cli_open_session(const char *cmd, int argc, char **argv, cli_output *out,
                             int *status);
/* "Time taken: 0.012 seconds[, Fetched N row(s)]" as spark-sql prints it. */
void cli_print_time(FILE *out, double seconds, int64_t rows, bool fetched);

/* Which HiveResult special form a statement gets (see cli_output.hive). */
int cli_hive_form(const char *stmt);

/* Parses "table", "tsv", "csv", "json"; -1 when unknown. */
int cli_format_parse(const char *name);

/* Spark's StructType.catalogString of a DataFrame: "struct<a:int,b:string>". */
char *cli_schema_string(const sm_dataframe *df);

/* Runs df and prints its rows in the chosen format.  *rows_out (may be NULL)
 * receives the row count.  Returns 0, or non-zero with sm_last_error() set. */
int cli_print_result(sm_dataframe *df, const cli_output *o, FILE *out, int64_t *rows_out);

/* Splits SQL text into statements at top-level ';' (outside quotes,
 * backquotes and comments).  Calls cb(arg, text, len) for each non-blank
 * statement without its ';'.  Stops and returns cb's non-zero result.
 * If `rest` is non-NULL, the text after the last ';' is not passed to cb:
 * *rest is its offset (the shell keeps it as an unfinished statement); with
 * rest == NULL it is a final statement when not blank. */
typedef int (*cli_stmt_cb)(void *arg, const char *text, size_t len);
int cli_split_statements(const char *text, cli_stmt_cb cb, void *arg, size_t *rest);

/* How many leading characters of text are blanks and comments. */
size_t cli_sql_skip_blank(const char *text, size_t len);
/* True when the statement text has nothing but blanks and comments. */
bool cli_sql_is_blank(const char *text, size_t len);

/* Seconds since an arbitrary point (monotonic). */
double cli_now(void);

#endif
