/* test_datetime.c — calendar, zones, CAST text rules and DateTimeFormatter
 * patterns.  Expected strings come from PySpark 3.5 (session zone UTC unless
 * stated). */
#include <string.h>

#include "common/status.h"
#include "test.h"
#include "types/datetime.h"

static const char *cast_date(const char *s) {
    static char buf[32];
    int32_t d;
    if (!sm_parse_date(s, (int32_t)strlen(s), &d)) return "NULL";
    sm_format_date(d, buf);
    return buf;
}

static const char *cast_ts(const char *s) {
    static char buf[48];
    int64_t us;
    if (!sm_parse_timestamp(s, (int32_t)strlen(s), sm_tz_utc(), &us)) return "NULL";
    sm_format_timestamp(us, sm_tz_utc(), buf);
    return buf;
}

static const char *pfmt(const char *s, const char *pattern) {
    static char buf[64];
    sm_dtfmt *f;
    if (sm_dtfmt_compile(pattern, &f) != 0) return "ERROR";
    int64_t us;
    bool ok = sm_dtfmt_parse(f, s, (int32_t)strlen(s), sm_tz_utc(), &us);
    sm_dtfmt_free(f);
    if (!ok) return "NULL";
    sm_format_timestamp(us, sm_tz_utc(), buf);
    return buf;
}

