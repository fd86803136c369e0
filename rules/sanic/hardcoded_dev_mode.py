from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_app

#: methods of a Sanic app that start (or prepare) its server
SERVER_METHODS = frozenset({"run", "prepare", "create_server"})
#: development switches -> what they do, for messages
DEVELOPMENT_OPTIONS = {
    "debug": "sends tracebacks and source details of every error to the client",
    "auto_reload": "watches the source tree and restarts the workers when a file changes",
    "dev": "turns on debug mode (tracebacks sent to clients) and auto-reload",
}


class HardcodedDevMode(Rule):
    """
    ## What it does
    Finds `debug=True`, `auto_reload=True` and `dev=True` written into `app.run(...)`,
    `app.prepare(...)` or `app.create_server(...)` of a Sanic application.

    ## Why is this bad?
    These are development switches. In debug mode Sanic renders the traceback of every unhandled
    exception into the error response, showing clients file paths, code and values, and it logs
    far more. Auto-reload runs an extra process that watches the source tree and restarts the
    workers whenever a file changes. Written into the code, they go to production with it.

    ## Example
    ```python
    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=8000, debug=True, auto_reload=True)
    ```

    ## Use instead
    Choose the mode where the server starts, not in the code:
    ```python
    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=8000)
    ```
    and `sanic server:app --dev` while developing (or
    `debug=os.environ.get("SANIC_DEBUG") == "1"`).

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN005"]`. A hard-coded debug
    or reload flag is most often in a development entry point or demo code (under `if __name__ ==
    "__main__":`, a local run script), where it is what the author wants; the rule cannot tell that
    entry point from the production one. Enable it to make sure no such flag reaches a deployed
    application.

    ## Fix safety
    There is no automatic fix: removing the switch changes how the developers run the app; the
    setting has to move to the command line or the environment.
    """

    code = "SAN005"
    name = "hardcoded-dev-mode"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "`debug=True`, `auto_reload=True` or `dev=True` hard-coded in `app.run()`"
    guidelines = (
        Quote("sanic", "Deployment", "Use proper server configuration"),
        Quote("sanic", "Error Handling", "Implement proper debugging information"),
        Quote("sanic", "Configuration", "Implement proper environment-specific configs"),
        Quote("sanic", "Sanic Project Structure", "Use appropriate configuration management"),
    )
    node_types = (ast.Call,)
    callees = SERVER_METHODS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in SERVER_METHODS and is_app(model, func.value)):
            return
        for keyword in node.keywords:
            effect = DEVELOPMENT_OPTIONS.get(keyword.arg or "")
            if effect is None or not (isinstance(keyword.value, ast.Constant) and keyword.value.value is True):
                continue
            message = (
                f"`{keyword.arg}=True` is hard-coded in `{model.segment(func)}()`: in production it {effect}; "
                f"choose it where the server starts (`sanic --dev`, an environment variable)"
            )
            yield self.diagnostic(keyword, model, message)
