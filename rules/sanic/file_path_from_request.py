from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import is_request, path_parameters, positional_parameters, qualified

#: Sanic's file responses (``location`` is their first argument)
FILE_RESPONSES = frozenset({"sanic.response.file", "sanic.response.file_stream"})
#: request attributes (and methods) that hold what the client sent
REQUEST_SOURCES = frozenset(
    {
        "args", "get_args", "query_args", "get_query_args", "query_string", "form", "get_form", "files",
        "json", "load_json", "body", "headers", "cookies", "get_cookies", "path", "raw_url", "url",
        "server_path", "match_info",
    }
)
#: calls whose result keeps no directory part of their argument
SANITISERS = frozenset(
    {
        "os.path.basename",
        "posixpath.basename",
        "ntpath.basename",
        "werkzeug.utils.secure_filename",
        "werkzeug.secure_filename",
        "pathvalidate.sanitize_filename",
    }
)
#: calls that build a path from their arguments, keeping whatever `..` they hold
PATH_BUILDERS = frozenset(
    {
        "os.path.join", "posixpath.join", "os.path.normpath", "os.path.abspath", "os.path.realpath",
        "os.path.expanduser", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath",
        "builtins.str", "urllib.parse.unquote", "urllib.parse.unquote_plus",
    }
)
#: attributes of a path that keep only its last part
FILE_NAME_ATTRIBUTES = frozenset({"name", "stem", "suffix"})
#: methods whose result holds their receiver's text (and, for some, their arguments')
PASSING_METHODS = frozenset(
    {
        "get", "getlist", "decode", "strip", "lstrip", "rstrip", "lower", "upper", "replace", "format",
        "joinpath", "resolve", "absolute", "expanduser", "with_suffix", "get_args", "get_query_args",
    }
)
#: route parameter types that can hold `/`: a ``path``, or a regular expression of the route's own
_TYPE_NAME = re.compile(r"^[a-z]+$")
_MAX_DEPTH = 12


