from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import instance, qualified

STATIC_FUNCTION = "aiohttp.web.static"
ROUTE_TABLE = "aiohttp.web.RouteTableDef"


class UnsafeStaticRoute(Rule):
    """
    ## What it does
    Finds static routes (`app.router.add_static(...)`, `web.static(...)`, `routes.static(...)`)
    with `follow_symlinks=True` (reported as an error) or `show_index=True` (a warning).

    ## Why is this bad?
    `follow_symlinks=True` serves whatever a symbolic link under the static directory points
    to, anywhere on the disk. In aiohttp before 3.9.2 it also let a crafted URL such as
    `/static/../../etc/passwd` escape the directory altogether (CVE-2024-23334, exploited in the
    wild). Even patched, one stray link in an upload or build directory publishes files outside
    it.

    `show_index=True` lists the directory's files to anyone who asks: backups, source maps and
    forgotten exports become easy to find.

    Production deployments usually serve static files from the reverse proxy (nginx, a CDN),
    which is faster and not affected.

    ## Example
    ```python
    app.router.add_static("/static/", STATIC_DIR, follow_symlinks=True, show_index=True)
    ```

    ## Use instead
    ```python
    app.router.add_static("/static/", STATIC_DIR)
    ```

    ## Fix safety
    There is no automatic fix: a site that relies on symbolic links needs its files moved (or
    served by the proxy) first.
    """

    code = "AIO015"
    name = "unsafe-static-route"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "static route with `follow_symlinks=True` (CVE-2024-23334) or `show_index=True`"
    guidelines = (
        Quote("aiohttp", "Route and View Registration", "Implement proper static route handling"),
        Quote("aiohttp", "Security", "Create proper input validation"),
        Quote("aiohttp", "Key Principles", "Create secure and responsive web applications"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"add_static", "static"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        is_static = (
            (isinstance(func, ast.Attribute) and func.attr == "add_static")
            or qualified(model, func) == STATIC_FUNCTION
            or (isinstance(func, ast.Attribute) and func.attr == "static" and instance(model, func.value) == ROUTE_TABLE)
        )
        if not is_static:
            return
        for argument in node.keywords:
            enabled = isinstance(argument.value, ast.Constant) and argument.value.value is True
            if not enabled:
                continue
            if argument.arg == "follow_symlinks":
                yield self.diagnostic(
                    argument,
                    model,
                    "`follow_symlinks=True` on a static route serves files outside its directory through symbolic "
                    "links, and allows path traversal in aiohttp < 3.9.2 (CVE-2024-23334); remove it",
                )
            elif argument.arg == "show_index":
                diagnostic = self.diagnostic(
                    argument,
                    model,
                    "`show_index=True` on a static route lists the directory's files to every visitor; remove it",
                )
                diagnostic.severity = Severity.WARNING
                yield diagnostic
