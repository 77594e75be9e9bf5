/*
 * commit.c — atomic commit of an output directory under Spark's save modes.
 *
 * Algorithm.  Every write stages its files in a hidden sibling directory of
 * the target, <parent>/.<name>.smelt-staging-<uuid>, so that the final move is
 * a rename inside one file system.  Only when every task has succeeded does
 * fs_commit_finish put the files in place:
 *
 *   errorifexists  rename(staging → target) with RENAME_NOREPLACE: if the
 *                  target appeared while the job ran, the job fails and
 *                  nothing of it remains.
 *   overwrite      renameat2(RENAME_EXCHANGE) swaps the new directory and the
 *                  old one in one step (readers see either the old or the new
 *                  output, never a mix or nothing), then the old tree, now
 *                  under the staging name, is removed.  Where the file system
 *                  cannot exchange, the old directory is renamed away first
 *                  and renamed back if the second rename fails.  Unlike
 *                  Spark, which deletes the old output before the job runs,
 *                  a failed overwrite leaves the old output untouched.
 *   append         each staged file is renamed into the existing directory
 *                  (names carry the job's UUID, so they never collide), then
 *                  _SUCCESS is rewritten.  If a rename fails, the files
 *                  already moved are moved back.
 *   ignore         begin sees the target and reports "skip"; the caller runs
 *                  nothing.  If the target appears during the job, the staged
 *                  output is discarded.
 *
 * Invariants:
 *   1. Before finish, nothing at the target path changes.
 *   2. After abort (or a failed finish), neither the staging directory nor a
 *      parent directory created by begin exists.
 *   3. After a successful finish the target holds the job's files and an
 *      empty _SUCCESS.
 *
 * A crash (kill -9) can leave a hidden .smelt-staging directory behind; it is
 * invisible to readers and named so that it is easy to recognise.
 *
 * Memory: the fs_commit and its strings are sm_malloc'ed and freed by finish
 * or abort.  Threading: one commit is driven by one thread; tasks only write
 * files inside the staging directory.
 */
#define _GNU_SOURCE
#include "fs/commit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <dirent.h>

#include "common/mem.h"
#include "common/status.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

struct fs_commit {
    fs_save_mode mode;
    bool skip;
    char *target;  /* absolute, normalized */
    char *display; /* "file:" + target */
    char *staging;
    char uuid[37];
    char **made;   /* parent directories created by begin, outermost first */
    int nmade;
    /* fs_commit_replace_partitions: replace only these directories of the
     * target (relative), or, with part_dynamic, those the job staged */
    bool part_replace, part_dynamic, part_keep_empty;
    char **part_dirs;
    int npart_dirs;
    bool follower; /* fs_commit_join: another process commits */
};

int fs_save_mode_parse(const char *name, fs_save_mode *out) {
    if (!name || !*name || !strcasecmp(name, "error") || !strcasecmp(name, "errorifexists") ||
        !strcasecmp(name, "default")) {
        *out = FS_SAVE_ERROR_IF_EXISTS;
    } else if (!strcasecmp(name, "overwrite")) {
        *out = FS_SAVE_OVERWRITE;
    } else if (!strcasecmp(name, "append")) {
        *out = FS_SAVE_APPEND;
    } else if (!strcasecmp(name, "ignore")) {
        *out = FS_SAVE_IGNORE;
    } else {
        return sm_err(SM_INVALID,
                      "Unknown save mode: %s. Accepted save modes are 'overwrite', 'append', "
                      "'ignore', 'error', 'errorifexists', 'default'.",
                      name);
    }
    return SM_OK;
}

bool fs_commit_skip(const fs_commit *c) { return c->skip; }
const char *fs_commit_staging(const fs_commit *c) { return c->skip ? NULL : c->staging; }
const char *fs_commit_uuid(const fs_commit *c) { return c->uuid; }
const char *fs_commit_display(const fs_commit *c) { return c->display; }

int fs_uuid(char out[37]) {
    unsigned char r[16];
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sm_err(SM_IO, "cannot open /dev/urandom to make a unique file name: %s",
                      strerror(errno));
    while (got < sizeof r) {
        ssize_t n = read(fd, r + got, sizeof r - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            return sm_err(SM_IO, "cannot read /dev/urandom to make a unique file name: %s",
                          strerror(e));
        }
        got += (size_t)n;
    }
    close(fd);
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        *p++ = hex[r[i] >> 4];
        *p++ = hex[r[i] & 15];
    }
    *p = '\0';
    return SM_OK;
}

