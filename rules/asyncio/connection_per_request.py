from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: async drivers' single-connection factories -> their pool factory
CONNECTION_FACTORIES: dict[str, str] = {
    "asyncpg.connect": "asyncpg.create_pool()",
    "aiomysql.connect": "aiomysql.create_pool()",
    "aiopg.connect": "aiopg.create_pool()",
    "psycopg.AsyncConnection.connect": "psycopg_pool.AsyncConnectionPool",
    "redis.asyncio.Redis": "one `redis.asyncio.Redis` client (it pools its connections) made at startup",
    "redis.asyncio.from_url": "one `redis.asyncio` client made at startup",
}


class ConnectionPerRequest(Rule):
    """
    ## What it does
    Finds a new database or cache connection opened inside a request handler, of any of the five
    frameworks: `asyncpg.connect()`, `aiomysql.connect()`, `aiopg.connect()`,
    `psycopg.AsyncConnection.connect()`, `redis.asyncio.Redis(...)` / `from_url()`.

    ## Why is this bad?
    Opening a connection costs a TCP handshake, often TLS, and the server's authentication and
    session setup: several round trips on every request, before any query. Under load each
    request holds its own connection, so the database's connection limit becomes the service's
    concurrency limit, and a burst exhausts it. A pool made once at startup reuses connections
    and bounds how many exist.

    ## Example
    ```python
    import asyncpg

    @app.get("/users/{user_id}")
    async def get_user(user_id: int):
        connection = await asyncpg.connect(DSN)
        try:
            return await connection.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
        finally:
            await connection.close()
    ```

    ## Use instead
    ```python
    import asyncpg

    @app.get("/users/{user_id}")
    async def get_user(user_id: int, request: Request):
        async with request.app.state.pool.acquire() as connection:
            return await connection.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
    ```
    with `app.state.pool = await asyncpg.create_pool(DSN)` in the application's lifespan.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY157"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a connection per request costs a
    connect per call; on rarely called handlers that is fine.

    ## Fix safety
    No automatic fix: the pool has to be created and closed with the application, which is
    framework-specific set-up.
    """

    code = "ASY157"
    name = "connection-per-request"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Database connection opened per request in a handler: use a pool"
    guidelines = (Quote("asyncio", "Network Programming", "Create effective connection pooling"),)
    node_types = (ast.Call,)
    callees = callees_of(CONNECTION_FACTORIES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        factory = model.qualified_name(node.func)
        pool = CONNECTION_FACTORIES.get(factory or "")
        if pool is None:
            return
        function = model.enclosing_function(node)
        if function is None or function.handler is None:
            return
        message = (
            f"`{factory}()` in {model.context_label(node)} opens a new connection on every request: "
            f"handshakes each time, and no bound on connections; use {pool}"
        )
        yield self.diagnostic(node, model, message)
