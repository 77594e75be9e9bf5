/*
 * smelt.h — the public C API of libsmelt.
 *
 * smelt follows PySpark: a session reads data into DataFrames; DataFrames
 * are lazy and immutable (every transformation returns a new one); actions
 * (show, count, collect, write) run the plan on all cores.
 *
 *     sm_session *s = sm_session_new(NULL);
 *     const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
 *     sm_dataframe *df = sm_read_csv(s, "raw/", opts, NULL);
 *     df = sm_df_filter(df, "session_duration > 30");
 *     df = sm_df_with_column(df, "total_bandwidth", "download_speed + upload_speed");
 *     sm_df_show(df, 20, 20);
 *     sm_session_free(s);
 *
 * Conventions:
 *   - Functions returning a pointer return NULL on failure; those returning
 *     int return 0 (SM_OK) or a status code.  Either way sm_last_error()
 *     gives one clear message (what, where, what to do).
 *   - A transformation given NULL as its DataFrame returns NULL, so a chain
 *     of calls can be checked once at the end.
 *   - DataFrames, columns and grouped data are owned by their session and
 *     freed by sm_session_free; never free them yourself.
 *   - Options are NULL-terminated arrays of key/value strings, with Spark's
 *     option names (case-insensitive): {"header", "true", "sep", ";", NULL}.
 *   - Expressions are Spark SQL text, as PySpark's expr(), filter("...") and
 *     selectExpr take them, or sm_column trees built with sm_col / sm_lit_*.
 */
#ifndef SMELT_H
#define SMELT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_session sm_session;
typedef struct sm_dataframe sm_dataframe;
typedef struct sm_column sm_column;
typedef struct sm_grouped sm_grouped;
typedef struct sm_result sm_result;

/* ---- session ----------------------------------------------------------- */

/* conf: NULL-terminated key/value pairs, as for sm_session_set. */
sm_session *sm_session_new(const char *const *conf);
void sm_session_free(sm_session *s);
/* Settings by Spark's names: "spark.sql.session.timeZone" (UTC),
 * "spark.sql.ansi.enabled" (false), "spark.sql.shuffle.partitions",
 * "spark.sql.caseSensitive" (false), "spark.sql.warehouse.dir"
 * (./smelt-warehouse, or $SMELT_HOME); smelt's own: "smelt.threads" (CPU
 * count). */
int sm_session_set(sm_session *s, const char *key, const char *value);
const char *sm_session_get(sm_session *s, const char *key);
/* The session's event log file (JSON lines per job, stage, task and
 * operator: docs/event-log.md), opened on first use from the settings
 * smelt.eventLog.path, or spark.eventLog.enabled=true with
 * spark.eventLog.dir; NULL when none is configured or it cannot be opened
 * (then sm_last_error() says why). */
const char *sm_session_event_log_path(sm_session *s);
/* The message of the last failure on this thread. */
const char *sm_last_error(void);

/* ---- reading ------------------------------------------------------------ */

/* path: a file, a directory (its files, skipping names that start with '_'
 * or '.'), or a glob.  schema_ddl: NULL, or "id INT, name STRING". */
sm_dataframe *sm_read_csv(sm_session *s, const char *path, const char *const *options,
                          const char *schema_ddl);
sm_dataframe *sm_read_csv_paths(sm_session *s, const char *const *paths, int npaths,
                                const char *const *options, const char *schema_ddl);

/* spark.read.parquet(path): flat schemas (nested columns are refused with
 * SM_UNSUPPORTED naming the column).  The schema comes from the first file
 * unless schema_ddl is given; every column is nullable.  options: NULL, or
 * {"columns", "a,b", NULL} to read only those columns.  docs/parquet.md. */
sm_dataframe *sm_read_parquet(sm_session *s, const char *path, const char *const *options,
                              const char *schema_ddl);
