from __future__ import annotations

import ast
from collections.abc import Iterator

from ..databases import EXECUTE_METHODS, opens_transaction, rolled_back_near
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity


class ManualTransactionStatements(Rule):
    """
    ## What it does
    Finds transactions opened by hand in Sanic code, `await conn.execute("BEGIN")` (or
    `START TRANSACTION`), in a coroutine that never rolls back: no `ROLLBACK` statement and no
    driver `rollback()` call in it, the functions nested in it or, for a method, its class.

    ## Why is this bad?
    When a statement between `BEGIN` and `COMMIT` fails, or the request is cancelled because the
    client went away, nothing rolls the transaction back: the connection goes back to the pool
    inside an open (or aborted) transaction, holding its locks, and the next request that gets
    it fails with `current transaction is aborted` or sees uncommitted rows. The drivers'
    transaction context managers commit on success and roll back on any exception, cancellation
    included.

    ## Example
    ```python
    @app.post("/transfer")
    async def transfer(request):
        async with request.app.ctx.pool.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, source)
            await conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, target)
            await conn.execute("COMMIT")
    ```

    ## Use instead
    ```python
    @app.post("/transfer")
    async def transfer(request):
        async with request.app.ctx.pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", amount, source)
            await conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", amount, target)
    ```
    (`async with session.begin():` with SQLAlchemy, `async with conn.transaction():` with asyncpg).

    ## Fix safety
    There is no automatic fix: the statements between `BEGIN` and `COMMIT` have to move into the
    `async with` block.
    """

    code = "SAN033"
    name = "manual-transaction-statements"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "Transaction opened with `execute(\"BEGIN\")` and never rolled back on errors"
    guidelines = (Quote("sanic", "Database Integration", "Use proper transaction management"),)
    node_types = (ast.Call,)
    callees = EXECUTE_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not opens_transaction(node) or not model.in_async_context(node):
            return
        function = model.enclosing_function(node)
        if function is None or rolled_back_near(model, function):
            return
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} opens a transaction that nothing rolls back "
            f"when a statement fails or the request is cancelled; use the driver's `async with conn.transaction():` "
            f"(asyncpg) or `async with session.begin():` (SQLAlchemy)"
        )
        yield self.diagnostic(node, model, message)
