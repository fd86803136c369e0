"""``# noqa`` comments: which findings they suppress, which of their codes suppress nothing, and
how a code is added to a line.

A finding is suppressed by a ``# noqa`` (every code) or ``# noqa: CODE, ...`` comment on the line it
starts on. A line that cannot end with a comment — it lies inside a string spanning lines, or
continues with a backslash — takes its comment on the line that ends that stretch, as in ruff:
after the closing quotes, after the last continued line.

``ASG001`` (``unused-noqa``), enabled only by naming it (``extend-select = ["ASG001"]``), reports
the codes of asyncguide's rule packs that a ``# noqa`` lists without need: codes that suppressed no
finding on that line, codes of rules that are not enabled, and codes that name no rule. Codes of
other tools (``# noqa: E501``) and bare ``# noqa`` comments, which other tools read too, are left
alone. A code may be used by something other than a finding of its line: a ``# noqa: ASY200`` on
a blocking call in a plain function cuts the chains that end there (``record_use``).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .rule import Diagnostic, Range, Severity

if TYPE_CHECKING:
    from .model import SemanticModel

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE)

_ANY_NOQA = re.compile("noqa", re.IGNORECASE)

UNUSED_NOQA_CODE = "ASG001"
UNUSED_NOQA_NAME = "unused-noqa"

#: model -> 0-based line -> the codes of its ``# noqa`` that did their work without suppressing a
#: finding of that line
_USED_ELSEWHERE: weakref.WeakKeyDictionary[SemanticModel, dict[int, set[str]]] = weakref.WeakKeyDictionary()


def record_use(model: SemanticModel, line: int, codes: Iterable[str]) -> None:
    """Record that the ``# noqa`` of ``line`` (0-based) used ``codes`` though no finding of that
    line was suppressed: ``ASG001`` does not call them unused."""
    _USED_ELSEWHERE.setdefault(model, {}).setdefault(line, set()).update(codes)


def noqa_codes(line: str) -> tuple[re.Match[str] | None, list[str]]:
    """The line's ``# noqa`` comment, and the codes it lists (empty for a bare ``# noqa``)."""
    match = NOQA.search(line)
    if match is None or match.group("codes") is None:
        return match, []
    return match, [code.strip().upper() for code in match.group("codes").split(",")]


class CommentLines:
    """Where the comment of each line goes: the line itself, or for a line that cannot end with a
    comment (inside a string spanning lines, or continued with a backslash) the line ending that
    stretch.

    Only the tokenizer knows: every line that can end with a comment ends with a NEWLINE or NL
    token, so a line without one belongs to the next line that has one. The source is tokenized
    as far as the lines asked about need; code the tokenizer rejects keeps every line's own.
    """

    def __init__(self, source: str):
        self._tokens = tokenize.generate_tokens(io.StringIO(source, newline=None).readline)
        self._moved: dict[int, int] = {}
        self._first_open = 0  # the first line not yet known to end with a NEWLINE or NL token

    def __getitem__(self, line: int) -> int:
        """The 0-based line where the comment of 0-based ``line`` goes."""
        try:
            while self._first_open <= line:
                token = next(self._tokens)
                if token.type in (tokenize.NEWLINE, tokenize.NL):
                    ending = token.start[0] - 1
                    self._moved.update(dict.fromkeys(range(self._first_open, ending), ending))
                    self._first_open = ending + 1
        except (StopIteration, tokenize.TokenError, SyntaxError):
            self._first_open = 1 << 62
        return self._moved.get(line, line)


