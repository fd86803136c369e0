"""What an expression stands for: the qualified name it refers to (imports and aliases seen
through) and the class it is an instance of. The two feed each other: ``s.get`` is
``requests.Session.get`` when ``s`` is an instance of ``requests.Session``, and ``s`` is one when
it is bound to a call of what ``requests.Session`` names. Both answers are cached per node: many
rules ask about the same call and receiver."""

from __future__ import annotations

import ast
import builtins

from ..types import ATTRIBUTE_TYPES, EVENT_LOOP_NAMES, EVENT_LOOP_TYPES, ITEM_TYPES, OPERATOR_TYPES, RETURN_TYPES
from .bindings import Bindings
from .scopes import Binding
from .walk import enclosing_function

_BUILTIN_NAMES = frozenset(dir(builtins))
#: the modules of typing's special forms
_TYPING_MODULES = frozenset({"typing", "typing_extensions"})
#: special forms whose first argument is the declared type (``Union`` only when the rest is None)
_WRAPPING_ANNOTATIONS = frozenset({"Optional", "Annotated", "Union", "ClassVar", "Final"})
#: forms that declare a class rather than an instance of it
_CLASS_ANNOTATIONS = frozenset({"Type", "type"})
#: how deep the mutual recursion of names, types and annotations may go (``a = b``, ``b = c``…)
_MAX_DEPTH = 8


