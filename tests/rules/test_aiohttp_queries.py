"""The engine queries the aiohttp pack added: what a module registers on applications, its aiohttp
middlewares, the framework of request code, and whether a statement list may run to its end."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asyncguide.rules.handlers import aiohttp_registrations
from asyncguide.rules.model import SemanticModel


def build(source: str) -> SemanticModel:
    return SemanticModel.build(textwrap.dedent(source))


def function(model: SemanticModel, name: str):
    return next(f for f in model.functions if f.name == name)


MIDDLEWARES = """
    from aiohttp import web
    import aiohttp.web

    @web.middleware
    async def decorated(request, handler):
        return await handler(request)

    @aiohttp.web.middleware
    async def qualified(request, handler):
        return await handler(request)

    async def listed(request, handler):
        return await handler(request)

    async def appended(request, handler):
        return await handler(request)

    async def inserted(request, handler):
        return await handler(request)

    async def on_startup(app):
        pass

    async def unrelated(request, handler):
        return await handler(request)

    app = web.Application(middlewares=[listed])
    app.middlewares.append(appended)
    app.middlewares.insert(0, inserted)
    app.on_startup.append(on_startup)
    app.cleanup_ctx += [unrelated_ctx]
"""


def test_registrations_name_the_list_and_the_registered_expression() -> None:
    model = build(MIDDLEWARES)
    found = [(name, model.segment(value)) for name, value in aiohttp_registrations(model)]
    assert found == [
        ("middlewares", "listed"),
        ("middlewares", "appended"),
        ("middlewares", "inserted"),
        ("on_startup", "on_startup"),
        ("cleanup_ctx", "unrelated_ctx"),
    ]


def test_aiohttp_middleware_are_decorated_or_registered_functions() -> None:
    model = build(MIDDLEWARES)
    assert [m.function.name for m in model.aiohttp_middleware] == ["decorated", "qualified", "listed", "appended", "inserted"]
    assert all(m.framework == "aiohttp" and m.kind == "aiohttp" for m in model.aiohttp_middleware)
    assert isinstance(model.aiohttp_middleware_of(function(model, "decorated")).registration, ast.Attribute)
    assert model.segment(model.aiohttp_middleware_of(function(model, "appended")).registration) == "appended"
    assert model.aiohttp_middleware_of(function(model, "unrelated")) is None
    assert model.aiohttp_middleware_of(function(model, "on_startup")) is None


def test_without_aiohttp_there_are_no_aiohttp_middleware() -> None:
    model = build(MIDDLEWARES.replace("from aiohttp import web\n    import aiohttp.web\n", "from shop import web, aiohttp\n"))
    assert model.aiohttp_middleware == []


def test_request_framework_covers_handlers_and_aiohttp_middleware() -> None:
    model = build(
        MIDDLEWARES
        + """
    async def index(request):
        return web.Response()

    app.router.add_get("/", index)
    """
    )
    assert model.request_framework(function(model, "index")) == "aiohttp"
    assert model.request_framework(function(model, "listed")) == "aiohttp"
    assert model.request_framework(function(model, "unrelated")) is None
    assert model.request_framework(None) is None
    call = next(c for c in model.nodes(ast.Call) if model.segment(c) == "handler(request)")
    assert model.context_label(call) == "aiohttp middleware `decorated`"


@pytest.mark.parametrize(
    ("body", "completes"),
    [
        ("pass", True),
        ("return 1", False),
        ("raise E", False),
        ("x = 1\nreturn x", False),
        ("if c:\n    return 1", True),
        ("if c:\n    return 1\nelse:\n    raise E", False),
        ("if True:\n    return 1", False),
        ("if False:\n    pass\nelse:\n    return 1", False),
        ("while True:\n    return 1", False),
        ("while True:\n    if c:\n        break", True),
        ("while True:\n    for x in xs:\n        break", False),
        ("while c:\n    return 1", True),
        ("while c:\n    pass\nelse:\n    return 1", False),
        ("for x in xs:\n    return x", True),
        ("for x in xs:\n    pass\nelse:\n    return 1", False),
        ("for x in xs:\n    break\nelse:\n    return 1", True),
        ("try:\n    return 1\nexcept E:\n    pass", True),
        ("try:\n    return 1\nexcept E:\n    raise", False),
        ("try:\n    x = 1\nexcept E:\n    return 2\nelse:\n    return x", False),
        ("try:\n    x = 1\nfinally:\n    return 2", False),
        ("try:\n    return 1\nfinally:\n    cleanup()", False),
        ("with lock:\n    return 1", False),
        ("with contextlib.suppress(E):\n    return 1", True),
        ("match x:\n    case 1:\n        return 1", True),
        ("match x:\n    case 1:\n        return 1\n    case _:\n        return 2", False),
        ("match x:\n    case 1:\n        return 1\n    case other if other:\n        return 2", True),
        ("match x:\n    case 1 | _:\n        return 1", False),
        ("assert False", False),
        ("assert x", True),
        ("sys.exit(1)", False),
        ("stop()", False),
        ("await stop_later()", False),
        ("never()", False),
        ("helper()", True),
        ("recursive()", True),
        ("self.abstract()", True),
    ],
)
def test_may_complete(body: str, completes: bool) -> None:
    source = textwrap.dedent(
        """
        import contextlib, sys
        from typing import NoReturn

        def stop():
            raise SystemExit(1)

        async def stop_later():
            raise SystemExit(1)

        def never() -> NoReturn:
            helper()

        def helper():
            if c:
                raise E

        def recursive():
            recursive()

        class Base:
            def abstract(self):
                raise NotImplementedError

            async def target(self):
        """
    ) + textwrap.indent(body, " " * 8)
    model = build(source)
    assert model.may_complete(function(model, "target").node.body) is completes
