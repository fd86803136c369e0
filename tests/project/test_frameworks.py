"""ASY200 in the handlers of each framework: what runs on the loop, and what the framework runs
in a thread (plain ``def`` endpoints, sync dependencies, sync background tasks)."""

from __future__ import annotations

from asyncguide.rules.fixes import build_fix, apply_edits

SERVICE = """
import time

import requests

def fetch_user(user_id):
    return requests.get(f"https://users/{user_id}").json()

def get_db():
    time.sleep(1)
    return object()

def send_mail(to):
    time.sleep(1)

def pure(x):
    return x
"""


def test_fastapi(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE,
            "app/main.py": """
                from fastapi import BackgroundTasks, Depends, FastAPI
                from fastapi.concurrency import run_in_threadpool

                from app.service import fetch_user, get_db, pure, send_mail

                app = FastAPI()

                @app.get("/users/{user_id}")
                async def read_user(user_id: int):
                    return fetch_user(user_id)  # expect: ASY200

                @app.get("/sync/{user_id}")
                def read_user_sync(user_id: int):
                    return fetch_user(user_id)

                @app.get("/items")
                async def items(db=Depends(get_db)):
                    return pure(db)

                @app.post("/signup")
                async def signup(tasks: BackgroundTasks):
                    tasks.add_task(send_mail, "a@b.c")
                    return await run_in_threadpool(fetch_user, 1)

                @app.post("/eager")
                async def eager(tasks: BackgroundTasks):
                    tasks.add_task(pure, send_mail("a@b.c"))  # expect: ASY200
            """,
        }
    )
    found = project.check_markers()
    assert found[0].message.startswith("fetch_user() blocks the event loop: it calls `requests.get()` (app/service.py:6)")
    assert "run_in_threadpool" in found[0].message
    assert found[0].data["framework"] == "fastapi"
    source = (project.root / "app/main.py").read_text()
    fix = build_fix(found[0], source)
    fixed = apply_edits(source, fix.edits)
    assert "return await run_in_threadpool(fetch_user, user_id)  # expect: ASY200" in fixed
    assert fixed.count("from starlette.concurrency import run_in_threadpool") == 1


def test_starlette(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE,
            "app/main.py": """
                from starlette.applications import Starlette
                from starlette.background import BackgroundTask
                from starlette.concurrency import run_in_threadpool
                from starlette.responses import JSONResponse
                from starlette.routing import Route

                from app.service import fetch_user, send_mail

                async def user(request):
                    return JSONResponse(fetch_user(1))  # expect: ASY200

                async def offloaded(request):
                    return JSONResponse(await run_in_threadpool(fetch_user, 1))

                def plain(request):
                    return JSONResponse(fetch_user(1))

                async def later(request):
                    return JSONResponse({}, background=BackgroundTask(send_mail, "a@b.c"))

                app = Starlette(routes=[Route("/u", user), Route("/o", offloaded), Route("/p", plain), Route("/l", later)])
            """,
        }
    )
    found = project.check_markers()
    assert "run_in_threadpool" in found[0].message


def test_aiohttp(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE,
            "app/views.py": """
                import asyncio

                from aiohttp import web

                from app.service import fetch_user

                routes = web.RouteTableDef()

                @routes.get("/users/{id}")
                async def user(request):
                    return web.json_response(fetch_user(request.match_info["id"]))  # expect: ASY200

                @routes.get("/offloaded/{id}")
                async def offloaded(request):
                    loop = asyncio.get_running_loop()
                    data = await loop.run_in_executor(None, fetch_user, request.match_info["id"])
                    return web.json_response(data)
            """,
        }
    )
    found = project.check_markers()
    assert found[0].data["framework"] == "aiohttp"


def test_sanic(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE,
            "app/server.py": """
                import asyncio

                from sanic import Sanic
                from sanic.response import json

                from app.service import fetch_user, get_db

                app = Sanic("app")

                @app.get("/users/<user_id>")
                async def user(request, user_id):
                    return json(fetch_user(user_id))  # expect: ASY200

                @app.get("/offloaded/<user_id>")
                async def offloaded(request, user_id):
                    return json(await asyncio.to_thread(fetch_user, user_id))

                @app.before_server_start
                async def connect(app):
                    app.ctx.db = get_db()  # expect: ASY200
            """,
        }
    )
    found = project.check_markers()
    assert found[0].data["framework"] == "sanic"


def test_tornado(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE,
            "app/handlers.py": """
                from concurrent.futures import ThreadPoolExecutor

                from tornado.concurrent import run_on_executor
                from tornado.ioloop import IOLoop
                from tornado.web import RequestHandler

                from app.service import fetch_user

                class UserHandler(RequestHandler):
                    executor = ThreadPoolExecutor(4)

                    async def get(self, user_id):
                        self.write(fetch_user(user_id))  # expect: ASY200

                class OffloadedHandler(RequestHandler):
                    executor = ThreadPoolExecutor(4)

                    @run_on_executor
                    def load(self, user_id):
                        return fetch_user(user_id)

                    async def get(self, user_id):
                        self.write(await self.load(user_id))
                        self.write(await IOLoop.current().run_in_executor(None, fetch_user, user_id))
            """,
        }
    )
    found = project.check_markers()
    assert found[0].data["framework"] == "tornado"
    assert "run_on_executor" in found[0].message
