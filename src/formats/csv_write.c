/*
 * csv_write.c — one CSV part file, byte for byte as Spark 3.5 writes it.
 *
 * Spark formats each value as text (UnivocityGenerator: doubles with Java's
 * Double.toString, booleans true/false, dates and timestamps through the
 * dateFormat / timestampFormat patterns, everything else toString) and hands
 * the row to univocity-parsers' CsvWriter (2.9.1), whose rules decide quoting.
 * They were read from its source and checked against PySpark; in terms of
 * one value v in column c:
 *
 *   1. null → nullValue, "" → emptyValue, and (ignoreLeadingWhiteSpace) a
 *      value of only whitespace → emptyValue.  "Whitespace" is any byte
 *      <= ' ' (univocity's rule, so NUL and control characters count).
 *   2. Leading whitespace is skipped (ignoreLeadingWhiteSpace); trailing
 *      whitespace is cut from the written text (ignoreTrailingWhiteSpace),
 *      also inside quotes: "abc\n" is written "abc" quoted.
 *   3. The value is quoted when quoteAll is set, when (after the skipped
 *      whitespace) it starts with the quote character, when c == 0 and its
 *      first byte is the comment character ('#'), or when it contains the
 *      separator, '\r', '\n', a line separator character, or — with
 *      escapeQuotes — the quote character.  A value that contains the
 *      escape character but nothing that calls for quotes is written as is.
 *   4. Inside quotes, the quote character is preceded by the escape
 *      character, and the escape character by charToEscapeQuoteEscaping.
 *   5. A nullValue/emptyValue that is itself wrapped in quote characters
 *      (the default emptyValue "\"\"") is written as is, never re-quoted.
 *
 * The common case (no special byte, no edge whitespace) is detected with a
 * 256-entry table and copied with one memcpy; only values that need quoting
 * take the general path above.  Numbers, dates and booleans go through the
 * same path, so exotic separators ("." or "-") quote them as Spark does.
 *
 * Output is buffered (1 MiB) and written with write(2), or through the
 * codec the compression option names (fs/textout.c, fs/compress.c: gzip,
 * bzip2, deflate, lz4, snappy in Hadoop's formats, and zstd).  A writer is used by one
 * thread; different part files are written concurrently.
 */
#include "formats/csv_write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/copy.h"
#include "common/mem.h"
#include "common/status.h"
#include "expr/cast_small.h"
#include "expr/expr.h"
#include "fs/textout.h"
#include "types/timeofday.h"
#include "types/decimal.h"

#define CSVW_DEFAULT_DATE "yyyy-MM-dd"
#define CSVW_DEFAULT_TS "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"

/* ---- options ------------------------------------------------------------ */

static const char *opt_get(const char *const *options, const char *key) {
    const char *found = NULL;
    for (int i = 0; options && options[i] && options[i + 1]; i += 2)
        if (!strcasecmp(options[i], key)) found = options[i + 1]; /* last one wins */
    return found;
}

static int opt_bool(const char *const *options, const char *key, bool dflt, bool *out) {
    const char *v = opt_get(options, key);
    if (!v) { *out = dflt; return SM_OK; }
    if (!strcasecmp(v, "true")) { *out = true; return SM_OK; }
    if (!strcasecmp(v, "false")) { *out = false; return SM_OK; }
    return sm_err(SM_INVALID, "CSV write option %s must be true or false, not '%s'", key, v);
}

/* A single-character option ("" → NUL, as Spark's quote option). */
static int opt_char(const char *const *options, const char *key, char dflt, bool empty_is_nul,
                    char *out) {
    const char *v = opt_get(options, key);
    if (!v) { *out = dflt; return SM_OK; }
    size_t n = strlen(v);
    if (n == 0 && empty_is_nul) { *out = '\0'; return SM_OK; }
    if (n == 2 && v[0] == '\\' && v[1] == 't') { *out = '\t'; return SM_OK; }
    if (n == 6 && !strncmp(v, "\\u0000", 6)) { *out = '\0'; return SM_OK; }
    if (n != 1)
        return sm_err(SM_INVALID, "CSV write option %s cannot be more than one character: '%s'",
                      key, v);
    if ((unsigned char)v[0] >= 0x80)
        return sm_err(SM_UNSUPPORTED, "CSV write option %s must be an ASCII character: '%s'",
                      key, v);
    *out = v[0];
    return SM_OK;
}

