/*
 * parquet_write.c — one Parquet file, laid out as Spark (parquet-mr 1.13,
 * writer version 1) writes it so that Spark, pyarrow and DuckDB read it
 * back to the same types.
 *
 * Schema (root "spark_schema"; nullable fields OPTIONAL, others REQUIRED):
 *   boolean BOOLEAN; int INT32; bigint INT64; double DOUBLE;
 *   string BYTE_ARRAY STRING (UTF8); date INT32 DATE;
 *   timestamp INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS);
 *   decimal(p,s) INT32 (p <= 9), INT64 (p <= 18), else
 *   FIXED_LEN_BYTE_ARRAY of the fewest bytes holding p digits, big-endian
 *   two's complement — Spark's non-legacy decimal format.
 * The key/value metadata holds Spark's schema JSON under
 * org.apache.spark.sql.parquet.row.metadata and org.apache.spark.version,
 * so Spark restores the exact types and reads dates/timestamps without
 * calendar rebasing.
 *
 * Algorithm: rows are buffered per column chunk.  Each chunk accumulates
 * the current page's definition levels and values; values go through a
 * dictionary (a hash table over the distinct values, PLAIN_DICTIONARY as
 * parquet-mr v1 writes it) until the dictionary's PLAIN size passes
 * dict_page_bytes, then the chunk falls back to PLAIN for its remaining
 * pages (pages already written stay dictionary-encoded, as in parquet-mr).
 * A chunk whose values are nearly all distinct falls back early: at each
 * power of two from PQW_DICT_PROBE values, when more than 3/4 of the values
 * seen are distinct the dictionary cannot pay for itself (an id, a
 * timestamp), and building it to 1 MiB only to drop it cost most of the
 * writer's time (a cache miss per value).
 * A page is cut when its estimated size reaches page_bytes: levels as
 * RLE/bit-packed hybrid with a 4-byte length, values PLAIN or 1 byte of bit
 * width + RLE hybrid indices; then compressed.  A row group is flushed when
 * the buffered chunks reach row_group_bytes, and at close: the dictionary
 * page first, then the data pages, with statistics (min/max, null count)
 * per chunk.  The footer follows the last row group.
 *
 * Memory: everything buffered belongs to the writer; a row group's bytes
 * (compressed) are held until it is flushed, like parquet-mr.  One writer
 * is used by one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/status.h"
#include "formats/parquet.h"
#include "formats/parquet_nested.h"
#include "types/decimal.h"

#define PQW_MAX_STAT 4096 /* parquet-mr drops binary statistics larger than this */
#define PQW_LOOKAHEAD 8 /* rows between a dictionary slot's prefetch and its lookup */
#define PQW_DICT_PROBE 16384 /* values before the first "mostly distinct?" check */

/* A dictionary hash-table slot: key = the hash's high 32 bits << 32 | entry
 * index + 1 (0 = empty; the tag skips most key comparisons, and indexes the
 * table so rehashing needs no key); val = the value itself when it has at
 * most 8 bytes and a fixed width (compared without touching the dictionary),
 * else the entry's offset in the dictionary buffer.  16 bytes: a probe hit
 * on a short value costs one cache line. */
typedef struct {
    uint64_t key;
    uint64_t val;
} pqw_slot;

/* ---- options ----------------------------------------------------------------- */

static int parse_size(const char *key, const char *v, int64_t *out) {
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x <= 0)
        return sm_err(SM_INVALID, "Parquet option %s must be a positive number of bytes, not '%s'", key, v);
    *out = x;
    return SM_OK;
}

int parquet_write_opts_parse(const char *const *kv, parquet_write_opts *o) {
    memset(o, 0, sizeof *o);
    o->codec = PQ_CODEC_SNAPPY;
    o->row_group_bytes = 128LL << 20;
    o->page_bytes = 1LL << 20;
    o->dict_page_bytes = 1LL << 20;
    o->dictionary = true;
    o->write_stats = true;
    for (int i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
        const char *k = kv[i], *v = kv[i + 1];
        if (!strcasecmp(k, "compression") || !strcasecmp(k, "parquet.compression") ||
            !strcasecmp(k, "codec")) {
            static const struct { const char *name; int codec; } names[] = {
                {"none", PQ_CODEC_UNCOMPRESSED}, {"uncompressed", PQ_CODEC_UNCOMPRESSED},
                {"snappy", PQ_CODEC_SNAPPY},     {"gzip", PQ_CODEC_GZIP},
                {"zstd", PQ_CODEC_ZSTD},         {"lz4", PQ_CODEC_LZ4},
                {"lz4_raw", PQ_CODEC_LZ4_RAW},   {"brotli", PQ_CODEC_BROTLI}};
            int found = -1;
            for (size_t n = 0; n < sizeof names / sizeof *names; n++)
                if (!strcasecmp(v, names[n].name)) found = names[n].codec;
            if (found < 0)
                return sm_err(SM_INVALID,
                              "Codec [%s] is not available. Available codecs are brotli, uncompressed, "
                              "lz4, gzip, lz4_raw, snappy, none, zstd.",
                              v);
            o->codec = found;
        } else if (!strcasecmp(k, "parquet.block.size") || !strcasecmp(k, "rowGroupSize")) {
            SM_TRY(parse_size(k, v, &o->row_group_bytes));
        } else if (!strcasecmp(k, "parquet.page.size") || !strcasecmp(k, "pageSize")) {
            SM_TRY(parse_size(k, v, &o->page_bytes));
        } else if (!strcasecmp(k, "parquet.dictionary.page.size")) {
            SM_TRY(parse_size(k, v, &o->dict_page_bytes));
        } else if (!strcasecmp(k, "parquet.enable.dictionary")) {
            if (!strcasecmp(v, "true")) o->dictionary = true;
            else if (!strcasecmp(v, "false")) o->dictionary = false;
            else return sm_err(SM_INVALID, "Parquet option %s must be true or false, not '%s'", k, v);
        } else if (!strcasecmp(k, "parquet.compression.codec.zstd.level")) {
            o->level = atoi(v);
        }
    }
    return SM_OK;
}

const char *parquet_write_extension(const parquet_write_opts *o) {
    switch (o->codec) {
    case PQ_CODEC_SNAPPY: return ".snappy.parquet";
    case PQ_CODEC_GZIP: return ".gz.parquet";
    case PQ_CODEC_ZSTD: return ".zstd.parquet";
    case PQ_CODEC_LZ4: return ".lz4hadoop.parquet";
    case PQ_CODEC_LZ4_RAW: return ".lz4raw.parquet";
    case PQ_CODEC_BROTLI: return ".br.parquet";
    default: return ".parquet";
    }
}

/* ---- column chunks ------------------------------------------------------------ */

