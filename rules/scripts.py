"""Code that runs only when a module is run as a script: the body of ``if __name__ == "__main__":``."""

from __future__ import annotations

import ast

from .model import SemanticModel


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either operand order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    operands = [test.left, test.comparators[0]]
    has_name = any(isinstance(o, ast.Name) and o.id == "__name__" for o in operands)
    has_main = any(isinstance(o, ast.Constant) and o.value == "__main__" for o in operands)
    return has_name and has_main


def under_main_guard(node: ast.AST, model: SemanticModel) -> bool:
    """In the body of a module-level ``if __name__ == "__main__":`` (a demo's or a developer's entry point)."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.If) and is_main_guard(ancestor.test) and any(child is s for s in ancestor.body):
            return model.scope(ancestor).kind == "module"
        child = ancestor
    return False
