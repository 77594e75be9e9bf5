/*
 * checkpoint.c — `smelt run --checkpoint DIR [--resume]`: a job's stages
 * kept in a directory so that a failed run continues where it stopped, on
 * any number of ranks (docs/mpi.md, "Checkpoints and retries").
 *
 * What a stage is.  A job's steps are lazy DataFrames; only sinks run.  A
 * *stage* here is a step whose result ends at a shuffle — join, group_by,
 * agg, distinct, drop_duplicates, intersect, except — the points where
 * Spark ends a stage and where rows move between ranks: recomputing such a
 * step costs its whole input and an exchange, while the narrow steps
 * between stages are streamed and cheap to run again.  `checkpoint: false`
 * on a step leaves it out, `checkpoint: true` adds a narrow one (an
 * expensive select, a sql: step).  order_by, limit and offset are never
 * stages: a dataset read back in splits over a different number of ranks
 * keeps no global order.  A stage whose result has two columns of one name
 * (a join on an expression) or an interval column is not kept: a Parquet
 * file cannot hold it.
 *
 * Running.  Sinks run in order, as without checkpoints.  Before a sink,
 * the stages its input needs are made ready, depth first: a stage whose
 * fingerprint is in the manifest is read back from DIR (its walk stops
 * there: what it was computed from is not needed); otherwise its inputs are
 * made ready, it is built again over them when one of them was replaced,
 * written to DIR as Parquet (each rank writes its part files into a
 * staging directory and rank 0 commits, as any output) and read back, and
 * every reader of the node uses the read-back DataFrame.  Read back, a
 * stage's files are split over however many ranks run now.  After a sink
 * commits it is recorded; on --resume a recorded sink whose output still
 * exists is not written again (an append sink is not appended twice).
 *
 * Fingerprints (64+64-bit FNV-1a, hex): of a node, its name, its YAML
 * definition with ${args} substituted, the smelt version and a few session
 * settings (time zone, ANSI mode, case sensitivity), its inputs'
 * fingerprints; of a file source, every input file's path, size and
 * modification time; of a sql: node, also the nodes it names (its views).
 * A change anywhere upstream changes every fingerprint below it.
 *
 * The manifest (DIR/_manifest, text, rewritten whole through a temporary
 * file and rename by rank 0 after each stage or sink):
 *     smelt-checkpoint 1
 *     version 0.1.0
 *     job NAME
 *     stage FP DIRNAME NAME      (tab-separated; one per checkpointed stage)
 *     sink FP NAME               (one per committed sink)
 * Rank 0 reads it and shares the text with the other ranks, so every rank
 * decides the same.  A manifest from another version or job, or a stage
 * whose fingerprint differs, is ignored with a message; a manifest that
 * cannot be read, or a recorded stage whose directory has no _SUCCESS or
 * cannot be read back, is an error naming the file.
 *
 * Test hook: SMELT_TEST_KILL_STAGE=NAME (with SMELT_TEST_KILL_STAGE_RANK=R,
 * default 0) makes rank R kill itself with SIGKILL when stage NAME starts
 * to be computed, on a run without --resume (tests/mpi/run_checkpoint.sh).
 *
 * Memory: the checkpoint state is sm_malloc'ed and freed by job_ckpt_close;
 * strings it hands to the job's nodes live in the job's arena.  One thread.
 * The readiness walk recurses once per step of a chain (jobs have at most
 * hundreds of steps).
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "job/job_internal.h"

#define CK_MANIFEST "_manifest"
#define CK_MAGIC "smelt-checkpoint 1"

typedef struct {
    bool sink;       /* else a stage */
    char fp[33];
    char *dir;       /* stage: directory name inside DIR */
    char *name;
} ck_entry;

typedef enum { CK_NO, CK_YES, CK_DEFAULT } ck_flag;

struct job_ckpt {
    job *j;
    const job_run_opts *o;
    FILE *log;
    const char *dir;
    const char *version;
    bool resume;
    int rank;
    ck_entry *e;     /* the manifest's entries, in order */
    int ne, cap;
    char (*fp)[33];  /* per node; "" = not computed yet */
    char (*sfp)[33]; /* per sink */
    bool *stage;     /* per node: a stage */
    bool *ready;     /* per node: walked */
    bool *replaced;  /* per node: its DataFrame now reads a checkpoint (or one upstream) */
    int *walk;       /* per node: 0 new, 1 on the stack (fingerprints), 2 done */
};

