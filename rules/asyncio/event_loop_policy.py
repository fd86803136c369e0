from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity

_LOOP_FACTORY = "pass `loop_factory=` to `asyncio.run()` or `asyncio.Runner` to choose the loop"
_CUSTOM_POLICY = "give `asyncio.run()` or `asyncio.Runner` a `loop_factory` instead of a policy class"

#: the policy API's public names -> what to do instead, for the message
_POLICY_API: dict[str, str] = {
    "get_event_loop_policy": "use `asyncio.get_running_loop()` inside coroutines, and " + _LOOP_FACTORY,
    "set_event_loop_policy": _LOOP_FACTORY,
    "AbstractEventLoopPolicy": _CUSTOM_POLICY,
    "BaseDefaultEventLoopPolicy": _CUSTOM_POLICY,
    "DefaultEventLoopPolicy": _CUSTOM_POLICY,
    "WindowsSelectorEventLoopPolicy": "use `asyncio.run(main(), loop_factory=asyncio.SelectorEventLoop)`",
    "WindowsProactorEventLoopPolicy": "use `asyncio.run(main(), loop_factory=asyncio.ProactorEventLoop)` (the default on Windows)",
}

#: the submodules of asyncio that define (and re-export) policy names
_ASYNCIO_MODULES = ("asyncio", "asyncio.events", "asyncio.unix_events", "asyncio.windows_events")

#: qualified name -> what to use instead
DEPRECATED: dict[str, str] = {
    **{f"{module}.{name}": hint for module in _ASYNCIO_MODULES for name, hint in _POLICY_API.items()},
    "uvloop.EventLoopPolicy": "use `uvloop.run(main())`, or `asyncio.run(main(), loop_factory=uvloop.new_event_loop)`",
    "uvloop.install": "use `uvloop.run(main())`, or `asyncio.run(main(), loop_factory=uvloop.new_event_loop)`",
}
_POLICY_NAMES = frozenset(name.rsplit(".", 1)[1] for name in DEPRECATED)
_SETTERS = frozenset(f"{module}.set_event_loop_policy" for module in _ASYNCIO_MODULES)
#: the Python release that deprecates policies: code that only runs on older ones is left alone
DEPRECATED_IN = (3, 14)


class EventLoopPolicy(Rule):
    """
    ## What it does
    Finds uses of the event-loop policy API: `asyncio.get_event_loop_policy()`,
    `asyncio.set_event_loop_policy()`, the `AbstractEventLoopPolicy` / `DefaultEventLoopPolicy` /
    `WindowsSelectorEventLoopPolicy` / `WindowsProactorEventLoopPolicy` classes, and uvloop's
    `EventLoopPolicy` and `install()`, which set a policy, where the code may run on Python 3.14 or
    later. Compatibility code that only runs on older Pythons is left alone: under
    `if sys.version_info < (3, 14):`, in the `else` of `if sys.version_info >= (3, 14):`, or after
    `sys.version_info < (3, 14) and`.

    ## Why is this bad?
    Python 3.14 deprecates the whole policy system, and Python 3.16 removes it: code that sets a
    policy will fail with `AttributeError` then. Policies were a process-global, indirect way to
    choose the event loop; `asyncio.run()` and `asyncio.Runner` now take the loop directly as a
    `loop_factory` (Python 3.12+ for `asyncio.run`, 3.11+ for `Runner`).

    ## Example
    ```python
    import asyncio
    import sys

    if sys.platform == "win32":
        asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())
    asyncio.run(main())
    ```

    ## Use instead
    ```python
    import asyncio
    import sys

    loop_factory = asyncio.SelectorEventLoop if sys.platform == "win32" else None
    asyncio.run(main(), loop_factory=loop_factory)
    ```

    ## Fix safety
    No fix: the replacement moves the choice of loop to where the program calls `asyncio.run()`,
    which is often in another module, and needs Python 3.12 or later.
    """

    code = "ASY125"
    name = "event-loop-policy"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "Event-loop policies are deprecated since Python 3.14; pass a `loop_factory` instead"
    guidelines = (
        Quote("asyncio", "Event Loop Management", "Use appropriate event loop policies"),
        Quote("asyncio", "Event Loop Management", "Implement proper loop selection"),
    )
    node_types = (ast.Attribute, ast.ImportFrom)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Attribute):
            # The attribute's name first: a cheap test that most attributes fail.
            if node.attr in _POLICY_NAMES and isinstance(node.ctx, ast.Load):
                name = model.qualified_name(node)
                if name in DEPRECATED:
                    yield from self._report(node, name, model)
            return
        # `from asyncio import set_event_loop_policy`: reported where the name is used. (An alias
        # assigned from `asyncio.X` is reported at that assignment's attribute already.)
        assert isinstance(node, ast.ImportFrom)
        if node.level != 0 or not node.module:
            return
        for alias in node.names:
            name = f"{node.module}.{alias.name}"
            if name not in DEPRECATED:
                continue
            if not model.python_versions(node).reaches(DEPRECATED_IN):
                return  # the names it binds exist only on older Pythons, and so do their uses
            for binding in model.scope(node).bindings.get(alias.asname or alias.name, []):
                if binding.node is node:
                    for reference in model.references(binding):
                        if isinstance(reference.ctx, ast.Load):
                            yield from self._report(reference, name, model)

    def _report(self, node: ast.expr, name: str, model: SemanticModel) -> Iterator[Diagnostic]:
        if not model.python_versions(node).reaches(DEPRECATED_IN):
            return
        hint = DEPRECATED[name]
        parent = model.parent(node)
        called = isinstance(parent, ast.Call) and parent.func is node
        if called and self._passed_to_set_policy(parent, model):
            return  # `set_event_loop_policy(uvloop.EventLoopPolicy())` is one finding, at the setter
        if called and name in _SETTERS:
            # The policy being set says which loop factory replaces it.
            policy = argument(parent, 0, "policy")
            if isinstance(policy, ast.Call):
                hint = DEPRECATED.get(model.qualified_name(policy.func) or "", hint)
        shown = f"{name}()" if called else name
        message = (
            f"`{shown}` belongs to the event-loop policy system, deprecated since Python 3.14 and "
            f"removed in 3.16; {hint}"
        )
        yield self.diagnostic(node, model, message)

    @staticmethod
    def _passed_to_set_policy(call: ast.Call, model: SemanticModel) -> bool:
        outer = model.parent(call)
        return (
            isinstance(outer, ast.Call)
            and call in outer.args
            and (model.qualified_name(outer.func) or "") in _SETTERS
        )
