/*
 * job_check.c — everything about a job that can be checked without data:
 * argument substitution, the definition of each source, step and sink,
 * references between nodes, and cycles.
 *
 * Algorithm:
 *   1. Arguments: a required argument with no --arg value and no default is
 *      reported once, at its declaration.
 *   2. Each source, step and sink is read from its YAML map: every string
 *      value goes through subst() (${NAME} -> the argument's value, $${ ->
 *      a literal ${), every key is checked against the keys its kind takes
 *      (an unknown one gets a "did you mean"), every parameter against the
 *      shape its operation takes.  The results land in job_node.p and
 *      job_sink, ready for job_build.
 *   3. References (input:, union:, join: {right}) are resolved by name.
 *   4. Cycles: an iterative depth-first search over the references (a job
 *      may have many steps; no recursion) reports each cycle once, at the
 *      reference that closes it, with its path.
 *
 * Invariants:
 *   1. Any problem in a node or sink sets its `bad` flag after recording a
 *      diagnostic; job_build builds only good nodes whose inputs are good.
 *   2. A problem is reported where it is: the YAML node of the value, or of
 *      the key when the value is missing.
 *   3. Nothing here touches a session or the file system.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fs/codec.h"
#include "job/job_internal.h"

/* ---- operations -------------------------------------------------------------------- */

static const struct {
    const char *name;
    job_op op;
} op_names[] = {
    {"filter", OP_FILTER}, {"where", OP_FILTER}, {"select", OP_SELECT},
    {"with_column", OP_WITH_COLUMN}, {"with_columns", OP_WITH_COLUMNS},
    {"with_column_renamed", OP_RENAME}, {"drop", OP_DROP}, {"na_fill", OP_NA_FILL},
    {"na_drop", OP_NA_DROP}, {"drop_duplicates", OP_DROP_DUPLICATES}, {"distinct", OP_DISTINCT},
    {"union", OP_UNION}, {"union_by_name", OP_UNION_BY_NAME}, {"intersect", OP_INTERSECT},
    {"intersect_all", OP_INTERSECT_ALL}, {"except", OP_EXCEPT}, {"except_all", OP_EXCEPT_ALL},
    {"join", OP_JOIN}, {"group_by", OP_GROUP_BY},
    {"agg", OP_AGG}, {"order_by", OP_ORDER_BY}, {"sort", OP_ORDER_BY}, {"limit", OP_LIMIT},
    {"offset", OP_OFFSET}, {"cast", OP_CAST}, {"sql", OP_SQL}, {"describe", OP_DESCRIBE},
};
#define NOPS ((int)(sizeof op_names / sizeof op_names[0]))

job_op job_op_lookup(const char *name) {
    for (int i = 0; i < NOPS; i++)
        if (!strcmp(op_names[i].name, name)) return op_names[i].op;
    return OP_NONE;
}

/* Keys a step may have besides its operation, per operation. */
static const char *const step_common[] = {"name", "input", "description", "op", "checkpoint", NULL};

static const char *op_extra(job_op op) {
    switch (op) {
    case OP_NA_FILL: return "subset";
    case OP_UNION_BY_NAME: return "allow_missing_columns";
    case OP_GROUP_BY: return "agg";
    default: return NULL;
    }
}

static bool op_multi_input(job_op op) {
    return op == OP_UNION || op == OP_UNION_BY_NAME || op == OP_INTERSECT ||
           op == OP_INTERSECT_ALL || op == OP_EXCEPT || op == OP_EXCEPT_ALL;
}

/* ---- known options ------------------------------------------------------------------- */

/* Spark 3.5's CSV options (CSVOptions.scala and the data source options);
 * smelt ignores those it does not implement, as Spark ignores unknown keys,
 * but a key outside this list is almost surely a typo in a job file. */
static const char *const csv_read_opts[] = {
    "header", "inferSchema", "sep", "delimiter", "quote", "escape", "comment", "nullValue",
    "emptyValue", "nanValue", "positiveInf", "negativeInf", "dateFormat", "timestampFormat",
    "timestampNTZFormat", "mode", "columnNameOfCorruptRecord", "multiLine",
    "ignoreLeadingWhiteSpace", "ignoreTrailingWhiteSpace", "encoding", "charset", "lineSep",
    "preferDate", "enforceSchema", "maxColumns", "maxCharsPerColumn", "samplingRatio", "locale",
    "unescapedQuoteHandling", "charToEscapeQuoteEscaping", "enableDateTimeParsingFallback",
    "pathGlobFilter", "recursiveFileLookup", "modifiedBefore", "modifiedAfter", NULL};
static const char *const csv_write_opts[] = {
    "header", "sep", "delimiter", "quote", "escape", "nullValue", "emptyValue", "dateFormat",
    "timestampFormat", "timestampNTZFormat", "compression", "codec", "quoteAll", "escapeQuotes",
    "ignoreLeadingWhiteSpace", "ignoreTrailingWhiteSpace", "encoding", "charset", "lineSep",
    "charToEscapeQuoteEscaping", "partitionBy", "maxRecordsPerFile", NULL};
/* Parquet options smelt's reader and writer take (formats/parquet_read.c,
 * parquet_write.c). */
static const char *const parquet_read_opts[] = {"columns", "mergeSchema", "datetimeRebaseMode",
                                                "int96RebaseMode", "pathGlobFilter",
                                                "recursiveFileLookup", NULL};
static const char *const parquet_write_opts[] = {
    "compression", "codec", "parquet.compression", "parquet.block.size", "rowGroupSize",
    "parquet.page.size", "pageSize", "parquet.dictionary.page.size", "parquet.enable.dictionary",
    "parquet.compression.codec.zstd.level", "partitionBy", "maxRecordsPerFile", NULL};
