"""ASY200 across modules in the editor: the index is built in the background with progress, and
follows closed files changed on disk and open documents edited in the editor."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from .conftest import TIMEOUT, StartServer, change, open_document, uri, wait_for_log, wait_for_publish

API = "from app.db import query\n\n\nasync def handler():\n    query()\n"
QUIET_DB = "def query():\n    return 1\n"
BLOCKING_DB = "import time\n\n\ndef query():\n    time.sleep(1)\n"


def has_asy200(params: types.PublishDiagnosticsParams) -> bool:
    return any(diagnostic.code == "ASY200" for diagnostic in params.diagnostics)


async def wait_for_indexing(client) -> list:
    """The progress notifications of the indexing, once it has ended."""

    async def ended() -> list:
        while True:
            for reports in client.progress_reports.values():
                if reports and isinstance(reports[-1], types.WorkDoneProgressEnd):
                    return reports
            await client.wait_for_notification(types.PROGRESS)

    return await asyncio.wait_for(ended(), TIMEOUT)


async def test_closed_and_open_module_changes_reach_the_open_caller(start_server: StartServer, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    db = tmp_path / "app/db.py"
    db.write_text(QUIET_DB)
    api = tmp_path / "app/api.py"
    api.write_text(API)
    client = await start_server(initialization_options={"select": ["ASY200"], "debounceMs": 0}, folders=[tmp_path])
    api_uri = open_document(client, api, API)
    first = await wait_for_publish(client, api_uri, version=1)
    assert not has_asy200(first)

    reports = await wait_for_indexing(client)
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert any(isinstance(r, types.WorkDoneProgressReport) and r.message == "Indexing 3/3 files" for r in reports)

    # a closed module gains a blocking call on disk: the open caller learns it
    mark = len(client.published)
    db.write_text(BLOCKING_DB)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(db), type=types.FileChangeType.Changed)])
    )
    reported = await wait_for_publish(client, api_uri, after=mark, where=has_asy200)
    [diagnostic] = reported.diagnostics
    assert diagnostic.message == "query() blocks the event loop: it calls `time.sleep()` (app/db.py:5)"
    assert diagnostic.range.start.line == 4
    [hop] = diagnostic.related_information
    assert hop.location.uri == uri(db) and hop.location.range.start.line == 4
    assert hop.message == "query() calls `time.sleep()`, which blocks"

    # the module is opened and edited (not saved): the caller follows the editor's text
    db_uri = open_document(client, db, BLOCKING_DB)
    mark = len(client.published)
    change(client, db_uri, 2, (None, QUIET_DB))
    cleared = await wait_for_publish(client, api_uri, after=mark, where=lambda params: not has_asy200(params))
    assert cleared.diagnostics == ()


async def test_the_index_is_built_after_the_first_diagnostics(start_server: StartServer, tmp_path: Path) -> None:
    # building it would slow the first lint down: a window shows nothing until that lint
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/db.py").write_text(BLOCKING_DB)
    api = tmp_path / "app/api.py"
    api.write_text(API)
    client = await start_server(initialization_options={"select": ["ASY200"], "logLevel": "debug"}, folders=[tmp_path])
    api_uri = open_document(client, api, API)
    first = await wait_for_publish(client, api_uri, version=1)
    assert not has_asy200(first)
    assert not client.progress_reports, "the indexing began before the first diagnostics"
    await wait_for_log(client, "first diagnostics delivered (api.py)")

    reports = await wait_for_indexing(client)
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    await wait_for_log(client, f"indexed {tmp_path}: 3 modules in")
    assert has_asy200(await wait_for_publish(client, api_uri, after=1, where=has_asy200))


def test_hover_shows_the_chain_with_links() -> None:
    from asyncguide.rules.rule import Diagnostic, Range, Related, Severity
    from asyncguide.server.lsp.hover import explain

    diagnostic = Diagnostic(
        "ASY200",
        "fetch() blocks the event loop: it reaches `time.sleep()` via query() (app/db.py:5)",
        Range(4, 4, 4, 11),
        Severity.WARNING,
        related=(
            Related(None, 8, 11, "fetch() calls query()"),
            Related("/work/app/db.py", 4, 4, "query() calls `time.sleep()`, which blocks"),
        ),
    )
    text = explain(diagnostic, uri="file:///work/app/api.py")
    assert "- [api.py:9](file:///work/app/api.py#L9): fetch() calls query()" in text
    assert "- [db.py:5](file:///work/app/db.py#L5): query() calls `time.sleep()`, which blocks" in text
    assert "Use proper blocking code offloading" in text


async def test_workspace_diagnostics_in_workspace_mode(start_server: StartServer, tmp_path: Path) -> None:
    from .conftest import pull_capabilities

    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/db.py").write_text(BLOCKING_DB)
    (tmp_path / "app/api.py").write_text(API)
    options = {"select": ["ASY200"], "diagnosticMode": "workspace"}
    client = await start_server(pull_capabilities(), initialization_options=options, folders=[tmp_path])
    await wait_for_indexing(client)

    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: item for item in report.items}
    assert set(by_uri) == {uri(tmp_path / name) for name in ("app/__init__.py", "app/db.py", "app/api.py")}
    [finding] = by_uri[uri(tmp_path / "app/api.py")].items
    assert finding.code == "ASY200" and finding.range.start.line == 4
    assert not by_uri[uri(tmp_path / "app/db.py")].items

    previous = [types.PreviousResultId(uri=item.uri, value=item.result_id) for item in report.items]
    again = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert all(item.kind == "unchanged" for item in again.items) and len(again.items) == 3


async def test_workspace_diagnostics_are_off_in_open_files_only_mode(start_server: StartServer, tmp_path: Path) -> None:
    from .conftest import pull_capabilities

    (tmp_path / "api.py").write_text(API)
    client = await start_server(pull_capabilities(), initialization_options={"select": ["ASY200"]}, folders=[tmp_path])
    await wait_for_indexing(client)
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert not report.items


async def test_the_index_answers_the_coroutine_rules_in_a_workspace(start_server: StartServer, tmp_path: Path) -> None:
    # a module only the index finds: under a configured source root, which jedi does not search
    (tmp_path / "pyproject.toml").write_text('[tool.asyncguide]\nsource-roots = ["vendor"]\n')
    (tmp_path / "vendor/lib").mkdir(parents=True)
    db = tmp_path / "vendor/lib/db.py"
    db.write_text("async def query():\n    return 1\n")
    api = "from lib.db import query\n\n\nasync def handler():\n    query()\n"
    client = await start_server(initialization_options={"select": ["ASY110"], "debounceMs": 0}, folders=[tmp_path])
    await wait_for_indexing(client)
    api_uri = open_document(client, tmp_path / "api.py", api)
    reported = await wait_for_publish(client, api_uri, where=lambda p: any(d.code == "ASY110" for d in p.diagnostics))
    assert reported.diagnostics[0].range.start.line == 4

    mark = len(client.published)
    db.write_text(QUIET_DB)  # a plain function now
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(db), type=types.FileChangeType.Changed)])
    )
    cleared = await wait_for_publish(client, api_uri, after=mark, where=lambda p: not p.diagnostics)
    assert cleared.diagnostics == ()


async def test_a_module_created_and_deleted_on_disk_reaches_the_open_caller(start_server: StartServer, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    api = tmp_path / "app/api.py"
    api.write_text(API)  # imports app.db, which does not exist yet
    client = await start_server(initialization_options={"select": ["ASY200"], "debounceMs": 0}, folders=[tmp_path])
    await wait_for_indexing(client)
    api_uri = open_document(client, api, API)
    first = await wait_for_publish(client, api_uri, version=1)
    assert not has_asy200(first)

    mark = len(client.published)
    db = tmp_path / "app/db.py"
    db.write_text(BLOCKING_DB)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(db), type=types.FileChangeType.Created)])
    )
    reported = await wait_for_publish(client, api_uri, after=mark, where=has_asy200)
    assert [d.range.start.line for d in reported.diagnostics] == [4]

    mark = len(client.published)
    db.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(db), type=types.FileChangeType.Deleted)])
    )
    cleared = await wait_for_publish(client, api_uri, after=mark, where=lambda params: not has_asy200(params))
    assert cleared.diagnostics == ()
