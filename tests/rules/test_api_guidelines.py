"""Hovers on framework APIs, the engine side: the API table, the bullets and rules of an API, the
name under the cursor, and the re-exports of the project's own modules (jedi)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asyncguide.rules.api_guidelines import (
    api_hover,
    api_rules,
    canonical,
    framework_document,
    needs_resolution,
    project_imports,
    reference_at,
)
from asyncguide.rules.blocking import BlockingCallRule
from asyncguide.rules.guidelines import DOCUMENTS, bullets
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.registry import all_rules
from asyncguide.rules.resolve import DeferredResolver

# --------------------------------------------------------------------------------- the table


def test_every_table_key_names_rules_and_every_code_is_a_registered_rule() -> None:
    rules = all_rules()
    for name, codes in api_rules().items():
        assert codes, f"{name} names no rule"
        unknown = [code for code in codes if code not in rules]
        assert not unknown, f"{name}: {unknown} are not registered rules"
        assert len(set(codes)) == len(codes), f"{name} lists a code twice"


def test_table_keys_are_public_spellings() -> None:
    """A key in another spelling than ``canonical`` gives would never be looked up."""
    for name in api_rules():
        assert canonical(name) == name


def test_blocking_calls_come_from_the_rules_own_tables() -> None:
    blocking = [rule for rule in all_rules().values() if issubclass(rule, BlockingCallRule)]
    assert blocking
    for rule in blocking:
        for call in rule.calls:
            assert rule.code in api_rules()[call], f"{call} lacks {rule.code}"


def test_every_framework_has_apis() -> None:
    documents = {framework_document(name) for name in api_rules()}
    assert documents >= set(DOCUMENTS)


@pytest.mark.parametrize(
    ("spelling", "public"),
    [
        ("aiohttp.client.ClientSession", "aiohttp.ClientSession"),
        ("asyncio.tasks.create_task", "asyncio.create_task"),
        ("asyncio.events.AbstractEventLoop.create_task", "asyncio.AbstractEventLoop.create_task"),
        ("uvloop.Loop.run_until_complete", "asyncio.AbstractEventLoop.run_until_complete"),
        ("sanic.app.Sanic.run", "sanic.Sanic.run"),
        ("fastapi.Request.json", "starlette.requests.Request.json"),
        ("fastapi.applications.FastAPI", "fastapi.FastAPI"),
        ("fastapi.WebSocketDisconnect", "starlette.websockets.WebSocketDisconnect"),
    ],
)
def test_canonical_spelling(spelling: str, public: str) -> None:
    assert canonical(spelling) == public
    assert api_hover(spelling) is not None


# ------------------------------------------------------------------------ what a hover shows


def texts(name: str, frameworks: set[str] | None = None) -> list[str]:
    found = api_hover(name, frameworks)
    assert found is not None
    return [bullet.text for bullet in found.quotes]


def test_an_api_quotes_its_rules_bullets_and_those_naming_it_once_each() -> None:
    found = api_hover("starlette.middleware.base.BaseHTTPMiddleware")
    assert found is not None
    assert [rule.code for rule in found.rules] == ["STA001", "STA005"]
    cited = {quote.text for rule in found.rules for quote in rule.cited_guidelines()}
    naming = {b.text for b in bullets("starlette") if re.search(r"\bBaseHTTPMiddleware\b", b.text)}
    assert len(naming) == 2
    shown = [bullet.text for bullet in found.quotes]
    assert set(shown) == cited | naming
    assert len(shown) == len(set(shown))


def test_bullets_naming_the_api_count_without_a_rule_citing_them() -> None:
    assert "Use `WebSocketRoute` for WebSocket endpoints in routing configuration" in texts("starlette.routing.WebSocketRoute")
    assert "Create proper RequestHandler subclasses" in texts("tornado.web.RequestHandler")
    assert "Use proper create_task method" in texts("asyncio.AbstractEventLoop.create_task")
    # no rule checks these, but the guideline names them
    assert texts("starlette.responses.JSONResponse") == [
        "Use appropriate response classes: `JSONResponse`, `HTMLResponse`, `PlainTextResponse`, `RedirectResponse`"
    ]
    assert api_hover("starlette.background.BackgroundTasks") is not None


def test_a_plain_english_word_names_only_apis_of_the_table() -> None:
    assert "Create proper sleep calls" in texts("asyncio.sleep")
    assert api_hover("sanic.response") is None  # a module: "response" is in many bullets
    assert api_hover("aiohttp.web") is None


def test_bullets_are_ordered_by_document_the_apis_own_first() -> None:
    found = api_hover("aiohttp.ClientSession")
    assert found is not None
    documents = [bullet.document for bullet in found.quotes]
    assert documents[0] == "aiohttp"
    assert documents == sorted(documents, key=["aiohttp", *DOCUMENTS].index)
    for document in set(documents):
        lines = [bullet.line for bullet in found.quotes if bullet.document == document]
        assert lines == sorted(lines)


def test_frameworks_the_module_does_not_use_are_left_out() -> None:
    everywhere = api_hover("time.sleep")
    in_sanic = api_hover("time.sleep", {"sanic"})
    assert everywhere is not None and in_sanic is not None
    assert {bullet.document for bullet in everywhere.quotes} == set(DOCUMENTS)
    assert {bullet.document for bullet in in_sanic.quotes} == {"asyncio", "sanic"}
    session = api_hover("aiohttp.ClientSession", {"aiohttp"})
    assert session is not None
    assert "SAN010" not in {rule.code for rule in session.rules}
    assert "AIO001" in {rule.code for rule in session.rules}


def test_names_that_are_no_api_have_no_hover() -> None:
    assert api_hover("myapp.http.session_factory") is None
    assert api_hover("os.path.join") is None
    assert api_hover("aiohttp") is None


# ------------------------------------------------------------------- the name under the cursor

APP = '''\
import asyncio
import aiohttp as ah
from asyncio import create_task as spawn
from time import sleep as zzz
from starlette.middleware.base import BaseHTTPMiddleware as B
from starlette.routing import WebSocketRoute
from tornado import web
from sanic import Sanic

app = Sanic("Shop")


class Timing(B):
    pass


class Main(web.RequestHandler):
    def get(self):
        self.write("hello")


class Socket(Main):
    def get(self):
        self.set_cookie("user", "1")


async def feed(websocket):
    await websocket.accept()


async def main(loop):
    session = ah.ClientSession()
    asyncio.create_task(main(loop))
    running = asyncio.get_running_loop()
    running.create_task(main(loop))
    loop.create_task(main(loop))
    spawn(main(loop))
    zzz(1)
    count = 1
    return count, session


routes = [WebSocketRoute("/feed", feed)]

if __name__ == "__main__":
    app.run()
'''
MODEL = SemanticModel.build(APP)


def reference(word: str, line_text: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """The API at ``word`` on the line starting with ``line_text``: (public name, identifier range)."""
    lines = APP.splitlines()
    line = next(number for number, text in enumerate(lines) if text.strip().startswith(line_text))
    column = re.search(rf"\b{re.escape(word)}\b", lines[line]).start() + 1  # type: ignore[union-attr]
    found = reference_at(MODEL, line, column)
    if found is None:
        return None
    for name in found.names:
        hover = api_hover(name, MODEL.frameworks)
        if hover is not None:
            r = found.range
            return hover.name, (r.start_line, r.start_column, r.end_line, r.end_column)
    return None


@pytest.mark.parametrize(
    ("word", "line", "name"),
    [
        ("B", "class Timing", "starlette.middleware.base.BaseHTTPMiddleware"),
        ("BaseHTTPMiddleware", "from starlette", "starlette.middleware.base.BaseHTTPMiddleware"),
        ("B", "from starlette", "starlette.middleware.base.BaseHTTPMiddleware"),
        ("ClientSession", "session =", "aiohttp.ClientSession"),
        ("create_task", "asyncio.create_task", "asyncio.create_task"),
        ("create_task", "running.create_task", "asyncio.AbstractEventLoop.create_task"),
        ("create_task", "loop.create_task", "asyncio.AbstractEventLoop.create_task"),
        ("spawn", "spawn(", "asyncio.create_task"),
        ("zzz", "zzz(", "time.sleep"),
        ("run", "app.run", "sanic.Sanic.run"),
        ("RequestHandler", "class Main", "tornado.web.RequestHandler"),
        ("write", "self.write", "tornado.web.RequestHandler.write"),
        ("set_cookie", "self.set_cookie", "tornado.web.RequestHandler.set_cookie"),
        ("accept", "await websocket.accept", "starlette.websockets.WebSocket.accept"),
        ("WebSocketRoute", "routes =", "starlette.routing.WebSocketRoute"),
    ],
)
def test_names_resolve_through_imports_aliases_and_types(word: str, line: str, name: str) -> None:
    found = reference(word, line)
    assert found is not None and found[0] == name


def test_the_reference_range_is_the_identifier_under_the_cursor() -> None:
    lines = APP.splitlines()
    number = lines.index("    running.create_task(main(loop))")
    assert reference("create_task", "running.create_task") == (
        "asyncio.AbstractEventLoop.create_task",
        (number, 12, number, 23),
    )
    number = lines.index("from starlette.middleware.base import BaseHTTPMiddleware as B")
    assert reference("B", "from starlette")[1] == (number, 60, number, 61)  # type: ignore[index]


@pytest.mark.parametrize(("word", "line"), [("count", "return count"), ("session", "return count"), ("loop", "spawn(")])
def test_no_api_at_local_names(word: str, line: str) -> None:
    assert reference(word, line) is None


def test_no_reference_between_names() -> None:
    lines = APP.splitlines()
    blank = lines.index("")
    assert reference_at(MODEL, blank, 0) is None


# ------------------------------------------------------------------- the project's own modules


def test_only_names_of_the_project_need_resolution() -> None:
    assert needs_resolution("myapp.http.session_factory")
    assert needs_resolution(".http.session_factory")
    assert not needs_resolution("aiohttp.ClientSession")
    assert not needs_resolution("os.path.join")
    assert not needs_resolution("requests.get")


def test_project_imports_are_the_module_level_imports_of_project_names() -> None:
    model = SemanticModel.build("import asyncio\nfrom myapp.http import session_factory\nfrom .db import pool\n")
    assert sorted(project_imports(model)) == [".db.pool", "myapp.http.session_factory"]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def test_reexports_of_the_project_are_followed_in_the_background(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "myapp/__init__.py": "",
            "myapp/base.py": "from aiohttp import ClientSession as Client\n",
            "myapp/http.py": (
                "import asyncio\n"
                "from aiohttp import ClientSession as session_factory\n"
                "from .base import Client\n"
                "Chained = Client\n"
                "spawn = asyncio.create_task\n"
                "def helper():\n    pass\n"
            ),
        },
    )
    resolver = DeferredResolver(str(tmp_path / "app.py"), str(tmp_path))
    names = ["myapp.http.session_factory", "myapp.http.Chained", "myapp.http.Chained.get", "myapp.http.spawn", "myapp.http.helper"]
    assert [resolver.reexported_name(name) for name in names] == [None] * len(names)  # never jedi while asked
    assert resolver.pending
    assert resolver.resolve_pending() is False  # nothing that changes diagnostics
    assert not resolver.pending
    assert [resolver.reexported_name(name) for name in names] == [
        "aiohttp.ClientSession",
        "aiohttp.ClientSession",
        "aiohttp.ClientSession.get",
        "asyncio.create_task",
        None,
    ]
    relative = DeferredResolver(str(tmp_path / "myapp" / "views.py"), str(tmp_path))
    assert relative.reexported_name(".base.Client") is None
    relative.resolve_pending()
    assert relative.reexported_name(".base.Client") == "aiohttp.ClientSession"
