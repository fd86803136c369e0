from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity, callees_of
from .unawaited_coroutine import FUTURE_FUNCTIONS, coroutine_callee

WAITS = frozenset({"asyncio.wait", "asyncio.tasks.wait"})
#: the Python release since which `wait()` rejects coroutines: code only run on older ones is left alone
REJECTED_SINCE = (3, 11)

_DISPLAYS = (ast.List, ast.Set, ast.Tuple)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)


class WaitBareCoroutines(Rule):
    """
    ## What it does
    Finds `asyncio.wait()` given coroutines: a list, set or tuple display, or a comprehension,
    whose elements are coroutine calls (`async def`s of the module, known coroutine APIs such as
    `asyncio.sleep()`, or project coroutines resolved with jedi), not tasks, where the code may run
    on Python 3.11 or later. Compatibility code that only runs on older Pythons (under
    `if sys.version_info < (3, 11):`, or in the `else` of `if sys.version_info >= (3, 11):`) is
    left alone.

    ## Why is this bad?
    `asyncio.wait()` waits for tasks and futures. It wrapped bare coroutines in tasks until Python
    3.10 (with a deprecation warning since 3.8), and raises `TypeError` since Python 3.11. Even
    before, the `done` set it returns holds the wrapping tasks, not the coroutines, so
    `coro in done` is never true.

    ## Example
    ```python
    done, pending = await asyncio.wait([fetch(a), fetch(b)], timeout=5)
    ```

    ## Use instead
    ```python
    done, pending = await asyncio.wait(
        [asyncio.create_task(fetch(a)), asyncio.create_task(fetch(b))], timeout=5
    )
    ```

    ## Fix safety
    Unsafe: the tasks start running as soon as they are created rather than when `wait()` starts,
    and code that looked the coroutines up in `done` / `pending` must now use the tasks. Offered only
    inside an `async def`, where `asyncio.create_task()` has a running loop.
    """

    code = "ASY117"
    name = "wait-bare-coroutines"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`asyncio.wait()` given bare coroutines (`TypeError` since Python 3.11)"
    guidelines = (
        Quote("asyncio", "Task Management", "Use proper task waiting"),
        Quote("asyncio", "Task Management", "Use proper create_task method"),
    )
    node_types = (ast.Call,)
    callees = callees_of(WAITS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Wrap each coroutine in `asyncio.create_task()`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in WAITS:
            return
        awaitables = argument(node, 0, "fs")
        if awaitables is None or not _coroutine_calls(awaitables, model):
            return
        if not model.python_versions(node).reaches(REJECTED_SINCE):
            return
        wait = " ".join(model.segment(node.func).split())
        message = (
            f"`{wait}()` is given bare coroutines in {model.context_label(node)}: a `TypeError` since Python 3.11; "
            "wrap each in `asyncio.create_task()`"
        )
        fix = Applicability.UNSAFE if model.in_async_context(node) else None
        yield self.diagnostic(awaitables, model, message, fix=fix)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        awaitables = context.node_at(diagnostic.range, *_DISPLAYS, *_COMPREHENSIONS)
        if awaitables is None:
            return None
        calls = _coroutine_calls(awaitables, context.model)  # type: ignore[arg-type]
        if not calls:
            return None
        reference, import_edit = context.import_name("asyncio", "create_task")
        edits = []
        for call in calls:
            where = context.model.range_of(call)
            edits.append(Edit(Range(where.start_line, where.start_column, where.start_line, where.start_column), f"{reference}("))
            edits.append(Edit(Range(where.end_line, where.end_column, where.end_line, where.end_column), ")"))
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _coroutine_calls(awaitables: ast.expr, model: SemanticModel) -> list[ast.Call]:
    """The elements of a display (or the element of a comprehension) that are coroutine calls."""
    if isinstance(awaitables, _DISPLAYS):
        elements = awaitables.elts
    elif isinstance(awaitables, _COMPREHENSIONS):
        elements = [awaitables.elt]
    else:
        return []
    return [e for e in elements if isinstance(e, ast.Call) and coroutine_callee(e, model) not in (None, *FUTURE_FUNCTIONS)]
