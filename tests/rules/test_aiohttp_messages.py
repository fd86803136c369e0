"""Blocking calls in aiohttp request code: handlers and middlewares get aiohttp's advice and quotes."""

from __future__ import annotations

import textwrap

import pytest

from asyncguide.rules import runner
from asyncguide.rules.rule import Diagnostic

BLOCKING = {"ASY100", "ASY101", "ASY102", "ASY103"}

SOURCE = textwrap.dedent(
    """
    import subprocess, time
    import requests
    from aiohttp import web
    routes = web.RouteTableDef()

    @routes.get("/")
    async def index(request):
        requests.get("http://upstream")
        subprocess.run(["git", "status"])

    @web.middleware
    async def decorated(request, handler):
        requests.post("http://audit", json={"path": request.path})
        open("/var/log/access.log", "a").write(request.path)
        return await handler(request)

    async def registered(request, handler):
        requests.get("http://upstream")
        time.sleep(0.1)
        return await handler(request)

    def session_middleware(storage):
        @web.middleware
        async def factory(request, handler):
            subprocess.run(["sync"])
            return await handler(request)
        return factory

    async def helper():
        requests.get("http://upstream")

    app = web.Application(middlewares=[registered, session_middleware(None)])
    """
)


@pytest.fixture(scope="module")
def found() -> dict[tuple[int, str], Diagnostic]:
    result = runner.lint(SOURCE, BLOCKING)
    return {(d.range.start_line, d.code): d for d in result.diagnostics}


@pytest.mark.parametrize(
    ("line", "where"),
    [(8, "aiohttp handler `index`"), (13, "aiohttp middleware `decorated`"), (18, "aiohttp middleware `registered`")],
)
def test_requests_in_aiohttp_request_code_suggests_the_aiohttp_client(found, line: int, where: str) -> None:
    message = found[(line, "ASY101")].message
    assert where in message
    assert "the application's shared `aiohttp.ClientSession`" in message
    assert "`await asyncio.to_thread(...)` or `loop.run_in_executor(...)`" in message


@pytest.mark.parametrize(
    ("line", "code", "where"),
    [
        (9, "ASY102", "aiohttp handler `index`"),
        (14, "ASY103", "aiohttp middleware `decorated`"),
        (25, "ASY102", "aiohttp middleware `factory`"),
    ],
)
def test_other_blocking_calls_in_aiohttp_request_code_suggest_offloading(found, line: int, code: str, where: str) -> None:
    message = found[(line, code)].message
    assert where in message
    assert message.count("await asyncio.to_thread(") == 1  # said once, by the rule or by aiohttp's advice
    assert "aiohttp.ClientSession" not in message


def test_offloading_advice_names_run_in_executor_where_the_rule_does_not_offload(found) -> None:
    message = found[(9, "ASY102")].message
    assert "`await asyncio.to_thread(...)` or `loop.run_in_executor(...)`" in message


def test_sleeping_in_a_middleware_is_not_offloaded(found) -> None:
    message = found[(19, "ASY100")].message
    assert "aiohttp middleware `registered`" in message
    assert "to_thread" not in message


def test_middleware_diagnostics_quote_the_aiohttp_guideline(found) -> None:
    texts = [q.text for q in runner.rule_instance("ASY101").quotes(found[(13, "ASY101")])]
    assert "Create proper ClientSession usage" in texts
    assert "Create appropriate handler functions" in texts


def test_a_plain_coroutine_gets_no_framework_advice(found) -> None:
    message = found[(30, "ASY101")].message
    assert "coroutine `helper`" in message
    assert "the application's shared" not in message and "to_thread" not in message
    assert found[(30, "ASY101")].data.get("framework") is None
