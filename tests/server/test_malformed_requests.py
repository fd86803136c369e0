"""Every request gets a response, however malformed its params, and the server serves on after it;
a request after shutdown gets the error LSP asks for.

The requests are sent as raw JSON (a typed client cannot build most of them); each test then asks
for a hover through the same connection, which must still explain the diagnostic.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pytest_lsp import ClientServerConfig

from .conftest import (
    BLOCKING_SLEEP,
    FAST,
    SERVER,
    TIMEOUT,
    Client,
    StartServer,
    make_client,
    open_document,
    pull_capabilities,
    push_capabilities,
    wait_for_publish,
)


def position(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


def span(start: dict[str, int], end: dict[str, int]) -> dict[str, Any]:
    return {"start": start, "end": end}


async def raw_request(client: Client, method: str, params: Any) -> Any:
    """Send a request whose params are plain JSON; its result, typed as the method's (an error
    response raises). pygls's ``send_request`` would first build the method's params type from
    ``params``, which these are not, so the message is sent as it is and registered by hand."""
    protocol = client.protocol
    request_id = str(uuid.uuid4())
    response: Future[Any] = Future()
    protocol._request_futures[request_id] = response
    protocol._result_types[request_id] = protocol.get_result_type(method)
    protocol._send_data({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    return await asyncio.wait_for(asyncio.wrap_future(response), TIMEOUT)


async def still_serving(client: Client, document_uri: str) -> None:
    hover = await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=document_uri), position=types.Position(line=4, character=9))
        ),
        TIMEOUT,
    )
    assert hover is not None and "ASY100" in hover.contents.value  # type: ignore[union-attr]


async def opened(start_server: StartServer, tmp_path: Path, capabilities: types.ClientCapabilities | None = None) -> tuple[Client, str]:
    client = await start_server(capabilities=capabilities, initialization_options=FAST)
    document_uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    if capabilities is None:
        await wait_for_publish(client, document_uri, version=1)
    return client, document_uri


NO_DIAGNOSTICS = {"diagnostics": []}


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        pytest.param({"range": span(position(0, 0), position(0, 0))}, "context", id="without-context"),
        pytest.param({"range": span(position(-1, 0), position(0, 0)), "context": NO_DIAGNOSTICS}, "range", id="negative-line"),
        pytest.param({"context": NO_DIAGNOSTICS}, "range", id="without-range"),
        pytest.param(
            {"range": span(position(0, 0), position(0, 0)), "context": {"diagnostics": [{"message": "no range"}]}},
            "diagnostics",
            id="diagnostic-without-range",
        ),
    ],
)
async def test_code_action_with_params_not_of_its_type_is_answered_invalid_params(
    start_server: StartServer, tmp_path: Path, params: dict[str, Any], complaint: str
) -> None:
    client, document_uri = await opened(start_server, tmp_path)
    with pytest.raises(JsonRpcInvalidParams) as raised:
        await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, {"textDocument": {"uri": document_uri}, **params})
    assert types.TEXT_DOCUMENT_CODE_ACTION in raised.value.message
    assert complaint in raised.value.message  # says what is wrong
    await still_serving(client, document_uri)
    assert client.messages == []  # the client's mistake is not shown to the user


async def test_code_action_without_params_is_answered_invalid_params(start_server: StartServer, tmp_path: Path) -> None:
    client, document_uri = await opened(start_server, tmp_path)
    with pytest.raises(JsonRpcInvalidParams):
        await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, None)
    await still_serving(client, document_uri)


async def test_code_action_for_a_range_past_the_end_of_the_document(start_server: StartServer, tmp_path: Path) -> None:
    client, document_uri = await opened(start_server, tmp_path)
    past_the_end = span(position(40, 3), position(90, 0))
    actions = await raw_request(
        client, types.TEXT_DOCUMENT_CODE_ACTION, {"textDocument": {"uri": document_uri}, "range": past_the_end, "context": NO_DIAGNOSTICS}
    )
    # clamped to the end of the document: no diagnostic there, only the document-wide fix-all
    assert [action.kind for action in actions] == ["source.fixAll.asyncguide"]
    await still_serving(client, document_uri)


async def test_code_action_for_a_range_ending_before_it_starts_covers_the_same_text(start_server: StartServer, tmp_path: Path) -> None:
    client, document_uri = await opened(start_server, tmp_path)
    backwards = span(position(4, 17), position(3, 0))  # the sleep call's line, selected from its end
    actions = await raw_request(
        client, types.TEXT_DOCUMENT_CODE_ACTION, {"textDocument": {"uri": document_uri}, "range": backwards, "context": NO_DIAGNOSTICS}
    )
    assert "Disable ASY100 for this line" in [action.title for action in actions]
    await still_serving(client, document_uri)


async def test_requests_about_a_document_never_opened_get_empty_answers(start_server: StartServer, tmp_path: Path) -> None:
    client, document_uri = await opened(start_server, tmp_path)
    never_opened = {"uri": (tmp_path / "never.py").as_uri()}
    everywhere = span(position(0, 0), position(9, 0))
    code_action = {"textDocument": never_opened, "range": everywhere, "context": NO_DIAGNOSTICS}
    assert await raw_request(client, types.TEXT_DOCUMENT_CODE_ACTION, code_action) is None
    assert await raw_request(client, types.TEXT_DOCUMENT_HOVER, {"textDocument": never_opened, "position": position(4, 9)}) is None
    report = await raw_request(client, types.TEXT_DOCUMENT_DIAGNOSTIC, {"textDocument": never_opened})
    assert report == types.RelatedFullDocumentDiagnosticReport(items=())
    await still_serving(client, document_uri)


@pytest.mark.parametrize(
    ("method", "params"),
    [
        pytest.param(types.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": "{uri}"}}, id="hover-without-position"),
        pytest.param(types.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": "{uri}"}, "position": position(-5, -1)}, id="hover-negative"),
        pytest.param(types.TEXT_DOCUMENT_HOVER, {"position": position(0, 0)}, id="hover-without-document"),
        pytest.param(types.TEXT_DOCUMENT_DIAGNOSTIC, {"textDocument": {}}, id="diagnostic-without-uri"),
        pytest.param(types.CODE_ACTION_RESOLVE, {"data": {"uri": "{uri}"}}, id="resolve-without-title"),
    ],
)
async def test_other_requests_with_params_not_of_their_type_are_answered_invalid_params(
    start_server: StartServer, tmp_path: Path, method: str, params: dict[str, Any]
) -> None:
    client, document_uri = await opened(start_server, tmp_path, pull_capabilities())
    with pytest.raises(JsonRpcInvalidParams) as raised:
        await raw_request(client, method, _with_uri(params, document_uri))
    assert method in raised.value.message
    await still_serving(client, document_uri)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"action": "fix", "code": "ASY100", "range": [4, 4]}, id="short-range"),
        pytest.param({"action": "fix", "code": "ASY100", "range": ["4", 4, 4, 17]}, id="range-of-strings"),
        pytest.param({"action": "fix", "code": "ASY100"}, id="without-range"),
        pytest.param({"action": "fix", "code": "ASY100", "range": [4, 4, 4, 17], "uri": ["not", "a", "string"]}, id="uri-a-list"),
        pytest.param("not an object", id="data-a-string"),
    ],
)
async def test_resolving_an_action_with_data_the_server_did_not_make_returns_it_unchanged(
    start_server: StartServer, tmp_path: Path, data: Any
) -> None:
    client, document_uri = await opened(start_server, tmp_path)
    if isinstance(data, dict):
        data = {"uri": document_uri, "version": 1, **data}
    resolved = await raw_request(client, types.CODE_ACTION_RESOLVE, {"title": "ASY100: fix", "data": data})
    assert resolved == types.CodeAction(title="ASY100: fix", data=data)  # no edit added
    await still_serving(client, document_uri)


def _with_uri(params: dict[str, Any], document_uri: str) -> dict[str, Any]:
    """``params`` with each "{uri}" replaced by the document's URI."""
    return {
        key: _with_uri(value, document_uri) if isinstance(value, dict) else document_uri if value == "{uri}" else value
        for key, value in params.items()
    }


async def test_a_request_after_shutdown_is_answered_invalid_request(tmp_path: Path) -> None:
    client = await ClientServerConfig(server_command=SERVER, client_factory=make_client).start()
    try:
        await client.initialize_session(types.InitializeParams(capabilities=push_capabilities(), initialization_options=FAST))
        document_uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
        await wait_for_publish(client, document_uri, version=1)
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        with pytest.raises(JsonRpcInvalidRequest) as raised:
            await raw_request(client, types.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": document_uri}, "position": position(4, 9)})
        assert "after shutdown" in raised.value.message
    finally:
        client.exit(None)
        await client.stop()
