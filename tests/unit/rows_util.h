/*
 * rows_util.h — a query result as one comparable string, for SQL unit tests:
 * rows "c1,c2|c1,c2" (NULL for null; values in Spark's CAST AS STRING form),
 * sorted unless `ordered`; "ERROR: <message>" when df is NULL or fails.
 * The string lives in a static buffer until the next call.
 */
#ifndef SM_ROWS_UTIL_H
#define SM_ROWS_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smelt.h"

static int rows_cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *rows_of(sm_dataframe *df, bool ordered) {
    static char out[8192];
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) {
        snprintf(out, sizeof out, "ERROR: %s", sm_last_error());
        return out;
    }
    int64_t n = sm_result_num_rows(r);
    char **lines = calloc((size_t)(n ? n : 1), sizeof *lines);
    for (int64_t i = 0; i < n; i++) {
        char line[1024] = "";
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_get_string(r, i, c);
            if (c) strncat(line, ",", sizeof line - strlen(line) - 1);
            strncat(line, v ? v : "NULL", sizeof line - strlen(line) - 1);
        }
        lines[i] = strdup(line);
    }
    if (!ordered) qsort(lines, (size_t)n, sizeof *lines, rows_cmp_str);
    out[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i) strncat(out, "|", sizeof out - strlen(out) - 1);
        strncat(out, lines[i], sizeof out - strlen(out) - 1);
        free(lines[i]);
    }
    free(lines);
    sm_result_free(r);
    return out;
}

#endif