static char *dup_or(const char *v, const char *dflt) { return sm_strdup(v ? v : dflt); }

int csv_write_opts_parse(const char *const *options, csv_write_opts *o) {
    memset(o, 0, sizeof *o);
    int rc;
    if ((rc = opt_bool(options, "header", false, &o->header))) goto fail;
    if ((rc = opt_bool(options, "quoteAll", false, &o->quote_all))) goto fail;
    if ((rc = opt_bool(options, "escapeQuotes", true, &o->escape_quotes))) goto fail;
    if ((rc = opt_bool(options, "ignoreLeadingWhiteSpace", true, &o->trim_leading))) goto fail;
    if ((rc = opt_bool(options, "ignoreTrailingWhiteSpace", true, &o->trim_trailing))) goto fail;

    const char *sep = opt_get(options, "sep");
    if (!sep) sep = opt_get(options, "delimiter");
    if (!sep) sep = ",";
    if (!strcmp(sep, "\\t")) sep = "\t";
    if (!*sep) { rc = sm_err(SM_INVALID, "CSV write option sep: Delimiter cannot be empty"); goto fail; }
    o->sep = sm_strdup(sep);
    if (!o->sep) { rc = SM_NOMEM; goto fail; }
    o->sep_len = (int)strlen(sep);

    if ((rc = opt_char(options, "quote", '"', true, &o->quote))) goto fail;
    if ((rc = opt_char(options, "escape", '\\', false, &o->escape))) goto fail;
    if (opt_get(options, "charToEscapeQuoteEscaping")) {
        if ((rc = opt_char(options, "charToEscapeQuoteEscaping", 0, true, &o->escape_escape)))
            goto fail;
    } else {
        o->escape_escape = o->quote == o->escape ? '\0' : o->escape;
    }
    if ((rc = opt_char(options, "comment", '#', true, &o->comment))) goto fail;

    const char *ls = opt_get(options, "lineSep");
    if (!ls) ls = "\n";
    size_t lsn = strlen(ls);
    if (lsn == 0 || lsn > 2) {
        rc = sm_err(SM_INVALID, "CSV write option lineSep must be one or two characters, not '%s'",
                    ls);
        goto fail;
    }
    memcpy(o->line_sep, ls, lsn + 1);
    o->line_sep_len = (int)lsn;

    o->null_value = dup_or(opt_get(options, "nullValue"), "");
    o->empty_value = dup_or(opt_get(options, "emptyValue"), "\"\"");
    o->date_format = dup_or(opt_get(options, "dateFormat"), CSVW_DEFAULT_DATE);
    o->timestamp_format = dup_or(opt_get(options, "timestampFormat"), CSVW_DEFAULT_TS);
    if (!o->null_value || !o->empty_value || !o->date_format || !o->timestamp_format) {
        rc = SM_NOMEM;
        goto fail;
    }
    if (strcmp(o->date_format, CSVW_DEFAULT_DATE) != 0) {
        if ((rc = sm_dtfmt_compile(o->date_format, &o->date_fmt))) {
            sm_err_prefix(rc, "CSV write option dateFormat '%s': ", o->date_format);
            goto fail;
        }
    }
    if (strcmp(o->timestamp_format, CSVW_DEFAULT_TS) != 0) {
        if ((rc = sm_dtfmt_compile(o->timestamp_format, &o->ts_fmt))) {
            sm_err_prefix(rc, "CSV write option timestampFormat '%s': ", o->timestamp_format);
            goto fail;
        }
    }

    /* compression, else its alias codec (CSVOptions) */
    const char *comp = opt_get(options, "compression");
    if (!comp) comp = opt_get(options, "codec");
    o->codec = SM_FS_CODEC_NONE;
    if (comp && (rc = sm_fs_codec_parse(comp, &o->codec))) goto fail;
    o->gzip = o->codec == SM_FS_CODEC_GZIP;
    const char *enc = opt_get(options, "encoding");
    if (!enc) enc = opt_get(options, "charset");
    if (enc && strcasecmp(enc, "UTF-8") && strcasecmp(enc, "UTF8")) {
        rc = sm_err(SM_UNSUPPORTED, "CSV write option encoding '%s' is not supported; smelt "
                    "writes UTF-8", enc);
        goto fail;
    }
    return SM_OK;
fail:
    csv_write_opts_free(o);
    return rc;
}

