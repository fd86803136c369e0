from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import instance

CLIENT_RESPONSE = "aiohttp.ClientResponse"
BODY_READERS = frozenset({"json", "text", "read"})
#: reading any of these off the response shows the code looks at the outcome
STATUS_CHECKS = frozenset({"status", "ok", "raise_for_status"})
#: keys of a response body in which an API reports failure: ``error``, ``errors``, ``ok``, ``success``, ``status``
BODY_ERROR_FLAG = re.compile(r"^(error|errors|err|ok|success|status|code|errcode|error_code)$", re.IGNORECASE)


class ClientResponseStatusUnchecked(Rule):
    """
    ## What it does
    Finds `await response.json()`, `.text()` or `.read()` on an aiohttp client response in a
    function that never looks at the response's outcome: no `response.raise_for_status()`, no
    `response.status` or `response.ok`. Modules that pass `raise_for_status=` to a session or a
    request anywhere are left alone, since their sessions may raise on errors by themselves, and
    so are bodies whose own error flag the code tests (`if data.get("error"):`,
    `if not data["ok"]:`), the way APIs that answer `200` with an error document are checked.

    ## Why is this bad?
    aiohttp does not raise on an HTTP error status by default. A `404`, `429` or `503` answer is
    read like a success: `.json()` returns the upstream's error document (or raises a confusing
    `ContentTypeError` on an HTML error page) and the code carries on with the wrong data.

    ## Example
    ```python
    async def fetch_user(session, user_id):
        async with session.get(f"https://api.example.com/users/{user_id}") as response:
            return await response.json()
    ```

    ## Use instead
    ```python
    async def fetch_user(session, user_id):
        async with session.get(f"https://api.example.com/users/{user_id}") as response:
            response.raise_for_status()
            return await response.json()
    ```

    or create the session with `aiohttp.ClientSession(raise_for_status=True)`.

    ## Fix safety
    No fix is offered: whether an error status should raise or be handled is the caller's choice.
    """

    code = "AIO041"
    name = "aiohttp-client-response-status-unchecked"
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "aiohttp client response body read without checking its status"
    guidelines = (Quote("aiohttp", "Client Request and Response", "Implement proper error handling"),)
    node_types = (ast.Call,)
    callees = BODY_READERS

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Call)
        func = node.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr in BODY_READERS
            and isinstance(model.parent(node), ast.Await)
            and instance(model, func.value) == CLIENT_RESPONSE
        ):
            return
        function = model.enclosing_function(node)
        if function is None:
            return
        response = model.segment(func.value)
        if any(
            attribute.attr in STATUS_CHECKS and model.segment(attribute.value) == response  # type: ignore[attr-defined]
            for attribute in model.nodes_in(function, ast.Attribute)
        ):
            return
        if _module_configures_raise_for_status(model) or _body_error_flag_checked(node, model):
            return
        if isinstance(func.value, (ast.Name, ast.Attribute)):
            instead = f"call `{response}.raise_for_status()` first, test `{response}.status`"
        else:  # ``(await session.get(url)).json()``: no name to check the status through
            instead = "keep the response (`async with session.get(...) as response`) and call `response.raise_for_status()`"
        yield self.diagnostic(
            node,
            model,
            f"`await {model.segment(node)}` reads the body of an aiohttp response whose status "
            f"{model.context_label(node)} never checks, so an error answer is read like a success; {instead}, "
            "or use `ClientSession(raise_for_status=True)`",
        )


def _module_configures_raise_for_status(model: SemanticModel) -> bool:
    return any(
        keyword.arg == "raise_for_status"
        and not (isinstance(keyword.value, ast.Constant) and keyword.value.value in (False, None))
        for call in model.nodes(ast.Call)
        for keyword in call.keywords  # type: ignore[attr-defined]
    )


def _body_error_flag_checked(read: ast.Call, model: SemanticModel) -> bool:
    """``data = await response.json()`` then ``if data.get("error"):`` / ``if not data["ok"]:`` /
    ``if "errors" in data:``: the API reports failure in the body, and the code looks there."""
    use, target = model.value_use(read)
    binding = model.lookup(target.id, target) if use == "bound" and isinstance(target, ast.Name) else None
    if binding is None:
        return False
    for name in model.references(binding):
        key = _key_read(name, model)
        if key is not None and BODY_ERROR_FLAG.search(key) and _in_test(name, model):
            return True
    return False


def _key_read(name: ast.Name, model: SemanticModel) -> str | None:
    """The string key ``data["key"]``, ``data.get("key")`` or ``"key" in data`` reads."""
    parent = model.parent(name)
    key: ast.expr | None = None
    if isinstance(parent, ast.Subscript) and parent.value is name:
        key = parent.slice
    elif isinstance(parent, ast.Attribute) and parent.attr == "get":
        call = model.parent(parent)
        key = call.args[0] if isinstance(call, ast.Call) and call.args else None
    elif isinstance(parent, ast.Compare) and parent.comparators[-1:] == [name] and isinstance(parent.ops[-1], (ast.In, ast.NotIn)):
        key = parent.left
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _in_test(node: ast.AST, model: SemanticModel) -> bool:
    """Part of the condition of an ``if``, ``while``, ``assert`` or conditional expression."""
    child = node
    for ancestor in model.ancestors(node):
        if isinstance(ancestor, (ast.If, ast.While, ast.IfExp, ast.Assert)) and child is ancestor.test:
            return True
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False
