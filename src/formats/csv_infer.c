/*
 * csv_infer.c — inferSchema: Spark 3.5's CSVInferSchema over every split,
 * in parallel.
 *
 * Per field (inferField): a null (unquoted empty, "", or nullValue) keeps
 * the column's type so far; otherwise the field is tried from the type so
 * far upwards along Spark's chain
 *     int -> bigint -> decimal -> double -> date -> timestamp -> boolean -> string
 * (each step only when the previous parse fails; date only with preferDate)
 * and the result is merged with the type so far (compatibleType): equal
 * types stay, numeric types widen (int < bigint < double), date and
 * timestamp give timestamp, anything else gives string.  Decimals: two
 * decimal(p,0) give the larger precision, int / bigint with decimal(p,0)
 * give decimal(max(p, 10 / 20), 0) (DecimalType.forType), double with a
 * decimal gives double.
 *
 * Parsers, as Spark uses them: int/bigint = Java parseInt/parseLong (sign,
 * digits, no blanks); decimal = an integer too big for a long (or, once the
 * column is decimal, any integer), up to 38 digits: decimal(p,0), p its
 * BigDecimal precision (leading zeros dropped; more digits is a double, a
 * fraction goes on to double); double = Java parseDouble (trims
 * blanks, 1e3, 1.5d) or Spark's NaN/Inf spellings; date = dateFormat, or
 * strictly yyyy-MM-dd by default; timestamp = timestampFormat, or the CAST
 * rules by default ("2024-9-1", "2024-09-14T10:22:01Z"); boolean = true or
 * false in any case.
 *
 * Parallelism: one sm_pool task per split, each with its own tokenizer and
 * type array (no sharing); the driver merges the arrays.  Rows with fewer
 * tokens infer only the columns they have, extra tokens are ignored (Spark
 * zips the row with the schema).
 *
 * A DECIMAL column's precision goes into scan->schema->fields[c] (scale 0)
 * when the caller made scan->schema before inferring (csv_read.c does), so
 * the reader converts the column as decimal(p,0) (sm_schema_set keeps it).
 */
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "formats/csv.h"
#include "formats/csv_fast.h"
#include "fs/fs.h"

/* Merges a with b (precisions pa, pb when DECIMAL); *po the result's. */
static sm_type merge(sm_type a, int pa, sm_type b, int pb, int *po) {
    *po = a == SM_DECIMAL ? pa : b == SM_DECIMAL ? pb : 0;
    if (a == SM_NULLTYPE) {
        *po = pb;
        return b;
    }
    if (b == SM_NULLTYPE) return a;
    if (a == SM_DECIMAL || b == SM_DECIMAL) {
        sm_type o = a == SM_DECIMAL ? b : a;
        int p = a == SM_DECIMAL ? pa : pb;
        int op = o == SM_DECIMAL ? (a == SM_DECIMAL ? pb : pa) : o == SM_INT ? 10 : o == SM_BIGINT ? 20 : -1;
        if (op >= 0) {
            *po = p > op ? p : op;
            return SM_DECIMAL;
        }
        *po = 0;
        return o == SM_DOUBLE ? SM_DOUBLE : SM_STRING;
    }
    if (a == b) return a;
    bool an = a == SM_INT || a == SM_BIGINT || a == SM_DOUBLE;
    bool bn = b == SM_INT || b == SM_BIGINT || b == SM_DOUBLE;
    if (an && bn) {
        if (a == SM_DOUBLE || b == SM_DOUBLE) return SM_DOUBLE;
        return SM_BIGINT;
    }
    if ((a == SM_DATE && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_DATE)) return SM_TIMESTAMP;
    return SM_STRING;
}

static bool strict_iso_date(const char *s, int32_t n) {
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1) return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int maxd = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) maxd = 29;
    return d <= maxd;
}

