# Sourced by scripts/pg-test.sh and scripts/pg-bench.sh: starts a throwaway PostgreSQL
# cluster (a data directory under a temporary folder, listening on 127.0.0.1 only, on a
# private port, trust authentication) and sets
#   pg_bin   the folder of initdb, pg_ctl, psql...
#   pg_url   postgres://caseload_test@127.0.0.1:PORT/postgres (a superuser)
#   pg_dir   the temporary folder
# `pg_cluster_stop` stops it and removes the folder: the caller traps it on EXIT.
# PG_OPTS adds server settings (`-c name=value ...`).
#
# Needs PostgreSQL 15 or later (initdb and pg_ctl): PG_BIN, else pg_config --bindir,
# else the newest /usr/lib/postgresql/*/bin. initdb refuses to run as root, so as root
# the cluster belongs to `nobody` (or PG_TEST_USER).

pg_bin=${PG_BIN:-}
if [ -z "$pg_bin" ] && command -v pg_config >/dev/null; then
    pg_bin=$(pg_config --bindir)
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "no PostgreSQL found: install it (apt-get install postgresql) or set PG_BIN" >&2
    exit 1
fi

pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/caseload-pg.XXXXXX")
pg_as=()
if [ "$(id -u)" = 0 ]; then
    chown "${PG_TEST_USER:-nobody}" "$pg_dir"
    pg_as=(runuser -u "${PG_TEST_USER:-nobody}" --)
fi
pg_cluster_stop() {
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}

"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U caseload_test --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; pg_cluster_stop; exit 1; }
pg_started=
for _ in 1 2 3 4 5; do
    pg_port=$((20000 + RANDOM % 30000))
    if "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$pg_dir \
            -c max_connections=200 ${PG_OPTS:-}" start; then
        pg_started=1
        break
    fi
done
[ -n "$pg_started" ] || { cat "$pg_dir/server.log" >&2; pg_cluster_stop; exit 1; }
pg_url="postgres://caseload_test@127.0.0.1:$pg_port/postgres"
