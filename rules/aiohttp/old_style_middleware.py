from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity
from ..frameworks.aiohttp import function_at, header_range, old_style_factory, positional_parameters


class OldStyleMiddlewareFactory(Rule):
    """
    ## What it does
    Finds old-style aiohttp middleware factories: `async def factory(app, handler)` that defines
    and returns an inner `async def middleware(request)`.

    ## Why is this bad?
    aiohttp deprecated this form in 3.x (it warns `old-style middleware ... deprecated`) and
    drops it in 4.0. It is also slower: aiohttp cannot cache the middleware chain of an
    application that has an old-style middleware, so it calls every factory again for every
    request, building a new closure each time.

    ## Example
    ```python
    from aiohttp import web

    async def auth_middleware(app, handler):
        async def middleware(request):
            if request.headers.get("X-Token") != app["token"]:
                raise web.HTTPForbidden()
            return await handler(request)
        return middleware

    app = web.Application(middlewares=[auth_middleware])
    ```

    ## Use instead
    ```python
    from aiohttp import web

    @web.middleware
    async def auth_middleware(request, handler):
        if request.headers.get("X-Token") != request.app["token"]:
            raise web.HTTPForbidden()
        return await handler(request)

    app = web.Application(middlewares=[auth_middleware])
    ```

    ## Fix safety
    Unsafe. The fix rewrites the factory as a `@web.middleware` coroutine taking
    `(request, handler)`: the inner function's body, dedented, with the factory's `app` read as
    `request.app`. With nested applications `request.app` is the application that handles the
    request, which may not be the one the middleware was registered on. The fix is offered only
    when the factory holds nothing but the inner function and its `return`, and the inner body
    has no multi-line string (dedenting would change it); `import aiohttp.web` or the existing
    `web` import provides the decorator.
    """

    code = "AIO007"
    name = "old-style-middleware-factory"
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "old-style middleware factory `(app, handler)`"
    guidelines = (
        Quote("aiohttp", "Middleware", "Use proper middleware factory"),
        Quote("aiohttp", "Server-Side Development", "Use proper middleware organization"),
        Quote("aiohttp", "Key Principles", "Use appropriate middleware and signal patterns"),
        Quote("aiohttp", "Key Principles", "Follow established aiohttp best practices"),
    )
    node_types = (ast.AsyncFunctionDef,)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Rewrite as a `@web.middleware` coroutine"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        function = model.function_info(node)
        inner = old_style_factory(model, function) if function else None
        if function is None or inner is None:
            return
        fixable = _rewrite(model, function, inner, "web.middleware") is not None
        yield Diagnostic(
            self.code,
            f"`{function.qualname}` is an old-style middleware factory `(app, handler)`, deprecated in aiohttp 3 "
            "and removed in 4, and it stops aiohttp from caching the middleware chain; write "
            f"`@web.middleware async def {function.name}(request, handler)`",
            header_range(model, node),
            self.severity,
            Applicability.UNSAFE if fixable else None,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        function = function_at(model, diagnostic.range.start_line)
        inner = old_style_factory(model, function) if function else None
        if function is None or inner is None:
            return None
        reference, import_edit = context.import_name("aiohttp.web", "middleware")
        rewritten = _rewrite(model, function, inner, reference, context.newline)
        if rewritten is None:
            return None
        edits = [Edit(model.range_of(function.node), rewritten)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _rewrite(model: SemanticModel, factory: FunctionInfo, inner: FunctionInfo, decorator: str, newline: str = "\n") -> str | None:
    """The text of the new-style middleware replacing ``factory`` (from its ``async`` on), or None."""
    outer_node, inner_node = factory.node, inner.node
    if outer_node.decorator_list or inner_node.decorator_list or len(outer_node.body) != 2:
        return None
    for function in (factory, inner):
        arguments = function.node.args
        if arguments.defaults or arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
            return None
    app_parameter, handler_parameter = positional_parameters(factory)
    (request_parameter,) = positional_parameters(inner)
    lines = model.lines
    outer_header = _header_end(model, outer_node)
    inner_header = _header_end(model, inner_node)
    if outer_header is None or inner_header is None:
        return None
    inner_body_first = inner_header[0] + 1
    inner_last = inner_node.end_lineno - 1  # type: ignore[operator]
    if inner_node.body[0].lineno - 1 < inner_body_first:
        return None  # `async def middleware(request): return ...` on one line
    returned = outer_node.body[-1]
    dropped = lines[inner_last + 1 : returned.lineno - 1] + [lines[returned.lineno - 1][returned.end_col_offset :]]  # type: ignore[operator]
    if any("#" in line for line in dropped):
        return None  # comments the rewrite would drop
    for string_type in (ast.Constant, ast.JoinedStr):
        for string in model.nodes(string_type):
            if string.end_lineno != string.lineno and inner_body_first < string.end_lineno <= inner_last + 1:  # type: ignore[attr-defined, operator]
                return None

    # ``app`` inside the inner body becomes ``request.app``, right to left within each line.
    body = list(lines[inner_body_first : inner_last + 1])
    app_binding = next(b for b in factory.scope.bindings[app_parameter.arg] if b.kind == "parameter")
    replacements = []
    for reference in model.references(app_binding):
        where = model.range_of(reference)
        if not inner_body_first <= where.start_line <= inner_last:
            return None
        replacements.append(where)
    for where in sorted(replacements, reverse=True):
        line = body[where.start_line - inner_body_first]
        body[where.start_line - inner_body_first] = (
            line[: where.start_column] + f"{request_parameter.arg}.app" + line[where.end_column :]
        )

    outer_indent = _indentation(lines[outer_node.lineno - 1])
    body_indent = _indentation(lines[inner_node.lineno - 1])
    inner_indent = _indentation(lines[inner_node.body[0].lineno - 1])
    if not inner_indent.startswith(body_indent):
        return None
    extra = len(inner_indent) - len(body_indent)
    dedented = [line[min(extra, len(_indentation(line))) :] if line.strip() else "" for line in body]

    comments = [
        lines[row][column + 1 :].strip() for row, column in (outer_header, inner_header) if lines[row][column + 1 :].strip()
    ]
    returns = f" -> {model.segment(inner_node.returns)}" if inner_node.returns is not None else ""
    header = (
        f"@{decorator}{newline}{outer_indent}async def {outer_node.name}"
        f"({model.segment(request_parameter)}, {model.segment(handler_parameter)}){returns}:"
    )
    if comments:
        header += "  " + "  ".join(comments)
    between = lines[outer_header[0] + 1 : inner_node.lineno - 1]  # comment lines before the inner def
    return newline.join([header, *between, *dedented])


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _header_end(model: SemanticModel, node: ast.AsyncFunctionDef | ast.FunctionDef) -> tuple[int, int] | None:
    """(0-based line, column) of the colon that ends a function's header."""
    start = node.lineno - 1
    text = "\n".join(model.lines[start : node.body[0].lineno]) + "\n"
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text.lstrip()).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0:
                row, column = token.start
                indent = len(model.lines[start]) - len(model.lines[start].lstrip()) if row == 1 else 0
                return start + row - 1, column + indent
    except (tokenize.TokenError, IndentationError):
        return None
    return None
