/*
 * csv.h — reading CSV the way Spark 3.5 does.
 *
 *     sm_source *src;
 *     const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
 *     int rc = csv_source_create(paths, npaths, opts, NULL, sm_tz_utc(), pool, &src);
 *
 * The source's splits are ~32 MiB byte ranges of the files (one split per
 * file with multiLine=true); each split opens as an sm_reader that yields
 * batches of at most SM_BATCH_ROWS rows in file order.
 *
 * Options (keys case-insensitive, Spark's defaults): header, inferSchema,
 * sep/delimiter, quote, escape, nullValue, emptyValue, dateFormat,
 * timestampFormat, mode, columnNameOfCorruptRecord, multiLine,
 * ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace, comment,
 * encoding/charset, lineSep, preferDate, nanValue, positiveInf, negativeInf.
 * Unknown keys are ignored (Spark ignores them too); bad values give
 * SM_INVALID naming the option.
 *
 * Ownership: the source owns copies of everything passed in except `tz`
 * (process-lifetime zones) and `pool` (must outlive create; it is only used
 * during create, for schema inference).
 */
#ifndef SM_CSV_H
#define SM_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pool.h"
#include "formats/source.h"
#include "fs/fs.h"
#include "types/datetime.h"
#include "types/types.h"

/* Target split size (bytes) for line-oriented reading; a variable so tests
 * can force many splits on small files. */
#define CSV_SPLIT_BYTES_DEFAULT (32LL << 20)
extern int64_t csv_split_bytes;
/* Ranks of a distributed run (exchange/comm.c sets it): with more than one,
 * a scan's files are cut into a multiple of this many equal splits (about
 * csv_split_bytes each), so that dealing split i to rank i % ranks gives
 * every rank the same bytes. */
extern int csv_split_ranks;

enum { CSV_PERMISSIVE, CSV_DROPMALFORMED, CSV_FAILFAST };

/* Parsed options (csv_options.c).  Strings are owned (sm_malloc). */
typedef struct csv_options {
    bool header, infer_schema, multiline, prefer_date;
    bool ignore_leading_ws, ignore_trailing_ws;
    char *sep;           /* 1+ bytes */
    int sep_len;
    int quote;           /* byte, or -1 when quoting is off (quote="") */
    int escape;          /* byte, or -1 */
    int comment;         /* byte, or -1 when unset */
    char *null_value;    /* default "" */
    char *empty_value;   /* default "" */
    char *nan_value, *pos_inf, *neg_inf;   /* "NaN", "Inf", "-Inf" */
    char *date_format;   /* NULL = Spark's default parsing */
    char *timestamp_format;
    int mode;            /* CSV_PERMISSIVE ... */
    char *corrupt_col;   /* default "_corrupt_record" */
    char *line_sep;      /* NULL = any of \n, \r\n, \r */
    int line_sep_len;
    bool latin1;         /* input is ISO-8859-1: transcode to UTF-8 */
    /* Lengths of the strings above, computed once by csv_options_parse. */
    int32_t null_len, empty_len, nan_len, pos_inf_len, neg_inf_len, special_max_len;
} csv_options;

/* Parses key/value pairs (NULL-terminated list "k","v",...).  On failure
 * returns SM_INVALID / SM_UNSUPPORTED with a message naming the option. */
int csv_options_parse(const char *const *kv, csv_options *out);
void csv_options_free(csv_options *o);

int csv_source_create(const char *const *paths, int npaths, const char *const *options_kv,
                      const char *schema_ddl, const sm_tz *tz, sm_pool *pool, sm_source **out);

/* The same over an already listed set of files (formats/dataset.c), read in
 * the list's order when it is already largest first; takes ownership of
 * the list's contents (also on failure). */
int csv_source_create_list(sm_fs_list *files, const char *const *options_kv, const char *schema_ddl,
                           const sm_tz *tz, sm_pool *pool, sm_source **out);

/* ---- internal: shared by csv_read.c and csv_infer.c ------------------ */

/* One field of a record: points into the input, or into the tokenizer's
 * scratch buffer when unescaping was needed. */
typedef struct {
    const char *ptr;
    int32_t len;
    uint8_t quoted; /* 1 when the field was quoted (an empty quoted field is
                       emptyValue, an empty unquoted one is null) */
} csv_field;

typedef struct csv_tokenizer {
    const csv_options *opt;
    uint8_t special[256]; /* bytes that stop an unquoted field */
    bool fast_ok;         /* options allow the SIMD path (csv_read.c) */
    int stop_after;       /* > 0: the SIMD path may end a record after this
                             many fields, at the line end (line mode with
                             pruned columns: later fields are not needed) */
    csv_field *fields;
    int nfields, cap;
    sm_buf scratch;       /* unescaped quoted fields, reset per record */
} csv_tokenizer;

int csv_tokenizer_init(csv_tokenizer *t, const csv_options *opt);
void csv_tokenizer_free(csv_tokenizer *t);

