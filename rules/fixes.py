"""Fixes: built lazily when asked for, applied as text edits, converged by "fix all".

Rules build a fix in ``Rule.fix(diagnostic, context)``. ``FixContext`` re-reads the document
(the model is rebuilt only when a fix is asked for, never while linting) and offers what fixes
need: a node at a diagnostic's range, its source text, libcst rewrites of that text (so the user's
formatting and comments inside it survive), and import insertion that adds an import once, in
the right place, and reuses an existing import or alias.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

import libcst as cst

from .import_placement import NewImport, import_edit
from .model import SemanticModel
from .rule import Applicability, Diagnostic, Edit, Fix, Range
from .runner import lint, parses, rule_instance

_LINE_START = re.compile(r"\r\n|\r|\n")

#: the most rounds "fix all" runs before it stops; each round re-lints the fixed text
MAX_FIX_ROUNDS = 8


class FixContext:
    def __init__(self, source: str, target_version: tuple[int, int] = (3, 9), notebook: bool = False):
        self.source = source
        self.target_version = target_version
        self.notebook = notebook

    @cached_property
    def model(self) -> SemanticModel:
        return SemanticModel.build(self.source, self.target_version, notebook=self.notebook)

    @property
    def lines(self) -> list[str]:
        return self.model.lines

    def node_at(self, range_: Range, *node_types: type[ast.AST]) -> ast.AST | None:
        """The node of one of these types whose range is exactly ``range_``."""
        for node_type in node_types:
            for node in self.model.nodes(node_type):
                if self.model.range_of(node) == range_:
                    return node
        return None

    def text(self, node: ast.AST) -> str:
        return self.model.segment(node)

    def replace(self, node: ast.AST, new_text: str) -> Edit:
        return Edit(self.model.range_of(node), new_text)

    def rewrite_expression(self, node: ast.expr, transform: Callable[[cst.BaseExpression], cst.BaseExpression]) -> Edit:
        """Re-parse a node's text with libcst, transform it, and replace the text with the result."""
        expression = cst.parse_expression(self.text(node))
        new = transform(expression)
        return self.replace(node, cst.Module([]).code_for_node(new))

    def add_keyword_argument(self, call: ast.Call, name: str, value: str) -> Edit:
        """An edit appending ``name=value`` to a call's arguments, in the call's own layout: on the
        same line, or on a line of its own when the arguments stand one per line (a trailing comma
        and a comment after the last argument stay where they are)."""

        def append(expression: cst.BaseExpression) -> cst.BaseExpression:
            assert isinstance(expression, cst.Call)
            no_space = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
            new = cst.Arg(value=cst.parse_expression(value), keyword=cst.Name(name), equal=no_space)
            args = list(expression.args)
            if not args:
                return expression.with_changes(args=[new])
            last = args[-1]
            before_last = args[-2].comma.whitespace_after if len(args) > 1 else expression.whitespace_before_args
            # one argument per line: the new one goes on its own line, indented like the others
            own_line = isinstance(before_last, cst.ParenthesizedWhitespace)
            separator = cst.ParenthesizedWhitespace(last_line=before_last.last_line) if own_line else cst.SimpleWhitespace(" ")
            if isinstance(last.comma, cst.Comma):  # a trailing comma (and a comment after it) stays last
                after = last.comma.whitespace_after
                if isinstance(after, cst.ParenthesizedWhitespace) and own_line:
                    kept = after.with_changes(last_line=before_last.last_line)
                    closing: cst.BaseParenthesizableWhitespace = cst.ParenthesizedWhitespace(last_line=after.last_line)
                else:
                    kept, closing = cst.SimpleWhitespace(" "), after
                args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=kept))
                return expression.with_changes(args=[*args, new.with_changes(comma=cst.Comma(whitespace_after=closing))])
            # no trailing comma: what followed the last argument (a comment, a line break) follows the new one
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=separator), whitespace_after_arg=cst.SimpleWhitespace("")
            )
            return expression.with_changes(args=[*args, new.with_changes(whitespace_after_arg=last.whitespace_after_arg)])

        return self.rewrite_expression(call, append)

    def needs_parentheses_for_await(self, node: ast.expr) -> bool:
        """True when ``await <node>`` must be parenthesised where node stands (``(await x).y``)."""
        parent = self.model.parent(node)
        return isinstance(parent, (ast.Attribute, ast.Subscript, ast.Await)) or (
            isinstance(parent, ast.Call) and parent.func is node
        ) or (isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.left is node)

    def import_name(self, module: str, name: str | None = None) -> tuple[str, Edit | None]:
        """How to refer to ``module`` (or ``module.name``) at module level, and the import edit if one is needed.

        ``import_name("asyncio", "sleep")`` gives ``("aio.sleep", None)`` after ``import asyncio as aio``,
        ``("sleep", None)`` after ``from asyncio import sleep``, and otherwise
        ``("asyncio.sleep", <edit adding "import asyncio">)``.
        """
        target = f"{module}.{name}" if name else module
        for bound, bindings in self.model.module_scope.bindings.items():
            for binding in bindings:
                if binding.imported == target:
                    return bound, None
                if binding.imported == module and name:
                    return f"{bound}.{name}", None
        reference = target
        return reference, self.add_import(module)

    def add_import(self, module: str) -> Edit | None:
        """An edit adding ``import <module>`` where isort would (``import_placement``), or None if present."""
        for bindings in self.model.module_scope.bindings.values():
            if any(b.imported == module and isinstance(b.node, ast.Import) for b in bindings):
                return None
            # ``import package.module`` binds ``package`` but makes ``package.module`` available too
            if any(_imports_submodule(b.node, module) for b in bindings):
                return None
        return import_edit(self.model, NewImport(module), self.newline)

    def add_from_import(self, module: str, name: str) -> Edit | None:
        """An edit adding ``from <module> import <name>`` where isort would, or None
        when the module already binds ``name`` to ``<module>.<name>``. The caller makes sure the
        name is free where it will use it (``model.lookup``)."""
        if any(b.imported == f"{module}.{name}" for b in self.model.module_scope.bindings.get(name, ())):
            return None
        return import_edit(self.model, NewImport(module, name), self.newline)

    @property
    def newline(self) -> str:
        """The document's line break, for inserted lines."""
        match = _LINE_START.search(self.source)
        return match.group() if match else "\n"


