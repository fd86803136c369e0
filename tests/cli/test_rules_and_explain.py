"""``asyncguide rules`` and ``asyncguide explain``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asyncguide.rules.registry import all_rules

from .conftest import run_main, run_process

GUIDELINES = Path(__file__).resolve().parents[2] / "rules" / "guidelines"
RULE_KEYS = {"code", "name", "framework", "severity", "summary", "fix", "group", "guidelines"}


def test_rules_json_lists_every_rule_with_exactly_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "rules", "--format", "json")
    listing = json.loads(run.stdout)
    assert run.exit_code == 0
    assert [entry["code"] for entry in listing] == list(all_rules())
    for entry in listing:
        assert set(entry) == RULE_KEYS
        assert entry["severity"] in {"error", "warning", "information"}
        assert entry["fix"] in {"always", "sometimes", "never"}
        assert entry["group"] == ("opinion" if all_rules()[entry["code"]].opt_in else "default")
        assert entry["guidelines"], f"{entry['code']} quotes no guideline"
        for quote in entry["guidelines"]:
            assert set(quote) == {"document", "section", "text"}
    sleep = next(entry for entry in listing if entry["code"] == "ASY100")
    assert (sleep["name"], sleep["framework"], sleep["severity"], sleep["fix"]) == (
        "blocking-sleep-in-async",
        "asyncio",
        "warning",
        "sometimes",
    )
    assert sleep["group"] == "default"
    assert next(entry for entry in listing if entry["code"] == "STA004")["group"] == "opinion"
    assert {"document": "asyncio", "section": "Timeouts and Delays", "text": "Create proper sleep calls"} in sleep["guidelines"]


def test_rules_json_quotes_the_guideline_bullets_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    listing = json.loads(run_main(capsys, "rules", "--format", "json").stdout)
    for entry in listing:
        for quote in entry["guidelines"]:
            lines = (GUIDELINES / f"{quote['document']}.txt").read_text("utf-8").splitlines()
            assert f"- {quote['text']}" in lines, (entry["code"], quote)


def test_rules_text_has_a_line_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "rules")
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(all_rules())
    sleep = next(line for line in lines if line.startswith("ASY100 "))
    assert "blocking-sleep-in-async" in sleep and "fix: sometimes" in sleep and all_rules()["ASY100"].summary in sleep
    assert " default " in sleep
    assert " opinion " in next(line for line in lines if line.startswith("STA004 "))


def test_explain_prints_the_documentation_with_its_guideline_quotes(tmp_path: Path) -> None:
    run = run_process(tmp_path, "explain", "asy100")
    assert run.exit_code == 0
    assert run.stdout.startswith("# ASY100: blocking-sleep-in-async\n")
    assert "> Create proper sleep calls\n>\n> — *asyncio › Timeouts and Delays*" in run.stdout
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
        assert f"\n## {heading}\n" in run.stdout
    assert "\n- Group: default (on unless ignored).\n" in run.stdout


def test_explain_says_how_to_enable_an_opt_in_rule(tmp_path: Path) -> None:
    run = run_process(tmp_path, "explain", "STA004")
    assert '\n- Group: opinion (off unless selected: `extend-select = ["opinion"]` for the group, or `["STA004"]`).\n' in run.stdout


def test_explain_unknown_code_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "explain", "XYZ123")
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr == "asyncguide: error: unknown rule code 'XYZ123'; `asyncguide rules` lists every code\n"


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_main(capsys)
    assert exit_info.value.code == 2
    assert "required: command" in capsys.readouterr().err
