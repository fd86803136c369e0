"""The hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself on a scratch repository, the
way a project using them runs them: pre-commit clones the hook repository at a commit and
installs it (``pip install .``, not editable) into an environment of its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: what ``pip install .`` of the hook repository needs
PACKAGE_SOURCES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "toplevel", "rules", "server")
BLOCKING_SLEEP = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"
NOTEBOOK_CELL = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n\n\nasyncio.run(main())"
NOTEBOOK = json.dumps(
    {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": NOTEBOOK_CELL}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
    indent=1,
)


def git(folder: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=asyncguide tests", "-c", "user.email=tests@asyncguide.invalid", "-c", "commit.gpgsign=false", *arguments],
        cwd=folder, capture_output=True, text=True, check=True,
    )
    return completed.stdout.strip()


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This source tree as a hook repository at a commit. Its files are copied and committed to a
    scratch repository, so the hooks tested are those of the working tree, uncommitted changes
    included, and a fresh CI clone works the same."""
    repository = tmp_path_factory.mktemp("hook-repository")
    for name in PACKAGE_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repository / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repository / name)
    git(repository, "init", "-q")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "the working tree")
    return repository, git(repository, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, shared by this module's tests: the hook environment is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def project_using(hook: str, hook_repository: tuple[Path, str], folder: Path) -> Path:
    """A git repository with a finding in app.py, another in an excluded file, one in a notebook,
    and a .pre-commit-config.yaml running ``hook``."""
    repository, revision = hook_repository
    (folder / "app.py").write_text(BLOCKING_SLEEP, "utf-8")
    (folder / "generated").mkdir()
    (folder / "generated" / "client.py").write_text(BLOCKING_SLEEP, "utf-8")
    (folder / "analysis.ipynb").write_text(NOTEBOOK, "utf-8")
    (folder / "pyproject.toml").write_text('[tool.asyncguide]\nexclude = ["generated"]\n', "utf-8")
    (folder / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository.as_posix()}\n    rev: {revision}\n    hooks:\n      - id: {hook}\n", "utf-8"
    )
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    return folder


def pre_commit(folder: Path, home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *arguments],
        cwd=folder, capture_output=True, text=True, env={**environment, "PRE_COMMIT_HOME": str(home)}, check=False,
    )


def test_check_hook_reports_findings_and_respects_exclude(
    hook_repository: tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    project = project_using("asyncguide", hook_repository, tmp_path)
    run = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "app.py:5:5: ASY100 `time.sleep()` blocks the event loop" in run.stdout
    assert "generated" not in run.stdout  # --force-exclude: the exclude setting holds for named files
    assert "analysis.ipynb:cell 1:8:1: ASY170 `asyncio.run()` in a notebook cell" in run.stdout  # types_or: jupyter
    assert (project / "app.py").read_text("utf-8") == BLOCKING_SLEEP


def test_fix_hook_fixes_the_files(hook_repository: tuple[Path, str], pre_commit_home: Path, tmp_path: Path) -> None:
    project = project_using("asyncguide-fix", hook_repository, tmp_path)
    run = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "files were modified by this hook" in run.stdout
    assert "await asyncio.sleep(1)" in (project / "app.py").read_text("utf-8")
    assert (project / "generated" / "client.py").read_text("utf-8") == BLOCKING_SLEEP
    assert json.loads((project / "analysis.ipynb").read_text("utf-8"))["cells"][0]["source"].endswith("\nawait main()")
    again = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr


def test_the_hook_environment_runs_python_dash_m_asyncguide(
    hook_repository: tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    """pre-commit installed the package with ``pip install .``: ``python -m asyncguide`` works
    from a regular (not editable) install too."""
    project = project_using("asyncguide", hook_repository, tmp_path)
    assert pre_commit(project, pre_commit_home, "install-hooks").returncode == 0
    (python,) = pre_commit_home.glob("repo*/py_env-*/bin/python") or pre_commit_home.glob("repo*/py_env-*/Scripts/python.exe")
    completed = subprocess.run([str(python), "-m", "asyncguide", "check", "app.py"], cwd=project, capture_output=True, text=True, check=False)
    assert completed.returncode == 1
    assert "app.py:5:5: ASY100 " in completed.stdout


def documented_configurations() -> list[dict]:
    text = (ROOT / "docs" / "pre-commit.md").read_text("utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"^```yaml\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)]


def test_the_documented_hooks_exist() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert set(hooks) == {"asyncguide", "asyncguide-fix"}
    for hook in hooks.values():
        assert hook["types_or"] == ["python", "jupyter"]
        assert hook["entry"].startswith("asyncguide check ") and "--force-exclude" in hook["entry"]
    remote, local = documented_configurations()
    assert [hook["id"] for hook in remote["repos"][0]["hooks"]] == ["asyncguide"]
    (local_hook,) = local["repos"][0]["hooks"]
    assert {key: local_hook[key] for key in ("entry", "types_or", "require_serial")} == {
        key: hooks["asyncguide"][key] for key in ("entry", "types_or", "require_serial")
    }


def test_the_documented_local_hook_runs_the_environments_asyncguide(pre_commit_home: Path, tmp_path: Path) -> None:
    _, local = documented_configurations()
    (tmp_path / "app.py").write_text(BLOCKING_SLEEP, "utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local), "utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    # "with that environment active": its scripts first on PATH
    environment["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), environment.get("PATH", "")))
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=tmp_path, capture_output=True, text=True, env={**environment, "PRE_COMMIT_HOME": str(pre_commit_home)}, check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "app.py:5:5: ASY100 " in run.stdout
