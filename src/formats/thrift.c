/*
 * thrift.c — Thrift compact protocol decoding and encoding of Parquet's
 * metadata structs (thrift.h).
 *
 * The compact protocol in brief (Thrift's THRIFT-110 spec):
 *   - integers are ULEB128 varints, signed ones zigzag-encoded first;
 *   - a struct is a sequence of fields ended by a 0 byte; a field header is
 *     one byte (field-id delta << 4 | wire type), or a 0 delta followed by
 *     the zigzag i16 id; booleans live in the header's type (1 true, 2 false);
 *   - binary/string: varint length then bytes; double: 8 bytes little-endian;
 *   - list/set: one byte (count << 4 | element type), count 15 meaning a
 *     varint count follows; booleans in lists are one byte each;
 *   - map: varint count, then (if non-zero) one byte key type << 4 | value
 *     type.
 *
 * Decoders are hand-written per struct (a switch on field id with a default
 * that skips), which keeps them small and lets each check its required
 * fields.  Unions (LogicalType, TimeUnit) are structs with one field set.
 *
 * Invariants:
 *   1. No read goes past tc_in.end; every failure is SM_MALFORMED naming
 *      the struct being read.
 *   2. Recursion (nested structs, skipping unknown values) is bounded by
 *      PQ_THRIFT_DEPTH.
 *   3. A list count is never trusted beyond the bytes left, so allocations
 *      are bounded by the input size.
 */
#include "formats/thrift.h"

#include <string.h>

#include "common/status.h"

/* ---- primitive reads ------------------------------------------------------ */

static int tc_fail(tc_in *in, const char *why) {
    return sm_err(SM_MALFORMED, "%s: %s", in->what ? in->what : "thrift", why);
}

int tc_read_varint(tc_in *in, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (in->p >= in->end) return tc_fail(in, "truncated varint");
        uint8_t b = *in->p++;
        if (shift == 63 && (b & 0x7e)) return tc_fail(in, "varint overflows 64 bits");
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return SM_OK;
        }
    }
    return tc_fail(in, "varint longer than 10 bytes");
}

int tc_read_i64(tc_in *in, int64_t *out) {
    uint64_t u;
    SM_TRY(tc_read_varint(in, &u));
    *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return SM_OK;
}

int tc_read_i32(tc_in *in, int32_t *out) {
    int64_t v;
    SM_TRY(tc_read_i64(in, &v));
    if (v < INT32_MIN || v > INT32_MAX) return tc_fail(in, "i32 value out of range");
    *out = (int32_t)v;
    return SM_OK;
}

int tc_read_binary(tc_in *in, pq_bytes *out) {
    uint64_t n;
    SM_TRY(tc_read_varint(in, &n));
    if (n > (uint64_t)(in->end - in->p)) return tc_fail(in, "binary value runs past the end");
    if (n > INT32_MAX) return tc_fail(in, "binary value longer than 2 GiB");
    out->bytes = in->p;
    out->len = (int32_t)n;
    in->p += n;
    return SM_OK;
}

int tc_read_list(tc_in *in, int *elem_type, int32_t *count) {
    if (in->p >= in->end) return tc_fail(in, "truncated list header");
    uint8_t b = *in->p++;
    uint64_t n = b >> 4;
    if (n == 15) SM_TRY(tc_read_varint(in, &n));
    *elem_type = b & 0x0f;
    if (n > (uint64_t)(in->end - in->p)) return tc_fail(in, "list longer than the bytes left");
    *count = (int32_t)n;
    return SM_OK;
}

int tc_read_field(tc_in *in, int16_t last, int *type, int16_t *id) {
    if (in->p >= in->end) return tc_fail(in, "truncated struct (no field stop)");
    uint8_t b = *in->p++;
    *type = b & 0x0f;
    if (*type == TC_STOP) {
        *id = 0;
        return SM_OK;
    }
    int delta = b >> 4;
    if (delta) {
        *id = (int16_t)(last + delta);
    } else {
        int64_t v;
        SM_TRY(tc_read_i64(in, &v));
        if (v < INT16_MIN || v > INT16_MAX) return tc_fail(in, "field id out of range");
        *id = (int16_t)v;
    }
    if (*type > TC_STRUCT) return tc_fail(in, "unknown wire type");
    return SM_OK;
}

static int tc_enter(tc_in *in) {
    if (++in->depth > PQ_THRIFT_DEPTH) return tc_fail(in, "structs nested too deeply");
    return SM_OK;
}

