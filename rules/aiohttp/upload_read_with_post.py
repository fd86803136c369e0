from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import is_aiohttp_handler, is_request

#: attributes of an uploaded ``web.FileField``
FILE_FIELD_ATTRIBUTES = frozenset({"file", "filename"})
#: methods of the ``MultiDictProxy`` that ``request.post()`` returns that give a field's value
FIELD_GETTERS = frozenset({"get", "getone", "getall"})


class UploadReadWithPost(Rule):
    """
    ## What it does
    Finds `data = await request.post()` in an aiohttp handler that then uses an uploaded file
    from it: `data["upload"].file`, `field.filename` where `field = data["upload"]`.

    ## Why is this bad?
    `request.post()` reads the whole multipart body before it returns, and holds every uploaded
    file in memory or in temporary files at once (within `client_max_size`). `request.multipart()`
    gives a reader that streams each part as it arrives, so a file can be written to disk or
    rejected by name and size chunk by chunk.

    ## Example
    ```python
    async def upload(request):
        data = await request.post()
        field = data["file"]
        save(field.filename, field.file.read())
        return web.Response(text="ok")
    ```

    ## Use instead
    ```python
    async def upload(request):
        reader = await request.multipart()
        async for part in reader:
            if part.name == "file":
                with open(safe_name(part.filename), "wb") as out:
                    while chunk := await part.read_chunk():
                        out.write(chunk)
        return web.Response(text="ok")
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO042"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `post()` buffers the whole upload in
    memory: a cost for large files only.

    ## Fix safety
    No fix is offered: streaming the parts changes how the handler is written.
    """

    code = "AIO042"
    name = "aiohttp-upload-read-with-post"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "Uploaded file read through `request.post()` instead of `request.multipart()`"
    guidelines = (
        Quote("aiohttp", "Request Handling", "Implement proper multipart/form-data"),
        Quote("aiohttp", "Request Handling", "Implement proper file upload handling"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"post"})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "post" and is_request(model, func.value)):
            return
        awaited = model.parent(node)
        assignment = model.parent(awaited) if isinstance(awaited, ast.Await) else None
        if not (
            isinstance(assignment, ast.Assign)
            and len(assignment.targets) == 1
            and isinstance(assignment.targets[0], ast.Name)
        ):
            return
        function = model.enclosing_function(node)
        if not is_aiohttp_handler(function):
            return
        assert function is not None
        form = assignment.targets[0].id
        if not _reads_file_field(model, function, form):
            return
        yield self.diagnostic(
            node,
            model,
            f"`await {model.segment(node)}` in {model.context_label(node)} buffers every uploaded file before "
            "the handler sees it; read uploads part by part with `await request.multipart()`",
        )


def _reads_file_field(model: SemanticModel, function: FunctionInfo, form: str) -> bool:
    """True when the function reads ``.file``/``.filename`` off a field of the form ``form`` names."""
    fields = {
        assign.targets[0].id  # type: ignore[attr-defined]
        for assign in model.nodes_in(function, ast.Assign)
        if len(assign.targets) == 1  # type: ignore[attr-defined]
        and isinstance(assign.targets[0], ast.Name)  # type: ignore[attr-defined]
        and _is_field_of(assign.value, form)  # type: ignore[attr-defined]
    }
    for attribute in model.nodes_in(function, ast.Attribute):
        assert isinstance(attribute, ast.Attribute)
        if attribute.attr not in FILE_FIELD_ATTRIBUTES:
            continue
        value = attribute.value
        if _is_field_of(value, form) or (isinstance(value, ast.Name) and value.id in fields):
            return True
    return False


def _is_field_of(expr: ast.AST, form: str) -> bool:
    """``form["name"]`` or ``form.get("name")`` (``getone``, ``getall``)."""
    if isinstance(expr, ast.Subscript):
        return isinstance(expr.value, ast.Name) and expr.value.id == form
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in FIELD_GETTERS:
        return isinstance(expr.func.value, ast.Name) and expr.func.value.id == form
    return False
