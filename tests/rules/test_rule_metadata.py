"""Every rule is complete: documented, quoting its guideline verbatim, exercised by a fixture."""

from __future__ import annotations

import pytest

from asyncguide.rules import guidelines
from asyncguide.rules.registry import PACKS, all_rules
from asyncguide.rules.rule import FixAvailability, Rule

from .fixture import FIXTURES as FIXTURE_DIR

RULES = list(all_rules().values())


def test_rules_are_registered() -> None:
    assert "ASY100" in all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule: type[Rule]) -> None:
    assert rule.missing_documentation() == []
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert rule.summary and rule.framework in guidelines.DOCUMENTS
    if rule.fix_availability is not FixAvailability.NEVER:
        assert rule.fix_title, "a rule with fixes names them"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_quotes_its_guideline_verbatim(rule: type[Rule]) -> None:
    assert rule.guidelines, "every rule cites at least one guideline bullet"
    for quote in rule.cited_guidelines():
        bullet = quote.resolve()
        assert bullet.text == quote.text
        assert f"- {quote.text}" in guidelines.document_text(quote.document).splitlines()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_a_fixture_in_its_pack(rule: type[Rule]) -> None:
    pack = rule.__module__.split(".")[2]
    assert pack in PACKS
    assert (FIXTURE_DIR / pack / f"{rule.code}.py").is_file()


def test_codes_and_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
