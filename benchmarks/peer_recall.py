"""Recall on the peers' own test cases: how many of the lines flake8-async and ruff expect their
asyncio-relevant ASYNC checks to report does asyncguide report, and what else it reports there.

The peers' files are not part of this repository; give the script their checkouts (or any folder
holding the same paths):

    git clone https://github.com/python-trio/flake8-async /tmp/flake8-async
    git clone https://github.com/astral-sh/ruff /tmp/ruff
    .venv/bin/python benchmarks/peer_recall.py --flake8-async /tmp/flake8-async --ruff /tmp/ruff

flake8-async marks the expected lines inline (``# error: 4, ...`` for the file's own check,
``# ASYNC232_asyncio: ...`` for a named one); ruff lists them in its snapshot files
(``crates/ruff_linter/src/rules/flake8_async/snapshots/*.snap``). Each peer check counted is mapped
to the asyncguide rules that find the same problem (``CHECKS``); a line is recalled when one of
those rules reports on it. Every finding of those rules on a line the peer does not expect is
listed as an extra, for review.

Only asyncio-relevant cases count. Excluded, with the reason, are whole checks that have no
asyncio meaning (``EXCLUDED_CHECKS``), files that test only trio or anyio (``FLAKE8_ASYNC_FILES``
lists the files measured), in ruff's mixed files the statements that name ``trio`` or ``anyio``,
and in flake8-async's files run for asyncio the statements that name a trio API asyncio lacks.
The peers' files often call ``os.system()`` without ``import os``: the script appends the imports
(``with_missing_imports``), since asyncguide resolves names where the peers match text. Opt-in
rules are enabled: the numbers say what asyncguide can find.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from asyncguide.rules.registry import all_rules
from asyncguide.rules.runner import lint

#: peer check -> the asyncguide rules finding the same problem
CHECKS: dict[str, frozenset[str]] = {
    "ASYNC100": frozenset({"ASY119", "ASY165"}),  # timeout without await (a sync `with` on it: ASY119)
    "ASYNC101": frozenset({"ASY166"}),  # yield inside a timeout or task group
    "ASYNC109": frozenset({"ASY169"}),  # async def with a timeout parameter (opt-in)
    "ASYNC110": frozenset({"ASY116"}),  # busy-wait on sleep
    "ASYNC112": frozenset({"ASY168"}),  # task group starting one task
    "ASYNC119": frozenset({"ASY166", "ASY167"}),  # yield inside a context manager in an async generator (ASY167 opt-in)
    "ASYNC210": frozenset({"ASY101"}),
    "ASYNC211": frozenset({"ASY101"}),
    "ASYNC212": frozenset({"ASY101"}),
    "ASYNC220": frozenset({"ASY102"}),
    "ASYNC221": frozenset({"ASY102"}),
    "ASYNC222": frozenset({"ASY102"}),
    "ASYNC230": frozenset({"ASY103"}),
    "ASYNC231": frozenset({"ASY103"}),
    "ASYNC232": frozenset({"ASY163"}),  # methods of a sync file object
    "ASYNC240": frozenset({"ASY164"}),  # filesystem metadata (opt-in)
    "ASYNC250": frozenset({"ASY105"}),
    "ASYNC251": frozenset({"ASY100"}),
    "ASYNC300": frozenset({"ASY111"}),  # task reference discarded
}

#: peer checks left out, and why
EXCLUDED_CHECKS: dict[str, str] = {
    "ASYNC103": "cancellation caught, not re-raised (asyncguide: ASY115): every case in the peers' files is in sync code, where asyncio delivers no cancellation",
    "ASYNC104": "cancellation not re-raised as such: as ASYNC103, every case is in sync code",
    "ASYNC102": "await in finally needs a shield: level-triggered cancellation (trio/anyio); flake8-async says it does not apply to asyncio",
    "ASYNC105": "trio function not awaited: trio's own API",
    "ASYNC115": "sleep(0) -> lowlevel.checkpoint(): asyncio.sleep(0) is asyncio's checkpoint",
    "ASYNC116": "long sleep -> sleep_forever(): asyncio has no sleep_forever",
    "ASYNC120": "await in except needs a shield: trio/anyio cancel scopes",
    "ASYNC121": "return/break/continue in a task group: asyncio.TaskGroup waits for its tasks on every exit of the block (a yield is ASYNC119's)",
    "ASYNC912": "timeout without a checkpoint on every path: trio/anyio checkpoint semantics",
}

#: the flake8-async files measured: their asyncio variants, and the blocking-call files (which
#: test calls in ``async def`` whatever the library); ``trio`` is replaced with ``asyncio`` in a
#: file whose base library is trio, as flake8-async's own harness does when it runs them for asyncio
FLAKE8_ASYNC_FILES = (
    "async100_asyncio.py", "async100_asyncio_noautofix.py", "async101_asyncio.py", "async109.py", "async110.py", "async112_asyncio.py", "async119.py", "async210.py", "async211.py", "async212.py",
    "async22x_asyncio.py", "async23x_asyncio.py", "async232_asyncio.py", "async240.py", "async250.py",
    "async251.py", "async300.py", "async912_asyncio.py",
)

#: ruff's fixtures: (check, fixture file); lines naming trio or anyio are not counted
RUFF_CASES = (
    ("ASYNC100", "ASYNC100.py"), ("ASYNC109", "ASYNC109_0.py"), ("ASYNC110", "ASYNC110.py"),
    ("ASYNC119", "ASYNC119.py"), ("ASYNC210", "ASYNC210.py"), ("ASYNC212", "ASYNC212.py"),
    ("ASYNC220", "ASYNC22x.py"), ("ASYNC221", "ASYNC22x.py"), ("ASYNC222", "ASYNC22x.py"),
    ("ASYNC230", "ASYNC230.py"), ("ASYNC240", "ASYNC240.py"), ("ASYNC250", "ASYNC250.py"),
    ("ASYNC251", "ASYNC251.py"),
)
#: modules the peers' files use without importing them
ASSUMED_IMPORTS = frozenset({
    "asyncio", "httpx", "httpx2", "io", "os", "pathlib", "requests", "shutil", "socket", "subprocess", "time", "urllib",
    "urllib3",
})
#: names of ``typing`` the peers' files annotate with without importing them
ASSUMED_TYPING = frozenset({"Optional", "Union"})
#: trio APIs that asyncio lacks, met where the harness's ``trio`` -> ``asyncio`` replacement made
#: ``asyncio.sleep_until()`` or ``asyncio.lowlevel.checkpoint()``: those lines test nothing asyncio has
_TRIO_ONLY_APIS = re.compile(r"\basyncio\.(sleep_until|sleep_forever|lowlevel|open_nursery|CancelScope|fail_after|move_on_after)\b")
RUFF_FIXTURES = Path("crates/ruff_linter/resources/test/fixtures/flake8_async")
RUFF_SNAPSHOTS = Path("crates/ruff_linter/src/rules/flake8_async/snapshots")

_MARKER = re.compile(r"(error|ASYNC\d\d\d)(_\w*)?:([^#]*)(?=#|$)")
_BASE_LIBRARY = re.compile(r"# BASE_LIBRARY (\w+)")
_TRIO = re.compile(r"(?<!-)(?:\b|(?<=_))trio\b")
_SNAPSHOT_CODE = re.compile(r"^(ASYNC\d\d\d)\b")
_SNAPSHOT_LOCATION = re.compile(r"-->\s*(\S+?):(\d+):\d+")
_OLD_SNAPSHOT_LOCATION = re.compile(r"^(\S+?\.py):(\d+):\d+: (ASYNC\d\d\d)")
_OTHER_LIBRARIES = re.compile(r"\b(trio|anyio)\b")


@dataclass
class Tally:
    expected: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)


def flake8_async_expected(text: str, file_check: str) -> dict[int, set[str]]:
    """Line -> the checks flake8-async's markers expect there (``error:`` is the file's own check)."""
    expected: dict[int, set[str]] = defaultdict(set)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "#" not in stripped:
            continue
        for code, _alternative, _arguments in _MARKER.findall(stripped):
            expected[number].add(file_check if code == "error" else code)
    return expected


def ruff_expected(snapshot: str, fixture: str) -> set[int]:
    lines: set[int] = set()
    code = None
    for line in snapshot.splitlines():
        if match := _SNAPSHOT_CODE.match(line):
            code = match.group(1)
        if (match := _SNAPSHOT_LOCATION.search(line)) and match.group(1) == fixture and code:
            lines.add(int(match.group(2)))
        elif (match := _OLD_SNAPSHOT_LOCATION.match(line)) and match.group(1) == fixture:
            lines.add(int(match.group(2)))
    return lines


def with_missing_imports(source: str) -> str:
    """The file with ``import <module>`` appended for each module of ``ASSUMED_IMPORTS`` it uses
    (``os.system()``) but never imports: flake8-async matches such calls by their text, asyncguide
    by what the name is bound to. At the end of the file the line numbers stay; names in functions
    see module bindings made after them."""
    tree = ast.parse(source)
    imported = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    bound = imported | {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    used = {node.value.id for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)}
    missing = [f"import {module}" for module in sorted((used & ASSUMED_IMPORTS) - bound)]
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    missing += [f"from typing import {name}" for name in sorted((names & ASSUMED_TYPING) - bound)]
    return source + "".join(f"\n{line}" for line in missing) + "\n" if missing else source


def reported(source: str, codes: list[str]) -> dict[int, set[str]]:
    result = lint(with_missing_imports(source), codes, target_version=(3, 13))
    if result.syntax_error is not None:
        raise SystemExit(f"cannot parse: {result.syntax_error}")
    found: dict[int, set[str]] = defaultdict(set)
    for diagnostic in result.diagnostics:
        found[diagnostic.range.start_line + 1].add(diagnostic.code)
    return found


def measure(name: str, source: str, expected: dict[int, set[str]], counted: set[str], codes: list[str], tallies: dict[str, Tally], excluded_lines: set[int] = frozenset()) -> None:
    found = reported(source, codes)
    lines = source.splitlines()
    for check in sorted(counted):
        tally = tallies[check]
        mine = CHECKS[check]
        wanted = {line for line, checks in expected.items() if check in checks and line not in excluded_lines}
        for line in sorted(wanted):
            tally.expected += 1
            if found.get(line, set()) & mine:
                tally.found += 1
            else:
                tally.missed.append(f"{name}:{line}: {lines[line - 1].strip()}")
        for line, codes_there in sorted(found.items()):
            if codes_there & mine and line not in wanted and not any(c in CHECKS and CHECKS[c] & codes_there for c in expected.get(line, ())):
                if line in excluded_lines:
                    continue
                tally.extras.append(f"{name}:{line}: {','.join(sorted(codes_there & mine))}: {lines[line - 1].strip()}")


def flake8_async(root: Path, codes: list[str]) -> dict[str, Tally]:
    folder = root / "tests" / "eval_files"
    tallies: dict[str, Tally] = defaultdict(Tally)
    for file_name in FLAKE8_ASYNC_FILES:
        text = (folder / file_name).read_text("utf-8")
        base = _BASE_LIBRARY.search(text)
        if base is None or base.group(1) == "trio":
            text = _TRIO.sub("asyncio", text)
        file_check = file_name.split("_")[0].split(".")[0].upper()
        expected = flake8_async_expected(text, file_check)
        counted = {check for checks in expected.values() for check in checks if check in CHECKS}
        measure(f"flake8-async/{file_name}", text, expected, counted, codes, tallies, statement_lines(text, _TRIO_ONLY_APIS))
    return tallies


def ruff(root: Path, codes: list[str]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    checks_of: dict[str, list[str]] = defaultdict(list)
    for check, fixture in RUFF_CASES:
        checks_of[fixture].append(check)
    for fixture, checks in checks_of.items():
        text = (root / RUFF_FIXTURES / fixture).read_text("utf-8")
        expected: dict[int, set[str]] = defaultdict(set)
        for check in checks:
            snapshot = root / RUFF_SNAPSHOTS / f"ruff_linter__rules__flake8_async__tests__{check}_{fixture}.snap"
            for line in ruff_expected(snapshot.read_text("utf-8"), fixture):
                expected[line].add(check)
        measure(f"ruff/{fixture}", text, expected, set(checks), codes, tallies, excluded_lines=statement_lines(text, _OTHER_LIBRARIES))
    return tallies


def statement_lines(text: str, pattern: re.Pattern[str]) -> set[int]:
    """The lines where a statement (with its block; not a ``def`` or ``class``) starts whose text matches."""
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if pattern.search(ast.get_source_segment(text, node) or ""):
                found.add(node.lineno)
    return found


def print_table(peer: str, tallies: dict[str, Tally], verbose: bool) -> tuple[int, int]:
    print(f"\n{peer}: check, asyncguide rules, recalled/expected, extra findings")
    expected = found = 0
    for check in sorted(tallies):
        tally = tallies[check]
        expected += tally.expected
        found += tally.found
        share = f"{100 * tally.found / tally.expected:.0f}%" if tally.expected else "-"
        print(f"  {check}  {','.join(sorted(CHECKS[check])):14} {tally.found:3}/{tally.expected:<3} {share:>5}  extras {len(tally.extras)}")
        if verbose:
            for line in tally.missed:
                print(f"      missed  {line}")
            for line in tally.extras:
                print(f"      extra   {line}")
    if expected:
        print(f"  total {found}/{expected} = {100 * found / expected:.1f}%")
    return found, expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flake8-async", type=Path, help="a checkout of python-trio/flake8-async")
    parser.add_argument("--ruff", type=Path, help="a checkout of astral-sh/ruff")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every missed line and every extra finding")
    parser.add_argument("--without-opt-in", action="store_true", help="leave out the rules marked opt_in (what runs by default)")
    arguments = parser.parse_args(argv)
    if arguments.flake8_async is None and arguments.ruff is None:
        parser.error("give --flake8-async, --ruff or both")
    codes = [code for code, rule in all_rules().items() if not (arguments.without_opt_in and getattr(rule, "opt_in", False))]
    print("excluded peer checks (no asyncio meaning):")
    for check, reason in EXCLUDED_CHECKS.items():
        print(f"  {check}: {reason}")
    found = expected = 0
    if arguments.flake8_async is not None:
        f, e = print_table("flake8-async", flake8_async(arguments.flake8_async, codes), arguments.verbose)
        found, expected = found + f, expected + e
    if arguments.ruff is not None:
        f, e = print_table("ruff", ruff(arguments.ruff, codes), arguments.verbose)
        found, expected = found + f, expected + e
    if expected:
        print(f"\nall peers: {found}/{expected} = {100 * found / expected:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