/* ---- removing trees ------------------------------------------------------ */

static _Thread_local int rm_errno;
static _Thread_local char rm_failed[512];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    if (remove(path) != 0 && errno != ENOENT) {
        rm_errno = errno;
        snprintf(rm_failed, sizeof rm_failed, "%s", path);
        return 1;
    }
    return 0;
}

int fs_remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return SM_OK;
        return sm_err(SM_IO, "cannot remove '%s': %s", path, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0 && errno != ENOENT)
            return sm_err(SM_IO, "cannot remove '%s': %s. Check the permissions of its directory.",
                          path, strerror(errno));
        return SM_OK;
    }
    rm_errno = 0;
    int rc = nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0) {
        if (rm_errno)
            return sm_err(SM_IO, "cannot remove '%s': %s. Check its permissions.", rm_failed,
                          strerror(rm_errno));
        return sm_err(SM_IO, "cannot remove '%s': %s. Check its permissions.", path,
                      strerror(errno));
    }
    return SM_OK;
}

/* ---- paths --------------------------------------------------------------- */

/* Absolute, normalized form of `path` ("file:" stripped, "." and ".." and
 * repeated or trailing slashes resolved lexically, as Hadoop's Path does). */
static int normalize_path(const char *path, char **out) {
    if (!path || !*path) return sm_err(SM_INVALID, "the output path is empty; give a directory to write to");
    if (!strncmp(path, "file://", 7)) path += 7;
    else if (!strncmp(path, "file:", 5)) path += 5;
    else {
        const char *p = path;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == '+' || *p == '.' || *p == '-')
            p++;
        if (p != path && !strncmp(p, "://", 3))
            return sm_err(SM_UNSUPPORTED,
                          "cannot write to '%s': only local paths are supported so far; "
                          "write to a local directory",
                          path);
    }
    if (!*path) return sm_err(SM_INVALID, "the output path is empty; give a directory to write to");
    sm_buf raw = {0};
    if (path[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            return sm_err(SM_IO, "cannot resolve relative output path '%s': %s", path,
                          strerror(errno));
        if (sm_buf_append(&raw, cwd, strlen(cwd)) || sm_buf_putc(&raw, '/')) goto nomem;
    }
    if (sm_buf_append(&raw, path, strlen(path)) || !sm_buf_cstr(&raw)) goto nomem;

    /* Lexical normalization into a new buffer of components. */
    char *res = sm_malloc(raw.len + 2);
    if (!res) goto nomem;
    size_t rlen = 0;
    const char *s = raw.data;
    while (*s) {
        while (*s == '/') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != '/') e++;
        size_t n = (size_t)(e - s);
        if (n == 1 && s[0] == '.') {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (rlen > 0 && res[rlen - 1] != '/') rlen--;
            if (rlen > 0) rlen--; /* drop the slash */
        } else {
            res[rlen++] = '/';
            memcpy(res + rlen, s, n);
            rlen += n;
        }
        s = e;
    }
    res[rlen] = '\0';
    sm_buf_free(&raw);
    if (rlen == 0) {
        sm_free(res);
        return sm_err(SM_INVALID, "cannot write to '/': give a directory below the root");
    }
    *out = res;
    return SM_OK;
nomem:
    sm_buf_free(&raw);
    return SM_NOMEM;
}

static int mkdirs_parent(fs_commit *c, const char *dir) {
    /* dir is absolute and normalized; create each missing prefix. */
    size_t len = strlen(dir);
    char *buf = sm_malloc(len + 1);
    if (!buf) return SM_NOMEM;
    memcpy(buf, dir, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char saved = buf[i];
        buf[i] = '\0';
        struct stat st;
        if (stat(buf, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                int rc = sm_err(SM_IO,
                                "cannot write to %s: '%s' is a file, not a directory. "
                                "Choose another output path.",
                                c->display, buf);
                sm_free(buf);
                return rc;
            }
        } else if (mkdir(buf, 0777) == 0) {
            char **made = sm_realloc(c->made, sizeof(char *) * (size_t)(c->nmade + 1));
            char *copy = made ? sm_strdup(buf) : NULL;
            if (made) c->made = made;
            if (!copy) {
                rmdir(buf);
                sm_free(buf);
                return SM_NOMEM;
            }
            c->made[c->nmade++] = copy;
        } else if (errno != EEXIST) {
            int rc = sm_err(SM_IO,
                            "cannot create directory '%s' for output %s: %s. Check that it "
                            "can be created and that its parent is writable.",
                            buf, c->display, strerror(errno));
            sm_free(buf);
            return rc;
        }
        buf[i] = saved;
    }
    sm_free(buf);
    return SM_OK;
}

