#!/bin/sh
# Time from process start to the first rows on screen, per scope, on the real binary
# in a tmux pseudo-terminal (80x24), and the peak memory of `export caseload`.
#
#   scripts/first-rows.sh DB [BINARY]
#
# DB is a demo database (`caseload demo --clients 100000 --no-tui --today 23/11/2026
# --db DB`; not committed). The screen is polled every 10 ms, so figures are accurate
# to about 10 ms. The OS login must be a worker in DB for the scopes mine and area.
set -eu
db=$1
bin=${2:-target/release/caseload}
sock=$(mktemp -u /tmp/first-rows.XXXXXX)
now_ms() { date +%s%3N; }
for scope in mine area all; do
    for run in 1 2 3; do
        start=$(now_ms)
        tmux -S "$sock" new-session -d -x 80 -y 24 \
            "$bin --db $db --today 2026-11-23 --scope $scope"
        until tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q 'things to do'; do
            sleep 0.01
        done
        echo "scope $scope run $run: first rows after $(( $(now_ms) - start )) ms"
        tmux -S "$sock" kill-server
        sleep 0.5
    done
done
out=$(mktemp -u /tmp/first-rows-export.XXXXXX)
/usr/bin/time -f "export caseload: peak %M KiB in %e s" \
    "$bin" --db "$db" export caseload -o "$out"
rm -f "$out"