int tc_skip(tc_in *in, int type) {
    switch (type) {
    case TC_TRUE:
    case TC_FALSE:
        return SM_OK; /* field booleans carry no payload */
    case TC_BYTE:
        if (in->p >= in->end) return tc_fail(in, "truncated byte");
        in->p++;
        return SM_OK;
    case TC_I16:
    case TC_I32:
    case TC_I64: {
        uint64_t v;
        return tc_read_varint(in, &v);
    }
    case TC_DOUBLE:
        if (in->end - in->p < 8) return tc_fail(in, "truncated double");
        in->p += 8;
        return SM_OK;
    case TC_BINARY: {
        pq_bytes b;
        return tc_read_binary(in, &b);
    }
    case TC_LIST:
    case TC_SET: {
        int et;
        int32_t n;
        SM_TRY(tc_read_list(in, &et, &n));
        SM_TRY(tc_enter(in));
        for (int32_t i = 0; i < n; i++) {
            if (et == TC_TRUE || et == TC_FALSE) {
                if (in->p >= in->end) return tc_fail(in, "truncated list");
                in->p++;
            } else {
                SM_TRY(tc_skip(in, et));
            }
        }
        in->depth--;
        return SM_OK;
    }
    case TC_MAP: {
        uint64_t n;
        SM_TRY(tc_read_varint(in, &n));
        if (n == 0) return SM_OK;
        if (n > (uint64_t)(in->end - in->p)) return tc_fail(in, "map longer than the bytes left");
        if (in->p >= in->end) return tc_fail(in, "truncated map");
        uint8_t kv = *in->p++;
        SM_TRY(tc_enter(in));
        for (uint64_t i = 0; i < n; i++) {
            int kt = kv >> 4, vt = kv & 0x0f;
            if (kt == TC_TRUE || kt == TC_FALSE) kt = TC_BYTE;
            if (vt == TC_TRUE || vt == TC_FALSE) vt = TC_BYTE;
            SM_TRY(tc_skip(in, kt));
            SM_TRY(tc_skip(in, vt));
        }
        in->depth--;
        return SM_OK;
    }
    case TC_STRUCT: {
        SM_TRY(tc_enter(in));
        int16_t last = 0;
        for (;;) {
            int t;
            int16_t id;
            SM_TRY(tc_read_field(in, last, &t, &id));
            if (t == TC_STOP) break;
            SM_TRY(tc_skip(in, t));
            last = id;
        }
        in->depth--;
        return SM_OK;
    }
    default:
        return tc_fail(in, "unknown wire type");
    }
}

/* ---- struct decoding helpers ---------------------------------------------- */

/* Iterates the fields of a struct: FIELDS(in) { switch (id) {...} } */
#define TC_BEGIN(in, name)                                                  \
    const char *tc_saved_what_ = (in)->what;                                \
    (in)->what = (name);                                                    \
    SM_TRY(tc_enter(in));                                                   \
    int16_t tc_last_ = 0;                                                   \
    for (;;) {                                                              \
        int type;                                                           \
        int16_t id;                                                         \
        SM_TRY(tc_read_field((in), tc_last_, &type, &id));                  \
        if (type == TC_STOP) break;                                         \
        tc_last_ = id;

#define TC_END(in)                                                          \
    }                                                                       \
    (in)->depth--;                                                          \
    (in)->what = tc_saved_what_;

static int want(tc_in *in, int type, int expect) {
    if (type == expect) return SM_OK;
    if ((expect == TC_I32 || expect == TC_I64) && (type == TC_I16 || type == TC_I32 || type == TC_I64 || type == TC_BYTE))
        return SM_OK;
    if (expect == TC_LIST && type == TC_SET) return SM_OK;
    return tc_fail(in, "a field has the wrong wire type");
}

/* Reads a field sent as a single signed byte (TC_BYTE) where an integer was expected. */
static int rd_byte(tc_in *in, int8_t *out) {
    if (in->p >= in->end) return tc_fail(in, "truncated byte");
    *out = (int8_t)*in->p++;
    return SM_OK;
}

static int rd_i32(tc_in *in, int type, int32_t *out) {
    SM_TRY(want(in, type, TC_I32));
    if (type == TC_BYTE) {
        int8_t b = 0;
        SM_TRY(rd_byte(in, &b));
        *out = b;
        return SM_OK;
    }
    return tc_read_i32(in, out);
}

static int rd_i64(tc_in *in, int type, int64_t *out) {
    SM_TRY(want(in, type, TC_I64));
    if (type == TC_BYTE) {
        int8_t b = 0;
        SM_TRY(rd_byte(in, &b));
        *out = b;
        return SM_OK;
    }
    return tc_read_i64(in, out);
}

static int rd_bool(tc_in *in, int type, bool *out) {
    if (type == TC_TRUE || type == TC_FALSE) {
        *out = type == TC_TRUE;
        return SM_OK;
    }
    return tc_fail(in, "a boolean field has the wrong wire type");
}

static int rd_bin(tc_in *in, int type, pq_bytes *out) {
    SM_TRY(want(in, type, TC_BINARY));
    return tc_read_binary(in, out);
}

static int rd_str(tc_in *in, int type, sm_arena *a, char **out) {
    pq_bytes b;
    SM_TRY(rd_bin(in, type, &b));
    *out = sm_arena_strndup(a, (const char *)b.bytes, (size_t)b.len);
    return *out ? SM_OK : SM_NOMEM;
}