/* The commonest timestamp texts, checked without parsing them: a valid
 * yyyy-MM-dd, optionally followed by ' ' or 'T' and a valid HH:mm:ss.
 * Every text this accepts, Spark's stringToTimestamp (and
 * sm_parse_timestamp) accepts in any time zone; anything else goes to the
 * full parser, so the answer never changes. */
static bool fast_timestamp(const char *s, int32_t n) {
    if ((n != 10 && n != 19) || !strict_iso_date(s, 10) || s[0] == '0') return false;
    if (n == 10) return true;
    if ((s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9')) return false;
    int hh = (s[11] - '0') * 10 + (s[12] - '0');
    int mi = (s[14] - '0') * 10 + (s[15] - '0');
    int ss = (s[17] - '0') * 10 + (s[18] - '0');
    return hh < 24 && mi < 60 && ss < 60;
}

/* BigDecimal-parsable integer with scale <= 0 and precision <= 38: that
 * precision, or 0. */
static int big_integer(const char *s, int32_t n) {
    int32_t i = 0;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) i = 1;
    if (i >= n) return 0;
    int digits = 0;
    bool lead = true;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (lead && s[i] == '0') continue;
        lead = false;
        digits++;
    }
    if (digits == 0) digits = 1; /* BigDecimal("000").precision() */
    return digits <= 38 ? digits : 0;
}

typedef enum { ST_INT, ST_LONG, ST_DECIMAL, ST_DOUBLE, ST_DATE, ST_TS, ST_BOOL } step;

static sm_type try_from(const csv_scan *scan, step st, const char *s, int32_t n, int *prec) {
    const csv_options *o = &scan->opt;
    switch (st) {
    case ST_INT: {
        int32_t v;
        if (csv_parse_int32(s, n, &v)) return SM_INT;
    } /* fall through */
    case ST_LONG: {
        int64_t v;
        if (csv_parse_int64(s, n, &v)) return SM_BIGINT;
    } /* fall through */
    case ST_DECIMAL:
        if ((*prec = big_integer(s, n)) > 0) return SM_DECIMAL;
        /* fall through */
    case ST_DOUBLE: {
        double d;
        if (csv_parse_double(o, s, n, &d)) return SM_DOUBLE;
        if (!o->prefer_date) goto ts;
    } /* fall through */
    case ST_DATE:
        if (scan->date_fmt) {
            int64_t us;
            if (sm_dtfmt_parse(scan->date_fmt, s, n, sm_tz_utc(), &us)) return SM_DATE;
        } else if (strict_iso_date(s, n)) {
            return SM_DATE;
        }
        /* fall through */
    case ST_TS:
    ts : {
        int64_t us;
        if (scan->ts_fmt ? sm_dtfmt_parse(scan->ts_fmt, s, n, scan->tz, &us)
                         : (fast_timestamp(s, n) || sm_parse_timestamp(s, n, scan->tz, &us)))
            return SM_TIMESTAMP;
    } /* fall through */
    case ST_BOOL: {
        bool b;
        if (csv_parse_bool(s, n, &b)) return SM_BOOLEAN;
    }
    }
    return SM_STRING;
}

/* The type of field s merged into (so_far, *prec); *prec becomes the
 * result's precision when it is DECIMAL. */
static sm_type infer_field(const csv_scan *scan, sm_type so_far, int *prec, const char *s,
                           int32_t n) {
    sm_type t;
    int p = 0;
    switch (so_far) {
    case SM_NULLTYPE:
    case SM_INT: t = try_from(scan, ST_INT, s, n, &p); break;
    case SM_BIGINT: t = try_from(scan, ST_LONG, s, n, &p); break;
    case SM_DECIMAL: t = try_from(scan, ST_DECIMAL, s, n, &p); break;
    case SM_DOUBLE: t = try_from(scan, ST_DOUBLE, s, n, &p); break;
    case SM_DATE: t = try_from(scan, ST_DATE, s, n, &p); break;
    case SM_TIMESTAMP: t = try_from(scan, ST_TS, s, n, &p); break;
    case SM_BOOLEAN: t = try_from(scan, ST_BOOL, s, n, &p); break;
    default: return SM_STRING;
    }
    return merge(so_far, *prec, t, p, prec);
}

