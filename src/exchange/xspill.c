/*
 * xspill.c — an exchange's memory bounded by the memory budget: the
 * sending side's serialized batches spill to a file (exchange/xspill.h).
 *
 * A shuffle (shuffle.c) serializes the rows its stage routes into a buffer
 * per (source partition, destination rank) and sends them in rounds once
 * the stage has finished.  With xch_shuffle_spill_under(x, limit), a
 * buffer is written out to this shuffle's spill file whenever counted
 * memory (sm_mem_in_use) is above half the budget when a batch is added to
 * it: its bytes are appended as they are (the exchange's own encoding,
 * serialize.c — no second format) and the buffer is freed; shuffle.c keeps
 * each spilled batch's file offset and the rounds read the batches back
 * (pread) as they pack them, so a round holds at most its round bytes.
 * The received rows go into an mset made with sm_mset_spill_under
 * (exec/msetspill.c), which keeps batches past half the budget in its own
 * spill files; the consumers read those back one batch at a time.
 *
 * The file is one exec/spill.c spill file (O_TMPFILE in the process's spill
 * directory: it has no name, disappears when closed or when the process
 * dies, and the directory is removed at exit and by the SIGTERM handler), so
 * a killed rank leaves nothing behind.
 *
 * Threading: the stage's tasks append concurrently (a mutex around the
 * file); the rounds read on the main thread after the stage ended.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"
#include "exchange/xspill.h"
#include "exec/spill.h"

struct xch_xspill {
    pthread_mutex_t lock;
    FILE *f;          /* opened on the first write */
    int64_t at;       /* spill while sm_mem_in_use() is above this */
    int64_t end;      /* bytes in the file */
    int64_t batches;  /* batches written */
    bool dirty;       /* written since the last read (stdio buffers to flush) */
};

xch_xspill *xsp_new(int64_t limit) {
    if (limit <= 0) return NULL;
    xch_xspill *s = sm_calloc(1, sizeof *s);
    if (!s) return NULL;
    pthread_mutex_init(&s->lock, NULL);
    s->at = limit / 2;
    return s;
}

void xsp_free(xch_xspill *s) {
    if (!s) return;
    if (s->f) sm_spill_close(s->f);
    pthread_mutex_destroy(&s->lock);
    sm_free(s);
}

bool xsp_over(const xch_xspill *s) { return s && sm_mem_in_use() > s->at; }

int xsp_write(xch_xspill *s, const void *data, size_t len, int64_t nbatches, int64_t *off) {
    int rc = SM_OK;
    pthread_mutex_lock(&s->lock);
    if (!s->f && !(s->f = sm_spill_open())) rc = sm_errcode() ? sm_errcode() : SM_IO;
    if (rc == SM_OK && fwrite(data, 1, len, s->f) != len)
        rc = sm_err(SM_IO, "exchange: writing a spill file failed (disk full? set TMPDIR)");
    if (rc == SM_OK) {
        *off = s->end;
        s->end += (int64_t)len;
        s->batches += nbatches;
        s->dirty = true;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xsp_read(xch_xspill *s, int64_t off, void *dst, size_t len) {
    if (!s || !s->f) return sm_err(SM_INTERNAL, "exchange: reading a spill file that was never written");
    if (s->dirty) {
        if (fflush(s->f) != 0) return sm_err(SM_IO, "exchange: writing a spill file failed (disk full?)");
        s->dirty = false;
    }
    char *p = dst;
    while (len > 0) {
        ssize_t n = pread(fileno(s->f), p, len, (off_t)off);
        if (n <= 0) return sm_err(SM_IO, "exchange: reading a spill file failed");
        p += n;
        off += n;
        len -= (size_t)n;
    }
    return SM_OK;
}

int64_t xsp_bytes(const xch_xspill *s) { return s ? s->end : 0; }
int64_t xsp_batches(const xch_xspill *s) { return s ? s->batches : 0; }
int64_t xsp_limit(const xch_xspill *s) { return s ? s->at * 2 : 0; }
