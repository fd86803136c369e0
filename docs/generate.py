"""Generate the rule reference and the guideline maps from the rules themselves.

Writes ``docs/rules/<CODE>.md`` for every registered rule (``render_markdown`` of its docstring and
guideline quotes, and what the rule found on the real-application corpus), ``docs/rules/index.md``
(a table of every rule), ``docs/precision.md`` (the corpus and the figures per rule, from
``benchmarks/precision/summary.json``), the rule list inside the marked block of
``docs/changelog.md``, and ``docs/guidelines/<document>.md`` for each guideline document (its
bullets, section by section, with the rules enforcing each or why none can).
Deletes pages of rules and documents that no longer exist.

    .venv/bin/python docs/generate.py          # regenerate
    .venv/bin/python docs/generate.py --check  # exit 1 listing stale, missing and extra pages

``tests/test_docs.py`` runs the check, so a rule added without regenerating fails the tests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from pathlib import Path

from asyncguide.rules.documentation import fix_summary, render_markdown
from asyncguide.rules.guideline_map import Entry, Status, counts, guideline_map, not_checkable_file
from asyncguide.rules.guidelines import DOCUMENTS
from asyncguide.rules.registry import PACKS, all_rules, group_of
from asyncguide.rules.rule import FixAvailability, Rule
from asyncguide.server.check import SYNTAX_ERROR_CODE
from asyncguide.server.guideline_report import MARKS

DOCS = Path(__file__).resolve().parent
RULES_DIR = DOCS / "rules"
GUIDELINES_DIR = DOCS / "guidelines"
CHANGELOG = DOCS / "changelog.md"
PRECISION_PAGE = DOCS / "precision.md"
#: written by benchmarks/precision/triage.py from the corpus's findings and the verdicts on them
PRECISION_SUMMARY = DOCS.parent / "benchmarks" / "precision" / "summary.json"
REGENERATE = ".venv/bin/python docs/generate.py"

#: the changelog's generated block lies between these two lines
BEGIN_MARK = f"<!-- begin generated rule list: edit the rules, then run `{REGENERATE}` -->"
END_MARK = "<!-- end generated rule list -->"

PAGE_NOTICE = "<!-- generated from {source} by docs/generate.py; edit the rule's docstring, not this page -->"

FIX_LABELS = {
    FixAvailability.ALWAYS: "always",
    FixAvailability.SOMETIMES: "sometimes",
    FixAvailability.NEVER: "—",
}


def pack_of(rule: type[Rule]) -> str:
    """The pack folder a rule lives in (``asyncguide.rules.<pack>.<module>``)."""
    return rule.__module__.split(".")[2]


def source_of(rule: type[Rule]) -> str:
    return "rules/" + "/".join(rule.__module__.split(".")[2:]) + ".py"


def rule_page(rule: type[Rule], precision: dict) -> str:
    fact = corpus_fact(rule, precision)
    return PAGE_NOTICE.format(source=source_of(rule)) + "\n\n" + render_markdown(rule, [fact])


def load_precision() -> dict:
    return json.loads(PRECISION_SUMMARY.read_text("utf-8"))


def corpus_fact(rule: type[Rule], precision: dict) -> str:
    """What the rule found on the real-application corpus, and what the findings were judged."""
    corpus = "[real-application corpus](../precision.md)"
    if rule.opt_in:
        return f"Precision: off by default, so not run on the {corpus}."
    figures = precision["rules"].get(rule.code)
    if figures is None:
        return f"Precision: no finding on the {corpus}."
    found = plural(figures["findings"], "finding")
    if not figures["judged"]:
        return f"Precision: {found} on the {corpus}, none judged yet."
    return (f"Precision: {found} on the {corpus}; of the {figures['judged']} judged, "
            f"{judged_breakdown(figures)}.")


def judged_breakdown(figures: dict) -> str:
    """``13 worth acting on, 1 wrong, 0 debatable (precision 93%)``."""
    decided = figures["TP"] + figures["FP"]
    share = f" (precision {percent(figures['TP'], decided)})" if decided else ""
    return f"{figures['TP']} worth acting on, {figures['FP']} wrong, {figures['debatable']} debatable{share}"


def percent(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def precision_page(rules: dict[str, type[Rule]], precision: dict) -> str:
    """The corpus, the verdicts over all its findings, and the figures per rule."""
    projects = precision["projects"]
    total = precision["total"]
    lines = sum(project["lines"] for project in projects.values())
    findings_of: dict[str, int] = {}
    page = [
        "<!-- generated from benchmarks/precision/summary.json by docs/generate.py; do not edit -->",
        "",
        "# Precision on real applications",
        "",
        f"How many findings are worth acting on? asyncguide checks {plural(len(projects), 'real application')} "
        f"({lines:,} lines) with default settings, as a new user would, on Python {precision['python']}, and "
        "each finding is read in context and judged: **worth acting on** (a maintainer would want to change "
        "the code), **wrong**, or **debatable** (reasonable people differ). Precision is worth acting on "
        "÷ (worth acting on + wrong). The corpus, the findings and every verdict with its reason are in "
        "the repository, in `benchmarks/precision/`; `benchmarks/run precision` repeats the run.",
        "",
        "| Findings | Judged | Worth acting on | Wrong | Debatable | Precision |",
        "|---:|---:|---:|---:|---:|---:|",
        precision_row(total),
        "",
        *estimate_note(precision),
        "## Per rule",
        "",
        "Rules of the default group; the opt-in rules (group `opinion`) are off in this run.",
        "",
        "| Rule | Findings | Judged | Worth acting on | Wrong | Debatable | Precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for code, figures in precision["rules"].items():
        rule = rules.get(code)
        name = f"[{code}](rules/{code}.md) `{rule.name}`" if rule else code
        if code == SYNTAX_ERROR_CODE:
            name = f"{code} (a file that does not parse)"
        page.append(f"| {name} " + precision_row(figures))
        findings_of[code] = figures["findings"]
    silent = [code for code, rule in rules.items() if not rule.opt_in and code not in findings_of]
    page += [
        "",
        f"{plural(len(silent), 'default rule')} found nothing on the corpus: "
        + ", ".join(f"[{code}](rules/{code}.md)" for code in silent) + ".",
        "",
        "## The corpus",
        "",
        "The application's own package, without its tests and vendored code; of the largest, the "
        "parts that serve HTTP.",
        "",
        "| Application | Version | Framework | Files | Lines |",
        "|---|---|---|---:|---:|",
    ]
    for name, project in projects.items():
        page.append(f"| {name} | {project['version']} | {project['framework']} | {project['files']} | "
                    f"{project['lines']:,} |")
    return "\n".join(page) + "\n"


def estimate_note(precision: dict) -> list[str]:
    """While not every finding is judged: the verdicts extrapolated, rule by rule, to all findings."""
    total, estimated = precision["total"], precision["estimated"]
    if total["judged"] == total["findings"] or not estimated["findings"]:
        return []
    decided = estimated["TP"] + estimated["FP"]
    return [
        f"Not every finding is judged yet. Extrapolating each rule's verdicts to all its findings "
        f"(the {estimated['findings']} findings of the rules with verdicts): precision "
        f"{percent(estimated['TP'], decided)}, and {percent(estimated['debatable'], estimated['findings'])} "
        "of the findings debatable.",
        "",
    ]


def precision_row(figures: dict) -> str:
    decided = figures["TP"] + figures["FP"]
    cells = [figures["findings"], figures["judged"], figures["TP"], figures["FP"], figures["debatable"],
             percent(figures["TP"], decided)]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def table_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_index(rules: dict[str, type[Rule]]) -> str:
    lines = [
        "<!-- generated from the rules by docs/generate.py; do not edit -->",
        "",
        "# Rules",
        "",
        f"asyncguide has {plural(len(rules), 'rule')}. Each page explains what the rule finds, why it matters, "
        "the guideline it enforces (quoted), an example, the fix, and how safe the fix is. "
        "Select and ignore rules by code or prefix: see [Configuration](../configuration.md).",
        "",
        "| Code | Name | Framework | Severity | Fix | Group | Summary |",
        "|---|---|---|---|---|---|---|",
    ]
    for code, rule in rules.items():
        cells = [
            f"[{code}]({code}.md)",
            f"`{rule.name}`",
            rule.framework,
            rule.severity.value,
            FIX_LABELS[rule.fix_availability],
            group_of(rule),
            table_cell(rule.summary),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("In the Fix column, *always* means every finding comes with a fix, *sometimes* that "
                 "some do, and — that the rule has none. Rules of the *opinion* group are off unless "
                 "selected ([opt-in rules](../configuration.md#opt-in-rules)). `asyncguide rules` prints "
                 "this table and `asyncguide explain CODE` prints one page; [Precision](../precision.md) "
                 "shows how many findings of each rule were worth acting on in real applications.")
    return "\n".join(lines) + "\n"


def changelog_rule_list(rules: dict[str, type[Rule]]) -> str:
    """The changelog's list of rules, grouped by pack in the order of ``PACKS``."""
    parts: list[str] = []
    for pack in PACKS:
        in_pack = [rule for rule in rules.values() if pack_of(rule) == pack]
        if not in_pack:
            continue
        parts.append(f"### {pack} pack ({plural(len(in_pack), 'rule')})\n")
        for rule in in_pack:
            parts.append(f"- [{rule.code}](rules/{rule.code}.md) `{rule.name}`: {rule.summary}. "
                         f"{fix_summary(rule)}")
        parts.append("")
    return "\n".join(parts)


