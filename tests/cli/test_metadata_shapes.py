"""Project metadata of an unexpected shape (valid TOML or JSON, but not what the format says):
every reader skips the wrong part with one warning naming the file and the key, and the check
goes on. Each case is a file STA014's version lookup (``rules.versions``) or the settings reader
(``rules.config``) reads; the broken-syntax cases are there too."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_main, run_process, write

#: STA014 reports it whatever the Starlette version (the newest when unknown), after asking it
TEMPLATES = """\
from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory="templates")


async def homepage(request):
    return templates.TemplateResponse("index.html", {"request": request, "title": "Home"})
"""

WRONG_SHAPES = [
    # (file, contents, what the warning names)
    ("pyproject.toml", "tool = 1", "ignored `tool`: it should be a table, not an integer"),
    ("pyproject.toml", 'tool = "poetry"', "ignored `tool`: it should be a table, not a string"),
    ("pyproject.toml", "tool = [1]", "ignored `tool`: it should be a table, not an array"),
    ("pyproject.toml", "project = 1", "ignored `project`: it should be a table, not an integer"),
    ("pyproject.toml", 'project = "shop"', "ignored `project`: it should be a table, not a string"),
    ("pyproject.toml", "project = [1, 2]", "ignored `project`: it should be a table, not an array"),
    ("pyproject.toml", '[project]\ndependencies = "starlette"', "ignored `project.dependencies`: it should be an array"),
    ("pyproject.toml", "[project]\ndependencies = 1", "ignored `project.dependencies`: it should be an array"),
    ("pyproject.toml", '[project]\ndependencies = [1, "starlette"]', "ignored `project.dependencies[…]`: it should be a string, not an integer"),
    ("pyproject.toml", "[project]\ndependencies = [{a = 1}]", "ignored `project.dependencies[…]`: it should be a string, not a table"),
    ("pyproject.toml", "[project]\noptional-dependencies = 1", "ignored `project.optional-dependencies`: it should be a table"),
    ("pyproject.toml", '[project]\noptional-dependencies = ["web"]', "ignored `project.optional-dependencies`: it should be a table"),
    ("pyproject.toml", '[project.optional-dependencies]\nweb = "starlette"', "ignored `project.optional-dependencies.web`: it should be an array"),
    ("pyproject.toml", "[project.optional-dependencies]\nweb = [true]", "ignored `project.optional-dependencies.web[…]`: it should be a string, not a boolean"),
    ("pyproject.toml", "dependency-groups = 1", "ignored `dependency-groups`: it should be a table"),
    ("pyproject.toml", 'dependency-groups = ["dev"]', "ignored `dependency-groups`: it should be a table"),
    ("pyproject.toml", '[dependency-groups]\ndev = "pytest"', "ignored `dependency-groups.dev`: it should be an array"),
    ("pyproject.toml", "[dependency-groups]\ndev = [1.5]", "ignored `dependency-groups.dev[…]`: it should be a string or a table, not a float"),
    ("pyproject.toml", "[tool]\npoetry = 1", "ignored `tool.poetry`: it should be a table"),
    ("pyproject.toml", '[tool]\npoetry = ["x"]', "ignored `tool.poetry`: it should be a table"),
    ("pyproject.toml", "[tool.poetry]\ndependencies = 1", "ignored `tool.poetry.dependencies`: it should be a table"),
    ("pyproject.toml", '[tool.poetry]\ndependencies = ["starlette"]', "ignored `tool.poetry.dependencies`: it should be a table"),
    ("pyproject.toml", '[tool.poetry]\ndev-dependencies = "pytest"', "ignored `tool.poetry.dev-dependencies`: it should be a table"),
    ("pyproject.toml", "[tool.poetry]\ngroup = 1", "ignored `tool.poetry.group`: it should be a table"),
    ("pyproject.toml", "[tool.poetry.group]\ndev = 1", "ignored `tool.poetry.group.dev`: it should be a table"),
    ("pyproject.toml", "[tool.poetry.group.dev]\ndependencies = [1]", "ignored `tool.poetry.group.dev.dependencies`: it should be a table"),
    ("uv.lock", "package = 1", "ignored `package`: it should be an array, not an integer"),
    ("uv.lock", 'package = "starlette"', "ignored `package`: it should be an array, not a string"),
    ("uv.lock", "package = [1, 2]", "ignored `package[…]`: it should be a table, not an integer"),
    ("uv.lock", 'package = {name = "starlette"}', "ignored `package`: it should be an array, not a table"),
    ("poetry.lock", 'package = [["starlette"]]', "ignored `package[…]`: it should be a table, not an array"),
    ("pylock.toml", "packages = 1", "ignored `packages`: it should be an array, not an integer"),
    ("Pipfile.lock", "[]", "ignored `(the document)`: it should be a table, not an array"),
    ("Pipfile.lock", '"starlette"', "ignored `(the document)`: it should be a table, not a string"),
    ("Pipfile.lock", "1", "ignored `(the document)`: it should be a table, not an integer"),
    ("Pipfile.lock", '{"default": []}', "ignored `default`: it should be a table, not an array"),
    ("Pipfile.lock", '{"develop": 1}', "ignored `develop`: it should be a table, not an integer"),
    ("Pipfile.lock", '{"default": {"starlette": "0.30"}}', "ignored `default.starlette`: it should be a table, not a string"),
    ("Pipfile.lock", "{not json", "not read: "),
    ("Pipfile.lock", "[" * 100_000, "not read: "),  # nested past the recursion limit
]


@pytest.mark.parametrize(("name", "text", "warning"), WRONG_SHAPES)
def test_a_wrong_shape_is_one_warning_and_the_check_goes_on(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, warning: str
) -> None:
    write(project, "app.py", TEMPLATES)
    write(project, "other.py", TEMPLATES)  # two files of one project: still one warning
    path = write(project, name, text + "\n")

    run = run_main(capsys, "check", "--select", "STA014", "--jobs", "1")

    assert run.stderr.startswith(f"asyncguide: warning: {path}: {warning}")
    assert len(run.stderr.splitlines()) == 1
    assert run.stdout.count("STA014") == 2
    assert run.exit_code == 1


def test_the_rest_of_a_file_is_still_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong `project.dependencies` does not hide Poetry's pin on Starlette 0.28, before the
    request-first `TemplateResponse` existed: STA014 has nothing to suggest then."""
    write(project, "app.py", TEMPLATES)
    write(project, "pyproject.toml", '[project]\ndependencies = 1\n[tool.poetry.dependencies]\nstarlette = "0.28.0"\n')
    run = run_main(capsys, "check", "--select", "STA014", "--jobs", "1")
    assert "ignored `project.dependencies`" in run.stderr
    assert run.exit_code == 0


def test_a_tool_that_is_not_a_table_is_no_traceback_in_a_real_process(project: Path) -> None:
    """Two worker processes each read the project's files: the warning is still printed once."""
    write(project, "app.py", TEMPLATES)
    write(project, "other.py", TEMPLATES)
    write(project, "pyproject.toml", "tool = 1\n")
    run = run_process(project, "check", "--select", "STA014", "--jobs", "2")
    assert run.stderr == f"asyncguide: warning: {project / 'pyproject.toml'}: ignored `tool`: it should be a table, not an integer\n"
    assert run.exit_code == 1
