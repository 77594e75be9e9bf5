/*
 * dataset.c — the dataset source (dataset.h): partition columns, pruning
 * and packing around a format's source.
 *
 * Construction: list (fs_dataset_list), order the files as Spark reads
 * them (largest first, then by path), create the format's source over that
 * list (the format keeps the order: its sort is stable), then map each of
 * its splits to a file (split_file) and so to a partition directory.
 * Partition values are typed once (ds_partition_values) into one vector per
 * partition column, a row per directory.
 *
 * Splits: the "active" inner splits are those of kept partitions (all,
 * until set_partitions prunes), in the inner source's order; they are cut
 * into groups by fs_pack_splits, and a group is one split of this source.
 * A reader opens the group's inner splits one after another and appends the
 * partition columns to each batch as constant vectors.
 *
 * Description (EXPLAIN): the inner description, then for partitioned
 * data "PartitionFilters: [...], partitions read K of N".
 *
 * Memory: the dataset owns the inner source, the partition value batch,
 * the split tables and the description.  Readers own their inner reader.
 */
#include "formats/dataset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/status.h"
#include "formats/csv.h"
#include "formats/json.h"
#include "formats/parquet.h"
#include "types/decimal.h"

int64_t ds_max_partition_bytes = 128LL << 20;
int64_t ds_open_cost_bytes = 4LL << 20;
int ds_dist_ranks = 1;
bool ds_partition_type_inference = true;

/* ---- type inference ------------------------------------------------------------ */

/* Java's Integer.parseInt / Long.parseLong grammar: [+-]digits. */
static bool java_integer(const char *s, __int128 *out) {
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!*p) return false;
    __int128 v = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p)) return false;
        v = v * 10 + (*p - '0');
        if (v > ((__int128)1 << 100)) return false;
    }
    *out = neg ? -v : v;
    return true;
}

/* java.math.BigDecimal(String) with scale <= 0: the integer it denotes. */
static bool java_bigdecimal_integral(const char *s, __int128 *out, int *precision) {
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    char digits[128];
    int nd = 0, frac = 0;
    bool dot = false, any = false;
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            if (dot) return false;
            dot = true;
            continue;
        }
        if (!isdigit((unsigned char)*p)) return false;
        any = true;
        if (nd >= 100) return false;
        digits[nd++] = *p;
        if (dot) frac++;
    }
    if (!any) return false;
    long exp = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = false;
        if (*p == '+' || *p == '-') eneg = *p++ == '-';
        if (!isdigit((unsigned char)*p)) return false;
        for (; *p; p++) {
            if (!isdigit((unsigned char)*p)) return false;
            exp = exp * 10 + (*p - '0');
            if (exp > 1000) return false;
        }
        if (eneg) exp = -exp;
    }
    long scale = frac - exp;
    if (scale > 0) return false;
    /* unscaled digits times 10^-scale */
    __int128 v = 0;
    int i = 0;
    while (i < nd - 1 && digits[i] == '0') i++;
    int sig = nd - i;
    if (sig + (-scale) > SM_DEC_MAX_PRECISION) {
        /* all zeros is fine */
        bool zero = true;
        for (int k = i; k < nd; k++) zero &= digits[k] == '0';
        if (!zero) return false;
    }
    for (; i < nd; i++) v = v * 10 + (digits[i] - '0');
    for (long k = 0; k < -scale && v != 0; k++) v *= 10;
    /* Spark: precision of the BigDecimal after setScale(0) */
    *precision = sm_dec_digits(v);
    if (v == 0) *precision = (int)(sig + (-scale) > 0 ? (sig + (-scale) > 38 ? 1 : sig + (-scale)) : 1);
    *out = neg ? -v : v;
    return true;
}

/* Java's Double.parseDouble grammar (decimal forms, NaN, Infinity, an
 * optional f/F/d/D suffix, surrounding whitespace). */
