"""Run one command; print its wall time and peak memory as JSON.

    python measure.py --stdout OUT.txt -- ruff check --select ASYNC src/

Each measurement runs in a fresh process of this script, so ``getrusage(RUSAGE_CHILDREN)`` sees
that one command and nothing measured before it. Two memory figures come out:

- ``max_rss_kib``: the peak resident set of the largest single process of the command (the kernel's
  ``ru_maxrss`` over the command and the workers it waited for), what ``/usr/bin/time -v`` prints;
- ``tree_peak_rss_kib``: the peak of the *sum* of resident sets over the command's process tree,
  sampled every 20 ms. Tools that fork worker processes (flake8, ``asyncguide check --jobs``) need
  this one to compare fairly with tools that use threads (ruff). Sampling can miss a spike shorter
  than the interval.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_SECONDS = 0.02


def process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident pages) of every process we can read."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat_file:
                stat = stat_file.read()
        except OSError:  # the process ended while we looked
            continue
        # the command name may hold spaces and parentheses: the fields start after its last ')'
        fields = stat[stat.rindex(b")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]))
    return table


def tree_rss_kib(root: int) -> int:
    """The resident memory of ``root`` and all its descendants, in KiB."""
    table = process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        if pid in table:
            total += table[pid][1] * PAGE_KIB
        pending.extend(children.get(pid, ()))
    return total


def measure(command: list[str], stdout_path: str) -> dict[str, object]:
    peak = 0
    finished = threading.Event()
    with open(stdout_path, "wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)

        def sample() -> None:
            nonlocal peak
            while not finished.wait(SAMPLE_SECONDS):
                peak = max(peak, tree_rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, stderr = process.communicate()
        wall = time.perf_counter() - start
        finished.set()
        sampler.join()
    return {
        "wall_seconds": wall,
        "max_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "tree_peak_rss_kib": max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
        "returncode": process.returncode,
        "stderr_tail": stderr.decode("utf-8", "replace")[-2000:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stdout", required=True, help="file to write the command's output to")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    json.dump(measure(command, args.stdout), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
