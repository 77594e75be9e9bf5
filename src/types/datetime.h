/*
 * datetime.h — calendar arithmetic, time zones, and Spark's date/timestamp
 * parsing and formatting.
 *
 * Dates are int32 days since 1970-01-01 in the proleptic Gregorian calendar
 * (Spark 3's calendar).  Timestamps are int64 microseconds since the epoch
 * (UTC instants); they are shown and parsed in the session time zone.
 *
 * Two families of text conversion exist in Spark and both are here:
 *   - the CAST rules (sm_parse_date / sm_parse_timestamp / sm_format_*):
 *     lenient ISO-8601-like forms such as "2024-1-5", "2024-01-05 10:00",
 *     "2024-01-05T10:00:00.123Z"; output "yyyy-MM-dd" and
 *     "yyyy-MM-dd HH:mm:ss[.ffffff]" with trailing zeros of the fraction cut;
 *   - Java DateTimeFormatter patterns (sm_dtfmt_*) as used by to_date,
 *     to_timestamp, date_format and the CSV dateFormat/timestampFormat
 *     options ("yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy", "EEE", "a", ...).
 */
#ifndef SM_DATETIME_H
#define SM_DATETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mem.h"

#define SM_MICROS_PER_SECOND 1000000LL
#define SM_MICROS_PER_DAY 86400000000LL

int32_t sm_days_from_civil(int64_t y, int m, int d);
void sm_civil_from_days(int32_t days, int *y, int *m, int *d);
/* Floor division of micros into days (correct for negative values). */
int32_t sm_micros_to_days(int64_t micros);

/* ---- time zones ------------------------------------------------------- */

typedef struct sm_tz sm_tz;

/* "UTC", "Z", "+02:00", "GMT-5", "America/Los_Angeles" (from the system's
 * zoneinfo).  Returns NULL with an SM_INVALID message if unknown.  Zones are
 * cached for the process lifetime; never freed by callers. */
const sm_tz *sm_tz_get(const char *name);
const sm_tz *sm_tz_utc(void);
const char *sm_tz_name(const sm_tz *tz);
/* Offset in seconds east of UTC at a UTC instant. */
int32_t sm_tz_offset_at_utc(const sm_tz *tz, int64_t utc_micros);
/* Offset for a local wall-clock time (for gaps/overlaps: as java.time does,
 * the earlier offset for overlaps, shift forward for gaps). */
int32_t sm_tz_offset_at_local(const sm_tz *tz, int64_t local_micros);

/* ---- CAST rules -------------------------------------------------------- */

/* String → date as CAST(s AS DATE) in Spark 3.5 (non-ANSI): trims
 * whitespace; accepts "yyyy", "yyyy-[m]m", "yyyy-[m]m-[d]d", and a date
 * followed by 'T' or ' ' and anything.  false when invalid. */
bool sm_parse_date(const char *s, int32_t len, int32_t *out_days);
/* String → timestamp as CAST(s AS TIMESTAMP): date forms above, optional
 * time "[h]h:[m]m:[s]s[.fraction]" and zone ("Z", "+hh:mm", "UTC", region
 * ids).  A string with no zone is local time in `tz`. */
bool sm_parse_timestamp(const char *s, int32_t len, const sm_tz *tz, int64_t *out_micros);
/* The same for TIMESTAMP_NTZ: the local date-time as microseconds since
 * 1970-01-01T00:00:00.  A zone in the text is ignored when allow_zone
 * (CAST), else makes the text invalid (TIMESTAMP_NTZ '...' literals). */
bool sm_parse_timestamp_ntz(const char *s, int32_t len, bool allow_zone, int64_t *out_micros);
/* "yyyy-MM-dd"; returns bytes written (buf needs 16). */
int sm_format_date(int32_t days, char *buf);
/* "yyyy-MM-dd HH:mm:ss" plus ".ffffff" with trailing zeros removed when the
 * fraction is non-zero, in `tz`; returns bytes written (buf needs 40). */
int sm_format_timestamp(int64_t micros, const sm_tz *tz, char *buf);

/* ---- Java DateTimeFormatter patterns ---------------------------------- */

typedef struct sm_dtfmt sm_dtfmt;

/* Compiles a pattern.  Unknown or unsupported letters give SM_INVALID with
 * a message naming the letter and its position. */
int sm_dtfmt_compile(const char *pattern, sm_dtfmt **out);
void sm_dtfmt_free(sm_dtfmt *f);
/* Parses the whole of `s` with the pattern (Spark's CORRECTED parser
 * policy: the text must match entirely).  Fields absent from the pattern
 * default to 1970-01-01 00:00:00.  No zone in the pattern = local time in
 * `tz`.  false when the text does not match. */
bool sm_dtfmt_parse(const sm_dtfmt *f, const char *s, int32_t len, const sm_tz *tz,
                    int64_t *out_micros);
/* sm_dtfmt_parse that, on failure, writes why into why[cap] in java.time's
 * words ("Text 'x' could not be parsed at index 0", "Invalid date
 * 'February 29' as '1970' is not a leap year"), as Spark's ANSI
 * [CANNOT_PARSE_TIMESTAMP] quotes them. */
bool sm_dtfmt_parse_why(const sm_dtfmt *f, const char *s, int32_t len, const sm_tz *tz,
                        int64_t *out_micros, char *why, size_t cap);
/* SM_INVALID (with Spark's message) when the pattern holds letters Spark
 * cannot parse with (E, F, q, Q); formatting with them is fine. */
int sm_dtfmt_check_parsing(const sm_dtfmt *f);
/* Formats an instant in `tz`; appends to `out`. */
int sm_dtfmt_format(const sm_dtfmt *f, int64_t micros, const sm_tz *tz, sm_buf *out);

#endif
