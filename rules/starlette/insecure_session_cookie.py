from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..handlers import configured_middleware
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.starlette import middleware_callees

SESSION_MIDDLEWARE = "starlette.middleware.sessions.SessionMiddleware"
#: ``SessionMiddleware(app, secret_key, session_cookie, max_age, path, same_site, https_only, ...)``
SAME_SITE_POSITION = 5
HTTPS_ONLY_POSITION = 6


class InsecureSessionCookie(Rule):
    """
    ## What it does
    Finds `SessionMiddleware` configured without `https_only=True` (left out, or `False`), however
    it is added: directly, through `Middleware(SessionMiddleware, ...)` or
    `app.add_middleware(SessionMiddleware, ...)`. The message says so when the cookie is also
    `same_site="none"`.

    ## Why is this bad?
    Without `https_only=True` the session cookie lacks the `Secure` attribute: the browser also
    sends it over plain HTTP (a mistyped `http://` link, a downgrade on hostile Wi-Fi), where it can
    be read and replayed to take over the session. With `same_site="none"` it is worse: the cookie
    goes along with cross-site requests, and browsers reject `SameSite=None` cookies that are not
    `Secure`, so sessions silently stop working.

    ## Example
    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware

    middleware = [Middleware(SessionMiddleware, secret_key=SECRET_KEY)]
    ```

    ## Use instead
    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware

    middleware = [
        Middleware(SessionMiddleware, secret_key=SECRET_KEY, https_only=True, same_site="lax"),
    ]
    ```

    ## When to enable it
    In the opt-in group `opinion`: `extend-select = ["opinion"]` or `["STA004"]`. An application
    served only over HTTPS behind a proxy that sets HSTS, or only on a private network, has reasons
    to leave `https_only` off, and many real applications do so on purpose. Enable it when your
    application is reachable over plain HTTP.

    ## Fix safety
    Unsafe: with `https_only=True` the browser no longer sends the session cookie over plain HTTP,
    so a deployment (or a development setup on another host than `localhost`) that serves HTTP
    loses its sessions. The fix adds `https_only=True`, or turns a literal `False` into `True`.
    A computed value (`https_only=not settings.DEBUG`) and `**options` are left alone.
    """

    code = "STA004"
    name = "insecure-session-cookie"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`SessionMiddleware` without `https_only=True` sends the session cookie over plain HTTP"
    guidelines = (
        Quote(
            "starlette",
            "Security Implementation",
            "Configure `SessionMiddleware` with secure settings: `https_only=True`, appropriate `same_site` values",
        ),
    )
    node_types = (ast.Call,)
    callees = middleware_callees([SESSION_MIDDLEWARE])
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Set `https_only=True`"
    opt_in = True

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if configured_middleware(model, node) != SESSION_MIDDLEWARE:
            return
        if any(kw.arg is None for kw in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return  # options we cannot see
        https_only = argument(node, HTTPS_ONLY_POSITION, "https_only")
        if https_only is not None and not (isinstance(https_only, ast.Constant) and https_only.value is False):
            return
        same_site = argument(node, SAME_SITE_POSITION, "same_site")
        cross_site = isinstance(same_site, ast.Constant) and str(same_site.value).lower() == "none"
        message = "`SessionMiddleware` without `https_only=True` lets the browser send the session cookie over plain HTTP"
        if cross_site:
            message += ', and with `same_site="none"` browsers reject the cookie unless it is `Secure`'
        message += "; set `https_only=True`"
        reported = https_only if https_only is not None else _middleware_reference(node, model)
        yield self.diagnostic(reported, model, message, fix=Applicability.UNSAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        reported = context.node_at(diagnostic.range, ast.Constant, ast.Name, ast.Attribute)
        if reported is None:
            return None
        if isinstance(reported, ast.Constant) and reported.value is False:
            return Fix(self.fix_title, Applicability.UNSAFE, (context.replace(reported, "True"),))
        call = context.model.parent(reported)
        if not isinstance(call, ast.Call) or _middleware_reference(call, context.model) is not reported:
            return None
        return Fix(self.fix_title, Applicability.UNSAFE, (context.add_keyword_argument(call, "https_only", "True"),))


def _middleware_reference(call: ast.Call, model: SemanticModel) -> ast.expr:
    """Where ``SessionMiddleware`` is named: the callee, or the class given to ``Middleware``/``add_middleware``."""
    return call.func if model.qualified_name(call.func) == SESSION_MIDDLEWARE else call.args[0]
