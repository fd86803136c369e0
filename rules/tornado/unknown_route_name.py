from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import URL_SPECS, applications

#: list methods that add routes to a handler list after it is built
_LIST_CHANGES = ("append", "extend", "insert", "__iadd__")


class UnknownRouteName(Rule):
    """
    ## What it does
    Finds `reverse_url("name", ...)` calls (on a handler or an application) whose name no route of
    the module's applications has, when every route of those applications is spelt out in the
    module: `url(pattern, Handler, name="...")` or `(pattern, Handler, kwargs, "name")` entries.
    Modules that set routes up elsewhere, or add them in ways the linter cannot follow
    (`add_handlers`, `add_rules`, lists from other modules), are left alone.

    ## Why is this bad?
    `reverse_url` looks the name up in the application's named routes and raises
    `KeyError: '<name> not found in named urls'` when it is not there, so the page or redirect
    that builds the URL fails with a 500. It happens when a route is renamed, or when a link
    names a route that was never given a name.

    ## Example
    ```python
    from tornado import web

    class LoginHandler(web.RequestHandler):
        def get(self):
            self.redirect(self.reverse_url("home"))

    app = web.Application([
        web.url(r"/", HomeHandler, name="index"),
        web.url(r"/login", LoginHandler, name="login"),
    ])
    ```

    ## Use instead
    ```python
    from tornado import web

    class LoginHandler(web.RequestHandler):
        def get(self):
            self.redirect(self.reverse_url("index"))

    app = web.Application([
        web.url(r"/", HomeHandler, name="index"),
        web.url(r"/login", LoginHandler, name="login"),
    ])
    ```

    ## Fix safety
    There is no automatic fix: which route was meant is for the author to say.
    """

    code = "TOR031"
    name = "reverse-url-unknown-name"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "`reverse_url()` with a name no route of the application has"
    guidelines = (
        Quote("tornado", "Routing and URL Patterns", "Implement effective named routes"),
        Quote("tornado", "Routing and URL Patterns", "Implement proper URL generation"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"reverse_url"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "reverse_url"):
            return
        name = argument(node, 0, "name")
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return
        known = _route_names(model)
        if known is None or name.value in known:
            return
        choices = ", ".join(f"`{n}`" for n in sorted(known)) or "none"
        message = (
            f"`reverse_url({name.value!r})`: no route of this module's application is named `{name.value}` "
            f"(named routes: {choices}); it raises KeyError when {model.context_label(node)} runs"
        )
        yield self.diagnostic(node, model, message)


def _route_names(model: SemanticModel) -> set[str] | None:
    """The names of the routes of the module's applications, or None when some routes (or names)
    are not spelt out here."""
    setups = applications(model)
    if not setups or model.attributes_named("add_handlers") or model.attributes_named("add_rules"):
        return None
    names: set[str] = set()
    for setup in setups:
        if setup.handlers is None:
            return None
        found = _literal_names(model, setup.handlers, 0)
        if found is None:
            return None
        names |= found
    return names


def _literal_names(model: SemanticModel, expr: ast.expr, depth: int) -> set[str] | None:
    if depth > 4:
        return None
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        if binding is None or binding.kind != "assignment" or binding.value is None:
            return None
        if len(binding.scope.bindings.get(expr.id, ())) != 1:
            return None  # rebound: which list the application gets is not clear
        for reference in model.references(binding):
            parent = model.parent(reference)
            if isinstance(parent, ast.Attribute) and parent.attr in _LIST_CHANGES:
                return None
            if isinstance(parent, ast.AugAssign):
                return None
        return _literal_names(model, binding.value, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = _literal_names(model, expr.left, depth + 1), _literal_names(model, expr.right, depth + 1)
        return None if left is None or right is None else left | right
    if not isinstance(expr, (ast.List, ast.Tuple)):
        return None
    names: set[str] = set()
    for entry in expr.elts:
        if isinstance(entry, (ast.Tuple, ast.List)) and len(entry.elts) >= 2:
            if any(isinstance(e, ast.Starred) for e in entry.elts):
                return None
            name = entry.elts[3] if len(entry.elts) >= 4 else None
        elif isinstance(entry, ast.Call) and model.qualified_name(entry.func) in URL_SPECS:
            if any(isinstance(a, ast.Starred) for a in entry.args) or any(k.arg is None for k in entry.keywords):
                return None
            name = argument(entry, 3, "name")
        else:
            return None
        if name is None or (isinstance(name, ast.Constant) and name.value is None):
            continue
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return None
        names.add(name.value)
    return names
