from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import ClassInfo, SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

#: async-only context managers: the qualified name of the class (or factory) an instance comes from
#: (as ``SemanticModel.instance_type`` gives it) -> how messages name it
ASYNC_CONTEXT_MANAGERS = {
    "asyncio.Lock": "asyncio.Lock",
    "asyncio.locks.Lock": "asyncio.Lock",
    "asyncio.Semaphore": "asyncio.Semaphore",
    "asyncio.locks.Semaphore": "asyncio.Semaphore",
    "asyncio.BoundedSemaphore": "asyncio.BoundedSemaphore",
    "asyncio.locks.BoundedSemaphore": "asyncio.BoundedSemaphore",
    "asyncio.Condition": "asyncio.Condition",
    "asyncio.locks.Condition": "asyncio.Condition",
    "asyncio.timeout": "asyncio.timeout()",
    "asyncio.timeout_at": "asyncio.timeout_at()",
    "asyncio.Timeout": "asyncio.Timeout",
    "asyncio.timeouts.timeout": "asyncio.timeout()",
    "asyncio.TaskGroup": "asyncio.TaskGroup",
    "asyncio.taskgroups.TaskGroup": "asyncio.TaskGroup",
    "async_timeout.timeout": "async_timeout.timeout()",
    "async_timeout.timeout_at": "async_timeout.timeout_at()",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
    "aiohttp.ClientResponse": "aiohttp.ClientResponse",
    "aiohttp.ClientWebSocketResponse": "aiohttp.ClientWebSocketResponse",
}

#: primitives that, before Python 3.9, were acquired with ``with await lock:`` (or ``with (yield from lock):``)
LEGACY_AWAIT_ACQUIRE = frozenset({"asyncio.Lock", "asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.Condition"})


class SyncWithAsyncContextManager(Rule):
    """
    ## What it does
    Finds `with` (not `async with`) in a coroutine on an async context manager: an
    `asyncio.Lock`, `Semaphore`, `BoundedSemaphore` or `Condition`, `asyncio.timeout()` /
    `timeout_at()`, `async_timeout.timeout()`, an `asyncio.TaskGroup`, an `aiohttp.ClientSession`
    or response, whether created in the `with` or held in a variable, attribute or annotated
    parameter; and instances of a class of the module that defines `__aenter__` but no
    `__enter__` (its bases all of the module too). Also the pre-3.9 form `with await lock:`.

    ## Why is this bad?
    These objects implement only `__aenter__` / `__aexit__`: plain `with` raises `TypeError`
    ("does not support the context manager protocol") when the line runs. The asyncio locks
    supported `with await lock:` until Python 3.9, which removed it.

    ## Example
    ```python
    async def update(self, key, value):
        with self._lock:
            self._data[key] = value
    ```

    ## Use instead
    ```python
    async def update(self, key, value):
        async with self._lock:
            self._data[key] = value
    ```

    ## Fix safety
    Safe: the code raised at this line before; `async with` enters and exits the context manager as
    intended (and `with await lock` becomes `async with lock`). Offered only when every context
    manager of the statement is asynchronous, since `async with` applies to all of them.
    """

    code = "ASY119"
    name = "sync-with-async-context-manager"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`with` on an async context manager (needs `async with`)"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Implement proper async context managers"),
        Quote("asyncio", "Synchronization Primitives", "Use proper Lock implementation"),
        Quote("asyncio", "Key Principles", "Apply effective synchronization primitives"),
    )
    node_types = (ast.With,)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use `async with`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.With)
        if not model.in_running_loop(node):
            return
        found = [(item, _async_manager(item.context_expr, model)) for item in node.items]
        fix = Applicability.SAFE if all(manager for _, manager in found) else None
        for item, manager in found:
            if manager is None:
                continue
            where = model.context_label(node)
            if _is_legacy_acquire(item.context_expr, model):
                message = (
                    f"`with {model.segment(item.context_expr)}` in {where}: acquiring an `{manager}` with "
                    f"`with await` was removed in Python 3.9; use `async with {model.segment(item.context_expr.value)}`"  # type: ignore[attr-defined]
                )
            else:
                message = (
                    f"`with` on `{manager}` in {where}: it is an async context manager, plain `with` raises "
                    "`TypeError`; use `async with`"
                )
            yield self.diagnostic(item.context_expr, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        for statement in model.nodes(ast.With):
            assert isinstance(statement, ast.With)
            if not any(model.range_of(item.context_expr) == diagnostic.range for item in statement.items):
                continue
            if not all(_async_manager(item.context_expr, model) for item in statement.items):
                return None
            start = model.range_of(statement)
            edits = [Edit(Range(start.start_line, start.start_column, start.start_line, start.start_column), "async ")]
            for item in statement.items:
                if _is_legacy_acquire(item.context_expr, model):
                    edits.append(context.replace(item.context_expr, model.segment(item.context_expr.value)))  # type: ignore[attr-defined]
            return Fix(self.fix_title, Applicability.SAFE, tuple(edits))
        return None


def _is_legacy_acquire(expression: ast.expr, model: SemanticModel) -> bool:
    """``await lock`` (not ``await make_lock()``) on an asyncio lock, semaphore or condition."""
    if not isinstance(expression, ast.Await) or isinstance(expression.value, ast.Call):
        return False
    return ASYNC_CONTEXT_MANAGERS.get(model.instance_type(expression.value) or "") in LEGACY_AWAIT_ACQUIRE


#: bases a class of the module may have and still be known to define no ``__enter__`` of its own
_PLAIN_BASES = frozenset({"builtins.object", "abc.ABC", "typing.Generic", "typing_extensions.Generic"})


def _async_manager(expression: ast.expr, model: SemanticModel) -> str | None:
    """How messages name the async context manager ``expression`` evaluates to, or None."""
    known = ASYNC_CONTEXT_MANAGERS.get(model.instance_type(expression) or "")
    if known is not None:
        return known
    class_info = _class_of(expression, model)
    if class_info is not None and _async_only(class_info, model):
        return class_info.name
    return None


def _class_of(expression: ast.expr, model: SemanticModel) -> ClassInfo | None:
    """The class of this module ``expression`` is an instance of: ``Cls(...)``, or a name assigned one."""
    if isinstance(expression, ast.Name):
        binding = model.lookup(expression.id, expression)
        expression = binding.value if binding is not None and binding.kind == "assignment" else None  # type: ignore[assignment]
    if isinstance(expression, ast.Call):
        return model.class_def(expression.func)
    return None


def _async_only(class_info: ClassInfo, model: SemanticModel) -> bool:
    """True when the class (with its bases, all of this module or plain) defines ``__aenter__`` and
    no ``__enter__``: a base of another module might define ``__enter__``."""
    if model.find_method(class_info, "__aenter__") is None or model.find_method(class_info, "__enter__") is not None:
        return False
    classes = [class_info, *(base for base in model.base_classes(class_info) if isinstance(base, ClassInfo))]
    for current in classes:
        for base in current.node.bases:
            target = base.value if isinstance(base, ast.Subscript) else base
            if model.class_def(target) is None and model.qualified_name(target) not in _PLAIN_BASES:
                return False
    return True
