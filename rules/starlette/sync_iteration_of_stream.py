from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..frameworks.starlette import connection_kind

if TYPE_CHECKING:
    import libcst as cst

#: async generators of a connection, by connection kind
ASYNC_ITERATORS = {
    "request": frozenset({"stream"}),
    "websocket": frozenset({"iter_text", "iter_bytes", "iter_json"}),
}
#: builtins that iterate their argument synchronously
ITERATING_BUILTINS = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.sum", "builtins.sorted"})


class SyncIterationOfStream(Rule):
    """
    ## What it does
    Finds a Starlette async generator iterated synchronously: `for chunk in request.stream():`,
    `[c for c in request.stream()]`, `list(request.stream())`, `b"".join(request.stream())`, and
    the same with `websocket.iter_text()`, `iter_bytes()` or `iter_json()`.

    ## Why is this bad?
    `request.stream()` is an async generator: a plain `for` raises
    `TypeError: 'async_generator' object is not iterable` on every request. Streaming the body with
    `async for` is what keeps a large upload out of memory.

    ## Example
    ```python
    async def upload(request):
        with open(path, "wb") as file:
            for chunk in request.stream():
                file.write(chunk)
    ```

    ## Use instead
    ```python
    async def upload(request):
        with open(path, "wb") as file:
            async for chunk in request.stream():
                file.write(chunk)
    ```

    ## Fix safety
    Safe: the fix turns a `for` statement or comprehension inside an `async def` into `async for`,
    the only way it can run. Generator expressions and calls such as `list(request.stream())` get
    no fix: what consumes them has to change too.
    """

    code = "STA025"
    name = "sync-iteration-of-stream"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`for chunk in request.stream()` raises `TypeError`; use `async for`"
    guidelines = (
        Quote(
            "starlette",
            "Async Handling and Request Processing",
            "Handle request body streaming with `async for chunk in request.stream():` for memory efficiency",
        ),
    )
    node_types = (ast.Call,)
    callees = frozenset().union(*ASYNC_ITERATORS.values())
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Iterate with `async for`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Attribute):
            return
        kind = connection_kind(node.func.value, model)
        if kind is None or node.func.attr not in ASYNC_ITERATORS[kind]:
            return
        parent = model.parent(node)
        shown = model.segment(node)
        if isinstance(parent, ast.For) and parent.iter is node:
            fixable = model.in_async_context(parent)
            where = "a plain `for`"
        elif _sync_generator(parent, node) is not None:
            # an async generator expression would only move the error to whatever consumes it
            fixable = model.in_async_context(parent) and not isinstance(parent, ast.GeneratorExp)
            where = "a plain comprehension"
        elif isinstance(parent, ast.Call) and node in parent.args and _iterates(parent, model):
            fixable = False
            where = f"`{model.segment(parent.func)}()`"
        else:
            return
        message = (
            f"`{shown}` is an async generator: iterating it with {where} raises `TypeError` in "
            f"{model.context_label(node)}; use `async for ... in {shown}`"
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        node = context.node_at(diagnostic.range, ast.Call)
        if node is None:
            return None
        parent = context.model.parent(node)
        if isinstance(parent, ast.For):
            start = context.model.range_of(parent)
            at = Range(start.start_line, start.start_column, start.start_line, start.start_column)
            return Fix(self.fix_title, Applicability.SAFE, (Edit(at, "async "),))
        generator = _sync_generator(parent, node)
        if generator is not None:
            position = parent.generators.index(generator)
            return Fix(self.fix_title, Applicability.SAFE, (context.rewrite_expression(parent, _make_async(position)),))
        return None


def _sync_generator(parent: ast.AST | None, node: ast.expr) -> ast.comprehension | None:
    """The plain ``for`` clause of the comprehension ``parent`` that iterates ``node``."""
    if isinstance(parent, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        for generator in parent.generators:
            if generator.iter is node and not generator.is_async:
                return generator
    return None


def _iterates(call: ast.Call, model: SemanticModel) -> bool:
    """``list(x)``-like builtins and ``sep.join(x)`` iterate their argument right away."""
    if model.qualified_name(call.func) in ITERATING_BUILTINS:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr == "join" and isinstance(call.func.value, ast.Constant)


def _make_async(position: int):
    """A libcst transform making the ``position``-th ``for`` of a comprehension ``async for``."""
    import libcst as cst

    def transform(expression: cst.BaseExpression) -> cst.BaseExpression:
        clauses = []
        clause = expression.for_in
        while clause is not None:
            clauses.append(clause)
            clause = clause.inner_for_in
        rebuilt = None
        for index in reversed(range(len(clauses))):
            clause = clauses[index].with_changes(inner_for_in=rebuilt)
            if index == position:
                clause = clause.with_changes(asynchronous=cst.Asynchronous())
            rebuilt = clause
        return expression.with_changes(for_in=rebuilt)

    return transform
