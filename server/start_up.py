"""What ``asyncguide serve`` does differently from its start until its first diagnostics are out.

Two costs of every start are avoided (``docs/editors/index.md``, "Start-up"):

- the code objects attrs, cattrs and dataclasses compile (for lsprotocol's classes above all)
  come from the user's cache (``generated_code``);
- the garbage collector is off. A start makes a few hundred thousand objects that live as long as
  the server (lsprotocol's classes, pygls, the rules); each collection the allocations trigger
  traces those made so far (about 25 ms of a start in all). Once the rules are loaded everything
  alive is frozen (``lsp.workspace.prepare_first_lint``, then after each lint, ``lsp.heap``), so
  they are never traced again; the few reference cycles a start leaves as garbage are freed by
  ``lsp.heap``'s full collection when the server is idle.

``finish`` ends both once the first diagnostics are out, or when the server stops waiting for
them (``lsp.workspace.finish_start_up``): the collector on, the cache saved in a worker thread.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from . import generated_code


class StartUp:
    def __init__(self) -> None:
        #: the collector was on when the start began: ``finish`` turns it back on
        self.collecting = gc.isenabled()
        gc.disable()
        self.code_cache = generated_code.start()

    def finish(self) -> Callable[[], object] | None:
        """End the start: what is left to do off the event loop (saving the code cache), if anything."""
        gc.freeze()
        if self.collecting:
            gc.enable()
            self.collecting = False
        cache, self.code_cache = self.code_cache, None
        if cache is None:
            return None
        cache.uninstall()
        return cache.save
