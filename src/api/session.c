/*
 * session.c — sm_session: settings, the thread pool, the arena that owns
 * every DataFrame of the session, and the contexts handed to the binder and
 * the executor.
 *
 * Settings use Spark's names where Spark has one.  Unknown keys are kept
 * (Spark accepts any key too) so that jobs written for Spark don't fail on
 * settings smelt has no use for.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "exec/eventlog.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"
#include "exec/reuse.h"
#include "exec/spill.h"
#include "catalog/catalog.h"
#include "expr/binary.h"
#include "formats/source.h"

const char *sm_last_error(void) { return sm_errmsg(); }

static int parse_bool(const char *key, const char *v, bool *out) {
    if (strcasecmp(v, "true") == 0) {
        *out = true;
        return SM_OK;
    }
    if (strcasecmp(v, "false") == 0) {
        *out = false;
        return SM_OK;
    }
    return sm_err(SM_INVALID, "setting %s: '%s' is not a boolean; use true or false", key, v);
}

static int parse_int(const char *key, const char *v, int lo, int *out) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < lo || n > 1 << 20)
        return sm_err(SM_INVALID, "setting %s: '%s' is not a whole number >= %d", key, v, lo);
    *out = (int)n;
    return SM_OK;
}

static int conf_store(sm_session *s, const char *key, const char *value) {
    sm_binary_conf(key, value); /* settings the binary functions read (expr/func_binary.c) */
    for (int i = 0; i < s->nconf; i++) {
        if (strcasecmp(s->conf[i].key, key) == 0) {
            char *v = sm_arena_strdup(s->arena, value);
            if (!v) return SM_NOMEM;
            s->conf[i].value = v;
            return SM_OK;
        }
    }
    if (s->nconf == s->capconf) {
        int cap = s->capconf ? s->capconf * 2 : 16;
        struct sm_conf_entry *c = sm_realloc(s->conf, (size_t)cap * sizeof *c);
        if (!c) return SM_NOMEM;
        s->conf = c;
        s->capconf = cap;
    }
    s->conf[s->nconf].key = sm_arena_strdup(s->arena, key);
    s->conf[s->nconf].value = sm_arena_strdup(s->arena, value);
    if (!s->conf[s->nconf].key || !s->conf[s->nconf].value) return SM_NOMEM;
    s->nconf++;
    return SM_OK;
}

int sm_session_set(sm_session *s, const char *key, const char *value) {
    if (!s || !key || !value) return sm_err(SM_INVALID, "sm_session_set: NULL argument");
    if (strcasecmp(key, "spark.sql.session.timeZone") == 0) {
        const sm_tz *tz = sm_tz_get(value);
        if (!tz)
            return sm_err(SM_INVALID,
                          "setting spark.sql.session.timeZone: unknown time zone '%s'; use a "
                          "region id like 'America/Los_Angeles' or an offset like '+02:00'",
                          value);
        s->tz = tz;
    } else if (strcasecmp(key, "spark.sql.ansi.enabled") == 0) {
        SM_TRY(parse_bool(key, value, &s->ansi));
    } else if (strcasecmp(key, "spark.sql.caseSensitive") == 0) {
        SM_TRY(parse_bool(key, value, &s->case_sensitive));
    } else if (strcasecmp(key, "spark.sql.shuffle.partitions") == 0) {
        SM_TRY(parse_int(key, value, 1, &s->shuffle_partitions));
    } else if (strcasecmp(key, "spark.eventLog.enabled") == 0) {
        bool on;
        SM_TRY(parse_bool(key, value, &on));
    } else if (strcasecmp(key, "spark.sql.autoBroadcastJoinThreshold") == 0) {
        int64_t v;
        SM_TRY(sm_parse_byte_conf("setting spark.sql.autoBroadcastJoinThreshold", value, &v));
    } else if (strcasecmp(key, "smelt.memory.limit") == 0) {
        SM_TRY(sm_parse_mem_size("setting smelt.memory.limit", value, &s->memory_limit));
    } else if (strcasecmp(key, "spark.sql.warehouse.dir") == 0) {
        if (s->catalog)
            return sm_err(SM_INVALID, "setting spark.sql.warehouse.dir: the catalog is already "
                                      "open; set it before the first SQL statement");
        char *w = sm_arena_strdup(s->arena, value);
        if (!w) return SM_NOMEM;
        s->warehouse = w;
    } else if (strcasecmp(key, "smelt.threads") == 0) {
        int n;
        SM_TRY(parse_int(key, value, 1, &n));
        if (n != s->threads) {
            sm_pool *p = sm_pool_new(n);
            if (!p) return SM_NOMEM;
            sm_pool_free(s->pool);
            s->pool = p;
            s->threads = n;
        }
    }
    return conf_store(s, key, value);
}

const char *sm_session_get(sm_session *s, const char *key) {
    for (int i = 0; i < s->nconf; i++)
        if (strcasecmp(s->conf[i].key, key) == 0) return s->conf[i].value;
    return NULL;
}