def with_rule_list(changelog: str, rules: dict[str, type[Rule]]) -> str:
    """``changelog`` with its generated block replaced by the current rule list."""
    block = re.compile(re.escape(BEGIN_MARK) + r"\n.*?" + re.escape(END_MARK), re.DOTALL)
    if not block.search(changelog):
        raise SystemExit(f"{CHANGELOG}: the lines\n{BEGIN_MARK}\n{END_MARK}\nare missing; put them back")
    replacement = f"{BEGIN_MARK}\n{changelog_rule_list(rules)}{END_MARK}"
    return block.sub(lambda _: replacement, changelog, count=1)


STATUS_LABELS = {
    Status.ENFORCED: "enforced by rules",
    Status.NOT_CHECKABLE: "not statically checkable",
    Status.NOT_YET_COVERED: "not yet covered",
}

#: said at the top of a document's page, after its counts
DOCUMENT_NOTES = {
    "starlette": "FastAPI applications are Starlette applications: this guideline and the Starlette "
                 "rules apply to them too.",
}


def status_cell(entry: Entry, rules: dict[str, type[Rule]]) -> str:
    """What the map says about one bullet: its rules, linked to their pages, or why none can check it."""
    if entry.status is Status.ENFORCED:
        return ", ".join(f'[{code}](../rules/{code}.md "{rules[code].name}")' for code in entry.rules)
    if entry.status is Status.NOT_CHECKABLE:
        return f"Not checkable: {table_cell(entry.not_checkable or '')}"
    return "Not yet covered"