typedef struct {
    csv_scan *scan;
    int ncols;
    sm_type *types; /* nsplits * ncols */
    int *precs;     /* nsplits * ncols: DECIMAL precisions */
    csv_split_cache **caches; /* nsplits, or NULL: keep parsed batches */
    int64_t cache_limit;
} infer_job;

/* Types whose conversion (csv_convert_field) succeeds exactly when
 * inferField keeps the type: then a converted field leaves the type as it
 * is, and a split whose every field converted has its final types.  A
 * date must also pass inference's own test (strict yyyy-MM-dd without
 * dateFormat; the reader's parser is more lenient).  Decimal and the null
 * type do not qualify: a precision can still grow, a null column has no
 * vector type yet. */
static bool cacheable(sm_type t) {
    return t == SM_INT || t == SM_BIGINT || t == SM_DOUBLE || t == SM_BOOLEAN || t == SM_STRING ||
           t == SM_TIMESTAMP || t == SM_DATE;
}

/* The batch being filled while inference keeps parsed rows. */
static sm_batch *cache_batch_new(const sm_type *types, int ncols, const int64_t *str_bytes) {
    sm_batch *b = sm_batch_new(ncols, 0);
    if (!b) return NULL;
    for (int c = 0; c < ncols; c++) {
        b->cols[c] = sm_vector_new(types[c], SM_BATCH_ROWS);
        if (!b->cols[c] ||
            (str_bytes[c] > 0 && sm_vector_reserve_bytes(b->cols[c], str_bytes[c] + str_bytes[c] / 8))) {
            sm_batch_free(b);
            return NULL;
        }
    }
    return b;
}

static int cache_push(csv_split_cache *c, sm_batch *b) {
    if (c->nbatches == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        sm_batch **nb = sm_realloc(c->batches, (size_t)cap * sizeof *nb);
        if (!nb) return SM_NOMEM;
        c->batches = nb;
        c->cap = cap;
    }
    c->batches[c->nbatches++] = b;
    return SM_OK;
}

/* Converts one record into `cur` with the split's types; false when a
 * field does not convert (its type would change: the cache is dropped). */
static bool cache_record(const csv_scan *scan, const csv_tokenizer *t, const sm_type *types,
                         int ncols, sm_batch *cur) {
    for (int c = 0; c < ncols; c++) {
        const char *s;
        int32_t n;
        sm_value v;
        if (c >= t->nfields || !csv_field_text(&scan->opt, &t->fields[c], &s, &n)) {
            if (sm_vector_append_null(cur->cols[c])) return false;
            continue;
        }
        /* the common types straight into the vector; a text they decline
         * takes the general path below */
        sm_vector *vec = cur->cols[c];
        switch (types[c]) {
        case SM_STRING:
            if (sm_vector_append_str(vec, s, n)) return false;
            continue;
        case SM_INT:
            if (csv_parse_int32(s, n, &v.v.i32)) {
                if (sm_vector_append_i32(vec, v.v.i32)) return false;
                continue;
            }
            break;
        case SM_BIGINT:
            if (csv_parse_int64(s, n, &v.v.i64)) {
                if (sm_vector_append_i64(vec, v.v.i64)) return false;
                continue;
            }
            break;
        case SM_DOUBLE:
            if (csv_parse_double(&scan->opt, s, n, &v.v.f64)) {
                if (sm_vector_append_f64(vec, v.v.f64)) return false;
                continue;
            }
            break;
        case SM_DATE:
            if (!scan->date_fmt && csv_fast_date(s, n, &v.v.i32)) {
                if (sm_vector_append_i32(vec, v.v.i32)) return false;
                continue;
            }
            break;
        case SM_TIMESTAMP:
            if (!scan->ts_fmt && scan->tz_utc && csv_fast_ts(s, n, &v.v.i64)) {
                if (sm_vector_append_i64(vec, v.v.i64)) return false;
                continue;
            }
            break;
        default:
            break;
        }
        if ((types[c] == SM_DATE && !scan->date_fmt && !strict_iso_date(s, n)) ||
            !csv_convert_field(scan, types[c], s, n, &v)) {
            /* empty text: inference ignores it, the reader makes it null */
            if (n == 0 && sm_vector_append_null(cur->cols[c]) == SM_OK) continue;
            return false;
        }
        if (csv_append_value(cur->cols[c], &v)) return false;
    }
    return true;
}

