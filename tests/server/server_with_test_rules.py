"""The language server with two extra rules that exist only for the server tests.

``TST001`` prints to stdout and then crashes on every call (the server must log it and keep
serving, and the print must not reach the protocol stream); ``TST002`` flags ``legacy()`` with an
unsafe fix to ``modern()``. Run as ``python -m tests.server.server_with_test_rules``; the test
process itself never imports this module, so the real rule registry is untouched there.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator

from asyncguide.rules.fixes import FixContext
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.registry import all_rules
from asyncguide.rules.rule import Applicability, Diagnostic, Fix, FixAvailability, Rule
from asyncguide.server.cli import main

all_rules()  # load the real packs first: the registry loads them only while it is empty


class CrashingRule(Rule):
    code = "TST001"
    name = "crashing-rule"
    framework = "asyncio"
    summary = "Prints, then raises on every call"
    guidelines = ()
    node_types = (ast.Call,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        print("stray output from a rule")
        raise RuntimeError("the test rule failed")


class UnsafeFixRule(Rule):
    code = "TST002"
    name = "legacy-call"
    framework = "asyncio"
    summary = "`legacy()` has an unsafe fix to `modern()`"
    guidelines = ()
    node_types = (ast.Call,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Call `modern()` instead"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if isinstance(node.func, ast.Name) and node.func.id == "legacy":
            yield self.diagnostic(node.func, model, "`legacy()` is deprecated", fix=Applicability.UNSAFE)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        name = context.node_at(diagnostic.range, ast.Name)
        if name is None:
            return None
        return Fix(self.fix_title, Applicability.UNSAFE, (context.replace(name, "modern"),))


if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
