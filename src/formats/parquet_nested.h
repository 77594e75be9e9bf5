/*
 * parquet_nested.h — nested Parquet columns (lists, maps, structs): the
 * schema tree mapped to Spark types and the record assembly from
 * repetition / definition levels (parquet_nested.c).  Internal to the
 * Parquet reader (parquet_read.c); see that file for the leaves' readers.
 */
#ifndef SM_PARQUET_NESTED_H
#define SM_PARQUET_NESTED_H

#include <stdbool.h>

#include "common/mem.h"
#include "formats/thrift.h"
#include "types/types.h"

enum { PQN_LEAF, PQN_STRUCT, PQN_LIST, PQN_MAP };

typedef struct pqn_node {
    int kind;               /* PQN_... */
    const char *name;
    bool optional;          /* the value may be null */
    int def;                /* definition level at which the value is not null */
    int elem_def;           /* LIST / MAP: level at which it has at least one element */
    int rep;                /* LIST / MAP: repetition level of its repeated field */
    int leaf;               /* LEAF: its column chunk (index in the row group) */
    int first_leaf, nleaves;/* the leaves under it, [first_leaf, first_leaf + nleaves) */
    int nchildren;          /* STRUCT: fields; LIST: 1 (element); MAP: 2 (key, value) */
    struct pqn_node **children;
    const sm_dtype *dt;     /* its Spark type */
} pqn_node;

/* Maps one primitive leaf (schema element e, column chunk `leaf`, with its
 * maximum levels) to its scalar type; parquet_read.c's map_column. */
typedef int (*pqn_map_leaf_fn)(void *ctx, const pq_schema_elem *e, int leaf, int max_def, int max_rep,
                               const sm_dtype **dt);

/* Builds the tree of the top-level field schema[*pos] (Spark's
 * ParquetToSparkSchemaConverter: LIST in its 3-level, 2-level and legacy
 * forms, MAP / MAP_KEY_VALUE, groups as structs, repeated fields as
 * non-null arrays), advancing *pos past its subtree and *leaf past its
 * leaves.  Nodes live in `arena`.  SM_UNSUPPORTED / SM_MALFORMED name the
 * file and the column. */
int pqn_build(const char *file, const pq_schema_elem *schema, int nschema, int *pos, int *leaf,
              sm_arena *arena, pqn_map_leaf_fn map_leaf, void *ctx, pqn_node **out);

/* Does the subtree of schema[pos] hold no primitive leaf (a group without
 * fields, or of such groups only)?  *end is the position after the
 * subtree (clamped to nschema); false when the schema ends inside it.
 * Such groups carry no levels, so nothing can tell their values: they are
 * left out of the schema (a top-level column or a struct field), as
 * pyarrow does. */
bool pqn_leafless(const pq_schema_elem *schema, int nschema, int pos, int *end);

/* The leaves' level streams, as the assembly reads them. */
typedef struct {
    /* the next (repetition, definition) pair of leaf `leaf`; *eof when its
     * chunk has no more */
    int (*peek)(void *ctx, int leaf, int *rep, int *def, bool *eof);
    /* consumes that pair; appends its value (definition level at the leaf's
     * maximum) or a null to dst unless dst is NULL */
    int (*take)(void *ctx, int leaf, sm_vector *dst);
    void *ctx;
} pqn_leaves;

/* Appends the next nrows records of the column `root` to out (a vector
 * made with sm_vector_new_dt(root->dt)).  SM_MALFORMED when the levels
 * contradict the schema or end early. */
int pqn_assemble(const pqn_node *root, const pqn_leaves *L, int64_t nrows, sm_vector *out);

/* ---- writing (parquet_write.c) ---- */

/* The tree Spark writes for a column of type dt (3-level LIST with
 * `element`, MAP with `key_value` / `key` / `value`, groups for structs);
 * `optional` is the column's nullability, D and R the levels of its parent;
 * leaves are numbered from *leaf on.  Elements, map values and struct
 * fields are always OPTIONAL (keys REQUIRED): the nullability of nested
 * fields is not tracked exactly through every operator (a union of a
 * non-null and a null field), and every reader accepts OPTIONAL; Spark's
 * exact flags travel in the row metadata JSON. */
int pqn_from_dtype(const char *name, const sm_dtype *dt, bool optional, int D, int R, int *leaf,
                   sm_arena *arena, pqn_node **out);

/* Called for each (rep, def) pair of a leaf; v/row hold the value when def
 * is the leaf's maximum. */
typedef int (*pqn_emit_fn)(void *ctx, const pqn_node *leaf, int rep, int def, const sm_vector *v, int64_t row);

/* Shreds row `row` of v (the column of node n) into its leaves' levels. */
int pqn_shred(const pqn_node *n, const sm_vector *v, int64_t row, pqn_emit_fn emit, void *ctx);

#endif
