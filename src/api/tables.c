/*
 * tables.c — tables and views by name: spark.table(), df.write.saveAsTable(),
 * df.write.insertInto(), and the table operations the SQL statements share
 * (CREATE TABLE [AS], INSERT).
 *
 * A table is a catalog entry (catalog/catalog.h) plus a directory of files.
 * Reading one is reading its directory with the table's format, options and
 * schema; an empty or missing directory is an empty table.  Writing goes
 * through the ordinary writer (sm_df_write_csv): INSERT INTO appends new
 * part files, INSERT OVERWRITE replaces them (the writer commits
 * atomically), CTAS writes into a fresh directory.
 *
 * Rules followed (checked against PySpark 3.5):
 *   1. Unqualified names: temporary view first, then the current database.
 *   2. Partition columns go last in the table's schema, in PARTITIONED BY
 *      order; the files are written under col=value/ directories as Spark
 *      lays them out (partitionBy), and read back by partition discovery.
 *   3. INSERT matches columns by position and applies the ANSI store
 *      assignment policy: numeric to numeric, anything to string, date to
 *      timestamp and back are allowed (with a cast); string to number,
 *      boolean to number, number to date and the like are rejected with
 *      [INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST].  With a column
 *      list, the columns not named get NULL.
 *   4. A persistent view is stored as SQL text; reading it parses and
 *      analyzes that text with the view's database as the current one, then
 *      renames the columns to those recorded when the view was created.
 *      This is the one place the api layer calls into the SQL layer
 *      (sql/sql.h): a view *is* SQL.
 *
 * Memory: DataFrames and strings live in the session arena; catalog
 * entries (sm_table_info) are freed before returning.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "api/tables.h"
#include "exec/reuse.h"
#include "fs/commit.h"
#include "fs/fs.h"
#include "sql/sql.h"

/* ---- names and types ------------------------------------------------------- */

static char *lower_dup(sm_session *s, const char *x) {
    char *r = sm_arena_strdup(s->arena, x ? x : "");
    if (r)
        for (char *p = r; *p; p++) *p = (char)tolower((unsigned char)*p);
    return r;
}

int sm_table_split_name(sm_session *s, const char *q, char **db, char **name) {
    char *parts[3] = {0};
    int n = 0;
    const char *p = q ? q : "";
    while (*p) {
        sm_buf b = {0};
        if (*p == '`') {
            p++;
            while (*p && !(*p == '`' && p[1] != '`')) {
                if (*p == '`') p++;
                if (sm_buf_putc(&b, *p++) != SM_OK) return SM_NOMEM;
            }
            if (*p == '`') p++;
        } else {
            while (*p && *p != '.') {
                if (sm_buf_putc(&b, *p++) != SM_OK) return SM_NOMEM;
            }
        }
        if (n == 3) {
            sm_buf_free(&b);
            return sm_err(SM_INVALID,
                          "table name '%s' has too many parts; write table or database.table", q);
        }
        parts[n++] = sm_arena_strdup(s->arena, b.data ? sm_buf_cstr(&b) : "");
        sm_buf_free(&b);
        if (!parts[n - 1]) return SM_NOMEM;
        if (*p == '.') p++;
        else if (*p)
            return sm_err(SM_INVALID, "table name '%s': unexpected '%c' after a quoted part", q, *p);
    }
    /* spark_catalog.db.t: the catalog part is accepted and dropped */
    if (n == 3) {
        if (strcasecmp(parts[0], "spark_catalog") != 0)
            return sm_err(SM_INVALID, "table name '%s': the only catalog is spark_catalog", q);
        parts[0] = parts[1];
        parts[1] = parts[2];
        n = 2;
    }
    if (n == 0 || !*parts[n - 1])
        return sm_err(SM_INVALID, "table name '%s' is empty; give a table or view name", q ? q : "");
    *db = n == 2 ? parts[0] : NULL;
    *name = parts[n - 1];
    return SM_OK;
}

/* [TABLE_OR_VIEW_NOT_FOUND] naming the table as written. */
static int not_found(const char *db, const char *name) {
    char as_written[512];
    if (db)
        snprintf(as_written, sizeof as_written, "`%s`.`%s`", db, name);
    else
        snprintf(as_written, sizeof as_written, "`%s`", name);
    return sm_err(SM_NOT_FOUND,
                  "[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found. Verify the "
                  "spelling and correctness of the schema and catalog.\nIf you did not qualify the "
                  "name with a schema, verify the current_schema() output, or qualify the name "
                  "with the correct schema and catalog.\nTo tolerate the error on drop use DROP "
                  "VIEW IF EXISTS or DROP TABLE IF EXISTS.",
                  as_written);
}

