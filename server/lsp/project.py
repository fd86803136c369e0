"""The project index in the language server (ASY200 across modules, and the coroutine rules'
answers about the project's own functions), never on the keystroke path.

Once the first diagnostics of the session are delivered (building the index would slow the first
lint down, and a window shows nothing until that lint), or ``INDEX_WAIT`` seconds after
``initialized`` when no document is opened, each workspace folder is indexed in the background, a
batch of files at a time in the server's thread pool, with ``window/workDoneProgress`` when the client supports it;
the summaries come from the project's ``.asyncguide_cache/`` when it has them. Until a folder's
index is ready, its documents lint without it (ASY200 then follows the document's own helpers
only); when it is ready, the open documents are linted again.

The index then follows the edits: an open document's lint is summarised from the model the lint
built (no second parse) once the document has rested ``INDEX_DELAY_SECONDS``, and a watched
``.py`` file created, changed or deleted on disk is summarised again, in the thread pool, or
dropped (an open document's editor text wins over its file). When a module's summary changes, the
open documents that reach it, directly or through other modules (``ProjectState.dependents``), are
linted again, one per turn of the event loop, so a blocking call added to a closed ``db.py``
shows in the open ``api.py``.

None of this is on the keystroke path: while the user types, a document's lints do not go into
the index (each keystroke would otherwise summarise the document and re-lint its dependents), and
a keystroke arriving while dependents are re-linted waits for one of them at most.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from asyncguide.rules.config import ConfigError, Settings, load_settings
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.project.build import ProjectFile, analysis_options, project_files, summarize_file
from asyncguide.rules.project.index import PROJECT_RULES, ProjectIndex, ProjectView
from asyncguide.rules.project.modules import module_name, source_roots
from asyncguide.rules.project.summary import ModuleSummary, summarize
from asyncguide.rules.runner import CoroutineResolver, lint

from ..files import walk_python_files
from . import code_lens, diagnostics
from .positions import LineIndex

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer
    from .settings import LintSettings

log = logging.getLogger("asyncguide.server")

#: files summarised per turn of the thread pool, between progress reports
BATCH = 25
#: how long an open document rests after a lint before that lint goes into the index: typing
#: goes on without the index's work, which follows within this delay of the last keystroke
INDEX_DELAY_SECONDS = 0.1
#: seconds the index waits for the first diagnostics before it is built anyway
INDEX_WAIT = 2.0


@dataclass(eq=False)
class ProjectState:
    """One workspace folder's index; ``index`` is None until it is built."""

    root: Path
    settings: Settings
    index: ProjectIndex | None = None
    #: module -> the modules whose summaries name it (``ProjectIndex.dependents``, kept as the
    #: summaries change rather than asked of every summary of the project on each change)
    dependents: dict[str, set[str]] = field(default_factory=dict)
    #: document URI -> its lint waiting to go into the index (``linted``), and the modules whose
    #: summaries changed while it waited (the lint did not see them)
    waiting: dict[str, tuple[asyncio.TimerHandle, set[str]]] = field(default_factory=dict)
    #: summarising files changed on disk and re-linting dependents, kept until done
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    #: one disk update at a time, in the order of the events
    disk_updates: asyncio.Lock = field(default_factory=asyncio.Lock)

    def module_of(self, path: Path) -> tuple[str, bool] | None:
        return module_name(path, source_roots(self.root, self.settings.source_roots))

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


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


def placed(
    ls: AsyncguideServer, document: Document, settings: LintSettings, resolver: CoroutineResolver | None
) -> tuple[ProjectView | None, CoroutineResolver | None]:
    """What a lint of the document (its diagnostics, "fix all") is given: its place in the
    project's index when a rule asks the index and the index is ready (it is never waited for),
    and the resolver that asks the index about the project's own functions before ``resolver``
    (jedi, for the rest)."""
    view = view_for(ls, document) if PROJECT_RULES & settings.codes else None
    return view, view.resolver(fallback=resolver) if view is not None else resolver


def linted(ls: AsyncguideServer, document: Document, view: ProjectView, model: SemanticModel) -> None:
    """A lint of an open document parsed: once the document has rested ``INDEX_DELAY_SECONDS``
    (a later lint replaces this one), its summary goes into the index."""
    state = state_for(ls, document.path)
    if state is None or state.index is None:
        return
    waiting = state.waiting.pop(document.uri, None)
    if waiting is not None:
        waiting[0].cancel()
    timer = asyncio.get_running_loop().call_later(INDEX_DELAY_SECONDS, _index_lint, ls, state, document, view, model)
    state.waiting[document.uri] = (timer, set())


def _index_lint(ls: AsyncguideServer, state: ProjectState, document: Document, view: ProjectView, model: SemanticModel) -> None:
    """The summary of a document's lint goes into the index, from the lint's own model (which
    ASY200 summarised already), when the model is still the document's current one. When a
    module it reaches changed meanwhile, the document is linted again."""
    _, changed_since = state.waiting.pop(document.uri)
    if document.model is not model or ls.documents.get(document.uri) is not document:
        return
    summary = summarize(model, view.module, view.path, view.is_package)
    _update(ls, state, {view.module: summary}, skip=document.uri)
    if changed_since and view.module in _dependents(state.dependents, list(changed_since)):
        state.start(_relint(ls, [document]))


