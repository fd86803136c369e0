"""A cold ``check`` parses each module of the project once: its first pass lints it before the
index exists and summarises it from the same model (``server.check.first_pass``); only a file
whose lint asked something the linked index answers otherwise is linted again. The findings are
those of linting each file with the whole index, as a text from stdin is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from asyncguide.rules.model import SemanticModel
from asyncguide.server.check import CheckOptions, check_text, run_check

from .conftest import write

MODULES = {
    "app/__init__.py": "",
    # the index answers that fetch is a coroutine function: service.py's first pass is redone
    "app/db.py": (
        "import time\n\n\ndef query():\n    time.sleep(1)\n\n\nasync def fetch():\n    return 1\n"
    ),
    "app/service.py": (
        "from app.db import fetch, query\n\n\nasync def load():\n    fetch()\n    return query()\n"
    ),
    # asked about query and render, plain functions: the first pass stands
    "app/api.py": (
        "from app.db import query\nfrom app.views import render\n\n\n"
        "async def handler():\n    query()  # noqa: ASY200\n    return render()\n"
    ),
    "app/views.py": "import time\n\n\ndef render():\n    time.sleep(0.1)\n    return 'page'\n\n\nasync def page():\n    time.sleep(1)\n",
    "app/skipped.py": "# asyncguide: skip-file\nimport time\n\n\nasync def nap():\n    time.sleep(1)\n",
    "app/broken.py": "def broken(:\n    pass\n",
}


@pytest.fixture
def app(project: Path) -> Path:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    for relative, text in MODULES.items():
        write(project, relative, text)
    return project


@pytest.mark.parametrize("extend_select", [(), ("PEDANTIC", "ASG001")])
def test_the_findings_are_those_of_linting_with_the_whole_index(app: Path, extend_select: tuple[str, ...]) -> None:
    options = CheckOptions(extend_select=extend_select, jobs=1, use_cache=False)
    checked = {result.display_path: result.findings for result in run_check([str(app)], options)}
    alone = {}
    for relative in MODULES:
        result = check_text((app / relative).read_text("utf-8"), str(app / relative), options)
        assert result is not None
        alone[relative] = result.findings
    assert checked == alone
    assert any(finding.diagnostic.code == "ASY110" for finding in checked["app/service.py"])


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every model built from now on."""
    texts: list[str] = []
    build = SemanticModel.build

    def counting(source: str, *arguments, **keywords) -> SemanticModel:
        texts.append(source)
        return build(source, *arguments, **keywords)

    monkeypatch.setattr(SemanticModel, "build", counting)
    return texts


def test_each_module_is_parsed_once_unless_the_index_says_more(app: Path, built: list[str]) -> None:
    run_check([str(app)], CheckOptions(jobs=1, use_cache=False))
    parsing = [relative for relative in MODULES if relative != "app/broken.py"]
    # service.py again, with the index's answer; skipped.py is summarised, though not linted
    assert sorted(built) == sorted([MODULES[r] for r in parsing] + [MODULES["app/service.py"], MODULES["app/broken.py"]])


def test_with_asy200_the_index_comes_first(app: Path, built: list[str]) -> None:
    run_check([str(app)], CheckOptions(extend_select=("ASY200",), jobs=1, use_cache=False))
    assert built.count(MODULES["app/api.py"]) == 2  # summarised, then linted with the index


def test_with_the_cache_a_summary_kept_is_not_made_again(app: Path, built: list[str]) -> None:
    options = CheckOptions(jobs=1)
    run_check([str(app)], options)
    # the index changes: every result is linted again, with the cached summaries but db.py's
    write(app, "app/db.py", "def query():\n    return 1\n\n\nasync def fetch():\n    return 1\n")
    built.clear()
    changed = {result.display_path: result.findings for result in run_check([str(app)], options)}
    fresh = {result.display_path: result.findings for result in run_check([str(app)], replace(options, use_cache=False))}
    assert changed == fresh
    assert any(finding.diagnostic.code == "ASY110" for finding in changed["app/service.py"])
    changed_run = built[: len(built) - len(MODULES) - 1]  # the no-cache run: every module, and service.py again
    # each once: db.py and broken.py (no summary to keep) in a first pass, the others linted with
    # the index; skipped.py not at all
    assert sorted(changed_run) == sorted((app / relative).read_text("utf-8") for relative in MODULES if relative != "app/skipped.py")
