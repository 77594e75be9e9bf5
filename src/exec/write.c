/*
 * write.c — the write operator: a plan's rows into a committed directory of
 * part files of one format (CSV, Parquet), through the small writer
 * interface exec_file_format (write.h): open / write batch / close / abort.
 *
 * Algorithm:
 *   1. Parse the save mode and the format's options (fail before running
 *      anything, as Spark does: exec_write_csv / exec_write_parquet parse
 *      them, then call exec_write_files).
 *   2. fs_commit_begin: errorifexists fails here when the path exists;
 *      ignore with an existing path returns at once without running the plan.
 *   3. exec_foreach_batch runs one task per partition of the plan.  A task
 *      opens its part file on its first non-empty batch, so an empty
 *      partition writes no file; if every partition is empty, one file is
 *      written (holding just the header when header=true), as Spark writes
 *      for an empty DataFrame.
 *   4. The writers are closed (final flush, gzip trailer) in parallel on the
 *      pool, then fs_commit_finish moves the files into place.
 *   Any failure aborts every writer and the commit: nothing is left behind.
 *
 * Part files are named part-<partition, 5 digits>-<job uuid>-c000<ext>
 * (".csv", ".snappy.parquet", ...), as Spark names them; with empty
 * partitions skipped the numbers may have gaps.
 *
 * Threading: writers[part] is touched only by the task of that partition
 * (exec_foreach_batch never runs one partition's consume concurrently), and
 * by the driver after all tasks have finished.
 */
#include "exec/write.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/status.h"
#include "formats/csv_write.h"
#include "formats/json.h"
#include "formats/parquet.h"
#include "exec/eventlog.h"
#include "exec/reuse.h"
#include "fs/commit.h"
#include "fs/partition.h"
#include "plan/prune.h"

/* One output file being written by a task: its partition directory
 * ("" when not partitioned), the writer, the file counter (c000, c001, ...
 * under maxRecordsPerFile) and the rows in the current file. */
typedef struct {
    char *dir;
    void *w;
    int fileno;
    int64_t rows;
} part_file;

/* The files of one task, found by directory through an open-addressing
 * hash table (slots hold index+1). */
typedef struct {
    part_file *v;
    int n, cap;
    int *slots;
    int nslots;
} task_files;

typedef struct {
    const sm_schema *schema;      /* the rows written (partition columns removed) */
    const exec_file_format *fmt;
    const sm_tz *tz;
    const char *staging;
    const char *uuid;
    task_files *tasks;
    int nparts;
    const int *pcols;             /* partition columns (plan schema indexes) */
    int npcols;
    const int *dcols;             /* data columns */
    int ndcols;
    int64_t max_records;          /* maxRecordsPerFile, 0 = no limit */
    const char *const *pcol_names;
    _Atomic int64_t rows_written, files_written; /* for the event log */
    int rank, nranks;             /* distributed: part numbers part * nranks + rank */
} write_job;

static uint64_t key_hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* Index of the file for directory dir[0..n) in t, creating the entry. */
static int task_file(task_files *t, const char *dir, size_t n) {
    if (t->nslots == 0 || (t->n + 1) * 2 > t->nslots) {
        int ns = t->nslots ? t->nslots * 2 : 16;
        int *sl = sm_calloc((size_t)ns, sizeof *sl);
        if (!sl) return -1;
        for (int i = 0; i < t->n; i++) {
            uint64_t h = key_hash(t->v[i].dir, strlen(t->v[i].dir));
            int k = (int)(h & (uint64_t)(ns - 1));
            while (sl[k]) k = (k + 1) & (ns - 1);
            sl[k] = i + 1;
        }
        sm_free(t->slots);
        t->slots = sl;
        t->nslots = ns;
    }
    uint64_t h = key_hash(dir, n);
    int k = (int)(h & (uint64_t)(t->nslots - 1));
    while (t->slots[k]) {
        part_file *f = &t->v[t->slots[k] - 1];
        if (strlen(f->dir) == n && !memcmp(f->dir, dir, n)) return t->slots[k] - 1;
        k = (k + 1) & (t->nslots - 1);
    }
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 8;
        part_file *nv = sm_realloc(t->v, (size_t)cap * sizeof *nv);
        if (!nv) return -1;
        t->v = nv;
        t->cap = cap;
    }
    char *d = sm_strndup(dir, n);
    if (!d) return -1;
    t->v[t->n] = (part_file){d, NULL, 0, 0};
    t->slots[k] = t->n + 1;
    return t->n++;
}

