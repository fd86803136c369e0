"""``[tool.asyncguide]`` through the command line: each file's nearest pyproject.toml, and a bad
table stopping the run with exit code 2 and one line naming the file and key, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import BLOCKING_SLEEP, run_main, run_process, write


@pytest.mark.parametrize(
    "table, key, words",
    [
        ('selct = ["ASY100"]', "selct", "unknown key; the keys are"),
        ('select = "ASY100"', "select", "must be a list of rule codes or prefixes"),
        ("exclude = [1]", "exclude", "must be a list of glob patterns"),
        ('unsafe-fixes = "yes"', "unsafe-fixes", "must be true or false"),
        ('target-version = "py27"', "target-version", "'py27' is not one of py39"),
        ('ignore = ["NOPE1"]', "ignore", "'NOPE1' is neither a rule code nor a prefix"),
        ('per-file-ignores = { "tests/*" = ["ASY9999"] }', "per-file-ignores", "'ASY9999' is neither"),
    ],
)
def test_a_bad_key_exits_2_naming_file_and_key(
    project: Path, capsys: pytest.CaptureFixture[str], table: str, key: str, words: str
) -> None:
    pyproject = write(project, "pyproject.toml", f"[tool.asyncguide]\n{table}\n")
    write(project, "poll.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check")
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr.startswith(f"asyncguide: error: {pyproject}: [tool.asyncguide] {key}: ")
    assert words in run.stderr
    assert run.stderr.count("\n") == 1


def test_a_bad_key_in_a_real_process_prints_one_line_and_no_traceback(project: Path) -> None:
    pyproject = write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100"]\nfix = true\n')
    write(project, "poll.py", BLOCKING_SLEEP)
    run = run_process(project, "check")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.startswith(f"asyncguide: error: {pyproject}: [tool.asyncguide] fix: unknown key")
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_broken_toml_exits_2_naming_the_file(project: Path) -> None:
    pyproject = write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100"\n')
    write(project, "poll.py", BLOCKING_SLEEP)
    run = run_process(project, "check")
    assert run.exit_code == 2
    assert run.stderr.startswith(f"asyncguide: error: {pyproject}: not valid TOML: ")
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_a_bad_nested_pyproject_stops_the_run(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100"]\n')
    write(project, "app.py", BLOCKING_SLEEP)
    nested = write(project, "services/billing/pyproject.toml", '[tool.asyncguide]\ntarget-version = "3.12"\n')
    write(project, "services/billing/billing.py", BLOCKING_SLEEP)
    run = run_main(capsys, "check")
    assert run.exit_code == 2
    assert run.stderr.startswith(f"asyncguide: error: {nested}: [tool.asyncguide] target-version: ")


def test_each_file_uses_its_nearest_pyproject(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100"]\n')
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "services/quiet/pyproject.toml", '[tool.asyncguide]\nignore = ["ASY100"]\n')
    write(project, "services/quiet/quiet.py", BLOCKING_SLEEP)
    write(project, "services/plain/pyproject.toml", '[project]\nname = "plain"\n')  # no asyncguide table: keep looking up
    write(project, "services/plain/plain.py", BLOCKING_SLEEP)
    findings = json.loads(run_main(capsys, "check", "--format", "json").stdout)
    # other rules are on in services/quiet (it selects everything but ASY100): look at ASY100 only
    assert [finding["path"] for finding in findings if finding["code"] == "ASY100"] == ["app.py", "services/plain/plain.py"]


def test_per_file_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100"]\nper-file-ignores = { "tests/*" = ["ASY1"] }\n')
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "tests/test_app.py", BLOCKING_SLEEP)
    write(project, "tests/unit/test_deep.py", BLOCKING_SLEEP)
    findings = json.loads(run_main(capsys, "check", "--format", "json").stdout)
    assert [finding["path"] for finding in findings] == ["app.py"]


def test_per_file_ignores_are_relative_to_the_pyproject_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "service/pyproject.toml", '[tool.asyncguide]\nper-file-ignores = { "scripts/*" = ["ASY100"] }\n')
    write(project, "service/scripts/seed.py", BLOCKING_SLEEP)
    write(project, "service/app.py", BLOCKING_SLEEP)
    findings = json.loads(run_main(capsys, "check", "--select", "ASY100", "--format", "json", "service").stdout)
    assert [finding["path"] for finding in findings] == ["service/app.py"]


def test_configured_select_and_ignore(project: Path, capsys: pytest.CaptureFixture[str], target_version_rule: str) -> None:
    write(project, "pyproject.toml", '[tool.asyncguide]\nselect = ["ASY100", "TST"]\nignore = ["TST902"]\n')
    write(project, "app.py", BLOCKING_SLEEP + "\n\nprobe()\n")
    findings = json.loads(run_main(capsys, "check", "--format", "json").stdout)
    assert {finding["code"] for finding in findings} == {"ASY100"}
