from __future__ import annotations

import ast
import sys
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import injected_by_fastapi, takes_request
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from .unawaited_coroutine import coroutine_callee

#: the parameters of an ASGI application, which must be a coroutine function
_ASGI_PARAMETERS = ("scope", "receive", "send")
#: first parameters of request handlers, error handlers and middlewares of the five frameworks,
#: which are often registered in another module (a `views.py` routed from `app.py`)
_HANDLER_FIRST_PARAMETERS = frozenset({"request", "req", "websocket", "ws"})
#: first parameter of application lifecycle hooks (aiohttp signals, Sanic listeners), counted in
#: modules that import a web framework
_APP_PARAMETER = "app"
_WEB_FRAMEWORKS = ("starlette", "aiohttp", "sanic", "tornado")


class AsyncWithoutAwait(Rule):
    """
    ## What it does
    Finds `async def` functions that never use `await`, `async for`, `async with` or an async
    comprehension, and are not async generators.

    It leaves alone the functions that must be coroutine functions whatever their body does:
    request handlers of the five frameworks, decorated functions (routes, fixtures, callbacks a
    decorator registers), methods of classes with base classes or a metaclass (an override cannot
    choose, and neither can a method that local subclasses override), dunder methods
    (`__aenter__`, `__aexit__`, `__anext__`, an ASGI app's `__call__`), methods another class of
    the module also defines as an `async def` that awaits (a duck-typed interface), ASGI applications
    `(scope, receive, send)`, stubs (`pass`, `...`, a docstring, `raise NotImplementedError`),
    functions the module passes somewhere as a value (`app.on_startup.append(f)`,
    `add_event_handler("startup", f)`, `lifespan=f`, `exception_handlers={404: f}`), and functions
    with a framework callback's signature, which another module may register: a first parameter
    `request`, `req`, `websocket` or `ws`, or one annotated as a framework's request or WebSocket
    (`async def healthcheck(_: web.Request)`: views, error handlers, middlewares, which aiohttp and
    the others require to be coroutine functions), or `app` in a module that imports a web framework
    (startup and shutdown hooks), and FastAPI dependencies, which declare a parameter with
    `Depends()`, `Query()`, `Header()`… (as a plain `def`, FastAPI would run them in a thread pool). Tests are left alone too: functions
    and methods named `test…` and the async hooks of `unittest.IsolatedAsyncioTestCase`
    (`asyncSetUp`, `asyncTearDown`), which test runners call as coroutines so that they run inside
    an event loop even when they await nothing.

    When the function returns the result of a call that makes a coroutine (`return fetch(url)`
    for an `async def fetch`), the message says the `await` is missing rather than advising a plain
    `def`; when the returned call is not known (`return coll.find(query).to_list()`), it says both.

    ## Why is this bad?
    Such a coroutine never gives the event loop a chance to run anything else: it runs from start
    to end like a plain function, yet every caller must `await` it, and each call allocates a
    coroutine object. Often it is a mistake: the `await` was forgotten on a call inside (which then
    never runs), or blocking work hides in a body that looks async.

    ## Example
    ```python
    async def parse_settings(raw: dict) -> Settings:
        return Settings(**raw)
    ```

    ## Use instead
    ```python
    def parse_settings(raw: dict) -> Settings:
        return Settings(**raw)
    ```

    ## Fix safety
    No fix: making the function a plain `def` means removing the `await` at every call site, some
    of which may be in other modules.
    """

    code = "ASY121"
    name = "async-without-await"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "`async def` that never awaits: make it a plain function"
    guidelines = (
        Quote("asyncio", "Coroutine Design", "Use proper async/await syntax"),
        Quote("asyncio", "Coroutine Design", "Implement effective coroutine functions"),
    )
    node_types = (ast.AsyncFunctionDef,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.AsyncFunctionDef)
        function = model.function_info(node)
        if function is None or function.awaits or function.yields or function.handler is not None:
            return
        if node.decorator_list or _is_dunder(node.name) or _is_stub(node) or _is_asgi_app(function):
            return
        if node.name.startswith("test") or node.name in _ASYNC_TEST_HOOKS:
            return
        if _looks_like_framework_callback(function, model):
            return
        if function.class_info is not None and _must_stay_async(function, model):
            return
        if _passed_as_value(function, model):
            return
        yield Diagnostic(self.code, _message(function, model), model.header_range(node), self.severity)


