/*
 * hashtable.c — sm_keytab: open addressing (linear probing) over group ids,
 * keys stored column-wise (hashtable.h).
 *
 * Layout: `slots` is a power-of-two array of 64-bit words; a word holds the
 * high 32 bits of the key's hash (a tag that rejects almost every mismatch
 * without touching the keys) and gid + 1 (0 marks an empty slot).  The slot
 * index is taken from the low bits of the hash, the merge piece
 * (sm_keytab_piece) from the high bits, so a table that holds one piece
 * still spreads over its slots.
 *
 * Invariants:
 *   1. ngroups <= nslots / 2 (the table doubles before it gets fuller).
 *   2. keys[c] has ngroups rows; hashes[g] is the hash group g was inserted
 *      with.
 *   3. Stored doubles are normalized (-0.0 → 0.0, every NaN → one NaN).
 *   4. DECIMAL keys of one column share one scale (the analyzer casts both
 *      sides of a join / set operation to one decimal type), so the
 *      unscaled 16 bytes are hashed and compared as they are.
 */
#include "exec/hashtable.h"

#include <math.h>
#include <string.h>

#include "common/status.h"
#include "types/decimal.h"

#define HT_NULL_HASH 0x6a09e667f3bcc909ULL
#define HT_SEED 0x243f6a8885a308d3ULL

static inline uint64_t ht_fmix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t ht_combine(uint64_t h, uint64_t v) {
    return ht_fmix(h * 0x9e3779b97f4a7c15ULL + v);
}

static uint64_t ht_bytes(const char *p, int32_t len) {
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)len;
    int32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    if (i < len) memcpy(&w, p + i, (size_t)(len - i));
    h = (h ^ w) * 0x100000001b3ULL;
    return ht_fmix(h);
}

static inline double ht_norm_double(double d) {
    if (d == 0.0) return 0.0;
    if (isnan(d)) return NAN;
    return d;
}

void sm_keytab_hash(sm_vector *const *cols, int ncols, int64_t n, uint64_t *hashes) {
    for (int64_t i = 0; i < n; i++) hashes[i] = HT_SEED;
    for (int c = 0; c < ncols; c++) {
        const sm_vector *v = cols[c];
        if (!v->validity && v->type != SM_NULLTYPE) {
            /* no nulls, integer storage: the same values as below, without
             * the per-row null test and type dispatch */
            switch (sm_type_phys(v->type)) {
            case SM_INT:
            case SM_TINYINT:
            case SM_SMALLINT:
            case SM_INTERVAL_YM:
            case SM_DATE: {
                const int32_t *d = SM_VEC_I32(v);
                for (int64_t i = 0; i < n; i++)
                    hashes[i] = ht_combine(hashes[i], (uint64_t)(int64_t)d[i]);
                continue;
            }
            case SM_BIGINT:
            case SM_TIMESTAMP_NTZ:
            case SM_TIME:
            case SM_INTERVAL_DT:
            case SM_TIMESTAMP: {
                const int64_t *d = SM_VEC_I64(v);
                for (int64_t i = 0; i < n; i++) hashes[i] = ht_combine(hashes[i], (uint64_t)d[i]);
                continue;
            }
            default: break;
            }
        }
        if (v->type == SM_NULLTYPE) {
            for (int64_t i = 0; i < n; i++) hashes[i] = ht_combine(hashes[i], HT_NULL_HASH);
            continue;
        }
        for (int64_t i = 0; i < n; i++) {
            uint64_t vh;
            if (sm_vector_is_null(v, i)) {
                vh = HT_NULL_HASH;
            } else {
                switch (sm_type_phys(v->type)) {
                case SM_BOOLEAN: vh = SM_VEC_BOOL(v)[i]; break;
                case SM_INT:
                case SM_TINYINT:
                case SM_SMALLINT:
                case SM_INTERVAL_YM:
                case SM_DATE: vh = (uint64_t)(int64_t)SM_VEC_I32(v)[i]; break;
                case SM_BIGINT:
                case SM_TIMESTAMP_NTZ:
                case SM_TIME:
                case SM_INTERVAL_DT:
                case SM_TIMESTAMP: vh = (uint64_t)SM_VEC_I64(v)[i]; break;
                case SM_FLOAT:
                case SM_DOUBLE: {
                    double d = ht_norm_double(SM_VEC_F64(v)[i]);
                    memcpy(&vh, &d, 8);
                    break;
                }
                case SM_STRING: {
                    int32_t len;
                    const char *s = sm_vector_str(v, i, &len);
                    vh = ht_bytes(s, len);
                    break;
                }
                case SM_DECIMAL: /* one scale per column: equal values, equal bytes */
                    vh = ht_bytes((const char *)&SM_VEC_DEC(v)[i], 16);
                    break;
                case SM_ARRAY:
                case SM_MAP:
                case SM_STRUCT: vh = sm_vector_hash_row(v, i); break;
                default: vh = 0; break;
                }
            }
            hashes[i] = ht_combine(hashes[i], vh);
        }
    }
}