/* Copies a binary into the arena (when a is not NULL) so it outlives the input. */
static int rd_bin_keep(tc_in *in, int type, sm_arena *a, pq_bytes *out) {
    SM_TRY(rd_bin(in, type, out));
    if (a && out->len) {
        uint8_t *c = sm_arena_alloc(a, (size_t)out->len);
        if (!c) return SM_NOMEM;
        memcpy(c, out->bytes, (size_t)out->len);
        out->bytes = c;
    } else if (!out->bytes) {
        out->bytes = (const uint8_t *)"";
    }
    return SM_OK;
}

static int missing(tc_in *in, const char *field) {
    return sm_err(SM_MALFORMED, "%s.%s is missing", in->what ? in->what : "thrift", field);
}

/* ---- Parquet structs -------------------------------------------------------- */

static int dec_stats(tc_in *in, sm_arena *a, pq_stats *s) {
    memset(s, 0, sizeof *s);
    TC_BEGIN(in, "Statistics")
    switch (id) {
    case 1: SM_TRY(rd_bin_keep(in, type, a, &s->max)); break;
    case 2: SM_TRY(rd_bin_keep(in, type, a, &s->min)); break;
    case 3: SM_TRY(rd_i64(in, type, &s->null_count)); s->has_null_count = true; break;
    case 4: SM_TRY(rd_i64(in, type, &s->distinct_count)); s->has_distinct_count = true; break;
    case 5: SM_TRY(rd_bin_keep(in, type, a, &s->max_value)); break;
    case 6: SM_TRY(rd_bin_keep(in, type, a, &s->min_value)); break;
    default: SM_TRY(tc_skip(in, type));
    }
    TC_END(in)
    return SM_OK;
}

/* A Statistics field of a larger struct (ColumnMetaData, the page headers). */
static int dec_stats_field(tc_in *in, int type, sm_arena *a, pq_stats *s, bool *has) {
    if (type != TC_STRUCT) return tc_fail(in, "statistics is not a struct");
    SM_TRY(dec_stats(in, a, s));
    *has = true;
    return SM_OK;
}

static int dec_time_unit(tc_in *in, int *unit) {
    *unit = 0;
    TC_BEGIN(in, "TimeUnit")
    if (type == TC_STRUCT && id >= 1 && id <= 3) *unit = id;
    SM_TRY(tc_skip(in, type));
    TC_END(in)
    return SM_OK;
}

static int dec_logical(tc_in *in, pq_logical *lt) {
    memset(lt, 0, sizeof *lt);
    TC_BEGIN(in, "LogicalType")
    if (type != TC_STRUCT) {
        SM_TRY(tc_skip(in, type));
        continue;
    }
    lt->kind = id <= PQ_LT_GEOGRAPHY && id != 9 && id > 0 ? id : PQ_LT_OTHER;
    if (id == PQ_LT_DECIMAL) {
        bool hs = false, hp = false;
        TC_BEGIN(in, "DecimalType")
        if (id == 1) { SM_TRY(rd_i32(in, type, &lt->scale)); hs = true; }
        else if (id == 2) { SM_TRY(rd_i32(in, type, &lt->precision)); hp = true; }
        else SM_TRY(tc_skip(in, type));
        TC_END(in)
        if (!hs) return missing(in, "DECIMAL.scale");
        if (!hp) return missing(in, "DECIMAL.precision");
    } else if (id == PQ_LT_TIMESTAMP || id == PQ_LT_TIME) {
        bool hu = false;
        TC_BEGIN(in, id == PQ_LT_TIME ? "TimeType" : "TimestampType")
        if (id == 1) SM_TRY(rd_bool(in, type, &lt->utc));
        else if (id == 2 && type == TC_STRUCT) { SM_TRY(dec_time_unit(in, &lt->unit)); hu = true; }
        else SM_TRY(tc_skip(in, type));
        TC_END(in)
        if (!hu) return missing(in, "TIMESTAMP.unit");
    } else if (id == PQ_LT_INTEGER) {
        int32_t bw = 0;
        bool hb = false;
        lt->is_signed = true;
        TC_BEGIN(in, "IntType")
        if (id == 1) { SM_TRY(rd_i32(in, type, &bw)); hb = true; }
        else if (id == 2) SM_TRY(rd_bool(in, type, &lt->is_signed));
        else SM_TRY(tc_skip(in, type));
        TC_END(in)
        if (!hb) return missing(in, "INTEGER.bitWidth");
        lt->bit_width = (int8_t)(bw >= -128 && bw <= 127 ? bw : 0);
    } else {
        SM_TRY(tc_skip(in, type));
    }
    TC_END(in)
    return SM_OK;
}

