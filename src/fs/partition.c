/*
 * partition.c — Hive-style partition directories: escaping, parallel
 * recursive listing with partition discovery, and Spark's file packing
 * (see partition.h for the rules, which follow Spark 3.5's
 * ExternalCatalogUtils, InMemoryFileIndex, PartitioningUtils and
 * FilePartition).
 *
 * Listing algorithm: the roots (input directories) form level 0; each level
 * is listed with one pool task per directory (readdir only; d_type tells
 * files from directories, stat is used only when it is DT_UNKNOWN or a
 * link), producing the next level's key=value subdirectories and candidate
 * files.  Candidate files are then stat'ed in parallel chunks for their
 * sizes.  Finally each distinct directory is parsed into a partition (from
 * the leaf upwards), the partitions are sorted by their relative path, and
 * files point at them.  Work is proportional to the entries listed; with
 * 100,000 files the serial parts are two sorts.
 *
 * Memory: every string is sm_malloc'd and owned by the fs_dataset (or freed
 * on failure).  Tasks write only their own slot of per-directory arrays.
 */
#include "fs/partition.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/status.h"
#include "fs/fs.h"

/* ---- escaping --------------------------------------------------------------- */

static bool needs_escape(unsigned char c) {
    if (c >= 0x01 && c <= 0x1F) return true;
    switch (c) {
    case '"': case '#': case '%': case '\'': case '*': case '/': case ':': case '=':
    case '?': case '\\': case 0x7F: case '{': case '[': case ']': case '^':
        return true;
    default: return false;
    }
}

int fs_escape_path_name(const char *s, int32_t len, sm_buf *out) {
    static const char hex[] = "0123456789ABCDEF";
    for (int32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (needs_escape(c)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (sm_buf_append(out, e, 3)) return SM_NOMEM;
        } else if (sm_buf_putc(out, (char)c)) {
            return SM_NOMEM;
        }
    }
    return SM_OK;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int fs_unescape_path_name(const char *s, int32_t len, sm_buf *out) {
    for (int32_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            /* Java appends the code as a UTF-16 char: U+0000..U+00FF */
            int code = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            int r = code < 0x80 ? sm_buf_putc(out, (char)code)
                                : (sm_buf_putc(out, (char)(0xC0 | (code >> 6))) ||
                                   sm_buf_putc(out, (char)(0x80 | (code & 0x3F))));
            if (r) return SM_NOMEM;
            i += 2;
        } else if (sm_buf_putc(out, s[i])) {
            return SM_NOMEM;
        }
    }
    return SM_OK;
}

bool fs_hidden_name(const char *name) {
    size_t n = strlen(name);
    if (n >= 10 && strcmp(name + n - 10, "._COPYING_") == 0) return true;
    return (name[0] == '_' && !strchr(name, '=')) || name[0] == '.';
}

/* ---- packing ---------------------------------------------------------------- */

