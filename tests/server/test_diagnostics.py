"""Diagnostics end to end: pushed or pulled, kept up to date with edits, kept while mid-typing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from asyncguide.rules.documentation import rule_url
from asyncguide.rules.runner import lint

from .conftest import (
    BLOCKING_SLEEP,
    FAST,
    TIMEOUT,
    StartServer,
    apply,
    as_tuple,
    change,
    open_document,
    pull,
    pull_capabilities,
    span,
    wait_for_publish,
)


async def test_open_publishes_diagnostics_with_code_source_link_severity_and_data(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    published = await wait_for_publish(client, uri, version=1)
    [diagnostic] = published.diagnostics
    assert diagnostic.code == "ASY100"
    assert diagnostic.source == "asyncguide"
    assert diagnostic.code_description is not None and diagnostic.code_description.href == rule_url("ASY100")
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert as_tuple(diagnostic.range) == (4, 4, 4, 17)
    assert "time.sleep()" in diagnostic.message and "coroutine `poll`" in diagnostic.message
    assert diagnostic.data["fix"] == "safe"


async def test_incremental_edits_update_diagnostics(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)

    change(client, uri, 2, (span(5, 0, 5, 0), "    time.sleep(2)\n"))
    published = await wait_for_publish(client, uri, version=2)
    assert [as_tuple(d.range) for d in published.diagnostics] == [(4, 4, 4, 17), (5, 4, 5, 17)]

    change(client, uri, 3, (span(4, 0, 5, 0), ""))  # delete the first call's line
    published = await wait_for_publish(client, uri, version=3)
    assert [as_tuple(d.range) for d in published.diagnostics] == [(4, 4, 4, 17)]
    assert "time.sleep()" in published.diagnostics[0].message

    change(client, uri, 4, (None, "import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n"))
    published = await wait_for_publish(client, uri, version=4)
    assert published.diagnostics == ()


async def test_pull_diagnostics_with_result_ids_and_no_push(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=pull_capabilities(), initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)

    report = await pull(client, uri)
    assert report.kind == "full"
    assert [(d.code, as_tuple(d.range)) for d in report.items] == [("ASY100", (4, 4, 4, 17))]
    assert report.result_id

    again = await pull(client, uri, previous_result_id=report.result_id)
    assert again.kind == "unchanged"
    assert again.result_id == report.result_id

    change(client, uri, 2, (span(4, 4, 4, 17), "pass"))
    after_edit = await pull(client, uri, previous_result_id=report.result_id)
    assert after_edit.kind == "full"
    assert after_edit.items == ()
    assert after_edit.result_id != report.result_id
    # a pushing server publishes when a document opens or changes, before it answers the next
    # request: none came, so this document's diagnostics were only pulled
    assert client.published == []


async def test_pull_mode_asks_the_client_to_refresh_after_a_settings_change(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server(capabilities=pull_capabilities(), initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    report = await pull(client, uri)
    assert [d.code for d in report.items] == ["ASY100"]

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"asyncguide": {"select": ["ASY101"], "debounceMs": 0}})
    )
    await asyncio.wait_for(client.refreshed.wait(), TIMEOUT)
    after = await pull(client, uri, previous_result_id=report.result_id)
    assert after.kind == "full"
    assert after.items == ()


async def test_pull_for_a_closed_document_is_empty(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(capabilities=pull_capabilities(), initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert (await pull(client, uri)).items
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert (await pull(client, uri)).items == ()


async def test_debounce_publishes_once_for_rapid_edits(start_server: StartServer, tmp_path: Path) -> None:
    # Edits sent in one burst reach the server well within the delay: each one cancels the publish
    # the previous one scheduled, so after the last edit's publish no earlier one can still come
    # (the server answers in order).
    client = await start_server(initialization_options={"select": ["ASY100"], "debounceMs": 2000})
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)  # opening publishes at once
    for version in range(2, 7):
        change(client, uri, version, (span(5, 0, 5, 0), f"    time.sleep({version})\n"))
    published = await wait_for_publish(client, uri, version=6)
    assert [p.version for p in client.published if p.uri == uri] == [1, 6]
    assert len(published.diagnostics) == 6


async def test_closing_a_document_clears_its_diagnostics(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options={"select": ["ASY100"], "debounceMs": 60_000})
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    change(client, uri, 2, (span(5, 0, 5, 0), "    time.sleep(2)\n"))  # its publish waits a minute
    mark = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    cleared = await wait_for_publish(client, uri, after=mark)
    assert cleared.diagnostics == ()
    assert [p.version for p in client.published if p.uri == uri] == [1, None]


async def test_mid_typing_keeps_the_last_diagnostics_moved_with_the_edits(
    start_server: StartServer, tmp_path: Path
) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)

    change(client, uri, 2, (span(0, 0, 0, 0), "value = (\n\n"))  # two lines above, and no longer parses
    published = await wait_for_publish(client, uri, version=2)
    assert [(d.code, as_tuple(d.range)) for d in published.diagnostics] == [("ASY100", (6, 4, 6, 17))]

    change(client, uri, 3, (span(6, 4, 6, 4), "x = 1; "))  # on its line, before it
    published = await wait_for_publish(client, uri, version=3)
    assert [as_tuple(d.range) for d in published.diagnostics] == [(6, 11, 6, 24)]

    change(client, uri, 4, (span(6, 11, 6, 15), "tame"))  # typing over it: it goes
    published = await wait_for_publish(client, uri, version=4)
    assert published.diagnostics == ()

    change(client, uri, 5, (span(6, 11, 6, 15), "time"), (span(0, 0, 2, 0), ""))  # parses again: linted afresh
    published = await wait_for_publish(client, uri, version=5)
    assert [as_tuple(d.range) for d in published.diagnostics] == [(4, 11, 4, 24)]


async def test_whole_text_changes_keep_the_last_diagnostics_moved_too(start_server: StartServer, tmp_path: Path) -> None:
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    await wait_for_publish(client, uri, version=1)
    change(client, uri, 2, (None, "value = (\n" + BLOCKING_SLEEP))  # a client sending whole texts
    published = await wait_for_publish(client, uri, version=2)
    assert [as_tuple(d.range) for d in published.diagnostics] == [(5, 4, 5, 17)]


async def test_syntax_errors_are_reported_only_when_asked(start_server: StartServer, tmp_path: Path) -> None:
    broken = BLOCKING_SLEEP + "def broken(:\n"
    quiet = await start_server(initialization_options=FAST)
    uri = open_document(quiet, tmp_path / "quiet.py", broken)
    assert (await wait_for_publish(quiet, uri, version=1)).diagnostics == ()

    loud = await start_server(initialization_options={**FAST, "showSyntaxErrors": True})
    uri = open_document(loud, tmp_path / "loud.py", BLOCKING_SLEEP)
    await wait_for_publish(loud, uri, version=1)
    change(loud, uri, 2, (span(5, 0, 5, 0), "def broken(:\n"))
    published = await wait_for_publish(loud, uri, version=2)
    assert sorted(d.code for d in published.diagnostics) == ["ASG000", "ASY100"]
    [syntax_error] = [d for d in published.diagnostics if d.code == "ASG000"]
    assert syntax_error.range.start.line == 5
    assert syntax_error.severity == types.DiagnosticSeverity.Error


async def test_excluded_files_get_no_diagnostics(start_server: StartServer, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.asyncguide]\nexclude = ["vendor/*"]\n')
    (tmp_path / "vendor").mkdir()
    client = await start_server(initialization_options=FAST, folders=[tmp_path])
    vendored = open_document(client, tmp_path / "vendor" / "poll.py", BLOCKING_SLEEP)
    own = open_document(client, tmp_path / "poll.py", BLOCKING_SLEEP)
    assert (await wait_for_publish(client, vendored, version=1)).diagnostics == ()
    assert [d.code for d in (await wait_for_publish(client, own, version=1)).diagnostics] == ["ASY100"]


TYPED_INTO = '''\
import time

import requests


class Poller:
    async def poll(self):
        time.sleep(1)
        return "done"

    async def fetch(self, url):
        return url


async def main():
    await Poller().poll()
'''


async def test_diagnostics_after_typing_match_a_fresh_lint_of_the_text(start_server: StartServer, tmp_path: Path) -> None:
    """Keystrokes in one method re-use the rest of the previous parse (``reparse``): what the
    server publishes after each must be what linting the whole text from scratch finds."""
    codes = ["ASY100", "ASY101", "ASY121"]
    client = await start_server(initialization_options={"select": codes, "debounceMs": 0})
    uri = open_document(client, tmp_path / "poller.py", TYPED_INTO)
    await wait_for_publish(client, uri, version=1)
    text = TYPED_INTO
    call = "requests.get("
    keystrokes = [
        *((span(11, 15 + i, 11, 15 + i), c) for i, c in enumerate(call)),  # typed into `return url`
        (span(11, 15 + len(call) + 3, 11, 15 + len(call) + 3), ")"),
        (span(7, 19, 7, 20), "2"),  # inside the other method
        (span(8, 21, 8, 21), " + ("),  # a bracket left open: does not parse
        (span(8, 25, 8, 25), ")"),  # closed again
        (span(12, 0, 12, 0), "    def sync(self):\n        time.sleep(3)\n"),  # lines added
        (span(7, 0, 8, 0), ""),  # a line removed
    ]
    compared = 0
    for version, (range_, typed) in enumerate(keystrokes, start=2):
        change(client, uri, version, (range_, typed))
        text = apply(text, [types.TextEdit(range=range_, new_text=typed)])
        published = await wait_for_publish(client, uri, version=version)
        fresh = lint(text, codes)
        if fresh.syntax_error is None:
            compared += 1
            assert [(d.code, as_tuple(d.range)) for d in published.diagnostics] == [
                (d.code, (d.range.start_line, d.range.start_column, d.range.end_line, d.range.end_column))
                for d in fresh.diagnostics
            ], text
    assert compared >= len(keystrokes) - 3
    assert "return requests.get(url)" in text and "ASY101" in {d.code for d in published.diagnostics}