static const char *ffmt(const char *ts, const char *pattern, const char *zone) {
    static char out[128];
    int64_t us;
    if (!sm_parse_timestamp(ts, (int32_t)strlen(ts), sm_tz_utc(), &us)) return "BADTS";
    sm_dtfmt *f;
    if (sm_dtfmt_compile(pattern, &f) != 0) return "ERROR";
    sm_buf b = {0};
    sm_dtfmt_format(f, us, sm_tz_get(zone), &b);
    snprintf(out, sizeof out, "%s", b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    sm_dtfmt_free(f);
    return out;
}

TEST(civil_roundtrip) {
    CHECK_INT(sm_days_from_civil(1970, 1, 1), 0);
    CHECK_INT(sm_days_from_civil(2024, 9, 5), 19971);
    CHECK_INT(sm_days_from_civil(1969, 12, 31), -1);
    CHECK_INT(sm_days_from_civil(2000, 3, 1), 11017);
    for (int32_t d = -800000; d < 800000; d += 97) {
        int y, m, dd;
        sm_civil_from_days(d, &y, &m, &dd);
        if (sm_days_from_civil(y, m, dd) != d) { CHECK_INT(sm_days_from_civil(y, m, dd), d); break; }
    }
    int y, m, d;
    sm_civil_from_days(sm_days_from_civil(-44, 3, 15), &y, &m, &d);
    CHECK_INT(y, -44); CHECK_INT(m, 3); CHECK_INT(d, 15);
    CHECK_INT(sm_micros_to_days(-1), -1);
    CHECK_INT(sm_micros_to_days(0), 0);
    CHECK_INT(sm_micros_to_days(SM_MICROS_PER_DAY - 1), 0);
    CHECK_INT(sm_micros_to_days(-SM_MICROS_PER_DAY), -1);
    CHECK_INT(sm_micros_to_days(-SM_MICROS_PER_DAY - 1), -2);
}

TEST(format_date_years) {
    char buf[40];
    sm_format_date(sm_days_from_civil(-44, 3, 15), buf);
    CHECK_STR(buf, "-0044-03-15");
    sm_format_date(sm_days_from_civil(12345, 3, 15), buf);
    CHECK_STR(buf, "+12345-03-15");
    sm_format_date(sm_days_from_civil(5, 3, 15), buf);
    CHECK_STR(buf, "0005-03-15");
}

TEST(cast_string_to_date) {
    CHECK_STR(cast_date("2024-9-5"), "2024-09-05");
    CHECK_STR(cast_date("2024-09-05 10:00"), "2024-09-05");
    CHECK_STR(cast_date("2024-09-05T10:00:00.123456Z"), "2024-09-05");
    CHECK_STR(cast_date(" 2024-09-05 "), "2024-09-05");
    CHECK_STR(cast_date("\t2024-09-05\n"), "2024-09-05");
    CHECK_STR(cast_date("2024"), "2024-01-01");
    CHECK_STR(cast_date("2024-09"), "2024-09-01");
    CHECK_STR(cast_date("2024-9"), "2024-09-01");
    CHECK_STR(cast_date("24-09-05"), "NULL");
    CHECK_STR(cast_date("02024-09-05"), "2024-09-05");
    CHECK_STR(cast_date("+2024-09-05"), "2024-09-05");
    CHECK_STR(cast_date("-2024-09-05"), "-2024-09-05");
    CHECK_STR(cast_date("2024-09-05x"), "NULL");
    CHECK_STR(cast_date("2024-09-05 x"), "2024-09-05");
    CHECK_STR(cast_date("2024-09-05Tjunk"), "2024-09-05");
    CHECK_STR(cast_date("2024-13-01"), "NULL");
    CHECK_STR(cast_date("2024-02-30"), "NULL");
    CHECK_STR(cast_date("2024-02-29"), "2024-02-29");
    CHECK_STR(cast_date("2023-02-29"), "NULL");
    CHECK_STR(cast_date("2024-09-"), "NULL");
    CHECK_STR(cast_date("2024-"), "NULL");
    CHECK_STR(cast_date(""), "NULL");
    CHECK_STR(cast_date("  "), "NULL");
    CHECK_STR(cast_date("12345-01-01"), "+12345-01-01");
    CHECK_STR(cast_date("0000-01-01"), "0000-01-01");
    CHECK_STR(cast_date("2024/09/05"), "NULL");
    CHECK_STR(cast_date("20240905"), "NULL");
    CHECK_STR(cast_date("2024-09-05T"), "2024-09-05");
}

TEST(cast_string_to_timestamp) {
    CHECK_STR(cast_ts("2024-9-5"), "2024-09-05 00:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05T10:00:00.123456Z"), "2024-09-05 10:00:00.123456");
    CHECK_STR(cast_ts("2024-09-05 10:00:00+02:00"), "2024-09-05 08:00:00");
    CHECK_STR(cast_ts(" 2024-09-05 "), "2024-09-05 00:00:00");
    CHECK_STR(cast_ts("2024"), "2024-01-01 00:00:00");
    CHECK_STR(cast_ts("2024-09"), "2024-09-01 00:00:00");
    CHECK_STR(cast_ts("2024-09-05 10"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 1:2:3"), "2024-09-05 01:02:03");
    CHECK_STR(cast_ts("2024-09-05 10:00:00.1234567"), "2024-09-05 10:00:00.123456");
    CHECK_STR(cast_ts("2024-09-05 10:00:00."), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00Z"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 Z"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 UTC"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00UTC"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 America/Los_Angeles"), "2024-09-05 17:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00-0530"), "2024-09-05 15:30:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00+05"), "2024-09-05 05:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 GMT+2"), "2024-09-05 08:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 UTC+1"), "2024-09-05 09:00:00");
    CHECK_STR(cast_ts("2024-09-05T10"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 25:00:00"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 10:60:00"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 10:00:60"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 10:00:00.123+01:00"), "2024-09-05 09:00:00.123");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 +01:00"), "2024-09-05 09:00:00");
    CHECK_STR(cast_ts("2024-09-05T"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 "), "2024-09-05 00:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 10:00:"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 10:00:00+2"), "2024-09-05 08:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00+02:0"), "2024-09-05 08:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00+18:00"), "2024-09-04 16:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00+19:00"), "NULL");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 Europe/Paris"), "2024-09-05 08:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 CET"), "2024-09-05 08:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 PST"), "2024-09-05 17:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 GMT"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 UT"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 UTC+01:00"), "2024-09-05 09:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00 GMT-05:30"), "2024-09-05 15:30:00");
    CHECK_STR(cast_ts("1969-12-31 23:59:59.999999"), "1969-12-31 23:59:59.999999");
    CHECK_STR(cast_ts("-0001-01-01"), "-0001-01-01 00:00:00");
    CHECK_STR(cast_ts("2024-09-05 10:00:00.000"), "2024-09-05 10:00:00");
    CHECK_STR(cast_ts("2024-03-10 02:30:00 America/Los_Angeles"), "2024-03-10 10:30:00");
    CHECK_STR(cast_ts("2024-11-03 01:30:00 America/Los_Angeles"), "2024-11-03 08:30:00");
    CHECK_STR(cast_ts("2050-07-01 12:00:00 America/Los_Angeles"), "2050-07-01 19:00:00");
    CHECK_STR(cast_ts("1800-01-01 00:00:00 America/Los_Angeles"), "1800-01-01 07:52:58");
    CHECK_STR(cast_ts("2024/09/05"), "NULL");
}

