from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import applications, setting_constant

#: development settings -> what they do in production
DEVELOPMENT_SETTINGS = {
    "debug": "turns on autoreload and tracebacks in error pages, and turns off template and static file caching",
    "autoreload": "restarts the server process whenever a source file changes",
    "serve_traceback": "sends the traceback of every unhandled error to the client",
}


class HardcodedDebug(Rule):
    """
    ## What it does
    Finds `debug=True`, `autoreload=True` and `serve_traceback=True` written as literals (or
    module constants) in a Tornado application's settings: `Application(...)` keywords,
    `**settings` dicts the module spells out, and `super().__init__(handlers, **settings)` in
    `Application` subclasses.

    ## Why is this bad?
    These are development settings. `serve_traceback` (which `debug` turns on) answers every
    unhandled exception with the full traceback, source paths and local values included, to
    whoever sent the request; `autoreload` (also part of `debug`) restarts the process when a
    file changes, dropping in-flight requests, and cannot work with multiple processes; `debug`
    also turns off template and static-file caching. A literal `True` ships to production the
    moment the module does.

    ## Example
    ```python
    from tornado import web

    app = web.Application(handlers, debug=True)
    ```

    ## Use instead
    ```python
    from tornado import web
    from tornado.options import define, options

    define("debug", default=False, help="run in development mode")

    def make_app():
        return web.Application(handlers, debug=options.debug)
    ```

    Development machines start the server with `--debug=true` (or set it in a config file);
    production runs with the default.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["TOR008"]`. A hard-coded debug
    or reload flag is most often in a development entry point or demo code (under `if __name__ ==
    "__main__":`, a local run script), where it is what the author wants; the rule cannot tell that
    entry point from the production one. Enable it to make sure no such flag reaches a deployed
    application.

    ## Fix safety
    There is no automatic fix: where the flag comes from (`tornado.options`, an environment
    variable, a config file) is the application's decision.
    """

    code = "TOR008"
    name = "hardcoded-debug-settings"
    opt_in = True
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`debug=True`, `autoreload=True` or `serve_traceback=True` hard-coded in a Tornado application"
    guidelines = (
        Quote("tornado", "Logging and Debugging", "Implement effective debug mode"),
        Quote("tornado", "Logging and Debugging", "Implement proper traceback display"),
        Quote("tornado", "Deployment", "Use proper environment configuration"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        reported: set[int] = set()
        for setup in applications(model):
            for name, effect in DEVELOPMENT_SETTINGS.items():
                value = setup.settings.get(name)
                literal = setting_constant(model, value) if value is not None else None
                if literal is None or literal.value is not True or id(value) in reported:
                    continue
                reported.add(id(value))
                message = (
                    f"`{name}=True` is hard-coded in the application's settings: in production it {effect}; "
                    "read it from configuration (`options.debug`, an environment variable)"
                )
                yield self.diagnostic(value, model, message)
