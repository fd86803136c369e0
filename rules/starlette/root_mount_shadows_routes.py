from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..handlers import application_framework
from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

if TYPE_CHECKING:
    import libcst as cst

MOUNT_CLASSES = frozenset({"starlette.routing.Mount", "fastapi.routing.Mount"})
STATIC_FILES = frozenset({"starlette.staticfiles.StaticFiles", "fastapi.staticfiles.StaticFiles"})
#: route classes whose instances a root mount earlier in the same list hides
ROUTE_CLASSES = frozenset(
    {
        "starlette.routing.Route",
        "starlette.routing.WebSocketRoute",
        "starlette.routing.Mount",
        "starlette.routing.Host",
        "fastapi.routing.APIRoute",
        "fastapi.routing.APIWebSocketRoute",
        "fastapi.routing.Mount",
    }
)
#: methods of an app or router that add routes after the ones it has
REGISTERING_METHODS = frozenset(
    {
        "add_route",
        "add_websocket_route",
        "add_api_route",
        "add_api_websocket_route",
        "include_router",
        "mount",
        "host",
    }
)
ROOT_PATHS = ("", "/")


@dataclass(frozen=True)
class Shadowed:
    """A root mount and the first route registered after it, which it hides."""

    mount: ast.Call
    first_hidden: ast.AST
    #: where the fix moves the mount to: the last element of its list, or the last statement that registers a route
    last: ast.AST


class RootMountShadowsRoutes(Rule):
    """
    ## What it does
    Finds an app mounted at the root, `Mount("/", StaticFiles(...))` or `app.mount("/", ...)`,
    placed before other routes: earlier in the same list of routes, or earlier than the routes
    registered on the same app or router (decorators, `add_route`, `include_router`, `mount`…) in
    the same module or function.

    ## Why is this bad?
    Starlette and FastAPI try routes in order, and a mount at `/` matches every path: the static
    files answer every request, and the routes after it are never reached (their URLs return the
    static files' 404). Serving a single-page app from `/` next to an API is the classic case:
    the API disappears.

    ## Example
    ```python
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    app = FastAPI()
    app.mount("/", StaticFiles(directory="dist", html=True), name="site")


    @app.get("/api/health")
    async def health():
        return {"status": "ok"}
    ```

    ## Use instead
    ```python
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    app = FastAPI()


    @app.get("/api/health")
    async def health():
        return {"status": "ok"}


    app.mount("/", StaticFiles(directory="dist", html=True), name="site")
    ```

    Better still, mount static files under their own prefix: `Mount("/static", ...)`.

    ## Fix safety
    Unsafe: the fix moves the mount last (to the end of its list, or after the last statement that
    registers a route on the same app), which changes what answers the URLs of those routes: that
    is the point, but it moves code, and a statement that relies on the mount in between (a
    `url_for("site", ...)` at import time) would run before it. A mount that shares its lines with
    other code is not moved.
    """

    code = "STA016"
    name = "root-mount-shadows-routes"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "A mount at `/` (static files) placed before other routes hides them"
    guidelines = (
        Quote(
            "starlette",
            "Known Issues and Mitigations",
            "**Static File Conflicts**: Ensure static file routes don't conflict with API routes by proper ordering",
        ),
        Quote(
            "starlette",
            "Routing and URL Patterns",
            "Use `Mount` for serving static files: `Mount('/static', StaticFiles(directory='static'), name='static')`",
        ),
    )
    node_types = (ast.List, ast.Tuple, ast.Call)
    callees = frozenset({"mount"})  # the lists and tuples come as themselves
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Move the root mount after the routes it hides"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        found = shadowed(node, model)
        if found is None:
            return
        mount = found.mount
        static = model.qualified_name(_mounted_app(mount).func) in STATIC_FILES if _mounted_app(mount) else False
        what = "static files mounted" if static else "an app mounted"
        hidden = _label(found.first_hidden, model)
        message = (
            f"{what} at `/` by `{model.segment(mount.func)}(...)` answer every path, so {hidden} (line "
            f"{found.first_hidden.lineno}) and the routes after it are never reached; mount it last, or under a prefix"  # type: ignore[attr-defined]
        )
        fixable = _movable(found, model)
        yield self.diagnostic(mount, model, message, fix=Applicability.UNSAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        mount = context.node_at(diagnostic.range, ast.Call)
        owner = context.model.parent(mount) if mount is not None else None
        found = shadowed(owner if isinstance(owner, (ast.List, ast.Tuple)) else mount, context.model) if mount else None
        if found is None or found.mount is not mount or not _movable(found, context.model):
            return None
        if isinstance(found.last, ast.stmt):
            edits = _move_statement(_statement(found.mount, context.model), found.last, context)
        else:
            edits = _move_element(found.mount, found.last, context)
        return Fix(self.fix_title, Applicability.UNSAFE, edits)


def shadowed(node: ast.AST, model: SemanticModel) -> Shadowed | None:
    """The root mount ``node`` is (a list or tuple display holding one, or an ``app.mount(...)``
    call), when routes come after it."""
    if isinstance(node, (ast.List, ast.Tuple)):
        for index, element in enumerate(node.elts):
            if isinstance(element, ast.Call) and _is_root_mount(element, model):
                later = [e for e in node.elts[index + 1 :] if isinstance(e, ast.Starred) or _is_route(e, model)]
                if later:
                    return Shadowed(element, later[0], node.elts[-1])
        return None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "mount"):
        return None
    if not _is_app(node.func.value, model) or _string(argument(node, 0, "path")) not in ROOT_PATHS:
        return None
    statement = _statement(node, model)
    place = model.statement_list(statement) if statement is not None else None
    if place is None:
        return None
    _, siblings, index = place
    receiver = model.segment(node.func.value)
    later = [registration for registration in _registrations(model, receiver, model.enclosing_function(node)) if _after(registration, node)]
    if not later:
        return None
    # the last statement of the mount's block that holds a later registration
    holders = [_sibling_holding(registration, siblings, model) for registration in later]
    last = max((holder for holder in holders if holder is not None), key=lambda s: s.lineno, default=None)
    return Shadowed(node, later[0], last if last is not None and siblings.index(last) > index else statement)


