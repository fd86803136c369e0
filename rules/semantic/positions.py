"""Positions: ranges in the lines and code-point columns editors count, and the source text of nodes.

The stdlib ``ast`` counts columns in UTF-8 bytes; LSP and ``Range`` count code points (``str``
indices), 0-based lines. ``Range`` lives here, below the rest of the engine, because the model
makes ranges and every other layer (rules, diagnostics, fixes) uses them.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_ASYNC_DEF = re.compile(r"async\s+def\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, order=True)
class Range:
    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        return (self.start_line, self.start_column) <= (line, column) <= (self.end_line, self.end_column)

    def overlaps(self, other: Range) -> bool:
        return not (
            (self.end_line, self.end_column) <= (other.start_line, other.start_column)
            or (other.end_line, other.end_column) <= (self.start_line, self.start_column)
        )


def split_lines(source: str) -> list[str]:
    """The source's lines as ``ast`` and LSP count them: only \\n, \\r\\n and \\r end a line."""
    if "\r" not in source:
        return source.split("\n")  # the same lines, several times faster than the pattern
    return _LINE_BREAK.split(source)


class Positions:
    """Ranges and text of the nodes of one source, given as its lines (``split_lines``)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        #: 1-based line -> whether it is ASCII, where byte and code-point columns agree
        self._ascii_lines: dict[int, bool] = {}

    def column(self, line: int, byte_offset: int) -> int:
        """Convert an ``ast`` column (UTF-8 bytes) on a 1-based line to a code-point column."""
        is_ascii = self._ascii_lines.get(line)
        if is_ascii is None:
            is_ascii = self._ascii_lines[line] = self.lines[line - 1].isascii() if line <= len(self.lines) else True
        if is_ascii:
            return byte_offset
        return len(self.lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def range_of(self, node: ast.AST) -> Range:
        start_line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or start_line
        end_offset = getattr(node, "end_col_offset", None)
        start = self.column(start_line, node.col_offset)  # type: ignore[attr-defined]
        end = self.column(end_line, end_offset) if end_offset is not None else start
        return Range(start_line - 1, start, end_line - 1, end)

    def header_range(self, node: ast.AsyncFunctionDef) -> Range:
        """``async def name``: a range for diagnostics about a whole coroutine function that covers
        its header, not its body."""
        line = node.lineno - 1
        start = self.column(node.lineno, node.col_offset)
        text = self.lines[line]
        match = _ASYNC_DEF.match(text, start)
        if match is not None and text.startswith(node.name, match.end()):
            return Range(line, start, line, match.end() + len(node.name))
        return Range(line, start, line, len(text))

    def segment(self, node: ast.AST) -> str:
        """The source text of a node."""
        r = self.range_of(node)
        if r.start_line == r.end_line:
            return self.lines[r.start_line][r.start_column : r.end_column]
        parts = [self.lines[r.start_line][r.start_column :]]
        parts.extend(self.lines[r.start_line + 1 : r.end_line])
        parts.append(self.lines[r.end_line][: r.end_column])
        return "\n".join(parts)
