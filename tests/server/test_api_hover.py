"""Hover over a framework API's name: the guideline bullets about it and the rules that check it,
from the document's last good model, through the real server."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from asyncguide.rules.documentation import rule_url

from .conftest import FAST, Client, StartServer, as_tuple, change, open_document, span, wait_for_publish


async def hover_on(client: Client, uri: str, text: str, line_start: str, word: str) -> types.Hover | None:
    """Hover in the middle of ``word`` on the line of ``text`` that starts with ``line_start``."""
    lines = text.splitlines()
    line = next(number for number, content in enumerate(lines) if content.lstrip().startswith(line_start))
    column = lines[line].index(word) + len(word) // 2
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=column))
    )


def markdown(hover: types.Hover | None) -> str:
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    return hover.contents.value


async def opened(start_server: StartServer, path: Path, text: str, settings: dict = FAST) -> tuple[Client, str]:
    client = await start_server(initialization_options=settings)
    uri = open_document(client, path, text)
    await wait_for_publish(client, uri, version=1)
    return client, uri


MIDDLEWARE = """\
from starlette.middleware.base import BaseHTTPMiddleware as B


class Timing(B):
    async def dispatch(self, request, call_next):
        return await call_next(request)
"""


async def test_hover_on_an_aliased_base_http_middleware(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "app.py", MIDDLEWARE)
    hover = await hover_on(client, uri, MIDDLEWARE, "class Timing", "B")
    text = markdown(hover)
    assert text.startswith("**`starlette.middleware.base.BaseHTTPMiddleware`**")
    assert (
        "> **CRITICAL**: Avoid `BaseHTTPMiddleware` when possible due to cancellation and context propagation issues"
        "\n>\n> — *Starlette › Middleware Implementation and Ordering*"
    ) in text
    assert "> — *Starlette › Known Issues and Mitigations*" in text
    assert f"- [STA001]({rule_url('STA001')}) `base-http-middleware`" in text
    assert f"[STA005]({rule_url('STA005')})" in text
    assert hover is not None and as_tuple(hover.range) == (3, 13, 3, 14)


async def test_a_diagnostic_hover_keeps_the_diagnostic_and_adds_the_api(start_server: StartServer, tmp_path: Path) -> None:
    settings = {"select": ["STA001"], "debounceMs": 0}
    client, uri = await opened(start_server, tmp_path / "app.py", MIDDLEWARE, settings)
    [diagnostic] = client.diagnostics[uri]
    hover = await hover_on(client, uri, MIDDLEWARE, "class Timing", "B")
    text = markdown(hover)
    diagnostic_part, api_part = text.split("\n\n---\n\n")
    assert diagnostic_part.startswith("**STA001** `base-http-middleware`") and diagnostic.message in diagnostic_part
    assert api_part.startswith("**`starlette.middleware.base.BaseHTTPMiddleware`**")
    assert "Avoid `BaseHTTPMiddleware`" not in api_part  # quoted above already
    assert "> Never read `request.body()` in middleware unless you buffer" in api_part  # STA005's
    assert f"- [STA005]({rule_url('STA005')})" in api_part
    assert hover is not None and as_tuple(hover.range) == as_tuple(diagnostic.range)


CLIENT = """\
import aiohttp as ah


async def fetch(url):
    async with ah.ClientSession() as session:
        async with session.get(url) as response:
            return await response.text()
"""


async def test_hover_on_client_session_through_a_module_alias(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "client.py", CLIENT)
    text = markdown(await hover_on(client, uri, CLIENT, "async with ah.", "ClientSession"))
    assert text.startswith("**`aiohttp.ClientSession`**")
    assert "> Create proper ClientSession usage\n>\n> — *aiohttp › Client-Side Development*" in text
    for code in ("AIO001", "AIO002", "AIO004", "AIO006", "ASY119"):
        assert f"[{code}]({rule_url(code)})" in text
    assert "SAN010" not in text and "Sanic" not in text  # the module uses no Sanic
    assert text.index("*aiohttp ›") < text.index("*asyncio ›")  # its own framework's bullets first


TASKS = """\
import asyncio


async def main(job):
    asyncio.create_task(job())
    loop = asyncio.get_running_loop()
    loop.create_task(job())
