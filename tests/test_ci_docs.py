"""docs/ci.md: its workflow and pipeline files are valid YAML, and the asyncguide commands in them
run as written, writing the reports the next steps read."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def yaml_blocks(page: str) -> list[str]:
    text = (ROOT / "docs" / page).read_text("utf-8")
    return re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def ci_commands() -> list[str]:
    return [text for block in yaml_blocks("ci.md") for text in strings(yaml.safe_load(block)) if text.startswith("asyncguide check")]


def test_ci_page_has_the_jobs() -> None:
    documents = [yaml.safe_load(block) for block in yaml_blocks("ci.md")]
    assert len(documents) == 4
    steps = [step for document in documents for job in document.get("jobs", {}).values() for step in job["steps"]]
    upload = [step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload and upload[0]["with"]["sarif_file"] == "asyncguide.sarif"
    assert any("--format sarif --output-file asyncguide.sarif" in step.get("run", "") for step in steps)
    reports = [job["artifacts"]["reports"] for document in documents for job in document.values() if isinstance(job, dict) and "artifacts" in job]
    assert {name for report in reports for name in report} == {"codequality", "junit"}


@pytest.mark.parametrize("command", ci_commands())
def test_ci_command_runs(command: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import time\n\n\nasync def poll():\n    time.sleep(1)\n", "utf-8")
    arguments = shlex.split(command)
    completed = subprocess.run([sys.executable, "-m", "asyncguide", *arguments[1:]], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert completed.returncode == (0 if "--exit-zero" in arguments else 1), completed.stderr
    if "--output-file" not in arguments:
        return
    report = (tmp_path / arguments[arguments.index("--output-file") + 1]).read_text("utf-8")
    output_format = arguments[arguments.index("--format") + 1]
    if output_format == "junit":
        assert ElementTree.fromstring(report).get("failures") == "2"
    elif output_format == "sarif":
        assert len(json.loads(report)["runs"][0]["results"]) == 2
    else:
        assert [issue["check_name"] for issue in json.loads(report)] == ["ASY121", "ASY100"]