/* JSON options (formats/json.h). */
static const char *const json_read_opts[] = {
    "multiLine", "primitivesAsString", "prefersDecimal", "allowComments",
    "allowUnquotedFieldNames", "allowSingleQuotes", "allowNumericLeadingZeros",
    "allowNonNumericNumbers", "allowBackslashEscapingAnyCharacter", "allowUnquotedControlChars",
    "dateFormat", "timestampFormat", "timestampNTZFormat", "samplingRatio", "dropFieldIfAllNull",
    "mode", "columnNameOfCorruptRecord", "encoding", "charset", "lineSep", "locale",
    "pathGlobFilter", "recursiveFileLookup", NULL};
static const char *const json_write_opts[] = {
    "ignoreNullFields", "dateFormat", "timestampFormat", "timestampNTZFormat", "compression",
    /* (no "codec": Spark's JSON writer ignores it; CSV takes it) */
    "encoding", "charset", "lineSep", "partitionBy", "maxRecordsPerFile", NULL};
static const char *const write_bool_opts[] = {"header", "quoteAll", "escapeQuotes",
                                              "ignoreLeadingWhiteSpace",
                                              "ignoreTrailingWhiteSpace", NULL};
static const char *const save_modes[] = {"error", "errorifexists", "overwrite", "append",
                                         "ignore", NULL};

static const char *in_list_ci(const char *s, const char *const *list) {
    for (int i = 0; list[i]; i++)
        if (!strcasecmp(s, list[i])) return list[i];
    return NULL;
}

/* ---- substitution ------------------------------------------------------------------------ */

static const char *kind_name(const jy_node *n) {
    return n->kind == JY_MAP ? "a map" : n->kind == JY_SEQ ? "a list" : "a string";
}

static job_arg *find_arg(job *j, const char *name, size_t len) {
    for (int i = 0; i < j->nargs; i++)
        if (strlen(j->args[i].name) == len && !strncmp(j->args[i].name, name, len))
            return &j->args[i];
    return NULL;
}

/* The scalar's text with ${NAME} replaced.  NULL (with *bad set and a
 * diagnostic, unless the argument is missing, which job_check reports at its
 * declaration) when a reference cannot be resolved. */
static const char *subst(job *j, const jy_node *n, bool *bad) {
    const char *s = n->str;
    if (!strchr(s, '$')) return s;
    sm_buf b = {0};
    bool ok = true;
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
            sm_buf_append(&b, "${", 2);
            p += 3;
            continue;
        }
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (!end) {
                job_diagf(j, n, "unterminated '${' in \"%s\": write ${NAME}, or $${ for a "
                                "literal ${", s);
                ok = false;
                break;
            }
            size_t len = (size_t)(end - p - 2);
            job_arg *a = find_arg(j, p + 2, len);
            if (!a) {
                char *name = sm_arena_strndup(j->arena, p + 2, len);
                const char **names = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(j->nargs + 1));
                if (!name || !names) { j->nomem = true; ok = false; break; }
                for (int i = 0; i < j->nargs; i++) names[i] = j->args[i].name;
                const char *sug = job_suggest(name, names);
                if (sug)
                    job_diagf(j, n, "unknown argument '${%s}'; did you mean '${%s}'?", name, sug);
                else if (j->nargs == 0)
                    job_diagf(j, n, "unknown argument '${%s}': the job declares no args; add "
                                    "it under 'args:'", name);
                else
                    job_diagf(j, n, "unknown argument '${%s}': declare it under 'args:'", name);
                ok = false;
                p = end + 1;
                continue;
            }
            if (!a->value) { ok = false; p = end + 1; continue; } /* missing: said once */
            sm_buf_append(&b, a->value, strlen(a->value));
            p = end + 1;
            continue;
        }
        sm_buf_putc(&b, *p++);
    }
    const char *out = NULL;
    if (ok) {
        out = sm_arena_strdup(j->arena, b.data ? sm_buf_cstr(&b) : "");
        if (!out) j->nomem = true;
    }
    sm_buf_free(&b);
    if (!out) *bad = true;
    return out;
}

/* A required string (non-null scalar). */
static const char *get_str(job *j, const jy_node *v, const char *what, bool *bad) {
    if (!v || jy_is_null(v)) {
        job_diagf(j, v, "%s needs a value", what);
        *bad = true;
        return NULL;
    }
    if (v->kind != JY_SCALAR) {
        job_diagf(j, v, "%s must be a string, not %s", what, kind_name(v));
        *bad = true;
        return NULL;
    }
    return subst(j, v, bad);
}

static int strs_alloc(job *j, job_strs *out, int n) {
    out->s = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(n + 1));
    out->at = sm_arena_alloc(j->arena, sizeof(jy_node *) * (size_t)(n + 1));
    out->n = 0;
    if (!out->s || !out->at) { j->nomem = true; return SM_NOMEM; }
    return SM_OK;
}

/* A string or a list of strings.  `min` items at least. */
static void get_list(job *j, const jy_node *v, const char *what, int min, job_strs *out,
                     bool *bad) {
    memset(out, 0, sizeof *out);
    if (!v || jy_is_null(v)) {
        if (min > 0) { job_diagf(j, v, "%s needs a value", what); *bad = true; }
        strs_alloc(j, out, 0);
        return;
    }
    if (v->kind == JY_MAP) {
        job_diagf(j, v, "%s must be a string or a list of strings, not a map", what);
        *bad = true;
        return;
    }
    int n = v->kind == JY_SEQ ? v->n : 1;
    if (strs_alloc(j, out, n)) { *bad = true; return; }
    for (int i = 0; i < n; i++) {
        const jy_node *it = v->kind == JY_SEQ ? v->items[i] : v;
        const char *s = get_str(j, it, what, bad);
        if (!s) continue;
        out->s[out->n] = s;
        out->at[out->n++] = (jy_node *)it;
    }
    if (n < min) {
        job_diagf(j, v, "%s needs at least %d entr%s", what, min, min == 1 ? "y" : "ies");
        *bad = true;
    }
}

