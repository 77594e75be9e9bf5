/*
 * catalog.c — the persistent catalog (catalog.h) kept in SQLite.
 *
 * The metastore is <warehouse>/metastore.db with four tables:
 *
 *   databases(name PK, location, comment, created)
 *   tables(db, name, kind 'table'|'view', format, location, managed,
 *          schema_ddl, view_sql, comment, created)       PK (db, name)
 *   table_columns(db, name, pos, col_name, type, precision, scale,
 *                 nullable, comment)                      PK (db, name, pos)
 *   table_options(db, name, pos, key, value)               PK (db, name, pos)
 *   table_partitions(db, name, pos, col_name)              PK (db, name, pos)
 *
 * The columns are stored one row each (exact types, decimal precision,
 * nullability, comments); tables.schema_ddl repeats them as Spark DDL text
 * for people reading the database with the sqlite3 shell.  Child rows are
 * deleted with their table by hand (no foreign-key cascades, so that the
 * behaviour does not depend on PRAGMA foreign_keys).
 *
 * Invariants:
 *   1. Names (databases, tables) are stored lower case; lookups lower-case
 *      their arguments, so names are case-insensitive as in Spark.
 *   2. Every change runs in one BEGIN IMMEDIATE transaction: the write lock
 *      is taken up front, so two processes never interleave a read-check
 *      ("does it exist?") with another's write.  A busy timeout makes the
 *      second writer wait instead of failing.  The journal is in WAL mode so
 *      readers never block writers.
 *   3. The `default` database always exists; its location is the warehouse.
 *   4. Locations are absolute paths.
 *
 * Memory: sm_table_info and name lists returned to callers are sm_malloc'd
 * and freed with sm_table_info_free / sm_catalog_free_names.  The catalog
 * handle owns the sqlite3 connection.
 *
 * Threading: one handle per session; SQLite serializes access across
 * processes.  A handle must not be used by two threads at once.
 *
 * The catalog does not touch data files: the statements layer creates and
 * deletes table directories (sm_catalog_table_path tells it where).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/mem.h"
#include "common/status.h"

struct sm_catalog {
    sqlite3 *db;
    char *warehouse; /* absolute */
};

#define CAT_BUSY_MS 30000

static const char *CAT_SCHEMA =
    "CREATE TABLE IF NOT EXISTS databases("
    "  name TEXT PRIMARY KEY, location TEXT NOT NULL, comment TEXT, created INTEGER);"
    "CREATE TABLE IF NOT EXISTS tables("
    "  db TEXT NOT NULL, name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('table', 'view')),"
    "  format TEXT, location TEXT, managed INTEGER NOT NULL DEFAULT 0,"
    "  schema_ddl TEXT, view_sql TEXT, comment TEXT, created INTEGER,"
    "  PRIMARY KEY (db, name));"
    "CREATE TABLE IF NOT EXISTS table_columns("
    "  db TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL, col_name TEXT NOT NULL,"
    "  type INTEGER NOT NULL, precision INTEGER, scale INTEGER, nullable INTEGER NOT NULL,"
    "  comment TEXT, PRIMARY KEY (db, name, pos));"
    "CREATE TABLE IF NOT EXISTS table_options("
    "  db TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL, key TEXT NOT NULL,"
    "  value TEXT, PRIMARY KEY (db, name, pos));"
    "CREATE TABLE IF NOT EXISTS table_partitions("
    "  db TEXT NOT NULL, name TEXT NOT NULL, pos INTEGER NOT NULL, col_name TEXT NOT NULL,"
    "  PRIMARY KEY (db, name, pos));";

/* ---- helpers ------------------------------------------------------------ */

static char *cat_lower(const char *s) {
    char *r = sm_strdup(s ? s : "");
    if (!r) return NULL;
    for (char *p = r; *p; p++) *p = (char)tolower((unsigned char)*p);
    return r;
}

static int cat_sqlerr(sm_catalog *c, const char *what) {
    return sm_err(SM_IO, "catalog %s/metastore.db: %s failed: %s", c->warehouse, what,
                  sqlite3_errmsg(c->db));
}

/* mkdir -p */
static int cat_mkdirs(const char *path) {
    char *p = sm_strdup(path);
    if (!p) return SM_NOMEM;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            sm_free(p);
            return sm_err(SM_IO, "cannot create directory '%s': %s", path, strerror(e));
        }
        *s = '/';
    }
    int rc = SM_OK;
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = sm_err(SM_IO, "cannot create directory '%s': %s; check the permissions or set "
                           "spark.sql.warehouse.dir / SMELT_HOME elsewhere",
                    path, strerror(errno));
    sm_free(p);
    return rc;
}

