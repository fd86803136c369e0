"""``asyncguide guidelines``: the guideline map as text (per document, per section) or JSON."""

from __future__ import annotations

import json
from itertools import groupby

from ..rules.guideline_map import Entry, Status, counts, guideline_map
from ..rules.guidelines import DOCUMENTS

#: what ``--framework`` accepts, and the document each names (FastAPI apps are Starlette apps)
FRAMEWORK_DOCUMENTS = {**{document: document for document in DOCUMENTS}, "fastapi": "starlette"}

MARKS = {Status.ENFORCED: "✓", Status.NOT_CHECKABLE: "—", Status.NOT_YET_COVERED: "?"}
LEGEND = "✓ enforced by the rules named   — not statically checkable, and why   ? not yet covered by a rule"


def report_entries(framework: str | None) -> tuple[Entry, ...]:
    """The map of one framework's document, or of all five."""
    return guideline_map([FRAMEWORK_DOCUMENTS[framework]] if framework else DOCUMENTS)


def guidelines_json(entries: tuple[Entry, ...]) -> str:
    listing = [
        {
            "document": entry.bullet.document,
            "framework": DOCUMENTS[entry.bullet.document],
            "section": entry.bullet.section,
            "text": entry.bullet.text,
            "rules": list(entry.rules),
            "not_checkable": entry.not_checkable,
        }
        for entry in entries
    ]
    return json.dumps(listing, indent=2, ensure_ascii=False) + "\n"


def coverage_line(label: str, entries: tuple[Entry, ...]) -> str:
    found = counts(entries)
    return (
        f"{label}: {len(entries)} bullets: {found[Status.ENFORCED]} enforced, "
        f"{found[Status.NOT_CHECKABLE]} not checkable, {found[Status.NOT_YET_COVERED]} not yet covered"
    )


def guidelines_text(entries: tuple[Entry, ...]) -> str:
    lines = [LEGEND]
    by_document = [(document, tuple(group)) for document, group in groupby(entries, lambda e: e.bullet.document)]
    for document, document_entries in by_document:
        lines += ["", coverage_line(f"{DOCUMENTS[document]} guideline", document_entries)]
        for section, section_entries in groupby(document_entries, lambda e: e.bullet.section):
            lines += ["", f"  {section}"]
            lines += [bullet_line(entry) for entry in section_entries]
    if len(by_document) > 1:
        lines += ["", coverage_line("All guidelines", entries)]
    return "\n".join(lines) + "\n"


def bullet_line(entry: Entry) -> str:
    line = f"    {MARKS[entry.status]} {entry.bullet.text}"
    if entry.status is Status.ENFORCED:
        return f"{line}  [{', '.join(entry.rules)}]"
    if entry.status is Status.NOT_CHECKABLE:
        return f"{line}\n        not checkable: {entry.not_checkable}"
    return line
