from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Applicability, Diagnostic, Fix, FixAvailability, Rule, Severity
from ..frameworks.starlette import display, starlette_1, starlette_version

if TYPE_CHECKING:
    import libcst as cst

JINJA2_TEMPLATES = frozenset({"starlette.templating.Jinja2Templates", "fastapi.templating.Jinja2Templates"})
#: the release that added ``TemplateResponse(request, name, ...)`` and deprecated the name-first form
REQUEST_FIRST = (0, 29)
#: what the request may be written as for the fix to move it (evaluating it twice or earlier changes nothing)
MOVABLE_REQUESTS = (ast.Name, ast.Attribute)


@dataclass(frozen=True)
class LegacyCall:
    """A name-first ``TemplateResponse`` call: its context, and the request the context holds."""

    context: ast.expr | None
    #: the value of the context's ``"request"`` key, when the context is a dict display with one
    request: ast.expr | None


class LegacyTemplateResponse(Rule):
    """
    ## What it does
    Finds `TemplateResponse` called the old way, the template name first and the request inside
    the context: `templates.TemplateResponse("page.html", {"request": request, ...})` (the name a
    string, a `str` parameter, or followed by a dict display), or with keywords and no `request=`.

    The severity follows the Starlette release the project uses (read from its lock files,
    requirements or environment; unknown means the newest): an error from Starlette 1.0 on, where
    the call fails; information on 0.29 to 0.x, where it is deprecated. Before 0.29 it is the only
    signature, and nothing is reported.

    ## Why is this bad?
    Starlette 0.29 made the request the first parameter of `TemplateResponse` and deprecated the
    name-first form; Starlette 1.0 removed it. There the template name lands in `request` and the
    context dict in `name`, and every request to the page fails with a server error.

    ## Example
    ```python
    from starlette.templating import Jinja2Templates

    templates = Jinja2Templates(directory="templates")


    async def homepage(request):
        return templates.TemplateResponse("index.html", {"request": request, "title": "Home"})
    ```

    ## Use instead
    ```python
    from starlette.templating import Jinja2Templates

    templates = Jinja2Templates(directory="templates")


    async def homepage(request):
        return templates.TemplateResponse(request, "index.html", {"title": "Home"})
    ```

    `TemplateResponse` adds the request to the context itself.

    ## Fix safety
    Safe, where the context is a dict display with a `"request"` key: the fix passes that request
    first and drops the key (Starlette puts the same request back into the context), and drops a
    context left empty when nothing follows it. The other arguments keep their meaning: the new
    signature only inserts `request` before them. When the context has `**` entries the key stays,
    since one of them may hold another `"request"`. Without a `"request"` key in sight there is no
    fix.
    """

    code = "STA014"
    name = "legacy-template-response"
    framework = "starlette"
    severity = Severity.ERROR
    summary = "`TemplateResponse(name, {\"request\": request})`: the name-first signature is removed in Starlette 1.0"
    guidelines = (
        Quote(
            "starlette",
            "Template and Static File Handling",
            "Use `Jinja2Templates` for server-side rendering with proper template directory configuration",
        ),
    )
    node_types = (ast.Call,)
    callees = frozenset({"TemplateResponse"})
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Pass the request first: `TemplateResponse(request, name, ...)`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        legacy = legacy_call(node, model)
        if legacy is None:
            return
        version = starlette_version(model)
        if version is not None and version < REQUEST_FIRST:
            return  # the only signature there is
        request = model.segment(legacy.request) if legacy.request is not None else "request"
        instead = f"pass the request first: `{model.segment(node.func)}({request}, <name>, <context>)`"
        removed = starlette_1(model)
        if removed:
            message = (
                f"`{model.segment(node.func)}(<name>, <context>)` uses the signature Starlette 1.0 removed: the request "
                f"is the first, required argument, so this call fails; {instead}"
            )
        else:
            message = (
                f"`{model.segment(node.func)}(<name>, <context>)` is deprecated since Starlette 0.29 and removed in 1.0; "
                f"{instead}"
            )
        fixable = isinstance(legacy.request, MOVABLE_REQUESTS)
        found = self.diagnostic(node.func, model, message, fix=Applicability.SAFE if fixable else None)
        found.severity = Severity.ERROR if removed else Severity.INFORMATION
        yield found

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        func = context.node_at(diagnostic.range, ast.Attribute)
        call = context.model.parent(func) if func is not None else None
        if not isinstance(call, ast.Call) or call.func is not func:
            return None
        legacy = legacy_call(call, context.model)
        if legacy is None or not isinstance(legacy.request, MOVABLE_REQUESTS):
            return None
        return Fix(self.fix_title, Applicability.SAFE, (context.rewrite_expression(call, _request_first),))


