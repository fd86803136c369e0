"""The server's log goes to the client, as ``window/logMessage`` with the record's level as the
message type, not to stderr.

Editors show a server's stderr as errors (VS Code's Output panel prints every stderr line as
``[error]``), so a healthy session writes nothing there. Records are held until ``initialize``
has said which level the user wants (setting ``logLevel``), then sent; after the session (the
client has gone) they go to stderr, the only place left.

Some records are demoted to debug, as they are not the user's concern:
- pygls's information: it logs every message it sends and receives at that level;
- pygls's warning about a ``$/cancelRequest`` for a request already answered: clients cancel
  requests whose answers cross the cancellation all the time;
- the engine's own records (logger ``asyncguide``): a crashing rule logs its traceback on every
  lint, and the server reports the failure itself, once per document version
  (``diagnostics.report_failures``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import TYPE_CHECKING, Literal

from lsprotocol import types

if TYPE_CHECKING:
    from .server import AsyncguideServer

LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
DEFAULT_LEVEL = "info"
#: records held before ``initialize`` beyond this many are dropped, oldest first
HELD_RECORDS = 200

_MESSAGE_TYPES = (
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
)


def message_type(level: int) -> types.MessageType:
    for threshold, kind in _MESSAGE_TYPES:
        if level >= threshold:
            return kind
    return types.MessageType.Log


class ClientLogHandler(logging.Handler):
    """Sends log records to the client; see the module docstring for when."""

    def __init__(self, ls: AsyncguideServer) -> None:
        super().__init__(logging.DEBUG)
        self.ls = ls
        self.state: Literal["holding", "sending", "ended"] = "holding"
        self.threshold = LEVELS[DEFAULT_LEVEL]
        self.held: list[logging.LogRecord] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread: int | None = None
        self.setFormatter(_Formatter())
        self._stderr = logging.StreamHandler(sys.stderr)
        self._stderr.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
        #: set while a record is being sent: pygls logs the message it sends, which is not sent in turn
        self._busy = threading.local()

    def set_level(self, name: str) -> None:
        """Send records from level ``name`` up. The handler itself takes every record: a record's
        level is only known once ``demoted`` has looked at it (``filter``)."""
        self.threshold = LEVELS[name]
        logging.getLogger().setLevel(self.threshold)

    def filter(self, record: logging.LogRecord) -> bool:
        level = demoted(record)
        if level != record.levelno:
            record.levelno, record.levelname = level, logging.getLevelName(level)
        return self.state == "holding" or level >= self.threshold

    def start_sending(self) -> None:
        """The client is initialized (called on the server's event loop): send what was held, at
        the level now configured."""
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.get_ident()
        self.state = "sending"
        held, self.held = self.held, []
        for record in held:
            if record.levelno >= self.threshold:
                self.emit(record)

    def end(self) -> None:
        """The session is over: what is held, and what comes from now on, goes to stderr."""
        self.state = "ended"
        held, self.held = self.held, []
        for record in held:
            if record.levelno >= logging.WARNING:
                self._stderr.handle(record)

    def emit(self, record: logging.LogRecord) -> None:
        if self.state == "holding":
            self.held.append(record)
            del self.held[:-HELD_RECORDS]
            return
        if self.state == "ended":
            self._stderr.handle(record)
            return
        if getattr(self._busy, "sending", False):
            return
        assert self.loop is not None
        if threading.get_ident() == self.loop_thread:
            self._send(record)
        else:  # a worker thread (cross-module resolution): the protocol is written from the loop
            self.loop.call_soon_threadsafe(self._send, record)

    def _send(self, record: logging.LogRecord) -> None:
        self._busy.sending = True
        try:
            self.ls.window_log_message(types.LogMessageParams(type=message_type(record.levelno), message=self.format(record)))
        except Exception:  # noqa: BLE001 - the connection is gone: stderr is what is left
            self.state = "ended"
            self._stderr.handle(record)
        finally:
            self._busy.sending = False


class _Formatter(logging.Formatter):
    """The message (and traceback); another library's records say which library logged them."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if record.name.startswith("asyncguide") else f"{record.name}: {text}"


def demoted(record: logging.LogRecord) -> int:
    """The level a record is sent at (see the module docstring)."""
    if record.name == "asyncguide":
        return logging.DEBUG
    if record.name.startswith("pygls.") and (
        record.levelno <= logging.INFO or str(record.msg).startswith("Cancel notification for unknown message id")
    ):
        return logging.DEBUG
    return record.levelno


def install(ls: AsyncguideServer) -> ClientLogHandler:
    """Route every log record of the process to the client through a new handler. Until
    ``initialize`` it holds records of every level: the level is not known yet."""
    handler = ClientLogHandler(ls)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    ls.log_handler = handler
    return handler


def say_where_listening() -> None:
    """Over TCP the client must first learn where to connect: the server's ``Serving on`` line
    (``server.listening_log``, pygls's words) goes to stderr too (no editor shows a TCP server's
    stderr as its log)."""
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
    listening = logging.getLogger("asyncguide.server.listening")
    listening.setLevel(logging.INFO)
    listening.addHandler(stderr)
