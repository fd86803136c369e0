"""``asyncguide check`` for CI: ``--format github`` (workflow commands), ``gitlab`` (Code Quality),
``junit``; ``--output-file``; ``--exit-zero``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from asyncguide.rules.documentation import rule_url

from .conftest import BLOCKING_SLEEP, run_main, write

#: ``::command key=value,...::message``, as the Actions runner splits it
WORKFLOW_COMMAND = re.compile(r"^::(?P<command>\w+) (?P<properties>[^:]*)::(?P<message>.*)$")


def unescape(text: str) -> str:
    """What the Actions runner makes of an escaped value."""
    for escaped, character in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, character)
    return text


def workflow_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    commands = []
    for line in output.splitlines():
        match = WORKFLOW_COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        properties = dict(item.split("=", 1) for item in match.group("properties").split(","))
        commands.append((match.group("command"), {key: unescape(value) for key, value in properties.items()}, unescape(match.group("message"))))
    return commands


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a path with the characters a property must escape
    write(project, "app/poll, v1:2%.py", BLOCKING_SLEEP)
    write(project, "broken.py", "def broken(:\n")
    run = run_main(capsys, "check", "--select", "ASY100", "--format", "github")
    assert run.exit_code == 1
    (sleep, syntax) = sorted(workflow_commands(run.stdout), key=lambda command: command[1]["file"])
    command, properties, message = sleep
    assert command == "warning"
    assert properties == {
        "file": "app/poll, v1:2%.py", "line": "5", "col": "5", "endLine": "5", "endColumn": "18",
        "title": "ASY100 blocking-sleep-in-async",
    }
    first, *details = message.split("\n")
    assert first.startswith("ASY100 `time.sleep()` blocks the event loop")
    assert details[0].startswith("Guideline (asyncio, ")
    assert details[-1] == rule_url("ASY100")
    command, properties, message = syntax
    assert (command, properties["file"], properties["title"]) == ("error", "broken.py", "ASG000 syntax-error")
    assert message.startswith("ASG000 SyntaxError")


def test_github_message_escapes_percent_and_line_breaks(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    output = run_main(capsys, "check", "--select", "ASY100", "--format", "github").stdout
    assert output.count("\n") == 1, "one line per annotation: line breaks in the message are escaped"
    assert "%0A" in output


def gitlab_issues(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    run = run_main(capsys, "check", "--select", "ASY100,ASY121", "--format", "gitlab")
    assert run.exit_code == 1
    return json.loads(run.stdout)


def test_gitlab_code_quality(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app/poll.py", BLOCKING_SLEEP)
    (issue,) = [issue for issue in gitlab_issues(capsys) if issue["check_name"] == "ASY100"]
    assert issue["description"].startswith("ASY100 `time.sleep()`")
    assert issue["severity"] == "major"
    assert issue["location"] == {"path": "app/poll.py", "lines": {"begin": 5, "end": 5}}
    assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])


def test_gitlab_fingerprints_survive_lines_inserted_above(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the same line twice: the fingerprints tell the two apart by their order
    source = "import time\n\n\nasync def poll():\n    time.sleep(1)\n    time.sleep(1)\n"
    write(project, "app.py", source)
    before = gitlab_issues(capsys)
    write(project, "app.py", source.replace("import time\n", "import time\nimport os\n\n# polling\n"))
    after = gitlab_issues(capsys)
    assert [issue["location"]["lines"]["begin"] + 3 for issue in before] == [issue["location"]["lines"]["begin"] for issue in after]
    assert [issue["fingerprint"] for issue in before] == [issue["fingerprint"] for issue in after]
    fingerprints = [issue["fingerprint"] for issue in after]
    assert len(set(fingerprints)) == len(fingerprints) == 3  # ASY121 and two ASY100
    write(project, "app.py", source.replace("time.sleep(1)\n    time.sleep(1)", "time.sleep(1)\n    time.sleep(2)"))
    edited = {issue["fingerprint"] for issue in gitlab_issues(capsys)}
    assert len(edited & set(fingerprints)) == 2, "editing a finding's line changes only its fingerprint"


def test_junit(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app/poll.py", BLOCKING_SLEEP)
    write(project, "app/clean.py", "x = 1\n")
    run = run_main(capsys, "check", "--select", "ASY100", "--format", "junit")
    assert run.exit_code == 1
    suites = ElementTree.fromstring(run.stdout)
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("2", "1", "0")
    by_name = {suite.get("name"): suite for suite in suites.iter("testsuite")}
    assert set(by_name) == {"app/clean.py", "app/poll.py"}
    (clean_case,) = by_name["app/clean.py"].iter("testcase")
    assert clean_case.find("failure") is None
    (case,) = by_name["app/poll.py"].iter("testcase")
    assert (case.get("name"), case.get("file"), case.get("line")) == ("ASY100 at line 5, column 5", "app/poll.py", "5")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "ASY100"
    assert failure.get("message", "").startswith("`time.sleep()` blocks the event loop")
    assert failure.text is not None and failure.text.startswith("app/poll.py:5:5: ASY100 ")


def test_output_file_gets_the_report_and_stdout_stays_empty(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100", "--format", "json", "--output-file", "reports/asyncguide.json")
    assert run.exit_code == 1
    assert run.stdout == ""
    (finding,) = json.loads((project / "reports" / "asyncguide.json").read_text("utf-8"))
    assert finding["code"] == "ASY100"


def test_exit_zero_with_findings_but_not_with_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100", "--exit-zero")
    assert run.exit_code == 0
    assert "ASY100" in run.stdout
    write(project, "pyproject.toml", "[tool.asyncguide]\nselect = 1\n")
    assert run_main(capsys, "check", "--exit-zero").exit_code == 2
