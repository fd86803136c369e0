""""Fix all": built from one lint per round (its cost grows with the findings, not their square),
the same result as fixing with a fresh model per fix, and the document's line breaks kept."""

from __future__ import annotations

from unittest import mock

import pytest

from asyncguide.rules import fixes
from asyncguide.rules.fixes import FixContext, apply_edits, build_fix, fix_all, non_overlapping
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.registry import all_rules
from asyncguide.rules.rule import Applicability, Edit, Fix, Range
from asyncguide.rules.runner import lint, parses

from .fixture import Fixture, all_fixtures, fixture_params
from .generated import many_findings

FIXTURES = fixture_params([fixture for fixture in all_fixtures() if fixture.fixed_path.exists()])
ALL_CODES = frozenset(all_rules())


def fix_one_model_per_fix(
    source: str, codes: frozenset[str], target_version: tuple[int, int], unsafe: bool, notebook: bool = False
) -> str:
    """The reference: "fix all" as it was, each fix built from a model of its own (a fresh
    ``FixContext``), the first fixes that do not overlap applied each round, at most
    MAX_FIX_ROUNDS rounds; a round whose result would not parse applies its first fix that parses."""
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    for _ in range(fixes.MAX_FIX_ROUNDS):
        result = lint(source, codes, target_version, notebook=notebook)
        if result.syntax_error is not None:
            return source
        built = [build_fix(d, source, target_version, notebook) for d in result.diagnostics if d.fix in allowed]
        found = [fix for fix in built if fix is not None and fix.applicability in allowed and fix.edits]
        taken: list[Edit] = []
        for fix in found:
            if all(edit == other or not edit.range.overlaps(other.range) for edit in fix.edits for other in taken):
                taken.extend(fix.edits)
        candidate = apply_edits(source, taken)
        if not parses(candidate):
            candidate = next((c for c in (apply_edits(source, fix.edits) for fix in found) if parses(c)), source)
        if candidate == source:
            return source
        source = candidate
    return source


@pytest.mark.parametrize("count", [40, 600])
def test_fix_all_lints_and_parses_a_bounded_number_of_times(count: int) -> None:
    source = many_findings(count)
    with (
        mock.patch.object(fixes, "lint", wraps=fixes.lint) as lints,
        mock.patch.object(SemanticModel, "build", wraps=SemanticModel.build) as builds,
        mock.patch.object(fixes, "parses", wraps=fixes.parses) as parsed,
    ):
        result = fix_all(source, ALL_CODES, (3, 14))
    assert result.applied == count and result.rounds == 1
    # one lint per round and one to see that nothing is left; each builds the one model fixes use
    assert lints.call_count == 2
    assert builds.call_count == 2
    assert parsed.call_count == 1  # the round's result, once


def test_fix_all_of_many_findings_gives_what_one_model_per_fix_gives() -> None:
    source = many_findings(60)
    assert fix_all(source, ALL_CODES, (3, 14)).source == fix_one_model_per_fix(source, ALL_CODES, (3, 14), unsafe=False)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.code)
def test_fix_all_gives_what_one_model_per_fix_gives(fixture: Fixture) -> None:
    source, target = fixture.source, fixture.target_version
    for codes in ({fixture.code}, ALL_CODES):
        expected = fix_one_model_per_fix(source, frozenset(codes), target, unsafe=True, notebook=fixture.notebook)
        assert fix_all(source, codes, target, unsafe=True, notebook=fixture.notebook).source == expected


def test_fixes_that_break_the_code_together_are_left_out_and_the_others_kept() -> None:
    source = "".join(f"x{n:02} = {n}\n" for n in range(64))
    good = [Fix("ok", Applicability.SAFE, (Edit(Range(n, 0, n, 3), f"y{n:02}"),)) for n in range(64)]
    # a fix opening a bracket at line 9 and one at line 40 leave the module unparsable
    broken = {n: Fix("bad", Applicability.SAFE, (Edit(Range(n, 0, n, 3), f"(x{n:02}"),)) for n in (9, 40)}
    chosen = [broken.get(n, fix) for n, fix in enumerate(good)]
    with mock.patch.object(fixes, "parses", wraps=fixes.parses) as parsed:
        fixed, kept = fixes._fixes_that_parse(source, chosen)
    assert kept == [fix for n, fix in enumerate(chosen) if n not in broken]
    assert fixed == "".join(f"x{n:02} = {n}\n" if n in broken else f"y{n:02} = {n}\n" for n in range(64))
    assert parsed.call_count <= 2 * 2 * 6 + 2  # about 2·k·log2(n), not n


def test_overlapping_fixes_wait_for_the_next_round_and_identical_edits_repeat() -> None:
    import_edit = Edit(Range(0, 0, 0, 0), "import asyncio\n")
    first = Fix("a", Applicability.SAFE, (Edit(Range(2, 4, 2, 10), "x"), import_edit))
    overlapping = Fix("b", Applicability.SAFE, (Edit(Range(2, 8, 2, 12), "y"),))
    inside = Fix("c", Applicability.SAFE, (Edit(Range(2, 6, 2, 6), "z"),))  # an insertion inside the first
    touching = Fix("d", Applicability.SAFE, (Edit(Range(2, 10, 2, 12), "w"), import_edit))
    before = Fix("e", Applicability.SAFE, (Edit(Range(1, 0, 1, 3), "v"),))
    assert non_overlapping([first, overlapping, inside, touching, before]) == [first, touching, before]


# -------------------------------------------------------------------------------- line breaks


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.code)
def test_fixes_keep_the_documents_line_breaks(fixture: Fixture, newline: str) -> None:
    source = fixture.source.replace("\n", newline)
    fixed = fix_all(source, {fixture.code}, fixture.target_version, unsafe=True, notebook=fixture.notebook).source
    assert fixed == fixture.fixed_path.read_text("utf-8").replace("\n", newline)


def test_a_single_fix_keeps_the_documents_line_breaks() -> None:
    source = "import time\r\n\r\n\r\nasync def poll():\r\n    time.sleep(1)\r\n"
    [diagnostic] = lint(source, {"ASY100"}).diagnostics
    fix = build_fix(diagnostic, source)
    assert fix is not None
    assert all("\n" not in edit.new_text.replace("\r\n", "") for edit in fix.edits)
    assert apply_edits(source, fix.edits) == "import asyncio\r\nimport time\r\n\r\n\r\nasync def poll():\r\n    await asyncio.sleep(1)\r\n"


def test_a_shared_context_gives_the_fixes_a_fresh_one_gives() -> None:
    source = many_findings(20)
    result = lint(source, ALL_CODES, (3, 14))
    shared = FixContext(source, (3, 14), model=result.model)
    for diagnostic in result.diagnostics:
        assert build_fix(diagnostic, source, (3, 14), context=shared) == build_fix(diagnostic, source, (3, 14))
