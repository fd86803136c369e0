"""What the Starlette release changes: STA012 and STA014 are errors where Starlette 1.0 breaks the
code (and when the release is unknown, the newest), information where it only deprecates; and
STA011 restates ASY111 in endpoints."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lsprotocol import types

from asyncguide.rules.rule import Severity
from asyncguide.rules.runner import lint
from asyncguide.rules.versions import NEWEST
from asyncguide.server.check import CheckOptions, run_check

from ..server.conftest import StartServer, open_document, start_server, wait_for_publish

__all__ = ["start_server"]  # the language server fixture, for the end-to-end test


class Pinned:
    """A project whose lock file pins these releases."""

    def __init__(self, **releases: tuple[int, ...]):
        self.releases = releases

    def version(self, distribution: str) -> tuple[int, ...] | None:
        return self.releases.get(distribution)


UNKNOWN = None
STARLETTE_1 = Pinned(starlette=(1, 2, 0))
STARLETTE_0 = Pinned(starlette=(0, 37, 2))
BELOW_1 = Pinned(starlette=(0, NEWEST))  # what `fastapi<0.133` or `starlette<1.0` declares

EVENTS = textwrap.dedent(
    """
    from fastapi import FastAPI
    from starlette.applications import Starlette

    async def open_pool(): ...

    app = Starlette(on_startup=[open_pool])
    app.add_event_handler("startup", open_pool)
    api = FastAPI(on_shutdown=[open_pool])
    api.add_event_handler("startup", open_pool)
    api.router.add_event_handler("startup", open_pool)

    @api.on_event("startup")
    async def warm_up(): ...
    """
)


def severities(source: str, code: str, versions) -> dict[int, Severity]:
    result = lint(source, {code}, versions=versions)
    assert result.internal_errors == []
    return {d.range.start_line: d.severity for d in result.diagnostics}


@pytest.mark.parametrize("versions", [UNKNOWN, STARLETTE_1], ids=["unknown", "1.2"])
def test_event_hooks_that_starlette_1_removed_are_errors(versions) -> None:
    assert severities(EVENTS, "STA012", versions) == {
        6: Severity.ERROR,  # Starlette(on_startup=...)
        7: Severity.ERROR,  # Starlette app's add_event_handler
        8: Severity.INFORMATION,  # FastAPI(on_shutdown=...) still runs
        9: Severity.ERROR,  # FastAPI apps lost add_event_handler
        10: Severity.INFORMATION,  # their router keeps it
        12: Severity.INFORMATION,  # FastAPI's on_event still runs
    }


@pytest.mark.parametrize("versions", [STARLETTE_0, BELOW_1], ids=["0.37", "below-1.0"])
def test_event_hooks_are_deprecations_before_starlette_1(versions) -> None:
    assert set(severities(EVENTS, "STA012", versions).values()) == {Severity.INFORMATION}


def test_the_messages_say_what_fails() -> None:
    messages = {d.range.start_line: d.message for d in lint(EVENTS, {"STA012"}).diagnostics}
    assert "fails with `TypeError`" in messages[6]
    assert "FastAPI apps lost `add_event_handler`" in messages[9]
    assert "deprecated in FastAPI" in messages[12]
    old = {d.range.start_line: d.message for d in lint(EVENTS, {"STA012"}, versions=STARLETTE_0).diagnostics}
    assert "is deprecated, and removed in Starlette 1.0" in old[6]


TEMPLATES = textwrap.dedent(
    """
    from starlette.templating import Jinja2Templates

    templates = Jinja2Templates(directory="templates")

    async def homepage(request):
        return templates.TemplateResponse("index.html", {"request": request})
    """
)


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        (UNKNOWN, {6: Severity.ERROR}),
        (STARLETTE_1, {6: Severity.ERROR}),
        (Pinned(starlette=(0, 46, 0)), {6: Severity.INFORMATION}),
        (BELOW_1, {6: Severity.INFORMATION}),
        (Pinned(starlette=(0, 28, 0)), {}),  # before 0.29 the name-first signature is the only one
    ],
    ids=["unknown", "1.2", "0.46", "below-1.0", "0.28"],
)
def test_name_first_template_responses_by_release(versions, expected) -> None:
    assert severities(TEMPLATES, "STA014", versions) == expected


def test_the_cli_reads_the_release_from_the_project(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(TEMPLATES, "utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "site"\ndependencies = ["fastapi==0.110.0"]\n', "utf-8")
    [result] = run_check([str(app)], CheckOptions(select=("STA014",)))
    assert [f.diagnostic.severity for f in result.findings] == [Severity.INFORMATION]  # FastAPI 0.110: Starlette < 1.0
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "site"\ndependencies = ["fastapi>=0.133"]\n', "utf-8")
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "starlette"\nversion = "1.0.0"\n', "utf-8")
    [result] = run_check([str(app)], CheckOptions(select=("STA014",)))
    assert [f.diagnostic.severity for f in result.findings] == [Severity.ERROR]


def test_fix_all_leaves_code_alone_that_the_projects_release_accepts(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(TEMPLATES, "utf-8")
    (tmp_path / "requirements.txt").write_text("starlette==0.28.0\n", "utf-8")
    [result] = run_check([str(app)], CheckOptions(select=("STA014",), mode="fix"))
    assert result.fixed == 0 and app.read_text("utf-8") == TEMPLATES


DISCARDED_TASK = textwrap.dedent(
    """
    import asyncio
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def signup(request):
        asyncio.create_task(send_welcome_email())
        return JSONResponse({}, status_code=201)

    async def elsewhere():
        asyncio.create_task(send_welcome_email())

    routes = [Route("/signup", signup, methods=["POST"])]
    """
)


def test_a_discarded_task_in_an_endpoint_is_reported_once_by_the_starlette_rule() -> None:
    found = [(d.range.start_line, d.code) for d in lint(DISCARDED_TASK, {"ASY111", "STA011"}).diagnostics]
    assert found == [(6, "STA011"), (10, "ASY111")]


def test_the_general_rule_still_reports_when_the_starlette_rule_is_off() -> None:
    found = [(d.range.start_line, d.code) for d in lint(DISCARDED_TASK, {"ASY111"}).diagnostics]
    assert found == [(6, "ASY111"), (10, "ASY111")]


async def test_the_server_reads_the_release_from_the_documents_project(start_server: StartServer, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("starlette==0.37.2\n", "utf-8")
    old = tmp_path / "old"
    old.mkdir()
    (old / "pyproject.toml").write_text('[project]\nname = "old"\ndependencies = ["starlette>=0.30,<0.40"]\n', "utf-8")
    client = await start_server(initialization_options={"debounceMs": 0, "select": ["STA014"]}, folders=[tmp_path])
    in_workspace = open_document(client, tmp_path / "site.py", TEMPLATES)
    in_project = open_document(client, old / "site.py", TEMPLATES)
    unknown = open_document(client, tmp_path.parent / f"{tmp_path.name}-elsewhere" / "site.py", TEMPLATES)
    for document, severity in (
        (in_workspace, types.DiagnosticSeverity.Information),  # the workspace folder's requirements pin 0.37
        (in_project, types.DiagnosticSeverity.Information),  # its pyproject.toml keeps Starlette below 0.40
        (unknown, types.DiagnosticSeverity.Error),  # no project: the newest release
    ):
        published = await wait_for_publish(client, document, version=1)
        assert [d.severity for d in published.diagnostics] == [severity]
