/*
 * regex.c — Java regular expressions (java.util.regex, as Spark uses them) on
 * PCRE2.
 *
 * Translation.  PCRE2 and Java agree on most syntax: classes, quantifiers
 * (greedy, lazy, possessive), atomic groups, look-around, \Q..\E, named groups
 * (?<n>..) and \k<n>, \h \v \R \X \z \Z \G, \xhh and \x{h..}.  What differs,
 * and what sm_regex_translate rewrites, in one left-to-right pass that tracks
 * whether it is inside a character class and inside \Q..\E:
 *   1. \p{Alpha} and the other POSIX names (ASCII-only in Java, as PCRE2's
 *      [:alpha:] without UCP) → [[:alpha:]] (or [:alpha:] inside a class);
 *      \p{javaLowerCase} and friends → Unicode properties; \p{IsLatin},
 *      \p{IsL}, \p{script=X}, \p{gc=X} → \p{Latin} / \p{L}.
 *   2. \uhhhh (and surrogate pairs \uD83D\uDE00) → \x{hhhh}.
 *   3. \0ooo (Java's octal, up to three digits after the 0) → \o{ooo}.
 *   4. Nested classes: Java's union [a[bc]] → [abc]; intersection (&&) and
 *      negated nested classes are refused with SM_UNSUPPORTED.
 *   5. Inline flags: Java's d (UNIX_LINES) and u (UNICODE_CASE) have no PCRE2
 *      spelling and are dropped; U (UNICODE_CHARACTER_CLASS) becomes a leading
 *      (*UCP); x becomes xx (Java ignores blanks inside classes in comments
 *      mode, PCRE2 only with xx).
 * \w, \d, \s and \b stay ASCII, as Java's defaults are (PCRE2 without UCP).
 * Line terminators: PCRE2_NEWLINE_ANYCRLF (\n, \r, \r\n), the nearest to
 * Java's set for `.` and `$`.
 *
 * Matching follows Matcher.find(): after an empty match at p the next search
 * starts one character later; a non-empty match ending at q restarts at q.
 * Subjects that are not valid UTF-8 are matched anyway
 * (PCRE2_MATCH_INVALID_UTF) rather than failing the query.
 *
 * Cache.  Compiled patterns are cached process-wide (a small table with
 * clock eviction, keyed by the Java text, guarded by a mutex), so a pattern
 * that comes from a column is compiled once per distinct value, not per row.
 * Entries are reference counted: eviction drops the cache's reference and a
 * pattern in use lives on until its last user releases it.  pcre2_code is
 * read-only during matching, so threads share it; match data is per caller.
 */
#include "expr/regex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/status.h"

/* ---- translation ------------------------------------------------------- */

typedef struct {
    const char *java;    /* name after \p{ */
    const char *body;    /* class body (without the brackets) */
} rx_prop;

static const rx_prop rx_props[] = {
    {"Lower", "[:lower:]"},   {"Upper", "[:upper:]"},   {"ASCII", "[:ascii:]"},
    {"Alpha", "[:alpha:]"},   {"Digit", "[:digit:]"},   {"Alnum", "[:alnum:]"},
    {"Punct", "[:punct:]"},   {"Graph", "[:graph:]"},   {"Print", "[:print:]"},
    {"Blank", "[:blank:]"},   {"Cntrl", "[:cntrl:]"},   {"XDigit", "[:xdigit:]"},
    {"Space", "[:space:]"},
    {"javaLowerCase", "\\p{Ll}"},
    {"javaUpperCase", "\\p{Lu}"},
    {"javaTitleCase", "\\p{Lt}"},
    {"javaDigit", "\\p{Nd}"},
    {"javaLetter", "\\p{L}"},
    {"javaAlphabetic", "\\p{L}"},
    {"javaLetterOrDigit", "\\p{L}\\p{Nd}"},
    {"javaWhitespace", "\\t-\\r\\x1c-\\x1f\\p{Zs}\\x{2028}\\x{2029}"},
    {"javaSpaceChar", "\\p{Z}"},
    {"javaISOControl", "\\x00-\\x1f\\x7f-\\x{9f}"},
    {"IsAlphabetic", "\\p{L}"},
    {"IsLetter", "\\p{L}"},
    {"IsDigit", "\\p{Nd}"},
    {"IsUppercase", "\\p{Lu}"},
    {"IsLowercase", "\\p{Ll}"},
    {"IsWhite_Space", "\\p{Xsp}"},
    {"IsWhiteSpace", "\\p{Xsp}"},
    {"IsPunctuation", "\\p{P}"},
    {"IsControl", "\\p{Cc}"},
    {NULL, NULL},
};