int sm_keytab_init(sm_keytab *t, int nkeys, const sm_type *types) {
    memset(t, 0, sizeof *t);
    t->nkeys = nkeys;
    t->nslots = 64;
    t->slots = sm_calloc(t->nslots, sizeof *t->slots);
    t->keys = sm_calloc(nkeys > 0 ? (size_t)nkeys : 1, sizeof *t->keys);
    if (!t->slots || !t->keys) {
        sm_keytab_free(t);
        return SM_NOMEM;
    }
    for (int c = 0; c < nkeys; c++) {
        t->keys[c] = sm_vector_new(types[c], 64);
        if (!t->keys[c]) {
            sm_keytab_free(t);
            return SM_NOMEM;
        }
    }
    return SM_OK;
}

void sm_keytab_free(sm_keytab *t) {
    if (t->keys)
        for (int c = 0; c < t->nkeys; c++)
            if (t->keys[c]) sm_vector_unref(t->keys[c]);
    sm_free(t->keys);
    sm_free(t->hashes);
    sm_free(t->slots);
    memset(t, 0, sizeof *t);
}

static int ht_grow_slots(sm_keytab *t) {
    uint64_t n = t->nslots * 2;
    uint64_t *s = sm_calloc(n, sizeof *s);
    if (!s) return SM_NOMEM;
    uint64_t mask = n - 1;
    for (int64_t g = 0; g < t->ngroups; g++) {
        uint64_t h = t->hashes[g];
        uint64_t idx = h & mask;
        while (s[idx]) idx = (idx + 1) & mask;
        s[idx] = (h & 0xffffffff00000000ULL) | (uint64_t)(g + 1);
    }
    sm_free(t->slots);
    t->slots = s;
    t->nslots = n;
    return SM_OK;
}

static inline bool ht_key_eq(const sm_keytab *t, int64_t g, sm_vector *const *cols, int64_t r) {
    for (int c = 0; c < t->nkeys; c++) {
        const sm_vector *a = cols[c], *k = t->keys[c];
        bool na = sm_vector_is_null(a, r), nk = sm_vector_is_null(k, g);
        if (na || nk) {
            if (na != nk) return false;
            continue;
        }
        switch (sm_type_phys(k->type)) {
        case SM_BOOLEAN:
            if (SM_VEC_BOOL(a)[r] != SM_VEC_BOOL(k)[g]) return false;
            break;
        case SM_INT:
        case SM_TINYINT:
        case SM_SMALLINT:
        case SM_INTERVAL_YM:
        case SM_DATE:
            if (SM_VEC_I32(a)[r] != SM_VEC_I32(k)[g]) return false;
            break;
        case SM_BIGINT:
        case SM_TIMESTAMP_NTZ:
        case SM_TIME:
        case SM_INTERVAL_DT:
        case SM_TIMESTAMP:
            if (SM_VEC_I64(a)[r] != SM_VEC_I64(k)[g]) return false;
            break;
        case SM_FLOAT:
        case SM_DOUBLE: {
            double x = SM_VEC_F64(a)[r], y = SM_VEC_F64(k)[g];
            if (!(x == y || (isnan(x) && isnan(y)))) return false;
            break;
        }
        case SM_STRING: {
            int32_t la, lk;
            const char *sa = sm_vector_str(a, r, &la), *sk = sm_vector_str(k, g, &lk);
            if (la != lk || memcmp(sa, sk, (size_t)la) != 0) return false;
            break;
        }
        case SM_DECIMAL:
            if (SM_VEC_DEC(a)[r] != SM_VEC_DEC(k)[g]) return false;
            break;
        case SM_ARRAY:
        case SM_MAP:
        case SM_STRUCT:
            if (!sm_vector_rows_equal(a, r, k, g)) return false;
            break;
        default: break;
        }
    }
    return true;
}

