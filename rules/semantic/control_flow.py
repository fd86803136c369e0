"""Control flow, structurally, without a graph: the loop that runs a node once per iteration, the
statement list a statement stands in, whether one node has run on every path to another, and
whether a block may fall off its end."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..types import NO_RETURN_FUNCTIONS
from .definitions import Definitions
from .resolution import Resolution
from .walk import ancestors
from .walk import parent as parent_of

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_TERMINATORS = (ast.Return, ast.Raise, ast.Break, ast.Continue)
#: the fields of a node that hold statement lists, in the order they run
_STATEMENT_LISTS = ("body", "orelse", "finalbody")


class ControlFlow:
    def __init__(self, resolution: Resolution, definitions: Definitions):
        # what tells a call of a function that never returns (``may_complete``)
        self.qualified_name = resolution.qualified_name
        self.annotation_type = resolution.annotation_type
        self.function_def = definitions.function_def
        #: id(node) -> id(statement) -> (field, index) of each statement in its statement lists
        #: (``statement_place``), made when first asked about that node
        self._places: dict[int, dict[int, tuple[str, int]]] = {}

    def enclosing_loop(self, node: ast.AST) -> ast.AST | None:
        """The innermost loop that runs ``node`` once per iteration, within ``node``'s function.

        That is a ``for``/``async for`` whose body holds it, a ``while`` whose test or body holds
        it, or a comprehension whose element, conditions or inner iterables hold it. A loop's
        ``else`` block and a ``for``'s iterable run once, and do not count; the body of a nested
        ``def``, ``lambda`` or class ends the search (its decorators and defaults do not).
        """
        child = node
        for ancestor in ancestors(node):
            if isinstance(ancestor, (ast.For, ast.AsyncFor)) and any(child is s for s in ancestor.body):
                return ancestor
            if isinstance(ancestor, ast.While) and (child is ancestor.test or any(child is s for s in ancestor.body)):
                return ancestor
            if isinstance(ancestor, _COMPREHENSIONS) and child is not ancestor.generators[0].iter:
                return ancestor
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and any(
                child is s for s in ancestor.body
            ):
                return None
            if isinstance(ancestor, ast.Lambda) and child is ancestor.body:
                return None
            child = ancestor
        return None

    def statement_place(self, parent: ast.AST, child: ast.AST) -> tuple[str, int] | None:
        """The statement-list field of ``parent`` holding ``child``, and its index there."""
        # Indexed once per parent: scanning the lists for each question made questions about the
        # statements of one long block quadratic in its length.
        places = self._places.get(id(parent))
        if places is None:
            places = self._places[id(parent)] = {}
            for name in _STATEMENT_LISTS:
                statements = getattr(parent, name, None)
                if isinstance(statements, list):
                    for index, statement in enumerate(statements):
                        places[id(statement)] = (name, index)
        return places.get(id(child))

    def statement_list(self, statement: ast.AST) -> tuple[ast.AST, list[ast.stmt], int] | None:
        """The statement list holding ``statement`` (a ``body``, ``orelse`` or ``finalbody`` of its
        parent, which may also be an ``except`` clause or a ``case``), that parent, and the
        statement's index in the list; None for a node that stands in no statement list."""
        owner = parent_of(statement)
        place = self.statement_place(owner, statement) if owner is not None else None
        if place is None:
            return None
        return owner, getattr(owner, place[0]), place[1]  # type: ignore[return-value]

    def always_before(self, first: ast.AST, then: ast.AST) -> bool:
        """True when ``first`` has run on every path of its function that reaches ``then``.

        A structured approximation, without a control-flow graph: ``first`` and ``then`` stand in
        one statement list, ``first`` in an earlier statement that runs it whenever the statement
        completes, ``then`` in a later one. Loop bodies may run zero times and ``except``/``else``
        blocks may not run, so they run nothing for sure; an ``if`` runs what one branch runs when
        the other branch ends in ``return``, ``raise``, ``break`` or ``continue``; a ``try`` body
        and a ``finally`` block count as run (an exception is not a path that reaches ``then``).
        The header of a compound statement (an ``if`` or ``while`` test, a ``for`` iterable, ``with``
        items) runs before its blocks.
        """
        positions = list(self._statement_positions(then))
        later = {(id(owner), name): index for owner, name, index in positions}
        compounds = {id(owner) for owner, _, _ in positions}
        for owner, name, index in self._sure_positions(first):
            if name == "header" and id(owner) in compounds:
                return True
            if later.get((id(owner), name), -1) > index:
                return True
        return False

    def may_complete(self, statements: list[ast.stmt]) -> bool:
        """True when running ``statements`` may reach their end and go on with what follows them
        (for a function's body: return ``None`` by falling off its end).

        Structural, without a control-flow graph. ``return``, ``raise``, ``break`` and ``continue``
        end a path; so do ``assert False``, a call of a function that never returns (``sys.exit()``:
        ``types.NO_RETURN_FUNCTIONS``; one annotated ``-> NoReturn``/``Never``; one of this module
        every path of which raises) and a ``while True`` without ``break``. An ``if`` completes when
        a branch does (only the one that runs when its test is a constant), a loop when its
        ``else`` or a ``break`` does, a ``match`` when a case does or no case is irrefutable, a
        ``try`` when its body (through its ``else``) or a handler does, unless its ``finally``
        cannot; a ``with contextlib.suppress(...)`` may also go on after its body raised. Any
        statement may raise; raising is not completing.
        """
        return _NEXT in _block_outcomes(self, statements, set())

    def _statement_positions(self, node: ast.AST) -> Iterator[tuple[ast.AST, str, int]]:
        """(statement-list owner, field, index) of each statement holding ``node``, up to its function."""
        child = node
        for parent in ancestors(node):
            if isinstance(child, ast.stmt):
                place = self.statement_place(parent, child)
                if place is not None:
                    yield parent, place[0], place[1]
            if isinstance(parent, _DEFINITIONS):
                return
            child = parent

    def _sure_positions(self, node: ast.AST) -> Iterator[tuple[ast.AST, str, int]]:
        """Like ``_statement_positions``, but only while the statement surely runs ``node`` when it completes."""
        child = node
        for parent in ancestors(node):
            if isinstance(parent, _DEFINITIONS):
                if isinstance(child, ast.stmt):
                    place = self.statement_place(parent, child)
                    if place is not None:
                        yield parent, place[0], place[1]
                return
            place = self.statement_place(parent, child) if isinstance(child, ast.stmt) else None
            if place is not None:
                yield parent, place[0], place[1]
            elif isinstance(parent, ast.stmt) and not isinstance(child, (ast.stmt, ast.excepthandler)):
                yield parent, "header", -1
            if not _runs_surely(parent, child, place[0] if place else None):
                return
            child = parent


