/*
 * parquet.h — reading and writing Apache Parquet files.
 *
 * Reading:
 *
 *     sm_source *src;
 *     int rc = parquet_source_create(paths, npaths, NULL, NULL, sm_tz_utc(), pool, &src);
 *     parquet_source_project(src, 2, (int[]){3, 0});   // optional: columns 3 and 0 only
 *
 * The source has one split per row group (files listed by sm_fs_expand, in
 * path order); each split opens as an sm_reader yielding batches of at most
 * SM_BATCH_ROWS rows.  The schema comes from the first file (Spark's
 * behaviour without mergeSchema) or from `schema_ddl`; columns are matched
 * to other files' columns by name, case-insensitively, and a column a file
 * lacks reads as nulls.  Every column is nullable, as Spark makes file
 * sources.
 *
 * Types (Parquet physical type + logical/converted annotation → smelt):
 *   BOOLEAN → boolean; INT32 → int (INT(8|16|32, signed), INT(8|16,
 *   unsigned)), INT(32, unsigned) → bigint, DATE → date, DECIMAL →
 *   decimal(p,s); INT64 → bigint, INT(64, unsigned) → decimal(20,0),
 *   TIMESTAMP(MILLIS|MICROS|NANOS) → timestamp (nanoseconds floor to
 *   microseconds; non-UTC-adjusted values are read as if UTC, smelt having
 *   no TIMESTAMP_NTZ), DECIMAL; INT96 → timestamp (Spark's legacy format);
 *   TIME(MILLIS|MICROS|NANOS), TIME_MILLIS/MICROS → time(6) (nanoseconds
 *   floor to microseconds, values wrapped into one day);
 *   FLOAT, DOUBLE → double; BYTE_ARRAY → string (STRING, ENUM, JSON, BSON and
 *   unannotated binary alike: the bytes), DECIMAL; FIXED_LEN_BYTE_ARRAY →
 *   string (raw bytes), UUID → string ("8-4-4-4-12" hex, as DuckDB shows
 *   it), FLOAT16 → double, DECIMAL; the UNKNOWN (null) annotation → void.
 * Nested columns (parquet_nested.c): LIST groups (3-level, legacy 2-level)
 * → array, MAP / MAP_KEY_VALUE → map, other groups → struct, repeated
 * fields elsewhere → non-null arrays; written in Spark's layout.  Groups
 * without any primitive leaf are left out (as pyarrow does).
 * Refused with SM_UNSUPPORTED naming the column: an empty group as a map's
 * key or value, INTERVAL, decimals over 38 digits, encrypted files.  Malformed files give SM_MALFORMED naming the file
 * and what is wrong; they never crash the reader.
 *
 * Options (keys case-insensitive; unknown ones ignored like Spark):
 *   columns   comma-separated column names to read (same as
 *             parquet_source_project by name).
 *
 * Writing (parquet_write.c): parquet_writer_open / write_batch / close, one
 * file per writer, like csv_write.h.  See parquet_write_opts_parse for the
 * options (compression, rowGroupSize / parquet.block.size, pageSize,
 * dictionary, ...).
 *
 * Ownership and threading: as for csv sources (source.h).  `tz` is unused
 * when reading (Parquet timestamps are instants) and kept for symmetry.
 */
#ifndef SM_PARQUET_H
#define SM_PARQUET_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pool.h"
#include "formats/source.h"
#include "fs/fs.h"
#include "formats/thrift.h"
#include "types/datetime.h"
#include "types/types.h"

int parquet_source_create(const char *const *paths, int npaths, const char *const *options_kv,
                          const char *schema_ddl, const sm_tz *tz, sm_pool *pool, sm_source **out);
/* The same over an already listed set of files (formats/dataset.c); takes
 * ownership of the list's contents (also on failure). */
int parquet_source_create_list(sm_fs_list *files, const char *const *options_kv,
                               const char *schema_ddl, const sm_tz *tz, sm_pool *pool,
                               sm_source **out);

