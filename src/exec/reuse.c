/*
 * reuse.c — the session's cache of breaker results across actions
 * (reuse.h).
 *
 * Entries: (plan node, mset, bytes, pins, last use); a linear table (a job
 * has a handful of breakers).  Sources: (source pointer, absolute input
 * roots), where a root is the path up to its first glob character, cut at
 * the last '/', made absolute against the working directory.
 *
 * Invalidation compares absolute paths textually after realpath() where the
 * path exists: a write at W drops an entry when some root R of its sources
 * has W as a prefix or is a prefix of W, at a '/' boundary.
 */
#include "exec/reuse.h"

#include <limits.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/eval_internal.h"
#include "formats/source.h"

typedef struct {
    const sm_plan *plan;
    sm_mset *mset;
    int64_t bytes;
    int pins;
    uint64_t last_use;
    bool dead; /* invalidated while pinned: freed at release */
} ru_entry;

typedef struct {
    const struct sm_source *src;
    char **roots;
    int nroots;
} ru_source;

struct sm_exec_reuse {
    pthread_mutex_t lock;
    int64_t budget, used;
    uint64_t clock;
    ru_entry *e;
    int n, cap;
    ru_source *s;
    int ns, caps;
};

static int64_t ru_default_budget(void) {
    const char *env = getenv("SMELT_REUSE_MEMORY");
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (end != env && v >= 0) return (int64_t)v;
    }
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psz <= 0) return (int64_t)1 << 30;
    return (int64_t)pages * psz / 4;
}

sm_exec_reuse *sm_exec_reuse_new(int64_t budget) {
    sm_exec_reuse *r = sm_calloc(1, sizeof *r);
    if (!r) return NULL;
    pthread_mutex_init(&r->lock, NULL);
    r->budget = budget < 0 ? ru_default_budget() : budget;
    return r;
}

static void ru_drop(sm_exec_reuse *r, int i) {
    r->used -= r->e[i].bytes;
    sm_mset_free(r->e[i].mset);
    r->e[i] = r->e[--r->n];
}

void sm_exec_reuse_free(sm_exec_reuse *r) {
    if (!r) return;
    while (r->n > 0) ru_drop(r, r->n - 1);
    sm_free(r->e);
    for (int i = 0; i < r->ns; i++) {
        for (int j = 0; j < r->s[i].nroots; j++) sm_free(r->s[i].roots[j]);
        sm_free(r->s[i].roots);
    }
    sm_free(r->s);
    pthread_mutex_destroy(&r->lock);
    sm_free(r);
}

/* An absolute, normalized form of path (realpath when it exists), without a
 * trailing '/'.  sm_malloc'd; NULL on NOMEM. */
static char *ru_abs(const char *path) {
    char buf[PATH_MAX];
    char *res;
    if (realpath(path, buf)) {
        res = sm_strdup(buf);
    } else if (path[0] == '/') {
        res = sm_strdup(path);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return sm_strdup(path);
        size_t n = strlen(cwd) + strlen(path) + 2;
        res = sm_malloc(n);
        if (res) snprintf(res, n, "%s/%s", cwd, path);
    }
    if (!res) return NULL;
    size_t len = strlen(res);
    while (len > 1 && res[len - 1] == '/') res[--len] = 0;
    return res;
}

/* The root of an input path: up to the first glob character, cut at '/'. */
static char *ru_root(const char *path) {
    size_t g = strcspn(path, "*?[{");
    if (!path[g]) return ru_abs(path);
    char *pre = sm_malloc(g + 2);
    if (!pre) return NULL;
    memcpy(pre, path, g);
    pre[g] = 0;
    char *slash = strrchr(pre, '/');
    if (slash) slash[slash == pre ? 1 : 0] = 0;
    else strcpy(pre, ".");
    char *res = ru_abs(pre);
    sm_free(pre);
    return res;
}

