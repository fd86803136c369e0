"""Rule fixtures: Python files with the expected diagnostics marked inline.

``tests/rules/fixtures/<pack>/<CODE>.py`` holds code for one rule. A line where the rule must
report ends with ``# expect: <CODE>`` (``# expect: ASY100, ASY110`` for several); every other line
must stay silent, so the file's unmarked look-alikes are the negative cases. A first-line comment
``# target-version: py311`` lints it for that version; a first-line comment ``# notebook`` lints it
as a notebook's code cells, joined (``rules.notebooks``: top-level ``await`` allowed). When the rule
has fixes, ``<CODE>.fixed.py`` beside it is the file after applying every fix (safe and unsafe)
until none is left; ``python -m tests.rules.fixture --update`` rewrites those from the current rules, for review
(``--update ASY100 TOR`` only those of ASY100 and of the codes starting with TOR).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from asyncguide.rules.config import TARGET_VERSIONS
from asyncguide.rules.fixes import fix_all

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]{3}[0-9]{3}(?:\s*,\s*[A-Z]{3}[0-9]{3})*)")
_TARGET = re.compile(r"^#\s*target-version:\s*(py3\d+)")
_NOTEBOOK = re.compile(r"^#\s*notebook\s*$")


@dataclass(frozen=True)
class Fixture:
    path: Path

    @property
    def code(self) -> str:
        return self.path.stem

    @property
    def source(self) -> str:
        return self.path.read_text("utf-8")

    @property
    def fixed_path(self) -> Path:
        return self.path.with_name(f"{self.code}.fixed.py")

    @property
    def target_version(self) -> tuple[int, int]:
        match = _TARGET.match(self.source)
        return TARGET_VERSIONS[match.group(1)] if match else (3, 9)

    @property
    def notebook(self) -> bool:
        return _NOTEBOOK.match(self.source.partition("\n")[0]) is not None

    def expected(self) -> list[tuple[int, str]]:
        """(1-based line, code) for every marker of this fixture's rule."""
        found = []
        for number, line in enumerate(self.source.splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                for code in match.group("codes").split(","):
                    found.append((number, code.strip()))
        return sorted(found)

    def fixed(self) -> str:
        return fix_all(self.source, {self.code}, self.target_version, unsafe=True, notebook=self.notebook).source


def all_fixtures(root: Path = FIXTURES) -> list[Fixture]:
    return sorted((Fixture(p) for p in root.glob("*/*.py") if not p.name.endswith(".fixed.py")), key=lambda f: f.code)


def readable_here(path: Path) -> bool:
    """False when the file declares a target version newer than the Python running the tests:
    that Python's parser cannot read the syntax the version brought (``except*`` needs 3.11)."""
    match = _TARGET.match(path.read_text("utf-8"))
    return match is None or TARGET_VERSIONS[match.group(1)] <= sys.version_info[:2]


def fixture_params(fixtures: Sequence[Fixture]) -> list[object]:
    """``fixtures`` for ``pytest.mark.parametrize``, those this Python cannot parse skipped."""
    newer = pytest.mark.skip(reason="the fixture's syntax needs a newer Python than the one running the tests")
    return [fixture if readable_here(fixture.path) else pytest.param(fixture, marks=newer) for fixture in fixtures]


def update(selectors: Sequence[str] = (), root: Path = FIXTURES) -> None:
    """Rewrite the fixed files of the fixtures whose code is or starts with one of ``selectors``
    (all of them when there is none). A selector that matches no fixture is an error: a typo
    would otherwise pass for "nothing to update"."""
    fixtures = all_fixtures(root)
    unmatched = [selector for selector in selectors if not any(f.code.startswith(selector) for f in fixtures)]
    if unmatched:
        raise SystemExit(f"no fixture for {', '.join(unmatched)}")
    for fixture in fixtures:
        if selectors and not fixture.code.startswith(tuple(selectors)):
            continue
        fixed = fixture.fixed()
        if fixed != fixture.source:
            fixture.fixed_path.write_text(fixed, "utf-8")
            print(f"wrote {fixture.fixed_path}")


def main(arguments: Sequence[str] | None = None, root: Path = FIXTURES) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.rules.fixture", description="Maintain the rule fixtures.")
    parser.add_argument(
        "--update",
        nargs="*",
        metavar="CODE",
        required=True,
        help="rewrite the <CODE>.fixed.py files from the current rules: of these codes or code prefixes, or all",
    )
    update(parser.parse_args(arguments).update, root)


if __name__ == "__main__":
    main()
