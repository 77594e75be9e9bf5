/*
 * dictkeys.c — hash aggregation on a dictionary-encoded key (dictkeys.h).
 *
 * A string key column read from dictionary-encoded Parquet pages carries its
 * dictionary and per-row codes (sm_vector.dict / dict_codes).  Grouping by it
 * then touches the string bytes once per distinct dictionary entry, not once
 * per row: when a batch brings a new dictionary, every entry is hashed once
 * (with sm_keytab_hash, so hashes equal the plain path's and partial tables
 * merge as usual) and a code → group id array is reset; a row's group is
 * gid1[code] - 1, and an entry seen for the first time is inserted into the
 * keytab as row `code` of the dictionary.  Groups are created in row order,
 * as sm_keytab_insert would create them, so first()/last() and the output
 * order do not change.
 *
 * Invariants: d->dict is referenced while cached, so its address cannot be
 * reused by another dictionary; gid1 and hash have dict->length entries;
 * group ids of a keytab never change, so gid1 stays valid for that table.
 * Memory: owned by the exec_dict_keys (one per partial table, one thread).
 */
#include "exec/dictkeys.h"

#include <stdlib.h>
#include <string.h>

#include "common/status.h"

bool exec_dict_keys_usable(const sm_vector *key) {
    if (!key->dict) return false;
    const char *e = getenv("SMELT_HASHAGG_DICT"); /* once per batch: for A/B runs and tests */
    return !(e && strcmp(e, "0") == 0) && key->dict && key->dict_codes && key->dict->type == key->type &&
           sm_type_phys(key->type) == SM_STRING;
}

void exec_dict_keys_free(exec_dict_keys *d) {
    if (d->dict) sm_vector_unref(d->dict);
    sm_free(d->hash);
    sm_free(d->gid1);
    memset(d, 0, sizeof *d);
}

static int dk_switch(exec_dict_keys *d, sm_vector *dict) {
    int64_t null_gid1 = d->null_gid1;
    exec_dict_keys_free(d);
    d->null_gid1 = null_gid1;
    int64_t n = dict->length;
    d->hash = sm_malloc((size_t)(n ? n : 1) * sizeof *d->hash);
    d->gid1 = sm_calloc((size_t)(n ? n : 1), sizeof *d->gid1);
    if (!d->hash || !d->gid1) {
        exec_dict_keys_free(d);
        d->null_gid1 = null_gid1;
        return SM_NOMEM;
    }
    sm_keytab_hash(&dict, 1, n, d->hash);
    d->dict = sm_vector_ref(dict);
    return SM_OK;
}

static int dk_null_group(exec_dict_keys *d, sm_keytab *t, sm_type type) {
    sm_vector *nv = sm_vector_new_nulls(type, 1);
    if (!nv) return SM_NOMEM;
    nv->length = 1;
    uint64_t h;
    uint32_t g;
    sm_keytab_hash(&nv, 1, 1, &h);
    int rc = sm_keytab_insert(t, &nv, &h, NULL, 1, &g, NULL);
    sm_vector_unref(nv);
    if (rc == SM_OK) d->null_gid1 = (int64_t)g + 1;
    return rc;
}

int exec_dict_keys_groups(exec_dict_keys *d, sm_keytab *t, sm_vector *key, int64_t n, uint32_t *gids) {
    sm_vector *dict = key->dict;
    if (d->dict != dict) SM_TRY(dk_switch(d, dict));
    const int32_t *codes = key->dict_codes;
    uint32_t ndict = (uint32_t)dict->length;
    for (int64_t i = 0; i < n; i++) {
        if (sm_vector_is_null(key, i)) {
            if (!d->null_gid1) SM_TRY(dk_null_group(d, t, key->type));
            gids[i] = (uint32_t)(d->null_gid1 - 1);
            continue;
        }
        int32_t c = codes[i];
        if ((uint32_t)c >= ndict)
            return sm_err(SM_INTERNAL, "hash aggregate: dictionary code %d out of range (%u entries)", c, ndict);
        uint32_t g1 = d->gid1[c];
        if (!g1) {
            uint32_t g;
            SM_TRY(sm_keytab_insert(t, &dict, d->hash, &c, 1, &g, NULL));
            g1 = d->gid1[c] = g + 1;
        }
        gids[i] = g1 - 1;
    }
    return SM_OK;
}
