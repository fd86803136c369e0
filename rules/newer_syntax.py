"""Recognise syntax that a newer Python accepts, in a file the running Python cannot parse.

asyncguide parses with the ``ast`` of the Python it runs on, so a project written for Python 3.12
(a ``type`` statement, ``def first[T](...)``) or 3.14 (``except A, B:``) does not parse when
asyncguide runs on 3.11. The syntax error then says only "invalid syntax"; ``newer_syntax`` tells,
from the error's place and message and the tokens there, which construct it is and which Python
it needs, so that the finding can say to run asyncguide with that Python.

Each check looks for one construct at the error: a construct that is also an error in the newer
Python (``except A, B as e:``) is not reported as newer syntax. Nothing is guessed from the
message alone.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NewerSyntax:
    construct: str  # Markdown, e.g. "a `type` statement"
    pep: int  # the PEP that brought it
    python: tuple[int, int]  # the first Python that accepts it

    @property
    def version(self) -> str:
        return f"{self.python[0]}.{self.python[1]}"


def newer_syntax(
    source: str, error: SyntaxError, running: tuple[int, int] | None = None
) -> NewerSyntax | None:
    """The newer construct that ``error`` stopped at, when ``running`` (the running Python by
    default) is older than the Python that accepts it; None for any other syntax error."""
    running = running or sys.version_info[:2]
    lines = source.splitlines()
    if not error.lineno or error.lineno > len(lines):
        return None
    at = SyntaxAt(lines, error.lineno - 1, max((error.offset or 1) - 1, 0), error.msg or "")
    for recognise in RECOGNISERS:
        found = recognise(at)
        if found is not None:
            return found if running < found.python else None
    return None


@dataclass(frozen=True)
class SyntaxAt:
    lines: list[str]
    line: int  # 0-based
    column: int  # 0-based
    message: str

    @property
    def text(self) -> str:
        return self.lines[self.line]


#: ``type Name =`` or ``type Name[...] =``: never a valid statement before 3.12
_TYPE_STATEMENT = re.compile(r"^\s*type\s+[A-Za-z_]\w*\s*(?P<parameters>\[.*\])?\s*=")
#: ``def name[`` / ``async def name[`` / ``class Name[``
_GENERIC = re.compile(r"^\s*(?:(?:async\s+)?def|class)\s+[A-Za-z_]\w*\s*(?P<parameters>\[.*)")


def _type_parameters(at: SyntaxAt) -> NewerSyntax | None:
    """PEP 695 (3.12): type parameter lists and ``type`` statements; a type parameter with a
    default (PEP 696) needs 3.13."""
    statement = _TYPE_STATEMENT.match(at.text)
    generic = _GENERIC.match(at.text)
    if statement is not None:
        construct = "a `type` statement"
        parameters = statement["parameters"] or ""
    elif generic is not None and at.column >= generic.start("parameters") - 1:
        construct = "a type parameter list"
        parameters = generic["parameters"]
    else:
        return None
    if _has_default(parameters):
        return NewerSyntax("a type parameter default", 696, (3, 13))
    return NewerSyntax(construct, 695, (3, 12))


def _has_default(parameters: str) -> bool:
    """Whether the bracketed type parameters (``[T = int, ...]``) give one a default."""
    depth = 0
    for character in parameters:
        if character in "[(":
            depth += 1
        elif character in "])":
            depth -= 1
            if depth == 0:
                return False
        elif character == "=" and depth == 1:
            return True
    return False


_EXCEPT = re.compile(r"^\s*except\s*(?P<star>\*)?(?P<types>[^:]*):")


def _except_without_parentheses(at: SyntaxAt) -> NewerSyntax | None:
    """PEP 758 (3.14): ``except A, B:`` without parentheses, when nothing is bound with ``as``."""
    if at.message != "multiple exception types must be parenthesized":
        return None
    clause = _EXCEPT.match(at.text)
    if clause is None or re.search(r"\bas\b", clause["types"]):
        return None
    return NewerSyntax("`except` with several exception types and no parentheses", 758, (3, 14))


def _except_star(at: SyntaxAt) -> NewerSyntax | None:
    """PEP 654 (3.11): ``except*``."""
    clause = _EXCEPT.match(at.text)
    if clause is None or clause["star"] is None:
        return None
    return NewerSyntax("`except*`", 654, (3, 11))


#: a string prefix with ``t`` (template strings, PEP 750) right before a quote
_TEMPLATE_PREFIX = re.compile(r"(?<![\w.])(?:[tT][rR]?|[rR][tT])(?=[\"'])")


def _template_string(at: SyntaxAt) -> NewerSyntax | None:
    """PEP 750 (3.14): ``t"..."``."""
    for prefix in _TEMPLATE_PREFIX.finditer(at.text):
        if prefix.start() <= at.column <= prefix.end():
            return NewerSyntax('a template string, `t"..."`', 750, (3, 14))
    return None


#: how many lines before the error an f-string that it belongs to may start, and go on after it
_FSTRING_LINES = 50
#: a string literal's start: its prefix and its quote
_STRING_START = re.compile(r"(?<![\w.])(?P<prefix>[rRbBuUfF]{0,2})(?P<quote>\"\"\"|'''|\"|')")


def _fstring(at: SyntaxAt) -> NewerSyntax | None:
    """PEP 701 (3.12): an f-string whose replacement field holds its own quote, a backslash, a
    comment, or (in a single-quoted f-string) a line break."""
    if not (at.message.startswith("f-string") or "string literal" in at.message):
        return None
    first = max(0, at.line - _FSTRING_LINES)
    before = "\n".join(at.lines[first : at.line + 1])
    # the f-string may go on after the line of the error (Python 3.11 reports some at their start)
    text = "\n".join(at.lines[first : at.line + 1 + _FSTRING_LINES])
    for start in _STRING_START.finditer(text, endpos=len(before)):
        if "f" not in start["prefix"].lower():
            continue
        scanned = _scan_fstring(text, start.end(), start["quote"])
        if scanned is not None and scanned[1]:
            return NewerSyntax(
                "an f-string with quotes, a backslash, a comment or a line break inside `{}`", 701, (3, 12)
            )
    return None


def _scan_fstring(text: str, index: int, quote: str) -> tuple[int, bool] | None:
    """Read the f-string whose body starts at ``index`` as Python 3.12 does: where it ends, and
    whether a replacement field holds what only 3.12 accepts there. None when it does not end
    well in 3.12 either: then the syntax error is a real one."""
    newer = False
    depth = 0  # of brackets, inside a replacement field
    while index < len(text):
        character = text[index]
        if depth == 0:
            if text.startswith(quote, index):
                return index + len(quote), newer
            if character == "\\" or text.startswith("{{", index):
                index += 2
                continue
            if character == "{":
                depth = 1
            elif character == "\n" and len(quote) == 1:
                return None
            index += 1
            continue
        string = _STRING_START.match(text, index)
        if string is not None:
            newer = newer or string["quote"].startswith(quote)
            if "f" in string["prefix"].lower():
                inner = _scan_fstring(text, string.end(), string["quote"])
            else:
                inner = _scan_string(text, string.end(), string["quote"])
            if inner is None:
                return None
            index, inner_newer = inner
            newer = newer or inner_newer
            continue
        if character == "#":
            newer = True
            index = text.find("\n", index)
            if index < 0:
                return None
            continue
        if character == "\\" or (character == "\n" and len(quote) == 1):
            newer = True
        elif character in "{[(":
            depth += 1
        elif character in "}])":
            depth -= 1
        index += 1
    return None


def _scan_string(text: str, index: int, quote: str) -> tuple[int, bool] | None:
    """Where the plain string literal whose body starts at ``index`` ends, and whether it holds a
    backslash (which Python 3.11 refuses inside a replacement field); None when it does not end."""
    backslash = False
    while index < len(text):
        if text.startswith(quote, index):
            return index + len(quote), backslash
        if text[index] == "\\":
            backslash = True
            index += 2
            continue
        if text[index] == "\n" and len(quote) == 1:
            return None
        index += 1
    return None


RECOGNISERS: tuple[Callable[[SyntaxAt], NewerSyntax | None], ...] = (
    _type_parameters,
    _except_without_parentheses,
    _except_star,
    _template_string,
    _fstring,
)


def newer_syntax_message(found: NewerSyntax, running: tuple[int, int] | None = None) -> str:
    """The syntax error's message for a construct of a newer Python."""
    running = running or sys.version_info[:2]
    return (
        f"{found.construct} (PEP {found.pep}) needs Python {found.version}; asyncguide runs on Python "
        f"{running[0]}.{running[1]} and cannot parse this file: run asyncguide with Python ≥ {found.version}"
    )
