/*
 * types.h — Spark's logical types, scalar values, column vectors, batches and
 * schemas.
 *
 * Column vectors use the Arrow memory layout so that results can be handed to
 * other tools without copies:
 *   - validity: a bitmap, bit i set = row i is valid (not null); NULL pointer
 *     means "no nulls" (Arrow allows omitting it);
 *   - fixed-width types: a contiguous array of values (boolean is stored as
 *     one byte per value here, not bit-packed, for fast vectorized
 *     evaluation; the Arrow export packs it);
 *   - string: int32 offsets (length+1 entries, offsets[0] = 0) into a byte
 *     buffer holding UTF-8.
 *
 * Physical representation per logical type:
 *   BOOLEAN   uint8_t  (0/1)
 *   INT       int32_t
 *   BIGINT    int64_t
 *   DOUBLE    double
 *   STRING    int32_t offsets + bytes
 *   DATE      int32_t  days since 1970-01-01
 *   TIMESTAMP int64_t  microseconds since 1970-01-01T00:00:00Z (UTC instant;
 *                      rendered in the session time zone)
 *   DECIMAL   __int128 unscaled value; precision/scale in the vector, field or
 *             expression (Spark's DecimalType(p, s), p <= 38)
 *   TINYINT, SMALLINT
 *             int32_t holding a value in the type's range (the logical type is
 *             Spark's ByteType / ShortType; storage is widened so that every
 *             integer kernel serves them — results are narrowed by the
 *             operators, with Java's wrap-around outside ANSI mode)
 *   FLOAT     double holding a value exactly representable as a float (every
 *             float result is rounded with (double)(float)x, which gives the
 *             same bits as float arithmetic: double rounding is innocuous for
 *             + - * / and sqrt); printed as Java's Float.toString
 *   BINARY    int32_t offsets + bytes, as STRING (arbitrary bytes)
 *   TIMESTAMP_NTZ
 *             int64_t microseconds since 1970-01-01T00:00:00 (a local
 *             date-time, no time zone)
 *   INTERVAL_YM  int32_t months; precision/scale hold the start/end field
 *             (SM_IV_YEAR, SM_IV_MONTH): Spark's YearMonthIntervalType
 *   INTERVAL_DT  int64_t microseconds; precision/scale hold the start/end
 *             field (SM_IV_DAY .. SM_IV_SECOND): Spark's DayTimeIntervalType
 *   INTERVAL_CAL sm_cal_interval (months, days, microseconds; 16 bytes):
 *             Spark's legacy CalendarIntervalType ("interval")
 *   ARRAY     int32_t offsets (length+1) into children[0], the elements
 *   MAP       int32_t offsets (length+1) into children[0] (keys) and
 *             children[1] (values)
 *   STRUCT    no data; children[i] holds field i (one row per row)
 *             Nested types carry their full type in `dt` (an interned
 *             sm_dtype, below); vectors, fields and expressions of a nested
 *             type set it, others leave it NULL.
 *   TIME      int64_t nanoseconds since midnight, 0 .. 86399999999999 (Spark
 *             4.1's TimeType and its internal value); precision p (0..6, the
 *             fraction digits; the precision slot holds 6 - p, see
 *             sm_time_prec) — values are truncated to it, so the
 *             nanoseconds below a microsecond are always zero
 *   NULL      (no data; every row null) — the type of a bare NULL literal
 *
 * sm_type_phys() names the storage class of a type (INT, BIGINT, DOUBLE,
 * STRING, DECIMAL, BOOLEAN, or itself for the rest): code that only moves
 * values switches on it, code with semantics switches on the type.
 *
 * Ownership: vectors are reference counted (sm_vector_ref / sm_vector_unref)
 * so a projection can share a column between batches without copying.  A
 * vector with refcount > 1 must not be modified.  Batches own one reference
 * to each of their columns.
 */
#ifndef SM_TYPES_H
#define SM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mem.h"

