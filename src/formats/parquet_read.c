/*
 * parquet_read.c — the Parquet source: footers, schemas, row-group splits,
 * and column chunk readers that turn pages into smelt vectors.
 *
 * Layout of a Parquet file (parquet-format README):
 *     "PAR1" | column chunks (pages) ... | FileMetaData (Thrift) | u32 len | "PAR1"
 * A row group holds one column chunk per leaf column; a chunk is a sequence
 * of pages: at most one dictionary page first, then data pages (v1 or v2),
 * each with a Thrift PageHeader followed by its (possibly compressed) bytes.
 *
 * Algorithm:
 *   1. create: expand the paths, read every footer (in parallel on the pool
 *      when one is given), map each file's flat schema to smelt types
 *      (map_column), take the output schema from the first file or the
 *      user's DDL, and make one split per non-empty row group, files
 *      ordered largest first as Spark packs its partitions.
 *   2. open(split): map the file, match each output column to a leaf of
 *      this file by name, and set up one chunk reader per column.
 *   3. next: every column reads the same n rows (n <= SM_BATCH_ROWS) of its
 *      chunk.  A chunk reader walks pages lazily: definition levels (an RLE
 *      stream) tell null from value rows, values come from the page's value
 *      decoder (parquet_encoding.c) or from dictionary indices, raw physical
 *      values are converted to the column's smelt type (convert()).
 *
 * Invariants:
 *   1. Every offset and length from the file is checked against the mapped
 *      bytes before use; a chunk's pages may not run into the footer.
 *   2. A chunk reader never holds more than one page (plus the dictionary)
 *      decompressed; scratch buffers are SM_BATCH_ROWS entries.
 *   3. Errors name the file, the column and the row group
 *      ("reading /x/y.parquet, column `a`, row group 2: ...").
 *
 * Memory: the scan owns its files' metadata (one arena per file) and the
 * output schema; a reader owns its mapping and chunk buffers; batches are
 * handed to the caller.  Readers of different splits run concurrently and
 * share only the scan's read-only metadata (bytes_read is atomic).
 */
#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "formats/parquet.h"
#include "formats/parquet_nested.h"
#include "fs/fs.h"
#include "types/decimal.h"

/* How raw physical values become smelt values. */
enum {
    CV_NULL, CV_BOOL, CV_I32, CV_U8, CV_U16, CV_U32, CV_I64, CV_U64_DEC, CV_TS_MS, CV_TS_US,
    CV_TS_NS, CV_TIME_MS, CV_TIME_US, CV_TIME_NS, CV_INT96, CV_FLOAT, CV_DOUBLE, CV_STR, CV_UUID, CV_F16, CV_DEC32, CV_DEC64, CV_DECBIN,
    CV_NESTED /* a list, map or struct column: `node` (parquet_nested.c) */
};

typedef struct {
    char *name;
    int leaf;         /* index of its column chunk in a row group (nested: the first) */
    int ptype, type_len;
    int max_def;      /* top-level leaves: 0 (required) or 1 (optional) */
    int conv;         /* CV_... */
    sm_type type;
    int8_t precision, scale;
    int max_rep;      /* leaves of nested columns: their maximum repetition level */
    const sm_dtype *dt;      /* CV_NESTED: the column's type */
    const pqn_node *node;    /* CV_NESTED: its tree; nleaves leaves from `leaf` */
    int nleaves;
} pq_col;

typedef struct {
    char *path;
    int64_t size;
    sm_arena *arena;
    pq_file_meta meta;
    int ncols;
    pq_col *cols;
    int64_t footer_start; /* pages must end before it */
    int nleaves;
    pq_col *leaves;       /* every column chunk's leaf (flat columns: copies of cols) */
} pq_file;

typedef struct {
    int file, rg;
} pq_split;

typedef struct {
    int nfiles;
    pq_file *files;
    int nsplits;
    pq_split *splits;
    sm_schema *schema; /* output (after projection) */
    _Atomic int64_t bytes_read;
    _Atomic int64_t row_groups_read;
    bool *required;    /* schema->ncols entries (set_required), NULL = all */
    bool *skip;        /* nsplits entries: proven empty by statistics (set_filters) */
    int nskipped;
    char *base_description; /* without the pushed filters */
} pq_scan;

/* ---- footers and schemas ----------------------------------------------------- */

