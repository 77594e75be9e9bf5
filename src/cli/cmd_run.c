/*
 * cmd_run.c — smelt run JOB [--arg NAME=VALUE]... [--explain] [--conf K=V]...
 *
 * Runs a YAML job file (src/job/, docs/jobs.md) in three steps, stopping
 * after the first that finds problems:
 *   1. read and check the file (job_parse, job_set_arg, job_check);
 *   2. build every node's DataFrame (job_build: analysis errors, reading
 *      source schemas);
 *   3. --explain: print each sink's plan; else write the sinks (job_run),
 *      with a line per sink and a summary on standard error.
 * Problems are printed as "JOB:LINE:COL: message", sorted by place, and the
 * exit status is 1; a bad command line exits with 2.
 *
 * job/job.h depends only on the public API (smelt.h), so this command, like
 * the rest of the program, is something any libsmelt client could write.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "job/job.h"

static void run_usage(FILE *out) {
    fprintf(out,
            "usage: smelt run JOB.yaml [--arg NAME=VALUE]... [--explain] [--conf KEY=VALUE]...\n"
            "                 [--warehouse DIR] [--quiet] [--checkpoint DIR [--resume]] [--retries N]\n"
            "  Checks the job file, then writes its sinks and prints a summary.\n"
            "  --arg NAME=VALUE   a job argument (${NAME} in the file); repeatable\n"
            "  --explain          print each sink's plan instead of running\n"
            "  --conf KEY=VALUE   a session setting, e.g. spark.sql.session.timeZone=UTC\n"
            "  --warehouse DIR    the catalog's warehouse (for table sources and sinks)\n"
            "  --memory-limit SIZE  memory budget (e.g. 2g; default 60%% of RAM): past it,\n"
            "                     aggregations spill to temporary files under $TMPDIR\n"
            "  --event-log FILE   append JSON lines per job, stage, task and operator to FILE\n"
            "                     (docs/event-log.md; also spark.eventLog.enabled/.dir)\n"
            "  --quiet            no progress lines or summary\n"
            "  --checkpoint DIR   keep each stage's result (the joins, group-bys, distincts ...\n"
            "                     of the steps) in DIR as it completes, and record the sinks\n"
            "                     that committed; DIR must be shared by every rank\n"
            "  --resume           with --checkpoint: continue a failed run: stages kept in DIR\n"
            "                     are read back (not recomputed), committed sinks are not\n"
            "                     written again; a changed job or input recomputes what changed.\n"
            "                     Any number of ranks can resume (--ranks N, mpirun -n N)\n"
            "  --retries N        when the run fails (an error, a rank that dies), start it\n"
            "                     again, up to N times: with --resume when --checkpoint is\n"
            "                     given, else from the start (with --ranks: through mpirun)\n"
            "  Distributed: --ranks N [--hosts H1,H2 | --hostfile FILE], or mpirun -n N smelt\n"
            "  run ... (docs/mpi.md, also \"Checkpoints and retries\").\n"
            "  The format is described in docs/jobs.md.\n");
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        char *b = realloc(buf, cap * 2);
        if (!b) { free(buf); buf = NULL; break; }
        buf = b;
        cap *= 2;
    }
    bool err = ferror(f);
    if (f != stdin) fclose(f);
    if (err) { free(buf); return NULL; }
    *len = n;
    return buf;
}

int cli_cmd_run(int argc, char **argv) {
    const char *file = NULL, *warehouse = NULL, *checkpoint = NULL;
    bool explain = false, quiet = false, resume = false;
    const char **args = calloc((size_t)argc + 1, sizeof(char *));
    const char **conf = calloc((size_t)argc * 2 + 3, sizeof(char *));
    int nargs = 0, nconf = 0, status = 2;
    job *j = NULL;
    sm_session *s = NULL;
    char *text = NULL;
    if (!args || !conf) { fprintf(stderr, "smelt run: out of memory\n"); goto done; }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        bool takes = !strcmp(a, "--arg") || !strcmp(a, "--conf") || !strcmp(a, "--warehouse") ||
                     !strcmp(a, "--memory-limit") || !strcmp(a, "--event-log") ||
                     !strcmp(a, "--checkpoint") || !strcmp(a, "--retries");
        if (!strncmp(a, "--arg=", 6)) { a = "--arg"; val = argv[i] + 6; }
        else if (!strncmp(a, "--conf=", 7)) { a = "--conf"; val = argv[i] + 7; }
        else if (!strncmp(a, "--warehouse=", 12)) { a = "--warehouse"; val = argv[i] + 12; }
        else if (!strncmp(a, "--memory-limit=", 15)) { a = "--memory-limit"; val = argv[i] + 15; }
        else if (!strncmp(a, "--event-log=", 12)) { a = "--event-log"; val = argv[i] + 12; }
        else if (!strncmp(a, "--checkpoint=", 13)) { a = "--checkpoint"; val = argv[i] + 13; }
        else if (!strncmp(a, "--retries=", 10)) { a = "--retries"; val = argv[i] + 10; }
        else if (takes) {
            if (i + 1 >= argc) {
                fprintf(stderr, "smelt run: %s needs a value; see 'smelt run --help'\n", a);
                goto done;
            }
            val = argv[++i];
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            run_usage(stdout);
            status = 0;
            goto done;
        } else if (!strcmp(a, "--arg") || !strcmp(a, "--conf")) {
            if (!strchr(val, '=') || strchr(val, '=') == val) {
                fprintf(stderr, "smelt run: %s takes NAME=VALUE, not '%s'\n", a, val);
                goto done;
            }
            if (!strcmp(a, "--arg")) args[nargs++] = val;
            else conf[nconf++] = val;
        } else if (!strcmp(a, "--warehouse")) {
            warehouse = val;
        } else if (!strcmp(a, "--memory-limit")) {
            static char mem_conf[256];
            snprintf(mem_conf, sizeof mem_conf, "smelt.memory.limit=%s", val);
            conf[nconf++] = mem_conf;
        } else if (!strcmp(a, "--event-log")) {
            static char ev_conf[4200];
            snprintf(ev_conf, sizeof ev_conf, "smelt.eventLog.path=%s", val);
            conf[nconf++] = ev_conf;
        } else if (!strcmp(a, "--checkpoint")) {
            checkpoint = val;
        } else if (!strcmp(a, "--resume")) {
            resume = true;
        } else if (!strcmp(a, "--retries")) {
            /* retry.c takes --retries off before the run starts; here it
             * reaches only a rank of someone else's mpirun */
            fprintf(stderr, "smelt run: --retries restarts the job, so smelt must start it: use "
                            "'smelt run --ranks N --retries %s ...' instead of mpirun, or rerun "
                            "failed runs with --resume\n", val);
            goto done;
        } else if (!strcmp(a, "--explain")) {
            explain = true;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "smelt run: unknown option '%s'; see 'smelt run --help'\n", a);
            goto done;
        } else if (!file) {
            file = a;
        } else {
            fprintf(stderr, "smelt run: one job file at a time ('%s' and '%s')\n", file, a);
            goto done;
        }
    }
    if (!file) {
        run_usage(stderr);
        goto done;
    }
    if (resume && !checkpoint) {
        fprintf(stderr, "smelt run: --resume continues from a checkpoint: give --checkpoint DIR "
                        "(the directory of the failed run)\n");
        goto done;
    }
    status = 1;
    size_t len = 0;
    text = read_all(file, &len);
    if (!text) {
        fprintf(stderr, "smelt run: cannot read job file '%s': ", file);
        perror(NULL);
        goto done;
    }
    j = job_new(strcmp(file, "-") ? file : "<stdin>");
    if (!j) { fprintf(stderr, "smelt run: out of memory\n"); goto done; }
    job_parse(j, text, len);
    {
        for (int i = 0; i < nargs; i++) {
            const char *eq = strchr(args[i], '=');
            char *name = strndup(args[i], (size_t)(eq - args[i]));
            if (!name) goto done;
            job_set_arg(j, name, eq + 1);
            free(name);
        }
        job_check(j);
    }
    /* Build what can be built even when some nodes have problems, so one
     * run reports them all; but not after a YAML syntax error. */
    bool structural = job_ndiags(j) > 0;
    const char **kv = calloc((size_t)nconf * 2 + 3, sizeof(char *));
    if (!kv) goto done;
    int m = 0;
    for (int i = 0; i < nconf; i++) {
        const char *eq = strchr(conf[i], '=');
        kv[m++] = strndup(conf[i], (size_t)(eq - conf[i]));
        kv[m++] = eq + 1;
    }
    if (warehouse) {
        kv[m++] = "spark.sql.warehouse.dir";
        kv[m++] = warehouse;
    }
    s = sm_session_new(kv);
    for (int i = 0; i < nconf; i++) free((char *)kv[2 * i]);
    free(kv);
    if (!s) {
        fprintf(stderr, "smelt run: %s\n", sm_last_error());
        goto done;
    }
    if (job_ndiags(j) == 0 || structural) job_build(j, s);
    if (job_ndiags(j) > 0) {
        job_print_diags(j, stderr);
        fprintf(stderr, "smelt run: %d problem%s in %s; nothing was run\n", job_ndiags(j),
                job_ndiags(j) == 1 ? "" : "s", file);
        goto done;
    }
    if (explain) {
        status = job_explain(j, stdout) == 0 ? 0 : 1;
        if (status) job_print_diags(j, stderr);
        goto done;
    }
    job_run_opts o = {.log = quiet ? NULL : stderr, .tty = isatty(STDERR_FILENO),
                      .summary = !quiet, .checkpoint = checkpoint, .resume = resume,
                      .version = SMELT_VERSION};
    int jr = job_run(j, &o);
    if (jr == 0 && sm_dist_size() > 1) sm_dist_summary(quiet ? NULL : stderr); /* docs/mpi.md */
    if (jr != 0) {
        job_print_diags(j, stderr);
        goto done;
    }
    status = 0;
done:
    if (j) job_free(j);
    if (s) sm_session_free(s);
    free(text);
    free(args);
    free(conf);
    return status;
}