sm_dataframe *sm_read_parquet_paths(sm_session *s, const char *const *paths, int npaths,
                                    const char *const *options, const char *schema_ddl);

/* spark.read.json(path): JSON lines (one object per line), or with
 * {"multiLine", "true"} one object or array of objects per file.  The
 * schema is inferred as Spark does (fields sorted by name, nested objects
 * and arrays as struct and array types) unless schema_ddl is given;
 * options and modes as Spark's.  docs/json.md. */
sm_dataframe *sm_read_json(sm_session *s, const char *path, const char *const *options,
                           const char *schema_ddl);
sm_dataframe *sm_read_json_paths(sm_session *s, const char *const *paths, int npaths,
                                 const char *const *options, const char *schema_ddl);

/* ---- columns built in C ------------------------------------------------ */

sm_column *sm_col(sm_session *s, const char *name);
/* expr("..."): a column parsed from Spark SQL text (PySpark's functions.expr). */
sm_column *sm_col_expr(sm_session *s, const char *sql);
sm_column *sm_lit_int(sm_session *s, int64_t v);
sm_column *sm_lit_double(sm_session *s, double v);
sm_column *sm_lit_string(sm_session *s, const char *v);
sm_column *sm_lit_bool(sm_session *s, bool v);
sm_column *sm_lit_null(sm_session *s);
/* A function or operator by its Spark name: sm_call(s, "upper", 1, &c),
 * sm_call(s, "+", 2, (sm_column*[]){a, b}). */
sm_column *sm_call(sm_session *s, const char *name, int nargs, sm_column *const *args);
sm_column *sm_column_alias(sm_column *c, const char *name);
sm_column *sm_column_cast(sm_column *c, const char *type_name);
/* when(cond, value)...otherwise(value): conds/values have n entries;
 * otherwise may be NULL. */
sm_column *sm_when(sm_session *s, int n, sm_column *const *conds, sm_column *const *values,
                   sm_column *otherwise);

/* ---- transformations (lazy) -------------------------------------------- */

sm_dataframe *sm_df_select(sm_dataframe *df, int n, sm_column *const *cols);
sm_dataframe *sm_df_select_expr(sm_dataframe *df, int n, const char *const *exprs);
sm_dataframe *sm_df_filter(sm_dataframe *df, const char *condition);
sm_dataframe *sm_df_filter_col(sm_dataframe *df, sm_column *condition);
#define sm_df_where sm_df_filter
sm_dataframe *sm_df_with_column(sm_dataframe *df, const char *name, const char *expr);
sm_dataframe *sm_df_with_column_col(sm_dataframe *df, const char *name, sm_column *c);
sm_dataframe *sm_df_with_column_renamed(sm_dataframe *df, const char *existing,
                                        const char *new_name);
sm_dataframe *sm_df_drop(sm_dataframe *df, int n, const char *const *names);
/* na.fill with a value for every column of a matching type: value_sql is a
 * literal in SQL ("0", "'unknown'", "true"); numbers fill numeric columns,
 * strings string columns, booleans boolean columns (Spark's rules).
 * subset: NULL (all columns) or n names. */
sm_dataframe *sm_df_na_fill(sm_dataframe *df, const char *value_sql, int n,
                            const char *const *subset);
/* na.fill({col: value, ...}): pairs is NULL-terminated name/value_sql. */
sm_dataframe *sm_df_na_fill_map(sm_dataframe *df, const char *const *pairs);
/* na.drop: how "any" or "all"; thresh >= 0 overrides how (min non-nulls). */
sm_dataframe *sm_df_na_drop(sm_dataframe *df, const char *how, int thresh, int n,
                            const char *const *subset);
sm_dataframe *sm_df_drop_duplicates(sm_dataframe *df, int n, const char *const *subset);
sm_dataframe *sm_df_distinct(sm_dataframe *df);
sm_dataframe *sm_df_union(sm_dataframe *df, sm_dataframe *other);      /* by position */
sm_dataframe *sm_df_union_by_name(sm_dataframe *df, sm_dataframe *other,
                                  bool allow_missing_columns);
