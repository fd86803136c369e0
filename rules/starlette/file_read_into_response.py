from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of

#: the response classes that send bytes as they are (HTML and plain text are usually small pages)
BYTES_RESPONSES = frozenset({"starlette.responses.Response", "fastapi.Response", "fastapi.responses.Response"})
OPENERS = frozenset({"builtins.open", "io.open", "aiofiles.open", "anyio.open_file"})
#: methods that read a whole file, whatever the receiver (``Path``, ``anyio.Path``, ``zipfile.Path``)
WHOLE_FILE_READS = frozenset({"read_bytes", "read_text"})


class FileReadIntoResponse(Rule):
    """
    ## What it does
    Finds a `Response` whose content is a whole file read into memory:
    `Response(open(path, "rb").read())`, `Response(f.read())` inside `with open(...) as f`,
    `Response(Path(path).read_bytes())`, also with `aiofiles`/`anyio` files.

    ## Why is this bad?
    The whole file sits in memory for as long as the response is being sent, once per
    concurrent request: a few large downloads can exhaust the worker's memory, and reading the
    file blocks the event loop. `FileResponse` streams the file in chunks from a thread, and
    also sets `Content-Type`, `Content-Length`, `Last-Modified` and `ETag` and answers range
    requests; `StreamingResponse` does the same for content produced piece by piece.

    ## Example
    ```python
    async def download(request):
        with open(REPORT_PATH, "rb") as report:
            return Response(report.read(), media_type="application/pdf")
    ```

    ## Use instead
    ```python
    async def download(request):
        return FileResponse(REPORT_PATH, media_type="application/pdf")
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA037"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a whole file in memory is a cost for
    large files only.

    ## Fix safety
    There is no automatic fix: `FileResponse` takes the path, and sets headers the response
    did not have before.
    """

    code = "STA037"
    name = "file-read-into-response"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "A whole file read into `Response(...)`: use `FileResponse` or `StreamingResponse`"
    guidelines = (
        Quote("starlette", "Response Types and Content Handling", "Use `StreamingResponse` for large content or real-time data"),
        Quote("starlette", "Performance Optimization", "Stream large responses instead of loading into memory"),
    )
    node_types = (ast.Call,)
    callees = callees_of(BYTES_RESPONSES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in BYTES_RESPONSES:
            return
        content = argument(node, 0, "content")
        read = content.value if isinstance(content, ast.Await) else content
        if not (isinstance(read, ast.Call) and _reads_whole_file(read, model)):
            return
        message = (
            f"`{model.segment(node.func)}({model.segment(read)})` in {model.context_label(node)} holds the whole file in "
            "memory while it is sent; return `FileResponse(path)` (or a `StreamingResponse` of chunks)"
        )
        yield self.diagnostic(node, model, message)


def _reads_whole_file(call: ast.Call, model: SemanticModel) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in WHOLE_FILE_READS:
        return True
    if func.attr != "read" or call.keywords or (call.args and not _is_whole(call.args[0])):
        return False
    return _is_open_file(func.value, model)


def _is_whole(size: ast.expr) -> bool:
    """``read(-1)`` and ``read(None)`` read everything, like ``read()``."""
    if isinstance(size, ast.UnaryOp) and isinstance(size.op, ast.USub):
        return isinstance(size.operand, ast.Constant) and size.operand.value == 1
    return isinstance(size, ast.Constant) and size.value is None


def _is_open_file(expr: ast.expr, model: SemanticModel) -> bool:
    """``open(...)`` itself, or a name bound by ``with open(...) as f`` / ``f = open(...)``."""
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Call):
        return model.qualified_name(expr.func) in OPENERS
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        value = binding.value if binding is not None and binding.kind in ("with", "assignment") else None
        if isinstance(value, ast.Await):
            value = value.value
        return isinstance(value, ast.Call) and model.qualified_name(value.func) in OPENERS
    return False
