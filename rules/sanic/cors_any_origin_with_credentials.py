from __future__ import annotations

import ast
from collections.abc import Iterator

from ..guidelines import Quote
from ..model import SemanticModel, keyword
from ..rule import Diagnostic, Rule, Severity
from ..frameworks.sanic import is_app, is_config, string

ORIGIN_HEADER = "access-control-allow-origin"
CREDENTIALS_HEADER = "access-control-allow-credentials"
#: sanic-ext settings (config keys are matched without regard to case)
ORIGINS_SETTING = "CORS_ORIGINS"
CREDENTIALS_SETTING = "CORS_SUPPORTS_CREDENTIALS"
#: sanic-ext's ``Extend`` and its per-route ``@cors(...)`` decorator
EXTEND = frozenset({"sanic_ext.Extend", "sanic_ext.bootstrap.Extend"})
CORS_DECORATORS = frozenset({"sanic_ext.cors", "sanic_ext.extensions.http.cors.cors"})
#: header-map methods taking ``(name, value)``
HEADER_METHODS = frozenset({"add", "setdefault"})
#: config methods taking a mapping (or keywords) of settings
UPDATE_METHODS = frozenset({"update", "update_config"})


class CorsAnyOriginWithCredentials(Rule):
    """
    ## What it does
    Finds Sanic CORS setups that allow every origin together with credentials:

    - headers set by hand in one function (or one header mapping): `Access-Control-Allow-Origin: *`
      with `Access-Control-Allow-Credentials: true`;
    - sanic-ext settings `CORS_ORIGINS = "*"` with `CORS_SUPPORTS_CREDENTIALS = True` (as
      `app.config` attributes or items, through `config.update(...)`, or `Extend(app, config={...})`);
    - sanic-ext's per-route `@cors(origin="*", supports_credentials=True)`.

    ## Why is this bad?
    Browsers refuse a credentialed response that allows origin `*`, so the hand-written headers
    do not work, and the usual way round, echoing back whatever `Origin` the request has, lets
    any web site a logged-in user visits call the API with the user's cookies and read the
    answers. sanic-ext's per-route `@cors(origin="*", supports_credentials=True)` does exactly
    that echoing; its app-wide settings with `"*"` make it stop the app at start-up with
    `SanicException: Cannot use supports_credentials in conjunction with an origin string of '*'`.

    ## Example
    ```python
    @app.on_response
    async def add_cors(request, response):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Credentials"] = "true"
    ```

    ## Use instead
    List the origins that may send credentials, with sanic-ext:
    ```python
    from sanic_ext import Extend

    app.config.CORS_ORIGINS = "https://app.example.com"
    app.config.CORS_SUPPORTS_CREDENTIALS = True
    Extend(app)
    ```

    ## Fix safety
    There is no automatic fix: only the application knows its trusted origins.
    """

    code = "SAN014"
    name = "cors-any-origin-with-credentials"
    framework = "sanic"
    severity = Severity.ERROR
    summary = "CORS allows any origin (`*`) together with credentials"
    guidelines = (
        Quote("sanic", "Security", "Implement proper CORS configuration"),
        Quote("sanic", "Security", "Create proper secure headers"),
        Quote("sanic", "Key Principles", "Create secure and scalable web applications"),
    )
    node_types = (ast.Module,)

    def check(self, node: ast.AST, model: SemanticModel) -> Iterator[Diagnostic]:
        yield from self._hand_written_headers(model)
        yield from self._extension_settings(model)
        for call in model.nodes(ast.Call):
            assert isinstance(call, ast.Call)
            if model.qualified_name(call.func) not in CORS_DECORATORS:
                continue
            origin, credentials = keyword(call, "origin"), keyword(call, "supports_credentials")
            if _is_wildcard(origin) and _is_true(credentials):
                message = (
                    '`@cors(origin="*", supports_credentials=True)` makes sanic-ext echo back every requesting origin '
                    "with credentials: any site can make authenticated requests and read the answers; list the trusted "
                    "origins"
                )
                yield self.diagnostic(origin, model, message)  # type: ignore[arg-type]

    def _hand_written_headers(self, model: SemanticModel) -> Iterator[Diagnostic]:
        origins: dict[int, list[ast.expr]] = {}
        credentials: set[int] = set()
        for name, value, owner in _header_settings(model):
            if name == ORIGIN_HEADER and _is_wildcard(value):
                origins.setdefault(owner, []).append(value)
            elif name == CREDENTIALS_HEADER and isinstance(value, ast.Constant) and str(value.value).lower() == "true":
                credentials.add(owner)
        for owner, values in origins.items():
            if owner not in credentials:
                continue
            for value in values:
                message = (
                    "`Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`: browsers reject "
                    "it, and echoing the request's `Origin` instead lets any site read users' data with their cookies; "
                    "allow only the trusted origins (sanic-ext's `CORS_ORIGINS`)"
                )
                yield self.diagnostic(value, model, message)

    def _extension_settings(self, model: SemanticModel) -> Iterator[Diagnostic]:
        wildcards: dict[str, list[ast.expr]] = {}
        credentials: set[str] = set()
        for app, name, value in _extension_config(model):
            if name == ORIGINS_SETTING and _is_wildcard(value):
                wildcards.setdefault(app, []).append(value)
            elif name == CREDENTIALS_SETTING and _is_true(value):
                credentials.add(app)
        for app, values in wildcards.items():
            if app not in credentials:
                continue
            for value in values:
                message = (
                    f"`{ORIGINS_SETTING}` allows any origin (`*`) while `{CREDENTIALS_SETTING}` is on: sanic-ext stops "
                    "the app at start-up (`SanicException`); list the trusted origins"
                )
                yield self.diagnostic(value, model, message)