int sm_exec_reuse_add_source(sm_exec_reuse *r, const struct sm_source *src,
                             const char *const *paths, int npaths) {
    if (!r || !src) return SM_OK;
    char **roots = sm_calloc((size_t)npaths + 1, sizeof *roots);
    if (!roots) return SM_NOMEM;
    for (int i = 0; i < npaths; i++) {
        roots[i] = ru_root(paths[i] ? paths[i] : "");
        if (!roots[i]) {
            for (int j = 0; j < i; j++) sm_free(roots[j]);
            sm_free(roots);
            return SM_NOMEM;
        }
    }
    pthread_mutex_lock(&r->lock);
    int rc = SM_OK;
    if (r->ns == r->caps) {
        int cap = r->caps ? r->caps * 2 : 8;
        ru_source *s = sm_realloc(r->s, (size_t)cap * sizeof *s);
        if (!s) rc = SM_NOMEM;
        else r->s = s, r->caps = cap;
    }
    if (rc == SM_OK) r->s[r->ns++] = (ru_source){src, roots, npaths};
    pthread_mutex_unlock(&r->lock);
    if (rc != SM_OK) {
        for (int j = 0; j < npaths; j++) sm_free(roots[j]);
        sm_free(roots);
    }
    return rc;
}

static const ru_source *ru_find_source(sm_exec_reuse *r, const struct sm_source *src) {
    for (int i = 0; i < r->ns; i++)
        if (r->s[i].src == src) return &r->s[i];
    return NULL;
}

static bool ru_expr_ok(const sm_expr *e) {
    if (!e) return true;
    switch (e->kind) {
    case SM_EX_SUBQUERY:
    case SM_EX_EXISTS:
    case SM_EX_IN_SUBQUERY:
    case SM_EX_OUTER_REF: return false;
    case SM_EX_CALL:
        if (ev_nondeterministic(e->name)) return false;
        break;
    default: break;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!ru_expr_ok(e->args[i])) return false;
    if (!ru_expr_ok(e->filter)) return false;
    if (e->window) {
        for (int i = 0; i < e->window->npartition; i++)
            if (!ru_expr_ok(e->window->partition[i])) return false;
        for (int i = 0; i < e->window->norder; i++)
            if (!ru_expr_ok(e->window->order[i].expr)) return false;
    }
    return true;
}

static bool ru_exprs_ok(sm_expr *const *es, int n) {
    for (int i = 0; es && i < n; i++)
        if (!ru_expr_ok(es[i])) return false;
    return true;
}

/* Every expression deterministic, every scan registered. */
static bool ru_subtree_ok(sm_exec_reuse *r, const sm_plan *p, int depth) {
    if (!p) return true;
    if (depth > 10000) return false;
    if (p->kind == SM_PLAN_SCAN && !ru_find_source(r, p->source)) return false;
    if (!ru_expr_ok(p->cond) || !ru_exprs_ok(p->exprs, p->nexprs) ||
        !ru_exprs_ok(p->keys, p->nkeys) || !ru_exprs_ok(p->aggs, p->naggs) ||
        !ru_exprs_ok(p->left_keys, p->njoin_keys) || !ru_exprs_ok(p->right_keys, p->njoin_keys))
        return false;
    for (int i = 0; p->sort_keys && i < p->nsort; i++)
        if (!ru_expr_ok(p->sort_keys[i].expr)) return false;
    for (int i = 0; p->sets && i < p->nsets; i++)
        if (!ru_exprs_ok(p->sets[i], p->nexprs)) return false;
    if (!ru_subtree_ok(r, p->child, depth + 1)) return false;
    for (int i = 0; i < p->nchildren; i++)
        if (!ru_subtree_ok(r, p->children[i], depth + 1)) return false;
    return true;
}

bool sm_exec_reuse_eligible(sm_exec_reuse *r, const sm_plan *p) {
    if (!r || !p || r->budget <= 0) return false;
    if (p->kind != SM_PLAN_DISTINCT && p->kind != SM_PLAN_AGGREGATE && p->kind != SM_PLAN_SETOP)
        return false;
    pthread_mutex_lock(&r->lock);
    bool ok = ru_subtree_ok(r, p, 0);
    pthread_mutex_unlock(&r->lock);
    return ok;
}

sm_mset *sm_exec_reuse_get(sm_exec_reuse *r, const sm_plan *p) {
    if (!r) return NULL;
    sm_mset *m = NULL;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->n; i++) {
        if (r->e[i].plan != p || r->e[i].dead) continue;
        r->e[i].pins++;
        r->e[i].last_use = ++r->clock;
        m = r->e[i].mset;
        break;
    }
    pthread_mutex_unlock(&r->lock);
    return m;
}

static int64_t ru_vector_bytes(const sm_vector *v) {
    if (!v) return 0;
    int64_t b = (int64_t)sizeof *v + v->capacity * 8 + 8 + (v->validity ? v->capacity / 8 + 1 : 0) +
                v->bytes_cap;
    for (int i = 0; i < v->nchildren; i++) b += ru_vector_bytes(v->children[i]);
    return b;
}

