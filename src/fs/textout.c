/*
 * textout.c — buffered (optionally gzip-compressed) text output files for
 * the CSV and JSON writers; see textout.h.
 */
#include "fs/textout.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"

static int to_write_all(fs_textout *t, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(t->fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0)
            return sm_err(SM_IO, "cannot write '%s': %s. Check the free space and permissions "
                          "of the output directory.", t->path, strerror(errno));
        p += k;
        n -= (size_t)k;
    }
    return SM_OK;
}

static void to_free(fs_textout *t) {
    if (t->z_open) deflateEnd(&t->z);
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
    t->z_open = false;
    sm_buf_free(&t->out);
    sm_free(t->zbuf);
    sm_free(t->path);
    t->zbuf = NULL;
    t->path = NULL;
}

int fs_textout_open(fs_textout *t, const char *path, bool gzip) {
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->gzip = gzip;
    t->path = sm_strdup(path);
    if (!t->path || sm_buf_reserve(&t->out, FS_TEXTOUT_BUF + 4096)) goto nomem;
    if (gzip) {
        t->zbuf = sm_malloc(FS_TEXTOUT_BUF);
        if (!t->zbuf) goto nomem;
        if (deflateInit2(&t->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            goto nomem;
        t->z_open = true;
    }
    t->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (t->fd < 0) {
        int rc = sm_err(SM_IO, "cannot create '%s': %s. Check that the output directory is "
                        "writable.", path, strerror(errno));
        to_free(t);
        return rc;
    }
    return SM_OK;
nomem:
    to_free(t);
    return SM_NOMEM;
}

int fs_textout_flush(fs_textout *t, bool finish) {
    if (!t->gzip) {
        int rc = to_write_all(t, t->out.data, t->out.len);
        t->out.len = 0;
        return rc;
    }
    t->z.next_in = (Bytef *)t->out.data;
    t->z.avail_in = (uInt)t->out.len;
    int zrc;
    do {
        t->z.next_out = t->zbuf;
        t->z.avail_out = FS_TEXTOUT_BUF;
        zrc = deflate(&t->z, finish ? Z_FINISH : Z_NO_FLUSH);
        if (zrc == Z_STREAM_ERROR) return sm_err(SM_INTERNAL, "gzip compression failed writing '%s'", t->path);
        int rc = to_write_all(t, (const char *)t->zbuf, FS_TEXTOUT_BUF - t->z.avail_out);
        if (rc) return rc;
    } while (t->z.avail_out == 0 || (finish && zrc != Z_STREAM_END));
    t->out.len = 0;
    return SM_OK;
}

int fs_textout_close(fs_textout *t) {
    int rc = fs_textout_flush(t, true);
    if (!rc && close(t->fd) != 0)
        rc = sm_err(SM_IO, "cannot write '%s': %s. Check the free space of the output "
                    "directory.", t->path, strerror(errno));
    else if (rc)
        close(t->fd);
    t->fd = -1;
    to_free(t);
    return rc;
}

void fs_textout_abort(fs_textout *t) {
    if (t->fd >= 0) {
        close(t->fd);
        t->fd = -1;
        if (t->path) unlink(t->path);
    }
    to_free(t);
}
