"""The context code runs in: on the event loop or not (async context, a notebook's cells), which
web framework calls a function (its handlers, middleware, callbacks, as ``rules/handlers.py`` finds
them) and which release of it the project uses, and how messages name where a node stands.

The answers depend on what the model is told after its walk (``notebook``, ``versions``) and on
``rules/handlers.py``, which asks the whole model; so, unlike the other parts, these questions take
the model as an argument (a part keeps no reference to its model: see ``SemanticModel.__init__``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..handlers import find_aiohttp_middleware, find_callbacks, find_middleware
from .roles import FRAMEWORK_MODULES, CallbackInfo, HandlerInfo, MiddlewareInfo
from .scopes import FunctionInfo, Scope
from .walk import enclosing_function

if TYPE_CHECKING:
    from ..model import SemanticModel


class Context:
    def __init__(self) -> None:
        #: id(scope) -> whether code in it runs in an async context (``in_async_context``)
        self._async_scopes: dict[int, bool] = {}
        #: distribution -> its release, as asked of ``model.versions`` (``framework_version``)
        self._framework_versions: dict[str, tuple[int, ...] | None] = {}
        # what ``rules/handlers.py`` finds besides handlers, found on first use
        self._middleware: list[MiddlewareInfo] | None = None
        self._aiohttp_middleware: list[MiddlewareInfo] | None = None
        self._callbacks: list[CallbackInfo] | None = None

    # ---------------------------------------------------------------- the event loop

    def in_async_context(self, node: ast.AST) -> bool:
        """True inside an ``async def`` body; a nested ``def``, ``lambda`` or class body is not."""
        # Every rule on calls asks this for every call: answer each scope once.
        scope: Scope | None = node._ag_scope  # type: ignore[attr-defined]
        key = id(scope)
        answer = self._async_scopes.get(key)
        if answer is None:
            while scope is not None and scope.kind == "comprehension":
                scope = scope.parent
            answer = self._async_scopes[key] = (
                scope is not None and scope.kind == "function" and scope.function.is_async  # type: ignore[union-attr]
            )
        return answer

    def in_running_loop(self, model: SemanticModel, node: ast.AST) -> bool:
        """True where an event loop is running and ``await`` may stand: in an async context, and at
        the top level of a notebook's cells (IPython runs them in the kernel's loop). Rules whose
        remedy is ``await``/``async with`` ask this; rules on blocking calls keep to
        ``in_async_context``: a cell that blocks holds up only the notebook's own code."""
        if self.in_async_context(node):
            return True
        if not model.notebook:
            return False
        scope: Scope | None = node._ag_scope  # type: ignore[attr-defined]
        while scope is not None and scope.kind == "comprehension":
            scope = scope.parent
        return scope is model.module_scope

    # ---------------------------------------------------------------- frameworks

    def uses(self, model: SemanticModel, framework: str) -> bool:
        """True when the module imports the framework (``"starlette"`` includes FastAPI)."""
        return any(root in model.imported_modules for root in FRAMEWORK_MODULES[framework])

    def frameworks(self, model: SemanticModel) -> frozenset[str]:
        return frozenset(name for name in FRAMEWORK_MODULES if self.uses(model, name))

    def framework_version(self, model: SemanticModel, distribution: str) -> tuple[int, ...] | None:
        """The release of a distribution (``"starlette"``) the linted project uses, ``(0, 37, 2)``,
        as ``versions.FrameworkVersions`` reads it from the project's lock files, requirements or
        environment; None when unknown, which rules read as the newest release.

        Asked once per distribution and model (one lint): rules ask per node, and each
        ``versions.version`` call stats the project's files to notice changes; the next lint
        notices them."""
        if model.versions is None:
            return None
        asked = self._framework_versions
        if distribution not in asked:
            asked[distribution] = model.versions.version(distribution)
        return asked[distribution]

    @staticmethod
    def handler(function: FunctionInfo | None) -> HandlerInfo | None:
        return function.handler if function else None

    def middleware(self, model: SemanticModel) -> list[MiddlewareInfo]:
        """The Starlette/FastAPI HTTP middleware this module defines or registers, found on first use
        (``handlers.find_middleware``)."""
        if self._middleware is None:
            self._middleware = find_middleware(model)
        return self._middleware

    def middleware_of(self, model: SemanticModel, function: FunctionInfo | None) -> MiddlewareInfo | None:
        """The middleware whose request-handling function (``dispatch``, ``__call__``, the function
        under ``@app.middleware("http")`` or passed as ``dispatch=``) is ``function``."""
        if function is None:
            return None
        return next((m for m in self.middleware(model) if m.function is function), None)

    def aiohttp_middleware(self, model: SemanticModel) -> list[MiddlewareInfo]:
        """The aiohttp middlewares of this module, found on first use (``handlers.find_aiohttp_middleware``):
        functions under ``@web.middleware`` or registered on an application's ``middlewares``."""
        if self._aiohttp_middleware is None:
            self._aiohttp_middleware = find_aiohttp_middleware(model)
        return self._aiohttp_middleware

    def aiohttp_middleware_of(self, model: SemanticModel, function: FunctionInfo | None) -> MiddlewareInfo | None:
        """The aiohttp middleware whose function is ``function``."""
        if function is None:
            return None
        return next((m for m in self.aiohttp_middleware(model) if m.function is function), None)

    def request_framework(self, model: SemanticModel, function: FunctionInfo | None) -> str | None:
        """The framework that runs ``function`` for each request it serves, as its handler or as an
        aiohttp middleware: where framework-specific advice applies; else None."""
        if function is None:
            return None
        if function.handler is not None:
            return function.handler.framework
        return "aiohttp" if self.aiohttp_middleware_of(model, function) is not None else None

    def callbacks(self, model: SemanticModel) -> list[CallbackInfo]:
        """The functions this module registers for a framework to call besides request handlers
        (Sanic listeners, middleware and exception handlers), found on first use
        (``handlers.find_callbacks``)."""
        if self._callbacks is None:
            self._callbacks = find_callbacks(model)
        return self._callbacks

    def callback_of(self, model: SemanticModel, function: FunctionInfo | None) -> CallbackInfo | None:
        """The callback registration of ``function`` (``callbacks``), if it has one."""
        if function is None:
            return None
        return next((c for c in self.callbacks(model) if c.function is function), None)

    def calling_framework(self, model: SemanticModel, function: FunctionInfo | None) -> str | None:
        """The framework that runs ``function``: for each request (``request_framework``), or as one
        of its callbacks (a Sanic listener at start-up, ``callback_of``); where framework-specific
        advice applies. None for other functions."""
        framework = self.request_framework(model, function)
        if framework is None:
            callback = self.callback_of(model, function)
            framework = callback.framework if callback is not None else None
        return framework

    def context_label(self, model: SemanticModel, node: ast.AST) -> str:
        """Where ``node`` stands, for messages: "Sanic handler `get_user`", "coroutine `fetch`"."""
        function = enclosing_function(node)
        if function is None:
            return "a notebook cell" if model.notebook else "module level"
        if function.handler is not None:
            return f"{function.handler.title} handler `{function.qualname}`"
        if self.aiohttp_middleware_of(model, function) is not None:
            return f"aiohttp middleware `{function.qualname}`"
        callback = self.callback_of(model, function)
        if callback is not None:
            return f"{callback.title} {callback.kind} `{function.qualname}`"
        return f"{'coroutine' if function.is_async else 'function'} `{function.qualname}`"
