"""``check --fix`` and ``--diff`` keep each file's line breaks: CRLF and CR-only files get no
``\\n`` from fixes, whether a fix replaces code, adds an import, or puts a decorator on a line of
its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: TOR023 puts ``@gen_test`` on a line of its own; ASY100 adds ``import asyncio``
SOURCE = (
    "import time\n"
    "from tornado.testing import AsyncTestCase, gen_test\n"
    "\n"
    "\n"
    "class PollTest(AsyncTestCase):\n"
    "    async def test_poll(self):\n"
    "        time.sleep(1)\n"
)
FIXED = (
    "import asyncio\n"
    "import time\n"
    "from tornado.testing import AsyncTestCase, gen_test\n"
    "\n"
    "\n"
    "class PollTest(AsyncTestCase):\n"
    "    @gen_test\n"
    "    async def test_poll(self):\n"
    "        await asyncio.sleep(1)\n"
)

NEWLINES = pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])


def check(folder: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    """``asyncguide check`` as its own process, its output as bytes (line breaks untranslated)."""
    command = [sys.executable, "-m", "asyncguide.server.cli", "check", "--select", "ASY100,TOR023", *arguments]
    return subprocess.run(command, cwd=folder, capture_output=True, check=False)


@NEWLINES
def test_fix_writes_the_files_own_line_breaks(tmp_path: Path, newline: str) -> None:
    poll = tmp_path / "test_poll.py"
    poll.write_bytes(SOURCE.replace("\n", newline).encode())
    run = check(tmp_path, "--fix", "test_poll.py")
    assert run.returncode == 0, run.stderr
    assert poll.read_bytes() == FIXED.replace("\n", newline).encode()


@NEWLINES
def test_diff_shows_the_files_own_line_breaks(tmp_path: Path, newline: str) -> None:
    poll = tmp_path / "test_poll.py"
    poll.write_bytes(SOURCE.replace("\n", newline).encode())
    run = check(tmp_path, "--diff", "test_poll.py")
    assert run.returncode == 1, run.stderr
    header, _, hunk = run.stdout.partition(b"@@\n")
    assert header.startswith(b"--- a/test_poll.py\n+++ b/test_poll.py\n@@ ")
    line_break = newline.encode()
    for added in (b"+import asyncio", b"+    @gen_test", b"+        await asyncio.sleep(1)"):
        assert added + line_break in hunk
    assert b"\r" not in hunk.replace(line_break, b"") and b"\n" not in hunk.replace(line_break, b"")
    assert poll.read_bytes() == SOURCE.replace("\n", newline).encode()  # written nowhere
