"""Fixes: built lazily when asked for, applied as text edits, converged by "fix all".

Rules build a fix in ``Rule.fix(diagnostic, context)``. ``FixContext`` re-reads the document
(the model is rebuilt only when a fix is asked for, never while linting) and offers what fixes
need: a node at a diagnostic's range, its source text, libcst rewrites of that text (so the user's
formatting and comments inside it survive), and import insertion that adds an import once, in
the right place, and reuses an existing import or alias.

Every line break a fix writes is the document's own (its first one: ``\r\n``, ``\r`` or ``\n``),
whatever the rule wrote: ``build_fix`` rewrites them, so no rule has to care.

"Fix all" builds every fix of a round from one model (the round's lint), so a round costs one
lint and one parse of the result however many fixes it takes.

libcst is imported by the functions that use it, here and in the rules: a check that builds no
fix never loads it.
"""

from __future__ import annotations

import ast
import re
import sys
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .import_placement import NewImport, import_edit
from .model import Binding, SemanticModel
from .rule import Applicability, Diagnostic, Edit, Fix, Range
from .runner import lint, parses, rule_instance

if TYPE_CHECKING:
    import libcst as cst

_LINE_START = re.compile(r"\r\n|\r|\n")

#: the most rounds "fix all" runs before it stops; each round re-lints the fixed text
MAX_FIX_ROUNDS = 8


class FixContext:
    """What fixes of one text need. ``model``, when given, is a model of exactly ``source`` (the
    lint's); otherwise one is built when a fix first asks."""

    def __init__(
        self,
        source: str,
        target_version: tuple[int, int] = (3, 9),
        notebook: bool = False,
        model: SemanticModel | None = None,
    ):
        self.source = source
        self.target_version = target_version
        self.notebook = notebook
        self._model = model
        #: node type -> {range: first node of that type with that range}, made when first asked
        self._nodes_by_range: dict[type[ast.AST], dict[Range, ast.AST]] = {}
        self._imports: list[tuple[str, Binding]] | None = None

    @property
    def model(self) -> SemanticModel:
        if self._model is None:
            self._model = SemanticModel.build(self.source, self.target_version, notebook=self.notebook)
        return self._model

    @property
    def lines(self) -> list[str]:
        return self.model.lines

    def node_at(self, range_: Range, *node_types: type[ast.AST]) -> ast.AST | None:
        """The node of one of these types whose range is exactly ``range_``."""
        for node_type in node_types:
            node = self._nodes_at(node_type).get(range_)
            if node is not None:
                return node
        return None

    def _nodes_at(self, node_type: type[ast.AST]) -> dict[Range, ast.AST]:
        # indexed once per type: "fix all" asks once per diagnostic, and a scan each time was
        # quadratic in the number of findings
        index = self._nodes_by_range.get(node_type)
        if index is None:
            index = self._nodes_by_range[node_type] = {}
            for node in self.model.nodes(node_type):
                index.setdefault(self.model.range_of(node), node)
        return index

    def text(self, node: ast.AST) -> str:
        return self.model.segment(node)

    def replace(self, node: ast.AST, new_text: str) -> Edit:
        return Edit(self.model.range_of(node), new_text)

    def rewrite_expression(self, node: ast.expr, transform: Callable[[cst.BaseExpression], cst.BaseExpression]) -> Edit:
        """Re-parse a node's text with libcst, transform it, and replace the text with the result."""
        import libcst as cst
        expression = cst.parse_expression(self.text(node))
        new = transform(expression)
        return self.replace(node, cst.Module([]).code_for_node(new))

    def add_keyword_argument(self, call: ast.Call, name: str, value: str) -> Edit:
        """An edit appending ``name=value`` to a call's arguments, in the call's own layout: on the
        same line, or on a line of its own when the arguments stand one per line (a trailing comma
        and a comment after the last argument stay where they are)."""
        import libcst as cst

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
        for bound, binding in self._module_imports():
            if binding.imported == target:
                return bound, None
            if binding.imported == module and name:
                return f"{bound}.{name}", None
        reference = target
        return reference, self.add_import(module)

    def add_import(self, module: str) -> Edit | None:
        """An edit adding ``import <module>`` where isort would (``import_placement``), or None if present."""
        for _, binding in self._module_imports():
            if binding.imported == module and isinstance(binding.node, ast.Import):
                return None
            # ``import package.module`` binds ``package`` but makes ``package.module`` available too
            if _imports_submodule(binding.node, module):
                return None
        return import_edit(self.model, NewImport(module), self.newline)

    def add_from_import(self, module: str, name: str) -> Edit | None:
        """An edit adding ``from <module> import <name>`` where isort would, or None
        when the module already binds ``name`` to ``<module>.<name>``. The caller makes sure the
        name is free where it will use it (``model.lookup``)."""
        if any(b.imported == f"{module}.{name}" for b in self.model.module_scope.bindings.get(name, ())):
            return None
        return import_edit(self.model, NewImport(module, name), self.newline)

    def _module_imports(self) -> list[tuple[str, Binding]]:
        """(bound name, binding) of each import binding of the module scope, in order; listed once
        per context, as "fix all" asks once per fix, and a module may bind thousands of names."""
        if self._imports is None:
            self._imports = [
                (bound, binding)
                for bound, bindings in self.model.module_scope.bindings.items()
                for binding in bindings
                if binding.imported is not None
            ]
        return self._imports

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
    diagnostic: Diagnostic,
    source: str,
    target_version: tuple[int, int] = (3, 9),
    notebook: bool = False,
    context: FixContext | None = None,
) -> Fix | None:
    """The fix for one diagnostic of ``source``, or None when the rule cannot build one here
    (nor for code nested too deep for libcst, which rewrites code recursively).

    ``context``, a ``FixContext`` of ``source``, lets the fixes of one text share one model. The
    fix's line breaks are the document's (``in_line_break_style``).
    """
    if diagnostic.fix is None:
        return None
    context = context or FixContext(source, target_version, notebook)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), LIBCST_RECURSION_LIMIT))
    try:
        fix = rule_instance(diagnostic.code).fix(diagnostic, context)
    except RecursionError:
        return None
    return in_line_break_style(fix, context.newline) if fix is not None else None


