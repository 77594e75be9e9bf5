/*
 * xspill.h — the sending side of a shuffle spilled to a file under the
 * memory budget (xspill.c; used by shuffle.c).
 */
#ifndef SM_EXCHANGE_XSPILL_H
#define SM_EXCHANGE_XSPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct xch_xspill xch_xspill;
/* NULL when limit <= 0 (no budget: nothing spills) or out of memory. */
xch_xspill *xsp_new(int64_t limit);
void xsp_free(xch_xspill *s);
/* True when counted memory is above half the budget (s may be NULL). */
bool xsp_over(const xch_xspill *s);
/* Appends len bytes holding nbatches serialized batches (any thread);
 * *off = where they start in the file. */
int xsp_write(xch_xspill *s, const void *data, size_t len, int64_t nbatches, int64_t *off);
/* Reads len bytes at off (main thread, after the writers are done). */
int xsp_read(xch_xspill *s, int64_t off, void *dst, size_t len);
int64_t xsp_bytes(const xch_xspill *s);   /* written to the file */
int64_t xsp_batches(const xch_xspill *s); /* batches written */
int64_t xsp_limit(const xch_xspill *s);   /* the budget it was made with */

#endif
