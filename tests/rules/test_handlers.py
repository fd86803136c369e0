"""Request handlers of the five frameworks, however they are registered."""

from __future__ import annotations

import textwrap

from asyncguide.rules.model import SemanticModel


def handlers(source: str) -> dict[str, tuple[str, str, str | None, tuple[str, ...]]]:
    model = SemanticModel.build(textwrap.dedent(source))
    return {h.function.qualname: (h.framework, h.kind, h.path, h.methods) for h in model.handlers}


def test_starlette_routes_endpoints_and_app_methods() -> None:
    found = handlers(
        """
        from starlette.applications import Starlette
        from starlette.routing import Route, WebSocketRoute as WSR
        from starlette.endpoints import HTTPEndpoint, WebSocketEndpoint

        async def home(request): ...
        async def chat(websocket): ...
        async def added(request): ...
        async def helper(request): ...
        class Users(HTTPEndpoint):
            async def get(self, request): ...
            async def helper(self): ...
        class Echo(WebSocketEndpoint):
            async def on_receive(self, websocket, data): ...

        routes = [
            Route("/", home, methods=["GET", "POST"]),
            WSR("/ws", endpoint=chat),
            Route("/users", Users),
        ]
        app = Starlette(routes=routes)
        app.add_route("/added", added)
        """
    )
    assert found["home"] == ("starlette", "http", "/", ("GET", "POST"))
    assert found["chat"] == ("starlette", "websocket", "/ws", ())
    assert found["Users.get"][:2] == ("starlette", "http")
    assert found["Echo.on_receive"][:2] == ("starlette", "websocket")
    assert found["added"] == ("starlette", "http", "/added", ("GET",))
    assert "helper" not in found and "Users.helper" not in found


def test_fastapi_decorators_on_apps_and_routers() -> None:
    found = handlers(
        """
        from fastapi import FastAPI, APIRouter
        app = FastAPI()
        router = APIRouter(prefix="/items")

        @app.get("/")
        async def root(): ...

        @router.post("/{item_id}")
        def create(item_id: int): ...

        @app.websocket("/ws")
        async def ws(websocket): ...

        @app.middleware("http")
        async def timing(request, call_next): ...
        """
    )
    assert found["root"] == ("fastapi", "http", "/", ("GET",))
    assert found["create"] == ("fastapi", "http", "/{item_id}", ("POST",))
    assert found["ws"][:2] == ("fastapi", "websocket")
    assert "timing" not in found


def test_fastapi_app_imported_from_elsewhere_falls_back_to_the_module_framework() -> None:
    found = handlers(
        """
        import fastapi
        from .main import app

        @app.get("/health")
        async def health(): ...
        """
    )
    assert found["health"][:3] == ("fastapi", "http", "/health")


def test_sanic_decorators_blueprints_add_route_and_views() -> None:
    found = handlers(
        """
        from sanic import Sanic, Blueprint
        from sanic.views import HTTPMethodView
        app = Sanic("MyApp")
        bp = Blueprint("users", url_prefix="/users")

        @app.route("/", methods=["GET"])
        async def index(request): ...

        @bp.get("/<user_id:int>")
        async def get_user(request, user_id): ...

        @app.websocket("/feed")
        async def feed(request, ws): ...

        async def added(request): ...
        app.add_route(added, "/added")

        class ItemView(HTTPMethodView):
            async def get(self, request): ...
        app.add_route(ItemView.as_view(), "/items")
        """
    )
    assert found["index"] == ("sanic", "http", "/", ("GET",))
    assert found["get_user"] == ("sanic", "http", "/<user_id:int>", ("GET",))
    assert found["feed"][:2] == ("sanic", "websocket")
    assert found["added"] == ("sanic", "http", "/added", ("GET",))
    assert found["ItemView.get"][:2] == ("sanic", "http")


def test_aiohttp_route_tables_router_calls_route_defs_and_views() -> None:
    found = handlers(
        """
        from aiohttp import web
        routes = web.RouteTableDef()

        @routes.get("/")
        async def index(request): ...

        async def submit(request): ...
        async def anything(request): ...
        async def listed(request): ...

        class Things(web.View):
            async def post(self): ...

        app = web.Application()
        app.router.add_post("/submit", submit)
        app.router.add_route("*", "/any", anything)
        app.add_routes([web.get("/listed", listed), web.view("/things", Things)])
        """
    )
    assert found["index"] == ("aiohttp", "http", "/", ("GET",))
    assert found["submit"][:3] == ("aiohttp", "http", "/submit")
    assert found["anything"][:3] == ("aiohttp", "http", "/any")
    assert found["listed"][:3] == ("aiohttp", "http", "/listed")
    assert found["Things.post"][:2] == ("aiohttp", "http")


