"""The documentation keeps up with the code: generated rule pages, the changelog, the guideline
maps, the settings."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from asyncguide.rules.config import Settings
from asyncguide.rules.guideline_map import Status, counts, guideline_map
from asyncguide.rules.guidelines import DOCUMENTS
from asyncguide.rules.registry import all_rules
from asyncguide.rules.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RULES = list(all_rules().values())
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


def load_generator() -> ModuleType:
    """docs/generate.py is a script, not a package module: load it from its path."""
    spec = importlib.util.spec_from_file_location("asyncguide_docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and typing resolve names through sys.modules
    spec.loader.exec_module(module)
    return module


generate = load_generator()


def test_generated_docs_are_up_to_date() -> None:
    found = generate.problems(generate.expected_files())
    assert not found, (
        "the generated docs do not match the rules:\n  " + "\n  ".join(found)
        + f"\nregenerate them (from the repository root) with: {generate.REGENERATE}"
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_page_has_every_section_and_a_quoted_guideline(rule: type[Rule]) -> None:
    page = DOCS / "rules" / f"{rule.code}.md"
    assert page.is_file(), f"{page.relative_to(ROOT)} is missing; run {generate.REGENERATE}"
    text = page.read_text("utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    for section in SECTIONS:
        assert section in headings, f"{page.name} lacks the section '## {section}'"
    quoted = [line for line in text.splitlines() if line.startswith("> ") and len(line) > 2]
    assert quoted, f"{page.name} quotes no guideline as a blockquote"
    for quote in rule.guidelines:
        assert f"> {quote.text}" in quoted


def test_rules_index_links_every_rule_page() -> None:
    index = (DOCS / "rules" / "index.md").read_text("utf-8")
    linked = set(re.findall(r"\]\(([A-Z]{3}[0-9]{3})\.md\)", index))
    assert linked == {rule.code for rule in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_changelog_lists_the_rule(rule: type[Rule]) -> None:
    changelog = (DOCS / "changelog.md").read_text("utf-8")
    assert "## 0.1.0" in changelog
    assert re.search(rf"\b{rule.code}\b", changelog), (
        f"docs/changelog.md does not mention {rule.code}; run {generate.REGENERATE}"
    )


def test_check_reports_stale_missing_and_extra_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules_dir = tmp_path / "docs" / "rules"
    guidelines_dir = tmp_path / "docs" / "guidelines"
    rules_dir.mkdir(parents=True)
    guidelines_dir.mkdir()
    monkeypatch.setattr(generate, "DOCS", tmp_path / "docs")
    monkeypatch.setattr(generate, "RULES_DIR", rules_dir)
    monkeypatch.setattr(generate, "GUIDELINES_DIR", guidelines_dir)
    (rules_dir / "ASY100.md").write_text("current\n", "utf-8")
    (rules_dir / "ASY101.md").write_text("old text\n", "utf-8")
    (rules_dir / "ASY999.md").write_text("a deleted rule\n", "utf-8")
    (guidelines_dir / "asyncio.md").write_text("old map\n", "utf-8")
    (guidelines_dir / "flask.md").write_text("no such document\n", "utf-8")
    expected = {
        rules_dir / "ASY100.md": "current\n",
        rules_dir / "ASY101.md": "new text\n",
        rules_dir / "ASY102.md": "a new rule\n",
        guidelines_dir / "asyncio.md": "new map\n",
        guidelines_dir / "tornado.md": "a new map\n",
    }
    assert generate.problems(expected) == [
        "stale: docs/rules/ASY101.md",
        "missing: docs/rules/ASY102.md",
        "stale: docs/guidelines/asyncio.md",
        "missing: docs/guidelines/tornado.md",
        "extra: docs/rules/ASY999.md (no rule has this code)",
        "extra: docs/guidelines/flask.md (no guideline document has this name)",
    ]
    generate.write(expected)
    assert generate.problems(expected) == []
    assert not (rules_dir / "ASY999.md").exists()
    assert not (guidelines_dir / "flask.md").exists()


def test_generator_check_mode_exits_with_the_command_to_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(generate, "problems", lambda expected: ["stale: docs/rules/ASY100.md"])
    assert generate.main(["--check"]) == 1
    output = capsys.readouterr().out
    assert "stale: docs/rules/ASY100.md" in output
    assert generate.REGENERATE in output


@pytest.mark.parametrize("document", DOCUMENTS)
def test_guideline_page_marks_every_bullet(document: str) -> None:
    """Every bullet, verbatim, in its section and in document order, with its rules or its reason."""
    page = DOCS / "guidelines" / f"{document}.md"
    assert page.is_file(), f"{page.relative_to(ROOT)} is missing; run {generate.REGENERATE}"
    rows = []
    section = None
    for line in page.read_text("utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:]
        cells = re.fullmatch(r"\| (\S) \| (.+?) \| (.+) \|", line)
        if cells:
            rows.append((section, cells.group(2).replace("\\|", "|"), cells.group(1), cells.group(3)))
    entries = guideline_map([document])
    assert [(section, text) for section, text, _, _ in rows] == [
        (entry.bullet.section, entry.bullet.text) for entry in entries
    ], f"{page.name} does not quote every bullet of {document} verbatim, in its section"
    for entry, (_, _, mark, coverage) in zip(entries, rows):
        if entry.status is Status.ENFORCED:
            assert mark == "✓"
            assert re.findall(r"\[([A-Z]{3}[0-9]{3})\]\(\.\./rules/\1\.md", coverage) == list(entry.rules)
        elif entry.status is Status.NOT_CHECKABLE:
            assert (mark, coverage) == ("—", f"Not checkable: {entry.not_checkable}")
        else:
            assert (mark, coverage) == ("?", "Not yet covered")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_guideline_page_counts_add_up(document: str) -> None:
    text = (DOCS / "guidelines" / f"{document}.md").read_text("utf-8")
    found = counts(guideline_map([document]))
    for status, label in generate.STATUS_LABELS.items():
        assert f"| {generate.MARKS[status]} {label} | {found[status]} |" in text
    assert f"| **all** | **{sum(found.values())}** |" in text


def test_configuration_reference_documents_every_key() -> None:
    reference = (DOCS / "configuration.md").read_text("utf-8")
    keys = [f.name.replace("_", "-") for f in dataclasses.fields(Settings) if f.name not in {"root", "source", "warnings"}]
    assert keys, "Settings has fields"
    for key in keys:
        assert re.search(rf"^### `{re.escape(key)}`", reference, flags=re.MULTILINE), (
            f"docs/configuration.md has no '### `{key}`' section"
        )
