/*
 * test_csv_fast.c — the CSV reader's fast paths against its general ones.
 *
 *   - the SIMD record tokenizer (quoted fields included) against the byte
 *     loop (fast_ok = false) on generated records whose quotes, escapes,
 *     separators and CR/LF land on every offset of a 16-byte block, and on
 *     a few pinned records;
 *   - csv_fast_date against sm_parse_date on every date 0001-01-01 ..
 *     9999-12-31 and on invalid spellings;
 *   - csv_fast_dec against sm_dec_parse + the precision check.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"
#include "formats/csv_fast.h"
#include "test.h"
#include "types/datetime.h"
#include "types/decimal.h"

/* Tokenizes data[0..len) record by record with and without the fast path;
 * returns the number of mismatches (printing the first). */
static int diff_tokenize(const csv_options *o, const char *data, size_t len) {
    csv_tokenizer a, b;
    if (csv_tokenizer_init(&a, o) || csv_tokenizer_init(&b, o)) return 1;
    b.fast_ok = false;
    const char *p = data, *end = data + len;
    int bad = 0;
    while (p < end && !bad) {
        const char *ra, *na, *rb, *nb;
        bool sa, sb;
        if (csv_next_record(&a, p, end, &ra, &na, &sa) || csv_next_record(&b, p, end, &rb, &nb, &sb)) {
            bad++;
            break;
        }
        if (ra != rb || na != nb || sa != sb || a.nfields != b.nfields) {
            bad++;
        } else {
            for (int i = 0; i < a.nfields; i++) {
                if (a.fields[i].len != b.fields[i].len || a.fields[i].quoted != b.fields[i].quoted ||
                    memcmp(a.fields[i].ptr, b.fields[i].ptr, (size_t)a.fields[i].len) != 0)
                    bad++;
            }
        }
        if (bad)
            fprintf(stderr, "  mismatch at offset %d: [%.*s]\n", (int)(p - data),
                    (int)(end - p < 60 ? end - p : 60), p);
        p = na;
    }
    csv_tokenizer_free(&a);
    csv_tokenizer_free(&b);
    return bad;
}

static uint64_t rng_state = 88172645463325252ULL;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

/* Random CSV text: fields of letters, sometimes quoted, with quotes,
 * escapes, separators, spaces, CR, LF and CRLF placed anywhere. */
static size_t gen_csv(char *buf, size_t cap) {
    size_t n = 0;
    while (n + 400 < cap) {
        int nf = 1 + (int)(rnd() % 6);
        for (int f = 0; f < nf; f++) {
            int len = (int)(rnd() % 40);
            bool quoted = rnd() % 2;
            if (quoted) buf[n++] = '"';
            for (int i = 0; i < len; i++) {
                uint32_t r = rnd() % 100;
                char c = (char)('a' + r % 26);
                if (r < 3) c = '"';
                else if (r < 5) c = '\\';
                else if (r < 7 && quoted) c = ',';
                else if (r < 8 && quoted) c = '\n';
                else if (r < 9) c = ' ';
                buf[n++] = c;
            }
            if (quoted) buf[n++] = '"';
            if (quoted && rnd() % 10 == 0) buf[n++] = ' ';
            if (f + 1 < nf) buf[n++] = ',';
        }
        uint32_t e = rnd() % 4;
        if (e == 0) { buf[n++] = '\r'; buf[n++] = '\n'; }
        else if (e == 1) buf[n++] = '\r';
        else buf[n++] = '\n';
    }
    return n;
}

static void check_options(const char *const *kv, int rounds) {
    csv_options o;
    CHECK_OK(csv_options_parse(kv, &o));
    static char buf[1 << 16];
    for (int r = 0; r < rounds; r++) {
        size_t n = gen_csv(buf, sizeof buf);
        CHECK_INT(diff_tokenize(&o, buf, n), 0);
    }
    csv_options_free(&o);
}

TEST(csv_fast_tokenizer_matches_general_default) {
    const char *kv[] = {NULL};
    check_options(kv, 40);
}

TEST(csv_fast_tokenizer_matches_general_multiline) {
    const char *kv[] = {"multiLine", "true", NULL};
    check_options(kv, 40);
}

