#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> from the project's own test data: the SNMPv3 conversations
# captured from Net-SNMP (tests/fixtures/usm), the shipped MIBs (mibs/), and the simulated
# switch (assets/). Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/message corpus/client_engine corpus/agent corpus/mib corpus/snapshot
python3 - <<'PY'
import glob, hashlib
for f in glob.glob('../tests/fixtures/usm/*.txt'):
    for line in open(f):
        if line[:3] in ('C>A', 'A>C'):
            b = bytes.fromhex(line.split()[1])
            name = hashlib.sha1(b).hexdigest()[:16]
            for t in ('message', 'client_engine', 'agent'):
                open(f'corpus/{t}/{name}', 'wb').write(b)
PY
cp ../mibs/*.txt corpus/mib/
cp ../assets/switch48.snapshot corpus/snapshot/
