"""The engine queries the Starlette pack added: statement order, middleware, connection parameters,
middleware options, application objects, and appending a keyword argument in a fix."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asyncguide.rules.fixes import FixContext, apply_edits
from asyncguide.rules.handlers import application_framework, configured_middleware, connection_parameter
from asyncguide.rules.model import SemanticModel


def build(source: str) -> SemanticModel:
    return SemanticModel.build(textwrap.dedent(source))


def call_named(model: SemanticModel, text: str) -> ast.Call:
    return next(c for c in model.nodes(ast.Call) if model.segment(c).startswith(text))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("first()\nthen()", True),
        ("then()\nfirst()", False),
        ("if c:\n    first()\nthen()", False),
        ("if c:\n    first()\nelse:\n    return\nthen()", True),
        ("if c:\n    raise E\nelse:\n    first()\nthen()", True),
        ("for x in xs:\n    first()\nthen()", False),
        ("for x in first():\n    then()", True),
        ("while True:\n    first()\n    then()", True),
        ("try:\n    first()\nexcept E:\n    pass\nthen()", True),
        ("try:\n    pass\nexcept E:\n    first()\nthen()", False),
        ("with first():\n    then()", True),
        ("x = a or first()\nthen()", False),
        ("first()\nif c:\n    for y in ys:\n        then()", True),
        ("def inner():\n    first()\nthen()", False),
    ],
)
def test_always_before_follows_structured_control_flow(body: str, expected: bool) -> None:
    model = build("def f():\n" + textwrap.indent(body, "    ") + "\n")
    assert model.always_before(call_named(model, "first"), call_named(model, "then")) is expected


def test_nodes_in_leaves_out_nested_functions() -> None:
    model = build(
        """
        def outer():
            a()
            def inner():
                b()
            return [c() for _ in x]
        """
    )
    outer = model.functions[0]
    assert [model.segment(call) for call in model.nodes_in(outer, ast.Call)] == ["a()", "c()"]


def test_middleware_of_every_kind() -> None:
    model = build(
        """
        from fastapi import FastAPI
        from starlette.middleware import Middleware
        from starlette.middleware.base import BaseHTTPMiddleware

        app = FastAPI()

        class Timing(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next): ...

        class Pure:
            def __init__(self, app):
                self.app = app
            async def __call__(self, scope, receive, send): ...

        class NotMiddleware:
            async def __call__(self, scope, receive, send): ...

        @app.middleware("http")
        async def decorated(request, call_next): ...

        async def passed(request, call_next): ...

        stack = [Middleware(BaseHTTPMiddleware, dispatch=passed)]
        """
    )
    found = [(m.kind, m.function.qualname if m.function else None) for m in model.middleware]
    assert found == [
        ("base-http", "Timing.dispatch"),
        ("asgi", "Pure.__call__"),
        ("base-http", "decorated"),
        ("base-http", "passed"),
    ]
    assert model.middleware_of(model.functions[-1]).kind == "base-http"  # type: ignore[union-attr]


def test_no_middleware_without_starlette() -> None:
    model = build("class Pure:\n    def __init__(self, app): ...\n    async def __call__(self, scope, receive, send): ...\n")
    assert model.middleware == []


def test_connection_parameter_by_framework() -> None:
    model = build(
        """
        from fastapi import FastAPI, Request
        from starlette.endpoints import HTTPEndpoint
        from starlette.routing import Route

        app = FastAPI()

        async def plain(request): ...

        class Users(HTTPEndpoint):
            async def get(self, request): ...

        @app.get("/a")
        async def annotated(item_id: int, request: Request): ...

        @app.get("/b")
        async def injected(request): ...

        routes = [Route("/", plain), Route("/users", Users)]
        """
    )
    parameters = {f.qualname: connection_parameter(model, f) for f in model.functions}
    assert {name: p.arg if p else None for name, p in parameters.items()} == {
        "plain": "request",
        "Users.get": "request",
        "annotated": "request",
        "injected": None,  # FastAPI would treat an unannotated `request` as a query parameter
    }


def test_configured_middleware_in_its_three_forms() -> None:
    model = build(
        """
        from starlette.middleware import Middleware
        from starlette.middleware.sessions import SessionMiddleware
        Middleware(SessionMiddleware, "k1")
        app.add_middleware(SessionMiddleware, "k2")
        SessionMiddleware(app, "k3")
        """
    )
    for key in ("k1", "k2", "k3"):
        call = next(c for c in model.nodes(ast.Call) if f'"{key}"' in model.segment(c))
        assert configured_middleware(model, call) == "starlette.middleware.sessions.SessionMiddleware"  # type: ignore[arg-type]
        assert call.args[1].value == key  # type: ignore[attr-defined]


def test_application_framework_sees_routers_of_apps() -> None:
    model = build("from fastapi import FastAPI\nfrom starlette.applications import Starlette\napi = FastAPI()\nsite = Starlette()\napi.router\nsite\nother\n")
    expressions = [statement.value for statement in model.tree.body[4:]]  # type: ignore[attr-defined]
    assert [application_framework(model, e) for e in expressions] == ["fastapi", "starlette", None]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("f(a, b)\n", "f(a, b, flag=True)\n"),
        ("f()\n", "f(flag=True)\n"),
        ("f(a, b,)\n", "f(a, b, flag=True,)\n"),
        ("f(\n    a,\n    b=1,  # note\n)\n", "f(\n    a,\n    b=1,  # note\n    flag=True,\n)\n"),
        ("f(\n    a,\n    b\n)\n", "f(\n    a,\n    b,\n    flag=True\n)\n"),
        ("f(a, b  # c\n)\n", "f(a, b, flag=True  # c\n)\n"),
    ],
)
def test_add_keyword_argument_keeps_the_layout(source: str, expected: str) -> None:
    context = FixContext(source)
    call = context.model.nodes(ast.Call)[0]
    assert apply_edits(source, [context.add_keyword_argument(call, "flag", "True")]) == expected  # type: ignore[arg-type]