def _runs_surely(parent: ast.AST, child: ast.AST, field_name: str | None) -> bool:
    """True when ``parent``, completing normally, has surely run ``child`` (see ``always_before``)."""
    if isinstance(parent, ast.If) and field_name is not None:
        other = parent.orelse if field_name == "body" else parent.body
        return bool(other) and isinstance(other[-1], _TERMINATORS)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler)) and field_name is not None:
        return False
    if isinstance(parent, ast.Try) or type(parent).__name__ == "TryStar":
        return field_name in ("body", "finalbody")
    if isinstance(parent, ast.BoolOp):
        return child is parent.values[0]
    if isinstance(parent, ast.IfExp):
        return child is parent.test
    if isinstance(parent, _COMPREHENSIONS):
        return child is parent.generators[0].iter  # the first iterable is evaluated; the rest may not be
    return not isinstance(parent, (ast.comprehension, ast.match_case))


# How a statement may end, for ``may_complete``: go on with the next statement, or leave through
# ``break``, ``continue`` or ``return``. Raising is no outcome: it leaves every statement.
_NEXT, _BREAK, _CONTINUE, _RETURN = "next", "break", "continue", "return"
_NO_RETURN_ANNOTATIONS = frozenset(
    {"typing.NoReturn", "typing.Never", "typing_extensions.NoReturn", "typing_extensions.Never"}
)


