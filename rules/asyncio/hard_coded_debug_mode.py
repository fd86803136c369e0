from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..scripts import is_main_guard

#: calls that take ``debug=`` to switch asyncio's debug mode on
DEBUG_KEYWORD_CALLS = frozenset({"asyncio.run", "asyncio.runners.run", "asyncio.Runner", "asyncio.runners.Runner"})


class HardCodedDebugMode(Rule):
    """
    ## What it does
    Finds asyncio's debug mode switched on unconditionally: `asyncio.run(..., debug=True)`,
    `asyncio.Runner(debug=True)` or `loop.set_debug(True)`, outside any `if` and outside test
    functions (`if __name__ == "__main__":` is no condition).

    ## Why is this bad?
    Debug mode is a development aid: it records a traceback for every coroutine and callback,
    checks thread safety on each call and logs every callback slower than 100 ms. Hard-coded, it
    ships to production, where it slows the event loop and floods the logs. Debug mode is meant
    to be switched on from outside: `PYTHONASYNCIODEBUG=1` or `python -X dev`, or a setting.

    ## Example
    ```python
    import asyncio

    if __name__ == "__main__":
        asyncio.run(main(), debug=True)
    ```

    ## Use instead
    ```python
    import asyncio

    if __name__ == "__main__":
        asyncio.run(main())  # PYTHONASYNCIODEBUG=1 or python -X dev while developing
    ```
    or `asyncio.run(main(), debug=settings.debug)`.

    ## Fix safety
    No automatic fix: where the switch should come from (an environment variable, a setting, a
    command-line flag) is the project's choice.
    """

    code = "ASY132"
    name = "hard-coded-asyncio-debug"
    framework = "asyncio"
    severity = Severity.INFORMATION
    summary = "asyncio debug mode switched on unconditionally"
    guidelines = (
        Quote("asyncio", "Event Loop Management", "Use proper debug mode"),
        Quote("asyncio", "Debugging", "Use proper debug mode"),
    )
    node_types = (ast.Call,)
    callees = callees_of(DEBUG_KEYWORD_CALLS, {"set_debug"})  # and `loop.set_debug()`

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name in DEBUG_KEYWORD_CALLS:
            switch = keyword(node, "debug")
            shown = f"{name.replace('.runners.', '.')}(debug=True)"
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "set_debug" and model.is_event_loop(node.func.value):
            switch = argument(node, 0, "enabled")
            shown = f"{model.segment(node.func)}(True)"
        else:
            return
        if not (isinstance(switch, ast.Constant) and switch.value is True):
            return  # off, or taken from a setting
        if any(isinstance(ancestor, (ast.If, ast.IfExp)) and not is_main_guard(ancestor.test) for ancestor in model.ancestors(node)):
            return  # switched on under a condition (a setting, an environment variable)
        function = model.enclosing_function(node)
        if function is not None and function.name.startswith("test"):
            return  # tests are where debug mode belongs
        message = (
            f"`{shown}` in {model.context_label(node)} switches asyncio's debug mode on for every run, "
            "production included, where it slows the loop and floods the logs; enable it with "
            "`PYTHONASYNCIODEBUG=1`, `python -X dev` or a setting"
        )
        yield self.diagnostic(switch, model, message)
