"""Adopting asyncguide on an existing code base: ``--add-noqa``, ``ASG001`` (unused noqa codes),
``--baseline``/``--write-baseline``."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pygls
import pytest

from asyncguide.rules.noqa import CommentLines, with_noqa

from .conftest import BLOCKING_SLEEP, run_main, write

FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures"


def test_add_noqa_on_the_rule_fixtures_keeps_them_valid_and_silences_them(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every rule's fixture (hundreds of findings in strings spanning lines, continuations,
    decorators, comments), linted with every rule."""
    shutil.copytree(FIXTURES, project / "fixtures")
    before = json.loads(run_main(capsys, "check", "--format", "json", "fixtures").stdout)
    assert len(before) > 500
    unparsable = {finding["path"] for finding in before if finding["code"] == "ASG000"}
    originals = {path: (project / path).read_text("utf-8") for path in {finding["path"] for finding in before}}

    run = run_main(capsys, "check", "--add-noqa", "fixtures")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.startswith("Added noqa comments to ")

    after = json.loads(run_main(capsys, "check", "--format", "json", "--extend-select", "ASG001", "fixtures").stdout)
    assert [finding for finding in after if finding["path"] not in unparsable] == []
    for path, original in originals.items():
        if path in unparsable:
            continue
        edited = (project / path).read_text("utf-8")
        ast.parse(edited)  # still Python
        # only comments were added: the code is the same
        assert ast.dump(ast.parse(edited)) == ast.dump(ast.parse(original)), path


def test_add_noqa_on_an_installed_library(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """pygls, an asyncio library as installed in site-packages: real code, not written for us."""
    shutil.copytree(Path(pygls.__file__).parent, project / "pygls", ignore=shutil.ignore_patterns("__pycache__"))
    before = run_main(capsys, "check", "--format", "json", "pygls")
    findings = json.loads(before.stdout)
    assert before.exit_code == 1 and findings
    assert run_main(capsys, "check", "--add-noqa", "pygls").exit_code == 0
    after = run_main(capsys, "check", "--extend-select", "ASG001", "pygls")
    assert (after.exit_code, after.stdout) == (0, "All checks passed.\n")
    for finding in findings:
        path = project / finding["path"]
        compile(path.read_text("utf-8"), str(path), "exec")
        text = path.read_text("utf-8")
        line = text.splitlines()[CommentLines(text)[finding["line"] - 1]]
        assert "# noqa: " in line and finding["code"] in line


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import time\n\n\nasync def poll():\n    time.sleep(\n        1,\n    )\n    await poll()\n",
            "import time\n\n\nasync def poll():\n    time.sleep(  # noqa: ASY100\n        1,\n    )\n    await poll()\n",
            id="brackets-on-its-first-line",
        ),
        pytest.param(
            'import time\n\n\nasync def poll():\n    message = f"""slept {time.sleep(1)}\n    done"""\n    await poll()\n',
            'import time\n\n\nasync def poll():\n    message = f"""slept {time.sleep(1)}\n    done"""  # noqa: ASY100\n    await poll()\n',
            id="after-the-string-closes",
        ),
        pytest.param(
            "import time\n\n\nasync def poll():\n    time.sleep(\"\"\"\n    \"\"\")\n    await poll()\n",
            "import time\n\n\nasync def poll():\n    time.sleep(\"\"\"\n    \"\"\")  # noqa: ASY100\n    await poll()\n",
            id="call-starting-on-a-string-line",
        ),
        pytest.param(
            "import time\n\n\nasync def poll():\n    x = time.sleep(1) + \\\n        1\n    await poll()\n",
            "import time\n\n\nasync def poll():\n    x = time.sleep(1) + \\\n        1  # noqa: ASY100\n    await poll()\n",
            id="after-the-continuation",
        ),
        pytest.param(
            "import time\n\n\nasync def poll():\n    time.sleep(1)  # wait a bit\n    await poll()\n",
            "import time\n\n\nasync def poll():\n    time.sleep(1)  # wait a bit  # noqa: ASY100\n    await poll()\n",
            id="beside-a-comment",
        ),
        pytest.param(
            "import time\n\n\nasync def poll():\n    time.sleep(1)  # noqa: BLE001 - kept\n    await poll()\n",
            "import time\n\n\nasync def poll():\n    time.sleep(1)  # noqa: BLE001, ASY100 - kept\n    await poll()\n",
            id="merged-into-noqa",
        ),
        pytest.param(
            "import time\r\n\r\n\r\nasync def poll():\r\n    time.sleep(1)\r\n    await poll()",
            "import time\r\n\r\n\r\nasync def poll():\r\n    time.sleep(1)  # noqa: ASY100\r\n    await poll()",
            id="crlf-and-no-final-newline",
        ),
    ],
)
def test_add_noqa_places_the_comment_where_it_is_read(
    project: Path, capsys: pytest.CaptureFixture[str], source: str, expected: str
) -> None:
    path = project / "app.py"
    path.write_bytes(source.encode("utf-8"))
    assert run_main(capsys, "check", "--select", "ASY100,ASY121", "--add-noqa", "app.py").exit_code == 0
    assert path.read_bytes().decode("utf-8") == expected
    assert run_main(capsys, "check", "--select", "ASY100,ASY121", "--extend-select", "ASG001", "app.py").exit_code == 0