/* A map of strings, flattened to k, v, k, v ...; out->at[] are the values. */
static void get_pairs(job *j, const jy_node *v, const char *what, job_strs *out, bool *bad) {
    memset(out, 0, sizeof *out);
    if (!v || v->kind != JY_MAP || v->n == 0) {
        job_diagf(j, v, "%s must be a map {name: value, ...}%s%s", what,
                  v && !jy_is_null(v) ? ", not " : "",
                  v && !jy_is_null(v) ? (v->kind == JY_MAP ? "an empty map" : kind_name(v)) : "");
        *bad = true;
        return;
    }
    if (strs_alloc(j, out, 2 * v->n)) { *bad = true; return; }
    for (int i = 0; i < v->n; i++) {
        const char *val = get_str(j, v->items[i], what, bad);
        if (!val) continue;
        out->s[out->n] = v->keys[i]->str;
        out->at[out->n++] = v->keys[i];
        out->s[out->n] = val;
        out->at[out->n++] = v->items[i];
    }
}

/* A YAML scalar as a SQL literal for na.fill: plain numbers and booleans as
 * they are, anything else (and anything quoted) as a string literal. */
static const char *sql_literal(job *j, const jy_node *v, const char *s) {
    if (v->plain) {
        if (!strcasecmp(s, "true") || !strcasecmp(s, "false")) return s;
        const char *p = s;
        if (*p == '-' || *p == '+') p++;
        bool digits = false, dot = false, exp = false, ok = *p != 0;
        for (; *p && ok; p++) {
            if (*p >= '0' && *p <= '9') digits = true;
            else if (*p == '.' && !dot && !exp) dot = true;
            else if ((*p == 'e' || *p == 'E') && digits && !exp) {
                exp = true;
                if (p[1] == '-' || p[1] == '+') p++;
            } else ok = false;
        }
        if (ok && digits) return s;
    }
    sm_buf b = {0};
    sm_buf_putc(&b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'' || *p == '\\') sm_buf_putc(&b, '\\');
        sm_buf_putc(&b, *p);
    }
    sm_buf_putc(&b, '\'');
    const char *out = sm_arena_strdup(j->arena, sm_buf_cstr(&b));
    sm_buf_free(&b);
    if (!out) j->nomem = true;
    return out;
}

static bool get_int(job *j, const jy_node *v, const char *what, int64_t *out, bool *bad) {
    const char *s = get_str(j, v, what, bad);
    if (!s) return false;
    char *end;
    long long x = strtoll(s, &end, 10);
    if (!*s || *end || x < 0) {
        job_diagf(j, v, "%s must be a whole number >= 0, not '%s'", what, s);
        *bad = true;
        return false;
    }
    *out = x;
    return true;
}

static bool get_bool(job *j, const jy_node *v, const char *what, bool *out, bool *bad) {
    const char *s = get_str(j, v, what, bad);
    if (!s) return false;
    if (!strcasecmp(s, "true")) *out = true;
    else if (!strcasecmp(s, "false")) *out = false;
    else {
        job_diagf(j, v, "%s must be true or false, not '%s'", what, s);
        *bad = true;
        return false;
    }
    return true;
}

static void add_ref(job *j, job_node *n, const char *name, jy_node *at) {
    job_ref *r = sm_arena_alloc(j->arena, sizeof *r * (size_t)(n->nrefs + 1));
    if (!r) { j->nomem = true; n->bad = true; return; }
    if (n->nrefs) memcpy(r, n->refs, sizeof *r * (size_t)n->nrefs);
    r[n->nrefs].name = name;
    r[n->nrefs].at = at;
    r[n->nrefs].node = -1;
    n->refs = r;
    n->nrefs++;
}

static void unknown_key(job *j, const jy_node *key, const char *where, const char *const *names) {
    const char *s = job_suggest(key->str, names);
    if (s) {
        job_diagf(j, key, "unknown key '%s' in %s; did you mean '%s'?", key->str, where, s);
        return;
    }
    sm_buf b = {0};
    for (int i = 0; names[i]; i++) sm_buf_appendf(&b, "%s%s", i ? ", " : "", names[i]);
    job_diagf(j, key, "unknown key '%s' in %s; it takes: %s", key->str, where,
              b.data ? b.data : "");
    sm_buf_free(&b);
}

/* Checks option keys against `known` and flattens them; `what` for messages. */
static void get_options(job *j, const jy_node *v, const char *what, const char *const *known,
                        job_strs *out, bool *bad) {
    memset(out, 0, sizeof *out);
    if (!v || jy_is_null(v)) { strs_alloc(j, out, 0); return; }
    if (v->kind != JY_MAP) {
        job_diagf(j, v, "options of %s must be a map {name: value}, not %s", what, kind_name(v));
        *bad = true;
        return;
    }
    if (strs_alloc(j, out, 2 * v->n)) { *bad = true; return; }
    for (int i = 0; i < v->n; i++) {
        const jy_node *k = v->keys[i];
        if (!in_list_ci(k->str, known)) {
            const char *s = job_suggest(k->str, known);
            if (s) job_diagf(j, k, "unknown CSV option '%s' for %s; did you mean '%s'?", k->str,
                             what, s);
            else job_diagf(j, k, "unknown CSV option '%s' for %s (see docs/jobs.md for the list)",
                           k->str, what);
            *bad = true;
            continue;
        }
        const char *val = get_str(j, v->items[i], "an option value", bad);
        if (!val) continue;
        out->s[out->n] = k->str;
        out->at[out->n++] = (jy_node *)k;
        out->s[out->n] = val;
        out->at[out->n++] = v->items[i];
    }
}

/* ---- sources ------------------------------------------------------------------------------- */

static const char *const source_keys[] = {"format", "path", "options", "schema", "table", "sql",
                                          "description", NULL};

static bool is_query(const char *sql) {
    const char *p = sql;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(') p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
            continue;
        }
        break;
    }
    static const char *const kw[] = {"select", "with", "values", "from", "table", NULL};
    for (int i = 0; kw[i]; i++) {
        size_t n = strlen(kw[i]);
        if (!strncasecmp(p, kw[i], n) && !((p[n] >= 'a' && p[n] <= 'z') ||
                                            (p[n] >= 'A' && p[n] <= 'Z') || p[n] == '_'))
            return true;
    }
    return false;
}