typedef struct {
    const sm_field *field;
    int ptype, type_len;
    bool optional;
    /* current page */
    uint32_t *levels;
    int64_t nlevels, levels_cap;
    uint32_t *ids;            /* dictionary indices of the page's values */
    int64_t nids, ids_cap;
    sm_buf plain;             /* PLAIN values of the page (fallback / no dictionary) */
    uint8_t *bools;           /* booleans of the page (one byte each) */
    int64_t nbools, bools_cap;
    int64_t page_values;      /* non-null values in the page */
    int64_t dict_values;      /* values looked up in the chunk's dictionary */
    /* dictionary */
    bool use_dict;
    sm_buf dict;              /* PLAIN encoding of the dictionary values */
    int64_t *dict_off;        /* offset of entry i in dict */
    int64_t ndict, dict_off_cap;
    pqw_slot *table;          /* open addressing over the dictionary entries */
    int64_t table_cap;
    /* the chunk */
    sm_buf pages;             /* compressed data pages (headers included) */
    int64_t uncompressed;     /* total_uncompressed_size of data pages */
    int64_t num_values, null_count;
    int ndict_pages, nplain_pages;
    bool has_minmax;
    uint8_t min[PQW_MAX_STAT], max[PQW_MAX_STAT];
    int32_t min_len, max_len;
    bool stats_ok;            /* false once a value was too long for statistics */
    /* leaves of nested columns (parquet_nested.c shreds the values) */
    int max_def, max_rep;     /* flat columns: optional, 0 */
    uint32_t *reps;           /* the page's repetition levels */
    int64_t reps_cap;
    const char **path;        /* path_in_schema */
    int npath;
    sm_field leaf_field;      /* the leaf's scalar type (field points here) */
} pqw_col;

typedef struct {
    const sm_field *field;
    pqn_node *node;           /* nested columns: the tree; NULL for flat ones */
    int first;                /* its first leaf in cols */
} pqw_top;

struct parquet_writer {
    char *path;
    FILE *fp;
    int64_t offset;           /* bytes written so far */
    const sm_schema *schema;
    const parquet_write_opts *opts;
    int ncols;                /* leaves */
    pqw_col *cols;
    int ntop;                 /* the schema's columns */
    pqw_top *top;
    int64_t rg_rows;          /* rows in the current row group */
    sm_arena *arena;          /* footer structures */
    pq_row_group *rgs;
    int nrgs, rgs_cap;
    int64_t total_rows;
    sm_buf scratch, comp;     /* page assembly, compression */
};

static int dec_bytes(int precision) {
    /* Spark's Decimal.minBytesForPrecision */
    int n = 1;
    while (n < 16 && sm_dec_pow10(precision) > ((__int128)1 << (8 * n - 1))) n++;
    return n;
}

static int physical(const sm_field *f, int *ptype, int *len) {
    *len = 0;
    switch (f->type) {
    case SM_BOOLEAN: *ptype = PQ_BOOLEAN; return SM_OK;
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: *ptype = PQ_INT32; return SM_OK;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_TIMESTAMP: *ptype = PQ_INT64; return SM_OK;
    case SM_DOUBLE: *ptype = PQ_DOUBLE; return SM_OK;
    case SM_FLOAT: *ptype = PQ_FLOAT; return SM_OK;
    case SM_STRING: *ptype = PQ_BYTE_ARRAY; return SM_OK;
    case SM_BINARY: *ptype = PQ_BYTE_ARRAY; return SM_OK; /* no annotation */
    case SM_DECIMAL:
        if (f->precision <= 9) *ptype = PQ_INT32;
        else if (f->precision <= 18) *ptype = PQ_INT64;
        else {
            *ptype = PQ_FIXED_LEN_BYTE_ARRAY;
            *len = dec_bytes(f->precision);
        }
        return SM_OK;
    default:
        return sm_err(SM_UNSUPPORTED,
                      "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Parquet datasource doesn't support the "
                      "column `%s` of the type \"%s\".",
                      f->name, f->type == SM_NULLTYPE ? "VOID" : sm_type_name(f->type));
    }
}

static int grow_u32(uint32_t **a, int64_t *cap, int64_t need) {
    if (need <= *cap) return SM_OK;
    int64_t c = *cap ? *cap * 2 : 1024;
    while (c < need) c *= 2;
    uint32_t *n = sm_realloc(*a, (size_t)c * sizeof **a);
    if (!n) return SM_NOMEM;
    *a = n;
    *cap = c;
    return SM_OK;
}

/* The PLAIN bytes of row `row` of v for column c into buf (fixed types) or
 * as a pointer/length (strings). */
static void value_bytes(const pqw_col *c, const sm_vector *v, int64_t row, uint8_t *buf, const uint8_t **p,
                        int32_t *n) {
    switch (c->field->type) {
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: memcpy(buf, &SM_VEC_I32(v)[row], 4); *n = 4; break;
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIMESTAMP: memcpy(buf, &SM_VEC_I64(v)[row], 8); *n = 8; break;
    case SM_TIME: { /* TIME(MICROS): nanoseconds since midnight / 1000 */
        int64_t us = SM_VEC_I64(v)[row] / 1000;
        memcpy(buf, &us, 8);
        *n = 8;
        break;
    }
    case SM_DOUBLE: memcpy(buf, &SM_VEC_F64(v)[row], 8); *n = 8; break;
    case SM_FLOAT: {
        float f = (float)SM_VEC_F64(v)[row];
        memcpy(buf, &f, 4);
        *n = 4;
        break;
    }
    case SM_DECIMAL: {
        __int128 x = SM_VEC_DEC(v)[row];
        if (c->ptype == PQ_INT32) {
            int32_t y = (int32_t)x;
            memcpy(buf, &y, 4);
            *n = 4;
        } else if (c->ptype == PQ_INT64) {
            int64_t y = (int64_t)x;
            memcpy(buf, &y, 8);
            *n = 8;
        } else {
            for (int i = 0; i < c->type_len; i++) buf[c->type_len - 1 - i] = (uint8_t)(x >> (8 * i));
            *n = c->type_len;
        }
        break;
    }
    case SM_STRING:
    case SM_BINARY: {
        const char *s = sm_vector_str(v, row, n);
        *p = (const uint8_t *)s;
        return;
    }
    default: *n = 0; break;
    }
    *p = buf;
}

/* Order of two values' PLAIN bytes (statistics): signed for numbers,
 * unsigned lexicographic for strings. */
