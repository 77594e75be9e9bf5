/*
 * statements.c — sql_execute: runs one parsed statement (ast.h) and returns
 * its result as a DataFrame.
 *
 * Queries are analyzed (sql_analyze_query) and returned lazily, as Spark's
 * spark.sql("SELECT ...") does.  Every other statement runs now: it acts on
 * the catalog (catalog/catalog.h), the session's temporary views or
 * settings, or writes files, and returns its rows (SHOW, DESCRIBE, SET,
 * EXPLAIN) as an in-memory DataFrame, or an empty one with no columns.
 *
 * Output columns follow Spark 3.5 (checked with PySpark):
 *   SHOW DATABASES        namespace
 *   SHOW TABLES           namespace, tableName, isTemporary (temporary views
 *                         listed after the database's tables, namespace '')
 *   SHOW VIEWS            namespace, viewName, isTemporary
 *   SHOW COLUMNS          col_name
 *   SHOW FUNCTIONS        function
 *   SHOW CREATE TABLE     createtab_stmt
 *   DESCRIBE [EXTENDED]   col_name, data_type, comment
 *   DESCRIBE DATABASE     info_name, info_value
 *   EXPLAIN               plan
 *   SET                   key, value  (SET -v: key, value, meaning, Since version)
 *
 * Table operations shared with the DataFrame API (CREATE TABLE [AS],
 * INSERT) live in api/tables.c; this file maps statements onto them.
 *
 * Memory: result batches are handed to the session (sm_df_from_batches);
 * everything else lives in the session arena or is freed before return.
 */
#include <ctype.h>
#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/tables.h"
#include "catalog/catalog.h"
#include "fs/commit.h"
#include "fs/fs.h"
#include "exec/spill.h"
#include "fs/partition.h"
#include "sql/sql.h"

/* ---- result rows ------------------------------------------------------------ */

typedef struct {
    sm_session *s;
    sm_schema *schema;
    sm_vector **cols;
    int64_t nrows;
} st_rows;

static int rows_init(st_rows *r, sm_session *s, int ncols, const char *const *names,
                     const sm_type *types) {
    memset(r, 0, sizeof *r);
    r->s = s;
    r->schema = sm_schema_new(ncols);
    r->cols = sm_calloc((size_t)(ncols ? ncols : 1), sizeof *r->cols);
    if (!r->schema || !r->cols) return SM_NOMEM;
    for (int c = 0; c < ncols; c++) {
        SM_TRY(sm_schema_set(r->schema, c, names[c], types ? types[c] : SM_STRING, true));
        if (!(r->cols[c] = sm_vector_new(types ? types[c] : SM_STRING, 16))) return SM_NOMEM;
    }
    return SM_OK;
}

static void rows_free(st_rows *r) {
    for (int c = 0; r->schema && r->cols && c < r->schema->ncols; c++)
        if (r->cols[c]) sm_vector_unref(r->cols[c]);
    sm_free(r->cols);
    sm_schema_free(r->schema);
    r->cols = NULL;
    r->schema = NULL;
}

/* One row: vals[c] is the text of column c (NULL for null; "true"/"false"
 * for boolean columns). */
static int rows_add(st_rows *r, const char *const *vals) {
    for (int c = 0; c < r->schema->ncols; c++) {
        sm_vector *v = r->cols[c];
        if (!vals[c])
            SM_TRY(sm_vector_append_null(v));
        else if (v->type == SM_BOOLEAN)
            SM_TRY(sm_vector_append_bool(v, strcmp(vals[c], "true") == 0));
        else
            SM_TRY(sm_vector_append_str(v, vals[c], (int32_t)strlen(vals[c])));
    }
    r->nrows++;
    return SM_OK;
}

static int rows_add3(st_rows *r, const char *a, const char *b, const char *c) {
    const char *v[3] = {a, b, c};
    return rows_add(r, v);
}

/* Hands the rows to a DataFrame (consumes r, also on failure). */
static int rows_df(st_rows *r, sm_dataframe **out) {
    int ncols = r->schema->ncols;
    sm_batch *b = sm_batch_new(ncols, r->nrows);
    if (!b) {
        rows_free(r);
        return SM_NOMEM;
    }
    for (int c = 0; c < ncols; c++) {
        b->cols[c] = r->cols[c];
        r->cols[c] = NULL;
    }
    sm_batch *bs[1] = {b};
    *out = sm_df_from_batches(r->s, r->schema, bs, 1);
    rows_free(r);
    return *out ? SM_OK : (sm_errcode() ? sm_errcode() : SM_NOMEM);
}

/* The empty result of a command: no columns, no rows. */
static int empty_result(sm_session *s, sm_dataframe **out) {
    sm_schema sc = {0};
    *out = sm_df_from_batches(s, &sc, NULL, 0);
    return *out ? SM_OK : SM_NOMEM;
}

/* ---- small helpers ---------------------------------------------------------- */

static char *lower_dup(sm_session *s, const char *x) {
    char *r = sm_arena_strdup(s->arena, x ? x : "");
    if (r)
        for (char *p = r; *p; p++) *p = (char)tolower((unsigned char)*p);
    return r;
}

static const char *db_of(sm_session *s, const sql_name *n) {
    return n->db ? n->db : s->current_db;
}

/* Spark's SHOW ... LIKE pattern: alternatives separated by '|', '*' any
 * sequence, '.' any character, case-insensitive. */
static bool pattern_one(const char *p, const char *pe, const char *s) {
    if (p == pe) return *s == 0;
    if (*p == '*') {
        for (const char *t = s;; t++) {
            if (pattern_one(p + 1, pe, t)) return true;
            if (!*t) return false;
        }
    }
    if (!*s) return false;
    if (*p != '.' && tolower((unsigned char)*p) != tolower((unsigned char)*s)) return false;
    return pattern_one(p + 1, pe, s + 1);
}

