/*
 * job_internal.h — what job_parse.c, job_check.c and job_run.c share: the
 * YAML tree, the nodes of the job graph, and the diagnostics.
 *
 * Everything lives in the job's arena (j->arena) and is freed with the job.
 *
 * Phases and what they fill in:
 *   1. job_parse: j->root (the YAML tree, jy_node), then the skeleton:
 *      args[], nodes[] (sources then steps, with their definitions as YAML
 *      nodes), sinks[].
 *   2. job_check: every string substituted, parameters read into
 *      job_node.p / job_sink, references resolved to node indices,
 *      cycles found; problems mark the node or sink `bad`.
 *   3. job_build: job_node.df for every good node whose inputs are good.
 *   4. job_run / job_explain: the sinks.
 */
#ifndef SM_JOB_INTERNAL_H
#define SM_JOB_INTERNAL_H

#include "common/mem.h"
#include "common/status.h"
#include "job/job.h"

/* ---- the YAML tree ----------------------------------------------------------- */

typedef enum { JY_SCALAR, JY_MAP, JY_SEQ } jy_kind;

typedef struct jy_node {
    jy_kind kind;
    int line, col;          /* 1-based */
    const char *str;        /* JY_SCALAR: the text (NUL-terminated; may hold NULs
                               from escapes, which cut it short) */
    bool plain;             /* JY_SCALAR: plain style (not quoted, not a block) */
    int n;                  /* JY_MAP: pairs; JY_SEQ: items */
    struct jy_node **keys;  /* JY_MAP: scalar keys */
    struct jy_node **items; /* JY_MAP: values; JY_SEQ: items */
} jy_node;

/* A plain scalar that YAML reads as null: "", "~", "null". */
bool jy_is_null(const jy_node *n);
/* The value of key `k` in map m (NULL when absent or m is not a map). */
jy_node *jy_get(const jy_node *m, const char *k);

/* ---- the job graph -------------------------------------------------------------- */

typedef enum {
    JOB_SRC_FILE, JOB_SRC_TABLE, JOB_SRC_SQL, /* sources */
    JOB_STEP                                  /* transform steps */
} job_node_kind;

typedef enum {
    OP_NONE,
    OP_FILTER, OP_SELECT, OP_WITH_COLUMN, OP_WITH_COLUMNS, OP_RENAME, OP_DROP,
    OP_NA_FILL, OP_NA_DROP, OP_DROP_DUPLICATES, OP_DISTINCT,
    OP_UNION, OP_UNION_BY_NAME, OP_INTERSECT, OP_INTERSECT_ALL, OP_EXCEPT, OP_EXCEPT_ALL,
    OP_JOIN, OP_GROUP_BY, OP_AGG, OP_ORDER_BY, OP_LIMIT, OP_OFFSET,
    OP_CAST, OP_SQL, OP_DESCRIBE
} job_op;

/* A reference to another node (input:, union:, join left/right). */
typedef struct {
    const char *name;
    jy_node *at;
    int node;               /* index in j->nodes, -1 until resolved */
} job_ref;

/* Strings in order with the YAML node each came from. */
typedef struct {
    const char **s;
    jy_node **at;
    int n;
} job_strs;

typedef struct job_node {
    const char *name;
    jy_node *name_at;       /* where it is named (key of sources:, name: of a step) */
    jy_node *def;           /* its map */
    job_node_kind kind;
    bool bad;               /* a problem was reported: do not build */
    bool built;             /* build attempted (df may be NULL if it failed) */
    int visit;              /* cycle search: 0 new, 1 on the stack, 2 done */
    sm_dataframe *df;

    job_ref *refs;          /* inputs, in order */
    int nrefs;

    /* sources */
    const char *format;     /* file: "csv" */
    job_strs paths;         /* file: one or more paths */
    job_strs options;       /* key, value, key, value ... (flattened) */
    const char *schema;     /* file: DDL or NULL */
    const char *text;       /* table name, or SQL text (source or step) */

    /* steps */
    job_op op;
    const char *op_name;
    jy_node *op_at;         /* the operation's value (or key when null) */
    struct {
        const char *str;    /* filter, na_fill scalar, na_drop how */
        job_strs list;      /* select, drop, columns, keys, agg exprs, using */
        job_strs pairs;     /* maps, flattened k,v: with_column, rename, cast,
                               na_fill map, agg dict */
        int64_t num;        /* limit, offset, na_drop thresh (-1 = none) */
        bool flag;          /* union_by_name allow_missing_columns */
        bool agg_dict;      /* group_by with agg: {col: fn} */
        const char *on;     /* join condition */
        const char *how;    /* join type */
    } p;
} job_node;

typedef struct {
    const char *name;
    jy_node *at;            /* the sink's map */
    job_ref input;
    const char *format;     /* "csv" for files; table format (may be NULL) */
    const char *path;       /* file sink */
    const char *table;      /* table sink */
    const char *mode;       /* save mode, as given (may be NULL) */
    job_strs options;       /* flattened k, v */
    bool bad;
} job_sink;

typedef struct {
    const char *name;
    jy_node *at;
    const char *description;
    const char *def;        /* default or NULL */
    bool required;
    const char *value;      /* from --arg, else def */
    bool reported;          /* "missing argument" said once */
} job_arg;

struct job {
    sm_arena *arena;
    const char *path;
    const char *name;
    const char *description;
    jy_node *root;
    bool parsed;            /* the YAML was read (even with shape problems) */

    job_arg *args;
    int nargs;
    job_node *nodes;        /* sources, then steps */
    int nnodes, nsources;
    job_sink *sinks;
    int nsinks;

    sm_session *session;    /* from job_build */
    double t0;              /* job_new's time (monotonic seconds), for the summary */

    job_diag *diags;
    int ndiags, capdiags;
    bool nomem;
};

/* Records a diagnostic at node `at` (may be NULL: no place).  Returns
 * SM_INVALID, or SM_NOMEM when even that failed. */
int job_diagf(job *j, const jy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The closest of `names` (NULL-terminated) to `s` by edit distance, when
 * close enough to be a likely typo; else NULL. */
const char *job_suggest(const char *s, const char *const *names);

/* The run summary's numbers from the session's event log (job_events.c):
 * the totals of the events in bytes [from, to) of the file at path. */
typedef struct {
    int64_t jobs, stages, tasks, failed_tasks, scans;
    int64_t rows_read, bytes_read, rows_written, files_written, outputs;
    int64_t spill_bytes, peak_memory;
    int64_t reused; /* breaker results taken from an earlier action */
} job_event_stats;
long job_events_size(const char *path); /* -1 when absent */
int job_events_read(const char *path, long from, long to, job_event_stats *st);

/* ---- checkpoints (checkpoint.c; docs/mpi.md "Checkpoints and retries") ---------- */

typedef struct job_ckpt job_ckpt;
/* Reads (with o->resume) or starts the checkpoint directory o->checkpoint. */
int job_ckpt_open(job *j, const job_run_opts *o, job_ckpt **out);
/* Before sink i: reads back or computes and checkpoints the stages its input
 * needs; *skip when an earlier attempt committed the sink. */
int job_ckpt_before_sink(job_ckpt *c, int sink, bool *skip);
/* After sink i committed: records it. */
int job_ckpt_sink_done(job_ckpt *c, int sink);
void job_ckpt_close(job_ckpt *c); /* NULL is fine */
/* job_run.c: builds node n again over its inputs' current DataFrames. */
void job_rebuild_node(job *j, job_node *n);

/* Operation names, for suggestions and parsing (job_check.c). */
job_op job_op_lookup(const char *name);

#endif
