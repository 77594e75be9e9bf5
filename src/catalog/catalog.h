/*
 * catalog.h — the persistent catalog: databases, tables and views that
 * survive across runs, kept in SQLite inside the warehouse directory
 * (./smelt-warehouse by default, like Spark's spark-warehouse; SMELT_HOME or
 * the session setting spark.sql.warehouse.dir moves it).
 *
 * Layout on disk:
 *   <warehouse>/metastore.db          SQLite: databases, tables, columns
 *   <warehouse>/<table>/              managed tables of the default database
 *   <warehouse>/<db>.db/<table>/      managed tables of other databases
 * External tables (CREATE TABLE ... LOCATION '...') point elsewhere and
 * keep their files when dropped.
 *
 * Concurrency: every change is one SQLite transaction (BEGIN IMMEDIATE, a
 * busy timeout), so two processes sharing a warehouse serialize their
 * changes and never corrupt it.
 *
 * Names are case-insensitive and stored lower case, as Spark's catalog.
 */
#ifndef SM_CATALOG_H
#define SM_CATALOG_H

#include <stdbool.h>

#include "types/types.h"

typedef struct sm_catalog sm_catalog;

typedef struct sm_table_info {
    char *db, *name;          /* lower case */
    bool is_view;             /* a persistent view: view_sql holds its query */
    char *view_sql;
    char *format;             /* csv, json, parquet */
    char *location;           /* absolute path of the data directory */
    bool managed;             /* files live under the warehouse and are dropped with it */
    char **options;           /* key/value pairs, NULL-terminated */
    sm_schema *schema;        /* columns (with partition columns last) */
    char **partition_cols;
    int npartition;
    char *comment;
    long long created;        /* unix seconds */
    char **column_comments;   /* schema->ncols entries (NULL where none), or NULL */
} sm_table_info;

/* Opens (creating when missing) the catalog of `warehouse_dir`. */
int sm_catalog_open(const char *warehouse_dir, sm_catalog **out);
void sm_catalog_close(sm_catalog *c);
const char *sm_catalog_warehouse(const sm_catalog *c);

int sm_catalog_create_database(sm_catalog *c, const char *name, const char *location,
                               const char *comment, bool if_not_exists);
/* Fails with [SCHEMA_NOT_EMPTY] when the database has tables and !cascade. */
int sm_catalog_drop_database(sm_catalog *c, const char *name, bool if_exists, bool cascade);
bool sm_catalog_database_exists(sm_catalog *c, const char *name);
/* Names, sorted; *out is NULL-terminated, free with sm_catalog_free_names. */
int sm_catalog_list_databases(sm_catalog *c, char ***out);
/* A database's location and comment (either may come back NULL; free with
 * sm_free).  [SCHEMA_NOT_FOUND] when absent. */
int sm_catalog_database_info(sm_catalog *c, const char *name, char **location, char **comment);

/* Registers a table or view.  replace: CREATE OR REPLACE.  The caller
 * creates the data directory of a managed table. */
int sm_catalog_create_table(sm_catalog *c, const sm_table_info *t, bool if_not_exists,
                            bool replace);
/* SM_NOT_FOUND (message: [TABLE_OR_VIEW_NOT_FOUND] ...) when absent. */
int sm_catalog_get_table(sm_catalog *c, const char *db, const char *name, sm_table_info **out);
int sm_catalog_drop_table(sm_catalog *c, const char *db, const char *name, bool if_exists,
                          bool view);
int sm_catalog_list_tables(sm_catalog *c, const char *db, char ***out);
/* Default location of a managed table. Caller frees with sm_free. */
char *sm_catalog_table_path(sm_catalog *c, const char *db, const char *name);

void sm_table_info_free(sm_table_info *t);
void sm_catalog_free_names(char **names);

#endif