def _is_wildcard(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return any(_is_wildcard(element) for element in value.elts)
    text = string(value)
    return text is not None and text.strip() == "*"


def _is_true(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True


def _header_settings(model: SemanticModel) -> Iterator[tuple[str, ast.expr, int]]:
    """(lower-cased header name, value, owner) for CORS headers the module sets: owner is the id of
    the enclosing function (0 at module level), or of the mapping that holds both."""

    def owner_of(node: ast.AST) -> int:
        function = model.enclosing_function(node)
        return id(function) if function is not None else 0

    for assignment in model.nodes(ast.Assign):
        assert isinstance(assignment, ast.Assign)
        for target in assignment.targets:
            name = string(target.slice) if isinstance(target, ast.Subscript) else None
            if name is not None and name.lower() in (ORIGIN_HEADER, CREDENTIALS_HEADER):
                yield name.lower(), assignment.value, owner_of(assignment)
    for mapping in model.nodes(ast.Dict):
        assert isinstance(mapping, ast.Dict)
        for key, value in zip(mapping.keys, mapping.values):
            name = string(key)
            if name is not None and name.lower() in (ORIGIN_HEADER, CREDENTIALS_HEADER):
                yield name.lower(), value, owner_of(mapping)
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if isinstance(call.func, ast.Attribute) and call.func.attr in HEADER_METHODS and len(call.args) == 2:
            name = string(call.args[0])
            if name is not None and name.lower() in (ORIGIN_HEADER, CREDENTIALS_HEADER):
                yield name.lower(), call.args[1], owner_of(call)


def _extension_config(model: SemanticModel) -> Iterator[tuple[str, str, ast.expr]]:
    """(app, upper-cased setting, value) for the sanic-ext CORS settings the module makes; the app
    is the source text of the application expression the setting is made on."""
    for assignment in model.nodes(ast.Assign):
        assert isinstance(assignment, ast.Assign)
        for target in assignment.targets:
            if isinstance(target, ast.Attribute) and is_config(model, target.value):
                yield _app_text(model, target.value), target.attr.upper(), assignment.value
            elif isinstance(target, ast.Subscript) and is_config(model, target.value):
                yield _app_text(model, target.value), (string(target.slice) or "").upper(), assignment.value
    for call in model.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        mapping: ast.expr | None = None
        if model.qualified_name(func) in EXTEND and call.args:
            app, mapping = model.segment(call.args[0]), keyword(call, "config")
        elif isinstance(func, ast.Attribute) and func.attr == "extend" and is_app(model, func.value):
            app, mapping = model.segment(func.value), keyword(call, "config")
        elif isinstance(func, ast.Attribute) and func.attr in UPDATE_METHODS and (
            is_config(model, func.value) or is_app(model, func.value)
        ):
            app = _app_text(model, func.value) if is_config(model, func.value) else model.segment(func.value)
            mapping = call.args[0] if call.args else None
            for setting in call.keywords:
                if setting.arg:
                    yield app, setting.arg.upper(), setting.value
        else:
            continue
        if isinstance(mapping, ast.Dict):
            for key, value in zip(mapping.keys, mapping.values):
                yield app, (string(key) or "").upper(), value


def _app_text(model: SemanticModel, config: ast.expr) -> str:
    """The source text of the app whose config ``config`` is: ``app`` for ``app.config`` or a name bound to it."""
    if isinstance(config, ast.Attribute) and config.attr == "config":
        return model.segment(config.value)
    if isinstance(config, ast.Name):
        binding = model.lookup(config.id, config)
        value = binding.value if binding is not None else None
        if isinstance(value, ast.Attribute) and value.attr == "config":
            return model.segment(value.value)
    return model.segment(config)
