/*
 * thrift.h — the Thrift compact protocol, and the Parquet metadata structs
 * that travel in it (parquet-format's parquet.thrift).
 *
 * Parquet keeps its footer (FileMetaData) and every page header in Thrift's
 * compact encoding.  Only the structs and fields smelt uses are decoded into
 * the C structs below; every other field (column indexes, bloom filters,
 * encryption, size statistics, fields added by future versions) is skipped
 * by its wire type, as Thrift's forward compatibility requires.
 *
 * Decoding is defensive: the input is untrusted bytes.  Every read is
 * bounds-checked, list lengths are checked against the bytes left (each
 * element takes at least one byte), nesting is limited to PQ_THRIFT_DEPTH,
 * and a missing required field is an error.  Errors return SM_MALFORMED with
 * a message naming the struct and field ("PageHeader.compressed_page_size is
 * missing"); the caller prefixes the file name.
 *
 * Memory: pq_decode_file_meta allocates everything (arrays, NUL-terminated
 * strings, statistics bytes) in the arena it is given, so the footer bytes
 * may be released afterwards.  pq_decode_page_header allocates nothing:
 * its statistics point into the input, valid while the input is.
 *
 * Encoding appends to an sm_buf (the writer's footer and page headers);
 * absent optional fields are not written.
 */
#ifndef SM_THRIFT_H
#define SM_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mem.h"

#define PQ_THRIFT_DEPTH 48

/* ---- parquet.thrift enums ------------------------------------------------ */

enum { PQ_BOOLEAN = 0, PQ_INT32, PQ_INT64, PQ_INT96, PQ_FLOAT, PQ_DOUBLE, PQ_BYTE_ARRAY,
       PQ_FIXED_LEN_BYTE_ARRAY };

enum { PQ_CT_UTF8 = 0, PQ_CT_MAP, PQ_CT_MAP_KEY_VALUE, PQ_CT_LIST, PQ_CT_ENUM, PQ_CT_DECIMAL,
       PQ_CT_DATE, PQ_CT_TIME_MILLIS, PQ_CT_TIME_MICROS, PQ_CT_TIMESTAMP_MILLIS,
       PQ_CT_TIMESTAMP_MICROS, PQ_CT_UINT_8, PQ_CT_UINT_16, PQ_CT_UINT_32, PQ_CT_UINT_64,
       PQ_CT_INT_8, PQ_CT_INT_16, PQ_CT_INT_32, PQ_CT_INT_64, PQ_CT_JSON, PQ_CT_BSON,
       PQ_CT_INTERVAL };

enum { PQ_REQUIRED = 0, PQ_OPTIONAL, PQ_REPEATED };

enum { PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICTIONARY = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
       PQ_ENC_DELTA_BINARY_PACKED = 5, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
       PQ_ENC_DELTA_BYTE_ARRAY = 7, PQ_ENC_RLE_DICTIONARY = 8, PQ_ENC_BYTE_STREAM_SPLIT = 9 };

enum { PQ_CODEC_UNCOMPRESSED = 0, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_LZO, PQ_CODEC_BROTLI,
       PQ_CODEC_LZ4, PQ_CODEC_ZSTD, PQ_CODEC_LZ4_RAW };

enum { PQ_PAGE_DATA = 0, PQ_PAGE_INDEX, PQ_PAGE_DICTIONARY, PQ_PAGE_DATA_V2 };

/* LogicalType union members: the values are the Thrift field ids. */
enum { PQ_LT_NONE = 0, PQ_LT_STRING = 1, PQ_LT_MAP, PQ_LT_LIST, PQ_LT_ENUM, PQ_LT_DECIMAL,
       PQ_LT_DATE, PQ_LT_TIME, PQ_LT_TIMESTAMP, PQ_LT_INTEGER = 10, PQ_LT_UNKNOWN, PQ_LT_JSON,
       PQ_LT_BSON, PQ_LT_UUID, PQ_LT_FLOAT16, PQ_LT_VARIANT, PQ_LT_GEOMETRY, PQ_LT_GEOGRAPHY,
       PQ_LT_OTHER = 99 /* a member this version does not know */ };

enum { PQ_UNIT_MILLIS = 1, PQ_UNIT_MICROS, PQ_UNIT_NANOS };

/* ---- structs --------------------------------------------------------------- */

typedef struct {
    const uint8_t *bytes;
    int32_t len;
} pq_bytes; /* a Thrift binary; bytes NULL when absent */

typedef struct {
    pq_bytes max, min;             /* deprecated fields 1, 2 (signed order) */
    pq_bytes max_value, min_value; /* fields 5, 6 */
    int64_t null_count, distinct_count;
    bool has_null_count, has_distinct_count;
} pq_stats;

typedef struct {
    int kind;          /* PQ_LT_... */
    int32_t scale, precision; /* DECIMAL */
    bool utc;          /* TIMESTAMP, TIME: isAdjustedToUTC */
    int unit;          /* TIMESTAMP, TIME: PQ_UNIT_... */
    int8_t bit_width;  /* INTEGER */
    bool is_signed;    /* INTEGER */
} pq_logical;

