/*
 * job_parse.c — reading a job file: YAML text to a tree (libyaml's document
 * loader), then the job's skeleton: its name, arguments, nodes and sinks.
 *
 * Algorithm:
 *   1. yaml_parser_load builds libyaml's document; a syntax error becomes one
 *      diagnostic at libyaml's problem mark (parsing cannot go on past it).
 *   2. The document is copied into a jy_node tree in the job's arena, with
 *      1-based line:column marks, so libyaml's memory is released at once
 *      and the rest of the layer never sees libyaml.  Duplicate keys (which
 *      YAML forbids but libyaml accepts) are reported here.
 *   3. The top level is read: name, description, args, sources, steps,
 *      sinks.  Only shapes and names are read here; values are substituted
 *      and interpreted by job_check.c once the --arg values are known.
 *
 * Invariants:
 *   1. Every jy_node has a line and a column in the file.
 *   2. The copy is bounded: aliases are followed (YAML anchors are useful for
 *      shared options) but the tree may not exceed JY_MAX_NODES nodes or
 *      JY_MAX_DEPTH levels, which stops alias bombs and self-referencing
 *      anchors (libyaml lets "&a [*a]" refer to itself).
 *   3. A shape problem marks what it is about (node or sink) bad and the
 *      reading goes on with the next entry, so all problems are reported.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "job/job_internal.h"

#define JY_MAX_NODES 200000
#define JY_MAX_DEPTH 64

/* ---- diagnostics and small helpers (shared by the layer) ---------------------- */