void csv_write_opts_free(csv_write_opts *o) {
    sm_free(o->sep);
    sm_free(o->null_value);
    sm_free(o->empty_value);
    sm_free(o->date_format);
    sm_free(o->timestamp_format);
    if (o->date_fmt) sm_dtfmt_free(o->date_fmt);
    if (o->ts_fmt) sm_dtfmt_free(o->ts_fmt);
    memset(o, 0, sizeof *o);
}

const char *csv_write_extension(const csv_write_opts *o) {
    static const char *const ext[SM_FS_CODEC_COUNT] = {
        [SM_FS_CODEC_NONE] = ".csv",         [SM_FS_CODEC_GZIP] = ".csv.gz",
        [SM_FS_CODEC_BZIP2] = ".csv.bz2",    [SM_FS_CODEC_DEFLATE] = ".csv.deflate",
        [SM_FS_CODEC_LZ4] = ".csv.lz4",      [SM_FS_CODEC_SNAPPY] = ".csv.snappy",
        [SM_FS_CODEC_ZSTD] = ".csv.zst"};
    return o->codec > 0 && o->codec < SM_FS_CODEC_COUNT ? ext[o->codec] : ".csv";
}

/* ---- quoting (univocity's CsvWriter, see the essay) --------------------- */

/* Per-options tables, computed once per writer (and per csv_format_field
 * call in tests). */
typedef struct {
    const csv_write_opts *o;
    unsigned char trigger[256]; /* makes a value quoted when seen */
    unsigned char special[256]; /* anything that leaves the fast path */
    char newline;               /* univocity's normalized newline */
    bool denormalize;           /* '\n' inside values becomes line_sep */
    bool plain_numbers;         /* no byte numbers, dates and timestamps are made of is
                                 * special: they are written without the quoting checks */
    unsigned char spec_list[6]; /* the special bytes, repeated to fill 6 (spec_n <= 6) */
    int spec_n;                 /* distinct special bytes; > 6: no vector scan */
} csvw_rules;

static void rules_init(csvw_rules *r, const csv_write_opts *o) {
    memset(r, 0, sizeof *r);
    r->o = o;
    r->newline = o->line_sep_len == 1 ? o->line_sep[0] : '\n';
    r->denormalize = o->line_sep_len == 2;
    r->trigger['\n'] = r->trigger['\r'] = 1;
    r->trigger[(unsigned char)r->newline] = 1;
    for (int i = 0; i < o->line_sep_len; i++) r->trigger[(unsigned char)o->line_sep[i]] = 1;
    if (o->escape_quotes) r->trigger[(unsigned char)o->quote] = 1;
    memcpy(r->special, r->trigger, sizeof r->special);
    r->special[(unsigned char)o->quote] = 1;
    r->special[(unsigned char)o->escape] = 1;
    r->special[(unsigned char)o->sep[0]] = 1;
    /* every byte sm_format_double/float, fmt_i64, sm_format_date and
     * fmt_ts_default can write ("-1.5E-7", "NaN", "-Infinity",
     * "+10000-01-01", "2024-01-01T00:00:00.000+05:30") */
    r->spec_n = 0;
    for (int c = 0; c < 256; c++) {
        if (!r->special[c]) continue;
        if (r->spec_n < 6) r->spec_list[r->spec_n] = (unsigned char)c;
        r->spec_n++;
    }
    for (int k = r->spec_n; k < 6 && r->spec_n > 0; k++) r->spec_list[k] = r->spec_list[0];
    static const char number_bytes[] = "0123456789+-.:EINTZafinty";
    r->plain_numbers = !o->quote_all;
    for (const char *c = number_bytes; *c; c++)
        if (r->special[(unsigned char)*c] || *c == o->comment) r->plain_numbers = false;
}

static inline bool is_ws(unsigned char c) { return c <= ' '; }

static inline bool delim_at(const csvw_rules *r, const char *s, int len, int i) {
    const csv_write_opts *o = r->o;
    if (s[i] != o->sep[0]) return false;
    if (o->sep_len == 1) return true;
    return i + o->sep_len <= len && !memcmp(s + i, o->sep, (size_t)o->sep_len);
}

/* quoteElement: is there a separator or a trigger at or after `from`? */
static bool needs_quotes_from(const csvw_rules *r, const char *s, int len, int from) {
    for (int i = from; i < len; i++)
        if (delim_at(r, s, len, i) || r->trigger[(unsigned char)s[i]]) return true;
    return false;
}

