/*
 * job_run.c — building a checked job's DataFrames, explaining and running
 * its sinks, and the summary.
 *
 * Build: nodes are built in dependency order (an iterative post-order walk
 * over the references, so a long chain of steps needs no deep recursion).
 * Each node's DataFrame is built once and kept in job_node.df; every reader
 * of the node — steps, sql: steps (through a temporary view named after the
 * node), sinks — uses that one DataFrame.  Building resolves every column
 * and expression (the public API analyzes eagerly), and reading a file
 * source with inferSchema reads its data, so analysis errors ("unknown
 * column", a bad type, a bad option value) surface here, before any sink
 * runs, as diagnostics at the YAML node they come from.  A node that fails,
 * and everything that reads it, is not built; independent nodes still are,
 * so one run reports every problem.
 *
 * Run: sinks are written one after the other, each an action of its own.
 * DataFrames are lazy plans: a node read by two sinks is planned once but
 * executed by each action that needs it (the engine has no cache through
 * the public API yet; docs/jobs.md says so).  Every write is committed
 * atomically by the engine, so a failing sink leaves its target untouched;
 * the sinks before it stay written and the sinks after it do not run.
 *
 * Metrics: the public API has no scan or write counters, so the summary
 * counts what it can from outside: bytes read are the sizes of a file
 * source's input files; rows and bytes written are counted from each
 * output after it is committed (its part files' sizes; its rows by reading
 * it back).  Rows read per source are not counted (that needs counters in
 * the scan).  Peak memory is sm_mem_peak (smelt's allocator) and the
 * process's maximum resident size.
 *
 * Threading: the engine runs each action on its pool; on a terminal a
 * helper thread redraws "writing sink X ... 1.2 s" every 100 ms while the
 * action runs, and is joined before anything else is printed.
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <glob.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "job/job_internal.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- building --------------------------------------------------------------------- */

/* An engine failure as a diagnostic at `at`, naming the node. */
static void fail(job *j, job_node *n, const jy_node *at, const char *what) {
    const char *msg = sm_last_error();
    job_diagf(j, at ? at : n->name_at, "%s '%s': %s%s%s", n->kind == JOB_STEP ? "step" : "source",
              n->name, what ? what : "", what ? ": " : "", msg && *msg ? msg : "failed");
}

/* NULL-terminated copy of a flattened k,v list (arena). */
static const char **kv_array(job *j, const job_strs *l) {
    const char **a = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(l->n + 1));
    if (!a) { j->nomem = true; return NULL; }
    for (int i = 0; i < l->n; i++) a[i] = l->s[i];
    a[l->n] = NULL;
    return a;
}

static int column_index(sm_dataframe *df, const char *name) {
    for (int c = 0; c < sm_df_num_columns(df); c++)
        if (!strcasecmp(sm_df_column_name(df, c), name)) return c;
    return -1;
}

/* Stricter than Spark: withColumnRenamed and drop of a missing column do
 * nothing there, which in a job file is almost always a typo. */
static bool need_column(job *j, job_node *n, sm_dataframe *df, const char *col, jy_node *at) {
    if (column_index(df, col) >= 0) return true;
    sm_buf b = {0};
    int nc = sm_df_num_columns(df);
    const char **names = sm_malloc(sizeof(char *) * (size_t)(nc + 1));
    for (int c = 0; c < nc; c++) {
        sm_buf_appendf(&b, "%s%s", c ? ", " : "", sm_df_column_name(df, c));
        if (names) names[c] = sm_df_column_name(df, c);
    }
    if (names) names[nc] = NULL;
    const char *sug = names ? job_suggest(col, names) : NULL;
    if (sug)
        job_diagf(j, at, "step '%s': %s: unknown column '%s'; did you mean '%s'?", n->name,
                  n->op_name, col, sug);
    else
        job_diagf(j, at, "step '%s': %s: unknown column '%s'; the input has: %s", n->name,
                  n->op_name, col, b.data ? b.data : "(no columns)");
    sm_free(names);
    sm_buf_free(&b);
    return false;
}