/* Column pruning: after this call the source reads only columns
 * cols[0..ncols) (indices into its current schema, in that order, no
 * duplicates) and src->schema lists just those.  Call before opening any
 * split.  SM_INVALID for an index out of range or a duplicate. */
int parquet_source_project(sm_source *src, int ncols, const int *cols);

/* Total compressed bytes of column chunks read so far by this source's
 * readers (for EXPLAIN ANALYZE / tests of pruning). */
int64_t parquet_source_bytes_read(const sm_source *src);

/* ---- internal: statistics (parquet_stats.c) ---------------------------------- */

/* How a column's statistics compare (parquet_read.c picks it per column). */
enum { PQ_SK_NONE, PQ_SK_BOOL, PQ_SK_INT, PQ_SK_UINT32, PQ_SK_I64, PQ_SK_TS_MS, PQ_SK_TS_NS,
       PQ_SK_FLOAT, PQ_SK_DOUBLE, PQ_SK_BYTES, PQ_SK_DEC_INT, PQ_SK_DEC_BIN };

/* False only when the chunk's statistics prove that no row of the row group
 * (nrows rows) passes f (the literal has the column's smelt type). */
bool pq_stats_may_match(int kind, int ptype, bool required_col, const pq_column_meta *m, int64_t nrows,
                        const sm_scan_filter *f);

/* ---- writing ------------------------------------------------------------------ */

typedef struct parquet_write_opts {
    int codec;            /* PQ_CODEC_SNAPPY (default), _ZSTD, _GZIP, _UNCOMPRESSED, _LZ4_RAW, _BROTLI */
    int level;            /* codec level, 0 = the library's default */
    int64_t row_group_bytes; /* parquet.block.size: 128 MiB */
    int64_t page_bytes;   /* parquet.page.size: 1 MiB */
    int64_t dict_page_bytes; /* parquet.dictionary.page.size: 1 MiB; beyond it PLAIN */
    bool dictionary;      /* parquet.enable.dictionary: true */
    bool write_stats;     /* true */
} parquet_write_opts;

/* Parses Spark's Parquet write options (NULL-terminated key/value pairs,
 * keys case-insensitive): compression / parquet.compression (snappy, zstd,
 * gzip, none, uncompressed, lz4, lz4_raw, brotli), parquet.block.size,
 * parquet.page.size, parquet.dictionary.page.size, parquet.enable.dictionary.
 * Unknown keys are ignored. */
int parquet_write_opts_parse(const char *const *options, parquet_write_opts *out);
/* The part file extension for these options: ".snappy.parquet", ".parquet", ... */
const char *parquet_write_extension(const parquet_write_opts *o);

typedef struct parquet_writer parquet_writer;

/* Creates `path` (which must not exist).  schema and opts must outlive the
 * writer. */
int parquet_writer_open(const char *path, const sm_schema *schema, const parquet_write_opts *opts,
                        const sm_tz *tz, parquet_writer **out);
int parquet_writer_write_batch(parquet_writer *w, const sm_batch *b);
/* Flushes the last row group, writes the footer, closes; frees w. */
int parquet_writer_close(parquet_writer *w);
/* Closes without finishing and removes the file; frees w.  Safe with NULL. */
void parquet_writer_abort(parquet_writer *w);

/* ---- internal: encodings (parquet_encoding.c) ------------------------------ */

/* Raw physical values: fixed-width types as arrays of their C type (INT96 as
 * 12 bytes), BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY as pq_bin. */
typedef struct {
    const uint8_t *ptr;
    int32_t len;
} pq_bin;

