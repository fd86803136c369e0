from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity

if TYPE_CHECKING:
    import libcst as cst

#: the modules that export the deprecated function
_MODULES = ("asyncio", "asyncio.coroutines")
_FUNCTION = "iscoroutinefunction"
DEPRECATED = frozenset(f"{module}.{_FUNCTION}" for module in _MODULES)
#: the Python release that deprecates it: code that only runs on older ones is left alone
DEPRECATED_IN = (3, 14)


class DeprecatedIscoroutinefunction(Rule):
    """
    ## What it does
    Finds `asyncio.iscoroutinefunction`, used as `asyncio.iscoroutinefunction(...)` or imported
    with `from asyncio import iscoroutinefunction`, where the code may run on Python 3.14 or later.
    Compatibility code that only runs on older Pythons is left alone: under
    `if sys.version_info < (3, 14):`, in the `else` of `if sys.version_info >= (3, 14):`, or after
    `sys.version_info < (3, 14) and`.

    ## Why is this bad?
    Python 3.14 deprecates `asyncio.iscoroutinefunction()` (it warns when called) and Python 3.16
    removes it, so the import will fail. `inspect.iscoroutinefunction()` answers the same question
    for `async def` functions, and since Python 3.12 also honours `inspect.markcoroutinefunction()`.

    ## Example
    ```python
    import asyncio

    def register(callback):
        if not asyncio.iscoroutinefunction(callback):
            raise TypeError("callback must be async")
    ```

    ## Use instead
    ```python
    import inspect

    def register(callback):
        if not inspect.iscoroutinefunction(callback):
            raise TypeError("callback must be async")
    ```

    ## Fix safety
    Safe: for every `async def` function (and `functools.partial` of one) both functions agree.
    They differ only for objects carrying asyncio's private `_is_coroutine` marker, which the
    `@asyncio.coroutine` decorator (removed in Python 3.11, see ASY114) set. The fix writes
    `inspect.iscoroutinefunction`, adding `import inspect` once when the module lacks it (or reusing
    an existing import), and turns `from asyncio import iscoroutinefunction` into
    `from inspect import iscoroutinefunction`, so the code that calls it stays as it is.
    """

    code = "ASY124"
    name = "deprecated-asyncio-iscoroutinefunction"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`asyncio.iscoroutinefunction` is deprecated since Python 3.14; use `inspect.iscoroutinefunction`"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Implement effective coroutine functions"),
        Quote("asyncio", "Key Principles", "Follow established asyncio best practices"),
    )
    node_types = (ast.Attribute, ast.ImportFrom)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Use `inspect.iscoroutinefunction`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Attribute):
            # The attribute's name first: a cheap test that most attributes fail.
            if (
                node.attr == _FUNCTION
                and isinstance(node.ctx, ast.Load)
                and model.qualified_name(node) in DEPRECATED
                and model.python_versions(node).reaches(DEPRECATED_IN)
            ):
                yield self.diagnostic(node, model, self._message(model.qualified_name(node)), fix=Applicability.SAFE)
            return
        assert isinstance(node, ast.ImportFrom)
        if node.level != 0 or node.module not in _MODULES or not model.python_versions(node).reaches(DEPRECATED_IN):
            return
        for alias in node.names:
            if alias.name == _FUNCTION:
                yield self.diagnostic(alias, model, self._message(f"{node.module}.{_FUNCTION}"), fix=Applicability.SAFE)

    @staticmethod
    def _message(name: str | None) -> str:
        return (
            f"`{name}` is deprecated since Python 3.14 and removed in 3.16; "
            f"use `inspect.{_FUNCTION}`, which gives the same answer for `async def` functions"
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        found = context.node_at(diagnostic.range, ast.Attribute, ast.alias)
        if isinstance(found, ast.Attribute):
            reference, import_edit = context.import_name("inspect", _FUNCTION)
            edits = [context.replace(found, reference)]
            if import_edit is not None:
                edits.append(import_edit)
            return Fix(self.fix_title, Applicability.SAFE, tuple(edits))
        statement = context.model.parent(found) if isinstance(found, ast.alias) else None
        if not isinstance(statement, ast.ImportFrom):
            return None
        return Fix(self.fix_title, Applicability.SAFE, (self._import_from_inspect(statement, context),))

    @staticmethod
    def _import_from_inspect(statement: ast.ImportFrom, context: FixContext) -> Edit:
        """Move ``iscoroutinefunction`` (under every alias) from this import to ``from inspect import``.

        The names the import keeps stay as they were written, comments and parentheses included.
        """
        import libcst as cst
        parsed = cst.parse_statement(context.text(statement))
        assert isinstance(parsed, cst.SimpleStatementLine)
        import_from = parsed.body[0]
        assert isinstance(import_from, cst.ImportFrom) and not isinstance(import_from.names, cst.ImportStar)
        names = list(import_from.names)
        is_moved = [isinstance(a.name, cst.Name) and a.name.value == _FUNCTION for a in names]
        kept = [a for a, move in zip(names, is_moved) if not move]
        moved = [a for a, move in zip(names, is_moved) if move]
        code = cst.Module([]).code_for_node
        inspect_import = "from inspect import " + ", ".join(code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in moved)
        if not kept:
            return context.replace(statement, inspect_import)
        if is_moved[-1]:
            kept[-1] = kept[-1].with_changes(comma=_last_ending(kept[-1].comma, names[-1].comma))
        remaining = code(import_from.with_changes(names=kept))
        line = context.lines[context.model.range_of(statement).start_line]
        before = line[: context.model.range_of(statement).start_column]
        separator = f"{context.newline}{before}" if not before.strip() else "; "
        return context.replace(statement, remaining + separator + inspect_import)


def _last_ending(
    kept_comma: cst.Comma | cst.MaybeSentinel, removed_comma: cst.Comma | cst.MaybeSentinel
) -> cst.Comma | cst.MaybeSentinel:
    """What follows the name that becomes last when the last name of an import is removed.

    It takes the removed name's ending (no comma without parentheses; the trailing comma and the
    line break before ``)`` in a one-name-per-line import), but keeps its own line's comment.
    """
    import libcst as cst
    if (
        isinstance(kept_comma, cst.Comma)
        and isinstance(removed_comma, cst.Comma)
        and isinstance(kept_comma.whitespace_after, cst.ParenthesizedWhitespace)
        and isinstance(removed_comma.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        line_end = kept_comma.whitespace_after.first_line
        return kept_comma.with_changes(whitespace_after=removed_comma.whitespace_after.with_changes(first_line=line_end))
    return removed_comma
