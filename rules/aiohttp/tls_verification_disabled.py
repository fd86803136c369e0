from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..tls import behind_opt_in
from ..frameworks.aiohttp import qualified

REQUEST_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect")
#: aiohttp calls that take ``ssl=`` / ``verify_ssl=``
TLS_CALLS = frozenset(
    {
        "aiohttp.TCPConnector",
        "aiohttp.request",
        *(f"aiohttp.ClientSession.{method}" for method in REQUEST_METHODS),
    }
)
#: keyword -> the constant that turns verification off
DISABLING_KEYWORDS = {"ssl": False, "verify_ssl": False}
CERT_NONE = frozenset({"ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"})
UNVERIFIED_CONTEXT = "ssl._create_unverified_context"


class TlsVerificationDisabled(Rule):
    """
    ## What it does
    Finds TLS certificate verification turned off for aiohttp clients: `ssl=False` or
    `verify_ssl=False` passed to a request method, `ws_connect`, `aiohttp.request` or
    `TCPConnector`; an `SSLContext` given `verify_mode = ssl.CERT_NONE` or `check_hostname =
    False`; and `ssl._create_unverified_context()`. Settings made only behind an explicit option
    (`if args.ssl_insecure:`, `if not verify_ssl:`) are the user's choice and are left alone.

    ## Why is this bad?
    Without verification, TLS still encrypts but no longer proves who is on the other end: anyone
    on the network path (a rogue Wi-Fi access point, a compromised proxy) can present any
    certificate and read or change every request, credentials and tokens included. Code that
    turns verification off "for now" to get past a self-signed certificate tends to ship.

    A method call on a session whose type the module does not show is checked too, when it
    passes `ssl=False` or `verify_ssl=False` (in a module that uses aiohttp, that is aiohttp's
    keyword).

    ## Example
    ```python
    import aiohttp

    async def fetch(url):
        connector = aiohttp.TCPConnector(ssl=False)
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(url) as response:
                return await response.text()
    ```

    ## Use instead
    Keep verification on, and trust the internal CA explicitly when there is one:
    ```python
    import ssl

    import aiohttp

    INTERNAL_CA = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")

    async def fetch(url):
        connector = aiohttp.TCPConnector(ssl=INTERNAL_CA)
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(url) as response:
                return await response.text()
    ```

    ## Fix safety
    There is no automatic fix: which certificate authority to trust is a deployment decision.
    """

    code = "AIO005"
    name = "tls-verification-disabled"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "TLS certificate verification turned off"
    guidelines = (
        Quote("aiohttp", "Client-Side Development", "Use proper SSL/TLS configuration"),
        Quote("aiohttp", "Key Principles", "Create secure and responsive web applications"),
    )
    node_types = (ast.Call, ast.Assign)
    callees = callees_of(TLS_CALLS, (UNVERIFIED_CONTEXT,))  # `REQUEST_METHODS` on an untyped receiver too

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        findings = list(self._findings(node, model))
        # the opt-in test walks the node's ancestors: asked only of what would be reported
        if findings and not behind_opt_in(node, model):  # else the user's explicit choice (`if args.insecure:`)
            yield from findings

    def _findings(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Assign):
            yield from self._check_context_setting(node, model)
            return
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        if name == UNVERIFIED_CONTEXT:
            yield self.diagnostic(
                node,
                model,
                "`ssl._create_unverified_context()` verifies neither the certificate nor the host name; "
                "use `ssl.create_default_context()` (with `cafile=` for a private CA)",
            )
            return
        untyped_request = name is None and isinstance(node.func, ast.Attribute) and node.func.attr in REQUEST_METHODS
        if name not in TLS_CALLS and not untyped_request:
            return
        if name is None:
            shown = model.segment(node.func)
        else:
            shown = name if name == "aiohttp.request" else name.removeprefix("aiohttp.")
        for argument in node.keywords:
            disabling = DISABLING_KEYWORDS.get(argument.arg or "")
            value = argument.value
            if disabling is not None and isinstance(value, ast.Constant) and value.value is disabling:
                yield self.diagnostic(
                    argument,
                    model,
                    f"`{argument.arg}=False` in `{shown}()` turns off TLS certificate verification, so anyone on "
                    "the network path can impersonate the server; keep the default, or pass `ssl=` an "
                    "`ssl.SSLContext` that trusts your CA",
                )

    def _check_context_setting(self, node: ast.Assign, model: SemanticModel) -> Iterator[Diagnostic]:
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr == "verify_mode" and qualified(model, node.value) in CERT_NONE:
                yield self.diagnostic(
                    node,
                    model,
                    "`verify_mode = ssl.CERT_NONE` makes the TLS context accept any certificate; keep "
                    "`ssl.CERT_REQUIRED` and load your CA with `load_verify_locations()`",
                )
            elif target.attr == "check_hostname" and isinstance(node.value, ast.Constant) and node.value.value is False:
                yield self.diagnostic(
                    node,
                    model,
                    "`check_hostname = False` makes the TLS context accept a valid certificate issued for any "
                    "other host; keep host name checking on",
                )
