from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import callback_kind, is_sanic_handler

#: exception types broad enough to hide bugs (by qualified name); a bare ``except:`` counts too
BROAD_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})


class SwallowedExceptionInHandler(Rule):
    """
    ## What it does
    Finds `except Exception: pass` (also a bare `except:`, `except BaseException:`, and bodies of
    only `pass`, `...` or `continue`) in Sanic request handlers, middleware and listeners.

    ## Why is this bad?
    The handler goes on as if the failed step had worked: the client gets a success response for
    work that was not done, or a later line fails with a confusing error, and nothing is logged,
    so the cause is invisible. A bare `except:` or `except BaseException:` also swallows the
    `CancelledError` Sanic uses to stop the handler when the client disconnects or the server
    shuts down. Sanic's exception handlers exist to turn errors into responses in one place.

    ## Example
    ```python
    @app.post("/orders")
    async def create_order(request):
        try:
            await request.app.ctx.mailer.send_confirmation(request.json)
        except Exception:
            pass
        return json({"ok": True})
    ```

    ## Use instead
    ```python
    @app.post("/orders")
    async def create_order(request):
        try:
            await request.app.ctx.mailer.send_confirmation(request.json)
        except MailerUnavailable:
            logger.warning("confirmation not sent", exc_info=True)
        return json({"ok": True})
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["SAN039"]`. It found nothing on
    the real-application corpus, and it is not a definite error: `except Exception: pass` is an
    error-handling preference.

    ## Fix safety
    There is no automatic fix: which exceptions are expected, and what to do about them, is the
    handler's decision.
    """

    code = "SAN039"
    name = "swallowed-exception-in-handler"
    opt_in = True
    framework = "sanic"
    severity = Severity.WARNING
    summary = "`except Exception: pass` in a Sanic handler, middleware or listener"
    guidelines = (
        Quote("sanic", "Asynchronous Programming", "Use proper exception handling"),
        Quote("sanic", "Error Handling", "Use proper error logging"),
    )
    node_types = (ast.ExceptHandler,)
    supersedes = ("ASY115",)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.ExceptHandler)
        if node.type is not None and model.qualified_name(node.type) not in BROAD_EXCEPTIONS:
            return
        if not all(self.does_nothing(statement) for statement in node.body):
            return
        function = model.enclosing_function(node)
        if not (is_sanic_handler(function) or callback_kind(model, function) in ("middleware", "listener")):
            return
        caught = "`except:`" if node.type is None else f"`except {model.segment(node.type)}:`"
        cancellation = node.type is None or model.qualified_name(node.type) == "builtins.BaseException"
        message = (
            f"{caught} in {model.context_label(node)} swallows every error without a trace"
            f"{' (and the cancellation Sanic stops the handler with)' if cancellation else ''}; "
            f"catch the exceptions you expect and log them, let Sanic's exception handlers answer the rest"
        )
        yield self.diagnostic(node, model, message)

    @staticmethod
    def does_nothing(statement: ast.stmt) -> bool:
        if isinstance(statement, (ast.Pass, ast.Continue)):
            return True
        return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
