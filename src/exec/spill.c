/*
 * spill.c — memory budget sizes, the spill directory and spill files,
 * batch (de)serialization (spill.h).
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include "exec/spill.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/status.h"

/* ---- sizes --------------------------------------------------------------- */

int sm_parse_mem_size(const char *what, const char *text, int64_t *out) {
    const char *p = text ? text : "";
    while (*p == ' ') p++;
    char *end = NULL;
    errno = 0;
    unsigned long long n = (*p >= '0' && *p <= '9') ? strtoull(p, &end, 10) : 0;
    if (!end || end == p || errno)
        goto bad;
    while (*end == ' ') end++;
    static const struct { const char *unit; int shift; } units[] = {
        {"", 0},   {"b", 0},    {"k", 10},  {"kb", 10}, {"kib", 10}, {"m", 20},
        {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40},
        {"tb", 40}, {"tib", 40}};
    int shift = -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(end, units[i].unit) == 0) shift = units[i].shift;
    if (shift < 0) goto bad;
    if (n > ((unsigned long long)INT64_MAX >> shift)) goto bad;
    int64_t v = (int64_t)(n << shift);
    if (v < (1 << 20))
        return sm_err(SM_INVALID, "%s: '%s' is below the smallest memory limit, 1MB", what, text);
    *out = v;
    return SM_OK;
bad:
    return sm_err(SM_INVALID,
                  "%s: '%s' is not a size; use a whole number of bytes with an optional unit "
                  "(k, m, g, t: e.g. 512m, 2g, 400MB)",
                  what, text ? text : "");
}

int64_t sm_memory_limit_default(void) {
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psize <= 0) return (int64_t)1 << 30;
    return (int64_t)((double)pages * (double)psize * 0.6);
}

/* ---- the spill directory -------------------------------------------------- */

static pthread_mutex_t spill_lock = PTHREAD_MUTEX_INITIALIZER;
static char spill_path[4096]; /* "" when there is no directory */
static volatile sig_atomic_t spill_dir_exists;
static int spill_open_files;
static bool spill_atexit_set;

static void spill_atexit(void) { sm_spill_on_signal(); }
static void spill_signal(int sig);

/* the name of a spill file between its creation and its unlink (only where
 * O_TMPFILE is not supported), so a signal in between removes it too */
static char spill_pending[4200];
static volatile sig_atomic_t spill_pending_set;

void sm_spill_on_signal(void) {
    if (spill_pending_set) unlink(spill_pending);
    if (spill_dir_exists) {
        spill_dir_exists = 0;
        rmdir(spill_path); /* files in it have no names (O_TMPFILE) or are unlinked as soon as made */
    }
}

const char *sm_spill_dir(void) { return spill_dir_exists ? spill_path : ""; }

static int spill_make_dir(void) {
    if (spill_dir_exists) return SM_OK;
    /* the handlers first: the directory lives only while a file is made */
    if (!spill_atexit_set) {
        atexit(spill_atexit);
        sm_spill_install_signal_handlers();
        spill_atexit_set = true;
    }
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    int n = snprintf(spill_path, sizeof spill_path, "%s/smelt-spill-%ld-XXXXXX", tmp,
                     (long)getpid());
    if (n < 0 || (size_t)n >= sizeof spill_path) {
        spill_path[0] = 0;
        return sm_err(SM_IO, "spill directory: TMPDIR is too long");
    }
    spill_dir_exists = 1; /* before it exists: a signal right after mkdtemp removes it too */
    if (!mkdtemp(spill_path)) {
        spill_dir_exists = 0;
        int e = errno;
        char msg[256];
        snprintf(msg, sizeof msg, "%s", strerror(e));
        spill_path[0] = 0;
        return sm_err(SM_IO, "cannot create a spill directory under %s: %s", tmp, msg);
    }
    spill_dir_exists = 1;
    return SM_OK;
}

