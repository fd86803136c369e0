"""Framework versions of a project: lock files, declared requirements, the environment, nothing."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from asyncguide.rules.runner import lint
from asyncguide.rules.versions import (
    MAX_REQUIREMENT_FILES,
    NEWEST,
    FrameworkVersions,
    framework_versions,
    is_exact,
    just_below,
    parse_requirement,
    specifier_version,
    starlette_for_fastapi,
)

BELOW_1 = (0, NEWEST)


def project(root: Path, files: dict[str, str]) -> FrameworkVersions:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), "utf-8")
    return FrameworkVersions(root, site_packages=[])


def installed(site_packages: Path, name: str, version: str) -> None:
    info = site_packages / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", "utf-8")


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        ("==0.37.2", (0, 37, 2)),
        ("===0.37.2", (0, 37, 2)),
        ("0.37.2", (0, 37, 2)),  # Poetry's exact pin
        (">=0.27,<1.0", BELOW_1),
        (">=0.27 <1.0", BELOW_1),  # Poetry's space-separated clauses
        ("<1", BELOW_1),
        (">=0.40.0,<0.42.0", (0, 41, NEWEST)),
        ("<=0.39", (0, 39)),
        ("~=0.37", BELOW_1),
        ("~=0.37.2", (0, 37, NEWEST)),
        ("==0.37.*", (0, 37, NEWEST)),
        ("^0.37", (0, 37, NEWEST)),
        ("^1.2", (1, NEWEST)),
        ("~0.37.1", (0, 37, NEWEST)),
        (">=0.27", None),
        ("*", None),
        ("", None),
        ("!=0.30", None),
    ],
)
def test_a_specifier_gives_its_pin_or_the_newest_release_it_allows(specifier: str, expected) -> None:
    assert specifier_version(specifier) == expected


def test_just_below_sorts_between_the_bound_and_every_release_under_it() -> None:
    below = just_below((1, 0))
    assert (0, 99, 99) < below < (1, 0) < (1, 0, 1)
    assert (0, 39, 7) < just_below((0, 40)) < (0, 40)


def test_exact_pins_are_told_from_ranges() -> None:
    assert is_exact("==1.0.2") and is_exact("1.0.2")
    assert not is_exact(">=1.0") and not is_exact("==1.0.*") and not is_exact("^1.0")


def test_requirements_parse_past_extras_markers_and_urls() -> None:
    assert parse_requirement('Starlette[full] (>=0.27,<1) ; python_version > "3.8"') == ("starlette", ">=0.27,<1")
    assert parse_requirement("fastapi==0.110.0") == ("fastapi", "==0.110.0")
    assert parse_requirement("starlette @ https://example.com/starlette.whl") is None


def test_fastapi_before_0_133_keeps_starlette_below_1() -> None:
    assert starlette_for_fastapi((0, 110, 0)) == BELOW_1
    assert starlette_for_fastapi((0, 132, 9)) == BELOW_1
    assert starlette_for_fastapi((0, 133, 0)) is None


def test_a_project_without_any_declaration_is_unknown(tmp_path: Path) -> None:
    versions = project(tmp_path, {"app.py": "import starlette\n"})
    assert versions.version("starlette") is None


def test_pyproject_dependencies_pin_and_bound(tmp_path: Path) -> None:
    versions = project(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                dependencies = ["starlette==0.37.2", "uvicorn>=0.20"]
                [project.optional-dependencies]
                web = ["Jinja2<3.2"]
                [dependency-groups]
                dev = ["httpx~=0.27.0"]
            """
        },
    )
    assert versions.version("starlette") == (0, 37, 2)
    assert versions.version("jinja2") == (3, 1, NEWEST)
    assert versions.version("httpx") == (0, 27, NEWEST)
    assert versions.version("uvicorn") is None  # no upper bound: whatever is newest