static int rx_unsupported(const char *java, size_t len, const char *what) {
    return sm_err(SM_UNSUPPORTED,
                  "regular expression '%.*s' uses %s, which smelt's regex engine (PCRE2) "
                  "cannot express; rewrite the pattern without it",
                  (int)len, java, what);
}

/* Length of the UTF-8 sequence starting with byte c (1 for invalid bytes). */
static size_t rx_u8len(unsigned char c) {
    if (c < 0xc0) return 1;
    if (c < 0xe0) return 2;
    if (c < 0xf0) return 3;
    return 4;
}

static int rx_hex4(const char *p, size_t avail, unsigned *out) {
    if (avail < 4) return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
        else return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

/* \p / \P with name `name` (nlen bytes).  Appends the translation. */
static int rx_property(sm_buf *out, const char *java, size_t len, bool negated, bool in_class,
                       const char *name, size_t nlen) {
    char nm[64];
    if (nlen >= sizeof nm) return rx_unsupported(java, len, "a property name that is too long");
    memcpy(nm, name, nlen);
    nm[nlen] = 0;
    const char *body = NULL;
    for (const rx_prop *p = rx_props; p->java; p++)
        if (strcmp(p->java, nm) == 0) body = p->body;
    if (!body) {
        /* A Unicode category or script: strip Java's prefixes. */
        const char *u = nm;
        if (strncmp(u, "Is", 2) == 0) u += 2;
        else if (strncmp(u, "script=", 7) == 0) u += 7;
        else if (strncmp(u, "sc=", 3) == 0) u += 3;
        else if (strncmp(u, "general_category=", 17) == 0) u += 17;
        else if (strncmp(u, "gc=", 3) == 0) u += 3;
        else if (strncmp(u, "In", 2) == 0 || strncmp(u, "block=", 6) == 0 ||
                 strncmp(u, "blk=", 4) == 0)
            return rx_unsupported(java, len, "a Unicode block property (\\p{InX})");
        return sm_buf_appendf(out, "\\%c{%s}", negated ? 'P' : 'p', u) ? SM_NOMEM : SM_OK;
    }
    int rc;
    if (!in_class) {
        rc = sm_buf_appendf(out, "[%s%s]", negated ? "^" : "", body);
    } else if (!negated) {
        rc = sm_buf_appendf(out, "%s", body);
    } else if (body[0] == '[' && body[1] == ':') {
        rc = sm_buf_appendf(out, "[:^%s", body + 2);
    } else if (strncmp(body, "\\p{", 3) == 0 && !strchr(body + 3, '\\')) {
        rc = sm_buf_appendf(out, "\\P%s", body + 2);
    } else {
        return rx_unsupported(java, len, "a negated compound property inside a class");
    }
    return rc ? SM_NOMEM : SM_OK;
}

int sm_regex_translate(const char *java, size_t len, sm_buf *out) {
    size_t start_len = out->len;
    int class_depth = 0;     /* 0 outside a class; nested unions count up */
    bool ucp = false;
    size_t i = 0;
#define PUT(p, n) do { if (sm_buf_append(out, (p), (n))) return SM_NOMEM; } while (0)
    while (i < len) {
        char c = java[i];
        if (c == '\\') {
            if (i + 1 >= len) { PUT(java + i, 1); i++; }
            else {
                char e = java[i + 1];
                if (e == 'Q') {
                    /* Copy through \E (or the end) verbatim. */
                    const char *end = NULL;
                    for (size_t k = i + 2; k + 1 < len; k++)
                        if (java[k] == '\\' && java[k + 1] == 'E') { end = java + k; break; }
                    size_t stop = end ? (size_t)(end - java) + 2 : len;
                    PUT(java + i, stop - i);
                    i = stop;
                } else if (e == 'p' || e == 'P') {
                    const char *name;
                    size_t nlen, adv;
                    if (i + 2 < len && java[i + 2] == '{') {
                        const char *close = memchr(java + i + 3, '}', len - i - 3);
                        if (!close)
                            return sm_err(SM_INVALID,
                                          "invalid regular expression '%.*s': unclosed "
                                          "character family at index %zu",
                                          (int)len, java, i);
                        name = java + i + 3;
                        nlen = (size_t)(close - name);
                        adv = (size_t)(close - (java + i)) + 1;
                    } else if (i + 2 < len) {
                        name = java + i + 2;
                        nlen = 1;
                        adv = 3;
                    } else {
                        return sm_err(SM_INVALID,
                                      "invalid regular expression '%.*s': \\%c without a "
                                      "property name at index %zu",
                                      (int)len, java, e, i);
                    }
                    SM_TRY(rx_property(out, java, len, e == 'P', class_depth > 0, name, nlen));
                    i += adv;
                } else if (e == 'u') {
                    unsigned cp, lo;
                    if (!rx_hex4(java + i + 2, len - i - 2, &cp))
                        return sm_err(SM_INVALID,
                                      "invalid regular expression '%.*s': illegal Unicode "
                                      "escape sequence at index %zu",
                                      (int)len, java, i);
                    i += 6;
                    if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= len && java[i] == '\\' &&
                        java[i + 1] == 'u' && rx_hex4(java + i + 2, len - i - 2, &lo) &&
                        lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        i += 6;
                    }
                    if (sm_buf_appendf(out, "\\x{%x}", cp)) return SM_NOMEM;
                } else if (e == '0') {
                    size_t k = i + 2;
                    unsigned v = 0;
                    int nd = 0;
                    while (k < len && nd < 3 && java[k] >= '0' && java[k] <= '7' &&
                           v * 8 + (unsigned)(java[k] - '0') <= 0377) {
                        v = v * 8 + (unsigned)(java[k] - '0');
                        k++, nd++;
                    }
                    if (nd == 0)
                        return sm_err(SM_INVALID,
                                      "invalid regular expression '%.*s': illegal octal "
                                      "escape sequence at index %zu",
                                      (int)len, java, i);
                    if (sm_buf_appendf(out, "\\o{%o}", v)) return SM_NOMEM;
                    i = k;
                } else {
                    size_t n = 1 + rx_u8len((unsigned char)e);
                    if (i + n > len) n = len - i;
                    PUT(java + i, n);
                    i += n;
                }
            }
        } else if (c == '[') {
            if (class_depth == 0) {
                class_depth = 1;
                PUT("[", 1);
                i++;
                /* A leading ^ and a ] right after it are literal parts. */
                if (i < len && java[i] == '^') { PUT("^", 1); i++; }
            } else {
                if (i + 1 < len && java[i + 1] == '^')
                    return rx_unsupported(java, len, "a negated nested character class");
                if (i + 1 < len && java[i + 1] == ':') {
                    /* Java reads [: literally; PCRE2 would see a POSIX class. */
                    PUT("\\[", 2);
                    i++;
                    continue;
                }
                class_depth++; /* union: drop the inner brackets */
                i++;
            }
        } else if (c == ']' && class_depth > 0) {
            if (class_depth == 1) PUT("]", 1);
            class_depth--;
            i++;
        } else if (c == '&' && class_depth > 0 && i + 1 < len && java[i + 1] == '&') {
            return rx_unsupported(java, len, "character class intersection (&&)");
        } else if (c == '(' && class_depth == 0 && i + 1 < len && java[i + 1] == '?' &&
                   i + 2 < len && strchr("idmsuxU-", java[i + 2])) {
            /* Inline flags (?flags) or (?flags:...). */
            size_t k = i + 2;
            char flags[32];
            size_t nf = 0;
            while (k < len && strchr("idmsuxU-", java[k]) && nf + 2 < sizeof flags) {
                char f = java[k];
                if (f == 'U') ucp = true;
                else if (f == 'x') flags[nf++] = 'x', flags[nf++] = 'x';
                else if (f != 'd' && f != 'u') flags[nf++] = f;
                k++;
            }
            if (k < len && (java[k] == ')' || java[k] == ':')) {
                bool group = java[k] == ':';
                /* Drop a dangling '-' and empty settings. */
                if (nf > 0 && flags[nf - 1] == '-') nf--;
                if (nf == 0) {
                    if (group) PUT("(?:", 3);
                } else {
                    PUT("(?", 2);
                    PUT(flags, nf);
                    PUT(group ? ":" : ")", 1);
                }
                i = k + 1;
            } else {
                PUT(java + i, 1);
                i++;
            }
        } else {
            size_t n = rx_u8len((unsigned char)c);
            if (i + n > len) n = len - i;
            PUT(java + i, n);
            i += n;
        }
    }
    if (ucp) {
        /* (*UCP) must lead the pattern. */
        if (sm_buf_reserve(out, 6)) return SM_NOMEM;
        memmove(out->data + start_len + 6, out->data + start_len, out->len - start_len);
        memcpy(out->data + start_len, "(*UCP)", 6);
        out->len += 6;
    }
#undef PUT
    return SM_OK;
}