typedef enum {
    SM_NULLTYPE = 0,
    SM_BOOLEAN,
    SM_INT,
    SM_BIGINT,
    SM_DOUBLE,
    SM_STRING,
    SM_DATE,
    SM_TIMESTAMP,
    SM_DECIMAL, /* decimal(precision, scale): __int128 unscaled values; precision and
                   scale live beside the type (sm_field, sm_expr, sm_vector) */
    SM_TINYINT,
    SM_SMALLINT,
    SM_FLOAT,
    SM_BINARY,
    SM_TIMESTAMP_NTZ,
    SM_INTERVAL_YM,
    SM_INTERVAL_DT,
    SM_INTERVAL_CAL,
    SM_ARRAY,
    SM_MAP,
    SM_STRUCT,
    SM_TIME, /* time(p): Spark 4.1's TimeType; the precision slot holds 6 - p
                (sm_time_prec / sm_time_slot) */
    SM_TYPE_COUNT
} sm_type;

/* Interval fields (the start/end of INTERVAL_YM and INTERVAL_DT types, kept
 * in the precision/scale slots): Spark's YearMonthIntervalType.YEAR = 0,
 * MONTH = 1 and DayTimeIntervalType.DAY = 0 .. SECOND = 3. */
enum { SM_IV_YEAR = 0, SM_IV_MONTH = 1 };
enum { SM_IV_DAY = 0, SM_IV_HOUR = 1, SM_IV_MINUTE = 2, SM_IV_SECOND = 3 };

/* Spark's legacy CalendarInterval value. */
typedef struct {
    int32_t months, days;
    int64_t micros;
} sm_cal_interval;

/* The storage class of a type: SM_INT for TINYINT, SMALLINT, DATE and
 * INTERVAL_YM; SM_BIGINT for TIMESTAMP, TIMESTAMP_NTZ, TIME and INTERVAL_DT;
 * SM_DOUBLE for FLOAT; SM_STRING for BINARY; the type itself otherwise. */
static inline sm_type sm_type_phys(sm_type t) {
    switch (t) {
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE:
    case SM_INTERVAL_YM: return SM_INT;
    case SM_TIMESTAMP:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_INTERVAL_DT: return SM_BIGINT;
    case SM_FLOAT: return SM_DOUBLE;
    case SM_BINARY: return SM_STRING;
    default: return t;
    }
}
/* TIME's precision p (0..6) is kept in the precision slot as 6 - p, so a
 * slot left zero by code that carries only decimal precisions (coercions,
 * VALUES, set operations) means the default, time(6). */
static inline int sm_time_prec(int slot) { return slot < 0 || slot > 6 ? 6 : 6 - slot; }
static inline int8_t sm_time_slot(int p) { return (int8_t)(p < 0 || p > 6 ? 0 : 6 - p); }

/* Types whose data buffer holds int32 offsets (length+1 of them). */
static inline bool sm_type_has_offsets(sm_type t) {
    return t == SM_STRING || t == SM_BINARY || t == SM_ARRAY || t == SM_MAP;
}
static inline bool sm_type_is_nested(sm_type t) {
    return t == SM_ARRAY || t == SM_MAP || t == SM_STRUCT;
}
static inline bool sm_type_is_integral(sm_type t) {
    return t == SM_TINYINT || t == SM_SMALLINT || t == SM_INT || t == SM_BIGINT;
}

/* ---- nested type descriptors ---------------------------------------------
 * A full type as a tree, for ARRAY, MAP and STRUCT (and their children,
 * scalar or not).  Descriptors are interned: one per distinct type for the
 * life of the process, immutable, shared between threads, never freed, so
 * two types are equal exactly when their pointers are.  Constructors return
 * NULL only on NOMEM.  (types/dtype.c) */
typedef struct sm_dtype sm_dtype;
typedef struct {
    const char *name;
    const sm_dtype *type;
    bool nullable;
} sm_dtype_field;
struct sm_dtype {
    sm_type id;
    int8_t precision, scale;  /* DECIMAL; interval start/end fields */
    bool contains_null;       /* ARRAY: elements may be null; MAP: values may be null */
    const sm_dtype *elem;     /* ARRAY: the element type; MAP: the key type */
    const sm_dtype *value;    /* MAP: the value type */
    int nfields;              /* STRUCT */
    const sm_dtype_field *fields;
};
const sm_dtype *sm_dtype_scalar(sm_type id, int precision, int scale);
const sm_dtype *sm_dtype_array(const sm_dtype *elem, bool contains_null);
const sm_dtype *sm_dtype_map(const sm_dtype *key, const sm_dtype *value, bool value_contains_null);
const sm_dtype *sm_dtype_struct(int nfields, const sm_dtype_field *fields);
/* Spark's simpleString of a type ("array<int>", "map<string,bigint>",
 * "struct<a:int,b:string>", "decimal(10,2)", "interval day to second"):
 * writes at most cap bytes (NUL-terminated), returns the full length. */