/* ---- kept rows, a window at a time ------------------------------------
 *
 * While caching, a record's fields are not converted when it is tokenized:
 * its field positions go into a window of WIN_ROWS records (row major,
 * ncols fields each, missing fields as unquoted empty fields, i.e. null),
 * written there directly by csv_tokenize_window for runs of plain records
 * or copied from the tokenizer for the others, and a full window (or one
 * that completes a batch) is converted a column at a time, each column by
 * one loop of one type's converter written straight into the slots of the
 * batch (no per-value append call, no per-value type switch).  Every text
 * takes exactly cache_record's steps (fast converter, then the general one;
 * an empty text that does not convert is null), so the batches are the
 * ones row-by-row conversion gives.  A field that does not convert fails
 * the whole window: the cache is dropped and the records from the first
 * one that did not convert (the least over the columns) on are inferred in
 * order, as row-by-row caching did (it had kept the records before that
 * one).  The window holds pointers into the mapped input only: a
 * record with a field unescaped into the tokenizer's scratch buffer (reset
 * per record) flushes the window and is converted row by row. */
#define WIN_ROWS 256

/* The general conversion of a text the fast converter declined: 1 with
 * *v set, 0 for null (an empty text that does not convert), -1 when it
 * does not convert (cache_record's rules). */
static int win_slow(const csv_scan *scan, sm_type type, const char *s, int32_t n, sm_value *v) {
    if ((type == SM_DATE && !scan->date_fmt && !strict_iso_date(s, n)) ||
        !csv_convert_field(scan, type, s, n, v))
        return n == 0 ? 0 : -1;
    return 1;
}

/* Converts column c of the window's first n records into slots
 * [base, base + n) of vec.  Returns n, or the first record whose field does
 * not convert (or where memory ran out). */
