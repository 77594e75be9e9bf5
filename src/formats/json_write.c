/*
 * json_write.c — one JSON lines part file, as Spark 3.5's JacksonGenerator
 * writes it.
 *
 * A row is one object, fields in schema order, followed by lineSep ("\n").
 * Null fields are left out (at every struct level) unless
 * ignoreNullFields=false, which writes "name":null; array elements and map
 * values that are null are written as null.  Values:
 *   boolean true/false; integers as digits; double and float by Java's
 *   Double.toString / Float.toString, with NaN and ±Infinity as the quoted
 *   strings "NaN", "Infinity", "-Infinity" (Jackson's
 *   QUOTE_NON_NUMERIC_NUMBERS); decimal as BigDecimal.toString; string with
 *   Jackson's escaping (" \ and control characters: \b \f \n \r \t or
 *   \u00XX; everything else as is, UTF-8); binary as base64; date in
 *   dateFormat (yyyy-MM-dd); timestamp in timestampFormat
 *   (yyyy-MM-dd'T'HH:mm:ss.SSSXXX) in the session time zone; timestamp_ntz
 *   in timestampNTZFormat (yyyy-MM-dd'T'HH:mm:ss[.SSS]); array as [..],
 *   map as {"key":value} (keys as strings), struct as an object.
 *
 * Output is buffered (1 MiB) and written with write(2), or through the
 * codec the compression option names (fs/textout.c: gzip, bzip2, deflate,
 * lz4, snappy, zstd).  As in Spark's JSONOptions, `codec` is not an alias
 * of `compression` for JSON (CSV has it) and is ignored.  The writer owns its buffers and file
 * descriptor; the schema and options must outlive it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"
#include "expr/cast_small.h"
#include "expr/expr.h"
#include "formats/json.h"
#include "fs/textout.h"
#include "types/timeofday.h"
#include "types/decimal.h"


static int set_str(char **dst, const char *v) {
    sm_free(*dst);
    *dst = sm_strdup(v);
    return *dst ? SM_OK : sm_err(SM_NOMEM, "out of memory parsing JSON write options");
}

int json_write_opts_parse(const char *const *kv, json_write_opts *o) {
    memset(o, 0, sizeof *o);
    o->ignore_null_fields = true;
    int rc = set_str(&o->date_format, "yyyy-MM-dd");
    if (!rc) rc = set_str(&o->timestamp_format, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    if (!rc) rc = set_str(&o->timestamp_ntz_format, "yyyy-MM-dd'T'HH:mm:ss[.SSS]");
    if (!rc) rc = set_str(&o->line_sep, "\n");
    for (int i = 0; rc == SM_OK && kv && kv[i] && kv[i + 1]; i += 2) {
        const char *k = kv[i], *v = kv[i + 1];
        if (!strcasecmp(k, "ignoreNullFields")) {
            if (!strcasecmp(v, "true")) o->ignore_null_fields = true;
            else if (!strcasecmp(v, "false")) o->ignore_null_fields = false;
            else rc = sm_err(SM_INVALID, "JSON option ignoreNullFields: '%s' is not a boolean; use true or false", v);
        } else if (!strcasecmp(k, "dateFormat")) {
            rc = set_str(&o->date_format, v);
        } else if (!strcasecmp(k, "timestampFormat")) {
            rc = set_str(&o->timestamp_format, v);
        } else if (!strcasecmp(k, "timestampNTZFormat")) {
            rc = set_str(&o->timestamp_ntz_format, v);
        } else if (!strcasecmp(k, "lineSep")) {
            if (!*v) rc = sm_err(SM_INVALID, "JSON option lineSep: 'lineSep' cannot be an empty string");
            else rc = set_str(&o->line_sep, v);
        } else if (!strcasecmp(k, "compression")) {
            rc = sm_fs_codec_parse(v, &o->codec);
            o->gzip = o->codec == SM_FS_CODEC_GZIP;
        } else if (!strcasecmp(k, "encoding") || !strcasecmp(k, "charset")) {
            if (strcasecmp(v, "UTF-8") && strcasecmp(v, "UTF8"))
                rc = sm_err(SM_UNSUPPORTED, "JSON option %s: '%s' is not supported; smelt writes UTF-8", k, v);
        }
    }
    if (!rc && (rc = sm_dtfmt_compile(o->date_format, &o->date_fmt))) sm_err_prefix(rc, "JSON option dateFormat: ");
    if (!rc && (rc = sm_dtfmt_compile(o->timestamp_format, &o->ts_fmt)))
        sm_err_prefix(rc, "JSON option timestampFormat: ");
    if (!rc && (rc = sm_dtfmt_compile(o->timestamp_ntz_format, &o->ts_ntz_fmt)))
        sm_err_prefix(rc, "JSON option timestampNTZFormat: ");
    if (rc) json_write_opts_free(o);
    return rc;
}

void json_write_opts_free(json_write_opts *o) {
    sm_free(o->date_format);
    sm_free(o->timestamp_format);
    sm_free(o->timestamp_ntz_format);
    sm_free(o->line_sep);
    if (o->date_fmt) sm_dtfmt_free(o->date_fmt);
    if (o->ts_fmt) sm_dtfmt_free(o->ts_fmt);
    if (o->ts_ntz_fmt) sm_dtfmt_free(o->ts_ntz_fmt);
    memset(o, 0, sizeof *o);
}

const char *json_write_extension(const json_write_opts *o) {
    static const char *const ext[SM_FS_CODEC_COUNT] = {
        [SM_FS_CODEC_NONE] = ".json",         [SM_FS_CODEC_GZIP] = ".json.gz",
        [SM_FS_CODEC_BZIP2] = ".json.bz2",    [SM_FS_CODEC_DEFLATE] = ".json.deflate",
        [SM_FS_CODEC_LZ4] = ".json.lz4",      [SM_FS_CODEC_SNAPPY] = ".json.snappy",
        [SM_FS_CODEC_ZSTD] = ".json.zst"};
    return o->codec > 0 && o->codec < SM_FS_CODEC_COUNT ? ext[o->codec] : ".json";
}

/* ---- values ---------------------------------------------------------------- */

