"""``asyncguide check`` imports only what it uses: libcst when a fix is built, never on a plain
check; jedi only when a coroutine question needs an installed package; pygls never."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import BLOCKING_SLEEP, write

HEAVY = ("libcst", "jedi", "pygls", "lsprotocol", "cattrs")


def modules_after(cwd: Path, *arguments: str) -> dict:
    """Run ``asyncguide <arguments>`` in a fresh interpreter; its exit code and which of ``HEAVY``
    it imported."""
    script = (
        "import json, sys\n"
        "from asyncguide.server.cli import main\n"
        f"code = main({list(arguments)!r})\n"
        f"print(json.dumps({{'code': code, 'imported': [m for m in {HEAVY!r} if m in sys.modules]}}), file=sys.stderr)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, check=False)
    return json.loads(completed.stderr.splitlines()[-1])


def test_a_check_imports_no_fixer_nor_language_server(project: Path) -> None:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    write(project, "poll.py", BLOCKING_SLEEP)  # a finding with a safe fix: the fix is not built
    cold = modules_after(project, "check", "--jobs", "1", "poll.py")
    assert cold == {"code": 1, "imported": []}
    warm = modules_after(project, "check", "--jobs", "1", "poll.py")
    assert warm == {"code": 1, "imported": []}


def test_the_index_answers_for_the_project_without_jedi(project: Path) -> None:
    write(project, "pyproject.toml", "[project]\nname = 'app'\n")
    write(project, "app/__init__.py", "")
    write(project, "app/db.py", "async def query():\n    return 1\n")
    write(project, "app/api.py", "from app.db import query\n\n\nasync def handler():\n    query()\n")
    run = modules_after(project, "check", "--jobs", "1", "--no-cache", "--select", "ASY110", "--format", "json", "app/api.py")
    assert run == {"code": 1, "imported": []}  # ASY110 reported, the callee placed by the index


def test_fixing_imports_libcst(project: Path) -> None:
    write(project, "poll.py", BLOCKING_SLEEP)
    run = modules_after(project, "check", "--jobs", "1", "--fix", "poll.py")
    assert run["code"] == 0
    assert "libcst" in run["imported"]
    assert "await asyncio.sleep(1)" in (project / "poll.py").read_text()