/* ---- compilation and the cache ------------------------------------------- */

static int rx_compile(const char *java, size_t len, const char *fn, sm_regex **out) {
    sm_buf pat = {0};
    int rc = sm_regex_translate(java, len, &pat);
    if (rc) {
        sm_buf_free(&pat);
        return rc;
    }
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (!cc) {
        sm_buf_free(&pat);
        return sm_err(SM_NOMEM, "out of memory compiling regular expression '%.*s'", (int)len,
                      java);
    }
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(pat.data ? pat.data : ""), pat.len,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, cc);
    pcre2_compile_context_free(cc);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        rc = sm_err(SM_INVALID,
                    "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in "
                    "`%s` is invalid: '%.*s': %s near index %zu of the pattern%s%.*s. Fix the "
                    "regular expression (Java syntax).",
                    fn ? fn : "regex", (int)len, java, (const char *)msg, (size_t)erroff,
                    pat.len != len || memcmp(pat.data, java, len) ? " as rewritten for PCRE2, " : "",
                    pat.len != len || memcmp(pat.data, java, len) ? (int)pat.len : 0,
                    pat.data ? pat.data : "");
        sm_buf_free(&pat);
        return rc;
    }
    sm_buf_free(&pat);
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
    sm_regex *re = sm_calloc(1, sizeof *re);
    char *copy = re ? sm_strndup(java, len) : NULL;
    if (!re || !copy) {
        sm_free(re);
        pcre2_code_free(code);
        return SM_NOMEM;
    }
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->ngroups);
    re->code = code;
    re->java = copy;
    re->java_len = len;
    re->refcount = 1;
    *out = re;
    return SM_OK;
}

