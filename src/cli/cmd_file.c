/*
 * cmd_file.c — smelt head | schema | count FILE [-n N] [-t WIDTH] [--from FMT]
 *              [-o key=value]...
 *
 * FILE is a file, a directory or a glob of any format file_format.c knows
 * (CSV, Parquet), found from the extension or named by --from; a path that
 * says nothing is read as CSV.  CSV files are read with header=true and
 * inferSchema=true unless options say otherwise (count skips inference: it
 * reads no column): a quick look at a file should not need flags.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static int fail(const char *what) {
    fprintf(stderr, "smelt: %s\n", what);
    return 1;
}

int cli_cmd_file(const char *cmd, int argc, char **argv) {
    const char *file = NULL;
    const cli_file_format *fmt = NULL;
    long n = 20, width = 20;
    const char *opts[2 * 64 + 5];
    int nopts = 0;
    bool has_header = false, has_infer = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            char *end;
            n = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || n < 0) {
                fprintf(stderr, "smelt %s: -n wants a number of rows, not '%s'\n", cmd, argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            width = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
            if (!(fmt = cli_file_format_named(argv[++i]))) {
                fprintf(stderr, "smelt %s: unknown format '%s' (known: %s)\n", cmd, argv[i],
                        cli_file_format_names());
                return 2;
            }
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            char *kv = argv[++i];
            char *eq = strchr(kv, '=');
            if (!eq) {
                fprintf(stderr, "smelt: option '%s' is not key=value\n", kv);
                return 2;
            }
            if (nopts >= 64) return fail("too many options");
            *eq = 0;
            opts[2 * nopts] = kv;
            opts[2 * nopts + 1] = eq + 1;
            nopts++;
            has_header |= strcasecmp(kv, "header") == 0;
            has_infer |= strcasecmp(kv, "inferSchema") == 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "smelt: unknown flag '%s'; see 'smelt --help'\n", argv[i]);
            return 2;
        } else if (!file) {
            file = argv[i];
        } else {
            fprintf(stderr, "smelt: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!file) {
        fprintf(stderr, "smelt %s: missing FILE; see 'smelt --help'\n", cmd);
        return 2;
    }
    if (!fmt) fmt = cli_file_format_of_path(file, false);
    if (!fmt) fmt = cli_file_format_named("csv");
    int k = 2 * nopts;
    if (fmt->text && !has_header) {
        opts[k++] = "header";
        opts[k++] = "true";
    }
    /* count needs no types: no column is read, so rows are only counted
     * (csv_count_rows) and an inference pass would double the work. */
    if (fmt->text && !has_infer && strcmp(cmd, "count") != 0) {
        opts[k++] = "inferSchema";
        opts[k++] = "true";
    }
    opts[k] = NULL;

    sm_session *s = sm_session_new(NULL);
    if (!s) return fail(sm_last_error());
    int rc = 0;
    sm_dataframe *df = fmt->read(s, file, opts, NULL);
    if (!df) {
        rc = fail(sm_last_error());
    } else if (strcmp(cmd, "head") == 0) {
        if (sm_df_show(df, n, (int)width) != 0) rc = fail(sm_last_error());
    } else if (strcmp(cmd, "schema") == 0) {
        if (sm_df_print_schema(df) != 0) rc = fail(sm_last_error());
    } else {
        int64_t count;
        if (sm_df_count(df, &count) != 0)
            rc = fail(sm_last_error());
        else
            printf("%lld\n", (long long)count);
    }
    sm_session_free(s);
    return rc;
}