static bool pattern_match(const char *pattern, const char *name) {
    if (!pattern) return true;
    const char *p = pattern;
    for (;;) {
        const char *e = strchr(p, '|');
        if (!e) e = p + strlen(p);
        const char *a = p, *b = e;
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        if (pattern_one(a, b, name)) return true;
        if (!*e) return false;
        p = e + 1;
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Spark's type names: lower case for DESCRIBE, upper for DDL. */
static void type_text(const sm_field *f, bool upper, char *buf, size_t n) {
    if (f->type == SM_DECIMAL)
        snprintf(buf, n, "%s(%d,%d)", upper ? "DECIMAL" : "decimal", f->precision, f->scale);
    else if (f->type == SM_TIME)
        snprintf(buf, n, "%s(%d)", upper ? "TIME" : "time", sm_time_prec(f->precision));
    else
        snprintf(buf, n, "%s", sm_type_name(f->type));
    if (upper)
        for (char *p = buf; *p; p++) *p = (char)toupper((unsigned char)*p);
}

static int catalog(sm_session *s, sm_catalog **c) { return sm_session_catalog(s, c); }

/* The catalog entry of `n`, or [TABLE_OR_VIEW_NOT_FOUND] naming it as written. */
static int get_table(sm_session *s, const sql_name *n, sm_table_info **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    int rc = sm_catalog_get_table(c, db_of(s, n), n->name, out);
    if (rc == SM_NOT_FOUND) {
        sm_dataframe *df;
        return sm_table_lookup(s, n->db, n->name, &df); /* its message names it as written */
    }
    return rc;
}

static char *query_text(sm_session *s, const sql_query *q, const char *text) {
    if (!text || q->pos < 0 || q->end < q->pos || (size_t)q->end > strlen(text))
        return NULL;
    return sm_arena_strndup(s->arena, text + q->pos, (size_t)(q->end - q->pos));
}

static int analyze(sm_session *s, const sql_query *q, const char *text, sm_dataframe **out) {
    return sql_analyze_query(s, q, text, out);
}

/* ---- CREATE VIEW ---------------------------------------------------------- */

static int view_columns(sm_session *s, const sql_stmt *st, sm_dataframe **df) {
    if (st->ncolumns == 0) return SM_OK;
    int n = (*df)->plan->schema->ncols;
    if (n != st->ncolumns) {
        return sm_err(SM_ANALYSIS,
                      "[CREATE_VIEW_COLUMN_ARITY_MISMATCH.%s] Cannot create view `%s`, the reason "
                      "is %s data columns: the view names %d columns and its query gives %d.",
                      n < st->ncolumns ? "NOT_ENOUGH_DATA_COLUMNS" : "TOO_MANY_DATA_COLUMNS",
                      st->target.name, n < st->ncolumns ? "not enough" : "too many",
                      st->ncolumns, n);
    }
    char **names = sm_arena_alloc(s->arena, (size_t)n * sizeof *names);
    if (!names) return SM_NOMEM;
    for (int i = 0; i < n; i++) names[i] = st->columns[i].name;
    *df = sm_table_rename(*df, names);
    return *df ? SM_OK : SM_NOMEM;
}

/* A DataFrame over files: CREATE TEMPORARY VIEW v USING csv OPTIONS (path '...'). */
static int view_over_files(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    const char *fmt;
    SM_TRY(sm_table_check_format(st->format, &fmt));
    const char *path = st->location;
    int n = 0;
    while (st->options && st->options[n]) n++;
    const char **opts = sm_arena_alloc(s->arena, (size_t)(n + 1) * sizeof *opts);
    if (!opts) return SM_NOMEM;
    int k = 0;
    for (int i = 0; i + 1 < n; i += 2) {
        if (strcasecmp(st->options[i], "path") == 0) {
            path = st->options[i + 1];
            continue;
        }
        opts[k++] = st->options[i];
        opts[k++] = st->options[i + 1];
    }
    opts[k] = NULL;
    if (!path)
        return sm_err(SM_ANALYSIS,
                      "CREATE VIEW %s USING %s: no path given; add OPTIONS (path '/data/dir')",
                      st->target.name, fmt);
    char *ddl = NULL;
    if (st->ncolumns > 0) {
        sm_buf b = {0};
        for (int i = 0; i < st->ncolumns; i++) {
            sm_field f = {.type = st->columns[i].type, .precision = st->columns[i].precision,
                          .scale = st->columns[i].scale};
            char t[64];
            type_text(&f, true, t, sizeof t);
            sm_buf_appendf(&b, "%s`%s` %s", i ? ", " : "", st->columns[i].name, t);
        }
        ddl = sm_arena_strdup(s->arena, b.data ? sm_buf_cstr(&b) : "");
        sm_buf_free(&b);
        if (!ddl) return SM_NOMEM;
    }
    *out = sm_table_read_files(s, fmt, path, opts, ddl);
    return *out ? SM_OK : sm_errcode();
}

static int exec_create_view(sm_session *s, const sql_stmt *st, const char *text,
                            sm_dataframe **out) {
    bool temp = st->temporary || st->global;
    if (temp) {
        if (st->target.db && !st->global)
            return sm_err(SM_PARSE,
                          "[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CREATE TEMPORARY VIEW or the "
                          "corresponding Dataset APIs only accept single-part view names, but "
                          "got: %s.%s.",
                          st->target.db, st->target.name);
        if (sm_session_temp_view(s, st->target.name) && !st->or_replace) {
            if (st->if_not_exists) return empty_result(s, out);
            return sm_err(SM_EXISTS,
                          "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view "
                          "`%s` because it already exists.\nChoose a different name, drop or "
                          "replace the existing view,  or add the IF NOT EXISTS clause to "
                          "tolerate pre-existing views.",
                          st->target.name);
        }
        sm_dataframe *df;
        if (st->query) {
            SM_TRY(analyze(s, st->query, text, &df));
            SM_TRY(view_columns(s, st, &df));
        } else {
            SM_TRY(view_over_files(s, st, &df));
        }
        SM_TRY(sm_session_set_temp_view(s, st->target.name, df->plan));
        return empty_result(s, out);
    }
    if (!st->query)
        return sm_err(SM_UNSUPPORTED,
                      "CREATE VIEW %s USING ...: a persistent view needs AS query; use CREATE "
                      "TEMPORARY VIEW for a view over files, or CREATE TABLE ... USING ... "
                      "LOCATION",
                      st->target.name);
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    sm_dataframe *df;
    SM_TRY(analyze(s, st->query, text, &df));
    SM_TRY(view_columns(s, st, &df));
    sm_table_info t = {0};
    t.db = (char *)db_of(s, &st->target);
    t.name = st->target.name;
    t.is_view = true;
    t.view_sql = query_text(s, st->query, text);
    if (!t.view_sql)
        return sm_err(SM_INTERNAL, "CREATE VIEW %s: the query's text is not available",
                      st->target.name);
    t.schema = df->plan->schema;
    t.comment = st->comment;
    if (st->ncolumns > 0) {
        t.column_comments = sm_arena_alloc(s->arena, (size_t)st->ncolumns * sizeof(char *));
        if (!t.column_comments) return SM_NOMEM;
        for (int i = 0; i < st->ncolumns; i++) t.column_comments[i] = st->columns[i].comment;
    }
    SM_TRY(sm_catalog_create_table(c, &t, st->if_not_exists, st->or_replace));
    return empty_result(s, out);
}

/* ---- CREATE TABLE / INSERT -------------------------------------------------- */

static int exec_create_table(sm_session *s, const sql_stmt *st, const char *text,
                             sm_dataframe **out) {
    sm_table_spec spec = {0};
    spec.db = st->target.db;
    spec.name = st->target.name;
    spec.format = st->format;
    spec.options = (const char *const *)st->options;
    spec.location = st->location;
    spec.comment = st->comment;
    spec.partition_cols = st->partition_cols;
    spec.npartition = st->npartition;
    spec.if_not_exists = st->if_not_exists;
    spec.replace = st->or_replace;
    sm_dataframe *df = NULL;
    if (st->query) {
        /* IF NOT EXISTS with an existing table: the query is not run */
        if (st->if_not_exists) {
            sm_catalog *c;
            sm_table_info *t;
            SM_TRY(catalog(s, &c));
            if (sm_catalog_get_table(c, db_of(s, &st->target), st->target.name, &t) == SM_OK) {
                sm_table_info_free(t);
                return empty_result(s, out);
            }
            sm_err_clear();
        }
        SM_TRY(analyze(s, st->query, text, &df));
    } else if (st->ncolumns > 0) {
        sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
        char **comments = sm_arena_alloc(s->arena, (size_t)st->ncolumns * sizeof *comments);
        if (!sc || !comments) return SM_NOMEM;
        sc->ncols = st->ncolumns;
        sc->fields = sm_arena_alloc(s->arena, (size_t)st->ncolumns * sizeof(sm_field));
        if (!sc->fields) return SM_NOMEM;
        for (int i = 0; i < st->ncolumns; i++) {
            const sql_column_def *d = &st->columns[i];
            sc->fields[i] = (sm_field){.name = d->name, .type = d->type, .nullable = !d->not_null,
                                       .precision = d->precision, .scale = d->scale};
            comments[i] = d->comment;
        }
        spec.schema = sc;
        spec.column_comments = comments;
    }
    SM_TRY(sm_table_create(s, &spec, df));
    return empty_result(s, out);
}

/* INSERT INTO t PARTITION (p1 = 'v', p2) query: the query gives the table's
 * other columns in order (data columns, then the dynamic partition
 * columns); static values are added as the partition columns' literals, so
 * the insert below sees all of the table's columns by position. */
static int insert_partition_spec(sm_session *s, const sql_stmt *st, sm_dataframe *df,
                                 sm_dataframe **out) {
    if (st->overwrite)
        return sm_err(SM_UNSUPPORTED,
                      "[UNSUPPORTED_FEATURE] INSERT OVERWRITE ... PARTITION (...) is not supported "
                      "by smelt yet (it would replace only the named partitions); use INSERT INTO "
                      "... PARTITION (...) or INSERT OVERWRITE without a PARTITION clause.");
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    sm_table_info *t = NULL;
    int rc = sm_catalog_get_table(c, db_of(s, &st->target), st->target.name, &t);
    if (rc == SM_NOT_FOUND) return sm_table_insert(s, st->target.db, st->target.name, df, NULL, 0, false);
    SM_TRY(rc);
    const sm_schema *ts = t->schema;
    int n = ts->ncols, nstatic = 0;
    for (int k = 0; k < st->ninsert_part; k++) {
        bool known = false;
        for (int i = 0; i < t->npartition; i++)
            if (strcasecmp(t->partition_cols[i], st->insert_part[k]) == 0) known = true;
        if (!known) {
            rc = sm_err(SM_ANALYSIS,
                        "[PARTITIONS_NOT_FOUND] The partition column `%s` is not a partition column "
                        "of the table `spark_catalog`.`%s`.`%s`.",
                        st->insert_part[k], t->db, t->name);
            sm_table_info_free(t);
            return rc;
        }
        if (st->insert_part_val[k]) nstatic++;
    }
    const sm_schema *in = df->plan->schema;
    if (in->ncols != n - nstatic) {
        rc = sm_err(SM_ANALYSIS,
                    "[INSERT_PARTITION_COLUMN_ARITY_MISMATCH] Cannot write to `spark_catalog`.`%s`.`%s`: "
                    "the query gives %d columns, the table has %d columns of which %d have static "
                    "partition values.",
                    t->db, t->name, in->ncols, n, nstatic);
        sm_table_info_free(t);
        return rc;
    }
    char **tmp = sm_arena_alloc(s->arena, (size_t)(in->ncols + 1) * sizeof *tmp);
    const char **exprs = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *exprs);
    if (!tmp || !exprs) rc = SM_NOMEM;
    for (int i = 0; rc == SM_OK && i < in->ncols; i++)
        if (!(tmp[i] = sm_arena_printf(s->arena, "__q%d", i))) rc = SM_NOMEM;
    int next = 0;
    for (int i = 0; rc == SM_OK && i < n; i++) {
        const char *val = NULL;
        for (int k = 0; k < st->ninsert_part; k++)
            if (strcasecmp(st->insert_part[k], ts->fields[i].name) == 0) val = st->insert_part_val[k];
        exprs[i] = val ? sm_arena_printf(s->arena, "%s AS `%s`", val, ts->fields[i].name)
                       : sm_arena_printf(s->arena, "`__q%d`", next++);
        if (!exprs[i]) rc = SM_NOMEM;
    }
    sm_table_info_free(t);
    SM_TRY(rc);
    sm_dataframe *w = sm_df_select_expr(sm_table_rename(df, tmp), n, exprs);
    if (!w) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    *out = w;
    return SM_OK;
}

static int exec_insert(sm_session *s, const sql_stmt *st, const char *text, sm_dataframe **out) {
    sm_dataframe *df;
    SM_TRY(analyze(s, st->query, text, &df));
    if (st->ninsert_part > 0) {
        if (st->ninsert_cols > 0)
            return sm_err(SM_UNSUPPORTED,
                          "[UNSUPPORTED_FEATURE] INSERT with both a PARTITION clause and a column "
                          "list is not supported by smelt yet; list the columns in the query.");
        SM_TRY(insert_partition_spec(s, st, df, &df));
    }
    SM_TRY(sm_table_insert(s, st->target.db, st->target.name, df, st->insert_cols,
                           st->ninsert_cols, st->overwrite));
    return empty_result(s, out);
}

static int exec_insert_directory(sm_session *s, const sql_stmt *st, const char *text,
                                 sm_dataframe **out) {
    const char *fmt;
    SM_TRY(sm_table_check_format(st->format, &fmt));
    const char *path = st->path;
    int n = 0;
    while (st->options && st->options[n]) n++;
    const char **opts = sm_arena_alloc(s->arena, (size_t)(n + 1) * sizeof *opts);
    if (!opts) return SM_NOMEM;
    int k = 0;
    for (int i = 0; i + 1 < n; i += 2) {
        if (strcasecmp(st->options[i], "path") == 0) {
            if (!path) path = st->options[i + 1];
            continue;
        }
        opts[k++] = st->options[i];
        opts[k++] = st->options[i + 1];
    }
    opts[k] = NULL;
    if (!path)
        return sm_err(SM_PARSE,
                      "INSERT OVERWRITE DIRECTORY: no path given; write INSERT OVERWRITE DIRECTORY "
                      "'/out/dir' USING csv SELECT ...");
    sm_dataframe *df;
    SM_TRY(analyze(s, st->query, text, &df));
    SM_TRY(sm_table_write_files(df, fmt, path, "overwrite", opts));
    return empty_result(s, out);
}

/* ---- CREATE / DROP DATABASE, DROP TABLE / VIEW, TRUNCATE --------------------------- */

static int exec_create_database(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    SM_TRY(sm_catalog_create_database(c, st->target.name, st->location, st->comment,
                                      st->if_not_exists));
    return empty_result(s, out);
}

static int exec_drop_table(sm_session *s, const sql_stmt *st, bool view, sm_dataframe **out) {
    if (!st->target.db && sm_session_drop_temp_view(s, st->target.name)) return empty_result(s, out);
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    sm_table_info *t = NULL;
    int rc = sm_catalog_get_table(c, db_of(s, &st->target), st->target.name, &t);
    if (rc != SM_OK && rc != SM_NOT_FOUND) return rc;
    sm_err_clear();
    rc = sm_catalog_drop_table(c, db_of(s, &st->target), st->target.name, st->if_exists, view);
    if (rc == SM_OK && t && !t->is_view && t->managed && t->location) fs_remove_tree(t->location);
    sm_table_info_free(t);
    SM_TRY(rc);
    return empty_result(s, out);
}

static int exec_drop_database(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    const char *db = st->target.name;
    /* managed data of the tables CASCADE drops, and the database directory */
    char **names = NULL, **locs = NULL;
    int nlocs = 0;
    char *dbloc = NULL, *dbcomment = NULL;
    if (sm_catalog_database_exists(c, db)) {
        SM_TRY(sm_catalog_database_info(c, db, &dbloc, &dbcomment));
        sm_free(dbcomment);
        if (st->cascade && sm_catalog_list_tables(c, db, &names) == SM_OK) {
            int n = 0;
            while (names[n]) n++;
            locs = sm_calloc((size_t)n + 1, sizeof *locs);
            for (int i = 0; locs && i < n; i++) {
                sm_table_info *t;
                if (sm_catalog_get_table(c, db, names[i], &t) != SM_OK) continue;
                if (!t->is_view && t->managed && t->location) locs[nlocs++] = sm_strdup(t->location);
                sm_table_info_free(t);
            }
        }
    }
    int rc = sm_catalog_drop_database(c, db, st->if_exists, st->cascade);
    if (rc == SM_OK) {
        for (int i = 0; i < nlocs; i++) fs_remove_tree(locs[i]);
        /* the database directory, when it is the warehouse's own <db>.db */
        const char *wh = sm_catalog_warehouse(c);
        if (dbloc && wh && strncmp(dbloc, wh, strlen(wh)) == 0 && strlen(dbloc) > strlen(wh) + 3 &&
            strcmp(dbloc + strlen(dbloc) - 3, ".db") == 0)
            fs_remove_tree(dbloc);
        if (strcasecmp(s->current_db, db) == 0) s->current_db = "default";
    }
    for (int i = 0; i < nlocs; i++) sm_free(locs[i]);
    sm_free(locs);
    sm_catalog_free_names(names);
    sm_free(dbloc);
    SM_TRY(rc);
    return empty_result(s, out);
}

static int exec_truncate(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    if (!st->target.db && sm_session_temp_view(s, st->target.name))
        return sm_err(SM_ANALYSIS, "%s is a temp view. 'TRUNCATE TABLE' expects a table.",
                      st->target.name);
    sm_table_info *t;
    SM_TRY(get_table(s, &st->target, &t));
    int rc = SM_OK;
    if (t->is_view)
        rc = sm_err(SM_ANALYSIS, "spark_catalog.%s.%s is a view. 'TRUNCATE TABLE' expects a table.",
                    t->db, t->name);
    else if (!t->managed)
        rc = sm_err(SM_ANALYSIS,
                    "Operation not allowed: TRUNCATE TABLE on external tables: "
                    "`spark_catalog`.`%s`.`%s`.",
                    t->db, t->name);
    else if (t->location) {
        DIR *d = opendir(t->location);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *p = sm_arena_printf(s->arena, "%s/%s", t->location, e->d_name);
            if (!p) {
                rc = SM_NOMEM;
                break;
            }
            fs_remove_tree(p);
        }
        if (d) closedir(d);
    }
    sm_table_info_free(t);
    SM_TRY(rc);
    return empty_result(s, out);
}