typedef struct {
    int type;           /* PQ_BOOLEAN..., -1 for a group */
    int32_t type_length;
    int repetition;     /* PQ_REQUIRED..., -1 when absent (the root) */
    char *name;
    int32_t num_children; /* 0 for a leaf */
    int converted;      /* PQ_CT_..., -1 when absent */
    int32_t scale, precision;
    bool has_scale, has_precision;
    int32_t field_id;
    bool has_field_id;
    pq_logical logical; /* kind PQ_LT_NONE when absent */
} pq_schema_elem;

typedef struct {
    char *key;
    char *value; /* NULL when absent */
} pq_kv;

typedef struct {
    int type;
    int *encodings;
    int nencodings;
    char **path;
    int npath;
    int codec;
    int64_t num_values, total_uncompressed_size, total_compressed_size;
    int64_t data_page_offset, index_page_offset, dictionary_page_offset;
    bool has_index_page_offset, has_dictionary_page_offset;
    bool has_stats;
    pq_stats stats;
} pq_column_meta;

typedef struct {
    char *file_path;    /* NULL: this file */
    int64_t file_offset;
    bool has_meta;
    pq_column_meta meta;
    bool encrypted;     /* crypto_metadata or encrypted_column_metadata present */
} pq_column_chunk;

typedef struct {
    pq_column_chunk *columns;
    int ncolumns;
    int64_t total_byte_size, num_rows;
    int64_t file_offset, total_compressed_size;
    bool has_file_offset, has_total_compressed_size;
} pq_row_group;

typedef struct {
    int32_t version;
    pq_schema_elem *schema;
    int nschema;
    int64_t num_rows;
    pq_row_group *row_groups;
    int nrow_groups;
    pq_kv *kv;
    int nkv;
    char *created_by;   /* NULL when absent */
    bool encrypted;     /* encryption_algorithm present (plaintext-footer encryption) */
} pq_file_meta;

typedef struct {
    int32_t num_values;
    int encoding, def_encoding, rep_encoding;
    bool has_stats;
    pq_stats stats;
} pq_data_page_header;

typedef struct {
    int32_t num_values;
    int encoding;
    bool is_sorted;
} pq_dict_page_header;

typedef struct {
    int32_t num_values, num_nulls, num_rows;
    int encoding;
    int32_t def_len, rep_len;
    bool is_compressed; /* default true */
    bool has_stats;
    pq_stats stats;
} pq_data_page_header_v2;

typedef struct {
    int type;           /* PQ_PAGE_... */
    int32_t uncompressed_page_size, compressed_page_size;
    int32_t crc;
    bool has_crc;
    bool has_data, has_dict, has_data_v2;
    pq_data_page_header data;
    pq_dict_page_header dict;
    pq_data_page_header_v2 data_v2;
} pq_page_header;

/* ---- decoding ---------------------------------------------------------------- */

/* Decodes a FileMetaData from buf[0..len) into out, allocating in `arena`.
 * SM_MALFORMED (message: "footer: ...") when the bytes are not one. */
int pq_decode_file_meta(const uint8_t *buf, size_t len, sm_arena *arena, pq_file_meta *out);

/* Decodes one PageHeader at buf[0..len); *consumed = its size in bytes. */
int pq_decode_page_header(const uint8_t *buf, size_t len, pq_page_header *out, size_t *consumed);

/* ---- encoding ---------------------------------------------------------------- */

int pq_encode_file_meta(const pq_file_meta *m, sm_buf *out);
int pq_encode_page_header(const pq_page_header *h, sm_buf *out);

/* ---- the compact protocol itself (exposed for tests) ----------------------- */

enum { TC_STOP = 0, TC_TRUE = 1, TC_FALSE = 2, TC_BYTE = 3, TC_I16 = 4, TC_I32 = 5, TC_I64 = 6,
       TC_DOUBLE = 7, TC_BINARY = 8, TC_LIST = 9, TC_SET = 10, TC_MAP = 11, TC_STRUCT = 12 };

typedef struct {
    const uint8_t *p, *end;
    int depth;
    const char *what; /* the struct being read, for messages */
} tc_in;

/* Field header: 0 and *type = TC_STOP at the end of a struct; *id is the
 * field id (absolute).  `last` is the previous field id of this struct. */
int tc_read_field(tc_in *in, int16_t last, int *type, int16_t *id);
int tc_read_varint(tc_in *in, uint64_t *out);
int tc_read_i64(tc_in *in, int64_t *out);   /* zigzag varint */
int tc_read_i32(tc_in *in, int32_t *out);
int tc_read_binary(tc_in *in, pq_bytes *out);
int tc_read_list(tc_in *in, int *elem_type, int32_t *count);
/* Skips one value of wire type `type`. */
int tc_skip(tc_in *in, int type);

#endif