static void check_sql(job *j, job_node *n, const jy_node *at) {
    if (n->text && !is_query(n->text)) {
        job_diagf(j, at, "sql: of '%s' must be a query (SELECT, WITH, VALUES, TABLE or FROM ...); "
                         "statements that change the catalog do not belong in a job node",
                  n->name);
        n->bad = true;
    }
}

static void check_source(job *j, job_node *n) {
    const jy_node *d = n->def;
    bool bad = false;
    for (int i = 0; i < d->n; i++)
        if (!in_list_ci(d->keys[i]->str, source_keys) || strcmp(d->keys[i]->str,
                                                                 in_list_ci(d->keys[i]->str, source_keys))) {
            char where[160];
            snprintf(where, sizeof where, "source '%s'", n->name);
            unknown_key(j, d->keys[i], where, source_keys);
            bad = true;
        }
    jy_node *path = jy_get(d, "path"), *table = jy_get(d, "table"), *sql = jy_get(d, "sql");
    int kinds = !!path + !!table + !!sql;
    if (kinds != 1) {
        job_diagf(j, n->name_at, kinds ? "source '%s' has more than one of path:, table: and "
                                         "sql:; give exactly one"
                                       : "source '%s' needs path: (a file source), table: "
                                         "(a catalog table) or sql: (a query)",
                  n->name);
        n->bad = true;
        return;
    }
    jy_node *fmt = jy_get(d, "format"), *opts = jy_get(d, "options"), *schema = jy_get(d, "schema");
    if (path) {
        n->kind = JOB_SRC_FILE;
        n->format = fmt ? get_str(j, fmt, "format", &bad) : "csv";
        bool parquet = n->format && !strcasecmp(n->format, "parquet");
        bool json = n->format && !strcasecmp(n->format, "json");
        if (n->format && strcasecmp(n->format, "csv") && !parquet && !json) {
            static const char *const later[] = {"orc", "text", "avro", NULL};
            if (in_list_ci(n->format, later))
                job_diagf(j, fmt, "format '%s' is not supported yet: smelt reads csv, json and parquet",
                          n->format);
            else
                job_diagf(j, fmt, "unknown format '%s'; smelt reads csv, json and parquet", n->format);
            bad = true;
        }
        get_list(j, path, "path", 1, &n->paths, &bad);
        char where[160];
        snprintf(where, sizeof where, "source '%s'", n->name);
        get_options(j, opts, where, parquet ? parquet_read_opts : json ? json_read_opts : csv_read_opts,
                    &n->options, &bad);
        if (schema) n->schema = get_str(j, schema, "schema", &bad);
    } else {
        const char *extra = fmt ? "format" : opts ? "options" : schema ? "schema" : NULL;
        if (extra) {
            job_diagf(j, jy_get(d, extra) , "%s: belongs to file sources (path:); a %s source "
                                           "takes only %s:", extra, table ? "table" : "sql",
                      table ? "table" : "sql");
            bad = true;
        }
        n->kind = table ? JOB_SRC_TABLE : JOB_SRC_SQL;
        n->text = get_str(j, table ? table : sql, table ? "table" : "sql", &bad);
        if (sql) check_sql(j, n, sql);
    }
    if (bad) n->bad = true;
}

/* ---- steps ----------------------------------------------------------------------------------- */

static void check_step_params(job *j, job_node *n, bool *bad);

