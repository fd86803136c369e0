from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import is_application, qualified, registrations, unparenthesised_await

#: calls that open something that must be closed (or, for tasks, cancelled) at shutdown
RESOURCES = frozenset(
    {
        "aiohttp.ClientSession",
        "aiohttp.TCPConnector",
        "httpx.AsyncClient",
        "asyncpg.connect",
        "asyncpg.create_pool",
        "aiopg.connect",
        "aiopg.create_pool",
        "aiopg.sa.create_engine",
        "aiomysql.connect",
        "aiomysql.create_pool",
        "aiosqlite.connect",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "databases.Database",
        "redis.asyncio.Redis",
        "redis.asyncio.from_url",
        "redis.asyncio.Redis.from_url",
        "redis.asyncio.ConnectionPool",
        "aioredis.Redis",
        "aioredis.from_url",
        "aioredis.Redis.from_url",
        "aioredis.create_redis_pool",
        "motor.motor_asyncio.AsyncIOMotorClient",
        "aio_pika.connect",
        "aio_pika.connect_robust",
        "aiokafka.AIOKafkaProducer",
        "aiokafka.AIOKafkaConsumer",
        "asyncio.create_task",
        "asyncio.ensure_future",
    }
)
#: signals whose callbacks run at shutdown
CLEANUP_SIGNALS = ("on_cleanup", "on_shutdown", "cleanup_ctx")


class StartupResourceWithoutCleanup(Rule):
    """
    ## What it does
    Finds a resource (a `ClientSession`, a database pool or connection, a Redis client, a
    message-queue connection, a background task) that an `on_startup` callback stores on the
    application, when no `on_cleanup`/`on_shutdown` callback or `cleanup_ctx` generator of the
    module uses the same key.

    ## Why is this bad?
    Nothing closes the resource when the application stops: connections are dropped instead of
    closed (the database logs aborted sessions, in-flight messages are lost), background tasks
    are destroyed while pending, and aiohttp warns about unclosed sessions. In tests, where
    applications start and stop many times, the leaks add up until the test run runs out of
    connections.

    Callbacks registered from another module, or as lambdas, cannot be read here: when the
    module registers one of those as cleanup, the rule assumes it closes the resource.

    ## Example
    ```python
    DB = web.AppKey("db", asyncpg.Pool)

    async def init_db(app):
        app[DB] = await asyncpg.create_pool(DSN)

    app.on_startup.append(init_db)
    ```

    ## Use instead
    One `cleanup_ctx` generator opens the resource and closes it, even when a later startup
    step fails:
    ```python
    DB = web.AppKey("db", asyncpg.Pool)

    async def database(app):
        app[DB] = await asyncpg.create_pool(DSN)
        yield
        await app[DB].close()

    app.cleanup_ctx.append(database)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO013"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a resource opened at start-up and never
    closed leaks only at shutdown.

    ## Fix safety
    There is no automatic fix: how to close each resource (`close()`, `wait_closed()`, cancelling
    and awaiting a task) depends on the library.
    """

    code = "AIO013"
    name = "startup-resource-without-cleanup"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "resource opened in `on_startup` that no cleanup callback closes"
    guidelines = (
        Quote("aiohttp", "Server-Side Development", "Implement proper application cleanup"),
        Quote("aiohttp", "Server-Side Development", "Implement proper signal handling"),
        Quote("aiohttp", "Concurrency and Performance", "Implement proper resource management"),
        Quote("aiohttp", "Key Principles", "Use appropriate middleware and signal patterns"),
    )
    node_types = (ast.Assign, ast.AnnAssign)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.Assign, ast.AnnAssign))
        function = model.enclosing_function(node)
        found = registrations(model)
        if function is None or found.callback_signal.get(id(function)) != "on_startup" or node.value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        target = targets[0]
        if len(targets) != 1 or not isinstance(target, ast.Subscript) or not is_application(model, target.value):
            return
        resource = _resource(model, node.value)
        if resource is None:
            return
        key = model.segment(target.slice)
        cleanups = [model.function_def(callback) for name in CLEANUP_SIGNALS for callback in found.signals.get(name, ())]
        if any(cleanup is None for cleanup in cleanups):
            return  # a cleanup callback this module does not define: it may close the resource
        if any(_uses_key(model, cleanup, key) for cleanup in cleanups):  # type: ignore[arg-type]
            return
        closed, close = ("cancelled", "start and cancel") if resource.startswith("asyncio.") else ("closed", "open and close")
        yield self.diagnostic(
            node,
            model,
            f"`{resource}()` stored in `{model.segment(target)}` by on_startup callback `{function.qualname}` is never "
            f"{closed}: no on_cleanup/on_shutdown callback or cleanup_ctx uses `[{key}]`; {close} it in one "
            "`cleanup_ctx` generator",
        )


def _resource(model: SemanticModel, value: ast.expr) -> str | None:
    """The qualified name of the resource factory ``value`` calls, directly or through a local name."""
    value = unparenthesised_await(value)  # type: ignore[assignment]
    if isinstance(value, ast.Name):
        binding = model.lookup(value.id, value)
        if binding is None or binding.value is None or binding.scope.kind != "function":
            return None
        value = unparenthesised_await(binding.value)  # type: ignore[assignment]
    if not isinstance(value, ast.Call):
        return None
    name = qualified(model, value.func)
    return name if name in RESOURCES else None


def _uses_key(model: SemanticModel, function: FunctionInfo, key: str) -> bool:
    """True when ``function`` subscripts anything with the same key text (``app[DB]``, ``app["db"]``)."""
    return any(
        model.enclosing_function(subscript) is function and model.segment(subscript.slice) == key  # type: ignore[attr-defined]
        for subscript in model.nodes(ast.Subscript)
    )
