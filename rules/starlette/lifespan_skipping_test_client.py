from __future__ import annotations

import ast
from collections.abc import Iterator

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity, callees_of

TEST_CLIENTS = frozenset({"starlette.testclient.TestClient", "fastapi.testclient.TestClient"})
APPLICATION_CLASSES = frozenset(
    {
        "starlette.applications.Starlette",
        "starlette.Starlette",
        "starlette.routing.Router",
        "fastapi.FastAPI",
        "fastapi.applications.FastAPI",
    }
)
#: keywords of an application class that give it start-up or shutdown code
LIFESPAN_KEYWORDS = ("lifespan", "on_startup", "on_shutdown")
#: methods that add start-up or shutdown code to an app
EVENT_METHODS = ("on_event", "add_event_handler")
#: calls that enter a context manager given to them
ENTERING_CALLS = ("enter_context", "enter_async_context")
#: how many factory functions are followed to the app they build
MAX_DEPTH = 3


class LifespanSkippingTestClient(Rule):
    """
    ## What it does
    Finds `TestClient(app)` not used as a context manager, where `app` has start-up or shutdown
    code: a `lifespan=` (or `on_startup=`/`on_shutdown=`) given to the `Starlette`/`FastAPI` that
    builds it, or `@app.on_event(...)` / `app.add_event_handler(...)`. The app is found through
    names and factory functions of the same module; an app imported from elsewhere is not
    checked. A client later entered (`with client:`, `stack.enter_context(client)`) is fine.

    ## Why is this bad?
    `TestClient` runs the application's lifespan only inside `with TestClient(app) as client:`.
    Used without it, the start-up code never runs before the requests (no database pool, no HTTP
    client in `app.state`, no loaded model), so tests fail, or pass against a state production
    never has, and the shutdown code is never exercised.

    ## Example
    ```python
    from fastapi.testclient import TestClient

    from myapp.main import create_app


    def test_health():
        client = TestClient(create_app())
        assert client.get("/health").status_code == 200
    ```

    ## Use instead
    ```python
    def test_health():
        with TestClient(create_app()) as client:
            assert client.get("/health").status_code == 200
    ```

    For many tests, a pytest fixture that yields the client inside the `with` block.

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["STA019"]`. It found nothing on
    the real-application corpus, and it is not a definite error: tests that do not need the lifespan run
    fine without `with`.

    ## Fix safety
    Unsafe: the fix turns `client = TestClient(app)` inside a function into
    `with TestClient(app) as client:` and indents the rest of the block under it, so the
    application's start-up and shutdown code now run around those statements, which is the
    point but changes what the test does. It applies only where the assignment stands alone on
    its lines, statements follow it, and none of them holds a multi-line string (indenting would
    change its text).
    """

    code = "STA019"
    name = "test-client-without-lifespan"
    opt_in = True
    framework = "starlette"
    severity = Severity.WARNING
    summary = "`TestClient(app)` outside `with` never runs the app's lifespan"
    guidelines = (
        Quote(
            "starlette",
            "Testing Patterns and Best Practices",
            "Use `TestClient` for HTTP testing with automatic lifespan management",
        ),
    )
    node_types = (ast.Call,)
    callees = callees_of(TEST_CLIENTS)
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use `with TestClient(app) as client:`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if model.qualified_name(node.func) not in TEST_CLIENTS:
            return
        app = argument(node, 0, "app")
        lifespan = _lifespan(app, model, 0) if app is not None else None
        if lifespan is None or _entered(node, model):
            return
        client = model.segment(node)
        message = (
            f"`{client}` outside a `with` block never runs the app's lifespan (line {lifespan.lineno}): its start-up "  # type: ignore[attr-defined]
            f"code does not run before the requests and its shutdown code never runs; use `with {client} as client:`"
        )
        fixable = _wrappable(node, model) is not None
        yield self.diagnostic(node, model, message, fix=Applicability.UNSAFE if fixable else None)

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        found = _wrappable(call, context.model) if isinstance(call, ast.Call) else None
        if found is None:
            return None
        statement, following, name = found
        lines = context.lines
        first = statement.lineno - 1
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        unit = "\t" if indent.startswith("\t") else "    "
        header = f"{indent}with {context.text(call)} as {name}:"
        end = context.model.range_of(statement)
        edits = [Edit(Range(first, 0, end.end_line, end.end_column), header)]  # a trailing comment stays
        for line in range(following[0].lineno - 1, following[-1].end_lineno):  # type: ignore[operator]
            if lines[line].strip():
                edits.append(Edit(Range(line, 0, line, 0), unit))
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _lifespan(app: ast.expr, model: SemanticModel, depth: int) -> ast.AST | None:
    """Where the app ``app`` evaluates to gets start-up or shutdown code, if this module says."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(app, ast.Call):
        if model.qualified_name(app.func) in APPLICATION_CLASSES:
            return next(
                (kw for kw in app.keywords if kw.arg in LIFESPAN_KEYWORDS and not _is_none(kw.value)),
                None,
            )
        factory = model.function_def(app.func)
        if factory is None:
            return None
        for returned in model.nodes_in(factory, ast.Return):
            value = returned.value  # type: ignore[attr-defined]
            found = _lifespan(value, model, depth + 1) if value is not None else None
            if found is not None:
                return found
        return None
    if isinstance(app, ast.Name):
        binding = model.lookup(app.id, app)
        if binding is None or binding.kind != "assignment" or binding.value is None:
            return None
        found = _lifespan(binding.value, model, depth + 1)
        return found if found is not None else _event_handler(app.id, binding.scope.node, model)
    return None


def _event_handler(name: str, scope: ast.AST, model: SemanticModel) -> ast.AST | None:
    """An ``@<name>.on_event(...)`` / ``<name>.add_event_handler(...)`` of the scope that binds ``name``."""
    for call in model.nodes(ast.Call):
        func = call.func  # type: ignore[attr-defined]
        if (
            isinstance(func, ast.Attribute)
            and func.attr in EVENT_METHODS
            and isinstance(func.value, ast.Name)
            and func.value.id == name
            and model.scope(call).node is scope
        ):
            return call
    return None


def _is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _entered(call: ast.Call, model: SemanticModel) -> bool:
    """True when the client is used as a context manager: directly, once bound to a name or
    stored on an attribute, or given to ``ExitStack.enter_context``."""
    use, where = model.value_use(call)
    if use == "with":
        return True
    if use == "argument" and isinstance(where, ast.Call) and isinstance(where.func, ast.Attribute):
        return where.func.attr in ENTERING_CALLS
    if use == "bound":
        binding = model.lookup(where.id, where)  # type: ignore[union-attr]
        return binding is not None and any(_entered_reference(name, model) for name in model.references(binding))
    if use == "stored":
        # ``self.client = TestClient(app)`` is entered where the same class (or module) enters ``self.client``
        target, owner = model.segment(where), _class_of(call, model)  # type: ignore[arg-type]
        entered = [
            item.context_expr
            for statement in (*model.nodes(ast.With), *model.nodes(ast.AsyncWith))
            for item in statement.items  # type: ignore[attr-defined]
        ] + [attribute.value for attribute in model.attributes_named("__enter__")]
        return any(model.segment(expr) == target and _class_of(expr, model) is owner for expr in entered)
    return use == "argument"  # given to something else: what it does with the client is unknown


def _class_of(node: ast.AST, model: SemanticModel) -> object:
    function = model.enclosing_function(node)
    return function.class_info if function is not None else None


def _entered_reference(name: ast.Name, model: SemanticModel) -> bool:
    use, where = model.value_use(name)
    if use == "with":
        return True
    if use == "argument" and isinstance(where, ast.Call) and isinstance(where.func, ast.Attribute):
        return where.func.attr in ENTERING_CALLS
    return use == "receiver" and isinstance(where, ast.Attribute) and where.attr == "__enter__"


def _wrappable(call: ast.Call, model: SemanticModel) -> tuple[ast.Assign, list[ast.stmt], str] | None:
    """(the statement ``name = TestClient(...)``, the statements after it in its block, ``name``)
    when the fix can wrap them in ``with``: inside a function, alone on its lines, with statements
    after it and no multi-line string among them."""
    statement = model.parent(call)
    if not (
        isinstance(statement, ast.Assign)
        and statement.value is call
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and model.enclosing_function(call) is not None
    ):
        return None
    place = model.statement_list(statement)
    if place is None:
        return None
    _, siblings, index = place
    following = siblings[index + 1 :]
    if not following or not _alone(statement, model) or _multiline_strings(following, model):
        return None
    return statement, following, statement.targets[0].id


def _alone(statement: ast.stmt, model: SemanticModel) -> bool:
    """True when nothing but the statement (and a comment) stands on its lines."""
    where = model.range_of(statement)
    before = model.lines[where.start_line][: where.start_column]
    after = model.lines[where.end_line][where.end_column :].strip()
    return not before.strip() and (not after or after.startswith("#"))


def _multiline_strings(statements: list[ast.stmt], model: SemanticModel) -> bool:
    first, last = statements[0].lineno, statements[-1].end_lineno
    return any(
        first <= node.lineno <= last and node.end_lineno > node.lineno  # type: ignore[attr-defined, operator]
        for node_type in (ast.Constant, ast.JoinedStr)
        for node in model.nodes(node_type)
        if node_type is ast.JoinedStr or isinstance(node.value, (str, bytes))  # type: ignore[attr-defined]
    )
