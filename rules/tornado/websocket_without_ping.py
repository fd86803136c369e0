from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import ClassInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import applications, setting_constant, setup_routes, websocket_class

PING_SETTING = "websocket_ping_interval"


class WebSocketWithoutPing(Rule):
    """
    ## What it does
    Finds Tornado applications that route to `WebSocketHandler` subclasses of the module but do
    not set `websocket_ping_interval` (or set it to `0` or `None`). Handler classes that define
    their own `ping_interval` are left alone, and so are applications whose settings come from
    somewhere this module does not spell out.

    ## Why is this bad?
    Without pings, a WebSocket whose peer vanished (a laptop lid closed, a phone that lost its
    network, a proxy that dropped the connection) stays open on the server until the operating
    system gives up on the TCP connection, which can take hours. Each one keeps its handler, its
    buffers and its place in every broadcast list, and messages sent to it are lost without
    error. With `websocket_ping_interval`, Tornado pings every connection and closes the ones
    that stop answering (`websocket_ping_timeout`, by default three intervals).

    ## Example
    ```python
    from tornado import web

    app = web.Application([(r"/chat", ChatSocket)])
    ```

    ## Use instead
    ```python
    from tornado import web

    app = web.Application([(r"/chat", ChatSocket)], websocket_ping_interval=20)
    ```

    Pings every 20 seconds also keep proxies and load balancers from closing idle connections.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR018"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a ping interval is a dead-peer check, a
    best practice as for AIO018.

    ## Fix safety
    There is no automatic fix: the interval suits the deployment's proxies and clients, and
    clients that do not answer pings would start to be disconnected.
    """

    code = "TOR018"
    name = "websocket-without-ping"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "WebSocket handlers in a Tornado application without `websocket_ping_interval`"
    guidelines = (
        Quote("tornado", "WebSockets", "Use proper ping/pong handling"),
        Quote("tornado", "WebSockets", "Create appropriate connection management"),
        Quote("tornado", "Key Principles", "Create robust WebSocket implementation"),
        Quote("tornado", "Key Principles", "Create secure and reliable real-time web applications"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        for setup in applications(model):
            if not setup.complete:
                continue
            value = setup.settings.get(PING_SETTING)
            if value is not None:
                literal = setting_constant(model, value)
                if literal is None or literal.value:
                    continue
            sockets = _unpinged_sockets(model, [route.handler for route in setup_routes(model, setup)])
            if not sockets:
                continue
            names = ", ".join(f"`{name}`" for name in sockets)
            message = (
                f"this application serves WebSockets ({names}) without `{PING_SETTING}`: connections whose peer "
                f"vanished stay open for hours; set `{PING_SETTING}=20` (seconds) so Tornado closes them"
            )
            yield self.diagnostic(value if value is not None else setup.report_node, model, message)


def _unpinged_sockets(model: SemanticModel, handlers: list[ast.expr]) -> list[str]:
    """The names of the module's WebSocket handler classes among ``handlers`` that do not set
    their own ``ping_interval``, in route order, each once."""
    names: list[str] = []
    for handler in handlers:
        class_info = model.class_def(handler)
        if class_info is None or not websocket_class(model, class_info) or _sets_ping(model, class_info):
            continue
        if class_info.name not in names:
            names.append(class_info.name)
    return names


def _sets_ping(model: SemanticModel, class_info: ClassInfo) -> bool:
    """True when the class (or a base of the module) defines ``ping_interval`` itself."""
    for owner in (class_info, *(base for base in model.base_classes(class_info) if isinstance(base, ClassInfo))):
        if "ping_interval" in owner.scope.bindings:
            return True
    return False
