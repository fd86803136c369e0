"""Robustness of every rule, on code nobody wrote by hand.

- Generated programs (hypothesmith, from the grammar and from libcst nodes) lint with every rule
  enabled without any rule raising, and every fix (unsafe ones too), alone or all together, leaves
  code that parses. Half of them follow a prelude importing the five frameworks, because the runner
  skips a framework pack's rules in a module that does not import the framework. Generating
  programs is what takes the time (seconds), so the number of examples is kept small.
- Random sequences of edits (typing, deleting across lines, pasting lines, half-typed brackets and
  strings), on the fixtures and on generated programs, lint after each edit through the
  incremental parser (``lint(previous=...)``, as the server does: ``rules/reparse.py``) exactly as
  a fresh lint does, and where the edited text parses, its fixes leave code that parses.
- Every fixture, cut short every 7th line (and mid-line) as an editor sees it while the user
  types, lints without any rule raising.

They run over whatever rules are registered, so they cover each new pack as it lands. The examples
here are few, to keep the suite fast; ``python -m tests.fuzz_campaign --minutes N`` runs the same
properties for as long as asked, before a release.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncguide.rules.fixes import apply_edits, build_fix, fix_all
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.registry import all_rules
from asyncguide.rules.runner import lint, parses

from .fixture import FIXTURES, readable_here

ALL_CODES = frozenset(all_rules())

PRELUDE = (
    "import asyncio\n"
    "import sqlite3\n"
    "from asyncio import ensure_future, gather, iscoroutinefunction\n"
    "from fastapi import FastAPI\n"
    "from starlette.applications import Starlette\n"
    "from aiohttp import web\n"
    "from sanic import Sanic\n"
    "import tornado.web\n"
)

PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())

#: what an edit types: code, brackets and quotes left open, line breaks and indentation, comments
TYPED = st.lists(
    st.sampled_from(
        [*"abc_ ():[]{}'\"\\#@=.,+\t", "\n", "\n    ", "def ", "async ", "await ", "    ", '"""', "else:", "lambda", "time.sleep(1)"]
    ),
    max_size=6,
).map("".join)
#: lines typed at the end of a line, indented as it is ("{indent}"): edits that keep the code valid
#: most of the time, so that the incremental parser re-uses and moves statements
LINES = st.sampled_from(["  # note", "\n{indent}pass", "\n{indent}x = 1", "\n", "\n{indent}time.sleep(1)", "\n{indent}await f()"])
#: an edit: where (a share of the lines), the column, how many characters it deletes (line breaks
#: too; a negative number: that many whole lines), and what it types there
EDITS = st.lists(
    st.one_of(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 40), st.integers(0, 12), TYPED),
        st.tuples(st.floats(0, 1, exclude_max=True), st.just(1 << 20), st.just(0), LINES),
        st.tuples(st.floats(0, 1, exclude_max=True), st.just(0), st.integers(-3, -1), st.just("")),
    ),
    min_size=1,
    max_size=6,
)
FIXTURE_PATHS = [path for path in sorted(FIXTURES.glob("*/*.py")) if readable_here(path)]

TRUNCATE_EVERY = 7

#: what the properties checked, for ``tests.fuzz_campaign``'s report
checked: Counter[str] = Counter()

_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}


def edit(source: str, where: float, column: int, deleted: int, typed: str) -> str:
    lines = source.split("\n")
    line = int(where * len(lines))
    if deleted < 0:
        return "\n".join(lines[:line] + lines[line - deleted :])
    start = sum(len(text) + 1 for text in lines[:line]) + min(column, len(lines[line]))
    typed = typed.replace("{indent}", lines[line][: len(lines[line]) - len(lines[line].lstrip())])
    return source[:start] + typed + source[start + deleted :]


def fixes_leave_code_that_parses(source: str) -> None:
    """Every fix of ``source`` (which parses) alone, and all of them together, leave code that parses."""
    for diagnostic in lint(source, ALL_CODES).diagnostics:
        fix = build_fix(diagnostic, source)
        if fix is not None:
            checked["fixes"] += 1
            fixed = apply_edits(source, fix.edits)
            assert parses(fixed), (diagnostic, fixed)
    fixed = fix_all(source, ALL_CODES, unsafe=True).source
    assert parses(fixed), fixed


