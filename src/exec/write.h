/*
 * write.h — the write operator: runs a plan and commits its rows as a
 * directory of part files (exec/write.c).
 */
#ifndef SM_EXEC_WRITE_H
#define SM_EXEC_WRITE_H

#include "exec/exec.h"
#include "types/datetime.h"

/* df.write.mode(mode).options(...).csv(path): runs `plan` with one task per
 * partition, each writing part-NNNNN-<uuid>-c000.csv (.csv.gz with gzip) in a
 * staging directory, then commits it atomically under the save mode (NULL =
 * errorifexists).  options: NULL-terminated key/value pairs (csv_write.h).
 * Timestamps are written in tz.  On any failure nothing is left behind and
 * the target is unchanged. */
int exec_write_csv(sm_exec_ctx *ctx, const sm_plan *plan, const char *path, const char *mode,
                   const char *const *options, const sm_tz *tz);

#endif
