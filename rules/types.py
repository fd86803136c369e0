"""What known factories and methods return, so ``SemanticModel.instance_type`` can follow them.

A constructor call is an instance of the class it calls (``requests.Session()`` is a
``requests.Session``) without an entry here; this table covers functions and methods whose result
is an instance of some other class. Keys are qualified callee names as ``qualified_name`` gives
them; values are qualified class names. Packs add the entries their rules need.

``ATTRIBUTE_TYPES`` does the same for properties (``path.parent``) and ``OPERATOR_TYPES`` for
operators (``path / "name"``) and ``ITEM_TYPES`` for subscripts (``client["app"]``), all of
instances whose type is known.
"""

RETURN_TYPES: dict[str, str] = {
    # asyncio
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.Runner.get_loop": "asyncio.AbstractEventLoop",
    "uvloop.new_event_loop": "uvloop.Loop",
    "asyncio.create_task": "asyncio.Task",
    "asyncio.ensure_future": "asyncio.Future",
    # sockets
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.socketpair": "socket.socket",
    # sync database drivers: connections and their cursors
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "MySQLdb.connect": "MySQLdb.connections.Connection",
    "MySQLdb.connections.Connection.cursor": "MySQLdb.cursors.Cursor",
    "redis.Redis.from_url": "redis.Redis",
    "redis.from_url": "redis.Redis",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "sqlite3.Connection.executemany": "sqlite3.Cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "psycopg.Connection.execute": "psycopg.Cursor",
    "pymysql.Connect": "pymysql.connections.Connection",
    "MySQLdb.Connect": "MySQLdb.connections.Connection",
    "redis.StrictRedis": "redis.Redis",
    "redis.StrictRedis.from_url": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "redis.Redis.pubsub": "redis.client.PubSub",
    "redis.Redis.lock": "redis.lock.Lock",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "pymongo.MongoClient.get_database": "pymongo.database.Database",
    "pymongo.MongoClient.get_default_database": "pymongo.database.Database",
    "pymongo.database.Database.get_collection": "pymongo.collection.Collection",
    # pathlib: methods that return another path
    **{
        f"pathlib.Path.{method}": "pathlib.Path"
        for method in (
            "absolute", "cwd", "expanduser", "home", "joinpath", "relative_to", "resolve", "with_name",
            "with_stem", "with_suffix",
        )
    },
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    # files: the object every opener returns is some ``io.IOBase`` (which one depends on the mode)
    **{opener: "io.IOBase" for opener in ("builtins.open", "io.open", "io.open_code", "os.fdopen", "pathlib.Path.open")},
    # HTTP clients
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "urllib3.PoolManager.request": "urllib3.BaseHTTPResponse",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.PoolManager.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.PoolManager.connection_from_host": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    # async drivers
    "asyncpg.connect": "asyncpg.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "aiohttp.ClientSession.get": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.post": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.put": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.patch": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.delete": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.head": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.options": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.request": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.ws_connect": "aiohttp.ClientWebSocketResponse",
    **{
        f"aiohttp.client.ClientSession.{method}": "aiohttp.ClientResponse"
        for method in ("get", "post", "put", "patch", "delete", "head", "options", "request")
    },
    "aiohttp.client.ClientSession.ws_connect": "aiohttp.ClientWebSocketResponse",
    # Tornado: the loop accessors return the IOLoop
    "tornado.ioloop.IOLoop.current": "tornado.ioloop.IOLoop",
    "tornado.ioloop.IOLoop.instance": "tornado.ioloop.IOLoop",
    # TLS contexts
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl._create_unverified_context": "ssl.SSLContext",
    # Sanic: the registered app, the current request
    "sanic.Sanic.get_app": "sanic.Sanic",
    "sanic.app.Sanic.get_app": "sanic.app.Sanic",
    "sanic.Request.get_current": "sanic.Request",
    "sanic.request.Request.get_current": "sanic.request.Request",
    # SQLAlchemy's synchronous engine and its connections
    "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.Engine.connect": "sqlalchemy.engine.Connection",
    "sqlalchemy.engine.Engine.begin": "sqlalchemy.engine.Connection",
}

#: functions that never return (they exit or raise), for ``SemanticModel.may_complete``
NO_RETURN_FUNCTIONS = frozenset({
    "sys.exit", "builtins.exit", "builtins.quit", "os._exit", "os.abort", "typing.assert_never",
    "typing_extensions.assert_never", "pytest.fail", "pytest.skip", "pytest.exit",
})

#: the classes of asyncio event loops, for ``SemanticModel.is_event_loop``
EVENT_LOOP_TYPES = frozenset({
    "asyncio.AbstractEventLoop", "asyncio.BaseEventLoop", "asyncio.SelectorEventLoop",
    "asyncio.ProactorEventLoop", "asyncio.events.AbstractEventLoop", "asyncio.base_events.BaseEventLoop",
    "uvloop.Loop",
})
#: how code names an event loop whose type the module does not say (underscores stripped)
EVENT_LOOP_NAMES = frozenset({"loop", "event_loop", "ev_loop"})

#: "<class>.<attribute>" -> the attribute's type, for properties that ``instance_type`` follows
ATTRIBUTE_TYPES: dict[str, str] = {
    "pathlib.Path.parent": "pathlib.Path",
    "aiohttp.web.Request.app": "aiohttp.web.Application",
    "aiohttp.web.BaseRequest.app": "aiohttp.web.Application",
}

#: (left operand's class, ``ast`` operator class name) -> the result's type: ``path / "name"``
OPERATOR_TYPES: dict[tuple[str, str], str] = {
    ("pathlib.Path", "Div"): "pathlib.Path",
}

#: container class -> the type of its items: ``client["app"]`` is a database, ``db["users"]`` a collection
ITEM_TYPES: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.database.Database",
    "pymongo.database.Database": "pymongo.collection.Collection",
}
