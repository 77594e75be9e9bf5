/*
 * test_cast.c — CAST by Spark 3.5's non-ANSI rules, ANSI errors, and the
 * text forms of values (Java's Double.toString included).
 *
 * Every expected value below comes from PySpark 3.5.3 (Java 17, session
 * time zone UTC): CAST(<literal> AS <type>) then CAST(r AS STRING), and for
 * doubles CAST(d AS STRING) over random doubles (bit patterns, decimals,
 * ratios, integers) created with Python's random.seed(7).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "common/mem.h"
#include "common/status.h"
#include "expr/expr.h"
#include "types/datetime.h"
#include "types/types.h"

static char c_out[4096];

/* Renders every row of v as CAST(x AS STRING), '|'-separated. */
static const char *c_render(const sm_vector *v, const sm_tz *tz) {
    sm_buf b = {0};
    for (int64_t r = 0; r < v->length; r++) {
        if (r) sm_buf_putc(&b, '|');
        sm_value x;
        sm_vector_get(v, r, &x);
        sm_value_to_string(&x, tz, &b);
    }
    snprintf(c_out, sizeof c_out, "%s", b.data ? sm_buf_cstr(&b) : "");
    sm_buf_free(&b);
    return c_out;
}

/* Casts strings (NULL = null) to `to`; returns the rendered rows or
 * "ERROR <message>". */
static const char *c_cast_strs(int n, const char *const *strs, sm_type to, bool ansi, const sm_tz *tz) {
    sm_vector *in = sm_vector_new(SM_STRING, n);
    for (int i = 0; i < n; i++) {
        if (strs[i]) sm_vector_append_str(in, strs[i], (int32_t)strlen(strs[i]));
        else sm_vector_append_null(in);
    }
    sm_eval_ctx ctx = {.tz = tz ? tz : sm_tz_utc(), .ansi = ansi};
    sm_vector *out = NULL;
    int rc = sm_cast_vector(&ctx, in, to, &out);
    sm_vector_unref(in);
    if (rc != SM_OK) {
        snprintf(c_out, sizeof c_out, "ERROR %s", sm_errmsg());
        return c_out;
    }
    CHECK_INT(out->type, to);
    CHECK_INT(out->length, n);
    c_render(out, tz ? tz : sm_tz_utc());
    sm_vector_unref(out);
    return c_out;
}
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* One value of `from` cast to `to`. */
static const char *c_cast1(sm_value v, sm_type to, bool ansi, const sm_tz *tz) {
    sm_vector *in = sm_vector_from_value(&v, v.type, 1);
    sm_eval_ctx ctx = {.tz = tz ? tz : sm_tz_utc(), .ansi = ansi};
    sm_vector *out = NULL;
    int rc = sm_cast_vector(&ctx, in, to, &out);
    sm_vector_unref(in);
    if (rc != SM_OK) {
        snprintf(c_out, sizeof c_out, "ERROR %s", sm_errmsg());
        return c_out;
    }
    c_render(out, tz ? tz : sm_tz_utc());
    sm_vector_unref(out);
    return c_out;
}
static sm_value V_I32(int32_t x) { return (sm_value){.type = SM_INT, .v.i32 = x}; }
static sm_value V_I64(int64_t x) { return (sm_value){.type = SM_BIGINT, .v.i64 = x}; }
static sm_value V_F64(double x) { return (sm_value){.type = SM_DOUBLE, .v.f64 = x}; }
static sm_value V_BOOL(bool x) { return (sm_value){.type = SM_BOOLEAN, .v.b = x}; }
static sm_value V_DATE(int32_t x) { return (sm_value){.type = SM_DATE, .v.i32 = x}; }
static sm_value V_TS(int64_t x) { return (sm_value){.type = SM_TIMESTAMP, .v.i64 = x}; }

/* ---- Double.toString ------------------------------------------------------------- */

