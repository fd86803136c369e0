"""The commands the editor pages for ALE, nvim-lint, conform.nvim and flycheck configure, taken from
the pages and run the way those plugins run them: the buffer on stdin, the file name substituted,
the output read as the page's configuration reads it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from .conftest import write
from .test_stdin import run_stdin

EDITORS = Path(__file__).resolve().parents[2] / "docs" / "editors"
#: a finding for each reading: ASY100 (fixable, warning) and ASY101 (not fixable)
BUFFER = "import time\n\nimport requests\n\n\nasync def poll():\n    time.sleep(1)\n    requests.get('https://example.com')\n    await poll()\n"
FIXED = BUFFER.replace("import requests\n", "import requests\nimport asyncio\n").replace("time.sleep(1)", "await asyncio.sleep(1)")
#: ALE's ale#handlers#unix pattern (autoload/ale/handlers/unix.vim), from Vim's very-magic syntax
ALE_UNIX_FORMAT = re.compile(r"^[a-zA-Z]?:?[^:]+:(\d+):?(\d+)?:? ?(.+)$")


def page(name: str) -> str:
    return (EDITORS / name).read_text("utf-8")


def lua_strings(table: str, buffer_name: str) -> list[str]:
    """The items of a Lua list of strings; a function item (the buffer's name) becomes ``buffer_name``."""
    items = re.findall(r'"([^"]*)"|(function\(\) return vim\.api\.nvim_buf_get_name\(0\) end)', table)
    return [text if not function else buffer_name for text, function in items]


@pytest.fixture
def buffer_path(project: Path) -> str:
    """An unsaved buffer's file name, in a project whose settings select the two rules."""
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100", "ASY101"]\n')
    return str(project / "service" / "poll.py")


def test_ale_linter(project: Path, buffer_path: str) -> None:
    (command,) = re.findall(r"'command': '%e (.*?)',", page("ale.md"))
    arguments = shlex.split(command.replace("%s", shlex.quote(buffer_path)))
    run = run_stdin(project, BUFFER, *arguments[1:])  # run_stdin adds "check"
    assert arguments[0] == "check" and run.exit_code == 1
    read = [match.groups() for match in map(ALE_UNIX_FORMAT.match, run.stdout.splitlines()) if match]
    assert [(line, column, text.split()[0]) for line, column, text in read] == [("7", "5", "ASY100"), ("8", "5", "ASY101")]


def test_ale_fixer(project: Path, buffer_path: str) -> None:
    (command,) = re.findall(r"return \{'command': 'asyncguide (.*?)'\}", page("ale.md"))
    arguments = shlex.split(command.replace("%s", shlex.quote(buffer_path)))
    run = run_stdin(project, BUFFER, *arguments[1:])
    assert run.stdout == FIXED  # ALE replaces the buffer with stdout, whatever the exit code
    assert "ASY101" in run.stderr


def test_nvim_lint(project: Path, buffer_path: str) -> None:
    text = page("nvim-lint.md")
    (table,) = re.findall(r"lint\.linters\.asyncguide = \{\n  cmd = \"asyncguide\",\n  args = (\{.*?\}),\n", text)
    arguments = lua_strings(table, buffer_path)
    run = run_stdin(project, BUFFER, *arguments[1:])
    assert arguments[0] == "check" and run.exit_code == 1
    findings = json.loads(run.stdout)
    read_fields = set(re.findall(r"finding\.(\w+)", text))
    assert read_fields == {"line", "column", "end_line", "end_column", "severity", "code", "message"}
    severities = set(re.findall(r"^  (\w+) = vim\.diagnostic\.severity", text, flags=re.MULTILINE))
    for finding in findings:
        assert read_fields <= finding.keys()
        assert finding["severity"] in severities
    assert [finding["code"] for finding in findings] == ["ASY100", "ASY101"]


def test_conform(project: Path, buffer_path: str) -> None:
    text = page("nvim-lint.md")
    (table,) = re.findall(r'command = "asyncguide",\n      args = (\{.*?\}),', text)
    arguments = [buffer_path if item == "$FILENAME" else item for item in lua_strings(table, buffer_path)]
    (exit_codes,) = re.findall(r"exit_codes = \{ ([\d, ]+) \}", text)
    run = run_stdin(project, BUFFER, *arguments[1:])
    assert run.exit_code in {int(code) for code in exit_codes.split(",")}
    assert run.stdout == FIXED


def test_flycheck(project: Path, buffer_path: str) -> None:
    text = page("flycheck.md")
    (command,) = re.findall(r":command \((.*?)\)", text)
    arguments = [buffer_path if item == "source-original" else item.strip('"') for item in command.split()]
    assert arguments[:2] == ["asyncguide", "check"]
    # the page's :error-patterns, in Python's syntax
    assert '(id "ASG000")' in text and "(id (= 3 upper) (= 3 digit))" in text
    error = re.compile(r"^[^:]+:(?P<line>\d+):(?P<column>\d+): (?P<id>ASG000) (?P<message>.*)$")
    warning = re.compile(r"^[^:]+:(?P<line>\d+):(?P<column>\d+): (?P<id>[A-Z]{3}[0-9]{3}) (?P<message>.*)$")
    run = run_stdin(project, BUFFER, *arguments[2:])
    assert run.exit_code == 1
    warnings = [match.group("line", "id") for match in map(warning.match, run.stdout.splitlines()) if match]
    assert warnings == [("7", "ASY100"), ("8", "ASY101")]
    broken = run_stdin(project, "def broken(:\n", *arguments[2:])
    (match,) = [match for match in map(error.match, broken.stdout.splitlines()) if match]
    assert match.group("line") == "1"
