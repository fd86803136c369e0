"""ASY121's advice: a plain `def`, or the `await` a returned awaitable is missing."""

from __future__ import annotations

import textwrap

from asyncguide.rules import runner


def _messages(source: str) -> list[str]:
    result = runner.lint(textwrap.dedent(source), {"ASY121"}, (3, 12))
    return [d.message for d in result.diagnostics]


def test_a_returned_coroutine_is_a_missing_await() -> None:
    fetch_message, message = _messages(
        """
        async def fetch(url):
            return url

        async def forgot(url):
            return fetch(url)
        """
    )
    assert "make it a plain `def`" in fetch_message
    assert "returns `fetch(...)` without awaiting it" in message
    assert "return await fetch(...)" in message
    assert "plain `def`" not in message


def test_an_unknown_returned_call_may_be_the_missing_await() -> None:
    [message] = _messages(
        """
        async def users(collection):
            return collection.find({}).to_list(None)
        """
    )
    assert "if `collection.find({}).to_list(...)` returns an awaitable" in message
    assert "the `await` is missing" in message


def test_a_plain_computation_gets_plain_def_advice() -> None:
    messages = _messages(
        """
        import re

        PARAMETER = re.compile(r":(\\w+)")

        async def parse(raw):
            return dict(raw)

        async def parameters(sql):
            return PARAMETER.findall(sql)
        """
    )
    assert len(messages) == 2
    for message in messages:
        assert "make it a plain `def`" in message
        assert "awaitable" not in message
