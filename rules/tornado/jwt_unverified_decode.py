from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of

#: JWT decoders that check the signature only when told which algorithms to accept
JWT_DECODERS = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode"})


class JwtUnverifiedDecode(Rule):
    """
    ## What it does
    Finds JWT decoding (PyJWT's `jwt.decode`, python-jose's `jose.jwt.decode`) in modules that use
    Tornado that turns signature checking off or leaves it open: `options={"verify_signature":
    False}`, `verify=False` (PyJWT 1.x), an `algorithms` list that includes `"none"`, or no
    `algorithms` argument at all.

    ## Why is this bad?
    A token's claims are only as trustworthy as its signature. Without verification anyone can
    write `{"sub": "admin"}` into a token and be taken for that user; `"none"` lets a token say
    it is unsigned. PyJWT 1.x accepted whatever algorithm the token's own header named when
    `algorithms` was left out (so an RSA public key could be used as an HMAC secret); PyJWT 2
    refuses to decode at all without it, so the handler fails on every request.

    ## Example
    ```python
    import jwt
    from tornado import web

    class ApiHandler(web.RequestHandler):
        def get_current_user(self):
            token = self.request.headers.get("Authorization", "").removeprefix("Bearer ")
            return jwt.decode(token, SECRET, options={"verify_signature": False})
    ```

    ## Use instead
    ```python
    import jwt
    from tornado import web

    class ApiHandler(web.RequestHandler):
        def get_current_user(self):
            token = self.request.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                return jwt.decode(token, SECRET, algorithms=["HS256"])
            except jwt.InvalidTokenError:
                return None
    ```

    ## Fix safety
    There is no automatic fix: the algorithm the tokens are signed with is the issuer's choice.
    """

    code = "TOR034"
    name = "jwt-unverified-decode"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "JWT decoded without signature verification or without pinned algorithms"
    guidelines = (
        Quote("tornado", "Authentication and Security", "Implement effective JWT integration"),
        Quote("tornado", "Authentication and Security", "Create effective user authentication"),
    )
    node_types = (ast.Call,)
    callees = callees_of(JWT_DECODERS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in JWT_DECODERS:
            return
        if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return  # arguments this module does not spell out
        problem = _problem(node)
        if problem is None:
            return
        message = (
            f"`{model.segment(node.func)}()` {problem} in {model.context_label(node)}: a forged token would be "
            'accepted; verify the signature and pin the algorithm, e.g. `algorithms=["HS256"]`'
        )
        yield self.diagnostic(node, model, message)


def _problem(call: ast.Call) -> str | None:
    options = keyword(call, "options")
    if isinstance(options, ast.Dict):
        for key, value in zip(options.keys, options.values):
            if isinstance(key, ast.Constant) and key.value == "verify_signature" and _is_false(value):
                return 'turns signature checking off (`"verify_signature": False`)'
    verify = keyword(call, "verify")
    if verify is not None and _is_false(verify):
        return "turns signature checking off (`verify=False`)"
    algorithms = keyword(call, "algorithms")
    if algorithms is None:
        if len(call.args) >= 3:
            algorithms = call.args[2]
        else:
            return "is given no `algorithms`"
    if isinstance(algorithms, (ast.List, ast.Tuple, ast.Set)):
        for element in algorithms.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str) and element.value.lower() == "none":
                return 'accepts unsigned tokens (`"none"` in `algorithms`)'
    if isinstance(algorithms, ast.Constant) and isinstance(algorithms.value, str) and algorithms.value.lower() == "none":
        return 'accepts unsigned tokens (`algorithms="none"`)'
    return None


def _is_false(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is False