typedef struct {
    const json_write_opts *o;
    const sm_tz *tz;
} jw_ctx;

static int put_base64(sm_buf *out, const char *s, int32_t n) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    SM_TRY(sm_buf_putc(out, '"'));
    const unsigned char *p = (const unsigned char *)s;
    int32_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63]};
        SM_TRY(sm_buf_append(out, q, 4));
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=', '='};
        SM_TRY(sm_buf_append(out, q, 4));
    }
    return sm_buf_putc(out, '"');
}

static int put_value(const jw_ctx *c, const sm_vector *v, int64_t row, const sm_dtype *dt, sm_buf *out);

static int put_struct(const jw_ctx *c, const sm_vector *v, int64_t row, const sm_dtype *dt, sm_buf *out) {
    SM_TRY(sm_buf_putc(out, '{'));
    bool first = true;
    for (int f = 0; f < dt->nfields; f++) {
        const sm_vector *ch = v->children[f];
        bool null = sm_vector_is_null(ch, row);
        if (null && c->o->ignore_null_fields) continue;
        if (!first) SM_TRY(sm_buf_putc(out, ','));
        first = false;
        const char *name = dt->fields[f].name;
        SM_TRY(json_escape_string(out, name, (int32_t)strlen(name)));
        SM_TRY(sm_buf_putc(out, ':'));
        if (null) SM_TRY(sm_buf_append(out, "null", 4));
        else SM_TRY(put_value(c, ch, row, dt->fields[f].type, out));
    }
    return sm_buf_putc(out, '}');
}

static int put_double(sm_buf *out, double x, bool is_float) {
    if (isnan(x)) return sm_buf_append(out, "\"NaN\"", 5);
    if (isinf(x)) return x > 0 ? sm_buf_append(out, "\"Infinity\"", 10) : sm_buf_append(out, "\"-Infinity\"", 11);
    char buf[48];
    int n = is_float ? sm_format_float(x, buf) : sm_format_double(x, buf);
    return sm_buf_append(out, buf, (size_t)n);
}

