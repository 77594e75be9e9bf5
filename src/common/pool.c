/*
 * pool.c — the fixed thread pool (pool.h).
 *
 * One run at a time per pool: sm_pool_run publishes a job (fn, arg, ntasks)
 * and a shared task counter; workers and the caller claim task indices with
 * an atomic fetch-add until none are left.  The caller waits on a condition
 * variable until every claimed task has finished.  Runs from different
 * threads are serialized by a mutex; a run started from inside a task (a
 * nested run) executes inline on that thread, so tasks can use parallel
 * helpers freely without deadlock.
 *
 * Errors: the first failing task's status and message (status.h) are kept
 * and re-raised on the caller's thread; later tasks see sm_pool_cancelled().
 */
#include "common/pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"

struct sm_pool {
    int nthreads; /* workers + the caller */
    pthread_t *workers;
    int nworkers;
    pthread_mutex_t run_lock; /* one run at a time */
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    bool stop;
    uint64_t generation;
    /* current job */
    int (*fn)(void *, int);
    void *arg;
    int ntasks;
    atomic_int next_task;
    int finished;
    int active_workers;
    int err_code;
    char err_msg[4096];
    atomic_bool cancelled;
};

static _Thread_local sm_pool *tls_in_pool;   /* set while running a task */
static _Thread_local atomic_bool *tls_cancel;

int sm_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

bool sm_pool_cancelled(void) { return tls_cancel && atomic_load(tls_cancel); }

static void run_tasks(sm_pool *p) {
    for (;;) {
        int t = atomic_fetch_add(&p->next_task, 1);
        if (t >= p->ntasks) break;
        int rc = SM_OK;
        if (!atomic_load(&p->cancelled)) {
            sm_pool *was = tls_in_pool;
            atomic_bool *wasc = tls_cancel;
            tls_in_pool = p;
            tls_cancel = &p->cancelled;
            rc = p->fn(p->arg, t);
            tls_in_pool = was;
            tls_cancel = wasc;
        }
        pthread_mutex_lock(&p->lock);
        if (rc != SM_OK && p->err_code == SM_OK) {
            p->err_code = rc;
            snprintf(p->err_msg, sizeof p->err_msg, "%s", sm_errmsg());
            atomic_store(&p->cancelled, true);
        }
        p->finished++;
        if (p->finished == p->ntasks) pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->lock);
    }
}

static void *worker_main(void *argp) {
    sm_pool *p = argp;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop) break;
        seen = p->generation;
        p->active_workers++;
        pthread_mutex_unlock(&p->lock);
        run_tasks(p);
        pthread_mutex_lock(&p->lock);
        p->active_workers--;
        if (p->active_workers == 0) pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

sm_pool *sm_pool_new(int threads) {
    if (threads <= 0) threads = sm_cpu_count();
    sm_pool *p = sm_calloc(1, sizeof *p);
    if (!p) return NULL;
    p->nthreads = threads;
    pthread_mutex_init(&p->run_lock, NULL);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    p->workers = sm_calloc((size_t)threads, sizeof(pthread_t));
    if (!p->workers) {
        sm_free(p);
        return NULL;
    }
    for (int i = 0; i < threads - 1; i++) {
        if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) break;
        p->nworkers++;
    }
    return p;
}

void sm_pool_free(sm_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nworkers; i++) pthread_join(p->workers[i], NULL);
    pthread_mutex_destroy(&p->run_lock);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    sm_free(p->workers);
    sm_free(p);
}

int sm_pool_threads(const sm_pool *p) { return p ? p->nthreads : 1; }

static int run_inline(int ntasks, int (*fn)(void *, int), void *arg) {
    for (int t = 0; t < ntasks; t++) {
        if (sm_pool_cancelled()) break;
        SM_TRY(fn(arg, t));
    }
    return SM_OK;
}

int sm_pool_run(sm_pool *p, int ntasks, int (*fn)(void *arg, int task), void *arg) {
    if (ntasks <= 0) return SM_OK;
    if (!p || tls_in_pool || p->nworkers == 0 || ntasks == 1) return run_inline(ntasks, fn, arg);
    pthread_mutex_lock(&p->run_lock);
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->arg = arg;
    p->ntasks = ntasks;
    atomic_store(&p->next_task, 0);
    p->finished = 0;
    p->err_code = SM_OK;
    p->err_msg[0] = 0;
    atomic_store(&p->cancelled, false);
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    run_tasks(p);

    pthread_mutex_lock(&p->lock);
    while (p->finished < p->ntasks || p->active_workers > 0) pthread_cond_wait(&p->done, &p->lock);
    int rc = p->err_code;
    if (rc != SM_OK) sm_err_set_raw(rc, p->err_msg);
    pthread_mutex_unlock(&p->lock);
    pthread_mutex_unlock(&p->run_lock);
    return rc;
}