static int cat_exec(sm_catalog *c, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = sm_err(SM_IO, "catalog %s/metastore.db: %s", c->warehouse,
                        msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return rc;
    }
    return SM_OK;
}

static int cat_begin(sm_catalog *c) { return cat_exec(c, "BEGIN IMMEDIATE"); }
static int cat_commit(sm_catalog *c) { return cat_exec(c, "COMMIT"); }
static void cat_rollback(sm_catalog *c) { sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL); }

static int cat_prepare(sm_catalog *c, const char *sql, sqlite3_stmt **st) {
    if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK) return cat_sqlerr(c, "prepare");
    return SM_OK;
}

static void cat_bind_text(sqlite3_stmt *st, int i, const char *s) {
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Runs a statement that returns no rows; finalizes it. */
static int cat_step_done(sm_catalog *c, sqlite3_stmt *st, const char *what) {
    int r = sqlite3_step(st);
    int rc = r == SQLITE_DONE || r == SQLITE_ROW ? SM_OK : cat_sqlerr(c, what);
    sqlite3_finalize(st);
    return rc;
}

static char *col_dup(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? sm_strdup((const char *)t) : NULL;
}

/* ---- open / close -------------------------------------------------------- */

int sm_catalog_open(const char *warehouse_dir, sm_catalog **out) {
    *out = NULL;
    if (!warehouse_dir || !*warehouse_dir)
        return sm_err(SM_INVALID, "catalog: the warehouse directory is empty; set "
                                  "spark.sql.warehouse.dir or SMELT_HOME");
    SM_TRY(cat_mkdirs(warehouse_dir));
    char abs[PATH_MAX];
    if (!realpath(warehouse_dir, abs))
        return sm_err(SM_IO, "catalog: cannot resolve '%s': %s", warehouse_dir, strerror(errno));
    sm_catalog *c = sm_calloc(1, sizeof *c);
    if (!c) return SM_NOMEM;
    c->warehouse = sm_strdup(abs);
    char *dbpath = sm_malloc(strlen(abs) + 16);
    if (!c->warehouse || !dbpath) {
        sm_free(dbpath);
        sm_catalog_close(c);
        return SM_NOMEM;
    }
    sprintf(dbpath, "%s/metastore.db", abs);
    int r = sqlite3_open_v2(dbpath, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sm_free(dbpath);
    if (r != SQLITE_OK) {
        int rc = sm_err(SM_IO, "catalog: cannot open %s/metastore.db: %s", abs,
                        c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(r));
        sm_catalog_close(c);
        return rc;
    }
    sqlite3_busy_timeout(c->db, CAT_BUSY_MS);
    /* WAL is a property of the file: set once, kept by later opens.  Under
     * contention the switch itself may report busy; another process then
     * did it, or the next open will. */
    sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    int rc = cat_begin(c);
    if (rc == SM_OK) rc = cat_exec(c, CAT_SCHEMA);
    if (rc == SM_OK) {
        sqlite3_stmt *st;
        rc = cat_prepare(c,
                         "INSERT OR IGNORE INTO databases(name, location, comment, created) "
                         "VALUES ('default', ?1, 'default database', ?2)",
                         &st);
        if (rc == SM_OK) {
            cat_bind_text(st, 1, abs);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
            rc = cat_step_done(c, st, "creating the default database");
        }
    }
    if (rc == SM_OK) rc = cat_commit(c);
    if (rc != SM_OK) {
        cat_rollback(c);
        sm_catalog_close(c);
        return rc;
    }
    *out = c;
    return SM_OK;
}

void sm_catalog_close(sm_catalog *c) {
    if (!c) return;
    if (c->db) sqlite3_close(c->db);
    sm_free(c->warehouse);
    sm_free(c);
}

const char *sm_catalog_warehouse(const sm_catalog *c) { return c ? c->warehouse : NULL; }

void sm_catalog_free_names(char **names) {
    if (!names) return;
    for (char **p = names; *p; p++) sm_free(*p);
    sm_free(names);
}

/* ---- databases ------------------------------------------------------------- */

static int db_exists(sm_catalog *c, const char *lname, bool *out) {
    sqlite3_stmt *st;
    SM_TRY(cat_prepare(c, "SELECT 1 FROM databases WHERE name = ?1", &st));
    cat_bind_text(st, 1, lname);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) return cat_sqlerr(c, "reading databases");
    *out = r == SQLITE_ROW;
    return SM_OK;
}

static int schema_not_found(const char *lname) {
    return sm_err(SM_NOT_FOUND,
                  "[SCHEMA_NOT_FOUND] The schema `%s` cannot be found. Verify the spelling and "
                  "correctness of the schema and catalog.\nIf you did not qualify the name with a "
                  "catalog, verify the current_schema() output, or qualify the name with the "
                  "correct catalog.\nTo tolerate the error on drop use DROP SCHEMA IF EXISTS.",
                  lname);
}

bool sm_catalog_database_exists(sm_catalog *c, const char *name) {
    char *l = cat_lower(name);
    bool e = false;
    if (l && db_exists(c, l, &e) != SM_OK) e = false;
    sm_free(l);
    return e;
}

int sm_catalog_create_database(sm_catalog *c, const char *name, const char *location,
                               const char *comment, bool if_not_exists) {
    char *l = cat_lower(name);
    if (!l) return SM_NOMEM;
    char *loc = NULL;
    int rc;
    if (location) {
        rc = cat_mkdirs(location);
        char abs[PATH_MAX];
        if (rc == SM_OK && !realpath(location, abs))
            rc = sm_err(SM_IO, "CREATE DATABASE: cannot resolve '%s': %s", location,
                        strerror(errno));
        if (rc == SM_OK && !(loc = sm_strdup(abs))) rc = SM_NOMEM;
    } else {
        loc = sm_malloc(strlen(c->warehouse) + strlen(l) + 8);
        if (loc) sprintf(loc, "%s/%s.db", c->warehouse, l);
        rc = loc ? SM_OK : SM_NOMEM;
    }
    if (rc != SM_OK) goto done;
    if ((rc = cat_begin(c)) != SM_OK) goto done;
    bool exists;
    rc = db_exists(c, l, &exists);
    if (rc == SM_OK && exists) {
        if (!if_not_exists)
            rc = sm_err(SM_EXISTS,
                        "[SCHEMA_ALREADY_EXISTS] Cannot create schema `%s` because it already "
                        "exists.\nChoose a different name, drop the existing schema, or add the "
                        "IF NOT EXISTS clause to tolerate pre-existing schema.",
                        l);
        cat_rollback(c);
        goto done;
    }
    sqlite3_stmt *st = NULL;
    if (rc == SM_OK)
        rc = cat_prepare(c,
                         "INSERT INTO databases(name, location, comment, created) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         &st);
    if (rc == SM_OK) {
        cat_bind_text(st, 1, l);
        cat_bind_text(st, 2, loc);
        cat_bind_text(st, 3, comment);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
        rc = cat_step_done(c, st, "CREATE DATABASE");
    }
    if (rc == SM_OK) rc = cat_commit(c);
    if (rc != SM_OK) cat_rollback(c);
    /* The database directory (Spark creates it too). */
    if (rc == SM_OK && !location) rc = cat_mkdirs(loc);
done:
    sm_free(l);
    sm_free(loc);
    return rc;
}

/* Deletes a table's rows from every catalog table (inside a transaction). */
static int delete_table_rows(sm_catalog *c, const char *db, const char *name) {
    static const char *sqls[] = {
        "DELETE FROM tables WHERE db = ?1 AND (?2 IS NULL OR name = ?2)",
        "DELETE FROM table_columns WHERE db = ?1 AND (?2 IS NULL OR name = ?2)",
        "DELETE FROM table_options WHERE db = ?1 AND (?2 IS NULL OR name = ?2)",
        "DELETE FROM table_partitions WHERE db = ?1 AND (?2 IS NULL OR name = ?2)",
    };
    for (int i = 0; i < 4; i++) {
        sqlite3_stmt *st;
        SM_TRY(cat_prepare(c, sqls[i], &st));
        cat_bind_text(st, 1, db);
        cat_bind_text(st, 2, name);
        SM_TRY(cat_step_done(c, st, "deleting a table"));
    }
    return SM_OK;
}

int sm_catalog_drop_database(sm_catalog *c, const char *name, bool if_exists, bool cascade) {
    char *l = cat_lower(name);
    if (!l) return SM_NOMEM;
    int rc;
    if (strcmp(l, "default") == 0) {
        rc = sm_err(SM_ANALYSIS,
                    "[UNSUPPORTED_FEATURE.DROP_DATABASE] The feature is not supported: Drop the "
                    "default database `spark_catalog`.`default`.");
        sm_free(l);
        return rc;
    }
    if ((rc = cat_begin(c)) != SM_OK) {
        sm_free(l);
        return rc;
    }
    bool exists;
    rc = db_exists(c, l, &exists);
    if (rc == SM_OK && !exists) {
        if (!if_exists) rc = schema_not_found(l);
        cat_rollback(c);
        sm_free(l);
        return rc;
    }
    if (rc == SM_OK && !cascade) {
        sqlite3_stmt *st;
        rc = cat_prepare(c, "SELECT count(*) FROM tables WHERE db = ?1", &st);
        if (rc == SM_OK) {
            cat_bind_text(st, 1, l);
            int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
            sqlite3_finalize(st);
            if (n > 0)
                rc = sm_err(SM_ANALYSIS,
                            "[SCHEMA_NOT_EMPTY] Cannot drop a schema `%s` because it contains "
                            "objects.\nUse DROP SCHEMA ... CASCADE to drop the schema and all its "
                            "objects.",
                            l);
        }
    }
    if (rc == SM_OK) rc = delete_table_rows(c, l, NULL);
    if (rc == SM_OK) {
        sqlite3_stmt *st;
        rc = cat_prepare(c, "DELETE FROM databases WHERE name = ?1", &st);
        if (rc == SM_OK) {
            cat_bind_text(st, 1, l);
            rc = cat_step_done(c, st, "DROP DATABASE");
        }
    }
    if (rc == SM_OK) rc = cat_commit(c);
    if (rc != SM_OK) cat_rollback(c);
    sm_free(l);
    return rc;
}

/* Rows of a one-column query as a NULL-terminated list. */
static int list_strings(sm_catalog *c, const char *sql, const char *arg, char ***out) {
    *out = NULL;
    sqlite3_stmt *st;
    SM_TRY(cat_prepare(c, sql, &st));
    if (arg) cat_bind_text(st, 1, arg);
    int n = 0, cap = 8, rc = SM_OK, r;
    char **names = sm_malloc((size_t)cap * sizeof *names);
    if (!names) {
        sqlite3_finalize(st);
        return SM_NOMEM;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n + 1 >= cap) {
            cap *= 2;
            char **nn = sm_realloc(names, (size_t)cap * sizeof *nn);
            if (!nn) {
                rc = SM_NOMEM;
                break;
            }
            names = nn;
        }
        if (!(names[n] = col_dup(st, 0))) {
            rc = SM_NOMEM;
            break;
        }
        n++;
    }
    if (rc == SM_OK && r != SQLITE_DONE) rc = cat_sqlerr(c, "listing");
    sqlite3_finalize(st);
    names[n] = NULL;
    if (rc != SM_OK) {
        sm_catalog_free_names(names);
        return rc;
    }
    *out = names;
    return SM_OK;
}

int sm_catalog_list_databases(sm_catalog *c, char ***out) {
    return list_strings(c, "SELECT name FROM databases ORDER BY name", NULL, out);
}

/* ---- tables --------------------------------------------------------------- */

/* catalog_prefix: "`spark_catalog`." as Spark names the table in DROP. */
static int table_not_found(const char *catalog_prefix, const char *db, const char *name) {
    return sm_err(SM_NOT_FOUND,
                  "[TABLE_OR_VIEW_NOT_FOUND] The table or view %s`%s`.`%s` cannot be found. Verify "
                  "the spelling and correctness of the schema and catalog.\nIf you did not "
                  "qualify the name with a schema, verify the current_schema() output, or qualify "
                  "the name with the correct schema and catalog.\nTo tolerate the error on drop "
                  "use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.",
                  catalog_prefix, db, name);
}

/* 1 when the table exists (kind into *is_view), 0 when not. */
static int table_lookup(sm_catalog *c, const char *db, const char *name, bool *found,
                        bool *is_view, bool *managed) {
    sqlite3_stmt *st;
    SM_TRY(cat_prepare(c, "SELECT kind, managed FROM tables WHERE db = ?1 AND name = ?2", &st));
    cat_bind_text(st, 1, db);
    cat_bind_text(st, 2, name);
    int r = sqlite3_step(st);
    *found = r == SQLITE_ROW;
    if (*found && is_view) {
        const unsigned char *k = sqlite3_column_text(st, 0);
        *is_view = k && strcmp((const char *)k, "view") == 0;
    }
    if (*found && managed) *managed = sqlite3_column_int(st, 1) != 0;
    sqlite3_finalize(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) return cat_sqlerr(c, "reading tables");
    return SM_OK;
}

/* Spark's DDL spelling of a column type. */
static void type_ddl(const sm_field *f, char *buf, size_t n) {
    if (f->type == SM_DECIMAL)
        snprintf(buf, n, "DECIMAL(%d,%d)", f->precision, f->scale);
    else if (f->type == SM_TIME)
        snprintf(buf, n, "TIME(%d)", sm_time_prec(f->precision));
    else {
        const char *t = sm_type_name(f->type);
        size_t i = 0;
        for (; t[i] && i + 1 < n; i++) buf[i] = (char)toupper((unsigned char)t[i]);
        buf[i] = 0;
    }
}

static int schema_ddl(const sm_schema *s, sm_buf *b) {
    for (int i = 0; s && i < s->ncols; i++) {
        char t[64];
        type_ddl(&s->fields[i], t, sizeof t);
        SM_TRY(sm_buf_appendf(b, "%s`", i ? ", " : ""));
        for (const char *p = s->fields[i].name; *p; p++) {
            if (*p == '`') SM_TRY(sm_buf_putc(b, '`'));
            SM_TRY(sm_buf_putc(b, *p));
        }
        SM_TRY(sm_buf_appendf(b, "` %s%s", t, s->fields[i].nullable ? "" : " NOT NULL"));
    }
    sm_buf_cstr(b);
    return SM_OK;
}

static int insert_table(sm_catalog *c, const char *db, const char *name, const sm_table_info *t) {
    sm_buf ddl = {0};
    int rc = schema_ddl(t->schema, &ddl);
    sqlite3_stmt *st = NULL;
    if (rc == SM_OK)
        rc = cat_prepare(c,
                         "INSERT INTO tables(db, name, kind, format, location, managed, "
                         "schema_ddl, view_sql, comment, created) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                         &st);
    if (rc == SM_OK) {
        cat_bind_text(st, 1, db);
        cat_bind_text(st, 2, name);
        cat_bind_text(st, 3, t->is_view ? "view" : "table");
        cat_bind_text(st, 4, t->format);
        cat_bind_text(st, 5, t->location);
        sqlite3_bind_int(st, 6, t->managed ? 1 : 0);
        cat_bind_text(st, 7, ddl.data ? ddl.data : "");
        cat_bind_text(st, 8, t->view_sql);
        cat_bind_text(st, 9, t->comment);
        sqlite3_bind_int64(st, 10, t->created ? t->created : (sqlite3_int64)time(NULL));
        rc = cat_step_done(c, st, "registering a table");
    }
    sm_buf_free(&ddl);
    for (int i = 0; rc == SM_OK && t->schema && i < t->schema->ncols; i++) {
        const sm_field *f = &t->schema->fields[i];
        rc = cat_prepare(c,
                         "INSERT INTO table_columns(db, name, pos, col_name, type, precision, "
                         "scale, nullable, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         &st);
        if (rc != SM_OK) break;
        cat_bind_text(st, 1, db);
        cat_bind_text(st, 2, name);
        sqlite3_bind_int(st, 3, i);
        cat_bind_text(st, 4, f->name);
        sqlite3_bind_int(st, 5, (int)f->type);
        sqlite3_bind_int(st, 6, f->precision);
        sqlite3_bind_int(st, 7, f->scale);
        sqlite3_bind_int(st, 8, f->nullable ? 1 : 0);
        cat_bind_text(st, 9, t->column_comments ? t->column_comments[i] : NULL);
        rc = cat_step_done(c, st, "registering a column");
    }
    for (int i = 0; rc == SM_OK && t->options && t->options[i] && t->options[i + 1]; i += 2) {
        rc = cat_prepare(c,
                         "INSERT INTO table_options(db, name, pos, key, value) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         &st);
        if (rc != SM_OK) break;
        cat_bind_text(st, 1, db);
        cat_bind_text(st, 2, name);
        sqlite3_bind_int(st, 3, i / 2);
        cat_bind_text(st, 4, t->options[i]);
        cat_bind_text(st, 5, t->options[i + 1]);
        rc = cat_step_done(c, st, "registering an option");
    }
    for (int i = 0; rc == SM_OK && i < t->npartition; i++) {
        rc = cat_prepare(c,
                         "INSERT INTO table_partitions(db, name, pos, col_name) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         &st);
        if (rc != SM_OK) break;
        cat_bind_text(st, 1, db);
        cat_bind_text(st, 2, name);
        sqlite3_bind_int(st, 3, i);
        cat_bind_text(st, 4, t->partition_cols[i]);
        rc = cat_step_done(c, st, "registering a partition column");
    }
    return rc;
}

int sm_catalog_create_table(sm_catalog *c, const sm_table_info *t, bool if_not_exists,
                            bool replace) {
    char *db = cat_lower(t->db ? t->db : "default"), *name = cat_lower(t->name);
    int rc = db && name ? SM_OK : SM_NOMEM;
    bool begun = false;
    if (rc == SM_OK && !(rc = cat_begin(c))) begun = true;
    bool exists = false, is_view = false, found = false;
    if (rc == SM_OK) rc = db_exists(c, db, &exists);
    if (rc == SM_OK && !exists) rc = schema_not_found(db);
    if (rc == SM_OK) rc = table_lookup(c, db, name, &found, &is_view, NULL);
    if (rc == SM_OK && found) {
        if (replace) {
            if (t->is_view && !is_view)
                rc = sm_err(SM_ANALYSIS,
                            "[EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE] The table "
                            "`spark_catalog`.`%s`.`%s` does not support CREATE OR REPLACE VIEW.",
                            db, name);
            else
                rc = delete_table_rows(c, db, name);
        } else if (if_not_exists) {
            goto finish; /* nothing to do: commit the empty transaction */
        } else {
            rc = sm_err(SM_EXISTS,
                        "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
                        "`spark_catalog`.`%s`.`%s` "
                        "because it already exists.\nChoose a different name, drop or replace "
                        "the existing object, or add the IF NOT EXISTS clause to tolerate "
                        "pre-existing objects.",
                        db, name);
        }
    }
    if (rc == SM_OK) rc = insert_table(c, db, name, t);
finish:
    if (rc == SM_OK && begun) rc = cat_commit(c);
    if (rc != SM_OK && begun) cat_rollback(c);
    sm_free(db);
    sm_free(name);
    return rc;
}

void sm_table_info_free(sm_table_info *t) {
    if (!t) return;
    sm_free(t->db);
    sm_free(t->name);
    sm_free(t->view_sql);
    sm_free(t->format);
    sm_free(t->location);
    if (t->options) sm_catalog_free_names(t->options);
    if (t->column_comments && t->schema)
        for (int i = 0; i < t->schema->ncols; i++) sm_free(t->column_comments[i]);
    sm_free(t->column_comments);
    sm_schema_free(t->schema);
    for (int i = 0; i < t->npartition; i++) sm_free(t->partition_cols[i]);
    sm_free(t->partition_cols);
    sm_free(t->comment);
    sm_free(t);
}

static int read_columns(sm_catalog *c, sm_table_info *t) {
    sqlite3_stmt *st;
    SM_TRY(cat_prepare(c,
                       "SELECT col_name, type, precision, scale, nullable, comment "
                       "FROM table_columns WHERE db = ?1 AND name = ?2 ORDER BY pos",
                       &st));
    cat_bind_text(st, 1, t->db);
    cat_bind_text(st, 2, t->name);
    int n = 0, cap = 0, rc = SM_OK, r;
    sm_field *fields = NULL;
    char **comments = NULL;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            sm_field *nf = sm_realloc(fields, (size_t)cap * sizeof *nf);
            if (nf) fields = nf;
            char **nc = sm_realloc(comments, (size_t)cap * sizeof *nc);
            if (nc) comments = nc;
            if (!nf || !nc) {
                rc = SM_NOMEM;
                break;
            }
        }
        memset(&fields[n], 0, sizeof fields[n]);
        fields[n].name = col_dup(st, 0);
        fields[n].type = (sm_type)sqlite3_column_int(st, 1);
        fields[n].precision = (int8_t)sqlite3_column_int(st, 2);
        fields[n].scale = (int8_t)sqlite3_column_int(st, 3);
        fields[n].nullable = sqlite3_column_int(st, 4) != 0;
        comments[n] = col_dup(st, 5);
        n++;
        if (!fields[n - 1].name) {
            rc = SM_NOMEM;
            break;
        }
    }
    if (rc == SM_OK && r != SQLITE_DONE) rc = cat_sqlerr(c, "reading columns");
    sqlite3_finalize(st);
    sm_schema *s = rc == SM_OK ? sm_schema_new(n) : NULL;
    if (rc == SM_OK && !s) rc = SM_NOMEM;
    if (rc != SM_OK) {
        for (int i = 0; i < n; i++) {
            sm_free(fields[i].name);
            sm_free(comments[i]);
        }
        sm_free(fields);
        sm_free(comments);
        return rc;
    }
    if (n) memcpy(s->fields, fields, (size_t)n * sizeof *fields);
    sm_free(fields);
    t->schema = s;
    t->column_comments = comments;
    if (!comments && !(t->column_comments = sm_calloc(1, sizeof(char *)))) return SM_NOMEM;
    return SM_OK;
}

static int read_options(sm_catalog *c, sm_table_info *t) {
    sqlite3_stmt *st;
    SM_TRY(cat_prepare(c,
                       "SELECT key, value FROM table_options WHERE db = ?1 AND name = ?2 "
                       "ORDER BY pos",
                       &st));
    cat_bind_text(st, 1, t->db);
    cat_bind_text(st, 2, t->name);
    int n = 0, cap = 8, rc = SM_OK, r;
    char **o = sm_calloc((size_t)cap, sizeof *o);
    if (!o) {
        sqlite3_finalize(st);
        return SM_NOMEM;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n + 3 >= cap) {
            cap *= 2;
            char **no = sm_realloc(o, (size_t)cap * sizeof *no);
            if (!no) {
                rc = SM_NOMEM;
                break;
            }
            o = no;
        }
        o[n] = col_dup(st, 0);
        o[n + 1] = col_dup(st, 1);
        if (!o[n + 1]) o[n + 1] = sm_strdup("");
        n += 2;
        if (!o[n - 2] || !o[n - 1]) {
            o[n] = NULL;
            rc = SM_NOMEM;
            break;
        }
    }
    if (rc == SM_OK && r != SQLITE_DONE) rc = cat_sqlerr(c, "reading options");
    sqlite3_finalize(st);
    o[n] = NULL;
    t->options = o;
    return rc;
}

int sm_catalog_get_table(sm_catalog *c, const char *db, const char *name, sm_table_info **out) {
    *out = NULL;
    sm_table_info *t = sm_calloc(1, sizeof *t);
    if (!t) return SM_NOMEM;
    t->db = cat_lower(db ? db : "default");
    t->name = cat_lower(name);
    if (!t->db || !t->name) {
        sm_table_info_free(t);
        return SM_NOMEM;
    }
    sqlite3_stmt *st;
    int rc = cat_prepare(c,
                         "SELECT kind, format, location, managed, view_sql, comment, created "
                         "FROM tables WHERE db = ?1 AND name = ?2",
                         &st);
    if (rc != SM_OK) {
        sm_table_info_free(t);
        return rc;
    }
    /* One read transaction, so the row and its children are consistent. */
    sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
    cat_bind_text(st, 1, t->db);
    cat_bind_text(st, 2, t->name);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const unsigned char *k = sqlite3_column_text(st, 0);
        t->is_view = k && strcmp((const char *)k, "view") == 0;
        t->format = col_dup(st, 1);
        t->location = col_dup(st, 2);
        t->managed = sqlite3_column_int(st, 3) != 0;
        t->view_sql = col_dup(st, 4);
        t->comment = col_dup(st, 5);
        t->created = sqlite3_column_int64(st, 6);
    } else if (r == SQLITE_DONE) {
        rc = table_not_found("", t->db, t->name);
    } else {
        rc = cat_sqlerr(c, "reading a table");
    }
    sqlite3_finalize(st);
    if (rc == SM_OK) rc = read_columns(c, t);
    if (rc == SM_OK) rc = read_options(c, t);
    if (rc == SM_OK) {
        char **parts = NULL;
        char *q = sqlite3_mprintf("SELECT col_name FROM table_partitions WHERE db = %Q AND "
                                  "name = %Q ORDER BY pos",
                                  t->db, t->name);
        rc = q ? list_strings(c, q, NULL, &parts) : SM_NOMEM;
        sqlite3_free(q);
        if (rc == SM_OK) {
            int n = 0;
            while (parts[n]) n++;
            t->partition_cols = parts; /* NULL-terminated; npartition counts them */
            t->npartition = n;
        }
    }
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SM_OK) {
        sm_table_info_free(t);
        return rc;
    }
    *out = t;
    return SM_OK;
}

