from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..handlers import MIDDLEWARE_WRAPPERS
from ..model import SemanticModel, keyword
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity, callees_of
from ..frameworks.starlette import display

#: what takes a `middleware=` list of `Middleware(...)` entries
TAKES_MIDDLEWARE = frozenset(
    {
        "starlette.applications.Starlette",
        "starlette.Starlette",
        "starlette.routing.Route",
        "starlette.routing.WebSocketRoute",
        "starlette.routing.Mount",
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
    }
)
MIDDLEWARE_MODULES = ("starlette.middleware.", "fastapi.middleware.")


class UnwrappedMiddleware(Rule):
    """
    ## What it does
    Finds an entry of a `middleware=[...]` list (of `Starlette`, `FastAPI`, `Route` or `Mount`)
    that is a middleware class or instance instead of `Middleware(cls, **options)`:
    `middleware=[GZipMiddleware]`, `middleware=[CORSMiddleware(app, allow_origins=...)]`.

    ## Why is this bad?
    Starlette builds the stack by unpacking each entry as `cls, args, kwargs`; a bare class or
    an instance cannot be unpacked, so the first request fails with
    `TypeError: cannot unpack non-iterable ... object` and the application serves nothing.
    `Middleware(...)` also keeps the options next to the class, in the order the stack is built.

    ## Example
    ```python
    app = Starlette(routes=routes, middleware=[GZipMiddleware])
    ```

    ## Use instead
    ```python
    app = Starlette(routes=routes, middleware=[Middleware(GZipMiddleware, minimum_size=1000)])
    ```

    ## Fix safety
    Safe for a bare class: the fix wraps it as `Middleware(cls)`, which is what Starlette
    expects. An instance gets no fix: its first argument is an application the list must not
    receive.
    """

    code = "STA034"
    name = "unwrapped-middleware"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`middleware=[SomeMiddleware]` without `Middleware(...)` fails on the first request"
    guidelines = (
        Quote("starlette", "Middleware Implementation and Ordering", "Use `Middleware` wrapper for cleaner configuration in application setup"),
    )
    node_types = (ast.Call,)
    callees = callees_of(TAKES_MIDDLEWARE)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Wrap the class in `Middleware(...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in TAKES_MIDDLEWARE:
            return
        listed = display(keyword(node, "middleware"), model)
        if not isinstance(listed, (ast.List, ast.Tuple)):
            return
        for entry in listed.elts:
            if isinstance(entry, ast.Call):
                if model.qualified_name(entry.func) in MIDDLEWARE_WRAPPERS or not _is_middleware_class(entry.func, model):
                    continue
                shown = model.segment(entry.func)
                message = (
                    f"`{shown}(...)` is a middleware instance in a `middleware=` list, which Starlette unpacks as "
                    f"`Middleware` entries (`TypeError` on the first request); write `Middleware({shown}, ...)` with its options"
                )
                yield self.diagnostic(entry, model, message)
            elif isinstance(entry, (ast.Name, ast.Attribute)) and _is_middleware_class(entry, model):
                shown = model.segment(entry)
                message = (
                    f"`{shown}` is a bare class in a `middleware=` list, which Starlette unpacks as `Middleware` entries "
                    f"(`TypeError` on the first request); write `Middleware({shown})`"
                )
                yield self.diagnostic(entry, model, message, fix=Applicability.SAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        entry = context.node_at(diagnostic.range, ast.Name, ast.Attribute)
        if entry is None:
            return None
        wrapper, import_edit = context.import_name("starlette.middleware", "Middleware")
        edits = [context.replace(entry, f"{wrapper}({context.text(entry)})")]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(self.fix_title, Applicability.SAFE, tuple(edits))


def _is_middleware_class(expr: ast.expr, model: SemanticModel) -> bool:
    """A class of this module, a class from Starlette's or FastAPI's middleware modules, or an
    imported name ending in `Middleware`."""
    if model.class_def(expr) is not None:
        return True
    name = model.qualified_name(expr)
    if name is None or name in MIDDLEWARE_WRAPPERS:
        return False
    return name.startswith(MIDDLEWARE_MODULES) or name.rsplit(".", 1)[-1].endswith("Middleware")
