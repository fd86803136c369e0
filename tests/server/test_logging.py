"""The server's log reaches the client as window/logMessage at the record's level (setting
``logLevel``), and a healthy session writes nothing to stderr, which editors show as errors."""

from __future__ import annotations

import asyncio
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from .conftest import BLOCKING_SLEEP, TIMEOUT, uri
from .test_lifecycle import RecordingConnection, server_process

ERROR, WARNING, INFO, LOG = 1, 2, 3, 4


async def healthy_session(settings: dict[str, Any], document: Path) -> tuple[RecordingConnection, bytes]:
    """A session as an editor runs one (a document opened, hovered, a request cancelled after it was
    answered, shut down); what the server sent, and its stderr."""
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        connection = RecordingConnection(process.stdout, process.stdin)
        await connection.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": settings})
        connection.notify("initialized", {})
        connection.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri(document), "languageId": "python", "version": 1, "text": BLOCKING_SLEEP}},
        )
        await connection.receive_until(lambda message: message.get("method") == "textDocument/publishDiagnostics")
        await connection.request("textDocument/hover", {"textDocument": {"uri": uri(document)}, "position": {"line": 4, "character": 6}})
        connection.notify("$/cancelRequest", {"id": connection.next_id})  # answered already, as clients often do
        assert await connection.request("shutdown") is None
        connection.notify("exit")
        while await connection.receive() is not None:
            pass
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
        return connection, await process.stderr.read()


async def test_a_healthy_session_writes_no_stderr_and_logs_no_error_or_warning(tmp_path: Path) -> None:
    connection, stderr = await healthy_session({"select": ["ASY100"], "debounceMs": 0}, tmp_path / "poll.py")
    assert stderr == b""
    logged = connection.logged()
    assert [message for kind, message in logged if kind in (ERROR, WARNING)] == []
    assert [message for kind, message in logged if kind == INFO and message.startswith("asyncguide ")] == [
        f"asyncguide {version('asyncguide')} on Python {platform.python_version()}, serving an unnamed client"
    ]
    # pygls says every message it sends at its information level: not at the default level
    assert not any(message.startswith("pygls.") for kind, message in logged)


async def test_log_level_debug_shows_the_cancellation_of_an_answered_request_as_a_debug_line(tmp_path: Path) -> None:
    connection, stderr = await healthy_session({"select": ["ASY100"], "debounceMs": 0, "logLevel": "debug"}, tmp_path / "poll.py")
    assert stderr == b""
    logged = connection.logged()
    cancelled = [kind for kind, message in logged if "Cancel notification for unknown message id" in message]
    assert cancelled == [LOG]
    # held until initialize said the level, the start-up line arrives too
    assert (INFO, "Starting to serve on stdio") in logged


@pytest.mark.parametrize("level", ["warning", "error"])
async def test_log_level_above_info_sends_no_information(tmp_path: Path, level: str) -> None:
    connection, stderr = await healthy_session({"select": ["ASY100"], "debounceMs": 0, "logLevel": level}, tmp_path / "poll.py")
    assert stderr == b""
    assert connection.logged() == []
