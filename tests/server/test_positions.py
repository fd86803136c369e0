"""Positions: encodings negotiated, ranges right on lines with emoji and CJK, lines split as LSP does."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from asyncguide.rules.rule import Range
from asyncguide.server.lsp.positions import (
    LineIndex,
    Shift,
    from_client_column,
    prefer_utf8,
    single_edit,
    to_client_column,
)

from .conftest import FAST, StartServer, as_tuple, change, open_document, span, wait_for_publish

#: `time.sleep(1)` after an emoji (two UTF-16 units, four UTF-8 bytes) and two CJK characters
#: (one UTF-16 unit and three UTF-8 bytes each): `    s = "` is 9 code points, then 😀, 漢字, `"; `
NON_ASCII = 'import time\n\n\nasync def poll():\n    s = "😀漢字"; time.sleep(1)\n'
CALL = "time.sleep(1)"


def utf8_capabilities() -> types.ClientCapabilities:
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=["utf-16", "utf-8"])
    return capabilities


@pytest.mark.parametrize(
    ("capabilities", "encoding", "call_start", "emoji_end"),
    [
        (client_capabilities("visual-studio-code"), "utf-16", 9 + 2 + 2 + 3, 9 + 2),
        (utf8_capabilities(), "utf-8", 9 + 4 + 6 + 3, 9 + 4),
    ],
    ids=["utf-16", "utf-8"],
)
async def test_ranges_and_edits_on_a_line_with_emoji_and_cjk(
    start_server: StartServer,
    tmp_path: Path,
    capabilities: types.ClientCapabilities,
    encoding: str,
    call_start: int,
    emoji_end: int,
) -> None:
    client = await start_server(capabilities=capabilities, initialization_options=FAST)
    assert client.initialize_result.capabilities.position_encoding == encoding
    uri = open_document(client, tmp_path / "poll.py", NON_ASCII)
    [diagnostic] = (await wait_for_publish(client, uri, version=1)).diagnostics
    assert as_tuple(diagnostic.range) == (4, call_start, 4, call_start + len(CALL))

    # insert another emoji right after the first one, at a column in the client's units
    change(client, uri, 2, (span(4, emoji_end, 4, emoji_end), "🎉"))
    [diagnostic] = (await wait_for_publish(client, uri, version=2)).diagnostics
    emoji_units = emoji_end - 9
    assert as_tuple(diagnostic.range) == (4, call_start + emoji_units, 4, call_start + emoji_units + len(CALL))

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=4, character=call_start + emoji_units + 2),
        )
    )
    assert hover is not None and hover.range == diagnostic.range


async def test_utf16_is_preferred_to_utf32_when_both_are_offered(start_server: StartServer) -> None:
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=["utf-32", "utf-16"])
    client = await start_server(capabilities=capabilities, initialization_options=FAST)
    assert client.initialize_result.capabilities.position_encoding == "utf-16"


async def test_form_feed_does_not_split_lines(start_server: StartServer, tmp_path: Path) -> None:
    # str.splitlines breaks at a form feed: a line-4 edit past it would land elsewhere
    text = "import time\n\x0c\nasync def poll():\n    x = 1\x0c; y = 2\n"
    client = await start_server(initialization_options=FAST)
    uri = open_document(client, tmp_path / "poll.py", text)
    await wait_for_publish(client, uri, version=1)
    end_of_line = len("    x = 1\x0c; y = 2")
    change(client, uri, 2, (span(3, end_of_line, 3, end_of_line), "; " + CALL))
    [diagnostic] = (await wait_for_publish(client, uri, version=2)).diagnostics
    assert as_tuple(diagnostic.range) == (3, end_of_line + 2, 3, end_of_line + 2 + len(CALL))


# ------------------------------------------------------------------------------ unit tests


def test_columns_convert_both_ways_per_encoding() -> None:
    line = 'x = "😀漢"; y'
    y = line.index("y")  # code points: 10
    assert to_client_column(line, y, "utf-32") == 10
    assert to_client_column(line, y, "utf-16") == 11
    assert to_client_column(line, y, "utf-8") == 15
    assert from_client_column(line, 11, "utf-16") == y
    assert from_client_column(line, 15, "utf-8") == y
    assert from_client_column(line, 6, "utf-16") == 6  # inside the surrogate pair: past the emoji
    assert from_client_column(line, 99, "utf-16") == len(line)


def test_line_index_splits_only_at_lsp_line_breaks() -> None:
    index = LineIndex("a\r\nb\rc\x0cd\ne")
    assert index.lines == ["a", "b", "c\x0cd", "e"]
    assert index.offsets == [0, 3, 5, 9]
    assert index.offset(2, 2) == 7
    assert index.position_from_client(types.Position(line=9, character=0), "utf-16") == (3, 1)


def test_prefer_utf8_when_offered_else_utf16() -> None:
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(position_encodings=["utf-32", "utf-16", "utf-8"]))
    prefer_utf8(capabilities)
    assert capabilities.general is not None and capabilities.general.position_encodings == ["utf-8", "utf-16", "utf-32"]


@pytest.mark.parametrize(
    ("replaced", "new_text", "expected"),
    [
        (Range(0, 0, 0, 0), "ab\ncd\n", Range(4, 4, 4, 17)),  # lines inserted above
        (Range(0, 0, 1, 0), "", Range(1, 4, 1, 17)),  # a line deleted above
        (Range(2, 4, 2, 4), "x = 1; ", Range(2, 11, 2, 24)),  # text inserted where it starts
        (Range(2, 17, 2, 17), "  # note", Range(2, 4, 2, 17)),  # text inserted where it ends
        (Range(2, 9, 2, 9), "_", Range(2, 4, 2, 18)),  # text inserted inside it
        (Range(2, 0, 2, 2), "\n\n", Range(4, 2, 4, 15)),  # line breaks before it on its line
        (Range(1, 3, 2, 4), "", Range(1, 3, 1, 16)),  # lines joined up to where it starts
        (Range(3, 0, 4, 0), "", Range(2, 4, 2, 17)),  # changes below
        (Range(2, 8, 2, 12), "zz", None),  # its text replaced
        (Range(1, 0, 2, 6), "", None),  # a deletion reaching into it
    ],
)
def test_shift(replaced: Range, new_text: str, expected: Range | None) -> None:
    assert Shift(replaced, new_text)(Range(2, 4, 2, 17)) == expected


def test_shift_keeps_a_range_the_change_does_not_reach() -> None:
    range_ = Range(2, 4, 2, 17)
    assert Shift(Range(3, 0, 3, 0), "x\n")(range_) is range_


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("abc", "abXc", (Range(0, 2, 0, 2), "X")),
        ("x\ny\n", "x\nz\ny\n", (Range(1, 0, 1, 0), "z\n")),
        ("a\r\nb", "a\nb", (Range(0, 1, 1, 0), "\n")),  # the whole \r\n goes, not half of it
        ("a\r\nb\r\n", "a\r\n", (Range(1, 0, 2, 0), "")),
        ("same", "same", (Range(0, 4, 0, 4), "")),
    ],
)
def test_single_edit_replaces_only_what_differs(old: str, new: str, expected: tuple[Range, str]) -> None:
    assert single_edit(LineIndex(old), new) == expected
