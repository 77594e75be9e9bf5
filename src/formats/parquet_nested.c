/*
 * parquet_nested.c — nested Parquet columns: the schema tree as Spark types,
 * and record assembly from repetition / definition levels (Dremel).
 *
 * Schema (Spark 3.5's ParquetToSparkSchemaConverter, which pyarrow follows
 * in the same cases):
 *   - a group annotated LIST holds one REPEATED field r.  r is the element
 *     itself (a 2-level list, elements not null) when it is primitive, a
 *     group of two or more fields, or a group named `array` or
 *     `<list name>_tuple`; otherwise r has one field, the element (the
 *     standard 3-level list; elements nullable when it is OPTIONAL);
 *   - a group annotated MAP or MAP_KEY_VALUE holds one REPEATED group of two
 *     fields, the key and the value (values nullable when OPTIONAL);
 *   - any other group is a struct of its fields; a group without any
 *     primitive leaf beneath it (an empty group, or groups of such) is left
 *     out, as pyarrow leaves it out (no levels exist to tell its values;
 *     Spark 3.5 lists it as struct<> and then fails to read the file);
 *   - a REPEATED field anywhere else (a struct's field, a top-level column)
 *     is a non-null array of non-null elements of its type.
 *
 * Levels: every OPTIONAL or REPEATED field on the path adds one definition
 * level, every REPEATED one a repetition level.  A node records the
 * definition level at which its value is present (`def`; below it the value
 * is null) and, for lists and maps, the level at which it has elements
 * (`elem_def`; between the two it is empty) and the repetition level of its
 * repeated field (`rep`: a following pair with that repetition level starts
 * its next element).
 *
 * Assembly: a value is assembled top-down, reading the leaves' (rep, def)
 * pairs through cursors (pqn_leaves, implemented over the column chunks by
 * parquet_read.c).  The first leaf under a node tells its state — all
 * leaves under a node agree on the levels at and above it.  A null or empty
 * value consumes exactly one pair in every leaf beneath; a list's elements
 * follow while the first leaf's next pair repeats at the list's level.
 * Every step consumes at least one pair, so malformed levels end in an
 * error, never a loop: a struct whose fields came out of different lengths,
 * a pair repeating deeper than it may, or a chunk ending early.
 *
 * Memory: nodes live in the file's arena; types are interned descriptors.
 * Recursion is bounded by PQN_MAX_DEPTH (checked while building).
 */
#include <stdio.h>
#include <string.h>

#include "common/status.h"
#include "formats/parquet_nested.h"

#define PQN_MAX_DEPTH 64

typedef struct {
    const char *file;
    const pq_schema_elem *s;
    int n;
    int pos, leaf;
    sm_arena *arena;
    pqn_map_leaf_fn map_leaf;
    void *ctx;
    const char *top; /* the top-level column, for messages */
} pqn_builder;

static int nb_unsupported(const pqn_builder *b, const char *what) {
    return sm_err(SM_UNSUPPORTED, "reading %s: column `%s` has %s, which smelt cannot read; select other "
                  "columns or convert the file", b->file, b->top, what);
}

static int nb_malformed(const pqn_builder *b, const char *what, const char *name) {
    return sm_err(SM_MALFORMED, "reading %s: column `%s`: %s (field `%s`)", b->file, b->top, what,
                  name ? name : "");
}

