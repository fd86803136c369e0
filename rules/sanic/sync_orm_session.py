from __future__ import annotations

import ast
from collections.abc import Iterator

from ..databases import IO_METHODS, sync_orm_replacement
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity


class SyncOrmSession(Rule):
    """
    ## What it does
    Finds SQLAlchemy's synchronous `Session`, `Engine` or `Connection` used from async code in a
    Sanic application: `session.execute(...)`, `session.query(...)`, `session.commit()`,
    `engine.connect()` inside an `async def`, sessions made by a `sessionmaker()` factory included
    (not one told to make `AsyncSession`).

    ## Why is this bad?
    The synchronous ORM waits for the database on the calling thread, which in a Sanic worker is
    the event loop: while one query runs, every other request, websocket and task of the worker
    waits. Under load the worker serves one query at a time, and a slow query stalls them all.
    SQLAlchemy's asyncio extension gives the same ORM with awaitable calls.

    ## Example
    ```python
    engine = create_engine("postgresql+psycopg2://localhost/shop")


    @app.get("/products")
    async def products(request):
        with Session(engine) as session:
            rows = session.scalars(select(Product)).all()
        return json([row.name for row in rows])
    ```

    ## Use instead
    ```python
    engine = create_async_engine("postgresql+asyncpg://localhost/shop")
    sessions = async_sessionmaker(engine)


    @app.get("/products")
    async def products(request):
        async with sessions() as session:
            rows = (await session.scalars(select(Product))).all()
        return json([row.name for row in rows])
    ```

    ## Fix safety
    There is no automatic fix: the engine, the driver and every call on the session change.
    """

    code = "SAN036"
    name = "sync-orm-session-in-async"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Synchronous SQLAlchemy session or engine used in async Sanic code"
    guidelines = (
        Quote("sanic", "Database Integration", "Implement proper ORM integration"),
        Quote("sanic", "Database Integration", "Use appropriate async database libraries"),
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
        func = node.func
        message = (
            f"`{model.segment(func)}()` in {model.context_label(node)} runs SQLAlchemy's synchronous ORM on the "
            f"event loop, which waits for each query; use {replacement} and `await` it"
        )
        yield self.diagnostic(node, model, message)