static const struct {
    double d;
    const char *s;
} java_doubles[] = {
    {1.0, "1.0"},
    {0.1, "0.1"},
    {1e10, "1.0E10"},
    {1e-5, "1.0E-5"},
    {1e7, "1.0E7"},
    {9999999.0, "9999999.0"},
    {0.001, "0.001"},
    {0.0001, "1.0E-4"},
    {-0.0, "-0.0"},
    {0.0, "0.0"},
    {123456789.125, "1.23456789125E8"},
    {1e21, "1.0E21"},
    {4.9e-324, "4.9E-324"},
    {1.7976931348623157e308, "1.7976931348623157E308"},
    {0.1 + 0.2, "0.30000000000000004"},
    {1704448800.5, "1.7044488005E9"},
    {-1e-10, "-1.0E-10"},
    {100.0, "100.0"},
    {1234567.0, "1234567.0"},
    {12345678.9, "1.23456789E7"},
    {0.00123, "0.00123"},
    {NAN, "NaN"},
    {INFINITY, "Infinity"},
    {-INFINITY, "-Infinity"},
    /* random sample */
    {-1.989032661366619e+244, "-1.989032661366619E244"},
    {37.7029469144676, "37.7029469144676"},
    {-5.186248673036091e+17, "-5.1862486730360909E17"},
    {5.859122346581956e-29, "5.859122346581956E-29"},
    {341.3405295315682, "341.3405295315682"},
    {1.5627224783221384e+16, "1.5627224783221384E16"},
    {-1.0787815710955752e-115, "-1.0787815710955752E-115"},
    {104.20761451516954, "104.20761451516954"},
    {-5.40560710264142e+17, "-5.4056071026414202E17"},
    {1.1826693239617244e-247, "1.1826693239617244E-247"},
    {121.10973565441651, "121.10973565441651"},
    {-5.378772300702246e+17, "-5.3787723007022458E17"},
    {2.745146439023138e-68, "2.745146439023138E-68"},
    {113.65120868278244, "113.65120868278244"},
    {3.063063219353972e+17, "3.0630632193539718E17"},
    {-1.206822548040937e+109, "-1.206822548040937E109"},
    {69.90817694369973, "69.90817694369973"},
    {5.3447514152138003e+17, "5.3447514152138003E17"},
    {-7.728053312649166e-184, "-7.728053312649166E-184"},
    {189.4194780394653, "189.4194780394653"},
    {2.7682825162846355e+17, "2.76828251628463552E17"},
    {-8.674375305724447e+122, "-8.674375305724447E122"},
    {332.1126279863481, "332.1126279863481"},
    {-6.204204562112552e+17, "-6.2042045621125517E17"},
    {1.72272291545722e-234, "1.72272291545722E-234"},
    {378.0244416350611, "378.0244416350611"},
    {2.6325171030443344e+17, "2.6325171030443344E17"},
    {2.958097180256391e-147, "2.958097180256391E-147"},
    {2473.84593837535, "2473.84593837535"},
    {7.553913783920754e+17, "7.5539137839207539E17"},
    {-8.246788451126217e-59, "-8.246788451126217E-59"},
    {1651.2555366269166, "1651.2555366269166"},
    {4.0830868510484826e+17, "4.0830868510484826E17"},
    {1.25564481759166e-186, "1.25564481759166E-186"},
    {3325.268292682927, "3325.268292682927"},
    {-7.005514668871535e+17, "-7.0055146688715354E17"},
    {2.4596151047921024e+125, "2.4596151047921024E125"},
    {165.47034171502256, "165.47034171502256"},
    {-5.623311481291362e+17, "-5.6233114812913619E17"},
    {-4.935565465431104e+173, "-4.935565465431104E173"},
    {133.54801076877055, "133.54801076877055"},
    {2.780047483466183e+17, "2.78004748346618304E17"},
    {-3.4876339556561244e-220, "-3.4876339556561244E-220"},
    {94.77728285077951, "94.77728285077951"},
    {-6.959408600047834e+17, "-6.9594086000478336E17"},
    {-1.3350391060575964e+90, "-1.3350391060575964E90"},
    {243.7659400544959, "243.7659400544959"},
    {7.648662657282839e+17, "7.648662657282839E17"},
    {3.9046084720204287e-199, "3.9046084720204287E-199"},
    {114.52409462616822, "114.52409462616822"},
    {-4.908569867012572e+17, "-4.9085698670125722E17"},
    {2.0248753272350803e-60, "2.0248753272350803E-60"},
    {126.01363636363637, "126.01363636363637"},
    {1.3576559689828747e+17, "1.35765596898287472E17"},
    {-6.863904721830007e-152, "-6.863904721830007E-152"},
    {144.61040787623065, "144.61040787623065"},
    {4.5313011441219616e+17, "4.5313011441219616E17"},
    {-7.255508404912392e+91, "-7.255508404912392E91"},
    {111.25644360368881, "111.25644360368881"},
    {2.3174189647982144e+17, "2.3174189647982144E17"},
    {3.438176627249505e+17, "3.4381766272495053E17"},
    {9.065911861629331e+17, "9.0659118616293312E17"},
    {-8.925876515710685e+17, "-8.9258765157106854E17"},
    {-7.62369715118009e+17, "-7.6236971511800896E17"},
    {1.4465388242519395e+17, "1.44653882425193952E17"},
    {-5.854860928965376e+17, "-5.854860928965376E17"},
    {-7.277588504740303e+17, "-7.2775885047403034E17"},
    {2.8683507919165302e+17, "2.86835079191653024E17"},
};

