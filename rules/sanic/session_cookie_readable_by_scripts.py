from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..secrets import is_credential_cookie, is_script_read_cookie
from ..frameworks.sanic import string


class SessionCookieReadableByScripts(Rule):
    """
    ## What it does
    Finds Sanic `response.add_cookie(...)` calls that set a session or credential cookie (a name such as
    `session`, `PHPSESSID`, `auth_token`, `jwt`, `sid`, `remember_me`, `login` or `credentials`)
    without `httponly=True`, or with `secure=False`.

    ## Why is this bad?
    Sanic's `add_cookie` sets `secure=True` but `httponly=False` by default, so a session cookie is
    readable from JavaScript: one cross-site scripting hole anywhere on the site lets an attacker's
    script send `document.cookie` away and take over the session. `secure=False` sends the cookie
    over plain HTTP too, where anyone on the network can read it.

    ## Example
    ```python
    @app.post("/login")
    async def login(request):
        response = json({"ok": True})
        response.add_cookie("session", await create_session(request))
        return response
    ```

    ## Use instead
    ```python
    @app.post("/login")
    async def login(request):
        response = json({"ok": True})
        response.add_cookie("session", await create_session(request), httponly=True, samesite="Lax")
        return response
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN024"]`. It found nothing on
    the real-application corpus, and it is not a definite error: cookie hardening (`httponly`, `secure`)
    that not every deployment needs, like STA004.

    ## Fix safety
    There is no automatic fix: if the site's own scripts read the cookie, `httponly=True` breaks
    them, and they have to get what they need another way.
    """

    code = "SAN024"
    name = "session-cookie-readable-by-scripts"
    opt_in = True
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Session cookie set without `httponly=True` (or with `secure=False`)"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Use proper cookie management"),
        Quote("sanic", "Security", "Use proper session security"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"add_cookie"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "add_cookie"):
            return
        name_node = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "key"), None)
        name = string(name_node)
        if name is None or not is_credential_cookie(name) or is_script_read_cookie(name):  # scripts read CSRF tokens on purpose
            return
        if any(keyword.arg is None for keyword in node.keywords):  # **options: the flags may be in there
            return
        flags = {keyword.arg: keyword.value for keyword in node.keywords}
        problems = []
        httponly = flags.get("httponly")
        if httponly is None or (isinstance(httponly, ast.Constant) and not httponly.value):
            problems.append("without `httponly=True` scripts on the page can read it (Sanic's default is `False`)")
        secure = flags.get("secure")
        if isinstance(secure, ast.Constant) and not secure.value:
            problems.append("with `secure=False` it is also sent over plain HTTP")
        if not problems:
            return
        message = (
            f"cookie {name!r} set in {model.context_label(node)} holds a session or credential: "
            + "; ".join(problems)
            + "; set `httponly=True` and keep `secure=True`"
        )
        yield self.diagnostic(node, model, message)