static int win_column(const csv_scan *scan, const char *in_lo, const char *in_hi, sm_type type,
                      const csv_field *win, int ncols, int c, int n, sm_vector *vec, int64_t base) {
    const csv_options *o = &scan->opt;
    const csv_field *f = win + c;
    sm_value v;
    const char *s;
    int32_t len;
    int k;
/* a null slot: zero value, null bit */
#define WIN_NULL(slot) do { (slot) = 0; if (sm_vector_set_null(vec, base + r)) return r; } while (0)
    switch (type) {
    case SM_STRING: {
        int32_t *off = SM_VEC_OFF(vec) + base;
        /* s - in_lo at most in_room: 32 bytes readable at s */
        const bool in32 = in_hi - in_lo >= 32;
        const uintptr_t in_room = in32 ? (uintptr_t)(in_hi - in_lo - 32) : 0;
        for (int r = 0; r < n; r++, f += ncols) {
            int32_t o0 = off[r];
            if (!csv_field_text_inline(o, f, &s, &len)) {
                off[r + 1] = o0;
                if (sm_vector_set_null(vec, base + r)) return r;
                continue;
            }
            if (o0 + (int64_t)len > vec->bytes_cap) {
                vec->bytes_len = o0;
                if (sm_vector_reserve_bytes(vec, len)) return r;
            }
            /* short texts inside the input: 32 bytes copied at once when
             * both sides have them (the bytes past the text land in the
             * unused part of the buffer; later rows overwrite them) */
            if (len <= 32 && in32 && (uintptr_t)s - (uintptr_t)in_lo <= in_room &&
                vec->bytes_cap - o0 >= 32)
                memcpy(vec->bytes + o0, s, 32);
            else if (len > 0)
                memcpy(vec->bytes + o0, s, (size_t)len);
            off[r + 1] = o0 + len;
        }
        vec->bytes_len = off[n];
        return n;
    }
    case SM_INT:
    case SM_DATE: {
        int32_t *out = SM_VEC_I32(vec) + base;
        const bool date = type == SM_DATE, fast = !date || !scan->date_fmt;
        for (int r = 0; r < n; r++, f += ncols) {
            if (!csv_field_text_inline(o, f, &s, &len)) { WIN_NULL(out[r]); continue; }
            if (date ? fast && csv_fast_date_inline(s, len, &out[r])
                     : csv_fast_i32_inline(s, len, &out[r]) || csv_parse_int32(s, len, &out[r]))
                continue;
            if ((k = win_slow(scan, type, s, len, &v)) < 0) return r;
            if (k == 0) WIN_NULL(out[r]);
            else out[r] = v.v.i32;
        }
        return n;
    }
    case SM_BIGINT:
    case SM_TIMESTAMP: {
        int64_t *out = SM_VEC_I64(vec) + base;
        const bool ts = type == SM_TIMESTAMP, fast = !ts || (!scan->ts_fmt && scan->tz_utc);
        for (int r = 0; r < n; r++, f += ncols) {
            if (!csv_field_text_inline(o, f, &s, &len)) { WIN_NULL(out[r]); continue; }
            if (ts ? fast && csv_fast_ts_inline(s, len, &out[r])
                   : csv_fast_i64_inline(s, len, &out[r]) || csv_parse_int64(s, len, &out[r]))
                continue;
            if ((k = win_slow(scan, type, s, len, &v)) < 0) return r;
            if (k == 0) WIN_NULL(out[r]);
            else out[r] = v.v.i64;
        }
        return n;
    }
    case SM_DOUBLE: {
        double *out = SM_VEC_F64(vec) + base;
        for (int r = 0; r < n; r++, f += ncols) {
            if (!csv_field_text_inline(o, f, &s, &len)) { WIN_NULL(out[r]); continue; }
            if ((!csv_f64_special_possible(o, s, len) && csv_fast_f64_inline(s, len, &out[r])) ||
                csv_parse_double(o, s, len, &out[r]))
                continue;
            if ((k = win_slow(scan, type, s, len, &v)) < 0) return r;
            if (k == 0) WIN_NULL(out[r]);
            else out[r] = v.v.f64;
        }
        return n;
    }
    case SM_BOOLEAN: {
        uint8_t *out = SM_VEC_BOOL(vec) + base;
        for (int r = 0; r < n; r++, f += ncols) {
            if (!csv_field_text_inline(o, f, &s, &len)) { WIN_NULL(out[r]); continue; }
            if ((k = win_slow(scan, type, s, len, &v)) < 0) return r;
            if (k == 0) WIN_NULL(out[r]);
            else out[r] = v.v.b ? 1 : 0;
        }
        return n;
    }
    default:
        return 0;
    }
#undef WIN_NULL
}

/* The inference of one record's fields (n of them) into types / precs. */
static void infer_record(const csv_scan *scan, const csv_field *fields, int n, sm_type *types,
                         int *precs) {
    for (int c = 0; c < n; c++) {
        const char *s;
        int32_t len2;
        if (!csv_field_text(&scan->opt, &fields[c], &s, &len2) || len2 == 0) continue;
        if (types[c] == SM_STRING) continue;
        types[c] = infer_field(scan, types[c], &precs[c], s, len2);
    }
}

/* The batch `*cur` is full: pushes it onto the cache (and remembers its
 * string sizes for the next batch's reservations).  false when the push
 * failed or the cache is over its memory limit (the caller drops it). */
