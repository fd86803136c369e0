"""TLS settings that the rules about verification (ASY137, AIO005) judge alike."""

from __future__ import annotations

import ast
import re

from .model import SemanticModel

#: how an option that turns verification off on purpose is named: ``--ssl-insecure``, ``verify_ssl``,
#: ``no_verify``, ``tls_skip_verify``
OPT_IN_OPTION = re.compile(r"insecure|verif", re.IGNORECASE)


def behind_opt_in(node: ast.AST, model: SemanticModel) -> bool:
    """Under an ``if`` (or a conditional expression) that tests an explicit option for it:
    ``if args.ssl_insecure:``, ``if not verify_ssl:``, ``CERT_NONE if insecure else ...``."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, (ast.If, ast.IfExp)) and _names_opt_in(ancestor.test):
            return True
    return isinstance(node, ast.Assign) and isinstance(node.value, ast.IfExp) and _names_opt_in(node.value.test)


def _names_opt_in(test: ast.expr) -> bool:
    names = [
        n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else n.value
        for n in ast.walk(test)
        if isinstance(n, (ast.Name, ast.Attribute)) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
    ]
    return any(OPT_IN_OPTION.search(name) for name in names)
