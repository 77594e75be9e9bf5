/*
 * json_read.c — JSON options, the conversion of parsed values to vectors
 * (Spark's JacksonParser), the split reader and the source.
 *
 * Records.  Without multiLine a record is a line (ending at \n, \r\n or a
 * lone \r, or at lineSep); blank lines are skipped.  Files are cut into
 * byte ranges of json_split_bytes and a split reads every line that
 * *begins* in its range (Hadoop's LineRecordReader rule, as csv_read.c), so
 * large files are read in parallel.  With multiLine a file is one record
 * holding one value (an object, or an array of objects: one row each) and
 * is one split.  Compressed files (.gz, .zst: fs/compress.c) are one split.
 * Anything after the first value of a record is ignored, as Spark does.
 *
 * Conversion (JacksonParser.makeConverter), by target type:
 *   boolean: true/false; integers: integer literals in range; float/double:
 *   any number, NaN/Infinity, and the strings "NaN", "Infinity", "+INF",
 *   "+Infinity", "-INF", "-Infinity"; decimal: numbers and numeric strings,
 *   rounded HALF_UP, too many digits failing; string: the text of a string,
 *   any other value re-serialized compactly (floats by Double.toString);
 *   date: a string in dateFormat, else as CAST (then Spark 1.5's integer
 *   day count); timestamp: a string in timestampFormat, else as CAST, or an
 *   integer count of seconds; binary: base64; array, map (string keys) and
 *   struct from arrays and objects (members matched by exact name, the last
 *   duplicate winning); null gives null for every type.
 * A value that does not convert makes its field null and the record
 * malformed (Spark 3.5's partial results: the other fields keep their
 * values); a record that does not parse, or whose value is not an object
 * (or array of objects), is malformed with every field null.  Malformed
 * records: PERMISSIVE keeps them with the record's text in the corrupt
 * column when the schema has one; DROPMALFORMED drops them (checked with a
 * dry run first, so nothing is appended for a dropped row); FAILFAST fails
 * naming file:line.
 *
 * Schema inference (no user schema) runs json_infer.c over every record of
 * every split in parallel on the pool, merging per split then across splits.
 *
 * Memory: a reader owns its mapping and its json_doc (reused per record);
 * values point into the doc until appended.  Threading: the scan is
 * read-only once created; readers are independent.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "common/status.h"
#include "formats/json.h"
#include "types/timeofday.h"
#include "types/decimal.h"

int64_t json_split_bytes = 32LL << 20;

/* ---- options ---------------------------------------------------------------- */

static int parse_bool_opt(const char *k, const char *v, bool *out) {
    if (!strcasecmp(v, "true")) *out = true;
    else if (!strcasecmp(v, "false")) *out = false;
    else return sm_err(SM_INVALID, "JSON option %s: '%s' is not a boolean; use true or false", k, v);
    return SM_OK;
}

static int set_str(char **dst, const char *v) {
    sm_free(*dst);
    *dst = sm_strdup(v);
    return *dst ? SM_OK : sm_err(SM_NOMEM, "out of memory parsing JSON options");
}

int json_options_parse(const char *const *kv, json_options *o) {
    memset(o, 0, sizeof *o);
    o->allow_single_quotes = true;
    o->allow_nonnumeric = true;
    o->sampling_ratio = 1.0;
    o->mode = JSON_PERMISSIVE;
    int rc = set_str(&o->corrupt_col, "_corrupt_record");
    for (int i = 0; rc == SM_OK && kv && kv[i] && kv[i + 1]; i += 2) {
        const char *k = kv[i], *v = kv[i + 1];
        struct { const char *name; bool *dst; } bools[] = {
            {"multiLine", &o->multiline},
            {"primitivesAsString", &o->primitives_as_string},
            {"prefersDecimal", &o->prefers_decimal},
            {"allowComments", &o->allow_comments},
            {"allowUnquotedFieldNames", &o->allow_unquoted_names},
            {"allowSingleQuotes", &o->allow_single_quotes},
            {"allowNumericLeadingZeros", &o->allow_leading_zeros},
            {"allowNonNumericNumbers", &o->allow_nonnumeric},
            {"allowBackslashEscapingAnyCharacter", &o->allow_backslash_any},
            {"allowUnquotedControlChars", &o->allow_control_chars},
            {"dropFieldIfAllNull", &o->drop_field_if_all_null},
        };
        bool done = false;
        for (size_t b = 0; b < sizeof bools / sizeof bools[0]; b++)
            if (!strcasecmp(k, bools[b].name)) {
                rc = parse_bool_opt(bools[b].name, v, bools[b].dst);
                done = true;
            }
        if (done) continue;
        if (!strcasecmp(k, "mode")) {
            if (!strcasecmp(v, "PERMISSIVE")) o->mode = JSON_PERMISSIVE;
            else if (!strcasecmp(v, "DROPMALFORMED")) o->mode = JSON_DROPMALFORMED;
            else if (!strcasecmp(v, "FAILFAST")) o->mode = JSON_FAILFAST;
            else o->mode = JSON_PERMISSIVE; /* Spark: unknown modes fall back to PERMISSIVE */
        } else if (!strcasecmp(k, "columnNameOfCorruptRecord")) {
            rc = set_str(&o->corrupt_col, v);
        } else if (!strcasecmp(k, "dateFormat")) {
            rc = set_str(&o->date_format, v);
        } else if (!strcasecmp(k, "timestampFormat")) {
            rc = set_str(&o->timestamp_format, v);
        } else if (!strcasecmp(k, "samplingRatio")) {
            char *end;
            errno = 0;
            double r = strtod(v, &end);
            if (errno || end == v || *end || !(r > 0) || r > 1e300)
                rc = sm_err(SM_INVALID, "JSON option samplingRatio: '%s' must be a number greater than 0", v);
            else o->sampling_ratio = r > 1 ? 1 : r;
        } else if (!strcasecmp(k, "encoding") || !strcasecmp(k, "charset")) {
            if (strcasecmp(v, "UTF-8") && strcasecmp(v, "UTF8") && strcasecmp(v, "US-ASCII"))
                rc = sm_err(SM_UNSUPPORTED, "JSON option %s: '%s' is not supported; smelt reads UTF-8 JSON", k, v);
        } else if (!strcasecmp(k, "lineSep")) {
            if (!*v) rc = sm_err(SM_INVALID, "JSON option lineSep: 'lineSep' cannot be an empty string");
            else {
                rc = set_str(&o->line_sep, v);
                o->line_sep_len = (int)strlen(v);
            }
        }
    }
    if (rc) json_options_free(o);
    return rc;
}