TEST(format_double_is_java_double_to_string) {
    for (int i = 0; i < N(java_doubles); i++) {
        char buf[32];
        int n = sm_format_double(java_doubles[i].d, buf);
        CHECK_STR(buf, java_doubles[i].s);
        CHECK_INT(n, strlen(java_doubles[i].s));
    }
}

/* The printf search of sm_format_double (15, 16, 17 digits until strtod
 * reads it back) as it was before the exact 128-bit path replaced it in the
 * plain range: both must agree on every value. */
static int ref_format_double(double a, char *buf) {
    char tmp[48], digits[32];
    int nd = 0;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, a);
        if (strtod(tmp, NULL) == a) break;
    }
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    return sm_format_java_digits(buf, false, digits, nd, atoi(p + 1));
}

TEST(format_double_exact_path_equals_printf_search) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    int checked = 0;
    for (int i = 0; i < 400000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double a;
        switch (i % 4) {
        case 0: a = (double)(x % 100000) / 100 + (double)((x >> 20) % 100000) / 100; break;
        case 1: a = (double)(x % 1000000000) / 1e6 * 3.0 / 7.0; break;
        case 2: a = ldexp((double)(x >> 11), -53) * pow(10, (double)(x % 11) - 3); break;
        default: a = (double)(x % 10000) / 1000 - (double)((x >> 30) % 10000) / 100000; break;
        }
        a = fabs(a);
        if (!(a >= 1e-3 && a < 1e7) || a == floor(a)) continue;
        char want[48], got[48];
        ref_format_double(a, want);
        sm_format_double(a, got);
        if (strcmp(want, got) != 0) {
            CHECK_STR(got, want);
            break;
        }
        checked++;
    }
    CHECK(checked > 300000);
}

/* The paths of sm_format_double that skip the printf search: values with
 * 1..8 decimals in the plain range (the fast path takes up to 6, the
 * exact 128-bit path the rest) against the printf search, and integral
 * values below 2^53 against their %llu digits, both with either sign. */
