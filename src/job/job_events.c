/*
 * job_events.c — the run summary's numbers, read from the session's event
 * log (docs/event-log.md).
 *
 * `smelt run` writes each sink as one action; the engine appends that
 * action's jobs, stages, tasks, operator metrics and committed outputs to
 * the event log as JSON lines.  The runner notes the log's size before and
 * after each sink and reads that byte range back here, so every number in
 * the summary (rows read by the scans, rows and files written, stages,
 * tasks, spill, peak memory) is what the engine recorded, not a second
 * pass over the output.
 *
 * The lines are flat JSON objects written by exec/eventlog.c: keys are
 * strings, values strings or integers.  The scanner below reads exactly
 * that (string escapes are skipped, not decoded, since only the Event and
 * Kind values are compared); a line it cannot read is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "job/job_internal.h"

long job_events_size(const char *path) {
    struct stat sb;
    if (!path || stat(path, &sb) != 0) return -1;
    return (long)sb.st_size;
}

typedef struct {
    const char *key, *sval; /* not NUL-terminated: klen, slen */
    size_t klen, slen;
    long long ival;
    bool is_str;
} ev_field;

/* Reads the next "key":value of a flat object at *pp; false at the end or
 * on anything else. */
static bool next_field(const char **pp, const char *end, ev_field *f) {
    const char *p = *pp;
    while (p < end && (*p == '{' || *p == ',' || *p == ' ')) p++;
    if (p >= end || *p != '"') return false;
    f->key = ++p;
    while (p < end && *p != '"') p++;
    if (p >= end) return false;
    f->klen = (size_t)(p - f->key);
    p++;
    if (p >= end || *p != ':') return false;
    p++;
    if (p < end && *p == '"') {
        f->sval = ++p;
        while (p < end && *p != '"') p += *p == '\\' ? 2 : 1;
        if (p >= end) return false;
        f->slen = (size_t)(p - f->sval);
        f->is_str = true;
        p++;
    } else {
        char *e;
        f->ival = strtoll(p, &e, 10);
        if (e == p || e > end) return false;
        f->is_str = false;
        p = e;
    }
    *pp = p;
    return true;
}

static bool is(const ev_field *f, const char *key) {
    return f->klen == strlen(key) && memcmp(f->key, key, f->klen) == 0;
}

static bool str_is(const ev_field *f, const char *v) {
    return f->is_str && f->slen == strlen(v) && memcmp(f->sval, v, f->slen) == 0;
}

/* One line into the totals. */
static void account(const char *line, const char *end, job_event_stats *st) {
    enum { OTHER, JOB_END, STAGE_END, TASK_END, OP, OUTPUT, REUSED } ev = OTHER;
    bool scan = false, failed = false;
    long long rows = 0, files = 0, spill = 0, peak = 0, bytes = 0;
    ev_field f = {0};
    const char *p = line;
    while (next_field(&p, end, &f)) {
        if (is(&f, "Event")) {
            ev = str_is(&f, "JobEnd")            ? JOB_END
                 : str_is(&f, "StageEnd")        ? STAGE_END
                 : str_is(&f, "TaskEnd")         ? TASK_END
                 : str_is(&f, "OperatorMetrics") ? OP
                 : str_is(&f, "OutputCommitted") ? OUTPUT
                 : str_is(&f, "ResultReused")    ? REUSED
                                                 : OTHER;
        } else if (is(&f, "Kind")) {
            scan = str_is(&f, "Scan");
        } else if (is(&f, "Rank") && !f.is_str) {
            /* distributed runs may share one file: this rank's lines only
             * (job_run sums the ranks' totals) */
            if (f.ival != sm_dist_rank()) return;
        } else if (is(&f, "Result")) {
            failed = str_is(&f, "failed");
        } else if (!f.is_str) {
            if (is(&f, "Rows")) rows = f.ival;
            else if (is(&f, "Files")) files = f.ival;
            else if (is(&f, "Spill bytes")) spill = f.ival;
            else if (is(&f, "Peak memory")) peak = f.ival;
            else if (is(&f, "Bytes read")) bytes = f.ival;
        }
    }
    switch (ev) {
    case JOB_END: st->jobs++; break;
    case STAGE_END: st->stages++; break;
    case TASK_END:
        st->tasks++;
        if (failed) st->failed_tasks++;
        break;
    case OP:
        if (scan) {
            st->rows_read += rows;
            st->bytes_read += bytes;
            st->scans++;
        }
        st->spill_bytes += spill;
        if (peak > st->peak_memory) st->peak_memory = peak;
        break;
    case OUTPUT:
        st->rows_written += rows;
        st->files_written += files;
        st->outputs++;
        break;
    case REUSED: st->reused++; break;
    default: break;
    }
}

int job_events_read(const char *path, long from, long to, job_event_stats *st) {
    memset(st, 0, sizeof *st);
    if (!path || from < 0 || to <= from) return SM_OK;
    FILE *f = fopen(path, "rb");
    if (!f) return SM_IO;
    size_t n = (size_t)(to - from);
    char *buf = sm_malloc(n + 1);
    if (!buf) {
        fclose(f);
        return SM_NOMEM;
    }
    bool ok = fseek(f, from, SEEK_SET) == 0 && fread(buf, 1, n, f) == n;
    fclose(f);
    if (ok) {
        buf[n] = '\0';
        for (char *line = buf; line < buf + n;) {
            char *nl = memchr(line, '\n', (size_t)(buf + n - line));
            char *end = nl ? nl : buf + n;
            account(line, end, st);
            line = end + 1;
        }
    }
    sm_free(buf);
    return ok ? SM_OK : SM_IO;
}
