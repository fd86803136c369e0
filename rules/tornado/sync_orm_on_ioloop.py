from __future__ import annotations

import ast
from collections.abc import Iterator

from ..databases import IO_METHODS, sync_orm_replacement
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import runs_on_loop


class SyncOrmOnIoloop(Rule):
    """
    ## What it does
    Finds SQLAlchemy's synchronous ORM used in code that runs on Tornado's IOLoop (coroutines,
    `@gen.coroutine` functions, request-handler methods): `session.query(...)`,
    `session.execute(...)`, `session.commit()`, `engine.connect()` on a `Session`, a
    `scoped_session`, a session made by a `sessionmaker()` factory, an `Engine` or a
    `Connection`.

    ## Why is this bad?
    Tornado serves every request of a process on one thread, the IOLoop's. The synchronous ORM
    waits for the database on the calling thread, so while one query runs no other request,
    websocket or callback of the process makes progress; one slow query stalls them all, and
    the process serves one query at a time. SQLAlchemy's asyncio extension gives the same ORM
    with awaitable calls; code that must stay synchronous belongs on an executor's thread.

    ## Example
    ```python
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import sessionmaker
    from tornado import web

    Session = sessionmaker(create_engine("postgresql+psycopg2://localhost/shop"))

    class ProductsHandler(web.RequestHandler):
        async def get(self):
            with Session() as session:
                names = session.scalars(select(Product.name)).all()
            self.write({"names": names})
    ```

    ## Use instead
    ```python
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
    from tornado import web

    Session = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/shop"))

    class ProductsHandler(web.RequestHandler):
        async def get(self):
            async with Session() as session:
                names = (await session.scalars(select(Product.name))).all()
            self.write({"names": names})
    ```
    or keep the synchronous ORM in a function run on a thread:
    `names = await IOLoop.current().run_in_executor(None, load_names)` (or a
    `@run_on_executor` method).

    ## Fix safety
    There is no automatic fix: the engine, the driver and every call on the session change, or
    the ORM work moves to a function of its own.
    """

    code = "TOR043"
    name = "sync-orm-on-ioloop"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "synchronous SQLAlchemy session or engine used on Tornado's IOLoop"
    guidelines = (
        Quote("tornado", "Database Integration", "Use proper ORM integration"),
        Quote("tornado", "Database Integration", "Use appropriate async database drivers"),
        Quote("tornado", "Concurrent Execution", "Create effective blocking operation handling"),
    )
    node_types = (ast.Call,)
    callees = IO_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        replacement = sync_orm_replacement(model, node)
        if replacement is None or not runs_on_loop(model, node):
            return
        func = node.func
        message = (
            f"`{model.segment(func)}()` in {model.context_label(node)} runs SQLAlchemy's synchronous ORM on the "
            f"IOLoop, which serves no other request while the query waits; use {replacement} and `await` it, or run "
            f"the ORM work on a thread with `IOLoop.current().run_in_executor(None, ...)` or a `@run_on_executor` "
            f"method"
        )
        yield self.diagnostic(node, model, message)