static char *backquote(job *j, const char *name) {
    sm_buf b = {0};
    sm_buf_putc(&b, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`') sm_buf_putc(&b, '`');
        sm_buf_putc(&b, *p);
    }
    sm_buf_putc(&b, '`');
    char *s = sm_arena_strdup(j->arena, sm_buf_cstr(&b));
    sm_buf_free(&b);
    return s;
}

/* withColumns: every expression sees the input (not the other new columns),
 * as Spark's withColumns does: one projection. */
static sm_dataframe *with_columns(job *j, job_node *n, sm_dataframe *df) {
    const job_strs *pr = &n->p.pairs;
    /* Check each expression on its own first, to report the one at fault. */
    for (int i = 0; i + 1 < pr->n; i += 2) {
        const char *e = pr->s[i + 1];
        if (!sm_df_select_expr(df, 1, &e)) {
            fail(j, n, pr->at[i + 1], "with_columns");
            return NULL;
        }
    }
    int nc = sm_df_num_columns(df), npairs = pr->n / 2;
    const char **items = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(nc + npairs + 1));
    bool *used = sm_arena_alloc(j->arena, sizeof(bool) * (size_t)(npairs + 1));
    if (!items || !used) { j->nomem = true; return NULL; }
    int m = 0;
    for (int c = 0; c < nc; c++) {
        const char *name = sm_df_column_name(df, c);
        int hit = -1;
        for (int i = 0; i < npairs && hit < 0; i++)
            if (!strcasecmp(pr->s[2 * i], name)) hit = i;
        if (hit >= 0) {
            used[hit] = true;
            items[m++] = sm_arena_printf(j->arena, "(%s) AS %s", pr->s[2 * hit + 1],
                                         backquote(j, pr->s[2 * hit]));
        } else {
            items[m++] = backquote(j, name);
        }
    }
    for (int i = 0; i < npairs; i++)
        if (!used[i])
            items[m++] = sm_arena_printf(j->arena, "(%s) AS %s", pr->s[2 * i + 1],
                                         backquote(j, pr->s[2 * i]));
    for (int i = 0; i < m; i++)
        if (!items[i]) { j->nomem = true; return NULL; }
    sm_dataframe *out = sm_df_select_expr(df, m, items);
    if (!out) fail(j, n, n->op_at, "with_columns");
    return out;
}

