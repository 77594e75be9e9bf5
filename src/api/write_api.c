/*
 * write_api.c — sm_df_write_csv / _parquet / _json, the public face of
 * df.write.csv() / .parquet() / .json().
 *
 * Checks the arguments a user can get wrong (a NULL DataFrame from a failed
 * chain, a missing path, an odd-length option list), then runs the format's
 * write operator (exec/write.c) in one execution context.  Option values and
 * the save mode are validated there, before the plan runs.
 */
#include <strings.h>

#include "api/api_internal.h"
#include "exec/write.h"

typedef int (*write_fn)(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                        const char *const *options, const sm_tz *tz);

/* `what` names the call in messages ("write_csv"); `example` is an option
 * pair of that format for the odd-length message. */
static int write_with(sm_dataframe *df, const char *path, const char *mode, const char *const *options,
                      const char *what, const char *example, write_fn fn) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "%s: the DataFrame is NULL", what);
    if (!path || !*path)
        return sm_err(SM_INVALID, "%s: no output path given; pass the directory to write", what);
    int nopts = 0;
    while (options && options[nopts]) nopts++;
    if (nopts % 2 != 0)
        return sm_err(SM_INVALID,
                      "%s: option '%s' has no value; options are key/value pairs "
                      "ending with NULL, e.g. {%s, NULL}",
                      what, options[nopts - 1], example);
    /* the session's spark.sql.sources.partitionOverwriteMode, unless the
     * write names its own (DataFrameWriter.option wins, as in Spark) */
    const char *pom = sm_session_get(df->session, "spark.sql.sources.partitionOverwriteMode");
    for (int i = 0; pom && i < nopts; i += 2)
        if (!strcasecmp(options[i], "partitionOverwriteMode")) pom = NULL;
    const char **with = NULL;
    if (pom) {
        with = sm_arena_alloc(df->session->arena, sizeof(char *) * (size_t)(nopts + 3));
        if (!with) return SM_NOMEM;
        for (int i = 0; i < nopts; i++) with[i] = options[i];
        with[nopts] = "partitionOverwriteMode";
        with[nopts + 1] = pom;
        with[nopts + 2] = NULL;
        options = with;
    }
    sm_exec_ctx ctx;
    SM_TRY(sm_session_job_begin(df->session, &ctx, df->plan, what));
    int rc = fn(&ctx, df->plan, path, mode, options, df->session->tz);
    sm_session_job_end(&ctx, df->plan, rc);
    return rc;
}

int sm_df_write_csv(sm_dataframe *df, const char *path, const char *mode,
                    const char *const *options) {
    return write_with(df, path, mode, options, "write_csv", "\"header\", \"true\"", exec_write_csv);
}

int sm_df_write_parquet(sm_dataframe *df, const char *path, const char *mode,
                        const char *const *options) {
    return write_with(df, path, mode, options, "write_parquet", "\"compression\", \"zstd\"",
                      exec_write_parquet);
}

int sm_df_write_json(sm_dataframe *df, const char *path, const char *mode, const char *const *options) {
    return write_with(df, path, mode, options, "write_json", "\"compression\", \"gzip\"",
                      exec_write_json);
}