static int ht_append_key(sm_keytab *t, sm_vector *const *cols, int64_t r, uint64_t h) {
    if (t->ngroups == t->cap_groups) {
        int64_t cap = t->cap_groups ? t->cap_groups * 2 : 64;
        uint64_t *nh = sm_realloc(t->hashes, (size_t)cap * sizeof *nh);
        if (!nh) return SM_NOMEM;
        t->hashes = nh;
        t->cap_groups = cap;
    }
    for (int c = 0; c < t->nkeys; c++) {
        sm_vector *k = t->keys[c];
        const sm_vector *a = cols[c];
        int rc;
        if (k->type == SM_DECIMAL && k->precision == 0 && a->type == SM_DECIMAL) {
            k->precision = a->precision; /* the key column's decimal type */
            k->scale = a->scale;
        }
        if ((k->type == SM_DOUBLE || k->type == SM_FLOAT) && !sm_vector_is_null(a, r))
            rc = sm_vector_append_f64(k, ht_norm_double(SM_VEC_F64(a)[r]));
        else if (k->type == SM_NULLTYPE || sm_vector_is_null(a, r))
            rc = sm_vector_append_null(k);
        else
            rc = sm_vector_append_from(k, a, r);
        if (rc != SM_OK) {
            /* roll back the columns already appended so all stay aligned */
            for (int d = 0; d < c; d++) t->keys[d]->length = t->ngroups;
            return rc;
        }
    }
    t->hashes[t->ngroups++] = h;
    return SM_OK;
}

/* sm_keytab_insert for one integer key column without nulls, neither in
 * the input nor among the stored keys: the same probe sequence, group ids
 * and stored keys as the general loop, with the key compared and appended
 * as a T (no per-row type dispatch, null checks or append calls), and the
 * slot and key of the row HT_PREFETCH ahead prefetched (a table of a
 * million groups does not fit in cache: each probe was a miss waited for).
 * Most of dropDuplicates(id) and GROUP BY id is this loop. */
#define HT_PREFETCH 16 /* rows ahead whose slot and key are prefetched */

#define HT_INSERT_INT(NAME, T)                                                                  \
    static int NAME(sm_keytab *t, const sm_vector *col, const uint64_t *hashes,                 \
                    const int32_t *sel, int64_t n, uint32_t *gids, uint8_t *is_new) {           \
        sm_vector *k = t->keys[0];                                                              \
        const T *in = (const T *)col->data;                                                     \
        for (int64_t i = 0; i < n; i++) {                                                       \
            int64_t r = sel ? sel[i] : i;                                                       \
            if (i + HT_PREFETCH < n) { /* a big table's slot is a cache miss: ask early */      \
                int64_t r2 = sel ? sel[i + HT_PREFETCH] : i + HT_PREFETCH;                      \
                __builtin_prefetch(&t->slots[hashes[r2] & (t->nslots - 1)]);                    \
                __builtin_prefetch(&in[r2]);                                                    \
            }                                                                                   \
            if ((uint64_t)(t->ngroups + 1) * 2 > t->nslots) SM_TRY(ht_grow_slots(t));           \
            uint64_t h = hashes[r];                                                             \
            uint64_t mask = t->nslots - 1, tag = h & 0xffffffff00000000ULL;                     \
            uint64_t idx = h & mask;                                                            \
            T x = in[r];                                                                        \
            const T *kd = (const T *)k->data;                                                   \
            for (;;) {                                                                          \
                uint64_t s = t->slots[idx];                                                     \
                if (s == 0) {                                                                   \
                    if (t->ngroups >= 0xfffffffeLL)                                             \
                        return sm_err(SM_UNSUPPORTED,                                           \
                                      "hash table: more than 4 billion groups in one "          \
                                      "partition; raise the number of partitions");             \
                    if (t->ngroups == t->cap_groups) {                                          \
                        int64_t cap = t->cap_groups ? t->cap_groups * 2 : 64;                   \
                        uint64_t *nh = sm_realloc(t->hashes, (size_t)cap * sizeof *nh);         \
                        if (!nh) return SM_NOMEM;                                               \
                        t->hashes = nh;                                                         \
                        t->cap_groups = cap;                                                    \
                    }                                                                           \
                    if (k->length == k->capacity) SM_TRY(sm_vector_reserve(k, k->length + 1));  \
                    ((T *)k->data)[k->length++] = x;                                            \
                    uint32_t g = (uint32_t)t->ngroups;                                          \
                    t->hashes[t->ngroups++] = h;                                                \
                    t->slots[idx] = tag | (uint64_t)(g + 1);                                    \
                    gids[i] = g;                                                                \
                    if (is_new) is_new[i] = 1;                                                  \
                    break;                                                                      \
                }                                                                               \
                if ((s & 0xffffffff00000000ULL) == tag) {                                       \
                    uint32_t g = (uint32_t)(s & 0xffffffffULL) - 1;                             \
                    if (kd[g] == x) {                                                           \
                        gids[i] = g;                                                            \
                        if (is_new) is_new[i] = 0;                                              \
                        break;                                                                  \
                    }                                                                           \
                }                                                                               \
                idx = (idx + 1) & mask;                                                         \
            }                                                                                   \
        }                                                                                       \
        return SM_OK;                                                                           \
    }

