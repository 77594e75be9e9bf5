/*
 * mpi.c — the MPI backend of the exchange layer (exchange.h), built when
 * make finds mpicc (-DSMELT_MPI); without it xch_mpi_comm says so.
 *
 * MPI_Init_thread asks for MPI_THREAD_FUNNELED: worker threads compute,
 * only the main thread communicates.  The world communicator is duplicated
 * (so a library user's own MPI traffic never meets ours) and set to
 * MPI_ERRORS_RETURN, so a failed call returns an error code that becomes a
 * message instead of killing the process from inside MPI; the caller then
 * ends the job with MPI_Abort (a communicator that failed cannot agree on
 * anything else).  A rank that dies is noticed by the launcher (mpirun ends
 * the job, naming the rank).
 *
 * Byte counts are ints (MPI's); shuffle.c keeps every round below 2 GiB.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/status.h"
#include "exchange/exchange.h"

#ifdef SMELT_MPI
#include <mpi.h>

typedef struct {
    MPI_Comm comm;
    bool we_initialized;
} xm_impl;

static xm_impl xm;

static int xm_err(int code, const char *what) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(code, msg, &len) != MPI_SUCCESS) len = 0;
    msg[len] = 0;
    return sm_err(SM_IO, "MPI %s failed: %s (another rank may have died; see mpirun's message)", what,
                  len ? msg : "unknown error");
}

static int xm_allreduce(xch_comm *c, int64_t *vals, int n, xch_op op) {
    MPI_Op o = op == XCH_SUM ? MPI_SUM : op == XCH_MAX ? MPI_MAX : MPI_MIN;
    int e = MPI_Allreduce(MPI_IN_PLACE, vals, n, MPI_INT64_T, o, xm.comm);
    return e == MPI_SUCCESS ? SM_OK : xm_err(e, "Allreduce");
}

static int xm_bcast(xch_comm *c, void *buf, size_t n, int root) {
    int e = MPI_Bcast(buf, (int)n, MPI_BYTE, root, xm.comm);
    return e == MPI_SUCCESS ? SM_OK : xm_err(e, "Bcast");
}

static int xm_alltoallv(xch_comm *c, const void *send, const int *scounts, const int *sdispls,
                        void *recv, const int *rcounts, const int *rdispls) {
    int e = MPI_Alltoallv(send, scounts, sdispls, MPI_BYTE, recv, rcounts, rdispls, MPI_BYTE, xm.comm);
    return e == MPI_SUCCESS ? SM_OK : xm_err(e, "Alltoallv");
}

static int xm_alltoall_int(xch_comm *c, const int *send, int *recv) {
    int e = MPI_Alltoall(send, 1, MPI_INT, recv, 1, MPI_INT, xm.comm);
    return e == MPI_SUCCESS ? SM_OK : xm_err(e, "Alltoall");
}

static void xm_abort(xch_comm *c, int code) {
    xch_cleanup_now(); /* an open write's staging directory (rank 0) */
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

static void xm_finalize(xch_comm *c) {
    int fin = 0;
    MPI_Finalized(&fin);
    if (fin) return;
    if (xm.comm != MPI_COMM_NULL) MPI_Comm_free(&xm.comm);
    if (xm.we_initialized) MPI_Finalize();
}

static xch_comm xm_comm = {"mpi", 0, 1, xm_allreduce, xm_bcast, xm_alltoallv, xm_alltoall_int,
                           xm_abort, xm_finalize, &xm};

xch_comm *xch_mpi_comm(int *argc, char ***argv) {
    int inited = 0, provided = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
            sm_err(SM_IO, "MPI_Init_thread failed: cannot start the MPI job");
            return NULL;
        }
        xm.we_initialized = true;
    }
    if (MPI_Comm_dup(MPI_COMM_WORLD, &xm.comm) != MPI_SUCCESS) {
        sm_err(SM_IO, "MPI_Comm_dup failed");
        return NULL;
    }
    MPI_Comm_set_errhandler(xm.comm, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(xm.comm, &xm_comm.rank);
    MPI_Comm_size(xm.comm, &xm_comm.size);
    return &xm_comm;
}

bool xch_mpi_built(void) { return true; }

#else

xch_comm *xch_mpi_comm(int *argc, char ***argv) {
    sm_err(SM_UNSUPPORTED, "this smelt was built without MPI (rebuild with `make MPI=1` where "
                           "mpicc is installed: apt-get install libopenmpi-dev openmpi-bin)");
    return NULL;
}

bool xch_mpi_built(void) { return false; }

#endif
