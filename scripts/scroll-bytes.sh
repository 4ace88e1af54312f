#!/bin/sh
# Bytes the real binary writes per `j` once the selection is at the bottom edge of the
# Caseload list, in a tmux pseudo-terminal (tmux `pipe-pane`), at 80x24 and 200x50,
# with scroll regions and with `scroll_regions = false`; then VisiData on the same
# caseload exported as CSV, when `vd` is installed (`pip install visidata`).
#
#   scripts/scroll-bytes.sh DB [BINARY] [STEPS]
#
# DB is a demo database (`caseload demo --clients 10000 --no-tui --today 23/11/2026
# --db DB`; not committed) in a directory only you can write to. Each `j` is sent on its own and waited for, so each is
# one frame.
set -eu
db=$1
bin=${2:-target/release/caseload}
steps=${3:-200}
work=$(mktemp -d /tmp/scroll-bytes.XXXXXX)
sock=$work/tmux.sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/on/caseload" "$work/off/caseload"
: > "$work/on/caseload/config.toml"
echo 'scroll_regions = false' > "$work/off/caseload/config.toml"

# measure NAME WIDTH HEIGHT READY KEYS... : starts the command in $command, waits
# for READY on the screen, presses KEYS, goes HEIGHT rows down, then records $steps j.
measure() {
    name=$1 width=$2 height=$3 ready=$4
    shift 4
    tmux -S "$sock" new-session -d -x "$width" -y "$height" "$command"
    until tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q "$ready"; do
        tmux -S "$sock" has-session 2>/dev/null || { echo "$command ended early" >&2; exit 1; }
        sleep 0.05
    done
    for key in "$@"; do tmux -S "$sock" send-keys "$key"; done
    i=0
    while [ $i -lt "$height" ]; do tmux -S "$sock" send-keys j; i=$((i + 1)); done
    sleep 1
    out=$work/out
    : > "$out"
    tmux -S "$sock" pipe-pane -O "cat >> $out"
    i=0
    while [ $i -lt "$steps" ]; do
        tmux -S "$sock" send-keys j
        sleep 0.02
        i=$((i + 1))
    done
    sleep 1
    tmux -S "$sock" pipe-pane
    bytes=$(wc -c < "$out")
    echo "${width}x${height} $name: $bytes bytes for $steps j, $((bytes / steps)) per j"
    tmux -S "$sock" kill-server
    sleep 0.5
}

for size in "80 24" "200 50"; do
    set -- $size
    for mode in on off; do
        command="env XDG_CONFIG_HOME=$work/$mode XDG_STATE_HOME=$work/state $bin --db $db --today 2026-11-23 --scope all"
        measure "caseload, scroll regions $mode" "$1" "$2" 'things to do' 3
    done
    if command -v vd > /dev/null; then
        [ -f "$work/caseload.csv" ] || "$bin" --db "$db" export caseload -o "$work/caseload.csv"
        command="vd $work/caseload.csv"
        measure "VisiData" "$1" "$2" 'caseload'
    fi
done