static void check_step(job *j, job_node *n, int index_in_steps) {
    const jy_node *d = n->def;
    bool bad = false;
    /* Find the operation: "op: NAME", or the one key that names an operation. */
    jy_node *opk = NULL;
    const char *opname = NULL;
    jy_node *op_decl = jy_get(d, "op");
    if (op_decl) {
        const char *s = get_str(j, op_decl, "op", &bad);
        if (s && job_op_lookup(s) == OP_NONE) {
            const char *names[NOPS + 1];
            for (int i = 0; i < NOPS; i++) names[i] = op_names[i].name;
            names[NOPS] = NULL;
            const char *sug = job_suggest(s, names);
            job_diagf(j, op_decl, "unknown operation '%s'%s%s%s", s, sug ? "; did you mean '" : "",
                      sug ? sug : "", sug ? "'?" : " (see docs/jobs.md for the operations)");
            n->bad = true;
            return;
        }
        opname = s;
    }
    for (int i = 0; i < d->n; i++) {
        const char *k = d->keys[i]->str;
        job_op op = job_op_lookup(k);
        if (op == OP_NONE) continue;
        if (op == OP_AGG && jy_get(d, "group_by"))
            continue; /* agg: of a group_by */
        if (op_decl && opname && strcmp(opname, k)) {
            job_diagf(j, d->keys[i], "step '%s' is a '%s' step (op: %s) but also has '%s:'; "
                                     "a step has one operation: split it into two steps",
                      n->name, opname, opname, k);
            bad = true;
            continue;
        }
        if (opk && !op_decl) {
            job_diagf(j, d->keys[i], "step '%s' has two operations, '%s' and '%s'; a step has "
                                     "one operation: split it into two steps",
                      n->name, opk->str, k);
            bad = true;
            continue;
        }
        opk = d->keys[i];
        opname = k;
    }
    if (!opname) {
        /* Most often a misspelt operation: say which key it probably was. */
        bool said = false;
        const char *names[NOPS + 8];
        int nn = 0;
        for (int c = 0; step_common[c]; c++) names[nn++] = step_common[c];
        for (int c = 0; c < NOPS; c++) names[nn++] = op_names[c].name;
        names[nn] = NULL;
        for (int i = 0; i < d->n; i++) {
            const char *k = d->keys[i]->str;
            bool known = false;
            for (int c = 0; names[c]; c++) known |= !strcmp(k, names[c]);
            if (known) continue;
            const char *sug = job_suggest(k, names);
            if (sug) {
                job_diagf(j, d->keys[i], "unknown key '%s' in step '%s'; did you mean '%s'?", k,
                          n->name, sug);
                said = true;
            }
        }
        n->bad = true;
        if (said) return;
        job_diagf(j, n->name_at, "step '%s' has no operation: add one of filter, select, "
                                 "with_column, join, group_by, sql, ... (see docs/jobs.md)",
                  n->name);
        n->bad = true;
        return;
    }
    n->op = job_op_lookup(opname);
    n->op_name = opname;
    n->op_at = jy_get(d, opname);
    if (!n->op_at) n->op_at = op_decl;
    if (n->op_at && jy_is_null(n->op_at) && opk) n->op_at = opk; /* point at the key */

    /* Every other key must be common, or an extra of this operation. */
    const char *extra = op_extra(n->op);
    for (int i = 0; i < d->n; i++) {
        const char *k = d->keys[i]->str;
        if (!strcmp(k, opname) || (extra && !strcmp(k, extra))) continue;
        bool common = false;
        for (int c = 0; step_common[c]; c++) common |= !strcmp(k, step_common[c]);
        if (common) continue;
        if (job_op_lookup(k) != OP_NONE) continue; /* reported above */
        const char *names[NOPS + 8];
        int nn = 0;
        for (int c = 0; step_common[c]; c++) names[nn++] = step_common[c];
        if (extra) names[nn++] = extra;
        for (int c = 0; c < NOPS; c++) names[nn++] = op_names[c].name;
        names[nn] = NULL;
        const char *sug = job_suggest(k, names);
        if (sug)
            job_diagf(j, d->keys[i], "unknown key '%s' in step '%s'; did you mean '%s'?", k,
                      n->name, sug);
        else
            job_diagf(j, d->keys[i], "unknown key '%s' in step '%s' (a %s step takes name, input, "
                                     "description, %s%s%s)", k, n->name, opname, opname,
                      extra ? ", " : "", extra ? extra : "");
        bad = true;
    }

    /* Inputs: input: (a name or a list), else the step before, else the
     * only source.  Multi-input operations add their list. */
    jy_node *in = jy_get(d, "input");
    job_strs ins = {0};
    if (in) get_list(j, in, "input", 1, &ins, &bad);
    bool explicit_in = in != NULL;
    jy_node *jl = n->op == OP_JOIN ? jy_get(n->op_at, "left") : NULL;
    if (jl && in) {
        job_diagf(j, jl, "join of step '%s' has both input: and left:; give one", n->name);
        bad = true;
    }
    job_strs multi = {0};
    if (op_multi_input(n->op)) {
        jy_node *pl = jy_get(d, n->op_name);
        if (pl && !jy_is_null(pl)) get_list(j, pl, n->op_name, 0, &multi, &bad);
    }
    bool need_default = !explicit_in && !jl && !(op_multi_input(n->op) && multi.n >= 2);
    if (need_default) {
        if (index_in_steps > 0) {
            job_node *prev = &j->nodes[j->nsources + index_in_steps - 1];
            add_ref(j, n, prev->name, n->name_at);
        } else if (j->nsources == 1) {
            add_ref(j, n, j->nodes[0].name, n->name_at);
        } else {
            job_diagf(j, n->name_at, "step '%s' has no input: name the node it reads with "
                                     "'input:'", n->name);
            bad = true;
        }
    }
    for (int i = 0; i < ins.n; i++) add_ref(j, n, ins.s[i], ins.at[i]);
    if (jl && jl->kind == JY_SCALAR) {
        const char *s = get_str(j, jl, "join left", &bad);
        if (s) add_ref(j, n, s, jl);
    }
    for (int i = 0; i < multi.n; i++) add_ref(j, n, multi.s[i], multi.at[i]);
    if (n->op == OP_JOIN && n->op_at && n->op_at->kind == JY_MAP) {
        jy_node *r = jy_get(n->op_at, "right");
        if (!r) {
            job_diagf(j, n->op_at, "join of step '%s' needs right: (the node to join with)",
                      n->name);
            bad = true;
        } else {
            const char *s = get_str(j, r, "join right", &bad);
            if (s) add_ref(j, n, s, r);
        }
    }
    if (!op_multi_input(n->op) && n->op != OP_SQL && n->op != OP_JOIN && ins.n > 1) {
        job_diagf(j, in, "a %s step reads one input, not %d", n->op_name, ins.n);
        bad = true;
    }
    if (n->op == OP_JOIN && n->nrefs > 2) {
        job_diagf(j, in ? in : n->name_at, "a join step reads two nodes: input: (or left:) "
                                           "and right:");
        bad = true;
    }
    if (op_multi_input(n->op) && n->nrefs < 2) {
        job_diagf(j, n->op_at, "%s needs two or more nodes", n->op_name);
        bad = true;
    }
    check_step_params(j, n, &bad);
    if (bad) n->bad = true;
}

