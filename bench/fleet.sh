#!/usr/bin/env bash
# A fleet of simulated agents in one process (the embedded 48-port switch, one socket per
# loopback address 127.1.X.Y:1161), polled by `mibscope poll` (system group, ifTable and
# ifXTable with rates) every INTERVAL for ROUNDS rounds; then the same fleet scraped through
# `mibscope exporter` at the same rate (module in bench/lib/fleet-generator.yml), as
# Prometheus would. Prints CPU (cores), peak memory, failures and late rounds. Goals
# (issue 9): 1,000 agents every 10 s, under half a core, no late round.
#
# usage: bench/fleet.sh
# env:  AGENTS (1000), INTERVAL (10), ROUNDS (5), CONCURRENCY (64 scrapes at once),
#       MIBSCOPE (binary path), BENCH_RESULTS (file: rows for bench/run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
agents=${AGENTS:-1000}; interval=${INTERVAL:-10}; rounds=${ROUNDS:-5}; conc=${CONCURRENCY:-64}
mibscope=${MIBSCOPE:-$here/target/release/mibscope}
if [ -z "${MIBSCOPE:-}" ]; then (cd "$here" && cargo build --release -q); fi
command -v python3 >/dev/null || apt-get install -y -q python3 >/dev/null
[ -x /usr/bin/time ] || apt-get install -y -q time >/dev/null
ulimit -n $((agents * 2 + 1024)) 2>/dev/null || ulimit -n 4096
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

listen=()
: > "$work/targets.txt"
printf 'timeout: 2s\nretries: 1\ntargets:\n' > "$work/targets.yml"
for i in $(seq 0 $((agents - 1))); do
  addr="127.1.$((i / 250)).$((i % 250 + 1)):1161"
  listen+=(--listen "$addr")
  echo "$addr" >> "$work/targets.txt"
  echo "  - agent: $addr" >> "$work/targets.yml"
done
"$mibscope" agent --quiet "${listen[@]}" > "$work/agent.out" 2>"$work/agent.err" & pids+=($!); agent_pid=$!
for _ in $(seq 300); do [ "$(grep -c '^udp' "$work/agent.out" 2>/dev/null)" -ge "$agents" ] && break; sleep 0.1; done
[ "$(grep -c '^udp' "$work/agent.out")" -ge "$agents" ] || { echo "the agent did not bind $agents addresses: $(tail -3 "$work/agent.err")"; exit 1; }

echo "$agents simulated agents (48-port switch, 57 interfaces each); $rounds rounds every $interval s; load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
echo "== mibscope poll (system, ifTable, ifXTable: 14 columns x 57 rows per agent per round)"
/usr/bin/time -f "%e %U %S %M" -o "$work/poll.time" \
  "$mibscope" poll --interval "$interval" --rounds "$rounds" "$work/targets.yml" > "$work/poll.jsonl" 2> "$work/poll.err"
read -r wall user sys rss < "$work/poll.time"
python3 - "$work/poll.jsonl" "$agents" "$rounds" <<'PY'
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1])]
agents, rounds = int(sys.argv[2]), int(sys.argv[3])
by_round = collections.defaultdict(list)
for l in lines:
    by_round[l["round"]].append(l)
for r in sorted(by_round):
    ls = by_round[r]
    ok = sum(1 for l in ls if l.get("ok"))
    reasons = collections.Counter(l.get("reason") for l in ls if not l.get("ok"))
    slowest = max((l.get("duration_ms", 0) for l in ls), default=0)
    print(f"round {r}: {len(ls)} lines, {ok} ok, failed {dict(reasons) or 0}, slowest poll {slowest:.0f} ms")
late = sum(1 for l in lines if l.get("reason") in ("late", "deadline"))
print(f"lines {len(lines)} of {agents * rounds}; late or cut at the deadline: {late}")
PY
poll_cores=$(awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", (u + s) / w }')
echo "poller: $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s CPU over $wall s = $poll_cores cores; peak RSS $((rss / 1024)) MB"

echo "== mibscope exporter, every agent scraped every $interval s ($conc scrapes at once)"
MIBSCOPE_CACHE_DIR= "$mibscope" exporter --listen 127.0.0.1:0 --config "$here/bench/lib/fleet-generator.yml" -M "$here/mibs" >"$work/exp.out" 2>"$work/exp.err" & pids+=($!); exp_pid=$!
for _ in $(seq 100); do grep -q listening "$work/exp.out" 2>/dev/null && break; sleep 0.1; done
exp_addr=$(sed -n 's/.*http:\/\/\([^ ]*\).*/\1/p' "$work/exp.out" | head -1)
python3 "$here/bench/lib/fleet_scrape.py" "$exp_pid" "http://$exp_addr" fleet "$rounds" "$interval" "$conc" "$work/targets.txt" | tee "$work/exp.summary"
exp_cores=$(sed -n 's/.* = \([0-9.]*\) cores.*/\1/p' "$work/exp.summary")
if [ -n "${BENCH_RESULTS:-}" ]; then
  printf 'poll %s agents every %s s (cores)\t%s\t\tcores\tlower\n' "$agents" "$interval" "$poll_cores" >> "$BENCH_RESULTS"
  printf 'poll %s agents peak memory\t%s\t\tMB\tlower\n' "$agents" "$((rss / 1024))" >> "$BENCH_RESULTS"
  printf 'exporter %s agents every %s s (cores)\t%s\t\tcores\tlower\n' "$agents" "$interval" "$exp_cores" >> "$BENCH_RESULTS"
fi
echo "(the simulated agents' own CPU is not counted: they run in their own process, pid $agent_pid)"
