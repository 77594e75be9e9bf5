/*
 * commit.h — atomic commit of an output directory (Spark's save modes).
 *
 * A write goes through three steps:
 *
 *     fs_commit *c;
 *     fs_commit_begin("out/filtered", FS_SAVE_OVERWRITE, &c);  // checks the mode,
 *                                                                // makes the staging dir
 *     if (fs_commit_skip(c)) ...          // ignore mode and the path exists: write nothing
 *     ... write files into fs_commit_staging(c) ...
 *     fs_commit_finish(c);                 // success: move into place, _SUCCESS
 *  or fs_commit_abort(c);                  // failure: remove everything we made
 *
 * Both finish and abort free `c`.  The staging directory is a hidden sibling
 * of the target (<parent>/.<name>.smelt-staging-<uuid>), so moving it into
 * place is a rename within one file system and readers (Spark's and smelt's
 * skip names starting with '.' or '_') never see half-written output.
 */
#ifndef SM_FS_COMMIT_H
#define SM_FS_COMMIT_H

#include <stdbool.h>

typedef enum {
    FS_SAVE_ERROR_IF_EXISTS = 0, /* "error", "errorifexists", "default" */
    FS_SAVE_OVERWRITE,
    FS_SAVE_APPEND,
    FS_SAVE_IGNORE,
} fs_save_mode;

/* Parses Spark's save mode names (case-insensitive); NULL means the default
 * (errorifexists).  SM_INVALID with Spark's message for an unknown name. */
int fs_save_mode_parse(const char *name, fs_save_mode *out);

typedef struct fs_commit fs_commit;

/* Starts a commit of directory `path` ("file:" prefix allowed; relative to the
 * working directory).  Fails with SM_EXISTS ([PATH_ALREADY_EXISTS]) in
 * errorifexists mode when the path exists.  Creates missing parent
 * directories (removed again by fs_commit_abort) and the staging directory. */
int fs_commit_begin(const char *path, fs_save_mode mode, fs_commit **out);
/* True when nothing must be written (ignore mode, the path exists). */
bool fs_commit_skip(const fs_commit *c);
/* The directory to write files into (NULL when skipping). */
const char *fs_commit_staging(const fs_commit *c);
/* The job's UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"), for file names. */
const char *fs_commit_uuid(const fs_commit *c);
/* The target as Spark prints it: "file:/abs/path". */
const char *fs_commit_display(const fs_commit *c);
/* Moves the staged files into place per the save mode and writes an empty
 * _SUCCESS.  On failure the target is left as it was before the job (for
 * append, files already moved are taken back out) and the staging directory
 * is removed.  Frees c either way. */
int fs_commit_finish(fs_commit *c);
/* Overwrite mode of a partitioned output: at finish, replace only some
 * partition directories of an existing target instead of the whole of it
 * (everything else stays): the directories `dirs` (relative to the target,
 * e.g. "p1=a" — INSERT OVERWRITE ... PARTITION (p1 = 'a'), removed even when
 * the job wrote nothing under them), or, with dirs NULL, every partition
 * directory the job staged files in (partitionOverwriteMode=dynamic).
 * Old directories are moved aside first and put back if a move fails.
 * keep_empty: a named directory the job wrote nothing under is left empty
 * rather than removed (a whole partition spec: the partition stays, as in
 * Spark's catalog). */
int fs_commit_replace_partitions(fs_commit *c, const char *const *dirs, int n, bool keep_empty);
/* Removes the staging directory and any parent directories begin created;
 * frees c.  Safe with NULL. */
void fs_commit_abort(fs_commit *c);

/* A handle on a commit that another process (MPI rank 0) began: files are
 * written into `staging` (its fs_commit_staging) under its uuid; finish and
 * abort only free the handle, the leader moves or removes the files.
 * (exchange/dist.c) */
int fs_commit_join(const char *staging, const char *uuid, bool skip, fs_commit **out);

/* A random (version 4) UUID from /dev/urandom: 36 characters + NUL. */
int fs_uuid(char out[37]);
/* Removes a file or a directory tree (does not follow symbolic links).
 * A missing path is not an error. */
int fs_remove_tree(const char *path);

#endif
