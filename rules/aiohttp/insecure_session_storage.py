from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity

#: aiohttp_session storages keeping the session in the cookie, by class name
COOKIE_STORAGES = frozenset({"EncryptedCookieStorage", "NaClCookieStorage"})
#: calls that turn a literal into a key without adding any secrecy
KEY_WRAPPERS = frozenset(
    {
        "base64.urlsafe_b64decode",
        "base64.b64decode",
        "bytes.fromhex",
        "cryptography.fernet.Fernet",
        "nacl.secret.SecretBox",
    }
)


class InsecureSessionStorage(Rule):
    """
    ## What it does
    Finds `aiohttp_session` set up with `SimpleCookieStorage()`, or with an
    `EncryptedCookieStorage`/`NaClCookieStorage` whose secret key is written in the source
    (a `b"..."` literal, or a literal passed through `base64.urlsafe_b64decode`, `Fernet(...)`).

    ## Why is this bad?
    `SimpleCookieStorage` keeps the session as plain JSON in the cookie: any client can read it
    and write `{"user_id": 1}` into it; aiohttp_session ships it for tests only. An encrypted
    cookie is only as secret as its key: a key in the source is in every clone, backup and log of
    the repository, and whoever has it can forge any session.

    ## Example
    ```python
    from aiohttp_session import setup
    from aiohttp_session.cookie_storage import EncryptedCookieStorage

    setup(app, EncryptedCookieStorage(b"Thirty  two  length  bytes  key."))
    ```

    ## Use instead
    ```python
    secret_key = base64.urlsafe_b64decode(os.environ["SESSION_KEY"])
    setup(app, EncryptedCookieStorage(secret_key))
    ```

    ## Fix safety
    No fix is offered: the key has to come from the deployment's secrets.
    """

    code = "AIO022"
    name = "aiohttp-insecure-session-storage"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "aiohttp_session storage that clients can read or forge (plain cookie, hard-coded key)"
    guidelines = (
        Quote("aiohttp", "Sessions and Authentication", "Create proper session middleware"),
        Quote("aiohttp", "Sessions and Authentication", "Implement effective session storage"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"SimpleCookieStorage", *COOKIE_STORAGES})  # the storage is the last part of the name

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name is None or not name.startswith("aiohttp_session."):
            return
        storage = name.rsplit(".", 1)[-1]
        if storage == "SimpleCookieStorage":
            yield self.diagnostic(
                node,
                model,
                "`SimpleCookieStorage` keeps the session as plain JSON in the cookie, which clients can read and "
                "forge; use `EncryptedCookieStorage` with a key from the environment (or a server-side storage)",
            )
        elif storage in COOKIE_STORAGES:
            key = argument(node, 0, "secret_key")
            if key is not None and _literal_key(model, key):
                yield self.diagnostic(
                    key,
                    model,
                    f"the secret key of `{storage}` is written in the source: anyone who reads it can forge sessions; "
                    "load it from the environment or a secret store",
                )


def _literal_key(model: SemanticModel, key: ast.expr) -> bool:
    if isinstance(key, ast.Constant):
        return isinstance(key.value, (str, bytes)) and bool(key.value)
    if isinstance(key, ast.Call) and key.args and model.qualified_name(key.func) in KEY_WRAPPERS:
        return _literal_key(model, key.args[0])
    return False