"""


async def test_hover_on_create_task(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "tasks.py", TASKS)
    text = markdown(await hover_on(client, uri, TASKS, "asyncio.create_task", "create_task"))
    assert text.startswith("**`asyncio.create_task`**")
    assert "> Use proper create_task method\n>\n> — *asyncio › Task Management*" in text
    assert f"[ASY111]({rule_url('ASY111')}) `discarded-task-reference`" in text
    assert "STA011" not in text  # a Starlette rule, and the module is no Starlette app
    loop_text = markdown(await hover_on(client, uri, TASKS, "loop.create_task", "create_task"))
    assert loop_text.startswith("**`asyncio.AbstractEventLoop.create_task`**")
    assert "ASY111" in loop_text


SANIC = """\
from sanic import Sanic

app = Sanic("Shop")

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000)
"""


async def test_hover_on_a_sanic_app_run(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "server.py", SANIC)
    hover = await hover_on(client, uri, SANIC, "app.run", "run")
    text = markdown(hover)
    assert text.startswith("**`sanic.Sanic.run`**")
    assert f"[SAN004]({rule_url('SAN004')}) `run-without-main-guard`" in text
    assert f"[SAN005]({rule_url('SAN005')})" in text
    assert "*Sanic ›" in text
    assert hover is not None and as_tuple(hover.range) == (5, 8, 5, 11)


TORNADO = """\
from tornado import web


class MainHandler(web.RequestHandler):
    def get(self):
        self.write("hello")
"""


async def test_hover_on_a_tornado_request_handler_base_class(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "handlers.py", TORNADO)
    text = markdown(await hover_on(client, uri, TORNADO, "class MainHandler", "RequestHandler"))
    assert text.startswith("**`tornado.web.RequestHandler`**")
    assert "> Create proper RequestHandler subclasses\n>\n> — *Tornado › Request Handling*" in text
    assert f"[TOR009]({rule_url('TOR009')})" in text
    write = markdown(await hover_on(client, uri, TORNADO, "self.write", "write"))
    assert write.startswith("**`tornado.web.RequestHandler.write`**")


LOCAL = """\
def total(items):
    count = 0
    for item in items:
        count += item
    return count
"""


async def test_no_hover_on_a_plain_local_name(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "local.py", LOCAL)
    assert await hover_on(client, uri, LOCAL, "return count", "count") is None
    assert await hover_on(client, uri, LOCAL, "for item", "items") is None


async def test_hovers_read_the_last_good_model_while_the_text_does_not_parse(start_server: StartServer, tmp_path: Path) -> None:
    client, uri = await opened(start_server, tmp_path / "tasks.py", TASKS)
    broken = "def broken(:\n"
    change(client, uri, 2, (span(0, 0, 0, 0), broken))
    await wait_for_publish(client, uri, version=2)
    text = broken + TASKS
    hover = await hover_on(client, uri, text, "asyncio.create_task", "create_task")
    assert markdown(hover).startswith("**`asyncio.create_task`**")
    assert hover is not None and as_tuple(hover.range) == (5, 12, 5, 23)  # moved down with the edit
    # a name typed on since the model was built is another name: no hover from the old one
    change(client, uri, 3, (span(5, 23, 5, 23), "s"))
    await wait_for_publish(client, uri, version=3)
    assert await hover_on(client, uri, broken + TASKS.replace("create_task(job", "create_tasks(job"), "asyncio.create_tasks", "create_tasks") is None


HTTP_MODULE = """\
from aiohttp import ClientSession as session_factory


async def fetch_user(user_id):
    return user_id
"""

APP = """\
from myapp.http import fetch_user, session_factory


async def handler(request):
    fetch_user(1)
    async with session_factory() as session:
        return session
"""


async def test_hover_on_a_name_the_project_reexports_after_background_resolution(
    start_server: StartServer, tmp_path: Path
) -> None:
    (tmp_path / "myapp").mkdir()
    (tmp_path / "myapp" / "__init__.py").write_text("")
    (tmp_path / "myapp" / "http.py").write_text(HTTP_MODULE)
    # no workspace folder, so no project index to answer ASY110 before jedi has run
    client = await start_server(initialization_options={"select": ["ASY110"], "debounceMs": 0})
    uri = open_document(client, tmp_path / "app.py", APP)
    # jedi runs after the first publish; the imports' re-exports are learned in the same run as the
    # coroutine that ASY110 then reports
    await wait_for_publish(client, uri, version=1, where=lambda params: any(d.code == "ASY110" for d in params.diagnostics))
    text = markdown(await hover_on(client, uri, APP, "async with session_factory", "session_factory"))
    assert text.startswith("**`aiohttp.ClientSession`**")
    assert "> Create proper ClientSession usage" in text