static double ck_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- fingerprints ------------------------------------------------------------------ */

typedef struct {
    uint64_t a, b;
} ck_hash;

static void ck_feed(ck_hash *h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h->a = (h->a ^ s[i]) * 0x100000001b3ULL;
        h->b = (h->b ^ s[i]) * 0x100000001b3ULL;
        h->b ^= h->b >> 29;
    }
}

static void ck_str(ck_hash *h, const char *s) {
    if (!s) s = "\x01(null)";
    ck_feed(h, s, strlen(s) + 1); /* the NUL separates fields */
}

static void ck_int(ck_hash *h, int64_t v) {
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    ck_str(h, b);
}

static void ck_hex(const ck_hash *h, char out[33]) {
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h->a, (unsigned long long)h->b);
}

static ck_hash ck_start(void) {
    return (ck_hash){0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
}

/* A scalar's text with ${NAME} replaced as job_check does (an unknown name
 * stays as written: job_check reported it already). */
static void ck_scalar(job *j, ck_hash *h, const char *s) {
    sm_buf b = {0};
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') { sm_buf_append(&b, "${", 2); p += 3; continue; }
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (end) {
                size_t len = (size_t)(end - p - 2);
                for (int i = 0; i < j->nargs; i++)
                    if (strlen(j->args[i].name) == len && !strncmp(j->args[i].name, p + 2, len) &&
                        j->args[i].value) {
                        sm_buf_append(&b, j->args[i].value, strlen(j->args[i].value));
                        p = end + 1;
                        goto next;
                    }
            }
        }
        sm_buf_putc(&b, *p++);
    next:;
    }
    ck_str(h, b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
}

static void ck_tree(job *j, ck_hash *h, const jy_node *n, int depth) {
    if (!n || depth > 64) { ck_str(h, "~"); return; }
    switch (n->kind) {
    case JY_SCALAR:
        ck_str(h, "s");
        ck_scalar(j, h, n->str);
        break;
    case JY_MAP:
        ck_str(h, "m");
        ck_int(h, n->n);
        for (int i = 0; i < n->n; i++) {
            if (!strcmp(n->keys[i]->str, "description") || !strcmp(n->keys[i]->str, "checkpoint"))
                continue; /* no effect on the rows */
            ck_scalar(j, h, n->keys[i]->str);
            ck_tree(j, h, n->items[i], depth + 1);
        }
        break;
    case JY_SEQ:
        ck_str(h, "l");
        ck_int(h, n->n);
        for (int i = 0; i < n->n; i++) ck_tree(j, h, n->items[i], depth + 1);
        break;
    }
}

static void ck_file(ck_hash *h, const char *path, int depth) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        ck_str(h, path);
        ck_str(h, "missing");
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        if (depth > 8) return;
        struct dirent **names = NULL;
        int n = scandir(path, &names, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            const char *e = names[i]->d_name;
            if (e[0] != '.' && e[0] != '_') {
                size_t len = strlen(path) + strlen(e) + 2;
                char *p = sm_malloc(len);
                if (p) {
                    snprintf(p, len, "%s/%s", path, e);
                    ck_file(h, p, depth + 1);
                    sm_free(p);
                }
            }
            free(names[i]);
        }
        free(names);
        return;
    }
    ck_str(h, path);
    ck_int(h, (int64_t)sb.st_size);
    ck_int(h, (int64_t)sb.st_mtim.tv_sec);
    ck_int(h, (int64_t)sb.st_mtim.tv_nsec);
}

/* Whether a sql: node's text names node m (as a word). */
static bool ck_names(const char *text, const char *name) {
    size_t len = strlen(name);
    if (!text || !len) return false;
    for (const char *p = strcasestr(text, name); p; p = strcasestr(p + 1, name)) {
        char before = p == text ? ' ' : p[-1], after = p[len];
        bool wb = !(before == '_' || (before >= '0' && before <= '9') ||
                    ((before | 32) >= 'a' && (before | 32) <= 'z'));
        bool wa = !(after == '_' || (after >= '0' && after <= '9') ||
                    ((after | 32) >= 'a' && (after | 32) <= 'z'));
        if (wb && wa) return true;
    }
    return false;
}

