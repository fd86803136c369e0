from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import string

#: JWT decoding functions (PyJWT, python-jose, authlib's is different and not listed)
DECODE_FUNCTIONS = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jwt.decode_complete", "jose.jwt.decode"})
#: ``options`` switches whose ``False`` turns off a check -> what is then accepted, for messages
DISABLED_CHECKS = {
    "verify_signature": "a token with any signature, or none, so anyone can write their own claims",
    "verify_exp": "expired tokens forever",
    "verify_aud": "tokens issued for other services",
    "verify_iss": "tokens from any issuer",
}


class JwtVerificationDisabled(Rule):
    """
    ## What it does
    Finds JWTs decoded with their checks turned off in a Sanic application: `jwt.decode(...)` (PyJWT
    or python-jose) given `options={"verify_signature": False}` (or `verify_exp`, `verify_aud`,
    `verify_iss` set to `False`), PyJWT 1's `verify=False`, or `"none"` among the `algorithms`.

    ## Why is this bad?
    The signature is the only thing that makes a token's claims trustworthy: without it anyone can
    write `{"sub": "admin"}` into a token and be that user. Skipping the expiry check keeps stolen
    or logged-out tokens valid forever, and skipping the audience or issuer checks accepts tokens
    minted for another service. Accepting the `none` algorithm is the same as skipping the
    signature.

    ## Example
    ```python
    @app.on_request
    async def authenticate(request):
        claims = jwt.decode(request.token, options={"verify_signature": False})
        request.ctx.user_id = claims["sub"]
    ```

    ## Use instead
    ```python
    @app.on_request
    async def authenticate(request):
        claims = jwt.decode(request.token, request.app.config.JWT_SECRET, algorithms=["HS256"])
        request.ctx.user_id = claims["sub"]
    ```
    To read a header before verifying (to pick the key by `kid`), use `jwt.get_unverified_header()`
    and then decode with checks.

    ## Fix safety
    There is no automatic fix: verifying needs the right key and algorithm, which the code does not
    show.
    """

    code = "SAN022"
    name = "jwt-verification-disabled"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "JWT decoded with its signature, expiry, audience or issuer check turned off"
    guidelines = (
        Quote("sanic", "Authentication and Authorization", "Create proper JWT implementation"),
        Quote("sanic", "Authentication and Authorization", "Implement proper token validation"),
    )
    node_types = (ast.Call,)
    callees = callees_of(DECODE_FUNCTIONS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = model.qualified_name(node.func)
        if name not in DECODE_FUNCTIONS:
            return
        call = model.segment(node.func)
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "verify" and isinstance(value, ast.Constant) and value.value is False:
                yield self.report(keyword, model, call, "`verify=False`", DISABLED_CHECKS["verify_signature"])
            elif keyword.arg == "options" and isinstance(value, ast.Dict):
                for key, option in zip(value.keys, value.values):
                    accepted = DISABLED_CHECKS.get(string(key) or "")
                    if accepted and isinstance(option, ast.Constant) and option.value is False:
                        yield self.report(key, model, call, f"`{string(key)}: False`", accepted)
            elif keyword.arg == "algorithms" and isinstance(value, (ast.List, ast.Tuple, ast.Set)):
                for algorithm in value.elts:
                    if (string(algorithm) or "").lower() == "none":
                        yield self.report(algorithm, model, call, "the `none` algorithm", DISABLED_CHECKS["verify_signature"])

    def report(self, node: ast.AST, model: SemanticModel, call: str, what: str, accepted: str) -> Diagnostic:
        message = (
            f"`{call}()` with {what} in {model.context_label(node)} accepts {accepted}; "
            f"decode with the key, an explicit `algorithms=[...]` and every check on"
        )
        return self.diagnostic(node, model, message)