void json_options_free(json_options *o) {
    sm_free(o->corrupt_col);
    sm_free(o->date_format);
    sm_free(o->timestamp_format);
    sm_free(o->line_sep);
    memset(o, 0, sizeof *o);
}

/* ---- scan ----------------------------------------------------------------------- */

typedef sm_fs_split json_split;

typedef struct json_scan {
    json_options opt;
    const sm_tz *tz;
    sm_dtfmt *date_fmt, *ts_fmt;
    int nfiles;
    char **files;
    int64_t *sizes;
    int nsplits;
    json_split *splits;
    sm_schema *schema;
    const sm_dtype **col_dt;  /* per output column */
    int corrupt_index;        /* or -1 */
    bool *required;           /* per output column (NULL = all) */
} json_scan;

/* Finds the first line start at or after pos. */
static int64_t align_line(const json_options *o, const char *d, int64_t len, int64_t pos) {
    if (pos <= 0) return 0;
    if (pos >= len) return len;
    if (o->line_sep) {
        int64_t k = o->line_sep_len;
        for (int64_t i = pos - k + 1 < 0 ? 0 : pos - k + 1; i + k <= len; i++)
            if (memcmp(d + i, o->line_sep, (size_t)k) == 0 && i + k >= pos) return i + k;
        return len;
    }
    char prev = d[pos - 1];
    if (prev == '\n' || (prev == '\r' && d[pos] != '\n')) return pos;
    for (int64_t i = pos; i < len; i++) {
        if (d[i] == '\n') return i + 1;
        if (d[i] == '\r') return (i + 1 < len && d[i + 1] == '\n') ? i + 2 : i + 1;
    }
    return len;
}

/* The line at p: [p, *line_end), the next at *next. */
static void next_line(const json_options *o, const char *p, const char *end, const char **line_end,
                      const char **next) {
    if (o->line_sep) {
        int k = o->line_sep_len;
        const char *q = p;
        while (q + k <= end) {
            const char *hit = memchr(q, o->line_sep[0], (size_t)(end - q));
            if (!hit || hit + k > end) break;
            if (memcmp(hit, o->line_sep, (size_t)k) == 0) {
                *line_end = hit;
                *next = hit + k;
                return;
            }
            q = hit + 1;
        }
        *line_end = *next = end;
        return;
    }
    const char *q = p;
    while (q < end && *q != '\n' && *q != '\r') q++;
    *line_end = q;
    if (q < end && *q == '\r' && q + 1 < end && q[1] == '\n') *next = q + 2;
    else *next = q < end ? q + 1 : end;
}

/* ---- conversion ------------------------------------------------------------------ */

typedef struct {
    const json_conv_cfg *cfg;
    const json_doc *d;
    bool bad;
} conv_ctx;

static bool parse_i64(const char *s, int32_t n, int64_t *out) {
    int32_t i = 0;
    bool neg = false;
    if (i < n && s[i] == '-') { neg = true; i++; }
    if (i >= n) return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        if (v > (UINT64_MAX - 9) / 10) return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX) return false;
        *out = (int64_t)v;
    }
    return true;
}

static double text_double(const char *s, int32_t n) {
    char tmp[512];
    if (n >= (int32_t)sizeof tmp) n = (int32_t)sizeof tmp - 1;
    memcpy(tmp, s, (size_t)n);
    tmp[n] = 0;
    return strtod(tmp, NULL);
}

static bool special_double(const char *s, int32_t n, double *out) {
#define IS(lit) (n == (int32_t)sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)
    if (IS("NaN")) { *out = NAN; return true; }
    if (IS("+INF") || IS("+Infinity") || IS("Infinity")) { *out = INFINITY; return true; }
    if (IS("-INF") || IS("-Infinity")) { *out = -INFINITY; return true; }
#undef IS
    return false;
}

static int b64val(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Jackson's MIME-NO-LINEFEEDS base64 (padding required only inside). */
static bool base64_decode(const char *s, int32_t n, sm_buf *out) {
    uint32_t acc = 0;
    int bits = 0;
    int32_t i = 0;
    for (; i < n && s[i] != '='; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0) return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (sm_buf_putc(out, (char)((acc >> bits) & 0xFF))) return false;
        }
    }
    for (; i < n; i++)
        if (s[i] != '=') return false;
    return true;
}