/* Parses one record starting at p (< end).  Returns SM_OK and sets
 * *rec_end (end of the record's text, before its terminator) and *next
 * (start of the next record).  *skip is set for records Spark filters out
 * (blank lines, comment lines). */
int csv_next_record(csv_tokenizer *t, const char *p, const char *end, const char **rec_end,
                    const char **next, bool *skip);

/* Tokenizes a run of plain records from p (line mode, fast_ok options):
 * records whose fields are all unquoted, that start before `stop` with a
 * byte above ' ' other than the comment and quote characters, and whose
 * line end lies in a whole 64-byte block before `end`.  Record r's
 * first ncols fields go to win[r * ncols ...] (missing ones as unquoted
 * empty fields, i.e. null; extra ones are only counted), its field count
 * to nfields[r] when nfields is not NULL.  Stops at the first record it
 * does not take (csv_next_record handles it) or after `max` records;
 * returns how many it took and sets *next to where the next record starts.
 * With t->stop_after set (1..ncols), a record ends at its line end once it
 * has that many fields, as in the SIMD path (its count is then
 * stop_after, and later fields may be quoted).
 * The fields are the ones csv_next_record gives (test_csv_fast).  Uses AVX2
 * when the CPU has it (csv_window_simd: -1 choose, 0 SSE2, 1 AVX2). */
int csv_tokenize_window(const csv_tokenizer *t, const char *p, const char *stop, const char *end,
                        int ncols, csv_field *win, int32_t *nfields, int max, const char **next);
extern int csv_window_simd;

/* First record start at or after `pos` in [0, len) (line mode: just after a
 * line terminator), or len when none. */
int64_t csv_align_split(const csv_options *opt, const char *data, int64_t len, int64_t pos);

/* Value of a field as Spark's converters see it: false when it is null
 * (unquoted empty, or equal to nullValue); otherwise *s, *n hold the text. */
bool csv_field_text(const csv_options *opt, const csv_field *f, const char **s, int32_t *n);

/* Converters (Java's parsing rules).  false when the text is invalid. */
bool csv_parse_int32(const char *s, int32_t n, int32_t *out);
bool csv_parse_int64(const char *s, int32_t n, int64_t *out);
bool csv_parse_double(const csv_options *opt, const char *s, int32_t n, double *out);
bool csv_parse_bool(const char *s, int32_t n, bool *out);

/* Fast paths (csv_fast.c): exact results for one strict common spelling,
 * false for anything else (then use the general converter). */
bool csv_fast_date(const char *s, int32_t n, int32_t *days);  /* yyyy-MM-dd */
bool csv_fast_dec(const char *s, int32_t n, int precision, int scale, int64_t *out);
bool csv_fast_ts(const char *s, int32_t n, int64_t *micros);    /* yyyy-MM-dd HH:mm:ss, UTC */

/* Schema inference over files (csv_infer.c).  types[ncols] in/out: starts
 * at SM_NULLTYPE; becomes the merged type of every column. */
typedef sm_fs_split csv_split;

/* Batches parsed while inferring the schema (csv_infer.c builds them,
 * csv_read.c hands them out once): the rows of one split from file offset
 * `start` to the split's end, converted with the inferred types. */
typedef struct csv_split_cache {
    int64_t start;      /* file offset of the first cached record */
    int nbatches, cap, next;
    struct sm_batch **batches;
} csv_split_cache;

void csv_split_cache_free(csv_split_cache *c);

struct csv_scan;

/* The reader's conversion of one field's text to `type` (false: the text
 * does not convert) and its append, shared with the cache builder. */
bool csv_convert_field(const struct csv_scan *scan, sm_type type, const char *s, int32_t n,
                       sm_value *v);
int csv_append_value(sm_vector *vec, const sm_value *v);

/* Bytes of counted memory (sm_mem_in_use) past which inference stops
 * keeping parsed batches: SMELT_CSV_CACHE_MEMORY, default a quarter of
 * RAM; 0 turns the cache off. */
int64_t csv_cache_limit(void);

typedef struct csv_scan {
    csv_options opt;
    const sm_tz *tz;
    bool tz_utc;          /* tz is UTC: timestamps may take csv_fast_ts */
    struct sm_dtfmt *date_fmt, *ts_fmt;
    int nfiles;
    char **files;
    int64_t *sizes;
    int nsplits;
    csv_split *splits;
    int ndata_cols;       /* columns in the file (schema minus corrupt col) */
    int corrupt_index;    /* output column of the corrupt record, or -1 */
    int *data_to_out;     /* data column -> output column */
    sm_schema *schema;    /* output schema */
    bool *data_required;  /* per data column: convert it (NULL = all); set_required */
    bool *out_skip;       /* per output column: produced all-null (pruned) */
    bool pruned;          /* some data column is not required */
    bool count_only;      /* no data column required: rows counted, not tokenized */
    /* per split: batches parsed during inference, or NULL; a reader takes
     * its split's (atomically) and the next reader parses again */
    csv_split_cache *_Atomic *cache;
} csv_scan;

int csv_infer_types(csv_scan *scan, sm_pool *pool, int ncols, sm_type *types);

#endif
