#!/bin/sh
# Issue 16's figures on the real binary in pseudo-terminals, side by side with
# VisiData when `vd` is installed (`pip install visidata`): first rows per scope and the
# export's peak memory at 10,000, 100,000 and 300,000 clients (scripts/first-rows.sh),
# then bytes per scroll step at 80x24 and 200x50 (scripts/scroll-bytes.sh, 10,000).
#
#   scripts/bench.sh [BINARY] [CLIENTS...]      # default: the release build; 10000 100000 300000
#
# The demo databases are generated on demand (seed 2014, today 23/11/2026) into
# target/bench-dbs/ and reused; they are not committed (300,000 clients is about 800 MB
# and takes minutes to make). Run it on an otherwise idle machine: every figure is
# printed with the load average beside it.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-target/release/caseload}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 10000 100000 300000
[ -x "$bin" ] || { echo "bench: build it first: cargo build --release" >&2; exit 1; }
mkdir -p target/bench-dbs
chmod 700 target/bench-dbs
version=$("$bin" --version | tr -c 'a-zA-Z0-9.\n' '-')
for clients in "$@"; do
    db=target/bench-dbs/demo-$clients.db
    if [ ! -f "$db" ]; then
        echo "generating $db ($clients clients)..."
        "$bin" demo --clients "$clients" --no-tui --today 23/11/2026 --db "$db" > /dev/null
    fi
    echo "== $clients clients ($version, $(nproc) cores)"
    scripts/first-rows.sh "$db" "$bin"
done
db=target/bench-dbs/demo-10000.db
[ -f "$db" ] || "$bin" demo --clients 10000 --no-tui --today 23/11/2026 --db "$db" > /dev/null
echo "== bytes per scroll step, 10000 clients (load $(uptime | sed 's/.*load average: //'))"
scripts/scroll-bytes.sh "$db" "$bin"