TEST(zones_los_angeles) {
    const sm_tz *la = sm_tz_get("America/Los_Angeles");
    CHECK(la != NULL);
    if (!la) return;
    CHECK_STR(sm_tz_name(la), "America/Los_Angeles");
    CHECK(sm_tz_get("America/Los_Angeles") == la); /* cached */
    /* 2024-03-10 10:00 UTC = 02:00 PST → 03:00 PDT */
    int64_t t = 1710064800LL * SM_MICROS_PER_SECOND;
    CHECK_INT(sm_tz_offset_at_utc(la, t - 1), -8 * 3600);
    CHECK_INT(sm_tz_offset_at_utc(la, t), -7 * 3600);
    /* 2024-11-03 09:00 UTC = 02:00 PDT → 01:00 PST */
    int64_t u = 1730624400LL * SM_MICROS_PER_SECOND;
    CHECK_INT(sm_tz_offset_at_utc(la, u - 1), -7 * 3600);
    CHECK_INT(sm_tz_offset_at_utc(la, u), -8 * 3600);
    /* local times: gap 02:30 on 2024-03-10 → offset before (-8), i.e. 03:30 PDT */
    int64_t gap = ((int64_t)sm_days_from_civil(2024, 3, 10) * 86400 + 9000) * SM_MICROS_PER_SECOND;
    CHECK_INT(sm_tz_offset_at_local(la, gap), -8 * 3600);
    /* overlap 01:30 on 2024-11-03 → earlier offset (-7) */
    int64_t ov = ((int64_t)sm_days_from_civil(2024, 11, 3) * 86400 + 5400) * SM_MICROS_PER_SECOND;
    CHECK_INT(sm_tz_offset_at_local(la, ov), -7 * 3600);
    /* far future from the footer rule, and local mean time before 1883 */
    int64_t jul2050 = 2540314800LL * SM_MICROS_PER_SECOND;
    CHECK_INT(sm_tz_offset_at_utc(la, jul2050), -7 * 3600);
    int64_t jan2050 = ((int64_t)sm_days_from_civil(2050, 1, 15) * 86400) * SM_MICROS_PER_SECOND;
    CHECK_INT(sm_tz_offset_at_utc(la, jan2050), -8 * 3600);
    CHECK_INT(sm_tz_offset_at_utc(la, -5364634022LL * SM_MICROS_PER_SECOND), -(7 * 3600 + 52 * 60 + 58));
    char buf[48];
    sm_format_timestamp(t, la, buf);
    CHECK_STR(buf, "2024-03-10 03:00:00");
    /* Spark: CAST(TIMESTAMP'2024-03-10 02:30:00' AS BIGINT) in LA = 1710066600 */
    int64_t us;
    CHECK(sm_parse_timestamp("2024-03-10 02:30:00", 19, la, &us));
    CHECK_INT(us / SM_MICROS_PER_SECOND, 1710066600LL);
    CHECK(sm_parse_timestamp("2024-11-03 01:30:00", 19, la, &us));
    CHECK_INT(us / SM_MICROS_PER_SECOND, 1730622600LL);
}

TEST(zones_fixed_and_unknown) {
    const sm_tz *z = sm_tz_get("+02:00");
    CHECK(z && sm_tz_offset_at_utc(z, 0) == 7200);
    z = sm_tz_get("-0530");
    CHECK(z && sm_tz_offset_at_utc(z, 0) == -(5 * 3600 + 1800));
    z = sm_tz_get("GMT+2");
    CHECK(z && sm_tz_offset_at_utc(z, 0) == 7200);
    z = sm_tz_get("UTC+1");
    CHECK(z && sm_tz_offset_at_utc(z, 0) == 3600);
    z = sm_tz_get("Z");
    CHECK(z && sm_tz_offset_at_utc(z, 0) == 0);
    z = sm_tz_get("UTC");
    CHECK(z && sm_tz_offset_at_utc(z, 0) == 0);
    z = sm_tz_get("Asia/Kolkata");
    CHECK(z && sm_tz_offset_at_utc(z, 1725532215LL * SM_MICROS_PER_SECOND) == 19800);
    CHECK(sm_tz_get("Mars/Olympus") == NULL);
    CHECK(strstr(sm_errmsg(), "Mars/Olympus") != NULL);
    CHECK(sm_tz_get("../../etc/passwd") == NULL);
    CHECK(sm_tz_get("+19:00") == NULL);
}

