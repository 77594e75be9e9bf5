/*
 * xmetrics.h — what every exchange moved, per rank, and the reports built
 * from it (exchange/xmetrics.c; docs/mpi.md "Metrics").
 *
 * shuffle.c gives every shuffle a record (xm_new in xch_shuffle_new, numbers
 * in xm_done at the end of xch_shuffle_run); the code that routes rows
 * labels it (xm_label: "hashpartitioning" and the key text, "broadcast",
 * "rangepartitioning", "gather", ...) and, for hash routing, passes the
 * key hashes to xm_route, which samples them for the hottest key.  Finished
 * records go to a process-wide list (main thread only).  Since every rank
 * runs the same exchanges in the same order, record i is the same exchange
 * on every rank: xm_gather (a collective) brings every rank's numbers to
 * every rank, and the reports (EXPLAIN ANALYZE, the run summary) print
 * them on rank 0; the event log gets each rank's own records (xm_log_job).
 */
#ifndef SM_EXCHANGE_XMETRICS_H
#define SM_EXCHANGE_XMETRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "exchange/exchange.h"

typedef struct xm_exchange xm_exchange;

/* A record for a shuffle whose sending side has nsrc_parts partitions
 * (NULL on out of memory: every function below accepts NULL). */
xm_exchange *xm_new(int nsrc_parts);
void xm_free(xm_exchange *e);
/* The shuffle's record (shuffle.c). */
xm_exchange *xch_shuffle_metrics(xch_shuffle *x);

/* What the exchange is: kind ("hashpartitioning", "broadcast",
 * "rangepartitioning", "gather", "single", "limit", "samples"), the key
 * text ("k, upper(name)"; NULL: none) and the operator it feeds (NULL: the
 * one xm_set_operator named last). */
void xm_label(xm_exchange *e, const char *kind, const char *keys, const char *op);
/* The key text of expressions or of columns of `schema` (cols NULL with
 * ncols 0: every column) into e's label. */
void xm_label_exprs(xm_exchange *e, const char *kind, sm_expr *const *keys, int n);
void xm_label_cols(xm_exchange *e, const char *kind, const sm_schema *schema, const int *cols, int n);
/* dist.c's routes: to a rank ("single"), XCH_ALL ("broadcast"), or by the
 * hash of key expressions or columns ("hashpartitioning"). */
void xm_label_route(xm_exchange *e, int to, sm_expr *const *keys, int nkeys, const int *cols, int ncols,
                    const sm_schema *schema);
/* A global sort's keys ("rangepartitioning(x DESC)"). */
void xm_label_sort(xm_exchange *e, const sm_sort_key *keys, int n);
/* The breaker being materialized (dist.c), named in the labels that follow. */
void xm_set_operator(const char *op);
const char *xm_operator(void);

/* Hash routing (a task thread; each part from one thread at a time): the
 * key vectors and hashes of a batch's rows, sampled for the hottest key. */
void xm_route(xm_exchange *e, int part, sm_vector *const *kv, int nk, const uint64_t *h, int64_t nrows,
              const sm_tz *tz);

/* The end of xch_shuffle_run on this rank (rc SM_OK: the record is kept):
 * run_t0 when the run began, comm_ns spent in its collectives.  Frees e. */
void xm_done(xm_exchange *e, int rc, int64_t rows_sent, int64_t bytes_sent, int64_t rows_received,
             int64_t bytes_received, int rounds, int64_t run_t0, int64_t comm_ns);

/* Bytes this shuffle wrote to spill files under the memory budget: of its
 * outgoing batches and of the rows it received (before xm_done). */
void xm_spilled(xm_exchange *e, int64_t sent, int64_t received);

/* ---- reports ---------------------------------------------------------------------- */

/* The number of finished records (a mark for the reports below). */
int xm_count(void);
/* An action starts (its time on this rank counts from here). */
void xm_job_begin(void);

typedef struct {
    int64_t rows_sent, bytes_sent, rows_received, bytes_received, rounds, compute_ns, comm_ns;
    int64_t hot_count; /* sampled rows of the hottest key (0: none known) */
    char hot[64];      /* its value, as text */
    int64_t spilled;   /* bytes written to spill files, sent and received (exchange/xspill.c) */
} xm_rank_stats;

typedef struct {
    char kind[24], keys[128], op[24];
    xm_rank_stats *ranks; /* nranks */
} xm_global_rec;

typedef struct {
    int nranks, n;
    xm_global_rec *recs;
    int64_t *wall_ns, *comm_ns; /* per rank, since `from` */
} xm_global;

/* Collective (every rank calls it with the same mark): every rank's numbers
 * for the records from `from` on, and each rank's wall time since `t0_ns`
 * (its clock; 0: since its first action).  The status agreement comes
 * first: a failed step returns its error. */
int xm_gather(int from, int64_t t0_ns, xm_global **out);
void xm_global_free(xm_global *g);

/* Writes the report (rank 0 calls it): detail = per-rank lines (EXPLAIN
 * ANALYZE); mask = times and bytes as "*" (golden tests).  Skew warnings
 * name the exchange's key and its hottest value. */
void xm_print(const xm_global *g, bool detail, bool mask, FILE *out);

/* Collective: gathers the records from `from` and prints them on rank 0 to
 * `out` (NULL: nothing); nothing with one rank. */
int xm_report(int from, int64_t t0_ns, bool detail, bool mask, FILE *out);

/* The event log (api's job end): one "Exchange" line per record this rank
 * finished since xm_job_begin. */
void xm_log_job(sm_exec_ctx *ctx);

#endif
