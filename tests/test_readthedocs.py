"""``.readthedocs.yaml`` builds the mkdocs site of this repository: it uses the v2 format, names
the mkdocs.yml that tests/test_docs_site.py builds, and installs the project with its ``docs``
extra, which holds what mkdocs.yml needs."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

yaml = pytest.importorskip("yaml", reason="PyYAML comes with mkdocs: pip install -e '.[docs]' (the test extra has it)")

ROOT = Path(__file__).resolve().parent.parent


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


READTHEDOCS = load_yaml(ROOT / ".readthedocs.yaml")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()


def test_it_is_a_v2_config_with_an_os_and_a_python_the_project_supports() -> None:
    assert READTHEDOCS["version"] == 2
    build = READTHEDOCS["build"]
    assert isinstance(build["os"], str) and build["os"]
    python = tuple(int(part) for part in build["tools"]["python"].split("."))
    minimum = tuple(int(part) for part in PROJECT["requires-python"].removeprefix(">=").split("."))
    assert python >= minimum


def test_it_builds_the_repositorys_mkdocs_yml() -> None:
    assert "sphinx" not in READTHEDOCS
    configuration = ROOT / READTHEDOCS["mkdocs"]["configuration"]
    assert configuration.resolve() == (ROOT / "mkdocs.yml").resolve()
    assert load_yaml(configuration)["site_url"].startswith("https://asyncguide.readthedocs.io/")


def test_it_installs_the_project_with_its_docs_extra() -> None:
    [install] = READTHEDOCS["python"]["install"]
    assert install["method"] == "pip"
    assert (ROOT / install["path"]).resolve() == ROOT
    assert install["extra_requirements"] == ["docs"]
    docs_extra = {requirement_name(requirement) for requirement in PROJECT["optional-dependencies"]["docs"]}
    assert "mkdocs" in docs_extra
    theme = load_yaml(ROOT / "mkdocs.yml")["theme"]["name"]
    assert theme == "mkdocs" or f"mkdocs-{theme}" in docs_extra  # a theme other than mkdocs's own is a package


def test_its_commands_run_scripts_of_the_repository() -> None:
    for commands in READTHEDOCS["build"].get("jobs", {}).values():
        for command in commands:
            program, script, *_ = command.split()
            assert program == "python"
            assert (ROOT / script).is_file(), command
