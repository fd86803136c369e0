from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_request

#: request attributes whose values are lists of every value sent under a name (``RequestParameters``)
LIST_PARAMETERS = frozenset({"args", "form", "files"})
#: calls that take the whole list: their argument is meant as a list
LIST_CONSUMERS = frozenset({"len", "list", "set", "tuple", "sorted", "frozenset", "enumerate", "any", "all"})


class QueryParameterListAsValue(Rule):
    """
    ## What it does
    Finds `request.args["name"]`, `request.form["name"]` and `request.files["name"]` read in Sanic
    code where the result is used as one value: passed to `int()`, compared, formatted, returned.
    Reads that iterate the list (`for tag in request.args["tag"]`), take its length or pass it to
    `list()`/`set()`/`sorted()` are left alone.

    ## Why is this bad?
    A query string or form may repeat a name (`?tag=a&tag=b`), so Sanic's `RequestParameters`
    keep a list of every value under each name: `request.args["page"]` is `["2"]`, not `"2"`.
    `int(request.args["page"])` raises `TypeError`, `request.args["sort"] == "name"` is never true,
    and a missing parameter raises `KeyError`; each becomes a 500 error for the client instead of
    a default or a 400.

    ## Example
    ```python
    @app.get("/products")
    async def products(request):
        page = int(request.args["page"])
        return json(await load_page(page))
    ```

    ## Use instead
    ```python
    @app.get("/products")
    async def products(request):
        page = int(request.args.get("page", 1))
        return json(await load_page(page))
    ```
    `request.args.get(name)` gives the first value (or the default), `request.args.getlist(name)`
    all of them.

    ## Fix safety
    There is no automatic fix: `.get()` returns `None` where the subscript raised `KeyError`, and
    what a missing parameter should mean (a default, a 400 error) is the handler's decision.
    """

    code = "SAN019"
    name = "query-parameter-list-as-value"
    framework = "sanic"
    severity = Severity.WARNING
    summary = "`request.args[name]` is a list of values, used as one value"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Implement effective parameter extraction"),
        Quote("sanic", "Request and Response Handling", "Use proper request object access"),
    )
    node_types = (ast.Subscript,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Subscript)
        container = node.value
        if not (
            isinstance(node.ctx, ast.Load)
            and isinstance(container, ast.Attribute)
            and container.attr in LIST_PARAMETERS
            and is_request(model, container.value)
            and not isinstance(node.slice, ast.Slice)
            and not self.used_as_list(node, model)
        ):
            return
        attribute = model.segment(container)
        key = model.segment(node.slice)
        message = (
            f"`{model.segment(node)}` in {model.context_label(node)} is the list of every `{key}` value sent, "
            f"not one value (and raises `KeyError` when it is missing); use `{attribute}.get({key})` for the first, "
            f"or `{attribute}.getlist({key})` for all"
        )
        yield self.diagnostic(node, model, message)

    @staticmethod
    def used_as_list(node: ast.Subscript, model: SemanticModel) -> bool:
        """Whether the read stands where a list is expected: iterated, indexed, measured or copied."""
        parent = model.parent(node)
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            return True
        # the first iterable of a comprehension hangs from the comprehension expression itself
        if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return any(generator.iter is node for generator in parent.generators)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return True
        if isinstance(parent, ast.Starred):
            return True
        if isinstance(parent, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
            return node is not parent.left
        if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Name):
            return parent.func.id in LIST_CONSUMERS
        return False