static const char *base_name(const char *p) {
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static int unsupported_col(const char *file, const char *col, const char *what) {
    return sm_err(SM_UNSUPPORTED,
                  "reading %s: column `%s` is %s, which smelt cannot read yet (flat schemas of "
                  "primitive columns only); select other columns or convert the file",
                  file, col, what);
}

/* parquet-cpp 1.x wrote ConvertedType 24 ("NA") for all-null columns. */
#define PQ_CT_LEGACY_NA 24

/* The annotation must suit the physical type (LogicalTypes.md); pyarrow
 * refuses the same files. */
static int check_annotation(const char *file, const pq_schema_elem *e) {
    int t = e->type, ct = e->converted;
    const char *need = NULL;
    switch (ct) {
    case PQ_CT_UTF8:
    case PQ_CT_ENUM:
    case PQ_CT_JSON:
    case PQ_CT_BSON:
        if (t != PQ_BYTE_ARRAY) need = "BYTE_ARRAY";
        break;
    case PQ_CT_DATE:
    case PQ_CT_TIME_MILLIS:
    case PQ_CT_INT_8:
    case PQ_CT_INT_16:
    case PQ_CT_INT_32:
    case PQ_CT_UINT_8:
    case PQ_CT_UINT_16:
    case PQ_CT_UINT_32:
        if (t != PQ_INT32) need = "INT32";
        break;
    case PQ_CT_TIME_MICROS:
    case PQ_CT_TIMESTAMP_MILLIS:
    case PQ_CT_TIMESTAMP_MICROS:
    case PQ_CT_INT_64:
    case PQ_CT_UINT_64:
        if (t != PQ_INT64) need = "INT64";
        break;
    case PQ_CT_DECIMAL:
        if (t != PQ_INT32 && t != PQ_INT64 && t != PQ_BYTE_ARRAY && t != PQ_FIXED_LEN_BYTE_ARRAY)
            need = "INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY";
        break;
    case PQ_CT_INTERVAL:
        if (t != PQ_FIXED_LEN_BYTE_ARRAY || e->type_length != 12) need = "FIXED_LEN_BYTE_ARRAY(12)";
        break;
    default: break;
    }
    static const char *const ct_names[] = {
        "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS",
        "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8",
        "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL"};
    if (need)
        return sm_err(SM_MALFORMED, "reading %s: column `%s` is %s annotated %s, which can only annotate %s",
                      file, e->name, pq_ptype_name(t), ct_names[ct], need);
    const pq_logical *lt = &e->logical;
    switch (lt->kind) {
    case PQ_LT_STRING:
    case PQ_LT_ENUM:
    case PQ_LT_JSON:
    case PQ_LT_BSON:
        if (t != PQ_BYTE_ARRAY) need = "BYTE_ARRAY";
        break;
    case PQ_LT_DATE:
        if (t != PQ_INT32) need = "INT32";
        break;
    case PQ_LT_TIMESTAMP:
        if (t != PQ_INT64) need = "INT64";
        break;
    case PQ_LT_INTEGER:
        if (lt->bit_width != 8 && lt->bit_width != 16 && lt->bit_width != 32 && lt->bit_width != 64)
            return sm_err(SM_MALFORMED, "reading %s: column `%s` is an INTEGER of %d bits", file, e->name,
                          lt->bit_width);
        if (lt->bit_width == 64 ? t != PQ_INT64 : t != PQ_INT32) need = lt->bit_width == 64 ? "INT64" : "INT32";
        break;
    case PQ_LT_UUID:
        if (t != PQ_FIXED_LEN_BYTE_ARRAY || e->type_length != 16) need = "FIXED_LEN_BYTE_ARRAY(16)";
        break;
    case PQ_LT_FLOAT16:
        if (t != PQ_FIXED_LEN_BYTE_ARRAY || e->type_length != 2) need = "FIXED_LEN_BYTE_ARRAY(2)";
        break;
    default: break;
    }
    if (need)
        return sm_err(SM_MALFORMED, "reading %s: column `%s` is %s with a logical type that can only "
                      "annotate %s", file, e->name, pq_ptype_name(t), need);
    return SM_OK;
}

/* The smelt type of one leaf (Spark's ParquetToSparkSchemaConverter, flat
 * cases). */
static int map_column(const char *file, const pq_schema_elem *e, pq_col *c) {
    const pq_logical *lt = &e->logical;
    int ct = e->converted;
    c->ptype = e->type;
    c->type_len = e->type_length;
    c->precision = c->scale = 0;
    char what[96];
    SM_TRY(check_annotation(file, e));
    if (lt->kind == PQ_LT_UNKNOWN || ct == PQ_CT_LEGACY_NA) {
        c->conv = CV_NULL;
        c->type = SM_NULLTYPE;
        return SM_OK;
    }
    bool is_dec = lt->kind == PQ_LT_DECIMAL || (lt->kind == PQ_LT_NONE && ct == PQ_CT_DECIMAL);
    if (is_dec) {
        int p = lt->kind == PQ_LT_DECIMAL ? lt->precision : e->precision;
        int s = lt->kind == PQ_LT_DECIMAL ? lt->scale : e->scale;
        if (p < 1 || s < 0 || s > p)
            return sm_err(SM_MALFORMED, "reading %s: column `%s` declares DECIMAL(%d,%d)", file, e->name, p, s);
        if (p > SM_DEC_MAX_PRECISION) {
            snprintf(what, sizeof what, "DECIMAL(%d,%d), wider than 38 digits", p, s);
            return unsupported_col(file, e->name, what);
        }
        c->type = SM_DECIMAL;
        c->precision = (int8_t)p;
        c->scale = (int8_t)s;
        switch (e->type) {
        case PQ_INT32: c->conv = CV_DEC32; return SM_OK;
        case PQ_INT64: c->conv = CV_DEC64; return SM_OK;
        case PQ_BYTE_ARRAY:
        case PQ_FIXED_LEN_BYTE_ARRAY: c->conv = CV_DECBIN; return SM_OK;
        default:
            return sm_err(SM_MALFORMED, "reading %s: column `%s` is a DECIMAL stored as %s", file,
                          e->name, pq_ptype_name(e->type));
        }
    }
    if (lt->kind == PQ_LT_TIME || (lt->kind == PQ_LT_NONE && (ct == PQ_CT_TIME_MILLIS || ct == PQ_CT_TIME_MICROS))) {
        /* Spark 4.1's TimeType(6), isAdjustedToUTC either way; nanoseconds
         * floor to microseconds, values outside a day wrap as pyarrow does */
        int unit = lt->kind == PQ_LT_TIME ? lt->unit : ct == PQ_CT_TIME_MILLIS ? PQ_UNIT_MILLIS : PQ_UNIT_MICROS;
        int need = unit == PQ_UNIT_MILLIS ? PQ_INT32 : PQ_INT64;
        if (!unit || e->type != need)
            return sm_err(SM_MALFORMED, "reading %s: column `%s` is a TIME%s stored as %s", file, e->name,
                          unit ? "" : " without a unit", pq_ptype_name(e->type));
        c->type = SM_TIME;
        c->precision = sm_time_slot(6);
        c->conv = unit == PQ_UNIT_MILLIS ? CV_TIME_MS : unit == PQ_UNIT_MICROS ? CV_TIME_US : CV_TIME_NS;
        return SM_OK;
    }
    if (ct == PQ_CT_INTERVAL) return unsupported_col(file, e->name, "an INTERVAL column");
    if (lt->kind == PQ_LT_VARIANT || lt->kind == PQ_LT_GEOMETRY || lt->kind == PQ_LT_GEOGRAPHY ||
        lt->kind == PQ_LT_OTHER)
        return unsupported_col(file, e->name, "of a logical type smelt does not know");
    switch (e->type) {
    case PQ_BOOLEAN:
        c->conv = CV_BOOL;
        c->type = SM_BOOLEAN;
        return SM_OK;
    case PQ_INT32: {
        c->conv = CV_I32;
        c->type = SM_INT;
        if (lt->kind == PQ_LT_DATE || (lt->kind == PQ_LT_NONE && ct == PQ_CT_DATE)) {
            c->type = SM_DATE;
            return SM_OK;
        }
        bool is_unsigned = false;
        int bits = 32;
        if (lt->kind == PQ_LT_INTEGER) {
            is_unsigned = !lt->is_signed;
            bits = lt->bit_width;
        } else if (ct == PQ_CT_UINT_8 || ct == PQ_CT_UINT_16 || ct == PQ_CT_UINT_32) {
            is_unsigned = true;
            bits = ct == PQ_CT_UINT_8 ? 8 : ct == PQ_CT_UINT_16 ? 16 : 32;
        }
        if (!is_unsigned && (bits == 8 || ct == PQ_CT_INT_8)) c->type = SM_TINYINT;
        else if (!is_unsigned && (bits == 16 || ct == PQ_CT_INT_16)) c->type = SM_SMALLINT;
        if (is_unsigned) {
            if (bits == 8) c->conv = CV_U8, c->type = SM_SMALLINT; /* Spark: UINT_8 → short */
            else if (bits == 16) c->conv = CV_U16;
            else {
                c->conv = CV_U32;
                c->type = SM_BIGINT;
            }
        }
        return SM_OK;
    }
    case PQ_INT64: {
        c->conv = CV_I64;
        c->type = SM_BIGINT;
        int unit = 0;
        if (lt->kind == PQ_LT_TIMESTAMP) unit = lt->unit;
        else if (lt->kind == PQ_LT_NONE && ct == PQ_CT_TIMESTAMP_MILLIS) unit = PQ_UNIT_MILLIS;
        else if (lt->kind == PQ_LT_NONE && ct == PQ_CT_TIMESTAMP_MICROS) unit = PQ_UNIT_MICROS;
        if (lt->kind == PQ_LT_TIMESTAMP && !unit)
            return sm_err(SM_MALFORMED, "reading %s: column `%s` is a TIMESTAMP without a unit", file, e->name);
        if (unit) {
            /* Spark 3.5 (inferTimestampNTZ): not adjusted to UTC → TIMESTAMP_NTZ */
            c->type = lt->kind == PQ_LT_TIMESTAMP && !lt->utc ? SM_TIMESTAMP_NTZ : SM_TIMESTAMP;
            c->conv = unit == PQ_UNIT_MILLIS ? CV_TS_MS : unit == PQ_UNIT_MICROS ? CV_TS_US : CV_TS_NS;
            return SM_OK;
        }
        bool is_unsigned = (lt->kind == PQ_LT_INTEGER && !lt->is_signed) ||
                           (lt->kind == PQ_LT_NONE && ct == PQ_CT_UINT_64);
        if (is_unsigned) {
            c->conv = CV_U64_DEC;
            c->type = SM_DECIMAL;
            c->precision = 20;
            c->scale = 0;
        }
        return SM_OK;
    }
    case PQ_INT96:
        c->conv = CV_INT96;
        c->type = SM_TIMESTAMP;
        return SM_OK;
    case PQ_FLOAT:
        c->conv = CV_FLOAT;
        c->type = SM_FLOAT;
        return SM_OK;
    case PQ_DOUBLE:
        c->conv = CV_DOUBLE;
        c->type = SM_DOUBLE;
        return SM_OK;
    case PQ_BYTE_ARRAY:
        c->conv = CV_STR;
        c->type = SM_STRING;
        /* Spark: text only when annotated so (STRING/UTF8, ENUM, JSON); else BINARY */
        if (!(lt->kind == PQ_LT_STRING || lt->kind == PQ_LT_ENUM || lt->kind == PQ_LT_JSON ||
              ct == PQ_CT_UTF8 || ct == PQ_CT_ENUM || ct == PQ_CT_JSON))
            c->type = SM_BINARY;
        return SM_OK;
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (e->type_length <= 0)
            return sm_err(SM_MALFORMED, "reading %s: column `%s` is FIXED_LEN_BYTE_ARRAY of length %d",
                          file, e->name, e->type_length);
        c->conv = CV_STR;
        c->type = SM_BINARY;
        if (lt->kind == PQ_LT_UUID && e->type_length == 16) c->conv = CV_UUID, c->type = SM_STRING;
        if (lt->kind == PQ_LT_FLOAT16 && e->type_length == 2) {
            c->conv = CV_F16;
            c->type = SM_DOUBLE;
        }
        return SM_OK;
    default:
        return sm_err(SM_MALFORMED, "reading %s: column `%s` has physical type %d", file, e->name, e->type);
    }
}

/* parquet_nested.c's leaf mapping: a leaf of a nested column. */
static int map_nested_leaf(void *ctx, const pq_schema_elem *e, int leaf, int max_def, int max_rep,
                           const sm_dtype **dt) {
    pq_file *f = ctx;
    pq_col *c = &f->leaves[leaf];
    c->name = e->name;
    c->leaf = leaf;
    c->max_def = max_def;
    c->max_rep = max_rep;
    SM_TRY(map_column(f->path, e, c));
    *dt = sm_dtype_scalar(c->type, c->precision, c->scale);
    return *dt ? SM_OK : SM_NOMEM;
}

static int build_columns(pq_file *f) {
    const pq_file_meta *m = &f->meta;
    if (m->nschema < 1) return sm_err(SM_MALFORMED, "reading %s: the footer has an empty schema", f->path);
    const pq_schema_elem *root = &m->schema[0];
    int n = root->num_children;
    if (n < 0 || n > m->nschema - 1)
        return sm_err(SM_MALFORMED, "reading %s: the schema root claims %d columns but the footer lists %d",
                      f->path, n, m->nschema - 1);
    f->cols = sm_arena_alloc(f->arena, (size_t)(n ? n : 1) * sizeof *f->cols);
    f->leaves = sm_arena_alloc(f->arena, (size_t)m->nschema * sizeof *f->leaves);
    if (!f->cols || !f->leaves) return SM_NOMEM;
    int i = 1, leaf = 0, kept = 0;
    for (int c = 0; c < n; c++) {
        if (i >= m->nschema)
            return sm_err(SM_MALFORMED, "reading %s: the schema ends before its column %d", f->path, c + 1);
        const pq_schema_elem *e = &m->schema[i];
        pq_col *col = &f->cols[kept++];
        int end;
        if ((e->num_children > 0 || e->type < 0) && pqn_leafless(m->schema, m->nschema, i, &end)) {
            kept--; /* a group without leaves: no column (parquet_nested.c) */
            i = end;
            continue;
        }
        if (e->num_children > 0 || e->type < 0 || e->repetition == PQ_REPEATED) {
            /* a list, map or struct (parquet_nested.c) */
            pqn_node *node;
            SM_TRY(pqn_build(f->path, m->schema, m->nschema, &i, &leaf, f->arena, map_nested_leaf, f, &node));
            col->name = e->name;
            col->leaf = node->first_leaf;
            col->nleaves = node->nleaves;
            col->conv = CV_NESTED;
            col->type = node->dt->id;
            col->dt = node->dt;
            col->node = node;
            col->ptype = -1;
            continue;
        }
        if (e->converted == PQ_CT_LIST || e->converted == PQ_CT_MAP || e->converted == PQ_CT_MAP_KEY_VALUE ||
            e->logical.kind == PQ_LT_LIST || e->logical.kind == PQ_LT_MAP)
            return sm_err(SM_MALFORMED, "reading %s: column `%s` is a primitive annotated as a list or map",
                          f->path, e->name);
        col->name = e->name;
        col->leaf = leaf;
        col->max_def = e->repetition == PQ_REQUIRED ? 0 : 1;
        SM_TRY(map_column(f->path, e, col));
        f->leaves[leaf++] = *col;
        i++;
    }
    if (i != m->nschema)
        return sm_err(SM_MALFORMED, "reading %s: the schema lists %d elements but its root has %d children",
                      f->path, m->nschema, n);
    f->ncols = kept;
    f->nleaves = leaf;
    for (int g = 0; g < m->nrow_groups; g++) {
        const pq_row_group *rg = &m->row_groups[g];
        if (rg->num_rows < 0)
            return sm_err(SM_MALFORMED, "reading %s: row group %d has %lld rows", f->path, g,
                          (long long)rg->num_rows);
        if (rg->ncolumns != f->nleaves)
            return sm_err(SM_MALFORMED, "reading %s: row group %d has %d column chunks for %d leaf columns",
                          f->path, g, rg->ncolumns, f->nleaves);
        for (int c = 0; c < f->nleaves; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            if (cc->encrypted)
                return sm_err(SM_UNSUPPORTED, "reading %s: column `%s` is encrypted; smelt cannot read "
                              "encrypted Parquet files", f->path, f->leaves[c].name);
            if (!cc->has_meta)
                return sm_err(SM_MALFORMED, "reading %s: row group %d, column `%s` has no metadata",
                              f->path, g, f->leaves[c].name);
            if (cc->file_path)
                return sm_err(SM_UNSUPPORTED, "reading %s: column `%s` lives in another file (%s); "
                              "smelt reads self-contained Parquet files only", f->path, f->leaves[c].name,
                              cc->file_path);
            if (cc->meta.type != f->leaves[c].ptype)
                return sm_err(SM_MALFORMED, "reading %s: row group %d, column `%s` is %s in its chunk "
                              "but %s in the schema", f->path, g, f->leaves[c].name,
                              pq_ptype_name(cc->meta.type), pq_ptype_name(f->leaves[c].ptype));
        }
    }
    return SM_OK;
}

static int load_footer(pq_file *f) {
    uint8_t tail[8], head[4];
    int64_t got = 0;
    if (f->size < 12)
        return sm_err(SM_MALFORMED, "reading %s: not a Parquet file (%lld bytes, too short for the "
                      "PAR1 header and footer)", f->path, (long long)f->size);
    SM_TRY(sm_fs_read_range(f->path, f->size - 8, 8, tail, &got));
    if (got != 8) return sm_err(SM_IO, "reading %s: short read of the footer", f->path);
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return sm_err(SM_UNSUPPORTED, "reading %s: the file is encrypted (PARE footer); smelt cannot "
                      "read encrypted Parquet files", f->path);
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return sm_err(SM_MALFORMED, "reading %s: not a Parquet file (it does not end with the PAR1 "
                      "magic)", f->path);
    SM_TRY(sm_fs_read_range(f->path, 0, 4, head, &got));
    if (got != 4 || memcmp(head, "PAR1", 4) != 0)
        return sm_err(SM_MALFORMED, "reading %s: not a Parquet file (it does not start with PAR1)", f->path);
    uint32_t flen;
    memcpy(&flen, tail, 4);
    if ((int64_t)flen > f->size - 12)
        return sm_err(SM_MALFORMED, "reading %s: the footer length %u is larger than the file", f->path, flen);
    f->footer_start = f->size - 8 - (int64_t)flen;
    uint8_t *buf = sm_malloc(flen ? flen : 1);
    if (!buf) return SM_NOMEM;
    int rc = sm_fs_read_range(f->path, f->footer_start, flen, buf, &got);
    if (rc == SM_OK && got != (int64_t)flen) rc = sm_err(SM_IO, "reading %s: short read of the footer", f->path);
    if (rc == SM_OK) {
        rc = pq_decode_file_meta(buf, flen, f->arena, &f->meta);
        if (rc) sm_err_prefix(rc, "reading %s: the footer is corrupt: ", f->path);
    }
    sm_free(buf);
    SM_TRY(rc);
    if (f->meta.encrypted)
        return sm_err(SM_UNSUPPORTED, "reading %s: the file is encrypted; smelt cannot read encrypted "
                      "Parquet files", f->path);
    return build_columns(f);
}

static int load_task(void *arg, int i) {
    pq_scan *scan = arg;
    return load_footer(&scan->files[i]);
}

/* ---- decoding pages ---------------------------------------------------------- */

typedef struct pq_chunk_s {
    const pq_col *col;       /* NULL: the file lacks the column (all null) */
    const char *path;
    const uint8_t *file;     /* the mapped file */
    int64_t pos, limit;      /* next page header; end of page data */
    int codec;
    int64_t values_left;     /* from the chunk metadata */
    /* dictionary */
    uint8_t *dict_buf;
    void *dict_vals;
    int32_t dict_n;
    bool has_dict;
    sm_vector *dict_vec;     /* CV_STR: the dictionary as a string vector (+16 bytes of padding) */
    int32_t *codes;          /* the batch being read: dictionary codes per row, or NULL */
    bool codes_ok;           /* every value of that batch came from dictionary pages */
    /* current data page */
    uint8_t *page_buf;
    size_t page_cap;
    int64_t page_left;       /* rows left in it */
    bool page_dict;
    pq_rle_dec def;
    bool def_legacy;         /* deprecated BIT_PACKED levels (MSB first) */
    const uint8_t *legacy_p;
    size_t legacy_len;
    uint64_t legacy_bit;
    pq_rle_dec idx;
    pq_vdec vd;
    /* scratch of SM_BATCH_ROWS entries */
    uint32_t *lvl, *ids;
    uint8_t *raw;
    /* leaves of nested columns: repetition levels and a window of decoded
     * (rep, def) pairs with their values (parquet_nested.c reads them) */
    pq_rle_dec rep;
    uint32_t *rlv;
    int wpos, wlen, wvpos;
    sm_vector *wvals;
    /* a nested column: one chunk per leaf */
    struct pq_chunk_s *sub;
    int nsub;
} pq_chunk;

static void chunk_free(pq_chunk *ch) {
    for (int i = 0; i < ch->nsub; i++) chunk_free(&ch->sub[i]);
    sm_free(ch->sub);
    sm_free(ch->rlv);
    if (ch->wvals) sm_vector_unref(ch->wvals);
    if (ch->dict_vec) sm_vector_unref(ch->dict_vec);
    sm_free(ch->dict_buf);
    sm_free(ch->dict_vals);
    sm_free(ch->page_buf);
    sm_free(ch->lvl);
    sm_free(ch->ids);
    sm_free(ch->raw);
    pq_vdec_free(&ch->vd);
}

/* Decompresses a page body into *buf (grown as needed). */
static int page_body(pq_chunk *ch, const uint8_t *src, size_t n, size_t out_len, bool compressed,
                     uint8_t **buf, size_t *cap) {
    if (out_len > (1u << 30))
        return sm_err(SM_MALFORMED, "a page of %zu bytes (more than 1 GiB)", out_len);
    if (*cap < out_len + 1 || !*buf) {
        uint8_t *b = sm_realloc(*buf, out_len + 1);
        if (!b) return SM_NOMEM;
        *buf = b;
        *cap = out_len + 1;
    }
    if (n == 0 && out_len == 0) return SM_OK; /* an empty page body is never compressed */
    int codec = compressed ? ch->codec : PQ_CODEC_UNCOMPRESSED;
    return pq_decompress(codec, src, n, *buf, out_len);
}

/* The string dictionary as a vector: rows are read from it by copying
 * (dict_strings) and batches reference it as their dictionary side channel
 * (sm_vector.dict).  Its bytes end with 16 zero bytes of padding so short
 * strings are copied with fixed-size moves. */
static int dict_vector(pq_chunk *ch) {
    const pq_bin *d = ch->dict_vals;
    int64_t total = 0;
    for (int32_t i = 0; i < ch->dict_n; i++) total += d[i].len;
    sm_vector *v = sm_vector_new(ch->col->type, ch->dict_n);
    if (!v) return SM_NOMEM;
    if (sm_vector_reserve_bytes(v, total + 16) != SM_OK) {
        sm_vector_unref(v);
        return SM_NOMEM;
    }
    int32_t *off = SM_VEC_OFF(v);
    int64_t o = 0;
    off[0] = 0;
    for (int32_t i = 0; i < ch->dict_n; i++) {
        if (d[i].len) memcpy(v->bytes + o, d[i].ptr, (size_t)d[i].len);
        o += d[i].len;
        off[i + 1] = (int32_t)o;
    }
    memset(v->bytes + o, 0, 16);
    v->bytes_len = o;
    v->length = ch->dict_n;
    ch->dict_vec = v;
    return SM_OK;
}

static int load_dictionary(pq_chunk *ch, const pq_page_header *h, const uint8_t *data) {
    if (ch->has_dict) return sm_err(SM_MALFORMED, "a second dictionary page");
    if (!h->has_dict) return sm_err(SM_MALFORMED, "a dictionary page without its header");
    int32_t n = h->dict.num_values;
    if (h->dict.encoding != PQ_ENC_PLAIN && h->dict.encoding != PQ_ENC_PLAIN_DICTIONARY)
        return sm_err(SM_UNSUPPORTED, "a dictionary page encoded %s", pq_encoding_name(h->dict.encoding));
    size_t cap = 0;
    SM_TRY(page_body(ch, data, (size_t)h->compressed_page_size, (size_t)h->uncompressed_page_size, true,
                     &ch->dict_buf, &cap));
    size_t len = (size_t)h->uncompressed_page_size;
    /* PLAIN values take at least this many bits each: bounds the allocation */
    int pt = ch->col->ptype;
    uint64_t bits = pt == PQ_BOOLEAN ? 1 : pt == PQ_BYTE_ARRAY ? 32
                  : pt == PQ_FIXED_LEN_BYTE_ARRAY ? (uint64_t)ch->col->type_len * 8
                  : (uint64_t)pq_raw_width(pt) * 8;
    if (n < 0 || (uint64_t)n * bits > (uint64_t)len * 8)
        return sm_err(SM_MALFORMED, "a dictionary page claims %d values in %zu bytes", n, len);
    ch->dict_vals = sm_malloc((size_t)(n ? n : 1) * pq_raw_width(ch->col->ptype));
    if (!ch->dict_vals) return SM_NOMEM;
    pq_vdec d = {0};
    int rc = pq_vdec_init(&d, PQ_ENC_PLAIN, ch->col->ptype, ch->col->type_len, ch->dict_buf, len);
    if (rc == SM_OK) rc = pq_vdec_get(&d, ch->dict_vals, n);
    pq_vdec_free(&d);
    SM_TRY(rc);
    ch->dict_n = n;
    ch->has_dict = true;
    if (ch->col->conv == CV_STR && n > 0) SM_TRY(dict_vector(ch));
    return SM_OK;
}

/* Sets up the value decoder for the values section of a data page. */
static int start_values(pq_chunk *ch, int encoding, const uint8_t *p, size_t len) {
    ch->page_dict = encoding == PQ_ENC_PLAIN_DICTIONARY || encoding == PQ_ENC_RLE_DICTIONARY;
    if (ch->page_dict) {
        if (!ch->has_dict) return sm_err(SM_MALFORMED, "a dictionary-encoded data page without a dictionary page");
        if (len < 1) {
            pq_rle_init(&ch->idx, p, 0, 0);
            return SM_OK; /* fine while every row is null */
        }
        int bw = p[0];
        if (bw > 32) return sm_err(SM_MALFORMED, "dictionary indices of bit width %d", bw);
        pq_rle_init(&ch->idx, p + 1, len - 1, bw);
        return SM_OK;
    }
    return pq_vdec_init(&ch->vd, encoding, ch->col->ptype, ch->col->type_len, p, len);
}

static int next_data_page(pq_chunk *ch) {
    for (;;) {
        if (ch->pos >= ch->limit)
            return sm_err(SM_MALFORMED, "the column chunk ends before all of the row group's rows "
                          "(%lld values not found)", (long long)ch->values_left);
        pq_page_header h;
        size_t hlen;
        int rc = pq_decode_page_header(ch->file + ch->pos, (size_t)(ch->limit - ch->pos), &h, &hlen);
        if (rc) return sm_err_prefix(rc, "a page header at offset %lld is corrupt: ", (long long)ch->pos);
        ch->pos += (int64_t)hlen;
        if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
            h.compressed_page_size > ch->limit - ch->pos)
            return sm_err(SM_MALFORMED, "the page at offset %lld declares %d compressed bytes (%lld left "
                          "before the footer)", (long long)(ch->pos - (int64_t)hlen), h.compressed_page_size,
                          (long long)(ch->limit - ch->pos));
        const uint8_t *data = ch->file + ch->pos;
        ch->pos += h.compressed_page_size;
        if (h.type == PQ_PAGE_DICTIONARY) {
            SM_TRY(load_dictionary(ch, &h, data));
            continue;
        }
        if (h.type == PQ_PAGE_DATA) {
            if (!h.has_data) return sm_err(SM_MALFORMED, "a data page without its header");
            int32_t nv = h.data.num_values;
            if (nv < 0) return sm_err(SM_MALFORMED, "a data page with %d values", nv);
            if (nv == 0) continue;
            SM_TRY(page_body(ch, data, (size_t)h.compressed_page_size, (size_t)h.uncompressed_page_size,
                             true, &ch->page_buf, &ch->page_cap));
            const uint8_t *p = ch->page_buf, *end = p + h.uncompressed_page_size;
            ch->def_legacy = false;
            if (ch->col->max_rep > 0) {
                if (h.data.rep_encoding != PQ_ENC_RLE)
                    return sm_err(SM_UNSUPPORTED, "repetition levels encoded %s",
                                  pq_encoding_name(h.data.rep_encoding));
                if (end - p < 4) return sm_err(SM_MALFORMED, "a data page too short for its repetition levels");
                uint32_t n;
                memcpy(&n, p, 4);
                p += 4;
                if (n > (uint64_t)(end - p))
                    return sm_err(SM_MALFORMED, "repetition levels of %u bytes run past the page", n);
                pq_rle_init(&ch->rep, p, n, pq_bit_width((uint64_t)ch->col->max_rep));
                p += n;
            }
            if (ch->col->max_def > 0) {
                int bw = pq_bit_width((uint64_t)ch->col->max_def);
                if (h.data.def_encoding == PQ_ENC_RLE) {
                    if (end - p < 4) return sm_err(SM_MALFORMED, "a data page too short for its definition levels");
                    uint32_t n;
                    memcpy(&n, p, 4);
                    p += 4;
                    if (n > (uint64_t)(end - p))
                        return sm_err(SM_MALFORMED, "definition levels of %u bytes run past the page", n);
                    pq_rle_init(&ch->def, p, n, bw);
                    p += n;
                } else if (h.data.def_encoding == PQ_ENC_BIT_PACKED) {
                    uint64_t n = ((uint64_t)nv * (uint64_t)bw + 7) / 8;
                    if (n > (uint64_t)(end - p))
                        return sm_err(SM_MALFORMED, "BIT_PACKED definition levels run past the page");
                    ch->def_legacy = true;
                    ch->legacy_p = p;
                    ch->legacy_len = n;
                    ch->legacy_bit = 0;
                    p += n;
                } else {
                    return sm_err(SM_UNSUPPORTED, "definition levels encoded %s",
                                  pq_encoding_name(h.data.def_encoding));
                }
            }
            SM_TRY(start_values(ch, h.data.encoding, p, (size_t)(end - p)));
            ch->page_left = nv;
            return SM_OK;
        }
        if (h.type == PQ_PAGE_DATA_V2) {
            if (!h.has_data_v2) return sm_err(SM_MALFORMED, "a data page v2 without its header");
            const pq_data_page_header_v2 *d = &h.data_v2;
            if (d->num_values < 0 || d->num_nulls < 0 || d->num_rows < 0 || d->def_len < 0 || d->rep_len < 0 ||
                (int64_t)d->def_len + d->rep_len > h.compressed_page_size ||
                (int64_t)d->def_len + d->rep_len > h.uncompressed_page_size)
                return sm_err(SM_MALFORMED, "a data page v2 with inconsistent sizes (%d values, %d nulls, "
                              "levels %d+%d bytes of %d)", d->num_values, d->num_nulls, d->rep_len,
                              d->def_len, h.compressed_page_size);
            if (d->num_values == 0) continue;
            const uint8_t *lv = data + d->rep_len;
            size_t body = (size_t)h.compressed_page_size - (size_t)d->rep_len - (size_t)d->def_len;
            size_t ubody = (size_t)h.uncompressed_page_size - (size_t)d->rep_len - (size_t)d->def_len;
            SM_TRY(page_body(ch, data + d->rep_len + d->def_len, body, ubody, d->is_compressed,
                             &ch->page_buf, &ch->page_cap));
            ch->def_legacy = false;
            if (ch->col->max_rep > 0)
                pq_rle_init(&ch->rep, data, (size_t)d->rep_len, pq_bit_width((uint64_t)ch->col->max_rep));
            if (ch->col->max_def > 0)
                pq_rle_init(&ch->def, lv, (size_t)d->def_len, pq_bit_width((uint64_t)ch->col->max_def));
            SM_TRY(start_values(ch, d->encoding, ch->page_buf, ubody));
            ch->page_left = d->num_values;
            return SM_OK;
        }
        /* index pages and unknown page types are skipped */
    }
}