static void task_files_free(task_files *t, const exec_file_format *fmt, bool abort_open) {
    for (int i = 0; i < t->n; i++) {
        if (t->v[i].w && abort_open) fmt->abort(t->v[i].w);
        sm_free(t->v[i].dir);
    }
    sm_free(t->v);
    sm_free(t->slots);
    memset(t, 0, sizeof *t);
}

/* mkdir -p of staging/dir (concurrent tasks may race: EEXIST is fine). */
static int make_dirs(const char *staging, const char *dir) {
    char path[4200];
    int n = snprintf(path, sizeof path, "%s/%s", staging, dir);
    if (n < 0 || n >= (int)sizeof path) return sm_err(SM_INVALID, "partition path too long: %s", dir);
    for (char *p = path + strlen(staging) + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return sm_err(SM_IO, "cannot create directory %s: %s", path, strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return sm_err(SM_IO, "cannot create directory %s: %s", path, strerror(errno));
    return SM_OK;
}

static int open_file(write_job *job, int part, part_file *f) {
    char name[4400];
    if (job->nranks > 1) part = part * job->nranks + job->rank; /* unique across ranks */
    if (f->dir[0]) {
        if (f->fileno == 0) SM_TRY(make_dirs(job->staging, f->dir));
        snprintf(name, sizeof name, "%s/%s/part-%05d-%s.c%03d%s", job->staging, f->dir, part,
                 job->uuid, f->fileno, job->fmt->extension);
    } else {
        snprintf(name, sizeof name, "%s/part-%05d-%s-c%03d%s", job->staging, part, job->uuid,
                 f->fileno, job->fmt->extension);
    }
    f->rows = 0;
    SM_TRY(job->fmt->open(job->fmt->opts, name, job->schema, job->tz, &f->w));
    atomic_fetch_add(&job->files_written, 1);
    return SM_OK;
}

/* Writes rows sel[0..n) of the data batch to file f, rotating files at
 * maxRecordsPerFile. */
static int write_rows(write_job *job, int part, part_file *f, const sm_batch *data, const int32_t *sel,
                      int64_t n, bool all) {
    int64_t done = 0;
    while (done < n) {
        if (f->w && job->max_records > 0 && f->rows >= job->max_records) {
            void *w = f->w;
            f->w = NULL;
            SM_TRY(job->fmt->close(w));
            f->fileno++;
        }
        if (!f->w) SM_TRY(open_file(job, part, f));
        int64_t room = job->max_records > 0 ? job->max_records - f->rows : n - done;
        int64_t k = n - done < room ? n - done : room;
        int rc;
        if (all && done == 0 && k == n) {
            rc = job->fmt->write(f->w, data);
        } else {
            sm_batch *t = sel ? sm_batch_take(data, sel + done, k) : NULL;
            if (!sel) {
                /* contiguous rows done..done+k of data */
                int32_t *tmp = sm_malloc((size_t)k * sizeof *tmp);
                if (tmp) {
                    for (int64_t i = 0; i < k; i++) tmp[i] = (int32_t)(done + i);
                    t = sm_batch_take(data, tmp, k);
                    sm_free(tmp);
                }
            }
            if (!t) return sm_err(SM_NOMEM, "out of memory writing rows");
            rc = job->fmt->write(f->w, t);
            sm_batch_free(t);
        }
        if (rc) return rc;
        f->rows += k;
        done += k;
    }
    return SM_OK;
}

/* The directory of row `row`: col=value/... (escaped; null and "" are
 * __HIVE_DEFAULT_PARTITION__). */
int exec_partition_dir(const char *const *names, const sm_value *vals, int n, const sm_tz *tz,
                       sm_buf *out) {
    sm_buf val = {0};
    int rc = SM_OK;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        if (i && sm_buf_putc(out, '/')) { rc = SM_NOMEM; break; }
        val.len = 0;
        const sm_value *x = &vals[i];
        if (!x->is_null && x->type != SM_NULLTYPE) rc = sm_value_to_string(x, tz, &val);
        if (rc) break;
        if (fs_escape_path_name(names[i], (int32_t)strlen(names[i]), out) ||
            sm_buf_putc(out, '=')) { rc = SM_NOMEM; break; }
        if (val.len == 0) rc = sm_buf_append(out, FS_DEFAULT_PARTITION, strlen(FS_DEFAULT_PARTITION)) ? SM_NOMEM : SM_OK;
        else rc = fs_escape_path_name(val.data, (int32_t)val.len, out);
    }
    sm_buf_free(&val);
    return rc;
}

static int row_dir(write_job *job, const sm_batch *b, int64_t row, sm_buf *out) {
    sm_value vals[64];
    if (job->npcols > 64) return sm_err(SM_UNSUPPORTED, "more than 64 partition columns");
    for (int i = 0; i < job->npcols; i++) sm_vector_get(b->cols[job->pcols[i]], row, &vals[i]);
    return exec_partition_dir(job->pcol_names, vals, job->npcols, job->tz, out);
}

static int write_consume(void *arg, int part, sm_batch *b) {
    write_job *job = arg;
    task_files *t = &job->tasks[part];
    int rc = SM_OK;
    sm_batch *data = b;
    sm_batch *view = NULL;
    if (b->nrows == 0) goto done;
    atomic_fetch_add(&job->rows_written, b->nrows);
    if (job->npcols > 0) {
        view = sm_batch_new(job->ndcols, b->nrows);
        if (!view) { rc = SM_NOMEM; goto done; }
        for (int i = 0; i < job->ndcols; i++) view->cols[i] = sm_vector_ref(b->cols[job->dcols[i]]);
        data = view;
    }
    if (job->npcols == 0) {
        int fi = task_file(t, "", 0);
        if (fi < 0) { rc = SM_NOMEM; goto done; }
        rc = write_rows(job, part, &t->v[fi], data, NULL, b->nrows, true);
        goto done;
    }
    /* group rows by directory: file index per row, then a counting sort */
    int32_t *fid = sm_malloc((size_t)b->nrows * sizeof *fid);
    int32_t *sel = sm_malloc((size_t)b->nrows * sizeof *sel);
    sm_buf key = {0};
    if (!fid || !sel) rc = SM_NOMEM;
    int last = -1;
    sm_buf prev = {0};
    for (int64_t r = 0; rc == SM_OK && r < b->nrows; r++) {
        key.len = 0;
        if ((rc = row_dir(job, b, r, &key))) break;
        if (last >= 0 && prev.len == key.len && !memcmp(prev.data, key.data, key.len)) {
            fid[r] = last;
            continue;
        }
        int fi = task_file(t, key.data ? key.data : "", key.len);
        if (fi < 0) { rc = SM_NOMEM; break; }
        fid[r] = last = fi;
        prev.len = 0;
        if (sm_buf_append(&prev, key.data ? key.data : "", key.len)) rc = SM_NOMEM;
    }
    sm_buf_free(&key);
    sm_buf_free(&prev);
    int *count = rc == SM_OK ? sm_calloc((size_t)t->n + 1, sizeof *count) : NULL;
    if (rc == SM_OK && !count) rc = SM_NOMEM;
    if (rc == SM_OK) {
        for (int64_t r = 0; r < b->nrows; r++) count[fid[r] + 1]++;
        for (int i = 0; i < t->n; i++) count[i + 1] += count[i];
        int *pos = sm_malloc((size_t)(t->n + 1) * sizeof *pos);
        if (!pos) rc = SM_NOMEM;
        else {
            memcpy(pos, count, (size_t)(t->n + 1) * sizeof *pos);
            for (int64_t r = 0; r < b->nrows; r++) sel[pos[fid[r]]++] = (int32_t)r;
            sm_free(pos);
            for (int i = 0; rc == SM_OK && i < t->n; i++) {
                int64_t n = count[i + 1] - count[i];
                if (n > 0) rc = write_rows(job, part, &t->v[i], data, sel + count[i], n, n == b->nrows);
            }
        }
    }
    sm_free(count);
    sm_free(fid);
    sm_free(sel);
done:
    if (rc == SM_NOMEM && sm_errcode() != SM_NOMEM) sm_err(SM_NOMEM, "out of memory writing rows");
    sm_batch_free(view);
    sm_batch_free(b);
    return rc;
}

static int close_task(void *arg, int part) {
    write_job *job = arg;
    task_files *t = &job->tasks[part];
    int rc = SM_OK;
    for (int i = 0; i < t->n; i++) {
        void *w = t->v[i].w;
        if (!w) continue;
        t->v[i].w = NULL;
        int r = job->fmt->close(w);
        if (rc == SM_OK) rc = r;
    }
    return rc;
}

/* Spark refuses to write two columns of the same name (case-insensitively). */
static int check_names(const sm_schema *s) {
    for (int i = 0; i < s->ncols; i++)
        for (int j = 0; j < i; j++)
            if (s->fields[i].name && s->fields[j].name &&
                !strcasecmp(s->fields[i].name, s->fields[j].name))
                return sm_err(SM_ANALYSIS,
                              "[COLUMN_ALREADY_EXISTS] The column `%s` already exists. Consider "
                              "to choose another name or rename the existing column.",
                              s->fields[i].name);
    return SM_OK;
}

/* Splits the write options into the format's and the writer's own:
 * partitionBy ("a,b"; DataFrameWriter.partitionBy), maxRecordsPerFile,
 * partitionOverwriteMode, and the SQL layer's __partitionOverwritePrefix
 * (INSERT OVERWRITE ... PARTITION (p = v): the directory it replaces). */
typedef struct {
    const char **kv;       /* the format's options */
    char *partition_by;    /* copy, or NULL */
    exec_write_layout layout;
} write_common;

static void common_free(write_common *c) {
    sm_free(c->kv);
    sm_free(c->partition_by);
}

static int common_parse(const char *const *options, write_common *c) {
    memset(c, 0, sizeof *c);
    int n = 0;
    while (options && options[n] && options[n + 1]) n += 2;
    c->kv = sm_calloc((size_t)n + 1, sizeof *c->kv);
    if (!c->kv) return sm_err(SM_NOMEM, "out of memory parsing write options");
    for (int i = 0, w = 0; i < n; i += 2) {
        const char *k = options[i], *v = options[i + 1];
        if (!strcasecmp(k, "partitionBy")) {
            sm_free(c->partition_by);
            if (!(c->partition_by = sm_strdup(v))) return sm_err(SM_NOMEM, "out of memory");
            c->layout.partition_by = c->partition_by;
        } else if (!strcasecmp(k, "partitionOverwriteMode")) {
            if (strcasecmp(v, "static") && strcasecmp(v, "dynamic")) {
                common_free(c);
                return sm_err(SM_INVALID, "option partitionOverwriteMode: '%s' is not a mode; use "
                              "STATIC (an overwrite replaces the whole output, or the partitions "
                              "a PARTITION clause names) or DYNAMIC (only the partitions the "
                              "write produces)", v);
            }
            c->layout.dynamic_overwrite = !strcasecmp(v, "dynamic");
        } else if (!strcmp(k, "__partitionOverwritePrefix")) {
            c->layout.overwrite_prefix = v;
        } else if (!strcasecmp(k, "maxRecordsPerFile")) {
            char *end;
            errno = 0;
            long long x = strtoll(v, &end, 10);
            if (errno || end == v || *end) {
                common_free(c);
                return sm_err(SM_INVALID, "option maxRecordsPerFile: '%s' is not a number of rows", v);
            }
            c->layout.max_records = x > 0 ? x : 0; /* Spark: 0 or negative = no limit */
        } else {
            c->kv[w++] = k;
            c->kv[w++] = v;
        }
    }
    return SM_OK;
}

int exec_write_files_ex(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, fs_save_mode sm,
                        const exec_file_format *fmt, const sm_tz *tz, const exec_write_layout *layout) {
    static const exec_write_layout plain = {0};
    if (!layout) layout = &plain;
    const char *partition_by = layout->partition_by;
    int64_t max_records = layout->max_records;
    SM_TRY(check_names(plan->schema));
    const sm_schema *in = plan->schema;
    int ncols = in->ncols;
    int *pcols = sm_calloc((size_t)ncols + 1, sizeof *pcols);
    int *dcols = sm_calloc((size_t)ncols + 1, sizeof *dcols);
    const char **pnames = sm_calloc((size_t)ncols + 1, sizeof *pnames);
    sm_schema *dschema = NULL;
    int npcols = 0, ndcols = 0, rc = SM_OK;
    if (!pcols || !dcols || !pnames) { rc = sm_err(SM_NOMEM, "out of memory"); goto early; }
    for (const char *p = partition_by; p && *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ') len--;
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        if (name[0] == '`' && len > 1 && name[len - 1] == '`') {
            memmove(name, name + 1, len - 2);
            name[len - 2] = 0;
        }
        int c = sm_schema_find(in, name);
        if (c < 0) {
            sm_buf b = {0};
            for (int i = 0; i < ncols; i++) sm_buf_appendf(&b, "%s%s", i ? ", " : "", in->fields[i].name);
            rc = sm_err(SM_ANALYSIS, "Partition column `%s` not found in schema [%s]", name,
                        sm_buf_cstr(&b) ? b.data : "");
            sm_buf_free(&b);
            goto early;
        }
        bool dup = false;
        for (int i = 0; i < npcols; i++) dup |= pcols[i] == c;
        if (dup) {
            rc = sm_err(SM_ANALYSIS, "[COLUMN_ALREADY_EXISTS] The column `%s` already exists. Consider "
                                     "to choose another name or rename the existing column.", name);
            goto early;
        }
        pnames[npcols] = in->fields[c].name;
        pcols[npcols++] = c;
        p = e ? e + 1 : p + strlen(p);
    }
    if (npcols > 0 && npcols == ncols) {
        rc = sm_err(SM_ANALYSIS, "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for partition columns.");
        goto early;
    }
    for (int c = 0; c < ncols; c++) {
        bool isp = false;
        for (int i = 0; i < npcols; i++) isp |= pcols[i] == c;
        if (!isp) dcols[ndcols++] = c;
    }
    dschema = sm_schema_new(ndcols);
    if (!dschema) { rc = sm_err(SM_NOMEM, "out of memory"); goto early; }
    for (int i = 0; i < ndcols && rc == SM_OK; i++) {
        const sm_field *f = &in->fields[dcols[i]];
        rc = sm_schema_set(dschema, i, f->name, f->type, f->nullable);
        dschema->fields[i].precision = f->precision;
        dschema->fields[i].scale = f->scale;
        dschema->fields[i].dt = f->dt;
    }
    if (rc) goto early;
    rc = sm_plan_prune_columns(plan); /* the action starts here */
    if (rc) goto early;

    fs_commit *commit = NULL;
    /* distributed (exchange/dist.c): rank 0 begins, the others join */
    rc = ctx->dist ? ctx->dist->commit_begin(ctx, path, (int)sm, &commit) : fs_commit_begin(path, sm, &commit);
    if (rc) goto early;
    if (fs_commit_skip(commit)) { rc = fs_commit_finish(commit); goto early; }
    if (sm == FS_SAVE_OVERWRITE && npcols > 0 && (layout->dynamic_overwrite || layout->overwrite_prefix)) {
        const char *dirs[1] = {layout->overwrite_prefix};
        int depth = 0;
        for (const char *q = layout->overwrite_prefix; q && *q; q++) depth += *q == '/';
        bool whole_spec = layout->overwrite_prefix && depth + 1 == npcols;
        rc = fs_commit_replace_partitions(commit, layout->dynamic_overwrite ? NULL : dirs,
                                          layout->dynamic_overwrite ? 0 : 1, whole_spec);
        if (rc) goto fail;
    }

    write_job job = {dschema, fmt, tz, fs_commit_staging(commit), fs_commit_uuid(commit), NULL, 0,
                     pcols, npcols, dcols, ndcols, max_records, pnames, 0, 0, 0, 0};
    if (ctx->dist) {
        job.rank = ctx->dist->rank;
        job.nranks = ctx->dist->nranks;
    }
    job.nparts = exec_num_partitions(ctx, plan);
    if (job.nparts < 0) {
        rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
        goto fail;
    }
    job.tasks = sm_calloc((size_t)(job.nparts ? job.nparts : 1), sizeof *job.tasks);
    if (!job.tasks) { rc = SM_NOMEM; goto fail; }

    rc = exec_foreach_batch(ctx, plan, write_consume, &job);
    if (rc) goto fail;
    bool any = false;
    for (int i = 0; i < job.nparts; i++) any |= job.tasks[i].n > 0;
    if (ctx->dist) { /* one empty file for the whole job, by rank 0 */
        int64_t flag = any;
        rc = ctx->dist->agree(ctx, SM_OK, &flag);
        if (rc) goto fail;
        any = flag != 0 || ctx->dist->rank != 0;
    }
    if (!any && npcols == 0) {
        /* An empty result still gets one file: Spark's empty DataFrame. */
        if (job.nparts == 0) {
            sm_free(job.tasks);
            job.nparts = 1;
            job.tasks = sm_calloc(1, sizeof *job.tasks);
            if (!job.tasks) { rc = SM_NOMEM; goto fail; }
        }
        int fi = task_file(&job.tasks[0], "", 0);
        if (fi < 0) { rc = SM_NOMEM; goto fail; }
        rc = open_file(&job, 0, &job.tasks[0].v[fi]);
        if (rc) goto fail;
    }
    rc = sm_pool_run(ctx->pool, job.nparts, close_task, &job);
    if (rc) goto fail;
    for (int i = 0; i < job.nparts; i++) task_files_free(&job.tasks[i], fmt, false);
    sm_free(job.tasks);
    rc = ctx->dist ? ctx->dist->commit_end(ctx, commit, SM_OK) : fs_commit_finish(commit);
    if (rc == SM_OK)
        exec_event_output(ctx, path, atomic_load(&job.rows_written), atomic_load(&job.files_written));
    goto early;

fail:
    for (int i = 0; job.tasks && i < job.nparts; i++) task_files_free(&job.tasks[i], fmt, true);
    sm_free(job.tasks);
    if (ctx->dist) rc = ctx->dist->commit_end(ctx, commit, rc); /* every rank agrees, rank 0 aborts */
    else fs_commit_abort(commit);
early:
    /* breaker results kept for later actions may read what this wrote */
    if (ctx->reuse) sm_exec_reuse_invalidate_path(ctx->reuse, path);
    sm_free(pcols);
    sm_free(dcols);
    sm_free(pnames);
    sm_schema_free(dschema);
    return rc;
}

int exec_write_files(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, fs_save_mode sm,
                     const exec_file_format *fmt, const sm_tz *tz) {
    return exec_write_files_ex(ctx, plan, path, sm, fmt, tz, NULL);
}

/* ---- the checks every format's write makes first ---------------------------------- */

/* The save mode, the column names, a type the format cannot hold (`refuses`,
 * NULL = none: Spark's UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE before anything
 * is written), then the options every format shares (*wc, freed by the
 * caller with common_free once this returns SM_OK). */
static int write_begin(const sm_plan *plan, const char *mode, const char *const *options,
                       const char *format, bool (*refuses)(const sm_field *), fs_save_mode *sm,
                       write_common *wc) {
    SM_TRY(fs_save_mode_parse(mode, sm));
    SM_TRY(check_names(plan->schema));
    for (int i = 0; refuses && i < plan->schema->ncols; i++) {
        const sm_field *f = &plan->schema->fields[i];
        if (!refuses(f)) continue;
        char ty[256];
        sm_type_format(ty, sizeof ty, f->type, f->precision, f->scale, f->dt);
        for (char *q = ty; *q; q++)
            if (*q >= 'a' && *q <= 'z') *q = (char)(*q - 'a' + 'A');
        return sm_err(SM_UNSUPPORTED,
                      "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The %s datasource doesn't support the "
                      "column `%s` of the type \"%s\".",
                      format, f->name, ty);
    }
    return common_parse(options, wc);
}

/* CSV holds no binary and no nested values (Spark 3.5 refuses them too). */
static bool csv_refuses(const sm_field *f) { return f->type == SM_BINARY || sm_type_is_nested(f->type); }
/* Parquet has no void column. */
static bool parquet_refuses(const sm_field *f) { return f->type == SM_NULLTYPE; }

/* ---- CSV ------------------------------------------------------------------------ */

static int csv_open_fn(const void *opts, const char *path, const sm_schema *schema, const sm_tz *tz,
                       void **out) {
    return csv_writer_open(path, schema, opts, tz, (csv_writer **)out);
}
static int csv_write_fn(void *w, const sm_batch *b) { return csv_writer_write_batch(w, b); }
static int csv_close_fn(void *w) { return csv_writer_close(w); }
static void csv_abort_fn(void *w) { csv_writer_abort(w); }

int exec_write_csv(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                   const char *const *options, const sm_tz *tz) {
    fs_save_mode sm;
    write_common wc;
    SM_TRY(write_begin(plan, mode, options, "CSV", csv_refuses, &sm, &wc));
    csv_write_opts opts;
    int rc = csv_write_opts_parse(wc.kv, &opts);
    if (rc) { common_free(&wc); return rc; }
    exec_file_format fmt = {"csv", &opts, csv_write_extension(&opts), csv_open_fn, csv_write_fn,
                            csv_close_fn, csv_abort_fn};
    rc = exec_write_files_ex(ctx, plan, path, sm, &fmt, tz, &wc.layout);
    csv_write_opts_free(&opts);
    common_free(&wc);
    return rc;
}

/* ---- Parquet -------------------------------------------------------------------- */

static int pq_open_fn(const void *opts, const char *path, const sm_schema *schema, const sm_tz *tz,
                      void **out) {
    return parquet_writer_open(path, schema, opts, tz, (parquet_writer **)out);
}
static int pq_write_fn(void *w, const sm_batch *b) { return parquet_writer_write_batch(w, b); }
static int pq_close_fn(void *w) { return parquet_writer_close(w); }
static void pq_abort_fn(void *w) { parquet_writer_abort(w); }

int exec_write_parquet(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                       const char *const *options, const sm_tz *tz) {
    fs_save_mode sm;
    write_common wc;
    SM_TRY(write_begin(plan, mode, options, "Parquet", parquet_refuses, &sm, &wc));
    parquet_write_opts opts;
    int prc = parquet_write_opts_parse(wc.kv, &opts);
    if (prc) { common_free(&wc); return prc; }
    exec_file_format fmt = {"parquet", &opts, parquet_write_extension(&opts), pq_open_fn, pq_write_fn,
                            pq_close_fn, pq_abort_fn};
    prc = exec_write_files_ex(ctx, plan, path, sm, &fmt, tz, &wc.layout);
    common_free(&wc);
    return prc;
}

/* ---- JSON ----------------------------------------------------------------------- */

static int json_open_fn(const void *opts, const char *path, const sm_schema *schema, const sm_tz *tz,
                        void **out) {
    return json_writer_open(path, schema, opts, tz, (json_writer **)out);
}
static int json_write_fn(void *w, const sm_batch *b) { return json_writer_write_batch(w, b); }
static int json_close_fn(void *w) { return json_writer_close(w); }
static void json_abort_fn(void *w) { json_writer_abort(w); }

int exec_write_json(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                    const char *const *options, const sm_tz *tz) {
    fs_save_mode sm;
    write_common wc;
    SM_TRY(write_begin(plan, mode, options, "JSON", NULL, &sm, &wc));
    json_write_opts opts;
    int rc = json_write_opts_parse(wc.kv, &opts);
    if (rc) { common_free(&wc); return rc; }
    exec_file_format fmt = {"json", &opts, json_write_extension(&opts), json_open_fn, json_write_fn,
                            json_close_fn, json_abort_fn};
    rc = exec_write_files_ex(ctx, plan, path, sm, &fmt, tz, &wc.layout);
    json_write_opts_free(&opts);
    common_free(&wc);
    return rc;
}
