"""Code actions: quick fixes (resolved lazily or not), "disable for this line", fix-all."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types

from .conftest import (
    BLOCKING_SLEEP,
    FAST,
    StartServer,
    apply,
    change,
    code_actions,
    eager_capabilities,
    edits_of,
    open_document,
    span,
    wait_for_publish,
)

TEST_RULES_SERVER = [sys.executable, "-m", "tests.server.server_with_test_rules"]
SLEEP_TITLE = "ASY100: Replace with `await asyncio.sleep(...)`"
FIXED_SLEEP = "import time\nimport asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n"


async def test_quick_fix_resolved_lazily_then_applied_removes_the_diagnostic(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server(initialization_options=FAST)  # VS Code: resolves edits lazily
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)

    actions = await code_actions(client, uri, span(4, 6, 4, 6))
    [fix] = [action for action in actions if action.title == SLEEP_TITLE]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred is True
    assert fix.edit is None
    assert [d.code for d in fix.diagnostics or []] == ["ASY100"]

    resolved = await client.code_action_resolve_async(fix)
    fixed = apply(BLOCKING_SLEEP, edits_of(resolved.edit, uri))
    assert fixed == FIXED_SLEEP

    change(client, uri, 2, (None, fixed))
    assert (await wait_for_publish(client, uri, version=2)).diagnostics == ()


async def test_quick_fix_comes_with_its_edit_when_the_client_cannot_resolve(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=eager_capabilities(), initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    [fix] = [a for a in await code_actions(client, uri, span(4, 4, 4, 17)) if a.title == SLEEP_TITLE]
    assert apply(BLOCKING_SLEEP, edits_of(fix.edit, uri)) == FIXED_SLEEP
    [document_edit] = fix.edit.document_changes  # type: ignore[union-attr]
    assert document_edit.text_document.version == 1  # type: ignore[union-attr]


async def test_resolving_a_stale_action_gives_no_edit(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    [fix] = [a for a in await code_actions(client, uri, span(4, 6, 4, 6)) if a.title == SLEEP_TITLE]
    change(client, uri, 2, (span(0, 0, 0, 0), "# moved down\n"))
    await wait_for_publish(client, uri, version=2)
    resolved = await client.code_action_resolve_async(fix)
    assert resolved.edit is None


async def test_disable_for_this_line_adds_a_noqa_comment(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    [disable] = [a for a in await code_actions(client, uri, span(4, 6, 4, 6)) if a.title == "Disable ASY100 for this line"]
    assert disable.kind == types.CodeActionKind.QuickFix
    fixed = apply(BLOCKING_SLEEP, edits_of(disable.edit, uri))
    assert fixed.splitlines()[4] == "    time.sleep(1)  # noqa: ASY100"
    change(client, uri, 2, (None, fixed))
    assert (await wait_for_publish(client, uri, version=2)).diagnostics == ()


async def test_disable_for_this_line_extends_an_existing_noqa_list(start_server: StartServer, tmp_path: Path) -> None:
    text = BLOCKING_SLEEP.replace("time.sleep(1)", "time.sleep(1)  # noqa: ASY101")
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", text)
    await wait_for_publish(client, uri, version=1)
    [disable] = [a for a in await code_actions(client, uri, span(4, 6, 4, 6)) if a.title == "Disable ASY100 for this line"]
    assert apply(text, edits_of(disable.edit, uri)).splitlines()[4] == "    time.sleep(1)  # noqa: ASY101, ASY100"


async def test_disable_action_puts_the_comment_where_the_string_ends(start_server: StartServer, tmp_path: Path) -> None:
    # the first line of the call ends inside a string: a "comment" there would change the string,
    # so it goes after the closing quotes, where it is read
    text = 'import time\n\n\nasync def poll():\n    time.sleep(len("""\n    """))\n'
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", text)
    assert len((await wait_for_publish(client, uri, version=1)).diagnostics) == 1
    [disable] = [a for a in await code_actions(client, uri, span(4, 6, 4, 6)) if a.title == "Disable ASY100 for this line"]
    disabled = apply(text, edits_of(disable.edit, uri))
    assert disabled.splitlines()[5] == '    """))  # noqa: ASY100'
    change(client, uri, 2, (None, disabled))
    assert (await wait_for_publish(client, uri, version=2)).diagnostics == ()


async def test_fix_all_applies_every_safe_fix(start_server: StartServer, tmp_path: Path) -> None:
    text = "import time\n\n\nasync def poll():\n    time.sleep(1)\n    time.sleep(2)  # keep this comment\n"
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", text)
    await wait_for_publish(client, uri, version=1)

    assert [a.title for a in await code_actions(client, uri, span(4, 6, 4, 6), only=["source.fixAll"])] == [
        "asyncguide: Fix all auto-fixable problems"
    ]
    [fix_all] = await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.asyncguide"
    resolved = await client.code_action_resolve_async(fix_all)
    fixed = apply(text, edits_of(resolved.edit, uri))
    assert fixed == (
        "import time\nimport asyncio\n\n\nasync def poll():\n"
        "    await asyncio.sleep(1)\n    await asyncio.sleep(2)  # keep this comment\n"
    )
    change(client, uri, 2, (None, fixed))
    assert (await wait_for_publish(client, uri, version=2)).diagnostics == ()
    assert await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"]) == []


async def test_quick_fix_kinds_are_filtered_by_only(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    kinds = {a.kind for a in await code_actions(client, uri, span(4, 6, 4, 6), only=["quickfix"])}
    assert kinds == {types.CodeActionKind.QuickFix}
    everything = {a.kind for a in await code_actions(client, uri, span(4, 6, 4, 6))}
    assert everything == {types.CodeActionKind.QuickFix, "source.fixAll.asyncguide"}


async def test_unsafe_fixes_are_offered_alone_but_left_out_of_fix_all_unless_enabled(
    start_server: StartServer, tmp_path: Path
) -> None:
    text = "import time\n\n\nasync def poll():\n    legacy()\n    time.sleep(1)\n"
    select = {"select": ["ASY100", "TST002"], "debounceMs": 0}
    client = await start_server(command=TEST_RULES_SERVER, capabilities=eager_capabilities(), initialization_options=select)
    uri = open_document(client, tmp_path / "poll.py", text)
    assert [d.code for d in (await wait_for_publish(client, uri, version=1)).diagnostics] == ["TST002", "ASY100"]

    [unsafe] = [a for a in await code_actions(client, uri, span(4, 4, 4, 4)) if a.title.startswith("TST002")]
    assert unsafe.title == "TST002: Call `modern()` instead (unsafe)"
    assert unsafe.is_preferred is False
    assert apply(text, edits_of(unsafe.edit, uri)).splitlines()[4] == "    modern()"

    [fix_all] = await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"])
    safe_only = apply(text, edits_of(fix_all.edit, uri))
    assert "    legacy()\n" in safe_only and "await asyncio.sleep(1)" in safe_only

    mark = len(client.published)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"asyncguide": {**select, "unsafeFixes": True}})
    )
    await wait_for_publish(client, uri, after=mark)  # the new settings are in
    [fix_all] = await code_actions(client, uri, span(0, 0, 0, 0), only=["source.fixAll"])
    everything = apply(text, edits_of(fix_all.edit, uri))
    assert "    modern()\n" in everything and "await asyncio.sleep(1)" in everything
