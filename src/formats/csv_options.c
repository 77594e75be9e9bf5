/*
 * csv_options.c — Spark's CSV options (CSVOptions.scala) parsed into
 * csv_options.
 *
 * Keys are case-insensitive.  Values follow Spark's checks: booleans are
 * "true"/"false" (any case) and anything else is "<name> flag can be true or
 * false."; single-character options reject longer values; an empty quote
 * turns quoting off; sep accepts several characters and the escapes \t,
 * \n, \\ and \uXXXX as Spark's CSVExprUtils.toDelimiterStr does.  An unknown
 * mode falls back to PERMISSIVE as in Spark (ParseMode.fromString).
 * Unknown keys are ignored, as Spark ignores them.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "common/status.h"
#include "formats/csv.h"

static int set_str(char **dst, const char *v) {
    char *c = sm_strdup(v);
    if (!c) return SM_NOMEM;
    sm_free(*dst);
    *dst = c;
    return SM_OK;
}

static int get_bool(const char *key, const char *v, bool *out) {
    if (strcasecmp(v, "true") == 0) *out = true;
    else if (strcasecmp(v, "false") == 0) *out = false;
    else
        return sm_err(SM_INVALID, "CSV option %s=%s: %s flag can be true or false.", key, v, key);
    return SM_OK;
}

/* Spark's getChar: "" means '\0' (off), one character, else an error. */
static int get_char(const char *key, const char *v, int *out) {
    size_t n = strlen(v);
    if (n == 0) { *out = -1; return SM_OK; }
    if (n == 1) { *out = (unsigned char)v[0]; return SM_OK; }
    if (n == 2 && v[0] == '\\') {
        switch (v[1]) {
        case 't': *out = '\t'; return SM_OK;
        case '\\': *out = '\\'; return SM_OK;
        default: break;
        }
    }
    if (n == 6 && v[0] == '\\' && v[1] == 'u' && strcmp(v, "\\u0000") == 0) { *out = -1; return SM_OK; }
    return sm_err(SM_INVALID, "CSV option %s='%s': %s cannot be more than one character.", key, v, key);
}

/* CSVExprUtils.toDelimiterStr. */
static int get_sep(const char *v, csv_options *o) {
    size_t n = strlen(v);
    if (n == 0) return sm_err(SM_INVALID, "CSV option sep='': Delimiter cannot be empty string");
    sm_buf b = {0};
    for (size_t i = 0; i < n;) {
        int rc;
        if (v[i] == '\\' && i + 1 < n) {
            char c = v[i + 1];
            if (c == 't') { rc = sm_buf_putc(&b, '\t'); i += 2; }
            else if (c == 'n') { rc = sm_buf_putc(&b, '\n'); i += 2; }
            else if (c == 'r') { rc = sm_buf_putc(&b, '\r'); i += 2; }
            else if (c == '\\') { rc = sm_buf_putc(&b, '\\'); i += 2; }
            else if (c == 'u' && i + 6 <= n) {
                char hex[5] = {v[i + 2], v[i + 3], v[i + 4], v[i + 5], 0};
                char *endp;
                long cp = strtol(hex, &endp, 16);
                if (*endp || cp >= 0x80) {
                    sm_buf_free(&b);
                    return sm_err(SM_UNSUPPORTED, "CSV option sep='%s': only ASCII \\u escapes are supported", v);
                }
                rc = sm_buf_putc(&b, (char)cp);
                i += 6;
            } else {
                sm_buf_free(&b);
                return sm_err(SM_INVALID, "CSV option sep='%s': Unsupported special character for delimiter: \\%c", v, c);
            }
        } else {
            rc = sm_buf_putc(&b, v[i]);
            i++;
        }
        if (rc) { sm_buf_free(&b); return SM_NOMEM; }
    }
    sm_buf_cstr(&b);
    sm_free(o->sep);
    o->sep = b.data;
    o->sep_len = (int)b.len;
    return SM_OK;
}

static bool is_utf8_name(const char *v) {
    return strcasecmp(v, "utf-8") == 0 || strcasecmp(v, "utf8") == 0;
}
static bool is_latin1_name(const char *v) {
    return strcasecmp(v, "iso-8859-1") == 0 || strcasecmp(v, "iso8859-1") == 0 ||
           strcasecmp(v, "iso8859_1") == 0 || strcasecmp(v, "latin1") == 0 ||
           strcasecmp(v, "iso-latin-1") == 0 || strcasecmp(v, "l1") == 0;
}

static int defaults(csv_options *o) {
    memset(o, 0, sizeof *o);
    o->prefer_date = true;
    o->quote = '"';
    o->escape = '\\';
    o->comment = -1;
    o->mode = CSV_PERMISSIVE;
    o->sep = sm_strdup(",");
    o->sep_len = 1;
    o->null_value = sm_strdup("");
    o->empty_value = sm_strdup("");
    o->nan_value = sm_strdup("NaN");
    o->pos_inf = sm_strdup("Inf");
    o->neg_inf = sm_strdup("-Inf");
    o->corrupt_col = sm_strdup("_corrupt_record");
    if (!o->sep || !o->null_value || !o->empty_value || !o->nan_value || !o->pos_inf ||
        !o->neg_inf || !o->corrupt_col)
        return SM_NOMEM;
    return SM_OK;
}

