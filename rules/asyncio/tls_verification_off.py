from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..tls import behind_opt_in

#: the verify mode that accepts any certificate
CERT_NONE = frozenset({"ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"})

#: the stdlib's private factory of a context that verifies nothing
UNVERIFIED_CONTEXTS = frozenset({"ssl._create_unverified_context"})


class TlsVerificationOff(Rule):
    """
    ## What it does
    Finds TLS certificate verification turned off on an `ssl.SSLContext`, the context asyncio's
    `open_connection(ssl=...)`, `create_connection(ssl=...)` and `start_tls()` use:
    `context.verify_mode = ssl.CERT_NONE`, `context.check_hostname = False`, and
    `ssl._create_unverified_context()`.

    Modules that use aiohttp are left to `AIO` rules, which report the same settings there.
    Verification turned off only behind an explicit option (`if args.ssl_insecure:`,
    `if not verify_ssl:`) is the user's choice and is left alone.

    ## Why is this bad?
    Without verification, TLS still encrypts but no longer proves who is on the other end: anyone
    on the network path can present any certificate and read or change the traffic, credentials
    included. A context relaxed "for now" to get past a self-signed certificate tends to ship.

    ## Example
    ```python
    import asyncio
    import ssl

    async def connect(host):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return await asyncio.open_connection(host, 443, ssl=context)
    ```

    ## Use instead
    ```python
    import asyncio
    import ssl

    async def connect(host):
        context = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")
        return await asyncio.open_connection(host, 443, ssl=context)
    ```

    ## Fix safety
    No automatic fix: the certificate to trust instead (a CA file, a pinned certificate) has to
    come from the deployment.
    """

    code = "ASY137"
    name = "tls-verification-off"
    framework = "asyncio"
    severity = Severity.ERROR
    summary = "TLS certificate verification turned off on an `SSLContext`"
    guidelines = (Quote("asyncio", "Network Programming", "Use appropriate SSL/TLS integration"),)
    node_types = (ast.Assign, ast.Call)
    callees = callees_of(UNVERIFIED_CONTEXTS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        # the opt-in test walks the node's ancestors: asked only of what would be reported (every
        # assignment of a module comes here)
        if model.uses("aiohttp"):
            return
        if isinstance(node, ast.Call):
            if model.qualified_name(node.func) in UNVERIFIED_CONTEXTS and not behind_opt_in(node, model):
                message = (
                    f"`ssl._create_unverified_context()` in {model.context_label(node)} accepts any certificate: "
                    "anyone on the network path can impersonate the peer; use `ssl.create_default_context()`"
                )
                yield self.diagnostic(node, model, message)
            return
        assert isinstance(node, ast.Assign)
        value = node.value
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            disabled = (target.attr == "verify_mode" and model.qualified_name(value) in CERT_NONE) or (
                target.attr == "check_hostname" and isinstance(value, ast.Constant) and value.value is False
                and not trusts_a_given_ca(target.value, node, model)
            )
            if disabled and not behind_opt_in(node, model):
                message = (
                    f"`{model.segment(target)} = {model.segment(value)}` in {model.context_label(node)} turns TLS "
                    "verification off: anyone on the network path can impersonate the peer; trust the peer's CA "
                    "(`create_default_context(cafile=...)`) instead"
                )
                yield self.diagnostic(node, model, message)


#: keywords of ssl.create_default_context()/SSLContext.load_verify_locations() naming the CA to trust
CA_KEYWORDS = frozenset({"cafile", "capath", "cadata"})


def trusts_a_given_ca(context: ast.expr, node: ast.AST, model: SemanticModel) -> bool:
    """True when ``context`` is made with a CA to trust (``create_default_context(cafile=...)``) or
    loads one (``context.load_verify_locations(...)``) in the same function: without hostname
    checking the peer's chain is still verified against that CA (a server reached by IP address)."""
    function = model.enclosing_function(node)
    for attribute in model.attributes_named("load_verify_locations"):
        if model.segment(attribute.value) == model.segment(context) and model.enclosing_function(attribute) is function:
            return True
    binding = model.sole_local_binding(context) if isinstance(context, ast.Name) else None
    made = binding.node.value if binding is not None and isinstance(binding.node, ast.Assign) else None
    return isinstance(made, ast.Call) and any(keyword.arg in CA_KEYWORDS for keyword in made.keywords)
