"""Framework versions for lints on the event loop, read in a worker thread.

``rules.versions.FrameworkVersions`` reads the project's lock files, requirements and
environment: file I/O, which a lint on the event loop must never wait for (a slow network file
system would freeze every request). Each project root has a ``ProjectVersions``, the lookup its
documents lint with: it answers from what a worker thread last read. A distribution asked for the
first time is answered None (unknown) and recorded; the thread then reads, and when an answer
differs from what the lints used, every open document is linted again.

A document whose lint asked something not read yet has its diagnostics delivered only after the
reading (``diagnostics.publish`` holds a push back, ``diagnostics.document_diagnostic`` awaits it
for a pull), so it never shows findings for the wrong version first.
The answers are read again when a watched project file changes or a document is saved
(``FrameworkVersions`` itself reads files again only when their modification times changed).
What the reading skipped (``FrameworkVersions.problems``) is shown to the user once a session.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from asyncguide.rules.versions import FrameworkVersions, Version, normalize

from . import diagnostics

if TYPE_CHECKING:
    from .documents import Document
    from .server import AsyncguideServer

log = logging.getLogger("asyncguide.server")


#: the files besides pyproject.toml that ``FrameworkVersions`` reads, as watcher globs
PROJECT_FILES = ("**/requirements*.txt", "**/requirements/*.txt", "**/*.lock", "**/pylock*.toml")


def is_project_file(uri: str) -> bool:
    """A pyproject.toml, or one of ``PROJECT_FILES``."""
    return uri.endswith("/pyproject.toml") or any(fnmatch.fnmatch(uri, f"*{glob[2:]}") for glob in PROJECT_FILES)


class ProjectVersions:
    """A ``runner.VersionLookup`` that never touches a file: see the module's docstring."""

    def __init__(self, root: Path):
        self.lookup = FrameworkVersions(root)
        #: what the last reading answered, by normalized distribution name; replaced, never changed
        self.answers: dict[str, Version | None] = {}
        #: names lints asked for that no reading has answered yet (they were answered None)
        self.unanswered: set[str] = set()
        #: pushed documents whose publishing waits for the reading
        self.waiting: set[Document] = set()
        self.reading: asyncio.Task[None] | None = None
        #: a reading was asked for while one ran: read once more
        self.read_again = False

    def version(self, distribution: str) -> Version | None:
        name = normalize(distribution)
        if name not in self.answers:
            self.unanswered.add(name)
        return self.answers.get(name)

    def read(self) -> tuple[bool, list[str]]:
        """Read the answers (in a worker thread). Returns whether an answer differs from what lints
        used, and what the reading skipped."""
        names = {*self.answers, *self.unanswered}
        try:
            answers = {name: self.lookup.version(name) for name in names}
            problems = self.lookup.problems()
        except Exception as error:  # noqa: BLE001 - a bug must not hold the project's documents back forever
            log.exception("reading the framework versions of %s failed", self.lookup.root)
            answers, problems = dict.fromkeys(names), [f"{self.lookup.root}: framework versions unknown: {error}"]
        changed = answers != {name: self.answers.get(name) for name in names}
        self.answers = answers
        self.unanswered.difference_update(names)
        return changed, problems


def versions_for(ls: AsyncguideServer, root: Path) -> ProjectVersions:
    found = ls.project_versions.get(root)
    if found is None:
        found = ls.project_versions[root] = ProjectVersions(root)
    return found


def unread_versions(ls: AsyncguideServer, document: Document) -> ProjectVersions | None:
    """The document's project versions when its last lint asked for one no reading has answered
    yet (a reading is then scheduled), else None."""
    versions = document.settings.versions if document.settings is not None else None
    if not isinstance(versions, ProjectVersions) or not versions.unanswered:
        return None
    schedule_reading(ls, versions)
    return versions


def schedule_reading(ls: AsyncguideServer, versions: ProjectVersions) -> None:
    if versions.reading is not None:
        versions.read_again = True
        return
    versions.reading = asyncio.get_running_loop().create_task(_read(ls, versions))


def read_all_again(ls: AsyncguideServer) -> None:
    """Project files may have changed (watched files, a save): read every project's answers again."""
    for versions in ls.project_versions.values():
        schedule_reading(ls, versions)


async def _read(ls: AsyncguideServer, versions: ProjectVersions) -> None:
    loop = asyncio.get_running_loop()
    try:
        while True:
            versions.read_again = False
            changed, problems = await loop.run_in_executor(ls.thread_pool, versions.read)
            for problem in problems:
                if problem not in ls.shown_problems:  # the settings' reader may have said it already
                    ls.shown_problems.add(problem)
                    ls.show_warning(f"asyncguide: {problem}")
            waiting, versions.waiting = versions.waiting, set()
            if changed:
                ls.generation += 1
                diagnostics.relint_open_documents(ls)
            else:
                for document in waiting:
                    if ls.documents.get(document.uri) is document:
                        diagnostics.schedule_publish(ls, document, 0)
            if not versions.read_again:
                return
    finally:
        versions.reading = None