static sm_dataframe *build_step(job *j, job_node *n, sm_session *s) {
    sm_dataframe *in = n->nrefs ? j->nodes[n->refs[0].node].df : NULL;
    sm_dataframe *df = NULL;
    const job_strs *l = &n->p.list, *pr = &n->p.pairs;
    const char *what = n->op_name;
    switch (n->op) {
    case OP_FILTER: df = sm_df_filter(in, n->p.str); break;
    case OP_SELECT: df = sm_df_select_expr(in, l->n, l->s); break;
    case OP_WITH_COLUMN:
        df = in;
        for (int i = 0; i + 1 < pr->n; i += 2) {
            df = sm_df_with_column(df, pr->s[i], pr->s[i + 1]);
            if (!df) { fail(j, n, pr->at[i + 1], what); return NULL; }
        }
        return df;
    case OP_WITH_COLUMNS: return with_columns(j, n, in);
    case OP_RENAME:
        df = in;
        for (int i = 0; i + 1 < pr->n; i += 2) {
            if (!need_column(j, n, df, pr->s[i], pr->at[i])) return NULL;
            df = sm_df_with_column_renamed(df, pr->s[i], pr->s[i + 1]);
            if (!df) { fail(j, n, pr->at[i + 1], what); return NULL; }
        }
        return df;
    case OP_DROP:
        for (int i = 0; i < l->n; i++)
            if (!need_column(j, n, in, l->s[i], l->at[i])) return NULL;
        df = sm_df_drop(in, l->n, l->s);
        break;
    case OP_CAST:
        df = in;
        for (int i = 0; i + 1 < pr->n; i += 2) {
            if (!need_column(j, n, df, pr->s[i], pr->at[i])) return NULL;
            sm_column *c = sm_column_cast(sm_col(s, pr->s[i]), pr->s[i + 1]);
            df = c ? sm_df_with_column_col(df, pr->s[i], c) : NULL;
            if (!df) { fail(j, n, pr->at[i + 1], what); return NULL; }
        }
        return df;
    case OP_NA_FILL:
        if (pr->n) {
            const char **kv = kv_array(j, pr);
            df = kv ? sm_df_na_fill_map(in, kv) : NULL;
        } else {
            df = sm_df_na_fill(in, n->p.str, l->n, l->n ? l->s : NULL);
        }
        break;
    case OP_NA_DROP:
        df = sm_df_na_drop(in, n->p.str, (int)n->p.num, l->n, l->n ? l->s : NULL);
        break;
    case OP_DROP_DUPLICATES: df = sm_df_drop_duplicates(in, l->n, l->n ? l->s : NULL); break;
    case OP_DISTINCT: df = sm_df_distinct(in); break;
    case OP_UNION: case OP_UNION_BY_NAME: case OP_INTERSECT: case OP_INTERSECT_ALL:
    case OP_EXCEPT: case OP_EXCEPT_ALL:
        df = in;
        for (int r = 1; r < n->nrefs && df; r++) {
            sm_dataframe *o = j->nodes[n->refs[r].node].df;
            switch (n->op) {
            case OP_UNION: df = sm_df_union(df, o); break;
            case OP_UNION_BY_NAME: df = sm_df_union_by_name(df, o, n->p.flag); break;
            case OP_INTERSECT: df = sm_df_intersect(df, o); break;
            case OP_INTERSECT_ALL: df = sm_df_intersect_all(df, o); break;
            case OP_EXCEPT: df = sm_df_subtract(df, o); break;
            default: df = sm_df_except_all(df, o); break;
            }
            if (!df) { fail(j, n, n->refs[r].at, what); return NULL; }
        }
        return df;
    case OP_JOIN: {
        sm_dataframe *left = sm_df_alias(in, j->nodes[n->refs[0].node].name);
        sm_dataframe *right = sm_df_alias(j->nodes[n->refs[1].node].df,
                                          j->nodes[n->refs[1].node].name);
        bool cross = n->p.how && !strcasecmp(n->p.how, "cross");
        if (l->n) df = sm_df_join_using(left, right, l->n, l->s, n->p.how);
        else if (n->p.on) df = sm_df_join(left, right, n->p.on, n->p.how);
        else if (cross) df = sm_df_cross_join(left, right);
        break;
    }
    case OP_GROUP_BY: {
        sm_grouped *g = sm_df_group_by(in, l->n, l->s);
        if (!g) { fail(j, n, n->op_at, what); return NULL; }
        if (n->p.agg_dict) {
            const char **kv = kv_array(j, pr);
            df = kv ? sm_grouped_agg_dict(g, kv) : NULL;
        } else {
            df = sm_grouped_agg(g, pr->n, pr->s);
        }
        if (!df) { fail(j, n, jy_get(n->def, "agg"), "agg"); return NULL; }
        return df;
    }
    case OP_AGG:
        if (n->p.agg_dict) {
            const char **kv = kv_array(j, pr);
            df = kv ? sm_df_agg_dict(in, kv) : NULL;
        } else {
            df = sm_df_agg(in, l->n, l->s);
        }
        break;
    case OP_ORDER_BY: df = sm_df_order_by(in, l->n, l->s); break;
    case OP_LIMIT: df = sm_df_limit(in, n->p.num); break;
    case OP_OFFSET: df = sm_df_offset(in, n->p.num); break;
    case OP_SQL: df = sm_sql(s, n->text); break;
    case OP_DESCRIBE: df = sm_df_describe(in, l->n, l->n ? l->s : NULL); break;
    case OP_NONE: break;
    }
    if (!df) fail(j, n, n->op_at, what);
    return df;
}

