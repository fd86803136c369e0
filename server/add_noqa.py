"""``asyncguide check --add-noqa``: suppress every current finding with a ``# noqa: CODE`` comment,
so that a code base adopts asyncguide and only new code is held to it.

Each finding's codes go on the line its ``# noqa`` is read from (``rules.noqa``: after a string
spanning lines closes, after a backslash continuation ends), merged into a ``# noqa: ...`` already
there. A file whose edited text would not parse is left as it was and reported. In a notebook the
comments go into the cells' sources (``rules.notebooks.updated_json``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..rules.noqa import CommentLines, with_noqa
from ..rules.notebooks import Notebook, NotebookError, updated_json
from ..rules.runner import parses
from .check import SYNTAX_ERROR_CODE, FileResult, read_source

#: one line with its line break (the last line may have none), breaking where ``ast`` does
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BREAK = re.compile(r"(\r\n|\r|\n)\Z")


def add_noqa(results: Sequence[FileResult]) -> tuple[int, list[str]]:
    """Add ``# noqa`` comments for the findings of ``results`` to their files. Returns how many
    lines were changed, and what failed (one line each for stderr)."""
    changed = 0
    failures = []
    for result in results:
        # cell number (None outside notebooks) -> line -> codes
        codes_by_line: dict[int | None, dict[int, set[str]]] = {}
        for finding in result.findings:
            if finding.diagnostic.code != SYNTAX_ERROR_CODE:  # a file that does not parse has no comments
                lines = codes_by_line.setdefault(finding.cell, {})
                lines.setdefault(finding.diagnostic.range.start_line, set()).add(finding.diagnostic.code)
        if not codes_by_line:
            continue
        try:
            source, encoding = read_source(result.path)
            if None in codes_by_line:
                edited, lines_changed = source_with_noqa(source, codes_by_line[None])
                parsed = parses(edited)
            else:
                edited, lines_changed, parsed = notebook_with_noqa(source, codes_by_line)
        except (OSError, SyntaxError, UnicodeDecodeError, NotebookError) as error:
            failures.append(f"cannot add noqa comments to {result.display_path}: {error}")
            continue
        if not lines_changed:
            continue
        if not parsed:
            failures.append(f"cannot add noqa comments to {result.display_path}: the result would not parse (left unchanged)")
            continue
        try:
            result.path.write_bytes(edited.encode(encoding))
        except (OSError, UnicodeEncodeError) as error:
            failures.append(f"cannot write the noqa comments to {result.display_path}: {error}")
            continue
        changed += lines_changed
    return changed, failures


def notebook_with_noqa(raw: str, codes_by_line: dict[int | None, dict[int, set[str]]]) -> tuple[str, int, bool]:
    """The notebook's JSON text with the codes added to its cells' lines (``codes_by_line``: by
    cell number, then 0-based line in the cell); how many lines changed; whether the cells parse."""
    notebook = Notebook.from_json(raw)
    cells = {cell.number: cell for cell in notebook.cells}
    sources = {}
    changed = 0
    for number, lines in codes_by_line.items():
        cell = cells[number]  # type: ignore[index]
        sources[cell.index], lines_changed = source_with_noqa(cell.source, lines)
        changed += lines_changed
    edited = Notebook.from_cells([(cell.index, sources.get(cell.index, cell.source)) for cell in notebook.cells])
    return updated_json(raw, sources), changed, parses(edited.text)


def source_with_noqa(source: str, codes_by_line: dict[int, set[str]]) -> tuple[str, int]:
    """``source`` with the codes of each 0-based line added to the ``# noqa`` of the line that
    takes its comment; and how many lines changed."""
    comment_lines = CommentLines(source)
    codes_by_comment_line: dict[int, set[str]] = {}
    for line, codes in codes_by_line.items():
        codes_by_comment_line.setdefault(comment_lines[line], set()).update(codes)
    lines = _LINE.findall(source)
    changed = 0
    for number, codes in codes_by_comment_line.items():
        if number >= len(lines):
            continue
        text = lines[number]
        line_break = _BREAK.search(text)
        ending = line_break.group() if line_break else ""
        body = text[: len(text) - len(ending)]
        new_body = with_noqa(body, codes)
        if new_body != body:
            lines[number] = new_body + ending
            changed += 1
    return "".join(lines), changed