static int read_levels(pq_chunk *ch, uint32_t *out, int n) {
    if (!ch->def_legacy) return pq_rle_get(&ch->def, out, n);
    int bw = pq_bit_width((uint64_t)ch->col->max_def);
    for (int i = 0; i < n; i++) {
        uint32_t x = 0;
        for (int k = 0; k < bw; k++, ch->legacy_bit++) {
            uint64_t b = ch->legacy_bit;
            if ((b >> 3) >= ch->legacy_len) return sm_err(SM_MALFORMED, "BIT_PACKED levels end early");
            x = (x << 1) | ((ch->legacy_p[b >> 3] >> (7 - (b & 7))) & 1);
        }
        out[i] = x;
    }
    return SM_OK;
}

static inline double half_to_double(uint16_t h) {
    int s = h >> 15, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 0) v = ldexp((double)m, -24);
    else if (e == 31) v = m ? NAN : INFINITY;
    else v = ldexp((double)(m | 0x400), e - 25);
    return s ? -v : v;
}

static int dec_from_bytes(const pq_bin *b, __int128 *out) {
    if (b->len == 0) return sm_err(SM_MALFORMED, "a decimal value of 0 bytes");
    const uint8_t *p = b->ptr;
    int32_t len = b->len;
    /* leading bytes beyond 16 must be sign extension */
    while (len > 16) {
        uint8_t ext = (p[1] & 0x80) ? 0xff : 0x00;
        if (p[0] != ext) return sm_err(SM_MALFORMED, "a decimal value wider than 16 bytes");
        p++;
        len--;
    }
    unsigned __int128 u = (p[0] & 0x80) ? ~(unsigned __int128)0 : 0;
    for (int32_t i = 0; i < len; i++) u = (u << 8) | p[i];
    *out = (__int128)u;
    return SM_OK;
}