/* Points a CSV option error at the option it names, when it names one. */
static const jy_node *option_at(job_node *n) {
    const char *msg = sm_last_error();
    if (!msg || !strstr(msg, "option")) return n->def;
    for (int i = 0; i + 1 < n->options.n; i += 2) {
        size_t kl = strlen(n->options.s[i]);
        for (const char *p = strcasestr(msg, n->options.s[i]); p; p = strcasestr(p + 1, n->options.s[i]))
            if ((p == msg || p[-1] == ' ') && (p[kl] == '=' || p[kl] == ' ' || p[kl] == ':'))
                return n->options.at[i + 1];
    }
    jy_node *o = jy_get(n->def, "options");
    return o ? o : n->def;
}

static sm_dataframe *build_source(job *j, job_node *n, sm_session *s) {
    sm_dataframe *df = NULL;
    switch (n->kind) {
    case JOB_SRC_FILE: {
        const char **kv = kv_array(j, &n->options);
        if (!kv) return NULL;
        df = n->format && !strcasecmp(n->format, "parquet")
                 ? sm_read_parquet_paths(s, n->paths.s, n->paths.n, kv, n->schema)
             : n->format && !strcasecmp(n->format, "json")
                 ? sm_read_json_paths(s, n->paths.s, n->paths.n, kv, n->schema)
                 : sm_read_csv_paths(s, n->paths.s, n->paths.n, kv, n->schema);
        if (!df) {
            const char *msg = sm_last_error();
            const jy_node *at = jy_get(n->def, "path");
            if (msg && strstr(msg, "option")) at = option_at(n);
            else if (msg && n->schema && (strstr(msg, "DDL") || strstr(msg, "schema")))
                at = jy_get(n->def, "schema");
            fail(j, n, at, "reading");
        }
        return df;
    }
    case JOB_SRC_TABLE:
        df = sm_read_table(s, n->text);
        if (!df) fail(j, n, jy_get(n->def, "table"), NULL);
        return df;
    case JOB_SRC_SQL:
        df = sm_sql(s, n->text);
        if (!df) fail(j, n, jy_get(n->def, "sql"), NULL);
        return df;
    default:
        return NULL;
    }
}

static void build_node(job *j, job_node *n, sm_session *s) {
    n->built = true;
    if (n->bad) return;
    for (int r = 0; r < n->nrefs; r++)
        if (n->refs[r].node < 0 || !j->nodes[n->refs[r].node].df) return; /* said already */
    sm_dataframe *df = n->kind == JOB_STEP ? build_step(j, n, s) : build_source(j, n, s);
    if (!df) return;
    /* sql: steps see every node built before them by its name. */
    if (sm_df_create_or_replace_temp_view(df, n->name) != SM_OK) {
        fail(j, n, n->name_at, "registering its temporary view");
        return;
    }
    n->df = df;
}

/* checkpoint.c: builds a node again over its inputs' current DataFrames
 * (after one of them was replaced by a checkpoint read back). */
void job_rebuild_node(job *j, job_node *n) {
    n->df = NULL;
    build_node(j, n, j->session);
}