def _update(ls: AsyncguideServer, state: ProjectState, changed: dict[str, ModuleSummary | None], skip: str | None = None) -> None:
    """Put new summaries (None: a deleted module) into the index; lint again the open documents
    that reach a module whose summary changed."""
    assert state.index is not None
    index = state.index
    really = [module for module, summary in changed.items() if index.modules.get(module) != summary]
    if not really:
        return
    for module in really:
        old, summary = index.modules.get(module), changed[module]
        index = index.replaced(summary) if summary is not None else index.without(module)
        _link(state.dependents, index, module, old, summary)
    state.index = index
    for _, changed_since in state.waiting.values():
        changed_since.update(really)
    affected = _dependents(state.dependents, really)
    documents = []
    for document in ls.documents.values():
        if document.uri == skip or document.path is None or state_for(ls, document.path) is not state:
            continue
        named = state.module_of(document.path)
        if named is not None and named[0] in affected:
            documents.append(document)
    if documents:
        state.start(_relint(ls, documents))


async def _relint(ls: AsyncguideServer, documents: list[Document]) -> None:
    """Lint the documents again, one per turn of the event loop: a keystroke that arrives
    meanwhile is handled before the next one. Their code lenses follow."""
    for document in documents:
        if ls.documents.get(document.uri) is document:
            diagnostics.relint_document(ls, document)
        await asyncio.sleep(0)
    code_lens.refresh(ls, documents)


def _reverse_dependencies(modules: dict[str, ModuleSummary]) -> dict[str, set[str]]:
    """Module -> the modules whose summaries name it."""
    found: dict[str, set[str]] = {}
    for name, summary in modules.items():
        for referenced in summary.referenced:
            if referenced in modules:
                found.setdefault(referenced, set()).add(name)
    return found


def _link(
    dependents: dict[str, set[str]], index: ProjectIndex, module: str, old: ModuleSummary | None, new: ModuleSummary | None
) -> None:
    """Keep ``dependents`` right for ``index``, where ``module``'s summary went from ``old`` to ``new``."""
    for referenced in old.referenced if old is not None else ():
        dependents.get(referenced, set()).discard(module)
    for referenced in new.referenced if new is not None else ():
        if referenced in index.modules:
            dependents.setdefault(referenced, set()).add(module)
    if old is None and new is not None:  # a new module: the summaries that named it before it existed
        dependents[module] = {*dependents.get(module, ()), *index.dependents(module)}


def _dependents(dependents: dict[str, set[str]], modules: list[str]) -> set[str]:
    """The modules that name one of ``modules``, directly or through others."""
    found: set[str] = set()
    pending = list(modules)
    while pending:
        for dependent in dependents.get(pending.pop(), ()):
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
    state.dependents = await loop.run_in_executor(ls.thread_pool, _reverse_dependencies, modules)
    state.index = ProjectIndex(modules, analysis_options(state.settings), str(state.root))
    log.debug("indexed %s: %d modules in %.0f ms", state.root, len(modules), (time.monotonic() - started) * 1000)
    if progress:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"Indexed {len(modules):,} modules"))
    await _relint(ls, [document for document in ls.documents.values() if state_for(ls, document.path) is state])


def _list_files(state: ProjectState) -> list[ProjectFile]:
    paths = list(walk_python_files(state.root, state.settings.is_excluded))
    return project_files(state.root, sorted(paths), state.settings)


def _summarize_batch(batch: list[ProjectFile], root: str, settings: Settings) -> list[ModuleSummary | None]:
    return [summarize_file((file, root, settings.target_version)) for file in batch]


# ------------------------------------------------------------------------------ on disk


def files_changed(ls: AsyncguideServer, changes: list[types.FileEvent]) -> None:
    """Watched ``.py`` files changed on disk: summarise them again (or drop the deleted ones), in
    the thread pool."""
    open_paths = {document.path for document in ls.documents.values()}
    by_state: dict[int, tuple[ProjectState, list[ProjectFile]]] = {}
    for change in changes:
        fs_path = to_fs_path(change.uri)
        if fs_path is None or not fs_path.endswith(".py"):
            continue
        path = Path(fs_path)
        state = state_for(ls, path)
        if state is None or state.index is None or path in open_paths:
            continue
        named = state.module_of(path)
        if named is not None:
            by_state.setdefault(id(state), (state, []))[1].append(ProjectFile(path, *named))
    for state, files in by_state.values():
        state.start(_files_changed(ls, state, files))


async def _files_changed(ls: AsyncguideServer, state: ProjectState, files: list[ProjectFile]) -> None:
    async with state.disk_updates:
        loop = asyncio.get_running_loop()
        summaries = await loop.run_in_executor(ls.thread_pool, _summarize_changed, files, str(state.root), state.settings)
        open_paths = {document.path for document in ls.documents.values()}  # opened meanwhile: the editor's text wins
        _update(ls, state, {file.module: summary for file, summary in zip(files, summaries) if file.path not in open_paths})


def _summarize_changed(files: list[ProjectFile], root: str, settings: Settings) -> list[ModuleSummary | None]:
    """The files' summaries; None for a file deleted (or unreadable: as good as deleted)."""
    return [summarize_file((file, root, settings.target_version)) if os.path.isfile(file.path) else None for file in files]


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
