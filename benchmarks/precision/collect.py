#!/usr/bin/env python3
"""Check the real-application corpus and write its findings to ``findings.json``.

Each project of ``projects.txt`` is fetched as its pinned wheel (``pip download --no-deps``: only
its source files are needed, never its dependencies) and unpacked under
``benchmarks/.precision/<project>/`` (git-ignored, kept between runs). The folders the pins file
names are copied into a temporary folder outside any repository, so that no ``pyproject.toml`` or
``.gitignore`` changes what asyncguide does, and ``asyncguide check --format json`` runs there with
default settings, as a new user would run it. ``triage.py`` matches the findings against the
verdicts.

Run it with a Python whose environment has asyncguide (``benchmarks/run precision`` does):

    benchmarks/.venv/bin/python benchmarks/precision/collect.py [fetch]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
PROJECTS_FILE = HERE / "projects.txt"
FINDINGS_FILE = HERE / "findings.json"
CACHE = HERE.parent / ".precision"
ASYNCGUIDE = Path(sys.executable).parent / "asyncguide"

#: folders that hold a project's tests or test helpers, never its application code
TEST_FOLDERS = frozenset({"tests", "test", "testing"})

PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)\s*#\s*(?P<framework>[\w/]+):\s*(?P<paths>.+)$")


@dataclass(frozen=True)
class Project:
    name: str  # as pip spells it
    version: str
    framework: str
    include: tuple[str, ...]  # paths inside the unpacked wheel
    exclude: tuple[str, ...]

    @property
    def folder(self) -> Path:
        return CACHE / f"{self.name}-{self.version}"


def read_projects(path: Path = PROJECTS_FILE) -> list[Project]:
    projects = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pin = PIN.match(line.strip())
        if pin is None:
            raise SystemExit(f"{path}:{number}: expected `name==version  # framework: path ...`")
        paths = pin["paths"].split()
        projects.append(Project(
            pin["name"], pin["version"], pin["framework"],
            tuple(p for p in paths if not p.startswith("!")),
            tuple(p[1:] for p in paths if p.startswith("!")),
        ))
    return projects


def fetch(project: Project) -> Path:
    """The unpacked wheel of ``project``, downloading it the first time."""
    if project.folder.is_dir():
        return project.folder
    with tempfile.TemporaryDirectory() as download:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--ignore-requires-python", "--dest", download, f"{project.name}=={project.version}"],
            check=True,
        )
        (wheel,) = Path(download).glob("*.whl")
        unpacking = project.folder.with_name(project.folder.name + ".partial")
        shutil.rmtree(unpacking, ignore_errors=True)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacking)
        unpacking.rename(project.folder)
    return project.folder


def source_files(project: Project) -> list[str]:
    """The checked files of ``project``, relative to its unpacked wheel, sorted."""
    root = fetch(project)
    files: set[str] = set()
    for include in project.include:
        start = root / include
        if not start.exists():
            raise SystemExit(f"{project.name}: {include} is not in its wheel")
        candidates = [start] if start.is_file() else start.rglob("*.py")
        for path in candidates:
            relative = path.relative_to(root)
            if TEST_FOLDERS.intersection(relative.parts[:-1]):
                continue
            if any(relative.as_posix() == e or relative.as_posix().startswith(e + "/") for e in project.exclude):
                continue
            files.add(relative.as_posix())
    return sorted(files)


def check(projects: list[Project]) -> dict[str, object]:
    sizes: dict[str, dict[str, object]] = {}
    findings: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="asyncguide-precision-") as scratch:
        for project in projects:
            files = source_files(project)
            lines = 0
            for relative in files:
                source = project.folder / relative
                target = Path(scratch, project.name, relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                lines += source.read_bytes().count(b"\n")
            sizes[project.name] = {
                "version": project.version, "framework": project.framework, "files": len(files), "lines": lines,
            }
        completed = subprocess.run(
            [str(ASYNCGUIDE), "check", "--format", "json", *(p.name for p in projects)],
            cwd=scratch, capture_output=True, text=True,
        )
    # 0: nothing found, 1: findings; anything else means the corpus was not checked
    if completed.returncode not in (0, 1):
        raise SystemExit(f"asyncguide check exited with {completed.returncode}:\n{completed.stderr}")
    for finding in json.loads(completed.stdout):
        project, _, path = finding["path"].partition("/")
        findings.append({
            "project": project, "path": path, "line": finding["line"], "column": finding["column"],
            "code": finding["code"], "message": finding["message"],
        })
    findings.sort(key=lambda f: (f["project"], f["path"], f["line"], f["column"], f["code"]))
    return {
        "asyncguide": asyncguide_revision(),
        "python": platform.python_version(),
        "projects": sizes,
        "findings": findings,
    }


def asyncguide_revision() -> str:
    completed = subprocess.run(
        ["git", "-C", str(REPOSITORY), "describe", "--always", "--dirty"], capture_output=True, text=True,
    )
    return completed.stdout.strip() or "unknown"


def write_findings(run: dict[str, object], path: Path = FINDINGS_FILE) -> None:
    """One finding per line, so that a new run's diff shows what changed."""
    findings = run["findings"]
    header = {key: value for key, value in run.items() if key != "findings"}
    lines = [json.dumps(finding, ensure_ascii=False) for finding in findings]  # type: ignore[union-attr]
    body = ",\n".join(f"    {line}" for line in lines)
    text = json.dumps(header, indent=2, ensure_ascii=False)[:-2]
    path.write_text(f'{text},\n  "findings": [\n{body}\n  ]\n}}\n', "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", nargs="?", choices=("check", "fetch"), default="check",
                        help="check (default): fetch, check and write findings.json; fetch: only fetch")
    arguments = parser.parse_args()
    projects = read_projects()
    if arguments.action == "fetch":
        for project in projects:
            print(f"{project.name}=={project.version}: {fetch(project)}")
        return
    run = check(projects)
    write_findings(run)
    sizes = run["projects"]
    print(f"{'project':<22} {'framework':<10} {'files':>6} {'lines':>8} {'findings':>9}")
    counts: dict[str, int] = {}
    for finding in run["findings"]:  # type: ignore[union-attr]
        counts[finding["project"]] = counts.get(finding["project"], 0) + 1
    for name, size in sizes.items():  # type: ignore[union-attr]
        print(f"{name:<22} {size['framework']:<10} {size['files']:>6} {size['lines']:>8} {counts.get(name, 0):>9}")
    total_lines = sum(size["lines"] for size in sizes.values())  # type: ignore[union-attr]
    print(f"{len(sizes)} projects, {total_lines} lines, {len(run['findings'])} findings -> {FINDINGS_FILE}")


if __name__ == "__main__":
    main()
