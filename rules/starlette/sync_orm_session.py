from __future__ import annotations

import ast
from collections.abc import Iterator

from ..blocking import FRAMEWORK_OFFLOAD
from ..databases import IO_METHODS, SYNC_SESSIONS, SYNC_SQLALCHEMY, sessionmaker_session, sync_orm_replacement
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity


class SyncOrmSession(Rule):
    """
    ## What it does
    Finds SQLAlchemy's synchronous `Session`, `Engine` or `Connection` used from async code in a
    Starlette or FastAPI application: `session.execute(...)`, `session.query(...)`,
    `session.commit()`, `engine.connect()` inside an `async def` endpoint, dependency or
    middleware, including a `db: Session = Depends(get_db)` parameter of an `async def` path
    operation and sessions made by a `sessionmaker()` factory (not one told to make
    `AsyncSession`), and the session an HTTP middleware opens per request
    (`request.state.db = SessionLocal()` … `request.state.db.close()`: closing it rolls back and
    hands the connection back to the pool on the event loop). Plain `def` path operations, which FastAPI and Starlette run in a thread
    pool, and `AsyncSession` are not reported.

    ## Why is this bad?
    The synchronous ORM waits for the database on the calling thread, which in an `async def`
    endpoint is the event loop's: while one query runs, every other request and websocket of the
    worker waits. Under load the worker serves one query at a time, and a slow query stalls them
    all. FastAPI's `Depends(get_db)` does not change that: the session it hands to an
    `async def` path operation is still synchronous.

    ## Example
    ```python
    @app.get("/users/{user_id}")
    async def read_user(user_id: int, db: Session = Depends(get_db)):
        return db.query(User).filter(User.id == user_id).first()
    ```

    ## Use instead
    ```python
    sessions = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/app"))


    async def get_db():
        async with sessions() as session:
            yield session


    @app.get("/users/{user_id}")
    async def read_user(user_id: int, db: AsyncSession = Depends(get_db)):
        return await db.get(User, user_id)
    ```
    or keep the synchronous session and declare the path operation with plain `def`, which
    FastAPI runs in a thread pool.

    ## Fix safety
    There is no automatic fix: the engine, the driver and every call on the session change, or
    the endpoint stops being a coroutine.
    """

    code = "STA042"
    name = "starlette-sync-orm-session"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "Synchronous SQLAlchemy session or engine used in async Starlette/FastAPI code"
    guidelines = (
        Quote("starlette", "Async Handling and Request Processing", "Always use `async def` for endpoint functions that perform I/O operations"),
        Quote("starlette", "Performance Optimization", "Use connection pooling for database connections through lifespan handlers"),
    )
    node_types = (ast.Call,)
    callees = IO_METHODS | {"close"}

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not model.in_async_context(node):
            return
        replacement = sync_orm_replacement(model, node)
        if replacement is None and _middleware_session(node, model):
            replacement = SYNC_SQLALCHEMY["sqlalchemy.orm.Session"]
        if replacement is None:
            return
        message = (
            f"`{model.segment(node.func)}()` in {model.context_label(node)} runs SQLAlchemy's synchronous ORM on the "
            f"event loop, which waits for each query; use {replacement} and `await` it"
        )
        handler = model.handler(model.enclosing_function(node))
        if handler is not None and handler.kind == "http" and handler.framework in ("starlette", "fastapi"):
            message += f", {FRAMEWORK_OFFLOAD[handler.framework].advice}"
        yield self.diagnostic(node, model, message)


def _middleware_session(call: ast.Call, model: SemanticModel) -> bool:
    """True for ``request.state.db.close()`` (or another IO method) in an HTTP middleware that
    stores a synchronous session there: ``request.state.db = SessionLocal()``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)):
        return False
    if isinstance(model.parent(call), ast.Await):
        return False
    function = model.enclosing_function(call)
    if model.middleware_of(function) is None:
        return False
    assert isinstance(function, FunctionInfo)
    stored = model.segment(func.value)
    return any(
        any(model.segment(target) == stored for target in assign.targets) and _sync_session(assign.value, model)
        for assign in model.nodes_in(function, ast.Assign)
        if isinstance(assign, ast.Assign)
    )


def _sync_session(made: ast.expr, model: SemanticModel) -> bool:
    return sessionmaker_session(model, made) or model.instance_type(made) in SYNC_SESSIONS
