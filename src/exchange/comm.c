/*
 * comm.c — the process's world communicator, the local (one-process)
 * backend and the status agreement (exchange.h).
 *
 * xch_init picks the backend once: MPI when an MPI launcher started the
 * process (xch_launched_by_mpi) and the binary has it, the local backend
 * otherwise.  The world is a process global written only by xch_init /
 * xch_finalize on the main thread before / after any action.
 *
 * Sticky failures (exchange.h): `agreed_fail` holds the code and message of
 * a failure every rank has agreed on; while it is set, xch_sync returns it
 * without communicating.  xch_step_end and xch_step_reset clear it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "exchange/exchange.h"
#include "formats/csv.h"
#include "formats/dataset.h"

/* ---- the local backend ---------------------------------------------------- */

static int local_allreduce(xch_comm *c, int64_t *vals, int n, xch_op op) { return SM_OK; }
static int local_bcast(xch_comm *c, void *buf, size_t n, int root) { return SM_OK; }
static int local_alltoallv(xch_comm *c, const void *send, const int *scounts, const int *sdispls,
                           void *recv, const int *rcounts, const int *rdispls) {
    if (scounts[0] != rcounts[0]) return sm_err(SM_INTERNAL, "exchange: counts disagree");
    if (scounts[0]) memcpy((char *)recv + rdispls[0], (const char *)send + sdispls[0], (size_t)scounts[0]);
    return SM_OK;
}
static int local_alltoall_int(xch_comm *c, const int *send, int *recv) {
    recv[0] = send[0];
    return SM_OK;
}
static void local_abort(xch_comm *c, int code) {
    xch_cleanup_now();
    exit(code);
}
static void local_finalize(xch_comm *c) {}

static xch_comm local_comm = {"local",          0,           1,           local_allreduce,
                              local_bcast,      local_alltoallv, local_alltoall_int, local_abort,
                              local_finalize,   NULL};

xch_comm *xch_local_comm(void) { return &local_comm; }

bool xch_launched_by_mpi(void) {
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS",
                                 NULL};
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i])) return true;
    return false;
}

/* ---- the world --------------------------------------------------------------- */

static xch_comm *world;
static sm_exec_dist world_dist;
static bool agreed_fail;
static int agreed_code;
static char agreed_msg[4096];

void xch_dist_fill(sm_exec_dist *d, xch_comm *c); /* dist.c */

int xch_init(int *argc, char ***argv) {
    if (world) return SM_OK;
    const char *ws = getenv("OMPI_COMM_WORLD_SIZE") ? getenv("OMPI_COMM_WORLD_SIZE") : getenv("PMI_SIZE");
    if (xch_launched_by_mpi() && !xch_mpi_built() && ws && atoi(ws) > 1)
        return sm_err(SM_UNSUPPORTED, "started by an MPI launcher with %s processes, but this smelt "
                                      "was built without MPI: every process would run the whole job "
                                      "alone (rebuild with `make MPI=1` where mpicc is installed)",
                      ws);
    if (xch_launched_by_mpi() && xch_mpi_built()) {
        xch_comm *c = xch_mpi_comm(argc, argv);
        if (!c) return sm_errcode() ? sm_errcode() : SM_INTERNAL;
        world = c;
    } else {
        world = &local_comm;
    }
    xch_dist_fill(&world_dist, world);
    if (world->size > 1) {
        /* splits cut evenly for the ranks and not packed together, so that
         * dealing split i to rank i % N gives every rank the same bytes */
        csv_split_ranks = world->size;
        ds_dist_ranks = world->size;
    }
    return SM_OK;
}

void xch_finalize(void) {
    if (world) world->finalize(world);
    world = NULL;
}

xch_comm *xch_world(void) { return world ? world : &local_comm; }

sm_exec_dist *xch_dist(void) { return world && world->size > 1 ? &world_dist : NULL; }

static bool results_root;
void xch_set_results_root(bool on) { results_root = on; }
bool xch_results_root(void) { return results_root; }

/* ---- status agreement ---------------------------------------------------------- */

int xch_sync(int local_rc, int64_t *flag) {
    if (agreed_fail) return sm_err(agreed_code, "%s", agreed_msg);
    xch_comm *c = xch_world();
    if (c->size == 1) {
        if (local_rc != SM_OK) {
            agreed_fail = true;
            agreed_code = local_rc;
            snprintf(agreed_msg, sizeof agreed_msg, "%s", sm_errmsg());
        }
        return local_rc;
    }
    /* v[0]: the lowest failed rank (size when none), as -MAX of -rank;
     * v[1]: the flag; v[2]: 1 when some rank is OK */
    int64_t v[3] = {local_rc != SM_OK ? -(int64_t)c->rank : -(int64_t)c->size, flag ? *flag : 0,
                    local_rc == SM_OK};
    int rc = c->allreduce(c, v, 3, XCH_MAX);
    if (rc != SM_OK) {
        c->abort(c, 1); /* the communicator itself failed: nothing can agree any more */
        return rc;
    }
    if (flag) *flag = v[1];
    int failed = (int)-v[0];
    if (failed >= c->size) return SM_OK;
    if (v[2] == 0) { /* every rank failed (the same way, as they run alike): own message */
        agreed_fail = true;
        agreed_code = local_rc;
        snprintf(agreed_msg, sizeof agreed_msg, "%s", sm_errmsg());
        return sm_err(agreed_code, "%s", agreed_msg);
    }
    /* the failed rank's code and message, to everyone */
    struct {
        int32_t code;
        char msg[4000];
    } m;
    memset(&m, 0, sizeof m);
    if (c->rank == failed) {
        m.code = local_rc;
        const char *e = sm_errmsg();
        snprintf(m.msg, sizeof m.msg, "%s", e && *e ? e : sm_status_name(local_rc));
    }
    rc = c->bcast(c, &m, sizeof m, failed);
    if (rc != SM_OK) {
        c->abort(c, 1);
        return rc;
    }
    agreed_fail = true;
    agreed_code = m.code > 0 && m.code < SM_STATUS_COUNT ? m.code : SM_INTERNAL;
    if (strncmp(m.msg, "rank ", 5) == 0) snprintf(agreed_msg, sizeof agreed_msg, "%s", m.msg);
    else snprintf(agreed_msg, sizeof agreed_msg, "rank %d of %d: %s", failed, c->size, m.msg);
    return sm_err(agreed_code, "%s", agreed_msg);
}

int xch_step_end(int rc) {
    if (rc != SM_OK) rc = sm_errcode() ? sm_errcode() : SM_INTERNAL;
    if (agreed_fail) {
        rc = sm_err(agreed_code, "%s", agreed_msg);
    } else {
        rc = xch_sync(rc, NULL);
    }
    agreed_fail = false;
    return rc;
}

void xch_step_reset(void) { agreed_fail = false; }
