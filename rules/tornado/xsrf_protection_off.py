from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import HANDLER_CLASSES, ApplicationSetup, applications, self_call, setting_constant, setup_routes

#: settings that say the application authenticates users with cookies
COOKIE_AUTH_SETTINGS = ("cookie_secret", "login_url")
#: handler methods that set cookies the application signs, so trusts
SIGNED_COOKIE_SETTERS = frozenset({"set_signed_cookie", "set_secure_cookie"})
#: the methods through which a forged request changes something: what XSRF protection guards
UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
#: Tornado's handlers that answer only reads
READ_ONLY_HANDLERS = frozenset(
    {"tornado.web.StaticFileHandler", "tornado.web.RedirectHandler", "tornado.web.ErrorHandler", "tornado.websocket.WebSocketHandler"}
)


class XsrfProtectionOff(Rule):
    """
    ## What it does
    Finds Tornado applications without XSRF (CSRF) protection:

    - `xsrf_cookies=False` (or another false literal) in the application's settings;
    - an application that authenticates with cookies (it sets `cookie_secret` or `login_url`,
      or its handlers set signed cookies) and leaves `xsrf_cookies` out.

    Settings are read from `Application(...)` keywords, from `**settings` dicts the module spells
    out (with their later `settings["key"] = ...` and `update(...)`), and from
    `super().__init__(handlers, **settings)` in `Application` subclasses. An application whose
    settings come from elsewhere is only checked for what it spells out. An application whose
    handlers (all defined in the module) take only reads — no `post`, `put`, `patch` or
    `delete` — has nothing to forge and is left alone.

    ## Why is this bad?
    Browsers send an application's cookies with every request to it, including requests that
    another site's page makes: a hidden form on any site can post to `/transfer` or
    `/account/delete` as the logged-in user. With `xsrf_cookies=True` Tornado rejects every
    `POST`, `PUT`, `PATCH` and `DELETE` that does not echo the `_xsrf` cookie in a form field or
    an `X-XSRFToken` header, which another site cannot read.

    ## Example
    ```python
    import os
    from tornado import web

    app = web.Application(
        handlers,
        cookie_secret=os.environ["COOKIE_SECRET"],
        login_url="/login",
    )
    ```

    ## Use instead
    ```python
    import os
    from tornado import web

    app = web.Application(
        handlers,
        cookie_secret=os.environ["COOKIE_SECRET"],
        login_url="/login",
        xsrf_cookies=True,
    )
    ```

    and `{% module xsrf_form_html() %}` inside each form of the templates (JavaScript clients
    send the `_xsrf` cookie's value in an `X-XSRFToken` header). An API that authenticates
    with headers only can opt single handlers out by overriding `check_xsrf_cookie`.

    ## Fix safety
    There is no automatic fix: turning the protection on rejects every form and script that
    does not send the token yet, so the templates and clients have to change first.
    """

    code = "TOR005"
    name = "xsrf-protection-off"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "Tornado application without `xsrf_cookies=True` (CSRF protection off)"
    guidelines = (
        Quote("tornado", "Authentication and Security", "Create appropriate CSRF protection"),
        Quote("tornado", "Authentication and Security", "Use proper cookie-based authentication"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        signed_cookies = any(self_call(model, call) in SIGNED_COOKIE_SETTERS for call in model.nodes(ast.Call))
        for setup in applications(model):
            if _reads_only(setup, model):
                continue  # no handler takes a POST, PUT, PATCH or DELETE: nothing to forge
            value = setup.settings.get("xsrf_cookies")
            if value is not None:
                literal = setting_constant(model, value)
                if literal is not None and not literal.value:
                    message = (
                        f"`xsrf_cookies={model.segment(value)}` turns off Tornado's CSRF protection: any site can make a "
                        "logged-in browser post forms to this application; set `xsrf_cookies=True`"
                    )
                    yield self.diagnostic(value, model, message)
                continue
            if not setup.complete:
                continue
            reasons = [f"`{name}`" for name in COOKIE_AUTH_SETTINGS if name in setup.settings]
            if signed_cookies:
                reasons.append("signed cookies its handlers set")
            if reasons:
                message = (
                    f"`{model.segment(setup.report_node)}(...)` authenticates with cookies ({', '.join(reasons)}) but "
                    "does not set `xsrf_cookies=True`: any site can make a logged-in browser post forms to it"
                )
                yield self.diagnostic(setup.report_node, model, message)


def _reads_only(setup: ApplicationSetup, model: SemanticModel) -> bool:
    """Every route of the application goes to a handler of this module (or a read-only one of
    Tornado's) that defines no ``post``/``put``/``patch``/``delete``, through its local bases too."""
    routes = setup_routes(model, setup)
    if not routes:
        return False
    for route in routes:
        if model.qualified_name(route.handler) in READ_ONLY_HANDLERS:
            continue
        handler = model.class_def(route.handler)
        if handler is None or UNSAFE_METHODS & handler.methods.keys():
            return False
        for base in model.base_classes(handler):
            if isinstance(base, str):
                if base not in HANDLER_CLASSES:
                    return False  # a base from elsewhere may define them
            elif UNSAFE_METHODS & base.methods.keys():
                return False
    return True