static int put_str(sm_vector *v, int64_t row, const char *s, int32_t len) {
    SM_TRY(sm_vector_reserve_bytes(v, len));
    if (len) memcpy(v->bytes + v->bytes_len, s, (size_t)len);
    v->bytes_len += len;
    SM_VEC_OFF(v)[row + 1] = (int32_t)v->bytes_len;
    return SM_OK;
}

/* A Parquet TIME value of `unit_ns` nanoseconds per unit as a time(6):
 * nanoseconds since midnight, floored to a microsecond, wrapped into one
 * day (a negative value, as a timetz file may hold, is that much before
 * midnight: pyarrow's datetime.time does the same). */
static int64_t time_of_day(int64_t v, int64_t unit_ns) {
    __int128 t = (__int128)v * unit_ns;
    __int128 us = t / 1000 - (t % 1000 < 0);
    __int128 day = (__int128)86400 * 1000000;
    us %= day;
    if (us < 0) us += day;
    return (int64_t)us * 1000;
}

/* Converts nn raw values into rows [row0, row0+k) of v; lvl[r] == 1 marks a
 * value row (lvl NULL: all rows are values). */
static int convert(const pq_col *col, const void *raw, const uint32_t *lvl, sm_vector *v, int64_t row0,
                   int k) {
    int j = 0;
#define EACH(BODY)                                                          \
    for (int r = 0; r < k; r++) {                                           \
        int64_t row = row0 + r;                                             \
        if (lvl && !lvl[r]) {                                               \
            SM_TRY(sm_vector_set_null(v, row));                             \
            if (sm_type_phys(v->type) == SM_STRING) SM_VEC_OFF(v)[row + 1] = SM_VEC_OFF(v)[row]; \
            else memset((char *)v->data + (size_t)row * sm_type_width(v->type), 0, sm_type_width(v->type)); \
            continue;                                                       \
        }                                                                   \
        BODY;                                                               \
        j++;                                                                \
    }
    switch (col->conv) {
    case CV_BOOL: { const uint8_t *s = raw; EACH(SM_VEC_BOOL(v)[row] = s[j] ? 1 : 0); break; }
    case CV_I32: { const int32_t *s = raw; EACH(SM_VEC_I32(v)[row] = s[j]); break; }
    case CV_U8: { const int32_t *s = raw; EACH(SM_VEC_I32(v)[row] = (uint8_t)s[j]); break; }
    case CV_U16: { const int32_t *s = raw; EACH(SM_VEC_I32(v)[row] = (uint16_t)s[j]); break; }
    case CV_U32: { const int32_t *s = raw; EACH(SM_VEC_I64(v)[row] = (uint32_t)s[j]); break; }
    case CV_I64:
    case CV_TS_US: { const int64_t *s = raw; EACH(SM_VEC_I64(v)[row] = s[j]); break; }
    case CV_TS_MS: { const int64_t *s = raw; EACH(SM_VEC_I64(v)[row] = (int64_t)((uint64_t)s[j] * 1000u)); break; }
    case CV_TS_NS: {
        const int64_t *s = raw;
        EACH(int64_t x = s[j]; SM_VEC_I64(v)[row] = x / 1000 - (x % 1000 < 0));
        break;
    }
    case CV_TIME_MS: { const int32_t *s = raw; EACH(SM_VEC_I64(v)[row] = time_of_day(s[j], 1000000)); break; }
    case CV_TIME_US: { const int64_t *s = raw; EACH(SM_VEC_I64(v)[row] = time_of_day(s[j], 1000)); break; }
    case CV_TIME_NS: { const int64_t *s = raw; EACH(SM_VEC_I64(v)[row] = time_of_day(s[j], 1)); break; }
    case CV_INT96: {
        const uint8_t *s = raw;
        EACH(uint64_t nanos; uint32_t jd; memcpy(&nanos, s + 12 * (size_t)j, 8); memcpy(&jd, s + 12 * (size_t)j + 8, 4);
             SM_VEC_I64(v)[row] = (int64_t)(((uint64_t)(int64_t)((int64_t)jd - 2440588) * 86400000000ull) +
                                            (uint64_t)((int64_t)nanos / 1000)));
        break;
    }
    case CV_FLOAT: { const float *s = raw; EACH(SM_VEC_F64(v)[row] = (double)s[j]); break; }
    case CV_DOUBLE: { const double *s = raw; EACH(SM_VEC_F64(v)[row] = s[j]); break; }
    case CV_F16: {
        const pq_bin *s = raw;
        EACH(SM_VEC_F64(v)[row] = half_to_double((uint16_t)(s[j].ptr[0] | s[j].ptr[1] << 8)));
        break;
    }
    case CV_STR: { const pq_bin *s = raw; EACH(SM_TRY(put_str(v, row, (const char *)s[j].ptr, s[j].len))); break; }
    case CV_UUID: {
        const pq_bin *s = raw;
        EACH(char t[40]; int o = 0; for (int b = 0; b < 16; b++) {
            if (b == 4 || b == 6 || b == 8 || b == 10) t[o++] = '-';
            o += snprintf(t + o, 3, "%02x", s[j].ptr[b]);
        } SM_TRY(put_str(v, row, t, 36)));
        break;
    }
    case CV_DEC32: { const int32_t *s = raw; EACH(((__int128 *)v->data)[row] = s[j]); break; }
    case CV_DEC64: { const int64_t *s = raw; EACH(((__int128 *)v->data)[row] = s[j]); break; }
    case CV_U64_DEC: { const int64_t *s = raw; EACH(((__int128 *)v->data)[row] = (uint64_t)s[j]); break; }
    case CV_DECBIN: {
        const pq_bin *s = raw;
        EACH(__int128 x = 0; SM_TRY(dec_from_bytes(&s[j], &x)); ((__int128 *)v->data)[row] = x);
        break;
    }
    default:
        return sm_err(SM_INTERNAL, "parquet: unknown conversion %d", col->conv);
    }
#undef EACH
    return SM_OK;
}