static int64_t fs_sat_add(int64_t a, int64_t b) {
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

void fs_pack_splits(const int64_t *sizes, int n, int64_t max_partition_bytes, int64_t open_cost,
                    int parallelism, int *out_start, int *ngroups) {
    /* sizes may be "unknown, large" (INT64_MAX for an unsplittable stream):
     * sums saturate instead of overflowing */
    int64_t total = 0;
    for (int i = 0; i < n; i++) total = fs_sat_add(fs_sat_add(total, sizes[i]), open_cost);
    if (parallelism < 1) parallelism = 1;
    int64_t per_core = total / parallelism;
    int64_t max_split = per_core > open_cost ? per_core : open_cost;
    if (max_split > max_partition_bytes) max_split = max_partition_bytes;
    int g = 0;
    int64_t cur = 0;
    bool open = false;
    for (int i = 0; i < n; i++) {
        if (open && fs_sat_add(cur, sizes[i]) > max_split) open = false;
        if (!open) {
            out_start[g++] = i;
            cur = 0;
            open = true;
        }
        cur = fs_sat_add(fs_sat_add(cur, sizes[i]), open_cost);
    }
    out_start[g] = n;
    *ngroups = g;
}

/* ---- listing ---------------------------------------------------------------- */

typedef struct {
    char *path;
    int root; /* index of its base path */
} ds_entry;

typedef struct {
    ds_entry *v;
    int n, cap;
} ds_vec;

/* Takes ownership of path (freed on failure). */
static int ds_push(ds_vec *x, char *path, int root) {
    if (x->n == x->cap) {
        int cap = x->cap ? x->cap * 2 : 16;
        ds_entry *nv = sm_realloc(x->v, (size_t)cap * sizeof *nv);
        if (!nv) { sm_free(path); return SM_NOMEM; }
        x->v = nv;
        x->cap = cap;
    }
    x->v[x->n].path = path;
    x->v[x->n].root = root;
    x->n++;
    return SM_OK;
}

static void ds_vec_free(ds_vec *x) {
    for (int i = 0; i < x->n; i++) sm_free(x->v[i].path);
    sm_free(x->v);
    memset(x, 0, sizeof *x);
}

typedef struct {
    const ds_entry *dirs;
    ds_vec *subdirs; /* per dir */
    ds_vec *files;   /* per dir */
} level_job;

static char *join_path(const char *dir, const char *name) {
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a && dir[a - 1] != '/';
    char *p = sm_malloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a++] = '/';
    memcpy(p + a, name, b + 1);
    return p;
}

static int list_dir_task(void *arg, int i) {
    level_job *job = arg;
    const ds_entry *d = &job->dirs[i];
    DIR *dh = opendir(d->path);
    if (!dh) return sm_err(SM_IO, "cannot list directory %s: %s", d->path, strerror(errno));
    struct dirent *de;
    int rc = SM_OK;
    while (rc == SM_OK && (de = readdir(dh)) != NULL) {
        if (fs_hidden_name(de->d_name)) continue;
        int type = de->d_type;
        char *p = join_path(d->path, de->d_name);
        if (!p) { rc = SM_NOMEM; break; }
        if (type == DT_UNKNOWN || type == DT_LNK) {
            struct stat st;
            if (stat(p, &st) != 0) { sm_free(p); continue; }
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type == DT_DIR && strchr(de->d_name, '=')) rc = ds_push(&job->subdirs[i], p, d->root);
        else if (type == DT_REG) rc = ds_push(&job->files[i], p, d->root);
        else sm_free(p);
    }
    closedir(dh);
    if (rc == SM_NOMEM) sm_err(SM_NOMEM, "out of memory listing %s", d->path);
    return rc;
}

typedef struct {
    ds_entry *files;
    int64_t *sizes;
    int n;
} stat_job;

#define STAT_CHUNK 512

static int stat_task(void *arg, int t) {
    stat_job *job = arg;
    int end = (t + 1) * STAT_CHUNK < job->n ? (t + 1) * STAT_CHUNK : job->n;
    for (int i = t * STAT_CHUNK; i < end; i++) {
        struct stat st;
        job->sizes[i] = (stat(job->files[i].path, &st) == 0 && S_ISREG(st.st_mode)) ? (int64_t)st.st_size : -1;
    }
    return SM_OK;
}

static int run_tasks(sm_pool *pool, int n, int (*fn)(void *, int), void *arg) {
    if (n <= 0) return SM_OK;
    if (pool && n > 1) return sm_pool_run(pool, n, fn, arg);
    for (int i = 0; i < n; i++) SM_TRY(fn(arg, i));
    return SM_OK;
}

static int cmp_entry(const void *a, const void *b) {
    return strcmp(((const ds_entry *)a)->path, ((const ds_entry *)b)->path);
}

static char *strip_scheme_abs(const char *p) {
    if (strncmp(p, "file://", 7) == 0) p += 7;
    else if (strncmp(p, "file:", 5) == 0) p += 5;
    return sm_fs_abspath(p);
}

