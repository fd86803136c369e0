"""The shared shape of "blocking call in async context" rules (ASY100–ASY107).

Each such rule keeps its own table, as data in its own file, of qualified call names and the
async replacement to name in the message; this base class does the matching. A table key that
ends with ``.*`` matches every attribute of that name (``"requests.*"``: ``requests.get``,
``requests.Session.post``…).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import ClassVar

from .model import SemanticModel
from .rule import Diagnostic, Rule, Severity


class BlockingCallRule(Rule):
    severity = Severity.WARNING
    node_types = (ast.Call,)
    #: qualified call name (or ``prefix.*``) -> what to use instead, for the message
    calls: ClassVar[dict[str, str]]

    def replacement(self, name: str) -> str | None:
        found = self.calls.get(name)
        if found is not None:
            return found
        prefix = name
        while "." in prefix:
            prefix = prefix.rsplit(".", 1)[0]
            found = self.calls.get(f"{prefix}.*")
            if found is not None:
                return found
        return None

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not model.in_async_context(node):
            return
        for name in self.call_names(node, model):
            replacement = self.replacement(name)
            if replacement is not None:
                yield self.blocking_diagnostic(node, model, name, replacement)
                return

    @staticmethod
    def call_names(node: ast.Call, model: SemanticModel) -> Iterator[str]:
        """The names a call is looked up by: its qualified name, then, for a method call, the method
        on its receiver's known type (``ROOT.read_text`` after ``ROOT = Path(__file__).parent``, whose
        qualified name runs through ``Path.parent`` and misses the table)."""
        name = model.qualified_name(node.func)
        if name is not None:
            yield name
        if isinstance(node.func, ast.Attribute):
            receiver = model.instance_type(node.func.value)
            if receiver is not None and f"{receiver}.{node.func.attr}" != name:
                yield f"{receiver}.{node.func.attr}"

    def blocking_diagnostic(self, node: ast.Call, model: SemanticModel, name: str, replacement: str, **extra) -> Diagnostic:
        shown = name.removeprefix("builtins.")
        message = f"`{shown}()` blocks the event loop in {model.context_label(node)}; use {replacement}"
        return self.diagnostic(node, model, message, **extra)
