/*
 * main.c — the `smelt` program.  It uses only the public API (smelt.h).
 *
 *   smelt head FILE [-n N] [-o key=value ...]     show() the first rows
 *   smelt schema FILE [-o key=value ...]          printSchema()
 *   smelt count FILE [-o key=value ...]           count()
 *   smelt version | --help
 *
 * CSV files are read with header=true and inferSchema=true unless options
 * say otherwise.  Errors go to standard error with a non-zero exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smelt.h"

#define SMELT_VERSION "0.1.0"

static void usage(FILE *out) {
    fprintf(out,
            "usage: smelt <command> [arguments]\n"
            "\n"
            "commands:\n"
            "  head FILE [-n N] [-t WIDTH] [-o key=value]...  show the first N rows (default 20)\n"
            "  schema FILE [-o key=value]...                   print the schema Spark-style\n"
            "  count FILE [-o key=value]...                    count the rows\n"
            "  version                                         print the version\n"
            "\n"
            "FILE is a CSV file, a directory of CSV files, or a glob.  Options are Spark's CSV\n"
            "options (header, inferSchema, sep, quote, escape, nullValue, mode, ...); header\n"
            "and inferSchema default to true here.\n");
}

static int fail(const char *what) {
    fprintf(stderr, "smelt: %s\n", what);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("smelt %s\n", SMELT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "head") != 0 && strcmp(cmd, "schema") != 0 && strcmp(cmd, "count") != 0) {
        fprintf(stderr, "smelt: unknown command '%s'; see 'smelt --help'\n", cmd);
        return 2;
    }
    const char *file = NULL;
    long n = 20, width = 20;
    const char *opts[2 * 64 + 5];
    int nopts = 0;
    bool has_header = false, has_infer = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            n = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            width = strtol(argv[++i], NULL, 10);
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
    int k = 2 * nopts;
    if (!has_header) {
        opts[k++] = "header";
        opts[k++] = "true";
    }
    if (!has_infer) {
        opts[k++] = "inferSchema";
        opts[k++] = "true";
    }
    opts[k] = NULL;

    sm_session *s = sm_session_new(NULL);
    if (!s) return fail(sm_last_error());
    int rc = 0;
    sm_dataframe *df = sm_read_csv(s, file, opts, NULL);
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
