from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity
from ..secrets import is_credential_cookie, is_script_read_cookie
from ..frameworks.aiohttp import instance, is_aiohttp_handler, is_middleware

RESPONSE_TYPES = frozenset(
    {
        "aiohttp.web.Response",
        "aiohttp.web.StreamResponse",
        "aiohttp.web.FileResponse",
        "aiohttp.web.WebSocketResponse",
        "aiohttp.web.json_response",  # the model names a factory's result by the factory
    }
)


class InsecureSessionCookie(Rule):
    """
    ## What it does
    Finds `response.set_cookie(...)` in aiohttp code setting a session or credential cookie
    (a name such as `session`, `AIOHTTP_SESSION`, `auth_token`, `sid`, `jwt`) without
    `secure=True` or without `httponly=True`.

    ## Why is this bad?
    aiohttp's `set_cookie` sets neither flag by default. Without `Secure` the browser also sends
    the cookie over plain HTTP, where anyone on the network can read it and take over the
    session; without `HttpOnly` any script on the page, including one injected through an XSS
    hole, can read it. A session cookie needs both.

    ## Example
    ```python
    async def login(request):
        token = await create_session(request)
        response = web.HTTPFound("/")
        response.set_cookie("session_id", token)
        raise response
    ```

    ## Use instead
    ```python
    async def login(request):
        token = await create_session(request)
        response = web.HTTPFound("/")
        response.set_cookie("session_id", token, secure=True, httponly=True, samesite="Lax")
        raise response
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO021"]`. It found nothing on
    the real-application corpus, and it is not a definite error: cookie hardening (`secure`, `httponly`)
    that not every deployment needs, like STA004.

    ## Fix safety
    No fix is offered: a service reached over plain HTTP in development would stop receiving a
    `Secure` cookie, so the flags are a decision for the deployment's settings.
    """

    code = "AIO021"
    name = "aiohttp-insecure-session-cookie"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "aiohttp session cookie set without `secure=True` or `httponly=True`"
    guidelines = (
        Quote("aiohttp", "Sessions and Authentication", "Use appropriate cookie security"),
        Quote("aiohttp", "Request Handling", "Use proper cookie management"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"set_cookie"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "set_cookie"):
            return
        if not _is_aiohttp_response(model, node):
            return
        name = argument(node, 0, "name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or not is_credential_cookie(name.value):
            return
        missing = [flag for flag in ("secure", "httponly") if not _set(keyword(node, flag))]
        if is_script_read_cookie(name.value) and "httponly" in missing:  # HttpOnly would break them
            missing.remove("httponly")
        if not missing or any(k.arg is None for k in node.keywords):  # **options may set them
            return
        flags = " and ".join(f"`{flag}=True`" for flag in missing)
        yield self.diagnostic(
            node,
            model,
            f"session cookie `{name.value}` is set without {flags} in {model.context_label(node)}: "
            "pass `secure=True, httponly=True` so it is never sent over plain HTTP nor readable by scripts",
        )


def _set(value: ast.expr | None) -> bool:
    """The flag is passed and not literally false (a variable counts: configured elsewhere)."""
    return value is not None and not (isinstance(value, ast.Constant) and not value.value)


def _is_aiohttp_response(model: SemanticModel, call: ast.Call) -> bool:
    receiver = call.func.value  # type: ignore[attr-defined]
    found = instance(model, receiver)
    if found is not None:
        return found in RESPONSE_TYPES or found.startswith("aiohttp.web.HTTP")
    function = model.enclosing_function(call)
    return is_aiohttp_handler(function) or is_middleware(model, function)
