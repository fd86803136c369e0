"""``asyncguide guidelines``: the guideline map, whole or for one framework, as text or JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from asyncguide.rules import guidelines
from asyncguide.rules.guideline_map import Status, counts, guideline_map

from .conftest import run_main, run_process

JSON_KEYS = {"document", "framework", "section", "text", "rules", "not_checkable"}
COUNTS_LINE = re.compile(
    r"^(.+?): (\d+) bullets: (\d+) enforced, (\d+) not checkable, (\d+) not yet covered$", flags=re.MULTILINE
)


def json_listing(capsys: pytest.CaptureFixture[str], *arguments: str) -> list[dict]:
    run = run_main(capsys, "guidelines", "--format", "json", *arguments)
    assert run.exit_code == 0 and run.stderr == ""
    return json.loads(run.stdout)


def test_json_has_one_object_per_bullet_with_exactly_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    listing = json_listing(capsys)
    assert [(item["document"], item["section"], item["text"]) for item in listing] == [
        (bullet.document, bullet.section, bullet.text) for bullet in guidelines.all_bullets()
    ]
    for item in listing:
        assert set(item) == JSON_KEYS
    sleep = next(item for item in listing if item["text"] == "Create proper sleep calls")
    assert sleep["framework"] == "asyncio" and "ASY100" in sleep["rules"] and sleep["not_checkable"] is None
    marked = [item for item in listing if item["not_checkable"] is not None]
    assert marked and all(item["rules"] == [] for item in marked)


@pytest.mark.parametrize("framework", ["sanic", "Tornado", "aiohttp", "asyncio"])
def test_framework_option_keeps_only_that_document(capsys: pytest.CaptureFixture[str], framework: str) -> None:
    listing = json_listing(capsys, "--framework", framework)
    document = framework.lower()
    assert {item["document"] for item in listing} == {document}
    assert len(listing) == len(guidelines.bullets(document))


def test_fastapi_selects_the_starlette_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert json_listing(capsys, "--framework", "fastapi") == json_listing(capsys, "--framework", "starlette")
    assert {item["framework"] for item in json_listing(capsys, "--framework", "fastapi")} == {"Starlette"}


def test_unknown_framework_is_a_usage_error(tmp_path: Path) -> None:
    run = run_process(tmp_path, "guidelines", "--framework", "django")
    assert run.exit_code == 2 and "django" in run.stderr and run.stdout == ""


def test_text_gives_counts_per_document_that_add_up(tmp_path: Path) -> None:
    run = run_process(tmp_path, "guidelines")
    assert run.exit_code == 0
    headers = COUNTS_LINE.findall(run.stdout)
    assert [label for label, *_ in headers] == [f"{title} guideline" for title in guidelines.DOCUMENTS.values()] + [
        "All guidelines"
    ]
    for (label, total, enforced, not_checkable, uncovered), document in zip(headers, guidelines.DOCUMENTS):
        found = counts(guideline_map([document]))
        assert (int(enforced), int(not_checkable), int(uncovered)) == (
            found[Status.ENFORCED],
            found[Status.NOT_CHECKABLE],
            found[Status.NOT_YET_COVERED],
        ), label
        assert int(total) == int(enforced) + int(not_checkable) + int(uncovered) == len(guidelines.bullets(document))
    assert int(headers[-1][1]) == sum(int(header[1]) for header in headers[:-1]) == 597


def test_text_marks_each_bullet_under_its_section(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "guidelines", "--framework", "asyncio")
    assert run.exit_code == 0
    headers = COUNTS_LINE.findall(run.stdout)
    assert [header[0] for header in headers] == ["asyncio guideline"]
    lines = run.stdout.splitlines()
    assert "  Timeouts and Delays" in lines
    sleep = next(line for line in lines if line.startswith("    ✓ Create proper sleep calls"))
    assert "ASY100" in sleep and lines.index(sleep) > lines.index("  Timeouts and Delays")
    for entry in guideline_map(["asyncio"]):
        mark = {Status.ENFORCED: "✓", Status.NOT_CHECKABLE: "—", Status.NOT_YET_COVERED: "?"}[entry.status]
        assert any(line.startswith(f"    {mark} {entry.bullet.text}") for line in lines), entry.bullet.text
        if entry.not_checkable:
            assert f"        not checkable: {entry.not_checkable}" in lines
