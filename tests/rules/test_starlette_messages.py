"""Blocking calls in Starlette endpoints and FastAPI path operations: the message offers
`run_in_threadpool` or a plain `def` endpoint, and the hover quotes Starlette's bullet on async I/O."""

from __future__ import annotations

import textwrap

import pytest

from asyncguide.rules import runner
from asyncguide.rules.guidelines import Quote
from asyncguide.rules.rule import Diagnostic

BLOCKING = {"ASY100", "ASY101", "ASY102", "ASY103"}
ASYNC_IO_BULLET = Quote(
    "starlette",
    "Async Handling and Request Processing",
    "Always use `async def` for endpoint functions that perform I/O operations",
)

SOURCE = textwrap.dedent(
    """
    import subprocess, time
    import requests
    from fastapi import FastAPI
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    api = FastAPI()

    async def homepage(request):
        requests.get("http://upstream")
        subprocess.run(["git", "status"])
        return JSONResponse({})

    @api.get("/items")
    async def items():
        open("/var/data/items.json").read()
        time.sleep(0.1)
        return []

    async def helper():
        requests.get("http://upstream")

    routes = [Route("/", homepage)]
    """
)


@pytest.fixture(scope="module")
def found() -> dict[tuple[int, str], Diagnostic]:
    result = runner.lint(SOURCE, BLOCKING)
    return {(d.range.start_line, d.code): d for d in result.diagnostics}


@pytest.mark.parametrize(
    ("line", "code", "where", "thread_advice"),
    [
        (10, "ASY101", "Starlette handler `homepage`", "make the endpoint a plain `def` (Starlette runs those in a thread pool)"),
        (11, "ASY102", "Starlette handler `homepage`", "make the endpoint a plain `def` (Starlette runs those in a thread pool)"),
        (
            16,
            "ASY103",
            "FastAPI handler `items`",
            "declare the path operation with plain `def` (FastAPI runs those in a thread pool)",
        ),
    ],
)
def test_blocking_calls_in_endpoints_suggest_the_thread_pool(found, line: int, code: str, where: str, thread_advice: str) -> None:
    message = found[(line, code)].message
    assert where in message
    assert "`await run_in_threadpool(...)`" in message
    assert thread_advice in message


@pytest.mark.parametrize(("line", "code"), [(10, "ASY101"), (11, "ASY102"), (16, "ASY103"), (17, "ASY100")])
def test_hovers_quote_the_starlette_bullet_on_async_io(found, line: int, code: str) -> None:
    diagnostic = found[(line, code)]
    quotes = runner.rule_instance(code).quotes(diagnostic)
    assert ASYNC_IO_BULLET in quotes
    assert quotes[0].document == "asyncio"  # the rule's own bullets come first


def test_sleep_is_not_offered_a_thread(found) -> None:
    message = found[(17, "ASY100")].message
    assert "FastAPI handler `items`" in message
    assert "run_in_threadpool" not in message  # sleeping in a thread only wastes it: await asyncio.sleep


def test_code_outside_endpoints_gets_the_plain_advice(found) -> None:
    diagnostic = found[(21, "ASY101")]
    assert "coroutine `helper`" in diagnostic.message
    assert "run_in_threadpool" not in diagnostic.message
    assert ASYNC_IO_BULLET not in runner.rule_instance("ASY101").quotes(diagnostic)
