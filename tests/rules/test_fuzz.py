"""Robustness of every rule, on code nobody wrote by hand.

- Generated programs (hypothesmith, from the grammar and from libcst nodes) lint with every rule
  enabled without any rule raising, and applying every fix (unsafe ones too) leaves code that
  parses. Half of them follow a prelude importing the five frameworks, because the runner skips a
  framework pack's rules in a module that does not import the framework. Generating programs is
  what takes the time (seconds), so the number of examples is kept small.
- Every fixture, cut short every 7th line (and mid-line) as an editor sees it while the user
  types, lints without any rule raising.

Both run over whatever rules are registered, so they cover each new pack as it lands.
"""

from __future__ import annotations

from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncguide.rules.fixes import fix_all
from asyncguide.rules.registry import all_rules
from asyncguide.rules.runner import lint, parses

from .fixture import FIXTURES

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

TRUNCATE_EVERY = 7


# The model raises the recursion limit for deeply nested code, which Hypothesis notes; generated
# programs may also hold literals that compile with a SyntaxWarning.
@pytest.mark.filterwarnings("ignore:The recursion limit will not be reset", "ignore::SyntaxWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(program=PROGRAMS, in_framework_module=st.booleans())
def test_generated_programs_lint_and_fix_without_errors(program: str, in_framework_module: bool) -> None:
    source = PRELUDE + program if in_framework_module else program
    result = lint(source, ALL_CODES)
    assert result.internal_errors == [], result.internal_errors
    if result.syntax_error is None:
        fixed = fix_all(source, ALL_CODES, unsafe=True).source
        assert parses(fixed), fixed


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
