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
