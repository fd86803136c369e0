from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: ``ssl`` names of protocol versions with known breaks (deprecated by RFC 8996 for TLS 1.0/1.1)
OUTDATED_PROTOCOLS = {
    "ssl.PROTOCOL_SSLv2": "SSL 2",
    "ssl.PROTOCOL_SSLv3": "SSL 3",
    "ssl.PROTOCOL_TLSv1": "TLS 1.0",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1",
    "ssl.TLSVersion.SSLv3": "SSL 3",
    "ssl.TLSVersion.TLSv1": "TLS 1.0",
    "ssl.TLSVersion.TLSv1_1": "TLS 1.1",
}


class OutdatedTlsVersion(Rule):
    """
    ## What it does
    Finds TLS set up with an outdated protocol version in a Sanic application:
    `ssl.SSLContext(ssl.PROTOCOL_TLSv1)`, `PROTOCOL_TLSv1_1`, `PROTOCOL_SSLv3`, or
    `context.minimum_version = ssl.TLSVersion.TLSv1` (comparisons with these names are left alone).

    ## Why is this bad?
    SSL 3, TLS 1.0 and TLS 1.1 have known attacks (POODLE, BEAST) and weak hashes; RFC 8996 forbids
    TLS 1.0 and 1.1, browsers refuse them, and compliance scans (PCI DSS) fail a server that
    offers them. A context pinned to one of them also cannot speak TLS 1.2 or 1.3.

    ## Example
    ```python
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)
    context.load_cert_chain("cert.pem", "key.pem")
    app.run(ssl=context)
    ```

    ## Use instead
    ```python
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain("cert.pem", "key.pem")
    app.run(ssl=context)
    ```
    or give Sanic the files (`app.run(ssl={"cert": ..., "key": ...})`), which uses safe defaults.

    ## Fix safety
    There is no automatic fix: old clients that only speak the outdated version stop connecting,
    which is a decision to make.
    """

    code = "SAN031"
    name = "outdated-tls-version"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "TLS context uses SSL 3, TLS 1.0 or TLS 1.1"
    guidelines = (Quote("sanic", "Deployment", "Use proper TLS configuration"),)
    node_types = (ast.Attribute, ast.Name)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.Attribute, ast.Name))
        if not isinstance(node.ctx, ast.Load) or isinstance(model.parent(node), (ast.Compare, ast.Attribute)):
            return
        name = model.qualified_name(node)
        version = OUTDATED_PROTOCOLS.get(name or "")
        if version is None:
            return
        message = (
            f"`{model.segment(node)}` sets up {version}, which has known attacks and which clients refuse; "
            f"require TLS 1.2 or newer (`context.minimum_version = ssl.TLSVersion.TLSv1_2`)"
        )
        yield self.diagnostic(node, model, message)