def _block_outcomes(flow: ControlFlow, statements: list[ast.stmt], visiting: set[int]) -> set[str]:
    """The ways running a statement list may end (``_NEXT`` when it may reach its end)."""
    found: set[str] = set()
    for statement in statements:
        outcomes = _statement_outcomes(flow, statement, visiting)
        found |= outcomes - {_NEXT}
        if _NEXT not in outcomes:
            return found
    found.add(_NEXT)
    return found


def _statement_outcomes(flow: ControlFlow, statement: ast.stmt, visiting: set[int]) -> set[str]:
    if isinstance(statement, ast.Return):
        return {_RETURN}
    if isinstance(statement, ast.Raise):
        return set()
    if isinstance(statement, ast.Break):
        return {_BREAK}
    if isinstance(statement, ast.Continue):
        return {_CONTINUE}
    if isinstance(statement, ast.If):
        test = _constant_truth(statement.test)
        body = _block_outcomes(flow, statement.body, visiting) if test is not False else set()
        orelse = _block_outcomes(flow, statement.orelse, visiting) if test is not True else set()
        return body | orelse
    if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
        body = _block_outcomes(flow, statement.body, visiting)
        found = body & {_RETURN}
        if _BREAK in body:
            found.add(_NEXT)
        endless = isinstance(statement, ast.While) and _constant_truth(statement.test) is True
        if not endless:
            found |= _block_outcomes(flow, statement.orelse, visiting)
        return found
    if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
        found = _block_outcomes(flow, statement.body, visiting)  # type: ignore[attr-defined]
        if statement.orelse and _NEXT in found:  # type: ignore[attr-defined]
            found = (found - {_NEXT}) | _block_outcomes(flow, statement.orelse, visiting)  # type: ignore[attr-defined]
        for handler in statement.handlers:  # type: ignore[attr-defined]
            found |= _block_outcomes(flow, handler.body, visiting)
        if statement.finalbody:  # type: ignore[attr-defined]
            final = _block_outcomes(flow, statement.finalbody, visiting)  # type: ignore[attr-defined]
            found = found | (final - {_NEXT}) if _NEXT in final else final
        return found
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        found = _block_outcomes(flow, statement.body, visiting)
        if any(
            isinstance(item.context_expr, ast.Call) and flow.qualified_name(item.context_expr.func) == "contextlib.suppress"
            for item in statement.items
        ):
            found.add(_NEXT)
        return found
    if isinstance(statement, ast.Match):
        found = set()
        for case in statement.cases:
            found |= _block_outcomes(flow, case.body, visiting)
        if not any(case.guard is None and _irrefutable(case.pattern) for case in statement.cases):
            found.add(_NEXT)
        return found
    if isinstance(statement, ast.Assert):
        return set() if _constant_truth(statement.test) is False else {_NEXT}
    if isinstance(statement, ast.Expr) and _never_returns(flow, statement.value, visiting):
        return set()
    return {_NEXT}


def _constant_truth(test: ast.expr) -> bool | None:
    """The truth of a constant test (``True``, ``1``, ``"x"``, ``None``), else None."""
    return bool(test.value) if isinstance(test, ast.Constant) else None


def _irrefutable(pattern: ast.pattern) -> bool:
    """``case _:``, ``case name:`` and or-patterns with such an alternative match anything."""
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _never_returns(flow: ControlFlow, expr: ast.expr, visiting: set[int]) -> bool:
    """A call (awaited or not) of a function known never to return."""
    call = expr.value if isinstance(expr, ast.Await) else expr
    if not isinstance(call, ast.Call):
        return False
    if flow.qualified_name(call.func) in NO_RETURN_FUNCTIONS:
        return True
    function = flow.function_def(call.func)
    if function is None or id(function) in visiting or function.yields:
        return False
    if function.node.returns is not None and flow.annotation_type(function.node.returns) in _NO_RETURN_ANNOTATIONS:
        return True
    if function.class_info is not None:
        return False  # a subclass may override a method that only raises (``NotImplementedError``)
    visiting.add(id(function))
    try:
        return not _block_outcomes(flow, function.node.body, visiting)
    finally:
        visiting.discard(id(function))
