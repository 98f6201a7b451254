#!/usr/bin/env python3
"""Interleaved timing: runs each command once per round, in turn, for
--rounds rounds, so that a burst of load on this shared 2-core machine hits
every command alike; prints the median wall time, CPU time (user + sys) and
peak RSS of each (from wait4's rusage).

    bench/interleave.py --rounds 15 --cwd DIR NAME='COMMAND' ...

Commands run through `sh -c` in DIR; their output is discarded. A command's
first run before the rounds fills its caches (warm runs) and is not counted.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run(command, cwd):
    start = time.perf_counter()
    process = subprocess.Popen(
        ["sh", "-c", f"exec {command}"], cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--cwd", default=".")
    parser.add_argument("--json")
    parser.add_argument("commands", nargs="+", help="NAME=COMMAND")
    args = parser.parse_args()
    commands = [spec.split("=", 1) for spec in args.commands]
    for _, command in commands:
        run(command, args.cwd)
    samples = {name: [] for name, _ in commands}
    for _ in range(args.rounds):
        for name, command in commands:
            samples[name].append(run(command, args.cwd))
    result = {}
    print(f"{'command':<16} {'wall':>9} {'cpu':>9} {'peak RSS':>9}   (medians of {args.rounds} interleaved runs)")
    for name, runs in samples.items():
        wall, cpu, rss = (statistics.median(column) for column in zip(*runs))
        result[name] = {"wall": wall, "cpu": cpu, "rss_mib": rss}
        print(f"{name:<16} {wall:>8.3f}s {cpu:>8.3f}s {rss:>6.0f} MiB")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    sys.exit(main())
