"""Open documents: their text, kept in sync with incremental changes, and their diagnostics.

The server keeps its own copy of each document's text rather than pygls's workspace copy: pygls
splits lines with ``str.splitlines``, which also breaks at form feeds and other separators that
LSP (and Python) do not count, so its incremental edits land on the wrong line after one.

Applying a change also moves the document's diagnostics with it (``positions.Shift``):
while the user is mid-typing and the code does not parse, the last good diagnostics stay under
the code they are about. The semantic model of the last lint that parsed is kept too, with the
changes made since, so that hovers on API names (``hover``) read it without parsing again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from asyncguide.rules.model import SemanticModel, split_lines
from asyncguide.rules.resolve import DeferredResolver
from asyncguide.rules.rule import Diagnostic, Range
from asyncguide.rules.runner import SyntaxErrorInfo

from . import diagnostics, heap, resolution, versions
from .positions import LineIndex, Shift, single_edit
from .settings import LintSettings

if TYPE_CHECKING:
    from .server import AsyncguideServer

PYTHON_SUFFIXES = (".py", ".pyi")
#: changes kept for a model that no longer matches the text; past this many, it is dropped
MODEL_SHIFTS_LIMIT = 1000


@dataclass(eq=False)
class Document:
    uri: str
    version: int
    text: str
    path: Path | None
    #: tells apart two openings of the same document (their versions may repeat)
    opening: int = 0
    #: the diagnostics shown for ``text``: from the last lint that parsed, moved through the edits since
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: why the text does not parse, as of the last lint
    syntax_error: SyntaxErrorInfo | None = None
    #: what the last lint was computed for: (version, server generation, resolution generation)
    linted: tuple[int, int, int] | None = None
    #: the settings of the last lint
    settings: LintSettings | None = None
    #: the semantic model of the last lint that parsed, for hovers on API names
    model: SemanticModel | None = None
    #: the changes since ``model``'s text, each as (forward, back): ``forward`` moves a range of
    #: the model's text through the change, ``back`` a range of the changed text back to before it
    model_shifts: list[tuple[Shift, Shift]] = field(default_factory=list)
    #: answers "is this imported callee a coroutine function?" from a cache (see resolution.py)
    resolver: DeferredResolver | None = None
    #: bumped when cross-module resolution learned something that may change this document's diagnostics
    resolution_generation: int = 0
    resolution_task: asyncio.Task[None] | None = None
    #: a resolution was asked for while one was running: run once more
    resolution_requested: bool = False
    #: a fresh resolver being prepared after files changed on disk
    refresh_task: asyncio.Task[None] | None = None
    #: the debounced publish waiting to run (push diagnostics)
    publish_task: asyncio.Task[None] | None = None
    #: (version, rule code) of the rule failures already logged
    logged_failures: set[tuple[int, str]] = field(default_factory=set)
    #: for a notebook cell: the notebook's URI (``notebooks``); the notebook is linted as a whole
    notebook: str | None = None
    _index: LineIndex | None = field(default=None, repr=False)

    @classmethod
    def open(cls, item: types.TextDocumentItem, opening: int) -> Document:
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        return cls(item.uri, item.version, item.text, Path(path) if path else None, opening)

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def cancel_work(self) -> None:
        """Cancel the publish and resolution waiting for this document."""
        for task in (self.publish_task, self.resolution_task, self.refresh_task):
            if task is not None:
                task.cancel()

    def apply_change(self, change: types.TextDocumentContentChangeEvent, encoding: str) -> None:
        """Apply one change; a whole-text change is reduced to the part that differs, so that
        diagnostics move with it as with an incremental one."""
        index = self.index
        if isinstance(change, types.TextDocumentContentChangePartial):
            replaced, inserted = index.from_client(change.range, encoding), change.text
        elif change.text != self.text:
            replaced, inserted = single_edit(index, change.text)
        else:
            return
        start = index.offset(replaced.start_line, replaced.start_column)
        end = index.offset(replaced.end_line, replaced.end_column)
        removed = self.text[start:end]
        self.text = self.text[:start] + inserted + self.text[end:]
        shift = Shift(replaced, inserted)
        if self.model is not None:
            self.model_shifts.append((shift, Shift(_inserted_range(replaced, inserted), removed)))
            if len(self.model_shifts) > MODEL_SHIFTS_LIMIT:
                self.keep_model(None)
        moved = []
        for diagnostic in self.diagnostics:
            range_ = shift(diagnostic.range)
            if range_ is diagnostic.range:
                moved.append(diagnostic)
            elif range_ is not None:
                moved.append(replace(diagnostic, range=range_))
        self.diagnostics = moved
        self.syntax_error = None
        self._index = None

    def keep_model(self, model: SemanticModel | None) -> None:
        """Keep the model of a lint of the current text (None: there is none to keep)."""
        if self.model is not None and self.model is not model:
            heap.drop(self.model)
        self.model = model
        self.model_shifts = []


def _inserted_range(replaced: Range, inserted: str) -> Range:
    """Where ``inserted``, put in place of ``replaced``, stands in the changed text."""
    lines = split_lines(inserted)
    end_column = (replaced.start_column if len(lines) == 1 else 0) + len(lines[-1])
    return Range(replaced.start_line, replaced.start_column, replaced.start_line + len(lines) - 1, end_column)


def is_python(item: types.TextDocumentItem) -> bool:
    return item.language_id == "python" or item.uri.endswith(PYTHON_SUFFIXES)


def did_open(ls: AsyncguideServer, params: types.DidOpenTextDocumentParams) -> None:
    if not is_python(params.text_document):
        return
    reopened = ls.documents.get(params.text_document.uri)
    if reopened is not None:  # opened twice without a close: the new text wins
        reopened.cancel_work()
        reopened.keep_model(None)
    ls.openings += 1
    document = Document.open(params.text_document, ls.openings)
    ls.documents[document.uri] = document
    diagnostics.document_opened(ls, document)


def did_change(ls: AsyncguideServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return
    if any(_ends_before_it_starts(change) for change in params.content_changes):
        # applied, it would copy the text between its ends twice; the client's copy is not ours to guess
        ls.log_error(
            f"asyncguide: ignored a change to {document.uri} (version {params.text_document.version}): "
            "a range ends before it starts"
        )
        return
    for change in params.content_changes:
        document.apply_change(change, ls.encoding)
    document.version = params.text_document.version
    diagnostics.document_changed(ls, document)


def _ends_before_it_starts(change: types.TextDocumentContentChangeEvent) -> bool:
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return False
    start, end = change.range.start, change.range.end
    return (end.line, end.character) < (start.line, start.character)


def did_close(ls: AsyncguideServer, params: types.DidCloseTextDocumentParams) -> None:
    document = ls.documents.pop(params.text_document.uri, None)
    if document is not None:
        document.cancel_work()
        document.keep_model(None)
        diagnostics.document_closed(ls, document)


def did_save(ls: AsyncguideServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved module may define what other open documents import; a saved requirements file
    (or any, for clients that do not watch files) may change the framework versions."""
    resolution.files_changed_on_disk(ls, {params.text_document.uri})
    versions.read_all_again(ls)
