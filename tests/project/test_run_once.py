"""ASY200 leaves out what blocks at most once per process, or only on the way to an error
(``rules.project.once``); the same calls made request after request are still reported."""

from __future__ import annotations

DB = """
import time

def query():
    time.sleep(1)
"""


def test_a_call_building_the_raised_exception_is_not_followed(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/errors.py": """
                import subprocess

                def tool_version(executable):
                    return subprocess.run([executable, "-version"], capture_output=True).stdout

                def tool_failed(executable, code):
                    return RuntimeError(f"{executable} exited with {code}: {tool_version(executable)}")

                def check(executable, code):
                    if code:
                        raise RuntimeError(tool_version(executable))
            """,
            "app/api.py": """
                from app.errors import check, tool_failed, tool_version

                async def convert(process):
                    if process.returncode:
                        raise tool_failed("ffmpeg", process.returncode)
                    check("ffmpeg", process.returncode)
                    error = tool_failed("ffmpeg", 1)  # expect: ASY200
                    return tool_version("ffmpeg")  # expect: ASY200
            """,
        }
    )
    found = project.check_markers()
    assert "it reaches `subprocess.run()` via tool_version()" in found[0].message


def test_a_module_level_cache_filled_once_is_not_followed(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/info.py": """
                import functools
                from app.db import query

                _cache = None
                _unguarded = None

                def cached_info():
                    global _cache
                    if _cache is None:
                        _cache = query()
                    return _cache

                def cached_too():
                    global _cache
                    if not _cache:
                        _cache = query()
                    return _cache

                def fallback_info():
                    global _unguarded
                    if _unguarded is None:
                        return query()
                    return _unguarded

                def local_guard(value=None):
                    if value is None:
                        value = query()
                    return value

                @functools.cache
                def settings():
                    return query()

                @functools.lru_cache(maxsize=None)
                def user(user_id):
                    return query()
            """,
            "app/api.py": """
                from app.info import cached_info, cached_too, fallback_info, local_guard, settings, user

                async def handler(user_id):
                    cached_info()
                    cached_too()
                    settings()
                    fallback_info()  # expect: ASY200
                    local_guard()  # expect: ASY200
                    user(user_id)  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_a_coroutine_run_by_the_module_blocks_harmlessly_until_it_first_awaits(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/main.py": """
                import asyncio
                from app.db import query

                async def serve():
                    query()  # expect: ASY200

                def run():
                    async def main():
                        query()
                        await serve()
                        query()  # expect: ASY200

                    asyncio.run(main())

                async def worker():
                    query()
                    while True:
                        query()  # expect: ASY200
                        await asyncio.sleep(1)

                def run_worker(loop):
                    job = worker()
                    loop.run_until_complete(job)
            """,
        }
    )
    project.check_markers()


def test_a_request_handler_the_module_also_runs_is_no_start_up_code(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/api.py": """
                import asyncio
                from fastapi import FastAPI
                from app.db import query

                app = FastAPI()

                @app.get("/items")
                async def items():
                    query()  # expect: ASY200
                    return []

                if __name__ == "__main__":
                    asyncio.run(items())
            """,
        }
    )
    project.check_markers()


def test_a_command_line_command_blocks_harmlessly(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/runner.py": """
                import asyncio
                from functools import wraps

                def coro(f):
                    @wraps(f)
                    def wrapper(*args, **kwargs):
                        return asyncio.run(f(*args, **kwargs))
                    return wrapper

                def logged(f):
                    @wraps(f)
                    def wrapper(*args, **kwargs):
                        return f(*args, **kwargs)
                    return wrapper
            """,
            "app/cli.py": """
                import click
                from app.db import query
                from app.runner import coro, logged

                @click.command()
                @click.option("--name")
                async def create(name):
                    query()

                @coro
                async def migrate():
                    query()

                @logged
                async def handler():
                    query()  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_an_applications_start_up_methods_block_harmlessly(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/db.py": DB,
            "app/hub.py": """
                from tornado import web
                from traitlets.config import Application
                from app.db import query

                class Hub(Application):
                    async def initialize(self, argv=None):
                        query()
                        await self.load()
                        query()  # expect: ASY200

                    async def start(self):
                        query()

                    async def load(self):
                        query()  # expect: ASY200

                class Handler(web.RequestHandler):
                    async def initialize(self):
                        query()  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_chains_end_only_at_calls_that_block(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/net.py": """
                import hashlib
                import socket

                import redis

                def local_ip():
                    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    probe.connect(("8.8.8.8", 80))
                    return probe.getsockname()[0]

                def reachable(host):
                    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    probe.connect((host, 80))

                def client():
                    return redis.Redis(host="cache")

                def hits():
                    return redis.Redis(host="cache").incr("hits")

                def wallet_key(seed):
                    return hashlib.pbkdf2_hmac("sha256", seed, b"wallet", 2048)
            """,
            "app/api.py": """
                from app.net import client, hits, local_ip, reachable, wallet_key

                async def handler(seed):
                    local_ip()
                    client()
                    wallet_key(seed)
                    reachable("backend")  # expect: ASY200
                    hits()  # expect: ASY200
            """,
        }
    )
    project.check_markers()


def test_a_brief_pause_ends_only_the_chains_of_calls_made_in_a_loop(make_project):
    project = make_project(
        {
            "app/__init__.py": "",
            "app/models.py": """
                import time

                class Message:
                    def __init__(self, content):
                        time.sleep(0.001)  # keeps creation times apart
                        self.content = content

                    @classmethod
                    def from_dict(cls, data):
                        return Message(data["content"])

                def history(rows):
                    return [Message.from_dict(row) for row in rows]

                def slow():
                    time.sleep(0.5)

                def waits(delay):
                    time.sleep(delay)
            """,
            "app/api.py": """
                from app.models import Message, history, slow, waits

                async def on_message(data, rows):
                    Message(data["content"])
                    Message.from_dict(data)
                    for row in rows:
                        Message.from_dict(row)  # expect: ASY200
                    replies = [Message(row) for row in rows]  # expect: ASY200
                    history(rows)  # expect: ASY200
                    slow()  # expect: ASY200
                    waits(0.001)  # expect: ASY200
                    return replies
            """,
        }
    )
    found = project.check_markers()
    assert "it reaches `time.sleep()` via Message.__init__()" in found[0].message
