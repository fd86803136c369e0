from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Rule, Severity
from ..frameworks.sanic import is_sanic_handler, response_reference

if TYPE_CHECKING:
    import libcst as cst

#: builtin constructors whose result is a plain value -> its kind
PLAIN_CONSTRUCTORS = {"builtins.dict": "dict", "builtins.list": "list"}
#: the ``sanic.response`` function that sends each kind of value
RESPONSE_FUNCTIONS = {"dict": "json", "list": "json", "str": "text", "markup": "html"}


class HandlerReturnsPlainValue(Rule):
    """
    ## What it does
    Finds Sanic HTTP handlers (and `HTTPMethodView` methods) that return a `dict`, a `list` or a
    `str` instead of an `HTTPResponse`, also Flask-style `(value, status)` tuples. A literal, a
    `dict(...)`/`list(...)` call, or a local variable assigned one of those once counts. Handlers
    with decorators besides their route are left alone: some turn what the handler returns into a
    response (sanic-ext's `@serializer(...)` and `@app.ext.template(...)`, sanic-jinja2's
    `@jinja.template(...)`). So are modules with a response middleware that returns a value:
    Sanic hands it what the handler returned, and what it returns is sent instead.

    ## Why is this bad?
    Sanic sends only response objects. For anything else it raises `ServerError: Invalid response
    type {...} (need HTTPResponse)`: every request to the route gets a 500 error.

    ## Example
    ```python
    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        return {"id": user_id}


    @app.get("/health")
    async def health(request):
        return "ok"
    ```

    ## Use instead
    ```python
    from sanic.response import json, text


    @app.get("/users/<user_id:int>")
    async def get_user(request, user_id):
        return json({"id": user_id})


    @app.get("/health")
    async def health(request):
        return text("ok")
    ```

    ## Fix safety
    Safe: the route fails on every request as it stands, and the fix sends what the code evidently
    meant: a `dict` or `list` through `json(...)`, a string through `text(...)` (`html(...)` when
    the literal starts with `<`), a `(value, status)` tuple through `json(value, status=status)`.
    It reuses an import of the function (`from sanic import json`, `from sanic.response import
    json`, `from sanic import response`); otherwise it adds `from sanic.response import json`, or,
    when that name is taken (`import json`), `import sanic.response`.
    """

    code = "SAN008"
    name = "handler-returns-plain-value"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Sanic handler returns a `dict`/`list`/`str` instead of an `HTTPResponse`"
    guidelines = (
        Quote("sanic", "Key Principles", "Use appropriate response generation"),
        Quote("sanic", "Request and Response Handling", "Create appropriate JSON handling"),
    )
    node_types = (ast.Return,)
    fix_availability = FixAvailability.ALWAYS
    fix_title = "Wrap the value in a Sanic response"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Return)
        if node.value is None:
            return
        function = model.enclosing_function(node)
        if function is None or not is_sanic_handler(function) or function.handler.kind != "http":  # type: ignore[union-attr]
            return
        registration = function.handler.registration  # type: ignore[union-attr]
        if any(decorator is not registration for decorator in function.node.decorator_list):
            return  # a decorator may turn what it returns into a response
        if _response_middleware_replaces(model):
            return  # Sanic passes what the handler returns to response middleware, which may wrap it
        value, status = node.value, None
        if isinstance(value, ast.Tuple) and len(value.elts) == 2 and _is_status(value.elts[1]):
            value, status = value.elts
        kind = _plain_kind(value, model)
        if kind is None:
            return
        response = RESPONSE_FUNCTIONS[kind]
        shown = "str" if kind == "markup" else kind
        returned = f"a `({shown}, status)` tuple" if status is not None else f"a `{shown}`"
        message = (
            f"{model.context_label(node)} returns {returned}, but Sanic needs an `HTTPResponse` and fails every "
            f"request with `ServerError: Invalid response type`; return `{response}(...)`"
        )
        yield self.diagnostic(node.value, model, message, fix=Applicability.SAFE, data={"response": response})

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        response = diagnostic.data.get("response")
        value = context.node_at(diagnostic.range, *_VALUE_NODES)
        if response not in RESPONSE_FUNCTIONS.values() or not isinstance(value, ast.expr):
            return None
        reference, import_edit = response_reference(context, response, value)

        def wrap(expression: cst.BaseExpression) -> cst.BaseExpression:
            func = cst.parse_expression(reference)
            if isinstance(value, ast.Tuple):
                assert isinstance(expression, cst.Tuple)
                body, status = (element.value for element in expression.elements)
                no_space = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
                status_argument = cst.Arg(value=status, keyword=cst.Name("status"), equal=no_space)
                return cst.Call(func=func, args=[cst.Arg(value=body), status_argument])
            return cst.Call(func=func, args=[cst.Arg(value=expression)])

        edits: list[Edit] = [context.rewrite_expression(value, wrap)]
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(f"Wrap in `{response}(...)`", Applicability.SAFE, tuple(edits))


_VALUE_NODES = (ast.Dict, ast.DictComp, ast.List, ast.ListComp, ast.Constant, ast.JoinedStr, ast.Call, ast.Name, ast.Tuple)


def _response_middleware_replaces(model: SemanticModel) -> bool:
    """True when the module has a Sanic response middleware that returns a value (``return
    json(response)``): it may be what turns a handler's plain value into a response."""
    return any(
        callback.framework == "sanic"
        and callback.kind == "middleware"
        and callback.event == "response"
        and any(
            isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value)
            for node in model.nodes_in(callback.function, ast.Return)
        )
        for callback in model.callbacks
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_status(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and 100 <= node.value < 600


def _plain_kind(value: ast.expr, model: SemanticModel) -> str | None:
    """"dict", "list", "str" or "markup" (a string that starts with ``<``) for a plain value, else None."""
    if isinstance(value, ast.Name):
        binding = model.sole_local_binding(value)
        # a local assigned exactly once, from a literal: what it holds is plain for sure
        if binding is None or binding.value is None or binding.kind not in ("assignment", "annotation"):
            return None
        value = binding.value
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(value, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(value, ast.Call):
        return PLAIN_CONSTRUCTORS.get(model.qualified_name(value.func) or "")
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return "markup" if value.value.lstrip().startswith("<") else "str"
    if isinstance(value, ast.JoinedStr):
        first = value.values[0] if value.values else None
        markup = isinstance(first, ast.Constant) and str(first.value).lstrip().startswith("<")
        return "markup" if markup else "str"
    return None