TEST(format_double_short_decimals_and_integers) {
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    uint64_t x = 0x2545f4914f6cdd1dULL;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int k = 1 + (int)(x % 8);
        double a = (double)((x >> 8) % 1000000000ULL) / p10[k];
        char want[64], got[64], neg[72];
        if (a >= 1e-3 && a < 1e7 && a != floor(a)) {
            ref_format_double(a, want);
        } else {
            a = (double)((x >> 8) % (1ULL << (1 + (x >> 3) % 53)));
            if (a == 0) continue;
            char dig[32];
            int nd = snprintf(dig, sizeof dig, "%llu", (unsigned long long)a);
            sm_format_java_digits(want, false, dig, nd, nd - 1);
        }
        snprintf(neg, sizeof neg, "-%s", want);
        for (int sign = 0; sign < 2; sign++) {
            const char *w = sign ? neg : want;
            int n = sm_format_double(sign ? -a : a, got);
            if (strcmp(got, w) == 0 && n == (int)strlen(w)) continue;
            if (bad++ == 0) CHECK_STR(got, w); /* show the first difference */
        }
    }
    CHECK_INT(bad, 0);
}

/* ---- string → numbers, booleans ------------------------------------------------------ */

TEST(cast_string_to_int) {
    static const char *const in[] = {" 12 ", "1.9", "-1.9", "1e3", "2147483648", "-2147483648",
                                     "+5", "", "1.", ".5", "-.5", ".", "-", "0x10", "1 2",
                                     "\t7\n", "1.9abc", "1.99999999999", NULL, "2147483647"};
    CHECK_STR(c_cast_strs(N(in), in, SM_INT, false, NULL),
              "12|1|-1|NULL|NULL|-2147483648|5|NULL|1|0|0|0|NULL|NULL|NULL|7|NULL|1|NULL|"
              "2147483647");
    static const char *const big[] = {"9223372036854775807", "9223372036854775808", "12.7",
                                      "-9223372036854775808", "-9223372036854775809"};
    CHECK_STR(c_cast_strs(N(big), big, SM_BIGINT, false, NULL),
              "9223372036854775807|NULL|12|-9223372036854775808|NULL");
}

TEST(cast_string_to_double) {
    static const char *const in[] = {"1e3",  "NaN", "nan",   "Infinity", "inf",  "-inf",
                                     "+inf", "INF", "-Infinity", "infinity", " 1.5 ", "1.5d",
                                     "1.5f", "0x1p3", "1,000", ".5",  "5.",  "1e400",
                                     "",     "\t2.5\n", " nan ", NULL,  "abc", "1e", "0x10"};
    CHECK_STR(c_cast_strs(N(in), in, SM_DOUBLE, false, NULL),
              "1000.0|NaN|NaN|Infinity|Infinity|-Infinity|Infinity|Infinity|-Infinity|Infinity|"
              "1.5|1.5|1.5|8.0|NULL|0.5|5.0|Infinity|NULL|2.5|NaN|NULL|NULL|NULL|NULL");
}

TEST(cast_string_to_boolean) {
    static const char *const in[] = {"t", "TRUE", " yes ", "Y", "1", "0", "no", "off", "2", "  ",
                                     "f", "False", "N", NULL};
    CHECK_STR(c_cast_strs(N(in), in, SM_BOOLEAN, false, NULL),
              "true|true|true|true|true|false|false|NULL|NULL|NULL|false|false|false|NULL");
}

TEST(cast_string_to_date_and_timestamp) {
    static const char *const d[] = {"2024-01-05", " 2024-01-05 ", "2024-1-5", "garbage", NULL};
    CHECK_STR(c_cast_strs(N(d), d, SM_DATE, false, NULL),
              "2024-01-05|2024-01-05|2024-01-05|NULL|NULL");
    static const char *const t[] = {"2024-01-05T10:00:00Z", "2024-01-05 10:00:00.120", "x"};
    CHECK_STR(c_cast_strs(N(t), t, SM_TIMESTAMP, false, NULL),
              "2024-01-05 10:00:00|2024-01-05 10:00:00.12|NULL");
}

/* ---- numbers, booleans, datetimes ------------------------------------------------------ */