static int cmp_values(const pqw_col *c, const uint8_t *a, int32_t na, const uint8_t *b, int32_t nb) {
    switch (c->field->type) {
    case SM_BOOLEAN: return (int)a[0] - (int)b[0];
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: {
        int32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x < y ? -1 : x > y;
    }
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_TIMESTAMP: {
        int64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x < y ? -1 : x > y;
    }
    case SM_DOUBLE: {
        double x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x < y ? -1 : x > y;
    }
    case SM_FLOAT: {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x < y ? -1 : x > y;
    }
    case SM_DECIMAL: {
        if (c->ptype == PQ_INT32) {
            int32_t x, y;
            memcpy(&x, a, 4);
            memcpy(&y, b, 4);
            return x < y ? -1 : x > y;
        }
        if (c->ptype == PQ_INT64) {
            int64_t x, y;
            memcpy(&x, a, 8);
            memcpy(&y, b, 8);
            return x < y ? -1 : x > y;
        }
        /* big-endian two's complement of equal length: flip the sign bit */
        for (int i = 0; i < na; i++) {
            int x = a[i], y = b[i];
            if (i == 0) {
                x ^= 0x80;
                y ^= 0x80;
            }
            if (x != y) return x - y;
        }
        return 0;
    }
    default: {
        int32_t m = na < nb ? na : nb;
        int r = m ? memcmp(a, b, (size_t)m) : 0;
        return r ? r : (na > nb) - (na < nb);
    }
    }
}

static void update_stats(pqw_col *c, const uint8_t *p, int32_t n) {
    if (!c->stats_ok) return;
    if (c->field->type == SM_DOUBLE) {
        double d;
        memcpy(&d, p, 8);
        if (isnan(d)) return; /* NaN is left out of min/max (parquet-format's rule) */
    }
    if (c->field->type == SM_FLOAT) {
        float f;
        memcpy(&f, p, 4);
        if (isnan(f)) return;
    }
    if (n > PQW_MAX_STAT) {
        c->stats_ok = false;
        c->has_minmax = false;
        return;
    }
    if (!c->has_minmax) {
        memcpy(c->min, p, (size_t)n);
        memcpy(c->max, p, (size_t)n);
        c->min_len = c->max_len = n;
        c->has_minmax = true;
        return;
    }
    if (cmp_values(c, p, n, c->min, c->min_len) < 0) {
        memcpy(c->min, p, (size_t)n);
        c->min_len = n;
    }
    if (cmp_values(c, p, n, c->max, c->max_len) > 0) {
        memcpy(c->max, p, (size_t)n);
        c->max_len = n;
    }
}

/* 8 bytes at a time, each word mixed with murmur3's finalizer: every input
 * bit reaches the low bits the table masks with (byte-wise FNV left the low
 * bits depending on the low bits of each byte only, and long probe chains). */
static inline uint64_t hash_mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

static uint64_t hash_bytes(const uint8_t *p, int32_t n) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = hash_mix(h ^ w) + 0x9e3779b97f4a7c15ull;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, p + i, (size_t)(n - i));
        h = hash_mix(h ^ w ^ ((uint64_t)(n - i) << 59));
    } else if (n == 0) {
        h = hash_mix(h);
    }
    return h;
}

/* The dictionary entry's value bytes. */
static const uint8_t *dict_entry(const pqw_col *c, int64_t i, int32_t *n) {
    const uint8_t *p = (const uint8_t *)c->dict.data + c->dict_off[i];
    if (c->ptype == PQ_BYTE_ARRAY) {
        uint32_t len;
        memcpy(&len, p, 4);
        *n = (int32_t)len;
        return p + 4;
    }
    *n = (int32_t)((i + 1 < c->ndict ? c->dict_off[i + 1] : (int64_t)c->dict.len) - c->dict_off[i]);
    return p;
}

static int dict_rehash(pqw_col *c, int64_t cap) {
    pqw_slot *t = sm_calloc((size_t)cap, sizeof *t);
    if (!t) return SM_NOMEM;
    for (int64_t j = 0; j < c->table_cap; j++) {
        pqw_slot e = c->table[j];
        if (!e.key) continue;
        uint64_t h = (e.key >> 32) & (uint64_t)(cap - 1);
        while (t[h].key) h = (h + 1) & (uint64_t)(cap - 1);
        t[h] = e;
    }
    sm_free(c->table);
    c->table = t;
    c->table_cap = cap;
    return SM_OK;
}

/* Index of the value in the dictionary, adding it when new. */
static int dict_lookup(pqw_col *c, const uint8_t *p, int32_t n, uint32_t *out) {
    if ((c->ndict + 1) * 2 > c->table_cap) SM_TRY(dict_rehash(c, c->table_cap ? c->table_cap * 2 : 1024));
    uint64_t mask = (uint64_t)(c->table_cap - 1);
    uint64_t hash = hash_bytes(p, n), tag = hash >> 32;
    bool inline_val = c->ptype != PQ_BYTE_ARRAY && n <= 8;
    uint64_t val = 0;
    if (inline_val) memcpy(&val, p, (size_t)n);
    uint64_t h = tag & mask;
    while (c->table[h].key) {
        pqw_slot *slot = &c->table[h];
        if ((slot->key >> 32) == tag) {
            int64_t i = (int64_t)(uint32_t)slot->key - 1;
            if (inline_val) {
                if (slot->val == val) {
                    *out = (uint32_t)i;
                    return SM_OK;
                }
            } else {
                const uint8_t *e = (const uint8_t *)c->dict.data + slot->val;
                int32_t en = n;
                if (c->ptype == PQ_BYTE_ARRAY) {
                    uint32_t len;
                    memcpy(&len, e, 4);
                    en = (int32_t)len;
                    e += 4;
                }
                if (en == n && memcmp(e, p, (size_t)n) == 0) {
                    *out = (uint32_t)i;
                    return SM_OK;
                }
            }
        }
        h = (h + 1) & mask;
    }
    if (c->ndict + 1 > c->dict_off_cap) {
        int64_t cap = c->dict_off_cap ? c->dict_off_cap * 2 : 1024;
        int64_t *o = sm_realloc(c->dict_off, (size_t)cap * sizeof *o);
        if (!o) return SM_NOMEM;
        c->dict_off = o;
        c->dict_off_cap = cap;
    }
    c->dict_off[c->ndict] = (int64_t)c->dict.len;
    if (c->ptype == PQ_BYTE_ARRAY) {
        uint32_t len = (uint32_t)n;
        SM_TRY(sm_buf_append(&c->dict, &len, 4));
    }
    SM_TRY(sm_buf_append(&c->dict, p, (size_t)n));
    c->table[h].key = tag << 32 | (uint64_t)(c->ndict + 1);
    c->table[h].val = inline_val ? val : (uint64_t)c->dict_off[c->ndict];
    *out = (uint32_t)c->ndict++;
    return SM_OK;
}

/* ---- pages ----------------------------------------------------------------------- */

static int emit(parquet_writer *w, const void *p, size_t n) {
    if (n && fwrite(p, 1, n, w->fp) != n)
        return sm_err(SM_IO, "writing %s: %s", w->path, strerror(errno));
    w->offset += (int64_t)n;
    return SM_OK;
}

