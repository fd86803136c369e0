from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import application_framework
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.starlette import starlette_1

#: classes that take ``on_startup``/``on_shutdown`` -> their framework
APPLICATION_CLASSES = {
    "starlette.applications.Starlette": "starlette",
    "starlette.Starlette": "starlette",
    "starlette.routing.Router": "starlette",
    "fastapi.FastAPI": "fastapi",
    "fastapi.applications.FastAPI": "fastapi",
    "fastapi.APIRouter": "fastapi",
    "fastapi.routing.APIRouter": "fastapi",
}
EVENT_KEYWORDS = ("on_startup", "on_shutdown")
EVENTS = ("startup", "shutdown")
EVENT_METHODS = ("on_event", "add_event_handler")
FASTAPI_APPS = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})


class StartupShutdownEvents(Rule):
    """
    ## What it does
    Finds start-up and shutdown hooks registered the deprecated way: `on_startup=` /
    `on_shutdown=` given to `Starlette(...)`, `Router(...)`, `FastAPI(...)` or `APIRouter(...)`,
    `app.add_event_handler("startup", ...)`, and `@app.on_event("startup")` /
    `@app.on_event("shutdown")`.

    ## Why is this bad?
    Starlette deprecated these hooks in favour of a lifespan context manager and removed them in
    Starlette 1.0, where the code above fails (`TypeError` for the keywords, `AttributeError` for
    the methods). FastAPI still runs them through its own router but has deprecated them too. A
    lifespan is also the better shape: set-up and tear-down of a resource sit together around one
    `yield`, the tear-down runs only if the set-up succeeded, and what it creates can go into the
    lifespan state instead of globals.

    The severity follows the Starlette release the project uses (read from its lock files,
    requirements or environment; unknown means the newest): where the code breaks on Starlette 1.0
    or later (`Starlette(on_startup=...)`, `Router(...)`, the methods of a Starlette app, and
    `add_event_handler` on a FastAPI app, which FastAPI does not keep), it is an error; FastAPI's
    own `on_event`, `FastAPI(on_startup=...)` and `APIRouter(...)` still run, deprecated, and so
    does everything on Starlette 0.x: there it is information.

    ## Example
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.on_event("startup")
    async def open_pool():
        app.state.pool = await create_pool(DATABASE_URL)


    @app.on_event("shutdown")
    async def close_pool():
        await app.state.pool.close()
    ```

    ## Use instead
    ```python
    from contextlib import asynccontextmanager

    from fastapi import FastAPI


    @asynccontextmanager
    async def lifespan(app):
        app.state.pool = await create_pool(DATABASE_URL)
        yield
        await app.state.pool.close()


    app = FastAPI(lifespan=lifespan)
    ```

    The same `lifespan=` argument works for `Starlette(...)`.

    ## Fix safety
    There is no automatic fix: turning separate start-up and shutdown functions into one lifespan
    means pairing each set-up with its tear-down, which needs a person.
    """

    code = "STA012"
    name = "startup-shutdown-events"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`on_startup`/`on_shutdown`/`on_event` are removed in Starlette 1.0 (deprecated before); use `lifespan`"
    guidelines = (
        Quote(
            "starlette",
            "Performance Optimization",
            "Use connection pooling for database connections through lifespan handlers",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(APPLICATION_CLASSES, EVENT_METHODS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        framework = APPLICATION_CLASSES.get(model.qualified_name(node.func) or "")
        if framework is not None:
            for keyword in node.keywords:
                if keyword.arg in EVENT_KEYWORDS:
                    # FastAPI and APIRouter take them themselves; Starlette and Router no longer do
                    breaks = framework == "starlette" and starlette_1(model)
                    shown = f"`{keyword.arg}=`"
                    yield self._diagnostic(keyword, model, _message(shown, framework, breaks, "TypeError"), breaks)
            return
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in EVENT_METHODS):
            return
        event = argument(node, 0, "event_type")
        if not (isinstance(event, ast.Constant) and event.value in EVENTS):
            return
        receiver = node.func.value
        if _own_method(receiver, node.func.attr, model):
            return  # the class implements it (FastAPI's APIRouter keeps its own add_event_handler)
        framework = application_framework(model, receiver) or _own_application(receiver, model)
        if framework is None and model.instance_type(receiver) is None and not _is_self(receiver, model):
            framework = "fastapi" if model.uses("fastapi") else "starlette"  # an app imported from elsewhere
        if framework not in ("starlette", "fastapi"):
            return
        parent = model.parent(node)
        decorates = isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and node in parent.decorator_list
        shown = f'`@{model.segment(node.func)}("{event.value}")`' if decorates else f"`{model.segment(node.func)}(\"{event.value}\", ...)`"
        # FastAPI keeps on_event and add_event_handler in its router, but the app itself has only on_event
        fastapi_app = node.func.attr == "add_event_handler" and _is_fastapi_app(receiver, model)
        breaks = (framework == "starlette" or fastapi_app) and starlette_1(model)
        yield self._diagnostic(node, model, _message(shown, framework, breaks, "AttributeError"), breaks)

    def _diagnostic(self, node: ast.AST, model: SemanticModel, message: str, breaks: bool) -> Diagnostic:
        found = self.diagnostic(node, model, message)
        found.severity = Severity.ERROR if breaks else Severity.INFORMATION
        return found


def _message(what: str, framework: str, breaks: bool, error: str) -> str:
    instead = "`FastAPI(lifespan=lifespan)`" if framework == "fastapi" else "`Starlette(lifespan=lifespan)`"
    if breaks and framework == "fastapi":
        status = f"fails with `{error}`: FastAPI apps lost `add_event_handler` in Starlette 1.0 (their `router` keeps it)"
    elif breaks:
        status = f"fails with `{error}`: Starlette 1.0 removed it"
    elif framework == "fastapi":
        status = "is deprecated in FastAPI (Starlette 1.0 removed it; FastAPI keeps it in its own router)"
    else:
        status = "is deprecated, and removed in Starlette 1.0"
    return f"{what} {status}; move start-up and shutdown code into a lifespan context manager, {instead}"


def _is_fastapi_app(receiver: ast.expr, model: SemanticModel) -> bool:
    """True for a ``FastAPI`` application (not its router): an instance, or ``self`` in a subclass."""
    return (model.instance_type(receiver) or _own_application_class(receiver, model)) in FASTAPI_APPS


def _is_self(receiver: ast.expr, model: SemanticModel) -> bool:
    """True for the ``self`` of a method: an instance of the enclosing class, whatever it is."""
    function = model.enclosing_function(receiver)
    if function is None or function.class_info is None or not isinstance(receiver, ast.Name):
        return False
    parameters = [*function.node.args.posonlyargs, *function.node.args.args]
    return bool(parameters) and parameters[0].arg == receiver.id


def _own_method(receiver: ast.expr, method: str, model: SemanticModel) -> bool:
    """True when ``receiver`` is ``self`` and its class (or a base of this module) defines ``method``."""
    if not _is_self(receiver, model):
        return False
    class_info = model.enclosing_function(receiver).class_info  # type: ignore[union-attr]
    return model.find_method(class_info, method) is not None  # type: ignore[arg-type]


def _own_application_class(receiver: ast.expr, model: SemanticModel) -> str | None:
    """The application class the enclosing class derives from, when ``receiver`` is its ``self``."""
    if not _is_self(receiver, model):
        return None
    class_info = model.enclosing_function(receiver).class_info  # type: ignore[union-attr]
    bases = [base for base in model.base_classes(class_info) if isinstance(base, str)]  # type: ignore[arg-type]
    return next((base for base in bases if base in APPLICATION_CLASSES), None)


def _own_application(receiver: ast.expr, model: SemanticModel) -> str | None:
    """The framework of the enclosing class when ``receiver`` is ``self`` in a subclass of an application class."""
    found = _own_application_class(receiver, model)
    return APPLICATION_CLASSES[found] if found is not None else None