def test_poetry_dependencies(tmp_path: Path) -> None:
    versions = project(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.poetry.dependencies]
                python = "^3.11"
                starlette = {version = "^0.36", extras = ["full"]}
                [tool.poetry.group.dev.dependencies]
                pytest = "8.1.1"
            """
        },
    )
    assert versions.version("starlette") == (0, 36, NEWEST)
    assert versions.version("pytest") == (8, 1, 1)


def test_requirements_files_follow_includes(tmp_path: Path) -> None:
    versions = project(
        tmp_path,
        {
            "requirements.txt": """
                # the app
                -r requirements/base.txt
                uvicorn[standard]>=0.29  # server
            """,
            "requirements/base.txt": "-c constraints.txt\nfastapi\n",
            "requirements/constraints.txt": "fastapi==0.110.1\n",
        },
    )
    assert versions.version("fastapi") == (0, 110, 1)
    # no Starlette declared: FastAPI 0.110 requires Starlette below 1.0
    assert versions.version("starlette") == BELOW_1


def test_an_exact_pin_wins_over_a_range_declared_elsewhere(tmp_path: Path) -> None:
    versions = project(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["starlette>=0.30,<2"]\n',
            "requirements-prod.txt": "starlette==1.2.0\n",
        },
    )
    assert versions.version("starlette") == (1, 2, 0)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("uv.lock", '[[package]]\nname = "starlette"\nversion = "0.46.2"\n'),
        ("poetry.lock", '[[package]]\nname = "Starlette"\nversion = "0.46.2"\ndescription = ""\n'),
        ("pylock.toml", 'lock-version = "1.0"\n[[packages]]\nname = "starlette"\nversion = "0.46.2"\n'),
        ("Pipfile.lock", '{"default": {"starlette": {"version": "==0.46.2"}}, "develop": {}}'),
    ],
)
def test_lock_files_pin_transitive_packages_and_win_over_declarations(tmp_path: Path, name: str, text: str) -> None:
    versions = project(tmp_path, {name: text, "requirements.txt": "fastapi>=0.133\nstarlette>=0.40\n"})
    assert versions.version("starlette") == (0, 46, 2)


def test_the_projects_virtual_environment_answers_when_nothing_is_declared(tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", "utf-8")
    installed(tmp_path / ".venv" / "lib" / "python3.12" / "site-packages", "starlette", "0.41.3")
    versions = FrameworkVersions(tmp_path)
    assert versions.version("starlette") == (0, 41, 3)
    assert versions.version("sanic") is None


def test_an_activated_environment_answers_when_the_project_has_none(tmp_path: Path, monkeypatch) -> None:
    environment = tmp_path / "elsewhere"
    installed(environment / "lib" / "python3.11" / "site-packages", "fastapi", "0.120.0")
    monkeypatch.setenv("VIRTUAL_ENV", str(environment))
    (tmp_path / "app").mkdir()
    versions = FrameworkVersions(tmp_path / "app")
    assert versions.version("fastapi") == (0, 120, 0)


def test_declarations_come_before_the_environment(tmp_path: Path) -> None:
    site_packages = tmp_path / "site"
    installed(site_packages, "starlette", "1.3.0")
    (tmp_path / "requirements.txt").write_text("starlette==0.38.0\n", "utf-8")
    assert FrameworkVersions(tmp_path, site_packages=[site_packages]).version("starlette") == (0, 38, 0)
    (tmp_path / "requirements.txt").write_text("starlette>=0.38\n", "utf-8")  # no bound: what is installed
    assert FrameworkVersions(tmp_path, site_packages=[site_packages]).version("starlette") == (1, 3, 0)


def test_answers_follow_changes_to_the_files(tmp_path: Path) -> None:
    versions = project(tmp_path, {"requirements.txt": "starlette==0.37.0\n"})
    assert versions.version("starlette") == (0, 37, 0)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("starlette==1.1.0\n", "utf-8")
    later = os.stat(requirements).st_mtime_ns + 1_000_000
    os.utime(requirements, ns=(later, later))
    assert versions.version("starlette") == (1, 1, 0)
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "starlette"\nversion = "1.0.1"\n', "utf-8")
    assert versions.version("starlette") == (1, 0, 1)  # a new lock file is seen too


def test_broken_files_tell_nothing(tmp_path: Path) -> None:
    versions = project(tmp_path, {"pyproject.toml": "[project\n", "Pipfile.lock": "{not json"})
    assert versions.version("starlette") is None


def test_one_lookup_per_project_root(tmp_path: Path) -> None:
    assert framework_versions(tmp_path) is framework_versions(str(tmp_path))
    assert framework_versions(tmp_path) is not framework_versions(tmp_path / "other")


def test_the_model_asks_the_lookup_lint_was_given(tmp_path: Path) -> None:
    versions = project(tmp_path, {"requirements.txt": "starlette==0.37.2\n"})
    source = "from starlette.applications import Starlette\n"
    assert lint(source, set(), versions=versions).model.framework_version("starlette") == (0, 37, 2)
    assert lint(source, set()).model.framework_version("starlette") is None


def test_includes_are_followed_up_to_a_bound(tmp_path: Path) -> None:
    files = {f"req{index}.txt": f"-r req{index + 1}.txt\n" for index in range(MAX_REQUIREMENT_FILES + 5)}
    versions = project(tmp_path, {"requirements.txt": "-r req0.txt\n", **files, "req70.txt": "starlette==0.30.0\n"})
    assert versions.version("starlette") is None  # beyond the bound
    assert versions.problems() == [
        f"{tmp_path / f'req{MAX_REQUIREMENT_FILES - 1}.txt'}: not read: more than {MAX_REQUIREMENT_FILES} requirements files are included"
    ]


def test_installed_versions_come_from_folder_names_without_reading_the_environment(tmp_path: Path) -> None:
    """A project's own `.venv` is as untrusted as its code: a METADATA that is a FIFO would hang a reader."""
    site_packages = tmp_path / "site"
    (site_packages / "Starlette-0.41.3.dist-info").mkdir(parents=True)
    os.mkfifo(site_packages / "Starlette-0.41.3.dist-info" / "METADATA")
    (site_packages / "typing_extensions-4.12.2.dist-info").mkdir()
    assert FrameworkVersions(tmp_path, site_packages=[site_packages]).version("starlette") == (0, 41, 3)
    assert FrameworkVersions(tmp_path, site_packages=[site_packages]).version("typing-extensions") == (4, 12, 2)
