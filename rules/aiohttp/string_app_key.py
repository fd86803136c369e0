from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.aiohttp import is_application, is_request


class StringApplicationKey(Rule):
    """
    ## What it does
    Finds string keys on an aiohttp application: `app["db"] = ...`, `request.app["db"]`,
    `request.config_dict["db"]`. The application is recognised by its type, as `request.app`,
    and as the parameter of `on_startup`, `on_shutdown`, `on_cleanup` and `cleanup_ctx` callbacks.

    ## Why is this bad?
    Since aiohttp 3.9, storing a value under a string key warns (`NotAppKeyWarning`). String
    keys are untyped (every read is `Any`, so a typo or a wrong type shows up only at run time)
    and they collide between the application and third-party libraries that store their own
    state on it. `web.AppKey("db", Pool)` is a unique, typed key: type checkers know what
    `app[DB]` holds.

    ## Example
    ```python
    async def init_db(app):
        app["db"] = await asyncpg.create_pool(DSN)

    @routes.get("/users")
    async def list_users(request):
        return web.json_response(await request.app["db"].fetch("SELECT name FROM users"))

    app.on_startup.append(init_db)
    ```

    ## Use instead
    ```python
    DB = web.AppKey("db", asyncpg.Pool)

    async def init_db(app):
        app[DB] = await asyncpg.create_pool(DSN)

    @routes.get("/users")
    async def list_users(request):
        return web.json_response(await request.app[DB].fetch("SELECT name FROM users"))

    app.on_startup.append(init_db)
    ```

    ## When to enable it
    In the opt-in group `pedantic`: `extend-select = ["pedantic"]` or `["AIO010"]`. It found nothing on
    the real-application corpus, and it is not a definite error: style: string keys work, `web.AppKey`
    adds typing (aiohttp only warns).

    ## Fix safety
    There is no automatic fix: the key's type, and where the `AppKey` lives so that every module
    using it can import it, are the application's choice.
    """

    code = "AIO010"
    name = "string-application-key"
    opt_in = True
    framework = "aiohttp"
    severity = Severity.INFORMATION
    summary = "string key on an aiohttp application instead of `web.AppKey`"
    guidelines = (
        Quote("aiohttp", "Server-Side Development", "Use proper application configuration"),
        Quote("aiohttp", "Key Principles", "Follow established aiohttp best practices"),
    )
    node_types = (ast.Subscript,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        assert isinstance(node, ast.Subscript)
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return
        owner = node.value
        config_dict = isinstance(owner, ast.Attribute) and owner.attr == "config_dict" and is_request(model, owner.value)
        if not config_dict and not is_application(model, owner):
            return
        literal = f'"{key.value}"' if '"' not in key.value and "\\" not in key.value else repr(key.value)
        constant = key.value.upper().replace("-", "_").replace(" ", "_")
        constant = constant if constant.isidentifier() else "KEY"
        if isinstance(node.ctx, ast.Store):
            what = f"stores under the string key {literal}, which aiohttp 3.9+ warns about (`NotAppKeyWarning`)"
        else:
            what = f"reads the string key {literal}, an untyped value"
        yield self.diagnostic(
            node,
            model,
            f"`{model.segment(node)}` {what}; declare `{constant} = web.AppKey({literal}, <type>)` and use "
            f"`app[{constant}]`",
        )
