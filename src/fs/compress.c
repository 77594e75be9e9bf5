/*
 * compress.c — transparent decompression of compressed input files.
 *
 * Spark (through Hadoop's codecs) reads "x.csv.gz" as the text inside it,
 * choosing the codec by the file's extension.  smelt does the same for
 * gzip (.gz): sm_fs_map_range() hands readers the decompressed bytes, so
 * every format reads compressed files without knowing.  A gzip file cannot
 * be split, so formats read it as one split (sm_fs_is_compressed tells
 * them).  Concatenated gzip members are read one after another, as
 * Hadoop's GzipCodec does.
 *
 * Errors name the file and say what is wrong with it: a truncated stream
 * ("unexpected end of input stream", Spark's EOFException) or corrupt data.
 *
 * Memory: the decompressed file is one sm_malloc'd buffer owned by the
 * returned sm_fs_map (released by sm_fs_unmap).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "common/mem.h"
#include "common/status.h"
#include "fs/fs.h"

bool sm_fs_is_compressed(const char *path) {
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

static int read_whole(const char *path, unsigned char **out, int64_t *out_len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return sm_err(SM_IO, "cannot open %s: %s", path, strerror(errno));
    int64_t cap = 1 << 16, len = 0;
    unsigned char *buf = sm_malloc((size_t)cap);
    if (!buf) {
        close(fd);
        return SM_NOMEM;
    }
    for (;;) {
        if (len == cap) {
            unsigned char *nb = sm_realloc(buf, (size_t)(cap *= 2));
            if (!nb) {
                sm_free(buf);
                close(fd);
                return SM_NOMEM;
            }
            buf = nb;
        }
        ssize_t got = read(fd, buf + len, (size_t)(cap - len));
        if (got < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            sm_free(buf);
            close(fd);
            return sm_err(SM_IO, "cannot read %s: %s", path, strerror(e));
        }
        if (got == 0) break;
        len += got;
    }
    close(fd);
    *out = buf;
    *out_len = len;
    return SM_OK;
}

int sm_fs_inflate_file(const char *path, sm_fs_map *out) {
    memset(out, 0, sizeof *out);
    unsigned char *in = NULL;
    int64_t in_len = 0;
    SM_TRY(read_whole(path, &in, &in_len));
    int64_t cap = in_len * 4 + 4096, len = 0;
    char *buf = sm_malloc((size_t)cap + 1);
    if (!buf) {
        sm_free(in);
        return SM_NOMEM;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    int rc = SM_OK;
    int64_t pos = 0;
    while (rc == SM_OK && pos < in_len) {
        /* one gzip member */
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
            rc = sm_err(SM_NOMEM, "out of memory starting gzip decompression of %s", path);
            break;
        }
        z.next_in = in + pos;
        z.avail_in = (uInt)(in_len - pos > UINT32_MAX ? UINT32_MAX : in_len - pos);
        int zr;
        do {
            if (len == cap) {
                char *nb = sm_realloc(buf, (size_t)(cap *= 2) + 1);
                if (!nb) {
                    rc = SM_NOMEM;
                    break;
                }
                buf = nb;
            }
            z.next_out = (unsigned char *)buf + len;
            z.avail_out = (uInt)(cap - len > UINT32_MAX ? UINT32_MAX : cap - len);
            unsigned before = z.avail_out;
            zr = inflate(&z, Z_NO_FLUSH);
            len += before - z.avail_out;
            if (zr == Z_BUF_ERROR && z.avail_in == 0) {
                rc = sm_err(SM_MALFORMED,
                            "%s: gzip data is truncated (unexpected end of input stream); the "
                            "file is incomplete or corrupt — recreate it or remove it from the "
                            "input",
                            path);
                break;
            }
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
                rc = sm_err(SM_MALFORMED, "%s: not valid gzip data (%s); recreate the file or "
                                          "remove it from the input",
                            path, z.msg ? z.msg : "corrupt stream");
                break;
            }
        } while (zr != Z_STREAM_END);
        pos = (int64_t)(z.next_in - in);
        inflateEnd(&z);
        /* trailing zero padding after the last member is ignored */
        while (pos < in_len && in[pos] == 0) pos++;
    }
    sm_free(in);
    if (rc != SM_OK) {
        sm_free(buf);
        return rc;
    }
    buf[len] = 0;
    out->data = buf;
    out->len = len;
    out->base = buf;
    out->map_len = (size_t)len;
    out->mapped = false;
    return SM_OK;
}