static void trim_trailing(const csvw_rules *r, sm_buf *b, size_t from, unsigned char last) {
    if (!r->o->trim_trailing || !is_ws(last)) return;
    while (b->len > from && is_ws((unsigned char)b->data[b->len - 1])) b->len--;
}

/* appendQuoted: s[start..len) with quotes and escapes escaped. */
static int append_quoted(const csvw_rules *r, const char *s, int len, int start, sm_buf *b,
                         size_t from) {
    const csv_write_opts *o = r->o;
    if (sm_buf_reserve(b, (size_t)(len - start) * 2 + 4)) return SM_NOMEM;
    char *p = b->data + b->len;
    for (int i = start; i < len; i++) {
        char ch = s[i];
        if (ch == o->quote) {
            *p++ = o->escape;
        } else if (ch == o->escape && o->escape_escape != '\0') {
            *p++ = o->escape_escape;
        } else if (ch == r->newline && r->denormalize) {
            *p++ = o->line_sep[0];
            ch = o->line_sep[1];
        }
        *p++ = ch;
    }
    b->len = (size_t)(p - b->data);
    trim_trailing(r, b, from, len > start ? (unsigned char)s[len - 1] : 0);
    return SM_OK;
}

/* univocity's append(): writes the value's text (without the surrounding
 * quotes) to b from offset `from`; *quoted tells whether it needs them. */
static int append_element(const csvw_rules *r, int col, bool quoted, bool null_or_empty,
                          const char *s, int len, sm_buf *b, size_t from, bool *out_quoted) {
    const csv_write_opts *o = r->o;
    int start = 0;
    if (o->trim_leading)
        while (start < len && is_ws((unsigned char)s[start])) start++;
    if (start < len && (s[start] == o->quote || (col == 0 && s[0] == o->comment))) quoted = true;
    if (quoted) {
        if (null_or_empty && len >= 2 && s[0] == o->quote && s[len - 1] == o->quote) {
            *out_quoted = false;
            return sm_buf_append(b, s, (size_t)len);
        }
        *out_quoted = true;
        return append_quoted(r, s, len, start, b, from);
    }
    for (int i = start; i < len; i++) {
        char ch = s[i];
        bool delim = delim_at(r, s, len, i);
        if (ch == o->quote || delim || ch == o->escape || r->trigger[(unsigned char)ch]) {
            if (sm_buf_append(b, s + start, (size_t)(i - start))) return SM_NOMEM;
            if ((ch == o->quote || ch == o->escape) && !needs_quotes_from(r, s, len, i)) {
                /* An escape or (escapeQuotes=false) quote alone: as is. */
                if (sm_buf_append(b, s + i, (size_t)(len - i))) return SM_NOMEM;
                trim_trailing(r, b, from, (unsigned char)s[len - 1]);
                *out_quoted = false;
                return SM_OK;
            }
            *out_quoted = true;
            return append_quoted(r, s, len, i, b, from);
        }
    }
    if (sm_buf_append(b, s + start, (size_t)(len - start))) return SM_NOMEM;
    trim_trailing(r, b, from, len > start ? (unsigned char)s[len - 1] : 0);
    *out_quoted = false;
    return SM_OK;
}

/* One field, the general path (processRow's body for one column). */
static int field_slow(const csvw_rules *r, int col, const char *s, int len, bool is_null,
                      sm_buf *b) {
    const csv_write_opts *o = r->o;
    bool null_or_empty = false;
    if (is_null) {
        s = o->null_value;
        len = (int)strlen(s);
        null_or_empty = true;
    } else if (len == 0) {
        s = o->empty_value;
        len = (int)strlen(s);
        null_or_empty = true;
    } else if (o->trim_leading) {
        int k = 0;
        while (k < len && is_ws((unsigned char)s[k])) k++;
        if (k == len) {
            s = o->empty_value;
            len = (int)strlen(s);
            null_or_empty = true;
        }
    }
    /* Reserve the opening quote's place; filled or removed below. */
    size_t at = b->len;
    if (sm_buf_putc(b, o->quote)) return SM_NOMEM;
    size_t from = b->len;
    bool quoted = false;
    int rc = append_element(r, col, o->quote_all, null_or_empty, s, len, b, from, &quoted);
    if (rc) return rc;
    if (b->len == from && !null_or_empty) {
        /* Trailing trimming left nothing: univocity writes emptyValue. */
        bool ignored;
        const char *e = o->empty_value;
        rc = append_element(r, col, quoted, false, e, (int)strlen(e), b, from, &ignored);
        if (rc) return rc;
    }
    if (quoted) return sm_buf_putc(b, o->quote);
    memmove(b->data + at, b->data + at + 1, b->len - from);
    b->len--;
    return SM_OK;
}

