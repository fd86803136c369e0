"""Helpers for the language server tests: the real server in a subprocess, driven by pytest-lsp.

``start_server`` starts one (with the client capabilities, initialization options and workspace
folders a test needs) and shuts it down after the test. Tests wait for the notification they expect
(``wait_for_publish``), never for time.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest_asyncio
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from asyncguide.rules.fixes import apply_edits
from asyncguide.rules.rule import Edit, Range

SERVER = [sys.executable, "-m", "asyncguide.server.cli", "serve"]
#: a test that waits longer than this for a notification has failed
TIMEOUT = 30

#: an async function whose `time.sleep` ASY100 reports (line 4, columns 4-17), with a safe fix
BLOCKING_SLEEP = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"

#: settings most tests use: only ASY100, published without delay
FAST = {"select": ["ASY100"], "debounceMs": 0}


class Client(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics, diagnostic and code lens
    refreshes and capability registrations."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.refreshed = asyncio.Event()
        self.code_lens_refreshed = asyncio.Event()
        self.registrations: list[types.Registration] = []
        self.initialize_result: types.InitializeResult | None = None


def _publish(client: Client, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)


def _refresh(client: Client, params: None) -> None:
    client.diagnostic_refresh_count += 1
    client.refreshed.set()


def _refresh_code_lens(client: Client, params: None) -> None:
    client.code_lens_refreshed.set()


def _register_capability(client: Client, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish,
            types.WORKSPACE_DIAGNOSTIC_REFRESH: _refresh,
            types.WORKSPACE_CODE_LENS_REFRESH: _refresh_code_lens,
            types.CLIENT_REGISTER_CAPABILITY: _register_capability,
        },
    )
    return client


def push_capabilities() -> types.ClientCapabilities:
    """VS Code's capabilities: push diagnostics, UTF-16, lazily resolved code action edits."""
    return client_capabilities("visual-studio-code")


def pull_capabilities() -> types.ClientCapabilities:
    """VS Code's, plus pull diagnostics with refresh support (which its recorded version lacks)."""
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.text_document is not None and capabilities.workspace is not None
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=False, related_document_support=False
    )
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return capabilities


def eager_capabilities() -> types.ClientCapabilities:
    """VS Code's, without codeAction/resolve: edits come with the actions."""
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.text_document is not None and capabilities.text_document.code_action is not None
    capabilities.text_document.code_action.resolve_support = None
    return capabilities


StartServer = Callable[..., Awaitable[Client]]


@pytest_asyncio.fixture
async def start_server() -> AsyncIterator[StartServer]:
    clients: list[Client] = []

    async def start(
        capabilities: types.ClientCapabilities | None = None,
        initialization_options: Any = None,
        folders: Sequence[Path] = (),
        command: list[str] = SERVER,
        env: dict[str, str] | None = None,
        client_name: str | None = None,
        configuration: dict[str, Any] | None = None,
    ) -> Client:
        """``env``: more environment variables for the server process. ``configuration``: the
        ``asyncguide`` section the client answers ``workspace/configuration`` with, by scope URI
        ("" for no scope)."""
        config = ClientServerConfig(server_command=command, client_factory=make_client, server_env={**os.environ, **(env or {})})
        client = await config.start()
        assert isinstance(client, Client)
        clients.append(client)
        for scope, section in (configuration or {}).items():
            client.set_configuration(section, section="asyncguide", scope_uri=scope or None)
        client.initialize_result = await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities or push_capabilities(),
                initialization_options=initialization_options,
                client_info=types.ClientInfo(name=client_name) if client_name else None,
                workspace_folders=[types.WorkspaceFolder(uri=uri(folder), name=folder.name) for folder in folders]
                or None,
            )
        )
        return client

    yield start
    for client in clients:
        await client.shutdown_session()
        await client.stop()


def uri(path: Path) -> str:
    result = from_fs_path(str(path))
    assert result is not None
    return result


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """Open ``text`` as the document at ``path`` (not written to disk); its URI."""
    document_uri = uri(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=document_uri, language_id="python", version=version, text=text)
        )
    )
    return document_uri


def change(client: LanguageClient, document_uri: str, version: int, *edits: tuple[types.Range | None, str]) -> None:
    """Send one didChange with these (range, text) edits; a None range replaces the whole text."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document_uri, version=version),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(text=text)
                if range_ is None
                else types.TextDocumentContentChangePartial(range=range_, text=text)
                for range_, text in edits
            ],
        )
    )


def span(start_line: int, start_character: int, end_line: int, end_character: int) -> types.Range:
    return types.Range(
        start=types.Position(line=start_line, character=start_character),
        end=types.Position(line=end_line, character=end_character),
    )


def as_tuple(range_: types.Range) -> tuple[int, int, int, int]:
    return range_.start.line, range_.start.character, range_.end.line, range_.end.character


async def wait_for_publish(
    client: Client,
    document_uri: str,
    *,
    version: int | None = None,
    after: int = 0,
    where: Callable[[types.PublishDiagnosticsParams], bool] = lambda params: True,
) -> types.PublishDiagnosticsParams:
    """The first publish for the document among those from the ``after``-th on (of that version,
    if given, and ``where`` true), waiting for it to arrive."""

    async def find() -> types.PublishDiagnosticsParams:
        while True:
            for params in client.published[after:]:
                if params.uri == document_uri and (version is None or params.version == version) and where(params):
                    return params
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(find(), TIMEOUT)


async def wait_for_message(client: LanguageClient, containing: str) -> types.ShowMessageParams:
    """The first window/showMessage whose text contains ``containing``, waiting for it to arrive."""

    async def find() -> types.ShowMessageParams:
        while True:
            for params in client.messages:
                if containing in params.message:
                    return params
            await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)

    return await asyncio.wait_for(find(), TIMEOUT)


async def wait_for_log(client: LanguageClient, containing: str) -> types.LogMessageParams:
    """The first window/logMessage whose text contains ``containing``, waiting for it to arrive."""

    async def find() -> types.LogMessageParams:
        while True:
            for params in client.log_messages:
                if containing in params.message:
                    return params
            await client.wait_for_notification(types.WINDOW_LOG_MESSAGE)

    return await asyncio.wait_for(find(), TIMEOUT)


async def pull(client: LanguageClient, document_uri: str, previous_result_id: str | None = None) -> Any:
    return await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=document_uri), previous_result_id=previous_result_id
        )
    )


def edits_of(edit: types.WorkspaceEdit | None, document_uri: str) -> list[types.TextEdit]:
    """The text edits a workspace edit makes to one document."""
    assert edit is not None
    if edit.document_changes is not None:
        return [
            text_edit
            for document_change in edit.document_changes
            if isinstance(document_change, types.TextDocumentEdit) and document_change.text_document.uri == document_uri
            for text_edit in document_change.edits
            if isinstance(text_edit, types.TextEdit)
        ]
    assert edit.changes is not None
    return list(edit.changes[document_uri])


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply text edits as an editor does (columns as code points: for text without astral characters)."""
    return apply_edits(
        text,
        [
            Edit(Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.new_text)
            for e in edits
        ],
    )


async def code_actions(
    client: LanguageClient, document_uri: str, range_: types.Range, only: Sequence[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=document_uri),
            range=range_,
            context=types.CodeActionContext(diagnostics=[], only=list(only) if only is not None else None),
        )
    )
    assert result is not None
    return [action for action in result if isinstance(action, types.CodeAction)]