static int apply(csv_options *o, const char *k, const char *v) {
#define KEY(s) (strcasecmp(k, s) == 0)
    if (KEY("header")) return get_bool(k, v, &o->header);
    if (KEY("inferSchema")) return get_bool(k, v, &o->infer_schema);
    if (KEY("multiLine")) return get_bool(k, v, &o->multiline);
    if (KEY("preferDate")) return get_bool(k, v, &o->prefer_date);
    if (KEY("ignoreLeadingWhiteSpace")) return get_bool(k, v, &o->ignore_leading_ws);
    if (KEY("ignoreTrailingWhiteSpace")) return get_bool(k, v, &o->ignore_trailing_ws);
    if (KEY("sep") || KEY("delimiter")) return get_sep(v, o);
    if (KEY("quote")) return get_char(k, v, &o->quote);
    if (KEY("escape")) return get_char(k, v, &o->escape);
    if (KEY("comment")) return get_char(k, v, &o->comment);
    if (KEY("nullValue")) return set_str(&o->null_value, v);
    if (KEY("emptyValue")) return set_str(&o->empty_value, v);
    if (KEY("nanValue")) return set_str(&o->nan_value, v);
    if (KEY("positiveInf")) return set_str(&o->pos_inf, v);
    if (KEY("negativeInf")) return set_str(&o->neg_inf, v);
    if (KEY("dateFormat")) return set_str(&o->date_format, v);
    if (KEY("timestampFormat")) return set_str(&o->timestamp_format, v);
    if (KEY("columnNameOfCorruptRecord")) return set_str(&o->corrupt_col, v);
    if (KEY("mode")) {
        if (strcasecmp(v, "DROPMALFORMED") == 0) o->mode = CSV_DROPMALFORMED;
        else if (strcasecmp(v, "FAILFAST") == 0) o->mode = CSV_FAILFAST;
        else o->mode = CSV_PERMISSIVE; /* Spark: unknown modes fall back to PERMISSIVE */
        return SM_OK;
    }
    if (KEY("encoding") || KEY("charset")) {
        if (is_utf8_name(v)) { o->latin1 = false; return SM_OK; }
        if (is_latin1_name(v)) { o->latin1 = true; return SM_OK; }
        return sm_err(SM_UNSUPPORTED,
                      "CSV option %s=%s: only UTF-8 and ISO-8859-1 input is supported; "
                      "convert the file to UTF-8 (e.g. iconv -f %s -t UTF-8)", k, v, v);
    }
    if (KEY("lineSep")) {
        size_t n = strlen(v);
        if (n == 0) return sm_err(SM_INVALID, "CSV option lineSep: 'lineSep' cannot be an empty string.");
        if (n > 1 && !(n == 2 && v[0] == '\r' && v[1] == '\n'))
            return sm_err(SM_INVALID, "CSV option lineSep='%s': 'lineSep' can contain only 1 character.", v);
        SM_TRY(set_str(&o->line_sep, v));
        o->line_sep_len = (int)n;
        return SM_OK;
    }
    return SM_OK;
#undef KEY
}

int csv_options_parse(const char *const *kv, csv_options *out) {
    if (defaults(out) != SM_OK) {
        csv_options_free(out);
        return sm_err(SM_NOMEM, "out of memory parsing CSV options");
    }
    for (int i = 0; kv && kv[i]; i += 2) {
        const char *v = kv[i + 1] ? kv[i + 1] : "";
        int rc = apply(out, kv[i], v);
        if (rc) {
            if (rc == SM_NOMEM) sm_err(SM_NOMEM, "out of memory parsing CSV options");
            csv_options_free(out);
            return rc;
        }
    }
    out->null_len = (int32_t)strlen(out->null_value);
    out->empty_len = (int32_t)strlen(out->empty_value);
    out->nan_len = (int32_t)strlen(out->nan_value);
    out->pos_inf_len = (int32_t)strlen(out->pos_inf);
    out->neg_inf_len = (int32_t)strlen(out->neg_inf);
    out->special_max_len = out->nan_len;
    if (out->pos_inf_len > out->special_max_len) out->special_max_len = out->pos_inf_len;
    if (out->neg_inf_len > out->special_max_len) out->special_max_len = out->neg_inf_len;
    return SM_OK;
}

void csv_options_free(csv_options *o) {
    sm_free(o->sep);
    sm_free(o->null_value);
    sm_free(o->empty_value);
    sm_free(o->nan_value);
    sm_free(o->pos_inf);
    sm_free(o->neg_inf);
    sm_free(o->date_format);
    sm_free(o->timestamp_format);
    sm_free(o->corrupt_col);
    sm_free(o->line_sep);
    memset(o, 0, sizeof *o);
}
