#!/usr/bin/env bash
# Trap floods into `mibscope traps` (JSON to a file) and Net-SNMP's snmptrapd (one log line
# per notification to a file), side by side on the same floods: COUNT notifications from
# SENDERS sender threads with a malformed datagram after every MALFORMED_EVERY, at rising
# paced rates (0 = as fast as the senders go). For each step: the rate reached, what was
# sent and received, the loss; then the highest rate at which each received everything
# (the lossless rate) and the ratio. Then the same for SNMPv3 authPriv (SHA/AES-128) traps,
# and mibscope with a handler that sleeps 5 s per notification (--exec), which must not
# lower the lossless rate. Goal (issue 7): lossless at 100,000/s, at least 3x snmptrapd.
#
# usage: bench/trap-flood.sh
# env:   COUNT (200000), RATES ("10000 25000 50000 75000 100000 150000 200000 0"), SENDERS (4),
#        MALFORMED_EVERY (50), V3_COUNT (50000), V3_RATES ("10000 20000 40000 60000 0"),
#        SLOW_EXEC (1: also run the --exec 'sleep 5' receiver), MIBSCOPE (binary path)
# Loopback only; every step is bounded (the sender sends COUNT and stops; a receiver is
# given at most 120 s to empty its queue).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
COUNT=${COUNT:-200000}
RATES=${RATES:-"10000 25000 50000 75000 100000 150000 200000 0"}
SENDERS=${SENDERS:-4}
MALFORMED_EVERY=${MALFORMED_EVERY:-50}
V3_COUNT=${V3_COUNT:-50000}
V3_RATES=${V3_RATES:-"10000 20000 40000 60000 0"}
SLOW_EXEC=${SLOW_EXEC:-1}
SENDER_ENGINE=0x80001F880474622D7472617073

command -v snmptrapd >/dev/null || [ -x /usr/sbin/snmptrapd ] || apt-get install -y -q snmptrapd >/dev/null
PATH=$PATH:/usr/sbin
(cd "$here" && cargo build --release -q --example trap_flood)
mibscope=${MIBSCOPE:-$here/target/release/mibscope}
[ -n "${MIBSCOPE:-}" ] || (cd "$here" && cargo build --release -q)
flood=$here/target/release/examples/trap_flood