static void type_sql(const sm_field *f, bool upper, char *buf, size_t n) {
    if (f->type == SM_DECIMAL)
        snprintf(buf, n, "%s(%d,%d)", upper ? "DECIMAL" : "decimal", f->precision, f->scale);
    else if (f->type == SM_TIME)
        snprintf(buf, n, "%s(%d)", upper ? "TIME" : "time", sm_time_prec(f->precision));
    else
        snprintf(buf, n, "%s", sm_type_name(f->type));
    if (upper)
        for (char *p = buf; *p; p++) *p = (char)toupper((unsigned char)*p);
}

/* "`a` INT, `b` DECIMAL(10,2)" in the arena. */
static char *schema_ddl(sm_session *s, const sm_schema *sc) {
    sm_buf b = {0};
    for (int i = 0; i < sc->ncols; i++) {
        char t[64];
        type_sql(&sc->fields[i], true, t, sizeof t);
        if (sm_buf_appendf(&b, "%s`", i ? ", " : "") != SM_OK) goto nomem;
        for (const char *p = sc->fields[i].name; *p; p++)
            if ((*p == '`' && sm_buf_putc(&b, '`') != SM_OK) || sm_buf_putc(&b, *p) != SM_OK)
                goto nomem;
        if (sm_buf_appendf(&b, "` %s", t) != SM_OK) goto nomem;
    }
    char *r = sm_arena_strdup(s->arena, b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    return r;
nomem:
    sm_buf_free(&b);
    return NULL;
}

int sm_table_check_format(const char *format, const char **out) {
    if (!format || strcasecmp(format, "csv") == 0 ||
        strcasecmp(format, "org.apache.spark.sql.execution.datasources.csv.CSVFileFormat") == 0) {
        *out = "csv";
        return SM_OK;
    }
    if (strcasecmp(format, "parquet") == 0 ||
        strcasecmp(format, "org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat") == 0) {
        *out = "parquet";
        return SM_OK;
    }
    if (strcasecmp(format, "json") == 0 ||
        strcasecmp(format, "org.apache.spark.sql.execution.datasources.json.JsonFileFormat") == 0) {
        *out = "json";
        return SM_OK;
    }
    static const char *later[] = {"orc", "text", "avro", "binaryFile", "delta",
                                  "hive", "jdbc", NULL};
    for (int i = 0; later[i]; i++)
        if (strcasecmp(format, later[i]) == 0)
            return sm_err(SM_UNSUPPORTED,
                          "[UNSUPPORTED_DATASOURCE] smelt cannot read or write '%s' tables yet: the "
                          "data sources available are: csv, json, parquet. Use USING csv, json or "
                          "parquet.",
                          format);
    return sm_err(SM_INVALID,
                  "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: %s. Please find "
                  "packages at `https://spark.apache.org/third-party-projects.html`. The data "
                  "sources available in smelt are: csv, json, parquet.",
                  format);
}

sm_dataframe *sm_table_read_files(sm_session *s, const char *fmt, const char *path,
                                  const char *const *opts, const char *ddl) {
    if (fmt && strcasecmp(fmt, "parquet") == 0) return sm_read_parquet(s, path, opts, ddl);
    if (fmt && strcasecmp(fmt, "json") == 0) return sm_read_json(s, path, opts, ddl);
    return sm_read_csv(s, path, opts, ddl);
}

int sm_table_write_files(sm_dataframe *df, const char *fmt, const char *path, const char *mode,
                         const char *const *opts) {
    if (fmt && strcasecmp(fmt, "parquet") == 0) return sm_df_write_parquet(df, path, mode, opts);
    if (fmt && strcasecmp(fmt, "json") == 0) return sm_df_write_json(df, path, mode, opts);
    return sm_df_write_csv(df, path, mode, opts);
}

/* ---- DataFrames of tables --------------------------------------------------- */

/* A projection renaming every column (by position), the values unchanged. */
sm_dataframe *sm_table_rename(sm_dataframe *df, char *const *names) {
    if (!df) return NULL;
    sm_session *s = df->session;
    const sm_schema *in = df->plan->schema;
    int n = in->ncols;
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    sm_expr **ex = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *ex);
    sm_field *f = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *f);
    if (!p || !sc || !ex || !f) return NULL;
    for (int c = 0; c < n; c++) {
        f[c] = in->fields[c];
        f[c].name = sm_arena_strdup(s->arena, names[c]);
        f[c].qualifier = NULL;
        ex[c] = sm_expr_column(s->arena, in->fields[c].name);
        if (!f[c].name || !ex[c]) return NULL;
        ex[c]->col_index = c;
        ex[c]->type = in->fields[c].type;
        ex[c]->nullable = in->fields[c].nullable;
        ex[c]->precision = in->fields[c].precision;
        ex[c]->scale = in->fields[c].scale;
        ex[c]->dt = in->fields[c].dt;
    }
    sc->ncols = n;
    sc->fields = f;
    p->kind = SM_PLAN_PROJECT;
    p->child = df->plan;
    p->exprs = ex;
    p->nexprs = n;
    p->schema = sc;
    return sm_df_wrap(s, p);
}