static int dec_schema_elem(tc_in *in, sm_arena *a, pq_schema_elem *e) {
    memset(e, 0, sizeof *e);
    e->type = -1;
    e->repetition = -1;
    e->converted = -1;
    TC_BEGIN(in, "SchemaElement")
    switch (id) {
    case 1: SM_TRY(rd_i32(in, type, &e->type)); break;
    case 2: SM_TRY(rd_i32(in, type, &e->type_length)); break;
    case 3: SM_TRY(rd_i32(in, type, &e->repetition)); break;
    case 4: SM_TRY(rd_str(in, type, a, &e->name)); break;
    case 5: SM_TRY(rd_i32(in, type, &e->num_children)); break;
    case 6: SM_TRY(rd_i32(in, type, &e->converted)); break;
    case 7: SM_TRY(rd_i32(in, type, &e->scale)); e->has_scale = true; break;
    case 8: SM_TRY(rd_i32(in, type, &e->precision)); e->has_precision = true; break;
    case 9: SM_TRY(rd_i32(in, type, &e->field_id)); e->has_field_id = true; break;
    case 10:
        if (type == TC_STRUCT) SM_TRY(dec_logical(in, &e->logical));
        else SM_TRY(tc_skip(in, type));
        break;
    default: SM_TRY(tc_skip(in, type));
    }
    TC_END(in)
    if (!e->name) return missing(in, "SchemaElement.name");
    return SM_OK;
}

static int dec_kv(tc_in *in, sm_arena *a, pq_kv *kv) {
    memset(kv, 0, sizeof *kv);
    TC_BEGIN(in, "KeyValue")
    if (id == 1) SM_TRY(rd_str(in, type, a, &kv->key));
    else if (id == 2) SM_TRY(rd_str(in, type, a, &kv->value));
    else SM_TRY(tc_skip(in, type));
    TC_END(in)
    if (!kv->key) return missing(in, "KeyValue.key");
    return SM_OK;
}

/* Reads a list header and allocates `count` elements of `size` bytes. */
static int list_alloc(tc_in *in, int type, sm_arena *a, size_t size, int *elem_type, int *count,
                      void **out) {
    SM_TRY(want(in, type, TC_LIST));
    int32_t n;
    SM_TRY(tc_read_list(in, elem_type, &n));
    *count = n;
    *out = sm_arena_alloc(a, (size_t)(n ? n : 1) * size);
    return *out ? SM_OK : SM_NOMEM;
}

/* list_alloc for a list whose elements must be structs; `what` names the field. */
static int struct_list_alloc(tc_in *in, int type, sm_arena *a, size_t size, const char *what,
                             int *count, void **out) {
    int et;
    SM_TRY(list_alloc(in, type, a, size, &et, count, out));
    if (*count && et != TC_STRUCT)
        return sm_err(SM_MALFORMED, "%s: %s is not a list of structs", in->what ? in->what : "thrift",
                      what);
    return SM_OK;
}

static int dec_kv_list(tc_in *in, int type, sm_arena *a, pq_kv **out, int *count) {
    SM_TRY(struct_list_alloc(in, type, a, sizeof **out, "key_value_metadata", count, (void **)out));
    for (int i = 0; i < *count; i++) SM_TRY(dec_kv(in, a, &(*out)[i]));
    return SM_OK;
}

static int dec_column_meta(tc_in *in, sm_arena *a, pq_column_meta *m) {
    memset(m, 0, sizeof *m);
    bool ht = false, hc = false, hn = false, hd = false, htu = false, htc = false;
    m->type = -1;
    TC_BEGIN(in, "ColumnMetaData")
    switch (id) {
    case 1: SM_TRY(rd_i32(in, type, &m->type)); ht = true; break;
    case 2: {
        int et;
        SM_TRY(list_alloc(in, type, a, sizeof(int), &et, &m->nencodings, (void **)&m->encodings));
        for (int i = 0; i < m->nencodings; i++) SM_TRY(rd_i32(in, et, &m->encodings[i]));
        break;
    }
    case 3: {
        int et;
        SM_TRY(list_alloc(in, type, a, sizeof(char *), &et, &m->npath, (void **)&m->path));
        for (int i = 0; i < m->npath; i++) SM_TRY(rd_str(in, et, a, &m->path[i]));
        break;
    }
    case 4: SM_TRY(rd_i32(in, type, &m->codec)); hc = true; break;
    case 5: SM_TRY(rd_i64(in, type, &m->num_values)); hn = true; break;
    case 6: SM_TRY(rd_i64(in, type, &m->total_uncompressed_size)); htu = true; break;
    case 7: SM_TRY(rd_i64(in, type, &m->total_compressed_size)); htc = true; break;
    case 9: SM_TRY(rd_i64(in, type, &m->data_page_offset)); hd = true; break;
    case 10: SM_TRY(rd_i64(in, type, &m->index_page_offset)); m->has_index_page_offset = true; break;
    case 11:
        SM_TRY(rd_i64(in, type, &m->dictionary_page_offset));
        m->has_dictionary_page_offset = true;
        break;
    case 12: SM_TRY(dec_stats_field(in, type, a, &m->stats, &m->has_stats)); break;
    default: SM_TRY(tc_skip(in, type));
    }
    TC_END(in)
    if (!ht) return missing(in, "ColumnMetaData.type");
    if (!hc) return missing(in, "ColumnMetaData.codec");
    if (!hn) return missing(in, "ColumnMetaData.num_values");
    if (!hd) return missing(in, "ColumnMetaData.data_page_offset");
    if (!htc) return missing(in, "ColumnMetaData.total_compressed_size");
    (void)htu;
    return SM_OK;
}

