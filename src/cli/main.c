/*
 * main.c — the `smelt` program: dispatches to a command.
 *
 *   smelt head | schema | count FILE ...   cmd_file.c
 *   smelt convert IN OUT ...               cmd_convert.c (formats: file_format.c)
 *   smelt sql ...                          cmd_sql.c
 *   smelt shell ...                        cmd_shell.c
 *   smelt run JOB.yaml ...                 cmd_run.c (src/job/)
 *   smelt version | --help
 *
 * Every command is a client of the public API only (see cli.h).  Errors go
 * to standard error with a non-zero exit status: 1 for a failed statement
 * or read, 2 for a bad command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out) {
    fprintf(out,
            "usage: smelt <command> [arguments]\n"
            "\n"
            "commands:\n"
            "  sql [OPTIONS] \"QUERY\"                           run SQL statements separated by ';'\n"
            "  sql [OPTIONS] -f FILE                           ... from a file ('-' = standard input)\n"
            "  shell [OPTIONS]                                 interactive SQL shell\n"
            "  run JOB.yaml [--arg NAME=VALUE]... [--explain]  run a job file (docs/jobs.md)\n"
            "  convert IN OUT [CONVERT OPTIONS]                rewrite a dataset in another format\n"
            "  head FILE [-n N] [-t WIDTH] [-o key=value]...  show the first N rows (default 20)\n"
            "  schema FILE [-o key=value]...                   print the schema Spark-style\n"
            "  count FILE [-o key=value]...                    count the rows\n"
            "  version                                         print the version\n"
            "\n"
            "distributed (MPI, docs/mpi.md): mpirun -n N smelt run|sql ...; or\n"
            "  run|sql ... --ranks N [--hosts H1,H2 | --hostfile FILE]\n"
            "                         start N processes under mpirun (the same output)\n"
            "  run ... --checkpoint DIR [--resume] [--retries N]\n"
            "                         keep each stage in DIR; continue a failed run from there\n"
            "                         (also on another number of ranks); retry on failure\n"
            "\n"
            "sql and shell options:\n"
            "  -e QUERY               the statements to run (same as the QUERY argument)\n"
            "  -f FILE                read statements from FILE ('-' for standard input)\n"
            "  --format FMT           table | tsv | csv | json  (default: table on a terminal,\n"
            "                         else tsv as spark-sql prints: TAB-separated, NULL for null)\n"
            "  --header               tsv: print the column names first\n"
            "  --schema               print the result's schema (struct<name:type,...>) first\n"
            "  --last-only            print only the last statement's result; earlier failures\n"
            "                         are reported on stderr and the run goes on (the protocol\n"
            "                         of ../shared/conformance/run_spark_golden.py --mode query)\n"
            "  --truncate N           table: cut cells to N characters (default 0: never)\n"
            "  --conf KEY=VALUE       a session setting (repeatable), e.g.\n"
            "                         --conf spark.sql.session.timeZone=America/Los_Angeles\n"
            "  --warehouse DIR        the catalog's warehouse (default ./smelt-warehouse or\n"
            "                         $SMELT_HOME)\n"
            "  --time                 sql: print \"Time taken: ...\" on stderr after each statement\n"
            "  --memory-limit SIZE    memory budget of a query, e.g. 512m, 2g (default: 60%% of\n"
            "                         RAM; setting smelt.memory.limit, env SMELT_MEMORY_LIMIT);\n"
            "                         past it aggregations spill to temporary files in $TMPDIR\n"
            "  --event-log FILE       append JSON lines per job, stage, task and operator\n"
            "                         to FILE (docs/event-log.md; also the settings\n"
            "                         spark.eventLog.enabled=true and spark.eventLog.dir)\n"
            "\n"
            "convert options:\n"
            "  --from FMT, --to FMT   csv | parquet | json (default: from the extensions:\n"
            "                         data.csv, out.parquet, x.json/.jsonl/.ndjson, or a\n"
            "                         directory's first data file)\n"
            "  --header, --no-header  CSV input and output have a header line (default: yes)\n"
            "  --infer-schema, --no-infer-schema\n"
            "                         infer CSV input types (default: yes) or read strings\n"
            "  --sep C                CSV field delimiter, both sides (default ,)\n"
            "  --schema DDL           the input schema, e.g. \"id INT, name STRING\"\n"
            "  --compression CODEC    parquet: snappy (default), zstd, gzip, lz4, lz4_raw,\n"
            "                         brotli, none; csv and json: none (default), gzip,\n"
            "                         bzip2, zstd, deflate, lz4, snappy (default: from OUT's\n"
            "                         suffix: out.csv.gz, out.json.zst, out.csv.bz2)\n"
            "  --partition-by COLS    write Hive-style COL=value directories (\"year,region\")\n"
            "  --mode MODE            errorifexists (default), overwrite, append, ignore\n"
            "  --overwrite            same as --mode overwrite\n"
            "  -o key=value           any reader option (Spark's names); -w key=value: writer\n"
            "OUT is a directory of part files and _SUCCESS, committed atomically.\n"
            "\n"
            "FILE for head/schema/count (and IN) is a file, a directory or a glob, CSV,\n"
            "Parquet or JSON lines by extension (--from FMT to say); anything else is read\n"
            "as CSV.\n"
            "Options are Spark's reader options (for CSV header, inferSchema, sep, quote,\n"
            "escape, nullValue, mode, ...); CSV header and inferSchema default to true there.\n"
            "\n"
            "examples:\n"
            "  smelt sql \"CREATE TEMP VIEW t USING csv OPTIONS (path 'data/', header true,\n"
            "             inferSchema true); SELECT count(*) FROM t\"\n"
            "  smelt sql --format csv -f report.sql > report.csv\n"
            "  smelt convert raw/ out.parquet --partition-by country\n"
            "  smelt head out.parquet -n 5\n"
            "  smelt shell --conf spark.sql.ansi.enabled=true\n");
}

static int dispatch(int argc, char **argv);

/* Under an MPI launcher every rank runs the same command (docs/mpi.md);
 * `--ranks N` starts the launcher itself (launch.c). */
