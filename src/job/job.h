/*
 * job.h — YAML job files: a graph of sources, transform steps and sinks,
 * checked as a whole and run through the public DataFrame API.
 *
 *     job *j = job_new("job.yaml");
 *     job_parse(j, text, len);                 YAML -> tree -> nodes   (job_parse.c)
 *     job_set_arg(j, "input", "data/");         --arg input=data/
 *     job_check(j);                             names, references, cycles,
 *                                               args, keys, parameters (job_check.c)
 *     job_build(j, session);                    every node's DataFrame, once:
 *                                               analysis errors        (job_run.c)
 *     job_explain(j, stdout) | job_run(j, &opts)
 *     job_print_diags(j, stderr);               "job.yaml:12:5: message", by line
 *     job_free(j);
 *
 * The format (docs/jobs.md has the full description and an example):
 *
 *   name, description
 *   args:    {NAME: {description, default, required}}   ${NAME} in any string
 *   sources: {NAME: {format: csv, path, options, schema} | {table} | {sql}}
 *   steps:   [{name, input, <operation>: parameter, ...}]
 *   sinks:   [{name?, input, format: csv, path, mode, options} | {input, table, mode}]
 *
 * Every problem found is a diagnostic with the line and column of the YAML
 * node it is about; each phase goes as far as it can and records all the
 * problems it finds (a node that has one is not built, nor is anything that
 * reads it, so one mistake gives one message).  Functions return SM_OK, or
 * SM_INVALID when diagnostics were recorded (SM_NOMEM when memory ran out).
 *
 * This layer sits between sql/ and cli/: it uses the public API
 * (include/smelt.h) for everything it does with data, and common/ for
 * memory and messages.  This header needs nothing but smelt.h, so the
 * smelt program (a public-API client) can include it.
 *
 * Ownership: a job owns an arena holding its tree, nodes, strings and
 * diagnostics; DataFrames belong to the session given to job_build, which
 * must outlive the job's use of them.  Not thread-safe; one job, one thread.
 */
#ifndef SM_JOB_H
#define SM_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smelt.h"

typedef struct job job;

typedef struct {
    int line, col;   /* 1-based; 0 when the problem has no place in the file */
    const char *msg;
} job_diag;

/* A new, empty job; `display_path` names the file in diagnostics.  NULL on
 * NOMEM. */
job *job_new(const char *display_path);
void job_free(job *j);

/* Parses YAML text (need not be NUL-terminated) and reads its structure:
 * top-level keys, args, sources, steps, sinks.  YAML syntax errors and
 * shape errors (a list where a map belongs, an unknown key) are diagnostics. */
int job_parse(job *j, const char *text, size_t len);

/* --arg NAME=VALUE.  An undeclared NAME is a diagnostic (without a place). */
int job_set_arg(job *j, const char *name, const char *value);

/* Substitutes ${args}, resolves references between nodes, finds cycles,
 * missing arguments, unknown operations and keys, bad parameters and sink
 * options.  Needs no session (the fuzz target runs it). */
int job_check(job *j);

/* Builds each node's DataFrame once, in dependency order, in session s:
 * reading sources (schema inference reads data), resolving every expression
 * and column.  Nodes with earlier problems are skipped. */
int job_build(job *j, sm_session *s);

/* Prints each sink's physical plan (sm_df_explain) without running. */
int job_explain(job *j, FILE *out);

typedef struct {
    FILE *log;      /* progress lines and the summary (stderr); NULL = silent */
    bool tty;       /* log is a terminal: a live elapsed-time line per sink */
    bool summary;   /* print the summary at the end */
    /* --checkpoint DIR: stages are kept in DIR, sinks recorded when committed;
     * resume: continue from what DIR holds (docs/mpi.md, "Checkpoints and
     * retries").  version: the program's, part of every fingerprint. */
    const char *checkpoint;
    bool resume;
    const char *version;
} job_run_opts;

/* Writes every sink in order.  Stops at the first failing sink (its
 * message is a diagnostic; sinks already written stay written). */
int job_run(job *j, const job_run_opts *o);

int job_ndiags(const job *j);
const job_diag *job_diag_at(const job *j, int i);
/* "path:LINE:COL: message" lines, sorted by place. */
void job_print_diags(const job *j, FILE *out);

/* The job's name (name:, else the file name). */
const char *job_name(const job *j);

#endif
