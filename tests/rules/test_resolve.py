"""The jedi resolvers against a real project on disk, and ASY110 end to end with them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from asyncguide.rules.resolve import DeferredResolver, JediResolver
from asyncguide.rules.runner import lint

LIBRARY = '''
import asyncio
import functools


async def fetch():
    await asyncio.sleep(0)


def compute():
    return 1


async def rows():
    yield 1


def traced(function):
    return function


@traced
async def traced_fetch():
    await asyncio.sleep(0)


class Client:
    async def get(self):
        return 1

    # a comment before a decorator is not part of its name
    @staticmethod
    async def ping():
        return 1

    def close(self):
        pass


settings = {}
'''

APP = '''
from .mod import compute, fetch
from . import mod
from pkg.mod import Client


async def handler():
    fetch()
    compute()
    mod.fetch()
    Client.ping()
    client = Client()
    client.get()
    client.close()
    await fetch()
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .mod import fetch as reexported\n")
    (package / "mod.py").write_text(textwrap.dedent(LIBRARY))
    (package / "app.py").write_text(textwrap.dedent(APP))
    return tmp_path


EXPECTED = {
    "pkg.mod.fetch": True,
    "pkg.mod.compute": False,
    "pkg.mod.Client": False,  # calling a class makes an instance
    "pkg.mod.Client.get": True,
    "pkg.mod.Client.ping": True,
    "pkg.mod.Client.close": False,
    "pkg.reexported": True,
    ".mod.fetch": True,  # relative to pkg/app.py
    ".mod.compute": False,
    "pkg.mod.rows": False,  # an async generator is not a coroutine function
    "pkg.mod.traced_fetch": None,  # an unknown decorator may return anything
    "pkg.mod.settings": None,  # not a function
    "pkg.mod.missing": None,
    "pkg.nowhere.fetch": None,
}


def test_jedi_resolver_answers_from_the_project(project: Path) -> None:
    resolver = JediResolver(str(project / "pkg" / "app.py"), str(project))
    answers = {name: resolver.is_coroutine_function(name) for name in EXPECTED}
    assert answers == EXPECTED


def test_jedi_resolver_caches_answers(project: Path) -> None:
    resolver = JediResolver(str(project / "pkg" / "app.py"), str(project))
    assert resolver.is_coroutine_function("pkg.mod.fetch") is True
    # the cache answers even once the definition changed on disk
    (project / "pkg" / "mod.py").write_text("def fetch():\n    return 1\n")
    assert resolver.is_coroutine_function("pkg.mod.fetch") is True
    assert JediResolver(str(project / "pkg" / "app.py"), str(project)).is_coroutine_function("pkg.mod.fetch") is False


def test_relative_names_need_the_linted_file(project: Path) -> None:
    resolver = JediResolver(None, str(project))
    assert resolver.is_coroutine_function(".mod.fetch") is None
    assert resolver.is_coroutine_function("pkg.mod.fetch") is True


def test_deferred_resolver_never_resolves_while_linting(project: Path) -> None:
    resolver = DeferredResolver(str(project / "pkg" / "app.py"), str(project))
    assert resolver.is_coroutine_function("pkg.mod.fetch") is None
    assert resolver.is_coroutine_function("pkg.mod.compute") is None
    assert resolver.resolve_pending() is True
    assert resolver.is_coroutine_function("pkg.mod.fetch") is True
    assert resolver.is_coroutine_function("pkg.mod.compute") is False
    assert resolver.resolve_pending() is False  # nothing pending any more


def test_deferred_resolver_reports_nothing_learned_for_unknown_names(project: Path) -> None:
    resolver = DeferredResolver(str(project / "pkg" / "app.py"), str(project))
    assert resolver.is_coroutine_function("pkg.mod.settings") is None
    assert resolver.resolve_pending() is False
    assert resolver.is_coroutine_function("pkg.mod.settings") is None


def test_deferred_resolver_invalidate_forgets_answers(project: Path) -> None:
    resolver = DeferredResolver(str(project / "pkg" / "app.py"), str(project))
    resolver.is_coroutine_function("pkg.mod.fetch")
    resolver.resolve_pending()
    (project / "pkg" / "mod.py").write_text("def fetch():\n    return 1\n")
    assert resolver.is_coroutine_function("pkg.mod.fetch") is True  # still the cached answer
    resolver.invalidate()
    assert resolver.is_coroutine_function("pkg.mod.fetch") is None
    assert resolver.resolve_pending() is True
    assert resolver.is_coroutine_function("pkg.mod.fetch") is False


def _reported_lines(source: str, resolver) -> list[int]:
    result = lint(source, {"ASY110"}, resolver=resolver)
    assert result.internal_errors == []
    return [d.range.start_line + 1 for d in result.diagnostics]


def test_asy110_with_jedi_resolver_flags_imported_coroutines(project: Path) -> None:
    app = project / "pkg" / "app.py"
    source = app.read_text()
    lines = source.splitlines()
    expected = [lines.index(line) + 1 for line in ("    fetch()", "    mod.fetch()", "    Client.ping()", "    client.get()")]
    assert _reported_lines(source, JediResolver(str(app), str(project))) == expected
    assert _reported_lines(source, None) == []


def test_asy110_with_deferred_resolver_flags_after_resolving(project: Path) -> None:
    app = project / "pkg" / "app.py"
    source = app.read_text()
    resolver = DeferredResolver(str(app), str(project))
    assert _reported_lines(source, resolver) == []
    assert resolver.resolve_pending() is True
    assert len(_reported_lines(source, resolver)) == 4


def test_asy110_asks_only_about_project_callees_in_coroutines(project: Path) -> None:
    asked: list[str] = []

    class Recording:
        def is_coroutine_function(self, qualified_name: str) -> bool | None:
            asked.append(qualified_name)
            return True

    source = textwrap.dedent('''
        import os
        import requests
        from .helpers import make_client, notify
        from pkg.mod import Client, fetch


        async def handler():
            os.getcwd()
            requests.get("https://example.com")
            notify()
            fetch()
            Client().close()
            make_client().close()  # the model cannot type what a function returns


        def sync_code():
            notify()  # jedi is asked only about calls in coroutines
    ''')
    assert len(_reported_lines(source, Recording())) == 3
    assert asked == [".helpers.notify", "pkg.mod.fetch", "pkg.mod.Client.close"]