int main(int argc, char **argv) {
    int rrc = cli_retry(argc, argv); /* run --retries N: a supervisor (retry.c) */
    if (rrc >= 0) return rrc;
    int lrc = cli_launch_ranks(&argc, argv);
    if (lrc >= 0) return lrc;
    if (sm_dist_init(&argc, &argv) != 0) {
        fprintf(stderr, "smelt: %s\n", sm_last_error());
        return 1;
    }
    if (cli_rank_setup() != 0) sm_dist_abort(1);
    if (sm_dist_size() > 1 && argc > 1 && strcmp(argv[1], "run") && strcmp(argv[1], "sql")) {
        /* the shell reads a terminal that only rank 0 has; file commands are local */
        if (sm_dist_rank() == 0)
            fprintf(stderr, "smelt: '%s' runs on one process; under mpirun use 'smelt run' or 'smelt sql'\n",
                    argv[1]);
        sm_dist_finalize();
        return 2;
    }
    int status = dispatch(argc, argv);
    if (sm_dist_size() > 1) {
        /* every rank ends with the same status; a rank that failed alone
         * makes the others fail with its message */
        if (sm_dist_step_end(status ? 1 : 0) != 0 && status == 0) {
            fprintf(stderr, "smelt: %s\n", sm_last_error());
            status = 1;
        }
    }
    sm_dist_finalize();
    return status;
}

static int dispatch(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("smelt %s\n", SMELT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "sql") == 0) return cli_cmd_sql(argc - 2, argv + 2);
    if (strcmp(cmd, "shell") == 0) return cli_cmd_shell(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0) return cli_cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "convert") == 0) return cli_cmd_convert(argc - 2, argv + 2);
    if (strcmp(cmd, "head") == 0 || strcmp(cmd, "schema") == 0 || strcmp(cmd, "count") == 0)
        return cli_cmd_file(cmd, argc - 2, argv + 2);
    fprintf(stderr, "smelt: unknown command '%s'; see 'smelt --help'\n", cmd);
    return 2;
}
