/*
 * cmd_convert.c — smelt convert IN OUT: rewrite a dataset in another format.
 *
 *   smelt convert IN OUT [--from FMT] [--to FMT] [--header | --no-header]
 *                 [--infer-schema | --no-infer-schema] [--sep C] [--schema DDL]
 *                 [--compression CODEC] [--partition-by COL[,COL...]]
 *                 [--mode MODE | --overwrite] [-o key=value]... [-w key=value]...
 *
 * IN is a file, a directory or a glob; OUT is the directory written, as
 * Spark's DataFrameWriter writes one (part files and _SUCCESS, staged in a
 * hidden sibling and committed atomically by the library, so a failed
 * conversion leaves nothing behind and an existing OUT is left alone unless
 * --mode overwrite/append/ignore says otherwise).  Formats come from the
 * extensions (file_format.c: data.csv, dir-of-parquet/, out.parquet) or
 * from --from/--to.  A compression suffix on a CSV or JSON OUT picks the
 * codec of its part files (out.csv.gz/part-...-c000.csv.gz; .bz2, .zst,
 * .deflate, .lz4, .snappy likewise) unless --compression or -w
 * compression=... says otherwise.
 *
 * CSV on either side has a header by default (--no-header turns it off),
 * input types are inferred (--no-infer-schema reads strings), --sep sets the
 * delimiter of both sides.  -o passes any reader option, -w any writer
 * option (Spark's names: -o mode=DROPMALFORMED, -w parquet.block.size=...).
 *
 * The program is a client of the public API only: read, then write.  The
 * rows stream from reader to writer batch by batch on the session's threads.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"

#define MAX_OPTS 64

typedef struct {
    const char *kv[2 * MAX_OPTS + 1];
    int n;
} opt_list;

static bool opt_has(const opt_list *o, const char *key) {
    for (int i = 0; i < o->n; i++)
        if (strcasecmp(o->kv[2 * i], key) == 0) return true;
    return false;
}

/* Adds key=value unless the key is there already (an explicit -o/-w wins). */
static int opt_add(opt_list *o, const char *key, const char *value) {
    if (opt_has(o, key)) return 0;
    if (o->n >= MAX_OPTS) {
        fprintf(stderr, "smelt convert: too many options (at most %d)\n", MAX_OPTS);
        return -1;
    }
    o->kv[2 * o->n] = key;
    o->kv[2 * o->n + 1] = value;
    o->n++;
    o->kv[2 * o->n] = NULL;
    return 0;
}

static int opt_add_kv(opt_list *o, char *kv, const char *flag) {
    char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        fprintf(stderr, "smelt convert: %s '%s' is not key=value\n", flag, kv);
        return -1;
    }
    *eq = 0;
    if (opt_has(o, kv)) {
        fprintf(stderr, "smelt convert: option '%s' given twice\n", kv);
        return -1;
    }
    return opt_add(o, kv, eq + 1);
}

/* The codec a compression suffix of the output path names: NULL when it has
 * none, "" when it names a codec smelt cannot write (.xz). */
static const char *codec_of_output(const char *path) {
    static const char *const map[][2] = {
        {".gz", "gzip"},      {".gzip", "gzip"},       {".bz2", "bzip2"}, {".zst", "zstd"},
        {".zstd", "zstd"},    {".deflate", "deflate"}, {".lz4", "lz4"},   {".snappy", "snappy"},
        {".xz", ""},
    };
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t m = strlen(map[i][0]);
        if (n > m && strncasecmp(path + n - m, map[i][0], m) == 0) return map[i][1];
    }
    return NULL;
}

static const cli_file_format *format_flag(const char *flag, const char *name) {
    const cli_file_format *f = cli_file_format_named(name);
    if (!f)
        fprintf(stderr, "smelt convert: unknown format '%s' for %s (known: %s)\n", name, flag,
                cli_file_format_names());
    return f;
}