/* Appends node ni (or null when ni < 0) converted to dt to v; v NULL = a dry
 * run that only decides whether the value converts.  A value that does not
 * convert appends null and sets c->bad.  Returns SM_OK or SM_NOMEM. */
static int conv(conv_ctx *c, sm_vector *v, int32_t ni, const sm_dtype *dt);

#define APPEND(expr) (v ? (expr) : SM_OK)

static int conv_bad(conv_ctx *c, sm_vector *v) {
    c->bad = true;
    return APPEND(sm_vector_append_null(v));
}

static int conv_struct(conv_ctx *c, sm_vector *v, int32_t ni, const sm_dtype *dt) {
    const json_doc *d = c->d;
    int nf = dt->nfields;
    int32_t stack_slots[64];
    int32_t *slot = nf <= 64 ? stack_slots : sm_malloc((size_t)nf * sizeof *slot);
    if (!slot) return sm_err(SM_NOMEM, "out of memory reading JSON");
    for (int f = 0; f < nf; f++) slot[f] = -1;
    int hint = 0;
    for (int32_t m = d->nodes[ni].first; m >= 0; m = d->nodes[m].next) {
        const json_node *mn = &d->nodes[m];
        const char *key = json_key(d, mn);
        for (int k = 0; k < nf; k++) {
            int f = (hint + k) % nf;
            const char *name = dt->fields[f].name;
            if ((int32_t)strlen(name) == mn->key_len && memcmp(name, key, (size_t)mn->key_len) == 0) {
                slot[f] = m;
                hint = f + 1 < nf ? f + 1 : 0;
                break;
            }
        }
    }
    int rc = SM_OK;
    for (int f = 0; f < nf && rc == SM_OK; f++)
        rc = conv(c, v ? v->children[f] : NULL, slot[f], dt->fields[f].type);
    if (slot != stack_slots) sm_free(slot);
    if (rc == SM_OK && v) rc = sm_vector_end_struct(v);
    return rc;
}