/* Rows [row0, row0+k) of string vector v from dictionary ids ch->ids[0..nn)
 * (lvl as in convert): the bytes are reserved once and strings of up to 16
 * bytes copied with two fixed 8-byte moves (the dictionary and the
 * reservation both have 16 bytes of slack).  Records the codes when the batch
 * collects them (ch->codes). */
static int dict_strings(pq_chunk *ch, const uint32_t *lvl, sm_vector *v, int64_t row0, int k, int nn) {
    const sm_vector *d = ch->dict_vec;
    const int32_t *doff = SM_VEC_OFF(d);
    const uint32_t *ids = ch->ids;
    int64_t total = 0;
    uint32_t bad = 0, dn = (uint32_t)ch->dict_n;
    for (int i = 0; i < nn; i++) bad |= ids[i] >= dn;
    if (bad)
        for (int i = 0; i < nn; i++)
            if (ids[i] >= dn)
                return sm_err(SM_MALFORMED, "dictionary index %u out of range (the dictionary has %d values)",
                              ids[i], ch->dict_n);
    for (int i = 0; i < nn; i++) total += doff[ids[i] + 1] - doff[ids[i]];
    SM_TRY(sm_vector_reserve_bytes(v, total + 16));
    int32_t *off = SM_VEC_OFF(v);
    int32_t *codes = ch->codes;
    char *out = v->bytes;
    int64_t o = v->bytes_len;
    for (int r = 0, j = 0; r < k; r++) {
        int64_t row = row0 + r;
        if (lvl && !lvl[r]) {
            SM_TRY(sm_vector_set_null(v, row));
            off[row + 1] = (int32_t)o;
            if (codes) codes[row] = -1;
            continue;
        }
        uint32_t id = ids[j++];
        int32_t s = doff[id], len = doff[id + 1] - s;
        const char *src = d->bytes + s;
        if (len <= 16) {
            memcpy(out + o, src, 8);
            memcpy(out + o + 8, src + 8, 8);
        } else {
            memcpy(out + o, src, (size_t)len);
        }
        o += len;
        off[row + 1] = (int32_t)o;
        if (codes) codes[row] = (int32_t)id;
    }
    v->bytes_len = o;
    return SM_OK;
}

/* raw[0..nn) = dictionary values ch->ids[0..nn) (range-checked first), with
 * fixed-size moves for the common widths. */
static int dict_gather(pq_chunk *ch, int nn, size_t rw) {
    const uint32_t *ids = ch->ids;
    uint32_t bad = 0, dn = (uint32_t)ch->dict_n;
    for (int i = 0; i < nn; i++) bad |= ids[i] >= dn;
    if (bad)
        for (int i = 0; i < nn; i++)
            if (ids[i] >= dn)
                return sm_err(SM_MALFORMED, "dictionary index %u out of range (the dictionary has %d values)",
                              ids[i], ch->dict_n);
    const uint8_t *d = ch->dict_vals;
    uint8_t *out = ch->raw;
    if (rw == 4) {
        for (int i = 0; i < nn; i++) memcpy(out + (size_t)i * 4, d + (size_t)ids[i] * 4, 4);
    } else if (rw == 8) {
        for (int i = 0; i < nn; i++) memcpy(out + (size_t)i * 8, d + (size_t)ids[i] * 8, 8);
    } else if (rw == 16) {
        for (int i = 0; i < nn; i++) memcpy(out + (size_t)i * 16, d + (size_t)ids[i] * 16, 16);
    } else {
        for (int i = 0; i < nn; i++) memcpy(out + (size_t)i * rw, d + (size_t)ids[i] * rw, rw);
    }
    return SM_OK;
}

/* Reads the next k (<= SM_BATCH_ROWS) rows of the chunk into v at row0. */
static int chunk_read(pq_chunk *ch, sm_vector *v, int64_t row0, int k) {
    size_t rw = pq_raw_width(ch->col->ptype);
    while (k > 0) {
        if (ch->page_left == 0) SM_TRY(next_data_page(ch));
        int n = ch->page_left < k ? (int)ch->page_left : k;
        int nn = n;
        uint32_t *lvl = NULL;
        if (ch->col->max_def > 0) {
            SM_TRY(read_levels(ch, ch->lvl, n));
            nn = 0;
            uint32_t over = 0; /* branch-free, so the loop vectorizes */
            for (int i = 0; i < n; i++) {
                over |= ch->lvl[i] & ~1u;
                nn += (int)ch->lvl[i];
            }
            if (over)
                for (int i = 0; i < n; i++)
                    if (ch->lvl[i] > 1) return sm_err(SM_MALFORMED, "a definition level of %u (at most 1 here)", ch->lvl[i]);
            lvl = nn == n ? NULL : ch->lvl;
        }
        if (ch->page_dict && ch->dict_vec) {
            SM_TRY(pq_rle_get(&ch->idx, ch->ids, nn));
            SM_TRY(dict_strings(ch, lvl, v, row0, n, nn));
        } else if (ch->page_dict) {
            SM_TRY(pq_rle_get(&ch->idx, ch->ids, nn));
            SM_TRY(dict_gather(ch, nn, rw));
        } else {
            ch->codes_ok = false;
            SM_TRY(pq_vdec_get(&ch->vd, ch->raw, nn));
        }
        if (!(ch->page_dict && ch->dict_vec)) SM_TRY(convert(ch->col, ch->raw, lvl, v, row0, n));
        ch->page_left -= n;
        ch->values_left -= n;
        row0 += n;
        k -= n;
    }
    return SM_OK;
}

/* ---- leaves of nested columns (parquet_nested.c reads them as pqn_leaves) ------- */