TEST(cast_numeric_java_semantics) {
    CHECK_STR(c_cast1(V_F64(1e10), SM_INT, false, NULL), "2147483647");
    CHECK_STR(c_cast1(V_F64(-1e10), SM_INT, false, NULL), "-2147483648");
    CHECK_STR(c_cast1(V_F64(NAN), SM_INT, false, NULL), "0");
    CHECK_STR(c_cast1(V_F64(1e30), SM_BIGINT, false, NULL), "9223372036854775807");
    CHECK_STR(c_cast1(V_F64(-2.7), SM_INT, false, NULL), "-2");
    CHECK_STR(c_cast1(V_I64(3000000000LL), SM_INT, false, NULL), "-1294967296");
    CHECK_STR(c_cast1(V_BOOL(true), SM_INT, false, NULL), "1");
    CHECK_STR(c_cast1(V_I32(2), SM_BOOLEAN, false, NULL), "true");
    CHECK_STR(c_cast1(V_F64(0.0), SM_BOOLEAN, false, NULL), "false");
    CHECK_STR(c_cast1(V_F64(NAN), SM_BOOLEAN, false, NULL), "true");
    CHECK_STR(c_cast1(V_I32(7), SM_DOUBLE, false, NULL), "7.0");
    CHECK_STR(c_cast1(V_I32(-7), SM_STRING, false, NULL), "-7");
    CHECK_STR(c_cast1(V_BOOL(false), SM_STRING, false, NULL), "false");
}

TEST(cast_datetime_semantics) {
    int32_t d = sm_days_from_civil(2024, 1, 5);
    int64_t ts = (int64_t)d * SM_MICROS_PER_DAY + 10 * 3600 * SM_MICROS_PER_SECOND + 500000;
    /* date → number/boolean: null in Spark 3.5 */
    CHECK_STR(c_cast1(V_DATE(d), SM_INT, false, NULL), "NULL");
    CHECK_STR(c_cast1(V_DATE(d), SM_DOUBLE, false, NULL), "NULL");
    CHECK_STR(c_cast1(V_DATE(d), SM_BOOLEAN, false, NULL), "NULL");
    CHECK_STR(c_cast1(V_TS(ts), SM_BIGINT, false, NULL), "1704448800");
    CHECK_STR(c_cast1(V_TS(ts), SM_DOUBLE, false, NULL), "1.7044488005E9");
    CHECK_STR(c_cast1(V_TS(ts), SM_INT, false, NULL), "1704448800");
    CHECK_STR(c_cast1(V_TS(ts), SM_BOOLEAN, false, NULL), "true");
    CHECK_STR(c_cast1(V_TS(-500000), SM_BIGINT, false, NULL), "-1");
    CHECK_STR(c_cast1(V_TS(-500000), SM_DOUBLE, false, NULL), "-0.5");
    CHECK_STR(c_cast1(V_TS(-500000), SM_INT, false, NULL), "-1");
    CHECK_STR(c_cast1(V_I32(1704448800), SM_TIMESTAMP, false, NULL), "2024-01-05 10:00:00");
    CHECK_STR(c_cast1(V_I64(1704448800), SM_TIMESTAMP, false, NULL), "2024-01-05 10:00:00");
    CHECK_STR(c_cast1(V_F64(1.5), SM_TIMESTAMP, false, NULL), "1970-01-01 00:00:01.5");
    CHECK_STR(c_cast1(V_F64(-1.5), SM_TIMESTAMP, false, NULL), "1969-12-31 23:59:58.5");
    CHECK_STR(c_cast1(V_F64(NAN), SM_TIMESTAMP, false, NULL), "NULL");
    CHECK_STR(c_cast1(V_BOOL(true), SM_TIMESTAMP, false, NULL), "1970-01-01 00:00:00.000001");
    CHECK_STR(c_cast1(V_TS(ts), SM_DATE, false, NULL), "2024-01-05");
    CHECK_STR(c_cast1(V_DATE(d), SM_TIMESTAMP, false, NULL), "2024-01-05 00:00:00");
    CHECK_STR(c_cast1(V_DATE(d), SM_STRING, false, NULL), "2024-01-05");
    /* the session time zone: midnight in +02:00 is 22:00 UTC the day before */
    const sm_tz *plus2 = sm_tz_get("+02:00");
    CHECK(plus2 != NULL);
    if (plus2) {
        sm_eval_ctx ctx = {.tz = plus2};
        sm_value v = V_DATE(d);
        sm_vector *in = sm_vector_from_value(&v, SM_DATE, 1), *out = NULL;
        CHECK_OK(sm_cast_vector(&ctx, in, SM_TIMESTAMP, &out));
        CHECK_INT(SM_VEC_I64(out)[0], (int64_t)d * SM_MICROS_PER_DAY - 2 * 3600 * SM_MICROS_PER_SECOND);
        sm_vector_unref(out);
        sm_vector_unref(in);
        /* 23:30 UTC on Jan 4 is Jan 5 in +02:00 */
        CHECK_STR(c_cast1(V_TS((int64_t)d * SM_MICROS_PER_DAY - 30 * 60 * SM_MICROS_PER_SECOND),
                          SM_DATE, false, plus2),
                  "2024-01-05");
    }
}