def edits_lint_incrementally_as_afresh(source: str, edits: list[tuple[float, int, int, str]]) -> None:
    """Edit after edit, a lint re-using the last model (as the server keeps it) equals a fresh one;
    the last text's fixes leave code that parses."""
    result = lint(source, ALL_CODES)
    assert result.internal_errors == [], result.internal_errors
    kept: SemanticModel | None = result.model
    for where, column, deleted, typed in edits:
        source = edit(source, where, column, deleted, typed)
        incremental = lint(source, ALL_CODES, previous=kept)
        fresh = lint(source, ALL_CODES)
        checked["edits"] += 1
        assert incremental.internal_errors == [] and fresh.internal_errors == [], (source, fresh.internal_errors)
        assert incremental.syntax_error == fresh.syntax_error, source
        assert incremental.diagnostics == fresh.diagnostics, source
        if incremental.syntax_error is None or incremental.previous_spoiled:
            kept = incremental.model  # otherwise the last model that parsed stays, as in the server
    if fresh.syntax_error is None:
        fixes_leave_code_that_parses(source)


def generated_program_lints_and_fixes(program: str, in_framework_module: bool, edits: list[tuple[float, int, int, str]]) -> None:
    source = PRELUDE + program if in_framework_module else program
    checked["programs"] += 1
    result = lint(source, ALL_CODES)
    assert result.internal_errors == [], result.internal_errors
    if result.syntax_error is None:
        fixes_leave_code_that_parses(source)
    edits_lint_incrementally_as_afresh(source, edits)


def edited_fixture_lints_as_afresh(fixture: Path, edits: list[tuple[float, int, int, str]]) -> None:
    checked["fixtures edited"] += 1
    edits_lint_incrementally_as_afresh(fixture.read_text("utf-8"), edits)


#: (property, its strategies) for ``tests.fuzz_campaign``
PROPERTIES = {
    "generated programs": (
        generated_program_lints_and_fixes,
        {"program": PROGRAMS, "in_framework_module": st.booleans(), "edits": EDITS},
    ),
    "edited fixtures": (edited_fixture_lints_as_afresh, {"fixture": st.sampled_from(FIXTURE_PATHS), "edits": EDITS}),
}


# The model raises the recursion limit for deeply nested code, which Hypothesis notes; generated
# programs may also hold literals that compile with a SyntaxWarning (edits type backslashes too).
FUZZ_WARNINGS = pytest.mark.filterwarnings(
    "ignore:The recursion limit will not be reset", "ignore::SyntaxWarning", "ignore::DeprecationWarning"
)


@FUZZ_WARNINGS
@settings(max_examples=60, **_SETTINGS)
@given(**PROPERTIES["generated programs"][1])
def test_generated_programs_lint_and_fix_without_errors(program: str, in_framework_module: bool, edits: list[tuple[float, int, int, str]]) -> None:
    generated_program_lints_and_fixes(program, in_framework_module, edits)


@FUZZ_WARNINGS
@settings(max_examples=40, **_SETTINGS)
@given(**PROPERTIES["edited fixtures"][1])
def test_edited_fixtures_lint_incrementally_as_afresh(fixture: Path, edits: list[tuple[float, int, int, str]]) -> None:
    edited_fixture_lints_as_afresh(fixture, edits)


def test_an_edit_deletes_and_types_where_told() -> None:
    assert edit("ab\ncd\nef", 0.5, 1, 3, "X") == "ab\ncXf"  # line 1, column 1: "d\ne" replaced
    assert edit("ab\n  cd\nef", 0.5, 1 << 20, 0, "\n{indent}x") == "ab\n  cd\n  x\nef"
    assert edit("ab\ncd\nef\ngh", 0.3, 0, -2, "") == "ab\ngh"


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.glob("**/*.py"))


def truncations(source: str) -> list[str]:
    """The source cut after every 7th line, and in the middle of that line: half-typed code."""
    lines = source.splitlines(keepends=True)
    cut = []
    for end in range(TRUNCATE_EVERY, len(lines) + 1, TRUNCATE_EVERY):
        cut.append("".join(lines[:end]))
        cut.append("".join(lines[: end - 1]) + lines[end - 1][: len(lines[end - 1]) // 2])
    return cut


def test_truncations_cut_where_promised() -> None:
    source = "".join(f"line{n}\n" for n in range(1, 16))
    assert truncations(source) == [
        "".join(f"line{n}\n" for n in range(1, 8)),
        "".join(f"line{n}\n" for n in range(1, 7)) + "lin",
        "".join(f"line{n}\n" for n in range(1, 15)),
        "".join(f"line{n}\n" for n in range(1, 14)) + "lin",
    ]


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_half_typed_fixtures_lint_without_errors(path: Path) -> None:
    for source in truncations(path.read_text("utf-8")):
        result = lint(source, ALL_CODES)
        assert result.internal_errors == [], (source, result.internal_errors)