/* Sort keys as text: "x", "x DESC", "x ASC NULLS LAST". */
sm_dataframe *sm_df_order_by(sm_dataframe *df, int n, const char *const *keys);
sm_dataframe *sm_df_limit(sm_dataframe *df, int64_t n);

sm_grouped *sm_df_group_by(sm_dataframe *df, int n, const char *const *cols);
/* Aggregate expressions as text: "avg(x)", "count(*)", "sum(a) AS total". */
sm_dataframe *sm_grouped_agg(sm_grouped *g, int n, const char *const *exprs);
sm_dataframe *sm_grouped_agg_cols(sm_grouped *g, int n, sm_column *const *cols);
/* agg({"x": "avg", "y": "sum"}): pairs is NULL-terminated column/function;
 * output columns are named "avg(x)", "sum(y)" as in Spark, and come in the
 * order Spark gives them (that of a java.util.HashMap of the column names,
 * which is not the order of the pairs). */
sm_dataframe *sm_grouped_agg_dict(sm_grouped *g, const char *const *pairs);
sm_dataframe *sm_grouped_count(sm_grouped *g);
/* df.agg(...) over the whole DataFrame. */
sm_dataframe *sm_df_agg(sm_dataframe *df, int n, const char *const *exprs);
sm_dataframe *sm_df_agg_dict(sm_dataframe *df, const char *const *pairs);
/* describe(cols...): count, mean, stddev, min, max as strings. */
sm_dataframe *sm_df_describe(sm_dataframe *df, int n, const char *const *cols);

/* ---- joins, set operations, aliases ---------------------------------------- */

/* df.join(other, on, how): on is a Spark SQL condition over both sides
 * ("a.id = b.id AND b.x > 0", qualified through sm_df_alias); how is
 * "inner" (NULL), "left"/"left_outer"/"leftouter", "right", "full"/"outer"/
 * "full_outer", "left_semi"/"semi", "left_anti"/"anti", "cross". */
sm_dataframe *sm_df_join(sm_dataframe *df, sm_dataframe *other, const char *on, const char *how);
sm_dataframe *sm_df_join_col(sm_dataframe *df, sm_dataframe *other, sm_column *on,
                             const char *how);
/* df.join(other, ["a", "b"], how): equi-join on same-named columns, which
 * appear once in the output (coalesced for full joins), as in Spark. */
sm_dataframe *sm_df_join_using(sm_dataframe *df, sm_dataframe *other, int n,
                               const char *const *cols, const char *how);
sm_dataframe *sm_df_cross_join(sm_dataframe *df, sm_dataframe *other);
/* df.alias("t"): columns can then be referenced as t.col. */
sm_dataframe *sm_df_alias(sm_dataframe *df, const char *alias);
sm_dataframe *sm_df_offset(sm_dataframe *df, int64_t n);
sm_dataframe *sm_df_intersect(sm_dataframe *df, sm_dataframe *other);
sm_dataframe *sm_df_intersect_all(sm_dataframe *df, sm_dataframe *other);
sm_dataframe *sm_df_subtract(sm_dataframe *df, sm_dataframe *other);   /* EXCEPT DISTINCT */
sm_dataframe *sm_df_except_all(sm_dataframe *df, sm_dataframe *other);
/* df.rollup(...) / df.cube(...): then sm_grouped_agg. */
sm_grouped *sm_df_rollup(sm_dataframe *df, int n, const char *const *cols);
sm_grouped *sm_df_cube(sm_dataframe *df, int n, const char *const *cols);

/* Window functions are expressions: "row_number() OVER (PARTITION BY a
 * ORDER BY b)", "sum(x) OVER (ORDER BY d ROWS BETWEEN 1 PRECEDING AND
 * CURRENT ROW)" in select / with_column. */

