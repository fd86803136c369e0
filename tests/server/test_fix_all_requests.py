"""Fix-all through the server: computed off the event loop (hovers are answered meanwhile), and
quick fixes and fix-all write the document's own line breaks."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import FAST, TIMEOUT, StartServer, apply, code_actions, edits_of, open_document, span, wait_for_publish
from .test_project_index import BLOCKING_DB, has_asy200, wait_for_indexing

SLEEPS = 2000


def many_sleeps(count: int) -> str:
    return "import asyncio\nimport time\n" + "".join(f"\n\nasync def poll_{n}():\n    time.sleep(1)\n" for n in range(count))


async def test_hovers_are_answered_while_fix_all_is_computed(start_server: StartServer, tmp_path: Path) -> None:
    text = many_sleeps(SLEEPS)
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", text)
    assert len((await wait_for_publish(client, uri, version=1)).diagnostics) == SLEEPS
    [fix_all] = await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"])

    answered: list[str] = []
    resolving = asyncio.ensure_future(client.code_action_resolve_async(fix_all))
    resolving.add_done_callback(lambda _: answered.append("fix all"))
    last_sleep = types.Position(line=text.count("\n") - 1, character=9)
    hovering = asyncio.ensure_future(
        client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=last_sleep))
    )
    hovering.add_done_callback(lambda _: answered.append("hover"))
    resolved, hover = await asyncio.wait_for(asyncio.gather(resolving, hovering), TIMEOUT)

    assert answered == ["hover", "fix all"]  # the hover did not wait for the fixes
    assert hover is not None and "ASY100" in hover.contents.value  # type: ignore[union-attr]
    fixed = apply(text, edits_of(resolved.edit, uri))
    assert fixed == text.replace("    time.sleep(1)", "    await asyncio.sleep(1)")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
async def test_quick_fix_and_fix_all_keep_the_documents_line_breaks(start_server: StartServer, tmp_path: Path, newline: str) -> None:
    text = "import time\n\n\nasync def poll():\n    time.sleep(1)\n    time.sleep(2)\n".replace("\n", newline)
    fixed = "import asyncio\nimport time\n\n\nasync def poll():\n    await asyncio.sleep(1)\n    await asyncio.sleep(2)\n"
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", text)
    await wait_for_publish(client, uri, version=1)

    [quick_fix] = [a for a in await code_actions(client, uri, span(4, 6, 4, 6)) if a.title.startswith("ASY100: ")]
    quick_edits = edits_of((await client.code_action_resolve_async(quick_fix)).edit, uri)
    assert apply(text, quick_edits) == fixed.replace("    await asyncio.sleep(2)", "    time.sleep(2)").replace("\n", newline)

    [fix_all] = await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"])
    all_edits = edits_of((await client.code_action_resolve_async(fix_all)).edit, uri)
    assert apply(text, all_edits) == fixed.replace("\n", newline)
    for edit in quick_edits + all_edits:
        assert "\n" not in edit.new_text.replace(newline, "") and "\r" not in edit.new_text.replace(newline, "")


async def test_fix_all_runs_a_helper_of_another_module_in_a_thread(start_server: StartServer, tmp_path: Path) -> None:
    """ASY200's unsafe fix, through "fix all", for a chain the document's own text does not show."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/db.py").write_text(BLOCKING_DB)
    text = "from app.db import query\n\n\nasync def handler():\n    query()\n"
    (tmp_path / "app/api.py").write_text(text)
    client = await start_server(initialization_options={**FAST, "select": ["ASY200"], "unsafeFixes": True}, folders=[tmp_path])
    await wait_for_indexing(client)
    uri = open_document(client, tmp_path / "app/api.py", text)
    await wait_for_publish(client, uri, where=has_asy200)

    [fix_all] = await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"])
    fixed = apply(text, edits_of((await client.code_action_resolve_async(fix_all)).edit, uri))
    assert fixed == "import asyncio\n\nfrom app.db import query\n\n\nasync def handler():\n    await asyncio.to_thread(query)\n"
