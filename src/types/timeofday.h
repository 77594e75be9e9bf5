/*
 * timeofday.h — values of the TIME type (Spark 4.1's TimeType): nanoseconds
 * since midnight in an int64, 0 .. SM_NANOS_PER_DAY - 1, with a precision
 * p = 0..6 (fraction digits; values are truncated to it).
 */
#ifndef SM_TIMEOFDAY_H
#define SM_TIMEOFDAY_H

#include <stdbool.h>
#include <stdint.h>

#define SM_NANOS_PER_DAY INT64_C(86400000000000)
#define SM_TIME_DEFAULT_PRECISION 6
#define SM_TIME_MAX_PRECISION 6

/* String → time as CAST(s AS TIME(p)) in Spark 4.1: surrounding whitespace
 * trimmed; "[h]h:[m]m" with optional ":[s]s" and ".fraction" (1 to 9
 * digits; digits beyond p are truncated); hour < 24, minute and second
 * < 60.  false when invalid. */
bool sm_parse_time(const char *s, int32_t len, int precision, int64_t *out_nanos);
/* "HH:mm:ss" plus "." and the fraction without trailing zeros when it is
 * not zero (microseconds at most, as Spark's fraction formatter); returns
 * the bytes written (buf needs 24). */
int sm_format_time(int64_t nanos, char *buf);
/* Truncates a time to precision p (0..6). */
int64_t sm_time_truncate(int64_t nanos, int precision);

#endif
