/*
 * json.h — reading and writing JSON lines the way Spark 3.5 does.
 *
 *     sm_source *src;
 *     const char *opts[] = {"multiLine", "true", NULL};
 *     int rc = json_source_create(paths, npaths, opts, NULL, sm_tz_utc(), pool, &src);
 *
 * Files:
 *   json_tok.c    the tokenizer: one JSON value into a small tree (json_doc)
 *                 with Jackson's feature switches (comments, single quotes,
 *                 unquoted names, leading zeros, NaN/Infinity, ...).
 *   json_infer.c  schema inference (Spark's JsonInferSchema) over trees.
 *   json_read.c   options, conversion of trees to vectors (JacksonParser),
 *                 the split reader and the source.
 *   json_write.c  one JSON lines part file (JacksonGenerator's output).
 *
 * Reader options (keys case-insensitive, Spark's defaults): multiLine,
 * primitivesAsString, prefersDecimal, allowComments, allowUnquotedFieldNames,
 * allowSingleQuotes (true), allowNumericLeadingZeros, allowNonNumericNumbers
 * (true), allowBackslashEscapingAnyCharacter, allowUnquotedControlChars,
 * dateFormat, timestampFormat, samplingRatio, dropFieldIfAllNull, mode,
 * columnNameOfCorruptRecord, encoding/charset (UTF-8), lineSep.  docs/json.md.
 */
#ifndef SM_JSON_H
#define SM_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pool.h"
#include "formats/source.h"
#include "fs/codec.h"
#include "fs/fs.h"
#include "types/datetime.h"
#include "types/types.h"

enum { JSON_PERMISSIVE, JSON_DROPMALFORMED, JSON_FAILFAST };

typedef struct json_options {
    bool multiline, primitives_as_string, prefers_decimal, allow_comments;
    bool allow_unquoted_names, allow_single_quotes, allow_leading_zeros, allow_nonnumeric;
    bool allow_backslash_any, allow_control_chars, drop_field_if_all_null;
    double sampling_ratio;  /* (0, 1] */
    int mode;               /* JSON_PERMISSIVE ... */
    char *corrupt_col;      /* "_corrupt_record" */
    char *date_format, *timestamp_format; /* NULL: Spark's default parsing */
    char *line_sep;         /* NULL: \n, \r\n or \r */
    int line_sep_len;
} json_options;

int json_options_parse(const char *const *kv, json_options *out);
void json_options_free(json_options *o);

/* Target split size for line mode (a variable so tests can force splits). */
extern int64_t json_split_bytes;

int json_source_create(const char *const *paths, int npaths, const char *const *options_kv,
                       const char *schema_ddl, const sm_tz *tz, sm_pool *pool, sm_source **out);
/* Over an already listed set of files (formats/dataset.c); takes ownership
 * of the list's contents (also on failure). */
int json_source_create_list(sm_fs_list *files, const char *const *options_kv, const char *schema_ddl,
                            const sm_tz *tz, sm_pool *pool, sm_source **out);

/* ---- the value tree (json_tok.c) --------------------------------------- */

enum {
    JN_NULL, JN_FALSE, JN_TRUE,
    JN_INT,     /* integer text (-?digits) */
    JN_FLOAT,   /* number with a fraction or exponent */
    JN_NAN, JN_POS_INF, JN_NEG_INF, /* allowNonNumericNumbers */
    JN_STRING,
    JN_ARRAY, JN_OBJECT,
};

/* A node: scalars hold their text (unescaped for strings, the literal for
 * numbers) at doc->text[off, off+len); arrays and objects chain their
 * children through first/next (node indices, -1 = none); object members
 * carry their key at text[key_off, key_off+key_len). */
typedef struct {
    uint8_t kind;
    int32_t first, next, nkids;
    int32_t off, len;
    int32_t key_off, key_len;
} json_node;

typedef struct json_doc {
    const json_options *opt;
    json_node *nodes;
    int32_t n, cap;
    char *text;
    int64_t text_len, text_cap;
    int depth;
    const char *err;    /* what went wrong (static text) */
    int64_t err_at;     /* byte offset of the error in the input */
} json_doc;

