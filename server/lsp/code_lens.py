"""Code lenses over the ``async def``\\ s whose calls reach a blocking call through the project's
helpers: "blocks the event loop via 2 helpers".

They are read off what the lint made already: the document's ASY200 diagnostics, each carrying
its chain as related information (one location per function of the chain: its call of the next
one, or the blocking call for the last), and the semantic model, which tells the function each
finding is in. So there are lenses only where ASY200 is enabled, and they follow the project
index as the diagnostics do: when the diagnostics of open documents change because another module
did (``project``), the client is asked to request the lenses again. The setting
``codeLens.enable`` turns them off. A lens is a label, with no command: the diagnostic under it
shows the chain, hop by hop, in its hover.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types

from asyncguide.rules.model import SemanticModel

from . import diagnostics
from .positions import after_changes, before_changes

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer

CODE = "ASY200"


def code_lens(ls: AsyncguideServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None or document.notebook is not None or not ls.editor_settings_for(document.path).code_lens.enable:
        return None
    diagnostics.ensure_linted(ls, document)
    model = document.model
    if document.settings is None or CODE not in document.settings.codes or model is None:
        return None
    # async def -> the number of helpers of each of its findings
    helpers: dict[ast.AsyncFunctionDef, list[int]] = {}
    for diagnostic in document.diagnostics:
        if diagnostic.code != CODE:
            continue
        position = before_changes(document, diagnostic.range.start_line, diagnostic.range.start_column)
        function = _async_function_at(model, *position) if position is not None else None
        if function is not None:
            helpers.setdefault(function, []).append(len(diagnostic.related))
    lenses = []
    for function, counts in helpers.items():
        header = after_changes(document, model.header_range(function))
        if header is not None:
            lens_range = document.index.to_client(header, ls.encoding)
            lenses.append(types.CodeLens(range=lens_range, command=types.Command(title=title(counts), command="")))
    return lenses


def title(helpers: list[int]) -> str:
    """The lens of a function with findings that go through these numbers of helpers (0: a call
    of an API the project lists as blocking)."""
    fewest = min(helpers)
    if fewest == 0:
        text = "blocks the event loop: calls an API the project lists as blocking"
    else:
        text = f"blocks the event loop via {fewest} helper{'' if fewest == 1 else 's'}"
    return text if len(helpers) == 1 else f"{text} ({len(helpers)} calls)"


def _async_function_at(model: SemanticModel, line: int, column: int) -> ast.AsyncFunctionDef | None:
    """The innermost function around a position of the model's text, if it is an ``async def``."""
    innermost = None
    for function in model.functions:
        range_ = model.range_of(function.node)
        start = (range_.start_line, range_.start_column)
        if start <= (line, column) <= (range_.end_line, range_.end_column) and (innermost is None or start > innermost[0]):
            innermost = (start, function.node)
    node = innermost[1] if innermost is not None else None
    return node if isinstance(node, ast.AsyncFunctionDef) else None


def refresh(ls: AsyncguideServer, documents: Iterable[Document]) -> None:
    """The documents were linted again without an edit of theirs (another module changed): ask
    for the lenses again when one of them may show some."""
    if not ls.supports("workspace.code_lens.refresh_support"):
        return
    if any(
        document.settings is not None and CODE in document.settings.codes and ls.editor_settings_for(document.path).code_lens.enable
        for document in documents
    ):
        ls.workspace_code_lens_refresh(None)