FILE *sm_spill_open(void) {
    pthread_mutex_lock(&spill_lock);
    FILE *f = NULL;
    if (spill_make_dir() == SM_OK) {
#ifdef O_TMPFILE
        /* a file that never has a name: nothing to remove, ever */
        int fd = open(spill_path, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0 && !(f = fdopen(fd, "w+b"))) close(fd);
        if (f) spill_open_files++;
#endif
        if (!f) {
            static unsigned long seq;
            snprintf(spill_pending, sizeof spill_pending, "%s/spill-%lu", spill_path, seq++);
            spill_pending_set = 1;
            f = fopen(spill_pending, "w+b");
            if (!f) {
                sm_err(SM_IO, "cannot create spill file %s: %s", spill_pending, strerror(errno));
            } else {
                unlink(spill_pending);
                spill_open_files++;
            }
            spill_pending_set = 0;
        }
        if (!f && spill_open_files == 0) sm_spill_on_signal();
        /* the file has no name in the directory (O_TMPFILE, or unlinked):
         * remove the directory now, so that not even it stays behind when
         * the process is killed with SIGKILL (an MPI rank, exchange/xspill.c) */
        if (f && spill_dir_exists) {
            rmdir(spill_path); /* then the flag: a signal in between removes it again, harmlessly */
            spill_dir_exists = 0;
        }
    }
    pthread_mutex_unlock(&spill_lock);
    return f;
}

void sm_spill_close(FILE *f) {
    if (!f) return;
    fclose(f);
    pthread_mutex_lock(&spill_lock);
    if (--spill_open_files == 0) sm_spill_on_signal();
    pthread_mutex_unlock(&spill_lock);
}

static void spill_signal(int sig) {
    sm_spill_on_signal();
    signal(sig, SIG_DFL);
    raise(sig);
}

void sm_spill_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = spill_signal;
    sigemptyset(&sa.sa_mask);
    struct sigaction old;
    /* keep a handler someone else installed (the shell's) */
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_DFL) sigaction(SIGINT, &sa, NULL);
    if (sigaction(SIGTERM, NULL, &old) == 0 && old.sa_handler == SIG_DFL) sigaction(SIGTERM, &sa, NULL);
}

/* ---- batches ------------------------------------------------------------ */

typedef struct {
    int32_t type, nchildren;
    int64_t length, bytes_len;
    int8_t precision, scale, has_validity, pad[5];
    const sm_dtype *dt;
} spill_vec_hdr;

static int spill_put(FILE *f, const void *p, size_t n, int64_t *bytes) {
    if (n && fwrite(p, 1, n, f) != n) return sm_err(SM_IO, "writing a spill file: %s", strerror(errno));
    *bytes += (int64_t)n;
    return SM_OK;
}

static int spill_get(FILE *f, void *p, size_t n) {
    if (n && fread(p, 1, n, f) != n) return sm_err(SM_IO, "reading a spill file: short read");
    return SM_OK;
}

static int spill_write_vec(FILE *f, const sm_vector *v, int64_t *bytes) {
    spill_vec_hdr h;
    memset(&h, 0, sizeof h);
    h.type = (int32_t)v->type;
    h.nchildren = v->nchildren;
    h.length = v->length;
    h.precision = v->precision;
    h.scale = v->scale;
    h.has_validity = v->validity != NULL;
    h.dt = v->dt;
    size_t w = sm_type_width(v->type);
    bool offs = sm_type_has_offsets(v->type);
    const int32_t *off = offs ? (const int32_t *)v->data : NULL;
    if (v->type == SM_STRING || v->type == SM_BINARY)
        h.bytes_len = v->length && off ? off[v->length] : 0;
    SM_TRY(spill_put(f, &h, sizeof h, bytes));
    if (h.has_validity) SM_TRY(spill_put(f, v->validity, (size_t)(v->length + 7) / 8, bytes));
    if (offs) {
        if (off) SM_TRY(spill_put(f, off, (size_t)(v->length + 1) * sizeof(int32_t), bytes));
        else {
            int32_t z = 0;
            for (int64_t i = 0; i <= v->length; i++) SM_TRY(spill_put(f, &z, sizeof z, bytes));
        }
    } else if (w && v->length) {
        SM_TRY(spill_put(f, v->data, (size_t)v->length * w, bytes));
    }
    if (h.bytes_len) SM_TRY(spill_put(f, v->bytes, (size_t)h.bytes_len, bytes));
    for (int c = 0; c < v->nchildren; c++) SM_TRY(spill_write_vec(f, v->children[c], bytes));
    return SM_OK;
}

