#!/usr/bin/env bash
# `mibscope exporter` against Prometheus's snmp_exporter on the same agent and the same
# generator.yml (snmp_exporter's config made from it by its own generator, from this
# repository's mibs/): CPU (user+sys of the exporter process) and wall time per scrape of
# the if_mib and system modules, and the ratios. Goals (issue 9): CPU <= 0.1x, wall <= 0.5x
# for if_mib on a 500-interface agent.
#
# usage: bench/exporter.sh [AGENT]
#   AGENT defaults to the shared test bed (../shared/testbed, 500 interfaces, started on
#   udp:127.0.0.1:16161 if not running); without it, a plain snmpd on a free port.
# env:  RUNS (10 scrapes each), MODULES ("if_mib system"), MIBSCOPE (binary path),
#       BENCH_RESULTS (file: append tab-separated rows for bench/run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
modules=${MODULES:-"if_mib system"}
command -v prometheus-snmp-exporter >/dev/null || apt-get install -y -q prometheus-snmp-exporter >/dev/null
command -v python3 >/dev/null || apt-get install -y -q python3 >/dev/null
mibscope=${MIBSCOPE:-$here/target/release/mibscope}
if [ -z "${MIBSCOPE:-}" ]; then (cd "$here" && cargo build --release -q); fi

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

agent=${1:-}
if [ -z "$agent" ]; then
  testbed="$here/../shared/testbed"
  if [ -x "$testbed/start-agent" ]; then
    "$testbed/start-agent" >/dev/null
    agent=127.0.0.1:${TESTBED_AGENT_PORT:-16161}
  else
    command -v snmpd >/dev/null || apt-get install -y -q snmpd >/dev/null
    port=$(python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    printf 'agentaddress udp:127.0.0.1:%s\nrocommunity public 127.0.0.1\n' "$port" > "$work/snmpd.conf"
    SNMP_PERSISTENT_DIR=$work snmpd -f -C -c "$work/snmpd.conf" -Lf "$work/snmpd.log" -p "$work/snmpd.pid" & pids+=($!)
    sleep 1; agent=127.0.0.1:$port
  fi
fi

cp "$here/tests/fixtures/exporter/generator-0.21.yml" "$work/generator.yml"
(cd "$work" && MIBDIRS="$here/mibs" prometheus-snmp-generator generate >/dev/null 2>&1)
theirs_port=$(free_port)
prometheus-snmp-exporter --config.file="$work/snmp.yml" --web.listen-address=127.0.0.1:$theirs_port 2>"$work/theirs.log" & pids+=($!); theirs_pid=$!
MIBSCOPE_CACHE_DIR= "$mibscope" exporter --listen 127.0.0.1:0 --config "$work/generator.yml" -M "$here/mibs" >"$work/ours.out" 2>"$work/ours.log" & pids+=($!); ours_pid=$!
for _ in $(seq 100); do grep -q listening "$work/ours.out" 2>/dev/null && break; sleep 0.1; done
ours_addr=$(sed -n 's/.*http:\/\/\([^ ]*\).*/\1/p' "$work/ours.out" | head -1)
for _ in $(seq 100); do python3 -c "import urllib.request;urllib.request.urlopen('http://127.0.0.1:$theirs_port/')" 2>/dev/null && break; sleep 0.1; done

echo "agent $agent; $runs scrapes each, alternating; load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
printf '%-8s %9s %9s %9s %9s %7s %7s %8s\n' module "cpu ours" "cpu them" "wall ours" "wall them" cpu× wall× series
for module in $modules; do
  out=$(python3 "$here/bench/lib/scrape_cpu.py" "$runs" "$agent" "$module" \
    "ours=$ours_pid=http://$ours_addr" "theirs=$theirs_pid=http://127.0.0.1:$theirs_port")
  read -r _ co wo _ so < <(echo "$out" | grep '^ours ')
  read -r _ ct wt _ st < <(echo "$out" | grep '^theirs ')
  awk -v m="$module" -v co="$co" -v ct="$ct" -v wo="$wo" -v wt="$wt" -v so="$so" 'BEGIN {
    printf "%-8s %8.4fs %8.4fs %8.3fs %8.3fs %6.3fx %6.3fx %8d\n", m, co, ct, wo, wt, (ct > 0 ? co/ct : 0), wo/wt, so }'
  if [ -n "${BENCH_RESULTS:-}" ]; then
    printf 'exporter %s CPU/scrape\t%s\t%s\ts\tlower\n' "$module" "$co" "$ct" >> "$BENCH_RESULTS"
    printf 'exporter %s wall/scrape\t%s\t%s\ts\tlower\n' "$module" "$wo" "$wt" >> "$BENCH_RESULTS"
  fi
done
echo "(cpu: the exporter process's time on a CPU per scrape, mean; wall: median; peer: prometheus-snmp-exporter $(prometheus-snmp-exporter --version 2>&1 | head -1 | awk '{print $3}'))"
