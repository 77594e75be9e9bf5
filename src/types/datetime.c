/*
 * datetime.c — civil calendar, time zones, Spark's CAST text rules and Java
 * DateTimeFormatter patterns.
 *
 * Calendar.  Dates are days since 1970-01-01 in the proleptic Gregorian
 * calendar; conversions use Howard Hinnant's days_from_civil /
 * civil_from_days (400-year eras, exact for every year that fits).  Years
 * are int64 on the way in so "year 12345" or "-44" work.
 *
 * Time zones.  An sm_tz is either a fixed offset (UTC, "+02:00", "GMT-5",
 * "UTC+1", "Z") or a region read from the system's TZif files
 * (/usr/share/zoneinfo/<id>; $TZDIR overrides the directory).  From a TZif
 * file the version-2 64-bit section is used: transition instants, the
 * offset in force after each, abbreviations ("PDT"), and the footer POSIX TZ
 * string ("PST8PDT,M3.2.0,M11.1.0") which gives the rule for instants after
 * the last listed transition (Debian ships "slim" files that stop in 2007
 * for Los Angeles).  Before the first transition the zone's first local
 * time type applies (local mean time, e.g. -07:52:58 for Los Angeles),
 * which is what java.time does too.
 *
 * Local → UTC (sm_tz_offset_at_local) follows ZonedDateTime.of: in an
 * overlap the earlier offset (the one before the transition) wins; in a gap
 * the offset before the transition is used, which moves the wall time
 * forward by the gap's length (02:30 on a spring-forward day becomes 03:30).
 *
 * Zones are cached for the process lifetime in a mutex-guarded table; a
 * returned sm_tz is immutable and may be shared by any number of threads.
 *
 * CAST rules.  sm_parse_date and sm_parse_timestamp are ports of Spark 3.5's
 * DateTimeUtils.stringToDate / parseTimestampString (segment state machine;
 * see the comments there), checked against PySpark.
 *
 * Patterns.  sm_dtfmt_compile turns a DateTimeFormatter pattern into a list
 * of items, applying Spark's restrictions (week-based letters Y w W u e c
 * rejected, A B n N p illegal, five-letter text styles rejected, at most ten
 * 'y').  Parsing follows Spark's Iso8601TimestampFormatter: case-insensitive,
 * strict widths, fraction runs accept 1..n digits, the whole input must be
 * consumed, missing fields default to 1970-01-01 00:00:00, and the STRICT
 * resolver rejects impossible dates.  Spark's default parser policy
 * (EXCEPTION) raises an error when the 2.x parser would have accepted text
 * that the new one rejects; smelt behaves as the CORRECTED policy (null).
 *
 * Memory: sm_dtfmt objects are owned by the caller (sm_dtfmt_free); they are
 * immutable after compilation and safe to share between threads.
 */
#include "types/datetime.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/status.h"

/* ======================================================================
 * Calendar
 * ====================================================================== */

static int64_t floordiv64(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int64_t days_from_civil64(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int32_t sm_days_from_civil(int64_t y, int m, int d) {
    return (int32_t)days_from_civil64(y, m, d);
}

static void civil_from_days64(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

void sm_civil_from_days(int32_t days, int *y, int *m, int *d) {
    int64_t yy;
    civil_from_days64(days, &yy, m, d);
    *y = (int)yy;
}

int32_t sm_micros_to_days(int64_t micros) {
    return (int32_t)floordiv64(micros, SM_MICROS_PER_DAY);
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* ======================================================================
 * Time zones
 * ====================================================================== */

typedef struct {
    int kind;     /* 0: M month.week.day, 1: J julian (no leap day), 2: zero-based day */
    int month, week, wday, day;
    int32_t time; /* seconds after local midnight (may be negative or > 24h) */
} tz_rule;

typedef struct {
    int32_t offset;
    bool dst;
    char abbr[16];
} tz_type;

struct sm_tz {
    char *name;
    bool fixed;
    int32_t fixed_offset;
    /* region */
    int ntrans;
    int64_t *trans;       /* UTC seconds */
    uint8_t *trans_type;  /* index into types */
    int ntypes;
    tz_type *types;
    int initial_type;
    /* footer rule */
    bool has_rule, rule_dst;
    int32_t std_off, dst_off;
    char std_abbr[16], dst_abbr[16];
    tz_rule start, end;
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static sm_tz tz_utc_zone = {.name = "UTC", .fixed = true, .fixed_offset = 0};

const sm_tz *sm_tz_utc(void) { return &tz_utc_zone; }
const char *sm_tz_name(const sm_tz *tz) { return tz->name; }

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static int64_t be64(const uint8_t *p) { return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4)); }

/* POSIX TZ string pieces. */
static const char *posix_name(const char *p, char *out) {
    int n = 0;
    if (*p == '<') {
        p++;
        while (*p && *p != '>') {
            if (n < 15) out[n++] = *p;
            p++;
        }
        if (*p != '>') return NULL;
        p++;
    } else {
        while (isalpha((unsigned char)*p)) {
            if (n < 15) out[n++] = *p;
            p++;
        }
    }
    out[n] = 0;
    return n >= 1 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] → seconds */
static const char *posix_time(const char *p, int32_t *out) {
    int sign = 1;
    if (*p == '+' || *p == '-') {
        if (*p == '-') sign = -1;
        p++;
    }
    if (!isdigit((unsigned char)*p)) return NULL;
    int32_t v[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (*p != ':') break;
            p++;
        }
        if (!isdigit((unsigned char)*p)) return NULL;
        int32_t x = 0;
        while (isdigit((unsigned char)*p)) x = x * 10 + (*p++ - '0');
        v[k] = x;
    }
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    return p;
}

static const char *posix_rule(const char *p, tz_rule *r) {
    memset(r, 0, sizeof *r);
    r->time = 7200;
    if (*p == 'M') {
        r->kind = 0;
        if (sscanf(p + 1, "%d.%d.%d", &r->month, &r->week, &r->wday) != 3) return NULL;
        p++;
        while (*p && *p != '/' && *p != ',') p++;
    } else if (*p == 'J') {
        r->kind = 1;
        p++;
        r->day = 0;
        while (isdigit((unsigned char)*p)) r->day = r->day * 10 + (*p++ - '0');
    } else if (isdigit((unsigned char)*p)) {
        r->kind = 2;
        while (isdigit((unsigned char)*p)) r->day = r->day * 10 + (*p++ - '0');
    } else {
        return NULL;
    }
    if (*p == '/') {
        p = posix_time(p + 1, &r->time);
        if (!p) return NULL;
    }
    return p;
}

static void parse_footer(sm_tz *z, const char *s) {
    int32_t off;
    const char *p = posix_name(s, z->std_abbr);
    if (!p || !(p = posix_time(p, &off))) return;
    z->std_off = -off;
    if (!*p) {
        z->has_rule = true;
        z->rule_dst = false;
        return;
    }
    p = posix_name(p, z->dst_abbr);
    if (!p) return;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = posix_time(p, &off))) return;
        z->dst_off = -off;
    }
    if (*p != ',') return;
    if (!(p = posix_rule(p + 1, &z->start)) || *p != ',') return;
    if (!(p = posix_rule(p + 1, &z->end))) return;
    z->has_rule = true;
    z->rule_dst = true;
}

/* Local day (days since epoch) on which rule r falls in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y) {
    if (r->kind == 1) {
        int d = r->day; /* 1..365, Feb 29 never counted */
        int64_t base = days_from_civil64(y, 1, 1) + d - 1;
        if (is_leap(y) && d >= 60) base++;
        return base;
    }
    if (r->kind == 2) return days_from_civil64(y, 1, 1) + r->day;
    int64_t first = days_from_civil64(y, r->month, 1);
    int wd_first = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday (4) */
    int64_t d = first + ((r->wday - wd_first + 7) % 7) + (int64_t)(r->week - 1) * 7;
    int dim = days_in_month(y, r->month);
    while (d >= first + dim) d -= 7;
    return d;
}

/* Offset (and dst flag) from the footer rule at UTC second t. */
static int32_t rule_offset(const sm_tz *z, int64_t t, bool *dst) {
    *dst = false;
    if (!z->rule_dst) return z->std_off;
    int64_t y;
    int m, d;
    civil_from_days64(floordiv64(t + z->std_off, 86400), &y, &m, &d);
    /* DST start is given in standard local time, end in DST local time. */
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
    bool in;
    if (start < end) in = t >= start && t < end;
    else in = !(t >= end && t < start);
    *dst = in;
    return in ? z->dst_off : z->std_off;
}

