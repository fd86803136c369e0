"""Malformed framing on the wire: the server stays alive, skips what is not a message (saying so on
stderr), and answers every well-formed message after it. Also: requests before ``initialize`` get
ServerNotInitialized, and a change whose range ends before it starts leaves the text alone.

The framing cases drive the real server over its stdio with raw bytes (``RawConnection``); the
reader itself is also tested on bytes in memory, for cases too slow to send (a header cut by the
piece size) or that need many bytes.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any


from asyncguide.server.lsp import transport

from .conftest import BLOCKING_SLEEP, FAST, TIMEOUT, StartServer, change, open_document, span, uri, wait_for_log, wait_for_publish
from .test_lifecycle import RawConnection, RecordingConnection, a_session, server_process


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


HOVER = {"jsonrpc": "2.0", "id": "lost", "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}}
LOST = json.dumps(HOVER).encode()

#: a notification the server may lose without harm: sent after a message whose length is too large
SACRIFICE = frame({"jsonrpc": "2.0", "method": "$/setTrace", "params": {"value": "off"}})

MALFORMED = {
    "oversized": b"Content-Length: 99999999999999999999\r\n\r\n" + LOST,
    "too-small": b"Content-Length: 10\r\n\r\n" + LOST,
    "too-large": b"Content-Length: %d\r\n\r\n" % (len(LOST) + 30) + LOST + SACRIFICE,  # reads 30 bytes into the next
    "negative": b"Content-Length: -5\r\n\r\n" + LOST,
    "not-a-number": b"Content-Length: ten\r\n\r\n" + LOST,
    "missing": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + LOST,
    "not-json": b"Content-Length: 9\r\n\r\n{nothing}",
    "garbage": b"\x00\xff garbage \r\n\r\n\r\n",
}


async def test_the_server_skips_each_malformed_message_and_answers_the_next_ones(tmp_path: Path) -> None:
    """One session, each malformed message followed by a hover that must be answered."""
    document = uri(tmp_path / "poll.py")
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        connection = RecordingConnection(process.stdout, process.stdin)  # type: ignore[arg-type]
        await connection.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": FAST})
        connection.notify("initialized", {})
        connection.notify("textDocument/didOpen", {"textDocument": {"uri": document, "languageId": "python", "version": 1, "text": BLOCKING_SLEEP}})
        for case, malformed in MALFORMED.items():
            connection.writer.write(malformed)
            hover = await connection.request("textDocument/hover", {"textDocument": {"uri": document}, "position": {"line": 4, "character": 6}})
            assert "ASY100" in hover["contents"]["value"], case
        assert await connection.request("shutdown") is None
        connection.notify("exit")
        while (message := await connection.receive()) is not None:  # nothing but whole messages
            assert message.get("id") != "lost"  # no message was read out of a malformed one
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
        stderr = (await process.stderr.read()).decode()
    # a log message for each, saying what was skipped (to the editor: stderr stays quiet)
    skipped = [message for _, message in connection.logged() if "asyncguide: skipped" in message]
    assert len(skipped) >= len(MALFORMED)
    assert "Traceback" not in stderr


async def test_requests_before_initialize_get_server_not_initialized(tmp_path: Path) -> None:
    async with server_process() as process:
        assert process.stdin is not None and process.stdout is not None
        connection = RawConnection(process.stdout, process.stdin)  # type: ignore[arg-type]
        process.stdin.write(frame(HOVER))
        response = await connection.receive_until(lambda message: message.get("id") == "lost")
        assert response["error"]["code"] == -32002
        connection.notify("textDocument/didOpen", {"textDocument": {"uri": uri(tmp_path / "early.py"), "languageId": "python", "version": 1, "text": BLOCKING_SLEEP}})
        await a_session(connection, tmp_path / "poll.py")
        while (message := await connection.receive()) is not None:
            # the notification before initialize was dropped: nothing is published for that document
            assert message.get("params", {}).get("uri") != uri(tmp_path / "early.py")
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0


async def test_a_change_ending_before_it_starts_leaves_the_text_alone(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, document, version=1)
    change(client, document, 2, (span(4, 17, 3, 0), ""))  # applied as it is, lines 3-4 would be copied
    await wait_for_log(client, "a range ends before it starts")
    change(client, document, 3, (span(0, 0, 0, 0), "# first\n"))
    published = await wait_for_publish(client, document, version=3)
    assert [(d.code, d.range.start.line) for d in published.diagnostics] == [("ASY100", 5)]  # one sleep, one line down


# -------------------------------------------------------------------------------- the reader alone


def reader_of(data: bytes) -> transport.MessageReader:
    stream = io.BytesIO(data)

    async def read_line(limit: int) -> bytes:
        return stream.readline(limit)

    async def read_exactly(count: int) -> bytes:
        return stream.read(count)

    return transport.MessageReader(read_line, read_exactly)


async def bodies(data: bytes) -> list[bytes]:
    reader = reader_of(data)
    found = []
    while (body := await reader.next_body()) is not None:
        found.append(body)
    return found


async def test_a_header_cut_between_two_pieces_is_found() -> None:
    # a line of junk whose end, the next header, straddles the boundary of two pieces read
    junk = b"x" * (transport.LINE_PIECE_BYTES - 5)
    assert await bodies(junk + b"Content-Length: 2\r\n\r\n{}") == [b"{}"]


async def test_a_long_stretch_without_line_breaks_is_skipped_in_pieces() -> None:
    junk = b"y" * (50 * transport.LINE_PIECE_BYTES)
    assert await bodies(b"Content-Length: 100000000000\r\n\r\n" + junk + b"Content-Length: 2\r\n\r\n{}") == [b"{}"]


async def test_other_headers_and_header_case_are_accepted() -> None:
    framed = b"content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"
    assert await bodies(framed + framed) == [b"{}", b"{}"]


async def test_the_end_of_input_inside_a_body_ends_the_messages() -> None:
    assert await bodies(b"Content-Length: 2\r\n\r\n{}Content-Length: 9\r\n\r\n{") == [b"{}"]
