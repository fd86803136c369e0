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
    # the index answers that fetch is a coroutine function, and that query blocks: service.py's
    # first pass is redone
    "app/db.py": (
        "import time\n\n\ndef query():\n    time.sleep(1)\n\n\nasync def fetch():\n    return 1\n"
    ),
    "app/service.py": (
        "from app.db import fetch, query\n\n\nasync def load():\n    fetch()\n    return query()\n"
    ),
    # render blocks through another module: api.py's first pass is redone
    "app/api.py": (
        "from app.db import query\nfrom app.views import render\n\n\n"
        "async def handler():\n    query()  # noqa: ASY200\n    return render()\n"
    ),
    # a chain in the module itself: the stand-in index finds it as the whole index does
    "app/views.py": (
        "import time\n\n\ndef render():\n    time.sleep(0.1)\n    return 'page'\n\n\n"
        "async def page():\n    time.sleep(1)\n    return render()\n"
    ),
    "app/skipped.py": "# asyncguide: skip-file\nimport time\n\n\nasync def nap():\n    time.sleep(1)\n",
    "app/broken.py": "def broken(:\n    pass\n",
}


@pytest.fixture
def app(project: Path) -> Path:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    for relative, text in MODULES.items():
        write(project, relative, text)
    return project


@pytest.mark.parametrize(
    "options",
    [
        CheckOptions(jobs=1, use_cache=False),
        CheckOptions(extend_select=("PEDANTIC", "ASG001"), jobs=1, use_cache=False),
        CheckOptions(ignore=("ASY200",), jobs=1, use_cache=False),
    ],
)
def test_the_findings_are_those_of_linting_with_the_whole_index(app: Path, options: CheckOptions) -> None:
    checked = {result.display_path: result.findings for result in run_check([str(app)], options)}
    alone = {}
    for relative in MODULES:
        result = check_text((app / relative).read_text("utf-8"), str(app / relative), options)
        assert result is not None
        alone[relative] = result.findings
    assert checked == alone
    assert any(finding.diagnostic.code == "ASY110" for finding in checked["app/service.py"])
    if "ASY200" not in (options.ignore or ()):
        assert [finding.diagnostic.code for finding in checked["app/views.py"]].count("ASY200") == 1
        assert any(finding.diagnostic.code == "ASY200" for finding in checked["app/api.py"])


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
    # again, with the index's answers: service.py (fetch is a coroutine function, query blocks)
    # and api.py (render blocks, in another module); views.py's chain is its own. skipped.py is
    # summarised, though not linted
    again = [MODULES["app/service.py"], MODULES["app/api.py"]]
    assert sorted(built) == sorted([*MODULES.values(), *again])


def test_without_asy200_only_the_coroutine_rules_ask(app: Path, built: list[str]) -> None:
    run_check([str(app)], CheckOptions(ignore=("ASY200",), jobs=1, use_cache=False))
    assert sorted(built) == sorted([*MODULES.values(), MODULES["app/service.py"]])


def test_with_the_cache_a_summary_kept_is_not_made_again(app: Path, built: list[str]) -> None:
    options = CheckOptions(jobs=1)
    run_check([str(app)], options)
    # the index changes: the results whose lint asked what it answers otherwise are linted again,
    # with the cached summaries but db.py's
    write(app, "app/db.py", "def query():\n    return 1\n\n\nasync def fetch():\n    return 1\n")
    built.clear()
    changed = {result.display_path: result.findings for result in run_check([str(app)], options)}
    changed_run = list(built)
    fresh = {result.display_path: result.findings for result in run_check([str(app)], replace(options, use_cache=False))}
    assert changed == fresh
    assert any(finding.diagnostic.code == "ASY110" for finding in changed["app/service.py"])
    # each once: db.py in a first pass, broken.py summarised again (it has no summary to keep),
    # service.py and api.py linted with the index (query blocks no more); views.py, whose chain is
    # its own, and __init__.py are kept, skipped.py is not read at all
    again = ("app/db.py", "app/broken.py", "app/service.py", "app/api.py")
    assert sorted(changed_run) == sorted((app / relative).read_text("utf-8") for relative in again)
