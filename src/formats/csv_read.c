/*
 * csv_read.c — the CSV tokenizer, value converters, split reader and source.
 *
 * Algorithm.  csv_source_create expands the paths (fs/fs.h), parses the
 * options, decides the schema (user DDL; or the first record's names or
 * _c<i>, typed by csv_infer_types when inferSchema=true, else all strings),
 * and cuts every file into splits of csv_split_bytes (one split per file
 * with multiLine=true).  A reader maps its whole file (mmap is lazy, so this
 * costs address space only), aligns its start to the first record that
 * begins at or after the split start (csv_align_split) and parses every
 * record that *begins* before the split end, reading past the end to finish
 * the last one.  So each line belongs to exactly one split (Hadoop's
 * LineRecordReader rule).
 *
 * The tokenizer emulates univocity's CsvParser with Spark's settings:
 *   1. An unquoted field runs to the separator or the line end; quotes inside
 *      it are literal.  With ignoreLeading/TrailingWhiteSpace, bytes <= ' '
 *      are trimmed (unquoted fields only).
 *   2. A quoted field runs to a closing quote; escape+quote is a quote,
 *      escape+escape an escape (charToEscapeQuoteEscaping defaults to the
 *      escape), escape+other keeps both; with escape == quote, "" is a quote.
 *      Whitespace after the closing quote is ignored.  A closing quote
 *      followed by anything else is an "unescaped quote": Spark's
 *      STOP_AT_DELIMITER handling takes the raw text from the opening quote
 *      through that quote and on to the next separator.  Without multiLine a line end also ends an
 *      open quoted field (Spark splits lines before parsing them).
 *   3. Records end at \n, \r\n or a lone \r (Hadoop's LineReader), or at
 *      lineSep when set.  Lines that are blank after trimming, and comment
 *      lines, are skipped (CSVExprUtils.filterCommentAndEmpty); with
 *      multiLine only empty lines and comments are.
 *   4. A UTF-8 byte order mark at the start of a file is skipped.
 *
 * Conversion (UnivocityParser): an unquoted empty field is null; a quoted
 * empty field is emptyValue; a value equal to nullValue is null.  A record
 * whose token count differs from the schema, or with a value that does not
 * convert, is malformed: PERMISSIVE keeps it (bad values null, the raw text
 * in the corrupt-record column if the schema has one), DROPMALFORMED drops
 * it, FAILFAST fails naming file:line.  Each row is converted into a small
 * array of scalars first and appended only when it is kept, so dropping a
 * row never has to undo appends.
 *
 * Counting.  When column pruning leaves no data column required (count(*)),
 * Spark's UnivocityParser returns an empty row per line without tokenizing
 * it; without multiLine, lines come from Hadoop's LineReader, so quotes do
 * not join lines.  csv_count_rows does the same: it finds line ends with
 * SIMD (\n or \r) and skips blank and comment lines, never splitting fields.
 *
 * Known gap: with multiLine, Spark's univocity detects the first line
 * separator ("\n" in a file with \n lines) and keeps a lone or trailing \r
 * in the value; smelt treats \r as a record end there too.
 *
 * Memory: fields point into the mapped file or into the tokenizer's scratch
 * buffer (escaped quoted fields, reset per record): no per-field malloc.
 * Threading: a source is read-only after create; each reader owns its
 * tokenizer and mapping, so splits are read concurrently.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdatomic.h>
#include <unistd.h>

#include "types/timeofday.h"
#include "types/decimal.h"
#include "common/mem.h"
#include "common/status.h"
#include "formats/csv.h"
#include "formats/csv_fast.h"
#include "fs/fs.h"

int64_t csv_split_bytes = CSV_SPLIT_BYTES_DEFAULT;
int csv_split_ranks = 1;

/* The split size for files of these sizes (csv.h: csv_split_ranks). */
static int64_t csv_split_size(const int64_t *sizes, int n) {
    if (csv_split_ranks <= 1) return csv_split_bytes;
    int64_t total = 0, per = csv_split_bytes * csv_split_ranks;
    for (int i = 0; i < n; i++) total += sizes[i] > 0 ? sizes[i] : 0;
    int64_t k = per > 0 ? (total + per - 1) / per : 1;
    if (k < 1) k = 1;
    int64_t split = (total + k * csv_split_ranks - 1) / (k * csv_split_ranks);
    return split >= (1 << 20) ? split : csv_split_bytes; /* small inputs: a split per file */
}

/* ------------------------------------------------------------------ */
/* tokenizer                                                           */

int csv_tokenizer_init(csv_tokenizer *t, const csv_options *opt) {
    memset(t, 0, sizeof *t);
    t->opt = opt;
    t->special[(unsigned char)opt->sep[0]] = 1;
    if (opt->line_sep) {
        t->special[(unsigned char)opt->line_sep[0]] = 1;
    } else {
        t->special['\n'] = 1;
        t->special['\r'] = 1;
    }
    t->fast_ok = opt->sep_len == 1 && !opt->line_sep && !opt->ignore_leading_ws &&
                 !opt->ignore_trailing_ws && opt->sep[0] != '\n' && opt->sep[0] != '\r';
    t->cap = 16;
    t->fields = sm_malloc((size_t)t->cap * sizeof *t->fields);
    return t->fields ? SM_OK : SM_NOMEM;
}

void csv_tokenizer_free(csv_tokenizer *t) {
    sm_free(t->fields);
    sm_buf_free(&t->scratch);
    memset(t, 0, sizeof *t);
}

/* Length of the record terminator at p (0 when p is not at one). */
static inline int term_len(const csv_options *o, const char *p, const char *end) {
    if (o->line_sep) {
        if (o->line_sep_len == 1) return *p == o->line_sep[0];
        return (end - p >= 2 && p[0] == '\r' && p[1] == '\n') ? 2 : 0;
    }
    if (*p == '\n') return 1;
    if (*p == '\r') return (p + 1 < end && p[1] == '\n') ? 2 : 1;
    return 0;
}

static inline bool at_sep(const csv_options *o, const char *p, const char *end) {
    if (*p != o->sep[0]) return false;
    if (o->sep_len == 1) return true;
    return end - p >= o->sep_len && memcmp(p, o->sep, (size_t)o->sep_len) == 0;
}

static int push_field(csv_tokenizer *t, const char *ptr, int32_t len, uint8_t quoted) {
    if (t->nfields == t->cap) {
        int cap = t->cap * 2;
        csv_field *nf = sm_realloc(t->fields, (size_t)cap * sizeof *nf);
        if (!nf) return SM_NOMEM;
        t->fields = nf;
        t->cap = cap;
    }
    csv_field *f = &t->fields[t->nfields++];
    f->ptr = ptr;
    f->len = len;
    f->quoted = quoted;
    return SM_OK;
}

/* Scans an unquoted field from p; returns the stop position (separator,
 * terminator or end). */
static inline const char *scan_unquoted(csv_tokenizer *t, const char *p, const char *end) {
    const csv_options *o = t->opt;
    for (;;) {
        while (p < end && !t->special[(unsigned char)*p]) p++;
        if (p >= end) return end;
        if (*p == o->sep[0] ? at_sep(o, p, end) : term_len(o, p, end) > 0) return p;
        p++;
    }
}

#if defined(__SSE2__)
#include <emmintrin.h>
/* The common case, 16 bytes at a time: a record with a one-byte separator
 * and the default line ends whose fields are unquoted, or quoted without
 * escapes, doubled quotes or anything but a separator or line end after the
 * closing quote.  Returns false (having pushed nothing that matters) when
 * the record needs the general path: any of those, or the record reaches
 * the last 16 bytes of the input. */
static inline bool fast_push(csv_tokenizer *t, const char *ptr, const char *stop, uint8_t quoted) {
    if (t->nfields < t->cap) {
        csv_field *f = &t->fields[t->nfields++];
        f->ptr = ptr;
        f->len = (int32_t)(stop - ptr);
        f->quoted = quoted;
        return true;
    }
    return push_field(t, ptr, (int32_t)(stop - ptr), quoted) == SM_OK;
}

static const char *csv_find_eol(const char *p, const char *end);

/* Ends the record at the line end from p (stop_after reached): false when
 * there is none before the end of the input (the general path decides). */
static inline bool fast_rest_of_line(csv_tokenizer *t, const char *p, const char *end,
                                     const char **rec_end, const char **next) {
    const char *e = csv_find_eol(p, end);
    if (e >= end) return false;
    *rec_end = e;
    *next = e + term_len(t->opt, e, end);
    return true;
}

