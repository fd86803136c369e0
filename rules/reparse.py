"""Parsing a document again after an edit, parsing only the statements the edit touched.

On a keystroke, parsing is a third of a lint of a long module (7,000 lines: ~20 ms of ~70), and
nearly all of it re-reads statements that did not change. ``reparse`` parses only the top-level
statements around the changed lines and takes every other statement from the previous tree, the
same node objects.

Why the result is the tree a full parse gives: the window parsed starts where a top-level
statement started in the previous text, after an unchanged prefix, so the tokenizer is there at a
fresh statement at indentation 0, as in a full parse. The window ends where the next unchanged
top-level statement starts; when the window parses on its own, it closes every bracket, string,
block and line continuation it opens, so the rest of the text reads from a fresh statement too,
as it did before. A window that does not parse on its own (an unclosed bracket, a decorator left
without its function, a line indented into the statement before) tells nothing: the caller then
parses the whole text, which gives the syntax error its real position.

After an edit that adds or removes lines, the statements after it are re-used with their line
numbers moved (``_move``): about half the cost of parsing them.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from copy import copy as copy_node

_LINE_END = re.compile(r"\r\n|\r|\n")


def reparse(tree: ast.Module, lines: list[str], source: str, new_lines: list[str]) -> ast.Module | None:
    """The module ``source`` parses to, re-using the statements of ``tree`` (the parse of the text
    whose lines were ``lines``) outside the changed lines; None when that cannot be done (the
    caller parses the whole text).

    ``new_lines`` are the lines of ``source`` (``model.split_lines``). The statements re-used
    still belong to ``tree``'s owner too, and those after an edit that added or removed lines are
    moved: the owner must not be used afterwards.
    """
    if not tree.body:
        return None
    first = _common_prefix(lines, new_lines)
    if first == len(lines) == len(new_lines):  # the same lines (line endings aside): the same statements
        return ast.Module(body=list(tree.body), type_ignores=[])
    end = len(lines) - _common_suffix(lines, new_lines, first)  # the first unchanged line after, previously
    moved: list[ast.stmt] = []
    body = _respliced(tree.body, first, end, len(lines), lines, source, new_lines, moved)
    if body is None:
        return None
    delta = len(new_lines) - len(lines)
    if delta:
        for statement in moved:
            _move(statement, delta)
    return ast.Module(body=body, type_ignores=[])


def _respliced(
    body: list[ast.stmt],
    first: int,
    end: int,
    body_end: int,
    lines: list[str],
    source: str,
    new_lines: list[str],
    moved: list[ast.stmt],
) -> list[ast.stmt] | None:
    """``body``, a block of statements ending before line ``body_end``, with the statements
    holding the changed lines ``first`` to ``end`` (0-based in the previous text, end excluded)
    parsed again; the statements after them, whose lines move when the edit added or removed
    some, are added to ``moved``."""
    delta = len(new_lines) - len(lines)
    starts = [_start_line(statement) for statement in body]
    before = bisect_right(starts, first) - 1  # the statement holding (or preceding) the first changed line
    if before > 0:
        before = bisect_left(starts, starts[before])  # the first of the statements on its line (``a; b``)
    after = bisect_left(starts, end)  # the first statement starting after the changed lines
    if after == before + 1 and (inner := _changed_block(body[before], first, end, lines)) is not None:
        # all the change is inside one class's or function's body: re-parse less than that statement
        container = body[before]
        inner_moved: list[ast.stmt] = []
        respliced = _respliced(inner, first, end, container.end_lineno or 0, lines, source, new_lines, inner_moved)
        if respliced is not None:
            # its last statement may be one re-used and not moved yet: the end it will have
            last_moves = any(respliced[-1] is statement for statement in inner_moved)
            copy = _with_body(container, respliced, delta if last_moves else 0)
            moved.extend(inner_moved)
            moved.extend(body[after:])
            return [*body[:before], copy, *body[after:]]
    window_start = starts[before] if before >= 0 else 0
    window_end = (starts[after] if after < len(starts) else body_end) + delta
    window = _text_between(source, new_lines, window_start, window_end)
    if all(not line.strip() or line.lstrip().startswith("#") for line in new_lines[window_start:window_end]):
        # blank lines or comments (Enter pressed between statements): no tokens, no statements
        remaining = [*body[: max(before, 0)], *body[after:]]
        if not remaining and body[0].col_offset > 0:
            return None  # a block left empty does not parse
        moved.extend(body[after:])
        return remaining
    nested = bool(body) and body[0].col_offset > 0
    if nested:
        # an indented block parses as the body of a statement of its own: columns stay the text's
        # (a class: no ``else:`` typed at column 0 can join it as it would join an ``if``)
        window = "class _:\n" + window
    try:
        parsed = ast.parse(window, type_comments=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if nested:
        # The block's indentation is set by its first line and must hold for every statement of
        # it; the window's own block knows only its first line's. Same text of indentation, or
        # the whole text is parsed (``\t`` and a space are one character each, not one column).
        indentation = lines[_start_line(body[0])][: body[0].col_offset]
        if len(parsed.body) != 1 or any(
            new_lines[window_start + _start_line(s) - 1][: s.col_offset] != indentation
            for s in parsed.body[0].body  # type: ignore[attr-defined]
        ):
            return None
    ast.increment_lineno(parsed, window_start - 1 if nested else window_start)
    statements = parsed.body[0].body if nested else parsed.body  # type: ignore[attr-defined]
    moved.extend(body[after:])
    return [*body[: max(before, 0)], *statements, *body[after:]]


def _changed_block(statement: ast.stmt, first: int, end: int, lines: list[str]) -> list[ast.stmt] | None:
    """The body of a ``class``/``def`` statement when the changed lines all lie inside it, on lines
    of the body alone (not the header's: ``def f(): return 1`` has none)."""
    if not isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    head = statement.body[0]
    head_line = _start_line(head)
    if first < head_line or end > (statement.end_lineno or 0) or lines[head_line][: head.col_offset].strip():
        return None
    return statement.body


def _with_body(statement: ast.stmt, body: list[ast.stmt], end_moves: int) -> ast.stmt:
    """A copy of ``statement`` (the original stays as it was) with ``body``, ending where its last
    statement ends, ``end_moves`` lines further."""
    copy = copy_node(statement)
    copy.body = body  # type: ignore[attr-defined]
    copy.end_lineno = (body[-1].end_lineno or 0) + end_moves
    copy.end_col_offset = body[-1].end_col_offset
    return copy


def _move(statement: ast.stmt, delta: int) -> None:
    """Move a statement and everything in it ``delta`` lines down (up when negative).

    What ``ast.increment_lineno`` does, in half its time (it walks with ``ast.walk`` and ``getattr``);
    this runs over every statement after a line added on each Enter."""
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        attributes = node.__dict__
        lineno = attributes.get("lineno")
        if lineno is not None:
            attributes["lineno"] = lineno + delta
            end_lineno = attributes.get("end_lineno")
            if end_lineno is not None:
                attributes["end_lineno"] = end_lineno + delta
        for name in node._fields:
            value = attributes.get(name)
            if value.__class__ is list:
                pending.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                pending.append(value)


def _common_prefix(a: list[str], b: list[str]) -> int:
    """How many leading lines ``a`` and ``b`` share."""
    count = min(len(a), len(b))
    for index in range(count):
        if a[index] != b[index]:
            return index
    return count


def _common_suffix(a: list[str], b: list[str], prefix: int) -> int:
    """How many trailing lines ``a`` and ``b`` share, besides their first ``prefix`` lines."""
    limit = min(len(a), len(b)) - prefix
    count = 0
    while count < limit and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def _start_line(statement: ast.stmt) -> int:
    """The 0-based line a top-level statement starts on, its decorators included."""
    decorators = getattr(statement, "decorator_list", None)
    if decorators:
        return min(statement.lineno, *(d.lineno for d in decorators)) - 1
    return statement.lineno - 1


def _text_between(source: str, lines: list[str], start: int, end: int) -> str:
    """The text of lines ``start`` to ``end`` (0-based, end excluded), line endings included."""
    if "\r" not in source:  # every line ends with one character
        offset = sum(map(len, lines[:start])) + start
        return source[offset : offset + sum(map(len, lines[start:end])) + (end - start)]
    line_starts = [0, *(match.end() for match in _LINE_END.finditer(source))]
    return source[line_starts[start] : line_starts[end] if end < len(line_starts) else len(source)]
