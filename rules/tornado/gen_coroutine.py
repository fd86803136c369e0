from __future__ import annotations

import ast
from collections.abc import Iterator

from ..coroutines import async_def_edit, await_edits, decorator_line_edit, own_nodes
from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity
from ..frameworks.tornado import GEN_COROUTINE

GEN_RETURN = "tornado.gen.Return"
GEN_MOMENT = "tornado.gen.moment"
#: yielded displays ``@gen.coroutine`` waits on as a whole, and ``await`` does not take
_MULTI_DISPLAYS = (ast.List, ast.ListComp, ast.Dict, ast.DictComp)


class GenCoroutine(Rule):
    """
    ## What it does
    Finds functions decorated with Tornado's `@gen.coroutine` (however `gen` is imported), the
    generator-based coroutines that `yield` futures and end with `raise gen.Return(value)`.

    ## Why is this bad?
    Since Tornado 5 every `IOLoop` runs on asyncio, and native `async def` coroutines are what
    Tornado itself uses: they are faster than the generator runner behind `@gen.coroutine`, read
    as what they are, give clearer tracebacks and work with every asyncio library and tool
    (`asyncio.gather`, `asyncio.timeout`, type checkers). `raise gen.Return(x)` is a leftover of
    Python 2, where generators could not `return` a value.

    ## Example
    ```python
    from tornado import gen, web
    from tornado.httpclient import AsyncHTTPClient

    class FeedHandler(web.RequestHandler):
        @gen.coroutine
        def get(self):
            client = AsyncHTTPClient()
            first, second = yield [client.fetch(FIRST), client.fetch(SECOND)]
            raise gen.Return(merge(first, second))
    ```

    ## Use instead
    ```python
    from tornado import gen, web
    from tornado.httpclient import AsyncHTTPClient

    class FeedHandler(web.RequestHandler):
        async def get(self):
            client = AsyncHTTPClient()
            first, second = await gen.multi([client.fetch(FIRST), client.fetch(SECOND)])
            return merge(first, second)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR001"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `@gen.coroutine` still works in Tornado
    6; `async def` is the modern spelling.

    ## Fix safety
    Unsafe. A `@gen.coroutine` function starts running when it is called; an `async def` one
    only when it is awaited or scheduled, so a caller that neither awaits nor yields the call
    (fire and forget) no longer runs it at all. Code that inspects the function as a generator
    changes too, and `raise gen.Return(x)` caught by an `except Exception` around it becomes a
    plain `return`.

    The fix removes the decorator line, writes `async def`, turns each `yield x` (and
    `yield from x`) into `await x`, and `raise gen.Return(x)` into `return x`. What `yield`
    accepted and `await` does not is converted: a yielded list or dict of futures (a display, or a
    name bound to one) is awaited through `gen.multi(...)`, `executor.submit(...)`'s
    `concurrent.futures.Future` through `asyncio.wrap_future(...)`, and a bare `yield`, `yield None`
    or `yield gen.moment` becomes `await asyncio.sleep(0)`. It is not offered when the decorator
    shares its line with other code or a `yield` yields an unbracketed tuple (`yield a, b`).
    """

    code = "TOR001"
    name = "legacy-gen-coroutine"
    opt_in = True
    framework = "tornado"
    severity = Severity.INFORMATION
    summary = "`@gen.coroutine` generator coroutine instead of `async def`"
    guidelines = (
        Quote("tornado", "Asynchronous Programming", "Use proper async/await syntax"),
        Quote("tornado", "Asynchronous Programming", "Implement effective coroutine design"),
        Quote("tornado", "Key Principles", "Use appropriate concurrency patterns"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Convert to `async def` with `await`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        function = model.function_info(node)
        for decorator in node.decorator_list:
            if model.qualified_name(decorator) != GEN_COROUTINE or function is None:
                continue
            instead = "`async def` with `await` for `yield`" if function.yields else "`async def`"
            message = (
                f"`@{model.segment(decorator)}` makes `{node.name}` a generator-based coroutine; write {instead} "
                "(native coroutines are faster and work with every asyncio tool)"
            )
            fixable = _conversion(function, decorator, model) is not None
            yield self.diagnostic(decorator, model, message, fix=Applicability.UNSAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        decorator = context.node_at(diagnostic.range, ast.Name, ast.Attribute)
        function_node = model.parent(decorator) if decorator is not None else None
        function = model.function_info(function_node) if function_node is not None else None
        if function is None or model.qualified_name(decorator) != GEN_COROUTINE:
            return None
        plan = _conversion(function, decorator, model)  # type: ignore[arg-type]
        if plan is None:
            return None
        removal, yields, returns = plan
        edits = [removal]
        async_def = async_def_edit(function, model)
        if async_def is not None:
            edits.append(async_def)
        imports: set[Edit] = set()
        for node, kind in yields:
            if kind == "sleep":
                sleep, import_edit = context.import_name("asyncio", "sleep")
                edits.append(context.replace(node, f"await {sleep}(0)"))
            else:
                wrapper, import_edit = (None, None)
                if kind == "multi":
                    wrapper, import_edit = context.import_name("tornado.gen", "multi")
                elif kind == "wrap_future":
                    wrapper, import_edit = context.import_name("asyncio", "wrap_future")
                edits.extend(await_edits(node, model, wrapper) or ())
            if import_edit is not None:
                imports.add(import_edit)
        for statement, value in returns:
            edits.append(context.replace(statement, _return_text(value, model)))
        edits.extend(imports)
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _conversion(
    function: FunctionInfo, decorator: ast.expr, model: SemanticModel
) -> tuple[Edit, list[tuple[ast.AST, str]], list[tuple[ast.Raise, ast.expr | None]]] | None:
    """How to convert the function, or None when its body does not allow it: the decorator's
    removal, each own ``yield``/``yield from`` with how to await it ("await", "multi",
    "wrap_future" or "sleep"), and each ``raise gen.Return(...)`` with its value."""
    removal = decorator_line_edit(decorator, model)
    if removal is None:
        return None
    yields: list[tuple[ast.AST, str]] = []
    for node in sorted(own_nodes(function, model, ast.Yield) + own_nodes(function, model, ast.YieldFrom), key=_position):
        assert isinstance(node, (ast.Yield, ast.YieldFrom))
        kind = _await_kind(node, model)
        if kind != "sleep" and await_edits(node, model) is None:
            return None
        yields.append((node, kind))
    returns: list[tuple[ast.Raise, ast.expr | None]] = []
    for raise_node in own_nodes(function, model, ast.Raise):
        assert isinstance(raise_node, ast.Raise)
        found = _gen_return(raise_node, model)
        if found is False:
            return None
        if found is not None:
            returns.append((raise_node, found[0]))
    return removal, yields, returns


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _await_kind(node: ast.Yield | ast.YieldFrom, model: SemanticModel) -> str:
    value = node.value
    if isinstance(node, ast.YieldFrom):
        return "await"
    if value is None or (isinstance(value, ast.Constant) and value.value is None) or model.qualified_name(value) == GEN_MOMENT:
        return "sleep"
    if isinstance(value, _MULTI_DISPLAYS) or _bound_to_display(value, model):
        return "multi"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "submit":
        return "wrap_future"
    return "await"


def _bound_to_display(value: ast.expr, model: SemanticModel) -> bool:
    """True for a name whose every binding in its function is a list or dict display."""
    if not isinstance(value, ast.Name):
        return False
    binding = model.lookup(value.id, value)
    if binding is None or binding.kind != "assignment":
        return False
    bindings = binding.scope.bindings.get(value.id, [])
    return all(b.kind == "assignment" and isinstance(b.value, _MULTI_DISPLAYS) for b in bindings)


def _gen_return(node: ast.Raise, model: SemanticModel) -> tuple[ast.expr | None] | bool | None:
    """For ``raise gen.Return(x)``: ``(x,)`` (``(None,)`` for ``gen.Return()`` or ``raise gen.Return``);
    False for a ``gen.Return`` raise the fix cannot rewrite; None for any other raise."""
    exception = node.exc
    if exception is None:
        return None
    if model.qualified_name(exception) == GEN_RETURN:
        return (None,) if node.cause is None else False
    if not (isinstance(exception, ast.Call) and model.qualified_name(exception.func) == GEN_RETURN):
        return None
    if node.cause is not None or len(exception.args) + len(exception.keywords) > 1:
        return False
    value = argument(exception, 0, "value")
    if value is None and (exception.args or exception.keywords):
        return False  # ``gen.Return(*values)`` or ``gen.Return(**options)``
    return (value,)


def _return_text(value: ast.expr | None, model: SemanticModel) -> str:
    """``return <value>``, the value's text kept; parenthesised when it spans lines outside brackets."""
    if value is None or (isinstance(value, ast.Constant) and value.value is None and model.segment(value) == "None"):
        return "return"
    text = model.segment(value)
    if "\n" in text:
        try:
            ast.parse(f"return {text}", mode="exec")
        except SyntaxError:
            return f"return ({text})"
    return f"return {text}"