/* Whether a value may be written as it is as far as its edges go: not
 * empty, no whitespace to trim at either end, no comment character first,
 * quoteAll off.  Its bytes still need checking for special ones. */
static inline bool plain_edges(const csvw_rules *r, int col, const char *s, int len) {
    const csv_write_opts *o = r->o;
    return len > 0 && !o->quote_all && !(o->trim_leading && is_ws((unsigned char)s[0])) &&
           !(o->trim_trailing && is_ws((unsigned char)s[len - 1])) && !(col == 0 && s[0] == o->comment);
}

/* Appends s as it is. */
static inline int put_plain(const char *s, int len, sm_buf *b) {
    if (b->len + (size_t)len + 1 > b->cap && sm_buf_reserve(b, (size_t)len + 1)) return SM_NOMEM;
    sm_copy_bytes(b->data + b->len, s, (size_t)len); /* most fields are short */
    b->len += (size_t)len;
    return SM_OK;
}

/* One field: the fast path when nothing in it is special. */
static inline int field(const csvw_rules *r, int col, const char *s, int len, sm_buf *b) {
    if (plain_edges(r, col, s, len)) {
        int i = 0;
        while (i < len && !r->special[(unsigned char)s[i]]) i++;
        if (i == len) return put_plain(s, len, b);
    }
    return field_slow(r, col, s, len, false, b);
}

/* The offset of the first special byte in p[0, n), or n when none. */
static int64_t first_special(const csvw_rules *r, const char *p, int64_t n) {
    int64_t i = 0;
#if defined(__SSE2__)
    if (r->spec_n >= 1 && r->spec_n <= 6) {
        __m128i c0 = _mm_set1_epi8((char)r->spec_list[0]), c1 = _mm_set1_epi8((char)r->spec_list[1]);
        __m128i c2 = _mm_set1_epi8((char)r->spec_list[2]), c3 = _mm_set1_epi8((char)r->spec_list[3]);
        __m128i c4 = _mm_set1_epi8((char)r->spec_list[4]), c5 = _mm_set1_epi8((char)r->spec_list[5]);
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, c0), _mm_cmpeq_epi8(x, c1)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, c2), _mm_cmpeq_epi8(x, c3)));
            m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(x, c4), _mm_cmpeq_epi8(x, c5)));
            int mask = _mm_movemask_epi8(m);
            if (mask) return i + __builtin_ctz((unsigned)mask);
        }
    }
#endif
    while (i < n && !r->special[(unsigned char)p[i]]) i++;
    return i;
}

/* field() for a value known to hold no special byte: only the edge checks
 * (empty, whitespace at either end, comment character) remain. */
static inline int field_clean(const csvw_rules *r, int col, const char *s, int len, sm_buf *b) {
    if (plain_edges(r, col, s, len)) return put_plain(s, len, b);
    return field_slow(r, col, s, len, false, b);
}

int csv_format_field(const csv_write_opts *o, int col, const char *s, int len, bool is_null,
                     sm_buf *buf) {
    csvw_rules r;
    rules_init(&r, o);
    if (is_null) return field_slow(&r, col, NULL, 0, true, buf);
    return field(&r, col, s, len, buf);
}

/* ---- the writer ----------------------------------------------------------- */

/* yyyy-MM-dd of recently formatted days, direct-mapped by the day number:
 * a column of dates or timestamps within a few years (the usual case) is
 * formatted once per distinct day instead of once per row.  Only years
 * 0..9999 (exactly 10 characters) are cached. */
#define CSVW_DAYS 1024
typedef struct {
    int32_t day[CSVW_DAYS];
    char text[CSVW_DAYS][10];
} csvw_day_cache;

static void day_cache_init(csvw_day_cache *c) {
    for (int i = 0; i < CSVW_DAYS; i++) c->day[i] = i + 1; /* no slot i holds day i + 1 */
}