def guideline_page(document: str, rules: dict[str, type[Rule]]) -> str:
    """One document's guideline map: coverage counts, then every bullet verbatim, section by section."""
    entries = guideline_map([document])
    title = DOCUMENTS[document]
    found = counts(entries)
    lines = [
        f"<!-- generated from rules/guidelines/{document}.txt, rules/{not_checkable_file(document)} "
        "and the rules' citations by docs/generate.py; do not edit -->",
        "",
        f"# {title} guideline",
        "",
        f"The {title} guideline has {plural(len(entries), 'bullet')}. Each one below is quoted word for "
        "word, in its section, with the rules that enforce it, or the reason no rule can check it by "
        "reading the code. [The guideline map](../guidelines.md) explains the three statuses; "
        f"`asyncguide guidelines --framework {document}` prints this page.",
        "",
        "| Status | Bullets |",
        "|---|---:|",
    ]
    lines += [f"| {MARKS[status]} {STATUS_LABELS[status]} | {found[status]} |" for status in Status]
    lines += [f"| **all** | **{len(entries)}** |", ""]
    if document in DOCUMENT_NOTES:
        lines += [DOCUMENT_NOTES[document], ""]
    for section, section_entries in itertools.groupby(entries, lambda entry: entry.bullet.section):
        lines += [f"## {section}", "", "| | Guideline | Coverage |", "|---|---|---|"]
        for entry in section_entries:
            lines.append(f"| {MARKS[entry.status]} | {table_cell(entry.bullet.text)} | {status_cell(entry, rules)} |")
        lines.append("")
    return "\n".join(lines)


def expected_files() -> dict[Path, str]:
    """Every generated file and the text it must have."""
    rules = all_rules()
    precision = load_precision()
    files = {RULES_DIR / f"{code}.md": rule_page(rule, precision) for code, rule in rules.items()}
    files[RULES_DIR / "index.md"] = rules_index(rules)
    files[PRECISION_PAGE] = precision_page(rules, precision)
    files[CHANGELOG] = with_rule_list(CHANGELOG.read_text("utf-8"), rules)
    files.update({GUIDELINES_DIR / f"{document}.md": guideline_page(document, rules) for document in DOCUMENTS})
    return files


def generated_folders() -> dict[Path, str]:
    """The folders holding only generated pages, and why a page there that nothing generates is extra."""
    return {RULES_DIR: "no rule has this code", GUIDELINES_DIR: "no guideline document has this name"}


def problems(expected: dict[Path, str]) -> list[str]:
    """What differs between the docs on disk and ``expected``: stale, missing and extra pages."""
    found: list[str] = []
    for path, text in expected.items():
        if not path.is_file():
            found.append(f"missing: {path.relative_to(DOCS.parent)}")
        elif path.read_text("utf-8") != text:
            found.append(f"stale: {path.relative_to(DOCS.parent)}")
    for folder, reason in generated_folders().items():
        for path in sorted(folder.glob("*.md")):
            if path not in expected:
                found.append(f"extra: {path.relative_to(DOCS.parent)} ({reason})")
    return found


def write(expected: dict[Path, str]) -> list[str]:
    """Bring the docs up to date; returns what changed."""
    changed = problems(expected)
    for folder in generated_folders():
        folder.mkdir(exist_ok=True)
    for path, text in expected.items():
        if not path.is_file() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
    for folder in generated_folders():
        for path in folder.glob("*.md"):
            if path not in expected:
                path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate the rule pages, the changelog's rule list and the guideline map pages."
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    expected = expected_files()
    if args.check:
        found = problems(expected)
        for line in found:
            print(line)
        if found:
            print(f"the generated docs are out of date; regenerate them with: {REGENERATE}")
            return 1
        print(f"{len(expected)} generated files are up to date")
        return 0
    for line in write(expected):
        print(line.replace("missing:", "created:").replace("stale:", "updated:").replace("extra:", "deleted:"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