static void part_dirs_free(fs_commit *c) {
    for (int i = 0; i < c->npart_dirs; i++) sm_free(c->part_dirs[i]);
    sm_free(c->part_dirs);
    c->part_dirs = NULL;
    c->npart_dirs = 0;
}

static void commit_free(fs_commit *c) {
    part_dirs_free(c);
    if (!c) return;
    for (int i = 0; i < c->nmade; i++) sm_free(c->made[i]);
    sm_free(c->made);
    sm_free(c->target);
    sm_free(c->display);
    sm_free(c->staging);
    sm_free(c);
}

static int err_exists(const fs_commit *c) {
    return sm_err(SM_EXISTS,
                  "[PATH_ALREADY_EXISTS] Path %s already exists. Set mode as \"overwrite\" to "
                  "overwrite the existing path.",
                  c->display);
}

int fs_commit_begin(const char *path, fs_save_mode mode, fs_commit **out) {
    *out = NULL;
    fs_commit *c = sm_calloc(1, sizeof *c);
    if (!c) return SM_NOMEM;
    c->mode = mode;
    int rc = normalize_path(path, &c->target);
    if (rc) goto fail;
    size_t tlen = strlen(c->target);
    c->display = sm_malloc(tlen + 6);
    if (!c->display) { rc = SM_NOMEM; goto fail; }
    memcpy(c->display, "file:", 5);
    memcpy(c->display + 5, c->target, tlen + 1);

    struct stat st;
    bool exists = lstat(c->target, &st) == 0;
    if (!exists && errno != ENOENT && errno != ENOTDIR) {
        rc = sm_err(SM_IO, "cannot check output path %s: %s", c->display, strerror(errno));
        goto fail;
    }
    if (exists) {
        if (mode == FS_SAVE_ERROR_IF_EXISTS) { rc = err_exists(c); goto fail; }
        if (mode == FS_SAVE_IGNORE) { c->skip = true; *out = c; return SM_OK; }
        if (mode == FS_SAVE_APPEND && !S_ISDIR(st.st_mode)) {
            rc = sm_err(SM_IO,
                        "cannot append to %s: it is a file, not a directory. Choose another "
                        "path, or mode \"overwrite\" to replace it.",
                        c->display);
            goto fail;
        }
    }

    char *slash = strrchr(c->target, '/');
    size_t plen = (size_t)(slash - c->target);
    const char *name = slash + 1;
    if (plen > 0) {
        char *parent = sm_strndup(c->target, plen);
        if (!parent) { rc = SM_NOMEM; goto fail; }
        rc = mkdirs_parent(c, parent);
        sm_free(parent);
        if (rc) goto fail;
    }
    rc = fs_uuid(c->uuid);
    if (rc) goto fail;
    size_t slen = plen + strlen(name) + 64;
    c->staging = sm_malloc(slen);
    if (!c->staging) { rc = SM_NOMEM; goto fail; }
    snprintf(c->staging, slen, "%.*s/.%s.smelt-staging-%s", (int)plen, c->target, name, c->uuid);
    if (mkdir(c->staging, 0777) != 0) {
        rc = sm_err(SM_IO,
                    "cannot create the staging directory '%s' for output %s: %s. Check that "
                    "the parent directory is writable.",
                    c->staging, c->display, strerror(errno));
        sm_free(c->staging);
        c->staging = NULL;
        goto fail;
    }
    *out = c;
    return SM_OK;
fail:
    fs_commit_abort(c);
    return rc;
}