int job_diagf(job *j, const jy_node *at, const char *fmt, ...) {
    if (j->ndiags == j->capdiags) {
        int cap = j->capdiags ? j->capdiags * 2 : 16;
        job_diag *d = sm_realloc(j->diags, (size_t)cap * sizeof *d);
        if (!d) { j->nomem = true; return SM_NOMEM; }
        j->diags = d;
        j->capdiags = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char tmp[1];
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(tmp, 0, fmt, ap2);
    va_end(ap2);
    char *msg = len >= 0 ? sm_arena_alloc(j->arena, (size_t)len + 1) : NULL;
    if (!msg) { va_end(ap); j->nomem = true; return SM_NOMEM; }
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    job_diag *d = &j->diags[j->ndiags++];
    d->line = at ? at->line : 0;
    d->col = at ? at->col : 0;
    d->msg = msg;
    return SM_INVALID;
}

bool jy_is_null(const jy_node *n) {
    return n && n->kind == JY_SCALAR && n->plain &&
           (!n->str[0] || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
            !strcmp(n->str, "Null") || !strcmp(n->str, "NULL"));
}

jy_node *jy_get(const jy_node *m, const char *k) {
    if (!m || m->kind != JY_MAP) return NULL;
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->keys[i]->str, k)) return m->items[i];
    return NULL;
}

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return 99;
    size_t row[65];
    for (size_t jx = 0; jx <= lb; jx++) row[jx] = jx;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t jx = 1; jx <= lb; jx++) {
            size_t up = row[jx];
            size_t ca = (unsigned char)a[i - 1], cb = (unsigned char)b[jx - 1];
            if (ca >= 'A' && ca <= 'Z') ca += 32;
            if (cb >= 'A' && cb <= 'Z') cb += 32;
            size_t best = diag + (ca != cb);
            if (up + 1 < best) best = up + 1;
            if (row[jx - 1] + 1 < best) best = row[jx - 1] + 1;
            row[jx] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *job_suggest(const char *s, const char *const *names) {
    const char *best = NULL;
    size_t bestd = 99, len = strlen(s);
    for (int i = 0; names[i]; i++) {
        size_t d = edit_distance(s, names[i]);
        if (d < bestd) { bestd = d; best = names[i]; }
    }
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return bestd <= limit ? best : NULL;
}

/* ---- YAML document to tree -------------------------------------------------------- */

typedef struct {
    job *j;
    yaml_document_t *doc;
    long count;
    bool too_big;
} jy_copy;

static jy_node *jy_copy_node(jy_copy *c, yaml_node_t *yn, int depth) {
    job *j = c->j;
    if (!yn || c->too_big) return NULL;
    jy_node *n = sm_arena_alloc(j->arena, sizeof *n);
    if (!n) { j->nomem = true; return NULL; }
    n->line = (int)yn->start_mark.line + 1;
    n->col = (int)yn->start_mark.column + 1;
    if (++c->count > JY_MAX_NODES || depth > JY_MAX_DEPTH) {
        c->too_big = true;
        job_diagf(j, n, "the YAML document is too %s (more than %d %s); "
                        "check for an anchor that refers to itself or an alias that multiplies",
                  depth > JY_MAX_DEPTH ? "deep" : "large",
                  depth > JY_MAX_DEPTH ? JY_MAX_DEPTH : JY_MAX_NODES,
                  depth > JY_MAX_DEPTH ? "levels" : "nodes");
        return NULL;
    }
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n->kind = JY_SCALAR;
        n->str = sm_arena_strndup(j->arena, (const char *)yn->data.scalar.value,
                                  yn->data.scalar.length);
        n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                   yn->data.scalar.style == YAML_ANY_SCALAR_STYLE;
        if (!n->str) { j->nomem = true; return NULL; }
        return n;
    case YAML_SEQUENCE_NODE: {
        n->kind = JY_SEQ;
        long cnt = yn->data.sequence.items.top - yn->data.sequence.items.start;
        n->items = sm_arena_alloc(j->arena, sizeof(jy_node *) * (size_t)(cnt + 1));
        if (!n->items) { j->nomem = true; return NULL; }
        for (long i = 0; i < cnt; i++) {
            yaml_node_t *child = yaml_document_get_node(c->doc, yn->data.sequence.items.start[i]);
            jy_node *k = jy_copy_node(c, child, depth + 1);
            if (!k) return NULL;
            n->items[n->n++] = k;
        }
        return n;
    }
    case YAML_MAPPING_NODE: {
        n->kind = JY_MAP;
        long cnt = yn->data.mapping.pairs.top - yn->data.mapping.pairs.start;
        n->keys = sm_arena_alloc(j->arena, sizeof(jy_node *) * (size_t)(cnt + 1));
        n->items = sm_arena_alloc(j->arena, sizeof(jy_node *) * (size_t)(cnt + 1));
        if (!n->keys || !n->items) { j->nomem = true; return NULL; }
        for (long i = 0; i < cnt; i++) {
            yaml_node_pair_t *pr = &yn->data.mapping.pairs.start[i];
            jy_node *k = jy_copy_node(c, yaml_document_get_node(c->doc, pr->key), depth + 1);
            if (!k) return NULL;
            jy_node *v = jy_copy_node(c, yaml_document_get_node(c->doc, pr->value), depth + 1);
            if (!v) return NULL;
            if (k->kind != JY_SCALAR) {
                job_diagf(j, k, "a key must be a plain string, not a %s",
                          k->kind == JY_MAP ? "map" : "list");
                continue;
            }
            jy_node *prev = NULL;
            for (int m = 0; m < n->n && !prev; m++)
                if (!strcmp(n->keys[m]->str, k->str)) prev = n->keys[m];
            if (prev) {
                job_diagf(j, k, "duplicate key '%s' (first at line %d); a key may appear once",
                          k->str, prev->line);
                continue;
            }
            n->keys[n->n] = k;
            n->items[n->n++] = v;
        }
        return n;
    }
    default:
        job_diagf(j, n, "empty YAML node");
        return NULL;
    }
}

