/* hashjoin.c — joins (placeholder until the join operator lands). */
#include "common/status.h"
#include "exec/exec.h"

int exec_join(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    (void)ctx; (void)p; (void)out;
    return sm_err(SM_UNSUPPORTED, "joins are not supported yet");
}