static int spill_read_vec(FILE *f, sm_vector **out) {
    spill_vec_hdr h;
    SM_TRY(spill_get(f, &h, sizeof h));
    sm_vector *v = sm_vector_new((sm_type)h.type, h.length > 0 ? h.length : 1);
    if (!v) return SM_NOMEM;
    int rc = SM_OK;
    v->precision = h.precision;
    v->scale = h.scale;
    size_t w = sm_type_width(v->type);
    if (h.has_validity) {
        size_t nb = (size_t)(v->capacity + 7) / 8;
        v->validity = sm_malloc(nb ? nb : 1);
        if (!v->validity) rc = SM_NOMEM;
        else {
            memset(v->validity, 0xff, nb);
            rc = spill_get(f, v->validity, (size_t)(h.length + 7) / 8);
        }
    }
    if (rc == SM_OK && sm_type_has_offsets(v->type))
        rc = spill_get(f, v->data, (size_t)(h.length + 1) * sizeof(int32_t));
    else if (rc == SM_OK && w && h.length)
        rc = spill_get(f, v->data, (size_t)h.length * w);
    if (rc == SM_OK && h.bytes_len) {
        rc = sm_vector_reserve_bytes(v, h.bytes_len);
        if (rc == SM_OK) {
            rc = spill_get(f, v->bytes, (size_t)h.bytes_len);
            v->bytes_len = h.bytes_len;
        }
    }
    if (rc == SM_OK && h.nchildren > 0) {
        v->dt = h.dt;
        v->children = sm_calloc((size_t)h.nchildren, sizeof *v->children);
        if (!v->children) rc = SM_NOMEM;
        for (int c = 0; rc == SM_OK && c < h.nchildren; c++) {
            rc = spill_read_vec(f, &v->children[c]);
            if (rc == SM_OK) v->nchildren = c + 1;
        }
    } else {
        v->dt = h.dt;
    }
    v->length = h.length;
    if (rc != SM_OK) {
        sm_vector_unref(v);
        return rc;
    }
    *out = v;
    return SM_OK;
}

int sm_spill_write_cols(FILE *f, sm_vector *const *cols, int ncols, int64_t *bytes) {
    int32_t n = ncols;
    int64_t rows = ncols > 0 ? cols[0]->length : 0;
    SM_TRY(spill_put(f, &n, sizeof n, bytes));
    SM_TRY(spill_put(f, &rows, sizeof rows, bytes));
    for (int c = 0; c < ncols; c++) SM_TRY(spill_write_vec(f, cols[c], bytes));
    return SM_OK;
}

int sm_spill_read_batch(FILE *f, sm_batch **out) {
    int32_t n;
    int64_t rows;
    *out = NULL;
    if (fread(&n, 1, sizeof n, f) != sizeof n) {
        if (feof(f)) return SM_OK;
        return sm_err(SM_IO, "reading a spill file: %s", strerror(errno));
    }
    SM_TRY(spill_get(f, &rows, sizeof rows));
    sm_batch *b = sm_batch_new(n, rows);
    if (!b) return SM_NOMEM;
    for (int c = 0; c < n; c++) {
        int rc = spill_read_vec(f, &b->cols[c]);
        if (rc != SM_OK) {
            sm_batch_free(b);
            return rc;
        }
    }
    *out = b;
    return SM_OK;
}

/* ---- spill sets ------------------------------------------------------------ */

struct sm_spill_set {
    int level;
    FILE *f[SM_SPILL_FANOUT];
    pthread_mutex_t lock[SM_SPILL_FANOUT];
    _Atomic int64_t bytes;
};

void sm_spill_set_free(sm_spill_set *ss) {
    if (!ss) return;
    for (int i = 0; i < SM_SPILL_FANOUT; i++) {
        sm_spill_close(ss->f[i]);
        pthread_mutex_destroy(&ss->lock[i]);
    }
    sm_free(ss);
}

