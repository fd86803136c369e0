from __future__ import annotations

import ast

from ..blocking import BlockingCallRule
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic

_SQLITE = "`aiosqlite`"
_POSTGRES = "`asyncpg` or `psycopg.AsyncConnection`"
_MYSQL = "`aiomysql` or `asyncmy`"
_REDIS = "`redis.asyncio.Redis`"
_MONGO = "`pymongo.AsyncMongoClient` or `motor`"

_CURSOR_METHODS = ("execute", "executemany", "fetchone", "fetchmany", "fetchall", "callproc")


def _methods(owner: str, names: tuple[str, ...], replacement: str) -> dict[str, str]:
    return {f"{owner}.{name}": replacement for name in names}


#: qualified call -> the async replacement: the sync drivers' connect functions and client
#: constructors, and the methods of their connections and cursors that talk to the server.
#: (``connection.cursor()`` is not listed: it creates a cursor object and does no I/O; nor are
#: ``redis.Redis()``, ``StrictRedis()`` and ``redis.from_url()``: they make a client and its
#: connection pool without connecting, and the client's commands are what talk to the server.)
BLOCKING_DATABASE_CALLS: dict[str, str] = {
    "sqlite3.connect": _SQLITE,
    **_methods("sqlite3.Connection", ("execute", "executemany", "executescript", "commit", "rollback"), _SQLITE),
    **_methods("sqlite3.Cursor", (*_CURSOR_METHODS, "executescript"), _SQLITE),
    "psycopg2.connect": _POSTGRES,
    **_methods("psycopg2.extensions.connection", ("commit", "rollback"), _POSTGRES),
    **_methods("psycopg2.extensions.cursor", (*_CURSOR_METHODS, "copy_expert", "copy_from", "copy_to"), _POSTGRES),
    "psycopg.connect": "`psycopg.AsyncConnection`",
    "psycopg.Connection.connect": "`psycopg.AsyncConnection`",
    **_methods("psycopg.Connection", ("execute", "commit", "rollback"), "`psycopg.AsyncConnection`"),
    **_methods("psycopg.Cursor", _CURSOR_METHODS, "`psycopg.AsyncCursor`"),
    "pymysql.connect": _MYSQL,
    "pymysql.Connect": _MYSQL,
    "pymysql.connections.Connection": _MYSQL,
    **_methods("pymysql.connections.Connection", ("commit", "rollback", "query", "ping", "select_db"), _MYSQL),
    **_methods("pymysql.cursors.Cursor", _CURSOR_METHODS, _MYSQL),
    "MySQLdb.connect": _MYSQL,
    "MySQLdb.Connect": _MYSQL,
    **_methods("MySQLdb.connections.Connection", ("commit", "rollback", "query", "ping", "select_db"), _MYSQL),
    **_methods("MySQLdb.cursors.Cursor", _CURSOR_METHODS, _MYSQL),
    "redis.client.Pipeline.execute": _REDIS,
    **_methods("redis.client.PubSub", ("subscribe", "psubscribe", "unsubscribe", "punsubscribe", "listen", "get_message"), _REDIS),
    **_methods("redis.lock.Lock", ("acquire", "release", "extend"), _REDIS),
    "pymongo.MongoClient": _MONGO,
    "pymongo.mongo_client.MongoClient": _MONGO,
}

#: Redis client classes: every public method of an instance but ``REDIS_LOCAL_METHODS`` sends a command
REDIS_CLIENTS = frozenset({"redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis"})
#: Redis client methods that only build a local object
REDIS_LOCAL_METHODS = frozenset({
    "pipeline", "pubsub", "lock", "register_script", "get_encoder", "get_connection_kwargs",
    "set_response_callback", "get_retry", "set_retry", "client", "monitor",
})

#: MongoDB's client, database and collection classes: each attribute of one is an object of the
#: next (``client.app`` is a database, ``client.app.users`` a collection)
MONGO_LEVELS = ("pymongo.MongoClient", "pymongo.database.Database", "pymongo.collection.Collection")
#: MongoDB methods that talk to the server
MONGO_OPERATIONS = frozenset({
    "find", "find_one", "find_one_and_delete", "find_one_and_replace", "find_one_and_update",
    "insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one",
    "delete_many", "bulk_write", "aggregate", "count_documents", "estimated_document_count",
    "distinct", "create_index", "create_indexes", "drop_index", "drop", "watch",
    "list_database_names", "list_collection_names", "command", "server_info", "drop_database",
    "create_collection", "drop_collection",
})