/* sm_format_date(day, p) through the cache. */
static inline int fmt_day(csvw_day_cache *c, int32_t day, char *p) {
    int slot = (int)((uint32_t)day & (CSVW_DAYS - 1));
    if (c->day[slot] == day) {
        memcpy(p, c->text[slot], 10);
        return 10;
    }
    int n = sm_format_date(day, p);
    if (n == 10) {
        memcpy(c->text[slot], p, 10);
        c->day[slot] = day;
    }
    return n;
}

struct csv_writer {
    const sm_schema *schema;
    const csv_write_opts *o;
    const sm_tz *tz;
    csvw_rules rules;
    fs_textout t; /* the file; t.out is the pending text */
    sm_buf tmp;   /* formatted dates/timestamps */
    csvw_day_cache days;
};

static inline int w_put(csv_writer *w, const char *s, size_t n) {
    if (w->t.out.len + n > w->t.out.cap && sm_buf_reserve(&w->t.out, n)) return SM_NOMEM;
    memcpy(w->t.out.data + w->t.out.len, s, n);
    w->t.out.len += n;
    return SM_OK;
}

/* One-byte separators (the usual ones) are stored, not copied by a call. */
static inline int w_sep(csv_writer *w) {
    if (w->o->sep_len == 1 && w->t.out.len < w->t.out.cap) {
        w->t.out.data[w->t.out.len++] = w->o->sep[0];
        return SM_OK;
    }
    return w_put(w, w->o->sep, (size_t)w->o->sep_len);
}
static inline int w_eol(csv_writer *w) {
    if (w->o->line_sep_len == 1 && w->t.out.len < w->t.out.cap) {
        w->t.out.data[w->t.out.len++] = w->o->line_sep[0];
        return SM_OK;
    }
    return w_put(w, w->o->line_sep, (size_t)w->o->line_sep_len);
}

int csv_writer_open(const char *path, const sm_schema *schema, const csv_write_opts *o,
                    const sm_tz *tz, csv_writer **out) {
    *out = NULL;
    csv_writer *w = sm_calloc(1, sizeof *w);
    if (!w) return SM_NOMEM;
    w->schema = schema;
    w->o = o;
    w->tz = tz ? tz : sm_tz_utc();
    rules_init(&w->rules, o);
    day_cache_init(&w->days);
    int orc = fs_textout_open_codec(&w->t, path, o->codec);
    if (orc) {
        sm_buf_free(&w->tmp);
        sm_free(w);
        return orc;
    }
    if (o->header) {
        int rc = SM_OK;
        for (int c = 0; c < schema->ncols && !rc; c++) {
            if (c) rc = w_sep(w);
            const char *name = schema->fields[c].name ? schema->fields[c].name : "";
            if (!rc) rc = field(&w->rules, c, name, (int)strlen(name), &w->t.out);
        }
        if (!rc) rc = w_eol(w);
        if (rc) { csv_writer_abort(w); return rc; }
    }
    *out = w;
    return SM_OK;
}

static const char dig2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                              "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";

static const uint64_t pow10_u64[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

/* Writes digits of v (any int64) to p; returns the length.  The length is
 * known first (from the bit length: t = floor(bits * log10 2) is the digit
 * count or one less), so the digits go straight to their places, two per
 * division. */
static int fmt_i64(int64_t v, char *p) {
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int len = 0;
    if (v < 0) p[len++] = '-';
    int nd = 1;
    if (u >= 10) {
        int t = ((64 - __builtin_clzll(u)) * 1233) >> 12;
        nd = t + (u >= pow10_u64[t]);
    }
    char *e = p + len + nd;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100);
        u /= 100;
        e -= 2;
        memcpy(e, dig2 + 2 * d, 2);
    }
    if (u >= 10) memcpy(e - 2, dig2 + 2 * u, 2);
    else e[-1] = (char)('0' + u);
    return len + nd;
}


static inline void put2(char *p, int v) { p[0] = (char)('0' + v / 10); p[1] = (char)('0' + v % 10); }

/* yyyy-MM-dd'T'HH:mm:ss.SSSXXX in tz; -1 when the year is outside 0..9999
 * (then the general formatter takes it). */
