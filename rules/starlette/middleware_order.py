from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import configured_middleware
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.starlette import display

TAKES_MIDDLEWARE = frozenset(
    {
        "starlette.applications.Starlette",
        "starlette.Starlette",
        "starlette.routing.Route",
        "starlette.routing.WebSocketRoute",
        "starlette.routing.Mount",
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
    }
)


def _classes(*names: str) -> frozenset[str]:
    return frozenset(f"{package}.middleware.{name}" for package in ("starlette", "fastapi") for name in names)


#: middleware that rejects or redirects a request before anything should act on it
SECURITY = _classes("trustedhost.TrustedHostMiddleware", "httpsredirect.HTTPSRedirectMiddleware")
AUTHENTICATION = _classes("authentication.AuthenticationMiddleware")
SESSION = _classes("sessions.SessionMiddleware")


class MiddlewareOrder(Rule):
    """
    ## What it does
    Checks the order of a `middleware=[...]` list, where the first entry is the outermost
    layer and sees the request first. It reports:

    - `TrustedHostMiddleware` or `HTTPSRedirectMiddleware` listed after
      `SessionMiddleware` or `AuthenticationMiddleware`;
    - `AuthenticationMiddleware` listed before `SessionMiddleware`.

    ## Why is this bad?
    Security middleware rejects requests for unknown hosts and redirects plain HTTP; listed
    after the session or authentication layer, those requests are authenticated and get
    session cookies first (over plain HTTP, or for an attacker's `Host`). An authentication
    backend runs before the session exists when `AuthenticationMiddleware` comes first:
    `conn.session` fails with `AssertionError: SessionMiddleware must be installed`.

    ## Example
    ```python
    middleware = [
        Middleware(AuthenticationMiddleware, backend=SessionBackend()),
        Middleware(SessionMiddleware, secret_key=config("SECRET_KEY")),
        Middleware(TrustedHostMiddleware, allowed_hosts=["example.com"]),
    ]
    ```

    ## Use instead
    ```python
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=["example.com"]),
        Middleware(SessionMiddleware, secret_key=config("SECRET_KEY")),
        Middleware(AuthenticationMiddleware, backend=SessionBackend()),
    ]
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA035"]`. It found nothing on
    the real-application corpus, and it is not a definite error: middleware order is a design choice the
    rule cannot always judge.

    ## Fix safety
    There is no automatic fix: other middleware in the list may depend on the current order.
    """

    code = "STA035"
    name = "middleware-order"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "Security middleware after session/authentication, or authentication before sessions"
    guidelines = (
        Quote(
            "starlette",
            "Middleware Implementation and Ordering",
            "Apply middleware in correct order: security middleware first, then authentication, then application-specific middleware",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(TAKES_MIDDLEWARE)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in TAKES_MIDDLEWARE:
            return
        listed = display(keyword(node, "middleware"), model)
        if not isinstance(listed, (ast.List, ast.Tuple)):
            return
        seen: list[tuple[str, str]] = []  # (qualified class, shown name) of the entries so far
        for entry in listed.elts:
            if not isinstance(entry, ast.Call):
                continue
            configured = configured_middleware(model, entry)
            if configured is None or configured == model.qualified_name(entry.func):
                continue  # not a `Middleware(...)` entry
            shown = configured.rsplit(".", 1)[-1]
            if configured in SECURITY:
                inner = [name for cls, name in seen if cls in SESSION | AUTHENTICATION]
                if inner:
                    yield self.diagnostic(
                        entry,
                        model,
                        f"`{shown}` is listed after `{inner[0]}`, so requests it should reject or redirect are handled by "
                        f"`{inner[0]}` first; list security middleware first",
                    )
            if configured in SESSION:
                outer = [name for cls, name in seen if cls in AUTHENTICATION]
                if outer:
                    yield self.diagnostic(
                        entry,
                        model,
                        f"`{shown}` is listed after `{outer[0]}`: the authentication backend runs before the session "
                        f"exists (`conn.session` fails); list `{shown}` before `{outer[0]}`",
                    )
            seen.append((configured, shown))