static int32_t region_offset(const sm_tz *z, int64_t t, bool *dst, const char **abbr) {
    int lo = 0, hi = z->ntrans; /* first transition > t */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (z->trans[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    if (lo == z->ntrans && z->has_rule && (z->ntrans > 0 || z->ntypes == 0)) {
        int32_t o = rule_offset(z, t, dst);
        if (abbr) *abbr = *dst ? z->dst_abbr : z->std_abbr;
        return o;
    }
    const tz_type *ty = lo == 0 ? &z->types[z->initial_type] : &z->types[z->trans_type[lo - 1]];
    *dst = ty->dst;
    if (abbr) *abbr = ty->abbr;
    return ty->offset;
}

int32_t sm_tz_offset_at_utc(const sm_tz *tz, int64_t utc_micros) {
    if (tz->fixed) return tz->fixed_offset;
    bool dst;
    return region_offset(tz, floordiv64(utc_micros, SM_MICROS_PER_SECOND), &dst, NULL);
}

/* Abbreviation in force at an instant ("PDT"); NULL for fixed zones. */
static const char *tz_abbr_at(const sm_tz *tz, int64_t utc_micros, bool *dst) {
    *dst = false;
    if (tz->fixed) return NULL;
    const char *abbr = NULL;
    region_offset(tz, floordiv64(utc_micros, SM_MICROS_PER_SECOND), dst, &abbr);
    return abbr;
}

int32_t sm_tz_offset_at_local(const sm_tz *tz, int64_t local_micros) {
    if (tz->fixed) return tz->fixed_offset;
    int64_t l = floordiv64(local_micros, SM_MICROS_PER_SECOND);
    bool dst;
    /* Offsets a day either side; real zones never have two transitions
     * that close together. */
    int32_t before = region_offset(tz, l - 86400 * 2, &dst, NULL);
    int32_t after = region_offset(tz, l + 86400 * 2, &dst, NULL);
    bool ok_before = region_offset(tz, l - before, &dst, NULL) == before;
    if (before == after) {
        if (ok_before) return before;
        /* two transitions in the window: fall back to a fixpoint */
        int32_t o = region_offset(tz, l - before, &dst, NULL);
        return region_offset(tz, l - o, &dst, NULL) == o ? o : before;
    }
    bool ok_after = region_offset(tz, l - after, &dst, NULL) == after;
    if (ok_before) return before; /* overlap or plain: the earlier offset */
    if (ok_after) return after;
    return before; /* gap: shift forward */
}

static sm_tz *tz_load_file(const char *name) {
    if (!name[0] || name[0] == '/' || strstr(name, "..")) return NULL;
    for (const char *c = name; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '/' || *c == '_' || *c == '-' || *c == '+'))
            return NULL;
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = "/usr/share/zoneinfo";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 8192;
            if (nc > (1u << 24)) break;
            uint8_t *nb = sm_realloc(buf, nc);
            if (!nb) break;
            buf = nb;
            cap = nc;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        if (r == 0) break;
        len += r;
    }
    fclose(f);
    sm_tz *z = NULL;
    if (!buf || len < 44 || memcmp(buf, "TZif", 4) != 0) goto done;
    const uint8_t *p = buf;
    size_t pos = 0;
    int version = buf[4];
    /* header counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
    uint32_t c[6];
    for (int k = 0; k < 6; k++) c[k] = be32(p + 20 + 4 * k);
    int tsize = 4;
    if (version >= '2') {
        /* skip the v1 block */
        size_t v1 = 44 + (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
        if (v1 + 44 > len || memcmp(buf + v1, "TZif", 4) != 0) goto done;
        pos = v1;
        for (int k = 0; k < 6; k++) c[k] = be32(buf + pos + 20 + 4 * k);
        tsize = 8;
    }
    pos += 44;
    uint32_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
    size_t need = (size_t)timecnt * tsize + timecnt + (size_t)typecnt * 6 + charcnt +
                  (size_t)c[2] * (tsize + 4) + c[1] + c[0];
    if (typecnt == 0 || pos + need > len || typecnt > 255) goto done;
    z = sm_calloc(1, sizeof *z);
    if (!z) goto done;
    z->ntrans = (int)timecnt;
    z->ntypes = (int)typecnt;
    z->trans = sm_calloc(timecnt ? timecnt : 1, sizeof(int64_t));
    z->trans_type = sm_calloc(timecnt ? timecnt : 1, 1);
    z->types = sm_calloc(typecnt, sizeof(tz_type));
    z->name = sm_strdup(name);
    if (!z->trans || !z->trans_type || !z->types || !z->name) goto fail;
    for (uint32_t i = 0; i < timecnt; i++)
        z->trans[i] = tsize == 8 ? be64(buf + pos + 8 * i) : (int32_t)be32(buf + pos + 4 * i);
    pos += (size_t)timecnt * tsize;
    for (uint32_t i = 0; i < timecnt; i++) {
        z->trans_type[i] = buf[pos + i];
        if (z->trans_type[i] >= typecnt) goto fail;
    }
    pos += timecnt;
    size_t types_at = pos;
    pos += (size_t)typecnt * 6;
    const char *chars = (const char *)buf + pos;
    for (uint32_t i = 0; i < typecnt; i++) {
        const uint8_t *t = buf + types_at + 6 * i;
        z->types[i].offset = (int32_t)be32(t);
        z->types[i].dst = t[4] != 0;
        unsigned ai = t[5];
        if (ai < charcnt) {
            size_t n = strnlen(chars + ai, charcnt - ai);
            if (n > 15) n = 15;
            memcpy(z->types[i].abbr, chars + ai, n);
            z->types[i].abbr[n] = 0;
        }
    }
    z->initial_type = 0;
    pos += charcnt + (size_t)c[2] * (tsize + 4) + c[1] + c[0];
    if (version >= '2' && pos < len && buf[pos] == '\n') {
        size_t e = pos + 1;
        while (e < len && buf[e] != '\n') e++;
        char footer[128];
        size_t n = e - pos - 1;
        if (n > 0 && n < sizeof footer) {
            memcpy(footer, buf + pos + 1, n);
            footer[n] = 0;
            parse_footer(z, footer);
        }
    }
    goto done;
fail:
    sm_free(z->trans);
    sm_free(z->trans_type);
    sm_free(z->types);
    sm_free(z->name);
    sm_free(z);
    z = NULL;
done:
    sm_free(buf);
    return z;
}

/* Parses an offset body after a sign: "h", "hh", "hh:mm", "hhmm", "hh:mm:ss",
 * "hhmmss".  Returns seconds or -1. */
static int32_t parse_offset_body(const char *s, size_t n) {
    int v[3] = {0, 0, 0}, k = 0;
    size_t i = 0;
    bool colon = false;
    /* hours: 1 or 2 digits */
    int hd = 0;
    while (i < n && isdigit((unsigned char)s[i]) && hd < 2) v[0] = v[0] * 10 + (s[i++] - '0'), hd++;
    if (hd == 0) return -1;
    if (hd == 1 && i < n && s[i] != ':') return -1;
    k = 1;
    while (i < n && k < 3) {
        if (s[i] == ':') {
            if (k == 1) colon = true;
            else if (!colon) return -1;
            i++;
        } else if (colon) {
            return -1;
        }
        if (i + 2 > n || !isdigit((unsigned char)s[i]) || !isdigit((unsigned char)s[i + 1]))
            return -1;
        v[k++] = (s[i] - '0') * 10 + (s[i + 1] - '0');
        i += 2;
    }
    if (i != n || v[0] > 18 || v[1] > 59 || v[2] > 59) return -1;
    int32_t secs = v[0] * 3600 + v[1] * 60 + v[2];
    return secs > 18 * 3600 ? -1 : secs;
}

/* "+02:00" style; returns false if not an offset. */
static bool parse_offset(const char *s, size_t n, int32_t *out) {
    if (n < 2 || (s[0] != '+' && s[0] != '-')) return false;
    int32_t v = parse_offset_body(s + 1, n - 1);
    if (v < 0) return false;
    *out = s[0] == '-' ? -v : v;
    return true;
}

