/* window.c — window functions (placeholder until the window operator lands). */
#include "common/status.h"
#include "exec/exec.h"

int exec_window(sm_exec_ctx *ctx, const sm_plan *p, sm_mset **out) {
    (void)ctx; (void)p; (void)out;
    return sm_err(SM_UNSUPPORTED, "window functions are not supported yet");
}
