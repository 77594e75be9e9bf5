/*
 * dist_api.c — the public entry points of distributed runs (smelt.h,
 * "distributed runs"): thin wrappers over the exchange layer's world
 * (exchange/comm.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api_internal.h"
#include "exchange/exchange.h"
#include "exchange/xmetrics.h"

int sm_dist_init(int *argc, char ***argv) { return xch_init(argc, argv); }
int sm_dist_rank(void) { return xch_world()->rank; }
int sm_dist_size(void) { return xch_world()->size; }
bool sm_dist_available(void) { return xch_mpi_built(); }
int sm_dist_step_end(int rc) { return xch_step_end(rc); }
void sm_dist_finalize(void) { xch_finalize(); }
void sm_dist_results_on_rank0(bool on) { xch_set_results_root(on); }
void sm_dist_abort(int code) {
    xch_comm *c = xch_world();
    c->abort(c, code);
}

int sm_parse_byte_conf(const char *what, const char *text, int64_t *out) {
    const char *p = text ? text : "";
    while (*p == ' ') p++;
    bool neg = *p == '-';
    if (neg) p++;
    char *end = NULL;
    errno = 0;
    unsigned long long n = *p >= '0' && *p <= '9' ? strtoull(p, &end, 10) : 0;
    int shift = -1;
    if (end && end != p && !errno) {
        static const struct {
            const char *unit;
            int shift;
        } units[] = {{"", 0},   {"b", 0},   {"k", 10},  {"kb", 10}, {"m", 20}, {"mb", 20},
                     {"g", 30}, {"gb", 30}, {"t", 40},  {"tb", 40}, {"p", 50}, {"pb", 50}};
        size_t len = strlen(end);
        while (len > 0 && end[len - 1] == ' ') len--;
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strlen(units[i].unit) == len && strncasecmp(end, units[i].unit, len) == 0) shift = units[i].shift;
    }
    if (shift < 0 || n > ((unsigned long long)INT64_MAX >> shift))
        return sm_err(SM_INVALID, "%s: '%s' is not a size in bytes; use a whole number with an optional "
                                  "unit (b, k, m, g, t: e.g. 10m, 10485760, 1g), or -1 to turn it off",
                      what, text ? text : "");
    *out = (int64_t)(n << shift) * (neg ? -1 : 1);
    return SM_OK;
}

static double da_mb(int64_t b) { return (double)b / (1024.0 * 1024.0); }

static int da_totals(FILE *out) {
    xch_comm *c = xch_world();
    if (c->size < 2) return SM_OK;
    SM_TRY(xch_sync(SM_OK, NULL));
    const xch_stats *st = xch_stats_get();
    int64_t sum[3] = {st->rows_sent, st->bytes_sent, st->rows_received};
    int64_t mx[2] = {st->rows_received, st->comm_ns};
    int64_t mn[1] = {st->rows_received};
    int rc = c->allreduce(c, sum, 3, XCH_SUM);
    if (rc == SM_OK) rc = c->allreduce(c, mx, 2, XCH_MAX);
    if (rc == SM_OK) rc = c->allreduce(c, mn, 1, XCH_MIN);
    if (rc != SM_OK) c->abort(c, 1);
    if (c->rank != 0 || !out) return SM_OK;
    double avg = (double)sum[2] / c->size;
    fprintf(out,
            "distributed: %d ranks, %lld exchanges moved %lld rows (%.1f MB); rows received per rank: "
            "min %lld, avg %.0f, max %lld; up to %.2f s of a rank's time in exchanges\n",
            c->size, (long long)st->exchanges, (long long)sum[0], da_mb(sum[1]), (long long)mn[0], avg,
            (long long)mx[0], (double)mx[1] / 1e9);
    if (mx[0] > 10000 && (double)mx[0] > 2.0 * avg)
        fprintf(out,
                "distributed: warning: one rank received %lld rows, %.1fx the average: a few keys hold "
                "most rows (skew); that rank sets the pace\n",
                (long long)mx[0], (double)mx[0] / (avg > 0 ? avg : 1));
    return SM_OK;
}

int sm_dist_summary(FILE *out) {
    SM_TRY(da_totals(out));
    /* per exchange: rows and bytes, partition sizes, comm / compute, skew */
    return xm_report(0, 0, false, false, out);
}

int sm_dist_sum_i64(int64_t *vals, int n) {
    xch_comm *c = xch_world();
    if (c->size < 2 || n <= 0) return SM_OK;
    SM_TRY(xch_sync(SM_OK, NULL));
    int rc = c->allreduce(c, vals, n, XCH_SUM);
    if (rc != SM_OK) c->abort(c, 1);
    return rc;
}

int sm_dist_share_text(char **text) {
    xch_comm *c = xch_world();
    if (c->size < 2) return SM_OK;
    int64_t len = c->rank == 0 && *text ? (int64_t)strlen(*text) + 1 : 0;
    int64_t v[1] = {len};
    SM_TRY(xch_sync(SM_OK, NULL));
    int rc = c->allreduce(c, v, 1, XCH_MAX); /* rank 0's length (the others say 0) */
    if (rc != SM_OK) c->abort(c, 1);
    if (v[0] == 0) { /* rank 0 has nothing (it failed to read): nobody has */
        if (c->rank != 0) {
            free(*text);
            *text = NULL;
        }
        return SM_OK;
    }
    if (c->rank != 0) {
        free(*text);
        if (!(*text = malloc((size_t)v[0]))) c->abort(c, 1);
    }
    for (int64_t at = 0; at < v[0]; at += 1 << 30) {
        size_t n = (size_t)(v[0] - at < (1 << 30) ? v[0] - at : (1 << 30));
        rc = c->bcast(c, *text + at, n, 0);
        if (rc != SM_OK) c->abort(c, 1);
    }
    return SM_OK;
}
