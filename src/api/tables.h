/*
 * tables.h — tables and views by name, shared by the public table API
 * (tables.c: sm_read_table, sm_df_save_as_table, sm_df_insert_into), the SQL
 * statements (sql/statements.c) and the SQL analyzer (FROM t).
 *
 * Resolution order, as Spark's: an unqualified name is a temporary view
 * when the session has one, else a table or view of the current database
 * (USE db); db.name goes to the catalog directly.
 */
#ifndef SM_API_TABLES_H
#define SM_API_TABLES_H

#include "api/api_internal.h"
#include "catalog/catalog.h"

/* The DataFrame of a table or view.  db NULL: temporary views first, then
 * the current database.  Missing: SM_NOT_FOUND with Spark's
 * [TABLE_OR_VIEW_NOT_FOUND] naming it as written (`t` or `db`.`t`). */
/* Reading / writing a table's files in its format ("csv" or "parquet", as
 * sm_table_check_format gives it; NULL is csv): sm_read_csv / sm_read_parquet
 * and sm_df_write_csv / sm_df_write_parquet. */
sm_dataframe *sm_table_read_files(sm_session *s, const char *fmt, const char *path,
                                  const char *const *opts, const char *ddl);
int sm_table_write_files(sm_dataframe *df, const char *fmt, const char *path, const char *mode,
                         const char *const *opts);

int sm_table_lookup(sm_session *s, const char *db, const char *name, sm_dataframe **out);

/* The DataFrame of a catalog entry (a table's files, or a view's query). */
int sm_table_dataframe(sm_session *s, const sm_table_info *t, sm_dataframe **out);

/* Splits "db.t", "`my db`.`t`" or "t" (db NULL) into arena strings. */
int sm_table_split_name(sm_session *s, const char *qualified, char **db, char **name);

/* CREATE TABLE: spec describes the table; df (CTAS) gives schema and rows,
 * or is NULL (schema from spec->schema, or inferred from the files at an
 * external location). */
typedef struct {
    const char *db, *name;        /* db NULL: the current database */
    const char *format;           /* NULL: csv (see docs: Parquet comes later) */
    const char *const *options;   /* key/value pairs, NULL-terminated, or NULL */
    const char *location;         /* NULL: a managed table under the warehouse */
    const char *comment;
    char **partition_cols;
    int npartition;
    const sm_schema *schema;      /* columns when df is NULL; may be NULL */
    char **column_comments;       /* schema->ncols entries or NULL */
    bool if_not_exists, replace;
} sm_table_spec;
int sm_table_create(sm_session *s, const sm_table_spec *spec, sm_dataframe *df);

/* INSERT INTO / OVERWRITE: df's columns by position onto the table's
 * columns (or onto cols[0..ncols) when given; the others get NULL), with
 * Spark's ANSI store-assignment checks and casts. */
int sm_table_insert(sm_session *s, const char *db, const char *name, sm_dataframe *df,
                    char *const *cols, int ncols, bool overwrite);
/* The same; an overwrite of a partitioned table replaces only the
 * partitions under overwrite_prefix ("p1=a": INSERT OVERWRITE ...
 * PARTITION (p1 = 'a', ...)) when given, or only those the insert writes
 * under spark.sql.sources.partitionOverwriteMode=dynamic. */
int sm_table_insert_ex(sm_session *s, const char *db, const char *name, sm_dataframe *df,
                       char *const *cols, int ncols, bool overwrite, const char *overwrite_prefix);

/* "csv" when `format` (NULL = the default) is one smelt can use for
 * tables; otherwise an error naming what exists. */
int sm_table_check_format(const char *format, const char **out);

/* A DataFrame with df's columns renamed (by position) to names[]. */
sm_dataframe *sm_table_rename(sm_dataframe *df, char *const *names);

#endif