/* ---- SQL, views and tables ---------------------------------------------------- */

/* spark.sql(statement): a query gives its DataFrame (lazy); any other
 * statement (CREATE, INSERT, SET, SHOW ...) runs now and gives its result
 * rows (possibly none). */
sm_dataframe *sm_sql(sm_session *s, const char *statement);
/* Runs a script of ';'-separated statements in order, calling cb with each
 * statement's text and result; stops at the first failure (returned). */
typedef int (*sm_sql_callback)(void *arg, const char *statement, sm_dataframe *result);
int sm_sql_script(sm_session *s, const char *script, sm_sql_callback cb, void *arg);
/* df.createOrReplaceTempView(name). */
int sm_df_create_or_replace_temp_view(sm_dataframe *df, const char *name);
/* spark.read.table(name) / spark.table(name): a table or view by name. */
sm_dataframe *sm_read_table(sm_session *s, const char *name);
/* df.write.saveAsTable(name, format=..., mode=...): format NULL = parquet in
 * Spark; smelt defaults to csv until Parquet lands. */
int sm_df_save_as_table(sm_dataframe *df, const char *name, const char *format,
                        const char *mode, const char *const *options);
/* df.write.insertInto(name, overwrite). */
int sm_df_insert_into(sm_dataframe *df, const char *name, bool overwrite);

/* ---- schema ---------------------------------------------------------------- */

int sm_df_num_columns(const sm_dataframe *df);
const char *sm_df_column_name(const sm_dataframe *df, int col);
/* Spark's simple type name: "int", "bigint", "double", "string", ... */
const char *sm_df_column_type(const sm_dataframe *df, int col);

/* ---- actions ------------------------------------------------------------ */

/* show(n, truncate): truncate = 0 for none, else the column width (20). */
int sm_df_show(sm_dataframe *df, int64_t n, int truncate);
int sm_df_show_to(sm_dataframe *df, int64_t n, int truncate, FILE *out);
int sm_df_print_schema(sm_dataframe *df);
int sm_df_print_schema_to(sm_dataframe *df, FILE *out);
int sm_df_count(sm_dataframe *df, int64_t *out);

/* collect(): runs the plan and holds every row. */
sm_result *sm_df_collect(sm_dataframe *df);
int64_t sm_result_num_rows(const sm_result *r);
int sm_result_num_columns(const sm_result *r);
bool sm_result_is_null(const sm_result *r, int64_t row, int col);
int64_t sm_result_get_int(const sm_result *r, int64_t row, int col);   /* int, bigint, date (days) */
double sm_result_get_double(const sm_result *r, int64_t row, int col);
bool sm_result_get_bool(const sm_result *r, int64_t row, int col);
/* Any value as Spark's string form (CAST AS STRING); NULL for null.  The
 * pointer stays valid until sm_result_free. */
const char *sm_result_get_string(sm_result *r, int64_t row, int col);
/* The same, with arrays, maps and structs as the spark-sql shell prints them
 * (Hive style: [1,2], {"a":1}, {"f":"x"}) instead of CAST AS STRING's form. */
const char *sm_result_get_hive_string(sm_result *r, int64_t row, int col);
void sm_result_free(sm_result *r);

/* Iteration over batches as they are produced (rows in partition order). */
typedef int (*sm_batch_callback)(void *arg, const sm_result *batch);
int sm_df_foreach_batch(sm_dataframe *df, sm_batch_callback cb, void *arg);

/* ---- writing --------------------------------------------------------------- */

/* write.csv(path, mode=..., header=...): mode "error"/"errorifexists"
 * (default when NULL), "overwrite", "append", "ignore"; options: header,
 * sep, quote, escape, nullValue, emptyValue, dateFormat, timestampFormat,
 * compression or codec (none, gzip, bzip2, deflate, lz4, snappy, zstd).
 * Writes part-NNNNN-<uuid>-c000.csv[.gz|.bz2|...] files and
 * _SUCCESS, committed atomically. */
