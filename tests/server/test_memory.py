"""The server's memory stays bounded under continuous load: opening and closing the same 50
documents round after round, never idle long enough for the idle collection (``heap``), its
resident size levels off instead of growing with each round.

Each document calls coroutines of a module of the project without awaiting them, so that each
opening also has jedi resolve them in a worker thread (ASY110): jedi's garbage, frozen with the
lint models while alive, was what piled up.

A memory bound, read from ``/proc/<pid>/status`` (VmRSS) of the server process; no timing.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import TIMEOUT, uri
from .test_lifecycle import RawConnection, server_process

DOCUMENTS = 50
ROUNDS = 6
#: what the server may grow by from the end of the third round to the end of the last one: each
#: round left about 4 MB more behind when frozen garbage waited for an idle moment
GROWTH_BOUND_MB = 6
#: the server's resident size with 50 such documents open, at most
RESIDENT_BOUND_MB = 200

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


#: the project's module the documents import from
DB = "".join(f"async def fetch_{number}(key):\n    return key\n\n\n" for number in range(20))


def document(number: int) -> str:
    """A module of about 200 lines: handlers awaiting the project's coroutines, and one that does
    not (ASY110). Nothing else is imported: jedi looks up only the project's names, which is quick."""
    coroutine = f"fetch_{number % 20}"
    parts = [f'"""Module {number}."""\nfrom db import {coroutine}\n']
    for function in range(30):
        parts.append(
            f"\n\nasync def handler_{number}_{function}(request):\n"
            f"    data = await {coroutine}(request)\n"
            f"    return {{'id': {function}, 'items': [item for item in data if item]}}\n"
        )
    parts.append(f"\n\nasync def forgetful():\n    {coroutine}(1)\n")
    return "".join(parts)


def has_asy110(message: dict[str, Any], document_uri: str) -> bool:
    return (
        message.get("method") == "textDocument/publishDiagnostics"
        and message["params"]["uri"] == document_uri
        and any(diagnostic["code"] == "ASY110" for diagnostic in message["params"]["diagnostics"])
    )


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def test_opening_and_closing_documents_round_after_round_keeps_memory_bounded(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text(DB)
    texts = [document(number) for number in range(DOCUMENTS)]
    uris = [uri(tmp_path / f"module_{number}.py") for number in range(DOCUMENTS)]
    folder = {"uri": uri(tmp_path), "name": tmp_path.name}
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None
        connection = RawConnection(process.stdout, process.stdin)  # type: ignore[arg-type]
        await connection.request("initialize", {"processId": None, "rootUri": uri(tmp_path), "workspaceFolders": [folder], "capabilities": {}, "initializationOptions": {"debounceMs": 0}})
        connection.notify("initialized", {})
        resident = []
        for _ in range(ROUNDS):
            for document_uri, text in zip(uris, texts):
                connection.notify("textDocument/didOpen", {"textDocument": {"uri": document_uri, "languageId": "python", "version": 1, "text": text}})
                # resolved by jedi: the publish after the first
                await connection.receive_until(lambda message, document_uri=document_uri: has_asy110(message, document_uri))
            opened = resident_mb(process.pid)
            for document_uri in uris:
                connection.notify("textDocument/didClose", {"textDocument": {"uri": document_uri}})
            assert await connection.request("textDocument/hover", {"textDocument": {"uri": uris[0]}, "position": {"line": 0, "character": 0}}) is None
            resident.append(max(opened, resident_mb(process.pid)))
        assert await connection.request("shutdown") is None
        connection.notify("exit")
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
    assert max(resident) < RESIDENT_BOUND_MB, resident
    assert resident[-1] - resident[2] < GROWTH_BOUND_MB, resident
