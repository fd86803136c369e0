"""The guideline map is exact against the seed documents: every bullet once, verbatim, in its
section; the not-checkable files name only real bullets; nothing is both enforced and marked."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator

import pytest

from asyncguide.rules import guideline_map, guidelines, registry
from asyncguide.rules.guideline_map import Status, citing_rules, counts, problems
from asyncguide.rules.guidelines import DOCUMENTS, Quote
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.registry import all_rules
from asyncguide.rules.rule import Diagnostic, Rule
from asyncguide.server.cli import main
from tests.test_guidelines import SEED_FILES, SEEDS

JSON_KEYS = {"document", "framework", "section", "text", "rules", "not_checkable"}
_SECTION_LINE = re.compile(r"^#{2,6}\s+(.+?)\s*$|^([A-Z][^:`]*):\s*$")


def seed_text(document: str) -> str:
    """The seed file itself when it is beside this checkout, else the shipped copy (the same bytes:
    tests/test_guidelines.py)."""
    seed = SEEDS / SEED_FILES[document]
    return seed.read_text("utf-8") if seed.is_file() else guidelines.document_text(document)


def seed_bullet_lines(document: str) -> dict[int, str]:
    """1-based line -> text of every ``- `` line of the seed outside its front matter and code blocks."""
    lines = seed_text(document).splitlines()
    front_matter_end = lines.index("---", 1) + 1 if lines and lines[0] == "---" else 0
    found = {}
    in_code = False
    for number, line in enumerate(lines[front_matter_end:], start=front_matter_end + 1):
        if line.startswith("```"):
            in_code = not in_code
        elif line.startswith("- ") and not in_code:
            found[number] = line[2:]
    return found


def section_above(document: str, line: int) -> str:
    """The heading (``## Name`` or ``Name:``) nearest above a line of the seed."""
    for above in reversed(seed_text(document).splitlines()[: line - 1]):
        heading = _SECTION_LINE.match(above)
        if heading:
            return heading.group(1) or heading.group(2)
    raise AssertionError(f"no section above line {line} of {document}")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_bullet_of_the_seed_is_in_the_map_once_verbatim_in_its_section(document: str) -> None:
    entries = guideline_map.guideline_map([document])
    expected = seed_bullet_lines(document)
    assert sorted(entry.bullet.line for entry in entries) == sorted(expected), "bullets missing from or extra in the map"
    for entry in entries:
        assert entry.bullet.document == document
        assert entry.bullet.text == expected[entry.bullet.line].strip()
        assert entry.bullet.section == section_above(document, entry.bullet.line), entry.bullet.text
    keys = [(entry.bullet.section, entry.bullet.text) for entry in entries]
    assert len(keys) == len(set(keys)), "a (section, text) pair stands twice in one document"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_not_checkable_key_is_a_bullet_verbatim(document: str) -> None:
    known = {(bullet.section, bullet.text) for bullet in guidelines.bullets(document)}
    unknown = [key for key in guideline_map.not_checkable_reasons(document) if key not in known]
    assert not unknown, f"{guideline_map.not_checkable_file(document)} names no such bullet: " + "; ".join(
        f"[{section!r}] {text!r}" for section, text in unknown
    )


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_reason_is_one_specific_line(document: str) -> None:
    reasons = guideline_map.not_checkable_reasons(document)
    assert reasons, f"{guideline_map.not_checkable_file(document)} is missing or empty"
    for (section, text), reason in reasons.items():
        assert isinstance(reason, str) and reason.strip() and "\n" not in reason, (section, text)
    # a reason says why for its bullet: no one sentence stands for a large part of the document
    most_repeated = max(list(reasons.values()).count(reason) for reason in reasons.values())
    assert most_repeated <= 3


def test_no_bullet_is_both_enforced_and_marked_not_checkable() -> None:
    both = [entry for entry in guideline_map.guideline_map() if entry.rules and entry.not_checkable is not None]
    assert not both, "enforced by rules, so remove the not-checkable mark: " + "; ".join(
        f"{entry.bullet.document} [{entry.bullet.section!r}] {entry.bullet.text!r} ({', '.join(entry.rules)})"
        for entry in both
    )
    assert problems() == []


def test_enforcing_rules_are_exactly_the_rules_citing_the_bullet() -> None:
    entries = {(e.bullet.document, e.bullet.section, e.bullet.text): e for e in guideline_map.guideline_map()}
    for code, rule in all_rules().items():
        for quote in rule.cited_guidelines():
            assert code in entries[(quote.document, quote.section, quote.text)].rules, (code, quote)
    for key, entry in entries.items():
        for code in entry.rules:
            cited = {(q.document, q.section, q.text) for q in all_rules()[code].cited_guidelines()}
            assert key in cited, (code, key)
    assert citing_rules().keys() <= entries.keys()


def test_statuses_follow_rules_and_reasons_and_add_up_to_every_bullet() -> None:
    entries = guideline_map.guideline_map()
    for entry in entries:
        expected = (
            Status.ENFORCED if entry.rules else Status.NOT_CHECKABLE if entry.not_checkable else Status.NOT_YET_COVERED
        )
        assert entry.status is expected
    per_document = [counts(guideline_map.guideline_map([document])) for document in DOCUMENTS]
    for document, found in zip(DOCUMENTS, per_document):
        assert sum(found.values()) == len(guidelines.bullets(document))
    assert sum(sum(found.values()) for found in per_document) == sum(counts(entries).values()) == 597


@pytest.fixture
def scratch_registry() -> Iterator[None]:
    """A rule a test defines registers itself; afterwards the registry is as it was."""
    registry.all_rules()
    rules_before = dict(registry._rules)
    yield
    registry._rules.clear()
    registry._rules.update(rules_before)


def test_a_new_rule_citing_a_marked_bullet_enforces_it_and_the_mark_is_reported(scratch_registry: None) -> None:
    marked = next(entry for entry in guideline_map.guideline_map() if entry.status is Status.NOT_CHECKABLE)
    bullet = marked.bullet

    class CitesMarkedBullet(Rule):
        code = "TST950"
        name = "cites-a-marked-bullet"
        framework = bullet.document
        summary = "Cites a bullet the map marks not checkable"
        guidelines = (Quote(bullet.document, bullet.section, bullet.text),)
        node_types = (ast.Module,)

        def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
            return iter(())

    entry = next(e for e in guideline_map.guideline_map([bullet.document]) if e.bullet == bullet)
    assert entry.rules == (CitesMarkedBullet.code,) and entry.status is Status.ENFORCED
    assert any(repr(bullet.text) in problem and CitesMarkedBullet.code in problem for problem in problems())


def test_a_misspelt_key_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    bullet = guidelines.bullets("asyncio")[0]
    misspelt = bullet.text.replace(" ", "  ", 1)
    real = guideline_map.not_checkable_reasons

    def with_typo(document: str) -> dict[tuple[str, str], str]:
        reasons = dict(real(document))
        if document == "asyncio":
            reasons[(bullet.section, misspelt)] = "a reason"
            reasons[("No Such Section", bullet.text)] = "a reason"
        return reasons

    monkeypatch.setattr(guideline_map, "not_checkable_reasons", with_typo)
    found = problems()
    assert any(repr(misspelt) in problem and "no such bullet" in problem for problem in found)
    assert any("has no section 'No Such Section'" in problem for problem in found)


def test_json_output_quotes_every_bullet_verbatim_with_exactly_the_documented_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["guidelines", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert len(listing) == len(guidelines.all_bullets()) == 597
    lines = {document: set(guidelines.document_text(document).splitlines()) for document in DOCUMENTS}
    for item in listing:
        assert set(item) == JSON_KEYS
        assert f"- {item['text']}" in lines[item["document"]], item
        assert item["framework"] == DOCUMENTS[item["document"]]
        assert isinstance(item["rules"], list) and (item["not_checkable"] is None or isinstance(item["not_checkable"], str))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_is_complete(document: str) -> None:
    """Every bullet enforced or marked not checkable: none left "not yet covered"."""
    uncovered = [e.bullet.text for e in guideline_map.guideline_map([document]) if e.status is Status.NOT_YET_COVERED]
    assert not uncovered, f"{len(uncovered)} {document} bullets not yet covered: {uncovered}"
