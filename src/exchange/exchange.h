/*
 * exchange.h — the only place where rows move between ranks (processes,
 * possibly on many machines): the communication backends and the
 * distributed execution hooks of the executor.  docs/mpi.md is the design.
 *
 * Backends (xch_comm): "local" — one process, every operation a copy or a
 * no-op — and "mpi" (exchange/mpi.c, built when make finds mpicc:
 * -DSMELT_MPI).  The process has one world communicator, chosen once by
 * xch_init: MPI when the program was started by an MPI launcher (mpirun /
 * mpiexec / srun set OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK), the
 * local backend otherwise, so a plain `smelt ...` never touches MPI.
 *
 * Status agreement (xch_sync): every collective operation starts with an
 * allreduce in which each rank says whether it has failed; when one has,
 * every rank gets that rank's message ("rank 2 of 4: ...") and returns the
 * error without doing the operation.  The failure is then *sticky* until
 * the end of the step (xch_step_end, called by the CLI after each
 * statement / job, and at the start of every action): further syncs
 * return the error at once without communicating.  This keeps the ranks'
 * sequences of collectives matched even when one rank fails before
 * reaching a collective that the others are already waiting in (the
 * failing rank's next sync is its step end, which meets the others' sync).
 *
 * Threading: only the thread that called xch_init (the main thread, which
 * also runs every action's driver code) communicates (MPI_THREAD_FUNNELED).
 */
#ifndef SM_EXCHANGE_H
#define SM_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mem.h"
#include "exec/exec.h"

/* ---- backends ------------------------------------------------------------ */

typedef enum { XCH_SUM, XCH_MAX, XCH_MIN } xch_op;

typedef struct xch_comm {
    const char *name; /* "local", "mpi" */
    int rank, size;
    /* vals[0..n) combined elementwise over all ranks, result on every rank */
    int (*allreduce)(struct xch_comm *c, int64_t *vals, int n, xch_op op);
    /* n bytes from root to every rank */
    int (*bcast)(struct xch_comm *c, void *buf, size_t n, int root);
    /* every rank sends scounts[d] bytes at send + sdispls[d] to rank d and
     * receives rcounts[s] bytes from rank s at recv + rdispls[s]; the
     * counts must agree (exchange them with alltoall_int first) */
    int (*alltoallv)(struct xch_comm *c, const void *send, const int *scounts, const int *sdispls,
                     void *recv, const int *rcounts, const int *rdispls);
    /* send[d] to rank d; recv[s] from rank s */
    int (*alltoall_int)(struct xch_comm *c, const int *send, int *recv);
    /* ends the whole job now (every rank), exit status `code` */
    void (*abort)(struct xch_comm *c, int code);
    void (*finalize)(struct xch_comm *c);
    void *impl;
} xch_comm;

/* The one-process backend (rank 0 of 1). */
xch_comm *xch_local_comm(void);
/* The MPI backend: initializes MPI (MPI_Init_thread, FUNNELED) and returns
 * MPI_COMM_WORLD's duplicate with MPI_ERRORS_RETURN; NULL with a message
 * when MPI is not built in or fails to start. */
xch_comm *xch_mpi_comm(int *argc, char ***argv);
/* True when this binary has the MPI backend. */
bool xch_mpi_built(void);
/* True when an MPI launcher started this process (environment). */
bool xch_launched_by_mpi(void);

/* ---- the process's world ---------------------------------------------------- */

/* Chooses the backend (above); idempotent.  SM_OK and the local backend when
 * MPI is neither built nor launched; an error when launched by mpirun but
 * MPI cannot start. */
int xch_init(int *argc, char ***argv);
void xch_finalize(void);
xch_comm *xch_world(void); /* the local backend before xch_init */
/* The executor's hooks for this world: NULL when it has one rank. */
sm_exec_dist *xch_dist(void);

/* While set, action results gather to rank 0 only (the CLI's final print:
 * nobody else uses them); otherwise to every rank.  Default: unset. */
void xch_set_results_root(bool on);
bool xch_results_root(void);

/* Agrees on a status (see the top of this file): local_rc is this rank's;
 * *flag (may be NULL) is combined with MAX over the ranks.  Returns SM_OK
 * when every rank is OK, else the first failed rank's code with its
 * message (also on that rank). */