static bool name_eq(const char *a, size_t n, const char *b) {
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

/* java.time's ZoneId.SHORT_IDS, which Spark passes to ZoneId.of. */
static const char *short_id(const char *s, size_t n) {
    static const char *map[][2] = {
        {"ACT", "Australia/Darwin"},      {"AET", "Australia/Sydney"},
        {"AGT", "America/Argentina/Buenos_Aires"}, {"ART", "Africa/Cairo"},
        {"AST", "America/Anchorage"},     {"BET", "America/Sao_Paulo"},
        {"BST", "Asia/Dhaka"},            {"CAT", "Africa/Harare"},
        {"CNT", "America/St_Johns"},      {"CST", "America/Chicago"},
        {"CTT", "Asia/Shanghai"},         {"EAT", "Africa/Addis_Ababa"},
        {"ECT", "Europe/Paris"},          {"IET", "America/Indiana/Indianapolis"},
        {"IST", "Asia/Kolkata"},          {"JST", "Asia/Tokyo"},
        {"MIT", "Pacific/Apia"},          {"NET", "Asia/Yerevan"},
        {"NST", "Pacific/Auckland"},      {"PLT", "Asia/Karachi"},
        {"PNT", "America/Phoenix"},       {"PRT", "America/Puerto_Rico"},
        {"PST", "America/Los_Angeles"},   {"SST", "Pacific/Guadalcanal"},
        {"VST", "Asia/Ho_Chi_Minh"},      {"EST", "-05:00"},
        {"MST", "-07:00"},                {"HST", "-10:00"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (n == 3 && strncmp(s, map[i][0], 3) == 0) return map[i][1];
    return NULL;
}

static sm_tz *tz_new_fixed(const char *name, int32_t off) {
    sm_tz *z = sm_calloc(1, sizeof *z);
    if (!z) return NULL;
    z->name = sm_strdup(name);
    if (!z->name) {
        sm_free(z);
        return NULL;
    }
    z->fixed = true;
    z->fixed_offset = off;
    return z;
}

static void offset_id(int32_t off, char *buf) {
    if (off == 0) {
        strcpy(buf, "Z");
        return;
    }
    int a = off < 0 ? -off : off;
    if (a % 60)
        sprintf(buf, "%c%02d:%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
    else
        sprintf(buf, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* Resolves a zone name without the cache.  Returns a new zone, or NULL. */
static sm_tz *tz_resolve(const char *s, size_t n) {
    int32_t off;
    char id[64];
    if (n == 0 || n >= 256) return NULL;
    if (name_eq(s, n, "Z") || name_eq(s, n, "UTC") || name_eq(s, n, "GMT") ||
        name_eq(s, n, "UT") || name_eq(s, n, "Etc/UTC") || name_eq(s, n, "Etc/GMT") ||
        name_eq(s, n, "Zulu") || name_eq(s, n, "Etc/Zulu") || name_eq(s, n, "UCT") ||
        name_eq(s, n, "Etc/UCT") || name_eq(s, n, "Universal") || name_eq(s, n, "Etc/Universal") ||
        name_eq(s, n, "Greenwich") || name_eq(s, n, "Etc/Greenwich") || name_eq(s, n, "Etc/UT") ||
        name_eq(s, n, "GMT0") || name_eq(s, n, "Etc/GMT0") || name_eq(s, n, "Etc/GMT+0") ||
        name_eq(s, n, "Etc/GMT-0"))
        return tz_new_fixed(n == 1 ? "Z" : (n <= 3 ? (s[0] == 'G' || s[0] == 'g' ? "GMT" : (n == 2 ? "UT" : "UTC")) : "UTC"), 0);
    if (parse_offset(s, n, &off)) {
        offset_id(off, id);
        return tz_new_fixed(id, off);
    }
    /* GMT+2, UTC-05:30, UT+1 */
    size_t pre = 0;
    if (n > 3 && (strncasecmp(s, "GMT", 3) == 0 || strncasecmp(s, "UTC", 3) == 0)) pre = 3;
    else if (n > 2 && strncasecmp(s, "UT", 2) == 0 && (s[2] == '+' || s[2] == '-')) pre = 2;
    if (pre && parse_offset(s + pre, n - pre, &off)) {
        char tail[32];
        offset_id(off, tail);
        snprintf(id, sizeof id, "%.*s%s", (int)pre, s, off == 0 ? "" : tail);
        for (size_t i = 0; i < pre; i++) id[i] = (char)toupper((unsigned char)id[i]);
        return tz_new_fixed(id, off);
    }
    char name[256];
    memcpy(name, s, n);
    name[n] = 0;
    const char *alias = short_id(s, n);
    if (alias) {
        if (alias[0] == '+' || alias[0] == '-') {
            parse_offset(alias, strlen(alias), &off);
            return tz_new_fixed(alias, off);
        }
        sm_tz *z = tz_load_file(alias);
        return z;
    }
    return tz_load_file(name);
}

/* The process-wide cache, keyed by the requested spelling. */
typedef struct {
    char *key;
    sm_tz *z;
} tz_entry;
static tz_entry *tz_cache;
static int tz_ncache, tz_capcache;

const sm_tz *sm_tz_get(const char *name) {
    if (!name) return sm_tz_utc();
    size_t n = strlen(name);
    while (n && isspace((unsigned char)name[n - 1])) n--;
    while (n && isspace((unsigned char)*name)) name++, n--;
    pthread_mutex_lock(&tz_lock);
    for (int i = 0; i < tz_ncache; i++) {
        if (strlen(tz_cache[i].key) == n && memcmp(tz_cache[i].key, name, n) == 0) {
            sm_tz *z = tz_cache[i].z;
            pthread_mutex_unlock(&tz_lock);
            return z;
        }
    }
    sm_tz *z = tz_resolve(name, n);
    if (!z) {
        pthread_mutex_unlock(&tz_lock);
        sm_err(SM_INVALID,
               "[INVALID_TIMEZONE] unknown time zone '%.*s': use a region id such as "
               "'America/Los_Angeles', 'UTC', or an offset such as '+02:00'",
               (int)n, name);
        return NULL;
    }
    if (tz_ncache == tz_capcache) {
        int nc = tz_capcache ? tz_capcache * 2 : 16;
        tz_entry *ne = sm_realloc(tz_cache, (size_t)nc * sizeof *ne);
        if (!ne) goto done; /* uncached: z stays alive for the process */
        tz_cache = ne;
        tz_capcache = nc;
    }
    tz_cache[tz_ncache].key = sm_strndup(name, n);
    if (tz_cache[tz_ncache].key) tz_cache[tz_ncache++].z = z;
done:
    pthread_mutex_unlock(&tz_lock);
    return z;
}

/* ======================================================================
 * CAST rules (Spark's DateTimeUtils)
 * ====================================================================== */

/* UTF8String.trimAll: whitespace and ISO control characters. */
static bool cast_space(unsigned char c) { return c <= ' ' || c == 0x7f; }

bool sm_parse_date(const char *s, int32_t len, int32_t *out_days) {
    int32_t j = 0, end = len;
    while (j < end && cast_space((unsigned char)s[j])) j++;
    while (end > j && cast_space((unsigned char)s[end - 1])) end--;
    if (j == end) return false;
    int64_t seg[3] = {1, 1, 1};
    int sign = 1, i = 0, digits = 0;
    int64_t cur = 0;
    if (s[j] == '-' || s[j] == '+') {
        sign = s[j] == '-' ? -1 : 1;
        j++;
    }
#define DATE_VALID(seg_, dg_) ((seg_) == 0 ? ((dg_) >= 4 && (dg_) <= 7) : ((dg_) > 0 && (dg_) <= 2))
    while (j < end && i < 3 && !(s[j] == ' ' || s[j] == 'T')) {
        char b = s[j];
        if (i < 2 && b == '-') {
            if (!DATE_VALID(i, digits)) return false;
            seg[i++] = cur;
            cur = 0;
            digits = 0;
        } else if (b >= '0' && b <= '9') {
            cur = cur * 10 + (b - '0');
            digits++;
        } else {
            return false;
        }
        j++;
    }
    if (!DATE_VALID(i, digits)) return false;
    if (i < 2 && j < end) return false;
#undef DATE_VALID
    seg[i] = cur;
    int64_t y = sign * seg[0];
    if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > days_in_month(y, (int)seg[1]))
        return false;
    *out_days = sm_days_from_civil(y, (int)seg[1], (int)seg[2]);
    return true;
}

/* Spark's getZoneId: "+1:00" → "+01:00", "+01:3" → "+01:03", then ZoneId.of
 * with the short ids. */
static const sm_tz *cast_zone(const char *s, int32_t n) {
    while (n && cast_space((unsigned char)*s)) s++, n--;
    while (n && cast_space((unsigned char)s[n - 1])) n--;
    if (n == 0) return sm_tz_utc();
    if (n > 120) return NULL;
    char buf[136];
    int o = 0;
    bool done1 = false;
    for (int32_t i = 0; i < n; i++) {
        buf[o++] = s[i];
        if (!done1 && (s[i] == '+' || s[i] == '-') && i + 2 < n && isdigit((unsigned char)s[i + 1]) &&
            s[i + 2] == ':') {
            buf[o++] = '0';
            done1 = true;
        }
    }
    buf[o] = 0;
    /* (\+|\-)(\d\d):(\d)$ → $1$2:0$3 */
    if (o >= 5 && isdigit((unsigned char)buf[o - 1]) && buf[o - 2] == ':' &&
        isdigit((unsigned char)buf[o - 3]) && isdigit((unsigned char)buf[o - 4]) &&
        (buf[o - 5] == '+' || buf[o - 5] == '-')) {
        buf[o] = buf[o - 1];
        buf[o - 1] = '0';
        buf[++o] = 0;
    }
    const sm_tz *z = sm_tz_get(buf);
    if (!z) sm_err_clear();
    return z;
}

/* Local wall-clock micros → UTC instant in zone tz. */
static int64_t local_to_utc(const sm_tz *tz, int64_t local) {
    return local - (int64_t)sm_tz_offset_at_local(tz, local) * SM_MICROS_PER_SECOND;
}

/* ntz: 0 = an instant (a zone in the text or `tz`); 1 = a local date-time,
 * any zone in the text ignored (CAST to TIMESTAMP_NTZ); 2 = a local
 * date-time, a zone in the text invalid (TIMESTAMP_NTZ literals). */
static bool parse_ts_core(const char *s, int32_t len, const sm_tz *tz, int ntz,
                          int64_t *out_micros);

bool sm_parse_timestamp(const char *s, int32_t len, const sm_tz *tz, int64_t *out_micros) {
    return parse_ts_core(s, len, tz, 0, out_micros);
}

bool sm_parse_timestamp_ntz(const char *s, int32_t len, bool allow_zone, int64_t *out_micros) {
    return parse_ts_core(s, len, sm_tz_utc(), allow_zone ? 1 : 2, out_micros);
}

static bool parse_ts_core(const char *s, int32_t len, const sm_tz *tz, int ntz,
                          int64_t *out_micros) {
    int32_t j = 0, end = len;
    while (j < end && cast_space((unsigned char)s[j])) j++;
    while (end > j && cast_space((unsigned char)s[end - 1])) end--;
    if (j == end) return false;
    int64_t seg[9] = {1, 1, 1, 0, 0, 0, 0, 0, 0};
    int i = 0, digits = 0, digits_milli = 0, year_sign = 0;
    int64_t cur = 0;
    bool just_time = false;
    const char *zs = NULL;
    int32_t zn = 0;
    if (s[j] == '-' || s[j] == '+') {
        year_sign = s[j] == '-' ? -1 : 1;
        j++;
    }
#define TS_VALID(seg_, dg_)                                                              \
    ((seg_) == 6 || ((seg_) == 0 && (dg_) >= 4 && (dg_) <= 6) || ((seg_) == 7 && (dg_) <= 2) || \
     ((seg_) != 0 && (seg_) != 6 && (seg_) != 7 && (dg_) > 0 && (dg_) <= 2))
#define TS_NEXT()                                       \
    do {                                                \
        if (!TS_VALID(i, digits)) return false;         \
        seg[i] = cur;                                   \
        cur = 0;                                        \
        digits = 0;                                     \
        i++;                                            \
    } while (0)
    while (j < end) {
        char b = s[j];
        if (b < '0' || b > '9') {
            if (j == 0 && b == 'T') {
                just_time = true;
                i += 3;
            } else if (i < 2) {
                if (b == '-') {
                    TS_NEXT();
                } else if (i == 0 && b == ':' && !year_sign) {
                    just_time = true;
                    if (!TS_VALID(3, digits)) return false;
                    seg[3] = cur;
                    cur = 0;
                    digits = 0;
                    i = 4;
                } else {
                    return false;
                }
            } else if (i == 2) {
                if (b == ' ' || b == 'T') TS_NEXT();
                else return false;
            } else if (i == 3 || i == 4) {
                if (b == ':') TS_NEXT();
                else return false;
            } else if (i == 5 || i == 6) {
                if (b == '.' && i == 5) {
                    TS_NEXT();
                } else {
                    TS_NEXT();
                    zs = s + j;
                    zn = end - j;
                    j = end - 1;
                }
                if (i == 6 && b != '.') i++;
            } else {
                if (i < 9 && (b == ':' || b == ' ')) TS_NEXT();
                else return false;
            }
        } else {
            if (i == 6) digits_milli++;
            if (i != 6 || digits < 6) cur = cur * 10 + (b - '0');
            digits++;
            if (digits > 12) return false; /* overflow guard (Spark: Int overflow → invalid) */
        }
        j++;
    }
    if (!TS_VALID(i, digits)) return false;
    seg[i] = cur;
#undef TS_NEXT
#undef TS_VALID
    if (digits_milli > 6) digits_milli = 6;
    while (digits_milli < 6) {
        seg[6] *= 10;
        digits_milli++;
    }
    const sm_tz *zone = tz;
    if (zs) {
        zone = cast_zone(zs, zn);
        if (!zone || ntz == 2) return false;
        if (ntz == 1) zone = tz;
    }
    if (year_sign) seg[0] *= year_sign;
    if (seg[3] > 23 || seg[4] > 59 || seg[5] > 59) return false;
    int64_t day;
    if (just_time) {
        /* Spark: the time of day on today's date in the zone. */
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t nowu = (int64_t)now.tv_sec * SM_MICROS_PER_SECOND;
        day = floordiv64(nowu + (int64_t)sm_tz_offset_at_utc(zone, nowu) * SM_MICROS_PER_SECOND,
                         SM_MICROS_PER_DAY);
    } else {
        if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > days_in_month(seg[0], (int)seg[1]))
            return false;
        day = days_from_civil64(seg[0], (int)seg[1], (int)seg[2]);
    }
    int64_t local = day * SM_MICROS_PER_DAY +
                    (seg[3] * 3600 + seg[4] * 60 + seg[5]) * SM_MICROS_PER_SECOND + seg[6];
    *out_micros = local_to_utc(zone, local);
    return true;
}

/* Year as java.time prints 'uuuu': at least 4 digits, '+' above 9999. */
static int put_year(char *buf, int64_t y) {
    if (y > 9999) return sprintf(buf, "+%lld", (long long)y);
    if (y < 0) return sprintf(buf, "-%04lld", (long long)-y);
    return sprintf(buf, "%04lld", (long long)y);
}

int sm_format_date(int32_t days, char *buf) {
    int64_t y;
    int m, d;
    civil_from_days64(days, &y, &m, &d);
    if (y >= 0 && y <= 9999) { /* the common case without printf (CSV writers call this per row) */
        int yi = (int)y;
        buf[0] = (char)('0' + yi / 1000);
        buf[1] = (char)('0' + yi / 100 % 10);
        buf[2] = (char)('0' + yi / 10 % 10);
        buf[3] = (char)('0' + yi % 10);
        buf[4] = '-';
        buf[5] = (char)('0' + m / 10);
        buf[6] = (char)('0' + m % 10);
        buf[7] = '-';
        buf[8] = (char)('0' + d / 10);
        buf[9] = (char)('0' + d % 10);
        buf[10] = '\0';
        return 10;
    }
    int n = put_year(buf, y);
    return n + sprintf(buf + n, "-%02d-%02d", m, d);
}

int sm_format_timestamp(int64_t micros, const sm_tz *tz, char *buf) {
    int64_t local = micros + (int64_t)sm_tz_offset_at_utc(tz, micros) * SM_MICROS_PER_SECOND;
    int64_t day = floordiv64(local, SM_MICROS_PER_DAY);
    int64_t tod = local - day * SM_MICROS_PER_DAY;
    int n = sm_format_date((int32_t)day, buf);
    int64_t secs = tod / SM_MICROS_PER_SECOND, frac = tod % SM_MICROS_PER_SECOND;
    n += sprintf(buf + n, " %02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
                 (int)(secs % 60));
    if (frac) {
        char f[8];
        sprintf(f, "%06lld", (long long)frac);
        int k = 6;
        while (f[k - 1] == '0') k--;
        f[k] = 0;
        n += sprintf(buf + n, ".%s", f);
    }
    return n;
}

/* ======================================================================
 * DateTimeFormatter patterns
 * ====================================================================== */

typedef enum {
    FI_LIT, FI_ERA, FI_YEAR, FI_YEAR2, FI_MONTH, FI_MONTH_TEXT, FI_DOY, FI_DOM, FI_HOUR_H,
    FI_HOUR_h, FI_HOUR_k, FI_HOUR_K, FI_MIN, FI_SEC, FI_FRAC, FI_AMPM, FI_DOW_TEXT, FI_QUARTER,
    FI_QUARTER_TEXT, FI_ALIGNED_DOW, FI_ZONE_TEXT, FI_ZONE_ID, FI_OFF_Z, FI_OFF_X, FI_OFF_x,
    FI_OFF_O, FI_OPT_START, FI_OPT_END
} fi_kind;

enum { SIGN_NORMAL, SIGN_NOT_NEGATIVE, SIGN_EXCEEDS_PAD };

typedef struct {
    fi_kind kind;
    char letter;
    int count;
    int minw, maxw, sign;
    int subsequent; /* adjacent-value parsing: digits reserved for following fixed fields */
    bool fixed;     /* fixed width, NOT_NEGATIVE (takes part in adjacent parsing) */
    char *lit;
    int litlen;
} fi_item;

struct sm_dtfmt {
    int n;
    fi_item *items;
    bool parse_unsupported; /* pattern has E, F, q or Q (Spark cannot parse them) */
    char bad_parse_letter;
    char *pattern;
};

void sm_dtfmt_free(sm_dtfmt *f) {
    if (!f) return;
    for (int i = 0; i < f->n; i++) sm_free(f->items[i].lit);
    sm_free(f->items);
    sm_free(f->pattern);
    sm_free(f);
}

static int fi_push(sm_dtfmt *f, int *cap, const fi_item *it) {
    if (f->n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        fi_item *ni = sm_realloc(f->items, (size_t)nc * sizeof *ni);
        if (!ni) return SM_NOMEM;
        f->items = ni;
        *cap = nc;
    }
    f->items[f->n++] = *it;
    return SM_OK;
}

static int fi_lit(sm_dtfmt *f, int *cap, const char *s, int n) {
    /* merge with a preceding literal */
    if (f->n > 0 && f->items[f->n - 1].kind == FI_LIT) {
        fi_item *p = &f->items[f->n - 1];
        char *nl = sm_realloc(p->lit, (size_t)p->litlen + n + 1);
        if (!nl) return SM_NOMEM;
        memcpy(nl + p->litlen, s, n);
        p->litlen += n;
        nl[p->litlen] = 0;
        p->lit = nl;
        return SM_OK;
    }
    fi_item it = {.kind = FI_LIT};
    it.lit = sm_strndup(s, n);
    if (!it.lit) return SM_NOMEM;
    it.litlen = n;
    int rc = fi_push(f, cap, &it);
    if (rc) sm_free(it.lit);
    return rc;
}

static int pattern_err(const char *pattern, int pos, const char *what) {
    return sm_err(SM_INVALID,
                  "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] Fail to "
                  "recognize '%s' pattern in the DateTimeFormatter: %s at position %d. Form a "
                  "valid datetime pattern with the guide from "
                  "'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'",
                  pattern, what, pos + 1);
}

int sm_dtfmt_compile(const char *pattern, sm_dtfmt **out) {
    *out = NULL;
    sm_dtfmt *f = sm_calloc(1, sizeof *f);
    if (!f) return SM_NOMEM;
    f->pattern = sm_strdup(pattern);
    if (!f->pattern) {
        sm_free(f);
        return SM_NOMEM;
    }
    int cap = 0, rc = SM_OK, depth = 0;
    size_t plen = strlen(pattern);
    char msg[96];
    for (size_t i = 0; i < plen && rc == SM_OK;) {
        char c = pattern[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < plen && pattern[j] == '\'') { /* '' */
                rc = fi_lit(f, &cap, "'", 1);
                i += 2;
                continue;
            }
            /* quoted text; '' inside is a quote */
            char tmp[256];
            int tn = 0;
            for (;;) {
                if (j >= plen) {
                    rc = pattern_err(pattern, (int)i, "the pattern ends with an incomplete string literal");
                    break;
                }
                if (pattern[j] == '\'') {
                    if (j + 1 < plen && pattern[j + 1] == '\'') {
                        if (tn < 255) tmp[tn++] = '\'';
                        j += 2;
                        continue;
                    }
                    break;
                }
                if (tn < 255) tmp[tn++] = pattern[j];
                j++;
            }
            if (rc) break;
            if (tn) rc = fi_lit(f, &cap, tmp, tn);
            i = j + 1;
            continue;
        }
        if (c == '[' || c == ']') {
            if (c == ']' && depth == 0) {
                rc = pattern_err(pattern, (int)i, "']' without a matching '['");
                break;
            }
            depth += c == '[' ? 1 : -1;
            fi_item it = {.kind = c == '[' ? FI_OPT_START : FI_OPT_END};
            rc = fi_push(f, &cap, &it);
            i++;
            continue;
        }
        if (c == '{' || c == '}' || c == '#') {
            snprintf(msg, sizeof msg, "reserved character '%c'", c);
            rc = pattern_err(pattern, (int)i, msg);
            break;
        }
        if (!isalpha((unsigned char)c)) {
            rc = fi_lit(f, &cap, &c, 1);
            i++;
            continue;
        }
        size_t j = i;
        while (j < plen && pattern[j] == c) j++;
        int n = (int)(j - i);
        fi_item it = {.letter = c, .count = n, .sign = SIGN_NORMAL};
        bool bad_count = false;
        switch (c) {
        case 'Y': case 'w': case 'W': case 'u': case 'e': case 'c':
            rc = sm_err(SM_INVALID,
                        "All week-based patterns are unsupported since Spark 3.0, detected: %c, "
                        "Please use the SQL function EXTRACT instead (pattern '%s', position %d)",
                        c, pattern, (int)i + 1);
            break;
        case 'A': case 'B': case 'n': case 'N': case 'p':
            rc = sm_err(SM_INVALID, "Illegal pattern character: %c (pattern '%s', position %d)", c,
                        pattern, (int)i + 1);
            break;
        case 'G':
            it.kind = FI_ERA;
            bad_count = n > 4;
            break;
        case 'y':
            if (n >= 10) bad_count = true;
            else if (n == 2) it.kind = FI_YEAR2, it.minw = it.maxw = 2, it.fixed = true;
            else {
                it.kind = FI_YEAR;
                it.minw = n;
                it.maxw = 19;
                it.sign = n < 4 ? SIGN_NORMAL : SIGN_EXCEEDS_PAD;
            }
            break;
        case 'M': case 'L': case 'Q': case 'q':
            if (n > 4) bad_count = true;
            else if (n >= 3) it.kind = (c == 'M' || c == 'L') ? FI_MONTH_TEXT : FI_QUARTER_TEXT;
            else {
                it.kind = (c == 'M' || c == 'L') ? FI_MONTH : FI_QUARTER;
                it.minw = n;
                it.maxw = n == 1 ? 19 : 2;
                if (n == 2) it.fixed = true, it.sign = SIGN_NOT_NEGATIVE;
            }
            if (c == 'Q' || c == 'q') f->parse_unsupported = true, f->bad_parse_letter = c;
            break;
        case 'd': case 'h': case 'H': case 'k': case 'K': case 'm': case 's': case 'F':
            if (n > 2) {
                bad_count = true;
                break;
            }
            it.kind = c == 'd' ? FI_DOM : c == 'h' ? FI_HOUR_h : c == 'H' ? FI_HOUR_H
                    : c == 'k' ? FI_HOUR_k : c == 'K' ? FI_HOUR_K : c == 'm' ? FI_MIN
                    : c == 's' ? FI_SEC : FI_ALIGNED_DOW;
            it.minw = n;
            it.maxw = n == 1 ? 19 : 2;
            if (n == 2) it.fixed = true, it.sign = SIGN_NOT_NEGATIVE;
            if (c == 'F') f->parse_unsupported = true, f->bad_parse_letter = c;
            break;
        case 'D':
            if (n > 3) {
                bad_count = true;
                break;
            }
            it.kind = FI_DOY;
            it.minw = n;
            it.maxw = n == 1 ? 19 : 3;
            if (n > 1) it.sign = SIGN_NOT_NEGATIVE;
            if (n == 3) it.fixed = true;
            break;
        case 'S':
            if (n > 9) {
                bad_count = true;
                break;
            }
            it.kind = FI_FRAC;
            it.minw = 1;
            it.maxw = n;
            if (n == 1) it.fixed = true;
            break;
        case 'a':
            it.kind = FI_AMPM;
            bad_count = n > 1;
            break;
        case 'E':
            it.kind = FI_DOW_TEXT;
            bad_count = n > 4;
            f->parse_unsupported = true;
            f->bad_parse_letter = c;
            break;
        case 'z':
            it.kind = FI_ZONE_TEXT;
            bad_count = n > 4;
            break;
        case 'V':
            it.kind = FI_ZONE_ID;
            bad_count = n != 2;
            break;
        case 'Z':
            it.kind = FI_OFF_Z;
            bad_count = n > 5;
            break;
        case 'X': case 'x':
            it.kind = c == 'X' ? FI_OFF_X : FI_OFF_x;
            bad_count = n > 5;
            break;
        case 'O':
            it.kind = FI_OFF_O;
            bad_count = n != 1 && n != 4;
            break;
        default:
            snprintf(msg, sizeof msg, "unknown pattern letter '%c'", c);
            rc = pattern_err(pattern, (int)i, msg);
            break;
        }
        if (rc) break;
        if (bad_count) {
            snprintf(msg, sizeof msg, "too many pattern letters '%c'", c);
            rc = pattern_err(pattern, (int)i, msg);
            break;
        }
        rc = fi_push(f, &cap, &it);
        i = j;
    }
    if (rc == SM_OK && depth != 0) rc = pattern_err(pattern, (int)plen - 1, "unclosed '['");
    if (rc) {
        sm_dtfmt_free(f);
        return rc;
    }
    /* Adjacent value parsing: a variable-width number followed directly by
     * fixed-width numbers leaves their digits to them ("yyyyMMdd"). */
    for (int k = 0; k < f->n; k++) {
        fi_item *it = &f->items[k];
        bool numeric = it->kind == FI_YEAR || it->kind == FI_YEAR2 || it->kind == FI_MONTH ||
                       it->kind == FI_DOY || it->kind == FI_DOM || it->kind == FI_HOUR_H ||
                       it->kind == FI_HOUR_h || it->kind == FI_HOUR_k || it->kind == FI_HOUR_K ||
                       it->kind == FI_MIN || it->kind == FI_SEC || it->kind == FI_QUARTER ||
                       it->kind == FI_ALIGNED_DOW;
        if (!numeric) continue;
        int m = k + 1, sub = 0;
        while (m < f->n && f->items[m].fixed) sub += f->items[m++].maxw;
        it->subsequent = sub;
        k = m - 1;
    }
    *out = f;
    return SM_OK;
}

int sm_dtfmt_check_parsing(const sm_dtfmt *f) {
    if (f->parse_unsupported)
        return sm_err(SM_INVALID,
                      "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] Fail to "
                      "recognize '%s' pattern in the DateTimeFormatter: the letter '%c' cannot be "
                      "used for parsing. Remove it from the pattern",
                      f->pattern, f->bad_parse_letter);
    return SM_OK;
}

static const char *const month_full[] = {"January", "February", "March", "April", "May", "June",
                                         "July", "August", "September", "October", "November",
                                         "December"};
static const char *const month_short[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* ISO order: Monday = 1 */
static const char *const dow_full[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
static const char *const dow_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const quarter_full[] = {"1st quarter", "2nd quarter", "3rd quarter",
                                           "4th quarter"};

/* Full names java.time prints for 'zzzz', keyed by the short name. */
static const char *zone_full_name(const char *abbr) {
    static const char *map[][2] = {
        {"UTC", "Coordinated Universal Time"}, {"GMT", "Greenwich Mean Time"},
        {"PST", "Pacific Standard Time"},      {"PDT", "Pacific Daylight Time"},
        {"MST", "Mountain Standard Time"},     {"MDT", "Mountain Daylight Time"},
        {"CST", "Central Standard Time"},      {"CDT", "Central Daylight Time"},
        {"EST", "Eastern Standard Time"},      {"EDT", "Eastern Daylight Time"},
        {"CET", "Central European Standard Time"}, {"CEST", "Central European Summer Time"},
        {"BST", "British Summer Time"},        {"JST", "Japan Standard Time"},
        {"IST", "India Standard Time"},        {"HST", "Hawaii-Aleutian Standard Time"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(abbr, map[i][0]) == 0) return map[i][1];
    return abbr;
}

typedef struct {
    int64_t year;
    int month, day, doy, dow; /* dow: 1 = Monday */
    int hour, minute, second;
    int32_t nanos;
    int32_t offset;
} fmt_fields;

static void split_local(int64_t micros, const sm_tz *tz, fmt_fields *ff) {
    ff->offset = sm_tz_offset_at_utc(tz, micros);
    int64_t local = micros + (int64_t)ff->offset * SM_MICROS_PER_SECOND;
    int64_t day = floordiv64(local, SM_MICROS_PER_DAY);
    int64_t tod = local - day * SM_MICROS_PER_DAY;
    civil_from_days64(day, &ff->year, &ff->month, &ff->day);
    ff->doy = (int)(day - days_from_civil64(ff->year, 1, 1)) + 1;
    ff->dow = (int)(((day % 7) + 7 + 3) % 7) + 1; /* 1970-01-01: Thursday (4) */
    int64_t secs = tod / SM_MICROS_PER_SECOND;
    ff->hour = (int)(secs / 3600);
    ff->minute = (int)(secs / 60 % 60);
    ff->second = (int)(secs % 60);
    ff->nanos = (int32_t)(tod % SM_MICROS_PER_SECOND) * 1000;
}

static int put_num(sm_buf *out, int64_t v, int minw, int sign) {
    char digits[24];
    uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)a);
    if (v < 0) SM_TRY(sm_buf_putc(out, '-'));
    else if (sign == SIGN_EXCEEDS_PAD && n > minw) SM_TRY(sm_buf_putc(out, '+'));
    for (int k = n; k < minw; k++) SM_TRY(sm_buf_putc(out, '0'));
    return sm_buf_append(out, digits, n);
}

/* Offset texts: style 0 "+HHmm" (minutes only when non-zero), 1 "+HHMM",
 * 2 "+HH:MM", 3 "+HHMMss", 4 "+HH:MM:ss". */
static int put_offset(sm_buf *out, int32_t off, int style) {
    int a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    bool colon = style == 2 || style == 4;
    SM_TRY(sm_buf_appendf(out, "%c%02d", off < 0 ? '-' : '+', h));
    if (style == 0 && m == 0 && s == 0) return SM_OK;
    SM_TRY(sm_buf_appendf(out, colon ? ":%02d" : "%02d", m));
    if ((style == 3 || style == 4) && s) SM_TRY(sm_buf_appendf(out, colon ? ":%02d" : "%02d", s));
    return SM_OK;
}

/* Localized offset: "GMT", "GMT+8", "GMT+5:30" (short) / "GMT+08:00" (full). */
static int put_gmt(sm_buf *out, int32_t off, bool full) {
    SM_TRY(sm_buf_append(out, "GMT", 3));
    if (off == 0) return SM_OK;
    int a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    char sg = off < 0 ? '-' : '+';
    if (full) {
        SM_TRY(sm_buf_appendf(out, "%c%02d:%02d", sg, h, m));
        if (s) SM_TRY(sm_buf_appendf(out, ":%02d", s));
        return SM_OK;
    }
    SM_TRY(sm_buf_appendf(out, "%c%d", sg, h));
    if (m || s) SM_TRY(sm_buf_appendf(out, ":%02d", m));
    if (s) SM_TRY(sm_buf_appendf(out, ":%02d", s));
    return SM_OK;
}

int sm_dtfmt_format(const sm_dtfmt *f, int64_t micros, const sm_tz *tz, sm_buf *out) {
    fmt_fields ff;
    split_local(micros, tz, &ff);
    for (int k = 0; k < f->n; k++) {
        const fi_item *it = &f->items[k];
        int n = it->count;
        switch (it->kind) {
        case FI_LIT: SM_TRY(sm_buf_append(out, it->lit, it->litlen)); break;
        case FI_OPT_START: case FI_OPT_END: break;
        case FI_ERA:
            if (n == 4) SM_TRY(sm_buf_appendf(out, "%s", ff.year > 0 ? "Anno Domini" : "Before Christ"));
            else SM_TRY(sm_buf_appendf(out, "%s", ff.year > 0 ? "AD" : "BC"));
            break;
        case FI_YEAR: SM_TRY(put_num(out, ff.year, it->minw, it->sign)); break;
        case FI_YEAR2: {
            int64_t v = ff.year % 100;
            SM_TRY(put_num(out, v < 0 ? -v : v, 2, SIGN_NOT_NEGATIVE));
            break;
        }
        case FI_MONTH: SM_TRY(put_num(out, ff.month, it->minw, it->sign)); break;
        case FI_MONTH_TEXT:
            SM_TRY(sm_buf_appendf(out, "%s", n == 3 ? month_short[ff.month - 1] : month_full[ff.month - 1]));
            break;
        case FI_QUARTER: SM_TRY(put_num(out, (ff.month - 1) / 3 + 1, it->minw, it->sign)); break;
        case FI_QUARTER_TEXT:
            if (n == 3) SM_TRY(sm_buf_appendf(out, "Q%d", (ff.month - 1) / 3 + 1));
            else SM_TRY(sm_buf_appendf(out, "%s", quarter_full[(ff.month - 1) / 3]));
            break;
        case FI_DOY: SM_TRY(put_num(out, ff.doy, it->minw, it->sign)); break;
        case FI_DOM: SM_TRY(put_num(out, ff.day, it->minw, it->sign)); break;
        case FI_ALIGNED_DOW: SM_TRY(put_num(out, (ff.day - 1) % 7 + 1, it->minw, it->sign)); break;
        case FI_HOUR_H: SM_TRY(put_num(out, ff.hour, it->minw, it->sign)); break;
        case FI_HOUR_h: SM_TRY(put_num(out, ff.hour % 12 == 0 ? 12 : ff.hour % 12, it->minw, it->sign)); break;
        case FI_HOUR_k: SM_TRY(put_num(out, ff.hour == 0 ? 24 : ff.hour, it->minw, it->sign)); break;
        case FI_HOUR_K: SM_TRY(put_num(out, ff.hour % 12, it->minw, it->sign)); break;
        case FI_MIN: SM_TRY(put_num(out, ff.minute, it->minw, it->sign)); break;
        case FI_SEC: SM_TRY(put_num(out, ff.second, it->minw, it->sign)); break;
        case FI_FRAC: {
            char d[16];
            snprintf(d, sizeof d, "%09d", (int)ff.nanos);
            SM_TRY(sm_buf_append(out, d, (size_t)it->maxw));
            break;
        }
        case FI_AMPM: SM_TRY(sm_buf_appendf(out, "%s", ff.hour < 12 ? "AM" : "PM")); break;
        case FI_DOW_TEXT:
            SM_TRY(sm_buf_appendf(out, "%s", n == 4 ? dow_full[ff.dow - 1] : dow_short[ff.dow - 1]));
            break;
        case FI_ZONE_TEXT: {
            bool dst;
            const char *abbr = tz_abbr_at(tz, micros, &dst);
            if (!abbr) {
                /* fixed zones: UTC prints "UTC"; offsets print their id */
                abbr = tz->name;
                if (tz->fixed_offset == 0 && (strcmp(abbr, "Z") == 0 || strcmp(abbr, "UTC") == 0))
                    abbr = "UTC";
            }
            SM_TRY(sm_buf_appendf(out, "%s", n == 4 ? zone_full_name(abbr) : abbr));
            break;
        }
        case FI_ZONE_ID: SM_TRY(sm_buf_appendf(out, "%s", tz->name)); break;
        case FI_OFF_Z:
            if (n <= 3) SM_TRY(put_offset(out, ff.offset, 1));
            else if (n == 4) SM_TRY(put_gmt(out, ff.offset, true));
            else if (ff.offset == 0) SM_TRY(sm_buf_putc(out, 'Z'));
            else SM_TRY(put_offset(out, ff.offset, 4));
            break;
        case FI_OFF_X: case FI_OFF_x:
            if (it->kind == FI_OFF_X && ff.offset == 0) SM_TRY(sm_buf_putc(out, 'Z'));
            else SM_TRY(put_offset(out, ff.offset, n - 1));
            break;
        case FI_OFF_O: SM_TRY(put_gmt(out, ff.offset, n == 4)); break;
        }
    }
    return SM_OK;
}

/* ---- pattern parsing ---------------------------------------------------- */

typedef struct {
    bool has_year, has_month, has_day, has_doy, has_hour, has_hour_ampm, has_ampm, has_min,
        has_sec, has_nano, has_off, has_era;
    int64_t year;
    int month, day, doy, hour, hour_ampm, ampm, minute, second, era;
    int32_t nanos;
    int32_t off;
    const sm_tz *zone;
} parse_state;

/* Case-insensitive prefix match. */
static bool ci_prefix(const char *s, int32_t n, const char *lit, int litlen) {
    if (n < litlen) return false;
    for (int k = 0; k < litlen; k++)
        if (tolower((unsigned char)s[k]) != tolower((unsigned char)lit[k])) return false;
    return true;
}

/* Matches the longest of `names`; returns index or -1. */
static int match_text(const char *s, int32_t n, const char *const *names, int count, int *len) {
    int best = -1, bestlen = 0;
    for (int k = 0; k < count; k++) {
        int l = (int)strlen(names[k]);
        if (l > bestlen && ci_prefix(s, n, names[k], l)) best = k, bestlen = l;
    }
    *len = bestlen;
    return best;
}

/* Java's NumberPrinterParser.parse in strict mode. */
static int parse_number(const fi_item *it, const char *s, int32_t n, int32_t pos, int64_t *out) {
    int sign = 0;
    if (pos < n && (s[pos] == '+' || s[pos] == '-')) {
        bool pos_sign = s[pos] == '+';
        bool ok = it->sign == SIGN_EXCEEDS_PAD || (it->sign == SIGN_NORMAL && !pos_sign);
        if (!ok) return -1;
        sign = pos_sign ? 1 : -1;
        pos++;
    }
    int maxw = it->maxw + it->subsequent;
    int32_t start = pos;
    while (pos < n && pos - start < maxw && isdigit((unsigned char)s[pos])) pos++;
    int len = pos - start;
    if (it->subsequent) {
        len -= it->subsequent;
        if (len < it->minw) len = it->minw;
    }
    if (len < it->minw || len > it->maxw || start + len > n) return -1;
    for (int k = 0; k < len; k++)
        if (!isdigit((unsigned char)s[start + k])) return -1;
    if (it->sign == SIGN_EXCEEDS_PAD) {
        if (sign == 1 && len <= it->minw) return -1;
        if (sign == 0 && len > it->minw) return -1;
    }
    if (len > 18) return -1;
    int64_t v = 0;
    for (int k = 0; k < len; k++) v = v * 10 + (s[start + k] - '0');
    if (sign == -1) {
        if (v == 0) return -1; /* strict: "-0" is rejected */
        v = -v;
    }
    *out = v;
    return start + len;
}

/* "+HH", "+HHmm", "+HH:MM"...; style as put_offset; returns new pos or -1. */
static int parse_offset_text(const char *s, int32_t n, int32_t pos, int style, int32_t *off) {
    if (pos >= n || (s[pos] != '+' && s[pos] != '-')) return -1;
    int sg = s[pos] == '-' ? -1 : 1;
    pos++;
    int v[3] = {0, 0, 0};
    bool colon = style == 2 || style == 4;
    for (int k = 0; k < 3; k++) {
        bool optional = (k == 1 && style == 0) || (k == 2 && (style == 3 || style == 4));
        if (k == 2 && style < 3) break;
        int32_t p = pos;
        if (k > 0 && colon) {
            if (p >= n || s[p] != ':') {
                if (optional) break;
                return -1;
            }
            p++;
        }
        if (p + 2 > n || !isdigit((unsigned char)s[p]) || !isdigit((unsigned char)s[p + 1])) {
            if (optional && k > 0) break;
            return -1;
        }
        v[k] = (s[p] - '0') * 10 + (s[p + 1] - '0');
        pos = p + 2;
    }
    if (v[0] > 18 || v[1] > 59 || v[2] > 59) return -1;
    *off = sg * (v[0] * 3600 + v[1] * 60 + v[2]);
    return pos;
}

static int parse_gmt(const char *s, int32_t n, int32_t pos, int32_t *off) {
    if (!ci_prefix(s + pos, n - pos, "GMT", 3)) return -1;
    pos += 3;
    *off = 0;
    if (pos >= n || (s[pos] != '+' && s[pos] != '-')) return pos;
    int sg = s[pos] == '-' ? -1 : 1;
    int32_t p = pos + 1;
    int h = 0, hd = 0;
    while (p < n && hd < 2 && isdigit((unsigned char)s[p])) h = h * 10 + (s[p++] - '0'), hd++;
    if (hd == 0) return pos;
    int m = 0, sec = 0;
    if (p + 2 < n + 0 && s[p] == ':' && isdigit((unsigned char)s[p + 1]) && p + 2 < n &&
        isdigit((unsigned char)s[p + 2])) {
        m = (s[p + 1] - '0') * 10 + (s[p + 2] - '0');
        p += 3;
        if (p + 2 < n && s[p] == ':' && isdigit((unsigned char)s[p + 1]) &&
            isdigit((unsigned char)s[p + 2])) {
            sec = (s[p + 1] - '0') * 10 + (s[p + 2] - '0');
            p += 3;
        }
    }
    if (h > 18 || m > 59 || sec > 59) return -1;
    *off = sg * (h * 3600 + m * 60 + sec);
    return p;
}

/* Region id or short zone name at pos; sets st->zone. */
static int parse_zone_name(const char *s, int32_t n, int32_t pos, parse_state *st, bool names) {
    static const char *abbr[][2] = {
        {"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"},
        {"MST", "America/Denver"},      {"MDT", "America/Denver"},
        {"CST", "America/Chicago"},     {"CDT", "America/Chicago"},
        {"EST", "America/New_York"},    {"EDT", "America/New_York"},
        {"CET", "Europe/Paris"},        {"CEST", "Europe/Paris"},
        {"BST", "Europe/London"},       {"JST", "Asia/Tokyo"},
        {"IST", "Asia/Kolkata"},        {"HST", "Pacific/Honolulu"},
        {"Pacific Standard Time", "America/Los_Angeles"},
        {"Pacific Daylight Time", "America/Los_Angeles"},
        {"Coordinated Universal Time", "UTC"},
        {"Greenwich Mean Time", "GMT"},
    };
    int32_t e = pos;
    while (e < n && (isalnum((unsigned char)s[e]) || strchr("/_+-~.:", s[e]))) e++;
    /* longest prefix that names a zone */
    for (int32_t end = e; end > pos; end--) {
        char buf[128];
        if (end - pos >= (int32_t)sizeof buf) continue;
        memcpy(buf, s + pos, end - pos);
        buf[end - pos] = 0;
        const sm_tz *z = sm_tz_get(buf);
        if (z) {
            st->zone = z;
            return end;
        }
        sm_err_clear();
    }
    if (names) {
        int best = -1, bestlen = 0;
        for (size_t k = 0; k < sizeof abbr / sizeof abbr[0]; k++) {
            int l = (int)strlen(abbr[k][0]);
            if (l > bestlen && ci_prefix(s + pos, n - pos, abbr[k][0], l)) best = (int)k, bestlen = l;
        }
        if (best >= 0) {
            st->zone = sm_tz_get(abbr[best][1]);
            if (!st->zone) {
                sm_err_clear();
                return -1;
            }
            return pos + bestlen;
        }
    }
    return -1;
}

static bool set_field(bool *has, int *field, int v) {
    if (*has && *field != v) return false;
    *has = true;
    *field = v;
    return true;
}

/* Parses one item at pos; returns the new position or -1. */
static int parse_item(const fi_item *it, const char *s, int32_t n, int32_t pos, parse_state *st) {
    int64_t v;
    int len, k;
    switch (it->kind) {
    case FI_LIT:
        if (!ci_prefix(s + pos, n - pos, it->lit, it->litlen)) return -1;
        return pos + it->litlen;
    case FI_OPT_START: case FI_OPT_END: return pos;
    case FI_ERA: {
        static const char *const sh[] = {"BC", "AD"}, *const fu[] = {"Before Christ", "Anno Domini"};
        k = match_text(s + pos, n - pos, it->count == 4 ? fu : sh, 2, &len);
        if (k < 0 || !set_field(&st->has_era, &st->era, k)) return -1;
        return pos + len;
    }
    case FI_YEAR:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0) return -1;
        if (st->has_year && st->year != v) return -1;
        st->has_year = true;
        st->year = v;
        return pos;
    case FI_YEAR2:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0) return -1;
        v += 2000;
        if (st->has_year && st->year != v) return -1;
        st->has_year = true;
        st->year = v;
        return pos;
    case FI_MONTH:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 1 || v > 12) return -1;
        return set_field(&st->has_month, &st->month, (int)v) ? pos : -1;
    case FI_MONTH_TEXT:
        k = match_text(s + pos, n - pos, it->count == 3 ? month_short : month_full, 12, &len);
        if (k < 0 || !set_field(&st->has_month, &st->month, k + 1)) return -1;
        return pos + len;
    case FI_DOY:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 1 || v > 366) return -1;
        return set_field(&st->has_doy, &st->doy, (int)v) ? pos : -1;
    case FI_DOM:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 1 || v > 31) return -1;
        return set_field(&st->has_day, &st->day, (int)v) ? pos : -1;
    case FI_HOUR_H:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 0 || v > 23) return -1;
        return set_field(&st->has_hour, &st->hour, (int)v) ? pos : -1;
    case FI_HOUR_k:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 1 || v > 24) return -1;
        return set_field(&st->has_hour, &st->hour, (int)(v % 24)) ? pos : -1;
    case FI_HOUR_h:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 1 || v > 12) return -1;
        return set_field(&st->has_hour_ampm, &st->hour_ampm, (int)(v % 12)) ? pos : -1;
    case FI_HOUR_K:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 0 || v > 11) return -1;
        return set_field(&st->has_hour_ampm, &st->hour_ampm, (int)v) ? pos : -1;
    case FI_MIN:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 0 || v > 59) return -1;
        return set_field(&st->has_min, &st->minute, (int)v) ? pos : -1;
    case FI_SEC:
        if ((pos = parse_number(it, s, n, pos, &v)) < 0 || v < 0 || v > 59) return -1;
        return set_field(&st->has_sec, &st->second, (int)v) ? pos : -1;
    case FI_FRAC: {
        int32_t p = pos;
        int32_t nanos = 0;
        int d = 0;
        while (p < n && d < it->maxw && isdigit((unsigned char)s[p])) {
            nanos = nanos * 10 + (s[p] - '0');
            p++;
            d++;
        }
        if (d < it->minw) return -1;
        for (int q = d; q < 9; q++) nanos *= 10;
        st->has_nano = true;
        st->nanos = nanos;
        return p;
    }
    case FI_AMPM: {
        static const char *const ap[] = {"AM", "PM"};
        k = match_text(s + pos, n - pos, ap, 2, &len);
        if (k < 0 || !set_field(&st->has_ampm, &st->ampm, k)) return -1;
        return pos + len;
    }
    case FI_DOW_TEXT: case FI_QUARTER: case FI_QUARTER_TEXT: case FI_ALIGNED_DOW:
        return -1; /* rejected by sm_dtfmt_check_parsing */
    case FI_ZONE_TEXT:
        return parse_zone_name(s, n, pos, st, true);
    case FI_ZONE_ID:
        return parse_zone_name(s, n, pos, st, false);
    case FI_OFF_Z:
        if (it->count == 4) {
            pos = parse_gmt(s, n, pos, &st->off);
        } else if (it->count == 5) {
            if (pos < n && (s[pos] == 'Z' || s[pos] == 'z')) st->off = 0, pos++;
            else pos = parse_offset_text(s, n, pos, 4, &st->off);
        } else {
            pos = parse_offset_text(s, n, pos, 1, &st->off);
        }
        if (pos < 0) return -1;
        st->has_off = true;
        return pos;
    case FI_OFF_X: case FI_OFF_x:
        if (it->kind == FI_OFF_X && pos < n && (s[pos] == 'Z' || s[pos] == 'z')) {
            st->off = 0;
            pos++;
        } else {
            pos = parse_offset_text(s, n, pos, it->count - 1, &st->off);
        }
        if (pos < 0) return -1;
        st->has_off = true;
        return pos;
    case FI_OFF_O:
        if ((pos = parse_gmt(s, n, pos, &st->off)) < 0) return -1;
        st->has_off = true;
        return pos;
    }
    return -1;
}