/* Roots and top-level files from the user's paths. */
static int resolve_inputs(const char *const *paths, int npaths, const char *base_abs, ds_vec *roots,
                          ds_vec *files, char ***bases, int *nbases) {
    int rc = SM_OK;
    int cap = 0;
    for (int i = 0; i < npaths && rc == SM_OK; i++) {
        if (!paths[i] || !paths[i][0])
            return sm_err(SM_INVALID, "an input path is empty: pass a file, directory or glob");
        char *abs = strip_scheme_abs(paths[i]);
        if (!abs) return sm_errcode() ? sm_errcode() : SM_NOMEM;
        char **matches = NULL;
        size_t nm = 0;
        glob_t g;
        bool globbed = false;
        if (strpbrk(abs, "*?[{")) {
            int grc = glob(abs, GLOB_BRACE, NULL, &g);
            if (grc == 0 && g.gl_pathc > 0) {
                globbed = true;
                matches = g.gl_pathv;
                nm = g.gl_pathc;
            } else if (grc == 0 || grc == GLOB_NOMATCH) {
                globfree(&g);
            } else {
                sm_free(abs);
                return sm_err(grc == GLOB_NOSPACE ? SM_NOMEM : SM_IO, "cannot expand glob %s", paths[i]);
            }
        }
        char *one[1] = {abs};
        if (!globbed) { matches = one; nm = 1; }
        for (size_t k = 0; k < nm && rc == SM_OK; k++) {
            struct stat st;
            if (stat(matches[k], &st) != 0) {
                if (globbed) continue;
                rc = sm_err(SM_NOT_FOUND, "[PATH_NOT_FOUND] Path does not exist: file:%s.", matches[k]);
                break;
            }
            char *m = sm_fs_abspath(matches[k]);
            if (!m) { rc = SM_NOMEM; break; }
            /* the base path of this root: basePath, or the directory itself
             * (a file's parent) */
            char *base;
            if (base_abs) {
                size_t bl = strlen(base_abs);
                if (strncmp(m, base_abs, bl) != 0 || (m[bl] != '/' && m[bl] != 0 && bl > 1)) {
                    rc = sm_err(SM_INVALID,
                                "Wrong basePath %s for the root path: %s; basePath must be a "
                                "directory above every input path",
                                base_abs, m);
                    sm_free(m);
                    break;
                }
                base = sm_strdup(base_abs);
            } else if (S_ISDIR(st.st_mode)) {
                base = sm_strdup(m);
            } else {
                base = sm_strdup(m);
                if (base) {
                    char *sl = strrchr(base, '/');
                    if (sl && sl != base) *sl = 0;
                    else if (sl) sl[1] = 0;
                }
            }
            if (!base) { sm_free(m); rc = SM_NOMEM; break; }
            if (*nbases == cap) {
                cap = cap ? cap * 2 : 8;
                char **nb = sm_realloc(*bases, (size_t)cap * sizeof *nb);
                if (!nb) { sm_free(m); sm_free(base); rc = SM_NOMEM; break; }
                *bases = nb;
            }
            (*bases)[*nbases] = base;
            int root = (*nbases)++;
            if (S_ISDIR(st.st_mode)) rc = ds_push(roots, m, root);
            else if (S_ISREG(st.st_mode)) rc = ds_push(files, m, root);
            else sm_free(m);
        }
        if (globbed) globfree(&g);
        sm_free(abs);
    }
    if (rc == SM_NOMEM && sm_errcode() != SM_NOMEM) sm_err(SM_NOMEM, "out of memory listing input files");
    return rc;
}

/* Parses the directory `rel` (relative to its base, "" for the base) into
 * names[]/raw[] from the leaf upwards, as Spark does; results in path order. */