def _imports_submodule(statement: ast.AST, module: str) -> bool:
    """True when ``statement`` is ``import <module>`` for a dotted ``module``, without ``as``."""
    return isinstance(statement, ast.Import) and any(alias.name == module and alias.asname is None for alias in statement.names)


#: the recursion limit fixes are built under: libcst takes several frames per level of nesting,
#: and Python's default (1000) would leave expressions a few hundred deep without a fix
LIBCST_RECURSION_LIMIT = 4000


def build_fix(
    diagnostic: Diagnostic, source: str, target_version: tuple[int, int] = (3, 9), notebook: bool = False
) -> Fix | None:
    """The fix for one diagnostic of ``source``, or None when the rule cannot build one here
    (nor for code nested too deep for libcst, which rewrites code recursively)."""
    if diagnostic.fix is None:
        return None
    sys.setrecursionlimit(max(sys.getrecursionlimit(), LIBCST_RECURSION_LIMIT))
    try:
        return rule_instance(diagnostic.code).fix(diagnostic, FixContext(source, target_version, notebook))
    except RecursionError:
        return None


def line_offsets(source: str) -> list[int]:
    """The offset in ``source`` at which each line starts."""
    return [0, *(match.end() for match in _LINE_START.finditer(source))]


def apply_edits(source: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (positions in code points) to ``source``."""
    offsets = line_offsets(source)

    def offset(line: int, column: int) -> int:
        if line >= len(offsets):
            return len(source)
        return min(offsets[line] + column, len(source))

    result = source
    for edit in sorted(set(edits), key=lambda e: (e.range, e.new_text), reverse=True):
        start = offset(edit.range.start_line, edit.range.start_column)
        end = offset(edit.range.end_line, edit.range.end_column)
        result = result[:start] + edit.new_text + result[end:]
    return result


def compatible(edits: Iterable[Edit], taken: list[Edit]) -> bool:
    """True when none of ``edits`` overlaps one already taken (an identical edit may repeat)."""
    return all(edit == other or not edit.range.overlaps(other.range) for edit in edits for other in taken)


@dataclass
class FixAllResult:
    source: str
    applied: int  # fixes applied over all rounds
    rounds: int


def fix_all(
    source: str,
    codes: Iterable[str],
    target_version: tuple[int, int] = (3, 9),
    unsafe: bool = False,
    resolver=None,
    versions=None,
    notebook: bool = False,
) -> FixAllResult:
    """Apply every fix (safe ones; unsafe too when ``unsafe``) until none is left, at most MAX_FIX_ROUNDS rounds.

    Each round lints, takes the fixes whose edits do not overlap, and applies them. A round whose
    result would not parse is retried one fix at a time, keeping only fixes that leave valid code.
    """
    codes = frozenset(codes)
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    applied = 0
    for round_number in range(1, MAX_FIX_ROUNDS + 1):
        result = lint(source, codes, target_version, resolver, versions, notebook=notebook)
        if result.syntax_error is not None:
            return FixAllResult(source, applied, round_number - 1)
        fixes = []
        for diagnostic in result.diagnostics:
            if diagnostic.fix in allowed:
                fix = build_fix(diagnostic, source, target_version, notebook)
                if fix is not None and fix.applicability in allowed and fix.edits:
                    fixes.append(fix)
        if not fixes:
            return FixAllResult(source, applied, round_number - 1)
        taken: list[Edit] = []
        chosen = []
        for fix in fixes:
            if compatible(fix.edits, taken):
                taken.extend(fix.edits)
                chosen.append(fix)
        candidate = apply_edits(source, taken)
        if not parses(candidate):
            candidate, chosen = _apply_one_by_one(source, chosen)
        if candidate == source:
            return FixAllResult(source, applied, round_number)
        source = candidate
        applied += len(chosen)
    return FixAllResult(source, applied, MAX_FIX_ROUNDS)


def _apply_one_by_one(source: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    kept = []
    for fix in fixes:
        candidate = apply_edits(source, fix.edits)
        if parses(candidate):
            kept.append(fix)
            return candidate, kept  # positions of the others are stale now: next round
    return source, kept
