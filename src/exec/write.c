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

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "formats/csv_write.h"
#include "formats/parquet.h"
#include "fs/commit.h"
#include "plan/prune.h"

typedef struct {
    const sm_schema *schema;
    const exec_file_format *fmt;
    const sm_tz *tz;
    const char *staging;
    const char *uuid;
    void **writers;
    int nparts;
} write_job;

static int open_part(write_job *job, int part) {
    char name[4200];
    snprintf(name, sizeof name, "%s/part-%05d-%s-c000%s", job->staging, part, job->uuid,
             job->fmt->extension);
    return job->fmt->open(job->fmt->opts, name, job->schema, job->tz, &job->writers[part]);
}

static int write_consume(void *arg, int part, sm_batch *b) {
    write_job *job = arg;
    int rc = SM_OK;
    if (b->nrows > 0) {
        if (!job->writers[part]) rc = open_part(job, part);
        if (rc == SM_OK) rc = job->fmt->write(job->writers[part], b);
    }
    sm_batch_free(b);
    return rc;
}

static int close_task(void *arg, int part) {
    write_job *job = arg;
    void *w = job->writers[part];
    if (!w) return SM_OK;
    job->writers[part] = NULL;
    return job->fmt->close(w);
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

int exec_write_files(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, fs_save_mode sm,
                     const exec_file_format *fmt, const sm_tz *tz) {
    SM_TRY(check_names(plan->schema));
    SM_TRY(sm_plan_prune_columns(plan)); /* the action starts here */
    fs_commit *commit = NULL;
    int rc = fs_commit_begin(path, sm, &commit);
    if (rc) return rc;
    if (fs_commit_skip(commit)) return fs_commit_finish(commit);

    write_job job = {plan->schema, fmt, tz, fs_commit_staging(commit), fs_commit_uuid(commit), NULL, 0};
    job.nparts = exec_num_partitions(ctx, plan);
    if (job.nparts < 0) {
        rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
        goto fail;
    }
    job.writers = sm_calloc((size_t)(job.nparts ? job.nparts : 1), sizeof *job.writers);
    if (!job.writers) { rc = SM_NOMEM; goto fail; }

    rc = exec_foreach_batch(ctx, plan, write_consume, &job);
    if (rc) goto fail;
    bool any = false;
    for (int i = 0; i < job.nparts; i++) any |= job.writers[i] != NULL;
    if (!any) {
        /* An empty result still gets one file: Spark's empty DataFrame. */
        if (job.nparts == 0) {
            sm_free(job.writers);
            job.nparts = 1;
            job.writers = sm_calloc(1, sizeof *job.writers);
            if (!job.writers) { rc = SM_NOMEM; goto fail; }
        }
        rc = open_part(&job, 0);
        if (rc) goto fail;
    }
    rc = sm_pool_run(ctx->pool, job.nparts, close_task, &job);
    if (rc) goto fail;
    sm_free(job.writers);
    return fs_commit_finish(commit);

fail:
    for (int i = 0; job.writers && i < job.nparts; i++)
        if (job.writers[i]) fmt->abort(job.writers[i]);
    sm_free(job.writers);
    fs_commit_abort(commit);
    return rc;
}

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
    SM_TRY(fs_save_mode_parse(mode, &sm));
    SM_TRY(check_names(plan->schema));
    for (int i = 0; i < plan->schema->ncols; i++)
        if (plan->schema->fields[i].type == SM_BINARY)
            return sm_err(SM_UNSUPPORTED,
                          "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support "
                          "the column `%s` of the type \"BINARY\".",
                          plan->schema->fields[i].name);
    csv_write_opts opts;
    SM_TRY(csv_write_opts_parse(options, &opts));
    exec_file_format fmt = {"csv", &opts, csv_write_extension(&opts), csv_open_fn, csv_write_fn,
                            csv_close_fn, csv_abort_fn};
    int rc = exec_write_files(ctx, plan, path, sm, &fmt, tz);
    csv_write_opts_free(&opts);
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
    SM_TRY(fs_save_mode_parse(mode, &sm));
    SM_TRY(check_names(plan->schema));
    parquet_write_opts opts;
    SM_TRY(parquet_write_opts_parse(options, &opts));
    /* types Parquet cannot hold fail before anything is written */
    for (int i = 0; i < plan->schema->ncols; i++)
        if (plan->schema->fields[i].type == SM_NULLTYPE)
            return sm_err(SM_UNSUPPORTED,
                          "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Parquet datasource doesn't support "
                          "the column `%s` of the type \"VOID\".",
                          plan->schema->fields[i].name);
    exec_file_format fmt = {"parquet", &opts, parquet_write_extension(&opts), pq_open_fn, pq_write_fn,
                            pq_close_fn, pq_abort_fn};
    return exec_write_files(ctx, plan, path, sm, &fmt, tz);
}