static bool fast_record(csv_tokenizer *t, const char *p, const char *end, const char **rec_end,
                        const char **next) {
    const csv_options *o = t->opt;
    const char sc = o->sep[0];
    const __m128i vsep = _mm_set1_epi8(sc);
    const __m128i vnl = _mm_set1_epi8('\n');
    const __m128i vcr = _mm_set1_epi8('\r');
    const bool has_quote = o->quote >= 0;
    const char qc = (char)(has_quote ? o->quote : 0);
    const __m128i vq = _mm_set1_epi8(qc);
    /* inside quotes: the quote, the escape, and (without multiLine) line ends */
    const bool esc_other = o->escape >= 0 && o->escape != o->quote;
    const __m128i vesc = _mm_set1_epi8((char)(esc_other ? o->escape : o->quote));
    const bool ml = o->multiline;
    const char *fstart = p;
    for (;;) {
        if (has_quote && *fstart == qc) {
            const char *q = fstart + 1;
            const char *close = NULL;
            for (; q + 16 <= end; q += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)q);
                __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vesc));
                if (!ml) hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, vnl), _mm_cmpeq_epi8(v, vcr)));
                unsigned m = (unsigned)_mm_movemask_epi8(hit);
                if (m) {
                    close = q + __builtin_ctz(m);
                    break;
                }
            }
            if (!close || *close != qc || close + 1 >= end) return false;
            char a = close[1];
            if (a == sc) {
                if (!fast_push(t, fstart + 1, close, 1)) return false;
                fstart = close + 2;
                if (fstart >= end) return false;
                if (t->nfields == t->stop_after) return fast_rest_of_line(t, fstart, end, rec_end, next);
                continue;
            }
            if (a == '\n' || a == '\r') {
                if (!fast_push(t, fstart + 1, close, 1)) return false;
                *rec_end = close + 1;
                *next = close + 1 + term_len(o, close + 1, end);
                return true;
            }
            return false;
        }
        /* unquoted: to the next separator or line end (quotes are literal) */
        const char *blk = fstart;
        for (;;) {
            if (blk + 16 > end) return false;
            __m128i v = _mm_loadu_si128((const __m128i *)blk);
            __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, vsep),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, vnl), _mm_cmpeq_epi8(v, vcr)));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            bool requote = false;
            while (m) {
                const char *pos = blk + __builtin_ctz(m);
                m &= m - 1;
                if (*pos == sc) {
                    if (!fast_push(t, fstart, pos, 0)) return false;
                    fstart = pos + 1;
                    if (fstart >= end) return false;
                    if (t->nfields == t->stop_after) return fast_rest_of_line(t, fstart, end, rec_end, next);
                    if (has_quote && *fstart == qc) { requote = true; break; }
                } else {
                    if (!fast_push(t, fstart, pos, 0)) return false;
                    *rec_end = pos;
                    *next = pos + term_len(o, pos, end);
                    return true;
                }
            }
            if (requote) break;
            blk += 16;
        }
    }
}
#endif

/* ---- many records at once (csv_tokenize_window) ------------------------
 *
 * fast_record restarts its 16-byte scan at every record and does a field's
 * bookkeeping between blocks.  For runs of plain records the window path
 * scans the input once, 64 bytes a step: two bit masks per block (the
 * separator; CR or LF), then walks the set bits, each one ending a field
 * and, for a line end, the record.  Bits before the current field's start
 * (the LF of a CRLF) are skipped, so blocks need no alignment with records.
 * It takes a record only when every field is unquoted (a field starting
 * with the quote character, or a record starting with a byte <= ' ' or the
 * comment character, stops the window: csv_next_record owns those), and
 * only when the record ends inside a block wholly before `end`; such a
 * record's fields are exactly the general loop's (fast_ok options: one-byte
 * separator, CR / LF / CRLF line ends, no whitespace trimming; quotes and
 * escapes inside unquoted fields are literal).  test_csv_fast compares it
 * with the general loop at every offset. */
static inline __attribute__((always_inline)) uint64_t mask64_sse2(const char *blk, char sc,
                                                                  uint64_t *eol) {
#if defined(__SSE2__)
    const __m128i vs = _mm_set1_epi8(sc), vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');
    uint64_t s = 0, e = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(blk + 16 * k));
        s |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vs)) << (16 * k);
        e |= (uint64_t)(unsigned)_mm_movemask_epi8(
                 _mm_or_si128(_mm_cmpeq_epi8(v, vn), _mm_cmpeq_epi8(v, vr)))
             << (16 * k);
    }
    *eol = e;
    return s;
#else
    uint64_t s = 0, e = 0;
    for (int k = 0; k < 64; k++) {
        s |= (uint64_t)(blk[k] == sc) << k;
        e |= (uint64_t)(blk[k] == '\n' || blk[k] == '\r') << k;
    }
    *eol = e;
    return s;
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CSV_HAVE_AVX2_PATH 1
static inline __attribute__((always_inline, target("avx2"))) uint64_t mask64_avx2(const char *blk,
                                                                                 char sc,
                                                                                 uint64_t *eol) {
    const __m256i vs = _mm256_set1_epi8(sc), vn = _mm256_set1_epi8('\n'), vr = _mm256_set1_epi8('\r');
    __m256i a = _mm256_loadu_si256((const __m256i *)blk);
    __m256i b = _mm256_loadu_si256((const __m256i *)(blk + 32));
    uint64_t s = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, vs)) |
                 (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, vs)) << 32;
    *eol = (uint64_t)(uint32_t)_mm256_movemask_epi8(
               _mm256_or_si256(_mm256_cmpeq_epi8(a, vn), _mm256_cmpeq_epi8(a, vr))) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(
               _mm256_or_si256(_mm256_cmpeq_epi8(b, vn), _mm256_cmpeq_epi8(b, vr)))
               << 32;
    return s;
}
#endif

/* Which masks csv_tokenize_window uses: -1 not chosen yet (AVX2 when the
 * CPU has it, checked once), 0 SSE2 (or portable C), 1 AVX2.  Tests set
 * it to run both. */
int csv_window_simd = -1;

#define WINDOW_RECORDS(MASK, STOP)                                                                   \
    const csv_options *o = t->opt;                                                               \
    const char sc = o->sep[0];                                                                   \
    const int qc = o->quote, cc = o->comment;                                                    \
    int rows = 0;                                                                                \
    *next = p;                                                                                   \
    if (max <= 0 || p >= stop) return 0;                                                         \
    unsigned char c0 = (unsigned char)*p;                                                        \
    if (c0 <= ' ' || (int)c0 == cc || (int)c0 == qc) return 0;                                  \
    const char *fs = p;                                                                          \
    csv_field *w = win;                                                                          \
    int fi = 0;                                                                                  \
    bool to_eol = false; /* stop_after fields taken: only the line end matters */              \
    for (const char *blk = p; blk + 64 <= end; blk += 64) {                                      \
        uint64_t eol, sep = MASK(blk, sc, &eol);                                                 \
        uint64_t m = to_eol ? eol : sep | eol;                                                   \
        /* bits before the field start (a CRLF's LF) are not boundaries */                       \
        if (fs > blk) m &= fs - blk >= 64 ? 0 : ~0ULL << (fs - blk);                             \
        while (m) {                                                                              \
            int i = __builtin_ctzll(m);                                                          \
            m &= m - 1;                                                                          \
            const char *pos = blk + i;                                                           \
            if (fi < ncols && !to_eol) {                                                         \
                w[fi].ptr = fs;                                                                  \
                w[fi].len = (int32_t)(pos - fs);                                                 \
                w[fi].quoted = 0;                                                                \
            }                                                                                    \
            fi += !to_eol;                                                                       \
            if (!((eol >> i) & 1)) {                                                             \
                fs = pos + 1;                                                                    \
                /* a trailing separator at the end, or a quoted field: general path */          \
                if (fs >= end) return rows;                                                      \
                if (STOP && fi == stop_after) {                                                  \
                    to_eol = true;                                                               \
                    m &= eol;                                                                    \
                    continue;                                                                    \
                }                                                                                \
                if ((int)(unsigned char)*fs == qc) return rows;                                  \
                continue;                                                                        \
            }                                                                                    \
            /* the record ends at pos */                                                         \
            for (int c = fi; c < ncols; c++) w[c] = (csv_field){NULL, 0, 0};                     \
            if (nfields) nfields[rows] = fi;                                                     \
            const char *nx = pos + 1;                                                            \
            if (*pos == '\r' && nx < end && *nx == '\n') {                                       \
                nx++;                                                                            \
                m &= m - 1; /* the LF's bit (none left when the LF is in the next block) */      \
            }                                                                                    \
            rows++;                                                                              \
            *next = nx;                                                                          \
            if (rows == max || nx >= stop) return rows;                                          \
            c0 = (unsigned char)*nx;                                                             \
            if (c0 <= ' ' || (int)c0 == cc || (int)c0 == qc) return rows;                        \
            fs = nx;                                                                             \
            w += ncols;                                                                          \
            fi = 0;                                                                              \
            if (STOP && to_eol) { /* this block's separators after the line end count again */  \
                m |= sep & ((~0ULL << i) << 1);                                                  \
                to_eol = false;                                                                  \
            }                                                                                    \
        }                                                                                        \
    }                                                                                            \
    return rows;

/* Each twice: with stop_after (STOP 1) and without (the checks compiled
 * out of the per-field loop). */
static int window_sse2(const csv_tokenizer *t, const char *p, const char *stop, const char *end,
                       int ncols, int stop_after, csv_field *win, int32_t *nfields, int max,
                       const char **next) {
    WINDOW_RECORDS(mask64_sse2, 0)
}

static int window_sse2_stop(const csv_tokenizer *t, const char *p, const char *stop, const char *end,
                            int ncols, int stop_after, csv_field *win, int32_t *nfields, int max,
                            const char **next) {
    WINDOW_RECORDS(mask64_sse2, 1)
}

#ifdef CSV_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static int window_avx2(const csv_tokenizer *t, const char *p,
                                                       const char *stop, const char *end, int ncols,
                                                       int stop_after, csv_field *win,
                                                       int32_t *nfields, int max, const char **next) {
    WINDOW_RECORDS(mask64_avx2, 0)
}

