"""Session and workspace events: initialize, settings changes, watched files, shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import platform
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from asyncguide.rules.registry import all_rules

from . import diagnostics, project, resolution, versions
from .documents import PYTHON_SUFFIXES
from .settings import load_editor_settings

if TYPE_CHECKING:
    from ..start_up import StartUp
    from .server import AsyncguideServer

log = logging.getLogger("asyncguide.server")

SECTION = "asyncguide"
WATCHERS = ("**/pyproject.toml", "**/*.py", "**/*.pyi", *versions.PROJECT_FILES)


def initialize(ls: AsyncguideServer, params: types.InitializeParams) -> None:
    ls.initialized_at = time.monotonic()
    text_document = params.capabilities.text_document
    ls.pull_diagnostics = text_document is not None and text_document.diagnostic is not None
    # the client cannot be told about bad settings before it is initialized: report them then
    ls.editor_settings, ls.unreported_problems = load_editor_settings(params.initialization_options, ls.settings_converter)
    ls.apply_log_level()
    if ls.log_handler is not None:
        ls.log_handler.start_sending()
    ls.client_info = params.client_info
    client = params.client_info.name if params.client_info else "an unnamed client"
    log.info("asyncguide %s on Python %s, serving %s", ls.version, platform.python_version(), client)
    loop = asyncio.get_running_loop()
    if ls.start_up is not None:
        loop.create_task(finish_start_up(ls, ls.start_up))
    loop.call_soon(prepare_first_lint)  # once this answer is sent


def prepare_first_lint() -> None:
    """Work the first lint would do, done while the client reads ``initialize``'s answer and gets its
    first document ready: every rule loaded (~60 ms); then everything alive frozen, as after each
    lint (``heap``), so that the first lint's freeze does not count a whole start's objects (~15 ms)."""
    all_rules()
    gc.freeze()


async def initialized(ls: AsyncguideServer, params: types.InitializedParams) -> None:
    for problem in ls.unreported_problems:
        ls.show_warning(problem)
    ls.unreported_problems = []
    if ls.supports("workspace.did_change_watched_files.dynamic_registration"):
        await register_watchers(ls)
    if ls.supports("workspace.configuration") and await pull_configuration(ls):
        diagnostics.relint_open_documents(ls)
    ls.indexing = asyncio.get_running_loop().create_task(project.index_workspace(ls))


async def finish_start_up(ls: AsyncguideServer, start_up: StartUp) -> None:
    """Once the first diagnostics are out, or ``project.INDEX_WAIT`` after ``initialize`` (before the
    index stops waiting for them): the collector back on, the code compiled at start-up saved."""
    ls.start_up = None
    try:
        await asyncio.wait_for(ls.first_diagnostics.wait(), project.INDEX_WAIT)
    except asyncio.TimeoutError:
        pass
    save = start_up.finish()
    if save is not None:
        await asyncio.get_running_loop().run_in_executor(ls.thread_pool, save)


async def register_watchers(ls: AsyncguideServer) -> None:
    registration = types.Registration(
        id="asyncguide-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHERS]
        ),
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:  # noqa: BLE001 - without watching, pyproject edits are still seen by mtime
        log.warning("the client did not register file watchers: %s", error)


async def pull_configuration(ls: AsyncguideServer) -> bool:
    """Ask the client for the ``asyncguide`` section, unscoped and for each workspace folder;
    True when any settings changed. A problem with a setting is shown once, however many folders
    have it."""
    folders = [(Path(path), folder.uri) for folder in ls.workspace.folders.values() if (path := to_fs_path(folder.uri))]
    items = [types.ConfigurationItem(section=SECTION)]
    items.extend(types.ConfigurationItem(section=SECTION, scope_uri=uri) for _, uri in folders)
    try:
        result = await ls.workspace_configuration_async(types.ConfigurationParams(items=items))
    except Exception as error:  # noqa: BLE001 - keep the settings we have
        log.warning("workspace/configuration failed: %s", error)
        return False
    answers = list(result or []) + [None] * (len(items) - len(result or []))
    problems: dict[str, None] = {}
    changed = False
    # the client has no such section (None): keep what initializationOptions gave
    if answers[0] is not None:
        settings, found = load_editor_settings(answers[0], ls.settings_converter)
        problems.update(dict.fromkeys(found))
        changed |= ls.set_editor_settings(settings)
    for (folder, _), raw in zip(folders, answers[1:]):
        folder_settings = None
        if raw is not None:
            folder_settings, found = load_editor_settings(raw, ls.settings_converter)
            problems.update(dict.fromkeys(found))
        changed |= ls.set_editor_settings(folder_settings, folder)
    for problem in problems:
        ls.show_warning(problem)
    return changed


async def did_change_workspace_folders(ls: AsyncguideServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    """A folder came or went: its settings are pulled (pygls has updated the folder list)."""
    for removed in params.event.removed:
        if (path := to_fs_path(removed.uri)) is not None:
            ls.set_editor_settings(None, Path(path))
    if ls.supports("workspace.configuration"):
        await pull_configuration(ls)
    diagnostics.relint_open_documents(ls)


async def did_change_configuration(ls: AsyncguideServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and SECTION in params.settings:
        changed = ls.apply_editor_settings(params.settings[SECTION])
    elif ls.supports("workspace.configuration"):
        changed = await pull_configuration(ls)
    else:
        return
    if changed:
        diagnostics.relint_open_documents(ls)


def did_change_watched_files(ls: AsyncguideServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith("/pyproject.toml") for change in params.changes):
        ls.projects.forget()
        ls.generation += 1
        diagnostics.relint_open_documents(ls)
    if any(versions.is_project_file(change.uri) for change in params.changes):
        versions.read_all_again(ls)
    python_files = {change.uri for change in params.changes if change.uri.endswith(PYTHON_SUFFIXES)}
    if python_files:
        resolution.files_changed_on_disk(ls, python_files)
        project.files_changed(ls, params.changes)


def shutdown(ls: AsyncguideServer, params: None) -> None:
    """Nothing is published after shutdown: cancel what waits."""
    ls.shut_down = True
    if ls.indexing is not None:
        ls.indexing.cancel()
    for document in ls.documents.values():
        document.cancel_work()
