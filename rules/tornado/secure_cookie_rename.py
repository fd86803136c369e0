from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.tornado import handler_self

#: ``RequestHandler`` methods renamed in Tornado 6.3 (the old names are deprecated aliases)
RENAMED = {
    "set_secure_cookie": "set_signed_cookie",
    "get_secure_cookie": "get_signed_cookie",
    "get_secure_cookie_key_version": "get_signed_cookie_key_version",
}


class SecureCookieRename(Rule):
    """
    ## What it does
    Finds `self.set_secure_cookie`, `self.get_secure_cookie` and
    `self.get_secure_cookie_key_version` in Tornado request handlers.

    ## Why is this bad?
    Tornado 6.3 renamed them to `set_signed_cookie`, `get_signed_cookie` and
    `get_signed_cookie_key_version`; the old names remain only as deprecated aliases. "Secure"
    was misleading: the cookie is signed, not encrypted, and has nothing to do with the cookie's
    `Secure` attribute or the `__Secure-` prefix, which it does not set.

    ## Example
    ```python
    from tornado import web

    class BaseHandler(web.RequestHandler):
        def get_current_user(self):
            return self.get_secure_cookie("user")
    ```

    ## Use instead
    ```python
    from tornado import web

    class BaseHandler(web.RequestHandler):
        def get_current_user(self):
            return self.get_signed_cookie("user")
    ```

    ## Fix safety
    Safe on Tornado 6.3 and later, where the new names are the same methods under their
    current name (the old names are aliases of them). The fix renames the method; an
    application still on Tornado before 6.3 (March 2023) has only the old names and has to
    upgrade first.
    """

    code = "TOR011"
    name = "secure-cookie-renamed"
    framework = "tornado"
    severity = Severity.INFORMATION
    summary = "`set_secure_cookie`/`get_secure_cookie` (renamed `*_signed_cookie` in Tornado 6.3)"
    guidelines = (
        Quote("tornado", "Authentication and Security", "Use proper secure cookie implementation"),
        Quote("tornado", "Key Principles", "Follow established Tornado best practices"),
    )
    node_types = (ast.Attribute,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Use the `*_signed_cookie` name"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Attribute)
        new = RENAMED.get(node.attr)
        if new is None or not isinstance(node.ctx, ast.Load) or handler_self(model, node.value) is None:
            return
        message = f"`{node.attr}` was renamed `{new}` in Tornado 6.3 (the old name is a deprecated alias); use `self.{new}`"
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE, data={"method": new})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        method = diagnostic.data.get("method")
        node = context.node_at(diagnostic.range, ast.Attribute)
        if method not in RENAMED.values() or not isinstance(node, ast.Attribute):
            return None
        edit = context.rewrite_expression(node, lambda e: e.with_changes(attr=cst.Name(method)))  # type: ignore[attr-defined]
        return Fix(f"Use `{method}`", Applicability.SAFE, (edit,))