__attribute__((target("avx2"))) static int window_avx2_stop(const csv_tokenizer *t, const char *p,
                                                            const char *stop, const char *end,
                                                            int ncols, int stop_after, csv_field *win,
                                                            int32_t *nfields, int max,
                                                            const char **next) {
    WINDOW_RECORDS(mask64_avx2, 1)
}
#endif

int csv_tokenize_window(const csv_tokenizer *t, const char *p, const char *stop, const char *end,
                        int ncols, csv_field *win, int32_t *nfields, int max, const char **next) {
    if (!t->fast_ok || t->opt->multiline) {
        *next = p;
        return 0;
    }
    /* stop_after (csv_tokenizer): after that many fields the record ends
     * at the line end, as in fast_record; -1 when unset */
    int sa = t->stop_after > 0 && t->stop_after <= ncols ? t->stop_after : -1;
#ifdef CSV_HAVE_AVX2_PATH
    int w = __atomic_load_n(&csv_window_simd, __ATOMIC_RELAXED);
    if (w < 0) {
        __builtin_cpu_init();
        w = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&csv_window_simd, w, __ATOMIC_RELAXED);
    }
    if (w == 1)
        return sa > 0 ? window_avx2_stop(t, p, stop, end, ncols, sa, win, nfields, max, next)
                      : window_avx2(t, p, stop, end, ncols, sa, win, nfields, max, next);
#endif
    return sa > 0 ? window_sse2_stop(t, p, stop, end, ncols, sa, win, nfields, max, next)
                  : window_sse2(t, p, stop, end, ncols, sa, win, nfields, max, next);
}

/* Marker in csv_field.ptr for fields stored in scratch: the offset is kept
 * in len's high part until the record is complete (scratch may move). */
typedef struct { int32_t off, len; } scratch_ref;

int csv_next_record(csv_tokenizer *t, const char *p, const char *end, const char **rec_end,
                    const char **next, bool *skip) {
    const csv_options *o = t->opt;
    t->nfields = 0;
    t->scratch.len = 0;
    *skip = false;
    const char *start = p;

    /* Comment and blank lines. */
    if (o->comment >= 0 && (unsigned char)*p == (unsigned)o->comment) {
        while (p < end && !term_len(o, p, end)) p++;
        *rec_end = p;
        *next = p < end ? p + term_len(o, p, end) : end;
        *skip = true;
        return SM_OK;
    }
    int tl = term_len(o, p, end);
    if (tl) {
        *rec_end = p;
        *next = p + tl;
        *skip = true;
        return SM_OK;
    }
    if (!o->multiline && (unsigned char)*p <= ' ') {
        const char *q = p;
        while (q < end && (unsigned char)*q <= ' ' && !term_len(o, q, end)) q++;
        if (q >= end || term_len(o, q, end)) {
            *rec_end = q;
            *next = q < end ? q + term_len(o, q, end) : end;
            *skip = true;
            return SM_OK;
        }
    }

#if defined(__SSE2__)
    if (t->fast_ok) {
        if (fast_record(t, p, end, rec_end, next)) return SM_OK;
        t->nfields = 0;
    }
#endif
    /* Scratch-held fields, fixed up at the end. */
    int nscratch_fields = 0;
    for (;;) {
        const char *fstart = p;
        if (o->ignore_leading_ws) {
            while (p < end && (unsigned char)*p <= ' ' && !t->special[(unsigned char)*p]) p++;
        }
        if (o->quote >= 0 && p < end && (unsigned char)*p == (unsigned)o->quote) {
            const char *qpos = p;
            const char *q = p + 1;
            const char *seg = q; /* start of not-yet-copied content */
            bool copying = false;
            size_t sc_start = t->scratch.len;
            bool closed = false, raw = false;
            const char *content_end = NULL;
            while (q < end) {
                unsigned char c = (unsigned char)*q;
                if (o->escape >= 0 && c == (unsigned)o->escape && o->escape != o->quote &&
                    q + 1 < end &&
                    ((unsigned char)q[1] == (unsigned)o->quote || (unsigned char)q[1] == (unsigned)o->escape)) {
                    if (sm_buf_append(&t->scratch, seg, (size_t)(q - seg)) ||
                        sm_buf_putc(&t->scratch, q[1]))
                        return SM_NOMEM;
                    copying = true;
                    q += 2;
                    seg = q;
                    continue;
                }
                if (c == (unsigned)o->quote) {
                    if (o->escape == o->quote && q + 1 < end && (unsigned char)q[1] == (unsigned)o->quote) {
                        if (sm_buf_append(&t->scratch, seg, (size_t)(q - seg + 1))) return SM_NOMEM;
                        copying = true;
                        q += 2;
                        seg = q;
                        continue;
                    }
                    content_end = q;
                    const char *a = q + 1;
                    while (a < end && (*a == ' ' || *a == '\t') && !at_sep(o, a, end)) a++;
                    if (a >= end || at_sep(o, a, end) || term_len(o, a, end)) {
                        p = a;
                        closed = true;
                    } else {
                        raw = true;
                    }
                    break;
                }
                if (!o->multiline && t->special[c] && c != (unsigned char)o->sep[0] && term_len(o, q, end)) {
                    break; /* line ends inside the quotes */
                }
                q++;
            }
            if (raw) {
                /* univocity keeps what it read and continues from the
                 * unescaped quote to the next separator. */
                p = scan_unquoted(t, content_end + 1, end);
                const char *fe = p;
                if (o->ignore_trailing_ws)
                    while (fe > fstart && (unsigned char)fe[-1] <= ' ') fe--;
                t->scratch.len = sc_start;
                if (push_field(t, qpos, (int32_t)(fe - qpos), 0)) return SM_NOMEM;
            } else {
                if (!closed) {
                    content_end = q;
                    p = q;
                }
                if (copying) {
                    if (sm_buf_append(&t->scratch, seg, (size_t)(content_end - seg))) return SM_NOMEM;
                    /* ptr = NULL marks a scratch field; len carries length,
                     * the offset goes into a side slot below. */
                    if (push_field(t, NULL, (int32_t)(t->scratch.len - sc_start), 1)) return SM_NOMEM;
                    t->fields[t->nfields - 1].ptr = (const char *)(uintptr_t)sc_start;
                    t->fields[t->nfields - 1].quoted = 2;
                    nscratch_fields++;
                } else {
                    if (push_field(t, seg, (int32_t)(content_end - seg), 1)) return SM_NOMEM;
                }
            }
        } else {
            const char *fs = p;
            p = scan_unquoted(t, p, end);
            const char *fe = p;
            if (o->ignore_trailing_ws)
                while (fe > fs && (unsigned char)fe[-1] <= ' ') fe--;
            if (push_field(t, fs, (int32_t)(fe - fs), 0)) return SM_NOMEM;
        }
        if (p < end && at_sep(o, p, end)) {
            p += o->sep_len;
            if (p >= end) { /* trailing separator at end of data: one more empty field */
                if (push_field(t, p, 0, 0)) return SM_NOMEM;
                break;
            }
            continue;
        }
        break;
    }
    *rec_end = p;
    *next = p < end ? p + term_len(o, p, end) : end;
    if (*next == p && p < end) *next = p + 1; /* defensive: always advance */
    (void)start;
    if (nscratch_fields) {
        for (int i = 0; i < t->nfields; i++) {
            if (t->fields[i].quoted == 2) {
                t->fields[i].ptr = t->scratch.data + (uintptr_t)t->fields[i].ptr;
                t->fields[i].quoted = 1;
            }
        }
    }
    return SM_OK;
}

int64_t csv_align_split(const csv_options *o, const char *data, int64_t len, int64_t pos) {
    if (pos <= 0) return 0;
    if (pos >= len) return len;
    if (o->line_sep) {
        int n = o->line_sep_len;
        for (int64_t q = pos; q < len; q++) {
            if (q >= n && memcmp(data + q - n, o->line_sep, (size_t)n) == 0) return q;
        }
        return len;
    }
    /* Hadoop's rule: a line starts after \n, or after a \r not followed by \n. */
    for (int64_t q = pos; q < len; q++) {
        char c = data[q - 1];
        if (c == '\n') return q;
        if (c == '\r' && data[q] != '\n') return q;
    }
    return len;
}

bool csv_field_text(const csv_options *o, const csv_field *f, const char **s, int32_t *n) {
    return csv_field_text_inline(o, f, s, n);
}

/* ------------------------------------------------------------------ */
/* converters                                                          */