/* Decodes the next window of (rep, def) pairs of a leaf with their values. */
static int leaf_refill(pq_chunk *ch) {
    const pq_col *col = ch->col;
    if (ch->page_left == 0) SM_TRY(next_data_page(ch));
    int m = ch->page_left < SM_BATCH_ROWS ? (int)ch->page_left : SM_BATCH_ROWS;
    if (col->max_rep > 0) SM_TRY(pq_rle_get(&ch->rep, ch->rlv, m));
    else memset(ch->rlv, 0, (size_t)m * sizeof *ch->rlv);
    if (col->max_def > 0) SM_TRY(read_levels(ch, ch->lvl, m));
    else memset(ch->lvl, 0, (size_t)m * sizeof *ch->lvl);
    int nn = 0;
    for (int i = 0; i < m; i++) {
        if (ch->rlv[i] > (uint32_t)col->max_rep || ch->lvl[i] > (uint32_t)col->max_def)
            return sm_err(SM_MALFORMED, "levels (%u, %u) beyond the leaf's maximum (%d, %d)", ch->rlv[i],
                          ch->lvl[i], col->max_rep, col->max_def);
        nn += ch->lvl[i] == (uint32_t)col->max_def;
    }
    if (ch->wvals) sm_vector_unref(ch->wvals);
    ch->wvals = NULL;
    if (col->conv != CV_NULL && nn > 0) {
        size_t rw = pq_raw_width(col->ptype);
        if (ch->page_dict) {
            SM_TRY(pq_rle_get(&ch->idx, ch->ids, nn));
            for (int i = 0; i < nn; i++) {
                if (ch->ids[i] >= (uint32_t)ch->dict_n)
                    return sm_err(SM_MALFORMED, "dictionary index %u out of range (the dictionary has %d values)",
                                  ch->ids[i], ch->dict_n);
                memcpy(ch->raw + (size_t)i * rw, (const uint8_t *)ch->dict_vals + (size_t)ch->ids[i] * rw, rw);
            }
        } else {
            SM_TRY(pq_vdec_get(&ch->vd, ch->raw, nn));
        }
        ch->wvals = sm_vector_new(col->type, nn);
        if (!ch->wvals) return SM_NOMEM;
        ch->wvals->precision = col->precision;
        ch->wvals->scale = col->scale;
        SM_TRY(convert(col, ch->raw, NULL, ch->wvals, 0, nn));
        ch->wvals->length = nn;
    }
    ch->page_left -= m;
    ch->values_left -= m;
    ch->wpos = ch->wvpos = 0;
    ch->wlen = m;
    return SM_OK;
}

static pq_chunk *leaf_chunk(void *ctx, int leaf) {
    pq_chunk *ch = ctx;
    int i = leaf - ch->col->leaf;
    return i >= 0 && i < ch->nsub ? &ch->sub[i] : NULL;
}

static int leaf_peek(void *ctx, int leaf, int *rep, int *def, bool *eof) {
    pq_chunk *ch = leaf_chunk(ctx, leaf);
    if (!ch) return sm_err(SM_INTERNAL, "parquet: no leaf %d", leaf);
    *eof = false;
    if (ch->wpos >= ch->wlen) {
        if (ch->values_left <= 0) {
            *eof = true;
            return SM_OK;
        }
        SM_TRY(leaf_refill(ch));
    }
    *rep = (int)ch->rlv[ch->wpos];
    *def = (int)ch->lvl[ch->wpos];
    return SM_OK;
}

static int leaf_take(void *ctx, int leaf, sm_vector *dst) {
    pq_chunk *ch = leaf_chunk(ctx, leaf);
    if (!ch || ch->wpos >= ch->wlen) return sm_err(SM_INTERNAL, "parquet: leaf %d taken before peeked", leaf);
    bool value = ch->lvl[ch->wpos++] == (uint32_t)ch->col->max_def;
    int rc = SM_OK;
    if (dst) {
        if (value && ch->wvals) rc = sm_vector_append_from(dst, ch->wvals, ch->wvpos);
        else rc = sm_vector_append_null(dst);
    }
    if (value && ch->wvals) ch->wvpos++;
    return rc;
}

/* ---- splits and readers ------------------------------------------------------ */

typedef struct {
    sm_reader base;
    pq_scan *scan;
    const pq_file *file;
    int rg;
    sm_fs_map map;
    bool mapped;
    int64_t rows_left;
    int64_t row;              /* rows read so far */
    int ncols;
    pq_chunk *chunks;         /* one per output column */
    const pq_col **convs;     /* the file's column, possibly NULL */
    pq_col *widen;            /* output-typed copies where the file's type is narrower */
    bool keep_dict;          /* attach dictionary codes to string vectors (SMELT_PARQUET_DICT != 0) */
} pq_reader;

static void reader_close(sm_reader *r0) {
    pq_reader *r = (pq_reader *)r0;
    if (!r) return;
    for (int c = 0; r->chunks && c < r->ncols; c++) chunk_free(&r->chunks[c]);
    sm_free(r->chunks);
    sm_free(r->convs);
    sm_free(r->widen);
    if (r->mapped) sm_fs_unmap(&r->map);
    sm_free(r);
}

static sm_vector *new_vec(const sm_field *f, int64_t n) {
    sm_vector *v = sm_vector_new(f->type, n);
    if (!v) return NULL;
    v->precision = f->precision;
    v->scale = f->scale;
    return v;
}

/* int → bigint widening when a file stores a column narrower than the schema. */
static int widen_vec(sm_vector **pv, const sm_field *f) {
    sm_vector *in = *pv;
    if (in->type == f->type) return SM_OK;
    sm_vector *out = new_vec(f, in->length);
    if (!out) return SM_NOMEM;
    for (int64_t i = 0; i < in->length; i++) {
        if (sm_vector_is_null(in, i)) {
            SM_TRY(sm_vector_set_null(out, i));
            SM_VEC_I64(out)[i] = 0;
        } else {
            SM_VEC_I64(out)[i] = SM_VEC_I32(in)[i];
        }
    }
    out->length = in->length;
    sm_vector_unref(in);
    *pv = out;
    return SM_OK;
}

static int reader_next(sm_reader *r0, sm_batch **out) {
    pq_reader *r = (pq_reader *)r0;
    *out = NULL;
    if (r->rows_left <= 0) return SM_OK;
    int n = r->rows_left < SM_BATCH_ROWS ? (int)r->rows_left : SM_BATCH_ROWS;
    sm_batch *b = sm_batch_new(r->ncols, n);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < r->ncols; c++) {
        const sm_field *f = &r->scan->schema->fields[c];
        pq_chunk *ch = &r->chunks[c];
        sm_vector *v;
        if (ch->col && ch->col->conv == CV_NESTED) {
            v = sm_vector_new_dt(ch->col->dt, n);
            if (!v) { sm_batch_free(b); return SM_NOMEM; }
            b->cols[c] = v;
            pqn_leaves L = {leaf_peek, leaf_take, ch};
            int rc = pqn_assemble(ch->col->node, &L, n, v);
            if (rc) {
                sm_batch_free(b);
                return sm_err_prefix(rc, "reading %s, column `%s`, row group %d: ", r->file->path, ch->col->name,
                                     r->rg);
            }
            continue;
        }
        if (f->dt && sm_type_is_nested(f->type)) { /* not read: nulls of its type */
            v = sm_vector_new_dt(f->dt, n);
            for (int64_t i = 0; v && i < n; i++)
                if (sm_vector_append_null(v) != SM_OK) {
                    sm_vector_unref(v);
                    v = NULL;
                }
            if (!v) { sm_batch_free(b); return SM_NOMEM; }
            b->cols[c] = v;
            continue;
        }
        if (!ch->col || ch->col->conv == CV_NULL) {
            v = sm_vector_new_nulls(f->type, n);
            if (v) {
                v->precision = f->precision;
                v->scale = f->scale;
            }
            if (!v) { sm_batch_free(b); return SM_NOMEM; }
            b->cols[c] = v;
            continue;
        }
        sm_field ff = *f;
        ff.type = ch->col->type;
        v = new_vec(&ff, n);
        if (!v) { sm_batch_free(b); return SM_NOMEM; }
        b->cols[c] = v;
        ch->codes = NULL;
        if (r->keep_dict && ch->col->conv == CV_STR && !(ch->codes = sm_malloc((size_t)n * sizeof *ch->codes))) {
            sm_batch_free(b);
            return SM_NOMEM;
        }
        ch->codes_ok = true;
        int rc = chunk_read(ch, v, 0, n);
        if (rc == SM_OK) {
            v->length = n;
            if (ch->codes && ch->codes_ok && ch->dict_vec) { /* the side channel (sm_vector.dict) */
                v->dict = sm_vector_ref(ch->dict_vec);
                v->dict_codes = ch->codes;
                ch->codes = NULL;
            }
            rc = widen_vec(&b->cols[c], f);
        }
        sm_free(ch->codes);
        ch->codes = NULL;
        if (rc) {
            sm_batch_free(b);
            return sm_err_prefix(rc, "reading %s, column `%s`, row group %d: ", r->file->path, ch->col->name, r->rg);
        }
    }
    r->rows_left -= n;
    r->row += n;
    *out = b;
    return SM_OK;
}

/* The leaf of file f holding output column `name` (exact, then case-insensitive). */
static const pq_col *find_col(const pq_file *f, const char *name, const bool *used) {
    for (int i = 0; i < f->ncols; i++)
        if (!used[i] && strcmp(f->cols[i].name, name) == 0) return &f->cols[i];
    for (int i = 0; i < f->ncols; i++)
        if (!used[i] && strcasecmp(f->cols[i].name, name) == 0) return &f->cols[i];
    return NULL;
}

static const char *type_text(sm_type t, int p, int s, char *buf) {
    if (t == SM_DECIMAL) {
        sm_dec_type_name(p, s, buf);
        return buf;
    }
    return sm_type_name(t);
}

static int check_compatible(const pq_file *file, const pq_col *col, const sm_field *f) {
    if (col->type == f->type && (f->type != SM_DECIMAL || (col->precision == f->precision && col->scale == f->scale)))
        return SM_OK;
    if (col->type == SM_NULLTYPE) return SM_OK;
    if (col->type == SM_INT && f->type == SM_BIGINT) return SM_OK;
    char a[32], b[32];
    return sm_err(SM_ANALYSIS,
                  "reading %s: Parquet column cannot be converted. Column: [%s], Expected: %s, Found: %s "
                  "(%s)", file->path, f->name, type_text(f->type, f->precision, f->scale, a),
                  type_text(col->type, col->precision, col->scale, b), pq_ptype_name(col->ptype));
}

