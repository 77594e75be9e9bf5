/*
 * registry.c — the function registry: one case-insensitive index over the
 * per-file tables of scalar functions (sm_funcs_operators, sm_funcs_string,
 * ...) and the list of every known name (scalar and aggregate).
 *
 * The index is an open-addressing hash table of pointers to the static
 * sm_func_def entries, keyed by the lower-case name (every table stores its
 * names in lower case).  It is built once, on first use, under pthread_once,
 * and is read-only afterwards, so lookups from any number of threads need no
 * locks.  When two tables define the same name the first wins, in the order
 * of reg_tables below (operators first).
 *
 * Memory: the index and the name list are allocated once and live for the
 * process (never freed; a few KiB).  If that first allocation fails, lookups
 * fall back to a linear scan, which is slower but correct.
 */
#include <pthread.h>
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/agg.h"
#include "expr/binary.h"
#include "expr/expr.h"

static const sm_func_def *const reg_tables[] = {
    sm_funcs_binary, /* first: handles binary arguments, hands the rest on (func_binary.c) */
    sm_funcs_operators, sm_funcs_string, sm_funcs_regex,       sm_funcs_datetime,
    sm_funcs_math,      sm_funcs_hash,   sm_funcs_conditional, sm_funcs_interval,
    sm_funcs_string2,   sm_funcs_misc,   sm_funcs_nested,      sm_funcs_json,
};
#define REG_NTABLES ((int)(sizeof reg_tables / sizeof reg_tables[0]))

static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static const sm_func_def **reg_slots; /* power-of-two sized, NULL = empty */
static size_t reg_mask;
static const char **reg_names; /* scalar then aggregate names */
static int reg_nnames;

static uint64_t reg_hash(const char *s) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void reg_build(void) {
    int count = 0;
    for (int t = 0; t < REG_NTABLES; t++)
        for (const sm_func_def *f = reg_tables[t]; f->name; f++) count++;
    int naggs = 0;
    for (const sm_agg_def *a = sm_aggs; a->name; a++) naggs++;

    size_t cap = 64;
    while (cap < (size_t)count * 2) cap *= 2;
    const sm_func_def **slots = sm_calloc(cap, sizeof *slots);
    const char **names = sm_calloc((size_t)(count + naggs) + 1, sizeof *names);
    if (!slots || !names) {
        sm_free(slots);
        sm_free(names);
        return;
    }
    int nn = 0;
    for (int t = 0; t < REG_NTABLES; t++)
        for (const sm_func_def *f = reg_tables[t]; f->name; f++) {
            size_t i = (size_t)reg_hash(f->name) & (cap - 1);
            bool dup = false;
            while (slots[i]) {
                if (strcmp(slots[i]->name, f->name) == 0) {
                    dup = true;
                    break;
                }
                i = (i + 1) & (cap - 1);
            }
            if (dup) continue;
            slots[i] = f;
            names[nn++] = f->name;
        }
    for (const sm_agg_def *a = sm_aggs; a->name; a++) {
        bool dup = false;
        for (int k = 0; k < nn && !dup; k++) dup = strcmp(names[k], a->name) == 0;
        if (!dup) names[nn++] = a->name;
    }
    reg_slots = slots;
    reg_mask = cap - 1;
    reg_names = names;
    reg_nnames = nn;
}

const sm_func_def *sm_func_find(const char *name) {
    if (!name) return NULL;
    char low[64];
    size_t len = strlen(name);
    if (len >= sizeof low) return NULL;
    for (size_t i = 0; i <= len; i++) {
        char c = name[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    pthread_once(&reg_once, reg_build);
    if (reg_slots) {
        for (size_t i = (size_t)reg_hash(low) & reg_mask; reg_slots[i]; i = (i + 1) & reg_mask)
            if (strcmp(reg_slots[i]->name, low) == 0) return reg_slots[i];
    } else {
        for (int t = 0; t < REG_NTABLES; t++)
            for (const sm_func_def *f = reg_tables[t]; f->name; f++)
                if (strcmp(f->name, low) == 0) return f;
    }
    /* "a || b" is concat when no table defines the operator itself. */
    if (strcmp(low, "||") == 0) return sm_func_find("concat");
    return NULL;
}

int sm_func_names(const char ***out, int *count) {
    pthread_once(&reg_once, reg_build);
    if (!reg_names) return sm_err(SM_NOMEM, "out of memory building the function name list");
    *out = reg_names;
    *count = reg_nnames;
    return SM_OK;
}
