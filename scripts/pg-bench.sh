#!/usr/bin/env bash
# Issue 17's figures on PostgreSQL, side by side with SQLite's on the same data:
# keystroke-to-frame (`cargo bench --bench tui`), first rows per scope
# (scripts/first-rows.sh) and 16 concurrent writers for 60 s (`cargo bench --bench
# writers`: acknowledged against present, zero lost), each on both engines.
#
#   scripts/pg-bench.sh [PARTS...]     # tui first-rows writers (default: all three)
#
# CLIENTS (default 100000) picks the size: the SQLite demo database (seed 2014, today
# 23/11/2026) is made once in target/bench-dbs/ as scripts/bench.sh makes it, and
# reused; it is not committed. A throwaway PostgreSQL cluster (scripts/pg-cluster.sh:
# 127.0.0.1, a private port, a temporary folder, as `nobody` when root; fsync on, the
# defaults otherwise) gets a copy of it by `caseload migrate`, and is stopped and
# removed afterwards, whatever happened. The writers write to copies (the SQLite file's
# in a temporary folder), never to the database the other parts read. CASELOAD_WRITERS
# and CASELOAD_WRITERS_SECONDS (16 and 60) set the writers run; BIN the binary.
# Every part prints the load average: run it on an otherwise idle machine. A part that
# fails (a writers run that lost an acknowledged save among them) does not stop the
# others; the script then ends with status 1, naming it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-target/release/caseload}
clients=${CLIENTS:-100000}
[ $# -gt 0 ] || set -- tui first-rows writers
[ -x "$bin" ] || { echo "pg-bench: build it first: cargo build --release" >&2; exit 1; }
load() { uptime | sed 's/.*load average: //'; }
export CASELOAD_WRITERS=${CASELOAD_WRITERS:-16}
export CASELOAD_WRITERS_SECONDS=${CASELOAD_WRITERS_SECONDS:-60}

mkdir -p target/bench-dbs
chmod 700 target/bench-dbs
db=target/bench-dbs/demo-$clients.db
if [ ! -f "$db" ]; then
    echo "generating $db ($clients clients)..."
    "$bin" demo --clients "$clients" --no-tui --today 23/11/2026 --db "$db" > /dev/null
fi

scratch=$(mktemp -d /tmp/pg-bench.XXXXXX)
. scripts/pg-cluster.sh
trap 'pg_cluster_stop; rm -rf "$scratch"' EXIT
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port, $(nproc) cores, $("$bin" --version)"
url=${pg_url%/postgres}/bench
"$pg_bin/psql" -q -d "$pg_url" -c "CREATE DATABASE bench"
started=$(date +%s)
"$bin" migrate --from "$db" --to "$url" > "$scratch/migrate.log"
echo "migrated $db to PostgreSQL in $(( $(date +%s) - started )) s (load $(load))"
"$pg_bin/psql" -q -d "$url" -c "VACUUM ANALYZE"

failed=()
for part in "$@"; do
    case $part in
    tui)
        for target in "$db" "$url"; do
            echo "== keystroke to frame on $target (load $(load))"
            CASELOAD_BENCH_DB=$target cargo bench -q --bench tui || failed+=("tui on $target")
            echo "(load $(load))"
        done
        ;;
    first-rows)
        for target in "$db" "$url"; do
            echo "== first rows on $target"
            scripts/first-rows.sh "$target" "$bin" || failed+=("first rows on $target")
        done
        ;;
    writers)
        cp "$db" "$scratch/writers.db"
        [ ! -f "$db-wal" ] || cp "$db-wal" "$scratch/writers.db-wal"
        for target in "$scratch/writers.db" "$url"; do
            echo "== $CASELOAD_WRITERS writers for $CASELOAD_WRITERS_SECONDS s on $target (load $(load))"
            CASELOAD_BENCH_DB=$target cargo bench -q --bench writers || failed+=("writers on $target")
            echo "(load $(load))"
        done
        ;;
    *)
        echo "pg-bench: no part $part (tui, first-rows, writers)" >&2
        exit 1
        ;;
    esac
done
if [ ${#failed[@]} -gt 0 ]; then
    printf 'pg-bench: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
