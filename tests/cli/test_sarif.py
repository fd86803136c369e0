"""``asyncguide check --format sarif``: a SARIF 2.1.0 log code-scanning services accept.

The schema cannot be downloaded at test time, so the properties the SARIF 2.1.0 specification
requires, and those code scanning reads, are asserted directly.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from asyncguide.rules.documentation import rule_url
from asyncguide.rules.registry import all_rules

from .conftest import BLOCKING_SLEEP, run_main, write

LEVELS = {"none", "note", "warning", "error"}


@pytest.fixture
def sarif(project: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    write(project, "my app/poll.py", BLOCKING_SLEEP)
    write(project, "broken.py", "def broken(:\n")
    run = run_main(capsys, "check", "--select", "ASY100", "--format", "sarif")
    assert run.exit_code == 1
    return json.loads(run.stdout)


def test_log_and_run(sarif: dict) -> None:
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "asyncguide"
    assert driver["version"] == version("asyncguide")
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"


def test_every_rule_has_a_reporting_descriptor(sarif: dict) -> None:
    descriptors = sarif["runs"][0]["tool"]["driver"]["rules"]
    by_id = {descriptor["id"]: descriptor for descriptor in descriptors}
    assert len(by_id) == len(descriptors), "rule ids must be unique"
    assert set(all_rules()) | {"ASG000", "ASG001"} == set(by_id)
    for code, rule in all_rules().items():
        descriptor = by_id[code]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["helpUri"] == rule_url(code)
        assert descriptor["defaultConfiguration"]["level"] in LEVELS
    assert by_id["ASY100"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["ASG000"]["defaultConfiguration"]["level"] == "error"
    assert by_id["ASG001"]["name"] == "unused-noqa"


def test_results(sarif: dict, project: Path) -> None:
    run = sarif["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert sorted(result["ruleId"] for result in results) == ["ASG000", "ASY100"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")
    for result in results:
        assert descriptors[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        assert result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert "\\" not in artifact["uri"] and not urlparse(artifact["uri"]).scheme
        assert Path(unquote(urlparse(urljoin(base, artifact["uri"])).path)).is_file()
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])

    sleep = next(result for result in results if result["ruleId"] == "ASY100")
    assert sleep["level"] == "warning"
    assert "time.sleep()" in sleep["message"]["text"]
    assert sleep["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20app/poll.py"
    assert sleep["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 18}
    broken = next(result for result in results if result["ruleId"] == "ASG000")
    assert broken["level"] == "error"


def test_information_maps_to_note(project: Path, capsys: pytest.CaptureFixture[str], target_version_rule: str) -> None:
    from asyncguide.rules.registry import rule
    from asyncguide.rules.rule import Severity

    probe = rule(target_version_rule)
    assert probe is not None
    probe.severity = Severity.INFORMATION
    write(project, "probe.py", "probe()\n")
    results = json.loads(run_main(capsys, "check", "--select", target_version_rule, "--format", "sarif").stdout)["runs"][0]["results"]
    assert [result["level"] for result in results] == ["note"]


def test_clean_run_has_no_results(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, "clean.py", "x = 1\n")
    run = run_main(capsys, "check", "--format", "sarif")
    assert run.exit_code == 0
    assert json.loads(run.stdout)["runs"][0]["results"] == []