TEST(cast_nulls_and_void) {
    sm_vector *nulls = sm_vector_new_nulls(SM_NULLTYPE, 3), *out = NULL;
    sm_eval_ctx ctx = {.tz = sm_tz_utc()};
    CHECK_OK(sm_cast_vector(&ctx, nulls, SM_INT, &out));
    CHECK_INT(out->type, SM_INT);
    CHECK_STR(c_render(out, sm_tz_utc()), "NULL|NULL|NULL");
    sm_vector_unref(out);
    sm_vector_unref(nulls);
    /* nulls in a typed vector stay null through every conversion */
    sm_vector *iv = sm_vector_new(SM_INT, 3);
    sm_vector_append_i32(iv, 1);
    sm_vector_append_null(iv);
    sm_vector_append_i32(iv, 0);
    static const sm_type targets[] = {SM_BOOLEAN, SM_BIGINT, SM_DOUBLE, SM_STRING, SM_TIMESTAMP};
    static const char *const want[] = {"true|NULL|false", "1|NULL|0", "1.0|NULL|0.0", "1|NULL|0",
                                       "1970-01-01 00:00:01|NULL|1970-01-01 00:00:00"};
    for (int i = 0; i < N(targets); i++) {
        CHECK_OK(sm_cast_vector(&ctx, iv, targets[i], &out));
        CHECK_STR(c_render(out, sm_tz_utc()), want[i]);
        sm_vector_unref(out);
    }
    /* same type: a new reference, no copy */
    CHECK_OK(sm_cast_vector(&ctx, iv, SM_INT, &out));
    CHECK(out == iv);
    sm_vector_unref(out);
    sm_vector_unref(iv);
}

/* ---- ANSI ------------------------------------------------------------------------------- */