/* Compresses body and appends header + compressed bytes to `dst`. */
static int put_page(parquet_writer *w, pq_page_header *h, const uint8_t *body, size_t n, sm_buf *dst,
                    int64_t *uncompressed) {
    SM_TRY(pq_compress(w->opts->codec, w->opts->level, body, n, &w->comp));
    if (n > INT32_MAX || w->comp.len > INT32_MAX)
        return sm_err(SM_UNSUPPORTED, "writing %s: a Parquet page larger than 2 GiB", w->path);
    h->uncompressed_page_size = (int32_t)n;
    h->compressed_page_size = (int32_t)w->comp.len;
    size_t before = dst->len;
    SM_TRY(pq_encode_page_header(h, dst));
    *uncompressed += (int64_t)(dst->len - before) + (int64_t)n;
    return sm_buf_append(dst, w->comp.data ? w->comp.data : "", w->comp.len);
}

static int flush_page(parquet_writer *w, pqw_col *c) {
    if (c->nlevels == 0) return SM_OK;
    sm_buf *b = &w->scratch;
    b->len = 0;
    if (c->max_rep > 0) {
        SM_TRY(sm_buf_append(b, "\0\0\0\0", 4));
        size_t at = b->len;
        SM_TRY(pq_rle_encode(c->reps, c->nlevels, pq_bit_width((uint64_t)c->max_rep), b));
        uint32_t len = (uint32_t)(b->len - at);
        memcpy(b->data + at - 4, &len, 4);
    }
    if (c->max_def > 0) {
        SM_TRY(sm_buf_append(b, "\0\0\0\0", 4));
        size_t at = b->len;
        SM_TRY(pq_rle_encode(c->levels, c->nlevels, pq_bit_width((uint64_t)c->max_def), b));
        uint32_t len = (uint32_t)(b->len - at);
        memcpy(b->data + at - 4, &len, 4);
    }
    int encoding = PQ_ENC_PLAIN;
    if (c->field->type == SM_BOOLEAN) {
        size_t nbytes = (size_t)(c->nbools + 7) / 8;
        SM_TRY(sm_buf_reserve(b, nbytes));
        uint8_t *dst = (uint8_t *)b->data + b->len;
        memset(dst, 0, nbytes);
        for (int64_t i = 0; i < c->nbools; i++)
            if (c->bools[i]) dst[i >> 3] |= (uint8_t)(1u << (i & 7));
        b->len += nbytes;
    } else if (c->use_dict && c->nids == c->page_values) {
        encoding = PQ_ENC_PLAIN_DICTIONARY;
        int bw = pq_bit_width(c->ndict > 0 ? (uint64_t)(c->ndict - 1) : 0);
        SM_TRY(sm_buf_putc(b, (char)bw));
        SM_TRY(pq_rle_encode(c->ids, c->nids, bw, b));
        c->ndict_pages++;
    } else {
        SM_TRY(sm_buf_append(b, c->plain.data ? c->plain.data : "", c->plain.len));
        c->nplain_pages++;
    }
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = PQ_PAGE_DATA;
    h.has_data = true;
    h.data.num_values = (int32_t)c->nlevels;
    h.data.encoding = encoding;
    h.data.def_encoding = PQ_ENC_RLE;
    h.data.rep_encoding = PQ_ENC_RLE;
    SM_TRY(put_page(w, &h, (const uint8_t *)b->data, b->len, &c->pages, &c->uncompressed));
    c->num_values += c->nlevels;
    c->nlevels = c->nids = c->nbools = c->page_values = 0;
    c->plain.len = 0;
    return SM_OK;
}

/* Falls back from the dictionary to PLAIN: the current page's values are
 * re-encoded PLAIN (it has not been written yet). */
static int dict_fallback(pqw_col *c) {
    c->plain.len = 0;
    for (int64_t i = 0; i < c->nids; i++) {
        int32_t n;
        const uint8_t *p = dict_entry(c, c->ids[i], &n);
        if (c->ptype == PQ_BYTE_ARRAY) {
            uint32_t len = (uint32_t)n;
            SM_TRY(sm_buf_append(&c->plain, &len, 4));
        }
        SM_TRY(sm_buf_append(&c->plain, p, (size_t)n));
    }
    c->nids = 0;
    c->use_dict = false;
    return SM_OK;
}

static int64_t page_estimate(const pqw_col *c) {
    int64_t values = c->use_dict ? c->nids * 4 : (int64_t)c->plain.len;
    if (c->field->type == SM_BOOLEAN) values = c->nbools / 8;
    return values + (c->max_def > 0 ? c->nlevels / 8 : 0) + (c->max_rep > 0 ? c->nlevels / 8 : 0);
}

/* One non-null value of row `row` of v into the page. */
static int add_value(parquet_writer *w, pqw_col *c, const sm_vector *v, int64_t row) {
    uint8_t tmp[32];
    c->page_values++;
    if (c->field->type == SM_BOOLEAN) {
        if (c->nbools + 1 > c->bools_cap) {
            int64_t cap = c->bools_cap ? c->bools_cap * 2 : 1024;
            uint8_t *nb = sm_realloc(c->bools, (size_t)cap);
            if (!nb) return SM_NOMEM;
            c->bools = nb;
            c->bools_cap = cap;
        }
        uint8_t bv[8] = {SM_VEC_BOOL(v)[row] ? 1 : 0};
        c->bools[c->nbools++] = bv[0];
        if (w->opts->write_stats) update_stats(c, bv, 1);
        return SM_OK;
    }
    const uint8_t *p;
    int32_t n;
    value_bytes(c, v, row, tmp, &p, &n);
    if (w->opts->write_stats) update_stats(c, p, n);
    if (c->use_dict) {
        SM_TRY(grow_u32(&c->ids, &c->ids_cap, c->nids + 1));
        SM_TRY(dict_lookup(c, p, n, &c->ids[c->nids++]));
        if ((int64_t)c->dict.len > w->opts->dict_page_bytes) SM_TRY(dict_fallback(c));
        return SM_OK;
    }
    if (c->ptype == PQ_BYTE_ARRAY) {
        uint32_t len = (uint32_t)n;
        SM_TRY(sm_buf_append(&c->plain, &len, 4));
    }
    return sm_buf_append(&c->plain, p, (size_t)n);
}

/* parquet_nested.c's emitter: one (rep, def) pair of a leaf. */
static int emit_level(void *ctx, const pqn_node *leaf, int rep, int def, const sm_vector *v, int64_t row) {
    parquet_writer *w = ctx;
    pqw_col *c = &w->cols[leaf->leaf];
    SM_TRY(grow_u32(&c->levels, &c->levels_cap, c->nlevels + 1));
    SM_TRY(grow_u32(&c->reps, &c->reps_cap, c->nlevels + 1));
    c->reps[c->nlevels] = (uint32_t)rep;
    c->levels[c->nlevels++] = (uint32_t)def;
    if (def == c->max_def && v) return add_value(w, c, v, row);
    c->null_count++;
    return SM_OK;
}