static int fmt_ts_default(int64_t micros, const sm_tz *tz, char *p, csvw_day_cache *dc) {
    int32_t off = sm_tz_offset_at_utc(tz, micros);
    int64_t local = micros + (int64_t)off * SM_MICROS_PER_SECOND;
    int32_t days = sm_micros_to_days(local);
    int64_t tod = local - (int64_t)days * SM_MICROS_PER_DAY;
    if (fmt_day(dc, days, p) != 10) return -1; /* year outside 0..9999 */
    int64_t secs = tod / SM_MICROS_PER_SECOND;
    int ms = (int)((tod % SM_MICROS_PER_SECOND) / 1000);
    p[10] = 'T';
    put2(p + 11, (int)(secs / 3600)); p[13] = ':';
    put2(p + 14, (int)(secs / 60 % 60)); p[16] = ':';
    put2(p + 17, (int)(secs % 60)); p[19] = '.';
    p[20] = (char)('0' + ms / 100); p[21] = (char)('0' + ms / 10 % 10); p[22] = (char)('0' + ms % 10);
    int n = 23;
    if (off == 0) {
        p[n++] = 'Z';
    } else {
        int a = off < 0 ? -off : off;
        p[n++] = off < 0 ? '-' : '+';
        put2(p + n, a / 3600); n += 2;
        p[n++] = ':';
        put2(p + n, a / 60 % 60); n += 2;
        if (a % 60) { p[n++] = ':'; put2(p + n, a % 60); n += 2; }
    }
    return n;
}

/* A TIMESTAMP_NTZ as Spark's CSV writer's default timestampNTZFormat
 * "yyyy-MM-dd'T'HH:mm:ss[.SSS]" prints it (the optional section always
 * printed): 2020-01-01T10:00:00.000. */
static int fmt_ntz_default(int64_t us, char *buf) {
    int32_t day = sm_micros_to_days(us);
    int64_t tod = us - (int64_t)day * SM_MICROS_PER_DAY;
    int n = sm_format_date(day, buf);
    int64_t secs = tod / SM_MICROS_PER_SECOND;
    return n + sprintf(buf + n, "T%02d:%02d:%02d.%03d", (int)(secs / 3600), (int)(secs / 60 % 60),
                       (int)(secs % 60), (int)(tod % SM_MICROS_PER_SECOND / 1000));
}