static void rx_free(sm_regex *re) {
    pcre2_code_free(re->code);
    sm_free(re->java);
    sm_free(re);
}

void sm_regex_release(sm_regex *re) {
    if (re && atomic_fetch_sub_explicit((_Atomic int *)&re->refcount, 1,
                                        memory_order_acq_rel) == 1)
        rx_free(re);
}

#define RX_CACHE_SIZE 64

static struct {
    sm_regex *slot[RX_CACHE_SIZE];
    bool used[RX_CACHE_SIZE]; /* clock bits */
    int hand;
} rx_cache;
static pthread_mutex_t rx_cache_lock = PTHREAD_MUTEX_INITIALIZER;

int sm_regex_get(const char *java, size_t len, const char *fn, sm_regex **out) {
    pthread_mutex_lock(&rx_cache_lock);
    for (int k = 0; k < RX_CACHE_SIZE; k++) {
        sm_regex *re = rx_cache.slot[k];
        if (re && re->java_len == len && memcmp(re->java, java, len) == 0) {
            atomic_fetch_add_explicit((_Atomic int *)&re->refcount, 1, memory_order_relaxed);
            rx_cache.used[k] = true;
            pthread_mutex_unlock(&rx_cache_lock);
            *out = re;
            return SM_OK;
        }
    }
    pthread_mutex_unlock(&rx_cache_lock);

    /* Compile outside the lock: two threads may race to compile the same
     * pattern; both results are valid and the loser's is simply not cached. */
    sm_regex *re;
    SM_TRY(rx_compile(java, len, fn, &re));

    pthread_mutex_lock(&rx_cache_lock);
    for (int tries = 0; tries < 2 * RX_CACHE_SIZE; tries++) {
        int k = rx_cache.hand;
        rx_cache.hand = (rx_cache.hand + 1) % RX_CACHE_SIZE;
        if (rx_cache.slot[k] && rx_cache.used[k]) {
            rx_cache.used[k] = false;
            continue;
        }
        sm_regex *old = rx_cache.slot[k];
        atomic_fetch_add_explicit((_Atomic int *)&re->refcount, 1, memory_order_relaxed);
        rx_cache.slot[k] = re;
        rx_cache.used[k] = true;
        pthread_mutex_unlock(&rx_cache_lock);
        sm_regex_release(old);
        *out = re;
        return SM_OK;
    }
    pthread_mutex_unlock(&rx_cache_lock);
    *out = re;
    return SM_OK;
}

