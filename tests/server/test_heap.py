"""The server keeps its models out of the collector's sight and frees them by reference counting."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from asyncguide.rules.model import SemanticModel
from asyncguide.server.lsp import heap

SOURCE = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Leave the test process's collector as it was."""
    yield
    gc.unfreeze()
    gc.enable()


def test_a_kept_model_is_frozen_and_collection_resumes() -> None:
    gc.unfreeze()
    with heap.models_kept_out_of_sight():
        assert not gc.isenabled()  # no collection while the model is made
        model = SemanticModel.build(SOURCE)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert model.tree.body  # the model stays whole: frozen only means "not traced"


def test_a_dropped_model_is_released_after_the_message_being_handled() -> None:
    async def handle() -> tuple[bool, bool]:
        model = SemanticModel.build(SOURCE)
        heap.drop(model)
        before = bool(model.__dict__)
        await asyncio.sleep(0)
        return before, bool(model.__dict__)

    whole_during, whole_after = asyncio.run(handle())
    assert whole_during and not whole_after


def test_a_frozen_dropped_model_is_freed_without_the_collector() -> None:
    with heap.models_kept_out_of_sight():
        model = SemanticModel.build(SOURCE)
    tree = weakref.ref(model.tree.body[0])
    gc.disable()
    heap.drop(model)  # no event loop: released at once
    del model
    assert tree() is None


def test_the_idle_collection_frees_frozen_cycles() -> None:
    class Cycle:
        pass

    with heap.models_kept_out_of_sight():
        garbage = Cycle()
        garbage.me = garbage  # type: ignore[attr-defined]
    alive = weakref.ref(garbage)
    del garbage
    gc.collect()
    assert alive() is not None  # frozen: an ordinary collection does not see it
    heap.collect_frozen_garbage()
    assert alive() is None
    assert gc.get_freeze_count() > 0  # the survivors are frozen again


class Cycle:
    """Cyclic garbage: only a collection frees it."""

    def __init__(self) -> None:
        self.me = self


def test_frozen_garbage_is_collected_without_idling_once_the_frozen_generation_grows() -> None:
    heap.collect_frozen_garbage()  # the baseline: what is frozen now
    per_lint = int(gc.get_freeze_count() * heap.FROZEN_GROWTH / 3)
    first: weakref.ref[Cycle] | None = None
    for _ in range(5):  # lints, each freezing objects of its request that die right after
        with heap.models_kept_out_of_sight():
            garbage = [Cycle() for _ in range(per_lint)]
        first = first or weakref.ref(garbage[0])
        del garbage
    # not serving (no event loop), the collection ran at once once the growth was seen, rather
    # than after the idle delay
    assert first is not None and first() is None


def test_a_little_frozen_garbage_waits_for_the_idle_collection() -> None:
    heap.collect_frozen_garbage()
    with heap.models_kept_out_of_sight():
        garbage = Cycle()
    alive = weakref.ref(garbage)
    del garbage
    with heap.models_kept_out_of_sight():
        pass
    assert alive() is not None  # frozen: no collection for so little
    heap.collect_frozen_garbage()
    assert alive() is None


def test_the_first_freeze_is_the_baseline_and_collects_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's first lint: its freeze holds the server's start-up, which a full collection
    would trace on the way to the first diagnostics."""
    monkeypatch.setattr(heap, "_frozen_least", 0)
    monkeypatch.setattr(heap, "_frozen_since_count", 0)
    with heap.models_kept_out_of_sight():
        garbage = Cycle()
        alive = weakref.ref(garbage)
        del garbage  # garbage by the time the lint ends
    assert alive() is not None  # not collected at once (no event loop: it would have been)
    assert heap._frozen_least > 0  # the baseline
    heap.collect_frozen_garbage()
    assert alive() is None
