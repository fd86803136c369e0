"""Multi-file projects for the project analysis: written into a temporary folder, indexed, and
every module linted with its place in the index. A line that must be reported ends with
``# expect: CODE``; every other line must stay silent (as in the rule fixtures)."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from asyncguide.rules.config import Settings
from asyncguide.rules.project.build import build_index, project_files
from asyncguide.rules.project.index import ProjectIndex, ProjectView
from asyncguide.rules.rule import Diagnostic
from asyncguide.rules.runner import lint

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]{3}[0-9]{3}(?:\s*,\s*[A-Z]{3}[0-9]{3})*)")


@dataclass
class Project:
    root: Path
    settings: Settings

    def index(self) -> ProjectIndex:
        paths = sorted(self.root.rglob("*.py"))
        return build_index(self.root, project_files(self.root, paths, self.settings), self.settings, use_cache=False)

    def lint(self, relative: str, codes=("ASY200",), index: ProjectIndex | None = None) -> list[Diagnostic]:
        index = index or self.index()
        path = self.root / relative
        summary = index.module_of_path(str(path))
        assert summary is not None, f"{relative} is not a module of the project"
        view = ProjectView(index, summary.module, str(path), path.name == "__init__.py")
        result = lint(path.read_text(), codes, resolver=view.resolver(), project=view)
        assert not result.internal_errors, result.internal_errors
        return result.diagnostics

    def check_markers(self, codes=("ASY200",)) -> list[Diagnostic]:
        """Lint every module; the reported lines must be exactly the marked ones."""
        index = self.index()
        found = []
        for path in sorted(self.root.rglob("*.py")):
            relative = path.relative_to(self.root).as_posix()
            diagnostics = self.lint(relative, codes, index)
            reported = {(d.range.start_line + 1, d.code) for d in diagnostics}
            expected = {
                (number, code.strip())
                for number, line in enumerate(path.read_text().splitlines(), 1)
                if (match := _EXPECT.search(line))
                for code in match.group("codes").split(",")
                if code.strip() in codes
            }
            assert reported == expected, f"{relative}: reported {sorted(reported)}, expected {sorted(expected)}"
            found += diagnostics
        return found


@pytest.fixture
def make_project(tmp_path):
    def make(files: dict[str, str], **settings) -> Project:
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        return Project(tmp_path, Settings(root=tmp_path, **settings))

    return make
