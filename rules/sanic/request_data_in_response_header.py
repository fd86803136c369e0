from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import client_value, is_request, qualified, string

#: Sanic response factories that take ``headers=``
RESPONSE_FACTORIES = frozenset(
    f"sanic.response.{name}" for name in ("json", "text", "html", "raw", "empty", "file", "file_stream", "HTTPResponse")
)


class RequestDataInResponseHeader(Rule):
    """
    ## What it does
    Finds response headers set in Sanic code to a value taken from the request: a query parameter,
    form field, JSON member, cookie or request header, directly or inside an f-string or
    concatenation (`response.headers["X-Request-Source"] = request.args.get("source")`,
    `json(data, headers={"Content-Disposition": f"attachment; filename={request.args['name']}"})`).

    ## Why is this bad?
    Sanic writes header values into the response as they are, without checking for line breaks,
    and a query parameter can hold them (`?source=x%0d%0aSet-Cookie:%20session=attacker`). The
    client then gets headers, or a whole response body, chosen by whoever wrote the link: a
    session cookie of the attacker's choosing, a redirect, cache poisoning of a shared proxy.

    ## Example
    ```python
    @app.get("/download")
    async def download(request):
        name = request.args.get("name", "report.csv")
        return await file(path, headers={"Content-Disposition": f"attachment; filename={name}"})
    ```

    ## Use instead
    Allow only what the header needs, and drop line breaks and quotes:
    ```python
    SAFE_NAME = re.compile(r"[\\w.-]{1,100}")


    @app.get("/download")
    async def download(request):
        name = request.args.get("name", "report.csv")
        if not SAFE_NAME.fullmatch(name):
            raise BadRequest("bad file name")
        return await file(path, filename=name)
    ```

    ## Fix safety
    There is no automatic fix: what a header may hold depends on the header.
    """

    code = "SAN027"
    name = "request-data-in-response-header"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "Response header set to a value taken unchecked from the request (header injection)"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Implement proper header manipulation"),
        Quote("sanic", "Security", "Create proper input validation"),
    )
    node_types = (ast.Assign, ast.Call)
    callees = callees_of(RESPONSE_FACTORIES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "headers"
                    and not is_request(model, target.value.value)
                ):
                    yield from self.check_value(node.value, string(target.slice), model)
        elif isinstance(node, ast.Call) and qualified(model, node.func) in RESPONSE_FACTORIES:
            for keyword in node.keywords:
                if keyword.arg == "headers" and isinstance(keyword.value, ast.Dict):
                    for key, value in zip(keyword.value.keys, keyword.value.values):
                        yield from self.check_value(value, string(key), model)

    def check_value(self, value: ast.expr, header: str | None, model: SemanticModel) -> Iterator[Diagnostic]:
        source = self.request_data(value, model)
        if source is None:
            return
        message = (
            f"header `{header or model.segment(value)}` in {model.context_label(value)} is set from "
            f"`{model.segment(source)}`, which the client chooses and may hold line breaks that add headers "
            f"of its own; allow only the characters the header needs"
        )
        yield self.diagnostic(value, model, message)

    def request_data(self, expr: ast.expr, model: SemanticModel) -> ast.expr | None:
        """The client value ``expr`` is built from: itself, a part of an f-string or a concatenation,
        or the value of a name bound once to one and read nowhere else."""
        found = client_value(model, expr)
        if found is not None:
            return found
        if isinstance(expr, ast.JoinedStr):
            for part in expr.values:
                if isinstance(part, ast.FormattedValue) and (found := self.request_data(part.value, model)):
                    return found
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self.request_data(expr.left, model) or self.request_data(expr.right, model)
        elif isinstance(expr, ast.Name):
            binding = model.lookup(expr.id, expr)
            if binding is not None and binding.kind == "assignment" and binding.value is not None:
                references = model.references(binding)
                if all(isinstance(model.parent(reference), (ast.FormattedValue, ast.BinOp, ast.Assign, ast.Dict)) for reference in references):
                    return client_value(model, binding.value)
        return None
