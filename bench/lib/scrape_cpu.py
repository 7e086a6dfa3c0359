#!/usr/bin/env python3
"""Scrapes two exporters alternately and prints CPU and wall time per scrape of each.

usage: scrape_cpu.py RUNS TARGET MODULE NAME=PID=URL_BASE ...
CPU is the exporter process's time on a CPU (every thread's /proc schedstat) over RUNS scrapes,
divided by RUNS; wall is the median time from request to last byte. One warm-up scrape
each first. Prints one line per exporter: NAME cpu_seconds wall_seconds bytes series."""
import os
import sys
import time
import urllib.request


def cpu(pid):
    """CPU seconds of every thread of the process, in nanoseconds' resolution (schedstat)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{task}/schedstat").read().split()[0])
        except OSError:
            pass
    return total / 1e9


def main():
    runs, target, module = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    exporters = [arg.split("=", 2) for arg in sys.argv[4:]]
    for name, pid, base in exporters:
        urllib.request.urlopen(f"{base}/snmp?target={target}&module={module}", timeout=120).read()
    walls = {name: [] for name, _, _ in exporters}
    cpus = {name: 0.0 for name, _, _ in exporters}
    sizes = {}
    for _ in range(runs):
        for name, pid, base in exporters:
            c0 = cpu(pid)
            t0 = time.monotonic()
            body = urllib.request.urlopen(
                f"{base}/snmp?target={target}&module={module}", timeout=120
            ).read()
            walls[name].append(time.monotonic() - t0)
            cpus[name] += cpu(pid) - c0
            series = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
            sizes[name] = (len(body), series)
    for name, _, _ in exporters:
        w = sorted(walls[name])
        print(name, f"{cpus[name] / runs:.4f}", f"{w[len(w) // 2]:.4f}", *sizes[name])


main()
