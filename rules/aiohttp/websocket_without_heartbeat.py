from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

WEBSOCKET_RESPONSE = "aiohttp.web.WebSocketResponse"


class WebSocketWithoutHeartbeat(Rule):
    """
    ## What it does
    Finds `web.WebSocketResponse()` created without `heartbeat=`.

    ## Why is this bad?
    Without a heartbeat the server never pings the client, so a connection whose peer vanished
    (a phone that lost its network, a laptop that went to sleep, a proxy that dropped the TCP
    connection silently) goes unnoticed until TCP keepalive gives up, hours later: its handler
    waits in `receive()` all that time, holding memory and whatever the handler holds, and
    broadcasts keep writing to it. Idle connections are
    also cut by proxies and load balancers that see no traffic. `heartbeat=30` pings every 30
    seconds and closes the connection when no pong comes back.

    ## Example
    ```python
    async def notifications(request):
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        ...
    ```

    ## Use instead
    ```python
    async def notifications(request):
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO018"]`. A websocket without
    `heartbeat=` is right for a transparent proxy (the peers ping each other) and harmless where
    messages flow continuously; on the real-application corpus no sampled finding was worth changing.
    Enable it to give every websocket a dead-peer check.

    ## Fix safety
    There is no automatic fix: the interval should stay below the idle timeout of the proxies in
    front of the service.
    """

    code = "AIO018"
    name = "websocket-without-heartbeat"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "`web.WebSocketResponse()` without `heartbeat=`"
    guidelines = (
        Quote("aiohttp", "WebSocket Support", "Implement proper ping/pong frames"),
        Quote("aiohttp", "WebSocket Support", "Create appropriate connection handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of((WEBSOCKET_RESPONSE,))

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != WEBSOCKET_RESPONSE:
            return
        if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return  # **options may set the heartbeat
        heartbeat = keyword(node, "heartbeat")
        if heartbeat is not None and not (isinstance(heartbeat, ast.Constant) and heartbeat.value is None):
            return
        yield self.diagnostic(
            node,
            model,
            f"`web.WebSocketResponse()` without a heartbeat in {model.context_label(node)}: connections whose peer "
            "vanished go unnoticed for hours; pass `heartbeat=30` (seconds)",
        )