static int conv(conv_ctx *c, sm_vector *v, int32_t ni, const sm_dtype *dt) {
    const json_doc *d = c->d;
    const json_conv_cfg *scan = c->cfg;
    if (ni < 0 || d->nodes[ni].kind == JN_NULL || dt->id == SM_NULLTYPE) return APPEND(sm_vector_append_null(v));
    const json_node *n = &d->nodes[ni];
    const char *t = json_text(d, n);
    int k = n->kind;
    switch (dt->id) {
    case SM_BOOLEAN:
        if (k == JN_TRUE || k == JN_FALSE) return APPEND(sm_vector_append_bool(v, k == JN_TRUE));
        return conv_bad(c, v);
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_INT:
    case SM_BIGINT: {
        int64_t x;
        if (k != JN_INT || !parse_i64(t, n->len, &x)) return conv_bad(c, v);
        int64_t lim = dt->id == SM_TINYINT ? 127 : dt->id == SM_SMALLINT ? 32767 : dt->id == SM_INT ? INT32_MAX : INT64_MAX;
        if (x > lim || x < -lim - 1) return conv_bad(c, v);
        return APPEND(dt->id == SM_BIGINT ? sm_vector_append_i64(v, x) : sm_vector_append_i32(v, (int32_t)x));
    }
    case SM_FLOAT:
    case SM_DOUBLE: {
        double x;
        if (k == JN_INT || k == JN_FLOAT) x = text_double(t, n->len);
        else if (k == JN_NAN) x = NAN;
        else if (k == JN_POS_INF) x = INFINITY;
        else if (k == JN_NEG_INF) x = -INFINITY;
        else if (k == JN_STRING && scan->opt->allow_nonnumeric && special_double(t, n->len, &x)) {
        } else return conv_bad(c, v);
        if (dt->id == SM_FLOAT) x = (double)(float)x;
        return APPEND(sm_vector_append_f64(v, x));
    }
    case SM_DECIMAL: {
        char buf[256];
        int32_t bl = 0;
        if (k == JN_INT || k == JN_FLOAT) {
            if (n->len >= (int32_t)sizeof buf) return conv_bad(c, v);
            memcpy(buf, t, (size_t)n->len);
            bl = n->len;
        } else if (k == JN_STRING) {
            for (int32_t i = 0; i < n->len; i++) {
                if (t[i] == ',') continue;
                if (bl >= (int32_t)sizeof buf - 1) return conv_bad(c, v);
                buf[bl++] = t[i];
            }
        } else return conv_bad(c, v);
        __int128 u;
        if (sm_dec_parse(buf, (size_t)bl, dt->scale, &u) != 0 || !sm_dec_fits(u, dt->precision))
            return conv_bad(c, v);
        sm_value val = {.type = SM_DECIMAL, .precision = dt->precision, .scale = dt->scale};
        val.v.dec = u;
        return APPEND(sm_vector_append_value(v, &val));
    }
    case SM_STRING: {
        if (k == JN_STRING) return APPEND(sm_vector_append_str(v, t, n->len));
        if (!v) return SM_OK;
        sm_buf b = {0};
        int rc = json_node_serialize(d, ni, &b);
        if (rc == SM_OK) rc = sm_vector_append_str(v, b.data ? b.data : "", (int32_t)b.len);
        sm_buf_free(&b);
        return rc;
    }
    case SM_BINARY: {
        if (k != JN_STRING) return conv_bad(c, v);
        sm_buf b = {0};
        if (!base64_decode(t, n->len, &b)) {
            sm_buf_free(&b);
            return conv_bad(c, v);
        }
        int rc = APPEND(sm_vector_append_str(v, b.data ? b.data : "", (int32_t)b.len));
        sm_buf_free(&b);
        return rc;
    }
    case SM_DATE: {
        if (k != JN_STRING || n->len < 1) return conv_bad(c, v);
        int32_t days;
        if (scan->date_fmt) {
            int64_t us;
            if (!sm_dtfmt_parse(scan->date_fmt, t, n->len, sm_tz_utc(), &us)) return conv_bad(c, v);
            days = sm_micros_to_days(us);
        } else if (!sm_parse_date(t, n->len, &days)) {
            /* Spark 1.5 stored dates as a day count in a string */
            int64_t x;
            if (!parse_i64(t, n->len, &x) || x > INT32_MAX || x < INT32_MIN) return conv_bad(c, v);
            days = (int32_t)x;
        }
        return APPEND(sm_vector_append_i32(v, days));
    }
    case SM_TIME: { /* Spark 4.1: a string, by the CAST rules of string → time */
        int64_t ns;
        if (k != JN_STRING || !sm_parse_time(t, n->len, sm_time_prec(dt->precision), &ns)) return conv_bad(c, v);
        return APPEND(sm_vector_append_i64(v, ns));
    }
    case SM_TIMESTAMP:
    case SM_TIMESTAMP_NTZ: {
        int64_t us;
        bool ntz = dt->id == SM_TIMESTAMP_NTZ;
        if (k == JN_INT && !ntz) {
            int64_t x;
            if (!parse_i64(t, n->len, &x)) return conv_bad(c, v);
            us = (int64_t)((uint64_t)x * 1000000u); /* Java's long multiply wraps */
        } else if (k == JN_STRING && n->len >= 1) {
            bool ok = scan->ts_fmt ? sm_dtfmt_parse(scan->ts_fmt, t, n->len, ntz ? sm_tz_utc() : scan->tz, &us)
                      : ntz ? sm_parse_timestamp_ntz(t, n->len, false, &us)
                            : sm_parse_timestamp(t, n->len, scan->tz, &us);
            if (!ok) return conv_bad(c, v);
        } else return conv_bad(c, v);
        return APPEND(sm_vector_append_i64(v, us));
    }
    case SM_ARRAY: {
        if (k != JN_ARRAY) return conv_bad(c, v);
        int rc = SM_OK;
        for (int32_t e = n->first; e >= 0 && rc == SM_OK; e = d->nodes[e].next)
            rc = conv(c, v ? v->children[0] : NULL, e, dt->elem);
        if (rc == SM_OK && v) rc = sm_vector_end_list(v);
        return rc;
    }
    case SM_MAP: {
        if (k != JN_OBJECT) return conv_bad(c, v);
        int rc = SM_OK;
        for (int32_t e = n->first; e >= 0 && rc == SM_OK; e = d->nodes[e].next) {
            if (v) rc = sm_vector_append_str(v->children[0], json_key(d, &d->nodes[e]), d->nodes[e].key_len);
            if (rc == SM_OK) rc = conv(c, v ? v->children[1] : NULL, e, dt->value);
        }
        if (rc == SM_OK && v) rc = sm_vector_end_list(v);
        return rc;
    }
    case SM_STRUCT:
        if (k != JN_OBJECT) return conv_bad(c, v);
        return conv_struct(c, v, ni, dt);
    default:
        return conv_bad(c, v);
    }
}

int json_convert(const json_conv_cfg *cfg, const json_doc *d, int32_t ni, const sm_dtype *dt, sm_vector *v,
                 bool *bad) {
    conv_ctx c = {cfg, d, false};
    int rc = conv(&c, v, ni, dt);
    if (bad) *bad = c.bad;
    return rc;
}

/* ---- reader ------------------------------------------------------------------------ */

typedef struct {
    sm_reader base;
    const json_scan *scan;
    int split;
    sm_fs_map map;
    const char *data, *pos, *stop, *end;
    bool done;
    json_doc doc;
    /* top-level array records: the remaining elements */
    int32_t pending;
    const char *rec, *rec_end;
    int32_t *slot;  /* per data column: its member node */
} json_reader;

static int64_t line_number_at(const char *data, int64_t off) {
    int64_t lines = 1;
    for (int64_t i = 0; i < off; i++) {
        if (data[i] == '\n') lines++;
        else if (data[i] == '\r' && (i + 1 >= off || data[i + 1] != '\n')) lines++;
    }
    return lines;
}

static int failfast(json_reader *r, const char *rec, const char *rec_end, const char *why) {
    const json_scan *scan = r->scan;
    int file = scan->splits[r->split].file;
    int64_t line = scan->opt.multiline ? 1 : line_number_at(r->data, rec - r->data);
    int shown = (int)(rec_end - rec);
    if (shown > 200) shown = 200;
    return sm_err(SM_MALFORMED,
                  "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected "
                  "in record parsing: file:%s:%lld: %s: [%.*s]. Parse Mode: FAILFAST. To process "
                  "malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.",
                  scan->files[file], (long long)line, why, shown, rec);
}

/* Appends one row from object node `obj` (or an all-null row when obj < 0);
 * *bad gets whether some value failed. */
