from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import handler_self

#: ``self.request.<dict>``: argument name -> list of raw byte strings
ARGUMENT_DICTS = {
    "arguments": "get_argument",
    "query_arguments": "get_query_argument",
    "body_arguments": "get_body_argument",
}
#: calls that expect one text value
TEXT_CALLS = frozenset({"builtins.int", "builtins.float", "json.loads", "uuid.UUID", "datetime.date.fromisoformat"})
#: str methods a list does not have
STR_METHODS = frozenset({"lower", "upper", "strip", "split", "startswith", "endswith", "isdigit", "replace", "decode", "casefold"})


class RawRequestArguments(Rule):
    """
    ## What it does
    Finds values of `self.request.arguments`, `query_arguments` or `body_arguments` in Tornado
    handlers used as if they were one string: `self.request.arguments["page"]` compared with a
    string, passed to `int()`, put in an f-string or given a string method; and single items
    (`[...][0]`, raw bytes) compared with a string or put in an f-string.

    ## Why is this bad?
    These dictionaries map each name to a **list** of **bytes**, one per occurrence in the query
    or form. `int(self.request.arguments["page"])` raises `TypeError`, `.lower()` raises
    `AttributeError`, and `== "yes"` is always false, for a list and for `b"yes"` alike. An
    f-string shows `[b'2']`. `self.get_argument("page")` returns the last value, decoded to
    `str`, stripped, and raises `MissingArgumentError` (400) when it is absent.

    ## Example
    ```python
    from tornado import web

    class SearchHandler(web.RequestHandler):
        def get(self):
            page = int(self.request.arguments["page"])
            if self.request.arguments["sort"][0] == "date":
                ...
    ```

    ## Use instead
    ```python
    from tornado import web

    class SearchHandler(web.RequestHandler):
        def get(self):
            page = int(self.get_argument("page", "1"))
            if self.get_argument("sort", "") == "date":
                ...
    ```

    ## Fix safety
    There is no automatic fix: `get_argument` raises for a missing argument where the dictionary
    lookup raised `KeyError`, and a default may be wanted.
    """

    code = "TOR032"
    name = "raw-request-arguments"
    framework = "tornado"
    severity = Severity.WARNING
    summary = "`request.arguments` value (a list of bytes) used as a string"
    guidelines = (
        Quote("tornado", "Request Handling", "Create proper parameter extraction"),
        Quote("tornado", "Request Handling", "Implement proper request validation"),
    )
    node_types = (ast.Subscript, ast.Call)
    callees = frozenset({"get"})  # `self.request.arguments.get(...)`

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        kind = _raw_value(node, model)
        if kind is None:
            return
        dictionary, what = kind
        misuse = _string_use(node, model, what)
        if misuse is None:
            return
        getter = ARGUMENT_DICTS[dictionary]
        message = (
            f"`{model.segment(node)}` is {'a list of byte strings' if what == 'list' else 'a byte string'}, "
            f"but it is {misuse}; use `self.{getter}(name)`, which returns the value as `str`"
        )
        yield self.diagnostic(node, model, message)


def _argument_dict(expr: ast.AST, model: SemanticModel) -> str | None:
    """``arguments`` for ``self.request.arguments`` in a handler (and the query/body variants)."""
    if not (isinstance(expr, ast.Attribute) and expr.attr in ARGUMENT_DICTS):
        return None
    request = expr.value
    if not (isinstance(request, ast.Attribute) and request.attr == "request"):
        return None
    return expr.attr if handler_self(model, request.value) is not None else None


def _raw_value(node: ast.AST, model: SemanticModel) -> tuple[str, str] | None:
    """(dictionary, "list" or "bytes") when ``node`` reads a raw value of an argument dict."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        inner = _list_of(node.value, model)
        if inner is not None and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            return inner, "bytes"
        dictionary = _argument_dict(node.value, model)
        return (dictionary, "list") if dictionary else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        dictionary = _argument_dict(node.func.value, model)
        return (dictionary, "list") if dictionary else None
    return None


def _list_of(expr: ast.AST, model: SemanticModel) -> str | None:
    found = _raw_value(expr, model) if isinstance(expr, (ast.Subscript, ast.Call)) else None
    return found[0] if found is not None and found[1] == "list" else None


def _string_use(node: ast.AST, model: SemanticModel, what: str) -> str | None:
    """How ``node`` is used as one text value, described for the message; None if it is not."""
    parent = model.parent(node)
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1 and isinstance(parent.ops[0], (ast.Eq, ast.NotEq)):
        other = parent.comparators[0] if parent.left is node else parent.left
        if isinstance(other, ast.Constant) and isinstance(other.value, str):
            return f"compared with the string {other.value!r} (never equal)"
    if isinstance(parent, ast.FormattedValue):
        return "formatted into an f-string (which shows its repr)"
    if what == "list" and isinstance(parent, ast.Call) and node in parent.args:
        callee = model.qualified_name(parent.func)
        if callee in TEXT_CALLS:
            return f"passed to `{model.segment(parent.func)}()` as one value"
    if what == "list" and isinstance(parent, ast.Attribute) and parent.attr in STR_METHODS:
        return f"given the string method `.{parent.attr}()`, which a list has not"
    return None
