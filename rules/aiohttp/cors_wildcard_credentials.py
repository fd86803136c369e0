from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import qualified

RESOURCE_OPTIONS = "aiohttp_cors.ResourceOptions"


class CorsWildcardWithCredentials(Rule):
    """
    ## What it does
    Finds `aiohttp_cors` configurations that allow every origin (`"*"`) with
    `ResourceOptions(allow_credentials=True)`, in `aiohttp_cors.setup(app, defaults={...})`,
    `cors.add(route, {...})` or any other origin mapping.

    ## Why is this bad?
    Browsers refuse `Access-Control-Allow-Origin: *` together with credentials, so
    `aiohttp_cors` answers a `"*"` origin by echoing back whatever origin asked. Any web site a
    logged-in user visits can then call the API with the user's cookies and read the answers:
    account data, CSRF tokens, everything the user can see.

    ## Example
    ```python
    cors = aiohttp_cors.setup(app, defaults={
        "*": aiohttp_cors.ResourceOptions(allow_credentials=True, allow_headers="*"),
    })
    ```

    ## Use instead
    List the origins that may send credentials:
    ```python
    cors = aiohttp_cors.setup(app, defaults={
        "https://app.example.com": aiohttp_cors.ResourceOptions(allow_credentials=True, allow_headers="*"),
    })
    ```

    ## Fix safety
    There is no automatic fix: only the application knows its trusted origins.
    """

    code = "AIO016"
    name = "aiohttp-cors-wildcard-with-credentials"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "`aiohttp_cors` allows any origin (`\"*\"`) with credentials"
    guidelines = (
        Quote("aiohttp", "Security", "Implement proper CORS configuration"),
        Quote("aiohttp", "Middleware", "Use proper CORS middleware"),
        Quote("aiohttp", "Key Principles", "Create secure and responsive web applications"),
    )
    node_types = (ast.Dict,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values):
            if not (isinstance(key, ast.Constant) and key.value == "*"):
                continue
            options = _resource_options(model, value)
            if options is None:
                continue
            credentials = keyword(options, "allow_credentials")
            if isinstance(credentials, ast.Constant) and credentials.value is True:
                yield self.diagnostic(
                    value,
                    model,
                    "CORS allows any origin (`\"*\"`) with `allow_credentials=True`: aiohttp_cors then reflects "
                    "every requesting origin, so any site can make authenticated requests and read the answers; "
                    "list the trusted origins instead of `\"*\"`",
                )


def _resource_options(model: SemanticModel, value: ast.expr) -> ast.Call | None:
    """The ``ResourceOptions(...)`` call ``value`` is, directly or through a name bound to it."""
    if isinstance(value, ast.Name):
        binding = model.lookup(value.id, value)
        value = binding.value if binding is not None and binding.value is not None else value
    if isinstance(value, ast.Call) and qualified(model, value.func) == RESOURCE_OPTIONS:
        return value
    return None