TEST(csv_fast_tokenizer_matches_general_quote_escape) {
    const char *kv[] = {"escape", "\"", NULL};
    check_options(kv, 40);
}

TEST(csv_fast_tokenizer_matches_general_no_quote) {
    const char *kv[] = {"quote", "", NULL};
    check_options(kv, 20);
}

/* Every shift of one record against the 16-byte blocks: a quoted field
 * whose closing quote, separator or CRLF straddles a block edge. */
TEST(csv_fast_tokenizer_quoted_at_block_edges) {
    csv_options o;
    const char *kv[] = {NULL};
    CHECK_OK(csv_options_parse(kv, &o));
    csv_tokenizer t;
    CHECK_OK(csv_tokenizer_init(&t, &o));
    char buf[256];
    for (int shift = 0; shift < 40; shift++) {
        int n = 0;
        for (int i = 0; i < shift; i++) buf[n++] = 'x';
        n += sprintf(buf + n, ",\"a,b\",\"\",c,\"q\"\r\nnext,line,with,enough,bytes,after,it\n");
        const char *re, *nx;
        bool skip;
        CHECK_OK(csv_next_record(&t, buf, buf + n, &re, &nx, &skip));
        CHECK(!skip);
        CHECK_INT(t.nfields, 5);
        if (t.nfields != 5) continue;
        CHECK_INT(t.fields[0].len, shift);
        CHECK_INT(t.fields[1].len, 3);
        CHECK(memcmp(t.fields[1].ptr, "a,b", 3) == 0);
        CHECK_INT(t.fields[1].quoted, 1);
        CHECK_INT(t.fields[2].len, 0);
        CHECK_INT(t.fields[2].quoted, 1);
        CHECK_INT(t.fields[3].len, 1);
        CHECK_INT(t.fields[3].quoted, 0);
        CHECK_INT(t.fields[4].len, 1);
        CHECK(t.fields[4].ptr[0] == 'q');
        CHECK(re[0] == '\r' && nx[0] == 'n');
        CHECK_INT(diff_tokenize(&o, buf, (size_t)n), 0);
    }
    csv_tokenizer_free(&t);
    csv_options_free(&o);
}

TEST(csv_fast_date_matches_parse_date) {
    char s[48];
    int mismatches = 0;
    for (int y = 1; y <= 9999 && mismatches < 5; y += (y < 2100 ? 1 : 7)) {
        for (int m = 0; m <= 13; m++) {
            for (int d = 0; d <= 32; d++) {
                snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
                int32_t a = 0, b = 0;
                bool fa = csv_fast_date(s, 10, &a);
                bool fb = sm_parse_date(s, 10, &b);
                /* the fast path may decline, never disagree */
                if (fa && (!fb || a != b)) {
                    if (mismatches++ < 5) fprintf(stderr, "  %s: fast %d, general %d (%d)\n", s, a, b, fb);
                }
                if (!fa && fb && m >= 1 && m <= 12 && d >= 1) {
                    if (mismatches++ < 5) fprintf(stderr, "  %s declined\n", s);
                }
            }
        }
    }
    CHECK_INT(mismatches, 0);
    const char *odd[] = {"2020-1-05x", "2020/01/05", "+020-01-05", "2020-01-5 ", " 2020-01-5",
                         "0000-01-01", "2020-02-30", "1900-02-29", "2000-02-29", "20a0-01-01"};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        int32_t a = 0, b = 0;
        bool fa = csv_fast_date(odd[i], 10, &a);
        bool fb = sm_parse_date(odd[i], 10, &b);
        CHECK(!fa || (fb && a == b));
    }
    int32_t x;
    CHECK(csv_fast_date("2000-02-29", 10, &x) && x == 11016);
    CHECK(!csv_fast_date("1900-02-29", 10, &x));
    CHECK(csv_fast_date("1970-01-01", 10, &x) && x == 0);
}