static int put_value(const jw_ctx *c, const sm_vector *v, int64_t row, const sm_dtype *dt, sm_buf *out) {
    if (sm_vector_is_null(v, row)) return sm_buf_append(out, "null", 4);
    switch (dt->id) {
    case SM_BOOLEAN:
        return SM_VEC_BOOL(v)[row] ? sm_buf_append(out, "true", 4) : sm_buf_append(out, "false", 5);
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INT: return sm_buf_appendf(out, "%d", (int)SM_VEC_I32(v)[row]);
    case SM_BIGINT: return sm_buf_appendf(out, "%lld", (long long)SM_VEC_I64(v)[row]);
    case SM_FLOAT: return put_double(out, SM_VEC_F64(v)[row], true);
    case SM_DOUBLE: return put_double(out, SM_VEC_F64(v)[row], false);
    case SM_DECIMAL: {
        sm_value x;
        sm_vector_get(v, row, &x);
        char buf[64];
        int n = sm_dec_format(x.v.dec, dt->scale, buf);
        return sm_buf_append(out, buf, (size_t)n);
    }
    case SM_STRING: {
        int32_t len;
        const char *s = sm_vector_str(v, row, &len);
        return json_escape_string(out, s, len);
    }
    case SM_BINARY: {
        int32_t len;
        const char *s = sm_vector_str(v, row, &len);
        return put_base64(out, s, len);
    }
    case SM_DATE: {
        SM_TRY(sm_buf_putc(out, '"'));
        SM_TRY(sm_dtfmt_format(c->o->date_fmt, (int64_t)SM_VEC_I32(v)[row] * 86400000000LL, sm_tz_utc(), out));
        return sm_buf_putc(out, '"');
    }
    case SM_TIME: { /* Spark 4.1: a string "HH:mm:ss[.fraction]" */
        char tb[32];
        int n = sm_format_time(SM_VEC_I64(v)[row], tb);
        SM_TRY(sm_buf_putc(out, '"'));
        SM_TRY(sm_buf_append(out, tb, (size_t)n));
        return sm_buf_putc(out, '"');
    }
    case SM_TIMESTAMP:
    case SM_TIMESTAMP_NTZ: {
        bool ntz = dt->id == SM_TIMESTAMP_NTZ;
        SM_TRY(sm_buf_putc(out, '"'));
        SM_TRY(sm_dtfmt_format(ntz ? c->o->ts_ntz_fmt : c->o->ts_fmt, SM_VEC_I64(v)[row],
                               ntz ? sm_tz_utc() : c->tz, out));
        return sm_buf_putc(out, '"');
    }
    case SM_ARRAY: {
        int64_t s, e;
        sm_vector_list_range(v, row, &s, &e);
        SM_TRY(sm_buf_putc(out, '['));
        for (int64_t i = s; i < e; i++) {
            if (i > s) SM_TRY(sm_buf_putc(out, ','));
            SM_TRY(put_value(c, v->children[0], i, dt->elem, out));
        }
        return sm_buf_putc(out, ']');
    }
    case SM_MAP: {
        int64_t s, e;
        sm_vector_list_range(v, row, &s, &e);
        SM_TRY(sm_buf_putc(out, '{'));
        sm_buf key = {0};
        for (int64_t i = s; i < e; i++) {
            if (i > s) SM_TRY(sm_buf_putc(out, ','));
            /* keys as strings: a string key as is, any other as its JSON text */
            if (dt->elem->id == SM_STRING) {
                int32_t len;
                const char *ks = sm_vector_str(v->children[0], i, &len);
                SM_TRY(json_escape_string(out, ks, len));
            } else {
                key.len = 0;
                int rc = put_value(c, v->children[0], i, dt->elem, &key);
                const char *ks = key.data ? key.data : "";
                size_t kl = key.len;
                if (kl >= 2 && ks[0] == '"') { ks++; kl -= 2; }
                if (rc == SM_OK) rc = json_escape_string(out, ks, (int32_t)kl);
                if (rc) { sm_buf_free(&key); return rc; }
            }
            SM_TRY(sm_buf_putc(out, ':'));
            int rc = put_value(c, v->children[1], i, dt->value, out);
            if (rc) { sm_buf_free(&key); return rc; }
        }
        sm_buf_free(&key);
        return sm_buf_putc(out, '}');
    }
    case SM_STRUCT: return put_struct(c, v, row, dt, out);
    default: {
        /* intervals and the rest: their text (CAST AS STRING) as a string */
        sm_value x;
        sm_vector_get(v, row, &x);
        sm_buf t = {0};
        int rc = sm_value_to_string(&x, c->tz, &t);
        if (rc == SM_OK) rc = json_escape_string(out, t.data ? t.data : "", (int32_t)t.len);
        sm_buf_free(&t);
        return rc;
    }
    }
}

