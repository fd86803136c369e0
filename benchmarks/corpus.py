"""Benchmark (b): `asyncguide check` over real framework sources, next to ruff and flake8-async.

The corpus is every ``.py`` file of the installed tornado, aiohttp, sanic, starlette and fastapi
packages, copied into a temporary folder outside any repository so that no ``pyproject.toml``,
``.gitignore``, ``setup.cfg`` or ``.flake8`` changes what a tool does. Each tool checks the whole
folder, with its default parallelism (all cores), several times, each time in a fresh process
(``measure.py``); the table shows medians and each peer as a multiple of asyncguide.

Run it with the benchmark environment's Python (``benchmarks/run`` does):

    benchmarks/.venv/bin/python benchmarks/corpus.py [--runs 3] [--results results.json]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from results import save_section, warn_if_busy

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CORPUS_PACKAGES = ("tornado", "aiohttp", "sanic", "starlette", "fastapi")

#: a finding line in the text output of all three tools: ``path:line:column: CODE message`` (ruff
#: with ``--preview`` writes the rule's name instead of its code); summary lines do not match
FINDING = re.compile(r"^\S.*?:\d+:\d+: \S", re.MULTILINE)


@dataclass(frozen=True)
class Tool:
    name: str
    distributions: tuple[str, ...]  # whose versions to report
    command: tuple[str, ...]  # the corpus folder is appended
    note: str


def tools() -> list[Tool]:
    return [
        Tool("asyncguide", ("asyncguide",), (str(BIN / "asyncguide"), "check"), "every rule, default settings"),
        Tool(
            "ruff",
            ("ruff",),
            (str(BIN / "ruff"), "check", "--isolated", "--no-cache", "--preview",
             "--select", "ASYNC,RUF006,RUF029", "--output-format", "concise"),
            "--select ASYNC,RUF006,RUF029 (--preview: RUF029 is a preview rule)",
        ),
        Tool(
            "flake8 + flake8-async",
            ("flake8", "flake8-async"),
            (str(BIN / "flake8"), "--isolated", "--select", "ASYNC"),
            "--select ASYNC (pyflakes and pycodestyle still run; --select filters their output)",
        ),
    ]


def versions(tool: Tool) -> str:
    return ", ".join(f"{name} {importlib.metadata.version(name)}" for name in tool.distributions)


def package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not installed; run benchmarks/run, which installs requirements.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def compile_asyncguide() -> None:
    """Write asyncguide's bytecode, as installing a wheel does: asyncguide is installed here from the
    checkout (editable), and with ``PYTHONDONTWRITEBYTECODE`` set every run would compile each of its
    modules anew (~0.5 s), a cost no installed asyncguide has."""
    for name in ("asyncguide.rules", "asyncguide.server"):
        compileall.compile_dir(package_folder(name), quiet=1)


def copy_corpus(destination: Path) -> dict[str, dict[str, int]]:
    """Copy each package's ``.py`` files under ``destination/<package>``; their file and line counts."""
    sizes: dict[str, dict[str, int]] = {}
    for name in CORPUS_PACKAGES:
        source = package_folder(name)
        files = lines = 0
        for path in sorted(source.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            target = destination / name / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            files += 1
            lines += path.read_bytes().count(b"\n")
        sizes[name] = {"files": files, "lines": lines, "version": importlib.metadata.version(name)}
    return sizes


def run_once(tool: Tool, corpus: Path, scratch: Path) -> dict[str, object]:
    output = scratch / "stdout.txt"
    completed = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), "--stdout", str(output), "--", *tool.command, str(corpus)],
        check=True, capture_output=True, text=True,
    )
    measurement = json.loads(completed.stdout)
    # 0: nothing found, 1: findings; anything else means the tool did not check the corpus
    if measurement["returncode"] not in (0, 1):
        raise SystemExit(
            f"{tool.name} exited with {measurement['returncode']}:\n{measurement['stderr_tail']}"
        )
    measurement["findings"] = len(FINDING.findall(output.read_text("utf-8", "replace")))
    return measurement