static int parse_dir(const char *rel, char ***names_out, char ***raw_out, int *n_out) {
    int cap = 4, n = 0;
    char **names = sm_calloc((size_t)cap, sizeof *names), **raw = sm_calloc((size_t)cap, sizeof *raw);
    int rc = (!names || !raw) ? SM_NOMEM : SM_OK;
    size_t len = strlen(rel);
    size_t end = len;
    while (rc == SM_OK && end > 0) {
        size_t start = end;
        while (start > 0 && rel[start - 1] != '/') start--;
        const char *comp = rel + start;
        size_t clen = end - start;
        const char *eq = memchr(comp, '=', clen);
        if (!eq) {
            if (n > 0) break; /* a plain directory above the partitions: stop */
        } else {
            if (eq == comp) {
                rc = sm_err(SM_ANALYSIS, "Empty partition column name in '%.*s'", (int)clen, comp);
                break;
            }
            if (n == cap) {
                cap *= 2;
                char **a = sm_realloc(names, (size_t)cap * sizeof *a);
                if (a) names = a;
                char **b = a ? sm_realloc(raw, (size_t)cap * sizeof *b) : NULL;
                if (b) raw = b;
                if (!a || !b) { rc = SM_NOMEM; break; }
            }
            sm_buf nb = {0};
            if (fs_unescape_path_name(comp, (int32_t)(eq - comp), &nb)) { rc = SM_NOMEM; break; }
            names[n] = sm_buf_cstr(&nb) ? nb.data : NULL;
            const char *v = eq + 1;
            size_t vlen = clen - (size_t)(v - comp);
            if (vlen == strlen(FS_DEFAULT_PARTITION) && !memcmp(v, FS_DEFAULT_PARTITION, vlen)) raw[n] = NULL;
            else if (!(raw[n] = sm_strndup(v, vlen))) rc = SM_NOMEM;
            if (!names[n]) rc = SM_NOMEM;
            n++;
        }
        end = start > 0 ? start - 1 : 0;
    }
    /* reverse into path order */
    for (int i = 0; i < n / 2; i++) {
        char *t = names[i]; names[i] = names[n - 1 - i]; names[n - 1 - i] = t;
        t = raw[i]; raw[i] = raw[n - 1 - i]; raw[n - 1 - i] = t;
    }
    if (rc != SM_OK) {
        for (int i = 0; i < n; i++) { sm_free(names[i]); sm_free(raw[i]); }
        sm_free(names);
        sm_free(raw);
        return rc;
    }
    *names_out = names;
    *raw_out = raw;
    *n_out = n;
    return SM_OK;
}

typedef struct {
    const char *rel; /* relative dir (points into a file path or a literal) */
    size_t rel_len;
    int file;
} dir_key;

static int cmp_dir_key(const void *a, const void *b) {
    const dir_key *x = a, *y = b;
    size_t n = x->rel_len < y->rel_len ? x->rel_len : y->rel_len;
    int c = memcmp(x->rel, y->rel, n);
    if (c) return c;
    return x->rel_len < y->rel_len ? -1 : x->rel_len > y->rel_len;
}

static int conflict(const fs_dataset *d, char **names, int n, const char *dir) {
    sm_buf a = {0}, b = {0};
    for (int i = 0; i < d->ncols; i++) sm_buf_appendf(&a, "%s%s", i ? ", " : "", d->names[i]);
    for (int i = 0; i < n; i++) sm_buf_appendf(&b, "%s%s", i ? ", " : "", names[i]);
    int rc = sm_err(SM_ANALYSIS,
                    "Conflicting partition column names detected:\n\n\tPartition column name list "
                    "#0: %s\n\tPartition column name list #1: %s\n\nFor partitioned table "
                    "directories, data files should only live in leaf directories.\nAnd directories "
                    "at the same level should have the same partition column name.\nPlease check "
                    "the directory '%s' for unexpected files or inconsistent partition column names.",
                    sm_buf_cstr(&a) ? a.data : "", sm_buf_cstr(&b) ? b.data : "", dir);
    sm_buf_free(&a);
    sm_buf_free(&b);
    return rc;
}