static int write_value(csv_writer *w, const sm_vector *v, int64_t row, int col) {
    const csvw_rules *r = &w->rules;
    if (sm_vector_is_null(v, row)) return field_slow(r, col, NULL, 0, true, &w->t.out);
    if (r->plain_numbers) {
        /* formatted straight into the output: nothing in them needs quotes */
        sm_buf *o = &w->t.out;
        if (o->len + 64 > o->cap && sm_buf_reserve(o, 64)) return SM_NOMEM;
        char *p = o->data + o->len;
        int n = -1;
        switch (v->type) {
        case SM_INT:
        case SM_TINYINT:
        case SM_SMALLINT: n = fmt_i64(SM_VEC_I32(v)[row], p); break;
        case SM_BIGINT: n = fmt_i64(SM_VEC_I64(v)[row], p); break;
        case SM_DOUBLE: n = sm_format_double(SM_VEC_F64(v)[row], p); break;
        case SM_FLOAT: n = sm_format_float(SM_VEC_F64(v)[row], p); break;
        case SM_DATE:
            if (!w->o->date_fmt) n = fmt_day(&w->days, SM_VEC_I32(v)[row], p);
            break;
        case SM_TIMESTAMP:
            if (!w->o->ts_fmt) n = fmt_ts_default(SM_VEC_I64(v)[row], w->tz, p, &w->days);
            break;
        default: break;
        }
        if (n >= 0) {
            o->len += (size_t)n;
            return SM_OK;
        }
    }
    char buf[64];
    int n;
    switch (v->type) {
    case SM_BOOLEAN:
        return SM_VEC_BOOL(v)[row] ? field(r, col, "true", 4, &w->t.out)
                                   : field(r, col, "false", 5, &w->t.out);
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
        n = fmt_i64(SM_VEC_I32(v)[row], buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_FLOAT:
        n = sm_format_float(SM_VEC_F64(v)[row], buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_TIME: /* Spark 4.1: the time as text (HH:mm:ss[.fraction]) */
        n = sm_format_time(SM_VEC_I64(v)[row], buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_TIMESTAMP_NTZ: /* Spark's default timestampNTZFormat */
        n = fmt_ntz_default(SM_VEC_I64(v)[row], buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_BIGINT:
        n = fmt_i64(SM_VEC_I64(v)[row], buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_DOUBLE:
        n = sm_format_double(SM_VEC_F64(v)[row], buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_DECIMAL: /* Decimal.toString, as Spark's CSV writer */
        n = sm_dec_format(SM_VEC_DEC(v)[row], v->scale, buf);
        return field(r, col, buf, n, &w->t.out);
    case SM_STRING: {
        int32_t len;
        const char *s = sm_vector_str(v, row, &len);
        return field(r, col, s, len, &w->t.out);
    }
    case SM_DATE: {
        int32_t days = SM_VEC_I32(v)[row];
        if (!w->o->date_fmt) {
            n = sm_format_date(days, buf);
            return field(r, col, buf, n, &w->t.out);
        }
        w->tmp.len = 0;
        int rc = sm_dtfmt_format(w->o->date_fmt, (int64_t)days * SM_MICROS_PER_DAY, sm_tz_utc(),
                                 &w->tmp);
        if (rc) return rc;
        return field(r, col, w->tmp.data, (int)w->tmp.len, &w->t.out);
    }
    case SM_TIMESTAMP: {
        int64_t us = SM_VEC_I64(v)[row];
        if (!w->o->ts_fmt && (n = fmt_ts_default(us, w->tz, buf, &w->days)) >= 0)
            return field(r, col, buf, n, &w->t.out);
        w->tmp.len = 0;
        int rc;
        if (w->o->ts_fmt) {
            rc = sm_dtfmt_format(w->o->ts_fmt, us, w->tz, &w->tmp);
        } else {
            sm_dtfmt *f;
            rc = sm_dtfmt_compile(CSVW_DEFAULT_TS, &f);
            if (!rc) {
                rc = sm_dtfmt_format(f, us, w->tz, &w->tmp);
                sm_dtfmt_free(f);
            }
        }
        if (rc) return rc;
        return field(r, col, w->tmp.data, (int)w->tmp.len, &w->t.out);
    }
    case SM_NULLTYPE:
    default:
        return field_slow(r, col, NULL, 0, true, &w->t.out);
    }
}

int csv_writer_write_batch(csv_writer *w, const sm_batch *b) {
    int ncols = b->ncols;
    if (ncols != w->schema->ncols)
        return sm_err(SM_INTERNAL, "writing '%s': batch has %d columns, schema %d", w->t.path,
                      ncols, w->schema->ncols);
    /* String columns: the bytes of rows [0, nrows) are contiguous, so one
     * vectorized scan finds the first special byte of the whole column;
     * every row whose text ends before it skips the per-value scan.
     * clean_end[col] is that offset (-1: not a string column). */
    int64_t clean_small[16], *clean_end = clean_small;
    if (ncols > 16 && !(clean_end = sm_malloc((size_t)ncols * sizeof *clean_end))) return SM_NOMEM;
    for (int col = 0; col < ncols; col++) {
        const sm_vector *v = b->cols[col];
        clean_end[col] = -1;
        if (v->type != SM_STRING || b->nrows == 0) continue;
        const int32_t *off = SM_VEC_OFF(v);
        int64_t lo = off[0], hi = off[b->nrows];
        if (hi < lo) continue;
        clean_end[col] = lo + first_special(&w->rules, v->bytes + lo, hi - lo);
    }
    int rc = SM_OK;
    for (int64_t row = 0; row < b->nrows && rc == SM_OK; row++) {
        for (int col = 0; col < ncols && rc == SM_OK; col++) {
            if (col && (rc = w_sep(w)) != SM_OK) break;
            const sm_vector *v = b->cols[col];
            if (clean_end[col] >= 0 && !sm_vector_is_null(v, row) &&
                SM_VEC_OFF(v)[row + 1] <= clean_end[col]) {
                const int32_t *off = SM_VEC_OFF(v);
                rc = field_clean(&w->rules, col, v->bytes + off[row], off[row + 1] - off[row],
                                 &w->t.out);
                continue;
            }
            rc = write_value(w, v, row, col);
        }
        if (rc != SM_OK) break;
        if ((rc = w_eol(w)) != SM_OK) break;
        rc = fs_textout_maybe_flush(&w->t);
    }
    if (clean_end != clean_small) sm_free(clean_end);
    return rc;
}

int csv_writer_close(csv_writer *w) {
    int rc = fs_textout_close(&w->t);
    sm_buf_free(&w->tmp);
    sm_free(w);
    return rc;
}

void csv_writer_abort(csv_writer *w) {
    if (!w) return;
    fs_textout_abort(&w->t);
    sm_buf_free(&w->tmp);
    sm_free(w);
}