static int jy_load(job *j, const char *text, size_t len) {
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) { j->nomem = true; return SM_NOMEM; }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    yaml_document_t doc;
    if (!yaml_parser_load(&p, &doc)) {
        jy_node at = {.line = (int)p.problem_mark.line + 1, .col = (int)p.problem_mark.column + 1};
        if (p.error == YAML_MEMORY_ERROR) j->nomem = true;
        job_diagf(j, &at, "YAML syntax error: %s%s%s", p.problem ? p.problem : "unreadable input",
                  p.context ? " " : "", p.context ? p.context : "");
        yaml_parser_delete(&p);
        return SM_INVALID;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    int rc = SM_OK;
    if (!root) {
        jy_node at = {.line = 1, .col = 1};
        rc = job_diagf(j, &at, "the job file is empty: a job needs at least sources and sinks");
    } else {
        jy_copy c = {.j = j, .doc = &doc};
        j->root = jy_copy_node(&c, root, 0);
        if (!j->root) rc = j->nomem ? SM_NOMEM : SM_INVALID;
    }
    yaml_document_delete(&doc);
    if (rc == SM_OK) {
        /* A second document is almost always a stray "---". */
        yaml_document_t doc2;
        if (yaml_parser_load(&p, &doc2)) {
            yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
            if (r2) {
                jy_node at = {.line = (int)r2->start_mark.line + 1,
                              .col = (int)r2->start_mark.column + 1};
                rc = job_diagf(j, &at, "a job file holds one YAML document; remove the second one "
                                       "(or the '---' before it)");
            }
            yaml_document_delete(&doc2);
        } else {
            jy_node at = {.line = (int)p.problem_mark.line + 1, .col = (int)p.problem_mark.column + 1};
            rc = job_diagf(j, &at, "YAML syntax error: %s", p.problem ? p.problem : "unreadable input");
        }
    }
    yaml_parser_delete(&p);
    return rc;
}

/* ---- the skeleton ---------------------------------------------------------------------- */

static const char *const top_keys[] = {"name", "description", "args", "sources", "steps", "sinks",
                                       NULL};
static const char *const arg_keys[] = {"description", "default", "required", NULL};

static const char *kind_name(const jy_node *n) {
    return n->kind == JY_MAP ? "a map" : n->kind == JY_SEQ ? "a list" : "a string";
}

static int unknown_key(job *j, const jy_node *key, const char *where, const char *const *names) {
    const char *s = job_suggest(key->str, names);
    if (s) return job_diagf(j, key, "unknown key '%s' in %s; did you mean '%s'?", key->str, where, s);
    sm_buf b = {0};
    for (int i = 0; names[i]; i++) sm_buf_appendf(&b, "%s%s", i ? ", " : "", names[i]);
    int rc = job_diagf(j, key, "unknown key '%s' in %s; known keys: %s", key->str, where,
                       b.data ? b.data : "");
    sm_buf_free(&b);
    return rc;
}

static bool valid_name(const char *s) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

static const char *scalar_or_null(job *j, const jy_node *v, const char *what) {
    if (!v || jy_is_null(v)) return NULL;
    if (v->kind != JY_SCALAR) {
        job_diagf(j, v, "%s must be a string, not %s", what, kind_name(v));
        return NULL;
    }
    return v->str;
}

static void read_args(job *j, const jy_node *m) {
    if (jy_is_null(m)) return;
    if (m->kind != JY_MAP) {
        job_diagf(j, m, "args must be a map of argument names to {description, default, required}, "
                        "not %s", kind_name(m));
        return;
    }
    j->args = sm_arena_alloc(j->arena, sizeof(job_arg) * (size_t)(m->n + 1));
    if (!j->args) { j->nomem = true; return; }
    for (int i = 0; i < m->n; i++) {
        jy_node *k = m->keys[i], *v = m->items[i];
        if (!valid_name(k->str)) {
            job_diagf(j, k, "argument name '%s' must be letters, digits and '_', starting with a "
                            "letter or '_'", k->str);
            continue;
        }
        job_arg *a = &j->args[j->nargs++];
        a->name = k->str;
        a->at = k;
        a->required = true;
        if (jy_is_null(v)) continue;
        if (v->kind == JY_SCALAR) { /* shorthand: NAME: default */
            a->def = v->str;
            a->required = false;
            continue;
        }
        if (v->kind != JY_MAP) {
            job_diagf(j, v, "argument '%s' must be a map {description, default, required}, not %s",
                      k->str, kind_name(v));
            continue;
        }
        for (int f = 0; f < v->n; f++) {
            const char *key = v->keys[f]->str;
            jy_node *val = v->items[f];
            if (!strcmp(key, "description")) {
                a->description = scalar_or_null(j, val, "description");
            } else if (!strcmp(key, "default")) {
                if (val->kind != JY_SCALAR)
                    job_diagf(j, val, "default of argument '%s' must be a string, not %s", k->str,
                              kind_name(val));
                else
                    a->def = val->str;
            } else if (!strcmp(key, "required")) {
                if (val->kind == JY_SCALAR && !strcmp(val->str, "true")) a->required = true;
                else if (val->kind == JY_SCALAR && !strcmp(val->str, "false")) a->required = false;
                else job_diagf(j, val, "required must be true or false");
            } else {
                unknown_key(j, v->keys[f], "an argument", arg_keys);
            }
        }
        if (a->def && !jy_get(v, "required")) a->required = false;
        if (a->def && a->required && jy_get(v, "required"))
            job_diagf(j, jy_get(v, "required"),
                      "argument '%s' has a default and is required: the default would never be "
                      "used; drop one of them", a->name);
    }
}

