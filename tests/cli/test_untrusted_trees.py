"""``asyncguide check`` on trees nobody vetted (an unpacked archive, a vendored repository): it never
runs their code, never writes outside the checked folder, never hangs on special files, and a
failed write leaves the file as it was."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from asyncguide.rules.reading import MAX_FILE_BYTES

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


#: a sitecustomize for the checked process: the disk is full when a file is flushed to it
FULL_DISK = """
import errno, os

def _full(descriptor):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

os.fsync = _full
"""


def test_a_failed_write_leaves_the_file_intact_and_says_so(project: Path, tmp_path: Path) -> None:
    poll = write(project, "poll.py", BLOCKING_SLEEP)
    poll.chmod(0o640)
    write(tmp_path / "full_disk", "sitecustomize.py", FULL_DISK)

    run = run_process(project, "check", "--select", "ASY100", "--fix", env={"PYTHONPATH": str(tmp_path / "full_disk")})

    assert poll.read_text("utf-8") == BLOCKING_SLEEP
    assert "asyncguide: cannot write the fixes to poll.py (left unchanged): [Errno 28]" in run.stderr
    assert sorted(path.name for path in project.iterdir()) == ["poll.py"]  # no temporary file left
    assert run.exit_code == 2


def test_fixes_keep_the_file_s_permissions(project: Path) -> None:
    poll = write(project, "poll.py", BLOCKING_SLEEP)
    poll.chmod(0o751)

    run = run_process(project, "check", "--select", "ASY100", "--fix")

    assert "import asyncio" in poll.read_text("utf-8")
    assert poll.stat().st_mode & 0o7777 == 0o751
    assert run.exit_code == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file to another user")
def test_fixes_keep_the_file_s_owner_and_group(project: Path) -> None:
    poll = write(project, "poll.py", BLOCKING_SLEEP)
    os.chown(poll, 12345, 23456)

    run = run_process(project, "check", "--select", "ASY100", "--fix")

    assert "import asyncio" in poll.read_text("utf-8")
    assert (poll.stat().st_uid, poll.stat().st_gid) == (12345, 23456)
    assert run.exit_code == 0


def test_fix_does_not_follow_a_symlink_out_of_the_checked_folder(project: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere", "shared.py", BLOCKING_SLEEP)
    (project / "app").mkdir()
    (project / "app" / "linked.py").symlink_to(outside)
    inside = write(project, "app/real.py", BLOCKING_SLEEP)
    (project / "app" / "alias.py").symlink_to(inside)

    run = run_process(project, "check", "--select", "ASY100", "--fix", "app")

    assert outside.read_text("utf-8") == BLOCKING_SLEEP  # not rewritten...
    assert run.stdout.count("ASY100") == 1 and "app/linked.py" in run.stdout  # ...but linted
    assert f"not fixing app/linked.py: it is a symlink to {outside.resolve()}, outside the checked folder" in run.stderr
    assert "import asyncio" in inside.read_text("utf-8")  # a link inside the folder is fixed through
    assert (project / "app" / "alias.py").is_symlink()
    assert run.exit_code == 1


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "socket", "large"])
def test_special_and_huge_files_are_skipped_with_a_message(project: Path, kind: str) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    special = project / "special.py"
    if kind == "fifo":
        os.mkfifo(special)
        expected = "not a regular file (a FIFO)"
    elif kind == "dev-zero":
        special.symlink_to("/dev/zero")
        expected = "not a regular file (a character device)"
    elif kind == "socket":
        listener = socket.socket(socket.AF_UNIX)
        listener.bind("special.py")  # relative: a socket path must be short
        expected = "not a regular file (a socket)"
    else:
        with special.open("wb") as file:
            file.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
        expected = "larger than 16 MiB"

    for arguments in ((".",), ("special.py", "app.py")):  # found by the walk, or named
        run = run_process(project, "check", "--select", "ASY100", *arguments, timeout=60)
        assert run.stderr == f"asyncguide: skipped special.py: {expected}\n"
        assert run.stdout.count("ASY100") == 1
        assert run.exit_code == 1


def test_requirements_includes_stay_inside_the_project_and_never_hang(project: Path, tmp_path: Path) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    os.mkfifo(project / "requirements-fifo.txt")
    write(tmp_path, "outside.txt", "starlette==0.30.0\n")
    write(project, "requirements.txt", "-r /dev/zero\n-r requirements-fifo.txt\n-r ../outside.txt\n-c loop.txt\n")
    write(project, "loop.txt", "-r loop.txt\n-c requirements.txt\n")  # includes going round

    run = run_process(project, "check", "--select", "ASY100", timeout=60)

    requirements = project / "requirements.txt"
    assert run.stderr.splitlines() == [
        f"asyncguide: warning: {requirements}: not following /dev/zero: it is outside the project",
        f"asyncguide: warning: {project / 'requirements-fifo.txt'}: not read: not a regular file (a FIFO)",
        f"asyncguide: warning: {requirements}: not following ../outside.txt: it is outside the project",
    ]
    assert run.exit_code == 1


def test_add_noqa_does_not_follow_a_symlink_out_of_the_checked_folder(project: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere", "shared.py", BLOCKING_SLEEP)
    (project / "app").mkdir()
    (project / "app" / "linked.py").symlink_to(outside)
    inside = write(project, "app/real.py", BLOCKING_SLEEP)

    run = run_process(project, "check", "--select", "ASY100", "--add-noqa", "app")

    assert outside.read_text("utf-8") == BLOCKING_SLEEP
    assert f"not adding noqa comments to app/linked.py: it is a symlink to {outside.resolve()}, outside the checked folder" in run.stderr
    assert "# noqa: ASY100" in inside.read_text("utf-8")


def test_a_baseline_that_is_a_fifo_is_an_error_not_a_hang(project: Path) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    os.mkfifo(project / "baseline.json")

    run = run_process(project, "check", "--select", "ASY100", "--baseline", "baseline.json", timeout=60)

    assert "baseline.json: cannot read the baseline: not a regular file (a FIFO)" in run.stderr
    assert run.exit_code == 2