int job_build(job *j, sm_session *s) {
    if (!j->parsed) return SM_INVALID;
    j->session = s;
    /* Post-order over the references; cycles were marked bad by job_check
     * (their nodes are skipped; visit flags are reused: 3 = queued). */
    int *stack = sm_malloc(sizeof(int) * (size_t)(j->nnodes + 1));
    int *next = sm_malloc(sizeof(int) * (size_t)(j->nnodes + 1));
    if (!stack || !next) { sm_free(stack); sm_free(next); return SM_NOMEM; }
    for (int i = 0; i < j->nnodes; i++) j->nodes[i].visit = 0;
    for (int start = 0; start < j->nnodes; start++) {
        if (j->nodes[start].visit) continue;
        int sp = 0;
        stack[0] = start;
        next[0] = 0;
        j->nodes[start].visit = 1;
        while (sp >= 0) {
            job_node *n = &j->nodes[stack[sp]];
            if (next[sp] < n->nrefs) {
                int m = n->refs[next[sp]++].node;
                if (m >= 0 && !j->nodes[m].visit) {
                    j->nodes[m].visit = 1;
                    sp++;
                    stack[sp] = m;
                    next[sp] = 0;
                }
                continue;
            }
            build_node(j, n, s);
            n->visit = 2;
            sp--;
        }
    }
    sm_free(stack);
    sm_free(next);
    /* A file cannot hold two columns of one name: Spark fails at the write
     * ([COLUMN_ALREADY_EXISTS]); say so now, before anything runs. */
    for (int i = 0; i < j->nsinks; i++) {
        job_sink *k = &j->sinks[i];
        sm_dataframe *df = k->bad || k->input.node < 0 ? NULL : j->nodes[k->input.node].df;
        int nc = df ? sm_df_num_columns(df) : 0;
        bool dup = false;
        for (int a = 0; a < nc && !dup; a++)
            for (int b = a + 1; b < nc && !dup; b++)
                if (!strcasecmp(sm_df_column_name(df, a), sm_df_column_name(df, b))) {
                    job_diagf(j, k->input.at, "sink '%s': [COLUMN_ALREADY_EXISTS] its input '%s' "
                                              "has two columns named '%s' (columns %d and %d); "
                                              "select or rename one in a step before it",
                              k->name, k->input.name, sm_df_column_name(df, a), a + 1, b + 1);
                    dup = true;
                }
        if (dup) k->bad = true;
    }
    if (j->nomem) return SM_NOMEM;
    return j->ndiags ? SM_INVALID : SM_OK;
}

/* ---- explain ------------------------------------------------------------------------- */

static const char *sink_target(const job_sink *k) { return k->path ? k->path : k->table; }

int job_explain(job *j, FILE *out) {
    int rc = SM_OK;
    for (int i = 0; i < j->nsinks; i++) {
        job_sink *k = &j->sinks[i];
        if (k->bad || k->input.node < 0 || !j->nodes[k->input.node].df) continue;
        fprintf(out, "== sink %s: %s -> %s %s (%s, mode %s) ==\n", k->name, k->input.name,
                k->path ? "path" : "table", sink_target(k), k->format ? k->format : "csv",
                k->mode ? k->mode : "error");
        if (sm_df_explain(j->nodes[k->input.node].df, out) != SM_OK) {
            job_diagf(j, k->at, "sink '%s': explain: %s", k->name, sm_last_error());
            rc = SM_INVALID;
        }
        fputc('\n', out);
    }
    return rc;
}

/* ---- metrics from outside ---------------------------------------------------------------- */

typedef struct {
    int64_t files, bytes;
} file_stats;

static void add_file(const char *path, file_stats *st) {
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        st->files++;
        st->bytes += (int64_t)sb.st_size;
    }
}

/* What the reader reads for a path: a file, a directory's files (not those
 * starting with '_' or '.'), or a glob's matches.  `parts` keeps only
 * part-* files (an output directory). */
static void path_stats(const char *path, bool parts, file_stats *st) {
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISREG(sb.st_mode)) { add_file(path, st); return; }
        if (S_ISDIR(sb.st_mode)) {
            DIR *d = opendir(path);
            if (!d) return;
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.' || e->d_name[0] == '_') continue;
                if (parts && strncmp(e->d_name, "part-", 5)) continue;
                size_t n = strlen(path) + strlen(e->d_name) + 2;
                char *p = sm_malloc(n);
                if (!p) break;
                snprintf(p, n, "%s/%s", path, e->d_name);
                add_file(p, st);
                sm_free(p);
            }
            closedir(d);
            return;
        }
    }
    glob_t g;
    if (glob(path, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) add_file(g.gl_pathv[i], st);
        globfree(&g);
    }
}