work=$(mktemp -d)
pid=""
stop() { if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap 'stop; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cat > "$work/traps.toml" <<EOF
[[community]]
community = "public"
[[user]]
name = "sha-aes"
auth_protocol = "SHA"
auth_passphrase = "sha-aes_authpass"
priv_protocol = "AES"
priv_passphrase = "sha-aes_privpass"
engine_id = "$SENDER_ENGINE"
EOF
chmod 600 "$work/traps.toml"

start_mibscope() {  # extra args...
  port=$(free_port)
  : > "$work/out"
  "$mibscope" traps --listen "127.0.0.1:$port" --config "$work/traps.toml" --json -q \
    --log "$work/out" --state-file "$work/state" --stats-interval 0 "$@" 2> "$work/err" &
  pid=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$work/err" 2>/dev/null && break; sleep 0.1; done
  grep "listening on" "$work/err" | sed 's/^/  /'
  count() { grep -c '"kind":"notification"' "$work/out" || true; }
}

start_snmptrapd() {
  port=$(free_port)
  : > "$work/out"
  mkdir -p "$work/persist"
  cat > "$work/snmptrapd.conf" <<EOF
snmpTrapdAddr udp:127.0.0.1:$port
doNotRetainNotificationLogs yes
authCommunity log public
createUser -e $SENDER_ENGINE sha-aes SHA sha-aes_authpass AES sha-aes_privpass
authUser log sha-aes priv
format print2 V2 %b %P vars:%V| %v\n
EOF
  SNMP_PERSISTENT_DIR="$work/persist" snmptrapd -f -C -c "$work/snmptrapd.conf" -m '' -M /dev/null \
    -On -Lf "$work/out" > /dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q "NET-SNMP version" "$work/out" 2>/dev/null && break; sleep 0.1; done
  echo "  snmptrapd $(snmptrapd -v 2>&1 | grep -o '5\.[0-9.]*' | head -1) on udp:127.0.0.1:$port"
  count() { grep -c '^V2 ' "$work/out" || true; }
}

# Waits until the count has not moved for 1 s (at most 120 s); sets SETTLED (the count)
# and LAST_CHANGE (when it last moved, epoch seconds).
settle() {
  local last=-1 n same=0 t=0
  LAST_CHANGE=$(date +%s.%N)
  while [ $t -lt 1200 ]; do
    n=$(count)
    if [ "$n" = "$last" ]; then same=$((same + 1)); else same=0; last=$n; LAST_CHANGE=$(date +%s.%N); fi
    [ $same -ge 10 ] && break
    sleep 0.1; t=$((t + 1))
  done
  SETTLED=$last
}

declare -A lossless broken
# step RECEIVER VERSION COUNT RATE
step() {
  local name=$1 version=$2 n=$3 rate=$4 before after got line achieved start end
  # Each step counts in a fresh file: both receivers append (O_APPEND), so truncating
  # between steps loses nothing and keeps counting cheap.
  : > "$work/out"
  before=$(count)
  start=$(date +%s.%N)
  line=$("$flood" "127.0.0.1:$port" "$n" "$rate" "$SENDERS" "$MALFORMED_EVERY" "$version")
  settle
  after=$SETTLED
  end=$LAST_CHANGE
  got=$((after - before))
  achieved=$(echo "$line" | grep -o '= [0-9]*/s' | tr -dc 0-9)
  local lost=$((n - got))
  local pct; pct=$(awk -v l="$lost" -v n="$n" 'BEGIN { printf "%.2f", 100 * l / n }')
  # Received per second from the flood's start until the last notification was counted
  # (within 0.1 s): the receiver's processing rate while saturated.
  local through; through=$(awk -v g="$got" -v s="$start" -v e="$end" 'BEGIN { d = e - s; if (d < 0.1) d = 0.1; printf "%.0f", g / d }')
  printf '  %-14s %-4s offered %6s/s  sent at %6s/s  valid %6d  received (lines) %6d  lost %6d (%s %%)  processed %s/s\n' \
    "$name" "$version" "$([ "$rate" = 0 ] && echo max || echo "$rate")" "$achieved" "$n" "$got" "$lost" "$pct" "$through"
  # The lossless rate: the highest rate of the unbroken run of lossless steps from the
  # lowest one (a lucky lossless step above a lossy one does not count).
  local key="$name/$version"
  if [ "$lost" -eq 0 ] && [ -z "${broken[$key]:-}" ]; then
    local r=$rate; [ "$rate" = 0 ] && r=$achieved
    [ "${lossless[$key]:-0}" -lt "$r" ] && lossless[$key]=$r
  elif [ "$lost" -ne 0 ]; then
    broken[$key]=1
  fi
  return 0
}

echo "machine: $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); rmem_max $(cat /proc/sys/net/core/rmem_max)"
echo "floods: $COUNT v2c (and $V3_COUNT v3) valid notifications from $SENDERS senders, one malformed datagram after every $MALFORMED_EVERY"

for receiver in mibscope snmptrapd; do
  echo "== $receiver, SNMPv2c"
  "start_$receiver"
  for rate in $RATES; do step "$receiver" v2c "$COUNT" "$rate"; done
  if [ "$receiver" = mibscope ]; then
    stop
    echo "  at exit: $(grep -o 'stopped;.*' "$work/err" | cut -c1-240)"
  fi
  stop
  echo "== $receiver, SNMPv3 authPriv SHA/AES-128"
  "start_$receiver"
  for rate in $V3_RATES; do step "$receiver" v3 "$V3_COUNT" "$rate"; done
  stop
done
if [ "$SLOW_EXEC" = 1 ]; then
  echo "== mibscope with --exec 'sleep 5' (4 at once, queue 1000), SNMPv2c"
  start_mibscope --exec "sleep 5" --exec-concurrency 4 --exec-queue 1000
  for rate in $RATES; do step "mibscope+exec" v2c "$COUNT" "$rate"; done
  kill -USR1 "$pid"; sleep 0.3
  echo "  $(grep -o 'exec_overflow [0-9]*' "$work/err" | tail -1) (counted, reception unaffected)"
  stop
fi

echo "== lossless rates (every step up to this offered rate lost nothing; a 'max' step counts at the rate reached)"
for key in mibscope/v2c snmptrapd/v2c mibscope+exec/v2c mibscope/v3 snmptrapd/v3; do
  [ -n "${lossless[$key]+x}" ] || lossless[$key]=0
  printf '  %-20s %8s/s\n' "$key" "${lossless[$key]}"
done
for v in v2c v3; do
  m=${lossless[mibscope/$v]}; s=${lossless[snmptrapd/$v]}
  awk -v m="$m" -v s="$s" -v v="$v" 'BEGIN { if (s > 0) printf "  %s ratio mibscope / snmptrapd: %.1fx\n", v, m / s; else print "  " v " ratio: snmptrapd lost at every rate" }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
