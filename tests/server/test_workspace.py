"""Settings from the editor and from pyproject.toml, watched files, multi-root workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from .conftest import (
    BLOCKING_SLEEP,
    FAST,
    StartServer,
    open_document,
    uri,
    wait_for_message,
    wait_for_publish,
)


def codes(published: types.PublishDiagnosticsParams) -> list[str]:
    return [str(diagnostic.code) for diagnostic in published.diagnostics]


async def test_configuration_change_is_pulled_and_relints(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert codes(await wait_for_publish(client, document, version=1)) == ["ASY100"]

    client.set_configuration({"select": ["ASY101"], "debounceMs": 0}, section="asyncguide")
    mark = len(client.published)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert codes(await wait_for_publish(client, document, after=mark)) == []


async def test_configuration_sent_with_the_notification_relints(start_server: StartServer, tmp_path: Path) -> None:
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.workspace is not None
    capabilities.workspace.configuration = False  # the server cannot ask: settings come with the change
    client = await start_server(capabilities=capabilities, initialization_options={"select": ["ASY101"], "debounceMs": 0})
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert codes(await wait_for_publish(client, document, version=1)) == []

    mark = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"asyncguide": {"select": ["ASY100"], "debounceMs": 0}})
    )
    assert codes(await wait_for_publish(client, document, after=mark)) == ["ASY100"]


async def test_an_invalid_setting_is_shown_and_the_server_keeps_serving(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options={"select": ["ASY101"], "debounceMs": 0})
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, document, version=1)

    mark = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"asyncguide": {"select": ["ASY100"], "debounceMs": "soon"}})
    )
    message = await wait_for_message(client, "debounceMs")
    assert message.type == types.MessageType.Warning
    assert "invalid" in message.message and "default" in message.message
    assert codes(await wait_for_publish(client, document, after=mark)) == ["ASY100"]  # the valid select applies


async def test_invalid_initialization_options_are_shown_once_initialized(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options={"select": ["NOPE"], "debounceMs": 0})
    message = await wait_for_message(client, "`select`")
    assert message.type == types.MessageType.Warning and "NOPE" in message.message
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert "ASY100" in codes(await wait_for_publish(client, document, version=1))  # default: every rule


async def test_a_changed_pyproject_relints_open_documents(start_server: StartServer, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.asyncguide]\nselect = ["ASY101"]\n')
    client = await start_server(initialization_options={"debounceMs": 0}, folders=[tmp_path])
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert codes(await wait_for_publish(client, document, version=1)) == []
    assert any(
        registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        and "**/pyproject.toml" in [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
        for registration in client.registrations
    )

    pyproject.write_text('[tool.asyncguide]\nselect = ["ASY100"]\n')
    mark = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(pyproject), type=types.FileChangeType.Changed)])
    )
    assert codes(await wait_for_publish(client, document, after=mark)) == ["ASY100"]


async def test_a_broken_pyproject_is_shown_and_the_defaults_apply(start_server: StartServer, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.asyncguide]\nselct = ["ASY101"]\n')
    client = await start_server(initialization_options={"debounceMs": 0}, folders=[tmp_path])
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert "ASY100" in codes(await wait_for_publish(client, document, version=1))
    message = await wait_for_message(client, "selct")
    assert message.type == types.MessageType.Warning
    assert str(pyproject) in message.message

    # still serving: edits are linted
    other = open_document(client, tmp_path / "other.py", "import asyncio\n")
    assert codes(await wait_for_publish(client, other, version=1)) == []


async def test_each_workspace_folder_uses_its_own_pyproject(start_server: StartServer, tmp_path: Path) -> None:
    selecting, ignoring = tmp_path / "selecting", tmp_path / "ignoring"
    for folder, selection in ((selecting, '["ASY100"]'), (ignoring, '["ASY101"]')):
        (folder / "src").mkdir(parents=True)
        (folder / "pyproject.toml").write_text(f"[tool.asyncguide]\nselect = {selection}\n")
    client = await start_server(initialization_options={"debounceMs": 0}, folders=[selecting, ignoring])
    first = open_document(client, selecting / "src" / "poll.py", BLOCKING_SLEEP)
    second = open_document(client, ignoring / "src" / "poll.py", BLOCKING_SLEEP)
    assert codes(await wait_for_publish(client, first, version=1)) == ["ASY100"]
    assert codes(await wait_for_publish(client, second, version=1)) == []


@pytest.mark.parametrize(("preference", "expected"), [("editorFirst", []), ("filesystemFirst", ["ASY100"])])
async def test_configuration_preference(start_server: StartServer, tmp_path: Path, preference: str, expected: list[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.asyncguide]\nselect = ["ASY100"]\n')
    client = await start_server(
        initialization_options={"select": ["ASY101"], "debounceMs": 0, "configurationPreference": preference},
        folders=[tmp_path],
    )
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert codes(await wait_for_publish(client, document, version=1)) == expected