static inline __attribute__((always_inline)) bool parse_i64(const char *s, int32_t n, int64_t *out) {
    if (n <= 0) return false;
    int32_t i = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
        if (n == 1) return false;
    }
    uint64_t v = 0;
    if (n - i <= 18) { /* cannot overflow: no per-digit range check */
        for (; i < n; i++) {
            unsigned d = (unsigned char)s[i] - '0';
            if (d > 9) return false;
            v = v * 10 + d;
        }
        *out = neg ? -(int64_t)v : (int64_t)v;
        return true;
    }
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9) return false;
        if (v > (lim - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool csv_parse_int64(const char *s, int32_t n, int64_t *out) { return parse_i64(s, n, out); }

bool csv_parse_int32(const char *s, int32_t n, int32_t *out) {
    int64_t v;
    if (n > 12 || !parse_i64(s, n, &v)) return false;
    if (v < INT32_MIN || v > INT32_MAX) return false;
    *out = (int32_t)v;
    return true;
}

bool csv_parse_bool(const char *s, int32_t n, bool *out) {
    if (n == 4 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'u' &&
        (s[3] | 0x20) == 'e') { *out = true; return true; }
    if (n == 5 && (s[0] | 0x20) == 'f' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'l' &&
        (s[3] | 0x20) == 's' && (s[4] | 0x20) == 'e') { *out = false; return true; }
    return false;
}

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Java's Double.parseDouble grammar (after Spark's NaN/Inf spellings). */
bool csv_parse_double(const csv_options *o, const char *s, int32_t n, double *out) {
    if (n <= o->special_max_len) { /* (first bytes compared before memcmp) */
        if (o->nan_len == n && (n == 0 || s[0] == o->nan_value[0]) &&
            memcmp(s, o->nan_value, (size_t)n) == 0) { *out = NAN; return true; }
        if (o->pos_inf_len == n && (n == 0 || s[0] == o->pos_inf[0]) &&
            memcmp(s, o->pos_inf, (size_t)n) == 0) { *out = INFINITY; return true; }
        if (o->neg_inf_len == n && (n == 0 || s[0] == o->neg_inf[0]) &&
            memcmp(s, o->neg_inf, (size_t)n) == 0) { *out = -INFINITY; return true; }
    }
    /* The common spelling first, [-]digits[.digits] (csv_fast.h): what
     * the general loop below computes for it, with one test per byte. */
    if (csv_fast_f64_inline(s, n, out)) return true;
    /* String.trim */
    while (n > 0 && (unsigned char)*s <= ' ') { s++; n--; }
    while (n > 0 && (unsigned char)s[n - 1] <= ' ') n--;
    if (n == 0) return false;
    int32_t i = 0;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; i = 1; }
    if (n - i == 3 && memcmp(s + i, "NaN", 3) == 0) { *out = NAN; return true; }
    if (n - i == 8 && memcmp(s + i, "Infinity", 8) == 0) { *out = neg ? -INFINITY : INFINITY; return true; }
    int32_t body_end = n;
    if (s[n - 1] == 'f' || s[n - 1] == 'F' || s[n - 1] == 'd' || s[n - 1] == 'D') body_end = n - 1;
    bool hex = body_end - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
    if (!hex) {
        /* Validate and try the exact fast path. */
        uint64_t mant = 0;
        int ndig = 0, exp10 = 0, mdigits = 0;
        bool seen_dot = false, overflow = false;
        int32_t k = i;
        for (; k < body_end; k++) {
            char c = s[k];
            if (c >= '0' && c <= '9') {
                ndig++;
                if (mdigits < 19) {
                    if (mant || c != '0') mdigits++;
                    mant = mant * 10 + (uint64_t)(c - '0');
                    if (seen_dot) exp10--;
                } else {
                    overflow = true;
                    if (!seen_dot) exp10++;
                }
            } else if (c == '.' && !seen_dot) {
                seen_dot = true;
            } else {
                break;
            }
        }
        if (ndig == 0) return false;
        if (k < body_end) {
            if (s[k] != 'e' && s[k] != 'E') return false;
            k++;
            int esign = 1;
            if (k < body_end && (s[k] == '+' || s[k] == '-')) { esign = s[k] == '-' ? -1 : 1; k++; }
            if (k >= body_end) return false;
            int ev = 0;
            for (; k < body_end; k++) {
                if (s[k] < '0' || s[k] > '9') return false;
                if (ev < 100000) ev = ev * 10 + (s[k] - '0');
            }
            exp10 += esign * ev;
        }
        if (!overflow && mant <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
            double d = (double)mant;
            d = exp10 < 0 ? d / pow10_tab[-exp10] : d * pow10_tab[exp10];
            *out = neg ? -d : d;
            return true;
        }
    } else {
        /* Java requires the binary exponent in hex literals. */
        bool has_p = false;
        for (int32_t k = i; k < body_end; k++) if (s[k] == 'p' || s[k] == 'P') has_p = true;
        if (!has_p) return false;
    }
    char stackbuf[128];
    char *buf = stackbuf;
    if (body_end >= (int32_t)sizeof stackbuf) {
        buf = sm_malloc((size_t)body_end + 1);
        if (!buf) return false;
    }
    memcpy(buf, s, (size_t)body_end);
    buf[body_end] = '\0';
    char *endp;
    double d = strtod(buf, &endp);
    bool ok = endp == buf + body_end;
    if (buf != stackbuf) sm_free(buf);
    if (!ok) return false;
    *out = d;
    return true;
}

/* ------------------------------------------------------------------ */
/* reader                                                              */

typedef struct {
    sm_reader base;
    const csv_scan *scan;
    int split;
    sm_fs_map map;
    char *latin_buf;      /* transcoded range (latin1 input) */
    const char *data;     /* file bytes (or transcoded range) */
    int64_t data_len;
    const char *pos, *stop, *end; /* next record, split end, data end */
    int64_t file_base;    /* file offset of data[0] */
    bool header_pending;
    bool done;
    csv_tokenizer tok;
    sm_value *vals;
    csv_split_cache *cache; /* taken from the scan: served once r->pos reaches r->stop */
    int64_t *str_bytes;     /* per output column: string bytes of the last batch */
    uint8_t *kind;          /* per data column: CK_* (how it converts) */
    uint8_t *isnull;        /* per data column: the current row's value is null */
    /* Records tokenized ahead by csv_tokenize_window (line mode, no corrupt
     * column, not FAILFAST): records win_i..win_n-1 of win (ndata_cols
     * fields each) are next, and the one after them starts at win_next.
     * win_off > 0: the window declined; that many records go one by one
     * before it is tried again. */
    csv_field *win;
    int32_t *win_nf;
    int win_n, win_i, win_off;
    const char *win_next;
} csv_reader;

#define READER_WIN_ROWS 256

/* How a data column converts (csv_reader_next): written straight into its
 * vector (STR .. DATE), through sm_value (GEN), or not at all (SKIP). */
enum { CK_SKIP, CK_STR, CK_I64, CK_I32, CK_DEC, CK_DATE, CK_TS, CK_F64, CK_GEN };

/* Line number (1-based) of the record starting at file offset `off`. */
/* ISO-8859-1 → UTF-8 of s[0..n): every byte >= 0x80 becomes two bytes.
 * Returns an sm_malloc'd buffer (one spare byte) with *end after the last
 * byte written, or NULL. */
static char *latin1_to_utf8(const char *s, int64_t n, char **end) {
    int64_t extra = 0;
    for (int64_t i = 0; i < n; i++) extra += (unsigned char)s[i] >> 7;
    char *buf = sm_malloc((size_t)(n + extra + 1));
    if (!buf) return NULL;
    char *w = buf;
    for (int64_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) *w++ = (char)c;
        else { *w++ = (char)(0xC0 | (c >> 6)); *w++ = (char)(0x80 | (c & 0x3F)); }
    }
    *end = w;
    return buf;
}

static int64_t line_number_at(const csv_scan *scan, int file, int64_t off) {
    sm_fs_map m;
    if (sm_fs_map_range(scan->files[file], 0, off, &m) != SM_OK) return 0;
    int64_t lines = 1;
    for (int64_t i = 0; i < m.len; i++) {
        if (m.data[i] == '\n') lines++;
        else if (m.data[i] == '\r' && (i + 1 >= m.len || m.data[i + 1] != '\n')) lines++;
    }
    sm_fs_unmap(&m);
    return lines;
}

static int csv_reader_open_data(csv_reader *r) {
    const csv_scan *scan = r->scan;
    const csv_split *sp = &scan->splits[r->split];
    const char *path = scan->files[sp->file];
    SM_TRY(sm_fs_map_range(path, 0, -1, &r->map));
    const char *d = r->map.data;
    int64_t len = r->map.len;
    int64_t start = scan->opt.multiline ? 0 : csv_align_split(&scan->opt, d, len, sp->start);
    int64_t stop = scan->opt.multiline ? len : csv_align_split(&scan->opt, d, len, sp->end);
    if (sp->end >= len) stop = len;
    if (start == 0 && len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        start = 3;
    r->header_pending = scan->opt.header && sp->start == 0;
    if (scan->opt.latin1) {
        /* Record boundaries were found on the raw bytes (they are ASCII). */
        char *w;
        char *buf = latin1_to_utf8(d + start, stop - start, &w);
        if (!buf) return sm_err(SM_NOMEM, "out of memory transcoding %s", path);
        r->latin_buf = buf;
        r->data = buf;
        r->data_len = w - buf;
        r->pos = buf;
        r->stop = r->end = w;
        r->file_base = start; /* approximate for line numbers */
        return SM_OK;
    }
    r->data = d;
    r->data_len = len;
    r->pos = d + start;
    r->stop = d + stop;
    r->end = d + len;
    r->file_base = 0;
    return SM_OK;
}

static int malformed_failfast(csv_reader *r, const char *rec, const char *rec_end) {
    const csv_scan *scan = r->scan;
    int file = scan->splits[r->split].file;
    int64_t off = r->file_base + (rec - r->data);
    int64_t line = r->latin_buf ? 0 : line_number_at(scan, file, off);
    int shown = (int)(rec_end - rec);
    if (shown > 200) shown = 200;
    return sm_err(SM_MALFORMED,
                  "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected "
                  "in record parsing: file:%s:%lld: [%.*s]. Parse Mode: FAILFAST. To process "
                  "malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.",
                  scan->files[file], (long long)line, shown, rec);
}

/* A DECIMAL field as Spark's CSV parser reads it (en-US): java.math.
 * BigDecimal of the text with ',' removed, set to the column's scale HALF_UP;
 * more digits than the precision is a malformed value. */
static bool convert_decimal(const sm_field *f, const char *s, int32_t n, sm_value *v) {
    char buf[128];
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++) {
        if (s[i] == ',') continue;
        if (k == (int32_t)sizeof buf) return false;
        buf[k++] = s[i];
    }
    __int128 u;
    if (sm_dec_parse(buf, (size_t)k, f->scale, &u) != 0 || !sm_dec_fits(u, f->precision))
        return false;
    v->is_null = false;
    v->type = SM_DECIMAL;
    v->precision = f->precision;
    v->scale = f->scale;
    v->v.dec = u;
    return true;
}

