/*
 * schema.c — schemas: lists of named, typed columns (types.h).
 * The DDL parser (sm_schema_parse_ddl) lives in ddl.c.
 */
#include "types/types.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "common/status.h"

sm_schema *sm_schema_new(int ncols) {
    sm_schema *s = sm_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ncols = ncols;
    s->fields = sm_calloc(ncols > 0 ? (size_t)ncols : 1, sizeof(sm_field));
    if (!s->fields) {
        sm_free(s);
        return NULL;
    }
    return s;
}

void sm_schema_free(sm_schema *s) {
    if (!s) return;
    for (int i = 0; i < s->ncols; i++) sm_free(s->fields[i].name);
    sm_free(s->fields);
    sm_free(s);
}

int sm_schema_set(sm_schema *s, int col, const char *name, sm_type type, bool nullable) {
    char *n = sm_strdup(name ? name : "");
    if (!n) return SM_NOMEM;
    sm_free(s->fields[col].name);
    s->fields[col].name = n;
    s->fields[col].type = type;
    s->fields[col].nullable = nullable;
    return SM_OK;
}

sm_schema *sm_schema_copy(const sm_schema *src) {
    sm_schema *s = sm_schema_new(src->ncols);
    if (!s) return NULL;
    for (int i = 0; i < src->ncols; i++) {
        if (sm_schema_set(s, i, src->fields[i].name, src->fields[i].type,
                          src->fields[i].nullable) != SM_OK) {
            sm_schema_free(s);
            return NULL;
        }
        s->fields[i].precision = src->fields[i].precision; /* DECIMAL */
        s->fields[i].scale = src->fields[i].scale;
        s->fields[i].dt = src->fields[i].dt;
    }
    return s;
}

int sm_schema_find(const sm_schema *s, const char *name) {
    int found = -1;
    for (int i = 0; i < s->ncols; i++) {
        if (s->fields[i].name && strcasecmp(s->fields[i].name, name) == 0) {
            if (found >= 0) return -2;
            found = i;
        }
    }
    return found;
}

/* Spark's DataType.sql: ARRAY<INT>, MAP<STRING, INT>, STRUCT<a: INT, `b c`:
 * STRING NOT NULL> (a name is backquoted when it is not a plain
 * identifier). */
static int dtype_sql(const sm_dtype *t, sm_buf *b) {
    char flat[128];
    switch (t->id) {
    case SM_ARRAY:
        SM_TRY(sm_buf_appendf(b, "ARRAY<"));
        SM_TRY(dtype_sql(t->elem, b));
        return sm_buf_appendf(b, ">");
    case SM_MAP:
        SM_TRY(sm_buf_appendf(b, "MAP<"));
        SM_TRY(dtype_sql(t->elem, b));
        SM_TRY(sm_buf_appendf(b, ", "));
        SM_TRY(dtype_sql(t->value, b));
        return sm_buf_appendf(b, ">");
    case SM_STRUCT:
        SM_TRY(sm_buf_appendf(b, "STRUCT<"));
        for (int i = 0; i < t->nfields; i++) {
            const char *n = t->fields[i].name;
            bool plain = (isalpha((unsigned char)n[0]) || n[0] == '_');
            for (const char *p = n; plain && *p; p++) plain = isalnum((unsigned char)*p) || *p == '_';
            if (i) SM_TRY(sm_buf_appendf(b, ", "));
            if (plain) {
                SM_TRY(sm_buf_appendf(b, "%s", n));
            } else {
                SM_TRY(sm_buf_putc(b, '`'));
                for (const char *p = n; *p; p++) {
                    if (*p == '`') SM_TRY(sm_buf_putc(b, '`'));
                    SM_TRY(sm_buf_putc(b, *p));
                }
                SM_TRY(sm_buf_putc(b, '`'));
            }
            SM_TRY(sm_buf_appendf(b, ": "));
            SM_TRY(dtype_sql(t->fields[i].type, b));
            if (!t->fields[i].nullable) SM_TRY(sm_buf_appendf(b, " NOT NULL"));
        }
        return sm_buf_appendf(b, ">");
    default:
        sm_dtype_format(flat, sizeof flat, t);
        for (char *p = flat; *p; p++) *p = (char)toupper((unsigned char)*p);
        return sm_buf_appendf(b, "%s", flat);
    }
}

void sm_field_type_ddl(const sm_field *f, char *buf, size_t cap) {
    if (sm_type_is_nested(f->type) && f->dt) {
        sm_buf b = {0};
        if (dtype_sql(f->dt, &b) == SM_OK && sm_buf_cstr(&b)) snprintf(buf, cap, "%s", b.data);
        else snprintf(buf, cap, "%s", sm_type_name(f->type));
        sm_buf_free(&b);
        return;
    }
    sm_type_format(buf, cap, f->type, f->precision, f->scale, f->dt);
    for (char *p = buf; *p; p++) *p = (char)toupper((unsigned char)*p);
}

int sm_schema_ddl(const sm_schema *s, bool not_null, sm_buf *out) {
    char t[1024];
    for (int i = 0; s && i < s->ncols; i++) {
        const sm_field *f = &s->fields[i];
        sm_field_type_ddl(f, t, sizeof t);
        SM_TRY(sm_buf_appendf(out, "%s`", i ? ", " : ""));
        for (const char *p = f->name; *p; p++) {
            if (*p == '`') SM_TRY(sm_buf_putc(out, '`'));
            SM_TRY(sm_buf_putc(out, *p));
        }
        SM_TRY(sm_buf_appendf(out, "` %s%s", t, not_null && !f->nullable ? " NOT NULL" : ""));
    }
    return sm_buf_cstr(out) ? SM_OK : SM_NOMEM;
}
