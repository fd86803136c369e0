"""The functions and classes of this module that an expression names (``f``, ``self.m``, ``C``),
and what a class of this module derives from, through its bases here and elsewhere."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .bindings import Bindings
from .resolution import Resolution
from .scopes import ClassInfo, FunctionInfo
from .walk import enclosing_function


class Definitions:
    def __init__(self, bindings: Bindings, resolution: Resolution):
        self.lookup = bindings.lookup
        self.qualified_name = resolution.qualified_name

    def function_def(self, expr: ast.AST) -> FunctionInfo | None:
        """The function of this module that ``expr`` names: ``f``, ``self.m``, ``cls.m``, ``C.m``."""
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            if binding and isinstance(binding.definition, FunctionInfo):
                return binding.definition
            return None
        if isinstance(expr, ast.Attribute):
            owner = self.class_def(expr.value)
            if owner is None and isinstance(expr.value, ast.Name):
                function = enclosing_function(expr)
                if function is not None and function.names_instance(expr.value.id):
                    owner = function.class_info
            if owner is not None:
                return self.find_method(owner, expr.attr)
        return None

    def class_def(self, expr: ast.AST) -> ClassInfo | None:
        """The class of this module that ``expr`` names."""
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            if binding and isinstance(binding.definition, ClassInfo):
                return binding.definition
        return None

    def base_classes(self, class_info: ClassInfo) -> Iterator[str | ClassInfo]:
        """The class's bases, transitively: module-local classes as ClassInfo, others by qualified name."""
        seen: set[int] = set()
        pending = [class_info]
        while pending:
            current = pending.pop()
            for base in current.node.bases:
                local = self.class_def(base)
                if local is not None:
                    if id(local) not in seen:
                        seen.add(id(local))
                        pending.append(local)
                        yield local
                    continue
                name = self.qualified_name(base)
                if name:
                    yield name

    def is_subclass(self, class_info: ClassInfo, *qualified_bases: str) -> bool:
        """True when the class derives, directly or through classes of this module, from one of these."""
        return any(base in qualified_bases for base in self.base_classes(class_info) if isinstance(base, str))

    def find_method(self, class_info: ClassInfo, name: str) -> FunctionInfo | None:
        """A method of the class or of a base class defined in this module."""
        if name in class_info.methods:
            return class_info.methods[name]
        for base in self.base_classes(class_info):
            if isinstance(base, ClassInfo) and name in base.methods:
                return base.methods[name]
        return None
