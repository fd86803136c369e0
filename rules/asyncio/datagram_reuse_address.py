from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity

#: the release that removed the parameter altogether (any value is a TypeError)
REMOVED_IN = (3, 11)


class DatagramReuseAddress(Rule):
    """
    ## What it does
    Finds `loop.create_datagram_endpoint(..., reuse_address=...)`: `reuse_address=True` on any
    Python, and any `reuse_address=` where the code may run on Python 3.11 or later.

    ## Why is this bad?
    `SO_REUSEADDR` on a UDP socket lets another process bind the same address and receive the
    datagrams meant for this one. asyncio refused it from Python 3.8.1 (`reuse_address=True`
    raises `ValueError`) and removed the parameter in 3.11 (passing it at all raises
    `TypeError`), so the endpoint never starts.

    ## Example
    ```python
    transport, protocol = await loop.create_datagram_endpoint(
        MetricsProtocol, local_addr=("0.0.0.0", 8125), reuse_address=True,
    )
    ```

    ## Use instead
    ```python
    transport, protocol = await loop.create_datagram_endpoint(
        MetricsProtocol, local_addr=("0.0.0.0", 8125), reuse_port=True,
    )
    ```
    (`reuse_port=True` only where several processes of the same user should share the port.)

    ## Fix safety
    No automatic fix: whether the endpoint needs `reuse_port` at all is the program's choice.
    """

    code = "ASY138"
    name = "datagram-reuse-address"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`create_datagram_endpoint(reuse_address=...)` raises: the parameter is refused, then removed"
    guidelines = (Quote("asyncio", "Network Programming", "Implement effective UDP endpoints"),)
    node_types = (ast.Call,)
    callees = frozenset({"create_datagram_endpoint"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute) or node.func.attr != "create_datagram_endpoint":
            return
        if not model.is_event_loop(node.func.value):
            return
        value = keyword(node, "reuse_address")
        if value is None:
            return
        enabled = isinstance(value, ast.Constant) and value.value is True
        if not enabled and not model.python_versions(node).reaches(REMOVED_IN):
            return
        outcome = "raises `ValueError` (Python 3.8.1+) or `TypeError` (3.11+)" if enabled else "raises `TypeError` on Python 3.11+"
        message = (
            f"`reuse_address=` in `{model.segment(node.func)}()` in {model.context_label(node)} {outcome}: "
            "`SO_REUSEADDR` lets other processes steal the endpoint's datagrams; drop it, or use `reuse_port=True`"
        )
        yield self.diagnostic(value, model, message)
