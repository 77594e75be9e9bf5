/*
 * partials.h — the two-phase machinery shared by the hash breakers
 * (hashagg.c, distinct.c).
 *
 * Both run the same way: (1) partial — one task per partition of the child
 * (exec_foreach_batch) folds its batches into a partial table of its own;
 * (2) merge — one task per piece of the hash space (sm_keytab_piece) walks
 * every partial in partition order, merges the groups of its piece into a
 * table of its own and emits them as partition `piece` of the output mset.
 * This file owns what does not depend on what a table holds: allocating
 * the partial tables, running both phases, freeing, and cutting a merged
 * table's rows into output batches.  The breaker owns the tables' contents.
 *
 * Memory: exec_two_phase_run allocates the partials array (zeroed) and frees it,
 * after calling free_table on every element, before it returns; on success
 * the output mset belongs to the caller.
 *
 * Threading: the callbacks run on the pool; consume gets the partial of its
 * own partition, merge only reads partials and writes its own piece.
 */
#ifndef SM_EXEC_PARTIALS_H
#define SM_EXEC_PARTIALS_H

#include <stddef.h>
#include <stdint.h>

#include "exec/exec.h"
#include "exec/hashtable.h"

typedef struct exec_two_phase {
    /* set by the caller */
    size_t table_size;  /* bytes of one partial table */
    int npieces;        /* merge tasks = partitions of the output */
    int (*consume)(void *arg, int part, sm_batch *b); /* owns b; partial of `part` */
    int (*merge)(void *arg, int piece);               /* fills partition `piece` of out */
    void (*free_table)(void *arg, void *table);       /* also called on zeroed tables */
    /* optional: runs after every merge task succeeded, before the partial
     * tables are freed (distinct.c emits its kept input batches here) */
    int (*finish)(void *arg);
    void *arg;
    /* set by exec_two_phase_run, valid while the callbacks run */
    void *partials;     /* npartials tables of table_size bytes, zeroed at first */
    int npartials;      /* partitions of the child */
    sm_mset *out;       /* npieces partitions */
} exec_two_phase;

/* Runs both phases over `child` (partials, then merge); on success *out is
 * the output mset.  Every partial table is freed either way. */
int exec_two_phase_run(sm_exec_ctx *ctx, const sm_plan *child, exec_two_phase *tp, sm_mset **out);

/* sel[0..ns) = the groups g in [start, end) of t that belong to `piece` of
 * npieces; returns ns. */
int64_t exec_select_piece(const sm_keytab *t, int64_t start, int64_t end, int piece, int npieces,
                          int32_t *sel);

/* Sets the columns [ncols, ncols + nextra) of batch b, which holds rows
 * [start, start + n) of a merged table.  Returns a status. */
typedef int (*exec_fill_fn)(void *arg, sm_batch *b, int64_t start, int64_t n);

/* Adds rows [0, nrows) of cols[0..ncols) to partition `piece` of out as
 * batches of at most SM_BATCH_ROWS rows with ncols + nextra columns: the
 * first ncols are taken from cols (shared, not copied, when one batch holds
 * every row), fill (when nextra > 0) sets the rest. */
int exec_emit_batches(sm_mset *out, int piece, sm_vector *const *cols, int ncols, int nextra,
                      int64_t nrows, exec_fill_fn fill, void *arg);

#endif
