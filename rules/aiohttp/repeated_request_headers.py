from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import instance

CLIENT_SESSION = "aiohttp.ClientSession"
REQUEST_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect"})


class RepeatedRequestHeaders(Rule):
    """
    ## What it does
    Finds the same `headers=` value (the same dict literal, or the same name) passed to two or
    more requests of one aiohttp `ClientSession` in one function. Each repeat is reported.

    ## Why is this bad?
    Headers every request of a session needs (authentication, `User-Agent`, `Accept`) belong to
    the session: `ClientSession(headers=...)` sends them with every request. Repeating them per
    call is noise, and the one call that forgets them goes out unauthenticated.

    ## Example
    ```python
    async def sync(session, token):
        auth = {"Authorization": f"Bearer {token}"}
        users = await (await session.get(USERS, headers=auth)).json()
        teams = await (await session.get(TEAMS, headers=auth)).json()
    ```

    ## Use instead
    ```python
    async def sync(token):
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
            users = await (await session.get(USERS)).json()
            teams = await (await session.get(TEAMS)).json()
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO044"]`. A refactoring
    suggestion: repeated `headers=` work, setting them once on the session is tidier. Enable it to find
    them.

    ## Fix safety
    No fix is offered: the session may be shared with requests that must not carry these headers.
    """

    code = "AIO044"
    name = "aiohttp-repeated-request-headers"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "Same `headers=` passed to several requests of one aiohttp session; set them on the session"
    guidelines = (Quote("aiohttp", "Client Request and Response", "Create appropriate header management"),)
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        function = model.function_info(node)
        if function is None:
            return
        seen: set[tuple[object, str]] = set()
        for call in model.nodes_in(function, ast.Call):
            assert isinstance(call, ast.Call)
            func = call.func
            headers = next((k.value for k in call.keywords if k.arg == "headers"), None)
            if not (
                headers is not None
                and isinstance(headers, (ast.Dict, ast.Name, ast.Attribute))
                and isinstance(func, ast.Attribute)
                and func.attr in REQUEST_METHODS
                and instance(model, func.value) == CLIENT_SESSION
            ):
                continue
            # a session named by its binding: two `async with ClientSession() as session` blocks in
            # one function are two sessions
            session = func.value
            binding = model.lookup(session.id, session) if isinstance(session, ast.Name) else None
            key = (binding or model.segment(session), model.segment(headers))
            if key not in seen:
                seen.add(key)
                continue
            yield self.diagnostic(
                headers,
                model,
                f"`headers={key[1]}` is passed to several requests of `{model.segment(session)}` in "
                f"{model.context_label(call)}; "
                f"set them once with `ClientSession(headers=...)`",
            )