/* Rows [at, at + n) of a nested column; pages are cut between records. */
static int add_nested(parquet_writer *w, const pqw_top *t, const sm_vector *v, int64_t at, int64_t n) {
    for (int64_t row = at; row < at + n; row++) {
        int rc = pqn_shred(t->node, v, row, emit_level, w);
        if (rc) return sm_err_prefix(rc, "writing %s, column `%s`: ", w->path, t->field->name);
        for (int l = t->first; l < t->first + t->node->nleaves; l++)
            if (page_estimate(&w->cols[l]) >= w->opts->page_bytes) SM_TRY(flush_page(w, &w->cols[l]));
    }
    return SM_OK;
}

static int add_column(parquet_writer *w, pqw_col *c, const sm_vector *v, int64_t nrows) {
    SM_TRY(grow_u32(&c->levels, &c->levels_cap, c->nlevels + nrows));
    if (c->use_dict) SM_TRY(grow_u32(&c->ids, &c->ids_cap, c->nids + nrows));
    if (c->field->type == SM_BOOLEAN && c->nbools + nrows > c->bools_cap) {
        int64_t cap = c->bools_cap ? c->bools_cap : 1024;
        while (cap < c->nbools + nrows) cap *= 2;
        uint8_t *nb = sm_realloc(c->bools, (size_t)cap);
        if (!nb) return SM_NOMEM;
        c->bools = nb;
        c->bools_cap = cap;
    }
    uint8_t tmp[32];
    bool prefetch = c->use_dict && c->field->type != SM_BOOLEAN && v->type != SM_NULLTYPE;
    for (int64_t row = 0; row < nrows; row++) {
        /* hash a value PQW_LOOKAHEAD rows ahead and prefetch its slot: the
         * dictionary lookups are otherwise bound by cache misses */
        if (prefetch && c->use_dict && row + PQW_LOOKAHEAD < nrows && c->table &&
            !sm_vector_is_null(v, row + PQW_LOOKAHEAD)) {
            uint8_t ahead[32];
            const uint8_t *ap;
            int32_t an;
            value_bytes(c, v, row + PQW_LOOKAHEAD, ahead, &ap, &an);
            __builtin_prefetch(&c->table[(hash_bytes(ap, an) >> 32) & (uint64_t)(c->table_cap - 1)]);
        }
        bool null = v->type == SM_NULLTYPE || sm_vector_is_null(v, row);
        if (null && !c->optional)
            return sm_err(SM_INVALID, "writing %s: column `%s` is not nullable but row %lld is null", w->path,
                          c->field->name, (long long)row);
        c->levels[c->nlevels++] = null ? 0 : 1;
        if (null) {
            c->null_count++;
            continue;
        }
        c->page_values++;
        if (c->field->type == SM_BOOLEAN) {
            uint8_t bv[8] = {SM_VEC_BOOL(v)[row] ? 1 : 0};
            c->bools[c->nbools++] = bv[0];
            if (w->opts->write_stats) update_stats(c, bv, 1);
        } else {
            const uint8_t *p;
            int32_t n;
            value_bytes(c, v, row, tmp, &p, &n);
            if (w->opts->write_stats) update_stats(c, p, n);
            if (c->use_dict) {
                SM_TRY(dict_lookup(c, p, n, &c->ids[c->nids++]));
                int64_t seen = ++c->dict_values;
                if ((int64_t)c->dict.len > w->opts->dict_page_bytes ||
                    (seen >= PQW_DICT_PROBE && (seen & (seen - 1)) == 0 && c->ndict * 4 > seen * 3))
                    SM_TRY(dict_fallback(c));
            } else {
                if (c->ptype == PQ_BYTE_ARRAY) {
                    uint32_t len = (uint32_t)n;
                    SM_TRY(sm_buf_append(&c->plain, &len, 4));
                }
                SM_TRY(sm_buf_append(&c->plain, p, (size_t)n));
            }
        }
        if ((row & 127) == 127 && page_estimate(c) >= w->opts->page_bytes) SM_TRY(flush_page(w, c));
    }
    return SM_OK;
}

/* ---- row groups and the footer ------------------------------------------------- */

static int64_t buffered_bytes(const parquet_writer *w) {
    int64_t n = 0;
    for (int i = 0; i < w->ncols; i++) {
        const pqw_col *c = &w->cols[i];
        n += (int64_t)c->pages.len + (int64_t)c->dict.len + page_estimate(c);
    }
    return n;
}

static pq_bytes stat_bytes(parquet_writer *w, const uint8_t *p, int32_t n) {
    pq_bytes b = {NULL, 0};
    uint8_t *c = sm_arena_alloc(w->arena, (size_t)(n ? n : 1));
    if (!c) return b;
    memcpy(c, p, (size_t)n);
    b.bytes = c;
    b.len = n;
    return b;
}

