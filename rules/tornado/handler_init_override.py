from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_class


class HandlerInitOverride(Rule):
    """
    ## What it does
    Finds `__init__` methods defined in Tornado request-handler classes (`RequestHandler`,
    `WebSocketHandler` and their subclasses in the module).

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
        class_name = function.class_info.name  # type: ignore[union-attr]
        message = (
            f"`{class_name}.__init__` overrides the constructor Tornado calls as `{class_name}(application, request, "
            "**kwargs)` for every request; put the set-up in `def initialize(self, ...)`, which receives the route's arguments"
        )
        yield self.diagnostic(node, model, message)