TEST(csv_fast_dec_matches_dec_parse) {
    const char *cases[] = {"0", "1", "-1", "21168.23", "0.04", "-0.00", "123.4", "5.", ".5", "+5",
                           "1.234", "999999999999999.99", "9999999999999999.99", "1e3", "1,000",
                           "", "-", "1.2.3", "00012.50", "123456789012345678", "1234567890123456789",
                           "-999999999999999999", "12a", " 1", "1 "};
    int precs[] = {15, 3, 18, 38, 10};
    int scales[] = {2, 0, 2, 4, 10};
    for (size_t k = 0; k < sizeof precs / sizeof *precs; k++) {
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            const char *s = cases[i];
            int32_t n = (int32_t)strlen(s);
            int64_t a;
            __int128 b;
            bool fa = csv_fast_dec(s, n, precs[k], scales[k], &a);
            bool fb = sm_dec_parse(s, (size_t)n, scales[k], &b) == 0 && sm_dec_fits(b, precs[k]);
            if (fa && (!fb || (__int128)a != b)) {
                fprintf(stderr, "  %s (%d,%d): fast %lld\n", s, precs[k], scales[k], (long long)a);
                CHECK(false);
            }
        }
    }
    int64_t v;
    CHECK(csv_fast_dec("21168.23", 8, 15, 2, &v) && v == 2116823);
    CHECK(csv_fast_dec("-3.5", 4, 15, 2, &v) && v == -350);
    CHECK(!csv_fast_dec("1234.5", 6, 5, 2, &v)); /* 123450 does not fit DECIMAL(5,2) */
    CHECK(csv_fast_dec("123.45", 6, 5, 2, &v) && v == 12345);
    CHECK(!csv_fast_dec("1.234", 5, 15, 2, &v)); /* needs rounding: general path */
}

TEST(csv_fast_ts_matches_parse_timestamp) {
    const char *cases[] = {"2023-06-11 19:07:44", "2023-06-11T19:07:44", "1970-01-01 00:00:00",
                           "1969-12-31 23:59:59", "2000-02-29 12:00:00", "1900-02-29 12:00:00",
                           "2023-06-11 24:00:00", "2023-06-11 23:60:00", "2023-06-11 23:00:60",
                           "2023-06-11x19:07:44", "2023-6-11 19:07:44 ", "0001-01-01 00:00:00",
                           "9999-12-31 23:59:59", "2023-06-11 19:07:4a"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t a = 0, b = 0;
        int32_t n = (int32_t)strlen(cases[i]);
        bool fa = csv_fast_ts(cases[i], n, &a);
        bool fb = sm_parse_timestamp(cases[i], n, sm_tz_utc(), &b);
        if (fa && (!fb || a != b)) {
            fprintf(stderr, "  %s: fast %lld general %lld\n", cases[i], (long long)a, (long long)b);
            CHECK(false);
        }
    }
    int64_t x;
    CHECK(csv_fast_ts("2023-06-11 19:07:44", 19, &x) && x == 1686510464000000LL);
    CHECK(csv_fast_ts("1969-12-31 23:59:59", 19, &x) && x == -1000000LL);
}

/* stop_after: the SIMD path ends the record at the line end once it has
 * the fields it needs, quotes or not after them. */
TEST(csv_fast_tokenizer_stop_after) {
    csv_options o;
    const char *kv[] = {NULL};
    CHECK_OK(csv_options_parse(kv, &o));
    csv_tokenizer t;
    CHECK_OK(csv_tokenizer_init(&t, &o));
    t.stop_after = 2;
    for (int shift = 0; shift < 40; shift++) {
        char buf[256];
        int n = 0;
        for (int i = 0; i < shift; i++) buf[n++] = 'x';
        int rec_len = n + sprintf(buf + n, ",\"b\",\"c,\nd\",e");
        n = rec_len + sprintf(buf + rec_len, "\r\nnext,line,with,enough,bytes,after,it\n");
        const char *re, *nx;
        bool skip;
        CHECK_OK(csv_next_record(&t, buf, buf + n, &re, &nx, &skip));
        CHECK(t.nfields >= 2);
        CHECK_INT(t.fields[0].len, shift);
        CHECK_INT(t.fields[1].len, 1);
        CHECK(t.fields[1].ptr[0] == 'b');
        /* without multiLine the line end inside the quotes ends the record */
        CHECK_INT(re - buf, shift + 8);
        CHECK(nx[0] == 'd');
    }
    csv_tokenizer_free(&t);
    csv_options_free(&o);
}

