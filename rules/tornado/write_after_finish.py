from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import FunctionInfo, SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import self_call

#: handler methods that end the response (``redirect`` and ``render`` call ``finish``)
ENDERS = frozenset({"finish", "redirect", "render"})
#: handler methods that fail once the response has ended, and how
FAILURES = {
    "write": 'RuntimeError("Cannot write() after finish()")',
    "finish": 'RuntimeError("finish() called twice")',
    "render": 'RuntimeError("Cannot render() after finish()")',
    "redirect": 'Exception("Cannot redirect after headers have been written")',
}
_TERMINATORS = (ast.Return, ast.Raise, ast.Break, ast.Continue)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


class WriteAfterFinish(Rule):
    """
    ## What it does
    Finds `self.write()`, `self.finish()`, `self.redirect()` and `self.render()` in a Tornado
    request handler that run after the response was ended by `self.finish()`, `self.redirect()`
    or `self.render()` on the same path through the method:

    - a later statement of the same block (also inside an `if` or loop there), with no `return`,
      `raise`, `break` or `continue` between them;
    - a later statement of an enclosing block, when the response is ended inside an `if`, `with`
      or `try` that does not return afterwards (the classic missing `return` after
      `self.redirect()`); there only calls that run unconditionally count, since separate `if`s
      may test exclusive conditions.

    A call in another branch of the same `if`, or after a loop that ended the response in its
    body, is not reported.

    ## Why is this bad?
    Once the response is finished Tornado refuses more output: `write()` and `render()` raise
    `RuntimeError`, a second `finish()` raises `RuntimeError("finish() called twice")` and
    `redirect()` raises because the headers were sent. The client got the first response; the
    exception ends up in the log, and whatever the method meant to do after the call is skipped.
    The usual cause is a missing `return` after `self.redirect()` in a guard.

    ## Example
    ```python
    from tornado import web

    class AccountHandler(web.RequestHandler):
        def get(self):
            if not self.current_user:
                self.redirect("/login")
            self.render("account.html", user=self.current_user)
    ```

    ## Use instead
    ```python
    from tornado import web

    class AccountHandler(web.RequestHandler):
        def get(self):
            if not self.current_user:
                self.redirect("/login")
                return
            self.render("account.html", user=self.current_user)
    ```

    ## Fix safety
    There is no automatic fix: whether the method should return after ending the response, or
    end it later, depends on what it does next.
    """

    code = "TOR015"
    name = "write-after-finish"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "`write()`/`finish()`/`redirect()` after `finish()` or `redirect()` on the same path"
    guidelines = (
        Quote("tornado", "Request Handling", "Use proper response generation"),
        Quote("tornado", "Request Handling", "Create effective error handling"),
    )
    node_types = (ast.Call,)
    callees = frozenset(FAILURES)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        method = self_call(model, node)
        if method not in FAILURES or model.scope(node).kind == "lambda":
            return
        function = model.enclosing_function(node)
        if function is None:
            return
        ender = next((e for e in reversed(_ending_statements(model, function)) if _follows(model, e, node)), None)
        if ender is None:
            return
        ended = self_call(model, _call_of(ender))
        message = (
            f"`self.{method}()` runs after `self.{ended}()` (line {ender.lineno}) ended the response on this path: "
            f"Tornado raises {FAILURES[method]}; `return` after `self.{ended}()`"
        )
        yield self.diagnostic(node, model, message)


def _call_of(statement: ast.Expr) -> ast.Call:
    value = statement.value
    return value.value if isinstance(value, ast.Await) else value  # type: ignore[return-value]


def _ending_statements(model: SemanticModel, function: FunctionInfo) -> list[ast.Expr]:
    """The statements of the method that are a ``self.finish()``/``redirect()``/``render()`` call
    (awaited or not), in source order."""
    found = []
    for call in model.calls_named(ENDERS):  # the module's calls of these names, not all of its calls
        if model.enclosing_function(call) is not function:
            continue
        if self_call(model, call) not in ENDERS or model.scope(call).kind == "lambda":
            continue
        parent = model.parent(call)
        if isinstance(parent, ast.Await):
            parent = model.parent(parent)
        if isinstance(parent, ast.Expr):
            found.append(parent)
    return found


def _follows(model: SemanticModel, ender: ast.Expr, call: ast.Call) -> bool:
    """True when ``call`` runs after ``ender`` on some path (see the rule's documentation)."""
    current: ast.AST = ender
    own_block = True
    while True:
        position = model.statement_list(current)
        if position is None:
            return False
        owner, block, index = position
        for later in block[index + 1 :]:
            if any(ancestor is later for ancestor in model.ancestors(call)):
                return own_block or _statement_of(model, call) is later
            if isinstance(later, _TERMINATORS) or _always_exits([later]):
                return False
        if isinstance(owner, _SCOPES + _LOOPS):
            return False
        if isinstance(owner, (ast.ExceptHandler, ast.match_case)):
            owner = model.parent(owner)  # the ``try`` or ``match`` holding the clause
        current = owner
        own_block = False


def _statement_of(model: SemanticModel, node: ast.AST) -> ast.AST | None:
    return next((ancestor for ancestor in model.ancestors(node) if isinstance(ancestor, ast.stmt)), None)


def _always_exits(statements: list[ast.stmt]) -> bool:
    """True when a block never completes normally: it ends in ``return``/``raise``/``break``/
    ``continue``, or in an ``if`` whose branches all do."""
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, _TERMINATORS):
        return True
    return isinstance(last, ast.If) and _always_exits(last.body) and _always_exits(last.orelse)
