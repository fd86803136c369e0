from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import configured_middleware
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import middleware_callees, strings

TRUSTED_HOST_MIDDLEWARE = frozenset(
    {"starlette.middleware.trustedhost.TrustedHostMiddleware", "fastapi.middleware.trustedhost.TrustedHostMiddleware"}
)
#: ``TrustedHostMiddleware(app, allowed_hosts=None, www_redirect=True)``
ALLOWED_HOSTS_POSITION = 1


class TrustedHostWildcard(Rule):
    """
    ## What it does
    Finds `TrustedHostMiddleware` that trusts every host: `allowed_hosts=["*"]` (a `"*"` anywhere
    in the list, also through a module-level name), or no `allowed_hosts` at all, which Starlette
    reads as `["*"]`. It checks the middleware however it is added: `Middleware(...)`,
    `app.add_middleware(...)` or `TrustedHostMiddleware(app, ...)`.

    ## Why is this bad?
    The middleware is there to reject requests whose `Host` header names a host the application
    does not serve. With `"*"` it accepts every host and does nothing, while the code looks
    protected. The `Host` header is attacker-controlled: password-reset links, redirects and
    absolute URLs built with `request.url_for(...)` then point wherever the attacker wants
    (host header injection, cache poisoning).

    ## Example
    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=["*"])]
    ```

    ## Use instead
    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=["example.com", "*.example.com"]),
    ]
    ```

    Read the list from configuration when it differs between environments.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA018"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `allowed_hosts=["*"]` makes the
    middleware do nothing: hardening not every deployment needs.

    ## Fix safety
    There is no automatic fix: only the application knows its host names.
    """

    code = "STA018"
    name = "trusted-host-wildcard"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`TrustedHostMiddleware` with `allowed_hosts=[\"*\"]` (or none) trusts every host"
    guidelines = (
        Quote(
            "starlette",
            "Security Implementation",
            "Use `TrustedHostMiddleware` to validate Host headers and prevent Host header attacks",
        ),
    )
    node_types = (ast.Call,)
    callees = middleware_callees(TRUSTED_HOST_MIDDLEWARE)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if configured_middleware(model, node) not in TRUSTED_HOST_MIDDLEWARE:
            return
        if any(kw.arg is None for kw in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return  # options we cannot see
        allowed = argument(node, ALLOWED_HOSTS_POSITION, "allowed_hosts")
        if allowed is None:
            reported, what = node, "without `allowed_hosts` (which defaults to `[\"*\"]`)"
        elif "*" in (strings(allowed, model) or ()):
            reported, what = allowed, "with `\"*\"` in `allowed_hosts`"
        else:
            return
        message = (
            f"`TrustedHostMiddleware` {what} accepts every `Host` header and protects nothing; "
            "list the host names the application serves, e.g. `allowed_hosts=[\"example.com\", \"*.example.com\"]`"
        )
        yield self.diagnostic(reported, model, message)
