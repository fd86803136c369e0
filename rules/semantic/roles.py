"""The roles a web framework gives a module's functions, as ``rules/handlers.py`` finds them:
request handlers, middleware, and the callbacks a framework runs at other times. Plain data;
``context.Context`` answers the questions about them."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .scopes import ClassInfo, FunctionInfo

#: framework name -> the top-level modules whose import means a module uses it
FRAMEWORK_MODULES: dict[str, tuple[str, ...]] = {
    "asyncio": ("asyncio",),
    "starlette": ("starlette", "fastapi"),
    "fastapi": ("fastapi",),
    "aiohttp": ("aiohttp", "aiohttp_cors"),
    "sanic": ("sanic", "sanic_ext"),
    "tornado": ("tornado",),
}

FRAMEWORK_TITLES: dict[str, str] = {
    "asyncio": "asyncio",
    "starlette": "Starlette",
    "fastapi": "FastAPI",
    "aiohttp": "aiohttp",
    "sanic": "Sanic",
    "tornado": "Tornado",
}


@dataclass(eq=False)
class HandlerInfo:
    """A request handler of a web framework, and how it was registered."""

    framework: str  # "starlette", "fastapi", "aiohttp", "sanic" or "tornado"
    function: FunctionInfo
    kind: str  # "http" or "websocket"
    registration: ast.AST  # the decorator, route call or class that makes it a handler
    path: str | None = None
    methods: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return FRAMEWORK_TITLES[self.framework]


@dataclass(eq=False)
class MiddlewareInfo:
    """A Starlette/FastAPI HTTP middleware (or an aiohttp one) of a module, and where it is declared."""

    #: "base-http": ``BaseHTTPMiddleware`` style, ``(request, call_next)``; "asgi": pure ASGI, ``(scope, receive, send)``;
    #: "aiohttp": an aiohttp middleware (``SemanticModel.aiohttp_middleware``)
    kind: str
    framework: str  # "starlette", "fastapi" or "aiohttp"
    #: the class, the ``@app.middleware("http")`` decorator, or the call that passes ``dispatch=``
    registration: ast.AST
    #: the function that handles each request (``dispatch``, ``__call__``, the decorated or passed
    #: function), when this module defines it
    function: FunctionInfo | None
    class_info: ClassInfo | None = None


@dataclass(eq=False)
class CallbackInfo:
    """A function of the module that a framework calls besides its request handlers
    (``SemanticModel.callbacks``): a Sanic listener, middleware or exception handler."""

    framework: str  # "sanic"
    kind: str  # "listener", "middleware" or "exception handler"
    function: FunctionInfo
    #: the decorator or registering call; for an ``ErrorHandler`` subclass's method, the class
    registration: ast.AST
    #: a listener's event or a middleware's attach point, as the module spells it, when it does
    event: str | None = None

    @property
    def title(self) -> str:
        return FRAMEWORK_TITLES[self.framework]