static int dec_column_chunk(tc_in *in, sm_arena *a, pq_column_chunk *c) {
    memset(c, 0, sizeof *c);
    TC_BEGIN(in, "ColumnChunk")
    switch (id) {
    case 1: SM_TRY(rd_str(in, type, a, &c->file_path)); break;
    case 2: SM_TRY(rd_i64(in, type, &c->file_offset)); break;
    case 3:
        if (type != TC_STRUCT) return tc_fail(in, "meta_data is not a struct");
        SM_TRY(dec_column_meta(in, a, &c->meta));
        c->has_meta = true;
        break;
    case 8:
    case 9: c->encrypted = true; SM_TRY(tc_skip(in, type)); break;
    default: SM_TRY(tc_skip(in, type));
    }
    TC_END(in)
    return SM_OK;
}

static int dec_row_group(tc_in *in, sm_arena *a, pq_row_group *g) {
    memset(g, 0, sizeof *g);
    bool hc = false, hn = false;
    TC_BEGIN(in, "RowGroup")
    switch (id) {
    case 1: {
        SM_TRY(struct_list_alloc(in, type, a, sizeof *g->columns, "columns", &g->ncolumns,
                                 (void **)&g->columns));
        for (int i = 0; i < g->ncolumns; i++) SM_TRY(dec_column_chunk(in, a, &g->columns[i]));
        hc = true;
        break;
    }
    case 2: SM_TRY(rd_i64(in, type, &g->total_byte_size)); break;
    case 3: SM_TRY(rd_i64(in, type, &g->num_rows)); hn = true; break;
    case 5: SM_TRY(rd_i64(in, type, &g->file_offset)); g->has_file_offset = true; break;
    case 6:
        SM_TRY(rd_i64(in, type, &g->total_compressed_size));
        g->has_total_compressed_size = true;
        break;
    default: SM_TRY(tc_skip(in, type));
    }
    TC_END(in)
    if (!hc) return missing(in, "RowGroup.columns");
    if (!hn) return missing(in, "RowGroup.num_rows");
    return SM_OK;
}

int pq_decode_file_meta(const uint8_t *buf, size_t len, sm_arena *a, pq_file_meta *m) {
    memset(m, 0, sizeof *m);
    tc_in in = {buf, buf + len, 0, "FileMetaData"};
    tc_in *ip = &in;
    bool hs = false, hn = false, hr = false;
    TC_BEGIN(ip, "FileMetaData")
    switch (id) {
    case 1: SM_TRY(rd_i32(ip, type, &m->version)); break;
    case 2: {
        SM_TRY(struct_list_alloc(ip, type, a, sizeof *m->schema, "schema", &m->nschema,
                                 (void **)&m->schema));
        for (int i = 0; i < m->nschema; i++) SM_TRY(dec_schema_elem(ip, a, &m->schema[i]));
        hs = true;
        break;
    }
    case 3: SM_TRY(rd_i64(ip, type, &m->num_rows)); hn = true; break;
    case 4: {
        SM_TRY(struct_list_alloc(ip, type, a, sizeof *m->row_groups, "row_groups", &m->nrow_groups,
                                 (void **)&m->row_groups));
        for (int i = 0; i < m->nrow_groups; i++) SM_TRY(dec_row_group(ip, a, &m->row_groups[i]));
        hr = true;
        break;
    }
    case 5: SM_TRY(dec_kv_list(ip, type, a, &m->kv, &m->nkv)); break;
    case 6: SM_TRY(rd_str(ip, type, a, &m->created_by)); break;
    case 8: m->encrypted = true; SM_TRY(tc_skip(ip, type)); break;
    default: SM_TRY(tc_skip(ip, type));
    }
    TC_END(ip)
    if (!hs) return missing(ip, "FileMetaData.schema");
    if (!hn) return missing(ip, "FileMetaData.num_rows");
    if (!hr) return missing(ip, "FileMetaData.row_groups");
    return SM_OK;
}