static int flush_row_group(parquet_writer *w) {
    if (w->rg_rows == 0) return SM_OK;
    if (w->nrgs == w->rgs_cap) {
        int cap = w->rgs_cap ? w->rgs_cap * 2 : 8;
        pq_row_group *n = sm_realloc(w->rgs, (size_t)cap * sizeof *n);
        if (!n) return SM_NOMEM;
        w->rgs = n;
        w->rgs_cap = cap;
    }
    pq_row_group *rg = &w->rgs[w->nrgs];
    memset(rg, 0, sizeof *rg);
    rg->columns = sm_arena_alloc(w->arena, (size_t)(w->ncols ? w->ncols : 1) * sizeof *rg->columns);
    if (!rg->columns) return SM_NOMEM;
    rg->ncolumns = w->ncols;
    rg->num_rows = w->rg_rows;
    rg->file_offset = w->offset;
    rg->has_file_offset = true;
    int64_t start = w->offset;
    for (int i = 0; i < w->ncols; i++) {
        pqw_col *c = &w->cols[i];
        SM_TRY(flush_page(w, c));
        pq_column_chunk *cc = &rg->columns[i];
        pq_column_meta *m = &cc->meta;
        memset(cc, 0, sizeof *cc);
        cc->has_meta = true;
        m->type = c->ptype;
        m->codec = w->opts->codec;
        m->num_values = c->num_values;
        m->path = (char **)c->path;
        m->encodings = sm_arena_alloc(w->arena, 4 * sizeof(int));
        if (!m->encodings) return SM_NOMEM;
        m->npath = c->npath;
        int64_t chunk_start = w->offset, uncompressed = 0;
        if (c->ndict_pages > 0) {
            pq_page_header h;
            memset(&h, 0, sizeof h);
            h.type = PQ_PAGE_DICTIONARY;
            h.has_dict = true;
            h.dict.num_values = (int32_t)c->ndict;
            h.dict.encoding = PQ_ENC_PLAIN_DICTIONARY;
            w->scratch.len = 0;
            SM_TRY(put_page(w, &h, (const uint8_t *)(c->dict.data ? c->dict.data : ""), c->dict.len, &w->scratch,
                            &uncompressed));
            SM_TRY(emit(w, w->scratch.data, w->scratch.len));
            m->dictionary_page_offset = chunk_start;
            m->has_dictionary_page_offset = true;
        }
        m->data_page_offset = w->offset;
        SM_TRY(emit(w, c->pages.data, c->pages.len));
        m->total_compressed_size = w->offset - chunk_start;
        m->total_uncompressed_size = uncompressed + c->uncompressed;
        int ne = 0;
        if (c->ndict_pages) m->encodings[ne++] = PQ_ENC_PLAIN_DICTIONARY;
        if (c->nplain_pages || c->field->type == SM_BOOLEAN) m->encodings[ne++] = PQ_ENC_PLAIN;
        m->encodings[ne++] = PQ_ENC_RLE;
        m->encodings[ne++] = PQ_ENC_BIT_PACKED;
        m->nencodings = ne;
        cc->file_offset = chunk_start;
        if (w->opts->write_stats) {
            m->has_stats = true;
            m->stats.has_null_count = true;
            m->stats.null_count = c->null_count;
            if (c->has_minmax) {
                uint8_t lo[PQW_MAX_STAT], hi[PQW_MAX_STAT];
                memcpy(lo, c->min, (size_t)c->min_len);
                memcpy(hi, c->max, (size_t)c->max_len);
                if (c->field->type == SM_DOUBLE) {
                    /* parquet-format: a zero min is written -0.0, a zero max +0.0 */
                    double d;
                    memcpy(&d, lo, 8);
                    if (d == 0) { d = -0.0; memcpy(lo, &d, 8); }
                    memcpy(&d, hi, 8);
                    if (d == 0) { d = 0.0; memcpy(hi, &d, 8); }
                }
                if (c->field->type == SM_FLOAT) {
                    float f;
                    memcpy(&f, lo, 4);
                    if (f == 0) { f = -0.0f; memcpy(lo, &f, 4); }
                    memcpy(&f, hi, 4);
                    if (f == 0) { f = 0.0f; memcpy(hi, &f, 4); }
                }
                m->stats.min_value = stat_bytes(w, lo, c->min_len);
                m->stats.max_value = stat_bytes(w, hi, c->max_len);
                if (sm_type_phys(c->field->type) != SM_STRING) {
                    m->stats.min = m->stats.min_value;
                    m->stats.max = m->stats.max_value;
                }
            }
        }
        /* reset the chunk */
        c->pages.len = 0;
        c->dict.len = 0;
        c->ndict = 0;
        if (c->table) memset(c->table, 0, (size_t)c->table_cap * sizeof *c->table);
        c->use_dict = w->opts->dictionary && c->field->type != SM_BOOLEAN;
        c->uncompressed = c->num_values = c->null_count = 0;
        c->ndict_pages = c->nplain_pages = 0;
        c->dict_values = 0;
        c->has_minmax = false;
        c->stats_ok = true;
    }
    rg->total_byte_size = 0;
    for (int i = 0; i < w->ncols; i++) rg->total_byte_size += rg->columns[i].meta.total_uncompressed_size;
    rg->total_compressed_size = w->offset - start;
    rg->has_total_compressed_size = true;
    w->nrgs++;
    w->total_rows += w->rg_rows;
    w->rg_rows = 0;
    return SM_OK;
}

static void json_str(sm_buf *b, const char *s) {
    sm_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') sm_buf_appendf(b, "\\%c", ch);
        else if (ch < 0x20) sm_buf_appendf(b, "\\u%04x", ch);
        else sm_buf_putc(b, (char)ch);
    }
    sm_buf_putc(b, '"');
}

/* Spark's DataType.json of a type. */
static void json_type(sm_buf *b, sm_type id, int precision, int scale, const sm_dtype *dt) {
    if (dt && id == SM_ARRAY) {
        sm_buf_appendf(b, "{\"type\":\"array\",\"elementType\":");
        json_type(b, dt->elem->id, dt->elem->precision, dt->elem->scale, dt->elem);
        sm_buf_appendf(b, ",\"containsNull\":%s}", dt->contains_null ? "true" : "false");
    } else if (dt && id == SM_MAP) {
        sm_buf_appendf(b, "{\"type\":\"map\",\"keyType\":");
        json_type(b, dt->elem->id, dt->elem->precision, dt->elem->scale, dt->elem);
        sm_buf_appendf(b, ",\"valueType\":");
        json_type(b, dt->value->id, dt->value->precision, dt->value->scale, dt->value);
        sm_buf_appendf(b, ",\"valueContainsNull\":%s}", dt->contains_null ? "true" : "false");
    } else if (dt && id == SM_STRUCT) {
        sm_buf_appendf(b, "{\"type\":\"struct\",\"fields\":[");
        for (int i = 0; i < dt->nfields; i++) {
            const sm_dtype *t = dt->fields[i].type;
            sm_buf_appendf(b, "%s{\"name\":", i ? "," : "");
            json_str(b, dt->fields[i].name);
            sm_buf_appendf(b, ",\"type\":");
            json_type(b, t->id, t->precision, t->scale, t);
            sm_buf_appendf(b, ",\"nullable\":%s,\"metadata\":{}}", dt->fields[i].nullable ? "true" : "false");
        }
        sm_buf_appendf(b, "]}");
    } else if (id == SM_DECIMAL) {
        sm_buf_appendf(b, "\"decimal(%d,%d)\"", precision, scale);
    } else if (id == SM_TIME) {
        sm_buf_appendf(b, "\"time(%d)\"", sm_time_prec(precision));
    } else {
        sm_buf_appendf(b, "\"%s\"", sm_type_schema_name(id));
    }
}

/* Spark's StructType.json for the schema. */
static char *spark_schema_json(parquet_writer *w) {
    sm_buf b = {0};
    sm_buf_appendf(&b, "{\"type\":\"struct\",\"fields\":[");
    for (int i = 0; i < w->schema->ncols; i++) {
        const sm_field *f = &w->schema->fields[i];
        sm_buf_appendf(&b, "%s{\"name\":", i ? "," : "");
        json_str(&b, f->name);
        sm_buf_appendf(&b, ",\"type\":");
        json_type(&b, f->type, f->precision, f->scale, f->dt);
        sm_buf_appendf(&b, ",\"nullable\":%s,\"metadata\":{}}", f->nullable ? "true" : "false");
    }
    sm_buf_appendf(&b, "]}");
    char *r = b.data ? sm_arena_strdup(w->arena, sm_buf_cstr(&b)) : NULL;
    sm_buf_free(&b);
    return r;
}