void json_doc_init(json_doc *d, const json_options *opt);
void json_doc_free(json_doc *d);
/* Parses the first value in [p, end) (after whitespace and, when allowed,
 * comments) into d (reset first); *root its node, *next the position after
 * it.  Returns 0, 1 when there is no value (only whitespace), or -1 on a
 * syntax error (d->err, d->err_at), -2 on NOMEM. */
int json_parse_value(json_doc *d, const char *p, const char *end, int32_t *root, const char **next);
/* Skips whitespace (and comments when allowed); true when only those remain. */
bool json_only_blank(const json_options *opt, const char *p, const char *end);
static inline const char *json_text(const json_doc *d, const json_node *n) { return d->text + n->off; }
static inline const char *json_key(const json_doc *d, const json_node *n) { return d->text + n->key_off; }

/* Writes node `n` as Jackson's copyCurrentStructure does (compact; numbers
 * re-serialized: floats by Double.toString), appending to out. */
int json_node_serialize(const json_doc *d, int32_t n, sm_buf *out);
/* Appends s as a JSON string literal with Jackson's escaping. */
int json_escape_string(sm_buf *out, const char *s, int32_t len);

/* ---- conversion (json_read.c) ----------------------------------------- */

/* What the converters need (the reader's scan, or from_json's options). */
typedef struct json_conv_cfg {
    const json_options *opt;
    const sm_tz *tz;
    const sm_dtfmt *date_fmt, *ts_fmt; /* NULL: Spark's default parsing */
} json_conv_cfg;
/* Appends node ni of d (ni < 0: null) converted to dt to v as JacksonParser
 * does (v NULL: a dry run); *bad (may be NULL) gets whether some value did
 * not convert (that value is null).  SM_OK or SM_NOMEM. */
int json_convert(const json_conv_cfg *cfg, const json_doc *d, int32_t ni, const sm_dtype *dt, sm_vector *v,
                 bool *bad);

/* ---- inference (json_infer.c) ------------------------------------------ */

/* The type of one value as JsonInferSchema.inferField gives it (never NULL
 * except on NOMEM). */
const sm_dtype *json_infer_node(const json_options *o, const json_doc *d, int32_t n);
/* compatibleType of two inferred types. */
const sm_dtype *json_merge_types(const sm_dtype *a, const sm_dtype *b);
/* The root type of a record merged into the running root (compatibleRootType);
 * corrupt = the record did not parse. */
const sm_dtype *json_merge_root(const json_options *o, const sm_dtype *acc, const sm_dtype *rec);
/* The final struct (canonicalizeType): null → string, dropFieldIfAllNull;
 * never NULL except on NOMEM (an empty struct when nothing is left). */
const sm_dtype *json_canonical_root(const json_options *o, const sm_dtype *root);

/* ---- writing (json_write.c) -------------------------------------------- */

typedef struct json_write_opts {
    bool ignore_null_fields;       /* true */
    bool gzip;                     /* codec == SM_FS_CODEC_GZIP */
    sm_fs_codec codec;             /* compression (none) */
    char *date_format, *timestamp_format, *timestamp_ntz_format;
    sm_dtfmt *date_fmt, *ts_fmt, *ts_ntz_fmt;
    char *line_sep;                /* "\n" */
} json_write_opts;

int json_write_opts_parse(const char *const *options, json_write_opts *out);
void json_write_opts_free(json_write_opts *o);
const char *json_write_extension(const json_write_opts *o); /* ".json", ".json.gz", ".json.bz2"... */

typedef struct json_writer json_writer;
int json_writer_open(const char *path, const sm_schema *schema, const json_write_opts *opts,
                     const sm_tz *tz, json_writer **out);
int json_writer_write_batch(json_writer *w, const sm_batch *b);
int json_writer_close(json_writer *w);
void json_writer_abort(json_writer *w);
/* One row of b as a JSON object (no line separator), appended to out. */
/* One value (row `row` of v, of type dt; null → null) as JSON, appended. */
int json_format_value(const json_write_opts *o, const sm_tz *tz, const sm_vector *v, int64_t row,
                      const sm_dtype *dt, sm_buf *out);
int json_format_row(const json_write_opts *o, const sm_schema *schema, const sm_tz *tz,
                    const sm_batch *b, int64_t row, sm_buf *out);

#endif
