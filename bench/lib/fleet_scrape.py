#!/usr/bin/env python3
"""Scrapes every target through an exporter once per interval, as Prometheus would.

usage: fleet_scrape.py EXPORTER_PID BASE_URL MODULE ROUNDS INTERVAL CONCURRENCY TARGETS_FILE
Prints per round: scrapes ok/failed and when the last one finished (a round is late when
that is after the next round's start); then the exporter's CPU over the run (cores) and
its peak memory."""
import concurrent.futures
import os
import sys
import time
import urllib.request


def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def scrape(base, module, target):
    try:
        with urllib.request.urlopen(f"{base}/snmp?target={target}&module={module}", timeout=30) as r:
            r.read()
            return r.status == 200
    except Exception:
        return False


def main():
    pid, base, module = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rounds, interval, conc = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
    targets = [t.strip() for t in open(sys.argv[7]) if t.strip()]
    start = time.monotonic()
    c0 = cpu(pid)
    late = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=conc) as pool:
        for n in range(rounds):
            t0 = start + n * interval
            time.sleep(max(0.0, t0 - time.monotonic()))
            results = list(pool.map(lambda t: scrape(base, module, t), targets))
            took = time.monotonic() - t0
            ok = sum(results)
            if took > interval:
                late += 1
            print(f"round {n + 1}: {ok} ok, {len(results) - ok} failed, done after {took:.2f} s")
    wall = time.monotonic() - start
    wall = max(wall, rounds * interval)
    used = cpu(pid) - c0
    print(f"exporter: {used:.2f} s CPU over {wall:.1f} s = {used / wall:.3f} cores; peak RSS {peak_kb(pid) / 1024:.1f} MB; late rounds {late}")


main()
