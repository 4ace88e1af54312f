#!/bin/sh
# Time from process start to the first rows on screen, per scope, on the real binary
# in a tmux pseudo-terminal (80x24); VisiData's first row of the same caseload as CSV
# when `vd` is installed (`pip install visidata`); and the peak memory of `export
# caseload`. Each figure is printed with the load average (`uptime`) at the time.
#
#   scripts/first-rows.sh DB [BINARY] [RUNS] [SORTS]
#
# With SORTS (sort orders, e.g. "name ref co-ordinator status 13-week last-contact
# next-date", each optionally followed by ":rev"), only the Caseload view is measured:
# per scope and order, `3` and the sort keys (`s`, `S`) are typed as the pane starts,
# and the time is to its first rows in that order.
#
# DB is a demo database (`caseload demo --clients 100000 --no-tui --today 23/11/2026
# --db DB`, or scripts/bench.sh, which makes it; not committed), or a `postgres://`
# URL of one (scripts/pg-bench.sh makes one with `caseload migrate`). The screen is polled
# every 10 ms, so figures are accurate to about 10 ms. The OS login must be a worker in
# DB for the scopes mine and area (the demo makes it the team leader). The first run of
# each scope may meet a cold page cache; the database is read once beforehand so that
# every run meets a warm one, as a team's server would.
set -eu
db=$1
bin=${2:-target/release/caseload}
runs=${3:-3}
sorts=${4:-}
work=$(mktemp -d /tmp/first-rows.XXXXXX)
sock=$work/tmux.sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
now_ms() { date +%s%3N; }
load() { uptime | sed 's/.*load average: //'; }
case $db in
    postgres://* | postgresql://*) ;; # the server's cache: warmed by the runs themselves
    *) cat "$db" > /dev/null ;;
esac

# first NAME READY COMMAND [KEYS]: starts COMMAND in an 80x24 pane, types KEYS into it
# at once, and waits until the screen shows READY (a grep -E pattern).
first() {
    name=$1 ready=$2 command=$3 keys=${4:-}
    run=1
    while [ "$run" -le "$runs" ]; do
        start=$(now_ms)
        tmux -S "$sock" new-session -d -x 80 -y 24 "$command"
        [ -z "$keys" ] || tmux -S "$sock" send-keys "$keys"
        until tmux -S "$sock" capture-pane -p 2>/dev/null | grep -Eq "$ready"; do
            tmux -S "$sock" has-session 2>/dev/null || { echo "$command ended early" >&2; exit 1; }
            sleep 0.01
        done
        echo "$name run $run: first rows after $(( $(now_ms) - start )) ms (load $(load))"
        tmux -S "$sock" kill-server
        sleep 0.5
        run=$((run + 1))
    done
}

if [ -n "$sorts" ]; then
    for sort in $sorts; do
        # The keys that sort the Caseload so: `s` steps through the orders from name.
        keys=3
        for name in name ref co-ordinator status 13-week last-contact next-date; do
            [ "$name" = "${sort%:rev}" ] && break
            keys=${keys}s
        done
        [ "$name" = "${sort%:rev}" ] || { echo "no sort order $sort" >&2; exit 1; }
        [ "$sort" = "${sort%:rev}" ] || keys=${keys}S
        for scope in mine area all; do
            # The Caseload title with a count: its first page, or the whole list.
            first "caseload --scope $scope, the Caseload by $sort" \
                'Caseload \([a-z ]+\): (the first )?[0-9,]+ clients' \
                "$bin --db $db --today 2026-11-23 --scope $scope" "$keys"
        done
    done
    exit 0
fi

# The floor: tmux starting a pane and the binary drawing its first frame (the tab bar,
# before any data).
first "caseload, first frame (no data yet)" '1 Today' \
    "$bin --db $db --today 2026-11-23 --scope all"
for scope in mine area all; do
    # The Today title with a row under it: "things to do" and a score.
    first "caseload --scope $scope" 'things to do' \
        "$bin --db $db --today 2026-11-23 --scope $scope"
done
for scope in mine area all; do
    # `2` at start: the Areas view, until its first area's row has its counts.
    first "caseload --scope $scope, the Areas counts" '[A-Za-z] +(yes|no) +[0-9]+ +[0-9]' \
        "$bin --db $db --today 2026-11-23 --scope $scope" 2
done
out=$work/caseload.csv
/usr/bin/time -f "export caseload: peak %M KiB in %e s (load $(load))" \
    "$bin" --db "$db" export caseload -o "$out"
if command -v vd > /dev/null; then
    # VisiData shows a row once a reference (C-123) is on screen.
    first "VisiData, the export as CSV" 'C-[0-9]+' "vd $out"
fi
