/*
 * pool.h — one fixed pool of worker threads, sized to the machine.
 *
 * sm_pool_run(pool, n, fn, arg) runs fn(arg, 0..n-1) as tasks on the workers
 * (the calling thread takes tasks too) and returns when all have finished.
 * The first failing task's status and message are copied to the caller's
 * thread (status.h, invariant 2); remaining tasks still run to completion
 * so that no task is left holding resources, but tasks may poll
 * sm_pool_cancelled() to stop early.
 *
 * Nested calls (a task that itself calls sm_pool_run) run their tasks inline
 * on the calling worker, which keeps the pool deadlock-free.
 */
#ifndef SM_POOL_H
#define SM_POOL_H

#include <stdbool.h>

typedef struct sm_pool sm_pool;

/* threads <= 0: the number of online CPUs. NULL on failure. */
sm_pool *sm_pool_new(int threads);
void sm_pool_free(sm_pool *p);
int sm_pool_threads(const sm_pool *p);
int sm_pool_run(sm_pool *p, int ntasks, int (*fn)(void *arg, int task), void *arg);
/* True inside a task once another task of the same run has failed. */
bool sm_pool_cancelled(void);
/* Number of online CPUs. */
int sm_cpu_count(void);

#endif
