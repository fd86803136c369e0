from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: asyncio's protocol base classes
PROTOCOL_CLASSES = tuple(
    f"asyncio.{module}{name}"
    for module in ("", "protocols.")
    for name in ("BaseProtocol", "Protocol", "BufferedProtocol", "DatagramProtocol", "SubprocessProtocol")
)

#: the callbacks the transport calls as plain functions
PROTOCOL_CALLBACKS = frozenset({
    "connection_made", "connection_lost", "pause_writing", "resume_writing",
    "data_received", "eof_received", "get_buffer", "buffer_updated",
    "datagram_received", "error_received",
    "pipe_data_received", "pipe_connection_lost", "process_exited",
})


class AsyncProtocolCallback(Rule):
    """
    ## What it does
    Finds a protocol callback (`data_received`, `connection_made`, `datagram_received`…) defined
    with `async def` in a subclass of an asyncio protocol class.

    ## Why is this bad?
    Transports call protocol callbacks as plain functions and ignore what they return. An
    `async def` callback only creates a coroutine that nothing awaits: the data is never
    processed, the connection never set up, with at most a "never awaited" warning.

    ## Example
    ```python
    import asyncio

    class EchoProtocol(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport

        async def data_received(self, data):
            self.transport.write(await transform(data))
    ```

    ## Use instead
    ```python
    import asyncio

    class EchoProtocol(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            self.tasks = set()

        def data_received(self, data):
            task = asyncio.get_running_loop().create_task(self.reply(data))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

        async def reply(self, data):
            self.transport.write(await transform(data))
    ```
    or use the streams API (`asyncio.start_server`), where the handler is a coroutine.

    ## Fix safety
    No automatic fix: the callback's awaits have to move into a task, and the order of the
    replies then needs thought.
    """

    code = "ASY143"
    name = "async-protocol-callback"
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Protocol callback defined with `async def`: the transport never awaits it"
    guidelines = (Quote("asyncio", "Streams and Protocols", "Implement effective protocol classes"),)
    node_types = (ast.AsyncFunctionDef,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        if node.name not in PROTOCOL_CALLBACKS:
            return
        function = model.function_info(node)
        if function is None or function.class_info is None or not model.is_subclass(function.class_info, *PROTOCOL_CLASSES):
            return
        message = (
            f"`{function.qualname}` is a protocol callback: the transport calls it as a plain function, so as an "
            "`async def` its body never runs; make it a `def` and start a task for the async work"
        )
        yield Diagnostic(self.code, message, model.header_range(node), self.severity)
