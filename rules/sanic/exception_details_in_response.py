from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import CallbackInfo, FunctionInfo, SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity, callees_of
from ..frameworks.sanic import positional_parameters, qualified

#: calls that format the exception being handled, with its traceback
TRACEBACK_CALLS = frozenset(
    {
        "traceback.format_exc",
        "traceback.format_exception",
        "traceback.format_tb",
        "traceback.format_stack",
        "traceback.extract_tb",
    }
)
#: builtins that turn the exception into its message
MESSAGE_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.format"})
#: what builds the response a Sanic exception handler returns
RESPONSE_BUILDERS = frozenset(
    {
        "sanic.response.json",
        "sanic.response.text",
        "sanic.response.html",
        "sanic.response.raw",
        "sanic.response.HTTPResponse",
        "sanic.response.JSONResponse",
    }
)
SANIC_EXCEPTION = ("sanic.exceptions.SanicException",)
#: how far a value is followed through local variables into the response
_HOPS = 3


class ExceptionDetailsInResponse(Rule):
    """
    ## What it does
    Finds Sanic exception handlers that send the exception's details to the client: a traceback
    (`traceback.format_exc()`, `traceback.format_exception(...)`) anywhere, and the exception's
    message (`str(exception)`, `repr(exception)`, `f"{exception}"`, `exception.args`) where the
    handler answers exceptions other than Sanic's own (`Exception`, `ValueError`, a class of the
    module that does not derive from `SanicException`). Exception handlers are functions under
    `@app.exception(...)` (also on blueprints), functions passed to `app.error_handler.add(...)`,
    and the `default` / `response` methods of `ErrorHandler` subclasses. The details count when
    they reach a response (`json(...)`, `text(...)`, `html(...)`, `HTTPResponse(...)`), directly
    or through local variables; branches under a debug check (`if app.debug:`) are left alone.

    ## Why is this bad?
    A traceback shows every client the code's file paths, function names and lines, and the
    values in them; the message of an arbitrary exception can hold SQL, file paths, hostnames or
    a user's data (`KeyError: 'password'`, `asyncpg` errors quoting the query). Sanic's own error
    pages make exactly this distinction: they show the message of a `SanicException`, which is
    written for clients, and otherwise, outside debug mode, only "Internal Server Error". An
    exception handler that copies the details into its response undoes that for every
    exception it catches, in production too.

    ## Example
    ```python
    @app.exception(Exception)
    async def handle_error(request, exception):
        return json({"error": str(exception), "trace": traceback.format_exc()}, status=500)
    ```

    ## Use instead
    ```python
    @app.exception(Exception)
    async def handle_error(request, exception):
        logger.exception("unhandled error on %s", request.path)
        return json({"error": "internal error", "request_id": str(request.id)}, status=500)
    ```
    Raise a `SanicException` (`BadRequest("the date must be ISO 8601")`) where a message is
    meant for clients.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN018"]`. Error text sent to
    clients is often meant for them (a service-to-service API whose only client logs it, a validation
    message); the rule cannot tell it from an internal error's text, and on the real-application corpus
    the judged finding was such a message. Enable it to review what your exception handlers send.

    ## Fix safety
    There is no automatic fix: what the client should be told instead, and where the details
    should be logged, is the author's decision.
    """

    code = "SAN018"
    name = "exception-details-in-response"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "A Sanic exception handler sends the exception's message or traceback to the client"
    guidelines = (
        Quote("sanic", "Error Handling", "Use proper exception handlers"),
        Quote("sanic", "Error Handling", "Implement effective error responses"),
        Quote("sanic", "Error Handling", "Implement proper debugging information"),
        Quote("sanic", "API Design", "Implement proper error responses"),
    )
    node_types = (ast.Call, ast.Attribute, ast.JoinedStr, ast.BinOp)
    callees = callees_of(TRACEBACK_CALLS, MESSAGE_CALLS, {"format"})  # and `"...".format(exception)`

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        function = model.enclosing_function(node)
        callback = model.callback_of(function)
        if function is None or callback is None or callback.framework != "sanic" or callback.kind != "exception handler":
            return
        leak = _leak(model, node, function)
        if leak is None or _under_debug_check(model, node, function) or not _reaches_response(model, node, function, _HOPS):
            return
        where = model.context_label(node)
        if leak == "traceback":
            message = (
                f"`{model.segment(node)}` sends the traceback to the client from {where}: every client sees the "
                "code's file paths, lines and values; log it (`logger.exception(...)`) and answer with a fixed message"
            )
            yield self.diagnostic(node, model, message)
            return
        handled = _private_types(model, callback)
        if handled is None:
            return
        message = (
            f"`{model.segment(node)}` sends the exception's message to the client from {where}, which handles "
            f"{handled}: such messages can hold SQL, paths or user data, and Sanic itself shows them only in debug "
            "mode; log the exception and answer with a fixed message (raise a `SanicException` for messages meant "
            "for clients)"
        )
        yield self.diagnostic(node, model, message)


def _exception_parameter(function: FunctionInfo) -> ast.arg | None:
    """The parameter Sanic passes the exception in: the second, after the request."""
    parameters = positional_parameters(function)
    return parameters[1] if len(parameters) > 1 else None


def _is_exception(model: SemanticModel, expr: ast.AST, function: FunctionInfo) -> bool:
    parameter = _exception_parameter(function)
    if parameter is None or not isinstance(expr, ast.Name) or expr.id != parameter.arg:
        return False
    binding = model.lookup(expr.id, expr)
    return binding is not None and binding.node is parameter


