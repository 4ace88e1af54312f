#!/usr/bin/env bash
# Runs the test suite with the PostgreSQL tests on: starts a throwaway PostgreSQL
# cluster (a data directory under a temporary folder, listening on 127.0.0.1 only, on a
# private port, trust authentication), runs `cargo test` with CASELOAD_TEST_PG naming
# it, then stops the cluster and removes it, whatever happened.
#
#   scripts/pg-test.sh                     # the whole suite
#   scripts/pg-test.sh postgres            # arguments go to `cargo test`
#
# Needs PostgreSQL 15 or later (initdb and pg_ctl): PG_BIN, else pg_config --bindir,
# else the newest /usr/lib/postgresql/*/bin. initdb refuses to run as root, so as root
# the cluster belongs to `nobody` (or PG_TEST_USER).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${PG_BIN:-}
if [ -z "$bin" ] && command -v pg_config >/dev/null; then
    bin=$(pg_config --bindir)
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "pg-test: no PostgreSQL found: install it (apt-get install postgresql) or set PG_BIN" >&2
    exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/caseload-pg.XXXXXX")
as=()
if [ "$(id -u)" = 0 ]; then
    owner=${PG_TEST_USER:-nobody}
    chown "$owner" "$dir"
    as=(runuser -u "$owner" --)
fi
stop() {
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bin/initdb" -D "$dir/data" -U caseload_test --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
started=
for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir \
            -c fsync=off -c max_connections=200" start; then
        started=1
        break
    fi
done
[ -n "$started" ] || { cat "$dir/server.log" >&2; exit 1; }

export CASELOAD_TEST_PG="postgres://caseload_test@127.0.0.1:$port/postgres"
# For tests that start a cluster of their own (tests/integration/postgres_tls.rs).
export CASELOAD_TEST_PG_BIN=$bin
[ "$(id -u)" = 0 ] && export CASELOAD_TEST_PG_OWNER=$owner
echo "pg-test: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (removed afterwards)"
cargo test "$@"
