"""The guideline map: for every bullet of the five documents, the rules that enforce it, or why no
rule can.

Each bullet has one of three statuses:

- **enforced**: some registered rule cites it (``Rule.cited_guidelines()``; derived, never listed
  by hand, so a new rule's citations show up here at once);
- **not checkable**: no pattern in a single source file shows whether the code follows it (general
  advice, test strategy, deployment); the reason is data, one line per bullet, in
  ``guidelines/<document>.not-checkable.toml``: one table per section, the bullet's text verbatim
  as the key, the reason as the value;
- **not yet covered**: neither, so a rule could check it and none does yet.

A bullet is identified by its document, section and text: the same text may stand in two sections
(asyncio's "Use proper debug mode"). ``problems()`` lists what makes the map wrong: a key of a
not-checkable file that is no bullet, a bullet both enforced and marked, a reason that is empty or
more than one line.
"""

from __future__ import annotations

import enum
import functools
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from .guidelines import DOCUMENTS, Bullet, bullets
from .registry import all_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10
    import tomli as tomllib


class Status(enum.Enum):
    ENFORCED = "enforced"
    NOT_CHECKABLE = "not checkable"
    NOT_YET_COVERED = "not yet covered"


#: (section, text) of a bullet within its document
BulletKey = tuple[str, str]


@dataclass(frozen=True)
class Entry:
    """One bullet of the map: the rules citing it and the reason it is not checkable, if marked."""

    bullet: Bullet
    rules: tuple[str, ...]
    not_checkable: str | None

    @property
    def status(self) -> Status:
        if self.rules:
            return Status.ENFORCED
        if self.not_checkable is not None:
            return Status.NOT_CHECKABLE
        return Status.NOT_YET_COVERED


def not_checkable_file(document: str) -> str:
    """The data file's name, relative to the package (for messages)."""
    return f"guidelines/{document}.not-checkable.toml"


@functools.cache
def not_checkable_reasons(document: str) -> dict[BulletKey, str]:
    """Every (section, bullet text) -> reason of one document's not-checkable file, as written
    (keys that name no bullet included: ``problems`` reports them)."""
    source = resources.files(__package__).joinpath(not_checkable_file(document))
    if not source.is_file():
        return {}
    tables = tomllib.loads(source.read_text("utf-8"))
    return {(section, text): reason for section, table in tables.items() for text, reason in table.items()}


def citing_rules() -> dict[tuple[str, str, str], tuple[str, ...]]:
    """(document, section, text) -> the codes of the registered rules citing that bullet, sorted."""
    codes: dict[tuple[str, str, str], list[str]] = {}
    for code, rule in all_rules().items():
        for quote in dict.fromkeys(rule.cited_guidelines()):
            codes.setdefault((quote.document, quote.section, quote.text), []).append(code)
    return {key: tuple(sorted(found)) for key, found in codes.items()}


def guideline_map(documents: Iterable[str] = tuple(DOCUMENTS)) -> tuple[Entry, ...]:
    """The map of the given documents (default: all five), bullet by bullet in document order."""
    cited = citing_rules()
    entries = []
    for document in documents:
        reasons = not_checkable_reasons(document)
        for bullet in bullets(document):
            entries.append(
                Entry(
                    bullet,
                    cited.get((document, bullet.section, bullet.text), ()),
                    reasons.get((bullet.section, bullet.text)),
                )
            )
    return tuple(entries)


def counts(entries: Iterable[Entry]) -> dict[Status, int]:
    """How many entries have each status (every status present, zero or not)."""
    found = Counter(entry.status for entry in entries)
    return {status: found[status] for status in Status}


def problems() -> list[str]:
    """Everything that makes the map wrong, one message each; empty when it is right."""
    found = []
    for document in DOCUMENTS:
        known = {(bullet.section, bullet.text) for bullet in bullets(document)}
        sections = {section for section, _ in known}
        for (section, text), reason in not_checkable_reasons(document).items():
            where = f"{not_checkable_file(document)}: [{section!r}] {text!r}"
            if section not in sections:
                found.append(f"{where}: {document} has no section {section!r}")
            elif (section, text) not in known:
                found.append(f"{where}: no such bullet in that section (the key must be the bullet verbatim)")
            if not isinstance(reason, str) or not reason.strip() or "\n" in reason:
                found.append(f"{where}: the reason must be one non-empty line")
    for entry in guideline_map():
        if entry.rules and entry.not_checkable is not None:
            found.append(
                f"{not_checkable_file(entry.bullet.document)}: [{entry.bullet.section!r}] {entry.bullet.text!r} "
                f"is marked not checkable, but {', '.join(entry.rules)} enforce it: remove the mark"
            )
    return found
