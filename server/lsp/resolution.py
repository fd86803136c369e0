"""Cross-module coroutine resolution (ASY110), kept off the keystroke path.

Each document lints with its own ``DeferredResolver``, which answers only from its cache and
records what it could not answer. After the diagnostics are delivered, the misses are resolved
with jedi in a worker thread; when that taught something, the document is linted again and its
diagnostics delivered again. Files changing on disk (a saved document, a watched ``.py`` file)
make every other document resolve afresh.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from asyncguide.rules.resolve import DeferredResolver
from asyncguide.rules.runner import lint

from . import diagnostics

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer
    from .settings import LintSettings


def make_resolver(ls: AsyncguideServer, document: Document, settings: LintSettings) -> DeferredResolver:
    root: Path | None = None
    if document.path is not None:
        root = ls.workspace_root(document.path) or settings.root
    return DeferredResolver(str(document.path) if document.path else None, str(root) if root else None)


def resolver_for(ls: AsyncguideServer, document: Document, settings: LintSettings) -> DeferredResolver:
    if document.resolver is None:
        document.resolver = make_resolver(ls, document, settings)
    return document.resolver


def schedule_resolution(ls: AsyncguideServer, document: Document) -> None:
    """Resolve the document's recorded misses in a worker thread (one run per document at a time;
    a request during a run makes it run once more). Nothing recorded, nothing to do: most
    keystrokes use only names resolved before, and a thread started for nothing would still compete
    with the next keystroke for the interpreter."""
    if document.resolver is None or not document.resolver.pending:
        return
    if document.resolution_task is not None:
        document.resolution_requested = True
        return
    document.resolution_task = asyncio.get_running_loop().create_task(_resolve(ls, document))


async def _resolve(ls: AsyncguideServer, document: Document) -> None:
    loop = asyncio.get_running_loop()
    try:
        while document.resolver is not None:
            document.resolution_requested = False
            learned = await loop.run_in_executor(ls.thread_pool, document.resolver.resolve_pending)
            if ls.documents.get(document.uri) is not document:
                return
            if learned:
                diagnostics.relint_document(ls, document)
            if not document.resolution_requested:
                return
    finally:
        document.resolution_task = None


def files_changed_on_disk(ls: AsyncguideServer, changed: set[str]) -> None:
    """Python files changed on disk: what jedi learned may be stale, for every other open document.

    Rather than invalidating a document's resolver (its cross-module diagnostics would vanish
    until jedi answers again, and come back: a flicker on every save), a fresh resolver records
    the document's names, resolves them in a worker thread, and only then replaces the old one.
    ``changed`` holds the URIs of the changed files; an open document among them is linted from
    its editor text, so it keeps its resolver.
    """
    for document in list(ls.documents.values()):
        if document.resolver is None or document.uri in changed or document.settings is None:
            continue
        if document.refresh_task is not None:
            document.refresh_task.cancel()
        document.refresh_task = asyncio.get_running_loop().create_task(_refresh(ls, document, document.settings))


async def _refresh(ls: AsyncguideServer, document: Document, settings: LintSettings) -> None:
    fresh = make_resolver(ls, document, settings)
    lint(document.text, settings.codes, settings.target_version, fresh)  # records the names to resolve
    learned = await asyncio.get_running_loop().run_in_executor(ls.thread_pool, fresh.resolve_pending)
    if ls.documents.get(document.uri) is not document:
        return
    document.resolver = fresh
    document.refresh_task = None
    if learned:
        diagnostics.relint_document(ls, document)
