#!/usr/bin/env bash
# Walk the same agent with `mibscope bulkwalk` and Net-SNMP's `snmpbulkwalk` at the same -Cr
# and print wall time and CPU time (user+sys) of each, and the ratios (ours / Net-SNMP).
# Targets (issue 2): wall <= 1.0x, CPU <= 0.5x.
#
# usage: bench/bulkwalk.sh [AGENT] [COMMUNITY]
#   AGENT defaults to the shared test bed (../shared/testbed, 500 interfaces, started on
#   udp:127.0.0.1:16161 if not running); without it, a plain snmpd is started on a free port.
# env:  RUNS (default 5), WARMUP (1), CR (max-repetitions, default 25),
#       ROOTS (default ".1 .1.3.6.1.2.1.2.2 .1.3.6.1.2.1.31.1.1"), MIBSCOPE (binary path),
#       VERSION_ARGS (default "-v2c -c public"; e.g. "-v3 -u sha-aes -l authPriv -a SHA
#       -A sha-aes_authpass -x AES -X sha-aes_privpass" for the test bed's v3 user),
#       OUTPUT: numeric (default: both tools -m '' -On, no MIBs) or named (both tools load
#       Net-SNMP's default module list from this repository's mibs/ and print names)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}; warmup=${WARMUP:-1}; cr=${CR:-25}
roots=${ROOTS:-".1 .1.3.6.1.2.1.2.2 .1.3.6.1.2.1.31.1.1"}
version_args=${VERSION_ARGS:-"-v2c -c ${2:-public}"}
default_mibs=SNMPv2-MIB:IF-MIB:IP-MIB:TCP-MIB:UDP-MIB:HOST-RESOURCES-MIB:NOTIFICATION-LOG-MIB:DISMAN-EVENT-MIB:DISMAN-SCHEDULE-MIB:UCD-SNMP-MIB:UCD-DEMO-MIB:SNMP-TARGET-MIB:NET-SNMP-AGENT-MIB:HOST-RESOURCES-TYPES:SNMP-MPD-MIB:SNMP-USER-BASED-SM-MIB:SNMP-FRAMEWORK-MIB:SNMP-VIEW-BASED-ACM-MIB:SNMP-COMMUNITY-MIB:IPV6-ICMP-MIB:IPV6-MIB:IPV6-TCP-MIB:IPV6-UDP-MIB:IP-FORWARD-MIB:NET-SNMP-PASS-MIB:NET-SNMP-EXTEND-MIB:UCD-DLMOD-MIB:SNMP-NOTIFICATION-MIB:SNMPv2-TM:NET-SNMP-VACM-MIB
case ${OUTPUT:-numeric} in
  numeric) out_args="-m '' -On" ;;
  named) out_args="-M $here/mibs -m $default_mibs" ;;
  *) echo "OUTPUT must be numeric or named" >&2; exit 2 ;;
esac
command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
command -v snmpbulkwalk >/dev/null || apt-get install -y -q snmp >/dev/null
command -v jq >/dev/null || apt-get install -y -q jq >/dev/null

mibscope=${MIBSCOPE:-$here/target/release/mibscope}
if [ -z "${MIBSCOPE:-}" ]; then (cd "$here" && cargo build --release -q); fi

agent=${1:-}
cleanup=:
if [ -z "$agent" ]; then
  testbed="$here/../shared/testbed"
  if [ -x "$testbed/start-agent" ]; then
    "$testbed/start-agent" >/dev/null
    agent=udp:127.0.0.1:${TESTBED_AGENT_PORT:-16161}
  else
    command -v snmpd >/dev/null || apt-get install -y -q snmpd >/dev/null
    dir=$(mktemp -d); port=$(python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    printf 'agentaddress udp:127.0.0.1:%s\nrocommunity public 127.0.0.1\n' "$port" > "$dir/snmpd.conf"
    SNMP_PERSISTENT_DIR=$dir snmpd -f -C -c "$dir/snmpd.conf" -Lf "$dir/log" -p "$dir/pid" & pid=$!
    cleanup="kill $pid; rm -rf $dir"; trap 'eval "$cleanup"' EXIT
    sleep 1; agent=udp:127.0.0.1:$port
  fi
fi

printf '%-26s %8s %10s %10s %10s %10s %7s %7s\n' root varbinds "wall ours" "wall them" "cpu ours" "cpu them" wall× cpu×
for root in $roots; do
  n=$(eval snmpbulkwalk $out_args $version_args -Cr"$cr" "$agent" "$root" | wc -l)
  json=$(mktemp)
  hyperfine -N -w "$warmup" -r "$runs" --export-json "$json" \
    -n ours "$mibscope bulkwalk $out_args $version_args -Cr$cr $agent $root" \
    -n net-snmp "snmpbulkwalk $out_args $version_args -Cr$cr $agent $root" >/dev/null 2>&1
  read -r wo co wt ct < <(jq -r '[.results[] | (.median, (.user + .system))] | @tsv' "$json")
  rm -f "$json"
  awk -v r="$root" -v n="$n" -v wo="$wo" -v wt="$wt" -v co="$co" -v ct="$ct" 'BEGIN {
    printf "%-26s %8d %9.3fs %9.3fs %9.3fs %9.3fs %6.2fx %6.2fx\n", r, n, wo, wt, co, ct, wo/wt, (ct > 0 ? co/ct : 0) }'
done
echo "(${OUTPUT:-numeric} output; wall: median of $runs runs; cpu: mean user+sys; hyperfine -N, warm-up $warmup; agent $agent)"
