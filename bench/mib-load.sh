#!/usr/bin/env bash
# Time and peak memory to load the whole MIB corpus: mibscope cold (compiling every file),
# mibscope from its cache, and Net-SNMP's `snmptranslate -m ALL -M <same dirs> -Tp` over the
# same folders, with ratios. Each figure is the median of RUNS runs (default 5), measured
# with /usr/bin/time: wall seconds, CPU seconds (user+sys) and peak RSS.
#
# The machine may be shared: the load average is printed, and CPU time is given beside wall
# time because it depends less on what else runs.
#
# usage: bench/mib-load.sh [RUNS]      (env: MIB_CORPUS_TARBALL, MIB_CORPUS_DIR)
set -euo pipefail

RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${MIB_CORPUS_DIR:-$ROOT/target/mib-corpus}
TARBALL=${MIB_CORPUS_TARBALL:-}
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
    echo "bench: /usr/bin/time is required (Debian package 'time')" >&2
    exit 1
fi
if ! command -v snmptranslate >/dev/null; then
    echo "bench: snmptranslate not found (Debian package 'snmp')" >&2
    exit 1
fi
if [ ! -d "$CORPUS/rfc" ]; then
    if [ -z "$TARBALL" ]; then
        for t in "$ROOT/../shared/mibs/vendor-corpus.tar.xz" "$ROOT/../../shared/mibs/vendor-corpus.tar.xz"; do
            [ -f "$t" ] && TARBALL=$t && break
        done
    fi
    if [ -z "$TARBALL" ] || [ ! -f "$TARBALL" ]; then
        echo "bench: no corpus in $CORPUS and no tarball (set MIB_CORPUS_TARBALL)" >&2
        exit 1
    fi
    mkdir -p "$CORPUS"
    tar -xJf "$TARBALL" -C "$CORPUS"
fi

echo "building release binary..." >&2
(cd "$ROOT" && cargo build --release --quiet --example mib_load)
LOAD=$ROOT/target/release/examples/mib_load

# Every folder of the corpus, as Net-SNMP needs them listed (it does not recurse).
DIRS=$(find "$CORPUS" -mindepth 1 -type d | sort | paste -sd:)
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"' EXIT

# run LABEL CMD... : RUNS timed runs; prints "LABEL wall cpu rss_kb min_wall" (medians, and
# the fastest wall time: the best estimate of an uncontended machine).
run() {
    local label=$1
    shift
    local out
    out=$(for _ in $(seq "$RUNS"); do
        "$TIME" -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1
    done)
    echo "$out" | awk -v label="$label" '
        { wall[NR] = $1; cpu[NR] = $2 + $3; rss[NR] = $4 }
        function median(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            m = wall[1]; for (i = 2; i <= NR; i++) if (wall[i] < m) m = wall[i]
            printf "%s %.3f %.3f %d %.3f\n", label, median(wall, NR), median(cpu, NR), median(rss, NR), m
        }'
}

echo "corpus: $(find "$CORPUS" -type f | wc -l) files, $(du -sh "$CORPUS" | cut -f1); runs: $RUNS; load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
echo "mibscope: $("$LOAD" ALL "$DIRS" --no-cache)"

"$LOAD" ALL "$DIRS" --cache-dir "$CACHE" >/dev/null   # fill the cache
results=$(
    run "mibscope-cold" "$LOAD" ALL "$DIRS" --no-cache
    run "mibscope-cache" "$LOAD" ALL "$DIRS" --cache-dir "$CACHE"
    run "net-snmp-Tp" snmptranslate -m ALL -M "$DIRS" -Tp
    run "net-snmp-load" snmptranslate -m ALL -M "$DIRS" -On SNMPv2-MIB::sysDescr.0
)

echo "$results" | awk '
    { wall[$1] = $2; cpu[$1] = $3; rss[$1] = $4; best[$1] = $5; order[NR] = $1 }
    END {
        printf "%-16s %9s %9s %9s %10s\n", "", "wall s", "min wall", "cpu s", "peak MB"
        for (i = 1; i <= NR; i++) { k = order[i]; printf "%-16s %9.3f %9.3f %9.3f %10.1f\n", k, wall[k], best[k], cpu[k], rss[k] / 1024 }
        ns = "net-snmp-Tp"
        printf "\nratios to snmptranslate -m ALL -Tp (target: cold <= 0.5, cache < 0.1 s, memory <= 1):\n"
        printf "  cold  wall %.2fx  cpu %.2fx  memory %.2fx\n", wall["mibscope-cold"] / wall[ns], cpu["mibscope-cold"] / cpu[ns], rss["mibscope-cold"] / rss[ns]
        printf "  cache wall %.2fx  cpu %.2fx  memory %.2fx  (%.0f ms wall median, %.0f ms fastest)\n", wall["mibscope-cache"] / wall[ns], cpu["mibscope-cache"] / cpu[ns], rss["mibscope-cache"] / rss[ns], wall["mibscope-cache"] * 1000, best["mibscope-cache"] * 1000
        ns = "net-snmp-load"
        printf "ratios to snmptranslate -m ALL (load only, one OID translated):\n"
        printf "  cold  wall %.2fx  cpu %.2fx  memory %.2fx\n", wall["mibscope-cold"] / wall[ns], cpu["mibscope-cold"] / cpu[ns], rss["mibscope-cold"] / rss[ns]
    }'
