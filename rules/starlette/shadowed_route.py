from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import HandlerInfo, SemanticModel, argument, keyword
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity

if TYPE_CHECKING:
    import libcst as cst

#: route classes: qualified name -> (kind, whether a GET route also answers HEAD)
ROUTE_CLASSES = {
    "starlette.routing.Route": ("http", True),
    "starlette.routing.WebSocketRoute": ("websocket", False),
    "fastapi.routing.APIRoute": ("http", False),
    "fastapi.routing.APIWebSocketRoute": ("websocket", False),
}

#: Starlette's path convertors: the regular expression each matches, and sample values of it
CONVERTORS = {
    "str": ("[^/]+", ("a", "0")),
    "path": (".*", ("a", "a/b")),
    "int": ("[0-9]+", ("0", "12")),
    "float": (r"[0-9]+(\.[0-9]+)?", ("1.5", "2")),
    "uuid": (
        "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
        ("0b5a8e7c-4f1e-4c8a-9d3f-2a6b7c8d9e0f",),
    ),
}
PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")


@dataclass(frozen=True)
class RouteEntry:
    """One route of an ordered group: where it is declared and what it matches."""

    node: ast.AST  # the route call, or the decorated function
    path_node: ast.Constant
    kind: str  # "http" or "websocket"
    methods: frozenset[str] | None  # None: every method

    @property
    def path(self) -> str:
        return self.path_node.value  # type: ignore[no-any-return]


class ShadowedRoute(Rule):
    """
    ## What it does
    Finds a route that an earlier, more general route of the same group always answers first:
    `Route("/users/{user_id}", ...)` before `Route("/users/me", ...)` in one list of routes, or the
    same with FastAPI (or Starlette) route decorators on one app or router in one module. The
    earlier path must match every URL of the later one (with Starlette's convertors: `{id:int}`
    does not match `me`, so `/users/{id:int}` before `/users/me` is fine), for a method both accept.

    ## Why is this bad?
    Starlette and FastAPI try routes in order and take the first whose path and method match.
    `GET /users/me` goes to the `/users/{user_id}` endpoint with `user_id="me"`; the `/users/me`
    endpoint is never called. In FastAPI the request usually fails validation (`user_id: int`) with
    a 422 error instead of reaching the route written for it.

    ## Example
    ```python
    routes = [
        Route("/users/{username}", user_detail),
        Route("/users/me", current_user),
    ]
    ```

    ## Use instead
    ```python
    routes = [
        Route("/users/me", current_user),  # more specific first
        Route("/users/{username}", user_detail),
    ]
    ```

    ## Fix safety
    Unsafe: the fix moves the shadowed route (with its comments) just before the route that
    shadows it, which changes which endpoint answers those URLs: that is the point, but requests
    that reached the general endpoint until now reach the specific one. Moving a decorated FastAPI
    function also moves its definition, which breaks code that runs between the two functions at
    import time and uses the moved one.
    """

    code = "STA007"
    name = "shadowed-route"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "A route is shadowed by an earlier, more general one and never matches"
    guidelines = (
        Quote("starlette", "Routing and URL Patterns", "Order routes from most specific to least specific to prevent path conflicts"),
    )
    node_types = (ast.List, ast.Tuple, ast.Module)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Move the specific route before the general one"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        groups = decorated_groups(model) if isinstance(node, ast.Module) else [listed_routes(node, model)]  # type: ignore[arg-type]
        for group in groups:
            for later_index, shadowing_index in shadowed_pairs(group):
                later, shadowing = group[later_index], group[shadowing_index]
                methods = _shown_methods(later, shadowing)
                message = (
                    f"route `{later.path}` is never reached{methods}: the earlier route `{shadowing.path}` "
                    f"(line {shadowing.path_node.lineno}) matches its URLs first; put the more specific route first"
                )
                fixable = _movable(later, shadowing, model)
                yield self.diagnostic(later.path_node, model, message, fix=Applicability.UNSAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        model = context.model
        path_node = context.node_at(diagnostic.range, ast.Constant)
        if path_node is None:
            return None
        owner = model.parent(path_node)
        while owner is not None and not isinstance(owner, (ast.List, ast.Tuple, ast.Module)):
            owner = model.parent(owner) if not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) else model.tree
        groups = decorated_groups(model) if isinstance(owner, ast.Module) else [listed_routes(owner, model)] if owner else []  # type: ignore[arg-type]
        for group in groups:
            for later_index, shadowing_index in shadowed_pairs(group):
                later, shadowing = group[later_index], group[shadowing_index]
                if later.path_node is path_node and _movable(later, shadowing, model):
                    return Fix(self.fix_title, Applicability.UNSAFE, _move_before(later, shadowing, context))
        return None


