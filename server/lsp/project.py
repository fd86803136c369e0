"""The project index in the language server (ASY200 across modules, and the coroutine rules'
answers about the project's own functions), never on the keystroke path.

Once the first diagnostics of the session are delivered (building the index would slow the first
lint down, and a window shows nothing until that lint), or ``INDEX_WAIT`` seconds after
``initialized`` when no document is opened, each workspace folder is indexed in the background, a
batch of files at a time in the server's thread pool, with ``window/workDoneProgress`` when the client supports it;
the summaries come from the project's ``.asyncguide_cache/`` when it has them. Until a folder's
index is ready, its documents lint without it (ASY200 then follows the document's own helpers
only); when it is ready, the open documents are linted again.

The index then follows the edits: each lint of an open document summarises it from the model the
lint built (no second parse), and a watched ``.py`` file created, changed or deleted on disk is
summarised again or dropped (an open document's editor text wins over its file). When a module's
summary changes, the open documents that reach it, directly or through other modules, are linted
again, so a blocking call added to a closed ``db.py`` shows in the open ``api.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from asyncguide.rules.config import ConfigError, Settings, load_settings
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.project.build import ProjectFile, analysis_options, project_files, summarize_file
from asyncguide.rules.project.index import ProjectIndex, ProjectView
from asyncguide.rules.project.modules import module_name, source_roots
from asyncguide.rules.project.summary import ModuleSummary, summarize
from asyncguide.rules.runner import lint

from ..files import walk_python_files
from . import diagnostics
from .positions import LineIndex

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer
    from .settings import LintSettings

log = logging.getLogger("asyncguide.server")

#: files summarised per turn of the thread pool, between progress reports
BATCH = 25
#: seconds the index waits for the first diagnostics before it is built anyway
INDEX_WAIT = 2.0


@dataclass(eq=False)
class ProjectState:
    """One workspace folder's index; ``index`` is None until it is built."""

    root: Path
    settings: Settings
    index: ProjectIndex | None = None

    def module_of(self, path: Path) -> tuple[str, bool] | None:
        return module_name(path, source_roots(self.root, self.settings.source_roots))


def state_for(ls: AsyncguideServer, path: Path | None) -> ProjectState | None:
    """The project (the innermost workspace folder) holding ``path``."""
    if path is None:
        return None
    best = None
    for state in ls.project_states.values():
        if path.is_relative_to(state.root) and (best is None or len(state.root.parts) > len(best.root.parts)):
            best = state
    return best


def view_for(ls: AsyncguideServer, document: Document) -> ProjectView | None:
    """The document's place in its project's index, when that is ready."""
    state = state_for(ls, document.path)
    if state is None or state.index is None or document.path is None:
        return None
    named = state.module_of(document.path)
    if named is None:
        return None
    return ProjectView(state.index, named[0], str(document.path), named[1])


def linted(ls: AsyncguideServer, document: Document, view: ProjectView, model: SemanticModel) -> None:
    """A lint of an open document parsed: its summary, from the lint's own model (which ASY200
    made already), goes into the index. Called soon after the lint, when the model is still the
    document's current one."""
    state = state_for(ls, document.path)
    if state is None or state.index is None or document.model is not model or ls.documents.get(document.uri) is not document:
        return
    summary = summarize(model, view.module, view.path, view.is_package)
    _update(ls, state, {view.module: summary}, skip=document.uri)


def _update(ls: AsyncguideServer, state: ProjectState, changed: dict[str, ModuleSummary | None], skip: str | None = None) -> None:
    """Put new summaries (None: a deleted module) into the index; lint again the open documents
    that reach a module whose summary changed."""
    assert state.index is not None
    index = state.index
    really = [module for module, summary in changed.items() if index.modules.get(module) != summary]
    if not really:
        return
    affected = _dependents(index, really)
    for module in really:
        summary = changed[module]
        index = index.replaced(summary) if summary is not None else index.without(module)
    state.index = index
    affected |= _dependents(index, really)
    for document in list(ls.documents.values()):
        if document.uri == skip or document.path is None or state_for(ls, document.path) is not state:
            continue
        named = state.module_of(document.path)
        if named is not None and named[0] in affected:
            diagnostics.relint_document(ls, document)


def _dependents(index: ProjectIndex, modules: list[str]) -> set[str]:
    """The modules that name one of ``modules``, directly or through others."""
    found: set[str] = set()
    pending = list(modules)
    while pending:
        for dependent in index.dependents(pending.pop()):
            if dependent not in found:
                found.add(dependent)
                pending.append(dependent)
    return found


# ------------------------------------------------------------------------------ building


async def index_workspace(ls: AsyncguideServer) -> None:
    """Index every workspace folder, one after the other, in the background, once the first
    diagnostics are out (see the module's docstring)."""
    try:
        await asyncio.wait_for(ls.first_diagnostics.wait(), INDEX_WAIT)
    except asyncio.TimeoutError:
        pass
    for folder in list(ls.workspace.folders.values()):
        path = to_fs_path(folder.uri)
        if path is None:
            continue
        root = Path(path)
        try:
            settings = load_settings(root)
        except ConfigError:
            settings = Settings()  # the documents' own lint reports the error
        state = ls.project_states[root] = ProjectState(root, settings)
        try:
            await _build(ls, state)
        except Exception:  # noqa: BLE001 - without an index, ASY200 still follows each document's own helpers
            log.exception("indexing %s failed", root)


