"""Jupyter notebooks: their Python code cells joined into one document, and back.

A notebook is linted as one module: its code cells, in order, each starting on a line of its own
(``Notebook.text``), linted with ``notebook=True`` (top-level ``await`` parses; the top level runs
in the kernel's event loop, ``SemanticModel.in_running_loop``). ``Notebook.locate`` maps a line
of that text back to a cell and a line in it.

IPython syntax is masked so that cells still parse: a line magic (``%time``, ``!pip install``,
``x = !ls``, ``obj?``) becomes ``...`` (an assignment keeps its target: ``x = ...``), with its
indentation, and the lines it continues onto with a backslash become blank, so line numbers do
not move. A cell whose cell magic makes it something other than
Python (``%%bash``, ``%%html``, ``%%writefile``) is not linted; ``%%time``-like magics keep their
Python body, and only their first line is masked. Lines are masked by their start, as IPython's
line transforms read them: a line of a string spanning lines that starts with ``%`` or ``!`` is
masked too, which changes nothing but that string's text in the linted copy.

Fixes come back through ``Notebook.cell_sources``: the fixed text is split into cells again (an
inserted line at a cell boundary stays with the cell before) and the masked lines get their
magics back. ``updated_json`` writes changed cells' ``source`` into the notebook's JSON text and
leaves every other byte as it was: outputs, metadata, other cells, indentation, key order.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

#: cell magics whose body is Python, run (and timed, profiled, captured) by IPython
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

#: a line that is IPython syntax: a magic, a shell escape, help (``?obj``)
_MAGIC_LINE = re.compile(r"^\s*[%!?]")
#: ``name = %magic`` / ``name = !command``
_MAGIC_ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][\w.]*\s*=\s*)[%!]")
#: help: ``obj?``, ``obj??``
_HELP_SUFFIX = re.compile(r"^\s*[\w.]+\?{1,2}\s*$")
#: one line with its line break (the last line may have none), breaking where ``ast`` does
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_MASK = "..."


class NotebookError(ValueError):
    """The file is not a notebook this module can read (not JSON, no ``cells`` list)."""


@dataclass(frozen=True)
class Cell:
    """One linted code cell."""

    #: the cell's position among all cells of the notebook, 0-based (markdown cells count)
    index: int
    #: the cell's text as the notebook has it
    source: str
    #: the first line of the cell in ``Notebook.text``
    start_line: int
    #: lines of the cell (0-based, in the cell) whose IPython syntax was masked
    masked_lines: frozenset[int]

    @property
    def number(self) -> int:
        """The cell's number as shown to users: 1-based, every cell counted (as ruff shows it)."""
        return self.index + 1


@dataclass(frozen=True)
class Notebook:
    cells: tuple[Cell, ...]
    #: the linted cells, masked, joined: each cell starts on a line of its own
    text: str

    @classmethod
    def from_json(cls, raw: str) -> Notebook:
        """The notebook of a ``.ipynb`` file's text. Raises ``NotebookError``."""
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as error:
            raise NotebookError(f"not a notebook: {error}") from error
        cells = document.get("cells") if isinstance(document, dict) else None
        if not isinstance(cells, list):
            raise NotebookError("not a notebook: no list of cells")
        if not _is_python(document.get("metadata")):
            return cls.from_cells([])
        sources = [
            (index, _text_of(cell.get("source", "")))
            for index, cell in enumerate(cells)
            if isinstance(cell, dict) and cell.get("cell_type") == "code"
        ]
        return cls.from_cells(sources)

    @classmethod
    def from_cells(cls, cells: list[tuple[int, str]]) -> Notebook:
        """The notebook of these code cells, ``(index among all cells, text)`` in order (the
        language server has the cells' texts, not the JSON)."""
        linted: list[Cell] = []
        parts: list[str] = []
        line = 0
        for index, source in cells:
            masked = _masked(source)
            if masked is None:
                continue
            text, masked_lines = masked
            linted.append(Cell(index, source, line, masked_lines))
            if text and not text.endswith(("\n", "\r")):
                text += "\n"
            parts.append(text)
            line += len(_LINE.findall(text))
        return cls(tuple(linted), "".join(parts))

    def locate(self, line: int) -> tuple[Cell, int] | None:
        """The cell holding a line of ``text``, and the line's number in the cell (0-based)."""
        found = None
        for cell in self.cells:
            if cell.start_line > line:
                break
            found = cell
        if found is None:
            return None
        return found, line - found.start_line

    def cell_sources(self, fixed_text: str) -> dict[int, str] | None:
        """The new text of each cell that ``fixed_text`` (``text`` after fixes) changes, by cell
        index; None when a fix touched a masked line, which could not be given back its magic."""
        old_lines = _LINE.findall(self.text)
        new_lines = _LINE.findall(fixed_text)
        # new_of[i]: the line of the new text that old line i became; inserted lines count
        # before the old line they precede, so that a line inserted at a cell boundary (an import
        # after the imports of a cell) stays with the cell before
        new_of = [0] * (len(old_lines) + 1)
        touched: set[int] = set()
        opcodes = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
        for tag, old_start, old_end, new_start, new_end in opcodes:
            for offset, old in enumerate(range(old_start, old_end)):
                new_of[old] = new_start + min(offset, new_end - new_start)
            if tag == "insert":
                new_of[old_start] = new_end
            elif tag != "equal":
                touched.update(range(old_start, old_end))
        new_of[len(old_lines)] = len(new_lines)
        changed: dict[int, str] = {}
        ends = [cell.start_line for cell in self.cells[1:]] + [len(old_lines)]
        for position, (cell, end) in enumerate(zip(self.cells, ends)):
            start = cell.start_line
            new_start = 0 if position == 0 else new_of[start]
            new_end = new_of[end]
            if new_end - new_start == end - start and not touched.intersection(range(start, end)):
                continue
            if any(start + masked in touched for masked in cell.masked_lines):
                return None
            cell_lines = new_lines[new_start:new_end]
            originals = _LINE.findall(cell.source)
            for masked in cell.masked_lines:
                cell_lines[new_of[start + masked] - new_start] = originals[masked]
            text = "".join(cell_lines)
            if not cell.source.endswith(("\n", "\r")) and text.endswith("\n"):
                text = text[:-1]  # the line break joining it to the next cell
            if text != cell.source:
                changed[cell.index] = text
        return changed


