from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, callees_of

#: calls that take the awaitables spread as positional arguments
SPREAD_CALLS = frozenset({"asyncio.gather", "asyncio.tasks.gather"})
#: calls that take the awaitables as one collection, first
COLLECTION_CALLS = frozenset(
    {"asyncio.wait", "asyncio.tasks.wait", "asyncio.as_completed", "asyncio.tasks.as_completed"}
)

#: classes whose instances bound how many coroutines run at once
LIMIT_TYPES = frozenset(
    {
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.locks.Semaphore",
        "asyncio.locks.BoundedSemaphore",
        "anyio.Semaphore",
        "anyio.CapacityLimiter",
        "aiolimiter.AsyncLimiter",
    }
)

#: connection pools created with an explicit limit: class -> the keywords that set it
CONNECTION_LIMITS: dict[str, tuple[str, ...]] = {
    "aiohttp.TCPConnector": ("limit", "limit_per_host"),
    "aiohttp.connector.TCPConnector": ("limit", "limit_per_host"),
    "httpx.Limits": ("max_connections",),
}

#: words in a name (``sem``, ``self._semaphore``, ``rate_limiter``) that say it holds such a limit
LIMIT_WORDS = frozenset({"sem", "semaphore", "semaphores", "limiter", "throttle", "throttler"})
#: more words that say so where only a limiter fits: ``async with self.rate_limit:``
ENTERED_LIMIT_WORDS = LIMIT_WORDS | {"limit"}

#: words ending the name of a collection of an application's parts (``self.providers``,
#: ``signal.receivers``, ``app.state.backends``): a small set fixed by configuration, not input
COMPONENT_WORDS = frozenset(
    {
        "providers", "receivers", "listeners", "handlers", "callbacks", "hooks", "plugins", "extensions",
        "backends", "services", "servers", "sinks", "exporters", "middlewares", "subscribers", "observers",
    }
)

#: calls that hand their argument back as is, for the type checker or as a copy: ``cast(list, g)``
_SAME_ITEMS = {"typing.cast": 1, "builtins.list": 0, "builtins.tuple": 0, "builtins.sorted": 0}

#: wrappers that start their argument as a task: the coroutine call is inside
_TASK_WRAPPERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task"})

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_DISPLAYS = (ast.List, ast.Tuple, ast.Set, ast.Dict)


@dataclass(frozen=True)
class _FanOut:
    iterable: ast.expr  # what it iterates over
    element: ast.expr | None  # the awaitable made per item (None for `map(f, items)`)
    callee: ast.expr | None  # the function called per item, when known
    comprehension: ast.AST | None