static bool ck_is_sql(const job_node *n) {
    return n->kind == JOB_SRC_SQL || (n->kind == JOB_STEP && n->op == OP_SQL);
}

/* The nodes node i reads: its references, and for sql: the nodes before it
 * that its text names. */
static int ck_deps(job *j, int i, int *out, int cap) {
    job_node *n = &j->nodes[i];
    int k = 0;
    for (int r = 0; r < n->nrefs && k < cap; r++)
        if (n->refs[r].node >= 0) out[k++] = n->refs[r].node;
    if (ck_is_sql(n))
        for (int m = 0; m < i && k < cap; m++)
            if (ck_names(n->text, j->nodes[m].name)) out[k++] = m;
    return k;
}

static const char *ck_node_fp(job_ckpt *c, int i) {
    job *j = c->j;
    if (c->fp[i][0]) return c->fp[i];
    if (c->walk[i] == 1) return "cycle"; /* a name a sql: text mentions by chance */
    c->walk[i] = 1;
    job_node *n = &j->nodes[i];
    ck_hash h = ck_start();
    ck_str(&h, "node");
    ck_str(&h, c->version);
    static const char *const settings[] = {"spark.sql.session.timeZone", "spark.sql.ansi.enabled",
                                           "spark.sql.caseSensitive", NULL};
    for (int s = 0; settings[s]; s++) ck_str(&h, sm_session_get(j->session, settings[s]));
    ck_str(&h, n->name);
    ck_int(&h, n->kind);
    ck_tree(j, &h, n->def, 0);
    if (n->kind == JOB_SRC_FILE)
        for (int p = 0; p < n->paths.n; p++) {
            glob_t g;
            if (glob(n->paths.s[p], 0, NULL, &g) == 0) {
                for (size_t q = 0; q < g.gl_pathc; q++) ck_file(&h, g.gl_pathv[q], 0);
                globfree(&g);
            } else {
                ck_file(&h, n->paths.s[p], 0);
            }
        }
    int deps[256];
    int nd = ck_deps(j, i, deps, 256);
    for (int d = 0; d < nd; d++) ck_str(&h, ck_node_fp(c, deps[d]));
    ck_hex(&h, c->fp[i]);
    c->walk[i] = 2;
    return c->fp[i];
}

static const char *ck_sink_fp(job_ckpt *c, int s) {
    if (c->sfp[s][0]) return c->sfp[s];
    job_sink *k = &c->j->sinks[s];
    ck_hash h = ck_start();
    ck_str(&h, "sink");
    ck_str(&h, c->version);
    ck_str(&h, k->name);
    ck_tree(c->j, &h, k->at, 0);
    ck_str(&h, k->input.node >= 0 ? ck_node_fp(c, k->input.node) : "-");
    ck_hex(&h, c->sfp[s]);
    return c->sfp[s];
}

/* ---- the manifest ---------------------------------------------------------------------- */

static char *ck_path(job_ckpt *c, const char *name) {
    return sm_arena_printf(c->j->arena, "%s/%s", c->dir, name);
}

static int ck_add(job_ckpt *c, bool sink, const char *fp, const char *dir, const char *name) {
    if (c->ne == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        ck_entry *e = sm_malloc(sizeof *e * (size_t)cap);
        if (!e) return SM_NOMEM;
        if (c->ne) memcpy(e, c->e, sizeof *e * (size_t)c->ne);
        sm_free(c->e);
        c->e = e;
        c->cap = cap;
    }
    ck_entry *e = &c->e[c->ne];
    e->sink = sink;
    snprintf(e->fp, sizeof e->fp, "%s", fp);
    e->dir = dir ? sm_arena_strdup(c->j->arena, dir) : NULL;
    e->name = sm_arena_strdup(c->j->arena, name);
    if ((dir && !e->dir) || !e->name) return SM_NOMEM;
    c->ne++;
    return SM_OK;
}

static const ck_entry *ck_find(const job_ckpt *c, bool sink, const char *fp) {
    for (int i = c->ne - 1; i >= 0; i--)
        if (c->e[i].sink == sink && !strcmp(c->e[i].fp, fp)) return &c->e[i];
    return NULL;
}

static const ck_entry *ck_find_name(const job_ckpt *c, bool sink, const char *name) {
    for (int i = c->ne - 1; i >= 0; i--)
        if (c->e[i].sink == sink && !strcmp(c->e[i].name, name)) return &c->e[i];
    return NULL;
}