int sm_catalog_drop_table(sm_catalog *c, const char *db, const char *name, bool if_exists,
                          bool view) {
    char *ldb = cat_lower(db ? db : "default"), *lname = cat_lower(name);
    int rc = ldb && lname ? SM_OK : SM_NOMEM;
    bool begun = false, found = false, is_view = false, managed = false;
    if (rc == SM_OK && !(rc = cat_begin(c))) begun = true;
    if (rc == SM_OK) rc = table_lookup(c, ldb, lname, &found, &is_view, &managed);
    if (rc == SM_OK && !found) {
        if (!if_exists) rc = table_not_found("`spark_catalog`.", ldb, lname);
    } else if (rc == SM_OK && view && !is_view) {
        rc = sm_err(SM_ANALYSIS,
                    "[WRONG_COMMAND_FOR_OBJECT_TYPE] The operation DROP VIEW requires a VIEW. But "
                    "spark_catalog.%s.%s is a %s. Use DROP TABLE instead.",
                    ldb, lname, managed ? "MANAGED" : "EXTERNAL");
    } else if (rc == SM_OK && !view && is_view) {
        rc = sm_err(SM_ANALYSIS,
                    "[WRONG_COMMAND_FOR_OBJECT_TYPE] The operation DROP TABLE requires a EXTERNAL "
                    "or MANAGED. But spark_catalog.%s.%s is a VIEW. Use DROP VIEW instead.",
                    ldb, lname);
    } else if (rc == SM_OK) {
        rc = delete_table_rows(c, ldb, lname);
    }
    if (rc == SM_OK && begun) rc = cat_commit(c);
    if (rc != SM_OK && begun) cat_rollback(c);
    sm_free(ldb);
    sm_free(lname);
    return rc;
}