class BlockingDatabaseDriver(BlockingCallRule):
    """
    ## What it does
    Finds synchronous database and cache drivers used in async code: `sqlite3.connect()`,
    `psycopg2.connect()` (and psycopg 3's sync `psycopg.connect()`), `pymysql.connect()`,
    `MySQLdb.connect()`, `pymongo.MongoClient(...)`, and the calls that talk to the server on
    what they return: connections' `execute()`/`commit()`/`rollback()`, cursors'
    `execute()`/`fetch*()`, the commands of a `redis.Redis` client (`r.get()`, `r.set()`, a
    pipeline's `execute()`…; making the client, `redis.Redis(...)` or `redis.from_url()`, does
    not connect and is not reported), MongoDB collection operations
    (`find_one()`, `insert_one()`…). The async clients (`redis.asyncio`, `motor`,
    `pymongo.AsyncMongoClient`, `asyncpg`, `aiosqlite`…) are not reported.

    ## Why is this bad?
    Every query waits for the database on the event loop's thread. Each request's queries add up
    to time in which no other request makes progress, and one slow query (a lock wait, a missing
    index) stalls the whole service, however many connections the pool holds.

    ## Example
    ```python
    import psycopg2

    async def get_user(request, user_id):
        connection = psycopg2.connect(DSN)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM users WHERE id = %s", (user_id,))
            return cursor.fetchone()
    ```

    ## Use instead
    ```python
    import asyncpg

    async def get_user(request, user_id):
        pool = request.app.ctx.pool  # an asyncpg.Pool created at startup
        return await pool.fetchrow("SELECT name FROM users WHERE id = $1", user_id)
    ```
    When the driver cannot change, run the database work in a thread:
    `await asyncio.to_thread(load_user, user_id)`.

    ## Fix safety
    No automatic fix: async drivers have different APIs (placeholders, pools, transactions), so
    moving to one, or to a thread, is a change of the data-access code, not of one call.
    """

    code = "ASY106"
    name = "blocking-database-in-async"
    framework = "asyncio"
    summary = "Synchronous database or cache driver in async code blocks the event loop"
    guidelines = (
        Quote("asyncio", "Thread and Process Integration", "Use proper blocking code offloading"),
        Quote("asyncio", "File I/O", "Implement proper blocking I/O handling"),
        Quote("asyncio", "Performance Optimization", "Implement effective connection pooling"),
        Quote("asyncio", "Key Principles", "Create responsive and scalable asynchronous applications"),
    )
    calls = BLOCKING_DATABASE_CALLS
    callees = None  # every method of a Redis client, every MongoDB operation: no list of names to name
    framework_quotes = {
        "sanic": (Quote("sanic", "Database Integration", "Use appropriate async database libraries"),),
        "tornado": (Quote("tornado", "Database Integration", "Use appropriate async database drivers"),),
        "aiohttp": (Quote("aiohttp", "Extensions and Third-Party Integration", "Use proper database integration"),),
        "starlette": (Quote("starlette", "Performance Optimization", "Use connection pooling for database connections through lifespan handlers"),),
        "fastapi": (Quote("starlette", "Performance Optimization", "Use connection pooling for database connections through lifespan handlers"),),
    }

    def replacement(self, name: str) -> str | None:
        found = super().replacement(name)
        if found is not None:
            return found
        owner, _, method = name.rpartition(".")
        if owner in REDIS_CLIENTS and not method.startswith("_") and method not in REDIS_LOCAL_METHODS:
            return _REDIS
        if method in MONGO_OPERATIONS and _mongo_owner(name) is not None:
            return _MONGO
        return None

    def blocking_diagnostic(self, node: ast.Call, model: SemanticModel, name: str, replacement: str, **extra) -> Diagnostic:
        owner = _mongo_owner(name)
        if owner is not None:  # ``pymongo.MongoClient.shop.users.find_one`` reads as a collection method
            name = f"{owner}.{name.rpartition('.')[2]}"
        return super().blocking_diagnostic(node, model, name, replacement, **extra)


def _mongo_owner(name: str) -> str | None:
    """The MongoDB class whose method ``name`` calls, through attribute access (``client.app.users``)."""
    for level, root in enumerate(MONGO_LEVELS):
        if name.startswith(f"{root}."):
            hops = name[len(root) + 1 :].count(".")
            return MONGO_LEVELS[min(level + hops, len(MONGO_LEVELS) - 1)]
    return None
