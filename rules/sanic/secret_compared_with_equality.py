from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..secrets import ends_with_secret


#: methods that compare two objects of a class: their secrets are compared as data, not checked
EQUALITY_METHODS = frozenset({"__eq__", "__ne__"})


class SecretComparedWithEquality(Rule):
    """
    ## What it does
    Finds tokens, API keys, signatures and password hashes compared with `==` or `!=` in a Sanic
    application: `if request.token == app.config.API_TOKEN`, `if signature != expected_signature`.
    Comparisons with a literal (`token == ""`) or `None` are left alone.

    ## Why is this bad?
    `==` on strings stops at the first character that differs, so how long a wrong guess takes
    tells how many leading characters were right. Measuring that over many requests lets an
    attacker find a secret one character at a time instead of guessing it whole.
    `hmac.compare_digest()` takes the same time whatever the input.

    ## Example
    ```python
    @app.on_request
    async def check_api_key(request):
        if request.headers.get("x-api-key") != request.app.config.API_KEY:
            raise Unauthorized("bad key")
    ```

    ## Use instead
    ```python
    import hmac


    @app.on_request
    async def check_api_key(request):
        given = request.headers.get("x-api-key", "")
        if not hmac.compare_digest(given.encode(), request.app.config.API_KEY.encode()):
            raise Unauthorized("bad key")
    ```

    ## Fix safety
    There is no automatic fix: `compare_digest` needs both sides as `str` of ASCII or as bytes,
    and raises on `None`, so the code around the comparison has to make sure of that.
    """

    code = "SAN026"
    name = "secret-compared-with-equality"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Secret compared with `==`: use `hmac.compare_digest()`"
    guidelines = (
        Quote("sanic", "Security", "Create effective authentication"),
        Quote("sanic", "Authentication and Authorization", "Implement proper token validation"),
    )
    node_types = (ast.Compare,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Compare)
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
            return
        secret = self.secret_name(left) or self.secret_name(right)
        if secret is None:
            return
        function = model.enclosing_function(node)
        if function is not None and function.class_info is not None and function.name in EQUALITY_METHODS:
            return  # two objects' settings compared, no guess checked
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} compares `{secret}` with "
            f"`{'==' if isinstance(node.ops[0], ast.Eq) else '!='}`, whose time reveals how much of a guess was right; "
            f"use `hmac.compare_digest()`"
        )
        yield self.diagnostic(node, model, message)

    @staticmethod
    def secret_name(expr: ast.expr) -> str | None:
        """The name, attribute or key ``expr`` reads, when it names a secret."""
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and expr.args:
            expr = expr.args[0]
        if isinstance(expr, ast.Subscript):
            expr = expr.slice
        if isinstance(expr, ast.Name):
            name = expr.id
        elif isinstance(expr, ast.Attribute):
            name = expr.attr
        elif isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            name = expr.value.replace("-", "_")
        else:
            return None
        # the name must end with the secret word: ``mentions_secret`` would also take ``token_data``
        # (decoded claims) and other names about a token that no list of metadata words foresees
        return name if ends_with_secret(name) else None
