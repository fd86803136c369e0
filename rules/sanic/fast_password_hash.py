from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..secrets import is_password_name

#: fast general-purpose digests: made to hash gigabytes a second, which is what a password guesser wants
FAST_DIGESTS = frozenset(
    f"hashlib.{name}"
    for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s", "new")
)


class FastPasswordHash(Rule):
    """
    ## What it does
    Finds passwords hashed with a fast digest in a Sanic application: `hashlib.md5(...)`,
    `hashlib.sha1(...)`, `hashlib.sha256(...)` and the other `hashlib` digests (or
    `hashlib.new(...)`) given a value whose name says it is a password (`password`,
    `form["password"]`, `user.passwd`, `new_password.encode()`).

    ## Why is this bad?
    These digests are built to be fast: a single GPU tries billions of SHA-256 guesses a second,
    so when the user table leaks, most passwords are recovered within hours, salted or not. MD5
    and SHA-1 are also broken as hashes. Password hashes must be slow and salted on purpose.

    ## Example
    ```python
    @app.post("/signup")
    async def signup(request):
        digest = hashlib.sha256(request.json["password"].encode()).hexdigest()
        await save_user(request.json["email"], digest)
    ```

    ## Use instead
    A password hash (argon2, bcrypt, scrypt), run off the event loop since it is slow on purpose:
    ```python
    from argon2 import PasswordHasher

    hasher = PasswordHasher()


    @app.post("/signup")
    async def signup(request):
        digest = await asyncio.to_thread(hasher.hash, request.json["password"])
        await save_user(request.json["email"], digest)
    ```
    (`hashlib.scrypt` and `hashlib.pbkdf2_hmac` with many iterations are in the standard library.)

    ## Fix safety
    There is no automatic fix: stored hashes have to be migrated, which needs a plan (rehash on
    the next login).
    """

    code = "SAN023"
    name = "fast-password-hash"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Password hashed with a fast digest (`hashlib.md5/sha1/sha256`); use argon2, bcrypt or scrypt"
    guidelines = (Quote("sanic", "Authentication and Authorization", "Use proper password handling"),)
    node_types = (ast.Call,)
    callees = callees_of(FAST_DIGESTS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name not in FAST_DIGESTS:
            return
        data = node.args[1:] if name == "hashlib.new" else node.args
        password = next((found for argument in data if (found := self.password_in(argument)) is not None), None)
        if password is None:
            return
        message = (
            f"`{model.segment(node.func)}()` hashes `{password}` in {model.context_label(node)}: fast digests let a "
            f"leaked table be guessed at billions of tries a second; use argon2, bcrypt or `hashlib.scrypt` "
            f"(in a thread: `await asyncio.to_thread(...)`)"
        )
        yield self.diagnostic(node, model, message)

    def password_in(self, expr: ast.expr) -> str | None:
        """The name or key in ``expr`` that says it holds a password: ``password``, ``user.passwd``,
        ``form["password"]``, through ``.encode()`` calls, concatenation with a salt and f-strings."""
        if isinstance(expr, ast.Name):
            return expr.id if is_password_name(expr.id) else None
        if isinstance(expr, ast.Attribute):
            return expr.attr if is_password_name(expr.attr) else None
        if isinstance(expr, ast.Subscript):
            key = expr.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_password_name(key.value):
                return key.value
            return None
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("encode", "get", "strip"):
                if expr.func.attr == "get" and expr.args:
                    return self.password_in(ast.Subscript(value=expr.func.value, slice=expr.args[0]))
                return self.password_in(expr.func.value)
            if isinstance(expr.func, ast.Name) and expr.func.id in ("bytes", "str") and expr.args:
                return self.password_in(expr.args[0])
            return None
        if isinstance(expr, ast.BinOp):
            return self.password_in(expr.left) or self.password_in(expr.right)
        if isinstance(expr, ast.JoinedStr):
            for part in expr.values:
                if isinstance(part, ast.FormattedValue) and (found := self.password_in(part.value)):
                    return found
        return None