def _is_python(metadata: object) -> bool:
    """False when the notebook's metadata names a kernel language other than Python."""
    if not isinstance(metadata, dict):
        return True
    language_info = metadata.get("language_info")
    kernelspec = metadata.get("kernelspec")
    language = (language_info.get("name") if isinstance(language_info, dict) else None) or (
        kernelspec.get("language") if isinstance(kernelspec, dict) else None
    )
    return language is None or str(language).lower().startswith("python")


def _text_of(source: object) -> str:
    """nbformat stores a cell's source as a string or a list of lines."""
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    return str(source)


def _masked(source: str) -> tuple[str, frozenset[int]] | None:
    """The cell's text with IPython syntax masked, and the lines masked; None for a cell that is
    not Python (a cell magic like ``%%bash``)."""
    lines = _LINE.findall(source)
    masked_lines: set[int] = set()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return None
    continued = False
    for number, line in enumerate(lines):
        body, ending = _split_ending(line)
        indent = body[: len(body) - len(body.lstrip())]
        assignment = _MAGIC_ASSIGNMENT.match(body)
        if continued:  # a magic's continuation line: blank, which any indentation allows
            lines[number] = ending
        elif _MAGIC_LINE.match(body) or _HELP_SUFFIX.match(body):
            lines[number] = f"{indent}{_MASK}{ending}"
        elif assignment is not None:
            lines[number] = f"{assignment.group(1)}{_MASK}{ending}"
        else:
            continue
        masked_lines.add(number)
        continued = body.endswith("\\")
    return "".join(lines), frozenset(masked_lines)


def _split_ending(line: str) -> tuple[str, str]:
    stripped = line.rstrip("\r\n")
    return stripped, line[len(stripped) :]


def updated_json(raw: str, sources: dict[int, str]) -> str:
    """The notebook's JSON text with the ``source`` of the cells in ``sources`` (by index)
    replaced; every other character stays. Each source keeps its form: a list of lines (as
    nbformat writes it) in the list's own layout, or a string."""
    spans = _source_spans(raw)
    result = raw
    for index in sorted(sources, reverse=True):
        start, end = spans[index]
        result = result[:start] + _encode_like(raw[start:end], sources[index]) + result[end:]
    return result


def _encode_like(original: str, source: str) -> str:
    """``source`` as JSON, in the form and layout of ``original`` (the encoded old source)."""
    ascii_only = original.isascii() and "\\u" in original
    if not original.startswith("["):
        return json.dumps(source, ensure_ascii=ascii_only)
    items = [json.dumps(line, ensure_ascii=ascii_only) for line in source.splitlines(keepends=True)]
    layout = re.fullmatch(r"\[(\s*)(.*?)(\s*)\]", original, flags=re.DOTALL)
    assert layout is not None
    before, _, after = layout.groups()
    if not items:
        return "[]"
    return f"[{before}{(',' + before).join(items)}{after}]"


def _source_spans(raw: str) -> dict[int, tuple[int, int]]:
    """Where each cell's ``source`` value stands in the notebook's JSON text, by cell index."""
    decoder = json.JSONDecoder()
    spans: dict[int, tuple[int, int]] = {}
    position = _skip(raw, 0, "{")
    while raw[position] != "}":
        key, position = json.decoder.scanstring(raw, position + 1)
        position = _skip(raw, position, ":")
        if key != "cells":
            _, position = decoder.raw_decode(raw, position)
        else:
            position = _skip(raw, position, "[")
            index = 0
            while raw[position] != "]":
                position = _skip(raw, position, "{")
                while raw[position] != "}":
                    cell_key, position = json.decoder.scanstring(raw, position + 1)
                    position = _skip(raw, position, ":")
                    start = position
                    _, position = decoder.raw_decode(raw, position)
                    if cell_key == "source":
                        spans[index] = (start, position)
                    position = _after_separator(raw, position)
                position = _after_separator(raw, position + 1)
                index += 1
            position += 1
        position = _after_separator(raw, position)
    return spans


def _skip(raw: str, position: int, expected: str) -> int:
    """The position of the first non-blank character after ``expected`` (which follows blanks)."""
    position = _blank_end(raw, position)
    if raw[position] != expected:
        raise NotebookError(f"not a notebook: expected {expected!r} at character {position}")
    return _blank_end(raw, position + 1)


def _after_separator(raw: str, position: int) -> int:
    """After a value: the position of the next key or value (a comma passed), or of the closing bracket."""
    position = _blank_end(raw, position)
    if raw[position] == ",":
        position = _blank_end(raw, position + 1)
    return position


def _blank_end(raw: str, position: int) -> int:
    while raw[position] in " \t\r\n":
        position += 1
    return position
