from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of

#: factories of a new event loop, which the caller owns and must close
LOOP_FACTORIES = frozenset({"asyncio.new_event_loop", "asyncio.events.new_event_loop", "uvloop.new_event_loop"})

#: calls a loop can be handed to without passing on its ownership
NON_OWNING_CALLS = frozenset({"asyncio.set_event_loop", "asyncio.events.set_event_loop"})


class EventLoopNeverClosed(Rule):
    """
    ## What it does
    Finds `loop = asyncio.new_event_loop()` (or uvloop's) where nothing ever calls `loop.close()`:
    the loop is only run, and neither returned, stored nor passed on.

    ## Why is this bad?
    A loop made with `new_event_loop()` belongs to the code that made it. Until it is closed it
    keeps its selector, its self-pipe sockets and its default executor's threads; an unclosed loop
    leaks file descriptors each time the code runs, and Python warns
    `ResourceWarning: unclosed event loop`. Async generators and the executor are only shut down
    cleanly by `shutdown_asyncgens()` / `shutdown_default_executor()` before `close()`.

    ## Example
    ```python
    import asyncio

    def sync_fetch(url):
        loop = asyncio.new_event_loop()
        return loop.run_until_complete(fetch(url))
    ```

    ## Use instead
    ```python
    import asyncio

    def sync_fetch(url):
        return asyncio.run(fetch(url))
    ```
    or, to keep one loop across calls, `with asyncio.Runner() as runner:` (Python 3.11+), or
    close the loop in a `finally:` block.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["ASY131"]`. A loop installed
    once as a thread's current loop for the thread's lifetime, or one that lives until the process
    exits, leaks nothing worth closing; on the real-application corpus more than half of the sampled
    findings were such loops. Enable it to find loops made per call.

    ## Fix safety
    No automatic fix: whether to switch to `asyncio.run()`, a `Runner`, or a `try`/`finally` that
    closes the loop depends on how long the loop must live.
    """

    code = "ASY131"
    name = "event-loop-never-closed"
    opt_in = True
    framework = "asyncio"
    severity = Severity.WARNING
    summary = "Event loop from `new_event_loop()` is never closed"
    guidelines = (Quote("asyncio", "Event Loop Management", "Create proper loop closing"),)
    node_types = (ast.Call,)
    callees = callees_of(LOOP_FACTORIES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        factory = model.qualified_name(node.func)
        if factory not in LOOP_FACTORIES:
            return
        binding = model.bound_to(node)
        if binding is None or binding.scope.kind == "class":
            return  # not kept in a local name (stored, returned, passed on, closed by `contextlib.closing`): owned elsewhere
        for reference in model.references(binding):
            kind, where = model.value_use(reference)
            if kind == "receiver":
                assert isinstance(where, ast.Attribute)
                if where.attr == "close":
                    return
            elif kind == "argument":
                assert isinstance(where, ast.Call)
                if model.qualified_name(where.func) not in NON_OWNING_CALLS:
                    return  # handed to code that may close it
            else:
                return  # returned, stored, aliased or yielded: closed elsewhere, perhaps
        message = (
            f"the event loop `{binding.name}` from `{factory.rsplit('.', 1)[-1]}()` in {model.context_label(node)} is never "
            f"closed: it leaks its selector, sockets and executor threads; use `asyncio.run()` or "
            f"`asyncio.Runner`, or call `{binding.name}.close()` in a `finally:` block"
        )
        yield self.diagnostic(node, model, message)
