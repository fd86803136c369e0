from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from .write_without_drain import is_stream_writer

#: asyncio's transport classes, which carry bytes
TRANSPORTS = frozenset({
    "asyncio.BaseTransport", "asyncio.Transport", "asyncio.WriteTransport", "asyncio.DatagramTransport",
    "asyncio.transports.BaseTransport", "asyncio.transports.Transport", "asyncio.transports.WriteTransport",
})


class StrWrittenToTransport(Rule):
    """
    ## What it does
    Finds text (a string literal or an f-string) passed to `transport.write()`, `sendto()`, or a
    `StreamWriter`'s `write()`. The transport is recognised by its type, or as the `transport`
    attribute or parameter of a protocol (`self.transport`, `transport`).

    ## Why is this bad?
    Transports and stream writers carry bytes. Given a `str`, `write()` raises
    `TypeError: data argument must be a bytes-like object, not 'str'`, often in a callback, where
    the error ends up in the loop's exception handler and the peer just never gets an answer.

    ## Example
    ```python
    def data_received(self, data):
        self.transport.write(f"echo: {data!r}\\n")
    ```

    ## Use instead
    ```python
    def data_received(self, data):
        self.transport.write(f"echo: {data!r}\\n".encode())
    ```

    ## Fix safety
    No automatic fix: the encoding (UTF-8, ASCII, latin-1) is the protocol's.
    """

    code = "ASY160"
    name = "str-written-to-transport"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`str` written to an asyncio transport or stream writer: `TypeError`, bytes expected"
    guidelines = (Quote("asyncio", "Streams and Protocols", "Create appropriate transport usage"),)
    node_types = (ast.Call,)
    callees = frozenset({"write", "sendto"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in ("write", "sendto"):
            return
        data = argument(node, 0, "data")
        if not (isinstance(data, ast.JoinedStr) or (isinstance(data, ast.Constant) and isinstance(data.value, str))):
            return
        receiver = node.func.value
        if not (_is_transport(receiver, model) or (node.func.attr == "write" and is_stream_writer(receiver, model))):
            return
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} is given a `str`: transports carry bytes, "
            "so it raises `TypeError`; encode it (`.encode()`) or write a bytes literal"
        )
        yield self.diagnostic(data, model, message)


def _is_transport(expr: ast.expr, model: SemanticModel) -> bool:
    if model.instance_type(expr) in TRANSPORTS:
        return True
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else ""
    return name.strip("_") == "transport"