static int chunk_start(pq_reader *r, pq_chunk *ch, const pq_col *col) {
    const pq_file *f = r->file;
    const pq_column_meta *m = &f->meta.row_groups[r->rg].columns[col->leaf].meta;
    ch->col = col;
    ch->path = f->path;
    ch->file = (const uint8_t *)r->map.data;
    ch->codec = m->codec;
    ch->values_left = m->num_values;
    if (!pq_codec_supported(m->codec))
        return sm_err(SM_UNSUPPORTED, "reading %s: column `%s` is compressed with %s, which smelt does not read",
                      f->path, col->name, pq_codec_name(m->codec));
    int64_t rows = f->meta.row_groups[r->rg].num_rows;
    if (m->num_values != rows && col->max_rep == 0)
        return sm_err(SM_MALFORMED, "reading %s: column `%s`, row group %d holds %lld values for %lld rows",
                      f->path, col->name, r->rg, (long long)m->num_values, (long long)rows);
    int64_t start = m->data_page_offset;
    /* Some writers store a bogus dictionary_page_offset (0): trust it only
     * when it lies before the data pages. */
    if (m->has_dictionary_page_offset && m->dictionary_page_offset >= 4 &&
        m->dictionary_page_offset < m->data_page_offset)
        start = m->dictionary_page_offset;
    if (start < 4 || start >= f->footer_start)
        return sm_err(SM_MALFORMED, "reading %s: column `%s`, row group %d starts at offset %lld, outside "
                      "the data (file of %lld bytes)", f->path, col->name, r->rg, (long long)start,
                      (long long)f->size);
    ch->pos = start;
    ch->limit = f->footer_start;
    if (r->map.len < ch->limit) ch->limit = r->map.len;
    ch->lvl = sm_malloc(SM_BATCH_ROWS * sizeof *ch->lvl);
    ch->ids = sm_malloc(SM_BATCH_ROWS * sizeof *ch->ids);
    ch->raw = sm_malloc(SM_BATCH_ROWS * pq_raw_width(col->ptype));
    if (!ch->lvl || !ch->ids || !ch->raw) return SM_NOMEM;
    int64_t cs = m->total_compressed_size;
    if (cs > 0) atomic_fetch_add(&r->scan->bytes_read, cs);
    return SM_OK;
}

/* A nested column: one chunk per leaf; the output type must be the file's. */
static int nested_start(pq_reader *r, pq_chunk *ch, const pq_col *col, const sm_field *f) {
    char a[512], b[512];
    sm_type_format(a, sizeof a, f->type, f->precision, f->scale, f->dt);
    sm_type_format(b, sizeof b, col->type, 0, 0, col->dt);
    if (strcmp(a, b) != 0)
        return sm_err(SM_ANALYSIS, "reading %s: Parquet column cannot be converted. Column: [%s], Expected: %s, "
                      "Found: %s", r->file->path, f->name, a, b);
    ch->col = col;
    ch->sub = sm_calloc((size_t)col->nleaves + 1, sizeof *ch->sub);
    if (!ch->sub) return SM_NOMEM;
    for (int i = 0; i < col->nleaves; i++) {
        ch->nsub = i + 1;
        SM_TRY(chunk_start(r, &ch->sub[i], &r->file->leaves[col->leaf + i]));
        if (!(ch->sub[i].rlv = sm_malloc(SM_BATCH_ROWS * sizeof *ch->sub[i].rlv))) return SM_NOMEM;
    }
    return SM_OK;
}

static int reader_open(sm_source *src, int split, sm_reader **out) {
    pq_scan *scan = src->impl;
    *out = NULL;
    if (split < 0 || split >= scan->nsplits) return sm_err(SM_INVALID, "parquet: no split %d", split);
    pq_reader *r = sm_calloc(1, sizeof *r);
    if (!r) return SM_NOMEM;
    r->base.next = reader_next;
    r->base.close = reader_close;
    r->scan = scan;
    const char *kd = getenv("SMELT_PARQUET_DICT");
    r->keep_dict = !(kd && strcmp(kd, "0") == 0);
    r->file = &scan->files[scan->splits[split].file];
    r->rg = scan->splits[split].rg;
    r->rows_left = scan->skip && scan->skip[split] ? 0 : r->file->meta.row_groups[r->rg].num_rows;
    r->ncols = scan->schema->ncols;
    r->chunks = sm_calloc((size_t)(r->ncols ? r->ncols : 1), sizeof *r->chunks);
    if (!r->chunks) {
        reader_close(&r->base);
        return SM_NOMEM;
    }
    if (r->rows_left == 0) { /* skipped by statistics: nothing to read */
        *out = &r->base;
        return SM_OK;
    }
    atomic_fetch_add(&scan->row_groups_read, 1);
    int rc = sm_fs_map_range(r->file->path, 0, -1, &r->map);
    if (rc) {
        reader_close(&r->base);
        return rc;
    }
    r->mapped = true;
    /* a leaf serves one output column, so duplicate names map in order */
    bool *used = sm_calloc((size_t)r->file->ncols + 1, sizeof *used);
    if (!used) {
        reader_close(&r->base);
        return SM_NOMEM;
    }
    for (int c = 0; c < r->ncols; c++) {
        const sm_field *f = &scan->schema->fields[c];
        const pq_col *col = find_col(r->file, f->name, used);
        if (!col) continue;
        used[col - r->file->cols] = true;
        if (scan->required && !scan->required[c]) continue; /* pruned: reads as nulls */
        if (col->conv == CV_NESTED) rc = nested_start(r, &r->chunks[c], col, f);
        else if (!(rc = check_compatible(r->file, col, f))) rc = chunk_start(r, &r->chunks[c], col);
        if (rc) {
            sm_free(used);
            reader_close(&r->base);
            return rc;
        }
    }
    sm_free(used);
    *out = &r->base;
    return SM_OK;
}

/* ---- the source ---------------------------------------------------------------- */

static void scan_free(pq_scan *scan) {
    if (!scan) return;
    for (int i = 0; i < scan->nfiles; i++) {
        sm_free(scan->files[i].path);
        if (scan->files[i].arena) sm_arena_free(scan->files[i].arena);
    }
    sm_free(scan->files);
    sm_free(scan->splits);
    if (scan->schema) sm_schema_free(scan->schema);
    sm_free(scan->required);
    sm_free(scan->skip);
    sm_free(scan->base_description);
    sm_free(scan);
}

static void source_free(sm_source *s) {
    if (!s) return;
    scan_free(s->impl);
    sm_free(s->description);
    sm_free(s);
}

static char *describe(const pq_scan *scan) {
    sm_buf b = {0};
    sm_buf_appendf(&b, "parquet [");
    for (int i = 0; i < scan->nfiles && i < 3; i++)
        sm_buf_appendf(&b, "%s%s", i ? ", " : "", base_name(scan->files[i].path));
    if (scan->nfiles > 3) sm_buf_appendf(&b, ", ...");
    sm_buf_appendf(&b, "] %d file%s, %d row group%s", scan->nfiles, scan->nfiles == 1 ? "" : "s",
                   scan->nsplits, scan->nsplits == 1 ? "" : "s");
    return b.data ? (char *)sm_buf_cstr(&b) : NULL;
}

static int schema_from_file(const pq_file *f, sm_schema **out) {
    sm_schema *s = sm_schema_new(f->ncols);
    if (!s) return SM_NOMEM;
    for (int c = 0; c < f->ncols; c++) {
        if (sm_schema_set(s, c, f->cols[c].name, f->cols[c].type, true) != SM_OK) {
            sm_schema_free(s);
            return SM_NOMEM;
        }
        s->fields[c].precision = f->cols[c].precision;
        s->fields[c].scale = f->cols[c].scale;
        s->fields[c].dt = f->cols[c].dt;
    }
    *out = s;
    return SM_OK;
}

static const char *opt(const char *const *kv, const char *key) {
    const char *v = NULL;
    for (int i = 0; kv && kv[i] && kv[i + 1]; i += 2)
        if (strcasecmp(kv[i], key) == 0) v = kv[i + 1];
    return v;
}

static int project_by_names(sm_source *src, const char *list) {
    pq_scan *scan = src->impl;
    int cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    int *cols = sm_calloc((size_t)cap, sizeof *cols);
    if (!cols) return SM_NOMEM;
    int n = 0, rc = SM_OK;
    const char *p = list;
    while (rc == SM_OK && *p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && isspace((unsigned char)*p)) { p++; len--; }
        while (len && isspace((unsigned char)p[len - 1])) len--;
        if (len) {
            char name[512];
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            int idx = sm_schema_find(scan->schema, name);
            if (idx < 0) rc = sm_err(SM_ANALYSIS, "parquet option columns: no column `%s` in the file's schema", name);
            else cols[n++] = idx;
        }
        p = e ? e + 1 : p + strlen(p);
    }
    if (rc == SM_OK) rc = parquet_source_project(src, n, cols);
    sm_free(cols);
    return rc;
}

static int pq_split_file(sm_source *s, int split, int *file, int64_t *bytes) {
    const pq_scan *scan = s->impl;
    if (split < 0 || split >= scan->nsplits) return sm_err(SM_INTERNAL, "parquet: no split %d", split);
    const pq_file *f = &scan->files[scan->splits[split].file];
    *file = scan->splits[split].file;
    *bytes = f->meta.nrow_groups > 0 ? f->size / f->meta.nrow_groups : f->size;
    return SM_OK;
}

static int pq_create(const char *const *paths, int npaths, sm_fs_list *given,
                     const char *const *options_kv, const char *schema_ddl, sm_pool *pool,
                     sm_source **out);

/* ---- pruning hooks (source.h) ---------------------------------------------------- */

/* Column pruning: unrequired columns are not read at all (their chunks are
 * never touched) and come back as all-null vectors. */
static int pq_set_required(sm_source *s, const bool *required) {
    pq_scan *scan = s->impl;
    int n = scan->schema->ncols;
    if (!scan->required && !(scan->required = sm_malloc((size_t)(n ? n : 1) * sizeof *scan->required)))
        return sm_err(SM_NOMEM, "out of memory pruning Parquet columns");
    memcpy(scan->required, required, (size_t)n * sizeof *required);
    return SM_OK;
}

