/*
 * dist_api.c — the public entry points of distributed runs (smelt.h,
 * "distributed runs"): thin wrappers over the exchange layer's world
 * (exchange/comm.c).
 */
#include "api/api_internal.h"
#include "exchange/exchange.h"

int sm_dist_init(int *argc, char ***argv) { return xch_init(argc, argv); }
int sm_dist_rank(void) { return xch_world()->rank; }
int sm_dist_size(void) { return xch_world()->size; }
bool sm_dist_available(void) { return xch_mpi_built(); }
int sm_dist_step_end(int rc) { return xch_step_end(rc); }
void sm_dist_finalize(void) { xch_finalize(); }
void sm_dist_abort(int code) {
    xch_comm *c = xch_world();
    c->abort(c, code);
}
