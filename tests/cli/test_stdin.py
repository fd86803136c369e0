"""``asyncguide check --stdin-filename PATH -``: the source comes from stdin (an editor's unsaved
buffer) and is checked with PATH's settings and reported as PATH; with ``--fix`` the fixed source
goes to stdout and the report to stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import BLOCKING_SLEEP, Run, write

FIXED_SLEEP = "import time\nimport asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n"


def run_stdin(cwd: Path, source: str | bytes, *arguments: str) -> Run:
    """``asyncguide check <arguments>`` as its own process, ``source`` on its stdin."""
    completed = subprocess.run(
        [sys.executable, "-m", "asyncguide", "check", *arguments],
        cwd=cwd,
        input=source.encode("utf-8") if isinstance(source, str) else source,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    return Run(completed.returncode, completed.stdout.decode("utf-8"), completed.stderr.decode("utf-8"))


def test_stdin_is_checked_with_the_settings_of_the_named_path(project: Path) -> None:
    # the file need not exist: an editor's new buffer has no file yet
    write(project, "pyproject.toml", "[tool.asyncguide]\nselect = [\"ASY121\"]\n")
    write(project, "service/pyproject.toml", "[tool.asyncguide]\nselect = [\"ASY100\"]\n")
    run = run_stdin(project, BLOCKING_SLEEP, "--stdin-filename", "service/app/poll.py", "-")
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0].startswith("service/app/poll.py:5:5: ASY100 ")
    assert "ASY121" not in run.stdout
    at_root = run_stdin(project, BLOCKING_SLEEP, "--stdin-filename", "poll.py", "-")
    assert at_root.stdout.startswith("poll.py:4:1: ASY121 ") and "ASY100" not in at_root.stdout


def test_dash_alone_reads_stdin_with_the_working_folders_settings(project: Path) -> None:
    write(project, "pyproject.toml", "[tool.asyncguide]\nselect = [\"ASY100\"]\n")
    run = run_stdin(project, BLOCKING_SLEEP, "--format", "json", "-")
    assert run.exit_code == 1
    (finding,) = json.loads(run.stdout)
    assert (finding["path"], finding["code"], finding["line"]) == ("-", "ASY100", 5)


def test_fix_prints_the_fixed_source_on_stdout_and_the_report_on_stderr(project: Path) -> None:
    run = run_stdin(project, BLOCKING_SLEEP, "--select", "ASY100", "--fix", "--stdin-filename", "poll.py", "-")
    assert run.exit_code == 0
    assert run.stdout == FIXED_SLEEP
    assert "1 fixed, 0 remaining" in run.stderr
    assert not (project / "poll.py").exists()


def test_fix_keeps_line_endings_and_the_encoding(project: Path) -> None:
    source = "# -*- coding: latin-1 -*-\r\nimport time\r\n\r\n\r\nasync def poll():\r\n    time.sleep(1)  # caf\xe9\r\n"
    completed = subprocess.run(
        [sys.executable, "-m", "asyncguide", "check", "--select", "ASY100", "--fix", "--stdin-filename", "poll.py", "-"],
        cwd=project, input=source.encode("latin-1"), capture_output=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.decode("latin-1") == source.replace("time.sleep(1)", "await asyncio.sleep(1)").replace(
        "import time\r\n", "import time\r\nimport asyncio\r\n"
    )


def test_unfixable_source_comes_back_unchanged_with_exit_code_1(project: Path) -> None:
    source = "import requests\n\n\nasync def fetch():\n    requests.get('https://example.com')\n"
    run = run_stdin(project, source, "--select", "ASY101", "--fix", "--stdin-filename", "fetch.py", "-")
    assert run.exit_code == 1
    assert run.stdout == source
    assert "fetch.py:5:5: ASY101 " in run.stderr


def test_excluded_path_is_checked_unless_force_exclude(project: Path) -> None:
    # as with ruff: exclude applies to what asyncguide finds, and to what it is told to check
    # only with --force-exclude; then --fix hands the source back untouched
    write(project, "pyproject.toml", "[tool.asyncguide]\nexclude = [\"generated\"]\n")
    arguments = ("--select", "ASY100", "--stdin-filename", "generated/poll.py", "-")
    assert run_stdin(project, BLOCKING_SLEEP, *arguments).exit_code == 1
    forced = run_stdin(project, BLOCKING_SLEEP, "--force-exclude", *arguments)
    assert (forced.exit_code, forced.stdout) == (0, "All checks passed.\n")
    fixed = run_stdin(project, BLOCKING_SLEEP, "--force-exclude", "--fix", *arguments)
    assert (fixed.exit_code, fixed.stdout) == (0, BLOCKING_SLEEP)


def test_stdin_cannot_be_combined_with_paths_or_file_edits(project: Path) -> None:
    for arguments in (("--stdin-filename", "a.py", "other.py"), ("-", "other.py"), ("--add-noqa", "-")):
        run = run_stdin(project, BLOCKING_SLEEP, *arguments)
        assert run.exit_code == 2, arguments
        assert "error:" in run.stderr
