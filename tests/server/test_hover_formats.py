"""Hovers in the format the client asked for (``textDocument.hover.contentFormat``): Markdown, or
the same content as plain text, without Markdown markup, when the client prefers or only takes that."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from asyncguide.rules.documentation import rule_url

from .conftest import BLOCKING_SLEEP, FAST, Client, StartServer, open_document, wait_for_publish

PLAIN = types.MarkupKind.PlainText
MARKDOWN = types.MarkupKind.Markdown
#: what Markdown writes and plain text must not: code, emphasis, links, block quotes, list items
MARKDOWN_MARKUP = ("`", "**", "*", "](", "\n> ", "\n- ", "\n---\n")

TASKS = """\
import asyncio


async def main(job):
    asyncio.create_task(job())
"""


def hover_formats(*formats: types.MarkupKind) -> types.ClientCapabilities:
    """VS Code's capabilities, with hovers in ``formats`` (none given: the client does not say)."""
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.text_document is not None
    capabilities.text_document.hover = types.HoverClientCapabilities(content_format=list(formats) if formats else None)
    return capabilities


async def hover_text(
    start_server: StartServer, path: Path, text: str, line: int, character: int, *formats: types.MarkupKind
) -> tuple[types.MarkupKind, str]:
    client: Client = await start_server(capabilities=hover_formats(*formats), initialization_options=FAST)
    uri = open_document(client, path, text)
    await wait_for_publish(client, uri, version=1)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return hover.contents.kind, hover.contents.value


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        pytest.param((PLAIN,), PLAIN, id="plaintext-only"),
        pytest.param((PLAIN, MARKDOWN), PLAIN, id="plaintext-preferred"),
        pytest.param((MARKDOWN, PLAIN), MARKDOWN, id="markdown-preferred"),
        pytest.param((), MARKDOWN, id="not-said"),
    ],
)
async def test_hover_format_follows_the_clients_preference(
    start_server: StartServer, tmp_path: Path, formats: tuple[types.MarkupKind, ...], expected: types.MarkupKind
) -> None:
    kind, text = await hover_text(start_server, tmp_path / "poll.py", BLOCKING_SLEEP, 4, 9, *formats)
    assert kind == expected
    assert ("**ASY100**" in text) is (expected == MARKDOWN)


async def test_plain_text_diagnostic_hover_has_the_same_content_without_markup(start_server: StartServer, tmp_path: Path) -> None:
    _, markdown = await hover_text(start_server, tmp_path / "poll.py", BLOCKING_SLEEP, 4, 9, MARKDOWN)
    kind, text = await hover_text(start_server, tmp_path / "poll.py", BLOCKING_SLEEP, 4, 9, PLAIN)
    assert kind == PLAIN
    for mark in MARKDOWN_MARKUP:
        assert mark not in text
    message = markdown.split("\n\n")[1]  # the diagnostic's message, `code` in backticks
    assert "`" in message
    assert text.startswith(f"ASY100 blocking-sleep-in-async\n\n{message.replace('`', '')}\n\n")
    assert "“Create proper sleep calls”\n— asyncio › Timeouts and Delays" in text
    assert "\n— asyncio › Thread and Process Integration" in text
    assert "Fix (safe): Replace with await asyncio.sleep(...)" in text
    assert text.endswith(f"ASY100 documentation ({rule_url('ASY100')})")


async def test_plain_text_api_hover_lists_the_checking_rules_with_their_addresses(start_server: StartServer, tmp_path: Path) -> None:
    kind, text = await hover_text(start_server, tmp_path / "tasks.py", TASKS, 4, 14, PLAIN)
    assert kind == PLAIN
    for mark in MARKDOWN_MARKUP:
        assert mark not in text
    assert text.startswith("asyncio.create_task in the guidelines\n\n")
    assert "“Use proper create_task method”\n— asyncio › Task Management" in text
    assert f"\n  ASY111 ({rule_url('ASY111')}) discarded-task-reference: " in text


STARLETTE_APP = """\
from starlette.applications import Starlette

app = Starlette(routes=[])
"""


async def test_plain_text_quotes_guideline_bullets_without_their_markdown(start_server: StartServer, tmp_path: Path) -> None:
    kind, text = await hover_text(start_server, tmp_path / "app.py", STARLETTE_APP, 2, 9, PLAIN)
    assert kind == PLAIN
    for mark in MARKDOWN_MARKUP:
        assert mark not in text
    # the bullets write "`Starlette(routes=routes)`" and "**Task Cancellation**:"
    assert "“Always define routes as a list and pass to Starlette(routes=routes) constructor" in text
    assert "“Task Cancellation: Use Starlette's built-in background task mechanisms" in text