def test_tornado_handler_methods_through_local_bases() -> None:
    found = handlers(
        """
        import tornado.web
        import tornado.websocket

        class BaseHandler(tornado.web.RequestHandler):
            def get_current_user(self): ...

        class Page(BaseHandler):
            async def get(self): ...
            def post(self): ...
            def helper(self): ...

        class Socket(tornado.websocket.WebSocketHandler):
            def open(self): ...
            def on_message(self, message): ...
        """
    )
    assert found["Page.get"][:2] == ("tornado", "http")
    assert found["Page.post"][:2] == ("tornado", "http")
    assert found["Socket.on_message"][:2] == ("tornado", "websocket")
    assert "Page.helper" not in found and "BaseHandler.get_current_user" not in found


def test_context_labels_name_the_handler() -> None:
    model = SemanticModel.build(
        textwrap.dedent(
            """
            import time
            from sanic import Sanic
            app = Sanic("A")
            @app.get("/u")
            async def get_user(request):
                time.sleep(1)
            async def plain():
                time.sleep(1)
            """
        )
    )
    import ast

    labels = [model.context_label(c) for c in model.nodes(ast.Call) if model.segment(c) == "time.sleep(1)"]
    assert labels == ["Sanic handler `get_user`", "coroutine `plain`"]


def test_registered_view_classes_answer_each_method_with_its_own_verb() -> None:
    found = handlers(
        """
        from sanic import Sanic
        from sanic.views import HTTPMethodView
        from starlette.endpoints import HTTPEndpoint
        from starlette.routing import Route

        app = Sanic("A")

        class Stock(HTTPMethodView):
            async def get(self, request): ...
            async def post(self, request): ...
            async def delete(self, request): ...

        class Users(HTTPEndpoint):
            async def put(self, request): ...

        async def listing(request): ...

        app.add_route(Stock.as_view(), "/stock")
        app.add_route(listing, "/listing", methods=["GET", "POST"])
        routes = [Route("/users", Users)]
        """
    )
    assert found["Stock.get"] == ("sanic", "http", "/stock", ("GET",))
    assert found["Stock.post"] == ("sanic", "http", "/stock", ("POST",))
    assert found["Stock.delete"] == ("sanic", "http", "/stock", ("DELETE",))
    assert found["Users.put"][3] == ("PUT",)
    assert found["listing"][3] == ("GET", "POST")  # a function still answers the route's methods


def test_sanic_listeners_middleware_and_exception_handlers_are_callbacks() -> None:
    model = SemanticModel.build(
        textwrap.dedent(
            """
            from sanic import Blueprint, Sanic
            from sanic.handlers import ErrorHandler
            from config import shared_app

            app = Sanic("A")
            bp = Blueprint("bp")

            @app.before_server_start
            async def setup_db(app): ...

            @bp.listener("after_server_stop")
            async def close_db(app): ...

            @shared_app.main_process_start(priority=2)
            async def prepare(app): ...

            async def warm_up(app, loop): ...
            async def flush(app): ...
            app.register_listener(warm_up, "after_server_start")
            app.listener(flush, "before_server_stop")

            @app.on_response
            async def add_headers(request, response): ...

            @bp.middleware("request")
            async def authenticate(request): ...

            async def log_request(request): ...
            app.register_middleware(log_request)

            @app.exception(ValueError)
            async def bad_value(request, exception): ...

            async def fallback(request, exception): ...
            app.error_handler.add(Exception, fallback)

            class Handler(ErrorHandler):
                def default(self, request, exception): ...
                def log(self, request, exception): ...

            @app.get("/")
            async def index(request): ...

            async def helper(app): ...
            """
        )
    )
    found = {c.function.qualname: (c.framework, c.kind, c.event) for c in model.callbacks}
    assert found == {
        "setup_db": ("sanic", "listener", "before_server_start"),
        "close_db": ("sanic", "listener", "after_server_stop"),
        "prepare": ("sanic", "listener", "main_process_start"),
        "warm_up": ("sanic", "listener", "after_server_start"),
        "flush": ("sanic", "listener", "before_server_stop"),
        "add_headers": ("sanic", "middleware", "response"),
        "authenticate": ("sanic", "middleware", "request"),
        "log_request": ("sanic", "middleware", "request"),
        "bad_value": ("sanic", "exception handler", None),
        "fallback": ("sanic", "exception handler", None),
        "Handler.default": ("sanic", "exception handler", None),
    }
    setup_db = next(f for f in model.functions if f.name == "setup_db")
    assert model.context_label(setup_db.node.body[0]) == "Sanic listener `setup_db`"
    assert model.calling_framework(setup_db) == "sanic"
    helper = next(f for f in model.functions if f.name == "helper")
    assert model.callback_of(helper) is None and model.calling_framework(helper) is None


def test_callbacks_need_sanic() -> None:
    model = SemanticModel.build("from events import bus\n@bus.listener('before_server_start')\nasync def f(app): ...\n")
    assert model.callbacks == []
