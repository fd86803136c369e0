"""``asyncguide check`` indexes the checked files' project: a file checked alone still sees the
modules it calls into; the summaries are cached in ``.asyncguide_cache/``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_main, run_process, write

DB = "import time\n\n\ndef query():\n    time.sleep(1)\n"
API = "from app.db import query\n\n\nasync def handler():\n    query()\n"


@pytest.fixture
def app(project: Path) -> Path:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    write(project, "app/__init__.py", "")
    write(project, "app/db.py", DB)
    write(project, "app/api.py", API)
    return project


def test_checking_one_file_follows_calls_into_the_project(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", "--select", "ASY200", "app/api.py")
    assert run.stdout.splitlines()[:3] == [
        "app/api.py:5:5: ASY200 query() blocks the event loop: it calls `time.sleep()` (app/db.py:5)",
        "    app/db.py:5:5: query() calls `time.sleep()`, which blocks",
        "Found 1 problem.",
    ]
    assert run.exit_code == 1


def test_json_related_and_the_cache(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", "--select", "ASY200", "--format", "json", "app/api.py")
    [finding] = json.loads(run.stdout)
    assert finding["related"] == [
        {"path": "app/db.py", "line": 5, "column": 5, "message": "query() calls `time.sleep()`, which blocks"}
    ]
    cache = app / ".asyncguide_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    entries = [p for p in (cache / "summaries").rglob("*") if p.is_file()]
    assert len(entries) == 3  # one summary per module
    warm = run_main(capsys, "check", "--select", "ASY200", "--format", "json", "app/api.py")
    assert json.loads(warm.stdout) == [finding]
    # a changed file is a new entry: the chain is gone with the blocking call
    write(app, "app/db.py", "def query():\n    return 1\n")
    changed = run_main(capsys, "check", "--select", "ASY200", "app/api.py")
    assert changed.exit_code == 0
    assert len([p for p in (cache / "summaries").rglob("*") if p.is_file()]) == 4


def test_no_cache_writes_nothing(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", "--no-cache", "--select", "ASY200", "app/api.py")
    assert run.exit_code == 1
    assert not (app / ".asyncguide_cache").exists()


def test_worker_processes_see_the_index(app: Path) -> None:
    run = run_process(app, "check", "--jobs", "2", "--select", "ASY200", "app/api.py", "app/db.py")
    assert run.stdout.startswith("app/api.py:5:5: ASY200 query() blocks the event loop")
    assert run.exit_code == 1


def test_sarif_code_flow(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", "--select", "ASY200", "--format", "sarif")
    [result] = json.loads(run.stdout)["runs"][0]["results"]
    [location] = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert location["location"]["physicalLocation"]["artifactLocation"]["uri"] == "app/db.py"
    assert location["location"]["message"]["text"] == "query() calls `time.sleep()`, which blocks"


def test_unsafe_fix_runs_the_helper_of_another_module_in_a_thread(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    safe_only = run_main(capsys, "check", "--select", "ASY200", "--fix", "app/api.py")
    assert (app / "app/api.py").read_text() == API
    assert "1 more fixable with --fix --unsafe-fixes." in safe_only.stdout
    assert safe_only.exit_code == 1
    diff = run_main(capsys, "check", "--select", "ASY200", "--diff", "--unsafe-fixes", "app/api.py")
    assert "+    await asyncio.to_thread(query)" in diff.stdout
    assert (app / "app/api.py").read_text() == API
    run = run_main(capsys, "check", "--select", "ASY200", "--fix", "--unsafe-fixes", "app/api.py")
    assert run.stdout.splitlines()[-1] == "Found 1 problem (1 fixed, 0 remaining)."
    assert run.exit_code == 0
    assert (app / "app/api.py").read_text() == (
        "import asyncio\n\nfrom app.db import query\n\n\nasync def handler():\n    await asyncio.to_thread(query)\n"
    )
