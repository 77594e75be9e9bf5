/*
 * list.c — path expansion and ranged reads (see fs.h for the contract).
 *
 * Expansion: each user path is made absolute, then either globbed with
 * glob(3) (GLOB_BRACE; only when it holds one of * ? [ {) or stat'ed.  Every
 * match that is a directory contributes its regular files (one level, names
 * starting with '_' or '.' skipped as Spark's InMemoryFileIndex does); a
 * regular file contributes itself.  The result is sorted by path with
 * duplicates removed, so a scan's split order (and so row order) is
 * deterministic.
 *
 * Ranged reads: mmap the page-aligned enclosing range; when mmap fails
 * (e.g. /dev/stdin) fall back to read(2) into an sm_malloc'd buffer.
 */
#include "fs/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"

char *sm_fs_abspath(const char *path) {
    sm_buf b = {0};
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) {
            sm_err(SM_IO, "cannot get the current directory: %s", strerror(errno));
            return NULL;
        }
        if (sm_buf_append(&b, cwd, strlen(cwd)) || sm_buf_putc(&b, '/')) goto nomem;
    }
    if (sm_buf_append(&b, path, strlen(path))) goto nomem;
    sm_buf_cstr(&b);
    /* Normalize: collapse "//", drop "." and resolve ".." lexically. */
    char *s = b.data;
    size_t n = b.len, w = 0;
    for (size_t r = 0; r < n;) {
        if (s[r] == '/') {
            while (r < n && s[r] == '/') r++;
            size_t start = r;
            while (r < n && s[r] != '/') r++;
            size_t clen = r - start;
            if (clen == 0) continue;
            if (clen == 1 && s[start] == '.') continue;
            if (clen == 2 && s[start] == '.' && s[start + 1] == '.') {
                while (w > 0 && s[w - 1] != '/') w--;
                if (w > 0) w--;
                continue;
            }
            s[w++] = '/';
            memmove(s + w, s + start, clen);
            w += clen;
        } else {
            r++;
        }
    }
    if (w == 0) s[w++] = '/';
    s[w] = '\0';
    return s;
nomem:
    sm_buf_free(&b);
    sm_err(SM_NOMEM, "out of memory expanding a path");
    return NULL;
}

typedef struct {
    sm_fs_file *v;
    int n, cap;
} file_vec;

static int vec_push(file_vec *fv, const char *path, int64_t size) {
    if (fv->n == fv->cap) {
        int cap = fv->cap ? fv->cap * 2 : 16;
        sm_fs_file *nv = sm_realloc(fv->v, (size_t)cap * sizeof *nv);
        if (!nv) return SM_NOMEM;
        fv->v = nv;
        fv->cap = cap;
    }
    char *p = sm_strdup(path);
    if (!p) return SM_NOMEM;
    fv->v[fv->n].path = p;
    fv->v[fv->n].size = size;
    fv->n++;
    return SM_OK;
}

static bool hidden_name(const char *name) {
    /* Spark's shouldFilterOutPathName: "_" or "." prefix, except partition
     * directories like "_col=1" (which contain '='). */
    return (name[0] == '_' && !strchr(name, '=')) || name[0] == '.';
}

/* Adds `path` (a file, or a directory's files). Returns SM_NOT_FOUND when it
 * does not exist (no message set; the caller words it). */
static int add_path(file_vec *fv, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return SM_NOT_FOUND;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return sm_err(SM_IO, "cannot list directory %s: %s", path, strerror(errno));
        struct dirent *de;
        sm_buf child = {0};
        int rc = SM_OK;
        while ((de = readdir(d)) != NULL) {
            if (hidden_name(de->d_name)) continue;
            child.len = 0;
            size_t plen = strlen(path);
            if (sm_buf_append(&child, path, plen) ||
                (plen && path[plen - 1] != '/' && sm_buf_putc(&child, '/')) ||
                sm_buf_append(&child, de->d_name, strlen(de->d_name))) {
                rc = SM_NOMEM;
                break;
            }
            const char *cp = sm_buf_cstr(&child);
            struct stat cst;
            if (stat(cp, &cst) != 0 || !S_ISREG(cst.st_mode)) continue;
            if ((rc = vec_push(fv, cp, (int64_t)cst.st_size)) != SM_OK) break;
        }
        closedir(d);
        sm_buf_free(&child);
        return rc;
    }
    return vec_push(fv, path, (int64_t)st.st_size);
}

