from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity


class ConnectionAcquiredWithoutRelease(Rule):
    """
    ## What it does
    Finds pool connections taken with `conn = await pool.acquire()` in Sanic code when the
    coroutine never gives them back: no `pool.release(conn)` in it (in a `finally` or not), and
    the connection is not returned or stored for someone else to release.

    ## Why is this bad?
    A pool has a fixed number of connections. Each request that takes one and does not give it
    back leaves one fewer; after as many requests as the pool's size, every `acquire()` waits
    forever and the service hangs while the database sits idle. A `release` that is not in a
    `finally` is skipped whenever a query raises or the request is cancelled. `async with
    pool.acquire() as conn:` gives the connection back on every path.

    ## Example
    ```python
    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        conn = await request.app.ctx.pool.acquire()
        row = await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        return json(dict(row))
    ```

    ## Use instead
    ```python
    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        async with request.app.ctx.pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        return json(dict(row))
    ```

    ## Fix safety
    There is no automatic fix: the code that uses the connection has to move into the `async with`
    block.
    """

    code = "SAN037"
    name = "connection-acquired-without-release"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`conn = await pool.acquire()` never released: the pool runs dry"
    guidelines = (
        Quote("sanic", "Asynchronous Programming", "Create effective asynchronous contexts"),
        Quote("sanic", "Database Integration", "Use proper connection lifecycle management"),
    )
    node_types = (ast.Await,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Await)
        call = node.value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "acquire"
            and not call.args
        ):
            return
        parent = model.parent(node)
        if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
            return
        target = parent.targets[0]
        binding = model.lookup(target.id, target)
        if binding is None:
            return
        for reference in model.references(binding):
            use, _ = model.value_use(reference)
            if use in ("returned", "stored", "yielded", "with"):
                return
            call_parent = model.parent(reference)
            if isinstance(call_parent, ast.Call) and isinstance(call_parent.func, ast.Attribute):
                if call_parent.func.attr in ("release", "close", "terminate"):
                    return
            if isinstance(call_parent, ast.Attribute) and call_parent.attr in ("release", "close", "terminate"):
                return
        message = (
            f"`{target.id} = {model.segment(node)}` in {model.context_label(node)} takes a pool connection that "
            f"is never given back, so the pool runs dry; write `async with {model.segment(call)} as {target.id}:`"
        )
        yield self.diagnostic(node, model, message)
