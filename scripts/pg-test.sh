#!/usr/bin/env bash
# Runs the test suite with the PostgreSQL tests on: starts a throwaway PostgreSQL
# cluster (scripts/pg-cluster.sh: 127.0.0.1 only, a private port, a temporary folder),
# runs `cargo test` with CASELOAD_TEST_PG naming it, then stops the cluster and removes
# it, whatever happened.
#
#   scripts/pg-test.sh                     # the whole suite
#   scripts/pg-test.sh postgres            # arguments go to `cargo test`
#
# Needs PostgreSQL 15 or later (see scripts/pg-cluster.sh for where it is looked for).
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests need no durability: fsync off makes the suite faster.
PG_OPTS="-c fsync=off ${PG_OPTS:-}"
. scripts/pg-cluster.sh
trap pg_cluster_stop EXIT

export CASELOAD_TEST_PG="$pg_url"
# For tests that start a cluster of their own (tests/integration/postgres_tls.rs).
export CASELOAD_TEST_PG_BIN=$pg_bin
[ "$(id -u)" = 0 ] && export CASELOAD_TEST_PG_OWNER=${PG_TEST_USER:-nobody}
echo "pg-test: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (removed afterwards)"
cargo test "$@"
