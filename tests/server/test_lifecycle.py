"""The server process: stdio and TCP transports, a protocol-only stdout, clean exits, rule crashes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lsprotocol import types

from .conftest import BLOCKING_SLEEP, FAST, SERVER, TIMEOUT, StartServer, open_document, uri, wait_for_log, wait_for_publish

TEST_RULES_SERVER = [sys.executable, "-m", "tests.server.server_with_test_rules"]
_HEADER = re.compile(rb"(Content-Length): (\d+)\r\n|(Content-Type): [^\r\n]+\r\n")


class RawConnection:
    """A bare LSP connection that insists every byte the server sends is a well-formed message."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.next_id = 0

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any = None) -> Any:
        self.next_id += 1
        request_id = self.next_id
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        response = await self.receive_until(lambda message: message.get("id") == request_id and "method" not in message)
        assert "error" not in response, response
        return response["result"]

    async def receive_until(self, wanted: Any) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.receive(), TIMEOUT)
            assert message is not None, "the server closed the connection"
            if wanted(message):
                return message

    async def receive(self) -> dict[str, Any] | None:
        """The next message; None at the end of the stream (and nothing but whole messages before it)."""
        header = await self.reader.readline()
        if header == b"":
            return None
        length = None
        while header != b"\r\n":
            match = _HEADER.fullmatch(header)
            assert match is not None, f"not a message header: {header!r}"
            if match.group(1) == b"Content-Length":
                length = int(match.group(2))
            header = await self.reader.readline()
        assert length is not None, "a message without Content-Length"
        body = await self.reader.readexactly(length)
        message = json.loads(body)
        assert message["jsonrpc"] == "2.0"
        return message

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


class RecordingConnection(RawConnection):
    """Keeps every message the server sends."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.received: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any] | None:
        message = await super().receive()
        if message is not None:
            self.received.append(message)
        return message

    def logged(self) -> list[tuple[int, str]]:
        return [(m["params"]["type"], m["params"]["message"]) for m in self.received if m.get("method") == "window/logMessage"]


async def a_session(connection: RawConnection, document: Path) -> None:
    """initialize, open a document, get its diagnostics and a hover, shut down and exit."""
    result = await connection.request(
        "initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": FAST}
    )
    assert result["serverInfo"]["name"] == "asyncguide"
    connection.notify("initialized", {})
    connection.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri(document), "languageId": "python", "version": 1, "text": BLOCKING_SLEEP}},
    )
    published = await connection.receive_until(lambda message: message.get("method") == "textDocument/publishDiagnostics")
    assert [d["code"] for d in published["params"]["diagnostics"]] == ["ASY100"]
    hover = await connection.request(
        "textDocument/hover", {"textDocument": {"uri": uri(document)}, "position": {"line": 4, "character": 6}}
    )
    assert "ASY100" in hover["contents"]["value"]
    assert await connection.request("shutdown") is None
    connection.notify("exit")


@contextlib.asynccontextmanager
async def server_process(*arguments: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """The server started with ``arguments``; killed if a failing test leaves it running."""
    pipe = asyncio.subprocess.PIPE
    process = await asyncio.create_subprocess_exec(*SERVER, *arguments, stdin=pipe, stdout=pipe, stderr=pipe)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_stdio_session_writes_only_protocol_messages_and_exits_cleanly(tmp_path: Path) -> None:
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None
        connection = RawConnection(process.stdout, process.stdin)  # type: ignore[arg-type]
        await a_session(connection, tmp_path / "poll.py")
        while await connection.receive() is not None:  # whatever is left is whole messages too
            pass
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0


async def test_exit_without_shutdown_exits_with_code_1() -> None:
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None
        connection = RawConnection(process.stdout, process.stdin)  # type: ignore[arg-type]
        await connection.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        connection.notify("exit")
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 1


async def test_tcp_session(tmp_path: Path) -> None:
    async with server_process("--tcp", "--host", "127.0.0.1", "--port", "0") as process:
        await tcp_session(process, tmp_path / "poll.py")


async def tcp_session(process: asyncio.subprocess.Process, document: Path) -> None:
    assert process.stderr is not None and process.stdout is not None
    while True:  # the server says where it listens once it does
        line = await asyncio.wait_for(process.stderr.readline(), TIMEOUT)
        assert line, "the server ended before listening"
        listening = re.search(rb"Serving on \('([\d.]+)', (\d+)\)", line)
        if listening:
            break
    reader, writer = await asyncio.open_connection(listening.group(1).decode(), int(listening.group(2)))
    await a_session(RawConnection(reader, writer), document)
    assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
    assert await process.stdout.read() == b""


async def test_a_crashing_rule_is_logged_once_per_version_and_the_others_still_report(
    start_server: StartServer, tmp_path: Path
) -> None:
    # TST001 also prints to stdout before it raises: the print must not corrupt the protocol
    settings = {"select": ["ASY100", "TST001"], "debounceMs": 0}
    client = await start_server(command=TEST_RULES_SERVER, initialization_options=settings)
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert [d.code for d in (await wait_for_publish(client, document, version=1)).diagnostics] == ["ASY100"]
    logged = await wait_for_log(client, "TST001")
    assert logged.type == types.MessageType.Error
    assert "the test rule failed" in logged.message and "version 1" in logged.message

    # linted again at the same version (the settings changed): not logged again
    mark = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"asyncguide": {**settings, "showSyntaxErrors": True}})
    )
    await wait_for_publish(client, document, after=mark)
    assert len([m for m in client.log_messages if "TST001" in m.message]) == 1

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=BLOCKING_SLEEP + "\n")],
        )
    )
    assert [d.code for d in (await wait_for_publish(client, document, version=2)).diagnostics] == ["ASY100"]
    assert [m.message.count("version 2") for m in client.log_messages if "TST001" in m.message] == [0, 1]
    assert client.error is None