/* Names go last on their line: tabs and line breaks become spaces. */
static void ck_put_name(FILE *f, const char *s) {
    for (; *s; s++) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc('\n', f);
}

/* Rank 0 writes the manifest whole: a temporary file, then rename. */
static int ck_save(job_ckpt *c) {
    if (c->rank != 0) return SM_OK;
    char *tmp = ck_path(c, CK_MANIFEST ".tmp"), *dst = ck_path(c, CK_MANIFEST);
    if (!tmp || !dst) return SM_NOMEM;
    FILE *f = fopen(tmp, "w");
    if (!f) return sm_err(SM_IO, "checkpoint: cannot write %s: %s", tmp, strerror(errno));
    fprintf(f, CK_MAGIC "\nversion\t%s\njob\t", c->version);
    ck_put_name(f, job_name(c->j));
    for (int i = 0; i < c->ne; i++) {
        const ck_entry *e = &c->e[i];
        if (e->sink) fprintf(f, "sink\t%s\t", e->fp);
        else fprintf(f, "stage\t%s\t%s\t", e->fp, e->dir);
        ck_put_name(f, e->name);
    }
    bool bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, dst) != 0) {
        int err = errno;
        unlink(tmp);
        return sm_err(SM_IO, "checkpoint: cannot write %s: %s", dst, strerror(err));
    }
    return SM_OK;
}

static bool ck_is_fp(const char *s) {
    if (strlen(s) != 32) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return false;
    return true;
}

/* Parses the manifest text.  SM_OK with *ignore set (and a message logged)
 * for another version's or job's manifest; SM_INVALID (a diagnostic naming
 * the file and line) when it is not a manifest. */
static int ck_parse(job_ckpt *c, char *text, const char *path, bool *ignore) {
    job *j = c->j;
    int line = 0;
    char *save = NULL;
    bool magic = false;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        if (line == 1) {
            if (strcmp(l, CK_MAGIC)) break;
            magic = true;
            continue;
        }
        char *f[5] = {0};
        int nf = 0;
        for (char *p = l; p && nf < 5;) {
            f[nf++] = p;
            char *t = nf < 4 ? strchr(p, '\t') : NULL; /* the name (last) may hold anything */
            if (t) *t++ = 0;
            p = t;
        }
        if (nf == 2 && !strcmp(f[0], "version")) {
            if (strcmp(f[1], c->version)) {
                if (c->log)
                    fprintf(c->log, "checkpoint %s was made by smelt %s, this is %s: ignored, "
                                    "running from the start\n", c->dir, f[1], c->version);
                *ignore = true;
                return SM_OK;
            }
            continue;
        }
        if (nf == 2 && !strcmp(f[0], "job")) {
            if (strcmp(f[1], job_name(j))) {
                if (c->log)
                    fprintf(c->log, "checkpoint %s belongs to job '%s', not '%s': ignored, "
                                    "running from the start\n", c->dir, f[1], job_name(j));
                *ignore = true;
                return SM_OK;
            }
            continue;
        }
        /* stage FP DIR NAME | sink FP NAME (the name may hold tabs no more) */
        if (nf == 3 && !strcmp(f[0], "sink") && ck_is_fp(f[1])) {
            if (ck_add(c, true, f[1], NULL, f[2]) != SM_OK) return SM_NOMEM;
            continue;
        }
        if (nf == 4 && !strcmp(f[0], "stage") && ck_is_fp(f[1]) && f[2][0] && !strchr(f[2], '/') &&
            strcmp(f[2], "..") && strcmp(f[2], ".")) {
            if (ck_add(c, false, f[1], f[2], f[3]) != SM_OK) return SM_NOMEM;
            continue;
        }
        return job_diagf(j, NULL, "checkpoint %s: line %d is not a manifest entry (the file is "
                                  "corrupt); remove %s to start over, or run without --resume",
                         path, line, c->dir);
    }
    if (!magic)
        return job_diagf(j, NULL, "checkpoint %s: not a smelt checkpoint manifest (its first line "
                                  "is not '" CK_MAGIC "'); remove %s to start over, or run without "
                                  "--resume", path, c->dir);
    return SM_OK;
}

