from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity


#: how coroutines that take input are named: awaiting them for the taking alone is deliberate
CONSUMING_PREFIXES = ("read", "recv", "receive", "drain", "consume", "skip")

#: the first word of coroutines named for their value: a query or a computation, whose only purpose
#: is what it returns. Others (``insert``, ``delete``, ``refresh``, ``ensure_exists``) return a value
#: too, but are awaited for their effect as often as not.
QUERY_VERBS = frozenset(
    {"get", "fetch", "fetchone", "fetchall", "fetchrow", "fetchval", "find", "load", "lookup", "query", "search"}
    | {"select", "list", "count", "compute", "calculate", "parse"}
)


class AwaitedResultDiscarded(Rule):
    """
    ## What it does
    Finds `await f(...)` as a statement of its own, where `f` is a coroutine function of the same
    module whose only purpose is its result: it is named as a query or a computation (`get…`,
    `fetch…`, `find…`, `load…`, `query…`, `count…`, `compute…`, `parse…` and the like), every
    `return` in it returns a value, it ends in a `return`, it is not annotated `-> None` and it
    raises nothing itself (a getter such as `fetch_user()` or `compute_total()`).

    Coroutines awaited for their effect are left alone even when they return something: an
    insert, an HTTP `DELETE`, a `refresh()`, an existence check that raises (`get_or_404()`),
    a wrapper annotated `-> None` that ends in `return await other()`.

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
        name = callee.name.lstrip("_").lower()
        if name.startswith(CONSUMING_PREFIXES) or name.split("_")[0] not in QUERY_VERBS:
            return  # awaited to consume input, or possibly for an effect: the value may be incidental
        if _annotated_none(callee.node.returns) or model.nodes_in(callee, ast.Raise):
            return  # declared to return nothing, or a check that raises: awaited for the check
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


def _annotated_none(annotation: ast.expr | None) -> bool:
    return isinstance(annotation, ast.Constant) and annotation.value in (None, "None")


def _returns_nothing(statement: ast.AST) -> bool:
    """``return``, ``return None``, and ``return True``/``False`` (a status the caller may ignore)."""
    assert isinstance(statement, ast.Return)
    value = statement.value
    return value is None or (isinstance(value, ast.Constant) and any(value.value is c for c in (None, True, False)))
