from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: coroutines (or awaitables) that make a connection or pool: at import time nothing can await them
AWAITED_FACTORIES = frozenset(
    {
        "asyncpg.create_pool",
        "asyncpg.pool.create_pool",
        "asyncpg.connect",
        "asyncpg.connection.connect",
        "aiomysql.create_pool",
        "aiomysql.connect",
        "aiopg.create_pool",
        "aiopg.connect",
        "aioredis.create_redis_pool",
        "aioredis.create_redis",
        "aioredis.create_pool",
        "aioredis.create_connection",
    }
)
#: clients and pools that bind to the event loop they are made or first used on, and hold connections
LOOP_BOUND_CLIENTS = frozenset(
    {
        "aiohttp.ClientSession",
        "aiohttp.client.ClientSession",
        "httpx.AsyncClient",
        "redis.asyncio.Redis",
        "redis.asyncio.StrictRedis",
        "redis.asyncio.client.Redis",
        "redis.asyncio.from_url",
        "redis.asyncio.Redis.from_url",
        "redis.asyncio.client.Redis.from_url",
        "redis.asyncio.ConnectionPool",
        "redis.asyncio.ConnectionPool.from_url",
        "redis.asyncio.BlockingConnectionPool",
        "redis.asyncio.connection.ConnectionPool",
        "aioredis.Redis",
        "aioredis.from_url",
        "aioredis.Redis.from_url",
        "aioredis.ConnectionPool",
        "motor.motor_asyncio.AsyncIOMotorClient",
    }
)


class ClientAtImportTime(Rule):
    """
    ## What it does
    Finds database pools, connections and HTTP or Redis clients created at import time (at module
    level or in a class body) in a Sanic module: `asyncpg.create_pool(...)`,
    `aiohttp.ClientSession()`, `httpx.AsyncClient()`, `redis.asyncio.from_url(...)`,
    `AsyncIOMotorClient(...)`, `aiomysql`/`aiopg` pools.

    ## Why is this bad?
    Sanic imports the module before any event loop runs, and then runs each worker process on an
    event loop of its own. At import time a pool factory such as `asyncpg.create_pool()` cannot be
    awaited, so no pool is ever made. A client such as `aiohttp.ClientSession()` binds to the
    loop current at import, not the worker's (aiohttp warns that it "should be created within an
    async function"), and fails later with "attached to a different loop" or "Event loop is
    closed"; clients that bind on first use are shared by everything that imports the module
    (tests, CLI commands, other apps). Nothing closes these objects at shutdown either, so
    connections are dropped instead of closed.

    ## Example
    ```python
    import asyncpg
    from sanic import Sanic

    app = Sanic("Shop")
    pool = asyncpg.create_pool("postgresql://localhost/shop")
    ```

    ## Use instead
    Create it when the worker starts, keep it on `app.ctx`, close it when it stops:
    ```python
    import asyncpg
    from sanic import Sanic

    app = Sanic("Shop")


    @app.before_server_start
    async def connect(app):
        app.ctx.pool = await asyncpg.create_pool("postgresql://localhost/shop")


    @app.after_server_stop
    async def disconnect(app):
        await app.ctx.pool.close()
    ```

    ## Fix safety
    There is no automatic fix: every use of the module-level object has to read it from `app.ctx`
    instead.
    """

    code = "SAN010"
    name = "client-at-import-time"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Connection pool or client created at import time instead of in a `before_server_start` listener"
    guidelines = (
        Quote("sanic", "Database Integration", "Use proper connection lifecycle management"),
        Quote("sanic", "Database Integration", "Implement effective connection pooling"),
        Quote("sanic", "Performance Optimization", "Use proper connection pooling"),
    )
    node_types = (ast.Call,)
    callees = callees_of(AWAITED_FACTORIES, LOOP_BOUND_CLIENTS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.scope(node).kind not in ("module", "class"):
            return
        name = model.qualified_name(node.func)
        if _run_to_completion(model, node):
            return  # ``asyncio.run(create_pool())``, ``loop.run_until_complete(...)``: it is awaited
        if name in AWAITED_FACTORIES:
            problem = "must be awaited, and nothing can await it at import time, so no connection is ever made"
        elif name in LOOP_BOUND_CLIENTS:
            problem = (
                "is made at import time, before the worker's event loop runs: it can end up bound to the wrong loop "
                "(aiohttp's session does), its connections are shared by whatever imports the module, and nothing "
                "closes it"
            )
        else:
            return
        message = (
            f"`{name}()` {problem}; create it in a `before_server_start` listener, store it on `app.ctx` and "
            "close it in `after_server_stop`"
        )
        yield self.diagnostic(node, model, message)


#: calls that run a coroutine to completion on an event loop of their own
RUNNERS = frozenset({"run", "run_until_complete"})


def _run_to_completion(model: SemanticModel, call: ast.Call) -> bool:
    use, where = model.value_use(call)
    if use != "argument" or not isinstance(where, ast.Call):
        return False
    func = where.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name in RUNNERS