def test_with_noqa_leaves_a_bare_noqa_and_listed_codes() -> None:
    assert with_noqa("x()  # noqa", ["ASY100"]) == "x()  # noqa"
    assert with_noqa("x()  # noqa: ASY100", ["ASY100"]) == "x()  # noqa: ASY100"
    assert with_noqa("x()  ", ["ASY101", "ASY100"]) == "x()  # noqa: ASY100, ASY101"


def test_unused_noqa_is_opt_in_and_reports_unused_disabled_and_unknown_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        "app.py",
        "import time\n\n\nasync def poll():\n"
        "    time.sleep(1)  # noqa: ASY100, ASY101, STA001, ASY999, E501\n"
        "    await poll()  # noqa: ASY100\n"
        "    await poll()  # noqa\n"
        "    x = '# noqa: ASY100'  # a string, not a comment\n",
    )
    assert run_main(capsys, "check", "--select", "ASY100,ASY101").exit_code == 0
    run = run_main(capsys, "check", "--select", "ASY100,ASY101", "--extend-select", "ASG001")
    assert run.exit_code == 1
    assert run.stdout.splitlines()[:-1] == [
        "app.py:5:20: ASG001 `# noqa` lists codes that suppress nothing here (unused: ASY101; not enabled: STA001; unknown: ASY999)",
        "app.py:6:19: ASG001 `# noqa` lists codes that suppress nothing here (unused: ASY100)",
    ]
    # "ALL" and prefixes leave it off; the configuration can turn it on
    assert "ASG001" not in run_main(capsys, "check", "--select", "ALL").stdout
    write(project, "pyproject.toml", "[tool.asyncguide]\nselect = [\"ASY100\"]\nextend-select = [\"ASG001\"]\n")
    assert run_main(capsys, "check").stdout.count("ASG001") == 2


def test_baseline_reports_only_new_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "app/poll.py", BLOCKING_SLEEP)
    write(project, "app/other.py", BLOCKING_SLEEP)
    baseline = project / "asyncguide-baseline.json"
    run = run_main(capsys, "check", "--select", "ASY100", "--baseline", str(baseline), "--write-baseline")
    assert run.exit_code == 0
    assert run.stderr == f"Recorded 2 findings in {baseline}.\n"
    recorded = json.loads(baseline.read_text("utf-8"))
    assert recorded["asyncguide-baseline"] == 1
    assert [(entry["path"], entry["code"], entry["line"]) for entry in recorded["findings"]] == [
        ("app/other.py", "ASY100", 5), ("app/poll.py", "ASY100", 5)
    ]
    assert run_main(capsys, "check", "--select", "ASY100", "--baseline", str(baseline)).exit_code == 0
    # lines inserted above the known finding, and a new finding
    write(project, "app/poll.py", "# polling\n" + BLOCKING_SLEEP + "\n\nasync def again():\n    time.sleep(2)\n")
    run = run_main(capsys, "check", "--select", "ASY100", "--baseline", str(baseline))
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        "app/poll.py:10:5: ASY100 `time.sleep()` blocks the event loop in coroutine `again`; use `await asyncio.sleep()`",
        "Found 1 problem (1 fixable with --fix).",
    ]


def test_baseline_matches_from_another_working_folder(project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "app/poll.py", BLOCKING_SLEEP)
    assert run_main(capsys, "check", "--select", "ASY100", "--baseline", "baseline.json", "--write-baseline").exit_code == 0
    monkeypatch.chdir(project / "app")
    assert run_main(capsys, "check", "--select", "ASY100", "--baseline", "../baseline.json").exit_code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON"), ("[]", "not an asyncguide baseline"), ('{"asyncguide-baseline": 1, "findings": [{}]}', "fingerprint")],
)
def test_a_bad_baseline_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    write(project, "app.py", BLOCKING_SLEEP)
    write(project, "baseline.json", content)
    run = run_main(capsys, "check", "--baseline", "baseline.json")
    assert run.exit_code == 2
    assert message in run.stderr
    assert run_main(capsys, "check", "--baseline", "missing.json").exit_code == 2