void fs_dataset_free(fs_dataset *d) {
    if (!d) return;
    for (int i = 0; i < d->nfiles; i++) sm_free(d->files[i].path);
    sm_free(d->files);
    for (int p = 0; p < d->nparts; p++) {
        for (int c = 0; c < d->ncols; c++) sm_free(d->parts[p].raw[c]);
        sm_free(d->parts[p].raw);
        sm_free(d->parts[p].dir);
    }
    sm_free(d->parts);
    for (int c = 0; c < d->ncols; c++) sm_free(d->names[c]);
    sm_free(d->names);
    memset(d, 0, sizeof *d);
}

int fs_dataset_list(const char *const *paths, int npaths, const char *base_path, sm_pool *pool,
                    fs_dataset *out) {
    memset(out, 0, sizeof *out);
    if (npaths <= 0) return sm_err(SM_INVALID, "no input path given: pass at least one file, directory or glob");
    ds_vec roots = {0}, files = {0};
    char **bases = NULL;
    int nbases = 0, rc = SM_OK;
    char *base_abs = NULL;
    if (base_path && *base_path) {
        base_abs = strip_scheme_abs(base_path);
        if (!base_abs) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    }
    rc = resolve_inputs(paths, npaths, base_abs, &roots, &files, &bases, &nbases);
    sm_free(base_abs);

    /* level-by-level parallel listing */
    ds_vec level = roots;
    roots = (ds_vec){0};
    while (rc == SM_OK && level.n > 0) {
        level_job job = {level.v, sm_calloc((size_t)level.n, sizeof(ds_vec)),
                         sm_calloc((size_t)level.n, sizeof(ds_vec))};
        if (!job.subdirs || !job.files) rc = sm_err(SM_NOMEM, "out of memory listing input files");
        if (rc == SM_OK) rc = run_tasks(pool, level.n, list_dir_task, &job);
        ds_vec next = {0};
        for (int i = 0; job.subdirs && job.files && i < level.n; i++) {
            for (int k = 0; k < job.subdirs[i].n; k++) {
                if (rc == SM_OK) {
                    if (ds_push(&next, job.subdirs[i].v[k].path, job.subdirs[i].v[k].root) == SM_OK) continue;
                } else {
                    sm_free(job.subdirs[i].v[k].path);
                }
                if (rc == SM_OK) rc = sm_err(SM_NOMEM, "out of memory listing input files");
            }
            for (int k = 0; k < job.files[i].n; k++) {
                if (rc == SM_OK) {
                    if (ds_push(&files, job.files[i].v[k].path, job.files[i].v[k].root) == SM_OK) continue;
                } else {
                    sm_free(job.files[i].v[k].path);
                }
                if (rc == SM_OK) rc = sm_err(SM_NOMEM, "out of memory listing input files");
            }
            sm_free(job.subdirs[i].v);
            sm_free(job.files[i].v);
        }
        sm_free(job.subdirs);
        sm_free(job.files);
        ds_vec_free(&level);
        level = next;
    }
    ds_vec_free(&level);

    /* sizes, in parallel */
    int64_t *sizes = NULL;
    if (rc == SM_OK && files.n > 0) {
        qsort(files.v, (size_t)files.n, sizeof *files.v, cmp_entry);
        /* duplicates (overlapping inputs) */
        int w = 1;
        for (int r = 1; r < files.n; r++) {
            if (strcmp(files.v[r].path, files.v[w - 1].path) == 0) sm_free(files.v[r].path);
            else files.v[w++] = files.v[r];
        }
        files.n = w;
        sizes = sm_malloc((size_t)files.n * sizeof *sizes);
        if (!sizes) rc = sm_err(SM_NOMEM, "out of memory listing input files");
        stat_job sj = {files.v, sizes, files.n};
        if (rc == SM_OK) rc = run_tasks(pool, (files.n + STAT_CHUNK - 1) / STAT_CHUNK, stat_task, &sj);
    }

    /* partitions: one per distinct directory relative to its base */
    dir_key *keys = NULL;
    if (rc == SM_OK && files.n > 0) {
        out->files = sm_calloc((size_t)files.n, sizeof *out->files);
        keys = sm_malloc((size_t)files.n * sizeof *keys);
        if (!out->files || !keys) rc = sm_err(SM_NOMEM, "out of memory listing input files");
    }
    int nk = 0;
    for (int i = 0; rc == SM_OK && i < files.n; i++) {
        if (sizes[i] < 0) continue; /* vanished or not a regular file */
        const char *p = files.v[i].path;
        const char *base = bases[files.v[i].root];
        size_t bl = strlen(base);
        const char *slash = strrchr(p, '/');
        const char *rel = p + bl;
        while (*rel == '/') rel++;
        size_t rl = slash && slash >= rel ? (size_t)(slash - rel) : 0;
        if (strncmp(p, base, bl) != 0) rl = 0;
        keys[nk++] = (dir_key){rel, rl, i};
    }
    if (rc == SM_OK && nk > 0) qsort(keys, (size_t)nk, sizeof *keys, cmp_dir_key);
    int cap = 0;
    for (int k = 0; rc == SM_OK && k < nk; k++) {
        if (k == 0 || cmp_dir_key(&keys[k], &keys[k - 1]) != 0) {
            char *rel = sm_strndup(keys[k].rel, keys[k].rel_len);
            char **names = NULL, **raw = NULL;
            int n = 0;
            if (!rel) { rc = SM_NOMEM; break; }
            rc = parse_dir(rel, &names, &raw, &n);
            if (rc) { sm_free(rel); break; }
            if (out->nparts == 0) {
                out->ncols = n;
                out->names = names;
                names = NULL;
            } else {
                bool same = n == out->ncols;
                for (int c = 0; same && c < n; c++) same = strcmp(names[c], out->names[c]) == 0;
                if (!same) rc = conflict(out, names, n, rel);
                for (int c = 0; c < n; c++) sm_free(names[c]);
                sm_free(names);
                if (rc) {
                    for (int c = 0; c < n; c++) sm_free(raw[c]);
                    sm_free(raw);
                    sm_free(rel);
                    break;
                }
            }
            if (out->nparts == cap) {
                cap = cap ? cap * 2 : 16;
                fs_dataset_part *np = sm_realloc(out->parts, (size_t)cap * sizeof *np);
                if (!np) {
                    for (int c = 0; c < n; c++) sm_free(raw[c]);
                    sm_free(raw);
                    sm_free(rel);
                    rc = SM_NOMEM;
                    break;
                }
                out->parts = np;
            }
            out->parts[out->nparts].dir = rel;
            out->parts[out->nparts].raw = raw;
            out->nparts++;
        }
        int i = keys[k].file;
        out->files[i].path = files.v[i].path;
        files.v[i].path = NULL;
        out->files[i].size = sizes[i];
        out->files[i].part = out->nparts - 1;
    }
    /* compact files (drop vanished) in path order */
    if (rc == SM_OK) {
        int w = 0;
        for (int i = 0; i < files.n; i++)
            if (out->files && out->files[i].path) out->files[w++] = out->files[i];
        out->nfiles = w;
        if (out->ncols == 0) {
            /* not partitioned: no partition table */
            for (int p = 0; p < out->nparts; p++) { sm_free(out->parts[p].dir); sm_free(out->parts[p].raw); }
            sm_free(out->parts);
            out->parts = NULL;
            out->nparts = 0;
            for (int i = 0; i < out->nfiles; i++) out->files[i].part = -1;
        }
    } else {
        out->nfiles = files.n;
    }
    sm_free(keys);
    sm_free(sizes);
    ds_vec_free(&files);
    for (int i = 0; i < nbases; i++) sm_free(bases[i]);
    sm_free(bases);
    if (rc != SM_OK) {
        if (rc == SM_NOMEM && sm_errcode() != SM_NOMEM) sm_err(SM_NOMEM, "out of memory listing input files");
        if (!out->files) out->nfiles = 0;
        fs_dataset_free(out);
    }
    return rc;
}
