from __future__ import annotations

import ast
from collections.abc import Iterator

from ..coroutines import async_def_edit, await_edits, decorator_line_edit, own_nodes
from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity

#: the decorator, by qualified name (``asyncio.coroutine`` was removed in Python 3.11)
LEGACY_DECORATORS = frozenset({"asyncio.coroutine", "asyncio.coroutines.coroutine"})
#: the Python release that removed it: a function only defined on older ones is left alone
REMOVED_IN = (3, 11)


class LegacyGeneratorCoroutine(Rule):
    """
    ## What it does
    Finds generator-based coroutines: functions decorated with `@asyncio.coroutine` (however the
    decorator is imported or aliased), where the code may run on Python 3.11 or later. A function
    defined only on older Pythons, under `if sys.version_info < (3, 11):` or in the `else` of
    `if sys.version_info >= (3, 11):`, is left alone: such a version branch is deliberate
    compatibility code, and the decorator works there (deprecated since 3.8, with a warning).

    ## Why is this bad?
    `@asyncio.coroutine` was deprecated in Python 3.8 and removed in 3.11: on 3.11 and later the
    module fails to import with `AttributeError: module 'asyncio' has no attribute 'coroutine'`
    (or an `ImportError` for `from asyncio import coroutine`). Native `async def` coroutines replace
    them, with `await` for `yield from`.

    ## Example
    ```python
    import asyncio

    @asyncio.coroutine
    def fetch(reader):
        line = yield from reader.readline()
        return line
    ```

    ## Use instead
    ```python
    async def fetch(reader):
        line = await reader.readline()
        return line
    ```

    ## Fix safety
    Unsafe: an `async def` coroutine is not a generator; code that drives it with `next()` or
    `send()`, or checks `inspect.isgeneratorfunction`, behaves differently, and `await` accepts only
    awaitables where `yield from` accepted any iterable. The fix removes the decorator line, writes
    `async def`, and replaces each `yield from x` with `await x`. It is offered only when the
    function has no plain `yield` and the decorator stands on a line of its own. A
    `from asyncio import coroutine` import is left for you to remove.
    """

    code = "ASY114"
    name = "legacy-generator-coroutine"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "`@asyncio.coroutine` generator coroutine (removed in Python 3.11)"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Use proper generator-based coroutines (legacy)"),
        Quote("asyncio", "Coroutine Design", "Use proper async/await syntax"),
    )
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Convert to `async def` with `await`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for decorator in node.decorator_list:
            name = model.qualified_name(decorator)
            if name not in LEGACY_DECORATORS or not model.python_versions(decorator).reaches(REMOVED_IN):
                continue
            function = model.function_info(node)
            message = (
                f"`@{model.segment(decorator)}` on `{node.name}` was removed in Python 3.11 (the module no longer "
                "imports); write `async def` and `await` instead of `yield from`"
            )
            fixable = function is not None and _convertible(function, decorator, model)
            yield self.diagnostic(decorator, model, message, fix=Applicability.UNSAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        decorator = context.node_at(diagnostic.range, ast.Name, ast.Attribute)
        function_node = context.model.parent(decorator) if decorator is not None else None
        function = context.model.function_info(function_node) if function_node is not None else None
        if function is None or not _convertible(function, decorator, context.model):
            return None
        model = context.model
        removal = decorator_line_edit(decorator, model)
        assert removal is not None  # _convertible checked it
        edits = [removal]
        async_def = async_def_edit(function, model)
        if async_def is not None:
            edits.append(async_def)
        for yield_from in _own_yield_froms(function, model):
            edits.extend(await_edits(yield_from, model) or ())
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _own_yield_froms(function: FunctionInfo, model: SemanticModel) -> list[ast.YieldFrom]:
    return own_nodes(function, model, ast.YieldFrom)  # type: ignore[return-value]


def _convertible(function: FunctionInfo, decorator: ast.expr, model: SemanticModel) -> bool:
    """No plain ``yield`` (its value would change meaning), every ``yield from`` rewritable, and the
    decorator on a line of its own (a comment may follow it)."""
    if own_nodes(function, model, ast.Yield):
        return False
    if any(await_edits(node, model) is None for node in _own_yield_froms(function, model)):
        return False
    return decorator_line_edit(decorator, model) is not None