/* The schema element of leaf c (name and repetition set by the caller). */
static void leaf_elem(const pqw_col *c, pq_schema_elem *e) {
        e->type = c->ptype;
        e->type_length = c->type_len;
        e->converted = -1;
        switch (c->field->type) {
        case SM_STRING:
            e->converted = PQ_CT_UTF8;
            e->logical.kind = PQ_LT_STRING;
            break;
        case SM_DATE:
            e->converted = PQ_CT_DATE;
            e->logical.kind = PQ_LT_DATE;
            break;
        case SM_TIMESTAMP:
            e->converted = PQ_CT_TIMESTAMP_MICROS;
            e->logical.kind = PQ_LT_TIMESTAMP;
            e->logical.utc = true;
            e->logical.unit = PQ_UNIT_MICROS;
            break;
        case SM_TIMESTAMP_NTZ: /* TIMESTAMP(isAdjustedToUTC=false, MICROS), no converted type */
            e->logical.kind = PQ_LT_TIMESTAMP;
            e->logical.utc = false;
            e->logical.unit = PQ_UNIT_MICROS;
            break;
        case SM_TIME: /* Spark 4.1: TIME(isAdjustedToUTC=false, MICROS), no converted type */
            e->logical.kind = PQ_LT_TIME;
            e->logical.utc = false;
            e->logical.unit = PQ_UNIT_MICROS;
            break;
        case SM_TINYINT:
        case SM_SMALLINT:
            e->converted = c->field->type == SM_TINYINT ? PQ_CT_INT_8 : PQ_CT_INT_16;
            e->logical.kind = PQ_LT_INTEGER;
            e->logical.bit_width = c->field->type == SM_TINYINT ? 8 : 16;
            e->logical.is_signed = true;
            break;
        case SM_DECIMAL:
            e->converted = PQ_CT_DECIMAL;
            e->scale = c->field->scale;
            e->precision = c->field->precision;
            e->has_scale = e->has_precision = true;
            e->logical.kind = PQ_LT_DECIMAL;
            e->logical.scale = c->field->scale;
            e->logical.precision = c->field->precision;
            break;
        default: break;
        }
}

/* Schema elements of a nested column's tree, depth first (Spark's layout). */
static int nested_elems(const parquet_writer *w, const pqn_node *n, pq_schema_elem *out, int *k) {
    pq_schema_elem *e = &out[(*k)++];
    memset(e, 0, sizeof *e);
    e->name = (char *)n->name;
    e->repetition = n->optional ? PQ_OPTIONAL : PQ_REQUIRED;
    e->type = -1;
    e->converted = -1;
    if (n->kind == PQN_LEAF) {
        leaf_elem(&w->cols[n->leaf], e);
        return SM_OK;
    }
    e->num_children = n->kind == PQN_STRUCT ? n->nchildren : 1;
    if (n->kind != PQN_STRUCT) {
        e->converted = n->kind == PQN_LIST ? PQ_CT_LIST : PQ_CT_MAP;
        e->logical.kind = n->kind == PQN_LIST ? PQ_LT_LIST : PQ_LT_MAP;
        pq_schema_elem *r = &out[(*k)++];
        memset(r, 0, sizeof *r);
        r->name = n->kind == PQN_LIST ? "list" : "key_value";
        r->repetition = PQ_REPEATED;
        r->type = -1;
        r->converted = -1;
        r->num_children = n->nchildren;
    }
    for (int i = 0; i < n->nchildren; i++) SM_TRY(nested_elems(w, n->children[i], out, k));
    return SM_OK;
}

static int count_elems(const pqn_node *n) {
    int k = 1 + (n->kind == PQN_LIST || n->kind == PQN_MAP);
    for (int i = 0; i < n->nchildren; i++) k += count_elems(n->children[i]);
    return k;
}

static int write_footer(parquet_writer *w) {
    pq_file_meta m;
    memset(&m, 0, sizeof m);
    m.version = 1;
    m.nschema = 1;
    for (int i = 0; i < w->ntop; i++) m.nschema += w->top[i].node ? count_elems(w->top[i].node) : 1;
    m.schema = sm_arena_alloc(w->arena, (size_t)m.nschema * sizeof *m.schema);
    if (!m.schema) return SM_NOMEM;
    m.schema[0] = (pq_schema_elem){.type = -1, .repetition = -1, .name = "spark_schema",
                                   .num_children = w->ntop, .converted = -1};
    int k = 1;
    for (int i = 0; i < w->ntop; i++) {
        if (w->top[i].node) {
            SM_TRY(nested_elems(w, w->top[i].node, m.schema, &k));
            continue;
        }
        const pqw_col *c = &w->cols[w->top[i].first];
        pq_schema_elem *e = &m.schema[k++];
        memset(e, 0, sizeof *e);
        e->repetition = c->optional ? PQ_OPTIONAL : PQ_REQUIRED;
        e->name = c->field->name;
        leaf_elem(c, e);
    }
    m.num_rows = w->total_rows;
    m.row_groups = w->rgs;
    m.nrow_groups = w->nrgs;
    m.nkv = 2;
    m.kv = sm_arena_alloc(w->arena, 2 * sizeof *m.kv);
    if (!m.kv) return SM_NOMEM;
    m.kv[0].key = "org.apache.spark.version";
    m.kv[0].value = "3.5.3";
    m.kv[1].key = "org.apache.spark.sql.parquet.row.metadata";
    m.kv[1].value = spark_schema_json(w);
    if (!m.kv[1].value) return SM_NOMEM;
    m.created_by = "smelt version 0.1.0";
    w->scratch.len = 0;
    SM_TRY(pq_encode_file_meta(&m, &w->scratch));
    uint32_t len = (uint32_t)w->scratch.len;
    SM_TRY(emit(w, w->scratch.data, w->scratch.len));
    SM_TRY(emit(w, &len, 4));
    return emit(w, "PAR1", 4);
}

/* ---- the writer ------------------------------------------------------------------ */

static void writer_free(parquet_writer *w) {
    if (!w) return;
    for (int i = 0; w->cols && i < w->ncols; i++) {
        pqw_col *c = &w->cols[i];
        sm_free(c->levels);
        sm_free(c->reps);
        sm_free(c->ids);
        sm_free(c->bools);
        sm_buf_free(&c->plain);
        sm_buf_free(&c->dict);
        sm_free(c->dict_off);
        sm_free(c->table);
        sm_buf_free(&c->pages);
    }
    sm_free(w->cols);
    sm_free(w->top);
    sm_free(w->rgs);
    sm_buf_free(&w->scratch);
    sm_buf_free(&w->comp);
    if (w->arena) sm_arena_free(w->arena);
    sm_free(w->path);
    sm_free(w);
}

/* Sets up leaf c for field f (a copy of the leaf's type for nested ones);
 * path: the names above it. */
