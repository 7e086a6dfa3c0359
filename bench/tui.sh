#!/usr/bin/env bash
# The TUI's cost, measured (issue 8 goals: idle CPU under 1% of a core at a 2 s interval,
# under 5 ms a frame for 1,000 interfaces):
#   1. idle CPU (user+sys of the process, from /proc) of the release binary in a tmux pane,
#      over $SECONDS_IDLE seconds (default 30), in three situations: `mibscope demo` on its
#      interfaces view (simulated switch in-process, 57 interfaces polled every 2 s), the
#      same demo on the MIB browser (nothing polled), and `mibscope tui` on the interfaces
#      of a separate agent serving 1,000 interfaces (the agent's CPU shown apart);
#   2. peak RSS (VmHWM) of each;
#   3. the time to draw one whole 1,000-interface frame and to take in one poll
#      (`cargo bench --bench tui_render`).
# usage: bench/tui.sh            env: SECONDS_IDLE (30), SKIP_CRITERION=1, MIBSCOPE (binary)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
idle=${SECONDS_IDLE:-30}
command -v tmux >/dev/null || apt-get install -y -q tmux >/dev/null
mibscope=${MIBSCOPE:-$here/target/release/mibscope}
if [ -z "${MIBSCOPE:-}" ]; then (cd "$here" && cargo build --release -q); fi

work=$(mktemp -d)
sock=$work/tmux.sock
agent_pid=
cleanup() {
  tmux -S "$sock" kill-server 2>/dev/null || true
  for f in "$work"/*.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

tck=$(getconf CLK_TCK)
runs=0
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
percent() { awk -v t="$1" -v hz="$tck" -v s="$idle" 'BEGIN { printf "%.2f", t * 100 / (hz * s) }'; }
hwm() { awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }

# run NAME KEYS ARGS...: mibscope ARGS in a 160x48 pane, KEYS sent after 4 s, CPU measured
# over $idle s after 2 s more.
run() {
  local name=$1 keys=$2; shift 2
  runs=$((runs + 1))
  local pidfile=$work/run$runs.pid
  tmux -S "$sock" -f /dev/null new-session -d -x 160 -y 48 \
    "sh -c 'echo \$\$ > $pidfile; exec $mibscope $*'"
  sleep 4
  [ -n "$keys" ] && tmux -S "$sock" send-keys $keys
  sleep 2
  local pid; pid=$(cat "$pidfile")
  local before agent_before; before=$(cpu_ticks "$pid")
  [ -n "$agent_pid" ] && agent_before=$(cpu_ticks "$agent_pid")
  sleep "$idle"
  local after; after=$(cpu_ticks "$pid")
  local line
  line=$(printf "%-46s CPU %5s%% of a core   peak RSS %s" "$name" "$(percent $((after - before)))" "$(hwm "$pid")")
  if [ -n "$agent_pid" ]; then
    line="$line   (agent: CPU $(percent $(($(cpu_ticks "$agent_pid") - agent_before)))%, RSS $(hwm "$agent_pid"))"
  fi
  echo "$line"
  tmux -S "$sock" capture-pane -p | sed -n 2p | sed -e 's/ *$//' -e 's/^/    screen: /'
  tmux -S "$sock" kill-server 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  sleep 1
}

echo "idle CPU over ${idle} s (release build, 2 s interval, tmux 160x48):"
run "demo, interfaces view (57, polled)" ""  demo
run "demo, MIB browser (nothing polled)" "1" demo

# A separate agent with 1,000 interfaces (generated snapshot: ifTable + ifXTable, moving).
snapshot=$work/if1000.snapshot
awk 'BEGIN {
  print ".1.3.6.1.2.1.1.1.0 STRING \"bench: 1000 interfaces\""
  print ".1.3.6.1.2.1.1.3.0 Timeticks uptime"
  print ".1.3.6.1.2.1.1.5.0 STRING bench-1000"
  for (i = 1; i <= 1000; i++) {
    e = ".1.3.6.1.2.1.2.2.1."; x = ".1.3.6.1.2.1.31.1.1.1."
    printf "%s1.%d INTEGER %d\n%s2.%d STRING \"Ethernet%d\"\n%s3.%d INTEGER 6\n", e, i, i, e, i, i, e, i
    printf "%s5.%d Gauge32 1000000000\n%s7.%d INTEGER 1\n%s8.%d INTEGER %d\n", e, i, e, i, e, i, (i % 9 ? 1 : 2)
    printf "%s9.%d Timeticks 0\n", e, i
    for (c = 10; c <= 20; c++) if (c != 15) printf "%s%d.%d Counter32 %d rate=%d\n", e, c, i, i * 1000, (c % 5 + 1) * (i % 50 + 1) * 100
    printf "%s1.%d STRING \"Et%d\"\n%s15.%d Gauge32 1000\n%s18.%d STRING \"port %d\"\n%s19.%d Timeticks 0\n", x, i, i, x, i, x, i, i, x, i
    for (c = 2; c <= 5; c++) printf "%s%d.%d Counter32 %d rate=%d\n", x, c, i, i, (i % 10 + 1) * 10
    for (c = 6; c <= 13; c++) printf "%s%d.%d Counter64 %d rate=%d\n", x, c, i, i * 100000, (c % 4 + 1) * (i % 50 + 1) * 1000
  }
}' > "$snapshot"
port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$mibscope" agent --snapshot "$snapshot" --listen "127.0.0.1:$port" -q >/dev/null &
agent_pid=$!
sleep 1
run "tui, interfaces view (1,000 polled, separate agent)" "2" tui -v2c -c public "udp:127.0.0.1:$port"
kill "$agent_pid" 2>/dev/null || true
agent_pid=

if [ -z "${SKIP_CRITERION:-}" ]; then
  echo
  echo "frame and poll times (cargo bench --bench tui_render):"
  (cd "$here" && cargo bench -q --bench tui_render -- --warm-up-time 1 --measurement-time 3 2>/dev/null) |
    grep -E '^interfaces|time:' | sed 's/^/  /'
fi