/* csv_parse_double's [-]digits[.digits] path against its general loop
 * (the same text with Java's 'd' suffix, which the fast path declines) and
 * against strtod (correctly rounded, as Double.parseDouble), on random
 * spellings around its limits: 1..21 digits, up to 23 after the point,
 * mantissas around 2^53, "-0", "5.", ".5". */
TEST(csv_parse_double_fast_matches_general) {
    csv_options o;
    CHECK_OK(csv_options_parse(NULL, &o));
    uint64_t seed = 12345;
    int bad = 0;
    char txt[64], buf[72];
    for (int iter = 0; iter < 400000 && bad < 5; iter++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = seed >> 11;
        int n = 0;
        if (r & 1) txt[n++] = '-';
        int ni = (int)((r >> 1) % 18), nf = (int)((r >> 6) % 24);
        bool dot = ((r >> 11) & 3) != 0 || nf == 0;
        if (iter % 7 == 0) { /* near 2^53 = 9007199254740992 */
            n += sprintf(txt + n, "%llu", (unsigned long long)((1ULL << 53) - 3 + (r >> 13) % 7));
            ni = 0;
            if (iter % 14 == 0) { nf = 0; dot = false; }
        }
        for (int i = 0; i < ni; i++) txt[n++] = (char)('0' + (i == 0 && (r >> 20) % 3 ? 1 + (r >> 22) % 9 : (seed >> (i % 50)) % 10));
        if (dot) {
            txt[n++] = '.';
            for (int i = 0; i < nf; i++) txt[n++] = (char)('0' + (seed >> ((i * 7) % 50)) % 10);
        }
        txt[n] = '\0';
        memcpy(buf, txt, (size_t)n);
        buf[n] = 'd';
        double a = 0, b = 0;
        bool oka = csv_parse_double(&o, txt, n, &a), okb = csv_parse_double(&o, buf, n + 1, &b);
        char *endp;
        double c = strtod(txt, &endp);
        bool okc = endp == txt + n && n > (txt[0] == '-') && strcmp(txt, "-.") && strcmp(txt, ".");
        if (oka != okb || oka != okc || (oka && (memcmp(&a, &b, sizeof a) || memcmp(&a, &c, sizeof a)))) {
            if (!bad) fprintf(stderr, "double %s: fast %d %.17g general %d %.17g strtod %d %.17g\n", txt,
                              oka, a, okb, b, okc, c);
            bad++;
        }
    }
    const char *pinned[] = {"-0", "0", "5.", ".5", "-.5", "0.1", "9007199254740993", "9007199254740992.5",
                            "1234567890123456789", "0.0000000000000000000001", "123.45600000000000000000"};
    for (size_t i = 0; i < sizeof pinned / sizeof *pinned; i++) {
        int n = (int)strlen(pinned[i]);
        memcpy(buf, pinned[i], (size_t)n);
        buf[n] = 'd';
        double a = 0, b = 0, c = strtod(pinned[i], NULL);
        CHECK(csv_parse_double(&o, pinned[i], n, &a) && csv_parse_double(&o, buf, n + 1, &b));
        CHECK(memcmp(&a, &b, sizeof a) == 0 && memcmp(&a, &c, sizeof a) == 0);
    }
    CHECK_INT(bad, 0);
    csv_options_free(&o);
}

/* Random text for the window tokenizer: mostly plain records (the ones it
 * takes) of 0..12 fields, with blank lines, leading blanks, comment
 * characters, quoted fields, quotes and escapes inside fields, CR, LF and
 * CRLF line ends, and a trailing separator at the very end sometimes. */
