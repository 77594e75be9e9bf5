/*
 * api_internal.h — what the public objects of smelt.h are made of, shared by
 * the files of src/api/ (session.c, dataframe.c, show.c, describe.c, ...).
 *
 * A session owns an arena in which every DataFrame, column and plan node of
 * the session lives, the thread pool, and the settings.  A DataFrame is a
 * plan node plus its session.  A column (sm_column) is an unbound expression
 * tree.
 */
#ifndef SM_API_INTERNAL_H
#define SM_API_INTERNAL_H

#include "smelt.h"

#include "common/pool.h"
#include "common/status.h"
#include "exec/exec.h"
#include "expr/expr.h"
#include "plan/plan.h"
#include "types/datetime.h"

struct sm_session {
    sm_arena *arena;        /* DataFrames, columns, plan nodes, expressions */
    sm_pool *pool;
    int threads;
    const sm_tz *tz;        /* spark.sql.session.timeZone */
    bool ansi;              /* spark.sql.ansi.enabled */
    bool case_sensitive;    /* spark.sql.caseSensitive */
    int shuffle_partitions; /* 0 = one per thread */
    int64_t memory_limit;   /* smelt.memory.limit in bytes; 0 = the default */
    struct sm_conf_entry {
        char *key, *value;
    } *conf;
    int nconf, capconf;
    struct sm_source **sources; /* freed with the session */
    int nsources, capsources;
    sm_batch **batches;         /* VALUES batches, freed with the session */
    int nbatches, capbatches;
    struct sm_catalog *catalog; /* opened on first use (sm_session_catalog) */
    char *warehouse;            /* spark.sql.warehouse.dir */
    char *current_db;           /* USE db; "default" */
    struct sm_temp_view {
        char *name;             /* lower case */
        sm_plan *plan;
    } *views;                   /* temporary views */
    int nviews, capviews;
    sm_expr **bound;            /* bound trees whose per-query state (compiled
                                   regexes, date patterns) is released at the end */
    int nbound, capbound;
    struct sm_exec_reuse *reuse; /* breaker results kept across actions (exec/reuse.h) */
    struct sm_event_log *events; /* the event log, once opened (exec/eventlog.h) */
    char *events_path;           /* the file it was opened at */
};

struct sm_dataframe {
    sm_session *session;
    sm_plan *plan;
};

struct sm_column {
    sm_session *session;
    sm_expr *expr;   /* unbound */
    const char *text; /* source text when parsed from SQL, for carets */
};

struct sm_grouped {
    sm_dataframe *df;
    sm_expr **keys;  /* bound to df's schema */
    const char **key_names; /* output names, as Spark names them */
    int nkeys;
    /* rollup / cube (sql/grouping_api.c): aggregation goes through the SQL
     * analyzer's grouping-sets planning, so both APIs share one rule set */
    const char *const *key_texts;
    sm_dataframe *(*agg_text)(struct sm_grouped *g, int n, const char *const *exprs);
    int grouping;    /* 0 plain, 1 rollup, 2 cube */
};

/* A DataFrame over a plan node (arena-allocated; NULL on NOMEM). */
sm_dataframe *sm_df_wrap(sm_session *s, sm_plan *plan);
/* A DataFrame over in-memory batches (the batches become the session's,
 * also when it fails: the caller never frees them). */
sm_dataframe *sm_df_from_batches(sm_session *s, const sm_schema *schema, sm_batch **batches,
                                 int nbatches);
/* A binding context for expressions over `schema`. */
void sm_session_bind_ctx(sm_session *s, const sm_schema *schema, const char *text,
                         sm_bind_ctx *out);
/* An execution context for one action. */
/* spark.sql.autoBroadcastJoinThreshold-style byte sizes (dist_api.c): a
 * whole number with an optional unit b, k/kb, m/mb, g/gb, t/tb, p/pb
 * (powers of 1024, case-insensitive), or negative (-1: off), as Spark's
 * bytesConf reads them. */
int sm_parse_byte_conf(const char *what, const char *text, int64_t *out);
int sm_session_exec_ctx(sm_session *s, sm_exec_ctx *out);
/* An action (a job in the event log): the execution context, and the
 * JobStart event when the session has an event log (spark.eventLog.*,
 * smelt.eventLog.path); sm_session_job_end writes the operator metrics and
 * JobEnd and releases the context.  `action` names it ("count"). */
