from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import connection_parameter
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: ``WebSocket`` methods that raise ``WebSocketDisconnect`` when the client goes away
RAISING_RECEIVES = frozenset({"receive_text", "receive_bytes", "receive_json"})
#: exception classes whose handlers catch ``WebSocketDisconnect``
CATCHING = frozenset(
    {
        "starlette.websockets.WebSocketDisconnect",
        "fastapi.WebSocketDisconnect",
        "fastapi.websockets.WebSocketDisconnect",
        "builtins.Exception",
        "builtins.BaseException",
    }
)
SUPPRESSORS = frozenset({"contextlib.suppress"})
_LOOPS = (ast.While, ast.For, ast.AsyncFor)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)  # ``except*`` from Python 3.11


class WebSocketDisconnectUnhandled(Rule):
    """
    ## What it does
    Finds receive loops in Starlette and FastAPI WebSocket endpoints,
    `while True: await websocket.receive_text()` (or `receive_bytes()`, `receive_json()`), where
    no enclosing `try` catches `WebSocketDisconnect` (or `Exception`) and no
    `contextlib.suppress(WebSocketDisconnect)` covers the call. One report per loop.

    `async for message in websocket.iter_text()` (and `iter_bytes()`, `iter_json()`) is not
    reported: those iterators end quietly on disconnect. Neither is a `WebSocketEndpoint`'s
    `on_receive`, which the endpoint class calls from its own loop.

    ## Why is this bad?
    Every WebSocket conversation ends with a disconnect, and these methods announce it by raising
    `WebSocketDisconnect`. Uncaught, it aborts the endpoint: the code after the loop that removes
    the client from the room, cancels its tasks or releases its resources never runs, so dead
    connections pile up in memory, and the server logs an error for an ordinary goodbye.

    ## Example
    ```python
    async def chat(websocket):
        await websocket.accept()
        room.add(websocket)
        while True:
            message = await websocket.receive_text()
            await room.broadcast(message)
        room.remove(websocket)  # never runs
    ```

    ## Use instead
    ```python
    from starlette.websockets import WebSocketDisconnect


    async def chat(websocket):
        await websocket.accept()
        room.add(websocket)
        try:
            while True:
                message = await websocket.receive_text()
                await room.broadcast(message)
        except WebSocketDisconnect:
            pass
        finally:
            room.remove(websocket)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA010"]`. It found nothing on
    the real-application corpus, and it is not a definite error: an unhandled `WebSocketDisconnect` is
    logged, nothing breaks: cleanup, a best practice.

    ## Fix safety
    There is no automatic fix: what cleanup a disconnect needs is the endpoint's business.
    """

    code = "STA010"
    name = "websocket-disconnect-unhandled"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "A WebSocket receive loop does not handle `WebSocketDisconnect`"
    guidelines = (
        Quote("starlette", "WebSocket Management", "Handle WebSocket disconnections gracefully with proper cleanup"),
        Quote(
            "starlette",
            "Known Issues and Mitigations",
            "**WebSocket State Management**: Implement proper cleanup in WebSocket disconnect handlers to prevent memory leaks",
        ),
    )
    node_types = (ast.Call,)
    callees = RAISING_RECEIVES

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in RAISING_RECEIVES):
            return
        function = model.enclosing_function(node)
        if not _is_receive_in_endpoint(node, function, model) or _handled(node, model):
            return
        loop = _innermost_loop(node, model)
        if loop is None:
            return
        for earlier in model.nodes_in(function, ast.Call):  # type: ignore[arg-type]
            if earlier is node:
                break
            same_loop = isinstance(earlier.func, ast.Attribute) and earlier.func.attr in RAISING_RECEIVES  # type: ignore[attr-defined]
            if same_loop and _innermost_loop(earlier, model) is loop and _is_receive_in_endpoint(earlier, function, model) and not _handled(earlier, model):  # type: ignore[arg-type]
                return  # reported once per loop, at its first receive
        message = (
            f"`{model.segment(node.func)}()` in a loop of {model.context_label(node)} raises `WebSocketDisconnect` "
            "when the client leaves, and nothing catches it, so the cleanup after the loop never runs; "
            "wrap the loop in `try: ... except WebSocketDisconnect:`"
        )
        yield self.diagnostic(node, model, message)


def _is_receive_in_endpoint(call: ast.Call, function: FunctionInfo | None, model: SemanticModel) -> bool:
    """True when the call receives on the websocket parameter of a Starlette/FastAPI WebSocket endpoint function."""
    handler = model.handler(function)
    if function is None or handler is None or handler.kind != "websocket" or handler.framework not in ("starlette", "fastapi"):
        return False
    if function.class_info is not None:
        return False  # WebSocketEndpoint methods run inside the class's own disconnect handling
    websocket = connection_parameter(model, function)
    receiver = call.func.value  # type: ignore[attr-defined]
    if websocket is None or not (isinstance(receiver, ast.Name) and receiver.id == websocket.arg):
        return False
    binding = model.lookup(receiver.id, receiver)
    return binding is not None and binding.node is websocket


def _innermost_loop(node: ast.AST, model: SemanticModel) -> ast.AST | None:
    """The innermost loop of the function whose body (or ``while`` test) holds the node."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, _FUNCTIONS):
            return None
        if isinstance(ancestor, _LOOPS) and (any(child is s for s in ancestor.body) or child is getattr(ancestor, "test", None)):
            return ancestor
        child = ancestor
    return None


def _handled(node: ast.AST, model: SemanticModel) -> bool:
    """True when an enclosing ``try`` of the function catches the disconnect, or ``suppress`` covers it."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, _FUNCTIONS):
            return False
        if isinstance(ancestor, _TRIES) and any(child is s for s in ancestor.body):
            if any(_catches(handler.type, model) for handler in ancestor.handlers):
                return True
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(child is s for s in ancestor.body):
            if any(_suppresses(item.context_expr, model) for item in ancestor.items):
                return True
        child = ancestor
    return False


def _catches(caught: ast.expr | None, model: SemanticModel) -> bool:
    if caught is None:
        return True  # a bare except
    if isinstance(caught, ast.Tuple):
        return any(_catches(element, model) for element in caught.elts)
    return model.qualified_name(caught) in CATCHING


def _suppresses(context: ast.expr, model: SemanticModel) -> bool:
    return (
        isinstance(context, ast.Call)
        and model.qualified_name(context.func) in SUPPRESSORS
        and any(_catches(argument, model) for argument in context.args)
    )