static bool has_data_files(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return false;
    bool any = false;
    struct dirent *e;
    while (!any && (e = readdir(d)))
        if (e->d_name[0] != '.' && e->d_name[0] != '_') any = true;
    closedir(d);
    return any;
}

/* Options for reading/writing the table's files: its options minus the
 * ones that name the table rather than the format. */
static const char **file_options(sm_session *s, char *const *opts) {
    int n = 0;
    while (opts && opts[n]) n++;
    const char **o = sm_arena_alloc(s->arena, (size_t)(n + 1) * sizeof *o);
    if (!o) return NULL;
    int k = 0;
    for (int i = 0; opts && opts[i] && opts[i + 1]; i += 2) {
        if (strcasecmp(opts[i], "path") == 0) continue;
        o[k++] = opts[i];
        o[k++] = opts[i + 1];
    }
    o[k] = NULL;
    return o;
}

/* opts plus partitionBy for a partitioned table (its files go under
 * col=value/ directories, as Spark writes them). */
static const char **with_partition_by(sm_session *s, const char **opts, char *const *cols, int n) {
    if (!opts || n <= 0) return opts;
    int k = 0;
    while (opts[k]) k++;
    const char **o = sm_arena_alloc(s->arena, (size_t)(k + 3) * sizeof *o);
    sm_buf b = {0};
    for (int i = 0; i < n; i++) sm_buf_appendf(&b, "%s`%s`", i ? "," : "", cols[i]);
    char *pb = o && sm_buf_cstr(&b) ? sm_arena_strdup(s->arena, b.data) : NULL;
    sm_buf_free(&b);
    if (!o || !pb) return NULL;
    memcpy(o, opts, (size_t)k * sizeof *o);
    o[k] = "partitionBy";
    o[k + 1] = pb;
    o[k + 2] = NULL;
    return o;
}

static int view_dataframe(sm_session *s, const sm_table_info *t, sm_dataframe **out) {
    sql_stmt *st;
    SM_TRY(sql_parse_statement(s->arena, t->view_sql ? t->view_sql : "", &st));
    if (st->kind != SQL_STMT_QUERY)
        return sm_err(SM_INTERNAL, "view `%s`.`%s`: its stored text is not a query", t->db, t->name);
    char *saved = s->current_db;
    s->current_db = t->db ? sm_arena_strdup(s->arena, t->db) : saved;
    if (!s->current_db) {
        s->current_db = saved;
        return SM_NOMEM;
    }
    sm_dataframe *df = NULL;
    int rc = sql_analyze_query(s, st->query, t->view_sql, &df);
    s->current_db = saved;
    if (rc != SM_OK)
        return sm_err_prefix(rc, "reading view `%s`.`%s` (%s): ", t->db, t->name, t->view_sql);
    if (t->schema && t->schema->ncols == df->plan->schema->ncols) {
        char **names = sm_arena_alloc(s->arena, (size_t)(t->schema->ncols + 1) * sizeof *names);
        if (!names) return SM_NOMEM;
        for (int c = 0; c < t->schema->ncols; c++) names[c] = t->schema->fields[c].name;
        df = sm_table_rename(df, names);
        if (!df) return SM_NOMEM;
    }
    *out = df;
    return SM_OK;
}