int fs_commit_join(const char *staging, const char *uuid, bool skip, fs_commit **out) {
    fs_commit *c = sm_calloc(1, sizeof *c);
    if (!c) return SM_NOMEM;
    c->follower = true;
    c->skip = skip;
    snprintf(c->uuid, sizeof c->uuid, "%s", uuid);
    if (!(c->staging = sm_strdup(staging ? staging : ""))) {
        sm_free(c);
        return SM_NOMEM;
    }
    *out = c;
    return SM_OK;
}

void fs_commit_abort(fs_commit *c) {
    if (!c) return;
    if (c->follower) {
        commit_free(c);
        return;
    }
    int saved_code = sm_errcode();
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", sm_errmsg());
    if (c->staging) fs_remove_tree(c->staging);
    for (int i = c->nmade - 1; i >= 0; i--) rmdir(c->made[i]); /* only if still empty */
    sm_err_set_raw(saved_code, saved); /* cleanup must not hide the real error */
    commit_free(c);
}

static int touch_success(const char *dir, const fs_commit *c) {
    size_t n = strlen(dir) + 16;
    char *p = sm_malloc(n);
    if (!p) return SM_NOMEM;
    snprintf(p, n, "%s/_SUCCESS", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        int rc = sm_err(SM_IO, "cannot write '%s' for output %s: %s. Check that the directory "
                        "is writable.", p, c->display, strerror(errno));
        sm_free(p);
        return rc;
    }
    close(fd);
    sm_free(p);
    return SM_OK;
}

/* rename without replacing: 0, or -1 with errno (EEXIST when the target
 * exists). */
static int rename_noreplace(const char *from, const char *to) {
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    struct stat st;
    if (lstat(to, &st) == 0) { errno = EEXIST; return -1; }
    return rename(from, to);
}

static int finish_replace(fs_commit *c) {
    if (renameat2(AT_FDCWD, c->staging, AT_FDCWD, c->target, RENAME_EXCHANGE) == 0) {
        /* The old output now lives under the staging name. */
        fs_remove_tree(c->staging);
        return SM_OK;
    }
    if (errno == ENOENT) { /* the target vanished meanwhile */
        if (rename_noreplace(c->staging, c->target) == 0) return SM_OK;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOENT && errno != EEXIST)
        return sm_err(SM_IO, "cannot move the new output into %s: %s. The old output is "
                      "unchanged.", c->display, strerror(errno));
    /* No exchange here: rename the old away, the new in, then drop the old. */
    size_t n = strlen(c->staging) + 8;
    char *old = sm_malloc(n);
    if (!old) return SM_NOMEM;
    snprintf(old, n, "%s.old", c->staging);
    if (rename(c->target, old) != 0) {
        int rc = sm_err(SM_IO, "cannot move the old output %s aside: %s. Check the "
                        "permissions of its parent directory.", c->display, strerror(errno));
        sm_free(old);
        return rc;
    }
    if (rename(c->staging, c->target) != 0) {
        int e = errno;
        rename(old, c->target);
        sm_free(old);
        return sm_err(SM_IO, "cannot move the new output into %s: %s. The old output is "
                      "unchanged.", c->display, strerror(e));
    }
    fs_remove_tree(old);
    sm_free(old);
    return SM_OK;
}

/* One entry of a staging directory, for the walkers below: its path
 * relative to the staging root and whether it is a directory. */
typedef int (*staged_fn)(fs_commit *c, const char *sub, bool is_dir, void *ctx);

/* Calls fn for every entry of staging/rel except . and .. (and the
 * top-level _SUCCESS), stopping at the first non-zero status. */
static int staged_each(fs_commit *c, const char *rel, staged_fn fn, void *ctx) {
    sm_buf dir = {0};
    if (sm_buf_appendf(&dir, "%s%s%s", c->staging, *rel ? "/" : "", rel) || !sm_buf_cstr(&dir)) {
        sm_buf_free(&dir);
        return SM_NOMEM;
    }
    DIR *d = opendir(dir.data);
    if (!d) {
        int e = errno;
        sm_buf_free(&dir);
        return sm_err(SM_IO, "cannot list staging directory '%s': %s", c->staging, strerror(e));
    }
    int rc = SM_OK;
    sm_buf sub = {0}, full = {0};
    struct dirent *de;
    while (rc == SM_OK && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
            (!*rel && !strcmp(de->d_name, "_SUCCESS")))
            continue;
        sub.len = full.len = 0;
        if (sm_buf_appendf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) ||
            sm_buf_appendf(&full, "%s/%s", c->staging, sub.data)) {
            rc = SM_NOMEM;
            break;
        }
        struct stat st;
        bool is_dir = lstat(full.data, &st) == 0 && S_ISDIR(st.st_mode);
        rc = fn(c, sub.data, is_dir, ctx);
    }
    closedir(d);
    sm_buf_free(&dir);
    sm_buf_free(&sub);
    sm_buf_free(&full);
    return rc;
}

