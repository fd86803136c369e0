"""``asyncguide check``: output formats, exit codes, fixes, diffs, statistics, jobs, suppressions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .conftest import BLOCKING_SLEEP, run_main, run_process, write

FINDING_KEYS = {"code", "message", "path", "line", "column", "end_line", "end_column", "severity", "fixable", "cell"}


def test_text_output_names_path_position_code_and_summary(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app/poll.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100")
    lines = run.stdout.splitlines()
    assert lines[0].startswith("app/poll.py:5:5: ASY100 `time.sleep()`")
    assert lines[-1] == "Found 1 problem (1 fixable with --fix)."
    assert run.exit_code == 1 and run.stderr == ""


def test_exit_code_0_and_all_checks_passed_when_clean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "clean.py", "import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n")
    run = run_main(capsys, "check", "--select", "ASY100")
    assert run.exit_code == 0
    assert run.stdout == "All checks passed.\n"


def test_real_process_reports_and_exits_1(project: Path) -> None:
    write(project, "poll.py", BLOCKING_SLEEP)
    run = run_process(project, "check", "--select", "ASY100", "poll.py")
    assert run.exit_code == 1
    assert run.stdout.startswith("poll.py:5:5: ASY100 ")


def test_paths_default_to_the_working_folder_and_can_be_several(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "a/one.py", BLOCKING_SLEEP)
    write(project, "b/two.py", BLOCKING_SLEEP)
    write(project, "c/three.py", BLOCKING_SLEEP)
    everything = run_main(capsys, "check", "--select", "ASY100")
    two_folders = run_main(capsys, "check", "--select", "ASY100", "a", "c/three.py")
    assert [line.split(":")[0] for line in everything.stdout.splitlines()[:-1]] == ["a/one.py", "b/two.py", "c/three.py"]
    assert [line.split(":")[0] for line in two_folders.stdout.splitlines()[:-1]] == ["a/one.py", "c/three.py"]


def test_only_py_files_are_checked_in_folders(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "stub.pyi", BLOCKING_SLEEP)
    write(project, "notes.txt", BLOCKING_SLEEP)
    write(project, "script.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100")
    assert [line.split(":")[0] for line in run.stdout.splitlines()[:-1]] == ["script.py"]


def test_json_has_exactly_the_documented_keys(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "poll.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100", "--format", "json")
    findings = json.loads(run.stdout)
    assert run.exit_code == 1
    assert [set(finding) for finding in findings] == [FINDING_KEYS]
    assert findings[0] == {
        "code": "ASY100",
        "message": findings[0]["message"],
        "path": "poll.py",
        "line": 5,
        "column": 5,
        "end_line": 5,
        "end_column": 18,  # just after `time.sleep(1)`, 1-based
        "severity": "warning",
        "fixable": True,
        "cell": None,  # a notebook's findings name their cell (test_notebooks.py)
    }
    assert "time.sleep()" in findings[0]["message"]


def test_json_is_an_empty_array_when_clean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "clean.py", "x = 1\n")
    run = run_main(capsys, "check", "--format", "json")
    assert json.loads(run.stdout) == [] and run.exit_code == 0


def test_json_columns_count_characters_on_non_ascii_lines(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = '    label = "naïve 🙂 東京"; time.sleep(1)'
    write(project, "poll.py", f"import time\n\n\nasync def poll():\n{line}\n")
    finding = json.loads(run_main(capsys, "check", "--select", "ASY100", "--format", "json").stdout)[0]
    start = line.index("time.sleep")
    assert finding["column"] == start + 1
    assert finding["end_column"] == start + len("time.sleep(1)") + 1
    assert finding["column"] != len(line[:start].encode("utf-8")) + 1  # not UTF-8 bytes


def test_unparsable_file_is_asg000_with_severity_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "broken.py", "async def poll(:\n    pass\n")
    write(project, "poll.py", BLOCKING_SLEEP)
    findings = json.loads(run_main(capsys, "check", "--select", "ASY100", "--format", "json").stdout)
    broken = [finding for finding in findings if finding["path"] == "broken.py"]
    assert len(broken) == 1
    assert broken[0]["code"] == "ASG000" and broken[0]["severity"] == "error" and broken[0]["fixable"] is False
    assert broken[0]["line"] == 1 and "SyntaxError" in broken[0]["message"]
    assert [finding["code"] for finding in findings if finding["path"] == "poll.py"] == ["ASY100"]


def test_unparsable_file_in_text_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "broken.py", "def f(:\n")
    run = run_main(capsys, "check", "--select", "ASY100")
    assert run.stdout.startswith("broken.py:1:") and ": ASG000 SyntaxError: " in run.stdout
    assert run.exit_code == 1


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="this Python parses PEP 758")
def test_newer_syntax_says_which_python_to_run(project: Path) -> None:
    """As a user runs it: a project on Python 3.14, checked by an asyncguide on an older Python."""
    write(project, "handlers.py", "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n")
    run = run_process(project, "check", "--target-version", "py314", "handlers.py")
    running = "{}.{}".format(*sys.version_info[:2])
    assert run.stdout.splitlines()[0] == (
        "handlers.py:3:8: ASG000 SyntaxError: `except` with several exception types and no parentheses (PEP 758) "
        f"needs Python 3.14; asyncguide runs on Python {running} and cannot parse this file: "
        "run asyncguide with Python ≥ 3.14"
    )
    assert run.exit_code == 1


def test_file_in_an_undecodable_encoding_is_asg000(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "latin.py").write_bytes(b"name = '\xe9t\xe9'\n")  # Latin-1 without a coding cookie
    finding = json.loads(run_main(capsys, "check", "--format", "json").stdout)[0]
    assert finding["code"] == "ASG000" and finding["path"] == "latin.py"


def test_coding_cookie_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "# -*- coding: latin-1 -*-\nimport time\n\n\nasync def poll():\n    label = 'été'; time.sleep(1)\n"
    (project / "latin.py").write_bytes(source.encode("latin-1"))
    finding = json.loads(run_main(capsys, "check", "--select", "ASY100", "--format", "json").stdout)[0]
    assert (finding["code"], finding["line"], finding["column"]) == ("ASY100", 6, len("    label = 'été'; ") + 1)


def test_select_and_ignore_override_the_configuration(project: Path, capsys: pytest.CaptureFixture[str], target_version_rule: str) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["TST902"]\n')
    write(project, "poll.py", BLOCKING_SLEEP + "\n\nprobe()\n")
    configured = run_main(capsys, "check", "--format", "json")
    selected = run_main(capsys, "check", "--format", "json", "--select", "asy100, TST9")
    ignored = run_main(capsys, "check", "--format", "json", "--select", "ASY100,TST9", "--ignore", "TST902")
    assert {f["code"] for f in json.loads(configured.stdout)} == {"TST902"}
    assert {f["code"] for f in json.loads(selected.stdout)} == {"ASY100", "TST902"}
    assert {f["code"] for f in json.loads(ignored.stdout)} == {"ASY100"}


def test_select_replaces_configured_extend_select(project: Path, capsys: pytest.CaptureFixture[str], target_version_rule: str) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100"]\nextend-select = ["TST902"]\n')
    write(project, "poll.py", BLOCKING_SLEEP + "\n\nprobe()\n")
    assert {f["code"] for f in json.loads(run_main(capsys, "check", "--format", "json").stdout)} == {"ASY100", "TST902"}
    selected = run_main(capsys, "check", "--format", "json", "--select", "ASY100")
    assert {f["code"] for f in json.loads(selected.stdout)} == {"ASY100"}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_on_the_command_line_exits_2(project: Path, capsys: pytest.CaptureFixture[str], option: str) -> None:
    write(project, "poll.py", BLOCKING_SLEEP)
    with pytest.raises(SystemExit) as exit_info:
        run_main(capsys, "check", option, "ASY100,NOPE999")
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}: 'NOPE999' is neither a rule code nor a prefix" in error
    assert "asyncguide rules" in error


def test_missing_path_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", "does-not-exist.py")
    assert run.exit_code == 2
    assert run.stderr == "asyncguide: error: no such file or folder: does-not-exist.py\n"
    assert run.stdout == ""


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["--jobs", "0"], "argument --jobs/-j: '0' is not a positive whole number"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--target-version", "py27"], "argument --target-version: invalid choice: 'py27'"),
        (["--diff", "--format", "json"], "--diff prints a unified diff"),
        (["--statistics", "--format", "sarif"], "--statistics prints text or JSON"),
    ],
)
def test_bad_usage_exits_2(project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], words: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_main(capsys, "check", *arguments)
    assert exit_info.value.code == 2
    assert words in capsys.readouterr().err


def test_target_version_option_and_setting(project: Path, capsys: pytest.CaptureFixture[str], target_version_rule: str) -> None:
    write(project, "probe.py", "probe()\n")

    def linted_for(*arguments: str) -> str:
        return json.loads(run_main(capsys, "check", "--select", "TST902", "--format", "json", *arguments).stdout)[0]["message"]

    assert linted_for() == "linted for Python 3.9"
    assert linted_for("--target-version", "py313") == "linted for Python 3.13"
    write(project, "pyproject.toml", '[tool.asyncguide]\ntarget-version = "py311"\n')
    assert linted_for() == "linted for Python 3.11"
    assert linted_for("--target-version", "py314") == "linted for Python 3.14"


def test_noqa_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        "poll.py",
        "import time\n\n\nasync def poll():\n"
        "    time.sleep(1)  # noqa: ASY100\n"
        "    time.sleep(2)  # noqa\n"
        "    time.sleep(3)  # noqa: ASY101\n",
    )
    findings = json.loads(run_main(capsys, "check", "--select", "ASY100", "--format", "json").stdout)
    assert [(finding["code"], finding["line"]) for finding in findings] == [("ASY100", 7)]


def test_skip_file_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "poll.py", "# asyncguide: skip-file\n" + BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100")
    assert run.exit_code == 0 and run.stdout == "All checks passed.\n"


def test_fix_writes_converged_files_and_reports_the_rest(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    poll = write(
        project,
        "poll.py",
        '"""Polling."""\nimport time\n\n\nasync def poll(client):\n'
        "    while not await client.ready():\n"
        "        time.sleep(0.5)  # wait a bit\n"
        "    time.sleep(1)\n\n\n"
        "def sync_poll():\n    time.sleep(1)\n",
    )
    run = run_main(capsys, "check", "--select", "ASY100", "--fix")
    assert poll.read_text("utf-8") == (
        '"""Polling."""\nimport time\nimport asyncio\n\n\nasync def poll(client):\n'
        "    while not await client.ready():\n"
        "        await asyncio.sleep(0.5)  # wait a bit\n"
        "    await asyncio.sleep(1)\n\n\n"
        "def sync_poll():\n    time.sleep(1)\n"
    )
    assert run.stdout == "Found 2 problems (2 fixed, 0 remaining).\n"
    assert run.exit_code == 0
    again = run_main(capsys, "check", "--select", "ASY100", "--fix")
    assert again.stdout == "All checks passed.\n" and again.exit_code == 0


def test_fix_keeps_crlf_line_endings_and_exits_1_when_problems_remain(
    project: Path, capsys: pytest.CaptureFixture[str], legacy_call_rule: str
) -> None:
    poll = project / "poll.py"
    poll.write_bytes(b"import time\r\n\r\n\r\nasync def poll():\r\n    time.sleep(1)\r\n    legacy()\r\n")
    run = run_main(capsys, "check", "--select", "ASY100,TST901", "--fix")
    assert poll.read_bytes() == b"import time\r\nimport asyncio\r\n\r\n\r\nasync def poll():\r\n    await asyncio.sleep(1)\r\n    legacy()\r\n"
    assert run.stdout.splitlines() == [
        "poll.py:7:5: TST901 `legacy()` is replaced by `modern()`",
        "Found 2 problems (1 fixed, 1 remaining).",
    ]
    assert run.exit_code == 1


def test_unsafe_fixes_only_with_the_option_or_setting(project: Path, capsys: pytest.CaptureFixture[str], legacy_call_rule: str) -> None:
    poll = write(project, "poll.py", "legacy()\n")
    listed = run_main(capsys, "check", "--select", "TST901")
    assert listed.stdout.splitlines()[-2:] == ["Found 1 problem.", "1 more fixable with --fix --unsafe-fixes."]
    listed_unsafe = run_main(capsys, "check", "--select", "TST901", "--unsafe-fixes")
    assert listed_unsafe.stdout.splitlines()[-1] == "Found 1 problem (1 fixable with --fix)."

    run_main(capsys, "check", "--select", "TST901", "--fix")
    assert poll.read_text("utf-8") == "legacy()\n"
    run_main(capsys, "check", "--select", "TST901", "--fix", "--unsafe-fixes")
    assert poll.read_text("utf-8") == "modern()\n"

    poll.write_text("legacy()\n", "utf-8")
    write(project, "pyproject.toml", "[tool.asyncguide]\nunsafe-fixes = true\n")
    run = run_main(capsys, "check", "--select", "TST901", "--fix")
    assert poll.read_text("utf-8") == "modern()\n" and run.exit_code == 0


def test_diff_prints_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    poll = write(project, "app/poll.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", "ASY100", "--diff")
    assert poll.read_text("utf-8") == BLOCKING_SLEEP
    assert run.stdout == (
        "--- a/app/poll.py\n+++ b/app/poll.py\n@@ -1,5 +1,6 @@\n import time\n+import asyncio\n \n \n"
        " async def poll():\n-    time.sleep(1)\n+    await asyncio.sleep(1)\n"
    )
    assert run.stderr == "Would fix 1 problem.\n"
    assert run.exit_code == 1


def test_diff_exits_0_when_nothing_would_change(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "sync.py", "import time\n\ntime.sleep(1)\n")
    run = run_main(capsys, "check", "--select", "ASY100", "--diff")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "No fixes available.\n")


def test_diff_applies_with_git_apply(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    poll = write(project, "poll.py", BLOCKING_SLEEP.rstrip("\n"))  # no newline at the end either
    patch = run_main(capsys, "check", "--select", "ASY100", "--diff").stdout
    subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=project, check=True)
    assert poll.read_text("utf-8") == "import time\nimport asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)"


def test_statistics_count_per_code_most_frequent_first(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "poll.py", "import time\n\n\nasync def poll():\n" + "    time.sleep(1)\n" * 3)
    write(project, "broken.py", "def broken(:\n")
    run = run_main(capsys, "check", "--select", "ASY100", "--statistics")
    assert run.stdout.splitlines() == ["3  ASY100  [*] blocking-sleep-in-async", "1  ASG000      syntax-error"]
    assert run.exit_code == 1
    as_json = json.loads(run_main(capsys, "check", "--select", "ASY100", "--statistics", "--format", "json").stdout)
    assert as_json == [
        {"code": "ASY100", "name": "blocking-sleep-in-async", "count": 3, "fixable": 3},
        {"code": "ASG000", "name": "syntax-error", "count": 1, "fixable": 0},
    ]


def test_statistics_when_clean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "clean.py", "x = 1\n")
    run = run_main(capsys, "check", "--statistics")
    assert (run.exit_code, run.stdout) == (0, "All checks passed.\n")


def test_two_jobs_give_the_same_result_as_one(project: Path) -> None:
    for number in range(8):
        write(project, f"pkg/module_{number}.py", BLOCKING_SLEEP + "    time.sleep(2)\n" * number)
    write(project, "pkg/broken.py", "def broken(:\n")
    one = run_process(project, "check", "--select", "ASY100", "--format", "json", "--jobs", "1")
    two = run_process(project, "check", "--select", "ASY100", "--format", "json", "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert len(json.loads(two.stdout)) == sum(range(1, 9)) + 1


def test_two_jobs_fix_every_file(project: Path) -> None:
    files = [write(project, f"module_{number}.py", BLOCKING_SLEEP) for number in range(4)]
    run = run_process(project, "check", "--select", "ASY100", "--fix", "--jobs", "2")
    assert run.stdout == "Found 4 problems (4 fixed, 0 remaining).\n"
    assert all("await asyncio.sleep(1)" in path.read_text("utf-8") for path in files)


def test_a_broken_rule_is_reported_once_and_the_others_keep_going(
    project: Path, capsys: pytest.CaptureFixture[str], broken_rule: str
) -> None:
    write(project, "poll.py", BLOCKING_SLEEP + "    time.sleep(2)\n")
    run = run_main(capsys, "check", "--select", f"ASY100,{broken_rule}", "--jobs", "1")
    assert run.stderr == "asyncguide: internal error in rule TST900 on poll.py: RuntimeError: deliberately broken\n"
    assert [line.split(": ")[1].split()[0] for line in run.stdout.splitlines()[:-1]] == ["ASY100", "ASY100"]
    assert run.exit_code == 2  # the report is incomplete: the findings do not make it 1


def test_internal_errors_alone_exit_with_2(project: Path, capsys: pytest.CaptureFixture[str], broken_rule: str) -> None:
    write(project, "poll.py", "print('nothing else to report')\n")
    run = run_main(capsys, "check", "--select", broken_rule, "--jobs", "1")
    assert run.stdout == "All checks passed.\n"
    assert run.stderr == "asyncguide: internal error in rule TST900 on poll.py: RuntimeError: deliberately broken\n"
    assert run.exit_code == 2


def test_version(project: Path) -> None:
    from importlib.metadata import version

    run = run_process(project, "--version")
    assert (run.exit_code, run.stdout) == (0, f"asyncguide {version('asyncguide')}\n")


@pytest.mark.parametrize(
    "pyproject, working_folder, argument",
    [
        (True, "pkg/api", "views.py"),  # the nearest pyproject.toml's folder
        (False, "..", "project"),  # the folder named on the command line
        (False, ".", "pkg/api/views.py"),  # for a file named directly: the working folder
    ],
)
def test_imported_callees_are_resolved_from_the_project_root(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    resolver_probe_rule: str,
    pyproject: bool,
    working_folder: str,
    argument: str,
) -> None:
    if pyproject:
        write(project, "pyproject.toml", '[project]\nname = "service"\n')
    write(project, "pkg/__init__.py", "")
    write(project, "pkg/db.py", "async def fetch():\n    return 1\n\n\ndef connect():\n    return 2\n")
    write(project, "pkg/api/__init__.py", "")
    write(
        project,
        "pkg/api/views.py",
        "from pkg.db import connect, fetch\nfrom ..db import fetch as relative_fetch\n\n\n"
        "async def view():\n    fetch()\n    connect()\n    relative_fetch()\n",
    )
    monkeypatch.chdir(project / working_folder)
    run = run_main(capsys, "check", "--select", resolver_probe_rule, "--format", "json", "--jobs", "1", argument)
    answers = [finding["message"] for finding in json.loads(run.stdout) if finding["path"].endswith("views.py")]
    assert answers == ["pkg.db.fetch -> True", "pkg.db.connect -> False", "..db.fetch -> True"]


def test_a_broken_fix_leaves_the_file_unchanged_and_is_reported(
    project: Path, capsys: pytest.CaptureFixture[str], broken_fix_rule: str
) -> None:
    source = BLOCKING_SLEEP + "    legacy()\n"
    poll = write(project, "poll.py", source)
    write(project, "other.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check", "--select", f"ASY100,{broken_fix_rule}", "--fix", "--jobs", "1")
    assert run.stderr == (
        "asyncguide: internal error while fixing poll.py (left unchanged): RuntimeError: deliberately broken fix\n"
    )
    assert poll.read_text("utf-8") == source
    assert "await asyncio.sleep(1)" in (project / "other.py").read_text("utf-8")
    assert [line.split(": ")[1].split()[0] for line in run.stdout.splitlines()[:-1]] == ["ASY100", "TST904"]
    assert run.exit_code == 2


def test_a_broken_fix_under_diff_exits_with_2(project: Path, capsys: pytest.CaptureFixture[str], broken_fix_rule: str) -> None:
    write(project, "poll.py", "legacy()\n")
    run = run_main(capsys, "check", "--select", broken_fix_rule, "--diff", "--jobs", "1")
    assert run.stdout == ""  # nothing it could change
    assert run.stderr.startswith("asyncguide: internal error while fixing poll.py (left unchanged)")
    assert run.exit_code == 2


def test_a_file_that_cannot_be_written_is_reported(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    poll = write(project, "poll.py", BLOCKING_SLEEP)

    def read_only_disk(path: Path, data: bytes) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "write_bytes", read_only_disk)
    run = run_main(capsys, "check", "--select", "ASY100", "--fix", "--jobs", "1")
    assert run.stderr.startswith("asyncguide: cannot write the fixes to poll.py: [Errno 13] Permission denied")
    assert poll.read_text("utf-8") == BLOCKING_SLEEP
    assert run.stdout.splitlines()[-1] == "Found 1 problem (1 fixable with --fix)."
    assert run.exit_code == 2


SESSION_WITHOUT_HTTPS_ONLY = (
    "from starlette.applications import Starlette\n"
    "from starlette.middleware.sessions import SessionMiddleware\n\n"
    "app = Starlette()\n"
    'app.add_middleware(SessionMiddleware, secret_key="from-the-environment")\n'
)


@pytest.mark.parametrize(
    ("configuration", "options", "reported"),
    [
        ("", (), False),
        ('[tool.asyncguide]\nselect = ["STA"]\n', (), False),
        ('[tool.asyncguide]\nextend-select = ["opinion"]\n', (), True),
        ('[tool.asyncguide]\nextend-select = ["STA004"]\n', (), True),
        ("", ("--select", "opinion"), True),
        ('[tool.asyncguide]\nextend-select = ["opinion"]\nignore = ["STA004"]\n', (), False),
    ],
)
def test_opt_in_rules_report_only_when_selected(
    project: Path, capsys: pytest.CaptureFixture[str], configuration: str, options: tuple[str, ...], reported: bool
) -> None:
    write(project, "pyproject.toml", configuration or "[project]\nname = 'app'\n")
    write(project, "app.py", SESSION_WITHOUT_HTTPS_ONLY)
    codes = {f["code"] for f in json.loads(run_main(capsys, "check", "--format", "json", *options).stdout)}
    assert ("STA004" in codes) is reported
