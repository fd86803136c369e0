"""The language server object: pygls's ``LanguageServer`` plus asyncguide's state.

Everything the handlers share lives on the server instance (handlers get it as their first
argument, ``ls``): the open documents, the editor settings, the pyproject cache, and what the
client can do. Features are registered from their own modules by ``create_server``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cattrs import transform_error
from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcServerNotInitialized
from pygls.io_ import StdoutWriter
from pygls.lsp._capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCNotification, RPCRequest
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from asyncguide.rules.config import Settings
from asyncguide.server import __version__

from . import notebooks, transport
from .documents import Document
from .logs import ClientLogHandler
from .positions import UTF16, prefer_utf8
from .settings import EditorSettings, LintSettings, ProjectSettings, lint_settings, load_editor_settings, make_converter
from .versions import ProjectVersions, versions_for

if TYPE_CHECKING:
    from ..start_up import StartUp
    from .project import ProjectState

log = logging.getLogger("asyncguide.server")
#: says where the TCP server listens (``run`` lets it through at INFO)
listening_log = logging.getLogger("asyncguide.server.listening")
#: how many (settings, path) combinations ``lint_settings`` remembers
LINT_SETTINGS_CACHED = 256


class AsyncguideProtocol(LanguageServerProtocol):
    """pygls's protocol, negotiating UTF-8 positions whenever the client offers them, and leaving
    text synchronization to ``documents``.

    pygls's own copy of each document is not kept: its line splitting is not LSP's (see
    ``documents``), and converting a change's positions it clamps them in place, so the handler
    would see altered ranges.

    Every request gets a response. pygls drops a request whose params do not match the method's
    type (a missing ``context``, a negative line): it logs, shows the user a message, and never
    answers, so the client waits forever. Here such a request is answered with an InvalidParams
    error saying what is wrong, and nothing is shown to the user (the client sent it, not them).
    A request after ``shutdown``, which pygls also drops, is answered with InvalidRequest. A
    request before ``initialize``, which pygls handles, is answered with ServerNotInitialized, and
    a notification before it other than ``exit`` is dropped, as LSP asks.
    """

    #: the client sent ``initialize``
    initialize_received = False

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, args: Any = None, kwargs: Any = None) -> None:
        """pygls's, after forgetting the futures of the handlers that are done.

        pygls keeps the future of a coroutine, thread or generator handler in ``_request_futures``
        (to cancel it on ``$/cancelRequest`` or ``shutdown``) and drops it only after answering a
        request. A notification's (every didOpen, didChange and didClose here) would stay there,
        done, for the rest of the session: a thousand documents opened, or keystrokes, a thousand
        futures more. (Swept here rather than in a done callback: ``shutdown`` cancels futures
        while it iterates over them.)
        """
        for done, future in list(self._request_futures.items()):  # list(): a worker thread may pop
            if future.done():
                self._request_futures.pop(done, None)
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        prefer_utf8(params.capabilities)
        return (yield from super().lsp_initialize(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if not _is_request(data):
                raise
            reason = error.__cause__
            details = transform_error(reason) if isinstance(reason, ClassValidationError) else [str(reason or error)]
            message = f"{error.message} for {data['method']}: {'; '.join(details)}"
            log.warning("answered request %r with an error: %s", data["id"], message)
            self._send_response(data["id"], error=types.ResponseError(code=error.code, message=message))
            return AnsweredRequest(data["id"])

    def handle_message(self, message: Any) -> None:
        if isinstance(message, AnsweredRequest):
            return
        if not self.initialize_received:
            if isinstance(message, RPCRequest):  # (a request is an RPCNotification too: asked first)
                if message.method != types.INITIALIZE:
                    error = types.ResponseError(code=JsonRpcServerNotInitialized.CODE, message=f"{message.method} before initialize")
                    self._send_response(message.id, error=error)
                    return
                self.initialize_received = True
            elif isinstance(message, RPCNotification) and message.method != types.EXIT:
                log.warning("ignored %s before initialize", message.method)
                return
        if self._shutdown and isinstance(message, RPCRequest):
            # pygls drops it unanswered; LSP wants an InvalidRequest error for any request after shutdown
            error = types.ResponseError(code=JsonRpcInvalidRequest.CODE, message=f"{message.method} after shutdown")
            self._send_response(message.id, error=error)
            return
        super().handle_message(message)


@dataclass(frozen=True)
class AnsweredRequest:
    """A request already answered while it was read (its params did not structure): nothing to do."""

    id: int | str


def _is_request(data: dict[str, Any]) -> bool:
    """True for the top-level object of a JSON-RPC request (``structure_message`` sees every object
    of a message, innermost first; only the message itself has ``jsonrpc``)."""
    return "jsonrpc" in data and "method" in data and isinstance(data.get("id"), (int, str))


class AsyncguideServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "asyncguide",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=notebooks.SYNC_OPTIONS,
            protocol_cls=AsyncguideProtocol,
        )
        #: open documents, notebook cells among them, by URI
        self.documents: dict[str, Document] = {}
        self.notebooks: dict[str, notebooks.NotebookState] = {}
        #: how many documents were opened so far (tells reopened documents apart)
        self.openings = 0
        self.settings_converter = make_converter()
        #: settings for documents outside every workspace folder, and the log level
        self.editor_settings = EditorSettings()
        #: each workspace folder's own settings (``workspace/configuration`` with its ``scopeUri``)
        self.folder_settings: dict[Path, EditorSettings] = {}
        self.projects = ProjectSettings()
        #: (editor settings, project settings, path) -> its LintSettings: selecting the codes every
        #: lint would otherwise redo costs a few percent of a keystroke's work
        self._lint_settings: dict[tuple[EditorSettings, Settings, Path | None], LintSettings] = {}
        #: bumped whenever something that affects every document's diagnostics changes
        self.generation = 0
        #: decided at initialize: the client pulls diagnostics, or the server pushes them
        self.pull_diagnostics = False
        #: the client's name and version, if it said (``initialize``)
        self.client_info: types.ClientInfo | None = None
        #: settings problems found before the client could be told (initializationOptions)
        self.unreported_problems: list[str] = []
        #: the workspace folders (None: outside any) already told that a file's syntax is newer
        #: than the server's Python
        self.warned_newer_syntax: set[Path | None] = set()
        #: the client asked to shut down (the exit code is 0 only then)
        self.shut_down = False
        #: workspace folder -> its project index (``project``), built in the background by ``indexing``
        self.project_states: dict[Path, ProjectState] = {}
        self.indexing: asyncio.Task[None] | None = None
        #: the framework versions of each project root, read off the event loop (``versions``)
        self.project_versions: dict[Path, ProjectVersions] = {}
        #: the problems with project files shown to the user so far
        self.shown_problems: set[str] = set()
        #: sends the log to the client (``logs.install``; None when the server runs in-process)
        self.log_handler: ClientLogHandler | None = None
        #: ``time.monotonic()`` at ``initialize``
        self.initialized_at: float | None = None
        #: set once the first diagnostics of the session are delivered: work that can wait, waits for
        #: them (``project.index_workspace``)
        self.first_diagnostics = asyncio.Event()
        #: what ``serve`` does differently until the first diagnostics (``workspace.finish_start_up``)
        self.start_up: StartUp | None = None

    # ------------------------------------------------------------- transport

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """Serve over stdio as pygls does, reading messages with ``transport`` (bounded, and back
        in step after a malformed one) instead of ``pygls.io_``."""
        self._stop_event = threading.Event()
        log.info("Starting to serve on stdio")
        reader = transport.stdio_reader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(transport.serve(reader, self.protocol, self._stop_event))
        except BrokenPipeError:
            log.error("the connection to the client is lost: shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client at a time over TCP as pygls does, reading messages with ``transport``."""
        self._stop_event = stop = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            await transport.serve(transport.stream_reader(reader), self.protocol, stop)
            self.shutdown()

        async def listen() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            addresses = ", ".join(str(sock.getsockname()) for sock in self._server.sockets)
            listening_log.info("Serving on %s", addresses)  # pygls's words, which clients may wait for
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(listen())
        except asyncio.CancelledError:
            log.debug("the server was cancelled")

    # ----------------------------------------------------------------- client

    def supports(self, capability: str) -> bool:
        """True when the client declared ``capability`` (a dotted path in ClientCapabilities)."""
        return bool(get_capability(self.client_capabilities, capability, None))  # type: ignore[call-overload]

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or UTF16

    def diagnostics_delivered(self, document: Document) -> None:
        """A document's diagnostics went to the client: the first time, what waits for it may start."""
        if self.first_diagnostics.is_set():
            return
        self.first_diagnostics.set()
        since = f" {(time.monotonic() - self.initialized_at) * 1000:.0f} ms after initialize" if self.initialized_at else ""
        log.debug("first diagnostics delivered (%s)%s", document.path.name if document.path else document.uri, since)

    def show_warning(self, message: str) -> None:
        log.warning("%s", message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def log_error(self, message: str) -> None:
        """Logged at error level: ``logs`` sends it to the client as an Error log message."""
        log.error("%s", message)

    # --------------------------------------------------------------- settings

    def apply_editor_settings(self, raw: Any) -> bool:
        """Load the unscoped editor settings from the client's JSON; report invalid ones. True
        when they changed."""
        settings, problems = load_editor_settings(raw, self.settings_converter)
        for problem in problems:
            self.show_warning(problem)
        return self.set_editor_settings(settings)

    def set_editor_settings(self, settings: EditorSettings | None, folder: Path | None = None) -> bool:
        """Use ``settings`` for the documents of a workspace folder (``folder`` None: the unscoped
        settings; ``settings`` None: the folder has none of its own). True when they changed."""
        if folder is None:
            assert settings is not None
            if settings == self.editor_settings:
                return False
            self.editor_settings = settings
            self.apply_log_level()
        elif settings is None:
            if self.folder_settings.pop(folder, None) is None:
                return False
        else:
            if self.folder_settings.get(folder) == settings:
                return False
            self.folder_settings[folder] = settings
        self.generation += 1
        return True

    def editor_settings_for(self, path: Path | None) -> EditorSettings:
        """The settings of the workspace folder holding ``path``, else the unscoped ones."""
        root = self.workspace_root(path) if path is not None and self.folder_settings else None
        return self.folder_settings.get(root, self.editor_settings) if root is not None else self.editor_settings

    def apply_log_level(self) -> None:
        if self.log_handler is not None:
            self.log_handler.set_level(self.editor_settings.log_level)

    def lint_settings(self, document: Document) -> LintSettings:
        return self.lint_settings_for_path(document.path)

    def lint_settings_for_path(self, path: Path | None) -> LintSettings:
        """The settings of the document (or closed file) at ``path``; None for an unsaved buffer."""
        editor = self.editor_settings_for(path)
        project, problems = self.projects.settings_for(path, self.configuration_file(editor, path))
        for problem in problems:
            self.shown_problems.add(problem)
            self.show_warning(f"asyncguide: {problem}")
        key = (editor, project, path)
        settings = self._lint_settings.get(key)
        if settings is None:
            if len(self._lint_settings) >= LINT_SETTINGS_CACHED:  # settings changed many times: start over
                self._lint_settings.clear()
            settings = self._lint_settings[key] = lint_settings(editor, project, path)
        # framework versions are read at the pyproject.toml's folder, else the workspace folder
        root = settings.root or (self.workspace_root(path) if path is not None else None)
        return replace(settings, versions=versions_for(self, root)) if root is not None else settings

    def configuration_file(self, editor: EditorSettings, path: Path | None) -> Path | None:
        """The file the ``configuration`` setting names: ``~`` expanded, a relative path taken from
        the document's workspace folder (else the server's working directory)."""
        if editor.configuration is None:
            return None
        file = Path(editor.configuration).expanduser()
        if file.is_absolute():
            return file
        root = self.workspace_root(path) if path is not None else None
        return (root or Path.cwd()) / file

    def workspace_root(self, path: Path) -> Path | None:
        """The workspace folder holding ``path`` (the innermost one), if any."""
        best: Path | None = None
        for folder in self.workspace.folders.values():
            folder_path = to_fs_path(folder.uri)
            root = Path(folder_path) if folder_path else None
            if root is not None and path.is_relative_to(root) and (best is None or len(root.parts) > len(best.parts)):
                best = root
        return best