int sm_dtype_format(char *buf, size_t cap, const sm_dtype *t);
/* The same for a type given as (id, precision, scale[, dt]): dt is used for
 * nested types and may be NULL otherwise. */
int sm_type_format(char *buf, size_t cap, sm_type t, int precision, int scale, const sm_dtype *dt);

/* Spark's simple names: "boolean", "int", "bigint", "double", "string",
 * "date", "timestamp", "void", "tinyint", "smallint", "float", "binary",
 * "timestamp_ntz", "interval" (the parameterized ones — decimal, intervals,
 * nested — are written by sm_type_format). */
const char *sm_type_name(sm_type t);
/* Spark's printSchema names: "boolean", "integer", "long", "double", "string",
 * "date", "timestamp", "void". */
const char *sm_type_schema_name(sm_type t);
/* Parses a type name as Spark's DDL accepts it (case-insensitive: int,
 * integer, bigint, long, double, string, varchar(n), boolean, bool, date,
 * timestamp, smallint/tinyint map to int, float maps to double...). Returns
 * -1 when unknown. */
int sm_type_parse(const char *s, size_t len);
/* Bytes per value in the data buffer (strings: 4, the offset width). */
size_t sm_type_width(sm_type t);
bool sm_type_is_numeric(sm_type t);

/* ---- scalar values ---------------------------------------------------- */

/* A 16-byte integer aligned to 8 so that sm_value keeps its size and
 * alignment (GCC/Clang: a typedef's aligned attribute may lower it). */
typedef __int128 sm_i128_a8 __attribute__((aligned(8)));

typedef struct {
    sm_type type;
    bool is_null;
    int8_t precision, scale; /* DECIMAL only */
    union {
        bool b;
        int32_t i32;  /* INT, DATE */
        int64_t i64;  /* BIGINT, TIMESTAMP */
        double f64;
        struct {
            const char *ptr; /* not NUL-terminated in general; owner decides */
            int32_t len;
        } str;
        sm_i128_a8 dec; /* DECIMAL: the unscaled value (types/decimal.h) */
        sm_cal_interval cal; /* INTERVAL_CAL */
        struct {
            const struct sm_vector *vec; /* ARRAY / MAP / STRUCT: row `row` of vec */
            int64_t row;
        } ref;
    } v;
} sm_value;

/* ---- vectors ---------------------------------------------------------- */

typedef struct sm_vector {
    sm_type type;
    int32_t refcount;
    int64_t length;    /* rows */
    int64_t capacity;  /* rows allocated in data (and validity) */
    uint8_t *validity; /* NULL when every row is valid */
    void *data;        /* values, or int32 offsets (capacity+1) for STRING */
    char *bytes;       /* STRING only: UTF-8 bytes */
    int8_t precision, scale; /* DECIMAL; interval start/end fields */
    int64_t bytes_len, bytes_cap;
    const sm_dtype *dt;            /* nested types: the full type; else NULL */
    int nchildren;                 /* ARRAY 1, MAP 2, STRUCT nfields */
    struct sm_vector **children;   /* one reference each */
    /* Dictionary side channel (optional, STRING/BINARY only; set by the
     * Parquet reader for dictionary-encoded chunks): when dict is non-NULL,
     * every valid row i equals row dict_codes[i] of dict (a reference), and
     * dict_codes has length rows (-1 at null rows).  Consumers may use it
     * (hash aggregation groups by code) or ignore it; a vector carrying it is
     * a complete plain vector too.  Code that changes the rows of a vector
     * in place must call sm_vector_drop_dict first; unref frees both. */
    struct sm_vector *dict;
    int32_t *dict_codes;
} sm_vector;

