#!/bin/sh
# Scroll regions stay correct through real terminals: the real binary on the Caseload
# view, 30 `j` then a seeded random walk of 300 keys (j k J K arrows, page keys), once
# with scroll regions and once with `scroll_regions = false`, run in a tmux pane
# directly, inside GNU screen (TERM=screen) and over `ssh -t` to a throwaway sshd on
# 127.0.0.1 (needs root for sshd: it is skipped otherwise). tmux's `capture-pane -e`
# of the final screen, colours included, must be the same with and without scroll
# regions; the bytes written for the walk are printed beside it.
#
#   scripts/terminal-check.sh DB [BINARY] [SEED]
#
# DB is a demo database (`caseload demo --clients 10000 --no-tui --today 23/11/2026
# --db DB`; not committed). Exits non-zero if any final screen differs.
set -eu
db=$(readlink -f "$1")
bin=$(readlink -f "${2:-target/release/caseload}")
seed=${3:-16}
work=$(mktemp -d /tmp/terminal-check.XXXXXX)
sock=$work/tmux.sock
sshd_pid=
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null || true
    [ -z "$sshd_pid" ] || kill "$sshd_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/on/caseload" "$work/off/caseload" "$work/state"
: > "$work/on/caseload/config.toml"
echo 'scroll_regions = false' > "$work/off/caseload/config.toml"
awk -v seed="$seed" 'BEGIN {
    srand(seed); split("j k J K Down Up PageDown PageUp j j", keys, " ");
    for (i = 0; i < 300; i++) print keys[int(rand() * 10) + 1] }' > "$work/keys"

wait_for() {
    tries=0
    until tmux -S "$sock" capture-pane -p 2>/dev/null | grep -q "$1"; do
        tries=$((tries + 1))
        [ "$tries" -lt 3000 ] || { echo "timed out waiting for $1" >&2; exit 1; }
        sleep 0.02
    done
}

# walk NAME COMMAND: runs COMMAND (the binary, however reached) and walks the keys;
# leaves the final screen in $work/NAME.screen and the bytes in $work/NAME.bytes.
walk() {
    name=$1 command=$2
    tmux -S "$sock" new-session -d -x 80 -y 24 "$command"
    wait_for 'things to do'
    sleep 1
    tmux -S "$sock" send-keys 3
    wait_for 'Caseload'
    : > "$work/$name.out"
    tmux -S "$sock" pipe-pane -O "cat >> $work/$name.out"
    i=0
    while [ $i -lt 30 ]; do tmux -S "$sock" send-keys j; sleep 0.01; i=$((i + 1)); done
    while read -r key; do tmux -S "$sock" send-keys "$key"; sleep 0.01; done < "$work/keys"
    sleep 1
    tmux -S "$sock" pipe-pane
    # The status line's clock ("read 09:30") is the only text that may differ.
    tmux -S "$sock" capture-pane -e -p | sed 's/read [0-9][0-9]:[0-9][0-9]/read HH:MM/' \
        > "$work/$name.screen"
    wc -c < "$work/$name.out" > "$work/$name.bytes"
    tmux -S "$sock" kill-server
    sleep 0.3
}

run="$bin --db $db --today 2026-11-23 --scope all"
failed=0
compare() {
    terminal=$1
    if ! grep -q 'C-[0-9]' "$work/$terminal-on.screen"; then
        verdict="WITHOUT ROWS (the walk did not reach the list)"
        failed=1
    elif cmp -s "$work/$terminal-on.screen" "$work/$terminal-off.screen"; then
        verdict=same
    else
        verdict=DIFFERENT
        failed=1
        diff "$work/$terminal-off.screen" "$work/$terminal-on.screen" | head -20 >&2 || true
    fi
    echo "$terminal: final screen $verdict with and without scroll regions;" \
        "bytes $(cat "$work/$terminal-on.bytes") against $(cat "$work/$terminal-off.bytes")"
}

for mode in on off; do
    walk "tmux-$mode" "env XDG_CONFIG_HOME=$work/$mode XDG_STATE_HOME=$work/state $run"
done
compare tmux

if command -v screen > /dev/null; then
    for mode in on off; do
        walk "screen-$mode" "env TERM=xterm-256color screen -q -e ^Tt env XDG_CONFIG_HOME=$work/$mode XDG_STATE_HOME=$work/state $run"
    done
    compare screen
else
    echo "screen: not installed, skipped"
fi

if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/sshd ]; then
    mkdir -p /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$work/host"
    ssh-keygen -q -t ed25519 -N '' -f "$work/user"
    cp "$work/user.pub" "$work/authorized"
    port=$((20000 + $$ % 10000))
    /usr/sbin/sshd -D -f /dev/null -p "$port" -o ListenAddress=127.0.0.1 \
        -o HostKey="$work/host" -o AuthorizedKeysFile="$work/authorized" \
        -o StrictModes=no -o PasswordAuthentication=no -o PermitRootLogin=prohibit-password \
        -o PidFile="$work/sshd.pid" &
    sshd_pid=$!
    sleep 1
    ssh="ssh -t -q -i $work/user -p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1"
    for mode in on off; do
        walk "ssh-$mode" "$ssh env TERM=xterm-256color XDG_CONFIG_HOME=$work/$mode XDG_STATE_HOME=$work/state $run"
    done
    compare ssh
else
    echo "ssh: needs root and /usr/sbin/sshd, skipped"
fi
exit $failed