class UnboundedFanOut(Rule):
    """
    ## What it does
    Finds `asyncio.gather(*[fetch(u) for u in urls])` — and `gather(*(...))`, `gather(*map(...))`,
    `gather(*tasks)` for a list comprehension assigned in the same function, and
    `asyncio.wait()` / `asyncio.as_completed()` given one — when nothing limits how many run at
    once: no `asyncio.Semaphore` / `BoundedSemaphore` (or anyio / aiolimiter limiter, or a
    connection pool with an explicit limit: `aiohttp.TCPConnector(limit=...)`, `httpx.Limits(...)`)
    is created in the function, an enclosing function, the class or the module, no
    `async with <semaphore>` is in the function, and the per-item call neither takes a semaphore
    nor enters one itself.

    It leaves alone fan-outs over a fixed collection (a literal, `range(8)`, the parts an
    application is configured with: `self.providers`, `signal.receivers`, `backends`…), pools of
    workers that do not depend on the item (`[worker(queue) for _ in range(n)]`), batches
    (iterating over a slice or over the variable of an enclosing `for` loop, also after
    `batch = cast(list, batch)`), and awaiting tasks that exist already
    (`[t for t in asyncio.all_tasks() if t is not current]`): those start nothing.

    ## Why is this bad?
    The call starts one task per item, all at once. With ten items it is fine; with the ten
    thousand a production input eventually has, it opens ten thousand connections or file handles,
    trips the remote side's rate limits, exhausts connection pools and memory, and its timeouts fire
    together. Nothing pushes back: the size of the input sets the concurrency.

    ## Example
    ```python
    async def crawl(session, urls):
        return await asyncio.gather(*[fetch(session, url) for url in urls])
    ```

    ## Use instead
    ```python
    async def crawl(session, urls, concurrency=20):
        semaphore = asyncio.Semaphore(concurrency)

        async def bounded_fetch(url):
            async with semaphore:
                return await fetch(session, url)

        return await asyncio.gather(*[bounded_fetch(url) for url in urls])
    ```

    ## Fix safety
    No fix: the right limit depends on what each task uses (connections, API quotas, memory).
    """

    code = "ASY120"
    name = "unbounded-fan-out"
    framework = "asyncio"
    summary = "`asyncio.gather()` over a whole collection with no semaphore or limit"
    guidelines = (
        Quote("asyncio", "Performance Optimization", "Use proper task batching"),
        Quote("asyncio", "Advanced Patterns", "Implement proper backpressure handling"),
        Quote("asyncio", "Synchronization Primitives", "Use proper Semaphore control"),
        Quote("asyncio", "Advanced Patterns", "Implement effective worker pools"),
    )
    node_types = (ast.Call,)
    callees = callees_of(SPREAD_CALLS, COLLECTION_CALLS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name in SPREAD_CALLS:
            collections = [a.value for a in node.args if isinstance(a, ast.Starred)]
        elif name in COLLECTION_CALLS:
            first = argument(node, 0, "fs" if name.endswith("as_completed") else "aws")
            collections = [first] if first is not None else []
        else:
            return
        for collection in collections:
            fan_out = _fan_out(collection, node, model)
            if fan_out is None or _is_bounded(fan_out, node, model) or _is_limited(fan_out, node, model):
                continue
            shown = model.segment(fan_out.iterable)
            shown = shown if len(shown) <= 40 and "\n" not in shown else "the collection"
            message = (
                f"`{name}()` starts one task per item of `{shown}` at once in {model.context_label(node)}, "
                "with no semaphore or other limit: the input's size sets the concurrency; bound it with "
                "an `asyncio.Semaphore`, or process the items in batches"
            )
            yield self.diagnostic(node, model, message)
            return


def _fan_out(collection: ast.expr, call: ast.Call, model: SemanticModel) -> _FanOut | None:
    """What a collection of awaitables is made of, when it is made per item of an iterable."""
    if isinstance(collection, ast.Name):
        binding = model.lookup(collection.id, collection)
        function = model.enclosing_function(call)
        own_scope = function.scope if function is not None else model.module_scope
        if binding is None or binding.scope is not own_scope or binding.kind != "assignment" or binding.value is None:
            return None
        collection = binding.value
    if isinstance(collection, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        element = collection.elt
        if isinstance(element, (ast.Name, ast.Attribute, ast.Subscript)):
            return None  # awaitables that exist already (`[t for t in asyncio.all_tasks() if ...]`): none is started here
        callee = _per_item_call(element, model)
        return _FanOut(collection.generators[0].iter, element, callee.func if callee else None, collection)
    if isinstance(collection, ast.Call) and model.qualified_name(collection.func) == "builtins.map":
        if len(collection.args) == 2:
            return _FanOut(collection.args[1], None, collection.args[0], None)
    return None


def _per_item_call(element: ast.expr, model: SemanticModel) -> ast.Call | None:
    """The coroutine call an element makes, through ``create_task()`` / ``ensure_future()``."""
    if isinstance(element, ast.Call) and model.qualified_name(element.func) in _TASK_WRAPPERS:
        element = argument(element, 0, "coro")  # type: ignore[assignment]
    return element if isinstance(element, ast.Call) else None


def _is_bounded(fan_out: _FanOut, call: ast.Call, model: SemanticModel) -> bool:
    """A fixed collection, a pool of identical workers, or one batch of a larger input."""
    iterable = fan_out.iterable
    if _is_literal_collection(iterable, model):
        return True
    if isinstance(iterable, ast.Subscript) and isinstance(iterable.slice, ast.Slice):
        return True  # items[start:start + size]: a batch
    if _is_components(iterable):
        return True
    iterable = _same_items(iterable, model) or iterable
    if isinstance(iterable, ast.Name):
        binding = model.lookup(iterable.id, iterable)
        value = binding.value if binding is not None else None
        passed = _same_items(value, model) if binding is not None and binding.kind == "assignment" else None
        if isinstance(passed, ast.Name) and binding is not None:  # `batch = cast(list, batch)`: still the loop's batch
            earlier = [b for b in binding.scope.bindings.get(passed.id, []) if b.position < binding.position]
            binding = earlier[-1] if passed.id == iterable.id and earlier else model.lookup(passed.id, passed)
            value = binding.value if binding is not None else None
        if binding is not None and binding.kind == "loop" and model.enclosing_function(binding.node) is model.enclosing_function(call):
            return True  # `for batch in batches:` around the call
        if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
            return True
    if fan_out.comprehension is not None and fan_out.element is not None:
        return not _uses_item(fan_out.element, model)  # workers that do not depend on the item
    return False


def _same_items(expr: ast.expr | None, model: SemanticModel) -> ast.expr | None:
    """The collection ``cast(list, batch)``, ``list(batch)`` or ``sorted(batch)`` holds the items of."""
    if not isinstance(expr, ast.Call):
        return None
    position = _SAME_ITEMS.get(model.qualified_name(expr.func) or "")
    return argument(expr, position) if position is not None else None


def _is_components(iterable: ast.expr) -> bool:
    """``self.providers``, ``receivers``: named as the parts an application is configured with."""
    name = iterable.id if isinstance(iterable, ast.Name) else iterable.attr if isinstance(iterable, ast.Attribute) else ""
    words = name.strip("_").lower().split("_")
    return words[-1] in COMPONENT_WORDS


def _is_literal_collection(iterable: ast.expr, model: SemanticModel) -> bool:
    if isinstance(iterable, _DISPLAYS):
        return True
    if isinstance(iterable, ast.Call) and model.qualified_name(iterable.func) == "builtins.range":
        return all(isinstance(a, ast.Constant) for a in iterable.args)
    if isinstance(iterable, ast.Name):
        binding = model.lookup(iterable.id, iterable)
        if binding is not None and isinstance(binding.value, _DISPLAYS):
            return len(binding.scope.bindings.get(iterable.id, [])) == 1
    return False


def _uses_item(element: ast.expr, model: SemanticModel) -> bool:
    """True when a comprehension's element reads one of its loop variables."""
    span = model.range_of(element)
    for bindings in model.scope(element).bindings.values():
        for binding in bindings:
            for name in model.references(binding):
                found = model.range_of(name)
                if span.contains(found.start_line, found.start_column):
                    return True
    return False


def _is_limited(fan_out: _FanOut, call: ast.Call, model: SemanticModel) -> bool:
    """A semaphore or limiter in scope, entered around the call, or taken or entered per item."""
    function = model.enclosing_function(call)
    if _limit_created_in_scope(function, model):
        return True
    if function is not None and _enters_limit(function, model):
        return True
    per_item = _per_item_call(fan_out.element, model) if fan_out.element is not None else None
    if per_item is not None:
        passed = [a.value if isinstance(a, ast.Starred) else a for a in per_item.args]
        if any(_is_limit(value, model) for value in (*passed, *(k.value for k in per_item.keywords))):
            return True
    callee = model.function_def(fan_out.callee) if fan_out.callee is not None else None
    return callee is not None and _enters_limit(callee, model)


def _limit_created_in_scope(function: FunctionInfo | None, model: SemanticModel) -> bool:
    """A limiter (or a connection pool with an explicit limit) created at module or class level, in
    this function or an enclosing one, or in a method of the same class
    (``self._semaphore = asyncio.Semaphore(10)`` in ``__init__``)."""
    enclosing: list[FunctionInfo] = []
    current = function
    while current is not None:
        enclosing.append(current)
        current = model.enclosing_function(current.node)
    own_class = function.class_info if function is not None else None
    for created in model.nodes(ast.Call):
        assert isinstance(created, ast.Call)
        if not _creates_limit(created, model):
            continue
        where = model.enclosing_function(created)
        if where is None or any(where is f for f in enclosing):
            return True
        if own_class is not None and where.class_info is own_class:
            return True
    return False


def _creates_limit(call: ast.Call, model: SemanticModel) -> bool:
    created = model.instance_type(call)
    if created in LIMIT_TYPES:
        return True
    return any(keyword(call, name) is not None for name in CONNECTION_LIMITS.get(created or "", ()))


def _enters_limit(function: FunctionInfo, model: SemanticModel) -> bool:
    """``async with <semaphore>:`` or ``await <semaphore>.acquire()`` in the function's own body."""
    for statement in model.nodes(ast.AsyncWith):
        assert isinstance(statement, ast.AsyncWith)
        if model.enclosing_function(statement) is function and any(
            _is_limit(i.context_expr, model, ENTERED_LIMIT_WORDS) for i in statement.items
        ):
            return True
    for acquire in model.nodes(ast.Call):
        assert isinstance(acquire, ast.Call)
        if (
            isinstance(acquire.func, ast.Attribute)
            and acquire.func.attr == "acquire"
            and _is_limit(acquire.func.value, model, ENTERED_LIMIT_WORDS)
            and model.enclosing_function(acquire) is function
        ):
            return True
    return False


def _is_limit(expr: ast.expr, model: SemanticModel, words: frozenset[str] = LIMIT_WORDS) -> bool:
    """An instance of a limiter class, or an expression whose name says it is one."""
    if model.instance_type(expr) in LIMIT_TYPES:
        return True
    while isinstance(expr, (ast.Subscript, ast.Call)):
        expr = expr.value if isinstance(expr, ast.Subscript) else expr.func
    name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else None
    return name is not None and any(word.lower() in words for word in _WORDS.findall(name))
