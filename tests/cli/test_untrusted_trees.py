"""``asyncguide check`` on trees nobody vetted (an unpacked archive, a vendored repository): it never
runs their code, never writes outside the checked folder, never hangs on special files, and a
failed write leaves the file as it was."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import BLOCKING_SLEEP, run_process, write

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def hostile_repository(folder: Path, marker: Path) -> None:
    """A git repository whose configuration runs a command whenever git looks at its work tree."""
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    write(folder, "a.py", BLOCKING_SLEEP)
    subprocess.run(["git", "-C", str(folder), "add", "a.py"], check=True)
    subprocess.run(["git", "-C", str(folder), "config", "core.fsmonitor", f"touch {marker}; echo"], check=True)


@needs_git
def test_check_never_runs_a_repository_s_configured_commands(project: Path) -> None:
    hostile_repository(project, project / "PWNED")
    hostile_repository(project / "vendored", project / "PWNED-NESTED")  # an untracked nested repository

    run = run_process(project, "check", "--select", "ASY100", ".")

    assert run.exit_code == 1
    assert run.stdout.count("ASY100") == 2  # both repositories were checked
    assert not (project / "PWNED").exists()
    assert not (project / "PWNED-NESTED").exists()
    # the trap is real: git itself springs it
    subprocess.run(["git", "-C", str(project), "status"], capture_output=True, check=False)
    assert (project / "PWNED").exists()