int sm_table_dataframe(sm_session *s, const sm_table_info *t, sm_dataframe **out) {
    if (t->is_view) return view_dataframe(s, t, out);
    const char *fmt;
    SM_TRY(sm_table_check_format(t->format, &fmt));
    sm_dataframe *df;
    if (!has_data_files(t->location)) {
        df = sm_df_from_batches(s, t->schema, NULL, 0);
    } else {
        const char *ddl = schema_ddl(s, t->schema);
        const char **opts = file_options(s, t->options);
        if (!ddl || !opts) return SM_NOMEM;
        df = sm_table_read_files(s, fmt, t->location, opts, t->schema->ncols ? ddl : NULL);
    }
    if (!df) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    *out = df;
    return SM_OK;
}

int sm_table_lookup(sm_session *s, const char *db, const char *name, sm_dataframe **out) {
    if (!db) {
        sm_plan *v = sm_session_temp_view(s, name);
        if (v) {
            *out = sm_df_wrap(s, v);
            return *out ? SM_OK : SM_NOMEM;
        }
    }
    sm_catalog *c;
    SM_TRY(sm_session_catalog(s, &c));
    sm_table_info *t;
    int rc = sm_catalog_get_table(c, db ? db : s->current_db, name, &t);
    if (rc == SM_NOT_FOUND) return not_found(db, name);
    SM_TRY(rc);
    rc = sm_table_dataframe(s, t, out);
    sm_table_info_free(t);
    return rc;
}

sm_dataframe *sm_read_table(sm_session *s, const char *qualified) {
    if (!s) return NULL;
    char *db, *name;
    if (sm_table_split_name(s, qualified, &db, &name) != SM_OK) return NULL;
    sm_dataframe *df;
    return sm_table_lookup(s, db, name, &df) == SM_OK ? df : NULL;
}

/* ---- CREATE TABLE ------------------------------------------------------------ */

static int mkdirs(const char *path) {
    char *p = sm_strdup(path);
    if (!p) return SM_NOMEM;
    int rc = SM_OK;
    for (char *q = p + 1;; q++) {
        if (*q != '/' && *q) continue;
        char save = *q;
        *q = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rc = sm_err(SM_IO, "cannot create directory '%s': %s", p, strerror(errno));
            break;
        }
        *q = save;
        if (!save) break;
    }
    sm_free(p);
    return rc;
}

/* The table's schema with the partition columns moved last (arena). */
static int order_schema(sm_session *s, const sm_table_spec *spec, const sm_schema *in,
                        sm_schema **out, int **order) {
    int n = in->ncols;
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    int *ord = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *ord);
    bool *is_part = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *is_part);
    if (!sc || !ord || !is_part) return SM_NOMEM;
    sc->ncols = n;
    sc->fields = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof(sm_field));
    if (!sc->fields) return SM_NOMEM;
    int k = 0;
    int *part_idx = sm_arena_alloc(s->arena, (size_t)(spec->npartition + 1) * sizeof *part_idx);
    if (!part_idx) return SM_NOMEM;
    for (int i = 0; i < spec->npartition; i++) {
        int c = sm_schema_find(in, spec->partition_cols[i]);
        if (c < 0) {
            sm_buf cols = {0};
            for (int j = 0; j < n; j++)
                sm_buf_appendf(&cols, "%s`%s`", j ? ", " : "", in->fields[j].name);
            int rc = sm_err(SM_ANALYSIS,
                            "[COLUMN_NOT_DEFINED_IN_TABLE] partition column `%s` is not defined "
                            "in table `spark_catalog`.`%s`.`%s`, defined table columns are: %s.",
                            spec->partition_cols[i], spec->db ? spec->db : s->current_db,
                            spec->name, cols.data ? sm_buf_cstr(&cols) : "");
            sm_buf_free(&cols);
            return rc;
        }
        part_idx[i] = c;
        is_part[c] = true;
    }
    for (int c = 0; c < n; c++)
        if (!is_part[c]) ord[k++] = c;
    for (int i = 0; i < spec->npartition; i++) ord[k++] = part_idx[i];
    for (int c = 0; c < n; c++) {
        sc->fields[c] = in->fields[ord[c]];
        sc->fields[c].qualifier = NULL;
        sc->fields[c].nullable = true; /* Spark's data source tables: every column nullable */
    }
    *out = sc;
    *order = ord;
    return SM_OK;
}

/* An sm_schema copy with heap names (for sm_table_info, which the catalog
 * only reads: arena-owned is fine). */
