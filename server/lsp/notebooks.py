"""Jupyter notebooks through LSP 3.17 notebook document sync (VS Code's notebook editor).

pygls keeps each notebook's structure (``ls.workspace.get_notebook_document``: its version, its
cells in order, their kinds); its Python cells' texts are ``Document``s of ``ls.documents`` under
the cells' URIs, synchronized like any document, each knowing its notebook (``Document.notebook``).
Saves are not asked for: nothing depends on a notebook's file (no module imports it).

A notebook is linted as one module (``rules.notebooks``: the code cells joined, IPython syntax
masked, ``notebook=True``), once per state of its cells, whichever cell asks first
(``diagnostics.ensure_linted``); each cell gets the diagnostics in its lines, with positions in the
cell, published (or pulled) under the cell's URI. Hovers and "disable for this line" work on the
cell as on a file. A quick fix or "fix all" is built on the joined text and comes back as edits of
the cells it changes (``Notebook.cell_sources``: the magics stay). Not done in notebooks: hovers on
API names (they read a model of one document's text), cross-module coroutine resolution (ASY110
on imported project coroutines).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from asyncguide.rules.notebooks import Notebook
from asyncguide.rules.rule import Diagnostic, Edit, Range
from asyncguide.rules.runner import SyntaxErrorInfo, lint

from . import diagnostics, heap
from .positions import single_edit

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer

#: what the server asks the client to synchronize: the Python cells of Jupyter notebooks
SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(
            notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")]
        )
    ],
)


@dataclass
class NotebookState:
    """What the server knows of an open notebook beyond pygls's structure."""

    uri: str
    path: Path | None
    #: the cells' URIs and versions and the server generation of the last lint
    linted: tuple[tuple[tuple[str, int], ...], int] | None = None
    #: how many times it was linted: part of each cell's result id (another cell's edit can change
    #: a cell's diagnostics)
    lints: int = 0
    #: the joined cells of the last lint
    cells: Notebook = field(default_factory=lambda: Notebook((), ""))
    #: the cell documents of the last lint, in the order of ``cells.cells``
    documents: tuple[Document, ...] = ()


def did_open(ls: AsyncguideServer, params: types.DidOpenNotebookDocumentParams) -> None:
    notebook = params.notebook_document
    path = to_fs_path(notebook.uri) if notebook.uri.startswith("file:") else None
    ls.notebooks[notebook.uri] = NotebookState(notebook.uri, Path(path) if path else None)
    for item in params.cell_text_documents:
        _open_cell(ls, notebook.uri, item)
    for document in cell_documents(ls, notebook.uri):
        diagnostics.document_opened(ls, document)


def _open_cell(ls: AsyncguideServer, notebook_uri: str, item: types.TextDocumentItem) -> None:
    from .documents import Document

    if item.language_id != "python":
        return
    ls.openings += 1
    state = ls.notebooks[notebook_uri]
    document = Document(item.uri, item.version, item.text, state.path, ls.openings, notebook=notebook_uri)
    ls.documents[document.uri] = document


