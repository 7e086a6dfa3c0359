#!/usr/bin/env bash
# A distant agent: a relay delaying every datagram DELAY_MS (default 10) each way in front of
# snmpd, then the whole tree walked by snmpbulkwalk and by mibscope bulkwalk -Cparallel=N
# (default 8), outputs compared, wall times and their ratio printed.
#
# AGENT is the snmpd to walk (default: the shared test bed's, 127.0.0.1:16161, 500
# interfaces: shared/testbed/start-agent). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENT=${AGENT:-127.0.0.1:16161}
DELAY_MS=${DELAY_MS:-10}
PARALLEL=${PARALLEL:-8}
REPS=${REPS:-25}
PORT=${PORT:-17777}
case "$AGENT" in 127.*) ;; *) echo "AGENT must be on 127.0.0.0/8" >&2; exit 2 ;; esac

cargo build --release -q --bin mibscope --example udp_delay_relay
target/release/examples/udp_delay_relay "$PORT" "$AGENT" "$DELAY_MS" >/dev/null &
relay=$!
trap 'kill $relay 2>/dev/null' EXIT
sleep 0.3
out=$(mktemp -d)
via=127.0.0.1:$PORT

t0=$(date +%s.%N)
snmpbulkwalk -m '' -On -v2c -c public -Cr"$REPS" -t 5 "$via" .1 >"$out/netsnmp.txt"
t1=$(date +%s.%N)
target/release/mibscope bulkwalk -m '' -On -v2c -c public -Cr"$REPS" -t 5 -Cparallel="$PARALLEL" "$via" .1 >"$out/mibscope.txt"
t2=$(date +%s.%N)

theirs=$(echo "$t1 - $t0" | bc -l)
ours=$(echo "$t2 - $t1" | bc -l)
lines=$(wc -l <"$out/netsnmp.txt")
# The same OIDs in the same order (values of live counters move between the two walks, and
# the process, TCP and UDP tables gain and lose rows meanwhile).
churn='^\.1\.3\.6\.1\.2\.1\.(25\.[45]|6\.13|6\.19|7\.5|7\.7)\.'
oids() { cut -d' ' -f1 "$1" | grep -Ev "$churn"; }
if diff -q <(oids "$out/netsnmp.txt") <(oids "$out/mibscope.txt") >/dev/null; then
  same="same OIDs in the same order"
else
  same="OUTPUTS DIFFER (see $out)"
fi
printf 'agent %s behind %s ms each way, %s lines: %s\n' "$AGENT" "$DELAY_MS" "$lines" "$same"
printf 'snmpbulkwalk -Cr%s            %8.2f s\n' "$REPS" "$theirs"
printf 'mibscope -Cr%s -Cparallel=%s   %8.2f s   (%.3fx snmpbulkwalk)\n' "$REPS" "$PARALLEL" "$ours" "$(echo "$ours / $theirs" | bc -l)"