/* Converts field text into vals[col]; false when it does not convert. */
static bool convert(const csv_scan *scan, sm_type type, const char *s, int32_t n, sm_value *v) {
    const csv_options *o = &scan->opt;
    v->is_null = false;
    switch (type) {
    case SM_STRING:
        v->v.str.ptr = s;
        v->v.str.len = n;
        return true;
    case SM_INT:
        return csv_parse_int32(s, n, &v->v.i32);
    case SM_TINYINT:
    case SM_SMALLINT: { /* Spark: toByte / toShort of the integer text */
        int32_t lim = type == SM_TINYINT ? 127 : 32767;
        return csv_parse_int32(s, n, &v->v.i32) && v->v.i32 <= lim && v->v.i32 >= -lim - 1;
    }
    case SM_FLOAT: /* Float.parseFloat: the nearest float */
        if (!csv_parse_double(o, s, n, &v->v.f64)) return false;
        v->v.f64 = (double)(float)v->v.f64;
        return true;
    case SM_TIME: /* Spark 4.1: the CAST rules of string → time */
        return sm_parse_time(s, n, 6, &v->v.i64);
    case SM_TIMESTAMP_NTZ:
        if (scan->ts_fmt) return sm_dtfmt_parse(scan->ts_fmt, s, n, sm_tz_utc(), &v->v.i64);
        return csv_fast_ts(s, n, &v->v.i64) || sm_parse_timestamp_ntz(s, n, false, &v->v.i64);
    case SM_BIGINT:
        return csv_parse_int64(s, n, &v->v.i64);
    case SM_DOUBLE:
        return csv_parse_double(o, s, n, &v->v.f64);
    case SM_BOOLEAN: {
        bool b;
        if (!csv_parse_bool(s, n, &b)) return false;
        v->v.b = b;
        return true;
    }
    case SM_DATE:
        if (scan->date_fmt) {
            int64_t us;
            if (!sm_dtfmt_parse(scan->date_fmt, s, n, sm_tz_utc(), &us)) return false;
            v->v.i32 = sm_micros_to_days(us);
            return true;
        }
        return csv_fast_date(s, n, &v->v.i32) || sm_parse_date(s, n, &v->v.i32);
    case SM_TIMESTAMP:
        if (scan->ts_fmt) return sm_dtfmt_parse(scan->ts_fmt, s, n, scan->tz, &v->v.i64);
        if (scan->tz_utc && csv_fast_ts(s, n, &v->v.i64)) return true;
        return sm_parse_timestamp(s, n, scan->tz, &v->v.i64);
    case SM_NULLTYPE:
        v->is_null = true;
        return true;
    default:
        return false;
    }
}

static int append_value(sm_vector *vec, const sm_value *v) {
    if (v->is_null) return sm_vector_append_null(vec);
    switch (vec->type) {
    case SM_STRING: return sm_vector_append_str(vec, v->v.str.ptr, v->v.str.len);
    case SM_INT:
    case SM_TINYINT:
    case SM_SMALLINT:
    case SM_DATE: return sm_vector_append_i32(vec, v->v.i32);
    case SM_BIGINT:
    case SM_TIMESTAMP_NTZ:
    case SM_TIME:
    case SM_TIMESTAMP: return sm_vector_append_i64(vec, v->v.i64);
    case SM_FLOAT:
    case SM_DOUBLE: return sm_vector_append_f64(vec, v->v.f64);
    case SM_BOOLEAN: return sm_vector_append_bool(vec, v->v.b);
    case SM_DECIMAL: return sm_vector_append_value(vec, v);
    default: return sm_vector_append_null(vec);
    }
}

bool csv_convert_field(const csv_scan *scan, sm_type type, const char *s, int32_t n,
                       sm_value *v) {
    return convert(scan, type, s, n, v);
}

int csv_append_value(sm_vector *vec, const sm_value *v) { return append_value(vec, v); }

void csv_split_cache_free(csv_split_cache *c) {
    if (!c) return;
    for (int i = c->next; i < c->nbatches; i++) sm_batch_free(c->batches[i]);
    sm_free(c->batches);
    sm_free(c);
}

int64_t csv_cache_limit(void) {
    const char *env = getenv("SMELT_CSV_CACHE_MEMORY");
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (end != env && v >= 0) return (int64_t)v;
    }
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psz <= 0) return (int64_t)1 << 30;
    return (int64_t)pages * psz / 4;
}

/* The next batch parsed during inference (csv_infer.c), pruned as this
 * scan reads: columns it does not require become all-null vectors. */
static int csv_cache_next(csv_reader *r, sm_batch **out) {
    const csv_scan *scan = r->scan;
    csv_split_cache *c = r->cache;
    *out = NULL;
    if (c->next >= c->nbatches) {
        csv_split_cache_free(c);
        r->cache = NULL;
        r->done = true;
        return SM_OK;
    }
    sm_batch *b = c->batches[c->next++];
    for (int i = 0; scan->pruned && i < b->ncols; i++) {
        if (!scan->out_skip[i]) continue;
        sm_vector *nv = sm_vector_new_nulls(scan->schema->fields[i].type, b->nrows);
        if (!nv) {
            sm_batch_free(b);
            return sm_err(SM_NOMEM, "out of memory reading CSV");
        }
        sm_vector_unref(b->cols[i]);
        b->cols[i] = nv;
    }
    *out = b;
    return SM_OK;
}

/* First \n or \r in [p, end), or end. */
static const char *csv_find_eol(const char *p, const char *end) {
#if defined(__SSE2__)
    const __m128i vnl = _mm_set1_epi8('\n'), vcr = _mm_set1_epi8('\r');
    for (; p + 16 <= end; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v, vnl), _mm_cmpeq_epi8(v, vcr)));
        if (m) return p + __builtin_ctz(m);
    }
#endif
    while (p < end && *p != '\n' && *p != '\r') p++;
    return p;
}

/* Counts up to max rows from r->pos without tokenizing: the path for a scan
 * that requires no column (count(*)).  Spark's UnivocityParser.parse returns
 * an empty row for every line without parsing it when column pruning leaves
 * no required column, and without multiLine the lines come from Hadoop's
 * LineReader (quotes do not join lines) after filterCommentAndEmpty.  So a
 * row is every line that is not blank after trimming and not a comment;
 * lines starting with a byte <= ' ' or the comment character go through the
 * tokenizer's own skip rules. */
static int csv_count_rows(csv_reader *r, int64_t max, int64_t *rows_out) {
    const csv_options *o = &r->scan->opt;
    int64_t rows = 0;
    while (rows < max && r->pos < r->stop) {
        const char *p = r->pos, *next;
        unsigned char c0 = (unsigned char)*p;
        if (c0 <= ' ' || (o->comment >= 0 && c0 == (unsigned)o->comment)) {
            const char *rec_end;
            bool skip;
            int rc = csv_next_record(&r->tok, p, r->end, &rec_end, &next, &skip);
            if (rc) return rc == SM_NOMEM ? sm_err(SM_NOMEM, "out of memory parsing CSV") : rc;
            r->pos = next;
            if (skip) continue;
        } else {
            const char *e = csv_find_eol(p, r->end);
            r->pos = e < r->end ? e + term_len(o, e, r->end) : r->end;
        }
        if (r->header_pending) { r->header_pending = false; continue; }
        rows++;
    }
    *rows_out = rows;
    return SM_OK;
}

/* How each data column converts (CK_*), from the scan's types and the
 * columns it requires (set_required); computed per batch. */
static void csv_reader_kinds(csv_reader *r) {
    const csv_scan *scan = r->scan;
    const bool *req = scan->pruned ? scan->data_required : NULL;
    for (int i = 0; i < scan->ndata_cols; i++) {
        const sm_field *f = &scan->schema->fields[scan->data_to_out[i]];
        uint8_t k = CK_GEN;
        if (req && !req[i]) k = CK_SKIP;
        else if (f->type == SM_STRING) k = CK_STR;
        else if (f->type == SM_BIGINT) k = CK_I64;
        else if (f->type == SM_INT) k = CK_I32;
        else if (f->type == SM_DECIMAL) k = CK_DEC;
        else if (f->type == SM_DATE && !scan->date_fmt) k = CK_DATE;
        else if (f->type == SM_TIMESTAMP && !scan->ts_fmt) k = CK_TS;
        else if (f->type == SM_DOUBLE) k = CK_F64;
        r->kind[i] = k;
    }
}

