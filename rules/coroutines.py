"""Turning a generator-based coroutine into a native one: the edits the fixes of ASY114
(``@asyncio.coroutine``) and TOR001 (Tornado's ``@gen.coroutine``) share.

A fix removes the decorator's line (``decorator_line_edit``), writes ``async def``
(``async_def_edit``) and replaces each ``yield``/``yield from`` of the function's own body with
``await`` (``await_edits``), parenthesising the awaited value where ``await`` binds tighter than
the expression (``yield from a or b`` becomes ``await (a or b)``). Every edit touches only the
keywords and the brackets it adds, so the user's layout and comments survive.
"""

from __future__ import annotations

import ast
import re

from .model import FunctionInfo, SemanticModel
from .rule import Edit, Range

#: ``yield`` or ``yield from``, on one line (the edit replaces the keywords in place)
_YIELD_KEYWORDS = re.compile(r"yield(?:[ \t]+from\b)?")

#: expressions ``await`` takes without parentheses (a tuple only when it has its own brackets)
_PRIMARIES = (
    ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)


def own_nodes(function: FunctionInfo, model: SemanticModel, node_type: type[ast.AST]) -> list[ast.AST]:
    """The nodes of this type in the function's own body (not a nested ``def``, ``lambda`` or class)."""
    return [node for node in model.nodes(node_type) if model.scope(node) is function.scope]


def decorator_line_edit(decorator: ast.expr, model: SemanticModel) -> Edit | None:
    """The edit removing ``@decorator``: its whole line, or up to the comment that follows it.
    None when the decorator shares its line with other code or spans several lines."""
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


def async_def_edit(function: FunctionInfo, model: SemanticModel) -> Edit | None:
    """The edit writing ``async`` before the function's ``def``; None when it is ``async def`` already."""
    if function.is_async:
        return None
    line = function.node.lineno
    column = model.column(line, function.node.col_offset)
    return Edit(Range(line - 1, column, line - 1, column), "async ")


def await_edits(node: ast.Yield | ast.YieldFrom, model: SemanticModel, wrapper: str | None = None) -> list[Edit] | None:
    """The edits turning ``yield x`` / ``yield from x`` into ``await x``; with ``wrapper``, into
    ``await wrapper(x)``. None when there is nothing to await (a bare ``yield``), when ``yield x``
    yields an unbracketed tuple (``yield a, b``), or when the keywords span a line break."""
    value = node.value
    if value is None:
        return None
    keywords = _YIELD_KEYWORDS.match(model.segment(node))
    if keywords is None or (isinstance(node, ast.YieldFrom) and "from" not in keywords.group()):
        return None
    if isinstance(value, ast.Tuple) and not model.segment(value).startswith("("):
        return None
    start = model.range_of(node)
    keywords_end = start.start_column + keywords.end()
    edits = [Edit(Range(start.start_line, start.start_column, start.start_line, keywords_end), "await")]
    where = model.range_of(value)
    # ast ranges leave out enclosing parentheses: any "(" between the keywords and the value opens them
    between = "\n".join(model.lines[start.start_line : where.start_line + 1])
    between = between[keywords_end : len(between) - len(model.lines[where.start_line]) + where.start_column]
    if wrapper is not None:
        opening, closing = f"{wrapper}(", ")"
    elif not isinstance(value, _PRIMARIES) and "(" not in between:
        opening, closing = "(", ")"
    else:
        return edits
    edits.append(Edit(Range(where.start_line, where.start_column, where.start_line, where.start_column), opening))
    edits.append(Edit(Range(where.end_line, where.end_column, where.end_line, where.end_column), closing))
    return edits