sm_spill_set *sm_spill_set_new(int level) {
    sm_spill_set *ss = sm_calloc(1, sizeof *ss);
    if (!ss) return NULL;
    ss->level = level;
    for (int i = 0; i < SM_SPILL_FANOUT; i++) pthread_mutex_init(&ss->lock[i], NULL);
    for (int i = 0; i < SM_SPILL_FANOUT; i++) {
        ss->f[i] = sm_spill_open();
        if (!ss->f[i]) {
            sm_spill_set_free(ss);
            return NULL;
        }
    }
    return ss;
}

FILE *sm_spill_set_file(sm_spill_set *ss, int i) { return ss->f[i]; }

void sm_spill_set_close_file(sm_spill_set *ss, int i) {
    sm_spill_close(ss->f[i]);
    ss->f[i] = NULL;
}

int64_t sm_spill_set_bytes(sm_spill_set *ss) { return atomic_load(&ss->bytes); }

/* A different mix per level, so a file re-partitioned one level down spreads. */
static int spill_part(uint64_t h, int level) {
    uint64_t x = h ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(level + 1));
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return (int)(x % SM_SPILL_FANOUT);
}

int sm_spill_set_route(sm_spill_set *ss, const sm_batch *b, const uint64_t *hashes) {
    int64_t n = b->nrows;
    if (n == 0) return SM_OK;
    int rc = SM_OK;
    int32_t *sel = sm_malloc((size_t)n * sizeof *sel);
    sm_vector **cols = sm_calloc((size_t)b->ncols + 1, sizeof *cols);
    uint8_t *part = sm_malloc((size_t)n);
    int64_t start[SM_SPILL_FANOUT + 1] = {0}, fill[SM_SPILL_FANOUT];
    if (!sel || !cols || !part) {
        rc = SM_NOMEM;
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        part[i] = (uint8_t)spill_part(hashes[i], ss->level);
        start[part[i] + 1]++;
    }
    for (int p = 0; p < SM_SPILL_FANOUT; p++) start[p + 1] += start[p];
    memcpy(fill, start, sizeof fill);
    for (int64_t i = 0; i < n; i++) sel[fill[part[i]]++] = (int32_t)i;
    for (int p = 0; p < SM_SPILL_FANOUT && rc == SM_OK; p++) {
        int64_t np = start[p + 1] - start[p];
        if (np == 0) continue;
        for (int c = 0; c < b->ncols && rc == SM_OK; c++) {
            cols[c] = np == n ? sm_vector_ref(b->cols[c])
                              : sm_vector_take(b->cols[c], sel + start[p], np);
            if (!cols[c]) rc = SM_NOMEM;
        }
        int64_t bytes = 0;
        if (rc == SM_OK) {
            pthread_mutex_lock(&ss->lock[p]);
            rc = sm_spill_write_cols(ss->f[p], cols, b->ncols, &bytes);
            pthread_mutex_unlock(&ss->lock[p]);
            atomic_fetch_add(&ss->bytes, bytes);
        }
        for (int c = 0; c < b->ncols; c++)
            if (cols[c]) sm_vector_unref(cols[c]);
        memset(cols, 0, (size_t)b->ncols * sizeof *cols);
    }
done:
    sm_free(sel);
    sm_free(cols);
    sm_free(part);
    return rc;
}

int sm_spill_resplit(FILE *f, int level, sm_spill_route_fn route, sm_spill_process_fn process,
                     void *arg, _Atomic int64_t *bytes, _Atomic int64_t *parts) {
    sm_spill_set *ss = sm_spill_set_new(level + 1);
    if (!ss) return sm_errcode() ? sm_errcode() : SM_NOMEM;
    int rc = fseek(f, 0, SEEK_SET) != 0 ? sm_err(SM_IO, "rewinding a spill file") : SM_OK;
    while (rc == SM_OK) {
        sm_batch *b = NULL;
        rc = sm_spill_read_batch(f, &b);
        if (rc != SM_OK || !b) break;
        rc = route(arg, ss, b);
        sm_batch_free(b);
    }
    atomic_fetch_add(bytes, sm_spill_set_bytes(ss));
    atomic_fetch_add(parts, SM_SPILL_FANOUT);
    for (int i = 0; i < SM_SPILL_FANOUT && rc == SM_OK; i++) {
        rc = process(arg, sm_spill_set_file(ss, i), level + 1);
        sm_spill_set_close_file(ss, i);
    }
    sm_spill_set_free(ss);
    return rc;
}