static int cmp_file(const void *a, const void *b) {
    return strcmp(((const sm_fs_file *)a)->path, ((const sm_fs_file *)b)->path);
}

static int not_found(const char *abs) {
    return sm_err(SM_NOT_FOUND, "[PATH_NOT_FOUND] Path does not exist: file:%s.", abs);
}

int sm_fs_expand(const char *const *paths, int npaths, sm_fs_list *out) {
    out->nfiles = 0;
    out->files = NULL;
    file_vec fv = {0};
    int rc = SM_OK;
    if (npaths <= 0) return sm_err(SM_INVALID, "no input path given: pass at least one file, directory or glob");
    for (int i = 0; i < npaths && rc == SM_OK; i++) {
        if (!paths[i] || !paths[i][0])
            { rc = sm_err(SM_INVALID, "an input path is empty: pass a file, directory or glob"); break; }
        const char *p = paths[i];
        if (strncmp(p, "file://", 7) == 0) p += 7;
        else if (strncmp(p, "file:", 5) == 0) p += 5;
        char *abs = sm_fs_abspath(p);
        if (!abs) { rc = sm_errcode() ? sm_errcode() : SM_NOMEM; break; }
        if (strpbrk(abs, "*?[{")) {
            glob_t g;
            int grc = glob(abs, GLOB_BRACE | GLOB_NOSORT, NULL, &g);
            if (grc == GLOB_NOMATCH || (grc == 0 && g.gl_pathc == 0)) {
                /* A literal file whose name holds glob characters. */
                rc = add_path(&fv, abs);
                if (rc == SM_NOT_FOUND) rc = not_found(abs);
            } else if (grc != 0) {
                rc = sm_err(grc == GLOB_NOSPACE ? SM_NOMEM : SM_IO, "cannot expand glob %s", abs);
            } else {
                for (size_t k = 0; k < g.gl_pathc && rc == SM_OK; k++) {
                    rc = add_path(&fv, g.gl_pathv[k]);
                    if (rc == SM_NOT_FOUND) rc = SM_OK; /* vanished meanwhile */
                }
            }
            if (grc == 0 || grc == GLOB_NOMATCH) globfree(&g);
        } else {
            rc = add_path(&fv, abs);
            if (rc == SM_NOT_FOUND) rc = not_found(abs);
        }
        sm_free(abs);
    }
    if (rc == SM_NOMEM && sm_errcode() != SM_NOMEM) sm_err(SM_NOMEM, "out of memory listing input files");
    if (rc != SM_OK) {
        sm_fs_list l = {fv.n, fv.v};
        sm_fs_list_free(&l);
        return rc;
    }
    if (fv.n > 1) {
        qsort(fv.v, (size_t)fv.n, sizeof *fv.v, cmp_file);
        int w = 1;
        for (int r = 1; r < fv.n; r++) {
            if (strcmp(fv.v[r].path, fv.v[w - 1].path) == 0) sm_free(fv.v[r].path);
            else fv.v[w++] = fv.v[r];
        }
        fv.n = w;
    }
    out->nfiles = fv.n;
    out->files = fv.v;
    return SM_OK;
}

void sm_fs_list_free(sm_fs_list *l) {
    if (!l) return;
    for (int i = 0; i < l->nfiles; i++) sm_free(l->files[i].path);
    sm_free(l->files);
    l->files = NULL;
    l->nfiles = 0;
}

