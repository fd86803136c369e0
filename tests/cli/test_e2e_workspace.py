"""The end-to-end workspace's framework files (tests/e2e/workspace/) have exactly the findings
tests/e2e/expected.py lists by hand for them: the editors' tests and the engine agree."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from .conftest import run_process

E2E = Path(__file__).resolve().parent.parent / "e2e"


def _framework_findings() -> dict[str, list[tuple[int, str]]]:
    spec = importlib.util.spec_from_file_location("e2e_expected", E2E / "expected.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FRAMEWORK_FINDINGS


FRAMEWORK_FINDINGS = _framework_findings()


def test_one_file_per_framework_with_findings_of_several_rules() -> None:
    frameworks = {name.split("_")[0] for name in FRAMEWORK_FINDINGS}
    assert frameworks == {"asyncio", "fastapi", "aiohttp", "sanic", "tornado"}
    for name, findings in FRAMEWORK_FINDINGS.items():
        assert (E2E / "workspace" / name).is_file(), name
        assert len({code for _, code in findings}) >= 4, f"{name} should show several rules"


@pytest.mark.parametrize("name", sorted(FRAMEWORK_FINDINGS))
def test_check_finds_what_the_editors_expect(name: str, tmp_path: Path) -> None:
    # a copy outside this repository, as the editors' tests open it: no pyproject.toml above it
    shutil.copyfile(E2E / "workspace" / name, tmp_path / name)
    run = run_process(tmp_path, "check", "--format", "json", name)
    assert run.exit_code == 1, run.stderr
    found = [(item["line"], item["code"]) for item in json.loads(run.stdout)]
    assert found == FRAMEWORK_FINDINGS[name]