static int csv_reader_next(sm_reader *base, sm_batch **out) {
    csv_reader *r = (csv_reader *)base;
    const csv_scan *scan = r->scan;
    const sm_schema *schema = scan->schema;
    *out = NULL;
    if (r->done) return SM_OK;
    if (r->cache && r->pos >= r->stop) return csv_cache_next(r, out);
    int ncols = schema->ncols;
    sm_batch *b = sm_batch_new(ncols, 0);
    if (!b) return sm_err(SM_NOMEM, "out of memory reading CSV");
    /* Pruned: unrequired columns stay NULL here and become all-null
     * vectors once the row count is known. */
    const bool *req = scan->pruned ? scan->data_required : NULL;
    const bool *skip_out = scan->pruned ? scan->out_skip : NULL;
    for (int c = 0; c < ncols; c++) {
        if (skip_out && skip_out[c]) continue;
        b->cols[c] = sm_vector_new(schema->fields[c].type, SM_BATCH_ROWS);
        if (!b->cols[c]) { sm_batch_free(b); return sm_err(SM_NOMEM, "out of memory reading CSV"); }
        b->cols[c]->precision = schema->fields[c].precision; /* DECIMAL */
        b->cols[c]->scale = schema->fields[c].scale;
        /* strings: room for as many bytes as the last batch had, so the
         * byte buffer does not grow by doubling (realloc copies) */
        if (r->str_bytes && r->str_bytes[c] > 0 &&
            sm_vector_reserve_bytes(b->cols[c], r->str_bytes[c] + r->str_bytes[c] / 8) != SM_OK) {
            sm_batch_free(b);
            return sm_err(SM_NOMEM, "out of memory reading CSV");
        }
    }
    int64_t rows = 0;
    int rc = SM_OK;
    int nd = scan->ndata_cols;
    csv_reader_kinds(r);
    /* line mode with pruned columns: the SIMD path stops after the last
     * required field (Spark selects the required tokens only; the record
     * ends at the line end either way without multiLine) */
    r->tok.stop_after = 0;
    if (req && !scan->opt.multiline && !scan->opt.line_sep && scan->corrupt_index < 0) {
        for (int i = nd - 1; i >= 0; i--)
            if (req[i]) { r->tok.stop_after = i + 1; break; }
        if (r->tok.stop_after >= nd) r->tok.stop_after = 0;
    }
    if (scan->count_only) rc = csv_count_rows(r, SM_BATCH_ROWS, &rows);
    /* the window: plain records tokenized many at a time; rec / rec_end
     * are not kept for them, so not with a corrupt-record column or
     * FAILFAST (which show the record) */
    bool use_win = !scan->count_only && r->tok.fast_ok && !scan->opt.multiline && nd > 0 &&
                   scan->corrupt_index < 0 && scan->opt.mode != CSV_FAILFAST;
    if (use_win && (!r->win || !r->win_nf)) {
        sm_free(r->win);
        sm_free(r->win_nf);
        r->win = sm_malloc((size_t)READER_WIN_ROWS * nd * sizeof *r->win);
        r->win_nf = sm_malloc(READER_WIN_ROWS * sizeof *r->win_nf);
        if (!r->win || !r->win_nf) {
            sm_free(r->win);
            sm_free(r->win_nf);
            r->win = NULL;
            r->win_nf = NULL;
            sm_batch_free(b);
            return sm_err(SM_NOMEM, "out of memory reading CSV");
        }
    }
    r->win_n = r->win_i = 0;
    while (!scan->count_only && rows < SM_BATCH_ROWS && r->pos < r->stop) {
        const char *rec = r->pos, *rec_end = r->pos, *next;
        bool skip;
        const csv_field *flds;
        int nflds;
        if (use_win && r->win_i == r->win_n && r->win_off == 0 && !r->header_pending) {
            int max = SM_BATCH_ROWS - (int)rows < READER_WIN_ROWS ? SM_BATCH_ROWS - (int)rows : READER_WIN_ROWS;
            r->win_n = csv_tokenize_window(&r->tok, r->pos, r->stop, r->end, nd, r->win, r->win_nf, max,
                                           &r->win_next);
            r->win_i = 0;
            if (r->win_n == 0) r->win_off = 64;
        }
        if (r->win_i < r->win_n) {
            /* the window's next record (r->pos moves past the window with
             * its last record) */
            flds = r->win + (size_t)r->win_i * nd;
            nflds = r->win_nf[r->win_i];
            if (++r->win_i == r->win_n) r->pos = r->win_next;
            goto have_fields;
        }
        if (r->win_off > 0) r->win_off--;
#if defined(__SSE2__)
        /* the common record (not blank, not a comment) straight to the
         * SIMD path; anything it declines goes through csv_next_record */
        unsigned char c0 = (unsigned char)*rec;
        if (r->tok.fast_ok && c0 > ' ' && (int)c0 != scan->opt.comment) {
            r->tok.nfields = 0;
            r->tok.scratch.len = 0;
            if (fast_record(&r->tok, rec, r->end, &rec_end, &next)) {
                skip = false;
                goto have_record;
            }
        }
#endif
        rc = csv_next_record(&r->tok, rec, r->end, &rec_end, &next, &skip);
        if (rc) { if (rc == SM_NOMEM) sm_err(SM_NOMEM, "out of memory parsing CSV"); break; }
#if defined(__SSE2__)
    have_record:
#endif
        r->pos = next;
        if (skip) continue;
        if (r->header_pending) { r->header_pending = false; continue; }
        flds = r->tok.fields;
        nflds = r->tok.nfields;
    have_fields:;
        /* Pruned, Spark's parser selects the required fields only: a wrong
         * field count is no longer seen, and only required fields convert.
         * Columns of the common kinds are written straight into slot `rows`
         * of their vector and committed (length, null bit, string bytes)
         * only when the row is kept; the rest go through vals[]. */
        bool bad = !req && nflds != nd;
        const uint8_t *kind = r->kind;
        uint8_t *isnull = r->isnull;
        for (int i = 0; i < nd; i++) {
            int k = kind[i];
            if (k == CK_SKIP) continue;
            sm_vector *vec = b->cols[scan->data_to_out[i]];
            const char *s;
            int32_t n;
            bool ok = i < nflds && csv_field_text_inline(&scan->opt, &flds[i], &s, &n);
            isnull[i] = !ok;
            switch (k) {
            case CK_STR: {
                /* bytes of kept rows end at off[rows]; bytes_len is set
                 * once the batch is complete */
                int32_t *off = SM_VEC_OFF(vec);
                int32_t o0 = off[rows];
                if (!ok) { off[rows + 1] = o0; break; }
                if (o0 + (int64_t)n > vec->bytes_cap) {
                    vec->bytes_len = o0;
                    if ((rc = sm_vector_reserve_bytes(vec, n))) break;
                }
                if (n > 0) memcpy(vec->bytes + o0, s, (size_t)n);
                off[rows + 1] = o0 + n;
                break;
            }
            case CK_I64: {
                int64_t x = 0;
                if (ok && !parse_i64(s, n, &x)) { x = 0; isnull[i] = 1; bad = true; }
                SM_VEC_I64(vec)[rows] = x;
                break;
            }
            case CK_I32: {
                int32_t x = 0;
                if (ok && !csv_fast_i32_inline(s, n, &x) && !csv_parse_int32(s, n, &x)) {
                    x = 0;
                    isnull[i] = 1;
                    bad = true;
                }
                SM_VEC_I32(vec)[rows] = x;
                break;
            }
            case CK_DEC: {
                __int128 x = 0;
                int64_t x64;
                if (ok) {
                    if (csv_fast_dec(s, n, vec->precision, vec->scale, &x64)) {
                        x = x64;
                    } else {
                        sm_value dv;
                        if (convert_decimal(&schema->fields[scan->data_to_out[i]], s, n, &dv)) {
                            x = dv.v.dec;
                        } else {
                            isnull[i] = 1;
                            bad = true;
                        }
                    }
                }
                SM_VEC_DEC(vec)[rows] = x;
                break;
            }
            case CK_DATE: {
                int32_t x = 0;
                if (ok && !csv_fast_date_inline(s, n, &x) && !sm_parse_date(s, n, &x)) {
                    x = 0;
                    isnull[i] = 1;
                    bad = true;
                }
                SM_VEC_I32(vec)[rows] = x;
                break;
            }
            case CK_TS: {
                int64_t x = 0;
                if (ok && !(scan->tz_utc && csv_fast_ts_inline(s, n, &x)) &&
                    !sm_parse_timestamp(s, n, scan->tz, &x)) {
                    x = 0;
                    isnull[i] = 1;
                    bad = true;
                }
                SM_VEC_I64(vec)[rows] = x;
                break;
            }
            case CK_F64: {
                double x = 0;
                if (ok && !csv_parse_double(&scan->opt, s, n, &x)) { x = 0; isnull[i] = 1; bad = true; }
                SM_VEC_F64(vec)[rows] = x;
                break;
            }
            default: {
                sm_value *v = &r->vals[i];
                if (!ok) { v->is_null = true; break; }
                sm_type ty = schema->fields[scan->data_to_out[i]].type;
                const sm_field *fld = &schema->fields[scan->data_to_out[i]];
                if (ty == SM_DECIMAL ? !convert_decimal(fld, s, n, v) : !convert(scan, ty, s, n, v)) {
                    v->is_null = true;
                    bad = true;
                }
            }
            }
            if (rc) break;
        }
        if (rc) { if (rc == SM_NOMEM) sm_err(SM_NOMEM, "out of memory parsing CSV"); break; }
        if (bad) {
            if (scan->opt.mode == CSV_DROPMALFORMED) continue;
            if (scan->opt.mode == CSV_FAILFAST) { rc = malformed_failfast(r, rec, rec_end); break; }
        }
        /* commit: null bits, and the columns that go through sm_value
         * (direct columns get their lengths when the batch is complete) */
        for (int i = 0; i < nd && rc == SM_OK; i++) {
            int k = kind[i];
            if (k == CK_SKIP || (k != CK_GEN && !isnull[i])) continue;
            sm_vector *vec = b->cols[scan->data_to_out[i]];
            if (k == CK_GEN) rc = append_value(vec, &r->vals[i]);
            else rc = sm_vector_set_null(vec, rows);
        }
        if (rc == SM_OK && scan->corrupt_index >= 0) {
            sm_vector *cv = b->cols[scan->corrupt_index];
            rc = bad ? sm_vector_append_str(cv, rec, (int32_t)(rec_end - rec)) : sm_vector_append_null(cv);
        }
        if (rc) break;
        rows++;
    }
    for (int i = 0; i < nd && !scan->count_only; i++) {
        int k = r->kind[i];
        if (k == CK_SKIP || k == CK_GEN) continue;
        sm_vector *vec = b->cols[scan->data_to_out[i]];
        vec->length = rows;
        if (k == CK_STR) vec->bytes_len = SM_VEC_OFF(vec)[rows];
    }
    for (int c = 0; rc == SM_OK && skip_out && c < ncols; c++) {
        if (!skip_out[c]) continue;
        b->cols[c] = sm_vector_new_nulls(schema->fields[c].type, rows);
        if (!b->cols[c]) { rc = sm_err(SM_NOMEM, "out of memory reading CSV"); break; }
        b->cols[c]->precision = schema->fields[c].precision;
        b->cols[c]->scale = schema->fields[c].scale;
    }
    if (rc) { sm_batch_free(b); return rc; }
    if (r->pos >= r->stop && !r->cache) r->done = true;
    if (rows == 0) {
        sm_batch_free(b);
        return r->cache ? csv_cache_next(r, out) : SM_OK;
    }
    for (int c = 0; r->str_bytes && c < ncols; c++)
        if (b->cols[c] && b->cols[c]->type == SM_STRING) r->str_bytes[c] = b->cols[c]->bytes_len;
    b->nrows = rows;
    *out = b;
    return SM_OK;
}