def _leak(model: SemanticModel, node: ast.AST, function: FunctionInfo) -> str | None:
    """"traceback" or "message" when ``node`` formats the handled exception's traceback or message."""
    if isinstance(node, ast.Call):
        name = model.qualified_name(node.func)
        if name in TRACEBACK_CALLS:
            return "traceback"
        if name in MESSAGE_CALLS and node.args and _is_exception(model, node.args[0], function):
            return "message"
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, ast.Constant):
            values = [*node.args, *(k.value for k in node.keywords)]
            return "message" if any(_is_exception(model, value, function) for value in values) else None
        return None
    if isinstance(node, ast.Attribute):
        return "message" if node.attr == "args" and _is_exception(model, node.value, function) else None
    if isinstance(node, ast.JoinedStr):
        formatted = (value.value for value in node.values if isinstance(value, ast.FormattedValue))
        return "message" if any(_is_exception(model, value, function) for value in formatted) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        return "message" if any(_is_exception(model, value, function) for value in right) else None
    return None


def _private_types(model: SemanticModel, callback: CallbackInfo) -> str | None:
    """How to name the exceptions the handler answers, when some of them are surely not Sanic's
    (whose messages are written for clients); None when all are Sanic's or not known here."""
    registration = callback.registration
    if isinstance(registration, ast.ClassDef):
        return "every exception"
    if not isinstance(registration, ast.Call):
        return None
    if isinstance(registration.func, ast.Attribute) and registration.func.attr == "add":
        first = argument(registration, 0, "exception")
        handled = [first] if first is not None else []
    else:
        handled = []
        for value in registration.args:
            handled += value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    private = [model.segment(value) for value in handled if _surely_not_sanic(model, value)]
    return ", ".join(f"`{name}`" for name in private) if private else None


def _surely_not_sanic(model: SemanticModel, expr: ast.expr) -> bool:
    """True for a builtin exception, or a class of this module deriving from one and not from ``SanicException``."""
    class_info = model.class_def(expr)
    if class_info is not None:
        if model.is_subclass(class_info, *SANIC_EXCEPTION) or model.is_subclass(class_info, "sanic.SanicException"):
            return False
        bases = [base for base in model.base_classes(class_info) if isinstance(base, str)]
        return bool(bases) and all(base.startswith("builtins.") for base in bases)
    name = model.qualified_name(expr)
    return name is not None and name.startswith("builtins.")


def _reaches_response(model: SemanticModel, node: ast.AST, function: FunctionInfo, hops: int) -> bool:
    """True when ``node``'s value goes into a Sanic response: it stands in a response builder's
    arguments, or in a value assigned to a local variable (or into one: ``body["error"] = ...``)
    that does, following at most ``hops`` variables."""
    statement: ast.AST | None = None
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, ast.Call) and qualified(model, ancestor.func) in RESPONSE_BUILDERS:
            return True
        if isinstance(ancestor, ast.stmt):
            statement = ancestor
            break
    if hops == 0 or not isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    for target in targets:
        for binding in _assigned_bindings(model, target, statement, function):
            for reference in model.references(binding):
                if model.enclosing_function(reference) is function and _reaches_response(model, reference, function, hops - 1):
                    return True
    return False


def _assigned_bindings(model: SemanticModel, target: ast.expr, statement: ast.stmt, function: FunctionInfo) -> list:
    """The local variables an assignment target writes: ``name``, or ``name`` of ``name[...]`` / ``name.attr``."""
    if isinstance(target, ast.Name):
        return [b for b in function.scope.bindings.get(target.id, []) if b.node is statement]
    while isinstance(target, (ast.Subscript, ast.Attribute)):
        target = target.value
    if isinstance(target, ast.Name):
        binding = model.lookup(target.id, target)
        return [binding] if binding is not None and binding.scope is function.scope else []
    return []


def _under_debug_check(model: SemanticModel, node: ast.AST, function: FunctionInfo) -> bool:
    """True when ``node`` runs only in debug mode: in the true branch of a test that reads a debug
    flag (``if app.debug:``, ``... if request.app.config.DEBUG else ...``), or after an
    ``if not app.debug: return ...`` in the same block."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(child, ast.stmt):
            place = model.statement_list(child)
            if place is not None and any(_returns_unless_debug(model, earlier) for earlier in place[1][: place[2]]):
                return True
        if ancestor is function.node:
            return False
        if isinstance(ancestor, (ast.If, ast.IfExp)) and _reads_debug(model, ancestor.test):
            negated = isinstance(ancestor.test, ast.UnaryOp) and isinstance(ancestor.test.op, ast.Not)
            in_body = child in ancestor.body if isinstance(ancestor, ast.If) else child is ancestor.body
            if in_body != negated and child is not ancestor.test:
                return True
        child = ancestor
    return False


def _reads_debug(model: SemanticModel, test: ast.expr) -> bool:
    return "debug" in model.segment(test).lower()


def _returns_unless_debug(model: SemanticModel, statement: ast.stmt) -> bool:
    """``if not app.debug: return ...`` (or ``raise``)."""
    return (
        isinstance(statement, ast.If)
        and isinstance(statement.test, ast.UnaryOp)
        and isinstance(statement.test.op, ast.Not)
        and _reads_debug(model, statement.test)
        and bool(statement.body)
        and isinstance(statement.body[-1], (ast.Return, ast.Raise))
    )
