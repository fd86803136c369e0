from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import string

#: statements that write one row per call, and what to batch them with
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
READ = re.compile(r"^\s*SELECT\b", re.IGNORECASE)
#: driver methods that run one statement with parameters
QUERY_METHODS = frozenset({"execute", "fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one", "fetch_val"})


class QueryPerItemInLoop(Rule):
    """
    ## What it does
    Finds the same parameterised SQL statement awaited once per item of a `for` loop in Sanic code:
    `for item in items: await conn.execute("INSERT ... VALUES ($1, $2)", ...)`, or a `SELECT`
    fetched per item (the "N+1 queries" pattern). Streams (`async for`, `while` loops) are left
    alone, since their items do not exist up front.

    ## Why is this bad?
    Every statement is a round trip to the database: the handler waits for the network and the
    server once per item, so a request with a thousand items makes a thousand round trips and
    holds a pooled connection for all of them. Each write is also its own transaction unless one
    surrounds the loop. One batched statement does the same work in one or a few round trips.

    ## Example
    ```python
    @app.post("/tags")
    async def add_tags(request):
        async with request.app.ctx.pool.acquire() as conn:
            for tag in request.json["tags"]:
                await conn.execute("INSERT INTO tags (name) VALUES ($1)", tag)
    ```

    ## Use instead
    ```python
    @app.post("/tags")
    async def add_tags(request):
        async with request.app.ctx.pool.acquire() as conn:
            await conn.executemany("INSERT INTO tags (name) VALUES ($1)", [(tag,) for tag in request.json["tags"]])
    ```
    and for reads one query for all items (`WHERE id = ANY($1)`).

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN038"]`. It found nothing on
    the real-application corpus, and it is not a definite error: one query per item is a performance
    matter.

    ## Fix safety
    There is no automatic fix: batching changes how errors of single items surface, and a read
    per item has to become one query whose rows are matched back to the items.
    """

    code = "SAN038"
    name = "query-per-item-in-loop"
    opt_in = True
    framework = "sanic"
    severity = Severity.INFORMATION
    summary = "Same SQL statement awaited once per item of a loop: batch it"
    guidelines = (
        Quote("sanic", "Database Integration", "Create proper query execution"),
        Quote("sanic", "Database Integration", "Create effective data access patterns"),
    )
    node_types = (ast.Await,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Await)
        call = node.value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in QUERY_METHODS
            and len(call.args) >= 2
        ):
            return
        sql = string(call.args[0])
        if sql is None or not isinstance(model.enclosing_loop(node), ast.For):
            return
        if WRITE.match(sql):
            instead = f"`{model.segment(call.func.value)}.executemany(sql, rows)` once after the loop"
        elif READ.match(sql):
            instead = "one query for every item (`WHERE id = ANY($1)`) before the loop"
        else:
            return
        message = (
            f"`{model.segment(call.func)}()` in {model.context_label(node)} runs the same statement once per item "
            f"of the loop, a round trip each; use {instead}"
        )
        yield self.diagnostic(node, model, message)
