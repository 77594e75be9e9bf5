/*
 * write_api.c — sm_df_write_csv, the public face of df.write.csv().
 *
 * Checks the arguments a user can get wrong (a NULL DataFrame from a failed
 * chain, a missing path, an odd-length option list), then runs the write
 * operator (exec/write.c) in one execution context.  Option values and the
 * save mode are validated there, before the plan runs.
 */
#include "api/api_internal.h"
#include "exec/write.h"

int sm_df_write_csv(sm_dataframe *df, const char *path, const char *mode,
                    const char *const *options) {
    if (!df) return sm_errcode() ? sm_errcode() : sm_err(SM_INVALID, "write_csv: the DataFrame is NULL");
    if (!path || !*path)
        return sm_err(SM_INVALID, "write_csv: no output path given; pass the directory to write");
    int nopts = 0;
    while (options && options[nopts]) nopts++;
    if (nopts % 2 != 0)
        return sm_err(SM_INVALID,
                      "write_csv: option '%s' has no value; options are key/value pairs "
                      "ending with NULL, e.g. {\"header\", \"true\", NULL}",
                      options[nopts - 1]);
    sm_exec_ctx ctx;
    SM_TRY(sm_session_exec_ctx(df->session, &ctx));
    int rc = exec_write_csv(&ctx, df->plan, path, mode, options, df->session->tz);
    sm_exec_ctx_done(&ctx);
    return rc;
}
