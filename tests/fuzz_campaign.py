"""A long fuzz campaign, for before a release: the properties of ``tests/rules/test_fuzz.py`` for as
long as asked, with as many examples as fit.

    .venv/bin/python -m tests.fuzz_campaign --minutes 10

It alternates between the properties (generated programs, linted, fixed and edited; fixtures
edited edit after edit), in batches of fresh random examples (no example database), until the time
is up; a failure stops it with Hypothesis's report of the smallest example it found. At the end
it prints what was checked: programs, edited fixtures, edits linted both incrementally and afresh,
fixes applied one at a time.
"""

from __future__ import annotations

import argparse
import time
import warnings

from hypothesis import HealthCheck, given, settings

from tests.rules.test_fuzz import PROPERTIES, checked

#: examples per property before switching to the next
BATCH = 50


def main() -> int:
    parser = argparse.ArgumentParser(description="run the fuzz properties for a while")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    batch = settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    warnings.simplefilter("ignore")  # SyntaxWarnings of generated literals and typed backslashes
    started = time.monotonic()
    batches = 0
    while time.monotonic() < deadline:
        for name, (check, strategies) in PROPERTIES.items():
            if time.monotonic() >= deadline:
                break
            batch(given(**strategies)(check))()
            batches += 1
            print(f"{time.monotonic() - started:7.0f}s  {name}: batch {batches} passed  {dict(checked)}", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(f"no failure in {minutes:.1f} minutes: " + ", ".join(f"{count} {what}" for what, count in checked.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