pcre2_match_data *sm_regex_match_data(const sm_regex *re) {
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md) sm_err(SM_NOMEM, "out of memory matching regular expression '%s'", re->java);
    return md;
}

/* ---- matching ------------------------------------------------------------- */

int sm_regex_find(const sm_regex *re, pcre2_match_data *md, const char *s, size_t len,
                  size_t start) {
    if (start > len) return 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), len, start, 0, md, NULL);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    return sm_err(SM_INVALID, "matching regular expression '%s' failed: %s", re->java,
                  (const char *)msg);
}

static int rx_group_number(const sm_regex *re, const char *name, size_t nlen) {
    char buf[128];
    if (nlen >= sizeof buf) return -1;
    memcpy(buf, name, nlen);
    buf[nlen] = 0;
    int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)buf);
    return n > 0 ? n : -1;
}

int sm_regex_parse_repl(sm_arena *a, const sm_regex *re, const char *rep, size_t len,
                        sm_regex_repl *out) {
    /* At most one part per input byte, plus one. */
    out->parts = sm_arena_alloc(a, (len + 1) * sizeof *out->parts);
    if (!out->parts) return SM_NOMEM;
    out->nparts = 0;
    char *lit = sm_arena_alloc(a, len + 1);
    if (!lit) return SM_NOMEM;
    size_t litlen = 0, litstart = 0;
#define FLUSH()                                                                \
    do {                                                                       \
        if (litlen > litstart) {                                               \
            out->parts[out->nparts].group = -1;                                \
            out->parts[out->nparts].text = lit + litstart;                     \
            out->parts[out->nparts].len = (int32_t)(litlen - litstart);        \
            out->nparts++;                                                     \
            litstart = litlen;                                                 \
        }                                                                      \
    } while (0)
    size_t i = 0;
    while (i < len) {
        char c = rep[i];
        if (c == '\\') {
            if (i + 1 >= len)
                return sm_err(SM_INVALID,
                              "invalid replacement string '%.*s': character to be escaped "
                              "is missing",
                              (int)len, rep);
            lit[litlen++] = rep[i + 1];
            i += 2;
        } else if (c == '$') {
            if (i + 1 >= len)
                return sm_err(SM_INVALID,
                              "invalid replacement string '%.*s': Illegal group reference: "
                              "group index is missing",
                              (int)len, rep);
            int group;
            if (rep[i + 1] == '{') {
                const char *close = memchr(rep + i + 2, '}', len - i - 2);
                if (!close)
                    return sm_err(SM_INVALID,
                                  "invalid replacement string '%.*s': named capturing group "
                                  "is missing trailing '}'",
                                  (int)len, rep);
                size_t nlen = (size_t)(close - (rep + i + 2));
                group = rx_group_number(re, rep + i + 2, nlen);
                if (group < 0)
                    return sm_err(SM_INVALID,
                                  "invalid replacement string '%.*s': No group with name "
                                  "{%.*s}",
                                  (int)len, rep, (int)nlen, rep + i + 2);
                i = (size_t)(close - rep) + 1;
            } else {
                if (rep[i + 1] < '0' || rep[i + 1] > '9')
                    return sm_err(SM_INVALID,
                                  "invalid replacement string '%.*s': Illegal group reference",
                                  (int)len, rep);
                /* Java: the first digit always; further digits while the
                 * number stays a valid group. */
                group = rep[i + 1] - '0';
                if ((uint32_t)group > re->ngroups)
                    return sm_err(SM_INVALID, "invalid replacement string '%.*s': No group %d",
                                  (int)len, rep, group);
                i += 2;
                while (i < len && rep[i] >= '0' && rep[i] <= '9') {
                    int next = group * 10 + (rep[i] - '0');
                    if ((uint32_t)next > re->ngroups) break;
                    group = next;
                    i++;
                }
            }
            FLUSH();
            out->parts[out->nparts].group = group;
            out->parts[out->nparts].text = NULL;
            out->parts[out->nparts].len = 0;
            out->nparts++;
        } else {
            lit[litlen++] = c;
            i++;
        }
    }
    FLUSH();
#undef FLUSH
    return SM_OK;
}