TEST(cast_ansi_errors) {
    static const char *const abc[] = {"abc"};
    CHECK_STR(c_cast_strs(1, abc, SM_INT, true, NULL),
              "ERROR [CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be cast to "
              "\"INT\" because it is malformed. Correct the value as per the syntax, or change its "
              "target type. Use `try_cast` to tolerate malformed input and return NULL instead. If "
              "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
    CHECK(strstr(c_cast_strs(1, abc, SM_DATE, true, NULL), "cannot be cast to \"DATE\"") != NULL);
    CHECK(strstr(c_cast_strs(1, abc, SM_BOOLEAN, true, NULL), "\"BOOLEAN\" because") != NULL);
    CHECK(strstr(c_cast_strs(1, abc, SM_DOUBLE, true, NULL), "\"DOUBLE\" because") != NULL);
    /* ANSI allows no fraction in integer text, but still trims */
    static const char *const frac[] = {"1.9"};
    CHECK(strncmp(c_cast_strs(1, frac, SM_INT, true, NULL), "ERROR [CAST_INVALID_INPUT] The value "
                                                            "'1.9'", 37) == 0);
    static const char *const sp[] = {" 12 "};
    CHECK_STR(c_cast_strs(1, sp, SM_INT, true, NULL), "12");
    CHECK_STR(c_cast1(V_F64(1e10), SM_INT, true, NULL),
              "ERROR [CAST_OVERFLOW] The value 1.0E10D of the type \"DOUBLE\" cannot be cast to "
              "\"INT\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL "
              "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
              "error.");
    CHECK(strstr(c_cast1(V_I64(3000000000LL), SM_INT, true, NULL),
                 "[CAST_OVERFLOW] The value 3000000000L of the type \"BIGINT\" cannot be cast to "
                 "\"INT\"") != NULL);
    CHECK(strstr(c_cast1(V_F64(NAN), SM_INT, true, NULL),
                 "[CAST_OVERFLOW] The value NaN of the type \"DOUBLE\"") != NULL);
    CHECK_STR(c_cast1(V_F64(-2.7), SM_INT, true, NULL), "-2");
    /* NaN / Infinity → TIMESTAMP: null, or in ANSI mode CAST_INVALID_INPUT (cast.sql) */
    CHECK_STR(c_cast1(V_F64(INFINITY), SM_TIMESTAMP, false, NULL), "NULL");
    CHECK_STR(c_cast1(V_F64(INFINITY), SM_TIMESTAMP, true, NULL),
              "ERROR [CAST_INVALID_INPUT] The value Infinity of the type \"DOUBLE\" cannot be cast "
              "to \"TIMESTAMP\" because it is malformed. Correct the value as per the syntax, or "
              "change its target type. Use `try_cast` to tolerate malformed input and return NULL "
              "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
              "error.");
    CHECK(strstr(c_cast1(V_F64(NAN), SM_TIMESTAMP, true, NULL), "The value NaN of") != NULL);
}

/* ---- which casts exist -------------------------------------------------------------------- */

TEST(cast_allowed_matches_spark) {
    /* everything to and from string; NULL to anything */
    for (int t = SM_BOOLEAN; t < SM_TYPE_COUNT; t++) {
        CHECK(sm_cast_allowed((sm_type)t, SM_STRING));
        if (!sm_type_is_nested((sm_type)t)) CHECK(sm_cast_allowed(SM_STRING, (sm_type)t));
        CHECK(sm_cast_allowed(SM_NULLTYPE, (sm_type)t));
    }
    /* no string → array / map / struct; nested casts are checked per type
     * (sm_nested_cast_allowed) */
    CHECK(!sm_cast_allowed(SM_STRING, SM_ARRAY));
    CHECK(!sm_cast_allowed(SM_INT, SM_STRUCT));
    /* Spark: cannot cast "INT" / "DOUBLE" / "BOOLEAN" to "DATE" */
    CHECK(!sm_cast_allowed(SM_INT, SM_DATE));
    CHECK(!sm_cast_allowed(SM_DOUBLE, SM_DATE));
    CHECK(!sm_cast_allowed(SM_BOOLEAN, SM_DATE));
    CHECK(sm_cast_allowed(SM_TIMESTAMP, SM_DATE));
    CHECK(sm_cast_allowed(SM_DATE, SM_INT)); /* allowed, gives null */
    CHECK(sm_cast_allowed(SM_BOOLEAN, SM_TIMESTAMP));
    CHECK(sm_cast_allowed(SM_DOUBLE, SM_TIMESTAMP));
    CHECK(sm_cast_allowed(SM_TIMESTAMP, SM_BOOLEAN));
}

TEST(value_to_string_forms) {
    sm_buf b = {0};
    sm_value vs[] = {V_BOOL(true), V_I32(-5), V_I64(9223372036854775807LL), V_F64(2.5),
                     V_DATE(0), V_TS(120000), {.type = SM_INT, .is_null = true}};
    for (int i = 0; i < N(vs); i++) {
        if (i) sm_buf_putc(&b, ',');
        CHECK_OK(sm_value_to_string(&vs[i], sm_tz_utc(), &b));
    }
    CHECK_STR(sm_buf_cstr(&b), "true,-5,9223372036854775807,2.5,1970-01-01,1970-01-01 00:00:00.12,NULL");
    sm_buf_free(&b);
}