int pq_decode_page_header(const uint8_t *buf, size_t len, pq_page_header *h, size_t *consumed) {
    memset(h, 0, sizeof *h);
    tc_in in = {buf, buf + len, 0, "PageHeader"};
    tc_in *ip = &in;
    bool ht = false, hu = false, hc = false;
    h->data_v2.is_compressed = true;
    TC_BEGIN(ip, "PageHeader")
    switch (id) {
    case 1: SM_TRY(rd_i32(ip, type, &h->type)); ht = true; break;
    case 2: SM_TRY(rd_i32(ip, type, &h->uncompressed_page_size)); hu = true; break;
    case 3: SM_TRY(rd_i32(ip, type, &h->compressed_page_size)); hc = true; break;
    case 4: SM_TRY(rd_i32(ip, type, &h->crc)); h->has_crc = true; break;
    case 5: {
        if (type != TC_STRUCT) return tc_fail(ip, "data_page_header is not a struct");
        pq_data_page_header *d = &h->data;
        bool hn = false, he = false;
        d->def_encoding = d->rep_encoding = PQ_ENC_RLE;
        TC_BEGIN(ip, "DataPageHeader")
        switch (id) {
        case 1: SM_TRY(rd_i32(ip, type, &d->num_values)); hn = true; break;
        case 2: SM_TRY(rd_i32(ip, type, &d->encoding)); he = true; break;
        case 3: SM_TRY(rd_i32(ip, type, &d->def_encoding)); break;
        case 4: SM_TRY(rd_i32(ip, type, &d->rep_encoding)); break;
        case 5: SM_TRY(dec_stats_field(ip, type, NULL, &d->stats, &d->has_stats)); break;
        default: SM_TRY(tc_skip(ip, type));
        }
        TC_END(ip)
        if (!hn) return missing(ip, "DataPageHeader.num_values");
        if (!he) return missing(ip, "DataPageHeader.encoding");
        h->has_data = true;
        break;
    }
    case 7: {
        if (type != TC_STRUCT) return tc_fail(ip, "dictionary_page_header is not a struct");
        pq_dict_page_header *d = &h->dict;
        bool hn = false;
        d->encoding = PQ_ENC_PLAIN;
        TC_BEGIN(ip, "DictionaryPageHeader")
        switch (id) {
        case 1: SM_TRY(rd_i32(ip, type, &d->num_values)); hn = true; break;
        case 2: SM_TRY(rd_i32(ip, type, &d->encoding)); break;
        case 3: SM_TRY(rd_bool(ip, type, &d->is_sorted)); break;
        default: SM_TRY(tc_skip(ip, type));
        }
        TC_END(ip)
        if (!hn) return missing(ip, "DictionaryPageHeader.num_values");
        h->has_dict = true;
        break;
    }
    case 8: {
        if (type != TC_STRUCT) return tc_fail(ip, "data_page_header_v2 is not a struct");
        pq_data_page_header_v2 *d = &h->data_v2;
        bool hn = false, hnn = false, hr = false, he = false, hd = false, hrl = false;
        TC_BEGIN(ip, "DataPageHeaderV2")
        switch (id) {
        case 1: SM_TRY(rd_i32(ip, type, &d->num_values)); hn = true; break;
        case 2: SM_TRY(rd_i32(ip, type, &d->num_nulls)); hnn = true; break;
        case 3: SM_TRY(rd_i32(ip, type, &d->num_rows)); hr = true; break;
        case 4: SM_TRY(rd_i32(ip, type, &d->encoding)); he = true; break;
        case 5: SM_TRY(rd_i32(ip, type, &d->def_len)); hd = true; break;
        case 6: SM_TRY(rd_i32(ip, type, &d->rep_len)); hrl = true; break;
        case 7: SM_TRY(rd_bool(ip, type, &d->is_compressed)); break;
        case 8: SM_TRY(dec_stats_field(ip, type, NULL, &d->stats, &d->has_stats)); break;
        default: SM_TRY(tc_skip(ip, type));
        }
        TC_END(ip)
        if (!hn) return missing(ip, "DataPageHeaderV2.num_values");
        if (!hnn) return missing(ip, "DataPageHeaderV2.num_nulls");
        if (!hr) return missing(ip, "DataPageHeaderV2.num_rows");
        if (!he) return missing(ip, "DataPageHeaderV2.encoding");
        if (!hd) return missing(ip, "DataPageHeaderV2.definition_levels_byte_length");
        if (!hrl) return missing(ip, "DataPageHeaderV2.repetition_levels_byte_length");
        h->has_data_v2 = true;
        break;
    }
    default: SM_TRY(tc_skip(ip, type));
    }
    TC_END(ip)
    if (!ht) return missing(ip, "PageHeader.type");
    if (!hu) return missing(ip, "PageHeader.uncompressed_page_size");
    if (!hc) return missing(ip, "PageHeader.compressed_page_size");
    *consumed = (size_t)(in.p - buf);
    return SM_OK;
}

/* ---- encoding ------------------------------------------------------------------ */

typedef struct {
    sm_buf *b;
    int rc;
    int16_t last[PQ_THRIFT_DEPTH];
    int depth;
} tc_out;

static void w_byte(tc_out *o, uint8_t c) {
    if (o->rc == SM_OK) o->rc = sm_buf_putc(o->b, (char)c);
}

