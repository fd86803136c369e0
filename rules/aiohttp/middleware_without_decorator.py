from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.aiohttp import (
    function_at,
    has_middleware_decorator,
    header_range,
    old_style_factory,
    positional_parameters,
    registrations,
)


class MiddlewareWithoutDecorator(Rule):
    """
    ## What it does
    Finds a `(request, handler)` coroutine registered as an aiohttp middleware
    (`web.Application(middlewares=[...])`, `app.middlewares.append(...)`) that lacks the
    `@web.middleware` decorator.

    ## Why is this bad?
    aiohttp 3 tells new-style middlewares from old-style factories by the attribute that
    `@web.middleware` sets. Without it, aiohttp takes the function for an old-style factory and
    calls it as `middleware(app, handler)` to build the chain: the application arrives where the
    request should, and every request through the middleware fails.

    ## Example
    ```python
    from aiohttp import web

    async def timing(request, handler):
        started = time.monotonic()
        response = await handler(request)
        response.headers["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response

    app = web.Application(middlewares=[timing])
    ```

    ## Use instead
    ```python
    from aiohttp import web

    @web.middleware
    async def timing(request, handler):
        started = time.monotonic()
        response = await handler(request)
        response.headers["Server-Timing"] = f"app;dur={time.monotonic() - started:.3f}"
        return response

    app = web.Application(middlewares=[timing])
    ```

    ## Fix safety
    Safe: the decorator only marks the function as a new-style middleware, which is what its
    signature says it is. It is added above any other decorator, so it marks the function aiohttp
    receives; `from aiohttp import web` (or `import aiohttp.web`) provides it.
    """

    code = "AIO008"
    name = "middleware-without-decorator"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "`(request, handler)` middleware registered without `@web.middleware`"
    guidelines = (
        Quote("aiohttp", "Middleware", "Use proper middleware factory"),
        Quote("aiohttp", "Server-Side Development", "Use proper middleware organization"),
        Quote("aiohttp", "Key Principles", "Use appropriate middleware and signal patterns"),
    )
    node_types = (ast.Module,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Add `@web.middleware`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        for function, _registration in registrations(model).middlewares.values():
            if not _is_undecorated_middleware(model, function):
                continue
            yield Diagnostic(
                self.code,
                f"middleware `{function.qualname}(request, handler)` lacks `@web.middleware`: aiohttp calls it "
                "the old way, as `middleware(app, handler)`, and every request through it fails; decorate it "
                "with `@web.middleware`",
                header_range(model, function.node),
                self.severity,
                Applicability.SAFE,
            )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        function = function_at(model, diagnostic.range.start_line)
        if function is None or not _is_undecorated_middleware(model, function):
            return None
        reference, import_edit = context.import_name("aiohttp.web", "middleware")
        node = function.node
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        line = model.lines[first]
        indent = line[: len(line) - len(line.lstrip())]
        edits = [Edit(Range(first, len(indent), first, len(indent)), f"@{reference}{context.newline}{indent}")]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))


def _is_undecorated_middleware(model: SemanticModel, function: FunctionInfo) -> bool:
    return (
        function.is_async
        and len(positional_parameters(function)) == 2
        and not has_middleware_decorator(model, function)
        and old_style_factory(model, function) is None
        and id(function) in registrations(model).middlewares
    )