/* The statistics comparison of a file column (parquet_stats.c). */
static int stats_kind(const pq_col *c) {
    switch (c->conv) {
    case CV_BOOL: return PQ_SK_BOOL;
    case CV_I32: case CV_U8: case CV_U16: return c->conv == CV_I32 ? PQ_SK_INT : PQ_SK_UINT32;
    case CV_U32: return PQ_SK_UINT32;
    case CV_I64: case CV_TS_US: return PQ_SK_I64;
    case CV_TS_MS: return PQ_SK_TS_MS;
    case CV_TS_NS: return PQ_SK_TS_NS;
    case CV_FLOAT: return PQ_SK_FLOAT;
    case CV_DOUBLE: return PQ_SK_DOUBLE;
    case CV_STR: return PQ_SK_BYTES;
    case CV_DEC32: case CV_DEC64: return PQ_SK_DEC_INT;
    case CV_DECBIN: return PQ_SK_DEC_BIN;
    default: return PQ_SK_NONE; /* INT96, UUID, FLOAT16, UINT64, null */
    }
}

/* May split sp hold a row passing every filter? */
static bool split_may_match(const pq_scan *scan, int sp, const sm_scan_filter *f, int nf) {
    const pq_file *file = &scan->files[scan->splits[sp].file];
    const pq_row_group *rg = &file->meta.row_groups[scan->splits[sp].rg];
    for (int i = 0; i < nf; i++) {
        if (f[i].col < 0 || f[i].col >= scan->schema->ncols) continue;
        const sm_field *fd = &scan->schema->fields[f[i].col];
        /* the reader's name matching (duplicates in order) */
        bool used[1024] = {0};
        const pq_col *col = NULL;
        if (file->ncols > 1024) continue;
        for (int c = 0; c <= f[i].col; c++) {
            col = find_col(file, scan->schema->fields[c].name, used);
            if (col) used[col - file->cols] = true;
        }
        if (col && col->conv == CV_NESTED) continue; /* no statistics for nested columns */
        if (!col) {
            /* the file lacks the column: every row reads null */
            if (f[i].op != SM_SF_IS_NULL) return false;
            continue;
        }
        bool same = col->type == fd->type &&
                    (fd->type != SM_DECIMAL || (col->precision == fd->precision && col->scale == fd->scale));
        bool widen = col->type == SM_INT && fd->type == SM_BIGINT;
        if (!same && !widen) continue; /* the reader reports the mismatch */
        if (!pq_stats_may_match(stats_kind(col), col->ptype, col->max_def == 0, &rg->columns[col->leaf].meta,
                                rg->num_rows, &f[i]))
            return false;
    }
    return true;
}

static int pq_set_filters(sm_source *s, const sm_scan_filter *f, int nf, const char *text) {
    pq_scan *scan = s->impl;
    if (!scan->skip && !(scan->skip = sm_calloc((size_t)scan->nsplits + 1, sizeof *scan->skip)))
        return sm_err(SM_NOMEM, "out of memory pruning Parquet row groups");
    scan->nskipped = 0;
    for (int i = 0; i < scan->nsplits; i++) {
        scan->skip[i] = nf > 0 && !split_may_match(scan, i, f, nf);
        scan->nskipped += scan->skip[i];
    }
    s->split_skipped = scan->skip;
    if (!scan->base_description && s->description && !(scan->base_description = sm_strdup(s->description)))
        return sm_err(SM_NOMEM, "out of memory");
    sm_buf b = {0};
    sm_buf_appendf(&b, "%s", scan->base_description ? scan->base_description : "parquet");
    if (nf > 0 && text)
        sm_buf_appendf(&b, ", PushedFilters: [%s], row groups read %d of %d", text,
                       scan->nsplits - scan->nskipped, scan->nsplits);
    if (!sm_buf_cstr(&b)) {
        sm_buf_free(&b);
        return sm_err(SM_NOMEM, "out of memory");
    }
    sm_free(s->description);
    s->description = b.data;
    return SM_OK;
}

static void pq_metrics(sm_source *s, sm_scan_metrics *out) {
    pq_scan *scan = s->impl;
    out->bytes_read = atomic_load(&scan->bytes_read);
    out->row_groups_read = atomic_load(&scan->row_groups_read);
    out->row_groups_total = scan->nsplits;
    out->row_groups_skipped = scan->skip ? scan->nskipped : 0;
    int64_t files = 0;
    for (int fi = 0; fi < scan->nfiles; fi++)
        for (int i = 0; i < scan->nsplits; i++)
            if (scan->splits[i].file == fi && !(scan->skip && scan->skip[i])) {
                files++;
                break;
            }
    out->files = files;
}

int parquet_source_create(const char *const *paths, int npaths, const char *const *options_kv,
                          const char *schema_ddl, const sm_tz *tz, sm_pool *pool, sm_source **out) {
    (void)tz;
    return pq_create(paths, npaths, NULL, options_kv, schema_ddl, pool, out);
}

int parquet_source_create_list(sm_fs_list *files, const char *const *options_kv,
                               const char *schema_ddl, const sm_tz *tz, sm_pool *pool,
                               sm_source **out) {
    (void)tz;
    return pq_create(NULL, 0, files, options_kv, schema_ddl, pool, out);
}

static int pq_create(const char *const *paths, int npaths, sm_fs_list *given,
                     const char *const *options_kv, const char *schema_ddl, sm_pool *pool,
                     sm_source **out) {
    *out = NULL;
    pq_scan *scan = sm_calloc(1, sizeof *scan);
    if (!scan) { sm_fs_list_free(given); return SM_NOMEM; }
    sm_fs_list fl;
    int rc = SM_OK;
    if (given) fl = *given;
    else rc = sm_fs_expand(paths, npaths, &fl);
    if (rc) {
        sm_free(scan);
        return rc;
    }
    scan->files = sm_calloc((size_t)fl.nfiles + 1, sizeof *scan->files);
    if (!scan->files) {
        sm_fs_list_free(&fl);
        sm_free(scan);
        return SM_NOMEM;
    }
    scan->nfiles = fl.nfiles;
    for (int i = 0; i < fl.nfiles; i++) {
        scan->files[i].path = fl.files[i].path; /* take ownership */
        scan->files[i].size = fl.files[i].size;
        scan->files[i].arena = sm_arena_new();
        if (!scan->files[i].arena) rc = SM_NOMEM;
    }
    sm_free(fl.files);
    if (rc) goto fail;
    if (pool && scan->nfiles > 1) rc = sm_pool_run(pool, scan->nfiles, load_task, scan);
    else
        for (int i = 0; rc == SM_OK && i < scan->nfiles; i++) rc = load_footer(&scan->files[i]);
    if (rc) goto fail;

    if (schema_ddl && *schema_ddl) {
        rc = sm_schema_parse_ddl(schema_ddl, &scan->schema);
        if (rc) goto fail;
        for (int c = 0; c < scan->schema->ncols; c++) scan->schema->fields[c].nullable = true;
    } else if (scan->nfiles == 0) {
        rc = sm_err(SM_ANALYSIS, "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for Parquet. It must "
                                 "be specified manually.");
        goto fail;
    } else {
        rc = schema_from_file(&scan->files[0], &scan->schema);
        if (rc) goto fail;
    }

    /* Spark packs the largest files first (see csv_read.c); stable by path. */
    int *order = sm_calloc((size_t)scan->nfiles + 1, sizeof *order);
    if (!order) { rc = SM_NOMEM; goto fail; }
    for (int i = 0; i < scan->nfiles; i++) {
        int j = i - 1;
        while (j >= 0 && scan->files[order[j]].size < scan->files[i].size) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = i;
    }
    int ns = 0;
    for (int i = 0; i < scan->nfiles; i++) ns += scan->files[i].meta.nrow_groups;
    scan->splits = sm_calloc((size_t)ns + 1, sizeof *scan->splits);
    if (!scan->splits) { sm_free(order); rc = SM_NOMEM; goto fail; }
    for (int k = 0; k < scan->nfiles; k++) {
        const pq_file *f = &scan->files[order[k]];
        for (int g = 0; g < f->meta.nrow_groups; g++)
            if (f->meta.row_groups[g].num_rows > 0) scan->splits[scan->nsplits++] = (pq_split){order[k], g};
    }
    sm_free(order);

    sm_source *src = sm_calloc(1, sizeof *src);
    if (!src) { rc = SM_NOMEM; goto fail; }
    src->format = "parquet";
    src->schema = scan->schema;
    src->nsplits = scan->nsplits;
    src->open = reader_open;
    src->split_file = pq_split_file;
    src->set_required = pq_set_required;
    src->set_filters = pq_set_filters;
    src->metrics = pq_metrics;
    src->free = source_free;
    src->impl = scan;
    src->description = describe(scan);
    const char *cols = opt(options_kv, "columns");
    if (cols && (rc = project_by_names(src, cols))) {
        source_free(src);
        return rc;
    }
    *out = src;
    return SM_OK;
fail:
    scan_free(scan);
    return rc;
}

int parquet_source_project(sm_source *src, int ncols, const int *cols) {
    if (!src || !src->impl || strcmp(src->format, "parquet") != 0)
        return sm_err(SM_INVALID, "parquet_source_project: not a Parquet source");
    pq_scan *scan = src->impl;
    sm_schema *old = scan->schema;
    for (int i = 0; i < ncols; i++) {
        if (cols[i] < 0 || cols[i] >= old->ncols)
            return sm_err(SM_INVALID, "parquet_source_project: column index %d out of range (0..%d)", cols[i],
                          old->ncols - 1);
        for (int j = 0; j < i; j++)
            if (cols[j] == cols[i])
                return sm_err(SM_INVALID, "parquet_source_project: column %d listed twice", cols[i]);
    }
    sm_schema *s = sm_schema_new(ncols);
    if (!s) return SM_NOMEM;
    for (int i = 0; i < ncols; i++) {
        const sm_field *f = &old->fields[cols[i]];
        if (sm_schema_set(s, i, f->name, f->type, f->nullable) != SM_OK) {
            sm_schema_free(s);
            return SM_NOMEM;
        }
        s->fields[i].precision = f->precision;
        s->fields[i].scale = f->scale;
        s->fields[i].dt = f->dt;
    }
    sm_schema_free(old);
    scan->schema = s;
    src->schema = s;
    return SM_OK;
}

int64_t parquet_source_bytes_read(const sm_source *src) {
    if (!src || !src->impl || strcmp(src->format, "parquet") != 0) return 0;
    pq_scan *scan = src->impl;
    return atomic_load(&scan->bytes_read);
}