class NoqaComments:
    """The ``# noqa`` comments of one document; records which codes suppressed something."""

    def __init__(self, model: SemanticModel):
        self._model = model
        self._source = model.source
        self._lines = model.lines
        self._any = _ANY_NOQA.search(self._source) is not None
        self._comment_lines: CommentLines | None = None  # made when needed
        #: the lines a string spanning lines covers the end of, computed when needed
        self._string_lines: set[int] | None = None
        #: comment line -> the codes it suppressed (or used otherwise: ``record_use``)
        self.used: dict[int, set[str]] = {line: set(codes) for line, codes in _USED_ELSEWHERE.get(model, {}).items()}

    def comment_line(self, line: int) -> int:
        """The line where a ``# noqa`` for a finding starting on ``line`` goes."""
        if not self._may_be_moved(line):
            return line
        if self._comment_lines is None:
            self._comment_lines = CommentLines(self._source)
        return self._comment_lines[line]

    def _may_be_moved(self, line: int) -> bool:
        """Whether ``line`` may be unable to end with a comment — it ends with a backslash, or a
        string spanning lines covers its end: what the syntax tree tells cheaply, so that the
        tokenizer runs only for those lines (the server lints on every keystroke)."""
        if line >= len(self._lines) or self._lines[line].rstrip().endswith("\\"):
            return True
        if self._string_lines is None:
            self._string_lines = set()
            for node_type in (ast.Constant, ast.JoinedStr):
                for node in self._model.nodes(node_type):
                    end = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
                    if end > node.lineno:  # type: ignore[attr-defined]
                        self._string_lines.update(range(node.lineno - 1, end - 1))  # type: ignore[attr-defined]
        return line in self._string_lines

    def suppresses(self, diagnostic: Diagnostic) -> bool:
        if not self._any:
            return False
        line = diagnostic.range.start_line
        if line < len(self._lines) and NOQA.search(self._lines[line]) is None:
            line = self.comment_line(line)  # tokenizes only when the start line has no noqa
        if line >= len(self._lines):
            return False
        match, codes = noqa_codes(self._lines[line])
        if match is None or (codes and diagnostic.code not in codes):
            return False
        self.used.setdefault(line, set()).add(diagnostic.code)
        return True

    def unused(self, enabled: Iterable[str], known: Iterable[str]) -> list[Diagnostic]:
        """An ``ASG001`` diagnostic per ``# noqa`` comment listing a rule-pack code that suppressed
        nothing here (call it after ``suppresses`` saw every diagnostic)."""
        enabled, known = set(enabled), set(known)
        prefixes = {code[:3] for code in known}
        diagnostics = []
        for line, comment in comments(self._source):
            match, codes = noqa_codes(comment.string)
            if match is None:
                continue
            used = self.used.get(line, set())
            problems: dict[str, list[str]] = {}
            for code in dict.fromkeys(codes):
                if code[:3] not in prefixes or code in used:
                    continue
                reason = "unknown" if code not in known else "not enabled" if code not in enabled else "unused"
                problems.setdefault(reason, []).append(code)
            if not problems:
                continue
            column = comment.start[1] + match.start()
            described = "; ".join(f"{reason}: {', '.join(codes)}" for reason, codes in problems.items())
            diagnostics.append(
                Diagnostic(
                    UNUSED_NOQA_CODE,
                    f"`# noqa` lists codes that suppress nothing here ({described})",
                    Range(line, column, line, comment.start[1] + match.end()),
                    Severity.WARNING,
                )
            )
        return diagnostics


def comments(source: str) -> list[tuple[int, tokenize.TokenInfo]]:
    """(0-based line, token) for every comment; none for code the tokenizer rejects."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source, newline=None).readline):
            if token.type == tokenize.COMMENT:
                found.append((token.start[0] - 1, token))
    except (tokenize.TokenError, SyntaxError):
        return []
    return found


def with_noqa(line: str, codes: Iterable[str]) -> str:
    """``line`` (without its line break) with ``codes`` added to its ``# noqa`` comment, or with a
    ``# noqa: CODES`` comment appended. A bare ``# noqa`` already suppresses every code."""
    match, listed = noqa_codes(line)
    if match is None:
        body = line.rstrip()
        return f"{body}  # noqa: {', '.join(sorted(set(codes)))}"
    if not listed:
        return line
    merged = list(dict.fromkeys([*listed, *sorted(set(codes) - set(listed))]))
    if merged == listed:
        return line
    return f"{line[: match.start('codes')]}{', '.join(merged)}{line[match.end('codes') :]}"
