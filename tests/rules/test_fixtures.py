"""Every rule against its fixture: exactly the marked lines report, and fixes give the checked output."""

from __future__ import annotations

import ast

import pytest

from asyncguide.rules.runner import lint

from .fixture import Fixture, all_fixtures, fixture_params

FIXTURES = fixture_params(all_fixtures())


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.code)
def test_reports_exactly_the_marked_lines(fixture: Fixture) -> None:
    result = lint(fixture.source, {fixture.code}, fixture.target_version, notebook=fixture.notebook)
    assert result.syntax_error is None, result.syntax_error
    assert result.internal_errors == []
    reported = sorted((d.range.start_line + 1, d.code) for d in result.diagnostics)
    assert reported == fixture.expected()
    assert fixture.expected(), "a fixture must mark at least one positive case"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.code)
def test_fixes_give_the_checked_output(fixture: Fixture) -> None:
    fixable = [
        d for d in lint(fixture.source, {fixture.code}, fixture.target_version, notebook=fixture.notebook).diagnostics if d.fixable
    ]
    if not fixable:
        assert not fixture.fixed_path.exists(), "a .fixed.py file for a fixture with nothing to fix"
        return
    fixed = fixture.fixed()
    assert fixture.fixed_path.exists(), "fixable diagnostics but no .fixed.py (run python -m tests.rules.fixture --update)"
    assert fixed == fixture.fixed_path.read_text("utf-8")
    ast.parse(fixed)
    again = lint(fixed, {fixture.code}, fixture.target_version, notebook=fixture.notebook)
    assert [d for d in again.diagnostics if d.fixable] == [], "fixing must converge"