static bool batch_done(infer_job *job, const sm_type *types, csv_split_cache *cache, sm_batch **cur,
                       int64_t *cur_rows, int64_t *str_bytes) {
    sm_batch *b = *cur;
    b->nrows = *cur_rows;
    for (int c = 0; c < job->ncols; c++)
        if (types[c] == SM_STRING) str_bytes[c] = b->cols[c]->bytes_len;
    bool ok = cache_push(cache, b) == SM_OK && sm_mem_in_use() <= job->cache_limit;
    if (cache->nbatches && cache->batches[cache->nbatches - 1] == b) *cur = NULL;
    *cur_rows = 0;
    return ok;
}

/* Converts the window's *win_n records into *cur (made when NULL) at row
 * *cur_rows, a column at a time, and pushes the batch when it is full.
 * false when a field does not convert or memory runs out: then the cache
 * and *cur are freed and the records from the first one that did not
 * convert on are inferred (those before it converted, which leaves the
 * types as they are). */
static bool win_flush(infer_job *job, const char *in_lo, const char *in_hi, sm_type *types, int *precs,
                      const csv_field *win, int *win_n,
                      csv_split_cache *cache, sm_batch **cur, int64_t *cur_rows, int64_t *str_bytes) {
    int ncols = job->ncols, n = *win_n, good = 0;
    *win_n = 0;
    if (*cur || (*cur = cache_batch_new(types, ncols, str_bytes)) != NULL) {
        good = n;
        for (int c = 0; c < ncols && good > 0; c++) {
            sm_vector *vec = (*cur)->cols[c];
            int k = win_column(job->scan, in_lo, in_hi, types[c], win, ncols, c, good, vec, *cur_rows);
            if (k < good) good = k;
        }
    }
    if (good == n) {
        *cur_rows += n;
        for (int c = 0; c < ncols; c++) (*cur)->cols[c]->length = *cur_rows;
        if (*cur_rows < SM_BATCH_ROWS || batch_done(job, types, cache, cur, cur_rows, str_bytes)) return true;
        good = n; /* every record converted: none to infer */
    }
    sm_batch_free(*cur);
    *cur = NULL;
    csv_split_cache_free(cache);
    sm_err_clear();
    for (int row = good; row < n; row++)
        infer_record(job->scan, win + (size_t)row * ncols, ncols, types, precs);
    return false;
}

