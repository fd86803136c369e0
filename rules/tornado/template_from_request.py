from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..handlers import HTTP_METHODS
from ..model import Binding, FunctionInfo, SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.tornado import capture_groups, handler_self, routes_of, self_call

#: handler methods that load a template by name
RENDERERS = frozenset({"render", "render_string"})
#: loaders whose ``load(name)`` reads a file under their root
FILE_LOADERS = frozenset({"tornado.template.Loader.load"})
TEMPLATE = "tornado.template.Template"
#: handler methods that return what the client sent
REQUEST_GETTERS = frozenset(
    {
        "get_argument", "get_arguments", "get_query_argument", "get_query_arguments", "get_body_argument",
        "get_body_arguments", "get_cookie", "decode_argument",
    }
)
#: ``self.request`` attributes holding what the client sent
REQUEST_DATA = frozenset({"arguments", "query_arguments", "body_arguments", "body", "path", "uri", "query", "headers", "cookies", "files"})
#: ``self`` attributes holding the route's captured path arguments
PATH_DATA = frozenset({"path_args", "path_kwargs"})
#: functions whose result holds their arguments' text
TEXT_FUNCTIONS = frozenset({"builtins.str", "os.path.join", "posixpath.join", "ntpath.join", "os.path.normpath"})
#: str methods whose result holds the receiver's (or the arguments') text
TEXT_METHODS = frozenset(
    {"format", "join", "lower", "upper", "strip", "lstrip", "rstrip", "replace", "decode", "encode", "casefold", "title"}
)
#: values a path argument must not be able to hold: a parent directory, an absolute path
_ESCAPES = ("../x", "..\\x", "/x")


class TemplateFromRequest(Rule):
    """
    ## What it does
    Finds Tornado templates chosen by the client: `self.render(...)` / `self.render_string(...)`
    in a request handler (or `Loader.load(...)`) whose template name comes from the request, and
    `tornado.template.Template(...)` whose template source does. The request is what
    `self.get_argument()` and its kin return, `self.request.arguments`/`body`/`path`/`uri`/
    `headers`/`cookies`, and the path arguments of a route whose pattern captures `/` (such as
    `(.*)`), followed through local variables, f-strings, concatenation, `%` and `format`. A
    variable the method compares with something (`if page not in PAGES: ...`) counts as checked.

    ## Why is this bad?
    Tornado's template `Loader` joins the name to its root directory without checking it:
    `../` or an absolute path loads any file the process can read, as a template. Templates are
    compiled to Python, so a file holding `{% ... %}` or `{{ ... }}` (a log, an upload) runs as
    code, and other files can leak through error pages. A template source taken from the request
    is worse: `{{ __import__("os").system(...) }}` runs immediately (server-side template
    injection).

    ## Example
    ```python
    from tornado import web

    class PageHandler(web.RequestHandler):
        def get(self, page):
            self.render(page + ".html")

    app = web.Application([(r"/pages/(.*)", PageHandler)])
    ```

    ## Use instead
    ```python
    from tornado import web

    PAGES = {"about": "about.html", "contact": "contact.html"}

    class PageHandler(web.RequestHandler):
        def get(self, page):
            template = PAGES.get(page)
            if template is None:
                raise web.HTTPError(404)
            self.render(template)

    app = web.Application([(r"/pages/(\\w+)", PageHandler)])
    ```

    ## Fix safety
    There is no automatic fix: which templates a request may choose is the application's decision.
    """

    code = "TOR019"
    name = "template-from-request"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "Template name or source taken from the request (`self.render(self.get_argument(...))`)"
    guidelines = (
        Quote("tornado", "Tornado Project Structure", "Use appropriate template organization"),
        Quote("tornado", "Request Handling", "Implement proper request validation"),
    )
    node_types = (ast.Call,)
    callees = callees_of(RENDERERS, FILE_LOADERS, {TEMPLATE})

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        method = self_call(model, node)
        if method in RENDERERS:
            name, what = argument(node, 0, "template_name"), f"`self.{method}()`"
        elif isinstance(node.func, ast.Attribute) and model.qualified_name(node.func) in FILE_LOADERS:
            name, what = argument(node, 0, "name"), f"`{model.segment(node.func)}()`"
        elif model.qualified_name(node.func) == TEMPLATE:
            name, what = argument(node, 0, "template_string"), None
        else:
            return
        function = model.enclosing_function(node)
        if name is None or function is None:
            return
        source = _request_source(model, name, function, 0)
        if source is None:
            return
        if what is None:
            message = (
                f"the template source comes from the request ({source}): template code is Python, so the client can "
                "run any code (server-side template injection); load templates from files the application chose"
            )
        else:
            message = (
                f"the template name of {what} comes from the request ({source}): `../` or an absolute path loads any "
                "readable file as a template, whose `{{ }}` and `{% %}` run as code; map request values to a fixed set of templates"
            )
        yield self.diagnostic(name, model, message)


