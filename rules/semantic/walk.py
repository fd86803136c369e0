"""The one walk of a module's ``ast``: records parent and scope on every node, binds names in
module, class, function, lambda and comprehension scopes, marks which functions await or yield,
and indexes nodes by type, into the ``SemanticModel`` it is given. Everything else the model
knows is derived from what this walk records, on demand.

The links it leaves on each node (``_ag_parent``, ``_ag_scope``) are read with ``parent``,
``ancestors`` and ``enclosing_function`` below.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .scopes import Binding, ClassInfo, FunctionInfo, FunctionNode, Scope

if TYPE_CHECKING:
    from ..model import SemanticModel


def parent(node: ast.AST) -> ast.AST | None:
    return getattr(node, "_ag_parent", None)


def ancestors(node: ast.AST) -> Iterator[ast.AST]:
    above = getattr(node, "_ag_parent", None)
    while above is not None:
        yield above
        above = getattr(above, "_ag_parent", None)


def enclosing_function(node: ast.AST) -> FunctionInfo | None:
    """The innermost ``def``/``async def`` whose body holds ``node`` (lambdas are passed over)."""
    scope: Scope | None = node._ag_scope  # type: ignore[attr-defined]
    while scope is not None:
        if scope.kind == "function":
            return scope.function
        if scope.kind == "class":
            return None
        scope = scope.parent
    return None


class Walker:
    """The one walk. Records parent and scope on every node, binds names, indexes nodes.

    The walk is iterative, so code nested thousands deep (a chain of 1,000 calls, a sum of 2,000
    terms: valid Python) walks as any other, whatever the recursion limit. ``run`` pops tasks off
    a stack: a node to visit with its parent and scope, or a continuation (a bound method and its
    arguments, with None for a scope). Visiting a node, or running a continuation, only schedules
    what comes next (``visit``, ``children``, ``then`` append to ``pending``); ``run`` then pushes
    the pending tasks in reverse, so that they run in the order they were scheduled, each
    subtree to its end before the next: the order of a recursive walk.
    """

    def __init__(self, model: SemanticModel):
        self.model = model
        self.index = model._nodes
        self.scope = model.module_scope
        self.pending: list[tuple] = []

    def walk_module(self, tree: ast.Module) -> None:
        tree._ag_scope = self.scope  # type: ignore[attr-defined]
        self.index.setdefault(ast.Module, []).append(tree)
        self.children(tree)
        self.run()

    def run(self) -> None:
        # The hottest code of a lint (every node, every keystroke). A node without a special
        # handler has its children pushed right here, last first; the node's fields and the
        # links are read and written through its __dict__.
        pending = self.pending
        stack = pending[::-1]
        pending.clear()
        pop, append, push = stack.pop, stack.append, stack.extend
        index = self.index
        node_class = ast.AST
        while stack:
            node, parent, scope = pop()
            if scope is None:  # a continuation: parent holds its arguments
                node(*parent)
            else:
                attributes = node.__dict__
                attributes["_ag_parent"] = parent
                attributes["_ag_scope"] = scope
                node_type = node.__class__
                bucket = index.get(node_type)
                if bucket is None:
                    bucket = index[node_type] = []
                bucket.append(node)
                special = _SPECIAL.get(node_type)
                if special is None:
                    fields = _CHILD_FIELDS_LAST_FIRST.get(node_type)
                    if fields is None:
                        fields = _child_fields(node_type)[::-1]
                    for name in fields:
                        value = attributes.get(name)
                        if value.__class__ is list:
                            for item in reversed(value):
                                if isinstance(item, node_class):
                                    append((item, node, scope))
                        elif isinstance(value, node_class):
                            append((value, node, scope))
                    continue
                self.scope = scope
                special(self, node)
            if pending:
                push(reversed(pending))
                pending.clear()

    def visit(self, node: ast.AST, parent: ast.AST) -> None:
        """Schedule a visit of ``node`` in the current scope."""
        self.pending.append((node, parent, self.scope))

    def then(self, continuation: Callable[..., None], *arguments: object) -> None:
        """Schedule ``continuation(*arguments)`` after what is scheduled so far (and its subtrees)."""
        self.pending.append((continuation, arguments, None))

    def children(self, node: ast.AST) -> None:
        attributes = node.__dict__
        fields = _CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = _child_fields(type(node))
        pending = self.pending
        scope = self.scope
        for name in fields:
            value = attributes.get(name)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        pending.append((item, node, scope))
            elif isinstance(value, ast.AST):
                pending.append((value, node, scope))

    def visit_all(self, nodes: list, parent: ast.AST) -> None:
        for item in nodes:
            if item is not None:
                self.visit(item, parent)

    def new_scope(self, kind: str, node: ast.AST, outer: Scope) -> Scope:
        scope = Scope(kind, node, outer)
        self.model.scopes.append(scope)
        return scope

    def bind(self, name: str, kind: str, node: ast.AST, **extra) -> Binding:
        binding = Binding(name, kind, node, self.scope, **extra)
        self.scope.bind(binding)
        return binding

    # --- imports

    def import_(self, node: ast.Import) -> None:
        for alias in node.names:
            self.model.imported_modules.add(alias.name.split(".")[0])
            if alias.asname:
                self.bind(alias.asname, "import", node, imported=alias.name)
            else:
                root = alias.name.split(".")[0]
                self.bind(root, "import", node, imported=root)
        self.children(node)

    def import_from(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        if node.level == 0 and node.module:
            self.model.imported_modules.add(node.module.split(".")[0])
        for alias in node.names:
            if alias.name == "*":
                continue
            qualified = f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
            self.bind(alias.asname or alias.name, "import", node, imported=qualified)
        self.children(node)

    # --- definitions and scopes

    def function(self, node: FunctionNode) -> None:
        self.visit_all(node.decorator_list, node)
        self.visit_defaults(node.args, node)
        if node.returns is not None:
            self.visit(node.returns, node)
        self.then(self.function_body, node, self.scope)

    def function_body(self, node: FunctionNode, outer: Scope) -> None:
        class_info = outer.class_info if outer.kind == "class" else None
        scope = self.new_scope("function", node, outer)
        info = FunctionInfo(node, scope, outer, class_info)
        scope.function = info
        self.model.functions.append(info)
        self.model._function_of_node[id(node)] = info
        if class_info is not None:
            class_info.methods[node.name] = info
        self.scope = outer
        self.bind(node.name, "function", node, definition=info)
        self.scope = scope
        self.bind_parameters(node.args, node)
        for statement in node.body:
            self.visit(statement, node)

    def visit_defaults(self, args: ast.arguments, owner: ast.AST) -> None:
        self.visit_all(args.defaults, owner)
        self.visit_all(args.kw_defaults, owner)
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation, arg)

    def bind_parameters(self, args: ast.arguments, owner: ast.AST) -> None:
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is None:
                continue
            arg._ag_parent = owner  # type: ignore[attr-defined]
            arg._ag_scope = self.scope  # type: ignore[attr-defined]
            self.bind(arg.arg, "parameter", arg, annotation=arg.annotation)

    def lambda_(self, node: ast.Lambda) -> None:
        self.visit_defaults(node.args, node)
        self.then(self.lambda_body, node, self.scope)

    def lambda_body(self, node: ast.Lambda, outer: Scope) -> None:
        self.scope = self.new_scope("lambda", node, outer)
        self.bind_parameters(node.args, node)
        self.visit(node.body, node)

    def class_(self, node: ast.ClassDef) -> None:
        self.visit_all(node.decorator_list, node)
        self.visit_all(node.bases, node)
        self.visit_all(node.keywords, node)
        self.then(self.class_body, node, self.scope)

    def class_body(self, node: ast.ClassDef, outer: Scope) -> None:
        scope = self.new_scope("class", node, outer)
        info = ClassInfo(node, scope, outer)
        scope.class_info = info
        self.model.classes.append(info)
        self.model._class_of_node[id(node)] = info
        self.scope = outer
        self.bind(node.name, "class", node, definition=info)
        self.scope = scope
        for statement in node.body:
            self.visit(statement, node)

    def comprehension(self, node: ast.AST) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        # The first iterable is evaluated in the enclosing scope.
        self.visit(generators[0].iter, node)
        self.then(self.comprehension_body, node, self.scope)

    def comprehension_body(self, node: ast.AST, outer: Scope) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.scope = self.new_scope("comprehension", node, outer)
        if any(g.is_async for g in generators):
            self.mark_awaits()
        for index, generator in enumerate(generators):
            generator._ag_parent = node  # type: ignore[attr-defined]
            generator._ag_scope = self.scope  # type: ignore[attr-defined]
            self.bind_targets(generator.target, "loop", generator)
            self.visit(generator.target, generator)
            if index:
                self.visit(generator.iter, generator)
            self.visit_all(generator.ifs, generator)
        for name in ("elt", "key", "value"):
            child = getattr(node, name, None)
            if child is not None:
                self.visit(child, node)

    # --- bindings

    def bind_targets(self, target: ast.AST, kind: str, node: ast.AST, value: ast.expr | None = None) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, kind, node, value=value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            # ``src, dst = Path(a), Path(b)``: each name gets its own value when the sides pair up
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else None
            if values is not None and any(isinstance(v, ast.Starred) for v in [*values, *target.elts]):
                values = None
            for index, element in enumerate(target.elts):
                self.bind_targets(element, kind, node, values[index] if values is not None else None)
        elif isinstance(target, ast.Starred):
            self.bind_targets(target.value, kind, node)
        elif isinstance(target, ast.Attribute) and value is not None and isinstance(target.value, ast.Name):
            function = self.scope.function if self.scope.kind == "function" else None
            if function is not None and function.names_instance(target.value.id):
                function.class_info.attributes.setdefault(target.attr, []).append(value)

    def assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.bind_targets(target, "assignment", node, node.value)
        self.children(node)

    def ann_assign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, "annotation", node, value=node.value, annotation=node.annotation)
        else:
            if node.value is not None:
                self.bind_targets(node.target, "assignment", node, node.value)
            target = node.target
            function = self.scope.function if self.scope.kind == "function" else None
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and function is not None:
                if function.names_instance(target.value.id):
                    function.class_info.annotations.setdefault(target.attr, []).append(node.annotation)
        self.children(node)

    def named_expr(self, node: ast.NamedExpr) -> None:
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent  # walrus binds in the enclosing function or module
        scope.bind(Binding(node.target.id, "assignment", node, scope, value=node.value))
        self.children(node)

    def for_(self, node: ast.For | ast.AsyncFor) -> None:
        if isinstance(node, ast.AsyncFor):
            self.mark_awaits()
        self.bind_targets(node.target, "loop", node)
        self.children(node)

    def with_(self, node: ast.With | ast.AsyncWith) -> None:
        if isinstance(node, ast.AsyncWith):
            self.mark_awaits()
        for item in node.items:
            if item.optional_vars is not None:
                self.bind_targets(item.optional_vars, "with", node, item.context_expr)
        self.children(node)

    def except_handler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bind(node.name, "assignment", node)
        self.children(node)

    # --- async markers

    def mark_awaits(self) -> None:
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        if scope.function is not None:
            scope.function.awaits = True

    def await_(self, node: ast.Await) -> None:
        self.mark_awaits()
        self.children(node)

    def yield_(self, node: ast.Yield | ast.YieldFrom) -> None:
        if self.scope.function is not None:
            self.scope.function.yields = True
        self.children(node)


#: fields that hold shared singleton nodes (``Load``, ``Add``…): nothing to walk or index there
_SINGLETON_FIELDS = frozenset({"ctx", "op", "ops"})
#: fields that never hold a node, in any node type (``Constant.value`` and ``Constant.kind`` aside)
_PRIMITIVE_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "module", "level", "kind", "type_comment", "is_async", "asname", "conversion"}
)
#: node type -> the fields that may hold nodes (or lists of them)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: ()}
#: the same, last first: the order ``Walker.run`` pushes children in
_CHILD_FIELDS_LAST_FIRST: dict[type, tuple[str, ...]] = {ast.Constant: ()}


def _child_fields(node_type: type) -> tuple[str, ...]:
    skipped = _SINGLETON_FIELDS | _PRIMITIVE_FIELDS
    if node_type.__name__ == "TypeAlias":  # ``type X = ...`` (3.12): its name is a Name node
        skipped = _SINGLETON_FIELDS
    fields = _CHILD_FIELDS[node_type] = tuple(f for f in node_type._fields if f not in skipped)  # type: ignore[attr-defined]
    _CHILD_FIELDS_LAST_FIRST[node_type] = fields[::-1]
    return fields

_SPECIAL = {
    ast.Import: Walker.import_,
    ast.ImportFrom: Walker.import_from,
    ast.FunctionDef: Walker.function,
    ast.AsyncFunctionDef: Walker.function,
    ast.Lambda: Walker.lambda_,
    ast.ClassDef: Walker.class_,
    ast.ListComp: Walker.comprehension,
    ast.SetComp: Walker.comprehension,
    ast.DictComp: Walker.comprehension,
    ast.GeneratorExp: Walker.comprehension,
    ast.Assign: Walker.assign,
    ast.AnnAssign: Walker.ann_assign,
    ast.NamedExpr: Walker.named_expr,
    ast.For: Walker.for_,
    ast.AsyncFor: Walker.for_,
    ast.With: Walker.with_,
    ast.AsyncWith: Walker.with_,
    ast.ExceptHandler: Walker.except_handler,
    ast.Await: Walker.await_,
    ast.Yield: Walker.yield_,
    ast.YieldFrom: Walker.yield_,
}