sm_session *sm_session_new(const char *const *conf) {
    (void)sm_mem_tune_malloc(); /* once per process: big blocks reused, not remapped */
    sm_session *s = sm_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->arena = sm_arena_new();
    s->threads = sm_cpu_count();
    const char *env = getenv("SMELT_THREADS");
    if (env && atoi(env) > 0) s->threads = atoi(env);
    s->pool = sm_pool_new(s->threads);
    s->tz = sm_tz_utc();
    s->current_db = "default";
    s->reuse = sm_exec_reuse_new(-1); /* NULL (no memory): actions just recompute */
    if (!s->arena || !s->pool) {
        sm_session_free(s);
        sm_err(SM_NOMEM, "out of memory creating a session");
        return NULL;
    }
    const char *mem = getenv("SMELT_MEMORY_LIMIT");
    if (mem && *mem && sm_session_set(s, "smelt.memory.limit", mem) != SM_OK) {
        sm_err_prefix(SM_INVALID, "environment variable SMELT_MEMORY_LIMIT: ");
        sm_session_free(s);
        return NULL;
    }
    for (int i = 0; conf && conf[i] && conf[i + 1]; i += 2) {
        if (sm_session_set(s, conf[i], conf[i + 1]) != SM_OK) {
            sm_session_free(s);
            return NULL;
        }
    }
    return s;
}

void sm_session_free(sm_session *s) {
    if (!s) return;
    sm_exec_reuse_free(s->reuse);
    sm_event_log_close(s->events);
    sm_free(s->events_path);
    for (int i = 0; i < s->nsources; i++)
        if (s->sources[i]->free) s->sources[i]->free(s->sources[i]);
    sm_free(s->sources);
    if (s->catalog) sm_catalog_close(s->catalog);
    sm_free(s->views);
    for (int i = 0; i < s->nbound; i++) sm_expr_release(s->bound[i]);
    sm_free(s->bound);
    for (int i = 0; i < s->nbatches; i++) sm_batch_free(s->batches[i]);
    sm_free(s->batches);
    sm_free(s->conf);
    sm_pool_free(s->pool);
    sm_arena_free(s->arena);
    sm_free(s);
}

int sm_session_catalog(sm_session *s, struct sm_catalog **out) {
    if (!s->catalog) {
        const char *w = s->warehouse;
        const char *home = getenv("SMELT_HOME");
        if (!w && home && *home) w = home;
        if (!w) w = "smelt-warehouse";
        SM_TRY(sm_catalog_open(w, &s->catalog));
    }
    *out = s->catalog;
    return SM_OK;
}

static int view_index(sm_session *s, const char *name) {
    for (int i = 0; i < s->nviews; i++)
        if (strcasecmp(s->views[i].name, name) == 0) return i;
    return -1;
}

sm_plan *sm_session_temp_view(sm_session *s, const char *name) {
    int i = view_index(s, name);
    return i < 0 ? NULL : s->views[i].plan;
}

int sm_session_set_temp_view(sm_session *s, const char *name, sm_plan *plan) {
    int i = view_index(s, name);
    if (i >= 0) {
        s->views[i].plan = plan;
        return SM_OK;
    }
    if (s->nviews == s->capviews) {
        int cap = s->capviews ? s->capviews * 2 : 8;
        struct sm_temp_view *v = sm_realloc(s->views, (size_t)cap * sizeof *v);
        if (!v) return SM_NOMEM;
        s->views = v;
        s->capviews = cap;
    }
    char *n = sm_arena_strdup(s->arena, name);
    if (!n) return SM_NOMEM;
    for (char *c = n; *c; c++) *c = (char)tolower((unsigned char)*c);
    s->views[s->nviews].name = n;
    s->views[s->nviews].plan = plan;
    s->nviews++;
    return SM_OK;
}

bool sm_session_drop_temp_view(sm_session *s, const char *name) {
    int i = view_index(s, name);
    if (i < 0) return false;
    s->views[i] = s->views[--s->nviews];
    return true;
}

int sm_df_create_or_replace_temp_view(sm_dataframe *df, const char *name) {
    if (!df) return sm_errcode() ? sm_errcode() : SM_INVALID;
    if (!name || !*name) return sm_err(SM_INVALID, "createOrReplaceTempView: the name is empty");
    return sm_session_set_temp_view(df->session, name, df->plan);
}

int sm_session_add_bound(sm_session *s, sm_expr *bound) {
    if (s->nbound == s->capbound) {
        int cap = s->capbound ? s->capbound * 2 : 32;
        sm_expr **a = sm_realloc(s->bound, (size_t)cap * sizeof *a);
        if (!a) return SM_NOMEM;
        s->bound = a;
        s->capbound = cap;
    }
    s->bound[s->nbound++] = bound;
    return SM_OK;
}

int sm_session_add_source(sm_session *s, struct sm_source *src) {
    if (s->nsources == s->capsources) {
        int cap = s->capsources ? s->capsources * 2 : 8;
        struct sm_source **a = sm_realloc(s->sources, (size_t)cap * sizeof *a);
        if (!a) return SM_NOMEM;
        s->sources = a;
        s->capsources = cap;
    }
    s->sources[s->nsources++] = src;
    return SM_OK;
}

