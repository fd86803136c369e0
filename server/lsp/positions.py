"""Positions between the engine and the editor.

The engine counts columns in code points (``str`` indices); an LSP client counts them in the
position encoding negotiated at ``initialize``: UTF-16 code units unless the client offered UTF-8
(or UTF-32). Lines are split as LSP splits them: only ``\\n``, ``\\r\\n`` and ``\\r`` end a line
(``str.splitlines`` also splits on form feeds and other separators, and would shift every line
after one).

``Shift`` moves engine ranges through one text change, so that the last good diagnostics
of a document that no longer parses stay under the code they were about; ``before_changes`` and
``after_changes`` move positions between a document's text and the text its model was built from.
"""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING

from lsprotocol import types

from asyncguide.rules.model import split_lines
from asyncguide.rules.rule import Range

if TYPE_CHECKING:
    from .documents import Document

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32


def prefer_utf8(capabilities: types.ClientCapabilities) -> None:
    """Order the client's offered position encodings so that pygls negotiates UTF-8 when offered,
    else UTF-16 (which every client supports), and only otherwise what the client listed first."""
    general = capabilities.general
    if general is None or not general.position_encodings:
        return
    preference = {UTF8: 0, UTF16: 1}
    general.position_encodings = sorted(general.position_encodings, key=lambda kind: preference.get(kind, 2))


def code_units(text: str, encoding: str) -> int:
    """The length of ``text`` in the code units of ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def to_client_column(line: str, column: int, encoding: str) -> int:
    """A code-point column of ``line`` in the client's units."""
    return code_units(line[:column], encoding)


def from_client_column(line: str, character: int, encoding: str) -> int:
    """A client column of ``line`` as a code-point column; past the end of the line is its end, and
    a column inside a character (half a surrogate pair, part of a UTF-8 sequence) rounds up past it."""
    if encoding == UTF32 or line.isascii():
        return min(character, len(line))
    units = 0
    for index, char in enumerate(line):
        if units >= character:
            return index
        units += code_units(char, encoding)
    return len(line)