int sm_catalog_list_tables(sm_catalog *c, const char *db, char ***out) {
    char *l = cat_lower(db ? db : "default");
    if (!l) return SM_NOMEM;
    bool exists;
    int rc = db_exists(c, l, &exists);
    if (rc == SM_OK && !exists) rc = schema_not_found(l);
    if (rc == SM_OK)
        rc = list_strings(c, "SELECT name FROM tables WHERE db = ?1 ORDER BY name", l, out);
    sm_free(l);
    return rc;
}

char *sm_catalog_table_path(sm_catalog *c, const char *db, const char *name) {
    char *ldb = cat_lower(db ? db : "default"), *lname = cat_lower(name);
    char *loc = NULL, *path = NULL;
    if (!ldb || !lname) goto done;
    sqlite3_stmt *st;
    if (cat_prepare(c, "SELECT location FROM databases WHERE name = ?1", &st) != SM_OK) goto done;
    cat_bind_text(st, 1, ldb);
    if (sqlite3_step(st) == SQLITE_ROW) loc = col_dup(st, 0);
    sqlite3_finalize(st);
    if (!loc) {
        /* an unknown database: where it would live */
        loc = sm_malloc(strlen(c->warehouse) + strlen(ldb) + 8);
        if (!loc) goto done;
        if (strcmp(ldb, "default") == 0)
            strcpy(loc, c->warehouse);
        else
            sprintf(loc, "%s/%s.db", c->warehouse, ldb);
    }
    path = sm_malloc(strlen(loc) + strlen(lname) + 2);
    if (path) sprintf(path, "%s/%s", loc, lname);
done:
    sm_free(ldb);
    sm_free(lname);
    sm_free(loc);
    return path;
}

int sm_catalog_database_info(sm_catalog *c, const char *name, char **location, char **comment) {
    char *l = cat_lower(name);
    if (!l) return SM_NOMEM;
    *location = *comment = NULL;
    sqlite3_stmt *st;
    int rc = cat_prepare(c, "SELECT location, comment FROM databases WHERE name = ?1", &st);
    if (rc == SM_OK) {
        cat_bind_text(st, 1, l);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            *location = col_dup(st, 0);
            *comment = col_dup(st, 1);
        } else if (r == SQLITE_DONE) {
            rc = schema_not_found(l);
        } else {
            rc = cat_sqlerr(c, "reading databases");
        }
        sqlite3_finalize(st);
    }
    sm_free(l);
    return rc;
}