int cli_cmd_convert(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *mode = "errorifexists", *schema = NULL;
    const char *sep = NULL, *compression = NULL, *partition_by = NULL;
    const cli_file_format *from = NULL, *to = NULL;
    int header = 1, infer = 1;
    opt_list ropts = {.n = 0}, wopts = {.n = 0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_arg = i + 1 < argc;
        if (strcmp(a, "--from") == 0 && has_arg) {
            if (!(from = format_flag(a, argv[++i]))) return 2;
        } else if (strcmp(a, "--to") == 0 && has_arg) {
            if (!(to = format_flag(a, argv[++i]))) return 2;
        } else if (strcmp(a, "--header") == 0) {
            header = 1;
        } else if (strcmp(a, "--no-header") == 0) {
            header = 0;
        } else if (strcmp(a, "--infer-schema") == 0) {
            infer = 1;
        } else if (strcmp(a, "--no-infer-schema") == 0) {
            infer = 0;
        } else if (strcmp(a, "--sep") == 0 && has_arg) {
            sep = argv[++i];
        } else if (strcmp(a, "--schema") == 0 && has_arg) {
            schema = argv[++i];
        } else if (strcmp(a, "--compression") == 0 && has_arg) {
            compression = argv[++i];
        } else if (strcmp(a, "--partition-by") == 0 && has_arg) {
            partition_by = argv[++i];
        } else if (strcmp(a, "--mode") == 0 && has_arg) {
            mode = argv[++i];
        } else if (strcmp(a, "--overwrite") == 0) {
            mode = "overwrite";
        } else if (strcmp(a, "-o") == 0 && has_arg) {
            if (opt_add_kv(&ropts, argv[++i], "-o") != 0) return 2;
        } else if (strcmp(a, "-w") == 0 && has_arg) {
            if (opt_add_kv(&wopts, argv[++i], "-w") != 0) return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "smelt convert: unknown flag '%s' or missing value; see 'smelt --help'\n",
                    a);
            return 2;
        } else if (!in) {
            in = a;
        } else if (!out) {
            out = a;
        } else {
            fprintf(stderr, "smelt convert: unexpected argument '%s'\n", a);
            return 2;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "smelt convert: usage: smelt convert IN OUT [flags]; see 'smelt --help'\n");
        return 2;
    }
    if (!from) from = cli_file_format_of_path(in, false);
    if (!from && !strpbrk(in, "*?[{") && access(in, F_OK) != 0)
        from = cli_file_format_named("csv"); /* the reader says the path does not exist */
    if (!from) {
        fprintf(stderr,
                "smelt convert: cannot tell the format of '%s' from its name; pass --from "
                "(%s)\n",
                in, cli_file_format_names());
        return 2;
    }
    if (!to) to = cli_file_format_of_path(out, true);
    if (!to) {
        fprintf(stderr,
                "smelt convert: cannot tell the output format from '%s'; end it with .%s or "
                "pass --to (%s)\n",
                out, "parquet", cli_file_format_names());
        return 2;
    }

    if (from->text) {
        if (opt_add(&ropts, "header", header ? "true" : "false") ||
            opt_add(&ropts, "inferSchema", infer ? "true" : "false"))
            return 2;
        if (sep && opt_add(&ropts, "sep", sep)) return 2;
    }
    if (to->text) {
        if (opt_add(&wopts, "header", header ? "true" : "false")) return 2;
        if (sep && opt_add(&wopts, "sep", sep)) return 2;
    }
    if (!compression && strcmp(to->name, "parquet") != 0 && !opt_has(&wopts, "compression") &&
        !opt_has(&wopts, "codec")) {
        compression = codec_of_output(out);
        if (compression && !*compression) {
            fprintf(stderr, "smelt convert: cannot write '%s': xz is not a codec Spark or smelt "
                            "writes; end it with .gz, .bz2, .zst, .deflate, .lz4 or .snappy, or "
                            "pass --compression\n", out);
            return 2;
        }
    }
    if (compression && opt_add(&wopts, "compression", compression)) return 2;
    if (partition_by && opt_add(&wopts, "partitionBy", partition_by)) return 2;

    sm_session *s = sm_session_new(NULL);
    if (!s) {
        fprintf(stderr, "smelt convert: %s\n", sm_last_error());
        return 1;
    }
    int rc = 0;
    sm_dataframe *df = from->read(s, in, ropts.n ? ropts.kv : NULL, schema);
    if (!df || to->write(df, out, mode, wopts.n ? wopts.kv : NULL) != 0) {
        fprintf(stderr, "smelt convert: %s\n", sm_last_error());
        rc = 1;
    }
    sm_session_free(s);
    return rc;
}