static pqn_node *nb_node(pqn_builder *b, int kind, const char *name) {
    pqn_node *n = sm_arena_alloc(b->arena, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->name = name ? name : "";
    n->first_leaf = b->leaf;
    return n;
}

static int nb_field(pqn_builder *b, int D, int R, bool wrap, int depth, pqn_node **out);

static bool is_group(const pq_schema_elem *e) { return e->num_children > 0 || e->type < 0; }

static bool ann_list(const pq_schema_elem *e) {
    return e->converted == PQ_CT_LIST || e->logical.kind == PQ_LT_LIST;
}

static bool ann_map(const pq_schema_elem *e) {
    return e->converted == PQ_CT_MAP || e->converted == PQ_CT_MAP_KEY_VALUE || e->logical.kind == PQ_LT_MAP;
}

static int nb_finish(pqn_builder *b, pqn_node *n) {
    n->nleaves = b->leaf - n->first_leaf;
    switch (n->kind) {
    case PQN_LIST: n->dt = sm_dtype_array(n->children[0]->dt, n->children[0]->optional); break;
    case PQN_MAP:
        n->dt = sm_dtype_map(n->children[0]->dt, n->children[1]->dt, n->children[1]->optional);
        break;
    case PQN_STRUCT: {
        sm_dtype_field *f = sm_arena_alloc(b->arena, (size_t)n->nchildren * sizeof *f);
        if (!f) return SM_NOMEM;
        for (int i = 0; i < n->nchildren; i++)
            f[i] = (sm_dtype_field){n->children[i]->name, n->children[i]->dt, n->children[i]->optional};
        n->dt = sm_dtype_struct(n->nchildren, f);
        break;
    }
    default: break;
    }
    return n->dt ? SM_OK : SM_NOMEM;
}

/* Converts schema element b->pos (whose repetition the caller has accounted
 * for: its value is present at definition level D, under R repetitions). */
static int nb_convert(pqn_builder *b, int D, int R, bool optional, int depth, pqn_node **out) {
    if (depth > PQN_MAX_DEPTH) return nb_unsupported(b, "more than 64 levels of nesting");
    if (b->pos >= b->n) return nb_malformed(b, "the schema ends inside a group", NULL);
    const pq_schema_elem *e = &b->s[b->pos];
    b->pos++;
    if (!is_group(e)) {
        pqn_node *n = nb_node(b, PQN_LEAF, e->name);
        if (!n) return SM_NOMEM;
        n->optional = optional;
        n->def = D;
        n->leaf = b->leaf++;
        SM_TRY(b->map_leaf(b->ctx, e, n->leaf, D, R, &n->dt));
        n->nleaves = 1;
        *out = n;
        return SM_OK;
    }
    int nc = e->num_children;
    if (nc < 0 || nc > b->n - b->pos) return nb_malformed(b, "a group claims more fields than the schema holds", e->name);
    if (ann_list(e)) {
        if (nc != 1) return nb_malformed(b, "a LIST group without exactly one field", e->name);
        const pq_schema_elem *r = &b->s[b->pos];
        if (r->repetition != PQ_REPEATED) return nb_malformed(b, "a LIST group whose field is not repeated", e->name);
        pqn_node *n = nb_node(b, PQN_LIST, e->name);
        if (!n || !(n->children = sm_arena_alloc(b->arena, sizeof *n->children))) return SM_NOMEM;
        n->optional = optional;
        n->def = D;
        n->elem_def = D + 1;
        n->rep = R + 1;
        n->nchildren = 1;
        char tuple[512];
        snprintf(tuple, sizeof tuple, "%s_tuple", e->name ? e->name : "");
        bool two_level = !is_group(r) || r->num_children > 1 || (r->name && strcmp(r->name, "array") == 0) ||
                         (r->name && strcmp(r->name, tuple) == 0);
        if (two_level) {
            SM_TRY(nb_convert(b, D + 1, R + 1, false, depth + 1, &n->children[0]));
        } else {
            if (r->num_children != 1) return nb_malformed(b, "a LIST's repeated group without fields", r->name);
            b->pos++; /* the repeated group: its one field is the element */
            if (b->pos >= b->n) return nb_malformed(b, "the schema ends inside a LIST", e->name);
            const pq_schema_elem *el = &b->s[b->pos];
            if (el->repetition == PQ_REPEATED)
                return nb_unsupported(b, "a LIST whose element is itself repeated");
            bool opt = el->repetition == PQ_OPTIONAL;
            SM_TRY(nb_convert(b, D + 1 + opt, R + 1, opt, depth + 1, &n->children[0]));
        }
        *out = n;
        return nb_finish(b, n);
    }
    if (ann_map(e)) {
        if (nc != 1) return nb_malformed(b, "a MAP group without exactly one field", e->name);
        const pq_schema_elem *kv = &b->s[b->pos];
        if (!is_group(kv) || kv->repetition != PQ_REPEATED)
            return nb_malformed(b, "a MAP whose field is not a repeated group", e->name);
        if (kv->num_children != 2)
            return nb_unsupported(b, "a MAP whose key_value group does not have exactly two fields (key, value)");
        b->pos++;
        pqn_node *n = nb_node(b, PQN_MAP, e->name);
        if (!n || !(n->children = sm_arena_alloc(b->arena, 2 * sizeof *n->children))) return SM_NOMEM;
        n->optional = optional;
        n->def = D;
        n->elem_def = D + 1;
        n->rep = R + 1;
        n->nchildren = 2;
        for (int i = 0; i < 2; i++) {
            if (b->pos >= b->n) return nb_malformed(b, "the schema ends inside a MAP", e->name);
            const pq_schema_elem *c = &b->s[b->pos];
            if (c->repetition == PQ_REPEATED) return nb_unsupported(b, "a MAP whose key or value is repeated");
            bool opt = c->repetition == PQ_OPTIONAL;
            SM_TRY(nb_convert(b, D + 1 + opt, R + 1, opt, depth + 1, &n->children[i]));
        }
        *out = n;
        return nb_finish(b, n);
    }
    /* any other group (other annotations included) is a struct */
    if (nc == 0) return nb_unsupported(b, "an empty group (a struct without fields)");
    pqn_node *n = nb_node(b, PQN_STRUCT, e->name);
    if (!n || !(n->children = sm_arena_alloc(b->arena, (size_t)nc * sizeof *n->children))) return SM_NOMEM;
    n->optional = optional;
    n->def = D;
    n->nchildren = 0;
    for (int i = 0; i < nc; i++) {
        int end;
        if (b->pos < b->n && pqn_leafless(b->s, b->n, b->pos, &end)) {
            b->pos = end; /* a field without leaves: left out */
            continue;
        }
        SM_TRY(nb_field(b, D, R, true, depth + 1, &n->children[n->nchildren++]));
    }
    if (n->nchildren == 0) return nb_unsupported(b, "an empty group (a struct without fields)");
    *out = n;
    return nb_finish(b, n);
}

/* A field of a struct (or a top-level column) under definition level D and
 * R repetitions: OPTIONAL adds a level, REPEATED makes a non-null array. */
static int nb_field(pqn_builder *b, int D, int R, bool wrap, int depth, pqn_node **out) {
    if (depth > PQN_MAX_DEPTH) return nb_unsupported(b, "more than 64 levels of nesting");
    if (b->pos >= b->n) return nb_malformed(b, "the schema ends inside a group", NULL);
    const pq_schema_elem *e = &b->s[b->pos];
    if (wrap && e->repetition == PQ_REPEATED) {
        pqn_node *n = nb_node(b, PQN_LIST, e->name);
        if (!n || !(n->children = sm_arena_alloc(b->arena, sizeof *n->children))) return SM_NOMEM;
        n->optional = false;
        n->def = D;
        n->elem_def = D + 1;
        n->rep = R + 1;
        n->nchildren = 1;
        SM_TRY(nb_convert(b, D + 1, R + 1, false, depth + 1, &n->children[0]));
        *out = n;
        return nb_finish(b, n);
    }
    bool opt = e->repetition == PQ_OPTIONAL;
    return nb_convert(b, D + opt, R, opt, depth, out);
}

bool pqn_leafless(const pq_schema_elem *schema, int nschema, int pos, int *end) {
    /* elements still to visit in the subtree; a group adds its children */
    int64_t todo = 1, leaves = 0;
    while (todo > 0 && pos < nschema) {
        const pq_schema_elem *e = &schema[pos++];
        todo--;
        if (is_group(e)) todo += e->num_children > 0 ? e->num_children : 0;
        else leaves++;
    }
    *end = pos;
    return leaves == 0 && todo == 0; /* a schema ending inside it is malformed: the builder says so */
}

int pqn_build(const char *file, const pq_schema_elem *schema, int nschema, int *pos, int *leaf,
              sm_arena *arena, pqn_map_leaf_fn map_leaf, void *ctx, pqn_node **out) {
    pqn_builder b = {file, schema, nschema, *pos, *leaf, arena, map_leaf, ctx,
                     *pos < nschema && schema[*pos].name ? schema[*pos].name : ""};
    int rc = nb_field(&b, 0, 0, true, 0, out);
    if (rc == SM_OK) (*out)->optional = true; /* file columns are nullable (Spark) */
    *pos = b.pos;
    *leaf = b.leaf;
    return rc;
}

/* ---- assembly ------------------------------------------------------------------------- */

static int as_peek(const pqn_leaves *L, int leaf, int *rep, int *def) {
    bool eof = false;
    SM_TRY(L->peek(L->ctx, leaf, rep, def, &eof));
    if (eof) return sm_err(SM_MALFORMED, "a nested column's levels end before the row group's rows");
    return SM_OK;
}

/* A null or empty value: one pair in every leaf beneath n. */
static int as_skip(const pqn_node *n, const pqn_leaves *L, int below) {
    for (int l = n->first_leaf; l < n->first_leaf + n->nleaves; l++) {
        int rep, def;
        SM_TRY(as_peek(L, l, &rep, &def));
        if (def >= below)
            return sm_err(SM_MALFORMED, "the levels of a nested column's leaves disagree (definition level "
                          "%d where at most %d fits)", def, below - 1);
        SM_TRY(L->take(L->ctx, l, NULL));
    }
    return SM_OK;
}

static int as_value(const pqn_node *n, const pqn_leaves *L, sm_vector *v) {
    int rep, def;
    SM_TRY(as_peek(L, n->first_leaf, &rep, &def));
    if (def < n->def) {
        SM_TRY(as_skip(n, L, n->def));
        return sm_vector_append_null(v);
    }
    switch (n->kind) {
    case PQN_LEAF: return L->take(L->ctx, n->leaf, v);
    case PQN_STRUCT:
        if (v->nchildren != n->nchildren) return sm_err(SM_INTERNAL, "parquet: a struct vector of the wrong shape");
        for (int i = 0; i < n->nchildren; i++) SM_TRY(as_value(n->children[i], L, v->children[i]));
        for (int i = 0; i < n->nchildren; i++)
            if (v->children[i]->length != v->length + 1)
                return sm_err(SM_MALFORMED, "the levels of a nested column's leaves disagree (struct `%s`)",
                              n->name);
        return sm_vector_end_struct(v);
    case PQN_LIST:
    case PQN_MAP: {
        if (v->nchildren != n->nchildren) return sm_err(SM_INTERNAL, "parquet: a list vector of the wrong shape");
        if (def < n->elem_def) {
            SM_TRY(as_skip(n, L, n->elem_def));
            return sm_vector_end_list(v);
        }
        for (;;) {
            for (int i = 0; i < n->nchildren; i++) SM_TRY(as_value(n->children[i], L, v->children[i]));
            bool eof = false;
            SM_TRY(L->peek(L->ctx, n->first_leaf, &rep, &def, &eof));
            if (eof || rep < n->rep) break;
            if (rep > n->rep)
                return sm_err(SM_MALFORMED, "a repetition level of %d where at most %d fits", rep, n->rep);
            if (def < n->elem_def)
                return sm_err(SM_MALFORMED, "a repeated element with definition level %d (below %d)", def,
                              n->elem_def);
        }
        if (n->kind == PQN_MAP && v->children[0]->length != v->children[1]->length)
            return sm_err(SM_MALFORMED, "the levels of a map's keys and values disagree");
        return sm_vector_end_list(v);
    }
    default: return sm_err(SM_INTERNAL, "parquet: node kind %d", n->kind);
    }
}

int pqn_assemble(const pqn_node *root, const pqn_leaves *L, int64_t nrows, sm_vector *out) {
    for (int64_t r = 0; r < nrows; r++) {
        int rep, def;
        SM_TRY(as_peek(L, root->first_leaf, &rep, &def));
        if (rep != 0) return sm_err(SM_MALFORMED, "a record starts with repetition level %d (not 0)", rep);
        SM_TRY(as_value(root, L, out));
    }
    return SM_OK;
}

/* ---- writing: the tree of a Spark type, and shredding values into levels ---------------- */

int pqn_from_dtype(const char *name, const sm_dtype *dt, bool optional, int D, int R, int *leaf,
                   sm_arena *arena, pqn_node **out) {
    if (!dt) return sm_err(SM_INTERNAL, "parquet: column `%s` has no type descriptor", name);
    pqn_node *n = sm_arena_alloc(arena, sizeof *n);
    if (!n) return SM_NOMEM;
    n->name = name;
    n->dt = dt;
    n->optional = optional;
    n->def = D + optional;
    n->first_leaf = *leaf;
    switch (dt->id) {
    case SM_ARRAY:
    case SM_MAP:
        n->kind = dt->id == SM_ARRAY ? PQN_LIST : PQN_MAP;
        n->elem_def = n->def + 1;
        n->rep = R + 1;
        n->nchildren = dt->id == SM_ARRAY ? 1 : 2;
        if (!(n->children = sm_arena_alloc(arena, (size_t)n->nchildren * sizeof *n->children))) return SM_NOMEM;
        if (dt->id == SM_ARRAY) {
            SM_TRY(pqn_from_dtype("element", dt->elem, true, n->elem_def, n->rep, leaf, arena, &n->children[0]));
        } else {
            SM_TRY(pqn_from_dtype("key", dt->elem, false, n->elem_def, n->rep, leaf, arena, &n->children[0]));
            SM_TRY(pqn_from_dtype("value", dt->value, true, n->elem_def, n->rep, leaf, arena, &n->children[1]));
        }
        break;
    case SM_STRUCT:
        n->kind = PQN_STRUCT;
        if (dt->nfields == 0)
            return sm_err(SM_UNSUPPORTED, "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] Parquet cannot store the "
                          "empty struct in column `%s`", name);
        n->nchildren = dt->nfields;
        if (!(n->children = sm_arena_alloc(arena, (size_t)n->nchildren * sizeof *n->children))) return SM_NOMEM;
        for (int i = 0; i < dt->nfields; i++)
            SM_TRY(pqn_from_dtype(dt->fields[i].name, dt->fields[i].type, true, n->def, R, leaf, arena,
                                  &n->children[i]));
        break;
    default:
        n->kind = PQN_LEAF;
        n->leaf = (*leaf)++;
        n->rep = R;
        break;
    }
    n->nleaves = *leaf - n->first_leaf;
    *out = n;
    return SM_OK;
}

/* Every leaf under n gets (rep, def): a null or empty value. */
static int sh_empty(const pqn_node *n, int rep, int def, pqn_emit_fn emit, void *ctx) {
    if (n->kind == PQN_LEAF) return emit(ctx, n, rep, def, NULL, 0);
    for (int i = 0; i < n->nchildren; i++) SM_TRY(sh_empty(n->children[i], rep, def, emit, ctx));
    return SM_OK;
}

static int sh_value(const pqn_node *n, const sm_vector *v, int64_t row, int rep, pqn_emit_fn emit, void *ctx) {
    bool null = v->type == SM_NULLTYPE || sm_vector_is_null(v, row) ||
                (sm_type_is_nested(n->dt->id) && v->nchildren != n->nchildren);
    if (null) {
        if (!n->optional)
            return sm_err(SM_INVALID, "field `%s` is not nullable but holds a null", n->name);
        return sh_empty(n, rep, n->def - 1, emit, ctx);
    }
    switch (n->kind) {
    case PQN_LEAF: return emit(ctx, n, rep, n->def, v, row);
    case PQN_STRUCT:
        for (int i = 0; i < n->nchildren; i++) SM_TRY(sh_value(n->children[i], v->children[i], row, rep, emit, ctx));
        return SM_OK;
    default: {
        int64_t s, e;
        sm_vector_list_range(v, row, &s, &e);
        if (s == e) return sh_empty(n, rep, n->def, emit, ctx);
        for (int64_t k = s; k < e; k++)
            for (int i = 0; i < n->nchildren; i++)
                SM_TRY(sh_value(n->children[i], v->children[i], k, k == s ? rep : n->rep, emit, ctx));
        return SM_OK;
    }
    }
}

int pqn_shred(const pqn_node *n, const sm_vector *v, int64_t row, pqn_emit_fn emit, void *ctx) {
    return sh_value(n, v, row, 0, emit, ctx);
}