int sm_regex_replace_all(const sm_regex *re, pcre2_match_data *md, const sm_regex_repl *rep,
                         const char *s, size_t len, size_t start, sm_buf *out) {
    if (start > len) start = len;
    if (sm_buf_append(out, s, start)) return SM_NOMEM;
    /* Matcher.region(start, len): the subject begins at `start`. */
    const char *sub = s + start;
    size_t sublen = len - start, pos = 0, copied = 0;
    while (pos <= sublen) {
        int rc = sm_regex_find(re, md, sub, sublen, pos);
        if (rc < 0) return rc;
        if (rc == 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        if (sm_buf_append(out, sub + copied, ms - copied)) return SM_NOMEM;
        for (int p = 0; p < rep->nparts; p++) {
            const struct sm_regex_rpart *part = &rep->parts[p];
            if (part->group < 0) {
                if (sm_buf_append(out, part->text, (size_t)part->len)) return SM_NOMEM;
            } else if (ov[2 * part->group] != PCRE2_UNSET) {
                size_t gs = ov[2 * part->group], ge = ov[2 * part->group + 1];
                if (ge > gs && sm_buf_append(out, sub + gs, ge - gs)) return SM_NOMEM;
            }
        }
        copied = me;
        if (me == ms) {
            if (me >= sublen) break;
            pos = me + rx_u8len((unsigned char)sub[me]);
            if (pos > sublen) pos = sublen;
        } else {
            pos = me;
        }
    }
    if (sm_buf_append(out, sub + copied, sublen - copied)) return SM_NOMEM;
    return SM_OK;
}