/* Rows of a committed CSV output, read back with the sink's own format
 * options (multiLine, since a written value may hold a line break). */
static int64_t count_output(job *j, sm_session *s, const job_sink *k) {
    if (k->table) {
        sm_dataframe *df = sm_read_table(s, k->table);
        int64_t n = -1;
        if (!df || sm_df_count(df, &n) != SM_OK) return -1;
        return n;
    }
    static const char *const pass[] = {"header", "sep", "delimiter", "quote", "escape",
                                       "lineSep", "encoding", "charset", NULL};
    const char **kv = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(k->options.n + 3));
    if (!kv) return -1;
    int m = 0;
    for (int i = 0; i + 1 < k->options.n; i += 2)
        for (int p = 0; pass[p]; p++)
            if (!strcasecmp(k->options.s[i], pass[p])) {
                kv[m++] = k->options.s[i];
                kv[m++] = k->options.s[i + 1];
            }
    kv[m++] = "multiLine";
    kv[m++] = "true";
    kv[m] = NULL;
    file_stats st = {0};
    path_stats(k->path, true, &st);
    if (st.files == 0) return 0;
    sm_dataframe *df = k->format && !strcasecmp(k->format, "parquet")
                           ? sm_read_parquet(s, k->path, NULL, NULL)
                       : k->format && !strcasecmp(k->format, "json")
                           ? sm_read_json(s, k->path, NULL, NULL)
                           : sm_read_csv(s, k->path, kv, NULL);
    int64_t n = -1;
    if (!df || sm_df_count(df, &n) != SM_OK) return -1;
    return n;
}

static void human_bytes(char *buf, size_t n, int64_t b) {
    if (b < 0) snprintf(buf, n, "-");
    else if (b < 1024) snprintf(buf, n, "%lld B", (long long)b);
    else if (b < 1024 * 1024) snprintf(buf, n, "%.1f KiB", b / 1024.0);
    else if (b < 1024LL * 1024 * 1024) snprintf(buf, n, "%.1f MiB", b / (1024.0 * 1024));
    else snprintf(buf, n, "%.2f GiB", b / (1024.0 * 1024 * 1024));
}

/* ---- progress ---------------------------------------------------------------------------- */

typedef struct {
    FILE *out;
    const char *label;
    double t0;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
} ticker;

static void *tick_main(void *arg) {
    ticker *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->done) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&t->cv, &t->mu, &ts);
        if (t->done) break;
        fprintf(t->out, "\r%s ... %.1f s", t->label, now_s() - t->t0);
        fflush(t->out);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* ---- run ---------------------------------------------------------------------------------------- */

typedef struct {
    double seconds;
    int64_t rows, bytes;
    bool ran;
    bool kept; /* committed by an earlier attempt (checkpoint.c) */
    job_event_stats ev; /* from the event log; ev.jobs == 0: none recorded */
} sink_stats;

/* The event log the summary reads: the session's own (--event-log,
 * spark.eventLog.*), else a temporary file for this run, removed at the
 * end (*tmp says which). */
static const char *summary_log(sm_session *s, char *tmp, size_t n) {
    tmp[0] = '\0';
    if (!sm_session_get(s, "smelt.eventLog.path") && !sm_session_get(s, "spark.eventLog.enabled")) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp, n, "%s/smelt-run-XXXXXX.jsonl", dir && *dir ? dir : "/tmp");
        int fd = mkstemps(tmp, 6);
        if (fd < 0) {
            tmp[0] = '\0';
            return NULL;
        }
        close(fd);
        if (sm_session_set(s, "smelt.eventLog.path", tmp) != SM_OK) {
            unlink(tmp);
            tmp[0] = '\0';
            return NULL;
        }
    }
    return sm_session_event_log_path(s);
}