static job_node *add_node(job *j, const char *name, jy_node *name_at, jy_node *def) {
    for (int i = 0; i < j->nnodes; i++)
        if (!strcmp(j->nodes[i].name, name)) {
            job_diagf(j, name_at, "'%s' is already the name of a %s (line %d); node names must "
                                  "be unique across sources and steps", name,
                      j->nodes[i].kind == JOB_STEP ? "step" : "source", j->nodes[i].name_at->line);
            return NULL;
        }
    job_node *n = &j->nodes[j->nnodes++];
    memset(n, 0, sizeof *n);
    n->name = name;
    n->name_at = name_at;
    n->def = def;
    return n;
}

static bool check_node_name(job *j, const jy_node *at, const char *name) {
    if (valid_name(name)) return true;
    job_diagf(j, at, "node name '%s' must be letters, digits and '_', starting with a letter or "
                     "'_' (it names a temporary view in sql: steps)", name);
    return false;
}

static void read_sources(job *j, const jy_node *m) {
    if (m->kind != JY_MAP) {
        job_diagf(j, m, "sources must be a map of source names to definitions, not %s",
                  kind_name(m));
        return;
    }
    for (int i = 0; i < m->n; i++) {
        jy_node *k = m->keys[i], *v = m->items[i];
        if (!check_node_name(j, k, k->str)) continue;
        job_node *n = add_node(j, k->str, k, v);
        if (!n) continue;
        n->kind = JOB_SRC_FILE; /* decided in job_check */
        if (v->kind != JY_MAP) {
            job_diagf(j, v, "source '%s' must be a map ({format, path, options}, {table} or {sql}), "
                            "not %s", k->str, kind_name(v));
            n->bad = true;
        }
    }
    j->nsources = j->nnodes;
}

static void read_steps(job *j, const jy_node *s) {
    if (s->kind != JY_SEQ) {
        job_diagf(j, s, "steps must be a list of steps (each '- name: ...'), not %s", kind_name(s));
        return;
    }
    for (int i = 0; i < s->n; i++) {
        jy_node *v = s->items[i];
        if (v->kind != JY_MAP) {
            job_diagf(j, v, "a step must be a map {name, input, <operation>: ...}, not %s",
                      kind_name(v));
            continue;
        }
        jy_node *nm = jy_get(v, "name");
        if (!nm || nm->kind != JY_SCALAR || jy_is_null(nm)) {
            job_diagf(j, nm ? nm : v, "a step needs a name: (a string)");
            continue;
        }
        if (!check_node_name(j, nm, nm->str)) continue;
        job_node *n = add_node(j, nm->str, nm, v);
        if (n) n->kind = JOB_STEP;
    }
}

static void read_sinks(job *j, const jy_node *s) {
    if (s->kind != JY_SEQ) {
        job_diagf(j, s, "sinks must be a list (each '- input: ...'), not %s", kind_name(s));
        return;
    }
    j->sinks = sm_arena_alloc(j->arena, sizeof(job_sink) * (size_t)(s->n + 1));
    if (!j->sinks) { j->nomem = true; return; }
    for (int i = 0; i < s->n; i++) {
        jy_node *v = s->items[i];
        if (v->kind != JY_MAP) {
            job_diagf(j, v, "a sink must be a map {input, format, path, mode, options} or "
                            "{input, table, mode}, not %s", kind_name(v));
            continue;
        }
        job_sink *k = &j->sinks[j->nsinks++];
        k->at = v;
        k->input.node = -1;
    }
}

