"""Start-up code: a coroutine that a program runs once at start-up (given to ``asyncio.run()`` or
``loop.run_until_complete()``, a command-line command, an application's ``initialize``), up to its
first ``await``: nothing else runs on the loop yet, so what blocks there stalls nobody. ``ASY200``
does not report chains from there (``rules.frameworks.entry_points`` lists the runners)."""

from __future__ import annotations

import ast

from ..frameworks.entry_points import (
    APPLICATION_LIFECYCLE, CLI_DECORATOR_PREFIXES, LOOP_RUNNER_METHODS, LOOP_RUNNER_TYPES, LOOP_RUNNERS,
)  # fmt: skip
from ..model import FunctionInfo, SemanticModel, argument
from .index import ProjectIndex
from .summary import FunctionSummary, Names

#: the nodes where a coroutine may suspend, letting other work run on the loop
_SUSPENSIONS = (ast.Await, ast.AsyncFor, ast.AsyncWith)


class StartUp:
    """Which calls of a module's coroutines run at the start of a program, before the loop has
    anything else to run."""

    def __init__(self, model: SemanticModel, names: Names, index: ProjectIndex):
        self.model = model
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
        if not isinstance(decorator_function, FunctionSummary):
            return False
        qualname = decorator_function.qualname
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