static char *ck_read_file(const char *path, bool *missing) {
    FILE *f = fopen(path, "rb");
    if (!f) { *missing = errno == ENOENT; return NULL; }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *b = realloc(buf, cap * 2);
        if (!b) { free(buf); buf = NULL; break; }
        buf = b;
        cap *= 2;
    }
    bool err = ferror(f);
    fclose(f);
    if (!buf || err) { free(buf); return NULL; }
    buf[n] = 0;
    return buf;
}

/* mkdir -p: 0, or -1 with errno. */
static int ck_mkdirs(const char *dir) {
    size_t n = strlen(dir);
    char *p = sm_malloc(n + 1);
    if (!p) { errno = ENOMEM; return -1; }
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != 0) continue;
        char ch = p[i];
        p[i] = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) { sm_free(p); return -1; }
        p[i] = ch;
    }
    sm_free(p);
    return 0;
}

/* ---- stages ------------------------------------------------------------------------------ */

static bool ck_wide(job_op op) {
    switch (op) {
    case OP_JOIN: case OP_GROUP_BY: case OP_AGG: case OP_DISTINCT: case OP_DROP_DUPLICATES:
    case OP_INTERSECT: case OP_INTERSECT_ALL: case OP_EXCEPT: case OP_EXCEPT_ALL:
        return true;
    default:
        return false;
    }
}

/* The step's checkpoint: key (a diagnostic for a value that is not a
 * boolean, or true on an ordered step). */
static int ck_step_flag(job *j, job_node *n, ck_flag *out) {
    *out = CK_DEFAULT;
    jy_node *v = n->kind == JOB_STEP ? jy_get(n->def, "checkpoint") : NULL;
    if (!v) return SM_OK;
    const char *s = v->kind == JY_SCALAR ? v->str : "";
    if (!strcasecmp(s, "true") || !strcasecmp(s, "yes")) *out = CK_YES;
    else if (!strcasecmp(s, "false") || !strcasecmp(s, "no")) *out = CK_NO;
    else
        return job_diagf(j, v, "step '%s': checkpoint takes true or false, not '%s'", n->name,
                         v->kind == JY_SCALAR ? s : "a list or map");
    if (*out == CK_YES && (n->op == OP_ORDER_BY || n->op == OP_LIMIT || n->op == OP_OFFSET))
        return job_diagf(j, v, "step '%s': a %s step cannot be checkpointed: read back in splits "
                               "over the ranks, its rows would lose their order; checkpoint the "
                               "step before it", n->name, n->op_name);
    return SM_OK;
}