def summarise(runs: list[dict[str, object]]) -> dict[str, float | int]:
    return {
        "wall_seconds": statistics.median(float(run["wall_seconds"]) for run in runs),
        "max_rss_mib": statistics.median(int(run["max_rss_kib"]) for run in runs) / 1024,
        "tree_peak_rss_mib": statistics.median(int(run["tree_peak_rss_kib"]) for run in runs) / 1024,
        "findings": int(runs[-1]["findings"]),
        "wall_seconds_all": [round(float(run["wall_seconds"]), 3) for run in runs],
    }


def table(summaries: dict[str, dict[str, float | int]]) -> str:
    base = summaries["asyncguide"]
    rows = [
        ("tool", "wall (s)", "× asyncguide", "peak RSS, largest process (MiB)", "×",
         "peak RSS, process tree (MiB)", "×", "findings"),
    ]
    for name, summary in summaries.items():
        rows.append((
            name,
            f"{summary['wall_seconds']:.2f}",
            f"{summary['wall_seconds'] / base['wall_seconds']:.2f}",
            f"{summary['max_rss_mib']:.0f}",
            f"{summary['max_rss_mib'] / base['max_rss_mib']:.2f}",
            f"{summary['tree_peak_rss_mib']:.0f}",
            f"{summary['tree_peak_rss_mib'] / base['tree_peak_rss_mib']:.2f}",
            str(summary["findings"]),
        ))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="asyncguide check vs ruff and flake8-async on framework sources")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool; the median is reported (default 3)")
    parser.add_argument("--results", type=Path, default=HERE / "results.json", help="JSON file to write the numbers into")
    args = parser.parse_args()

    warn_if_busy()
    compile_asyncguide()
    with tempfile.TemporaryDirectory(prefix="asyncguide-corpus-") as scratch_name:
        scratch = Path(scratch_name)
        corpus = scratch / "corpus"
        sizes = copy_corpus(corpus)
        total_files = sum(size["files"] for size in sizes.values())
        total_lines = sum(size["lines"] for size in sizes.values())
        print(f"corpus: {total_files} files, {total_lines:,} lines — "
              + ", ".join(f"{name} {size['version']} ({size['lines']:,})" for name, size in sizes.items()))
        chosen = tools()
        runs: dict[str, list[dict[str, object]]] = {tool.name: [] for tool in chosen}
        # round-robin, so that a slow moment of the machine does not fall on one tool only
        for round_number in range(1, args.runs + 1):
            for tool in chosen:
                runs[tool.name].append(run_once(tool, corpus, scratch))
                print(f"  run {round_number}/{args.runs} {tool.name}: {runs[tool.name][-1]['wall_seconds']:.2f} s",
                      flush=True)

    summaries = {tool.name: summarise(runs[tool.name]) for tool in chosen}
    print()
    print(f"Corpus check, median of {args.runs} runs (× asyncguide: the tool's figure divided by asyncguide's)")
    print(table(summaries))
    for tool in chosen:
        print(f"  {tool.name} ({versions(tool)}): {tool.note}")
    asyncguide_wall = summaries["asyncguide"]["wall_seconds"]
    flake8_wall = summaries["flake8 + flake8-async"]["wall_seconds"]
    met = asyncguide_wall < flake8_wall
    print(f"target: faster than flake8 + flake8-async — {asyncguide_wall:.2f} s vs {flake8_wall:.2f} s: "
          f"{'met' if met else 'MISSED'}")
    save_section(args.results, "corpus", {
        "packages": sizes,
        "files": total_files,
        "lines": total_lines,
        "runs": args.runs,
        "tools": {
            tool.name: {
                "versions": versions(tool),
                "command": [Path(tool.command[0]).name, *tool.command[1:], "<corpus>"],
                **summaries[tool.name],
            }
            for tool in chosen
        },
        "target": {"faster_than_flake8_async": met},
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
