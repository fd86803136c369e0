"""Reading LSP messages from the client's byte stream: bounded, and back in step after a bad one.

pygls's reader (``pygls.io_.run_async``) trusts each header. A ``Content-Length`` of a terabyte
makes it allocate that much, and the server dies of ``MemoryError``. After a length that is too
small, negative, not a number, or missing, it reads what is left of that message as header lines,
and the next message's header goes with them: every later message is lost the same way, and the
server, still running, never answers again.

Here a message is what follows a header block whose ``Content-Length`` is a decimal number of at
most ``MAX_MESSAGE_BYTES``. Anything else is skipped up to the next line that ends in a
``Content-Length`` header (which is how every message starts: the rest of a malformed message
stands before it on the same line, as JSON bodies hold no raw line breaks), and logged on stderr
in one line. A skipped message gets no answer: its id cannot be read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

from pygls.protocol import JsonRPCProtocol

log = logging.getLogger("asyncguide.server")

#: the largest message body read; a 16 MiB document is far beyond any Python file an editor opens
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
#: header lines (and what is skipped between messages) are read in pieces of at most this many bytes
LINE_PIECE_BYTES = 4096
#: of a piece that does not end a line, the end kept for the next: a header cut in two is still found
_KEPT_END = 64

_CONTENT_LENGTH = re.compile(rb"Content-Length:[ \t]*([^\r\n]*?)[ \t]*\r?\n\Z", re.IGNORECASE)
_DIGITS = re.compile(rb"[0-9]+")

ReadLine = Callable[[int], Awaitable[bytes]]
ReadExactly = Callable[[int], Awaitable[bytes]]


class MessageReader:
    """The bodies of the messages on a stream, one at a time (``next_body``).

    ``read_line(limit)`` gives the next line, or its first ``limit`` bytes when it is longer, or
    what is left at the end of the stream (b"" then); ``read_exactly(n)`` gives the next ``n``
    bytes, fewer only at the end.
    """

    def __init__(self, read_line: ReadLine, read_exactly: ReadExactly):
        self._read_line = read_line
        self._read_exactly = read_exactly

    async def next_body(self) -> bytes | None:
        """The next message's body; None at the end of the stream."""
        length: int | None = None
        in_header = False  # a Content-Length header was read: the lines up to a blank one are headers
        skipped = 0  # bytes of input that belong to no message, since the last one
        kept = b""
        while True:
            piece = await self._read_line(LINE_PIECE_BYTES)
            if not piece:
                if skipped:
                    log.warning("asyncguide: the input ended after %d bytes that were not part of a message", skipped)
                return None
            line = kept + piece
            kept = b""
            if line in (b"\r\n", b"\n") and in_header:  # the end of a header block
                if length is None:  # its Content-Length was unusable (logged): skip up to the next one
                    in_header = False
                    continue
                body = await self._read_exactly(length)
                if len(body) < length:
                    log.warning("asyncguide: the input ended %d bytes into a message of %d bytes", len(body), length)
                    return None
                return body
            match = _CONTENT_LENGTH.search(line) if piece.endswith(b"\n") else None
            if match is None:
                if not in_header:
                    skipped += len(piece)
                    if not piece.endswith(b"\n"):  # a longer line: a header may start at its end
                        kept = line[-_KEPT_END:]
                continue  # or another header of the block (Content-Type)
            skipped += match.start() - (len(line) - len(piece))  # what stood before the header
            if skipped:
                log.warning("asyncguide: skipped %d bytes that were not part of a message", skipped)
                skipped = 0
            in_header = True
            length = _length(match.group(1))


def _length(value: bytes) -> int | None:
    """The body length a Content-Length header announces; None, logged, when it cannot be read."""
    if _DIGITS.fullmatch(value) is None:
        log.warning("asyncguide: skipped a message whose Content-Length is %r, not a number of bytes", value[:40].decode("latin-1"))
        return None
    length = int(value)
    if length > MAX_MESSAGE_BYTES:
        log.warning("asyncguide: skipped a message of %d bytes (at most %d are read)", length, MAX_MESSAGE_BYTES)
        return None
    return length


def stdio_reader(stdin: BinaryIO, executor: ThreadPoolExecutor) -> MessageReader:
    """A reader of a blocking binary stream, read in worker threads (the event loop goes on)."""

    def read_line(limit: int) -> Awaitable[bytes]:
        return asyncio.get_running_loop().run_in_executor(executor, stdin.readline, limit)

    def read_exactly(count: int) -> Awaitable[bytes]:
        return asyncio.get_running_loop().run_in_executor(executor, stdin.read, count)

    return MessageReader(read_line, read_exactly)


def stream_reader(stream: asyncio.StreamReader) -> MessageReader:
    """A reader of an asyncio stream (TCP)."""

    async def read_line(limit: int) -> bytes:
        try:
            return await stream.readuntil(b"\n")
        except asyncio.IncompleteReadError as end:
            return end.partial
        except asyncio.LimitOverrunError as long_line:  # longer than the stream buffers: a piece of it
            return await stream.read(min(long_line.consumed, limit) or limit)

    async def read_exactly(count: int) -> bytes:
        try:
            return await stream.readexactly(count)
        except asyncio.IncompleteReadError as end:
            return end.partial

    return MessageReader(read_line, read_exactly)


async def serve(reader: MessageReader, protocol: JsonRPCProtocol, stop: threading.Event) -> None:
    """Hand each message to the protocol until the stream ends or ``stop`` is set."""
    while not stop.is_set():
        body = await reader.next_body()
        if body is None:
            return
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except ValueError as error:  # not JSON, or not UTF-8
            log.warning("asyncguide: skipped a message that is not JSON: %s", error)
            continue
        except Exception:  # noqa: BLE001 - a message pygls cannot structure must not stop the server
            log.exception("asyncguide: skipped a message that could not be read")
            continue
        try:
            protocol.handle_message(message)
        except Exception:  # noqa: BLE001 - as pygls: log, and serve on
            log.exception("asyncguide: failed to handle a message")