static size_t gen_plain(char *buf, size_t cap) {
    size_t n = 0;
    while (n + 300 < cap) {
        uint32_t kind = rnd() % 40;
        if (kind == 0) { buf[n++] = '\n'; continue; }
        if (kind == 1) buf[n++] = ' ';
        if (kind == 2) buf[n++] = '#';
        int nf = (int)(rnd() % 13);
        for (int f = 0; f < nf; f++) {
            int len = (int)(rnd() % 14);
            bool quoted = rnd() % 60 == 0;
            if (quoted) buf[n++] = '"';
            for (int i = 0; i < len; i++) {
                uint32_t r = rnd() % 200;
                buf[n++] = r == 0 ? '"' : r == 1 ? '\\' : r == 2 ? ' ' : (char)('a' + r % 26);
            }
            if (quoted) buf[n++] = '"';
            if (f + 1 < nf) buf[n++] = ',';
        }
        uint32_t e = rnd() % 10;
        if (e == 0) { buf[n++] = '\r'; buf[n++] = '\n'; }
        else if (e == 1) buf[n++] = '\r';
        else buf[n++] = '\n';
    }
    if (rnd() % 2) buf[n++] = ',';
    return n;
}

/* Walks data with csv_tokenize_window (random window sizes, ncols and
 * stop), checking each record it takes against csv_next_record without
 * the fast path; a record it declines is stepped over by the general
 * tokenizer.  Returns mismatches; *taken counts the records it took. */
static int diff_window(const csv_options *o, const char *data, size_t len, int64_t *taken) {
    csv_tokenizer w, g;
    if (csv_tokenizer_init(&w, o) || csv_tokenizer_init(&g, o)) return 1;
    g.fast_ok = false;
    static csv_field win[64 * 9];
    static int32_t nf[64];
    const char *p = data, *end = data + len;
    const char *stop = rnd() % 4 ? end : data + rnd() % (len + 1);
    int bad = 0;
    while (p < end && !bad) {
        int ncols = 1 + (int)(rnd() % 9), max = (int)(rnd() % 64);
        /* stop_after: the record ends at its line end after that many fields */
        w.stop_after = rnd() % 3 ? 0 : 1 + (int)(rnd() % ncols);
        const char *nx;
        for (size_t i = 0; i < sizeof win / sizeof *win; i++) win[i] = (csv_field){"garbage", 7, 1};
        int k = csv_tokenize_window(&w, p, stop, end, ncols, win, nf, max, &nx);
        if (k < 0 || k > max || (k == 0 && nx != p)) { bad++; break; }
        if (k > 0 && p >= stop) bad++;
        for (int r = 0; r < k && !bad; r++) {
            const char *re, *gn;
            bool skip;
            if (csv_next_record(&g, p, end, &re, &gn, &skip) || skip) { bad++; break; }
            int want = w.stop_after && g.nfields > w.stop_after ? w.stop_after : g.nfields;
            if (want != nf[r]) { bad++; break; }
            for (int c = 0; c < (w.stop_after ? w.stop_after : ncols); c++) {
                const csv_field *a = &win[r * ncols + c];
                csv_field b = c < g.nfields ? g.fields[c] : (csv_field){NULL, 0, 0};
                if (a->len != b.len || a->quoted != b.quoted || (a->len && memcmp(a->ptr, b.ptr, (size_t)a->len)))
                    bad++;
            }
            if (bad) fprintf(stderr, "  window mismatch at offset %d: [%.*s]\n", (int)(p - data),
                             (int)(end - p < 60 ? end - p : 60), p);
            p = gn;
            if (r + 1 < k && p >= stop) bad++;
        }
        if (bad) break;
        *taken += k;
        if (k > 0 && p != nx) { bad++; break; }
        if (k == 0 || max == 0) {
            const char *re, *gn;
            bool skip;
            if (csv_next_record(&g, p, end, &re, &gn, &skip)) { bad++; break; }
            p = gn;
        }
    }
    csv_tokenizer_free(&w);
    csv_tokenizer_free(&g);
    return bad;
}

/* csv_tokenize_window against the general loop, with SSE2 and (where the
 * CPU has it) AVX2 masks, under the default options, a comment character,
 * no quoting and multiLine (which it declines); a third of the windows with
 * stop_after (fields after it may be quoted). */
