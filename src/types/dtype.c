/*
 * dtype.c — interned type descriptors (types.h, "nested type descriptors")
 * and Spark's simpleString of any type.
 *
 * Every distinct type gets exactly one sm_dtype for the life of the process,
 * so equality is pointer equality and descriptors can be shared by plans,
 * vectors and threads without reference counts.  The table is a small
 * open-addressing hash set under one mutex: types are made while plans are
 * bound, never per row, so contention does not matter.  Descriptors (and the
 * field names they hold) are allocated with plain malloc and kept until
 * exit; they are reachable from the table, so leak checkers stay quiet.
 */
#include "types/types.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static const sm_dtype **table;
static size_t table_cap, table_len;

static uint64_t mix(uint64_t h, uint64_t x) {
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

static uint64_t str_hash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t dtype_hash(const sm_dtype *t) {
    uint64_t h = mix(0, (uint64_t)t->id);
    h = mix(h, (uint64_t)(uint8_t)t->precision);
    h = mix(h, (uint64_t)(uint8_t)t->scale);
    h = mix(h, t->contains_null);
    h = mix(h, (uint64_t)(uintptr_t)t->elem);
    h = mix(h, (uint64_t)(uintptr_t)t->value);
    h = mix(h, (uint64_t)t->nfields);
    for (int i = 0; i < t->nfields; i++) {
        h = mix(h, str_hash(t->fields[i].name));
        h = mix(h, (uint64_t)(uintptr_t)t->fields[i].type);
        h = mix(h, t->fields[i].nullable);
    }
    return h;
}

/* Children are interned already, so comparing their pointers suffices. */
static bool dtype_same(const sm_dtype *a, const sm_dtype *b) {
    if (a->id != b->id || a->precision != b->precision || a->scale != b->scale ||
        a->contains_null != b->contains_null || a->elem != b->elem || a->value != b->value ||
        a->nfields != b->nfields)
        return false;
    for (int i = 0; i < a->nfields; i++)
        if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
            a->fields[i].type != b->fields[i].type ||
            a->fields[i].nullable != b->fields[i].nullable)
            return false;
    return true;
}

static bool table_grow(void) {
    size_t cap = table_cap ? table_cap * 2 : 64;
    const sm_dtype **t = calloc(cap, sizeof *t);
    if (!t) return false;
    for (size_t i = 0; i < table_cap; i++) {
        if (!table[i]) continue;
        size_t j = dtype_hash(table[i]) & (cap - 1);
        while (t[j]) j = (j + 1) & (cap - 1);
        t[j] = table[i];
    }
    free(table);
    table = t;
    table_cap = cap;
    return true;
}

/* Copies `key` (with its field array and names) into the table unless an
 * equal descriptor is there; returns the interned one, NULL on NOMEM. */
static const sm_dtype *intern(const sm_dtype *key) {
    const sm_dtype *out = NULL;
    pthread_mutex_lock(&intern_lock);
    if ((table_len + 1) * 2 > table_cap && !table_grow()) goto done;
    uint64_t h = dtype_hash(key);
    size_t j = h & (table_cap - 1);
    for (; table[j]; j = (j + 1) & (table_cap - 1))
        if (dtype_same(table[j], key)) {
            out = table[j];
            goto done;
        }
    sm_dtype *t = malloc(sizeof *t);
    if (!t) goto done;
    *t = *key;
    t->fields = NULL;
    if (key->nfields > 0) {
        sm_dtype_field *f = calloc((size_t)key->nfields, sizeof *f);
        if (!f) {
            free(t);
            goto done;
        }
        for (int i = 0; i < key->nfields; i++) {
            f[i] = key->fields[i];
            f[i].name = strdup(key->fields[i].name ? key->fields[i].name : "");
            if (!f[i].name) {
                while (i--) free((char *)f[i].name);
                free(f);
                free(t);
                goto done;
            }
        }
        t->fields = f;
    }
    table[j] = t;
    table_len++;
    out = t;
done:
    pthread_mutex_unlock(&intern_lock);
    return out;
}

const sm_dtype *sm_dtype_scalar(sm_type id, int precision, int scale) {
    sm_dtype k = {.id = id};
    if (id == SM_DECIMAL || id == SM_INTERVAL_YM || id == SM_INTERVAL_DT || id == SM_TIME) {
        k.precision = (int8_t)precision;
        k.scale = (int8_t)scale;
    }
    return intern(&k);
}

