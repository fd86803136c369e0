from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

#: the decorator, by qualified name (``asyncio.coroutine`` was removed in Python 3.11)
LEGACY_DECORATORS = frozenset({"asyncio.coroutine", "asyncio.coroutines.coroutine"})

_YIELD_FROM = re.compile(r"yield[ \t]+from\b")  # on one line: the edit replaces it in place

#: expressions ``await`` takes without parentheses
_PRIMARIES = (
    ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)


class LegacyGeneratorCoroutine(Rule):
    """
    ## What it does
    Finds generator-based coroutines: functions decorated with `@asyncio.coroutine` (however the
    decorator is imported or aliased).

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
            if name not in LEGACY_DECORATORS:
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
        removal = _decorator_line_edit(decorator, model)
        assert removal is not None  # _convertible checked it
        edits = [removal]
        if not function.is_async:
            def_line, def_column = function.node.lineno - 1, model.column(function.node.lineno, function.node.col_offset)
            edits.append(Edit(Range(def_line, def_column, def_line, def_column), "async "))
        for yield_from in _own_yield_froms(function, model):
            edits.extend(_await_edits(yield_from, model))
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _own(node: ast.AST, function: FunctionInfo, model: SemanticModel) -> bool:
    """True when ``node`` belongs to the function's own body (not a nested def, lambda or class)."""
    return model.scope(node) is function.scope


def _own_yield_froms(function: FunctionInfo, model: SemanticModel) -> list[ast.YieldFrom]:
    return [node for node in model.nodes(ast.YieldFrom) if _own(node, function, model)]  # type: ignore[misc]


def _convertible(function: FunctionInfo, decorator: ast.expr, model: SemanticModel) -> bool:
    """No plain ``yield`` (its value would change meaning), every ``yield from`` rewritable, and the
    decorator on a line of its own (a comment may follow it)."""
    if any(_own(node, function, model) for node in model.nodes(ast.Yield)):
        return False
    if any(_YIELD_FROM.match(model.segment(node)) is None for node in _own_yield_froms(function, model)):
        return False
    return _decorator_line_edit(decorator, model) is not None


def _decorator_line_edit(decorator: ast.expr, model: SemanticModel) -> Edit | None:
    """The edit removing ``@decorator``: its whole line, or up to the comment that follows it."""
    where = model.range_of(decorator)
    if where.start_line != where.end_line:
        return None
    line = model.lines[where.start_line]
    before, after = line[: where.start_column], line[where.end_column :]
    if before.strip() != "@":
        return None
    if not after.strip():
        return Edit(Range(where.start_line, 0, where.start_line + 1, 0), "")
    if after.lstrip().startswith("#"):
        at = len(before) - len(before.lstrip())
        comment = where.end_column + len(after) - len(after.lstrip())
        return Edit(Range(where.start_line, at, where.start_line, comment), "")
    return None


def _await_edits(node: ast.YieldFrom, model: SemanticModel) -> list[Edit]:
    """``yield from x`` -> ``await x``; ``yield from a or b`` -> ``await (a or b)``."""
    start = model.range_of(node)
    keywords = _YIELD_FROM.match(model.segment(node))
    assert keywords is not None  # _convertible checked it
    keywords_end = start.start_column + keywords.end()
    edits = [Edit(Range(start.start_line, start.start_column, start.start_line, keywords_end), "await")]
    value = model.range_of(node.value)
    # ast ranges leave out enclosing parentheses: any "(" between the keywords and the value opens them
    between = "\n".join(model.lines[start.start_line : value.start_line + 1])
    between = between[keywords_end : len(between) - len(model.lines[value.start_line]) + value.start_column]
    if not isinstance(node.value, _PRIMARIES) and "(" not in between:
        edits.append(Edit(Range(value.start_line, value.start_column, value.start_line, value.start_column), "("))
        edits.append(Edit(Range(value.end_line, value.end_column, value.end_line, value.end_column), ")"))
    return edits
