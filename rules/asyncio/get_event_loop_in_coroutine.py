from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity, callees_of

#: ``get_event_loop`` as the model names it, through the module that defines it too
GET_EVENT_LOOP = frozenset({"asyncio.get_event_loop", "asyncio.events.get_event_loop"})
#: the Python release that added ``get_running_loop()``: code that only runs on older ones cannot use it
REPLACEMENT_SINCE = (3, 7)


class GetEventLoopInCoroutine(Rule):
    """
    ## What it does
    Finds `asyncio.get_event_loop()` called inside a coroutine. Inside a coroutine the call is not
    deprecated on any Python version, so guards on the version do not silence this rule, except
    where the code can only run on Pythons older than 3.7, which lack `get_running_loop()` (the
    `else` of `if sys.version_info >= (3, 7):`, below every `target-version`).

    ## Why is this bad?
    Inside a coroutine a loop is always running, and `asyncio.get_running_loop()` returns exactly
    that loop. `get_event_loop()` takes a detour through the event-loop policy, and outside a
    running loop it is deprecated (a warning since Python 3.12, a `RuntimeError` without a current
    loop since 3.14): code written with it, once moved to a helper that runs before the loop
    starts, silently creates or finds a *different* loop, and futures bound to it never complete.
    `get_running_loop()` states the intent and fails loudly when there is no running loop.

    ## Example
    ```python
    import asyncio

    async def lookup(host):
        loop = asyncio.get_event_loop()
        return await loop.getaddrinfo(host, 443)
    ```

    ## Use instead
    ```python
    import asyncio

    async def lookup(host):
        loop = asyncio.get_running_loop()
        return await loop.getaddrinfo(host, 443)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY112"]`. In a coroutine
    `get_event_loop()` returns the running loop, so the code works; the replacement is for clarity and
    for code that may one day run outside a coroutine. Enable it for consistency.

    ## Fix safety
    Safe: in a coroutine both calls return the running loop. The fix keeps the module reference the
    code uses (`aio.get_event_loop()` becomes `aio.get_running_loop()`); for a name imported with
    `from asyncio import get_event_loop`, it uses an existing import of `get_running_loop` or of
    `asyncio`, or adds `import asyncio`. It is not offered inside a generator expression, which may
    run after the coroutine, outside the loop.
    """

    code = "ASY112"
    name = "get-event-loop-in-coroutine"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "`asyncio.get_event_loop()` in a coroutine: use `asyncio.get_running_loop()`"
    guidelines = (
        Quote("asyncio", "Event Loop Management", "Implement proper loop selection"),
        Quote("asyncio", "Event Loop Management", "Create proper event loop instantiation"),
    )
    node_types = (ast.Call,)
    callees = callees_of(GET_EVENT_LOOP)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Replace with `asyncio.get_running_loop()`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in GET_EVENT_LOOP or not model.in_async_context(node):
            return
        if not model.python_versions(node).reaches(REPLACEMENT_SINCE):
            return
        message = (
            f"`asyncio.get_event_loop()` in {model.context_label(node)}: use `asyncio.get_running_loop()`, "
            "which returns the loop running this coroutine without going through the event-loop policy"
        )
        fix = None if _in_generator_expression(node, model) else Applicability.SAFE
        yield self.diagnostic(node, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        func = call.func
        if isinstance(func, ast.Attribute):
            # Rename only the attribute, after the user's own module reference (``aio.``).
            end = context.model.range_of(func)
            start = end.end_column - len(func.attr)
            edits = [Edit(Range(end.end_line, start, end.end_line, end.end_column), "get_running_loop")]
        else:
            reference, import_edit = context.import_name("asyncio", "get_running_loop")
            edits = [context.replace(func, reference)]
            if import_edit is not None:
                edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))


def _in_generator_expression(node: ast.AST, model: SemanticModel) -> bool:
    """True inside a generator expression, which runs lazily, maybe after its coroutine returned."""
    scope = model.scope(node)
    while scope.kind == "comprehension":
        if isinstance(scope.node, ast.GeneratorExp):
            return True
        assert scope.parent is not None
        scope = scope.parent
    return False