class FilePathFromRequest(Rule):
    """
    ## What it does
    Finds Sanic file responses, `file(...)` and `file_stream(...)` from `sanic.response`, whose
    path comes from the request: query arguments (`request.args`), form fields, JSON, headers,
    cookies, the request path, or a route parameter that can hold `/` (`<name:path>`, a regular
    expression, or any string parameter of a route with `unquote=True`). The value is followed
    through f-strings, `+`, `os.path.join`, `Path(...)`, `/` and local variables. A path cut to its
    file name (`os.path.basename`, `secure_filename`, `Path(...).name`), or a variable the
    handler tests in an `if` or `assert` (a check that it stays in the directory), counts as
    sanitised.

    ## Why is this bad?
    `file()` opens whatever path it is given. A client that sends `?name=../../etc/passwd`
    downloads any file the server process can read: configuration, keys, the application's source
    (path traversal).

    ## Example
    ```python
    from sanic.response import file


    @app.get("/download")
    async def download(request):
        return await file(f"/srv/reports/{request.args.get('name')}")
    ```

    ## Use instead
    ```python
    from pathlib import Path

    from sanic.exceptions import NotFound
    from sanic.response import file

    REPORTS = Path("/srv/reports").resolve()


    @app.get("/download")
    async def download(request):
        path = (REPORTS / request.args.get("name", "")).resolve()
        if not path.is_relative_to(REPORTS) or not path.is_file():
            raise NotFound("No such report")
        return await file(path)
    ```

    Or serve the directory with `app.static("/reports", "/srv/reports")`, which checks paths itself.

    ## Fix safety
    There is no automatic fix: what the valid files are is the application's decision.
    """

    code = "SAN012"
    name = "file-path-from-request"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`file()`/`file_stream()` with a path from the request (path traversal)"
    guidelines = (
        Quote("sanic", "Request and Response Handling", "Implement proper file responses"),
        Quote("sanic", "Security", "Create proper input validation"),
        Quote("sanic", "Key Principles", "Create secure and scalable web applications"),
    )
    node_types = (ast.Call,)
    callees = callees_of(FILE_RESPONSES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        name = qualified(model, node.func)
        if name not in FILE_RESPONSES:
            return
        location = argument(node, 0, "location")
        if location is None:
            return
        source = _tainted(model, location, 0)
        if source is None:
            return
        shown = name.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        origin = f"route parameter `{source.id}`" if isinstance(source, ast.Name) else f"`{model.segment(source)}`"
        message = (
            f"`{shown}()` serves a path built from the request ({origin}): a `../` in it reads any "
            "file the server can (path traversal); keep only the file name (`os.path.basename`) or check that the "
            "resolved path stays inside its directory"
        )
        yield self.diagnostic(location, model, message)


def _tainted(model: SemanticModel, expr: ast.AST, depth: int) -> ast.AST | None:
    """The request-controlled part ``expr`` is built from (a source expression), or None."""
    if depth > _MAX_DEPTH:
        return None
    deeper = depth + 1
    if isinstance(expr, ast.Await):
        return _tainted(model, expr.value, deeper)
    if isinstance(expr, ast.Attribute):
        if expr.attr in FILE_NAME_ATTRIBUTES:
            return None
        if expr.attr in REQUEST_SOURCES and is_request(model, expr.value):
            return expr
        return _tainted(model, expr.value, deeper)
    if isinstance(expr, ast.Subscript):
        return _tainted(model, expr.value, deeper)
    if isinstance(expr, ast.Call):
        return _tainted_call(model, expr, deeper)
    if isinstance(expr, ast.JoinedStr):
        return _first(model, [part.value for part in expr.values if isinstance(part, ast.FormattedValue)], deeper)
    if isinstance(expr, ast.BinOp):
        return _first(model, [expr.left, expr.right], deeper)
    if isinstance(expr, ast.IfExp):
        return _first(model, [expr.body, expr.orelse], deeper)
    if isinstance(expr, ast.Name):
        return _tainted_name(model, expr, deeper)
    return None


def _first(model: SemanticModel, expressions: list[ast.expr], depth: int) -> ast.AST | None:
    for expression in expressions:
        found = _tainted(model, expression, depth)
        if found is not None:
            return found
    return None


def _tainted_call(model: SemanticModel, call: ast.Call, depth: int) -> ast.AST | None:
    name = model.qualified_name(call.func)
    if name in SANITISERS:
        return None
    arguments = [*call.args, *(k.value for k in call.keywords)]
    if name in PATH_BUILDERS:
        return _first(model, arguments, depth)
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in PASSING_METHODS:
        if func.attr in REQUEST_SOURCES and is_request(model, func.value):
            return call
        return _first(model, [func.value, *arguments], depth)
    return None


def _tainted_name(model: SemanticModel, name: ast.Name, depth: int) -> ast.AST | None:
    binding = model.lookup(name.id, name)
    function = model.enclosing_function(name)
    if binding is None or function is None or _is_checked(model, function, name.id):
        return None
    if binding.kind == "parameter":
        return name if _is_traversable_parameter(function, name.id) else None
    if binding.kind in ("assignment", "annotation") and binding.value is not None:
        return _tainted(model, binding.value, depth)
    return None


def _is_traversable_parameter(function: FunctionInfo, parameter: str) -> bool:
    """True for a handler's route parameter that can hold `/`."""
    handler = function.handler
    if handler is None or handler.framework != "sanic":
        return False
    if parameter not in {p.arg for p in positional_parameters(function)[1:]} | {p.arg for p in function.node.args.kwonlyargs}:
        return False
    kind = path_parameters(handler.path).get(parameter)
    if kind is None:
        return False
    if kind == "path" or not _TYPE_NAME.match(kind):
        return True
    registration = handler.registration
    unquote = keyword(registration, "unquote") if isinstance(registration, ast.Call) else None
    unquoted = isinstance(unquote, ast.Constant) and unquote.value is True
    return unquoted and kind in ("str", "ext", "strorempty")


def _is_checked(model: SemanticModel, function: FunctionInfo, variable: str) -> bool:
    """True when the function tests ``variable`` in an ``if``/``while``/``assert`` or conditional expression."""
    for node in model.nodes_in(function, ast.Name):
        assert isinstance(node, ast.Name)
        if node.id != variable or not isinstance(node.ctx, ast.Load):
            continue
        child: ast.AST = node
        for ancestor in model.ancestors(node):
            if isinstance(ancestor, (ast.If, ast.While, ast.IfExp, ast.Assert)) and child is ancestor.test:
                return True
            if isinstance(ancestor, ast.stmt):
                break
            child = ancestor
    return False