void sm_session_bind_ctx(sm_session *s, const sm_schema *schema, const char *text,
                         sm_bind_ctx *out) {
    memset(out, 0, sizeof *out);
    out->schema = schema;
    out->text = text;
    out->tz = s->tz;
    out->ansi = s->ansi;
    out->case_sensitive = s->case_sensitive;
    out->arena = s->arena;
}

/* The file the settings name: smelt.eventLog.path, else, with
 * spark.eventLog.enabled=true, <spark.eventLog.dir or /tmp/spark-events>/
 * smelt-<ms>-<pid>.jsonl (one file per session, as Spark writes one per
 * application).  NULL: no event log. */
static char *event_log_file(sm_session *s) {
    const char *path = sm_session_get(s, "smelt.eventLog.path");
    if (path && *path) return sm_strdup(path);
    const char *on = sm_session_get(s, "spark.eventLog.enabled");
    if (!on || strcasecmp(on, "true") != 0) return NULL;
    const char *dir = sm_session_get(s, "spark.eventLog.dir");
    if (!dir || !*dir) dir = "/tmp/spark-events";
    if (strncmp(dir, "file://", 7) == 0) dir += 7;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sm_buf b = {0};
    sm_buf_appendf(&b, "%s/smelt-%lld-%d.jsonl", dir,
                   (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, (int)getpid());
    char *r = sm_buf_cstr(&b) ? sm_strdup(sm_buf_cstr(&b)) : NULL;
    sm_buf_free(&b);
    return r;
}

int sm_session_event_log(sm_session *s, struct sm_event_log **out) {
    *out = NULL;
    char *want = event_log_file(s);
    if (!want) {
        if (s->events) { /* turned off */
            int rc = sm_event_log_close(s->events);
            s->events = NULL;
            sm_free(s->events_path);
            s->events_path = NULL;
            return rc;
        }
        return SM_OK;
    }
    /* an explicit path that changed: reopen; a directory setting keeps the
     * session's first file */
    bool explicit_path = sm_session_get(s, "smelt.eventLog.path") != NULL;
    if (s->events && (!explicit_path || strcmp(s->events_path, want) == 0)) {
        sm_free(want);
        *out = s->events;
        return SM_OK;
    }
    if (s->events) {
        sm_event_log_close(s->events);
        sm_free(s->events_path);
        s->events = NULL;
        s->events_path = NULL;
    }
    s->events = sm_event_log_open(want);
    if (!s->events) {
        sm_free(want);
        return sm_errcode();
    }
    s->events_path = want;
    *out = s->events;
    return SM_OK;
}

const char *sm_session_event_log_path(sm_session *s) {
    struct sm_event_log *log;
    if (!s || sm_session_event_log(s, &log) != SM_OK || !log) return NULL;
    return s->events_path;
}

int sm_session_job_begin(sm_session *s, sm_exec_ctx *ctx, const sm_plan *root, const char *action) {
    SM_TRY(sm_session_exec_ctx(s, ctx));
    xm_job_begin(); /* the action's exchanges (exchange/xmetrics.c) */
    struct sm_event_log *log;
    int rc = sm_session_event_log(s, &log);
    if (rc == SM_OK) rc = exec_event_job_begin(ctx, log, root, action);
    if (rc != SM_OK) sm_exec_ctx_done(ctx);
    return rc;
}

void sm_session_job_end(sm_exec_ctx *ctx, const sm_plan *root, int rc) {
    xm_log_job(ctx);
    exec_event_job_end(ctx, root, rc);
    sm_exec_ctx_done(ctx);
}

int sm_session_exec_ctx(sm_session *s, sm_exec_ctx *out) {
    SM_TRY(sm_exec_ctx_init(out, s->pool, s->tz, s->ansi));
    if (s->shuffle_partitions > 0) out->shuffle_partitions = s->shuffle_partitions;
    if (s->memory_limit > 0) out->memory_limit = s->memory_limit;
    out->reuse = s->reuse;
    const char *bt = sm_session_get(s, "spark.sql.autoBroadcastJoinThreshold");
    if (bt && sm_parse_byte_conf("spark.sql.autoBroadcastJoinThreshold", bt, &out->broadcast_threshold) == SM_OK)
        out->broadcast_threshold_set = true;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    out->eval.now_micros = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    /* distributed (docs/mpi.md): every rank runs the action; a result kept
     * across actions is used only when every rank still holds its part
     * (exec.c's materialize agrees on it); the ranks agree on the action's
     * clock (and on whether every rank got here) */
    if ((out->dist = xch_dist()) != NULL) {
        xch_step_reset();
        int rc = out->dist->agree(out, SM_OK, &out->eval.now_micros);
        if (rc != SM_OK) {
            sm_exec_ctx_done(out);
            return rc;
        }
    }
    return SM_OK;
}