static int append_row(json_reader *r, sm_batch *b, int32_t obj, bool bad_record, int64_t *rows) {
    const json_scan *scan = r->scan;
    const sm_schema *sc = scan->schema;
    const json_doc *d = &r->doc;
    json_conv_cfg cfg = {&scan->opt, scan->tz, scan->date_fmt, scan->ts_fmt};
    conv_ctx c = {&cfg, d, bad_record};
    int ncols = sc->ncols;
    for (int i = 0; i < ncols; i++) r->slot[i] = -1;
    if (obj >= 0) {
        int hint = 0;
        for (int32_t m = d->nodes[obj].first; m >= 0; m = d->nodes[m].next) {
            const json_node *mn = &d->nodes[m];
            const char *key = json_key(d, mn);
            for (int k = 0; k < ncols; k++) {
                int f = (hint + k) % ncols;
                if (f == scan->corrupt_index) continue;
                const char *name = sc->fields[f].name;
                if ((int32_t)strlen(name) == mn->key_len && memcmp(name, key, (size_t)mn->key_len) == 0) {
                    r->slot[f] = m;
                    hint = f + 1 < ncols ? f + 1 : 0;
                    break;
                }
            }
        }
    }
    int mode = scan->opt.mode;
    if (mode != JSON_PERMISSIVE && !bad_record) {
        /* dry run: decide before appending anything */
        for (int f = 0; f < ncols; f++) {
            if (f == scan->corrupt_index || (scan->required && !scan->required[f])) continue;
            SM_TRY(conv(&c, NULL, r->slot[f], scan->col_dt[f]));
        }
    }
    if (c.bad) {
        if (mode == JSON_DROPMALFORMED) return SM_OK;
        if (mode == JSON_FAILFAST)
            return failfast(r, r->rec, r->rec_end,
                            bad_record ? (r->doc.err ? r->doc.err : "not a JSON object")
                                       : "a value does not convert to its field's type");
    }
    for (int f = 0; f < ncols; f++) {
        if (f == scan->corrupt_index) continue;
        if (scan->required && !scan->required[f]) {
            SM_TRY(sm_vector_append_null(b->cols[f]));
            continue;
        }
        SM_TRY(conv(&c, b->cols[f], bad_record ? -1 : r->slot[f], scan->col_dt[f]));
    }
    if (scan->corrupt_index >= 0) {
        sm_vector *cv = b->cols[scan->corrupt_index];
        if (c.bad) SM_TRY(sm_vector_append_str(cv, r->rec, (int32_t)(r->rec_end - r->rec)));
        else SM_TRY(sm_vector_append_null(cv));
    }
    (*rows)++;
    return SM_OK;
}

static int json_reader_next(sm_reader *base, sm_batch **out) {
    json_reader *r = (json_reader *)base;
    const json_scan *scan = r->scan;
    const sm_schema *sc = scan->schema;
    *out = NULL;
    if (r->done && r->pending < 0) return SM_OK;
    sm_batch *b = sm_batch_new(sc->ncols, 0);
    if (!b) return sm_err(SM_NOMEM, "out of memory reading JSON");
    for (int c = 0; c < sc->ncols; c++) {
        b->cols[c] = sm_vector_new_dt(scan->col_dt[c], SM_BATCH_ROWS);
        if (!b->cols[c]) { sm_batch_free(b); return sm_err(SM_NOMEM, "out of memory reading JSON"); }
        b->cols[c]->precision = sc->fields[c].precision;
        b->cols[c]->scale = sc->fields[c].scale;
    }
    int64_t rows = 0;
    int rc = SM_OK;
    while (rc == SM_OK && rows < SM_BATCH_ROWS) {
        if (r->pending >= 0) {
            /* elements of a top-level array, one row each */
            int32_t e = r->pending;
            r->pending = r->doc.nodes[e].next;
            rc = append_row(r, b, e, false, &rows);
            continue;
        }
        if (r->done) break;
        const char *rec, *rec_end, *next;
        if (scan->opt.multiline) {
            rec = r->pos;
            rec_end = next = r->end;
            r->done = true;
        } else {
            if (r->pos >= r->stop) { r->done = true; break; }
            rec = r->pos;
            next_line(&scan->opt, rec, r->end, &rec_end, &next);
        }
        r->pos = next;
        r->rec = rec;
        r->rec_end = rec_end;
        int32_t root;
        const char *after;
        int prc = json_parse_value(&r->doc, rec, rec_end, &root, &after);
        if (prc == 1) continue; /* blank */
        if (prc == -2) { rc = sm_err(SM_NOMEM, "out of memory parsing JSON"); break; }
        if (prc < 0) { rc = append_row(r, b, -1, true, &rows); continue; }
        const json_node *rn = &r->doc.nodes[root];
        if (rn->kind == JN_OBJECT) {
            rc = append_row(r, b, root, false, &rows);
        } else if (rn->kind == JN_ARRAY) {
            bool all_obj = true;
            for (int32_t e = rn->first; e >= 0; e = r->doc.nodes[e].next)
                all_obj &= r->doc.nodes[e].kind == JN_OBJECT;
            if (!all_obj) rc = append_row(r, b, -1, true, &rows);
            else r->pending = rn->first;
        } else {
            rc = append_row(r, b, -1, true, &rows);
        }
        if (r->pos >= r->stop && !scan->opt.multiline) r->done = true;
    }
    if (rc) { sm_batch_free(b); return rc; }
    if (rows == 0) {
        sm_batch_free(b);
        return SM_OK;
    }
    b->nrows = rows;
    *out = b;
    return SM_OK;
}

