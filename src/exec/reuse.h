/*
 * reuse.h — breaker results kept across the actions of a session (reuse.c).
 *
 * A job that runs several actions over DataFrames sharing a sub-plan (the
 * chapter-9 job writes `filtered` and then `groupBy(...)` of it; a job file
 * with two sinks reading one step) would compute the shared breaker once
 * per action.  The session keeps the materialized result of a breaker that
 * can be reused (see sm_exec_reuse_eligible) after the action that built it
 * ends, and a later action over the same plan node streams from it.
 *
 * What may be kept — the result must be what recomputing would give:
 *   - the node is a DISTINCT, AGGREGATE or SETOP: column pruning gives
 *     their children the same requirement whatever the parent needs, so the
 *     result is complete for every later reader;
 *   - no expression under it is nondeterministic (rand, uuid,
 *     current_timestamp, ...) or a subquery;
 *   - every scan under it reads a source registered with
 *     sm_exec_reuse_add_source (file reads of the API: their input roots are
 *     known), and a committed write into or above one of those roots
 *     (sm_exec_reuse_invalidate_path) drops the entry.  Files changed by
 *     other processes between two actions are not noticed: a DataFrame
 *     reads a snapshot, as Spark's file index lists the files once.
 *
 * Memory: entries count against a budget (SMELT_REUSE_MEMORY bytes, default
 * a quarter of physical memory; 0 disables reuse); when a new entry does not
 * fit, the least recently used unpinned entries are freed first, and an
 * entry larger than the budget is not kept.  Everything is freed with the
 * session (sm_exec_reuse_free), and all allocations go through sm_malloc,
 * so sm_mem_in_use sees the cached bytes.
 *
 * Pinning: an action that uses an entry pins it (sm_exec_reuse_get) and
 * unpins it when its context ends (sm_exec_reuse_release), so eviction
 * never frees an mset a running action reads.
 *
 * Threading: one mutex; actions of a session run one at a time, but the
 * calls are safe from any thread.
 */
#ifndef SM_EXEC_REUSE_H
#define SM_EXEC_REUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"

struct sm_source;
typedef struct sm_exec_reuse sm_exec_reuse;

/* budget < 0: SMELT_REUSE_MEMORY or a quarter of physical memory. */
sm_exec_reuse *sm_exec_reuse_new(int64_t budget);
void sm_exec_reuse_free(sm_exec_reuse *r);

/* Registers a file source and the paths it was created from (files,
 * directories or globs).  Scans of unregistered sources are never reused. */
int sm_exec_reuse_add_source(sm_exec_reuse *r, const struct sm_source *src,
                             const char *const *paths, int npaths);

/* Whether p's result may be kept (the rules above). */
bool sm_exec_reuse_eligible(sm_exec_reuse *r, const sm_plan *p);

/* The kept result of p, pinned, or NULL. */
sm_mset *sm_exec_reuse_get(sm_exec_reuse *r, const sm_plan *p);
/* Offers m (p's result, which the caller keeps using) to the cache.
 * Returns true when the cache took ownership — the entry is then pinned
 * and the caller must sm_exec_reuse_release it instead of freeing it. */
bool sm_exec_reuse_put(sm_exec_reuse *r, const sm_plan *p, sm_mset *m);
/* Unpins the entry holding m (from get or a successful put). */
void sm_exec_reuse_release(sm_exec_reuse *r, sm_mset *m);

/* A write committed (or failed) at path: drops entries reading under or
 * above it. */
void sm_exec_reuse_invalidate_path(sm_exec_reuse *r, const char *path);
/* Drops every unpinned entry. */
void sm_exec_reuse_clear(sm_exec_reuse *r);

/* Entries and bytes held (for tests and EXPLAIN). */
int sm_exec_reuse_entries(sm_exec_reuse *r);
int64_t sm_exec_reuse_bytes(sm_exec_reuse *r);
/* Bytes of an mset's buffers (an upper bound: shared vectors count once per
 * batch). */
int64_t sm_mset_bytes(const sm_mset *m);

#endif
