from __future__ import annotations

import ast
from collections.abc import Iterator

from ..databases import EXECUTE_METHODS, opens_transaction, rolled_back_near, started_transaction, transaction_rolled_back
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import runs_on_loop

#: what to do instead, in a coroutine and in other code
_INSTEAD_ASYNC = (
    "use `async with conn.transaction():` (asyncpg) or `async with session.begin():` (SQLAlchemy), which roll "
    "back on any exception, or roll back in an `except` block"
)
_INSTEAD_SYNC = (
    "roll back in an `except` block, or use the driver's transaction context manager (`with connection:` with "
    "sqlite3 and psycopg2)"
)


class TransactionWithoutRollback(Rule):
    """
    ## What it does
    Finds transactions opened by hand in code that runs on Tornado's IOLoop (coroutines,
    `@gen.coroutine` functions, request-handler methods) in a function that never rolls them
    back: `await conn.execute("BEGIN")` (or `START TRANSACTION`) with no `ROLLBACK` statement
    and no `.rollback()` call in the function or, for a method, in its class, or asyncpg's
    `tr = conn.transaction()` then `await tr.start()` with no `tr.rollback()`.

    ## Why is this bad?
    When a statement between `BEGIN` and `COMMIT` raises, or the coroutine is cancelled (a
    timeout, the server shutting down), nothing ends the transaction: the connection goes back to
    the pool, or stays on the handler's application, inside an open or aborted transaction that
    holds its locks, and the next request that uses it fails with `current transaction is
    aborted`, or commits half of this one's work. The drivers' transaction context managers
    commit on success and roll back on any exception, cancellation included.

    ## Example
    ```python
    from tornado import web

    class TransferHandler(web.RequestHandler):
        async def post(self):
            async with self.application.pool.acquire() as conn:
                await conn.execute("BEGIN")
                await conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", 10, 1)
                await conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", 10, 2)
                await conn.execute("COMMIT")
    ```

    ## Use instead
    ```python
    from tornado import web

    class TransferHandler(web.RequestHandler):
        async def post(self):
            async with self.application.pool.acquire() as conn, conn.transaction():
                await conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", 10, 1)
                await conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", 10, 2)
    ```

    ## Fix safety
    There is no automatic fix: the statements between `BEGIN` and `COMMIT` have to move into the
    `async with` block, or the error path has to be written.
    """

    code = "TOR042"
    name = "transaction-without-rollback"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "transaction opened by hand in Tornado code and never rolled back on errors"
    guidelines = (
        Quote("tornado", "Database Integration", "Create effective transaction management"),
        Quote("tornado", "Database Integration", "Use proper connection handling"),
    )
    node_types = (ast.Call,)
    callees = frozenset({*EXECUTE_METHODS, "start"})  # `x.execute("BEGIN")`, `tr.start()`

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if opens_transaction(node):
            function = model.enclosing_function(node)
            if function is None or not runs_on_loop(model, node):
                return
            if rolled_back_near(model, function):
                return
            message = (
                f"`{model.segment(node)}` in {model.context_label(node)} opens a transaction that nothing rolls back "
                f"when a statement fails; {_instead(model, node)}"
            )
            yield self.diagnostic(node, model, message)
            return
        transaction = started_transaction(model, node)
        if transaction is None or not runs_on_loop(model, node) or transaction_rolled_back(model, transaction):
            return
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} starts a transaction that is never rolled back "
            f"when a statement fails; {_instead(model, node)}"
        )
        yield self.diagnostic(node, model, message)


def _instead(model: SemanticModel, node: ast.AST) -> str:
    return _INSTEAD_ASYNC if model.in_async_context(node) else _INSTEAD_SYNC