int64_t sm_mset_bytes(const sm_mset *m) {
    int64_t b = 0;
    for (int p = 0; p < m->nparts; p++)
        for (int i = 0; i < m->parts[p].nbatches; i++) {
            const sm_batch *bt = m->parts[p].batches[i];
            for (int c = 0; c < bt->ncols; c++) b += ru_vector_bytes(bt->cols[c]);
        }
    return b;
}

bool sm_exec_reuse_put(sm_exec_reuse *r, const sm_plan *p, sm_mset *m) {
    if (!r || r->budget <= 0) return false;
    int64_t bytes = sm_mset_bytes(m);
    if (bytes > r->budget) return false;
    pthread_mutex_lock(&r->lock);
    /* evict least recently used unpinned entries until it fits */
    while (r->used + bytes > r->budget) {
        int victim = -1;
        for (int i = 0; i < r->n; i++)
            if (r->e[i].pins == 0 && (victim < 0 || r->e[i].last_use < r->e[victim].last_use))
                victim = i;
        if (victim < 0) break;
        ru_drop(r, victim);
    }
    bool taken = false;
    if (r->used + bytes <= r->budget) {
        if (r->n == r->cap) {
            int cap = r->cap ? r->cap * 2 : 8;
            ru_entry *e = sm_realloc(r->e, (size_t)cap * sizeof *e);
            if (e) r->e = e, r->cap = cap;
        }
        if (r->n < r->cap) {
            r->e[r->n++] = (ru_entry){p, m, bytes, 1, ++r->clock, false};
            r->used += bytes;
            taken = true;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return taken;
}

void sm_exec_reuse_release(sm_exec_reuse *r, sm_mset *m) {
    if (!r) return;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->n; i++) {
        if (r->e[i].mset != m) continue;
        if (r->e[i].pins > 0) r->e[i].pins--;
        if (r->e[i].pins == 0 && r->e[i].dead) ru_drop(r, i);
        break;
    }
    pthread_mutex_unlock(&r->lock);
}

/* Whether a and b (absolute, no trailing '/') are equal or one contains
 * the other. */
static bool ru_overlap(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    const char *s = la <= lb ? a : b, *l = la <= lb ? b : a;
    size_t ls = la <= lb ? la : lb;
    if (strncmp(s, l, ls) != 0) return false;
    return l[ls] == 0 || l[ls] == '/' || (ls == 1 && s[0] == '/');
}

static bool ru_reads_under(sm_exec_reuse *r, const sm_plan *p, const char *w, int depth) {
    if (!p || depth > 10000) return false;
    if (p->kind == SM_PLAN_SCAN) {
        const ru_source *s = ru_find_source(r, p->source);
        if (!s) return true;
        for (int i = 0; i < s->nroots; i++)
            if (ru_overlap(s->roots[i], w)) return true;
    }
    if (ru_reads_under(r, p->child, w, depth + 1)) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (ru_reads_under(r, p->children[i], w, depth + 1)) return true;
    return false;
}

void sm_exec_reuse_invalidate_path(sm_exec_reuse *r, const char *path) {
    if (!r || !path) return;
    char *w = ru_abs(path);
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->n;) {
        if (!r->e[i].dead && (!w || ru_reads_under(r, r->e[i].plan, w, 0))) {
            if (r->e[i].pins > 0) {
                r->e[i].dead = true;
            } else {
                ru_drop(r, i);
                continue;
            }
        }
        i++;
    }
    pthread_mutex_unlock(&r->lock);
    sm_free(w);
}

void sm_exec_reuse_clear(sm_exec_reuse *r) {
    if (!r) return;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->n;) {
        if (r->e[i].pins > 0) {
            r->e[i].dead = true;
            i++;
        } else {
            ru_drop(r, i);
        }
    }
    pthread_mutex_unlock(&r->lock);
}

int sm_exec_reuse_entries(sm_exec_reuse *r) {
    if (!r) return 0;
    pthread_mutex_lock(&r->lock);
    int n = 0;
    for (int i = 0; i < r->n; i++) n += !r->e[i].dead;
    pthread_mutex_unlock(&r->lock);
    return n;
}

int64_t sm_exec_reuse_bytes(sm_exec_reuse *r) {
    if (!r) return 0;
    pthread_mutex_lock(&r->lock);
    int64_t b = r->used;
    pthread_mutex_unlock(&r->lock);
    return b;
}
