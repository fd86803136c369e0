"""``asyncguide check`` on Jupyter notebooks: positions by cell, every output format, fixes written
into the notebook's JSON and nothing else, diffs per cell, discovery, ``--add-noqa``, stdin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import run_main, run_process, write
from .test_stdin import run_stdin

#: a notebook as Jupyter saves it: markdown, magics, a %%bash cell, outputs (an image among them),
#: cell ids and tags, metadata whose keys are not sorted, non-ASCII text
NOTEBOOK = Path(__file__).parent / "notebooks" / "service_demo.ipynb"
SELECTED = ("--select", "ASY100,ASY170,AIO006")
#: what --fix changes: two lines of two cells' sources, nothing else
FIXED_LINES = {
    '"        time.sleep(0.5)  # let the service breathe\\n",': '"        await asyncio.sleep(0.5)  # let the service breathe\\n",',
    '"status = asyncio.run(main())\\n",': '"status = await main()\\n",',
}


@pytest.fixture
def notebook(project: Path) -> Path:
    return Path(shutil.copy(NOTEBOOK, project / "service_demo.ipynb"))


def test_findings_name_the_cell_and_the_line_in_it(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", *SELECTED)
    assert run.stdout.splitlines() == [
        "service_demo.ipynb:cell 3:3:9: ASY100 `time.sleep()` blocks the event loop in coroutine `fetch_status`; use `await asyncio.sleep()`",
        "service_demo.ipynb:cell 4:3:16: AIO006 `aiohttp.ClientSession()` without a timeout in coroutine `main`: requests may wait up to 5 minutes (the default); pass `timeout=aiohttp.ClientTimeout(total=...)`",
        "service_demo.ipynb:cell 4:6:10: ASY170 `asyncio.run()` in a notebook cell raises `RuntimeError`: the kernel's event loop is already running; `await` the coroutine at the cell's top level instead",
        "Found 3 problems (2 fixable with --fix).",
    ]
    # the %%time cell awaits at its top level, the magics and the %%bash cell parse: nothing else
    assert run.exit_code == 1 and run.stderr == ""


def test_every_format_carries_the_cell(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    findings = json.loads(run_main(capsys, "check", *SELECTED, "--format", "json").stdout)
    assert [(f["code"], f["cell"], f["line"], f["column"]) for f in findings] == [
        ("ASY100", 3, 3, 9), ("AIO006", 4, 3, 16), ("ASY170", 4, 6, 10)
    ]
    sarif = json.loads(run_main(capsys, "check", *SELECTED, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert [(r["properties"]["cell"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        (3, 3), (4, 3), (4, 6)
    ]
    github = run_main(capsys, "check", *SELECTED, "--format", "github").stdout.splitlines()
    assert github[0].startswith("::warning file=service_demo.ipynb,line=3,col=9,") and "::cell 3: ASY100 " in github[0]
    gitlab = json.loads(run_main(capsys, "check", *SELECTED, "--format", "gitlab").stdout)
    assert gitlab[2]["description"].startswith("cell 4: ASY170 ")
    junit = run_main(capsys, "check", *SELECTED, "--format", "junit").stdout
    assert "service_demo.ipynb:cell 4:6:10: ASY170" in junit


def test_fix_changes_only_the_fixed_lines_of_the_cells_sources(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = NOTEBOOK.read_text("utf-8")
    run = run_main(capsys, "check", *SELECTED, "--fix")
    expected = original
    for before, after in FIXED_LINES.items():
        assert expected.count(before) == 1
        expected = expected.replace(before, after)
    # byte for byte: outputs, metadata, ids, other cells, indentation, key order, é, trailing newline
    assert notebook.read_bytes() == expected.encode("utf-8")
    assert run.stdout.splitlines()[-1] == "Found 3 problems (2 fixed, 1 remaining)."
    assert run.exit_code == 1


def test_fix_writes_nothing_when_nothing_changes(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", "--select", "AIO006", "--fix")
    assert notebook.read_bytes() == NOTEBOOK.read_bytes()
    assert run.exit_code == 1


def test_diff_shows_each_changed_cell(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", *SELECTED, "--diff")
    assert "--- a/service_demo.ipynb:cell 3\n+++ b/service_demo.ipynb:cell 3\n" in run.stdout
    assert "-        time.sleep(0.5)  # let the service breathe\n+        await asyncio.sleep(0.5)" in run.stdout
    assert "-status = asyncio.run(main())\n+status = await main()\n" in run.stdout
    assert "cell 4" in run.stdout and "cell 2" not in run.stdout
    assert notebook.read_bytes() == NOTEBOOK.read_bytes()
    assert run.exit_code == 1 and run.stderr == "Would fix 2 problems.\n"


def test_folders_pick_up_notebooks(project: Path, notebook: Path) -> None:
    write(project, "checkpoints.txt", "not a notebook")
    run = run_process(project, "check", *SELECTED)
    assert run.exit_code == 1
    assert {line.split(":")[0] for line in run.stdout.splitlines()[:-1]} == {"service_demo.ipynb"}


def test_a_notebook_that_is_not_json_is_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "broken.ipynb", "{ not json")
    run = run_main(capsys, "check")
    assert run.stdout.startswith("broken.ipynb:1:1: ASG000 not a notebook: ")
    assert run.exit_code == 1


def test_a_syntax_error_is_reported_in_its_cell(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": text} for text in ("x = 1", "y = (\n")]
    write(project, "broken.ipynb", json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    run = run_main(capsys, "check")
    assert run.stdout.startswith("broken.ipynb:cell 2:1:")
    assert "ASG000 SyntaxError" in run.stdout


def test_add_noqa_comments_go_into_the_cells(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "check", *SELECTED, "--add-noqa")
    assert run.exit_code == 0, run.stderr
    text = notebook.read_text("utf-8")
    assert '"        time.sleep(0.5)  # let the service breathe  # noqa: ASY100\\n",' in text
    assert '"status = asyncio.run(main())  # noqa: ASY170\\n",' in text
    again = run_main(capsys, "check", *SELECTED)
    assert again.exit_code == 0 and again.stdout == "All checks passed.\n"


def test_stdin_with_a_notebook_filename_prints_the_fixed_notebook(notebook: Path) -> None:
    run = run_stdin(notebook.parent, NOTEBOOK.read_text("utf-8"), *SELECTED, "--fix", "--stdin-filename", "service_demo.ipynb", "-")
    assert run.exit_code == 1 and "cell 4:3:16: AIO006" in run.stderr
    assert '"status = await main()\\n",' in run.stdout
    assert json.loads(run.stdout)["cells"][3]["outputs"] == json.loads(NOTEBOOK.read_text("utf-8"))["cells"][3]["outputs"]


def test_the_documented_output_is_the_real_one(notebook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = (Path(__file__).parents[2] / "docs" / "notebooks.md").read_text("utf-8")
    block = page.split("```console\n", 1)[1].split("```", 1)[0]
    command, *output = block.splitlines()
    assert command == "$ asyncguide check service_demo.ipynb"
    assert run_main(capsys, "check", "service_demo.ipynb").stdout.splitlines() == output