class Resolution:
    def __init__(self, bindings: Bindings):
        self.lookup = bindings.lookup
        self._qualified_names: dict[int, str | None] = {}
        self._instance_types: dict[int, str | None] = {}
        #: id(string annotation) -> its parsed expression, placed where the string stands (``annotation_type``)
        self._string_annotations: dict[int, ast.expr | None] = {}

    def qualified_name(self, expr: ast.AST) -> str | None:
        """The dotted name an expression refers to, imports and aliases seen through."""
        key = id(expr)
        if key in self._qualified_names:
            return self._qualified_names[key]
        name = self._qualified_names[key] = self._qualified_name(expr, 0)
        return name

    def instance_type(self, expr: ast.AST) -> str | None:
        """The qualified name of the class ``expr`` evaluates to an instance of, when known."""
        key = id(expr)
        if key in self._instance_types:
            return self._instance_types[key]
        found = self._instance_types[key] = self._instance_type(expr, 0)
        return found

    def is_event_loop(self, expr: ast.AST) -> bool:
        """True when ``expr`` is an asyncio event loop: its type is one (``asyncio.get_running_loop()``,
        ``loop: asyncio.AbstractEventLoop``, ``self.loop = uvloop.new_event_loop()``), or it is named
        like one (``loop``, ``self._loop``, ``event_loop``: ``types.EVENT_LOOP_NAMES``), as loops made
        by factories the model does not know are (``policy.new_event_loop()``)."""
        if self.instance_type(expr) in EVENT_LOOP_TYPES:
            return True
        name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else None
        return name is not None and name.strip("_") in EVENT_LOOP_NAMES

    def annotation_type(self, annotation: ast.expr) -> str | None:
        """The qualified class an annotation declares (``Optional[X]``, ``X | None``, ``Union[X, None]``,
        ``Annotated[X, ...]``, ``ClassVar[X]``, ``Final[X]`` and string annotations seen through; a
        generic's origin: ``queue.Queue`` for ``queue.Queue[str]``), or None."""
        return self._annotation_type(annotation, 0)

    def _qualified_name(self, expr: ast.AST, depth: int) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            if binding is None:
                return f"builtins.{expr.id}" if expr.id in _BUILTIN_NAMES else None
            if binding.imported is not None:
                return binding.imported
            if binding.kind == "assignment" and isinstance(binding.value, (ast.Name, ast.Attribute)):
                return self._qualified_name(binding.value, depth + 1)
            return None
        if isinstance(expr, ast.Attribute):
            base = self._qualified_name(expr.value, depth + 1)
            if base is None:
                base = self._instance_type(expr.value, depth + 1)
            return f"{base}.{expr.attr}" if base else None
        return None

    def _instance_type(self, expr: ast.AST, depth: int) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Await):
            return self._instance_type(expr.value, depth + 1)
        if isinstance(expr, ast.Call):
            callee = self._qualified_name(expr.func, depth + 1)
            return RETURN_TYPES.get(callee, callee) if callee else None
        if isinstance(expr, ast.Name):
            binding = self.lookup(expr.id, expr)
            return self._binding_type(binding, depth) if binding else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            # self.<attr>, assigned in a method of the enclosing class
            function = enclosing_function(expr)
            if function is not None and function.names_instance(expr.value.id):
                class_info = function.class_info
                values = class_info.attributes.get(expr.attr, ())  # type: ignore[union-attr]
                for value in values:
                    found = self._instance_type(value, depth + 1)
                    if found:
                        return found
                # declared: ``self.jobs: Queue[str] = ...`` in a method, ``jobs: Queue[str]`` in the class body
                declared = list(class_info.annotations.get(expr.attr, ()))  # type: ignore[union-attr]
                body = class_info.scope.bindings.get(expr.attr, ())  # type: ignore[union-attr]
                declared += [b.annotation for b in body if b.annotation is not None]
                for annotation in declared:
                    found = self._annotation_type(annotation, depth + 1)
                    if found:
                        return found
        if isinstance(expr, ast.Attribute):
            # a property of a known instance whose type ``types.ATTRIBUTE_TYPES`` knows: ``path.parent``
            owner = self._instance_type(expr.value, depth + 1)
            return ATTRIBUTE_TYPES.get(f"{owner}.{expr.attr}") if owner else None
        if isinstance(expr, ast.BinOp):
            # an operator whose result type ``types.OPERATOR_TYPES`` knows: ``path / "name"``
            left = self._instance_type(expr.left, depth + 1)
            return OPERATOR_TYPES.get((left, type(expr.op).__name__)) if left else None
        if isinstance(expr, ast.Subscript):
            # an item of a container whose item type ``types.ITEM_TYPES`` knows: ``client["app"]``
            container = self._instance_type(expr.value, depth + 1)
            return ITEM_TYPES.get(container) if container else None
        return None

    def _binding_type(self, binding: Binding, depth: int) -> str | None:
        if binding.annotation is not None:
            return self._annotation_type(binding.annotation, depth + 1)
        if binding.value is not None and binding.kind in ("assignment", "with"):
            return self._instance_type(binding.value, depth + 1)
        return None

    def _annotation_type(self, annotation: ast.expr, depth: int) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            parsed = self._string_annotation(annotation)
            return self._annotation_type(parsed, depth + 1) if parsed is not None else None
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            # X | None
            sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
            return self._annotation_type(sides[0], depth + 1) if len(sides) == 1 else None
        if isinstance(annotation, ast.Subscript):
            outer = self._qualified_name(annotation.value, depth + 1)
            if outer is None or outer.rpartition(".")[2] in _CLASS_ANNOTATIONS:
                return None  # ``type[X]`` is the class, not an instance
            if outer.rpartition(".")[2] in _WRAPPING_ANNOTATIONS and outer.partition(".")[0] in _TYPING_MODULES:
                inner = annotation.slice
                members = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                if outer.endswith("Union"):
                    members = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
                    return self._annotation_type(members[0], depth + 1) if len(members) == 1 else None
                return self._annotation_type(members[0], depth + 1)
            return outer  # a generic class: ``queue.Queue[str]`` is a ``queue.Queue``
        return self._qualified_name(annotation, depth + 1)

    def _string_annotation(self, annotation: ast.Constant) -> ast.expr | None:
        """The expression a string annotation holds, its names looked up where the string stands."""
        key = id(annotation)
        if key not in self._string_annotations:
            try:
                parsed: ast.expr | None = ast.parse(annotation.value.strip(), mode="eval").body
            except SyntaxError:
                parsed = None
            if parsed is not None:
                scope = annotation._ag_scope  # type: ignore[attr-defined]
                for node in ast.walk(parsed):
                    ast.copy_location(node, annotation)
                    node._ag_scope = scope  # type: ignore[attr-defined]
            self._string_annotations[key] = parsed
        return self._string_annotations[key]
