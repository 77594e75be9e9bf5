/*
 * regex.h — Java regular expressions on PCRE2: translation, a shared compile
 * cache, and Java's find / appendReplacement semantics.
 *
 * Spark's regexp_replace / regexp_extract / rlike use java.util.regex.  We run
 * PCRE2 (8-bit, UTF mode, JIT) after rewriting the few constructs whose
 * spelling or meaning differs (regex.c's essay lists them).
 *
 * Ownership and threads: an sm_regex is immutable after compilation and
 * reference counted; matching takes a pcre2_match_data owned by the caller
 * (one per evaluation call, never shared between threads), so one compiled
 * pattern serves every task of a query.
 */
#ifndef SM_REGEX_H
#define SM_REGEX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mem.h"

typedef struct sm_regex {
    pcre2_code *code;
    uint32_t ngroups;  /* capturing groups */
    char *java;        /* the pattern as the user wrote it (NUL-terminated) */
    size_t java_len;
    int refcount;      /* atomic; the cache holds one while cached */
} sm_regex;

/* Rewrites a Java pattern into PCRE2 syntax, appending to *out.  SM_INVALID /
 * SM_UNSUPPORTED (with a message naming the pattern) for Java constructs that
 * PCRE2 cannot express (class intersection `&&`, Unicode blocks \p{InX}). */
int sm_regex_translate(const char *java, size_t len, sm_buf *out);

/* Compiled pattern for `java` (len bytes), from the process-wide cache when
 * present.  *out is a new reference: release it with sm_regex_release.
 * Errors name the function `fn` (for the message), the pattern and PCRE2's
 * reason with its position. */
int sm_regex_get(const char *java, size_t len, const char *fn, sm_regex **out);
void sm_regex_release(sm_regex *re);

/* Match data sized for `re` (NULL on NOMEM, message set). */
pcre2_match_data *sm_regex_match_data(const sm_regex *re);

/* Java Matcher.find() from byte `start` of s[0..len): 1 = match (offsets in
 * md's ovector), 0 = none, negative status on a matching failure (message
 * set: JIT stack exhausted, match limit). */
int sm_regex_find(const sm_regex *re, pcre2_match_data *md, const char *s, size_t len,
                  size_t start);

/* Parsed Java replacement string (Matcher.appendReplacement): literal runs and
 * group references.  Parse once per distinct replacement. */
typedef struct {
    int nparts;
    struct sm_regex_rpart {
        int group;          /* -1: literal text */
        const char *text;   /* literal bytes (owned by the parse's arena) */
        int32_t len;
    } *parts;
} sm_regex_repl;

/* Parses `rep` for a pattern with `ngroups` groups (named references are
 * resolved with `re`).  Errors as Java's: "Illegal group reference",
 * "No group 3", "character to be escaped is missing".  Parts live in `a`. */
int sm_regex_parse_repl(sm_arena *a, const sm_regex *re, const char *rep, size_t len,
                        sm_regex_repl *out);

/* Java's String.replaceAll with a parsed replacement, searching from byte
 * `start` (text before it is copied unchanged; ^ anchors at `start`, as
 * Matcher.region does).  Appends the result to *out. */
int sm_regex_replace_all(const sm_regex *re, pcre2_match_data *md, const sm_regex_repl *rep,
                         const char *s, size_t len, size_t start, sm_buf *out);

#endif
