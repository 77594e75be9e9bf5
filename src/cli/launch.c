/*
 * launch.c — `smelt run|sql --ranks N [--hosts H1,H2 | --hostfile FILE]`:
 * starts the same command under mpirun (docs/mpi.md), for users who do not
 * want to write the mpirun line themselves, and the per-process set-up of
 * an MPI rank (only rank 0 prints).
 *
 * The re-executed command line is: MPIRUN -n N [--host H | --hostfile F]
 * --bind-to none [--oversubscribe when no hosts are given] /proc/self/exe
 * ARGS (without --ranks/--hosts/--hostfile).  MPIRUN is $SMELT_MPIRUN or
 * "mpirun".  As root, Open MPI wants OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM), which
 * are set.  A process that an MPI launcher already started ignores
 * --ranks (it is one of the ranks).
 *
 * Start-up cost: with every rank on this machine (no --hosts/--hostfile),
 * Open MPI's point-to-point layer is pinned to ob1 (shared memory through
 * the vader BTL, TCP when needed) unless the user chose one
 * (OMPI_MCA_pml set).  Left to itself, Open MPI 4 probes its UCX and OFI
 * layers first, which costs about 0.2 s of every MPI_Init on a machine
 * without such networks — most of a short query's time on two ranks
 * (mpirun -n 2 of an empty MPI program: 0.31 s, with ob1 0.10 s).  Across
 * hosts the choice stays Open MPI's (InfiniBand clusters want UCX).  Other
 * MPIs ignore the variable.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static bool under_mpi(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int cli_launch_ranks(int *argcp, char **argv) {
    int argc = *argcp;
    if (argc < 2 || (strcmp(argv[1], "run") && strcmp(argv[1], "sql"))) return -1;
    const char *ranks = NULL, *hosts = NULL, *hostfile = NULL;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return -1;
    int nrest = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--ranks") ? &ranks : !strcmp(a, "--hosts") ? &hosts
                            : !strcmp(a, "--hostfile") ? &hostfile : NULL;
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
            continue;
        }
        if (!strncmp(a, "--ranks=", 8)) { ranks = a + 8; continue; }
        if (!strncmp(a, "--hosts=", 8)) { hosts = a + 8; continue; }
        if (!strncmp(a, "--hostfile=", 11)) { hostfile = a + 11; continue; }
        rest[nrest++] = argv[i];
    }
    if (!ranks && !hosts && !hostfile) {
        free(rest);
        return -1;
    }
    if (under_mpi()) { /* already a rank: drop the options, run as is */
        for (int i = 0; i <= nrest; i++) argv[i] = rest[i];
        *argcp = nrest;
        free(rest);
        return -1;
    }
    int n = ranks ? atoi(ranks) : 0;
    if (ranks && (n < 1 || n > 100000)) {
        fprintf(stderr, "smelt: --ranks takes a number of processes (1 or more), not '%s'\n", ranks);
        free(rest);
        return 2;
    }
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "smelt: cannot find the smelt executable to start under mpirun\n");
        free(rest);
        return 2;
    }
    self[len] = 0;
    const char *mpirun = getenv("SMELT_MPIRUN") ? getenv("SMELT_MPIRUN") : "mpirun";
    char nbuf[32];
    snprintf(nbuf, sizeof nbuf, "%d", n);
    char **av = calloc((size_t)argc + 16, sizeof *av);
    if (!av) {
        free(rest);
        return 2;
    }
    int k = 0;
    av[k++] = (char *)mpirun;
    if (ranks) {
        av[k++] = "-n";
        av[k++] = nbuf;
    }
    if (hosts) {
        av[k++] = "--host";
        av[k++] = (char *)hosts;
    }
    if (hostfile) {
        av[k++] = "--hostfile";
        av[k++] = (char *)hostfile;
    }
    av[k++] = "--bind-to";
    av[k++] = "none";
    if (!hosts && !hostfile) av[k++] = "--oversubscribe";
    av[k++] = self;
    for (int i = 1; i < nrest; i++) av[k++] = rest[i];
    av[k] = NULL;
    if (!hosts && !hostfile) setenv("OMPI_MCA_pml", "ob1", 0);
    if (getuid() == 0) {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    }
    fflush(stdout);
    execvp(mpirun, av);
    fprintf(stderr, "smelt: cannot start %s (%m); install Open MPI (apt-get install openmpi-bin) "
                    "or run under your own launcher: mpirun -n N smelt ...\n", mpirun);
    free(av);
    free(rest);
    return 2;
}

int cli_rank_setup(void) {
    if (sm_dist_size() > 1 && sm_dist_rank() != 0 && !getenv("SMELT_RANK_OUTPUT")) {
        /* rank 0 prints; the others' results and messages are the same */
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) return -1;
    }
    return 0;
}