static char **option_list(sm_session *s, const char *const *opts) {
    int n = 0;
    while (opts && opts[n]) n++;
    char **o = sm_arena_alloc(s->arena, (size_t)(n + 1) * sizeof *o);
    if (!o) return NULL;
    int k = 0;
    for (int i = 0; opts && opts[i] && opts[i + 1]; i += 2) {
        if (strcasecmp(opts[i], "path") == 0) continue;
        o[k++] = (char *)opts[i];
        o[k++] = (char *)opts[i + 1];
    }
    o[k] = NULL;
    return o;
}

static int location_exists_error(const char *db, const char *name, const char *path) {
    return sm_err(SM_EXISTS,
                  "[LOCATION_ALREADY_EXISTS] Cannot name the managed table as "
                  "`spark_catalog`.`%s`.`%s`, as its associated location 'file:%s' already "
                  "exists. Please pick a different table name, or remove the existing location "
                  "first.",
                  db, name, path);
}

int sm_table_create(sm_session *s, const sm_table_spec *spec, sm_dataframe *df) {
    sm_catalog *c;
    SM_TRY(sm_session_catalog(s, &c));
    const char *db = lower_dup(s, spec->db ? spec->db : s->current_db);
    const char *name = lower_dup(s, spec->name);
    if (!db || !name) return SM_NOMEM;
    const char *fmt;
    SM_TRY(sm_table_check_format(spec->format, &fmt));
    char *dbloc, *dbcomment; /* [SCHEMA_NOT_FOUND] when the database is missing */
    SM_TRY(sm_catalog_database_info(c, db, &dbloc, &dbcomment));
    sm_free(dbloc);
    sm_free(dbcomment);

    /* An existing entry: IF NOT EXISTS keeps it, OR REPLACE drops it. */
    sm_table_info *old = NULL;
    int rc = sm_catalog_get_table(c, db, name, &old);
    if (rc == SM_OK) {
        if (spec->if_not_exists) {
            sm_table_info_free(old);
            return SM_OK;
        }
        if (!spec->replace || old->is_view) {
            sm_table_info_free(old);
            return sm_err(SM_EXISTS,
                          "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
                          "`spark_catalog`.`%s`.`%s` because it already exists.\nChoose a "
                          "different name, drop or replace the existing object, or add the IF "
                          "NOT EXISTS clause to tolerate pre-existing objects.",
                          db, name);
        }
    } else if (rc != SM_NOT_FOUND) {
        return rc;
    }
    sm_err_clear();

    /* Where the files go. */
    char *location;
    bool managed = spec->location == NULL;
    if (managed) {
        char *p = sm_catalog_table_path(c, db, name);
        location = p ? sm_arena_strdup(s->arena, p) : NULL;
        sm_free(p);
    } else {
        char *p = sm_fs_abspath(spec->location);
        location = p ? sm_arena_strdup(s->arena, p) : NULL;
        sm_free(p);
    }
    if (!location) {
        sm_table_info_free(old);
        return SM_NOMEM;
    }
    bool replacing_managed = old && old->managed && old->location &&
                             strcmp(old->location, location) == 0;
    if (managed && !replacing_managed && has_data_files(location)) {
        sm_table_info_free(old);
        return location_exists_error(db, name, location);
    }

    /* The schema: CTAS's query, the column list, or the files'. */
    const sm_schema *given = df ? df->plan->schema : spec->schema;
    const char **fopts = file_options(s, (char *const *)spec->options);
    if (!fopts) {
        sm_table_info_free(old);
        return SM_NOMEM;
    }
    if ((!given || given->ncols == 0) && !df) {
        if (!managed && has_data_files(location)) {
            sm_dataframe *files = sm_table_read_files(s, fmt, location, fopts, NULL);
            if (!files) {
                sm_table_info_free(old);
                return sm_errcode();
            }
            given = files->plan->schema;
        } else {
            sm_table_info_free(old);
            return sm_err(SM_ANALYSIS,
                          "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for %s. It must be "
                          "specified manually: give the columns, CREATE TABLE %s (a INT, b "
                          "STRING) USING %s.",
                          strcmp(fmt, "parquet") == 0 ? "Parquet" : strcmp(fmt, "json") == 0 ? "JSON" : "CSV",
                          spec->name, fmt);
        }
    }
    sm_schema *schema = NULL;
    int *order = NULL;
    rc = order_schema(s, spec, given, &schema, &order);
    if (rc != SM_OK) {
        sm_table_info_free(old);
        return rc;
    }
    for (int i = 0; i < schema->ncols; i++)
        for (int j = 0; j < i; j++)
            if (strcasecmp(schema->fields[i].name, schema->fields[j].name) == 0) {
                sm_table_info_free(old);
                return sm_err(SM_ANALYSIS,
                              "[COLUMN_ALREADY_EXISTS] The column `%s` already exists. Consider "
                              "to choose another name or rename the existing column.",
                              schema->fields[i].name);
            }

    if (old) { /* OR REPLACE of a table */
        rc = sm_catalog_drop_table(c, db, name, true, false);
        /* With a query the overwrite below swaps the files in place (the
         * query may read the old ones); otherwise the old files go now. */
        if (rc == SM_OK && old->managed && old->location &&
            (!df || strcmp(old->location, location) != 0))
            fs_remove_tree(old->location);
        if (old->location) sm_exec_reuse_invalidate_path(s->reuse, old->location);
        sm_table_info_free(old);
        SM_TRY(rc);
    }

    /* Data first, then the catalog entry: a failed write leaves no table. */
    if (df) {
        sm_dataframe *w = df;
        bool reordered = false;
        for (int i = 0; i < schema->ncols; i++) reordered |= order[i] != i;
        if (reordered) {
            char **exprs = sm_arena_alloc(s->arena, (size_t)schema->ncols * sizeof *exprs);
            char **tmp = sm_arena_alloc(s->arena, (size_t)schema->ncols * sizeof *tmp);
            if (!exprs || !tmp) return SM_NOMEM;
            for (int i = 0; i < schema->ncols; i++) {
                tmp[i] = sm_arena_printf(s->arena, "__c%d", i);
                if (!tmp[i]) return SM_NOMEM;
            }
            for (int i = 0; i < schema->ncols; i++) {
                exprs[i] = sm_arena_printf(s->arena, "`__c%d` AS `%s`", order[i],
                                           given->fields[order[i]].name);
                if (!exprs[i]) return SM_NOMEM;
            }
            w = sm_df_select_expr(sm_table_rename(df, tmp), schema->ncols,
                                  (const char *const *)exprs);
            if (!w) return sm_errcode();
        }
        const char **popts = with_partition_by(s, fopts, spec->partition_cols, spec->npartition);
        if (!popts) return SM_NOMEM;
        SM_TRY(sm_table_write_files(w, fmt, location, "overwrite", popts));
    } else {
        SM_TRY(mkdirs(location));
    }
    sm_table_info t = {0};
    t.db = (char *)db;
    t.name = (char *)name;
    t.format = (char *)fmt;
    t.location = location;
    t.managed = managed;
    t.options = option_list(s, spec->options);
    t.schema = schema;
    t.partition_cols = spec->partition_cols;
    t.npartition = spec->npartition;
    t.comment = (char *)spec->comment;
    if (spec->column_comments && !df) {
        t.column_comments = sm_arena_alloc(s->arena, (size_t)(schema->ncols + 1) * sizeof(char *));
        if (!t.column_comments) return SM_NOMEM;
        for (int i = 0; i < schema->ncols; i++) t.column_comments[i] = spec->column_comments[order[i]];
    }
    if (!t.options) return SM_NOMEM;
    rc = sm_catalog_create_table(c, &t, false, false);
    if (rc != SM_OK && managed) fs_remove_tree(location);
    return rc;
}