/* ---- SHOW ------------------------------------------------------------------ */

static int exec_show_databases(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    char **names;
    SM_TRY(sm_catalog_list_databases(c, &names));
    st_rows r;
    const char *cols[] = {"namespace"};
    int rc = rows_init(&r, s, 1, cols, NULL);
    for (int i = 0; rc == SM_OK && names[i]; i++)
        if (pattern_match(st->pattern, names[i])) rc = rows_add(&r, (const char *[]){names[i]});
    sm_catalog_free_names(names);
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

/* Temporary view names matching `pattern`, sorted (arena array, n entries). */
static const char **temp_views(sm_session *s, const char *pattern, int *n) {
    const char **v = sm_arena_alloc(s->arena, (size_t)(s->nviews + 1) * sizeof *v);
    *n = 0;
    if (!v) return NULL;
    for (int i = 0; i < s->nviews; i++)
        if (pattern_match(pattern, s->views[i].name)) v[(*n)++] = s->views[i].name;
    qsort(v, (size_t)*n, sizeof *v, cmp_str);
    return v;
}

static int exec_show_tables(sm_session *s, const sql_stmt *st, bool views_only,
                            sm_dataframe **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    const char *db = st->in_db.name ? st->in_db.name : s->current_db;
    char **names;
    SM_TRY(sm_catalog_list_tables(c, db, &names));
    st_rows r;
    const char *cols[] = {"namespace", views_only ? "viewName" : "tableName", "isTemporary"};
    const sm_type types[] = {SM_STRING, SM_STRING, SM_BOOLEAN};
    int rc = rows_init(&r, s, 3, cols, types);
    char *ldb = lower_dup(s, db);
    if (!ldb) rc = SM_NOMEM;
    for (int i = 0; rc == SM_OK && names[i]; i++) {
        if (!pattern_match(st->pattern, names[i])) continue;
        if (views_only) {
            sm_table_info *t;
            if (sm_catalog_get_table(c, db, names[i], &t) != SM_OK) continue;
            bool v = t->is_view;
            sm_table_info_free(t);
            if (!v) continue;
        }
        rc = rows_add(&r, (const char *[]){ldb, names[i], "false"});
    }
    sm_catalog_free_names(names);
    int nv = 0;
    const char **tv = rc == SM_OK ? temp_views(s, st->pattern, &nv) : NULL;
    for (int i = 0; rc == SM_OK && tv && i < nv; i++)
        rc = rows_add(&r, (const char *[]){"", tv[i], "true"});
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

static int exec_show_columns(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sql_name n = st->target;
    if (st->in_db.name) {
        if (n.db && strcasecmp(n.db, st->in_db.name) != 0)
            return sm_err(SM_ANALYSIS,
                          "[SHOW_COLUMNS_WITH_CONFLICT_NAMESPACE] SHOW COLUMNS with conflicting "
                          "namespaces: `%s` != `%s`.",
                          st->in_db.name, n.db);
        n.db = st->in_db.name;
    }
    sm_dataframe *df;
    SM_TRY(sm_table_lookup(s, n.db, n.name, &df));
    st_rows r;
    const char *cols[] = {"col_name"};
    int rc = rows_init(&r, s, 1, cols, NULL);
    const sm_schema *sc = df->plan->schema;
    for (int i = 0; rc == SM_OK && i < sc->ncols; i++)
        rc = rows_add(&r, (const char *[]){sc->fields[i].name});
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

/* SHOW PARTITIONS t: the partition directories of the table's location
 * ("a=1/b=x", escaped as on disk), sorted, as Spark lists them. */
static int exec_show_partitions(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_table_info *t;
    SM_TRY(get_table(s, &st->target, &t));
    int rc = SM_OK;
    if (t->npartition == 0) {
        rc = sm_err(SM_ANALYSIS,
                    "[INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY] The partition command is "
                    "invalid. Table `spark_catalog`.`%s`.`%s` is not partitioned.",
                    t->db, t->name);
        sm_table_info_free(t);
        return rc;
    }
    st_rows r;
    const char *cols[] = {"partition"};
    rc = rows_init(&r, s, 1, cols, NULL);
    fs_dataset d;
    memset(&d, 0, sizeof d);
    const char *paths[1] = {t->location};
    if (rc == SM_OK && t->location) {
        struct stat sb;
        if (stat(t->location, &sb) == 0) rc = fs_dataset_list(paths, 1, NULL, s->pool, &d);
    }
    for (int i = 0; rc == SM_OK && i < d.nparts; i++) rc = rows_add(&r, (const char *[]){d.parts[i].dir});
    fs_dataset_free(&d);
    sm_table_info_free(t);
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

static int exec_show_functions(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    const char **names;
    int n;
    SM_TRY(sm_func_names(&names, &n));
    const char **sorted = sm_arena_alloc(s->arena, (size_t)(n + 1) * sizeof *sorted);
    if (!sorted) return SM_NOMEM;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (pattern_match(st->pattern, names[i])) sorted[k++] = names[i];
    qsort(sorted, (size_t)k, sizeof *sorted, cmp_str);
    st_rows r;
    const char *cols[] = {"function"};
    int rc = rows_init(&r, s, 1, cols, NULL);
    for (int i = 0; rc == SM_OK && i < k; i++)
        if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
            rc = rows_add(&r, (const char *[]){sorted[i]});
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

static int one_string_row(sm_session *s, const char *col, const char *value, sm_dataframe **out) {
    st_rows r;
    const char *cols[] = {col};
    int rc = rows_init(&r, s, 1, cols, NULL);
    if (rc == SM_OK) rc = rows_add(&r, (const char *[]){value});
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

/* Option pairs in key order (Spark prints table options sorted): an arena
 * array of indices into opts (each the key's position), n pairs. */
static int *sorted_options(sm_session *s, char *const *opts, int *n) {
    *n = 0;
    while (opts && opts[*n * 2] && opts[*n * 2 + 1]) (*n)++;
    int *idx = sm_arena_alloc(s->arena, (size_t)(*n + 1) * sizeof *idx);
    if (!idx) return NULL;
    for (int i = 0; i < *n; i++) idx[i] = 2 * i;
    for (int i = 1; i < *n; i++) /* insertion sort: a handful of options */
        for (int j = i; j > 0 && strcmp(opts[idx[j - 1]], opts[idx[j]]) > 0; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    return idx;
}

/* 'text' with quotes escaped as Spark's SHOW CREATE TABLE writes them. */
static int append_quoted(sm_buf *b, const char *text) {
    SM_TRY(sm_buf_putc(b, '\''));
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\'' || *p == '\\') SM_TRY(sm_buf_putc(b, '\\'));
        SM_TRY(sm_buf_putc(b, *p));
    }
    return sm_buf_putc(b, '\'');
}

static int exec_show_create(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    if (!st->target.db && sm_session_temp_view(s, st->target.name))
        return sm_err(SM_ANALYSIS,
                      "[EXPECT_PERMANENT_VIEW_NOT_TEMP] 'SHOW CREATE TABLE' expects a permanent "
                      "view but `%s` is a temp view.",
                      st->target.name);
    sm_table_info *t;
    SM_TRY(get_table(s, &st->target, &t));
    sm_buf b = {0};
    int rc = SM_OK;
    const sm_schema *sc = t->schema;
    if (t->is_view) {
        rc = sm_buf_appendf(&b, "CREATE VIEW %s.%s (\n", t->db, t->name);
        for (int i = 0; rc == SM_OK && i < sc->ncols; i++)
            rc = sm_buf_appendf(&b, "  %s%s", sc->fields[i].name, i + 1 < sc->ncols ? ",\n" : ")\n");
        if (rc == SM_OK && t->comment) rc = sm_buf_appendf(&b, "COMMENT '%s'\n", t->comment);
        if (rc == SM_OK) rc = sm_buf_appendf(&b, "AS %s\n", t->view_sql ? t->view_sql : "");
    } else {
        rc = sm_buf_appendf(&b, "CREATE TABLE spark_catalog.%s.%s (\n", t->db, t->name);
        for (int i = 0; rc == SM_OK && i < sc->ncols; i++) {
            char ty[64];
            type_text(&sc->fields[i], true, ty, sizeof ty);
            rc = sm_buf_appendf(&b, "  %s %s%s", sc->fields[i].name, ty,
                                sc->fields[i].nullable ? "" : " NOT NULL");
            const char *cm = t->column_comments ? t->column_comments[i] : NULL;
            if (rc == SM_OK && cm) {
                rc = sm_buf_appendf(&b, " COMMENT ");
                if (rc == SM_OK) rc = append_quoted(&b, cm);
            }
            if (rc == SM_OK) rc = sm_buf_appendf(&b, "%s", i + 1 < sc->ncols ? ",\n" : ")\n");
        }
        if (rc == SM_OK) rc = sm_buf_appendf(&b, "USING %s\n", t->format ? t->format : "csv");
        if (rc == SM_OK && t->options && t->options[0]) {
            int n;
            int *idx = sorted_options(s, t->options, &n);
            rc = idx ? sm_buf_appendf(&b, "OPTIONS (\n") : SM_NOMEM;
            for (int i = 0; rc == SM_OK && i < n; i++)
                rc = sm_buf_appendf(&b, "  '%s' = '%s'%s", t->options[idx[i]],
                                    t->options[idx[i] + 1], i + 1 < n ? ",\n" : ")\n");
        }
        if (rc == SM_OK && t->npartition) {
            rc = sm_buf_appendf(&b, "PARTITIONED BY (");
            for (int i = 0; rc == SM_OK && i < t->npartition; i++)
                rc = sm_buf_appendf(&b, "%s%s", i ? ", " : "", t->partition_cols[i]);
            if (rc == SM_OK) rc = sm_buf_appendf(&b, ")\n");
        }
        if (rc == SM_OK && !t->managed && t->location)
            rc = sm_buf_appendf(&b, "LOCATION 'file:%s'\n", t->location);
        if (rc == SM_OK && t->comment) {
            rc = sm_buf_appendf(&b, "COMMENT ");
            if (rc == SM_OK) rc = append_quoted(&b, t->comment);
            if (rc == SM_OK) rc = sm_buf_putc(&b, '\n');
        }
    }
    if (rc == SM_OK) rc = one_string_row(s, "createtab_stmt", b.data ? sm_buf_cstr(&b) : "", out);
    sm_buf_free(&b);
    sm_table_info_free(t);
    return rc;
}

/* ---- DESCRIBE -------------------------------------------------------------- */

static int describe_columns(st_rows *r, const sm_schema *sc, char **comments) {
    for (int i = 0; i < sc->ncols; i++) {
        char ty[64];
        type_text(&sc->fields[i], false, ty, sizeof ty);
        SM_TRY(rows_add3(r, sc->fields[i].name, ty, comments ? comments[i] : NULL));
    }
    return SM_OK;
}

static const char *user_name(void) {
    const char *u = getenv("USER");
    if (u && *u) return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}

static int exec_describe_table(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    st_rows r;
    const char *cols[] = {"col_name", "data_type", "comment"};
    SM_TRY(rows_init(&r, s, 3, cols, NULL));
    int rc = SM_OK;
    sm_plan *tv = st->target.db ? NULL : sm_session_temp_view(s, st->target.name);
    if (tv) {
        rc = describe_columns(&r, tv->schema, NULL);
        if (rc != SM_OK) {
            rows_free(&r);
            return rc;
        }
        return rows_df(&r, out);
    }
    sm_table_info *t;
    if ((rc = get_table(s, &st->target, &t)) != SM_OK) {
        rows_free(&r);
        return rc;
    }
    rc = describe_columns(&r, t->schema, t->column_comments);
    if (rc == SM_OK && t->npartition) {
        rc = rows_add3(&r, "# Partition Information", "", "");
        if (rc == SM_OK) rc = rows_add3(&r, "# col_name", "data_type", "comment");
        for (int i = 0; rc == SM_OK && i < t->npartition; i++) {
            int c = sm_schema_find(t->schema, t->partition_cols[i]);
            char ty[64] = "";
            if (c >= 0) type_text(&t->schema->fields[c], false, ty, sizeof ty);
            rc = rows_add3(&r, t->partition_cols[i], ty,
                           c >= 0 && t->column_comments ? t->column_comments[c] : NULL);
        }
    }
    if (rc == SM_OK && (st->extended || st->formatted)) {
        char created[64];
        time_t when = (time_t)t->created;
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(created, sizeof created, "%a %b %d %H:%M:%S UTC %Y", &tm);
        char *loc = sm_arena_printf(s->arena, "file:%s%s", t->managed ? "" : "//",
                                    t->location ? t->location : "");
        rc = loc ? SM_OK : SM_NOMEM;
        if (rc == SM_OK) rc = rows_add3(&r, "", "", "");
        if (rc == SM_OK) rc = rows_add3(&r, "# Detailed Table Information", "", "");
        if (rc == SM_OK) rc = rows_add3(&r, "Catalog", "spark_catalog", "");
        if (rc == SM_OK) rc = rows_add3(&r, "Database", t->db, "");
        if (rc == SM_OK) rc = rows_add3(&r, "Table", t->name, "");
        if (rc == SM_OK) rc = rows_add3(&r, "Created Time", created, "");
        if (rc == SM_OK) rc = rows_add3(&r, "Last Access", "UNKNOWN", "");
        if (rc == SM_OK) rc = rows_add3(&r, "Created By", "smelt", "");
        if (t->is_view) {
            if (rc == SM_OK) rc = rows_add3(&r, "Type", "VIEW", "");
            if (rc == SM_OK && t->comment) rc = rows_add3(&r, "Comment", t->comment, "");
            if (rc == SM_OK) rc = rows_add3(&r, "View Text", t->view_sql, "");
            if (rc == SM_OK) rc = rows_add3(&r, "View Original Text", t->view_sql, "");
            char *ns = sm_arena_printf(s->arena, "spark_catalog.%s", t->db);
            sm_buf oc = {0};
            sm_buf_putc(&oc, '[');
            for (int i = 0; i < t->schema->ncols; i++)
                sm_buf_appendf(&oc, "%s%s", i ? ", " : "", t->schema->fields[i].name);
            sm_buf_putc(&oc, ']');
            if (rc == SM_OK && !ns) rc = SM_NOMEM;
            if (rc == SM_OK) rc = rows_add3(&r, "View Catalog and Namespace", ns, "");
            if (rc == SM_OK)
                rc = rows_add3(&r, "View Query Output Columns", oc.data ? sm_buf_cstr(&oc) : "[]", "");
            sm_buf_free(&oc);
        } else {
            if (rc == SM_OK) rc = rows_add3(&r, "Type", t->managed ? "MANAGED" : "EXTERNAL", "");
            if (rc == SM_OK) rc = rows_add3(&r, "Provider", t->format ? t->format : "csv", "");
            if (rc == SM_OK && t->comment) rc = rows_add3(&r, "Comment", t->comment, "");
            if (rc == SM_OK) rc = rows_add3(&r, "Location", loc, "");
            if (rc == SM_OK && t->options && t->options[0]) {
                sm_buf p = {0};
                int n;
                int *idx = sorted_options(s, t->options, &n);
                sm_buf_putc(&p, '[');
                for (int i = 0; idx && i < n; i++)
                    sm_buf_appendf(&p, "%s%s=%s", i ? ", " : "", t->options[idx[i]],
                                   t->options[idx[i] + 1]);
                sm_buf_putc(&p, ']');
                rc = rows_add3(&r, "Storage Properties", p.data ? sm_buf_cstr(&p) : "[]", "");
                sm_buf_free(&p);
            }
            if (rc == SM_OK && t->npartition) rc = rows_add3(&r, "Partition Provider", "Catalog", "");
        }
    }
    sm_table_info_free(t);
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

static int exec_describe_query(sm_session *s, const sql_stmt *st, const char *text,
                               sm_dataframe **out) {
    sm_dataframe *df;
    SM_TRY(analyze(s, st->query, text, &df));
    st_rows r;
    const char *cols[] = {"col_name", "data_type", "comment"};
    SM_TRY(rows_init(&r, s, 3, cols, NULL));
    int rc = describe_columns(&r, df->plan->schema, NULL);
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

static int exec_describe_database(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    const char *db = st->target.name ? st->target.name : s->current_db;
    char *loc, *comment;
    SM_TRY(sm_catalog_database_info(c, db, &loc, &comment));
    st_rows r;
    const char *cols[] = {"info_name", "info_value"};
    int rc = rows_init(&r, s, 2, cols, NULL);
    char *l = sm_arena_printf(s->arena, "file:%s", loc ? loc : "");
    char *ldb = lower_dup(s, db);
    if (!l || !ldb) rc = SM_NOMEM;
    if (rc == SM_OK) rc = rows_add(&r, (const char *[]){"Catalog Name", "spark_catalog"});
    if (rc == SM_OK) rc = rows_add(&r, (const char *[]){"Namespace Name", ldb});
    if (rc == SM_OK) rc = rows_add(&r, (const char *[]){"Comment", comment ? comment : ""});
    if (rc == SM_OK) rc = rows_add(&r, (const char *[]){"Location", l});
    if (rc == SM_OK) rc = rows_add(&r, (const char *[]){"Owner", user_name()});
    if (rc == SM_OK && st->extended) rc = rows_add(&r, (const char *[]){"Properties", ""});
    sm_free(loc);
    sm_free(comment);
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

/* ---- EXPLAIN --------------------------------------------------------------- */

static int exec_explain(sm_session *s, const sql_stmt *st, const char *text, sm_dataframe **out) {
    const sql_stmt *in = st->inner;
    if (!in) return sm_err(SM_INTERNAL, "EXPLAIN without a statement");
    sm_dataframe *df = NULL;
    if (in->kind == SQL_STMT_QUERY) {
        SM_TRY(analyze(s, in->query, text, &df));
    } else if ((in->kind == SQL_STMT_INSERT || in->kind == SQL_STMT_CREATE_TABLE ||
                in->kind == SQL_STMT_INSERT_DIRECTORY || in->kind == SQL_STMT_CREATE_VIEW) &&
               in->query) {
        SM_TRY(analyze(s, in->query, text, &df));
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return sm_err(SM_NOMEM, "EXPLAIN: out of memory");
    int rc = SM_OK;
    if (df) {
        rc = st->analyze && in->kind == SQL_STMT_QUERY ? sm_df_explain_analyze(df, f) : sm_df_explain(df, f);
    } else {
        fprintf(f, "== Physical Plan ==\nExecutedCommand\n   +- %.*s\n",
                in->end > in->pos ? in->end - in->pos : 0, text ? text + in->pos : "");
    }
    fclose(f);
    if (rc == SM_OK) rc = one_string_row(s, "plan", buf ? buf : "", out);
    free(buf);
    return rc;
}

/* ---- SET / RESET / USE --------------------------------------------------------- */

typedef struct {
    const char *key, *meaning, *since;
} st_setting;

static const st_setting SETTINGS[] = {
    {"smelt.memory.limit",
     "Memory budget of a query (bytes, or with a unit: 512m, 2g); hash aggregation spills to "
     "temporary files past it (default: 60% of physical memory).",
     "0.2.0"},
    {"smelt.threads", "Worker threads of the session (default: the number of CPUs).", "0.1.0"},
    {"spark.sql.ansi.enabled",
     "When true, Spark SQL uses an ANSI compliant dialect instead of being Hive compliant: "
     "invalid casts and arithmetic overflow raise errors instead of returning null.",
     "3.0.0"},
    {"spark.sql.caseSensitive", "Whether the query analyzer should be case sensitive or not.",
     "1.4.0"},
    {"spark.sql.session.timeZone",
     "The ID of session local timezone in the format of either region-based zone IDs or zone "
     "offsets.",
     "2.2.0"},
    {"spark.sql.shuffle.partitions",
     "The default number of partitions to use when shuffling data for joins or aggregations.",
     "1.1.0"},
    {"spark.sql.warehouse.dir", "The default location for managed databases and tables.", "2.0.0"},
};
#define NSETTINGS ((int)(sizeof SETTINGS / sizeof SETTINGS[0]))

static const char *warehouse_uri(sm_session *s) {
    const char *w = NULL;
    sm_catalog *c = s->catalog;
    if (c) w = sm_catalog_warehouse(c);
    char *abs = NULL;
    if (!w) {
        const char *home = getenv("SMELT_HOME");
        w = s->warehouse ? s->warehouse : home && *home ? home : "smelt-warehouse";
        abs = sm_fs_abspath(w);
        if (abs) w = abs;
    }
    char *r = sm_arena_printf(s->arena, "file:%s", w);
    sm_free(abs);
    return r;
}

/* A setting's current value (NULL: undefined). */
static const char *setting_value(sm_session *s, const char *key) {
    if (strcasecmp(key, "spark.sql.ansi.enabled") == 0) return s->ansi ? "true" : "false";
    if (strcasecmp(key, "spark.sql.caseSensitive") == 0) return s->case_sensitive ? "true" : "false";
    if (strcasecmp(key, "spark.sql.session.timeZone") == 0) return sm_tz_name(s->tz);
    if (strcasecmp(key, "spark.sql.warehouse.dir") == 0) return warehouse_uri(s);
    if (strcasecmp(key, "smelt.threads") == 0) return sm_arena_printf(s->arena, "%d", s->threads);
    if (strcasecmp(key, "smelt.memory.limit") == 0)
        return sm_arena_printf(s->arena, "%lld",
                               (long long)(s->memory_limit > 0 ? s->memory_limit
                                                               : sm_memory_limit_default()));
    const char *v = sm_session_get(s, key);
    if (v) return v;
    if (strcasecmp(key, "spark.sql.shuffle.partitions") == 0) return "200";
    return NULL;
}

static int exec_set(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    st_rows r;
    int rc;
    if (st->set_verbose) {
        const char *cols[] = {"key", "value", "meaning", "Since version"};
        SM_TRY(rows_init(&r, s, 4, cols, NULL));
        rc = SM_OK;
        for (int i = 0; rc == SM_OK && i < NSETTINGS; i++) {
            const char *v = setting_value(s, SETTINGS[i].key);
            rc = rows_add(&r, (const char *[]){SETTINGS[i].key, v ? v : "<undefined>",
                                               SETTINGS[i].meaning, SETTINGS[i].since});
        }
    } else {
        const char *cols[] = {"key", "value"};
        SM_TRY(rows_init(&r, s, 2, cols, NULL));
        rc = SM_OK;
        if (st->key && st->value) {
            rc = sm_session_set(s, st->key, st->value);
            if (rc == SM_OK) rc = rows_add(&r, (const char *[]){st->key, st->value});
        } else if (st->key) {
            const char *v = setting_value(s, st->key);
            rc = rows_add(&r, (const char *[]){st->key, v ? v : "<undefined>"});
        } else {
            /* every setting made in this session, and the main ones */
            int n = s->nconf;
            const char **keys = sm_arena_alloc(s->arena, (size_t)(n + NSETTINGS + 1) * sizeof *keys);
            if (!keys) rc = SM_NOMEM;
            int k = 0;
            for (int i = 0; keys && i < n; i++) keys[k++] = s->conf[i].key;
            for (int i = 0; keys && i < NSETTINGS; i++) {
                bool dup = false;
                for (int j = 0; j < n; j++) dup |= strcasecmp(keys[j], SETTINGS[i].key) == 0;
                if (!dup && strncmp(SETTINGS[i].key, "spark.", 6) == 0) keys[k++] = SETTINGS[i].key;
            }
            if (keys) qsort(keys, (size_t)k, sizeof *keys, cmp_str);
            for (int i = 0; rc == SM_OK && i < k; i++) {
                const char *v = setting_value(s, keys[i]);
                rc = rows_add(&r, (const char *[]){keys[i], v ? v : "<undefined>"});
            }
        }
    }
    if (rc != SM_OK) {
        rows_free(&r);
        return rc;
    }
    return rows_df(&r, out);
}

/* RESET [key]: back to the defaults; spark.sql.warehouse.dir (static in
 * Spark) and smelt.threads stay. */
static int reset_one(sm_session *s, const char *key) {
    if (strcasecmp(key, "spark.sql.warehouse.dir") == 0 || strcasecmp(key, "smelt.threads") == 0)
        return SM_OK;
    if (strcasecmp(key, "spark.sql.ansi.enabled") == 0) s->ansi = false;
    if (strcasecmp(key, "spark.sql.caseSensitive") == 0) s->case_sensitive = false;
    if (strcasecmp(key, "spark.sql.session.timeZone") == 0) s->tz = sm_tz_utc();
    if (strcasecmp(key, "spark.sql.shuffle.partitions") == 0) s->shuffle_partitions = 0;
    if (strcasecmp(key, "smelt.memory.limit") == 0) s->memory_limit = 0;
    for (int i = 0; i < s->nconf; i++) {
        if (strcasecmp(s->conf[i].key, key) == 0) {
            s->conf[i] = s->conf[--s->nconf];
            break;
        }
    }
    return SM_OK;
}

static int exec_reset(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    if (st->key) {
        SM_TRY(reset_one(s, st->key));
    } else {
        for (int i = s->nconf - 1; i >= 0; i--) {
            if (i >= s->nconf) continue;
            SM_TRY(reset_one(s, s->conf[i].key));
        }
        s->ansi = false;
        s->case_sensitive = false;
        s->tz = sm_tz_utc();
        s->shuffle_partitions = 0;
        s->memory_limit = 0;
    }
    return empty_result(s, out);
}

static int exec_use(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_catalog *c;
    SM_TRY(catalog(s, &c));
    const char *db = st->target.name;
    char *loc, *comment;
    SM_TRY(sm_catalog_database_info(c, db, &loc, &comment)); /* [SCHEMA_NOT_FOUND] */
    sm_free(loc);
    sm_free(comment);
    char *l = lower_dup(s, db);
    if (!l) return SM_NOMEM;
    s->current_db = l;
    return empty_result(s, out);
}

/* ---- CACHE --------------------------------------------------------------------- */

static int exec_cache(sm_session *s, const sql_stmt *st, const char *text, sm_dataframe **out) {
    sm_dataframe *df;
    if (st->query) {
        if (st->target.db)
            return sm_err(SM_PARSE,
                          "[TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS] CACHE TABLE ... AS query only "
                          "accepts single-part view names, but got: %s.%s.",
                          st->target.db, st->target.name);
        SM_TRY(analyze(s, st->query, text, &df));
        df->plan->cached = true;
        SM_TRY(sm_session_set_temp_view(s, st->target.name, df->plan));
    } else {
        SM_TRY(sm_table_lookup(s, st->target.db, st->target.name, &df));
        sm_plan *tv = st->target.db ? NULL : sm_session_temp_view(s, st->target.name);
        if (tv) tv->cached = true;
    }
    return empty_result(s, out);
}

static int exec_uncache(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_dataframe *df;
    int rc = sm_table_lookup(s, st->target.db, st->target.name, &df);
    if (rc == SM_NOT_FOUND && st->if_exists) {
        sm_err_clear();
        return empty_result(s, out);
    }
    SM_TRY(rc);
    sm_plan *tv = st->target.db ? NULL : sm_session_temp_view(s, st->target.name);
    if (tv) tv->cached = false;
    return empty_result(s, out);
}

static int exec_clear_cache(sm_session *s, sm_dataframe **out) {
    for (int i = 0; i < s->nviews; i++) s->views[i].plan->cached = false;
    return empty_result(s, out);
}

static int exec_refresh(sm_session *s, const sql_stmt *st, sm_dataframe **out) {
    sm_dataframe *df;
    SM_TRY(sm_table_lookup(s, st->target.db, st->target.name, &df));
    return empty_result(s, out);
}

/* ---- dispatch --------------------------------------------------------------------- */

int sql_execute(sm_session *s, const sql_stmt *st, const char *text, sm_dataframe **out) {
    *out = NULL;
    if (!s || !st) return sm_err(SM_INVALID, "sql_execute: NULL argument");
    switch (st->kind) {
    case SQL_STMT_QUERY: return analyze(s, st->query, text, out);
    case SQL_STMT_CREATE_VIEW: return exec_create_view(s, st, text, out);
    case SQL_STMT_CREATE_TABLE: return exec_create_table(s, st, text, out);
    case SQL_STMT_CREATE_DATABASE: return exec_create_database(s, st, out);
    case SQL_STMT_INSERT: return exec_insert(s, st, text, out);
    case SQL_STMT_INSERT_DIRECTORY: return exec_insert_directory(s, st, text, out);
    case SQL_STMT_DROP_TABLE: return exec_drop_table(s, st, false, out);
    case SQL_STMT_DROP_VIEW: return exec_drop_table(s, st, true, out);
    case SQL_STMT_DROP_DATABASE: return exec_drop_database(s, st, out);
    case SQL_STMT_SHOW_DATABASES: return exec_show_databases(s, st, out);
    case SQL_STMT_SHOW_TABLES: return exec_show_tables(s, st, false, out);
    case SQL_STMT_SHOW_VIEWS: return exec_show_tables(s, st, true, out);
    case SQL_STMT_SHOW_COLUMNS: return exec_show_columns(s, st, out);
    case SQL_STMT_SHOW_PARTITIONS: return exec_show_partitions(s, st, out);
    case SQL_STMT_SHOW_FUNCTIONS: return exec_show_functions(s, st, out);
    case SQL_STMT_SHOW_CREATE_TABLE: return exec_show_create(s, st, out);
    case SQL_STMT_DESCRIBE_TABLE: return exec_describe_table(s, st, out);
    case SQL_STMT_DESCRIBE_QUERY: return exec_describe_query(s, st, text, out);
    case SQL_STMT_DESCRIBE_DATABASE: return exec_describe_database(s, st, out);
    case SQL_STMT_EXPLAIN: return exec_explain(s, st, text, out);
    case SQL_STMT_SET: return exec_set(s, st, out);
    case SQL_STMT_RESET: return exec_reset(s, st, out);
    case SQL_STMT_USE: return exec_use(s, st, out);
    case SQL_STMT_CACHE_TABLE: return exec_cache(s, st, text, out);
    case SQL_STMT_UNCACHE_TABLE: return exec_uncache(s, st, out);
    case SQL_STMT_CLEAR_CACHE: return exec_clear_cache(s, out);
    case SQL_STMT_REFRESH_TABLE: return exec_refresh(s, st, out);
    case SQL_STMT_TRUNCATE_TABLE: return exec_truncate(s, st, out);
    }
    return sm_err(SM_UNSUPPORTED, "this kind of statement (%d) is not supported yet", (int)st->kind);
}