# ---------------------------------------------------------------- groups of ordered routes


def listed_routes(display: ast.List | ast.Tuple, model: SemanticModel) -> list[RouteEntry]:
    """The routes of one list display, in order (other elements are passed over)."""
    entries = []
    for element in display.elts:
        if not isinstance(element, ast.Call):
            continue
        route_class = ROUTE_CLASSES.get(model.qualified_name(element.func) or "")
        path = argument(element, 0, "path")
        if route_class is None or not _is_path(path):
            continue
        kind, adds_head = route_class
        endpoint = argument(element, 1, "endpoint")
        methods = _literal_methods(keyword(element, "methods"), adds_head)
        if keyword(element, "methods") is None and kind == "http":
            # a class endpoint answers every method; a function, GET (and HEAD)
            is_class = endpoint is not None and model.class_def(endpoint) is not None
            methods = None if is_class else frozenset({"GET", "HEAD"} if adds_head else {"GET"})
        elif kind == "websocket":
            methods = None
        if methods is not None and not methods:
            continue  # methods we cannot read
        entries.append(RouteEntry(element, path, kind, methods))  # type: ignore[arg-type]
    return entries


def decorated_groups(model: SemanticModel) -> list[list[RouteEntry]]:
    """Routes registered by decorators, grouped by app or router (and scope), in source order."""
    groups: dict[tuple[int, str], list[RouteEntry]] = {}
    for handler in model.handlers:
        entry = _decorated_entry(handler, model)
        if entry is None:
            continue
        decorator = handler.registration
        receiver = model.segment(decorator.func.value)  # type: ignore[attr-defined]
        groups.setdefault((id(handler.function.outer), receiver), []).append(entry)
    return [sorted(group, key=lambda e: e.node.lineno) for group in groups.values()]  # type: ignore[attr-defined]


def _decorated_entry(handler: HandlerInfo, model: SemanticModel) -> RouteEntry | None:
    if handler.framework not in ("starlette", "fastapi"):
        return None
    decorator = handler.registration
    if not (isinstance(decorator, ast.Call) and decorator in handler.function.node.decorator_list):
        return None
    path = argument(decorator, 0, "path")
    if not _is_path(path):
        return None
    adds_head = handler.framework == "starlette"
    methods = frozenset(handler.methods) | ({"HEAD"} if adds_head and "GET" in handler.methods else set())
    if handler.kind == "http" and not methods:
        return None
    return RouteEntry(handler.function.node, path, handler.kind, methods if handler.kind == "http" else None)  # type: ignore[arg-type]


