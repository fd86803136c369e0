"""The five guideline documents that asyncguide enforces, parsed into bullets.

The documents ship as package data (``guidelines/<framework>.txt``), byte-for-byte copies of the
seed files; ``tests/test_guidelines.py`` keeps them identical. Each document has a front-matter
header, then sections (``Section Name:`` lines, or ``## Heading`` in the Starlette document) with
``- `` bullets. Bullets inside fenced code blocks are code, not guidance.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

#: document name (as rules cite it) -> the title shown to users
DOCUMENTS: dict[str, str] = {
    "asyncio": "asyncio",
    "starlette": "Starlette",
    "aiohttp": "aiohttp",
    "sanic": "Sanic",
    "tornado": "Tornado",
}

_COLON_SECTION = re.compile(r"^([A-Z][^:`]*):\s*$")
_HEADING_SECTION = re.compile(r"^#{2,6}\s+(.+?)\s*$")


@dataclass(frozen=True)
class Bullet:
    """One bullet of a guideline document, quoted verbatim."""

    document: str
    section: str
    text: str
    line: int  # 1-based line in the document

    @property
    def title(self) -> str:
        """``asyncio › Timeouts and Delays``: where the bullet stands, as hovers show it."""
        return f"{DOCUMENTS[self.document]} › {self.section}"


@dataclass(frozen=True)
class Quote:
    """A rule's citation of a guideline bullet: the document, its section and the bullet's text.

    The text must be the bullet verbatim (without the leading ``- ``); ``resolve`` finds it.
    """

    document: str
    section: str
    text: str

    def resolve(self) -> Bullet:
        for bullet in bullets(self.document):
            if bullet.section == self.section and bullet.text == self.text:
                return bullet
        raise LookupError(f"no bullet {self.text!r} in section {self.section!r} of {self.document}")


def document_text(document: str) -> str:
    from importlib import resources  # (here: with tempfile and shutil, ~6 ms of every start otherwise)

    return resources.files(__package__).joinpath("guidelines", f"{document}.txt").read_text("utf-8")


@functools.cache
def bullets(document: str) -> tuple[Bullet, ...]:
    """Every bullet of one document, in order."""
    found: list[Bullet] = []
    section = ""
    in_code = False
    in_front_matter = False
    for number, line in enumerate(document_text(document).splitlines(), start=1):
        if number == 1 and line.strip() == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            in_front_matter = line.strip() != "---"
            continue
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if line.startswith("- "):
            found.append(Bullet(document, section, line[2:].strip(), number))
            continue
        heading = _HEADING_SECTION.match(line) or _COLON_SECTION.match(line)
        if heading:
            section = heading.group(1)
    return tuple(found)


def all_bullets() -> tuple[Bullet, ...]:
    return tuple(bullet for document in DOCUMENTS for bullet in bullets(document))
