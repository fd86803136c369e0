from __future__ import annotations

import ast
from collections.abc import Iterator

from ..blocking import FRAMEWORK_OFFLOAD
from ..databases import IO_METHODS, sync_orm_replacement
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity


class SyncOrmSession(Rule):
    """
    ## What it does
    Finds SQLAlchemy's synchronous `Session`, `Engine` or `Connection` used from async code in a
    Starlette or FastAPI application: `session.execute(...)`, `session.query(...)`,
    `session.commit()`, `engine.connect()` inside an `async def` endpoint, dependency or
    middleware, including a `db: Session = Depends(get_db)` parameter of an `async def` path
    operation and sessions made by a `sessionmaker()` factory (not one told to make
    `AsyncSession`). Plain `def` path operations, which FastAPI and Starlette run in a thread
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
    callees = IO_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not model.in_async_context(node):
            return
        replacement = sync_orm_replacement(model, node)
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