static void w_varint(tc_out *o, uint64_t v) {
    uint8_t tmp[10];
    int n = 0;
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        tmp[n++] = (uint8_t)(c | (v ? 0x80 : 0));
    } while (v);
    if (o->rc == SM_OK) o->rc = sm_buf_append(o->b, tmp, (size_t)n);
}

static void w_zz(tc_out *o, int64_t v) { w_varint(o, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

static void w_field(tc_out *o, int16_t id, int type) {
    int16_t *last = &o->last[o->depth];
    int delta = id - *last;
    if (delta > 0 && delta <= 15) {
        w_byte(o, (uint8_t)(delta << 4 | type));
    } else {
        w_byte(o, (uint8_t)type);
        w_zz(o, id);
    }
    *last = id;
}

static void w_begin(tc_out *o) {
    if (o->depth + 1 >= PQ_THRIFT_DEPTH) {
        o->rc = SM_INTERNAL;
        return;
    }
    o->last[++o->depth] = 0;
}

static void w_end(tc_out *o) {
    w_byte(o, TC_STOP);
    if (o->depth > 0) o->depth--;
}

static void f_i32(tc_out *o, int16_t id, int64_t v) {
    w_field(o, id, TC_I32);
    w_zz(o, v);
}

static void f_i64(tc_out *o, int16_t id, int64_t v) {
    w_field(o, id, TC_I64);
    w_zz(o, v);
}

static void f_bool(tc_out *o, int16_t id, bool v) { w_field(o, id, v ? TC_TRUE : TC_FALSE); }

static void w_bin(tc_out *o, const void *p, size_t n) {
    w_varint(o, n);
    if (o->rc == SM_OK && n) o->rc = sm_buf_append(o->b, p, n);
}

static void f_bin(tc_out *o, int16_t id, const void *p, size_t n) {
    w_field(o, id, TC_BINARY);
    w_bin(o, p, n);
}

static void f_str(tc_out *o, int16_t id, const char *s) { f_bin(o, id, s, strlen(s)); }

static void w_list(tc_out *o, int elem_type, int n) {
    if (n < 15) {
        w_byte(o, (uint8_t)(n << 4 | elem_type));
    } else {
        w_byte(o, (uint8_t)(0xf0 | elem_type));
        w_varint(o, (uint64_t)n);
    }
}

/* A list-valued field: the field header, then the list header. */
static void f_list(tc_out *o, int16_t id, int elem_type, int n) {
    w_field(o, id, TC_LIST);
    w_list(o, elem_type, n);
}

/* The encoders' common ending: the buffer's status, or `what` failed. */
static int w_finish(const tc_out *o, const char *what) {
    if (o->rc == SM_OK || o->rc == SM_NOMEM) return o->rc;
    return sm_err(o->rc, "%s failed", what);
}

static void f_struct(tc_out *o, int16_t id) {
    w_field(o, id, TC_STRUCT);
    w_begin(o);
}

static void enc_stats(tc_out *o, int16_t id, const pq_stats *s) {
    f_struct(o, id);
    if (s->max.bytes) f_bin(o, 1, s->max.bytes, (size_t)s->max.len);
    if (s->min.bytes) f_bin(o, 2, s->min.bytes, (size_t)s->min.len);
    if (s->has_null_count) f_i64(o, 3, s->null_count);
    if (s->has_distinct_count) f_i64(o, 4, s->distinct_count);
    if (s->max_value.bytes) f_bin(o, 5, s->max_value.bytes, (size_t)s->max_value.len);
    if (s->min_value.bytes) f_bin(o, 6, s->min_value.bytes, (size_t)s->min_value.len);
    w_end(o);
}

static void enc_logical(tc_out *o, const pq_logical *lt) {
    f_struct(o, 10);
    f_struct(o, (int16_t)lt->kind);
    switch (lt->kind) {
    case PQ_LT_DECIMAL:
        f_i32(o, 1, lt->scale);
        f_i32(o, 2, lt->precision);
        break;
    case PQ_LT_TIMESTAMP:
    case PQ_LT_TIME:
        f_bool(o, 1, lt->utc);
        f_struct(o, 2);
        f_struct(o, (int16_t)lt->unit);
        w_end(o);
        w_end(o);
        break;
    case PQ_LT_INTEGER:
        w_field(o, 1, TC_BYTE);
        w_byte(o, (uint8_t)lt->bit_width);
        f_bool(o, 2, lt->is_signed);
        break;
    default:
        break;
    }
    w_end(o);
    w_end(o);
}

int pq_encode_file_meta(const pq_file_meta *m, sm_buf *out) {
    tc_out o = {.b = out};
    f_i32(&o, 1, m->version);
    f_list(&o, 2, TC_STRUCT, m->nschema);
    for (int i = 0; i < m->nschema; i++) {
        const pq_schema_elem *e = &m->schema[i];
        w_begin(&o);
        if (e->type >= 0) f_i32(&o, 1, e->type);
        if (e->type == PQ_FIXED_LEN_BYTE_ARRAY) f_i32(&o, 2, e->type_length);
        if (e->repetition >= 0) f_i32(&o, 3, e->repetition);
        f_str(&o, 4, e->name ? e->name : "");
        if (e->num_children > 0) f_i32(&o, 5, e->num_children);
        if (e->converted >= 0) f_i32(&o, 6, e->converted);
        if (e->has_scale) f_i32(&o, 7, e->scale);
        if (e->has_precision) f_i32(&o, 8, e->precision);
        if (e->has_field_id) f_i32(&o, 9, e->field_id);
        if (e->logical.kind != PQ_LT_NONE) enc_logical(&o, &e->logical);
        w_end(&o);
    }
    f_i64(&o, 3, m->num_rows);
    f_list(&o, 4, TC_STRUCT, m->nrow_groups);
    for (int g = 0; g < m->nrow_groups; g++) {
        const pq_row_group *rg = &m->row_groups[g];
        w_begin(&o);
        f_list(&o, 1, TC_STRUCT, rg->ncolumns);
        for (int c = 0; c < rg->ncolumns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            const pq_column_meta *cm = &cc->meta;
            w_begin(&o);
            if (cc->file_path) f_str(&o, 1, cc->file_path);
            f_i64(&o, 2, cc->file_offset);
            f_struct(&o, 3);
            f_i32(&o, 1, cm->type);
            f_list(&o, 2, TC_I32, cm->nencodings);
            for (int i = 0; i < cm->nencodings; i++) w_zz(&o, cm->encodings[i]);
            f_list(&o, 3, TC_BINARY, cm->npath);
            for (int i = 0; i < cm->npath; i++) w_bin(&o, cm->path[i], strlen(cm->path[i]));
            f_i32(&o, 4, cm->codec);
            f_i64(&o, 5, cm->num_values);
            f_i64(&o, 6, cm->total_uncompressed_size);
            f_i64(&o, 7, cm->total_compressed_size);
            f_i64(&o, 9, cm->data_page_offset);
            if (cm->has_index_page_offset) f_i64(&o, 10, cm->index_page_offset);
            if (cm->has_dictionary_page_offset) f_i64(&o, 11, cm->dictionary_page_offset);
            if (cm->has_stats) enc_stats(&o, 12, &cm->stats);
            w_end(&o);
            w_end(&o);
        }
        f_i64(&o, 2, rg->total_byte_size);
        f_i64(&o, 3, rg->num_rows);
        if (rg->has_file_offset) f_i64(&o, 5, rg->file_offset);
        if (rg->has_total_compressed_size) f_i64(&o, 6, rg->total_compressed_size);
        w_end(&o);
    }
    if (m->nkv) {
        f_list(&o, 5, TC_STRUCT, m->nkv);
        for (int i = 0; i < m->nkv; i++) {
            w_begin(&o);
            f_str(&o, 1, m->kv[i].key);
            if (m->kv[i].value) f_str(&o, 2, m->kv[i].value);
            w_end(&o);
        }
    }
    if (m->created_by) f_str(&o, 6, m->created_by);
    w_end(&o);
    return w_finish(&o, "encoding the Parquet footer");
}

int pq_encode_page_header(const pq_page_header *h, sm_buf *out) {
    tc_out o = {.b = out};
    f_i32(&o, 1, h->type);
    f_i32(&o, 2, h->uncompressed_page_size);
    f_i32(&o, 3, h->compressed_page_size);
    if (h->has_crc) f_i32(&o, 4, h->crc);
    if (h->has_data) {
        const pq_data_page_header *d = &h->data;
        f_struct(&o, 5);
        f_i32(&o, 1, d->num_values);
        f_i32(&o, 2, d->encoding);
        f_i32(&o, 3, d->def_encoding);
        f_i32(&o, 4, d->rep_encoding);
        if (d->has_stats) enc_stats(&o, 5, &d->stats);
        w_end(&o);
    }
    if (h->has_dict) {
        f_struct(&o, 7);
        f_i32(&o, 1, h->dict.num_values);
        f_i32(&o, 2, h->dict.encoding);
        if (h->dict.is_sorted) f_bool(&o, 3, true);
        w_end(&o);
    }
    if (h->has_data_v2) {
        const pq_data_page_header_v2 *d = &h->data_v2;
        f_struct(&o, 8);
        f_i32(&o, 1, d->num_values);
        f_i32(&o, 2, d->num_nulls);
        f_i32(&o, 3, d->num_rows);
        f_i32(&o, 4, d->encoding);
        f_i32(&o, 5, d->def_len);
        f_i32(&o, 6, d->rep_len);
        if (!d->is_compressed) f_bool(&o, 7, false);
        if (d->has_stats) enc_stats(&o, 8, &d->stats);
        w_end(&o);
    }
    w_end(&o);
    return w_finish(&o, "encoding a Parquet page header");
}
