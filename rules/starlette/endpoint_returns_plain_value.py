from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..handlers import is_starlette_endpoint
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity

if TYPE_CHECKING:
    import libcst as cst

#: builtin constructors whose result is a plain value
PLAIN_CONSTRUCTORS = {"builtins.dict": "dict", "builtins.list": "list"}


class EndpointReturnsPlainValue(Rule):
    """
    ## What it does
    Finds Starlette endpoints that return a `dict`, a `list` or a `str` instead of a `Response`:
    functions given to `Route(...)` / `app.add_route(...)` / `@app.route(...)`, and the HTTP
    methods of `HTTPEndpoint` classes. A literal, a `dict(...)`/`list(...)` call, or a local
    variable assigned one of those once counts.

    FastAPI path operations (`@app.get(...)`, `@router.post(...)`) are not reported: FastAPI
    serializes what they return. Routes that FastAPI apps register the Starlette way
    (`app.add_route`, `@app.route`) are, since FastAPI hands those to Starlette untouched.

    ## Why is this bad?
    Starlette calls the endpoint's return value as an ASGI app: `await response(scope, receive,
    send)`. A `dict` or a `str` is not one, so every request to the route fails with
    `TypeError: 'dict' object is not callable` and a 500 error.

    ## Example
    ```python
    from starlette.routing import Route


    async def homepage(request):
        return {"hello": "world"}


    async def health(request):
        return "ok"


    routes = [Route("/", homepage), Route("/health", health)]
    ```

    ## Use instead
    ```python
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route


    async def homepage(request):
        return JSONResponse({"hello": "world"})


    async def health(request):
        return PlainTextResponse("ok")


    routes = [Route("/", homepage), Route("/health", health)]
    ```

    ## Fix safety
    Safe: the route fails on every request as it stands, and the fix sends what the code
    evidently meant: a `dict` or `list` wrapped in `JSONResponse`, a string in `PlainTextResponse`
    (`HTMLResponse` when the literal starts with `<`). An existing import of the class is reused;
    otherwise the fix imports it from the module the file takes its responses from
    (`fastapi.responses` or `starlette.responses`, the latter by default).
    """

    code = "STA006"
    name = "endpoint-returns-plain-value"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "A Starlette endpoint returns a `dict`/`list`/`str` instead of a `Response`"
    guidelines = (
        Quote(
            "starlette",
            "Response Types and Content Handling",
            "Return response objects from endpoints, never plain dictionaries or strings",
        ),
        Quote(
            "starlette",
            "Response Types and Content Handling",
            "Use appropriate response classes: `JSONResponse`, `HTMLResponse`, `PlainTextResponse`, `RedirectResponse`",
        ),
    )
    node_types = (ast.Return,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Wrap the value in a response class"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Return)
        if node.value is None:
            return
        function = model.enclosing_function(node)
        handler = model.handler(function)
        if handler is None or handler.kind != "http" or not is_starlette_endpoint(handler):
            return
        found = _plain_value(node.value, model)
        if found is None:
            return
        kind, response_class = found
        where = model.context_label(node)
        if handler.framework == "fastapi":
            where += " (registered the Starlette way, so FastAPI does not serialize its result)"
        message = (
            f"{where} returns a `{kind}`, but Starlette needs a `Response` and fails with `TypeError` on every "
            f"request; return `{response_class}(...)`"
        )
        yield self.diagnostic(node.value, model, message, fix=Applicability.SAFE, data={"response_class": response_class})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        value = context.node_at(diagnostic.range, *_VALUE_NODES)
        response_class = diagnostic.data.get("response_class")
        if not isinstance(value, ast.expr) or response_class not in ("JSONResponse", "PlainTextResponse", "HTMLResponse"):
            return None
        reference, import_edit = _response_reference(context, response_class, value)

        def wrap(expression: cst.BaseExpression) -> cst.BaseExpression:
            return cst.Call(func=cst.parse_expression(reference), args=[cst.Arg(value=expression)])

        edits: list[Edit] = [context.rewrite_expression(value, wrap)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(f"Wrap in `{response_class}(...)`", Applicability.SAFE, tuple(edits))


_VALUE_NODES = (ast.Dict, ast.DictComp, ast.List, ast.ListComp, ast.Constant, ast.JoinedStr, ast.Call, ast.Name)


def _plain_value(value: ast.expr, model: SemanticModel) -> tuple[str, str] | None:
    """("dict"/"list"/"str", the response class to wrap it in) for a plain value, else None."""
    if isinstance(value, ast.Name):
        binding = model.sole_local_binding(value)
        # a local assigned exactly once, from a literal: what it holds is plain for sure
        if binding is None or binding.value is None or binding.kind not in ("assignment", "annotation"):
            return None
        value = binding.value
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "dict", "JSONResponse"
    if isinstance(value, (ast.List, ast.ListComp)):
        return "list", "JSONResponse"
    if isinstance(value, ast.Call) and model.qualified_name(value.func) in PLAIN_CONSTRUCTORS:
        return PLAIN_CONSTRUCTORS[model.qualified_name(value.func)], "JSONResponse"  # type: ignore[index]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return "str", "HTMLResponse" if value.value.lstrip().startswith("<") else "PlainTextResponse"
    if isinstance(value, ast.JoinedStr):
        first = value.values[0] if value.values else None
        html = isinstance(first, ast.Constant) and str(first.value).lstrip().startswith("<")
        return "str", "HTMLResponse" if html else "PlainTextResponse"
    return None


def _response_reference(context: FixContext, response_class: str, where: ast.expr) -> tuple[str, Edit | None]:
    """How to name the response class: an existing import of it from Starlette or FastAPI, else a
    new ``from <module> import <class>`` (``import <module>`` when the name is taken), from the
    module the file already takes responses from (Starlette's when it takes none)."""
    imported = {
        binding.imported
        for bindings in context.model.module_scope.bindings.values()
        for binding in bindings
        if binding.imported
    }
    modules = ("starlette.responses", "fastapi.responses")
    if not any(name.startswith("starlette.responses.") for name in imported) and any(
        name.startswith("fastapi.responses.") for name in imported
    ):
        modules = ("fastapi.responses", "starlette.responses")
    for module in modules:
        reference, edit = context.import_name(module, response_class)
        if edit is None:
            return reference, None
    model = context.model
    if response_class not in model.module_scope.bindings and model.lookup(response_class, where) is None:
        return response_class, context.add_from_import(modules[0], response_class)
    return context.import_name(modules[0], response_class)
