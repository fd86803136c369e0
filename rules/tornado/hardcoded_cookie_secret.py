from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..scripts import under_main_guard
from ..secrets import is_secret_setting, secret_literal
from ..frameworks.tornado import applications, setting_constant

#: ``tornado.options`` definitions, whose ``default`` is the value when nothing sets the option
OPTION_DEFINITIONS = frozenset({"tornado.options.define", "tornado.options.options.define", "tornado.options.OptionParser.define"})
#: environment lookups whose second argument is the fallback value
ENVIRONMENT_LOOKUPS = frozenset({"os.getenv", "os.environ.get"})


class HardcodedCookieSecret(Rule):
    """
    ## What it does
    Finds a Tornado `cookie_secret` written into the source: a string literal (or a module
    constant holding one, or a dict of versioned keys) as the application's `cookie_secret`
    setting, a literal fallback of an environment lookup there
    (`os.environ.get("COOKIE_SECRET", "dev")`), or a literal `default` of a `tornado.options`
    option named like a secret (`define("cookie_secret", default="...")`). Code under
    `if __name__ == "__main__":`, a demo's or a developer's entry point, is left alone.

    ## Why is this bad?
    Tornado signs cookies (`set_signed_cookie`) and XSRF tokens with `cookie_secret`. Whoever
    knows it can forge any signed cookie, typically the one holding the logged-in user, and log
    in as anyone. A secret in the source is known to everyone who can read the repository, its
    history or a build artefact, and it is the same in every deployment; a literal fallback is as
    bad, since a deployment that forgets the variable runs with the published key.

    ## Example
    ```python
    from tornado import web

    app = web.Application(handlers, cookie_secret="61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o")
    ```

    ## Use instead
    ```python
    import os
    from tornado import web

    app = web.Application(handlers, cookie_secret=os.environ["COOKIE_SECRET"])
    ```

    Generate the value once (`python -c "import secrets; print(secrets.token_urlsafe(32))"`) and
    keep it in the deployment's secret store; without it the application fails at start-up
    instead of running with a known key.

    ## Fix safety
    There is no automatic fix: the secret has to move to the deployment's configuration and,
    having been published, be replaced, which logs every user out.
    """

    code = "TOR006"
    name = "hardcoded-cookie-secret"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "Hard-coded `cookie_secret` in a Tornado application"
    guidelines = (
        Quote("tornado", "Authentication and Security", "Use proper secure cookie implementation"),
        Quote("tornado", "Tornado Project Structure", "Implement proper configuration management"),
    )
    node_types = (ast.Module, ast.Call)
    callees = callees_of(OPTION_DEFINITIONS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Call):
            yield from self._check_option(node, model)
            return
        reported: set[int] = set()
        for setup in applications(model):
            value = setup.settings.get("cookie_secret")
            for literal in _literals(model, value) if value is not None else ():
                if id(literal) in reported or under_main_guard(setup.call, model):
                    continue  # reported already, or a demo's or a developer's entry point
                reported.add(id(literal))
                message = (
                    "`cookie_secret` is hard-coded: anyone who reads the source can forge signed cookies (and log in as any "
                    'user); read it from the environment, e.g. `os.environ["COOKIE_SECRET"]`'
                )
                yield self.diagnostic(literal, model, message)

    def _check_option(self, call: ast.Call, model: SemanticModel) -> Iterator[Diagnostic]:
        if model.qualified_name(call.func) not in OPTION_DEFINITIONS or under_main_guard(call, model):
            return
        name = argument(call, 0, "name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and _signing_secret(name.value)):
            return
        default = argument(call, 1, "default")
        literal = secret_literal(default)
        if literal is not None:
            message = (
                f"option `{name.value}` defaults to a hard-coded secret: a deployment that does not set it runs with "
                "the published key; drop the default and set the option from the environment or a config file"
            )
            yield self.diagnostic(literal, model, message)


def _literals(model: SemanticModel, value: ast.expr) -> list[ast.Constant]:
    """The hard-coded secrets a ``cookie_secret`` value holds: the literal (through module
    constants), each literal of a ``{version: key}`` dict, or an environment lookup's literal fallback."""
    if isinstance(value, ast.Dict):
        return [literal for item in value.values if (literal := secret_literal(setting_constant(model, item))) is not None]
    if isinstance(value, ast.Call) and model.qualified_name(value.func) in ENVIRONMENT_LOOKUPS:
        fallback = secret_literal(argument(value, 1, "default"))
        return [fallback] if fallback is not None else []
    literal = secret_literal(setting_constant(model, value))
    return [literal] if literal is not None else []


def _signing_secret(name: str) -> bool:
    """An option that holds a signing secret: ``cookie_secret``, ``api_secret``, ``secret_key``; not
    ``secret_file`` (where the secret is). Passwords and tokens that are secrets too (``db_password``)
    are left out on purpose: this rule is about the keys that sign cookies and tokens."""
    return is_secret_setting(name) and "secret" in name.lower()