def legacy_call(call: ast.Call, model: SemanticModel) -> LegacyCall | None:
    """The name-first ``TemplateResponse`` call ``call`` is, if it is one."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "TemplateResponse"):
        return None
    if not _may_be_templates(func.value, model):
        return None
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(kw.arg in (None, "request") for kw in call.keywords):
        return None  # arguments we cannot see, or the request passed by name
    if call.args:
        first = display(call.args[0], model)
        context = call.args[1] if len(call.args) > 1 else keyword(call, "context")
        name_first = (
            isinstance(first, ast.JoinedStr)
            or (isinstance(first, ast.Constant) and isinstance(first.value, str))
            or model.instance_type(call.args[0]) == "builtins.str"  # ``template_file: str``
        )
        if not name_first and not (len(call.args) > 1 and isinstance(call.args[1], (ast.Dict, ast.DictComp))):
            return None
    elif keyword(call, "name") is not None:
        context = keyword(call, "context")
    else:
        return None
    return LegacyCall(context, _context_request(context))


def _may_be_templates(receiver: ast.expr, model: SemanticModel) -> bool:
    """True for a ``Jinja2Templates`` (or a subclass), or an object of a type the module does not
    know (``templates`` imported from the app's module); False for instances of other classes,
    the module's own classes included."""
    known = model.instance_type(receiver)
    if known is not None:
        return known in JINJA2_TEMPLATES
    value = display(receiver, model)
    own_class = model.class_def(value.func) if isinstance(value, ast.Call) else None
    if own_class is None and isinstance(receiver, ast.Name):
        function = model.enclosing_function(receiver)
        parameters = [*function.node.args.posonlyargs, *function.node.args.args] if function and function.class_info else []
        own_class = function.class_info if parameters and parameters[0].arg == receiver.id else None  # type: ignore[union-attr]
    return own_class is None or model.is_subclass(own_class, *JINJA2_TEMPLATES)


def _context_request(context: ast.expr | None) -> ast.expr | None:
    """The value of the ``"request"`` key of a dict display (None when there is not exactly one)."""
    if not isinstance(context, ast.Dict):
        return None
    values = [
        value
        for key, value in zip(context.keys, context.values)
        if isinstance(key, ast.Constant) and key.value == "request"
    ]
    return values[0] if len(values) == 1 else None


# ---------------------------------------------------------------- the fix, on the call's libcst tree


def _request_first(expression: cst.BaseExpression) -> cst.BaseExpression:
    """``TemplateResponse(name, {"request": r, ...}, ...)`` -> ``TemplateResponse(r, name, {...}, ...)``."""
    import libcst as cst
    assert isinstance(expression, cst.Call)
    args = list(expression.args)
    positional = [index for index, arg in enumerate(args) if arg.keyword is None]
    context_index = positional[1] if len(positional) > 1 else next(
        index for index, arg in enumerate(args) if arg.keyword is not None and arg.keyword.value == "context"
    )
    context = args[context_index].value
    assert isinstance(context, cst.Dict)
    request_index = next(index for index, element in enumerate(context.elements) if _is_request_key(element))
    request = context.elements[request_index].value
    if not any(isinstance(element, cst.StarredDictElement) for element in context.elements):
        elements = _without(list(context.elements), request_index)
        later_positional = any(arg.keyword is None for arg in args[context_index + 1 :])
        if elements or later_positional:
            emptied = context.with_changes(elements=elements) if elements else cst.Dict([])
            args[context_index] = args[context_index].with_changes(value=emptied)
        else:
            args = _without(args, context_index)
    return expression.with_changes(args=[cst.Arg(value=request, comma=cst.Comma(whitespace_after=_separator(expression))), *args])


def _is_request_key(element: cst.BaseDictElement) -> bool:
    import libcst as cst
    return isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) and element.key.evaluated_value == "request"


def _without(items: list, index: int) -> list:
    """``items`` without the one at ``index``; a removed last item leaves its comma (or its absence) to the new last."""
    removed = items.pop(index)
    if index == len(items) and items:
        items[-1] = items[-1].with_changes(comma=removed.comma)
    return items


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """What follows the new first argument's comma: a line break and the arguments' indentation
    when they start on a line of their own, else a space."""
    import libcst as cst
    before = call.whitespace_before_args
    if isinstance(before, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(indent=before.indent, last_line=before.last_line)
    return cst.SimpleWhitespace(" ")
