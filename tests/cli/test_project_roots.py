"""Which project a checked file belongs to, and what its index covers: the folder of its nearest
``pyproject.toml``, else of the nearest ``setup.cfg`` or git work tree, found from the file (not
from the working folder); other projects inside it are left out, and their settings are read
only when one of their files is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import BLOCKING_SLEEP, run_main, write

DB = "import time\n\n\ndef query():\n    time.sleep(1)\n"
API = "from app.db import query\n\n\nasync def handler():\n    query()\n"
BROKEN = '[tool.asyncguide]\nselct = ["ASY100"]\n'


def summaries(root: Path) -> int:
    """How many module summaries the project's cache holds: the files its index covered."""
    return sum(1 for path in (root / ".asyncguide_cache" / "summaries").rglob("*") if path.is_file())


def write_app(root: Path) -> None:
    write(root, "app/__init__.py", "")
    write(root, "app/db.py", DB)
    write(root, "app/api.py", API)


def test_without_a_project_only_the_checked_files_are_indexed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``cd /tmp && asyncguide check st/a.py``: /tmp is no project; another project under it, with a
    broken configuration, is neither indexed nor read."""
    write(project, "st/a.py", BLOCKING_SLEEP)
    write(project, "elsewhere/project/pyproject.toml", BROKEN)
    write(project, "elsewhere/project/other.py", BLOCKING_SLEEP)
    write(project, "elsewhere/loose.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "st/a.py")
    assert (run.exit_code, run.stderr) == (1, "")
    assert run.stdout.startswith("st/a.py:5:5: ASY100 ")
    assert summaries(project) == 1


def test_a_broken_nested_project_that_no_checked_file_uses_is_left_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    write_app(project)
    nested = write(project, "examples/demo/pyproject.toml", BROKEN)
    write(project, "examples/demo/demo.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY200", "app/api.py")
    assert (run.exit_code, run.stderr) == (1, "")
    assert run.stdout.startswith("app/api.py:5:5: ASY200 query() blocks the event loop")
    assert summaries(project) == 3  # app, app.db, app.api: not the nested project's module
    # a file of the nested project is checked with its own settings: broken, the run stops
    nested_run = run_main(capsys, "check", "examples/demo/demo.py")
    assert nested_run.exit_code == 2
    assert nested_run.stderr.startswith(f"asyncguide: error: {nested}: [tool.asyncguide] selct: unknown key")


def test_a_nested_project_is_indexed_on_its_own(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its modules are named from its own folder: ``services/billing/app/db.py`` is ``app.db`` there."""
    write(project, "pyproject.toml", "[project]\nname = 'outer'\n")
    write(project, "outer.py", "def helper():\n    return 1\n")
    billing = project / "services" / "billing"
    write(billing, "setup.cfg", "[metadata]\nname = billing\n")
    write_app(billing)
    run = run_main(capsys, "check", "--select", "ASY200", "services/billing/app/api.py")
    assert run.stdout.startswith("services/billing/app/api.py:5:5: ASY200 query() blocks the event loop")
    assert summaries(billing) == 3
    assert not (project / ".asyncguide_cache").exists()
    outer = run_main(capsys, "check", "--select", "ASY200", "outer.py")
    assert outer.exit_code == 0
    assert summaries(project) == 1  # outer.py only: the project below its own setup.cfg is left out


@pytest.mark.parametrize("marker", ["git", "setup.cfg"])
def test_the_project_is_found_from_the_file_not_the_working_folder(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    """Run from inside ``app/``, the file is still module ``app.api`` of the project above."""
    if marker == "git":
        write(project, ".git/HEAD", "ref: refs/heads/main\n")
    else:
        write(project, "setup.cfg", "[metadata]\nname = app\n")
    write_app(project)
    monkeypatch.chdir(project / "app")
    run = run_main(capsys, "check", "--select", "ASY200", "api.py")
    assert run.exit_code == 1
    assert run.stdout.startswith("api.py:5:5: ASY200 query() blocks the event loop")