HT_INSERT_INT(ht_insert_i32, int32_t)
HT_INSERT_INT(ht_insert_i64, int64_t)

int sm_keytab_insert(sm_keytab *t, sm_vector *const *cols, const uint64_t *hashes,
                     const int32_t *sel, int64_t n, uint32_t *gids, uint8_t *is_new) {
    if (t->nkeys == 1 && !cols[0]->validity && !t->keys[0]->validity && !cols[0]->dict) {
        int w = sm_keytab_int_width(t->keys[0]->type);
        if (w && sm_keytab_int_width(cols[0]->type) == w)
            return w == 4 ? ht_insert_i32(t, cols[0], hashes, sel, n, gids, is_new)
                          : ht_insert_i64(t, cols[0], hashes, sel, n, gids, is_new);
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t r = sel ? sel[i] : i;
        if ((uint64_t)(t->ngroups + 1) * 2 > t->nslots) SM_TRY(ht_grow_slots(t));
        uint64_t h = hashes[r];
        uint64_t mask = t->nslots - 1, tag = h & 0xffffffff00000000ULL;
        uint64_t idx = h & mask;
        for (;;) {
            uint64_t s = t->slots[idx];
            if (s == 0) {
                if (t->ngroups >= 0xfffffffeLL)
                    return sm_err(SM_UNSUPPORTED, "hash table: more than 4 billion groups in one "
                                                  "partition; raise the number of partitions");
                SM_TRY(ht_append_key(t, cols, r, h));
                uint32_t g = (uint32_t)(t->ngroups - 1);
                t->slots[idx] = tag | (uint64_t)(g + 1);
                gids[i] = g;
                if (is_new) is_new[i] = 1;
                break;
            }
            if ((s & 0xffffffff00000000ULL) == tag) {
                uint32_t g = (uint32_t)(s & 0xffffffffULL) - 1;
                if (ht_key_eq(t, g, cols, r)) {
                    gids[i] = g;
                    if (is_new) is_new[i] = 0;
                    break;
                }
            }
            idx = (idx + 1) & mask;
        }
    }
    return SM_OK;
}

int64_t sm_keytab_find(const sm_keytab *t, sm_vector *const *cols, int64_t r, uint64_t hash) {
    uint64_t mask = t->nslots - 1, tag = hash & 0xffffffff00000000ULL;
    for (uint64_t idx = hash & mask;; idx = (idx + 1) & mask) {
        uint64_t s = t->slots[idx];
        if (s == 0) return -1;
        if ((s & 0xffffffff00000000ULL) == tag) {
            uint32_t g = (uint32_t)(s & 0xffffffffULL) - 1;
            if (ht_key_eq(t, g, cols, r)) return g;
        }
    }
}

int sm_keytab_reserve(sm_keytab *t, int64_t ngroups) {
    while ((uint64_t)ngroups * 2 > t->nslots) SM_TRY(ht_grow_slots(t));
    if (ngroups > t->cap_groups) {
        uint64_t *nh = sm_realloc(t->hashes, (size_t)ngroups * sizeof *nh);
        if (!nh) return SM_NOMEM;
        t->hashes = nh;
        t->cap_groups = ngroups;
    }
    for (int c = 0; c < t->nkeys; c++) SM_TRY(sm_vector_reserve(t->keys[c], ngroups));
    return SM_OK;
}
