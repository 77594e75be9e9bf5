/*
 * schema.c — schemas: lists of named, typed columns (types.h).
 * The DDL parser (sm_schema_parse_ddl) lives in ddl.c.
 */
#include "types/types.h"

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
