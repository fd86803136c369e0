from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import configured_middleware
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import display, is_true, middleware_callees, strings

CORS_MIDDLEWARE = frozenset({"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"})
#: ``CORSMiddleware(app, allow_origins, allow_methods, allow_headers, allow_credentials, allow_origin_regex, ...)``
ALLOW_ORIGINS_POSITION = 1
ALLOW_CREDENTIALS_POSITION = 4
ALLOW_ORIGIN_REGEX_POSITION = 5
#: origins no application trusts: a regular expression that accepts them accepts any site
FOREIGN_ORIGINS = ("https://attacker.example", "http://evil.test")


class CorsAllOriginsWithCredentials(Rule):
    """
    ## What it does
    Finds `CORSMiddleware` configured with `allow_credentials=True` and every origin allowed:
    `allow_origins=["*"]`, or an `allow_origin_regex` that matches any site (`".*"`,
    `"https?://.*"`). It checks the middleware however it is added: `Middleware(CORSMiddleware, ...)`,
    `app.add_middleware(CORSMiddleware, ...)` or `CORSMiddleware(app, ...)`, with the origins
    written in the call or in a module-level list.

    ## Why is this bad?
    Browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests, so with
    `allow_credentials=True` Starlette answers every request that carries cookies with the
    requesting site's own origin instead, and `Access-Control-Allow-Credentials: true`. Any
    website a logged-in user visits can then call the API with the user's cookies and read the
    answers: their data, CSRF tokens, anything the session can reach. A regular expression that
    matches every origin does the same.

    ## Example
    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True),
    ]
    ```

    ## Use instead
    List the sites that may call the API with credentials:

    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=["https://app.example.com"],
            allow_credentials=True,
        ),
    ]
    ```

    A public API that needs no cookies keeps `allow_origins=["*"]` and drops
    `allow_credentials=True`.

    ## Fix safety
    There is no automatic fix: which origins to trust is the application's decision.
    """

    code = "STA013"
    name = "cors-all-origins-with-credentials"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`CORSMiddleware` allows every origin together with credentials"
    guidelines = (
        Quote(
            "starlette",
            "Middleware Implementation and Ordering",
            "Wrap entire application with global middleware like CORS for consistent error handling",
        ),
    )
    node_types = (ast.Call,)
    callees = middleware_callees(CORS_MIDDLEWARE)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if configured_middleware(model, node) not in CORS_MIDDLEWARE:
            return
        credentials = argument(node, ALLOW_CREDENTIALS_POSITION, "allow_credentials")
        if not is_true(display(credentials, model)):
            return
        origins = argument(node, ALLOW_ORIGINS_POSITION, "allow_origins")
        regex = argument(node, ALLOW_ORIGIN_REGEX_POSITION, "allow_origin_regex")
        if "*" in (strings(origins, model) or ()):
            reported, what = origins, 'allow_origins=["*"]'
        elif _matches_any_origin(display(regex, model)):
            reported, what = regex, f"allow_origin_regex={model.segment(display(regex, model))}"  # type: ignore[arg-type]
        else:
            return
        message = (
            f"`CORSMiddleware` with `{what}` and `allow_credentials=True` lets any website send requests with "
            "the user's cookies and read the responses (Starlette echoes the caller's origin); "
            "list the trusted origins in `allow_origins`"
        )
        yield self.diagnostic(reported, model, message)  # type: ignore[arg-type]


def _matches_any_origin(regex: ast.expr | None) -> bool:
    """True for a literal regular expression that accepts origins no application trusts."""
    if not (isinstance(regex, ast.Constant) and isinstance(regex.value, str)):
        return False
    try:
        compiled = re.compile(regex.value)
    except re.error:
        return False
    return all(compiled.fullmatch(origin) for origin in FOREIGN_ORIGINS)
