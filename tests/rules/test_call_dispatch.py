"""Rules that name their callees (``Rule.callees``) lose nothing by seeing only those calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from asyncguide.rules.model import SemanticModel
from asyncguide.rules.registry import all_rules
from asyncguide.rules.runner import lint, rule_instance

from .fixture import readable_here

FIXTURES = [path for path in sorted(Path(__file__).parent.glob("fixtures/*/*.py")) if readable_here(path)]
NAMED = sorted(code for code in all_rules() if rule_instance(code).callees is not None)


def every_call(model: SemanticModel, names: frozenset[str]) -> list[ast.Call]:
    return model.nodes(ast.Call)  # type: ignore[return-value]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dispatch_by_callee_name_finds_what_every_call_finds(fixture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = fixture.read_text("utf-8")
    dispatched = lint(source, NAMED)
    monkeypatch.setattr(SemanticModel, "calls_named", every_call)
    undispatched = lint(source, NAMED)
    assert dispatched.internal_errors == undispatched.internal_errors == []
    assert dispatched.diagnostics == undispatched.diagnostics


def test_calls_are_found_by_qualified_and_by_called_name() -> None:
    model = SemanticModel.build(
        "from time import sleep as zzz\nimport requests\n\nzzz(1)\nrequests.get(u)\nsession.get(u)\nhandlers[0]()\n"
    )
    assert [ast.unparse(c) for c in model.calls_named(frozenset({"sleep"}))] == ["zzz(1)"]
    assert [ast.unparse(c) for c in model.calls_named(frozenset({"get", "zzz"}))] == [
        "zzz(1)",
        "requests.get(u)",
        "session.get(u)",
    ]
    assert model.calls_named(frozenset({"handlers"})) == []


def test_some_rules_name_their_callees() -> None:
    assert {"ASY100", "ASY101", "ASY102", "ASY103"} & set(NAMED)