def in_line_break_style(fix: Fix, newline: str) -> Fix:
    """The fix with every line break of its new text written as ``newline``: rules write ``\\n``,
    and libcst gives back whatever the copied text had."""
    edits = tuple(replace(edit, new_text=_LINE_START.sub(newline, edit.new_text)) for edit in fix.edits)
    return fix if edits == fix.edits else replace(fix, edits=edits)


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

    # the text is cut once, from the end, into the pieces between edits: one copy of it in all
    pieces = []
    rest = len(source)
    for edit in sorted(set(edits), key=lambda e: (e.range, e.new_text), reverse=True):
        start = offset(edit.range.start_line, edit.range.start_column)
        end = offset(edit.range.end_line, edit.range.end_column)
        pieces.append(source[end:rest])
        pieces.append(edit.new_text)
        rest = start
    pieces.append(source[:rest])
    return "".join(reversed(pieces))


def non_overlapping(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes, in order, none of whose edits overlaps an edit of a fix taken before it (an
    identical edit may repeat: two fixes adding the same import)."""
    taken: set[Edit] = set()
    #: (start, end) of each distinct edit taken, sorted; they do not overlap, so their ends are in
    #: order too, and the last one starting before a range's end is the one that may overlap it
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    chosen = []
    for fix in fixes:
        new = [edit for edit in fix.edits if edit not in taken]
        if any(_overlaps_taken(spans, edit.range) for edit in new):
            continue
        for edit in new:
            taken.add(edit)
            insort(spans, _span(edit.range))
        chosen.append(fix)
    return chosen


def _span(range_: Range) -> tuple[tuple[int, int], tuple[int, int]]:
    return (range_.start_line, range_.start_column), (range_.end_line, range_.end_column)


def _overlaps_taken(spans: list[tuple[tuple[int, int], tuple[int, int]]], range_: Range) -> bool:
    start, end = _span(range_)
    before = bisect_left(spans, (end,))  # the spans starting before ``end``
    return before > 0 and spans[before - 1][1] > start


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
    project=None,
) -> FixAllResult:
    """Apply every fix (safe ones; unsafe too when ``unsafe``) until none is left, at most MAX_FIX_ROUNDS rounds.
    ``project`` (a ``ProjectView``) places the document in its project, as ``lint`` takes it: ASY200's
    chains into other modules are found, and fixed, only with it.

    Each round lints once, builds every fix from that lint's model, takes the fixes whose edits do
    not overlap, and applies them together. Fixes left out, and findings the fixes make, wait for
    the next round. When the result of a round would not parse, the fixes that do not break it
    are kept (``_fixes_that_parse``).
    """
    codes = frozenset(codes)
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    applied = 0
    for round_number in range(1, MAX_FIX_ROUNDS + 1):
        result = lint(source, codes, target_version, resolver, versions, notebook=notebook, project=project)
        if result.syntax_error is not None:
            return FixAllResult(source, applied, round_number - 1)
        context = FixContext(source, target_version, notebook, result.model)
        fixes = []
        for diagnostic in result.diagnostics:
            if diagnostic.fix in allowed:
                fix = build_fix(diagnostic, source, target_version, notebook, context)
                if fix is not None and fix.applicability in allowed and fix.edits:
                    fixes.append(fix)
        if not fixes:
            return FixAllResult(source, applied, round_number - 1)
        chosen = non_overlapping(fixes)
        candidate = apply_edits(source, _edits_of(chosen))
        if not parses(candidate):
            candidate, chosen = _fixes_that_parse(source, chosen)
        if candidate == source:
            return FixAllResult(source, applied, round_number)
        source = candidate
        applied += len(chosen)
    return FixAllResult(source, applied, MAX_FIX_ROUNDS)


def _edits_of(fixes: Iterable[Fix]) -> list[Edit]:
    return [edit for fix in fixes for edit in fix.edits]


def _fixes_that_parse(source: str, fixes: list[Fix]) -> tuple[str, list[Fix]]:
    """The text with as many of ``fixes`` (which do not overlap) as leave it parsing, and those.

    Halves of the fixes are tried on top of those kept so far: a half that parses is kept whole,
    one that does not is split, down to single fixes, which are left out. With k fixes breaking
    the code among n, that is about 2·k·log2(n) parses, not n.
    """
    kept: list[Fix] = []

    def keep(group: list[Fix]) -> None:
        if parses(apply_edits(source, _edits_of([*kept, *group]))):
            kept.extend(group)
        elif len(group) > 1:
            middle = len(group) // 2
            keep(group[:middle])
            keep(group[middle:])

    middle = len(fixes) // 2  # all of them together do not parse: start with the halves
    keep(fixes[:middle])
    keep(fixes[middle:])
    return apply_edits(source, _edits_of(kept)), kept
