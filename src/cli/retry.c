/*
 * retry.c — `smelt run JOB --retries N [--checkpoint DIR] [--ranks R ...]`:
 * a supervisor that starts the run again when it fails, as a Glue job's
 * "number of retries" or Slurm's requeue do (docs/mpi.md, "Checkpoints and
 * retries").
 *
 * The supervisor is the process the user started; it runs no job itself.
 * Each attempt is a child: /proc/self/exe with the same arguments minus
 * --retries (so a child with --ranks starts mpirun through launch.c, one
 * without runs on threads), plus --resume from the second attempt on when
 * --checkpoint is given (then it continues from the failed stage, else it
 * starts over).  A failure is any non-zero exit or a death by a signal;
 * exit status 2 (a bad command line) and an interrupt (SIGINT, SIGTERM, or
 * mpirun's 130/143) are not retried.  Each attempt is announced on standard
 * error.  Under an MPI launcher (the process is one rank of a job someone
 * else started) this does nothing: cmd_run.c refuses --retries there.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

static bool retry_under_mpi(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int cli_retry(int argc, char **argv) {
    if (argc < 3 || strcmp(argv[1], "run") || retry_under_mpi()) return -1;
    const char *retries = NULL;
    bool checkpoint = false, resume = false, help = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--retries") && i + 1 < argc) retries = argv[i + 1];
        else if (!strncmp(argv[i], "--retries=", 10)) retries = argv[i] + 10;
        else if (!strcmp(argv[i], "--checkpoint") || !strncmp(argv[i], "--checkpoint=", 13))
            checkpoint = true;
        else if (!strcmp(argv[i], "--resume")) resume = true;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) help = true;
    }
    if (!retries || help) return -1;
    char *end = NULL;
    long n = strtol(retries, &end, 10);
    if (!*retries || *end || n < 0 || n > 1000) {
        fprintf(stderr, "smelt run: --retries takes a number of retries (0 or more), not '%s'\n",
                retries);
        return 2;
    }
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "smelt run: --retries: cannot find the smelt executable\n");
        return 2;
    }
    self[len] = 0;
    char **av = calloc((size_t)argc + 2, sizeof *av);
    if (!av) return 2;
    int k = 0;
    av[k++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--retries")) { i++; continue; }
        if (!strncmp(argv[i], "--retries=", 10)) continue;
        av[k++] = argv[i];
    }
    int resume_at = k; /* where --resume goes from the second attempt on */
    av[k] = NULL;
    int status = 1;
    for (long attempt = 0; attempt <= n; attempt++) {
        if (attempt > 0 && checkpoint && !resume) av[resume_at] = "--resume", av[resume_at + 1] = NULL;
        if (attempt > 0)
            fprintf(stderr, "smelt run: attempt %ld of %ld%s\n", attempt + 1, n + 1,
                    checkpoint ? " (--resume: continuing from the checkpoint)"
                               : " (no --checkpoint: from the start)");
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "smelt run: --retries: cannot start a process: %s\n", strerror(errno));
            break;
        }
        if (pid == 0) {
            execv(self, av);
            fprintf(stderr, "smelt run: cannot start %s: %s\n", self, strerror(errno));
            _exit(2);
        }
        int ws = 0;
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
        if (WIFEXITED(ws)) status = WEXITSTATUS(ws);
        else status = 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
        if (status == 0) break;
        bool interrupted = (WIFSIGNALED(ws) && (WTERMSIG(ws) == SIGINT || WTERMSIG(ws) == SIGTERM)) ||
                           status == 130 || status == 143;
        if (WIFSIGNALED(ws))
            fprintf(stderr, "smelt run: attempt %ld of %ld was killed by signal %d (%s)\n", attempt + 1,
                    n + 1, WTERMSIG(ws), strsignal(WTERMSIG(ws)));
        else
            fprintf(stderr, "smelt run: attempt %ld of %ld failed (exit status %d)\n", attempt + 1,
                    n + 1, status);
        if (status == 2 || interrupted) break; /* a bad command line; the user stopped it */
        if (attempt == n && n > 0)
            fprintf(stderr, "smelt run: giving up after %ld attempts\n", n + 1);
    }
    free(av);
    return status;
}
