from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..guidelines import Quote
from ..handlers import application_framework
from ..model import Binding, FunctionInfo, SemanticModel, argument, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.starlette import display

#: exception types whose handler sees every error, whatever it says
CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException"})
#: a status-code key of 500 gets the unhandled exception itself
SERVER_ERROR = 500
#: calls that format the current exception's traceback
TRACEBACK_FORMATTERS = frozenset(
    {
        "traceback.format_exc",
        "traceback.format_exception",
        "traceback.format_tb",
        "traceback.format_stack",
        "traceback.extract_tb",
    }
)
#: exceptions whose message the framework sends to the client
CLIENT_EXCEPTIONS = frozenset(
    {
        "starlette.exceptions.HTTPException",
        "starlette.exceptions.WebSocketException",
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "fastapi.WebSocketException",
        "fastapi.exceptions.WebSocketException",
    }
)
#: calls that carry their argument's text into their result
TEXT_CARRIERS = frozenset({"builtins.str", "builtins.dict", "builtins.list", "builtins.tuple", "builtins.repr"})
#: how many local names the text may pass through on its way to the response
MAX_HOPS = 3


@dataclass(frozen=True)
class Handling:
    """Code that runs because of an exception: a registered exception handler, or an ``except``
    clause of an endpoint."""

    label: str
    #: the handler sees any exception (``Exception``, ``BaseException``, bare ``except``, status 500)
    catch_all: bool
    #: what names the exception there: the handler's parameter or the ``except ... as`` clause
    exception: ast.AST | None