static void csv_reader_close(sm_reader *base) {
    csv_reader *r = (csv_reader *)base;
    if (!r) return;
    csv_tokenizer_free(&r->tok);
    sm_fs_unmap(&r->map);
    sm_free(r->latin_buf);
    sm_free(r->vals);
    sm_free(r->str_bytes);
    sm_free(r->kind);
    sm_free(r->isnull);
    sm_free(r->win);
    sm_free(r->win_nf);
    csv_split_cache_free(r->cache);
    sm_free(r);
}

static int csv_open(sm_source *s, int split, sm_reader **out) {
    csv_scan *scan = s->impl;
    *out = NULL;
    if (split < 0 || split >= scan->nsplits) return sm_err(SM_INVALID, "CSV split %d out of range", split);
    csv_reader *r = sm_calloc(1, sizeof *r);
    if (!r) return sm_err(SM_NOMEM, "out of memory opening a CSV split");
    r->base.next = csv_reader_next;
    r->base.close = csv_reader_close;
    r->scan = scan;
    r->split = split;
    r->vals = sm_calloc((size_t)(scan->ndata_cols + 1), sizeof *r->vals);
    if (!r->vals || csv_tokenizer_init(&r->tok, &scan->opt) != SM_OK) {
        csv_reader_close(&r->base);
        return sm_err(SM_NOMEM, "out of memory opening a CSV split");
    }
    r->str_bytes = sm_calloc((size_t)scan->schema->ncols + 1, sizeof *r->str_bytes);
    r->kind = sm_calloc((size_t)scan->ndata_cols + 1, 1);
    r->isnull = sm_calloc((size_t)scan->ndata_cols + 1, 1);
    int rc = r->str_bytes && r->kind && r->isnull ? csv_reader_open_data(r)
                                                  : sm_err(SM_NOMEM, "out of memory opening a CSV split");
    if (rc) { csv_reader_close(&r->base); return rc; }
    /* Rows parsed during inference: read up to where they start, then
     * serve them (csv_cache_next).  Taken once; later readers parse. */
    if (scan->cache && !scan->opt.latin1 && !r->latin_buf) {
        csv_split_cache *c = atomic_exchange(&scan->cache[split], NULL);
        if (c && r->data + c->start >= r->pos && r->data + c->start <= r->stop) {
            r->stop = r->data + c->start;
            r->cache = c;
        } else {
            csv_split_cache_free(c);
        }
    }
    *out = &r->base;
    return SM_OK;
}

/* ------------------------------------------------------------------ */
/* source                                                              */

static void csv_scan_free(csv_scan *scan) {
    if (!scan) return;
    csv_options_free(&scan->opt);
    if (scan->date_fmt) sm_dtfmt_free(scan->date_fmt);
    if (scan->ts_fmt) sm_dtfmt_free(scan->ts_fmt);
    for (int i = 0; i < scan->nfiles; i++) sm_free(scan->files[i]);
    sm_free(scan->files);
    sm_free(scan->sizes);
    sm_free(scan->splits);
    sm_free(scan->data_to_out);
    sm_free(scan->data_required);
    sm_free(scan->out_skip);
    if (scan->cache) {
        for (int i = 0; i < scan->nsplits; i++) csv_split_cache_free(scan->cache[i]);
        sm_free((void *)scan->cache);
    }
    if (scan->schema) sm_schema_free(scan->schema);
    sm_free(scan);
}

/* source->set_required: which data columns to convert (plan/prune.c).
 * Reading the corrupt-record column needs every field converted (it holds
 * the row when any field is bad), so requiring it requires all columns. */
static int csv_set_required(sm_source *s, const bool *required) {
    csv_scan *scan = s->impl;
    int nd = scan->ndata_cols, ncols = scan->schema->ncols;
    if (!scan->data_required) {
        scan->data_required = sm_calloc((size_t)(nd ? nd : 1), sizeof *scan->data_required);
        scan->out_skip = sm_calloc((size_t)(ncols ? ncols : 1), sizeof *scan->out_skip);
        if (!scan->data_required || !scan->out_skip) {
            sm_free(scan->data_required);
            sm_free(scan->out_skip);
            scan->data_required = NULL;
            scan->out_skip = NULL;
            scan->pruned = false;
            return sm_err(SM_NOMEM, "out of memory pruning CSV columns");
        }
    }
    bool all = scan->corrupt_index >= 0 && required[scan->corrupt_index];
    bool pruned = false;
    for (int c = 0; c < ncols; c++) scan->out_skip[c] = false;
    for (int i = 0; i < nd; i++) {
        bool req = all || required[scan->data_to_out[i]];
        scan->data_required[i] = req;
        scan->out_skip[scan->data_to_out[i]] = !req;
        if (!req) pruned = true;
    }
    scan->pruned = pruned;
    /* No column required: rows are counted, not tokenized (csv_count_rows).
     * Only for line-based reading with the default line ends; multiLine
     * and lineSep keep the tokenizer. */
    bool any = false;
    for (int i = 0; i < nd; i++) any = any || scan->data_required[i];
    scan->count_only = pruned && !any && !scan->opt.multiline && !scan->opt.line_sep;
    return SM_OK;
}

static void csv_source_free(sm_source *s) {
    if (!s) return;
    csv_scan_free(s->impl);
    sm_free(s->description);
    sm_free(s);
}

/* Tokens of the first record of the first file that has one (header or
 * first data row); *ntok = 0 when every file is empty.  Names are copied
 * into `names` (sm_malloc'd array of sm_malloc'd strings, NULL = null). */
static int first_record(csv_scan *scan, char ***names, int *ntok) {
    *names = NULL;
    *ntok = 0;
    for (int f = 0; f < scan->nfiles; f++) {
        sm_fs_map m;
        SM_TRY(sm_fs_map_range(scan->files[f], 0, -1, &m));
        const char *d = m.data, *end = m.data + m.len;
        const char *p = d;
        char *tbuf = NULL;
        if (m.len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB && (unsigned char)d[2] == 0xBF) p += 3;
        if (scan->opt.latin1) {
            /* Transcode the whole file (header detection only needs the
             * first record, but records may be long). */
            char *w;
            tbuf = latin1_to_utf8(p, end - p, &w);
            if (!tbuf) { sm_fs_unmap(&m); return sm_err(SM_NOMEM, "out of memory"); }
            p = tbuf;
            end = w;
        }
        csv_tokenizer t;
        int rc = csv_tokenizer_init(&t, &scan->opt);
        bool found = false;
        while (rc == SM_OK && p < end) {
            const char *re, *nx;
            bool skip;
            rc = csv_next_record(&t, p, end, &re, &nx, &skip);
            if (rc) break;
            p = nx;
            if (skip) continue;
            found = true;
            break;
        }
        if (rc == SM_OK && found) {
            char **nm = sm_calloc((size_t)t.nfields + 1, sizeof *nm);
            if (!nm) rc = SM_NOMEM;
            for (int i = 0; rc == SM_OK && i < t.nfields; i++) {
                const char *s;
                int32_t n;
                if (csv_field_text(&scan->opt, &t.fields[i], &s, &n) && n > 0) {
                    nm[i] = sm_strndup(s, (size_t)n);
                    if (!nm[i]) rc = SM_NOMEM;
                }
            }
            if (rc == SM_OK) { *names = nm; *ntok = t.nfields; }
            else if (nm) { for (int i = 0; i < t.nfields; i++) sm_free(nm[i]); sm_free(nm); }
        }
        csv_tokenizer_free(&t);
        sm_free(tbuf);
        sm_fs_unmap(&m);
        if (rc) return rc == SM_NOMEM ? sm_err(SM_NOMEM, "out of memory reading the CSV header") : rc;
        if (found) return SM_OK;
    }
    return SM_OK;
}

