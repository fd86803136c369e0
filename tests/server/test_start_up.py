"""``serve``'s start-up (``server/start_up.py``): the collector off and the code cache in use until
the first diagnostics are out, or until the server stops waiting for them; the first lint's work
done while the client reads ``initialize``'s answer."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from asyncguide.server.generated_code import DISABLE_VARIABLE, MIN_MISSES_TO_WRITE, cache_file, read
from asyncguide.server.lsp import create_server, project
from asyncguide.rules import registry
from asyncguide.server.lsp.workspace import finish_start_up, prepare_first_lint
from asyncguide.server.start_up import StartUp


@pytest.fixture(autouse=True)
def collector_restored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The user's cache in ``tmp_path``; the test process's collector as it was."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    yield
    gc.unfreeze()
    gc.enable()


def test_the_collector_is_off_until_the_start_up_finishes() -> None:
    start_up = StartUp()
    assert not gc.isenabled()
    assert start_up.code_cache is not None and start_up.code_cache.installed
    save = start_up.finish()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    assert save is not None and start_up.code_cache is None
    assert start_up.finish() is None  # finished once


def test_a_collector_that_was_off_stays_off_and_a_disabled_cache_saves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_VARIABLE, "1")
    gc.disable()
    start_up = StartUp()
    assert start_up.code_cache is None
    assert start_up.finish() is None
    assert not gc.isenabled()


def finish_in_a_server(first_diagnostics: bool) -> None:
    """``finish_start_up`` in a server whose first diagnostics are out, or never come."""

    async def serve() -> None:
        ls = create_server()
        start_up = StartUp()
        for number in range(MIN_MISSES_TO_WRITE):  # compiled through the cache: saved
            attrs.make_class(f"Made{number}", ["a"])
        ls.start_up = start_up
        if first_diagnostics:
            ls.first_diagnostics.set()
        await finish_start_up(ls, start_up)
        assert ls.start_up is None

    asyncio.run(serve())


def test_the_start_up_finishes_after_the_first_diagnostics() -> None:
    finish_in_a_server(first_diagnostics=True)
    assert gc.isenabled()
    path = cache_file()
    assert path is not None and len(read(path)) == MIN_MISSES_TO_WRITE


def test_the_start_up_finishes_without_diagnostics_before_the_index_begins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project, "INDEX_WAIT", 0.01)
    finish_in_a_server(first_diagnostics=False)
    assert gc.isenabled()


def test_the_first_lint_is_prepared_with_every_rule_loaded_and_the_start_frozen() -> None:
    gc.unfreeze()
    prepare_first_lint()
    assert registry._packs_loaded and len(registry.all_rules()) > 200
    assert gc.get_freeze_count() > 0