int xch_sync(int local_rc, int64_t *flag);
/* Ends a step (a statement, a job): agrees on rc unless a failure was
 * already agreed, then clears the sticky failure.  Returns the agreed
 * status. */
int xch_step_end(int rc);
/* Clears the sticky failure without communicating (start of an action
 * issued directly through the C API). */
void xch_step_reset(void);

/* While armed, SIGTERM / SIGINT remove `staging` (a distributed write's
 * staging directory, on rank 0) before the signal's previous action runs
 * (cleanup.c). */
void xch_cleanup_arm(const char *staging);
void xch_cleanup_disarm(void);
/* Removes the armed directory now (before MPI_Abort / exit). */
void xch_cleanup_now(void);

/* What this process's exchanges moved since start (shuffle.c; main thread). */
typedef struct {
    int64_t exchanges, rounds;
    int64_t rows_sent, bytes_sent, rows_received, bytes_received;
    int64_t comm_ns; /* in the collectives of shuffles (waiting for others included) */
    int64_t spilled_bytes; /* written to spill files by shuffles, sending and receiving (xspill.c) */
} xch_stats;
const xch_stats *xch_stats_get(void);

/* ---- batches as bytes (serialize.c) ---------------------------------------------- */

int xch_batch_write(sm_buf *out, const sm_batch *b);
/* The rows sel[0..n) of b (sel NULL: all b->nrows rows), as
 * xch_batch_write of sm_batch_take(b, sel, n) would write them, without
 * building that batch.  Columns whose rows are all null travel as a header
 * alone (the columns a consumer does not read: plan/prune.c). */
int xch_batch_write_sel(sm_buf *out, const sm_batch *b, const int32_t *sel, int64_t n);
/* About the bytes xch_batch_write gives for v (an all-null column: its header). */
int64_t xch_vector_bytes(const sm_vector *v);
/* Reads one batch from data[0..len); *used = the bytes it took. */
int xch_batch_read(const char *data, size_t len, size_t *used, sm_batch **out);

/* ---- moving rows (shuffle.c) ------------------------------------------------------ */

/* Where each row of a batch goes: fills dest[0..b->nrows) with ranks, or
 * returns XCH_ALL (every row to every rank) / a rank (every row there). */
#define XCH_ROUTE_ROWS (-1)
#define XCH_ALL (-2)

typedef struct xch_shuffle xch_shuffle;
/* A shuffle of rows with `ncols` columns into nparts local partitions. */
xch_shuffle *xch_shuffle_new(xch_comm *c, int nsrc_parts);
/* Routes the rows of b (taken: freed here) from source partition `part`
 * (each part from one thread at a time): to = a rank, XCH_ALL, or
 * XCH_ROUTE_ROWS with dest[] per row. */
int xch_shuffle_add(xch_shuffle *x, int part, sm_batch *b, int to, const int *dest);
/* Runs the exchange in rounds of at most round_bytes per rank (every rank
 * calls it; local_rc goes into the status agreement first); *out = the
 * rows received, dealt over nparts partitions.  Frees x. */
int xch_shuffle_run(xch_shuffle *x, int local_rc, int nparts, sm_mset **out);
/* Bounds x's memory by a budget of `limit` bytes (ctx->memory_limit; 0:
 * none): past half of it the serialized outgoing batches go to a spill file
 * read back round by round, and the received rows to the spill files of an
 * mset made with sm_mset_spill_under (so its consumers must read it with
 * exec_mset_stream or sm_mset_read_spilled).  exchange/xspill.c. */
void xch_shuffle_spill_under(xch_shuffle *x, int64_t limit);
/* Bytes sent per destination-rank round (SMELT_EXCHANGE_ROUND_BYTES,
 * default 64 MiB split over the ranks, at least 64 KiB). */
size_t xch_round_bytes(const xch_comm *c);

/* The owner rank of a key hash (sm_keytab_hash), independent of the bits
 * that choose a hash table slot or a merge piece. */
static inline int xch_owner(uint64_t hash, int nranks) {
    uint64_t m = hash * 0x9E3779B97F4A7C15ull;
    return (int)(((m >> 32) * (uint64_t)nranks) >> 32);
}

#endif