def _is_root_mount(call: ast.Call, model: SemanticModel) -> bool:
    return model.qualified_name(call.func) in MOUNT_CLASSES and _string(argument(call, 0, "path")) in ROOT_PATHS


def _is_route(element: ast.expr, model: SemanticModel) -> bool:
    return isinstance(element, ast.Call) and model.qualified_name(element.func) in ROUTE_CLASSES


def _is_app(receiver: ast.expr, model: SemanticModel) -> bool:
    """A Starlette or FastAPI app or router, or an object of a type the module does not know."""
    return application_framework(model, receiver) in ("starlette", "fastapi") or (
        model.instance_type(receiver) is None and isinstance(receiver, (ast.Name, ast.Attribute))
    )


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _mounted_app(mount: ast.Call) -> ast.Call | None:
    app = argument(mount, 1, "app")
    return app if isinstance(app, ast.Call) else None


def _registrations(model: SemanticModel, receiver: str, function: FunctionInfo | None) -> list[ast.AST]:
    """Route registrations on ``receiver`` (by its text) in the same function (or module):
    route decorators and registering calls, in source order."""
    found: list[ast.AST] = []
    for handler in model.handlers:
        decorator = handler.registration
        if (
            handler.framework in ("starlette", "fastapi")
            and decorator in handler.function.node.decorator_list
            and isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and model.segment(decorator.func.value) == receiver
            and model.enclosing_function(handler.function.node) is function
        ):
            found.append(decorator)
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in REGISTERING_METHODS
            and model.segment(func.value) == receiver
            and model.enclosing_function(call) is function
        ):
            found.append(call)
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))  # type: ignore[attr-defined]


def _after(node: ast.AST, mount: ast.Call) -> bool:
    return (node.lineno, node.col_offset) > (mount.end_lineno, mount.end_col_offset)  # type: ignore[attr-defined, operator]


def _label(node: ast.AST, model: SemanticModel) -> str:
    """How the message names the first hidden route: its path, or its code."""
    if isinstance(node, ast.Call):
        path = _string(argument(node, 0, "path"))
        if path is not None:
            return f"`{path}`"
        return f"`{model.segment(node)}`" if len(model.segment(node)) <= 60 else f"`{model.segment(node.func)}(...)`"
    return f"`{model.segment(node)}`"


def _statement(node: ast.AST, model: SemanticModel) -> ast.stmt | None:
    """The expression statement that is exactly ``node`` (``app.mount(...)`` alone), if it is one."""
    parent = model.parent(node)
    return parent if isinstance(parent, ast.Expr) else None