static bool java_double(const char *s, double *out) {
    while (*s && (unsigned char)*s <= ' ') s++;
    size_t n = strlen(s);
    while (n > 0 && (unsigned char)s[n - 1] <= ' ') n--;
    if (n == 0 || n > 400) return false;
    char buf[416];
    memcpy(buf, s, n);
    buf[n] = 0;
    const char *p = buf;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!strcmp(p, "NaN")) { *out = NAN; return true; }
    if (!strcmp(p, "Infinity")) { *out = neg ? -INFINITY : INFINITY; return true; }
    if (n > 0 && strchr("fFdD", buf[n - 1])) buf[--n] = 0;
    /* digits [. digits] [e [+-] digits], at least one digit in the mantissa */
    const char *q = p;
    int md = 0;
    while (isdigit((unsigned char)*q)) { q++; md++; }
    if (*q == '.') { q++; while (isdigit((unsigned char)*q)) { q++; md++; } }
    if (md == 0) return false;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!isdigit((unsigned char)*q)) return false;
        while (isdigit((unsigned char)*q)) q++;
    }
    if (*q) return false;
    *out = strtod(buf, NULL);
    return true;
}

static bool all_digits(const char *s, int n) {
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

/* "yyyy-MM-dd HH:mm:ss[.S...]", then CAST AS TIMESTAMP. */
static bool ts_text(const char *s, const sm_tz *tz, int64_t *micros) {
    size_t n = strlen(s);
    if (n < 19 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
        !all_digits(s + 8, 2) || s[10] != ' ' || !all_digits(s + 11, 2) || s[13] != ':' ||
        !all_digits(s + 14, 2) || s[16] != ':' || !all_digits(s + 17, 2))
        return false;
    if (n > 19 && (s[19] != '.' || n == 20 || n > 29 || !all_digits(s + 20, (int)n - 20))) return false;
    return sm_parse_timestamp(s, (int32_t)n, tz, micros);
}

/* "yyyy-MM-dd" (strict), then CAST AS DATE. */
static bool date_text(const char *s, int32_t *days) {
    size_t n = strlen(s);
    if (n != 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
        !all_digits(s + 8, 2))
        return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return sm_parse_date(s, (int32_t)n, days);
}

static char *unescape_dup(const char *raw) {
    sm_buf b = {0};
    if (fs_unescape_path_name(raw, (int32_t)strlen(raw), &b) || !sm_buf_cstr(&b)) {
        sm_buf_free(&b);
        return NULL;
    }
    return b.data;
}

sm_type ds_infer_value_type(const char *raw, const sm_tz *tz, int *precision) {
    *precision = 0;
    if (!raw) return SM_NULLTYPE;
    __int128 v;
    if (java_integer(raw, &v)) {
        if (v >= INT32_MIN && v <= INT32_MAX) return SM_INT;
        if (v >= INT64_MIN && v <= INT64_MAX) return SM_BIGINT;
    }
    int p;
    if (java_bigdecimal_integral(raw, &v, &p)) {
        *precision = p;
        return SM_DECIMAL;
    }
    double d;
    if (java_double(raw, &d)) return SM_DOUBLE;
    char *u = unescape_dup(raw);
    int64_t us;
    bool ts = u && ts_text(u, tz, &us);
    sm_free(u);
    if (ts) return SM_TIMESTAMP;
    int32_t days;
    if (date_text(raw, &days)) return SM_DATE;
    return SM_STRING;
}

static int rank_num(sm_type t) {
    switch (t) {
    case SM_INT: return 1;
    case SM_BIGINT: return 2;
    case SM_DOUBLE: return 4;
    default: return 0;
    }
}

sm_type ds_wider_type(sm_type a, int pa, sm_type b, int pb, int *precision) {
    *precision = 0;
    if (a == SM_NULLTYPE) { *precision = pb; return b; }
    if (b == SM_NULLTYPE || (a == b && a != SM_DECIMAL)) { *precision = pa; return a; }
    if (a == SM_DECIMAL || b == SM_DECIMAL) {
        if (a == SM_DOUBLE || b == SM_DOUBLE) return SM_STRING; /* Spark: no double/decimal mix */
        int p1 = a == SM_DECIMAL ? pa : a == SM_INT ? 10 : a == SM_BIGINT ? 20 : -1;
        int p2 = b == SM_DECIMAL ? pb : b == SM_INT ? 10 : b == SM_BIGINT ? 20 : -1;
        if (p1 < 0 || p2 < 0) return SM_STRING;
        *precision = p1 > p2 ? p1 : p2;
        if (*precision > SM_DEC_MAX_PRECISION) *precision = SM_DEC_MAX_PRECISION;
        return SM_DECIMAL;
    }
    if (rank_num(a) && rank_num(b)) {
        if ((a == SM_BIGINT && b == SM_DOUBLE) || (a == SM_DOUBLE && b == SM_BIGINT)) return SM_STRING;
        return rank_num(a) > rank_num(b) ? a : b;
    }
    if ((a == SM_DATE && b == SM_TIMESTAMP) || (a == SM_TIMESTAMP && b == SM_DATE)) return SM_TIMESTAMP;
    return SM_STRING;
}

/* Appends raw (a partition value) to v as `type`; false when it does not
 * convert (the value becomes null, as Spark's cast gives). */
static int append_value(sm_vector *v, const char *raw, sm_type type, int precision, const sm_tz *tz) {
    if (!raw) return sm_vector_append_null(v);
    __int128 x;
    int p;
    double d;
    switch (type) {
    case SM_INT:
        if (java_integer(raw, &x) && x >= INT32_MIN && x <= INT32_MAX) return sm_vector_append_i32(v, (int32_t)x);
        return sm_vector_append_null(v);
    case SM_BIGINT:
        if (java_integer(raw, &x) && x >= INT64_MIN && x <= INT64_MAX) return sm_vector_append_i64(v, (int64_t)x);
        return sm_vector_append_null(v);
    case SM_DOUBLE:
        if (java_double(raw, &d)) return sm_vector_append_f64(v, d);
        return sm_vector_append_null(v);
    case SM_DECIMAL: {
        sm_value val = {.type = SM_DECIMAL, .precision = (int8_t)precision, .scale = v->scale};
        __int128 out;
        if ((java_integer(raw, &x) || java_bigdecimal_integral(raw, &x, &p)) &&
            sm_dec_convert(x, 0, precision, v->scale, &out)) {
            val.v.dec = out;
            return sm_vector_append_value(v, &val);
        }
        if (sm_dec_parse(raw, strlen(raw), v->scale, &out) == SM_OK && sm_dec_fits(out, precision)) {
            val.v.dec = out;
            return sm_vector_append_value(v, &val);
        }
        return sm_vector_append_null(v);
    }
    case SM_DATE: {
        int32_t days;
        char *u = unescape_dup(raw);
        if (!u) return SM_NOMEM;
        bool ok = sm_parse_date(u, (int32_t)strlen(u), &days);
        sm_free(u);
        return ok ? sm_vector_append_i32(v, days) : sm_vector_append_null(v);
    }
    case SM_TIMESTAMP: {
        int64_t us;
        char *u = unescape_dup(raw);
        if (!u) return SM_NOMEM;
        bool ok = sm_parse_timestamp(u, (int32_t)strlen(u), tz, &us);
        sm_free(u);
        return ok ? sm_vector_append_i64(v, us) : sm_vector_append_null(v);
    }
    case SM_BOOLEAN: {
        char *u = unescape_dup(raw);
        if (!u) return SM_NOMEM;
        int r = !strcasecmp(u, "true") ? sm_vector_append_bool(v, true)
                : !strcasecmp(u, "false") ? sm_vector_append_bool(v, false) : sm_vector_append_null(v);
        sm_free(u);
        return r;
    }
    case SM_NULLTYPE: return sm_vector_append_null(v);
    default: {
        char *u = unescape_dup(raw);
        if (!u) return SM_NOMEM;
        int r = sm_vector_append_str(v, u, (int32_t)strlen(u));
        sm_free(u);
        return r;
    }
    }
}

static int make_column(const fs_dataset *d, int c, sm_type type, int precision, int scale,
                       const sm_tz *tz, sm_vector **out) {
    sm_vector *v = type == SM_NULLTYPE ? sm_vector_new_nulls(SM_NULLTYPE, d->nparts)
                                       : sm_vector_new(type, d->nparts > 0 ? d->nparts : 1);
    if (!v) return sm_err(SM_NOMEM, "out of memory typing partition values");
    v->precision = (int8_t)precision;
    v->scale = (int8_t)scale;
    for (int p = 0; type != SM_NULLTYPE && p < d->nparts; p++) {
        int rc = append_value(v, d->parts[p].raw[c], type, precision, tz);
        if (rc) {
            sm_vector_unref(v);
            return sm_err(SM_NOMEM, "out of memory typing partition values");
        }
    }
    *out = v;
    return SM_OK;
}

int ds_partition_values(const fs_dataset *d, bool infer, const sm_tz *tz, sm_field *fields,
                        sm_vector **cols) {
    for (int c = 0; c < d->ncols; c++) {
        sm_type t = SM_NULLTYPE;
        int prec = 0;
        if (!infer) {
            t = SM_STRING;
        } else {
            for (int p = 0; p < d->nparts; p++) {
                int vp;
                sm_type vt = ds_infer_value_type(d->parts[p].raw[c], tz, &vp);
                int np;
                t = ds_wider_type(t, prec, vt, vp, &np);
                prec = np;
            }
        }
        memset(&fields[c], 0, sizeof fields[c]);
        fields[c].name = d->names[c];
        fields[c].type = t;
        fields[c].nullable = true;
        fields[c].precision = (int8_t)prec;
        fields[c].scale = 0;
        int rc = make_column(d, c, t, prec, 0, tz, &cols[c]);
        if (rc) {
            for (int k = 0; k < c; k++) sm_vector_unref(cols[k]);
            return rc;
        }
    }
    return SM_OK;
}

/* ---- the source ------------------------------------------------------------------ */

typedef struct {
    sm_source *inner;
    int ninner;          /* inner splits */
    int *inner_part;     /* per inner split: partition index (-1) */
    int64_t *inner_bytes;
    int nactive;
    int *active;         /* inner splits read, in order */
    int ngroups;
    int *group_start;    /* ngroups+1 offsets into active */
    int parallelism;
    int64_t max_bytes, open_cost;
    int ndata;           /* inner columns */
    int npcols;
    sm_batch *pvals;     /* npcols columns, nparts rows */
    int nparts;
    char **part_dirs;
    int nkept;
    char *filters;       /* PartitionFilters text, or NULL */
    sm_schema *schema;
    bool *inner_required;
    bool *keep;          /* nparts: the partitions kept by the last set_partitions (NULL = all) */
    int *inner_file;     /* per inner split: file index (-1), for metrics */
    int nfiles;
} ds_impl;

typedef struct {
    sm_reader base;
    sm_source *src;
    ds_impl *ds;
    int group, pos;
    sm_reader *inner;
} ds_reader;

static int ds_describe(sm_source *s) {
    ds_impl *ds = s->impl;
    sm_buf b = {0};
    sm_buf_appendf(&b, "%s", ds->inner->description ? ds->inner->description : ds->inner->format);
    if (ds->npcols > 0) {
        sm_buf_appendf(&b, ", PartitionFilters: [%s], partitions read %d of %d",
                       ds->filters ? ds->filters : "", ds->nkept, ds->nparts);
    }
    if (!sm_buf_cstr(&b)) {
        sm_buf_free(&b);
        return sm_err(SM_NOMEM, "out of memory describing a scan");
    }
    sm_free(s->description);
    s->description = b.data;
    return SM_OK;
}

static int ds_pack(sm_source *s, const bool *keep) {
    ds_impl *ds = s->impl;
    ds->nactive = 0;
    int64_t *sizes = sm_malloc((size_t)(ds->ninner + 1) * sizeof *sizes);
    if (!sizes) return sm_err(SM_NOMEM, "out of memory packing splits");
    for (int i = 0; i < ds->ninner; i++) {
        int p = ds->inner_part[i];
        if (keep && p >= 0 && !keep[p]) continue;
        if (ds->inner->split_skipped && ds->inner->split_skipped[i]) continue; /* statistics */
        sizes[ds->nactive] = ds->inner_bytes[i];
        ds->active[ds->nactive++] = i;
    }
    fs_pack_splits(sizes, ds->nactive, ds_dist_ranks > 1 ? 0 : ds->max_bytes, ds->open_cost, ds->parallelism, ds->group_start,
                   &ds->ngroups);
    sm_free(sizes);
    ds->nkept = 0;
    for (int p = 0; p < ds->nparts; p++) ds->nkept += !keep || keep[p];
    s->nsplits = ds->ngroups;
    return ds_describe(s);
}

static int ds_set_partitions(sm_source *s, const bool *keep, const char *filters) {
    ds_impl *ds = s->impl;
    sm_free(ds->filters);
    ds->filters = NULL;
    if (filters && !(ds->filters = sm_strdup(filters))) return sm_err(SM_NOMEM, "out of memory");
    if (keep) {
        if (!ds->keep && !(ds->keep = sm_malloc((size_t)ds->nparts + 1)))
            return sm_err(SM_NOMEM, "out of memory");
        memcpy(ds->keep, keep, (size_t)ds->nparts);
    } else {
        sm_free(ds->keep);
        ds->keep = NULL;
    }
    return ds_pack(s, keep);
}

/* Statistics pruning: filters on data columns go to the format's source;
 * its skipped splits leave the packing. */
static int ds_set_filters(sm_source *s, const sm_scan_filter *f, int nf, const char *text) {
    ds_impl *ds = s->impl;
    if (!ds->inner->set_filters) return SM_OK;
    sm_scan_filter *mine = sm_calloc((size_t)nf + 1, sizeof *mine);
    if (!mine) return sm_err(SM_NOMEM, "out of memory");
    int n = 0;
    for (int i = 0; i < nf; i++)
        if (f[i].col >= 0 && f[i].col < ds->ndata) mine[n++] = f[i];
    int rc = ds->inner->set_filters(ds->inner, mine, n, text);
    sm_free(mine);
    SM_TRY(rc);
    return ds_pack(s, ds->keep);
}

static void ds_metrics(sm_source *s, sm_scan_metrics *out) {
    ds_impl *ds = s->impl;
    if (ds->inner->metrics) ds->inner->metrics(ds->inner, out);
    out->partitions_total = ds->npcols > 0 ? ds->nparts : 0;
    out->partitions_read = ds->npcols > 0 ? ds->nkept : 0;
    bool *seen = sm_calloc((size_t)ds->nfiles + 1, 1);
    if (!seen) return;
    int64_t files = 0;
    for (int k = 0; k < ds->nactive; k++) {
        int f = ds->inner_file ? ds->inner_file[ds->active[k]] : -1;
        if (f >= 0 && f < ds->nfiles && !seen[f]) {
            seen[f] = true;
            files++;
        }
    }
    out->files = files;
    sm_free(seen);
}

static int ds_set_required(sm_source *s, const bool *required) {
    ds_impl *ds = s->impl;
    if (!ds->inner->set_required) return SM_OK;
    for (int c = 0; c < ds->ndata; c++) ds->inner_required[c] = required[c];
    return ds->inner->set_required(ds->inner, ds->inner_required);
}

static int ds_next(sm_reader *r, sm_batch **out) {
    ds_reader *rd = (ds_reader *)r;
    ds_impl *ds = rd->ds;
    *out = NULL;
    for (;;) {
        if (!rd->inner) {
            int k = ds->group_start[rd->group] + rd->pos;
            if (k >= ds->group_start[rd->group + 1]) return SM_OK;
            SM_TRY(ds->inner->open(ds->inner, ds->active[k], &rd->inner));
        }
        sm_batch *b = NULL;
        SM_TRY(rd->inner->next(rd->inner, &b));
        if (!b) {
            rd->inner->close(rd->inner);
            rd->inner = NULL;
            rd->pos++;
            continue;
        }
        if (ds->npcols == 0) {
            *out = b;
            return SM_OK;
        }
        int k = ds->group_start[rd->group] + rd->pos;
        int part = ds->inner_part[ds->active[k]];
        sm_vector **cols = sm_realloc(b->cols, (size_t)(b->ncols + ds->npcols) * sizeof *cols);
        if (!cols) {
            sm_batch_free(b);
            return sm_err(SM_NOMEM, "out of memory adding partition columns");
        }
        b->cols = cols;
        for (int c = 0; c < ds->npcols; c++) {
            sm_value v;
            const sm_vector *pv = ds->pvals->cols[c];
            if (part >= 0) sm_vector_get(pv, part, &v);
            else { memset(&v, 0, sizeof v); v.type = pv->type; v.is_null = true; }
            v.precision = pv->precision;
            v.scale = pv->scale;
            sm_vector *cv = sm_vector_from_value(&v, pv->type, b->nrows);
            if (!cv) {
                sm_batch_free(b);
                return sm_err(SM_NOMEM, "out of memory adding partition columns");
            }
            cv->precision = pv->precision;
            cv->scale = pv->scale;
            b->cols[b->ncols++] = cv;
        }
        *out = b;
        return SM_OK;
    }
}

static void ds_close(sm_reader *r) {
    ds_reader *rd = (ds_reader *)r;
    if (rd->inner) rd->inner->close(rd->inner);
    sm_free(rd);
}

static int ds_open(sm_source *s, int split, sm_reader **out) {
    ds_impl *ds = s->impl;
    if (split < 0 || split >= ds->ngroups) return sm_err(SM_INTERNAL, "dataset: no split %d", split);
    ds_reader *rd = sm_calloc(1, sizeof *rd);
    if (!rd) return sm_err(SM_NOMEM, "out of memory opening a split");
    rd->base.next = ds_next;
    rd->base.close = ds_close;
    rd->src = s;
    rd->ds = ds;
    rd->group = split;
    *out = &rd->base;
    return SM_OK;
}

static void ds_free(sm_source *s) {
    if (!s) return;
    ds_impl *ds = s->impl;
    if (ds) {
        if (ds->inner && ds->inner->free) ds->inner->free(ds->inner);
        sm_free(ds->inner_part);
        sm_free(ds->inner_bytes);
        sm_free(ds->active);
        sm_free(ds->group_start);
        sm_batch_free(ds->pvals);
        for (int p = 0; ds->part_dirs && p < ds->nparts; p++) sm_free(ds->part_dirs[p]);
        sm_free(ds->part_dirs);
        sm_free(ds->filters);
        sm_schema_free(ds->schema);
        sm_free(ds->inner_required);
        sm_free(ds->keep);
        sm_free(ds->inner_file);
        sm_free(ds);
    }
    sm_free(s->description);
    sm_free(s);
}

static const char *opt_get(const char *const *kv, const char *key) {
    const char *v = NULL;
    for (int i = 0; kv && kv[i] && kv[i + 1]; i += 2)
        if (!strcasecmp(kv[i], key)) v = kv[i + 1];
    return v;
}

static bool is_ds_option(const char *k) {
    return !strcasecmp(k, "basePath") || !strcasecmp(k, "maxPartitionBytes") ||
           !strcasecmp(k, "openCostInBytes");
}

static int cmp_files_like_spark(const void *a, const void *b) {
    const fs_dataset_file *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int parse_bytes_opt(const char *const *kv, const char *key, int64_t dflt, int64_t *out) {
    const char *v = opt_get(kv, key);
    *out = dflt;
    if (!v) return SM_OK;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x <= 0)
        return sm_err(SM_INVALID, "option %s: '%s' is not a positive number of bytes", key, v);
    *out = x;
    return SM_OK;
}

/* The user's DDL without the partition columns (they come from the
 * directories); *user_pcols gets the user's fields for partition columns. */
static int split_user_schema(const char *ddl, const fs_dataset *d, char **inner_ddl, sm_schema **user) {
    *inner_ddl = NULL;
    *user = NULL;
    if (!ddl || !*ddl) return SM_OK;
    sm_schema *s;
    SM_TRY(sm_schema_parse_ddl(ddl, &s));
    bool any = false;
    for (int c = 0; c < d->ncols; c++) any |= sm_schema_find(s, d->names[c]) >= 0;
    if (!any) {
        sm_schema_free(s);
        return SM_OK;
    }
    sm_buf b = {0};
    bool first = true;
    for (int i = 0; i < s->ncols; i++) {
        bool part = false;
        for (int c = 0; c < d->ncols; c++) part |= !strcasecmp(s->fields[i].name, d->names[c]);
        if (part) continue;
        char t[256];
        sm_type_format(t, sizeof t, s->fields[i].type, s->fields[i].precision, s->fields[i].scale,
                       s->fields[i].dt);
        sm_buf_appendf(&b, "%s`%s` %s", first ? "" : ", ", s->fields[i].name, t);
        first = false;
    }
    if (!sm_buf_cstr(&b)) {
        sm_buf_free(&b);
        sm_schema_free(s);
        return sm_err(SM_NOMEM, "out of memory");
    }
    *inner_ddl = b.data;
    *user = s;
    return SM_OK;
}

int ds_source_create(const char *format, const char *const *paths, int npaths,
                     const char *const *options_kv, const char *schema_ddl, const sm_tz *tz,
                     sm_pool *pool, sm_source **out) {
    *out = NULL;
    if (!tz) tz = sm_tz_utc();
    int64_t maxb, openc;
    SM_TRY(parse_bytes_opt(options_kv, "maxPartitionBytes", ds_max_partition_bytes, &maxb));
    SM_TRY(parse_bytes_opt(options_kv, "openCostInBytes", ds_open_cost_bytes, &openc));
    bool infer = ds_partition_type_inference;

    fs_dataset d;
    SM_TRY(fs_dataset_list(paths, npaths, opt_get(options_kv, "basePath"), pool, &d));

    /* the format's options without ours */
    int nkv = 0;
    while (options_kv && options_kv[nkv] && options_kv[nkv + 1]) nkv += 2;
    const char **inner_kv = sm_calloc((size_t)nkv + 1, sizeof *inner_kv);
    ds_impl *ds = sm_calloc(1, sizeof *ds);
    sm_source *src = sm_calloc(1, sizeof *src);
    sm_vector **pcols = sm_calloc((size_t)d.ncols + 1, sizeof *pcols);
    sm_field *pfields = sm_calloc((size_t)d.ncols + 1, sizeof *pfields);
    char *inner_ddl = NULL;
    sm_schema *user = NULL;
    int rc = SM_OK;
    if (!inner_kv || !ds || !src || !pcols || !pfields) {
        rc = sm_err(SM_NOMEM, "out of memory creating a %s source", format);
        goto fail;
    }
    for (int i = 0, w = 0; i < nkv; i += 2)
        if (!is_ds_option(options_kv[i])) { inner_kv[w++] = options_kv[i]; inner_kv[w++] = options_kv[i + 1]; }
    src->impl = ds;
    ds->max_bytes = maxb;
    ds->open_cost = openc;
    ds->parallelism = pool ? sm_pool_threads(pool) : 1;
    ds->npcols = d.ncols;
    ds->nparts = d.nparts;

    if ((rc = split_user_schema(schema_ddl, &d, &inner_ddl, &user))) goto fail;

    /* partition values */
    if (d.ncols > 0) {
        if ((rc = ds_partition_values(&d, infer, tz, pfields, pcols))) goto fail;
        for (int c = 0; user && c < d.ncols; c++) {
            int ui = sm_schema_find(user, d.names[c]);
            if (ui < 0) continue;
            const sm_field *uf = &user->fields[ui];
            sm_vector *nv = NULL;
            if ((rc = make_column(&d, c, uf->type, uf->precision, uf->scale, tz, &nv))) goto fail;
            sm_vector_unref(pcols[c]);
            pcols[c] = nv;
            pfields[c].type = uf->type;
            pfields[c].precision = uf->precision;
            pfields[c].scale = uf->scale;
        }
        ds->pvals = sm_batch_new(d.ncols, d.nparts);
        ds->part_dirs = sm_calloc((size_t)d.nparts + 1, sizeof *ds->part_dirs);
        if (!ds->pvals || !ds->part_dirs) { rc = sm_err(SM_NOMEM, "out of memory"); goto fail; }
        for (int c = 0; c < d.ncols; c++) { ds->pvals->cols[c] = pcols[c]; pcols[c] = NULL; }
        for (int p = 0; p < d.nparts; p++) { ds->part_dirs[p] = d.parts[p].dir; d.parts[p].dir = NULL; }
    }

    /* the format's source over the files, largest first */
    if (d.nfiles > 1) qsort(d.files, (size_t)d.nfiles, sizeof *d.files, cmp_files_like_spark);
    int *file_part = sm_calloc((size_t)d.nfiles + 1, sizeof *file_part);
    sm_fs_list fl = {d.nfiles, sm_calloc((size_t)d.nfiles + 1, sizeof(sm_fs_file))};
    if (!file_part || !fl.files) {
        sm_free(file_part);
        sm_free(fl.files);
        rc = sm_err(SM_NOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < d.nfiles; i++) {
        fl.files[i].path = d.files[i].path;
        fl.files[i].size = d.files[i].size;
        file_part[i] = d.files[i].part;
        d.files[i].path = NULL;
    }
    const char *ddl = inner_ddl ? inner_ddl : schema_ddl;
    if (!strcmp(format, "parquet"))
        rc = parquet_source_create_list(&fl, inner_kv, ddl, tz, pool, &ds->inner);
    else if (!strcmp(format, "json"))
        rc = json_source_create_list(&fl, inner_kv, ddl, tz, pool, &ds->inner);
    else
        rc = csv_source_create_list(&fl, inner_kv, ddl, tz, pool, &ds->inner);
    if (rc) { sm_free(file_part); goto fail; }

    ds->ninner = ds->inner->nsplits;
    ds->inner_part = sm_calloc((size_t)ds->ninner + 1, sizeof *ds->inner_part);
    ds->inner_bytes = sm_calloc((size_t)ds->ninner + 1, sizeof *ds->inner_bytes);
    ds->active = sm_calloc((size_t)ds->ninner + 1, sizeof *ds->active);
    ds->group_start = sm_calloc((size_t)ds->ninner + 2, sizeof *ds->group_start);
    ds->inner_file = sm_calloc((size_t)ds->ninner + 1, sizeof *ds->inner_file);
    ds->nfiles = d.nfiles;
    if (!ds->inner_part || !ds->inner_bytes || !ds->active || !ds->group_start || !ds->inner_file) {
        sm_free(file_part);
        rc = sm_err(SM_NOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < ds->ninner && rc == SM_OK; i++) {
        int f = -1;
        int64_t bytes = 0;
        if (ds->inner->split_file) rc = ds->inner->split_file(ds->inner, i, &f, &bytes);
        ds->inner_part[i] = f >= 0 && f < d.nfiles ? file_part[f] : -1;
        ds->inner_file[i] = f;
        ds->inner_bytes[i] = bytes;
    }
    sm_free(file_part);
    if (rc) goto fail;

    /* schema: the format's columns, then the partition columns */
    ds->ndata = ds->inner->schema->ncols;
    ds->inner_required = sm_calloc((size_t)ds->ndata + 1, sizeof *ds->inner_required);
    ds->schema = sm_schema_new(ds->ndata + d.ncols);
    if (!ds->schema || !ds->inner_required) { rc = sm_err(SM_NOMEM, "out of memory"); goto fail; }
    for (int c = 0; c < ds->ndata + d.ncols && rc == SM_OK; c++) {
        const sm_field *f = c < ds->ndata ? &ds->inner->schema->fields[c] : &pfields[c - ds->ndata];
        rc = sm_schema_set(ds->schema, c, f->name, f->type, f->nullable);
        ds->schema->fields[c].precision = f->precision;
        ds->schema->fields[c].scale = f->scale;
        ds->schema->fields[c].dt = f->dt;
    }
    if (rc) goto fail;

    src->format = ds->inner->format;
    src->schema = ds->schema;
    src->open = ds_open;
    src->free = ds_free;
    src->set_required = ds_set_required;
    src->set_filters = ds_set_filters;
    src->metrics = ds_metrics;
    src->partition_ncols = d.ncols;
    src->npartitions = d.nparts;
    src->partition_values = ds->pvals;
    if (d.ncols > 0) src->set_partitions = ds_set_partitions;
    if ((rc = ds_pack(src, NULL))) goto fail;

    sm_free(inner_kv);
    sm_free(pcols);
    sm_free(pfields);
    sm_free(inner_ddl);
    sm_schema_free(user);
    fs_dataset_free(&d);
    *out = src;
    return SM_OK;
fail:
    for (int c = 0; pcols && c < d.ncols; c++) sm_vector_unref(pcols[c]);
    sm_free(pcols);
    sm_free(pfields);
    sm_free(inner_kv);
    sm_free(inner_ddl);
    sm_schema_free(user);
    if (src) { src->impl = ds; ds_free(src); }
    else if (ds) sm_free(ds);
    fs_dataset_free(&d);
    return rc;
}