int json_format_value(const json_write_opts *o, const sm_tz *tz, const sm_vector *v, int64_t row,
                      const sm_dtype *dt, sm_buf *out) {
    jw_ctx c = {o, tz ? tz : sm_tz_utc()};
    return put_value(&c, v, row, dt, out);
}

int json_format_row(const json_write_opts *o, const sm_schema *schema, const sm_tz *tz, const sm_batch *b,
                    int64_t row, sm_buf *out) {
    jw_ctx c = {o, tz ? tz : sm_tz_utc()};
    SM_TRY(sm_buf_putc(out, '{'));
    bool first = true;
    for (int f = 0; f < schema->ncols; f++) {
        const sm_field *fd = &schema->fields[f];
        const sm_vector *col = b->cols[f];
        bool null = sm_vector_is_null(col, row);
        if (null && o->ignore_null_fields) continue;
        if (!first) SM_TRY(sm_buf_putc(out, ','));
        first = false;
        const char *name = fd->name ? fd->name : "";
        SM_TRY(json_escape_string(out, name, (int32_t)strlen(name)));
        SM_TRY(sm_buf_putc(out, ':'));
        if (null) {
            SM_TRY(sm_buf_append(out, "null", 4));
            continue;
        }
        const sm_dtype *dt = fd->dt ? fd->dt : sm_dtype_scalar(fd->type, fd->precision, fd->scale);
        if (!dt) return sm_err(SM_NOMEM, "out of memory writing JSON");
        SM_TRY(put_value(&c, col, row, dt, out));
    }
    return sm_buf_putc(out, '}');
}

/* ---- the file ---------------------------------------------------------------- */

struct json_writer {
    const sm_schema *schema;
    const json_write_opts *o;
    const sm_tz *tz;
    fs_textout t; /* the file; t.out is the pending text */
};

int json_writer_open(const char *path, const sm_schema *schema, const json_write_opts *o, const sm_tz *tz,
                     json_writer **out) {
    *out = NULL;
    json_writer *w = sm_calloc(1, sizeof *w);
    if (!w) return sm_err(SM_NOMEM, "out of memory opening a JSON writer");
    w->schema = schema;
    w->o = o;
    w->tz = tz ? tz : sm_tz_utc();
    int rc = fs_textout_open_codec(&w->t, path, o->codec);
    if (rc) {
        sm_free(w);
        return rc;
    }
    *out = w;
    return SM_OK;
}

int json_writer_write_batch(json_writer *w, const sm_batch *b) {
    size_t sep = strlen(w->o->line_sep);
    for (int64_t r = 0; r < b->nrows; r++) {
        int rc = json_format_row(w->o, w->schema, w->tz, b, r, &w->t.out);
        if (rc == SM_OK) rc = sm_buf_append(&w->t.out, w->o->line_sep, sep);
        if (rc) return rc == SM_NOMEM ? sm_err(SM_NOMEM, "out of memory writing JSON") : rc;
        SM_TRY(fs_textout_maybe_flush(&w->t));
    }
    return SM_OK;
}

int json_writer_close(json_writer *w) {
    int rc = fs_textout_close(&w->t);
    sm_free(w);
    return rc;
}

void json_writer_abort(json_writer *w) {
    if (!w) return;
    fs_textout_abort(&w->t);
    sm_free(w);
}
