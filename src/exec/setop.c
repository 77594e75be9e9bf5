/* setop.c — INTERSECT / EXCEPT (placeholder until the operator lands). */
#include "common/status.h"
#include "exec/exec.h"

int exec_setop(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    (void)ctx; (void)p; (void)out;
    return sm_err(SM_UNSUPPORTED, "INTERSECT and EXCEPT are not supported yet");
}