static int read_all(int fd, int64_t offset, int64_t len, char *buf, int64_t *nread) {
    int64_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf + got, (size_t)(len - got), (off_t)(offset + got));
        if (r < 0) {
            if (errno == EINTR) continue;
            return SM_IO;
        }
        if (r == 0) break;
        got += r;
    }
    *nread = got;
    return SM_OK;
}

int sm_fs_read_range(const char *path, int64_t offset, int64_t len, void *buf, int64_t *nread) {
    *nread = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return not_found(path);
        return sm_err(SM_IO, "cannot open %s: %s", path, strerror(errno));
    }
    int rc = read_all(fd, offset, len, buf, nread);
    if (rc) rc = sm_err(SM_IO, "cannot read %s at byte %lld: %s", path, (long long)offset, strerror(errno));
    close(fd);
    return rc;
}

static char empty_range[1];

int sm_fs_map_range(const char *path, int64_t offset, int64_t len, sm_fs_map *out) {
    memset(out, 0, sizeof *out);
    if (sm_fs_is_compressed(path)) {
        /* the whole text, decompressed; the requested range of it */
        SM_TRY(sm_fs_inflate_file(path, out));
        if (offset > out->len) offset = out->len;
        if (len < 0 || offset + len > out->len) len = out->len - offset;
        out->data += offset;
        out->len = len;
        return SM_OK;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return not_found(path);
        return sm_err(SM_IO, "cannot open %s: %s", path, strerror(errno));
    }
    struct stat st;
    int rc = SM_OK;
    if (fstat(fd, &st) != 0) {
        rc = sm_err(SM_IO, "cannot stat %s: %s", path, strerror(errno));
        goto done;
    }
    if (S_ISREG(st.st_mode)) {
        int64_t size = (int64_t)st.st_size;
        if (offset > size) offset = size;
        if (len < 0 || offset + len > size) len = size - offset;
        if (len == 0) {
            out->data = empty_range;
            goto done;
        }
        long page = sysconf(_SC_PAGESIZE);
        int64_t aligned = offset - offset % page;
        size_t map_len = (size_t)(offset + len - aligned);
        void *m = mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fd, (off_t)aligned);
        if (m != MAP_FAILED) {
            madvise(m, map_len, MADV_SEQUENTIAL | MADV_WILLNEED);
            out->base = m;
            out->map_len = map_len;
            out->mapped = true;
            out->data = (const char *)m + (offset - aligned);
            out->len = len;
            goto done;
        }
        char *buf = sm_malloc((size_t)len + 1);
        if (!buf) { rc = SM_NOMEM; goto done; }
        int64_t got;
        if (read_all(fd, offset, len, buf, &got)) {
            sm_free(buf);
            rc = sm_err(SM_IO, "cannot read %s: %s", path, strerror(errno));
            goto done;
        }
        out->base = buf;
        out->data = buf;
        out->len = got;
        goto done;
    }
    /* Not a regular file: read it all sequentially. */
    {
        sm_buf b = {0};
        char chunk[65536];
        for (;;) {
            ssize_t r = read(fd, chunk, sizeof chunk);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) { sm_buf_free(&b); rc = sm_err(SM_IO, "cannot read %s: %s", path, strerror(errno)); goto done; }
            if (r == 0) break;
            if (sm_buf_append(&b, chunk, (size_t)r)) { sm_buf_free(&b); rc = SM_NOMEM; goto done; }
        }
        int64_t total = (int64_t)b.len;
        if (offset > total) offset = total;
        if (len < 0 || offset + len > total) len = total - offset;
        if (!b.data) { out->data = empty_range; goto done; }
        memmove(b.data, b.data + offset, (size_t)len);
        out->base = b.data;
        out->data = b.data;
        out->len = len;
    }
done:
    close(fd);
    return rc;
}

void sm_fs_unmap(sm_fs_map *m) {
    if (!m) return;
    if (m->mapped) munmap(m->base, m->map_len);
    else if (m->base) sm_free(m->base);
    memset(m, 0, sizeof *m);
}