static void json_reader_close(sm_reader *base) {
    json_reader *r = (json_reader *)base;
    if (!r) return;
    json_doc_free(&r->doc);
    sm_fs_unmap(&r->map);
    sm_free(r->slot);
    sm_free(r);
}

static int open_range(const json_scan *scan, int split, sm_fs_map *map, const char **pos,
                      const char **stopp) {
    const json_split *sp = &scan->splits[split];
    SM_TRY(sm_fs_map_range(scan->files[sp->file], 0, -1, map));
    const char *d = map->data;
    int64_t len = map->len;
    int64_t start = scan->opt.multiline ? 0 : align_line(&scan->opt, d, len, sp->start);
    int64_t stop = scan->opt.multiline || sp->end >= len ? len : align_line(&scan->opt, d, len, sp->end);
    if (start == 0 && len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        start = 3;
    *pos = d + start;
    *stopp = d + (stop < start ? start : stop);
    return SM_OK;
}

static int json_open(sm_source *s, int split, sm_reader **out) {
    json_scan *scan = s->impl;
    *out = NULL;
    if (split < 0 || split >= scan->nsplits) return sm_err(SM_INVALID, "JSON split %d out of range", split);
    json_reader *r = sm_calloc(1, sizeof *r);
    if (!r) return sm_err(SM_NOMEM, "out of memory opening a JSON split");
    r->base.next = json_reader_next;
    r->base.close = json_reader_close;
    r->scan = scan;
    r->split = split;
    r->pending = -1;
    json_doc_init(&r->doc, &scan->opt);
    r->slot = sm_calloc((size_t)scan->schema->ncols + 1, sizeof *r->slot);
    if (!r->slot) { json_reader_close(&r->base); return sm_err(SM_NOMEM, "out of memory opening a JSON split"); }
    int rc = open_range(scan, split, &r->map, &r->pos, &r->stop);
    if (rc) { json_reader_close(&r->base); return rc; }
    r->data = r->map.data;
    r->end = r->map.data + r->map.len;
    *out = &r->base;
    return SM_OK;
}

/* ---- inference ---------------------------------------------------------------------- */

typedef struct {
    json_scan *scan;
    const sm_dtype **roots;  /* per split */
    int64_t *records;        /* per split: records seen (for sampling) */
    char *err;               /* FAILFAST message of the first failing split */
} infer_job;

static int infer_split(void *arg, int split) {
    infer_job *job = arg;
    json_scan *scan = job->scan;
    const json_options *o = &scan->opt;
    sm_fs_map map;
    const char *pos, *stop;
    SM_TRY(open_range(scan, split, &map, &pos, &stop));
    json_doc doc;
    json_doc_init(&doc, o);
    const sm_dtype *acc = sm_dtype_struct(0, NULL);
    int rc = acc ? SM_OK : SM_NOMEM;
    /* samplingRatio: every k-th record by a fixed stride (Spark samples at
     * random with seed 1; the subset differs, the idea is the same) */
    int64_t stride_num = 0;
    const char *end = map.data + map.len;
    while (rc == SM_OK && (o->multiline ? pos <= stop : pos < stop)) {
        const char *rec = pos, *rec_end, *next;
        if (o->multiline) {
            rec_end = next = end;
        } else {
            next_line(o, rec, end, &rec_end, &next);
        }
        pos = next;
        if (o->sampling_ratio < 1.0) {
            double before = stride_num * o->sampling_ratio;
            stride_num++;
            if ((int64_t)(stride_num * o->sampling_ratio) == (int64_t)before) {
                if (o->multiline) break;
                continue;
            }
        }
        int32_t root;
        const char *after;
        int prc = json_parse_value(&doc, rec, rec_end, &root, &after);
        const sm_dtype *t = NULL;
        if (prc == -2) { rc = SM_NOMEM; break; }
        if (prc == 1) {
            if (o->multiline) break;
            continue;
        }
        if (prc < 0) {
            if (o->mode == JSON_FAILFAST) {
                int64_t line = o->multiline ? 1 : line_number_at(map.data, rec - map.data);
                int shown = (int)(rec_end - rec);
                if (shown > 200) shown = 200;
                rc = sm_err(SM_MALFORMED,
                            "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                            "detected in schema inference: file:%s:%lld: %s: [%.*s]. Parse Mode: "
                            "FAILFAST.",
                            scan->files[scan->splits[split].file], (long long)line, doc.err, shown, rec);
                break;
            }
            if (o->mode == JSON_DROPMALFORMED) {
                if (o->multiline) break;
                continue;
            }
            sm_dtype_field f = {o->corrupt_col, sm_dtype_scalar(SM_STRING, 0, 0), true};
            t = sm_dtype_struct(1, &f);
        } else {
            t = json_infer_node(o, &doc, root);
            if (t && o->mode == JSON_FAILFAST) {
                const sm_dtype *tt = t->id == SM_ARRAY ? t->elem : t;
                if (tt->id != SM_STRUCT && tt->id != SM_NULLTYPE) {
                    int64_t line = o->multiline ? 1 : line_number_at(map.data, rec - map.data);
                    rc = sm_err(SM_MALFORMED,
                                "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records "
                                "are detected in schema inference: file:%s:%lld: the record is not a "
                                "JSON object. Parse Mode: FAILFAST.",
                                scan->files[scan->splits[split].file], (long long)line);
                    break;
                }
            }
        }
        if (!t) { rc = SM_NOMEM; break; }
        acc = json_merge_root(o, acc, t);
        if (!acc) { rc = SM_NOMEM; break; }
        if (o->multiline) break;
    }
    json_doc_free(&doc);
    sm_fs_unmap(&map);
    if (rc == SM_NOMEM && sm_errcode() != SM_NOMEM) sm_err(SM_NOMEM, "out of memory inferring a JSON schema");
    job->roots[split] = acc;
    return rc;
}

static int infer_schema(json_scan *scan, sm_pool *pool, const sm_dtype **out) {
    infer_job job = {scan, sm_calloc((size_t)scan->nsplits + 1, sizeof(const sm_dtype *)), NULL, NULL};
    if (!job.roots) return sm_err(SM_NOMEM, "out of memory inferring a JSON schema");
    int rc = SM_OK;
    if (pool) rc = sm_pool_run(pool, scan->nsplits, infer_split, &job);
    else
        for (int s = 0; s < scan->nsplits && rc == SM_OK; s++) rc = infer_split(&job, s);
    const sm_dtype *acc = sm_dtype_struct(0, NULL);
    for (int s = 0; rc == SM_OK && s < scan->nsplits; s++) {
        if (job.roots[s]) acc = json_merge_root(&scan->opt, acc, job.roots[s]);
        if (!acc) rc = sm_err(SM_NOMEM, "out of memory inferring a JSON schema");
    }
    sm_free(job.roots);
    if (rc) return rc;
    *out = json_canonical_root(&scan->opt, acc);
    return *out ? SM_OK : sm_err(SM_NOMEM, "out of memory inferring a JSON schema");
}

/* ---- source --------------------------------------------------------------------------- */

static void json_scan_free(json_scan *scan) {
    if (!scan) return;
    json_options_free(&scan->opt);
    if (scan->date_fmt) sm_dtfmt_free(scan->date_fmt);
    if (scan->ts_fmt) sm_dtfmt_free(scan->ts_fmt);
    for (int i = 0; i < scan->nfiles; i++) sm_free(scan->files[i]);
    sm_free(scan->files);
    sm_free(scan->sizes);
    sm_free(scan->splits);
    sm_free(scan->col_dt);
    sm_free(scan->required);
    if (scan->schema) sm_schema_free(scan->schema);
    sm_free(scan);
}

static void json_source_free(sm_source *s) {
    if (!s) return;
    json_scan_free(s->impl);
    sm_free(s->description);
    sm_free(s);
}

/* Reading the corrupt-record column needs every field converted. */
static int json_set_required(sm_source *s, const bool *required) {
    json_scan *scan = s->impl;
    int n = scan->schema->ncols;
    if (!scan->required && !(scan->required = sm_calloc((size_t)n + 1, sizeof *scan->required)))
        return sm_err(SM_NOMEM, "out of memory pruning JSON columns");
    bool all = scan->corrupt_index >= 0 && required[scan->corrupt_index];
    int nreq = 0;
    for (int c = 0; c < n; c++) nreq += required[c];
    if (all && nreq == 1)
        return sm_err(SM_ANALYSIS,
                      "[_LEGACY_ERROR_TEMP_1285] Since Spark 2.3, the queries from raw JSON/CSV files "
                      "are disallowed when the referenced columns only include the internal corrupt "
                      "record column (named %s by default). Instead, cache or save the parsed "
                      "results and then send the same query (CREATE TABLE ... AS SELECT).",
                      scan->opt.corrupt_col);
    for (int c = 0; c < n; c++) scan->required[c] = all || required[c];
    return SM_OK;
}

static int json_split_file(sm_source *s, int split, int *file, int64_t *bytes) {
    const json_scan *scan = s->impl;
    if (split < 0 || split >= scan->nsplits) return sm_err(SM_INTERNAL, "json: no split %d", split);
    *file = scan->splits[split].file;
    *bytes = scan->splits[split].end - scan->splits[split].start;
    if (*bytes < 0 || scan->splits[split].end == INT64_MAX) *bytes = scan->sizes[*file];
    return SM_OK;
}




static const sm_dtype *field_dtype(const sm_field *f) {
    return f->dt ? f->dt : sm_dtype_scalar(f->type, f->precision, f->scale);
}

static int check_types(const sm_dtype *t) {
    switch (t->id) {
    case SM_ARRAY: return check_types(t->elem);
    case SM_MAP:
        if (t->elem->id != SM_STRING)
            return sm_err(SM_UNSUPPORTED, "JSON maps need string keys: a map<%s, ...> column cannot be "
                                          "read from JSON; use map<string, ...>",
                          sm_type_name(t->elem->id));
        return check_types(t->value);
    case SM_STRUCT:
        for (int i = 0; i < t->nfields; i++) SM_TRY(check_types(t->fields[i].type));
        return SM_OK;
    case SM_INTERVAL_CAL:
    case SM_INTERVAL_DT:
    case SM_INTERVAL_YM:
        return sm_err(SM_UNSUPPORTED, "JSON reading of interval columns is not supported");
    default: return SM_OK;
    }
}

static int json_create(const char *const *paths, int npaths, sm_fs_list *given,
                       const char *const *options_kv, const char *schema_ddl, const sm_tz *tz,
                       sm_pool *pool, sm_source **out) {
    *out = NULL;
    json_scan *scan = sm_calloc(1, sizeof *scan);
    if (!scan) { sm_fs_list_free(given); return sm_err(SM_NOMEM, "out of memory creating a JSON source"); }
    int rc = json_options_parse(options_kv, &scan->opt);
    if (rc) { sm_free(scan); sm_fs_list_free(given); return rc; }
    scan->tz = tz ? tz : sm_tz_utc();
    scan->corrupt_index = -1;
    if (scan->opt.date_format && (rc = sm_dtfmt_compile(scan->opt.date_format, &scan->date_fmt))) {
        sm_err_prefix(rc, "JSON option dateFormat: ");
        sm_fs_list_free(given);
        goto fail;
    }
    if (scan->opt.timestamp_format && (rc = sm_dtfmt_compile(scan->opt.timestamp_format, &scan->ts_fmt))) {
        sm_err_prefix(rc, "JSON option timestampFormat: ");
        sm_fs_list_free(given);
        goto fail;
    }
    sm_fs_list fl;
    if (given) fl = *given;
    else if ((rc = sm_fs_expand(paths, npaths, &fl))) goto fail;
    scan->files = sm_calloc((size_t)fl.nfiles + 1, sizeof *scan->files);
    scan->sizes = sm_calloc((size_t)fl.nfiles + 1, sizeof *scan->sizes);
    if (!scan->files || !scan->sizes) {
        sm_fs_list_free(&fl);
        rc = sm_err(SM_NOMEM, "out of memory creating a JSON source");
        goto fail;
    }
    scan->nfiles = fl.nfiles;
    for (int i = 0; i < fl.nfiles; i++) {
        scan->files[i] = fl.files[i].path;
        scan->sizes[i] = fl.files[i].size;
    }
    sm_free(fl.files);
    sm_fs_order_like_spark(scan->files, scan->sizes, scan->nfiles);
    if ((rc = sm_fs_text_splits(scan->files, scan->sizes, scan->nfiles, json_split_bytes,
                                scan->opt.multiline, &scan->splits, &scan->nsplits)))
        goto fail;

    if (schema_ddl && *schema_ddl) {
        if ((rc = sm_schema_parse_ddl(schema_ddl, &scan->schema))) goto fail;
    } else {
        if (scan->nfiles == 0) {
            rc = sm_err(SM_ANALYSIS, "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for JSON. "
                                     "It must be specified manually.");
            goto fail;
        }
        const sm_dtype *root;
        if ((rc = infer_schema(scan, pool, &root))) goto fail;
        scan->schema = sm_schema_new(root->nfields);
        if (!scan->schema) { rc = sm_err(SM_NOMEM, "out of memory"); goto fail; }
        for (int i = 0; i < root->nfields && rc == SM_OK; i++) {
            const sm_dtype *t = root->fields[i].type;
            rc = sm_schema_set(scan->schema, i, root->fields[i].name, t->id, true);
            scan->schema->fields[i].precision = t->precision;
            scan->schema->fields[i].scale = t->scale;
            scan->schema->fields[i].dt = sm_type_is_nested(t->id) ? t : NULL;
        }
        if (rc) goto fail;
    }
    int n = scan->schema->ncols;
    scan->col_dt = sm_calloc((size_t)n + 1, sizeof *scan->col_dt);
    if (!scan->col_dt) { rc = sm_err(SM_NOMEM, "out of memory"); goto fail; }
    for (int c = 0; c < n; c++) {
        const sm_field *f = &scan->schema->fields[c];
        if (strcmp(f->name, scan->opt.corrupt_col) == 0) {
            if (f->type != SM_STRING || !f->nullable) {
                rc = sm_err(SM_ANALYSIS,
                            "The field for corrupt records must be string type and nullable: column %s is %s",
                            f->name, sm_type_name(f->type));
                goto fail;
            }
            scan->corrupt_index = c;
        }
        scan->col_dt[c] = field_dtype(f);
        if (!scan->col_dt[c]) { rc = sm_err(SM_NOMEM, "out of memory"); goto fail; }
        if ((rc = check_types(scan->col_dt[c]))) goto fail;
    }

    sm_source *src = sm_calloc(1, sizeof *src);
    if (!src) { rc = sm_err(SM_NOMEM, "out of memory"); goto fail; }
    src->format = "json";
    src->schema = scan->schema;
    src->nsplits = scan->nsplits;
    src->open = json_open;
    src->set_required = json_set_required;
    src->split_file = json_split_file;
    src->free = json_source_free;
    src->impl = scan;
    src->description = sm_fs_describe_files("json", scan->files, scan->nfiles, scan->nsplits);
    *out = src;
    return SM_OK;
fail:
    json_scan_free(scan);
    return rc;
}

int json_source_create(const char *const *paths, int npaths, const char *const *options_kv,
                       const char *schema_ddl, const sm_tz *tz, sm_pool *pool, sm_source **out) {
    return json_create(paths, npaths, NULL, options_kv, schema_ddl, tz, pool, out);
}

int json_source_create_list(sm_fs_list *files, const char *const *options_kv, const char *schema_ddl,
                            const sm_tz *tz, sm_pool *pool, sm_source **out) {
    return json_create(NULL, 0, files, options_kv, schema_ddl, tz, pool, out);
}
