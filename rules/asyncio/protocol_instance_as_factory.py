from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from .async_protocol_callback import PROTOCOL_CLASSES

#: event-loop methods whose first argument is a protocol factory, called for each connection
FACTORY_METHODS = frozenset({
    "create_server", "create_connection", "create_datagram_endpoint", "create_unix_server",
    "create_unix_connection", "connect_accepted_socket", "connect_read_pipe", "connect_write_pipe",
    "subprocess_exec", "subprocess_shell",
})


class ProtocolInstanceAsFactory(Rule):
    """
    ## What it does
    Finds a protocol instance, `EchoProtocol()`, passed where an event-loop method expects a
    protocol factory: `loop.create_server()`, `create_connection()`,
    `create_datagram_endpoint()`, `create_unix_server()`, `subprocess_exec()` and the like.

    ## Why is this bad?
    The loop calls the factory to get a protocol (once per connection for a server). A protocol
    instance is not callable, so the call raises `TypeError: 'EchoProtocol' object is not
    callable`: at once for a client, and on every incoming connection for a server, which then
    accepts and drops each client while looking healthy.

    ## Example
    ```python
    server = await loop.create_server(EchoProtocol(), "0.0.0.0", 8888)
    ```

    ## Use instead
    ```python
    server = await loop.create_server(EchoProtocol, "0.0.0.0", 8888)
    ```
    or `lambda: EchoProtocol(settings)` when the protocol takes arguments.

    ## Fix safety
    Safe: the instance is replaced by `lambda: <the same call>`, which makes a new protocol each
    time the loop asks, as the API intends; the call used to fail.
    """

    code = "ASY144"
    name = "protocol-instance-as-factory"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "Protocol instance passed where a protocol factory is expected: `TypeError`"
    guidelines = (Quote("asyncio", "Streams and Protocols", "Implement proper protocol factories"),)
    node_types = (ast.Call,)
    callees = FACTORY_METHODS
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Pass a factory: `lambda: Protocol(...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in FACTORY_METHODS:
            return
        if not model.is_event_loop(node.func.value):
            return
        factory = argument(node, 0, "protocol_factory")
        if not isinstance(factory, ast.Call) or not _is_protocol_class(factory.func, model):
            return
        message = (
            f"`{model.segment(factory)}` is a protocol instance, but `{model.segment(node.func)}()` in "
            f"{model.context_label(node)} calls its first argument to make protocols: `TypeError`; pass "
            f"`{model.segment(factory.func)}` or `lambda: {model.segment(factory)}`"
        )
        yield self.diagnostic(factory, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if call is None:
            return None
        return Fix(self.fix_title, Applicability.SAFE, (context.replace(call, f"lambda: {context.text(call)}"),))


def _is_protocol_class(expr: ast.expr, model: SemanticModel) -> bool:
    local = model.class_def(expr)
    if local is not None:
        return model.is_subclass(local, *PROTOCOL_CLASSES)
    return model.qualified_name(expr) in PROTOCOL_CLASSES
