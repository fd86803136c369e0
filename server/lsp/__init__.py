"""The pygls language server: a thin adapter from LSP to the engine in asyncguide.rules.

Features live in their own modules: ``documents`` (text sync), ``notebooks`` (notebook sync),
``diagnostics`` (lint, push or
pull), ``hover``, ``code_actions``, ``code_lens``, ``workspace`` (settings, watched files, lifecycle),
``resolution`` (cross-module coroutine resolution off the keystroke path), ``project`` (the
project index for ASY200, and workspace diagnostics); ``server`` holds the
state they share, ``settings`` the editor and pyproject settings, ``positions`` the position
encodings.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from lsprotocol import types

from . import code_actions, code_lens, diagnostics, documents, hover, logs, notebooks, project, workspace
from .server import AsyncguideServer

if TYPE_CHECKING:
    from ..start_up import StartUp


def create_server() -> AsyncguideServer:
    ls = AsyncguideServer()
    ls.feature(types.INITIALIZE)(workspace.initialize)
    ls.feature(types.INITIALIZED)(workspace.initialized)
    ls.feature(types.SHUTDOWN)(workspace.shutdown)
    ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(workspace.did_change_configuration)
    ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(workspace.did_change_watched_files)
    ls.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(workspace.did_change_workspace_folders)
    ls.feature(types.TEXT_DOCUMENT_DID_OPEN)(documents.did_open)
    ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)(documents.did_change)
    ls.feature(types.TEXT_DOCUMENT_DID_SAVE)(documents.did_save)
    ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)(documents.did_close)
    ls.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)(notebooks.did_open)
    ls.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)(notebooks.did_change)
    ls.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)(notebooks.did_close)
    ls.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        # ASY200 follows calls into other files; workspace diagnostics: ``diagnosticMode``
        types.DiagnosticOptions(identifier="asyncguide", inter_file_dependencies=True, workspace_diagnostics=True),
    )(diagnostics.document_diagnostic)
    ls.feature(types.WORKSPACE_DIAGNOSTIC)(project.workspace_diagnostic)
    ls.feature(types.TEXT_DOCUMENT_HOVER)(hover.hover)
    ls.feature(types.TEXT_DOCUMENT_CODE_ACTION, code_actions.options())(code_actions.code_action)
    ls.feature(types.CODE_ACTION_RESOLVE)(code_actions.resolve_code_action)
    ls.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))(code_lens.code_lens)
    return ls


def run(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087, start_up: StartUp | None = None) -> None:
    """Serve over stdio (the default) or TCP until the client exits. ``start_up`` is finished once
    the first diagnostics are out (``workspace.finish_start_up``).

    Only protocol messages go to stdout: logging goes to the client (``logs``), and anything
    printed while serving goes to stderr (``sys.stdout`` is pointed at stderr; the protocol writes
    to the real stdout).
    """
    ls = create_server()
    ls.start_up = start_up
    handler = logs.install(ls)
    if tcp:
        sys.stdout = sys.stderr
        logs.say_where_listening()
        ls.start_tcp(host, port)
    else:
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        sys.stdout = sys.stderr
        ls.start_io(stdin, stdout)
    handler.end()
    if not ls.shut_down:
        raise SystemExit(1)
