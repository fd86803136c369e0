"""Python-version guards: the Python 3 releases a node may run on, from the target version up,
narrowed by the ``sys.version_info`` tests around it (``SemanticModel.python_versions``). Rules
about deprecated or removed APIs report only where the range reaches the release concerned."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .bindings import Bindings
from .control_flow import ControlFlow
from .resolution import Resolution
from .scopes import Scope
from .walk import ancestors


@dataclass(frozen=True)
class VersionRange:
    """Python 3 releases from ``low`` to ``high``, both included, as ``(3, minor)`` pairs; ``high``
    None means no newest bound. ``SemanticModel.python_versions(node)`` answers with one."""

    low: tuple[int, int] = (3, 0)
    high: tuple[int, int] | None = None

    @property
    def empty(self) -> bool:
        return self.high is not None and self.high < self.low

    def includes(self, version: tuple[int, int]) -> bool:
        return self.low <= version and (self.high is None or version <= self.high)

    def reaches(self, version: tuple[int, int]) -> bool:
        """True when the range holds ``version`` or a later release: where code may meet an API
        deprecated or removed in ``version``."""
        return not self.empty and (self.high is None or self.high >= version)

    def intersection(self, other: VersionRange) -> VersionRange:
        highs = [high for high in (self.high, other.high) if high is not None]
        return VersionRange(max(self.low, other.low), min(highs) if highs else None)

    def hull(self, other: VersionRange) -> VersionRange:
        """The smallest range holding both (an empty range adds nothing)."""
        if self.empty:
            return other
        if other.empty:
            return self
        high = None if self.high is None or other.high is None else max(self.high, other.high)
        return VersionRange(min(self.low, other.low), high)

    def __str__(self) -> str:
        if self.empty:
            return "no Python 3 release"
        low = "%d.%d" % self.low
        if self.high is None:
            return f"{low}+"
        return low if self.high == self.low else f"{low}–{'%d.%d' % self.high}"


#: every Python 3 release, and none
ALL_VERSIONS = VersionRange()
NO_VERSIONS = VersionRange((3, 1), (3, 0))


class VersionGuards:
    def __init__(
        self,
        target_version: tuple[int, int],
        module_scope: Scope,
        nodes: dict[type, list[ast.AST]],
        bindings: Bindings,
        resolution: Resolution,
        control_flow: ControlFlow,
    ):
        self.target_version = target_version
        #: the module's scope and the walk's index of its nodes by type (module constants, ``global``)
        self.module_scope = module_scope
        self._nodes = nodes
        self.lookup = bindings.lookup
        self.qualified_name = resolution.qualified_name
        self.control_flow = control_flow
        #: (id(statement-list owner), field) -> ``_statement_reach`` of that list
        self._statement_reaches: dict[tuple[int, str], list[VersionRange | None]] = {}
        #: id(test) -> ``_version_test`` of it
        self._version_tests: dict[int, _VersionTest | None] = {}

    def python_versions(self, node: ast.AST) -> VersionRange:
        """The Python 3 releases under which ``node`` may run: from the target version on (code may
        always run on Pythons newer than its oldest target), narrowed by the version guards around it.

        A guard tests ``sys.version_info`` (however imported): ``sys.version_info >= (3, 11)`` with
        ``<``, ``<=``, ``>``, ``>=``, the literal on either side, chained (``(3, 9) <= v < (3, 11)``);
        ``sys.version_info[:2]`` (``==`` and ``!=`` too), ``.minor`` / ``[1]``, ``.major`` / ``[0]``;
        a module constant assigned such a test once (``PY311 = sys.version_info >= (3, 11)``); and
        ``not``, ``and``, ``or`` of these. Guards narrow the body (true) and the ``elif`` / ``else``
        branches (false) of an ``if`` and of a conditional expression, the operands after them in
        ``and`` (true) and ``or`` (false), and the statements after an ``if`` that leaves the block on
        one side only (``return``, ``raise``, ``continue``, ``break``: ``may_complete``). Nothing else
        narrows: not ``assert`` (``python -O`` drops it), not ``try``/``except ImportError``, not a
        constant imported from another module. So the answer may be wider than the truth, never
        narrower. Each guard is read once (cached per test node), on the first query that meets it.
        """
        versions = VersionRange(self.target_version)
        child = node
        for parent in ancestors(node):
            guard = self._guard_versions(parent, child)
            if guard is not None:
                versions = versions.intersection(guard)
            child = parent
        return versions

    def _guard_versions(self, parent: ast.AST, child: ast.AST) -> VersionRange | None:
        """The releases under which ``parent`` runs its part ``child``, as its version guards say;
        None when they say nothing."""
        if isinstance(child, ast.stmt):
            place = self.control_flow.statement_place(parent, child)
            if place is None:
                return None
            versions = self._statement_reach(parent, place[0])[place[1]]
            test = self._version_test(parent.test) if isinstance(parent, ast.If) else None
            if test is not None:
                branch = test.when_true if place[0] == "body" else test.when_false
                versions = branch if versions is None else versions.intersection(branch)
            return versions
        if isinstance(parent, ast.IfExp) and child is not parent.test:
            test = self._version_test(parent.test)
            if test is None:
                return None
            return test.when_true if child is parent.body else test.when_false
        if isinstance(parent, ast.BoolOp):
            versions = None
            for value in parent.values:
                if value is child:
                    break
                test = self._version_test(value)
                if test is not None:
                    # ``a and b`` evaluates ``b`` only where ``a`` is true; ``a or b`` where it is false
                    branch = test.when_true if isinstance(parent.op, ast.And) else test.when_false
                    versions = branch if versions is None else versions.intersection(branch)
            return versions
        return None

    def _statement_reach(self, owner: ast.AST, field_name: str) -> list[VersionRange | None]:
        """For each statement of the list ``owner.<field_name>``, the releases under which the
        statements before it let execution get there (an ``if`` on the version that leaves the
        block on one side), None where they say nothing; cached per statement list."""
        key = (id(owner), field_name)
        found = self._statement_reaches.get(key)
        if found is None:
            found = self._statement_reaches[key] = []
            versions: VersionRange | None = None
            for statement in getattr(owner, field_name):
                found.append(versions)
                after = self._versions_after(statement)
                if after is not None:
                    versions = after if versions is None else versions.intersection(after)
        return found

    def _versions_after(self, statement: ast.stmt) -> VersionRange | None:
        """The releases under which execution goes on after an ``if`` on the version, when only one
        of its branches may complete; None for other statements."""
        if not isinstance(statement, ast.If):
            return None
        test = self._version_test(statement.test)
        if test is None:
            return None
        may_complete = self.control_flow.may_complete
        body_completes, orelse_completes = may_complete(statement.body), may_complete(statement.orelse)
        if body_completes and orelse_completes:
            return None
        versions = NO_VERSIONS
        if body_completes:
            versions = versions.hull(test.when_true)
        if orelse_completes:
            versions = versions.hull(test.when_false)
        return versions

    def _version_test(self, test: ast.expr) -> _VersionTest | None:
        """What a test says about the Python version (cached per test node); None for other tests."""
        key = id(test)
        if key not in self._version_tests:
            self._version_tests[key] = self._read_version_test(test, 0)
        return self._version_tests[key]

    def _read_version_test(self, test: ast.expr, depth: int) -> _VersionTest | None:
        if depth > 8:
            return None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self._read_version_test(test.operand, depth + 1)
            return None if inner is None else _VersionTest(inner.when_false, inner.when_true)
        if isinstance(test, ast.BoolOp):
            return _combine_version_tests(test.op, [self._read_version_test(v, depth + 1) for v in test.values])
        if isinstance(test, ast.Compare):
            operands = [test.left, *test.comparators]
            pairs = [self._version_comparison(operands[i], op, operands[i + 1]) for i, op in enumerate(test.ops)]
            return _combine_version_tests(ast.And(), pairs)  # ``a < b < c`` is ``a < b and b < c``
        if isinstance(test, ast.Name):
            value = self._version_constant(test)
            return None if value is None else self._read_version_test(value, depth + 1)
        return None

    def _version_constant(self, name: ast.Name) -> ast.expr | None:
        """The value of a module-level name assigned once, by a plain ``NAME = value`` (annotated or
        not), and never declared ``global``: ``PY311 = sys.version_info >= (3, 11)``."""
        binding = self.lookup(name.id, name)
        if binding is None or binding.scope is not self.module_scope or binding.value is None:
            return None
        statement = binding.node
        plain = isinstance(statement, ast.AnnAssign) or (
            isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        )
        if not plain or len(self.module_scope.bindings[name.id]) != 1:
            return None
        if any(name.id in declaration.names for declaration in self._nodes.get(ast.Global, ())):
            return None
        return binding.value

    def _version_comparison(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> _VersionTest | None:
        """One comparison of ``sys.version_info`` (or its ``[:2]``, minor or major) with a literal."""
        op_type: type | None = type(op)
        form = self._version_form(left)
        if form is None:
            form = self._version_form(right)
            if form is None:
                return None
            left, right, op_type = right, left, _MIRRORED_COMPARISONS.get(op_type)
        literal = _version_literal(right, form)
        if literal is None or op_type not in _COMPARISON_HOLDS:
            return None
        if form == "full" and op_type in (ast.Eq, ast.NotEq):
            return None  # the five-field ``sys.version_info`` never equals a literal: a bug, not a guard
        return _version_comparison_test(form, op_type, literal)

    def _version_form(self, expr: ast.expr) -> str | None:
        """How ``expr`` reads the running version: ``"full"`` (``sys.version_info``), ``"pair"``
        (``sys.version_info[:2]``), ``"minor"`` (``.minor``, ``[1]``), ``"major"`` (``.major``, ``[0]``)."""
        if isinstance(expr, ast.Subscript):
            if self.qualified_name(expr.value) != "sys.version_info":
                return None
            index = expr.slice
            if isinstance(index, ast.Slice):
                from_start = index.lower is None or _int_literal(index.lower) == 0
                return "pair" if from_start and index.step is None and _int_literal(index.upper) == 2 else None
            return {0: "major", 1: "minor"}.get(_int_literal(index))  # type: ignore[arg-type]
        if isinstance(expr, ast.Attribute) and expr.attr in ("major", "minor"):
            return expr.attr if self.qualified_name(expr.value) == "sys.version_info" else None
        if isinstance(expr, (ast.Name, ast.Attribute)) and self.qualified_name(expr) == "sys.version_info":
            return "full"
        return None


@dataclass(frozen=True)
class _VersionTest:
    """What a test of the running version says (``SemanticModel.python_versions``): the releases
    where it may be true, and those where it may be false (a release where ``sys.version_info``
    is compared with a micro version may be in both)."""

    when_true: VersionRange
    when_false: VersionRange


_UNKNOWN_VERSION_TEST = _VersionTest(ALL_VERSIONS, ALL_VERSIONS)

#: comparison type -> whether it holds, given the ordering (-1, 0, 1) of its left and right sides
_COMPARISON_HOLDS: dict[type, object] = {
    ast.Lt: lambda order: order < 0,
    ast.LtE: lambda order: order <= 0,
    ast.Gt: lambda order: order > 0,
    ast.GtE: lambda order: order >= 0,
    ast.Eq: lambda order: order == 0,
    ast.NotEq: lambda order: order != 0,
}
#: the comparison that holds with its sides swapped: ``(3, 11) <= v`` is ``v >= (3, 11)``
_MIRRORED_COMPARISONS: dict[type, type] = {
    ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq,
}
#: a version literal naming a bigger minor than this is no guard (and would make the reading slow)
_MAX_GUARD_MINOR = 99
#: a micro version bigger than any release's, for "any micro version" in comparisons
_ANY_MICRO = 10**6


def _int_literal(expr: ast.expr | None) -> int | None:
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return expr.value
    return None


def _version_literal(expr: ast.expr, form: str) -> tuple[int, ...] | int | None:
    """The literal a version reading is compared with: a tuple of up to three numbers for the
    full version and its ``[:2]`` (a fourth would meet ``releaselevel``, a string), else a number."""
    if form in ("minor", "major"):
        return _int_literal(expr)
    if not isinstance(expr, ast.Tuple) or not 1 <= len(expr.elts) <= 3:
        return None
    numbers = [_int_literal(element) for element in expr.elts]
    return None if None in numbers else tuple(numbers)  # type: ignore[arg-type]


def _version_comparison_test(form: str, op_type: type, literal: tuple[int, ...] | int) -> _VersionTest | None:
    """The releases ``<reading of form> <op> <literal>`` may be true and false on, minor by minor.

    Every minor after the literal's compares as the one right after it does, so the minors up to
    that one decide; the full ``sys.version_info`` has a micro version, any from 0 up, and more
    fields than the literal (so ``(3, 14, 0, "final", 0) > (3, 14)``).
    """
    if form == "major":
        pivot = 0
    elif isinstance(literal, int):
        pivot = literal
    else:
        pivot = literal[1] if len(literal) > 1 else 0
    if not 0 <= pivot <= _MAX_GUARD_MINOR:
        return None
    holds = _COMPARISON_HOLDS[op_type]
    true_minors: list[int] = []
    false_minors: list[int] = []
    for minor in range(pivot + 2):
        if form == "full":
            readings: list[object] = [(3, minor, 0, 0), (3, minor, _ANY_MICRO, 0)]
        else:
            readings = [{"pair": (3, minor), "minor": minor, "major": 3}[form]]
        outcomes = {holds((reading > literal) - (reading < literal)) for reading in readings}  # type: ignore[operator]
        if True in outcomes:
            true_minors.append(minor)
        if False in outcomes:
            false_minors.append(minor)
    return _VersionTest(_minor_range(true_minors, pivot + 1), _minor_range(false_minors, pivot + 1))


def _minor_range(minors: list[int], last: int) -> VersionRange:
    """The range from the first to the last of these minors; open-ended when ``last`` (which stands
    for every later minor too) is among them."""
    if not minors:
        return NO_VERSIONS
    return VersionRange((3, minors[0]), None if minors[-1] == last else (3, minors[-1]))


def _combine_version_tests(op: ast.boolop, tests: list[_VersionTest | None]) -> _VersionTest | None:
    """The version test of ``a and b …`` / ``a or b …`` from its operands' (None: says nothing)."""
    if all(test is None for test in tests):
        return None
    conjunction = isinstance(op, ast.And)
    reach = ALL_VERSIONS  # where the evaluation gets to the next operand
    stopped = NO_VERSIONS  # where an operand ended it early, deciding the result
    for test in tests:
        test = test or _UNKNOWN_VERSION_TEST
        go_on, stop = (test.when_true, test.when_false) if conjunction else (test.when_false, test.when_true)
        stopped = stopped.hull(reach.intersection(stop))
        reach = reach.intersection(go_on)
    combined = _VersionTest(reach, stopped) if conjunction else _VersionTest(stopped, reach)
    return None if combined == _UNKNOWN_VERSION_TEST else combined
