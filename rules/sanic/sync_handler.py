from __future__ import annotations

import ast
import functools
from collections.abc import Iterator

from ..blocking import BlockingCallRule
from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..registry import all_rules
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.sanic import header_range, is_request, is_sanic_handler, qualified

#: Sanic's response builders that only wrap data already in memory (``file()`` reads a file, and is a coroutine)
IN_MEMORY_RESPONSES = frozenset(f"sanic.response.{name}" for name in ("empty", "html", "json", "raw", "redirect", "text", "HTTPResponse"))


class SyncHandler(Rule):
    """
    ## What it does
    Finds Sanic request handlers written as a plain `def`: functions registered with
    `@app.route`/`@app.get`/… or `@bp.*` on a blueprint, `app.add_route(...)`, `@app.websocket`,
    and the HTTP-method methods of `HTTPMethodView` subclasses. A handler with decorators besides
    its route is left alone, since a decorator may wrap it in a coroutine, and so is a trivial
    one whose only calls build a response in memory (`return text("ok")`), read the request or
    are builtins: it cannot keep the loop waiting.

    ## Why is this bad?
    Sanic accepts plain functions as handlers, but it calls them right on the event loop of the
    worker. Whatever such a handler does, every other request, websocket and background task of
    that worker waits until it returns; one slow query or file read in it stalls the whole
    worker. An `async def` handler can `await` its I/O and let the loop serve others meanwhile.

    ## Example
    ```python
    from sanic import Sanic, json

    app = Sanic("Orders")


    @app.get("/orders/<order_id:int>")
    def get_order(request, order_id):
        return json({"id": order_id})
    ```

    ## Use instead
    ```python
    from sanic import Sanic, json

    app = Sanic("Orders")


    @app.get("/orders/<order_id:int>")
    async def get_order(request, order_id):
        return json({"id": order_id})
    ```

    ## Fix safety
    The fix makes the handler `async def`. It is offered only when the handler is not a
    generator and calls nothing the blocking-call rules know (`time.sleep`, `requests.get`,
    `open`…): those need an async replacement first, or the handler would still block. It is
    unsafe: Sanic awaits the handler either way, but code that calls the function directly (tests,
    other functions) gets a coroutine afterwards and must `await` it.
    """

    code = "SAN001"
    name = "sync-handler"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Sanic handler defined with plain `def` runs on, and blocks, the event loop"
    guidelines = (
        Quote("sanic", "Key Principles", "Implement proper asynchronous request handling"),
        Quote("sanic", "Asynchronous Programming", "Use proper async/await syntax"),
        Quote("sanic", "WebSocket Support", "Use proper WebSocket route handlers"),
    )
    node_types = (ast.FunctionDef,)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Make the handler `async def`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.FunctionDef)
        function = model.function_info(node)
        if function is None or not is_sanic_handler(function):
            return
        handler = function.handler
        assert handler is not None
        if any(decorator is not handler.registration for decorator in node.decorator_list):
            return
        blocking = _blocking_call(model, function)
        if blocking is None and not function.yields and _only_cheap_calls(model, function):
            return  # `return text("ok")`: nothing in it can keep the loop waiting
        message = (
            f"Sanic handler `{function.qualname}` is a plain `def`: Sanic runs it on the event loop, "
            "so every other request of the worker waits while it runs; make it `async def`"
        )
        fix: Applicability | None = Applicability.UNSAFE
        if blocking is not None:
            message += f" and replace the blocking `{blocking}()` it calls"
            fix = None
        elif function.yields:
            fix = None
        yield Diagnostic(self.code, message, header_range(model, node), self.severity, fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        start = diagnostic.range
        line = context.lines[start.start_line]
        if not line.startswith("def ", start.start_column):
            return None
        at = Range(start.start_line, start.start_column, start.start_line, start.start_column)
        return Fix(self.fix_title, Applicability.UNSAFE, (Edit(at, "async "),))


def _only_cheap_calls(model: SemanticModel, function: FunctionInfo) -> bool:
    """Every call in the handler builds a response in memory (`json()`, `text()`…), is a builtin,
    or reads the request (`request.args.get(...)`)."""
    for call in model.nodes_in(function, ast.Call):
        assert isinstance(call, ast.Call)
        name = qualified(model, call.func) or ""
        if name in IN_MEMORY_RESPONSES or name.startswith("builtins."):
            continue
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        while isinstance(receiver, ast.Attribute):
            receiver = receiver.value
        if receiver is not None and is_request(model, receiver):
            continue
        return False
    return True


def _blocking_call(model: SemanticModel, function: FunctionInfo) -> str | None:
    """The first call in the function's body that a blocking-call rule's table names, if any."""
    tables = _blocking_tables()
    for call in model.nodes_in(function, ast.Call):
        assert isinstance(call, ast.Call)
        for name in BlockingCallRule.call_names(call, model):
            if any(table.replacement(name) is not None for table in tables):
                return name.removeprefix("builtins.")
    return None


@functools.cache
def _blocking_tables() -> tuple[BlockingCallRule, ...]:
    """The blocking-call rules (ASY100…), whose tables name the calls that block."""
    return tuple(rule() for rule in all_rules().values() if issubclass(rule, BlockingCallRule))
