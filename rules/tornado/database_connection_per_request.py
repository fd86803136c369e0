from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.tornado import handler_class

#: calls that open a new database connection or client -> the pooled way to share one
CONNECTS = {
    "asyncpg.connect": "`asyncpg.create_pool()`",
    "aiopg.connect": "`aiopg.create_pool()`",
    "aiomysql.connect": "`aiomysql.create_pool()`",
    "asyncmy.connect": "`asyncmy.create_pool()`",
    "psycopg.AsyncConnection.connect": "`psycopg_pool.AsyncConnectionPool`",
    "aiosqlite.connect": "one connection opened at start-up",
    "motor.motor_tornado.MotorClient": "one `MotorClient` created at start-up (it pools connections itself)",
    "motor.motor_asyncio.AsyncIOMotorClient": "one `AsyncIOMotorClient` created at start-up (it pools connections itself)",
    "redis.asyncio.Redis": "one `redis.asyncio.Redis` (or `ConnectionPool`) created at start-up",
    "redis.asyncio.from_url": "one client created at start-up",
}


class DatabaseConnectionPerRequest(Rule):
    """
    ## What it does
    Finds database connections and clients (`asyncpg.connect`, `aiomysql.connect`,
    `aiopg.connect`, `psycopg.AsyncConnection.connect`, `aiosqlite.connect`, Motor and
    `redis.asyncio` clients) opened in the methods of a Tornado request handler, which run once
    per request.

    ## Why is this bad?
    Opening a connection costs a TCP handshake, often TLS, and authentication: several round
    trips before the first query, on every request. Under load the service opens as many
    connections as it has requests in flight, until the database refuses more; a connection that
    an exception skips closing stays open. A pool created once at start-up reuses connections
    and bounds how many there are.

    ## Example
    ```python
    import asyncpg
    from tornado import web

    class UserHandler(web.RequestHandler):
        async def get(self, user_id):
            connection = await asyncpg.connect(DSN)
            row = await connection.fetchrow("SELECT name FROM users WHERE id = $1", int(user_id))
            self.write({"name": row["name"]})
    ```

    ## Use instead
    ```python
    import asyncpg
    from tornado import web

    class UserHandler(web.RequestHandler):
        def initialize(self, pool):
            self.pool = pool

        async def get(self, user_id):
            async with self.pool.acquire() as connection:
                row = await connection.fetchrow("SELECT name FROM users WHERE id = $1", int(user_id))
            self.write({"name": row["name"]})

    async def main():
        pool = await asyncpg.create_pool(DSN)
        app = web.Application([(r"/users/([0-9]+)", UserHandler, {"pool": pool})])
        ...
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR038"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a connection per request costs a
    connect per call; fine on rarely called handlers.

    ## Fix safety
    There is no automatic fix: the pool has to be created at start-up and passed to the handlers.
    """

    code = "TOR038"
    name = "database-connection-per-request"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "database connection opened per request in a Tornado handler"
    guidelines = (
        Quote("tornado", "Database Integration", "Implement proper connection pooling"),
        Quote("tornado", "Database Integration", "Use proper connection handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of(CONNECTS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name not in CONNECTS:
            return
        function = model.enclosing_function(node)
        while function is not None and function.outer.kind == "function":
            function = function.outer.function  # a closure runs when its method does
        if function is None or function.outer.kind != "class" or not handler_class(model, function.class_info):
            return
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} opens a new database connection for every "
            f"request; create {CONNECTS[name]} once at start-up and pass it to the handlers (`initialize`)"
        )
        yield self.diagnostic(node, model, message)
