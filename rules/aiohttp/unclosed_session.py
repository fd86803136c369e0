from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..fixes import FixContext
from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Applicability, Diagnostic, Edit, Fix, FixAvailability, Range, Rule, Severity, callees_of
from ..frameworks.aiohttp import qualified

SESSION = "aiohttp.ClientSession"

#: how a read of the session's name hands it on: once it does, closing it is someone else's job
_HANDED_ON = frozenset({"with", "argument", "returned", "yielded", "stored", "element", "bound"})


class UnclosedClientSession(Rule):
    """
    ## What it does
    Finds an `aiohttp.ClientSession()` made in a function that is never closed: not used in
    `async with`, never `close()`d, and not handed on (stored on an object or an application,
    returned, yielded, or passed to a call, which then owns it).

    ## Why is this bad?
    A session holds open connections. One that is never closed leaks them until the process
    exits, and aiohttp logs `Unclosed client session` and `Unclosed connector` when it is
    garbage-collected. A session used once and dropped is the most common aiohttp leak.

    ## Example
    ```python
    import aiohttp

    async def fetch_status(url):
        session = aiohttp.ClientSession()
        response = await session.get(url)
        return response.status
    ```

    ## Use instead
    ```python
    import aiohttp

    async def fetch_status(url):
        async with aiohttp.ClientSession() as session:
            response = await session.get(url)
            return response.status
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO002"]`. It found nothing on
    the real-application corpus, and it is not a definite error: a session never closed leaks its
    connector; harmless for one session that lives as long as the process.

    ## Fix safety
    Unsafe. When the session is assigned to a name in a coroutine and the statements after the
    assignment, in the same block, are its only users, the fix turns the assignment into
    `async with ... as name:` around those statements. The session then closes when the block
    ends: a response or a stream that leaves the block unread can no longer be read. The fix is
    not offered for a session created any other way, when the code `del`s the name, or when the
    moved lines hold a multi-line string (re-indenting would change it).
    """

    code = "AIO002"
    name = "unclosed-client-session"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.WARNING
    summary = "`ClientSession()` is never closed"
    guidelines = (
        Quote("aiohttp", "Client-Side Development", "Implement proper client cleanup"),
        Quote("aiohttp", "Concurrency and Performance", "Implement proper resource management"),
    )
    node_types = (ast.Call,)
    callees = callees_of((SESSION,))
    fix_availability = FixAvailability.SOMETIMES
    fix_title = "Use the session in `async with`"

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        if qualified(model, node.func) != SESSION or model.scope(node).kind in ("module", "class"):
            return
        kind, target = model.value_use(node)
        if kind == "receiver":
            assert isinstance(target, ast.Attribute)
            if target.attr == "close":
                return
        elif kind == "bound":
            assert isinstance(target, ast.Name)
            if not _never_closed(model, node, target):
                return
        elif kind != "discarded":
            return
        plan = _async_with_plan(model, node)
        if model.in_async_context(node):
            instead = "use it in `async with aiohttp.ClientSession() as session:` (or `await session.close()` in a `finally`)"
        else:
            instead = "create it in a coroutine, in `async with aiohttp.ClientSession() as session:`"
        yield self.diagnostic(
            node,
            model,
            f"`aiohttp.ClientSession()` in {model.context_label(node)} is never closed, so its connections leak; {instead}",
            fix=Applicability.UNSAFE if plan is not None else None,
        )

    def fix(self, diagnostic: Diagnostic, context: FixContext) -> Fix | None:
        call = context.node_at(diagnostic.range, ast.Call)
        if not isinstance(call, ast.Call):
            return None
        model = context.model
        plan = _async_with_plan(model, call)
        if plan is None:
            return None
        header = f"async with {context.text(call)} as {plan.name}:"
        edits = [context.replace(plan.statement, header)]
        first_line = plan.statement.end_lineno  # 0-based index of the line after the statement
        last_line = plan.body[-1].end_lineno - 1  # type: ignore[operator]
        for line in range(first_line, last_line + 1):  # type: ignore[arg-type]
            if model.lines[line].strip():
                edits.append(Edit(Range(line, 0, line, 0), plan.indent))
        return Fix(self.fix_title, Applicability.UNSAFE, tuple(edits))


def _never_closed(model: SemanticModel, call: ast.Call, target: ast.Name) -> bool:
    """True when no read of the name the session is bound to closes it, enters it or hands it on."""
    binding = model.lookup(target.id, target)
    function = model.enclosing_function(call)
    if binding is None or binding.scope.kind != "function" or function is None:
        return False
    for declaration in model.nodes(ast.Global) + model.nodes(ast.Nonlocal):
        assert isinstance(declaration, (ast.Global, ast.Nonlocal))
        if target.id in declaration.names and model.enclosing_function(declaration) is function:
            return False
    for reference in model.references(binding):
        if model.scope(reference) is not binding.scope and model.scope(reference).kind != "comprehension":
            return False  # a closure may close it
        kind, user = model.value_use(reference)
        if kind in _HANDED_ON:
            return False
        if kind == "receiver" and isinstance(user, ast.Attribute) and user.attr == "close":
            return False
    return True


@dataclass
class _Plan:
    statement: ast.stmt  # ``name = aiohttp.ClientSession(...)``
    name: str
    body: list[ast.stmt]  # the statements after it in its block, which become the ``async with`` body
    indent: str  # one level of indentation, as the file writes it


def _async_with_plan(model: SemanticModel, call: ast.Call) -> _Plan | None:
    """How to turn ``name = ClientSession(...)`` into ``async with``, when every use follows it in its block."""
    statement = model.parent(call)
    if not model.in_async_context(call):
        return None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        name = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is call:
        name = statement.target
    else:
        return None
    owner = model.parent(statement)
    block = next(
        (value for _, value in ast.iter_fields(owner) if isinstance(value, list) and any(s is statement for s in value)),
        None,
    )
    if block is None:
        return None
    body = block[[id(s) for s in block].index(id(statement)) + 1 :]
    if not body or body[0].lineno <= statement.end_lineno:  # type: ignore[operator]
        return None
    binding = model.lookup(name.id, name)
    first, last = body[0].lineno, body[-1].end_lineno
    references = model.references(binding) if binding is not None else []
    if binding is None or any(not first <= reference.lineno <= last for reference in references):  # type: ignore[operator]
        return None
    if any(isinstance(reference.ctx, ast.Del) for reference in references):
        return None  # ``del session`` manages the object's lifetime by hand
    statement_line = model.lines[statement.lineno - 1]
    if statement_line[: statement.col_offset].strip():
        return None
    for string_type in (ast.Constant, ast.JoinedStr):
        for string in model.nodes(string_type):
            spans_lines = string.end_lineno != string.lineno  # type: ignore[attr-defined]
            if spans_lines and statement.lineno <= string.lineno <= last:  # type: ignore[attr-defined, operator]
                return None
    block_indent = statement_line[: statement.col_offset]
    owner_line = model.lines[owner.lineno - 1]  # type: ignore[attr-defined]
    owner_indent = owner_line[: len(owner_line) - len(owner_line.lstrip())]
    unit = block_indent[len(owner_indent) :] if block_indent.startswith(owner_indent) else ""
    return _Plan(statement, name.id, body, unit or "    ")
