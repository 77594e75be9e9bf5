#!/bin/sh
# smelt's SQL golden tests (tests/sql/**/*.sql with expected .sql.out from
# PySpark), picked up here by tests/run.sh.  See tests/sql/README.md.
exec "$(dirname "$0")/../sql/run_sql.sh" "$@"
