/*
 * spill.h — the memory budget and spill files (exec/spill.c).
 *
 * Budget: the session setting smelt.memory.limit (CLI --memory-limit SIZE,
 * environment SMELT_MEMORY_LIMIT) sets ctx->memory_limit, in bytes of counted
 * memory (common/mem.h); the default is 60% of physical RAM.  Operators
 * compare sm_mem_in_use() with it and spill when it is reached.
 *
 * Spill files: a directory $TMPDIR/smelt-spill-<pid>-XXXXXX is made for
 * each new file, the file is created in it without a name (O_TMPFILE) or
 * unlinked at once, so it disappears when closed (or when the process dies),
 * and the directory is removed right after; the SIGINT/SIGTERM handlers
 * (installed on first use) and exit remove it too if one dies in between, so
 * not even a SIGKILL leaves anything behind.
 *
 * Batch format: a batch is written as its vectors' buffers, copied; the
 * nested types' descriptors are interned for the life of the process, so
 * they are written as pointers (spill files never outlive the process).
 */
#ifndef SM_EXEC_SPILL_H
#define SM_EXEC_SPILL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "types/types.h"

/* Parses a size: a whole number of bytes with an optional unit b, k, kb,
 * kib, m, mb, mib, g, gb, gib, t, tb, tib (case-insensitive, powers of 1024),
 * e.g. "8MB", "2g", "400m", "1048576".  SM_INVALID with a message naming
 * `what` otherwise (or when the size is below 1 MB). */
int sm_parse_mem_size(const char *what, const char *text, int64_t *out);
/* 60% of physical RAM (1 GB when unknown). */
int64_t sm_memory_limit_default(void);

/* A new spill file, read-write, already unlinked.  NULL on error (message
 * set).  Close with sm_spill_close. */
FILE *sm_spill_open(void);
void sm_spill_close(FILE *f);
/* The spill directory's path while it exists ("" otherwise): tests. */
const char *sm_spill_dir(void);
/* Removes the spill directory now (async-signal-safe). */
void sm_spill_on_signal(void);
/* Installs SIGINT/SIGTERM handlers that remove the spill directory, then
 * re-raise the signal with the default action, where the signal still has
 * its default action (done when the directory is first created, so a
 * program that never spills keeps its signals; the CLI is such a program
 * until a query spills). */
void sm_spill_install_signal_handlers(void);

/* A set of SM_SPILL_FANOUT spill files that rows are routed to by a hash
 * (Grace partitioning); `level` seeds the hash → file mapping, so a file
 * re-partitioned one level down spreads over the next set.  Writers may
 * route concurrently (a lock per file). */
#define SM_SPILL_FANOUT 32
typedef struct sm_spill_set sm_spill_set;
sm_spill_set *sm_spill_set_new(int level); /* NULL on error (message set) */
void sm_spill_set_free(sm_spill_set *ss);  /* closes the files left */
FILE *sm_spill_set_file(sm_spill_set *ss, int i);
void sm_spill_set_close_file(sm_spill_set *ss, int i); /* frees its disk space now */
int64_t sm_spill_set_bytes(sm_spill_set *ss);
/* Writes row i of b to file sm_spill_part(hashes[i], level) of ss. */
int sm_spill_set_route(sm_spill_set *ss, const sm_batch *b, const uint64_t *hashes);

/* A spill file too big to process at `level`: its batches are routed by
 * route() into a new set at level + 1 (each operator hashes its own keys
 * with that level's seed), then each new file is handed to process() at
 * level + 1 and released.  Adds the bytes written and the files made to
 * *bytes and *parts (EXPLAIN ANALYZE's spill counters). */
typedef int (*sm_spill_route_fn)(void *arg, sm_spill_set *ss, const sm_batch *b);
typedef int (*sm_spill_process_fn)(void *arg, FILE *f, int level);
int sm_spill_resplit(FILE *f, int level, sm_spill_route_fn route, sm_spill_process_fn process,
                     void *arg, _Atomic int64_t *bytes, _Atomic int64_t *parts);

/* Appends columns cols[0..ncols) (equal lengths) to f; *bytes += the bytes
 * written. */
int sm_spill_write_cols(FILE *f, sm_vector *const *cols, int ncols, int64_t *bytes);
/* Reads the next batch written by sm_spill_write_cols; *out = NULL at the
 * end of the file. */
int sm_spill_read_batch(FILE *f, sm_batch **out);

/* ---- spilled msets (exec/msetspill.c) ----------------------------------------------
 * A breaker's output (sm_mset) may live partly on disk: after
 * sm_mset_spill_under(m, limit), sm_mset_add keeps a batch in memory only
 * while counted memory is below half the limit; once a part has written a
 * batch to its spill file, every later batch of that part goes there too, so
 * a part is its in-memory batches, then its spilled ones, in order.
 * exec_mset_stream reads the spilled batches back one at a time (a lock per
 * part: streams over one part may run concurrently).  Code that walks
 * parts[].batches directly sees only the in-memory ones: it must only get
 * msets made without sm_mset_spill_under (exec_collect's), or call
 * sm_mset_unspill first.  An mset with spilled batches is not kept across
 * actions (exec/reuse.c). */
struct sm_mset;
void sm_mset_spill_under(struct sm_mset *m, int64_t limit);
int sm_mset_spill_batch(struct sm_mset *m, int part, sm_batch *b); /* takes b */
int sm_mset_read_spilled(const struct sm_mset *m, int part, int i, sm_batch **out);
bool sm_mset_spilled(const struct sm_mset *m);
int64_t sm_mset_spilled_bytes(const struct sm_mset *m);
void sm_mset_spill_free(struct sm_mset *m, int part);
/* exec_collect into an mset made with sm_mset_spill_under(ctx->memory_limit). */
struct sm_exec_ctx;
struct sm_plan;
int exec_collect_spilling(struct sm_exec_ctx *ctx, const struct sm_plan *p, struct sm_mset **out);
/* Reads every spilled batch back into memory (the mset stays spillable no
 * more). */
int sm_mset_unspill(struct sm_mset *m);

#endif