/* ---- INSERT -------------------------------------------------------------- */

static bool can_store(const sm_field *from, const sm_field *to) {
    sm_type a = from->type, b = to->type;
    if (a == b || a == SM_NULLTYPE || b == SM_STRING) return true;
    if (sm_type_is_numeric(a) && sm_type_is_numeric(b)) return true;
    if ((a == SM_DATE && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_DATE)) return true;
    return false;
}

static int insert_into_view_error(const char *db, const char *name, bool temp) {
    if (temp)
        return sm_err(SM_ANALYSIS, "Inserting into a view is not allowed. View: `%s`.", name);
    return sm_err(SM_ANALYSIS,
                  "Inserting into a view is not allowed. View: `spark_catalog`.`%s`.`%s`.", db,
                  name);
}

int sm_table_insert(sm_session *s, const char *db, const char *name, sm_dataframe *df,
                    char *const *cols, int ncols, bool overwrite) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "insert: the DataFrame is NULL");
    if (!db && sm_session_temp_view(s, name)) return insert_into_view_error(NULL, name, true);
    sm_catalog *c;
    SM_TRY(sm_session_catalog(s, &c));
    sm_table_info *t;
    int rc = sm_catalog_get_table(c, db ? db : s->current_db, name, &t);
    if (rc == SM_NOT_FOUND) return not_found(db, name);
    SM_TRY(rc);
    if (t->is_view) {
        rc = insert_into_view_error(t->db, t->name, false);
        sm_table_info_free(t);
        return rc;
    }
    const sm_schema *ts = t->schema, *in = df->plan->schema;
    int n = ts->ncols;
    /* source[i]: which input column feeds table column i (-1: NULL) */
    int *source = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *source);
    char **exprs = sm_arena_alloc(s->arena, (size_t)(n ? n : 1) * sizeof *exprs);
    char **tmp = sm_arena_alloc(s->arena, (size_t)(in->ncols + 1) * sizeof *tmp);
    if (!source || !exprs || !tmp) {
        sm_table_info_free(t);
        return SM_NOMEM;
    }
    int want = ncols > 0 ? ncols : n;
    if (in->ncols != want) {
        sm_buf tc = {0}, dc = {0};
        for (int i = 0; i < want; i++)
            sm_buf_appendf(&tc, "%s`%s`", i ? ", " : "", ncols > 0 ? cols[i] : ts->fields[i].name);
        for (int i = 0; i < in->ncols; i++)
            sm_buf_appendf(&dc, "%s`%s`", i ? ", " : "", in->fields[i].name);
        rc = sm_err(SM_ANALYSIS,
                    "[INSERT_COLUMN_ARITY_MISMATCH.%s] Cannot write to `spark_catalog`.`%s`.`%s`, "
                    "the reason is %s data columns:\nTable columns: %s.\nData columns: %s.",
                    in->ncols < want ? "NOT_ENOUGH_DATA_COLUMNS" : "TOO_MANY_DATA_COLUMNS",
                    t->db, t->name, in->ncols < want ? "not enough" : "too many",
                    tc.data ? sm_buf_cstr(&tc) : "", dc.data ? sm_buf_cstr(&dc) : "");
        sm_buf_free(&tc);
        sm_buf_free(&dc);
        sm_table_info_free(t);
        return rc;
    }
    for (int i = 0; i < n; i++) source[i] = ncols > 0 ? -1 : i;
    for (int k = 0; k < ncols; k++) {
        int col = sm_schema_find(ts, cols[k]);
        if (col < 0) {
            sm_buf names = {0};
            for (int i = 0; i < n && i < 5; i++)
                sm_buf_appendf(&names, "%s`%s`", i ? ", " : "", ts->fields[i].name);
            rc = sm_err(SM_ANALYSIS,
                        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with "
                        "name `%s` cannot be resolved. Did you mean one of the following? [%s].",
                        cols[k], names.data ? sm_buf_cstr(&names) : "");
            sm_buf_free(&names);
            sm_table_info_free(t);
            return rc;
        }
        if (source[col] >= 0) {
            rc = sm_err(SM_ANALYSIS,
                        "[COLUMN_ALREADY_EXISTS] The column `%s` already exists. Consider to "
                        "choose another name or rename the existing column.",
                        ts->fields[col].name);
            sm_table_info_free(t);
            return rc;
        }
        source[col] = k;
    }
    for (int i = 0; i < in->ncols; i++)
        if (!(tmp[i] = sm_arena_printf(s->arena, "__c%d", i))) rc = SM_NOMEM;
    for (int i = 0; rc == SM_OK && i < n; i++) {
        char ty[64];
        type_sql(&ts->fields[i], true, ty, sizeof ty);
        if (source[i] < 0) {
            exprs[i] = sm_arena_printf(s->arena, "CAST(NULL AS %s) AS `%s`", ty, ts->fields[i].name);
        } else {
            const sm_field *f = &in->fields[source[i]];
            if (!can_store(f, &ts->fields[i])) {
                char from[64];
                type_sql(f, true, from, sizeof from);
                rc = sm_err(SM_ANALYSIS,
                            "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write "
                            "incompatible data for the table `spark_catalog`.`%s`.`%s`: Cannot "
                            "safely cast `%s` \"%s\" to \"%s\".",
                            t->db, t->name, ts->fields[i].name, from, ty);
                break;
            }
            exprs[i] = sm_arena_printf(s->arena, "CAST(`__c%d` AS %s) AS `%s`", source[i], ty,
                                       ts->fields[i].name);
        }
        if (!exprs[i]) rc = SM_NOMEM;
    }
    sm_dataframe *w = NULL;
    if (rc == SM_OK) {
        w = sm_df_select_expr(sm_table_rename(df, tmp), n, (const char *const *)exprs);
        if (!w) rc = sm_errcode() ? sm_errcode() : SM_NOMEM;
    }
    if (rc == SM_OK) {
        const char **fopts = with_partition_by(s, file_options(s, t->options), t->partition_cols,
                                               t->npartition);
        if (!fopts) rc = SM_NOMEM;
        if (rc == SM_OK) rc = mkdirs(t->location);
        if (rc == SM_OK)
            rc = sm_table_write_files(w, t->format, t->location, overwrite ? "overwrite" : "append", fopts);
    }
    sm_table_info_free(t);
    return rc;
}