/* RLE / bit-packed hybrid decoder (levels, dictionary indices, booleans). */
typedef struct {
    const uint8_t *p, *end;
    int bw;               /* bit width 0..32 */
    uint32_t rle_left;    /* values left in the current RLE run */
    uint32_t rle_value;
    uint32_t bp_left;     /* values left in the current bit-packed run */
    const uint8_t *bp;    /* its bytes */
    const uint8_t *bp_end;
    uint64_t bp_bit;      /* bit position of the next value in bp */
} pq_rle_dec;

void pq_rle_init(pq_rle_dec *d, const uint8_t *p, size_t len, int bw);
/* Decodes exactly n values into out; SM_MALFORMED when the data ends first. */
int pq_rle_get(pq_rle_dec *d, uint32_t *out, int n);

/* DELTA_BINARY_PACKED decoder. */
typedef struct {
    const uint8_t *p, *end;
    uint64_t block_size, nmini, per_mini;
    uint64_t left;        /* values not yet returned */
    int64_t last;
    bool first_pending;
    int64_t first;
    int64_t min_delta;
    const uint8_t *widths;
    uint64_t mini;        /* index of the current miniblock in its block */
    uint64_t mini_left;   /* values left in the current miniblock */
    const uint8_t *mini_data;
    uint64_t mini_pos;    /* index of the next value in the miniblock */
    int width;
    bool started;
} pq_dbp_dec;

int pq_dbp_init(pq_dbp_dec *d, const uint8_t *p, size_t len);
int pq_dbp_get(pq_dbp_dec *d, int64_t *out, int n);
/* Total values in the stream (from its header). */
static inline uint64_t pq_dbp_total(const pq_dbp_dec *d) { return d->left; }
/* Walks to the end of the stream; *end = the first byte after it. */
int pq_dbp_end(const pq_dbp_dec *d, const uint8_t **end);

/* The value decoder of one data page (every non-dictionary encoding).  The
 * buffers (prev, scratch, tmp) are kept across pages; zero it once, then
 * pq_vdec_init per page and pq_vdec_free at the end. */
typedef struct {
    int encoding, ptype, type_len;
    const uint8_t *p, *end;
    int bool_bit;          /* PLAIN booleans: bit offset in *p */
    pq_rle_dec rle;        /* RLE booleans */
    pq_dbp_dec dbp, dbp2;  /* ints; DLBA lengths; DBA prefix (dbp) and suffix (dbp2) lengths */
    const uint8_t *data;   /* DLBA / DBA: next byte of value data */
    uint64_t bss_n, bss_i; /* BYTE_STREAM_SPLIT: values in the page, next one */
    sm_buf prev, scratch;  /* DBA: the previous value; rebuilt values of one call */
    int64_t *tmp;
    int tmp_cap;
} pq_vdec;

int pq_vdec_init(pq_vdec *d, int encoding, int ptype, int type_len, const uint8_t *p, size_t len);
/* The next n values, raw (see pq_bin) into out (n * pq_raw_width(ptype) bytes). */
int pq_vdec_get(pq_vdec *d, void *out, int n);
void pq_vdec_free(pq_vdec *d);
/* Bytes per raw value: the C type's size, or sizeof(pq_bin) for byte arrays. */
size_t pq_raw_width(int ptype);
const char *pq_encoding_name(int encoding);
const char *pq_ptype_name(int ptype);

/* Encoders (the writer). */
/* RLE/bit-packed hybrid of values[0..n) with bit width bw, appended to out. */
int pq_rle_encode(const uint32_t *values, int64_t n, int bw, sm_buf *out);
int pq_bit_width(uint64_t max_value);

/* ---- internal: compression (parquet_compress.c) ---------------------------- */

/* Decompresses src[0..n) with `codec` into out[0..out_len) which must come
 * out exactly full.  SM_MALFORMED / SM_UNSUPPORTED with a message. */
int pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *out, size_t out_len);
/* Compresses src into out (replacing its contents). */
int pq_compress(int codec, int level, const uint8_t *src, size_t n, sm_buf *out);
const char *pq_codec_name(int codec);
bool pq_codec_supported(int codec);

#endif
