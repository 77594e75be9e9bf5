/*
 * windowspill.h — windows under the memory budget (exec/windowspill.c) and
 * the hooks of exec/window.c it uses.
 */
#ifndef SM_EXEC_WINDOWSPILL_H
#define SM_EXEC_WINDOWSPILL_H

#include "exec/exec.h"

/* window.c: the WINDOW node p over its input m (in memory; taken). */
int exec_window_mset(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *m, sm_mset **out);
/* window.c: a budget is set and every window expression has the same
 * non-empty PARTITION BY keys. */
bool exec_window_can_spill(const sm_exec_ctx *ctx, const sm_plan *p);

/* windowspill.c: the collected input spilled, or the window's working
 * memory (about twice the input plus 64 bytes a row) would pass three
 * quarters of the budget. */
bool exec_window_must_spill(const sm_exec_ctx *ctx, const sm_plan *p, const sm_mset *in);
/* windowspill.c: the window computed partition file by partition file
 * (takes in). */
int exec_window_grace(sm_exec_ctx *ctx, const sm_plan *p, sm_mset *in, sm_mset **out);

#endif