TEST(csv_window_tokenizer_matches_general) {
    const char *opts[][5] = {{NULL}, {"comment", "#", NULL}, {"quote", "", NULL},
                             {"multiLine", "true", NULL}};
    static char buf[1 << 15];
    int saved = csv_window_simd;
    for (int simd = 0; simd < 2; simd++) {
        __builtin_cpu_init();
        if (simd == 1 && !__builtin_cpu_supports("avx2")) continue;
        csv_window_simd = simd;
        for (size_t oi = 0; oi < sizeof opts / sizeof *opts; oi++) {
            csv_options o;
            CHECK_OK(csv_options_parse(opts[oi], &o));
            int64_t taken = 0, total = 0;
            for (int round = 0; round < 60; round++) {
                size_t n = gen_plain(buf, sizeof buf);
                /* shift the text against the 64-byte blocks */
                size_t shift = rnd() % 64;
                CHECK_INT(diff_window(&o, buf + shift, n - shift, &taken), 0);
                total += (int64_t)n / 60;
            }
            /* it must take most records (multiLine: none) */
            if (oi == 3) CHECK_INT(taken, 0);
            else CHECK(taken > total / 2);
            csv_options_free(&o);
        }
    }
    csv_window_simd = saved;
}

/* The inline integer and double paths of csv_fast.h (used by the column
 * loops of kept rows) against the general converters: every text they
 * accept gives the general converter's value, and the common spellings are
 * accepted.  Doubles also under options whose special spellings look like
 * numbers (nanValue=1, positiveInf=2.5, negativeInf=-3): those must not be
 * taken by the fast path (csv_f64_special_possible). */
TEST(csv_fast_inline_numbers_match_general) {
    uint64_t seed = 777;
    char txt[40];
    int bad = 0;
    for (int iter = 0; iter < 300000 && bad < 5; iter++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = seed >> 11;
        int n = 0;
        uint32_t lead = (uint32_t)(r % 8);
        if (lead == 0) txt[n++] = '-';
        else if (lead == 1) txt[n++] = '+';
        else if (lead == 2) txt[n++] = ' ';
        int nd = (int)((r >> 3) % 21);
        for (int i = 0; i < nd; i++) txt[n++] = (char)('0' + (seed >> (i * 3 % 50)) % 10);
        if ((r >> 9) % 29 == 0 && n > 0) txt[(r >> 14) % n] = 'x';
        txt[n] = '\0';
        int32_t a32 = 0, b32 = 0;
        int64_t a64 = 0, b64 = 0;
        bool fa = csv_fast_i32_inline(txt, n, &a32), ga = csv_parse_int32(txt, n, &b32);
        bool fb = csv_fast_i64_inline(txt, n, &a64), gb = csv_parse_int64(txt, n, &b64);
        bool common32 = nd >= 1 && nd <= 9 && lead > 2 && !strchr(txt, 'x');
        bool common64 = nd >= 1 && nd <= 18 && lead > 2 && !strchr(txt, 'x');
        if ((fa && (!ga || a32 != b32)) || (fb && (!gb || a64 != b64)) || (common32 && !fa) ||
            (common64 && !fb)) {
            if (!bad) fprintf(stderr, "int [%s]: fast %d %d / %d %lld, general %d %d / %d %lld\n", txt, fa,
                              a32, fb, (long long)a64, ga, b32, gb, (long long)b64);
            bad++;
        }
    }
    CHECK_INT(bad, 0);
    const char *kv[][7] = {{NULL}, {"nanValue", "1", "positiveInf", "2.5", "negativeInf", "-3", NULL}};
    const char *texts[] = {"1", "2.5", "-3", "1.0", "2.50", "-3.0", "12", "0.5", "-0", "3.17", "NaN", "Inf",
                           "-Inf", "", "7", "213.14"};
    for (int k = 0; k < 2; k++) {
        csv_options o;
        CHECK_OK(csv_options_parse(kv[k], &o));
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
            int n = (int)strlen(texts[i]);
            double a = 0, b = 0;
            bool ga = csv_parse_double(&o, texts[i], n, &b);
            bool fa = !csv_f64_special_possible(&o, texts[i], n) && csv_fast_f64_inline(texts[i], n, &a);
            if (fa) CHECK(ga && memcmp(&a, &b, sizeof a) == 0);
            if (k == 1 && (!strcmp(texts[i], "1") || !strcmp(texts[i], "2.5") || !strcmp(texts[i], "-3")))
                CHECK(!fa && ga && (isnan(b) || isinf(b)));
        }
        csv_options_free(&o);
    }
}
