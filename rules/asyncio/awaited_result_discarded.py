from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity


#: how coroutines that take input are named: awaiting them for the taking alone is deliberate
CONSUMING_PREFIXES = ("read", "recv", "receive", "drain", "consume", "skip")


class AwaitedResultDiscarded(Rule):
    """
    ## What it does
    Finds `await f(...)` as a statement of its own, where `f` is a coroutine function of the same
    module whose only purpose is its result: every `return` in it returns a value and it ends in
    a `return` (a getter such as `fetch_user()` or `compute_total()`).

    Coroutines that take input (named `read…`, `recv…`, `receive…`, `drain…`, `consume…` or
    `skip…`) are left alone: awaiting `self.read()` or `receive()` to consume and drop what comes
    is common and deliberate (draining a body, skipping a header line).

    ## Why is this bad?
    Awaiting a coroutine that computes a value and throwing the value away is either wasted work
    (a database round trip for nothing) or a bug: the caller meant `user = await fetch_user(...)`,
    or meant to `return await ...`, and goes on with stale data or returns `None`.

    ## Example
    ```python
    async def fetch_user(user_id):
        return await db.fetchrow("SELECT * FROM users WHERE id = $1", user_id)

    async def rename(user_id, name):
        await fetch_user(user_id)
        await db.execute("UPDATE users SET name = $1 WHERE id = $2", name, user_id)
    ```

    ## Use instead
    ```python
    async def rename(user_id, name):
        user = await fetch_user(user_id)
        if user is None:
            raise NotFound(user_id)
        await db.execute("UPDATE users SET name = $1 WHERE id = $2", name, user_id)
    ```

    ## Fix safety
    No automatic fix: whether the value was meant to be used, returned, or the call dropped is
    the author's intent.
    """

    code = "ASY161"
    name = "awaited-result-discarded"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "Result of a value-returning coroutine awaited and discarded"
    guidelines = (Quote("asyncio", "Coroutine Design", "Use proper return value management"),)
    node_types = (ast.Await,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Await)
        if not isinstance(model.parent(node), ast.Expr) or not isinstance(node.value, ast.Call):
            return
        callee = model.function_def(node.value.func)
        if callee is None or not callee.is_async or callee.yields or not callee.node.body:
            return
        if callee.name.lstrip("_").startswith(CONSUMING_PREFIXES):
            return  # awaited to consume input, the data dropped on purpose
        if not isinstance(callee.node.body[-1], ast.Return):
            return  # may fall off its end: returning a value is not its purpose
        returns = model.nodes_in(callee, ast.Return)
        if not returns or any(_returns_nothing(r) for r in returns):
            return
        message = (
            f"the result of `await {model.segment(node.value.func)}(...)` in {model.context_label(node)} is discarded, "
            f"but `{callee.qualname}` exists to return a value; use it, return it, or drop the call"
        )
        yield self.diagnostic(node, model, message)


def _returns_nothing(statement: ast.AST) -> bool:
    """``return``, ``return None``, and ``return True``/``False`` (a status the caller may ignore)."""
    assert isinstance(statement, ast.Return)
    value = statement.value
    return value is None or (isinstance(value, ast.Constant) and any(value.value is c for c in (None, True, False)))
