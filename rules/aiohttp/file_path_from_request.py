from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified, reads_request_input

#: calls opening or serving a file, and the position and name of their path argument
FILE_CALLS = {
    "aiohttp.web.FileResponse": (0, "path"),
    "builtins.open": (0, "file"),
    "aiofiles.open": (0, "file"),
}
#: calls whose result cannot leave the directory it is joined to
PATH_CLEANERS = frozenset(
    {"os.path.basename", "ntpath.basename", "posixpath.basename", "werkzeug.utils.secure_filename", "builtins.int", "uuid.UUID"}
)
#: calls that check a resolved path stays inside a directory; a function making one is trusted
CONTAINMENT_CHECKS = frozenset({"is_relative_to", "commonpath", "relative_to"})


class FilePathFromRequest(Rule):
    """
    ## What it does
    Finds `web.FileResponse(path)`, `open(path)` and `aiofiles.open(path)` in aiohttp code whose
    path is built from client input (`request.match_info`, `request.query`, the posted form, a
    local variable assigned from them) with nothing keeping it inside a directory.

    ## Why is this bad?
    This is path traversal. aiohttp decodes `match_info` values, so `/files/..%2F..%2Fetc%2Fpasswd`
    gives `../../etc/passwd`, and `os.path.join(BASE, name)` or `BASE / name` walks out of
    `BASE` (an absolute `name` replaces it outright). The client can then read, or through
    `open(..., "w")` overwrite, any file the service can: configuration, keys, source.

    ## Example
    ```python
    @routes.get("/files/{name}")
    async def download(request):
        return web.FileResponse(os.path.join(FILES, request.match_info["name"]))
    ```

    ## Use instead
    ```python
    @routes.get("/files/{name}")
    async def download(request):
        path = (FILES / request.match_info["name"]).resolve()
        if not path.is_relative_to(FILES):
            raise web.HTTPNotFound()
        return web.FileResponse(path)
    ```
    (or `add_static`, which does this check; or `os.path.basename(name)`).

    ## Fix safety
    No fix is offered: the directory the files must stay in is the author's to name.
    """

    code = "AIO031"
    name = "aiohttp-file-path-from-request"
    framework = "aiohttp"
    severity = Severity.ERROR
    summary = "file served or opened at a path built from client input (path traversal)"
    guidelines = (
        Quote("aiohttp", "Response Generation", "Create effective file responses"),
        Quote("aiohttp", "Request Handling", "Implement proper file upload handling"),
    )
    node_types = (ast.Call,)
    callees = callees_of(FILE_CALLS)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        found = FILE_CALLS.get(qualified(model, node.func) or "")
        if found is None:
            return
        path = argument(node, *found)
        function = model.enclosing_function(node)
        if path is None or function is None:
            return
        source = reads_request_input(model, path, function, PATH_CLEANERS)
        if source is None or _checks_containment(model, function):
            return
        yield self.diagnostic(
            path,
            model,
            f"the path comes from client input (`{model.segment(source)}`) in {model.context_label(node)}: "
            "`..` or an absolute path reaches any file; resolve it and check it `is_relative_to()` the directory, "
            "or use `os.path.basename()`",
        )


def _checks_containment(model: SemanticModel, function: FunctionInfo) -> bool:
    return any(attribute.attr in CONTAINMENT_CHECKS for attribute in model.nodes_in(function, ast.Attribute))  # type: ignore[attr-defined]
