"""Keeping the garbage collector off the keystroke path.

Each lint makes a semantic model of tens of thousands of objects, which the server keeps until
the document's next lint. Left to the collector, each model would be traced again and again as it
ages (young generation, middle generation, then every full collection, together with all that
jedi caches), and its reference cycles (parent links) would wait for a full collection: pauses of
a hundred milliseconds and more at 7,000 lines, landing on whichever keystroke triggers them
(``benchmarks/README.md``).

So the server keeps its models out of the collector's sight. Right after a lint, ``gc.freeze()``
moves every object then alive, the new model with it, to the permanent generation, which no
collection traces. A model the server drops is taken apart (``SemanticModel.release``) right after
the message that replaced it is handled, so that reference counting frees it. Anything else the
freeze caught that later becomes cyclic garbage (a finished request's objects, a closed document's)
is reclaimed by one full collection once the server has been idle for ``IDLE_COLLECTION_SECONDS``,
or, when it is never idle that long (a client opening and closing documents one after the other),
as soon as the frozen generation has grown by ``FROZEN_GROWTH`` over the least it held since the
last full collection (models of closed documents, freed by reference counting, shrink it): each
full collection then costs about as much as the growth before it, as CPython's own rule for its
oldest generation has it.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from asyncguide.rules.model import SemanticModel

#: how long the server waits without linting before the full collection
IDLE_COLLECTION_SECONDS = 5.0
#: the share by which the frozen generation may grow before a full collection runs, idle or not
FROZEN_GROWTH = 0.25

_idle_collection: asyncio.TimerHandle | None = None
#: the fewest objects seen frozen since the last full collection (right after it; before the first
#: one, at the first freeze): about what is alive, which growth is measured against
_frozen_least = 0
#: objects frozen since the frozen generation was last counted (an upper bound of its growth:
#: some of them, a replaced model's, are freed since); counting it walks every frozen object, so
#: it is counted only once this passes ``FROZEN_GROWTH`` of it
_frozen_since_count = 0


@contextmanager
def models_kept_out_of_sight() -> Iterator[None]:
    """Run a lint whose model is kept: no collection during it, everything alive frozen after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freezing = sum(len(gc.get_objects(generation)) for generation in range(3))
        gc.freeze()
        if collecting:
            gc.enable()
        if _frozen_generation_grew(freezing):
            _collect_soon()
        else:
            _collect_when_idle()


def _frozen_generation_grew(freezing: int) -> bool:
    """True when the frozen generation has grown by ``FROZEN_GROWTH`` over the least it held."""
    global _frozen_since_count, _frozen_least
    if not _frozen_least:
        # the first freeze, after the session's first lint: what it holds (the server's start-up,
        # the model) is the baseline; a full collection now would trace all of it on the way to the
        # first diagnostics (~25 ms), for the little garbage the idle collection frees anyway
        _frozen_least = gc.get_freeze_count()
        return False
    _frozen_since_count += freezing
    if _frozen_since_count <= _frozen_least * FROZEN_GROWTH:
        return False
    _frozen_since_count = 0
    frozen = gc.get_freeze_count()
    if frozen > _frozen_least * (1 + FROZEN_GROWTH):
        return True
    _frozen_least = min(_frozen_least, frozen)
    return False


def drop(model: SemanticModel) -> None:
    """Release a model the server no longer keeps, once the message being handled is done."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not serving (a unit test): nothing to wait for
        model.release()
    else:
        loop.call_soon(model.release)


def _collect_soon() -> None:
    """The full collection, once the message being handled is done (at once when not serving)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        collect_frozen_garbage()
        return
    if _idle_collection is not None:
        _idle_collection.cancel()
    loop.call_soon(collect_frozen_garbage)


def _collect_when_idle() -> None:
    global _idle_collection
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if _idle_collection is not None:
        _idle_collection.cancel()
    _idle_collection = loop.call_later(IDLE_COLLECTION_SECONDS, collect_frozen_garbage)


def collect_frozen_garbage() -> None:
    """One full collection over everything, frozen objects included, then freeze the survivors."""
    global _idle_collection, _frozen_least, _frozen_since_count
    _idle_collection = None
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _frozen_least = gc.get_freeze_count()
    _frozen_since_count = 0
