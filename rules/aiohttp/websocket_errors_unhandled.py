from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import instance, qualified

WEBSOCKETS = frozenset({"aiohttp.web.WebSocketResponse", "aiohttp.ClientWebSocketResponse"})
MESSAGE_TYPE = "aiohttp.WSMsgType"
#: message types that end a ``receive()`` loop; ``async for`` ends on the closing ones by itself
ENDING_TYPES = frozenset({"ERROR", "CLOSE", "CLOSED", "CLOSING", "error", "close", "closed", "closing"})
ERROR_TYPES = frozenset({"ERROR", "error"})
_NEGATIONS = (ast.NotEq, ast.IsNot, ast.NotIn)


class WebSocketErrorsUnhandled(Rule):
    """
    ## What it does
    Finds aiohttp WebSocket loops that never handle the end of the connection: `async for msg
    in ws` whose body never checks for `WSMsgType.ERROR`, and `while` loops around
    `await ws.receive()` that never check for `ERROR`, `CLOSE`, `CLOSING` or `CLOSED` (nor test
    `ws.closed` or the message type in the loop's condition). A loop
    that handles other types generically (an `else` after the `msg.type` tests, a `case _`,
    `msg.type != ...`, or a call to `ws.exception()`) counts as handling them.

    ## Why is this bad?
    `async for` yields an `ERROR` message when the connection fails (a protocol error, a
    message over `max_msg_size`) and then stops: a body that only knows `TEXT` drops the error
    without a trace, and the client sees a closed socket nobody logged. A `receive()` loop gets
    `CLOSE`/`CLOSED` messages after the peer leaves; one that ignores them spins on them until
    aiohttp raises `RuntimeError: WebSocket connection is closed`.

    ## Example
    ```python
    async def chat(request):
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await broadcast(msg.data)
        return ws
    ```

    ## Use instead
    ```python
    async def chat(request):
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await broadcast(msg.data)
            elif msg.type == WSMsgType.ERROR:
                log.warning("websocket closed with %s", ws.exception())
        return ws
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO014"]`. It found nothing on
    the real-application corpus, and it is not a definite error: with `async for`, an unhandled `ERROR`
    message is only missing from the logs; only a `receive()` loop that ignores `CLOSE` spins.

    ## Fix safety
    There is no automatic fix: what to do on an error (log, notify, reconnect) is the
    application's choice.
    """

    code = "AIO014"
    name = "websocket-errors-unhandled"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "WebSocket loop that never handles `ERROR`/`CLOSE` messages"
    guidelines = (
        Quote("aiohttp", "WebSocket Support", "Use proper message types"),
        Quote("aiohttp", "WebSocket Support", "Implement proper error handling"),
        Quote("aiohttp", "WebSocket Support", "Use proper connection closing"),
        Quote("aiohttp", "Key Principles", "Apply effective error handling"),
    )
    node_types = (ast.AsyncFor, ast.Call)
    callees = frozenset({"receive"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.AsyncFor):
            if instance(model, node.iter) not in WEBSOCKETS or _handles(model, node, ERROR_TYPES):
                return
            target = model.segment(node.target)
            yield self.diagnostic(
                node.iter,
                model,
                f"`async for {target} in {model.segment(node.iter)}` in {model.context_label(node)} never checks for "
                f"`WSMsgType.ERROR`: a failed connection ends the loop without a trace; handle "
                f"`{target}.type == WSMsgType.ERROR` (log `{model.segment(node.iter)}.exception()`)",
            )
            return
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "receive" and instance(model, func.value) in WEBSOCKETS):
            return
        loop = model.enclosing_loop(node)
        if not isinstance(loop, ast.While) or _handles(model, loop, ENDING_TYPES):
            return  # a ``for`` loop receives a bounded number of messages
        if _mentions_closed(model, loop.test) or _tests_type(loop.test):
            return  # ``while not ws.closed``, ``while (msg := await ws.receive()).type is TEXT``
        yield self.diagnostic(
            node,
            model,
            f"the `{model.segment(func.value)}.receive()` loop in {model.context_label(node)} never handles "
            "`WSMsgType.CLOSE`, `CLOSED` or `ERROR`: once the connection ends it spins on closed messages; "
            "break out of the loop on them",
        )


def _inside(model: SemanticModel, node: ast.AST, loop: ast.AST) -> bool:
    if not loop.lineno <= node.lineno <= loop.end_lineno:  # type: ignore[attr-defined]
        return False
    return any(ancestor is loop for ancestor in model.ancestors(node))


def _handles(model: SemanticModel, loop: ast.AST, types: frozenset[str]) -> bool:
    """True when the loop names one of these message types, or handles message types generically."""
    for attribute in model.nodes(ast.Attribute):
        assert isinstance(attribute, ast.Attribute)
        if not _inside(model, attribute, loop):
            continue
        if attribute.attr in types and qualified(model, attribute.value) == MESSAGE_TYPE:
            return True
        if attribute.attr == "exception" and isinstance(model.parent(attribute), ast.Call):
            return True
    for comparison in model.nodes(ast.Compare):
        assert isinstance(comparison, ast.Compare)
        if _tests_type(comparison) and any(isinstance(op, _NEGATIONS) for op in comparison.ops) and _inside(model, comparison, loop):
            return True
    for branch in model.nodes(ast.If):
        assert isinstance(branch, ast.If)
        if _tests_type(branch.test) and _ends_in_else(branch) and _inside(model, branch, loop):
            return True
    for match in model.nodes(getattr(ast, "Match", ast.If)):
        if isinstance(match, ast.If) or not _inside(model, match, loop):
            continue
        if any(isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None for case in match.cases):  # type: ignore[attr-defined]
            return True
    return False


def _tests_type(test: ast.expr) -> bool:
    """True when a test reads a ``.type`` attribute (``msg.type == ...``, ``msg.type in (...)``)."""
    if isinstance(test, ast.BoolOp):
        return any(_tests_type(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return any(isinstance(side, ast.Attribute) and side.attr == "type" for side in (test.left, *test.comparators))
    return False


def _ends_in_else(branch: ast.If) -> bool:
    """True when an ``if``/``elif`` chain ends in an ``else`` block."""
    while len(branch.orelse) == 1 and isinstance(branch.orelse[0], ast.If):
        branch = branch.orelse[0]
    return bool(branch.orelse)


def _mentions_closed(model: SemanticModel, test: ast.expr) -> bool:
    """True when a ``while`` test reads a ``.closed`` attribute (``while not ws.closed``)."""
    return any(
        isinstance(attribute, ast.Attribute) and attribute.attr == "closed" and _inside(model, attribute, test)
        for attribute in model.nodes(ast.Attribute)
    ) or (isinstance(test, ast.UnaryOp) and isinstance(test.operand, ast.Attribute) and test.operand.attr == "closed")