const sm_dtype *sm_dtype_array(const sm_dtype *elem, bool contains_null) {
    if (!elem) return NULL;
    sm_dtype k = {.id = SM_ARRAY, .elem = elem, .contains_null = contains_null};
    return intern(&k);
}

const sm_dtype *sm_dtype_map(const sm_dtype *key, const sm_dtype *value, bool value_contains_null) {
    if (!key || !value) return NULL;
    sm_dtype k = {.id = SM_MAP, .elem = key, .value = value, .contains_null = value_contains_null};
    return intern(&k);
}

const sm_dtype *sm_dtype_struct(int nfields, const sm_dtype_field *fields) {
    for (int i = 0; i < nfields; i++)
        if (!fields[i].type) return NULL;
    sm_dtype k = {.id = SM_STRUCT, .nfields = nfields, .fields = fields};
    return intern(&k);
}

/* ---- names ---------------------------------------------------------------- */

static const char *const iv_ym_names[] = {"year", "month"};
static const char *const iv_dt_names[] = {"day", "hour", "minute", "second"};

/* Appends to buf (cap bytes) at *len, counting what would not fit. */
static void put(char *buf, size_t cap, size_t *len, const char *s) {
    size_t n = strlen(s);
    if (*len < cap) {
        size_t room = cap - *len - 1;
        memcpy(buf + *len, s, n < room ? n : room);
        buf[*len + (n < room ? n : room)] = '\0';
    }
    *len += n;
}

static void format_into(char *buf, size_t cap, size_t *len, sm_type t, int p, int s,
                        const sm_dtype *dt) {
    char tmp[64];
    switch (t) {
    case SM_DECIMAL:
        snprintf(tmp, sizeof tmp, "decimal(%d,%d)", p, s);
        put(buf, cap, len, tmp);
        return;
    case SM_TIME:
        snprintf(tmp, sizeof tmp, "time(%d)", sm_time_prec(p));
        put(buf, cap, len, tmp);
        return;
    case SM_INTERVAL_YM:
    case SM_INTERVAL_DT: {
        const char *const *names = t == SM_INTERVAL_YM ? iv_ym_names : iv_dt_names;
        int n = t == SM_INTERVAL_YM ? 2 : 4;
        if (p < 0 || p >= n) p = 0;
        if (s < p || s >= n) s = p;
        if (p == s)
            snprintf(tmp, sizeof tmp, "interval %s", names[p]);
        else
            snprintf(tmp, sizeof tmp, "interval %s to %s", names[p], names[s]);
        put(buf, cap, len, tmp);
        return;
    }
    case SM_ARRAY:
        if (!dt) break;
        put(buf, cap, len, "array<");
        format_into(buf, cap, len, dt->elem->id, dt->elem->precision, dt->elem->scale, dt->elem);
        put(buf, cap, len, ">");
        return;
    case SM_MAP:
        if (!dt) break;
        put(buf, cap, len, "map<");
        format_into(buf, cap, len, dt->elem->id, dt->elem->precision, dt->elem->scale, dt->elem);
        put(buf, cap, len, ",");
        format_into(buf, cap, len, dt->value->id, dt->value->precision, dt->value->scale,
                    dt->value);
        put(buf, cap, len, ">");
        return;
    case SM_STRUCT:
        if (!dt) break;
        put(buf, cap, len, "struct<");
        for (int i = 0; i < dt->nfields; i++) {
            const sm_dtype *f = dt->fields[i].type;
            if (i) put(buf, cap, len, ",");
            put(buf, cap, len, dt->fields[i].name);
            put(buf, cap, len, ":");
            format_into(buf, cap, len, f->id, f->precision, f->scale, f);
        }
        put(buf, cap, len, ">");
        return;
    default: break;
    }
    put(buf, cap, len, sm_type_name(t));
}

int sm_type_format(char *buf, size_t cap, sm_type t, int precision, int scale, const sm_dtype *dt) {
    size_t len = 0;
    if (cap) buf[0] = '\0';
    format_into(buf, cap, &len, t, precision, scale, dt);
    return (int)len;
}

int sm_dtype_format(char *buf, size_t cap, const sm_dtype *t) {
    return sm_type_format(buf, cap, t->id, t->precision, t->scale, t);
}