/* Drops the dictionary side channel (see sm_vector.dict). */
void sm_vector_drop_dict(sm_vector *v);

/* New vector with room for `capacity` rows, length 0. NULL on NOMEM. */
sm_vector *sm_vector_new(sm_type type, int64_t capacity);
/* New vector of `length` rows, every row null. */
sm_vector *sm_vector_new_nulls(sm_type type, int64_t length);
sm_vector *sm_vector_ref(sm_vector *v);
void sm_vector_unref(sm_vector *v);

static inline bool sm_vector_is_null(const sm_vector *v, int64_t row) {
    return v->type == SM_NULLTYPE ||
           (v->validity && !(v->validity[row >> 3] & (1u << (row & 7))));
}
/* Marks row null (allocates the bitmap, all-valid, on first use). */
int sm_vector_set_null(sm_vector *v, int64_t row);
/* Ensures room for `rows` rows (and, for strings, `bytes` more bytes). */
int sm_vector_reserve(sm_vector *v, int64_t rows);
int sm_vector_reserve_bytes(sm_vector *v, int64_t extra_bytes);

#define SM_VEC_BOOL(v) ((uint8_t *)(v)->data)
#define SM_VEC_I32(v) ((int32_t *)(v)->data)
#define SM_VEC_I64(v) ((int64_t *)(v)->data)
#define SM_VEC_F64(v) ((double *)(v)->data)
#define SM_VEC_OFF(v) ((int32_t *)(v)->data)

/* String access: pointer and length of row `row` of a STRING vector. */
static inline const char *sm_vector_str(const sm_vector *v, int64_t row, int32_t *len) {
    const int32_t *off = (const int32_t *)v->data;
    *len = off[row + 1] - off[row];
    return v->bytes + off[row];
}

/* Appends (length += 1).  The vector must have capacity or these grow it. */
int sm_vector_append_null(sm_vector *v);
int sm_vector_append_bool(sm_vector *v, bool x);
int sm_vector_append_i32(sm_vector *v, int32_t x);
int sm_vector_append_i64(sm_vector *v, int64_t x);
int sm_vector_append_f64(sm_vector *v, double x);
int sm_vector_append_str(sm_vector *v, const char *s, int32_t len);
/* Appends a scalar (must be of the vector's type, or null). */
int sm_vector_append_value(sm_vector *v, const sm_value *x);
/* Appends row `row` of `src` (same type). */
int sm_vector_append_from(sm_vector *v, const sm_vector *src, int64_t row);
/* Reads row `row` as a scalar; strings point into the vector. */
void sm_vector_get(const sm_vector *v, int64_t row, sm_value *out);

/* New vector holding rows sel[0..n) of src, in that order (gather). */
sm_vector *sm_vector_take(const sm_vector *src, const int32_t *sel, int64_t n);
/* New vector of `n` rows, each a copy of `x` (a constant expanded). */
sm_vector *sm_vector_from_value(const sm_value *x, sm_type type, int64_t n);

/* ---- nested vectors (types/nested.c) ----------------------------------
 * An ARRAY / MAP / STRUCT vector has its full type in v->dt and children
 * made from it (ARRAY: children[0] the elements; MAP: children[0] keys,
 * children[1] values; STRUCT: children[f] field f, one row per row).  A
 * nested vector without a dt (sm_vector_new(SM_ARRAY, n), new_nulls) has no
 * children and only null rows; it adopts the type of the first non-null row
 * appended with sm_vector_append_from / append_value.
 *
 * Builder, for readers (Parquet, JSON) and functions:
 *     sm_vector *v = sm_vector_new_dt(dt, rows);
 *     ARRAY:  append each element to v->children[0] (any sm_vector_append_*,
 *             recursively a nested builder), then sm_vector_end_list(v);
 *     MAP:    append the keys to children[0] and as many values to
 *             children[1], then sm_vector_end_list(v);
 *     STRUCT: append exactly one value (or null) to every children[f], then
 *             sm_vector_end_struct(v);
 *     a null row: sm_vector_append_null(v) (a STRUCT appends a null to every
 *             child itself).
 * Row i of an ARRAY / MAP spans children rows [off[i], off[i+1]) with
 * off = SM_VEC_OFF(v) (sm_vector_list_range).
 *
 * Equality, hash and ordering of any row (scalar or nested) as Spark groups
 * and sorts: null = null for grouping, NaN = NaN, -0.0 = 0.0; arrays order
 * element by element (a null element first) then by length, structs field
 * by field. */
