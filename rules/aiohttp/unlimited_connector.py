from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import qualified


class UnlimitedConnector(Rule):
    """
    ## What it does
    Finds `aiohttp.TCPConnector(limit=0)` (or `limit=None`): a client connection pool with no
    limit on open connections.

    ## Why is this bad?
    The default pool holds at most 100 connections and queues further requests. With no limit,
    a burst of `gather()`ed requests opens one socket each: the process runs out of file
    descriptors (`OSError: Too many open files`), the called service is flooded, and there is
    no backpressure on the caller. A bounded pool, or `limit_per_host`, keeps the load within
    what both sides can take.

    ## Example
    ```python
    connector = aiohttp.TCPConnector(limit=0)
    session = aiohttp.ClientSession(connector=connector)
    ```

    ## Use instead
    ```python
    connector = aiohttp.TCPConnector(limit=200, limit_per_host=50)
    session = aiohttp.ClientSession(connector=connector)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO033"]`. An unlimited
    connector is a deliberate choice where many long-lived streams go to one server (a Kubernetes watch
    per resource); on the real-application corpus the finding was such a choice. Enable it to make every
    unlimited connector stand out.

    ## Fix safety
    No fix is offered: the right limit depends on the services called and the host.
    """

    code = "AIO033"
    name = "aiohttp-unlimited-connector"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`aiohttp.TCPConnector(limit=0)`: client connections without a limit"
    guidelines = (
        Quote("aiohttp", "Concurrency and Performance", "Implement effective request limiting"),
        Quote("aiohttp", "Concurrency and Performance", "Implement proper backpressure"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"TCPConnector", "UnixConnector"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) not in ("aiohttp.TCPConnector", "aiohttp.UnixConnector"):
            return
        limit = keyword(node, "limit")
        if isinstance(limit, ast.Constant) and (limit.value is None or limit.value == 0) and not isinstance(limit.value, bool):
            yield self.diagnostic(
                limit,
                model,
                f"`limit={limit.value}` lets the connector open any number of connections: a burst of requests "
                "exhausts file descriptors and floods the service; set a bound (the default is 100)",
            )
