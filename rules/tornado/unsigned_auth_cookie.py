from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..secrets import is_identity_cookie
from ..frameworks.tornado import self_call

#: unsigned cookie methods -> their signed counterparts (Tornado 6.3 names)
SIGNED = {"set_cookie": "set_signed_cookie", "get_cookie": "get_signed_cookie"}


class UnsignedAuthCookie(Rule):
    """
    ## What it does
    Finds `self.set_cookie(...)` and `self.get_cookie(...)` in Tornado request handlers whose
    cookie name says it identifies or authenticates someone: `user`, `user_id`, `session`,
    `auth_token`, `jwt`, `remember_me`, `is_admin`… (names of preferences such as `user_theme`
    or `lang`, and `_xsrf`, are not reported).

    ## Why is this bad?
    A plain cookie is whatever the client sends: anyone can set `user=admin` in their browser.
    An application that reads who the user is from an unsigned cookie lets every visitor be
    anyone. `set_signed_cookie` signs the value with the application's `cookie_secret` and adds a
    timestamp; `get_signed_cookie` returns `None` for a value that was altered, forged or is too
    old.

    ## Example
    ```python
    from tornado import web

    class LoginHandler(web.RequestHandler):
        def post(self):
            user = self.check_password()
            self.set_cookie("user", user.name)

    class BaseHandler(web.RequestHandler):
        def get_current_user(self):
            return self.get_cookie("user")
    ```

    ## Use instead
    ```python
    from tornado import web

    class LoginHandler(web.RequestHandler):
        def post(self):
            user = self.check_password()
            self.set_signed_cookie("user", user.name, httponly=True, secure=True)

    class BaseHandler(web.RequestHandler):
        def get_current_user(self):
            name = self.get_signed_cookie("user")
            return name.decode() if name else None
    ```

    The application needs a `cookie_secret` setting. Signing does not encrypt: do not put
    secrets in the value.

    ## Fix safety
    Unsafe. The fix renames the call to `set_signed_cookie` / `get_signed_cookie` (Tornado 6.3
    names; `set_secure_cookie` / `get_secure_cookie` before). The application must have a
    `cookie_secret`; `get_signed_cookie` returns `bytes`, not `str`, so comparisons and string
    operations on the value change; `set_signed_cookie` defaults to a 30-day expiry where
    `set_cookie` made a session cookie; and cookies already set unsigned stop being accepted,
    which logs users out once. It is offered for `set_cookie(name, value, ...)` with keyword
    options only, and for `get_cookie(name)` without a default, whose signed counterparts take
    the same arguments.
    """

    code = "TOR010"
    name = "unsigned-auth-cookie"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "Authentication cookie set or read unsigned (`set_cookie`/`get_cookie`)"
    guidelines = (
        Quote("tornado", "Authentication and Security", "Use proper secure cookie implementation"),
        Quote("tornado", "Authentication and Security", "Use proper cookie-based authentication"),
        Quote("tornado", "Authentication and Security", "Create effective user authentication"),
    )
    node_types = (ast.Call,)
    callees = frozenset(SIGNED)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use the signed cookie method"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        method = self_call(model, node)
        if method not in SIGNED:
            return
        assert isinstance(node, ast.Call)
        name = argument(node, 0, "name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and is_identity_cookie(name.value)):
            return
        signed = SIGNED[method]
        message = (
            f"cookie `{name.value}` looks like it identifies the user, but `self.{method}()` leaves it unsigned: any "
            f"client can forge it; use `self.{signed}()` (with a `cookie_secret` setting)"
        )
        fix = Applicability.UNSAFE if _same_arguments(node, method) else None
        yield self.diagnostic(node.func, model, message, fix=fix, data={"method": signed} if fix else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        method = diagnostic.data.get("method")
        node = context.node_at(diagnostic.range, ast.Attribute)
        if not isinstance(method, str) or not isinstance(node, ast.Attribute):
            return None
        edit = context.rewrite_expression(node, lambda e: e.with_changes(attr=cst.Name(method)))  # type: ignore[attr-defined]
        return Fix(f"Use `{method}()`", Applicability.UNSAFE, (edit,))


def _same_arguments(call: ast.Call, method: str) -> bool:
    """True when the signed counterpart reads the call's arguments the same way: ``set_cookie``
    with the name, the value and keyword options; ``get_cookie`` with the name alone."""
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(k.arg is None for k in call.keywords):
        return False
    if method == "get_cookie":
        return len(call.args) == 1 and not call.keywords
    return len(call.args) <= 2