int job_parse(job *j, const char *text, size_t len) {
    int rc = jy_load(j, text, len);
    if (rc != SM_OK) return rc;
    jy_node *r = j->root;
    if (r->kind != JY_MAP) {
        job_diagf(j, r, "a job file is a map with name, args, sources, steps and sinks, not %s",
                  kind_name(r));
        return SM_INVALID;
    }
    int nmax = 0;
    jy_node *src = jy_get(r, "sources"), *steps = jy_get(r, "steps");
    if (src && src->kind == JY_MAP) nmax += src->n;
    if (steps && steps->kind == JY_SEQ) nmax += steps->n;
    j->nodes = sm_arena_alloc(j->arena, sizeof(job_node) * (size_t)(nmax + 1));
    if (!j->nodes) return SM_NOMEM;
    for (int i = 0; i < r->n; i++) {
        const char *k = r->keys[i]->str;
        jy_node *v = r->items[i];
        if (!strcmp(k, "name")) j->name = scalar_or_null(j, v, "name");
        else if (!strcmp(k, "description")) j->description = scalar_or_null(j, v, "description");
        else if (!strcmp(k, "args")) read_args(j, v);
        else if (!strcmp(k, "sources")) { if (!jy_is_null(v)) read_sources(j, v); }
        else if (!strcmp(k, "steps")) { if (!jy_is_null(v)) read_steps(j, v); }
        else if (!strcmp(k, "sinks")) { if (!jy_is_null(v)) read_sinks(j, v); }
        else unknown_key(j, r->keys[i], "the job", top_keys);
    }
    if (!src || jy_is_null(src)) {
        jy_node at = {.line = r->line, .col = r->col};
        job_diagf(j, &at, "the job has no sources: add 'sources:' with at least one source");
    }
    if (j->nsinks == 0 && !(jy_get(r, "sinks") && jy_get(r, "sinks")->kind != JY_SEQ)) {
        jy_node *at = jy_get(r, "sinks");
        jy_node top = {.line = r->line, .col = r->col};
        job_diagf(j, at ? at : &top, "the job has no sinks: add 'sinks:' with at least one output");
    }
    j->parsed = true;
    if (j->nomem) return SM_NOMEM;
    return j->ndiags ? SM_INVALID : SM_OK;
}

/* ---- lifetime ----------------------------------------------------------------------- */

job *job_new(const char *display_path) {
    job *j = sm_calloc(1, sizeof *j);
    if (!j) return NULL;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    j->t0 = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    j->arena = sm_arena_new();
    j->path = j->arena ? sm_arena_strdup(j->arena, display_path ? display_path : "job") : NULL;
    if (!j->path) {
        if (j->arena) sm_arena_free(j->arena);
        sm_free(j);
        return NULL;
    }
    return j;
}

void job_free(job *j) {
    if (!j) return;
    sm_free(j->diags);
    sm_arena_free(j->arena);
    sm_free(j);
}

int job_ndiags(const job *j) { return j->ndiags; }
const job_diag *job_diag_at(const job *j, int i) { return &j->diags[i]; }

const char *job_name(const job *j) {
    if (j->name && j->name[0]) return j->name;
    const char *s = strrchr(j->path, '/');
    return s ? s + 1 : j->path;
}

static int diag_cmp(const void *a, const void *b) {
    const job_diag *x = a, *y = b;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return 0;
}

void job_print_diags(const job *j, FILE *out) {
    /* Sorting in place would reorder the caller's view; sort a copy. */
    job_diag *d = j->ndiags ? sm_malloc(sizeof *d * (size_t)j->ndiags) : NULL;
    if (d) { /* insertion sort: stable, so one place keeps its report order */
        for (int i = 0; i < j->ndiags; i++) {
            int k = i;
            while (k > 0 && diag_cmp(&d[k - 1], &j->diags[i]) > 0) {
                d[k] = d[k - 1];
                k--;
            }
            d[k] = j->diags[i];
        }
    }
    const job_diag *list = d ? d : j->diags;
    for (int i = 0; i < j->ndiags; i++) {
        if (list[i].line > 0) fprintf(out, "%s:%d:%d: %s\n", j->path, list[i].line, list[i].col,
                                      list[i].msg);
        else fprintf(out, "%s: %s\n", j->path, list[i].msg);
    }
    if (j->nomem) fprintf(out, "%s: out of memory while checking the job\n", j->path);
    sm_free(d);
}
