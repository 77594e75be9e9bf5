/*
 * file_format.c — which file format a path on the command line is.
 *
 * `smelt convert`, `smelt head`, `smelt schema` and `smelt count` accept any
 * format in the table below.  A format is named by a flag (--from/--to) or
 * found from a path's extension: for a file, its own name (a compression
 * suffix like .gz is looked through: x.csv.gz is csv); for a directory, the
 * first data file inside it in name order, descending into Hive-style
 * key=value directories and skipping names that start with '_' or '.', as
 * the readers skip them (so a directory Spark or smelt wrote, with its
 * part-*.snappy.parquet files and _SUCCESS, is parquet); for a glob, its
 * first match.  A file whose name says nothing is parquet when it starts
 * with the magic "PAR1"; otherwise the caller decides (the commands read it
 * as CSV, as `smelt head` always did).  An output path need not exist: its own extension decides
 * (out.parquet is a parquet directory, as Spark names them).
 *
 * Adding a format is one line in `formats` (JSON lines: sm_read_json and
 * sm_df_write_json with the extensions .json .jsonl .ndjson).
 *
 * Memory: the table is static; cli_format_of_path allocates nothing that
 * outlives the call.
 */
#include <dirent.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const cli_file_format formats[] = {
    {"csv", {".csv", ".tsv", ".txt", NULL}, true, sm_read_csv, sm_df_write_csv},
    {"parquet", {".parquet", ".parq", ".pq", NULL}, false, sm_read_parquet, sm_df_write_parquet},
    {"json", {".json", ".jsonl", ".ndjson", NULL}, false, sm_read_json, sm_df_write_json},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

const cli_file_format *cli_file_format_named(const char *name) {
    for (size_t i = 0; i < NFORMATS; i++)
        if (strcasecmp(formats[i].name, name) == 0) return &formats[i];
    return NULL;
}

const char *cli_file_format_names(void) {
    static char buf[128];
    if (!buf[0]) {
        for (size_t i = 0; i < NFORMATS; i++) {
            if (i) strcat(buf, ", ");
            strcat(buf, formats[i].name);
        }
    }
    return buf;
}

static bool ends_with(const char *s, size_t n, const char *suffix) {
    size_t m = strlen(suffix);
    return n >= m && strncasecmp(s + n - m, suffix, m) == 0;
}

/* The format a file name's extension says, looking through one compression
 * suffix; NULL when none. */
static const cli_file_format *by_name(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/') n--;
    static const char *const codecs[] = {".gz", ".gzip", ".bz2", ".zst", ".zstd", ".lz4",
                                         ".snappy", ".deflate", ".xz", NULL};
    for (int c = 0; codecs[c]; c++) {
        if (ends_with(base, n, codecs[c])) {
            n -= strlen(codecs[c]);
            break;
        }
    }
    for (size_t i = 0; i < NFORMATS; i++)
        for (int e = 0; formats[i].exts[e]; e++)
            if (ends_with(base, n, formats[i].exts[e])) return &formats[i];
    return NULL;
}

/* A file's format from its first bytes: "PAR1" is parquet. */
static const cli_file_format *sniff(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char magic[4];
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4 && memcmp(magic, "PAR1", 4) == 0 ? cli_file_format_named("parquet") : NULL;
}

/* The first data file under a directory, depth first in name order. */
static const cli_file_format *in_dir(const char *dir, int depth) {
    if (depth > 32) return NULL;
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) return NULL;
    const cli_file_format *f = NULL;
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        bool skip = nm[0] == '.' || (nm[0] == '_' && !strchr(nm, '='));
        if (!f && !skip) {
            size_t len = strlen(dir) + strlen(nm) + 2;
            char *p = malloc(len);
            if (p) {
                snprintf(p, len, "%s/%s", dir, nm);
                struct stat st;
                if (stat(p, &st) == 0) {
                    if (S_ISDIR(st.st_mode)) {
                        if (strchr(nm, '=')) f = in_dir(p, depth + 1);
                    } else {
                        f = by_name(nm);
                        if (!f) f = sniff(p);
                    }
                }
                free(p);
            }
        }
        free(names[i]);
    }
    free(names);
    return f;
}

const cli_file_format *cli_file_format_of_path(const char *path, bool output) {
    const cli_file_format *f = by_name(path);
    if (f || output) return f;
    struct stat st;
    if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? in_dir(path, 0) : sniff(path);
    if (strpbrk(path, "*?[{")) {
        glob_t g;
        if (glob(path, GLOB_BRACE, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc && !f; i++) {
                if (stat(g.gl_pathv[i], &st) != 0) continue;
                f = S_ISDIR(st.st_mode) ? in_dir(g.gl_pathv[i], 0) : by_name(g.gl_pathv[i]);
            }
            globfree(&g);
        }
    }
    return f;
}