class LineIndex:
    """The lines of one text, to convert positions both ways."""

    def __init__(self, text: str):
        self.text = text
        self.lines = split_lines(text)
        self._offsets: list[int] | None = None

    @property
    def offsets(self) -> list[int]:
        """The offset in ``text`` at which each line starts."""
        if self._offsets is None and "\r" not in self.text:
            # every line break is one \n: the offsets are running sums, computed in C (a Python
            # loop over every line was a millisecond per keystroke on long files)
            self._offsets = list(accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        if self._offsets is None:
            offsets = [0]
            position = 0
            for line in self.lines[:-1]:
                position += len(line)
                # the line break that follows: \r\n or a single \r or \n
                position += 2 if self.text.startswith("\r\n", position) else 1
                offsets.append(position)
            self._offsets = offsets
        return self._offsets

    def line(self, number: int) -> str:
        return self.lines[number] if 0 <= number < len(self.lines) else ""

    def to_client(self, range_: Range, encoding: str) -> types.Range:
        return types.Range(
            start=self.position_to_client(range_.start_line, range_.start_column, encoding),
            end=self.position_to_client(range_.end_line, range_.end_column, encoding),
        )

    def position_to_client(self, line: int, column: int, encoding: str) -> types.Position:
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return types.Position(line=last, character=code_units(self.lines[last], encoding))
        return types.Position(line=line, character=to_client_column(self.lines[line], column, encoding))

    def from_client(self, range_: types.Range, encoding: str) -> Range:
        start_line, start_column = self.position_from_client(range_.start, encoding)
        end_line, end_column = self.position_from_client(range_.end, encoding)
        return Range(start_line, start_column, end_line, end_column)

    def position_from_client(self, position: types.Position, encoding: str) -> tuple[int, int]:
        """A client position as (line, code-point column), clamped to the text."""
        if position.line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.lines[last])
        return position.line, from_client_column(self.lines[position.line], position.character, encoding)

    def offset(self, line: int, column: int) -> int:
        """The offset in ``text`` of a (line, code-point column) position."""
        if line >= len(self.lines):
            return len(self.text)
        return self.offsets[line] + min(column, len(self.lines[line]))

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, code-point column) of an offset in ``text``."""
        offsets = self.offsets
        low, high = 0, len(offsets) - 1
        while low < high:  # the last line starting at or before offset
            middle = (low + high + 1) // 2
            if offsets[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low, min(offset - offsets[low], len(self.lines[low]))


def single_edit(old: LineIndex, new_text: str) -> tuple[Range, str]:
    """One edit turning ``old.text`` into ``new_text``, replacing only the part that differs (never
    half of a ``\r\n``)."""
    old_text = old.text
    limit = min(len(old_text), len(new_text))
    prefix = 0
    while prefix < limit and old_text[prefix] == new_text[prefix]:
        prefix += 1
    if old_text[prefix - 1 : prefix + 1] == "\r\n":
        prefix -= 1
    suffix = 0
    while suffix < limit - prefix and old_text[-1 - suffix] == new_text[-1 - suffix]:
        suffix += 1
    old_end = len(old_text) - suffix
    if suffix and old_text[old_end - 1 : old_end + 1] == "\r\n":
        suffix -= 1
        old_end += 1
    return Range(*old.position(prefix), *old.position(old_end)), new_text[prefix : len(new_text) - suffix]


class Shift:
    """Moves ranges through one change: ``replaced`` (code points) replaced by ``new_text``.

    Calling it on a range gives where the range stands after the change, the same object when
    the change left it where it was, and None when the change rewrote part of it. Text inserted
    strictly inside a range widens it; text inserted where it starts pushes it on; text inserted
    where it ends stays outside it.
    """

    def __init__(self, replaced: Range, new_text: str):
        self.start = (replaced.start_line, replaced.start_column)
        self.end = (replaced.end_line, replaced.end_column)
        inserted = split_lines(new_text)
        self.added_lines = len(inserted) - 1
        self.last_line_length = len(inserted[-1])

    def __call__(self, range_: Range) -> Range | None:
        start = (range_.start_line, range_.start_column)
        end = (range_.end_line, range_.end_column)
        if self.start != self.end and start < self.end and self.start < end:
            return None
        if end <= self.start:
            return range_
        new_start = start if start < self.end else self._moved(start)
        return Range(*new_start, *self._moved(end))

    def _moved(self, position: tuple[int, int]) -> tuple[int, int]:
        """A position at or after the replaced text."""
        line, column = position
        if line == self.end[0]:
            base = self.start[1] if self.added_lines == 0 else 0
            return self.start[0] + self.added_lines, base + self.last_line_length + column - self.end[1]
        return line + self.added_lines - (self.end[0] - self.start[0]), column


def before_changes(document: Document, line: int, column: int) -> tuple[int, int] | None:
    """A position of the document's text in the text its model was built from; None inside text
    changed since."""
    point = Range(line, column, line, column)
    for _, back in reversed(document.model_shifts):
        moved = back(point)
        if moved is None:
            return None
        point = moved
    return point.start_line, point.start_column


def after_changes(document: Document, range_: Range) -> Range | None:
    """A range of the model's text in the document's text, when the changes since left it whole
    and the same (``create_task`` typed on into ``create_tasks`` is another name)."""
    model = document.model
    assert model is not None
    moved = range_
    for forward, _ in document.model_shifts:
        shifted = forward(moved)
        if shifted is None:
            return None
        moved = shifted
    if moved is range_ or range_.start_line != range_.end_line:
        return moved
    old = model.lines[range_.start_line][range_.start_column : range_.end_column]
    line = document.index.line(moved.start_line)
    new = line[moved.start_column : moved.end_column]
    before = line[moved.start_column - 1 : moved.start_column] if moved.start_column else ""
    after = line[moved.end_column : moved.end_column + 1]
    return moved if new == old and not _continues_word(before) and not _continues_word(after) else None


def _continues_word(character: str) -> bool:
    return character.isalnum() or character == "_"