int sm_df_write_csv(sm_dataframe *df, const char *path, const char *mode,
                    const char *const *options);
/* df.write.mode(mode).options(...).parquet(path): options compression
 * (snappy by default; zstd, gzip, lz4, lz4_raw, brotli, none),
 * parquet.block.size (row group bytes, 128 MiB), parquet.page.size,
 * parquet.enable.dictionary.  Writes part-NNNNN-<uuid>-c000.snappy.parquet
 * files and _SUCCESS, committed atomically; Spark, pyarrow and DuckDB read
 * them back to the same types. */
int sm_df_write_parquet(sm_dataframe *df, const char *path, const char *mode,
                        const char *const *options);
/* df.write.mode(mode).options(...).json(path): JSON lines as Spark writes
 * them; options ignoreNullFields (true), dateFormat, timestampFormat,
 * timestampNTZFormat, lineSep, compression (none, gzip, bzip2, deflate,
 * lz4, snappy, zstd), partitionBy,
 * maxRecordsPerFile.  Writes part-NNNNN-<uuid>-c000.json files and
 * _SUCCESS, committed atomically. */
int sm_df_write_json(sm_dataframe *df, const char *path, const char *mode,
                     const char *const *options);

/* ---- explain ------------------------------------------------------------- */

int sm_df_explain(sm_dataframe *df, FILE *out);
/* EXPLAIN ANALYZE: runs the plan (rows discarded) and prints the plan tree
 * with per-operator metrics: output rows, time (self, wall, summed over
 * tasks), tasks, peak memory of breakers; for scans files, bytes read,
 * Parquet row groups read and skipped by statistics, partitions read and
 * skipped, rows scanned (docs/explain-analyze.md).  SMELT_EXPLAIN_MASK_TIMES=1
 * prints times and memory as "*" (for golden tests). */
int sm_df_explain_analyze(sm_dataframe *df, FILE *out);

/* ---- distributed runs (MPI; docs/mpi.md) ----------------------------------- */

/* Call first in main(): when an MPI launcher (mpirun, mpiexec, srun) started
 * the program, initializes MPI and joins its job; otherwise does nothing and
 * the program is rank 0 of 1.  Every rank then runs the same program: each
 * reads its share of the input, rows move between ranks at shuffles, every
 * action's result is complete on every rank, writes are committed once. */
int sm_dist_init(int *argc, char ***argv);
int sm_dist_rank(void);
int sm_dist_size(void);
/* True when this library was built with MPI. */
bool sm_dist_available(void);
/* Ends a step (a statement, a job): all ranks agree on its status rc (a
 * rank that failed alone makes every rank fail with its message). */
int sm_dist_step_end(int rc);
/* Every rank calls it: rank 0 prints what the exchanges moved (rows, bytes,
 * rows received per rank min/avg/max with a warning on skew, time spent in
 * exchanges) to `out` (NULL: nothing).  Nothing with one rank. */
int sm_dist_summary(FILE *out);
/* Every rank calls it: vals[0..n) become their sums over the ranks (a
 * status agreement first: a failed step returns its error).  Nothing with
 * one rank. */
int sm_dist_sum_i64(int64_t *vals, int n);
/* Every rank calls it: *text (malloc'ed, NUL-terminated, or NULL) becomes
 * rank 0's on every rank — for input only rank 0 can read (the launcher
 * forwards standard input to rank 0 alone). */
int sm_dist_share_text(char **text);
/* While on, actions return their rows on rank 0 only (the other ranks get
 * none): for a final print that nothing else reads.  Off by default:
 * every rank gets the complete result. */
void sm_dist_results_on_rank0(bool on);
/* Ends the whole job on every rank at once, exit status `code`. */
void sm_dist_abort(int code);
void sm_dist_finalize(void);

#ifdef __cplusplus
}
#endif

#endif