def _request_source(model: SemanticModel, expr: ast.AST, function: FunctionInfo, depth: int) -> str | None:
    """What part of the request ``expr`` carries text of, for the message; None when it carries none."""
    if depth > 6:
        return None
    if isinstance(expr, ast.Call):
        method = self_call(model, expr)
        if method in REQUEST_GETTERS:
            return f"`self.{method}()`"
        parts: list[ast.AST] = []
        if model.qualified_name(expr.func) in TEXT_FUNCTIONS:
            parts = [*expr.args]
        elif isinstance(expr.func, ast.Attribute) and expr.func.attr in TEXT_METHODS:
            parts = [expr.func.value, *expr.args]
        return _first_source(model, parts, function, depth)
    if isinstance(expr, (ast.Attribute, ast.Subscript)):
        return _request_attribute(model, expr)
    if isinstance(expr, ast.JoinedStr):
        return _first_source(model, [value.value for value in expr.values if isinstance(value, ast.FormattedValue)], function, depth)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _first_source(model, [expr.left, expr.right], function, depth)
    if isinstance(expr, ast.IfExp):
        return _first_source(model, [expr.body, expr.orelse], function, depth)
    if isinstance(expr, (ast.Tuple, ast.List)):
        return _first_source(model, list(expr.elts), function, depth)
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id, expr)
        if binding is None or binding.scope is not function.scope or _checked(model, binding, function):
            return None
        if binding.kind == "parameter":
            return _path_argument(model, binding, function)
        if binding.kind in ("assignment", "annotation") and binding.value is not None:
            return _request_source(model, binding.value, function, depth + 1)
    return None


def _first_source(model: SemanticModel, parts: list[ast.AST], function: FunctionInfo, depth: int) -> str | None:
    for part in parts:
        found = _request_source(model, part, function, depth + 1)
        if found is not None:
            return found
    return None


def _request_attribute(model: SemanticModel, expr: ast.Attribute | ast.Subscript) -> str | None:
    """``self.request.arguments[...]``, ``self.request.path``, ``self.path_args[0]``…: the request
    attribute at the root of a chain of attributes and subscripts (a subscript's key does not count)."""
    node: ast.AST = expr
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            owner = node.value
            if node.attr in PATH_DATA and handler_self(model, owner) is not None:
                return f"`self.{node.attr}`"
            if (
                node.attr in REQUEST_DATA
                and isinstance(owner, ast.Attribute)
                and owner.attr == "request"
                and handler_self(model, owner.value) is not None
            ):
                return f"`self.request.{node.attr}`"
        node = node.value
    return None


def _checked(model: SemanticModel, binding: Binding, function: FunctionInfo) -> bool:
    """True when the method compares the variable with something (``if page not in PAGES``)."""
    for compare in model.nodes_in(function, ast.Compare):
        assert isinstance(compare, ast.Compare)
        for operand in (compare.left, *compare.comparators):
            if isinstance(operand, ast.Name) and operand.id == binding.name and model.lookup(operand.id, operand) is binding:
                return True
    return False


def _path_argument(model: SemanticModel, binding: Binding, function: FunctionInfo) -> str | None:
    """For a parameter of a verb method: the capture group it receives, when some route of the
    module gives it one that can hold ``../`` or an absolute path."""
    if function.name not in HTTP_METHODS or function.class_info is None:
        return None
    positional = [*function.node.args.posonlyargs, *function.node.args.args][1:]
    position = next((index for index, parameter in enumerate(positional) if parameter is binding.node), None)
    for route in routes_of(model, function.class_info):
        if route.pattern is None:
            continue
        groups = capture_groups(route.pattern)
        named = [group for group in groups if group[0] is not None]
        if named:
            group = next((text for name, text in named if name == binding.name), None)
        else:
            group = groups[position][1] if position is not None and position < len(groups) else None
        if group is not None and _escapes(group):
            return f"path argument `{binding.name}`, matched by `({group})`"
    return None


def _escapes(group: str) -> bool:
    try:
        return any(re.fullmatch(group, value) for value in _ESCAPES)
    except re.error:
        return True