int sm_session_job_begin(sm_session *s, sm_exec_ctx *ctx, const sm_plan *root, const char *action);
void sm_session_job_end(sm_exec_ctx *ctx, const sm_plan *root, int rc);
/* The session's event log, opened on first use; *out NULL when none is
 * configured.  An error when it cannot be opened. */
int sm_session_event_log(sm_session *s, struct sm_event_log **out);
/* The session's catalog, opened on first use (warehouse from the setting
 * spark.sql.warehouse.dir, $SMELT_HOME, or ./smelt-warehouse). */
int sm_session_catalog(sm_session *s, struct sm_catalog **out);
/* Temporary views: lookup (NULL when absent), register/replace, drop. */
sm_plan *sm_session_temp_view(sm_session *s, const char *name);
int sm_session_set_temp_view(sm_session *s, const char *name, sm_plan *plan);
bool sm_session_drop_temp_view(sm_session *s, const char *name);

/* Registers a bound tree; its state is released with the session. */
int sm_session_add_bound(sm_session *s, sm_expr *bound);
/* Keeps a source alive until the session ends. */
int sm_session_add_source(sm_session *s, struct sm_source *src);

/* Window expressions of select items (api/window.c): when an item contains
 * OVER, *df_out is a WINDOW node over df (df's columns ++ one per window
 * expression) and rewritten[i] the item with its window expressions replaced
 * by references to those columns (bind it against *df_out; take the output
 * name from the original item).  Otherwise *df_out = df and rewritten[i] =
 * unbound[i].  texts may be NULL. */
int sm_window_plan(sm_dataframe *df, int n, sm_expr *const *unbound, const char *const *texts,
                   sm_dataframe **df_out, sm_expr **rewritten);

/* Runs the plan and returns every batch, in partition order. */
int sm_df_collect_batches(sm_dataframe *df, sm_batch ***out, int *nbatches);

/* ---- for the SQL analyzer (sql_support.c) ---------------------------------- */

/* A bound reference to column `col` of `sc`. */
sm_expr *sm_sql_column_ref(sm_session *s, const sm_schema *sc, int col);
/* A projection of expressions already bound to df's schema; a plain column
 * reference keeps its input field's qualifier. */
sm_dataframe *sm_df_project_bound(sm_dataframe *df, int n, sm_expr **exprs, const char **names);
/* A LEFT OUTER equi-join as the same join built on its left input: RIGHT
 * OUTER with the children swapped under a projection restoring the columns
 * (api/join.c); j itself when it is no such join or on failure. */
sm_dataframe *sm_df_join_swap_build(sm_dataframe *j);
/* ORDER BY expression trees: keys[i].expr is bound here against df (text is
 * for carets), unless prebound[i] (prebound may be NULL). */
sm_dataframe *sm_df_sort_exprs(sm_dataframe *df, int n, const sm_sort_key *keys,
                               const bool *prebound, const char *text);
/* EXPAND (grouping sets): nsets projections of nexprs expressions bound to
 * df; names the output columns (types from set 0, nullable if any is). */
/* GENERATE (explode & co, api/generate.c): df's columns then the generator's
 * over `arg` (bound against df's schema), named names[0..nnames) or Spark's
 * defaults (col / pos, col / key, value / the struct's fields). */
sm_dataframe *sm_df_generate(sm_dataframe *df, sm_expr *arg, int kind, bool outer, int nnames,
                             const char *const *names);
/* Select items that are generators (explode(a) [AS x], ...) become GENERATE
 * nodes over *df (updated) and references to their columns; *out the
 * rewritten items (items itself when there is none). */
int sm_df_plan_generators(sm_dataframe **df, int n, sm_expr *const *items, sm_expr ***out,
                          int *nout);
sm_dataframe *sm_df_expand(sm_dataframe *df, int nsets, int nexprs, sm_expr ***sets,
                           const char **names);
/* One row, no columns (SELECT without FROM). */
sm_dataframe *sm_df_one_row(sm_session *s);
/* range(start, end, step): one BIGINT column "id". */
sm_dataframe *sm_df_range(sm_session *s, int64_t start, int64_t end, int64_t step);

/* A scan of files of one format ("csv", "parquet", "json") as a DataFrame
 * (api/dataframe.c; sm_read_csv_paths, sm_read_parquet_paths and
 * sm_read_json_paths are this with their format). */
sm_dataframe *sm_read_format_paths(sm_session *s, const char *format, const char *const *paths,
                                   int npaths, const char *const *options, const char *schema_ddl);

#endif
