/*
 * splits.c — cutting text files into splits, shared by the line-oriented
 * readers (CSV, JSON lines); see fs.h.
 *
 * Spark packs input files largest first (FilePartition sorts splits by
 * length, descending, stably over the listing order), so the rows of the
 * largest file come first; order-sensitive results (which duplicate
 * dropDuplicates keeps, first()) depend on it — checked with PySpark on two
 * files with conflicting duplicates.  A file is cut into ranges of
 * split_bytes (a tiny tail joins the range before it: Spark allows 10%
 * slop); each reader aligns a range to record boundaries itself.  A
 * compressed file cannot be cut: one split to the end of its decompressed
 * text (end = INT64_MAX).
 */
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "fs/fs.h"

void sm_fs_order_like_spark(char **files, int64_t *sizes, int n) {
    /* insertion sort: stable, and file lists are short enough */
    for (int i = 1; i < n; i++) {
        char *f = files[i];
        int64_t sz = sizes[i];
        int j = i - 1;
        while (j >= 0 && sizes[j] < sz) {
            files[j + 1] = files[j];
            sizes[j + 1] = sizes[j];
            j--;
        }
        files[j + 1] = f;
        sizes[j + 1] = sz;
    }
}

int sm_fs_text_splits(char *const *files, const int64_t *sizes, int nfiles, int64_t split_bytes,
                      bool whole_files, sm_fs_split **out, int *nout) {
    int64_t sb = split_bytes > 0 ? split_bytes : 1;
    int cap = nfiles + 1, n = 0;
    for (int f = 0; f < nfiles; f++)
        if (!whole_files) cap += (int)(sizes[f] / sb) + 1;
    sm_fs_split *sp = sm_calloc((size_t)cap, sizeof *sp);
    if (!sp) return sm_err(SM_NOMEM, "out of memory");
    for (int f = 0; f < nfiles; f++) {
        int64_t size = sizes[f];
        if (sm_fs_is_compressed(files[f])) {
            sp[n++] = (sm_fs_split){f, 0, INT64_MAX};
            continue;
        }
        if (whole_files || size <= sb) {
            sp[n++] = (sm_fs_split){f, 0, size};
            continue;
        }
        for (int64_t s = 0; s < size; s += sb) {
            int64_t e = s + sb;
            if (size - e < sb / 10) e = size;
            sp[n++] = (sm_fs_split){f, s, e};
            if (e == size) break;
        }
    }
    *out = sp;
    *nout = n;
    return SM_OK;
}

char *sm_fs_describe_files(const char *format, char *const *files, int nfiles, int nsplits) {
    sm_buf b = {0};
    sm_buf_appendf(&b, "%s [", format);
    for (int i = 0; i < nfiles && i < 3; i++) {
        const char *base = strrchr(files[i], '/');
        sm_buf_appendf(&b, "%s%s", i ? ", " : "", base ? base + 1 : files[i]);
    }
    if (nfiles > 3) sm_buf_appendf(&b, ", ...");
    sm_buf_appendf(&b, "] %d file%s, %d split%s", nfiles, nfiles == 1 ? "" : "s", nsplits,
                   nsplits == 1 ? "" : "s");
    return b.data ? (char *)sm_buf_cstr(&b) : NULL;
}
