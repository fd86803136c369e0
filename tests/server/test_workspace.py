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
    code_actions,
    open_document,
    span,
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


async def test_each_workspace_folder_uses_its_own_editor_settings(start_server: StartServer, tmp_path: Path) -> None:
    """Multi-root: the server asks for the settings of each folder (scopeUri) and lints and offers
    actions with the document's folder's settings; outside every folder, the unscoped settings."""
    plain, strict, off = tmp_path / "plain", tmp_path / "strict", tmp_path / "off"
    for folder in (plain, strict, off):
        folder.mkdir()
    client = await start_server(
        initialization_options=FAST,
        folders=[plain, strict, off],
        configuration={
            "": {"select": ["ASY100"], "debounceMs": 0},
            uri(strict): {
                "select": ["ASY101"],
                "extendSelect": ["ASY100", "ASY121"],
                "exclude": ["generated_*.py"],
                "debounceMs": 0,
                "codeAction": {"fixViolation": {"enable": False}},
            },
            uri(off): {"enable": False, "debounceMs": 0},
        },
    )
    documents = {
        "plain": open_document(client, plain / "poll.py", BLOCKING_SLEEP),
        "strict": open_document(client, strict / "poll.py", BLOCKING_SLEEP),
        "generated": open_document(client, strict / "generated_poll.py", BLOCKING_SLEEP),
        "off": open_document(client, off / "poll.py", BLOCKING_SLEEP),
        "outside": open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP),
    }
    # the first publish may come before the server has the folders' settings: wait for the last one
    await wait_for_publish(client, documents["off"], where=lambda params: not params.diagnostics)
    await wait_for_publish(client, documents["generated"], where=lambda params: not params.diagnostics)
    await wait_for_publish(client, documents["strict"], where=lambda params: codes(params) == ["ASY121", "ASY100"])
    for name in ("plain", "outside"):
        assert {tuple(codes(params)) for params in client.published if params.uri == documents[name]} == {("ASY100",)}, name

    async def actions(document: str) -> list[str]:
        return [action.title for action in await code_actions(client, document, span(3, 0, 4, 17))]

    plain_actions = await actions(documents["plain"])
    assert any(title.startswith("ASY100: Replace") for title in plain_actions), plain_actions
    strict_actions = await actions(documents["strict"])
    assert not any(title.startswith("ASY100: ") for title in strict_actions), strict_actions  # fixViolation off there
    assert "Disable ASY100 for this line" in strict_actions, strict_actions


@pytest.mark.parametrize(("preference", "expected"), [("editorFirst", []), ("filesystemFirst", ["ASY100"])])
async def test_configuration_preference(start_server: StartServer, tmp_path: Path, preference: str, expected: list[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.asyncguide]\nselect = ["ASY100"]\n')
    client = await start_server(
        initialization_options={"select": ["ASY101"], "debounceMs": 0, "configurationPreference": preference},
        folders=[tmp_path],
    )
    document = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert codes(await wait_for_publish(client, document, version=1)) == expected
