from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity
from ..scripts import under_main_guard
from ..secrets import is_secret_setting, secret_literal, spells_name
from ..frameworks.sanic import CONFIG, is_app, is_config, qualified, string

#: environment lookups whose second argument is the fallback value
ENVIRONMENT_LOOKUPS = frozenset({"os.getenv", "os.environ.get"})
#: config methods taking a mapping (or keywords) of settings
UPDATE_METHODS = frozenset({"update", "update_config", "setdefault"})


class HardcodedSecret(Rule):
    """
    ## What it does
    Finds secrets written into the source as Sanic configuration values, under keys that hold
    secrets (`SECRET`, `SECRET_KEY`, `JWT_SECRET`, `DB_PASSWORD`, `API_KEY`, `AUTH_TOKEN`…):

    - `app.config.SECRET = "..."` and `app.config["SECRET"] = "..."`;
    - `app.config.update({"SECRET": "..."})`, `app.config.update(SECRET="...")`,
      `app.update_config({...})`;
    - `Config({"SECRET": "..."})` (also as `Sanic("App", config=Config(...))`) and class
      attributes of a `Config` subclass;
    - a literal fallback of such a key: `app.config.SECRET = os.getenv("SECRET", "dev")`.

    Code under `if __name__ == "__main__":`, a demo's or a developer's entry point rather than
    the deployed configuration, is left alone.

    ## Why is this bad?
    Whoever knows the signing secret of sessions or tokens can forge them, e.g. log in as any user;
    a database password in the source opens the database to everyone who can read the repository,
    its history, a container image or a traceback. The value is also the same in every
    environment. A literal fallback is as bad: a deployment that forgets the variable runs with
    the published value.

    ## Example
    ```python
    from sanic import Sanic

    app = Sanic("Shop")
    app.config.SECRET = "7c1e0b0d4b0e4c3a"
    app.config.update({"DB_PASSWORD": "hunter2"})
    ```

    ## Use instead
    Sanic loads every environment variable prefixed with `SANIC_` into the config at start-up,
    without the prefix:
    ```shell
    export SANIC_SECRET="..."        # app.config.SECRET
    export SANIC_DB_PASSWORD="..."   # app.config.DB_PASSWORD
    ```
    ```python
    from sanic import Sanic

    app = Sanic("Shop")  # app.config.SECRET and app.config.DB_PASSWORD come from the environment
    ```

    ## Fix safety
    There is no automatic fix: the secret has to be moved to the environment (and, having been
    published, replaced), which only a person can do.
    """

    code = "SAN006"
    name = "hardcoded-config-secret"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Secret hard-coded in Sanic config: `app.config.SECRET = \"...\"`"
    guidelines = (
        Quote("sanic", "Configuration", "Use proper secret management"),
        Quote("sanic", "Configuration", "Use proper environment variables"),
        Quote("sanic", "Sanic Project Structure", "Use appropriate configuration management"),
        Quote("sanic", "Key Principles", "Create secure and scalable web applications"),
    )
    node_types = (ast.Assign, ast.AnnAssign, ast.Call)
    callees = UPDATE_METHODS | {"Config"}  # and `Config(...)` (`sanic.Config`)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if under_main_guard(node, model):
            return  # a demo's or a developer's entry point, not the deployed configuration
        if isinstance(node, ast.Call):
            yield from self._check_call(node, model)
            return
        assert isinstance(node, (ast.Assign, ast.AnnAssign))
        if node.value is None:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = _config_key(model, target)
            if name is not None and is_secret_setting(name):
                yield from self._report(name, node.value, model)

    def _check_call(self, call: ast.Call, model: SemanticModel) -> Iterator[Diagnostic]:
        func = call.func
        if qualified(model, func) == CONFIG:
            mapping = argument(call, 0, "defaults")
        elif isinstance(func, ast.Attribute) and func.attr in UPDATE_METHODS and _configures(model, func):
            mapping = argument(call, 0)
            for keyword_argument in call.keywords:
                if keyword_argument.arg and is_secret_setting(keyword_argument.arg):
                    yield from self._report(keyword_argument.arg, keyword_argument.value, model)
        else:
            return
        if isinstance(mapping, ast.Dict):
            for key, value in zip(mapping.keys, mapping.values):
                name = string(key)
                if name is not None and is_secret_setting(name):
                    yield from self._report(name, value, model)

    def _report(self, name: str, value: ast.expr, model: SemanticModel) -> Iterator[Diagnostic]:
        literal = secret_literal(value)
        if literal is not None and not spells_name(name, literal):
            message = (
                f"config `{name}` is a secret hard-coded in the source: anyone who reads it can use it; "
                f"set the environment variable `SANIC_{name.upper()}` instead, which Sanic loads into `config.{name.upper()}`"
            )
            yield self.diagnostic(literal, model, message)
            return
        fallback = _environment_fallback(value, model)
        if fallback is not None:
            message = (
                f"config `{name}` falls back to a secret hard-coded in the source; drop the fallback so a missing "
                "variable fails at start-up"
            )
            yield self.diagnostic(fallback, model, message)


def _configures(model: SemanticModel, func: ast.Attribute) -> bool:
    """``app.config.update`` / ``config.update_config``, or ``app.update_config``."""
    return is_config(model, func.value) or (func.attr == "update_config" and is_app(model, func.value))


def _config_key(model: SemanticModel, target: ast.expr) -> str | None:
    """The config key a target assigns: ``app.config.KEY``, ``app.config["KEY"]``, or ``KEY`` in
    the body of a ``Config`` subclass."""
    if isinstance(target, ast.Attribute) and is_config(model, target.value):
        return target.attr
    if isinstance(target, ast.Subscript) and is_config(model, target.value):
        return string(target.slice)
    if isinstance(target, ast.Name):
        scope = model.scope(target)
        if scope.class_info is not None and model.is_subclass(scope.class_info, CONFIG, "sanic.config.Config"):
            return target.id
    return None


def _environment_fallback(value: ast.expr, model: SemanticModel) -> ast.Constant | None:
    """The literal fallback of ``os.getenv("KEY", "...")`` / ``os.environ.get("KEY", "...")``."""
    if not isinstance(value, ast.Call) or model.qualified_name(value.func) not in ENVIRONMENT_LOOKUPS:
        return None
    fallback = argument(value, 1) or keyword(value, "default")
    return secret_literal(fallback)
