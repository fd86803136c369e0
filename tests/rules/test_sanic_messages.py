"""Blocking calls in Sanic code: handlers, listeners and middleware get Sanic's advice and quotes."""

from __future__ import annotations

import textwrap

import pytest

from asyncguide.rules import runner
from asyncguide.rules.guidelines import Quote
from asyncguide.rules.rule import Diagnostic

BLOCKING = {"ASY100", "ASY101", "ASY106"}
OFFLOAD = "or offload it with `await asyncio.to_thread(...)` or `loop.run_in_executor(...)`"
ASYNC_SYNTAX = Quote("sanic", "Asynchronous Programming", "Use proper async/await syntax")
ASYNC_DATABASE = Quote("sanic", "Database Integration", "Use appropriate async database libraries")

SOURCE = textwrap.dedent(
    """
    import sqlite3, time
    import requests
    from sanic import Sanic

    app = Sanic("Shop")

    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        time.sleep(0.1)
        requests.get("http://upstream")

    @app.before_server_start
    async def setup_db(app):
        app.ctx.db = sqlite3.connect("shop.db")

    @app.listener("after_server_start")
    async def announce(app):
        requests.post("http://registry", json={"name": app.name})

    async def warm_up(app):
        time.sleep(1)

    app.register_listener(warm_up, "main_process_ready")

    @app.on_request
    async def authenticate(request):
        requests.get("http://auth")

    async def helper():
        requests.get("http://upstream")
    """
)


@pytest.fixture(scope="module")
def found() -> dict[tuple[int, str], Diagnostic]:
    result = runner.lint(SOURCE, BLOCKING)
    return {(d.range.start_line, d.code): d for d in result.diagnostics}


def quotes(diagnostic: Diagnostic) -> tuple[Quote, ...]:
    return runner.rule_instance(diagnostic.code).quotes(diagnostic)


def test_blocking_calls_in_a_handler_name_it_and_quote_sanic(found) -> None:
    sleep, get = found[(9, "ASY100")], found[(10, "ASY101")]
    assert "in Sanic handler `get_user`" in sleep.message and "in Sanic handler `get_user`" in get.message
    assert OFFLOAD in get.message
    assert OFFLOAD not in sleep.message  # sleeping in a thread is no answer: `await asyncio.sleep()` is
    assert ASYNC_SYNTAX in quotes(sleep) and ASYNC_SYNTAX in quotes(get)


@pytest.mark.parametrize(
    ("line", "code", "where"),
    [
        (14, "ASY106", "Sanic listener `setup_db`"),
        (18, "ASY101", "Sanic listener `announce`"),
        (21, "ASY100", "Sanic listener `warm_up`"),
        (27, "ASY101", "Sanic middleware `authenticate`"),
    ],
)
def test_blocking_calls_in_listeners_and_middleware_name_them_and_quote_sanic(found, line: int, code: str, where: str) -> None:
    diagnostic = found[(line, code)]
    assert f"in {where};" in diagnostic.message
    assert diagnostic.data["framework"] == "sanic"
    assert ASYNC_SYNTAX in quotes(diagnostic)
    if code != "ASY100":
        assert diagnostic.message.endswith(OFFLOAD)


def test_database_calls_quote_sanic_database_integration(found) -> None:
    assert ASYNC_DATABASE in quotes(found[(14, "ASY106")])


def test_other_coroutines_get_the_general_message(found) -> None:
    diagnostic = found[(30, "ASY101")]
    assert "in coroutine `helper`;" in diagnostic.message
    assert OFFLOAD not in diagnostic.message and "framework" not in diagnostic.data
    assert ASYNC_SYNTAX not in quotes(diagnostic)