def _message(function: FunctionInfo, model: SemanticModel) -> str:
    """The advice: a plain ``def``, unless what the function returns may be the awaitable it forgot to await."""
    never = f"`async def {function.qualname}` never uses `await`, `async for` or `async with`"
    returned = [r.value for r in model.nodes_in(function, ast.Return) if isinstance(r, ast.Return) and isinstance(r.value, ast.Call)]
    for call in returned:
        callee = coroutine_callee(call, model)  # type: ignore[arg-type]
        if callee is not None:
            return (
                f"{never}, and returns `{callee}(...)` without awaiting it: its callers get a coroutine, not its "
                f"result; write `return await {model.segment(call.func)}(...)`"  # type: ignore[union-attr]
            )
    unknown = [c for c in returned if not _plainly_sync(model.qualified_name(c.func))]  # type: ignore[union-attr]
    if unknown:
        shown = model.segment(unknown[0].func)  # type: ignore[union-attr]
        shown = shown if len(shown) <= 40 and "\n" not in shown else "the returned call"
        return (
            f"{never}: if `{shown}(...)` returns an awaitable (a coroutine or a future), the `await` is "
            "missing and its callers get the awaitable, not its result; otherwise make it a plain `def` "
            "(and drop the `await` where it is called)"
        )
    return (
        f"{never}, so it never lets the event loop run anything else; make it a plain `def` (and drop the "
        "`await` where it is called)"
    )


def _plainly_sync(name: str | None) -> bool:
    """A callee of the standard library (``builtins.dict``, ``re.compile.findall``), whose result is
    no awaitable unless asyncio's."""
    module = (name or "").split(".")[0]
    return module in _STANDARD_LIBRARY and module != "asyncio"


_STANDARD_LIBRARY = frozenset(sys.stdlib_module_names)

#: the coroutine hooks of unittest.IsolatedAsyncioTestCase, which the runner awaits
_ASYNC_TEST_HOOKS = frozenset({"asyncSetUp", "asyncTearDown"})


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _is_stub(node: ast.AsyncFunctionDef) -> bool:
    """True for a body of only ``pass``, ``...``, a docstring or ``raise NotImplementedError``."""
    for statement in node.body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            if statement.value.value is Ellipsis or isinstance(statement.value.value, str):
                continue
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                continue
        return False
    return True


def _parameters(function: FunctionInfo) -> list[str]:
    """The positional parameters' names, a method's ``self`` left out."""
    arguments = function.node.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    return names[1:] if function.class_info is not None else names


def _is_asgi_app(function: FunctionInfo) -> bool:
    return tuple(_parameters(function)) == _ASGI_PARAMETERS


def _looks_like_framework_callback(function: FunctionInfo, model: SemanticModel) -> bool:
    """``async def view(request)``, ``async def on_startup(app)``: the signature of a handler or
    hook that a framework awaits, registered where this module cannot see."""
    if injected_by_fastapi(function, model):
        return True  # FastAPI would run it in a thread pool if it were a plain `def`
    names = _parameters(function)
    if not names:
        return False
    if names[0] in _HANDLER_FIRST_PARAMETERS or takes_request(function, model):
        return True
    return names[0] == _APP_PARAMETER and any(model.uses(framework) for framework in _WEB_FRAMEWORKS)


def _must_stay_async(method: FunctionInfo, model: SemanticModel) -> bool:
    """True when the method overrides one, or may: its class has a base class or a metaclass from
    elsewhere, a local base class defines it, a local subclass overrides it, or another class of the
    module defines a coroutine method of the same name that awaits."""
    class_info = method.class_info
    assert class_info is not None
    if class_info.node.keywords:
        return True
    for base in model.base_classes(class_info):
        if isinstance(base, str):
            if base != "builtins.object":
                return True
        elif method.name in base.methods:
            return True
    for other in model.classes:
        namesake = other.methods.get(method.name) if other is not class_info else None
        if namesake is None:
            continue
        # A subclass overrides it, or another class implements the same name as a coroutine that
        # awaits (a duck-typed interface whose callers await whichever implementation they get).
        if (namesake.is_async and namesake.awaits) or any(base is class_info for base in model.base_classes(other)):
            return True
    return False


def _passed_as_value(function: FunctionInfo, model: SemanticModel) -> bool:
    """True when the module refers to the function other than by calling it: it is handed to
    something (a callback list, a registration call, a keyword argument) that will await it."""
    if function.class_info is None:
        bindings = function.outer.bindings.get(function.name, [])
        return any(
            not _is_called(name, model)
            for binding in bindings
            if binding.definition is function
            for name in model.references(binding)
        )
    # A method is referred to through an instance (`self.on_message`, `handler.run`): any such
    # attribute counts, since the instance's class is rarely known.
    return any(
        isinstance(attribute.ctx, ast.Load) and not _is_called(attribute, model)
        for attribute in model.attributes_named(function.name)
    )


def _is_called(expr: ast.expr, model: SemanticModel) -> bool:
    parent = model.parent(expr)
    return isinstance(parent, ast.Call) and parent.func is expr