async def _build(ls: AsyncguideServer, state: ProjectState) -> None:
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    files: list[ProjectFile] = await loop.run_in_executor(ls.thread_pool, _list_files, state)
    progress = ls.supports("window.work_done_progress")
    token = f"asyncguide-indexing-{len(ls.project_states)}"  # one per folder: tokens must not repeat
    if progress:
        try:
            await ls.work_done_progress.create_async(token)
        except Exception:  # noqa: BLE001 - the client refused: index without telling
            progress = False
    if progress:
        ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(title="asyncguide", message=f"Indexing 0/{len(files):,} files", percentage=0),
        )
    modules: dict[str, ModuleSummary] = {}
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        summaries = await loop.run_in_executor(ls.thread_pool, _summarize_batch, batch, str(state.root), state.settings)
        for summary in summaries:
            if summary is not None:
                modules.setdefault(summary.module, summary)
        done = start + len(batch)
        if progress:
            ls.work_done_progress.report(
                token,
                types.WorkDoneProgressReport(
                    message=f"Indexing {done:,}/{len(files):,} files", percentage=done * 100 // max(len(files), 1)
                ),
            )
    state.index = ProjectIndex(modules, analysis_options(state.settings), str(state.root))
    log.debug("indexed %s: %d modules in %.0f ms", state.root, len(modules), (time.monotonic() - started) * 1000)
    if progress:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"Indexed {len(modules):,} modules"))
    for document in list(ls.documents.values()):
        if state_for(ls, document.path) is state:
            diagnostics.relint_document(ls, document)


def _list_files(state: ProjectState) -> list[ProjectFile]:
    paths = list(walk_python_files(state.root, state.settings.is_excluded))
    return project_files(state.root, sorted(paths), state.settings)


def _summarize_batch(batch: list[ProjectFile], root: str, settings: Settings) -> list[ModuleSummary | None]:
    return [summarize_file((file, root, settings.target_version)) for file in batch]


# ------------------------------------------------------------------------------ on disk


def files_changed(ls: AsyncguideServer, changes: list[types.FileEvent]) -> None:
    """Watched ``.py`` files changed on disk: summarise them again (or drop the deleted ones)."""
    open_paths = {document.path for document in ls.documents.values()}
    by_state: dict[int, tuple[ProjectState, dict[str, ModuleSummary | None]]] = {}
    for change in changes:
        fs_path = to_fs_path(change.uri)
        if fs_path is None or not fs_path.endswith(".py"):
            continue
        path = Path(fs_path)
        state = state_for(ls, path)
        if state is None or state.index is None or path in open_paths:
            continue
        named = state.module_of(path)
        if named is None:
            continue
        summary = None
        if change.type != types.FileChangeType.Deleted and os.path.isfile(path):
            file = ProjectFile(path, *named)
            summary = summarize_file((file, str(state.root), state.settings.target_version))
        by_state.setdefault(id(state), (state, {}))[1][named[0]] = summary
    for state, changed in by_state.values():
        _update(ls, state, changed)


# ------------------------------------------------------------------------------ workspace pull


async def workspace_diagnostic(ls: AsyncguideServer, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    """``workspace/diagnostic``: with ``diagnosticMode = "workspace"``, the diagnostics of every
    indexed file that is not open, checked from disk in the thread pool (open documents are
    pulled one by one, ``textDocument/diagnostic``). A file whose text and index are those of the
    ``previousResultIds`` the client sends is reported unchanged."""
    if ls.editor_settings.diagnostic_mode != "workspace":
        return types.WorkspaceDiagnosticReport(items=[])
    previous = {item.uri: item.value for item in params.previous_result_ids}
    open_paths = {document.path for document in ls.documents.values()}
    loop = asyncio.get_running_loop()
    items: list[types.WorkspaceDocumentDiagnosticReport] = []
    for state in list(ls.project_states.values()):
        index = state.index
        if index is None:
            continue
        for summary in list(index.modules.values()):
            if summary.path is None or Path(summary.path) in open_paths:
                continue
            path = Path(summary.path)
            settings = ls.lint_settings_for_path(path)
            report = await loop.run_in_executor(
                ls.thread_pool, _file_report, ls, state, index, path, settings, previous.get(uri_of(path))
            )
            if report is not None:
                items.append(report)
    return types.WorkspaceDiagnosticReport(items=items)


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def _file_report(
    ls: AsyncguideServer,
    state: ProjectState,
    index: ProjectIndex,
    path: Path,
    settings: LintSettings,
    previous_result_id: str | None,
) -> types.WorkspaceDocumentDiagnosticReport | None:
    """One closed file's report, linted from disk (in a worker thread)."""
    named = state.module_of(path)
    if named is None:
        return None
    try:
        source = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    uri = uri_of(path)
    # the same text, linted against the same index with the same settings, has the same diagnostics
    identity = f"{id(index)}\0{ls.generation}\0{source}".encode("utf-8", "surrogatepass")
    result_id = hashlib.sha256(identity).hexdigest()
    if previous_result_id == result_id:
        return types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=result_id, version=None)
    items: list[types.Diagnostic] = []
    if not settings.excluded:
        view = ProjectView(index, named[0], str(path), named[1])
        result = lint(source, settings.codes, settings.target_version, versions=settings.versions, project=view)
        lines = LineIndex(source)
        items = [diagnostics.lsp_diagnostic(diagnostic, lines, ls.encoding, uri) for diagnostic in result.diagnostics]
    return types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=items, result_id=result_id, version=None)
