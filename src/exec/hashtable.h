/*
 * hashtable.h — a hash table of key tuples, shared by hash aggregation,
 * distinct and count(DISTINCT).
 *
 * An sm_keytab maps a tuple of typed values (one per key column) to a dense
 * group id 0, 1, 2, ... in order of first insertion.  The distinct keys are
 * stored column-wise in sm_vectors owned by the table (strings copied in),
 * so they can be emitted as output columns directly and the input batches
 * can be freed.  Key equality is Spark's grouping equality: NULL equals NULL,
 * NaN equals NaN, -0.0 equals 0.0 (doubles are stored normalized: 0.0 and
 * the canonical NaN, as Spark's NormalizeFloatingNumbers does).  DECIMAL
 * keys compare by their unscaled values: the rows of one key column must
 * share one decimal type (the key vectors adopt it from the first rows).
 *
 * Vectorized use: hash a whole batch of keys (sm_keytab_hash), then insert
 * or find every row (sm_keytab_insert).  The per-group hash is kept, so
 * moving groups from one table into another (merging partial aggregates)
 * never rehashes.
 *
 * Not thread-safe: one table per task.
 */
#ifndef SM_HASHTABLE_H
#define SM_HASHTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "types/types.h"

typedef struct sm_keytab {
    int nkeys;
    sm_vector **keys;  /* nkeys vectors of ngroups rows */
    uint64_t *hashes;  /* per group */
    int64_t ngroups, cap_groups;
    uint64_t *slots;   /* (hash tag << 32) | (gid + 1); 0 = empty */
    uint64_t nslots;   /* power of two */
} sm_keytab;

/* Bytes of a key stored as a plain 4- or 8-byte integer (compared and
 * copied as such); 0 for every other storage class. */
static inline int sm_keytab_int_width(sm_type ty) {
    switch (sm_type_phys(ty)) {
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INTERVAL_YM:
    case SM_DATE: return 4;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT:
    case SM_TIMESTAMP: return 8;
    default: return 0;
    }
}

/* Initializes an empty table for keys of the given types.  SM_NOMEM. */
int sm_keytab_init(sm_keytab *t, int nkeys, const sm_type *types);
void sm_keytab_free(sm_keytab *t);

/* hashes[i] = the hash of row i of the key columns cols[0..ncols), i in
 * [0, n).  Equal keys (in the sense above) hash equally. */
void sm_keytab_hash(sm_vector *const *cols, int ncols, int64_t n, uint64_t *hashes);

/* For each i in [0, n): row r = sel ? sel[i] : i of cols (whose hash is
 * hashes[r]) is looked up and inserted when absent; gids[i] receives its
 * group id and is_new[i] (when is_new is non-NULL) whether this call created
 * it.  SM_NOMEM leaves the table consistent (groups inserted so far stay). */
int sm_keytab_insert(sm_keytab *t, sm_vector *const *cols, const uint64_t *hashes,
                     const int32_t *sel, int64_t n, uint32_t *gids, uint8_t *is_new);

/* Makes room for `ngroups` groups in all (slots, hashes and key vectors),
 * so inserting up to that many never rehashes or regrows.  A hint: more
 * groups still fit, by growing as usual.  SM_NOMEM leaves t as it was
 * usable. */
int sm_keytab_reserve(sm_keytab *t, int64_t ngroups);

/* Looks up row r of cols (whose hash is `hash`) without inserting: its group
 * id, or -1 when absent.  Read-only, so many threads may probe one table
 * that nobody modifies. */
int64_t sm_keytab_find(const sm_keytab *t, sm_vector *const *cols, int64_t r, uint64_t hash);

/* Which of `npieces` pieces a hash belongs to (independent of the slot bits). */
static inline int sm_keytab_piece(uint64_t hash, int npieces) {
    return (int)(((hash >> 40) * (uint64_t)npieces) >> 24);
}

#endif
