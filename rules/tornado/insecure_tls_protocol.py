from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity

#: protocol constants that pin or allow SSL 2/3, TLS 1.0 or TLS 1.1 -> what to use instead (for messages)
OUTDATED = {
    "ssl.PROTOCOL_SSLv2": "`ssl.PROTOCOL_TLS_SERVER` (`ssl.PROTOCOL_TLS_CLIENT` for a client)",
    "ssl.PROTOCOL_SSLv3": "`ssl.PROTOCOL_TLS_SERVER` (`ssl.PROTOCOL_TLS_CLIENT` for a client)",
    "ssl.PROTOCOL_TLSv1": "`ssl.PROTOCOL_TLS_SERVER` (`ssl.PROTOCOL_TLS_CLIENT` for a client)",
    "ssl.PROTOCOL_TLSv1_1": "`ssl.PROTOCOL_TLS_SERVER` (`ssl.PROTOCOL_TLS_CLIENT` for a client)",
    "ssl.TLSVersion.SSLv3": "`ssl.TLSVersion.TLSv1_2`",
    "ssl.TLSVersion.TLSv1": "`ssl.TLSVersion.TLSv1_2`",
    "ssl.TLSVersion.TLSv1_1": "`ssl.TLSVersion.TLSv1_2`",
}


class InsecureTlsProtocol(Rule):
    """
    ## What it does
    Finds, in modules that use Tornado, the `ssl` constants that choose an outdated protocol:
    `ssl.PROTOCOL_SSLv2`, `PROTOCOL_SSLv3`, `PROTOCOL_TLSv1`, `PROTOCOL_TLSv1_1` (as
    `ssl_options={"ssl_version": ...}` or `ssl.SSLContext(...)`), and `ssl.TLSVersion.SSLv3`,
    `TLSv1`, `TLSv1_1` (as a context's `minimum_version`).

    ## Why is this bad?
    SSL 3, TLS 1.0 and TLS 1.1 have known attacks (POODLE, BEAST) and are deprecated (RFC 8996);
    browsers refuse them. Pinning a server's `HTTPServer(ssl_options=...)` or a client's context to
    them either breaks every modern client or lets an attacker downgrade connections to a protocol
    they can break. Python's `ssl` module deprecates these constants since 3.10.

    ## Example
    ```python
    import ssl

    from tornado.httpserver import HTTPServer

    server = HTTPServer(app, ssl_options={
        "certfile": "server.crt",
        "keyfile": "server.key",
        "ssl_version": ssl.PROTOCOL_TLSv1,
    })
    ```

    ## Use instead
    ```python
    import ssl

    from tornado.httpserver import HTTPServer

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain("server.crt", "server.key")
    server = HTTPServer(app, ssl_options=context)
    ```

    ## Fix safety
    There is no automatic fix: clients that only speak the old protocol stop connecting, which
    the operator has to decide on.
    """

    code = "TOR024"
    name = "insecure-tls-protocol"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "SSL 3 / TLS 1.0 / TLS 1.1 chosen for a Tornado server or client"
    guidelines = (Quote("tornado", "Deployment", "Use proper TLS configuration"),)
    node_types = (ast.Attribute, ast.Name)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, (ast.Attribute, ast.Name))
        if not isinstance(node.ctx, ast.Load):
            return
        name = model.qualified_name(node)
        if name not in OUTDATED:
            return
        parent = model.parent(node)
        if isinstance(parent, ast.Attribute):
            return  # ``ssl.TLSVersion`` of ``ssl.TLSVersion.TLSv1``: reported on the whole name
        if isinstance(parent, ast.Compare):
            return  # ``if context.minimum_version == ssl.TLSVersion.TLSv1:`` checks, it does not choose
        what = "pins the connection to" if "PROTOCOL" in name else "allows"
        message = (
            f"`{model.segment(node)}` ({model.context_label(node)}) {what} an outdated protocol that has known attacks "
            f"and that browsers refuse; use {OUTDATED[name]}"
        )
        yield self.diagnostic(node, model, message)
