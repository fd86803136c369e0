"""What the walk records about names: scopes, the bindings in them, and the functions and classes
that open them. Plain data; ``bindings`` and ``resolution`` answer questions about it."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from .roles import HandlerInfo

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(eq=False)
class Binding:
    """One binding of a name in a scope, in source order."""

    name: str
    kind: str  # "import", "assignment", "annotation", "parameter", "function", "class", "with", "loop"
    node: ast.AST  # the binding statement, parameter or definition
    scope: Scope
    #: for imports, the imported qualified name; otherwise None
    imported: str | None = None
    #: the bound value's expression (assignments, ``with ... as``), when there is one
    value: ast.expr | None = None
    #: an annotation that declares the bound value's type (parameters, annotated assignments)
    annotation: ast.expr | None = None
    definition: FunctionInfo | ClassInfo | None = None

    @property
    def position(self) -> tuple[int, int]:
        return (getattr(self.node, "lineno", 0), getattr(self.node, "col_offset", 0))


@dataclass(eq=False)
class Scope:
    kind: str  # "module", "class", "function", "lambda", "comprehension"
    node: ast.AST
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    function: FunctionInfo | None = None  # for "function" scopes
    class_info: ClassInfo | None = None  # for "class" scopes

    def bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)


@dataclass(eq=False)
class FunctionInfo:
    node: FunctionNode
    scope: Scope  # the function's own scope
    outer: Scope  # where it is defined
    class_info: ClassInfo | None  # the class it is a method of, if any
    awaits: bool = False  # has await / async for / async with / async comprehension in its own body
    yields: bool = False
    handler: HandlerInfo | None = None

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)

    @property
    def qualname(self) -> str:
        return f"{self.class_info.name}.{self.name}" if self.class_info else self.name

    def names_instance(self, name: str) -> bool:
        """True when ``name`` is this method's first parameter, the instance (``self``): a method
        of a class, not a ``@staticmethod``."""
        if self.class_info is None:
            return False
        args = self.node.args.posonlyargs + self.node.args.args
        return bool(args) and args[0].arg == name and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in self.node.decorator_list
        )


@dataclass(eq=False)
class ClassInfo:
    node: ast.ClassDef
    scope: Scope
    outer: Scope
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    #: ``self.<name> = <value>`` assignments in its methods
    attributes: dict[str, list[ast.expr]] = field(default_factory=dict)
    #: ``self.<name>: <annotation>`` declarations in its methods (class-body ones are bindings of its scope)
    annotations: dict[str, list[ast.expr]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.node.name
