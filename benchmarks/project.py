"""Benchmark (c): the project analysis' cost on the corpus of (b) — the index, and the cache.

Each configuration is a fresh ``asyncguide check <corpus>`` process (``measure.py``), run several
times round-robin; the table shows medians:

- **without the index**: ``--no-cache --ignore`` the rules that ask the index (ASY200 and the
  coroutine rules), so no index is built: the check as it was before the project analysis, less
  those rules;
- **cold**: ``--no-cache``, every rule: the index is built (every file parsed and summarised), then
  every file linted;
- **warm**: a second run with the cache (the first one filled it): the files' digests come from
  their stamps (size, mtime), each file's result from the cache; no source file or summary is
  read, no index linked. In the first round the files were copied just before the run that
  filled the cache, too recently to be stamped: that warm run reads and hashes every file.
- **edited**: after the warm run, one module gets a new function (``EDITED``, a name of its own
  each round), as an edit does, and ``check`` runs: the index's fingerprint is another, so the
  index is linked from the cached summaries (the edited file's made anew), and each cached result
  stands when its lint's questions get the same answers from it; the edited file is linted. Its
  output is compared with that of ``check --no-cache`` on the same tree (not timed); the file is
  then put back as it was.

asyncguide's bytecode is written first (``corpus.compile_asyncguide``), as an installed wheel has it.

Targets (issue 13): cold ≤ 1.5 × the check without the index; warm ≤ 0.5 s. No target for edited.

    benchmarks/.venv/bin/python benchmarks/project.py [--runs 3] [--results results.json]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from corpus import HERE, BIN, compile_asyncguide, copy_corpus, run_once, Tool
from results import save_section, warn_if_busy

PROJECT_RULES = "ASY200,ASY110,ASY117,ASY123,ASY126"
ASYNCGUIDE = str(BIN / "asyncguide")

CONFIGURATIONS = {
    "without the index": (ASYNCGUIDE, "check", "--no-cache", "--ignore", PROJECT_RULES),
    "cold": (ASYNCGUIDE, "check", "--no-cache"),
    "warm": (ASYNCGUIDE, "check"),
    "edited": (ASYNCGUIDE, "check"),
}
#: the module the edited configuration adds a function to: one that many others import
EDITED = Path("starlette") / "concurrency.py"


def edited_run(corpus: Path, scratch: Path, round_number: int) -> float:
    """The wall time of ``check`` after adding a function to ``EDITED``, whose output must be that
    of ``check --no-cache`` on the same tree; the file is put back as it was (its time too)."""
    edited = corpus / EDITED
    original = scratch / "edited-original.py"
    shutil.copy2(edited, original)
    try:
        with open(edited, "a", encoding="utf-8") as file:
            file.write(f"\n\ndef benchmark_edit_{round_number}():\n    return {round_number}\n")
        wall = float(run_once(Tool("edited", (), CONFIGURATIONS["edited"], ""), corpus, scratch)["wall_seconds"])
        cached = (scratch / "stdout.txt").read_bytes()
        run_once(Tool("edited, without the cache", (), CONFIGURATIONS["cold"], ""), corpus, scratch)
        if (scratch / "stdout.txt").read_bytes() != cached:
            raise SystemExit("the edited check's output differs from that of check --no-cache")
    finally:
        shutil.copy2(original, edited)
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description="asyncguide's project index and cache on framework sources")
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration; the median is reported")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="JSON file to write the numbers into")
    args = parser.parse_args()

    warn_if_busy()
    compile_asyncguide()
    walls: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
    with tempfile.TemporaryDirectory(prefix="asyncguide-project-") as scratch_name:
        scratch = Path(scratch_name)
        corpus = scratch / "corpus"
        sizes = copy_corpus(corpus)
        files = sum(size["files"] for size in sizes.values())
        lines = sum(size["lines"] for size in sizes.values())
        print(f"corpus: {files} files, {lines:,} lines")
        for round_number in range(1, args.runs + 1):
            shutil.rmtree(corpus / ".asyncguide_cache", ignore_errors=True)
            run_once(Tool("fill", (), CONFIGURATIONS["warm"], ""), corpus, scratch)  # the cache the warm run reads
            for name, command in CONFIGURATIONS.items():
                if name == "edited":
                    wall = edited_run(corpus, scratch, round_number)
                else:
                    wall = float(run_once(Tool(name, (), command, ""), corpus, scratch)["wall_seconds"])
                walls[name].append(wall)
                print(f"  run {round_number}/{args.runs} {name}: {wall:.2f} s", flush=True)

    medians = {name: statistics.median(values) for name, values in walls.items()}
    base = medians["without the index"]
    print()
    print(f"Project analysis, median of {args.runs} runs")
    for name, wall in medians.items():
        print(f"  {name:<18} {wall:6.2f} s  ({wall / base:.2f} × without the index)")
    cold_met = medians["cold"] <= 1.5 * base
    warm_met = medians["warm"] <= 0.5
    print(f"edited: {EDITED.as_posix()} given a new function after a warm run; its output is that of --no-cache")
    print(f"target: cold ≤ 1.5 × without the index — {'met' if cold_met else 'MISSED'}; "
          f"warm ≤ 0.5 s — {'met' if warm_met else 'MISSED'}")
    save_section(args.results, "project", {
        "files": files,
        "lines": lines,
        "runs": args.runs,
        "wall_seconds": {name: {"median": medians[name], "all": [round(v, 3) for v in walls[name]]} for name in walls},
        "target": {"cold_within_1_5x": cold_met, "warm_within_0_5_s": warm_met},
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
