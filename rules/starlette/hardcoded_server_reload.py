from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.starlette import is_true

#: uvicorn's entry points that take server options
SERVER_CALLS = frozenset({"uvicorn.run", "uvicorn.main.run", "uvicorn.Config", "uvicorn.config.Config"})
#: development switches -> what each does, for the message
DEVELOPMENT_OPTIONS = {
    "reload": "restarts the server on every file change and serves from a single process",
    "debug": "turns on the development mode of old uvicorn releases (reloading, tracebacks) and is refused by new ones",
}


class HardcodedServerReload(Rule):
    """
    ## What it does
    Finds development switches written as literals into the code that starts the server:
    `uvicorn.run(..., reload=True)`, `uvicorn.Config(..., reload=True)`, and the same with
    `debug=True`, in a module of a Starlette or FastAPI app (the `if __name__ == "__main__":`
    block included).

    ## Why is this bad?
    Whoever runs the module runs the development server: in production too, when the container or
    service starts it with `python main.py`. Reloading watches the source tree, restarts the app
    (dropping connections and in-flight requests) whenever a file changes, and runs a single
    worker process. These are settings of the environment, not of the code.

    ## Example
    ```python
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    if __name__ == "__main__":
        uvicorn.run("main:app", host="0.0.0.0", port=8000, reload=True)
    ```

    ## Use instead
    ```python
    import uvicorn
    from fastapi import FastAPI
    from starlette.config import Config

    config = Config(".env")
    app = FastAPI()

    if __name__ == "__main__":
        uvicorn.run("main:app", host="0.0.0.0", port=8000, reload=config("RELOAD", cast=bool, default=False))
    ```

    Or leave the server's options to its command line: `uvicorn main:app --reload` in development,
    `uvicorn main:app --workers 4` in production.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA021"]`. A hard-coded debug
    or reload flag is most often in a development entry point or demo code (under `if __name__ ==
    "__main__":`, a local run script), where it is what the author wants; the rule cannot tell that
    entry point from the production one. Enable it to make sure no such flag reaches a deployed
    application.

    ## Fix safety
    There is no automatic fix: where the setting should come from is the project's choice.
    """

    code = "STA021"
    name = "hardcoded-server-reload"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`uvicorn.run(..., reload=True)` or `debug=True` hard-coded in application code"
    guidelines = (
        Quote("starlette", "Production Deployment", "Run with production ASGI servers: Uvicorn, Hypercorn, or Daphne"),
        Quote(
            "starlette",
            "Production Deployment",
            "Set environment-specific configuration using `Config` class with `.env` files",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(SERVER_CALLS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in SERVER_CALLS:
            return
        for option, effect in DEVELOPMENT_OPTIONS.items():
            value = keyword(node, option)
            if is_true(value):
                message = (
                    f"`{option}=True` is hard-coded in `{model.segment(node.func)}(...)`: it {effect}, wherever the "
                    f"module runs; read it from the environment, e.g. `config(\"{option.upper()}\", cast=bool, default=False)`, "
                    f"or pass it on the command line"
                )
                yield self.diagnostic(value, model, message)  # type: ignore[arg-type]
