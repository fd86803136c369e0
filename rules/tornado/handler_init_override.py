from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_class


class HandlerInitOverride(Rule):
    """
    ## What it does
    Finds `__init__` methods defined in Tornado request-handler classes (`RequestHandler`,
    `WebSocketHandler` and their subclasses in the module), unless the override is compatible:
    it takes `(self, application, request, **kwargs)` or `(self, *args, **kwargs)` and passes all
    of it on to `super().__init__(...)` (or `Base.__init__(self, ...)`).

    ## Why is this bad?
    Tornado creates a handler per request as `Handler(application, request, **kwargs)`, where
    the keyword arguments are the route's dictionary. An `__init__` with another signature fails
    every request with a `TypeError`; one that forgets `super().__init__(application, request,
    **kwargs)` leaves the handler without its request, headers and output buffer. Tornado's
    hook for per-handler set-up is `initialize()`, which receives the route's arguments and
    runs after the handler is ready.

    ## Example
    ```python
    from tornado import web

    class UserHandler(web.RequestHandler):
        def __init__(self, application, request, db):
            super().__init__(application, request)
            self.db = db
    ```

    ## Use instead
    ```python
    from tornado import web

    class UserHandler(web.RequestHandler):
        def initialize(self, db):
            self.db = db
    ```

    ## Fix safety
    There is no automatic fix: the parameters and the `super()` call have to be rewritten by hand.
    """

    code = "TOR020"
    name = "handler-init-override"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`__init__` overridden in a Tornado handler instead of `initialize()`"
    guidelines = (
        Quote("tornado", "Request Handling", "Create proper RequestHandler subclasses"),
        Quote("tornado", "Request Handling", "Implement effective method overrides"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        if node.name != "__init__":
            return
        function = model.function_info(node)
        if function is None or function.outer.kind != "class" or not handler_class(model, function.class_info):
            return
        if _forwards_everything(function, model):
            return  # a compatible override: Tornado's constructor still gets what it needs
        class_name = function.class_info.name  # type: ignore[union-attr]
        message = (
            f"`{class_name}.__init__` overrides the constructor Tornado calls as `{class_name}(application, request, "
            "**kwargs)` for every request; put the set-up in `def initialize(self, ...)`, which receives the route's arguments"
        )
        yield self.diagnostic(node, model, message)


def _forwards_everything(function: FunctionInfo, model: SemanticModel) -> bool:
    """``def __init__(self, application, request, **kwargs)`` calling ``super().__init__(application,
    request, **kwargs)``, or the same with ``*args, **kwargs``."""
    arguments = function.node.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)][1:]
    if arguments.kwarg is None or arguments.kwonlyargs and any(d is None for d in arguments.kw_defaults):
        return False
    if arguments.vararg is not None:
        expected: list[str] = positional + [f"*{arguments.vararg.arg}"]
    elif len(positional) == 2:
        expected = positional
    else:
        return False
    for call in model.nodes_in(function, ast.Call):
        assert isinstance(call, ast.Call)
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"):
            continue
        passed = [model.segment(a) for a in call.args]
        if not _is_super(call.func.value):
            passed = passed[1:]  # ``Base.__init__(self, ...)``
        forwards_keywords = any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == arguments.kwarg.arg for k in call.keywords)
        if passed == expected and forwards_keywords:
            return True
    return False


def _is_super(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "super"