def _sibling_holding(node: ast.AST, siblings: list[ast.stmt], model: SemanticModel) -> ast.stmt | None:
    """The statement of ``siblings`` that holds ``node`` (a decorator's is its function)."""
    for ancestor in (node, *model.ancestors(node)):
        if any(ancestor is sibling for sibling in siblings):
            return ancestor  # type: ignore[return-value]
    return None


# ---------------------------------------------------------------- moving the mount


def _movable(found: Shadowed, model: SemanticModel) -> bool:
    if isinstance(found.last, ast.stmt):
        statement = _statement(found.mount, model)
        return statement is not None and found.last is not statement and _own_lines(statement, model)
    return True  # an element of a display: moved as lines, or reordered by libcst


def _own_lines(node: ast.AST, model: SemanticModel) -> bool:
    """True when nothing but the node (and a trailing comma or comment) stands on its lines."""
    where = model.range_of(node)
    before = model.lines[where.start_line][: where.start_column]
    after = model.lines[where.end_line][where.end_column :].strip()
    return not before.strip() and (after in ("", ",") or after.lstrip(",").lstrip().startswith("#"))


def _with_leading_comments(line: int, lines: list[str]) -> int:
    while line > 0 and lines[line - 1].strip().startswith("#"):
        line -= 1
    return line


def _blank_run(lines: list[str], start: int, step: int) -> int:
    """How many blank lines run from ``start`` in direction ``step``."""
    count, line = 0, start
    while 0 <= line < len(lines) and not lines[line].strip():
        count, line = count + 1, line + step
    return count


def _move_statement(statement: ast.stmt | None, last: ast.stmt, context: FixContext) -> tuple[Edit, ...]:
    """Move the mount's statement (and the comments right above it) after ``last``; the blank
    lines around its old place shrink to the larger of the two runs, and a definition it now
    follows gets the usual blank lines before it."""
    assert statement is not None
    lines, newline = context.lines, context.newline
    start = _with_leading_comments(statement.lineno - 1, lines)
    end = statement.end_lineno - 1  # type: ignore[operator]
    before, after = _blank_run(lines, start - 1, -1), _blank_run(lines, end + 1, 1)
    removed_end = end + 1 + min(before, after)
    block = newline.join(lines[start : end + 1]) + newline
    if isinstance(last, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        block = newline * (2 if context.model.parent(last) is context.model.tree else 1) + block
    target = last.end_lineno  # type: ignore[assignment]
    if target >= len(lines) or (target == len(lines) - 1 and not lines[-1]):
        # after the file's last statement: it may have no line break of its own
        end_column = len(lines[target - 1])
        insert = Edit(Range(target - 1, end_column, target - 1, end_column), newline + block.removesuffix(newline))
    else:
        insert = Edit(Range(target, 0, target, 0), block)
    return insert, Edit(Range(start, 0, removed_end, 0), "")


def _move_element(mount: ast.Call, last: ast.AST, context: FixContext) -> tuple[Edit, ...]:
    """Move the mount to the end of its list: as whole lines when every element stands on lines
    of its own, else by reordering the display's elements with libcst."""
    model, lines, newline = context.model, context.lines, context.newline
    display = model.parent(mount)
    assert isinstance(display, (ast.List, ast.Tuple))
    if not all(_own_lines(element, model) for element in display.elts):
        index = next(i for i, element in enumerate(display.elts) if element is mount)

        def reorder(expression: cst.BaseExpression) -> cst.BaseExpression:
            elements = list(expression.elements)  # type: ignore[attr-defined]
            values = [element.value for element in elements]
            values.append(values.pop(index))
            return expression.with_changes(elements=[e.with_changes(value=v) for e, v in zip(elements, values)])

        return (context.rewrite_expression(display, reorder),)
    where, last_at = model.range_of(mount), model.range_of(last)
    start = _with_leading_comments(where.start_line, lines)
    end, column = where.end_line, where.end_column
    block = lines[start : end + 1]
    if not lines[end][column:].lstrip().startswith(","):
        block[-1] = lines[end][:column] + "," + lines[end][column:]
    edits = [Edit(Range(last_at.end_line + 1, 0, last_at.end_line + 1, 0), newline.join(block) + newline)]
    if not lines[last_at.end_line][last_at.end_column :].lstrip().startswith(","):
        edits.append(Edit(Range(last_at.end_line, last_at.end_column, last_at.end_line, last_at.end_column), ","))
    edits.append(Edit(Range(start, 0, end + 1, 0), ""))
    return tuple(edits)