TEST(pattern_parse) {
    CHECK_STR(pfmt("2024-09-05", "yyyy-MM-dd"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-9-5", "yyyy-MM-dd"), "NULL");
    CHECK_STR(pfmt("2024-9-5", "yyyy-M-d"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-09-5", "yyyy-M-d"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("05/09/2024", "dd/MM/yyyy"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("70-09-05", "yy-MM-dd"), "2070-09-05 00:00:00");
    CHECK_STR(pfmt("2024-09-05 extra", "yyyy-MM-dd"), "NULL");
    CHECK_STR(pfmt(" 2024-09-05", "yyyy-MM-dd"), "NULL");
    CHECK_STR(pfmt("Sep 5, 2024", "MMM d, yyyy"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("SEP 5, 2024", "MMM d, yyyy"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("Sept 5 2024", "MMM d yyyy"), "NULL");
    CHECK_STR(pfmt("September 05 2024", "MMMM dd yyyy"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-249", "yyyy-DDD"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2023-366", "yyyy-DDD"), "NULL");
    CHECK_STR(pfmt("2024-249-10", "yyyy-DDD-MM"), "NULL");
    CHECK_STR(pfmt("20240905", "yyyyMMdd"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("240905", "yyMMdd"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024095", "yyyyMMd"), "NULL");
    CHECK_STR(pfmt("12024-09-05", "yyyy-MM-dd"), "NULL");
    CHECK_STR(pfmt("+12024-09-05", "yyyy-MM-dd"), "+12024-09-05 00:00:00");
    CHECK_STR(pfmt("-2024-09-05", "y-MM-dd"), "-2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-02-30", "yyyy-MM-dd"), "NULL");
    CHECK_STR(pfmt("2024-09-05 1:30:15", "yyyy-MM-dd H:mm:ss"), "2024-09-05 01:30:15");
    CHECK_STR(pfmt("2024-09-05 1:30:15", "yyyy-MM-dd HH:mm:ss"), "NULL");
    CHECK_STR(pfmt("2024-09-05 01:30:15 PM", "yyyy-MM-dd hh:mm:ss a"), "2024-09-05 13:30:15");
    CHECK_STR(pfmt("2024-09-05 12:30:15 am", "yyyy-MM-dd hh:mm:ss a"), "2024-09-05 00:30:15");
    CHECK_STR(pfmt("2024-09-05 13:30:15 AM", "yyyy-MM-dd HH:mm:ss a"), "NULL");
    CHECK_STR(pfmt("2024-09-05 13:30:15 PM", "yyyy-MM-dd HH:mm:ss a"), "2024-09-05 13:30:15");
    CHECK_STR(pfmt("12", "hh"), "1970-01-01 00:00:00");
    CHECK_STR(pfmt("13", "hh"), "NULL");
    CHECK_STR(pfmt("PM", "a"), "1970-01-01 12:00:00");
    CHECK_STR(pfmt("2024-09-05 10:30:15.12", "yyyy-MM-dd HH:mm:ss.SSS"), "2024-09-05 10:30:15.12");
    CHECK_STR(pfmt("2024-09-05 10:30:15.123", "yyyy-MM-dd HH:mm:ss.S"), "NULL");
    CHECK_STR(pfmt("2024-09-05 10:30:15.1234567", "yyyy-MM-dd HH:mm:ss.SSSSSSS"), "2024-09-05 10:30:15.123456");
    CHECK_STR(pfmt("2024-09-05 10:30:15+0200", "yyyy-MM-dd HH:mm:ssZ"), "2024-09-05 08:30:15");
    CHECK_STR(pfmt("2024-09-05 10:30:15Z", "yyyy-MM-dd HH:mm:ssZ"), "NULL");
    CHECK_STR(pfmt("2024-09-05 10:30:15+02:00", "yyyy-MM-dd HH:mm:ssXXX"), "2024-09-05 08:30:15");
    CHECK_STR(pfmt("2024-09-05 10:30:15Z", "yyyy-MM-dd HH:mm:ssX"), "2024-09-05 10:30:15");
    CHECK_STR(pfmt("2024-09-05 10:30:15+02", "yyyy-MM-dd HH:mm:ssX"), "2024-09-05 08:30:15");
    CHECK_STR(pfmt("2024-09-05 10:30:15 +02", "yyyy-MM-dd HH:mm:ss x"), "2024-09-05 08:30:15");
    CHECK_STR(pfmt("2024-09-05 10:30:15+02:00", "yyyy-MM-dd HH:mm:ssZZZZZ"), "2024-09-05 08:30:15");
    CHECK_STR(pfmt("2024-09-05 10:30:15 GMT+2", "yyyy-MM-dd HH:mm:ss O"), "2024-09-05 08:30:15");
    CHECK_STR(pfmt("2024-09-05 GMT+02:00", "yyyy-MM-dd ZZZZ"), "2024-09-04 22:00:00");
    CHECK_STR(pfmt("2024-09-05 10:30:15 PST", "yyyy-MM-dd HH:mm:ss z"), "2024-09-05 17:30:15");
    CHECK_STR(pfmt("2024-09-05 CEST", "yyyy-MM-dd z"), "2024-09-04 22:00:00");
    CHECK_STR(pfmt("2024-09-05 Europe/Paris", "yyyy-MM-dd VV"), "2024-09-04 22:00:00");
    CHECK_STR(pfmt("2024-09-05 24:30:15", "yyyy-MM-dd kk:mm:ss"), "2024-09-05 00:30:15");
    CHECK_STR(pfmt("2024-09-05T10:30:15", "yyyy-MM-dd'T'HH:mm:ss"), "2024-09-05 10:30:15");
    CHECK_STR(pfmt("x2024-09-05", "'x'yyyy-MM-dd"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-09-05 o'clock", "yyyy-MM-dd 'o''clock'"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-09-05", "yyyy-MM-dd[ HH:mm]"), "2024-09-05 00:00:00");
    CHECK_STR(pfmt("2024-09-05 10:20", "yyyy-MM-dd[ HH:mm]"), "2024-09-05 10:20:00");
    CHECK_STR(pfmt("2024-09-05 10", "yyyy-MM-dd[ HH:mm]"), "NULL");
    CHECK_STR(pfmt("10:30", "HH:mm"), "1970-01-01 10:30:00");
    CHECK_STR(pfmt("2024-09-05 AD", "yyyy-MM-dd G"), "2024-09-05 00:00:00");
}

/* Why a parse failed, as Spark's ANSI [CANNOT_PARSE_TIMESTAMP] quotes java.time. */
static const char *pwhy(const char *s, const char *pattern) {
    static char why[256];
    sm_dtfmt *f;
    if (sm_dtfmt_compile(pattern, &f) != 0) return "ERROR";
    int64_t us;
    bool ok = sm_dtfmt_parse_why(f, s, (int32_t)strlen(s), sm_tz_utc(), &us, why, sizeof why);
    sm_dtfmt_free(f);
    return ok ? "OK" : why;
}

TEST(pattern_parse_why) {
    CHECK_STR(pwhy("02-29", "MM-dd"), "Invalid date 'February 29' as '1970' is not a leap year");
    CHECK_STR(pwhy("abc", "yyyy-MM-dd"), "Text 'abc' could not be parsed at index 0");
    CHECK_STR(pwhy("2020-04-31", "yyyy-MM-dd"), "Invalid date 'APRIL 31'");
    CHECK_STR(pwhy("2020-04-30x", "yyyy-MM-dd"),
              "Text '2020-04-30x' could not be parsed, unparsed text found at index 10");
    CHECK_STR(pwhy("2020-02-29", "yyyy-MM-dd"), "OK");
}

TEST(pattern_errors) {
    sm_dtfmt *f = NULL;
    CHECK_INT(sm_dtfmt_compile("YYYY-MM-dd", &f), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "week-based") != NULL);
    CHECK_INT(sm_dtfmt_compile("yyyy-ww", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("uuuu", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("yyyy-MM-ddn", &f), SM_INVALID);
    CHECK(strstr(sm_errmsg(), "Illegal pattern character: n") != NULL);
    CHECK_INT(sm_dtfmt_compile("MMMMM", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("yyyyyyyyyy", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("HHH", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("aa", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("V", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("yyyy-MM-dd'", &f), SM_INVALID);
    CHECK_INT(sm_dtfmt_compile("{", &f), SM_INVALID);
    CHECK_OK(sm_dtfmt_compile("EEE yyyy-MM-dd", &f));
    CHECK_INT(sm_dtfmt_check_parsing(f), SM_INVALID);
    sm_dtfmt_free(f);
    CHECK_OK(sm_dtfmt_compile("yyyy-MM-dd", &f));
    CHECK_OK(sm_dtfmt_check_parsing(f));
    sm_dtfmt_free(f);
}

TEST(pattern_format) {
    const char *t = "2024-09-05 08:03:04.120";
    CHECK_STR(ffmt(t, "yyyy-MM-dd", "UTC"), "2024-09-05");
    CHECK_STR(ffmt(t, "yy", "UTC"), "24");
    CHECK_STR(ffmt(t, "y", "UTC"), "2024");
    CHECK_STR(ffmt(t, "yyyyy", "UTC"), "02024");
    CHECK_STR(ffmt(t, "M MM MMM MMMM L LLL LLLL", "UTC"), "9 09 Sep September 9 Sep September");
    CHECK_STR(ffmt(t, "d dd D DD DDD", "UTC"), "5 05 249 249 249");
    CHECK_STR(ffmt(t, "H HH h hh k K m mm s ss", "UTC"), "8 08 8 08 8 8 3 03 4 04");
    CHECK_STR(ffmt(t, "S SS SSS SSSS SSSSSS SSSSSSSSS", "UTC"), "1 12 120 1200 120000 120000000");
    CHECK_STR(ffmt(t, "a E EE EEE EEEE", "UTC"), "AM Thu Thu Thu Thursday");
    CHECK_STR(ffmt(t, "z zzzz Z ZZZZZ X XX XXX x xxx VV O", "UTC"),
              "UTC Coordinated Universal Time +0000 Z Z Z Z +00 +00:00 UTC GMT");
    CHECK_STR(ffmt(t, "Q QQQ QQQQ qq F G GGGG", "UTC"), "3 Q3 3rd quarter 03 5 AD Anno Domini");
    CHECK_STR(ffmt(t, "''", "UTC"), "'");
    CHECK_STR(ffmt(t, "yyyy''MM", "UTC"), "2024'09");
    CHECK_STR(ffmt(t, "'o''clock'", "UTC"), "o'clock");
    CHECK_STR(ffmt(t, "'quoted' yyyy", "UTC"), "quoted 2024");
    CHECK_STR(ffmt(t, "[yyyy][MM]", "UTC"), "202409");
    CHECK_STR(ffmt(t, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "UTC"), "2024-09-05T08:03:04.120Z");
    CHECK_STR(ffmt("2024-09-05 18:03:04", "h a K k", "UTC"), "6 PM 6 18");
    CHECK_STR(ffmt("2024-09-05 00:03:04", "h K k a", "UTC"), "12 0 24 AM");
    CHECK_STR(ffmt("2024-01-01 00:00:00", "D DD DDD", "UTC"), "1 01 001");
    CHECK_STR(ffmt("2024-09-05 08:03:04", "yyyy-MM-dd HH:mm:ss z", "America/Los_Angeles"),
              "2024-09-05 01:03:04 PDT");
    CHECK_STR(ffmt("2024-01-05 08:03:04", "yyyy-MM-dd HH:mm:ss z", "America/Los_Angeles"),
              "2024-01-05 00:03:04 PST");
    CHECK_STR(ffmt("2024-09-05 08:03:04", "Z XXX X x zzzz VV O", "America/Los_Angeles"),
              "-0700 -07:00 -07 -07 Pacific Daylight Time America/Los_Angeles GMT-7");
    CHECK_STR(ffmt("2024-01-05 08:03:04", "Z XXX X x zzzz O", "America/Los_Angeles"),
              "-0800 -08:00 -08 -08 Pacific Standard Time GMT-8");
    CHECK_STR(ffmt("-0044-03-15 12:00:00", "yyyy-MM-dd", "UTC"), "-0044-03-15");
    CHECK_STR(ffmt("12345-03-15 00:00:00", "yyyy-MM-dd", "UTC"), "+12345-03-15");
    CHECK_STR(ffmt("0005-03-15 00:00:00", "y yy yyy yyyy", "UTC"), "5 05 005 0005");
}

TEST(format_timestamp_fraction) {
    char buf[48];
    sm_format_timestamp(1725532215LL * SM_MICROS_PER_SECOND + 120000, sm_tz_utc(), buf);
    CHECK_STR(buf, "2024-09-05 10:30:15.12");
    sm_format_timestamp(-1, sm_tz_utc(), buf);
    CHECK_STR(buf, "1969-12-31 23:59:59.999999");
    sm_format_timestamp(-5364662400LL * SM_MICROS_PER_SECOND, sm_tz_get("America/Los_Angeles"), buf);
    CHECK_STR(buf, "1799-12-31 16:07:02");
}
