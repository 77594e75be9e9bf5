/*
 * textout.c — buffered (optionally compressed) text output files for the
 * CSV and JSON writers; see textout.h.  The text accumulates in `out`; a
 * flush hands it to the compressor (compress.c), whose bytes gather in
 * `zout` and go to the file with write(2).
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
    sm_fs_compressor_free(t->comp);
    t->comp = NULL;
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
    sm_buf_free(&t->out);
    sm_buf_free(&t->zout);
    sm_free(t->path);
    t->path = NULL;
}

int fs_textout_open_codec(fs_textout *t, const char *path, sm_fs_codec codec) {
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->codec = codec;
    t->gzip = codec == SM_FS_CODEC_GZIP;
    t->path = sm_strdup(path);
    if (!t->path || sm_buf_reserve(&t->out, FS_TEXTOUT_BUF + 4096)) {
        to_free(t);
        return SM_NOMEM;
    }
    int rc;
    if (codec != SM_FS_CODEC_NONE && (rc = sm_fs_compressor_new(codec, &t->comp))) {
        to_free(t);
        return rc;
    }
    t->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (t->fd < 0) {
        rc = sm_err(SM_IO, "cannot create '%s': %s. Check that the output directory is "
                    "writable.", path, strerror(errno));
        to_free(t);
        return rc;
    }
    return SM_OK;
}

int fs_textout_open(fs_textout *t, const char *path, bool gzip) {
    return fs_textout_open_codec(t, path, gzip ? SM_FS_CODEC_GZIP : SM_FS_CODEC_NONE);
}

int fs_textout_flush(fs_textout *t, bool finish) {
    if (!t->comp) {
        int rc = to_write_all(t, t->out.data, t->out.len);
        t->out.len = 0;
        return rc;
    }
    t->zout.len = 0;
    int rc = sm_fs_compress(t->comp, t->out.data, t->out.len, finish, &t->zout);
    if (rc) {
        sm_err_prefix(rc, "writing '%s': ", t->path);
        return rc;
    }
    t->out.len = 0;
    rc = to_write_all(t, t->zout.data, t->zout.len);
    t->zout.len = 0;
    return rc;
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
