"""Code lenses over the async defs whose calls reach a blocking call through helpers (ASY200)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from asyncguide.server.lsp.code_lens import title

from .conftest import TIMEOUT, StartServer, as_tuple, change, open_document, span, uri, wait_for_publish
from .test_project_index import BLOCKING_DB, QUIET_DB, has_asy200, wait_for_indexing

SERVICE = "from app.db import query\n\n\ndef fetch():\n    return query()\n"
API = (
    "import asyncio\n"
    "\n"
    "from app.db import query\n"
    "from app.service import fetch\n"
    "\n"
    "\n"
    "async def handler():\n"  # line 6
    "    fetch()\n"
    "\n"
    "\n"
    "async def both():\n"  # line 10
    "    query()\n"
    "    fetch()\n"
    "\n"
    "\n"
    "async def offloaded():\n"
    "    await asyncio.to_thread(fetch)\n"
    "\n"
    "\n"
    "def plain():\n"
    "    fetch()\n"
)
#: a chain within one module: needs no index
SAME_FILE = "import time\n\n\ndef query():\n    time.sleep(1)\n\n\nasync def handler():\n    query()\n"


async def lenses(client, document_uri: str) -> list[tuple[tuple[int, int, int, int], str]]:
    found = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=document_uri))
    )
    return [(as_tuple(lens.range), lens.command.title) for lens in found or ()]


async def test_lenses_over_async_defs_that_reach_blocking_calls_follow_other_modules(
    start_server: StartServer, tmp_path: Path
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    db = tmp_path / "app/db.py"
    db.write_text(BLOCKING_DB)
    (tmp_path / "app/service.py").write_text(SERVICE)
    (tmp_path / "app/api.py").write_text(API)
    client = await start_server(initialization_options={"select": ["ASY200"], "debounceMs": 0}, folders=[tmp_path])
    await wait_for_indexing(client)
    api_uri = open_document(client, tmp_path / "app/api.py", API)
    await wait_for_publish(client, api_uri, where=lambda params: len(params.diagnostics) == 3)

    assert await lenses(client, api_uri) == [
        ((6, 0, 6, 17), "blocks the event loop via 2 helpers"),
        ((10, 0, 10, 14), "blocks the event loop via 1 helper (2 calls)"),
    ]

    # lines inserted above, and the code does not parse: the lenses move with their functions
    change(client, api_uri, 2, (span(0, 0, 0, 0), "x = (\n\n"))
    await wait_for_publish(client, api_uri, version=2)
    assert await lenses(client, api_uri) == [
        ((8, 0, 8, 17), "blocks the event loop via 2 helpers"),
        ((12, 0, 12, 14), "blocks the event loop via 1 helper (2 calls)"),
    ]
    change(client, api_uri, 3, (span(0, 0, 2, 0), ""))
    await wait_for_publish(client, api_uri, version=3)

    # the helper stops blocking on disk: the lenses go, and the editor is told to ask again
    mark = len(client.published)
    client.code_lens_refreshed.clear()
    db.write_text(QUIET_DB)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(db), type=types.FileChangeType.Changed)])
    )
    await wait_for_publish(client, api_uri, after=mark, where=lambda params: not has_asy200(params))
    await asyncio.wait_for(client.code_lens_refreshed.wait(), TIMEOUT)
    assert await lenses(client, api_uri) == []


async def test_no_lenses_when_turned_off_or_without_asy200(start_server: StartServer, tmp_path: Path) -> None:
    path = tmp_path / "api.py"
    on = await start_server(initialization_options={"select": ["ASY200"], "debounceMs": 0})
    on_uri = open_document(on, path, SAME_FILE)
    await wait_for_publish(on, on_uri, where=has_asy200)
    assert await lenses(on, on_uri) == [((7, 0, 7, 17), "blocks the event loop via 1 helper")]

    off = await start_server(initialization_options={"select": ["ASY200"], "debounceMs": 0, "codeLens": {"enable": False}})
    off_uri = open_document(off, path, SAME_FILE)
    await wait_for_publish(off, off_uri, where=has_asy200)
    assert await lenses(off, off_uri) == []

    without = await start_server(initialization_options={"select": ["ASY100"], "debounceMs": 0})
    without_uri = open_document(without, path, SAME_FILE)
    await wait_for_publish(without, without_uri)
    assert await lenses(without, without_uri) == []


def test_the_title_counts_the_helpers_of_the_shortest_chain() -> None:
    assert title([1]) == "blocks the event loop via 1 helper"
    assert title([3, 2]) == "blocks the event loop via 2 helpers (2 calls)"
    assert title([0]) == "blocks the event loop: calls an API the project lists as blocking"
