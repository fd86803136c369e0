from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: accessors of the implicit "current" loop
CURRENT_LOOP = frozenset({"tornado.ioloop.IOLoop.current", "tornado.ioloop.IOLoop.instance"})


class IOLoopStartEntryPoint(Rule):
    """
    ## What it does
    Finds `IOLoop.current().start()` (or `IOLoop.instance().start()`, or `.start()` on a name
    bound to either) outside coroutines: the classic last line of a Tornado program's `main`.
    Loops created explicitly (`IOLoop()`, e.g. for a thread of their own) are left alone.

    ## Why is this bad?
    `IOLoop.current()` called while no loop runs makes one implicitly, through
    `asyncio.get_event_loop()`: deprecated since Tornado 6.2 and Python 3.10, and warned about
    (`DeprecationWarning: There is no current event loop`) by the Python versions in between.
    Everything set up before `start()` (servers, periodic callbacks, clients) runs outside any
    loop. Tornado's documentation now starts programs with `asyncio.run(main())`, which creates
    the loop, runs `main` in it and closes it cleanly.

    ## Example
    ```python
    import tornado.ioloop
    import tornado.web

    if __name__ == "__main__":
        app = tornado.web.Application(handlers)
        app.listen(8888)
        tornado.ioloop.IOLoop.current().start()
    ```

    ## Use instead
    ```python
    import asyncio

    import tornado.web

    async def main():
        app = tornado.web.Application(handlers)
        app.listen(8888)
        await asyncio.Event().wait()

    if __name__ == "__main__":
        asyncio.run(main())
    ```

    ## Fix safety
    There is no automatic fix: the set-up before `start()` has to move into a coroutine, and a
    shutdown path (a signal handler stopping the loop) becomes setting the event `main` waits for.
    """

    code = "TOR013"
    name = "ioloop-start-entry-point"
    framework = "tornado"
    severity = Severity.INFORMATION
    summary = "`IOLoop.current().start()` as the entry point instead of `asyncio.run(main())`"
    guidelines = (
        Quote("tornado", "Tornado Project Structure", "Use proper entry point structure"),
        Quote("tornado", "Deployment", "Use proper process management"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"start"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "start") or node.args or node.keywords:
            return
        if model.in_async_context(node) or not _current_loop(model, func.value):
            return
        message = (
            f"`{model.segment(node)}` starts an implicitly created loop (deprecated since Tornado 6.2 and Python 3.10); "
            "set the application up in `async def main()` and run it with `asyncio.run(main())`"
        )
        yield self.diagnostic(node, model, message)


def _current_loop(model: SemanticModel, receiver: ast.expr) -> bool:
    """True for ``IOLoop.current()`` / ``IOLoop.instance()``, or a name bound only to one."""
    if isinstance(receiver, ast.Call):
        return model.qualified_name(receiver.func) in CURRENT_LOOP
    if isinstance(receiver, ast.Name):
        binding = model.lookup(receiver.id, receiver)
        if binding is None or binding.kind != "assignment":
            return False
        bindings = binding.scope.bindings.get(receiver.id, [])
        return all(b.kind == "assignment" and b.value is not None and _current_loop(model, b.value) for b in bindings)
    return False