/* Records why a parse failed, in java.time's words (as Spark's ANSI
 * [CANNOT_PARSE_TIMESTAMP] quotes them); no-op when why is NULL. */
static bool parse_fail(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool parse_fail(char *why, size_t cap, const char *fmt, ...) {
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return false;
}

bool sm_dtfmt_parse(const sm_dtfmt *f, const char *s, int32_t len, const sm_tz *tz,
                    int64_t *out_micros) {
    return sm_dtfmt_parse_why(f, s, len, tz, out_micros, NULL, 0);
}

bool sm_dtfmt_parse_why(const sm_dtfmt *f, const char *s, int32_t len, const sm_tz *tz,
                        int64_t *out_micros, char *why, size_t cap) {
    static const char *const month_names[] = {"JANUARY", "FEBRUARY", "MARCH",     "APRIL",
                                              "MAY",     "JUNE",     "JULY",      "AUGUST",
                                              "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
    int tlen = len > 200 ? 200 : (int)len; /* the text quoted in a reason */
    parse_state st;
    memset(&st, 0, sizeof st);
    int32_t pos = 0;
    for (int k = 0; k < f->n; k++) {
        const fi_item *it = &f->items[k];
        if (it->kind == FI_OPT_START) {
            /* try the optional section; on failure restore and skip it */
            parse_state saved = st;
            int32_t p = pos;
            int depth = 1, m = k + 1;
            bool ok = true;
            for (; m < f->n && depth > 0; m++) {
                if (f->items[m].kind == FI_OPT_START) { depth++; continue; }
                if (f->items[m].kind == FI_OPT_END) { depth--; continue; }
                if (!ok) continue;
                int r = parse_item(&f->items[m], s, len, p, &st);
                if (r < 0) ok = false;
                else p = r;
            }
            if (ok) pos = p;
            else st = saved;
            k = m - 1;
            continue;
        }
        int r = parse_item(it, s, len, pos, &st);
        if (r < 0)
            return parse_fail(why, cap, "Text '%.*s' could not be parsed at index %d", tlen, s,
                              (int)pos);
        pos = r;
    }
    if (pos != len)
        return parse_fail(why, cap, "Text '%.*s' could not be parsed, unparsed text found at index %d",
                          tlen, s, (int)pos);
    /* resolve the date (Spark's toLocalDate with the STRICT resolver) */
    int64_t year = st.has_year ? st.year : 1970;
    if (st.has_era && st.era == 0) year = 1 - year;
    int64_t day;
    if (st.has_doy) {
        if (st.doy > (is_leap(year) ? 366 : 365)) return false;
        day = days_from_civil64(year, 1, 1) + st.doy - 1;
        int64_t yy;
        int m, d;
        civil_from_days64(day, &yy, &m, &d);
        if (st.has_month && st.month != m) return false;
        if (st.has_day && st.day != d) return false;
    } else {
        int m = st.has_month ? st.month : 1, d = st.has_day ? st.day : 1;
        if (d > days_in_month(year, m)) {
            if (m == 2 && d == 29)
                return parse_fail(why, cap, "Invalid date 'February 29' as '%lld' is not a leap year",
                                  (long long)year);
            return parse_fail(why, cap, "Invalid date '%s %d'", month_names[m - 1], d);
        }
        day = days_from_civil64(year, m, d);
    }
    int hour;
    if (st.has_hour) {
        if (st.has_hour_ampm && st.hour % 12 != st.hour_ampm) return false;
        if (st.has_ampm && (st.hour >= 12) != (st.ampm == 1)) return false;
        hour = st.hour;
    } else if (st.has_hour_ampm) {
        hour = st.hour_ampm + (st.has_ampm && st.ampm == 1 ? 12 : 0);
    } else {
        hour = st.has_ampm && st.ampm == 1 ? 12 : 0;
    }
    int64_t local = day * SM_MICROS_PER_DAY +
                    ((int64_t)hour * 3600 + (st.has_min ? st.minute : 0) * 60 +
                     (st.has_sec ? st.second : 0)) * SM_MICROS_PER_SECOND +
                    (st.has_nano ? st.nanos / 1000 : 0);
    if (st.has_off) *out_micros = local - (int64_t)st.off * SM_MICROS_PER_SECOND;
    else *out_micros = local_to_utc(st.zone ? st.zone : tz, local);
    return true;
}