/* The files moved by append_entry, relative paths, for rollback. */
typedef struct {
    char **moved;
    int nmoved, cap;
} moved_list;

/* Moves every staged file (recursively: partition directories) into the
 * target, creating directories that are missing; records the relative
 * paths of moved files in the moved_list for rollback. */
static int append_entry(fs_commit *c, const char *sub, bool is_dir, void *ctx) {
    moved_list *m = ctx;
    sm_buf to = {0};
    if (sm_buf_appendf(&to, "%s/%s", c->target, sub)) return SM_NOMEM;
    struct stat tst;
    bool merge = is_dir && lstat(to.data, &tst) == 0 && S_ISDIR(tst.st_mode);
    sm_buf_free(&to);
    if (merge) {
        /* a partition directory that exists: merge into it */
        char *r = sm_strdup(sub);
        if (!r) return SM_NOMEM;
        int rc = staged_each(c, r, append_entry, m);
        sm_free(r);
        return rc;
    }
    if (m->nmoved == m->cap) {
        int cap = m->cap ? m->cap * 2 : 16;
        char **n = sm_realloc(m->moved, sizeof(char *) * (size_t)cap);
        if (!n) return SM_NOMEM;
        m->moved = n;
        m->cap = cap;
    }
    char *name = sm_strdup(sub);
    sm_buf from = {0};
    if (!name || sm_buf_appendf(&from, "%s/%s", c->staging, sub) ||
        sm_buf_appendf(&to, "%s/%s", c->target, sub)) {
        sm_free(name);
        sm_buf_free(&from);
        sm_buf_free(&to);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    if (rename_noreplace(from.data, to.data) != 0) {
        rc = sm_err(SM_IO, "cannot move '%s' into %s: %s. Nothing was appended.", sub,
                    c->display, strerror(errno));
        sm_free(name);
    } else {
        m->moved[m->nmoved++] = name;
    }
    sm_buf_free(&from);
    sm_buf_free(&to);
    return rc;
}

static int finish_append(fs_commit *c) {
    moved_list m = {0};
    int rc = staged_each(c, "", append_entry, &m);
    char **moved = m.moved;
    int nmoved = m.nmoved;
    sm_buf from = {0}, to = {0};
    if (rc == SM_OK) rc = touch_success(c->target, c);
    if (rc != SM_OK) {
        /* Take back what was moved, so the directory is as before. */
        for (int i = nmoved - 1; i >= 0; i--) {
            from.len = to.len = 0;
            if (sm_buf_appendf(&from, "%s/%s", c->staging, moved[i]) ||
                sm_buf_appendf(&to, "%s/%s", c->target, moved[i]))
                continue;
            if (rename(to.data, from.data) != 0) unlink(to.data);
        }
    }
    for (int i = 0; i < nmoved; i++) sm_free(moved[i]);
    sm_free(moved);
    sm_buf_free(&from);
    sm_buf_free(&to);
    if (rc == SM_OK) fs_remove_tree(c->staging);
    return rc;
}

static int part_dirs_add(fs_commit *c, const char *rel) {
    char **d = sm_realloc(c->part_dirs, sizeof(char *) * (size_t)(c->npart_dirs + 1));
    if (!d) return SM_NOMEM;
    c->part_dirs = d;
    if (!(d[c->npart_dirs] = sm_strdup(rel))) return SM_NOMEM;
    c->npart_dirs++;
    return SM_OK;
}

int fs_commit_replace_partitions(fs_commit *c, const char *const *dirs, int n, bool keep_empty) {
    if (c->skip) return SM_OK;
    c->part_replace = true;
    c->part_keep_empty = keep_empty;
    c->part_dynamic = dirs == NULL;
    for (int i = 0; dirs && i < n; i++) {
        const char *d = dirs[i];
        if (!d || !*d || d[0] == '/' || strstr(d, ".."))
            return sm_err(SM_INTERNAL, "partition directory '%s' is not a relative path", d ? d : "");
        SM_TRY(part_dirs_add(c, d));
    }
    return SM_OK;
}

/* The staged partition directories that hold files (relative paths), for
 * dynamic overwrite: a directory with a file in it is a partition. */
static int staged_leaves(fs_commit *c, const char *rel);

static int leaf_entry(fs_commit *c, const char *sub, bool is_dir, void *ctx) {
    if (!is_dir) {
        *(bool *)ctx = true;
        return SM_OK;
    }
    return staged_leaves(c, sub);
}

static int staged_leaves(fs_commit *c, const char *rel) {
    bool has_file = false;
    /* rel may point into the caller's buffer, which the walk reuses */
    char *r = sm_strdup(rel);
    if (!r) return SM_NOMEM;
    int rc = staged_each(c, r, leaf_entry, &has_file);
    if (rc == SM_OK && has_file && *r) rc = part_dirs_add(c, r);
    sm_free(r);
    return rc;
}

/* mkdir -p of the parent directories of base/rel. */
static int mkdirs_under(const char *base, const char *rel) {
    sm_buf b = {0};
    if (sm_buf_appendf(&b, "%s/%s", base, rel) || !sm_buf_cstr(&b)) {
        sm_buf_free(&b);
        return SM_NOMEM;
    }
    int rc = SM_OK;
    for (char *p = b.data + strlen(base) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = 0;
        if (mkdir(b.data, 0777) != 0 && errno != EEXIST)
            rc = sm_err(SM_IO, "cannot create directory %s: %s", b.data, strerror(errno));
        *p = '/';
        if (rc) break;
    }
    sm_buf_free(&b);
    return rc;
}

/* Replaces the chosen partition directories of an existing target: each
 * old one is moved into a hidden trash directory inside the target, the
 * staged one (if any) moved into its place; on a failure everything moved
 * is moved back.  Then _SUCCESS, and the trash and staging are removed. */
static int finish_partitions(fs_commit *c) {
    if (c->part_dynamic) SM_TRY(staged_leaves(c, ""));
    sm_buf trash = {0};
    if (sm_buf_appendf(&trash, "%s/.smelt-replaced-%s", c->target, c->uuid) || !sm_buf_cstr(&trash)) {
        sm_buf_free(&trash);
        return SM_NOMEM;
    }
    int n = c->npart_dirs, rc = SM_OK;
    /* 1 = old moved aside, 2 = new moved in, 4 = left empty */
    unsigned char *state = sm_calloc((size_t)(n ? n : 1), 1);
    if (!state || mkdir(trash.data, 0777) != 0) {
        rc = state ? sm_err(SM_IO, "cannot create %s: %s", trash.data, strerror(errno)) : SM_NOMEM;
        sm_free(state);
        sm_buf_free(&trash);
        return rc;
    }
    sm_buf from = {0}, to = {0};
    for (int i = 0; rc == SM_OK && i < n; i++) {
        const char *rel = c->part_dirs[i];
        from.len = to.len = 0;
        if (sm_buf_appendf(&from, "%s/%s", c->target, rel) || sm_buf_appendf(&to, "%s/%s", trash.data, rel)) {
            rc = SM_NOMEM;
            break;
        }
        struct stat st;
        if (lstat(from.data, &st) != 0) continue;
        rc = mkdirs_under(trash.data, rel);
        if (rc == SM_OK && rename(from.data, to.data) != 0)
            rc = sm_err(SM_IO, "cannot move the old partition %s/%s aside: %s. The output is unchanged.",
                        c->display, rel, strerror(errno));
        if (rc == SM_OK) state[i] |= 1;
    }
    for (int i = 0; rc == SM_OK && i < n; i++) {
        const char *rel = c->part_dirs[i];
        from.len = to.len = 0;
        if (sm_buf_appendf(&from, "%s/%s", c->staging, rel) || sm_buf_appendf(&to, "%s/%s", c->target, rel)) {
            rc = SM_NOMEM;
            break;
        }
        struct stat st;
        if (lstat(from.data, &st) != 0) { /* static: nothing written there */
            if (c->part_keep_empty && (state[i] & 1)) {
                rc = mkdirs_under(c->target, rel);
                if (rc == SM_OK && mkdir(to.data, 0777) != 0 && errno != EEXIST)
                    rc = sm_err(SM_IO, "cannot create %s: %s", to.data, strerror(errno));
                if (rc == SM_OK) state[i] |= 4;
            }
            continue;
        }
        rc = mkdirs_under(c->target, rel);
        if (rc == SM_OK && rename(from.data, to.data) != 0)
            rc = sm_err(SM_IO, "cannot move the new partition into %s/%s: %s. The output is unchanged.",
                        c->display, rel, strerror(errno));
        if (rc == SM_OK) state[i] |= 2;
    }
    /* anything staged outside the replaced directories (static mode: rows
     * outside the PARTITION clause's values cannot occur; dynamic: none) is
     * appended like any other write */
    if (rc == SM_OK) rc = finish_append(c);
    if (rc != SM_OK) {
        for (int i = n - 1; i >= 0; i--) {
            const char *rel = c->part_dirs[i];
            from.len = to.len = 0;
            if (state[i] & 2) {
                if (sm_buf_appendf(&from, "%s/%s", c->target, rel) ||
                    sm_buf_appendf(&to, "%s/%s", c->staging, rel))
                    continue;
                rename(from.data, to.data);
            }
            from.len = to.len = 0;
            if ((state[i] & 4) && !sm_buf_appendf(&from, "%s/%s", c->target, rel)) rmdir(from.data);
            from.len = to.len = 0;
            if (state[i] & 1) {
                if (sm_buf_appendf(&from, "%s/%s", trash.data, rel) ||
                    sm_buf_appendf(&to, "%s/%s", c->target, rel))
                    continue;
                rename(from.data, to.data);
            }
        }
    }
    fs_remove_tree(trash.data);
    sm_free(state);
    sm_buf_free(&trash);
    sm_buf_free(&from);
    sm_buf_free(&to);
    return rc;
}

int fs_commit_finish(fs_commit *c) {
    if (c->skip || c->follower) {
        commit_free(c);
        return SM_OK;
    }
    int rc = SM_OK;
    struct stat st;
    bool exists = lstat(c->target, &st) == 0;
    if (c->mode == FS_SAVE_APPEND && exists) {
        if (!S_ISDIR(st.st_mode)) {
            rc = sm_err(SM_IO, "cannot append to %s: it is a file, not a directory.",
                        c->display);
            goto fail;
        }
        rc = finish_append(c);
        if (rc) goto fail;
        commit_free(c);
        return SM_OK;
    }
    if (c->mode == FS_SAVE_OVERWRITE && exists && c->part_replace) {
        if (!S_ISDIR(st.st_mode)) {
            rc = sm_err(SM_IO, "cannot overwrite partitions of %s: it is a file, not a directory.",
                        c->display);
            goto fail;
        }
        rc = finish_partitions(c);
        if (rc) goto fail;
        commit_free(c);
        return SM_OK;
    }
    rc = touch_success(c->staging, c);
    if (rc) goto fail;
    if (c->mode == FS_SAVE_OVERWRITE && exists) {
        rc = finish_replace(c);
        if (rc) goto fail;
        commit_free(c);
        return SM_OK;
    }
    if (rename_noreplace(c->staging, c->target) != 0) {
        if (errno == EEXIST || errno == ENOTEMPTY) {
            if (c->mode == FS_SAVE_IGNORE) { fs_commit_abort(c); return SM_OK; }
            if (c->mode == FS_SAVE_OVERWRITE) {
                rc = finish_replace(c);
                if (rc) goto fail;
                commit_free(c);
                return SM_OK;
            }
            if (c->mode == FS_SAVE_APPEND) {
                rc = finish_append(c);
                if (rc) goto fail;
                commit_free(c);
                return SM_OK;
            }
            rc = err_exists(c);
            goto fail;
        }
        rc = sm_err(SM_IO, "cannot move the output into %s: %s. Check the permissions of its "
                    "parent directory.", c->display, strerror(errno));
        goto fail;
    }
    commit_free(c);
    return SM_OK;
fail:
    fs_commit_abort(c);
    return rc;
}
