"""Hover over a diagnostic: the rule, the message, the guideline quoted with where it stands, the fix, the docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from asyncguide.rules.documentation import rule_url

from .conftest import BLOCKING_SLEEP, FAST, StartServer, as_tuple, open_document, wait_for_publish


async def hover_at(client, uri: str, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character))
    )


async def test_hover_explains_the_diagnostic_under_the_cursor(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    [diagnostic] = (await wait_for_publish(client, uri, version=1)).diagnostics

    hover = await hover_at(client, uri, 4, 9)
    assert hover is not None
    assert as_tuple(hover.range) == as_tuple(diagnostic.range)
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert "**ASY100** `blocking-sleep-in-async`" in text
    assert diagnostic.message in text
    assert "> Create proper sleep calls\n>\n> — *asyncio › Timeouts and Delays*" in text
    assert "> — *asyncio › Thread and Process Integration*" in text
    assert "**Fix** (safe): Replace with `await asyncio.sleep(...)`" in text
    assert f"({rule_url('ASY100')})" in text


async def test_in_vs_code_the_hover_leaves_out_the_message_shown_above_it(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST, client_name="Visual Studio Code")
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    [diagnostic] = (await wait_for_publish(client, uri, version=1)).diagnostics

    hover = await hover_at(client, uri, 4, 9)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert diagnostic.message not in text
    assert text.startswith("**ASY100** `blocking-sleep-in-async`\n\n> Create proper sleep calls")
    assert "**Fix** (safe)" in text


@pytest.mark.parametrize(("client_name", "with_message"), [("Eglot", False), ("Neovim", True)])
async def test_the_hover_says_the_message_unless_the_client_shows_it_already(
    start_server: StartServer, tmp_path: Path, client_name: str, with_message: bool
) -> None:
    """Eglot's eldoc shows flymake's diagnostic text with the hover; Neovim's hover window shows
    the server's hover alone (tests/e2e checks both in the real editors)."""
    client = await start_server(initialization_options=FAST, client_name=client_name)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    [diagnostic] = (await wait_for_publish(client, uri, version=1)).diagnostics

    hover = await hover_at(client, uri, 4, 9)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert (diagnostic.message in hover.contents.value) is with_message
    assert "> Create proper sleep calls" in hover.contents.value


async def test_no_hover_away_from_diagnostics(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    assert await hover_at(client, uri, 3, 2) is None
    assert await hover_at(client, uri, 4, 1) is None


STARLETTE_ENDPOINT = """\
import time
from starlette.routing import Route


async def status(request):
    time.sleep(1)


routes = [Route("/status", status)]
"""


async def test_hover_in_a_framework_handler_quotes_that_frameworks_guideline(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "app.py", STARLETTE_ENDPOINT)
    [diagnostic] = (await wait_for_publish(client, uri, version=1)).diagnostics
    assert "Starlette handler `status`" in diagnostic.message

    hover = await hover_at(client, uri, 5, 6)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert "> Create proper sleep calls\n>\n> — *asyncio › Timeouts and Delays*" in text
    assert (
        "> Always use `async def` for endpoint functions that perform I/O operations\n>\n"
        "> — *Starlette › Async Handling and Request Processing*"
    ) in text