class ExceptionDetailsInResponse(Rule):
    """
    ## What it does
    Finds exception handlers that put the exception's details into the response:

    - `str(exc)`, `repr(exc)` or `f"{exc}"` in the response of a handler that sees every error:
      one registered for `Exception` or status 500 (`@app.exception_handler(Exception)`,
      `add_exception_handler`, `exception_handlers={...}`), or an `except Exception as exc:`
      clause of an endpoint or path operation;
    - a traceback (`traceback.format_exc()`, `format_exception`, `format_tb`…) in the response of
      any exception handler or `except` clause of an endpoint.

    "In the response" means in what the handler returns (a response, or a value FastAPI
    serializes), in a response class's arguments, or in an `HTTPException`'s detail, directly or
    through local names. Code under an `if` that tests a debug flag is left alone, and so are
    handlers of specific exceptions (`HTTPException`, `RequestValidationError`, your own), whose
    messages are written for clients, also when a catch-all handler narrows to one first
    (`if isinstance(exc, AssertionError): return ...str(exc)...`).

    ## Why is this bad?
    An unexpected exception's text is written for developers: it carries file paths, SQL
    statements, host names, configuration values, pieces of other users' data. A traceback adds
    the code's structure. Sent to clients, it tells an attacker how the application works and
    where it breaks.

    ## Example
    ```python
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI()


    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception):
        return JSONResponse({"error": str(exc)}, status_code=500)
    ```

    ## Use instead
    ```python
    import logging

    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI()
    logger = logging.getLogger(__name__)


    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception):
        logger.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"error": "Internal server error"}, status_code=500)
    ```

    ## Fix safety
    There is no automatic fix: what a client may be told about an error is a decision about the
    application's API.
    """

    code = "STA017"
    name = "exception-leaked-to-client"
    framework = "starlette"
    severity = Severity.WARNING
    summary = "An exception handler sends `str(exc)`, `repr(exc)` or a traceback to the client"
    guidelines = (
        Quote(
            "starlette",
            "Exception Handling and Error Management",
            "Log errors appropriately without exposing sensitive information",
        ),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        registered = exception_handlers(model)
        reported: set[int] = set()
        for leak in [*model.nodes(ast.Call), *model.nodes(ast.JoinedStr)]:
            found = self._leak(leak, model, registered)  # type: ignore[arg-type]
            if found is None or id(found[0]) in reported:
                continue
            shown, what, handling = found
            reported.add(id(shown))
            message = (
                f"`{_short(model.segment(shown))}` puts {what} into the response of {handling.label}: clients see internal "
                "details (paths, queries, settings, data); log the error and answer with a generic message"
            )
            yield self.diagnostic(shown, model, message)

    def _leak(
        self, node: ast.Call | ast.JoinedStr, model: SemanticModel, registered: dict[int, Handling]
    ) -> tuple[ast.AST, str, Handling] | None:
        """(the node to report, what it leaks, where) when ``node`` puts exception details into a response."""
        function = model.enclosing_function(node)
        if function is None:
            return None
        handling = registered.get(id(function)) or _endpoint_except(node, function, model)
        if handling is None or _under_debug_flag(node, model):
            return None
        if isinstance(node, ast.Call) and model.qualified_name(node.func) in TRACEBACK_FORMATTERS:
            return (node, "the traceback", handling) if _reaches_response(node, model, 0) else None
        if not handling.catch_all:
            return None
        if isinstance(node, ast.Call) and model.qualified_name(node.func) in ("builtins.str", "builtins.repr"):
            named = node.args[0] if len(node.args) == 1 and not node.keywords else None
        elif isinstance(node, ast.JoinedStr):
            named = next(
                (part.value for part in node.values if isinstance(part, ast.FormattedValue) and _names(part.value, handling, model)),
                None,
            )
        else:
            return None
        if named is None or not _names(named, handling, model) or not _reaches_response(node, model, 0):
            return None
        if _narrowed_to_specific(node, handling, model):
            return None
        return node, "the exception's text", handling


def _narrowed_to_specific(node: ast.AST, handling: Handling, model: SemanticModel) -> bool:
    """``if isinstance(exc, AssertionError): return ...str(exc)...``: only the text of a specific
    exception, one the code raises with a message meant for the client, reaches the response."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
        test = ancestor.test if isinstance(ancestor, (ast.If, ast.IfExp)) else None
        if (
            isinstance(test, ast.Call)
            and model.qualified_name(test.func) == "builtins.isinstance"
            and len(test.args) == 2
            and _names(test.args[0], handling, model)
            and not _is_catch_all(test.args[1], model)
            and (child in ancestor.body if isinstance(ancestor, ast.If) else child is ancestor.body)
        ):
            return True
        child = ancestor
    return False


def exception_handlers(model: SemanticModel) -> dict[int, Handling]:
    """The module's functions registered as Starlette/FastAPI exception handlers, by ``id`` of
    their FunctionInfo: ``@app.exception_handler(E)``, ``app.add_exception_handler(E, f)`` and
    ``exception_handlers={E: f}`` given to any call (``Starlette``, ``FastAPI``, a factory)."""
    found: dict[int, Handling] = {}

    def register(function: FunctionInfo | None, exception: ast.expr | None) -> None:
        if function is not None and id(function) not in found:
            catch_all = _is_catch_all(exception, model)
            shown = model.segment(exception) if exception is not None else "an exception"
            label = f"exception handler `{function.qualname}` (for `{shown}`)"
            found[id(function)] = Handling(label, catch_all, _exception_parameter(function))

    for function in model.functions:
        for decorator in function.node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "exception_handler"
                and _is_app(decorator.func.value, model)
            ):
                register(function, argument(decorator, 0, "exc_class_or_status_code"))
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "add_exception_handler" and _is_app(func.value, model):
            handler = argument(call, 1, "handler")
            register(model.function_def(handler) if handler is not None else None, argument(call, 0, "exc_class_or_status_code"))
        handlers = display(keyword(call, "exception_handlers"), model)
        if isinstance(handlers, ast.Dict):
            for key, value in zip(handlers.keys, handlers.values):
                register(model.function_def(value), key)
    return found


def _is_app(receiver: ast.expr, model: SemanticModel) -> bool:
    """A Starlette or FastAPI app or router, or an object of a type the module does not know."""
    return application_framework(model, receiver) in ("starlette", "fastapi") or model.instance_type(receiver) is None


def _is_catch_all(exception: ast.expr | None, model: SemanticModel) -> bool:
    """``Exception``, ``BaseException``, a bare ``except`` (None), status 500, or a tuple with one."""
    if exception is None:
        return True
    if isinstance(exception, ast.Tuple):
        return any(_is_catch_all(element, model) for element in exception.elts)
    if isinstance(exception, ast.Constant):
        return exception.value == SERVER_ERROR
    name = model.qualified_name(exception) or ""
    return name in CATCH_ALL or name.endswith(".HTTP_500_INTERNAL_SERVER_ERROR")


def _exception_parameter(function: FunctionInfo) -> ast.arg | None:
    """The parameter a handler ``(request, exc)`` gets the exception in (after ``self`` in a method)."""
    positional = [*function.node.args.posonlyargs, *function.node.args.args]
    if function.class_info is not None and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.node.decorator_list
    ):
        positional = positional[1:]
    return positional[1] if len(positional) > 1 else None


def _endpoint_except(node: ast.AST, function: FunctionInfo, model: SemanticModel) -> Handling | None:
    """The ``except`` clause of a Starlette/FastAPI endpoint that ``node`` stands in, if any."""
    handler = function.handler
    if handler is None or handler.framework not in ("starlette", "fastapi"):
        return None
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.ExceptHandler):
            catch_all = _is_catch_all(ancestor.type, model)
            return Handling(f"{handler.title} handler `{function.qualname}`", catch_all, ancestor)
        if ancestor is function.node:
            return None
    return None


def _names(expr: ast.expr, handling: Handling, model: SemanticModel) -> bool:
    """True when ``expr`` is the name the handled exception is bound to."""
    if not isinstance(expr, ast.Name) or handling.exception is None:
        return False
    binding: Binding | None = model.lookup(expr.id, expr)
    return binding is not None and binding.node is handling.exception


def _under_debug_flag(node: ast.AST, model: SemanticModel) -> bool:
    """True inside an ``if`` (or a conditional expression) whose test mentions debugging."""
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.If, ast.IfExp)) and "debug" in model.segment(ancestor.test).lower():
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
    return False


def _reaches_response(expr: ast.AST, model: SemanticModel, hops: int) -> bool:
    """True when the value of ``expr`` ends up in what the client receives: returned, passed to a
    response class or a client-facing exception, through displays, f-strings, operators and up
    to ``MAX_HOPS`` local names."""
    node = expr
    while True:
        parent = model.parent(node)
        if isinstance(parent, ast.Return):
            return True
        if isinstance(parent, ast.Call):
            if node is parent.func:
                return False
            callee = model.qualified_name(parent.func) or ""
            if _is_response_class(callee) or callee in CLIENT_EXCEPTIONS:
                return True
            if callee not in TEXT_CARRIERS and not (isinstance(parent.func, ast.Attribute) and parent.func.attr in ("join", "format")):
                return False
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)) and hops < MAX_HOPS:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                return False
            binding = model.lookup(targets[0].id, targets[0])
            return binding is not None and any(_reaches_response(name, model, hops + 1) for name in model.references(binding))
        elif not isinstance(
            parent,
            (ast.keyword, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.JoinedStr, ast.FormattedValue, ast.BinOp, ast.BoolOp, ast.Starred),
        ) and not (isinstance(parent, ast.IfExp) and node is not parent.test):
            return False
        node = parent


def _is_response_class(name: str) -> bool:
    return name.startswith(("starlette.responses.", "fastapi.responses.", "fastapi.")) and name.endswith("Response")


def _short(text: str) -> str:
    first = text.splitlines()[0] if text else text
    return first if len(first) <= 60 and first == text else first[:57].rstrip() + "..."
