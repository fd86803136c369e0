from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import configured_middleware
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..scripts import under_main_guard
from ..secrets import is_placeholder, is_secret_setting, secret_literal, spells_name

SESSION_MIDDLEWARE = "starlette.middleware.sessions.SessionMiddleware"
SECRET_TYPES = frozenset({"starlette.config.Secret", "starlette.datastructures.Secret"})
CONFIG_CLASS = "starlette.config.Config"
ENUM_CLASSES = ("enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag", "enum.IntFlag")
#: environment lookups whose second argument is the fallback value
ENVIRONMENT_LOOKUPS = frozenset({"os.getenv", "os.environ.get"})


class HardcodedSecret(Rule):
    """
    ## What it does
    Finds secrets written into the source of a Starlette or FastAPI app:

    - a string literal as `SessionMiddleware`'s `secret_key`, whether the middleware is built
      directly, through `Middleware(SessionMiddleware, ...)` or `app.add_middleware(...)`;
    - a string literal (or `Secret("...")`) assigned, at module or class level, to a name that
      holds a secret: `SECRET_KEY`, `JWT_SECRET`, `DB_PASSWORD`, `API_KEY`, `AUTH_TOKEN`…;
    - a string literal as the fallback of such a setting: `config("SECRET_KEY", default="dev")`,
      `os.getenv("SECRET_KEY", "dev")`.

    Enum members, and values that only spell their own name (`API_KEY = "api_key"`, a field or
    header name), are labels rather than secrets and are not reported; nor are placeholders that
    mark a setting as missing (`api_key: str = "<missing>"`, `"${API_KEY}"`). Nor is code under
    `if __name__ == "__main__":`, a demo's or a developer's entry point rather than the deployed
    configuration.

    ## Why is this bad?
    `SessionMiddleware` signs the session cookie with `secret_key`; whoever knows the key can
    forge any session, e.g. log in as any user. A key in the source is known to everyone who can
    read the repository, its history, a container image or a traceback, and it is the same in
    every environment. A fallback literal is as bad: a deployment that forgets the variable runs
    silently with the public key.

    ## Example
    ```python
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware

    SECRET_KEY = "7c1e0b0d4b0e4c3a"

    middleware = [Middleware(SessionMiddleware, secret_key="7c1e0b0d4b0e4c3a")]
    ```

    ## Use instead
    ```python
    from starlette.config import Config
    from starlette.datastructures import Secret
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware

    config = Config(".env")
    SECRET_KEY = config("SECRET_KEY", cast=Secret)

    middleware = [Middleware(SessionMiddleware, secret_key=SECRET_KEY)]
    ```

    `Secret` keeps the value out of `repr()` and so out of logs and tracebacks; with no default,
    a missing `SECRET_KEY` stops the app at start-up instead of running with a known key.

    ## Fix safety
    There is no automatic fix: the secret has to be moved to the environment (and, having been
    published, replaced), which only a person can do.
    """

    code = "STA003"
    name = "hardcoded-secret"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "Hard-coded secret: `SessionMiddleware(secret_key=\"...\")`, `SECRET_KEY = \"...\"`"
    guidelines = (
        Quote(
            "starlette",
            "Application Structure and Configuration",
            "Use `Config` and `Secret` types for environment-based configuration management with `.env` files",
        ),
        Quote(
            "starlette",
            "Production Deployment",
            "Set environment-specific configuration using `Config` class with `.env` files",
        ),
    )
    node_types = (ast.Call, ast.Assign, ast.AnnAssign)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if under_main_guard(node, model):
            return  # a demo's or a developer's entry point, not the deployed configuration
        if isinstance(node, ast.Call):
            yield from self._check_call(node, model)
            return
        assert isinstance(node, (ast.Assign, ast.AnnAssign))
        scope = model.scope(node)
        if node.value is None or scope.kind not in ("module", "class"):
            return
        if scope.class_info is not None and model.is_subclass(scope.class_info, *ENUM_CLASSES):
            return  # enum members are labels
        literal = _literal_secret(node.value, model)
        if literal is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Name)
                and is_secret_setting(target.id)
                and not spells_name(target.id, literal)
                and not is_placeholder(literal)
            ):
                message = f"`{target.id}` is a secret hard-coded in the source; {_advice(target.id)}"
                yield self.diagnostic(literal, model, message)
                return

    def _check_call(self, call: ast.Call, model: SemanticModel) -> Iterator[Diagnostic]:
        if configured_middleware(model, call) == SESSION_MIDDLEWARE:
            secret = argument(call, 1, "secret_key")
            literal = _literal_secret(secret, model) if secret is not None else None
            if literal is not None:
                message = (
                    "`SessionMiddleware` signs session cookies with a hard-coded `secret_key`: anyone who reads "
                    f"the source can forge a session; {_advice('SECRET_KEY')}"
                )
                yield self.diagnostic(literal, model, message)
            return
        fallback = _setting_fallback(call, model)
        if fallback is not None:
            name = call.args[0].value  # type: ignore[attr-defined]
            message = f"`{name}` falls back to a secret hard-coded in the source; drop the default so a missing `{name}` fails at start-up"
            yield self.diagnostic(fallback, model, message)


def _literal_secret(value: ast.expr, model: SemanticModel) -> ast.Constant | None:
    """The non-empty string literal a value is, directly or wrapped in ``Secret(...)``."""
    if isinstance(value, ast.Call) and model.qualified_name(value.func) in SECRET_TYPES and len(value.args) == 1:
        value = value.args[0]
    return secret_literal(value)


def _setting_fallback(call: ast.Call, model: SemanticModel) -> ast.Constant | None:
    """The literal fallback of a secret setting: ``config("SECRET_KEY", default="...")`` on a
    Starlette ``Config``, ``os.getenv("SECRET_KEY", "...")``, ``os.environ.get(...)``."""
    name = call.args[0] if call.args else None
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and is_secret_setting(name.value)):
        return None
    if model.instance_type(call.func) == CONFIG_CLASS:
        fallback = argument(call, 2, "default")
    elif model.qualified_name(call.func) in ENVIRONMENT_LOOKUPS:
        fallback = argument(call, 1, "default")
    else:
        return None
    return _literal_secret(fallback, model) if fallback is not None else None


def _advice(name: str) -> str:
    return f'load it from the environment, e.g. `config("{name.upper()}", cast=Secret)` with Starlette\'s `Config`'
