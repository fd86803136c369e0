"""Code that blocks at most once, or only on the way to an error: where ``ASY200`` does not follow
or report a chain. A blocking call there costs the loop once per process (or once per failure),
not once per request.

- ``on_failure_path``: the call builds the exception a ``raise`` statement raises;
- ``behind_cache_guard``: the call fills a module-level cache (``if _cache is None: _cache = ...``
  under ``global _cache``);
- ``memoised_once``: a ``functools.cache``/``lru_cache`` function without parameters;
- ``StartUp``: a coroutine that a program runs once at start-up (given to ``asyncio.run()`` or
  ``loop.run_until_complete()``, a command-line command, an application's ``initialize``), up to
  its first ``await``: nothing else runs on the loop yet.
"""

from __future__ import annotations

import ast

from ..frameworks.entry_points import (
    APPLICATION_LIFECYCLE, CLI_DECORATOR_PREFIXES, LOOP_RUNNER_METHODS, LOOP_RUNNER_TYPES, LOOP_RUNNERS,
)  # fmt: skip
from ..model import FunctionInfo, SemanticModel, argument

#: decorators that memoise a function's result
MEMOISING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})
#: the nodes where a coroutine may suspend, letting other work run on the loop
_SUSPENSIONS = (ast.Await, ast.AsyncFor, ast.AsyncWith)


def on_failure_path(model: SemanticModel, node: ast.AST) -> bool:
    """True in the expression of a ``raise`` statement (``raise failed(code, stderr)``): it runs
    only when the code is already failing."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.Raise):
            return True
        if isinstance(ancestor, ast.stmt):
            return False
    return False


def declared_globals(model: SemanticModel) -> dict[int, set[str]]:
    """``id`` of each function's node -> the names it declares ``global`` (for ``behind_cache_guard``)."""
    found: dict[int, set[str]] = {}
    for statement in model.nodes(ast.Global):
        function = model.enclosing_function(statement)
        if function is not None:
            found.setdefault(id(function.node), set()).update(statement.names)  # type: ignore[attr-defined]
    return found


def behind_cache_guard(model: SemanticModel, node: ast.AST, globals_of: dict[int, set[str]]) -> bool:
    """True in the body of ``if NAME is None:`` (or ``if not NAME:``) that assigns ``NAME``, where
    the function declares ``global NAME`` (``globals_of``: ``declared_globals``): the body runs
    once per process."""
    function = model.enclosing_function(node)
    declared = globals_of.get(id(function.node), ()) if function is not None else ()
    if not declared:
        return False
    child = node
    for ancestor in model.ancestors(node):
        if ancestor is function.node:  # type: ignore[union-attr]
            return False
        if isinstance(ancestor, ast.If) and any(child is s for s in ancestor.body):
            name = _unset_test(ancestor.test)
            if name in declared and any(_assigns(statement, name) for statement in ancestor.body):
                return True
        child = ancestor
    return False


def _unset_test(test: ast.expr) -> str | None:
    """``NAME`` of ``NAME is None`` or ``not NAME``."""
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id
    return None


def _assigns(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        return isinstance(statement.target, ast.Name) and statement.target.id == name
    return False


def memoised_once(model: SemanticModel, function: FunctionInfo) -> bool:
    """True for a ``@functools.cache``/``@lru_cache`` function without parameters: its body runs
    once per process (with parameters it runs once per new argument, and is followed)."""
    arguments = function.node.args
    if arguments.posonlyargs or arguments.args or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
        return False
    for decorator in function.node.decorator_list:
        callee = decorator.func if isinstance(decorator, ast.Call) else decorator
        if model.qualified_name(callee) in MEMOISING_DECORATORS:
            return True
    return False


class StartUp:
    """Which calls of a module's coroutines run at the start of a program, before the loop has
    anything else to run."""

    def __init__(self, model: SemanticModel, names, index):
        self.model = model
        #: ``summary.Names`` of the module, and the ``ProjectIndex``
        self.names = names
        self.index = index
        self._run: set[str] | None = None

    def covers(self, node: ast.AST) -> bool:
        """True when ``node`` runs in a start-up coroutine before it first suspends, outside loops.
        A request handler is never one, even when the module also runs it (a demo under
        ``if __name__ == "__main__":``)."""
        function = self.model.enclosing_function(node)
        if function is None or not function.is_async or self.model.enclosing_loop(node) is not None:
            return False
        if self.model.request_framework(function) is not None:
            return False
        return self._before_suspending(function, node) and self._runs_once(function)

    def _before_suspending(self, function: FunctionInfo, node: ast.AST) -> bool:
        start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        for kind in _SUSPENSIONS:
            for suspension in self.model.nodes(kind):
                if self.model.enclosing_function(suspension) is not function:
                    continue
                end = (suspension.end_lineno, suspension.end_col_offset)  # type: ignore[attr-defined]
                if end <= start:
                    return False
        return True

    def _runs_once(self, function: FunctionInfo) -> bool:
        for decorator in function.node.decorator_list:
            callee = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = self.model.qualified_name(callee) or ""
            if qualified.startswith(CLI_DECORATOR_PREFIXES) or self._runs_its_function(callee):
                return True
        owner = function.class_info
        if owner is not None:
            for base in owner.node.bases:
                if function.name in APPLICATION_LIFECYCLE.get(self.model.qualified_name(base) or "", ()):
                    return True
        return self.names.definition(function) in self.run_by_module

    def _runs_its_function(self, decorator: ast.expr) -> bool:
        """True for a decorator of the project whose wrapper runs the coroutine to completion in a
        loop of its own (``def coro(f): ... return asyncio.run(f(*args))``)."""
        target = self.names.target(decorator)
        resolved = self.index.resolve(target) if target else None
        if resolved is None:
            return False
        module, decorator_function = resolved
        qualname = getattr(decorator_function, "qualname", None)
        if qualname is None:
            return False
        inner = f"{qualname}.<locals>."
        return any(
            call.target in LOOP_RUNNERS
            for function in module.functions.values()
            if function.qualname == qualname or function.qualname.startswith(inner)
            for call in function.calls
        )

    @property
    def run_by_module(self) -> set[str]:
        """The coroutine functions this module runs with ``asyncio.run()`` and its like."""
        if self._run is None:
            self._run = set()
            for call in self.model.nodes(ast.Call):
                assert isinstance(call, ast.Call)
                if self._is_runner(call):
                    run = self._coroutine_function(argument(call, 0))
                    if run is not None:
                        self._run.add(run)
        return self._run

    def _is_runner(self, call: ast.Call) -> bool:
        if self.model.qualified_name(call.func) in LOOP_RUNNERS:
            return True
        func = call.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr in LOOP_RUNNER_METHODS
            and (self.model.is_event_loop(func.value) or self.model.instance_type(func.value) in LOOP_RUNNER_TYPES)
        )

    def _coroutine_function(self, given: ast.expr | None) -> str | None:
        """What a runner is given: ``main()``, ``main``, ``partial(main, ...)``, or a name bound
        once to ``main()``."""
        if isinstance(given, ast.Name):
            binding = self.model.lookup(given.id, given)
            if binding is not None and isinstance(binding.value, ast.Call) and len(binding.scope.bindings.get(given.id, ())) == 1:
                given = binding.value
        if isinstance(given, ast.Call) and not self.names.target(given):
            given = given.func
        return self.names.target(given) if given is not None else None
