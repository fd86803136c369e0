from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..secrets import mentions_password

#: fast general-purpose hashes: fine for checksums, far too cheap to guess passwords against
FAST_HASHES = frozenset(
    f"hashlib.{name}" for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s", "new")
)


class WeakPasswordHandling(Rule):
    """
    ## What it does
    Finds, in modules that use Tornado, passwords hashed with a fast hash
    (`hashlib.sha256(password.encode())`, `md5`, `sha1`…) and stored passwords compared with `==`
    or `!=` (`user.password == self.get_argument("password")`, `row["password"] != password`). A
    value counts as a password when its code names one (`password`, `passwd`, `pwd`); comparing
    two typed values (a password and its confirmation) is not reported.

    ## Why is this bad?
    Fast hashes are built to compute billions of digests a second, so a leaked table of them is
    guessed back to the passwords in hours; unsalted ones fall to precomputed tables at once.
    Comparing passwords with `==` means they are stored as they were typed (or hashed the same
    cheap way), and `==` stops at the first differing character, which leaks timing.

    ## Example
    ```python
    import hashlib

    from tornado import web

    class LoginHandler(web.RequestHandler):
        async def post(self):
            user = await load_user(self.get_argument("username"))
            password = self.get_argument("password")
            if user.password_hash == hashlib.sha256(password.encode()).hexdigest():
                self.set_signed_cookie("user", user.name)
    ```

    ## Use instead
    ```python
    import bcrypt
    from tornado import web
    from tornado.ioloop import IOLoop

    class LoginHandler(web.RequestHandler):
        async def post(self):
            user = await load_user(self.get_argument("username"))
            password = self.get_argument("password").encode()
            ok = await IOLoop.current().run_in_executor(None, bcrypt.checkpw, password, user.password_hash)
            if ok:
                self.set_signed_cookie("user", user.name)
    ```

    A slow, salted key-derivation function (bcrypt, argon2, `hashlib.scrypt`, `hashlib.pbkdf2_hmac`)
    run in an executor, so it does not block the IOLoop.

    ## Fix safety
    There is no automatic fix: stored hashes have to be migrated to the new scheme.
    """

    code = "TOR035"
    name = "weak-password-handling"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "password hashed with a fast hash or compared with `==`"
    guidelines = (Quote("tornado", "Authentication and Security", "Use proper password handling"),)
    node_types = (ast.Call, ast.Compare)
    callees = callees_of(FAST_HASHES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Call):
            name = model.qualified_name(node.func)
            if name not in FAST_HASHES:
                return
            if not any(_names_password(model, arg) for arg in node.args):
                return
            message = (
                f"`{model.segment(node.func)}()` hashes a password in {model.context_label(node)}: fast hashes are "
                "guessed back at billions a second; use bcrypt, argon2, `hashlib.scrypt` or `hashlib.pbkdf2_hmac` (in an executor)"
            )
            yield self.diagnostic(node, model, message)
            return
        assert isinstance(node, ast.Compare)
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if any(isinstance(side, ast.Constant) for side in (left, right)):
            return  # ``password == ""``: an emptiness check, not a password check
        if not (_names_password(model, left) and _names_password(model, right)):
            return
        if not any(_stored(side) for side in (left, right)):
            return  # ``password != confirmation``: two values the user typed, no stored password
        message = (
            f"`{model.segment(node)}` compares passwords directly in {model.context_label(node)}, so they are stored "
            "as typed (or hashed cheaply) and compared in time that leaks; store a bcrypt/argon2 hash and check it with its `verify`"
        )
        yield self.diagnostic(node, model, message)


def _stored(expr: ast.expr) -> bool:
    """A field of a record (``user.password``, ``row["password"]``), not of the handler itself."""
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        return not (isinstance(expr.value, ast.Name) and expr.value.id == "self")
    return False


def _names_password(model: SemanticModel, expr: ast.expr) -> bool:
    return mentions_password(model.segment(expr))