/* Spark's CSVUtils header naming: blank/null names become _c<i>;
 * case-insensitive duplicates get their index appended. */
static int make_names(char **raw, int n, bool header, char ***out) {
    char **names = sm_calloc((size_t)n + 1, sizeof *names);
    if (!names) return SM_NOMEM;
    for (int i = 0; i < n; i++) {
        const char *v = header ? raw[i] : NULL;
        char buf[32];
        if (!v) {
            snprintf(buf, sizeof buf, "_c%d", i);
            names[i] = sm_strdup(buf);
        } else {
            bool dup = false;
            for (int j = 0; j < n && !dup; j++)
                if (j != i && raw[j] && strcasecmp(raw[j], v) == 0) dup = true;
            if (dup) {
                size_t l = strlen(v);
                names[i] = sm_malloc(l + 16);
                if (names[i]) snprintf(names[i], l + 16, "%s%d", v, i);
            } else {
                names[i] = sm_strdup(v);
            }
        }
        if (!names[i]) {
            for (int j = 0; j < i; j++) sm_free(names[j]);
            sm_free(names);
            return SM_NOMEM;
        }
    }
    *out = names;
    return SM_OK;
}




static int csv_split_file(sm_source *s, int split, int *file, int64_t *bytes) {
    const csv_scan *scan = s->impl;
    if (split < 0 || split >= scan->nsplits) return sm_err(SM_INTERNAL, "csv: no split %d", split);
    *file = scan->splits[split].file;
    *bytes = scan->splits[split].end - scan->splits[split].start;
    /* a compressed file (end INT64_MAX) weighs its file size, as Spark packs it */
    if (*bytes < 0 || scan->splits[split].end == INT64_MAX) *bytes = scan->sizes[*file];
    return SM_OK;
}

static int csv_create(const char *const *paths, int npaths, sm_fs_list *given,
                      const char *const *options_kv, const char *schema_ddl, const sm_tz *tz,
                      sm_pool *pool, sm_source **out);

int csv_source_create(const char *const *paths, int npaths, const char *const *options_kv,
                      const char *schema_ddl, const sm_tz *tz, sm_pool *pool, sm_source **out) {
    return csv_create(paths, npaths, NULL, options_kv, schema_ddl, tz, pool, out);
}

int csv_source_create_list(sm_fs_list *files, const char *const *options_kv, const char *schema_ddl,
                           const sm_tz *tz, sm_pool *pool, sm_source **out) {
    return csv_create(NULL, 0, files, options_kv, schema_ddl, tz, pool, out);
}

static int csv_create(const char *const *paths, int npaths, sm_fs_list *given,
                      const char *const *options_kv, const char *schema_ddl, const sm_tz *tz,
                      sm_pool *pool, sm_source **out) {
    *out = NULL;
    csv_scan *scan = sm_calloc(1, sizeof *scan);
    if (!scan) { sm_fs_list_free(given); return sm_err(SM_NOMEM, "out of memory creating a CSV source"); }
    int rc = csv_options_parse(options_kv, &scan->opt);
    if (rc) { sm_free(scan); sm_fs_list_free(given); return rc; }
    scan->tz = tz ? tz : sm_tz_utc();
    scan->tz_utc = scan->tz == sm_tz_utc() || strcmp(sm_tz_name(scan->tz), "UTC") == 0;
    scan->corrupt_index = -1;
    if (scan->opt.date_format && (rc = sm_dtfmt_compile(scan->opt.date_format, &scan->date_fmt)))
        { sm_err_prefix(rc, "CSV option dateFormat: "); sm_fs_list_free(given); goto fail; }
    if (scan->opt.timestamp_format && (rc = sm_dtfmt_compile(scan->opt.timestamp_format, &scan->ts_fmt)))
        { sm_err_prefix(rc, "CSV option timestampFormat: "); sm_fs_list_free(given); goto fail; }

    sm_fs_list fl;
    if (given) fl = *given;
    else if ((rc = sm_fs_expand(paths, npaths, &fl))) goto fail;
    scan->files = sm_calloc((size_t)fl.nfiles + 1, sizeof *scan->files);
    scan->sizes = sm_calloc((size_t)fl.nfiles + 1, sizeof *scan->sizes);
    if (!scan->files || !scan->sizes) { sm_fs_list_free(&fl); rc = SM_NOMEM; goto nomem; }
    scan->nfiles = fl.nfiles; /* only now: csv_scan_free walks files[0..nfiles) */
    for (int i = 0; i < fl.nfiles; i++) {
        scan->files[i] = fl.files[i].path; /* take ownership */
        scan->sizes[i] = fl.files[i].size;
    }
    sm_free(fl.files);
    sm_fs_order_like_spark(scan->files, scan->sizes, scan->nfiles);
    if ((rc = sm_fs_text_splits(scan->files, scan->sizes, scan->nfiles, csv_split_size(scan->sizes, scan->nfiles),
                                scan->opt.multiline, &scan->splits, &scan->nsplits)))
        goto nomem;

    if (schema_ddl && *schema_ddl) {
        sm_schema *user;
        if ((rc = sm_schema_parse_ddl(schema_ddl, &user))) goto fail;
        scan->schema = user;
        int ci = -1;
        for (int c = 0; c < user->ncols; c++)
            if (strcmp(user->fields[c].name, scan->opt.corrupt_col) == 0) ci = c;
        if (ci >= 0 && user->fields[ci].type != SM_STRING) {
            rc = sm_err(SM_ANALYSIS,
                        "The field for corrupt records must be string type and nullable: column %s is %s",
                        user->fields[ci].name, sm_type_name(user->fields[ci].type));
            goto fail;
        }
        scan->corrupt_index = ci;
        scan->ndata_cols = user->ncols - (ci >= 0);
        scan->data_to_out = sm_calloc((size_t)user->ncols + 1, sizeof(int));
        if (!scan->data_to_out) { rc = SM_NOMEM; goto nomem; }
        for (int c = 0, d = 0; c < user->ncols; c++)
            if (c != ci) scan->data_to_out[d++] = c;
    } else {
        if (scan->nfiles == 0) {
            rc = sm_err(SM_ANALYSIS, "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV. "
                                     "It must be specified manually.");
            goto fail;
        }
        char **raw = NULL, **names = NULL;
        int n = 0;
        if ((rc = first_record(scan, &raw, &n))) goto fail;
        rc = make_names(raw, n, scan->opt.header, &names);
        if (raw) { for (int i = 0; i < n; i++) sm_free(raw[i]); sm_free(raw); }
        if (rc) goto nomem;
        sm_type *types = sm_calloc((size_t)n + 1, sizeof *types);
        scan->data_to_out = sm_calloc((size_t)n + 1, sizeof(int));
        scan->schema = sm_schema_new(n);
        if (!types || !scan->data_to_out || !scan->schema) rc = SM_NOMEM;
        scan->ndata_cols = n;
        if (rc == SM_OK && scan->opt.infer_schema && n > 0) rc = csv_infer_types(scan, pool, n, types);
        for (int i = 0; rc == SM_OK && i < n; i++) {
            sm_type ty = scan->opt.infer_schema ? types[i] : SM_STRING;
            if (ty == SM_NULLTYPE) ty = SM_STRING; /* Spark: all-null columns are strings */
            rc = sm_schema_set(scan->schema, i, names[i], ty, true);
            scan->data_to_out[i] = i;
        }
        for (int i = 0; i < n; i++) sm_free(names[i]);
        sm_free(names);
        sm_free(types);
        if (rc == SM_NOMEM) goto nomem;
        if (rc) goto fail;
    }

    sm_source *src = sm_calloc(1, sizeof *src);
    if (!src) { rc = SM_NOMEM; goto nomem; }
    src->format = "csv";
    src->schema = scan->schema;
    src->nsplits = scan->nsplits;
    src->open = csv_open;
    src->set_required = csv_set_required;
    src->split_file = csv_split_file;
    src->free = csv_source_free;
    src->impl = scan;
    src->description = sm_fs_describe_files("csv", scan->files, scan->nfiles, scan->nsplits);
    *out = src;
    return SM_OK;
nomem:
    if (sm_errcode() != SM_NOMEM) sm_err(SM_NOMEM, "out of memory creating a CSV source");
    rc = SM_NOMEM;
fail:
    csv_scan_free(scan);
    return rc;
}
