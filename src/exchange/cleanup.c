/*
 * cleanup.c — removing a distributed write's staging directory when the job
 * is killed (exchange.h: xch_cleanup_arm / xch_cleanup_disarm).
 *
 * When one rank dies, the MPI launcher ends the others with SIGTERM (then
 * SIGKILL).  While a distributed write is open, every rank knows the job's
 * staging directory (fs/commit.c; rank 0 made it) and its SIGTERM / SIGINT
 * handler removes that directory (several ranks may race: harmless), then hands the signal to the handler that was there before
 * (the spill directory's, or the default action), so a killed job leaves
 * neither output nor hidden staging files.  The same happens before a rank
 * ends the job itself with MPI_Abort (a collective failed: a peer died).  A
 * rank 0 killed with SIGKILL cannot clean up (nothing can): the hidden
 * directory stays.
 *
 * The handler is async-signal-safe: it walks the tree with openat /
 * getdents64 / unlinkat on stack buffers only (no malloc, no stdio); depth
 * is bounded (partition directories nest a few levels).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exchange/exchange.h"

static char cl_path[4096];
static volatile sig_atomic_t cl_armed;
static struct sigaction cl_old_int, cl_old_term;
static bool cl_installed;

struct cl_dirent {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Removes everything under the directory open as fd (depth-bounded). */
static void cl_empty(int fd, int depth) {
    char buf[4096];
    for (int pass = 0; pass < 64; pass++) {
        bool removed = false;
        lseek(fd, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
            if (n <= 0) break;
            for (long at = 0; at < n;) {
                struct cl_dirent *d = (struct cl_dirent *)(buf + at);
                at += d->reclen;
                if (!strcmp(d->name, ".") || !strcmp(d->name, "..")) continue;
                if (d->type == DT_DIR && depth < 16) {
                    int sub = openat(fd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
                    if (sub >= 0) {
                        cl_empty(sub, depth + 1);
                        close(sub);
                    }
                    if (unlinkat(fd, d->name, AT_REMOVEDIR) == 0) removed = true;
                } else if (unlinkat(fd, d->name, 0) == 0) {
                    removed = true;
                }
            }
        }
        if (!removed) break;
    }
}

void xch_cleanup_now(void) {
    if (cl_armed) {
        int fd = open(cl_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (fd >= 0) {
            cl_empty(fd, 0);
            close(fd);
        }
        rmdir(cl_path);
        cl_armed = 0;
    }
}

static void cl_handler(int sig) {
    xch_cleanup_now();
    sigaction(sig, sig == SIGINT ? &cl_old_int : &cl_old_term, NULL);
    raise(sig);
}

void xch_cleanup_arm(const char *staging) {
    if (!staging || !*staging || strlen(staging) >= sizeof cl_path) return;
    cl_armed = 0;
    snprintf(cl_path, sizeof cl_path, "%s", staging);
    cl_armed = 1;
    struct sigaction sa, cur;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cl_handler;
    sigemptyset(&sa.sa_mask);
    /* (re)install unless ours is already there; keep what was there */
    if (sigaction(SIGTERM, NULL, &cur) == 0 && cur.sa_handler != cl_handler) {
        cl_old_term = cur;
        sigaction(SIGTERM, &sa, NULL);
    }
    if (sigaction(SIGINT, NULL, &cur) == 0 && cur.sa_handler != cl_handler) {
        cl_old_int = cur;
        sigaction(SIGINT, &sa, NULL);
    }
    cl_installed = true;
}

void xch_cleanup_disarm(void) {
    cl_armed = 0;
    if (!cl_installed) return;
    struct sigaction cur;
    if (sigaction(SIGTERM, NULL, &cur) == 0 && cur.sa_handler == cl_handler) sigaction(SIGTERM, &cl_old_term, NULL);
    if (sigaction(SIGINT, NULL, &cur) == 0 && cur.sa_handler == cl_handler) sigaction(SIGINT, &cl_old_int, NULL);
    cl_installed = false;
}