static void check_step_params(job *j, job_node *n, bool *bad) {
    const jy_node *v = n->op_at;
    const jy_node *param = jy_get(n->def, n->op_name);
    if (!param) { /* "op: NAME" without a NAME: key: a null value where op: is */
        jy_node *z = sm_arena_alloc(j->arena, sizeof *z);
        if (!z) { j->nomem = true; *bad = true; return; }
        z->kind = JY_SCALAR;
        z->plain = true;
        z->str = "";
        z->line = v ? v->line : n->name_at->line;
        z->col = v ? v->col : n->name_at->col;
        param = z;
    }
    const char *what = n->op_name;
    switch (n->op) {
    case OP_FILTER:
        n->p.str = get_str(j, param, what, bad);
        break;
    case OP_SQL:
        n->text = get_str(j, param, what, bad);
        check_sql(j, n, v);
        break;
    case OP_SELECT:
    case OP_ORDER_BY:
        get_list(j, param, what, 1, &n->p.list, bad);
        break;
    case OP_DROP:
        get_list(j, param, what, 1, &n->p.list, bad);
        break;
    case OP_DROP_DUPLICATES:
    case OP_DESCRIBE:
        get_list(j, param, what, 0, &n->p.list, bad);
        break;
    case OP_DISTINCT:
        if (!jy_is_null(param) && !(param->kind == JY_SCALAR && !strcmp(param->str, "true"))) {
            job_diagf(j, param, "distinct takes no parameter (write 'distinct: true' or 'op: distinct')");
            *bad = true;
        }
        break;
    case OP_WITH_COLUMN:
    case OP_WITH_COLUMNS:
    case OP_RENAME:
    case OP_CAST:
        get_pairs(j, param, what, &n->p.pairs, bad);
        break;
    case OP_NA_FILL: {
        jy_node *subset = jy_get(n->def, "subset");
        if (param->kind == JY_MAP) {
            get_pairs(j, param, what, &n->p.pairs, bad);
            for (int i = 1; i < n->p.pairs.n; i += 2) {
                n->p.pairs.s[i] = sql_literal(j, n->p.pairs.at[i], n->p.pairs.s[i]);
                if (!n->p.pairs.s[i]) *bad = true;
            }
            if (subset) {
                job_diagf(j, subset, "subset: goes with a single na_fill value; a map "
                                     "{column: value} names its columns already");
                *bad = true;
            }
        } else {
            const char *s = get_str(j, param, what, bad);
            if (s) n->p.str = sql_literal(j, param, s);
            get_list(j, subset, "subset", 0, &n->p.list, bad);
        }
        break;
    }
    case OP_NA_DROP:
        n->p.str = "any";
        n->p.num = -1;
        if (jy_is_null(param)) break;
        if (param->kind == JY_SCALAR) {
            n->p.str = get_str(j, param, what, bad);
        } else if (param->kind == JY_MAP) {
            static const char *const keys[] = {"how", "thresh", "subset", NULL};
            for (int i = 0; i < param->n; i++) {
                const char *k = param->keys[i]->str;
                if (!strcmp(k, "how")) n->p.str = get_str(j, param->items[i], "how", bad);
                else if (!strcmp(k, "thresh")) get_int(j, param->items[i], "thresh", &n->p.num, bad);
                else if (!strcmp(k, "subset")) get_list(j, param->items[i], "subset", 0, &n->p.list, bad);
                else { unknown_key(j, param->keys[i], "na_drop", keys); *bad = true; }
            }
        } else {
            job_diagf(j, param, "na_drop takes 'any', 'all' or {how, thresh, subset}, not a list");
            *bad = true;
        }
        if (n->p.str && strcasecmp(n->p.str, "any") && strcasecmp(n->p.str, "all")) {
            job_diagf(j, param, "na_drop how must be 'any' or 'all', not '%s'", n->p.str);
            *bad = true;
        }
        break;
    case OP_UNION_BY_NAME: {
        jy_node *f = jy_get(n->def, "allow_missing_columns");
        if (f) get_bool(j, f, "allow_missing_columns", &n->p.flag, bad);
        break;
    }
    case OP_UNION: case OP_INTERSECT: case OP_INTERSECT_ALL: case OP_EXCEPT: case OP_EXCEPT_ALL:
        break; /* references read by check_step */
    case OP_JOIN: {
        if (param->kind != JY_MAP) {
            job_diagf(j, param, "join takes a map {right, on or using, how}");
            *bad = true;
            break;
        }
        static const char *const keys[] = {"left", "right", "on", "using", "how", NULL};
        for (int i = 0; i < param->n; i++) {
            const char *k = param->keys[i]->str;
            jy_node *val = param->items[i];
            if (!strcmp(k, "left") || !strcmp(k, "right")) continue;
            if (!strcmp(k, "on") && val->kind == JY_SEQ) {
                get_list(j, val, "on", 1, &n->p.list, bad); /* PySpark's on=[cols] */
            } else if (!strcmp(k, "on")) {
                n->p.on = get_str(j, val, "on", bad);
            } else if (!strcmp(k, "using")) {
                get_list(j, val, "using", 1, &n->p.list, bad);
            } else if (!strcmp(k, "how")) {
                n->p.how = get_str(j, val, "how", bad);
            } else {
                unknown_key(j, param->keys[i], "join", keys);
                *bad = true;
            }
        }
        if (jy_get(param, "on") && jy_get(param, "using")) {
            job_diagf(j, jy_get(param, "using"), "join takes on: or using:, not both");
            *bad = true;
        }
        static const char *const hows[] = {"inner", "cross", "outer", "full", "fullouter",
                                           "full_outer", "left", "leftouter", "left_outer",
                                           "right", "rightouter", "right_outer", "semi",
                                           "leftsemi", "left_semi", "anti", "leftanti",
                                           "left_anti", NULL};
        if (n->p.how && !in_list_ci(n->p.how, hows)) {
            const char *s = job_suggest(n->p.how, hows);
            job_diagf(j, jy_get(param, "how"), "unknown join type '%s'%s%s%s (inner, left, right, "
                                               "full, left_semi, left_anti, cross)",
                      n->p.how, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
            *bad = true;
        }
        bool cross = n->p.how && !strcasecmp(n->p.how, "cross");
        if (!n->p.on && n->p.list.n == 0 && !cross && !*bad) {
            job_diagf(j, v, "join needs on: (a condition, or a list of columns) or using: "
                            "(columns); for a cartesian product write how: cross");
            *bad = true;
        }
        break;
    }
    case OP_GROUP_BY: case OP_AGG: {
        if (n->op != OP_AGG) get_list(j, param, what, 1, &n->p.list, bad);
        const jy_node *agg = n->op == OP_AGG ? param : jy_get(n->def, "agg");
        if (!agg || jy_is_null(agg)) {
            job_diagf(j, n->op_at, "%s needs agg: (a list of aggregates such as \"avg(x) AS "
                                   "avg_x\", or a map {column: function})", what);
            *bad = true;
        } else if (agg->kind == JY_MAP) {
            n->p.agg_dict = true;
            get_pairs(j, agg, "agg", &n->p.pairs, bad);
        } else if (n->op == OP_AGG) {
            get_list(j, agg, "agg", 1, &n->p.list, bad);
        } else {
            /* group_by's list is p.list: keep the aggregates in pairs.s as
             * a plain list (values only). */
            job_strs l;
            get_list(j, agg, "agg", 1, &l, bad);
            n->p.pairs = l;
        }
        break;
    }
    case OP_LIMIT:
    case OP_OFFSET:
        get_int(j, param, what, &n->p.num, bad);
        break;
    case OP_NONE:
        break;
    }
}

/* ---- sinks --------------------------------------------------------------------------------------- */

static const char *const sink_keys[] = {"name", "input", "format", "path", "table", "mode",
                                        "options", "partition_by", "description", NULL};

static void check_sink(job *j, job_sink *k) {
    const jy_node *d = k->at;
    bool bad = false;
    for (int i = 0; i < d->n; i++)
        if (!in_list_ci(d->keys[i]->str, sink_keys) ||
            strcmp(d->keys[i]->str, in_list_ci(d->keys[i]->str, sink_keys))) {
            unknown_key(j, d->keys[i], "a sink", sink_keys);
            bad = true;
        }
    jy_node *in = jy_get(d, "input");
    if (!in) {
        job_diagf(j, d, "a sink needs input: (the node it writes)");
        bad = true;
    } else {
        k->input.name = get_str(j, in, "input", &bad);
        k->input.at = in;
    }
    jy_node *nm = jy_get(d, "name");
    k->name = nm ? get_str(j, nm, "name", &bad) : k->input.name;
    if (!k->name) k->name = "?";
    jy_node *path = jy_get(d, "path"), *table = jy_get(d, "table"), *fmt = jy_get(d, "format");
    if (!!path + !!table != 1) {
        job_diagf(j, d, path ? "sink '%s' has both path: and table:; give one"
                             : "sink '%s' needs path: (files) or table: (a catalog table)",
                  k->name);
        bad = true;
    }
    if (path) k->path = get_str(j, path, "path", &bad);
    if (table) k->table = get_str(j, table, "table", &bad);
    k->format = fmt ? get_str(j, fmt, "format", &bad) : path ? "csv" : NULL;
    bool parquet = k->format && !strcasecmp(k->format, "parquet");
    bool json = k->format && !strcasecmp(k->format, "json");
    if (k->format && strcasecmp(k->format, "csv") && !parquet && !json) {
        job_diagf(j, fmt, "format '%s' is not supported for writing yet: smelt writes csv, json "
                          "and parquet",
                  k->format);
        bad = true;
    }
    jy_node *mode = jy_get(d, "mode");
    if (mode) {
        k->mode = get_str(j, mode, "mode", &bad);
        if (k->mode && !in_list_ci(k->mode, save_modes)) {
            const char *s = job_suggest(k->mode, save_modes);
            job_diagf(j, mode, "unknown save mode '%s'%s%s%s (error, overwrite, append, ignore)",
                      k->mode, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
            bad = true;
        }
    }
    char where[160];
    snprintf(where, sizeof where, "sink '%s'", k->name);
    get_options(j, jy_get(d, "options"), where,
                parquet ? parquet_write_opts : json ? json_write_opts : csv_write_opts, &k->options, &bad);
    /* partition_by: a column or a list of columns (Hive-style col=value/ directories) */
    jy_node *pb = jy_get(d, "partition_by");
    if (pb && !jy_is_null(pb) && k->path) {
        sm_buf cols = {0};
        if (pb->kind == JY_SCALAR) {
            sm_buf_appendf(&cols, "%s", pb->str);
        } else if (pb->kind == JY_SEQ) {
            for (int i = 0; i < pb->n; i++) {
                if (pb->items[i]->kind != JY_SCALAR) {
                    job_diagf(j, pb->items[i], "partition_by of sink '%s' lists column names", k->name);
                    bad = true;
                    continue;
                }
                sm_buf_appendf(&cols, "%s`%s`", i ? "," : "", pb->items[i]->str);
            }
        } else {
            job_diagf(j, pb, "partition_by of sink '%s' must be a column or a list of columns", k->name);
            bad = true;
        }
        const char **ns = sm_arena_alloc(j->arena, (size_t)(k->options.n + 2) * sizeof *ns);
        jy_node **na = sm_arena_alloc(j->arena, (size_t)(k->options.n + 2) * sizeof *na);
        const char *v = sm_buf_cstr(&cols) ? sm_arena_strdup(j->arena, cols.data) : NULL;
        sm_buf_free(&cols);
        if (!ns || !na || !v) {
            bad = true;
        } else {
            if (k->options.n) {
                memcpy(ns, k->options.s, (size_t)k->options.n * sizeof *ns);
                memcpy(na, k->options.at, (size_t)k->options.n * sizeof *na);
            }
            ns[k->options.n] = "partitionBy";
            na[k->options.n] = pb;
            ns[k->options.n + 1] = v;
            na[k->options.n + 1] = pb;
            k->options.s = ns;
            k->options.at = na;
            k->options.n += 2;
        }
    } else if (pb && !jy_is_null(pb)) {
        job_diagf(j, pb, "partition_by of sink '%s' needs a path: sink (files)", k->name);
        bad = true;
    }
    /* Values smelt's writer would reject only when it runs: check them now. */
    for (int i = 0; i + 1 < k->options.n; i += 2) {
        const char *key = k->options.s[i], *val = k->options.s[i + 1];
        jy_node *at = k->options.at[i + 1];
        if (in_list_ci(key, write_bool_opts) && strcasecmp(val, "true") && strcasecmp(val, "false")) {
            job_diagf(j, at, "option %s of sink '%s' must be true or false, not '%s'", key,
                      k->name, val);
            bad = true;
        } else if ((!strcasecmp(key, "quote") || !strcasecmp(key, "escape")) && strlen(val) > 1) {
            job_diagf(j, at, "option %s of sink '%s' is one character, not '%s'", key, k->name, val);
            bad = true;
        } else if (!parquet && (!strcasecmp(key, "compression") || !strcasecmp(key, "codec")) &&
                   sm_fs_codec_parse(val, &(sm_fs_codec){0}) != SM_OK) {
            /* (a Parquet codec is checked by the writer: snappy, zstd, gzip, lz4, ...) */
            job_diagf(j, at, "compression '%s' of sink '%s' is not supported; use none, gzip, "
                      "bzip2, deflate, lz4, snappy or zstd", val, k->name);
            bad = true;
        } else if ((!strcasecmp(key, "sep") || !strcasecmp(key, "delimiter")) && !*val) {
            job_diagf(j, at, "option %s of sink '%s' cannot be empty", key, k->name);
            bad = true;
        }
    }
    if (bad) k->bad = true;
}

/* ---- references and cycles ------------------------------------------------------------------------- */

static int find_node(job *j, const char *name) {
    for (int i = 0; i < j->nnodes; i++)
        if (!strcmp(j->nodes[i].name, name)) return i;
    return -1;
}

static void unknown_node(job *j, const job_ref *r, const char *who) {
    const char **names = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(j->nnodes + 1));
    if (!names) { j->nomem = true; return; }
    for (int i = 0; i < j->nnodes; i++) names[i] = j->nodes[i].name;
    const char *s = job_suggest(r->name, names);
    if (s)
        job_diagf(j, r->at, "unknown node '%s' in %s; did you mean '%s'?", r->name, who, s);
    else
        job_diagf(j, r->at, "unknown node '%s' in %s: no source or step has that name", r->name,
                  who);
}

static void resolve(job *j) {
    for (int i = 0; i < j->nnodes; i++) {
        job_node *n = &j->nodes[i];
        for (int r = 0; r < n->nrefs; r++) {
            n->refs[r].node = find_node(j, n->refs[r].name);
            if (n->refs[r].node < 0) {
                char who[160];
                snprintf(who, sizeof who, "step '%s'", n->name);
                unknown_node(j, &n->refs[r], who);
                n->bad = true;
            }
        }
    }
    for (int i = 0; i < j->nsinks; i++) {
        job_sink *k = &j->sinks[i];
        if (!k->input.name) continue;
        k->input.node = find_node(j, k->input.name);
        if (k->input.node < 0) {
            char who[160];
            snprintf(who, sizeof who, "sink '%s'", k->name);
            unknown_node(j, &k->input, who);
            k->bad = true;
        }
    }
}

/* Iterative DFS; a reference to a node on the stack closes a cycle. */
static void find_cycles(job *j) {
    int *stack = sm_malloc(sizeof(int) * (size_t)(j->nnodes + 1));
    int *next = sm_malloc(sizeof(int) * (size_t)(j->nnodes + 1));
    if (!stack || !next) { j->nomem = true; sm_free(stack); sm_free(next); return; }
    for (int start = 0; start < j->nnodes; start++) {
        if (j->nodes[start].visit) continue;
        int sp = 0;
        stack[sp] = start;
        next[sp] = 0;
        j->nodes[start].visit = 1;
        while (sp >= 0) {
            job_node *n = &j->nodes[stack[sp]];
            if (next[sp] >= n->nrefs) {
                n->visit = 2;
                sp--;
                continue;
            }
            job_ref *r = &n->refs[next[sp]++];
            if (r->node < 0) continue;
            job_node *m = &j->nodes[r->node];
            if (m->visit == 0) {
                m->visit = 1;
                sp++;
                stack[sp] = r->node;
                next[sp] = 0;
            } else if (m->visit == 1) {
                sm_buf b = {0};
                int from = sp;
                while (from > 0 && stack[from] != r->node) from--;
                for (int k = from; k <= sp; k++)
                    sm_buf_appendf(&b, "%s <- ", j->nodes[stack[k]].name);
                sm_buf_appendf(&b, "%s", m->name);
                job_diagf(j, r->at, "cycle: %s; a step cannot read its own output, directly or "
                                    "through other steps", b.data ? b.data : m->name);
                sm_buf_free(&b);
                for (int k = from; k <= sp; k++) j->nodes[stack[k]].bad = true;
            }
        }
    }
    sm_free(stack);
    sm_free(next);
}

int job_check(job *j) {
    if (!j->parsed) return SM_INVALID;
    for (int i = 0; i < j->nargs; i++) {
        job_arg *a = &j->args[i];
        if (!a->value && a->def) a->value = a->def;
        if (!a->value && !a->required) a->value = "";
        if (!a->value && !a->reported) {
            a->reported = true;
            job_diagf(j, a->at, "missing argument '%s'%s%s%s: pass --arg %s=VALUE", a->name,
                      a->description ? " (" : "", a->description ? a->description : "",
                      a->description ? ")" : "", a->name);
        }
    }
    for (int i = 0; i < j->nnodes; i++) {
        job_node *n = &j->nodes[i];
        if (n->bad) continue;
        if (n->kind == JOB_STEP) check_step(j, n, i - j->nsources);
        else check_source(j, n);
    }
    for (int i = 0; i < j->nsinks; i++) check_sink(j, &j->sinks[i]);
    resolve(j);
    find_cycles(j);
    if (j->nomem) return SM_NOMEM;
    return j->ndiags ? SM_INVALID : SM_OK;
}

int job_set_arg(job *j, const char *name, const char *value) {
    if (!j->parsed) return SM_INVALID; /* the YAML error says it all */
    for (int i = 0; i < j->nargs; i++)
        if (!strcmp(j->args[i].name, name)) {
            j->args[i].value = sm_arena_strdup(j->arena, value);
            return j->args[i].value ? SM_OK : SM_NOMEM;
        }
    const char **names = sm_arena_alloc(j->arena, sizeof(char *) * (size_t)(j->nargs + 1));
    if (!names) return SM_NOMEM;
    for (int i = 0; i < j->nargs; i++) names[i] = j->args[i].name;
    const char *s = job_suggest(name, names);
    if (s) return job_diagf(j, NULL, "--arg %s: the job has no argument '%s'; did you mean '%s'?",
                            name, name, s);
    return job_diagf(j, NULL, "--arg %s: the job has no argument '%s'%s", name, name,
                     j->nargs ? "" : " (it declares no args)");
}