def did_change(ls: AsyncguideServer, params: types.DidChangeNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    if uri not in ls.notebooks:
        return
    cells = params.change.cells
    if cells is not None and cells.structure is not None:
        for item in cells.structure.did_open or ():
            _open_cell(ls, uri, item)
        for identifier in cells.structure.did_close or ():
            _close_cell(ls, identifier.uri)
    for content in (cells.text_content or ()) if cells is not None else ():
        document = ls.documents.get(content.document.uri)
        if document is None:
            continue
        for change in content.changes:
            document.apply_change(change, ls.encoding)
        document.version = content.document.version
    for document in cell_documents(ls, uri):
        diagnostics.document_changed(ls, document)


def did_close(ls: AsyncguideServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.notebooks.pop(params.notebook_document.uri, None)
    for identifier in params.cell_text_documents:
        _close_cell(ls, identifier.uri)


def _close_cell(ls: AsyncguideServer, uri: str) -> None:
    document = ls.documents.pop(uri, None)
    if document is not None:
        document.cancel_work()
        diagnostics.document_closed(ls, document)


def cell_documents(ls: AsyncguideServer, notebook_uri: str) -> list[Document]:
    """The notebook's open Python cells, in the notebook's order (pygls's structure)."""
    structure = ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
    if structure is None:
        return []
    found = (ls.documents.get(cell.document) for cell in structure.cells if cell.kind == types.NotebookCellKind.Code)
    return [document for document in found if document is not None]


def _cell_indexes(ls: AsyncguideServer, notebook_uri: str) -> dict[str, int]:
    structure = ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
    return {cell.document: index for index, cell in enumerate(structure.cells)} if structure is not None else {}


def ensure_linted(ls: AsyncguideServer, notebook_uri: str) -> None:
    """Lint the notebook's cells as one module unless their diagnostics are current, and give each
    cell its diagnostics and syntax error, in the cell's lines."""
    state = ls.notebooks.get(notebook_uri)
    if state is None:
        return
    documents = cell_documents(ls, notebook_uri)
    key = (tuple((document.uri, document.version) for document in documents), ls.generation)
    if state.linted == key:
        return
    state.linted = key
    state.lints += 1
    indexes = _cell_indexes(ls, notebook_uri)
    by_index = {indexes[document.uri]: document for document in documents}
    notebook = Notebook.from_cells([(index, by_index[index].text) for index in sorted(by_index)])
    state.cells = notebook
    state.documents = tuple(by_index[cell.index] for cell in notebook.cells)
    for document in documents:
        document.diagnostics = []
        document.syntax_error = None
        document.linted = (document.version, ls.generation, state.lints)
    if not documents:
        return
    settings = ls.lint_settings(documents[0])
    for document in documents:
        document.settings = settings
    if settings.excluded:
        return
    with heap.models_kept_out_of_sight():
        result = lint(notebook.text, settings.codes, settings.target_version, None, settings.versions, notebook=True)
    if result.model is not None:
        heap.drop(result.model)  # cells' hovers read no model: positions would be the joined text's
    for diagnostic in result.diagnostics:
        place = _in_cell(state, diagnostic.range)
        if place is not None:
            document, range_ = place
            document.diagnostics.append(replace(diagnostic, range=range_))
    if result.syntax_error is not None:
        place = _in_cell(state, result.syntax_error.range)
        if place is not None:
            document, range_ = place
            document.syntax_error = SyntaxErrorInfo(result.syntax_error.message, range_)
    diagnostics.report_failures(ls, documents[0], result.internal_errors)


def _in_cell(state: NotebookState, range_: Range) -> tuple[Document, Range] | None:
    place = state.cells.locate(range_.start_line)
    if place is None:
        return None
    cell, line = place
    document = state.documents[state.cells.cells.index(cell)]
    return document, Range(line, range_.start_column, range_.end_line - cell.start_line, range_.end_column)


def fix_edits(ls: AsyncguideServer, document: Document, diagnostic: Diagnostic) -> tuple[str, dict[Document, Edit]] | None:
    """The fix of a cell's diagnostic, built on the joined cells: its title and an edit of each
    cell it changes; None when there is none (or it would change a line of IPython syntax)."""
    state = ls.notebooks.get(document.notebook or "")
    if state is None or document not in state.documents:
        return None
    cell = state.cells.cells[state.documents.index(document)]
    moved = Range(
        diagnostic.range.start_line + cell.start_line,
        diagnostic.range.start_column,
        diagnostic.range.end_line + cell.start_line,
        diagnostic.range.end_column,
    )
    from asyncguide.rules.fixes import apply_edits, build_fix  # libcst, imported once a fix is asked for (``startup``)

    target = document.settings.target_version if document.settings else (3, 9)
    fix = build_fix(replace(diagnostic, range=moved), state.cells.text, target, notebook=True)
    if fix is None or not fix.edits:
        return None
    edits = _cell_edits(state, apply_edits(state.cells.text, fix.edits))
    return (fix.title, edits) if edits else None


def fix_all_edits(ls: AsyncguideServer, document: Document) -> dict[Document, Edit] | None:
    """Every fix of the notebook's cells, as an edit of each cell it changes."""
    state = ls.notebooks.get(document.notebook or "")
    settings = document.settings
    if state is None or settings is None:
        return None
    from asyncguide.rules.fixes import fix_all  # libcst, imported once a fix is asked for (``startup``)

    result = fix_all(
        state.cells.text, settings.codes, settings.target_version, settings.unsafe_fixes, None, settings.versions, notebook=True
    )
    return _cell_edits(state, result.source) if result.source != state.cells.text else None


def _cell_edits(state: NotebookState, fixed_text: str) -> dict[Document, Edit] | None:
    sources = state.cells.cell_sources(fixed_text)
    if not sources:
        return None
    edits = {}
    for cell, document in zip(state.cells.cells, state.documents):
        if cell.index in sources:
            edits[document] = Edit(*single_edit(document.index, sources[cell.index]))
    return edits