int job_run(job *j, const job_run_opts *o) {
    FILE *log = o ? o->log : NULL;
    if (!j->session) return SM_INVALID; /* job_build first */
    sink_stats *st = sm_calloc((size_t)(j->nsinks + 1), sizeof *st);
    if (!st) return SM_NOMEM;
    char tmp_log[4200];
    const char *events = summary_log(j->session, tmp_log, sizeof tmp_log);
    int rc = SM_OK;
    job_ckpt *ck = NULL; /* --checkpoint DIR (checkpoint.c) */
    if (o && o->checkpoint) rc = job_ckpt_open(j, o, &ck);
    for (int i = 0; i < j->nsinks && rc == SM_OK; i++) {
        job_sink *k = &j->sinks[i];
        if (ck) {
            bool skip = false;
            if ((rc = job_ckpt_before_sink(ck, i, &skip)) != SM_OK) break;
            if (skip) { st[i].kept = true; continue; }
        }
        sm_dataframe *df = k->bad || k->input.node < 0 ? NULL : j->nodes[k->input.node].df;
        if (!df) {
            rc = job_diagf(j, k->at, "sink '%s' was not built; fix the problems above", k->name);
            break;
        }
        char *label = sm_arena_printf(j->arena, "writing sink %s (%s %s)", k->name,
                                      k->path ? "csv" : "table", sink_target(k));
        if (!label) { rc = SM_NOMEM; break; }
        ticker t = {.out = log, .label = label, .t0 = now_s()};
        pthread_t th;
        bool ticking = false;
        if (log && o->tty) {
            pthread_mutex_init(&t.mu, NULL);
            pthread_cond_init(&t.cv, NULL);
            fprintf(log, "%s ...", label);
            fflush(log);
            ticking = pthread_create(&th, NULL, tick_main, &t) == 0;
        }
        const char **kv = kv_array(j, &k->options);
        long ev_from = job_events_size(events);
        int w;
        if (!kv) w = SM_NOMEM;
        else if (k->path && k->format && !strcasecmp(k->format, "parquet"))
            w = sm_df_write_parquet(df, k->path, k->mode ? k->mode : "error", kv);
        else if (k->path && k->format && !strcasecmp(k->format, "json"))
            w = sm_df_write_json(df, k->path, k->mode ? k->mode : "error", kv);
        else if (k->path) w = sm_df_write_csv(df, k->path, k->mode ? k->mode : "error", kv);
        else w = sm_df_save_as_table(df, k->table, k->format, k->mode, kv);
        double el = now_s() - t.t0;
        if (ticking) {
            pthread_mutex_lock(&t.mu);
            t.done = true;
            pthread_cond_signal(&t.cv);
            pthread_mutex_unlock(&t.mu);
            pthread_join(th, NULL);
        }
        if (log && o->tty) {
            pthread_mutex_destroy(&t.mu);
            pthread_cond_destroy(&t.cv);
            fprintf(log, "\r%s ... %s %.1f s\n", label, w == SM_OK ? "done" : "FAILED", el);
        } else if (log) {
            fprintf(log, "%s ... %s %.1f s\n", label, w == SM_OK ? "done" : "FAILED", el);
        }
        if (w != SM_OK) {
            rc = job_diagf(j, k->at, "sink '%s': writing %s: %s", k->name, sink_target(k),
                           sm_last_error());
            break;
        }
        st[i].ran = true;
        st[i].seconds = el;
        if (ck && (rc = job_ckpt_sink_done(ck, i)) != SM_OK) break;
        file_stats fs = {0};
        if (k->path) path_stats(k->path, true, &fs);
        st[i].bytes = k->path ? fs.bytes : -1;
        if (job_events_read(events, ev_from, job_events_size(events), &st[i].ev) != SM_OK)
            memset(&st[i].ev, 0, sizeof st[i].ev);
        if (sm_dist_size() > 1) { /* every rank's rows and tasks (docs/mpi.md) */
            job_event_stats own = st[i].ev;
            sm_dist_sum_i64((int64_t *)&st[i].ev, (int)(sizeof st[i].ev / sizeof(int64_t)));
            st[i].ev.jobs = own.jobs;
            st[i].ev.peak_memory = own.peak_memory;
        }
        /* rows written as the writer counted them; without an event log, by
         * reading the output back (only for the summary) */
        if (st[i].ev.outputs > 0) st[i].rows = st[i].ev.rows_written;
        else st[i].rows = log && o->summary ? count_output(j, j->session, k) : -1;
    }
    if (log && o->summary) {
        double total = now_s() - j->t0; /* checking and building included */
        char b1[32], b2[32];
        fprintf(log, "\njob %s: %s in %.2f s\n", job_name(j), rc == SM_OK ? "done" : "FAILED",
                total);
        for (int i = 0; i < j->nsources; i++) {
            job_node *n = &j->nodes[i];
            if (n->kind == JOB_SRC_FILE) {
                file_stats fs = {0};
                for (int p = 0; p < n->paths.n; p++) path_stats(n->paths.s[p], false, &fs);
                human_bytes(b1, sizeof b1, fs.bytes);
                fprintf(log, "  source %-14s read %lld file%s, %s  (%s)\n", n->name,
                        (long long)fs.files, fs.files == 1 ? "" : "s", b1, n->paths.s[0]);
            } else {
                fprintf(log, "  source %-14s %s %s\n", n->name,
                        n->kind == JOB_SRC_TABLE ? "table" : "sql", n->text);
            }
        }
        for (int i = 0; i < j->nsinks; i++) {
            job_sink *k = &j->sinks[i];
            if (st[i].kept) {
                fprintf(log, "  sink   %-14s kept: committed by an earlier attempt  (%s)\n", k->name,
                        sink_target(k));
                continue;
            }
            if (!st[i].ran) {
                fprintf(log, "  sink   %-14s not written\n", k->name);
                continue;
            }
            human_bytes(b1, sizeof b1, st[i].bytes);
            if (st[i].rows >= 0)
                fprintf(log, "  sink   %-14s wrote %lld row%s, %s in %.2f s  (%s)\n", k->name,
                        (long long)st[i].rows, st[i].rows == 1 ? "" : "s", b1, st[i].seconds,
                        sink_target(k));
            else
                fprintf(log, "  sink   %-14s wrote ? rows, %s in %.2f s  (%s)\n", k->name, b1,
                        st[i].seconds, sink_target(k));
            const job_event_stats *e = &st[i].ev;
            if (e->jobs > 0) {
                human_bytes(b2, sizeof b2, e->spill_bytes);
                fprintf(log, "         %-14s read %lld row%s in %lld scan%s%s%s%s; %lld job%s, %lld stage%s, "
                        "%lld task%s%s%s\n", "", (long long)e->rows_read, e->rows_read == 1 ? "" : "s",
                        (long long)e->scans, e->scans == 1 ? "" : "s",
                        e->reused > 0 ? " (and " : "", e->reused > 0 ? "results kept from an earlier sink" : "",
                        e->reused > 0 ? ")" : "", (long long)e->jobs,
                        e->jobs == 1 ? "" : "s", (long long)e->stages, e->stages == 1 ? "" : "s",
                        (long long)e->tasks, e->tasks == 1 ? "" : "s",
                        e->spill_bytes > 0 ? ", spilled " : "", e->spill_bytes > 0 ? b2 : "");
            }
        }
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        human_bytes(b1, sizeof b1, sm_mem_peak());
        human_bytes(b2, sizeof b2, (int64_t)ru.ru_maxrss * 1024);
        fprintf(log, "  peak memory %s (smelt allocator), max resident %s\n", b1, b2);
        if (events && !tmp_log[0]) fprintf(log, "  event log %s\n", events);
    }
    job_ckpt_close(ck);
    if (tmp_log[0]) {
        sm_session_set(j->session, "smelt.eventLog.path", ""); /* closes it */
        sm_session_event_log_path(j->session);
        unlink(tmp_log);
    }
    sm_free(st);
    return rc;
}
