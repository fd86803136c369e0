from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity
from ..scripts import is_main_guard
from ..frameworks.sanic import is_app

MAIN_GUARD = '__name__ == "__main__"'


class RunWithoutMainGuard(Rule):
    """
    ## What it does
    Finds `app.run(...)` on a Sanic application at module level, outside an
    `if __name__ == "__main__":` block.

    ## Why is this bad?
    Sanic starts its workers as new processes (the `spawn` start method), and each worker imports
    the application's module again to find the app. An unguarded `app.run()` runs again in that
    import, the worker fails, and Sanic stops at start-up with `ServerError: Sanic server could
    not start: worker process failed`. The same line also starts a server wherever the module is
    imported: by the `sanic` CLI (`sanic server:app`), by tests, by an ASGI server.

    ## Example
    ```python
    from sanic import Sanic

    app = Sanic("Shop")

    app.run(host="0.0.0.0", port=8000)
    ```

    ## Use instead
    ```python
    from sanic import Sanic

    app = Sanic("Shop")

    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=8000)
    ```

    ## Fix safety
    Safe: run as a script, the module does just what it did; imported, it no longer starts a
    server. The fix wraps the statement in `if __name__ == "__main__":`, indenting it (and any
    continuation lines) with the module's own indentation. It is offered when the call is a
    statement of its own at the top of the module.
    """

    code = "SAN004"
    name = "run-without-main-guard"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "`app.run()` at module level without `if __name__ == \"__main__\":`"
    guidelines = (
        Quote("sanic", "Sanic Project Structure", "Use proper entry point design"),
        Quote("sanic", "Deployment", "Implement effective process management"),
    )
    node_types = (ast.Call,)
    callees = frozenset({"run"})
    fix_availability = FixAvailability.SOMETIMES
    fix_title = 'Wrap it in `if __name__ == "__main__":`'

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "run" and is_app(model, func.value)):
            return
        if model.scope(node).kind != "module" or any(isinstance(a, ast.If) and is_main_guard(a.test) for a in model.ancestors(node)):
            return
        statement = model.parent(node)
        fixable = isinstance(statement, ast.Expr) and model.parent(statement) is model.tree and _own_lines(model, statement)
        message = (
            f"`{model.segment(func)}()` at module level runs again in each Sanic worker process, which imports the "
            "module, so the server fails to start (`worker process failed`); put it under "
            '`if __name__ == "__main__":`'
        )
        yield self.diagnostic(node, model, message, fix=Applicability.SAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        import libcst as cst
        call = context.node_at(diagnostic.range, ast.Call)
        statement = context.model.parent(call) if call is not None else None
        if not isinstance(statement, ast.Expr) or not _own_lines(context.model, statement):
            return None
        first, last = statement.lineno - 1, (statement.end_lineno or statement.lineno) - 1
        lines = context.lines[first : last + 1]
        module = cst.parse_module(context.newline.join(lines))
        guarded = cst.If(test=cst.parse_expression(MAIN_GUARD), body=cst.IndentedBlock(body=list(module.body)))
        wrapped = module.with_changes(body=[guarded], default_indent=_indent_unit(context.model))
        span = Range(first, 0, last, len(context.lines[last]))
        return Fix(self.fix_title, Applicability.SAFE, (Edit(span, wrapped.code),))


def _own_lines(model: SemanticModel, statement: ast.stmt) -> bool:
    """True when the statement alone fills its lines (a trailing comment aside)."""
    span = model.range_of(statement)
    before = model.lines[span.start_line][: span.start_column]
    after = model.lines[span.end_line][span.end_column :].strip()
    return not before.strip() and (not after or after.startswith("#"))


def _indent_unit(model: SemanticModel) -> str:
    """The module's indentation: that of the first indented block at its top level, else four spaces."""
    for statement in model.tree.body:
        body = getattr(statement, "body", None)
        if isinstance(body, list) and body and body[0].lineno != statement.lineno:
            line = model.lines[body[0].lineno - 1]
            indent = line[: len(line) - len(line.lstrip())]
            if indent:
                return indent
    return "    "
