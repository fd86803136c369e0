"""Names and the bindings they read: which binding a name refers to where it stands, the names
that read a binding, and how a value is used where it stands."""

from __future__ import annotations

import ast

from .scopes import Binding, FunctionInfo, Scope
from .walk import enclosing_function
from .walk import parent as parent_of


class Bindings:
    def __init__(self, nodes: dict[type, list[ast.AST]], function_of_node: dict[int, FunctionInfo]):
        #: the walk's index of the module's nodes by type, and of its functions by id(def node)
        self._nodes = nodes
        self._function_of_node = function_of_node
        #: identifier -> the ``ast.Name`` nodes spelling it (``references``), made on first use
        self._names_by_identifier: dict[str, list[ast.Name]] | None = None
        #: attribute name -> the ``ast.Attribute`` nodes reading or writing it, made on first use
        self._attributes_by_name: dict[str, list[ast.Attribute]] | None = None

    def lookup(self, name: str, node: ast.AST) -> Binding | None:
        """The binding ``name`` refers to where ``node`` stands (the last one before it in its scope)."""
        scope: Scope | None = node._ag_scope  # type: ignore[attr-defined]
        position = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        skip_class = False
        while scope is not None:
            if not (skip_class and scope.kind == "class"):
                candidates = scope.bindings.get(name)
                if candidates:
                    # The last binding before the use; a name used before its binding in a
                    # function body refers to a later binding of an enclosing scope only at
                    # module level; inside functions (called later) the last binding is the one
                    # that counts.
                    for binding in reversed(candidates):
                        if binding.position <= position:
                            return binding
                    return candidates[-1]
            if scope.kind in ("function", "lambda"):
                skip_class = True
            scope = scope.parent
        return None

    def references(self, binding: Binding) -> list[ast.Name]:
        """The names that read or delete this binding, in nested scopes too, in source order."""
        index = self._names_by_identifier
        if index is None:
            index = self._names_by_identifier = {}
            for name in self._nodes.get(ast.Name, ()):
                index.setdefault(name.id, []).append(name)  # type: ignore[attr-defined]
        return [
            name
            for name in index.get(binding.name, ())
            if not isinstance(name.ctx, ast.Store) and self.lookup(name.id, name) is binding
        ]

    def attributes_named(self, attr: str) -> list[ast.Attribute]:
        """Every ``<expr>.<attr>`` node of the module (any receiver, any context), in source order."""
        index = self._attributes_by_name
        if index is None:
            index = self._attributes_by_name = {}
            for attribute in self._nodes.get(ast.Attribute, ()):
                index.setdefault(attribute.attr, []).append(attribute)  # type: ignore[attr-defined]
        return index.get(attr, [])

    def parameter_of(self, name: ast.Name) -> tuple[FunctionInfo, ast.arg] | None:
        """The ``def``/``async def`` whose parameter ``name`` reads, and that parameter; None when
        ``name`` reads no function parameter (a lambda's included)."""
        binding = self.lookup(name.id, name)
        if binding is None or binding.kind != "parameter":
            return None
        function = self._function_of_node.get(id(parent_of(binding.node)))
        return (function, binding.node) if function is not None else None  # type: ignore[return-value]

    def sole_local_binding(self, name: ast.Name) -> Binding | None:
        """The binding ``name`` reads when it is the only binding of that name in its function, so
        what the name holds is known for sure; None outside functions or when bound more than once."""
        function = enclosing_function(name)
        if function is None:
            return None
        bindings = function.scope.bindings.get(name.id, [])
        binding = self.lookup(name.id, name)
        return binding if len(bindings) == 1 and binding is bindings[0] else None

    def bound_to(self, expr: ast.AST) -> Binding | None:
        """The binding that keeps ``expr``'s value when it is assigned to one plain name where it
        stands (``x = <expr>``, ``x: T = <expr>``, ``x := <expr>``, seen through ``await``); else None."""
        use, target = self.value_use(expr)
        if use != "bound" or not isinstance(target, ast.Name):
            return None
        return self.lookup(target.id, target)

    def value_use(self, expr: ast.AST) -> tuple[str, ast.AST | None]:
        """How the value of ``expr`` is used where it stands, seen through ``await``: (kind, node).

        - ``("with", item)``: the context expression of a ``with``/``async with`` item;
        - ``("bound", name)``: assigned to one plain name (``=``, annotated ``=``, ``:=``); ``name``
          is the target ``ast.Name``, and ``lookup(name.id, name)`` its binding;
        - ``("stored", target)``: assigned to an attribute or a subscript (``self.s = …``, ``app["s"] = …``);
        - ``("argument", call)``: passed to a call, positionally or by keyword;
        - ``("returned", node)``: returned (``return``, a lambda's body); ``("yielded", node)``;
        - ``("element", display)``: an element of a list, tuple, set or dict display;
        - ``("receiver", attribute)``: an attribute of it is read (``x.close()``, ``x.status``);
        - ``("discarded", statement)``: an expression statement;
        - ``("other", parent)``: anything else (operands, tests, several or unpacking targets…).
        """
        node = expr
        parent = parent_of(node)
        while isinstance(parent, ast.Await):
            node, parent = parent, parent_of(parent)
        if isinstance(parent, ast.withitem) and parent.context_expr is node:
            return "with", parent
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if any(isinstance(target, (ast.Attribute, ast.Subscript)) for target in targets):
                return "stored", targets[0]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                return "bound", targets[0]
            return "other", parent
        if isinstance(parent, ast.Call) and node is not parent.func:
            return "argument", parent
        if isinstance(parent, ast.keyword):
            return "argument", parent_of(parent)
        if isinstance(parent, ast.Starred) and isinstance(parent_of(parent), ast.Call):
            return "argument", parent_of(parent)
        if isinstance(parent, ast.Return) or (isinstance(parent, ast.Lambda) and parent.body is node):
            return "returned", parent
        if isinstance(parent, (ast.Yield, ast.YieldFrom)):
            return "yielded", parent
        if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            return "element", parent
        if isinstance(parent, ast.Attribute):
            return "receiver", parent
        if isinstance(parent, ast.Expr):
            return "discarded", parent
        return "other", parent