/* ---- public API ------------------------------------------------------------- */

int sm_df_insert_into(sm_dataframe *df, const char *name, bool overwrite) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "insertInto: the DataFrame is NULL");
    char *db, *tname;
    SM_TRY(sm_table_split_name(df->session, name, &db, &tname));
    return sm_table_insert(df->session, db, tname, df, NULL, 0, overwrite);
}

int sm_df_save_as_table(sm_dataframe *df, const char *name, const char *format,
                        const char *mode, const char *const *options) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "saveAsTable: the DataFrame is NULL");
    sm_session *s = df->session;
    char *db, *tname;
    SM_TRY(sm_table_split_name(s, name, &db, &tname));
    const char *m = mode ? mode : "errorifexists";
    bool append = strcasecmp(m, "append") == 0, overwrite = strcasecmp(m, "overwrite") == 0,
         ignore = strcasecmp(m, "ignore") == 0;
    if (!append && !overwrite && !ignore && strcasecmp(m, "error") != 0 &&
        strcasecmp(m, "errorifexists") != 0 && strcasecmp(m, "default") != 0)
        return sm_err(SM_INVALID,
                      "saveAsTable: unknown save mode '%s'. Accepted save modes are 'overwrite', "
                      "'append', 'ignore', 'error', 'errorifexists', 'default'.",
                      m);
    int nopts = 0;
    while (options && options[nopts]) nopts++;
    if (nopts % 2)
        return sm_err(SM_INVALID, "saveAsTable: option '%s' has no value; options are key/value "
                                  "pairs ending with NULL",
                      options[nopts - 1]);
    sm_catalog *c;
    SM_TRY(sm_session_catalog(s, &c));
    sm_table_info *t;
    int rc = sm_catalog_get_table(c, db ? db : s->current_db, tname, &t);
    if (rc == SM_OK) {
        bool view = t->is_view;
        sm_table_info_free(t);
        if (ignore) return SM_OK;
        if (append) {
            if (view) return insert_into_view_error(db ? db : s->current_db, tname, false);
            /* saveAsTable(append) matches columns by name (insertInto: by position) */
            sm_dataframe *target;
            SM_TRY(sm_table_lookup(s, db ? db : s->current_db, tname, &target));
            const sm_schema *ts = target->plan->schema;
            const char **cols = sm_arena_alloc(s->arena, (size_t)(ts->ncols + 1) * sizeof *cols);
            if (!cols) return SM_NOMEM;
            for (int i = 0; i < ts->ncols; i++) {
                if (sm_schema_find(df->plan->schema, ts->fields[i].name) < 0)
                    return sm_err(SM_ANALYSIS,
                                  "saveAsTable(append): the DataFrame has no column `%s` of table "
                                  "`%s`; select the table's columns first",
                                  ts->fields[i].name, tname);
                cols[i] = sm_arena_printf(s->arena, "`%s`", ts->fields[i].name);
                if (!cols[i]) return SM_NOMEM;
            }
            sm_dataframe *sel = sm_df_select_expr(df, ts->ncols, cols);
            if (!sel) return sm_errcode();
            return sm_table_insert(s, db, tname, sel, NULL, 0, false);
        }
        if (!overwrite) {
            return sm_err(SM_EXISTS,
                          "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
                          "`spark_catalog`.`%s`.`%s` because it already exists.\nChoose a "
                          "different name, drop or replace the existing object, or add the IF "
                          "NOT EXISTS clause to tolerate pre-existing objects.",
                          db ? db : s->current_db, tname);
        }
        /* overwrite: replaced by sm_table_create (the new files are staged and
         * swapped in, so the DataFrame may read the old table) */
    } else if (rc != SM_NOT_FOUND) {
        return rc;
    }
    sm_err_clear();
    sm_table_spec spec = {.db = db, .name = tname, .format = format, .options = options,
                          .replace = overwrite};
    return sm_table_create(s, &spec, df);
}