sm_vector *sm_vector_new_dt(const sm_dtype *dt, int64_t capacity); /* any type */
/* Parses a type as Spark's DDL writes it, nested ones included
 * ("array<int>", "map<string, array<bigint>>", "struct<a: int, `b c` string
 * NOT NULL>"): its id, *out the descriptor; -1 when it is no type. */
int sm_dtype_parse(const char *s, size_t len, const sm_dtype **out);
int sm_vector_set_dt(sm_vector *v, const sm_dtype *dt); /* adopt a type (no-op when set) */
int sm_vector_end_list(sm_vector *v);
int sm_vector_end_struct(sm_vector *v);
static inline void sm_vector_list_range(const sm_vector *v, int64_t row, int64_t *start,
                                        int64_t *end) {
    *start = SM_VEC_OFF(v)[row];
    *end = SM_VEC_OFF(v)[row + 1];
}
int sm_vector_compare_rows(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb);
bool sm_vector_rows_equal(const sm_vector *a, int64_t ra, const sm_vector *b, int64_t rb);
uint64_t sm_vector_hash_row(const sm_vector *v, int64_t row);
/* vector.c's helpers for nested types (not for general use) */
int sm_nested_append_null(sm_vector *v);
int sm_nested_append_from(sm_vector *v, const sm_vector *src, int64_t row);
sm_vector *sm_nested_take(const sm_vector *src, const int32_t *sel, int64_t n);
sm_vector *sm_nested_from_value(const sm_value *x, sm_type type, int64_t n);

/* ---- schemas ---------------------------------------------------------- */

typedef struct {
    char *name;
    sm_type type;
    bool nullable;
    char *qualifier; /* the relation the column comes from ("t" in t.col, a table or
                        alias name), or NULL; used to resolve qualified references */
    int8_t precision, scale; /* SM_DECIMAL; interval start/end fields */
    const sm_dtype *dt;      /* nested types: the full type; else NULL */
} sm_field;

typedef struct sm_schema {
    int ncols;
    sm_field *fields;
} sm_schema;

sm_schema *sm_schema_new(int ncols);            /* names NULL, to be filled */
sm_schema *sm_schema_copy(const sm_schema *s);
void sm_schema_free(sm_schema *s);
int sm_schema_set(sm_schema *s, int col, const char *name, sm_type type, bool nullable);
/* Case-insensitive lookup (Spark's default). -1 when absent, -2 ambiguous. */
int sm_schema_find(const sm_schema *s, const char *name);
/* Parses "id INT, name STRING" (Spark's DDL; backquoted names allowed). */
int sm_schema_parse_ddl(const char *ddl, sm_schema **out);
/* A column's type as Spark's DataType.sql writes it, which
 * sm_schema_parse_ddl and CAST read back: INT, DECIMAL(10,2), INTERVAL DAY
 * TO SECOND, ARRAY<STRUCT<a: INT, `b c`: STRING>> (field names keep their
 * case). */
void sm_field_type_ddl(const sm_field *f, char *buf, size_t cap);
/* "`a` INT, `b` array<int>" (names backquoted); not_null adds NOT NULL to
 * non-nullable columns.  Appends to out (NUL-terminated). */
int sm_schema_ddl(const sm_schema *s, bool not_null, sm_buf *out);

/* ---- batches ---------------------------------------------------------- */

/* Rows per batch that scans aim for. */
#define SM_BATCH_ROWS 4096

typedef struct sm_batch {
    int ncols;
    int64_t nrows;
    sm_vector **cols; /* one reference each */
} sm_batch;

sm_batch *sm_batch_new(int ncols, int64_t nrows); /* cols NULL, to be filled */
void sm_batch_free(sm_batch *b);
/* New batch with rows sel[0..n) of every column. */
sm_batch *sm_batch_take(const sm_batch *b, const int32_t *sel, int64_t n);

#endif