static int infer_split(void *arg, int split) {
    infer_job *job = arg;
    csv_scan *scan = job->scan;
    const csv_split *sp = &scan->splits[split];
    sm_type *types = job->types + (size_t)split * job->ncols;
    int *precs = job->precs + (size_t)split * job->ncols;
    sm_fs_map m;
    SM_TRY(sm_fs_map_range(scan->files[sp->file], 0, -1, &m));
    const char *d = m.data;
    int64_t len = m.len;
    int64_t start = scan->opt.multiline ? 0 : csv_align_split(&scan->opt, d, len, sp->start);
    int64_t stop = scan->opt.multiline || sp->end >= len ? len : csv_align_split(&scan->opt, d, len, sp->end);
    if (start == 0 && len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        start = 3;
    char *tbuf = NULL;
    const char *p = d + start, *pstop = d + stop, *end = d + len;
    if (scan->opt.latin1) {
        int64_t n = stop - start, extra = 0;
        for (int64_t i = start; i < stop; i++) extra += (unsigned char)d[i] >> 7;
        tbuf = sm_malloc((size_t)(n + extra + 1));
        if (!tbuf) { sm_fs_unmap(&m); return sm_err(SM_NOMEM, "out of memory inferring a CSV schema"); }
        char *w = tbuf;
        for (int64_t i = start; i < stop; i++) {
            unsigned char c = (unsigned char)d[i];
            if (c < 0x80) *w++ = (char)c;
            else { *w++ = (char)(0xC0 | (c >> 6)); *w++ = (char)(0x80 | (c & 0x3F)); }
        }
        p = tbuf;
        pstop = end = w;
    }
    bool header_pending = scan->opt.header && sp->start == 0;
    csv_tokenizer t;
    int rc = csv_tokenizer_init(&t, &scan->opt);
    int64_t nrec = 0;
    /* Keeping parsed rows (job->caches): once every column of this split
     * has a cacheable type, each record is converted with those types
     * instead of being inferred; the first field that does not convert
     * drops the cache and inference goes on as usual. */
    bool may_cache = job->caches != NULL && !tbuf, caching = false;
    csv_split_cache *cache = NULL;
    sm_batch *cur = NULL;
    int64_t cur_rows = 0;
    int64_t *str_bytes = may_cache ? sm_calloc((size_t)job->ncols + 1, sizeof *str_bytes) : NULL;
    csv_field *win = may_cache ? sm_malloc((size_t)WIN_ROWS * (job->ncols + 1) * sizeof *win) : NULL;
    int win_n = 0;
    if (!str_bytes || !win) may_cache = false;
    while (rc == SM_OK && p < pstop) {
        const char *re, *nx;
        bool skip;
        if (caching) {
            /* a run of plain records straight into the window */
            int room = WIN_ROWS - win_n;
            if (SM_BATCH_ROWS - cur_rows - win_n < room) room = (int)(SM_BATCH_ROWS - cur_rows - win_n);
            int k = csv_tokenize_window(&t, p, pstop, end, job->ncols, win + (size_t)win_n * job->ncols,
                                        NULL, room, &nx);
            if (k > 0) {
                p = nx;
                win_n += k;
                if (win_n == WIN_ROWS || cur_rows + win_n == SM_BATCH_ROWS) {
                    if (!win_flush(job, d, end, types, precs, win, &win_n, cache, &cur, &cur_rows, str_bytes)) {
                        cache = NULL;
                        caching = may_cache = false;
                    }
                }
                nrec += k;
                if ((nrec & ~(int64_t)1023) != ((nrec - k) & ~(int64_t)1023) && sm_pool_cancelled()) break;
                continue;
            }
        }
        rc = csv_next_record(&t, p, end, &re, &nx, &skip);
        if (rc) break;
        p = nx;
        if (skip) continue;
        if (header_pending) { header_pending = false; continue; }
        if (caching && t.scratch.len == 0) {
            /* into the window; converted when it is full or ends a batch */
            csv_field *w = win + (size_t)win_n * job->ncols;
            int nf = t.nfields < job->ncols ? t.nfields : job->ncols;
            memcpy(w, t.fields, (size_t)nf * sizeof *w);
            for (int c = nf; c < job->ncols; c++) w[c] = (csv_field){NULL, 0, 0};
            if (++win_n == WIN_ROWS || cur_rows + win_n == SM_BATCH_ROWS) {
                if (!win_flush(job, d, end, types, precs, win, &win_n, cache, &cur, &cur_rows, str_bytes)) {
                    cache = NULL;
                    caching = may_cache = false;
                }
            }
            if ((++nrec & 1023) == 0 && sm_pool_cancelled()) break;
            continue;
        }
        if (caching && win_n > 0 &&
            !win_flush(job, d, end, types, precs, win, &win_n, cache, &cur, &cur_rows, str_bytes)) {
            cache = NULL;
            caching = may_cache = false;
        }
        if (caching) {
            /* a field unescaped into scratch: this record row by row */
            bool ok = cur || (cur = cache_batch_new(types, job->ncols, str_bytes)) != NULL;
            ok = ok && cache_record(scan, &t, types, job->ncols, cur);
            if (ok && ++cur_rows == SM_BATCH_ROWS) ok = batch_done(job, types, cache, &cur, &cur_rows, str_bytes);
            if (ok) {
                if ((++nrec & 1023) == 0 && sm_pool_cancelled()) break;
                continue;
            }
            /* drop the cache; this record is inferred below */
            sm_batch_free(cur);
            cur = NULL;
            csv_split_cache_free(cache);
            cache = NULL;
            caching = may_cache = false;
            sm_err_clear();
        }
        infer_record(scan, t.fields, t.nfields < job->ncols ? t.nfields : job->ncols, types, precs);
        if (may_cache && !caching) {
            bool all = true;
            for (int c = 0; c < job->ncols && all; c++) all = cacheable(types[c]);
            if (all && (cache = sm_calloc(1, sizeof *cache)) != NULL) {
                cache->start = p - d; /* the next record's file offset */
                caching = true;
            }
        }
        if ((++nrec & 1023) == 0 && sm_pool_cancelled()) break;
    }
    if (caching && rc == SM_OK && win_n > 0 &&
        !win_flush(job, d, end, types, precs, win, &win_n, cache, &cur, &cur_rows, str_bytes)) {
        cache = NULL;
        caching = false;
    }
    sm_free(win);
    if (caching && rc == SM_OK && cur && cur_rows > 0) {
        cur->nrows = cur_rows;
        if (cache_push(cache, cur) == SM_OK) cur = NULL;
        else caching = false;
    }
    sm_batch_free(cur);
    sm_free(str_bytes);
    if (caching && rc == SM_OK && !sm_pool_cancelled()) job->caches[split] = cache;
    else csv_split_cache_free(cache);
    if (rc == SM_NOMEM) sm_err(SM_NOMEM, "out of memory inferring a CSV schema");
    csv_tokenizer_free(&t);
    sm_free(tbuf);
    sm_fs_unmap(&m);
    return rc;
}

int csv_infer_types(csv_scan *scan, sm_pool *pool, int ncols, sm_type *types) {
    infer_job job = {scan, ncols, sm_calloc((size_t)scan->nsplits * ncols + 1, sizeof(sm_type)),
                     sm_calloc((size_t)scan->nsplits * ncols + 1, sizeof(int)), NULL, 0};
    job.cache_limit = csv_cache_limit();
    if (job.cache_limit > 0 && scan->opt.mode == CSV_PERMISSIVE && !scan->opt.multiline &&
        !scan->opt.latin1 && scan->corrupt_index < 0 && !scan->cache)
        job.caches = sm_calloc((size_t)scan->nsplits + 1, sizeof *job.caches);
    if (!job.types || !job.precs) {
        sm_free(job.caches);
        sm_free(job.types);
        sm_free(job.precs);
        return sm_err(SM_NOMEM, "out of memory inferring a CSV schema");
    }
    int rc;
    if (pool) {
        rc = sm_pool_run(pool, scan->nsplits, infer_split, &job);
    } else {
        rc = SM_OK;
        for (int s = 0; s < scan->nsplits && rc == SM_OK; s++) rc = infer_split(&job, s);
    }
    if (rc == SM_OK) {
        for (int c = 0; c < ncols; c++) {
            int p = 0;
            types[c] = SM_NULLTYPE;
            for (int s = 0; s < scan->nsplits; s++)
                types[c] = merge(types[c], p, job.types[(size_t)s * ncols + c],
                                 job.precs[(size_t)s * ncols + c], &p);
            if (types[c] == SM_DECIMAL && scan->schema && c < scan->schema->ncols) {
                scan->schema->fields[c].precision = (int8_t)p;
                scan->schema->fields[c].scale = 0;
            }
        }
    }
    /* A split's parsed rows are good when its types are the merged ones. */
    for (int sp = 0; job.caches && sp < scan->nsplits; sp++) {
        csv_split_cache *c = job.caches[sp];
        if (!c) continue;
        bool same = rc == SM_OK;
        for (int col = 0; col < ncols && same; col++) same = job.types[(size_t)sp * ncols + col] == types[col];
        if (same && !scan->cache &&
            !(scan->cache = sm_calloc((size_t)scan->nsplits + 1, sizeof *scan->cache)))
            same = false;
        if (same) scan->cache[sp] = c;
        else csv_split_cache_free(c);
    }
    sm_free(job.caches);
    sm_free(job.types);
    sm_free(job.precs);
    return rc;
}