static int init_leaf(parquet_writer *w, pqw_col *c, const sm_field *f, const char **path, int depth, int max_def,
                     int max_rep) {
    if (path) {
        c->leaf_field = *f;
        c->field = &c->leaf_field;
        c->max_def = max_def;
        c->max_rep = max_rep;
        c->optional = max_def > 0;
    } else {
        c->field = f;
        c->optional = f->nullable;
        c->max_def = c->optional;
    }
    SM_TRY(physical(c->field, &c->ptype, &c->type_len));
    c->use_dict = w->opts->dictionary && c->field->type != SM_BOOLEAN;
    c->stats_ok = true;
    c->npath = depth + 1;
    c->path = sm_arena_alloc(w->arena, (size_t)c->npath * sizeof *c->path);
    if (!c->path) return SM_NOMEM;
    for (int i = 0; i < depth; i++) c->path[i] = path[i];
    c->path[depth] = f->name;
    return SM_OK;
}

static int init_leaves(parquet_writer *w, const pqn_node *n, const char **path, int depth) {
    const char *stack[2 * 64 + 4];
    if (depth > 2 * 64) return sm_err(SM_UNSUPPORTED, "writing %s: types nested more than 64 deep", w->path);
    for (int i = 0; i < depth; i++) stack[i] = path[i];
    if (n->kind == PQN_LEAF) {
        sm_field *f = sm_arena_alloc(w->arena, sizeof *f);
        if (!f) return SM_NOMEM;
        f->name = (char *)n->name;
        f->type = n->dt->id;
        f->precision = n->dt->precision;
        f->scale = n->dt->scale;
        f->nullable = n->optional;
        int rc = init_leaf(w, &w->cols[n->leaf], f, stack, depth, n->def, n->rep);
        if (rc == SM_UNSUPPORTED) sm_err_prefix(rc, "in a nested column: ");
        return rc;
    }
    stack[depth++] = n->name;
    if (n->kind == PQN_LIST) stack[depth++] = "list";
    if (n->kind == PQN_MAP) stack[depth++] = "key_value";
    for (int i = 0; i < n->nchildren; i++) SM_TRY(init_leaves(w, n->children[i], stack, depth));
    return SM_OK;
}

int parquet_writer_open(const char *path, const sm_schema *schema, const parquet_write_opts *opts,
                        const sm_tz *tz, parquet_writer **out) {
    (void)tz; /* timestamps are instants: written in UTC */
    *out = NULL;
    for (int i = 0; i < schema->ncols; i++) {
        int pt, len;
        if (!sm_type_is_nested(schema->fields[i].type)) SM_TRY(physical(&schema->fields[i], &pt, &len));
    }
    if (!pq_codec_supported(opts->codec))
        return sm_err(SM_UNSUPPORTED, "smelt cannot write %s-compressed Parquet", pq_codec_name(opts->codec));
    parquet_writer *w = sm_calloc(1, sizeof *w);
    if (!w) return SM_NOMEM;
    w->path = sm_strdup(path);
    w->arena = sm_arena_new();
    w->schema = schema;
    w->opts = opts;
    w->ntop = schema->ncols;
    w->top = sm_calloc((size_t)(w->ntop ? w->ntop : 1), sizeof *w->top);
    if (!w->path || !w->arena || !w->top) {
        writer_free(w);
        return SM_NOMEM;
    }
    int nleaves = 0;
    for (int i = 0; i < w->ntop; i++) {
        const sm_field *f = &schema->fields[i];
        w->top[i].field = f;
        w->top[i].first = nleaves;
        if (!sm_type_is_nested(f->type)) {
            nleaves++;
            continue;
        }
        int rc = pqn_from_dtype(f->name, f->dt, f->nullable, 0, 0, &nleaves, w->arena, &w->top[i].node);
        if (rc) {
            writer_free(w);
            return rc;
        }
    }
    w->ncols = nleaves;
    w->cols = sm_calloc((size_t)(w->ncols ? w->ncols : 1), sizeof *w->cols);
    if (!w->cols) {
        writer_free(w);
        return SM_NOMEM;
    }
    for (int i = 0; i < w->ntop; i++) {
        int rc = w->top[i].node ? init_leaves(w, w->top[i].node, NULL, 0)
                                : init_leaf(w, &w->cols[w->top[i].first], w->top[i].field, NULL, 0, 0, 0);
        if (rc) {
            writer_free(w);
            return rc;
        }
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = sm_err(errno == EEXIST ? SM_EXISTS : SM_IO, "cannot create %s: %s", path, strerror(errno));
        writer_free(w);
        return rc;
    }
    w->fp = fdopen(fd, "wb");
    if (!w->fp) {
        close(fd);
        unlink(path);
        writer_free(w);
        return sm_err(SM_IO, "cannot open %s: %s", path, strerror(errno));
    }
    setvbuf(w->fp, NULL, _IOFBF, 1 << 20);
    int rc = emit(w, "PAR1", 4);
    if (rc) {
        parquet_writer_abort(w);
        return rc;
    }
    *out = w;
    return SM_OK;
}

int parquet_writer_write_batch(parquet_writer *w, const sm_batch *b) {
    if (b->ncols != w->ntop)
        return sm_err(SM_INTERNAL, "writing %s: a batch of %d columns for a schema of %d", w->path, b->ncols,
                      w->ntop);
    /* Row groups are cut between slices of at most 1024 rows so a batch
     * cannot overshoot the row group size by much. */
    for (int64_t at = 0; at < b->nrows;) {
        int64_t n = b->nrows - at < 1024 ? b->nrows - at : 1024;
        for (int i = 0; i < w->ntop; i++) {
            sm_vector *v = b->cols[i];
            if (w->top[i].node) {
                SM_TRY(add_nested(w, &w->top[i], v, at, n));
            } else if (at == 0 && n == b->nrows) {
                SM_TRY(add_column(w, &w->cols[w->top[i].first], v, n));
            } else {
                int32_t *sel = sm_malloc((size_t)n * sizeof *sel);
                if (!sel) return SM_NOMEM;
                for (int64_t k = 0; k < n; k++) sel[k] = (int32_t)(at + k);
                sm_vector *s = sm_vector_take(v, sel, n);
                sm_free(sel);
                if (!s) return SM_NOMEM;
                int rc = add_column(w, &w->cols[w->top[i].first], s, n);
                sm_vector_unref(s);
                SM_TRY(rc);
            }
        }
        w->rg_rows += n;
        at += n;
        if (buffered_bytes(w) >= w->opts->row_group_bytes) SM_TRY(flush_row_group(w));
    }
    return SM_OK;
}

int parquet_writer_close(parquet_writer *w) {
    int rc = flush_row_group(w);
    if (rc == SM_OK) rc = write_footer(w);
    if (rc == SM_OK && fflush(w->fp) != 0) rc = sm_err(SM_IO, "writing %s: %s", w->path, strerror(errno));
    if (fclose(w->fp) != 0 && rc == SM_OK) rc = sm_err(SM_IO, "closing %s: %s", w->path, strerror(errno));
    w->fp = NULL;
    writer_free(w);
    return rc;
}

void parquet_writer_abort(parquet_writer *w) {
    if (!w) return;
    if (w->fp) fclose(w->fp);
    w->fp = NULL;
    unlink(w->path);
    writer_free(w);
}
