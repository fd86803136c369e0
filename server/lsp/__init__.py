"""The pygls language server: a thin adapter from LSP to the engine in asyncguide.rules.

Features live in their own modules: ``documents`` (text sync), ``notebooks`` (notebook sync),
``diagnostics`` (lint, push or
pull), ``hover``, ``code_actions``, ``workspace`` (settings, watched files, lifecycle),
``resolution`` (cross-module coroutine resolution off the keystroke path); ``server`` holds the
state they share, ``settings`` the editor and pyproject settings, ``positions`` the position
encodings.
"""

from __future__ import annotations

import logging
import sys

from lsprotocol import types

from . import code_actions, diagnostics, documents, hover, notebooks, workspace
from .server import AsyncguideServer, listening_log


def create_server() -> AsyncguideServer:
    ls = AsyncguideServer()
    ls.feature(types.INITIALIZE)(workspace.initialize)
    ls.feature(types.INITIALIZED)(workspace.initialized)
    ls.feature(types.SHUTDOWN)(workspace.shutdown)
    ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(workspace.did_change_configuration)
    ls.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(workspace.did_change_watched_files)
    ls.feature(types.TEXT_DOCUMENT_DID_OPEN)(documents.did_open)
    ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)(documents.did_change)
    ls.feature(types.TEXT_DOCUMENT_DID_SAVE)(documents.did_save)
    ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)(documents.did_close)
    ls.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)(notebooks.did_open)
    ls.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)(notebooks.did_change)
    ls.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)(notebooks.did_close)
    ls.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="asyncguide", inter_file_dependencies=False, workspace_diagnostics=False),
    )(diagnostics.document_diagnostic)
    ls.feature(types.TEXT_DOCUMENT_HOVER)(hover.hover)
    ls.feature(types.TEXT_DOCUMENT_CODE_ACTION, code_actions.options())(code_actions.code_action)
    ls.feature(types.CODE_ACTION_RESOLVE)(code_actions.resolve_code_action)
    return ls


def run(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> None:
    """Serve over stdio (the default) or TCP until the client exits.

    Only protocol messages go to stdout: logging goes to stderr, and so does anything printed
    while serving (``sys.stdout`` is pointed at stderr; the protocol writes to the real stdout).
    """
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s %(levelname)s: %(message)s")
    listening_log.setLevel(logging.INFO)  # it says where it listens
    ls = create_server()
    if tcp:
        sys.stdout = sys.stderr
        ls.start_tcp(host, port)
    else:
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        sys.stdout = sys.stderr
        ls.start_io(stdin, stdout)
    if not ls.shut_down:
        raise SystemExit(1)
