"""ASY110 across modules: jedi answers off the keystroke path, then the diagnostics follow."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from .conftest import StartServer, open_document, uri, wait_for_publish

APP = "from db import fetch_user\n\n\nasync def handler():\n    fetch_user()\n"


def has_asy110(params: types.PublishDiagnosticsParams) -> bool:
    return any(diagnostic.code == "ASY110" for diagnostic in params.diagnostics)


async def test_an_imported_coroutine_is_resolved_in_the_background_and_rechecked_on_disk_changes(
    start_server: StartServer, tmp_path: Path
) -> None:
    db = tmp_path / "db.py"
    db.write_text("async def fetch_user():\n    return 1\n")
    client = await start_server(initialization_options={"select": ["ASY110"], "debounceMs": 0}, folders=[tmp_path])
    document = open_document(client, tmp_path / "app.py", APP)

    # the first publish does not wait for jedi; a later one (same version) carries what it found
    resolved = await wait_for_publish(client, document, version=1, where=has_asy110)
    [diagnostic] = resolved.diagnostics
    assert diagnostic.range.start.line == 4 and "`fetch_user()` is never awaited" in diagnostic.message
    first = next(params for params in client.published if params.uri == document)
    assert first.version == 1 and not has_asy110(first)

    db.write_text("def fetch_user():\n    return 1\n")
    mark = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(db), type=types.FileChangeType.Changed)])
    )
    # the project index may publish first (db.py's summary changed), with jedi's answer not yet renewed
    cleared = await wait_for_publish(client, document, after=mark, where=lambda params: not has_asy110(params))
    assert cleared.diagnostics == ()
