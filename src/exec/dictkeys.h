/*
 * dictkeys.h — group ids from dictionary codes (a single string key carrying
 * sm_vector's dictionary side channel), for hash aggregation.
 */
#ifndef SMELT_EXEC_DICTKEYS_H
#define SMELT_EXEC_DICTKEYS_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/hashtable.h"

/* Per keytab: the dictionary last seen (a reference) with, per entry, its
 * hash and its group id + 1 (0: not looked up yet); the null group + 1.
 * Zeroed = empty. */
typedef struct {
    sm_vector *dict;
    uint64_t *hash;
    uint32_t *gid1;
    int64_t null_gid1;
} exec_dict_keys;

/* Whether key carries a usable dictionary side channel (and
 * SMELT_HASHAGG_DICT is not 0). */
bool exec_dict_keys_usable(const sm_vector *key);
/* gids[i] = the group of row i of key in single-key table t, inserting new
 * groups in row order (as sm_keytab_insert would). */
int exec_dict_keys_groups(exec_dict_keys *d, sm_keytab *t, sm_vector *key, int64_t n, uint32_t *gids);
void exec_dict_keys_free(exec_dict_keys *d);

#endif