static char *ck_dirname(job_ckpt *c, const job_node *n, const char *fp) {
    sm_buf b = {0};
    for (const char *p = n->name; *p && b.len < 48; p++) {
        char ch = *p;
        bool ok = (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z') || ch == '-' ||
                  ch == '_';
        sm_buf_putc(&b, ok ? ch : '_');
    }
    sm_buf_appendf(&b, "-%.16s", fp);
    char *s = sm_arena_strdup(c->j->arena, sm_buf_cstr(&b));
    sm_buf_free(&b);
    return s;
}

/* The read-back DataFrame with the stage's column types (a type Parquet
 * stores as a wider one comes back cast). */
static sm_dataframe *ck_read_back(job_ckpt *c, job_node *n, sm_dataframe *like, const char *path) {
    sm_dataframe *df = sm_read_parquet(c->j->session, path, NULL, NULL);
    if (!df || !like) return df;
    int nc = sm_df_num_columns(like);
    if (sm_df_num_columns(df) != nc) {
        sm_err(SM_INVALID, "it has %d columns, the step %d", sm_df_num_columns(df), nc);
        return NULL;
    }
    bool same = true;
    for (int i = 0; i < nc && same; i++)
        same = !strcmp(sm_df_column_name(df, i), sm_df_column_name(like, i)) &&
               !strcmp(sm_df_column_type(df, i), sm_df_column_type(like, i));
    if (same) return df;
    const char **items = sm_arena_alloc(c->j->arena, sizeof(char *) * (size_t)(nc + 1));
    if (!items) return NULL;
    for (int i = 0; i < nc; i++) {
        sm_buf b = {0};
        sm_buf_append(&b, "CAST(`", 6);
        for (const char *p = sm_df_column_name(df, i); *p; p++) {
            if (*p == '`') sm_buf_putc(&b, '`');
            sm_buf_putc(&b, *p);
        }
        sm_buf_appendf(&b, "` AS %s) AS `", sm_df_column_type(like, i));
        for (const char *p = sm_df_column_name(like, i); *p; p++) {
            if (*p == '`') sm_buf_putc(&b, '`');
            sm_buf_putc(&b, *p);
        }
        sm_buf_putc(&b, '`');
        items[i] = sm_arena_strdup(c->j->arena, sm_buf_cstr(&b));
        sm_buf_free(&b);
        if (!items[i]) return NULL;
    }
    (void)n;
    return sm_df_select_expr(df, nc, items);
}

static int ck_use(job_ckpt *c, job_node *n, sm_dataframe *df) {
    n->df = df;
    if (sm_df_create_or_replace_temp_view(df, n->name) != SM_OK)
        return job_diagf(c->j, n->name_at, "step '%s': registering its view: %s", n->name,
                         sm_last_error());
    return SM_OK;
}

static bool ck_dup_columns(const sm_dataframe *df, const char **which) {
    int nc = sm_df_num_columns(df);
    for (int a = 0; a < nc; a++)
        for (int b = a + 1; b < nc; b++)
            if (!strcasecmp(sm_df_column_name(df, a), sm_df_column_name(df, b))) {
                *which = sm_df_column_name(df, a);
                return true;
            }
    return false;
}

/* Parquet (Spark's too) has no interval type. */
static bool ck_interval_column(const sm_dataframe *df, const char **which) {
    for (int a = 0; a < sm_df_num_columns(df); a++)
        if (strstr(sm_df_column_type(df, a), "interval")) {
            *which = sm_df_column_name(df, a);
            return true;
        }
    return false;
}

static void ck_test_kill(job_ckpt *c, const char *stage) {
    const char *s = getenv("SMELT_TEST_KILL_STAGE");
    if (!s || c->resume || strcmp(s, stage)) return;
    const char *r = getenv("SMELT_TEST_KILL_STAGE_RANK");
    if ((r ? atoi(r) : 0) != c->rank) return;
    if (c->log) fflush(c->log);
    raise(SIGKILL);
}

/* Makes node i's DataFrame reflect the checkpoints: see the top. */
static int ck_ready(job_ckpt *c, int i) {
    job *j = c->j;
    job_node *n = &j->nodes[i];
    if (c->ready[i] || c->walk[i] == 3) return SM_OK;
    if (!n->df) return SM_OK; /* not built: the sink says so */
    const char *fp = ck_node_fp(c, i);
    char *dir = c->stage[i] ? ck_dirname(c, n, fp) : NULL;
    char *path = dir ? ck_path(c, dir) : NULL;
    if (c->stage[i] && (!dir || !path)) return SM_NOMEM;
    if (c->stage[i]) {
        const ck_entry *e = ck_find(c, false, fp);
        if (e) {
            char *success = sm_arena_printf(j->arena, "%s/%s/_SUCCESS", c->dir, e->dir);
            char *epath = ck_path(c, e->dir);
            if (!success || !epath) return SM_NOMEM;
            if (access(success, F_OK) != 0)
                return job_diagf(j, n->name_at, "checkpoint %s: stage '%s' is recorded in %s/"
                                                CK_MANIFEST " but has no _SUCCESS (the checkpoint is "
                                                "corrupt); remove %s to start over, or run without "
                                                "--resume", epath, n->name, c->dir, c->dir);
            sm_dataframe *df = ck_read_back(c, n, n->df, epath);
            if (!df)
                return job_diagf(j, n->name_at, "checkpoint %s: stage '%s' cannot be read back: %s; "
                                                "remove %s to start over, or run without --resume",
                                 epath, n->name, sm_last_error(), c->dir);
            if (c->log) fprintf(c->log, "stage %s: read from the checkpoint, not recomputed (%s)\n",
                                n->name, epath);
            c->ready[i] = c->replaced[i] = true;
            return ck_use(c, n, df);
        }
        const ck_entry *old = c->resume ? ck_find_name(c, false, n->name) : NULL;
        if (old && c->log)
            fprintf(c->log, "stage %s: its checkpoint is from another definition or other input "
                            "(fingerprint differs): ignored, computing it again\n", n->name);
    }
    c->walk[i] = 3; /* on the stack of this walk */
    int deps[256];
    int nd = ck_deps(j, i, deps, 256);
    bool changed = false;
    for (int d = 0; d < nd; d++) {
        int rc = ck_ready(c, deps[d]);
        if (rc != SM_OK) return rc;
        changed |= c->replaced[deps[d]];
    }
    c->walk[i] = 2;
    if (changed) { /* over the inputs read back */
        job_rebuild_node(j, n);
        if (!n->df) return SM_INVALID; /* its diagnostic is recorded */
        c->replaced[i] = true;
    }
    c->ready[i] = true;
    if (!c->stage[i]) return SM_OK;
    const char *dupname = NULL;
    if (ck_dup_columns(n->df, &dupname)) {
        if (c->log)
            fprintf(c->log, "stage %s: not checkpointed: it has two columns named '%s', which a "
                            "file cannot hold (rename one to checkpoint it)\n", n->name, dupname);
        return SM_OK;
    }
    if (ck_interval_column(n->df, &dupname)) {
        if (c->log)
            fprintf(c->log, "stage %s: not checkpointed: its column '%s' is an interval, which "
                            "Parquet cannot hold\n", n->name, dupname);
        return SM_OK;
    }
    ck_test_kill(c, n->name);
    double t0 = ck_now();
    if (c->log) {
        fprintf(c->log, "stage %s ...", n->name);
        fflush(c->log);
    }
    int w = sm_df_write_parquet(n->df, path, "overwrite", NULL);
    if (c->log) fprintf(c->log, " %s %.1f s\n", w == SM_OK ? "checkpointed" : "FAILED", ck_now() - t0);
    if (w != SM_OK)
        return job_diagf(j, n->name_at, "step '%s': writing its checkpoint %s: %s", n->name, path,
                         sm_last_error());
    sm_dataframe *df = ck_read_back(c, n, n->df, path);
    if (!df)
        return job_diagf(j, n->name_at, "step '%s': reading its checkpoint %s back: %s", n->name,
                         path, sm_last_error());
    c->replaced[i] = true;
    int rc = ck_use(c, n, df);
    if (rc == SM_OK) rc = ck_add(c, false, fp, dir, n->name);
    if (rc == SM_OK && (rc = ck_save(c)) == SM_IO)
        return job_diagf(j, n->name_at, "step '%s': %s", n->name, sm_last_error());
    return rc;
}

/* ---- the interface -------------------------------------------------------------------------- */

void job_ckpt_close(job_ckpt *c) {
    if (!c) return;
    sm_free(c->e);
    sm_free(c->fp);
    sm_free(c->sfp);
    sm_free(c->stage);
    sm_free(c->ready);
    sm_free(c->replaced);
    sm_free(c->walk);
    sm_free(c);
}

int job_ckpt_open(job *j, const job_run_opts *o, job_ckpt **out) {
    *out = NULL;
    job_ckpt *c = sm_calloc(1, sizeof *c);
    if (!c) return SM_NOMEM;
    c->j = j;
    c->o = o;
    c->log = o->log;
    c->dir = o->checkpoint;
    c->version = o->version ? o->version : "?";
    c->resume = o->resume;
    c->rank = sm_dist_rank();
    size_t nn = (size_t)j->nnodes + 1, ns = (size_t)j->nsinks + 1;
    c->fp = sm_calloc(nn, sizeof *c->fp);
    c->sfp = sm_calloc(ns, sizeof *c->sfp);
    c->stage = sm_calloc(nn, sizeof *c->stage);
    c->ready = sm_calloc(nn, sizeof *c->ready);
    c->replaced = sm_calloc(nn, sizeof *c->replaced);
    c->walk = sm_calloc(nn, sizeof *c->walk);
    if (!c->fp || !c->sfp || !c->stage || !c->ready || !c->replaced || !c->walk) {
        job_ckpt_close(c);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    int nstages = 0;
    for (int i = 0; i < j->nnodes; i++) {
        job_node *n = &j->nodes[i];
        ck_flag f;
        if (ck_step_flag(j, n, &f) != SM_OK) { rc = SM_INVALID; continue; }
        c->stage[i] = n->kind == JOB_STEP && (f == CK_YES || (f == CK_DEFAULT && ck_wide(n->op)));
        nstages += c->stage[i];
    }
    if (rc != SM_OK) { job_ckpt_close(c); return rc; }
    /* rank 0 makes the directory and reads the manifest; the others get its text */
    char *path = ck_path(c, CK_MANIFEST);
    if (!path) { job_ckpt_close(c); return SM_NOMEM; }
    /* "": start afresh; "\x01": rank 0 failed (its diagnostic says why);
     * "\x02": nothing recorded yet; else the manifest's text */
    char *text = NULL;
    if (c->rank == 0) {
        bool missing = false;
        if (ck_mkdirs(c->dir) != 0) {
            job_diagf(j, NULL, "checkpoint: cannot make the directory %s: %s", c->dir, strerror(errno));
            text = strdup("\x01");
        } else if (c->resume) {
            text = ck_read_file(path, &missing);
            if (!text && missing) {
                text = strdup("\x02");
            } else if (!text) {
                job_diagf(j, NULL, "checkpoint %s: cannot read it: %s", path, strerror(errno));
                text = strdup("\x01");
            } else if (!text[0]) {
                free(text);
                text = strdup("\x03"); /* empty: corrupt */
            }
        } else {
            text = strdup("");
        }
    }
    if (sm_dist_size() > 1) sm_dist_share_text(&text);
    if (!text) { job_ckpt_close(c); return SM_NOMEM; }
    if (text[0] == '\x01') {
        free(text);
        job_ckpt_close(c);
        if (job_ndiags(j) == 0) job_diagf(j, NULL, "checkpoint %s: cannot be read (rank 0 said so)", path);
        return SM_INVALID;
    }
    bool ignore = false;
    if (c->resume && text[0] == '\x02') {
        if (c->log) fprintf(c->log, "checkpoint %s: nothing recorded yet (no %s): running from the "
                                    "start\n", c->dir, CK_MANIFEST);
    } else if (c->resume) {
        rc = ck_parse(c, text, path, &ignore);
        if (ignore) c->ne = 0;
    }
    free(text);
    if (rc != SM_OK) { job_ckpt_close(c); return rc; }
    if (c->log) {
        int st = 0, sk = 0;
        for (int i = 0; i < c->ne; i++) c->e[i].sink ? sk++ : st++;
        if (c->resume && !ignore && c->ne)
            fprintf(c->log, "checkpoint %s: resuming: %d stage%s and %d sink%s recorded "
                            "(this job has %d stage%s)\n", c->dir, st, st == 1 ? "" : "s", sk,
                    sk == 1 ? "" : "s", nstages, nstages == 1 ? "" : "s");
        else if (!c->resume)
            fprintf(c->log, "checkpoint %s: %d stage%s kept there as they complete\n", c->dir,
                    nstages, nstages == 1 ? "" : "s");
    }
    /* a fresh manifest (a resumed one keeps its entries) */
    rc = ck_save(c);
    if (rc != SM_OK) {
        job_diagf(j, NULL, "%s", sm_last_error());
        job_ckpt_close(c);
        return SM_INVALID;
    }
    *out = c;
    return SM_OK;
}

int job_ckpt_before_sink(job_ckpt *c, int s, bool *skip) {
    job *j = c->j;
    job_sink *k = &j->sinks[s];
    *skip = false;
    if (k->bad || k->input.node < 0 || !j->nodes[k->input.node].df) return SM_OK; /* said there */
    const char *fp = ck_sink_fp(c, s);
    if (c->resume && ck_find(c, true, fp)) {
        bool there = true;
        if (k->path) {
            char *success = sm_arena_printf(j->arena, "%s/_SUCCESS", k->path);
            if (!success) return SM_NOMEM;
            there = access(success, F_OK) == 0;
        }
        if (there) {
            if (c->log)
                fprintf(c->log, "sink %s: committed by an earlier attempt, not written again (%s)\n",
                        k->name, k->path ? k->path : k->table);
            *skip = true;
            return SM_OK;
        }
        if (c->log)
            fprintf(c->log, "sink %s: recorded as committed, but %s/_SUCCESS is gone: writing it "
                            "again\n", k->name, k->path);
    }
    int rc = ck_ready(c, k->input.node);
    return rc == SM_NOMEM ? rc : rc != SM_OK ? SM_INVALID : SM_OK;
}

int job_ckpt_sink_done(job_ckpt *c, int s) {
    int rc = ck_add(c, true, ck_sink_fp(c, s), NULL, c->j->sinks[s].name);
    if (rc == SM_OK) rc = ck_save(c);
    if (rc == SM_IO) return job_diagf(c->j, c->j->sinks[s].at, "%s", sm_last_error());
    return rc;
}
