/*
 * json_api.c — sm_read_json and sm_df_write_json, the public faces of
 * spark.read.json() and df.write.json().
 *
 * Reading makes a JSON dataset source (formats/dataset.c over
 * formats/json_read.c: partition discovery included) owned by the session
 * and a SCAN plan node over it, as sm_read_parquet does; writing checks the
 * arguments and runs the write operator (exec/write.c, exec_write_json).
 */
#include <string.h>

#include "api/api_internal.h"
#include "exec/write.h"
#include "formats/dataset.h"
#include "formats/json.h"

/* The scan node's schema lives in the session arena (like dataframe.c's). */
static sm_schema *arena_schema(sm_session *s, const sm_schema *src) {
    sm_schema *sc = sm_arena_alloc(s->arena, sizeof *sc);
    if (!sc) return NULL;
    sc->ncols = src->ncols;
    sc->fields = sm_arena_alloc(s->arena, (size_t)(src->ncols > 0 ? src->ncols : 1) * sizeof(sm_field));
    if (!sc->fields) return NULL;
    for (int i = 0; i < src->ncols; i++) {
        sc->fields[i] = src->fields[i];
        sc->fields[i].qualifier = NULL;
        sc->fields[i].name = sm_arena_strdup(s->arena, src->fields[i].name ? src->fields[i].name : "");
        if (!sc->fields[i].name) return NULL;
    }
    return sc;
}

sm_dataframe *sm_read_json_paths(sm_session *s, const char *const *paths, int npaths,
                                 const char *const *options, const char *schema_ddl) {
    if (!s) return NULL;
    if (!paths || npaths <= 0 || !paths[0]) {
        sm_err(SM_INVALID, "read_json: no path given; pass a file, a directory or a glob");
        return NULL;
    }
    sm_source *src;
    if (ds_source_create("json", paths, npaths, options, schema_ddl, s->tz, s->pool, &src) != SM_OK)
        return NULL;
    if (sm_session_add_source(s, src) != SM_OK) {
        if (src->free) src->free(src);
        return NULL;
    }
    sm_plan *p = sm_arena_alloc(s->arena, sizeof *p);
    if (!p) return NULL;
    p->kind = SM_PLAN_SCAN;
    p->source = src;
    p->schema = arena_schema(s, src->schema);
    if (!p->schema) return NULL;
    return sm_df_wrap(s, p);
}

sm_dataframe *sm_read_json(sm_session *s, const char *path, const char *const *options,
                           const char *schema_ddl) {
    const char *paths[1] = {path};
    return sm_read_json_paths(s, paths, 1, options, schema_ddl);
}

int sm_df_write_json(sm_dataframe *df, const char *path, const char *mode, const char *const *options) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "write_json: the DataFrame is NULL");
    if (!path || !*path)
        return sm_err(SM_INVALID, "write_json: no output path given; pass the directory to write");
    int nopts = 0;
    while (options && options[nopts]) nopts++;
    if (nopts % 2 != 0)
        return sm_err(SM_INVALID,
                      "write_json: option '%s' has no value; options are key/value pairs "
                      "ending with NULL, e.g. {\"compression\", \"gzip\", NULL}",
                      options[nopts - 1]);
    sm_exec_ctx ctx;
    SM_TRY(sm_session_exec_ctx(df->session, &ctx));
    int rc = exec_write_json(&ctx, df->plan, path, mode, options, df->session->tz);
    sm_exec_ctx_done(&ctx);
    return rc;
}
