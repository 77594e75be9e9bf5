/*
 * interval.h — text forms of Spark's interval values (types/interval.c).
 *
 * Year-month intervals (INTERVAL_YM) are int32 months, day-time intervals
 * (INTERVAL_DT) int64 microseconds, both typed by a start and end field
 * (SM_IV_*); calendar intervals (INTERVAL_CAL) are sm_cal_interval.
 *
 * Two spellings, as Spark 3.5 writes them (IntervalUtils):
 *   ANSI  — CAST(x AS STRING), show():  INTERVAL '1-2' YEAR TO MONTH,
 *           INTERVAL '3 00:00:01' DAY TO SECOND, INTERVAL '90' MINUTE
 *   Hive  — results as spark-sql prints them (HiveResult): 1-2,
 *           3 00:00:01.000000000 (every field, whatever the type's)
 * Calendar intervals have one spelling (CalendarInterval.toString):
 * "1 years 2 months 3 days 4 hours 5 minutes 6.5 seconds", "0 seconds".
 *
 * Parsing: sm_iv_parse reads a string as CAST(s AS INTERVAL ...) does — the
 * bare form of the target's fields ("1-2", "3 04:05:06.7") or the ANSI
 * literal form (INTERVAL '1-2' YEAR TO MONTH, any case); sm_cal_parse reads
 * the multi-unit form ("[interval] 3 months 1 hour -2 days 1.5 seconds").
 * Both return false on malformed text.  No allocation; thread-safe.
 */
#ifndef SM_TYPES_INTERVAL_H
#define SM_TYPES_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mem.h"
#include "types/types.h"

/* Appends the ANSI (hive = false) or Hive (hive = true) spelling of a
 * year-month (months) or day-time (micros) value typed (start, end). */
int sm_iv_format_ym(int32_t months, int start, int end, bool hive, sm_buf *buf);
int sm_iv_format_dt(int64_t micros, int start, int end, bool hive, sm_buf *buf);
int sm_cal_format(const sm_cal_interval *c, sm_buf *buf);

/* CAST(s AS INTERVAL_YM / INTERVAL_DT (start, end)): *out months or micros. */
bool sm_iv_parse(const char *s, int32_t len, sm_type t, int start, int end, int64_t *out);
bool sm_cal_parse(const char *s, int32_t len, sm_cal_interval *out);

/* "INTERVAL DAY TO SECOND", "INTERVAL YEAR" (Spark's type names in messages). */
const char *sm_iv_type_upper(sm_type t, int start, int end, char *buf, size_t cap);

#endif