def _is_path(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("/")


def _literal_methods(node: ast.expr | None, adds_head: bool) -> frozenset[str] | None:
    """The methods of a literal ``methods=[...]`` (empty when unreadable), None when absent."""
    if node is None:
        return None
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return frozenset()
    methods = set()
    for element in node.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return frozenset()
        methods.add(element.value.upper())
    if adds_head and "GET" in methods:
        methods.add("HEAD")
    return frozenset(methods)


# ---------------------------------------------------------------- matching


def shadowed_pairs(group: list[RouteEntry]) -> Iterator[tuple[int, int]]:
    """(index of a shadowed route, index of the first earlier route that shadows it)."""
    for later_index, later in enumerate(group):
        for earlier_index in range(later_index):
            earlier = group[earlier_index]
            if _shadows(earlier, later) and not _shadows(later, earlier):
                yield later_index, earlier_index
                break


def _shadows(earlier: RouteEntry, later: RouteEntry) -> bool:
    """True when ``earlier`` matches every URL of ``later``, for a method both accept."""
    if earlier.kind != later.kind:
        return False
    if earlier.methods is not None and later.methods is not None and not earlier.methods & later.methods:
        return False
    pattern = _compile(earlier.path)
    samples = _sample_urls(later.path)
    return pattern is not None and samples is not None and all(pattern.fullmatch(url) for url in samples)


def _compile(path: str) -> re.Pattern[str] | None:
    """The regular expression Starlette matches a path with (None for an unknown convertor)."""
    regex, position = "", 0
    for match in PARAMETER.finditer(path):
        convertor = CONVERTORS.get(match.group(2) or "str")
        if convertor is None:
            return None
        regex += re.escape(path[position : match.start()]) + f"(?:{convertor[0]})"
        position = match.end()
    return re.compile(regex + re.escape(path[position:]))


def _sample_urls(path: str) -> list[str] | None:
    """URLs the path matches, every combination of sample values of its parameters."""
    literals, choices, position = [], [], 0
    for match in PARAMETER.finditer(path):
        convertor = CONVERTORS.get(match.group(2) or "str")
        if convertor is None:
            return None
        literals.append(path[position : match.start()])
        choices.append(convertor[1])
        position = match.end()
    urls = []
    for values in itertools.product(*choices):
        urls.append("".join(literal + value for literal, value in zip(literals, values)) + path[position:])
    return urls


def _shown_methods(later: RouteEntry, shadowing: RouteEntry) -> str:
    if later.methods is None or shadowing.methods is None:
        return ""
    common = sorted(later.methods & shadowing.methods - {"HEAD"}) or sorted(later.methods & shadowing.methods)
    return " for " + "/".join(common)


# ---------------------------------------------------------------- moving a route


def _movable(later: RouteEntry, shadowing: RouteEntry, model: SemanticModel) -> bool:
    """True when the later route can be moved before the other as whole lines, or within one line."""
    if isinstance(later.node, ast.Call):
        return True  # elements of one list display: libcst reorders them
    return model.parent(later.node) is model.parent(shadowing.node) and _own_lines(later.node, model)


def _own_lines(node: ast.AST, model: SemanticModel) -> bool:
    """True when nothing but the node (and a trailing comma or comment) stands on its lines."""
    start_line, end_line = _first_line(node) - 1, node.end_lineno - 1  # type: ignore[attr-defined]
    before = model.lines[start_line][: _first_column(node)]
    after = model.lines[end_line][node.end_col_offset :].strip()  # type: ignore[attr-defined]
    return not before.strip() and (after in ("", ",") or after.lstrip(",").lstrip().startswith("#"))


def _first_line(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", None) or ()
    return min([node.lineno, *(d.lineno for d in decorators)])  # type: ignore[attr-defined]


def _first_column(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", None) or ()
    return decorators[0].col_offset - 1 if decorators else node.col_offset  # type: ignore[attr-defined]


def _move_before(later: RouteEntry, shadowing: RouteEntry, context: FixContext) -> tuple[Edit, ...]:
    model = context.model
    if isinstance(later.node, ast.Call) and not (_own_lines(later.node, model) and _own_lines(shadowing.node, model)):
        display = model.parent(later.node)
        return (_reorder_elements(display, later.node, shadowing.node, context),)  # type: ignore[arg-type]
    return _move_lines(later.node, shadowing.node, context)


def _reorder_elements(display: ast.List | ast.Tuple, later: ast.AST, shadowing: ast.AST, context: FixContext) -> Edit:
    """Move one element of a display just before another, commas kept in place."""
    later_index = next(i for i, e in enumerate(display.elts) if e is later)
    shadowing_index = next(i for i, e in enumerate(display.elts) if e is shadowing)

    def reorder(expression: cst.BaseExpression) -> cst.BaseExpression:
        elements = list(expression.elements)  # type: ignore[attr-defined]
        values = [element.value for element in elements]
        moved = values.pop(later_index)
        values.insert(shadowing_index, moved)
        return expression.with_changes(elements=[e.with_changes(value=v) for e, v in zip(elements, values)])

    return context.rewrite_expression(display, reorder)


def _move_lines(later: ast.AST, shadowing: ast.AST, context: FixContext) -> tuple[Edit, ...]:
    """Move the lines of ``later`` (with the comment lines right above it) before those of ``shadowing``."""
    lines, newline = context.lines, context.newline
    start = _with_leading_comments(_first_line(later) - 1, lines)
    end = later.end_lineno - 1  # type: ignore[attr-defined]
    target = _with_leading_comments(_first_line(shadowing) - 1, lines)
    block = lines[start : end + 1]
    if isinstance(later, ast.expr):
        # a list element: make sure it ends with a comma once it is no longer last
        tail = lines[end][later.end_col_offset :]  # type: ignore[attr-defined]
        if not tail.lstrip().startswith(","):
            block[-1] = lines[end][: later.end_col_offset] + "," + tail  # type: ignore[attr-defined]
        return (
            Edit(Range(target, 0, target, 0), newline.join(block) + newline),
            Edit(Range(start, 0, end + 1, 0), ""),
        )
    # a statement: it keeps the blank lines that separated it from the one before
    blank_start = start
    while blank_start > 0 and not lines[blank_start - 1].strip():
        blank_start -= 1
    separator = [""] * (start - blank_start)
    return (
        Edit(Range(target, 0, target, 0), newline.join(block + separator) + newline),
        Edit(Range(blank_start, 0, end + 1, 0), ""),
    )


def _with_leading_comments(line: int, lines: list[str]) -> int:
    """The first of the comment lines directly above ``line`` (``line`` itself if there are none)."""
    while line > 0 and lines[line - 1].strip().startswith("#"):
        line -= 1
    return line
