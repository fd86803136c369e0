from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, argument
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.tornado import self_call

#: handler methods that pass their argument to ``RequestHandler.write``
WRITERS = frozenset({"write", "finish"})
#: builtins whose result ``write`` refuses, and what it is
REFUSED_CALLS = {
    "builtins.list": "a list",
    "builtins.sorted": "a list",
    "builtins.tuple": "a tuple",
    "builtins.set": "a set",
    "builtins.frozenset": "a set",
    "builtins.int": "a number",
    "builtins.float": "a number",
    "builtins.len": "a number",
}
_DISPLAYS: dict[type[ast.AST], str] = {
    ast.List: "a list",
    ast.ListComp: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.SetComp: "a set",
    ast.GeneratorExp: "a generator",
}


class WriteNonString(Rule):
    """
    ## What it does
    Finds `self.write(...)` and `self.finish(...)` in Tornado request handlers whose argument is
    a list (a display, a comprehension, `list(...)`, `sorted(...)`, or a local name only ever
    bound to one), a tuple, a set, a generator or a number.

    ## Why is this bad?
    `RequestHandler.write` accepts `str`, `bytes` and `dict` only (a dict is sent as JSON);
    anything else raises `TypeError: write() only accepts bytes, unicode, and dict objects`,
    and the client gets a 500 error. Lists are refused on purpose: a top-level JSON array could
    be read by another site through a `<script>` tag (JSON hijacking), so Tornado wants JSON
    wrapped in an object.

    ## Example
    ```python
    from tornado import web

    class UsersHandler(web.RequestHandler):
        async def get(self):
            users = await self.db.list_users()
            self.write([user.to_json() for user in users])
    ```

    ## Use instead
    ```python
    from tornado import web

    class UsersHandler(web.RequestHandler):
        async def get(self):
            users = await self.db.list_users()
            self.write({"users": [user.to_json() for user in users]})
    ```

    For a number, write `str(count)`.

    ## Fix safety
    There is no automatic fix: wrapping a list in an object changes the JSON that clients parse.
    """

    code = "TOR009"
    name = "write-non-string"
    framework = "tornado"
    severity = Severity.ERROR
    summary = "`self.write()` of a list, tuple or number (Tornado raises `TypeError`)"
    guidelines = (
        Quote("tornado", "Request Handling", "Use proper response generation"),
        Quote("tornado", "Database Integration", "Create effective data serialization"),
    )
    node_types = (ast.Call,)
    callees = WRITERS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        method = self_call(model, node)
        if method not in WRITERS:
            return
        assert isinstance(node, ast.Call)
        if _overridden(model, node, method):
            return
        chunk = argument(node, 0, "chunk")
        kind = _refused_kind(model, chunk, 0) if chunk is not None else None
        if kind is None:
            return
        advice = "use `str(...)`" if kind == "a number" else 'wrap it in a dict, e.g. `{"items": ...}`'
        message = (
            f"`self.{method}()` of {kind} raises TypeError: Tornado writes only str, bytes and dict "
            f"(a dict as JSON; top-level lists are refused against JSON hijacking); {advice}"
        )
        yield self.diagnostic(chunk, model, message)


def _overridden(model: SemanticModel, call: ast.Call, method: str) -> bool:
    """The handler class, or a base of it, may define its own ``method`` (mitmproxy's ``write``
    encodes lists as JSON): defined in the class or a local base, or a base from another module
    that is not Tornado's."""
    function = model.enclosing_function(call)
    class_info = function.class_info if function is not None else None
    if class_info is None:
        return False
    if method in class_info.methods:
        return True
    for base in model.base_classes(class_info):
        if isinstance(base, str):
            if not base.startswith("tornado."):
                return True
        elif method in base.methods:
            return True
    return False


def _refused_kind(model: SemanticModel, value: ast.expr, depth: int) -> str | None:
    """What ``write`` would refuse ``value`` as ("a list"…), when the module says what it is."""
    kind = _DISPLAYS.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, ast.Constant) and isinstance(value.value, (int, float, complex)):
        return "a number"
    if isinstance(value, ast.Call):
        return REFUSED_CALLS.get(model.qualified_name(value.func) or "")
    if isinstance(value, ast.Name) and depth < 3:
        binding = model.lookup(value.id, value)
        if binding is None or binding.scope.kind != "function":
            return None
        bindings = binding.scope.bindings.get(value.id, [])
        kinds = {
            _refused_kind(model, b.value, depth + 1) if b.kind == "assignment" and b.value is not None else None
            for b in bindings
        }
        return kinds.pop() if len(kinds) == 1 else None
    return None
