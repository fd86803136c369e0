"""Benchmark: the time "fix all" takes as the number of fixable findings grows.

A module of N fixable findings, half blocking ``time.sleep`` calls in coroutines (ASY100), half
``asyncio.iscoroutinefunction`` calls (ASY124), each in a function of its own, is fixed with every
rule enabled, as ``asyncguide check --fix`` and the language server's fix-all do. The table gives
the wall-clock time of ``fix_all`` for each N, the rounds it ran and the lints it made: fixes are
built from each round's lint, so the time should grow about linearly with N.

    .venv/bin/python benchmarks/fix_all.py [--findings 500 1000 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

from asyncguide.rules import fixes
from asyncguide.rules.registry import all_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: its tests' module generator
from tests.rules.generated import many_findings  # noqa: E402

TARGET_VERSION = (3, 14)  # ASY124 reports where the code may run on 3.14


def measure(count: int) -> tuple[float, fixes.FixAllResult, int]:
    source = many_findings(count)
    codes = frozenset(all_rules())
    with mock.patch.object(fixes, "lint", wraps=fixes.lint) as lint:
        start = time.perf_counter()
        result = fixes.fix_all(source, codes, TARGET_VERSION)
        elapsed = time.perf_counter() - start
    return elapsed, result, lint.call_count


def main() -> None:
    parser = argparse.ArgumentParser(description="time of fix all by number of fixable findings")
    parser.add_argument("--findings", type=int, nargs="+", default=[500, 1000, 2000], help="numbers of findings (default 500 1000 2000)")
    args = parser.parse_args()
    print(f"{'findings':>9} {'applied':>8} {'rounds':>7} {'lints':>6} {'seconds':>8}")
    for count in args.findings:
        elapsed, result, lints = measure(count)
        print(f"{count:>9} {result.applied:>8} {result.rounds:>7} {lints:>6} {elapsed:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
