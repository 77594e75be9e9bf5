/*
 * sql_api.c — the public SQL entry points of smelt.h: sm_sql (one
 * statement, as spark.sql) and sm_sql_script (a ';'-separated script).
 *
 * Both parse into the session arena (DataFrames returned for queries keep
 * pointing at the syntax tree and the statement text, so both live as long
 * as the session), then run each statement with sql_execute.  A query's
 * DataFrame is lazy; any other statement has run when these return.
 */
#include <string.h>

#include "sql/sql.h"

sm_dataframe *sm_sql(sm_session *s, const char *statement) {
    if (!s) return NULL;
    if (!statement) {
        sm_err(SM_INVALID, "sm_sql: the statement is NULL");
        return NULL;
    }
    char *text = sm_arena_strdup(s->arena, statement);
    if (!text) return NULL;
    sql_stmt *st;
    if (sql_parse_statement(s->arena, text, &st) != SM_OK) return NULL;
    sm_dataframe *df;
    if (sql_execute(s, st, text, &df) != SM_OK) return NULL;
    return df;
}

int sm_sql_script(sm_session *s, const char *script, sm_sql_callback cb, void *arg) {
    if (!s) return sm_err(SM_INVALID, "sm_sql_script: the session is NULL");
    if (!script) return sm_err(SM_INVALID, "sm_sql_script: the script is NULL");
    char *text = sm_arena_strdup(s->arena, script);
    if (!text) return SM_NOMEM;
    sql_stmt **stmts;
    int n;
    SM_TRY(sql_parse_script(s->arena, text, &stmts, &n));
    for (int i = 0; i < n; i++) {
        const sql_stmt *st = stmts[i];
        sm_dataframe *df;
        SM_TRY(sql_execute(s, st, text, &df));
        if (cb) {
            int len = st->end > st->pos ? st->end - st->pos : 0;
            char *one = sm_arena_strndup(s->arena, text + st->pos, (size_t)len);
            if (!one) return SM_NOMEM;
            int rc = cb(arg, one, df);
            if (rc != 0) return rc;
        }
    }
    return SM_OK;
}
